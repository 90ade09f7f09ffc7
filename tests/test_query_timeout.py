"""--query-execution-timeout-sec and Session.interrupt abort runaway queries with a clear error,
roll their work back, and leave the session usable."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

import mgcore
from mgcore.database import Database
from mgcore.errors import QueryTimeout, TransientError

ENDLESS_READ = (
    "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y WITH x WHERE x < 0 "
    "RETURN count(*)"
)


@pytest.fixture
def db(tmp_path) -> Iterator[Database]:
    database = mgcore.connect(data_directory=str(tmp_path), query_execution_timeout_sec=0.3)
    yield database
    database.close()


def test_timeout_aborts_an_unwind_loop(db: Database) -> None:
    with db.session() as s:
        with pytest.raises(QueryTimeout, match="transaction timeout") as info:
            s.run(ENDLESS_READ).consume()
        assert isinstance(info.value, TransientError)
        assert s.run("RETURN 1 AS one").single()["one"] == 1


def test_timeout_aborts_a_cartesian_product_of_scans(db: Database) -> None:
    with db.session() as s:
        s.run("UNWIND range(1, 300) AS i CREATE (:N {i: i})").consume()
        with pytest.raises(QueryTimeout):
            s.run(
                "MATCH (a:N), (b:N), (c:N), (d:N) WHERE a.i + b.i + c.i + d.i < 0 "
                "RETURN count(*)"
            ).consume()


def test_timed_out_write_is_rolled_back(db: Database) -> None:
    with db.session() as s:
        with pytest.raises(QueryTimeout):
            s.run("UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y CREATE (:T)")
        assert s.run("MATCH (n:T) RETURN count(n) AS c").single()["c"] == 0


def test_a_session_timeout_overrides_the_setting(tmp_path) -> None:
    database = mgcore.connect(data_directory=str(tmp_path), query_execution_timeout_sec=0)
    with database, database.session() as s, pytest.raises(QueryTimeout):
        s.execute(ENDLESS_READ, timeout=0.2).consume()


def test_interrupt_from_another_thread_aborts_the_running_query(tmp_path) -> None:
    database = mgcore.connect(data_directory=str(tmp_path), query_execution_timeout_sec=0)
    with database, database.session() as s:
        result = s.run(ENDLESS_READ)
        timer = threading.Timer(0.2, s.interrupt, args=("stopped by the operator",))
        timer.start()
        with pytest.raises(TransientError, match="stopped by the operator"):
            result.consume()
        timer.join()
        assert s.run("RETURN 2 AS two").single()["two"] == 2
