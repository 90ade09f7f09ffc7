"""Durability of IN_MEMORY_TRANSACTIONAL: commit records, the WAL, snapshots and recovery.

Data directory layout (Memgraph's): ``snapshots/`` (files named by ``snapshot_file_name``),
``wal/`` (files named by ``wal_file_name``, sequence numbers in a chain), ``.backup/`` (what an
open with ``data_recovery_on_startup=false`` or a WAL-less open set aside, never deleted by us).
The ``.lock`` file against a second process is the kernel's (``mgcore.database``).

Commit path (``InMemoryTransactionalEngine._commit``):

1. Outside the write latch, ``encode_ops`` turns the transaction's undo deltas into the net
   effect as commit-record operations with names, not ids (``mgcore.storage.records.Op``), already
   msgpack-encoded. Nobody else can change the objects meanwhile: the transaction's running
   deltas head their chains, so every other writer loses its conflict check.
2. Under the latch, after the commit timestamp is taken and *before* the commit is published,
   ``log_commit`` writes the record to the OS (``GroupCommitter.write``): WAL order is commit
   order, and a failed write (disk full) raises ``StorageError`` with nothing published, so the
   engine rolls the transaction back and what is committed stays intact (the kit cuts the file
   back to the previous record).
3. After the latch, ``commit()`` waits for the ticket: under the default fsync policy
   ``always`` it returns only once an ``fdatasync`` covering the record has finished; concurrent
   commits share one sync (group commit). ``batch`` acknowledges once the record is in the OS
   (a process crash loses nothing) and syncs within 50 ms; ``never`` syncs at rotation and close.

Visibility may therefore precede durability by one group-commit round: a reader that starts
after step 2 sees the commit while its ``fdatasync`` is still running. That is safe because the
WAL is one sequential chain and each sync covers every byte written before it (rotation syncs the
old file before the new one is used): a commit that read the not-yet-durable one is written
*after* it, so it can never be durable without its predecessor; a crash loses an unacknowledged
suffix of the chain, never a hole. A failed ``fdatasync`` makes the WAL unusable (the OS may have
dropped the pages): the commits waiting on it and every later one fail with ``StorageError``, and
the database must be restarted (PostgreSQL's lesson from "fsyncgate").

Timestamps: a commit record carries its commit timestamp; a snapshot made by a transaction that
started at ``S`` holds every commit with a timestamp below ``S`` (and is named after ``S``), so
recovery replays WAL records with timestamps ``>= S``. Schema DDL (``_log_schema_change``) gets a
timestamp of its own and a record of its own; replaying DDL is idempotent, so it does not matter
whether a snapshot that raced with it saw it. Each WAL file's header records ``start_ts``: every
record of an earlier file has a smaller timestamp, which is what lets retention delete the WAL
files a snapshot covers wholly.
"""

from __future__ import annotations

import gc
import itertools
import logging
import shutil
import threading
import time
import uuid as uuid_module
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgcore.errors import ClientError
from mgcore.storage.errors import StorageError
from mgcore.storage.kit import serde
from mgcore.storage.kit.settings import setting_bool, setting_int
from mgcore.storage.kit.snapshot import apply_retention, list_snapshots
from mgcore.storage.kit.wal import (
    CommitTicket,
    FsyncPolicy,
    GroupCommitter,
    WalHeader,
    WalReader,
    WalWriter,
    read_wal_header,
    remove_temporary_files,
    truncate_torn_tail,
    wal_file_name,
)
from mgcore.storage.records import ConstraintSpec, IndexSpec, Op
from mgcore_engine_in_memory_tx.constraints import constraint_from_record, constraint_record
from mgcore_engine_in_memory_tx.objects import (
    ADD_LABEL,
    DELETE_OBJECT,
    DELETED,
    RECREATE_OBJECT,
    REMOVE_LABEL,
    SET_PROPERTY,
    Delta,
    Edge,
    Vertex,
    adj_add,
    adj_remove,
    share_blob,
)
from mgcore_engine_in_memory_tx.snapshot_io import (
    SchemaSpec,
    load_snapshot,
    reset_store,
    write_snapshot,
)

if TYPE_CHECKING:
    from mgcore.storage.protocol import EngineContext
    from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine

log = logging.getLogger(__name__)

