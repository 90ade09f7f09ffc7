"""First-committer-wins in ON_DISK_TRANSACTIONAL: the ``RecentWrites`` table on its own, and the
engine's commit-time write-write check (a losing commit raises ``SerializationError`` and
leaves nothing behind; no update is lost under concurrent retrying writers)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from od_helpers import cf_keys

from mgcore.storage.errors import SerializationError
from mgcore_engine_on_disk.conflicts import RecentWrites
from mgcore_engine_on_disk.engine import OnDiskEngine

# ------------------------------------------------------------------------ RecentWrites


def test_conflict_only_for_commits_after_start() -> None:
    """A gid written at ts 5 conflicts with a transaction that started at 4, not at 5 or 6,
    and other gids never conflict; vertices and edges are separate tables."""
    rw = RecentWrites()
    rw.record(5, [10], [20], oldest_start=1)
    assert rw.conflicts(4, [10], [])
    assert rw.conflicts(4, [], [20])
    assert not rw.conflicts(5, [10], [20])
    assert not rw.conflicts(6, [10], [20])
    assert not rw.conflicts(4, [11], [21])
    assert not rw.conflicts(4, [20], [10])  # gid 20 is an edge, 10 a vertex
    assert len(rw) == 2


def test_newest_commit_counts() -> None:
    """A gid written twice is judged by its newest commit."""
    rw = RecentWrites()
    rw.record(3, [1], [], oldest_start=1)
    rw.record(7, [1], [], oldest_start=1)
    assert rw.conflicts(6, [1], [])
    assert not rw.conflicts(7, [1], [])


def test_forget_before() -> None:
    """forget_before(t) drops commits at or before t and keeps later ones; an entry rewritten
    by a later commit survives forgetting the earlier one; None clears everything."""
    rw = RecentWrites()
    rw.record(2, [1, 2], [9], oldest_start=0)
    rw.record(4, [2, 3], [], oldest_start=0)
    rw.forget_before(2)
    assert not rw.conflicts(0, [1], [9])
    assert rw.conflicts(3, [2], [])  # rewritten at 4
    assert rw.conflicts(3, [3], [])
    assert len(rw) == 2
    rw.forget_before(4)
    assert len(rw) == 0
    rw.record(6, [5], [], oldest_start=5)
    assert len(rw) == 1
    rw.forget_before(None)
    assert len(rw) == 0


def test_record_with_no_running_transaction_keeps_nothing() -> None:
    """With no transaction running (oldest_start None) nothing can conflict, so record keeps
    nothing and even clears what was there."""
    rw = RecentWrites()
    rw.record(3, [1], [2], oldest_start=2)
    assert len(rw) == 2
    rw.record(4, [5], [6], oldest_start=None)
    assert len(rw) == 0
    assert not rw.conflicts(0, [1, 5], [2, 6])


def test_record_forgets_commits_older_than_oldest_start() -> None:
    """record also drops entries no running transaction can conflict with."""
    rw = RecentWrites()
    rw.record(3, [1], [], oldest_start=2)
    rw.record(5, [2], [], oldest_start=4)
    assert not rw.conflicts(0, [1], [])
    assert rw.conflicts(4, [2], [])
    assert len(rw) == 1


# ------------------------------------------------------------------------------ engine


def _node(engine: OnDiskEngine, **props: Any) -> int:
    tx = engine.begin()
    n = tx.create_node(["N"], props)
    tx.commit()
    return n.gid


def test_first_committer_wins_and_loser_leaves_no_trace(engine: OnDiskEngine) -> None:
    """Two transactions write the same node: the first commit wins; the second's commit raises
    SerializationError, and none of its writes (including a node it created) is stored."""
    gid = _node(engine, x=0)
    t1, t2 = engine.begin(), engine.begin()
    t1.set_node_property(t1.node(gid), "x", 1)
    t2.set_node_property(t2.node(gid), "x", 2)
    t2.add_label(t2.node(gid), "Loser")
    extra = t2.create_node(["Extra"])
    t1.commit()
    vertex_before = cf_keys(engine, "vertex")
    ts_before = engine._catalog.ts
    with pytest.raises(SerializationError):
        t2.commit()
    assert cf_keys(engine, "vertex") == vertex_before
    assert engine._catalog.ts == ts_before
    r = engine.begin()
    assert r.node_property(r.node(gid), "x") == 1
    assert r.node_labels(r.node(gid)) == ("N",)
    assert r.node(extra.gid) is None
    assert list(r.nodes_by_label("Extra")) == []
    r.rollback()
    assert engine.statistics().node_count == 1


def test_relationship_conflict(engine: OnDiskEngine) -> None:
    """Concurrent writes of one relationship's property: the second committer loses."""
    tx = engine.begin()
    a, b = tx.create_node(), tx.create_node()
    rel = tx.create_relationship(a, b, "R", {"w": 0})
    tx.commit()
    t1, t2 = engine.begin(), engine.begin()
    t1.set_relationship_property(t1.relationship(rel.gid), "w", 1)
    t2.set_relationship_property(t2.relationship(rel.gid), "w", 2)
    t1.commit()
    with pytest.raises(SerializationError):
        t2.commit()
    r = engine.begin()
    assert r.relationship_property(r.relationship(rel.gid), "w") == 1
    r.rollback()


