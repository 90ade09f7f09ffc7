"""IN_MEMORY_TRANSACTIONAL at scale: import, memory, snapshot, recovery and point lookups.

For N nodes (label ``Person``, property ``id``) and M relationships (type ``KNOWS``, property
``w``: a small int) between seeded random nodes, all through Cypher on the embedded API, reports:

* import time through Cypher (``UNWIND $rows ... CREATE``; relationships found by an index on
  ``:Person(id)``, as a Memgraph user would import them);
* memory per stored element (node or relationship): the resident set of a fresh process right
  after it recovered the data, minus that of a fresh process with an empty database, divided by
  N + M (targets: 200 bytes or less);
* ``CREATE SNAPSHOT`` time and file size;
* recovery time from that snapshot, and from the WAL alone (a copy of the data directory taken
  before the snapshot), each in a fresh process; the ratio of the import time to the snapshot
  recovery time (target: at least 5);
* point-lookup latency of ``MATCH (n:Person {id: $id}) RETURN n`` with the label+property index
  and, after ``DROP INDEX``, without it.

Each measurement runs in its own child process so one phase's garbage does not count in
another's figures. Run from the repository root with the venv active::

    python bench/storage_in_memory_tx.py                          # 1,000,000 / 10,000,000
    python bench/storage_in_memory_tx.py --nodes 100000 --rels 1000000
    python bench/storage_in_memory_tx.py --keep /tmp/mgbench      # keep the data directories
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import mgcore

SETTINGS: dict[str, Any] = {
    "storage_wal_enabled": True,
    "storage_snapshot_interval_sec": 0,
    "storage_snapshot_on_exit": False,
    "data_recovery_on_startup": True,
    "log_level": "ERROR",
}


def rss_bytes() -> int:
    """Resident set size of this process."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def settled_rss() -> int:
    """The resident set after a full collection."""
    gc.collect()
    return rss_bytes()


def open_db(directory: Path) -> Any:
    return mgcore.connect(data_directory=str(directory), **SETTINGS)


