"""``InMemoryAnalyticalEngine``: the IN_MEMORY_ANALYTICAL storage mode.

The store is IN_MEMORY_TRANSACTIONAL's (``mgcore_engine_in_memory_tx.objects``: vertices and
edges in two gid-indexed lists, interned labels, types and property keys, msgpack props blobs,
the same indexes), used without undo deltas. Every object's delta head stays ``None``, so the
inherited read paths always take their fast path and see the newest value: that is READ
UNCOMMITTED, the only level of this mode (Memgraph's analytical mode).

Writes (``AnalyticalTransaction``) change the objects in place under the engine's write latch,
one operation at a time: no delta, no per-transaction write set, no conflict check, no commit
timestamp. The committed counts are updated at the write. Commit and rollback only end the
transaction; rollback does NOT undo anything written (as Memgraph documents). Indexes are
maintained at the write, and since no older version can be seen by anybody, an entry a write
makes stale (removed label, changed property, deleted node) is removed at once. The indexes are
therefore exact, so an equality seek's point-table hit needs no check of the vertex's value:
writes here keep them so, recovery builds them from the recovered versions, and a store handed
over by the transactional engine has had every delta released, which removes every entry that
no current version produces (that engine's index GC, which the analytical engine's tests check at
the hand-over). Deleted objects leave the lists at once (their slot becomes ``None``).

Durability: no WAL and no periodic snapshot. ``create_snapshot`` writes a snapshot in the
transactional engine's format and directory while no other transaction runs: it takes the
engine's gate exclusively (``_Gate``: every transaction holds it shared from ``begin`` to its
end; new transactions wait while a snapshot waits or runs). The data directory carries the
transactional engine's marker, so IN_MEMORY_TRANSACTIONAL (which an analytical instance restarts
in, as in Memgraph) opens it and recovers the snapshot; this engine accepts that marker and
recovers the same way (snapshot, then the WAL a transactional run left).

Constraints cannot be created (Memgraph 3.8+); a store taken over with constraints keeps them,
but they are not checked here (the kernel refuses the switch while constraints exist, as
Memgraph does).
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import msgpack

from mgcore.storage.capabilities import Capabilities
from mgcore.storage.errors import (
    DeletedObjectError,
    NodeHasRelationshipsError,
    PropertiesOnEdgesDisabled,
    StorageError,
    UnsupportedOperation,
)
from mgcore.storage.kit import serde
from mgcore.storage.kit.marker import check_marker
from mgcore.storage.kit.settings import setting_bool
from mgcore.storage.protocol import API_VERSION, TRANSACTION_METHODS, EngineContext
from mgcore.storage.records import ConstraintKind, ConstraintSpec, IsolationLevel
from mgcore.values.graph import NodeHandle, RelationshipHandle
from mgcore_engine_in_memory_tx.constraints import ConstraintSet
from mgcore_engine_in_memory_tx.durability import Durability
from mgcore_engine_in_memory_tx.engine import (
    FORMAT_VERSION,
    STORE_KIND,
    InMemoryStore,
    InMemoryTransactionalEngine,
)
from mgcore_engine_in_memory_tx.indexes import MANY, IndexSet
from mgcore_engine_in_memory_tx.objects import (
    DELETED,
    CommitInfo,
    Edge,
    Vertex,
    adj_add,
    adj_items,
    adj_remove,
    share_blob,
)
from mgcore_engine_in_memory_tx.schema import Schema
from mgcore_engine_in_memory_tx.transaction import (
    ClosedTransaction,
    InMemoryTransaction,
    TxStats,
    _pack_props,
)

log = logging.getLogger(__name__)

MARKER_NAMES = {"IN_MEMORY_ANALYTICAL": "IN_MEMORY_TRANSACTIONAL"}
"""The engine name this engine writes into (and accepts from) the data-directory marker: the
files are the transactional engine's, which is what an analytical instance restarts in. (A
subclass registered under another name is another engine and marks its own name.)"""

ISOLATION_MESSAGE = (
    "Isolation level cannot be modified when storage mode is set to IN_MEMORY_ANALYTICAL."
    "IN_MEMORY_ANALYTICAL mode doesn't provide any isolation guarantees, you can think about it "
    "as an equivalent to READ_UNCOMMITED."
)
CONSTRAINT_MESSAGES = {
    ConstraintKind.EXISTS: "Existence constraints are not supported in analytical storage mode.",
    ConstraintKind.UNIQUE: "Unique constraints are not supported in analytical storage mode.",
    ConstraintKind.TYPE: "Type constraints are not supported in analytical storage mode.",
}

FREEZE_EVERY = 300
"""After this many objects created, the cyclic GC's young generations are collected and every
tracked object is frozen (``gc.freeze``), so later collections no longer traverse the imported
graph: during an import the collector's full passes over millions of store objects cost about
as much as the import itself. Safe for the store: deleted nodes and relationships are unlinked
from the graph and freed by reference counting, never by the cyclic collector.

