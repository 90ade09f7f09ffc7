"""The embedded API end to end: connect, sessions, results, transactions, errors, statements."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import mgcore
from mgcore.database import Database
from mgcore.errors import (
    CLIENT_ERROR,
    ClientError,
    CypherArithmeticError,
    CypherSyntaxError,
    MgError,
    TransactionError,
)
from mgcore.execution import QueryKind
from mgcore.storage.errors import UnsupportedOperation
from mgcore.storage.records import IsolationLevel
from mgcore.values.graph import Node


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = mgcore.connect(storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path))
    yield database
    database.close()


def count(db: Database, label: str = "") -> int:
    with db.session() as s:
        return int(s.run(f"MATCH (n{':' + label if label else ''}) RETURN count(n)").single()[0])  # type: ignore[index]


def test_run_keys_records_and_summary(db: Database) -> None:
    with db.session() as s:
        result = s.run("UNWIND $xs AS x RETURN x, x * 2 AS double", {"xs": [1, 2]})
        assert result.keys() == ["x", "double"]
        first = next(iter(result))
        assert first["x"] == 1 and first[1] == 2 and first.keys() == ["x", "double"]
        assert result.data() == [{"x": 2, "double": 4}]
        assert s.run("RETURN $a AS a", a=5).single()["a"] == 5  # type: ignore[index]
        with pytest.raises(ClientError):
            s.run("UNWIND [1, 2] AS x RETURN x").single()
        summary = s.run("CREATE (:A {x: 1}), (:A)").consume()
        assert summary.counters.nodes_created == 2
        assert summary.counters.properties_set == 1
        assert summary.query_type is QueryKind.WRITE
        assert s.run("MATCH (n) RETURN n").consume().query_type is QueryKind.READ
        assert s.run("MATCH (n) SET n.y = 1").consume().query_type is QueryKind.READ_WRITE


def test_nodes_are_result_values(db: Database) -> None:
    with db.session() as s:
        node = s.run("CREATE (n:P {name: 'x'}) RETURN n").single()[0]  # type: ignore[index]
        assert isinstance(node, Node)
        assert node.labels == ("P",) and node["name"] == "x"


def test_auto_commit_is_visible_to_other_sessions(db: Database) -> None:
    with db.session() as s:
        s.run("CREATE (:A)").consume()
    assert count(db) == 1
    with db.session() as s:
        result = s.run("CREATE (:A)")
        s.run("RETURN 1").consume()  # the pending write finishes before the next query
        del result
    assert count(db) == 2


def test_failed_auto_commit_query_rolls_back(db: Database) -> None:
    with db.session() as s:
        with pytest.raises(CypherArithmeticError):
            s.run("CREATE (:A) WITH 1 AS x RETURN x / 0").consume()
        assert count(db) == 0
        assert s.run("RETURN 1").single()[0] == 1  # type: ignore[index]


def test_explicit_transaction_commit_and_rollback(db: Database) -> None:
    with db.session() as s:
        tx = s.begin_transaction()
        tx.run("CREATE (:A)").consume()
        assert tx.run("MATCH (n) RETURN count(n)").single()[0] == 1  # type: ignore[index]
        assert count(db) == 0
        tx.commit()
        assert count(db) == 1
        tx = s.begin_transaction()
        tx.run("CREATE (:A)").consume()
        tx.rollback()
        assert count(db) == 1
        with s.begin_transaction() as tx:
            tx.run("CREATE (:B)")
        assert count(db, "B") == 1
        with pytest.raises(RuntimeError), s.begin_transaction() as tx:
            tx.run("CREATE (:C)").consume()
            raise RuntimeError
        assert count(db, "C") == 0


def test_transaction_control_as_query_text(db: Database) -> None:
    with db.session() as s:
        s.run("BEGIN")
        assert s.in_transaction
        s.run("CREATE (:A)")
        s.run("COMMIT")
        assert not s.in_transaction and count(db) == 1
        s.run("BEGIN")
        s.run("CREATE (:A)")
        s.run("ROLLBACK")
        assert count(db) == 1
        with pytest.raises(TransactionError):
            s.run("COMMIT")


def test_query_error_inside_explicit_transaction(db: Database) -> None:
    with db.session() as s:
        tx = s.begin_transaction()
        tx.run("CREATE (:A)").consume()
        with pytest.raises(CypherArithmeticError) as info:
            tx.run("RETURN 1 / 0").consume()
        assert info.value.code == "Neo.ClientError.Statement.ArithmeticError"
        with pytest.raises(TransactionError):
            tx.run("RETURN 1")
        with pytest.raises(TransactionError):
            tx.commit()
        assert not s.in_transaction
    assert count(db) == 0


def test_errors_carry_classes_and_codes(db: Database) -> None:
    with db.session() as s:
        with pytest.raises(CypherSyntaxError) as info:
            s.run("MATCH (n RETURN n")
        assert info.value.code == "Neo.ClientError.Statement.SyntaxError"
        assert info.value.code.split(".")[1] == CLIENT_ERROR.split(".")[1]
        with pytest.raises(CypherSyntaxError, match=r"Unbound variable: x\."):
            s.run("RETURN x")
        with pytest.raises(MgError):
            s.run("RETURN $p", {}).consume()


def test_property_writes(db: Database) -> None:
    with db.session() as s:
        s.run("CREATE (:P {l: [1, 2], m: {a: 1}, x: 1})").consume()
        with pytest.raises(CypherSyntaxError):
            s.run("MATCH (n:P) SET n.l[0] = 5")
        s.run("MATCH (n:P) SET n.l = [5, 'a', [true]], n.m = {b: {c: 2}}").consume()
        props = s.run("MATCH (n:P) RETURN properties(n) AS p").single()["p"]  # type: ignore[index]
        assert props == {"l": [5, "a", [True]], "m": {"b": {"c": 2}}, "x": 1}
        s.run("MATCH (n:P) SET n.x = null").consume()
        assert s.run("MATCH (n:P) RETURN keys(n) AS k").single()["k"] == ["l", "m"]  # type: ignore[index]


def test_isolation_level_statements(db: Database) -> None:
    with db.session() as s:
        s.run("SET SESSION TRANSACTION ISOLATION LEVEL SNAPSHOT ISOLATION").consume()
        assert s.isolation_level is IsolationLevel.SNAPSHOT_ISOLATION
        s.run("SET NEXT TRANSACTION ISOLATION LEVEL SNAPSHOT ISOLATION").consume()
        assert s.next_isolation_level is IsolationLevel.SNAPSHOT_ISOLATION
        info = dict(s.run("SHOW STORAGE INFO").values())
        assert info["session_isolation_level"] == "SNAPSHOT_ISOLATION"
        s.run("SET GLOBAL TRANSACTION ISOLATION LEVEL SNAPSHOT ISOLATION").consume()
        s.run("BEGIN")
        with pytest.raises(TransactionError):
            s.run("SET SESSION TRANSACTION ISOLATION LEVEL SNAPSHOT ISOLATION")


def test_show_storage_info(db: Database) -> None:
    with db.session() as s:
        s.run("CREATE (:A)-[:T]->(:B)").consume()
        result = s.run("SHOW STORAGE INFO")
        assert result.keys() == ["storage info", "value"]
        info = dict(result.values())
    names = list(info)
    assert names[:15] == [
        "name", "vertex_count", "edge_count", "average_degree", "vm_max_map_count", "memory_res",
        "peak_memory_res",
        "unreleased_delta_objects", "disk_usage", "memory_tracked", "allocation_limit",
        "global_isolation_level", "session_isolation_level", "next_session_isolation_level",
        "storage_mode",
    ]
    assert info["vertex_count"] == 2 and info["edge_count"] == 1
    assert info["average_degree"] == 1.0
    assert info["storage_mode"] == "IN_MEMORY_TRANSACTIONAL"
    assert info["memory_res"].endswith("iB")


def test_storage_mode_and_unsupported_statements(db: Database) -> None:
    with db.session() as s:
        s.run("STORAGE MODE IN_MEMORY_TRANSACTIONAL").consume()
        with pytest.raises(ClientError, match="No storage engine named 'NO_SUCH_MODE'"):
            s.run("STORAGE MODE NO_SUCH_MODE")
        if not db.engine.capabilities.label_index:
            with pytest.raises(UnsupportedOperation):
                s.run("CREATE INDEX ON :A")
        if not db.engine.capabilities.snapshots:
            with pytest.raises(UnsupportedOperation):
                s.run("CREATE SNAPSHOT")


def test_explain_needs_no_data(db: Database) -> None:
    with db.session() as s:
        result = s.run("EXPLAIN MATCH (n) RETURN n")
        assert result.keys() == ["QUERY PLAN"]
        assert [r[0] for r in result] == [" * Produce {n}", " * ScanAll (n)", " * Once"]
