"""Sessions: the transaction state machine shared by the embedded API and the Bolt server.

A session runs one query at a time, either in auto-commit mode (each query its own transaction,
committed when its result is finished) or inside an explicit transaction (``begin_transaction()``
or the query texts ``BEGIN`` / ``COMMIT`` / ``ROLLBACK``). Every commit goes through
``Database.commit`` so the before/after commit hooks run exactly once per commit.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mgcore.errors import (
    ClientError,
    DatabaseError,
    MemoryLimitExceeded,
    MgError,
    TransactionError,
    TransientError,
)
from mgcore.execution import Counters, PreparedQuery, QueryContext, QueryKind, TxControl
from mgcore.result import Result, ResultSummary
from mgcore.storage.records import IsolationLevel
from mgcore.values.types import check_parameters

if TYPE_CHECKING:
    from mgcore.database import Database
    from mgcore.storage.protocol import Transaction


def as_mg_error(exc: BaseException) -> MgError:
    """Errors the user sees are MgErrors; anything else is an internal DatabaseError."""
    if isinstance(exc, MgError):
        return exc
    if isinstance(exc, RecursionError):
        return ClientError(
            "The query or one of its values is nested too deeply to be evaluated."
        )
    err = DatabaseError(
        "An unknown exception occurred, this is unexpected. "
        f"{type(exc).__name__}: {exc}"
    )
    err.__cause__ = exc
    return err


def _query_text(query: object) -> str:
    """``query`` as a plain str; anything else is a ClientError."""
    if isinstance(query, str):
        return str(query)
    raise ClientError(f"The query must be a string, not {type(query).__name__}.")


def _parameter_dict(
    parameters: Mapping[str, Any] | None, kwparameters: dict[str, Any]
) -> dict[str, Any]:
    """One fresh dict of the mapping and keyword parameters."""
    if parameters is None:
        return kwparameters
    try:
        params = dict(parameters)
    except (TypeError, ValueError):
        raise ClientError(
            f"Parameters must be a mapping of names to values, not {type(parameters).__name__}."
        ) from None
    if kwparameters:
        params.update(kwparameters)
    return params


class TxState(enum.Enum):
    OPEN = "open"
    FAILED = "failed"
    CLOSED = "closed"


TERMINATED = "Transaction was asked to abort by another user."
"""Memgraph's message for a transaction ended by TERMINATE TRANSACTIONS."""


@dataclass(slots=True)
class TransactionInfo:
    """What SHOW TRANSACTIONS shows of a session's open transaction, and whether TERMINATE
    TRANSACTIONS asked it to stop."""

    id: str
    queries: list[str]
    metadata: dict[str, Any] = field(default_factory=dict)
    terminated: bool = False


def _metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    """A client's transaction metadata as a plain dict; anything but a map is a ClientError."""
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise ClientError(
            f"Transaction metadata must be a map, not {type(metadata).__name__}."
        )
    return dict(metadata)


class ExplicitTransaction:
    """A transaction spanning several queries; commit or roll back explicitly. As a context
    manager it commits on normal exit and rolls back on an exception (like the neo4j driver)."""

    def __init__(self, session: Session, engine_tx: Transaction, info: TransactionInfo) -> None:
        self._session = session
        self.engine_tx = engine_tx
        self.started = time.time_ns()
        """The transaction clock of its queries (nanoseconds since the Unix epoch)."""
        self.state = TxState.OPEN
        self.counters = Counters()
        self.error: MgError | None = None
        self.info = info

    def run(self, query: str, parameters: Mapping[str, Any] | None = None, **kw: Any) -> Result:
        if self._session._explicit is not self:
            raise TransactionError("This transaction is no longer the session's transaction.")
        return self._session.run(query, parameters, **kw)

    def commit(self) -> None:
        if self._session._explicit is not self:
            raise TransactionError("This transaction is already closed.")
        self._session._commit_explicit()

    def rollback(self) -> None:
        if self._session._explicit is self:
            self._session._rollback_explicit()

    def close(self) -> None:
        self.rollback()

    @property
    def closed(self) -> bool:
        return self.state is TxState.CLOSED

    def __enter__(self) -> ExplicitTransaction:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.state is TxState.CLOSED:
            return
        if exc_type is None and self.state is TxState.OPEN:
            self.commit()
        else:
            self.rollback()


