"""ON_DISK_TRANSACTIONAL: the storage engine (Memgraph's ``DiskStorage``).

The graph lives in RocksDB (``store.py``, layout in ``keys.py``); transactions read a snapshot
and cache their writes (``transaction.py``); ``_commit`` validates and applies a transaction:

1. under the commit lock, the write-write check (``conflicts.py``: the loser of a conflict gets
   the retryable ``SerializationError``) and the constraints, against the newest committed data;
2. one WriteBatch with every new and deleted key: vertices and edges (each rewritten under the
   commit's timestamp, the old key deleted), adjacency, index and uniqueness entries, and the
   catalog's counters and counts, applied atomically by RocksDB;
3. outside the lock, the wait for the committer thread's WAL sync (``storage_wal_fsync``).

A commit becomes visible to transactions that begin after its batch is written. RocksDB's WAL is
the durability: reopening recovers every written batch, and a crash cannot leave part of one.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import msgpack

from mgcore.errors import ClientError
from mgcore.storage.capabilities import Capabilities
from mgcore.storage.errors import (
    ConstraintViolation,
    SerializationError,
    TransactionClosedError,
    UnsupportedOperation,
    type_violation,
)
from mgcore.storage.kit import serde
from mgcore.storage.kit.codec import index_key, key_prefix
from mgcore.storage.kit.marker import check_marker
from mgcore.storage.kit.settings import setting_bool
from mgcore.storage.protocol import API_VERSION, EngineContext
from mgcore.storage.records import (
    ConstraintKind,
    ConstraintSpec,
    DataType,
    GraphStatistics,
    IndexSpec,
    IndexStatistics,
    IsolationLevel,
)
from mgcore_engine_on_disk.catalog import COUNTERS, STATS, Catalog, Stats
from mgcore_engine_on_disk.conflicts import RecentWrites
from mgcore_engine_on_disk.keys import (
    GID,
    edge_locator,
    id_bytes,
    in_key,
    label_key,
    out_key,
    vertex_key,
)
from mgcore_engine_on_disk.schema import DiskSchema, describe
from mgcore_engine_on_disk.settings import MIB, setting
from mgcore_engine_on_disk.store import Store
from mgcore_engine_on_disk.transaction import DiskTransaction, VState

FORMAT_VERSION = 1
COMPACT_AFTER = 100_000
"""The fewest deletions in a column family that trigger its full compaction."""
DB_DIR = "rocksdb"
SNAPSHOT_DIR = "snapshots"
ISOLATION_MESSAGE = (
    "Snapshot isolation level is the only supported isolation level for disk storage."
)
SET_ISOLATION_MESSAGE = (
    "Modifying snapshot isolation levels is not supported for the OnDisk storage mode."
)

_unpackb = msgpack.unpackb
_ext_hook = serde.ext_hook


class OnDiskEngine:
    """The ``StorageEngine`` of ON_DISK_TRANSACTIONAL."""

    name: ClassVar[str] = "ON_DISK_TRANSACTIONAL"
    api_version: ClassVar[int] = API_VERSION
    capabilities: ClassVar[Capabilities] = Capabilities.from_package_file(__file__)

    def __init__(self) -> None:
        self._commit_lock = threading.RLock()
        self._recent = RecentWrites()
        self._store: Store | None = None
        self._catalog: Catalog = None  # type: ignore[assignment]
        self._directory: Path | None = None
        self._ctx: EngineContext | None = None
        self._schema = DiskSchema(self)
        self._properties_on_edges = True
        self._tx_memory_limit = 0
        self._retention = 3
        self._transactions: dict[int, DiskTransaction] = {}
        """Every running transaction, by ``id(tx)``."""
        self._garbage: Counter[str] = Counter()
        """Keys deleted per column family since its last full compaction."""
        self._snapshot_lock = threading.Lock()
        self._snapshot_ts: int | None = None
        """The commit timestamp the last checkpoint of this run holds."""
        # Schema views, replaced (never changed in place) by DDL so transactions keep theirs.
        self._lp_indexes: Mapping[IndexSpec, int] = {}
        self._label_indexes: Mapping[int, IndexSpec] = {}
        self._lp_by_label: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        self._exists_by_label: dict[int, list[tuple[ConstraintSpec, int]]] = {}
        self._typed_by_label: dict[int, list[tuple[ConstraintSpec, int, DataType]]] = {}
        self._unique_by_label: dict[int, list[tuple[ConstraintSpec, int, tuple[int, ...]]]] = {}

    # -------------------------------------------------------------------------- lifecycle

    def open(self, ctx: EngineContext) -> None:
        """Open (creating) the RocksDB database in the data directory; RocksDB replays its WAL,
        so everything committed is there."""
        directory = Path(ctx.data_directory)
        directory.mkdir(parents=True, exist_ok=True)
        check_marker(directory, self.name, FORMAT_VERSION)
        settings = ctx.settings
        self._ctx = ctx
        self._directory = directory
        self._properties_on_edges = setting_bool(settings.get("storage_properties_on_edges"), True)
        self._tx_memory_limit = (
            int(setting(settings, "storage_on_disk_transaction_memory_mib")) * MIB
        )
        self._retention = int(settings.get("storage_snapshot_retention_count") or 3)
        level = settings.get("isolation_level")
        if level is not None and IsolationLevel.parse(str(level)) is not \
                IsolationLevel.SNAPSHOT_ISOLATION:
            ctx.log.warning("%s The isolation level setting %s is ignored.",
                            ISOLATION_MESSAGE, level)
        self._store = Store(
            directory / DB_DIR,
            block_cache=int(setting(settings, "storage_on_disk_block_cache_mib")) * MIB,
            write_buffers=int(setting(settings, "storage_on_disk_write_buffer_mib")) * MIB,
            fsync=str(settings.get("storage_wal_fsync") or "always"),
        )
        self._catalog = Catalog(self._store)
        self._schema.recover()

    def close(self) -> None:
        """Roll back open transactions, sync the WAL and close RocksDB."""
        for tx in list(self._transactions.values()):
            tx.rollback()
        store = self._store
        if store is not None:
            self._store = None
            store.close()

    @property
    def store(self) -> Store:
        if self._store is None:
            raise TransactionClosedError("The storage engine is closed.")
        return self._store

    # ------------------------------------------------------------------------ transactions

    def begin(self, isolation: IsolationLevel | None = None,
              read_only: bool = False) -> DiskTransaction:
        """A transaction reading the data committed before it began."""
        if isolation is not None and isolation is not IsolationLevel.SNAPSHOT_ISOLATION:
            raise UnsupportedOperation(ISOLATION_MESSAGE)
        store = self.store
        with self._commit_lock:
            tx = DiskTransaction(self, self._catalog.ts, store.iterators(), self._lp_indexes,
                                 self._label_indexes, read_only)
            self._transactions[id(tx)] = tx
        return tx

    def _finished(self, tx: DiskTransaction) -> None:
        """``tx`` ended without committing (or after its commit was applied)."""
        with self._commit_lock:
            self._transactions.pop(id(tx), None)
            self._recent.forget_before(self._oldest_start())

    def _oldest_start(self) -> int | None:
        """Start timestamp of the oldest running transaction (None: none runs)."""
        running = self._transactions
        return min(tx.start_ts for tx in running.values()) if running else None

    def _commit(self, tx: DiskTransaction) -> None:
        """Validate ``tx`` and apply its writes in one batch (module docstring)."""
        vs, es, touched = tx._written()
        if not vs and not es:
            tx._release()
            self._finished(tx)
            return
        store = self.store
        catalog = self._catalog
        with self._commit_lock:
            if self._recent.conflicts(tx.start_ts, touched, es):
                raise SerializationError()
            unique = self._check_constraints(vs)
            ts = catalog.ts + 1
            stats = Stats(catalog.stats.nodes, catalog.stats.relationships,
                          dict(catalog.stats.labels), dict(catalog.stats.types),
                          set(catalog.stats.properties), dict(catalog.stats.index_entries))
            batch = store.batch()
            self._write_vertices(batch, vs, ts, stats, unique)
            self._write_edges(batch, tx, ts, stats)
            stats.properties |= tx._pids
            meta = store.handle["meta"]
            catalog.ts = ts
            try:
                batch.put(COUNTERS, catalog.counters(), meta)
                batch.put(STATS, stats.pack(), meta)
                seq = store.write(batch)
            except BaseException:
                catalog.ts = ts - 1
                raise
            catalog.stats = stats
            self._transactions.pop(id(tx), None)
            self._recent.record(ts, touched, es, self._oldest_start())
        tx._release()
        store.committer.wait(seq)
        garbage = self._garbage
        if garbage and max(garbage.values()) >= COMPACT_AFTER:
            self._collect_garbage()

    def _collect_garbage(self) -> None:
        """Start a full compaction of a family in which more keys were deleted since its last
        one than it holds live (at least ``COMPACT_AFTER``): RocksDB drops an old version only
        when a compaction rewrites the file holding it, and a file moved to the last level
        unchanged keeps its deletion markers, so without this, rewrites of the same data could
        leave disk use growing. The cost is proportional to the family, so amortised over the
        deletions that triggered it."""
        stats = self._catalog.stats
        with self._commit_lock:
            for family, deleted in self._garbage.items():
                live = stats.relationships if family in ("out", "in", "edge") else stats.nodes
                if deleted >= max(COMPACT_AFTER, live) and self.store.compact_in_background(
                        family):
                    self._garbage[family] = 0
                    return

    def _entries(self, gid: int, labels: tuple[int, ...], blob: bytes | None,
                 out: dict[tuple[str, bytes], bytes]) -> None:
        """Add the label and label+property index entries of a vertex version to ``out``."""
        if not labels:
            return
        label_indexes = self._label_indexes
        by_label = self._lp_by_label
        data: dict[int, Any] | None = None
        for lid in labels:
            if lid in label_indexes:
                out[("label", label_key(lid, gid))] = b""
            specs = by_label.get(lid)
            if specs:
                if data is None:
                    data = _unpackb(blob, strict_map_key=False, ext_hook=_ext_hook) if blob else {}
                for iid, pids in specs:
                    values = [data.get(p) for p in pids]
                    if None not in values:
                        out[("label_property", id_bytes(iid) + index_key(values, gid))] = b""

    def _unique_keys(
        self, labels: tuple[int, ...], blob: bytes | None
    ) -> dict[bytes, ConstraintSpec]:
        """The uniqueness entries (key -> constraint) a vertex version claims."""
        found: dict[bytes, ConstraintSpec] = {}
        if not labels or not self._unique_by_label:
            return found
        data: dict[int, Any] | None = None
        for lid in labels:
            for spec, cid, pids in self._unique_by_label.get(lid, ()):
                if data is None:
                    data = _unpackb(blob, strict_map_key=False, ext_hook=_ext_hook) if blob else {}
                values = [data.get(p) for p in pids]
                if None not in values:
                    found[id_bytes(cid) + key_prefix(values)] = spec
        return found

    def _check_constraints(
        self, vs: Mapping[int, VState]
    ) -> dict[int, tuple[dict[bytes, ConstraintSpec], dict[bytes, ConstraintSpec]]]:
        """Check data types, existence and uniqueness for the vertices ``vs`` wrote, against the
        newest committed data; returns each vertex's (old, new) uniqueness entries. A data type
        constraint (Memgraph's on-disk mode has none) is checked like existence: each property
        it names that a written vertex with its label holds is of its type."""
        exists = self._exists_by_label
        typed = self._typed_by_label
        claims: dict[int, tuple[dict[bytes, ConstraintSpec], dict[bytes, ConstraintSpec]]] = {}
        if not exists and not typed and not self._unique_by_label:
            return claims
        for w in vs.values():
            if w.deleted:
                if not w.created and self._unique_by_label:
                    claims[w.gid] = (self._unique_keys(w.orig_labels, w.orig_blob), {})
                continue
            if exists or typed:
                data = None
                for lid in w.labels:
                    for spec, pid, data_type in typed.get(lid, ()):
                        if data is None:
                            data = _unpackb(
                                w.blob, strict_map_key=False, ext_hook=_ext_hook
                            ) if w.blob else {}
                        value = data.get(pid)
                        if value is not None and not data_type.accepts(value):
                            raise type_violation(spec)
                    for spec, pid in exists.get(lid, ()):
                        if data is None:
                            data = _unpackb(
                                w.blob, strict_map_key=False, ext_hook=_ext_hook
                            ) if w.blob else {}
                        if pid not in data:
                            raise ConstraintViolation(
                                "Unable to commit due to existence constraint violation on "
                                f"{describe(spec)}"
                            )
            if self._unique_by_label:
                old = {} if w.created else self._unique_keys(w.orig_labels, w.orig_blob)
                claims[w.gid] = (old, self._unique_keys(w.labels, w.blob))
        if claims:
            unique_cf = self.store.cf["unique"]
            released = {key for old, new in claims.values() for key in old if key not in new}
            claimed: dict[bytes, int] = {}
            for gid, (old, new) in claims.items():
                for key, spec in new.items():
                    other = claimed.get(key)
                    if other is not None and other != gid:
                        raise _unique_violation(spec)
                    claimed[key] = gid
                    if key in old or key in released:
                        continue
                    holder = unique_cf.get(key)
                    if holder is not None and GID.unpack(holder)[0] != gid:
                        raise _unique_violation(spec)
        return claims

    def _write_vertices(self, batch: Any, vs: Mapping[int, VState], ts: int, stats: Stats,
                        unique: Mapping[int, tuple[dict[bytes, Any], dict[bytes, Any]]]) -> None:
        h = self.store.handle
        hv = h["vertex"]
        garbage = self._garbage
        labels_delta: Counter[int] = Counter()
        entries_delta: Counter[int] = Counter()
        for w in vs.values():
            gid = w.gid
            if w.created and w.deleted:
                continue
            old: dict[tuple[str, bytes], bytes] = {}
            new: dict[tuple[str, bytes], bytes] = {}
            if not w.created:
                self._entries(gid, w.orig_labels, w.orig_blob, old)
                batch.delete(w.orig_key, hv)
                garbage["vertex"] += 1
                labels_delta.subtract(w.orig_labels)
            if w.deleted:
                stats.nodes -= 1
            else:
                if w.created:
                    stats.nodes += 1
                batch.put(vertex_key(gid, w.labels, ts), w.blob or b"", hv)
                self._entries(gid, w.labels, w.blob, new)
                labels_delta.update(w.labels)
            for family, key in old.keys() - new.keys():
                batch.delete(key, h[family])
                garbage[family] += 1
                if family == "label_property":
                    entries_delta[_index_id(key)] -= 1
            for family, key in new.keys() - old.keys():
                batch.put(key, b"", h[family])
                if family == "label_property":
                    entries_delta[_index_id(key)] += 1
            claims = unique.get(gid)
            if claims is not None:
                old_u, new_u = claims
                hu = h["unique"]
                for key in old_u.keys() - new_u.keys():
                    batch.delete(key, hu)
                    garbage["unique"] += 1
                for key in new_u.keys() - old_u.keys():
                    batch.put(key, GID.pack(gid), hu)
        for lid, n in labels_delta.items():
            if n:
                stats.labels[lid] = stats.labels.get(lid, 0) + n
        for iid, n in entries_delta.items():
            if n:
                stats.index_entries[iid] = stats.index_entries.get(iid, 0) + n

    def _write_edges(self, batch: Any, tx: DiskTransaction, ts: int, stats: Stats) -> None:
        h = self.store.handle
        h_out, h_in, h_edge = h["out"], h["in"], h["edge"]
        garbage = self._garbage
        types = stats.types
        for e in tx._es.values():
            if e.created:
                if e.deleted:
                    continue
                batch.put(out_key(e.src, e.type, e.dst, e.gid, ts), e.blob or b"", h_out)
                batch.put(in_key(e.dst, e.type, e.src, e.gid), b"", h_in)
                batch.put(GID.pack(e.gid), edge_locator(e.src, e.type, e.dst), h_edge)
                stats.relationships += 1
                types[e.type] = types.get(e.type, 0) + 1
            elif e.deleted:
                batch.delete(e.orig_key, h_out)
                batch.delete(in_key(e.dst, e.type, e.src, e.gid), h_in)
                batch.delete(GID.pack(e.gid), h_edge)
                garbage["out"] += 1
                garbage["in"] += 1
                garbage["edge"] += 1
                stats.relationships -= 1
                types[e.type] = types.get(e.type, 0) - 1
            else:
                batch.delete(e.orig_key, h_out)
                garbage["out"] += 1
                batch.put(out_key(e.src, e.type, e.dst, e.gid, ts), e.blob or b"", h_out)

    # ------------------------------------------------------------------------ schema views

    def _publish_schema(self) -> None:
        """Rebuild the schema views from the catalog (after DDL, under the commit lock)."""
        catalog = self._catalog
        lp: dict[IndexSpec, int] = {}
        labels: dict[int, IndexSpec] = {}
        by_label: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        for spec, iid in catalog.indexes.items():
            lid = catalog.label_id(spec.label)
            if spec.properties:
                lp[spec] = iid
                pids = tuple(catalog.property_id(p) for p in spec.properties)
                by_label.setdefault(lid, []).append((iid, pids))
            else:
                labels[lid] = spec
        exists: dict[int, list[tuple[ConstraintSpec, int]]] = {}
        typed: dict[int, list[tuple[ConstraintSpec, int, DataType]]] = {}
        unique: dict[int, list[tuple[ConstraintSpec, int, tuple[int, ...]]]] = {}
        for constraint, cid in catalog.constraints.items():
            lid = catalog.label_id(constraint.label)
            pids = tuple(catalog.property_id(p) for p in constraint.properties)
            if constraint.kind is ConstraintKind.EXISTS:
                exists.setdefault(lid, []).append((constraint, pids[0]))
            elif constraint.kind is ConstraintKind.TYPE:
                assert constraint.data_type is not None
                typed.setdefault(lid, []).append((constraint, pids[0], constraint.data_type))
            else:
                unique.setdefault(lid, []).append((constraint, cid, pids))
        self._lp_indexes = lp
        self._label_indexes = labels
        self._lp_by_label = by_label
        self._exists_by_label = exists
        self._typed_by_label = typed
        self._unique_by_label = unique

    @property
    def schema(self) -> DiskSchema:
        return self._schema

    # ---------------------------------------------------------------------- information

    def statistics(self) -> GraphStatistics:
        """Counts of committed data, kept exact by every commit."""
        catalog = self._catalog
        stats = catalog.stats
        labels = catalog.labels.names
        types = catalog.types.names
        props = catalog.properties.names
        index_stats: dict[IndexSpec, IndexStatistics] = {}
        for spec, iid in catalog.indexes.items():
            if spec.properties:
                n = stats.index_entries.get(iid, 0)
            else:
                n = stats.labels.get(catalog.labels.ids.get(spec.label, -1), 0)
            index_stats[spec] = IndexStatistics(n, max(1, n) if spec.properties else 1)
        return GraphStatistics(
            node_count=stats.nodes,
            relationship_count=stats.relationships,
            label_counts={labels[k]: n for k, n in stats.labels.items() if n},
            type_counts={types[k]: n for k, n in stats.types.items() if n},
            property_keys=frozenset(props[k] for k in stats.properties),
            index_stats=index_stats,
        )

    def info(self) -> list[tuple[str, Any]]:
        """Engine rows of SHOW STORAGE INFO, named as Memgraph names them (the kernel adds the
        generic ones, disk usage among them)."""
        stats = self._catalog.stats
        nodes, rels = stats.nodes, stats.relationships
        return [
            ("vertex_count", nodes),
            ("edge_count", rels),
            ("average_degree", 2 * rels / nodes if nodes else 0.0),
            ("isolation_level", IsolationLevel.SNAPSHOT_ISOLATION.value),
        ]

    def set_isolation_level(self, level: IsolationLevel) -> None:
        """Only snapshot isolation exists on disk (Memgraph's message for any other)."""
        if level is not IsolationLevel.SNAPSHOT_ISOLATION:
            raise UnsupportedOperation(SET_ISOLATION_MESSAGE)

    def free_memory(self) -> None:
        """Nothing to collect: old versions are RocksDB's to compact."""
        return None

    def create_snapshot(self) -> str:
        """A RocksDB checkpoint of the committed data in ``snapshots/``; older ones beyond
        ``storage_snapshot_retention_count`` are removed."""
        assert self._directory is not None
        if not self._snapshot_lock.acquire(blocking=False):
            raise ClientError("Another snapshot creation is already in progress")
        try:
            root = self._directory / SNAPSHOT_DIR
            root.mkdir(exist_ok=True)
            with self._commit_lock:
                ts = self._catalog.ts
                if ts == self._snapshot_ts:
                    raise ClientError("Nothing has been written since the last snapshot")
                stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
                target = root / f"{stamp}_timestamp_{ts}"
                n = 1
                while target.exists():
                    n += 1
                    target = root / f"{stamp}_timestamp_{ts}_{n}"
                self.store.checkpoint(target)
                self._snapshot_ts = ts
            kept = sorted(
                (p for p in root.iterdir() if p.is_dir() and not p.name.endswith(".tmp")),
                key=lambda p: p.stat().st_mtime_ns,
            )
            for old in kept[: max(0, len(kept) - self._retention)]:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            self._snapshot_lock.release()
        if self._ctx is not None:
            self._ctx.events.snapshot_created(str(target))
        return str(target)


def _unique_violation(spec: ConstraintSpec) -> ConstraintViolation:
    return ConstraintViolation(
        f"Unable to commit due to unique constraint violation on {describe(spec)}"
    )


def _index_id(key: bytes) -> int:
    return int.from_bytes(key[:4], "big")

