"""The Bolt state machine against a real server, spoken byte by byte with rawbolt (design/bolt.md
sections 2-4): states and their transitions, PULL/DISCARD with n and qid, the metadata clients
read, authentication per version, ROUTE and TELEMETRY, chunking, large messages and NOOPs."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from rawbolt import (
    BEGIN,
    COMMIT,
    DISCARD,
    FAILURE,
    HELLO,
    IGNORED,
    LOGOFF,
    LOGON,
    PULL,
    RECORD,
    RESET,
    ROLLBACK,
    ROUTE,
    RUN,
    SUCCESS,
    TELEMETRY,
    BoltClient,
    chunked,
    encode,
    pipeline,
    proposal,
    summaries,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")

VERSIONS = [(4, 4), (5, 0), (5, 2), (5, 4)]
STATS_KEYS = {
    "nodes-created",
    "nodes-deleted",
    "relationships-created",
    "relationships-deleted",
    "properties-set",
    "labels-added",
    "labels-removed",
    "indexes-added",
    "indexes-removed",
    "constraints-added",
    "constraints-removed",
    "system-updates",
    "contains-updates",
    "contains-system-updates",
}


def committed(server: Any, query: str) -> list[list[Any]]:
    """Rows of ``query`` run directly on the server's database (its committed state)."""
    with server.database.session() as session:
        return [list(record) for record in session.run(query)]


def count(server: Any, label: str) -> int:
    return committed(server, f"MATCH (n:{label}) RETURN count(n)")[0][0]


def fill(server: Any, nodes: int = 1000) -> None:
    """Enough nodes that ``MATCH (a), (b), (c) RETURN count(*)`` runs for a very long time."""
    committed(server, f"UNWIND range(1, {nodes}) AS i CREATE (:Filler {{i: i}})")


LONG_QUERY = "MATCH (a), (b), (c) RETURN count(*) AS n"


def assert_ready(client: BoltClient) -> None:
    """The connection is in READY: an auto-commit query works and no transaction is open."""
    rows, summary = client.query("RETURN 1 AS one")
    assert rows == [[1]] and summary.tag == SUCCESS
    assert client.begin().tag == SUCCESS  # BEGIN is refused inside a transaction
    assert client.rollback().tag == SUCCESS


# ------------------------------------------------------------------- HELLO and auth


@pytest.mark.parametrize("version", VERSIONS)
def test_hello_metadata(server: Any, version: tuple[int, int]) -> None:
    ids = set()
    for _ in range(2):
        with BoltClient(server.host, server.port) as client:
            assert client.handshake(proposal(*version)) == version
            hello = client.hello(scheme="none")
            assert hello.tag == SUCCESS
            assert isinstance(hello.metadata["server"], str) and hello.metadata["server"]
            connection_id = hello.metadata["connection_id"]
            assert isinstance(connection_id, str) and connection_id
            ids.add(connection_id)
            if version >= (5, 1):
                assert client.logon({}).tag == SUCCESS  # neo4j with auth=None sends {}
            assert_ready(client)
    assert len(ids) == 2


def test_hello_and_logon_pipelined(server: Any) -> None:
    with BoltClient(server.host, server.port) as client:
        client.handshake(proposal(5, 4))
        responses = pipeline(
            client,
            [
                (HELLO, {"user_agent": "neo4j-python/6.4.1"}),
                (LOGON, {}),
                (RUN, "RETURN $p AS p", {"p": 1}, {}),
                (PULL, {"n": 1000}),
            ],
        )
        assert [r.name for r in responses] == ["SUCCESS", "SUCCESS", "SUCCESS", "RECORD", "SUCCESS"]
        assert responses[3].values == [1]


@pytest.fixture
def auth_server(start_server: Any) -> Any:
    return start_server(auth_user="neo", auth_password="secret")


GOOD = {"scheme": "basic", "principal": "neo", "credentials": "secret"}
BAD = {"scheme": "basic", "principal": "neo", "credentials": "wrong"}


