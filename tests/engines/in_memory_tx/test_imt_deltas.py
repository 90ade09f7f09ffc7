"""Delta chains of IN_MEMORY_TRANSACTIONAL: their shape, what older readers see through them,
and their release once no active transaction can need them."""

from __future__ import annotations

import itertools
from typing import Any

from imt_helpers import chain

from mgcore.storage import Direction
from mgcore_engine_in_memory_tx.objects import ABORTED, DELETED, TXN_ID_BASE, Edge


def committed_node(engine: Any, labels: tuple[str, ...] = ("A",), **props: Any) -> Any:
    tx = engine.begin()
    node = tx.create_node(labels, props)
    tx.commit()
    return node


def test_every_write_links_one_undo_delta_newest_first(engine: Any) -> None:
    tx = engine.begin()
    a = tx.create_node(["A"], {"x": 1})
    b = tx.create_node()
    tx.set_node_property(a, "x", 2)
    tx.add_label(a, "B")
    tx.remove_label(a, "A")
    r = tx.create_relationship(a, b, "R")
    assert chain(a) == [
        "REMOVE_OUT_EDGE",
        "ADD_LABEL",
        "REMOVE_LABEL",
        "SET_PROPERTY",
        "DELETE_OBJECT",
    ]
    assert chain(b) == ["REMOVE_IN_EDGE", "DELETE_OBJECT"]
    assert chain(r) == ["DELETE_OBJECT"]
    info = a.delta.info
    assert info.ts >= TXN_ID_BASE
    assert all(d.info is info for d in (a.delta, b.delta, r.delta))
    tx.commit()


def test_commit_publishes_one_timestamp_for_all_deltas(engine: Any) -> None:
    reader = engine.begin()
    tx = engine.begin()
    a = tx.create_node(["A"])
    b = tx.create_node(["B"])
    info = a.delta.info
    assert info.ts >= TXN_ID_BASE
    tx.commit()
    assert info.ts < TXN_ID_BASE
    assert info.ts > reader.start_timestamp
    assert a.delta.info is b.delta.info is info
    reader.rollback()


def test_deltas_are_released_at_commit_without_older_readers(engine: Any) -> None:
    tx = engine.begin()
    nodes = [tx.create_node(["A"], {"i": i}) for i in range(10)]
    for x, y in itertools.pairwise(nodes):
        tx.create_relationship(x, y, "NEXT", {"w": 1.0})
    assert tx.delta_count == 10 + 9 * 3
    tx.commit()
    assert all(n.delta is None for n in nodes)
    assert engine.unreleased_delta_count() == 0
    assert dict(engine.info())["unreleased_delta_objects"] == 0


def test_older_reader_keeps_deltas_until_it_ends(engine: Any) -> None:
    node = committed_node(engine, x=1)
    old = engine.begin()
    tx = engine.begin()
    tx.set_node_property(node, "x", 2)
    tx.add_label(node, "B")
    tx.commit()
    assert chain(node) == ["REMOVE_LABEL", "SET_PROPERTY"]
    assert engine.unreleased_delta_count() == 2
    assert old.node_property(node, "x") == 1
    assert old.node_labels(node) == ("A",)
    new = engine.begin()
    assert new.node_property(node, "x") == 2
    assert new.node_labels(node) == ("A", "B")
    old.commit()
    assert node.delta is None
    assert engine.unreleased_delta_count() == 0
    assert new.node_property(node, "x") == 2
    new.rollback()


def test_a_newer_reader_does_not_hold_back_release(engine: Any) -> None:
    node = committed_node(engine, x=1)
    tx = engine.begin()
    tx.set_node_property(node, "x", 2)
    newer = engine.begin()
    tx.commit()
    # newer started before the commit, so it still needs the delta
    assert chain(node) == ["SET_PROPERTY"]
    assert newer.node_property(node, "x") == 1
    newer.rollback()
    assert node.delta is None


def test_partial_release_cuts_the_chain_below_still_needed_deltas(engine: Any) -> None:
    node = committed_node(engine, x=0)
    r0 = engine.begin()
    t1 = engine.begin()
    t1.set_node_property(node, "x", 1)
    t1.commit()
    r1 = engine.begin()
    t2 = engine.begin()
    t2.set_node_property(node, "x", 2)
    t2.commit()
    assert chain(node) == ["SET_PROPERTY", "SET_PROPERTY"]
    assert [r.node_property(node, "x") for r in (r0, r1)] == [0, 1]
    r0.rollback()
    # t1's delta is now unneeded (r1 sees t1), t2's is still needed by r1
    assert chain(node) == ["SET_PROPERTY"]
    assert r1.node_property(node, "x") == 1
    r1.rollback()
    assert node.delta is None


def test_many_versions_each_reader_sees_its_own(engine: Any) -> None:
    node = committed_node(engine, v=0)
    readers = []
    for i in range(1, 6):
        readers.append(engine.begin())
        tx = engine.begin()
        tx.set_node_property(node, "v", i)
        tx.commit()
    assert len(chain(node)) == 5
    assert [r.node_property(node, "v") for r in readers] == [0, 1, 2, 3, 4]
    for r in readers:
        r.rollback()
    assert node.delta is None


