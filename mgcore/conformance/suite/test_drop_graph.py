"""``DROP GRAPH`` through Cypher. An engine declaring ``drop_graph`` deletes every node,
relationship, index and constraint at once and stays usable; one that does not refuses it with a
ClientError (its own message, or the kernel's when it lacks the optional method) and deletes
nothing. Either way it is refused inside an explicit transaction."""

from __future__ import annotations

from typing import Any

import pytest

from mgcore.errors import ClientError, TransactionError
from mgcore.storage.capabilities import Capabilities
from mgcore.storage.errors import UnsupportedOperation
from mgcore.storage.protocol import GraphDrop


def _count(session: Any, query: str) -> int:
    return session.run(query).single()[0]


def _fill(session: Any, capabilities: Capabilities) -> None:
    if capabilities.label_index:
        session.run("CREATE INDEX ON :L").consume()
    if capabilities.label_property_index:
        session.run("CREATE INDEX ON :L(p)").consume()
    if capabilities.existence_constraint:
        session.run("CREATE CONSTRAINT ON (n:C) ASSERT EXISTS (n.k)").consume()
    session.run(
        "UNWIND range(1, 10) AS i CREATE (:L {p: i})-[:R {w: i}]->(:M {q: i})"
    ).consume()
    session.run("CREATE (c:C {k: 1})-[:SELF]->(c)").consume()


def _schema(session: Any) -> tuple[list[Any], list[Any]]:
    indexes = [list(row) for row in session.run("SHOW INDEX INFO")]
    constraints = [list(row) for row in session.run("SHOW CONSTRAINT INFO")]
    return indexes, constraints


@pytest.mark.requires("drop_graph", "label_index", "label_property_index")
def test_drop_graph_deletes_data_indexes_and_constraints(
    session: Any, capabilities: Capabilities
) -> None:
    _fill(session, capabilities)
    seek = "MATCH (n:L) WHERE n.p = 3 RETURN n.p"
    plan = [row[0] for row in session.run("EXPLAIN " + seek)]
    assert " * ScanAllByLabelPropertyValue (n :L {p})" in plan
    assert [row[0] for row in session.run(seek)] == [3]  # the plan is cached now
    result = session.run("DROP GRAPH")
    assert list(result.keys()) == []
    assert list(result) == []
    assert _count(session, "MATCH (n) RETURN count(n)") == 0
    assert _count(session, "MATCH ()-[r]->() RETURN count(r)") == 0
    assert _schema(session) == ([], [])
    # no cached plan seeks through the dropped index
    assert [row[0] for row in session.run(seek)] == []
    assert not any("ScanAllBy" in row[0] for row in session.run("EXPLAIN " + seek))
    # usable after: writes, reads and a new index
    session.run("CREATE (:L {p: 3})-[:R]->(:M {q: 3})").consume()
    assert [row[0] for row in session.run(seek)] == [3]
    assert _count(session, "MATCH (:L)-[r:R]->(:M) RETURN count(r)") == 1
    session.run("CREATE INDEX ON :L(p)").consume()
    assert _schema(session)[0] == [["label+property", "L", "p", 1]]
    assert [row[0] for row in session.run(seek)] == [3]


def test_drop_graph_is_refused_in_an_explicit_transaction(
    session: Any, capabilities: Capabilities
) -> None:
    _fill(session, capabilities)
    before = _schema(session)
    session.run("BEGIN").consume()
    with pytest.raises(
        TransactionError,
        match=r"^Dropping the graph is not allowed in multicommand transactions\.$",
    ):
        session.run("DROP GRAPH")
    session.run("ROLLBACK").consume()
    assert _count(session, "MATCH (n) RETURN count(n)") == 21
    assert _count(session, "MATCH ()-[r]->() RETURN count(r)") == 11
    assert _schema(session) == before


@pytest.mark.requires("!drop_graph")
def test_drop_graph_is_refused_by_an_engine_without_it(
    session: Any, capabilities: Capabilities
) -> None:
    _fill(session, capabilities)
    before = _schema(session)
    with pytest.raises(ClientError) as refused:
        session.run("DROP GRAPH").consume()
    assert str(refused.value)
    assert _count(session, "MATCH (n) RETURN count(n)") == 21
    assert _count(session, "MATCH ()-[r]->() RETURN count(r)") == 11
    assert _schema(session) == before


@pytest.mark.requires("drop_graph")
def test_engine_declaring_drop_graph_implements_it(engine: Any) -> None:
    assert isinstance(engine, GraphDrop)


@pytest.mark.requires("!drop_graph")
def test_engine_without_drop_graph_lacks_or_refuses_it(engine: Any) -> None:
    """The method is optional; where it exists it raises UnsupportedOperation, deleting
    nothing."""
    tx = engine.begin()
    tx.create_node(["Kept"])
    tx.commit()
    if isinstance(engine, GraphDrop):
        with pytest.raises(UnsupportedOperation):
            engine.drop_graph()
    tx = engine.begin()
    assert len(list(tx.nodes_by_label("Kept"))) == 1
    tx.rollback()