SNAPSHOT_DIR = "snapshots"
WAL_DIR = "wal"
BACKUP_DIR = ".backup"

_pack = serde.pack
_unpack = serde.unpack

_CREATE_NODE = int(Op.CREATE_NODE)
_DELETE_NODE = int(Op.DELETE_NODE)
_ADD_LABEL = int(Op.ADD_LABEL)
_REMOVE_LABEL = int(Op.REMOVE_LABEL)
_SET_NODE_PROPERTY = int(Op.SET_NODE_PROPERTY)
_CREATE_RELATIONSHIP = int(Op.CREATE_RELATIONSHIP)
_DELETE_RELATIONSHIP = int(Op.DELETE_RELATIONSHIP)
_SET_RELATIONSHIP_PROPERTY = int(Op.SET_RELATIONSHIP_PROPERTY)
_SCHEMA_OPS = {int(Op.CREATE_INDEX), int(Op.DROP_INDEX), int(Op.CREATE_CONSTRAINT),
               int(Op.DROP_CONSTRAINT)}


FREEZE_THRESHOLD = 100_000
"""Recovered nodes plus relationships from which the recovered graph is frozen out of the
cyclic GC's reach (below it, a full collection is cheap anyway)."""

# ------------------------------------------------------------------------- commit records


def _props_by_name(blob: Any, names: list[str]) -> dict[str, Any]:
    if blob is None or blob is DELETED:
        return {}
    return {names[k]: v for k, v in _unpack(blob).items()}


def _label_ops(gid: int, before: tuple[str, ...], after: tuple[str, ...]) -> list[list[Any]]:
    """Removals then additions turning ``before`` into exactly ``after`` (order included: a
    removal keeps the order of the rest, an addition appends)."""
    if before == after:
        return []
    kept = [x for x in before if x in after]
    j = 0
    while j < len(kept) and j < len(after) and kept[j] == after[j]:
        j += 1
    keep = set(after[:j])
    ops: list[list[Any]] = [[_REMOVE_LABEL, gid, x] for x in before if x not in keep]
    ops += [[_ADD_LABEL, gid, x] for x in after[j:]]
    return ops


def _property_ops(
    keys: dict[Any, set[int]], created: dict[Any, None], names: list[str],
    cls: type[Vertex] | type[Edge], code: int
) -> list[list[Any]]:
    """``code`` ops setting the changed ``keys`` of the objects of class ``cls`` that existed
    before the commit and still exist (a created object's ops carry all its properties)."""
    ops = []
    for obj, kids in keys.items():
        if obj in created or obj.props is DELETED or obj.__class__ is not cls:
            continue
        values = _unpack(obj.props) if obj.props is not None else {}
        gid = obj.gid
        for k in sorted(kids):
            ops.append([code, gid, names[k], values.get(k)])
    return ops


def encode_ops(deltas: list[Delta], names: list[str]) -> bytes | None:
    """The net effect of a transaction's ``deltas`` as msgpack-encoded commit-record operations
    (None when nothing changed). Order makes replay valid: node creations, node label and
    property changes, relationship creations and property changes, relationship deletions, node
    deletions. Only the owner may call it (see the module docstring)."""
    created: dict[Any, None] = {}
    removed: dict[Any, None] = {}
    labels_before: dict[Vertex, tuple[str, ...]] = {}
    keys: dict[Any, set[int]] = {}
    for d in deltas:
        action = d.action
        if action == SET_PROPERTY:
            owner = d.owner
            touched = keys.get(owner)
            if touched is None:
                keys[owner] = {d.key}
            else:
                touched.add(d.key)
        elif action == DELETE_OBJECT:
            created[d.owner] = None
        elif action in (ADD_LABEL, REMOVE_LABEL):
            if d.owner not in labels_before:
                labels_before[d.owner] = d.value
        elif action == RECREATE_OBJECT:
            removed[d.owner] = None
    ops: list[list[Any]] = []
    new_edges = []
    for obj in created:
        if obj.props is DELETED:
            continue
        if obj.__class__ is Vertex:
            ops.append([_CREATE_NODE, obj.gid, list(obj.labels), _props_by_name(obj.props, names)])
        else:
            new_edges.append(obj)
    for v, before in labels_before.items():
        if v not in created and v.props is not DELETED:
            ops += _label_ops(v.gid, before, v.labels)
    ops += _property_ops(keys, created, names, Vertex, _SET_NODE_PROPERTY)
    for e in new_edges:
        ops.append([_CREATE_RELATIONSHIP, e.gid, e.type, e.start.gid, e.end.gid,
                    _props_by_name(e.props, names)])
    ops += _property_ops(keys, created, names, Edge, _SET_RELATIONSHIP_PROPERTY)
    gone = [obj for obj in removed if obj not in created]
    ops += [[_DELETE_RELATIONSHIP, e.gid] for e in gone if e.__class__ is Edge]
    ops += [[_DELETE_NODE, v.gid] for v in gone if v.__class__ is Vertex]
    if not ops:
        return None
    return _pack(ops)


