"""First-writer-wins at write time, read-only and closed transactions."""

from __future__ import annotations

from typing import Any

import pytest
from imt_helpers import chain

from mgcore.storage import (
    DeletedObjectError,
    Direction,
    ReadOnlyTransactionError,
    SerializationError,
    TransactionClosedError,
)
from mgcore.storage.protocol import TRANSACTION_METHODS
from mgcore_engine_in_memory_tx.transaction import ClosedTransaction


def setup_pair(engine: Any) -> tuple[Any, Any, Any]:
    tx = engine.begin()
    a = tx.create_node(["A"], {"x": 0})
    b = tx.create_node(["B"], {"x": 0})
    r = tx.create_relationship(a, b, "R", {"w": 0})
    tx.commit()
    return a, b, r


WRITES = {
    "set_property": lambda tx, a, b, r: tx.set_node_property(a, "x", 1),
    "remove_property": lambda tx, a, b, r: tx.set_node_property(a, "x", None),
    "add_label": lambda tx, a, b, r: tx.add_label(a, "New"),
    "remove_label": lambda tx, a, b, r: tx.remove_label(a, "A"),
    "create_relationship_from": lambda tx, a, b, r: tx.create_relationship(a, b, "S"),
    "create_relationship_to": lambda tx, a, b, r: tx.create_relationship(b, a, "S"),
    "detach_delete": lambda tx, a, b, r: tx.detach_delete_node(a),
}


@pytest.mark.parametrize("first", sorted(WRITES))
@pytest.mark.parametrize("second", sorted(WRITES))
def test_second_writer_to_a_node_fails_at_once(engine: Any, first: str, second: str) -> None:
    a, b, r = setup_pair(engine)
    t1 = engine.begin()
    t2 = engine.begin()
    WRITES[first](t1, a, b, r)
    with pytest.raises(SerializationError):
        WRITES[second](t2, a, b, r)
    t2.rollback()
    t1.commit()
    t3 = engine.begin()
    if first != "detach_delete":
        WRITES[second](t3, a, b, r)
    t3.commit()


def test_a_transaction_that_lost_a_conflict_cannot_commit(engine: Any) -> None:
    a, b, _ = setup_pair(engine)
    winner = engine.begin()
    winner.set_node_property(b, "x", 1)
    loser = engine.begin()
    loser.set_node_property(a, "x", 5)
    with pytest.raises(SerializationError):
        loser.set_node_property(b, "x", 6)
    with pytest.raises(SerializationError):
        loser.commit()
    assert isinstance(loser, ClosedTransaction)
    winner.commit()
    check = engine.begin()
    assert (check.node_property(a, "x"), check.node_property(b, "x")) == (0, 1)
    check.rollback()


def test_write_to_object_committed_after_start_conflicts(engine: Any) -> None:
    a, _b, _r = setup_pair(engine)
    early = engine.begin()
    tx = engine.begin()
    tx.set_node_property(a, "x", 1)
    tx.commit()
    assert early.node_property(a, "x") == 0
    with pytest.raises(SerializationError):
        early.set_node_property(a, "x", 2)
    early.rollback()
    late = engine.begin()
    late.set_node_property(a, "x", 2)
    late.commit()


def test_a_late_commit_under_an_aborted_delta_still_conflicts(engine: Any) -> None:
    a, _, _ = setup_pair(engine)
    early = engine.begin()
    early.node_property(a, "x")
    winner = engine.begin()
    winner.set_node_property(a, "x", 1)
    winner.commit()
    aborted = engine.begin()
    aborted.set_node_property(a, "x", 2)
    aborted.rollback()
    assert chain(a) == ["SET_PROPERTY", "SET_PROPERTY"]
    with pytest.raises(SerializationError):
        early.set_node_property(a, "x", early.node_property(a, "x") + 10)
    early.rollback()
    later = engine.begin()
    later.set_node_property(a, "x", 3)
    later.commit()


def test_relationship_creation_writes_both_endpoints(engine: Any) -> None:
    a, b, _ = setup_pair(engine)
    t1 = engine.begin()
    t1.set_node_property(b, "x", 5)
    t2 = engine.begin()
    with pytest.raises(SerializationError):
        t2.create_relationship(a, b, "S")
    t2.rollback()
    # the failed creation left nothing behind on the start node
    assert a.delta is None and len(engine._edges) == 1
    t1.commit()


def test_relationship_property_conflicts_are_per_relationship(engine: Any) -> None:
    a, _b, r = setup_pair(engine)
    t1 = engine.begin()
    t2 = engine.begin()
    t1.set_relationship_property(r, "w", 1)
    t2.set_node_property(a, "x", 1)
    with pytest.raises(SerializationError):
        t2.set_relationship_property(r, "w", 2)
    with pytest.raises(SerializationError):
        t2.delete_relationship(r)
    t2.rollback()
    t1.commit()