class Session:
    """A sequence of queries against one database, on one thread at a time."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._explicit: ExplicitTransaction | None = None
        self._pending: Result | None = None
        self.isolation_level: IsolationLevel | None = None
        """Session-wide level (``SET SESSION TRANSACTION ISOLATION LEVEL``); None: global."""
        self.next_isolation_level: IsolationLevel | None = None
        """Level of the next transaction only (``SET NEXT TRANSACTION ISOLATION LEVEL``)."""
        self.closed = False
        self._running: QueryContext | None = None
        self.username = ""
        """Who authenticated on this session's connection ("" without authentication)."""
        self._auto: TransactionInfo | None = None
        """The open auto-commit transaction, from its query's start to its commit or rollback."""

    @property
    def database(self) -> Database:
        return self._db

    @property
    def in_transaction(self) -> bool:
        return self._explicit is not None

    @property
    def transaction(self) -> ExplicitTransaction | None:
        """The open explicit transaction, however it was begun (``begin_transaction()`` or the
        query text ``BEGIN``), or None."""
        return self._explicit

    # ----------------------------------------------------------------------------- queries

    def run(
        self, query: str, parameters: Mapping[str, Any] | None = None, **kwparameters: Any
    ) -> Result:
        """Run ``query``; parameters come from the mapping and/or keyword arguments."""
        try:
            params = _parameter_dict(parameters, kwparameters)
        except MgError as err:
            if not self.closed:
                self._fail_explicit(err)
            raise
        return self.execute(query, params)

    def execute(
        self,
        query: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        lazy_writes: bool = False,
        timeout: float | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Result:
        """Run ``query`` with ``parameters``: the form the Bolt server uses.

        Auto-commit writes run to completion here unless ``lazy_writes`` (then, as in Memgraph,
        they run as their rows are pulled, and errors surface while pulling); ``timeout``
        (seconds) overrides ``--query-execution-timeout-sec`` for this query; ``metadata`` is
        an auto-commit query's transaction metadata, shown by SHOW TRANSACTIONS.
        """
        if self.closed:
            raise TransactionError("The session is closed.")
        self._finish_pending()
        started = time.perf_counter()
        try:
            if type(query) is not str:
                query = _query_text(query)
            params = check_parameters(_parameter_dict(parameters, {}))
            tx_metadata = _metadata(metadata)
            prepared = self._db.prepare(query, params)
        except BaseException as exc:
            err = as_mg_error(exc)
            self._fail_explicit(err)
            raise err from (None if err is exc else exc)
        if prepared.tx_control is not None:
            return self._tx_control(prepared.tx_control, query, params)
        explicit = self._explicit
        if explicit is not None:
            if explicit.state is TxState.FAILED:
                raise TransactionError(
                    "The transaction failed and was rolled back; roll it back explicitly before "
                    "running more queries."
                )
            if explicit.info.terminated:
                err = TransientError(TERMINATED)
                self._fail_explicit(err)
                raise err
            if not prepared.allowed_in_explicit_transaction:
                message = getattr(prepared, "explicit_transaction_message", None)
                raise TransactionError(
                    message
                    or f"{query.strip().split(None, 2)[0].upper()} ... is not allowed in "
                    "multicommand transactions."
                )
            explicit.info.queries.append(query)
        tx: Transaction | None = None
        auto_commit = explicit is None
        if prepared.needs_transaction:
            if explicit is not None:
                tx = explicit.engine_tx
            else:
                tx = self._db.begin(self._take_isolation(), read_only=False)
        if auto_commit:
            self._auto = TransactionInfo(self._db.new_transaction_id(), [query], tx_metadata)
        ctx = QueryContext(
            database=self._db,
            session=self,
            tx=tx,
            parameters=params,
            deadline=self._db.query_deadline(timeout),
            memory_limit=self._db.memory_limit,
            transaction_time=explicit.started if explicit is not None else 0,
        )
        self._running = ctx
        info = self.open_transaction()
        if info is not None and info.terminated:  # terminated before ctx was the running one
            ctx.abort(TERMINATED)
        try:
            rows = prepared.run(ctx)
        except BaseException as exc:
            raise self._query_failed(exc, tx, auto_commit) from exc
        result = Result(
            prepared.columns,
            rows,
            finish=lambda: self._query_finished(prepared, query, params, ctx, auto_commit, started),
            fail=lambda exc: self._query_failed(exc, tx, auto_commit),
        )
        if auto_commit and not lazy_writes and prepared.kind is not QueryKind.READ:
            result.buffer_all()
        self._pending = result
        return result

    def interrupt(self, message: str) -> None:
        """Abort the running query at its next deadline check, from any thread; its result
        then fails with a TransientError carrying ``message``."""
        ctx = self._running
        if ctx is not None:
            ctx.abort(message)

    def open_transaction(self) -> TransactionInfo | None:
        """The session's open transaction (explicit, or an auto-commit query's), or None."""
        explicit = self._explicit
        if explicit is not None:
            return explicit.info
        return self._auto

    def terminate(self, transaction_id: str) -> bool:
        """TERMINATE TRANSACTIONS, from any thread: when ``transaction_id`` is the open
        transaction, its running query stops at its next deadline check and an explicit
        transaction fails its next query; whether it was the open transaction."""
        info = self.open_transaction()
        if info is None or info.id != transaction_id:
            return False
        info.terminated = True
        self.interrupt(TERMINATED)
        return True

    def _finish_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and not pending.closed:
            pending.buffer_all()

    def _query_finished(
        self,
        prepared: PreparedQuery,
        query: str,
        params: dict[str, Any],
        ctx: QueryContext,
        auto_commit: bool,
        started: float,
    ) -> ResultSummary:
        if auto_commit:
            self._auto = None
            if ctx.tx is not None:
                try:
                    self._db.commit(ctx.tx)
                except BaseException as exc:
                    raise as_mg_error(exc) from exc
        elif self._explicit is not None:
            self._explicit.counters.add(ctx.counters)
        return ResultSummary(
            query=query,
            parameters=params,
            query_type=prepared.kind,
            counters=ctx.counters,
            notifications=tuple(ctx.notifications),
            result_consumed_after=time.perf_counter() - started,
        )

    def _query_failed(
        self, exc: BaseException, tx: Transaction | None, auto_commit: bool
    ) -> MgError:
        err = as_mg_error(exc)
        if auto_commit:
            self._auto = None
            if tx is not None:
                self._db.rollback(tx)
        else:
            self._fail_explicit(err)
        if isinstance(err, MemoryLimitExceeded):
            self._db.release_memory()
        return err

    def _fail_explicit(self, err: MgError) -> None:
        explicit = self._explicit
        if explicit is not None and explicit.state is TxState.OPEN:
            explicit.state = TxState.FAILED
            explicit.error = err
            self._db.rollback(explicit.engine_tx)

    def _take_isolation(self) -> IsolationLevel | None:
        level = self.next_isolation_level or self.isolation_level
        self.next_isolation_level = None
        return level

    # ---------------------------------------------------------------------- transactions

    def begin_transaction(
        self, metadata: Mapping[str, Any] | None = None
    ) -> ExplicitTransaction:
        """Open an explicit transaction; only one at a time per session. ``metadata`` is shown
        by SHOW TRANSACTIONS (Bolt's ``tx_metadata``)."""
        if self.closed:
            raise TransactionError("The session is closed.")
        self._finish_pending()
        if self._explicit is not None:
            raise TransactionError("Nested transactions are not supported.")
        info = TransactionInfo(self._db.new_transaction_id(), [], _metadata(metadata))
        tx = self._db.begin(self._take_isolation(), read_only=False)
        self._explicit = ExplicitTransaction(self, tx, info)
        return self._explicit

    def _commit_explicit(self) -> None:
        explicit = self._explicit
        if explicit is None:
            raise TransactionError("No current transaction to commit.")
        self._finish_pending()
        self._explicit = None
        explicit_state, explicit.state = explicit.state, TxState.CLOSED
        if explicit_state is TxState.FAILED:
            raise TransactionError(
                "The transaction failed and was rolled back; it cannot be committed."
            )
        try:
            self._db.commit(explicit.engine_tx)
        except BaseException as exc:
            raise as_mg_error(exc) from exc

    def _rollback_explicit(self) -> None:
        explicit = self._explicit
        if explicit is None:
            raise TransactionError("No current transaction to rollback.")
        pending, self._pending = self._pending, None
        self._explicit = None
        if explicit.state is TxState.OPEN:
            self._db.rollback(explicit.engine_tx)
        explicit.state = TxState.CLOSED
        del pending

    def _tx_control(self, control: TxControl, query: str, params: dict[str, Any]) -> Result:
        if control is TxControl.BEGIN:
            self.begin_transaction()
        elif control is TxControl.COMMIT:
            self._commit_explicit()
        else:
            self._rollback_explicit()
        summary = ResultSummary(query, params, QueryKind.READ, Counters())
        return Result((), iter(()), finish=lambda: summary, fail=as_mg_error)

    def reset(self) -> None:
        """Abandon the pending result and the explicit transaction, rolling both back (Bolt's
        RESET, a client that went away); the session is then ready for new queries."""
        pending, self._pending = self._pending, None
        if pending is not None and not pending.closed:
            pending.cancel("The query was reset by the client.")
        if self._explicit is not None:
            self._rollback_explicit()

    # --------------------------------------------------------------------------- closing

    def close(self) -> None:
        """Finish the pending result and roll back an open explicit transaction."""
        if self.closed:
            return
        try:
            if self._explicit is not None:
                self._rollback_explicit()
            else:
                self._finish_pending()
        finally:
            self.closed = True
            self._db._session_closed(self)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.close()
