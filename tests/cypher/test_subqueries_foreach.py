"""FOREACH, CALL { subquery } and EXISTS { ... } end to end on the in-memory transactional
engine: results, update counters, scoping rules, errors and plans."""

from __future__ import annotations

from typing import Any

import pytest

from mgcore.errors import CypherSyntaxError, CypherTypeError
from mgcore.session import Session
from mgcore.values.graph import Node


def rows(s: Session, query: str, **params: Any) -> list[list[Any]]:
    return [list(r) for r in s.run(query, params)]


def value(s: Session, query: str, **params: Any) -> Any:
    result = rows(s, query, **params)
    assert len(result) == 1 and len(result[0]) == 1, result
    return result[0][0]


def counters(s: Session, query: str, **params: Any) -> dict[str, int]:
    """The non-zero update counters of running ``query`` to the end."""
    summary = s.run(query, params).consume()
    return {k: v for k, v in vars(summary.counters).items() if isinstance(v, int) and v}


def plan(s: Session, query: str) -> list[str]:
    return [r[0] for r in s.run("EXPLAIN " + query)]


# ------------------------------------------------------------------------------------ FOREACH


def test_foreach_creates_per_element(s: Session) -> None:
    c = counters(s, "UNWIND [1, 2, 3] AS x FOREACH (y IN [x, x * 10] | CREATE (:N {v: y}))")
    assert c == {"nodes_created": 6, "labels_added": 6, "properties_set": 6}
    assert value(s, "MATCH (n:N) RETURN collect(n.v) AS v") == [1, 10, 2, 20, 3, 30]


def test_foreach_keeps_the_row_count_and_outer_variables(s: Session) -> None:
    s.run("UNWIND [1, 2] AS i CREATE (:M {i: i})").consume()
    result = s.run(
        "MATCH (m:M) FOREACH (x IN [1, 2, 3] | SET m.total = coalesce(m.total, 0) + x) "
        "RETURN m.i AS i, m.total AS total ORDER BY i"
    )
    assert [list(r) for r in result] == [[1, 6], [2, 6]]
    assert result.consume().counters.properties_set == 6


def test_foreach_updates_see_one_another_in_order(s: Session) -> None:
    s.run("CREATE (:Log {items: []})").consume()
    s.run("MATCH (l:Log) FOREACH (x IN ['a', 'b', 'c'] | SET l.items = l.items + x)").consume()
    assert value(s, "MATCH (l:Log) RETURN l.items AS v") == ["a", "b", "c"]
    c = counters(s, "FOREACH (x IN [1, 1, 2, 1] | MERGE (:U {v: x}))")
    assert c["nodes_created"] == 2
    assert value(s, "MATCH (u:U) RETURN count(u) AS v") == 2


def test_foreach_clauses_chain_within_one_iteration(s: Session) -> None:
    c = counters(s, "FOREACH (x IN [1, 2] | CREATE (a:A {v: x}) CREATE (a)-[:R]->(:B) "
                    "SET a.done = true)")
    assert c == {
        "nodes_created": 4, "relationships_created": 2, "labels_added": 4, "properties_set": 4
    }
    assert rows(s, "MATCH (a:A {done: true})-[:R]->(:B) RETURN a.v ORDER BY a.v") == [[1], [2]]


def test_nested_foreach(s: Session) -> None:
    c = counters(
        s, "FOREACH (l IN [[1, 2], [3]] | FOREACH (x IN l | CREATE (:N {v: x, n: size(l)})))"
    )
    assert c["nodes_created"] == 3
    assert rows(s, "MATCH (n:N) RETURN n.v, n.n ORDER BY n.v") == [[1, 2], [2, 2], [3, 1]]
    c = counters(s, "MATCH (n:N) FOREACH (a IN [1, 2] | FOREACH (b IN [10] | "
                    "SET n.acc = coalesce(n.acc, 0) + a * b))")
    assert c["properties_set"] == 6
    assert rows(s, "MATCH (n:N) RETURN n.acc") == [[30], [30], [30]]