def test_delete_of_relationship_conflicts_with_endpoint_writer(engine: Any) -> None:
    _a, b, r = setup_pair(engine)
    t1 = engine.begin()
    t1.add_label(b, "Busy")
    t2 = engine.begin()
    with pytest.raises(SerializationError):
        t2.delete_relationship(r)
    t2.rollback()
    assert r.delta is None
    t1.commit()


def test_independent_writers_do_not_conflict(engine: Any) -> None:
    a, b, _ = setup_pair(engine)
    t1 = engine.begin()
    t2 = engine.begin()
    t1.set_node_property(a, "x", 1)
    t2.set_node_property(b, "x", 2)
    t1.create_node(["New"])
    t2.create_node(["New"])
    t1.commit()
    t2.commit()
    check = engine.begin()
    assert (check.node_property(a, "x"), check.node_property(b, "x")) == (1, 2)
    assert engine.statistics().label_counts["New"] == 2
    check.rollback()


def test_loser_sees_no_trace_of_the_winner_and_can_retry(engine: Any) -> None:
    a, _b, _ = setup_pair(engine)
    winner = engine.begin()
    loser = engine.begin()
    winner.set_node_property(a, "x", 10)
    with pytest.raises(SerializationError):
        loser.set_node_property(a, "x", 20)
    assert loser.node_property(a, "x") == 0
    loser.rollback()
    winner.commit()
    retry = engine.begin()
    retry.set_node_property(a, "x", retry.node_property(a, "x") + 1)
    retry.commit()
    check = engine.begin()
    assert check.node_property(a, "x") == 11
    check.rollback()


def test_writing_an_entity_deleted_by_self_raises_deleted(engine: Any) -> None:
    a, b, r = setup_pair(engine)
    tx = engine.begin()
    tx.detach_delete_node(a)
    with pytest.raises(DeletedObjectError):
        tx.set_node_property(a, "x", 1)
    with pytest.raises(DeletedObjectError):
        tx.create_relationship(b, a, "S")
    with pytest.raises(DeletedObjectError):
        tx.set_relationship_property(r, "w", 1)
    with pytest.raises(DeletedObjectError):
        tx.node_properties(a)
    assert tx.delete_relationship(r) is False
    assert tx.delete_node(a) is False
    assert list(tx.expand(b, Direction.BOTH)) == []
    tx.rollback()


def test_read_only_transactions_reject_every_write(engine: Any) -> None:
    a, b, r = setup_pair(engine)
    tx = engine.begin(read_only=True)
    assert tx.read_only
    writes = [
        lambda: tx.create_node(),
        lambda: tx.create_relationship(a, b, "S"),
        lambda: tx.add_label(a, "L"),
        lambda: tx.remove_label(a, "A"),
        lambda: tx.set_node_property(a, "x", 1),
        lambda: tx.set_relationship_property(r, "w", 1),
        lambda: tx.delete_relationship(r),
        lambda: tx.delete_node(a),
        lambda: tx.detach_delete_node(a),
    ]
    for write in writes:
        with pytest.raises(ReadOnlyTransactionError):
            write()
    assert tx.node_property(a, "x") == 0
    assert tx.delta_count == 0
    tx.commit()


def test_closed_transactions_raise_and_rollback_is_idempotent(engine: Any) -> None:
    a, _, _ = setup_pair(engine)
    for finish in ("commit", "rollback"):
        tx = engine.begin()
        getattr(tx, finish)()
        assert isinstance(tx, ClosedTransaction)
        with pytest.raises(TransactionClosedError):
            tx.node(a.gid)
        with pytest.raises(TransactionClosedError):
            tx.node_property(a, "x")
        with pytest.raises(TransactionClosedError):
            list(tx.nodes())
        with pytest.raises(TransactionClosedError):
            tx.create_node()
        with pytest.raises(TransactionClosedError):
            tx.commit()
        tx.rollback()
        tx.rollback()
    closed_methods = {
        name for name in TRANSACTION_METHODS if name in ClosedTransaction.__dict__
    }
    assert closed_methods == set(TRANSACTION_METHODS)
    assert engine.active_transaction_count() == 0


def test_detach_delete_checks_every_neighbour_before_writing(engine: Any) -> None:
    tx = engine.begin()
    hub = tx.create_node(["Hub"])
    leaves = [tx.create_node(["Leaf"]) for _ in range(3)]
    for leaf in leaves:
        tx.create_relationship(hub, leaf, "R")
    tx.commit()
    blocker = engine.begin()
    blocker.set_node_property(leaves[2], "busy", True)
    tx = engine.begin()
    with pytest.raises(SerializationError):
        tx.detach_delete_node(hub)
    assert tx.delta_count == 0 and hub.delta is None
    tx.rollback()
    blocker.rollback()
    check = engine.begin()
    assert check.degree(hub, Direction.OUT) == 3
    assert not check.is_deleted(hub)
    check.rollback()