def import_graph(args: argparse.Namespace) -> dict[str, Any]:
    """Child: import through Cypher, copy the WAL-only directory, then CREATE SNAPSHOT."""
    directory = Path(args.directory)
    db = open_db(directory)
    rng = random.Random(args.seed)
    out: dict[str, Any] = {}
    with db.session() as s:
        s.run("CREATE INDEX ON :Person(id)").consume()
        t0 = time.perf_counter()
        for lo in range(0, args.nodes, args.batch):
            hi = min(args.nodes, lo + args.batch)
            s.run("UNWIND range($lo, $hi - 1) AS i CREATE (:Person {id: i})",
                  {"lo": lo, "hi": hi}).consume()
        out["node_import_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        n = args.nodes
        for lo in range(0, args.rels, args.batch):
            rows = [[rng.randrange(n), rng.randrange(n), i % 100]
                    for i in range(lo, min(args.rels, lo + args.batch))]
            s.run(
                "UNWIND $rows AS r MATCH (a:Person {id: r[0]}), (b:Person {id: r[1]}) "
                "CREATE (a)-[:KNOWS {w: r[2]}]->(b)",
                {"rows": rows},
            ).consume()
        out["rel_import_s"] = time.perf_counter() - t1
        out["import_s"] = time.perf_counter() - t0
        info = dict(s.run("SHOW STORAGE INFO").values())
        out["vertex_count"] = info["vertex_count"]
        out["edge_count"] = info["edge_count"]
        out["import_rss"] = rss_bytes()
        out["wal_bytes"] = dir_size(directory / "wal") if (directory / "wal").exists() else None
        wal_only = Path(args.wal_only)
        shutil.copytree(directory, wal_only, ignore=shutil.ignore_patterns(".lock"))
        t2 = time.perf_counter()
        path = s.run("CREATE SNAPSHOT").single()["path"]
        out["snapshot_s"] = time.perf_counter() - t2
        out["snapshot_bytes"] = Path(path).stat().st_size
    db.close()
    return out


def recover(args: argparse.Namespace) -> dict[str, Any]:
    """Child: open the directory (recovery), measure memory, then point lookups."""
    baseline = Path(tempfile.mkdtemp(prefix="mgbench-empty-"))
    empty = open_db(baseline)
    with empty.session() as s:
        s.run("RETURN 1").consume()
    empty.close()
    shutil.rmtree(baseline, ignore_errors=True)
    before = settled_rss()
    t0 = time.perf_counter()
    db = open_db(Path(args.directory))
    out: dict[str, Any] = {"recovery_s": time.perf_counter() - t0}
    out["rss_growth"] = settled_rss() - before
    with db.session() as s:
        info = dict(s.run("SHOW STORAGE INFO").values())
        out["vertex_count"] = info["vertex_count"]
        out["edge_count"] = info["edge_count"]
        if args.lookups:
            rng = random.Random(args.seed + 1)
            query = "MATCH (n:Person {id: $id}) RETURN n"
            out["plan_with_index"] = [r[0] for r in s.run("EXPLAIN " + query).values()]
            out["lookup_indexed_us"] = lookup_latency(s, query, rng, args.nodes, 2000)
            s.run("DROP INDEX ON :Person(id)").consume()
            out["plan_without_index"] = [r[0] for r in s.run("EXPLAIN " + query).values()]
            out["lookup_scan_us"] = lookup_latency(s, query, rng, args.nodes, 5)
    db.close()
    return out


def lookup_latency(session: Any, query: str, rng: random.Random, n: int, count: int) -> float:
    """Median latency in microseconds of ``count`` lookups of random existing ids."""
    session.run(query, {"id": 0}).consume()
    times = []
    for _ in range(count):
        key = rng.randrange(n)
        t = time.perf_counter()
        rows = session.run(query, {"id": key}).values()
        times.append(time.perf_counter() - t)
        assert len(rows) == 1, (key, rows)
    return statistics.median(times) * 1e6


def dir_size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def child(phase: str, args: argparse.Namespace, **extra: Any) -> dict[str, Any]:
    """Run ``phase`` in a fresh interpreter and return its figures."""
    cmd = [sys.executable, __file__, "--phase", phase, "--nodes", str(args.nodes),
           "--rels", str(args.rels), "--batch", str(args.batch), "--seed", str(args.seed)]
    for key, value in extra.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--rels", type=int, default=10_000_000)
    parser.add_argument("--batch", type=int, default=10_000, help="rows per UNWIND query")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", help="put the data directories here and keep them")
    parser.add_argument("--phase", choices=("import", "recover"), help=argparse.SUPPRESS)
    parser.add_argument("--directory", help=argparse.SUPPRESS)
    parser.add_argument("--wal-only", help=argparse.SUPPRESS)
    parser.add_argument("--lookups", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "import":
        print(json.dumps(import_graph(args)))
        return
    if args.phase == "recover":
        print(json.dumps(recover(args)))
        return

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="mgbench-"))
    root.mkdir(parents=True, exist_ok=True)
    full, wal_only = root / "full", root / "wal_only"
    for d in (full, wal_only):
        shutil.rmtree(d, ignore_errors=True)
    try:
        imp = child("import", args, directory=full, wal_only=wal_only)
        snap = child("recover", args, directory=full, lookups=1)
        wal = child("recover", args, directory=wal_only)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    elements = args.nodes + args.rels
    for figures in (imp, snap, wal):
        assert (figures["vertex_count"], figures["edge_count"]) == (args.nodes, args.rels), figures
    print(f"python {sys.version.split()[0]}, {args.nodes:,} nodes, {args.rels:,} relationships, "
          f"Cypher batches of {args.batch:,}")
    print(f"import through Cypher: {imp['import_s']:.1f} s (nodes {imp['node_import_s']:.1f} s, "
          f"relationships {imp['rel_import_s']:.1f} s); WAL {mib(imp['wal_bytes'] or 0)}")
    print(f"memory after recovery: {mib(snap['rss_growth'])} = "
          f"{snap['rss_growth'] / elements:.0f} B per element (with the :Person(id) index); "
          f"importing process RSS {mib(imp['import_rss'])}")
    print(f"CREATE SNAPSHOT: {imp['snapshot_s']:.1f} s, {mib(imp['snapshot_bytes'])}")
    print(f"recovery from the snapshot: {snap['recovery_s']:.1f} s "
          f"({imp['import_s'] / snap['recovery_s']:.1f}x faster than the import)")
    print(f"recovery from the WAL alone: {wal['recovery_s']:.1f} s "
          f"({imp['import_s'] / wal['recovery_s']:.1f}x faster than the import)")
    print(f"point lookup with the index: median {snap['lookup_indexed_us']:.0f} us "
          f"({' / '.join(x.strip() for x in snap['plan_with_index'])})")
    print(f"point lookup without it: median {snap['lookup_scan_us'] / 1000:.0f} ms "
          f"({' / '.join(x.strip() for x in snap['plan_without_index'])})")


if __name__ == "__main__":
    main()
