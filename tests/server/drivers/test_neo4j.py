"""The current official neo4j Python driver (5.x and later) against mgcore's Bolt server.

Every test talks to a real server on a loopback port through the driver's public API:
connectivity, routing and database names, parameter and result values at PackStream's width
boundaries, graph structures and paths, auto-commit, explicit and managed transactions, retries
of a provoked write-write conflict, summaries and error classes, large results with small fetch
sizes, concurrency, timeouts, authentication and bookmarks. The legacy 4.x driver has its own
module.
"""

from __future__ import annotations

import datetime
import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import mgcore
from mgcore.server.background import BackgroundServer

neo4j = pytest.importorskip("neo4j")
if int(neo4j.__version__.split(".")[0]) < 5:
    pytest.skip(
        f"neo4j {neo4j.__version__} is the legacy driver; this module is for 5.x and later",
        allow_module_level=True,
    )

from neo4j.exceptions import (  # noqa: E402
    ClientError,
    CypherSyntaxError,
    CypherTypeError,
    Neo4jError,
    TransientError,
)

MEMGRAPH_TRANSIENT = "Memgraph.TransientError.MemgraphError.MemgraphError"
UNAUTHENTICATED = "Memgraph.ClientError.Security.Unauthenticated"
WAIT = 60.0
"""Seconds a test waits for another thread before declaring it stuck (never a timing check)."""


# ----------------------------------------------------------------------------------- helpers


def _driver(uri: str, auth: Any = None, **config: Any) -> Any:
    return neo4j.GraphDatabase.driver(uri, auth=auth, **config)


@pytest.fixture
def driver(server) -> Iterator[Any]:
    with _driver(server.uri) as drv:
        yield drv


@pytest.fixture(scope="module")
def shared_driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A driver to one server shared by the module's read-only value tests (starting a server
    per parameter would dominate the suite's runtime)."""
    database = mgcore.connect(data_directory=str(tmp_path_factory.mktemp("shared") / "db"))
    background = BackgroundServer(database, host="127.0.0.1").start()
    try:
        with _driver(background.uri) as drv:
            yield drv
    finally:
        background.stop()
        database.close()


def _value(drv: Any, query: str, **params: Any) -> Any:
    """The single value of a one-row, one-column result."""
    records, _, _ = drv.execute_query(query, params)
    assert len(records) == 1, records
    assert len(records[0]) == 1, records[0]
    return records[0][0]


def _round_trip(drv: Any, value: Any) -> Any:
    return _value(drv, "RETURN $p AS p", p=value)


def _count(drv: Any, label: str) -> int:
    value = _value(drv, f"MATCH (n:{label}) RETURN count(n) AS c")
    assert isinstance(value, int)
    return value


def _interrupt_running_queries(server: Any) -> None:
    """Abort every query running on the server's database, as a RESET does; a test's endless
    query then stops at once instead of waiting for a timeout."""
    for session in list(server.database._sessions):
        session.interrupt("Stopped by the test.")


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


def _same_float(a: float, b: float) -> bool:
    if math.isnan(a):
        return math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


# ------------------------------------------------------------------- connectivity and routing


def test_verify_connectivity_and_server_info(server) -> None:
    with _driver(server.uri) as drv:
        drv.verify_connectivity()
        assert drv.verify_authentication() is True
        info = drv.get_server_info()
    assert "mgcore" in info.agent
    assert info.agent.startswith("Neo4j/")  # what Memgraph sends, and tools parse
    assert info.protocol_version[0] == 5
    assert info.address.port == server.port


def test_routing_uri_against_the_single_server(server) -> None:
    uri = f"neo4j://{server.host}:{server.port}"
    with _driver(uri) as drv:
        drv.verify_connectivity()
        drv.execute_query("CREATE (:Routed {v: 1})", routing_=neo4j.RoutingControl.WRITE)
        records, _, _ = drv.execute_query(
            "MATCH (n:Routed) RETURN n.v AS v", routing_=neo4j.RoutingControl.READ
        )
        assert [r["v"] for r in records] == [1]
        with drv.session(default_access_mode=neo4j.READ_ACCESS) as session:
            assert session.execute_read(lambda tx: tx.run("RETURN 2 AS x").single()["x"]) == 2
        assert drv.get_server_info().address.port == server.port


def test_database_memgraph_works(driver) -> None:
    with driver.session(database="memgraph") as session:
        session.run("CREATE (:InDb)").consume()
        summary = session.run("MATCH (n:InDb) RETURN count(n) AS c").consume()
        assert summary.database == "memgraph"
    records, summary, _ = driver.execute_query(
        "MATCH (n:InDb) RETURN count(n) AS c", database_="memgraph"
    )
    assert records[0]["c"] == 1
    assert summary.database == "memgraph"


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_unknown_database_is_a_clear_client_error(server, scheme) -> None:
    with _driver(f"{scheme}://{server.host}:{server.port}") as drv:
        with drv.session(database="nosuchdb") as session, pytest.raises(ClientError) as info:
            session.run("RETURN 1").consume()
        # Neo4j's code: with it the routing driver fails fast instead of reporting "Unable to
        # retrieve routing information" after trying every router
        assert info.value.code == "Neo.ClientError.Database.DatabaseNotFound"
        assert "nosuchdb" in info.value.message
        assert "does not exist" in info.value.message
        # the named database is the problem, not the connection
        assert _value(drv, "RETURN 1 AS one") == 1


# ---------------------------------------------------------------------- parameter round trips

INTEGERS = [
    0,
    1,
    -1,
    -16,
    -17,
    127,
    128,
    -128,
    -129,
    32767,
    32768,
    -32768,
    -32769,
    2**31 - 1,
    2**31,
    -(2**31),
    -(2**31) - 1,
    2**63 - 1,
    -(2**63),
]


@pytest.mark.parametrize("value", [None, True, False])
def test_null_and_booleans(shared_driver, value) -> None:
    got = _round_trip(shared_driver, value)
    assert got is value


