"""Temporal functions: ``date``, ``localtime``, ``time``, ``localdatetime``, ``datetime`` and
``duration`` constructors, their ``.transaction``/``.statement``/``.realtime`` clocks and
``.truncate``, ``datetime.fromepoch``/``fromepochmillis``, and ``duration.between``/``inMonths``/
``inDays``/``inSeconds``. The values and their rules live in ``mgcore.values.temporal*``; this
module adapts them to the registry's calling conventions (null in, null out; the query's
clocks from the context, read to the microsecond as Memgraph does)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from mgcore.cypher.functions.registry import Function
from mgcore.values import temporal_arith
from mgcore.values.temporal_build import (
    clock,
    datetime_from_epoch,
    datetime_from_epoch_millis,
    make_date,
    make_datetime,
    make_duration,
    make_local_datetime,
    make_local_time,
    make_time,
    truncate,
)

_MAKERS: dict[str, Callable[..., Any]] = {
    "date": make_date,
    "localtime": make_local_time,
    "time": make_time,
    "localdatetime": make_local_datetime,
    "datetime": make_datetime,
}
_RESULT: dict[str, str] = {
    "date": "DATE", "localtime": "LOCAL_TIME", "time": "ZONED_TIME",
    "localdatetime": "LOCAL_DATE_TIME", "datetime": "ZONED_DATE_TIME",
}
_NO_ARGUMENT = object()


def _micros(nanos: int) -> int:
    """A clock reading cut to whole microseconds, Memgraph's precision: ``datetime()`` and
    ``timestamp()`` then read the same instant."""
    return int(nanos) - int(nanos) % 1000


def _statement_time(ctx: Any) -> int:
    return _micros(ctx.statement_time)


def _transaction_time(ctx: Any) -> int:
    return _micros(ctx.transaction_time or ctx.statement_time)


def _constructor(kind: str) -> Callable[..., Any]:
    """``kind(arg)``: from a string, a map or another temporal; without an argument (or with a
    map holding only a timezone) the statement clock."""
    make = _MAKERS[kind]

    def construct(ctx: Any, arg: Any = _NO_ARGUMENT) -> Any:
        """A temporal value from ``arg`` (null: null), or the current one."""
        if arg is _NO_ARGUMENT:
            return make(None, now=_statement_time(ctx))
        if arg is None:
            return None
        return make(arg, now=_statement_time(ctx))

    construct.__name__ = kind
    return construct


def _clock(kind: str, which: str) -> Callable[..., Any]:
    """``kind.transaction()``, ``kind.statement()``, ``kind.realtime()``, with an optional
    time zone (a string, or a map with ``timezone``)."""

    def read(ctx: Any, timezone: Any = _NO_ARGUMENT) -> Any:
        """The current value by this clock, in ``timezone`` or UTC; null for a null zone."""
        if timezone is None:
            return None
        if timezone is _NO_ARGUMENT:
            timezone = None
        if which == "transaction":
            now = _transaction_time(ctx)
        elif which == "statement":
            now = _statement_time(ctx)
        else:
            now = _micros(time.time_ns())
        return clock(kind, now, timezone)

    read.__name__ = f"{kind}_{which}"
    return read


def _truncator(kind: str) -> Callable[..., Any]:
    """``kind.truncate(unit, value, overrides)``; a null value gives null."""

    def truncate_(ctx: Any, unit: Any, value: Any, overrides: Any = None) -> Any:
        """``value`` truncated to ``unit``, then ``overrides`` set."""
        if value is None or unit is None:
            return None
        return truncate(kind, unit, value, overrides, now=_statement_time(ctx))

    truncate_.__name__ = f"{kind}_truncate"
    return truncate_


def duration(arg: Any) -> Any:
    """``duration(arg)``: from a string (``P1DT2H``) or a map of components; null for null."""
    return None if arg is None else make_duration(arg)


def _between(measure: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def between(a: Any, b: Any) -> Any:
        """The duration from ``a`` to ``b`` (null when either is null)."""
        if a is None or b is None:
            return None
        return measure(a, b)

    between.__name__ = measure.__name__
    return between


def fromepoch(seconds: Any, nanoseconds: Any) -> Any:
    """``datetime.fromepoch(seconds, nanoseconds)`` in UTC; null for null."""
    if seconds is None or nanoseconds is None:
        return None
    return datetime_from_epoch(seconds, nanoseconds)


def fromepochmillis(millis: Any) -> Any:
    """``datetime.fromepochmillis(millis)`` in UTC; null for null."""
    return None if millis is None else datetime_from_epoch_millis(millis)


def _functions() -> tuple[Function, ...]:
    out: list[Function] = []
    for kind, result in _RESULT.items():
        out.append(Function(
            kind, _constructor(kind), 0, 1, needs_context=True,
            signature=f"{kind}(input = null :: ANY) :: {result}",
            description=f"Creates a {result} from a string, a map or another temporal value; "
                        "without an argument, the current one (statement clock).",
        ))
        for which, deterministic in (("transaction", True), ("statement", True),
                                     ("realtime", False)):
            out.append(Function(
                f"{kind}.{which}", _clock(kind, which), 0, 1, needs_context=True,
                deterministic=deterministic,
                signature=f"{kind}.{which}(timezone = null :: ANY) :: {result}",
                description=f"The current {result} by the {which} clock.",
            ))
        out.append(Function(
            f"{kind}.truncate", _truncator(kind), 2, 3, needs_context=True,
            signature=f"{kind}.truncate(unit :: STRING, input :: ANY, fields = null :: MAP) "
                      f":: {result}",
            description=f"Truncates a temporal value to the unit, as a {result}.",
        ))
    out.append(Function(
        "duration", duration, 1, 1,
        signature="duration(input :: ANY) :: DURATION",
        description="Creates a DURATION from a string or a map of components.",
    ))
    for name, measure in (("between", temporal_arith.between),
                          ("inMonths", temporal_arith.in_months),
                          ("inDays", temporal_arith.in_days),
                          ("inSeconds", temporal_arith.in_seconds)):
        out.append(Function(
            f"duration.{name}", _between(measure), 2, 2,
            signature=f"duration.{name}(from :: ANY, to :: ANY) :: DURATION",
            description=f"The DURATION from the first temporal value to the second ({name}).",
        ))
    out.append(Function(
        "datetime.fromepoch", fromepoch, 2, 2,
        signature="datetime.fromepoch(seconds :: INTEGER, nanoseconds :: INTEGER) :: "
                  "ZONED_DATE_TIME",
        description="The UTC date-time of an epoch time in seconds and nanoseconds.",
    ))
    out.append(Function(
        "datetime.fromepochmillis", fromepochmillis, 1, 1,
        signature="datetime.fromepochmillis(milliseconds :: INTEGER) :: ZONED_DATE_TIME",
        description="The UTC date-time of an epoch time in milliseconds.",
    ))
    return tuple(out)


FUNCTIONS: tuple[Function, ...] = _functions()
