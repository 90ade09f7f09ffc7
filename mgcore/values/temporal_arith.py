"""Arithmetic on temporal values (TCK Temporal8, Temporal10) and component access.

Duration arithmetic follows Neo4j: ``+``/``-`` work component by component; ``*`` and ``/``
by a number spill fractions of months into days (an average month, 365.2425 / 12 days), of
days into seconds and of seconds into nanoseconds, truncating what is left below a
nanosecond. Adding a Duration to a temporal adds months, then days, then seconds and
nanoseconds, skipping the units the temporal does not have (a Date adds whole days of the
seconds, a time ignores months and days). ``duration.between`` mirrors Java's ``until``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from mgcore.errors import CypherArgumentError, CypherArithmeticError, CypherTypeError
from mgcore.values.temporal import (
    AVG_SECONDS_PER_MONTH,
    NANOS_PER_DAY,
    NANOS_PER_SECOND,
    SECONDS_PER_DAY,
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Temporal,
    Time,
    check_days,
    civil_from_days,
    days_from_civil,
    days_in_month,
    format_offset,
    iso_week,
    java_div,
)
from mgcore.values.temporal_memgraph import duration_field

__all__ = [
    "add",
    "between",
    "divide",
    "duration_of",
    "in_days",
    "in_months",
    "in_seconds",
    "minus_duration",
    "multiply",
    "plus_days",
    "plus_duration",
    "plus_months",
    "subtract",
    "temporal_property",
    "to_fraction",
]

Number = int | float | Fraction


def to_fraction(value: Any, what: str = "value") -> Fraction:
    """An int or finite float as an exact Fraction (a float by its shortest decimal form)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise CypherTypeError(f"Expected a number for {what}, got {type(value).__name__}.")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CypherArgumentError(f"Invalid {what}: {value}.")
        return Fraction(repr(value))
    return Fraction(value)


def _trunc(x: Fraction) -> int:
    return math.trunc(x)


def duration_of(
    months: Number = 0, days: Number = 0, seconds: Number = 0, nanos: Number = 0
) -> Duration:
    """A Duration of possibly fractional amounts, fractions spilling into smaller units."""
    fm, fd, fs, fn = (to_fraction(v) for v in (months, days, seconds, nanos))
    m = _trunc(fm)
    fd += (fm - m) * AVG_SECONDS_PER_MONTH / SECONDS_PER_DAY
    d = _trunc(fd)
    fs += (fd - d) * SECONDS_PER_DAY
    s = _trunc(fs)
    fn += (fs - s) * NANOS_PER_SECOND
    return Duration(m, d, s, _trunc(fn))


# ------------------------------------------------------------------------ duration arithmetic


def add(a: Duration, b: Duration) -> Duration:
    """``a + b`` of two durations, component by component."""
    return Duration(a.months + b.months, a.days + b.days, a.seconds + b.seconds, a.nanos + b.nanos)


def subtract(a: Duration, b: Duration) -> Duration:
    """``a - b`` of two durations, component by component."""
    return Duration(a.months - b.months, a.days - b.days, a.seconds - b.seconds, a.nanos - b.nanos)


def multiply(d: Duration, factor: Number) -> Duration:
    """``d * factor``; a fractional factor spills fractions into smaller units."""
    if isinstance(factor, int) and not isinstance(factor, bool):
        return Duration(d.months * factor, d.days * factor, d.seconds * factor, d.nanos * factor)
    f = to_fraction(factor, "factor")
    return duration_of(d.months * f, d.days * f, d.seconds * f, d.nanos * f)


def divide(d: Duration, divisor: Number) -> Duration:
    """``d / divisor``, spilling fractions into smaller units; division by zero is an error."""
    f = to_fraction(divisor, "divisor")
    if f == 0:
        raise CypherArithmeticError("/ by zero")
    return duration_of(
        Fraction(d.months) / f, Fraction(d.days) / f, Fraction(d.seconds) / f, Fraction(d.nanos) / f
    )


# ------------------------------------------------------------------------ temporal + duration


def _plus_months_days(days: int, months: int) -> int:
    """A day count moved by ``months`` calendar months, the day clamped to the month's end."""
    if not months:
        return days
    y, m, d = civil_from_days(days)
    total = y * 12 + (m - 1) + months
    ny, nm = divmod(total, 12)
    nm += 1
    return days_from_civil(ny, nm, min(d, days_in_month(ny, nm)))


def _plus_steps(days: int, months: int, *steps: int) -> int:
    """``days`` moved by ``months``, then by each day count of ``steps`` in turn, checking
    every intermediate date as java.time's plusMonths and plusDays do (Neo4j adds a
    duration's units one at a time): +999999999-12-31 + P1D + PT-24H is out of range, even
    though the seconds would bring it back."""
    days = check_days(_plus_months_days(days, months))
    for step in steps:
        if step:
            days = check_days(days + step)
    return days


