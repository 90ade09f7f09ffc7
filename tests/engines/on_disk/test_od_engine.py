"""ON_DISK_TRANSACTIONAL as a whole: snapshot isolation in every kind of read, reading the
transaction's own writes, the isolation-level rules, the per-transaction memory limit,
durability across reopen (including recovery from a half-built index), CREATE SNAPSHOT as a
RocksDB checkpoint, and the storage_wal_fsync modes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from od_helpers import cf_keys

from mgcore.errors import ClientError, MemoryLimitExceeded
from mgcore.storage import Direction, IndexSpec
from mgcore.storage.errors import StorageError, UnsupportedOperation
from mgcore.storage.kit.codec import index_key, key_prefix
from mgcore.storage.kit.marker import MARKER_FILE
from mgcore.storage.records import (
    ConstraintKind,
    ConstraintSpec,
    IsolationLevel,
    PropertyRange,
)
from mgcore_engine_on_disk.catalog import COUNTERS, Catalog
from mgcore_engine_on_disk.engine import OnDiskEngine
from mgcore_engine_on_disk.keys import GID, id_bytes

MakeEngine = Callable[..., OnDiskEngine]
Reopen = Callable[..., OnDiskEngine]


def gids(nodes: Any) -> set[int]:
    return {n.gid for n in nodes}


def _index_all(engine: OnDiskEngine) -> None:
    """Label index and label+property index on :P(age); :Q stays unindexed (scan paths)."""
    engine.schema.create_index(IndexSpec("P"))
    engine.schema.create_index(IndexSpec("P", ("age",)))


# ---------------------------------------------------------------- snapshot isolation


@pytest.mark.parametrize("label", ["P", "Q"], ids=["indexed", "scanned"])
def test_reader_does_not_see_later_commits(engine: OnDiskEngine, label: str) -> None:
    """A transaction's reads (point lookups, all-node and label scans, property seeks, range
    and prefix seeks, expansions, relationship lookups) show the data committed before it
    began, whatever commits afterwards: created, changed, relabelled and deleted nodes and
    relationships."""
    _index_all(engine)
    tx = engine.begin()
    a = tx.create_node([label], {"age": 10, "name": "alice"})
    b = tx.create_node([label], {"age": 20, "name": "bob"})
    c = tx.create_node([label], {"age": 30, "name": "carol"})
    r_ab = tx.create_relationship(a, b, "KNOWS", {"since": 1})
    tx.commit()

    reader = engine.begin()
    w = engine.begin()
    new = w.create_node([label], {"age": 10, "name": "ann"})
    w.set_node_property(w.node(b.gid), "age", 10)
    w.remove_label(w.node(c.gid), label)
    w.set_relationship_property(w.relationship(r_ab.gid), "since", 2)
    r_new = w.create_relationship(w.node(a.gid), new, "KNOWS")
    w.detach_delete_node(w.node(b.gid))  # also deletes r_ab
    w.commit()

    assert reader.node(new.gid) is None
    assert reader.node(b.gid) is not None
    assert reader.relationship(r_new.gid) is None
    assert reader.relationship(r_ab.gid) is not None
    assert gids(reader.nodes()) == {a.gid, b.gid, c.gid}
    assert {r.gid for r in reader.relationships()} == {r_ab.gid}
    assert gids(reader.nodes_by_label(label)) == {a.gid, b.gid, c.gid}
    assert gids(reader.nodes_by_property(label, "age", 10)) == {a.gid}
    assert gids(reader.nodes_by_property(label, "age", 20)) == {b.gid}
    assert gids(reader.nodes_by_properties(label, ("age",), (20,))) == {b.gid}
    assert gids(reader.nodes_by_property_range(label, "age", PropertyRange(5, True, 15, True))) \
        == {a.gid}
    assert gids(reader.nodes_by_property_range(label, "age", PropertyRange())) \
        == {a.gid, b.gid, c.gid}
    assert gids(reader.nodes_by_property_prefix(label, "name", "a")) == {a.gid}
    out = list(reader.expand(reader.node(a.gid), Direction.OUT))  # type: ignore[arg-type]
    assert [(r.gid, n.gid) for r, n in out] == [(r_ab.gid, b.gid)]
    assert reader.relationship_property(out[0][0], "since") == 1
    inc = list(reader.expand(reader.node(b.gid), Direction.IN, ("KNOWS",)))  # type: ignore[arg-type]
    assert [(r.gid, n.gid) for r, n in inc] == [(r_ab.gid, a.gid)]
    assert reader.degree(reader.node(a.gid), Direction.BOTH) == 1  # type: ignore[arg-type]
    assert reader.node_labels(reader.node(c.gid)) == (label,)  # type: ignore[arg-type]
    assert reader.node_property(reader.node(b.gid), "age") == 20  # type: ignore[arg-type]
    reader.rollback()

    after = engine.begin()
    assert gids(after.nodes_by_label(label)) == {a.gid, new.gid}
    assert gids(after.nodes_by_property(label, "age", 10)) == {a.gid, new.gid}
    assert {n.gid for _, n in after.expand(after.node(a.gid), Direction.OUT)} == {new.gid}  # type: ignore[arg-type]
    after.rollback()


# ------------------------------------------------------------- read your own writes


@pytest.mark.parametrize("label", ["P", "Q"], ids=["indexed", "scanned"])
def test_read_your_own_writes_in_every_scan(engine: OnDiskEngine, label: str) -> None:
    """Inside one transaction every scan kind reflects its own uncommitted writes: created,
    modified and deleted nodes, labels added and removed, relationships created and deleted,
    and property seeks that see the changed values."""
    _index_all(engine)
    tx = engine.begin()
    a = tx.create_node([label], {"age": 1, "name": "a"})
    b = tx.create_node([label], {"age": 2, "name": "b"})
    c = tx.create_node(["Other"], {"age": 3, "name": "c"})
    d = tx.create_node([label], {"age": 4, "name": "d"})
    r_ab = tx.create_relationship(a, b, "R")
    tx.commit()

    tx = engine.begin()
    na, nb, nc, nd = (tx.node(x.gid) for x in (a, b, c, d))
    assert na is not None and nb is not None and nc is not None and nd is not None
    new = tx.create_node([label], {"age": 100, "name": "new"})
    tx.set_node_property(na, "age", 2)           # a now matches age=2
    tx.set_node_property(nb, "age", None)        # b leaves the age index
    tx.add_label(nc, label)                      # c gains the label
    tx.remove_label(nd, label)                   # d loses it
    tx.delete_relationship(tx.relationship(r_ab.gid))  # type: ignore[arg-type]
    r_new = tx.create_relationship(na, new, "R", {"w": 5})
    gone = tx.create_node([label], {"age": 2})
    tx.delete_node(gone)

    assert tx.node(new.gid) is not None
    assert tx.node(gone.gid) is None
    assert gids(tx.nodes()) == {a.gid, b.gid, c.gid, d.gid, new.gid}
    assert gids(tx.nodes_by_label(label)) == {a.gid, b.gid, c.gid, new.gid}
    assert gids(tx.nodes_by_property(label, "age", 2)) == {a.gid}
    assert gids(tx.nodes_by_property(label, "age", 3)) == {c.gid}
    assert gids(tx.nodes_by_property(label, "age", 4)) == set()
    assert gids(tx.nodes_by_property(label, "age", 100)) == {new.gid}
    assert gids(tx.nodes_by_properties(label, ("age",), (2,))) == {a.gid}
    assert gids(tx.nodes_by_property_range(label, "age", PropertyRange(1, True, 3, True))) \
        == {a.gid, c.gid}
    assert gids(tx.nodes_by_property_range(label, "age", PropertyRange())) \
        == {a.gid, c.gid, new.gid}
    assert gids(tx.nodes_by_property_prefix(label, "name", "n")) == {new.gid}
    assert gids(tx.nodes_by_property_prefix(label, "name", "d")) == set()
    assert [(r.gid, n.gid) for r, n in tx.expand(na, Direction.OUT)] == [(r_new.gid, new.gid)]
    assert [(r.gid, n.gid) for r, n in tx.expand(new, Direction.IN, ("R",))] \
        == [(r_new.gid, a.gid)]
    assert list(tx.expand(nb, Direction.BOTH)) == []
    assert {r.gid for r in tx.relationships()} == {r_new.gid}
    assert tx.relationship(r_ab.gid) is None
    assert tx.relationship_property(tx.relationship(r_new.gid), "w") == 5  # type: ignore[arg-type]
    assert tx.node_labels(nc) == ("Other", label)
    tx.commit()

    check = engine.begin()
    assert gids(check.nodes_by_label(label)) == {a.gid, b.gid, c.gid, new.gid}
    assert gids(check.nodes_by_property(label, "age", 2)) == {a.gid}
    check.rollback()


@pytest.mark.parametrize("label", ["P", "Q"], ids=["indexed", "scanned"])
def test_scan_judges_nodes_written_during_the_scan(engine: OnDiskEngine, label: str) -> None:
    """A node first written while a scan is under way is judged by its new state when the scan
    reaches it: one that lost the label or the sought value is skipped, one that keeps them is
    yielded once."""
    _index_all(engine)
    tx = engine.begin()
    made = [tx.create_node([label], {"age": 1}) for _ in range(6)]
    tx.commit()
    tx = engine.begin()
    seen = []
    for node in tx.nodes_by_label(label):
        if not seen:
            tx.remove_label(tx.node(made[-1].gid), label)  # type: ignore[arg-type]
            tx.set_node_property(tx.node(made[2].gid), "age", 5)  # type: ignore[arg-type]
        seen.append(node.gid)
    assert seen == [n.gid for n in made[:-1]]
    seen = []
    for node in tx.nodes_by_property(label, "age", 1):
        if not seen:
            tx.set_node_property(tx.node(made[3].gid), "age", 7)  # type: ignore[arg-type]
        seen.append(node.gid)
    assert seen == [made[0].gid, made[1].gid, made[4].gid]
    tx.rollback()


# -------------------------------------------------------------------- isolation levels


def test_only_snapshot_isolation(engine: OnDiskEngine) -> None:
    """begin() and set_isolation_level() refuse every level but SNAPSHOT_ISOLATION with
    UnsupportedOperation; snapshot isolation (or no level) is accepted."""
    for level in (IsolationLevel.READ_COMMITTED, IsolationLevel.READ_UNCOMMITTED):
        with pytest.raises(UnsupportedOperation):
            engine.begin(level)
        with pytest.raises(UnsupportedOperation):
            engine.set_isolation_level(level)
    assert engine._transactions == {}
    engine.set_isolation_level(IsolationLevel.SNAPSHOT_ISOLATION)
    tx = engine.begin(IsolationLevel.SNAPSHOT_ISOLATION)
    assert tx.isolation is IsolationLevel.SNAPSHOT_ISOLATION
    tx.rollback()
    engine.begin().rollback()


# ------------------------------------------------------------------------ memory limit


def test_transaction_memory_limit(make_engine: MakeEngine) -> None:
    """With a 1 MiB limit a transaction creating many nodes fails with MemoryLimitExceeded
    ("Memory limit exceeded"); after its rollback nothing of it is stored and the engine keeps
    working (small transactions commit)."""
    engine = make_engine(storage_on_disk_transaction_memory_mib=1)
    tx = engine.begin()
    with pytest.raises(MemoryLimitExceeded, match="Memory limit exceeded"):
        for i in range(50_000):
            tx.create_node(["M"], {"i": i, "pad": "x" * 50})
    tx.rollback()
    assert engine.statistics().node_count == 0
    assert cf_keys(engine, "vertex") == []
    assert engine._transactions == {}
    tx = engine.begin()
    for i in range(100):
        tx.create_node(["M"], {"i": i})
    tx.commit()
    r = engine.begin()
    assert len(list(r.nodes_by_label("M"))) == 100
    r.rollback()


def test_memory_limit_zero_means_unlimited(make_engine: MakeEngine) -> None:
    """storage_on_disk_transaction_memory_mib=0 disables the limit: the same bulk that fails
    at 1 MiB commits."""
    engine = make_engine(storage_on_disk_transaction_memory_mib=0, storage_wal_fsync="never")
    tx = engine.begin()
    for i in range(8_000):
        tx.create_node(["M"], {"i": i, "pad": "x" * 50})
    tx.commit()
    assert engine.statistics().node_count == 8_000


# -------------------------------------------------------------------------- durability


def test_reopen_keeps_data_schema_names_and_counters(engine: OnDiskEngine,
                                                     reopen: Reopen) -> None:
    """After close and reopen: nodes, relationships and their properties, indexes (with their
    entries usable), constraints (still enforced), names, statistics, and the gid counters (new
    gids above every earlier one even when the highest node and relationship were deleted)."""
    tx = engine.begin()
    nodes = [tx.create_node(["Person"], {"name": f"n{i}", "age": i}) for i in range(5)]
    rels = [tx.create_relationship(nodes[i], nodes[i + 1], "NEXT", {"i": i}) for i in range(4)]
    tx.commit()
    engine.schema.create_index(IndexSpec("Person", ("age",)))
    engine.schema.create_index(IndexSpec("Person"))
    uniq = ConstraintSpec(ConstraintKind.UNIQUE, "Person", ("name",))
    exists = ConstraintSpec(ConstraintKind.EXISTS, "Person", ("age",))
    engine.schema.create_constraint(uniq)
    engine.schema.create_constraint(exists)
    tx = engine.begin()
    tx.detach_delete_node(tx.node(nodes[4].gid))  # type: ignore[arg-type]  # highest gid, and rel 3
    tx.commit()
    max_gid, max_egid = nodes[4].gid, rels[3].gid

    engine = reopen(engine)
    assert {i.spec for i in engine.schema.indexes()} == {
        IndexSpec("Person", ("age",)), IndexSpec("Person")}
    assert set(engine.schema.constraints()) == {uniq, exists}
    stats = engine.statistics()
    assert (stats.node_count, stats.relationship_count) == (4, 3)
    assert stats.label_counts == {"Person": 4}
    tx = engine.begin()
    assert gids(tx.nodes()) == {n.gid for n in nodes[:4]}
    assert gids(tx.nodes_by_property("Person", "age", 2)) == {nodes[2].gid}
    assert tx.node_labels(tx.node(nodes[0].gid)) == ("Person",)  # type: ignore[arg-type]
    assert tx.node_properties(tx.node(nodes[1].gid)) == {"name": "n1", "age": 1}  # type: ignore[arg-type]
    ((rel, other),) = list(tx.expand(tx.node(nodes[0].gid), Direction.OUT))  # type: ignore[arg-type]
    assert (tx.relationship_type(rel), other.gid, tx.relationship_property(rel, "i")) \
        == ("NEXT", nodes[1].gid, 0)
    fresh = tx.create_node(["Person"], {"name": "new", "age": 9})
    fresh_rel = tx.create_relationship(fresh, tx.node(nodes[0].gid), "NEXT")  # type: ignore[arg-type]
    tx.commit()
    assert fresh.gid > max_gid
    assert fresh_rel.gid > max_egid
    tx = engine.begin()
    tx.create_node(["Person"], {"name": "n0", "age": 1})
    with pytest.raises(Exception, match="unique constraint"):
        tx.commit()
    tx = engine.begin()
    tx.create_node(["Person"], {"name": "noage"})
    with pytest.raises(Exception, match="existence constraint"):
        tx.commit()


def test_half_built_index_is_removed_on_reopen(engine: OnDiskEngine, reopen: Reopen) -> None:
    """A label+property index (and a uniqueness constraint) whose definition is still
    "building" when the engine stops is removed at the next open, with its entries; ready
    indexes and their entries are untouched."""
    tx = engine.begin()
    n = tx.create_node(["H"], {"p": 1})
    tx.commit()
    engine.schema.create_index(IndexSpec("H", ("p",)))
    ready_entries = cf_keys(engine, "label_property")
    assert len(ready_entries) == 1
    store = engine._store
    assert store is not None
    half = IndexSpec("H", ("q",))
    sid = engine._catalog.new_schema_id()
    key, record = Catalog.definition(half, sid, False)
    store.cf["meta"][key] = record
    for i in range(5):
        store.cf["label_property"][id_bytes(sid) + index_key([i], 1000 + i)] = b""
    ucon = ConstraintSpec(ConstraintKind.UNIQUE, "H", ("z",))
    cid = engine._catalog.new_schema_id()
    ukey, urecord = Catalog.definition(ucon, cid, False)
    store.cf["meta"][ukey] = urecord
    store.cf["unique"][id_bytes(cid) + key_prefix([7])] = GID.pack(n.gid)
    del store

    engine = reopen(engine)
    meta = engine._store.cf["meta"]  # type: ignore[union-attr]
    assert meta.get(key) is None
    assert meta.get(ukey) is None
    assert cf_keys(engine, "label_property") == ready_entries
    assert cf_keys(engine, "unique") == []
    assert half not in engine._catalog.indexes
    assert {i.spec for i in engine.schema.indexes()} == {IndexSpec("H", ("p",))}
    assert engine.schema.constraints() == []
    assert engine._catalog.building == {}
    tx = engine.begin()
    assert gids(tx.nodes_by_property("H", "p", 1)) == {n.gid}
    tx.rollback()
    # The removed index can be built for real afterwards.
    assert engine.schema.create_index(half)


def test_damaged_metadata_is_a_clear_error(make_engine: MakeEngine, tmp_path: Path) -> None:
    """A metadata record that does not decode stops the open with a StorageError saying the
    metadata is damaged (and where to restore from), not with a decoder's exception."""
    directory = tmp_path / "damaged"
    engine = make_engine(directory=directory)
    tx = engine.begin()
    tx.create_node(["A"], {"x": 1})
    tx.commit()
    store = engine._store
    assert store is not None
    store.cf["meta"][COUNTERS] = b"\xc1 not msgpack"
    del store
    engine.close()
    with pytest.raises(StorageError, match=r"metadata .* is damaged"):
        make_engine(directory=directory)


