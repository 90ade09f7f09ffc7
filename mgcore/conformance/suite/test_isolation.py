"""Isolation between concurrent transactions: uncommitted writes are never visible to others, and
under snapshot isolation a transaction sees exactly what was committed before it began."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from mgcore.conformance.suite._support import dump, gids
from mgcore.storage.errors import UnsupportedOperation
from mgcore.storage.records import Direction, IsolationLevel


def base_graph(engine: Any) -> dict[str, int]:
    tx = engine.begin()
    a = tx.create_node(["L"], {"k": 1})
    b = tx.create_node(["L"], {"k": 2})
    doomed = tx.create_node(["L"], {"k": 3})
    rel = tx.create_relationship(a, b, "R", {"w": 1})
    doomed_rel = tx.create_relationship(b, doomed, "R")
    tx.commit()
    return {"a": a.gid, "b": b.gid, "doomed": doomed.gid, "rel": rel.gid,
            "doomed_rel": doomed_rel.gid}


def write_everything(tx: Any, g: dict[str, int]) -> None:
    """Creations, property and label changes, a new relationship and deletions."""
    a, b = tx.node(g["a"]), tx.node(g["b"])
    tx.set_node_property(a, "k", 100)
    tx.add_label(a, "New")
    tx.remove_label(b, "L")
    tx.create_node(["L", "Created"], {"k": 1})
    tx.create_relationship(b, a, "BACK")
    tx.set_relationship_property(tx.relationship(g["rel"]), "w", 2)
    assert tx.detach_delete_node(tx.node(g["doomed"])) == 1


def in_fresh_tx(engine: Any) -> dict[str, Any]:
    tx = engine.begin()
    try:
        return dump(tx)
    finally:
        tx.rollback()


@pytest.mark.requires("transactional")
def test_uncommitted_writes_are_invisible_to_others(engine: Any, capabilities: Any) -> None:
    """Neither a transaction begun before nor one begun after another's writes sees them while
    they are uncommitted, and after rollback nobody ever does."""
    levels = [
        level for level in (IsolationLevel.SNAPSHOT_ISOLATION, IsolationLevel.READ_COMMITTED)
        if level in capabilities.isolation_levels
    ]
    if not levels:
        pytest.skip("the engine declares neither SNAPSHOT_ISOLATION nor READ_COMMITTED")
    g = base_graph(engine)
    before = in_fresh_tx(engine)
    early = engine.begin(levels[0])
    writer = engine.begin()
    write_everything(writer, g)
    late = engine.begin(levels[0])
    assert dump(early) == before
    assert dump(late) == before
    assert gids(late.nodes_by_label("Created")) == []
    assert gids(late.nodes_by_property("L", "k", 100)) == []
    writer.rollback()
    assert dump(early) == before
    early.rollback()
    late.rollback()
    assert in_fresh_tx(engine) == before


@pytest.mark.requires("transactional", "READ_UNCOMMITTED")
def test_read_uncommitted_sees_uncommitted_writes(engine: Any) -> None:
    """A READ_UNCOMMITTED transaction sees another's writes before they commit."""
    g = base_graph(engine)
    reader = engine.begin(IsolationLevel.READ_UNCOMMITTED)
    writer = engine.begin()
    writer.set_node_property(writer.node(g["a"]), "k", 100)
    assert reader.node_property(reader.node(g["a"]), "k") == 100
    writer.rollback()
    reader.rollback()


