"""mgcore: a Memgraph-compatible graph database in Python.

Public API: ``connect()`` opens an embedded database, ``Database`` is its class, and plugins mark
their hook implementations with ``hookimpl``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

from mgcore.config import SettingSpec

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("mgcore")
"""Marker for plugin hook implementations: ``@mgcore.hookimpl def mg_register_functions(...)``."""

if TYPE_CHECKING:
    from mgcore.database import Database


def connect(**settings: Any) -> Database:
    """Open an embedded database; ``settings`` are Memgraph's flag names with underscores
    (``storage_mode="IN_MEMORY_TRANSACTIONAL"``, ``data_directory="mg_data"``, ...)."""
    from mgcore.database import Database

    return Database.open(**settings)


def __getattr__(name: str) -> Any:
    if name == "Database":
        from mgcore.database import Database

        return Database
    raise AttributeError(name)


__all__ = ["Database", "SettingSpec", "__version__", "connect", "hookimpl"]