def plus_months(value: Temporal, months: int) -> Temporal:
    """A date-bearing temporal moved by calendar months (times are returned unchanged)."""
    return _plus_calendar(value, months, 0)


def plus_days(value: Temporal, days: int) -> Temporal:
    """A date-bearing temporal moved by calendar days (times are returned unchanged)."""
    return _plus_calendar(value, 0, days)


def _plus_calendar(value: Temporal, months: int, days: int) -> Temporal:
    if isinstance(value, Date):
        return Date(_plus_months_days(value.days, months) + days)
    if isinstance(value, LocalDateTime):
        return LocalDateTime(_plus_months_days(value.days, months) + days, value.nanos)
    if isinstance(value, DateTime):
        # As java.time's ZonedDateTime.plus(months, MONTHS) then .plus(days, DAYS), which
        # Neo4j's DurationValue.addTo calls one after the other: each step moves the local
        # date-time and resolves it in the zone again, so a month landing in a DST gap is
        # shifted later before the days are added (2017-02-26T02:30[Europe/Stockholm] + P1M1D
        # is 2017-03-27T03:30+02:00, not 02:30).
        for step_months, step_days in ((months, 0), (0, days)):
            if step_months or step_days:
                local = value.local()
                moved = LocalDateTime(
                    _plus_months_days(local.days, step_months) + step_days, local.nanos
                )
                value = DateTime.from_local_preferring(moved, value.zone, value.offset)
        return value
    return value


def plus_duration(value: Temporal, d: Duration) -> Temporal:
    """``value + d`` for any temporal other than a Duration (use ``add`` for those)."""
    if isinstance(value, Duration):
        return add(value, d)
    if isinstance(value, Date):
        extra = java_div(d.seconds, SECONDS_PER_DAY)
        return Date(_plus_steps(value.days, d.months, d.days, extra))
    shift = d.seconds * NANOS_PER_SECOND + d.nanos
    if isinstance(value, LocalTime):
        return LocalTime((value.nanos + shift) % NANOS_PER_DAY)
    if isinstance(value, Time):
        return Time((value.nanos + shift) % NANOS_PER_DAY, value.offset)
    if isinstance(value, LocalDateTime):
        days = _plus_steps(value.days, d.months, d.days)
        return LocalDateTime.from_epoch_nanos(days * NANOS_PER_DAY + value.nanos + shift)
    if isinstance(value, DateTime):
        moved = _plus_calendar(value, d.months, d.days)
        assert isinstance(moved, DateTime)
        if not shift:
            return moved
        return DateTime.from_instant(moved.epoch_nanos() + shift, moved.zone, moved.offset)
    raise CypherTypeError(f"Cannot add a duration to {type(value).__name__}.")


def minus_duration(value: Temporal, d: Duration) -> Temporal:
    """``value - d`` for any temporal (a Duration minus a Duration included).

    The same as ``value + (-d)`` except for a Date, which (as Neo4j's
    DurationValue.subtractFrom) takes away the whole days of ``d``'s own seconds field,
    truncated toward zero: ``d`` = PT-23H59M59.5S is stored as -86,400 seconds plus
    0.5 s of nanos, so ``date - d`` is the next day, while its negation is 86,399 seconds
    plus 0.5 s and ``date + (-d)`` is the same day."""
    if isinstance(value, Date):
        extra = java_div(d.seconds, SECONDS_PER_DAY)
        return Date(_plus_steps(value.days, -d.months, -d.days, -extra))
    return plus_duration(value, -d)


# --------------------------------------------------------------------------- duration.between


def _has_date(v: Temporal) -> bool:
    return isinstance(v, Date | LocalDateTime | DateTime)


def _has_time(v: Temporal) -> bool:
    return isinstance(v, LocalTime | Time | LocalDateTime | DateTime)


def _has_zone(v: Temporal) -> bool:
    return isinstance(v, Time | DateTime)


def _attach_time(v: Temporal) -> Temporal:
    return LocalDateTime(v.days, 0) if isinstance(v, Date) else v


def _date_days(v: Temporal) -> int:
    if isinstance(v, DateTime):
        return v.local().days
    assert isinstance(v, Date | LocalDateTime)
    return v.days


def _attach_date(v: Temporal, days: int) -> Temporal:
    if isinstance(v, LocalTime):
        return LocalDateTime(days, v.nanos)
    if isinstance(v, Time):
        return DateTime.from_local(LocalDateTime(days, v.nanos), None, v.offset)
    return v


