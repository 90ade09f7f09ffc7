"""The seam between sessions and the query executor: what a prepared query is, the context it
runs in, and the counters it updates.

The session owns transactions; the executor owns plans. A prepared query tells the session what
it needs (a transaction or not, whether it may run inside an explicit transaction, whether it is
transaction control), and its ``run`` yields rows as tuples of result values (never engine
handles: the executor converts nodes and relationships while the transaction is open).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Protocol

from mgcore.errors import QueryTimeout

if TYPE_CHECKING:
    from mgcore.database import Database
    from mgcore.session import Session
    from mgcore.storage.protocol import Transaction


class QueryKind(enum.Enum):
    """What a query does, as Bolt's summary ``type`` reports it."""

    READ = "r"
    WRITE = "w"
    READ_WRITE = "rw"
    SCHEMA = "s"


class TxControl(enum.Enum):
    """Transaction-control statements sent as query text (pymgclient sends them so)."""

    BEGIN = "BEGIN"
    COMMIT = "COMMIT"
    ROLLBACK = "ROLLBACK"


@dataclass
class Counters:
    """Update counters of one query or transaction (Neo4j's SummaryCounters, Bolt ``stats``)."""

    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    labels_added: int = 0
    labels_removed: int = 0
    indexes_added: int = 0
    indexes_removed: int = 0
    constraints_added: int = 0
    constraints_removed: int = 0

    @property
    def contains_updates(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def bolt_stats(self) -> dict[str, int]:
        """Non-zero counters with Bolt's hyphenated keys (``nodes-created``)."""
        return {k.replace("_", "-"): v for k, v in self.as_dict().items() if v}

    def add(self, other: Counters) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass(frozen=True)
class Notification:
    """A notification of a query's summary (Memgraph: ``IndexAlreadyExists`` and friends)."""

    code: str
    title: str
    description: str = ""
    severity: str = "INFO"


@dataclass
class QueryContext:
    """Everything one execution of a prepared query may use. Operators read ``tx`` and
    ``parameters`` on the hot path; the rest is for admin statements and summaries."""

    database: Database
    session: Session
    tx: Transaction | None
    parameters: Mapping[str, Any]
    counters: Counters = field(default_factory=Counters)
    notifications: list[Notification] = field(default_factory=list)
    deadline: float | None = None
    """``time.monotonic()`` value after which the query is aborted (``check_deadline``)."""
    abort_message: str = "Transaction was asked to abort because of transaction timeout."

    def check_deadline(self) -> None:
        """Raise QueryTimeout past the deadline; called by operators every few thousand rows."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryTimeout(self.abort_message)

    def abort(self, message: str) -> None:
        """Make the next ``check_deadline`` fail with ``message`` (safe from another thread)."""
        self.abort_message = message
        self.deadline = -1.0


class PreparedQuery(Protocol):
    """A parsed and planned query, cached by the plan cache and run any number of times."""

    columns: tuple[str, ...]
    """Result column names, known before execution."""
    kind: QueryKind
    needs_transaction: bool
    """False for statements that manage transactions or schema themselves (DDL, STORAGE MODE,
    SET ... ISOLATION LEVEL, BEGIN/COMMIT/ROLLBACK)."""
    allowed_in_explicit_transaction: bool
    tx_control: TxControl | None

    def run(self, ctx: QueryContext) -> Iterator[tuple[Any, ...]]:
        """Execute, yielding result rows lazily; writes happen as rows are pulled."""


class QueryProcessor(Protocol):
    """Turns query text into a PreparedQuery (the Cypher front end and planner)."""

    def prepare(self, query: str, database: Database) -> PreparedQuery:
        """Parse, bind and plan ``query``; raises the Cypher errors of mgcore.errors."""
