"""Constructing temporal values the way Cypher's temporal functions do.

``make_date``, ``make_local_time``, ``make_time``, ``make_local_datetime``, ``make_datetime``
and ``make_duration`` take what ``date(x)`` etc. take: nothing or ``{timezone: ...}`` (the clock,
at the instant the caller passes as ``now``), a string, a map of fields (TCK Temporal1), a map
holding other temporals under ``date``/``time``/``datetime`` plus overriding fields (Temporal3),
or another temporal value to project. ``truncate`` implements ``date.truncate(unit, value,
map)`` and its siblings (Temporal9); ``datetime_from_epoch``/``_millis`` the epoch functions.

``default_zone`` is the session's time zone for values created without one: a pair
``(zone_id, 0)`` or ``(None, offset_seconds)`` as ``parse_zone`` returns; UTC by default.
A ``None`` argument means "no argument" (the clock): Cypher's ``date(null)`` is null, which
the caller returns before calling in.
"""

from __future__ import annotations

import time as _time
from collections.abc import Mapping
from typing import Any

from mgcore.errors import CypherArgumentError, CypherTypeError
from mgcore.values.temporal import (
    NANOS_PER_DAY,
    NANOS_PER_SECOND,
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Temporal,
    Time,
    check_offset,
    civil_from_days,
    days_from_civil,
    days_in_month,
    iso_week,
    time_of_day,
    week_start,
    zone_offset_at_instant,
)
from mgcore.values.temporal_arith import duration_of, to_fraction
from mgcore.values.temporal_parse import (
    date_of_fields,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_local_datetime,
    parse_local_time,
    parse_time,
    parse_zone,
)

ZoneSpec = tuple[str | None, int]
UTC: ZoneSpec = (None, 0)

__all__ = [
    "UTC",
    "ZoneSpec",
    "clock",
    "current",
    "datetime_from_epoch",
    "datetime_from_epoch_millis",
    "make_date",
    "make_datetime",
    "make_duration",
    "make_local_datetime",
    "make_local_time",
    "make_time",
    "truncate",
]

_DATE_KEYS = ("year", "month", "day", "week", "dayofweek", "quarter", "dayofquarter", "ordinalday")
_TIME_KEYS = ("hour", "minute", "second", "millisecond", "microsecond", "nanosecond")
_NAMES = {
    k.lower(): k
    for k in [
        *("year", "month", "day", "week", "dayOfWeek", "quarter", "dayOfQuarter", "ordinalDay"),
        *("hour", "minute", "second", "millisecond", "microsecond", "nanosecond"),
        *("timezone", "date", "time", "datetime", "epochSeconds", "epochMillis"),
    ]
}
_ALLOWED = {
    "date": set(_DATE_KEYS) | {"date", "timezone"},
    "localtime": set(_TIME_KEYS) | {"time", "timezone"},
    "time": set(_TIME_KEYS) | {"time", "timezone"},
    "localdatetime": set(_DATE_KEYS) | set(_TIME_KEYS) | {"date", "time", "datetime", "timezone"},
    "datetime": set(_DATE_KEYS)
    | set(_TIME_KEYS)
    | {"date", "time", "datetime", "timezone", "epochseconds", "epochmillis"},
}


def _now(now: int | None) -> int:
    return _time.time_ns() if now is None else now


