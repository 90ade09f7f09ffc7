"""The legacy neo4j Python driver, 4.4.x, against mgcore's Bolt server.

The 4.4 driver speaks Bolt 4.4 (asking for the ``utc`` patch in HELLO), sends its credentials in
HELLO, names its managed transactions ``read_transaction``/``write_transaction`` and nodes have
integer ids only. It runs against the in-process server (a pure-Python driver, unlike
pymgclient), so tests can also look at the database directly. The module is skipped unless the
installed driver is 4.x; tox's ``bolt-neo4j4`` environment installs one.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

neo4j = pytest.importorskip("neo4j")
if not neo4j.__version__.startswith("4."):
    pytest.skip(f"neo4j {neo4j.__version__} is not the legacy 4.x driver", allow_module_level=True)

from neo4j.exceptions import (  # noqa: E402
    ClientError,
    CypherSyntaxError,
    CypherTypeError,
    ServiceUnavailable,
    TransientError,
)
from neo4j.graph import Node, Path, Relationship  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::neo4j.ExperimentalWarning")

MEMGRAPH_TRANSIENT = "Memgraph.TransientError.MemgraphError.MemgraphError"


@pytest.fixture
def driver(server) -> Iterator[Any]:
    with neo4j.GraphDatabase.driver(server.uri, auth=None) as drv:
        yield drv


def _single(session: Any, query: str, **params: Any) -> Any:
    records = list(session.run(query, params))
    assert len(records) == 1 and len(records[0]) == 1, records
    return records[0][0]


def _count(server: Any, label: str) -> int:
    """Count nodes through the embedded database, beside the driver."""
    session = server.database.session()
    try:
        result = session.run(f"MATCH (n:{label}) RETURN count(n)")
        rows, _ = result.pull_rows(1)
        return rows[0][0]
    finally:
        session.close()


# ---------------------------------------------------------------------------- connectivity


def test_verify_connectivity_speaks_bolt_4_4(driver: Any, server: Any) -> None:
    driver.verify_connectivity()
    with driver.session() as session:
        summary = session.run("RETURN 1").consume()
    assert summary.server.protocol_version == (4, 4)
    assert summary.server.address == server.background.address
    assert summary.server.agent.startswith("Neo4j/")
    assert summary.database == "memgraph"


def test_routing_uri(server: Any) -> None:
    """neo4j:// makes the 4.4 driver ask for a routing table with ROUTE first."""
    host, port = server.background.address
    with neo4j.GraphDatabase.driver(f"neo4j://{host}:{port}", auth=None) as drv:
        with drv.session() as session:
            assert _single(session, "RETURN 'routed'") == "routed"
        with drv.session(default_access_mode=neo4j.READ_ACCESS) as session:
            assert session.read_transaction(lambda tx: tx.run("RETURN 2").single()[0]) == 2


# -------------------------------------------------------------------------------- values


VALUES = [
    None,
    True,
    False,
    0,
    -16,
    -17,
    127,
    128,
    -129,
    32768,
    -32769,
    2**31,
    -(2**31) - 1,
    2**63 - 1,
    -(2**63),
    0.0,
    -0.0,
    1.5,
    math.inf,
    -math.inf,
    "",
    "žćč 日本 🎉",
    "x" * 70_000,
    [],
    [1, "two", 3.0, None, [4, [5]], {"six": 6}],
    {},
    {"a": {"b": [1, {"c": None}]}, "s": "t"},
]


@pytest.mark.parametrize("value", VALUES, ids=[repr(v)[:40] for v in VALUES])
def test_parameter_round_trip(driver: Any, value: Any) -> None:
    with driver.session() as session:
        record = session.run("RETURN $p AS p, valueType($p) AS t", p=value).single()
    assert record["p"] == value
    assert type(record["p"]) is type(value)
    if isinstance(value, float):
        assert math.copysign(1.0, record["p"]) == math.copysign(1.0, value)
    assert (
        record["t"]
        == {
            type(None): "NULL",
            bool: "BOOLEAN",
            int: "INTEGER",
            float: "FLOAT",
            str: "STRING",
            list: "LIST",
            dict: "MAP",
        }[type(value)]
    )


def test_nan_round_trip(driver: Any) -> None:
    with driver.session() as session:
        assert math.isnan(_single(session, "RETURN $p", p=math.nan))


