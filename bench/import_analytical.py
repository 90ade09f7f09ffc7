"""Import through the engine API: IN_MEMORY_ANALYTICAL against IN_MEMORY_TRANSACTIONAL.

Creates N nodes (label ``Person``, property ``id``) then M relationships (type ``KNOWS``,
property ``w``, a small int) between seeded random nodes with ``create_node`` /
``create_relationship``, committing every ``--batch`` operations (as an import in batches
would), and reports per engine: the time of each phase, the operations per second, and the peak
resident set above that of the process before the import (``ru_maxrss``). Each engine runs in
its own child process. The transactional engine runs with its defaults (WAL on, fsync at
commit, no periodic snapshot). Run from the repository root with the venv active::

    python bench/import_analytical.py                     # 200,000 nodes / 1,000,000 rels
    python bench/import_analytical.py --nodes 20000 --rels 100000
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from mgcore.storage import EngineContext


def _engine(name: str) -> Any:
    if name == "IN_MEMORY_ANALYTICAL":
        from mgcore_engine_in_memory_analytical.engine import InMemoryAnalyticalEngine

        return InMemoryAnalyticalEngine()
    from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine

    return InMemoryTransactionalEngine()


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(name: str, nodes: int, rels: int, batch: int) -> dict[str, Any]:
    """One engine's import, in this process."""
    engine = _engine(name)
    with tempfile.TemporaryDirectory() as tmp:
        engine.open(EngineContext(data_directory=Path(tmp), settings={
            "storage_snapshot_interval_sec": 0, "storage_snapshot_on_exit": False,
        }))
        rng = random.Random(7)
        pairs = [(rng.randrange(nodes), rng.randrange(nodes)) for _ in range(rels)]
        base = _peak()
        started = time.perf_counter()
        handles = []
        t = engine.begin()
        for i in range(nodes):
            handles.append(t.create_node(("Person",), {"id": i}))
            if (i + 1) % batch == 0:
                t.commit()
                t = engine.begin()
        t.commit()
        node_time = time.perf_counter() - started
        started = time.perf_counter()
        t = engine.begin()
        for j, (a, b) in enumerate(pairs):
            t.create_relationship(handles[a], handles[b], "KNOWS", {"w": j % 100})
            if (j + 1) % batch == 0:
                t.commit()
                t = engine.begin()
        t.commit()
        rel_time = time.perf_counter() - started
        peak = _peak() - base
        stats = engine.statistics()
        assert stats.node_count == nodes and stats.relationship_count == rels
        engine.close()
    return {
        "engine": name,
        "nodes_s": node_time,
        "rels_s": rel_time,
        "nodes_per_s": nodes / node_time,
        "rels_per_s": rels / rel_time,
        "peak_mib": peak / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--rels", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.nodes, args.rels, args.batch)))
        return
    results = []
    for name in ("IN_MEMORY_TRANSACTIONAL", "IN_MEMORY_ANALYTICAL"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", name, "--nodes", str(args.nodes),
             "--rels", str(args.rels), "--batch", str(args.batch)],
            check=True, capture_output=True, text=True,
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    for r in results:
        print(
            f"{r['engine']:<24} nodes {r['nodes_s']:6.2f} s ({r['nodes_per_s']:>9,.0f}/s)  "
            f"rels {r['rels_s']:6.2f} s ({r['rels_per_s']:>9,.0f}/s)  "
            f"peak +{r['peak_mib']:7.1f} MiB"
        )
    tx, ana = results
    print(
        f"analytical vs transactional: nodes {tx['nodes_s'] / ana['nodes_s']:.2f}x faster, "
        f"rels {tx['rels_s'] / ana['rels_s']:.2f}x faster, "
        f"peak memory {ana['peak_mib'] / tx['peak_mib']:.2f} of transactional"
    )


if __name__ == "__main__":
    main()
