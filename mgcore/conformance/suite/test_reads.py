"""Read-your-writes: a transaction sees its own creations, changes and deletions at once, through
point lookups, scans, label/property lookups and adjacency."""

from __future__ import annotations

from typing import Any

from mgcore.conformance.suite._support import gids
from mgcore.storage.records import Direction, PropertyRange


def test_created_node_is_visible_to_its_transaction(engine: Any) -> None:
    """A new node is found by gid, by scan and by label, with its labels and properties."""
    tx = engine.begin()
    node = tx.create_node(["Person", "Admin"], {"name": "Ada", "age": 36})
    assert tx.node(node.gid) == node
    assert hash(tx.node(node.gid)) == hash(node)
    assert gids(tx.nodes()) == [node.gid]
    assert gids(tx.nodes_by_label("Person")) == [node.gid]
    assert gids(tx.nodes_by_label("Admin")) == [node.gid]
    assert gids(tx.nodes_by_label("Other")) == []
    assert tx.node_labels(node) == ("Person", "Admin")
    assert tx.node_has_label(node, "Admin")
    assert not tx.node_has_label(node, "Other")
    assert tx.node_properties(node) == {"name": "Ada", "age": 36}
    assert gids(tx.nodes_by_property("Person", "name", "Ada")) == [node.gid]
    assert gids(tx.nodes_by_property("Person", "age", 36.0)) == [node.gid]
    assert gids(tx.nodes_by_property_range("Person", "age", PropertyRange(30, True, 40))) == [
        node.gid
    ]
    assert gids(tx.nodes_by_property_prefix("Person", "name", "Ad")) == [node.gid]
    tx.rollback()


def test_unknown_gids_are_none(engine: Any) -> None:
    """Looking up a gid that was never used yields None, not an error."""
    tx = engine.begin()
    node = tx.create_node()
    rel = tx.create_relationship(node, node, "R")
    assert tx.node(node.gid + 1000) is None
    assert tx.relationship(rel.gid + 1000) is None
    tx.rollback()


def test_labels_keep_insertion_order_and_report_changes(engine: Any) -> None:
    """``add_label``/``remove_label`` say whether they changed anything; labels read back in the
    order they were added."""
    tx = engine.begin()
    node = tx.create_node(["B"])
    assert tx.add_label(node, "A") is True
    assert tx.add_label(node, "A") is False
    assert tx.add_label(node, "C") is True
    assert tx.node_labels(node) == ("B", "A", "C")
    assert tx.remove_label(node, "B") is True
    assert tx.remove_label(node, "B") is False
    assert tx.remove_label(node, "Missing") is False
    assert tx.node_labels(node) == ("A", "C")
    assert tx.add_label(node, "B") is True
    assert tx.node_labels(node) == ("A", "C", "B")
    tx.commit()
    tx = engine.begin()
    assert tx.node_labels(tx.node(node.gid)) == ("A", "C", "B")
    tx.rollback()


def test_duplicate_labels_at_creation_collapse(engine: Any) -> None:
    """A label given twice at creation is stored once."""
    tx = engine.begin()
    node = tx.create_node(["A", "B", "A"])
    assert tx.node_labels(node) == ("A", "B")
    assert gids(tx.nodes_by_label("A")) == [node.gid]
    tx.rollback()


def test_created_relationship_is_visible_to_its_transaction(engine: Any) -> None:
    """A new relationship is found by gid, by scan and by expansion from both ends."""
    tx = engine.begin()
    a, b = tx.create_node(["A"]), tx.create_node(["B"])
    rel = tx.create_relationship(a, b, "KNOWS", {"since": 2020})
    assert tx.relationship(rel.gid) == rel
    assert gids(tx.relationships()) == [rel.gid]
    assert tx.relationship_type(rel) == "KNOWS"
    assert tx.relationship_start(rel) == a
    assert tx.relationship_end(rel) == b
    assert tx.relationship_properties(rel) == {"since": 2020}
    assert list(tx.expand(a, Direction.OUT)) == [(rel, b)]
    assert list(tx.expand(b, Direction.IN)) == [(rel, a)]
    assert list(tx.expand(a, Direction.IN)) == []
    assert list(tx.expand(b, Direction.OUT)) == []
    assert tx.degree(a, Direction.OUT) == 1
    assert tx.degree(b, Direction.BOTH) == 1
    tx.rollback()


