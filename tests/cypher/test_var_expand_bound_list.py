"""A variable-length pattern over an already bound list of relationships (TCK Match4 [8],
Match9 [6]/[7]): ``WITH [r1, r2] AS rs MATCH (a)-[rs*]->(b)`` matches when the list, in pattern
order, is a path from ``a`` to ``b`` that the pattern's direction, types, properties, filter and
length bounds allow, whichever end the planner starts from."""

from __future__ import annotations

import pytest

from mgcore.errors import CypherSyntaxError, CypherTypeError
from mgcore.session import Session

CHAIN = "MATCH (:N {id: 1})-[r1]->(:N {id: 2})-[r2]->(:N {id: 3}) WITH [r1, r2] AS rs "


@pytest.fixture
def s(s: Session) -> Session:
    """The conftest's session on an emptied graph, with two parallel R hops and an S hop."""
    s.run(
        "CREATE (a:N {id: 1})-[:R {w: 1}]->(b:N {id: 2})-[:S {w: 2}]->(c:N {id: 3}),"
        " (a)-[:R {w: 9}]->(b)"
    ).consume()
    return s


def rows(s: Session, query: str, **parameters: object) -> list[list[object]]:
    return [list(r) for r in s.run(query, parameters)]


def test_the_list_is_followed_from_the_start_node(s: Session) -> None:
    got = rows(s, CHAIN + "MATCH (a)-[rs*]->(b) RETURN a.id, b.id, size(rs)")
    assert got == [[1, 3, 2], [1, 3, 2]]


def test_bound_ends_in_either_order(s: Session) -> None:
    forward = CHAIN + "MATCH (a:N {id: 1}), (b:N {id: 3}) MATCH (a)-[rs*]->(b) RETURN b.id"
    assert rows(s, forward) == [[3], [3]]
    wrong = CHAIN + "MATCH (a:N {id: 3}), (b:N {id: 1}) MATCH (a)-[rs*]->(b) RETURN b.id"
    assert rows(s, wrong) == []
    backwards = CHAIN + "MATCH (a:N {id: 3}), (b:N {id: 1}) MATCH (b)-[rs*]->(a) RETURN a.id"
    assert rows(s, backwards) == [[3], [3]]


def test_expanding_from_the_pattern_end_reverses_the_list(s: Session) -> None:
    """Only the right end is bound, so the planner expands from it, walking the list back."""
    query = CHAIN + "MATCH (c:N {id: 3}) MATCH (a)-[rs*]->(c) RETURN a.id"
    assert rows(s, query) == [[1], [1]]
    query = CHAIN + "MATCH (c:N {id: 3}) MATCH (c)<-[rs*]-(a) RETURN a.id"
    assert rows(s, query) == []
    query = (
        "MATCH (:N {id: 1})-[r1]->(:N {id: 2})-[r2]->(:N {id: 3}) WITH [r2, r1] AS rs "
        "MATCH (c:N {id: 3}) MATCH (c)<-[rs*]-(a) RETURN a.id"
    )
    assert rows(s, query) == [[1], [1]]


def test_direction_types_properties_and_bounds_apply(s: Session) -> None:
    assert rows(s, CHAIN + "MATCH (a)<-[rs*]-(b) RETURN a.id") == []
    assert rows(s, CHAIN + "MATCH (a)-[rs*]-(b) RETURN a.id, b.id") == [[1, 3], [1, 3]]
    assert rows(s, CHAIN + "MATCH (a)-[rs:R*]->(b) RETURN a.id") == []
    assert rows(s, CHAIN + "MATCH (a)-[rs:R|S*]->(b) RETURN a.id") == [[1], [1]]
    assert rows(s, CHAIN + "MATCH (a)-[rs*..1]->(b) RETURN a.id") == []
    assert rows(s, CHAIN + "MATCH (a)-[rs*2..2]->(b) RETURN a.id") == [[1], [1]]
    assert rows(s, CHAIN + "MATCH (a)-[rs* {w: 1}]->(b) RETURN a.id") == []
    got = rows(s, CHAIN + "MATCH (a)-[rs* (e, n | e.w < 5)]->(b) RETURN a.id")
    assert got == [[1]]


def test_lists_that_are_not_paths_match_nothing(s: Session) -> None:
    repeated = (
        "MATCH (:N {id: 1})-[r1 {w: 1}]->(:N {id: 2})-[r2]->() WITH [r1, r1, r2] AS rs "
        "MATCH (a)-[rs*]->(b) RETURN a"
    )
    assert rows(s, repeated) == []
    gap = "MATCH ()-[r2:S]->() WITH [r2, r2] AS rs MATCH (a)-[rs*]->(b) RETURN a"
    assert rows(s, gap) == []
    assert rows(s, "WITH $rs AS rs MATCH (a)-[rs*]->(b) RETURN a", rs=[1, "x"]) == []
    assert rows(s, "WITH null AS rs MATCH (a)-[rs*]->(b) RETURN a") == []
    empty = "WITH [] AS rs MATCH (a:N {id: 2})-[rs*0..]->(b) RETURN b.id"
    assert rows(s, empty) == [[2]]
    assert rows(s, "WITH [] AS rs MATCH (a:N {id: 2})-[rs*]->(b) RETURN b.id") == []


def test_a_value_that_is_not_a_list_is_a_type_error(s: Session) -> None:
    """Known before the query runs, a syntax error; known only at run time, a type error."""
    with pytest.raises(CypherSyntaxError, match="list of relationships"):
        rows(s, "WITH 1 AS rs MATCH (a:N {id: 1})-[rs*]->(b) RETURN b")
    with pytest.raises(CypherTypeError, match="list of relationships"):
        rows(s, "WITH $rs AS rs MATCH (a:N {id: 1})-[rs*]->(b) RETURN b", rs=1)


def test_create_and_shortest_paths_still_refuse_a_bound_list(s: Session) -> None:
    with pytest.raises(CypherSyntaxError):
        rows(s, CHAIN + "MATCH (a)-[rs *BFS]->(b) RETURN b")
    with pytest.raises(CypherSyntaxError):
        rows(s, CHAIN + "CREATE (a)-[rs:R]->(b)")
