"""SHOW TRANSACTIONS and TERMINATE TRANSACTIONS on embedded sessions: which transactions are
listed with what, and what terminating a running query or an idle explicit transaction does."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import mgcore
from mgcore.database import Database
from mgcore.errors import CypherTypeError, ParameterMissing, TransactionError, TransientError
from mgcore.session import Session

TERMINATED = "Transaction was asked to abort by another user."
LONG_QUERY = "UNWIND range(1, 100000) AS i UNWIND range(1, 100000) AS j RETURN count(*)"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = mgcore.connect(storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path))
    yield database
    database.close()


def transactions(s: Session) -> list[tuple[Any, ...]]:
    result = s.run("SHOW TRANSACTIONS")
    assert result.keys() == ["username", "transaction_id", "query", "metadata"]
    return [tuple(r) for r in result]


def others(s: Session) -> list[tuple[Any, ...]]:
    return [row for row in transactions(s) if row[2] != ["SHOW TRANSACTIONS"]]


def test_open_transactions_are_listed_with_their_queries_and_metadata(db: Database) -> None:
    with db.session() as a, db.session() as watcher:
        assert others(watcher) == []
        tx = a.begin_transaction(metadata={"app": "billing", "n": 1})
        assert others(watcher) == [("", others(watcher)[0][1], [], {"app": "billing", "n": 1})]
        tx.run("CREATE (:N)").consume()
        tx.run("MATCH (n:N) RETURN n").consume()
        [(user, tid, queries, metadata)] = others(watcher)
        assert metadata == {"app": "billing", "n": 1}
        assert (user, queries) == ("", ["CREATE (:N)", "MATCH (n:N) RETURN n"])
        assert type(tid) is str and tid.isdigit()
        tx.commit()
        assert others(watcher) == []


def test_the_listing_query_lists_itself_with_a_new_id_each_time(db: Database) -> None:
    with db.session() as s:
        first, second = transactions(s), transactions(s)
        assert [row[2] for row in first] == [["SHOW TRANSACTIONS"]]
        assert first[0][1] != second[0][1]
        result = s.execute("SHOW TRANSACTIONS", metadata={"who": "me"})
        assert [r[3] for r in result] == [{"who": "me"}]


def test_an_unconsumed_auto_commit_result_is_an_open_transaction(db: Database) -> None:
    with db.session() as a, db.session() as watcher:
        result = a.run("UNWIND range(1, 3) AS i RETURN i")
        assert [row[2] for row in others(watcher)] == [["UNWIND range(1, 3) AS i RETURN i"]]
        result.consume()
        assert others(watcher) == []


def test_terminate_a_running_query(db: Database) -> None:
    errors: list[BaseException] = []
    with db.session() as worker, db.session() as admin:

        def run() -> None:
            try:
                worker.run(LONG_QUERY).consume()
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 30
        while not others(admin) and time.monotonic() < deadline:
            time.sleep(0.01)
        [(_, tid, queries, _)] = others(admin)
        assert queries == [LONG_QUERY]
        result = admin.run("TERMINATE TRANSACTIONS $id", id=tid)
        assert result.keys() == ["transaction_id", "killed"]
        assert [tuple(r) for r in result] == [(tid, True)]
        thread.join(30)
        assert not thread.is_alive()
        assert len(errors) == 1 and isinstance(errors[0], TransientError)
        assert str(errors[0]) == TERMINATED
        assert worker.run("RETURN 1 AS x").single()[0] == 1  # type: ignore[index]
        assert others(admin) == []


def test_terminate_an_idle_explicit_transaction(db: Database) -> None:
    with db.session() as a, db.session() as admin:
        tx = a.begin_transaction()
        tx.run("CREATE (:Lost)").consume()
        [(_, tid, _, _)] = others(admin)
        rows = [tuple(r) for r in admin.run(f"TERMINATE TRANSACTIONS '{tid}', \"12345\"")]
        assert rows == [(tid, True), ("12345", False)]
        with pytest.raises(TransientError, match=TERMINATED):
            tx.run("RETURN 1").consume()
        with pytest.raises(TransactionError):
            tx.commit()
        tx.rollback()
        assert admin.run("MATCH (n:Lost) RETURN count(n)").single()[0] == 0  # type: ignore[index]
        assert others(admin) == []


def test_terminating_ones_own_transaction_kills_nothing(db: Database) -> None:
    with db.session() as s:
        own = str(int(transactions(s)[0][1]) + 1)
        assert [tuple(r) for r in s.run(f"TERMINATE TRANSACTIONS '{own}'")] == [(own, False)]


def test_bad_ids_and_explicit_transactions_are_refused(db: Database) -> None:
    with db.session() as s:
        with pytest.raises(CypherTypeError, match="string"):
            s.run("TERMINATE TRANSACTIONS $id", id=7).consume()
        with pytest.raises(ParameterMissing):
            s.run("TERMINATE TRANSACTIONS $id").consume()
        with pytest.raises(mgcore.errors.CypherSyntaxError):
            s.run("TERMINATE TRANSACTIONS 7").consume()
        with pytest.raises(mgcore.errors.ClientError, match="metadata must be a map"):
            s.execute("RETURN 1", metadata=["x"])  # type: ignore[arg-type]
        tx = s.begin_transaction()
        for statement in ("SHOW TRANSACTIONS", "TERMINATE TRANSACTIONS '1'"):
            with pytest.raises(TransactionError, match="Transaction queue queries not allowed"):
                tx.run(statement)
        tx.rollback()
