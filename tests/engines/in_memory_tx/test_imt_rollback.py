"""Rollback restores the exact stored state, and a transaction reads its own writes, checked
against a plain-Python model over random operation sequences."""

from __future__ import annotations

from typing import Any

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from imt_helpers import state

from mgcore.storage import DeletedObjectError, Direction, NodeHasRelationshipsError

LABELS = ("A", "B", "C")
TYPES = ("R", "S")
KEYS = ("k", "m")
values = st.one_of(
    st.none(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.lists(st.integers(0, 3), max_size=3),
)


class Model:
    """What the transaction must see: nodes gid -> [labels, props], rels gid -> [type, a, b,
    props]."""

    def __init__(self) -> None:
        self.nodes: dict[int, list[Any]] = {}
        self.rels: dict[int, list[Any]] = {}

    def adjacency(self, gid: int, direction: Direction) -> list[tuple[int, int]]:
        out = []
        for rid, (_, a, b, _) in self.rels.items():
            if direction == Direction.OUT and a == gid:
                out.append((rid, b))
            elif direction == Direction.IN and b == gid:
                out.append((rid, a))
        return sorted(out)


def build_base(engine: Any) -> tuple[Model, dict[int, Any], dict[int, Any]]:
    tx = engine.begin()
    model = Model()
    nodes: dict[int, Any] = {}
    rels: dict[int, Any] = {}
    for i in range(5):
        labels = list(LABELS[: i % 3 + 1])
        props = {"k": i, "m": f"s{i}"} if i % 2 else {}
        n = tx.create_node(labels, props)
        nodes[n.gid] = n
        model.nodes[n.gid] = [labels, dict(props)]
    for i, (a, b) in enumerate([(0, 1), (1, 2), (2, 2), (3, 0), (0, 1), (4, 3)]):
        props = {"k": i} if i % 2 else {}
        r = tx.create_relationship(nodes[a], nodes[b], TYPES[i % 2], props)
        rels[r.gid] = r
        model.rels[r.gid] = [TYPES[i % 2], a, b, dict(props)]
    tx.commit()
    return model, nodes, rels


def check(tx: Any, model: Model, nodes: dict[int, Any], rels: dict[int, Any]) -> None:
    assert sorted(n.gid for n in tx.nodes()) == sorted(model.nodes)
    assert sorted(r.gid for r in tx.relationships()) == sorted(model.rels)
    for gid, (labels, props) in model.nodes.items():
        n = nodes[gid]
        assert list(tx.node_labels(n)) == labels
        assert tx.node_properties(n) == props
        for direction in (Direction.OUT, Direction.IN):
            got = sorted((r.gid, o.gid) for r, o in tx.expand(n, direction))
            assert got == model.adjacency(gid, direction)
            assert tx.degree(n, direction) == len(got)
    for gid, (rtype, a, b, props) in model.rels.items():
        r = rels[gid]
        assert tx.relationship_type(r) == rtype
        assert (tx.relationship_start(r).gid, tx.relationship_end(r).gid) == (a, b)
        assert tx.relationship_properties(r) == props
    for label in LABELS:
        expected = sorted(g for g, (labels, _) in model.nodes.items() if label in labels)
        assert sorted(n.gid for n in tx.nodes_by_label(label)) == expected


def decoded(stored: tuple[Any, ...]) -> tuple[Any, ...]:
    """A stored state with the props blob decoded (blobs of equal dicts may differ in order)."""
    props = stored[1]
    if isinstance(props, bytes):
        props = msgpack.unpackb(props, strict_map_key=False)
    return (stored[0], props, *stored[2:])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_writes_read_back_and_roll_back_exactly(make_engine: Any, data: Any) -> None:
    engine = make_engine()
    model, nodes, rels = build_base(engine)
    before = {("n", g): decoded(state(n)) for g, n in nodes.items()}
    before.update({("r", g): decoded(state(r)) for g, r in rels.items()})
    stats_before = engine.statistics()
    base_reader = engine.begin(read_only=True)
    base_model = Model()
    base_model.nodes = {g: [list(v[0]), dict(v[1])] for g, v in model.nodes.items()}
    base_model.rels = {g: [*v[:3], dict(v[3])] for g, v in model.rels.items()}

    tx = engine.begin()
    for _ in range(data.draw(st.integers(1, 25), label="steps")):
        op = data.draw(
            st.sampled_from(
                ["create_node", "create_rel", "add_label", "remove_label", "set_node",
                 "set_rel", "delete_rel", "delete_node", "detach"]
            )
        )
        live_nodes = sorted(model.nodes)
        live_rels = sorted(model.rels)
        if op == "create_node":
            labels = data.draw(st.lists(st.sampled_from(LABELS), max_size=3))
            props = data.draw(st.dictionaries(st.sampled_from(KEYS), values, max_size=2))
            n = tx.create_node(labels, props)
            nodes[n.gid] = n
            model.nodes[n.gid] = [
                list(dict.fromkeys(labels)), {k: v for k, v in props.items() if v is not None}
            ]
        elif not live_nodes:
            continue
        elif op == "create_rel":
            a = data.draw(st.sampled_from(live_nodes))
            b = data.draw(st.sampled_from(live_nodes))
            rtype = data.draw(st.sampled_from(TYPES))
            r = tx.create_relationship(nodes[a], nodes[b], rtype, {"k": 7})
            rels[r.gid] = r
            model.rels[r.gid] = [rtype, a, b, {"k": 7}]
        elif op in ("add_label", "remove_label"):
            g = data.draw(st.sampled_from(live_nodes))
            label = data.draw(st.sampled_from(LABELS))
            labels = model.nodes[g][0]
            if op == "add_label":
                assert tx.add_label(nodes[g], label) is (label not in labels)
                if label not in labels:
                    labels.append(label)
            else:
                assert tx.remove_label(nodes[g], label) is (label in labels)
                if label in labels:
                    labels.remove(label)
        elif op == "set_node":
            g = data.draw(st.sampled_from(live_nodes))
            key, value = data.draw(st.sampled_from(KEYS)), data.draw(values)
            tx.set_node_property(nodes[g], key, value)
            if value is None:
                model.nodes[g][1].pop(key, None)
            else:
                model.nodes[g][1][key] = value
        elif op in ("set_rel", "delete_rel"):
            if not live_rels:
                continue
            g = data.draw(st.sampled_from(live_rels))
            if op == "set_rel":
                key, value = data.draw(st.sampled_from(KEYS)), data.draw(values)
                tx.set_relationship_property(rels[g], key, value)
                if value is None:
                    model.rels[g][3].pop(key, None)
                else:
                    model.rels[g][3][key] = value
            else:
                assert tx.delete_relationship(rels[g]) is True
                assert tx.delete_relationship(rels[g]) is False
                del model.rels[g]
        elif op == "delete_node":
            g = data.draw(st.sampled_from(live_nodes))
            has_rels = any(g in (a, b) for _, a, b, _ in model.rels.values())
            if has_rels:
                with pytest.raises(NodeHasRelationshipsError):
                    tx.delete_node(nodes[g])
            else:
                assert tx.delete_node(nodes[g]) is True
                del model.nodes[g]
                with pytest.raises(DeletedObjectError):
                    tx.node_labels(nodes[g])
        else:
            g = data.draw(st.sampled_from(live_nodes))
            attached = [r for r, (_, a, b, _) in model.rels.items() if g in (a, b)]
            assert tx.detach_delete_node(nodes[g]) == len(attached)
            assert tx.detach_delete_node(nodes[g]) == 0
            for r in attached:
                del model.rels[r]
            del model.nodes[g]
        check(tx, model, nodes, rels)
        check(base_reader, base_model, nodes, rels)

    tx.rollback()
    after = {("n", g): decoded(state(n)) for g, n in nodes.items() if ("n", g) in before}
    after.update({("r", g): decoded(state(r)) for g, r in rels.items() if ("r", g) in before})
    assert after == before
    assert engine.statistics() == stats_before
    check(base_reader, base_model, nodes, rels)
    base_reader.rollback()
    fresh = engine.begin()
    check(fresh, base_model, nodes, rels)
    fresh.rollback()
    assert engine.unreleased_delta_count() == 0
    assert all(n.delta is None for n in nodes.values())


def test_rollback_keeps_label_order_and_shared_label_tuples(engine: Any) -> None:
    tx = engine.begin()
    n = tx.create_node(["X", "Y", "Z"])
    m = tx.create_node(["X", "Y", "Z"])
    tx.commit()
    assert n.labels is m.labels
    original = n.labels
    tx = engine.begin()
    tx.remove_label(n, "X")
    tx.add_label(n, "X")
    assert tx.node_labels(n) == ("Y", "Z", "X")
    tx.rollback()
    assert n.labels is original
