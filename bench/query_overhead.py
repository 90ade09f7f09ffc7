"""Per-query overhead of the embedded API: cached trivial queries, parse+plan, point queries.

Reports, in microseconds per query (the best of many short rounds, so that rounds in which
other processes took the CPU do not count):

* ``RETURN $x`` with a cached plan, run through ``mgcore.connect()`` sessions and finished with
  ``consume()`` or ``single()`` (target: at most 30 µs);
* parse+plan (``Database.processor.prepare``: parse, bind, plan, rewrite, compile) and parse
  alone, of a one-line point query and of a ~150-character MATCH/WHERE/ORDER BY query (target:
  at most 1 ms);
* the cached point query ``MATCH (n:User {id: $id}) RETURN n.name`` on a small graph.

Run from the repository root with the venv active::

    python bench/query_overhead.py                    # the table
    python bench/query_overhead.py --rounds 9         # more rounds on a busy machine
    python bench/query_overhead.py --profile return   # cProfile one case instead
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable

import mgcore
from mgcore.cypher.parser import parse
from mgcore.database import Database

POINT_QUERY = "MATCH (n:User {id: $id}) RETURN n.name"
LONG_QUERY = (
    "MATCH (u:User)-[:FOLLOWS]->(f:User) WHERE u.age > $min AND f.name STARTS WITH 'A' "
    "AND u.id <> f.id RETURN u.name AS user, f.name AS friend ORDER BY user, friend LIMIT 10"
)
TARGETS = {"RETURN $x": 30.0, "parse+plan": 1000.0}


def best_per_call(fn: Callable[[], object], iterations: int, rounds: int) -> float:
    """The fastest round's time per call of ``fn``, in microseconds."""
    fn()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(iterations):
            fn()
        best = min(best, (time.perf_counter() - start) / iterations)
    return best * 1e6


def build_graph(db: Database, nodes: int) -> None:
    """``nodes`` users, each following the next one."""
    with db.session() as s:
        s.run(
            "UNWIND range(0, $n - 1) AS i CREATE (:User {id: i, name: 'user' + toString(i), "
            "age: i % 90})",
            {"n": nodes},
        ).consume()
        s.run(
            "MATCH (a:User), (b:User) WHERE b.id = a.id + 1 CREATE (a)-[:FOLLOWS]->(b)"
        ).consume()


def cases(
    db: Database, iterations: int, nodes: int
) -> dict[str, tuple[Callable[[], object], int]]:
    """Each measured case: a function running one query, and how many calls make a round."""
    session = db.session()
    run = session.run
    prepare = db.processor.prepare
    ids = iter(range(10**9))
    return {
        "RETURN $x  consume()": (lambda: run("RETURN $x", {"x": 1}).consume(), iterations),
        "RETURN $x  single()": (lambda: run("RETURN $x", {"x": 1}).single(), iterations),
        "parse+plan point query": (lambda: prepare(POINT_QUERY, db), iterations // 40),
        "parse+plan 150-char query": (lambda: prepare(LONG_QUERY, db), iterations // 100),
        "parse only point query": (lambda: parse(POINT_QUERY), iterations // 40),
        "parse only 150-char query": (lambda: parse(LONG_QUERY), iterations // 100),
        "cached point query": (
            lambda: run(POINT_QUERY, {"id": next(ids) % max(1, nodes)}).single(strict=False),
            max(10, iterations // 10),
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--iterations", type=int, default=2_000, help="calls of RETURN $x per round"
    )
    parser.add_argument(
        "--rounds", type=int, default=30, help="short rounds; the best one counts"
    )
    parser.add_argument("--nodes", type=int, default=100, help="users in the point-query graph")
    parser.add_argument(
        "--profile", metavar="CASE", help="cProfile the first case whose name contains CASE"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        db = mgcore.connect(
            data_directory=directory, storage_wal_enabled=False, storage_snapshot_on_exit=False
        )
        try:
            build_graph(db, args.nodes)
            measured = cases(db, args.iterations, args.nodes)
            if args.profile:
                _profile(measured, args.profile.lower())
                return
            print("command:", " ".join([sys.executable, *sys.argv]))
            print(f"python {sys.version.split()[0]}, {args.rounds} rounds, best round counts")
            print(f"{'case':<28}{'µs/query':>10}  target")
            for name, (fn, n) in measured.items():
                micros = best_per_call(fn, max(1, n), args.rounds)
                target = next((t for k, t in TARGETS.items() if name.startswith(k)), None)
                verdict = "" if target is None else (
                    f"≤ {target:g} µs {'ok' if micros <= target else 'MISSED'}"
                )
                print(f"{name:<28}{micros:>10.1f}  {verdict}")
        finally:
            db.close()


def _profile(measured: dict[str, tuple[Callable[[], object], int]], wanted: str) -> None:
    name = next((k for k in measured if wanted in k.lower()), None)
    if name is None:
        raise SystemExit(f"no case matches {wanted!r}; cases: {', '.join(measured)}")
    fn, n = measured[name]
    print(f"profiling {name!r}, {n} calls")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        fn()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
