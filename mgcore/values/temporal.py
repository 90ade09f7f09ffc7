"""openCypher temporal values: Date, LocalTime, Time, LocalDateTime, DateTime and Duration.

Nanosecond precision, proleptic Gregorian calendar over years -999,999,999..999,999,999, done
with integer arithmetic (no ``datetime`` objects except to ask ``zoneinfo`` for a named zone's
offset). Values are immutable and compact: a Date is days since 1970-01-01, a LocalTime
nanoseconds of the day, a DateTime an instant (epoch seconds and nanoseconds) with a fixed
offset or a named zone. ``str()`` gives the TCK's string forms.

Equality follows Neo4j: values of different temporal types are never equal; a Time or DateTime
equals another only with the same local fields and the same offset (or zone id). Ordering
within a type (``order_key``, ``<``) compares times with offsets and DateTimes by instant first,
then by offset or zone, so it agrees with equality.

Construction from maps and truncation live in ``temporal_build``, string parsing in
``temporal_parse``, arithmetic and ``duration.between`` in ``temporal_arith``.
"""

from __future__ import annotations

import datetime as _dt
import importlib.resources
import re
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mgcore.errors import CypherArgumentError, CypherArithmeticError

NANOS_PER_SECOND = 1_000_000_000
SECONDS_PER_DAY = 86_400
NANOS_PER_DAY = SECONDS_PER_DAY * NANOS_PER_SECOND
MIN_YEAR = -999_999_999
MAX_YEAR = 999_999_999
MAX_OFFSET_SECONDS = 18 * 3600
_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_DAYS_PER_400_YEARS = 146_097

__all__ = [
    "AVG_SECONDS_PER_MONTH",
    "MAX_YEAR",
    "MIN_YEAR",
    "NANOS_PER_DAY",
    "NANOS_PER_SECOND",
    "SECONDS_PER_DAY",
    "Date",
    "DateTime",
    "Duration",
    "LocalDateTime",
    "LocalTime",
    "Temporal",
    "Time",
    "check_offset",
    "check_year",
    "civil_from_days",
    "compare",
    "day_of_week",
    "days_from_civil",
    "days_in_month",
    "format_offset",
    "is_leap_year",
    "iso_week",
    "java_div",
    "time_of_day",
    "to_string",
    "week_start",
    "weeks_in_year",
    "zone_from_name",
    "zone_instant_for_local",
    "zone_offset_at_instant",
]


# ----------------------------------------------------------------------------------- calendar


def is_leap_year(year: int) -> bool:
    """True when ``year`` has 366 days in the proleptic Gregorian calendar."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """Number of days of ``month`` (1..12) in ``year``."""
    if month == 2 and is_leap_year(year):
        return 29
    return _MONTH_DAYS[month - 1]


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a valid calendar date (Hinnant's days_from_civil)."""
    y = year - 1 if month <= 2 else year
    era = y // 400
    yoe = y - era * 400
    mp = month - 3 if month > 2 else month + 9
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * _DAYS_PER_400_YEARS + doe - 719_468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day count since 1970-01-01."""
    z = days + 719_468
    era = z // _DAYS_PER_400_YEARS
    doe = z - era * _DAYS_PER_400_YEARS
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (1 if month <= 2 else 0), month, day


def day_of_week(days: int) -> int:
    """ISO day of week, Monday = 1 .. Sunday = 7, of a day count (1970-01-01 was a Thursday)."""
    return (days + 3) % 7 + 1


def week_start(week_year: int) -> int:
    """Day count of the Monday that starts ISO week 1 of ``week_year``."""
    jan4 = days_from_civil(week_year, 1, 4)
    return jan4 - day_of_week(jan4) + 1


def iso_week(days: int) -> tuple[int, int, int]:
    """(weekYear, week, dayOfWeek) of a day count in the ISO week calendar."""
    year = civil_from_days(days)[0]
    start = week_start(year + 1)
    if days >= start:
        wy = year + 1
    else:
        start = week_start(year)
        wy = year
        if days < start:
            wy = year - 1
            start = week_start(wy)
    return wy, (days - start) // 7 + 1, day_of_week(days)


def weeks_in_year(week_year: int) -> int:
    """52 or 53: the number of ISO weeks of ``week_year``."""
    return (week_start(week_year + 1) - week_start(week_year)) // 7


def check_year(year: int) -> int:
    """``year`` when it is in the supported range, else a CypherArgumentError."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CypherArgumentError(
            f"Invalid value for Year: {year} (valid values {MIN_YEAR} - {MAX_YEAR})."
        )
    return year


