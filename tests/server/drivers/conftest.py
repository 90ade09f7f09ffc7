"""Driver tests need the drivers: in the tox ``bolt*`` environments ``REQUIRE_BOLT_DRIVERS``
names the ones that must be importable, so a broken install fails instead of skipping.

The servers these tests start (in-process through ``mgcore.connect`` and ``mgcore serve``
children) resolve their settings as users' do, so ``MGCORE_STORAGE_MODE=IN_MEMORY_ANALYTICAL``
runs the whole directory against that engine. A test of behaviour that not every engine has
says so with the conformance suite's marker, ``@pytest.mark.requires("transactional", ...)``
(names as ``Capabilities.supports`` takes them, ``!name`` for "does not declare"): it is skipped
when the engine of the configured storage mode does not declare them.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

from mgcore.config import load_settings
from mgcore.conformance.plugin import skip_reason, unmet_requirements
from mgcore.storage.capabilities import Capabilities
from mgcore.storage.registry import EngineRegistry

HERE = Path(__file__).parent


def configured_storage_mode() -> str:
    """The storage mode the tests' servers open in: the default, or the one the config file or
    the environment (``MGCORE_STORAGE_MODE``) names."""
    return str(load_settings([], strict=False).storage_mode)


def configured_capabilities() -> Capabilities:
    """What the engine of the configured storage mode declares (its capabilities.toml)."""
    mode = configured_storage_mode()
    table = EngineRegistry().entry(mode).capabilities()
    if table is None:
        raise pytest.UsageError(f"engine {mode} declares no capabilities")
    return Capabilities.from_mapping(table)


@pytest.fixture(scope="session")
def storage_mode() -> str:
    return configured_storage_mode()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "requires(*capabilities): skip unless the engine of the configured storage mode "
        "declares every capability ('!name': unless it does not declare it)",
    )
    required = [n for n in os.environ.get("REQUIRE_BOLT_DRIVERS", "").split(",") if n]
    missing = []
    for name in required:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            missing.append(f"{name} ({exc})")
    if missing:
        raise pytest.UsageError("required Bolt drivers are not importable: " + ", ".join(missing))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip this directory's tests whose ``requires`` the configured engine does not meet."""
    ours = [item for item in items if HERE in Path(item.path).parents]
    marked = [(item, [n for m in item.iter_markers("requires") for n in m.args]) for item in ours]
    marked = [(item, names) for item, names in marked if names]
    if not marked:
        return
    mode = configured_storage_mode()
    caps = configured_capabilities()
    errors: list[str] = []
    for item, names in marked:
        try:
            unmet = unmet_requirements(caps, tuple(names))
        except KeyError as exc:
            errors.append(f"{item.nodeid}: {exc.args[0]}")
            continue
        if unmet:
            item.add_marker(pytest.mark.skip(reason=skip_reason(mode, unmet)))
    if errors:
        raise pytest.UsageError("unknown capability in @requires:\n  " + "\n  ".join(errors))