def test_transaction_started_after_commit_does_not_conflict(engine: OnDiskEngine) -> None:
    """A transaction that began after the first commit sees it and may write the same node."""
    gid = _node(engine, x=0)
    keep = engine.begin()  # keeps the conflict table populated
    t1 = engine.begin()
    t1.set_node_property(t1.node(gid), "x", 1)
    t1.commit()
    assert len(engine._recent) > 0
    t2 = engine.begin()
    t2.set_node_property(t2.node(gid), "x", t2.node_property(t2.node(gid), "x") + 1)
    t2.commit()
    keep.rollback()
    r = engine.begin()
    assert r.node_property(r.node(gid), "x") == 2
    r.rollback()


def test_read_only_transaction_never_conflicts(engine: OnDiskEngine) -> None:
    """A transaction that only read a node another transaction changed commits fine (read-only
    flag or not) and still read the old value."""
    gid = _node(engine, x=0)
    reader = engine.begin(read_only=True)
    plain_reader = engine.begin()
    assert reader.node_property(reader.node(gid), "x") == 0
    assert plain_reader.node_property(plain_reader.node(gid), "x") == 0
    w = engine.begin()
    w.set_node_property(w.node(gid), "x", 1)
    w.commit()
    assert reader.node_property(reader.node(gid), "x") == 0
    assert plain_reader.node_property(plain_reader.node(gid), "x") == 0
    reader.commit()
    plain_reader.commit()


def test_table_empty_when_no_transaction_runs(engine: OnDiskEngine) -> None:
    """With overlapping transactions the table fills; once every transaction has ended
    (committed, rolled back or lost a conflict) it is empty."""
    gid = _node(engine, x=0)
    assert len(engine._recent) == 0
    long = engine.begin()
    for i in range(5):
        t = engine.begin()
        t.set_node_property(t.node(gid), "x", i)
        t.commit()
    assert len(engine._recent) > 0
    loser = engine.begin()
    winner = engine.begin()
    winner.set_node_property(winner.node(gid), "x", 100)
    loser.set_node_property(loser.node(gid), "x", 200)
    winner.commit()
    with pytest.raises(SerializationError):
        loser.commit()
    assert len(engine._recent) > 0
    long.rollback()
    assert len(engine._recent) == 0
    assert engine._transactions == {}


def test_concurrent_increments_lose_no_update(engine: OnDiskEngine) -> None:
    """Threads increment one counter property, retrying on SerializationError: the final value
    is exactly the number of increments, and some conflicts really happened."""
    gid = _node(engine, n=0)
    threads_n, per_thread = 6, 40
    conflicts = [0]
    lock = threading.Lock()
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n)

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                while True:
                    tx = engine.begin()
                    node = tx.node(gid)
                    assert node is not None
                    value = tx.node_property(node, "n")
                    time.sleep(0.0005)  # let other threads read the same value
                    tx.set_node_property(node, "n", value + 1)
                    try:
                        tx.commit()
                        break
                    except SerializationError:
                        with lock:
                            conflicts[0] += 1
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    r = engine.begin()
    assert r.node_property(r.node(gid), "n") == threads_n * per_thread
    r.rollback()
    assert len(engine._recent) == 0
    assert len(cf_keys(engine, "vertex")) == 1
    assert conflicts[0] > 0  # the increments really raced
