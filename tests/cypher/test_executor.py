"""The Cypher executor end to end on the in-memory transactional engine: expressions, clauses,
planning rewrites, errors."""

from __future__ import annotations

import math
from typing import Any

import pytest

from mgcore.cypher.functions.registry import Function
from mgcore.database import Database
from mgcore.errors import (
    CypherArithmeticError,
    CypherSyntaxError,
    CypherTypeError,
    MgError,
    ParameterMissing,
)
from mgcore.session import Session
from mgcore.values.graph import Node, Path, Relationship


def rows(s: Session, query: str, **params: Any) -> list[list[Any]]:
    return [list(r) for r in s.run(query, params)]


def value(s: Session, query: str, **params: Any) -> Any:
    result = rows(s, query, **params)
    assert len(result) == 1 and len(result[0]) == 1, result
    return result[0][0]


# ------------------------------------------------------------------------------ expressions


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("1 + 2", 3),
        ("7 / 2", 3),
        ("-7 / 2", -3),
        ("7 % -3", 1),
        ("-7 % 3", -1),
        ("7.0 / 2", 3.5),
        ("2 ^ 3", 8.0),
        ("'a' + 'b'", "ab"),
        ("'a' + 1", "a1"),
        ("[1, 2] + [3]", [1, 2, 3]),
        ("[1] + 2", [1, 2]),
        ("0 + [1]", [0, 1]),
        ("null + 1", None),
        ("1 = 1.0", True),
        ("1 <> 2", True),
        ("null = null", None),
        ("1 < 'a'", None),
        ("true AND null", None),
        ("false AND null", False),
        ("true OR null", True),
        ("null OR false", None),
        ("true XOR true", False),
        ("NOT null", None),
        ("2 IN [1, 2]", True),
        ("3 IN [1, null]", None),
        ("null IN []", False),
        ("[1, 2, 3][1]", 2),
        ("[1, 2, 3][-1]", 3),
        ("[1, 2, 3][5]", None),
        ("[1, 2, 3, 4][1..3]", [2, 3]),
        ("[1, 2, 3][..-1]", [1, 2]),
        ("[1, 2, 3][1..null]", None),
        ("{a: 1}['a']", 1),
        ("{a: {b: 2}}.a.b", 2),
        ("'abc' STARTS WITH 'a'", True),
        ("'abc' ENDS WITH 'bc'", True),
        ("'abc' CONTAINS 'x'", False),
        ("1 STARTS WITH 'a'", None),
        ("'abc' =~ 'a.*'", True),
        ("'abc' =~ 'b'", False),
        ("1 IS NULL", False),
        ("null IS NOT NULL", False),
        ("CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'x' END", "two"),
        ("CASE WHEN 1 > 2 THEN 'a' ELSE 'b' END", "b"),
        ("CASE WHEN false THEN 1 END", None),
        ("[x IN range(1, 5) WHERE x % 2 = 0 | x * 10]", [20, 40]),
        ("[x IN [1, 2] | x + 1]", [2, 3]),
        ("all(x IN [1, 2] WHERE x > 0)", True),
        ("any(x IN [1, 2] WHERE x > 1)", True),
        ("none(x IN [1, 2] WHERE x > 1)", False),
        ("single(x IN [1, 2] WHERE x > 1)", True),
        ("all(x IN [1, null] WHERE x > 0)", None),
        ("reduce(acc = 0, x IN [1, 2, 3] | acc + x)", 6),
        ("size([1, 2])", 2),
        ("toUpper('a')", "A"),
        ("coalesce(null, 2)", 2),
        ("-(3)", -3),
        ("9223372036854775807", 2**63 - 1),
    ],
)
def test_expressions(s: Session, expr: str, expected: Any) -> None:
    assert value(s, f"RETURN {expr} AS v") == expected


