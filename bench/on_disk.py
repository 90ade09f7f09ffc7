"""ON_DISK_TRANSACTIONAL at scale: import, point lookups, 1-hop expansions and disk use, also
with the process's memory capped below the size of the data.

For N nodes ``(:Person {id})`` and M relationships ``[:KNOWS {w}]`` between seeded random nodes,
all through Cypher on the embedded API, reports:

* import time (``UNWIND $batch ... CREATE``, one transaction per batch; relationships find their
  endpoints through the index on ``:Person(id)``);
* disk bytes per stored element (node or relationship): the RocksDB directory after the import,
  closed, divided by N + M;
* latency of a point lookup ``MATCH (n:Person {id: $id}) RETURN n`` and of a 1-hop expansion
  ``MATCH (:Person {id: $id})-[:KNOWS]->(m) RETURN m.id`` (about M / N rows each), for random ids,
  in a fresh process (RocksDB's block cache starts cold);
* each phase's peak resident memory.

``--memory-cap-mib C`` runs every phase in a memory cgroup limited to C MiB (cgroup v2 or v1,
created under the memory controller's root; needs permission to create one), or, where no cgroup
can be created, under ``RLIMIT_AS`` (a cap on address space, which is stricter). Pick C below
the data's disk size to show the graph need not fit in memory: only RocksDB's block cache and
memtables (``storage_on_disk_block_cache_mib``, ``storage_on_disk_write_buffer_mib``) and each
transaction's working set live in memory.

Run from the repository root with the venv active::

    python bench/on_disk.py                                   # 1,000,000 / 10,000,000
    python bench/on_disk.py --nodes 100000 --rels 1000000
    python bench/on_disk.py --memory-cap-mib 384 --keep /tmp/mgdisk
    python bench/on_disk.py --reads-only --keep /tmp/mgdisk     # reads again, uncapped
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import mgcore

SETTINGS: dict[str, Any] = {"storage_mode": "ON_DISK_TRANSACTIONAL", "log_level": "ERROR"}


def directory_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def phase_import(args: argparse.Namespace) -> dict[str, Any]:
    """Child: import the graph into ``args.data``."""
    rng = random.Random(args.seed)
    db = mgcore.connect(data_directory=args.data, **SETTINGS)
    with db.session() as s:
        s.run("CREATE INDEX ON :Person(id)").consume()
        t0 = time.perf_counter()
        for lo in range(0, args.nodes, args.batch):
            batch = list(range(lo, min(args.nodes, lo + args.batch)))
            s.run("UNWIND $batch AS i CREATE (:Person {id: i})", {"batch": batch}).consume()
        nodes_s = time.perf_counter() - t0
        n = args.nodes
        for lo in range(0, args.rels, args.batch):
            batch = [[rng.randrange(n), rng.randrange(n), i % 100]
                     for i in range(lo, min(args.rels, lo + args.batch))]
            s.run(
                "UNWIND $batch AS r MATCH (a:Person {id: r[0]}), (b:Person {id: r[1]}) "
                "CREATE (a)-[:KNOWS {w: r[2]}]->(b)",
                {"batch": batch},
            ).consume()
        total_s = time.perf_counter() - t0
        info = dict(s.run("SHOW STORAGE INFO").values())
    db.close()
    return {"import_s": total_s, "nodes_s": nodes_s, "vertex_count": info["vertex_count"],
            "edge_count": info["edge_count"], "peak_rss": peak_rss(),
            "disk_bytes": directory_bytes(Path(args.data) / "rocksdb")}


def _latencies(session: Any, query: str, ids: list[int]) -> tuple[list[float], int]:
    times, rows = [], 0
    for i in ids:
        t0 = time.perf_counter()
        rows += len(list(session.run(query, {"id": i})))
        times.append(time.perf_counter() - t0)
    return times, rows


def phase_reads(args: argparse.Namespace) -> dict[str, Any]:
    """Child: point lookups and 1-hop expansions for random ids, cold cache first."""
    rng = random.Random(args.seed + 1)
    db = mgcore.connect(data_directory=args.data, **SETTINGS)
    ids = [rng.randrange(args.nodes) for _ in range(args.queries)]
    with db.session() as s:
        lookups, found = _latencies(s, "MATCH (n:Person {id: $id}) RETURN n", ids)
        hops, rows = _latencies(
            s, "MATCH (:Person {id: $id})-[:KNOWS]->(m) RETURN m.id", list(reversed(ids)))
    db.close()
    return {
        "lookup_us": statistics.median(lookups) * 1e6,
        "lookup_p99_us": sorted(lookups)[int(len(lookups) * 0.99)] * 1e6,
        "found": found,
        "hop_us": statistics.median(hops) * 1e6,
        "hop_p99_us": sorted(hops)[int(len(hops) * 0.99)] * 1e6,
        "hop_rows": rows / len(ids),
        "peak_rss": peak_rss(),
    }


def _cgroup_root() -> Path | None:
    """A memory cgroup hierarchy this process can create a child group in."""
    for root in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/memory")):
        limit = "memory.max" if (root / "cgroup.controllers").exists() else "memory.limit_in_bytes"
        if (root / "cgroup.procs").exists() and os.access(root, os.W_OK):
            if limit == "memory.max" and "memory" not in (root / "cgroup.controllers").read_text():
                continue
            return root
    return None


class Cap:
    """Runs children with at most ``mib`` MiB of memory: a cgroup, else RLIMIT_AS."""

    def __init__(self, mib: int | None) -> None:
        self.mib = mib
        self.group: Path | None = None
        self.how = "none"
        if mib is None:
            return
        root = _cgroup_root()
        if root is not None:
            group = root / f"mgcore-bench-{os.getpid()}"
            try:
                group.mkdir()
                v2 = (root / "cgroup.controllers").exists()
                (group / ("memory.max" if v2 else "memory.limit_in_bytes")).write_text(
                    str(mib << 20))
                if not v2 and (group / "memory.memsw.limit_in_bytes").exists():
                    (group / "memory.memsw.limit_in_bytes").write_text(str(mib << 20))
                self.group = group
                self.how = f"cgroup {'v2' if v2 else 'v1'} {group}"
                return
            except OSError:
                shutil.rmtree(group, ignore_errors=True)
        self.how = "RLIMIT_AS"

    def preexec(self) -> Any:
        if self.mib is None:
            return None
        group, mib = self.group, self.mib

        def enter() -> None:
            if group is not None:
                (group / "cgroup.procs").write_text(str(os.getpid()))
            else:
                resource.setrlimit(resource.RLIMIT_AS, (mib << 20, mib << 20))

        return enter

    def close(self) -> None:
        if self.group is not None:
            with contextlib.suppress(OSError):
                self.group.rmdir()


def run_phase(phase: str, args: argparse.Namespace, data: Path, cap: Cap) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--phase", phase, "--data", str(data),
           "--nodes", str(args.nodes), "--rels", str(args.rels), "--batch", str(args.batch),
           "--queries", str(args.queries), "--seed", str(args.seed)]
    done = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=cap.preexec())
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--rels", type=int, default=10_000_000)
    parser.add_argument("--batch", type=int, default=10_000, help="rows per UNWIND transaction")
    parser.add_argument("--queries", type=int, default=2_000, help="lookups and expansions")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--memory-cap-mib", type=int, default=None)
    parser.add_argument("--keep", help="data directory to create and keep (default: temporary)")
    parser.add_argument("--reads-only", action="store_true",
                        help="skip the import: measure reads on what an earlier --keep run left")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run = phase_import if args.phase == "import" else phase_reads
        print(json.dumps(run(args)))
        return

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="mgbench-disk-"))
    data = base / "data"
    if args.reads_only:
        if not args.keep or not data.exists():
            raise SystemExit("--reads-only needs the --keep directory of an earlier run")
    elif data.exists():
        shutil.rmtree(data)
    cap = Cap(args.memory_cap_mib)
    try:
        if args.reads_only:
            imported = {"import_s": 0.0, "nodes_s": 0.0, "peak_rss": 0,
                        "disk_bytes": directory_bytes(data / "rocksdb")}
        else:
            imported = run_phase("import", args, data, cap)
            assert (imported["vertex_count"], imported["edge_count"]) == (args.nodes, args.rels)
        reads = run_phase("reads", args, data, cap)
    finally:
        cap.close()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    elements = args.nodes + args.rels
    print(f"python {sys.version.split()[0]}, ON_DISK_TRANSACTIONAL, {args.nodes:,} nodes, "
          f"{args.rels:,} relationships, UNWIND transactions of {args.batch:,}; "
          f"memory cap: {cap.how}"
          + (f" at {args.memory_cap_mib} MiB" if args.memory_cap_mib else ""))
    if not args.reads_only:
        print(f"import            {imported['import_s']:9.1f} s  (nodes "
              f"{imported['nodes_s']:.1f} s; "
              f"{args.rels / max(1e-9, imported['import_s'] - imported['nodes_s']):,.0f} "
              f"relationships/s), peak RSS {imported['peak_rss'] / 2**20:,.0f} MiB")
    print(f"disk              {imported['disk_bytes'] / 2**20:9.1f} MiB, "
          f"{imported['disk_bytes'] / elements:.1f} bytes per node+relationship")
    print(f"point lookup      {reads['lookup_us']:9.1f} us median, {reads['lookup_p99_us']:.1f} "
          f"us p99 ({reads['found']} of {args.queries} found)")
    print(f"1-hop expansion   {reads['hop_us']:9.1f} us median, {reads['hop_p99_us']:.1f} us p99, "
          f"{reads['hop_rows']:.1f} rows each; reads peak RSS {reads['peak_rss'] / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
