"""IN_MEMORY_TRANSACTIONAL durability internals: commit records, WAL failures, snapshot errors and
retention, periodic snapshots, recovery switches and the WAL chain checks."""

from __future__ import annotations

import errno
import itertools
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from mgcore.errors import ClientError
from mgcore.storage import ConstraintViolation, EngineContext, StorageError
from mgcore.storage.kit import serde
from mgcore.storage.kit.snapshot import list_snapshots
from mgcore.storage.kit.wal import list_wal_files, read_wal
from mgcore.storage.records import ConstraintKind, ConstraintSpec, DataType, Op
from mgcore_engine_in_memory_tx.constraints import constraint_from_record, constraint_record
from mgcore_engine_in_memory_tx.durability import _label_ops, schema_op
from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine

QUIET = {"storage_snapshot_interval_sec": 0, "storage_snapshot_on_exit": False}


def open_engine(directory: Path, **settings: Any) -> InMemoryTransactionalEngine:
    engine = InMemoryTransactionalEngine()
    engine.open(EngineContext(data_directory=directory, settings={**QUIET, **settings}))
    return engine


def records(directory: Path) -> list[Any]:
    out = []
    for header in list_wal_files(directory / "wal"):
        out += [serde.unpack_commit_record(p) for p in read_wal(header.path).records]
    return out


def labels_of(engine: InMemoryTransactionalEngine) -> dict[int, tuple[str, ...]]:
    tx = engine.begin()
    try:
        return {n.gid: tx.node_labels(n) for n in tx.nodes()}
    finally:
        tx.rollback()


def test_commit_record_holds_the_net_effect_in_replayable_order(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    tx = engine.begin()
    a = tx.create_node(["A"], {"x": 1})
    b = tx.create_node()
    tx.commit()
    tx = engine.begin()
    c = tx.create_node(["C"], {"y": "s"})
    tmp = tx.create_node(["Tmp"])
    tx.create_relationship(tmp, c, "T")
    tx.detach_delete_node(tmp)
    r = tx.create_relationship(tx.node(a.gid), c, "R", {"w": 2})
    tx.set_node_property(tx.node(a.gid), "x", 2)
    tx.set_node_property(tx.node(a.gid), "x", 3)
    tx.delete_node(tx.node(b.gid))
    tx.commit()
    engine.close()
    second = records(tmp_path)[-1]
    assert second.operations == (
        (Op.CREATE_NODE, c.gid, ["C"], {"y": "s"}),
        (Op.SET_NODE_PROPERTY, a.gid, "x", 3),
        (Op.CREATE_RELATIONSHIP, r.gid, "R", a.gid, c.gid, {"w": 2}),
        (Op.DELETE_NODE, b.gid),
    )


def test_read_only_and_net_empty_commits_write_nothing(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    tx = engine.begin()
    list(tx.nodes())
    tx.commit()
    tx = engine.begin()
    tx.delete_node(tx.create_node(["Gone"]))
    tx.commit()
    engine.close()
    assert records(tmp_path) == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ((), ("A",)),
        (("A", "B"), ("B", "A")),
        (("A", "B", "C"), ("A", "C", "D")),
        (("A",), ()),
        (("A", "B"), ("A", "B")),
    ],
)
def test_label_ops_reproduce_order(before: tuple[str, ...], after: tuple[str, ...]) -> None:
    labels = list(before)
    for code, _, label in _label_ops(0, before, after):
        if code == Op.REMOVE_LABEL:
            labels.remove(label)
        else:
            labels.append(label)
    assert tuple(labels) == after