def _attach_zone(v: Temporal, like: Temporal) -> Temporal:
    assert isinstance(like, Time | DateTime)
    zone = like.zone if isinstance(like, DateTime) else None
    if isinstance(v, LocalDateTime):
        return DateTime.from_local(v, zone, like.offset)
    if isinstance(v, LocalTime):
        return Time(v.nanos, like.offset)
    return v


def _align(a: Temporal, b: Temporal, time_based: bool) -> tuple[Temporal, Temporal]:
    """Both operands completed with the parts only the other has, as Neo4j's ``until``."""
    if time_based:
        a, b = _attach_time(a), _attach_time(b)
    elif _has_time(a) and not _has_time(b):
        b = _attach_time(b)
    elif _has_time(b) and not _has_time(a):
        a = _attach_time(a)
    if _has_date(a) and not _has_date(b):
        b = _attach_date(b, _date_days(a))
    elif _has_date(b) and not _has_date(a):
        a = _attach_date(a, _date_days(b))
    if _has_zone(a) and not _has_zone(b):
        b = _attach_zone(b, a)
    elif _has_zone(b) and not _has_zone(a):
        a = _attach_zone(a, b)
    return a, b


def _nanos_until(a: Temporal, b: Temporal) -> int:
    a, b = _align(a, b, True)
    if isinstance(a, DateTime) and isinstance(b, DateTime):
        return b.epoch_nanos() - a.epoch_nanos()
    if isinstance(a, LocalDateTime) and isinstance(b, LocalDateTime):
        return b.epoch_nanos() - a.epoch_nanos()
    if isinstance(a, Time) and isinstance(b, Time):
        return b.utc_nanos() - a.utc_nanos()
    if isinstance(a, LocalTime) and isinstance(b, LocalTime):
        return b.nanos - a.nanos
    raise CypherTypeError(f"Cannot compute a duration between {a!r} and {b!r}.")


def _local_parts(a: Temporal, b: Temporal) -> tuple[int, int, int, int]:
    """(days, nanos of day) of ``a`` and of ``b`` seen in ``a``'s zone."""
    if isinstance(a, DateTime) and isinstance(b, DateTime):
        la = a.local()
        lb = DateTime.from_instant(b.epoch_nanos(), a.zone, a.offset).local()
        return la.days, la.nanos, lb.days, lb.nanos
    if isinstance(a, LocalDateTime) and isinstance(b, LocalDateTime):
        return a.days, a.nanos, b.days, b.nanos
    if isinstance(a, Date) and isinstance(b, Date):
        return a.days, 0, b.days, 0
    raise CypherTypeError(f"Cannot compute a duration between {a!r} and {b!r}.")


def _calendar_until(a: Temporal, b: Temporal, unit: str) -> int:
    """Whole months or days from ``a`` to ``b`` (Java's LocalDateTime.until)."""
    a, b = _align(a, b, False)
    da, ta, db, tb = _local_parts(a, b)
    if db > da and tb < ta:
        db -= 1
    elif db < da and tb > ta:
        db += 1
    if unit == "days":
        return db - da
    ya, ma, dda = civil_from_days(da)
    yb, mb, ddb = civil_from_days(db)
    packed = ((yb * 12 + mb - 1) * 32 + ddb) - ((ya * 12 + ma - 1) * 32 + dda)
    return java_div(packed, 32)


def _check_operands(a: Any, b: Any) -> None:
    for v in (a, b):
        if not isinstance(v, Temporal) or isinstance(v, Duration):
            raise CypherTypeError(
                f"duration.between expects two temporal instants, got {type(v).__name__}."
            )


def between(a: Temporal, b: Temporal) -> Duration:
    """``duration.between(a, b)``: whole months, then days, then the rest as seconds."""
    _check_operands(a, b)
    months = days = 0
    if _has_date(a) and _has_date(b):
        months = _calendar_until(a, b, "months")
        a = plus_months(a, months)
        days = _calendar_until(a, b, "days")
        a = plus_days(a, days)
    return Duration(months, days, 0, _nanos_until(a, b))


def in_months(a: Temporal, b: Temporal) -> Duration:
    """``duration.inMonths(a, b)``: whole months only (zero unless both have dates)."""
    _check_operands(a, b)
    if not (_has_date(a) and _has_date(b)):
        return Duration()
    return Duration(_calendar_until(a, b, "months"))


def in_days(a: Temporal, b: Temporal) -> Duration:
    """``duration.inDays(a, b)``: whole days only (zero unless both have dates)."""
    _check_operands(a, b)
    if not (_has_date(a) and _has_date(b)):
        return Duration()
    return Duration(0, _calendar_until(a, b, "days"))