def test_nodes_relationships_and_paths(driver: Any) -> None:
    with driver.session() as session:
        record = session.run(
            "CREATE p = (a:Person:Admin {name: 'Ann'})-[r:KNOWS {since: 2001}]->(b:Person)"
            "<-[s:LIKES]-(c:Robot) RETURN a, r, b, p, id(a) AS a_id, id(r) AS r_id"
        ).single()
    a, r, b, path = record["a"], record["r"], record["b"], record["p"]
    assert isinstance(a, Node) and isinstance(r, Relationship) and isinstance(path, Path)
    assert a.id == record["a_id"]
    assert a.labels == {"Person", "Admin"}
    assert dict(a) == {"name": "Ann"}
    assert r.id == record["r_id"]
    assert r.type == "KNOWS"
    assert dict(r) == {"since": 2001}
    assert (r.start_node.id, r.end_node.id) == (a.id, b.id)
    assert [n.id for n in path.nodes] == [a.id, b.id, path.end_node.id]
    assert path.start_node.id == a.id
    assert [rel.type for rel in path.relationships] == ["KNOWS", "LIKES"]
    likes = path.relationships[1]
    assert (likes.start_node.id, likes.end_node.id) == (path.end_node.id, b.id)
    assert path.end_node.labels == {"Robot"}


# ---------------------------------------------------------------------------- transactions


def test_explicit_transaction_commit(driver: Any, server: Any) -> None:
    with driver.session() as session:
        tx = session.begin_transaction()
        tx.run("CREATE (:Explicit {i: 1})").consume()
        assert tx.run("MATCH (n:Explicit) RETURN count(n)").single()[0] == 1
        with driver.session() as other:
            assert _single(other, "MATCH (n:Explicit) RETURN count(n)") == 0
        assert _count(server, "Explicit") == 0
        tx.commit()
        assert _count(server, "Explicit") == 1
        assert session.last_bookmark()


def test_explicit_transaction_rollback(driver: Any, server: Any) -> None:
    with driver.session() as session:
        session.run("CREATE (:Kept {v: 0})").consume()
        tx = session.begin_transaction()
        tx.run("CREATE (:Discarded)").consume()
        tx.run("MATCH (n:Kept) SET n.v = 1").consume()
        tx.rollback()
        assert _count(server, "Discarded") == 0
        assert _single(session, "MATCH (n:Kept) RETURN n.v") == 0


def test_transaction_context_manager_commits_or_rolls_back(driver: Any, server: Any) -> None:
    """In 4.4 a transaction's ``with`` block commits when it ends normally and rolls back when
    it ends with an exception."""
    with driver.session() as session:
        with session.begin_transaction() as tx:
            tx.run("CREATE (:Committed)").consume()
        assert _count(server, "Committed") == 1
        with pytest.raises(RuntimeError), session.begin_transaction() as tx:
            tx.run("CREATE (:Abandoned)").consume()
            raise RuntimeError("abandon")
        assert _count(server, "Abandoned") == 0
        assert _single(session, "RETURN 'ok'") == "ok"


def test_several_results_open_in_one_transaction(driver: Any) -> None:
    with driver.session(fetch_size=2) as session:
        tx = session.begin_transaction()
        first = tx.run("UNWIND range(1, 5) AS i RETURN i")
        second = tx.run("UNWIND range(10, 14) AS i RETURN i")
        assert [r[0] for r in second] == [10, 11, 12, 13, 14]
        assert [r[0] for r in first] == [1, 2, 3, 4, 5]
        tx.commit()


def test_write_transaction_retries_a_conflict(driver: Any, server: Any) -> None:
    with driver.session() as session:
        session.run("CREATE (:X {v: 0})").consume()
    holder_session = driver.session()
    holder = holder_session.begin_transaction()
    holder.run("MATCH (n:X) SET n.v = 1").consume()
    attempts: list[str] = []

    def work(tx: Any) -> int:
        try:
            value = tx.run("MATCH (n:X) SET n.v = n.v + 10 RETURN n.v").single()[0]
        except TransientError as exc:
            attempts.append(exc.code)
            # the conflicting transaction ends before the driver's retry begins a new one
            holder.commit()
            raise
        attempts.append("ok")
        return value

    try:
        with driver.session(initial_retry_delay=0.01) as session:
            assert session.write_transaction(work) == 11
    finally:
        holder_session.close()
    assert attempts == [MEMGRAPH_TRANSIENT, "ok"]
    with driver.session() as session:
        assert _single(session, "MATCH (n:X) RETURN n.v") == 11


def test_auto_commit_conflict_is_raised_not_retried(driver: Any) -> None:
    with driver.session() as session:
        session.run("CREATE (:X {v: 0})").consume()
    with driver.session() as holder_session:
        holder = holder_session.begin_transaction()
        holder.run("MATCH (n:X) SET n.v = 1").consume()
        with driver.session() as session:
            with pytest.raises(TransientError, match="conflicting transactions") as info:
                session.run("MATCH (n:X) SET n.v = 2").consume()
            assert info.value.code == MEMGRAPH_TRANSIENT
            holder.rollback()
            session.run("MATCH (n:X) SET n.v = 2").consume()
            assert _single(session, "MATCH (n:X) RETURN n.v") == 2


