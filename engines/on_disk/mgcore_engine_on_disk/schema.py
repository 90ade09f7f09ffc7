"""Index and constraint DDL of ON_DISK_TRANSACTIONAL.

DDL runs under the engine's commit lock, so it sees the newest committed data and no commit
interleaves with it; transactions already running keep the indexes they began with (their
snapshot has those indexes' entries), and every commit after the DDL maintains the new set.
Entries are built from a scan of the vertices, written in batches; the definition is stored
"building" first and "ready" last, so a crash part-way leaves nothing ``recover`` does not
remove (``catalog.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import msgpack

from mgcore.storage.errors import ConstraintViolation, type_creation_violation
from mgcore.storage.kit import serde
from mgcore.storage.kit.codec import index_key, key_prefix
from mgcore.storage.records import ConstraintKind, ConstraintSpec, IndexInfo, IndexSpec
from mgcore_engine_on_disk.catalog import STATS
from mgcore_engine_on_disk.keys import GID, id_bytes, label_key, split_vertex_key, successor

if TYPE_CHECKING:
    from mgcore_engine_on_disk.engine import OnDiskEngine

BUILD_BATCH = 10_000
_unpackb = msgpack.unpackb
_ext_hook = serde.ext_hook


def describe(spec: ConstraintSpec) -> str:
    """``:L(p1, p2)`` as Memgraph's messages write it."""
    return f":{spec.label}({', '.join(spec.properties)})"


def _typed_on(spec: ConstraintSpec, defined: dict[ConstraintSpec, int]) -> bool:
    """True when ``spec`` is a data type constraint and one (of any type) exists on its label
    and property: Memgraph allows one."""
    return spec.kind is ConstraintKind.TYPE and any(
        other.kind is ConstraintKind.TYPE and other.label == spec.label
        and other.properties == spec.properties
        for other in defined
    )