def check_days(days: int) -> int:
    """``days`` when its year is in the supported range (the result of arithmetic)."""
    if not _MIN_DAYS <= days <= _MAX_DAYS:
        raise CypherArgumentError("Temporal value out of range: year beyond +-999999999.")
    return days


_MIN_DAYS = days_from_civil(MIN_YEAR, 1, 1)
_MAX_DAYS = days_from_civil(MAX_YEAR, 12, 31)


# -------------------------------------------------------------------------------------- zones


def format_offset(seconds: int) -> str:
    """An offset as Java's ZoneOffset id: ``Z``, ``+01:00``, ``-02:05:07``."""
    if seconds == 0:
        return "Z"
    sign = "-" if seconds < 0 else "+"
    s = abs(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if sec:
        return f"{sign}{h:02d}:{m:02d}:{sec:02d}"
    return f"{sign}{h:02d}:{m:02d}"


@lru_cache(maxsize=512)
def _zoneinfo(name: str) -> ZoneInfo:
    """The zone from the ``tzdata`` package when installed (the IANA default build, as Java
    ships it: Europe/Stockholm is Berlin's rules, +00:53:28 in 1818), else the system's
    database (Debian's carries backzone's older local history)."""
    if _ZONE_ID_RE.fullmatch(name) is None:
        raise CypherArgumentError(f"Invalid value for TimeZone: Text '{name}'.")
    try:
        resource = importlib.resources.files("tzdata.zoneinfo")
        for part in name.split("/"):
            resource = resource.joinpath(part)
        with resource.open("rb") as f:
            return ZoneInfo.from_file(f, key=name)
    except (ModuleNotFoundError, OSError, ValueError):
        pass
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise CypherArgumentError(f"Invalid value for TimeZone: Text '{name}'.") from None


_ZONE_ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*")


def zone_from_name(name: str) -> str:
    """Validate a named time zone id (``Europe/Stockholm``) and return it."""
    _zoneinfo(name)
    return name


def _shift_into_zoneinfo_range(days: int) -> int:
    """Day count moved by whole 400-year cycles into years 1..9999 (zoneinfo's range); the
    Gregorian calendar and a zone's recurring rules repeat with that period."""
    year = civil_from_days(days)[0]
    if year < 2:
        cycles = (2 - year + 399) // 400
        return days + cycles * _DAYS_PER_400_YEARS
    if year > 9998:
        cycles = (year - 9998 + 399) // 400
        return days - cycles * _DAYS_PER_400_YEARS
    return days


_EPOCH = _dt.datetime(1970, 1, 1)
_EPOCH_UTC = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


def zone_offset_at_instant(zone: str, epoch_seconds: int) -> int:
    """UTC offset in seconds of a named zone at an instant."""
    days, sod = divmod(epoch_seconds, SECONDS_PER_DAY)
    shifted = _shift_into_zoneinfo_range(days)
    moment = _EPOCH_UTC + _dt.timedelta(days=shifted, seconds=sod)
    off = moment.astimezone(_zoneinfo(zone)).utcoffset()
    assert off is not None
    return int(off.total_seconds())


def zone_instant_for_local(zone: str, local_seconds: int) -> tuple[int, int]:
    """(epoch seconds, offset) of a local date-time in a named zone, resolved as Java does:
    in an overlap the earlier offset; in a gap the local time moves forward by the gap."""
    days, sod = divmod(local_seconds, SECONDS_PER_DAY)
    shifted = _shift_into_zoneinfo_range(days)
    local = (_EPOCH + _dt.timedelta(days=shifted, seconds=sod)).replace(tzinfo=_zoneinfo(zone))
    off = local.utcoffset()
    assert off is not None
    instant = local_seconds - int(off.total_seconds())
    return instant, zone_offset_at_instant(zone, instant)


# ------------------------------------------------------------------------------------ formats


def _format_year(year: int) -> str:
    if year > 9999:
        return f"+{year}"
    if year < 0:
        return f"-{-year:04d}"
    return f"{year:04d}"


def _format_date(days: int) -> str:
    y, m, d = civil_from_days(days)
    return f"{_format_year(y)}-{m:02d}-{d:02d}"


def _format_time(nod: int) -> str:
    secs, nanos = divmod(nod, NANOS_PER_SECOND)
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    if s == 0 and nanos == 0:
        return f"{h:02d}:{m:02d}"
    if nanos == 0:
        return f"{h:02d}:{m:02d}:{s:02d}"
    if nanos % 1_000_000 == 0:
        frac = f"{nanos // 1_000_000:03d}"
    elif nanos % 1000 == 0:
        frac = f"{nanos // 1000:06d}"
    else:
        frac = f"{nanos:09d}"
    return f"{h:02d}:{m:02d}:{s:02d}.{frac}"


def check_offset(seconds: int) -> int:
    """``seconds`` when it is a valid UTC offset (at most 18 hours either way)."""
    if not -MAX_OFFSET_SECONDS <= seconds <= MAX_OFFSET_SECONDS:
        raise CypherArgumentError(
            f"Zone offset not in valid range: {format_offset(seconds)} (-18:00 to +18:00)."
        )
    return seconds


# ------------------------------------------------------------------------------------- values


class Temporal:
    """Base of the six temporal value classes (for isinstance checks only)."""

    __slots__ = ()
    _ARGS: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return (type(self), tuple(getattr(self, name) for name in self._ARGS))

    def order_key(self) -> Any:
        """A key ordering values of this type as ORDER BY does; equal exactly when ``==``."""
        raise NotImplementedError

    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self.order_key() < other.order_key())

    def __le__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self.order_key() <= other.order_key())

    def __gt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self.order_key() > other.order_key())

    def __ge__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self.order_key() >= other.order_key())

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self}')"