@pytest.mark.parametrize("version", [(4, 4), (5, 0)])
def test_auth_in_hello_up_to_5_0(auth_server: Any, version: tuple[int, int]) -> None:
    with BoltClient.open(auth_server, version, auth=GOOD) as client:
        assert_ready(client)
    for auth in (BAD, {"scheme": "none"}, {}):
        with BoltClient(auth_server.host, auth_server.port) as client:
            client.handshake(proposal(*version))
            failure = client.hello(**auth)
            assert failure.tag == FAILURE
            assert failure.metadata["code"] == "Memgraph.ClientError.Security.Unauthenticated"
            assert client.is_closed()


def test_logon_and_logoff_from_5_1(auth_server: Any) -> None:
    with BoltClient(auth_server.host, auth_server.port) as client:
        client.handshake(proposal(5, 4))
        # HELLO carries no auth from 5.1: it succeeds and the connection waits for LOGON
        assert client.hello().tag == SUCCESS
        assert client.reset().tag == SUCCESS  # RESET is allowed in AUTHENTICATION
        assert client.logon(GOOD).tag == SUCCESS
        assert_ready(client)
        assert client.request(LOGOFF).tag == SUCCESS
        assert client.logon(GOOD).tag == SUCCESS  # log on again on the same connection
        assert_ready(client)
    with BoltClient(auth_server.host, auth_server.port) as client:
        client.handshake(proposal(5, 1))
        assert client.hello(**GOOD).tag == SUCCESS  # auth in HELLO is not enough
        failure = client.run("RETURN 1")
        assert failure.tag == FAILURE
        assert client.is_closed()
    with BoltClient(auth_server.host, auth_server.port) as client:
        client.handshake(proposal(5, 2))
        assert client.hello().tag == SUCCESS
        failure = client.logon(BAD)
        assert failure.tag == FAILURE
        assert failure.metadata["code"] == "Memgraph.ClientError.Security.Unauthenticated"
        assert client.is_closed()


def test_logoff_leaves_the_connection_unauthenticated(server: Any) -> None:
    with BoltClient.open(server, (5, 4)) as client:
        assert client.begin().tag == SUCCESS
        assert client.run("CREATE (:LoggedOff)").tag == SUCCESS
        assert client.pull()[1].tag == SUCCESS
        assert client.request(LOGOFF).tag == FAILURE  # not inside a transaction
        assert client.reset().tag == SUCCESS
        assert client.request(LOGOFF).tag == SUCCESS
        assert client.run("RETURN 1").tag == FAILURE
        assert client.is_closed()
    assert count(server, "LoggedOff") == 0


@pytest.mark.parametrize("version", [(4, 4), (5, 0)])
def test_logon_does_not_exist_before_5_1(server: Any, version: tuple[int, int]) -> None:
    with BoltClient.open(server, version) as client:
        assert client.logon({}).tag == FAILURE
        assert client.is_closed()


# ------------------------------------------------------------------ auto-commit RUN


@pytest.mark.parametrize("version", VERSIONS)
def test_run_and_pull_metadata_for_a_read(server: Any, version: tuple[int, int]) -> None:
    with BoltClient.open(server, version) as client:
        run = client.run("UNWIND [1, 2] AS x RETURN x, x * 2 AS y")
        assert run.tag == SUCCESS
        assert run.metadata["fields"] == ["x", "y"]
        assert isinstance(run.metadata["t_first"], int) and run.metadata["t_first"] >= 0
        assert "qid" not in run.metadata
        rows, summary = client.pull()
        assert rows == [[1, 2], [2, 4]]
        meta = summary.metadata
        assert meta["has_more"] is False
        assert meta["type"] == "r"
        assert meta["db"] == "memgraph"
        assert isinstance(meta["t_last"], int)
        assert "stats" not in meta
        assert "bookmark" not in meta


def test_write_metadata_stats_and_bookmark(server: Any) -> None:
    with BoltClient.open(server) as client:
        rows, summary = client.query("CREATE (a:A:B {x: 1, y: 2})-[:T {w: 3}]->(b:A) RETURN 1")
        assert rows == [[1]]
        meta = summary.metadata
        assert meta["type"] in ("w", "rw")
        assert meta["stats"] == {
            "nodes-created": 2,
            "relationships-created": 1,
            "properties-set": 3,
            "labels-added": 3,
            "contains-updates": True,
        }
        assert isinstance(meta["bookmark"], str) and meta["bookmark"]
        rows, summary = client.query("MATCH (a:A:B) REMOVE a:B DETACH DELETE a")
        stats = summary.metadata["stats"]
        assert stats["nodes-deleted"] == 1 and stats["relationships-deleted"] == 1
        assert stats["labels-removed"] == 1
        assert set(stats) <= STATS_KEYS
        assert all(v for v in stats.values())  # only non-zero counters are sent
        assert summary.metadata["type"] == "rw"
    assert count(server, "A") == 1


