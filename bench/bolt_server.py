"""Bolt server benchmark: per-query latency and throughput, and result streaming, measured with
the real drivers against an ``mgcore serve`` child process (so client and server do not share a
GIL).

    python bench/bolt_server.py [--rows 10000000] [--clients 1,4,16] [--seconds 5]

Reports:
  * ``RETURN $x`` round trips: median and p99 latency with one client, and queries per second
    with N client processes (neo4j driver, one session each);
  * a node lookup by property (``MATCH (n:User {id: $id}) RETURN n``) on 10,000 nodes;
  * streaming ``rows`` two-column records with the neo4j driver (fetch size 1000), with
    pymgclient's fetchall (PULL n = -1, at most 1,000,000 rows) and its lazy mode (one PULL n = 1
    per row, 10,000 rows: the round trip per request): records per second, and the server's peak
    resident memory, which shows that a large result streams instead of being materialised.
Needs the ``neo4j`` driver (and ``pymgclient`` for its line).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

READY = re.compile(r"Bolt server listening on (\S+):(\d+)")


def start_server(data: str) -> tuple[subprocess.Popen[str], str, int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mgcore.cli", "serve", "--bolt-port=0", f"--data-directory={data}",
         "--query-execution-timeout-sec=0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        match = READY.search(line)
        if match:
            return proc, match.group(1), int(match.group(2))
    raise SystemExit("the server did not start")


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return math.nan


def _client_loop(uri: str, seconds: float, queue: Any) -> None:
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=None) as driver, driver.session() as session:
        session.run("RETURN 1").consume()
        n = 0
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            session.run("RETURN $x AS x", x=n).single()
            n += 1
    queue.put(n)


def latency(uri: str, count: int = 2000) -> tuple[float, float]:
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=None) as driver, driver.session() as session:
        for i in range(200):
            session.run("RETURN $x AS x", x=i).single()
        samples = []
        for i in range(count):
            t = time.perf_counter()
            session.run("RETURN $x AS x", x=i).single()
            samples.append(time.perf_counter() - t)
    samples.sort()
    return statistics.median(samples) * 1e6, samples[int(len(samples) * 0.99)] * 1e6


def throughput(uri: str, clients: int, seconds: float) -> float:
    queue: Any = mp.Queue()
    procs = [mp.Process(target=_client_loop, args=(uri, seconds, queue)) for _ in range(clients)]
    for p in procs:
        p.start()
    total = sum(queue.get() for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


def lookups(uri: str, count: int = 2000) -> float:
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=None) as driver, driver.session() as session:
        session.run("UNWIND range(0, 9999) AS i CREATE (:User {id: i, name: 'u' + i})").consume()
        t = time.perf_counter()
        for i in range(count):
            session.run("MATCH (n:User {id: $id}) RETURN n", id=(i * 7919) % 10000).single()
        return (time.perf_counter() - t) / count * 1e6


def stream_neo4j(uri: str, side: int) -> tuple[int, float]:
    import neo4j

    query = f"UNWIND range(1, {side}) AS a UNWIND range(1, {side}) AS b RETURN a, b"
    with (
        neo4j.GraphDatabase.driver(uri, auth=None) as driver,
        driver.session(fetch_size=1000) as session,
    ):
        t = time.perf_counter()
        n = sum(1 for _ in session.run(query))
        return n, time.perf_counter() - t


def stream_mgclient(host: str, port: int, side: int, lazy: bool) -> tuple[int, float] | None:
    """pymgclient reads a whole result with PULL n = -1, or with ``lazy`` one PULL n = 1 per
    row (so lazy mode measures the server's round trip per request)."""
    try:
        import mgclient
    except ImportError:
        return None
    conn = mgclient.connect(host=host, port=port, lazy=lazy)
    cursor = conn.cursor()
    t = time.perf_counter()
    cursor.execute(f"UNWIND range(1, {side}) AS a UNWIND range(1, {side}) AS b RETURN a, b")
    if lazy:
        n = 0
        while cursor.fetchone() is not None:
            n += 1
    else:
        n = len(cursor.fetchall())
    elapsed = time.perf_counter() - t
    conn.close()
    return n, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    side = math.isqrt(args.rows)
    with tempfile.TemporaryDirectory() as data:
        proc, host, port = start_server(data)
        uri = f"bolt://{host}:{port}"
        try:
            median, p99 = latency(uri)
            print(f"RETURN $x, 1 client: median {median:.0f} us, p99 {p99:.0f} us")
            for clients in (int(c) for c in args.clients.split(",")):
                qps = throughput(uri, clients, args.seconds)
                print(f"RETURN $x, {clients:>2} client processes: {qps:,.0f} queries/s")
            print(f"MATCH (n:User {{id: $id}}) RETURN n, 10,000 nodes (no index): "
                  f"{lookups(uri):.0f} us per lookup")
            before = peak_rss_mib(proc.pid)
            rows, elapsed = stream_neo4j(uri, side)
            print(f"stream {rows:,} rows, neo4j fetch_size 1000: {rows / elapsed:,.0f} rows/s "
                  f"({elapsed:.1f} s); server peak RSS {before:.0f} -> "
                  f"{peak_rss_mib(proc.pid):.0f} MiB")
            for lazy, rows_wanted in ((False, min(args.rows, 1_000_000)), (True, 10_000)):
                measured = stream_mgclient(host, port, math.isqrt(rows_wanted), lazy)
                if measured is None:
                    break
                rows, elapsed = measured
                mode = "lazy (PULL n=1 per row)" if lazy else "fetchall (PULL n=-1)"
                print(f"stream {rows:,} rows, pymgclient {mode}: {rows / elapsed:,.0f} rows/s "
                      f"({elapsed:.1f} s); server peak RSS {peak_rss_mib(proc.pid):.0f} MiB")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    print(f"(python {sys.version.split()[0]}, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