def _offset_of(zone: ZoneSpec, epoch_nanos: int) -> int:
    name, offset = zone
    if name is None:
        return offset
    return zone_offset_at_instant(name, epoch_nanos // NANOS_PER_SECOND)


def _normalise(m: Mapping[Any, Any], kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in m.items():
        if not isinstance(k, str):
            raise CypherTypeError(f"Map keys must be strings, got {type(k).__name__}.")
        key = k.lower()
        if key not in _ALLOWED[kind]:
            raise CypherArgumentError(f"{kind}: no such field '{k}'.")
        if v is None:
            raise CypherTypeError(f"{kind}: field '{k}' must not be null.")
        out[key] = v
    return out


def _int(m: dict[str, Any], key: str) -> int | None:
    v = m.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise CypherTypeError(f"Field '{_NAMES[key]}' must be an integer, got {v!r}.")
    return v


def _require(m: dict[str, Any], key: str, needs: str) -> None:
    if key in m and needs not in m:
        raise CypherArgumentError(f"{_NAMES[key]} cannot be specified without {_NAMES[needs]}.")


def _date_part(m: dict[str, Any], base: int | None) -> int | None:
    """Day count from the date fields of ``m``, unset ones taken from ``base``."""
    given = [k for k in _DATE_KEYS if k in m]
    if not given:
        return base
    year = _int(m, "year")
    if base is None and year is None:
        raise CypherArgumentError(f"{_NAMES[given[0]]} cannot be specified without year.")
    by, bm, bd = civil_from_days(base) if base is not None else (0, 1, 1)
    week, dow = _int(m, "week"), _int(m, "dayofweek")
    ordinal = _int(m, "ordinalday")
    quarter, doq = _int(m, "quarter"), _int(m, "dayofquarter")
    month, day = _int(m, "month"), _int(m, "day")

    def clash(*keys: str) -> None:
        for k in keys:
            if k in m:
                raise CypherArgumentError(
                    f"Cannot combine {_NAMES[k]} with the other date fields given: {given}."
                )

    if week is not None or dow is not None:
        clash("month", "day", "quarter", "dayofquarter", "ordinalday")
        if base is None:
            _require(m, "dayofweek", "week")
            assert year is not None
            return date_of_fields(year, week=week, dow=dow)
        wy, bw, bdow = iso_week(base)
        return date_of_fields(
            wy if year is None else year,
            week=bw if week is None else week,
            dow=bdow if dow is None else dow,
        )
    y = by if year is None else year
    if ordinal is not None:
        clash("month", "day", "quarter", "dayofquarter")
        return date_of_fields(y, ordinal=ordinal)
    if quarter is not None or doq is not None:
        clash("month", "day")
        if base is None:
            _require(m, "dayofquarter", "quarter")
            return date_of_fields(y, quarter=quarter, day_of_quarter=doq)
        bq = (bm - 1) // 3 + 1
        bdoq = base - days_from_civil(by, bq * 3 - 2, 1) + 1
        q = bq if quarter is None else quarter
        d = bdoq if doq is None else doq
        if doq is None and 1 <= q <= 4:
            first = days_from_civil(y, q * 3 - 2, 1)
            length = (days_from_civil(y + (q == 4), 1 if q == 4 else q * 3 + 1, 1)) - first
            d = min(d, length)
        return date_of_fields(y, quarter=q, day_of_quarter=d)
    if base is None:  # an unset month is January (Memgraph's default; Neo4j requires it)
        return date_of_fields(y, month, day)
    mo = bm if month is None else month
    if day is None and 1 <= mo <= 12:
        return date_of_fields(y, mo, min(bd, days_in_month(y, mo)))
    return date_of_fields(y, mo, bd if day is None else day)


def _time_part(m: dict[str, Any], base: int | None) -> int | None:
    """Nanoseconds of day from the time fields of ``m``, unset ones taken from ``base`` (or
    0 without a base, as Memgraph defaults them: ``localTime({minute: 15})`` is 00:15, where
    Neo4j requires the larger units); sub-second fields replace ``base``'s fraction."""
    if not any(k in m for k in _TIME_KEYS):
        return base
    secs, sub = divmod(base or 0, NANOS_PER_SECOND)
    h, rem = divmod(secs, 3600)
    mi, s = divmod(rem, 60)
    h = h if (v := _int(m, "hour")) is None else v
    mi = mi if (v := _int(m, "minute")) is None else v
    s = s if (v := _int(m, "second")) is None else v
    ms, us, ns = _int(m, "millisecond"), _int(m, "microsecond"), _int(m, "nanosecond")
    if ms is not None or us is not None or ns is not None:
        sub = 0
        if ms is not None:
            _check_range("Millisecond", ms, 999)
            sub += ms * 1_000_000
        if us is not None:
            _check_range("Microsecond", us, 999 if ms is not None else 999_999)
            sub += us * 1000
        if ns is not None:
            top = 999 if us is not None else (999_999 if ms is not None else 999_999_999)
            _check_range("Nanosecond", ns, top)
            sub += ns
    return time_of_day(h, mi, s, sub)


def _check_range(name: str, value: int, top: int) -> None:
    if not 0 <= value <= top:
        raise CypherArgumentError(f"Invalid value for {name}: {value} (valid 0 - {top}).")


def _local_days(v: Any) -> int | None:
    if isinstance(v, Date | LocalDateTime):
        return v.days
    if isinstance(v, DateTime):
        return v.local().days
    return None


def _local_nanos(v: Any) -> int | None:
    if isinstance(v, LocalTime | Time | LocalDateTime):
        return v.nanos
    if isinstance(v, DateTime):
        return v.local().nanos
    return None


def _source(m: dict[str, Any], key: str, accepts: tuple[type, ...]) -> Any:
    v = m.get(key)
    if v is not None and not isinstance(v, accepts):
        raise CypherTypeError(
            f"Field '{key}' must hold a {' or '.join(t.__name__ for t in accepts)}, "
            f"got {type(v).__name__}."
        )
    return v


_WITH_DATE = (Date, LocalDateTime, DateTime)
_WITH_TIME = (LocalTime, Time, LocalDateTime, DateTime)


def _sources(m: dict[str, Any]) -> tuple[int | None, Any]:
    """(base day count, time source) of a map's ``date``/``time``/``datetime`` entries."""
    dt = _source(m, "datetime", (LocalDateTime, DateTime))
    if dt is not None and ("date" in m or "time" in m):
        raise CypherArgumentError("datetime cannot be combined with date or time.")
    d = dt if dt is not None else _source(m, "date", _WITH_DATE)
    t = dt if dt is not None else _source(m, "time", _WITH_TIME)
    return _local_days(d), t


def _zone_of(v: Any) -> ZoneSpec | None:
    if isinstance(v, DateTime):
        return (v.zone, v.offset)
    if isinstance(v, Time):
        return (None, v.offset)
    return None


def _clock_only(m: Mapping[Any, Any]) -> bool:
    return len(m) == 1 and next(iter(m)).lower() == "timezone"


def _zone_arg(m: dict[str, Any]) -> ZoneSpec | None:
    """A map's ``timezone``: a zone string, or (Memgraph) an integer offset in minutes."""
    tz = m.get("timezone")
    if tz is None:
        return None
    if isinstance(tz, int) and not isinstance(tz, bool):
        return None, check_offset(tz * 60)
    if not isinstance(tz, str):
        raise CypherTypeError(
            f"timezone must be a string or an integer (minutes), got {type(tz).__name__}."
        )
    return parse_zone(tz)


def current(kind: str, now: int, zone: ZoneSpec = UTC) -> Temporal:
    """The clock reading ``now`` (epoch nanoseconds) as a ``kind`` value in ``zone``:
    ``date()``, ``localtime.statement()``, ``datetime.realtime('Europe/Berlin')``, ..."""
    dt = DateTime.from_instant(now, zone[0], zone[1])
    local = dt.local()
    if kind == "date":
        return Date(local.days)
    if kind == "localtime":
        return LocalTime(local.nanos)
    if kind == "time":
        return Time(local.nanos, dt.offset)
    if kind == "localdatetime":
        return local
    if kind == "datetime":
        return dt
    raise CypherArgumentError(f"Unknown temporal kind: {kind}.")


def clock(kind: str, now: int, timezone: Any = None, default_zone: ZoneSpec = UTC) -> Temporal:
    """``date.transaction()``, ``localtime.statement('Europe/Berlin')``,
    ``datetime.realtime({timezone: '+01:00'})``: the caller picks ``now`` (the transaction's,
    the statement's or the real clock's instant); ``timezone`` is a zone string or a map
    holding one, else ``default_zone`` applies."""
    if timezone is None:
        return current(kind, now, default_zone)
    if isinstance(timezone, Mapping):
        if not _clock_only(timezone):
            raise CypherArgumentError(f"{kind}: the clock takes only a timezone.")
        timezone = next(iter(timezone.values()))
    if not isinstance(timezone, str):
        raise CypherTypeError(f"timezone must be a string, got {type(timezone).__name__}.")
    return current(kind, now, parse_zone(timezone))


def _dispatch(kind: str, arg: Any, now: int | None, zone: ZoneSpec) -> Temporal | None:
    """The clock for no argument or ``{timezone: ...}`` (and, as in Memgraph, for
    ``datetime({})``), else None."""
    if arg is None:
        return current(kind, _now(now), zone)
    if isinstance(arg, Mapping) and (_clock_only(arg) or (kind == "datetime" and not arg)):
        tz = _zone_arg(_normalise(arg, kind))
        return current(kind, _now(now), tz or zone)
    return None


def _type_error(kind: str, arg: Any) -> CypherTypeError:
    return CypherTypeError(f"{kind}() cannot be built from a value of type {type(arg).__name__}.")


def make_date(arg: Any = None, *, now: int | None = None, default_zone: ZoneSpec = UTC) -> Date:
    """``date(arg)``: from the clock, a string, a map or another temporal with a date."""
    reading = _dispatch("date", arg, now, default_zone)
    if reading is not None:
        assert isinstance(reading, Date)
        return reading
    if isinstance(arg, str):
        return parse_date(arg)
    if isinstance(arg, Mapping):
        m = _normalise(arg, "date")
        if "timezone" in m:
            raise CypherArgumentError("date: timezone can only be given alone.")
        days = _date_part(m, _local_days(_source(m, "date", _WITH_DATE)))
        if days is None:
            raise CypherArgumentError("date: year must be specified.")
        return Date(days)
    days = _local_days(arg)
    if days is None:
        raise _type_error("date", arg)
    return Date(days)


def make_local_time(
    arg: Any = None, *, now: int | None = None, default_zone: ZoneSpec = UTC
) -> LocalTime:
    """``localtime(arg)``: from the clock, a string, a map or another temporal with a time."""
    reading = _dispatch("localtime", arg, now, default_zone)
    if reading is not None:
        assert isinstance(reading, LocalTime)
        return reading
    if isinstance(arg, str):
        return parse_local_time(arg)
    if isinstance(arg, Mapping):
        m = _normalise(arg, "localtime")
        if "timezone" in m:
            raise CypherArgumentError("localtime: timezone can only be given alone.")
        nanos = _time_part(m, _local_nanos(_source(m, "time", _WITH_TIME)))
        return LocalTime(nanos or 0)  # localtime({}) is midnight, as in Memgraph
    nanos = _local_nanos(arg)
    if nanos is None:
        raise _type_error("localtime", arg)
    return LocalTime(nanos)


def make_time(arg: Any = None, *, now: int | None = None, default_zone: ZoneSpec = UTC) -> Time:
    """``time(arg)``; a named zone's offset is taken at the source's instant, else at ``now``."""
    reading = _dispatch("time", arg, now, default_zone)
    if reading is not None:
        assert isinstance(reading, Time)
        return reading
    if isinstance(arg, str):
        return parse_time(arg, _offset_of(default_zone, _now(now)))
    if isinstance(arg, Mapping):
        m = _normalise(arg, "time")
        src = _source(m, "time", _WITH_TIME)
        base = _local_nanos(src)
        tz = _zone_arg(m)
        src_zone = _zone_of(src)
        moment = src.epoch_nanos() if isinstance(src, DateTime) else _now(now)
        if tz is not None:
            offset = _offset_of(tz, moment)
            if src_zone is not None and base is not None:
                base = (base + (offset - src_zone[1]) * NANOS_PER_SECOND) % NANOS_PER_DAY
        elif src_zone is not None:
            offset = src_zone[1]
        else:
            offset = _offset_of(default_zone, moment)
        nanos = _time_part(m, base)
        if nanos is None:
            raise CypherArgumentError("time: hour must be specified.")
        return Time(nanos, offset)
    if isinstance(arg, Time):
        return arg
    if isinstance(arg, DateTime):
        return Time(arg.local().nanos, arg.offset)
    nanos = _local_nanos(arg)
    if nanos is None:
        raise _type_error("time", arg)
    return Time(nanos, _offset_of(default_zone, _now(now)))


def make_local_datetime(
    arg: Any = None, *, now: int | None = None, default_zone: ZoneSpec = UTC
) -> LocalDateTime:
    """``localdatetime(arg)``: clock, string, map, or a temporal with a date."""
    reading = _dispatch("localdatetime", arg, now, default_zone)
    if reading is not None:
        assert isinstance(reading, LocalDateTime)
        return reading
    if isinstance(arg, str):
        return parse_local_datetime(arg)
    if isinstance(arg, Mapping):
        m = _normalise(arg, "localdatetime")
        if "timezone" in m:
            raise CypherArgumentError("localdatetime: timezone can only be given alone.")
        base_days, tsrc = _sources(m)
        days = _date_part(m, base_days)
        if days is None:
            raise CypherArgumentError("localdatetime: year must be specified.")
        nanos = _time_part(m, _local_nanos(tsrc))
        return LocalDateTime(days, nanos or 0)
    if isinstance(arg, DateTime):
        return arg.local()
    if isinstance(arg, LocalDateTime):
        return arg
    if isinstance(arg, Date):
        return LocalDateTime(arg.days, 0)
    raise _type_error("localdatetime", arg)


def _place(local: LocalDateTime, zone: ZoneSpec, keep: DateTime | None) -> DateTime:
    """``local`` in ``zone``, keeping ``keep``'s offset in an overlap of the same zone."""
    if keep is not None and keep.zone == zone[0]:
        return DateTime.from_local_preferring(local, zone[0], keep.offset)
    return DateTime.from_local(local, zone[0], zone[1])


def make_datetime(
    arg: Any = None, *, now: int | None = None, default_zone: ZoneSpec = UTC
) -> DateTime:
    """``datetime(arg)``. A map's ``timezone`` converts a zoned ``time``/``datetime`` source
    to that zone (same instant) and is attached to anything else; without it the source's
    zone, else ``default_zone``, applies."""
    reading = _dispatch("datetime", arg, now, default_zone)
    if reading is not None:
        assert isinstance(reading, DateTime)
        return reading
    if isinstance(arg, str):
        return parse_datetime(arg, default_zone)
    if isinstance(arg, Mapping):
        m = _normalise(arg, "datetime")
        if "epochseconds" in m or "epochmillis" in m:
            return _from_epoch_map(m, default_zone)
        base_days, tsrc = _sources(m)
        tz = _zone_arg(m)
        src_zone = _zone_of(tsrc)
        base_nanos = _local_nanos(tsrc)
        keep = tsrc if isinstance(tsrc, DateTime) else None
        convert = tz is not None and src_zone is not None
        if convert and isinstance(tsrc, DateTime) and "datetime" in m:
            assert tz is not None
            moved = DateTime.from_instant(tsrc.epoch_nanos(), tz[0], tz[1]).local()
            base_days, base_nanos = moved.days, moved.nanos
            convert = False
        days = _date_part(m, base_days)
        if days is None:
            raise CypherArgumentError("datetime: year must be specified.")
        if convert and isinstance(tsrc, Time | DateTime) and base_nanos is not None:
            assert tz is not None
            src_zone_id = tsrc.zone if isinstance(tsrc, DateTime) else None
            placed = DateTime.from_local(LocalDateTime(days, base_nanos), src_zone_id, tsrc.offset)
            base_nanos = DateTime.from_instant(placed.epoch_nanos(), tz[0], tz[1]).local().nanos
        if tz is not None:
            zone, keep = tz, None
        elif src_zone is not None:
            zone = src_zone
        else:
            zone = default_zone
        nanos = _time_part(m, base_nanos)
        return _place(LocalDateTime(days, nanos or 0), zone, keep)
    if isinstance(arg, DateTime):
        return arg
    if isinstance(arg, LocalDateTime):
        return DateTime.from_local(arg, default_zone[0], default_zone[1])
    if isinstance(arg, Date):
        return DateTime.from_local(LocalDateTime(arg.days, 0), default_zone[0], default_zone[1])
    raise _type_error("datetime", arg)


def _from_epoch_map(m: dict[str, Any], default_zone: ZoneSpec) -> DateTime:
    """``datetime({epochSeconds: s, nanosecond: n, timezone: z})`` or ``{epochMillis: ms}``."""
    allowed = {"epochseconds", "epochmillis", "millisecond", "microsecond", "nanosecond",
               "timezone"}
    extra = sorted(_NAMES[k] for k in m if k not in allowed)
    if extra or ("epochseconds" in m and "epochmillis" in m):
        raise CypherArgumentError(
            f"datetime: epochSeconds or epochMillis cannot be combined with {extra or 'both'}."
        )
    instant = 0
    for key, scale in (("epochseconds", NANOS_PER_SECOND), ("epochmillis", 1_000_000)):
        v = _int(m, key)
        if v is not None:
            instant += v * scale
    sub = _time_part({k: m[k] for k in ("millisecond", "microsecond", "nanosecond") if k in m}
                     | {"hour": 0, "minute": 0, "second": 0}, None)
    tz = _zone_arg(m) or default_zone
    return DateTime.from_instant(instant + (sub or 0), tz[0], tz[1])


_DURATION_UNITS = {
    # Memgraph's keys (pages/fundamentals/data-types.mdx); Neo4j's plural ones below
    "day": (0, 1, 0, 0),
    "hour": (0, 0, 3600, 0),
    "minute": (0, 0, 60, 0),
    "second": (0, 0, 1, 0),
    "millisecond": (0, 0, 0, 1_000_000),
    "microsecond": (0, 0, 0, 1000),
    "years": (12, 0, 0, 0),
    "quarters": (3, 0, 0, 0),
    "months": (1, 0, 0, 0),
    "weeks": (0, 7, 0, 0),
    "days": (0, 1, 0, 0),
    "hours": (0, 0, 3600, 0),
    "minutes": (0, 0, 60, 0),
    "seconds": (0, 0, 1, 0),
    "milliseconds": (0, 0, 0, 1_000_000),
    "microseconds": (0, 0, 0, 1000),
    "nanoseconds": (0, 0, 0, 1),
}


def make_duration(arg: Any) -> Duration:
    """``duration(arg)`` from a string, a map of (possibly fractional) amounts, or a Duration.
    The map takes Neo4j's plural keys (``days``, ``hours``, ...) and Memgraph's singular ones
    (``day``, ``hour``, ``minute``, ``second``, ``millisecond``, ``microsecond``); amounts
    given under several keys add up (``{minute: 2, second: -2}`` is 118 seconds)."""
    if isinstance(arg, Duration):
        return arg
    if isinstance(arg, str):
        return parse_duration(arg)
    if not isinstance(arg, Mapping):
        raise _type_error("duration", arg)
    totals = [to_fraction(0)] * 4
    for k, v in arg.items():
        key = k.lower() if isinstance(k, str) else k
        unit = _DURATION_UNITS.get(key)
        if unit is None:
            raise CypherArgumentError(f"duration: no such field '{k}'.")
        amount = to_fraction(v, f"duration field '{k}'")
        totals = [t + amount * u for t, u in zip(totals, unit, strict=True)]
    return duration_of(*totals)


def datetime_from_epoch(seconds: int, nanoseconds: int = 0) -> DateTime:
    """``datetime.fromepoch(seconds, nanoseconds)`` in UTC."""
    for v in (seconds, nanoseconds):
        if isinstance(v, bool) or not isinstance(v, int):
            raise CypherTypeError(f"datetime.fromepoch expects integers, got {v!r}.")
    return DateTime.from_instant(seconds * NANOS_PER_SECOND + nanoseconds, None, 0)


def datetime_from_epoch_millis(millis: int) -> DateTime:
    """``datetime.fromepochmillis(millis)`` in UTC."""
    if isinstance(millis, bool) or not isinstance(millis, int):
        raise CypherTypeError(f"datetime.fromepochmillis expects an integer, got {millis!r}.")
    return DateTime.from_instant(millis * 1_000_000, None, 0)


# ------------------------------------------------------------------------------------ truncate

_DATE_UNITS = ("millennium", "century", "decade", "year", "weekyear", "quarter", "month", "week")
_TIME_UNITS = {
    "day": NANOS_PER_DAY,
    "hour": 3600 * NANOS_PER_SECOND,
    "minute": 60 * NANOS_PER_SECOND,
    "second": NANOS_PER_SECOND,
    "millisecond": 1_000_000,
    "microsecond": 1000,
}


def _truncate_days(days: int, unit: str) -> int:
    """The first day of ``unit`` containing ``days``. Millennia, centuries and decades count
    from year 0 toward zero, as Neo4j's ``(year / 1000) * 1000`` in Java: year -1501 truncates
    to -1000 (and -1 to 0), not -2000."""
    y, m, _ = civil_from_days(days)
    for name, years in (("millennium", 1000), ("century", 100), ("decade", 10)):
        if unit == name:
            return days_from_civil(-(-y // years * years) if y < 0 else y // years * years, 1, 1)
    if unit == "year":
        return days_from_civil(y, 1, 1)
    if unit == "weekyear":
        return week_start(iso_week(days)[0])
    if unit == "quarter":
        return days_from_civil(y, (m - 1) // 3 * 3 + 1, 1)
    if unit == "month":
        return days_from_civil(y, m, 1)
    if unit == "week":
        return days - iso_week(days)[2] + 1
    return days


def _join_truncated_fraction(m: dict[str, Any], unit: str, nanos: int) -> dict[str, Any]:
    """The override fields of a truncation as Neo4j's updateFieldMapWithConflictingSubseconds
    leaves them: truncated to milliseconds, given microsecond and nanosecond fields join the
    kept milliseconds (truncated to microseconds, a nanosecond field joins the kept
    microseconds) into one ``nanosecond`` fraction; any millisecond or microsecond field
    left over then replaces the whole fraction, as a map's fields do, so
    ``localtime.truncate('millisecond', t, {millisecond: 5})`` has 5 ms, not t's plus 5."""
    sub = nanos % NANOS_PER_SECOND
    joined: dict[str, Any]
    finer: tuple[str, ...]
    if unit == "millisecond" and ("microsecond" in m or "nanosecond" in m):
        joined, finer = {"millisecond": sub // 1_000_000}, ("microsecond", "nanosecond")
    elif unit == "microsecond" and "nanosecond" in m:
        joined, finer = {"microsecond": sub // 1000}, ("nanosecond",)
    else:
        return m
    rest = {k: v for k, v in m.items() if k not in finer}
    joined |= {k: m[k] for k in finer if k in m}
    fraction = _time_part(joined | {"hour": 0, "minute": 0, "second": 0}, None)
    assert fraction is not None
    if any(k in rest for k in ("millisecond", "microsecond")):
        return rest  # they replace the joined fraction
    return rest | {"nanosecond": fraction}


def truncate(
    kind: str,
    unit: str,
    value: Temporal,
    overrides: Mapping[str, Any] | None = None,
    *,
    now: int | None = None,
    default_zone: ZoneSpec = UTC,
) -> Temporal:
    """``<kind>.truncate(unit, value, overrides)``: ``value`` cut down to ``unit`` as a
    ``kind`` value, then the fields of ``overrides`` set; a ``timezone`` there replaces the
    zone keeping the local fields."""
    if not isinstance(unit, str):
        raise CypherTypeError(f"truncate: unit must be a string, got {type(unit).__name__}.")
    u = unit.lower()
    if u not in _DATE_UNITS and u not in _TIME_UNITS:
        raise CypherArgumentError(f"truncate: unsupported unit '{unit}'.")
    if not isinstance(value, Temporal) or isinstance(value, Duration):
        raise CypherTypeError(f"truncate: cannot truncate a {type(value).__name__}.")
    days = _local_days(value)
    nanos = _local_nanos(value)
    wants_date = kind in ("date", "localdatetime", "datetime")
    if (wants_date or u in _DATE_UNITS) and days is None:
        raise CypherArgumentError(f"{kind}.truncate: cannot truncate {value!r} to {unit}.")
    if kind == "date" and u in _TIME_UNITS and u != "day":
        raise CypherArgumentError(f"date.truncate: cannot truncate to {unit}.")
    if days is not None:
        days = _truncate_days(days, u)
    if u in _DATE_UNITS:
        nanos = 0
    elif nanos is not None:
        nanos -= nanos % _TIME_UNITS[u]
    m = _normalise(overrides or {}, kind)
    for key in ("date", "time", "datetime"):
        if key in m:
            raise CypherArgumentError(f"truncate: '{key}' cannot be overridden.")
    tz = _zone_arg(m)
    if days is not None and wants_date:
        days = _date_part(m, days)
    nanos = _time_part(_join_truncated_fraction(m, u, nanos or 0), nanos or 0)
    assert nanos is not None
    if kind == "date":
        assert days is not None
        return Date(days)
    if kind == "localtime":
        return LocalTime(nanos)
    if kind == "localdatetime":
        assert days is not None
        return LocalDateTime(days, nanos)
    zone = tz or _zone_of(value) or default_zone
    if kind == "time":
        moment = value.epoch_nanos() if isinstance(value, DateTime) else _now(now)
        return Time(nanos, _offset_of(zone, moment))
    if kind == "datetime":
        assert days is not None
        # Neo4j places the truncated fields afresh (ZonedDateTime.of): in a DST overlap that
        # is the earlier offset, whichever offset the truncated value had
        return DateTime.from_local(LocalDateTime(days, nanos), zone[0], zone[1])
    raise CypherArgumentError(f"Unknown temporal kind: {kind}.")