def test_query_types(server: Any) -> None:
    with BoltClient.open(server) as client:
        assert client.query("RETURN 1")[1].metadata["type"] == "r"
        assert client.query("CREATE (:Q)")[1].metadata["type"] == "w"
        assert client.query("MATCH (q:Q) SET q.x = 1 RETURN q.x")[1].metadata["type"] == "rw"


def test_a_failing_query_is_a_failure_and_then_everything_is_ignored(server: Any) -> None:
    with BoltClient.open(server) as client:
        failure = client.run("RETURN nosuchfunction(1)")
        assert failure.tag == FAILURE
        code = failure.metadata["code"]
        assert len(code.split(".")) == 4 and code.split(".")[1] == "ClientError"
        assert isinstance(failure.metadata["message"], str)
        # FAILED: every request but RESET is IGNORED
        for tag, fields in [
            (PULL, [{"n": -1}]),
            (DISCARD, [{"n": -1}]),
            (RUN, ["RETURN 1", {}, {}]),
            (BEGIN, [{}]),
            (COMMIT, []),
            (ROLLBACK, []),
            (ROUTE, [{}, [], {}]),
            (TELEMETRY, [0]),
        ]:
            assert client.request(tag, *fields).tag == IGNORED
        assert client.reset().tag == SUCCESS
        assert_ready(client)


def test_errors_while_pulling_fail_the_pull(server: Any) -> None:
    with BoltClient.open(server) as client:
        assert client.run("UNWIND [1, 0] AS x RETURN 1 / x AS y").tag == SUCCESS
        rows, summary = client.pull()
        assert summary.tag == FAILURE
        assert rows in ([], [[1]])
        assert client.run("RETURN 1").tag == IGNORED
        assert client.reset().tag == SUCCESS
        assert_ready(client)


# --------------------------------------------------------------------- PULL n, DISCARD


def test_pull_n_returns_exactly_n_records_then_has_more(server: Any) -> None:
    with BoltClient.open(server) as client:
        assert client.run("UNWIND range(1, 10) AS x RETURN x").tag == SUCCESS
        seen: list[int] = []
        for n, expected_more in [(3, True), (3, True), (3, True), (3, False)]:
            rows, summary = client.pull(n)
            assert summary.tag == SUCCESS
            assert summary.metadata["has_more"] is expected_more
            if expected_more:
                assert len(rows) == n
                assert summary.metadata == {"has_more": True}
            seen += [row[0] for row in rows]
        assert seen == list(range(1, 11))
        assert client.pull()[1].tag == FAILURE  # READY again: nothing to pull


def test_pull_of_exactly_the_remaining_rows(server: Any) -> None:
    # the server cannot know the stream ended without looking one row ahead; either answer is
    # allowed by Bolt, but a has_more: true must be followed by an empty final PULL
    with BoltClient.open(server) as client:
        client.run("UNWIND range(1, 4) AS x RETURN x")
        rows, summary = client.pull(4)
        assert [r[0] for r in rows] == [1, 2, 3, 4]
        if summary.metadata["has_more"]:
            rows, summary = client.pull(4)
            assert rows == [] and summary.metadata["has_more"] is False
        assert summary.metadata["type"] == "r"


def test_a_huge_result_streams_lazily(server: Any) -> None:
    """10**8 rows: PULL n=10 answers 10 records and has_more without producing the rest (a
    server that materialised the result would not answer within the socket timeout)."""
    with BoltClient.open(server) as client:
        run = client.run(
            "UNWIND range(1, 10000) AS a UNWIND range(1, 10000) AS b "
            "RETURN (a - 1) * 10000 + b AS x"
        )
        assert run.tag == SUCCESS
        rows, summary = client.pull(10)
        assert rows == [[x] for x in range(1, 11)]
        assert summary.metadata == {"has_more": True}
        rows, summary = client.pull(5)
        assert rows == [[x] for x in range(11, 16)]
        assert client.reset().tag == SUCCESS
        assert_ready(client)