def test_foreach_connects_outer_nodes(s: Session) -> None:
    s.run("CREATE (:Hub)").consume()
    c = counters(
        s, "MATCH (h:Hub) FOREACH (name IN ['x', 'y'] | CREATE (h)-[:HAS]->(:Leaf {name: name}))"
    )
    assert (c["nodes_created"], c["relationships_created"]) == (2, 2)
    assert rows(s, "MATCH (:Hub)-[:HAS]->(l) RETURN l.name ORDER BY l.name") == [["x"], ["y"]]


def test_foreach_delete_and_remove(s: Session) -> None:
    s.run("UNWIND range(1, 4) AS i CREATE (:D {i: i, tmp: 1})-[:R]->(:E)").consume()
    c = counters(s, "MATCH (d:D) WITH collect(d) AS ds FOREACH (d IN ds | REMOVE d.tmp)")
    assert c == {"properties_set": 4}
    c = counters(s, "MATCH (d:D) WITH collect(d) AS ds FOREACH (d IN ds | DETACH DELETE d)")
    assert c == {"nodes_deleted": 4, "relationships_deleted": 4}
    assert value(s, "MATCH (n) RETURN count(n) AS v") == 4


def test_foreach_over_null_and_empty_lists(s: Session) -> None:
    assert counters(s, "FOREACH (x IN null | CREATE (:Never))") == {}
    assert counters(s, "FOREACH (x IN [] | CREATE (:Never))") == {}
    assert rows(s, "UNWIND [1, 2] AS i FOREACH (x IN null | CREATE (:Never)) RETURN i") == [
        [1], [2]
    ]
    with pytest.raises(CypherTypeError, match="FOREACH expression must resolve to a list"):
        rows(s, "FOREACH (x IN 5 | CREATE (:Never))")
    assert value(s, "MATCH (n:Never) RETURN count(n) AS v") == 0


def test_foreach_is_isolated_from_its_input(s: Session) -> None:
    s.run("CREATE (:N), (:N)").consume()
    assert counters(s, "MATCH (n:N) FOREACH (x IN [1] | CREATE (:N))")["nodes_created"] == 2
    assert value(s, "MATCH (n:N) RETURN count(n) AS v") == 4


def test_foreach_scope_errors(s: Session) -> None:
    with pytest.raises(CypherSyntaxError, match="Unbound variable: x"):
        rows(s, "FOREACH (x IN [1] | CREATE ()) RETURN x")
    with pytest.raises(CypherSyntaxError, match="Unbound variable: a"):
        rows(s, "FOREACH (x IN [1] | CREATE (a:A)) RETURN a")
    with pytest.raises(CypherSyntaxError, match="Redeclaring variable: x"):
        rows(s, "WITH 1 AS x FOREACH (x IN [1] | CREATE ())")
    with pytest.raises(CypherSyntaxError, match="Unbound variable: y"):
        rows(s, "FOREACH (x IN [1] | CREATE ({v: y}))")
    with pytest.raises(CypherSyntaxError):
        rows(s, "FOREACH (x IN [1] | MATCH (n) CREATE ())")
    assert value(s, "MATCH (n) RETURN count(n) AS v") == 0


def test_foreach_rolls_back_with_its_transaction(s: Session) -> None:
    with s.begin_transaction() as tx:
        tx.run("FOREACH (x IN range(1, 5) | CREATE (:T {x: x}))").consume()
        assert [list(r) for r in tx.run("MATCH (t:T) RETURN count(t)")] == [[5]]
        tx.rollback()
    assert value(s, "MATCH (t:T) RETURN count(t) AS v") == 0


