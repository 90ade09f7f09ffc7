"""Fuzzing with hypothesis: the PackStream decoder, request decoding and hydration take any
input and either succeed or raise their own error; the Bolt state machine, driven by random
sequences of valid-ish and invalid messages (on a transport-free Connection and on a real server
connection), answers every request with exactly one summary unless it closes the connection,
never fails internally, and leaves no transaction open."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rawbolt import (
    RECORD,
    SUMMARIES,
    BoltClient,
    Closed,
    Response,
    chunked,
    proposal,
)

import mgcore
from mgcore.database import Database
from mgcore.errors import ClientError
from mgcore.server.handshake import SUPPORTED_VERSIONS
from mgcore.server.hydration import hydrate
from mgcore.server.messages import ProtocolError, decode_request
from mgcore.server.packstream import PackStreamError, Structure, pack, unpack
from mgcore.server.protocol import Connection, ServerContext

# ------------------------------------------------------------------------ decoders

MARKER_HEAVY = st.lists(
    st.sampled_from(
        [
            0x80,
            0x90,
            0xA0,
            0xB0,
            0xB3,
            0xC0,
            0xC1,
            0xC8,
            0xCB,
            0xCC,
            0xCE,
            0xD0,
            0xD2,
            0xD4,
            0xD6,
            0xD8,
            0xDA,
            0xF0,
            0x00,
            0x7F,
            0xFF,
            0x10,
            0x4E,
            0xC4,
            0xDF,
        ]
    )
    | st.integers(0, 255),
    max_size=64,
).map(bytes)


@settings(max_examples=400)
@given(st.binary(max_size=64) | MARKER_HEAVY)
def test_unpack_arbitrary_bytes(data: bytes) -> None:
    try:
        value = unpack(data)
    except PackStreamError:
        return
    assert pack(value) is not None  # whatever decodes can be encoded again


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats()
    | st.text()
    | st.binary(max_size=8),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(max_size=5), children, max_size=5)
        | st.builds(Structure, st.integers(0, 255), st.lists(children, max_size=4))
    ),
    max_leaves=20,
)


@settings(max_examples=200)
@given(values, st.data())
def test_unpack_mutated_encodings(value: Any, data: st.DataObject) -> None:
    encoded = bytearray(pack(value))
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(encoded) - 1))
        action = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        if action == "flip":
            encoded[position] = data.draw(st.integers(0, 255))
        elif action == "delete" and len(encoded) > 1:
            del encoded[position]
        else:
            encoded.insert(position, data.draw(st.integers(0, 255)))
    with contextlib.suppress(PackStreamError):
        unpack(bytes(encoded))


TEMPORAL_TAGS = [0x44, 0x54, 0x74, 0x64, 0x49, 0x69, 0x46, 0x66, 0x45, 0x4E, 0x52, 0x50, 0x58]
field_values = (
    st.integers(-(2**63), 2**63 - 1)
    | st.integers(-100_000, 100_000)
    | st.sampled_from(["UTC", "Europe/Berlin", "Europe", "", "x" * 300, "Etc/GMT+5"])
    | st.text(max_size=10)
    | st.floats()
    | st.none()
)


@settings(max_examples=400)
@given(
    st.builds(
        Structure,
        st.sampled_from(TEMPORAL_TAGS) | st.integers(0, 255),
        st.lists(field_values, max_size=5),
    ),
    st.booleans(),
)
def test_hydrate_arbitrary_structures(structure: Structure, utc: bool) -> None:
    with contextlib.suppress(ClientError):
        hydrate({"p": [structure]}, utc)


# ---------------------------------------------------------------- message sequences

QUERIES = [
    "RETURN 1 AS one",
    "UNWIND range(1, 5) AS x RETURN x",
    "CREATE (:Fuzz {x: 1})",
    "MATCH (n:Fuzz) RETURN count(n) AS c",
    "MATCH (n:Fuzz) DELETE n",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "RETURN 1 / 0",
    "RETURN $p AS p",
    "THIS IS NOT CYPHER",
]
maps = st.dictionaries(
    st.sampled_from(["n", "qid", "db", "mode", "tx_timeout", "x"]),
    st.sampled_from([-1, 0, 1, 2, 3, "r", "memgraph", "x", None, 2**62]),
    max_size=3,
)


def message(tag: int, *fields: Any) -> bytes:
    return pack(Structure(tag, list(fields)))


MESSAGES = st.one_of(
    st.builds(lambda extra: message(0x01, extra), st.just({"scheme": "none"}) | maps),
    st.builds(lambda auth: message(0x6A, auth), st.just({}) | maps),
    st.just(message(0x6B)),
    st.just(message(0x0F)),
    st.builds(
        lambda q, p, extra: message(0x10, q, p, extra),
        st.sampled_from(QUERIES),
        st.just({}) | st.dictionaries(st.just("p"), values, max_size=1),
        st.just({}) | maps,
    ),
    st.builds(lambda extra: message(0x3F, extra), maps),
    st.builds(lambda extra: message(0x2F, extra), maps),
    st.builds(lambda extra: message(0x11, extra), st.just({}) | maps),
    st.just(message(0x12)),
    st.just(message(0x13)),
    st.just(message(0x66, {}, [], {})),
    st.just(message(0x54, 1)),
    st.just(message(0x02)),  # GOODBYE
    st.builds(
        lambda tag, fields: message(tag, *fields), st.integers(0, 255), st.lists(values, max_size=3)
    ),
    st.binary(min_size=1, max_size=12),
)
VERSIONS = st.sampled_from(sorted(SUPPORTED_VERSIONS))


@settings(max_examples=300)
@given(st.binary(max_size=48) | values.map(pack) | MESSAGES)
def test_decode_request_arbitrary_bytes(data: bytes) -> None:
    try:
        request = decode_request(data)
    except ProtocolError:
        return
    assert isinstance(request.tag, int) and isinstance(request.fields, tuple)


def parse(data: bytes) -> list[Response]:
    """Split framed server output into messages (NOOPs skipped)."""
    out: list[Response] = []
    pos = 0
    current = bytearray()
    while pos < len(data):
        size = int.from_bytes(data[pos : pos + 2], "big")
        pos += 2
        if size == 0:
            if current:
                value = unpack(bytes(current))
                out.append(Response(value.tag, value.fields))
                current.clear()
            continue
        current += data[pos : pos + size]
        pos += size
    assert not current
    return out


class ErrorLog(logging.Handler):
    """Collects ERROR records of the server's and asyncio's loggers: unexpected exceptions."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def error_log() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    loggers = [logging.getLogger("mgcore.server"), logging.getLogger("asyncio")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = mgcore.connect(data_directory=str(tmp_path_factory.mktemp("fuzz") / "db"))
    yield db
    db.close()


