"""Model-based test: random sequences of writes, commits, rollbacks (and reopens, for durable
engines) on the engine, compared after every step with a plain-dict model of the graph.

The model is what the contract promises: a transaction sees the committed graph plus its own
writes, commit publishes them, rollback forgets them, plain delete of a connected node fails
(and the kernel then rolls back), detach delete counts the relationships it removes.
"""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from mgcore.conformance.suite._support import SUITE_SETTINGS, canon, property_values
from mgcore.storage.errors import NodeHasRelationshipsError
from mgcore.storage.records import Direction

LABELS = st.sampled_from(["A", "B", "C"])
KEYS = st.sampled_from(["k", "m", "n"])
TYPES = st.sampled_from(["R", "S"])
VALUES = st.one_of(st.none(), property_values)
INDEX = st.integers(min_value=0, max_value=1000)


class Graph:
    """The model: nodes ``gid -> [labels in order, props]`` and relationships
    ``gid -> [type, start, end, props]``."""

    def __init__(self) -> None:
        self.nodes: dict[int, list[Any]] = {}
        self.rels: dict[int, list[Any]] = {}

    def copy(self) -> Graph:
        return copy.deepcopy(self)

    def rels_of(self, gid: int) -> list[int]:
        return [r for r, (_, s, e, _) in self.rels.items() if gid in (s, e)]

    def view(self) -> dict[str, Any]:
        """The model in the form ``observe`` reads from a transaction."""
        adjacency = {}
        for gid in self.nodes:
            adjacency[gid] = (
                sorted((r, e) for r, (_, s, e, _) in self.rels.items() if s == gid),
                sorted((r, s) for r, (_, s, e, _) in self.rels.items() if e == gid),
            )
        return {
            "nodes": {g: (tuple(ls), canon(ps)) for g, (ls, ps) in self.nodes.items()},
            "rels": {g: (t, s, e, canon(p)) for g, (t, s, e, p) in self.rels.items()},
            "adjacency": adjacency,
        }


def observe(tx: Any) -> dict[str, Any]:
    """What ``tx`` sees, in the model's form (labels in order)."""
    nodes = {n.gid: (tuple(tx.node_labels(n)), canon(tx.node_properties(n))) for n in tx.nodes()}
    rels = {
        r.gid: (tx.relationship_type(r), tx.relationship_start(r).gid, tx.relationship_end(r).gid,
                canon(tx.relationship_properties(r)))
        for r in tx.relationships()
    }
    adjacency = {}
    for node in tx.nodes():
        adjacency[node.gid] = (
            sorted((r.gid, o.gid) for r, o in tx.expand(node, Direction.OUT)),
            sorted((r.gid, o.gid) for r, o in tx.expand(node, Direction.IN)),
        )
    return {"nodes": nodes, "rels": rels, "adjacency": adjacency}


_dirs = itertools.count()