@pytest.mark.parametrize("value", INTEGERS)
def test_integer_width_boundaries(shared_driver, value) -> None:
    got = _round_trip(shared_driver, value)
    assert type(got) is int
    assert got == value
    # the server computes with the value, so it was decoded as that integer, not just echoed
    assert _value(shared_driver, "RETURN $p = $q AS same", p=value, q=value) is True
    if value < 2**63 - 1:
        assert _value(shared_driver, "RETURN $p + 1 AS next", p=value) == value + 1


@pytest.mark.parametrize(
    "value",
    [0.0, -0.0, 1.5, -2.25, 1e-308, 5e-324, 1.7976931348623157e308, math.inf, -math.inf, math.nan],
    ids=repr,
)
def test_floats(shared_driver, value) -> None:
    got = _round_trip(shared_driver, value)
    assert type(got) is float
    assert _same_float(got, value), (got, value)


def test_integer_and_float_stay_distinct(shared_driver) -> None:
    records, _, _ = shared_driver.execute_query("RETURN $i AS i, $f AS f", i=1, f=1.0)
    assert type(records[0]["i"]) is int
    assert type(records[0]["f"]) is float


@pytest.mark.parametrize(
    "value",
    [
        "",
        "a",
        "x" * 15,
        "x" * 16,
        "x" * 255,
        "x" * 256,
        "Grüße, 東京, Ελληνικά",
        "\U0001f600 astral \U0001d11e plane \U00010348",
        "nul\x00inside",
        "é" * 40_000,
        "y" * 70_000,
    ],
    ids=lambda v: f"len{len(v)}:{v[:12]!r}",
)
def test_strings(shared_driver, value) -> None:
    got = _round_trip(shared_driver, value)
    assert got == value
    # the server sees characters, not bytes: size() counts code points
    assert _value(shared_driver, "RETURN size($p) AS n", p=value) == len(value)


@pytest.mark.parametrize("size", [0, 1, 15, 16, 255, 256, 65535, 65536])
def test_lists_at_size_boundaries(shared_driver, size) -> None:
    value = list(range(size))
    assert _round_trip(shared_driver, value) == value
    assert _value(shared_driver, "RETURN size($p) AS n", p=value) == size


def test_nested_and_mixed_lists(shared_driver) -> None:
    value = [[], [1, [2, [3, [4, []]]]], ["a", 1.5, None, True, {"k": [1, 2]}], [[[[[]]]]]]
    assert _round_trip(shared_driver, value) == value


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 255, 256, 70_000])
def test_maps_at_size_boundaries(shared_driver, size) -> None:
    value = {f"key{i}": i for i in range(size)}
    assert _round_trip(shared_driver, value) == value
    if size:
        assert _value(shared_driver, "RETURN $p.key0 AS k", p=value) == 0


def test_nested_maps(shared_driver) -> None:
    value = {
        "a": {"b": {"c": {"d": [1, {"e": None}]}}},
        "unicode \U0001f600 key": "v",
        "": "empty key",
        "list": [{"x": 1}, {"y": [2.5, "z"]}],
    }
    assert _round_trip(shared_driver, value) == value
    assert _value(shared_driver, "RETURN $p.a.b.c.d[1] AS e", p=value) == {"e": None}


def test_several_parameters_at_once(shared_driver) -> None:
    records, _, _ = shared_driver.execute_query(
        "RETURN $a AS a, $b AS b, $c AS c, $d AS d",
        {"a": None, "b": -129, "c": "s", "d": [1.5]},
    )
    assert records[0].data() == {"a": None, "b": -129, "c": "s", "d": [1.5]}


def test_large_parameters_span_many_chunks(shared_driver) -> None:
    text = "".join(chr(0x20 + i % 0x5E) for i in range(3 * 1024 * 1024)) + "\U0001f600" * 100_000
    assert _round_trip(shared_driver, text) == text
    numbers = list(range(-(2**40), -(2**40) + 400_000))  # 9 bytes each: about 3.6 MB
    assert _round_trip(shared_driver, numbers) == numbers
    records, _, _ = shared_driver.execute_query(
        "RETURN size($t) AS n, $l[-1] AS last", t=text, l=numbers
    )
    assert records[0].data() == {"n": len(text), "last": numbers[-1]}


class _PlusOneHour(datetime.tzinfo):
    """A fixed offset that, unlike datetime.timezone, also gives times their offset (the
    driver asks ``tzinfo.utcoffset(time)`` when it packs a zoned Time)."""

    def utcoffset(self, dt: Any) -> datetime.timedelta:
        return datetime.timedelta(hours=1)

    def dst(self, dt: Any) -> datetime.timedelta:
        return datetime.timedelta(0)


TEMPORAL_AND_OTHER = [
    pytest.param(neo4j.time.Date(2020, 2, 29), id="Date"),
    pytest.param(neo4j.time.Time(12, 30, 15, 123456789), id="LocalTime"),
    pytest.param(datetime.time(12, 30, 15, tzinfo=_PlusOneHour()), id="Time"),
    pytest.param(neo4j.time.DateTime(2020, 2, 29, 12, 30, 15, 5), id="LocalDateTime"),
    pytest.param(
        neo4j.time.DateTime(2020, 2, 29, 12, 30, tzinfo=datetime.UTC),
        id="DateTime",
    ),
    pytest.param(neo4j.time.Duration(days=3, seconds=7, nanoseconds=9), id="Duration"),
    pytest.param(neo4j.time.Duration(months=1), id="Duration-months"),
    pytest.param(datetime.timedelta(days=1, microseconds=5), id="timedelta"),
    pytest.param(neo4j.spatial.CartesianPoint((1.0, 2.0)), id="Point2D"),
    pytest.param(neo4j.spatial.WGS84Point((1.0, 2.0, 3.0)), id="Point3D"),
    pytest.param(b"\x00\x01bytes", id="bytes"),
]


