"""Index write overhead of IN_MEMORY_TRANSACTIONAL through the storage API (WAL off): N nodes
created, all updated and rolled back, all updated and committed, with and without a
label+property index; best of REPS. Run: python bench/index_writes_in_memory_tx.py [N] [REPS]."""

import gc
import sys
import tempfile
import time
from pathlib import Path

from mgcore.storage import EngineContext
from mgcore.storage.records import IndexSpec
from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
REPS = int(sys.argv[2]) if len(sys.argv) > 2 else 3


def make(indexed):
    e = InMemoryTransactionalEngine()
    e.open(
        EngineContext(
            data_directory=Path(tempfile.mkdtemp()),
            settings={"storage_wal_enabled": False, "storage_snapshot_on_exit": False},
        )
    )
    if indexed:
        e.schema.create_index(IndexSpec("Person", ("id",)))
    return e


def run(indexed):
    best = {}
    for _ in range(REPS):
        e = make(indexed)
        gc.collect()
        gc.disable()
        t = time.perf_counter()
        tx = e.begin()
        for i in range(N):
            tx.create_node(("Person",), {"id": i})
        tx.commit()
        best["create"] = min(best.get("create", 9e9), time.perf_counter() - t)
        # all updated, then rolled back; all updated, then committed
        for update, end in (("upd(rb)", "rollback"), ("upd(c)", "commit")):
            tx = e.begin()
            nodes = list(tx.nodes_by_label("Person"))
            t = time.perf_counter()
            for n in nodes:
                tx.set_node_property(n, "id", n.gid + N)
            t1 = time.perf_counter()
            getattr(tx, end)()
            t2 = time.perf_counter()
            best[update] = min(best.get(update, 9e9), t1 - t)
            best[end] = min(best.get(end, 9e9), t2 - t1)
        gc.enable()
        e.close()
    return best


for indexed in (False, True):
    b = run(indexed)
    print("indexed" if indexed else "plain  ", "  ".join(f"{k}={v:.3f}s" for k, v in b.items()))
