"""WITH/RETURN scoping: what WHERE and ORDER BY see after a projection, grouping keys inside
aggregating expressions, and writes that complete before SKIP/LIMIT."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mgcore.database import Database
from mgcore.errors import CypherSyntaxError
from mgcore.session import Session


@pytest.fixture
def s(db: Database) -> Iterator[Session]:
    with db.session() as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
        session.run(
            "CREATE (a:P {name: 'a', age: 30}), (b:P {name: 'b', age: 40}), "
            "(c:P {name: 'c', age: 30}), (a)-[:K]->(b), (b)-[:K]->(c), (a)-[:K]->(c)"
        ).consume()
        yield session


def rows(s: Session, query: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in s.run(query)]


def test_with_where_sees_incoming_variables(s: Session) -> None:
    query = (
        "MATCH (a:P {name: 'a'})-[:K]->(b) OPTIONAL MATCH (b)-[r:K]->(c {name: 'c'}) "
        "WITH b WHERE r IS NULL RETURN b.name"
    )
    assert rows(s, query) == [("c",)]


def test_with_where_alias_shadows_incoming(s: Session) -> None:
    assert rows(s, "MATCH (a:P) WITH a.age AS a WHERE a > 35 RETURN a") == [(40,)]


def test_distinct_where_may_use_projected_property(s: Session) -> None:
    query = "MATCH (a:P) WITH DISTINCT a.age AS age WHERE a.age = 30 RETURN age"
    assert rows(s, query) == [(30,)]
    with pytest.raises(CypherSyntaxError):
        s.run("MATCH (a:P) WITH DISTINCT a.age AS age WHERE a.name = 'a' RETURN age")


def test_grouping_key_inside_aggregating_expression(s: Session) -> None:
    query = "MATCH (p:P) RETURN p.age, p.age + count(*) AS x ORDER BY p.age"
    assert rows(s, query) == [(30, 32), (40, 41)]


def test_order_by_mixes_projected_key_and_aggregate(s: Session) -> None:
    query = (
        "MATCH (p:P) RETURN p.age AS age, count(*) AS n "
        "ORDER BY p.age + count(*) DESC"
    )
    assert rows(s, query) == [(40, 1), (30, 2)]
    query = "MATCH (p:P) RETURN avg(p.age) AS avg ORDER BY $k + avg(p.age)"
    assert [tuple(r) for r in s.run(query, {"k": 1})] == [(pytest.approx(100 / 3),)]


def test_order_by_after_aggregation_cannot_see_other_variables(s: Session) -> None:
    with pytest.raises(CypherSyntaxError):
        s.run("MATCH (p:P) RETURN p.age AS age, count(*) AS n ORDER BY p.name")


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (p:P)--(q:P) RETURN p.age + count(q.age)",
        "MATCH (p:P)--(q:P) RETURN p.age + q.age, p.age + q.age + count(*)",
        "MATCH (p:P)--(q:P) RETURN p.age + q.age, count(*) AS c ORDER BY p.age + q.age + count(*)",
        "MATCH (p:P)--(q:P) WITH p.age + count(q.age) AS agg RETURN *",
    ],
)
def test_ambiguous_aggregation_is_a_compile_error(db: Database, query: str) -> None:
    with pytest.raises(CypherSyntaxError, match="AmbiguousAggregationExpression"):
        db.prepare(query)


def test_with_star_without_variables(s: Session) -> None:
    summary = s.run("MATCH (:P {name: 'a'}) CREATE () WITH * CREATE ()").consume()
    assert summary.counters.nodes_created == 2
    with pytest.raises(CypherSyntaxError):
        s.run("RETURN *")


@pytest.mark.parametrize(("tail", "returned"), [("LIMIT 0", 0), ("SKIP 2 LIMIT 2", 2)])
def test_writes_complete_before_skip_and_limit(s: Session, tail: str, returned: int) -> None:
    result = s.run(f"UNWIND range(1, 5) AS x CREATE (n:New {{x: x}}) RETURN n.x {tail}")
    assert len(list(result)) == returned
    assert result.consume().counters.nodes_created == 5
    assert rows(s, "MATCH (n:New) RETURN count(n)") == [(5,)]
    result = s.run(f"MATCH (n:New) DELETE n RETURN 1 {tail}")
    assert len(list(result)) == returned
    assert rows(s, "MATCH (n:New) RETURN count(n)") == [(0,)]