@pytest.mark.parametrize("value", TEMPORAL_AND_OTHER)
def test_temporal_spatial_and_bytes_parameters_round_trip_or_fail_clearly(
    shared_driver, value
) -> None:
    """Spatial values are not supported yet and Memgraph has no bytes: such a parameter must
    either come back equal or fail as a ClientError saying what is not supported; never a
    DatabaseError, a wrong value or a broken connection. (Temporal values round-trip; their
    exact checks are in test_temporal_drivers.)"""
    with shared_driver.session() as session:
        try:
            got = session.run("RETURN $p AS p", p=value).single(strict=True)["p"]
        except ClientError as exc:
            message = exc.message
            assert "$p" in message or "not supported" in message or "cannot be" in message, (
                message
            )
            assert not isinstance(exc, TransientError)
        else:
            if isinstance(value, datetime.timedelta):  # the driver returns its own Duration
                value = neo4j.time.Duration(
                    days=value.days, seconds=value.seconds, microseconds=value.microseconds
                )
            assert got == value
        assert session.run("RETURN $p AS p", p=7).single()["p"] == 7


# ---------------------------------------------------------------------- graph structures


def test_nodes_carry_labels_properties_and_element_ids(driver) -> None:
    props = {"name": "Ann", "age": 42, "score": 1.5, "tags": ["a", "b"], "ok": True}
    records, _, _ = driver.execute_query(
        "CREATE (n:Person:Admin $props) RETURN n, id(n) AS nid", props=props
    )
    node, nid = records[0]["n"], records[0]["nid"]
    assert isinstance(node, neo4j.graph.Node)
    assert node.labels == {"Person", "Admin"}
    assert dict(node) == props
    assert node["tags"] == ["a", "b"]
    assert node.element_id == str(nid)
    # the same node read again has the same identity
    again = _value(driver, "MATCH (n:Person) RETURN n")
    assert again.element_id == node.element_id
    unlabelled = _value(driver, "CREATE (n) RETURN n")
    assert unlabelled.labels == frozenset()
    assert dict(unlabelled) == {}


def test_relationships_carry_type_properties_and_endpoint_ids(driver) -> None:
    records, _, _ = driver.execute_query(
        "CREATE (a:A {n: 1})-[r:KNOWS {since: 2001, w: 0.5}]->(b:B {n: 2}) "
        "RETURN r, id(r) AS rid, id(a) AS aid, id(b) AS bid"
    )
    rel, rid, aid, bid = records[0]["r"], records[0]["rid"], records[0]["aid"], records[0]["bid"]
    assert isinstance(rel, neo4j.graph.Relationship)
    assert rel.type == "KNOWS"
    assert type(rel).__name__ == "KNOWS"
    assert dict(rel) == {"since": 2001, "w": 0.5}
    assert rel.element_id == str(rid)
    assert rel.start_node.element_id == str(aid)
    assert rel.end_node.element_id == str(bid)
    # returned together with its nodes, the relationship links to the full node objects
    records, _, _ = driver.execute_query("MATCH (a)-[r:KNOWS]->(b) RETURN a, r, b")
    a, r, b = records[0]["a"], records[0]["r"], records[0]["b"]
    assert r.start_node == a and r.end_node == b
    assert r.start_node["n"] == 1
    assert r.nodes[1]["n"] == 2


@pytest.fixture
def path_graph(driver) -> Any:
    driver.execute_query(
        "CREATE (a:P {name: 'a'})-[:R1 {w: 1}]->(b:P {name: 'b'})<-[:R2 {w: 2}]-(c:P {name: 'c'})"
    )
    return driver


def test_path_with_relationships_in_both_directions(path_graph) -> None:
    records, _, _ = path_graph.execute_query(
        "MATCH p = (a:P {name: 'a'})-[r1:R1]->(b)<-[r2:R2]-(c) "
        "RETURN p, id(a) AS ia, id(b) AS ib, id(c) AS ic, id(r1) AS i1, id(r2) AS i2"
    )
    rec = records[0]
    path = rec["p"]
    assert isinstance(path, neo4j.graph.Path)
    assert len(path) == 2
    assert [n["name"] for n in path.nodes] == ["a", "b", "c"]
    assert [n.element_id for n in path.nodes] == [str(rec["ia"]), str(rec["ib"]), str(rec["ic"])]
    assert path.start_node["name"] == "a"
    assert path.end_node["name"] == "c"
    r1, r2 = path.relationships
    assert (r1.type, r1["w"], r1.element_id) == ("R1", 1, str(rec["i1"]))
    assert (r2.type, r2["w"], r2.element_id) == ("R2", 2, str(rec["i2"]))
    # R1 goes a -> b along the path; R2 is traversed against its direction: c -> b
    assert r1.start_node.element_id == str(rec["ia"])
    assert r1.end_node.element_id == str(rec["ib"])
    assert r2.start_node.element_id == str(rec["ic"])
    assert r2.end_node.element_id == str(rec["ib"])


def test_path_read_backwards(path_graph) -> None:
    path = _value(path_graph, "MATCH p = (c:P {name: 'c'})-[:R2]->(b)<-[:R1]-(a) RETURN p")
    assert [n["name"] for n in path.nodes] == ["c", "b", "a"]
    r2, r1 = path.relationships
    assert (r2.start_node["name"], r2.end_node["name"]) == ("c", "b")
    assert (r1.start_node["name"], r1.end_node["name"]) == ("a", "b")


def test_undirected_variable_length_path(path_graph) -> None:
    path = _value(path_graph, "MATCH p = (c:P {name: 'c'})-[*2]-(a:P {name: 'a'}) RETURN p")
    assert [n["name"] for n in path.nodes] == ["c", "b", "a"]
    assert [r.type for r in path.relationships] == ["R2", "R1"]
    r2, r1 = path.relationships
    assert (r2.start_node["name"], r2.end_node["name"]) == ("c", "b")
    assert (r1.start_node["name"], r1.end_node["name"]) == ("a", "b")


