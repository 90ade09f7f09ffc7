"""The TCK over Bolt: a scenario's database served by a ``BackgroundServer`` on a loopback port
and queried with the neo4j driver (``ScenarioRunner(..., channel=BoltChannel)``).

The driver is imported when a channel opens, so the kernel does not depend on it. What the driver
returns is turned back into the values ``canonical`` reads, the same the embedded API returns
(``mgcore.values.graph`` nodes, relationships and paths, ``mgcore.values.temporal`` values,
nanosecond-exact), and a FAILURE's code into a TCK error kind:
see ``mgcore.conformance.tck.runner`` for the phases and why details are not checked over Bolt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from mgcore.conformance.tck.runner import COMPILE_TIME, RUNTIME, Execution, QueryError
from mgcore.errors import MgError
from mgcore.values.graph import Node, Path, Relationship
from mgcore.values.temporal import (
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Temporal,
    Time,
)

_EPOCH_ORDINAL = 719_163
"""The proleptic Gregorian ordinal of 1970-01-01 (``date(1970, 1, 1).toordinal()``)."""


def _error_kinds() -> dict[str, tuple[str, str | None]]:
    """The TCK error kind of each code mgcore's error classes send, and the detail where every
    class sending it names the same one; codes whose classes differ in kind (the generic
    ``Memgraph.ClientError...`` of TransactionError, ConfigurationError, ...) are left out, so
    they give their classification."""
    import mgcore.storage.errors  # noqa: F401  (its classes send codes too)

    kinds: dict[str, set[str]] = {}
    details: dict[str, set[str | None]] = {}
    stack: list[type[MgError]] = [MgError]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        kinds.setdefault(cls.code, set()).add(cls.tck_type)
        details.setdefault(cls.code, set()).add(cls.tck_detail)
    return {
        code: (next(iter(kind)), next(iter(details[code])) if len(details[code]) == 1 else None)
        for code, kind in kinds.items()
        if len(kind) == 1
    }


KINDS = _error_kinds()
"""The TCK error kind, and the detail where the code names one, of each code the server sends
(read from ``mgcore.errors``'s classes); any other code gives its classification
(``ClientError``, ``TransientError``, ``DatabaseError``)."""


def error_kind(code: str) -> tuple[str, str | None]:
    """The TCK error kind and detail (None: the code does not name one) of a FAILURE code."""
    known = KINDS.get(code)
    if known is not None:
        return known
    parts = code.split(".")
    return (parts[1] if len(parts) == 4 else "DatabaseError"), None


class BoltChannel:
    """Serves ``database`` on 127.0.0.1 (a free port) and queries it through one driver
    session; ``close()`` closes the driver and stops the server, not the database."""

    def __init__(self, database: Any) -> None:
        import neo4j

        from mgcore.server.background import BackgroundServer

        self._neo4j_error = neo4j.exceptions.Neo4jError
        self._server = BackgroundServer(database, host="127.0.0.1", port=0).start()
        try:
            self._driver = neo4j.GraphDatabase.driver(self._server.uri, auth=None)
            self._session = self._driver.session()
        except BaseException:
            self._server.stop()
            raise

    def execute(self, query: str, parameters: Mapping[str, Any]) -> Execution:
        execution = Execution()
        try:
            # The driver sends RUN and PULL together and returns once RUN is answered: a FAILURE
            # to RUN (parsing, planning) is raised here, a FAILURE to PULL while iterating.
            result = self._session.run(query, dict(parameters))
        except self._neo4j_error as exc:
            execution.error = _driver_error(exc, COMPILE_TIME)
            return execution
        try:
            execution.columns = tuple(result.keys())
            values = DriverValues()
            # Convert each record as soon as it is read (the driver reads one message at a
            # time): the driver keeps one object per node and relationship of a result and
            # merges a later record's state into it, which would change the rows before. (It
            # only adds labels and updates properties, so a later row still shows what an
            # earlier one had and the query has removed since: the driver's view, which no TCK
            # scenario depends on.)
            for record in result:
                execution.rows.append(tuple(values.convert(v) for v in record.values()))
            result.consume()
        except self._neo4j_error as exc:
            execution.error = _driver_error(exc, RUNTIME)
        return execution

    def close(self) -> None:
        try:
            self._session.close()
            self._driver.close()
        finally:
            self._server.stop()


def _driver_error(exc: Any, phase: str) -> QueryError:
    code = str(exc.code or "")
    kind, detail = error_kind(code)
    return QueryError(
        kind=kind, phase=phase, detail=detail, message=f"{exc.message} [{code}]", exception=exc
    )


class DriverValues:
    """Turns the neo4j driver's values into mgcore's result values. Element ids become integer
    ids, consistent within one converter (paths read relationship directions from them)."""

    def __init__(self) -> None:
        self._node_ids: dict[str, int] = {}
        self._rel_ids: dict[str, int] = {}
        self._temporals = _temporal_converters()

    def convert(self, value: Any) -> Any:
        from neo4j import graph, spatial

        if value is None or isinstance(value, bool | int | float | str | bytes):
            return value
        if isinstance(value, dict):
            return {k: self.convert(v) for k, v in value.items()}
        if isinstance(value, graph.Node):
            return self._node(value)
        if isinstance(value, graph.Relationship):
            return self._relationship(value)
        if isinstance(value, graph.Path):
            return Path(
                tuple(self._node(n) for n in value.nodes),
                tuple(self._relationship(r) for r in value.relationships),
            )
        # Before lists: durations and points are tuples.
        temporal = self._temporals.get(type(value))
        if temporal is not None:
            return temporal(value)
        if isinstance(value, spatial.Point):
            return value
        if isinstance(value, list | tuple):
            return [self.convert(v) for v in value]
        return value

    def _id(self, element_id: str) -> int:
        return self._node_ids.setdefault(element_id, len(self._node_ids))

    def _node(self, node: Any) -> Node:
        return Node(
            self._id(node.element_id),
            tuple(sorted(node.labels)),
            {k: self.convert(v) for k, v in node.items()},
        )

    def _relationship(self, rel: Any) -> Relationship:
        start, end = rel.start_node, rel.end_node
        return Relationship(
            self._rel_ids.setdefault(rel.element_id, len(self._rel_ids)),
            self._id(start.element_id) if start is not None else -1,
            self._id(end.element_id) if end is not None else -1,
            rel.type,
            {k: self.convert(v) for k, v in rel.items()},
        )


def _date(value: Any) -> Date:
    return Date(value.to_ordinal() - _EPOCH_ORDINAL)


def _time(value: Any) -> Temporal:
    """A ``neo4j.time.Time``: a LocalTime without tzinfo, else a Time at its offset."""
    offset = value.utc_offset()
    if offset is None:
        return LocalTime(value.ticks)
    return Time(value.ticks, _seconds(offset))


def _datetime(value: Any) -> Temporal:
    """A ``neo4j.time.DateTime``: a LocalDateTime without tzinfo, else a DateTime at its fixed
    offset or, for a named zone (pytz's ``zone``), the same instant in that zone: pytz rounds
    historic offsets to minutes (Stockholm's +00:53:28 in 1818 is +00:53), so only the instant
    is exact. The driver gives offset 0 pytz's ``UTC`` zone, so a zone id ``UTC`` and offset
    ``Z`` look alike: both become offset ``Z``."""
    local = LocalDateTime(value.date().to_ordinal() - _EPOCH_ORDINAL, value.time().ticks)
    offset = value.utcoffset()
    if offset is None:
        return local
    fixed = DateTime.from_local(local, None, _seconds(offset))
    zone = getattr(value.tzinfo, "zone", None)
    if zone == "UTC" or not isinstance(zone, str):
        return fixed
    return DateTime.from_instant(fixed.epoch_nanos(), zone)


def _duration(value: Any) -> Duration:
    return Duration(value.months, value.days, value.seconds, value.nanoseconds)


def _seconds(offset: Any) -> int:
    return int(offset.total_seconds())


@cache
def _temporal_converters() -> dict[type, Callable[[Any], Any]]:
    """The neo4j driver's temporal types (exact types, as the driver hydrates them) to mgcore's;
    built on first use, as the kernel does not depend on the driver."""
    from neo4j import time

    return {
        time.Date: _date,
        time.Time: _time,
        time.DateTime: _datetime,
        time.Duration: _duration,
    }