def test_literal_list_index_of_a_variable(s: Session) -> None:
    """``r[k]`` with a literal ``k`` on a bound variable (the UNWIND import's fast path) keeps
    Cypher's rules: negative from the end, out of range null, null subject null, a map a type
    error, parameters alike."""
    assert rows(s, "UNWIND [[1, 2, 3]] AS r RETURN r[0], r[-1], r[2], r[3], r[-3], r[-4]") == [
        [1, 3, 3, None, 1, None]
    ]
    assert rows(s, "UNWIND $rows AS r RETURN r[1]", rows=[[1, "a"], [2], None]) == [
        ["a"], [None], [None]
    ]
    assert value(s, "WITH {`0`: 1} AS m RETURN m['0'] AS v") == 1
    with pytest.raises(CypherTypeError):
        rows(s, "WITH {a: 1} AS m RETURN m[0]")
    with pytest.raises(CypherTypeError):
        rows(s, "WITH 'abc' AS t RETURN t[0]")


def test_create_properties_read_the_elements_created_before_them(s: Session) -> None:
    s.run("CREATE (:X {v: 7})").consume()
    got = rows(s, "MATCH (a:X) CREATE (a)-[r:R {w: a.v}]->(b:Y {z: a.v + 1}) "
                  "RETURN r.w, b.z")
    assert got == [[7, 8]]
    assert value(s, "MATCH (:X)-[r:R]->(b:Y) RETURN r.w + b.z AS v") == 15


def test_float_division_by_zero_follows_ieee(s: Session) -> None:
    assert value(s, "RETURN 1.0 / 0 AS v") == math.inf
    assert math.isnan(value(s, "RETURN 0.0 / 0 AS v"))


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("RETURN 1 / 0", CypherArithmeticError),
        ("RETURN 1 % 0", CypherArithmeticError),
        ("RETURN 9223372036854775807 + 1", CypherArithmeticError),
        ("RETURN -9223372036854775807 - 2", CypherArithmeticError),
        ("WITH {a: 1, b: true} AS m RETURN m.a + m.b", CypherTypeError),
        ("WITH {a: 1, b: 2} AS m RETURN m.a IN m.b", CypherTypeError),
        ("WITH {a: 1} AS m RETURN NOT m.a", CypherTypeError),
        ("RETURN [1][1.5]", CypherTypeError),
        ("RETURN {a: 1}[0]", CypherTypeError),
        ("RETURN $missing", ParameterMissing),
        ("RETURN x", CypherSyntaxError),
        ("RETURN nosuchfunction(1)", CypherSyntaxError),
        ("RETURN size(1, 2)", CypherSyntaxError),
    ],
)
def test_expression_errors(s: Session, query: str, error: type[MgError]) -> None:
    with pytest.raises(error):
        rows(s, query)


def test_parameters(s: Session) -> None:
    assert value(s, "RETURN $a + $b AS v", a=1, b=2) == 3
    assert value(s, "RETURN $m.k AS v", m={"k": [1]}) == [1]
    s.run("CREATE (:P $props)", props={"name": "x", "n": 1}).consume()
    assert value(s, "MATCH (p:P {name: $name}) RETURN p.n AS v", name="x") == 1


def test_missing_parameter_is_refused_before_the_query_runs(s: Session) -> None:
    """A parameter the query text names but the caller left out is ParameterMissing when the
    query is prepared, as in Memgraph: even where it would never be evaluated, and before any
    write; the cached plan is checked again on every run."""
    query = "CREATE (:W) WITH 1 AS one RETURN CASE WHEN false THEN $never END AS v"
    for _ in range(2):
        with pytest.raises(ParameterMissing, match=r"\$never"):
            s.run(query).consume()
    assert value(s, "MATCH (w:W) RETURN count(w) AS v") == 0
    assert value(s, query, never=1) is None
    assert value(s, "MATCH (w:W) RETURN count(w) AS v") == 1
    with pytest.raises(ParameterMissing, match=r"\$a"):
        s.run("PROFILE RETURN $a AS v").consume()
    assert rows(s, "EXPLAIN RETURN $a AS v")