def test_path_repeating_a_node(driver) -> None:
    driver.execute_query(
        "CREATE (x:Q {name: 'x'})-[:T {i: 1}]->(y:Q {name: 'y'}), (y)-[:T {i: 2}]->(x)"
    )
    path = _value(driver, "MATCH p = (x:Q {name: 'x'})-[:T]->(:Q)-[:T]->(z) RETURN p")
    assert [n["name"] for n in path.nodes] == ["x", "y", "x"]
    assert path.nodes[0] == path.nodes[2]
    assert path.nodes[0].element_id == path.nodes[2].element_id
    assert [r["i"] for r in path.relationships] == [1, 2]
    first, second = path.relationships
    assert first.start_node == path.nodes[0] and first.end_node == path.nodes[1]
    assert second.start_node == path.nodes[1] and second.end_node == path.nodes[0]


def test_self_loop_and_zero_length_paths(driver) -> None:
    driver.execute_query("CREATE (s:S {name: 's'})-[:LOOP]->(s)")
    loop = _value(driver, "MATCH p = (s:S)-[:LOOP]->(s) RETURN p")
    assert len(loop) == 1
    assert loop.nodes[0] == loop.nodes[1]
    (rel,) = loop.relationships
    assert rel.start_node == rel.end_node == loop.start_node
    single = _value(driver, "MATCH p = (s:S) RETURN p")
    assert len(single) == 0
    assert [n["name"] for n in single.nodes] == ["s"]
    assert single.relationships == ()


def test_collections_of_graph_values(path_graph) -> None:
    records, _, _ = path_graph.execute_query(
        "MATCH (n:P) WITH n ORDER BY n.name RETURN collect(n) AS nodes, "
        "{first: head(collect(n))} AS m"
    )
    nodes = records[0]["nodes"]
    assert [n["name"] for n in nodes] == ["a", "b", "c"]
    assert records[0]["m"]["first"] == nodes[0]


# -------------------------------------------------------------------------------- transactions


def test_explicit_transaction_commit(driver) -> None:
    with driver.session() as session:
        tx = session.begin_transaction(metadata={"app": "tests", "n": 1}, timeout=30)
        tx.run("CREATE (:Tx {v: $v})", v=1).consume()
        assert tx.run("MATCH (n:Tx) RETURN count(n) AS c").single()["c"] == 1
        tx.commit()
        assert tx.closed()
    assert _count(driver, "Tx") == 1


@pytest.mark.requires("transactional")
def test_explicit_transaction_rollback(driver) -> None:
    with driver.session() as session:
        tx = session.begin_transaction()
        tx.run("CREATE (:Tx {v: 1})").consume()
        tx.rollback()
        assert session.run("MATCH (n:Tx) RETURN count(n) AS c").single()["c"] == 0
    assert _count(driver, "Tx") == 0


@pytest.mark.requires("transactional")
def test_transaction_context_manager(driver) -> None:
    with driver.session() as session:
        with session.begin_transaction() as tx:
            tx.run("CREATE (:Ctx {ok: true})").consume()
        # leaving the block normally commits (driver 5+)
        assert _count(driver, "Ctx") == 1
        with pytest.raises(RuntimeError), session.begin_transaction() as tx:
            tx.run("CREATE (:Ctx {ok: false})").consume()
            raise RuntimeError("abandon")
        # leaving it by an exception rolls back
    assert _count(driver, "Ctx") == 1


@pytest.mark.requires("transactional")
def test_uncommitted_writes_are_invisible_to_other_sessions(driver) -> None:
    with driver.session() as writer, driver.session() as reader:
        tx = writer.begin_transaction()
        tx.run("CREATE (:Hidden)").consume()
        assert tx.run("MATCH (n:Hidden) RETURN count(n) AS c").single()["c"] == 1
        assert reader.run("MATCH (n:Hidden) RETURN count(n) AS c").single()["c"] == 0
        tx.commit()
        assert reader.run("MATCH (n:Hidden) RETURN count(n) AS c").single()["c"] == 1


@pytest.mark.requires("!transactional")
def test_without_transactions_writes_are_seen_at_once_and_rollback_keeps_them(driver) -> None:
    """An engine that is not transactional (IN_MEMORY_ANALYTICAL, as in Memgraph): another
    session sees a write of an open transaction, and rolling that transaction back keeps it."""
    with driver.session() as writer, driver.session() as reader:
        tx = writer.begin_transaction()
        tx.run("CREATE (:Shared)").consume()
        assert reader.run("MATCH (n:Shared) RETURN count(n) AS c").single()["c"] == 1
        tx.rollback()
    assert _count(driver, "Shared") == 1


@pytest.mark.requires("transactional")
def test_transaction_left_open_is_rolled_back_when_the_driver_closes(server) -> None:
    drv = _driver(server.uri)
    session = drv.session()
    tx = session.begin_transaction()
    tx.run("CREATE (:Abandoned)").consume()
    drv.close()  # the connection goes away with the transaction open
    session.close()  # nothing left to do: its connection is gone
    with _driver(server.uri) as other:
        assert _count(other, "Abandoned") == 0
    _wait_for(lambda: server.database.open_transaction_count == 0, "the rollback")


def test_execute_read_and_execute_write(driver) -> None:
    with driver.session() as session:

        def create(tx: Any, names: list[str]) -> int:
            summary = tx.run("UNWIND $names AS name CREATE (:W {name: name})", names=names)
            return summary.consume().counters.nodes_created

        def names(tx: Any) -> list[str]:
            result = tx.run("MATCH (n:W) RETURN n.name AS name ORDER BY name")
            return [r["name"] for r in result]

        assert session.execute_write(create, ["b", "a", "c"]) == 3
        assert session.execute_read(names) == ["a", "b", "c"]


