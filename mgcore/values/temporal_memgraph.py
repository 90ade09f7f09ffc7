"""Temporal behaviour that Memgraph documents and the openCypher TCK does not cover.

Memgraph holds a Duration as one count of microseconds; mgcore keeps Neo4j's months, days,
seconds and nanoseconds, because the TCK compares durations field by field. Where Memgraph
reads a duration as a single length (its singular components ``d.day``, ``d.hour``, ...,
``timestamp(d)``), the length here is ``Duration.approximate_nanos()``: days of 86,400
seconds and months of average length (Memgraph's durations have no months).

- ``duration_field``: Memgraph's duration components (``pages/fundamentals/data-types.mdx``):
  ``day`` is the whole days of the length, the others what is left after removing them,
  counted in that unit (``duration({day: 1, hour: 2, minute: 3}).minute`` = 123); each is
  truncated toward zero, so a negative duration has negative components.
- ``difference``: ``Date - Date``, ``LocalTime - LocalTime``, ``LocalDateTime -
  LocalDateTime`` and ``ZonedDateTime - ZonedDateTime`` give a Duration (Memgraph's
  "Temporal type arithmetic" tables): whole days as days, the rest as seconds.
- ``epoch_micros``: ``timestamp(value)`` in microseconds (Memgraph's ``timestamp``).
"""

from __future__ import annotations

from mgcore.errors import CypherTypeError
from mgcore.values.temporal import (
    NANOS_PER_DAY,
    NANOS_PER_SECOND,
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Temporal,
    java_div,
)

__all__ = ["DURATION_UNITS", "difference", "duration_field", "epoch_micros"]

DURATION_UNITS: dict[str, int] = {
    "hour": 3600 * NANOS_PER_SECOND,
    "minute": 60 * NANOS_PER_SECOND,
    "second": NANOS_PER_SECOND,
    "millisecond": 1_000_000,
    "microsecond": 1000,
    "nanosecond": 1,
}
"""The sub-day components of Memgraph's Duration, lower-case, in nanoseconds."""


def duration_field(d: Duration, name: str) -> int | None:
    """Memgraph's component ``name`` (lower-case) of ``d``; None when it has none."""
    if name != "day" and name not in DURATION_UNITS:
        return None
    length = d.approximate_nanos()
    days = java_div(length, NANOS_PER_DAY)
    if name == "day":
        return days
    return java_div(length - days * NANOS_PER_DAY, DURATION_UNITS[name])


def _split(nanos: int) -> Duration:
    """A length in nanoseconds as whole days (toward zero) plus the rest."""
    days = java_div(nanos, NANOS_PER_DAY)
    return Duration(0, days, 0, nanos - days * NANOS_PER_DAY)


def difference(a: Temporal, b: Temporal) -> Duration | None:
    """``a - b`` for two values of the same type (Date, LocalTime, LocalDateTime or
    DateTime, the instants compared); None for other pairs (the caller raises)."""
    if type(a) is not type(b):
        return None
    if isinstance(a, Date) and isinstance(b, Date):
        return Duration(0, a.days - b.days)
    if isinstance(a, LocalTime) and isinstance(b, LocalTime):
        return Duration(0, 0, 0, a.nanos - b.nanos)
    if isinstance(a, LocalDateTime) and isinstance(b, LocalDateTime):
        return _split((a.days - b.days) * NANOS_PER_DAY + a.nanos - b.nanos)
    if isinstance(a, DateTime) and isinstance(b, DateTime):
        return _split(a.epoch_nanos() - b.epoch_nanos())
    return None


def epoch_micros(value: Temporal) -> int:
    """``timestamp(value)``: microseconds since the Unix epoch of a Date (its midnight), a
    LocalDateTime (read as UTC) or a ZonedDateTime; since midnight of a LocalTime; the
    length of a Duration. A zoned Time has no Memgraph counterpart and is refused."""
    if isinstance(value, Duration):
        return java_div(value.approximate_nanos(), 1000)
    if isinstance(value, Date):
        nanos = value.days * NANOS_PER_DAY
    elif isinstance(value, LocalTime):
        nanos = value.nanos
    elif isinstance(value, LocalDateTime):
        nanos = value.days * NANOS_PER_DAY + value.nanos
    elif isinstance(value, DateTime):
        nanos = value.epoch_nanos()
    else:
        raise CypherTypeError(
            "'timestamp' argument at position 1 must be either 'Date', 'LocalTime', "
            f"'LocalDateTime', 'ZonedDateTime' or 'Duration', got {type(value).__name__}."
        )
    return nanos // 1000
