"""One Bolt connection's state machine over a kernel Session, free of sockets and asyncio.

``BoltConnection.handle(message)`` takes one de-framed request and writes the responses (framed)
to its output buffer, handing full buffers to ``output`` (which may block: that is how a slow
client holds back a large result). The states and transitions are those of the Bolt
specification (design/bolt.md section 4): CONNECTED, AUTHENTICATION (5.1+), READY, STREAMING,
TX_READY, TX_STREAMING, FAILED; INTERRUPTED is the transport's business (it answers IGNORED
to what was queued before a RESET, see ``ignore``).
"""

from __future__ import annotations

import enum
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mgcore.errors import (
    AuthenticationError,
    ClientError,
    DatabaseNotFound,
    MgError,
    TransactionError,
    TransientError,
)
from mgcore.execution import Notification
from mgcore.server import hydration
from mgcore.server.framing import frame
from mgcore.server.messages import (
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
    RESET,
    ROLLBACK,
    ROUTE,
    RUN,
    SUCCESS,
    TELEMETRY,
    ProtocolError,
    Request,
    decode_request,
)
from mgcore.server.packstream import Packer, PackStreamError
from mgcore.session import ExplicitTransaction, as_mg_error

if TYPE_CHECKING:
    from mgcore.database import Database
    from mgcore.result import Result
    from mgcore.session import Session

log = logging.getLogger("mgcore.server")

FLUSH_SIZE = 256 * 1024
"""Output bytes buffered before they are handed to the transport during a long PULL."""
PULL_BATCH = 1000
"""Rows taken from a result at a time, so PULL n = -1 streams instead of materialising."""
DEFAULT_DATABASE = "memgraph"
AUTH_FAILED = "Authentication failure"
MGCLIENT_AGENT = "mgclient/"
"""User agents starting with this are libmgclient (pymgclient, gqlalchemy): it knows no Bolt Time
(0x54) and aborts the client process on one, so such connections get a FAILURE instead; and
pymgclient reads a Duration's seconds into a C ``int``, so they get Memgraph's layout (whole days
plus fewer than 86,400 seconds)."""


class ConnectionLost(Exception):
    """The transport is gone; raised by ``output`` so a long PULL stops at once."""


class State(enum.Enum):
    CONNECTED = "CONNECTED"
    AUTHENTICATION = "AUTHENTICATION"
    READY = "READY"
    STREAMING = "STREAMING"
    TX_READY = "TX_READY"
    TX_STREAMING = "TX_STREAMING"
    FAILED = "FAILED"
    DEFUNCT = "DEFUNCT"


@dataclass
class ServerContext:
    """What every connection of one server shares."""

    database: Database
    agent: str
    authenticate: Callable[[str, str, str], bool | None]
    auth_required: bool = False
    bookmarks: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


