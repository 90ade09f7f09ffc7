"""Every hook mgcore offers to plugins.

Hooks run only at boundaries (start-up, session, query, commit, DDL, snapshot), never per row: a
pluggy call costs 1-2 µs, twenty times a method call. Each docstring therefore states where the
hook is called and how often ("Called once", "Called per commit", ...); tests/test_hookspecs.py
rejects a hook without such a line. Core code calls hooks only through the typed facade
``mgcore.plugins.PluginHost``.

Plugins implement hooks with ``mgcore.hookimpl`` and may accept any subset of the arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from mgcore.config import SettingSpec
    from mgcore.storage.registry import EngineRegistry

hookspec = pluggy.HookspecMarker("mgcore")

# ---------------------------------------------------------------------------------------------
# Start-up


@hookspec
def mg_add_config() -> list[SettingSpec] | None:
    """Declare settings of this plugin (an engine's tuning knobs, a plugin's options).

    :return: A list of ``mgcore.config.SettingSpec`` (or None); names must be new.
        The values are then read like kernel settings (config file, ``MGCORE_*`` env, flags,
        ``connect()`` keywords) and passed to engines in ``EngineContext.settings``.

    Called once, at start-up, after plugins are loaded and before settings are resolved.
    """


@hookspec
def mg_register_engines(registry: EngineRegistry) -> None:
    """Add storage engines in-process, beside those found through ``mgcore.engines`` entry points.

    :param registry: The ``EngineRegistry``; call ``registry.register(name, target)`` with the
        storage-mode name and a class or a lazy ``"module:Class"`` string.

    Called once per engine registry, when a database (or ``mgcore engines``) builds it.
    """


@hookspec
def mg_register_functions(registry: Any) -> None:
    """Add Cypher functions.

    :param registry: The database's function registry; register callables on it. The functions
        themselves are then called directly by compiled expressions, never through a hook.

    Called once per database, when it opens.
    """


@hookspec
def mg_register_procedures(registry: Any) -> None:
    """Add procedures callable with ``CALL name(...)``.

    :param registry: The database's procedure registry.

    Called once per database, when it opens.
    """


# ---------------------------------------------------------------------------------------------
# Database lifecycle


@hookspec
def mg_database_opened(database: Any) -> None:
    """The database has opened its engine and recovered; start background work here.

    :param database: The ``mgcore.Database``; ``database.settings`` holds the resolved settings.

    Called once per database, after the engine opened and before the first session, and again
    after each ``STORAGE MODE`` switch once the new engine is in place (``database.engine`` and
    ``database.storage_mode`` are the new ones); restart work stopped by ``mg_database_closing``.
    """


@hookspec
def mg_database_closing(database: Any) -> None:
    """The database is about to close its engine; stop background work and flush here.

    :param database: The ``mgcore.Database``.

    Called once per database, before the engine closes, and before the old engine is closed by
    a ``STORAGE MODE`` switch (no transaction is open then; ``mg_database_opened`` follows once
    the new engine is in place; ``database.closed`` tells the two apart). An exception is
    logged, not raised, so the database still closes (or switches).
    """


# ---------------------------------------------------------------------------------------------
# Transactions and schema


@hookspec
def mg_before_commit(database: Any, transaction: Any) -> None:
    """A write transaction is about to commit; raise an ``mgcore.errors.MgError`` to abort it.

    :param database: The ``mgcore.Database``.
    :param transaction: The kernel transaction being committed (its changes are readable).

    Called per commit of a transaction that wrote, before the engine commits. Not called at all
    when no plugin implements it (``PluginHost.has_commit_hooks``).
    """


@hookspec
def mg_after_commit(database: Any, transaction: Any) -> None:
    """A transaction committed and is visible; for audit, change feeds and caches.

    :param database: The ``mgcore.Database``.
    :param transaction: The committed kernel transaction.

    Called per commit of a transaction that wrote, after it became visible. Exceptions are
    logged, not raised: the commit has happened.
    """


@hookspec
def mg_schema_changed(database: Any, change: Any) -> None:
    """An index or constraint was created or dropped.

    :param database: The ``mgcore.Database``.
    :param change: What changed (an ``IndexSpec`` or ``ConstraintSpec`` and whether it was
        created or dropped).

    Called per DDL statement that changed the schema, after the change. Exceptions are logged.
    """


@hookspec
def mg_snapshot_created(database: Any, path: str) -> None:
    """The engine wrote a snapshot; for backups and replication of snapshots.

    :param database: The ``mgcore.Database``.
    :param path: The snapshot file.

    Called per snapshot, after the file is complete. Exceptions are logged.
    """


# ---------------------------------------------------------------------------------------------
# Security


@hookspec(firstresult=True)
def mg_authenticate(username: str, password: str, scheme: str) -> bool | None:
    """Check a client's credentials.

    :param username: The principal the client sent ("" when none).
    :param password: The credentials the client sent ("" when none).
    :param scheme: The Bolt auth scheme (``"basic"``, ``"none"``, ...).
    :return: ``True`` to accept, ``False`` to reject, ``None`` for no opinion. Stops at the first
        non-None result; the built-in ``auth`` plugin runs last. When every plugin returns None
        the client is accepted, as Memgraph accepts any credentials when no users exist.

    Called per session, when a client connects (HELLO/LOGON).
    """
