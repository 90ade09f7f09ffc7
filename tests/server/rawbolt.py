"""A small raw Bolt client for protocol tests: a socket, the handshake with chosen proposals,
messages sent in chunks of a chosen size, and responses decoded with mgcore's own PackStream.

It checks nothing about the server's answers itself; tests do that. ``recv`` raises
``Closed`` when the server has closed the connection.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mgcore.server.messages import (  # noqa: F401  (re-exported for the tests)
    BEGIN,
    COMMIT,
    DISCARD,
    FAILURE,
    GOODBYE,
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
)
from mgcore.server.packstream import Structure, pack, unpack

MAGIC = b"\x60\x60\xb0\x17"

SUMMARIES = frozenset({SUCCESS, IGNORED, FAILURE})
NAMES = {SUCCESS: "SUCCESS", RECORD: "RECORD", IGNORED: "IGNORED", FAILURE: "FAILURE"}

Version = tuple[int, int]


class Closed(Exception):
    """The server closed the connection (EOF or a reset)."""


@dataclass
class Response:
    tag: int
    fields: list[Any]

    @property
    def name(self) -> str:
        return NAMES.get(self.tag, f"0x{self.tag:02X}")

    @property
    def metadata(self) -> dict[str, Any]:
        """SUCCESS's or FAILURE's map."""
        assert self.tag in (SUCCESS, FAILURE), self
        return self.fields[0]

    @property
    def values(self) -> list[Any]:
        """A RECORD's values."""
        assert self.tag == RECORD, self
        return self.fields[0]

    def __repr__(self) -> str:
        return f"{self.name}{self.fields!r}"


def proposal(major: int, minor: int, spread: int = 0) -> bytes:
    """One 4-byte version proposal: ``major.minor`` down to ``major.(minor - spread)``."""
    return bytes((0, spread, minor, major))


def handshake_bytes(*proposals: bytes) -> bytes:
    """The magic and four proposals (missing slots are zeros)."""
    slots = b"".join(proposals).ljust(16, b"\x00")
    assert len(slots) == 16
    return MAGIC + slots


def chunked(message: bytes, chunk_size: int = 0xFFFF) -> bytes:
    """``message`` framed in chunks of at most ``chunk_size`` bytes, then ``00 00``."""
    out = bytearray()
    for start in range(0, len(message), chunk_size):
        piece = message[start : start + chunk_size]
        out += len(piece).to_bytes(2, "big") + piece
    return bytes(out + b"\x00\x00")


def encode(tag: int, *fields: Any) -> bytes:
    """A request's PackStream bytes (unframed)."""
    return pack(Structure(tag, list(fields)))