@pytest.mark.requires("transactional")
def test_execute_write_rolls_back_when_the_work_raises(driver) -> None:
    with driver.session() as session:
        session.execute_write(lambda tx: tx.run("CREATE (:W {name: 'kept'})").consume())

        def fails(tx: Any) -> None:
            tx.run("CREATE (:W {name: 'never'})").consume()
            raise ValueError("rolled back")

        with pytest.raises(ValueError):
            session.execute_write(fails)
        names = session.execute_read(
            lambda tx: [r["n"] for r in tx.run("MATCH (w:W) RETURN w.name AS n")]
        )
        assert names == ["kept"]


def test_several_results_open_in_one_transaction(driver) -> None:
    with driver.session(fetch_size=2) as session:
        tx = session.begin_transaction()
        first = tx.run("UNWIND range(1, 7) AS i RETURN i")
        second = tx.run("UNWIND range(101, 107) AS i RETURN i * 10 AS j")
        third = tx.run("CREATE (n:Multi {v: 1}) RETURN n.v AS v")
        got_first, got_second = [], []
        it1, it2 = iter(first), iter(second)
        for _ in range(7):
            got_first.append(next(it1)["i"])
            got_second.append(next(it2)["j"])
        assert got_first == list(range(1, 8))
        assert got_second == [i * 10 for i in range(101, 108)]
        assert next(it1, None) is None and next(it2, None) is None
        assert [r["v"] for r in third] == [1]
        assert first.consume().counters.contains_updates is False
        assert third.consume().counters.nodes_created == 1
        tx.commit()
    assert _count(driver, "Multi") == 1


@pytest.mark.requires("write_conflicts_at_write")
def test_execute_write_retries_a_serialization_conflict(driver) -> None:
    driver.execute_query("CREATE (:X {v: 0})")
    holder = driver.session()
    tx = holder.begin_transaction()
    tx.run("MATCH (n:X) SET n.v = n.v + 1").consume()

    attempts: list[int] = []
    failures: list[Neo4jError] = []
    first_failed = threading.Event()
    outcome: dict[str, Any] = {}

    def work(mtx: Any) -> int:
        attempts.append(len(attempts) + 1)
        try:
            mtx.run("MATCH (n:X) SET n.v = n.v + 10").consume()
        except Neo4jError as exc:
            failures.append(exc)
            first_failed.set()
            raise
        return mtx.run("MATCH (n:X) RETURN n.v AS v").single()["v"]

    def writer() -> None:
        try:
            with driver.session(max_transaction_retry_time=30.0) as session:
                outcome["value"] = session.execute_write(work)
        except Exception as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        # the conflict is reported at once, while the first writer's transaction is still open
        assert first_failed.wait(WAIT), "the second writer blocked instead of failing"
        assert "value" not in outcome and "error" not in outcome
    finally:
        tx.commit()
        holder.close()
    thread.join(WAIT)
    assert not thread.is_alive()
    assert "error" not in outcome, outcome.get("error")
    assert outcome["value"] == 11
    assert len(attempts) >= 2
    assert len(failures) == len(attempts) - 1
    first = failures[0]
    assert isinstance(first, TransientError)
    assert first.is_retryable()
    assert first.code == MEMGRAPH_TRANSIENT
    assert "conflicting transactions" in first.message
    assert _value(driver, "MATCH (n:X) RETURN n.v AS v") == 11


@pytest.mark.requires("write_conflicts_at_write")
def test_auto_commit_conflict_is_not_retried(driver) -> None:
    driver.execute_query("CREATE (:Y {v: 0})")
    with driver.session() as holder, driver.session() as other:
        tx = holder.begin_transaction()
        tx.run("MATCH (n:Y) SET n.v = 1").consume()
        with pytest.raises(TransientError) as info:
            other.run("MATCH (n:Y) SET n.v = 2").consume()
        assert info.value.code == MEMGRAPH_TRANSIENT
        tx.commit()
        assert other.run("MATCH (n:Y) RETURN n.v AS v").single()["v"] == 1


# ------------------------------------------------------------------------ summaries and errors


def test_summary_counters_and_query_type(driver) -> None:
    with driver.session() as session:
        summary = session.run("CREATE (a:A:B {x: 1, y: 2})-[:R {z: 3}]->(b:C)").consume()
        c = summary.counters
        assert (c.nodes_created, c.relationships_created, c.properties_set, c.labels_added) == (
            2,
            1,
            3,
            3,
        )
        assert (c.nodes_deleted, c.relationships_deleted, c.labels_removed) == (0, 0, 0)
        assert c.contains_updates is True
        assert summary.query_type in ("w", "rw")
        assert summary.database == "memgraph"
        assert summary.query == "CREATE (a:A:B {x: 1, y: 2})-[:R {z: 3}]->(b:C)"

        summary = session.run("MATCH (a:A) SET a.x = 5, a:D REMOVE a:B").consume()
        c = summary.counters
        assert (c.properties_set, c.labels_added, c.labels_removed) == (1, 1, 1)
        assert c.contains_updates is True

        summary = session.run("MATCH ()-[r:R]->() DELETE r").consume()
        assert summary.counters.relationships_deleted == 1

        summary = session.run("MATCH (n) DETACH DELETE n").consume()
        assert summary.counters.nodes_deleted == 2
        assert summary.counters.relationships_deleted == 0

        summary = session.run("MATCH (n) RETURN count(n) AS c").consume()
        c = summary.counters
        assert summary.query_type == "r"
        assert c.contains_updates is False
        assert c.nodes_created == c.properties_set == c.labels_added == 0

        assert session.run("CREATE (:K)").keys() == []
        assert session.run("RETURN 1 AS b, 2 AS a, 3 AS `c d`").keys() == ["b", "a", "c d"]

        summary = session.run("RETURN $x AS x", x=1).consume()
        assert summary.parameters == {"x": 1}
        assert summary.result_available_after is not None
        assert summary.result_consumed_after is not None