# ------------------------------------------------------------------------ summaries, results


def test_summary_counters(driver: Any) -> None:
    with driver.session() as session:
        summary = session.run(
            "CREATE (a:A:B {x: 1, y: 2})-[:R {w: 1}]->(b:A) RETURN a, b"
        ).consume()
        counters = summary.counters
        assert counters.nodes_created == 2
        assert counters.relationships_created == 1
        assert counters.labels_added == 3
        assert counters.properties_set == 3
        assert counters.contains_updates is True
        assert summary.query_type == "rw"
        deleted = session.run("MATCH (n:A) DETACH DELETE n").consume().counters
        assert (deleted.nodes_deleted, deleted.relationships_deleted) == (2, 1)
        read = session.run("MATCH (n) RETURN n").consume()
        assert read.counters.contains_updates is False
        assert read.query_type == "r"


def test_large_result_with_small_fetch_size(driver: Any) -> None:
    with driver.session(fetch_size=7) as session:
        result = session.run("UNWIND range(1, 20000) AS i RETURN i, toString(i) AS s")
        total = 0
        count = 0
        for record in result:
            assert record["s"] == str(record["i"])
            total += record["i"]
            count += 1
        assert count == 20000
        assert total == 20000 * 20001 // 2
        # a result left half-read is discarded when the next query runs
        partial = session.run("UNWIND range(1, 1000) AS i RETURN i")
        assert [next(iter(partial))[0] for _ in range(3)] == [1, 2, 3]
        assert _single(session, "RETURN 'next'") == "next"


def test_large_values(driver: Any) -> None:
    text = "0123456789abcdef" * 65_536
    with driver.session() as session:
        record = session.run("RETURN $t AS t, size($t) AS n", t=text).single()
    assert record["t"] == text
    assert record["n"] == len(text)


# -------------------------------------------------------------------------------- errors


def test_syntax_error(driver: Any) -> None:
    with driver.session() as session:
        with pytest.raises(CypherSyntaxError) as info:
            session.run("CRATE (n)").consume()
        assert info.value.code == "Neo.ClientError.Statement.SyntaxError"
        assert "CRATE" in info.value.message
        assert _single(session, "RETURN 'recovered'") == "recovered"


def test_runtime_type_error(driver: Any) -> None:
    with driver.session() as session:
        with pytest.raises(CypherTypeError) as info:
            session.run("UNWIND [1, {k: 1}] AS x RETURN x + 1").consume()
        assert info.value.code == "Neo.ClientError.Statement.TypeError"
        assert _single(session, "RETURN 'recovered'") == "recovered"


@pytest.mark.parametrize(
    "query",
    ["RETURN $missing", "UNWIND [1, 0] AS x RETURN 1 / x", "CALL no.such.procedure()"],
)
def test_query_errors_are_client_errors(driver: Any, query: str) -> None:
    with driver.session() as session:
        with pytest.raises(ClientError) as info:
            session.run(query).consume()
        assert len(info.value.code.split(".")) == 4
        assert info.value.message
        assert _single(session, "RETURN 1") == 1


def test_error_inside_a_transaction_rolls_it_back(driver: Any, server: Any) -> None:
    with driver.session() as session:
        tx = session.begin_transaction()
        tx.run("CREATE (:Lost)").consume()
        with pytest.raises(ClientError):
            tx.run("RETURN nope").consume()
        tx.close()
        assert _count(server, "Lost") == 0
        assert _single(session, "RETURN 'ok'") == "ok"


# ---------------------------------------------------------------------------------- auth


def test_authentication_in_hello(start_server: Any) -> None:
    server = start_server(auth_user="alice", auth_password="s3cret")
    with neo4j.GraphDatabase.driver(server.uri, auth=("alice", "s3cret")) as drv:
        drv.verify_connectivity()
        with drv.session() as session:
            assert _single(session, "RETURN 'in'") == "in"
    # The 4.4 driver turns a failed HELLO into AuthError only for Neo4j's
    # Neo.ClientError.Security.Unauthorized; Memgraph's (and mgcore's)
    # Memgraph.ClientError.Security.Unauthenticated comes out as ServiceUnavailable, with the
    # server's message, exactly as against Memgraph.
    for auth in (("alice", "wrong"), ("mallory", "s3cret"), None):
        with (
            neo4j.GraphDatabase.driver(server.uri, auth=auth) as drv,
            pytest.raises(ServiceUnavailable, match="Authentication failure"),
            drv.session() as session,
        ):
            session.run("RETURN 1").consume()
