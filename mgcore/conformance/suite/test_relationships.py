"""Relationships: the type is fixed at creation, and expansion in each direction with type filters
yields exactly the adjacent relationships, with ``degree`` counting what ``expand`` yields."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgcore.conformance.suite._support import SUITE_SETTINGS
from mgcore.storage.errors import DeletedObjectError
from mgcore.storage.protocol import TRANSACTION_METHODS, Transaction
from mgcore.storage.records import Direction

TYPE_FILTERS: list[tuple[str, ...] | None] = [None, ("A",), ("B",), ("A", "B"), ("Missing",)]


def test_the_contract_offers_no_way_to_change_a_relationship_type(engine: Any) -> None:
    """Neither the Transaction protocol nor the engine's transaction has a method that changes a
    relationship's type or endpoints: reading the type is the only type operation."""
    type_methods = sorted(m for m in TRANSACTION_METHODS if "type" in m)
    assert type_methods == ["relationship_type"]
    tx = engine.begin()
    public = {name for name in dir(tx) if not name.startswith("_")}
    forbidden = {
        name for name in public
        if any(word in name for word in ("set_relationship_type", "set_type", "change_type",
                                         "rename_type", "set_relationship_start",
                                         "set_relationship_end"))
    }
    assert forbidden == set()
    assert "relationship_type" in Transaction.__dict__
    tx.rollback()


def test_relationship_type_survives_commits_and_property_changes(
    engine: Any, capabilities: Any
) -> None:
    """The type and endpoints read back unchanged after commits, property changes and label
    changes of the endpoints."""
    tx = engine.begin()
    a, b = tx.create_node(["X"]), tx.create_node()
    rel = tx.create_relationship(a, b, "FIXED")
    tx.commit()
    for i in range(3):
        tx = engine.begin()
        handle = tx.relationship(rel.gid)
        if capabilities.properties_on_edges:
            tx.set_relationship_property(handle, "i", i)
            tx.set_relationship_property(handle, "type", "OTHER")
        tx.add_label(tx.node(a.gid), f"L{i}")
        assert tx.relationship_type(handle) == "FIXED"
        tx.commit()
    tx = engine.begin()
    handle = tx.relationship(rel.gid)
    assert tx.relationship_type(handle) == "FIXED"
    assert (tx.relationship_start(handle).gid, tx.relationship_end(handle).gid) == (a.gid, b.gid)
    assert [(r.gid, tx.relationship_type(r)) for r, _ in tx.expand(tx.node(a.gid), Direction.OUT,
                                                                     ("FIXED",))] == [
        (rel.gid, "FIXED")
    ]
    tx.rollback()


def test_creating_a_relationship_to_a_deleted_node_raises(engine: Any) -> None:
    """Both endpoints must exist in the transaction's view."""
    tx = engine.begin()
    alive, dead = tx.create_node(), tx.create_node()
    tx.delete_node(dead)
    with pytest.raises(DeletedObjectError):
        tx.create_relationship(alive, dead, "R")
    tx.rollback()
    tx = engine.begin()
    alive, dead = tx.create_node(), tx.create_node()
    tx.delete_node(dead)
    with pytest.raises(DeletedObjectError):
        tx.create_relationship(dead, alive, "R")
    tx.rollback()


def expected_expansion(
    edges: dict[int, tuple[int, int, str]], node: int, direction: Direction,
    types: tuple[str, ...] | None,
) -> Counter[tuple[int, int]]:
    """The model: ``(relationship gid, other node gid)`` pairs, a self-loop once for BOTH."""
    out: Counter[tuple[int, int]] = Counter()
    for gid, (start, end, rel_type) in edges.items():
        if types is not None and rel_type not in types:
            continue
        if direction is not Direction.IN and start == node:
            out[(gid, end)] += 1
        elif direction is not Direction.OUT and end == node:
            out[(gid, start)] += 1
    return out


def check_adjacency(tx: Any, nodes: list[int], edges: dict[int, tuple[int, int, str]]) -> None:
    """expand and degree at every node, direction and type filter equal the model."""
    for gid in nodes:
        node = tx.node(gid)
        for direction in Direction:
            for types in TYPE_FILTERS:
                got = Counter((r.gid, other.gid) for r, other in tx.expand(node, direction, types))
                expected = expected_expansion(edges, gid, direction, types)
                assert got == expected, (gid, direction, types)
                assert tx.degree(node, direction, types) == sum(expected.values()), (
                    gid, direction, types
                )


def test_expand_and_degree_on_a_small_graph(engine: Any) -> None:
    """Parallel relationships, both directions, two types and self-loops (once for BOTH)."""
    tx = engine.begin()
    n = [tx.create_node() for _ in range(3)]
    edges: dict[int, tuple[int, int, str]] = {}
    for start, end, rel_type in [(0, 1, "A"), (0, 1, "A"), (1, 0, "B"), (0, 0, "A"),
                                 (0, 0, "B"), (2, 1, "B")]:
        rel = tx.create_relationship(n[start], n[end], rel_type)
        edges[rel.gid] = (n[start].gid, n[end].gid, rel_type)
    nodes = [x.gid for x in n]
    check_adjacency(tx, nodes, edges)
    loops = [r for r, _ in tx.expand(n[0], Direction.BOTH, ("A",)) if r.gid in edges
             and edges[r.gid][0] == edges[r.gid][1]]
    assert len(loops) == 1
    tx.commit()
    tx = engine.begin()
    check_adjacency(tx, nodes, edges)
    tx.rollback()


@SUITE_SETTINGS
@given(
    edge_list=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), st.sampled_from(["A", "B", "C"])),
        max_size=15,
    ),
    split=st.integers(0, 15),
    deletions=st.lists(st.integers(0, 20), max_size=4),
)
def test_random_multigraph_adjacency(
    engine: Any, edge_list: list[tuple[int, int, str]], split: int, deletions: list[int]
) -> None:
    """On a random multigraph, part committed and part pending with some deletions, expand and
    degree equal the model everywhere."""
    tx = engine.begin()
    nodes = [tx.create_node() for _ in range(5)]
    gids = [x.gid for x in nodes]
    edges: dict[int, tuple[int, int, str]] = {}
    for i, (start, end, rel_type) in enumerate(edge_list):
        if i == split:
            tx.commit()
            tx = engine.begin()
        rel = tx.create_relationship(tx.node(gids[start]), tx.node(gids[end]), rel_type)
        edges[rel.gid] = (gids[start], gids[end], rel_type)
    for index in deletions:
        if edges:
            gid = sorted(edges)[index % len(edges)]
            assert tx.delete_relationship(tx.relationship(gid)) is True
            del edges[gid]
    check_adjacency(tx, gids, edges)
    tx.commit()
    tx = engine.begin()
    check_adjacency(tx, gids, edges)
    tx.rollback()