def test_discard(server: Any) -> None:
    with BoltClient.open(server) as client:
        client.run("UNWIND range(1, 10) AS x RETURN x")
        discard = client.discard(3)
        assert discard.metadata == {"has_more": True}
        rows, summary = client.pull(2)
        assert rows == [[4], [5]]
        discard = client.discard()
        assert discard.tag == SUCCESS
        assert discard.metadata["has_more"] is False
        assert discard.metadata["type"] == "r"
        assert client.discard().tag == FAILURE  # nothing left to discard
        assert client.reset().tag == SUCCESS
        # a discarded write still happens
        assert client.run("CREATE (:Discarded)").tag == SUCCESS
        summary = client.discard()
        assert summary.metadata["has_more"] is False
        assert summary.metadata["stats"]["nodes-created"] == 1
    assert count(server, "Discarded") == 1


@pytest.mark.parametrize("n", [0, -2, "1", 1.0, None])
def test_pull_n_must_be_positive_or_minus_one(server: Any, n: Any) -> None:
    with BoltClient.open(server) as client:
        client.run("RETURN 1")
        assert client.request(PULL, {"n": n}).tag == FAILURE
        assert client.reset().tag == SUCCESS
        assert_ready(client)


# ------------------------------------------------------------ explicit transactions


def test_explicit_transaction_commit(server: Any) -> None:
    with BoltClient.open(server) as client:
        assert client.begin({"mode": "w", "db": "memgraph", "tx_metadata": {"a": 1}}).metadata == {}
        run = client.run("CREATE (n:Tx {x: 1}) RETURN n.x AS x")
        assert run.metadata["fields"] == ["x"] and run.metadata["qid"] == 0
        rows, summary = client.pull()
        assert rows == [[1]]
        assert summary.metadata["has_more"] is False
        assert summary.metadata["stats"]["nodes-created"] == 1
        assert "bookmark" not in summary.metadata
        assert count(server, "Tx") == 0  # not committed yet
        commit = client.commit()
        assert commit.tag == SUCCESS
        assert isinstance(commit.metadata["bookmark"], str) and commit.metadata["bookmark"]
        assert_ready(client)
    assert count(server, "Tx") == 1


def test_explicit_transaction_rollback(server: Any) -> None:
    with BoltClient.open(server) as client:
        client.begin()
        client.run("CREATE (:RolledBack)")
        client.pull()
        assert client.rollback().metadata == {}
        assert_ready(client)
    assert count(server, "RolledBack") == 0


def test_bookmarks_differ_between_commits(server: Any) -> None:
    with BoltClient.open(server) as client:
        marks = []
        for _ in range(2):
            client.begin()
            client.query("CREATE (:Marked)")
            marks.append(client.commit().metadata["bookmark"])
        assert marks[0] != marks[1]


def test_pipelined_begin_run_pull_commit(server: Any) -> None:
    with BoltClient.open(server) as client:
        responses = pipeline(
            client,
            [
                (BEGIN, {"mode": "r"}),
                (RUN, "UNWIND [1, 2] AS x RETURN x", {}, {}),
                (PULL, {"n": 1000}),
                (COMMIT,),
            ],
        )
        assert [r.name for r in responses] == [
            "SUCCESS",
            "SUCCESS",
            "RECORD",
            "RECORD",
            "SUCCESS",
            "SUCCESS",
        ]
        assert responses[1].metadata["qid"] == 0