# ---------------------------------------------------------------------- CREATE SNAPSHOT


def test_snapshot_is_a_rocksdb_checkpoint(engine: OnDiskEngine, make_engine: MakeEngine,
                                          tmp_path: Path) -> None:
    """create_snapshot() returns a directory holding a RocksDB checkpoint: copied as the
    rocksdb directory of a new data directory (with the engine marker) it opens as the data
    as of the snapshot, without later commits."""
    tx = engine.begin()
    a = tx.create_node(["S"], {"v": 1})
    tx.commit()
    engine.schema.create_index(IndexSpec("S", ("v",)))
    path = Path(engine.create_snapshot())
    assert path.is_dir()
    assert (path / "CURRENT").exists()
    tx = engine.begin()
    later = tx.create_node(["S"], {"v": 2})
    tx.set_node_property(tx.node(a.gid), "v", 10)  # type: ignore[arg-type]
    tx.commit()

    target = tmp_path / "restored"
    shutil.copytree(path, target / "rocksdb")
    data_directory = Path(engine._store.path).parent  # type: ignore[union-attr]
    shutil.copy(data_directory / MARKER_FILE, target / MARKER_FILE)
    restored = make_engine(target)
    tx = restored.begin()
    assert gids(tx.nodes()) == {a.gid}
    assert tx.node(later.gid) is None
    assert tx.node_property(tx.node(a.gid), "v") == 1  # type: ignore[arg-type]
    assert gids(tx.nodes_by_property("S", "v", 1)) == {a.gid}
    tx.rollback()
    assert {i.spec for i in restored.schema.indexes()} == {IndexSpec("S", ("v",))}
    assert restored.statistics().node_count == 1