Only the young generations are collected before freezing, where the short-lived cycles of query
execution die. A collection's cost is in visiting what the collected objects refer to: a new
relationship and its endpoints' new adjacency tuples point to nodes and edges scattered over the
whole heap, one cache miss each. Freezing after a few hundred objects collects each new object
about once, before the automatic collections of generation 0 and then 1 would visit it a
second and third time (at 1M nodes, the third million relationships of an import took 11.1 s,
1.0 s of it collecting, against 12.1 s and 2.6 s when freezing every 10,000 objects). A full
collection before each freeze would visit every object created since the last one, and the cost
grew with the graph. Objects alive at a freeze that later become cyclic garbage are kept until
``close`` / ``hand_over`` / ``drop_graph`` unfreeze (as after the transactional engine's
recovery); an import of 1M relationships left none."""

BLOB_CACHE_SIZE = 1024
"""Entries of a transaction's ``_blob_cache`` before it starts over (bounded for imports of
many distinct values, where it stops helping)."""

_unpackb = msgpack.unpackb
_ext_hook = serde.ext_hook
_NO_INFO = CommitInfo(0)
"""The ``CommitInfo`` every analytical transaction carries (no delta ever points to it)."""


class _NoLog(list):
    """An index entry log that keeps nothing (entries are never rolled back here)."""

    __slots__ = ()

    def append(self, item: Any) -> None:
        return None


_NO_LOG: Any = _NoLog()


class _Gate:
    """Transactions hold it shared from ``begin`` to their end; a snapshot (or DROP GRAPH)
    holds it exclusively: it stops new transactions at once, waits for the running ones, and
    runs alone."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._shared = 0
        self._exclusive = False

    def enter(self) -> None:
        with self._cond:
            while self._exclusive:
                self._cond.wait()
            self._shared += 1

    def leave(self) -> None:
        with self._cond:
            self._shared -= 1
            if self._shared == 0:
                self._cond.notify_all()

    def lock(self) -> None:
        with self._cond:
            while self._exclusive:
                self._cond.wait()
            self._exclusive = True
            while self._shared:
                self._cond.wait()

    def unlock(self) -> None:
        with self._cond:
            self._exclusive = False
            self._cond.notify_all()

    @property
    def running(self) -> int:
        return self._shared


class AnalyticalDurability(Durability):
    """Recovery as the transactional engine does it, manual snapshots, and nothing else: no WAL
    committer, no periodic snapshots, no snapshot on exit (Memgraph's analytical mode)."""

    def __init__(self, engine: InMemoryTransactionalEngine, ctx: EngineContext) -> None:
        super().__init__(engine, ctx)
        self.snapshot_interval = 0.0
        self.snapshot_on_exit = False

    def _start(self) -> None:
        self.committer = None

    def info(self) -> list[tuple[str, Any]]:
        return [("durability_snapshot_enabled", False), ("durability_wal_enabled", False)]

    def _recreate_schema(self, schema: dict[Any, None]) -> None:
        """Recovered constraints are kept (their creation is refused only to users)."""
        manager = self.engine.schema
        for spec in schema:
            if isinstance(spec, ConstraintSpec):
                Schema.create_constraint(manager, spec)  # type: ignore[arg-type]
            else:
                manager.create_index(spec)


