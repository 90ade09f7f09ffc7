"""Differential and property-based tests of the temporal value layer.

Part 1 checks construction, epoch values, component accessors, named-zone offsets and string
forms against Python's ``datetime``/``zoneinfo`` in their common range (years 1..9999,
microseconds). Part 2 checks adding durations against a reference built from the stdlib with
java.time's rules. Part 3 checks invariants over the full range: string round trips, a total
order that agrees with ``order_key`` and the index codec, serde round trips,
``a + duration.between(a, b) == b``, duration arithmetic, and errors (never a Python
``OverflowError``/``ValueError``) beyond the supported range.
"""

from __future__ import annotations

import calendar
import datetime as pydt
import importlib.resources
import sys
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "kit"))

from temporal_strategies import (
    dates,
    datetimes,
    durations,
    local_datetimes,
    local_times,
    times,
)

from mgcore.errors import ClientError
from mgcore.storage.kit import codec, serde
from mgcore.values import temporal_build as tb
from mgcore.values.temporal import (
    MAX_YEAR,
    MIN_YEAR,
    NANOS_PER_DAY,
    NANOS_PER_SECOND,
    SECONDS_PER_DAY,
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Time,
    civil_from_days,
    compare,
    days_from_civil,
)
from mgcore.values.temporal_arith import (
    between,
    divide,
    in_days,
    in_months,
    in_seconds,
    minus_duration,
    multiply,
    plus_duration,
    temporal_property,
)

FEW = settings(max_examples=60)
SOME = settings(max_examples=120)

PY_EPOCH_DATE = pydt.date(1970, 1, 1)
PY_EPOCH = pydt.datetime(1970, 1, 1)
PY_EPOCH_UTC = pydt.datetime(1970, 1, 1, tzinfo=pydt.UTC)
ZONES = (
    "Europe/Stockholm",
    "America/New_York",
    "Australia/Lord_Howe",  # half-hour DST
    "America/Sao_Paulo",  # DST at midnight
    "Asia/Kathmandu",
    "Pacific/Apia",  # skipped a whole day in 2011
    "Europe/London",
    "Europe/Dublin",  # negative DST in IANA's default build
    "Antarctica/Troll",  # a two-hour DST step
    "America/St_Johns",
)

py_dates = st.dates(pydt.date(1, 1, 1), pydt.date(9999, 12, 31))
py_datetimes = st.datetimes(pydt.datetime(1, 1, 2), pydt.datetime(9999, 12, 30))
py_offsets = st.integers(-18 * 3600, 18 * 3600) | st.sampled_from([0, 3600, -3600, 19800, 61])


@cache
def tz(name: str) -> ZoneInfo:
    """The zone from the tzdata package (IANA's default build), as the project reads it."""
    try:
        resource = importlib.resources.files("tzdata.zoneinfo")
        for part in name.split("/"):
            resource = resource.joinpath(part)
        with resource.open("rb") as f:
            return ZoneInfo.from_file(f, key=name)
    except ModuleNotFoundError:  # pragma: no cover - the project requires tzdata
        return ZoneInfo(name)


def days_of(d: pydt.date) -> int:
    return (d - PY_EPOCH_DATE).days


def ldt_of(d: pydt.datetime) -> LocalDateTime:
    """The LocalDateTime of a naive stdlib datetime, by the stdlib's own arithmetic."""
    delta = d.replace(tzinfo=None) - PY_EPOCH
    return LocalDateTime.from_epoch_nanos(
        (delta.days * SECONDS_PER_DAY + delta.seconds) * NANOS_PER_SECOND
        + delta.microseconds * 1000
    )