def test_two_open_results_in_one_transaction(server: Any) -> None:
    with BoltClient.open(server) as client:
        client.begin()
        first = client.run("UNWIND range(1, 5) AS x RETURN x")
        second = client.run("UNWIND range(11, 15) AS y RETURN y")
        assert (first.metadata["qid"], second.metadata["qid"]) == (0, 1)
        assert first.metadata["fields"] == ["x"] and second.metadata["fields"] == ["y"]
        rows, summary = client.pull(2, qid=0)
        assert rows == [[1], [2]] and summary.metadata == {"has_more": True}
        rows, summary = client.pull(2, qid=1)
        assert rows == [[11], [12]] and summary.metadata == {"has_more": True}
        rows, summary = client.pull(1, qid=0)
        assert rows == [[3]]
        # qid -1 (or none) is the last result
        rows, summary = client.pull(-1, qid=-1)
        assert rows == [[13], [14], [15]] and summary.metadata["has_more"] is False
        assert client.pull(1, qid=1)[1].tag == FAILURE  # that result is finished
        assert client.reset().tag == SUCCESS

        client.begin()
        client.run("CREATE (:Multi {k: 1})")
        client.run("UNWIND range(1, 3) AS y RETURN y")
        discard = client.discard(qid=0)
        assert discard.metadata["has_more"] is False
        assert discard.metadata["stats"]["nodes-created"] == 1
        rows, summary = client.pull()  # the last result, qid 1
        assert rows == [[1], [2], [3]]
        # no result is open: back in TX_READY, where PULL is not allowed but RUN is
        run = client.run("MATCH (m:Multi) RETURN m.k AS k")
        assert run.metadata["qid"] == 2
        assert client.pull()[0] == [[1]]
        assert client.commit().tag == SUCCESS
    assert count(server, "Multi") == 1


def test_an_unknown_qid_is_a_failure(server: Any) -> None:
    with BoltClient.open(server) as client:
        client.begin()
        client.run("RETURN 1")
        assert client.request(PULL, {"n": -1, "qid": 7}).tag == FAILURE
        assert client.reset().tag == SUCCESS
        assert_ready(client)


def test_commit_with_an_open_result_commits_its_writes(server: Any) -> None:
    with BoltClient.open(server) as client:
        client.begin()
        client.run("UNWIND range(1, 3) AS i CREATE (:Open {i: i})")
        commit = client.commit()
        assert commit.tag == SUCCESS
        assert_ready(client)
    assert count(server, "Open") == 3


def test_a_failure_in_a_transaction_rolls_it_back(server: Any) -> None:
    with BoltClient.open(server) as client:
        client.begin()
        client.query("CREATE (:Doomed)")
        assert client.run("RETURN nosuchfunction()").tag == FAILURE
        assert client.commit().tag == IGNORED
        assert client.reset().tag == SUCCESS
        assert_ready(client)
    assert count(server, "Doomed") == 0


def test_transaction_messages_in_the_wrong_state(server: Any) -> None:
    with BoltClient.open(server) as client:
        client.begin()
        assert client.begin().tag == FAILURE  # no nested transactions
        assert client.reset().tag == SUCCESS
        assert client.commit().tag == FAILURE  # nothing to commit
        assert client.reset().tag == SUCCESS
        assert client.rollback().tag == FAILURE
        assert client.reset().tag == SUCCESS
        client.run("RETURN 1")
        assert client.run("RETURN 2").tag == FAILURE  # STREAMING: PULL or DISCARD first
        assert client.reset().tag == SUCCESS
        assert client.request(ROUTE, {}, [], {}).tag == SUCCESS
        assert_ready(client)


# ------------------------------------------------------ transactions as query text


def run_text(client: BoltClient, text: str) -> None:
    """RUN ``text`` and PULL -1, as pymgclient does; both must succeed without rows."""
    run = client.run(text)
    assert run.tag == SUCCESS, run
    assert run.metadata["fields"] == []
    assert "qid" not in run.metadata
    rows, summary = client.pull()
    assert rows == [] and summary.tag == SUCCESS and summary.metadata["has_more"] is False


def test_begin_commit_rollback_as_query_text(server: Any) -> None:
    """pymgclient's transactions: RUN "BEGIN" / "COMMIT" / "ROLLBACK", each with PULL -1."""
    with BoltClient.open(server, (4, 4)) as client:
        run_text(client, "BEGIN")
        rows, summary = client.query("CREATE (:TextTx) RETURN 1 AS one")
        assert rows == [[1]] and "bookmark" not in summary.metadata
        assert count(server, "TextTx") == 0  # another session sees nothing yet
        run_text(client, "COMMIT")
        assert count(server, "TextTx") == 1

        run_text(client, "BEGIN")
        client.query("CREATE (:TextTx)")
        run_text(client, "ROLLBACK")
        assert count(server, "TextTx") == 1
        assert_ready(client)