def test_deterministic_calls_of_constants_run_once_per_execution(
    db: Database, s: Session
) -> None:
    """``f('x')`` with constant arguments is computed once per execution, not per row (a
    temporal constructor parses its string once), again by the next execution; a call with a
    per-row argument, a non-deterministic one, or one returning a list runs per row."""
    calls: list[Any] = []

    def probe(value: Any) -> Any:
        calls.append(value)
        return [value] if value == "list" else value

    functions = db.processor.functions  # type: ignore[attr-defined]
    functions.register(Function("test.probe", probe, 1, 1), replace=True)
    functions.register(
        Function("test.rprobe", probe, 1, 1, deterministic=False), replace=True
    )
    query = "UNWIND range(1, 50) AS i RETURN test.probe($p) AS a, test.probe(i) AS b"
    for _ in range(2):
        got = rows(s, query, p="x")
        assert got == [["x", i] for i in range(1, 51)]
    assert calls.count("x") == 2 and len(calls) == 102
    calls.clear()
    rows(s, "UNWIND range(1, 10) AS i RETURN test.rprobe('r'), test.probe('list')")
    assert calls.count("r") == 10 and calls.count("list") == 10
    calls.clear()
    rows(s, "UNWIND range(1, 10) AS i RETURN test.probe(toUpper('n'))")
    assert calls == ["N"]
    assert value(s, "UNWIND range(1, 3) AS i WITH datetime('2020-01-01T00:00Z') AS d "
                    "RETURN count(DISTINCT d) AS v") == 1


def test_map_projection(s: Session) -> None:
    s.run("CREATE (:P {name: 'a', age: 3})").consume()
    got = value(s, "MATCH (p:P) RETURN p {.name, x: 1, .missing} AS v")
    assert got == {"name": "a", "x": 1, "missing": None}
    assert value(s, "MATCH (p:P) RETURN p {.*, age: 4} AS v") == {"name": "a", "age": 4}
    assert value(s, "WITH {a: 1} AS m RETURN m {.a} AS v") == {"a": 1}


# ----------------------------------------------------------------------------------- MATCH


@pytest.fixture
def graph(s: Session) -> Session:
    s.run(
        "CREATE (a:A {name: 'a'})-[:T {w: 1}]->(b:B {name: 'b'})-[:T {w: 2}]->(c:C {name: 'c'}),"
        " (a)-[:U]->(c), (c)-[:T {w: 3}]->(a)"
    ).consume()
    return s


def test_match_directed_and_undirected(graph: Session) -> None:
    s = graph
    assert value(s, "MATCH (x)-[:T]->(y) RETURN count(*) AS v") == 3
    assert value(s, "MATCH (x)-[:T]-(y) RETURN count(*) AS v") == 6
    assert rows(s, "MATCH (x:A)<-[r]-(y) RETURN y.name, r.w") == [["c", 3]]
    assert sorted(rows(s, "MATCH (x {name: 'a'})-[:T|U]->(y) RETURN y.name")) == [["b"], ["c"]]


def test_match_relationship_property_map_and_where(graph: Session) -> None:
    s = graph
    assert rows(s, "MATCH ()-[r:T {w: 2}]->(y) RETURN y.name") == [["c"]]
    got = rows(s, "MATCH (x)-[r:T]->(y) WHERE r.w > 1 RETURN x.name ORDER BY x.name")
    assert got == [["b"], ["c"]]


def test_relationship_uniqueness_within_a_match(graph: Session) -> None:
    s = graph
    # a-[T]->b-[T]->c-[T]->a: the cycle uses each relationship once.
    assert value(s, "MATCH (x)-[:T]->()-[:T]->()-[:T]->(x) RETURN count(*) AS v") == 3
    assert value(s, "MATCH (x)-[r1]-(y)-[r2]-(x) RETURN count(*) AS v") == 4
    # Across MATCH clauses relationships may repeat.
    assert value(s, "MATCH (x)-[r]->(y) MATCH (x)-[r2]->(y) RETURN count(*) AS v") == 4


def test_multiple_patterns_cartesian(graph: Session) -> None:
    assert value(graph, "MATCH (x:A), (y) RETURN count(*) AS v") == 3


