"""Recovery of a durable engine: from a snapshot, from the WAL alone, from both, past a damaged
newest snapshot and a torn WAL tail; schema recovered; the data-directory lock; CREATE SNAPSHOT.

Settings are Memgraph's (``storage_wal_enabled``, ``storage_snapshot_interval_sec``,
``storage_snapshot_on_exit``): periodic snapshots are off in these tests so that what is
recovered comes from the path under test. Damage is done only to files the engine named
(``create_snapshot``'s path) or, for the WAL, to files in the kit's WAL format found in the data
directory; an engine with another WAL format skips those tests.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mgcore.conformance.suite._support import dump
from mgcore.conformance.suite.test_durability import build
from mgcore.storage.records import ConstraintKind, ConstraintSpec, DataType, IndexSpec

pytestmark = pytest.mark.requires("durable")

WAL_ONLY = {"storage_snapshot_interval_sec": 0, "storage_snapshot_on_exit": False}
"""WAL on, no snapshot unless a test makes one."""


def settings(engine_factory: Any, **overrides: Any) -> dict[str, Any]:
    return {**engine_factory.settings, **WAL_ONLY, **overrides}


def state(engine: Any) -> dict[str, Any]:
    tx = engine.begin()
    try:
        return dump(tx)
    finally:
        tx.rollback()


def add(engine: Any, label: str, n: int) -> None:
    tx = engine.begin()
    for i in range(n):
        tx.create_node([label], {"i": i})
    tx.commit()


def count(engine: Any, label: str) -> int:
    tx = engine.begin()
    try:
        return len(list(tx.nodes_by_label(label)))
    finally:
        tx.rollback()


def test_recovery_from_the_wal_alone(engine_factory: Any) -> None:
    """Without any snapshot, every commit (updates and deletions included) is replayed."""
    engine = engine_factory.open(settings=settings(engine_factory))
    build(engine)
    add(engine, "More", 3)
    expected = state(engine)
    engine = engine_factory.reopen()
    assert state(engine) == expected
    add(engine, "Later", 2)
    expected = state(engine)
    assert state(engine_factory.reopen()) == expected


@pytest.mark.requires("snapshots")
def test_recovery_from_a_snapshot_alone(engine_factory: Any) -> None:
    """With the WAL off, what the last snapshot holds is recovered."""
    engine = engine_factory.open(settings=settings(engine_factory, storage_wal_enabled=False))
    build(engine)
    expected = state(engine)
    path = engine.create_snapshot()
    assert Path(path).exists()
    assert state(engine_factory.reopen()) == expected


@pytest.mark.requires("snapshots")
def test_recovery_from_a_snapshot_and_the_wal_after_it(engine_factory: Any) -> None:
    """Commits before a snapshot come from it, commits after it from the WAL; gids go on."""
    engine = engine_factory.open(settings=settings(engine_factory))
    g = build(engine)
    engine.create_snapshot()
    tx = engine.begin()
    tx.set_node_property(tx.node(g["b"]), "k", 3)
    tx.delete_relationship(tx.relationship(g["rel"]))
    new = tx.create_node(["AfterSnapshot"], {"x": [1, 2]})
    tx.create_relationship(new, tx.node(g["a"]), "NEW", {"w": 1})
    tx.commit()
    expected = state(engine)
    engine = engine_factory.reopen()
    assert state(engine) == expected
    tx = engine.begin()
    newer = tx.create_node()
    assert newer.gid > new.gid
    tx.commit()


@pytest.mark.requires("snapshots")
def test_snapshot_on_exit_and_wal_together(engine_factory: Any) -> None:
    """With the default exit snapshot, several cycles of commits accumulate."""
    engine = engine_factory.open(
        settings=settings(engine_factory, storage_snapshot_on_exit=True)
    )
    for cycle in range(3):
        add(engine, f"C{cycle}", cycle + 1)
        expected = state(engine)
        engine = engine_factory.reopen()
        assert state(engine) == expected


@pytest.mark.requires("snapshots")
def test_a_damaged_newest_snapshot_falls_back_to_the_previous_one(
    engine_factory: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A snapshot that fails its checks is skipped with a warning; the older one plus the WAL
    give back everything."""
    engine = engine_factory.open(settings=settings(engine_factory))
    build(engine)
    engine.create_snapshot()
    add(engine, "Between", 4)
    newest = snapshot_file(Path(engine.create_snapshot()))
    add(engine, "After", 2)
    expected = state(engine)
    engine_factory.close(engine)
    data = bytearray(newest.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF
    newest.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING):
        engine = engine_factory.open(settings=settings(engine_factory))
    assert state(engine) == expected
    assert any(newest.name in r.getMessage() for r in caplog.records if r.levelno >= 30)