def test_text_transaction_ended_by_messages(server: Any) -> None:
    with BoltClient.open(server, (4, 4)) as client:
        run_text(client, "BEGIN")
        client.query("CREATE (:Mixed)")
        assert client.commit().tag == SUCCESS
        run_text(client, "BEGIN")
        client.query("CREATE (:Mixed)")
        assert client.rollback().tag == SUCCESS
        assert_ready(client)
    assert count(server, "Mixed") == 1


def test_a_failure_in_a_text_transaction_then_reset(server: Any) -> None:
    """pymgclient on FAILURE: RESET must succeed, the transaction is gone, BEGIN works again."""
    with BoltClient.open(server, (4, 4)) as client:
        run_text(client, "BEGIN")
        client.query("CREATE (:TextDoomed)")
        assert client.run("RETURN nosuchfunction()").tag == FAILURE
        assert client.reset().tag == SUCCESS
        run_text(client, "BEGIN")
        client.query("CREATE (:TextKept)")
        run_text(client, "COMMIT")
    assert count(server, "TextDoomed") == 0
    assert count(server, "TextKept") == 1


# -------------------------------------------------------------- RESET everywhere


def _reach(client: BoltClient, state: str) -> None:
    if state == "STREAMING":
        assert client.run("UNWIND range(1, 5) AS x CREATE (:ResetState) RETURN x").tag == SUCCESS
        rows, _ = client.pull(1)
        assert len(rows) == 1
    elif state == "TX_READY":
        client.begin()
        client.query("CREATE (:ResetState)")
    elif state == "TX_STREAMING":
        client.begin()
        client.run("UNWIND range(1, 5) AS x CREATE (:ResetState) RETURN x")
        client.pull(1)
    elif state == "FAILED":
        client.begin()
        client.query("CREATE (:ResetState)")
        assert client.run("RETURN nosuchfunction()").tag == FAILURE


@pytest.mark.parametrize("state", ["READY", "STREAMING", "TX_READY", "TX_STREAMING", "FAILED"])
@pytest.mark.parametrize("version", [(4, 4), (5, 4)])
def test_reset_from_every_state(server: Any, state: str, version: tuple[int, int]) -> None:
    with BoltClient.open(server, version) as client:
        _reach(client, state)
        reset = client.reset()
        assert reset.tag == SUCCESS and reset.metadata == {}
        assert client.reset().tag == SUCCESS  # and again, from READY
        assert_ready(client)
    # an open transaction was rolled back; an auto-commit result was dropped (its transaction
    # never committed)
    assert count(server, "ResetState") == 0


def test_reset_while_a_long_query_runs_interrupts_it(server: Any) -> None:
    """INTERRUPTED: the running request ends (FAILURE or IGNORED), the requests queued behind
    it are IGNORED, and then RESET answers SUCCESS."""
    fill(server)
    with BoltClient.open(server) as client:
        assert client.run(LONG_QUERY).tag == SUCCESS
        client.send(PULL, {"n": -1})
        client.send(RUN, "CREATE (:Queued)", {}, {})
        client.send(PULL, {"n": -1})
        time.sleep(0.3)  # let the PULL start; the test holds whenever RESET arrives
        client.send(RESET)
        names = [client.recv_summary()[1].name for _ in range(4)]
        assert names[0] in ("FAILURE", "IGNORED")
        assert names[1:] == ["IGNORED", "IGNORED", "SUCCESS"]
        assert_ready(client)
    assert count(server, "Queued") == 0


