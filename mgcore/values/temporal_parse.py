"""Parsing the ISO 8601 string forms of openCypher temporal values (TCK Temporal2).

Dates: calendar (``2015-07-21``, ``20150721``, ``2015-07``, ``201507``, ``2015``), week
(``2015-W30-2``, ``2015W302``, ``2015-W30``), ordinal (``2015-202``, ``2015202``), quarter
(``2015-Q3-21``, ``2015Q321``, ``2015-Q3``); a year has four digits or a sign and up to nine
(``-999999999-01-01``, ``+10000-01-01``). Times:
``21:40:32.142``, ``214032.142``, ``21:40``, ``2140``, ``21``, up to nine fraction digits.
A local time may start with ``T`` (Memgraph's ``[T]hh:mm:ss``).
Offsets: ``Z``, ``+01``, ``+0100``, ``+01:00``, ``+01:00:00``; zone ids in brackets. Durations:
``P[nY][nM][nW][nD][T[nH][nM][nS]]`` with signed and fractional numbers, or
``P2012-02-02T14:37:21.545``.
"""

from __future__ import annotations

import re
from fractions import Fraction

from mgcore.errors import CypherArgumentError
from mgcore.values.temporal import (
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Time,
    check_offset,
    check_year,
    days_from_civil,
    days_in_month,
    is_leap_year,
    time_of_day,
    week_start,
    weeks_in_year,
    zone_from_name,
)

__all__ = [
    "date_of_fields",
    "parse_date",
    "parse_datetime",
    "parse_duration",
    "parse_local_datetime",
    "parse_local_time",
    "parse_time",
    "parse_zone",
]

_YEAR = r"(?P<year>\d{4}|[+-]\d{1,9})"
_DATE_RES = [
    re.compile(rf"{_YEAR}-(?P<month>\d{{2}})-(?P<day>\d{{2}})"),
    re.compile(rf"{_YEAR}-W(?P<week>\d{{2}})(?:-(?P<dow>\d))?"),
    re.compile(rf"{_YEAR}-Q(?P<quarter>[1-4])(?:-(?P<doq>\d{{2}}))?"),
    re.compile(rf"{_YEAR}-(?P<ordinal>\d{{3}})"),
    re.compile(rf"{_YEAR}-(?P<month>\d{{2}})"),
    re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"),
    re.compile(r"(?P<year>\d{4})W(?P<week>\d{2})(?P<dow>\d)?"),
    re.compile(r"(?P<year>\d{4})Q(?P<quarter>[1-4])(?P<doq>\d{2})?"),
    re.compile(r"(?P<year>\d{4})(?P<ordinal>\d{3})"),
    re.compile(r"(?P<year>\d{4})(?P<month>\d{2})"),
    re.compile(_YEAR),
]
_TIME_RES = [
    re.compile(r"(?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"),
    re.compile(r"(?P<h>\d{2})(?:(?P<m>\d{2})(?:(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"),
]
_OFFSET_RE = re.compile(
    r"(?P<sign>[+-])(?P<h>\d{2})(?::?(?P<m>\d{2})(?::?(?P<s>\d{2}))?)?"
)
_ZONE_ID_SUFFIX_RE = re.compile(r"(?P<body>.*)\[(?P<zone>[^\]]+)\]")
_OFFSET_SUFFIX_RE = re.compile(r"(?P<body>[^+\-Z]*)(?P<offset>Z|[+-][\d:]+)?")


def _invalid(kind: str, text: str) -> CypherArgumentError:
    return CypherArgumentError(f"Text cannot be parsed to a {kind}: '{text}'.")