@pytest.mark.requires("snapshots")
def test_a_truncated_newest_snapshot_falls_back(engine_factory: Any) -> None:
    """A snapshot cut short (a crash while it was copied elsewhere) is skipped too."""
    engine = engine_factory.open(settings=settings(engine_factory))
    add(engine, "First", 3)
    engine.create_snapshot()
    add(engine, "Second", 3)
    newest = snapshot_file(Path(engine.create_snapshot()))
    expected = state(engine)
    engine_factory.close(engine)
    with open(newest, "r+b") as file:
        file.truncate(newest.stat().st_size - 7)
    assert state(engine_factory.open(settings=settings(engine_factory))) == expected


def kit_wal_files(directory: Path) -> list[Path]:
    """Files of ``directory`` in the kit's WAL format, newest (highest sequence) last."""
    from mgcore.storage.kit.wal import MAGIC, read_wal_header

    found = []
    for path in directory.rglob("*"):
        if path.is_file():
            with open(path, "rb") as file:
                if file.read(len(MAGIC)) == MAGIC:
                    found.append((read_wal_header(path).sequence, path))
    return [path for _, path in sorted(found)]


def newest_wal_with_records(directory: Path) -> Path:
    from mgcore.storage.kit.wal import read_wal

    files = [p for p in kit_wal_files(directory) if read_wal(p).records]
    if not files:
        pytest.skip("the engine does not write WAL files in the kit's format")
    return files[-1]