class AnalyticalSchema(Schema):
    """Index DDL as in the transactional engine; constraint creation refused (Memgraph 3.8+)."""

    def create_constraint(self, spec: ConstraintSpec) -> bool:
        raise UnsupportedOperation(CONSTRAINT_MESSAGES[spec.kind])


class InMemoryAnalyticalEngine(InMemoryTransactionalEngine):
    """Memgraph's analytical storage mode on the transactional engine's store, without deltas."""

    name: ClassVar[str] = "IN_MEMORY_ANALYTICAL"
    api_version: ClassVar[int] = API_VERSION
    capabilities: ClassVar[Capabilities] = Capabilities.from_package_file(__file__)
    store_kind: ClassVar[str] = STORE_KIND

    def __init__(self) -> None:
        super().__init__()
        self._isolation = IsolationLevel.READ_UNCOMMITTED
        self._schema = AnalyticalSchema(self)
        self._gate = _Gate()
        self._exclusive_owner: int | None = None
        """Thread id of the snapshot or DROP GRAPH that holds the gate exclusively."""
        self._created = 0
        """Objects created since the last freeze (``FREEZE_EVERY``)."""
        self._froze = False

    def _freeze(self) -> None:
        """Collect the young generations, then freeze what is tracked (``FREEZE_EVERY``)."""
        self._created = 0
        gc.collect(1)
        gc.freeze()
        self._froze = True

    def _unfreeze(self) -> None:
        if self._froze:
            gc.unfreeze()
            self._froze = False

    # --------------------------------------------------------------------------- lifecycle

    def _configure(self, ctx: EngineContext) -> Path:
        self._properties_on_edges = setting_bool(
            ctx.settings.get("storage_properties_on_edges"), True
        )
        directory = Path(ctx.data_directory)
        directory.mkdir(parents=True, exist_ok=True)
        check_marker(directory, MARKER_NAMES.get(self.name, self.name), FORMAT_VERSION)
        self._directory = directory
        return directory

    def open(self, ctx: EngineContext) -> None:
        """Accept or write the transactional marker and recover what is durable there (the
        ``isolation_level`` setting does not apply: this mode is READ UNCOMMITTED)."""
        self._configure(ctx)
        durability = AnalyticalDurability(self, ctx)
        durability.open()
        self._durability = durability

    def begin(
        self, isolation: IsolationLevel | None = None, read_only: bool = False
    ) -> InMemoryTransaction:
        """Start a transaction (READ UNCOMMITTED); waits while a snapshot runs."""
        if self._exclusive_owner == threading.get_ident():
            # the snapshot's own reader, inside the exclusive gate
            return self._new_transaction(IsolationLevel.READ_UNCOMMITTED, read_only, False)
        level = IsolationLevel.READ_UNCOMMITTED if isolation is None else isolation
        self._check_level(level)
        self._gate.enter()
        try:
            return self._new_transaction(level, read_only, True)
        except BaseException:
            self._gate.leave()
            raise

    def _new_transaction(
        self, level: IsolationLevel, read_only: bool, gated: bool
    ) -> AnalyticalTransaction:
        with self._lock:
            if self._closed:
                raise StorageError("The IN_MEMORY_ANALYTICAL engine is closed.")
            start = self._ts
            self._ts = start + 1
            txn = AnalyticalTransaction(self, _NO_INFO, start, level, read_only)
            txn._gated = gated
            self._active[txn] = start
        return txn

    def _end(self, txn: AnalyticalTransaction, wrote: bool) -> None:
        """A transaction ended (commit or rollback alike)."""
        with self._lock:
            self._active.pop(txn, None)
            if wrote and self._durability is not None:
                self._durability._changes += 1
        if txn._gated:
            self._gate.leave()

    def _check_level(self, level: IsolationLevel) -> None:
        if level is not IsolationLevel.READ_UNCOMMITTED:
            raise UnsupportedOperation(
                "IN_MEMORY_ANALYTICAL supports only the READ_UNCOMMITTED isolation level "
                f"(not {level.value})."
            )

    def set_isolation_level(self, level: IsolationLevel) -> None:
        """Refused with Memgraph's message for every level, its own included: this mode has
        no isolation to choose (Memgraph's ``SetIsolationLevel`` fails in analytical mode
        whatever the level)."""
        raise UnsupportedOperation(ISOLATION_MESSAGE)

    def _exclusively(self, work: Any) -> Any:
        """Run ``work()`` with the gate held exclusively (no other transaction running)."""
        gate = self._gate
        if self._exclusive_owner == threading.get_ident():
            raise StorageError("The IN_MEMORY_ANALYTICAL engine is already held exclusively.")
        waiting = gate.running
        if waiting:
            log.info("waiting for %d running transaction(s) to finish", waiting)
        gate.lock()
        self._exclusive_owner = threading.get_ident()
        try:
            return work()
        finally:
            self._exclusive_owner = None
            gate.unlock()

    def create_snapshot(self) -> str:
        """Write a snapshot (the transactional engine's format and directory) while no other
        transaction runs: new ones wait, running ones are waited for."""
        durability = self._durability
        if durability is None:
            raise StorageError("The IN_MEMORY_ANALYTICAL engine is not open.")
        path = self._exclusively(lambda: durability.create_snapshot())
        assert path is not None
        return str(path)

    def drop_graph(self) -> None:
        """``DROP GRAPH``: empty the store (data, indexes, constraints, interning tables) at
        once, with no other transaction running. Durable files are left as they are."""
        self._exclusively(self._drop_graph_locked)

    def _drop_graph_locked(self) -> None:
        self._unfreeze()
        with self._lock:
            del self._vertices[:]  # the lists are shared with transactions: empty in place
            del self._edges[:]
            self._key_ids.clear()
            del self._key_names[:]
            self._label_sets.clear()
            self._label_sets[()] = ()
            self._types.clear()
            self._blobs.clear()
            self._node_count = 0
            self._rel_count = 0
            self._label_counts = {}
            self._type_counts = {}
            self._keys_used = set()
            self._indexes = IndexSet(self)
            self._indexed = False
            self._constraints = ConstraintSet(self)
            self._constrained = False
            if self._durability is not None:
                self._durability._changes += 1

    def statistics(self) -> Any:
        """Counts of the data (maintained at every write)."""
        return super().statistics()

    def info(self) -> list[tuple[str, Any]]:
        """Engine rows of SHOW STORAGE INFO."""
        with self._lock:
            nodes = self._node_count
            rels = self._rel_count
        return [
            ("vertex_count", nodes),
            ("edge_count", rels),
            ("average_degree", 2 * rels / nodes if nodes else 0.0),
            ("unreleased_delta_objects", 0),
            ("isolation_level", IsolationLevel.READ_UNCOMMITTED.value),
            *(self._durability.info() if self._durability is not None else []),
        ]

    def close(self) -> None:
        """Close as the transactional engine does (open transactions end, nothing to undo; no
        snapshot on exit here), then unfreeze what the import froze."""
        super().close()
        self._unfreeze()

    # ---------------------------------------------------------------------- StoreHandOver

    def hand_over(self) -> InMemoryStore:
        """Give the store away (no transaction open) and close; durable files stay as they
        are (nothing is written)."""
        with self._lock:
            if self._active:
                raise StorageError(
                    "The store cannot be handed over while transactions are running."
                )
            self._closed = True
        durability, self._durability = self._durability, None
        uuid = None
        if durability is not None:
            uuid = durability.uuid
            durability.close()
        self._unfreeze()
        return InMemoryStore.take(self, uuid)

    def take_over(self, store: InMemoryStore, ctx: EngineContext) -> None:
        """Open on a store handed over by the transactional engine (whose deltas were all
        released): adopt it in place; no WAL, no snapshot."""
        self._configure(ctx)
        store.give(self)
        durability = AnalyticalDurability(self, ctx)
        durability.adopt(store.uuid or durability.uuid)
        self._durability = durability

    # ----------------------------------------------------------- never used without deltas

    def _gc_once(self) -> None:
        return None


