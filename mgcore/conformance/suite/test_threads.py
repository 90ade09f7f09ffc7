"""Transactions on several threads at once: conflicting and independent writers and readers.

After the run no committed write is lost, every failure was a SerializationError, and (under
snapshot isolation) no reader ever saw half of a commit.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mgcore.storage.errors import SerializationError
from mgcore.storage.records import Direction, IsolationLevel

WRITERS = 6
COMMITS_PER_WRITER = 25
COUNTERS = 3
MAX_ATTEMPTS = 5000


def run_threads(targets: list[Callable[[], None]], timeout: float = 30.0) -> list[BaseException]:
    """Start every target together and return the exceptions they raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(targets))

    def wrap(target: Callable[[], None]) -> Callable[[], None]:
        def body() -> None:
            try:
                barrier.wait()
                target()
            except BaseException as exc:
                errors.append(exc)

        return body

    threads = [threading.Thread(target=wrap(t), daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread did not finish (deadlock?)"
    return errors


@pytest.fixture(autouse=True)
def frequent_thread_switches() -> Iterator[None]:
    """Switch threads far more often than CPython's default 5 ms, so that transactions really
    interleave instead of running one after another."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@pytest.mark.requires("thread_safe", "transactional", "!write_conflicts_at_none")
def test_concurrent_increments_lose_nothing(engine: Any, capabilities: Any) -> None:
    """Writers increment shared counters and log each increment in the same transaction;
    conflicts are retried. Counters end equal to the committed increments, logs match, and
    snapshot readers always see counters and logs agree."""
    tx = engine.begin()
    counters = [tx.create_node(["Counter"], {"value": 0, "i": i}).gid for i in range(COUNTERS)]
    tx.commit()
    committed = [0] * COUNTERS
    conflicts = [0]
    lock = threading.Lock()
    stop = threading.Event()
    torn_reads: list[str] = []

    def writer(w: int) -> Callable[[], None]:
        def body() -> None:
            for i in range(COMMITS_PER_WRITER):
                target = (w + i) % COUNTERS
                for _ in range(MAX_ATTEMPTS):
                    tx = engine.begin()
                    try:
                        node = tx.node(counters[target])
                        value = tx.node_property(node, "value")
                        time.sleep(0)
                        tx.set_node_property(node, "value", value + 1)
                        tx.create_node(["Log"], {"writer": w, "i": i, "counter": target})
                        tx.commit()
                    except SerializationError:
                        tx.rollback()
                        with lock:
                            conflicts[0] += 1
                        time.sleep(random.random() * 0.002)
                        continue
                    with lock:
                        committed[target] += 1
                    break
                else:
                    raise AssertionError(f"writer {w} never committed increment {i}")

        return body

    def reader() -> None:
        level = (
            IsolationLevel.SNAPSHOT_ISOLATION
            if IsolationLevel.SNAPSHOT_ISOLATION in capabilities.isolation_levels
            else None
        )
        while not stop.is_set():
            tx = engine.begin(level, read_only=True)
            total = sum(tx.node_property(tx.node(g), "value") for g in counters)
            logs = sum(1 for _ in tx.nodes_by_label("Log"))
            tx.rollback()
            if level is not None and total != logs:
                torn_reads.append(f"counters sum {total} but {logs} log nodes")

    def writers_then_stop() -> None:
        errors = run_threads([writer(w) for w in range(WRITERS)])
        stop.set()
        if errors:
            raise errors[0]

    errors = run_threads([writers_then_stop, reader, reader], timeout=60.0)
    assert errors == [], [repr(e) for e in errors]
    assert torn_reads == []
    assert sum(committed) == WRITERS * COMMITS_PER_WRITER
    tx = engine.begin()
    values = [tx.node_property(tx.node(g), "value") for g in counters]
    logs = [tx.node_properties(n) for n in tx.nodes_by_label("Log")]
    tx.rollback()
    assert values == committed
    assert len(logs) == WRITERS * COMMITS_PER_WRITER
    for target in range(COUNTERS):
        assert sum(1 for log in logs if log["counter"] == target) == committed[target]


@pytest.mark.requires("thread_safe")
def test_independent_writers_on_threads_all_commit(engine: Any, capabilities: Any) -> None:
    """Writers touching only their own new nodes never fail, and every node they committed is
    there afterwards with its relationships (and every node they wrote, where rollback keeps
    writes: an engine that is not ``transactional``)."""
    per_thread = 40

    def writer(w: int) -> Callable[[], None]:
        def body() -> None:
            for i in range(per_thread):
                tx = engine.begin()
                a = tx.create_node([f"W{w}"], {"i": i})
                b = tx.create_node([f"W{w}"], {"i": -i})
                tx.create_relationship(a, b, "PAIR")
                if i % 3 == 0:
                    tx.rollback()
                else:
                    tx.commit()

        return body

    errors = run_threads([writer(w) for w in range(5)])
    assert errors == [], [repr(e) for e in errors]
    kept = sum(1 for i in range(per_thread) if i % 3 != 0 or not capabilities.transactional)
    tx = engine.begin()
    for w in range(5):
        nodes = list(tx.nodes_by_label(f"W{w}"))
        assert len(nodes) == 2 * kept
        assert sum(tx.degree(n, Direction.BOTH) for n in nodes) == 2 * kept
    assert sum(1 for _ in tx.relationships()) == 5 * kept
    tx.rollback()
