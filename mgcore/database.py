"""Database: one open storage engine with its settings, plugins, plan cache and sessions.

``mgcore.connect(**settings)`` and ``mgcore serve`` both build a Database; sessions run queries
against it. The database owns the commit path (hooks around the engine's commit), the plan cache
(keyed by query text and schema version) and the bookkeeping of open transactions that storage
mode switching and shutdown need.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import itertools
import json
import logging
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mgcore.config import Settings, load_settings
from mgcore.errors import ClientError, ConfigurationError, ParameterMissing, TransientError
from mgcore.execution import PreparedQuery, QueryProcessor, default_memory_limit
from mgcore.plugins import PluginHost, bootstrap
from mgcore.session import Session, TransactionInfo
from mgcore.storage.capabilities import Capabilities
from mgcore.storage.errors import EngineIncompatible, UnsupportedOperation
from mgcore.storage.kit.lock import DirectoryLock
from mgcore.storage.kit.marker import read_marker
from mgcore.storage.protocol import (
    TRANSACTION_METHODS,
    EngineContext,
    GraphDrop,
    StorageEngine,
    Transaction,
    missing_members,
)
from mgcore.storage.records import ConstraintKind, IsolationLevel
from mgcore.storage.registry import EngineRegistry

log = logging.getLogger("mgcore.database")


def _malloc_trim() -> None:
    """Return free heap pages to the OS where the C library can (glibc); else nothing."""
    global _trim
    if _trim is None:
        try:
            _trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _trim = False
    if _trim:
        _trim(0)


_trim: Any = None

MODE_FILE = "mgcore-storage-mode.json"
"""In the data directory: which storage mode the graph was last streamed into by ``STORAGE MODE``
and the sub-directory holding that engine's files (absent until the first streamed switch)."""
MODES_DIRECTORY = "storage_modes"
"""Sub-directory of the data directory holding the engines a streamed switch created."""
STREAM_BATCH = 10_000
"""Entities copied per target transaction when a switch streams the graph."""
DEFAULT_SWITCH_TIMEOUT = 600.0
"""How long a switch waits for open transactions when ``--query-execution-timeout-sec`` is 0."""

MAX_CACHED_QUERY_LENGTH = 64 * 1024
"""Longer query texts are planned every time, so a few huge queries cannot hog memory."""


@dataclass(frozen=True)
class PlanCacheStats:
    """A snapshot of the plan cache's counters."""

    hits: int
    misses: int
    size: int
    max_size: int


class PlanCache:
    """Prepared queries by (query text, schema version), least recently used evicted first.

    Counts hits and misses so tests and monitoring can tell whether queries skip planning.
    """

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self.hits = 0
        self.misses = 0
        self._plans: OrderedDict[tuple[str, int], PreparedQuery] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> PreparedQuery | None:
        """The cached plan for ``key`` (now the most recently used), or None (a miss)."""
        with self._lock:
            plan = self._plans.get(key)
            if plan is None:
                self.misses += 1
                return None
            self._plans.move_to_end(key)
            self.hits += 1
            return plan

    def put(self, key: tuple[str, int], plan: PreparedQuery) -> None:
        """Remember ``plan``, evicting the least recently used plans beyond ``max_size``."""
        if len(key[0]) > MAX_CACHED_QUERY_LENGTH:
            return
        with self._lock:
            plans = self._plans
            plans[key] = plan
            while len(plans) > self.max_size:
                plans.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._plans.clear()

    def __len__(self) -> int:
        return len(self._plans)

    def __contains__(self, query: object) -> bool:
        """Whether some cached plan has this query text (at any schema version)."""
        with self._lock:
            return any(text == query for text, _ in self._plans)

    def stats(self) -> PlanCacheStats:
        with self._lock:
            return PlanCacheStats(self.hits, self.misses, len(self._plans), self.max_size)


