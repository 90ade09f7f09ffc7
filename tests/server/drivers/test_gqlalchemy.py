"""GQLAlchemy 1.10 (Memgraph's OGM and query builder, over pymgclient and Bolt 4.4) against
mgcore's Bolt server.

Like pymgclient's tests, these use an ``mgcore serve`` child (the C extension holds the GIL while
it waits on its socket), one per module, cleared before every test. Covered: ``execute`` and
``execute_and_fetch`` with the query text GQLAlchemy generates (trailing ``;``, doubled spaces,
values inlined as literals), results as GQLAlchemy models, the OGM without indexes (``save``,
``load``, ``get_or_create``), the query builder, ``get_indexes``, ``get_constraints``,
``get_procedures``, ``drop_database``, storage info, routed managed transactions, the error
classes and authentication.

Index and constraint DDL: round trips through GQLAlchemy's helpers, a model field with
``index=True``, and a uniqueness violation reported as ``GQLAlchemyDatabaseError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

gqlalchemy = pytest.importorskip("gqlalchemy")
mgclient = pytest.importorskip("mgclient")

from gqlalchemy import (  # noqa: E402
    Field,
    GQLAlchemyDatabaseError,
    GQLAlchemyError,
    GQLAlchemyTransientError,
    Memgraph,
    MemgraphConstraintExists,
    MemgraphConstraintUnique,
    MemgraphIndex,
    Node,
    Path,
    QueryBuilder,
    Relationship,
)
from gqlalchemy.query_builders.declarative_base import Operator  # noqa: E402

pytestmark = pytest.mark.filterwarnings(
    # results whose labels have no model class come back as plain Node/Relationship, with a warning
    "ignore::gqlalchemy.exceptions.GQLAlchemySubclassNotFoundWarning"
)


class Person(Node):
    name: str
    age: int | None = None
    tags: list[str] | None = None


class Knows(Relationship, type="KNOWS"):
    since: int | None = None


@pytest.fixture(autouse=True)
def empty_database(module_serve_process) -> None:
    conn = mgclient.connect(host=module_serve_process.host, port=module_serve_process.port)
    conn.autocommit = True
    conn.cursor().execute("MATCH (n) DETACH DELETE n")
    conn.close()


@pytest.fixture
def db(module_serve_process) -> Memgraph:
    return Memgraph(host=module_serve_process.host, port=module_serve_process.port)


@pytest.fixture
def raw(module_serve_process) -> Iterator[Any]:
    """A pymgclient connection (autocommit) beside GQLAlchemy's own."""
    conn = mgclient.connect(host=module_serve_process.host, port=module_serve_process.port)
    conn.autocommit = True
    yield conn
    if conn.status == mgclient.CONN_STATUS_IN_TRANSACTION:
        conn.rollback()
    conn.close()


def _value(db: Memgraph, query: str) -> Any:
    [row] = list(db.execute_and_fetch(query))
    [value] = row.values()
    return value


# ----------------------------------------------------------------- execute, execute_and_fetch


def test_execute_and_fetch_rows_as_dicts(db: Memgraph) -> None:
    rows = list(
        db.execute_and_fetch(
            "UNWIND range(1, $n) AS i RETURN i, i * $k AS scaled, 'row ' + toString(i) AS label;",
            {"n": 3, "k": 2.5},
        )
    )
    assert rows == [
        {"i": 1, "scaled": 2.5, "label": "row 1"},
        {"i": 2, "scaled": 5.0, "label": "row 2"},
        {"i": 3, "scaled": 7.5, "label": "row 3"},
    ]


def test_execute_commits_and_returns_nothing(db: Memgraph, raw: Any) -> None:
    assert db.execute("CREATE (:Made {v: $v});", {"v": [1, {"k": None}]}) is None
    cursor = raw.cursor()
    cursor.execute("MATCH (n:Made) RETURN n.v")
    assert cursor.fetchall() == [([1, {"k": None}],)]


def test_execute_and_fetch_is_lazy_python_side(db: Memgraph) -> None:
    results = db.execute_and_fetch("UNWIND range(1, 1000) AS i RETURN i;")
    assert next(results) == {"i": 1}
    assert next(results) == {"i": 2}
    assert sum(row["i"] for row in results) == 1000 * 1001 // 2 - 3


def test_queries_shaped_like_gqlalchemys(db: Memgraph) -> None:
    node = _value(db, "CREATE (node:A:B)  SET node.x = 'y'  RETURN node;")
    same = _value(
        db, f"MATCH (node: A:B) WHERE id(node) = {node._id}  SET node.z = 1  RETURN node;"
    )
    assert same._id == node._id
    assert (same.x, same.z) == ("y", 1)


