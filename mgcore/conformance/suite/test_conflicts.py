"""Write-write conflicts: the second writer of an entity gets a retryable SerializationError (at
its write or at its commit, as the engine declares), the first writer's work is kept, and a retry
after the first finishes succeeds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mgcore.errors import TRANSIENT_ERROR, TransientError
from mgcore.storage.errors import SerializationError
from mgcore.storage.records import Direction

MODES = [
    pytest.param("write", id="at-write", marks=pytest.mark.requires("write_conflicts_at_write")),
    pytest.param("commit", id="at-commit", marks=pytest.mark.requires("write_conflicts_at_commit")),
]
Write = Callable[[Any], object]


def committed_nodes(engine: Any, count: int = 3) -> list[int]:
    tx = engine.begin()
    made = [tx.create_node(["L"], {"k": 0}).gid for _ in range(count)]
    tx.commit()
    return made


def assert_retryable(error: SerializationError) -> None:
    """The error is the transient kind drivers retry."""
    assert isinstance(error, TransientError)
    assert error.retryable is True
    assert error.code == TRANSIENT_ERROR


def conflict(mode: str, first: Any, second: Any, write: Write) -> None:
    """``first`` has written and is still open; ``write(second)`` must conflict. Ends with
    ``first`` committed and ``second`` rolled back."""
    if mode == "write":
        with pytest.raises(SerializationError) as info:
            write(second)
        second.rollback()
        first.commit()
    else:
        write(second)
        first.commit()
        with pytest.raises(SerializationError) as info:
            second.commit()
        second.rollback()
    assert_retryable(info.value)


def set_k(gid: int, value: Any) -> Write:
    return lambda tx: tx.set_node_property(tx.node(gid), "k", value)


def read_k(engine: Any, gid: int) -> Any:
    tx = engine.begin()
    try:
        return tx.node_property(tx.node(gid), "k")
    finally:
        tx.rollback()


@pytest.mark.parametrize("mode", MODES)
def test_concurrent_writes_to_one_node_conflict(engine: Any, mode: str) -> None:
    """Two open transactions setting a property of one node: the second fails, the first wins,
    and the retry after the first finished succeeds."""
    (n,) = committed_nodes(engine, 1)
    first, second = engine.begin(), engine.begin()
    set_k(n, 1)(first)
    conflict(mode, first, second, set_k(n, 2))
    assert read_k(engine, n) == 1
    retry = engine.begin()
    set_k(n, 2)(retry)
    retry.commit()
    assert read_k(engine, n) == 2


@pytest.mark.parametrize("mode", MODES)
def test_writing_over_a_commit_made_after_begin_conflicts(engine: Any, mode: str) -> None:
    """A transaction may not overwrite a version committed after it began (first committer wins),
    even though the other transaction has already finished."""
    (n,) = committed_nodes(engine, 1)
    second = engine.begin()
    first = engine.begin()
    set_k(n, 1)(first)
    first.commit()
    if mode == "write":
        with pytest.raises(SerializationError) as info:
            set_k(n, 2)(second)
    else:
        set_k(n, 2)(second)
        with pytest.raises(SerializationError) as info:
            second.commit()
    second.rollback()
    assert_retryable(info.value)
    assert read_k(engine, n) == 1


@pytest.mark.parametrize("mode", MODES)
def test_conflicting_kinds_of_writes(engine: Any, mode: str) -> None:
    """Labels, deletion and properties of one node conflict with each other."""
    pairs: list[tuple[Callable[[int], Write], Callable[[int], Write]]] = [
        (lambda g: lambda tx: tx.add_label(tx.node(g), "X"), lambda g: set_k(g, 5)),
        (lambda g: set_k(g, 5), lambda g: lambda tx: tx.delete_node(tx.node(g))),
        (lambda g: lambda tx: tx.delete_node(tx.node(g)), lambda g: lambda tx: tx.add_label(
            tx.node(g), "Y")),
        (lambda g: lambda tx: tx.remove_label(tx.node(g), "L"), lambda g: lambda tx:
            tx.remove_label(tx.node(g), "L")),
    ]
    for make_first, make_second in pairs:
        (n,) = committed_nodes(engine, 1)
        first, second = engine.begin(), engine.begin()
        make_first(n)(first)
        conflict(mode, first, second, make_second(n))


@pytest.mark.parametrize("mode", MODES)
def test_losers_other_writes_are_discarded(engine: Any, mode: str) -> None:
    """The losing transaction's earlier, non-conflicting writes are rolled back with it."""
    n, other, _ = committed_nodes(engine)
    first, second = engine.begin(), engine.begin()
    set_k(n, 1)(first)
    set_k(other, 99)(second)
    second.create_node(["Loser"])
    conflict(mode, first, second, set_k(n, 2))
    assert read_k(engine, other) == 0
    tx = engine.begin()
    assert list(tx.nodes_by_label("Loser")) == []
    tx.rollback()