def in_seconds(a: Temporal, b: Temporal) -> Duration:
    """``duration.inSeconds(a, b)``: the exact elapsed time as seconds and nanoseconds."""
    _check_operands(a, b)
    return Duration(0, 0, 0, _nanos_until(a, b))


# --------------------------------------------------------------------------------- properties


def _jdiv(a: int, b: int) -> int:
    return java_div(a, b)


def _jmod(a: int, b: int) -> int:
    return a - b * java_div(a, b)


_DURATION_FIELDS: dict[str, Callable[[Duration], int]] = {
    "years": lambda d: _jdiv(d.months, 12),
    "quarters": lambda d: _jdiv(d.months, 3),
    "months": lambda d: d.months,
    "weeks": lambda d: _jdiv(d.days, 7),
    "days": lambda d: d.days,
    "hours": lambda d: _jdiv(d.seconds, 3600),
    "minutes": lambda d: _jdiv(d.seconds, 60),
    "seconds": lambda d: d.seconds,
    "milliseconds": lambda d: d.seconds * 1000 + d.nanos // 1_000_000,
    "microseconds": lambda d: d.seconds * 1_000_000 + d.nanos // 1000,
    "nanoseconds": lambda d: d.seconds * NANOS_PER_SECOND + d.nanos,
    "quartersofyear": lambda d: _jmod(_jdiv(d.months, 3), 4),
    "monthsofquarter": lambda d: _jmod(d.months, 3),
    "monthsofyear": lambda d: _jmod(d.months, 12),
    "daysofweek": lambda d: _jmod(d.days, 7),
    "minutesofhour": lambda d: _jmod(_jdiv(d.seconds, 60), 60),
    "secondsofminute": lambda d: _jmod(d.seconds, 60),
    "millisecondsofsecond": lambda d: d.nanos // 1_000_000,
    "microsecondsofsecond": lambda d: d.nanos // 1000,
    "nanosecondsofsecond": lambda d: d.nanos,
}


def _date_field(days: int, name: str) -> int | None:
    if name in ("year", "month", "day"):
        y, m, d = civil_from_days(days)
        return {"year": y, "month": m, "day": d}[name]
    if name == "quarter":
        return (civil_from_days(days)[1] - 1) // 3 + 1
    if name in ("week", "weekyear", "dayofweek", "weekday"):
        wy, w, dow = iso_week(days)
        return {"week": w, "weekyear": wy, "dayofweek": dow, "weekday": dow}[name]
    if name in ("ordinalday", "dayofyear"):
        return days - days_from_civil(civil_from_days(days)[0], 1, 1) + 1
    if name in ("dayofquarter", "quarterday"):
        y, m, _ = civil_from_days(days)
        return days - days_from_civil(y, (m - 1) // 3 * 3 + 1, 1) + 1
    return None


def _time_field(nanos: int, name: str) -> int | None:
    secs, sub = divmod(nanos, NANOS_PER_SECOND)
    fields = {
        "hour": secs // 3600,
        "minute": secs // 60 % 60,
        "second": secs % 60,
        "millisecond": sub // 1_000_000,
        "microsecond": sub // 1000,
        "nanosecond": sub,
    }
    return fields.get(name)


def _zone_field(offset: int, zone: str | None, name: str) -> int | str | None:
    if name == "timezone":
        return zone if zone is not None else format_offset(offset)
    if name == "offset":
        return format_offset(offset)
    if name == "offsetminutes":
        return _jdiv(offset, 60)
    if name == "offsetseconds":
        return offset
    return None


def temporal_property(value: Temporal, name: str) -> int | str | None:
    """``value.<name>`` (``d.year``, ``dur.minutesOfHour``, ...), case-insensitively; None
    when the component does not apply to the value's type (the caller raises)."""
    key = name.lower()
    if isinstance(value, Duration):
        f = _DURATION_FIELDS.get(key)
        return duration_field(value, key) if f is None else f(value)
    if isinstance(value, Date):
        return _date_field(value.days, key)
    if isinstance(value, LocalTime):
        return _time_field(value.nanos, key)
    if isinstance(value, Time):
        r = _time_field(value.nanos, key)
        return r if r is not None else _zone_field(value.offset, None, key)
    if isinstance(value, LocalDateTime):
        r = _date_field(value.days, key)
        return r if r is not None else _time_field(value.nanos, key)
    if isinstance(value, DateTime):
        if key == "epochseconds":
            return value.epoch_seconds
        if key == "epochmillis":
            return value.epoch_seconds * 1000 + value.nanos // 1_000_000
        local = value.local()
        r = _date_field(local.days, key)
        if r is None:
            r = _time_field(local.nanos, key)
        return r if r is not None else _zone_field(value.offset, value.zone, key)
    raise CypherTypeError(f"Expected a temporal value, got {type(value).__name__}.")