_set = object.__setattr__


class Date(Temporal):
    """A calendar date, stored as days since 1970-01-01."""

    __slots__ = ("days",)
    _ARGS = ("days",)
    days: int

    def __init__(self, days: int) -> None:
        _set(self, "days", check_days(days))

    @classmethod
    def of(cls, year: int, month: int, day: int) -> Date:
        """The date of valid calendar fields; CypherArgumentError for month 13, Feb 30, ..."""
        check_year(year)
        if not 1 <= month <= 12:
            raise CypherArgumentError(f"Invalid value for MonthOfYear: {month} (valid 1 - 12).")
        if not 1 <= day <= days_in_month(year, month):
            raise CypherArgumentError(
                f"Invalid date: day {day} of month {month} in year {year} does not exist."
            )
        return cls(days_from_civil(year, month, day))

    def fields(self) -> tuple[int, int, int]:
        """(year, month, day)."""
        return civil_from_days(self.days)

    def order_key(self) -> int:
        return self.days

    def __eq__(self, other: object) -> bool:
        return type(other) is Date and other.days == self.days

    def __hash__(self) -> int:
        return hash((Date, self.days))

    def __str__(self) -> str:
        return _format_date(self.days)


class LocalTime(Temporal):
    """A time of day without zone, stored as nanoseconds since midnight."""

    __slots__ = ("nanos",)
    _ARGS = ("nanos",)
    nanos: int

    def __init__(self, nanos: int) -> None:
        if not 0 <= nanos < NANOS_PER_DAY:
            raise CypherArgumentError(f"Invalid nanosecond of day: {nanos}.")
        _set(self, "nanos", nanos)

    @classmethod
    def of(cls, hour: int, minute: int = 0, second: int = 0, nanosecond: int = 0) -> LocalTime:
        """The time of valid fields; CypherArgumentError for hour 24, minute 60, ..."""
        return cls(time_of_day(hour, minute, second, nanosecond))

    def order_key(self) -> int:
        return self.nanos

    def __eq__(self, other: object) -> bool:
        return type(other) is LocalTime and other.nanos == self.nanos

    def __hash__(self) -> int:
        return hash((LocalTime, self.nanos))

    def __str__(self) -> str:
        return _format_time(self.nanos)