def test_variable_length(graph: Session) -> None:
    s = graph
    got = rows(s, "MATCH (a:A)-[:T*1..2]->(x) RETURN x.name ORDER BY x.name")
    assert got == [["b"], ["c"]]
    assert value(s, "MATCH (a:A)-[:T*]->(x) RETURN count(*) AS v") == 3
    assert value(s, "MATCH (a:A)-[:T*0..0]->(x) RETURN x.name AS v") == "a"
    got = rows(s, "MATCH (a:A)-[r:T*2]->(x) RETURN [e IN r | e.w] AS ws")
    assert got == [[[1, 2]]]
    got = rows(s, "MATCH (x)<-[r:T*2]-(a:A) RETURN [e IN r | e.w] AS ws")
    assert got == [[[2, 1]]]  # in pattern order, from x
    assert value(s, "MATCH (a:A)-[:T* {w: 1}]->(x) RETURN x.name AS v") == "b"


def test_named_paths(graph: Session) -> None:
    s = graph
    p = value(s, "MATCH p = (:A)-[:T]->(:B) RETURN p AS v")
    assert isinstance(p, Path) and len(p) == 1
    assert [n.properties["name"] for n in p.nodes] == ["a", "b"]
    p = value(s, "MATCH p = (:A)-[:T*2]->() RETURN p AS v")
    assert [n.properties["name"] for n in p.nodes] == ["a", "b", "c"]
    assert value(s, "MATCH p = (:A)-[:T*2]->() RETURN length(p) AS v") == 2
    p = value(s, "MATCH p = (:B)<-[:T]-(:A) RETURN p AS v")
    assert p.start.properties["name"] == "b" and p.end.properties["name"] == "a"


def test_optional_match(graph: Session) -> None:
    s = graph
    got = rows(s, "MATCH (n) OPTIONAL MATCH (n)-[:U]->(m) RETURN n.name, m.name ORDER BY n.name")
    assert got == [["a", "c"], ["b", None], ["c", None]]
    assert rows(s, "OPTIONAL MATCH (n:Nope) RETURN n") == [[None]]
    got = rows(s, "MATCH (n:B) OPTIONAL MATCH (n)-[r]->(m) WHERE m.name = 'zz' RETURN n.name, r")
    assert got == [["b", None]]


def test_result_values(graph: Session) -> None:
    n, r, m = rows(graph, "MATCH (n:A)-[r:T]->(m) RETURN n, r, m")[0]
    assert isinstance(n, Node) and n.labels == ("A",) and n.properties == {"name": "a"}
    assert isinstance(r, Relationship) and r.type == "T" and r.start_id == n.id
    assert r.end_id == m.id and r.properties == {"w": 1}
    assert value(graph, "MATCH (n:A) RETURN [n] AS v")[0] == n
    assert value(graph, "MATCH (n:A) RETURN {k: n} AS v")["k"] == n


def test_label_predicates_and_functions(graph: Session) -> None:
    s = graph
    assert value(s, "MATCH (n) WHERE n:A RETURN n.name AS v") == "a"
    assert value(s, "MATCH (n:A) RETURN labels(n) AS v") == ["A"]
    assert value(s, "MATCH ()-[r:U]->() RETURN type(r) AS v") == "U"
    assert value(s, "MATCH (n:A) RETURN id(n) = id(n) AS v") is True
    assert value(s, "MATCH (n:A) WHERE exists((n)-[:U]->()) RETURN n.name AS v") == "a"
    assert value(s, "MATCH (n:B) WHERE NOT (n)-[:U]->() RETURN n.name AS v") == "b"
    assert value(s, "MATCH (n:A) RETURN [(n)-[:T]->(m) | m.name] AS v") == ["b"]


# ------------------------------------------------------------------------- WITH and RETURN


def test_return_star_distinct_order_skip_limit(s: Session) -> None:
    assert rows(s, "WITH 1 AS b, 2 AS a RETURN *") == [[2, 1]]
    assert s.run("WITH 1 AS b, 2 AS a RETURN *").keys() == ["a", "b"]
    assert rows(s, "UNWIND [3, 1, 2, 1] AS x RETURN DISTINCT x ORDER BY x DESC") == [[3], [2], [1]]
    got = rows(s, "UNWIND range(1, 10) AS x RETURN x ORDER BY x SKIP 2 LIMIT 3")
    assert got == [[3], [4], [5]]
    got = rows(s, "UNWIND [null, 2, 'a', 1] AS x RETURN x ORDER BY x")
    assert got == [["a"], [1], [2], [None]]
    got = rows(s, "UNWIND [null, 2, 1] AS x RETURN x ORDER BY x DESC")
    assert got == [[None], [2], [1]]
    assert rows(s, "UNWIND [1, 2] AS x RETURN x LIMIT $n", n=1) == [[1]]