@pytest.mark.requires("transactional", "!write_conflicts_at_none")
def test_writes_to_different_nodes_do_not_conflict(engine: Any) -> None:
    """Concurrent writes to different nodes, creations and reads all commit."""
    a, b, c = committed_nodes(engine)
    first, second = engine.begin(), engine.begin()
    set_k(a, 1)(first)
    set_k(b, 2)(second)
    first.create_node(["New"])
    second.create_node(["New"])
    assert second.node_property(second.node(a), "k") == 0
    assert first.node_property(first.node(c), "k") == 0
    first.commit()
    second.commit()
    assert (read_k(engine, a), read_k(engine, b)) == (1, 2)


@pytest.mark.parametrize("mode", MODES)
def test_relationships_on_one_node_conflict(engine: Any, mode: str) -> None:
    """Creating relationships at the same node from two transactions conflicts, because creating a
    relationship writes both endpoints (Memgraph's supernode behaviour); so does deleting one
    while another transaction adds a relationship to the same node."""
    hub, a, b = committed_nodes(engine)
    first, second = engine.begin(), engine.begin()
    first.create_relationship(first.node(hub), first.node(a), "R")
    conflict(mode, first, second,
             lambda tx: tx.create_relationship(tx.node(b), tx.node(hub), "R"))
    retry = engine.begin()
    retry.create_relationship(retry.node(b), retry.node(hub), "R")
    retry.commit()
    tx = engine.begin()
    assert tx.degree(tx.node(hub), Direction.BOTH) == 2
    rels = list(tx.relationships())
    tx.rollback()

    first, second = engine.begin(), engine.begin()
    first.delete_relationship(first.relationship(rels[0].gid))
    conflict(mode, first, second,
             lambda tx: tx.create_relationship(tx.node(hub), tx.node(hub), "LOOP"))


@pytest.mark.parametrize("mode", MODES)
def test_deleting_a_node_conflicts_with_a_new_relationship_to_it(engine: Any, mode: str) -> None:
    """A node deleted by one transaction cannot gain a relationship in a concurrent one (no
    relationship may outlive its endpoint)."""
    lonely, other, _ = committed_nodes(engine)
    first, second = engine.begin(), engine.begin()
    first.delete_node(first.node(lonely))
    conflict(mode, first, second,
             lambda tx: tx.create_relationship(tx.node(other), tx.node(lonely), "R"))
    tx = engine.begin()
    assert tx.node(lonely) is None
    assert tx.degree(tx.node(other), Direction.BOTH) == 0
    tx.rollback()


@pytest.mark.parametrize("mode", MODES)
def test_relationship_property_writes_conflict(engine: Any, capabilities: Any, mode: str) -> None:
    """Two transactions setting a property of one relationship conflict."""
    if not capabilities.properties_on_edges:
        pytest.skip("the engine declares no properties on edges")
    tx = engine.begin()
    rel = tx.create_relationship(tx.create_node(), tx.create_node(), "R")
    tx.commit()
    first, second = engine.begin(), engine.begin()
    first.set_relationship_property(first.relationship(rel.gid), "w", 1)
    conflict(mode, first, second,
             lambda tx: tx.set_relationship_property(tx.relationship(rel.gid), "w", 2))


@pytest.mark.requires("transactional", "!write_conflicts_at_none")
def test_reads_never_conflict(engine: Any) -> None:
    """Reading an entity another open transaction wrote raises nothing and shows the old value."""
    (n,) = committed_nodes(engine, 1)
    writer, reader = engine.begin(), engine.begin()
    set_k(n, 1)(writer)
    assert reader.node_property(reader.node(n), "k") == 0
    assert list(reader.nodes_by_property("L", "k", 0)) == [reader.node(n)]
    writer.commit()
    reader.commit()
