"""Driver tests need the drivers: in the tox ``bolt*`` environments ``MGCORE_REQUIRE_DRIVERS``
names the ones that must be importable, so a broken install fails instead of skipping."""

from __future__ import annotations

import importlib
import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Read and removed: mgcore takes every MGCORE_* variable for a setting and refuses unknown
    # ones, so left in the environment it would stop every server these tests start.
    required = [n for n in os.environ.pop("MGCORE_REQUIRE_DRIVERS", "").split(",") if n]
    missing = []
    for name in required:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            missing.append(f"{name} ({exc})")
    if missing:
        raise pytest.UsageError("required Bolt drivers are not importable: " + ", ".join(missing))
