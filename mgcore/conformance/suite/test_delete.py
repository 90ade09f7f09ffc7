"""Deletion: detach delete removes and counts every relationship of the node, plain delete refuses
a connected node, and a deleted entity cannot be read or written any more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mgcore.storage.errors import DeletedObjectError, NodeHasRelationshipsError
from mgcore.storage.records import Direction


def star(tx: Any) -> tuple[Any, list[Any], list[Any]]:
    """A centre with two outgoing, two incoming relationships and two self-loops."""
    centre = tx.create_node(["C"])
    others = [tx.create_node(["O"]) for _ in range(3)]
    rels = [
        tx.create_relationship(centre, others[0], "OUT"),
        tx.create_relationship(centre, others[1], "OUT"),
        tx.create_relationship(others[1], centre, "IN"),
        tx.create_relationship(others[2], centre, "IN"),
        tx.create_relationship(centre, centre, "SELF"),
        tx.create_relationship(centre, centre, "SELF"),
        tx.create_relationship(others[0], others[2], "ELSEWHERE"),
    ]
    return centre, others, rels


@pytest.mark.parametrize("committed", [False, True], ids=["same-tx", "committed"])
def test_detach_delete_removes_and_counts_relationships(engine: Any, committed: bool) -> None:
    """Detach delete removes outgoing, incoming and self-loop relationships (each once), returns
    their number, and the other endpoints no longer see them."""
    tx = engine.begin()
    centre, others, rels = star(tx)
    if committed:
        tx.commit()
        tx = engine.begin()
        centre = tx.node(centre.gid)
        others = [tx.node(o.gid) for o in others]
    assert tx.detach_delete_node(centre) == 6
    assert tx.node(centre.gid) is None
    assert [tx.relationship(r.gid) for r in rels[:6]] == [None] * 6
    assert [r.gid for r in tx.relationships()] == [rels[6].gid]
    assert [tx.degree(o, Direction.BOTH) for o in others] == [1, 0, 1]
    assert tx.detach_delete_node(centre) == 0
    tx.commit()
    tx = engine.begin()
    assert tx.node(centre.gid) is None
    assert [r.gid for r in tx.relationships()] == [rels[6].gid]
    assert [tx.degree(tx.node(o.gid), Direction.BOTH) for o in others] == [1, 0, 1]
    tx.rollback()


def test_detach_delete_of_an_unconnected_node_returns_zero(engine: Any) -> None:
    tx = engine.begin()
    node = tx.create_node()
    assert tx.detach_delete_node(node) == 0
    assert tx.node(node.gid) is None
    tx.rollback()


@pytest.mark.parametrize("shape", ["outgoing", "incoming", "self-loop"])
def test_plain_delete_of_a_connected_node_is_refused(engine: Any, shape: str) -> None:
    """``delete_node`` raises NodeHasRelationshipsError for any relationship, in any direction."""
    tx = engine.begin()
    node, other = tx.create_node(), tx.create_node()
    if shape == "outgoing":
        tx.create_relationship(node, other, "R")
    elif shape == "incoming":
        tx.create_relationship(other, node, "R")
    else:
        tx.create_relationship(node, node, "R")
    tx.commit()
    tx = engine.begin()
    with pytest.raises(NodeHasRelationshipsError):
        tx.delete_node(tx.node(node.gid))
    tx.rollback()
    tx = engine.begin()
    assert tx.node(node.gid) is not None
    assert tx.degree(tx.node(node.gid), Direction.BOTH) == 1
    tx.rollback()


def test_delete_after_deleting_the_relationships_succeeds(engine: Any) -> None:
    """Once its relationships are deleted in the same transaction, a node can be deleted."""
    tx = engine.begin()
    node, other = tx.create_node(), tx.create_node()
    rel = tx.create_relationship(node, other, "R")
    tx.commit()
    tx = engine.begin()
    handle = tx.relationship(rel.gid)
    assert tx.delete_relationship(handle) is True
    assert tx.delete_relationship(handle) is False
    assert tx.delete_node(tx.node(node.gid)) is True
    tx.commit()
    tx = engine.begin()
    assert tx.node(node.gid) is None
    assert tx.node(other.gid) is not None
    tx.rollback()


def test_deleting_twice_returns_false(engine: Any) -> None:
    """A second delete of the same entity in one transaction reports that nothing happened."""
    tx = engine.begin()
    node = tx.create_node()
    rel = tx.create_relationship(tx.create_node(), tx.create_node(), "R")
    assert tx.delete_node(node) is True
    assert tx.delete_node(node) is False
    assert tx.delete_relationship(rel) is True
    assert tx.delete_relationship(rel) is False
    tx.rollback()


NODE_ACCESS: list[tuple[str, Callable[[Any, Any], object]]] = [
    ("node_labels", lambda tx, n: tx.node_labels(n)),
    ("node_has_label", lambda tx, n: tx.node_has_label(n, "L")),
    ("node_property", lambda tx, n: tx.node_property(n, "k")),
    ("node_properties", lambda tx, n: tx.node_properties(n)),
    ("set_node_property", lambda tx, n: tx.set_node_property(n, "k", 2)),
    ("add_label", lambda tx, n: tx.add_label(n, "M")),
    ("remove_label", lambda tx, n: tx.remove_label(n, "L")),
    ("create_relationship_from", lambda tx, n: tx.create_relationship(n, tx.create_node(), "R")),
    ("create_relationship_to", lambda tx, n: tx.create_relationship(tx.create_node(), n, "R")),
]
REL_ACCESS = [
    pytest.param(lambda tx, r: tx.relationship_property(r, "k"), id="relationship_property"),
    pytest.param(lambda tx, r: tx.relationship_properties(r), id="relationship_properties"),
    pytest.param(
        lambda tx, r: tx.set_relationship_property(r, "k", 2), id="set_relationship_property",
        marks=pytest.mark.requires("properties_on_edges"),
    ),
]


@pytest.mark.parametrize("committed", [False, True], ids=["same-tx", "committed"])
@pytest.mark.parametrize(("name", "access"), NODE_ACCESS, ids=[n for n, _ in NODE_ACCESS])
def test_access_to_a_deleted_node_raises(
    engine: Any, name: str, access: Callable[[Any, Any], object], committed: bool
) -> None:
    """Reading or writing a node this transaction deleted raises DeletedObjectError."""
    tx = engine.begin()
    node = tx.create_node(["L"], {"k": 1})
    if committed:
        tx.commit()
        tx = engine.begin()
        node = tx.node(node.gid)
    tx.delete_node(node)
    assert tx.is_deleted(node)
    with pytest.raises(DeletedObjectError):
        access(tx, node)
    tx.rollback()


@pytest.mark.parametrize("committed", [False, True], ids=["same-tx", "committed"])
@pytest.mark.parametrize("access", REL_ACCESS)
def test_access_to_a_deleted_relationship_raises(
    engine: Any, access: Callable[[Any, Any], object], committed: bool
) -> None:
    """Reading or writing a relationship this transaction deleted raises DeletedObjectError."""
    tx = engine.begin()
    rel = tx.create_relationship(tx.create_node(), tx.create_node(), "R")
    if committed:
        tx.commit()
        tx = engine.begin()
        rel = tx.relationship(rel.gid)
    tx.delete_relationship(rel)
    assert tx.is_deleted(rel)
    with pytest.raises(DeletedObjectError):
        access(tx, rel)
    tx.rollback()


def test_relationships_of_a_detach_deleted_node_count_as_deleted(engine: Any) -> None:
    """Relationship handles taken before a detach delete are deleted afterwards."""
    tx = engine.begin()
    node = tx.create_node()
    rel = tx.create_relationship(node, tx.create_node(), "R")
    tx.detach_delete_node(node)
    assert tx.is_deleted(rel)
    with pytest.raises(DeletedObjectError):
        tx.relationship_properties(rel)
    assert tx.delete_relationship(rel) is False
    tx.rollback()
