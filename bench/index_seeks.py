"""Equality seeks through a label+property index: UNWIND-MATCH-CREATE of relationships between
20k indexed :Person nodes, and UNWIND-MATCH-count, per row (best of 3). Prints the plan.
Run: python bench/index_seeks.py [ROWS]."""

import gc
import random
import sys
import tempfile
import time

import mgcore

N = 20_000
ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
REPS = 3
db = mgcore.connect(
    data_directory=tempfile.mkdtemp(),
    storage_wal_enabled=False,
    storage_snapshot_on_exit=False,
    log_level="ERROR",
)
s = db.session()
s.run("CREATE INDEX ON :Person(id)").consume()
s.run("UNWIND range(0, $n - 1) AS i CREATE (:Person {id: i})", {"n": N}).consume()
Q = (
    "UNWIND $rows AS r MATCH (a:Person {id: r[0]}), (b:Person {id: r[1]}) "
    "CREATE (a)-[:KNOWS {w: r[2]}]->(b)"
)
for rec in s.run("EXPLAIN " + Q, {"rows": []}):
    print("   ", rec[0])
rng = random.Random(1)
best = 9e9
for _ in range(REPS):
    rows = [[rng.randrange(N), rng.randrange(N), rng.randrange(100)] for _ in range(ROWS)]
    gc.collect()
    t = time.perf_counter()
    s.run(Q, {"rows": rows}).consume()
    best = min(best, time.perf_counter() - t)
print(f"UNWIND-MATCH-CREATE: {best / ROWS * 1e6:.1f} us/row (best of {REPS}, {ROWS} rows)")
# pure point seeks
Q2 = "UNWIND $ids AS i MATCH (a:Person {id: i}) RETURN count(a)"
ids = [rng.randrange(N) for _ in range(ROWS)]
best = 9e9
for _ in range(REPS):
    t = time.perf_counter()
    s.run(Q2, {"ids": ids}).consume()
    best = min(best, time.perf_counter() - t)
print(f"UNWIND-MATCH-count: {best / ROWS * 1e6:.1f} us/row")