def test_foreach_explain_and_profile(s: Session) -> None:
    assert plan(s, "FOREACH (x IN [1] | CREATE (:P))") == [
        " * EmptyResult",
        " * Foreach",
        "|\\",
        "|  * CreateNodesAndRelationships",
        "|  * Once",
        " * Once",
    ]
    profile = {r[0]: r[1] for r in s.run("PROFILE FOREACH (x IN [1, 2, 3] | CREATE (:P))")}
    assert profile[" * Foreach"] == 1
    assert profile["|  * CreateNodesAndRelationships"] == 3


# --------------------------------------------------------------------------- CALL { subquery }


@pytest.fixture
def chain(s: Session) -> Session:
    """(:L1 {prop: 1})-[:TYPE]->(:L2 {prop: 2}), as in Memgraph's subquery scenarios."""
    s.run("CREATE (:L1 {prop: 1})-[:TYPE]->(:L2 {prop: 2})").consume()
    return s


def test_call_uncorrelated_joins_every_outer_row(chain: Session) -> None:
    assert rows(
        chain, "MATCH (n) CALL { MATCH (m) RETURN m } RETURN n.prop, m.prop ORDER BY n.prop, m.prop"
    ) == [[1, 1], [1, 2], [2, 1], [2, 2]]
    assert rows(chain, "CALL { MATCH (:L1)-->(m) RETURN m.prop AS p } RETURN p") == [[2]]


def test_call_without_import_does_not_see_outer_variables(chain: Session) -> None:
    assert rows(
        chain, "MATCH (n:L1) CALL { MATCH (n:L2) RETURN n.prop AS p } RETURN n.prop, p"
    ) == [[1, 2]]
    with pytest.raises(CypherSyntaxError, match="Unbound variable: n"):
        rows(chain, "MATCH (n:L1) CALL { RETURN n.prop AS p } RETURN p")


def test_call_correlated_with_importing_with(chain: Session) -> None:
    assert rows(
        chain,
        "MATCH (n) CALL { WITH n MATCH (n)-[:TYPE]->(m) RETURN m } RETURN n.prop, m.prop",
    ) == [[1, 2]]
    assert rows(
        chain, "UNWIND [1, 2] AS x CALL { WITH x UNWIND range(1, x) AS y RETURN y } RETURN x, y"
    ) == [[1, 1], [2, 1], [2, 2]]
    assert rows(chain, "UNWIND [1, 2] AS x CALL { WITH * RETURN x * 10 AS y } RETURN y") == [
        [10], [20]
    ]
    assert rows(chain, "UNWIND [1, 2] AS x CALL { WITH x AS z RETURN z } RETURN x, z") == [
        [1, 1], [2, 2]
    ]


def test_call_zero_inner_rows_remove_the_outer_row(chain: Session) -> None:
    assert rows(chain, "MATCH (n:Nope) CALL { MATCH (m) RETURN m } RETURN m.prop") == []
    assert rows(
        chain, "UNWIND [1, 2] AS x CALL { WITH x MATCH (m {prop: x}) WHERE x > 1 RETURN m } "
        "RETURN x, m.prop"
    ) == [[2, 2]]


def test_call_aggregation_per_outer_row(chain: Session) -> None:
    assert rows(
        chain,
        "MATCH (n) CALL { WITH n OPTIONAL MATCH (n)-->(m) RETURN count(m) AS c } "
        "RETURN n.prop, c ORDER BY n.prop",
    ) == [[1, 1], [2, 0]]
    assert rows(
        chain,
        "MATCH (n) CALL { WITH n MATCH (n)-->(m) RETURN count(m) AS c } "
        "RETURN n.prop, c ORDER BY n.prop",
    ) == [[1, 1], [2, 0]]


def test_call_order_and_limit_apply_per_outer_row(s: Session) -> None:
    s.run("UNWIND range(1, 5) AS i CREATE (:V {i: i})").consume()
    assert rows(
        s,
        "UNWIND [1, 3] AS lo CALL { WITH lo MATCH (v:V) WHERE v.i >= lo "
        "RETURN v.i AS i ORDER BY i DESC LIMIT 2 } RETURN lo, i",
    ) == [[1, 5], [1, 4], [3, 5], [3, 4]]


