"""ON_DISK_TRANSACTIONAL with temporal property values: stored in RocksDB, read back after reopen,
and found through a label+property index (built over existing data and maintained on writes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mgcore.storage import EngineContext
from mgcore.storage.records import IndexSpec, PropertyRange
from mgcore.values.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time
from mgcore_engine_on_disk.engine import OnDiskEngine

VALUES: dict[str, Any] = {
    "date": Date(16637),
    "local_time": LocalTime(1),
    "time": Time(2, -3600),
    "local_datetime": LocalDateTime(-5, 3),
    "datetime": DateTime(1_437_474_674, 4, 7200, "Europe/Stockholm"),
    "duration": Duration(1, -2, 3, 4),
    "list": [Date(1), {"t": Time(0, 0)}],
}


def open_engine(directory: Path) -> OnDiskEngine:
    engine = OnDiskEngine()
    engine.open(EngineContext(data_directory=directory,
                              settings={"storage_properties_on_edges": True}))
    return engine


def test_values_and_index_survive_reopen(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    tx = engine.begin()
    node = tx.create_node(["T"], VALUES)
    rel = tx.create_relationship(node, node, "R", VALUES)
    for i in range(10):
        tx.create_node(["T"], {"datetime": DateTime(i, 0, 0, None)})
    tx.commit()
    engine.schema.create_index(IndexSpec("T", ("datetime",)))  # built over existing data
    tx = engine.begin()
    tx.create_node(["T"], {"datetime": DateTime(20, 0, 3600, "UTC")})
    tx.commit()
    engine.close()

    engine = open_engine(tmp_path)
    tx = engine.begin()
    assert tx.node_properties(tx.node(node.gid)) == VALUES
    assert tx.relationship_properties(tx.relationship(rel.gid)) == VALUES
    assert [n.gid for n in tx.nodes_by_property("T", "datetime", VALUES["datetime"])] == [
        node.gid
    ]
    r = PropertyRange(DateTime(3, 0, 0, None), False, DateTime(20, 0, 3600, "UTC"), True)
    found = tx.nodes_by_property_range("T", "datetime", r)
    assert sorted(tx.node_property(n, "datetime").epoch_seconds for n in found) == [
        4, 5, 6, 7, 8, 9, 20
    ]
    tx.rollback()
    engine.close()