def test_graph_values_become_models(db: Memgraph) -> None:
    [row] = list(
        db.execute_and_fetch(
            "CREATE p = (a:Thing:Other {name: 'a'})-[r:LINKS {w: 2}]->(b:Thing {name: 'b'}) "
            "RETURN a, r, b, p, id(a) AS a_id, id(b) AS b_id, id(r) AS r_id;"
        )
    )
    a, r, b, p = row["a"], row["r"], row["b"], row["p"]
    assert isinstance(a, Node) and isinstance(b, Node)
    assert (a._id, b._id) == (row["a_id"], row["b_id"])
    assert a._labels == {"Thing", "Other"}
    assert a._properties == {"name": "a"}
    assert isinstance(r, Relationship)
    assert (r._id, r._type, r._start_node_id, r._end_node_id) == (
        row["r_id"],
        "LINKS",
        a._id,
        b._id,
    )
    assert r._properties == {"w": 2}
    assert isinstance(p, Path)
    assert [n._id for n in p._nodes] == [a._id, b._id]
    assert [rel._id for rel in p._relationships] == [r._id]


def test_results_use_model_classes(db: Memgraph) -> None:
    db.execute(
        "CREATE (:Person {name: 'Ann', age: 41})-[:KNOWS {since: 2001}]->(:Person {name: 'Bob'});"
    )
    [row] = list(db.execute_and_fetch("MATCH (a:Person)-[k:KNOWS]->(b:Person) RETURN a, k, b;"))
    assert isinstance(row["a"], Person) and isinstance(row["b"], Person)
    assert (row["a"].name, row["a"].age, row["b"].name, row["b"].age) == ("Ann", 41, "Bob", None)
    assert isinstance(row["k"], Knows)
    assert row["k"].since == 2001


# --------------------------------------------------------------------------------- the OGM


def test_save_and_load_a_node(db: Memgraph, raw: Any) -> None:
    ann = Person(name="Ann", age=41, tags=["admin", "ops"]).save(db)
    assert ann._id is not None
    cursor = raw.cursor()
    cursor.execute("MATCH (n:Person) RETURN id(n), n.name, n.age, n.tags")
    assert cursor.fetchall() == [(ann._id, "Ann", 41, ["admin", "ops"])]

    by_properties = Person(name="Ann").load(db)  # MATCH … WHERE node.name = "Ann"
    assert by_properties._id == ann._id
    assert by_properties.age == 41
    by_id = Person(name="ignored")
    by_id._id = ann._id
    assert by_id.load(db).name == "Ann"

    ann.age = 42
    ann.save(db)  # MATCH … WHERE id(node) = N  SET node.age = 42 …
    cursor.execute("MATCH (n:Person) RETURN count(n), n.age")
    assert cursor.fetchall() == [(1, 42)]


def test_load_of_a_missing_node_is_an_error(db: Memgraph) -> None:
    with pytest.raises(GQLAlchemyError, match="No result found"):
        Person(name="Nobody").load(db)


def test_get_or_create(db: Memgraph) -> None:
    first, created = Person(name="Cy", age=3).get_or_create(db)
    assert created is True
    again, created_again = Person(name="Cy", age=3).get_or_create(db)
    assert created_again is False
    assert again._id == first._id
    assert _value(db, "MATCH (n:Person) RETURN count(n) AS c;") == 1


def test_save_and_load_a_relationship(db: Memgraph) -> None:
    ann = Person(name="Ann").save(db)
    bob = Person(name="Bob").save(db)
    knows = Knows(_start_node_id=ann._id, _end_node_id=bob._id, since=2020).save(db)
    assert knows._id is not None
    loaded = Knows(_start_node_id=ann._id, _end_node_id=bob._id).load(db)
    assert loaded._id == knows._id
    assert loaded.since == 2020
    knows.since = 2021
    knows.save(db)
    assert _value(db, "MATCH ()-[k:KNOWS]->() RETURN k.since AS s;") == 2021


def test_strings_inlined_as_escaped_literals(db: Memgraph) -> None:
    """GQLAlchemy writes strings into the query with json.dumps: \\uXXXX escapes, surrogate
    pairs for characters beyond the BMP, escaped quotes and backslashes."""
    name = 'Zoë "Z" O\'Neil \\ 日本 🎉\n'
    saved = Person(name=name).save(db)
    assert Person(name=name).load(db)._id == saved._id
    assert _value(db, f"MATCH (n:Person) WHERE id(n) = {saved._id} RETURN n.name AS name;") == name