def test_call_returns_usable_entities(chain: Session) -> None:
    result = rows(
        chain, "MATCH (n:L1) CALL { WITH n MATCH (n)-[r]->(m) RETURN r, m } "
        "RETURN type(r), m, m.prop"
    )
    assert len(result) == 1
    kind, m, prop = result[0]
    assert kind == "TYPE" and prop == 2
    assert isinstance(m, Node) and m.labels == ("L2",) and m.properties == {"prop": 2}


def test_call_union_inside(s: Session) -> None:
    s.run(
        "CREATE (:Person {figure: 'grandpa'})<-[:CHILD_OF]-(:Person {figure: 'dad'})"
        "-[:PARENT_OF]->(:Person {figure: 'child'})"
    ).consume()
    assert rows(
        s,
        "MATCH (p:Person {figure: 'dad'}) CALL { WITH p OPTIONAL MATCH (p)-[:CHILD_OF]->(o) "
        "RETURN o UNION WITH p OPTIONAL MATCH (p)-[:PARENT_OF]->(o) RETURN o } "
        "RETURN p.figure, count(o) AS cnt",
    ) == [["dad", 2]]
    assert rows(
        s, "UNWIND [1, 2] AS x CALL { WITH x RETURN 0 AS y UNION WITH x RETURN 0 AS y } "
        "RETURN x, y"
    ) == [[1, 0], [2, 0]]
    assert value(
        s, "UNWIND [1, 2] AS x CALL { WITH x RETURN 0 AS y UNION ALL RETURN 0 AS y } "
        "RETURN count(*) AS v"
    ) == 4


def test_call_nested_and_sequential(chain: Session) -> None:
    assert rows(
        chain,
        "MATCH (p) CALL { MATCH (r) CALL { MATCH (q) RETURN q } RETURN r, q } "
        "RETURN count(*) AS c",
    ) == [[8]]
    assert rows(
        chain,
        "UNWIND [1, 2] AS x CALL { WITH x CALL { WITH x RETURN x * 2 AS y } RETURN y + 1 AS z }"
        " RETURN x, z",
    ) == [[1, 3], [2, 5]]
    assert value(
        chain, "MATCH (n) CALL { MATCH (m) RETURN m } CALL { MATCH (o) RETURN o } "
        "RETURN count(*) AS v"
    ) == 8


def test_unit_subquery_keeps_the_row_count(s: Session) -> None:
    result = s.run("UNWIND [1, 2, 3] AS x CALL { WITH x CREATE (:U {x: x}) } RETURN x")
    assert [list(r) for r in result] == [[1], [2], [3]]
    assert result.consume().counters.nodes_created == 3
    c = counters(s, "MATCH (u:U) CALL { WITH u UNWIND [1, 2] AS i CREATE (u)-[:C]->(:K) }")
    assert (c["nodes_created"], c["relationships_created"]) == (6, 6)
    assert counters(s, "CALL { CREATE (:Single) }") == {"nodes_created": 1, "labels_added": 1}
    assert value(s, "MATCH (u:U)-[:C]->(k:K) RETURN count(k) AS v") == 6


def test_call_writes_run_per_row_in_order(s: Session) -> None:
    s.run("CREATE (:Counter {count: 0})").consume()
    result = s.run(
        "UNWIND [0, 1, 2] AS x CALL { MATCH (n:Counter) SET n.count = n.count + 1 "
        "RETURN n.count AS inner } WITH inner MATCH (n:Counter) RETURN inner, n.count AS total"
    )
    assert [list(r) for r in result] == [[1, 3], [2, 3], [3, 3]]
    assert result.consume().counters.properties_set == 3


def test_call_subquery_is_isolated_from_its_input(s: Session) -> None:
    s.run("CREATE (:N), (:N)").consume()
    assert counters(s, "MATCH (n:N) CALL { CREATE (:N) }")["nodes_created"] == 2
    assert value(s, "MATCH (n:N) RETURN count(n) AS v") == 4