def test_syntax_error(driver) -> None:
    with driver.session() as session:
        with pytest.raises(CypherSyntaxError) as info:
            session.run("RETUR 1").consume()
        assert info.value.code == "Neo.ClientError.Statement.SyntaxError"
        assert info.value.message
        assert session.run("RETURN 1 AS x").single()["x"] == 1


def test_division_by_zero(driver) -> None:
    with driver.session() as session:
        with pytest.raises(ClientError) as info:
            session.run("RETURN 1 / $z AS x", z=0).consume()
        assert info.value.code == "Neo.ClientError.Statement.ArithmeticError"
        assert not isinstance(info.value, TransientError)
        assert session.run("RETURN 1 / $z AS x", z=1).single()["x"] == 1


def test_type_error_known_at_compile_time_is_a_syntax_error(driver) -> None:
    """As in Neo4j ("Type mismatch: ..." is a Neo.ClientError.Statement.SyntaxError) and in
    the openCypher TCK (SyntaxError: InvalidArgumentType)."""
    with pytest.raises(CypherSyntaxError) as info:
        driver.execute_query("RETURN 'a' * 2 AS x")
    assert "string" in info.value.message.lower()


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("RETURN $s * 2 AS x", {"s": "a"}),
        ("UNWIND [1, 2, 'three'] AS v RETURN v * 2 AS x", {}),
        ("WITH $m AS m RETURN m.k.j AS x", {"m": {"k": 1}}),
    ],
)
def test_type_errors_at_run_time(driver, query, params) -> None:
    with driver.session() as session:
        with pytest.raises(CypherTypeError) as info:
            list(session.run(query, params))
        assert info.value.code == "Neo.ClientError.Statement.TypeError"
        assert session.run("RETURN 2 AS x").single()["x"] == 2


def test_missing_parameter(driver) -> None:
    with pytest.raises(ClientError) as info:
        driver.execute_query("RETURN $nope AS x")
    assert info.value.code == "Neo.ClientError.Statement.ParameterMissing"
    assert "nope" in info.value.message


def test_failure_in_the_middle_of_a_stream(driver) -> None:
    with driver.session(fetch_size=1) as session:
        result = session.run("UNWIND [4, 2, 1, 0, 5] AS v RETURN 8 / v AS x")
        got = []
        with pytest.raises(ClientError) as info:
            for record in result:
                got.append(record["x"])
        assert info.value.code == "Neo.ClientError.Statement.ArithmeticError"
        # the rows that arrived are the right ones (rows computed in the PULL that fails, or
        # read ahead to answer has_more, are dropped with the failure, as in Memgraph)
        assert got and got == [2, 4, 8][: len(got)]
        assert session.run("RETURN 3 AS x").single()["x"] == 3


@pytest.mark.requires("transactional")
def test_failed_write_leaves_nothing_behind(driver) -> None:
    with driver.session() as session, pytest.raises(ClientError):
        session.run("UNWIND [1, 0] AS v CREATE (:Partial {v: 1 / v})").consume()
    assert _count(driver, "Partial") == 0


@pytest.mark.requires("transactional")
def test_error_inside_an_explicit_transaction_rolls_it_back(driver) -> None:
    with driver.session() as session:
        tx = session.begin_transaction()
        tx.run("CREATE (:Doomed)").consume()
        with pytest.raises(ClientError):
            tx.run("RETURN 1 / 0").consume()
        # the driver closes the failed transaction; nothing of it was committed
        with pytest.raises(neo4j.exceptions.TransactionError):
            tx.run("RETURN 1").consume()
        tx.close()
        assert session.run("MATCH (n:Doomed) RETURN count(n) AS c").single()["c"] == 0
        with session.begin_transaction() as tx2:
            tx2.run("CREATE (:Survivor)").consume()
    assert _count(driver, "Doomed") == 0
    assert _count(driver, "Survivor") == 1


# ------------------------------------------------------------------------------ large results


def test_large_result_with_a_small_fetch_size(driver) -> None:
    with driver.session(fetch_size=100) as session:
        result = session.run("UNWIND range(0, 99999) AS i RETURN i, -i AS j")
        n = 0
        for record in result:
            assert record["i"] == n and record["j"] == -n
            n += 1
        assert n == 100_000
        assert result.consume().query_type == "r"


def test_partly_read_result_then_close(server, driver) -> None:
    with driver.session(fetch_size=50) as session:
        result = session.run("UNWIND range(1, 200000) AS i RETURN i")
        it = iter(result)
        assert [next(it)["i"] for _ in range(120)] == list(range(1, 121))
    # the server discarded the rest and is free again
    assert _value(driver, "RETURN 'next' AS x") == "next"
    assert server.database.open_transaction_count == 0


def test_partly_read_auto_commit_write_is_committed_when_the_session_closes(driver) -> None:
    """session.close() consumes (DISCARDs) an open auto-commit result, so the whole write runs
    and commits: all 1000 nodes, not the 5 the client read."""
    with driver.session(fetch_size=10) as session:
        result = session.run("UNWIND range(1, 1000) AS i CREATE (:Lazy {i: i}) RETURN i")
        it = iter(result)
        assert [next(it)["i"] for _ in range(5)] == [1, 2, 3, 4, 5]
    assert _count(driver, "Lazy") == 1000
    assert _value(driver, "MATCH (n:Lazy) RETURN max(n.i) AS m") == 1000


@pytest.mark.requires("transactional")
def test_partly_read_auto_commit_write_is_rolled_back_when_the_driver_closes(server) -> None:
    """driver.close() drops the connection without consuming: the server rolls the unfinished
    auto-commit write back whole, although the client saw some of its rows."""
    drv = _driver(server.uri)
    session = drv.session(fetch_size=10)
    result = session.run("UNWIND range(1, 1000) AS i CREATE (:Dropped {i: i}) RETURN i")
    it = iter(result)
    assert [next(it)["i"] for _ in range(5)] == [1, 2, 3, 4, 5]
    drv.close()
    session.close()  # nothing left to do: its connection is gone
    _wait_for(lambda: server.database.open_transaction_count == 0, "the rollback")
    with _driver(server.uri) as other:
        assert _count(other, "Dropped") == 0


