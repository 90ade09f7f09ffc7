"""The engine registry: lazy discovery, the api_version and protocol checks, clear errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mgcore.storage import API_VERSION, Capabilities, EngineIncompatible, EngineNotFound
from mgcore.storage.registry import EngineRegistry, check_engine_class


def _engine_class(name: str = "TEST_ENGINE", **overrides: object) -> type:
    attrs: dict[str, object] = {
        "name": name,
        "api_version": API_VERSION,
        "capabilities": Capabilities(),
        "schema": property(lambda self: None),
    }
    for method in ("open", "begin", "statistics", "set_isolation_level", "create_snapshot",
                   "info", "free_memory", "close"):
        attrs[method] = lambda self, *a, **k: None
    attrs.update(overrides)
    return type("Engine", (), attrs)


def test_installed_engine_is_discovered_from_metadata() -> None:
    registry = EngineRegistry()
    assert "IN_MEMORY_TRANSACTIONAL" in registry.names()
    entry = registry.entry("IN_MEMORY_TRANSACTIONAL")
    assert entry.distribution == "mgcore-engine-in-memory-tx"
    assert entry.version
    assert entry.module == "mgcore_engine_in_memory_tx.engine"


def test_missing_engine_names_the_installed_ones() -> None:
    registry = EngineRegistry()
    with pytest.raises(EngineNotFound) as info:
        registry.entry("NO_SUCH_MODE")
    assert "NO_SUCH_MODE" in str(info.value)
    assert "IN_MEMORY_TRANSACTIONAL" in str(info.value)


def test_capabilities_are_read_without_importing_the_engine() -> None:
    code = (
        "import sys\n"
        "from mgcore.storage.registry import EngineRegistry\n"
        "caps = EngineRegistry().entry('IN_MEMORY_TRANSACTIONAL').capabilities()\n"
        "assert caps and 'transactional' in caps, caps\n"
        "assert 'mgcore_engine_in_memory_tx' not in sys.modules\n"
        "assert 'mgcore_engine_in_memory_tx.engine' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_in_process_registration_and_load() -> None:
    registry = EngineRegistry(discover=False)
    cls = _engine_class()
    registry.register("TEST_ENGINE", cls)
    assert registry.load("TEST_ENGINE") is cls
    with pytest.raises(ValueError):
        registry.register("TEST_ENGINE", cls)


def test_api_version_mismatch_is_refused() -> None:
    with pytest.raises(EngineIncompatible, match="API version"):
        check_engine_class("TEST_ENGINE", _engine_class(api_version=API_VERSION + 1))


def test_missing_method_is_refused_by_name() -> None:
    with pytest.raises(EngineIncompatible, match="begin"):
        check_engine_class("TEST_ENGINE", _engine_class(begin=None))


def test_name_must_match_the_registration() -> None:
    with pytest.raises(EngineIncompatible, match="declares the name"):
        check_engine_class("OTHER", _engine_class())


def test_broken_engine_module_fails_clearly() -> None:
    registry = EngineRegistry(discover=False)
    registry.register("BROKEN", "mgcore_no_such_module.engine:Engine")
    with pytest.raises(EngineIncompatible, match="failed to load"):
        registry.load("BROKEN")