def test_call_subquery_errors(chain: Session) -> None:
    with pytest.raises(CypherSyntaxError, match="Unbound variable: o"):
        rows(chain, "MATCH (n:L1) CALL { WITH o MATCH (o)-->(m) RETURN m } RETURN m.prop")
    with pytest.raises(CypherSyntaxError, match="must be aliased"):
        rows(chain, "MATCH (n:L1) CALL { WITH n MATCH (n)-->(m) RETURN m.prop } RETURN n")
    with pytest.raises(CypherSyntaxError, match="already declared in the outer scope"):
        rows(chain, "MATCH (n:L1), (m:L2) CALL { WITH n MATCH (n)-->(m) RETURN m } RETURN n")
    with pytest.raises(CypherSyntaxError, match="already declared in the outer scope"):
        rows(chain, "UNWIND [1] AS x CALL { WITH x RETURN x } RETURN x")
    with pytest.raises(CypherSyntaxError, match="cannot conclude"):
        rows(chain, "CALL { RETURN 1 AS x }")
    with pytest.raises(CypherSyntaxError, match="same column names"):
        rows(chain, "CALL { RETURN 1 AS x UNION RETURN 2 AS y } RETURN x")
    with pytest.raises(CypherSyntaxError, match="Unbound variable: i"):
        rows(chain, "CALL { UNWIND [1] AS i CREATE (:X) } RETURN i")
    assert value(chain, "MATCH (x:X) RETURN count(x) AS v") == 0


def test_call_explain_and_profile(chain: Session) -> None:
    lines = plan(chain, "MATCH (n:L1) CALL { WITH n MATCH (n)-->(m) RETURN m } RETURN m")
    assert lines[:3] == [" * Produce {m}", " * Apply", "|\\"]
    assert any(line.startswith("|  * Expand") for line in lines)
    assert lines[-3:] == [" * Filter", " * ScanAll (n)", " * Once"]  # no label index
    assert plan(chain, "MATCH (n:L1) CALL { MATCH (m:L2) RETURN m } RETURN n, m") == [
        " * Produce {n, m}",
        " * Apply",
        "|\\",
        "|  * Produce {m}",
        "|  * Filter",
        "|  * ScanAll (m)",
        "|  * Once",
        " * Filter",
        " * ScanAll (n)",
        " * Once",
    ]
    assert plan(chain, "UNWIND [1] AS x CALL { WITH x CREATE (:X) }")[:3] == [
        " * EmptyResult", " * Apply", "|\\"
    ]
    profile = {
        r[0]: r[1]
        for r in chain.run("PROFILE UNWIND [1, 2, 3] AS x CALL { WITH x RETURN x + 1 AS y } "
                           "RETURN y")
    }
    assert profile[" * Apply"] == 3


# ---------------------------------------------------------------------------------- EXISTS


@pytest.fixture
def people(s: Session) -> Session:
    s.run(
        "CREATE (:P {name: 'a'})-[:K]->(:P {name: 'b'})-[:K]->(:P {name: 'c'})"
    ).consume()
    return s


def test_exists_pattern_with_where(people: Session) -> None:
    assert rows(
        people, "MATCH (p:P) WHERE EXISTS { (p)-[:K]->(q) WHERE q.name = 'c' } RETURN p.name"
    ) == [["b"]]
    assert rows(
        people, "MATCH (p:P) WHERE exists((p)-[:K]->()) RETURN p.name ORDER BY p.name"
    ) == [["a"], ["b"]]


