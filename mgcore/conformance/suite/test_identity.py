"""Identity and statistics: gids are unique per kind and stable across transactions, and the
statistics never under-count committed data."""

from __future__ import annotations

from typing import Any

from mgcore.storage.records import GraphStatistics


def test_gids_are_unique_and_stable(engine: Any, capabilities: Any) -> None:
    """Every node (and every relationship) gets a distinct int gid that later transactions find
    the same entity by, including gids handed out in concurrent and rolled-back transactions
    (whose nodes stay in an engine that is not ``transactional``)."""
    node_gids: list[int] = []
    rel_gids: list[int] = []
    for round_ in range(3):
        tx = engine.begin()
        other = engine.begin()
        made = [tx.create_node([], {"round": round_, "i": i}) for i in range(5)]
        made_other = other.create_node([], {"other": round_})
        rels = [tx.create_relationship(made[i], made[i + 1], "NEXT") for i in range(4)]
        node_gids += [n.gid for n in made]
        node_gids.append(made_other.gid)
        rel_gids += [r.gid for r in rels]
        tx.commit()
        if round_ == 1:
            other.rollback()
            if capabilities.transactional:
                node_gids.remove(made_other.gid)
        else:
            other.commit()
    assert all(type(g) is int for g in node_gids + rel_gids)
    assert len(set(node_gids)) == len(node_gids)
    assert len(set(rel_gids)) == len(rel_gids)
    tx = engine.begin()
    for gid in node_gids:
        node = tx.node(gid)
        assert node is not None and node.gid == gid
    assert sorted(n.gid for n in tx.nodes()) == sorted(node_gids)
    for gid in rel_gids:
        rel = tx.relationship(gid)
        assert rel is not None and rel.gid == gid
    fresh = tx.create_node()
    assert fresh.gid not in node_gids
    tx.rollback()


def test_gid_of_a_node_does_not_change_with_its_data(engine: Any) -> None:
    """Labels, properties and relationships of a node never change its gid."""
    tx = engine.begin()
    node = tx.create_node()
    gid = node.gid
    tx.commit()
    tx = engine.begin()
    handle = tx.node(gid)
    tx.add_label(handle, "L")
    tx.set_node_property(handle, "k", 1)
    tx.create_relationship(handle, handle, "SELF")
    assert handle.gid == gid
    tx.commit()
    tx = engine.begin()
    assert next(iter(tx.nodes_by_label("L"))).gid == gid
    tx.rollback()


def test_statistics_of_an_empty_engine(engine: Any) -> None:
    stats = engine.statistics()
    assert isinstance(stats, GraphStatistics)
    assert stats.node_count == 0
    assert stats.relationship_count == 0


def test_statistics_count_committed_data(engine: Any) -> None:
    """Node, relationship, label and type counts and property keys cover what was committed
    (over-estimates are allowed, under-estimates are not)."""
    tx = engine.begin()
    people = [tx.create_node(["Person"], {"name": str(i)}) for i in range(4)]
    admins = [tx.create_node(["Person", "Admin"], {"age": i}) for i in range(2)]
    plain = tx.create_node()
    for i in range(3):
        tx.create_relationship(people[i], people[i + 1], "KNOWS")
    tx.create_relationship(admins[0], plain, "OWNS")
    tx.commit()
    stats = engine.statistics()
    assert stats.node_count >= 7
    assert stats.relationship_count >= 4
    assert stats.label_counts.get("Person", 0) >= 6
    assert stats.label_counts.get("Admin", 0) >= 2
    assert stats.type_counts.get("KNOWS", 0) >= 3
    assert stats.type_counts.get("OWNS", 0) >= 1
    assert {"name", "age"} <= set(stats.property_keys)

    tx = engine.begin()
    tx.create_node(["Person"])
    stats_during = engine.statistics()
    tx.commit()
    stats_after = engine.statistics()
    assert stats_during.node_count >= 7
    assert stats_after.node_count >= 8
    assert stats_after.label_counts.get("Person", 0) >= 7