@pytest.mark.requires("SNAPSHOT_ISOLATION")
def test_snapshot_reader_does_not_see_later_commits(engine: Any) -> None:
    """A reader begun before a commit keeps seeing the old graph (nodes, properties, labels,
    relationships, deletions); one begun after sees the new graph."""
    g = base_graph(engine)
    before = in_fresh_tx(engine)
    reader = engine.begin(IsolationLevel.SNAPSHOT_ISOLATION)
    writer = engine.begin()
    write_everything(writer, g)
    expected_after = dump(writer)
    writer.commit()

    assert dump(reader) == before
    doomed = reader.node(g["doomed"])
    assert doomed is not None
    assert reader.node_properties(doomed) == {"k": 3}
    assert [r.gid for r, _ in reader.expand(doomed, Direction.IN)] == [g["doomed_rel"]]
    assert gids(reader.nodes_by_label("L")) == sorted([g["a"], g["b"], g["doomed"]])
    assert gids(reader.nodes_by_property("L", "k", 1)) == [g["a"]]
    assert gids(reader.nodes_by_label("Created")) == []

    after = engine.begin(IsolationLevel.SNAPSHOT_ISOLATION)
    assert dump(after) == expected_after
    assert after.node(g["doomed"]) is None
    assert after.relationship(g["doomed_rel"]) is None
    reader.rollback()
    after.rollback()


@pytest.mark.requires("SNAPSHOT_ISOLATION")
def test_snapshot_reader_is_stable_across_several_commits(engine: Any) -> None:
    """An old reader's view does not move while several later transactions commit."""
    g = base_graph(engine)
    reader = engine.begin(IsolationLevel.SNAPSHOT_ISOLATION)
    before = dump(reader)
    for i in range(3):
        tx = engine.begin()
        tx.set_node_property(tx.node(g["a"]), "k", 10 + i)
        tx.create_node(["L"], {"k": i})
        tx.commit()
        assert dump(reader) == before
    reader.rollback()
    tx = engine.begin()
    assert tx.node_property(tx.node(g["a"]), "k") == 12
    tx.rollback()


@pytest.mark.requires("SNAPSHOT_ISOLATION")
def test_snapshot_reader_sees_its_own_writes_over_its_snapshot(engine: Any) -> None:
    """A transaction's own writes show on top of its snapshot, not on top of later commits."""
    g = base_graph(engine)
    reader = engine.begin(IsolationLevel.SNAPSHOT_ISOLATION)
    writer = engine.begin()
    writer.set_node_property(writer.node(g["b"]), "k", 50)
    writer.create_node(["L"], {"k": 7})
    writer.commit()
    reader.set_node_property(reader.node(g["a"]), "own", True)
    assert reader.node_properties(reader.node(g["a"])) == {"k": 1, "own": True}
    assert reader.node_property(reader.node(g["b"]), "k") == 2
    assert gids(reader.nodes_by_property("L", "k", 7)) == []
    reader.rollback()


@pytest.mark.requires("READ_COMMITTED")
def test_read_committed_sees_commits_made_after_it_began(engine: Any) -> None:
    """A READ_COMMITTED transaction sees another's writes once they commit, not before."""
    g = base_graph(engine)
    reader = engine.begin(IsolationLevel.READ_COMMITTED)
    writer = engine.begin()
    writer.set_node_property(writer.node(g["a"]), "k", 100)
    assert reader.node_property(reader.node(g["a"]), "k") == 1
    writer.commit()
    assert reader.node_property(reader.node(g["a"]), "k") == 100
    reader.rollback()


def test_begin_accepts_exactly_the_declared_isolation_levels(
    engine: Any, capabilities: Any
) -> None:
    """Declared levels begin and report themselves; undeclared ones raise UnsupportedOperation;
    ``None`` means the default level."""
    for level in IsolationLevel:
        if level in capabilities.isolation_levels:
            tx = engine.begin(level)
            assert tx.isolation == level
            tx.rollback()
        else:
            with pytest.raises(UnsupportedOperation):
                engine.begin(level)
    tx = engine.begin()
    assert tx.isolation == capabilities.default_isolation
    tx.rollback()


def test_set_isolation_level_changes_the_default(engine: Any, capabilities: Any) -> None:
    """``set_isolation_level`` sets the level of later ``begin()`` calls for declared levels;
    an engine with a single level may refuse every change (UnsupportedOperation)."""
    levels = sorted(capabilities.isolation_levels, key=lambda lv: lv.value)
    for level in levels:
        if len(levels) == 1:
            with contextlib.suppress(UnsupportedOperation):
                engine.set_isolation_level(level)
        else:
            engine.set_isolation_level(level)
        tx = engine.begin()
        assert tx.isolation == level
        tx.rollback()
