"""``InMemoryTransactionalEngine``: the IN_MEMORY_TRANSACTIONAL storage mode.

The store is two lists indexed by gid (``objects.Vertex`` / ``objects.Edge``; gids are
sequential from 0 per kind and never reused), the interning tables for labels, relationship
types and property keys, and the transaction bookkeeping below. See ``objects`` for the layout
and the lock-free read invariants, ``transaction`` for the read and write protocols.

Concurrency. One write latch (``_lock``, a ``threading.Lock``) serialises everything that
changes shared state, each time for one operation: every write, ``begin`` (start timestamp and
the active set), commit (commit timestamp and its publication), rollback, and delta release.
Readers never take it. Under the GIL the latch costs little (CPU-bound Python work does not run
in parallel anyway) and it keeps the writer side simple enough to reason about.

Timestamps. One counter gives start and commit timestamps (Memgraph's ``timestamp_``);
transaction ids count up from ``TXN_ID_BASE`` so that "committed" is ``ts < TXN_ID_BASE``.

Garbage collection (Memgraph's GC). A finished transaction (committed, or rolled back with its
deltas marked ABORTED) is queued with its finish timestamp ``CommitInfo.end``. Whenever a
transaction ends, and every ``storage_gc_cycle_sec`` on the GC thread, every queued transaction
whose ``end`` is below the start timestamp of the oldest active transaction is released: the
chains of the objects it wrote are cut at the first releasable delta (everything older is
releasable too), and a deleted object whose chain becomes empty leaves the store (its list slot
becomes ``None``). With no older reader active, a commit releases its own deltas at once, so
memory returns after an import. While indexes exist, the cut-off chain segments name the
vertices whose index entries may have become unreachable (``indexes.IndexSet.release_cuts``);
a rollback drops the entries of the versions it undoes (``_undo_locked``). ``free_memory``
(FREE MEMORY) runs the same collection, then Python's cyclic GC and glibc's ``malloc_trim``.

Schema (``schema``, ``indexes``, ``constraints``): index maintenance on the write paths and
constraint checks at commit run only while an index (``_indexed``) or a constraint
(``_constrained``) exists, so the hot paths pay one attribute test otherwise. Constraints are
checked in ``_commit`` under the latch before the commit timestamp and the WAL step; the
uniqueness maps change only once the WAL write succeeded.

Durability (``durability``, ``snapshot_io``): ``_commit`` encodes the commit record before
taking the latch, writes it to the WAL under the latch before the publishing store (the
commit-log step of the contract), and waits for it to be durable after the latch; see
``durability`` for why visibility may precede the fsync by one group-commit round.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
from collections import deque
from pathlib import Path
from typing import Any, ClassVar

from mgcore.storage.capabilities import Capabilities
from mgcore.storage.errors import StorageError, UnsupportedOperation
from mgcore.storage.kit.marker import check_marker
from mgcore.storage.kit.settings import setting_bool
from mgcore.storage.protocol import API_VERSION, EngineContext, SchemaManager
from mgcore.storage.records import (
    ConstraintSpec,
    GraphStatistics,
    IndexSpec,
    IsolationLevel,
)
from mgcore_engine_in_memory_tx.constraints import ConstraintSet
from mgcore_engine_in_memory_tx.durability import Durability, encode_ops
from mgcore_engine_in_memory_tx.indexes import IndexSet
from mgcore_engine_in_memory_tx.objects import (
    ABORTED,
    DELETED,
    RUNNING,
    TXN_ID_BASE,
    CommitInfo,
    Delta,
    Edge,
    Vertex,
)
from mgcore_engine_in_memory_tx.schema import Schema
from mgcore_engine_in_memory_tx.transaction import InMemoryTransaction, TxStats, _undo

"""Marker in the data directory naming the engine and its on-disk format."""
FORMAT_VERSION = 1

log = logging.getLogger(__name__)

STORE_KIND = "mgcore.in_memory.v1"
"""``StoreHandOver.store_kind`` of the in-memory engines (this one and IN_MEMORY_ANALYTICAL)."""
IN_MEMORY_MODES = frozenset({"IN_MEMORY_TRANSACTIONAL", "IN_MEMORY_ANALYTICAL"})
"""The storage modes that share the in-memory store (and its data directory)."""


class InMemoryStore:
    """What ``hand_over`` gives away: the engine attributes that make up the store (objects,
    interning tables, counters, timestamps, indexes and constraints) plus the storage uuid of
    the durable files, moved to the taking engine by reference (no copy)."""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "_vertices", "_edges", "_key_ids", "_key_names", "_label_sets", "_types", "_blobs",
        "_ts", "_next_txid", "_node_count", "_rel_count", "_label_counts", "_type_counts",
        "_keys_used", "_indexes", "_indexed", "_constraints", "_constrained",
    )

    def __init__(self, state: dict[str, Any], uuid: str | None) -> None:
        self.state = state
        self.uuid = uuid

    @classmethod
    def take(cls, engine: Any, uuid: str | None) -> InMemoryStore:
        """The store of ``engine`` (which must not use it afterwards)."""
        return cls({name: getattr(engine, name) for name in cls.FIELDS}, uuid)

    def give(self, engine: Any) -> None:
        """Install the store into ``engine`` (its indexes and constraints now serve it)."""
        for name, value in self.state.items():
            setattr(engine, name, value)
        engine._indexes._engine = engine
        engine._constraints._engine = engine
        self.state = {}



class InMemoryTransactionalEngine:
    """Memgraph's default storage mode: MVCC with undo deltas, conflicts at write time."""

    name: ClassVar[str] = "IN_MEMORY_TRANSACTIONAL"
    api_version: ClassVar[int] = API_VERSION
    capabilities: ClassVar[Capabilities] = Capabilities.from_package_file(__file__)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._vertices: list[Vertex | None] = []
        self._edges: list[Edge | None] = []
        self._key_ids: dict[str, int] = {}
        self._key_names: list[str] = []
        self._label_sets: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}
        self._types: dict[str, str] = {}
        self._blobs: dict[bytes, bytes] = {}
        self._ts = 0
        self._next_txid = TXN_ID_BASE
        self._active: dict[InMemoryTransaction, int] = {}
        self._unreleased: deque[tuple[CommitInfo, list[Delta]]] = deque()
        self._unreleased_deltas = 0
        self._node_count = 0
        self._rel_count = 0
        self._label_counts: dict[str, int] = {}
        self._type_counts: dict[str, int] = {}
        self._keys_used: set[int] = set()
        self._isolation = self.capabilities.default_isolation
        self._properties_on_edges = True
        self._indexes = IndexSet(self)
        self._indexed = False
        """True while any index exists: the write paths maintain indexes only then."""
        self._constraints = ConstraintSet(self)
        self._constrained = False
        """True while any constraint exists: commits check constraints only then."""
        self._schema = Schema(self)
        self._gc_cycle = 30.0
        self._gc_wake = threading.Event()
        self._gc_thread: threading.Thread | None = None
        self._directory: Path | None = None
        self._durability: Durability | None = None
        self._closed = False

    # --------------------------------------------------------------------------- lifecycle

    def _configure(self, ctx: EngineContext) -> Path:
        """Apply the settings and claim the data directory (its marker); shared by ``open`` and
        ``take_over``. Returns the directory."""
        settings = ctx.settings
        self._properties_on_edges = setting_bool(
            settings.get("storage_properties_on_edges"), True
        )
        level = settings.get("isolation_level")
        if level:
            parsed = level if isinstance(level, IsolationLevel) else IsolationLevel.parse(level)
            self._check_level(parsed)
            self._isolation = parsed
        directory = Path(ctx.data_directory)
        directory.mkdir(parents=True, exist_ok=True)
        check_marker(directory, self.name, FORMAT_VERSION)
        self._directory = directory
        return directory

    def open(self, ctx: EngineContext) -> None:
        """Check or write the data directory's marker and apply the settings."""
        self._configure(ctx)
        durability = Durability(self, ctx)
        durability.open()
        self._durability = durability
        self._start_gc(ctx.settings.get("storage_gc_cycle_sec"))

    def close(self) -> None:
        """Stop the GC thread, write the snapshot on exit, roll back the transactions still
        open (later ``begin`` calls fail), then sync and close the WAL."""
        self._stop_gc()
        durability = self._durability
        if durability is not None:
            durability.before_close()
        with self._lock:
            self._closed = True
            open_txns = list(self._active)
        for txn in open_txns:
            txn.rollback()
        if durability is not None:
            durability.close()

    def begin(
        self, isolation: IsolationLevel | None = None, read_only: bool = False
    ) -> InMemoryTransaction:
        """Start a transaction at ``isolation`` (default: the engine's current level)."""
        level = self._isolation if isolation is None else isolation
        self._check_level(level)
        with self._lock:
            if self._closed:
                raise StorageError("The IN_MEMORY_TRANSACTIONAL engine is closed.")
            start = self._ts
            self._ts = start + 1
            info = CommitInfo(self._next_txid)
            self._next_txid += 1
            txn = InMemoryTransaction(self, info, start, level, read_only)
            self._active[txn] = start
        return txn

    def _check_level(self, level: IsolationLevel) -> None:
        if level not in self.capabilities.isolation_levels:
            supported = ", ".join(sorted(x.value for x in self.capabilities.isolation_levels))
            raise UnsupportedOperation(
                f"IN_MEMORY_TRANSACTIONAL does not support isolation level {level.value} "
                f"(supported: {supported})."
            )

    @property
    def schema(self) -> SchemaManager:
        """Index and constraint DDL."""
        return self._schema

    def set_isolation_level(self, level: IsolationLevel) -> None:
        """Change the default level of later transactions."""
        self._check_level(level)
        self._isolation = level

    def create_snapshot(self) -> str:
        """Write a snapshot from a read transaction (writers go on) and return its path."""
        if self._durability is None:
            raise StorageError("The IN_MEMORY_TRANSACTIONAL engine is not open.")
        path = self._durability.create_snapshot()
        assert path is not None
        return path

    # ------------------------------------------------------------------------ statistics

    def statistics(self) -> GraphStatistics:
        """Counts of committed data, maintained at every commit."""
        with self._lock:
            names = self._key_names
            return GraphStatistics(
                node_count=self._node_count,
                relationship_count=self._rel_count,
                label_counts=dict(self._label_counts),
                type_counts=dict(self._type_counts),
                property_keys=frozenset(names[k] for k in self._keys_used),
                index_stats=self._indexes.statistics() if self._indexed else {},
            )

    def info(self) -> list[tuple[str, Any]]:
        """Engine rows of SHOW STORAGE INFO, named as Memgraph names them."""
        with self._lock:
            nodes = self._node_count
            rels = self._rel_count
            unreleased = self._unreleased_deltas + sum(t.delta_count for t in self._active)
        return [
            ("vertex_count", nodes),
            ("edge_count", rels),
            ("average_degree", 2 * rels / nodes if nodes else 0.0),
            ("unreleased_delta_objects", unreleased),
            ("isolation_level", self._isolation.value),
            *(self._durability.info() if self._durability is not None else []),
        ]

    def free_memory(self) -> None:
        """``FREE MEMORY``: run the garbage collector now (release every delta and index entry
        no active transaction can need), collect Python garbage, and hand the allocator's free
        memory back to the OS (glibc ``malloc_trim``) where available."""
        self._gc_once()
        gc.collect()
        _malloc_trim()

    def drop_graph(self) -> None:
        """``DROP GRAPH`` (``GraphDrop``) is refused in this mode, in Memgraph's words; nothing
        is deleted. IN_MEMORY_ANALYTICAL overrides it."""
        raise UnsupportedOperation(
            "Drop graph can only be used in the analytical mode. Switch to analytical mode by "
            "executing 'STORAGE MODE IN_MEMORY_ANALYTICAL'"
        )

    # ---------------------------------------------------------------- garbage collection

    def _gc_once(self) -> None:
        """One GC run: delta release and the index entries it makes unreachable."""
        with self._lock:
            self._release_locked()

    def _start_gc(self, cycle: Any) -> None:
        """Start the GC thread, which runs ``_gc_once`` every ``cycle`` seconds."""
        self._gc_cycle = float(cycle) if cycle else 30.0
        self._gc_wake.clear()
        thread = threading.Thread(
            target=self._gc_loop, name="mgcore-imt-gc", daemon=True
        )
        self._gc_thread = thread
        thread.start()

    def _gc_loop(self) -> None:
        wake = self._gc_wake
        while not wake.wait(self._gc_cycle):
            self._gc_once()

    def _stop_gc(self) -> None:
        """Stop the GC thread at once (the event wakes it) and wait for it."""
        thread = self._gc_thread
        if thread is not None:
            self._gc_wake.set()
            thread.join()
            self._gc_thread = None

    def _log_schema_change(self, action: str, spec: IndexSpec | ConstraintSpec) -> None:
        """Make a schema change durable (``action`` is ``"create"`` or ``"drop"``); called by
        the schema manager after the change took effect, under the write latch, once per DDL.
        The durability part (the WAL) hangs here: a record with a timestamp of its own."""
        durability = self._durability
        if durability is not None:
            ts = self._ts
            self._ts = ts + 1
            durability.log_schema(ts, action, spec)

    # --------------------------------------------------------------- called by transactions

    def _key_id(self, key: str) -> int:
        """The id of property key ``key``, allocating one (the caller holds the latch)."""
        kid = self._key_ids.get(key)
        if kid is None:
            kid = len(self._key_names)
            self._key_names.append(key)
            self._key_ids[key] = kid
        return kid

    def _intern_labels(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """The shared tuple equal to ``labels`` (one per distinct label sequence)."""
        return self._label_sets.setdefault(labels, labels)

    def _intern_type(self, rel_type: str) -> str:
        """The shared string equal to ``rel_type``."""
        return self._types.setdefault(rel_type, rel_type)

    def _commit(
        self,
        txn: InMemoryTransaction,
        info: CommitInfo,
        deltas: list[Delta],
        stats: TxStats | None,
    ) -> None:
        """Allocate the commit timestamp and publish it (the commit point), then release."""
        if not deltas:
            self._end_empty(txn)
            return
        durability = self._durability
        encoded = None
        if durability is not None and durability.committer is not None:
            encoded = encode_ops(deltas, self._key_names)
        ticket = None
        with self._lock:
            unique_changes = (
                self._constraints.check_commit(deltas) if self._constrained else None
            )
            ts = self._ts
            self._ts = ts + 1
            if durability is not None:
                try:
                    ticket = durability.log_commit(ts, encoded)
                except StorageError:
                    self._undo_locked(txn, deltas)
                    self._abort_locked(txn, info, deltas)
                    txn._close()
                    raise
            if unique_changes:
                self._constraints.apply(unique_changes)
            info.ts = ts
            info.end = ts
            del self._active[txn]
            if stats is not None:
                self._apply_stats(stats)
            self._unreleased.append((info, deltas))
            self._unreleased_deltas += len(deltas)
            self._release_locked()
        if ticket is not None:
            ticket.wait()

    def _undo_locked(self, txn: InMemoryTransaction, deltas: list[Delta]) -> None:
        """Restore what ``deltas`` changed (rollback; the caller holds the latch), and drop the
        index entries only the undone versions produced: from the transaction's entry log, or,
        when an index was created since it began (the log misses that index's entries), from
        the versions its deltas undo."""
        if self._indexed:
            indexes = self._indexes
            info = txn._info
            if txn._index_gen == indexes.generation:
                _undo(deltas)
                indexes.rollback(txn._index_log, info)
            else:
                dirty = indexes.dirty(deltas, info)
                _undo(deltas)
                indexes.drop_unreachable(dirty, info)
        else:
            _undo(deltas)

    def _abort_locked(
        self, txn: InMemoryTransaction, info: CommitInfo, deltas: list[Delta]
    ) -> None:
        """Mark a rolled-back transaction's deltas ABORTED and queue them for release."""
        info.ts = ABORTED
        info.end = self._ts
        self._ts += 1
        self._active.pop(txn, None)
        self._unreleased.append((info, deltas))
        self._unreleased_deltas += len(deltas)
        self._release_locked()

    def _end_empty(self, txn: InMemoryTransaction) -> None:
        """End a transaction that wrote nothing."""
        with self._lock:
            self._active.pop(txn, None)
            self._release_locked()

    def _apply_stats(self, stats: TxStats) -> None:
        self._node_count += stats.nodes
        self._rel_count += stats.rels
        tables = ((self._label_counts, stats.labels), (self._type_counts, stats.types))
        for table, changes in tables:
            for name, change in changes.items():
                if change:
                    count = table.get(name, 0) + change
                    if count:
                        table[name] = count
                    else:
                        table.pop(name, None)
        self._keys_used |= stats.keys

    def _release_locked(self) -> None:
        """Unlink the deltas no active transaction can need (the caller holds the latch)."""
        queue = self._unreleased
        if not queue:
            return
        active = self._active
        oldest = next(iter(active.values())) if active else RUNNING
        vertices = self._vertices
        edges = self._edges
        deleted = DELETED
        cuts: dict[Vertex, list[Delta]] | None = {} if self._indexed else None
        while queue and queue[0][0].end < oldest:
            _, deltas = queue.popleft()
            self._unreleased_deltas -= len(deltas)
            for d in deltas:
                owner = d.owner
                head = owner.delta
                if head is None:
                    continue
                if head.info.end < oldest:
                    owner.delta = None
                    if cuts is not None and owner.__class__ is Vertex:
                        cuts.setdefault(owner, []).append(head)
                    if owner.props is deleted:
                        if owner.__class__ is Vertex:
                            vertices[owner.gid] = None
                        else:
                            edges[owner.gid] = None
                    continue
                prev = head
                cur = head.next
                while cur is not None:
                    if cur.info.end < oldest:
                        prev.next = None
                        if cuts is not None and owner.__class__ is Vertex:
                            cuts.setdefault(owner, []).append(cur)
                        break
                    prev = cur
                    cur = cur.next
        if cuts:
            try:
                self._indexes.release_cuts(cuts)
            except Exception:
                # entries are a superset verified at every seek: a failed clean-up leaves stale
                # entries, never wrong results, and must not fail a commit already visible
                log.exception("index clean-up failed; its stale entries stay in the indexes")

    # ------------------------------------------- StoreHandOver (STORAGE MODE, in-memory modes)

    store_kind: ClassVar[str] = STORE_KIND

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass registered under another storage-mode name is another engine: it does not
        inherit the in-memory ``store_kind`` (so the kernel streams the graph to it) unless it
        declares a kind of its own."""
        super().__init_subclass__(**kwargs)
        if cls.store_kind == STORE_KIND and cls.name not in IN_MEMORY_MODES:
            cls.store_kind = ""

    def hand_over(self) -> InMemoryStore:
        """Give the store away (``STORAGE MODE``; no transaction open): release every delta,
        stop the GC thread, the periodic snapshots and the WAL without writing a snapshot,
        and close this engine. The store holds only newest versions without deltas, which is
        what the analytical engine keeps."""
        self._stop_gc()
        with self._lock:
            if self._active:
                raise StorageError(
                    "The store cannot be handed over while transactions are running."
                )
            self._release_locked()
            if self._unreleased:
                raise StorageError("The store still has unreleased deltas.")
            self._closed = True
        durability, self._durability = self._durability, None
        uuid = None
        if durability is not None:
            uuid = durability.uuid
            durability.snapshot_on_exit = False
            durability.before_close()
            durability.close()
        return InMemoryStore.take(self, uuid)

    def take_over(self, store: InMemoryStore, ctx: EngineContext) -> None:
        """Open on a store handed over by an engine of the same ``store_kind`` (instead of
        ``open``): adopt it, start a new WAL file of the store's chain and write a snapshot, so
        what was written in analytical mode is durable before this returns."""
        self._configure(ctx)
        store.give(self)
        durability = Durability(self, ctx)
        durability.adopt(store.uuid or durability.uuid)
        self._durability = durability
        self._start_gc(ctx.settings.get("storage_gc_cycle_sec"))
        durability._changes += 1  # what the store holds has not been snapshotted by us
        durability.create_snapshot(manual=False)

    # ------------------------------------------------------------------ test introspection

    def unreleased_delta_count(self) -> int:
        """Deltas still linked that belong to finished transactions."""
        with self._lock:
            return self._unreleased_deltas

    def active_transaction_count(self) -> int:
        """Transactions begun and not yet finished."""
        with self._lock:
            return len(self._active)


def _load_malloc_trim() -> Any:
    """glibc's ``malloc_trim`` through ctypes, or None where there is none."""
    try:
        name = ctypes.util.find_library("c")
        libc = ctypes.CDLL(name) if name else None
        trim = getattr(libc, "malloc_trim", None)
    except OSError:
        return None
    if trim is not None:
        trim.argtypes = [ctypes.c_size_t]
        trim.restype = ctypes.c_int
    return trim


_MALLOC_TRIM = _load_malloc_trim()


def _malloc_trim() -> None:
    """Return free heap memory to the OS (glibc only; elsewhere nothing)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
