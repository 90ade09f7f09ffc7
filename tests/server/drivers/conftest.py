"""Driver tests need the drivers: in the tox ``bolt*`` environments ``REQUIRE_BOLT_DRIVERS``
names the ones that must be importable, so a broken install fails instead of skipping."""

from __future__ import annotations

import importlib
import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    required = [n for n in os.environ.get("REQUIRE_BOLT_DRIVERS", "").split(",") if n]
    missing = []
    for name in required:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            missing.append(f"{name} ({exc})")
    if missing:
        raise pytest.UsageError("required Bolt drivers are not importable: " + ", ".join(missing))
