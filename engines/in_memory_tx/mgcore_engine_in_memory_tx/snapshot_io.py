"""Snapshot files of IN_MEMORY_TRANSACTIONAL: writing from a read transaction, loading fast.

A snapshot is a ``mgcore.storage.kit.snapshot`` file. Header metadata: ``uuid`` (the storage's),
``timestamp`` (the start timestamp ``S`` of the snapshot's transaction: every commit below it is
in the snapshot, none at or above), ``next_vertex_gid`` / ``next_edge_gid`` and ``format``.
Sections, each record a msgpack value:

``keys``        one record: the property key names in id order (the engine's interning table)
``vertices``    flat batches ``[gid, label-set index, props blob, gid, ...]``
``edges``       flat batches ``[gid, type index, start gid, end gid, props blob, ...]``
``label_sets``  one record: the label tuples the vertices refer to
``types``       one record: the relationship types the edges refer to
``indexes``     one record: ``[[label, [properties]], ...]``
``constraints`` one record: ``[[kind, label, [properties]], ...]``; a data type constraint's
                record has a fourth element, the type's name (older snapshots have none)

Props are the engine's own blobs (msgpack ``{key id: value}``) with the key table beside them:
recovery starts from an empty engine, adopts the key table as its own, and keeps every blob as
it is, so loading never decodes or re-encodes a property (measured: re-encoding by name was the
main cost of loading). Vertices and edges go in batches of ``BATCH`` per record, so the per-record
framing and CRC work is spread thin; loading builds ``Vertex``/``Edge`` objects directly and
appends adjacency in one pass (edges come in gid order, which is the engine's adjacency order).

The snapshot is written by an ordinary SNAPSHOT_ISOLATION read transaction, so writers are not
blocked; its deltas simply wait for release until it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgcore.storage.errors import StorageError
from mgcore.storage.kit.snapshot import SnapshotReader, SnapshotWriter, snapshot_file_name
from mgcore.storage.records import ConstraintSpec, IndexSpec, IsolationLevel
from mgcore_engine_in_memory_tx.constraints import constraint_from_record, constraint_record
from mgcore_engine_in_memory_tx.objects import DELETED, SMALL_DEGREE, Edge, Vertex, share_blob

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine
    from mgcore_engine_in_memory_tx.transaction import InMemoryTransaction

SNAPSHOT_FORMAT = 1
BATCH = 2048
SchemaSpec = IndexSpec | ConstraintSpec


@dataclass(frozen=True)
class LoadedSnapshot:
    """What recovery needs from a loaded snapshot beyond the store itself."""

    uuid: str
    timestamp: int
    schema: list[SchemaSpec]


def _committed(
    tx: InMemoryTransaction, objs: list[Any], n: int
) -> Iterator[tuple[Any, Any, tuple[str, ...]]]:
    """(object, props, labels) of the versions of the first ``n`` of ``objs`` that the read-only
    ``tx`` sees (labels are ``()`` for edges); objects that do not exist for it are skipped."""
    horizon = tx.start_timestamp
    rebuild = tx._rebuild
    deleted = DELETED
    for i in range(n):
        obj = objs[i]
        if obj is None:
            continue
        labels = obj.labels if obj.__class__ is Vertex else ()
        props = obj.props
        d = obj.delta
        if d is not None and d.info.ts >= horizon:
            props, labels = rebuild(d, props, labels)
        if props is not deleted:
            yield obj, props, labels


def write_snapshot(
    engine: InMemoryTransactionalEngine, directory: Path, uuid: str
) -> tuple[Path, int]:
    """Write a snapshot of what is committed now into ``directory``: (path, timestamp)."""
    tx = engine.begin(IsolationLevel.SNAPSHOT_ISOLATION, read_only=True)
    try:
        start = tx.start_timestamp
        with engine._lock:
            n_vertices = len(engine._vertices)
            n_edges = len(engine._edges)
            keys = list(engine._key_names)
        indexes = [[i.spec.label, list(i.spec.properties)] for i in engine.schema.indexes()]
        constraints = [
            constraint_record(c) for c in engine.schema.constraints()
        ]
        meta = {
            "uuid": uuid,
            "timestamp": start,
            "next_vertex_gid": n_vertices,
            "next_edge_gid": n_edges,
            "format": SNAPSHOT_FORMAT,
        }
        path = directory / snapshot_file_name(start)
        with SnapshotWriter(path, meta) as writer:
            writer.section("keys")
            writer.append_value(keys)
            label_sets: dict[tuple[str, ...], int] = {}
            types: dict[str, int] = {}
            vertex_count = edge_count = 0
            writer.section("vertices")
            batch: list[Any] = []
            for v, props, labels in _committed(tx, engine._vertices, n_vertices):
                index = label_sets.get(labels)
                if index is None:
                    index = label_sets[labels] = len(label_sets)
                batch += (v.gid, index, props)
                vertex_count += 1
                if len(batch) >= 3 * BATCH:
                    writer.append_value(batch)
                    batch = []
            if batch:
                writer.append_value(batch)
            writer.section("edges")
            batch = []
            for e, props, _ in _committed(tx, engine._edges, n_edges):
                t = types.get(e.type)
                if t is None:
                    t = types[e.type] = len(types)
                batch += (e.gid, t, e.start.gid, e.end.gid, props)
                edge_count += 1
                if len(batch) >= 5 * BATCH:
                    writer.append_value(batch)
                    batch = []
            if batch:
                writer.append_value(batch)
            writer.section("label_sets")
            writer.append_value(list(label_sets))
            writer.section("types")
            writer.append_value(list(types))
            writer.section("indexes")
            writer.append_value(indexes)
            writer.section("constraints")
            writer.append_value(constraints)
            final = writer.finish({"vertex_count": vertex_count, "edge_count": edge_count})
        return final, start
    finally:
        tx.rollback()


def reset_store(engine: InMemoryTransactionalEngine) -> None:
    """Empty the store of an engine nothing uses yet (after a failed load); lists and dicts are
    cleared in place, since transactions keep references to them."""
    del engine._vertices[:]
    del engine._edges[:]
    engine._key_ids.clear()
    del engine._key_names[:]
    engine._label_sets.clear()
    engine._label_sets[()] = ()
    engine._types.clear()
    engine._blobs.clear()


def _one(reader: SnapshotReader, section: str) -> Any:
    values = list(reader.values(section))
    if len(values) != 1:
        raise StorageError(f"snapshot {reader.path}: section {section!r} has {len(values)} records")
    return values[0]


def load_snapshot(engine: InMemoryTransactionalEngine, path: Path) -> LoadedSnapshot:
    """Load the snapshot at ``path`` into the empty engine; ``StorageError`` when it is damaged
    (the store is then partly filled: the caller resets it)."""
    reader = SnapshotReader(path)
    meta = reader.metadata
    try:
        uuid = meta["uuid"]
        timestamp = meta["timestamp"]
        n_vertices = meta["next_vertex_gid"]
        n_edges = meta["next_edge_gid"]
        if meta.get("format") != SNAPSHOT_FORMAT:
            raise StorageError(f"snapshot {path}: unknown format {meta.get('format')!r}")
    except (KeyError, TypeError) as exc:
        raise StorageError(f"snapshot {path}: incomplete metadata ({exc})") from exc
    keys = _one(reader, "keys")
    engine._key_names.extend(keys)
    engine._key_ids.update((k, i) for i, k in enumerate(keys))
    intern = engine._intern_labels
    label_sets = [intern(tuple(labels)) for labels in _one(reader, "label_sets")]
    intern_type = engine._intern_type
    types = [intern_type(t) for t in _one(reader, "types")]
    try:
        blobs = engine._blobs
        share = share_blob
        vertices: list[Any] = [None] * n_vertices
        make_vertex = Vertex
        for batch in reader.values("vertices"):
            for i in range(0, len(batch), 3):
                gid = batch[i]
                blob = batch[i + 2]
                if blob is not None:
                    blob = share(blobs, blob)
                vertices[gid] = make_vertex(gid, label_sets[batch[i + 1]], blob)
        edges: list[Any] = [None] * n_edges
        make_edge = Edge
        edge_cls = Edge
        for batch in reader.values("edges"):
            for i in range(0, len(batch), 5):
                gid = batch[i]
                a = vertices[batch[i + 2]]
                b = vertices[batch[i + 3]]
                blob = batch[i + 4]
                if blob is not None:
                    blob = share(blobs, blob)
                e = make_edge(gid, types[batch[i + 1]], a, b, blob)
                edges[gid] = e
                adj = a.out_e
                if adj is None:
                    a.out_e = e
                elif adj.__class__ is edge_cls:
                    a.out_e = [adj, e]
                else:
                    adj.append(e)
                adj = b.in_e
                if adj is None:
                    b.in_e = e
                elif adj.__class__ is edge_cls:
                    b.in_e = [adj, e]
                else:
                    adj.append(e)
    except (IndexError, TypeError, AttributeError) as exc:
        raise StorageError(f"snapshot {path}: inconsistent records ({exc!r})") from exc
    small = SMALL_DEGREE
    if n_edges:
        for v in vertices:
            if v is not None:
                adj = v.out_e
                if adj.__class__ is list and len(adj) <= small:
                    v.out_e = tuple(adj)
                adj = v.in_e
                if adj.__class__ is list and len(adj) <= small:
                    v.in_e = tuple(adj)
    schema: list[SchemaSpec] = [IndexSpec(label, tuple(props))
                                for label, props in _one(reader, "indexes")]
    schema += [constraint_from_record(*record) for record in _one(reader, "constraints")]
    engine._vertices.extend(vertices)
    engine._edges.extend(edges)
    return LoadedSnapshot(uuid, timestamp, schema)