class Connection:
    """The Bolt state machine of one client connection; one thread at a time drives it."""

    def __init__(
        self,
        context: ServerContext,
        version: tuple[int, int],
        output: Callable[[bytes], None],
        *,
        connection_id: str,
        client_address: str = "",
        server_address: str = "",
    ) -> None:
        self.context = context
        self.version = version
        self.connection_id = connection_id
        self.client_address = client_address
        self.server_address = server_address
        self.state = State.CONNECTED
        self.user_agent = ""
        self._output = output
        self._out = bytearray()
        self._scratch = bytearray()
        self._utc = version >= (5, 0)
        self._packer = Packer(hydration.dehydrators(version >= (5, 0), self._utc))
        self._session: Session | None = None
        self._tx: ExplicitTransaction | None = None
        self._tx_timeout: float | None = None
        self._results: dict[int, Result] = {}
        self._started: dict[int, float] = {}
        self._next_qid = 0
        self._last_qid = -1
        self._interrupted: str | None = None
        self._username = ""
        """Who authenticated ("" without authentication), for SHOW TRANSACTIONS."""
        self._min_severity = ""

    # ------------------------------------------------------------------------- plumbing

    def flush(self) -> None:
        """Hand buffered responses to the transport."""
        if self._out:
            data = bytes(self._out)
            self._out.clear()
            self._output(data)

    def _send(self, tag: int, fields: list[Any]) -> None:
        scratch = self._scratch
        scratch.clear()
        scratch.append(0xB0 | len(fields))
        scratch.append(tag)
        for item in fields:
            self._packer.pack(item, scratch)
        frame(scratch, self._out)
        if len(self._out) >= FLUSH_SIZE:
            self.flush()

    def _success(self, metadata: dict[str, Any]) -> None:
        self._send(SUCCESS, [metadata])

    def ignore(self) -> None:
        """Answer IGNORED to a request (a request queued before a RESET, or after a FAILURE)."""
        self._send(IGNORED, [])

    def _failure(self, err: MgError) -> None:
        self._send(FAILURE, [{"code": err.code, "message": err.message}])

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = self.context.database.session()
            self._session.username = self._username
        return self._session

    # ------------------------------------------------------------------------- dispatch

    def handle(self, data: bytes) -> bool:
        """Process one request; False means the connection must now be closed."""
        try:
            request = decode_request(data)
            self._check_version(request)
        except ProtocolError as exc:
            log.info("%s: protocol violation: %s", self.connection_id, exc)
            self._failure(ClientError(str(exc)))
            self.state = State.DEFUNCT
            return False
        tag = request.tag
        if tag == GOODBYE:
            self.state = State.DEFUNCT
            return False
        state = self.state
        if state is State.FAILED and tag != RESET:
            self.ignore()
            return True
        if state is State.CONNECTED or state is State.AUTHENTICATION:
            return self._handle_unauthenticated(request)
        if state not in _ALLOWED[tag]:
            self._fail(
                ClientError(f"{request.name} is not allowed in state {state.value}."), request
            )
            return True
        try:
            _HANDLERS[tag](self, request)
        except ConnectionLost:
            raise
        except MgError as err:
            self._fail(err, request)
        except PackStreamError as exc:
            self._fail(ClientError(f"A value cannot be sent over Bolt: {exc}"), request)
        except Exception as exc:
            log.exception("%s: %s failed", self.connection_id, request.name)
            self._fail(as_mg_error(exc), request)
        return True

    def _check_version(self, request: Request) -> None:
        tag = request.tag
        if (
            (tag in (LOGON, LOGOFF) and self.version < (5, 1))
            or (tag == TELEMETRY and self.version < (5, 4))
            or (tag == ROUTE and self.version < (4, 3))
        ):
            raise ProtocolError(
                f"{request.name} does not exist in Bolt {self.version[0]}.{self.version[1]}."
            )

    def _fail(self, err: MgError, request: Request) -> None:
        """Report ``err``; the open transaction is rolled back and the connection is FAILED."""
        if err.code.split(".")[1] == "DatabaseError":  # a bug or an I/O failure: log it
            log.error("%s: %s failed: %s", self.connection_id, request.name, err.message)
        self._abandon()
        self._failure(err)
        self.state = State.FAILED

    def _abandon(self) -> None:
        """Drop every open result and roll back the transaction."""
        self._results.clear()
        self._started.clear()
        self._tx = None
        if self._session is not None:
            self._session.reset()

    def close(self) -> None:
        """The client is gone: roll back whatever it left open and release the session."""
        self.state = State.DEFUNCT
        session, self._session = self._session, None
        self._results.clear()
        self._tx = None
        if session is not None:
            try:
                session.reset()
            finally:
                session.close()

    def interrupt(self, message: str = "The query was interrupted by the client (RESET).") -> None:
        """Abort the running query, if any (from any thread): a RESET arrived, the client went
        away, or the server is shutting down."""
        self._interrupted = message
        session = self._session
        if session is not None:
            session.interrupt(message)

    # ----------------------------------------------------------------- authentication

    def _handle_unauthenticated(self, request: Request) -> bool:
        tag = request.tag
        if self.state is State.CONNECTED and tag == HELLO:
            extra = request.fields[0]
            self.user_agent = str(extra.get("user_agent", ""))
            self._notification_config(extra)
            metadata: dict[str, Any] = {
                "server": self.context.agent,
                "connection_id": self.connection_id,
            }
            patches = extra.get("patch_bolt")
            if (4, 3) <= self.version < (5, 0) and isinstance(patches, list) and "utc" in patches:
                self._utc = True
                metadata["patch_bolt"] = ["utc"]
            self._packer = Packer(hydration.dehydrators(
                self.version >= (5, 0), self._utc,
                mgclient=self.user_agent.startswith(MGCLIENT_AGENT),
            ))
            if self.version >= (5, 1):
                self._success(metadata)
                self.state = State.AUTHENTICATION
                return True
            if not self._authenticate(extra):
                return False
            self._success(metadata)
            self.state = State.READY
            return True
        if self.state is State.AUTHENTICATION and tag == LOGON:
            if not self._authenticate(request.fields[0]):
                return False
            self._success({})
            self.state = State.READY
            return True
        if tag == RESET and self.state is State.AUTHENTICATION:
            self._success({})
            return True
        self._failure(
            ClientError(f"{request.name} is not allowed before authentication.")
        )
        self.state = State.DEFUNCT
        return False

    def _authenticate(self, auth: dict[str, Any]) -> bool:
        scheme = auth.get("scheme", "none")
        principal = auth.get("principal", "")
        credentials = auth.get("credentials", "")
        if not all(isinstance(v, str) for v in (scheme, principal, credentials)):
            accepted: bool | None = False
        else:
            try:
                accepted = self.context.authenticate(principal, credentials, scheme)
            except Exception:
                log.exception("%s: authentication plugin failed", self.connection_id)
                accepted = False
        self._username = principal if accepted is True else ""
        if accepted is False:
            log.warning(
                "%s: authentication failed for %r from %s",
                self.connection_id,
                principal,
                self.client_address,
            )
            self._failure(AuthenticationError(AUTH_FAILED))
            self.state = State.DEFUNCT
            return False
        return True

    def _logoff(self, request: Request) -> None:
        self._abandon()
        self._success({})
        self.state = State.AUTHENTICATION

    # ---------------------------------------------------------------------- requests

    def _notification_config(self, extra: dict[str, Any]) -> None:
        """The client's minimum notification severity (``OFF``, ``WARNING``, ...). Disabled
        categories are accepted and have nothing to filter: Memgraph's notifications have none."""
        severity = extra.get("notifications_minimum_severity")
        if isinstance(severity, str):
            self._min_severity = severity.upper()

    def _transaction_options(self, extra: dict[str, Any]) -> float | None:
        """Check a RUN's or BEGIN's extra map; returns the transaction timeout in seconds."""
        _check_database(extra.get("db"))
        if extra.get("imp_user") not in (None, ""):
            raise ClientError("Impersonation is not supported.")
        timeout = extra.get("tx_timeout")
        if timeout is None:
            return None
        if type(timeout) is not int or timeout < 0:
            raise ClientError(f"tx_timeout must be a non-negative integer, not {timeout!r}.")
        return timeout / 1000 if timeout > 0 else None

    def _run(self, request: Request) -> None:
        query, parameters, extra = request.fields
        in_tx = self.state is State.TX_READY or self.state is State.TX_STREAMING
        if in_tx:
            timeout = self._tx_timeout
        else:
            timeout = self._transaction_options(extra)
            self._notification_config(extra)
        started = time.perf_counter()
        params = hydration.hydrate(parameters, self._utc)
        tx_metadata = None if in_tx else hydration.hydrate(extra.get("tx_metadata"), self._utc)
        result = self.session.execute(
            query, params, lazy_writes=True, timeout=timeout, metadata=tx_metadata
        )
        metadata: dict[str, Any] = {
            "fields": result.keys(),
            "t_first": int((time.perf_counter() - started) * 1000),
        }
        if in_tx:
            qid = self._next_qid
            self._next_qid += 1
            metadata["qid"] = qid
            self.state = State.TX_STREAMING
        else:
            qid = 0
            self._results.clear()
            self.state = State.STREAMING
        self._results[qid] = result
        self._started[qid] = time.perf_counter()
        self._last_qid = qid
        self._success(metadata)

    def _stream_target(self, extra: dict[str, Any]) -> tuple[int, int, Result]:
        n = extra.get("n", -1)
        qid = extra.get("qid", -1)
        if type(n) is not int or (n <= 0 and n != -1):
            raise ClientError(f"n must be a positive integer or -1, not {n!r}.")
        if type(qid) is not int:
            raise ClientError(f"qid must be an integer, not {qid!r}.")
        if qid == -1:
            qid = self._last_qid
        result = self._results.get(qid)
        if result is None:
            raise ClientError(f"There is no open result with qid {qid}.")
        return n, qid, result

    def _pull(self, request: Request) -> None:
        n, qid, result = self._stream_target(request.fields[0])
        packer_pack = self._packer.pack
        scratch = self._scratch
        out = self._out
        remaining = n
        has_more = True
        while has_more and remaining != 0:
            if self._interrupted is not None:  # a RESET is queued: stop between batches too
                raise TransientError(self._interrupted)
            batch = PULL_BATCH if remaining < 0 else min(PULL_BATCH, remaining)
            rows, has_more = result.pull_rows(batch)
            for row in rows:
                scratch.clear()
                scratch += b"\xb1\x71"
                packer_pack(row, scratch)
                frame(scratch, out)
                if len(out) >= FLUSH_SIZE:
                    self.flush()
            if remaining > 0:
                remaining -= len(rows)
        if has_more:
            self._success({"has_more": True})
        else:
            self._finish(qid, result)

    def _discard(self, request: Request) -> None:
        n, qid, result = self._stream_target(request.fields[0])
        if n > 0:
            _, has_more = result.pull_rows(n)
            if has_more:
                self._success({"has_more": True})
                return
        self._finish(qid, result)

    def _finish(self, qid: int, result: Result) -> None:
        summary = result.consume()
        metadata: dict[str, Any] = {
            "has_more": False,
            "type": summary.query_type.value,
            "t_last": int((time.perf_counter() - self._started.pop(qid, 0.0)) * 1000),
            "db": DEFAULT_DATABASE,
        }
        stats = summary.counters.bolt_stats()
        if stats:
            stats["contains-updates"] = True
            metadata["stats"] = stats
        notifications = self._notifications(summary.notifications)
        if notifications:
            metadata["notifications"] = notifications
        del self._results[qid]
        if self.state is State.TX_STREAMING:
            if not self._results:
                self.state = State.TX_READY
        else:
            self.state = State.READY
            if stats and not self.session.in_transaction:
                metadata["bookmark"] = self._bookmark()
        self._success(metadata)

    def _notifications(self, notifications: tuple[Notification, ...]) -> list[dict[str, str]]:
        if not notifications or self._min_severity == "OFF":
            return []
        out = []
        for note in notifications:
            if self._min_severity == "WARNING" and note.severity != "WARNING":
                continue
            out.append(
                {
                    "severity": note.severity,
                    "code": note.code,
                    "title": note.title,
                    "description": note.description,
                }
            )
        return out

    def _bookmark(self) -> str:
        return f"mgcore:{next(self.context.bookmarks)}"

    def _begin(self, request: Request) -> None:
        extra = request.fields[0]
        self._tx_timeout = self._transaction_options(extra)
        self._notification_config(extra)
        self._tx = self.session.begin_transaction(
            metadata=hydration.hydrate(extra.get("tx_metadata"), self._utc)
        )
        self._next_qid = 0
        self._last_qid = -1
        self._results.clear()
        self.state = State.TX_READY
        self._success({})

    def _end_transaction(self, action: str) -> ExplicitTransaction:
        """The transaction COMMIT or ROLLBACK ends: begun by BEGIN or by the query text."""
        tx = self._tx or self.session.transaction
        self._tx = None
        self._results.clear()
        self.state = State.READY
        if tx is None:
            raise TransactionError(f"No current transaction to {action}.")
        return tx

    def _commit(self, request: Request) -> None:
        self._end_transaction("commit").commit()
        self._success({"bookmark": self._bookmark()})

    def _rollback(self, request: Request) -> None:
        self._end_transaction("rollback").rollback()
        self._success({})

    def _reset(self, request: Request) -> None:
        self._interrupted = None
        self._abandon()
        self.state = State.READY
        self._success({})

    def _route(self, request: Request) -> None:
        extra = request.fields[2]
        _check_database(extra.get("db") if isinstance(extra, dict) else extra)
        address = [self.server_address]
        self._success(
            {
                "rt": {
                    "ttl": 300,
                    "db": DEFAULT_DATABASE,
                    "servers": [
                        {"addresses": address, "role": "WRITE"},
                        {"addresses": address, "role": "READ"},
                        {"addresses": address, "role": "ROUTE"},
                    ],
                }
            }
        )

    def _telemetry(self, request: Request) -> None:
        self._success({})