def test_second_snapshot_without_writes_is_refused(engine: OnDiskEngine) -> None:
    """A second create_snapshot with no commit since the first fails with "Nothing has been
    written since the last snapshot"; after a commit it succeeds again."""
    tx = engine.begin()
    tx.create_node()
    tx.commit()
    first = engine.create_snapshot()
    with pytest.raises(ClientError, match="Nothing has been written since the last snapshot"):
        engine.create_snapshot()
    tx = engine.begin()
    tx.create_node()
    tx.commit()
    second = engine.create_snapshot()
    assert second != first
    assert Path(first).is_dir() and Path(second).is_dir()


# ----------------------------------------------------------------------- WAL fsync modes


@pytest.mark.parametrize("mode", ["always", "batch", "never"])
def test_fsync_modes_commit_and_reopen(make_engine: MakeEngine, reopen: Reopen,
                                       mode: str) -> None:
    """Each storage_wal_fsync mode commits (from several commits) and everything committed
    is there after close and reopen."""
    engine = make_engine(storage_wal_fsync=mode)
    store = engine._store
    assert store is not None
    committer = store.committer
    assert committer.fsync == mode
    assert (committer._thread is None) == (mode == "never")
    created = []
    for i in range(20):
        tx = engine.begin()
        created.append(tx.create_node(["F"], {"i": i}).gid)
        tx.commit()
        if mode == "always":  # acknowledged only once the WAL is synced
            assert committer._synced >= store.db.latest_sequence_number()
    if mode == "batch":  # the committer thread syncs within BATCH_SYNC_SEC
        deadline = time.monotonic() + 5
        while committer._synced < store.db.latest_sequence_number():
            assert time.monotonic() < deadline, "batch mode never synced the WAL"
            time.sleep(0.01)
    del store, committer
    tx = engine.begin()
    tx.set_node_property(tx.node(created[0]), "i", -1)  # type: ignore[arg-type]
    tx.commit()
    engine = reopen(engine)
    tx = engine.begin()
    assert gids(tx.nodes_by_label("F")) == set(created)
    assert tx.node_property(tx.node(created[0]), "i") == -1  # type: ignore[arg-type]
    tx.rollback()
    assert engine.statistics().node_count == 20