def _connection(database: Database, version: tuple[int, int], sink: bytearray) -> Connection:
    context = ServerContext(
        database=database, agent="fuzz", authenticate=database.plugins.authenticate
    )
    return Connection(context, version, sink.extend, connection_id="fuzz")


def _login(connection: Connection, sink: bytearray) -> None:
    assert connection.handle(message(0x01, {"scheme": "none"}))
    if connection.version >= (5, 1):
        assert connection.handle(message(0x6A, {}))
    connection.flush()
    assert [r.name for r in parse(bytes(sink))] == ["SUCCESS"] * (
        2 if connection.version >= (5, 1) else 1
    )
    sink.clear()


@settings(
    max_examples=120,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
@given(VERSIONS, st.booleans(), st.lists(MESSAGES, max_size=12))
def test_connection_answers_each_request_once(
    database: Database,
    error_log: ErrorLog,
    version: tuple[int, int],
    login: bool,
    messages: list[bytes],
) -> None:
    sink = bytearray()
    connection = _connection(database, version, sink)
    if login:
        _login(connection, sink)
    for data in messages:
        keep_open = connection.handle(data)
        connection.flush()
        responses = parse(bytes(sink))
        sink.clear()
        kinds = [r.tag for r in responses]
        if keep_open:
            assert len(kinds) >= 1 and kinds[-1] in SUMMARIES, responses
            assert all(k == RECORD for k in kinds[:-1]), responses
        else:
            assert [r.name for r in responses] in ([], ["FAILURE"]), responses
            break
    connection.close()
    assert database.open_transaction_count == 0
    assert not error_log.records, [r.getMessage() for r in error_log.records]

    fresh = _connection(database, version, sink)
    _login(fresh, sink)
    assert fresh.handle(message(0x10, "RETURN 1 AS one", {}, {}))
    assert fresh.handle(message(0x3F, {"n": -1}))
    fresh.flush()
    assert [r.name for r in parse(bytes(sink))] == ["SUCCESS", "RECORD", "SUCCESS"]
    fresh.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from mgcore.server.background import BackgroundServer

    db = mgcore.connect(data_directory=str(tmp_path_factory.mktemp("fuzz-server") / "db"))
    background = BackgroundServer(db, host="127.0.0.1").start()

    class Live:
        host, port = background.address
        database = db

    yield Live
    background.stop()
    db.close()


def eventually(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _read_answers(client: BoltClient, requests: int) -> tuple[list[Response], bool]:
    """Responses until ``requests`` summaries arrived or the server closed the connection."""
    responses: list[Response] = []
    summaries = 0
    while summaries < requests:
        try:
            response = client.recv()
        except (Closed, ConnectionResetError):
            return responses, True
        responses.append(response)
        summaries += response.tag in SUMMARIES
    return responses, False


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
@given(VERSIONS, st.booleans(), st.booleans(), st.lists(MESSAGES, max_size=10))
def test_server_answers_each_request_once(
    live_server: Any,
    error_log: ErrorLog,
    version: tuple[int, int],
    login: bool,
    pipelined: bool,
    messages: list[bytes],
) -> None:
    with BoltClient(live_server.host, live_server.port, timeout=20) as client:
        assert client.handshake(proposal(*version)) == version
        if login:
            client.login()
        if pipelined:
            client.send_raw(b"".join(chunked(m, 7) for m in messages))
            responses, closed = _read_answers(client, len(messages))
            if not closed:
                assert sum(r.tag in SUMMARIES for r in responses) == len(messages)
        else:
            for data in messages:
                client.send_raw(chunked(data))
                responses, closed = _read_answers(client, 1)
                if closed:
                    assert [r.name for r in responses] in ([], ["FAILURE"]), responses
                    break
                assert [r.tag for r in responses[:-1]] == [RECORD] * (len(responses) - 1)
    with BoltClient.open(live_server, version) as fresh:
        assert fresh.query("RETURN 1 AS one")[0] == [[1]]
    assert eventually(lambda: live_server.database.open_transaction_count == 0)
    assert not error_log.records, [r.getMessage() for r in error_log.records]