class DiskSchema:
    """The ``SchemaManager`` of ON_DISK_TRANSACTIONAL."""

    def __init__(self, engine: OnDiskEngine) -> None:
        self._engine = engine

    # ---------------------------------------------------------------------------- helpers

    def _vertices(self, label: str) -> Iterator[tuple[int, dict[int, Any]]]:
        """Every committed vertex carrying ``label`` with its properties (a live scan; the
        caller holds the commit lock)."""
        engine = self._engine
        lid = engine._catalog.labels.ids.get(label)
        if lid is None:
            return
        it = engine.store.cf["vertex"].iter()
        it.seek_to_first()
        while it.valid():
            gid, labels, _ = split_vertex_key(it.key())
            if lid in labels:
                value = it.value()
                yield gid, (_unpackb(
                    value, strict_map_key=False, ext_hook=_ext_hook
                ) if value else {})
            it.next()

    def _entry_range(self, spec: IndexSpec | ConstraintSpec, sid: int) -> tuple[str, bytes]:
        """The family and key prefix of a definition's entries."""
        if isinstance(spec, ConstraintSpec):
            return "unique", id_bytes(sid)
        if spec.properties:
            return "label_property", id_bytes(sid)
        return "label", id_bytes(self._engine._catalog.label_id(spec.label))

    def _remove(self, spec: IndexSpec | ConstraintSpec, sid: int, batch: Any) -> None:
        """Delete a definition and its entries in ``batch``."""
        store = self._engine.store
        key, _ = self._engine._catalog.definition(spec, sid, False)
        batch.delete(key, store.handle["meta"])
        if isinstance(spec, ConstraintSpec) and spec.kind is not ConstraintKind.UNIQUE:
            return
        family, prefix = self._entry_range(spec, sid)
        end = successor(prefix)
        assert end is not None
        batch.delete_range(prefix, end, store.handle[family])

    def _define(self, spec: IndexSpec | ConstraintSpec, sid: int, ready: bool,
                batch: Any | None = None) -> None:
        store = self._engine.store
        key, record = self._engine._catalog.definition(spec, sid, ready)
        if batch is None:
            store.cf["meta"][key] = record
        else:
            batch.put(key, record, store.handle["meta"])

    def _commit_batch(self, batch: Any) -> None:
        store = self._engine.store
        store.committer.wait(store.write(batch))

    def recover(self) -> None:
        """At open: remove what an interrupted build left, then publish the schema."""
        engine = self._engine
        catalog = engine._catalog
        if catalog.building:
            batch = engine.store.batch()
            for spec, sid in catalog.building.items():
                self._remove(spec, sid, batch)
                catalog.stats.index_entries.pop(sid, None)
            batch.put(STATS, catalog.stats.pack(), engine.store.handle["meta"])
            self._commit_batch(batch)
            catalog.building.clear()
        engine._publish_schema()

    # ---------------------------------------------------------------------------- indexes

    def create_index(self, spec: IndexSpec) -> bool:
        """Build the index over the committed data; False when it already existed."""
        engine = self._engine
        catalog = engine._catalog
        store = engine.store
        with engine._commit_lock:
            if spec in catalog.indexes:
                return False
            sid = catalog.new_schema_id()
            lid = catalog.label_id(spec.label)
            pids = [catalog.property_id(p) for p in spec.properties]
            self._define(spec, sid, False)
            family = "label_property" if pids else "label"
            handle = store.handle[family]
            prefix = id_bytes(sid)
            count = 0
            try:
                batch = store.batch()
                for gid, data in self._vertices(spec.label):
                    if pids:
                        values = [data.get(p) for p in pids]
                        if None in values:
                            continue
                        batch.put(prefix + index_key(values, gid), b"", handle)
                    else:
                        batch.put(label_key(lid, gid), b"", handle)
                    count += 1
                    if count % BUILD_BATCH == 0:
                        store.write(batch)
                        batch = store.batch()
                if pids:
                    catalog.stats.index_entries[sid] = count
                self._define(spec, sid, True, batch)
                batch.put(STATS, catalog.stats.pack(), store.handle["meta"])
                self._commit_batch(batch)
            except BaseException:
                cleanup = store.batch()
                self._remove(spec, sid, cleanup)
                catalog.stats.index_entries.pop(sid, None)
                store.write(cleanup)
                raise
            catalog.indexes[spec] = sid
            engine._publish_schema()
        return True

    def drop_index(self, spec: IndexSpec) -> bool:
        """Delete the index and its entries; False when it did not exist."""
        return self._drop(spec, self._engine._catalog.indexes)

    def _drop(self, spec: IndexSpec | ConstraintSpec, defined: dict[Any, int]) -> bool:
        """Delete a definition (from ``defined``) and its entries in one batch."""
        engine = self._engine
        catalog = engine._catalog
        with engine._commit_lock:
            sid = defined.get(spec)
            if sid is None:
                return False
            batch = engine.store.batch()
            self._remove(spec, sid, batch)
            if catalog.stats.index_entries.pop(sid, None) is not None:
                batch.put(STATS, catalog.stats.pack(), engine.store.handle["meta"])
            self._commit_batch(batch)
            del defined[spec]
            engine._publish_schema()
        return True

    def indexes(self) -> list[IndexInfo]:
        """Every index with its number of entries."""
        stats = self._engine.statistics().index_stats
        catalog = self._engine._catalog
        return [IndexInfo(spec, stats[spec].entries if spec in stats else 0)
                for spec, _ in sorted(catalog.indexes.items(), key=lambda item: item[1])]

    # ------------------------------------------------------------------------ constraints

    def create_constraint(self, spec: ConstraintSpec) -> bool:
        """Validate the committed data, then enforce the constraint at every later commit;
        False when it already existed."""
        engine = self._engine
        catalog = engine._catalog
        store = engine.store
        with engine._commit_lock:
            if spec in catalog.constraints or _typed_on(spec, catalog.constraints):
                return False
            pids = [catalog.property_id(p) for p in spec.properties]
            sid = catalog.new_schema_id()
            if spec.kind is ConstraintKind.EXISTS:
                for gid, data in self._vertices(spec.label):
                    if pids[0] not in data:
                        raise ConstraintViolation(
                            f"Unable to create existence constraint {describe(spec)}, because "
                            f"an existing node violates it. Node {gid} lacks property "
                            f"{spec.properties[0]}."
                        )
                batch = store.batch()
                self._define(spec, sid, True, batch)
                self._commit_batch(batch)
            elif spec.kind is ConstraintKind.TYPE:
                data_type = spec.data_type
                assert data_type is not None
                for gid, data in self._vertices(spec.label):
                    value = data.get(pids[0])
                    if value is not None and not data_type.accepts(value):
                        raise type_creation_violation(spec, gid, value)
                batch = store.batch()
                self._define(spec, sid, True, batch)
                self._commit_batch(batch)
            else:
                self._build_unique(spec, sid, pids)
            catalog.constraints[spec] = sid
            engine._publish_schema()
        return True

    def _build_unique(self, spec: ConstraintSpec, sid: int, pids: list[int]) -> None:
        store = self._engine.store
        unique_cf = store.cf["unique"]
        handle = store.handle["unique"]
        prefix = id_bytes(sid)
        self._define(spec, sid, False)
        try:
            batch = store.batch()
            pending: dict[bytes, int] = {}
            for gid, data in self._vertices(spec.label):
                values = [data.get(p) for p in pids]
                if None in values:
                    continue
                key = prefix + key_prefix(values)
                other = pending.get(key)
                if other is None:
                    held = unique_cf.get(key)
                    other = GID.unpack(held)[0] if held is not None else None
                if other is not None:
                    raise ConstraintViolation(
                        f"Unable to create unique constraint {describe(spec)}, because an "
                        f"existing node violates it. Nodes {other} and {gid} have the same "
                        f"values of {', '.join(spec.properties)}."
                    )
                pending[key] = gid
                batch.put(key, GID.pack(gid), handle)
                if len(pending) >= BUILD_BATCH:
                    store.write(batch)
                    batch = store.batch()
                    pending.clear()
            self._define(spec, sid, True, batch)
            self._commit_batch(batch)
        except BaseException:
            cleanup = store.batch()
            self._remove(spec, sid, cleanup)
            store.write(cleanup)
            raise

    def drop_constraint(self, spec: ConstraintSpec) -> bool:
        """Stop enforcing the constraint; False when it did not exist."""
        return self._drop(spec, self._engine._catalog.constraints)

    def constraints(self) -> list[ConstraintSpec]:
        """Every constraint, in the order created."""
        items = sorted(self._engine._catalog.constraints.items(), key=lambda item: item[1])
        return [spec for spec, _ in items]
