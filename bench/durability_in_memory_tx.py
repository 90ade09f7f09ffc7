"""Snapshot write and load, and WAL replay, of IN_MEMORY_TRANSACTIONAL; against importing the
same shape through Cypher (UNWIND batches, measured on a slice and scaled).

    PYTHONPATH=.:engines/in_memory_tx python bench/durability_in_memory_tx.py [nodes] [rels]

Default 200,000 nodes (2 labels, 3 properties) and 1,000,000 relationships (1 property).
"""

from __future__ import annotations

import gc
import random
import sys
import tempfile
import time
from pathlib import Path

from mgcore.storage import EngineContext
from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine

QUIET = {"storage_snapshot_interval_sec": 0, "storage_snapshot_on_exit": False}


def open_engine(directory: Path, **settings: object) -> InMemoryTransactionalEngine:
    engine = InMemoryTransactionalEngine()
    engine.open(EngineContext(data_directory=directory, settings={**QUIET, **settings}))
    return engine


def build(engine: InMemoryTransactionalEngine, n_nodes: int, n_rels: int, batch: int) -> None:
    rng = random.Random(1)
    nodes = []
    for start in range(0, n_nodes, batch):
        tx = engine.begin()
        for i in range(start, min(n_nodes, start + batch)):
            nodes.append(tx.create_node(("Person", "User") if i % 2 else ("Person",),
                                        {"id": i, "name": f"n{i}", "score": i * 0.5}))
        tx.commit()
    for start in range(0, n_rels, batch):
        tx = engine.begin()
        for i in range(start, min(n_rels, start + batch)):
            tx.create_relationship(nodes[rng.randrange(n_nodes)], nodes[rng.randrange(n_nodes)],
                                   "KNOWS", {"w": i})
        tx.commit()


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    gc.collect()
    t = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - t
    print(f"{label:45s} {elapsed:8.2f} s")
    return result, elapsed


def cypher_rate(n_nodes: int, n_rels: int) -> tuple[float, float]:
    """Seconds per node and per relationship of a Cypher import (UNWIND batches of 5000: nodes
    by CREATE, then an index on :Person(id), then relationships by MATCH on it), measured on a
    slice; scaling it up is kind to Cypher (index seeks get slower as the graph grows)."""
    import mgcore

    directory = Path(tempfile.mkdtemp())
    db = mgcore.connect(data_directory=str(directory), storage_wal_enabled=False,
                        storage_snapshot_on_exit=False, storage_snapshot_interval_sec=0)
    s = db.session()
    rng = random.Random(2)
    t = time.perf_counter()
    for start in range(0, n_nodes, 5000):
        rows = [{"id": i, "name": f"n{i}", "score": i * 0.5} for i in range(start, start + 5000)]
        s.run("UNWIND $rows AS r CREATE (:Person {id: r.id, name: r.name, score: r.score})",
              rows=rows).consume()
    nodes_s = time.perf_counter() - t
    s.run("CREATE INDEX ON :Person(id)").consume()
    t = time.perf_counter()
    for start in range(0, n_rels, 5000):
        rows = [{"a": rng.randrange(n_nodes), "b": rng.randrange(n_nodes), "w": i}
                for i in range(start, start + 5000)]
        s.run("UNWIND $rows AS r MATCH (a:Person {id: r.a}), (b:Person {id: r.b}) "
              "CREATE (a)-[:KNOWS {w: r.w}]->(b)", rows=rows).consume()
    rels_s = time.perf_counter() - t
    s.close()
    db.close()
    print(f"cypher slice: {n_nodes} nodes {nodes_s:.2f} s, {n_rels} rels {rels_s:.2f} s")
    return nodes_s / n_nodes, rels_s / n_rels


def main() -> None:
    n_nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    n_rels = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    root = Path(tempfile.mkdtemp())
    print(f"{n_nodes} nodes, {n_rels} relationships in {root}")
    snap_dir = root / "snap"
    source = open_engine(snap_dir, storage_wal_enabled=False)
    timed("build through the engine API (no WAL)", lambda: build(source, n_nodes, n_rels, 50_000))
    path, _ = timed("create_snapshot", source.create_snapshot)
    print(f"{'snapshot size':45s} {Path(path).stat().st_size / 2**20:8.1f} MiB")
    source.close()
    source = None  # type: ignore[assignment]
    gc.collect()
    loaded, load_s = timed("recover from the snapshot (open)",
                           lambda: open_engine(snap_dir, storage_wal_enabled=False))
    stats = loaded.statistics()
    assert stats.node_count == n_nodes and stats.relationship_count == n_rels, stats
    loaded.close()
    loaded = None
    gc.collect()

    wal_dir = root / "wal"
    logged = open_engine(wal_dir, storage_wal_fsync="never")
    timed("build through the engine API (WAL, 10k/tx)", lambda: build(logged, n_nodes, n_rels,
                                                                      10_000))
    logged.close()
    logged = None  # type: ignore[assignment]
    gc.collect()
    replayed, _ = timed("recover from the WAL alone (open)", lambda: open_engine(wal_dir))
    replayed.close()
    replayed = None
    gc.collect()

    slice_nodes, slice_rels = max(2000, n_nodes // 20), max(10000, n_rels // 20)
    per_node, per_rel = cypher_rate(slice_nodes, slice_rels)
    cypher = per_node * n_nodes + per_rel * n_rels
    print(f"{'Cypher import (scaled from the slice)':45s} {cypher:8.2f} s")
    print(f"{'snapshot load speed-up over Cypher import':45s} {cypher / load_s:8.1f} x")


if __name__ == "__main__":
    main()