@pytest.mark.requires("transactional")
def test_engine_matches_the_model(
    engine_factory: Any, tmp_path: Path, capabilities: Any
) -> None:
    """Random operation sequences leave the engine and the model in agreement at every step."""
    factory = engine_factory
    edges_props = capabilities.properties_on_edges
    durable = capabilities.durable

    class EngineVsModel(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            directory = tmp_path / f"model-{next(_dirs)}"
            self.engine = factory.open(data_dir=directory)
            self.committed = Graph()
            self.pending: Graph | None = None
            self.tx: Any = None

        def teardown(self) -> None:
            factory.close(self.engine)

        def open_tx(self) -> Graph:
            if self.tx is None:
                self.tx = self.engine.begin()
                self.pending = self.committed.copy()
            assert self.pending is not None
            return self.pending

        def pick(self, gids: list[int], index: int) -> int | None:
            return sorted(gids)[index % len(gids)] if gids else None

        @rule(labels=st.lists(LABELS, max_size=3), props=st.dictionaries(KEYS, VALUES, max_size=2))
        def create_node(self, labels: list[str], props: dict[str, Any]) -> None:
            model = self.open_tx()
            node = self.tx.create_node(labels, props)
            assert node.gid not in model.nodes
            model.nodes[node.gid] = [list(dict.fromkeys(labels)),
                                     {k: v for k, v in props.items() if v is not None}]

        @rule(start=INDEX, end=INDEX, rel_type=TYPES, props=st.dictionaries(KEYS, VALUES,
                                                                             max_size=2))
        def create_relationship(self, start: int, end: int, rel_type: str,
                                props: dict[str, Any]) -> None:
            model = self.open_tx()
            s, e = self.pick(list(model.nodes), start), self.pick(list(model.nodes), end)
            if s is None or e is None:
                return
            if not edges_props:
                props = {}
            rel = self.tx.create_relationship(self.tx.node(s), self.tx.node(e), rel_type, props)
            assert rel.gid not in model.rels
            model.rels[rel.gid] = [rel_type, s, e, {k: v for k, v in props.items()
                                                    if v is not None}]

        @rule(index=INDEX, key=KEYS, value=VALUES)
        def set_node_property(self, index: int, key: str, value: Any) -> None:
            model = self.open_tx()
            gid = self.pick(list(model.nodes), index)
            if gid is None:
                return
            self.tx.set_node_property(self.tx.node(gid), key, value)
            props = model.nodes[gid][1]
            if value is None:
                props.pop(key, None)
            else:
                props[key] = value

        @precondition(lambda self: edges_props)
        @rule(index=INDEX, key=KEYS, value=VALUES)
        def set_relationship_property(self, index: int, key: str, value: Any) -> None:
            model = self.open_tx()
            gid = self.pick(list(model.rels), index)
            if gid is None:
                return
            self.tx.set_relationship_property(self.tx.relationship(gid), key, value)
            props = model.rels[gid][3]
            if value is None:
                props.pop(key, None)
            else:
                props[key] = value

        @rule(index=INDEX, label=LABELS)
        def add_label(self, index: int, label: str) -> None:
            model = self.open_tx()
            gid = self.pick(list(model.nodes), index)
            if gid is None:
                return
            labels = model.nodes[gid][0]
            assert self.tx.add_label(self.tx.node(gid), label) is (label not in labels)
            if label not in labels:
                labels.append(label)

        @rule(index=INDEX, label=LABELS)
        def remove_label(self, index: int, label: str) -> None:
            model = self.open_tx()
            gid = self.pick(list(model.nodes), index)
            if gid is None:
                return
            labels = model.nodes[gid][0]
            assert self.tx.remove_label(self.tx.node(gid), label) is (label in labels)
            if label in labels:
                labels.remove(label)

        @rule(index=INDEX)
        def delete_relationship(self, index: int) -> None:
            model = self.open_tx()
            gid = self.pick(list(model.rels), index)
            if gid is None:
                return
            assert self.tx.delete_relationship(self.tx.relationship(gid)) is True
            del model.rels[gid]

        @rule(index=INDEX)
        def delete_node(self, index: int) -> None:
            model = self.open_tx()
            gid = self.pick(list(model.nodes), index)
            if gid is None:
                return
            if model.rels_of(gid):
                with pytest.raises(NodeHasRelationshipsError):
                    self.tx.delete_node(self.tx.node(gid))
                self.rollback()
                return
            assert self.tx.delete_node(self.tx.node(gid)) is True
            del model.nodes[gid]

        @rule(index=INDEX)
        def detach_delete_node(self, index: int) -> None:
            model = self.open_tx()
            gid = self.pick(list(model.nodes), index)
            if gid is None:
                return
            attached = model.rels_of(gid)
            assert self.tx.detach_delete_node(self.tx.node(gid)) == len(attached)
            for rel in attached:
                del model.rels[rel]
            del model.nodes[gid]

        @precondition(lambda self: self.tx is not None)
        @rule()
        def commit(self) -> None:
            self.tx.commit()
            assert self.pending is not None
            self.committed, self.pending, self.tx = self.pending, None, None

        @precondition(lambda self: self.tx is not None)
        @rule()
        def rollback(self) -> None:
            self.tx.rollback()
            self.pending, self.tx = None, None

        @precondition(lambda self: durable)
        @rule()
        def reopen(self) -> None:
            self.pending, self.tx = None, None
            self.engine = factory.reopen()

        @invariant()
        def transaction_sees_committed_plus_own_writes(self) -> None:
            if self.tx is not None and self.pending is not None:
                assert observe(self.tx) == self.pending.view()

        @invariant()
        def others_see_only_committed(self) -> None:
            reader = self.engine.begin(read_only=True)
            try:
                assert observe(reader) == self.committed.view()
            finally:
                reader.rollback()

    run_state_machine_as_test(
        EngineVsModel,
        settings=settings(SUITE_SETTINGS, max_examples=150, stateful_step_count=30),
    )
