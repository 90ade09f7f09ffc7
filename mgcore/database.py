"""Database: one open storage engine with its settings, plugins, plan cache and sessions.

``mgcore.connect(**settings)`` and ``mgcore serve`` both build a Database; sessions run queries
against it. The database owns the commit path (hooks around the engine's commit), the plan cache
(keyed by query text and schema version) and the bookkeeping of open transactions that storage
mode switching and shutdown need.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mgcore.config import Settings, load_settings
from mgcore.errors import ConfigurationError
from mgcore.execution import PreparedQuery, QueryProcessor
from mgcore.plugins import PluginHost, bootstrap
from mgcore.session import Session
from mgcore.storage.errors import EngineIncompatible
from mgcore.storage.kit.lock import DirectoryLock
from mgcore.storage.protocol import (
    TRANSACTION_METHODS,
    EngineContext,
    StorageEngine,
    Transaction,
    missing_members,
)
from mgcore.storage.records import IsolationLevel
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
        self.memory_limit = int(settings.memory_limit or 0) * 1024 * 1024
        """``--memory-limit`` in bytes (0: none): queries fail once the process's resident
        memory is over it."""
        self.schema_version = 0
        self._open_transactions: set[int] = set()
        self._checked_tx_classes: set[type] = set()
        self._sessions: set[Session] = set()
        self.closed = False
        self._directory_lock = DirectoryLock(settings.data_directory)
        self._directory_lock.acquire()
        try:
            self.engine: StorageEngine = self._open_engine(settings.storage_mode)
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

    def _open_engine(self, mode: str) -> StorageEngine:
        engine_cls = self.registry.load(mode)
        engine: StorageEngine = engine_cls()
        directory = Path(self.settings.data_directory)
        directory.mkdir(parents=True, exist_ok=True)
        engine.open(
            EngineContext(
                data_directory=directory,
                settings=self.settings.as_dict(),
                log=logging.getLogger(f"mgcore.engine.{mode.lower()}"),
                events=_Events(self),
            )
        )
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

    def prepare(self, query: str) -> PreparedQuery:
        """The cached plan for ``query`` at the current schema version, planning it if needed."""
        version = self.schema_version
        key = (query, version)
        cache = self.plan_cache
        plan = cache.get(key)
        if plan is None:
            plan = self.processor.prepare(query, self)
            if version == self.schema_version:
                cache.put(key, plan)
        return plan

    def schema_changed(self, change: Any) -> None:
        """Invalidate cached plans after DDL and tell plugins."""
        with self._lock:
            self.schema_version += 1
            self.plan_cache.clear()
        self.plugins.schema_changed(self, change)

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
        """A new engine transaction, tracked until it commits or rolls back."""
        tx = self.engine.begin(isolation, read_only)
        cls = type(tx)
        if cls not in self._checked_tx_classes:
            missing = missing_members(tx, TRANSACTION_METHODS)
            if missing:
                tx.rollback()
                raise EngineIncompatible(
                    f"Storage engine {self.engine.name!r} returned a transaction missing: "
                    f"{', '.join(missing)}"
                )
            self._checked_tx_classes.add(cls)
        with self._lock:
            self._open_transactions.add(id(tx))
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
            with self._lock:
                self._open_transactions.discard(id(tx))
        if plugins.has_commit_hooks:
            plugins.after_commit(self, tx)

    def rollback(self, tx: Transaction) -> None:
        try:
            tx.rollback()
        finally:
            with self._lock:
                self._open_transactions.discard(id(tx))

    @property
    def open_transaction_count(self) -> int:
        return len(self._open_transactions)

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