def py_of(v: LocalDateTime) -> pydt.datetime:
    """A naive stdlib datetime of a LocalDateTime with whole microseconds."""
    assert v.nanos % 1000 == 0
    return PY_EPOCH + pydt.timedelta(days=v.days, microseconds=v.nanos // 1000)


def iso_time(t: pydt.time | pydt.datetime) -> str:
    """The TCK's time form from the stdlib's isoformat: seconds omitted when zero and no
    fraction, the fraction in groups of three digits."""
    if t.second == 0 and t.microsecond == 0:
        spec = "minutes"
    elif t.microsecond == 0:
        spec = "seconds"
    elif t.microsecond % 1000 == 0:
        spec = "milliseconds"
    else:
        spec = "microseconds"
    return t.isoformat(timespec=spec)


def iso_offset(seconds: int) -> str:
    text = pydt.timezone(pydt.timedelta(seconds=seconds)).tzname(None)
    # stdlib: "UTC", "UTC+01:00", "UTC-02:05:07"
    return "Z" if seconds == 0 else text.removeprefix("UTC")


def offset_at(zone: str, epoch_seconds: int) -> int:
    """The offset of ``zone`` at an instant, by the stdlib."""
    moment = PY_EPOCH_UTC + pydt.timedelta(seconds=epoch_seconds)
    off = moment.astimezone(tz(zone)).utcoffset()
    assert off is not None
    return int(off.total_seconds())


def java_resolve(zone: str, local_seconds: int, preferred: int | None = None) -> tuple[int, int]:
    """(epoch seconds, offset) of a local date-time in a zone by java.time's rules, found by
    trying the offsets in force a day before and after: a valid offset equal to
    ``preferred`` wins, else the earlier offset of an overlap; a local time in a gap moves
    later by the gap's length (it keeps the offset from before the gap)."""
    before = offset_at(zone, local_seconds - 2 * SECONDS_PER_DAY)
    after = offset_at(zone, local_seconds + 2 * SECONDS_PER_DAY)
    valid = sorted(
        {o for o in (before, after) if offset_at(zone, local_seconds - o) == o}, reverse=True
    )
    if preferred is not None and preferred in valid:
        return local_seconds - preferred, preferred
    if valid:
        return local_seconds - valid[0], valid[0]
    instant = local_seconds - before
    return instant, offset_at(zone, instant)


def local_seconds_of(d: pydt.datetime) -> int:
    delta = d - PY_EPOCH
    return delta.days * SECONDS_PER_DAY + delta.seconds


# ------------------------------------------------------------------ 1. against the stdlib


@SOME
@given(py_dates)
def test_date_construction_fields_string_and_properties(d: pydt.date) -> None:
    v = Date.of(d.year, d.month, d.day)
    assert v.days == days_of(d)
    assert v.fields() == (d.year, d.month, d.day)
    assert str(v) == d.isoformat()
    iso = d.isocalendar()
    quarter = (d.month - 1) // 3 + 1
    expected = {
        "year": d.year,
        "month": d.month,
        "day": d.day,
        "weekDay": d.isoweekday(),
        "dayOfWeek": d.isoweekday(),
        "ordinalDay": d.timetuple().tm_yday,
        "week": iso.week,
        "weekYear": iso.year,
        "quarter": quarter,
        "dayOfQuarter": (d - pydt.date(d.year, quarter * 3 - 2, 1)).days + 1,
    }
    for name, value in expected.items():
        assert temporal_property(v, name) == value, name
        assert temporal_property(LocalDateTime(v.days, 0), name) == value, name
    # the week-based forms name the same day
    week_form = f"{iso.year:04d}-W{iso.week:02d}-{iso.weekday}"
    assert tb.make_date(week_form) == v
    assert tb.make_date({"year": iso.year, "week": iso.week, "dayOfWeek": iso.weekday}) == v
    assert tb.make_date(f"{d.year:04d}-{d.timetuple().tm_yday:03d}") == v
    assert tb.make_date(
        {"year": d.year, "quarter": quarter, "dayOfQuarter": expected["dayOfQuarter"]}
    ) == v


@SOME
@given(py_datetimes)
def test_local_datetime_construction_and_string(d: pydt.datetime) -> None:
    v = tb.make_local_datetime(
        {"year": d.year, "month": d.month, "day": d.day, "hour": d.hour, "minute": d.minute,
         "second": d.second, "microsecond": d.microsecond}
    )
    assert v == ldt_of(d)
    assert str(v) == f"{d.date().isoformat()}T{iso_time(d.time())}"
    for name, value in (("hour", d.hour), ("minute", d.minute), ("second", d.second),
                        ("millisecond", d.microsecond // 1000),
                        ("microsecond", d.microsecond),
                        ("nanosecond", d.microsecond * 1000)):
        assert temporal_property(v, name) == value, name


@SOME
@given(py_datetimes, py_offsets)
def test_fixed_offset_datetime_vs_stdlib(d: pydt.datetime, offset: int) -> None:
    aware = d.replace(tzinfo=pydt.timezone(pydt.timedelta(seconds=offset)))
    v = DateTime.from_local(ldt_of(d), None, offset)
    ts = aware - PY_EPOCH_UTC
    assert v.epoch_seconds == ts.days * SECONDS_PER_DAY + ts.seconds
    assert v.nanos == d.microsecond * 1000
    assert temporal_property(v, "epochSeconds") == ts // pydt.timedelta(seconds=1)
    assert temporal_property(v, "epochMillis") == (ts // pydt.timedelta(milliseconds=1))
    assert temporal_property(v, "offsetSeconds") == offset
    assert temporal_property(v, "year") == d.year
    assert temporal_property(v, "weekDay") == d.isoweekday()
    assert str(v) == f"{d.date().isoformat()}T{iso_time(d.time())}{iso_offset(offset)}"
    assert tb.make_datetime(
        {"year": d.year, "month": d.month, "day": d.day, "hour": d.hour, "minute": d.minute,
         "second": d.second, "microsecond": d.microsecond, "timezone": iso_offset(offset)}
    ) == v
    # the instant seen at another offset is the stdlib's astimezone
    other = DateTime.from_instant(v.epoch_nanos(), None, -offset)
    seen = aware.astimezone(pydt.timezone(pydt.timedelta(seconds=-offset)))
    if 1 <= seen.year <= 9999:
        assert other.local() == ldt_of(seen.replace(tzinfo=None))


@st.composite
def zoned_locals(draw: Any) -> tuple[str, pydt.datetime]:
    """A zone and a local date-time, often right at one of the zone's transitions."""
    zone = draw(st.sampled_from(ZONES))
    if draw(st.booleans()):
        d = draw(st.datetimes(pydt.datetime(1800, 1, 1), pydt.datetime(2200, 1, 1)))
        return zone, d
    # near a transition: scan a year for offset changes, pick one, move a little around it
    year = draw(st.integers(1900, 2100))
    start = int(pydt.datetime(year, 1, 1, tzinfo=pydt.UTC).timestamp())
    changes = []
    prev = offset_at(zone, start)
    for step in range(1, 53):
        t = start + step * 7 * SECONDS_PER_DAY
        now = offset_at(zone, t)
        if now != prev:
            lo, hi = t - 7 * SECONDS_PER_DAY, t
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset_at(zone, mid) == prev:
                    lo = mid
                else:
                    hi = mid
            changes.append((hi, prev, now))
            prev = now
    if not changes:
        return zone, pydt.datetime(year, 6, 1, 12)
    at, before, after = draw(st.sampled_from(changes))
    local = at + draw(st.sampled_from([before, after])) + draw(
        st.sampled_from([-3601, -3600, -1, 0, 1, 1799, 1800, 3599, 3600, 7200])
    )
    return zone, PY_EPOCH + pydt.timedelta(seconds=local, microseconds=draw(st.integers(0, 9)))


@settings(max_examples=150)
@given(zoned_locals())
@example(("Europe/Stockholm", pydt.datetime(2017, 3, 26, 2, 30)))  # gap
@example(("Europe/Stockholm", pydt.datetime(2017, 10, 29, 2, 30)))  # overlap
@example(("Pacific/Apia", pydt.datetime(2011, 12, 30, 12)))  # a skipped day
@example(("Australia/Lord_Howe", pydt.datetime(2020, 10, 4, 2, 15)))  # 30 minute gap
def test_named_zone_resolution_vs_zoneinfo(case: tuple[str, pydt.datetime]) -> None:
    zone, d = case
    local = ldt_of(d)
    v = DateTime.from_local(local, zone)
    instant, offset = java_resolve(zone, local_seconds_of(d.replace(microsecond=0)))
    assert (v.epoch_seconds, v.nanos, v.offset, v.zone) == (
        instant, d.microsecond * 1000, offset, zone
    )
    seen = (PY_EPOCH_UTC + pydt.timedelta(seconds=instant, microseconds=d.microsecond)
            ).astimezone(tz(zone))
    assert str(v) == (
        f"{seen.date().isoformat()}T{iso_time(seen.time())}{iso_offset(offset)}[{zone}]"
    )
    assert DateTime.from_instant(v.epoch_nanos(), zone) == v
    assert tb.make_datetime(str(v)) == v
    # the map constructor resolves the same way
    m = {"year": d.year, "month": d.month, "day": d.day, "hour": d.hour, "minute": d.minute,
         "second": d.second, "microsecond": d.microsecond, "timezone": zone}
    assert tb.make_datetime(m) == v


@SOME
@given(st.sampled_from(ZONES), st.integers(
    int(pydt.datetime(1, 1, 3, tzinfo=pydt.UTC).timestamp()),
    int(pydt.datetime(9999, 12, 29, tzinfo=pydt.UTC).timestamp()),
))
def test_named_zone_offset_at_instant_vs_zoneinfo(zone: str, secs: int) -> None:
    v = DateTime.from_instant(secs * NANOS_PER_SECOND, zone)
    assert v.offset == offset_at(zone, secs)
    assert v.epoch_seconds == secs
    seen = (PY_EPOCH_UTC + pydt.timedelta(seconds=secs)).astimezone(tz(zone))
    assert v.local() == ldt_of(seen.replace(tzinfo=None))


@SOME
@given(st.sampled_from(ZONES), st.integers(-(3 * 10**16), 3 * 10**16))
def test_named_zone_far_instants_repeat_every_400_years(zone: str, secs: int) -> None:
    """Beyond the stdlib's years the zone's rules repeat with the calendar's 400-year cycle
    (before its first transition a zone keeps its local mean time)."""
    v = DateTime.from_instant(secs * NANOS_PER_SECOND, zone)
    assert v.offset == zone_offset_of(zone, secs)
    seen = PY_EPOCH + pydt.timedelta(seconds=(secs + v.offset) % (146_097 * SECONDS_PER_DAY))
    local = v.local()
    assert civil_from(local.days)[1:] == (seen.month, seen.day)
    assert local.nanos == ldt_of(seen).nanos


# ------------------------------------------------------------------ 2. durations vs stdlib


def add_months(d: pydt.datetime, months: int) -> pydt.datetime:
    total = d.year * 12 + d.month - 1 + months
    y, m = divmod(total, 12)
    return d.replace(year=y, month=m + 1, day=min(d.day, calendar.monthrange(y, m + 1)[1]))


small_durations = st.builds(
    Duration,
    st.integers(-200, 200) | st.sampled_from([0, 1, -1, 12, 13]),
    st.integers(-800, 800) | st.just(0),
    st.integers(-10**7, 10**7) | st.sampled_from([0, 86_399, -86_400, -86_401, 3600]),
    st.integers(0, 999_999) .map(lambda us: us * 1000) | st.just(0),
)
mid_datetimes = st.datetimes(pydt.datetime(100, 1, 1), pydt.datetime(9900, 1, 1))


def java_div(a: int, b: int) -> int:
    """Java's ``/`` on ints: the quotient truncated toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


@SOME
@given(mid_datetimes, small_durations)
@example(pydt.datetime(2000, 1, 1), Duration(0, 0, -86_400, 500_000_000))
def test_date_plus_duration_vs_stdlib(d: pydt.datetime, dur: Duration) -> None:
    base = d.date()
    moved = add_months(pydt.datetime(base.year, base.month, base.day), dur.months)
    expected = moved.date() + pydt.timedelta(days=dur.days + java_div(dur.seconds, 86_400))
    v = plus_duration(Date(days_of(base)), dur)
    assert v == Date(days_of(expected))
    # subtraction takes away the whole days of the duration's own seconds field (Neo4j's
    # DurationValue.subtractFrom), so date - PT-23H59M59.5S (seconds -86400, nanos 5e8) is
    # the next day, while date + PT23H59M59.5S is the same day
    back = add_months(pydt.datetime(base.year, base.month, base.day), -dur.months).date()
    back -= pydt.timedelta(days=dur.days + java_div(dur.seconds, 86_400))
    assert minus_duration(Date(days_of(base)), dur) == Date(days_of(back))


@SOME
@given(mid_datetimes, small_durations)
def test_local_datetime_plus_duration_vs_stdlib(d: pydt.datetime, dur: Duration) -> None:
    expected = add_months(d, dur.months) + pydt.timedelta(
        days=dur.days, seconds=dur.seconds, microseconds=dur.nanos // 1000
    )
    assert plus_duration(ldt_of(d), dur) == ldt_of(expected)
    fixed = DateTime.from_local(ldt_of(d), None, 3600)
    assert plus_duration(fixed, dur) == DateTime.from_local(ldt_of(expected), None, 3600)
    t = d.time()
    shift = pydt.timedelta(seconds=dur.seconds, microseconds=dur.nanos // 1000)
    expected_t = (pydt.datetime(2000, 1, 1, t.hour, t.minute, t.second, t.microsecond) + shift)
    assert plus_duration(LocalTime(ldt_of(d).nanos), dur) == LocalTime(ldt_of(expected_t).nanos)
    assert plus_duration(Time(ldt_of(d).nanos, -7200), dur) == Time(
        ldt_of(expected_t).nanos, -7200
    )


@settings(max_examples=150)
@given(zoned_locals(), small_durations | st.builds(
    Duration, st.integers(-3, 3), st.integers(-3, 3), st.sampled_from([0, 3600, -3600])
))
@example(("Europe/Stockholm", pydt.datetime(2017, 2, 26, 2, 30)), Duration(1, 1, 0))
@example(("Europe/Stockholm", pydt.datetime(2017, 9, 29, 2, 30)), Duration(1, 0, 0))
@example(("Europe/Stockholm", pydt.datetime(2017, 10, 28, 2, 30)), Duration(0, 1, 3600))
def test_zoned_datetime_plus_duration_java_rules(
    case: tuple[str, pydt.datetime], dur: Duration
) -> None:
    """java.time's ZonedDateTime.plus: months on the local date-time re-resolved in the zone
    keeping the offset where it stays valid, then days likewise, then seconds and nanos on the
    instant (Neo4j's DurationValue.addTo adds the units one after another)."""
    zone, d = case
    start = DateTime.from_local(ldt_of(d), zone)
    local = py_of(start.local())
    instant, offset = start.epoch_seconds, start.offset
    if dur.months:
        local = add_months(local, dur.months)
        instant, offset = java_resolve(zone, local_seconds_of(local.replace(microsecond=0)),
                                       offset)
        local = PY_EPOCH + pydt.timedelta(seconds=instant + offset,
                                          microseconds=local.microsecond)
    if dur.days:
        local = local + pydt.timedelta(days=dur.days)
        instant, offset = java_resolve(zone, local_seconds_of(local.replace(microsecond=0)),
                                       offset)
    nanos = instant * NANOS_PER_SECOND + start.nanos + dur.seconds * NANOS_PER_SECOND + dur.nanos
    secs = nanos // NANOS_PER_SECOND
    expected = (secs, nanos % NANOS_PER_SECOND, offset_at(zone, secs), zone)
    v = plus_duration(start, dur)
    assert isinstance(v, DateTime)
    assert (v.epoch_seconds, v.nanos, v.offset, v.zone) == expected


# --------------------------------------------------------------- 3. invariants, full range



def _in_own_zone(v: DateTime) -> DateTime:
    """The shared strategy pairs a zone with any offset; a real zoned value has the zone's."""
    if v.zone is None:
        return v
    try:
        return DateTime.from_instant(v.epoch_nanos(), v.zone)
    except ClientError:
        return DateTime(v.epoch_seconds, v.nanos, v.offset, None)


any_datetimes = datetimes().map(_in_own_zone)


@SOME
@given(dates, local_times, times, local_datetimes, any_datetimes, durations)
def test_string_round_trips(
    d: Date, lt: LocalTime, t: Time, ldt: LocalDateTime, dt: DateTime, dur: Duration
) -> None:
    assert tb.make_date(str(d)) == d
    assert tb.make_local_time(str(lt)) == lt
    assert tb.make_time(str(t)) == t
    assert tb.make_local_datetime(str(ldt)) == ldt
    assert tb.make_datetime(str(dt)) == dt
    assert tb.make_duration(str(dur)) == dur


def _all_pairs(strategy: Any) -> Any:
    return st.tuples(strategy, strategy, strategy)


def _near(strategy: Any, bump: Any) -> Any:
    """Triples of values where later ones are often small changes of the first."""
    @st.composite
    def build(draw: Any) -> tuple[Any, Any, Any]:
        a = draw(strategy)
        out = [a]
        for _ in range(2):
            out.append(draw(st.one_of(strategy, st.just(a), st.builds(bump, st.just(a),
                                                                          st.integers(-2, 2)))))
        return tuple(out)  # type: ignore[return-value]
    return build()


def _bump(v: Any, k: int) -> Any:
    try:
        if isinstance(v, Date):
            return Date(v.days + k)
        if isinstance(v, LocalTime):
            return LocalTime((v.nanos + k) % NANOS_PER_DAY)
        if isinstance(v, Time):
            return Time(v.nanos, max(-64800, min(64800, v.offset + k)))
        if isinstance(v, LocalDateTime):
            return LocalDateTime(v.days, (v.nanos + k) % NANOS_PER_DAY)
        if isinstance(v, DateTime):
            return DateTime.from_instant(v.epoch_nanos() + k, v.zone, v.offset)
        if isinstance(v, Duration):
            return Duration(v.months, v.days - k, v.seconds + k * 86_400, v.nanos)
    except ClientError:
        return v
    return v


def _reference_instant_key(v: Any) -> Any:
    """An order key derived from public fields only (not from ``order_key``)."""
    if isinstance(v, Date):
        return (v.fields(),)
    if isinstance(v, LocalTime):
        return (v.nanos,)
    if isinstance(v, Time):
        return (v.nanos - v.offset * NANOS_PER_SECOND, -v.offset)
    if isinstance(v, LocalDateTime):
        return (civil_from(v.days), v.nanos)
    if isinstance(v, DateTime):
        return (v.epoch_nanos(), -v.offset, v.zone is not None, v.zone or "")
    raise AssertionError(v)


def civil_from(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day count (checked against the stdlib by the tests above)."""
    return civil_from_days(days)


@pytest.mark.parametrize(
    "strategy", [dates, local_times, times, local_datetimes, any_datetimes, durations],
    ids=["date", "localtime", "time", "localdatetime", "datetime", "duration"],
)
@settings(max_examples=80)
@given(data=st.data())
def test_total_order_order_key_and_codec_agree(strategy: Any, data: Any) -> None:
    a, b, c = data.draw(_near(strategy, _bump))
    ka, kb = codec.encode(a), codec.encode(b)
    assert (ka == kb) == (a == b)
    assert (codec.key_prefix([a]) == codec.key_prefix([b])) == (a == b)
    assert codec.split_index_key(codec.index_key([a], 7)) == ([a], 7)
    if a == b:
        assert hash(a) == hash(b)
    if isinstance(a, Duration):
        assert compare(a, b) is None
        assert (a.order_key() < b.order_key()) == (ka < kb)
        return
    cab = compare(a, b)
    assert cab == (0 if a == b else (-1 if ka < kb else 1))
    assert cab == -compare(b, a)  # type: ignore[operator]
    assert (a.order_key() < b.order_key()) == (cab == -1)
    # transitivity over the triple
    s = sorted([a, b, c], key=lambda v: v.order_key())
    assert compare(s[0], s[1]) <= 0 and compare(s[1], s[2]) <= 0  # type: ignore[operator]
    assert compare(s[0], s[2]) <= 0  # type: ignore[operator]
    assert [codec.encode(v) for v in s] == sorted(codec.encode(v) for v in s)
    # for values without offsets the order is the calendar order of their fields
    if not isinstance(a, Time | DateTime):
        ra, rb = _reference_instant_key(a), _reference_instant_key(b)
        assert cab == (0 if ra == rb else (-1 if ra < rb else 1))
    else:
        ra, rb = _reference_instant_key(a), _reference_instant_key(b)
        if ra[0] != rb[0]:  # different instants order by instant
            assert cab == (-1 if ra[0] < rb[0] else 1)
    assert codec.decode(ka) == a
    assert serde.unpack(serde.pack(a)) == a
    assert type(serde.unpack(serde.pack(a))) is type(a)


@SOME
@given(_all_pairs(dates))
def test_between_dates_adds_back(ds: tuple[Date, Date, Date]) -> None:
    a, b, _ = ds
    dur = between(a, b)
    assert plus_duration(a, dur) == b
    assert in_days(a, b) == Duration(0, b.days - a.days)
    assert dur.seconds == 0 and dur.nanos == 0
    # whole months: a + months never overshoots b (in b's direction), one more month does
    months = in_months(a, b).months
    assert months == dur.months
    ya, ma, da = a.fields()
    yb, mb, db = b.fields()
    raw = (yb * 12 + mb) - (ya * 12 + ma)
    if raw > 0 and db < da:
        raw -= 1
    elif raw < 0 and db > da:
        raw += 1
    assert months == raw


@SOME
@given(local_datetimes, local_datetimes, local_times, local_times)
def test_between_local_values_adds_back(
    a: LocalDateTime, b: LocalDateTime, s: LocalTime, t: LocalTime
) -> None:
    assert plus_duration(a, between(a, b)) == b
    assert plus_duration(s, between(s, t)) == t
    assert in_seconds(a, b) == Duration(0, 0, 0, b.epoch_nanos() - a.epoch_nanos())
    assert in_seconds(s, t) == Duration(0, 0, 0, t.nanos - s.nanos)


@SOME
@given(any_datetimes, any_datetimes)
def test_between_datetimes(a: DateTime, b: DateTime) -> None:
    assert in_seconds(a, b) == Duration(0, 0, 0, b.epoch_nanos() - a.epoch_nanos())
    try:
        dur = between(a, b)
    except ClientError:
        # as java.time's until, which sees b in a's zone: that must be beyond the years
        with pytest.raises(ClientError):
            DateTime.from_instant(b.epoch_nanos(), a.zone, a.offset)
        return
    # the months and days steps are the ones plus_duration repeats, and the rest is the
    # elapsed time from there: the sum is exactly b's instant, seen in a's zone
    assert plus_duration(a, dur) == DateTime.from_instant(b.epoch_nanos(), a.zone, a.offset)


@SOME
@given(any_datetimes, st.sampled_from(ZONES))
def test_between_datetimes_in_one_zone(a: DateTime, zone: str) -> None:
    try:
        b = DateTime.from_instant(a.epoch_nanos() - 40 * NANOS_PER_DAY - 12345, zone)
        a = DateTime.from_instant(a.epoch_nanos(), zone)
    except ClientError:
        return
    assert plus_duration(a, between(a, b)) == b


@SOME
@given(dates | local_datetimes | any_datetimes, st.builds(
    Duration, st.just(0), st.integers(-10**6, 10**6), st.integers(-10**12, 10**12),
    st.integers(0, NANOS_PER_SECOND - 1),
))
def test_minus_then_plus_is_identity_without_months(x: Any, d: Duration) -> None:
    if isinstance(x, Date):
        d = Duration(0, d.days)
    if isinstance(x, DateTime) and x.zone is not None:
        d = Duration(0, 0, d.seconds, d.nanos)  # days would meet DST changes
    try:
        y = minus_duration(x, d)
    except ClientError:
        return
    try:
        assert plus_duration(y, d) == x
    except ClientError:
        # only when the days step alone leaves the years (java.time checks each unit)
        days = y.local().days if isinstance(y, DateTime) else y.days
        top = days_from_civil(MAX_YEAR, 12, 31)
        assert not days_from_civil(MIN_YEAR, 1, 1) <= days + d.days <= top


@SOME
@given(dates | local_datetimes, st.integers(-10**6, 10**6))
def test_months_round_trip_when_the_day_exists(x: Any, months: int) -> None:
    day = civil_from(x.days)[2]
    assume(day <= 28)
    d = Duration(months)
    try:
        y = plus_duration(x, d)
    except ClientError:
        return
    assert minus_duration(y, d) == x
    yy, ym, yd = civil_from(y.days)
    xy, xm, _ = civil_from(x.days)
    assert yy * 12 + ym - (xy * 12 + xm) == months and yd == day


@SOME
@given(st.integers(-(2**63), 2**63 - 1), st.integers(-(2**63), 2**63 - 1),
       st.integers(-(2**63), 2**63 - 1), st.integers(-(2**70), 2**70))
def test_duration_normalises_nanos(months: int, days: int, seconds: int, nanos: int) -> None:
    total = seconds * NANOS_PER_SECOND + nanos
    if -(2**63) <= total // NANOS_PER_SECOND < 2**63:
        d = Duration(months, days, seconds, nanos)
        assert (d.seconds, d.nanos) == divmod(total, NANOS_PER_SECOND)
        assert d == Duration(months, days, 0, total)
        assert tb.make_duration(str(d)) == d
        if all(x > -(2**63) for x in (d.months, d.days, d.seconds)):
            assert (-d).__neg__() == d
    else:
        with pytest.raises(ClientError):
            Duration(months, days, seconds, nanos)


@SOME
@given(durations, st.integers(-5, 5).filter(bool))
def test_duration_multiply_divide(d: Duration, k: int) -> None:
    try:
        p = multiply(d, k)
    except ClientError:
        total = d.seconds * NANOS_PER_SECOND + d.nanos
        assert any(abs(x * k) >= 2**63 for x in (d.months, d.days)) or not (
            -(2**63) <= total * k // NANOS_PER_SECOND < 2**63
        )
        return
    total = (d.seconds * NANOS_PER_SECOND + d.nanos) * k
    assert (p.months, p.days, p.seconds * NANOS_PER_SECOND + p.nanos) == (
        d.months * k, d.days * k, total
    )
    assert divide(p, k) == d
    assert multiply(d, float(k)) == p


@pytest.mark.parametrize("fn", [
    lambda v, d: plus_duration(v, d),
    lambda v, d: minus_duration(v, d),
    lambda v, d: between(v, v if isinstance(d, Duration) else d),
    lambda v, d: multiply(d, 2**62 + 1),
    lambda v, d: multiply(d, 1e300),
    lambda v, d: divide(d, 1e-300),
    lambda v, d: tb.make_date({"date": v, "year": MAX_YEAR + 1}),
    lambda v, d: tb.truncate("datetime", "millennium", v),
], ids=["plus", "minus", "between", "mul", "mulf", "divf", "map", "truncate"])
@settings(max_examples=40)
@given(st.one_of(dates, local_times, times, local_datetimes, any_datetimes), durations)
def test_out_of_range_raises_client_errors(fn: Any, v: Any, d: Duration) -> None:
    """Whatever the operands, an operation gives a value or a Cypher client error; no Python
    OverflowError, ValueError, AssertionError or struct error escapes."""
    try:
        r = fn(v, d)
    except ClientError:
        return
    if isinstance(r, Date | LocalDateTime):
        assert MIN_YEAR <= civil_from(r.days)[0] <= MAX_YEAR
    if isinstance(r, DateTime):
        assert MIN_YEAR <= civil_from(r.local().days)[0] <= MAX_YEAR
    codec.encode(r)
    serde.pack(r)


def test_extreme_values() -> None:
    top = Date(days_from_civil(MAX_YEAR, 12, 31))
    bottom = Date(days_from_civil(MIN_YEAR, 1, 1))
    assert str(top) == "+999999999-12-31"
    assert str(bottom) == "-999999999-01-01"
    with pytest.raises(ClientError):
        plus_duration(top, Duration(0, 1))
    with pytest.raises(ClientError):
        plus_duration(bottom, Duration(-1))
    for zone in ZONES:
        hi = DateTime.from_local(LocalDateTime(top.days, NANOS_PER_DAY - 1), zone)
        lo = DateTime.from_local(LocalDateTime(bottom.days, 0), zone)
        assert tb.make_datetime(str(hi)) == hi
        assert tb.make_datetime(str(lo)) == lo
        with pytest.raises(ClientError):
            plus_duration(hi, Duration(0, 0, 86_400))


@SOME
@given(dates)
def test_truncate_date_units(d: Date) -> None:
    y, m, _ = d.fields()
    for unit, years in (("millennium", 1000), ("century", 100), ("decade", 10)):
        assert tb.truncate("date", unit, d).fields() == (java_div(y, years) * years, 1, 1), unit
    assert tb.truncate("date", "year", d).fields() == (y, 1, 1)
    assert tb.truncate("date", "quarter", d).fields() == (y, (m - 1) // 3 * 3 + 1, 1)
    assert tb.truncate("date", "month", d).fields() == (y, m, 1)
    if 1 <= y <= 9999 and d.days > days_of(pydt.date(1, 1, 7)):
        py = PY_EPOCH_DATE + pydt.timedelta(days=d.days)
        monday = py - pydt.timedelta(days=py.isoweekday() - 1)
        assert tb.truncate("date", "week", d) == Date(days_of(monday))
        first = pydt.date.fromisocalendar(py.isocalendar().year, 1, 1)
        assert tb.truncate("date", "weekYear", d) == Date(days_of(first))


def test_truncate_negative_years_toward_zero() -> None:
    """Neo4j computes ``(year / 1000) * 1000`` with Java's truncating division."""
    d = tb.make_date("-1501-07-08")
    assert str(tb.truncate("date", "millennium", d)) == "-1000-01-01"
    assert str(tb.truncate("date", "century", d)) == "-1500-01-01"
    assert str(tb.truncate("date", "decade", d)) == "-1500-01-01"
    assert str(tb.truncate("date", "millennium", tb.make_date("-0001-12-31"))) == "0000-01-01"
    assert str(tb.truncate("datetime", "century", tb.make_datetime("-0199-05-05T10:00Z"))) == (
        "-0100-01-01T00:00Z"
    )


@FEW
@given(zoned_locals(), py_offsets)
def test_parse_offset_with_zone_must_match(case: tuple[str, pydt.datetime], offset: int) -> None:
    """``datetime('...+hh:mm[Zone]')`` takes an offset the zone has at that local time (either
    one of an overlap, kept) and rejects any other, as Neo4j does."""
    zone, d = case
    d = d.replace(microsecond=0)
    local = local_seconds_of(d)
    valid = {o for o in (offset_at(zone, local - 2 * SECONDS_PER_DAY),
                         offset_at(zone, local + 2 * SECONDS_PER_DAY))
             if offset_at(zone, local - o) == o}
    for off in valid | {offset}:
        text = f"{d.isoformat()}{iso_offset(off)}[{zone}]"
        if off in valid:
            v = tb.make_datetime(text)
            assert (v.epoch_seconds, v.offset, v.zone) == (local - off, off, zone)
        else:
            with pytest.raises(ClientError):
                tb.make_datetime(text)


def test_parse_offset_with_zone_examples() -> None:
    early = tb.make_datetime("2017-10-29T02:30+02:00[Europe/Stockholm]")
    late = tb.make_datetime("2017-10-29T02:30+01:00[Europe/Stockholm]")
    assert late.epoch_seconds - early.epoch_seconds == 3600
    for text in ("1984-07-07T12:34+03:00[Europe/Stockholm]",  # Neo4j's own test
                 "2017-03-26T02:30+01:00[Europe/Stockholm]"):  # in the gap
        with pytest.raises(ClientError, match="Timezone and offset do not match"):
            tb.make_datetime(text)


@SOME
@given(durations)
def test_duration_components_java_arithmetic(d: Duration) -> None:
    """Duration components as Neo4j computes them with Java's truncating ``/`` and ``%``
    on the months, days, seconds and nanos fields."""
    def jmod(a: int, b: int) -> int:
        return a - b * java_div(a, b)

    expected = {
        "years": java_div(d.months, 12), "quarters": java_div(d.months, 3),
        "months": d.months, "weeks": java_div(d.days, 7), "days": d.days,
        "hours": java_div(d.seconds, 3600), "minutes": java_div(d.seconds, 60),
        "seconds": d.seconds,
        "milliseconds": d.seconds * 1000 + d.nanos // 10**6,
        "microseconds": d.seconds * 10**6 + d.nanos // 1000,
        "nanoseconds": d.seconds * 10**9 + d.nanos,
        "quartersOfYear": jmod(java_div(d.months, 3), 4), "monthsOfQuarter": jmod(d.months, 3),
        "monthsOfYear": jmod(d.months, 12), "daysOfWeek": jmod(d.days, 7),
        "minutesOfHour": jmod(java_div(d.seconds, 60), 60),
        "secondsOfMinute": jmod(d.seconds, 60),
        "millisecondsOfSecond": d.nanos // 10**6, "microsecondsOfSecond": d.nanos // 1000,
        "nanosecondsOfSecond": d.nanos,
    }
    for name, value in expected.items():
        assert temporal_property(d, name) == value, name
    assert 0 <= d.nanos < NANOS_PER_SECOND


@SOME
@given(st.integers(-(2**40), 2**40), st.integers(-(10**12), 10**12), st.integers(-(2**45), 2**45))
def test_epoch_constructors_vs_stdlib(seconds: int, nanos: int, millis: int) -> None:
    instant = seconds * NANOS_PER_SECOND + nanos
    try:
        v = tb.datetime_from_epoch(seconds, nanos)
    except ClientError:
        assert not -(2**62) < instant < 2**62 or abs(seconds) > 3 * 10**16
        return
    assert (v.epoch_seconds, v.nanos, v.offset, v.zone) == (
        instant // NANOS_PER_SECOND, instant % NANOS_PER_SECOND, 0, None
    )
    w = tb.datetime_from_epoch_millis(millis)
    assert temporal_property(w, "epochMillis") == millis
    assert w == tb.make_datetime({"epochMillis": millis})
    moment = PY_EPOCH_UTC + pydt.timedelta(milliseconds=millis)
    if 1 <= moment.year <= 9999:
        assert str(w.local()) == f"{moment.date().isoformat()}T{iso_time(moment.time())}"


@SOME
@given(any_datetimes, st.sampled_from(ZONES))
def test_instant_and_local_paths_agree_over_full_range(v: DateTime, zone: str) -> None:
    """The local date-time of an instant in a zone resolves back to that instant, or, in an
    overlap, to the earlier offset's instant of the same local time."""
    try:
        z = DateTime.from_instant(v.epoch_nanos(), zone)
        back = DateTime.from_local(z.local(), zone)
    except ClientError:
        return
    assert back.local() == z.local()
    if back != z:
        assert back.offset > z.offset and back.epoch_nanos() < z.epoch_nanos()
        assert DateTime.from_local_preferring(z.local(), zone, z.offset) == z


@SOME
@given(mid_datetimes, st.sampled_from(["day", "hour", "minute", "second", "millisecond",
                                       "microsecond"]))
def test_truncate_time_units_vs_stdlib(d: pydt.datetime, unit: str) -> None:
    keep = {"day": 0, "hour": 1, "minute": 2, "second": 3, "millisecond": 4, "microsecond": 5}
    n = keep[unit]
    expected = d.replace(
        hour=d.hour if n >= 1 else 0, minute=d.minute if n >= 2 else 0,
        second=d.second if n >= 3 else 0,
        microsecond=(d.microsecond // 1000 * 1000 if n == 4 else d.microsecond if n == 5 else 0),
    )
    v = ldt_of(d) if d.microsecond % 2 else LocalDateTime(ldt_of(d).days, ldt_of(d).nanos + 7)
    assert tb.truncate("localdatetime", unit, v) == ldt_of(expected)
    fixed = DateTime.from_local(v, None, -3600)
    assert tb.truncate("datetime", unit, fixed) == DateTime.from_local(ldt_of(expected), None,
                                                                       -3600)
    if unit != "day":
        assert tb.truncate("localtime", unit, LocalTime(v.nanos)) == LocalTime(
            ldt_of(expected).nanos
        )


def test_each_unit_of_a_duration_stays_in_range() -> None:
    """Neo4j adds months, then days, then seconds, each with java.time's range check, so an
    intermediate date beyond the years fails even when a later unit would come back."""
    top = Date(days_from_civil(MAX_YEAR, 12, 31))
    bottom = Date(days_from_civil(MIN_YEAR, 1, 1))
    for value, dur in (
        (top, Duration(0, 1, -86_400)),
        (top, Duration(1, -31)),
        (bottom, Duration(0, -1, 86_400)),
        (LocalDateTime(top.days, 0), Duration(0, 1, -86_400)),
        (LocalDateTime(bottom.days, 0), Duration(-1, 31)),
        (DateTime.from_local(LocalDateTime(top.days, 0), None, 0), Duration(1, -31)),
        (DateTime.from_local(LocalDateTime(top.days, 0), "Europe/Stockholm"),
         Duration(0, 1, -90_000)),
    ):
        with pytest.raises(ClientError):
            plus_duration(value, dur)
        with pytest.raises(ClientError):
            minus_duration(value, -dur)
    # a last unit that only comes back is fine
    assert plus_duration(top, Duration(0, -1, 86_400)) == top
    assert plus_duration(LocalDateTime(top.days, 5), Duration(0, 0, 1, -5)) == (
        LocalDateTime(top.days, 1_000_000_000)
    )


@FEW
@given(zoned_locals(), st.sampled_from(["day", "hour", "minute", "second", "millisecond"]))
@example(("Europe/Stockholm", pydt.datetime(2017, 10, 29, 1, 30)), "hour")
def test_truncate_zoned_datetime_resolves_afresh(
    case: tuple[str, pydt.datetime], unit: str
) -> None:
    """datetime.truncate places the truncated local date-time in the zone as Neo4j does
    (ZonedDateTime.of: an overlap's earlier offset, a gap shifted later), also when the
    value truncated had the later offset of an overlap."""
    zone, d = case
    start = DateTime.from_local(ldt_of(d), zone)
    later = DateTime.from_instant(start.epoch_nanos() + 3600 * NANOS_PER_SECOND, zone)
    for v in (start, later):
        local = py_of(v.local())
        keep = ("day", "hour", "minute", "second", "millisecond").index(unit)
        cut = local.replace(
            hour=local.hour if keep >= 1 else 0, minute=local.minute if keep >= 2 else 0,
            second=local.second if keep >= 3 else 0,
            microsecond=local.microsecond // 1000 * 1000 if keep >= 4 else 0,
        )
        instant, offset = java_resolve(zone, local_seconds_of(cut.replace(microsecond=0)))
        t = tb.truncate("datetime", unit, v)
        assert isinstance(t, DateTime)
        assert (t.epoch_seconds, t.nanos, t.offset, t.zone) == (
            instant, cut.microsecond * 1000, offset, zone
        )


def test_truncate_in_an_overlap_takes_the_earlier_offset() -> None:
    late = tb.make_datetime("2017-10-29T02:30:15+01:00[Europe/Stockholm]")
    assert str(tb.truncate("datetime", "hour", late)) == "2017-10-29T02:00+02:00[Europe/Stockholm]"


@SOME
@given(py_datetimes, py_offsets)
def test_parse_stdlib_iso_strings(d: pydt.datetime, offset: int) -> None:
    """The stdlib's ISO strings (extended and basic forms) parse to the same fields."""
    aware = d.replace(tzinfo=pydt.timezone(pydt.timedelta(seconds=offset)))
    ldt = ldt_of(d)
    assert tb.make_local_datetime(d.isoformat()) == ldt
    assert tb.make_datetime(aware.isoformat()) == DateTime.from_local(ldt, None, offset)
    assert tb.make_local_time(d.time().isoformat()) == LocalTime(ldt.nanos)
    assert tb.make_time(aware.timetz().isoformat()) == Time(ldt.nanos, offset)
    basic = d.strftime("%Y%m%dT%H%M%S") + (f".{d.microsecond:06d}" if d.microsecond else "")
    if d.year >= 1000:
        assert tb.make_local_datetime(basic) == ldt
    assert tb.make_date(d.date().isoformat()) == Date(ldt.days)
    iso = d.isocalendar()
    if d.year >= 1000:
        assert tb.make_date(f"{iso.year:04d}W{iso.week:02d}{iso.weekday}") == Date(ldt.days)
        assert tb.make_date(d.strftime("%Y%j")) == Date(ldt.days)


@SOME
@given(dates)
def test_calendar_over_full_range_by_400_year_cycles(d: Date) -> None:
    """Every date's fields, week-based fields and string are those of the stdlib date a
    whole number of 400-year cycles (146,097 days, a whole number of weeks) away."""
    y = d.fields()[0]
    cycles = (y - 2000) // 400
    py = PY_EPOCH_DATE + pydt.timedelta(days=d.days - cycles * 146_097)
    assert d.fields() == (py.year + cycles * 400, py.month, py.day)
    # ISO week: the week belongs to the year of its Thursday
    thursday = py + pydt.timedelta(days=4 - py.isoweekday())
    assert temporal_property(d, "weekYear") == thursday.year + cycles * 400
    assert temporal_property(d, "week") == (thursday.timetuple().tm_yday - 1) // 7 + 1
    assert temporal_property(d, "dayOfWeek") == py.isoweekday()
    assert temporal_property(d, "ordinalDay") == py.timetuple().tm_yday
    year = py.year + cycles * 400
    sign = "-" if year < 0 else ("+" if year > 9999 else "")
    assert str(d) == f"{sign}{abs(year):04d}-{py.month:02d}-{py.day:02d}"


def test_preferred_offset_at_the_last_day() -> None:
    """Keeping a value's offset where the zone allows it must not build the instant at a
    wrong offset first: at the last supported day that lies beyond the years."""
    june = tb.make_datetime("+999999999-07-31T23:50[Australia/Lord_Howe]")
    assert june.offset == 37_800  # +10:30, standard time
    expected = "+999999999-12-31T23:50+11:00[Australia/Lord_Howe]"
    assert str(plus_duration(june, Duration(5))) == expected
    assert str(tb.make_datetime({"datetime": june, "month": 12, "day": 31})) == expected
    with pytest.raises(ClientError, match="Timezone and offset do not match"):
        tb.make_datetime("+999999999-12-31T23:50+10:30[Australia/Lord_Howe]")


_FIRST, _LAST = days_from_civil(MIN_YEAR, 1, 1), days_from_civil(MAX_YEAR, 12, 31)
_EDGE_DAYS = (st.integers(_FIRST, _FIRST + 400) | st.integers(_LAST - 400, _LAST)
              | st.integers(days_of(pydt.date(1, 1, 1)) - 2, days_of(pydt.date(2, 1, 2)))
              | st.integers(days_of(pydt.date(9998, 12, 30)), days_of(pydt.date(9999, 12, 31)) + 2))


@SOME
@given(_EDGE_DAYS, st.integers(0, NANOS_PER_DAY - 1), st.sampled_from(ZONES), st.integers(-14, 14))
def test_zones_near_the_ends_of_the_range(days: int, nanos: int, zone: str, months: int) -> None:
    """Named zones at the first and last supported days and at the stdlib's year 1 and 9999
    boundaries (where the zone lookups move by 400-year cycles): a local date-time resolves,
    prints and parses back, and month arithmetic gives a value or a client error."""
    local = LocalDateTime(days, nanos)
    try:
        v = DateTime.from_local(local, zone)
    except ClientError:
        # only a gap's shift can leave the years, on the very last day
        assert days == _LAST
        return
    assert v.local() == local or (v.local().epoch_nanos() - local.epoch_nanos()) in range(
        1, 3 * 3600 * NANOS_PER_SECOND
    )
    assert DateTime.from_instant(v.epoch_nanos(), zone) == v
    assert tb.make_datetime(str(v)) == v
    assert v.offset == zone_offset_of(zone, v.epoch_seconds)
    try:
        w = plus_duration(v, Duration(months))
    except ClientError:
        return
    assert isinstance(w, DateTime) and w.zone == zone
    assert w.offset == zone_offset_of(zone, w.epoch_seconds)


def zone_offset_of(zone: str, epoch_seconds: int) -> int:
    """The zone's offset at an instant, an instant beyond the stdlib's years moved by
    400-year cycles into years 9000..9399 (the zone's recurring rules) or 100..499 (before
    any transition: its first, local mean time offset)."""
    cycle = 146_097 * SECONDS_PER_DAY

    def at(year: int) -> int:
        return (pydt.datetime(year, 1, 1, tzinfo=pydt.UTC) - PY_EPOCH_UTC) // pydt.timedelta(
            seconds=1
        )

    if at(2) <= epoch_seconds < at(9999):
        return offset_at(zone, epoch_seconds)
    lo = at(9000) if epoch_seconds > 0 else at(100)
    return offset_at(zone, epoch_seconds - (epoch_seconds - lo) // cycle * cycle)


@SOME
@given(local_times, st.sampled_from(["second", "millisecond", "microsecond"]),
       st.dictionaries(st.sampled_from(["millisecond", "microsecond", "nanosecond"]),
                       st.integers(0, 999) | st.integers(1000, 2000), min_size=1))
def test_truncate_sub_second_overrides(t: LocalTime, unit: str, fields: dict[str, int]) -> None:
    """Neo4j's updateFieldMapWithConflictingSubseconds: truncated to milliseconds, given
    microseconds or nanoseconds join the kept milliseconds; truncated to microseconds, given
    nanoseconds join the kept microseconds; remaining sub-second fields then make the whole
    fraction, as in a map (each step with validNano's ranges)."""
    secs, sub = divmod(t.nanos, NANOS_PER_SECOND)

    def valid_nano(ms: int | None, us: int | None, ns: int | None) -> int | None:
        if (ms or 0) > 999:
            return None
        if (us or 0) > (999 if ms is not None else 999_999):
            return None
        if (ns or 0) > (999 if us is not None else 999_999 if ms is not None else 999_999_999):
            return None
        return (ms or 0) * 1_000_000 + (us or 0) * 1000 + (ns or 0)

    rest = dict(fields)
    fraction: int | None = None
    if unit == "millisecond" and ("microsecond" in rest or "nanosecond" in rest):
        fraction = valid_nano(sub // 1_000_000, rest.pop("microsecond", None),
                              rest.pop("nanosecond", None))
    elif unit == "microsecond" and "nanosecond" in rest:
        fraction = valid_nano(None, sub // 1000, rest.pop("nanosecond"))
    else:
        fraction = 0
    if fraction is not None and rest:  # the remaining fields replace the fraction
        fraction = valid_nano(rest.get("millisecond"), rest.get("microsecond"),
                              rest.get("nanosecond"))
    if fraction is None:
        with pytest.raises(ClientError):
            tb.truncate("localtime", unit, t, fields)
        return
    assert tb.truncate("localtime", unit, t, fields) == LocalTime(
        secs * NANOS_PER_SECOND + fraction
    )


def test_truncate_sub_second_override_examples() -> None:
    t = tb.make_local_time("12:00:00.123456789")
    assert str(tb.truncate("localtime", "millisecond", t, {"millisecond": 5})) == "12:00:00.005"
    assert str(tb.truncate("localtime", "millisecond", t, {"microsecond": 7})) == (
        "12:00:00.123007"
    )
    assert str(tb.truncate("localtime", "microsecond", t, {"microsecond": 7})) == (
        "12:00:00.000007"
    )
    assert str(tb.truncate("localtime", "microsecond", t, {"nanosecond": 9})) == (
        "12:00:00.123456009"
    )


@SOME
@given(zoned_locals(), st.sampled_from(ZONES), py_offsets)
def test_projections_change_zone_keeping_the_instant(
    case: tuple[str, pydt.datetime], other: str, offset: int
) -> None:
    """datetime({datetime: v, timezone: z}) and time({time: v, timezone: z}) keep v's instant
    (java.time's withZoneSameInstant), as the stdlib's astimezone; projections without a
    zone keep v's local fields."""
    zone, d = case
    v = DateTime.from_local(ldt_of(d), zone)
    moment = PY_EPOCH_UTC + pydt.timedelta(seconds=v.epoch_seconds, microseconds=v.nanos // 1000)
    for target, tzinfo in ((other, tz(other)),
                           (iso_offset(offset), pydt.timezone(pydt.timedelta(seconds=offset)))):
        seen = moment.astimezone(tzinfo)
        w = tb.make_datetime({"datetime": v, "timezone": target})
        assert (w.epoch_seconds, w.nanos) == (v.epoch_seconds, v.nanos)
        assert w.local() == ldt_of(seen.replace(tzinfo=None))
        assert w.offset == int(seen.utcoffset().total_seconds())  # type: ignore[union-attr]
        t = tb.make_time({"time": v, "timezone": target})
        assert t == Time(ldt_of(seen.replace(tzinfo=None)).nanos, w.offset)
    assert tb.make_local_datetime(v) == v.local()
    assert tb.make_date(v) == Date(v.local().days)
    assert tb.make_time(v) == Time(v.local().nanos, v.offset)
