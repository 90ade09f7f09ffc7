"""Version cleanup in ON_DISK_TRANSACTIONAL: each vertex and edge has exactly one live key
however often it is rewritten (a commit deletes the old key in the same batch), so once RocksDB
compacts, disk use does not grow with the number of rewrites; a transaction that began before
the rewrites still reads the version of its snapshot."""

from __future__ import annotations

import random
import string
from collections.abc import Callable

from od_helpers import cf_keys, compact, store_size

from mgcore.storage import Direction
from mgcore_engine_on_disk.engine import OnDiskEngine
from mgcore_engine_on_disk.keys import split_vertex_key

REWRITES = 2000
PAYLOAD = "p" * 1000
NOISE = 200
"""Each rewrite stores NOISE random characters (hardly compressible), so REWRITES versions
(hundreds of KB per entity) would dwarf the live data if old versions were kept."""
FAST = {"storage_wal_fsync": "never"}


def _graph(engine: OnDiskEngine) -> tuple[int, int, int]:
    tx = engine.begin()
    a = tx.create_node(["A"], {"x": 0, "pad": PAYLOAD})
    b = tx.create_node(["B"], {"pad": PAYLOAD})
    r = tx.create_relationship(a, b, "R", {"w": 0, "pad": PAYLOAD})
    tx.commit()
    return a.gid, b.gid, r.gid


def _rewrite_all(engine: OnDiskEngine, a: int, r: int, times: int) -> None:
    """Rewrite a's properties, r's properties and a's labels, one commit each, ``times``
    times."""
    rnd = random.Random(times)
    alphabet = string.ascii_letters + string.digits + "+/"
    for i in range(times):
        tx = engine.begin()
        node = tx.node(a)
        tx.set_node_property(node, "x", i + 1)
        tx.set_node_property(node, "noise", "".join(rnd.choices(alphabet, k=NOISE)))
        tx.commit()
        tx = engine.begin()
        rel = tx.relationship(r)
        tx.set_relationship_property(rel, "w", i + 1)
        tx.set_relationship_property(rel, "noise", "".join(rnd.choices(alphabet, k=NOISE)))
        tx.commit()
        tx = engine.begin()
        node = tx.node(a)
        if i % 2 == 0:
            tx.add_label(node, "Extra")
        else:
            tx.remove_label(node, "Extra")
        tx.commit()


def test_rewrites_leave_one_live_key_per_entity(
    make_engine: Callable[..., OnDiskEngine],
) -> None:
    """Thousands of property and label rewrites leave one vertex key per node (with the newest
    labels and commit ts), one out/in/edge key for the relationship, and the newest values."""
    engine = make_engine(**FAST)
    a, b, r = _graph(engine)
    _rewrite_all(engine, a, r, REWRITES)
    vkeys = cf_keys(engine, "vertex")
    assert len(vkeys) == 2
    assert [split_vertex_key(k)[0] for k in vkeys] == [a, b]
    assert split_vertex_key(vkeys[0])[2] == engine._catalog.ts
    assert len(cf_keys(engine, "out")) == 1
    assert len(cf_keys(engine, "in")) == 1
    assert len(cf_keys(engine, "edge")) == 1
    tx = engine.begin()
    node = tx.node(a)
    assert tx.node_property(node, "x") == REWRITES
    assert tx.node_labels(node) == ("A",)  # REWRITES is even: added and removed equally often
    ((rel, _),) = list(tx.expand(node, Direction.OUT))
    assert tx.relationship_property(rel, "w") == REWRITES
    tx.rollback()


def test_disk_use_does_not_grow_with_rewrites(
    make_engine: Callable[..., OnDiskEngine],
) -> None:
    """After a full compaction, the .sst files of a graph rewritten thousands of times are no
    bigger than about twice those of the same graph written once."""
    once = make_engine(**FAST)
    _graph(once)
    _rewrite_all(once, 0, 0, 1)
    compact(once)
    base = store_size(once)
    many = make_engine(**FAST)
    a, _, r = _graph(many)
    _rewrite_all(many, a, r, REWRITES)
    compact(many)
    size = store_size(many)
    assert base > 0
    assert size <= 2 * base + 32 * 1024, (size, base)