@pytest.mark.requires("transactional")
def test_partly_read_write_in_an_open_transaction_is_rolled_back(driver) -> None:
    with driver.session(fetch_size=10) as session:
        tx = session.begin_transaction()
        result = tx.run("UNWIND range(1, 1000) AS i CREATE (:Gone {i: i}) RETURN i")
        assert next(iter(result))["i"] == 1
    assert _count(driver, "Gone") == 0


def test_result_consumed_without_reading(driver) -> None:
    with driver.session(fetch_size=10) as session:
        summary = session.run("UNWIND range(1, 500) AS i CREATE (:Skipped) RETURN i").consume()
        assert summary.counters.nodes_created == 500
        result = session.run("UNWIND range(1, 500) AS i RETURN i")
        assert result.peek()["i"] == 1
        assert len(result.fetch(3)) == 3
        result.consume()
    assert _count(driver, "Skipped") == 500


# -------------------------------------------------------------------------------- concurrency


def _run_threads(count: int, target: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    lock = threading.Lock()

    def wrapped(i: int) -> None:
        try:
            target(i)
        except BaseException as exc:
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert not any(t.is_alive() for t in threads), "threads are stuck"
    return errors


def test_fifty_concurrent_sessions(driver) -> None:
    results: dict[int, tuple[int, list[int], int]] = {}

    def work(i: int) -> None:
        with driver.session() as session:
            created = session.execute_write(
                lambda tx: tx.run(
                    "UNWIND range(1, 10) AS k CREATE (:Conc {t: $t, k: k})", t=i
                ).consume().counters.nodes_created
            )
            ks = session.execute_read(
                lambda tx: [
                    r["k"]
                    for r in tx.run("MATCH (n:Conc {t: $t}) RETURN n.k AS k ORDER BY k", t=i)
                ]
            )
            echo = session.run("RETURN $t * 2 AS x", t=i).single()["x"]
            results[i] = (created, ks, echo)

    errors = _run_threads(50, work)
    assert errors == []
    assert sorted(results) == list(range(50))
    for i, (created, ks, echo) in results.items():
        assert created == 10
        assert ks == list(range(1, 11))
        assert echo == 2 * i
    assert _count(driver, "Conc") == 500


def test_two_hundred_connections_open_at_once(server) -> None:
    seen: dict[str, int] = {}

    def all_arrived() -> None:
        seen["connections"] = server.background.server.connection_count
        seen["transactions"] = server.database.open_transaction_count

    barrier = threading.Barrier(200, action=all_arrived, timeout=WAIT * 2)
    with _driver(server.uri, max_connection_pool_size=250) as drv:

        def work(i: int) -> None:
            with drv.session() as session:
                tx = session.begin_transaction()
                tx.run("CREATE (:Many {i: $i})", i=i).consume()
                barrier.wait()
                tx.commit()

        errors = _run_threads(200, work)
        assert errors == []
        assert seen["connections"] >= 200
        assert seen["transactions"] >= 200
        assert _count(drv, "Many") == 200
        assert _value(drv, "MATCH (n:Many) RETURN count(DISTINCT n.i) AS c") == 200


SLOW_QUERY = "MATCH (a:Slow), (b:Slow), (c:Slow) RETURN count(*) AS n"
"""400 ** 3 rows: minutes of work, checked against the deadline as it runs."""


def test_slow_query_does_not_stall_other_connections(server, driver) -> None:
    driver.execute_query("UNWIND range(1, 400) AS i CREATE (:Slow {i: i})")
    outcome: dict[str, Any] = {}
    slow_done = threading.Event()

    def slow() -> None:
        with driver.session() as session:
            try:
                outcome["value"] = session.run(neo4j.Query(SLOW_QUERY, timeout=120)).single()
            except Exception as exc:
                outcome["error"] = exc
            finally:
                slow_done.set()
            outcome["after"] = session.run("RETURN 'alive' AS x").single()["x"]

    thread = threading.Thread(target=slow)
    thread.start()
    try:
        _wait_for(lambda: server.database.open_transaction_count >= 1, "the slow query")
        for i in range(5):
            with driver.session() as session:
                assert session.run("RETURN $i AS i", i=i).single()["i"] == i
                session.run("CREATE (:Quick {i: $i})", i=i).consume()
                assert session.run("MATCH (n:Quick) RETURN count(n) AS c").single()["c"] == i + 1
        # every quick query finished while the slow one is still running
        assert not slow_done.is_set(), outcome
    finally:

        def stopped() -> bool:
            _interrupt_running_queries(server)
            return slow_done.wait(0.05)

        _wait_for(stopped, "the slow query to stop")
        thread.join(WAIT)
    assert not thread.is_alive()
    error = outcome.get("error")
    assert isinstance(error, TransientError), outcome
    assert "Stopped by the test" in error.message
    assert outcome["after"] == "alive"


def test_query_execution_timeout_aborts_a_runaway_query(start_server) -> None:
    server = start_server(query_execution_timeout_sec=1)
    with _driver(server.uri) as drv:
        drv.execute_query("UNWIND range(1, 300) AS i CREATE (:Slow {i: i})")
        with drv.session() as session:
            with pytest.raises(TransientError) as info:
                session.run(SLOW_QUERY).consume()
            error = info.value
            assert error.code == MEMGRAPH_TRANSIENT
            assert "timeout" in error.message.lower()
            assert error.is_retryable()  # Memgraph's choice: timeouts are transient
            # the same connection and the server keep working
            assert session.run("MATCH (n:Slow) RETURN count(n) AS c").single()["c"] == 300
        assert _value(drv, "RETURN 'still serving' AS x") == "still serving"
        assert server.database.open_transaction_count == 0


def test_transaction_timeout_from_the_driver(driver) -> None:
    driver.execute_query("UNWIND range(1, 300) AS i CREATE (:Slow {i: i})")
    with driver.session() as session:
        with pytest.raises(TransientError) as info:
            session.run(neo4j.Query(SLOW_QUERY, timeout=0.2)).consume()
        assert "timeout" in info.value.message.lower()
        tx = session.begin_transaction(timeout=0.2)
        with pytest.raises(TransientError):
            tx.run(SLOW_QUERY).consume()
        tx.close()
        assert session.run("RETURN 1 AS x").single()["x"] == 1


def test_timeout_stops_a_long_unwind(driver) -> None:
    """UNWIND checks the deadline as it goes (3 million rows: range() builds its list, so the
    30 million of a classic runaway query would cost a gigabyte before the first row)."""
    with driver.session() as session:
        with pytest.raises(TransientError) as info:
            session.run(
                neo4j.Query(
                    "UNWIND range(1, 3000000) AS x WITH x WHERE x < 0 RETURN count(*)",
                    timeout=0.05,
                )
            ).consume()
        assert "timeout" in info.value.message.lower()
        assert session.run("UNWIND range(1, 3) AS x RETURN sum(x) AS s").single()["s"] == 6


# ----------------------------------------------------------------------------- authentication


def test_authentication(start_server) -> None:
    server = start_server(auth_user="alice", auth_password="secret")
    with _driver(server.uri, auth=("alice", "secret")) as good:
        good.verify_connectivity()
        good.execute_query("CREATE (:Secret {v: 1})")
        for auth in [("alice", "wrong"), ("bob", "secret"), None, ("", "")]:
            with _driver(server.uri, auth=auth) as bad:
                with pytest.raises(ClientError) as info:
                    bad.execute_query("MATCH (n:Secret) RETURN n.v AS v")
                assert info.value.code == UNAUTHENTICATED, auth
                assert "Authentication failure" in info.value.message
                assert not info.value.is_retryable()
                with pytest.raises(ClientError):
                    bad.verify_connectivity()
                assert bad.verify_authentication(auth=("alice", "secret")) is True
            # the server keeps serving the authenticated client
            assert _value(good, "MATCH (n:Secret) RETURN n.v AS v") == 1
        with good.session(auth=("alice", "secret")) as session:
            assert session.run("RETURN 1 AS x").single()["x"] == 1
        with good.session(auth=("alice", "nope")) as session, pytest.raises(ClientError) as info:
            session.run("RETURN 1 AS x").consume()
        assert info.value.code == UNAUTHENTICATED


def test_no_authentication_configured_accepts_any_credentials(server) -> None:
    with _driver(server.uri, auth=("anyone", "anything")) as drv:
        assert _value(drv, "RETURN 1 AS x") == 1


# ---------------------------------------------------------------------------------- bookmarks


def test_bookmarks(driver) -> None:
    with driver.session() as session:
        session.run("CREATE (:Marked {v: 1})").consume()
        after_auto = session.last_bookmarks()
        assert after_auto.raw_values
        session.execute_write(lambda tx: tx.run("CREATE (:Marked {v: 2})").consume())
        after_tx = session.last_bookmarks()
        assert after_tx.raw_values
        assert after_tx != after_auto
    with driver.session(bookmarks=after_tx) as session:
        values = session.run("MATCH (n:Marked) RETURN n.v AS v ORDER BY v").value()
        assert values == [1, 2]
    combined = neo4j.Bookmarks.from_raw_values(after_auto.raw_values | after_tx.raw_values)
    with driver.session(bookmarks=combined) as session:
        assert session.execute_read(
            lambda tx: tx.run("MATCH (n:Marked) RETURN count(n) AS c").single()["c"]
        ) == 2


def test_execute_query_bookmark_manager_chains_writes_and_reads(driver) -> None:
    driver.execute_query("CREATE (:Chained)")
    records, _, _ = driver.execute_query(
        "MATCH (n:Chained) RETURN count(n) AS c", routing_=neo4j.RoutingControl.READ
    )
    assert records[0]["c"] == 1


def test_server_is_reusable_after_many_short_lived_drivers(server) -> None:
    for i in range(20):
        with _driver(server.uri) as drv:
            assert _value(drv, "RETURN $i AS i", i=i) == i
    _wait_for(lambda: server.background.server.connection_count == 0, "connections to close")


# ------------------------------------------------------------------- transaction management


def test_show_transactions_sees_metadata_and_users_and_terminate_stops_them(
    start_server,
) -> None:
    """Memgraph's documented example: metadata from an explicit and an implicit transaction
    reaches SHOW TRANSACTIONS with the authenticated user; TERMINATE TRANSACTIONS ends the
    other client's transaction, whose next query fails retryably."""
    server = start_server(auth_user="alice", auth_password="secret")
    with (
        _driver(server.uri, auth=("alice", "secret")) as drv,
        drv.session() as s1,
        drv.session() as s2,
    ):
        tx = s1.begin_transaction(metadata={"where": "in explicit tx", "my_uuid": 1})
        tx.run("MATCH (n) RETURN n LIMIT 1").consume()
        query = neo4j.Query("SHOW TRANSACTIONS", metadata={"where": "in implicit tx"})
        rows = sorted(
            (r["metadata"]["where"], r["username"], r["query"], r["transaction_id"])
            for r in s2.run(query)
        )
        assert [row[:3] for row in rows] == [
            ("in explicit tx", "alice", ["MATCH (n) RETURN n LIMIT 1"]),
            ("in implicit tx", "alice", ["SHOW TRANSACTIONS"]),
        ]
        victim = rows[0][3]
        killed = s2.run("TERMINATE TRANSACTIONS $id", id=victim).single()
        assert (killed["transaction_id"], killed["killed"]) == (victim, True)
        with pytest.raises(TransientError) as info:
            tx.run("RETURN 1").consume()
        assert "asked to abort by another user" in info.value.message
        assert info.value.is_retryable()
        tx.close()
        assert s1.run("RETURN 2 AS x").single()["x"] == 2
