"""Hostile and broken clients: garbage, malformed and oversized messages, protocol violations and
clients that vanish mid-stream or mid-transaction. In every case the connection is answered with
FAILURE and/or closed, open transactions are rolled back, and the server goes on serving others.
(Preambles that are not Bolt and handshakes without a common version: test_handshake.py.)"""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Callable
from typing import Any

import pytest
from rawbolt import (
    BEGIN,
    FAILURE,
    HELLO,
    PULL,
    RESET,
    RUN,
    SUCCESS,
    BoltClient,
    Closed,
    chunked,
    encode,
    proposal,
)

from mgcore.server.packstream import Structure, pack

pytestmark = pytest.mark.usefixtures("no_server_errors")


def until_closed(client: BoltClient) -> list[str]:
    """The names of the messages the server sends before it closes the connection."""
    client.sock.settimeout(10)
    names = []
    while True:
        try:
            names.append(client.recv().name)
        except Closed:
            return names


def eventually(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``predicate`` until it holds (the server notices a vanished client in its own time);
    False if it never does within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def count(server: Any, label: str) -> int:
    with server.database.session() as session:
        return session.run(f"MATCH (n:{label}) RETURN count(n)").single()[0]


def assert_serving(server: Any) -> None:
    """A new connection runs a query; no transaction is left open by anyone."""
    with BoltClient.open(server, (4, 4)) as client:
        rows, summary = client.query("RETURN 40 + 2 AS answer")
        assert rows == [[42]] and summary.tag == SUCCESS
    assert eventually(lambda: server.database.open_transaction_count == 0)


def connected(server: Any, version: tuple[int, int] = (5, 4), hello: bool = True) -> BoltClient:
    client = BoltClient(server.host, server.port)
    assert client.handshake(proposal(*version)) == version
    if hello:
        client.login()
    return client


def in_transaction(server: Any, label: str) -> BoltClient:
    """A client with an open transaction that has created a node labelled ``label``; one node
    with that label is committed beforehand."""
    client = connected(server)
    client.query(f"CREATE (:{label} {{committed: true}})")
    assert client.begin().tag == SUCCESS
    assert client.query(f"CREATE (:{label} {{committed: false}})")[1].tag == SUCCESS
    return client


# ------------------------------------------------------------------- malformed input

MALFORMED = {
    "not packstream": b"\xff\xfe\xfd",
    "a reserved marker": b"\xc7",
    "not a structure": b"\x01",
    "a list": b"\x91\x01",
    "truncated structure": b"\xb3\x10\x81a",
    "truncated string": b"\xb1\x10\xd0\x10abc",
    "trailing bytes": b"\xb0\x0f\x00",
    "invalid utf-8": b"\xb3\x10\x82\xc3\x28\xa0\xa0",
    "non-string map key": b"\xb1\x3f\xa1\x01\x01",
    "huge declared list": b"\xb1\x3f\xd6\xff\xff\xff\xff",
    "deep nesting": b"\xb1\x3f" + b"\x91" * 5000 + b"\xc0",
}


@pytest.mark.parametrize("payload", list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_messages_fail_and_close(server: Any, payload: bytes) -> None:
    with in_transaction(server, "Malformed") as client:
        client.send_raw(chunked(payload))
        assert until_closed(client) == ["FAILURE"]
    assert eventually(lambda: count(server, "Malformed") == 1)
    assert_serving(server)


UNKNOWN_OR_WRONG = {
    "unknown tag": (0x77,),
    "a response tag": (0x70, {}),
    "RECORD": (0x71, [1]),
    "RUN without fields": (RUN,),
    "RUN query not a string": (RUN, 1, {}, {}),
    "RUN parameters a list": (RUN, "RETURN 1", [], {}),
    "RUN extra a string": (RUN, "RETURN 1", {}, "x"),
    "RUN four fields": (RUN, "RETURN 1", {}, {}, {}),
    "PULL extra a list": (PULL, [10]),
    "BEGIN extra null": (BEGIN, None),
    "RESET with a field": (RESET, 1),
    "HELLO extra a string": (HELLO, "hello"),
}


def test_a_client_that_keeps_sending_after_a_protocol_error(
    server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The server stops reading a connection it is closing (asyncio must not be fed data after
    the reader's end)."""
    for _ in range(5):
        with connected(server) as client:
            client.send_raw(chunked(b"\xb0\x77"))
            for _ in range(50):
                try:
                    client.send_raw(chunked(encode(RUN, "RETURN 1", {}, {})))
                except OSError:
                    break
                time.sleep(0.001)
            assert client.is_closed()
    assert_serving(server)


@pytest.mark.parametrize("message", list(UNKNOWN_OR_WRONG.values()), ids=list(UNKNOWN_OR_WRONG))
def test_unknown_messages_and_wrong_field_types_fail_and_close(
    server: Any, message: tuple[Any, ...]
) -> None:
    with in_transaction(server, "WrongFields") as client:
        client.send_raw(chunked(encode(*message)))
        assert until_closed(client) == ["FAILURE"]
    assert eventually(lambda: count(server, "WrongFields") == 1)
    assert_serving(server)


@pytest.mark.parametrize(
    "message",
    [
        (PULL, {"n": "all"}),
        (PULL, {"n": 10, "qid": "0"}),
        (RUN, "RETURN 1", {}, {"db": "nope"}),
        (RUN, "RETURN 1", {}, {"tx_timeout": "soon"}),
        (RUN, "RETURN 1", {}, {"tx_timeout": -5}),
        (RUN, "RETURN 1", {}, {"imp_user": "someone"}),
        (RUN, "RETURN $p", {"p": b"bytes"}, {}),
        (RUN, "RETURN $p", {"p": Structure(0x4E, [1, [], {}, "1"])}, {}),
        (RUN, "RETURN 1 +", {}, {}),
    ],
    ids=repr,
)
def test_bad_values_in_valid_messages_are_failures(server: Any, message: tuple[Any, ...]) -> None:
    """Wrong values inside well-formed messages: FAILURE, FAILED, and RESET recovers."""
    with connected(server) as client:
        if message[0] == PULL:
            assert client.run("RETURN 1").tag == SUCCESS
        client.send(*message)
        assert client.recv_summary()[1].tag == FAILURE
        assert client.run("RETURN 1").name == "IGNORED"
        assert client.reset().tag == SUCCESS
        assert client.query("RETURN 1 AS one")[0] == [[1]]


# ------------------------------------------------------------- state violations


@pytest.mark.parametrize(
    "message",
    [(RUN, "RETURN 1", {}, {}), (PULL, {"n": -1}), (BEGIN, {}), (RESET,), (0x6A, {})],
    ids=["RUN", "PULL", "BEGIN", "RESET", "LOGON"],
)
@pytest.mark.parametrize("version", [(4, 4), (5, 4)])
def test_messages_before_hello_fail_and_close(
    server: Any, message: tuple[Any, ...], version: tuple[int, int]
) -> None:
    with connected(server, version, hello=False) as client:
        client.send(*message)
        assert until_closed(client) in (["FAILURE"], [])
    assert_serving(server)


def test_goodbye_before_hello_closes(server: Any) -> None:
    with connected(server, hello=False) as client:
        client.send(0x02)
        assert until_closed(client) == []
    assert_serving(server)


def test_hello_twice_is_a_failure(server: Any) -> None:
    with connected(server, (4, 4)) as client:
        client.send(HELLO, {"scheme": "none"})
        assert client.recv_summary()[1].tag == FAILURE
    assert_serving(server)


# ---------------------------------------------------------------- size limits


@pytest.fixture
def small_server(start_server: Any) -> Any:
    return start_server(server_options={"max_message_size": 1024})


def test_a_message_over_the_limit_closes_the_connection(small_server: Any) -> None:
    with in_transaction(small_server, "Oversized") as client:
        assert client.query("RETURN $s AS s", {"s": "x" * 900})[0] == [["x" * 900]]
        client.send(RUN, "RETURN $s AS s", {"s": "x" * 2000}, {}, chunk_size=100)
        assert until_closed(client) in (["FAILURE"], [])
    assert eventually(lambda: count(small_server, "Oversized") == 1)
    assert_serving(small_server)


def test_an_oversized_chunk_header_closes_at_once(small_server: Any) -> None:
    with in_transaction(small_server, "BigChunk") as client:
        client.send_raw(b"\xff\xff")  # announces 65535 bytes that never come
        assert until_closed(client) in (["FAILURE"], [])
    assert eventually(lambda: count(small_server, "BigChunk") == 1)
    assert_serving(small_server)


def test_results_may_exceed_the_incoming_limit(small_server: Any) -> None:
    """The limit is on what clients send; responses of any size are still sent."""
    with connected(small_server) as client:
        rows, _ = client.query("RETURN range(1, 10000) AS r")
        assert rows == [[list(range(1, 10001))]]


def test_garbage_framing_then_disconnect(server: Any) -> None:
    with in_transaction(server, "Garbage") as client:
        client.send_raw(b"\xde\xad\xbe\xef" * 100)  # a chunk of 57005 bytes, begun
    assert eventually(lambda: count(server, "Garbage") == 1)
    assert_serving(server)


# -------------------------------------------------------- clients that vanish


def test_disconnect_mid_transaction_rolls_back(server: Any) -> None:
    client = in_transaction(server, "Vanished")
    client.send(RUN, "CREATE (:Vanished {committed: false})", {}, {})
    client.close()
    assert eventually(lambda: server.database.open_transaction_count == 0)
    assert count(server, "Vanished") == 1
    assert_serving(server)


def test_reset_by_peer_mid_transaction_rolls_back(server: Any) -> None:
    client = in_transaction(server, "Aborted")
    # SO_LINGER 0: the close sends a TCP RST instead of a FIN
    client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()
    assert eventually(lambda: server.database.open_transaction_count == 0)
    assert count(server, "Aborted") == 1
    assert_serving(server)


@pytest.mark.parametrize("explicit", [False, True])
def test_disconnect_during_a_big_pull(server: Any, explicit: bool) -> None:
    """The client stops reading during a huge result and goes away: the server's writer is held
    back by the full socket, notices the loss, ends the request and rolls back."""
    client = connected(server)
    client.query("CREATE (:Streamed {committed: true})")
    if explicit:
        client.begin()
        client.query("CREATE (:Streamed {committed: false})")
    run = client.run(
        "UNWIND range(1, 10000) AS a UNWIND range(1, 10000) AS b "
        "RETURN a, b, 'padding padding padding padding' AS p"
    )
    assert run.tag == SUCCESS
    client.send(PULL, {"n": -1})
    assert client.recv().name == "RECORD"  # streaming has begun
    client.close()
    assert eventually(lambda: server.database.open_transaction_count == 0)
    assert eventually(lambda: server.background.server.connection_count == 0)
    assert count(server, "Streamed") == 1
    assert_serving(server)


def test_disconnect_in_the_middle_of_a_message(server: Any) -> None:
    with in_transaction(server, "HalfMessage") as client:
        message = chunked(encode(RUN, "CREATE (:HalfMessage)", {}, {}))
        client.send_raw(message[: len(message) // 2])
    assert eventually(lambda: count(server, "HalfMessage") == 1)
    assert_serving(server)


@pytest.mark.parametrize("sent", [b"", b"\x60\x60", b"\x60\x60\xb0\x17\x00\x00"])
def test_disconnect_during_the_handshake(server: Any, sent: bytes) -> None:
    with BoltClient(server.host, server.port) as client:
        client.send_raw(sent)
    assert_serving(server)


def test_many_hostile_clients_at_once(server: Any) -> None:
    clients = []
    for i in range(20):
        client = connected(server, hello=i % 2 == 0)
        client.send_raw(chunked(pack(Structure(0x77, []))) if i % 3 else b"\x00\x05ab")
        clients.append(client)
    with BoltClient.open(server) as good:
        assert good.query("RETURN 1 AS one")[0] == [[1]]
    for client in clients:
        client.close()
    assert_serving(server)