def time_of_day(hour: int, minute: int, second: int, nanosecond: int) -> int:
    """Nanoseconds since midnight of valid clock fields."""
    for name, value, top in (
        ("HourOfDay", hour, 23),
        ("MinuteOfHour", minute, 59),
        ("SecondOfMinute", second, 59),
        ("NanoOfSecond", nanosecond, NANOS_PER_SECOND - 1),
    ):
        if not 0 <= value <= top:
            raise CypherArgumentError(f"Invalid value for {name}: {value} (valid 0 - {top}).")
    return ((hour * 60 + minute) * 60 + second) * NANOS_PER_SECOND + nanosecond


class Time(Temporal):
    """A time of day with a fixed UTC offset: local nanoseconds of day and offset seconds."""

    __slots__ = ("nanos", "offset")
    _ARGS = ("nanos", "offset")
    nanos: int
    offset: int

    def __init__(self, nanos: int, offset: int) -> None:
        if not 0 <= nanos < NANOS_PER_DAY:
            raise CypherArgumentError(f"Invalid nanosecond of day: {nanos}.")
        _set(self, "nanos", nanos)
        _set(self, "offset", check_offset(offset))

    def utc_nanos(self) -> int:
        """The time of day normalised to UTC (may fall outside 0..one day)."""
        return self.nanos - self.offset * NANOS_PER_SECOND

    def order_key(self) -> tuple[int, int]:
        return (self.nanos - self.offset * NANOS_PER_SECOND, self.nanos)

    def __eq__(self, other: object) -> bool:
        return type(other) is Time and other.nanos == self.nanos and other.offset == self.offset

    def __hash__(self) -> int:
        return hash((Time, self.nanos, self.offset))

    def __str__(self) -> str:
        return _format_time(self.nanos) + format_offset(self.offset)


class LocalDateTime(Temporal):
    """A date and time of day without zone: days since 1970-01-01 and nanoseconds of day."""

    __slots__ = ("days", "nanos")
    _ARGS = ("days", "nanos")
    days: int
    nanos: int

    def __init__(self, days: int, nanos: int) -> None:
        if not 0 <= nanos < NANOS_PER_DAY:
            raise CypherArgumentError(f"Invalid nanosecond of day: {nanos}.")
        _set(self, "days", check_days(days))
        _set(self, "nanos", nanos)

    @classmethod
    def from_epoch_nanos(cls, total: int) -> LocalDateTime:
        """The local date-time ``total`` nanoseconds after 1970-01-01T00:00."""
        days, nod = divmod(total, NANOS_PER_DAY)
        return cls(days, nod)

    def epoch_nanos(self) -> int:
        """Nanoseconds since 1970-01-01T00:00 on the local time line."""
        return self.days * NANOS_PER_DAY + self.nanos

    def order_key(self) -> tuple[int, int]:
        return (self.days, self.nanos)

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is LocalDateTime and other.days == self.days and other.nanos == self.nanos
        )

    def __hash__(self) -> int:
        return hash((LocalDateTime, self.days, self.nanos))

    def __str__(self) -> str:
        return f"{_format_date(self.days)}T{_format_time(self.nanos)}"