def test_reset_interrupts_a_transaction_and_rolls_it_back(server: Any) -> None:
    fill(server)
    with BoltClient.open(server) as client:
        client.send_raw(
            b"".join(
                chunked(encode(*m))
                for m in [
                    (BEGIN, {}),
                    (RUN, "CREATE (:Interrupted)", {}, {}),
                    (PULL, {"n": -1}),
                    (RUN, LONG_QUERY, {}, {}),
                    (PULL, {"n": -1}),
                    (RUN, "CREATE (:Interrupted)", {}, {}),
                    (PULL, {"n": -1}),
                    (COMMIT,),
                ]
            )
        )
        time.sleep(0.3)
        client.send(RESET)
        answers = [client.recv_summary()[1].name for _ in range(9)]
        assert answers[-1] == "SUCCESS"  # the RESET
        # what ran before the RESET arrived succeeded, at most one request was cut short
        # (FAILURE), and everything after it up to the RESET was IGNORED
        initials = "".join(name[0] for name in answers[:-1])
        assert re.fullmatch("S*F?I*", initials), answers
        assert answers[4] != "SUCCESS"  # the long PULL cannot have finished
        assert_ready(client)
    assert count(server, "Interrupted") == 0


# 10**8 rows of 1 KB; no operator of this query checks a deadline
HUGE = "UNWIND range(1, 10000) AS a UNWIND range(1, 10000) AS b RETURN a, b, $pad AS pad"


def test_reset_stops_a_streaming_pull(server: Any) -> None:
    """RESET during PULL n=-1 of a huge result: the stream stops within what was already in
    flight (far fewer than the 10**8 rows) and the PULL ends in FAILURE or IGNORED."""
    with BoltClient.open(server) as client:
        assert client.run(HUGE, {"pad": "x" * 1000}).tag == SUCCESS
        client.send(PULL, {"n": -1})
        for _ in range(100):
            assert client.recv().tag == RECORD
        client.send(RESET)
        records = 0
        while (response := client.recv()).tag == RECORD:
            records += 1
            assert records < 100_000, "RESET did not stop the stream"
        assert response.name in ("FAILURE", "IGNORED")
        assert client.recv().name == "SUCCESS"  # the RESET
        assert_ready(client)


def test_reset_stops_a_discard(server: Any) -> None:
    with BoltClient.open(server) as client:
        assert client.run(HUGE, {"pad": ""}).tag == SUCCESS
        client.send(DISCARD, {"n": -1})
        time.sleep(0.2)
        client.send(RESET)
        assert [client.recv().name for _ in range(2)] in (
            ["FAILURE", "SUCCESS"],
            ["IGNORED", "SUCCESS"],
        )
        assert_ready(client)


def test_reset_pipelined_after_requests_ignores_them(server: Any) -> None:
    with BoltClient.open(server) as client:
        responses = pipeline(
            client,
            [
                (RUN, "UNWIND range(1, 3) AS x RETURN x", {}, {}),
                (PULL, {"n": -1}),
                (RESET,),
                (RUN, "RETURN 1 AS x", {}, {}),
                (PULL, {"n": -1}),
            ],
        )
        # either the two requests ran before the RESET was read, or they were IGNORED
        assert summaries(responses)[2:] == ["SUCCESS", "SUCCESS", "SUCCESS"]
        assert summaries(responses)[:2] in (["SUCCESS", "SUCCESS"], ["IGNORED", "IGNORED"])
        assert responses[-2].tag == RECORD and responses[-2].values == [1]


# ------------------------------------------------------------- ROUTE and TELEMETRY


@pytest.mark.parametrize("version", [(4, 4), (5, 4)])
def test_route(server: Any, version: tuple[int, int]) -> None:
    with BoltClient.open(server, version) as client:
        for extra in ({}, {"db": "memgraph"}, {"db": None}):
            route = client.request(ROUTE, {"address": "localhost:7687"}, [], extra)
            assert route.tag == SUCCESS
            table = route.metadata["rt"]
            assert isinstance(table["ttl"], int) and table["ttl"] > 0
            assert table["db"] == "memgraph"
            roles = {s["role"]: s["addresses"] for s in table["servers"]}
            assert set(roles) == {"WRITE", "READ", "ROUTE"}
            for addresses in roles.values():
                assert addresses == [f"{server.host}:{server.port}"]
        assert client.request(ROUTE, {}, [], {"db": "neo4j"}).tag == FAILURE
        assert client.reset().tag == SUCCESS
        assert_ready(client)


def test_route_4_3_takes_the_database_name(server: Any) -> None:
    with BoltClient.open(server, (4, 3)) as client:
        assert client.request(ROUTE, {}, [], "memgraph").tag == SUCCESS
        assert client.request(ROUTE, {}, [], None).tag == SUCCESS