def test_order_by_variable_not_projected(s: Session) -> None:
    got = rows(s, "UNWIND [{a: 2, b: 'x'}, {a: 1, b: 'y'}] AS m RETURN m.b AS b ORDER BY m.a")
    assert got == [["y"], ["x"]]


def test_order_by_multiple_keys(s: Session) -> None:
    got = rows(
        s, "UNWIND [[1, 'b'], [2, 'a'], [1, 'a']] AS p RETURN p ORDER BY p[0] DESC, p[1]"
    )
    assert got == [[[2, "a"]], [[1, "a"]], [[1, "b"]]]


def test_with_where_and_scope(s: Session) -> None:
    got = rows(s, "UNWIND range(1, 6) AS x WITH x * 2 AS y WHERE y > 8 RETURN y")
    assert got == [[10], [12]]
    with pytest.raises(CypherSyntaxError, match="Unbound variable: x"):
        rows(s, "UNWIND [1] AS x WITH x AS y RETURN x")


def test_aggregation(s: Session) -> None:
    got = rows(
        s,
        "UNWIND [['a', 1], ['b', 2], ['a', 3]] AS p "
        "RETURN p[0] AS k, count(*) AS c, sum(p[1]) AS s, collect(p[1]) AS l ORDER BY k",
    )
    assert got == [["a", 2, 4, [1, 3]], ["b", 1, 2, [2]]]
    assert rows(s, "UNWIND [] AS x RETURN count(*) AS c, collect(x) AS l") == [[0, []]]
    assert rows(s, "UNWIND [] AS x RETURN x, count(*) AS c") == []
    assert value(s, "UNWIND [1, 1, 2, null] AS x RETURN count(DISTINCT x) AS v") == 2
    assert value(s, "UNWIND [1, 2, 3] AS x RETURN count(*) * 10 + max(x) AS v") == 33
    got = rows(s, "UNWIND [1, 2, 3, 4] AS x WITH x % 2 AS k, sum(x) AS t RETURN k, t ORDER BY t")
    assert got == [[1, 4], [0, 6]]
    got = rows(s, "UNWIND [1, 2, 2] AS x RETURN x, count(*) AS c ORDER BY count(*) DESC, x")
    assert got == [[2, 2], [1, 1]]


def test_aggregation_misuse_is_a_syntax_error(s: Session) -> None:
    with pytest.raises(CypherSyntaxError):
        rows(s, "UNWIND [1] AS x WITH x WHERE count(x) > 1 RETURN x")
    with pytest.raises(CypherSyntaxError):
        rows(s, "RETURN count(count(*))")
    with pytest.raises(CypherSyntaxError):
        rows(s, "WITH 1 + 1 RETURN 1")


def test_union(s: Session) -> None:
    assert sorted(rows(s, "RETURN 1 AS x UNION RETURN 1 AS x UNION RETURN 2 AS x")) == [[1], [2]]
    assert rows(s, "RETURN 1 AS x UNION ALL RETURN 1 AS x") == [[1], [1]]
    with pytest.raises(CypherSyntaxError):
        rows(s, "RETURN 1 AS x UNION RETURN 1 AS y")


def test_unwind(s: Session) -> None:
    assert rows(s, "UNWIND [1, [2]] AS x RETURN x") == [[1], [[2]]]
    assert rows(s, "UNWIND null AS x RETURN x") == []
    assert rows(s, "UNWIND [[1, 2], [3]] AS l UNWIND l AS x RETURN x") == [[1], [2], [3]]


# ---------------------------------------------------------------------------------- writes


