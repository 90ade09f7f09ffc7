"""Engine-level behaviour: loading, the data-directory marker, settings, statistics, info,
unsupported operations and close."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from mgcore.storage import (
    Capabilities,
    EngineContext,
    EngineIncompatible,
    IsolationLevel,
    PropertiesOnEdgesDisabled,
    TransactionClosedError,
)
from mgcore.storage.kit.marker import MARKER_FILE
from mgcore.storage.registry import EngineRegistry, check_engine_class
from mgcore_engine_in_memory_tx import engine as engine_module
from mgcore_engine_in_memory_tx.engine import FORMAT_VERSION, InMemoryTransactionalEngine
from mgcore_engine_in_memory_tx.objects import SEE_EVERYTHING, TXN_ID_BASE
from mgcore_engine_in_memory_tx.transaction import _horizon_for


def test_registry_loads_the_engine_through_its_entry_point() -> None:
    cls = EngineRegistry().load("IN_MEMORY_TRANSACTIONAL")
    assert cls is InMemoryTransactionalEngine
    check_engine_class("IN_MEMORY_TRANSACTIONAL", cls)


def test_capabilities_are_the_packaged_file() -> None:
    path = Path(engine_module.__file__).with_name("capabilities.toml")
    table = tomllib.loads(path.read_text("utf-8"))["capabilities"]
    assert InMemoryTransactionalEngine.capabilities == Capabilities.from_mapping(table)
    caps = InMemoryTransactionalEngine.capabilities
    assert caps.isolation_levels == frozenset(IsolationLevel)
    assert caps.write_conflicts_at == "write" and caps.transactional and caps.thread_safe
    assert caps.durable and caps.snapshots
    assert caps.label_index and caps.label_property_index
    assert caps.existence_constraint and caps.unique_constraint


def open_engine(directory: Path, **settings: Any) -> InMemoryTransactionalEngine:
    engine = InMemoryTransactionalEngine()
    engine.open(EngineContext(data_directory=directory, settings=settings))
    return engine


def test_marker_is_written_and_accepted_again(tmp_path: Path) -> None:
    directory = tmp_path / "a" / "b"
    open_engine(directory).close()
    marker = json.loads((directory / MARKER_FILE).read_text("utf-8"))
    assert marker == {"engine": "IN_MEMORY_TRANSACTIONAL", "format_version": FORMAT_VERSION}
    open_engine(directory).close()


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"engine": "ON_DISK_TRANSACTIONAL", "format_version": 1}),
        json.dumps({"engine": "IN_MEMORY_TRANSACTIONAL", "format_version": FORMAT_VERSION + 1}),
        json.dumps({"engine": "IN_MEMORY_TRANSACTIONAL"}),
        "not json at all",
    ],
)
def test_foreign_or_incompatible_markers_are_refused(tmp_path: Path, content: str) -> None:
    (tmp_path / MARKER_FILE).write_text(content, "utf-8")
    with pytest.raises(EngineIncompatible):
        open_engine(tmp_path)
    assert (tmp_path / MARKER_FILE).read_text("utf-8") == content


def test_isolation_settings_and_levels(tmp_path: Path) -> None:
    engine = open_engine(tmp_path, isolation_level="SNAPSHOT_ISOLATION")
    assert engine.begin().isolation is IsolationLevel.SNAPSHOT_ISOLATION
    for level in (IsolationLevel.READ_COMMITTED, IsolationLevel.READ_UNCOMMITTED):
        engine.set_isolation_level(level)
        tx = engine.begin()
        assert tx.isolation is level
        tx.rollback()
        assert engine.begin(IsolationLevel.SNAPSHOT_ISOLATION).isolation is (
            IsolationLevel.SNAPSHOT_ISOLATION
        )
    engine.close()
    other = open_engine(tmp_path / "rc", isolation_level="READ_COMMITTED")
    assert other.begin().isolation is IsolationLevel.READ_COMMITTED
    other.close()


def test_visibility_horizon_per_level() -> None:
    assert _horizon_for(IsolationLevel.SNAPSHOT_ISOLATION, 42) == 42
    assert _horizon_for(IsolationLevel.READ_COMMITTED, 42) == TXN_ID_BASE
    assert _horizon_for(IsolationLevel.READ_UNCOMMITTED, 42) == SEE_EVERYTHING


def test_properties_on_edges_can_be_disabled(make_engine: Any) -> None:
    engine = make_engine(storage_properties_on_edges=False)
    tx = engine.begin()
    a = tx.create_node()
    with pytest.raises(PropertiesOnEdgesDisabled):
        tx.create_relationship(a, a, "R", {"w": 1})
    r = tx.create_relationship(a, a, "R", {"w": None})
    with pytest.raises(PropertiesOnEdgesDisabled):
        tx.set_relationship_property(r, "w", 1)
    assert tx.relationship_properties(r) == {}
    tx.commit()


def test_statistics_count_committed_data_only(engine: Any) -> None:
    tx = engine.begin()
    a = tx.create_node(["A", "B"], {"name": "a"})
    b = tx.create_node(["A"])
    r = tx.create_relationship(a, b, "R", {"w": 1})
    tx.create_relationship(b, a, "S")
    assert engine.statistics().node_count == 0
    tx.commit()
    stats = engine.statistics()
    assert (stats.node_count, stats.relationship_count) == (2, 2)
    assert stats.label_counts == {"A": 2, "B": 1}
    assert stats.type_counts == {"R": 1, "S": 1}
    assert stats.property_keys == {"name", "w"}

    rolled_back = engine.begin()
    rolled_back.create_node(["C"], {"other": 1})
    rolled_back.detach_delete_node(a)
    rolled_back.rollback()
    assert engine.statistics() == stats

    tx = engine.begin()
    tx.remove_label(a, "B")
    tx.delete_relationship(r)
    tx.add_label(b, "C")
    tx.commit()
    stats = engine.statistics()
    assert stats.label_counts == {"A": 2, "C": 1}
    assert stats.type_counts == {"S": 1}
    tx = engine.begin()
    tx.detach_delete_node(b)
    tx.commit()
    stats = engine.statistics()
    assert (stats.node_count, stats.relationship_count) == (1, 0)
    assert stats.label_counts == {"A": 1} and stats.type_counts == {}


def test_info_rows(engine: Any) -> None:
    tx = engine.begin()
    a = tx.create_node()
    b = tx.create_node()
    tx.create_relationship(a, b, "R")
    tx.commit()
    reader = engine.begin()
    tx = engine.begin()
    tx.set_node_property(a, "x", 1)
    info = dict(engine.info())
    assert info["vertex_count"] == 2 and info["edge_count"] == 1
    assert info["average_degree"] == 1.0
    assert info["unreleased_delta_objects"] == 1
    assert info["isolation_level"] == "SNAPSHOT_ISOLATION"
    tx.commit()
    assert dict(engine.info())["unreleased_delta_objects"] == 1
    reader.rollback()
    assert dict(engine.info())["unreleased_delta_objects"] == 0


def test_schema_starts_empty(engine: Any) -> None:
    assert engine.schema.indexes() == [] and engine.schema.constraints() == []


def test_close_rolls_back_open_transactions(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    tx = engine.begin()
    a = tx.create_node(["A"])
    tx.commit()
    open_tx = engine.begin()
    open_tx.set_node_property(a, "x", 1)
    open_tx.create_node(["B"])
    engine.close()
    with pytest.raises(TransactionClosedError):
        open_tx.node_property(a, "x")
    assert a.props is None and a.delta is None
    assert engine.active_transaction_count() == 0
    assert engine.statistics().label_counts == {"A": 1}
    with pytest.raises(Exception, match="closed"):
        engine.begin()
