"""ON_DISK_TRANSACTIONAL transactions: snapshot reads from RocksDB, writes in a per-transaction
cache, everything applied at commit in one atomic WriteBatch (Memgraph's ``DiskAccessor``).

Reads. At ``begin`` (under the engine's commit lock, so no commit falls between them) the
transaction creates one RocksDB iterator per scanned column family. An iterator is an implicit
snapshot: re-seeked any number of times, it keeps the view of its creation (rocksdict's own
snapshot iteration reads live data; design/dependencies.md 1.1). Scans read a batch of entries,
remember the last key and re-seek, so nested scans can share one iterator; point lookups are a
seek. Handles carry what the snapshot says about them (labels and property blob), read lazily
when a handle is made from an index or an adjacency entry.

Writes. The first write to a vertex or edge copies its snapshot state into the transaction's
cache (``VState`` / ``EState``); later reads of it see the cache. New relationships are listed
per endpoint, so expansions see them. Every scan merges the snapshot with the cache: an entity
the cache holds is judged by its cached state. The cache's estimated size is bounded by
``storage_on_disk_transaction_memory_mib``.

Commit: see ``engine.OnDiskEngine._commit``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import msgpack

from mgcore.errors import CypherTypeError, MemoryLimitExceeded
from mgcore.storage.errors import (
    DeletedObjectError,
    NodeHasRelationshipsError,
    PropertiesOnEdgesDisabled,
    ReadOnlyTransactionError,
    TransactionClosedError,
    type_violation,
)
from mgcore.storage.kit import serde
from mgcore.storage.kit.codec import (
    equality_bounds,
    equality_prefix,
    range_bounds,
    string_prefix_bounds,
)
from mgcore.storage.kit.lookups import cypher_equals, in_range, range_family
from mgcore.storage.records import Direction, IndexSpec, IsolationLevel, PropertyRange
from mgcore.values.graph import NodeHandle, RelationshipHandle
from mgcore_engine_on_disk.cache import CacheIndex, props_of
from mgcore_engine_on_disk.handles import UNLOADED, DiskNode, DiskRel, EState, VState
from mgcore_engine_on_disk.keys import (
    GID,
    gid_at_end,
    gid_bytes,
    id_bytes,
    out_prefix,
    split_edge_locator,
    split_in_key,
    split_out_key,
    split_vertex_key,
    successor,
    vertex_labels,
)

if TYPE_CHECKING:
    from mgcore_engine_on_disk.engine import OnDiskEngine

_unpackb = msgpack.unpackb
_ext_hook = serde.ext_hook
_pack = serde.pack


VSTATE_BYTES = 240
"""Estimated bytes of one cached vertex beside its property blob (the memory limit's unit)."""
ESTATE_BYTES = 280
"""Estimated bytes of one cached edge beside its property blob, with its adjacency entries."""
FIRST_BATCH = 16
MAX_BATCH = 1024


def _pack_props(data: dict[int, Any]) -> bytes | None:
    """A property blob (None when empty); values that cannot be stored raise
    ``CypherTypeError``."""
    if not data:
        return None
    try:
        return _pack(data)
    except (TypeError, ValueError, OverflowError) as exc:
        raise CypherTypeError(f"Can't store the property value: {exc}") from None


def _deleted(kind: str, gid: int) -> DeletedObjectError:
    return DeletedObjectError(f"The {kind} with id {gid} was deleted or is not visible.")


class DiskTransaction:
    """One transaction of ``OnDiskEngine`` (the ``Transaction`` protocol)."""

    def __init__(self, engine: OnDiskEngine, start_ts: int, iterators: dict[str, Any],
                 indexes: Mapping[IndexSpec, int], label_indexes: Mapping[int, IndexSpec],
                 read_only: bool) -> None:
        self._engine = engine
        self._catalog = engine._catalog
        self.isolation = IsolationLevel.SNAPSHOT_ISOLATION
        self.read_only = read_only
        self.start_ts = start_ts
        self._it = iterators
        self._indexes = indexes
        """Label+property indexes that existed at begin (id by spec): their entries are in the
        snapshot."""
        self._label_indexes = label_indexes
        """Label indexes that existed at begin, by label id."""
        self._vs: dict[int, VState] = {}
        self._es: dict[int, EState] = {}
        self._new_out: dict[int, list[EState]] = {}
        self._new_in: dict[int, list[EState]] = {}
        self._touched: set[int] = set()
        """Vertices written, including both endpoints of every created or deleted edge."""
        self._pids: set[int] = set()
        """Property ids this transaction stored (for ``statistics().property_keys``)."""
        self._seq = 0
        self._index = CacheIndex()
        self._mem = 0
        self._limit = engine._tx_memory_limit
        self.closed = False

    # ------------------------------------------------------------------- snapshot access

    def _scan(self, family: str, lo: bytes, hi: bytes | None) -> Iterator[tuple[bytes, bytes]]:
        """Entries of ``family`` with ``lo <= key < hi`` in the snapshot, in key order."""
        it = self._it[family]
        size = FIRST_BATCH
        key = lo
        skip_first = False
        while True:
            if self.closed:
                raise TransactionClosedError("The transaction has ended.")
            it.seek(key)
            if skip_first and it.valid() and it.key() == key:
                it.next()
            batch: list[tuple[bytes, bytes]] = []
            append = batch.append
            while it.valid():
                k = it.key()
                if hi is not None and k >= hi:
                    break
                append((k, it.value()))
                if len(batch) >= size:
                    break
                it.next()
            yield from batch
            if len(batch) < size:
                return
            key = batch[-1][0]
            skip_first = True
            if size < MAX_BATCH:
                size *= 4

    def _prefixed(self, family: str, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        return self._scan(family, prefix, successor(prefix))

    def _load_vertex(self, node: DiskNode) -> bytes | None:
        """Read ``node``'s snapshot version into the handle (labels None when absent); returns
        its key."""
        it = self._it["vertex"]
        prefix = gid_bytes(node.gid)
        it.seek(prefix)
        if it.valid():
            key: bytes = it.key()
            if key[:8] == prefix:
                node.labels = vertex_labels(key)
                node.blob = it.value() or None
                return key
        node.labels = None
        node.blob = None
        return None

    def _snapshot_out_entry(self, src: int, rel_type: int, dst: int,
                            egid: int) -> tuple[bytes, bytes] | None:
        """The snapshot's ``out`` entry of an edge (key, property blob), or None."""
        it = self._it["out"]
        prefix = out_prefix(src, rel_type, dst, egid)
        it.seek(prefix)
        if it.valid():
            key = it.key()
            if key[:28] == prefix:
                return key, it.value()
        return None

    def _load_rel(self, rel: DiskRel) -> bytes | None:
        """The snapshot's property blob of ``rel`` (read once into the handle)."""
        blob = rel.blob
        if blob is UNLOADED:
            found = self._snapshot_out_entry(rel.src, rel.type, rel.dst, rel.gid)
            if found is None:
                raise _deleted("relationship", rel.gid)
            blob = rel.blob = found[1] or None
        return blob

    # ---------------------------------------------------------------------- state access

    def _node_state(self, node: NodeHandle) -> tuple[tuple[int, ...], bytes | None]:
        """(label ids, property blob) of the version this transaction sees."""
        w = self._vs.get(node.gid) if self._vs else None
        if w is not None:
            if w.deleted:
                raise _deleted("node", node.gid)
            return w.labels, w.blob
        n: DiskNode = node  # type: ignore[assignment]
        if n.labels is UNLOADED:
            self._load_vertex(n)
        if n.labels is None:
            raise _deleted("node", n.gid)
        return n.labels, n.blob

    def _check_alive(self, node: NodeHandle) -> None:
        """Raise ``DeletedObjectError`` unless ``node`` is visible, without reading it: a
        handle this transaction made from the snapshot and has not read yet names a vertex of
        the snapshot (scans, index entries and adjacency are consistent with it)."""
        w = self._vs.get(node.gid) if self._vs else None
        if w is not None:
            if w.deleted:
                raise _deleted("node", node.gid)
        elif node.labels is None:  # type: ignore[attr-defined]
            raise _deleted("node", node.gid)

    def _rel_blob(self, rel: RelationshipHandle) -> bytes | None:
        e = self._es.get(rel.gid) if self._es else None
        if e is not None:
            if e.deleted:
                raise _deleted("relationship", rel.gid)
            return e.blob
        return self._load_rel(rel)  # type: ignore[arg-type]

    # ------------------------------------------------------------------- point lookups

    def node(self, gid: int) -> NodeHandle | None:
        """The visible node with this gid, or None."""
        if gid < 0 or gid >= 1 << 64:
            return None
        w = self._vs.get(gid)
        if w is not None:
            return None if w.deleted else DiskNode(gid, None, None)
        n = DiskNode(gid)
        self._load_vertex(n)
        return None if n.labels is None else n

    def relationship(self, gid: int) -> RelationshipHandle | None:
        """The visible relationship with this gid, or None."""
        if gid < 0 or gid >= 1 << 64:
            return None
        e = self._es.get(gid)
        if e is not None:
            return None if e.deleted else DiskRel(gid, e.src, e.type, e.dst, None)
        it = self._it["edge"]
        key = gid_bytes(gid)
        it.seek(key)
        if it.valid() and it.key() == key:
            src, rel_type, dst = split_edge_locator(it.value())
            return DiskRel(gid, src, rel_type, dst)
        return None

    # --------------------------------------------------------------------------- scans

    def _merge_nodes(
        self, snapshot: Iterable[int | DiskNode], matches: Any, cached: Iterable[int] | None
    ) -> Iterator[NodeHandle]:
        """Snapshot candidates (gids or handles) merged with the cache. A vertex cached before
        the scan started is judged by ``matches`` on its cached state, in the cache pass over
        ``cached`` (gids of every cached vertex that may match; None: all of them), taken when
        the scan starts; one first cached during the scan is judged when the snapshot pass
        reaches it."""
        vs = self._vs
        mark = self._seq
        if not vs:
            candidates: list[VState] = []
        elif cached is None:
            candidates = list(vs.values())
        else:
            candidates = [vs[gid] for gid in cached]
        for item in snapshot:
            gid = item if item.__class__ is int else item.gid  # type: ignore[union-attr]
            if vs:
                w = vs.get(gid)
                if w is not None:
                    if w.seq >= mark and not w.deleted and matches(w):
                        yield DiskNode(gid, None, None)
                    continue
            yield item if item.__class__ is DiskNode else DiskNode(gid)
        for w in candidates:
            if not w.deleted and matches(w):
                yield DiskNode(w.gid, None, None)

    def nodes(self) -> Iterator[NodeHandle]:
        """Every visible node, in gid order for the snapshot's, then the new ones."""
        scan = (DiskNode(*_vertex_entry(k, v)) for k, v in self._scan("vertex", b"", None))
        return self._merge_nodes(scan, _always, None)

    def relationships(self) -> Iterator[RelationshipHandle]:
        """Every visible relationship."""
        es = self._es
        cached = list(es.values()) if es else []
        before = set(es) if es else ()
        for key, value in self._scan("edge", b"", None):
            gid = GID.unpack(key)[0]
            if es:
                if gid in before:
                    continue
                e = es.get(gid)
                if e is not None:
                    if not e.deleted:
                        yield DiskRel(gid, e.src, e.type, e.dst, None)
                    continue
            src, rel_type, dst = split_edge_locator(value)
            yield DiskRel(gid, src, rel_type, dst)
        for e in cached:
            if not e.deleted:
                yield DiskRel(e.gid, e.src, e.type, e.dst, None)

    def nodes_by_label(self, label: str) -> Iterator[NodeHandle]:
        """Visible nodes with ``label``, through its label index where there is one."""
        lid = self._catalog.labels.ids.get(label)
        if lid is None:
            return iter(())

        def has(w: VState) -> bool:
            return lid in w.labels

        if lid in self._label_indexes:
            prefix = id_bytes(lid)
            gids = (gid_at_end(k) for k, _ in self._prefixed("label", prefix))
            return self._merge_nodes(gids, has, self._index.with_label(lid))
        scan = (
            DiskNode(*_vertex_entry(k, v)) for k, v in self._scan("vertex", b"", None)
            if lid in vertex_labels(k)
        )
        return self._merge_nodes(scan, has, self._index.with_label(lid))

    def _labelled(self, lid: int) -> Iterator[tuple[DiskNode, dict[int, Any]]]:
        """Snapshot vertices with label ``lid`` and their properties (a scan of the vertex
        family)."""
        for k, v in self._scan("vertex", b"", None):
            labels = vertex_labels(k)
            if lid in labels:
                yield DiskNode(GID.unpack_from(k)[0], labels, v or None), props_of(v)

    def _lookup(self, label: str, keys: tuple[str, ...], test: Any, bounds: Any,
                equal: Any = None) -> Iterator[NodeHandle]:
        """Nodes with ``label`` whose values of ``keys`` pass ``test(values)``. ``bounds()``
        gives the index key range (without the index id) of an index on exactly ``keys``, or
        None when no key can match; without such an index the vertices are scanned. The range
        is exact (the codec's equality, range and prefix bounds are, for the values a lookup
        takes), so index entries are not re-tested. ``equal`` is the value an equality lookup
        on one key compares with (its cache candidates come from the equality map)."""
        catalog = self._catalog
        found_lid = catalog.labels.ids.get(label)
        found_pids = [catalog.properties.ids.get(k) for k in keys]
        if found_lid is None or None in found_pids:
            return iter(())
        lid: int = found_lid
        pids: list[int] = found_pids  # type: ignore[assignment]

        def matches(w: VState) -> bool:
            if lid not in w.labels:
                return False
            data = props_of(w.blob)
            values = [data.get(p) for p in pids]
            return None not in values and bool(test(values))

        if not self._vs:
            cached: list[int] = []
        elif equal is not None:
            cached = self._index.equal(self._vs, lid, pids[0], equal)
        else:
            cached = self._index.with_label(lid)
        iid = self._indexes.get(IndexSpec(label, keys))
        if iid is not None:
            found = bounds()
            if found is None:
                return self._merge_nodes((), matches, cached)
            lo, hi = found
            prefix = id_bytes(iid)
            entries = self._scan("label_property", prefix + lo,
                                 prefix + hi if hi is not None else successor(prefix))
            if not self._vs:
                return (DiskNode(gid_at_end(k)) for k, _ in entries)
            return self._merge_nodes((gid_at_end(k) for k, _ in entries), matches, cached)

        def scanned() -> Iterator[DiskNode]:
            for node, data in self._labelled(lid):
                values = [data.get(p) for p in pids]
                if None not in values and test(values):
                    yield node

        return self._merge_nodes(scanned(), matches, cached)

    def nodes_by_property(self, label: str, key: str, value: Any) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose ``key`` equals ``value`` (Cypher equality)."""
        if value is None:
            return iter(())

        def bounds() -> tuple[bytes, bytes | None] | None:
            try:
                prefix = equality_prefix((value,))
            except CypherTypeError:
                return None
            return None if prefix is None else (prefix, successor(prefix))

        return self._lookup(label, (key,), lambda vs: cypher_equals(vs[0], value), bounds, value)

    def nodes_by_properties(
        self, label: str, keys: tuple[str, ...], values: tuple[Any, ...]
    ) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose ``keys`` equal ``values`` pairwise."""
        if any(v is None for v in values):
            return iter(())

        def test(found: list[Any]) -> bool:
            return all(cypher_equals(a, b) for a, b in zip(found, values, strict=True))

        def bounds() -> tuple[bytes, bytes] | None:
            try:
                return equality_bounds(values)
            except CypherTypeError:
                return None

        return self._lookup(label, keys, test, bounds)

    def nodes_by_property_range(
        self, label: str, key: str, value_range: PropertyRange
    ) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose ``key`` lies in ``value_range`` (every node with
        the property when the range has no bounds)."""
        r = value_range
        if r.lower is None and r.upper is None:
            return self._lookup(label, (key,), _always, lambda: (b"", None))
        fam = range_family(r)
        if fam is None:
            return iter(())

        def bounds() -> tuple[bytes, bytes] | None:
            try:
                return range_bounds(r.lower, r.lower_inclusive, r.upper, r.upper_inclusive)
            except (CypherTypeError, ValueError):
                return None

        return self._lookup(label, (key,), lambda vs: in_range(vs[0], r, fam), bounds)

    def nodes_by_property_prefix(self, label: str, key: str, prefix: str) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose string ``key`` starts with ``prefix``."""

        def test(vs: list[Any]) -> bool:
            return type(vs[0]) is str and vs[0].startswith(prefix)

        return self._lookup(label, (key,), test, lambda: string_prefix_bounds(prefix))

    # ----------------------------------------------------------------------- node reads

    def node_labels(self, node: NodeHandle) -> tuple[str, ...]:
        """Labels of the visible version, in the order they were added."""
        names = self._catalog.labels.names
        return tuple(names[i] for i in self._node_state(node)[0])

    def node_has_label(self, node: NodeHandle, label: str) -> bool:
        lid = self._catalog.labels.ids.get(label)
        labels = self._node_state(node)[0]
        return lid is not None and lid in labels

    def node_property(self, node: NodeHandle, key: str) -> Any:
        blob = self._node_state(node)[1]
        if blob is None:
            return None
        pid = self._catalog.properties.ids.get(key)
        return None if pid is None else _unpackb(
            blob, strict_map_key=False, ext_hook=_ext_hook
        ).get(pid)

    def node_properties(self, node: NodeHandle) -> dict[str, Any]:
        blob = self._node_state(node)[1]
        names = self._catalog.properties.names
        return {names[k]: v for k, v in props_of(blob).items()}

    def expand(
        self, node: NodeHandle, direction: Direction, types: tuple[str, ...] | None = None
    ) -> Iterator[tuple[RelationshipHandle, NodeHandle]]:
        """Visible relationships at ``node`` in ``direction`` (self-loops once with BOTH)."""
        self._check_alive(node)
        tids: list[int] | None = None
        if types is not None:
            ids = self._catalog.types.ids
            tids = sorted({ids[t] for t in types if t in ids})
        return self._expand(node.gid, node, direction, tids)

    def _expand(self, gid: int, node: NodeHandle, direction: Direction,
                tids: list[int] | None) -> Iterator[tuple[RelationshipHandle, NodeHandle]]:
        es = self._es
        want_out = bool(direction & 1)
        want_in = bool(direction & 2)
        new_out = list(self._new_out.get(gid, ())) if want_out and self._new_out else []
        new_in = list(self._new_in.get(gid, ())) if want_in and self._new_in else []
        base = gid_bytes(gid)
        prefixes = [base] if tids is None else [base + id_bytes(t) for t in tids]
        if want_out:
            for prefix in prefixes:
                for key, value in self._prefixed("out", prefix):
                    src, rel_type, dst, egid = split_out_key(key)
                    e = es.get(egid) if es else None
                    if e is not None:
                        if e.deleted or e.created:
                            continue
                        rel = DiskRel(egid, src, rel_type, dst, None)
                    else:
                        rel = DiskRel(egid, src, rel_type, dst, value or None)
                    yield rel, node if dst == gid else DiskNode(dst)
        if want_in:
            for prefix in prefixes:
                for key, _ in self._prefixed("in", prefix):
                    dst, rel_type, src, egid = split_in_key(key)
                    if want_out and src == gid:
                        continue  # a self-loop, yielded by the outgoing pass
                    e = es.get(egid) if es else None
                    if e is not None:
                        if e.deleted or e.created:
                            continue
                        rel = DiskRel(egid, src, rel_type, dst, None)
                    else:
                        rel = DiskRel(egid, src, rel_type, dst)
                    yield rel, node if src == gid else DiskNode(src)
        for e in new_out:
            if not e.deleted and (tids is None or e.type in tids):
                yield DiskRel(e.gid, e.src, e.type, e.dst, None), \
                    node if e.dst == gid else DiskNode(e.dst)
        for e in new_in:
            if not e.deleted and (tids is None or e.type in tids) \
                    and not (want_out and e.src == gid):
                yield DiskRel(e.gid, e.src, e.type, e.dst, None), \
                    node if e.src == gid else DiskNode(e.src)

    def degree(
        self, node: NodeHandle, direction: Direction, types: tuple[str, ...] | None = None
    ) -> int:
        """Number of relationships ``expand`` would yield."""
        return sum(1 for _ in self.expand(node, direction, types))

    # --------------------------------------------------------------- relationship reads

    def relationship_type(self, rel: RelationshipHandle) -> str:
        return self._catalog.types.names[rel.type]  # type: ignore[attr-defined]

    def relationship_start(self, rel: RelationshipHandle) -> NodeHandle:
        return DiskNode(rel.src)  # type: ignore[attr-defined]

    def relationship_end(self, rel: RelationshipHandle) -> NodeHandle:
        return DiskNode(rel.dst)  # type: ignore[attr-defined]

    def relationship_property(self, rel: RelationshipHandle, key: str) -> Any:
        blob = self._rel_blob(rel)
        if blob is None:
            return None
        pid = self._catalog.properties.ids.get(key)
        return None if pid is None else _unpackb(
            blob, strict_map_key=False, ext_hook=_ext_hook
        ).get(pid)

    def relationship_properties(self, rel: RelationshipHandle) -> dict[str, Any]:
        names = self._catalog.properties.names
        return {names[k]: v for k, v in props_of(self._rel_blob(rel)).items()}

    def is_deleted(self, entity: NodeHandle | RelationshipHandle) -> bool:
        """True when this transaction deleted the entity or it is not visible."""
        try:
            if isinstance(entity, DiskNode):
                self._node_state(entity)
            else:
                self._rel_blob(entity)  # type: ignore[arg-type]
        except DeletedObjectError:
            return True
        return False

    # --------------------------------------------------------------------------- writes

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq - 1

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlyTransactionError("Cannot write in a read-only transaction.")
        if self.closed:
            raise TransactionClosedError("The transaction has ended.")

    def _grow(self, size: int) -> None:
        """Count ``size`` more bytes of cache against the transaction's memory limit."""
        self._mem += size
        limit = self._limit
        if limit and self._mem > limit:
            raise MemoryLimitExceeded(
                f"Memory limit exceeded! The transaction's working set of about "
                f"{self._mem >> 20} MiB exceeds storage_on_disk_transaction_memory_mib "
                f"({limit >> 20} MiB); commit in smaller transactions or raise the limit."
            )

    def _vwrite(self, node: NodeHandle) -> VState:
        """The cached state of ``node`` for writing (copied from the snapshot the first time)."""
        gid = node.gid
        w = self._vs.get(gid)
        if w is None:
            n: DiskNode = node  # type: ignore[assignment]
            orig_key = self._load_vertex(n)
            if orig_key is None:
                raise _deleted("node", gid)
            w = self._vs[gid] = VState(gid, n.labels, n.blob, False, orig_key, self._next_seq())
            self._index.track(w, (), None)
            self._grow(VSTATE_BYTES + (len(n.blob) if n.blob else 0))
        elif w.deleted:
            raise _deleted("node", gid)
        self._touched.add(gid)
        return w

    def _ewrite(self, rel: RelationshipHandle) -> EState:
        """The cached state of ``rel`` for writing."""
        gid = rel.gid
        e = self._es.get(gid)
        if e is None:
            r: DiskRel = rel  # type: ignore[assignment]
            found = self._snapshot_out_entry(r.src, r.type, r.dst, gid)
            if found is None:
                raise _deleted("relationship", gid)
            key, value = found
            e = self._es[gid] = EState(gid, r.src, r.type, r.dst, value or None, False, key)
            self._grow(ESTATE_BYTES + len(value))
        elif e.deleted:
            raise _deleted("relationship", gid)
        return e

    def _encode(self, properties: Mapping[str, Any] | None) -> bytes | None:
        if not properties:
            return None
        pid = self._catalog.property_id
        data = {pid(k): v for k, v in properties.items() if v is not None}
        self._pids.update(data)
        return _pack_props(data)

    def create_node(
        self, labels: Iterable[str] = (), properties: Mapping[str, Any] | None = None
    ) -> NodeHandle:
        """A new node with ``labels`` (duplicates collapse) and ``properties``."""
        self._writable()
        catalog = self._catalog
        label_ids = tuple(dict.fromkeys(catalog.label_id(name) for name in labels))
        if self._engine._typed_by_label and properties:
            for key, value in properties.items():
                self._check_type(label_ids, key, value)
        blob = self._encode(properties)
        gid = catalog.new_gid()
        w = self._vs[gid] = VState(gid, label_ids, blob, True, None, self._next_seq())
        self._index.track(w, (), None)
        self._touched.add(gid)
        self._grow(VSTATE_BYTES + (len(blob) if blob else 0))
        return DiskNode(gid, None, None)

    def create_relationship(
        self,
        start: NodeHandle,
        end: NodeHandle,
        rel_type: str,
        properties: Mapping[str, Any] | None = None,
    ) -> RelationshipHandle:
        """A new relationship; writes both endpoints (a conflict on either fails the commit)."""
        self._writable()
        if properties and not self._engine._properties_on_edges:
            if any(value is not None for value in properties.values()):
                raise PropertiesOnEdgesDisabled()
            properties = None
        self._check_alive(start)
        self._check_alive(end)
        tid = self._catalog.type_id(rel_type)
        blob = self._encode(properties)
        egid = self._catalog.new_egid()
        src, dst = start.gid, end.gid
        e = self._es[egid] = EState(egid, src, tid, dst, blob, True, None)
        self._new_out.setdefault(src, []).append(e)
        self._new_in.setdefault(dst, []).append(e)
        self._touched.add(src)
        self._touched.add(dst)
        self._grow(ESTATE_BYTES + (len(blob) if blob else 0))
        return DiskRel(egid, src, tid, dst, None)

    def add_label(self, node: NodeHandle, label: str) -> bool:
        """Add ``label``; False when the node already has it."""
        self._writable()
        w = self._vwrite(node)
        lid = self._catalog.label_id(label)
        old = w.labels
        if lid in old:
            return False
        entries = self._engine._typed_by_label.get(lid)
        if entries and w.blob is not None:
            data = props_of(w.blob)
            for spec, pid, data_type in entries:
                value = data.get(pid)
                if value is not None and not data_type.accepts(value):
                    raise type_violation(spec)
        w.labels = (*old, lid)
        self._index.track(w, old, w.blob)
        return True

    def remove_label(self, node: NodeHandle, label: str) -> bool:
        """Remove ``label``; False when the node did not have it."""
        self._writable()
        w = self._vwrite(node)
        lid = self._catalog.labels.ids.get(label)
        old = w.labels
        if lid is None or lid not in old:
            return False
        w.labels = tuple(x for x in old if x != lid)
        self._index.track(w, old, w.blob)
        return True

    def _check_type(self, label_ids: tuple[int, ...], key: str, value: Any) -> None:
        """A data type constraint on one of the labels and ``key`` that ``value`` (not null)
        breaks fails the write at once, as Memgraph checks at each write (the commit checks
        again, for a constraint created meanwhile)."""
        typed = self._engine._typed_by_label
        for lid in label_ids:
            for spec, _, data_type in typed.get(lid, ()):
                if spec.properties[0] == key and value is not None and not data_type.accepts(
                    value
                ):
                    raise type_violation(spec)

    def _set(self, blob: bytes | None, key: str, value: Any) -> tuple[bytes | None, bool]:
        """``blob`` with ``key`` set (None: removed), and whether it changed."""
        data = props_of(blob)
        if value is None:
            pid = self._catalog.properties.ids.get(key)
            if pid is None or data.pop(pid, None) is None:
                return blob, False
        else:
            pid = self._catalog.property_id(key)
            data[pid] = value
            self._pids.add(pid)
        return _pack_props(data), True

    def set_node_property(self, node: NodeHandle, key: str, value: Any) -> None:
        """Set (None: remove) a node property."""
        self._writable()
        w = self._vwrite(node)
        if value is not None and self._engine._typed_by_label:
            self._check_type(w.labels, key, value)
        old = w.blob
        w.blob, changed = self._set(old, key, value)
        if changed:
            self._index.track(w, w.labels, old)
            self._grow((len(w.blob) if w.blob else 0) - (len(old) if old else 0))

    def set_relationship_property(self, rel: RelationshipHandle, key: str, value: Any) -> None:
        """Set (None: remove) a relationship property."""
        self._writable()
        if not self._engine._properties_on_edges:
            raise PropertiesOnEdgesDisabled()
        e = self._ewrite(rel)
        old = e.blob
        e.blob, changed = self._set(old, key, value)
        if changed:
            self._grow((len(e.blob) if e.blob else 0) - (len(old) if old else 0))

    def delete_relationship(self, rel: RelationshipHandle) -> bool:
        """Delete; False when this transaction already deleted it."""
        self._writable()
        e = self._es.get(rel.gid)
        if e is not None and e.deleted:
            return False
        e = self._ewrite(rel)
        e.deleted = True
        self._touched.add(e.src)
        self._touched.add(e.dst)
        return True

    def delete_node(self, node: NodeHandle) -> bool:
        """Delete a node without relationships; False when this transaction already did."""
        self._writable()
        w = self._vs.get(node.gid)
        if w is not None and w.deleted:
            return False
        w = self._vwrite(node)
        for _ in self._expand(node.gid, node, Direction.BOTH, None):
            raise NodeHasRelationshipsError()
        w.deleted = True
        self._index.track(w, w.labels, w.blob)
        return True

    def detach_delete_node(self, node: NodeHandle) -> int:
        """Delete the node and its relationships; returns how many relationships went."""
        self._writable()
        w = self._vs.get(node.gid)
        if w is not None and w.deleted:
            return 0
        w = self._vwrite(node)
        rels = [rel for rel, _ in self._expand(node.gid, node, Direction.BOTH, None)]
        for rel in rels:
            self.delete_relationship(rel)
        w.deleted = True
        self._index.track(w, w.labels, w.blob)
        return len(rels)

    # ------------------------------------------------------------------------------ end

    def commit(self) -> None:
        """Validate and apply the writes atomically (``OnDiskEngine._commit``)."""
        if self.closed:
            raise TransactionClosedError("The transaction has ended.")
        try:
            self._engine._commit(self)
        except BaseException:
            self.rollback()
            raise

    def rollback(self) -> None:
        """Forget the cached writes; idempotent."""
        if self.closed:
            return
        self._release()
        self._engine._finished(self)

    def _release(self) -> None:
        self.closed = True
        self._it = {}
        self._vs = {}
        self._es = {}
        self._new_out = {}
        self._new_in = {}
        self._touched = set()
        self._index = CacheIndex()

    def _written(self) -> tuple[dict[int, VState], dict[int, EState], set[int]]:
        return self._vs, self._es, self._touched


def _always(_: Any) -> bool:
    return True


def _vertex_entry(key: bytes, value: bytes) -> tuple[int, tuple[int, ...], bytes | None]:
    gid, labels, _ = split_vertex_key(key)
    return gid, labels, value or None