def test_create_counters_and_values(s: Session) -> None:
    result = s.run("CREATE (a:X:Y {p: 1, q: null})-[r:R {w: 2}]->(b) RETURN a, r, b")
    a, r, b = list(result.single())  # type: ignore[arg-type]
    counters = result.consume().counters
    assert (counters.nodes_created, counters.relationships_created) == (2, 1)
    assert (counters.labels_added, counters.properties_set) == (2, 2)
    assert a.labels == ("X", "Y") and a.properties == {"p": 1}
    assert r.start_id == a.id and r.end_id == b.id
    result = s.run("MATCH (a:X) CREATE (a)<-[:S]-(:Z)")
    assert result.consume().counters.relationships_created == 1
    assert value(s, "MATCH (:Z)-[:S]->(x:X) RETURN count(*) AS v") == 1


def test_create_path_and_errors(s: Session) -> None:
    p = value(s, "CREATE p = (:A)-[:T]->(:B) RETURN p AS v")
    assert isinstance(p, Path) and len(p) == 1
    with pytest.raises(MgError):
        rows(s, "CREATE (a)-[:T]-(b)")
    with pytest.raises(MgError):
        rows(s, "CREATE (a)-[:T|U]->(b)")
    with pytest.raises(CypherSyntaxError):
        rows(s, "MATCH (a) CREATE (a:L)")


def test_clause_isolation(s: Session) -> None:
    s.run("UNWIND range(1, 3) AS i CREATE (:N {i: i})").consume()
    result = s.run("MATCH (n:N) CREATE (:N {i: n.i + 10})")
    assert result.consume().counters.nodes_created == 3
    assert value(s, "MATCH (n:N) RETURN count(*) AS v") == 6
    plan = [r[0] for r in s.run("EXPLAIN MATCH (n:N) CREATE (:N)")]
    assert any("Accumulate" in line for line in plan)
    assert value(s, "CREATE (:Q) WITH 1 AS x MATCH (q:Q) RETURN count(*) AS v") == 1


def test_relationship_only_create_after_node_seeks_streams(s: Session) -> None:
    s.run("CREATE INDEX ON :P(id)").consume()
    s.run("UNWIND range(0, 9) AS i CREATE (:P {id: i})").consume()
    query = ("UNWIND $rows AS r MATCH (a:P {id: r[0]}), (b:P {id: r[1]}) "
             "CREATE (a)-[:R {w: r[2]}]->(b)")
    plan = [r[0] for r in s.run("EXPLAIN " + query, {"rows": []})]
    assert not any("Accumulate" in line for line in plan)
    rows_ = [[i, (i + 1) % 10, i] for i in range(10)] + [[0, 1, 99]]
    assert s.run(query, {"rows": rows_}).consume().counters.relationships_created == 11
    assert value(s, "MATCH (:P {id: 0})-[r:R]->(:P {id: 1}) RETURN count(r) AS v") == 2
    # reads that see relationships, or a CREATE that makes nodes, keep the barrier
    for q in ("MATCH (a:P), (b:P) WHERE degree(a) = 0 CREATE (a)-[:R]->(b)",
              "MATCH (a:P)-[:R]->(b) CREATE (a)-[:R]->(b)",
              "MATCH (a:P) WHERE exists((a)-->()) CREATE (a)-[:R]->(a)",
              "MATCH (a:P) CREATE (a)-[:R]->(:P)"):
        plan = [r[0] for r in s.run("EXPLAIN " + q)]
        assert any("Accumulate" in line for line in plan), q
    before = value(s, "MATCH ()-[r:R]->() RETURN count(r) AS v")
    s.run("MATCH (a:P) WHERE degree(a) = 2 CREATE (a)-[:R]->(a)").consume()
    assert value(s, "MATCH ()-[r:R]->() RETURN count(r) AS v") == before + value(
        s, "MATCH (a:P) WHERE degree(a) >= 4 RETURN count(a) AS v")


