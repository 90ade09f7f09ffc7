"""Commit makes every write visible to later transactions; rollback restores the graph exactly."""

from __future__ import annotations

from typing import Any

import pytest

from mgcore.conformance.suite._support import dump, gids
from mgcore.storage.records import Direction


def build_base(engine: Any) -> dict[str, int]:
    """A committed graph with labels, properties, a self-loop and parallel relationships."""
    tx = engine.begin()
    a = tx.create_node(["Person"], {"name": "a", "tags": ["x", "y"]})
    b = tx.create_node(["Person", "Admin"], {"name": "b"})
    c = tx.create_node([], {"n": 1})
    d = tx.create_node(["Lonely"])
    ab = tx.create_relationship(a, b, "KNOWS", {"w": 1.5})
    ab2 = tx.create_relationship(a, b, "KNOWS")
    ba = tx.create_relationship(b, a, "LIKES", {"m": {"k": [1]}})
    cc = tx.create_relationship(c, c, "SELF")
    bc = tx.create_relationship(b, c, "OWNS")
    tx.commit()
    return {
        "a": a.gid, "b": b.gid, "c": c.gid, "d": d.gid,
        "ab": ab.gid, "ab2": ab2.gid, "ba": ba.gid, "cc": cc.gid, "bc": bc.gid,
    }


def snapshot(engine: Any) -> dict[str, Any]:
    tx = engine.begin()
    try:
        return dump(tx)
    finally:
        tx.rollback()


def mutate_everything(tx: Any, g: dict[str, int]) -> None:
    """Every kind of write the contract offers, on committed and on new entities."""
    a, b, c, d = (tx.node(g[k]) for k in "abcd")
    new = tx.create_node(["New"], {"p": 1})
    tx.create_relationship(new, a, "NEW_REL", {"q": 2})
    tx.create_relationship(d, d, "LOOP")
    tx.add_label(a, "Added")
    tx.remove_label(b, "Admin")
    tx.set_node_property(a, "name", "changed")
    tx.set_node_property(a, "tags", None)
    tx.set_node_property(c, "fresh", [1, 2])
    rel = tx.relationship(g["ab"])
    tx.set_relationship_property(rel, "w", None)
    tx.set_relationship_property(rel, "v", "new")
    tx.set_relationship_property(tx.relationship(g["ba"]), "m", 0)
    tx.delete_relationship(tx.relationship(g["ab2"]))
    assert tx.detach_delete_node(c) == 2
    tx.create_relationship(b, new, "KNOWS")
    tx.detach_delete_node(new)


def test_commit_makes_writes_visible_to_later_transactions(engine: Any) -> None:
    """A transaction begun after a commit sees every committed write."""
    g = build_base(engine)
    tx = engine.begin()
    assert gids(tx.nodes()) == sorted(g[k] for k in "abcd")
    assert gids(tx.relationships()) == sorted(g[k] for k in ("ab", "ab2", "ba", "cc", "bc"))
    a, b = tx.node(g["a"]), tx.node(g["b"])
    assert tx.node_labels(b) == ("Person", "Admin")
    assert tx.node_properties(a) == {"name": "a", "tags": ["x", "y"]}
    assert tx.relationship_properties(tx.relationship(g["ab"])) == {"w": 1.5}
    assert sorted(r.gid for r, _ in tx.expand(a, Direction.OUT)) == sorted([g["ab"], g["ab2"]])
    tx.rollback()

    tx = engine.begin()
    mutate_everything(tx, g)
    expected = dump(tx)
    tx.commit()
    assert snapshot(engine) == expected


@pytest.mark.requires("transactional")
def test_rollback_restores_everything(engine: Any) -> None:
    """After rollback, a new transaction sees exactly the graph as it was before."""
    g = build_base(engine)
    before = snapshot(engine)
    tx = engine.begin()
    mutate_everything(tx, g)
    assert dump(tx) != before
    tx.rollback()
    assert snapshot(engine) == before


@pytest.mark.requires("transactional")
def test_rollback_of_creations_on_an_empty_engine(engine: Any) -> None:
    """Rolling back a transaction that only created things leaves the engine empty."""
    tx = engine.begin()
    a = tx.create_node(["L"], {"k": 1})
    tx.create_relationship(a, tx.create_node(), "R", {"p": 1})
    tx.rollback()
    tx = engine.begin()
    assert list(tx.nodes()) == []
    assert list(tx.relationships()) == []
    assert list(tx.nodes_by_label("L")) == []
    assert list(tx.nodes_by_property("L", "k", 1)) == []
    tx.rollback()


@pytest.mark.requires("transactional")
def test_rollback_of_a_detach_delete_restores_adjacency(engine: Any) -> None:
    """A rolled-back detach delete gives back the node and its relationships, in both directions
    and at the other endpoints, with their properties."""
    g = build_base(engine)
    before = snapshot(engine)
    tx = engine.begin()
    assert tx.detach_delete_node(tx.node(g["b"])) == 4
    assert tx.degree(tx.node(g["a"]), Direction.BOTH) == 0
    tx.rollback()
    assert snapshot(engine) == before
    tx = engine.begin()
    assert tx.degree(tx.node(g["a"]), Direction.BOTH) == 3
    assert tx.degree(tx.node(g["c"]), Direction.IN) == 2
    tx.rollback()


@pytest.mark.requires("transactional")
def test_repeated_writes_to_one_entity_roll_back_to_the_committed_value(engine: Any) -> None:
    """Many writes of one property and label in one transaction roll back to the committed state,
    not to an intermediate one."""
    tx = engine.begin()
    node = tx.create_node(["L"], {"k": 0})
    tx.commit()
    tx = engine.begin()
    handle = tx.node(node.gid)
    for i in range(1, 6):
        tx.set_node_property(handle, "k", i)
        tx.remove_label(handle, "L")
        tx.add_label(handle, "L")
        tx.add_label(handle, f"T{i}")
    tx.rollback()
    tx = engine.begin()
    handle = tx.node(node.gid)
    assert tx.node_properties(handle) == {"k": 0}
    assert tx.node_labels(handle) == ("L",)
    tx.rollback()


@pytest.mark.requires("transactional")
def test_commit_and_rollback_interleave(engine: Any) -> None:
    """Of two transactions touching different nodes, the committed one's writes stay and the
    rolled-back one's vanish."""
    g = build_base(engine)
    t1 = engine.begin()
    t2 = engine.begin()
    t1.set_node_property(t1.node(g["a"]), "from", "t1")
    t2.set_node_property(t2.node(g["d"]), "from", "t2")
    t2.create_node(["FromT2"])
    t1.commit()
    t2.rollback()
    tx = engine.begin()
    assert tx.node_property(tx.node(g["a"]), "from") == "t1"
    assert tx.node_property(tx.node(g["d"]), "from") is None
    assert list(tx.nodes_by_label("FromT2")) == []
    tx.rollback()


def test_empty_and_read_only_commits(engine: Any) -> None:
    """Committing a transaction that wrote nothing, or a read-only one, changes nothing."""
    g = build_base(engine)
    before = snapshot(engine)
    engine.begin().commit()
    tx = engine.begin(read_only=True)
    dump(tx)
    tx.commit()
    tx = engine.begin()
    tx.node(g["a"])
    tx.commit()
    assert snapshot(engine) == before