def record_payload(ts: int, encoded_ops: bytes) -> bytes:
    """A commit record ``[ts, ops]`` (``serde.unpack_commit_record`` reads it) around ops that
    ``encode_ops`` already encoded: the only work done under the write latch."""
    return b"\x92" + _pack(ts) + encoded_ops


def schema_op(action: str, spec: IndexSpec | ConstraintSpec) -> list[Any]:
    """The commit-record operation of one schema change."""
    if isinstance(spec, IndexSpec):
        op = Op.CREATE_INDEX if action == "create" else Op.DROP_INDEX
        return [int(op), spec.label, list(spec.properties)]
    op = Op.CREATE_CONSTRAINT if action == "create" else Op.DROP_CONSTRAINT
    return [int(op), *constraint_record(spec)]



# ------------------------------------------------------------------------------- replay


class Replayer:
    """Applies commit records straight to an engine's store (recovery; no transactions, no
    deltas): the one place that knows how a record changes the store."""

    def __init__(self, engine: InMemoryTransactionalEngine, schema: dict[SchemaSpec, None]) -> None:
        self.engine = engine
        self.schema = schema
        self.vertices = engine._vertices
        self.edges = engine._edges

    def _blob(self, props: Mapping[str, Any] | None) -> bytes | None:
        if not props:
            return None
        key_id = self.engine._key_id
        data = {key_id(k): v for k, v in props.items() if v is not None}
        return share_blob(self.engine._blobs, _pack(data)) if data else None

    def _vertex(self, gid: int, ts: int) -> Vertex:
        v = self.vertices[gid] if 0 <= gid < len(self.vertices) else None
        if v is None:
            raise StorageError(f"commit record {ts} refers to node {gid}, which does not exist")
        return v

    def _edge(self, gid: int, ts: int) -> Edge:
        e = self.edges[gid] if 0 <= gid < len(self.edges) else None
        if e is None:
            raise StorageError(
                f"commit record {ts} refers to relationship {gid}, which does not exist"
            )
        return e

    @staticmethod
    def _place(objs: list[Any], gid: int, obj: Any) -> None:
        if gid >= len(objs):
            objs.extend([None] * (gid + 1 - len(objs)))
        objs[gid] = obj

    def _set(self, obj: Vertex | Edge, key: str, value: Any) -> None:
        data = _unpack(obj.props) if obj.props is not None else {}
        kid = self.engine._key_id(key)
        if value is None:
            data.pop(kid, None)
        else:
            data[kid] = value
        obj.props = share_blob(self.engine._blobs, _pack(data)) if data else None

    def apply(self, ts: int, ops: list[Any]) -> None:
        """Apply the operations of the record committed at ``ts``."""
        engine = self.engine
        for op in ops:
            code = op[0]
            if code == _CREATE_NODE:
                gid = op[1]
                labels = engine._intern_labels(tuple(op[2])) if len(op) > 2 else ()
                blob = self._blob(op[3]) if len(op) > 3 else None
                self._place(self.vertices, gid, Vertex(gid, labels, blob))
            elif code == _SET_NODE_PROPERTY:
                self._set(self._vertex(op[1], ts), op[2], op[3])
            elif code == _ADD_LABEL:
                v = self._vertex(op[1], ts)
                if op[2] not in v.labels:
                    v.labels = engine._intern_labels((*v.labels, op[2]))
            elif code == _REMOVE_LABEL:
                v = self._vertex(op[1], ts)
                v.labels = engine._intern_labels(tuple(x for x in v.labels if x != op[2]))
            elif code == _CREATE_RELATIONSHIP:
                gid = op[1]
                a = self._vertex(op[3], ts)
                b = self._vertex(op[4], ts)
                blob = self._blob(op[5]) if len(op) > 5 else None
                e = Edge(gid, engine._intern_type(op[2]), a, b, blob)
                self._place(self.edges, gid, e)
                a.out_e = adj_add(a.out_e, e)
                b.in_e = adj_add(b.in_e, e)
            elif code == _SET_RELATIONSHIP_PROPERTY:
                self._set(self._edge(op[1], ts), op[2], op[3])
            elif code == _DELETE_RELATIONSHIP:
                e = self._edge(op[1], ts)
                e.start.out_e = adj_remove(e.start.out_e, e)
                e.end.in_e = adj_remove(e.end.in_e, e)
                self.edges[e.gid] = None
            elif code == _DELETE_NODE:
                v = self._vertex(op[1], ts)
                if v.out_e is not None or v.in_e is not None:
                    raise StorageError(
                        f"commit record {ts} deletes node {v.gid}, which has relationships"
                    )
                self.vertices[v.gid] = None
            elif code in _SCHEMA_OPS:
                self._schema(code, op)
            else:
                raise StorageError(f"commit record {ts} has an unknown operation {code!r}")

    def _schema(self, code: int, op: list[Any]) -> None:
        spec: SchemaSpec
        if code in (Op.CREATE_INDEX, Op.DROP_INDEX):
            spec = IndexSpec(op[1], tuple(op[2]))
        else:
            spec = constraint_from_record(*op[1:])
        if code in (Op.CREATE_INDEX, Op.CREATE_CONSTRAINT):
            self.schema[spec] = None
        else:
            self.schema.pop(spec, None)