def _check_database(db: object) -> None:
    """A RUN's, BEGIN's or ROUTE's database must be the one database this server has."""
    if db not in (None, "", DEFAULT_DATABASE):
        raise DatabaseNotFound(
            f"Database {db!r} does not exist; this server has one database, "
            f"{DEFAULT_DATABASE!r}."
        )


_READY = frozenset({State.READY})
_STREAMING = frozenset({State.STREAMING, State.TX_STREAMING})
_IN_TX = frozenset({State.TX_READY, State.TX_STREAMING})
_ALLOWED: dict[int, frozenset[State]] = {
    RUN: _READY | _IN_TX,
    PULL: _STREAMING,
    DISCARD: _STREAMING,
    BEGIN: _READY,
    COMMIT: _READY | _IN_TX,
    ROLLBACK: _READY | _IN_TX,
    RESET: frozenset(State),
    ROUTE: _READY,
    TELEMETRY: _READY | _IN_TX,
    LOGOFF: _READY,
    HELLO: frozenset(),
    LOGON: frozenset(),
}
_HANDLERS: dict[int, Callable[[Connection, Request], None]] = {
    RUN: Connection._run,
    PULL: Connection._pull,
    DISCARD: Connection._discard,
    BEGIN: Connection._begin,
    COMMIT: Connection._commit,
    ROLLBACK: Connection._rollback,
    RESET: Connection._reset,
    ROUTE: Connection._route,
    TELEMETRY: Connection._telemetry,
    LOGOFF: Connection._logoff,
}
