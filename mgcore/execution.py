"""The seam between sessions and the query executor: what a prepared query is, the context it
runs in, and the counters it updates.

The session owns transactions; the executor owns plans. A prepared query tells the session what
it needs (a transaction or not, whether it may run inside an explicit transaction, whether it is
transaction control), and its ``run`` yields rows as tuples of result values (never engine
handles: the executor converts nodes and relationships while the transaction is open).
"""

from __future__ import annotations

import enum
import itertools
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Protocol

from mgcore.errors import MemoryLimitExceeded, QueryTimeout

if TYPE_CHECKING:
    from mgcore.database import Database
    from mgcore.session import Session
    from mgcore.storage.protocol import Transaction


_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_memory() -> int:
    """This process's resident memory in bytes (``/proc/self/statm``; 0 where unavailable)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


def physical_memory() -> int:
    """The memory this process can have: physical memory, or the cgroup's limit when lower
    (a container); 0 where unknown."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        total = 0
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < (total or int(text) + 1):
            total = int(text)
        break
    return total


def _swap_enabled() -> bool:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("SwapTotal:"):
                    return int(line.split()[1]) > 0
    except (OSError, ValueError, IndexError):
        pass
    return False


def default_memory_limit() -> int:
    """Memgraph's limit when ``--memory-limit`` is 0: all of memory with swap on, else 90%,
    so a runaway query fails with 'Memory limit exceeded' before the OOM killer ends the
    server; 0 (no limit) where memory is unknown."""
    total = physical_memory()
    return total if _swap_enabled() else total * 9 // 10


def human_size(n: float) -> str:
    """Memgraph's human sizes: ``"43.16MiB"``, ``"512B"``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.2f}{unit}" if unit != "B" else f"{int(n)}B"
        n /= 1024
    return f"{n:.2f}TiB"  # pragma: no cover


def check_memory(limit: int, allocating: int = 0) -> None:
    """Raise MemoryLimitExceeded when resident memory (plus ``allocating`` bytes about to be
    allocated) is over ``limit`` bytes, with Memgraph's two messages."""
    used = resident_memory()
    if used + allocating <= limit or used == 0:
        return
    if allocating:
        raise MemoryLimitExceeded(
            f"Memory limit exceeded! Attempting to allocate a chunk of {human_size(allocating)} "
            f"which would put the current use to {human_size(used + allocating)}, while the "
            f"maximum allowed size for allocation is set to {human_size(limit)}."
        )
    raise MemoryLimitExceeded(
        f"Memory limit exceeded! Current use is {human_size(used)}, while the maximum allowed "
        f"size for allocation is set to {human_size(limit)}."
    )


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


_EXECUTIONS = itertools.count(1)


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
    memory_limit: int = 0
    """``--memory-limit`` in bytes; 0: none. Checked with the deadline."""
    statement_time: int = field(default_factory=time.time_ns)
    """The statement clock: nanoseconds since the Unix epoch when the query started
    (``date.statement()``, and ``date()`` without arguments)."""
    execution: int = field(default_factory=lambda: next(_EXECUTIONS))
    """A number no other execution in this process has: per-execution caches key on it (a
    reference to the context would keep its transaction alive)."""
    transaction_time: int = 0
    """The transaction clock (``date.transaction()``): when the explicit transaction began,
    else the statement's time (0 here means that)."""

    def check_deadline(self) -> None:
        """Raise QueryTimeout past the deadline, MemoryLimitExceeded when the process is over
        the memory limit; called by operators every few thousand rows."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryTimeout(self.abort_message)
        if self.memory_limit:
            check_memory(self.memory_limit)

    def check_allocation(self, size: int) -> None:
        """Raise MemoryLimitExceeded when allocating about ``size`` more bytes would take the
        process over the memory limit (before building a big list)."""
        if self.memory_limit:
            check_memory(self.memory_limit, size)

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
    parameters: frozenset[str]
    """Names of the query parameters the query reads: one not supplied is refused before the
    query runs (``Database.prepare`` with parameters), as Memgraph and Neo4j refuse it."""

    def run(self, ctx: QueryContext) -> Iterator[tuple[Any, ...]]:
        """Execute, yielding result rows lazily; writes happen as rows are pulled."""


class QueryProcessor(Protocol):
    """Turns query text into a PreparedQuery (the Cypher front end and planner)."""

    def prepare(self, query: str, database: Database) -> PreparedQuery:
        """Parse, bind and plan ``query``; raises the Cypher errors of mgcore.errors."""