def recount(engine: InMemoryTransactionalEngine) -> None:
    """Recompute the committed counts after recovery (property keys: every interned one, an
    over-estimate the statistics contract allows)."""
    labels: dict[str, int] = {}
    nodes = 0
    by_set: dict[tuple[str, ...], int] = {}
    for v in engine._vertices:
        if v is not None:
            nodes += 1
            by_set[v.labels] = by_set.get(v.labels, 0) + 1
    for label_set, count in by_set.items():
        for label in label_set:
            labels[label] = labels.get(label, 0) + count
    types: dict[str, int] = {}
    rels = 0
    for e in engine._edges:
        if e is not None:
            rels += 1
            types[e.type] = types.get(e.type, 0) + 1
    engine._node_count = nodes
    engine._rel_count = rels
    engine._label_counts = labels
    engine._type_counts = types
    engine._keys_used = set(range(len(engine._key_names)))


# ---------------------------------------------------------------------------- durability


class Durability:
    """The durable side of one open engine: recovery, the WAL committer, snapshots."""

    def __init__(self, engine: InMemoryTransactionalEngine, ctx: EngineContext) -> None:
        settings = ctx.settings
        self.engine = engine
        self.events = ctx.events
        self.log = ctx.log if ctx.log is not None else log
        self.directory = Path(ctx.data_directory)
        self.snapshot_dir = self.directory / SNAPSHOT_DIR
        self.wal_dir = self.directory / WAL_DIR
        self.wal_enabled = setting_bool(settings.get("storage_wal_enabled"), True)
        policy = str(settings.get("storage_wal_fsync") or "always").strip().lower()
        if policy not in ("always", "batch", "never"):
            raise StorageError(
                f"storage_wal_fsync must be always, batch or never, not {policy!r}"
            )
        self.fsync: FsyncPolicy = policy  # type: ignore[assignment]
        self.wal_file_size = 1024 * setting_int(settings.get("storage_wal_file_size_kib"), 20480)
        self.snapshot_interval = float(
            setting_int(settings.get("storage_snapshot_interval_sec"), 300)
        )
        self.retention = max(1, setting_int(settings.get("storage_snapshot_retention_count"), 3))
        self.snapshot_on_exit = setting_bool(settings.get("storage_snapshot_on_exit"), True)
        self.recover_on_startup = setting_bool(settings.get("data_recovery_on_startup"), True)
        self.uuid = str(uuid_module.uuid4())
        self.committer: GroupCommitter | None = None
        self._next_sequence = 0
        self._changes = 0
        """Commits and schema changes logged so far (under the engine's write latch)."""
        self._snapshot_changes: int | None = None
        """``_changes`` when the last snapshot began (or recovery ended); None: no snapshot yet."""
        self._snapshot_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._froze = False

    # ------------------------------------------------------------------------- opening

    def open(self) -> None:
        """Recover (or set old files aside), then start the WAL and the periodic snapshots."""
        for sub in (self.snapshot_dir, self.wal_dir):
            sub.mkdir(parents=True, exist_ok=True)
            remove_temporary_files(sub)
        if self.recover_on_startup:
            self._recover_without_cyclic_gc()
        else:
            self._set_aside([self.snapshot_dir, self.wal_dir], "data_recovery_on_startup=false")
        self._start()

    def adopt(self, uuid: str) -> None:
        """``open`` for a store taken over from another in-memory engine (``STORAGE MODE``):
        no recovery; keep the store's storage ``uuid`` and continue its WAL chain after the
        files already there, then start the WAL and the periodic snapshots."""
        for sub in (self.snapshot_dir, self.wal_dir):
            sub.mkdir(parents=True, exist_ok=True)
            remove_temporary_files(sub)
        self.uuid = uuid
        headers = _wal_headers(self.wal_dir, self.log)
        mine = [h for h in headers if h.uuid == uuid] or headers
        self._next_sequence = mine[-1].sequence + 1 if mine else 0
        self._start()

    def _start(self) -> None:
        """Start the WAL committer and the periodic snapshot thread (as configured)."""
        if self.wal_enabled:
            writer = self._new_wal_file()
            self.committer = GroupCommitter(
                writer,
                fsync=self.fsync,
                max_file_size=self.wal_file_size,
                rotate=lambda old: self._new_wal_file(),
                name="mgcore-imt-wal",
            )
        if self.snapshot_interval > 0:
            self._thread = threading.Thread(
                target=self._periodic, name="mgcore-imt-snapshots", daemon=True
            )
            self._thread.start()

    def _set_aside(self, directories: list[Path], why: str) -> None:
        """Move the files of ``directories`` into ``.backup/<time>/`` (never deleted by us)."""
        files = []
        for directory in directories:
            if directory.is_dir():
                files += [p for p in directory.iterdir() if p.is_file()]
        self._set_aside_files(files, why)

    def _set_aside_files(self, files: list[Path], why: str) -> None:
        if not files:
            return
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        for path in files:
            target = self.directory / BACKUP_DIR / stamp / path.parent.name
            target.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), target / path.name)
        self.log.warning(
            "%s: %d durability file(s) of %s moved to %s", why, len(files), self.directory,
            self.directory / BACKUP_DIR / stamp,
        )

    def _new_wal_file(self) -> WalWriter:
        """The next WAL file of the chain; its ``start_ts`` bounds every earlier record."""
        sequence = self._next_sequence
        self._next_sequence += 1
        path = self.wal_dir / wal_file_name(sequence)
        return WalWriter.create(
            path, uuid=self.uuid, sequence=sequence, metadata={"start_ts": self.engine._ts}
        )

    # ------------------------------------------------------------------------ recovery

    def _recover_without_cyclic_gc(self) -> None:
        """Recover with the cyclic GC off: loading creates millions of objects and nothing to
        collect, and the collections they trigger tripled the load time. A large recovered graph
        is then frozen (``gc.freeze``): it lives as long as the database, so later full
        collections need not traverse it; ``close`` unfreezes it."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._recover()
        finally:
            if enabled:
                gc.enable()
        engine = self.engine
        if engine._node_count + engine._rel_count >= FREEZE_THRESHOLD:
            gc.freeze()
            self._froze = True

    def _recover(self) -> None:
        engine = self.engine
        started = time.perf_counter()
        schema: dict[SchemaSpec, None] = {}
        snapshot_ts = 0
        loaded = None
        for snap in list_snapshots(self.snapshot_dir):
            try:
                info = load_snapshot(engine, snap.path)
            except StorageError as exc:
                self.log.warning("snapshot %s cannot be loaded (%s); trying an older one",
                                 snap.path, exc)
                reset_store(engine)
                continue
            loaded = snap.path
            self.uuid = info.uuid
            snapshot_ts = info.timestamp
            schema = dict.fromkeys(info.schema)
            break
        else:
            if list_snapshots(self.snapshot_dir):
                raise StorageError(
                    f"no snapshot in {self.snapshot_dir} can be loaded; recovery failed "
                    "(move the damaged files away to start from the WAL alone)"
                )
        last_ts = snapshot_ts - 1
        replayed = 0
        if self.wal_enabled:
            last_ts, replayed = self._replay_wal(snapshot_ts, loaded is not None, schema, last_ts)
        else:
            self._set_aside([self.wal_dir], "storage_wal_enabled=false")
        engine._ts = max(engine._ts, snapshot_ts, last_ts + 1)
        recount(engine)
        self._recreate_schema(schema)
        if loaded is not None or replayed:
            # a snapshot now would repeat the loaded one unless the WAL added something
            self._snapshot_changes = 0
            self._changes = 1 if replayed else 0
        if loaded is not None or replayed:
            self.log.info(
                "recovered %d nodes and %d relationships from %s and %d WAL record(s) in %.2f s",
                engine._node_count, engine._rel_count, loaded or "no snapshot", replayed,
                time.perf_counter() - started,
            )

    def _wal_chain(self, snapshot_ts: int, have_snapshot: bool) -> list[WalHeader]:
        headers = _wal_headers(self.wal_dir, self.log)
        if not headers:
            return []
        uuid = self.uuid if have_snapshot else headers[-1].uuid
        foreign = [h for h in headers if h.uuid != uuid]
        if foreign:
            self._set_aside_files([h.path for h in foreign], "WAL files of another storage uuid")
        chain = [h for h in headers if h.uuid == uuid]
        if not chain:
            return []
        self.uuid = uuid
        # drop files the snapshot covers wholly (the next file starts at or before it)
        if have_snapshot:
            while len(chain) > 1 and chain[1].metadata.get("start_ts", 1 << 62) <= snapshot_ts:
                chain.pop(0)
        first = chain[0]
        if first.sequence != 0 and not have_snapshot:
            raise StorageError(
                "There are missing prefix WAL files and data can't be recovered without them! "
                f"(the first WAL file in {self.wal_dir} has sequence number {first.sequence})"
            )
        if first.sequence != 0 and first.metadata.get("start_ts", 0) > snapshot_ts:
            raise StorageError(
                f"You are missing a WAL file with the sequence number {first.sequence - 1}! "
                f"(the snapshot ends at timestamp {snapshot_ts}, {first.path.name} starts later)"
            )
        for prev, cur in itertools.pairwise(chain):
            if cur.sequence != prev.sequence + 1:
                raise StorageError(
                    f"You are missing a WAL file with the sequence number {prev.sequence + 1}!"
                )
        return chain

    def _replay_wal(
        self, snapshot_ts: int, have_snapshot: bool, schema: dict[SchemaSpec, None], last_ts: int
    ) -> tuple[int, int]:
        chain = self._wal_chain(snapshot_ts, have_snapshot)
        self._next_sequence = chain[-1].sequence + 1 if chain else 0
        replayer = Replayer(self.engine, schema)
        unpack = serde.unpack_commit_record
        replayed = 0
        torn_at: Path | None = None
        for header in chain:
            with WalReader(header.path) as reader:
                for payload in reader:
                    if torn_at is not None:
                        raise StorageError(
                            f"WAL file {torn_at} has a torn or corrupt tail but a later file "
                            f"({header.path.name}) holds records; the WAL chain is damaged"
                        )
                    record = unpack(payload)
                    ts = record.timestamp
                    if ts < snapshot_ts:
                        continue
                    if ts <= last_ts:
                        raise StorageError(
                            f"WAL file {header.path} has commit timestamp {ts} after {last_ts}"
                        )
                    replayer.apply(ts, [list(op) for op in record.operations])
                    last_ts = ts
                    replayed += 1
                torn, reason = reader.torn, reader.stop_reason
            if torn:
                kept, dropped = truncate_torn_tail(header.path)
                self.log.warning(
                    "WAL file %s: %s; truncated %d byte(s) after its %d good record(s)",
                    header.path, reason, dropped, kept,
                )
                torn_at = header.path
        return last_ts, replayed

    def _recreate_schema(self, schema: dict[SchemaSpec, None]) -> None:
        manager = self.engine.schema
        for spec in schema:
            if isinstance(spec, IndexSpec):
                manager.create_index(spec)
            else:
                manager.create_constraint(spec)

    # --------------------------------------------------------------------- commit path

    def log_commit(self, ts: int, encoded_ops: bytes | None) -> CommitTicket | None:
        """Under the write latch, before the commit is published: write the record (raises
        ``StorageError`` when the write fails; nothing is published then)."""
        committer = self.committer
        if committer is None:
            self._changes += 1
            return None
        if encoded_ops is None:
            return None
        ticket = committer.write(record_payload(ts, encoded_ops))
        self._changes += 1
        return ticket

    def log_schema(self, ts: int, action: str, spec: IndexSpec | ConstraintSpec) -> None:
        """Under the write latch: log one schema change and wait until it is durable."""
        committer = self.committer
        self._changes += 1
        if committer is not None:
            committer.write(_pack([ts, [schema_op(action, spec)]])).wait()

    # ----------------------------------------------------------------------- snapshots

    def create_snapshot(self, *, manual: bool = True) -> str | None:
        """Write a snapshot; ``manual`` raises Memgraph's errors where a periodic or exit
        snapshot quietly does nothing."""
        if not self._snapshot_lock.acquire(blocking=False):
            if manual:
                raise ClientError("Another snapshot creation is already in progress")
            return None
        try:
            changes = self._changes
            if changes == (self._snapshot_changes or 0) and (
                self._snapshot_changes is not None or not manual
            ):
                if manual:
                    raise ClientError("Nothing has been written since the last snapshot")
                return None
            path, ts = write_snapshot(self.engine, self.snapshot_dir, self.uuid)
            self._snapshot_changes = changes
            self._retention()
        finally:
            self._snapshot_lock.release()
        self.log.info("snapshot %s written (timestamp %d)", path, ts)
        self.events.snapshot_created(str(path))
        return str(path)

    def _retention(self) -> None:
        """Keep ``retention`` snapshots; delete WAL files the oldest kept one covers wholly."""
        apply_retention(self.snapshot_dir, self.retention)
        kept = list_snapshots(self.snapshot_dir)
        if not kept:
            return
        oldest = kept[-1].timestamp
        committer = self.committer
        current = committer.writer.header.sequence if committer is not None else None
        headers = _wal_headers(self.wal_dir, self.log)
        for header, following in itertools.pairwise(headers):
            if header.sequence == current:
                break
            if following.metadata.get("start_ts", 1 << 62) <= oldest:
                header.path.unlink(missing_ok=True)

    def _periodic(self) -> None:
        while not self._stop.wait(self.snapshot_interval):
            self._automatic_snapshot("periodic snapshot")

    def _automatic_snapshot(self, what: str) -> None:
        """A snapshot nobody asked for: a failure is logged, not raised."""
        try:
            self.create_snapshot(manual=False)
        except Exception:
            self.log.exception("%s failed", what)

    # ------------------------------------------------------------------------- closing

    def before_close(self) -> None:
        """Stop the periodic snapshots and write the one on exit (the engine is still open)."""
        if self._closed:
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.snapshot_on_exit:
            self._automatic_snapshot("snapshot on exit")

    def close(self) -> None:
        """Sync and close the WAL (after the engine refused new transactions)."""
        if self._closed:
            return
        self._closed = True
        committer, self.committer = self.committer, None
        if committer is not None:
            committer.close()
        if self._froze:
            gc.unfreeze()
            self._froze = False

    def info(self) -> list[tuple[str, Any]]:
        """The durability rows of SHOW STORAGE INFO."""
        return [
            ("durability_snapshot_enabled", self.snapshot_interval > 0),
            ("durability_wal_enabled", self.wal_enabled),
        ]


def _wal_headers(directory: Path, logger: logging.Logger) -> list[WalHeader]:
    """Headers of the WAL files in ``directory`` by sequence number; an unreadable header (which
    atomic creation rules out short of damage) is logged and skipped."""
    headers = []
    for path in directory.glob("*.wal"):
        try:
            headers.append(read_wal_header(path))
        except StorageError as exc:
            logger.warning("WAL file %s is unreadable and ignored: %s", path, exc)
    headers.sort(key=lambda h: (h.sequence, h.path.name))
    return headers


__all__ = ["Durability", "Replayer", "encode_ops", "record_payload", "schema_op"]
