"""Memgraph's admin statements end to end on embedded sessions: isolation levels through Cypher
(what each level lets one session see of another's writes), ``--memory-limit``, ``FREE
MEMORY``, and the rows of SHOW STORAGE INFO / SHOW INDEX INFO / SHOW CONSTRAINT INFO."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import mgcore
from mgcore.database import Database
from mgcore.errors import ClientError, CypherSyntaxError, MemoryLimitExceeded, TransactionError
from mgcore.execution import human_size, physical_memory, resident_memory
from mgcore.session import Session
from mgcore.storage.records import IndexInfo, IndexSpec, IsolationLevel


def open_db(tmp_path_factory: pytest.TempPathFactory, **settings: Any) -> Database:
    return mgcore.connect(
        storage_mode="IN_MEMORY_TRANSACTIONAL",
        data_directory=str(tmp_path_factory.mktemp("db")),
        **settings,
    )


@pytest.fixture
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = open_db(tmp_path_factory)
    yield database
    database.close()


def count(s: Session) -> int:
    return s.run("MATCH (n:X) RETURN count(n) AS c").single()[0]  # type: ignore[index]


def info(s: Session) -> dict[str, Any]:
    return {name: value for name, value in s.run("SHOW STORAGE INFO")}


# ----------------------------------------------------------------------- isolation levels


def test_snapshot_isolation_reader_does_not_see_a_later_commit(db: Database) -> None:
    with db.session() as reader, db.session() as writer:
        tx = reader.begin_transaction()
        assert count(reader) == 0
        writer.run("CREATE (:X)").consume()
        assert count(reader) == 0
        tx.commit()
        assert count(reader) == 1


def test_read_committed_sees_a_commit_made_during_the_transaction(db: Database) -> None:
    with db.session() as reader, db.session() as writer:
        reader.run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
        reader.run("BEGIN").consume()
        assert count(reader) == 0
        wtx = writer.begin_transaction()
        writer.run("CREATE (:X)").consume()
        assert count(reader) == 0  # not committed yet
        wtx.commit()
        assert count(reader) == 1
        reader.run("COMMIT").consume()


def test_read_uncommitted_sees_another_sessions_uncommitted_write(db: Database) -> None:
    with db.session() as reader, db.session() as writer:
        reader.run("SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED").consume()
        wtx = writer.begin_transaction()
        writer.run("CREATE (:X)").consume()
        assert count(reader) == 1
        wtx.rollback()
        assert count(reader) == 0


def test_next_applies_to_one_transaction_only(db: Database) -> None:
    with db.session() as reader, db.session() as writer:
        reader.run("SET NEXT TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
        assert info(reader)["next_session_isolation_level"] == "READ_COMMITTED"
        assert info(reader)["session_isolation_level"] == ""
        reader.run("BEGIN").consume()  # the next transaction: read committed
        assert reader.transaction is not None
        assert reader.transaction.engine_tx.isolation is IsolationLevel.READ_COMMITTED
        writer.run("CREATE (:X)").consume()
        assert count(reader) == 1
        reader.run("COMMIT").consume()
        assert info(reader)["next_session_isolation_level"] == ""
        tx = reader.begin_transaction()  # back to snapshot isolation
        assert tx.engine_tx.isolation is IsolationLevel.SNAPSHOT_ISOLATION
        assert count(reader) == 1
        writer.run("CREATE (:X)").consume()
        assert count(reader) == 1
        tx.commit()


def test_next_is_taken_by_an_auto_commit_query(db: Database) -> None:
    with db.session() as s:
        s.run("SET NEXT TRANSACTION ISOLATION LEVEL READ UNCOMMITTED").consume()
        s.run("MATCH (n) RETURN n").consume()
        assert s.begin_transaction().engine_tx.isolation is IsolationLevel.SNAPSHOT_ISOLATION


def test_session_level_persists_and_next_overrides_it_once(db: Database) -> None:
    with db.session() as s:
        s.run("SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED").consume()
        for _ in range(2):
            tx = s.begin_transaction()
            assert tx.engine_tx.isolation is IsolationLevel.READ_UNCOMMITTED
            tx.commit()
        s.run("SET NEXT TRANSACTION ISOLATION LEVEL SNAPSHOT ISOLATION").consume()
        tx = s.begin_transaction()
        assert tx.engine_tx.isolation is IsolationLevel.SNAPSHOT_ISOLATION
        tx.commit()
        tx = s.begin_transaction()
        assert tx.engine_tx.isolation is IsolationLevel.READ_UNCOMMITTED
        tx.commit()
        assert info(s)["session_isolation_level"] == "READ_UNCOMMITTED"


def test_global_changes_the_default_of_new_transactions(db: Database) -> None:
    with db.session() as a, db.session() as b, db.session() as c:
        b.run("SET SESSION TRANSACTION ISOLATION LEVEL SNAPSHOT ISOLATION").consume()
        a.run("SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
        assert info(c)["global_isolation_level"] == "READ_COMMITTED"
        assert c.begin_transaction().engine_tx.isolation is IsolationLevel.READ_COMMITTED
        assert a.begin_transaction().engine_tx.isolation is IsolationLevel.READ_COMMITTED
        # a session level wins over the global one
        assert b.begin_transaction().engine_tx.isolation is IsolationLevel.SNAPSHOT_ISOLATION
    with db.session() as d:
        assert d.begin_transaction().engine_tx.isolation is IsolationLevel.READ_COMMITTED


def test_isolation_level_flag(tmp_path_factory: pytest.TempPathFactory) -> None:
    database = open_db(tmp_path_factory, isolation_level="READ_COMMITTED")
    try:
        with database.session() as s:
            assert info(s)["global_isolation_level"] == "READ_COMMITTED"
            assert s.begin_transaction().engine_tx.isolation is IsolationLevel.READ_COMMITTED
    finally:
        database.close()


def test_isolation_level_refused_in_explicit_transaction(db: Database) -> None:
    with db.session() as s:
        s.run("BEGIN").consume()
        with pytest.raises(
            TransactionError,
            match=r"^Isolation level cannot be modified in multicommand transactions\.$",
        ):
            s.run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
        s.run("ROLLBACK").consume()
        assert info(s)["session_isolation_level"] == ""


def test_unsupported_level_refused(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    caps = db.engine.capabilities
    only_si = type(caps)(**{**caps.__dict__, "isolation_levels": frozenset(
        {IsolationLevel.SNAPSHOT_ISOLATION})})
    monkeypatch.setattr(type(db.engine), "capabilities", only_si)
    with db.session() as s, pytest.raises(ClientError, match="does not support"):
        s.run("SET NEXT TRANSACTION ISOLATION LEVEL READ UNCOMMITTED")


# --------------------------------------------------------------------------- memory limit


def _limit_above_current(headroom_mib: int) -> int:
    return resident_memory() // (1024 * 1024) + headroom_mib


def test_memory_limit_refuses_a_huge_range_before_building_it(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    database = open_db(tmp_path_factory, memory_limit=_limit_above_current(64))
    try:
        with database.session() as s:
            s.run("CREATE (:Keep {v: 1})").consume()
            with pytest.raises(MemoryLimitExceeded, match=r"^Memory limit exceeded! Attempting"):
                s.run("UNWIND range(1, 10000000) AS i CREATE (:X {i: i})")
            assert count(s) == 0
            assert s.run("MATCH (n:Keep) RETURN n.v").single()[0] == 1  # type: ignore[index]
            assert s.run("UNWIND range(1, 1000) AS i RETURN sum(i)").single()[0] == 500500  # type: ignore[index]
    finally:
        database.close()


def test_memory_limit_aborts_a_growing_transaction(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    database = open_db(tmp_path_factory, memory_limit=_limit_above_current(48))
    try:
        with database.session() as s:
            assert info(s)["allocation_limit"].endswith("MiB")
            s.run("CREATE (:Keep {v: 1})").consume()
            with pytest.raises(
                MemoryLimitExceeded, match=r"^Memory limit exceeded! Current use is .* while "
                r"the maximum allowed size for allocation is set to"
            ) as raised:
                # each row is small (a 2000-element list), the transaction grows past the limit
                s.run("UNWIND range(1, 40000) AS i CREATE (:X {i: i, l: range(i, i + 2000)})")
            assert raised.value.code == "Memgraph.TransientError.MemgraphError.MemgraphError"
            assert count(s) == 0  # rolled back
            assert s.run("MATCH (n) RETURN count(n)").single()[0] == 1  # type: ignore[index]
            s.run("UNWIND range(1, 5000) AS i CREATE (:Y {i: i})").consume()
            assert s.run("MATCH (n:Y) RETURN count(n)").single()[0] == 5000  # type: ignore[index]
    finally:
        database.close()


def test_memory_limit_in_explicit_transaction_fails_it(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    database = open_db(tmp_path_factory, memory_limit=_limit_above_current(64))
    try:
        with database.session() as s:
            tx = s.begin_transaction()
            tx.run("CREATE (:X)").consume()
            with pytest.raises(MemoryLimitExceeded):
                tx.run("RETURN size(range(1, 100000000)) AS n").consume()
            with pytest.raises(TransactionError):
                tx.commit()
            assert count(s) == 0
    finally:
        database.close()


def test_without_memory_limit_memgraphs_default_applies(db: Database) -> None:
    """``--memory-limit=0`` is Memgraph's default: 90% of memory without swap, all of it with
    swap; SHOW STORAGE INFO's allocation_limit shows it."""
    total = physical_memory()
    assert total > 0
    assert db.memory_limit in (total, total * 9 // 10)
    with db.session() as s:
        assert info(s)["allocation_limit"] == human_size(db.memory_limit)


def test_the_default_limit_refuses_a_range_beyond_memory(db: Database) -> None:
    """A query that would need more than the machine has fails cleanly instead of getting the
    server killed: one that 'range' alone would take past the default limit."""
    with db.session() as s:
        with pytest.raises(MemoryLimitExceeded, match="Memory limit exceeded"):
            s.run("UNWIND range(1, $n) AS i RETURN count(i)", n=physical_memory()).consume()
        assert s.run("RETURN 1 AS x").single()[0] == 1  # type: ignore[index]


# ---------------------------------------------------------------------------- FREE MEMORY


def test_free_memory(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = db.engine.free_memory

    def free_memory() -> None:
        calls.append(1)
        real()

    monkeypatch.setattr(db.engine, "free_memory", free_memory)
    with db.session() as s:
        result = s.run("FREE MEMORY")
        assert result.keys() == () or list(result.keys()) == []  # type: ignore[comparison-overlap]
        assert list(result) == []
        assert calls == [1]
        s.run("BEGIN").consume()
        with pytest.raises(
            TransactionError,
            match=r"^Free memory query not allowed in multicommand transactions\.$",
        ):
            s.run("FREE MEMORY")
        s.run("ROLLBACK").consume()
        assert calls == [1]


# ---------------------------------------------------------------------- SHOW ... INFO rows

STORAGE_INFO_ROWS = [
    "name", "vertex_count", "edge_count", "average_degree", "vm_max_map_count", "memory_res",
    "peak_memory_res", "unreleased_delta_objects", "disk_usage", "memory_tracked",
    "allocation_limit", "global_isolation_level", "session_isolation_level",
    "next_session_isolation_level", "storage_mode",
]


def test_storage_info_rows_order_and_types(db: Database) -> None:
    with db.session() as s:
        s.run("CREATE (:A)-[:R]->(:B), (:C)").consume()
        result = s.run("SHOW STORAGE INFO")
        assert list(result.keys()) == ["storage info", "value"]
        rows = list(result)
        names = [r[0] for r in rows]
        assert names[:15] == STORAGE_INFO_ROWS
        assert len(set(names)) == len(names)
        values = dict(rows)
        assert values["name"] == "memgraph"
        assert (values["vertex_count"], values["edge_count"]) == (3, 1)
        assert values["average_degree"] == pytest.approx(2 / 3)
        assert type(values["average_degree"]) is float
        for key in ("vertex_count", "edge_count", "vm_max_map_count",
                    "unreleased_delta_objects"):
            assert type(values[key]) is int, key
        for key in ("memory_res", "peak_memory_res", "disk_usage", "memory_tracked",
                    "allocation_limit"):
            assert isinstance(values[key], str) and values[key][-1] == "B", key
            float(values[key].rstrip("KMGTiB"))
        assert values["global_isolation_level"] == "SNAPSHOT_ISOLATION"
        assert values["storage_mode"] == "IN_MEMORY_TRANSACTIONAL"


def test_info_refused_in_explicit_transaction(db: Database) -> None:
    with db.session() as s:
        s.run("BEGIN").consume()
        for query in ("SHOW STORAGE INFO", "SHOW INDEX INFO", "SHOW CONSTRAINT INFO"):
            with pytest.raises(
                TransactionError,
                match=r"^Info reporting not allowed in multicommand transactions\.$",
            ):
                s.run(query)
        s.run("ROLLBACK").consume()


def test_index_ddl_refused_in_explicit_transaction(db: Database) -> None:
    with db.session() as s:
        s.run("BEGIN").consume()
        with pytest.raises(TransactionError, match=r"^Index manipulation not allowed"):
            s.run("CREATE INDEX ON :L(p)")
        with pytest.raises(TransactionError, match=r"^Constraint manipulation not allowed"):
            s.run("CREATE CONSTRAINT ON (n:L) ASSERT n.p IS UNIQUE")
        s.run("ROLLBACK").consume()


def test_show_index_info_columns_and_order(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = [
        IndexInfo(IndexSpec("B", ("x",)), 3),
        IndexInfo(IndexSpec("A", ("y", "b")), 1),
        IndexInfo(IndexSpec("B"), 7),
        IndexInfo(IndexSpec("A", ("x",)), 2),
        IndexInfo(IndexSpec("A"), 5),
    ]
    monkeypatch.setattr(type(db.engine.schema), "indexes", lambda self: listed)
    with db.session() as s:
        result = s.run("SHOW INDEX INFO")
        assert list(result.keys()) == ["index type", "label", "property", "count"]
        assert [list(r) for r in result] == [
            ["label", "A", None, 5],
            ["label", "B", None, 7],
            ["label+property", "A", "x", 2],
            ["label+property", "A", ["y", "b"], 1],
            ["label+property", "B", "x", 3],
        ]


def test_show_constraint_info_columns(db: Database) -> None:
    with db.session() as s:
        result = s.run("SHOW CONSTRAINT INFO")
        assert list(result.keys()) == ["constraint type", "label", "properties", "data_type"]
        assert list(result) == []


# ------------------------------------------------------------------ version, config, databases


def test_show_version_build_info_and_databases(db: Database) -> None:
    with db.session() as s:
        result = s.run("SHOW VERSION")
        assert result.keys() == ["version"] and [tuple(r) for r in result] == [
            (mgcore.__version__,)
        ]
        result = s.run("show build info")
        assert result.keys() == ["build info", "value"]
        assert [tuple(r) for r in result] == [("build_type", "Release")]
        assert [tuple(r) for r in s.run("SHOW DATABASE")] == [("memgraph",)]
        assert s.run("SHOW DATABASE").keys() == ["Current"]
        result = s.run("SHOW DATABASES")
        assert result.keys() == ["Name"] and [tuple(r) for r in result] == [("memgraph",)]
        assert [r[0] for r in s.run("WITH 1 AS version, 2 AS config RETURN version")] == [1]


def test_show_config_lists_every_setting_as_strings(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    database = open_db(
        tmp_path_factory, bolt_port=7700, storage_wal_enabled=False, auth_user="ann",
        auth_password="secret",
    )
    try:
        with database.session() as s:
            result = s.run("SHOW CONFIG")
            assert result.keys() == ["name", "default_value", "current_value", "description"]
            rows = {r[0]: tuple(r) for r in result}
    finally:
        database.close()
    assert set(rows) == set(database.settings.specs())
    assert list(rows) == sorted(rows)
    assert rows["bolt_port"][1:3] == ("7687", "7700")
    assert rows["storage_wal_enabled"][1:3] == ("true", "false")
    assert rows["auth_user"][1:3] == ("", "ann")
    assert rows["auth_password"][1:3] == ("", "***")
    assert rows["storage_mode"][2] == "IN_MEMORY_TRANSACTIONAL"
    assert all(type(v) is str for row in rows.values() for v in row)
    assert rows["bolt_port"][3] == database.settings.specs()["bolt_port"].help


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("SHOW VERSION", "Version info query not allowed"),
        ("SHOW BUILD INFO", "Info reporting not allowed"),
        ("SHOW CONFIG", "Show config query not allowed"),
        ("SHOW DATABASES", "Multi-database queries are not allowed"),
    ],
)
def test_version_config_and_databases_refused_in_explicit_transaction(
    db: Database, statement: str, message: str
) -> None:
    with (
        db.session() as s,
        s.begin_transaction() as tx,
        pytest.raises(TransactionError, match=message),
    ):
        tx.run(statement)


# ------------------------------------------------------------------------ DROP ALL ...


def test_drop_all_indexes_and_constraints(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each index or constraint goes as by its own DROP (counters, notifications), the other
    kind stays, and a restart finds them gone (the drops are durable)."""
    directory = str(tmp_path_factory.mktemp("drop_all"))
    database = mgcore.connect(storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=directory)
    try:
        with database.session() as s:
            for ddl in (
                "CREATE INDEX ON :A", "CREATE INDEX ON :A(x)", "CREATE INDEX ON :B(x, y)",
                "CREATE CONSTRAINT ON (n:A) ASSERT EXISTS (n.x)",
                "CREATE CONSTRAINT ON (n:B) ASSERT n.x, n.y IS UNIQUE",
                "CREATE CONSTRAINT ON (n:B) ASSERT n.x IS TYPED STRING",
            ):
                s.run(ddl).consume()
            summary = s.run("DROP ALL INDEXES").consume()
            assert summary.counters.indexes_removed == 3
            assert [n.code for n in summary.notifications] == ["DropIndex"] * 3
            assert list(s.run("SHOW INDEX INFO")) == []
            assert len(list(s.run("SHOW CONSTRAINT INFO"))) == 3
            assert s.run("drop all indexes").consume().counters.indexes_removed == 0
            s.run("CREATE INDEX ON :C(z)").consume()
            summary = s.run("DROP ALL CONSTRAINTS").consume()
            assert summary.counters.constraints_removed == 3
            assert [n.code for n in summary.notifications] == ["DropConstraint"] * 3
            assert list(s.run("SHOW CONSTRAINT INFO")) == []
            assert len(list(s.run("SHOW INDEX INFO"))) == 1
            s.run("CREATE (:B {x: 1, y: 1}), (:B {x: 1, y: 1})").consume()
            with s.begin_transaction() as tx:
                for statement, message in (
                    ("DROP ALL INDEXES", "Index manipulation not allowed"),
                    ("DROP ALL CONSTRAINTS", "Constraint manipulation not allowed"),
                ):
                    with pytest.raises(TransactionError, match=message):
                        tx.run(statement)
                tx.rollback()
    finally:
        database.close()
    reopened = mgcore.connect(storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=directory)
    try:
        with reopened.session() as s:
            assert [tuple(r)[1:3] for r in s.run("SHOW INDEX INFO")] == [("C", "z")]
            assert list(s.run("SHOW CONSTRAINT INFO")) == []
    finally:
        reopened.close()


def notes(summary: Any) -> list[tuple[str, str]]:
    return [(n.code, n.title) for n in summary.notifications]


def test_type_constraints_ddl_and_show_constraint_info(db: Database) -> None:
    """Memgraph's data type constraints: CreateConstraint / DropConstraint notifications and
    counters, SHOW CONSTRAINT INFO rows (``data_type``, the property, Memgraph's name of the
    type) after the other kinds, and errors, not notifications, for a second constraint on the
    same label and property (any type) and for dropping one that does not exist with that
    type (``PrepareConstraintQuery`` in Memgraph's interpreter.cpp)."""
    with db.session() as s:
        summary = s.run("CREATE CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED INTEGER").consume()
        assert notes(summary) == [(
            "CreateConstraint",
            "Created IS TYPED INTEGER constraint on label Person on property age.",
        )]
        assert summary.counters.constraints_added == 1
        for ddl in (
            "CREATE CONSTRAINT ON (n:Person) ASSERT n.flag IS TYPED BOOLEAN",
            "CREATE CONSTRAINT ON (n:Person) ASSERT n.at IS TYPED localdatetime",
            "CREATE CONSTRAINT ON (n:Event) ASSERT n.when IS TYPED ZONEDDATETIME",
            "CREATE CONSTRAINT ON (n:Person) ASSERT EXISTS (n.age)",
            "CREATE CONSTRAINT ON (n:Person) ASSERT n.age IS UNIQUE",
        ):
            s.run(ddl).consume()
        assert [tuple(r) for r in s.run("SHOW CONSTRAINT INFO")] == [
            ("exists", "Person", "age", ""),
            ("unique", "Person", ["age"], ""),
            ("data_type", "Event", "when", "ZONED DATE TIME"),
            ("data_type", "Person", "age", "INTEGER"),
            ("data_type", "Person", "at", "LOCAL DATE TIME"),
            ("data_type", "Person", "flag", "BOOL"),
        ]
        for ddl, message in (
            ("CREATE CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED INTEGER",
             "Constraint IS TYPED INTEGER on :Person(age) already exists"),
            ("CREATE CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED STRING",
             "Constraint IS TYPED STRING on :Person(age) already exists"),
            ("DROP CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED STRING",
             "Constraint IS TYPED STRING on :Person(age) doesn't exist"),
            ("DROP CONSTRAINT ON (n:Person) ASSERT n.name IS TYPED STRING",
             "Constraint IS TYPED STRING on :Person(name) doesn't exist"),
        ):
            with pytest.raises(ClientError) as info:
                s.run(ddl).consume()
            assert str(info.value) == message
        summary = s.run("DROP CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED INTEGER").consume()
        assert notes(summary) == [(
            "DropConstraint",
            "Dropped IS TYPED INTEGER constraint on label Person on properties age.",
        )]
        assert summary.counters.constraints_removed == 1
        assert ("data_type", "Person", "age", "INTEGER") not in [
            tuple(r) for r in s.run("SHOW CONSTRAINT INFO")
        ]
        with s.begin_transaction() as tx:
            with pytest.raises(TransactionError, match="Constraint manipulation not allowed"):
                tx.run("CREATE CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED INTEGER")
            tx.rollback()


def test_type_constraints_are_enforced_on_every_write(db: Database) -> None:
    """CREATE, SET and adding the label are refused with Memgraph's message when they leave a
    value of another type; null and missing properties pass; the failed query wrote nothing."""
    with db.session() as s:
        s.run("CREATE (:Person {age: 22}), (:Other {age: 'old'})").consume()
        s.run("CREATE CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED INTEGER").consume()
        for query in (
            "CREATE (:Person {age: 'age'})",
            "CREATE (:Person {age: 22.0})",
            "CREATE (:Person {age: true})",
            "MATCH (n:Person) SET n.age = 'age'",
            "MATCH (n:Person) SET n += {age: [1]}",
            "MATCH (n:Other) SET n:Person",
            "MERGE (n:Person {age: '22'})",
        ):
            with pytest.raises(ClientError) as info:
                s.run(query).consume()
            assert str(info.value) == "IS TYPED INTEGER violation on Person(age)", query
        assert [tuple(r) for r in s.run(
            "MATCH (n) RETURN labels(n), n.age ORDER BY id(n)"
        )] == [(["Person"], 22), (["Other"], "old")]
        s.run("CREATE (:Person), (:Person {age: null}), (:Person {name: 'x'})").consume()
        s.run("MATCH (n:Person {age: 22}) SET n.age = 23").consume()
        s.run("MATCH (n:Other) SET n.age = 5, n:Person").consume()
        s.run("MATCH (n:Person {age: 23}) REMOVE n.age").consume()
        assert s.run(
            "MATCH (n:Person) RETURN collect(n.age)"
        ).single()[0] == [5]  # type: ignore[index]
        # checked at each write, as Memgraph does: the statement fails, and with it the
        # explicit transaction, whose earlier writes are rolled back
        with s.begin_transaction() as tx:
            tx.run("CREATE (:Person {age: 40})").consume()
            with pytest.raises(ClientError, match=r"IS TYPED INTEGER violation on Person\(age\)"):
                tx.run("CREATE (:Person {age: 'never'})").consume()
            with pytest.raises(TransactionError):
                tx.commit()
        assert s.run(
            "MATCH (n:Person) RETURN count(n.age)"
        ).single()[0] == 1  # type: ignore[index]
        s.run("DROP CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED INTEGER").consume()
        s.run("CREATE (:Person {age: 'age'})").consume()


def test_type_constraint_creation_over_violating_data(db: Database) -> None:
    with db.session() as s:
        s.run("CREATE (:Person {since: date('2020-01-01')}), (:Person {since: '2020'})").consume()
        with pytest.raises(ClientError) as info:
            s.run("CREATE CONSTRAINT ON (n:Person) ASSERT n.since IS TYPED DATE").consume()
        assert str(info.value).startswith(
            "Unable to create IS TYPED DATE constraint on :Person(since), because an existing "
            "node violates it."
        )
        assert list(s.run("SHOW CONSTRAINT INFO")) == []
        s.run("MATCH (n:Person) WHERE n.since = '2020' DELETE n").consume()
        s.run("CREATE CONSTRAINT ON (n:Person) ASSERT n.since IS TYPED DATE").consume()
        with pytest.raises(ClientError, match="IS TYPED DATE violation on Person"):
            s.run("CREATE (:Person {since: localdatetime('2020-01-01T00:00')})").consume()


def test_type_constraint_names_memgraph_lacks_are_refused(db: Database) -> None:
    """ENUM and POINT are Memgraph types mgcore has no values of: a clear ClientError when the
    statement is prepared; a name Memgraph's grammar does not know is a syntax error."""
    with db.session() as s:
        for statement in (
            "CREATE CONSTRAINT ON (n:L) ASSERT n.p IS TYPED ENUM",
            "DROP CONSTRAINT ON (n:L) ASSERT n.p IS TYPED POINT",
        ):
            with pytest.raises(ClientError, match="not supported"):
                s.run(statement).consume()
        for statement in (
            "CREATE CONSTRAINT ON (n:L) ASSERT n.p IS TYPED NUMBER",
            "CREATE CONSTRAINT ON (n:L) ASSERT n.p IS TYPED NULL",
        ):
            with pytest.raises(CypherSyntaxError):
                s.run(statement).consume()
        assert list(s.run("SHOW CONSTRAINT INFO")) == []


def test_nested_index_paths_and_multi_property_existence_are_syntax_errors(db: Database) -> None:
    """``:L(a.b)`` is Memgraph's nested-property index, which mgcore lacks: refused, not
    read as a property named "a.b" (which is written with backticks and works); an existence
    constraint takes one property."""
    with db.session() as s:
        for statement in (
            "CREATE INDEX ON :L(a.b)",
            "DROP INDEX ON :L(a.b)",
            "CREATE CONSTRAINT ON (n:L) ASSERT EXISTS (n.p, n.q)",
        ):
            with pytest.raises(CypherSyntaxError):
                s.run(statement).consume()
        s.run("CREATE INDEX ON :L(`a.b`)").consume()
        s.run("CREATE (:L {`a.b`: 1})").consume()
        assert [tuple(r) for r in s.run("SHOW INDEX INFO")] == [("label+property", "L", "a.b", 1)]
        assert s.run("MATCH (n:L) WHERE n.`a.b` = 1 RETURN count(n)").single()[0] == 1  # type: ignore[index]
        s.run("DROP INDEX ON :L(`a.b`)").consume()
        s.run("MATCH (n:L) DELETE n").consume()


@pytest.mark.parametrize("mode", ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"])
def test_type_constraint_fails_the_writing_statement(
    tmp_path_factory: pytest.TempPathFactory, mode: str
) -> None:
    """Memgraph checks data types at each write: in an explicit transaction the statement
    that writes the wrong type fails (CREATE, SET, adding the label), not the commit."""
    pytest.importorskip(
        "mgcore_engine_on_disk" if mode == "ON_DISK_TRANSACTIONAL" else "mgcore_engine_in_memory_tx"
    )
    database = mgcore.connect(storage_mode=mode, data_directory=str(tmp_path_factory.mktemp("t")))
    try:
        with database.session() as s:
            s.run("CREATE (:Person {age: 1}), (:Other {age: 'x'})").consume()
            s.run("CREATE CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED INTEGER").consume()
            for statement in (
                "CREATE (:Person {age: 'y'})",
                "MATCH (n:Person) SET n.age = 2.5",
                "MATCH (n:Other) SET n:Person",
            ):
                tx = s.begin_transaction()
                tx.run("CREATE (:Person {age: 3})").consume()
                with pytest.raises(ClientError, match=r"IS TYPED INTEGER violation on Person"):
                    tx.run(statement).consume()
                tx.rollback()
            assert s.run("MATCH (n:Person) RETURN collect(n.age)").single()[0] == [1]  # type: ignore[index]
    finally:
        database.close()
