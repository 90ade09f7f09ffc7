"""Engine internals of indexes, constraints and the garbage collector: index entries of versions
nobody can see any more are collected (rolled-back writes, overwritten values once the last old
reader ends, deleted vertices), distinct-value statistics, the GC thread's life cycle, and RSS
coming back after FREE MEMORY."""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from typing import Any

import pytest

from mgcore.storage.kit.codec import split_index_key
from mgcore.storage.records import ConstraintKind, ConstraintSpec, IndexSpec, IndexStatistics

LABEL = IndexSpec("L")
PROP = IndexSpec("L", ("k",))


def entries(engine: Any) -> tuple[list[int], list[tuple[Any, int]]]:
    """(gids of the label index, (value, gid) of the label+property index), sorted."""
    labels = sorted(engine._indexes.labels["L"])
    props = [(values[0], gid) for values, gid in map(split_index_key,
                                                     engine._indexes.props[PROP].entries)]
    return labels, props


def indexed_node(engine: Any, *specs: IndexSpec) -> Any:
    """Create the indexes ``specs``, then commit one node ``(:L {k: 1})``; returns it."""
    for spec in specs:
        engine.schema.create_index(spec)
    tx = engine.begin()
    node = tx.create_node(["L"], {"k": 1})
    tx.commit()
    return node


def test_rolled_back_writes_leave_no_entries(engine: Any) -> None:
    a = indexed_node(engine, LABEL, PROP)
    tx = engine.begin()
    tx.create_node(["L"], {"k": 2})
    tx.set_node_property(tx.node(a.gid), "k", 3)
    tx.add_label(tx.create_node([], {"k": 4}), "L")
    assert len(entries(engine)[1]) == 4
    tx.rollback()
    assert entries(engine) == ([a.gid], [(1, a.gid)])


