"""Memgraph's filter lambda on depth-first variable-length expansions: ``-[* (e, n | p)]->``
takes a hop only when the predicate holds for the relationship and the node it reaches, in the
pattern's direction even when the planner expands from the other end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import mgcore
from mgcore.database import Database
from mgcore.errors import CypherSyntaxError, CypherTypeError
from mgcore.session import Session


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = mgcore.connect(
        storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path_factory.mktemp("db"))
    )
    with database.session() as s:
        s.run(
            "CREATE (:N {id: 1})-[:R {w: 1}]->(:N {id: 2})-[:R {w: 5}]->(:N {id: 3})"
            "-[:R {w: 2}]->(:N {id: 4})"
        ).consume()
    yield database
    database.close()


@pytest.fixture
def s(db: Database) -> Iterator[Session]:
    with db.session() as session:
        yield session


def ids(s: Session, query: str) -> list[object]:
    return [r[0] for r in s.run(query)]


def test_node_predicate_stops_the_path(s: Session) -> None:
    query = "MATCH ({id: 1})-[* (e, n | n.id <> 3)]->(b) RETURN b.id ORDER BY b.id"
    assert ids(s, query) == [2]


def test_relationship_predicate(s: Session) -> None:
    query = "MATCH ({id: 1})-[* (e, n | e.w < 5)]->(b) RETURN b.id ORDER BY b.id"
    assert ids(s, query) == [2]
    query = "MATCH ({id: 2})-[*1..3 (e, n | e.w >= 2)]->(b) RETURN b.id ORDER BY b.id"
    assert ids(s, query) == [3, 4]


def test_reached_node_follows_the_pattern_direction(s: Session) -> None:
    """Bound target: the planner may expand backwards; ``n`` is still the node each hop
    reaches when read left to right."""
    query = "MATCH (a)-[* (e, n | n.id > 1)]->(b {id: 4}) RETURN a.id ORDER BY a.id"
    assert ids(s, query) == [1, 2, 3]
    query = "MATCH (a)<-[* (e, n | n.id <> 2)]-(b {id: 1}) RETURN a.id ORDER BY a.id"
    assert ids(s, query) == [2]


def test_predicate_may_use_outer_variables(s: Session) -> None:
    query = (
        "MATCH (a {id: 1}) WITH a, 3 AS cap "
        "MATCH (a)-[* (e, n | n.id <= cap)]->(b) RETURN b.id ORDER BY b.id"
    )
    assert ids(s, query) == [2, 3]


def test_null_rejects_and_non_boolean_is_an_error(s: Session) -> None:
    assert ids(s, "MATCH ({id: 1})-[* (e, n | n.missing)]->(b) RETURN b.id") == []
    with pytest.raises(CypherTypeError):
        s.run("MATCH ({id: 1})-[* (e, n | 1)]->(b) RETURN b.id").consume()


def test_path_variable_in_depth_first_lambda_is_refused(db: Database) -> None:
    with pytest.raises(CypherSyntaxError):
        db.prepare("MATCH ({id: 1})-[* (e, n, p | true)]->(b) RETURN b")