class DateTime(Temporal):
    """An instant with a time zone: epoch seconds, nanoseconds of the second, the UTC offset in
    force and the zone id (None for a fixed offset)."""

    __slots__ = ("epoch_seconds", "nanos", "offset", "zone")
    _ARGS = ("epoch_seconds", "nanos", "offset", "zone")
    epoch_seconds: int
    nanos: int
    offset: int
    zone: str | None

    def __init__(self, epoch_seconds: int, nanos: int, offset: int, zone: str | None) -> None:
        if not 0 <= nanos < NANOS_PER_SECOND:
            raise CypherArgumentError(f"Invalid nanosecond of second: {nanos}.")
        _set(self, "epoch_seconds", epoch_seconds)
        _set(self, "nanos", nanos)
        _set(self, "offset", check_offset(offset))
        _set(self, "zone", zone)
        check_days((epoch_seconds + offset) // SECONDS_PER_DAY)

    @classmethod
    def from_instant(cls, epoch_nanos: int, zone: str | None, offset: int = 0) -> DateTime:
        """The instant ``epoch_nanos`` seen in a named zone, or at fixed ``offset`` if None."""
        secs, nanos = divmod(epoch_nanos, NANOS_PER_SECOND)
        if zone is not None:
            offset = zone_offset_at_instant(zone, secs)
        return cls(secs, nanos, offset, zone)

    @classmethod
    def from_local(cls, local: LocalDateTime, zone: str | None, offset: int = 0) -> DateTime:
        """A local date-time placed in a named zone (gaps and overlaps resolved as in Java)
        or at a fixed ``offset`` when ``zone`` is None."""
        local_secs, nanos = divmod(local.epoch_nanos(), NANOS_PER_SECOND)
        if zone is not None:
            instant, offset = zone_instant_for_local(zone, local_secs)
            return cls(instant, nanos, offset, zone)
        return cls(local_secs - offset, nanos, offset, zone)

    @classmethod
    def from_local_preferring(cls, local: LocalDateTime, zone: str | None, offset: int) -> DateTime:
        """``local`` in ``zone`` keeping ``offset`` where the zone allows it there (the later
        offset of an overlap); with ``zone`` None, at the fixed ``offset``."""
        fixed = cls.from_local(local, None, offset)
        if zone is None:
            return fixed
        # compare offsets without building the instant's value in the zone: where ``offset``
        # is wrong, that value's local date-time may lie beyond the supported years
        if zone_offset_at_instant(zone, fixed.epoch_seconds) == offset:
            return cls(fixed.epoch_seconds, fixed.nanos, offset, zone)
        return cls.from_local(local, zone)

    def epoch_nanos(self) -> int:
        """Nanoseconds since 1970-01-01T00:00Z."""
        return self.epoch_seconds * NANOS_PER_SECOND + self.nanos

    def local(self) -> LocalDateTime:
        """The local date-time in the value's own offset."""
        return LocalDateTime.from_epoch_nanos(
            (self.epoch_seconds + self.offset) * NANOS_PER_SECOND + self.nanos
        )

    def zone_key(self) -> str:
        """The zone as a string: the zone id, or the offset for a fixed-offset value."""
        return self.zone if self.zone is not None else format_offset(self.offset)

    def order_key(self) -> tuple[int, int, int, str]:
        return (self.epoch_seconds, self.nanos, self.offset, self.zone or "")

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is DateTime
            and other.epoch_seconds == self.epoch_seconds
            and other.nanos == self.nanos
            and other.offset == self.offset
            and other.zone == self.zone
        )

    def __hash__(self) -> int:
        return hash((DateTime, self.epoch_seconds, self.nanos, self.offset, self.zone))

    def __str__(self) -> str:
        text = str(self.local()) + format_offset(self.offset)
        if self.zone is not None:
            text += f"[{self.zone}]"
        return text