class BoltClient:
    """One raw Bolt connection. ``BoltClient.open(server, version)`` connects, shakes hands
    offering just ``version`` and sends HELLO (and LOGON on 5.1+)."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buffer = bytearray()
        self.version: Version | None = None

    @classmethod
    def open(
        cls, server: Any, version: Version = (5, 4), auth: dict[str, Any] | None = None
    ) -> BoltClient:
        client = cls(server.host, server.port)
        assert client.handshake(proposal(*version)) == version
        client.login(auth)
        return client

    # ---------------------------------------------------------------------------- bytes

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def recv_exact(self, n: int) -> bytes:
        while len(self._buffer) < n:
            try:
                data = self.sock.recv(max(65536, n - len(self._buffer)))
            except ConnectionResetError as exc:
                raise Closed() from exc
            if not data:
                raise Closed()
            self._buffer += data
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def is_closed(self, timeout: float = 10.0) -> bool:
        """Whether the server closes the connection within ``timeout`` seconds; whatever it
        sends meanwhile is dropped."""
        self.sock.settimeout(timeout)
        try:
            while self.sock.recv(65536):
                pass
        except ConnectionResetError:
            pass
        except TimeoutError:
            return False
        self._buffer.clear()
        return True

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> BoltClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------ handshake

    def handshake(self, *proposals: bytes) -> Version | None:
        """Send the magic and ``proposals``; the agreed version, or None for ``00 00 00 00``."""
        self.send_raw(handshake_bytes(*proposals))
        reply = self.recv_exact(4)
        if reply == b"\x00\x00\x00\x00":
            return None
        assert reply[:2] == b"\x00\x00", reply
        self.version = (reply[3], reply[2])
        return self.version

    # ------------------------------------------------------------------------- messages

    def send(self, tag: int, *fields: Any, chunk_size: int = 0xFFFF) -> None:
        self.send_raw(chunked(encode(tag, *fields), chunk_size))

    def recv(self) -> Response:
        """The next message; NOOPs (empty chunks between messages) are skipped."""
        message = bytearray()
        while True:
            size = int.from_bytes(self.recv_exact(2), "big")
            if size:
                message += self.recv_exact(size)
            elif message:
                break
        value = unpack(message)
        assert isinstance(value, Structure), value
        return Response(value.tag, value.fields)

    def recv_summary(self) -> tuple[list[Response], Response]:
        """RECORDs up to the next summary message, and that summary."""
        records: list[Response] = []
        while True:
            response = self.recv()
            if response.tag in SUMMARIES:
                return records, response
            records.append(response)

    def request(self, tag: int, *fields: Any, chunk_size: int = 0xFFFF) -> Response:
        """Send one message and return its summary (which must not follow any RECORD)."""
        self.send(tag, *fields, chunk_size=chunk_size)
        records, summary = self.recv_summary()
        assert not records, records
        return summary

    # ---------------------------------------------------------------------- conveniences

    def login(self, auth: dict[str, Any] | None = None) -> None:
        """HELLO (with ``auth`` before 5.1), then LOGON from 5.1; both must succeed."""
        assert self.version is not None
        auth = {"scheme": "none"} if auth is None else auth
        if self.version >= (5, 1):
            assert self.hello().tag == SUCCESS
            assert self.logon(auth).tag == SUCCESS
        else:
            assert self.hello(**auth).tag == SUCCESS

    def hello(self, **extra: Any) -> Response:
        extra.setdefault("user_agent", "rawbolt/1.0")
        return self.request(HELLO, extra)

    def logon(self, auth: dict[str, Any]) -> Response:
        return self.request(LOGON, auth)

    def run(
        self,
        query: str,
        parameters: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Response:
        return self.request(RUN, query, parameters or {}, extra or {})

    def pull(self, n: int = -1, qid: int | None = None) -> tuple[list[list[Any]], Response]:
        """PULL; the records' values and the summary."""
        extra: dict[str, Any] = {"n": n}
        if qid is not None:
            extra["qid"] = qid
        self.send(PULL, extra)
        records, summary = self.recv_summary()
        return [r.values for r in records], summary

    def discard(self, n: int = -1, qid: int | None = None) -> Response:
        extra: dict[str, Any] = {"n": n}
        if qid is not None:
            extra["qid"] = qid
        return self.request(DISCARD, extra)

    def query(
        self, query: str, parameters: dict[str, Any] | None = None
    ) -> tuple[list[list[Any]], Response]:
        """RUN + PULL all; RUN must succeed. The rows and the PULL summary."""
        run = self.run(query, parameters)
        assert run.tag == SUCCESS, run
        return self.pull()

    def begin(self, extra: dict[str, Any] | None = None) -> Response:
        return self.request(BEGIN, extra or {})

    def commit(self) -> Response:
        return self.request(COMMIT)

    def rollback(self) -> Response:
        return self.request(ROLLBACK)

    def reset(self) -> Response:
        return self.request(RESET)

    def goodbye(self) -> None:
        self.send(GOODBYE)


def pipeline(client: BoltClient, messages: Iterable[tuple[Any, ...]]) -> list[Response]:
    """Send ``(tag, *fields)`` messages in one write, then read one summary per message;
    returns every response (RECORDs included) in order."""
    batch = [tuple(m) for m in messages]
    client.send_raw(b"".join(chunked(encode(*m)) for m in batch))
    responses: list[Response] = []
    for _ in batch:
        records, summary = client.recv_summary()
        responses += records
        responses.append(summary)
    return responses


def summaries(responses: Sequence[Response]) -> list[str]:
    """The names of the summary messages among ``responses``."""
    return [r.name for r in responses if r.tag in SUMMARIES]