def test_query_builder(db: Memgraph) -> None:
    QueryBuilder(connection=db).create().node(labels="City", variable="c", name="Zagreb").to(
        relationship_type="IN"
    ).node(labels="Country", name="Croatia").execute()
    rows = list(
        QueryBuilder(connection=db)
        .match()
        .node(labels="City", variable="c")
        .to(relationship_type="IN", variable="r")
        .node(labels="Country", variable="k")
        .where(item="k.name", operator=Operator.EQUAL, literal="Croatia")
        .return_(results=[("c.name", "city"), "r"])
        .execute()
    )
    assert len(rows) == 1
    assert rows[0]["city"] == "Zagreb"
    assert rows[0]["r"]._type == "IN"


def test_drop_database(db: Memgraph) -> None:
    db.execute("UNWIND range(1, 50) AS i CREATE (:Gone {i: i})-[:TO]->(:Gone);")
    db.drop_database()  # MATCH (n) DETACH DELETE n;
    assert _value(db, "MATCH (n) RETURN count(n) AS c;") == 0


# --------------------------------------------------------------- schema and server information


def test_get_indexes_and_constraints_on_an_empty_schema(db: Memgraph, raw: Any) -> None:
    assert db.get_indexes() == []
    assert db.get_constraints() == []
    assert db.get_exists_constraints() == []
    assert db.get_unique_constraints() == []
    db.ensure_indexes([])  # nothing to drop or create
    db.ensure_constraints([])
    # the columns GQLAlchemy reads by name
    cursor = raw.cursor()
    cursor.execute("SHOW INDEX INFO;")
    assert [c.name for c in cursor.description] == ["index type", "label", "property", "count"]
    cursor.execute("SHOW CONSTRAINT INFO;")
    assert [c.name for c in cursor.description] == [
        "constraint type",
        "label",
        "properties",
        "data_type",
    ]


def test_index_round_trip(db: Memgraph) -> None:
    db.create_index(MemgraphIndex("Person", "name"))
    db.create_index(MemgraphIndex("Person"))
    db.create_index(MemgraphIndex("Person", "name"))  # idempotent, as in Memgraph
    assert set(db.get_indexes()) == {MemgraphIndex("Person", "name"), MemgraphIndex("Person")}
    db.drop_index(MemgraphIndex("Person", "name"))
    assert db.get_indexes() == [MemgraphIndex("Person")]
    db.drop_indexes()
    assert db.get_indexes() == []


@pytest.mark.requires("existence_constraint", "unique_constraint")
def test_constraint_round_trip(db: Memgraph) -> None:
    exists = MemgraphConstraintExists("Person", "name")
    unique = MemgraphConstraintUnique("Person", ("name",))
    db.create_constraint(exists)
    db.create_constraint(unique)
    assert db.get_exists_constraints() == [exists]
    assert db.get_unique_constraints() == [unique]
    db.ensure_constraints([])
    assert db.get_constraints() == []


@pytest.mark.requires("unique_constraint")
def test_unique_constraint_violation_is_a_database_error(db: Memgraph) -> None:
    """A second node with a constrained value fails at commit with Memgraph's text; the first
    stays, and the connection goes on working. ``save`` reads its result through
    ``execute_and_fetch``, whose error wrapper covers only the generator's creation, so the
    driver's own DatabaseError surfaces (as it does against Memgraph)."""
    unique = MemgraphConstraintUnique("Person", ("name",))
    db.create_constraint(unique)
    try:
        Person(name="Ada").save(db)
        with pytest.raises(mgclient.DatabaseError, match="unique constraint violation on"):
            Person(name="Ada").save(db)
        assert _value(db, "MATCH (p:Person) RETURN count(p) AS c;") == 1
    finally:
        db.drop_constraint(unique)


def test_model_with_an_indexed_field_creates_the_index(db: Memgraph) -> None:
    """A Field(index=True, db=db) issues CREATE INDEX when the class is defined; lookups by
    that property then go through the index."""

    class IndexedModel(Node):
        code: str = Field(index=True, db=db)

    try:
        assert MemgraphIndex("IndexedModel", "code") in db.get_indexes()
        IndexedModel(code="x1").save(db)
        IndexedModel(code="x2").save(db)
        plan = [row["QUERY PLAN"] for row in db.execute_and_fetch(
            "EXPLAIN MATCH (n:IndexedModel {code: 'x2'}) RETURN n;")]
        assert any("ScanAllByLabelPropertyValue" in line for line in plan), plan
        loaded = IndexedModel(code="x2").load(db)
        assert loaded.code == "x2"
    finally:
        db.drop_indexes()


def test_get_procedures(db: Memgraph) -> None:
    procedures = {p.name: p for p in db.get_procedures()}
    assert {"mg.procedures", "mg.functions", "db.labels"} <= procedures.keys()
    labels = procedures["db.labels"]
    assert labels.arguments == []
    assert labels.returns == [{"name": "label", "type": "STRING"}]
    assert labels.is_write is False
    listing = procedures["mg.procedures"]
    assert [r["name"] for r in listing.returns] == [
        "name",
        "signature",
        "is_write",
        "path",
        "is_editable",
    ]
    assert [p.name for p in db.get_procedures(starts_with="db.")] == sorted(
        n for n in procedures if n.startswith("db.")
    )