AVG_SECONDS_PER_MONTH = 2_629_746
"""365.2425 days / 12: the average month Neo4j uses to turn fractions of months into days."""


class Duration(Temporal):
    """An amount of time as months, days, seconds and nanoseconds (0..999,999,999), none
    converted into another: one month is not 30 days, one day is not 86,400 seconds."""

    __slots__ = ("days", "months", "nanos", "seconds")
    _ARGS = ("months", "days", "seconds", "nanos")
    months: int
    days: int
    seconds: int
    nanos: int

    def __init__(self, months: int = 0, days: int = 0, seconds: int = 0, nanos: int = 0) -> None:
        extra, nanos = divmod(nanos, NANOS_PER_SECOND)
        seconds += extra
        if not (_I64_MIN <= months <= _I64_MAX and _I64_MIN <= days <= _I64_MAX
                and _I64_MIN <= seconds <= _I64_MAX):
            raise CypherArithmeticError(
                "Duration out of range: months, days and seconds are 64-bit integers."
            )
        _set(self, "months", months)
        _set(self, "days", days)
        _set(self, "seconds", seconds)
        _set(self, "nanos", nanos)

    def __neg__(self) -> Duration:
        return Duration(-self.months, -self.days, -self.seconds, -self.nanos)

    def approximate_nanos(self) -> int:
        """The length in nanoseconds with average months and 86,400-second days."""
        secs = self.months * AVG_SECONDS_PER_MONTH + self.days * SECONDS_PER_DAY + self.seconds
        return secs * NANOS_PER_SECOND + self.nanos

    def order_key(self) -> tuple[int, int, int, int, int]:
        return (self.approximate_nanos(), self.months, self.days, self.seconds, self.nanos)

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is Duration
            and other.months == self.months
            and other.days == self.days
            and other.seconds == self.seconds
            and other.nanos == self.nanos
        )

    def __hash__(self) -> int:
        return hash((Duration, self.months, self.days, self.seconds, self.nanos))

    def __str__(self) -> str:
        return _format_duration(self)


def java_div(a: int, b: int) -> int:
    """Integer division truncating toward zero (Java's ``/``, C++'s ``duration_cast``)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _tmod(a: int, b: int) -> int:
    """Remainder with the sign of ``a`` (Java's ``%``)."""
    return a - b * java_div(a, b)


def _format_duration(d: Duration) -> str:
    parts = ["P"]
    for amount, unit in ((java_div(d.months, 12), "Y"), (_tmod(d.months, 12), "M"), (d.days, "D")):
        if amount:
            parts.append(f"{amount}{unit}")
    s, n = d.seconds, d.nanos
    if s or n:
        if s < 0 and n:
            s += 1
            n -= NANOS_PER_SECOND
        parts.append("T")
        hours = java_div(s, 3600)
        if hours:
            parts.append(f"{hours}H")
        s = _tmod(s, 3600)
        minutes = java_div(s, 60)
        if minutes:
            parts.append(f"{minutes}M")
        s = _tmod(s, 60)
        if s:
            parts.append(f"{s}{_fraction(abs(n))}S")
        elif n:
            parts.append(f"{'-' if n < 0 else ''}0{_fraction(abs(n))}S")
    if len(parts) == 1:
        return "PT0S"
    return "".join(parts)


def _fraction(nanos: int) -> str:
    if not nanos:
        return ""
    return "." + f"{nanos:09d}".rstrip("0")


def compare(a: Temporal, b: Temporal) -> int | None:
    """Cypher's ``<``/``>`` between two temporals: -1, 0 or 1 within one type (by instant
    for Time and DateTime, then offset and zone), None across types and for Durations,
    which are not comparable."""
    if type(a) is not type(b) or isinstance(a, Duration):
        return None
    ka, kb = a.order_key(), b.order_key()
    return -1 if ka < kb else (1 if ka > kb else 0)


def to_string(value: Temporal) -> str:
    """The TCK's string form of a temporal value (the same as ``str(value)``)."""
    return str(value)
