"""Crash test: a child process commits transactions in a loop and is killed with SIGKILL at a
random moment; reopening must show every acknowledged transaction and no half-applied one.

Each transaction ``i`` creates three ``Seq`` nodes ``{seq: i, part: 0..2}`` linked by two
relationships, stamps ``touched = i`` on part 0 of transaction ``i - 1`` and sets the ``Counter``
node's ``n`` to ``i``; the child prints ``i`` (flushed) after ``commit()`` returns. After the kill,
with ``c`` the recovered counter: ``c >= last acknowledged`` and ``c <= last acknowledged + 1``
(only the transaction in flight may be there unacknowledged), and the graph is exactly the one
``c`` whole transactions produce. Variants rotate the WAL fast, take snapshots while committing,
and use the ``batch`` fsync policy (a process crash must lose nothing under it either).

Runs ``MGCORE_CRASH_RUNS`` times (default 20, each 1-2 s); e.g. ``MGCORE_CRASH_RUNS=200`` for a
longer run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.requires("durable")

RUNS = int(os.environ.get("MGCORE_CRASH_RUNS", "20") or 20)

CHILD = r"""
import sys
from pathlib import Path
from mgcore.conformance.plugin import load_engine
from mgcore.storage.protocol import EngineContext

spec, directory, variant = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
settings = {
    "storage_properties_on_edges": True,
    "storage_snapshot_interval_sec": 0,
    "storage_snapshot_on_exit": False,
}
if variant == "rotate":
    settings["storage_wal_file_size_kib"] = 4
if variant == "batch":
    settings["storage_wal_fsync"] = "batch"
engine = load_engine(spec).cls()
engine.open(EngineContext(data_directory=directory, settings=settings))
tx = engine.begin()
counter = tx.create_node(["Counter"], {"n": 0})
tx.commit()
counter_gid = counter.gid
previous = None
print("ready", flush=True)
i = 0
while True:
    i += 1
    tx = engine.begin()
    parts = [tx.create_node(["Seq"], {"seq": i, "part": k, "pad": "x" * 40}) for k in range(3)]
    tx.create_relationship(parts[0], parts[1], "NEXT", {"seq": i})
    tx.create_relationship(parts[1], parts[2], "NEXT", {"seq": i})
    if previous is not None:
        tx.set_node_property(tx.node(previous), "touched", i)
    tx.set_node_property(tx.node(counter_gid), "n", i)
    tx.commit()
    previous = parts[0].gid
    print(i, flush=True)
    if variant == "snapshot" and i % 40 == 0:
        engine.create_snapshot()
"""

VARIANTS = ("plain", "rotate", "snapshot", "batch")


def check_graph(engine: Any, acknowledged: int) -> int:
    """Check the recovered graph; returns the recovered counter."""
    tx = engine.begin()
    try:
        counters = list(tx.nodes_by_label("Counter"))
        assert len(counters) == 1
        c = tx.node_property(counters[0], "n")
        assert acknowledged <= c <= acknowledged + 1, (acknowledged, c)
        seen: dict[int, dict[int, Any]] = {}
        for node in tx.nodes_by_label("Seq"):
            props = tx.node_properties(node)
            seen.setdefault(props["seq"], {})[props["part"]] = (node, props)
        assert sorted(seen) == list(range(1, c + 1)), (c, sorted(seen)[-5:])
        for i, parts in seen.items():
            assert sorted(parts) == [0, 1, 2], (i, sorted(parts))
            touched = parts[0][1].get("touched")
            assert touched == (i + 1 if i < c else None), (i, c, touched)
            first, second = parts[0][0], parts[1][0]
            outs = [(tx.relationship_property(r, "seq"), other.gid)
                    for r, other in tx.expand(first, _out())]
            assert outs == [(i, second.gid)], (i, outs)
            assert len(list(tx.expand(second, _out()))) == 1
        assert len(list(tx.relationships())) == 2 * c
        return int(c)
    finally:
        tx.rollback()


def _out() -> Any:
    from mgcore.storage.records import Direction

    return Direction.OUT


@pytest.mark.parametrize("run", range(RUNS))
def test_sigkill_loses_no_acknowledged_commit(
    run: int, mg_engine_spec: str, engine_factory: Any, tmp_path: Path
) -> None:
    """Kill the committing child at a random moment; everything acknowledged is recovered and
    every transaction is all there or not at all."""
    rng = random.Random(run * 7919 + int(time.time()))
    variant = VARIANTS[run % len(VARIANTS)]
    directory = tmp_path / "crash_data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MGCORE_")}
    errors = tmp_path / "child_stderr.txt"
    with open(errors, "w") as err_file:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, mg_engine_spec, str(directory), variant],
            stdout=subprocess.PIPE, stderr=err_file, text=True, env=env,
        )
    lines: list[str] = []
    try:
        assert child.stdout is not None
        reader = threading.Thread(target=lambda: lines.extend(child.stdout or ()), daemon=True)
        reader.start()
        deadline = time.monotonic() + 60
        while not lines and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if not lines or lines[0].strip() != "ready":
            child.kill()
            child.wait()
            pytest.fail(f"the child did not start: {lines[:1]} {errors.read_text()}")
        time.sleep(rng.uniform(0.05, 0.8))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        reader.join(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL, errors.read_text()
    numbers = [int(x) for x in lines[1:]]
    acknowledged = numbers[-1] if numbers else 0
    assert numbers == list(range(1, acknowledged + 1))
    engine = engine_factory.open(
        data_dir=directory,
        settings={**engine_factory.settings, "storage_snapshot_interval_sec": 0},
    )
    c = check_graph(engine, acknowledged)
    # recovery left a WAL that takes more commits and recovers again
    tx = engine.begin()
    counter = next(iter(tx.nodes_by_label("Counter")))
    tx.set_node_property(counter, "n", c)
    tx.commit()
    engine = engine_factory.reopen()
    assert check_graph(engine, c) == c
