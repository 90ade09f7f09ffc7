"""Memgraph's own client, pymgclient (a C extension over libmgclient, speaking Bolt 4.4), against
mgcore's Bolt server.

pymgclient keeps the GIL while it waits on its socket, so it cannot talk to a server running in
the same process: these tests use an ``mgcore serve`` child (one per module, cleared before every
test) and check the database's state through a second connection. Covered: the DB-API cursor
(execute, fetchone, fetchmany, fetchall, description, rowcount), parameter and result values,
nodes, relationships and paths, the default explicit transactions (pymgclient sends BEGIN,
COMMIT and ROLLBACK as query text) and autocommit, errors and the RESET that follows them, a
provoked write-write conflict, large results and values, lazy connections, routing, auth and a
connection closed with a transaction open.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

mgclient = pytest.importorskip("mgclient")

WAIT = 60.0
"""Seconds a test waits for the server to notice a closed socket (never a timing check)."""

Connect = Callable[..., Any]


@pytest.fixture
def connect(module_serve_process) -> Iterator[Connect]:
    """Open pymgclient connections to the module's server; each is closed after the test, its
    open transaction rolled back first so the next test starts from a quiet server."""
    opened: list[Any] = []

    def open_connection(**kwargs: Any) -> Any:
        kwargs.setdefault("host", module_serve_process.host)
        kwargs.setdefault("port", module_serve_process.port)
        autocommit = kwargs.pop("autocommit", None)
        conn = mgclient.connect(**kwargs)
        if autocommit is not None:
            conn.autocommit = autocommit
        opened.append(conn)
        return conn

    yield open_connection
    for conn in opened:
        if conn.status == mgclient.CONN_STATUS_IN_TRANSACTION:
            conn.rollback()
        conn.close()


@pytest.fixture(autouse=True)
def empty_database(module_serve_process) -> None:
    conn = mgclient.connect(host=module_serve_process.host, port=module_serve_process.port)
    conn.autocommit = True
    conn.cursor().execute("MATCH (n) DETACH DELETE n")
    conn.close()


@pytest.fixture
def observer(connect: Connect) -> Any:
    """An autocommit connection that looks at what other connections committed."""
    return connect(autocommit=True)


def _rows(conn: Any, query: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    cursor = conn.cursor()
    cursor.execute(query, params or {})
    return cursor.fetchall()


def _value(conn: Any, query: str, params: dict[str, Any] | None = None) -> Any:
    rows = _rows(conn, query, params)
    assert len(rows) == 1 and len(rows[0]) == 1, rows
    return rows[0][0]


def _count(conn: Any, label: str) -> int:
    return _value(conn, f"MATCH (n:{label}) RETURN count(n)")


# ------------------------------------------------------------------------------- the cursor


def test_fetch_methods_and_description(connect: Connect) -> None:
    conn = connect()
    assert conn.status == mgclient.CONN_STATUS_READY
    assert conn.autocommit is False  # pymgclient's default
    cursor = conn.cursor()
    cursor.execute("UNWIND range(1, 6) AS i RETURN i, 'n' + toString(i) AS name")
    assert [c.name for c in cursor.description] == ["i", "name"]
    assert cursor.rowcount == 6
    assert cursor.fetchone() == (1, "n1")
    assert cursor.fetchmany(2) == [(2, "n2"), (3, "n3")]
    assert cursor.fetchmany() == [(4, "n4")]  # arraysize rows, 1 by default
    assert cursor.fetchall() == [(5, "n5"), (6, "n6")]
    assert cursor.fetchone() is None
    assert cursor.fetchall() == []


def test_statement_without_rows_has_empty_description(connect: Connect) -> None:
    conn = connect(autocommit=True)
    cursor = conn.cursor()
    cursor.execute("CREATE (:Empty)")
    assert cursor.description == []
    assert cursor.fetchall() == []
    cursor.execute("MATCH (n:Nothing) RETURN n")
    assert [c.name for c in cursor.description] == ["n"]
    assert cursor.rowcount == 0
    assert cursor.fetchone() is None


def test_cursors_of_one_connection_share_its_transaction(connect: Connect) -> None:
    conn = connect()
    first, second = conn.cursor(), conn.cursor()
    first.execute("CREATE (:Shared)")
    second.execute("MATCH (n:Shared) RETURN count(n)")
    assert second.fetchall() == [(1,)]


@pytest.mark.parametrize(
    "query",
    [
        "RETURN 1 AS x;",
        "RETURN 1 AS x ;",
        "  RETURN 1 AS x;\n",
        "MATCH (node: Semi)  WHERE node.x = 1  RETURN count(node) + 1 AS x;",
    ],
)
def test_query_ending_in_semicolon(connect: Connect, query: str) -> None:
    conn = connect(autocommit=True)
    assert _rows(conn, query) == [(1,)]


# -------------------------------------------------------------------------------- values


VALUES = [
    None,
    True,
    False,
    0,
    -1,
    -16,
    -17,
    127,
    128,
    -128,
    -129,
    32767,
    32768,
    -32769,
    2**31 - 1,
    2**31,
    -(2**31) - 1,
    2**63 - 1,
    -(2**63),
    0.0,
    -0.0,
    1.5,
    -2.25e-300,
    1.7976931348623157e308,
    math.inf,
    -math.inf,
    "",
    "plain",
    "žćčđš 日本語 🎉 \u0000 \n\t\"'",
    "x" * 70_000,
    [],
    [1, "two", 3.0, None, True, [4, [5]], {"six": 6}],
    {},
    {"a": {"b": [1, {"c": None}]}, "empty": [], "s": "t"},
]


@pytest.mark.parametrize("value", VALUES, ids=[repr(v)[:40] for v in VALUES])
def test_parameter_round_trip(connect: Connect, value: Any) -> None:
    conn = connect(autocommit=True)
    [(back, type_name)] = _rows(conn, "RETURN $p AS p, valueType($p) AS t", {"p": value})
    assert back == value
    assert type(back) is type(value)
    if isinstance(value, float):
        assert math.copysign(1.0, back) == math.copysign(1.0, value)  # -0.0 stays negative
    expected_type = {
        type(None): "NULL",
        bool: "BOOLEAN",
        int: "INTEGER",
        float: "FLOAT",
        str: "STRING",
        list: "LIST",
        dict: "MAP",
    }[type(value)]
    assert type_name == expected_type


def test_nan_parameter(connect: Connect) -> None:
    conn = connect(autocommit=True)
    [(back, is_nan)] = _rows(conn, "RETURN $p AS p, $p <> $p AS nan", {"p": math.nan})
    assert math.isnan(back)
    assert is_nan is True


def test_parameters_as_properties_are_stored(connect: Connect, observer: Any) -> None:
    props = {"i": 2**40, "f": 0.25, "s": "ß", "b": False, "l": [1, 2, 3], "m": {"k": ["v"]}}
    conn = connect()
    cursor = conn.cursor()
    cursor.execute("CREATE (n:Stored) SET n = $props", {"props": props})
    conn.commit()
    node = _value(observer, "MATCH (n:Stored) RETURN n")
    assert node.properties == props


def test_values_computed_by_the_server(connect: Connect) -> None:
    conn = connect(autocommit=True)
    [row] = _rows(
        conn,
        "RETURN 9223372036854775807 AS big, -1.0 / 0.0 AS neg_inf, 'a' + 'ß' AS s, "
        "[x IN range(1, 3) | x * x] AS squares, {k: [null, true]} AS m, null AS nothing",
    )
    assert row == (2**63 - 1, -math.inf, "aß", [1, 4, 9], {"k": [None, True]}, None)


def test_temporal_parameter_round_trip(connect: Connect) -> None:
    import datetime

    values = {
        "d": datetime.date(2024, 2, 29),
        "t": datetime.time(12, 34, 56, 789000),
        "dt": datetime.datetime(2024, 2, 29, 23, 59, 58, 1000),
        "dur": datetime.timedelta(days=3, seconds=7, microseconds=11),
    }
    conn = connect(autocommit=True)
    [row] = _rows(conn, "RETURN $d, $t, $dt, $dur", values)
    assert row == tuple(values.values())


# -------------------------------------------------------------------- graph values and paths


def test_nodes_and_relationships(connect: Connect) -> None:
    conn = connect(autocommit=True)
    [(a, r, b, a_id, r_id, b_id)] = _rows(
        conn,
        "CREATE (a:Person:Admin {name: 'Ann', age: 41})-[r:KNOWS {since: 2001, w: 0.5}]->"
        "(b:Person {name: 'Bob'}) RETURN a, r, b, id(a), id(r), id(b)",
    )
    assert isinstance(a, mgclient.Node) and isinstance(b, mgclient.Node)
    assert isinstance(r, mgclient.Relationship)
    assert a.labels == {"Person", "Admin"}
    assert a.properties == {"name": "Ann", "age": 41}
    assert b.labels == {"Person"}
    assert b.properties == {"name": "Bob"}
    assert (a.id, r.id, b.id) == (a_id, r_id, b_id)
    assert r.type == "KNOWS"
    assert r.properties == {"since": 2001, "w": 0.5}
    assert (r.start_id, r.end_id) == (a.id, b.id)
    # the same entities read back later, and inside lists and maps
    [(nodes, holder)] = _rows(
        conn,
        "MATCH (a:Admin)-[r:KNOWS]->(b) RETURN [b, a] AS nodes, {rel: r, none: null} AS holder",
    )
    assert [n.id for n in nodes] == [b.id, a.id]
    assert nodes[1].properties == a.properties
    assert holder["rel"].id == r.id and holder["rel"].type == "KNOWS"
    assert holder["none"] is None


def test_node_without_labels_or_properties(connect: Connect) -> None:
    conn = connect(autocommit=True)
    node = _value(conn, "CREATE (n) RETURN n")
    assert node.labels == set()
    assert node.properties == {}


def test_path_with_a_relationship_against_its_direction(connect: Connect) -> None:
    conn = connect(autocommit=True)
    [(path, x, y, z)] = _rows(
        conn,
        "CREATE p = (x:X)-[:R1 {k: 1}]->(y:Y)<-[:R2]-(z:Z) RETURN p, id(x), id(y), id(z)",
    )
    assert isinstance(path, mgclient.Path)
    assert [n.id for n in path.nodes] == [x, y, z]
    assert [sorted(n.labels) for n in path.nodes] == [["X"], ["Y"], ["Z"]]
    r1, r2 = path.relationships
    assert (r1.type, r1.start_id, r1.end_id, r1.properties) == ("R1", x, y, {"k": 1})
    assert (r2.type, r2.start_id, r2.end_id) == ("R2", z, y)


def test_path_through_a_node_twice(connect: Connect) -> None:
    conn = connect(autocommit=True)
    _rows(conn, "CREATE (a:Loop {i: 0})-[:NEXT]->(b:Loop {i: 1})-[:NEXT]->(a)")
    [(path,)] = _rows(conn, "MATCH p = (a:Loop {i: 0})-[:NEXT]->()-[:NEXT]->(a) RETURN p")
    assert [n.properties["i"] for n in path.nodes] == [0, 1, 0]
    assert path.nodes[0].id == path.nodes[2].id
    first, second = path.relationships
    assert first.id != second.id
    assert (first.start_id, first.end_id) == (path.nodes[0].id, path.nodes[1].id)
    assert (second.start_id, second.end_id) == (path.nodes[1].id, path.nodes[0].id)


def test_variable_length_path(connect: Connect) -> None:
    conn = connect(autocommit=True)
    _rows(conn, "UNWIND range(0, 4) AS i CREATE (:Chain {i: i})")
    _rows(
        conn,
        "MATCH (a:Chain), (b:Chain) WHERE b.i = a.i + 1 CREATE (a)-[:LINK {from: a.i}]->(b)",
    )
    [(path,)] = _rows(conn, "MATCH p = (:Chain {i: 0})-[:LINK*]->(:Chain {i: 4}) RETURN p")
    assert [n.properties["i"] for n in path.nodes] == [0, 1, 2, 3, 4]
    assert [r.properties["from"] for r in path.relationships] == [0, 1, 2, 3]


# ---------------------------------------------------------------------------- transactions


@pytest.mark.requires("transactional")
def test_default_transaction_is_visible_only_after_commit(connect: Connect, observer: Any) -> None:
    conn = connect()
    cursor = conn.cursor()
    cursor.execute("CREATE (:Pending {v: 1})")
    assert conn.status == mgclient.CONN_STATUS_IN_TRANSACTION
    cursor.execute("MATCH (n:Pending) RETURN n.v")
    assert cursor.fetchall() == [(1,)]  # the transaction sees its own write
    assert _count(observer, "Pending") == 0
    conn.commit()
    assert conn.status == mgclient.CONN_STATUS_READY
    assert _count(observer, "Pending") == 1


@pytest.mark.requires("transactional")
def test_several_statements_commit_together(connect: Connect, observer: Any) -> None:
    conn = connect()
    cursor = conn.cursor()
    cursor.execute("CREATE (:Batch {i: 1})")
    cursor.execute("CREATE (:Batch {i: 2})")
    cursor.execute("MATCH (n:Batch) SET n.seen = true")
    assert _count(observer, "Batch") == 0
    conn.commit()
    assert _rows(observer, "MATCH (n:Batch) RETURN n.i, n.seen ORDER BY n.i") == [
        (1, True),
        (2, True),
    ]


@pytest.mark.requires("transactional")
def test_rollback_discards_the_transaction(connect: Connect, observer: Any) -> None:
    _rows(observer, "CREATE (:Kept {v: 0})")
    conn = connect()
    cursor = conn.cursor()
    cursor.execute("CREATE (:Discarded)")
    cursor.execute("MATCH (n:Kept) SET n.v = 1")
    conn.rollback()
    assert conn.status == mgclient.CONN_STATUS_READY
    assert _count(observer, "Discarded") == 0
    assert _value(observer, "MATCH (n:Kept) RETURN n.v") == 0
    # the connection itself sees nothing of it either, and goes on working
    assert _count(conn, "Discarded") == 0
    _rows(conn, "MATCH (n:Kept) SET n.v = 2")
    conn.commit()
    assert _value(observer, "MATCH (n:Kept) RETURN n.v") == 2


def test_autocommit_commits_every_statement(connect: Connect, observer: Any) -> None:
    conn = connect(autocommit=True)
    cursor = conn.cursor()
    cursor.execute("CREATE (:Auto)")
    assert conn.status == mgclient.CONN_STATUS_READY
    assert _count(observer, "Auto") == 1
    cursor.execute("CREATE (:Auto)")
    assert _count(observer, "Auto") == 2


@pytest.mark.requires("transactional")
def test_autocommit_can_be_switched_between_transactions(connect: Connect, observer: Any) -> None:
    conn = connect()
    _rows(conn, "CREATE (:Switch {phase: 1})")
    with pytest.raises(mgclient.InterfaceError):
        conn.autocommit = True  # refused by the client inside a transaction
    conn.commit()
    conn.autocommit = True
    _rows(conn, "CREATE (:Switch {phase: 2})")
    assert _count(observer, "Switch") == 2
    conn.autocommit = False
    _rows(conn, "CREATE (:Switch {phase: 3})")
    assert _count(observer, "Switch") == 2
    conn.rollback()
    assert _count(observer, "Switch") == 2


@pytest.mark.requires("transactional")
@pytest.mark.parametrize("end, kept", [("COMMIT", 1), ("ROLLBACK", 0)])
def test_transaction_statements_as_query_text(
    connect: Connect, observer: Any, end: str, kept: int
) -> None:
    """What pymgclient sends for a default connection, typed by hand on an autocommit one."""
    conn = connect(autocommit=True)
    cursor = conn.cursor()
    cursor.execute("BEGIN")
    assert cursor.description == []
    assert cursor.fetchall() == []
    cursor.execute("CREATE (:ByText)")
    assert _count(observer, "ByText") == 0
    cursor.execute(end)
    assert cursor.fetchall() == []
    assert _count(observer, "ByText") == kept
    assert _count(conn, "ByText") == kept


@pytest.mark.requires("transactional")
def test_closed_connection_rolls_back_its_transaction(module_serve_process, observer: Any) -> None:
    """pymgclient never sends GOODBYE: closing the socket must end the open transaction, so its
    writes are gone and hold no lock on what they touched."""
    _rows(observer, "CREATE (:Locked {v: 0})")
    proc = module_serve_process
    conn = mgclient.connect(host=proc.host, port=proc.port)
    cursor = conn.cursor()
    cursor.execute("MATCH (n:Locked) SET n.v = 1 CREATE (:Orphan)")
    conn.close()
    deadline = time.monotonic() + WAIT
    while True:  # the server notices the closed socket asynchronously
        try:
            _rows(observer, "MATCH (n:Locked) SET n.v = 2")
            break
        except mgclient.TransientError:
            assert time.monotonic() < deadline, "the closed connection's transaction lives on"
            time.sleep(0.05)
    assert _value(observer, "MATCH (n:Locked) RETURN n.v") == 2
    assert _count(observer, "Orphan") == 0


# -------------------------------------------------------------------------------- errors


def test_syntax_error_raises_database_error_and_the_connection_recovers(
    connect: Connect,
) -> None:
    conn = connect(autocommit=True)
    cursor = conn.cursor()
    with pytest.raises(mgclient.DatabaseError) as info:
        cursor.execute("CRATE (n:Typo)")
    assert not isinstance(info.value, mgclient.TransientError)
    assert "CRATE" in str(info.value)
    assert conn.status == mgclient.CONN_STATUS_READY
    with pytest.raises(mgclient.InterfaceError):
        cursor.fetchall()  # the failed execute left no result behind
    cursor.execute("RETURN 42")
    assert cursor.fetchall() == [(42,)]


@pytest.mark.parametrize(
    "query, params",
    [
        ("RETURN $missing", {}),
        ("MATCH (n) RETURN m", {}),
        ("RETURN 1 + 'a' - 1", {}),
        ("UNWIND [2, 1, 0] AS x RETURN 10 / x", {}),
        ("CALL no.such.procedure()", {}),
        ("RETURN toInteger($p) + {a: 1}", {"p": "1"}),
    ],
)
def test_query_errors_are_database_errors(connect: Connect, query: str, params: dict) -> None:
    conn = connect(autocommit=True)
    cursor = conn.cursor()
    with pytest.raises(mgclient.DatabaseError) as info:
        cursor.execute(query, params)
    assert not isinstance(info.value, mgclient.TransientError)
    assert str(info.value)
    assert conn.status == mgclient.CONN_STATUS_READY
    assert _value(conn, "RETURN 'still alive'") == "still alive"


@pytest.mark.requires("transactional")
def test_error_inside_a_transaction_rolls_it_back(connect: Connect, observer: Any) -> None:
    conn = connect()
    cursor = conn.cursor()
    cursor.execute("CREATE (:Lost)")
    with pytest.raises(mgclient.DatabaseError):
        cursor.execute("UNWIND [1, 0] AS x CREATE (:Lost {inverse: 1 / x})")
    # pymgclient sent RESET: the server dropped the transaction and the client knows it
    assert conn.status == mgclient.CONN_STATUS_READY
    conn.commit()  # nothing to commit
    assert _count(observer, "Lost") == 0
    assert _count(conn, "Lost") == 0
    cursor.execute("CREATE (:Found)")  # a new transaction begins
    assert conn.status == mgclient.CONN_STATUS_IN_TRANSACTION
    conn.commit()
    assert _count(observer, "Found") == 1


def test_errors_in_a_row_each_recover(connect: Connect) -> None:
    conn = connect()
    cursor = conn.cursor()
    for _ in range(3):
        with pytest.raises(mgclient.DatabaseError):
            cursor.execute("RETURN nope")
    cursor.execute("RETURN 'ok'")
    assert cursor.fetchall() == [("ok",)]


@pytest.mark.requires("write_conflicts_at_write")
def test_write_write_conflict_is_a_transient_error(connect: Connect, observer: Any) -> None:
    _rows(observer, "CREATE (:X {v: 0})")
    a = connect()
    a.cursor().execute("MATCH (n:X) SET n.v = 1")
    assert a.status == mgclient.CONN_STATUS_IN_TRANSACTION
    b = connect(autocommit=True)
    with pytest.raises(mgclient.TransientError, match="conflicting transactions"):
        b.cursor().execute("MATCH (n:X) SET n.v = 2")
    assert b.status == mgclient.CONN_STATUS_READY
    a.commit()
    assert _value(observer, "MATCH (n:X) RETURN n.v") == 1
    b.cursor().execute("MATCH (n:X) SET n.v = 2")  # the retry succeeds once A is done
    assert _value(observer, "MATCH (n:X) RETURN n.v") == 2


@pytest.mark.requires("write_conflicts_at_write", "transactional")
def test_conflict_rolls_back_the_losing_transaction(connect: Connect, observer: Any) -> None:
    _rows(observer, "CREATE (:X {v: 0})")
    a, b = connect(), connect()
    a.cursor().execute("MATCH (n:X) SET n.v = 1")
    b_cursor = b.cursor()
    b_cursor.execute("CREATE (:WrittenByB)")
    with pytest.raises(mgclient.TransientError):
        b_cursor.execute("MATCH (n:X) SET n.v = 2")
    assert b.status == mgclient.CONN_STATUS_READY  # B's transaction is gone
    a.commit()
    assert _count(observer, "WrittenByB") == 0
    assert _value(observer, "MATCH (n:X) RETURN n.v") == 1
    b_cursor.execute("MATCH (n:X) SET n.v = n.v + 10")
    b.commit()
    assert _value(observer, "MATCH (n:X) RETURN n.v") == 11


# --------------------------------------------------------------------- large results, lazy


def test_large_result(connect: Connect) -> None:
    conn = connect(autocommit=True)
    cursor = conn.cursor()
    cursor.execute("UNWIND range(1, 100000) AS i RETURN i, 'row-' + toString(i) AS s")
    rows = cursor.fetchall()
    assert len(rows) == 100_000
    assert rows[0] == (1, "row-1")
    assert rows[-1] == (100_000, "row-100000")
    assert sum(i for i, _ in rows) == 100_000 * 100_001 // 2


def test_large_values_span_many_chunks(connect: Connect) -> None:
    conn = connect(autocommit=True)
    text = "0123456789abcdef" * 65_536  # 1 MiB, sixteen 64 KiB chunks each way
    numbers = list(range(50_000))
    [(back, size, total)] = _rows(
        conn,
        "RETURN $t AS t, size($t) AS n, reduce(s = 0, x IN $l | s + x) AS total",
        {"t": text, "l": numbers},
    )
    assert back == text
    assert size == len(text)
    assert total == sum(numbers)
    assert _value(conn, "RETURN $l AS l", {"l": numbers}) == numbers


def test_lazy_connection_pulls_row_by_row(connect: Connect, observer: Any) -> None:
    conn = connect(lazy=True)
    assert conn.autocommit is True  # lazy connections are always autocommit
    cursor = conn.cursor()
    cursor.execute("UNWIND range(1, 10) AS i CREATE (n:Lazy {i: i}) RETURN n.i")
    assert [c.name for c in cursor.description] == ["n.i"]
    assert conn.status == mgclient.CONN_STATUS_EXECUTING
    assert cursor.fetchone() == (1,)
    assert cursor.fetchmany(3) == [(2,), (3,), (4,)]
    with pytest.raises(mgclient.InterfaceError):
        conn.cursor().execute("RETURN 1")  # one result at a time, client-side
    assert cursor.fetchall() == [(i,) for i in range(5, 11)]  # the rest in one PULL
    assert cursor.fetchone() is None
    assert conn.status == mgclient.CONN_STATUS_READY
    assert _count(observer, "Lazy") == 10  # committed when the stream ended
    cursor.execute("MATCH (n:Lazy) RETURN count(n)")
    assert cursor.fetchall() == [(10,)]


def test_lazy_connection_large_result(connect: Connect) -> None:
    conn = connect(lazy=True)
    cursor = conn.cursor()
    cursor.execute("UNWIND range(1, 20000) AS i RETURN i")
    head = [cursor.fetchone()[0] for _ in range(500)]
    rest = [row[0] for row in cursor.fetchall()]
    assert head + rest == list(range(1, 20001))


def test_lazy_connection_error_in_the_stream(connect: Connect) -> None:
    conn = connect(lazy=True)
    cursor = conn.cursor()
    seen: list[int] = []
    with pytest.raises(mgclient.DatabaseError):
        cursor.execute("UNWIND [1, 2, 0, 4] AS x RETURN 10 / x")
        while (row := cursor.fetchone()) is not None:
            seen.append(row[0])
    assert seen in ([], [10], [10, 5])  # never a row past the failing one
    assert conn.status == mgclient.CONN_STATUS_READY
    cursor.execute("RETURN 'recovered'")
    assert cursor.fetchall() == [("recovered",)]


# ------------------------------------------------------------------------ routing, auth


def test_routing_connection(module_serve_process, connect: Connect) -> None:
    """pymgclient's client-side routing: a ROUTE request names this server for every role."""
    host, port = module_serve_process.host, module_serve_process.port
    routed = mgclient.connect(host=host, port=port, routing=True)
    try:
        assert _value(routed, "RETURN 'routed'") == "routed"
    finally:
        routed.close()
    table = connect().get_routing_table()
    assert {s["role"] for s in table["servers"]} == {"WRITE", "READ", "ROUTE"}
    assert all(s["addresses"] == [f"{host}:{port}"] for s in table["servers"])