CRASH_SCRIPT = """
import os, sys
from pathlib import Path
from mgcore.storage import EngineContext
from mgcore_engine_on_disk.engine import OnDiskEngine
engine = OnDiskEngine()
engine.open(EngineContext(data_directory=Path(sys.argv[1]),
                          settings={"storage_wal_fsync": sys.argv[2]}))
for i in range(10):
    tx = engine.begin()
    tx.create_node(["Crash"], {"i": i})
    tx.commit()
print("committed", flush=True)
os._exit(0)  # no close: no final WAL sync, no flush
"""


@pytest.mark.parametrize("mode", ["always", "batch", "never"])
def test_commits_survive_process_exit_without_close(make_engine: MakeEngine, tmp_path: Path,
                                                    mode: str) -> None:
    """A process that commits and exits without closing the engine (a crash of the process,
    not of the machine) loses no acknowledged commit, in every storage_wal_fsync mode."""
    directory = tmp_path / f"crash-{mode}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, str(directory), mode],
                          capture_output=True, text=True, timeout=120, check=False, env=env)
    assert done.returncode == 0, done.stderr
    assert "committed" in done.stdout
    engine = make_engine(directory)
    tx = engine.begin()
    assert sorted(tx.node_property(n, "i") for n in tx.nodes_by_label("Crash")) \
        == list(range(10))
    tx.rollback()
    assert engine.statistics().node_count == 10


def test_settings_reach_the_engine_through_the_kernel(tmp_path: Path) -> None:
    """The engine's settings are declared by its plugin (``mg_add_config``), so the kernel
    accepts them like its own and passes them on: a 1 MiB transaction limit given to
    ``mgcore.connect`` stops a large CREATE with Memgraph's message, and nothing of it stays."""
    import mgcore

    db = mgcore.connect(storage_mode="ON_DISK_TRANSACTIONAL", data_directory=str(tmp_path / "d"),
                        storage_on_disk_transaction_memory_mib=1,
                        storage_on_disk_block_cache_mib=8, log_level="ERROR")
    try:
        with db.session() as s:
            with pytest.raises(MemoryLimitExceeded, match="Memory limit exceeded"):
                s.run("UNWIND range(1, 20000) AS i CREATE (:A {i: i})").consume()
            assert s.run("MATCH (n) RETURN count(n) AS c").value() == [0]
            s.run("UNWIND range(1, 100) AS i CREATE (:A {i: i})").consume()
            assert s.run("MATCH (n) RETURN count(n) AS c").value() == [100]
    finally:
        db.close()