def test_changes_to_committed_data_are_visible_at_once(engine: Any) -> None:
    """Label, property and relationship changes to committed entities show in every read path of
    the transaction that made them."""
    tx = engine.begin()
    a = tx.create_node(["Old"], {"k": 1})
    b = tx.create_node(["Old"], {"k": 2})
    rel = tx.create_relationship(a, b, "R")
    tx.commit()

    tx = engine.begin()
    a, b = tx.node(a.gid), tx.node(b.gid)
    tx.remove_label(a, "Old")
    tx.add_label(a, "New")
    tx.set_node_property(b, "k", 10)
    assert gids(tx.nodes_by_label("Old")) == [b.gid]
    assert gids(tx.nodes_by_label("New")) == [a.gid]
    assert gids(tx.nodes_by_property("Old", "k", 2)) == []
    assert gids(tx.nodes_by_property("Old", "k", 10)) == [b.gid]
    assert gids(tx.nodes_by_property_range("Old", "k", PropertyRange(5, True, None))) == [b.gid]
    assert gids(tx.nodes_by_property("New", "k", 1)) == [a.gid]

    tx.delete_relationship(tx.relationship(rel.gid))
    assert tx.relationship(rel.gid) is None
    assert list(tx.relationships()) == []
    assert list(tx.expand(a, Direction.BOTH)) == []
    assert tx.degree(b, Direction.IN) == 0
    rel2 = tx.create_relationship(b, a, "S")
    assert list(tx.expand(a, Direction.IN)) == [(rel2, b)]
    assert list(tx.expand(b, Direction.OUT)) == [(rel2, a)]
    tx.rollback()


def test_deleted_entities_disappear_from_every_read_path(engine: Any) -> None:
    """After a delete the transaction no longer finds the node or relationship anywhere."""
    tx = engine.begin()
    a = tx.create_node(["L"], {"k": "x"})
    b = tx.create_node(["L"], {"k": "y"})
    c = tx.create_node(["L"], {"k": "z"})
    r1 = tx.create_relationship(a, b, "R")
    r2 = tx.create_relationship(b, c, "R")
    tx.commit()

    tx = engine.begin()
    a, b, c = tx.node(a.gid), tx.node(b.gid), tx.node(c.gid)
    assert tx.delete_relationship(tx.relationship(r2.gid)) is True
    assert tx.delete_node(c) is True
    fresh = tx.create_node(["L"], {"k": "w"})
    assert tx.delete_node(fresh) is True
    for gone in (c, fresh):
        assert tx.node(gone.gid) is None
        assert tx.is_deleted(gone)
    assert tx.relationship(r2.gid) is None
    assert gids(tx.nodes()) == sorted([a.gid, b.gid])
    assert gids(tx.nodes_by_label("L")) == sorted([a.gid, b.gid])
    assert gids(tx.nodes_by_property("L", "k", "z")) == []
    assert gids(tx.nodes_by_property("L", "k", "w")) == []
    assert gids(tx.nodes_by_property_prefix("L", "k", "")) == sorted([a.gid, b.gid])
    assert gids(tx.relationships()) == [r1.gid]
    assert [r.gid for r, _ in tx.expand(b, Direction.BOTH)] == [r1.gid]
    assert tx.degree(b, Direction.OUT) == 0
    assert not tx.is_deleted(a)
    tx.rollback()


def test_handles_of_one_entity_are_equal(engine: Any) -> None:
    """Handles of the same entity from different read paths compare equal and hash alike."""
    tx = engine.begin()
    a = tx.create_node(["L"], {"k": 1})
    b = tx.create_node()
    rel = tx.create_relationship(a, b, "R")
    tx.commit()
    tx = engine.begin()
    found = [
        tx.node(a.gid),
        next(iter(tx.nodes_by_label("L"))),
        next(iter(tx.nodes_by_property("L", "k", 1))),
        tx.relationship_start(tx.relationship(rel.gid)),
        next(iter(tx.expand(tx.node(b.gid), Direction.IN)))[1],
    ]
    assert all(h == found[0] for h in found)
    assert len({hash(h) for h in found}) == 1
    assert found[0] != tx.node(b.gid)
    rels = [tx.relationship(rel.gid), next(iter(tx.relationships()))]
    assert rels[0] == rels[1] and hash(rels[0]) == hash(rels[1])
    tx.rollback()