def test_released_deleted_objects_leave_the_store_and_gids_are_not_reused(engine: Any) -> None:
    tx = engine.begin()
    a = tx.create_node(["A"])
    b = tx.create_node(["B"])
    r = tx.create_relationship(a, b, "R")
    tx.commit()
    reader = engine.begin()
    tx = engine.begin()
    assert tx.detach_delete_node(a) == 1
    tx.commit()
    assert engine._vertices[a.gid] is a and engine._edges[r.gid] is r
    assert reader.node(a.gid) is a and reader.relationship(r.gid) is r
    assert [(e.gid, o.gid) for e, o in reader.expand(b, Direction.IN)] == [(r.gid, a.gid)]
    reader.rollback()
    assert engine._vertices[a.gid] is None and engine._edges[r.gid] is None
    assert b.in_e is None and b.delta is None
    tx = engine.begin()
    assert tx.node(a.gid) is None
    c = tx.create_node()
    r2 = tx.create_relationship(c, b, "R")
    assert (c.gid, r2.gid) == (2, 1)
    tx.commit()


def test_rolled_back_creations_vanish_and_their_gids_stay_used(engine: Any) -> None:
    tx = engine.begin()
    a = tx.create_node(["A"], {"x": 1})
    tx.create_relationship(a, a, "LOOP")
    tx.rollback()
    assert a.props is DELETED and a.delta is None and a.out_e is None and a.in_e is None
    assert engine._vertices == [None] and engine._edges == [None]
    tx = engine.begin()
    assert tx.node(0) is None and tx.relationship(0) is None
    assert list(tx.nodes()) == [] and list(tx.relationships()) == []
    assert tx.create_node().gid == 1
    tx.rollback()


def test_aborted_deltas_stay_linked_while_older_transactions_run(engine: Any) -> None:
    node = committed_node(engine, x=1)
    old = engine.begin()
    tx = engine.begin()
    tx.set_node_property(node, "x", 2)
    tx.rollback()
    assert node.delta is not None and node.delta.info.ts == ABORTED
    assert old.node_property(node, "x") == 1
    # an aborted head is no conflict: a later writer writes over it
    writer = engine.begin()
    writer.set_node_property(node, "x", 3)
    assert chain(node) == ["SET_PROPERTY", "SET_PROPERTY"]
    assert old.node_property(node, "x") == 1
    writer.commit()
    old.rollback()
    assert node.delta is None
    assert engine.unreleased_delta_count() == 0


def test_read_only_and_empty_transactions_also_trigger_release(engine: Any) -> None:
    node = committed_node(engine, x=1)
    old = engine.begin(read_only=True)
    tx = engine.begin()
    tx.set_node_property(node, "x", 2)
    tx.commit()
    assert node.delta is not None
    old.commit()
    assert node.delta is None


def test_own_writes_are_read_through_the_chain_head(engine: Any) -> None:
    node = committed_node(engine, x=1)
    tx = engine.begin()
    tx.set_node_property(node, "x", 2)
    tx.delete_node(node)
    assert tx.is_deleted(node)
    other = engine.begin()
    assert other.node_property(node, "x") == 1
    assert not other.is_deleted(node)
    assert other.node(node.gid) is node
    other.rollback()
    tx.rollback()


def test_adjacency_undo_rebuilds_older_versions(engine: Any) -> None:
    tx = engine.begin()
    hub = tx.create_node(["Hub"])
    leaves = [tx.create_node(["Leaf"]) for _ in range(20)]
    rels = [tx.create_relationship(hub, leaf, "R") for leaf in leaves]
    tx.commit()
    assert isinstance(hub.out_e, list)
    before = engine.begin()
    tx = engine.begin()
    for r in rels[:15]:
        tx.delete_relationship(r)
    extra = tx.create_relationship(hub, leaves[0], "S")
    tx.commit()
    assert len(hub.out_e) == 6
    after = engine.begin()
    assert sorted(r.gid for r, _ in before.expand(hub, Direction.OUT)) == [r.gid for r in rels]
    assert before.degree(hub, Direction.OUT) == 20
    assert sorted(r.gid for r, _ in after.expand(hub, Direction.OUT)) == sorted(
        [r.gid for r in rels[15:]] + [extra.gid]
    )
    assert after.degree(hub, Direction.OUT, ("S",)) == 1
    before.rollback()
    after.rollback()
    assert hub.delta is None


def test_adjacency_container_forms_follow_the_degree(engine: Any) -> None:
    tx = engine.begin()
    hub = tx.create_node()
    others = [tx.create_node() for _ in range(12)]
    assert hub.out_e is None
    rels = [tx.create_relationship(hub, others[0], "R")]
    assert isinstance(hub.out_e, Edge)
    rels.append(tx.create_relationship(hub, others[1], "R"))
    assert isinstance(hub.out_e, tuple) and len(hub.out_e) == 2
    for o in others[2:]:
        rels.append(tx.create_relationship(hub, o, "R"))
    assert isinstance(hub.out_e, list) and len(hub.out_e) == 12
    for r in rels[:10]:
        tx.delete_relationship(r)
    assert isinstance(hub.out_e, tuple) and len(hub.out_e) == 2
    tx.delete_relationship(rels[10])
    assert hub.out_e is rels[11]
    tx.commit()