def test_versions_without_properties_commit_and_clean_up(
    engine: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A node created without properties and given them in the same transaction (GQLAlchemy's
    ``CREATE (n:L) SET n.k = ...``), and a node whose last property is removed: the commit's
    clean-up of replaced versions handles the property-less one (it once raised after the
    commit was already visible)."""
    a = indexed_node(engine, LABEL, PROP)
    tx = engine.begin()
    b = tx.create_node(["L"])
    tx.set_node_property(b, "k", 2)
    c = tx.create_node([])
    tx.add_label(c, "L")
    tx.set_node_property(c, "k", 3)
    tx.commit()
    tx = engine.begin()
    tx.set_node_property(tx.node(a.gid), "k", None)
    tx.commit()
    assert entries(engine) == (sorted([a.gid, b.gid, c.gid]), [(2, b.gid), (3, c.gid)])
    tx = engine.begin()
    assert [n.gid for n in tx.nodes_by_property("L", "k", 2)] == [b.gid]
    assert [n.gid for n in tx.nodes_by_property("L", "k", 1)] == []
    tx.rollback()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_rollback_drops_intermediate_versions_from_the_entry_log(engine: Any) -> None:
    a = indexed_node(engine, LABEL, PROP)
    tx = engine.begin()
    node = tx.node(a.gid)
    for value in (2, 3, 1, 4):
        tx.set_node_property(node, "k", value)
    tx.remove_label(node, "L")
    tx.add_label(node, "L")
    assert len(entries(engine)[1]) == 4
    tx.rollback()
    assert entries(engine) == ([a.gid], [(1, a.gid)])
    assert engine.statistics().index_stats[PROP] == IndexStatistics(1, 1)


def test_rollback_after_an_index_was_created_meanwhile(engine: Any) -> None:
    a = indexed_node(engine, LABEL)
    tx = engine.begin()
    node = tx.node(a.gid)
    tx.set_node_property(node, "k", 2)
    b = tx.create_node(["L"], {"k": 5})
    engine.schema.create_index(PROP)  # sees the uncommitted versions; the log does not
    tx.set_node_property(node, "k", 3)
    tx.rollback()
    assert entries(engine) == ([a.gid], [(1, a.gid)])
    assert b.gid not in engine._indexes.labels["L"]


def test_an_old_value_written_again_and_rolled_back_does_not_leak(engine: Any) -> None:
    a = indexed_node(engine, LABEL, PROP)
    reader = engine.begin()  # keeps the version k = 1 alive
    tx = engine.begin()
    tx.set_node_property(tx.node(a.gid), "k", 2)
    tx.commit()
    tx = engine.begin()
    tx.set_node_property(tx.node(a.gid), "k", 1)  # entry (1, a) already there
    reader.rollback()  # version k = 1 of the first commit is released
    tx.rollback()
    assert entries(engine) == ([a.gid], [(2, a.gid)])


def test_keylist_keeps_order_and_distinct_values() -> None:
    import random

    from mgcore.storage.kit.codec import index_key
    from mgcore_engine_in_memory_tx.indexes import PropertyIndex

    vertices = stand_in_vertices(40)
    index = PropertyIndex(PROP, (0,), vertices)
    rng = random.Random(7)
    model: set[tuple[int, int]] = set()
    for _ in range(20_000):
        value, gid = rng.randrange(300), rng.randrange(40)
        key = index_key((value,), gid)
        if rng.random() < 0.55:
            assert index.add(key, {0: value}, vertices[gid]) == ((value, gid) not in model)
            model.add((value, gid))
        else:
            index.discard(key)
            model.discard((value, gid))
        if rng.random() < 0.01:
            listed = [split_index_key(k) for k in index.entries]
            assert [(v[0], g) for v, g in listed] == sorted(model)
            assert index.distinct == len({v for v, _ in model})
            assert len(index.entries) == len(model)
    lo, hi = index_key((100,), 0), index_key((200,), 0)
    got = [split_index_key(k)[0][0] for k in index.entries.run(lo, True, hi, 10**9)]
    assert got == sorted(v for v, _ in model if 100 <= v < 200)


def test_overwritten_entries_live_until_the_last_old_reader_ends(engine: Any) -> None:
    engine.schema.create_index(LABEL)
    engine.schema.create_index(PROP)
    tx = engine.begin()
    a = tx.create_node(["L"], {"k": 1})
    b = tx.create_node(["L"], {"k": 1})
    tx.commit()
    reader = engine.begin()
    tx = engine.begin()
    tx.set_node_property(tx.node(a.gid), "k", 2)
    tx.remove_label(tx.node(b.gid), "L")
    tx.commit()
    assert entries(engine) == ([a.gid, b.gid], [(1, a.gid), (1, b.gid), (2, a.gid)])
    assert engine.statistics().index_stats[PROP] == IndexStatistics(3, 2)
    reader.rollback()
    assert entries(engine) == ([a.gid], [(2, a.gid)])
    assert engine.statistics().index_stats == {
        LABEL: IndexStatistics(1, 1), PROP: IndexStatistics(1, 1),
    }


def test_deleted_vertices_leave_the_indexes(engine: Any) -> None:
    engine.schema.create_index(PROP)
    engine.schema.create_index(LABEL)
    tx = engine.begin()
    nodes = [tx.create_node(["L"], {"k": i % 3}) for i in range(30)]
    tx.commit()
    assert engine.statistics().index_stats[PROP] == IndexStatistics(30, 3)
    reader = engine.begin()
    tx = engine.begin()
    for node in nodes[:20]:
        tx.delete_node(tx.node(node.gid))
    tx.commit()
    assert len(entries(engine)[1]) == 30
    reader.rollback()
    labels, props = entries(engine)
    assert labels == [n.gid for n in nodes[20:]]
    assert sorted(gid for _, gid in props) == labels
    assert engine.statistics().index_stats[PROP] == IndexStatistics(10, 3)
    assert engine.unreleased_delta_count() == 0
    assert dict(engine.info())["unreleased_delta_objects"] == 0


def test_index_built_over_uncommitted_and_old_versions(engine: Any) -> None:
    tx = engine.begin()
    a = tx.create_node(["L"], {"k": 1})
    tx.commit()
    reader = engine.begin()
    writer = engine.begin()
    writer.set_node_property(writer.node(a.gid), "k", 2)
    engine.schema.create_index(PROP)
    assert entries_of_prop(engine) == [(1, a.gid), (2, a.gid)]
    assert [n.gid for n in reader.nodes_by_property("L", "k", 1)] == [a.gid]
    assert [n.gid for n in writer.nodes_by_property("L", "k", 2)] == [a.gid]
    writer.rollback()
    reader.rollback()
    assert entries_of_prop(engine) == [(1, a.gid)]


def entries_of_prop(engine: Any) -> list[tuple[Any, int]]:
    return [(v[0], gid) for v, gid in map(split_index_key, engine._indexes.props[PROP].entries)]


def test_no_index_or_constraint_means_no_write_path_work(engine: Any) -> None:
    assert engine._indexed is False and engine._constrained is False
    engine.schema.create_index(PROP)
    engine.schema.create_constraint(ConstraintSpec(ConstraintKind.UNIQUE, "L", ("k",)))
    assert engine._indexed is True and engine._constrained is True
    engine.schema.drop_index(PROP)
    engine.schema.drop_constraint(ConstraintSpec(ConstraintKind.UNIQUE, "L", ("k",)))
    assert engine._indexed is False and engine._constrained is False


def test_schema_changes_are_logged(engine: Any) -> None:
    logged: list[tuple[str, Any]] = []
    engine._log_schema_change = lambda action, spec: logged.append((action, spec))
    unique = ConstraintSpec(ConstraintKind.UNIQUE, "L", ("k",))
    engine.schema.create_index(PROP)
    engine.schema.create_index(PROP)
    engine.schema.create_constraint(unique)
    engine.schema.drop_constraint(unique)
    engine.schema.drop_index(PROP)
    engine.schema.drop_index(PROP)
    assert logged == [("create", PROP), ("create", unique), ("drop", unique), ("drop", PROP)]


def test_gc_thread_runs_and_stops_at_once_on_close(make_engine: Any) -> None:
    engine = make_engine(storage_gc_cycle_sec=1)
    thread = engine._gc_thread
    assert thread is not None and thread.is_alive() and thread.daemon
    runs = threading.Event()
    original = engine._gc_once

    def counted() -> None:
        runs.set()
        original()

    engine._gc_once = counted
    assert runs.wait(5)
    slow = make_engine(storage_gc_cycle_sec=30)
    started = time.perf_counter()
    slow.close()
    engine.close()
    assert time.perf_counter() - started < 2
    assert not thread.is_alive() and engine._gc_thread is None


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_free_memory_returns_rss_after_large_update_and_delete(engine: Any) -> None:
    """200k indexed nodes: an update of every node rolled back, then a delete of every node;
    after FREE MEMORY the resident size is back near (or below) its level before."""
    engine.schema.create_index(PROP)
    tx = engine.begin()
    for i in range(200_000):
        tx.create_node(("L",), {"k": i})
    tx.commit()
    engine.free_memory()
    gc.collect()
    before = rss_mib()
    tx = engine.begin()
    for node in tx.nodes():
        tx.set_node_property(node, "k", f"value number {node.gid}")
    grown = rss_mib()
    assert grown > before + 10
    tx.rollback()
    engine.free_memory()
    after_rollback = rss_mib()
    assert len(engine._indexes.props[PROP].entries) == 200_000
    # measured: +30 MiB while updating, +2 MiB after rollback and FREE MEMORY
    assert after_rollback < before + (grown - before) / 2, (before, grown, after_rollback)
    tx = engine.begin()
    for node in list(tx.nodes()):
        tx.delete_node(node)
    tx.commit()
    engine.free_memory()
    assert len(engine._indexes.props[PROP].entries) == 0
    assert dict(engine.info())["unreleased_delta_objects"] == 0
    assert rss_mib() < before, (before, rss_mib())


POINT_VALUES = [1, 1.0, -0.0, 0, 2, 2.5, float("nan"), "a", "b", True, False, [1], [1.0]]


def stand_in_vertices(n: int) -> list[Any]:
    """``n`` vertices (gids 0..n-1) for PropertyIndex tests that drive the index directly."""
    from mgcore_engine_in_memory_tx.objects import Vertex

    return [Vertex(gid, ("L",), None) for gid in range(n)]


def point_table_expected(index: Any) -> dict[Any, Any]:
    """The point table an index must have: its KeyList's integer, string and non-NaN float
    values under Cypher equality, each to the vertex of its only entry or MANY."""
    from mgcore.storage.kit.lookups import cypher_equals
    from mgcore_engine_in_memory_tx.indexes import MANY

    holders: list[tuple[Any, list[int]]] = []
    for key in index.entries:
        (value,), gid = split_index_key(key)
        if value.__class__ not in (int, str, float) or value != value:
            continue
        for known, gids in holders:
            if cypher_equals(known, value):
                gids.append(gid)
                break
        else:
            holders.append((value, [gid]))
    return {value: index.vertices[gids[0]] if len(gids) == 1 else MANY
            for value, gids in holders}


@pytest.mark.parametrize("seed", range(5))
def test_point_table_follows_the_key_list(seed: int) -> None:
    """Random insertions and removals of keys of equal and unequal values (1 / 1.0 / -0.0 / 0,
    NaN, booleans, lists) keep the point table equal to the KeyList grouped under Cypher
    equality, a rebuild (``load``) gives the same table, and a probe of the table answers every
    value as a KeyList scan with Cypher equality would (or defers to it with MANY)."""
    import random

    from mgcore.storage.kit.codec import index_key
    from mgcore.storage.kit.lookups import cypher_equals
    from mgcore_engine_in_memory_tx.indexes import MANY, PropertyIndex, pointable

    rng = random.Random(seed)
    vertices = stand_in_vertices(4)
    index = PropertyIndex(IndexSpec("L", ("p",)), (0,), vertices)
    pairs = [(v, gid) for v in POINT_VALUES for gid in range(4)]
    for _ in range(600):
        value, gid = rng.choice(pairs)
        key = index_key((value,), gid)
        if rng.random() < 0.55:
            index.add(key, {0: value}, vertices[gid])
        elif rng.random() < 0.5:
            index.discard(key)
        else:
            index.discard(key, value)
        assert index.points == point_table_expected(index)
    rebuilt = PropertyIndex(IndexSpec("L", ("p",)), (0,), vertices)
    rebuilt.load({k: (split_index_key(k)[0][0], vertices[split_index_key(k)[1]])
                  for k in index.entries})
    assert rebuilt.points == index.points
    for value in POINT_VALUES:
        if not pointable(value):
            assert value.__class__ in (bool, list) or value != value
            continue
        hit = index.points.get(value)
        equal = [split_index_key(k)[1] for k in index.entries
                 if cypher_equals(split_index_key(k)[0][0], value) is True]
        if hit is None:
            assert equal == [], value
        elif hit is MANY:
            assert len(equal) > 1, value
        else:
            assert equal == [hit.gid], value