def date_of_fields(
    year: int,
    month: int | None = None,
    day: int | None = None,
    *,
    week: int | None = None,
    dow: int | None = None,
    ordinal: int | None = None,
    quarter: int | None = None,
    day_of_quarter: int | None = None,
) -> int:
    """Day count of a date given as calendar, week, ordinal or quarter fields (validated)."""
    check_year(year)
    if week is not None or dow is not None:
        week = 1 if week is None else week
        dow = 1 if dow is None else dow
        if not 1 <= week <= weeks_in_year(year):
            raise CypherArgumentError(
                f"Invalid value for WeekOfWeekBasedYear: {week} "
                f"(week-based year {year} has {weeks_in_year(year)} weeks)."
            )
        if not 1 <= dow <= 7:
            raise CypherArgumentError(f"Invalid value for DayOfWeek: {dow} (valid 1 - 7).")
        return week_start(year) + (week - 1) * 7 + dow - 1
    if ordinal is not None:
        top = 366 if is_leap_year(year) else 365
        if not 1 <= ordinal <= top:
            raise CypherArgumentError(f"Invalid value for DayOfYear: {ordinal} (valid 1 - {top}).")
        return days_from_civil(year, 1, 1) + ordinal - 1
    if quarter is not None or day_of_quarter is not None:
        quarter = 1 if quarter is None else quarter
        day_of_quarter = 1 if day_of_quarter is None else day_of_quarter
        if not 1 <= quarter <= 4:
            raise CypherArgumentError(f"Invalid value for QuarterOfYear: {quarter} (valid 1 - 4).")
        first = days_from_civil(year, quarter * 3 - 2, 1)
        length = days_from_civil(year + 1, 1, 1) - first if quarter == 4 else (
            days_from_civil(year, quarter * 3 + 1, 1) - first
        )
        if not 1 <= day_of_quarter <= length:
            raise CypherArgumentError(
                f"Invalid value for DayOfQuarter: {day_of_quarter} (valid 1 - {length})."
            )
        return first + day_of_quarter - 1
    month = 1 if month is None else month
    day = 1 if day is None else day
    if not 1 <= month <= 12:
        raise CypherArgumentError(f"Invalid value for MonthOfYear: {month} (valid 1 - 12).")
    if not 1 <= day <= days_in_month(year, month):
        raise CypherArgumentError(
            f"Invalid date: day {day} of month {month} in year {year} does not exist."
        )
    return days_from_civil(year, month, day)


def _date_days(text: str) -> int | None:
    for rx in _DATE_RES:
        m = rx.fullmatch(text)
        if m is None:
            continue
        g = m.groupdict()
        year = int(g["year"])

        n = {k: (None if v is None else int(v)) for k, v in g.items()}
        return date_of_fields(
            year, n.get("month"), n.get("day"), week=n.get("week"), dow=n.get("dow"),
            ordinal=n.get("ordinal"), quarter=n.get("quarter"), day_of_quarter=n.get("doq"),
        )
    return None


def _time_nanos(text: str) -> int | None:
    for rx in _TIME_RES:
        m = rx.fullmatch(text)
        if m is None:
            continue
        frac = m.group("f") or ""
        nanos = int(frac.ljust(9, "0")) if frac else 0
        return time_of_day(int(m.group("h")), int(m.group("m") or 0), int(m.group("s") or 0), nanos)
    return None


def parse_zone(text: str) -> tuple[str | None, int]:
    """A ``timezone`` value: ``(None, offset_seconds)`` for ``Z``/``+01:00``/..., or
    ``(zone_id, 0)`` for a named zone (its offset depends on the moment)."""
    if text in ("Z", "z"):  # Memgraph takes a lower-case z too
        return None, 0
    m = _OFFSET_RE.fullmatch(text)
    if m is not None:
        sign = -1 if m.group("sign") == "-" else 1
        h, mi, s = int(m.group("h")), int(m.group("m") or 0), int(m.group("s") or 0)
        if mi > 59 or s > 59:
            raise CypherArgumentError(f"Invalid ID for ZoneOffset, invalid format: {text}")
        return None, check_offset(sign * (h * 3600 + mi * 60 + s))
    if not text or text[0] in "+-" or text[0].isdigit():
        raise CypherArgumentError(f"Invalid ID for ZoneOffset, invalid format: {text}")
    return zone_from_name(text), 0


def _split_zone(text: str, kind: str) -> tuple[str, tuple[str | None, int] | None, str | None]:
    """(body, parsed offset or None, zone id or None) of a string with an optional zone; an
    offset can only follow a time (``2015-07-21`` is a date, not ``2015-07`` at -21:00)."""
    zone = None
    m = _ZONE_ID_SUFFIX_RE.fullmatch(text)
    if m is not None:
        text, zone = m.group("body"), zone_from_name(m.group("zone"))
    head, sep, tail = text.rpartition("T") if kind == "DateTime" else ("", "", text)
    if kind == "DateTime" and not sep:
        return text, None, zone
    m = _OFFSET_SUFFIX_RE.fullmatch(tail)
    if m is None or not m.group("body"):
        raise _invalid(kind, text)
    offset = parse_zone(m.group("offset")) if m.group("offset") else None
    return head + sep + m.group("body"), offset, zone


def parse_date(text: str) -> Date:
    """``date('2015-07-21')`` and the other date forms of the module docstring."""
    days = _date_days(text)
    if days is None:
        raise _invalid("Date", text)
    return Date(days)