def test_telemetry_on_5_4(server: Any) -> None:
    with BoltClient.open(server, (5, 4)) as client:
        for api in range(4):
            telemetry = client.request(TELEMETRY, api)
            assert telemetry.tag == SUCCESS and telemetry.metadata == {}
        client.begin()  # also inside a transaction
        assert client.request(TELEMETRY, 1).tag == SUCCESS
        assert client.commit().tag == SUCCESS


@pytest.mark.parametrize("version", [(4, 4), (5, 3)])
def test_telemetry_does_not_exist_before_5_4(server: Any, version: tuple[int, int]) -> None:
    with BoltClient.open(server, version) as client:
        assert client.request(TELEMETRY, 1).tag == FAILURE
        assert client.is_closed()


# ------------------------------------------------------ chunks, sizes and NOOPs


def test_one_byte_chunks(server: Any) -> None:
    with BoltClient(server.host, server.port) as client:
        client.handshake(proposal(4, 4))
        client.send(HELLO, {"user_agent": "tiny", "scheme": "none"}, chunk_size=1)
        assert client.recv().tag == SUCCESS
        client.send(RUN, "RETURN $s AS s", {"s": "ünïcödé" * 10}, {}, chunk_size=1)
        assert client.recv().tag == SUCCESS
        client.send(PULL, {"n": -1}, chunk_size=1)
        rows, summary = client.recv_summary()
        assert rows[0].values == ["ünïcödé" * 10] and summary.tag == SUCCESS


def test_messages_larger_than_64_kib_both_ways(server: Any) -> None:
    big = "".join(chr(0x41 + i % 26) for i in range(300_000)) + "é" * 100_000
    with BoltClient.open(server) as client:
        rows, _ = client.query("RETURN $s AS s, size($s) AS n", {"s": big})
        assert rows == [[big, len(big)]]
        # a large value the server builds itself
        rows, _ = client.query("RETURN range(1, 100000) AS r")
        assert rows == [[list(range(1, 100_001))]]
        rows, _ = client.query("RETURN $l AS l", {"l": [big[:1000]] * 300})
        assert rows == [[[big[:1000]] * 300]]


def test_a_large_message_in_chunks_of_varied_sizes(server: Any) -> None:
    big = "x" * 200_000
    with BoltClient.open(server) as client:
        message = encode(RUN, "RETURN size($s) AS n", {"s": big}, {})
        pieces = bytearray()
        pos = 0
        sizes = [1, 65535, 7, 1000, 65535]
        i = 0
        while pos < len(message):
            piece = message[pos : pos + sizes[i % len(sizes)]]
            pieces += len(piece).to_bytes(2, "big") + piece
            pos += len(piece)
            i += 1
        client.send_raw(bytes(pieces + b"\x00\x00"))
        assert client.recv().tag == SUCCESS
        rows, _ = client.pull()
        assert rows == [[200_000]]


def test_noops_between_messages_are_ignored(server: Any) -> None:
    noop = b"\x00\x00"
    with BoltClient(server.host, server.port) as client:
        client.handshake(proposal(4, 4))
        client.send_raw(noop)  # a NOOP right after the handshake, before HELLO
        client.send_raw(noop + chunked(encode(HELLO, {"scheme": "none"})) + noop * 3)
        assert client.recv().tag == SUCCESS
        client.send_raw(chunked(encode(RUN, "RETURN 1 AS x", {}, {})) + noop)
        assert client.recv().tag == SUCCESS
        time.sleep(0.05)
        client.send_raw(noop)
        client.send_raw(noop + chunked(encode(PULL, {"n": -1})) + noop)
        rows, summary = client.recv_summary()
        assert rows[0].values == [1] and summary.tag == SUCCESS
        assert_ready(client)


def test_goodbye_closes_and_rolls_back(server: Any) -> None:
    with BoltClient.open(server) as client:
        client.begin()
        client.query("CREATE (:SaidGoodbye)")
        client.goodbye()
        assert client.is_closed()
    with BoltClient.open(server) as client:
        assert_ready(client)
    assert count(server, "SaidGoodbye") == 0
    assert server.database.open_transaction_count == 0