def test_storage_mode_and_info(db: Memgraph, storage_mode: str) -> None:
    db.execute("CREATE (:Counted)-[:R]->(:Counted);")
    assert db.get_storage_mode() == storage_mode
    info = {row["storage info"]: row["value"] for row in db.get_storage_info()}
    assert info["vertex_count"] == 2
    assert info["edge_count"] == 1
    assert info["storage_mode"] == storage_mode


def test_build_info_transactions_and_their_termination(db: Memgraph, raw: Any) -> None:
    """GQLAlchemy's get_build_info, get_transactions and terminate_transactions read
    Memgraph's columns; a raw connection's open transaction is listed and ended."""
    assert db.get_build_info() == [{"build info": "build_type", "value": "Release"}]
    raw.autocommit = False
    cursor = raw.cursor()
    cursor.execute("CREATE (:Pending)")
    transactions = db.get_transactions()
    mine = [t for t in transactions if t.query == ["CREATE (:Pending)"]]
    assert len(mine) == 1 and mine[0].metadata == {}
    assert [t.query for t in transactions if t is not mine[0]] == [["SHOW TRANSACTIONS;"]]
    [killed] = db.terminate_transactions([mine[0].transaction_id])
    assert (str(killed.transaction_id), killed.killed) == (str(mine[0].transaction_id), True)
    with pytest.raises(mgclient.DatabaseError, match="asked to abort"):
        cursor.execute("RETURN 1")
    raw.rollback()
    assert _value(db, "MATCH (n:Pending) RETURN count(n) AS c") == 0


# ----------------------------------------------------------------------------------- errors


def test_execute_error_is_a_gqlalchemy_database_error(db: Memgraph) -> None:
    with pytest.raises(GQLAlchemyDatabaseError) as info:
        db.execute("CRATE (n:Typo);")
    assert not isinstance(info.value, GQLAlchemyTransientError)
    assert "CRATE" in str(info.value)
    assert isinstance(info.value.__cause__, mgclient.DatabaseError)
    assert _value(db, "RETURN 'after' AS a;") == "after"  # the cached connection recovered


def test_execute_and_fetch_error_surfaces_while_iterating(db: Memgraph) -> None:
    """GQLAlchemy's error wrapper decorates the generator function, so an error of
    execute_and_fetch arrives unwrapped, as pymgclient's DatabaseError, on the first next()."""
    results = db.execute_and_fetch("RETURN $missing AS m;")
    with pytest.raises(mgclient.DatabaseError):
        next(results)
    assert _value(db, "RETURN 'after' AS a;") == "after"


@pytest.mark.requires("write_conflicts_at_write")
def test_write_conflict_is_a_transient_error(db: Memgraph, module_serve_process) -> None:
    db.execute("CREATE (:X {v: 0});")
    holder = mgclient.connect(host=module_serve_process.host, port=module_serve_process.port)
    try:
        holder.cursor().execute("MATCH (n:X) SET n.v = 1")  # open, uncommitted
        with pytest.raises(GQLAlchemyTransientError, match="conflicting transactions"):
            db.execute("MATCH (n:X) SET n.v = 2;")
        holder.commit()
    finally:
        holder.close()
    db.execute("MATCH (n:X) SET n.v = n.v + 10;")
    assert _value(db, "MATCH (n:X) RETURN n.v AS v;") == 11


# ----------------------------------------------------------------------- routing and auth


def test_routed_managed_transactions(module_serve_process) -> None:
    routed = Memgraph(host=module_serve_process.host, port=module_serve_process.port, routing=True)

    def write(tx: Any) -> int:
        tx.execute("CREATE (:Routed {v: 1});")
        return next(tx.execute_and_fetch("MATCH (n:Routed) RETURN count(n) AS c;"))["c"]

    assert routed.execute_write(write) == 1
    assert routed.execute_read(
        lambda tx: [row["v"] for row in tx.execute_and_fetch("MATCH (n:Routed) RETURN n.v AS v;")]
    ) == [1]
    address = f"{module_serve_process.host}:{module_serve_process.port}"
    table = routed.get_routing_table()
    assert (table["write"], table["read"], table["route"]) == ([address], [address], [address])


def test_authentication(serve_process) -> None:
    proc = serve_process("--auth-user=alice", "--auth-password=s3cret")
    db = Memgraph(host=proc.host, port=proc.port, username="alice", password="s3cret")
    assert _value(db, "RETURN 'in' AS x;") == "in"