def test_label_order_survives_recovery(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    tx = engine.begin()
    n = tx.create_node(["A", "B", "C"])
    tx.commit()
    tx = engine.begin()
    tx.remove_label(tx.node(n.gid), "A")
    tx.add_label(tx.node(n.gid), "A")
    tx.commit()
    expected = labels_of(engine)
    engine.close()
    assert labels_of(open_engine(tmp_path)) == expected == {n.gid: ("B", "C", "A")}


def test_a_failed_wal_write_fails_the_commit_and_rolls_it_back(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    tx = engine.begin()
    kept = tx.create_node(["Kept"], {"v": 1})
    tx.commit()
    committer = engine._durability.committer  # type: ignore[union-attr]
    assert committer is not None
    writer = committer.writer
    real = writer._os_write

    def disk_full(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    writer._os_write = disk_full
    tx = engine.begin()
    tx.create_node(["Lost"])
    tx.set_node_property(tx.node(kept.gid), "v", 2)
    with pytest.raises(StorageError, match="No space left"):
        tx.commit()
    writer._os_write = real
    check = engine.begin()
    assert list(check.nodes_by_label("Lost")) == []
    assert check.node_property(check.node(kept.gid), "v") == 1
    check.rollback()
    tx = engine.begin()
    tx.set_node_property(tx.node(kept.gid), "v", 3)
    tx.commit()
    engine.close()
    engine = open_engine(tmp_path)
    tx = engine.begin()
    assert [tx.node_properties(n) for n in tx.nodes()] == [{"v": 3}]
    tx.rollback()


def test_a_failed_fsync_fails_waiting_and_later_commits(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    committer = engine._durability.committer  # type: ignore[union-attr]
    assert committer is not None

    def broken(fd: int) -> None:
        raise OSError(errno.EIO, "I/O error")

    committer.writer._os_sync = broken
    tx = engine.begin()
    tx.create_node()
    with pytest.raises(StorageError):
        tx.commit()
    tx = engine.begin()
    tx.create_node()
    with pytest.raises(StorageError):
        tx.commit()
    engine.close()


def test_commit_waits_for_fsync_under_always_and_not_under_never(tmp_path: Path) -> None:
    for policy, expect_sync in (("always", True), ("never", False)):
        engine = open_engine(tmp_path / policy, storage_wal_fsync=policy)
        committer = engine._durability.committer  # type: ignore[union-attr]
        assert committer is not None
        writer = committer.writer
        synced: list[int] = []
        real = writer._os_sync

        def counting(
            fd: int, real: Any = real, synced: list[int] = synced, writer: Any = writer
        ) -> None:
            synced.append(writer.size)
            real(fd)

        writer._os_sync = counting
        tx = engine.begin()
        tx.create_node()
        tx.commit()
        assert bool(synced) is expect_sync
        if expect_sync:
            assert writer.synced_size == writer.size
        engine.close()


def test_snapshot_errors_as_memgraph_words_them(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    tx = engine.begin()
    tx.create_node()
    tx.commit()
    engine.create_snapshot()
    with pytest.raises(ClientError, match="Nothing has been written since the last snapshot"):
        engine.create_snapshot()
    tx = engine.begin()
    tx.create_node()
    tx.commit()
    durability = engine._durability
    assert durability is not None
    busy = "Another snapshot creation is already in progress"
    with durability._snapshot_lock, pytest.raises(ClientError, match=busy):
        engine.create_snapshot()
    engine.create_snapshot()
    engine.close()


def test_retention_keeps_n_snapshots_and_drops_covered_wal_files(tmp_path: Path) -> None:
    engine = open_engine(
        tmp_path, storage_snapshot_retention_count=2, storage_wal_file_size_kib=1
    )
    created = []
    for i in range(5):
        tx = engine.begin()
        for _ in range(20):
            tx.create_node(["N"], {"i": i, "pad": "p" * 50})
        tx.commit()
        time.sleep(0.05)  # let the committer rotate
        created.append(engine.create_snapshot())
    snaps = list_snapshots(tmp_path / "snapshots")
    assert [str(s.path) for s in snaps] == created[:-3:-1]
    oldest = snaps[-1].timestamp
    headers = list_wal_files(tmp_path / "wal")
    for _header, following in itertools.pairwise(headers):
        assert following.metadata["start_ts"] > oldest
    engine.close()
    engine = open_engine(tmp_path)
    assert engine.statistics().node_count == 100
    engine.close()


def test_periodic_snapshots_run_and_skip_when_nothing_changed(tmp_path: Path) -> None:
    made: list[str] = []

    class Events:
        def snapshot_created(self, path: str) -> None:
            made.append(path)

    engine = InMemoryTransactionalEngine()
    engine.open(
        EngineContext(
            data_directory=tmp_path,
            settings={"storage_snapshot_interval_sec": 1, "storage_snapshot_on_exit": True},
            events=Events(),
        )
    )
    tx = engine.begin()
    tx.create_node()
    tx.commit()
    deadline = time.monotonic() + 10
    while not made and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(made) == 1
    time.sleep(1.3)
    assert len(made) == 1  # nothing new: skipped
    engine.close()
    assert len(made) == 1  # nor on exit


def test_no_recovery_sets_old_files_aside(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    tx = engine.begin()
    tx.create_node()
    tx.commit()
    engine.create_snapshot()
    engine.close()
    engine = open_engine(tmp_path, data_recovery_on_startup=False)
    assert engine.statistics().node_count == 0
    engine.close()
    backups = list((tmp_path / ".backup").rglob("*"))
    assert any(p.parent.name == "snapshots" for p in backups)
    assert open_engine(tmp_path).statistics().node_count == 0


def test_wal_disabled_recovers_snapshots_only(tmp_path: Path) -> None:
    engine = open_engine(tmp_path, storage_wal_enabled=False)
    assert dict(engine.info())["durability_wal_enabled"] is False
    tx = engine.begin()
    tx.create_node()
    tx.commit()
    engine.create_snapshot()
    tx = engine.begin()
    tx.create_node()
    tx.commit()
    engine.close()
    assert not list((tmp_path / "wal").iterdir())
    engine = open_engine(tmp_path, storage_wal_enabled=False)
    assert engine.statistics().node_count == 1
    engine.close()


def test_a_missing_wal_file_in_the_chain_is_refused(tmp_path: Path) -> None:
    engine = open_engine(tmp_path, storage_wal_file_size_kib=1)
    for i in range(6):
        tx = engine.begin()
        for _ in range(20):
            tx.create_node(["N"], {"i": i, "pad": "p" * 50})
        tx.commit()
        time.sleep(0.05)
    engine.close()
    headers = list_wal_files(tmp_path / "wal")
    assert len(headers) >= 3
    headers[1].path.unlink()
    with pytest.raises(StorageError, match="missing a WAL file with the sequence number 1"):
        open_engine(tmp_path)
    headers[0].path.unlink()
    with pytest.raises(StorageError, match="missing prefix WAL files"):
        open_engine(tmp_path)


def test_snapshot_does_not_wait_for_writers_and_sees_a_consistent_state(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    tx = engine.begin()
    for i in range(2000):
        tx.create_node(["Base"], {"i": i})
    tx.commit()
    stop = threading.Event()
    commits = []

    def writer() -> None:
        while not stop.is_set():
            t = engine.begin()
            t.create_node(["During"])
            t.commit()
            commits.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        path = engine.create_snapshot()
    finally:
        stop.set()
        thread.join()
    assert Path(path).is_file()
    expected = engine.statistics().node_count
    engine.close()
    engine = open_engine(tmp_path)
    assert engine.statistics().node_count == expected == 2000 + len(commits)
    engine.close()


def test_info_reports_durability(tmp_path: Path) -> None:
    engine = open_engine(tmp_path, storage_snapshot_interval_sec=300)
    info = dict(engine.info())
    assert info["durability_snapshot_enabled"] is True
    assert info["durability_wal_enabled"] is True
    engine.close()


def test_constraint_records_keep_the_old_form_and_add_the_data_type() -> None:
    """Existence and uniqueness records are written as before the data type constraint
    existed (three elements), a data type constraint's record adds its type as a fourth, and
    both forms load (WAL ops and the snapshot's ``constraints`` section share them)."""
    exists = ConstraintSpec(ConstraintKind.EXISTS, "L", ("p",))
    typed = ConstraintSpec(ConstraintKind.TYPE, "L", ("p",), DataType.LOCALTIME)
    assert schema_op("create", exists) == [int(Op.CREATE_CONSTRAINT), "exists", "L", ["p"]]
    assert schema_op("drop", typed) == [int(Op.DROP_CONSTRAINT), "data_type", "L", ["p"],
                                        "LOCALTIME"]
    assert constraint_from_record("exists", "L", ["p"]) == exists
    assert constraint_from_record(*constraint_record(typed)) == typed
    for op in (schema_op("create", exists), schema_op("create", typed)):
        record = serde.unpack_commit_record(serde.pack([7, [op]]))
        assert record.operations == ((Op.CREATE_CONSTRAINT, *op[1:]),)


def test_type_constraint_survives_wal_and_snapshot_recovery(tmp_path: Path) -> None:
    """Created, recovered from the WAL, snapshotted, recovered from the snapshot: still there
    with its type and still enforced."""
    typed = ConstraintSpec(ConstraintKind.TYPE, "L", ("p",), DataType.STRING)
    engine = open_engine(tmp_path)
    assert engine.schema.create_constraint(typed)
    engine.close()
    for step in ("wal", "snapshot"):
        engine = open_engine(tmp_path)
        assert engine.schema.constraints() == [typed], step
        tx = engine.begin()
        with pytest.raises(ConstraintViolation, match=r"IS TYPED STRING violation on L\(p\)"):
            tx.create_node(["L"], {"p": 1})
        tx.rollback()
        if step == "wal":
            engine.create_snapshot()
            for header in list_wal_files(tmp_path / "wal"):
                header.path.unlink()
        engine.close()
