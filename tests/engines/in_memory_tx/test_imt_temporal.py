"""IN_MEMORY_TRANSACTIONAL with temporal property values: recovery from the WAL alone and from a
snapshot alone, indexes rebuilt from either, commit records carrying the values, and the point
table leaving temporals to the sorted keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mgcore.storage import EngineContext
from mgcore.storage.kit import serde
from mgcore.storage.kit.wal import list_wal_files, read_wal
from mgcore.storage.records import IndexSpec, Op, PropertyRange
from mgcore.values.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time
from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine
from mgcore_engine_in_memory_tx.indexes import pointable

QUIET = {"storage_snapshot_interval_sec": 0, "storage_snapshot_on_exit": False}
VALUES: dict[str, Any] = {
    "date": Date(16637),
    "local_time": LocalTime(1),
    "time": Time(2, -3600),
    "local_datetime": LocalDateTime(-5, 3),
    "datetime": DateTime(1_437_474_674, 4, 7200, "Europe/Stockholm"),
    "duration": Duration(1, -2, 3, 4),
    "list": [Date(1), {"t": Time(0, 0)}],
}


def open_engine(directory: Path, **settings: Any) -> InMemoryTransactionalEngine:
    engine = InMemoryTransactionalEngine()
    engine.open(EngineContext(data_directory=directory, settings={**QUIET, **settings}))
    return engine


def fill(engine: InMemoryTransactionalEngine) -> tuple[int, int]:
    engine.schema.create_index(IndexSpec("T", ("date",)))
    tx = engine.begin()
    node = tx.create_node(["T"], VALUES)
    for days in range(10):
        tx.create_node(["T"], {"date": Date(days)})
    rel = tx.create_relationship(node, node, "R", VALUES)
    tx.commit()
    return node.gid, rel.gid


def check(engine: InMemoryTransactionalEngine, node_gid: int, rel_gid: int) -> None:
    tx = engine.begin()
    assert tx.node_properties(tx.node(node_gid)) == VALUES
    assert tx.relationship_properties(tx.relationship(rel_gid)) == VALUES
    assert [n.gid for n in tx.nodes_by_property("T", "date", Date(16637))] == [node_gid]
    found = tx.nodes_by_property_range("T", "date", PropertyRange(Date(3), True, Date(7), False))
    assert sorted(tx.node_property(n, "date").days for n in found) == [3, 4, 5, 6]
    tx.rollback()


def test_recovery_from_the_wal_alone(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    node_gid, rel_gid = fill(engine)
    engine.close()
    engine = open_engine(tmp_path)
    check(engine, node_gid, rel_gid)
    engine.close()


def test_recovery_from_a_snapshot_alone(tmp_path: Path) -> None:
    engine = open_engine(tmp_path, storage_wal_enabled=False)
    node_gid, rel_gid = fill(engine)
    engine.create_snapshot()
    engine.close()
    engine = open_engine(tmp_path, storage_wal_enabled=False)
    check(engine, node_gid, rel_gid)
    engine.close()


def test_commit_records_carry_the_values(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    tx = engine.begin()
    node = tx.create_node(["T"])
    tx.set_node_property(node, "d", VALUES["datetime"])
    tx.commit()
    engine.close()
    ops = []
    for header in list_wal_files(tmp_path / "wal"):
        for payload in read_wal(header.path).records:
            ops += serde.unpack_commit_record(payload).operations
    sets = [op for op in ops if op[0] in (Op.SET_NODE_PROPERTY, Op.CREATE_NODE)]
    assert any(VALUES["datetime"] in (op[-1].values() if isinstance(op[-1], dict) else [op[-1]])
               for op in sets)


def test_point_table_leaves_temporals_to_the_sorted_keys(tmp_path: Path) -> None:
    for value in VALUES.values():
        assert not pointable(value)
    engine = open_engine(tmp_path)
    fill(engine)
    index = engine._indexes.single[("T", "date")]
    assert index.points == {}
    tx = engine.begin()
    for node in list(tx.nodes_by_property("T", "date", Date(4))):
        tx.set_node_property(node, "date", Date(40))
    tx.commit()
    tx = engine.begin()
    assert [tx.node_property(n, "date") for n in tx.nodes_by_property("T", "date", Date(40))] == [
        Date(40)
    ]
    assert list(tx.nodes_by_property("T", "date", Date(4))) == []
    tx.rollback()
    engine.close()