def parse_local_time(text: str) -> LocalTime:
    """``localtime('21:40:32.142')`` and its basic forms, optionally after a ``T``
    (Memgraph's ``localTime("T22:10:32.300600")``)."""
    nanos = _time_nanos(text[1:] if text.startswith("T") else text)
    if nanos is None:
        raise _invalid("LocalTime", text)
    return LocalTime(nanos)


def parse_time(text: str, default_offset: int = 0) -> Time:
    """``time('21:40:32.142+0100')``; without an offset, ``default_offset`` applies."""
    body, offset, zone = _split_zone(text, "Time")
    nanos = _time_nanos(body)
    if nanos is None or zone is not None:
        raise _invalid("Time", text)
    return Time(nanos, default_offset if offset is None else offset[1])


def _split_datetime(text: str, kind: str) -> tuple[int, int]:
    date_text, sep, time_text = text.partition("T")
    days = _date_days(date_text)
    if days is None:
        raise _invalid(kind, text)
    nanos = 0
    if sep:
        t = _time_nanos(time_text)
        if t is None:
            raise _invalid(kind, text)
        nanos = t
    return days, nanos


def parse_local_datetime(text: str) -> LocalDateTime:
    """``localdatetime('2015-W30-2T214032.142')`` and the other date and time combinations."""
    return LocalDateTime(*_split_datetime(text, "LocalDateTime"))


def parse_datetime(text: str, default_zone: tuple[str | None, int] = (None, 0)) -> DateTime:
    """``datetime('2015-07-21T21:40:32.142+02:00[Europe/Stockholm]')``. With a zone id the
    zone decides the offset; an offset given too must be one the zone has at that local
    time (either one of a DST overlap, which it then picks), else it is an error, as in
    Neo4j ("Timezone and offset do not match"); with neither, ``default_zone`` applies."""
    body, offset, zone = _split_zone(text, "DateTime")
    local = LocalDateTime(*_split_datetime(body, "DateTime"))
    if zone is not None:
        if offset is not None and offset[0] is None:
            placed = DateTime.from_local_preferring(local, zone, offset[1])
            if placed.offset != offset[1] or placed.local() != local:
                raise CypherArgumentError(f"Timezone and offset do not match: '{text}'.")
            return placed
        return DateTime.from_local(local, zone)
    if offset is not None:
        if offset[0] is not None:
            raise _invalid("DateTime", text)
        return DateTime.from_local(local, None, offset[1])
    return DateTime.from_local(local, default_zone[0], default_zone[1])


_DURATION_RE = re.compile(
    r"(?P<sign>[+-])?P(?!$)"
    r"(?:(?P<Y>[+-]?\d+(?:[.,]\d+)?)Y)?"
    r"(?:(?P<M>[+-]?\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<W>[+-]?\d+(?:[.,]\d+)?)W)?"
    r"(?:(?P<D>[+-]?\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?=[+-]?\d)"
    r"(?:(?P<h>[+-]?\d+(?:[.,]\d+)?)H)?"
    r"(?:(?P<m>[+-]?\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<s>[+-]?\d+(?:[.,]\d{1,9})?)S)?)?",
    re.IGNORECASE,
)
_DURATION_ALT_RE = re.compile(
    r"P(?P<y>\d{4})-?(?P<mo>\d{2})-?(?P<d>\d{2})"
    r"T(?P<h>\d{2}):?(?P<mi>\d{2}):?(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?"
)


def parse_duration(text: str) -> Duration:
    """``duration('P14DT16H12M')``, fractional units spilling into smaller ones
    (``P0.75M`` = ``P22DT19H51M49.5S``), or the ``P2012-02-02T14:37:21.545`` form."""
    from mgcore.values.temporal_arith import duration_of

    alt = _DURATION_ALT_RE.fullmatch(text)
    if alt is not None:
        g = alt.groupdict()
        frac = g["f"] or ""
        seconds = int(g["h"]) * 3600 + int(g["mi"]) * 60 + int(g["s"])
        return Duration(
            int(g["y"]) * 12 + int(g["mo"]),
            int(g["d"]),
            seconds,
            int(frac.ljust(9, "0")) if frac else 0,
        )
    m = _DURATION_RE.fullmatch(text)
    if m is None:
        raise _invalid("Duration", text)
    g = m.groupdict()

    def amount(key: str) -> Fraction:
        v = g[key]
        return Fraction(v.replace(",", ".")) if v is not None else Fraction(0)

    sign = -1 if g["sign"] == "-" else 1
    return duration_of(
        months=sign * (amount("Y") * 12 + amount("M")),
        days=sign * (amount("W") * 7 + amount("D")),
        seconds=sign * (amount("h") * 3600 + amount("m") * 60 + amount("s")),
    )

