"""IN_MEMORY_ANALYTICAL's own semantics: writes visible at once, rollback keeps them, snapshots
run alone and are recovered by IN_MEMORY_TRANSACTIONAL, constraints and isolation changes are
refused, DROP GRAPH, and the in-place hand-over between the two in-memory engines."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from mgcore.storage import EngineContext
from mgcore.storage.errors import StorageError, UnsupportedOperation
from mgcore.storage.kit.marker import read_marker
from mgcore.storage.protocol import StoreHandOver
from mgcore.storage.records import (
    ConstraintKind,
    ConstraintSpec,
    DataType,
    Direction,
    IndexSpec,
    IsolationLevel,
)
from mgcore_engine_in_memory_analytical.engine import InMemoryAnalyticalEngine
from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine


def _open_tx(directory: Path) -> InMemoryTransactionalEngine:
    eng = InMemoryTransactionalEngine()
    eng.open(EngineContext(data_directory=directory))
    return eng


def test_writes_are_visible_to_other_transactions_at_once(engine: InMemoryAnalyticalEngine) -> None:
    reader = engine.begin()
    writer = engine.begin()
    n = writer.create_node(("A",), {"x": 1})
    assert [v.gid for v in reader.nodes_by_label("A")] == [n.gid]
    assert reader.node_properties(n) == {"x": 1}
    writer.set_node_property(n, "x", 2)
    assert reader.node_property(n, "x") == 2
    m = writer.create_node(("B",))
    writer.create_relationship(n, m, "R")
    assert reader.degree(n, Direction.OUT) == 1
    assert engine.statistics().node_count == 2  # counts too, before any commit
    writer.commit()
    reader.commit()


def test_rollback_keeps_what_was_written(engine: InMemoryAnalyticalEngine) -> None:
    t = engine.begin()
    n = t.create_node(("A",), {"k": 1})
    t.rollback()
    t2 = engine.begin()
    assert t2.node(n.gid) is not None
    assert t2.node_properties(t2.node(n.gid)) == {"k": 1}  # type: ignore[arg-type]
    t2.detach_delete_node(t2.node(n.gid))  # type: ignore[arg-type]
    t2.rollback()
    t3 = engine.begin()
    assert list(t3.nodes()) == []
    t3.commit()


def test_no_write_conflicts(engine: InMemoryAnalyticalEngine) -> None:
    t = engine.begin()
    n = t.create_node(("A",))
    t.commit()
    a, b = engine.begin(), engine.begin()
    a.set_node_property(n, "x", 1)
    b.set_node_property(n, "x", 2)  # the transactional engine raises SerializationError here
    a.commit()
    b.commit()
    r = engine.begin()
    assert r.node_property(n, "x") == 2
    r.commit()


def test_indexes_are_maintained_and_stale_entries_removed(
    engine: InMemoryAnalyticalEngine,
) -> None:
    engine.schema.create_index(IndexSpec("A"))
    engine.schema.create_index(IndexSpec("A", ("x",)))
    t = engine.begin()
    n = t.create_node(("A",), {"x": 1})
    t.set_node_property(n, "x", 2)
    assert list(t.nodes_by_property("A", "x", 1)) == []
    assert list(t.nodes_by_property("A", "x", 2)) == [n]
    index = engine._indexes.single[("A", "x")]
    assert len(index.entries) == 1  # the entry of x = 1 went at once
    t.remove_label(n, "A")
    assert list(t.nodes_by_label("A")) == []
    assert len(index.entries) == 0
    assert engine._indexes.labels["A"] == set()
    t.add_label(n, "A")
    t.delete_node(n)
    assert len(index.entries) == 0 and engine._indexes.labels["A"] == set()
    t.commit()


def test_constraint_creation_is_refused(engine: InMemoryAnalyticalEngine) -> None:
    with pytest.raises(UnsupportedOperation, match=re.escape(
            "Existence constraints are not supported in analytical storage mode.")):
        engine.schema.create_constraint(ConstraintSpec(ConstraintKind.EXISTS, "A", ("x",)))
    with pytest.raises(UnsupportedOperation, match="Unique constraints are not supported"):
        engine.schema.create_constraint(ConstraintSpec(ConstraintKind.UNIQUE, "A", ("x",)))
    assert engine.schema.constraints() == []


def test_isolation_change_is_refused(engine: InMemoryAnalyticalEngine) -> None:
    for level in IsolationLevel:
        with pytest.raises(UnsupportedOperation, match=re.escape(
                "Isolation level cannot be modified when storage mode is set to "
                "IN_MEMORY_ANALYTICAL.")):
            engine.set_isolation_level(level)
    with pytest.raises(UnsupportedOperation):
        engine.begin(IsolationLevel.SNAPSHOT_ISOLATION)
    assert engine.begin().isolation is IsolationLevel.READ_UNCOMMITTED


def test_snapshot_waits_for_running_transactions_and_blocks_new_ones(
    engine: InMemoryAnalyticalEngine,
) -> None:
    running = engine.begin()
    running.create_node(("A",))
    done: list[str] = []
    snap = threading.Thread(target=lambda: done.append(engine.create_snapshot()))
    snap.start()
    time.sleep(0.2)
    assert not done  # waits for ``running``
    began: list[object] = []
    newcomer = threading.Thread(target=lambda: began.append(engine.begin()))
    newcomer.start()
    time.sleep(0.2)
    assert not began  # a new transaction waits behind the snapshot
    running.create_node(("A",))  # the running one goes on
    running.commit()
    snap.join(5)
    newcomer.join(5)
    assert done and began
    began[0].commit()  # type: ignore[attr-defined]


def test_restart_in_transactional_mode_recovers_the_snapshot(data_dir: Path) -> None:
    ana = InMemoryAnalyticalEngine()
    ana.open(EngineContext(data_directory=data_dir))
    ana.schema.create_index(IndexSpec("P", ("id",)))
    t = ana.begin()
    a = t.create_node(("P",), {"id": 1})
    b = t.create_node(("P",), {"id": 2})
    t.create_relationship(a, b, "KNOWS", {"w": 0.5})
    t.commit()
    ana.create_snapshot()
    t = ana.begin()
    t.create_node(("Lost",))  # after the snapshot: analytical commits are not durable
    t.commit()
    ana.close()
    assert read_marker(data_dir) == ("IN_MEMORY_TRANSACTIONAL", 1)
    tx = _open_tx(data_dir)
    try:
        r = tx.begin()
        assert sorted(r.node_property(n, "id") for n in r.nodes_by_label("P")) == [1, 2]
        assert list(r.nodes_by_label("Lost")) == []
        (rel,) = r.relationships()
        assert r.relationship_properties(rel) == {"w": 0.5}
        assert [i.spec for i in tx.schema.indexes()] == [IndexSpec("P", ("id",))]
        r.commit()
    finally:
        tx.close()
    # and the analytical engine opens what the transactional one left (snapshot + WAL)
    ana = InMemoryAnalyticalEngine()
    ana.open(EngineContext(data_directory=data_dir))
    assert ana.statistics().node_count == 2
    ana.close()


def test_drop_graph_empties_data_indexes_and_constraints(
    engine: InMemoryAnalyticalEngine,
) -> None:
    engine.schema.create_index(IndexSpec("A", ("x",)))
    t = engine.begin()
    for i in range(100):
        t.create_node(("A",), {"x": i})
    t.commit()
    engine.drop_graph()
    assert engine.schema.indexes() == []
    stats = engine.statistics()
    assert (stats.node_count, stats.relationship_count, stats.label_counts) == (0, 0, {})
    t = engine.begin()
    assert list(t.nodes()) == []
    n = t.create_node(("B",))
    assert n.gid == 0
    t.commit()


def test_hand_over_both_ways_keeps_data_indexes_and_constraints(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    tx = _open_tx(directory)
    assert isinstance(tx, StoreHandOver)
    tx.schema.create_index(IndexSpec("A", ("x",)))
    tx.schema.create_constraint(ConstraintSpec(ConstraintKind.UNIQUE, "A", ("x",)))
    t = tx.begin()
    n = t.create_node(("A",), {"x": 1})
    t.set_node_property(n, "x", 2)  # leaves a delta chain that hand_over releases
    t.commit()
    vertices = tx._vertices
    ana = InMemoryAnalyticalEngine()
    assert ana.store_kind == tx.store_kind
    ana.take_over(tx.hand_over(), EngineContext(data_directory=directory))
    assert ana._vertices is vertices  # in place, no copy
    assert ana.schema.constraints() == [ConstraintSpec(ConstraintKind.UNIQUE, "A", ("x",))]
    t = ana.begin()
    assert [v.gid for v in t.nodes_by_property("A", "x", 2)] == [n.gid]
    m = t.create_node(("A",), {"x": 3})
    t.create_relationship(n, m, "R")
    t.commit()
    snapshots = sorted((directory / "snapshots").iterdir())
    back = InMemoryTransactionalEngine()
    back.take_over(ana.hand_over(), EngineContext(data_directory=directory))
    assert len(sorted((directory / "snapshots").iterdir())) > len(snapshots)  # durable now
    t = back.begin()
    t.create_node(("A",), {"x": 4})  # logged to the WAL again
    t.commit()
    back.close()
    again = _open_tx(directory)
    try:
        r = again.begin()
        assert sorted(r.node_property(v, "x") for v in r.nodes_by_label("A")) == [2, 3, 4]
        assert again.statistics().relationship_count == 1
        assert again.schema.constraints() == [ConstraintSpec(ConstraintKind.UNIQUE, "A", ("x",))]
        r.commit()
    finally:
        again.close()


def test_hand_over_is_refused_while_a_transaction_runs(tmp_path: Path) -> None:
    tx = _open_tx(tmp_path / "data")
    t = tx.begin()
    with pytest.raises(StorageError, match="transactions are running"):
        tx.hand_over()
    t.rollback()
    store = tx.hand_over()
    ana = InMemoryAnalyticalEngine()
    ana.take_over(store, EngineContext(data_directory=tmp_path / "data"))
    t = ana.begin()
    with pytest.raises(StorageError, match="transactions are running"):
        ana.hand_over()
    t.commit()
    ana.close()


def test_import_freezes_the_graph_and_close_unfreezes(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    import mgcore_engine_in_memory_analytical.engine as module

    monkeypatch.setattr(module, "FREEZE_EVERY", 50)
    eng = InMemoryAnalyticalEngine()
    eng.open(EngineContext(data_directory=data_dir))
    t = eng.begin()
    nodes = [t.create_node(("A",), {"i": i}) for i in range(60)]
    assert gc.get_freeze_count() > 0
    t.detach_delete_node(nodes[0])
    t.commit()
    assert eng.statistics().node_count == 59
    eng.close()
    assert gc.get_freeze_count() == 0


def _exact_entries(engine: InMemoryAnalyticalEngine, spec: IndexSpec) -> tuple[set[bytes], dict]:
    """The entries and point table an index must hold when only current versions count."""
    from mgcore.storage.kit.codec import index_key
    from mgcore.storage.kit.lookups import cypher_equals
    from mgcore_engine_in_memory_tx.indexes import MANY, pointable

    keys: set[bytes] = set()
    holders: list[tuple[object, list[object]]] = []
    t = engine.begin()
    for node in t.nodes_by_label(spec.label):
        value = t.node_property(node, spec.properties[0])
        if value is None:
            continue
        keys.add(index_key((value,), node.gid))  # type: ignore[attr-defined]
        if pointable(value):
            for known, nodes in holders:
                if cypher_equals(known, value):
                    nodes.append(node)
                    break
            else:
                holders.append((value, [node]))
    t.commit()
    points = {value: nodes[0] if len(nodes) == 1 else MANY for value, nodes in holders}
    return keys, points


@pytest.mark.parametrize("seed", range(3))
def test_indexes_handed_over_by_the_transactional_engine_are_exact(
    tmp_path: Path, seed: int
) -> None:
    """The analytical engine answers a point-table hit without reading the vertex's value: it
    relies on the transactional engine's index GC having removed, once every delta is released
    at the hand-over, each entry no current version produces. Here old versions are kept alive
    by readers, values are changed (to equal values of other types too: 1 and 1.0), labels and
    properties removed, nodes deleted, and some writers roll back; after the hand-over every
    property index holds exactly its current entries, and seeks agree with a scan."""
    import random

    from mgcore.storage.kit.lookups import cypher_equals

    rng = random.Random(seed)
    directory = tmp_path / "data"
    tx = _open_tx(directory)
    spec = IndexSpec("A", ("x",))
    tx.schema.create_index(spec)
    values = [0, 1, 1.0, 2, 2.5, "a", "b", True, [1], -0.0]
    t = tx.begin()
    nodes = [t.create_node(("A",), {"x": rng.choice(values)}) for _ in range(60)]
    t.commit()
    readers = [tx.begin()]  # keeps every first version alive to the end
    for _ in range(120):
        if rng.random() < 0.15:
            readers.append(tx.begin())
        if len(readers) > 1 and rng.random() < 0.1:
            readers.pop(rng.randrange(1, len(readers))).rollback()
        t = tx.begin()
        for _ in range(rng.randint(1, 4)):
            node = t.node(rng.choice(nodes).gid)
            if node is None:
                continue
            action = rng.random()
            if action < 0.6:
                t.set_node_property(node, "x", rng.choice([*values, None]))
            elif action < 0.75:
                if not t.remove_label(node, "A"):
                    t.add_label(node, "A")
            elif action < 0.8:
                t.detach_delete_node(node)
            else:
                t.add_label(node, "B")
        if rng.random() < 0.3:
            t.rollback()
        else:
            t.commit()
    live, _ = _exact_entries(tx, spec)  # type: ignore[arg-type]
    assert set(tx._indexes.props[spec].entries) > live  # old versions' entries are there
    for reader in readers:
        reader.rollback()
    ana = InMemoryAnalyticalEngine()
    ana.take_over(tx.hand_over(), EngineContext(data_directory=directory))
    try:
        index = ana._indexes.props[spec]
        keys, points = _exact_entries(ana, spec)
        assert set(index.entries) == keys
        assert index.points == points
        t = ana.begin()
        for value in values:
            expected = sorted(
                n.gid for n in t.nodes_by_label("A")  # type: ignore[attr-defined]
                if cypher_equals(t.node_property(n, "x"), value)
            )
            found = sorted(n.gid for n in t.nodes_by_property("A", "x", value))  # type: ignore[attr-defined]
            assert found == expected, value
        t.commit()
    finally:
        ana.close()


def test_type_constraint_creation_is_refused(engine: InMemoryAnalyticalEngine) -> None:
    """Memgraph's message for IS TYPED in analytical mode (interpreter.cpp)."""
    with pytest.raises(UnsupportedOperation, match=re.escape(
            "Type constraints are not supported in analytical storage mode.")):
        engine.schema.create_constraint(
            ConstraintSpec(ConstraintKind.TYPE, "A", ("x",), DataType.INTEGER)
        )
    assert engine.schema.constraints() == []
