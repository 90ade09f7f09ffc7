"""Transactions of IN_MEMORY_TRANSACTIONAL (Memgraph's ``InMemoryAccessor``).

Reads take no lock. Each read loads the fields it needs, then the object's delta head (the
protocol of ``objects``: writers link the delta before they change the field). When the head is
``None`` or visible, which is the common case once deltas are released, the loaded fields are the
answer (the fast path: a few attribute loads, no allocation beyond the result). Otherwise the
chain is walked and undone down to the first visible delta (``_rebuild``).

Visibility is one comparison for every isolation level: a delta is visible when it is the
transaction's own or ``info.ts < horizon``. The horizon is the start timestamp under SNAPSHOT
ISOLATION; READ COMMITTED will use ``TXN_ID_BASE`` (every committed delta is visible) and READ
UNCOMMITTED ``SEE_EVERYTHING``; ``_horizon_for`` is the only place that knows.

Writes run under the engine's write latch (one ``threading.Lock``, held per operation, never
across operations): the first-writer-wins check (``_prepare``), linking the undo delta and
changing the value happen without another writer in between. A write to an object whose head
delta belongs to another running transaction, or was committed after this transaction started,
raises ``SerializationError`` at once; when the winner is still running, the loser's ``rollback``
then yields the GIL (``_yield_gil``): the winner's thread cannot be running while the loser is,
so an immediate retry would only fail again, and without the yield a retry loop spun through
thousands of failures per switch interval in the conformance suite's thread test. Commit
publishes the commit timestamp into the shared ``CommitInfo`` under the latch (``begin`` takes
its start timestamp under the same latch, so no transaction can start "between" a commit's
timestamp and its publication). Rollback restores the values under the latch and marks the
deltas ``ABORTED``; the engine unlinks deltas later
(``InMemoryTransactionalEngine._release_locked``).

A finished transaction turns into ``ClosedTransaction`` (its class is swapped), whose methods
raise ``TransactionClosedError``: no per-call "is it open" check on the hot paths.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import msgpack

from mgcore.errors import CypherTypeError
from mgcore.storage.errors import (
    ConstraintViolation,
    DeletedObjectError,
    NodeHasRelationshipsError,
    PropertiesOnEdgesDisabled,
    ReadOnlyTransactionError,
    SerializationError,
    TransactionClosedError,
)
from mgcore.storage.kit import serde
from mgcore.storage.kit.codec import (
    equality_prefix,
    index_key,
    prefix_successor,
    range_bounds,
    string_prefix_bounds,
)
from mgcore.storage.kit.lookups import cypher_equals, in_range, range_family
from mgcore.storage.protocol import TRANSACTION_METHODS
from mgcore.storage.records import Direction, IndexSpec, IsolationLevel, PropertyRange
from mgcore.values.graph import NodeHandle, RelationshipHandle
from mgcore_engine_in_memory_tx.indexes import BATCH, MANY
from mgcore_engine_in_memory_tx.objects import (
    ABORTED,
    ADD_IN_EDGE,
    ADD_LABEL,
    ADD_OUT_EDGE,
    DELETE_OBJECT,
    DELETED,
    RECREATE_OBJECT,
    REMOVE_IN_EDGE,
    REMOVE_LABEL,
    REMOVE_OUT_EDGE,
    SEE_EVERYTHING,
    SET_PROPERTY,
    TXN_ID_BASE,
    CommitInfo,
    Delta,
    Edge,
    Vertex,
    adj_add,
    adj_compact,
    adj_items,
    adj_remove,
    share_blob,
    undo,
)

if TYPE_CHECKING:
    from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine
    from mgcore_engine_in_memory_tx.indexes import LogItem, PropertyIndex

NO_CONFLICT = 0
LOST_TO_COMMITTED = 1
LOST_TO_RUNNING = 2

CONFLICT_BACKOFF = 0.0
"""Seconds the loser of a conflict with a running transaction sleeps in ``rollback``."""

_unpackb = msgpack.unpackb
_ext_hook = serde.ext_hook
_pack = serde.pack
_first = itemgetter(0)
_PLAIN_EQ = frozenset((int, str))
"""Types whose Cypher equality with a value of the same type is ``==``."""


def _horizon_for(level: IsolationLevel, start: int) -> int:
    """Deltas with ``info.ts`` below the horizon are visible (besides the transaction's own)."""
    if level is IsolationLevel.SNAPSHOT_ISOLATION:
        return start
    if level is IsolationLevel.READ_COMMITTED:
        return TXN_ID_BASE
    return SEE_EVERYTHING


def _deleted_error(entity: Any) -> DeletedObjectError:
    """The error for reading or writing an entity that is deleted or invisible."""
    kind = "node" if entity.__class__ is Vertex else "relationship"
    return DeletedObjectError(f"The {kind} with id {entity.gid} was deleted or is not visible.")


class TxStats:
    """Changes of one transaction to the committed counts, applied at commit."""

    __slots__ = ("keys", "labels", "nodes", "rels", "types")

    def __init__(self) -> None:
        self.nodes = 0
        self.rels = 0
        self.labels: dict[str, int] = {}
        self.types: dict[str, int] = {}
        self.keys: set[int] = set()


class InMemoryTransaction:
    """One transaction; see the module docstring for the read and write protocols."""

    __slots__ = (
        "_conflict",
        "_deltas",
        "_edges",
        "_engine",
        "_horizon",
        "_index_gen",
        "_index_log",
        "_info",
        "_key_ids",
        "_key_names",
        "_lock",
        "_start",
        "_stats",
        "_vertices",
        "isolation",
        "read_only",
    )

    def __init__(
        self,
        engine: InMemoryTransactionalEngine,
        info: CommitInfo,
        start: int,
        isolation: IsolationLevel,
        read_only: bool,
    ) -> None:
        self._engine = engine
        self._info = info
        self._start = start
        self._horizon = _horizon_for(isolation, start)
        self._deltas: list[Delta] = []
        self._index_log: list[LogItem] = []
        self._index_gen = engine._indexes.generation
        self._stats: TxStats | None = None
        self._conflict = NO_CONFLICT
        self._vertices = engine._vertices
        self._edges = engine._edges
        self._key_ids = engine._key_ids
        self._key_names = engine._key_names
        self._lock = engine._lock
        self.isolation = isolation
        self.read_only = read_only

    @property
    def start_timestamp(self) -> int:
        """The start timestamp (commits below it are visible under snapshot isolation)."""
        return self._start

    @property
    def delta_count(self) -> int:
        """How many undo deltas this transaction wrote (diagnostics and tests)."""
        return len(self._deltas)

    # ------------------------------------------------------------------------- slow paths

    def _rebuild(
        self,
        d: Delta | None,
        props: Any,
        labels: tuple[str, ...],
        outs: dict[Edge, None] | None = None,
        ins: dict[Edge, None] | None = None,
    ) -> tuple[Any, tuple[str, ...]]:
        """``undo`` down to the version this transaction sees."""
        return undo(d, props, labels, self._info, self._horizon, outs, ins)

    def _visible_props(self, obj: Vertex | Edge) -> Any:
        """The visible props of ``obj`` (``DELETED`` when it does not exist for us)."""
        props = obj.props
        d = obj.delta
        if d is not None:
            info = d.info
            if info is not self._info and info.ts >= self._horizon:
                props = self._rebuild(d, props, ())[0]
        return props

    def _visible_adjacency(self, node: Vertex, out: bool, inn: bool) -> tuple[list[Edge], ...]:
        """Visible (out edges, in edges) of ``node``; raises when the node is not visible."""
        outs = dict.fromkeys(adj_items(node.out_e)) if out else None
        ins = dict.fromkeys(adj_items(node.in_e)) if inn else None
        props = node.props
        d = node.delta
        if d is not None:
            info = d.info
            if info is not self._info and info.ts >= self._horizon:
                props = self._rebuild(d, props, (), outs, ins)[0]
        if props is DELETED:
            raise _deleted_error(node)
        return (list(outs) if outs else []), (list(ins) if ins else [])

    # ---------------------------------------------------------------------- point lookups

    def node(self, gid: int) -> NodeHandle | None:
        """The visible node with this gid, or None."""
        vs = self._vertices
        if gid < 0 or gid >= len(vs):
            return None
        v = vs[gid]
        if v is None or self._visible_props(v) is DELETED:
            return None
        return v

    def relationship(self, gid: int) -> RelationshipHandle | None:
        """The visible relationship with this gid, or None."""
        es = self._edges
        if gid < 0 or gid >= len(es):
            return None
        e = es[gid]
        if e is None or self._visible_props(e) is DELETED:
            return None
        return e

    # ------------------------------------------------------------------------------ scans

    def _scan(self, objs: list[Any]) -> Iterator[Any]:
        """Every visible vertex or edge of ``objs`` in gid order; objects created after the scan
        began are skipped."""
        me = self._info
        horizon = self._horizon
        deleted = DELETED
        for obj in islice(objs, len(objs)):
            if obj is None:
                continue
            props = obj.props
            d = obj.delta
            if d is not None:
                info = d.info
                if info is not me and info.ts >= horizon:
                    props = self._rebuild(d, props, ())[0]
            if props is not deleted:
                yield obj

    def nodes(self) -> Iterator[NodeHandle]:
        """Every visible node in gid order (nodes created after the scan began are skipped)."""
        return self._scan(self._vertices)

    def relationships(self) -> Iterator[RelationshipHandle]:
        """Every visible relationship in gid order."""
        return self._scan(self._edges)

    def _label_candidates(self, label: str) -> Any:
        """What a label lookup walks: the label index's vertices for ``label`` in gid order (a
        superset, verified by the caller) or, without an index, every vertex; vertices created
        after the lookup began are skipped either way."""
        vs = self._vertices
        limit = len(vs)
        if self._engine._indexed:
            gids = self._engine._indexes.labels.get(label)
            if gids is not None:
                listed = list(gids)  # one C call: atomic next to writers under the GIL
                listed.sort()
                return [vs[g] for g in listed if g < limit]
        return islice(vs, limit)

    def _labelled(self, label: str) -> Iterator[tuple[Vertex, Any]]:
        """(node, visible props) of every visible node carrying ``label``."""
        me = self._info
        horizon = self._horizon
        deleted = DELETED
        for v in self._label_candidates(label):
            if v is None:
                continue
            labels = v.labels
            props = v.props
            d = v.delta
            if d is not None:
                info = d.info
                if info is not me and info.ts >= horizon:
                    props, labels = self._rebuild(d, props, labels)
            if props is not deleted and label in labels:
                yield v, props

    def nodes_by_label(self, label: str) -> Iterator[NodeHandle]:
        """Visible nodes carrying ``label``, through the label index where there is one."""
        return map(_first, self._labelled(label))

    def _labelled_values(self, label: str, key: str) -> Iterator[tuple[Vertex, Any]]:
        """(node, value of ``key``) of visible nodes with ``label`` that have the property."""
        kid = self._key_ids.get(key)
        if kid is None:
            return
        for v, props in self._labelled(label):
            if props is not None:
                value = _unpackb(props, strict_map_key=False, ext_hook=_ext_hook).get(kid)
                if value is not None:
                    yield v, value

    def _property_index(self, label: str, key: str) -> PropertyIndex | None:
        """The single-property index on ``label``(``key``), if any."""
        if not self._engine._indexed:
            return None
        return self._engine._indexes.single.get((label, key))

    def _visible_in(self, v: Vertex, label: str) -> Any:
        """The visible props of ``v`` when its visible version exists, carries ``label`` and
        has properties; otherwise None."""
        labels = v.labels
        props = v.props
        d = v.delta
        if d is not None:
            info = d.info
            if info is not self._info and info.ts >= self._horizon:
                props, labels = self._rebuild(d, props, labels)
        if props is DELETED or label not in labels:
            return None
        return props

    def _candidates(
        self, entries: Iterable[bytes], label: str
    ) -> Iterator[tuple[bytes, Vertex, Any]]:
        """(entry, vertex, visible props) for the index ``entries`` whose vertex's visible
        version exists, carries ``label`` and has properties: the check every seek shares (a
        few attribute loads when the delta head is None or visible). The caller verifies that
        the visible values produce the entry; vertices created after the seek began are
        skipped."""
        visible_in = self._visible_in
        vs = self._vertices
        limit = len(vs)
        from_bytes = int.from_bytes
        for entry in entries:
            gid = from_bytes(entry[-8:], "big")
            if gid >= limit:
                continue
            v = vs[gid]
            if v is not None:
                props = visible_in(v, label)
                if props is not None:
                    yield entry, v, props

    def _verified(
        self, index: PropertyIndex, label: str, key: str, bounds: tuple[bytes, bytes | None]
    ) -> Iterator[tuple[Vertex, Any]]:
        """(node, visible value) for the index keys in ``bounds`` whose vertex's visible
        version produces exactly that key: an entry for a version this transaction does not
        see is skipped, so a vertex comes out once at most."""
        kid = self._key_ids[key]
        for entry, v, props in self._candidates(index.seek(self._lock, *bounds), label):
            value = _unpackb(props, strict_map_key=False, ext_hook=_ext_hook).get(kid)
            if value is not None and index_key((value,), v.gid) == entry:
                yield v, value

    def _equal_seek(
        self, index: PropertyIndex, label: str, values: tuple[Any, ...]
    ) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose values of ``index``'s properties equal ``values``
        (Cypher ``=``; none null) through ``index``. The keys of equal values share the prefix
        ``equality_prefix``: one bisection finds them."""
        prefix = equality_prefix(values)
        if prefix is None:
            return iter(())
        with self._lock:
            keys = index.entries.prefixed(prefix, BATCH)
        return self._equal_keys(index, label, values, prefix, keys)

    def _equal_keys(
        self, index: PropertyIndex, label: str, values: tuple[Any, ...], prefix: bytes,
        keys: list[bytes],
    ) -> Iterator[NodeHandle]:
        """``_equal_seek`` once the first batch of ``keys`` was copied: a batch short of
        ``BATCH`` is all of them, verified at once; a full one means many vertices share the
        value, and the keys are copied in batches as the caller iterates."""
        if len(keys) == BATCH:
            hi = prefix_successor(prefix)
            assert hi is not None
            return self._equal(index, values, self._candidates(index.seek(self._lock, prefix, hi),
                                                                 label), True)
        if not keys:
            return iter(())
        return iter(list(self._equal(index, values, self._candidates(keys, label),
                                     len(keys) > 1)))

    @staticmethod
    def _equal(
        index: PropertyIndex, values: tuple[Any, ...],
        candidates: Iterator[tuple[bytes, Vertex, Any]], exact: bool,
    ) -> Iterator[NodeHandle]:
        """The ``candidates`` whose values of ``index``'s properties equal ``values``. With
        ``exact``, a vertex is yielded only for the key its visible values produce (it may have
        older entries among the candidates, e.g. ``1`` and ``1.0``); with one key that check is
        moot: an equal visible value has its entry there."""
        kids = index.kids
        single = len(kids) == 1
        kid = kids[0]
        value = values[0]
        plain = value.__class__ in _PLAIN_EQ
        for entry, v, props in candidates:
            data = _unpackb(props, strict_map_key=False, ext_hook=_ext_hook)
            if single:
                stored = data.get(kid)
                if stored is None:
                    continue
                if plain and stored.__class__ is value.__class__:
                    if stored != value:
                        continue
                elif not cypher_equals(stored, value):
                    continue
                if exact and index_key((stored,), v.gid) != entry:
                    continue
            else:
                found = [data.get(k) for k in kids]
                if not all(cypher_equals(s, x) for s, x in zip(found, values, strict=True)):
                    continue
                if exact and index_key(found, v.gid) != entry:
                    continue
            yield v

    def nodes_by_property(self, label: str, key: str, value: Any) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose ``key`` equals ``value`` under Cypher equality,
        through a label+property index where there is one: an integer, string or float the
        point table knows as held by one vertex is that vertex, verified in a few attribute
        loads; other values and values several entries hold go through the sorted keys."""
        if value is None:
            return iter(())
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
                        props = self._visible_in(v, label)
                        if props is None:
                            return iter(())
                        stored = _unpackb(
                            props, strict_map_key=False, ext_hook=_ext_hook
                        ).get(index.kids[0])
                        if stored.__class__ is cls:
                            return iter((v,)) if stored == value else iter(())
                        if stored is not None and cypher_equals(stored, value):
                            return iter((v,))
                        return iter(())
                try:
                    prefix = equality_prefix((value,))
                except CypherTypeError:
                    prefix = b""  # a value no key can hold (not a property value): scan
                if prefix is None:
                    return iter(())
                if prefix:
                    with self._lock:
                        keys = index.entries.prefixed(prefix, BATCH)
                    return self._equal_keys(index, label, (value,), prefix, keys)
        return (v for v, stored in self._labelled_values(label, key)
                if cypher_equals(stored, value))

    def nodes_by_property_range(
        self, label: str, key: str, value_range: PropertyRange
    ) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose ``key`` lies in ``value_range``; with no bounds,
        every one that has the property (a walk of the whole index, each key verified)."""
        if value_range.lower is None and value_range.upper is None:
            index = self._property_index(label, key)
            if index is not None:
                return (v for v, _ in self._verified(index, label, key, (b"", None)))
            return (v for v, _ in self._labelled_values(label, key))
        fam = range_family(value_range)
        if fam is None:
            return iter(())
        index = self._property_index(label, key)
        if index is not None:
            r = value_range
            try:
                bounds = range_bounds(r.lower, r.lower_inclusive, r.upper, r.upper_inclusive)
            except (CypherTypeError, ValueError):
                bounds = None
                index = None
            if index is not None:
                if bounds is None:
                    return iter(())
                found = self._verified(index, label, key, bounds)
                return (v for v, stored in found if in_range(stored, value_range, fam))
        return (v for v, stored in self._labelled_values(label, key)
                if in_range(stored, value_range, fam))

    def nodes_by_property_prefix(self, label: str, key: str, prefix: str) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose string ``key`` starts with ``prefix``."""
        index = self._property_index(label, key)
        if index is not None:
            found = self._verified(index, label, key, string_prefix_bounds(prefix))
        else:
            found = self._labelled_values(label, key)
        return (v for v, stored in found
                if stored.__class__ is str and stored.startswith(prefix))

    def nodes_by_properties(
        self, label: str, keys: tuple[str, ...], values: tuple[Any, ...]
    ) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose ``keys`` equal ``values`` (Cypher equality),
        through the composite index on exactly ``label``(``keys``) where there is one."""
        keys = tuple(keys)
        values = tuple(values)
        if len(keys) != len(values):
            raise ValueError("nodes_by_properties needs one value per key")
        if any(value is None for value in values):
            return iter(())
        if len(keys) == 1:
            return self.nodes_by_property(label, keys[0], values[0])
        if self._engine._indexed:
            index = self._engine._indexes.props.get(IndexSpec(label, keys))
            if index is not None:
                try:
                    return self._equal_seek(index, label, values)
                except CypherTypeError:
                    pass  # a value no key can hold: scan and filter
        return self._scan_equal(label, keys, values)

    def _scan_equal(
        self, label: str, keys: tuple[str, ...], values: tuple[Any, ...]
    ) -> Iterator[NodeHandle]:
        """``nodes_by_properties`` without an index: the label's nodes, filtered."""
        kids = [self._key_ids.get(key) for key in keys]
        if None in kids:
            return
        for v, props in self._labelled(label):
            if props is None:
                continue
            data = _unpackb(props, strict_map_key=False, ext_hook=_ext_hook)
            for kid, value in zip(kids, values, strict=True):
                stored = data.get(kid)
                if stored is None or not cypher_equals(stored, value):
                    break
            else:
                yield v

    # ------------------------------------------------------------------------ node reads

    def node_labels(self, node: NodeHandle) -> tuple[str, ...]:
        """Labels of the visible version in order of addition (a shared tuple)."""
        v: Vertex = node  # type: ignore[assignment]
        labels = v.labels
        props = v.props
        d = v.delta
        if d is not None:
            info = d.info
            if info is not self._info and info.ts >= self._horizon:
                props, labels = self._rebuild(d, props, labels)
        if props is DELETED:
            raise _deleted_error(v)
        return labels

    def node_has_label(self, node: NodeHandle, label: str) -> bool:
        """True when the visible version carries ``label``."""
        return label in self.node_labels(node)

    def _property(self, obj: Vertex | Edge, key: str) -> Any:
        """The visible value of property ``key`` of a vertex or edge, or None; serves as both
        ``node_property`` and ``relationship_property`` (one hot path, no extra call)."""
        props = obj.props
        d = obj.delta
        if d is not None:
            info = d.info
            if info is not self._info and info.ts >= self._horizon:
                props = self._rebuild(d, props, ())[0]
        if props is None:
            return None
        if props is DELETED:
            raise _deleted_error(obj)
        kid = self._key_ids.get(key)
        if kid is None:
            return None
        return _unpackb(props, strict_map_key=False, ext_hook=_ext_hook).get(kid)

    node_property = _property

    def node_properties(self, node: NodeHandle) -> dict[str, Any]:
        """All visible properties as a new dict."""
        v: Vertex = node  # type: ignore[assignment]
        props = v.props
        d = v.delta
        if d is not None:
            info = d.info
            if info is not self._info and info.ts >= self._horizon:
                props = self._rebuild(d, props, ())[0]
        if props is None:
            return {}
        if props is DELETED:
            raise _deleted_error(v)
        names = self._key_names
        return {names[k]: x for k, x in _unpackb(
            props, strict_map_key=False, ext_hook=_ext_hook
        ).items()}

    def expand(
        self, node: NodeHandle, direction: Direction, types: tuple[str, ...] | None = None
    ) -> Iterator[tuple[RelationshipHandle, NodeHandle]]:
        """Visible relationships at ``node`` in ``direction`` (self-loops once with BOTH)."""
        v: Vertex = node  # type: ignore[assignment]
        want_out = direction & 1
        want_in = direction & 2
        outs = v.out_e if want_out else None
        n_out = 0 if outs is None or outs.__class__ is Edge else len(outs)
        ins = v.in_e if want_in else None
        n_in = 0 if ins is None or ins.__class__ is Edge else len(ins)
        props = v.props
        d = v.delta
        if d is not None:
            info = d.info
            if info is not self._info and info.ts >= self._horizon:
                out_list, in_list = self._visible_adjacency(v, bool(want_out), bool(want_in))
                return _expand_lists(out_list, in_list, types, bool(want_out))
        if props is DELETED:
            raise _deleted_error(v)
        if outs is None and ins is None:
            return iter(())
        return _expand_fast(outs, n_out, ins, n_in, types, bool(want_out))

    def degree(
        self, node: NodeHandle, direction: Direction, types: tuple[str, ...] | None = None
    ) -> int:
        """Number of relationships ``expand`` would yield."""
        v: Vertex = node  # type: ignore[assignment]
        if types is None and direction != Direction.BOTH:
            adj = v.out_e if direction == Direction.OUT else v.in_e
            n = 0 if adj is None else 1 if adj.__class__ is Edge else len(adj)
            props = v.props
            d = v.delta
            if d is None or (info := d.info) is self._info or info.ts < self._horizon:
                if props is DELETED:
                    raise _deleted_error(v)
                return n
        count = 0
        for _ in self.expand(node, direction, types):
            count += 1
        return count

    # ---------------------------------------------------------------- relationship reads

    def relationship_type(self, rel: RelationshipHandle) -> str:
        """The type, fixed at creation."""
        return rel.type  # type: ignore[attr-defined]

    def relationship_start(self, rel: RelationshipHandle) -> NodeHandle:
        """The start node."""
        return rel.start  # type: ignore[attr-defined]

    def relationship_end(self, rel: RelationshipHandle) -> NodeHandle:
        """The end node."""
        return rel.end  # type: ignore[attr-defined]

    relationship_property = _property

    def relationship_properties(self, rel: RelationshipHandle) -> dict[str, Any]:
        """All visible relationship properties as a new dict."""
        e: Edge = rel  # type: ignore[assignment]
        props = self._visible_props(e)
        if props is None:
            return {}
        if props is DELETED:
            raise _deleted_error(e)
        names = self._key_names
        return {names[k]: x for k, x in _unpackb(
            props, strict_map_key=False, ext_hook=_ext_hook
        ).items()}

    def is_deleted(self, entity: NodeHandle | RelationshipHandle) -> bool:
        """True when this transaction deleted the entity or it is not visible."""
        return self._visible_props(entity) is DELETED  # type: ignore[arg-type]

    # ---------------------------------------------------------------------------- writes

    def _writer(self) -> TxStats:
        """The transaction's pending statistics; refuses writes in read-only transactions."""
        stats = self._stats
        if stats is None:
            if self.read_only:
                raise ReadOnlyTransactionError("Cannot write in a read-only transaction.")
            stats = self._stats = TxStats()
        return stats

    def _prepare(self, obj: Vertex | Edge) -> None:
        """First-writer-wins check (under the latch): may this transaction write ``obj``? The
        newest delta that was not rolled back must be our own or committed before we began."""
        d = obj.delta
        while d is not None:
            info = d.info
            ts = info.ts
            if ts == ABORTED:
                # rolled back, so no conflict, but what it covers may still be one
                d = d.next
                continue
            if info is not self._info and ts >= self._start:
                self._conflict = LOST_TO_RUNNING if ts >= TXN_ID_BASE else LOST_TO_COMMITTED
                raise SerializationError()
            break
        if obj.props is DELETED:
            raise _deleted_error(obj)

    def _deleted_by_me(self, obj: Vertex | Edge) -> bool:
        """True when this transaction deleted ``obj`` (its own delta heads the chain)."""
        d = obj.delta
        return obj.props is DELETED and d is not None and d.info is self._info

    def _link(self, obj: Vertex | Edge, action: int, key: Any, value: Any) -> None:
        """Link an undo delta at the head of ``obj``'s chain (before the field changes)."""
        d = Delta(action, self._info, obj.delta, obj, key, value)
        obj.delta = d
        self._deltas.append(d)

    def _encode(self, properties: Mapping[str, Any] | None, stats: TxStats) -> bytes | None:
        """A props blob for ``properties`` (None values skipped; None when empty)."""
        if not properties:
            return None
        key_ids = self._key_ids
        data = {}
        for key, value in properties.items():
            if value is not None:
                kid = key_ids.get(key)
                if kid is None:
                    kid = self._engine._key_id(key)
                data[kid] = value
        if not data:
            return None
        stats.keys.update(data)
        return share_blob(self._engine._blobs, _pack_props(data))

    def create_node(
        self, labels: Iterable[str] = (), properties: Mapping[str, Any] | None = None
    ) -> NodeHandle:
        """A new node with ``labels`` (duplicates collapse) and ``properties``."""
        stats = self._writer()
        label_tuple = (
            self._engine._label_sets.get(labels) if isinstance(labels, tuple) else None
        )
        if label_tuple is None:
            label_tuple = self._engine._intern_labels(tuple(dict.fromkeys(labels)))
        constraints = self._engine._constraints
        if constraints.typed and properties:
            for key, value in properties.items():
                constraints.check_write(label_tuple, key, value)
        with self._lock:
            blob = self._encode(properties, stats)
            vs = self._vertices
            v = Vertex(len(vs), label_tuple, blob)
            d = Delta(DELETE_OBJECT, self._info, None, v, None, None)
            v.delta = d
            if self._engine._indexed:
                self._engine._indexes.on_new_vertex(v, self._index_log)
            vs.append(v)
            self._deltas.append(d)
        stats.nodes += 1
        counts = stats.labels
        for label in label_tuple:
            counts[label] = counts.get(label, 0) + 1
        return v

    def create_relationship(
        self,
        start: NodeHandle,
        end: NodeHandle,
        rel_type: str,
        properties: Mapping[str, Any] | None = None,
    ) -> RelationshipHandle:
        """A new relationship; writes both endpoints (a conflict on either raises)."""
        stats = self._writer()
        if properties and not self._engine._properties_on_edges:
            if any(value is not None for value in properties.values()):
                raise PropertiesOnEdgesDisabled()
            properties = None
        a: Vertex = start  # type: ignore[assignment]
        b: Vertex = end  # type: ignore[assignment]
        rel_type = self._engine._intern_type(rel_type)
        with self._lock:
            self._prepare(a)
            self._prepare(b)
            blob = self._encode(properties, stats)
            es = self._edges
            e = Edge(len(es), rel_type, a, b, blob)
            d = Delta(DELETE_OBJECT, self._info, None, e, None, None)
            e.delta = d
            es.append(e)
            self._deltas.append(d)
            self._link(a, REMOVE_OUT_EDGE, None, e)
            a.out_e = adj_add(a.out_e, e)
            self._link(b, REMOVE_IN_EDGE, None, e)
            b.in_e = adj_add(b.in_e, e)
        stats.rels += 1
        stats.types[rel_type] = stats.types.get(rel_type, 0) + 1
        return e

    def add_label(self, node: NodeHandle, label: str) -> bool:
        """Add ``label``; False when the node already has it."""
        stats = self._writer()
        v: Vertex = node  # type: ignore[assignment]
        with self._lock:
            self._prepare(v)
            old = v.labels
            if label in old:
                return False
            if self._engine._constraints.typed:
                self._engine._constraints.check_new_label(label, v.props)
            new = self._engine._intern_labels((*old, label))
            self._link(v, REMOVE_LABEL, label, old)
            if self._engine._indexed:
                self._engine._indexes.on_add_label(v, label, self._index_log)
            v.labels = new
        stats.labels[label] = stats.labels.get(label, 0) + 1
        return True

    def remove_label(self, node: NodeHandle, label: str) -> bool:
        """Remove ``label``; False when the node did not have it."""
        stats = self._writer()
        v: Vertex = node  # type: ignore[assignment]
        with self._lock:
            self._prepare(v)
            old = v.labels
            if label not in old:
                return False
            new = self._engine._intern_labels(tuple(x for x in old if x != label))
            self._link(v, ADD_LABEL, label, old)
            v.labels = new
        stats.labels[label] = stats.labels.get(label, 0) - 1
        return True

    def _set_property(self, obj: Vertex | Edge, key: str, value: Any, stats: TxStats) -> None:
        """Install a new props blob on ``obj`` with ``key`` set (None: removed)."""
        with self._lock:
            self._prepare(obj)
            if value is not None and obj.__class__ is Vertex and self._engine._constraints.typed:
                self._engine._constraints.check_write(obj.labels, key, value)
            kid = self._key_ids.get(key)
            if kid is None:
                if value is None:
                    return
                kid = self._engine._key_id(key)
            old = obj.props
            data = _unpackb(
                old, strict_map_key=False, ext_hook=_ext_hook
            ) if old is not None else {}
            if value is None:
                if data.pop(kid, None) is None:
                    return
            else:
                data[kid] = value
                stats.keys.add(kid)
            new = share_blob(self._engine._blobs, _pack_props(data)) if data else None
            self._link(obj, SET_PROPERTY, kid, old)
            if value is not None and self._engine._indexed and obj.__class__ is Vertex:
                self._engine._indexes.on_set_property(obj, kid, data, self._index_log)
            obj.props = new

    def set_node_property(self, node: NodeHandle, key: str, value: Any) -> None:
        """Set (None: remove) a node property."""
        self._set_property(node, key, value, self._writer())  # type: ignore[arg-type]

    def set_relationship_property(self, rel: RelationshipHandle, key: str, value: Any) -> None:
        """Set (None: remove) a relationship property; refused when edges carry none."""
        stats = self._writer()
        if not self._engine._properties_on_edges:
            raise PropertiesOnEdgesDisabled()
        self._set_property(rel, key, value, stats)  # type: ignore[arg-type]

    def _delete_edge_locked(self, e: Edge, stats: TxStats, skip: Vertex | None) -> None:
        """Delete ``e`` (already prepared) and unlink it from its endpoints except ``skip``."""
        self._link(e, RECREATE_OBJECT, None, e.props)
        e.props = DELETED
        a = e.start
        if a is not skip:
            self._link(a, ADD_OUT_EDGE, None, e)
            a.out_e = adj_remove(a.out_e, e)
        b = e.end
        if b is not skip:
            self._link(b, ADD_IN_EDGE, None, e)
            b.in_e = adj_remove(b.in_e, e)
        stats.rels -= 1
        stats.types[e.type] = stats.types.get(e.type, 0) - 1

    def delete_relationship(self, rel: RelationshipHandle) -> bool:
        """Delete; False when this transaction already deleted it."""
        stats = self._writer()
        e: Edge = rel  # type: ignore[assignment]
        with self._lock:
            if self._deleted_by_me(e):
                return False
            self._prepare(e)
            self._prepare(e.start)
            self._prepare(e.end)
            self._delete_edge_locked(e, stats, None)
        return True

    def _delete_vertex_locked(self, v: Vertex, stats: TxStats) -> None:
        """Delete ``v`` (prepared, without visible relationships left)."""
        self._link(v, RECREATE_OBJECT, None, v.props)
        v.props = DELETED
        stats.nodes -= 1
        counts = stats.labels
        for label in v.labels:
            counts[label] = counts.get(label, 0) - 1

    def delete_node(self, node: NodeHandle) -> bool:
        """Delete a node without relationships; False when this transaction already did."""
        stats = self._writer()
        v: Vertex = node  # type: ignore[assignment]
        with self._lock:
            if self._deleted_by_me(v):
                return False
            self._prepare(v)
            if v.out_e is not None or v.in_e is not None:
                raise NodeHasRelationshipsError()
            self._delete_vertex_locked(v, stats)
        return True

    def detach_delete_node(self, node: NodeHandle) -> int:
        """Delete the node and its relationships; returns how many relationships went."""
        stats = self._writer()
        v: Vertex = node  # type: ignore[assignment]
        with self._lock:
            if self._deleted_by_me(v):
                return 0
            self._prepare(v)
            outs = adj_items(v.out_e)
            ins = adj_items(v.in_e)
            edges = list(dict.fromkeys(outs + ins))
            for e in edges:
                self._prepare(e)
                self._prepare(e.end if e.start is v else e.start)
            for e in edges:
                self._delete_edge_locked(e, stats, v)
            for e in outs:
                self._link(v, ADD_OUT_EDGE, None, e)
            v.out_e = None
            for e in ins:
                self._link(v, ADD_IN_EDGE, None, e)
            v.in_e = None
            self._delete_vertex_locked(v, stats)
        return len(edges)

    # ------------------------------------------------------------------------------- end

    def commit(self) -> None:
        """Publish the writes atomically (one store of the commit timestamp). A transaction that
        lost a write conflict can only roll back (Memgraph's ``must_abort``)."""
        if self._conflict != NO_CONFLICT:
            self.rollback()
            raise SerializationError()
        try:
            self._engine._commit(self, self._info, self._deltas, self._stats)
        except ConstraintViolation:
            self.rollback()
            raise
        self._close()

    def _close(self) -> None:
        """Become a ClosedTransaction; the deltas now belong to the engine's release queue, so a
        handle on the closed transaction does not keep them alive."""
        self._deltas = []
        self._index_log = []
        self._stats = None
        self.__class__ = ClosedTransaction

    def rollback(self) -> None:
        """Undo every write: values restored now, deltas released later (marked ABORTED)."""
        deltas = self._deltas
        if deltas:
            engine = self._engine
            with self._lock:
                engine._undo_locked(self, deltas)
                engine._abort_locked(self, self._info, deltas)
        else:
            self._engine._end_empty(self)
        self._close()
        if self._conflict == LOST_TO_RUNNING:
            _yield_gil()


def _yield_gil() -> None:
    """Let another thread run: the transaction that won a conflict cannot be running while the
    loser is (the GIL), so an immediate retry would only fail again until that thread is
    scheduled, up to a switch interval (5 ms) later."""
    time.sleep(CONFLICT_BACKOFF)


def _pack_props(data: dict[int, Any]) -> bytes:
    """Encode a props blob; values that cannot be stored raise ``CypherTypeError``."""
    try:
        return _pack(data)
    except (TypeError, ValueError, OverflowError) as exc:
        raise CypherTypeError(f"Can't store the property value: {exc}") from None


def _undo(deltas: list[Delta]) -> None:
    """Restore every field the deltas cover, newest first; adjacency in one pass per vertex."""
    adjacency: dict[tuple[Vertex, bool], dict[Edge, None]] = {}
    for d in reversed(deltas):
        action = d.action
        owner = d.owner
        if action in (SET_PROPERTY, RECREATE_OBJECT):
            owner.props = d.value
        elif action == DELETE_OBJECT:
            owner.props = DELETED
        elif action in (ADD_LABEL, REMOVE_LABEL):
            owner.labels = d.value
        else:
            out = action in (ADD_OUT_EDGE, REMOVE_OUT_EDGE)
            work = adjacency.get((owner, out))
            if work is None:
                current = owner.out_e if out else owner.in_e
                work = adjacency[(owner, out)] = dict.fromkeys(adj_items(current))
            if action in (ADD_OUT_EDGE, ADD_IN_EDGE):
                work[d.value] = None
            else:
                work.pop(d.value, None)
    for (owner, out), work in adjacency.items():
        restored = adj_compact(list(work))
        if out:
            owner.out_e = restored
        else:
            owner.in_e = restored


def _expand_fast(
    outs: Any, n_out: int, ins: Any, n_in: int, types: tuple[str, ...] | None, skip_loops: bool
) -> Iterator[tuple[Edge, Vertex]]:
    """Expansion over captured adjacency containers (no invisible deltas)."""
    if outs is not None:
        if outs.__class__ is Edge:
            if types is None or outs.type in types:
                yield outs, outs.end
        else:
            for e in islice(outs, n_out):
                if types is None or e.type in types:
                    yield e, e.end
    if ins is not None:
        if ins.__class__ is Edge:
            if (types is None or ins.type in types) and not (skip_loops and ins.start is ins.end):
                yield ins, ins.start
        else:
            for e in islice(ins, n_in):
                if (types is None or e.type in types) and not (skip_loops and e.start is e.end):
                    yield e, e.start


def _expand_lists(
    outs: list[Edge], ins: list[Edge], types: tuple[str, ...] | None, skip_loops: bool
) -> Iterator[tuple[Edge, Vertex]]:
    """Expansion over rebuilt adjacency lists (slow path)."""
    for e in outs:
        if types is None or e.type in types:
            yield e, e.end
    for e in ins:
        if (types is None or e.type in types) and not (skip_loops and e.start is e.end):
            yield e, e.start


def _closed(name: str) -> Any:
    """A method for ``ClosedTransaction`` that raises ``TransactionClosedError``."""

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise TransactionClosedError(f"The transaction is closed (called {name}).")

    method.__name__ = name
    method.__doc__ = "Raises TransactionClosedError: the transaction was committed or rolled back."
    return method


class ClosedTransaction(InMemoryTransaction):
    """A committed or rolled-back transaction: every call raises, ``rollback`` is a no-op."""

    __slots__ = ()

    def rollback(self) -> None:
        """Idempotent: nothing left to undo."""


for _name in TRANSACTION_METHODS:
    if _name != "rollback":
        setattr(ClosedTransaction, _name, _closed(_name))
