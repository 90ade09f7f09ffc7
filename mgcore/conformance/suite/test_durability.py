"""Reopening: committed data of a durable engine survives close and reopen, uncommitted and
rolled-back data does not, and a data directory is refused by an engine registered under another
name.

The suite can only reach a data directory through public behaviour, so "another engine" is a
subclass of the engine under test that declares a different storage-mode ``name`` (what the
registry would load for another entry point); the directory's marker must tell them apart. Forged
or corrupt markers, and format versions, cannot be produced that way and are left to each
engine's own tests.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from mgcore.conformance.suite._support import ROUND_TRIP_VALUES, dump
from mgcore.storage.errors import EngineIncompatible
from mgcore.storage.records import Direction


def snapshot(engine: Any) -> dict[str, Any]:
    tx = engine.begin()
    try:
        return dump(tx)
    finally:
        tx.rollback()


def build(engine: Any) -> dict[str, int]:
    """Committed data of every shape, including committed deletions and updates."""
    tx = engine.begin()
    values = {f"v_{name}": value for name, value in ROUND_TRIP_VALUES}
    a = tx.create_node(["A", "B"], values)
    b = tx.create_node(["B"], {"k": 1})
    gone = tx.create_node(["Gone"])
    rel = tx.create_relationship(a, b, "R", {"w": -0.0, "nan": math.nan})
    tx.create_relationship(b, b, "LOOP")
    tx.create_relationship(gone, a, "TO_GONE")
    tx.commit()
    tx = engine.begin()
    tx.detach_delete_node(tx.node(gone.gid))
    tx.set_node_property(tx.node(b.gid), "k", 2)
    tx.remove_label(tx.node(a.gid), "B")
    tx.commit()
    return {"a": a.gid, "b": b.gid, "gone": gone.gid, "rel": rel.gid}


def test_reopening_the_same_engine_works(engine: Any, reopen: Any) -> None:
    """Closing and reopening an engine of the same kind on its own directory succeeds, twice."""
    tx = engine.begin()
    tx.create_node()
    tx.commit()
    again = reopen()
    again.begin().rollback()
    reopen().begin().rollback()


def other_engine_class(engine_class: type) -> type:
    """The engine under test registered under another storage-mode name."""
    return type("OtherConformanceEngine", (engine_class,), {"name": "CONFORMANCE_OTHER_ENGINE"})


def test_directory_of_another_engine_is_refused(
    engine_factory: Any, engine_class: type, data_dir: Path
) -> None:
    """An engine with another name refuses a directory this engine wrote, and this engine refuses
    one the other wrote, with EngineIncompatible."""
    engine = engine_factory.open()
    tx = engine.begin()
    tx.create_node(["Mine"])
    tx.commit()
    engine_factory.close(engine)
    other = other_engine_class(engine_class)
    with pytest.raises(EngineIncompatible):
        engine_factory.open(cls=other)

    foreign_dir = data_dir.parent / "foreign"
    foreign = engine_factory.open(data_dir=foreign_dir, cls=other)
    tx = foreign.begin()
    tx.create_node(["Theirs"])
    tx.commit()
    engine_factory.close(foreign)
    with pytest.raises(EngineIncompatible):
        engine_factory.open(data_dir=foreign_dir)


def test_missing_data_directory_is_created(engine_factory: Any, data_dir: Path) -> None:
    """Opening on a directory that does not exist yet creates it."""
    target = data_dir / "nested" / "deeper"
    engine = engine_factory.open(data_dir=target)
    tx = engine.begin()
    tx.create_node()
    tx.commit()
    assert target.is_dir()


@pytest.mark.requires("durable")
def test_committed_data_survives_reopen(engine: Any, reopen: Any) -> None:
    """Everything committed, including deletions and updates, is there after reopening; an
    uncommitted transaction open at close and a rolled-back one leave no trace."""
    g = build(engine)
    expected = snapshot(engine)
    rolled_back = engine.begin()
    rolled_back.create_node(["RolledBack"])
    rolled_back.set_node_property(rolled_back.node(g["a"]), "v_true", False)
    rolled_back.rollback()
    open_at_close = engine.begin()
    open_at_close.create_node(["Uncommitted"])
    open_at_close.set_node_property(open_at_close.node(g["b"]), "k", 99)
    open_at_close.delete_relationship(open_at_close.relationship(g["rel"]))

    engine = reopen()
    assert snapshot(engine) == expected
    tx = engine.begin()
    assert tx.node(g["gone"]) is None
    assert list(tx.nodes_by_label("Uncommitted")) == []
    assert list(tx.nodes_by_label("RolledBack")) == []
    assert tx.node_property(tx.node(g["b"]), "k") == 2
    assert tx.node_labels(tx.node(g["a"])) == ("A",)
    tx.rollback()


@pytest.mark.requires("durable")
def test_new_gids_after_reopen_do_not_collide(engine: Any, reopen: Any) -> None:
    """Entities created after a reopen get gids no recovered entity has."""
    g = build(engine)
    engine = reopen()
    tx = engine.begin()
    old_nodes = {n.gid for n in tx.nodes()} | {g["gone"]}
    old_rels = {r.gid for r in tx.relationships()}
    node = tx.create_node()
    rel = tx.create_relationship(node, tx.node(g["a"]), "NEW")
    assert node.gid not in old_nodes
    assert rel.gid not in old_rels
    tx.commit()
    engine = reopen()
    tx = engine.begin()
    assert [r.gid for r, _ in tx.expand(tx.node(g["a"]), Direction.IN, ("NEW",))] == [rel.gid]
    tx.rollback()


@pytest.mark.requires("durable")
def test_several_reopen_cycles_accumulate(engine: Any, reopen: Any) -> None:
    """Each cycle's commits add to what earlier cycles committed."""
    for cycle in range(3):
        tx = engine.begin()
        tx.create_node(["Cycle"], {"n": cycle})
        tx.commit()
        engine = reopen()
        tx = engine.begin()
        assert sorted(tx.node_property(n, "n") for n in tx.nodes_by_label("Cycle")) == list(
            range(cycle + 1)
        )
        tx.rollback()


@pytest.mark.requires("durable", "snapshots")
def test_snapshot_then_more_commits_survive_reopen(engine: Any, reopen: Any) -> None:
    """Data committed before and after a snapshot are both recovered."""
    build(engine)
    path = engine.create_snapshot()
    assert Path(path).exists()
    tx = engine.begin()
    tx.create_node(["AfterSnapshot"])
    tx.commit()
    expected = snapshot(engine)
    engine = reopen()
    assert snapshot(engine) == expected