def test_set_and_remove(s: Session) -> None:
    s.run("CREATE (:P {a: 1, b: 2})").consume()
    result = s.run("MATCH (p:P) SET p.a = 10, p.c = [1, {k: 'v'}], p:Q RETURN p")
    node = result.single()[0]  # type: ignore[index]
    assert node.properties == {"a": 10, "b": 2, "c": [1, {"k": "v"}]}
    assert node.labels == ("P", "Q")
    s.run("MATCH (p:P) SET p.a = null").consume()
    assert value(s, "MATCH (p:P) RETURN keys(p) AS v") == ["b", "c"]
    s.run("MATCH (p:P) SET p += {z: 1, b: null}").consume()
    assert value(s, "MATCH (p:P) RETURN p {.*} AS v") == {"c": [1, {"k": "v"}], "z": 1}
    s.run("MATCH (p:P) SET p = {only: true}").consume()
    assert value(s, "MATCH (p:P) RETURN properties(p) AS v") == {"only": True}
    result = s.run("MATCH (p:P) REMOVE p.only, p:Q")
    counters = result.consume().counters
    assert counters.labels_removed == 1 and counters.properties_set == 1
    assert value(s, "MATCH (p:P) RETURN labels(p) AS v") == ["P"]
    with pytest.raises(CypherTypeError):
        rows(s, "MATCH (p:P) SET p.x = p")
    s.run("MATCH (a:P) CREATE (a)-[:R]->(:O)").consume()
    s.run("MATCH ()-[r:R]->() SET r.w = 5").consume()
    assert value(s, "MATCH ()-[r:R]->() RETURN r.w AS v") == 5


def test_delete(s: Session) -> None:
    s.run("CREATE (a:D)-[:R]->(b:D), (c:D)").consume()
    with pytest.raises(MgError):
        rows(s, "MATCH (n:D) DELETE n")
    result = s.run("MATCH (n:D)-[r]->() DELETE r")
    assert result.consume().counters.relationships_deleted == 1
    result = s.run("MATCH (n:D) DELETE n")
    assert result.consume().counters.nodes_deleted == 3
    s.run("CREATE (a:E)-[:R]->(b:E)-[:R]->(a)").consume()
    result = s.run("MATCH (n:E) DETACH DELETE n")
    counters = result.consume().counters
    assert (counters.nodes_deleted, counters.relationships_deleted) == (2, 2)
    s.run("CREATE p = (:F)-[:R]->(:F)").consume()
    result = s.run("MATCH p = (:F)-->() DELETE p")
    assert result.consume().counters.nodes_deleted == 2
    s.run("CREATE (a:G)-[:R]->(b:G)").consume()
    assert s.run("MATCH (a)-[r]->(b:G) DELETE a, r, b").consume().counters.nodes_deleted == 2


def test_merge(s: Session) -> None:
    result = s.run("MERGE (n:M {k: 1}) ON CREATE SET n.created = true RETURN n.created")
    assert result.single()[0] is True  # type: ignore[index]
    result = s.run("MERGE (n:M {k: 1}) ON MATCH SET n.matched = true RETURN n.matched")
    assert result.single()[0] is True  # type: ignore[index]
    assert value(s, "MATCH (n:M) RETURN count(*) AS v") == 1
    result = s.run("UNWIND [1, 1, 2] AS k MERGE (n:M {k: k}) RETURN count(*)")
    assert result.single()[0] == 3  # type: ignore[index]
    assert value(s, "MATCH (n:M) RETURN count(*) AS v") == 2
    s.run("MATCH (a:M {k: 1}), (b:M {k: 2}) MERGE (a)-[:L]->(b)").consume()
    s.run("MATCH (a:M {k: 1}), (b:M {k: 2}) MERGE (a)-[:L]->(b)").consume()
    assert value(s, "MATCH ()-[r:L]->() RETURN count(r) AS v") == 1
    result = s.run("MERGE (a:M {k: 3})-[:L]->(b:M {k: 4}) RETURN a.k, b.k")
    assert list(result.single()) == [3, 4]  # type: ignore[arg-type]


# ------------------------------------------------------------------------ planning and admin


def test_no_index_no_index_scan_in_explain(s: Session) -> None:
    """Without indexes a labelled node is found as in Memgraph: ScanAll and a Filter (index
    selection itself: tests/cypher/test_index_planning.py)."""
    plan = [r[0] for r in s.run("EXPLAIN MATCH (n:A {x: 1})-[r]->(m:B) WHERE m.y = 2 RETURN n")]
    assert plan[0] == " * Produce {n}"
    assert plan[-3:] == [" * Filter", " * ScanAll (n)", " * Once"]
    assert not any("ScanAllBy" in line for line in plan)