class _Events:
    """Engine events turned into hook calls."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def snapshot_created(self, path: str) -> None:
        self._db.plugins.snapshot_created(self._db, path)


class Database:
    """An open database. Thread-safe: sessions on different threads share it."""

    def __init__(
        self,
        settings: Settings,
        plugins: PluginHost,
        registry: EngineRegistry,
        processor: QueryProcessor | None = None,
    ) -> None:
        self.settings = settings
        self.plugins = plugins
        self.registry = registry
        self._processor = processor
        self._lock = threading.RLock()
        self.plan_cache = PlanCache(int(settings.query_plan_cache_max_size))
        self.memory_limit = int(settings.memory_limit or 0) * 1024 * 1024 or default_memory_limit()
        """``--memory-limit`` in bytes, or Memgraph's default without it (0 only where memory
        is unknown: no limit); queries fail once the process's resident memory is over it."""
        self.schema_version = 0
        self._open_transactions: set[int] = set()
        self._gate = threading.Condition(self._lock)
        """Notified when a transaction ends or a storage mode switch finishes."""
        self._switching = False
        """True while ``switch_storage_mode`` runs: ``begin`` and ``storage_access`` wait."""
        self._accesses = 0
        """Engine operations under way outside transactions (``storage_access``), and
        transactions being begun."""
        self._global_isolation: IsolationLevel | None = None
        """The last ``SET GLOBAL TRANSACTION ISOLATION LEVEL``, re-applied after a switch."""
        self._checked_tx_classes: set[type] = set()
        self._sessions: set[Session] = set()
        self._transaction_ids = itertools.count(1)
        self.closed = False
        self._directory_lock = DirectoryLock(settings.data_directory)
        self._directory_lock.acquire()
        try:
            self.engine_directory = self._configured_directory(settings.storage_mode)
            """The directory the current engine was opened on (see ``switch_storage_mode``)."""
            try:
                self.engine: StorageEngine = self._open_engine(
                    settings.storage_mode, self.engine_directory
                )
            except EngineIncompatible as exc:
                hint = self._switched_hint(settings.storage_mode)
                if hint:
                    raise EngineIncompatible(f"{exc}{hint}") from exc
                raise
        except BaseException:
            self._directory_lock.release()
            raise
        try:
            if self._processor is None:
                from mgcore.cypher.executor import CypherProcessor

                self._processor = CypherProcessor(self)
            plugins.database_opened(self)
        except BaseException:
            try:
                self.engine.close()
            finally:
                self._directory_lock.release()
            raise

    # ---------------------------------------------------------------------------- opening

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        plugins: PluginHost | None = None,
        **overrides: Any,
    ) -> Database:
        """Open with ``settings`` (already resolved, e.g. by the CLI, optionally with its plugin
        host) or resolve them from the environment, the config file and ``overrides``
        (underscore names), with the specs of ``plugins`` when a host is given (so
        ``connect(plugins=host, ...)`` opens with plugins registered on that host)."""
        if settings is None:
            if plugins is None:
                plugins, settings = bootstrap([], overrides=overrides)
            else:
                settings = load_settings([], overrides=overrides, extra_specs=plugins.add_config())
                plugins.configure(settings)
        else:
            if overrides:
                raise ConfigurationError("pass either resolved settings or overrides, not both")
            if plugins is None:
                plugins = PluginHost.create(blocked=settings.plugins_blocked)
                plugins.configure(settings)
        registry = EngineRegistry()
        plugins.register_engines(registry)
        return cls(settings, plugins, registry)

    def _configured_directory(self, mode: str) -> Path:
        """The engine directory to open at start: the data directory itself, or the
        sub-directory the last streamed ``STORAGE MODE`` switch moved the graph to (named in
        ``MODE_FILE``). The engine's marker check decides whether the configured mode may open
        it (see ``_switched_hint``)."""
        root = Path(self.settings.data_directory)
        recorded = _read_mode_file(root)
        directory = root if recorded is None else root / recorded[1]
        _remove_orphans(root, directory)
        return directory

    def _switched_hint(self, mode: str) -> str:
        """Why the configured engine refused the directory, when a streamed switch to another
        engine moved the graph there: the database must be started in that mode."""
        root = Path(self.settings.data_directory)
        recorded = _read_mode_file(root)
        if recorded is None:
            return ""
        directory = root / recorded[1]
        marker = read_marker(directory) if directory.is_dir() else None
        owner = marker[0] if marker is not None else recorded[0]
        if owner == mode:
            return ""
        return (
            f" The database in {root} was switched to storage mode {owner} with STORAGE MODE "
            f"and its data is in {directory}; start it with --storage-mode {owner} (then switch "
            f"with STORAGE MODE {mode} if needed)."
        )

    def _context(self, mode: str, directory: Path) -> EngineContext:
        return EngineContext(
            data_directory=directory,
            settings=self.settings.as_dict(),
            log=logging.getLogger(f"mgcore.engine.{mode.lower()}"),
            events=_Events(self),
        )

    def _open_engine(self, mode: str, directory: Path) -> StorageEngine:
        engine_cls = self.registry.load(mode)
        engine: StorageEngine = engine_cls()
        directory.mkdir(parents=True, exist_ok=True)
        engine.open(self._context(mode, directory))
        return engine

    @property
    def storage_mode(self) -> str:
        return self.engine.name

    # ----------------------------------------------------------------------------- queries

    @property
    def processor(self) -> QueryProcessor:
        """The query processor; built at open so function and procedure hooks run once there."""
        assert self._processor is not None
        return self._processor

    def prepare(self, query: str, parameters: Mapping[str, Any] | None = None) -> PreparedQuery:
        """The cached plan for ``query`` at the current schema version, planning it if needed.
        With ``parameters``, a query parameter the plan reads and they lack is ParameterMissing
        here, before anything runs (as in Memgraph, which checks them when it prepares)."""
        version = self.schema_version
        key = (query, version)
        cache = self.plan_cache
        plan = cache.get(key)
        if plan is None:
            plan = self.processor.prepare(query, self)
            if version == self.schema_version:
                cache.put(key, plan)
        if parameters is not None and plan.parameters:
            missing = plan.parameters.difference(parameters)
            if missing:
                raise ParameterMissing(f"Parameter ${min(missing)} not provided.")
        return plan

    @property
    def procedures(self) -> Any:
        """The procedures ``CALL`` finds (the processor's ``ProcedureRegistry``): add one to the
        open database with ``db.procedures.add("my.proc(x :: INTEGER) :: (y :: INTEGER)", fn)``
        or remove one with ``unregister``; plans cached before are planned again."""
        registry = getattr(self.processor, "procedures", None)
        if registry is None:
            raise UnsupportedOperation("This database's query processor has no procedures.")
        return registry

    def invalidate_plans(self) -> None:
        """Forget every cached plan: what they resolved when planned (indexes, procedures)
        has changed."""
        with self._lock:
            self.schema_version += 1
            self.plan_cache.clear()

    def schema_changed(self, change: Any) -> None:
        """Invalidate cached plans after DDL and tell plugins."""
        self.invalidate_plans()
        self.plugins.schema_changed(self, change)

    def drop_graph(self) -> None:
        """``DROP GRAPH``: the engine deletes every node, relationship, index and constraint at
        once (``GraphDrop.drop_graph``, an optional part of the contract), outside any
        ``STORAGE MODE`` switch. Cached plans go with the schema, and plugins hear of every
        index and constraint dropped. An engine without the method, or refusing it, raises
        ``UnsupportedOperation`` (a ClientError) and nothing is deleted."""
        with self.storage_access():
            engine = self.engine
            if not isinstance(engine, GraphDrop):
                raise UnsupportedOperation(
                    f"DROP GRAPH is not supported by the {engine.name} storage mode."
                )
            schema = engine.schema
            dropped: list[Any] = [info.spec for info in schema.indexes()]
            dropped.extend(schema.constraints())
            engine.drop_graph()
            with self._lock:
                self.schema_version += 1
                self.plan_cache.clear()
        for spec in dropped:
            self.plugins.schema_changed(self, (spec, "dropped"))

    def release_memory(self) -> None:
        """``FREE MEMORY``, also run after a query hit the memory limit: the engine releases
        what no transaction can see, Python collects garbage, and the C allocator hands free
        pages back to the OS (glibc ``malloc_trim``) so resident memory falls."""
        self.engine.free_memory()
        gc.collect()
        _malloc_trim()

    def query_deadline(self, timeout: float | None = None) -> float | None:
        """The monotonic deadline of a query starting now: ``timeout`` seconds if given (from a
        client's transaction timeout), else ``--query-execution-timeout-sec``; None: no limit."""
        if timeout is None:
            timeout = float(self.settings.query_execution_timeout_sec or 0)
        return time.monotonic() + timeout if timeout > 0 else None

    # ------------------------------------------------------------------------ transactions

    def begin(
        self, isolation: IsolationLevel | None = None, read_only: bool = False
    ) -> Transaction:
        """A new engine transaction, tracked until it commits or rolls back. Waits while a
        ``STORAGE MODE`` switch runs, then begins on the engine it switched to."""
        with self.storage_access():
            tx = self.engine.begin(isolation, read_only)
            with self._lock:
                self._open_transactions.add(id(tx))
        cls = type(tx)
        if cls not in self._checked_tx_classes:
            missing = missing_members(tx, TRANSACTION_METHODS)
            if missing:
                self.rollback(tx)
                raise EngineIncompatible(
                    f"Storage engine {self.engine.name!r} returned a transaction missing: "
                    f"{', '.join(missing)}"
                )
            self._checked_tx_classes.add(cls)
        return tx

    def commit(self, tx: Transaction) -> None:
        """Commit through the hooks: before (may veto by raising), engine commit, after."""
        plugins = self.plugins
        try:
            if plugins.has_commit_hooks:
                try:
                    plugins.before_commit(self, tx)
                except BaseException:
                    tx.rollback()
                    raise
            tx.commit()
        finally:
            self._ended(tx)
        if plugins.has_commit_hooks:
            plugins.after_commit(self, tx)

    def rollback(self, tx: Transaction) -> None:
        try:
            tx.rollback()
        finally:
            self._ended(tx)

    @contextmanager
    def storage_access(self) -> Iterator[None]:
        """Around an engine operation outside a transaction (DDL, snapshot, setting the global
        isolation level, beginning a transaction): waits while a ``STORAGE MODE`` switch runs,
        and a switch waits for it to finish."""
        with self._lock:
            while self._switching:
                self._gate.wait()
            self._accesses += 1
        try:
            yield
        finally:
            with self._lock:
                self._accesses -= 1
                if self._switching:
                    self._gate.notify_all()

    def set_isolation_level(self, level: IsolationLevel) -> None:
        """``SET GLOBAL TRANSACTION ISOLATION LEVEL``: the engine's default for new transactions;
        remembered so an engine switched to later gets it too (where it supports it)."""
        self.engine.set_isolation_level(level)
        self._global_isolation = level

    def _ended(self, tx: Transaction) -> None:
        with self._lock:
            self._open_transactions.discard(id(tx))
            if self._switching:
                self._gate.notify_all()

    @property
    def open_transaction_count(self) -> int:
        return len(self._open_transactions)

    # ------------------------------------------------------------------------ storage modes

    def switch_storage_mode(self, mode: str, timeout: float | None = None) -> None:
        """``STORAGE MODE <mode>``: hand the graph to the engine registered as ``mode``.

        A no-op when ``mode`` is current; ``EngineNotFound`` (naming the installed engines) for
        an unknown one. New transactions wait while the switch runs; the switch first waits
        for the transactions already open (a WARNING is logged if there were any) for at most
        ``timeout`` seconds (default ``--query-execution-timeout-sec``, or 600 when that is 0),
        then fails with ``TransientError`` and leaves everything as it was.

        In place when both engines implement ``StoreHandOver`` with the same non-empty
        ``store_kind`` (the target takes over the store and the directory). Otherwise the graph
        is streamed into a new engine opened on a fresh sub-directory
        ``<data directory>/storage_modes/<MODE>.<n>``: nodes, relationships (endpoints mapped
        by gid), then indexes and constraints, in batches of ``STREAM_BATCH`` per transaction.
        Only when that succeeded is the source closed and ``mgcore-storage-mode.json`` in the
        data directory rewritten (atomically) to name the new directory, so a failure at any
        point before leaves the source open and unchanged (the partial target is closed and
        deleted) and a restart opens the directory the file names. A source directory under
        ``storage_modes/`` is deleted after the switch; the data directory itself is left as
        it was (its engine's files are then stale and unused). Plugins see
        ``mg_database_closing`` before the old engine closes and ``mg_database_opened`` once
        the new one is in place, so background work can let go of the old engine.
        """
        name = mode.upper()
        with self._lock:
            if self.closed:
                raise ConfigurationError("The database is closed.")
            if name == self.storage_mode.upper():
                return
            if self._switching:
                raise TransientError("Another storage mode switch is in progress.")
            target_cls = self.registry.load(name)
            self._switching = True
        try:
            self._wait_for_transactions(timeout)
            old = self.engine
            _check_constraints_supported(old, target_cls, name)
            old_directory = self.engine_directory
            source_kind = getattr(old, "store_kind", "") or ""
            in_place = bool(source_kind) and source_kind == (
                getattr(target_cls, "store_kind", "") or ""
            ) and callable(getattr(old, "hand_over", None)) and callable(
                getattr(target_cls, "take_over", None)
            )
            if in_place:
                new_directory = old_directory
                self._notify_closing()
                try:
                    new = self._take_over(old, target_cls, name, new_directory)
                except BaseException:
                    self.plugins.database_opened(self)  # still (or again) on the old store
                    raise
            else:
                new, new_directory = self._stream_to(old, name)
                self._notify_closing()
                try:
                    old.close()
                except Exception:  # the graph is safe in the new engine already
                    log.exception("error while closing the %s engine after switching", old.name)
                root = Path(self.settings.data_directory)
                _write_mode_file(root, name, new_directory.relative_to(root).as_posix())
                if old_directory != root and old_directory.parent == root / MODES_DIRECTORY:
                    shutil.rmtree(old_directory, ignore_errors=True)
            level = self._global_isolation
            if level is not None and level in new.capabilities.isolation_levels:
                # an engine with a single level may refuse any change
                with contextlib.suppress(UnsupportedOperation):
                    new.set_isolation_level(level)
            with self._lock:
                self.engine = new
                self.engine_directory = new_directory
                self._checked_tx_classes.clear()
            log.info("switched storage mode from %s to %s (%s)", old.name, name,
                     "in place" if in_place else "streamed")
        finally:
            with self._lock:
                self._switching = False
                self._gate.notify_all()
        with self._lock:  # plans were made against the old engine's schema and capabilities
            self.schema_version += 1
            self.plan_cache.clear()
        self.plugins.database_opened(self)

    def _take_over(
        self, old: StorageEngine, target_cls: type, name: str, directory: Path
    ) -> StorageEngine:
        """The in-place hand-over. Should the target fail to take the store, an engine of the
        source's class takes it back, so the database keeps running in the old mode."""
        store = old.hand_over()  # type: ignore[attr-defined]
        new: StorageEngine = target_cls()
        try:
            new.take_over(store, self._context(name, directory))  # type: ignore[attr-defined]
        except BaseException:
            back: StorageEngine = type(old)()
            back.take_over(store, self._context(old.name, directory))  # type: ignore[attr-defined]
            with self._lock:
                self.engine = back
                self._checked_tx_classes.clear()
            raise
        return new

    def _notify_closing(self) -> None:
        try:
            self.plugins.database_closing(self)
        except Exception:
            log.exception("a plugin failed in mg_database_closing during a storage mode switch")

    def _wait_for_transactions(self, timeout: float | None) -> None:
        if timeout is None:
            timeout = float(self.settings.query_execution_timeout_sec or 0) or (
                DEFAULT_SWITCH_TIMEOUT
            )
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._accesses:  # short engine operations: wait without a warning
                if not self._gate.wait(max(deadline - time.monotonic(), 0)):
                    break
            if self._open_transactions:
                log.warning(
                    "STORAGE MODE waits for %d open transaction(s) to finish",
                    len(self._open_transactions),
                )
            while self._open_transactions or self._accesses:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TransientError(
                        f"Switching the storage mode timed out after {timeout:g} s waiting for "
                        f"{len(self._open_transactions)} open transaction(s) to finish; "
                        f"nothing was changed."
                    )
                self._gate.wait(left)

    def _stream_to(self, old: StorageEngine, name: str) -> tuple[StorageEngine, Path]:
        """Open ``name`` on a fresh sub-directory and copy the graph and schema of ``old`` into
        it; on failure close and delete the target and re-raise (``old`` is only read)."""
        root = Path(self.settings.data_directory)
        parent = root / MODES_DIRECTORY
        parent.mkdir(parents=True, exist_ok=True)
        directory = parent / f"{name}.{time.time_ns()}"
        new: StorageEngine | None = None
        try:
            new = self._open_engine(name, directory)
            _copy_graph(old, new)
            return new, directory
        except BaseException:
            if new is not None:
                try:
                    new.close()
                except Exception:
                    log.exception("error while closing the partial %s engine", name)
            shutil.rmtree(directory, ignore_errors=True)
            raise

    # ---------------------------------------------------------------------------- sessions

    def session(self) -> Session:
        """A new session; use it as a context manager or close it."""
        if self.closed:
            raise ConfigurationError("The database is closed.")
        session = Session(self)
        with self._lock:
            self._sessions.add(session)
        return session

    def _session_closed(self, session: Session) -> None:
        with self._lock:
            self._sessions.discard(session)

    def new_transaction_id(self) -> str:
        """A transaction id unique in this database's lifetime (SHOW TRANSACTIONS)."""
        return str(next(self._transaction_ids))

    def open_transactions(self) -> list[tuple[str, TransactionInfo]]:
        """Each session's open transaction with its username, by transaction id."""
        with self._lock:
            sessions = list(self._sessions)
        found = []
        for session in sessions:
            info = session.open_transaction()
            if info is not None:
                found.append((session.username, info))
        return sorted(found, key=lambda item: int(item[1].id))

    def terminate_transactions(self, ids: list[str], caller: Session | None = None) -> list[bool]:
        """TERMINATE TRANSACTIONS: ask each transaction of ``ids`` to stop (the caller's own
        is left alone); for each id, whether such a transaction was open."""
        with self._lock:
            sessions = [s for s in self._sessions if s is not caller]
        return [any(session.terminate(tid) for session in sessions) for tid in ids]

    def close(self) -> None:
        """Close sessions (rolling back open transactions), tell plugins, close the engine."""
        if self.closed:
            return
        self.closed = True
        for session in list(self._sessions):
            try:
                session.close()
            except Exception:  # closing must go on for the others and the engine
                log.exception("error while closing a session")
        try:
            self.plugins.database_closing(self)
        finally:
            try:
                self.engine.close()
            finally:
                self._directory_lock.release()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.close()


