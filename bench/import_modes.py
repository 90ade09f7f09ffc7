"""Importing one graph through Cypher in each in-memory storage mode: time and peak memory.

N nodes ``(:Person {id})`` and M relationships ``[:KNOWS {w}]`` between seeded random nodes, all
with ``UNWIND $batch ... CREATE`` on the embedded API (relationships match their endpoints
through an index on ``:Person(id)``), once per storage mode, each in a fresh process. Reports
the import time and the process's peak resident memory (``ru_maxrss``) minus its resident memory
before the import, and the ratios against IN_MEMORY_TRANSACTIONAL (issue 6's targets: analytical
at least 4x faster, with at most a third of the memory).

``--commit`` chooses how the import commits: ``batch`` (default) commits every UNWIND query on
its own (auto-commit), ``once`` runs the whole import in one explicit transaction (atomic: all
or nothing, as a single ``LOAD CSV`` is), the case Memgraph's "up to 6x less memory" describes:
the transactional mode keeps every undo delta of the transaction until it commits, the analytical
mode has none. With ``batch`` the transactional engine releases each batch's deltas when it
commits, so both modes peak at about the size of the graph.

Run from the repository root with the venv active::

    python bench/import_modes.py                                  # 1,000,000 / 10,000,000
    python bench/import_modes.py --nodes 100000 --rels 1000000 --batch 100000
    python bench/import_modes.py --commit once
    python bench/import_modes.py --commit once --parallel         # both modes at once

On a shared machine whose speed drifts over minutes, ``--parallel`` measures both modes under
the same conditions (each process on its own core; they share memory bandwidth). Issue 6's
figures come from ``--commit once --parallel`` (and ``--commit batch --parallel`` beside them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any

import mgcore

MODES = ("IN_MEMORY_TRANSACTIONAL", "IN_MEMORY_ANALYTICAL")


def rss_bytes() -> int:
    """Resident set size of this process."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_import(args: argparse.Namespace) -> dict[str, Any]:
    """Child: import in ``args.mode`` and return the figures."""
    with tempfile.TemporaryDirectory(prefix="mgbench-import-") as directory:
        db = mgcore.connect(
            storage_mode=args.mode,
            data_directory=directory,
            storage_snapshot_interval_sec=0,
            storage_snapshot_on_exit=False,
            log_level="ERROR",
        )
        rng = random.Random(args.seed)
        with db.session() as s:
            s.run("CREATE INDEX ON :Person(id)").consume()
            before = rss_bytes()
            t0 = time.perf_counter()
            tx = s.begin_transaction() if args.commit == "once" else None
            run = s.run if tx is None else tx.run
            for lo in range(0, args.nodes, args.batch):
                batch = list(range(lo, min(args.nodes, lo + args.batch)))
                run("UNWIND $batch AS i CREATE (:Person {id: i})", {"batch": batch}).consume()
            nodes_s = time.perf_counter() - t0
            n = args.nodes
            for lo in range(0, args.rels, args.batch):
                batch = [
                    [rng.randrange(n), rng.randrange(n), i % 100]
                    for i in range(lo, min(args.rels, lo + args.batch))
                ]
                run(
                    "UNWIND $batch AS r MATCH (a:Person {id: r[0]}), (b:Person {id: r[1]}) "
                    "CREATE (a)-[:KNOWS {w: r[2]}]->(b)",
                    {"batch": batch},
                ).consume()
            if tx is not None:
                tx.commit()
            total_s = time.perf_counter() - t0
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            info = dict(s.run("SHOW STORAGE INFO").values())
        db.close()
    return {
        "mode": args.mode,
        "import_s": total_s,
        "nodes_s": nodes_s,
        "peak_growth": peak - before,
        "vertex_count": info["vertex_count"],
        "edge_count": info["edge_count"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--rels", type=int, default=10_000_000)
    parser.add_argument("--batch", type=int, default=10_000, help="rows per UNWIND query")
    parser.add_argument("--commit", choices=("batch", "once"), default="batch",
                        help="commit every UNWIND query, or the whole import once")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--parallel", action="store_true",
                        help="run the modes at the same time, one process each (on a machine "
                             "with a core per mode: both see the same machine speed)")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated modes")
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(run_import(args)))
        return

    children = []
    for mode in args.modes.split(","):
        cmd = [sys.executable, __file__, "--mode", mode, "--nodes", str(args.nodes),
               "--rels", str(args.rels), "--batch", str(args.batch), "--seed", str(args.seed),
               "--commit", args.commit]
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        if not args.parallel:
            child.wait()
        children.append(child)
    results = []
    for child in children:
        out, _ = child.communicate()
        if child.returncode:
            raise SystemExit(f"{child.args[3]} failed with exit code {child.returncode}")
        figures = json.loads(out.strip().splitlines()[-1])
        assert (figures["vertex_count"], figures["edge_count"]) == (args.nodes, args.rels)
        results.append(figures)
    print(f"python {sys.version.split()[0]}, {args.nodes:,} nodes, {args.rels:,} relationships, "
          f"UNWIND batches of {args.batch:,}, commit {args.commit}"
          f"{', modes run at the same time' if args.parallel else ''}")
    base = next((r for r in results if r["mode"] == MODES[0]), results[0])
    for r in results:
        print(
            f"{r['mode']:<26} import {r['import_s']:8.1f} s (nodes {r['nodes_s']:.1f} s), "
            f"peak memory growth {r['peak_growth'] / 2**20:8,.0f} MiB; "
            f"{base['import_s'] / r['import_s']:.1f}x faster, "
            f"{r['peak_growth'] / base['peak_growth']:.2f}x the memory of {base['mode']}"
        )


if __name__ == "__main__":
    main()
