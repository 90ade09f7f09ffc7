"""Every hook is prefixed, documented, and says where and how often it runs (never per row)."""

from __future__ import annotations

import inspect
import re

import pytest

from mgcore import hookspecs
from mgcore.plugins import PluginHost

FREQUENCIES = (
    "Called once",
    "Called per session",
    "Called per query",
    "Called per commit",
    "Called per DDL",
    "Called per snapshot",
)

ARCHITECTURE_HOOKS = {
    "mg_add_config",
    "mg_register_engines",
    "mg_register_functions",
    "mg_register_procedures",
    "mg_database_opened",
    "mg_database_closing",
    "mg_before_commit",
    "mg_after_commit",
    "mg_schema_changed",
    "mg_snapshot_created",
    "mg_authenticate",
}


def _specs() -> dict[str, object]:
    return {
        name: func
        for name, func in vars(hookspecs).items()
        if callable(func) and hasattr(func, "mgcore_spec")
    }


SPECS = _specs()


def test_module_functions_are_all_hookspecs():
    functions = {
        name
        for name, func in vars(hookspecs).items()
        if inspect.isfunction(func) and func.__module__ == hookspecs.__name__
    }
    assert functions == set(SPECS)


def test_the_hooks_of_the_architecture():
    assert set(SPECS) == ARCHITECTURE_HOOKS


@pytest.mark.parametrize("name", sorted(SPECS))
def test_hook_name_has_the_prefix(name):
    assert name.startswith("mg_")


@pytest.mark.parametrize("name", sorted(SPECS))
def test_docstring_says_where_and_how_often(name):
    doc = inspect.getdoc(SPECS[name]) or ""
    found = [phrase for phrase in FREQUENCIES if phrase in doc]
    assert len(found) == 1, f"{name}: needs exactly one of {FREQUENCIES}, found {found}"
    assert not re.search(r"per[- ](row|record|node|relationship|vertex|edge)", doc, re.I), name


@pytest.mark.parametrize("name", sorted(SPECS))
def test_docstring_documents_every_argument(name):
    func = SPECS[name]
    doc = inspect.getdoc(func) or ""
    assert doc.splitlines()[0].strip(), f"{name}: summary line first"
    for arg in inspect.signature(func).parameters:  # type: ignore[arg-type]
        assert f":param {arg}:" in doc, f"{name}: :param {arg}: missing"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_hook_has_a_facade_method(name):
    method = getattr(PluginHost, name.removeprefix("mg_"), None)
    assert callable(method), f"PluginHost.{name.removeprefix('mg_')} missing"
    spec_args = list(inspect.signature(SPECS[name]).parameters)  # type: ignore[arg-type]
    facade_args = [a for a in inspect.signature(method).parameters if a != "self"]
    assert facade_args == spec_args


def test_authenticate_is_firstresult():
    assert hookspecs.mg_authenticate.mgcore_spec["firstresult"] is True  # type: ignore[attr-defined]
