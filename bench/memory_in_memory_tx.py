"""Memory per node+relationship pair of the IN_MEMORY_TRANSACTIONAL engine, and build time.

Builds N nodes (label ``Person``, property ``id``: an int) and N relationships (type ``KNOWS``,
property ``w``: a float) between uniformly random nodes (seeded), through the engine's public
Transaction API in batches of transactions, then reports bytes per node+relationship pair:

* ``rss``: the growth of the resident set size (``/proc/self/statm``), what the OS really gives
  the process: object sizes as the allocator rounds them, allocator free space included;
* ``tracemalloc`` (``--tracemalloc``): the growth of memory traced by ``tracemalloc``, the bytes
  Python asked the allocator for; it slows the build down about 2x, so run it separately.

Run from the repository root with the venv active::

    python bench/memory_in_memory_tx.py                 # 1,000,000 pairs, RSS
    python bench/memory_in_memory_tx.py --tracemalloc   # the same, traced
    python bench/memory_in_memory_tx.py --no-gc         # build time without the cyclic GC
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from mgcore.storage import EngineContext
from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine


def rss_bytes() -> int:
    """Resident set size of this process."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def build(engine: InMemoryTransactionalEngine, n: int, batch: int, seed: int) -> None:
    """Create ``n`` nodes, then ``n`` relationships, ``batch`` per transaction."""
    for lo in range(0, n, batch):
        tx = engine.begin()
        for i in range(lo, min(n, lo + batch)):
            tx.create_node(("Person",), {"id": i})
        tx.commit()
    rng = random.Random(seed)
    for lo in range(0, n, batch):
        tx = engine.begin()
        node = tx.node
        for _ in range(lo, min(n, lo + batch)):
            start = node(rng.randrange(n))
            end = node(rng.randrange(n))
            assert start is not None and end is not None
            tx.create_relationship(start, end, "KNOWS", {"w": rng.random()})
        tx.commit()


def main() -> None:
    """Build the graph and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="nodes and relationships")
    parser.add_argument("--batch", type=int, default=10_000, help="creations per transaction")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--tracemalloc", action="store_true", help="measure with tracemalloc")
    parser.add_argument(
        "--no-gc", action="store_true", help="disable the cyclic GC during the build (its cost)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        engine = InMemoryTransactionalEngine()
        engine.open(EngineContext(data_directory=Path(tmp)))
        warm = engine.begin()
        warm.rollback()
        gc.collect()
        if args.tracemalloc:
            tracemalloc.start()
        traced_before = tracemalloc.get_traced_memory()[0] if args.tracemalloc else 0
        rss_before = rss_bytes()
        if args.no_gc:
            gc.disable()
        t0 = time.perf_counter()
        c0 = time.process_time()
        build(engine, args.n, args.batch, args.seed)
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - c0
        gc.enable()
        gc.collect()
        rss_after = rss_bytes()
        traced_after = tracemalloc.get_traced_memory()[0] if args.tracemalloc else 0

        stats = engine.statistics()
        assert stats.node_count == args.n and stats.relationship_count == args.n
        unreleased = engine.unreleased_delta_count()
        print(
            f"python {sys.version.split()[0]}, n={args.n:,}, batch={args.batch:,}, "
            f"cyclic gc {'off' if args.no_gc else 'on'} during the build"
        )
        print(
            f"build time: {elapsed:.1f} s wall, {cpu:.1f} s CPU "
            f"({cpu / (2 * args.n) * 1e6:.2f} us CPU per entity)"
        )
        print(f"unreleased deltas after the build: {unreleased}")
        rss = (rss_after - rss_before) / args.n
        print(f"rss growth: {(rss_after - rss_before) / 2**20:.0f} MiB = {rss:.0f} B per pair")
        if args.tracemalloc:
            traced = (traced_after - traced_before) / args.n
            print(
                f"tracemalloc growth: {(traced_after - traced_before) / 2**20:.0f} MiB "
                f"= {traced:.0f} B per pair"
            )
        engine.close()


if __name__ == "__main__":
    main()