def _read_mode_file(root: Path) -> tuple[str, str] | None:
    path = root / MODE_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        mode, directory = data["storage_mode"], data["directory"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EngineIncompatible(f"The storage mode file {path} is unreadable: {exc}") from None
    if not isinstance(mode, str) or not isinstance(directory, str):
        raise EngineIncompatible(f"The storage mode file {path} is malformed.")
    return mode, directory


def _remove_orphans(root: Path, current: Path) -> None:
    """Delete engine directories under ``storage_modes/`` other than ``current``: the partial
    target of a switch interrupted by a crash, or a source a finished switch had not yet
    deleted. Neither holds the current graph (the mode file names the directory that does)."""
    parent = root / MODES_DIRECTORY
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        if entry.is_dir() and entry != current:
            log.warning("removing %s, left behind by an interrupted STORAGE MODE switch", entry)
            shutil.rmtree(entry, ignore_errors=True)


def _write_mode_file(root: Path, mode: str, directory: str) -> None:
    path = root / MODE_FILE
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as file:
        file.write(json.dumps({"storage_mode": mode, "directory": directory}) + "\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(tmp, path)


def _copy_graph(source: StorageEngine, target: StorageEngine) -> None:
    """Stream nodes, relationships, indexes and constraints of ``source`` into ``target`` in
    batches of ``STREAM_BATCH`` per target transaction (through the engine contract only)."""
    read = source.begin(read_only=True)
    try:
        gids: dict[int, int] = {}
        write = target.begin()
        try:
            pending = 0
            for node in read.nodes():
                copy = write.create_node(read.node_labels(node), read.node_properties(node))
                gids[node.gid] = copy.gid
                pending += 1
                if pending >= STREAM_BATCH:
                    write.commit()
                    write, pending = target.begin(), 0
            for rel in read.relationships():
                start = write.node(gids[read.relationship_start(rel).gid])
                end = write.node(gids[read.relationship_end(rel).gid])
                if start is None or end is None:
                    raise ClientError(
                        f"Switching the storage mode: relationship {rel.gid} has an endpoint "
                        f"the target engine lost."
                    )
                props = read.relationship_properties(rel)
                write.create_relationship(
                    start, end, read.relationship_type(rel), props or None
                )
                pending += 1
                if pending >= STREAM_BATCH:
                    write.commit()
                    write, pending = target.begin(), 0
            write.commit()
        except BaseException:
            write.rollback()
            raise
    finally:
        read.rollback()
    for info in source.schema.indexes():
        target.schema.create_index(info.spec)
    for spec in source.schema.constraints():
        target.schema.create_constraint(spec)


_CONSTRAINT_CAPABILITY = {
    ConstraintKind.EXISTS: "existence_constraint",
    ConstraintKind.UNIQUE: "unique_constraint",
    ConstraintKind.TYPE: "type_constraint",
}


def _check_constraints_supported(engine: StorageEngine, target_cls: type, mode: str) -> None:
    """Refuse a switch to an engine that cannot enforce the constraints that exist (Memgraph
    3.8+ refuses switching to IN_MEMORY_ANALYTICAL until constraints are dropped), rather than
    carry constraints the new mode silently ignores."""
    capabilities: Capabilities = target_cls.capabilities  # type: ignore[attr-defined]
    for spec in engine.schema.constraints():
        needed = _CONSTRAINT_CAPABILITY[spec.kind]
        if not capabilities.supports(needed):
            raise ClientError(
                f"{mode} does not support {spec.kind.value} constraints, and there is one on "
                f":{spec.label}({', '.join(spec.properties)}). Drop the constraints before "
                f"switching to {mode}."
            )