def test_a_torn_wal_tail_is_dropped_and_the_prefix_recovered(
    engine_factory: Any, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Garbage after the last record (a torn write) is cut off with a warning; every commit
    before it is recovered, and the WAL goes on working."""
    engine = engine_factory.open(settings=settings(engine_factory))
    for i in range(5):
        add(engine, f"T{i}", 2)
    expected = state(engine)
    engine_factory.close(engine)
    wal = newest_wal_with_records(data_dir)
    with open(wal, "ab") as file:
        file.write(b"\x00\x00\x01\x00\x12\x34\x56\x78partial record")
    with caplog.at_level(logging.WARNING):
        engine = engine_factory.open(settings=settings(engine_factory))
    assert state(engine) == expected
    assert any(r.levelno >= 30 for r in caplog.records)
    add(engine, "AfterRepair", 1)
    expected = state(engine)
    assert state(engine_factory.reopen()) == expected


def test_a_half_written_last_commit_is_not_applied(engine_factory: Any, data_dir: Path) -> None:
    """A last record cut in the middle is a commit that never happened: none of its changes
    are there, all earlier commits are."""
    from mgcore.storage.kit.wal import read_wal

    engine = engine_factory.open(settings=settings(engine_factory))
    add(engine, "Kept", 3)
    before = state(engine)
    tx = engine.begin()
    for i in range(5):
        tx.create_node(["Lost"], {"i": i})
    tx.set_node_property(next(iter(tx.nodes_by_label("Kept"))), "changed", True)
    tx.commit()
    engine_factory.close(engine)
    wal = newest_wal_with_records(data_dir)
    contents = read_wal(wal)
    last = len(contents.records[-1])
    with open(wal, "r+b") as file:
        file.truncate(contents.end_offset - last // 2)
    engine = engine_factory.open(settings=settings(engine_factory))
    assert state(engine) == before
    assert count(engine, "Lost") == 0


def schema_of(engine: Any) -> tuple[set[Any], set[Any]]:
    return {i.spec for i in engine.schema.indexes()}, set(engine.schema.constraints())


def _make_schema(engine: Any, capabilities: Any) -> None:
    if capabilities.label_index:
        engine.schema.create_index(IndexSpec("Person"))
    if capabilities.label_property_index:
        engine.schema.create_index(IndexSpec("Person", ("name",)))
        engine.schema.create_index(IndexSpec("Gone", ("x",)))
        engine.schema.drop_index(IndexSpec("Gone", ("x",)))
    if capabilities.existence_constraint:
        engine.schema.create_constraint(ConstraintSpec(ConstraintKind.EXISTS, "Person", ("name",)))
    if capabilities.unique_constraint:
        engine.schema.create_constraint(ConstraintSpec(ConstraintKind.UNIQUE, "Person", ("id",)))
    if capabilities.type_constraint:
        for prop, data_type in (("id", DataType.INTEGER), ("name", DataType.STRING),
                                ("born", DataType.ZONEDDATETIME), ("gone", DataType.FLOAT)):
            engine.schema.create_constraint(
                ConstraintSpec(ConstraintKind.TYPE, "Person", (prop,), data_type)
            )
        engine.schema.drop_constraint(
            ConstraintSpec(ConstraintKind.TYPE, "Person", ("gone",), DataType.FLOAT)
        )


def _needs_schema(capabilities: Any) -> None:
    if not (
        capabilities.label_index
        or capabilities.label_property_index
        or capabilities.existence_constraint
        or capabilities.unique_constraint
        or capabilities.type_constraint
    ):
        pytest.skip("the engine supports no index or constraint")


def test_schema_is_recovered_from_the_wal(engine_factory: Any, capabilities: Any) -> None:
    """Indexes and constraints created and dropped are recovered as they were."""
    _needs_schema(capabilities)
    engine = engine_factory.open(settings=settings(engine_factory))
    tx = engine.begin()
    tx.create_node(["Person"], {"name": "a", "id": 1})
    tx.commit()
    _make_schema(engine, capabilities)
    expected = schema_of(engine)
    assert schema_of(engine_factory.reopen()) == expected


@pytest.mark.requires("snapshots")
def test_schema_is_recovered_from_a_snapshot(engine_factory: Any, capabilities: Any) -> None:
    """Indexes and constraints in a snapshot, with the WAL files of their DDL gone or not."""
    _needs_schema(capabilities)
    engine = engine_factory.open(settings=settings(engine_factory, storage_wal_enabled=False))
    tx = engine.begin()
    tx.create_node(["Person"], {"name": "a", "id": 1})
    tx.commit()
    _make_schema(engine, capabilities)
    expected = schema_of(engine)
    engine.create_snapshot()
    assert schema_of(engine_factory.reopen()) == expected


def written(path: Path) -> bool:
    """True when ``path`` is a non-empty snapshot file, or a directory of them (an engine whose
    snapshot is a checkpoint of its store, as ON_DISK_TRANSACTIONAL's RocksDB checkpoints)."""
    if path.is_file():
        return path.stat().st_size > 0
    return path.is_dir() and any(p.is_file() and p.stat().st_size > 0 for p in path.iterdir())


def snapshot_file(path: Path) -> Path:
    """``path`` when the engine's snapshot is one file, which the damage tests change; an engine
    whose snapshots are directories is not recovered from them by these tests' route."""
    if not path.is_file():
        pytest.skip("the engine's snapshots are directories, not files this test can damage")
    return path


@pytest.mark.requires("snapshots")
def test_create_snapshot_returns_an_existing_path(engine: Any) -> None:
    """``create_snapshot`` returns the path of the file (or directory) it wrote."""
    add(engine, "X", 1)
    assert written(Path(engine.create_snapshot()))


@pytest.mark.requires("snapshots")
def test_create_snapshot_query_returns_the_path(session: Any) -> None:
    """``CREATE SNAPSHOT`` answers one row with the column ``path`` naming what it wrote;
    with nothing written since, Memgraph's error."""
    session.run("CREATE (:Snap {x: 1})").consume()
    result = session.run("CREATE SNAPSHOT")
    assert result.keys() == ["path"]
    (path,) = result.value()
    assert written(Path(path))
    with pytest.raises(Exception, match="Nothing has been written since the last snapshot"):
        session.run("CREATE SNAPSHOT").consume()


LOCK_CHILD = """
import sys
import mgcore
try:
    db = mgcore.connect(storage_mode=sys.argv[1], data_directory=sys.argv[2])
except Exception as exc:
    print("REFUSED", type(exc).__name__, exc)
    sys.exit(3)
db.close()
print("OPENED")
"""


def test_a_second_process_is_refused_by_the_lock(
    database: Any, mg_engine_name: str
) -> None:
    """While a database is open on a directory, another process cannot open it (a clear error
    naming the directory); after close it can."""
    directory = str(database.settings.data_directory)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MGCORE_")}

    def child() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", LOCK_CHILD, mg_engine_name, directory],
            capture_output=True, text=True, timeout=120, env=env,
        )

    refused = child()
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "REFUSED" in refused.stdout and directory in refused.stdout
    database.close()
    opened = child()
    assert opened.returncode == 0, opened.stdout + opened.stderr
    assert "OPENED" in opened.stdout