def test_old_snapshot_reads_old_version_then_compaction_drops_it(
    make_engine: Callable[..., OnDiskEngine],
) -> None:
    """A transaction that began before the rewrites (and before filler nodes were deleted)
    reads the original values throughout, even across a full compaction; once it has ended,
    compaction reclaims the old versions, so disk use falls back to that of the live data."""
    engine = make_engine(**FAST)
    a, _, r = _graph(engine)
    rnd = random.Random(1)
    alphabet = string.ascii_letters + string.digits + "+/"
    tx = engine.begin()
    filler = [tx.create_node(["Filler"], {"noise": "".join(rnd.choices(alphabet, k=NOISE))}).gid
              for _ in range(500)]
    tx.commit()
    compact(engine)  # the original versions are now in an .sst file
    with_filler = store_size(engine)
    old = engine.begin()
    tx = engine.begin()
    for gid in filler:
        tx.delete_node(tx.node(gid))  # type: ignore[arg-type]
    tx.commit()
    _rewrite_all(engine, a, r, REWRITES // 2)
    compact(engine)
    node = old.node(a)
    assert node is not None
    assert old.node_property(node, "x") == 0
    assert old.node_labels(node) == ("A",)
    rel = old.relationship(r)
    assert rel is not None
    assert old.relationship_property(rel, "w") == 0
    assert len(list(old.nodes_by_label("Filler"))) == 500
    assert old.node_property(old.node(filler[-1]), "noise") is not None  # type: ignore[arg-type]
    pinned = store_size(engine)
    old.rollback()
    compact(engine)
    after = store_size(engine)
    fresh = make_engine(**FAST)
    _graph(fresh)
    _rewrite_all(fresh, 0, 0, 1)
    compact(fresh)
    assert with_filler > 4 * store_size(fresh) + 64 * 1024  # the filler dominates
    assert pinned >= with_filler  # the old file is kept while the snapshot may read it
    assert after <= 2 * store_size(fresh) + 32 * 1024, (after, store_size(fresh))
    tx = engine.begin()
    assert tx.node_property(tx.node(a), "x") == REWRITES // 2  # type: ignore[arg-type]
    assert list(tx.nodes_by_label("Filler")) == []
    tx.rollback()




def _deletion_markers(engine: OnDiskEngine) -> int:
    """Deletion markers in the table files of every column family."""
    store = engine._store
    assert store is not None
    return sum(int(f["num_deletions"]) for f in store.db.live_files())


def _rewrite_node(engine: OnDiskEngine, gid: int, first: int, times: int,
                  flush: bool = True) -> None:
    """Set the node's ``x`` ``times`` times (one commit each), flushing the vertex family every
    ten commits (with ``flush``) so that old versions and their deletion markers reach table
    files."""
    store = engine._store
    assert store is not None
    for i in range(first, first + times):
        tx = engine.begin()
        tx.set_node_property(tx.node(gid), "x", i)
        tx.commit()
        if flush and i % 10 == 9:
            store.cf["vertex"].flush()


def test_many_deletions_start_a_full_compaction(
    make_engine: Callable[..., OnDiskEngine], monkeypatch: object
) -> None:
    """Once a family has had more deletions than it holds live keys (at least COMPACT_AFTER),
    the engine compacts it fully in the background, so old versions and their deletion markers
    leave the files without any manual compaction; below the threshold nothing starts."""
    import mgcore_engine_on_disk.engine as engine_module

    monkeypatch.setattr(engine_module, "COMPACT_AFTER", 300)  # type: ignore[attr-defined]
    engine = make_engine(**FAST)
    a, _, _ = _graph(engine)
    store = engine._store
    assert store is not None
    _rewrite_node(engine, a, 0, 250)  # 250 vertex deletions: below the threshold
    assert store._compaction is None
    assert _deletion_markers(engine) > 0
    _rewrite_node(engine, a, 250, 50, flush=False)  # the 300th deletion starts it
    assert store._compaction is not None
    store._compaction.join(timeout=60)
    assert _deletion_markers(engine) == 0
    assert len(cf_keys(engine, "vertex")) == 2
    assert engine._garbage["vertex"] == 0
    tx = engine.begin()
    assert tx.node_property(tx.node(a), "x") == 299
    tx.rollback()