def test_profile(s: Session) -> None:
    result = s.run("PROFILE UNWIND range(1, 5) AS x RETURN x")
    assert result.keys() == ["OPERATOR", "ACTUAL HITS", "RELATIVE TIME", "ABSOLUTE TIME"]
    data = [list(r) for r in result]
    assert data[0][0] == " * Produce {x}" and data[0][1] == 5
    assert data[-1][0] == " * Once" and data[-1][1] == 1


def test_procedures(graph: Session) -> None:
    s = graph
    assert sorted(rows(s, "CALL db.labels()")) == [["A"], ["B"], ["C"]]
    assert s.run("CALL db.labels()").keys() == ["label"]
    got = rows(s, "CALL db.relationshipTypes() YIELD relationshipType AS t RETURN t ORDER BY t")
    assert got == [["T"], ["U"]]
    assert ["name"] in rows(s, "CALL db.propertyKeys()")
    names = [r[0] for r in rows(s, "CALL mg.procedures() YIELD name RETURN name")]
    assert "db.labels" in names
    result = s.run("CALL mg.functions() YIELD *")
    assert result.keys() == ["name", "signature", "path", "is_editable"]
    assert any(r[0] == "toUpper" for r in result)


def test_query_plan_is_cached(db: Database, s: Session) -> None:
    first = db.prepare("MATCH (n) RETURN count(n)")
    assert db.prepare("MATCH (n) RETURN count(n)") is first


# --------------------------------------------------------------------------- TCK scenarios


def test_tck_match4_variable_length_with_zero_lower_bound(s: Session) -> None:
    """Match4 [2]: handling fixed-length variable length pattern."""
    s.run("CREATE (a {name: 'A'})-[:T]->(b {name: 'B'})").consume()
    assert value(s, "MATCH (a {name: 'A'})-[*0..1]->(b) RETURN count(b) AS v") == 2


def test_tck_return_orderby_nulls(s: Session) -> None:
    """ReturnOrderBy: nulls sort last ascending."""
    got = rows(s, "UNWIND [true, false, null] AS b RETURN b ORDER BY b")
    assert got == [[False], [True], [None]]


def test_tck_with_aggregation_after_match(s: Session) -> None:
    """WithOrderBy/Aggregation: grouping by a node."""
    s.run("CREATE (a:A)-[:R]->(:B), (a)-[:R]->(:B), (:A)").consume()
    got = rows(s, "MATCH (a:A) OPTIONAL MATCH (a)-[:R]->(b) WITH a, count(b) AS c RETURN c "
                  "ORDER BY c")
    assert got == [[0], [2]]


def test_tck_create_self_loop_and_undirected_match(s: Session) -> None:
    """Match: an undirected pattern matches a self-loop once."""
    s.run("CREATE (a:L)-[:T]->(a)").consume()
    assert value(s, "MATCH (a:L)-[r]-(b) RETURN count(r) AS v") == 1
    assert value(s, "MATCH (a:L)-[r]->(a) RETURN count(r) AS v") == 1


def test_tck_delete_in_explicit_tx_then_read(db: Database) -> None:
    """Delete then count in the same transaction sees the deletion."""
    with db.session() as session, session.begin_transaction() as tx:
        tx.run("CREATE (:Tmp), (:Tmp)").consume()
        tx.run("MATCH (n:Tmp) DELETE n").consume()
        assert list(tx.run("MATCH (n:Tmp) RETURN count(n)").single()) == [0]  # type: ignore[arg-type]
        tx.rollback()


@pytest.mark.parametrize(
    "query",
    [
        "WITH $p AS a CREATE (a)-[:T]->() RETURN a",
        "CREATE (n) WITH n, $p AS b CREATE (n)-[:T]->(b)",
        "WITH date('2020-01-01') AS x CREATE (x)-[:T]->(:N)",
    ],
)
def test_relationship_ends_must_be_nodes(s: Session, query: str) -> None:
    """A bound value that is not a node at either end of a created relationship is a type
    error (found by fuzzing: it was an internal AttributeError), and nothing is written."""
    with pytest.raises(CypherTypeError, match="between nodes"):
        s.run(query, p="x").consume()
    assert value(s, "MATCH (n) RETURN count(n) AS v") == 0