def test_exists_full_query(people: Session) -> None:
    assert rows(
        people, "MATCH (p:P) WHERE EXISTS { MATCH (p)-[:K]->(q) RETURN q } "
        "RETURN p.name ORDER BY p.name"
    ) == [["a"], ["b"]]
    assert rows(
        people, "MATCH (p:P) WHERE EXISTS { MATCH (p)-[:K]->(q) WHERE q.name = 'c' } "
        "RETURN p.name"
    ) == [["b"]]
    assert rows(people, "MATCH (p:P) WHERE NOT EXISTS { MATCH (p)-[:K]->() } RETURN p.name") == [
        ["c"]
    ]
    assert rows(
        people, "MATCH (p:P) WHERE EXISTS { MATCH (p)-[:K]->(q) WITH q WHERE q.name = $n "
        "RETURN q } RETURN p.name", n="b"
    ) == [["a"]]


def test_exists_as_a_value(people: Session) -> None:
    assert rows(
        people, "MATCH (p:P) RETURN p.name, EXISTS { MATCH (p)<-[:K]-() } AS has_in "
        "ORDER BY p.name"
    ) == [["a", False], ["b", True], ["c", True]]
    assert rows(
        people, "MATCH (p:P) WITH EXISTS { MATCH (p)-->() } AS out RETURN out, count(*) "
        "ORDER BY out"
    ) == [[False, 1], [True, 2]]


def test_exists_aggregation_belongs_to_the_subquery(people: Session) -> None:
    assert rows(
        people, "MATCH (p:P) RETURN p.name, EXISTS { MATCH (p)-->(q) RETURN count(q) AS c } "
        "AS e ORDER BY p.name"
    ) == [["a", True], ["b", True], ["c", True]]
    assert rows(
        people, "MATCH (p:P) WHERE EXISTS { MATCH (p)-->(q) WITH count(q) AS c WHERE c > 0 "
        "RETURN c } RETURN p.name ORDER BY p.name"
    ) == [["a"], ["b"]]


def test_exists_union_and_nesting(people: Session) -> None:
    assert rows(
        people,
        "MATCH (p:P) WHERE EXISTS { MATCH (p)-[:K]->(q {name: 'b'}) RETURN q "
        "UNION MATCH (p)<-[:K]-(q {name: 'b'}) RETURN q } RETURN p.name ORDER BY p.name",
    ) == [["a"], ["c"]]
    assert rows(
        people, "MATCH (p:P) WHERE EXISTS { MATCH (p)-->(q) WHERE EXISTS { MATCH (q)-->() } } "
        "RETURN p.name"
    ) == [["a"]]
    assert rows(
        people, "MATCH (p:P) WHERE EXISTS { MATCH (p)-->(q) CALL { WITH q MATCH (q)-->(r) "
        "RETURN r } RETURN r } RETURN p.name"
    ) == [["a"]]


def test_exists_errors(people: Session) -> None:
    with pytest.raises(CypherSyntaxError, match="cannot contain updating clauses"):
        rows(people, "MATCH (p:P) WHERE EXISTS { CREATE (:X) } RETURN p")
    with pytest.raises(CypherSyntaxError, match="cannot contain updating clauses"):
        rows(people, "MATCH (p:P) WHERE EXISTS { MATCH (p)-->(q) SET q.x = 1 } RETURN p")
    with pytest.raises(CypherSyntaxError, match="Unbound variable: zz"):
        rows(people, "MATCH (p:P) WHERE EXISTS { MATCH (p)-->(q) WHERE zz.x = 1 } RETURN p")
    assert value(people, "MATCH (x:X) RETURN count(x) AS v") == 0


def test_procedure_calls_inside_subqueries_are_in_query_calls(s: Session) -> None:
    s.run("CREATE (:Foo)").consume()
    assert rows(
        s, "UNWIND [1, 2] AS x CALL { CALL db.labels() YIELD label RETURN label } RETURN x, label"
    ) == [[1, "Foo"], [2, "Foo"]]
    assert value(
        s, "MATCH (n) WHERE EXISTS { CALL db.labels() YIELD label WHERE label = 'Foo' } "
        "RETURN count(n) AS v"
    ) == 1
    with pytest.raises(CypherSyntaxError):
        rows(s, "UNWIND [1, 2] AS x CALL { CALL db.labels() } RETURN x")