@pytest.mark.requires("write_conflicts_at_write")
def test_router_execute_write_retries_after_a_transient_error(
    module_serve_process, connect: Connect, observer: Any
) -> None:
    """``Router.execute_write`` retries the work after the server's TransientError (a
    write-write conflict with an open transaction)."""
    host, port = module_serve_process.host, module_serve_process.port
    _rows(observer, "CREATE (:X {v: 0})")
    holder = connect()
    holder.cursor().execute("MATCH (n:X) SET n.v = 1")
    attempts: list[int] = []

    def work(cursor: Any) -> int:
        attempts.append(1)
        try:
            cursor.execute("MATCH (n:X) SET n.v = n.v + 10 RETURN n.v")
        except mgclient.TransientError:
            # the conflicting transaction ends before the retry begins its own (a retry that
            # began earlier would conflict again under snapshot isolation)
            holder.commit()
            raise
        return cursor.fetchall()[0][0]

    router = mgclient.Router(host=host, port=port, retry_backoff=0.01, retry_backoff_cap=0.05)
    assert router.execute_write(work) == 11
    assert len(attempts) == 2
    assert _value(observer, "MATCH (n:X) RETURN n.v") == 11


def test_authentication(serve_process) -> None:
    proc = serve_process("--auth-user=alice", "--auth-password=s3cret")
    conn = mgclient.connect(host=proc.host, port=proc.port, username="alice", password="s3cret")
    try:
        cursor = conn.cursor()
        cursor.execute("RETURN 'in'")
        assert cursor.fetchall() == [("in",)]
    finally:
        conn.close()
    for credentials in ({"username": "alice", "password": "wrong"}, {}):
        with pytest.raises(mgclient.OperationalError, match=r"[Aa]uthentication"):
            mgclient.connect(host=proc.host, port=proc.port, **credentials)
