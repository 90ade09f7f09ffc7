"""Concurrency invariants with real threads: lock-free snapshot readers hammer the store while
writers commit, roll back and conflict, and deltas are released underneath them.

The switch interval is lowered during the run so that threads interleave between bytecodes far
more often than they would by default, which is what exercises the read protocol (fields first,
delta head last) and the copy-on-remove adjacency containers.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mgcore.storage import Direction, SerializationError

ACCOUNTS = 12
BALANCE = 100
POISON = -(10**9)
RUN_SECONDS = 2.5


@pytest.fixture
def fast_switching() -> Iterator[None]:
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


class Counters:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values: dict[str, int] = {}

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.values[name] = self.values.get(name, 0) + n


def snapshot_view(tx: Any) -> dict[str, Any]:
    """Everything a reader checks, in comparable form."""
    nodes = {}
    for n in tx.nodes():
        nodes[n.gid] = (tx.node_labels(n), tx.node_properties(n))
    rels = {}
    for r in tx.relationships():
        rels[r.gid] = (tx.relationship_type(r), r.start.gid, r.end.gid)
    adjacency = {}
    for gid in nodes:
        node = tx.node(gid)
        adjacency[gid] = (
            sorted(r.gid for r, _ in tx.expand(node, Direction.OUT)),
            sorted(r.gid for r, _ in tx.expand(node, Direction.IN)),
        )
    return {"nodes": nodes, "rels": rels, "adjacency": adjacency}


def check_view(view: dict[str, Any]) -> None:
    """The invariants every committed state satisfies."""
    nodes, rels, adjacency = view["nodes"], view["rels"], view["adjacency"]
    accounts = {g: p for g, (labels, p) in nodes.items() if "Account" in labels}
    assert len(accounts) == ACCOUNTS, f"{len(accounts)} accounts"
    assert sum(p["balance"] for p in accounts.values()) == ACCOUNTS * BALANCE
    for gid, (labels, props) in nodes.items():
        assert "Poison" not in labels and props.get("balance") != POISON, (gid, labels, props)
    for rid, (rtype, start, end) in rels.items():
        assert rtype != "POISON"
        assert start in nodes and end in nodes, (rid, start, end)
        assert rid in adjacency[start][0] and rid in adjacency[end][1]
    out_total = sum(len(out) for out, _ in adjacency.values())
    in_total = sum(len(inn) for _, inn in adjacency.values())
    assert out_total == in_total == len(rels)
    links: dict[tuple[int, int], int] = {}
    for rtype, start, end in rels.values():
        if rtype == "LINK":
            links[(start, end)] = links.get((start, end), 0) + 1
    for (a, b), count in links.items():
        assert links.get((b, a)) == count, f"LINK {a}->{b} without its pair"
    temps = [g for g, (labels, _) in nodes.items() if "Temp" in labels]
    for g in temps:
        owned = [r for r in rels.values() if r[0] == "TEMP_OF" and r[1] == g]
        assert len(owned) == 1, f"Temp node {g} has {len(owned)} TEMP_OF relationships"


def test_snapshot_readers_never_see_partial_or_rolled_back_writes(
    engine: Any, fast_switching: None
) -> None:
    tx = engine.begin()
    accounts = [tx.create_node(["Account"], {"balance": BALANCE}) for _ in range(ACCOUNTS)]
    tx.commit()
    gids = [a.gid for a in accounts]
    counters = Counters()
    stop = threading.Event()
    errors: list[BaseException] = []

    def run(body: Callable[[random.Random], None], seed: int) -> Callable[[], None]:
        def loop() -> None:
            rng = random.Random(seed)
            try:
                while not stop.is_set():
                    body(rng)
            except BaseException as exc:
                errors.append(exc)
                stop.set()

        return loop

    def attempt(name: str, work: Callable[[Any], bool]) -> None:
        """Run one transaction; ``work`` returns whether to commit."""
        tx = engine.begin()
        try:
            commit = work(tx)
        except SerializationError:
            tx.rollback()
            counters.add("conflicts")
            return
        if commit:
            tx.commit()
            counters.add(f"{name} commits")
        else:
            tx.rollback()
            counters.add(f"{name} rollbacks")

    def transfer(rng: random.Random) -> None:
        def work(tx: Any) -> bool:
            a, b = rng.sample(gids, 2)
            na, nb = tx.node(a), tx.node(b)
            amount = rng.randint(1, 20)
            tx.set_node_property(na, "balance", tx.node_property(na, "balance") - amount)
            tx.set_node_property(nb, "balance", tx.node_property(nb, "balance") + amount)
            return rng.random() < 0.7

        attempt("transfer", work)

    def poison(rng: random.Random) -> None:
        def work(tx: Any) -> bool:
            a, b = rng.sample(gids, 2)
            na, nb = tx.node(a), tx.node(b)
            tx.set_node_property(na, "balance", POISON)
            tx.add_label(na, "Poison")
            tx.create_relationship(na, nb, "POISON")
            tx.create_node(["Poison"], {"balance": POISON})
            return False

        attempt("poison", work)

    def links(rng: random.Random) -> None:
        def work(tx: Any) -> bool:
            a, b = rng.sample(gids, 2)
            na, nb = tx.node(a), tx.node(b)
            existing = [r for r, o in tx.expand(na, Direction.OUT, ("LINK",)) if o is nb]
            if existing and rng.random() < 0.6:
                back = [r for r, o in tx.expand(nb, Direction.OUT, ("LINK",)) if o is na]
                tx.delete_relationship(existing[0])
                tx.delete_relationship(back[0])
            else:
                tx.create_relationship(na, nb, "LINK")
                tx.create_relationship(nb, na, "LINK")
            return rng.random() < 0.85

        attempt("links", work)

    def temps(rng: random.Random) -> None:
        def work(tx: Any) -> bool:
            existing = list(tx.nodes_by_label("Temp"))
            if existing and rng.random() < 0.5:
                tx.detach_delete_node(rng.choice(existing))
            else:
                owner = tx.node(rng.choice(gids))
                temp = tx.create_node(["Temp"], {"n": rng.random()})
                tx.create_relationship(temp, owner, "TEMP_OF")
            return rng.random() < 0.85

        attempt("temps", work)

    def short_reader(rng: random.Random) -> None:
        tx = engine.begin(read_only=True)
        view = snapshot_view(tx)
        check_view(view)
        assert snapshot_view(tx) == view, "a snapshot changed under its reader"
        tx.commit()
        counters.add("reads")

    def long_reader(rng: random.Random) -> None:
        tx = engine.begin(read_only=True)
        view = snapshot_view(tx)
        check_view(view)
        deadline = time.monotonic() + 0.3
        while time.monotonic() < deadline and not stop.is_set():
            gid = rng.choice(list(view["nodes"]))
            node = tx.node(gid)
            assert (tx.node_labels(node), tx.node_properties(node)) == view["nodes"][gid]
        assert snapshot_view(tx) == view, "a long snapshot changed under its reader"
        tx.rollback()
        counters.add("long reads")

    bodies = [transfer, transfer, poison, links, links, temps, short_reader, short_reader,
              long_reader]
    threads = [threading.Thread(target=run(b, i), daemon=True) for i, b in enumerate(bodies)]
    for t in threads:
        t.start()
    stop.wait(RUN_SECONDS)
    stop.set()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]

    done = counters.values
    for key in ("transfer commits", "transfer rollbacks", "poison rollbacks", "links commits",
                "temps commits", "reads", "long reads", "conflicts"):
        assert done.get(key, 0) > 0, (key, done)
    final = engine.begin()
    check_view(snapshot_view(final))
    final.rollback()
    assert engine.active_transaction_count() == 0
    assert engine.unreleased_delta_count() == 0
    assert all(v is None or v.delta is None for v in engine._vertices)
    assert all(e is None or e.delta is None for e in engine._edges)


def test_writers_on_disjoint_nodes_all_commit(engine: Any, fast_switching: None) -> None:
    tx = engine.begin()
    nodes = [tx.create_node(["N"], {"v": 0}) for _ in range(8)]
    tx.commit()
    errors: list[BaseException] = []

    def writer(node: Any) -> None:
        try:
            for _ in range(200):
                tx = engine.begin()
                tx.set_node_property(node, "v", tx.node_property(node, "v") + 1)
                tx.create_node(["Log"])
                tx.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in nodes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    check = engine.begin()
    assert [check.node_property(n, "v") for n in nodes] == [200] * 8
    assert sum(1 for _ in check.nodes_by_label("Log")) == 1600
    gids = [n.gid for n in check.nodes()]
    assert gids == list(range(1608))
    check.rollback()
    assert engine.statistics().label_counts == {"N": 8, "Log": 1600}
