"""Graph functions over engine handles (read through ctx.tx) and result values (TCK Graph8,
Graph9, Path1, List12)."""

from __future__ import annotations

from typing import Any

import pytest
from fn_fakes import FakeCtx, FakeNode, FakeTx

from mgcore.errors import CypherTypeError, EntityNotFound
from mgcore.values.graph import Node, Path, Relationship


@pytest.fixture
def graph(tx: FakeTx) -> dict[str, Any]:
    """(a:Person:Admin {name: 'Popeye', level: 9001})-[r:KNOWS {status: 'bad'}]->(b), and a
    self-loop (b)-[:LOOP]->(b)."""
    a = tx.add_node(1, ("Person", "Admin"), name="Popeye", level=9001)
    b = tx.add_node(2)
    r = tx.add_rel(10, 1, "KNOWS", 2, status="bad", year="2015")
    loop = tx.add_rel(11, 2, "LOOP", 2)
    return {"a": a, "b": b, "r": r, "loop": loop}


A = Node(1, ("Person",), {"name": "Popeye", "level": 9001})
B = Node(2)
R = Relationship(10, 1, 2, "KNOWS", {"status": "bad"})


def test_id(call: Any, graph: dict[str, Any]) -> None:
    assert call("id", graph["a"]) == 1
    assert call("id", graph["r"]) == 10
    assert call("id", A) == 1
    assert call("id", R) == 10
    assert call("id", None) is None
    with pytest.raises(CypherTypeError, match="id"):
        call("id", 1)
    assert call("elementId", graph["a"]) == "1"
    assert call("elementId", R) == "10"
    assert call("elementId", None) is None
    with pytest.raises(CypherTypeError):
        call("elementId", "1")


def test_labels(call: Any, graph: dict[str, Any]) -> None:
    assert call("labels", graph["a"]) == ["Person", "Admin"]
    assert call("labels", graph["b"]) == []
    assert call("labels", A) == ["Person"]
    assert call("labels", None) is None
    bad: Any
    for bad in (graph["r"], R, {"labels": []}, "Person"):
        with pytest.raises(CypherTypeError, match="labels"):
            call("labels", bad)


def test_type(call: Any, graph: dict[str, Any]) -> None:
    assert call("type", graph["r"]) == "KNOWS"
    assert call("type", R) == "KNOWS"
    assert call("type", None) is None
    for bad in (graph["a"], A, "KNOWS"):
        with pytest.raises(CypherTypeError, match="type"):
            call("type", bad)


def test_start_and_end_node(call: Any, graph: dict[str, Any]) -> None:
    start = call("startNode", graph["r"])
    end = call("endNode", graph["r"])
    assert isinstance(start, FakeNode) and start.gid == 1
    assert isinstance(end, FakeNode) and end.gid == 2
    assert call("startNode", R).gid == 1  # looked up in the transaction
    assert call("endNode", R).gid == 2
    assert call("startNode", None) is None
    assert call("endNode", None) is None
    with pytest.raises(CypherTypeError, match="startNode"):
        call("startNode", graph["a"])
    with pytest.raises(CypherTypeError, match="endNode"):
        call("endNode", A)


def test_end_node_of_a_value_without_transaction() -> None:
    from mgcore.cypher.functions.graphfn import end_node

    with pytest.raises(EntityNotFound):
        end_node(FakeCtx(None), R)
    with pytest.raises(EntityNotFound):
        end_node(FakeCtx(FakeTx()), R)


def test_properties(call: Any, graph: dict[str, Any]) -> None:
    # TCK Graph9 [1], [2], [4]
    assert call("properties", graph["a"]) == {"name": "Popeye", "level": 9001}
    assert call("properties", graph["r"]) == {"status": "bad", "year": "2015"}
    assert call("properties", {"name": "Popeye", "level": 9001}) == {
        "name": "Popeye",
        "level": 9001,
    }
    assert call("properties", A) == {"name": "Popeye", "level": 9001}
    assert call("properties", R) == {"status": "bad"}
    # TCK Graph9 [3]
    assert call("properties", None) is None


@pytest.mark.parametrize("bad", [1, "Cypher", [True, False], 1.5])
def test_properties_type_errors(call: Any, bad: Any) -> None:
    # TCK Graph9 [5]-[7] (compile-time errors there for literals)
    with pytest.raises(CypherTypeError, match="properties"):
        call("properties", bad)


def test_keys(call: Any, graph: dict[str, Any], tx: FakeTx) -> None:
    # TCK Graph8 [1], [3], [5], [6], [4]/[7] (null), [8]
    assert sorted(call("keys", graph["a"])) == ["level", "name"]
    assert call("keys", graph["b"]) == []
    assert sorted(call("keys", graph["r"])) == ["status", "year"]
    assert call("keys", graph["loop"]) == []
    assert call("keys", None) is None
    n = tx.add_node(3, (), exists=42)  # a null property is never stored
    assert "exists" in call("keys", n)
    assert "missing" not in call("keys", n)
    assert call("keys", {"a": 1, "b": None}) == ["a", "b"]
    assert call("keys", A) == ["name", "level"]
    with pytest.raises(CypherTypeError, match="keys"):
        call("keys", [1])


def test_values(call: Any, graph: dict[str, Any]) -> None:
    assert sorted(call("values", graph["r"])) == ["2015", "bad"]
    assert call("values", {"a": 1, "b": None}) == [1, None]
    assert call("values", None) is None
    with pytest.raises(CypherTypeError):
        call("values", 1)


def test_nodes_and_relationships(call: Any, graph: dict[str, Any]) -> None:
    p = Path((graph["a"], graph["b"]), (graph["r"],))
    assert call("nodes", p) == [graph["a"], graph["b"]]
    assert call("relationships", p) == [graph["r"]]
    q = Path((A, B), (R,))
    assert call("nodes", q) == [A, B]
    assert call("relationships", q) == [R]
    assert call("relationships", Path((A,))) == []
    # TCK Path1 [1]
    assert call("nodes", None) is None
    assert call("relationships", None) is None
    # TCK List12 [4]: head(nodes(x))
    assert call("head", call("nodes", q)) == A
    for name in ("nodes", "relationships"):
        with pytest.raises(CypherTypeError, match=name):
            call(name, [A, B])


def test_degrees(call: Any, graph: dict[str, Any]) -> None:
    assert call("degree", graph["a"]) == 1
    assert call("outDegree", graph["a"]) == 1
    assert call("inDegree", graph["a"]) == 0
    assert call("degree", graph["b"]) == 3  # KNOWS in, LOOP out and in
    assert call("inDegree", B) == 2
    assert call("degree", None) is None
    assert call("inDegree", None) is None
    assert call("outDegree", None) is None
    with pytest.raises(CypherTypeError):
        call("degree", graph["r"])