class AnalyticalTransaction(InMemoryTransaction):
    """A transaction of the analytical mode: reads as in the transactional engine (every delta
    head is None, so always the newest version), writes in place without deltas."""

    __slots__ = ("_blob_cache", "_gated", "_wrote")

    _engine: InMemoryAnalyticalEngine

    def __init__(
        self,
        engine: InMemoryAnalyticalEngine,
        info: CommitInfo,
        start: int,
        isolation: IsolationLevel,
        read_only: bool,
    ) -> None:
        super().__init__(engine, info, start, isolation, read_only)
        self._gated = False
        self._wrote = False
        self._blob_cache: dict[tuple[str, Any], Any] = {}
        """(key, value) -> blob of the one-property maps with an integer or string value
        written so far (``BLOB_CACHE_SIZE``); safe per transaction, as the key ids it encodes
        change only under DROP GRAPH, which runs with no transaction open."""

    @property
    def delta_count(self) -> int:
        return 0

    def _write(self) -> InMemoryAnalyticalEngine:
        """The engine, after refusing writes in a read-only transaction."""
        if not self._wrote:
            self._writer()
            self._stats = None
            self._wrote = True
        return self._engine

    @staticmethod
    def _alive(obj: Vertex | Edge) -> None:
        if obj.props is DELETED:
            kind = "node" if obj.__class__ is Vertex else "relationship"
            raise DeletedObjectError(f"The {kind} with id {obj.gid} was deleted.")

    def _blob(self, engine: InMemoryAnalyticalEngine, properties: Mapping[str, Any] | None) -> Any:
        """A props blob (None values skipped); the caller holds the latch. A one-property map
        with an integer or string value, the common shape of an import's relationship
        properties, is packed once per transaction (``_blob_cache``)."""
        if not properties:
            return None
        if len(properties) == 1:
            for key, value in properties.items():
                cls = value.__class__
                if cls is int or cls is str:
                    cache = self._blob_cache
                    blob = cache.get((key, value))
                    if blob is None:
                        blob = self._pack_blob(engine, properties)
                        if len(cache) >= BLOB_CACHE_SIZE:
                            cache.clear()
                        cache[(key, value)] = blob
                    return blob
        return self._pack_blob(engine, properties)

    def _pack_blob(self, engine: InMemoryAnalyticalEngine, properties: Mapping[str, Any]) -> Any:
        key_ids = self._key_ids
        data = {}
        for key, value in properties.items():
            if value is not None:
                kid = key_ids.get(key)
                if kid is None:
                    kid = engine._key_id(key)
                data[kid] = value
        if not data:
            return None
        engine._keys_used.update(data)
        return share_blob(engine._blobs, _pack_props(data))

    def create_node(
        self, labels: Iterable[str] = (), properties: Mapping[str, Any] | None = None
    ) -> NodeHandle:
        """A new node, visible to every transaction at once."""
        engine = self._engine if self._wrote else self._write()
        label_tuple = engine._label_sets.get(labels) if isinstance(labels, tuple) else None
        if label_tuple is None:
            label_tuple = engine._intern_labels(tuple(dict.fromkeys(labels)))
        with self._lock:
            blob = self._blob(engine, properties) if properties else None
            vs = self._vertices
            v = Vertex(len(vs), label_tuple, blob)
            if engine._indexed:
                engine._indexes.on_new_vertex(v, _NO_LOG)
            vs.append(v)
            engine._created += 1
            engine._node_count += 1
            if label_tuple:
                counts = engine._label_counts
                for label in label_tuple:
                    counts[label] = counts.get(label, 0) + 1
        if engine._created >= FREEZE_EVERY:
            engine._freeze()
        return v

    def create_relationship(
        self,
        start: NodeHandle,
        end: NodeHandle,
        rel_type: str,
        properties: Mapping[str, Any] | None = None,
    ) -> RelationshipHandle:
        """A new relationship, visible at once; no conflicts on its endpoints."""
        engine = self._engine if self._wrote else self._write()
        if properties and not engine._properties_on_edges:
            if any(value is not None for value in properties.values()):
                raise PropertiesOnEdgesDisabled()
            properties = None
        a: Vertex = start  # type: ignore[assignment]
        b: Vertex = end  # type: ignore[assignment]
        rel_type = engine._types.get(rel_type) or engine._intern_type(rel_type)
        with self._lock:
            if a.props is DELETED or b.props is DELETED:
                self._alive(a)
                self._alive(b)
            blob = self._blob(engine, properties) if properties else None
            es = self._edges
            e = Edge(len(es), rel_type, a, b, blob)
            es.append(e)
            a.out_e = adj_add(a.out_e, e)
            b.in_e = adj_add(b.in_e, e)
            engine._rel_count += 1
            engine._created += 1
            counts = engine._type_counts
            counts[rel_type] = counts.get(rel_type, 0) + 1
        if engine._created >= FREEZE_EVERY:
            engine._freeze()
        return e

    def nodes_by_property(self, label: str, key: str, value: Any) -> Iterator[NodeHandle]:
        """As in the transactional engine, except that a vertex the point table holds for an
        integer, string or float is the answer without reading its properties again: the
        indexes of this mode are exact (module docstring), so its entry is its current value."""
        engine = self._engine
        if engine._indexed:
            index = engine._indexes.single.get((label, key))
            if index is not None:
                cls = value.__class__
                if cls is int or cls is str or (cls is float and value == value):
                    v = index.points.get(value)  # type: ignore[union-attr]
                    if v is None:
                        return iter(())
                    if v is not MANY:
                        if v.props is DELETED or label not in v.labels:
                            return iter(())
                        return iter((v,))
        return super().nodes_by_property(label, key, value)

    def add_label(self, node: NodeHandle, label: str) -> bool:
        """Add ``label``; False when the node already has it."""
        engine = self._write()
        v: Vertex = node  # type: ignore[assignment]
        with self._lock:
            self._alive(v)
            old = v.labels
            if label in old:
                return False
            if engine._indexed:
                engine._indexes.on_add_label(v, label, _NO_LOG)
            v.labels = engine._intern_labels((*old, label))
            engine._label_counts[label] = engine._label_counts.get(label, 0) + 1
        return True

    def _drop_entries(
        self, engine: InMemoryAnalyticalEngine, v: Vertex, labels: tuple[str, ...], props: Any
    ) -> None:
        """Remove the index entries that ``labels`` and ``props`` of ``v`` produce."""
        indexes = engine._indexes
        data = None
        for label in labels:
            gids = indexes.labels.get(label)
            if gids is not None:
                gids.discard(v.gid)
            by_label = indexes.by_label.get(label)
            if by_label and props is not None and props is not DELETED:
                if data is None:
                    data = _unpackb(props, strict_map_key=False, ext_hook=_ext_hook)
                for index in by_label:
                    key = index.key_of(data, v.gid)
                    if key is not None:
                        index.discard(key, data.get(index.kids[0]))

    def remove_label(self, node: NodeHandle, label: str) -> bool:
        """Remove ``label`` and its index entries; False when the node did not have it."""
        engine = self._write()
        v: Vertex = node  # type: ignore[assignment]
        with self._lock:
            self._alive(v)
            old = v.labels
            if label not in old:
                return False
            v.labels = engine._intern_labels(tuple(x for x in old if x != label))
            if engine._indexed:
                self._drop_entries(engine, v, (label,), v.props)
            count = engine._label_counts.get(label, 0) - 1
            if count > 0:
                engine._label_counts[label] = count
            else:
                engine._label_counts.pop(label, None)
        return True

    def _set_property(self, obj: Vertex | Edge, key: str, value: Any, stats: TxStats) -> None:
        engine = self._write()
        with self._lock:
            self._alive(obj)
            kid = self._key_ids.get(key)
            if kid is None:
                if value is None:
                    return
                kid = engine._key_id(key)
            old = obj.props
            data = _unpackb(
                old, strict_map_key=False, ext_hook=_ext_hook
            ) if old is not None else {}
            if value is None:
                if data.pop(kid, None) is None:
                    return
            else:
                data[kid] = value
                engine._keys_used.add(kid)
            new = share_blob(engine._blobs, _pack_props(data)) if data else None
            if engine._indexed and obj.__class__ is Vertex:
                if value is not None:
                    engine._indexes.on_set_property(obj, kid, data, _NO_LOG)
                if old is not None and obj.labels:
                    engine._indexes._replaced(obj.gid, obj.labels, new, old)
            obj.props = new

    def set_node_property(self, node: NodeHandle, key: str, value: Any) -> None:
        """Set (None: remove) a node property, visible at once."""
        self._set_property(node, key, value, None)  # type: ignore[arg-type]

    def set_relationship_property(self, rel: RelationshipHandle, key: str, value: Any) -> None:
        """Set (None: remove) a relationship property; refused when edges carry none."""
        if not self._engine._properties_on_edges:
            self._write()
            raise PropertiesOnEdgesDisabled()
        self._set_property(rel, key, value, None)  # type: ignore[arg-type]

    def _delete_edge_locked(self, e: Edge, stats: Any, skip: Vertex | None) -> None:
        engine = self._engine
        e.props = DELETED
        a = e.start
        if a is not skip:
            a.out_e = adj_remove(a.out_e, e)
        b = e.end
        if b is not skip:
            b.in_e = adj_remove(b.in_e, e)
        es = self._edges
        if e.gid < len(es) and es[e.gid] is e:
            es[e.gid] = None
        engine._rel_count -= 1
        counts = engine._type_counts
        count = counts.get(e.type, 0) - 1
        if count > 0:
            counts[e.type] = count
        else:
            counts.pop(e.type, None)

    def delete_relationship(self, rel: RelationshipHandle) -> bool:
        """Delete at once; False when it was already deleted."""
        self._write()
        e: Edge = rel  # type: ignore[assignment]
        with self._lock:
            if e.props is DELETED:
                return False
            self._delete_edge_locked(e, None, None)
        return True

    def _delete_vertex_locked(self, v: Vertex, stats: Any) -> None:
        engine = self._engine
        if engine._indexed:
            self._drop_entries(engine, v, v.labels, v.props)
        v.props = DELETED
        vs = self._vertices
        if v.gid < len(vs) and vs[v.gid] is v:
            vs[v.gid] = None
        engine._node_count -= 1
        counts = engine._label_counts
        for label in v.labels:
            count = counts.get(label, 0) - 1
            if count > 0:
                counts[label] = count
            else:
                counts.pop(label, None)

    def delete_node(self, node: NodeHandle) -> bool:
        """Delete a node without relationships; False when it was already deleted."""
        self._write()
        v: Vertex = node  # type: ignore[assignment]
        with self._lock:
            if v.props is DELETED:
                return False
            if v.out_e is not None or v.in_e is not None:
                raise NodeHasRelationshipsError()
            self._delete_vertex_locked(v, None)
        return True

    def detach_delete_node(self, node: NodeHandle) -> int:
        """Delete the node and its relationships; returns how many relationships went."""
        self._write()
        v: Vertex = node  # type: ignore[assignment]
        with self._lock:
            if v.props is DELETED:
                return 0
            edges = list(dict.fromkeys(adj_items(v.out_e) + adj_items(v.in_e)))
            for e in edges:
                self._delete_edge_locked(e, None, v)
            v.out_e = None
            v.in_e = None
            self._delete_vertex_locked(v, None)
        return len(edges)

    # ------------------------------------------------------------------------------- end

    def commit(self) -> None:
        """End the transaction (its writes were visible since they were made)."""
        self._engine._end(self, self._wrote)
        self._close()

    def rollback(self) -> None:
        """End the transaction. Nothing written is undone (Memgraph's analytical mode)."""
        self._engine._end(self, self._wrote)
        self._close()

    def _close(self) -> None:
        self._deltas = []
        self._index_log = []
        self._stats = None
        self.__class__ = ClosedAnalyticalTransaction


class ClosedAnalyticalTransaction(AnalyticalTransaction):
    """A finished analytical transaction: every call raises, ``rollback`` is a no-op."""

    __slots__ = ()

    def rollback(self) -> None:
        """Idempotent: nothing left to do."""


for _name in TRANSACTION_METHODS:
    if _name != "rollback":
        setattr(ClosedAnalyticalTransaction, _name, ClosedTransaction.__dict__[_name])
