"""Temporal values: calendar arithmetic, string forms and parsing, construction, equality,
ordering, component access and errors (the TCK's own examples are in test_temporal_tck)."""

from __future__ import annotations

import copy
import datetime as pydt
import pickle
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgcore.errors import CypherArgumentError, CypherTypeError
from mgcore.values import temporal_build as tb
from mgcore.values.temporal import (
    NANOS_PER_DAY,
    NANOS_PER_SECOND,
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Time,
    civil_from_days,
    compare,
    days_from_civil,
    is_leap_year,
    iso_week,
    to_string,
)
from mgcore.values.temporal_arith import temporal_property
from mgcore.values.temporal_parse import (
    parse_date,
    parse_datetime,
    parse_duration,
    parse_local_datetime,
    parse_local_time,
    parse_time,
    parse_zone,
)

PY_EPOCH = pydt.date(1970, 1, 1)


# ----------------------------------------------------------------------------------- calendar


@given(st.dates())
def test_days_from_civil_agrees_with_python(d: pydt.date) -> None:
    days = (d - PY_EPOCH).days
    assert days_from_civil(d.year, d.month, d.day) == days
    assert civil_from_days(days) == (d.year, d.month, d.day)


@given(st.dates())
def test_iso_week_agrees_with_python(d: pydt.date) -> None:
    iso = d.isocalendar()
    assert iso_week((d - PY_EPOCH).days) == (iso.year, iso.week, iso.weekday)


@given(st.integers(min_value=-365_000_000_000, max_value=365_000_000_000))
def test_civil_round_trip_far_from_the_epoch(days: int) -> None:
    assert days_from_civil(*civil_from_days(days)) == days


@pytest.mark.parametrize(
    ("year", "leap"), [(2000, True), (1900, False), (2024, True), (2023, False), (0, True),
                       (-4, True), (-100, False), (-400, True)]
)
def test_leap_years(year: int, leap: bool) -> None:
    assert is_leap_year(year) is leap
    assert (days_from_civil(year + 1, 1, 1) - days_from_civil(year, 1, 1) == 366) is leap


def test_extreme_years() -> None:
    lo, hi = parse_date("-999999999-01-01"), parse_date("+999999999-12-31")
    assert str(lo) == "-999999999-01-01"
    assert str(hi) == "+999999999-12-31"
    assert lo < hi
    with pytest.raises(CypherArgumentError):
        Date.of(1_000_000_000, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-W53-5", "2021-01-01"),
        ("2021-W01-1", "2021-01-04"),
        ("2015-W01-1", "2014-12-29"),
        ("2016-366", "2016-12-31"),
        ("0000-01-01", "0000-01-01"),
        ("-0001-12-31", "-0001-12-31"),
        ("+10000-01-01", "+10000-01-01"),
        ("2015-Q3-21", "2015-07-21"),
        ("2015Q321", "2015-07-21"),
        ("2016-Q1-91", "2016-03-31"),
        ("2015-Q4", "2015-10-01"),
        ("+15-06-01", "0015-06-01"),
    ],
)
def test_week_year_and_year_boundaries(text: str, expected: str) -> None:
    assert str(parse_date(text)) == expected


# ------------------------------------------------------------------------- strings and parsing


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (LocalTime.of(1, 2, 3, 400_000_000), "01:02:03.400"),
        (LocalTime.of(1, 2, 3, 450_000), "01:02:03.000450"),
        (LocalTime.of(1, 2, 0, 1), "01:02:00.000000001"),
        (LocalTime.of(0, 0), "00:00"),
        (Time(0, -(5 * 3600 + 30 * 60)), "00:00-05:30"),
        (Time(0, 3600 + 7), "00:00+01:00:07"),
        (Duration(), "PT0S"),
        (Duration(-13), "P-1Y-1M"),
        (Duration(0, 0, -1, 500_000_000), "PT-0.5S"),
        (Duration(0, 0, 0, -1), "PT-0.000000001S"),
        (Duration(0, 0, 90061), "PT25H1M1S"),
        (Duration(0, -3, 0, 0), "P-3D"),
    ],
)
def test_string_forms(value: object, text: str) -> None:
    assert str(value) == text
    assert to_string(value) == text  # type: ignore[arg-type]


_local_times = st.integers(min_value=0, max_value=NANOS_PER_DAY - 1).map(LocalTime)
_days = st.integers(min_value=-1_000_000, max_value=3_000_000)
_offsets = st.integers(min_value=-18 * 3600, max_value=18 * 3600)
_zones = st.sampled_from(["Europe/Stockholm", "America/New_York", "Australia/Eucla", "UTC",
                          "Asia/Kolkata", "Pacific/Honolulu"])


@given(_days)
def test_date_round_trip(days: int) -> None:
    d = Date(days)
    assert parse_date(str(d)) == d


@given(_local_times, _offsets)
def test_time_round_trips(t: LocalTime, offset: int) -> None:
    assert parse_local_time(str(t)) == t
    timed = Time(t.nanos, offset)
    assert parse_time(str(timed)) == timed


@given(_days, _local_times)
def test_local_datetime_round_trip(days: int, t: LocalTime) -> None:
    v = LocalDateTime(days, t.nanos)
    assert parse_local_datetime(str(v)) == v


@given(_days, _local_times, _offsets)
def test_offset_datetime_round_trip(days: int, t: LocalTime, offset: int) -> None:
    v = DateTime.from_local(LocalDateTime(days, t.nanos), None, offset)
    assert parse_datetime(str(v)) == v


@settings(max_examples=60)
@given(st.integers(min_value=-200 * 365, max_value=200 * 365), _local_times, _zones)
def test_zoned_datetime_round_trip(days: int, t: LocalTime, zone: str) -> None:
    v = DateTime.from_local(LocalDateTime(days, t.nanos), zone)
    again = parse_datetime(str(v))
    assert again == v
    assert again.offset == v.offset


@given(
    st.integers(min_value=-10**6, max_value=10**6),
    st.integers(min_value=-10**6, max_value=10**6),
    st.integers(min_value=-10**12, max_value=10**12),
    st.integers(min_value=0, max_value=NANOS_PER_SECOND - 1),
)
def test_duration_round_trip(months: int, days: int, seconds: int, nanos: int) -> None:
    d = Duration(months, days, seconds, nanos)
    assert parse_duration(str(d)) == d


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT1.5S", "PT1.5S"),
        ("-PT1H", "PT-1H"),
        ("P1W", "P7D"),
        ("PT-1.5S", "PT-1.5S"),
        ("P1Y-2M", "P10M"),
        ("PT36H", "PT36H"),
        ("P0001-00-00T00:00:00", "P1Y"),
    ],
)
def test_duration_strings(text: str, expected: str) -> None:
    assert str(parse_duration(text)) == expected


def test_datetime_strings_without_time_or_offset() -> None:
    assert str(parse_datetime("2015-07-21")) == "2015-07-21T00:00Z"
    assert str(parse_datetime("2015-W30")) == "2015-07-20T00:00Z"
    assert str(parse_datetime("-0001-12-31T23:00-01:00")) == "-0001-12-31T23:00-01:00"
    assert str(parse_local_datetime("2015")) == "2015-01-01T00:00"


@pytest.mark.parametrize(
    ("text", "zone"),
    [("Z", (None, 0)), ("+01", (None, 3600)), ("-0130", (None, -5400)),
     ("+01:00:30", (None, 3630)), ("Europe/Paris", ("Europe/Paris", 0))],
)
def test_parse_zone(text: str, zone: tuple[str | None, int]) -> None:
    assert parse_zone(text) == zone


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        (parse_date, "2015-13-01"),
        (parse_date, "2015-02-29"),
        (parse_date, "2015-W54-1"),
        (parse_date, "2014-W53-1"),
        (parse_date, "2015-366"),
        (parse_date, "2015-Q1-91"),
        (parse_date, "2015-Q5-01"),
        (parse_date, "10000-01-01"),
        (parse_date, "15-01-01"),
        (parse_date, "123456"),
        (parse_date, "2015-07-21x"),
        (parse_local_time, "24:00"),
        (parse_local_time, "12:60"),
        (parse_local_time, "12:00:00.1234567890"),
        (parse_time, "12:00+19:00"),
        (parse_time, "12:00[Europe/Paris]"),
        (parse_datetime, "2015-07-21T12:00[Not/AZone]"),
        (parse_datetime, "2015-07-21T"),
        (parse_duration, "P"),
        (parse_duration, "PT"),
        (parse_duration, "P1S"),
        (parse_duration, "1D"),
        (parse_duration, "P1DT"),
    ],
)
def test_invalid_strings(parser: object, text: str) -> None:
    with pytest.raises(CypherArgumentError):
        parser(text)  # type: ignore[operator]


# ------------------------------------------------------------------------- named time zones


def test_dst_gap_moves_forward() -> None:
    v = tb.make_datetime("2017-03-26T02:30[Europe/Stockholm]")
    assert str(v) == "2017-03-26T03:30+02:00[Europe/Stockholm]"


def test_dst_overlap_prefers_earlier_offset_unless_given() -> None:
    early = tb.make_datetime("2017-10-29T02:30[Europe/Stockholm]")
    late = tb.make_datetime("2017-10-29T02:30+01:00[Europe/Stockholm]")
    assert str(early) == "2017-10-29T02:30+02:00[Europe/Stockholm]"
    assert str(late) == "2017-10-29T02:30+01:00[Europe/Stockholm]"
    assert late.epoch_nanos() - early.epoch_nanos() == 3600 * NANOS_PER_SECOND
    assert early != late
    assert early < late


def test_zone_offsets_agree_with_zoneinfo() -> None:
    zone = zoneinfo.ZoneInfo("America/New_York")
    for month in range(1, 13):
        expected = pydt.datetime(2021, month, 15, 12, tzinfo=zone).utcoffset()
        assert expected is not None
        v = tb.make_datetime({"year": 2021, "month": month, "day": 15, "hour": 12,
                              "timezone": "America/New_York"})
        assert v.offset == expected.total_seconds()


def test_named_zone_outside_zoneinfo_years() -> None:
    far = tb.make_datetime({"year": 30000, "month": 7, "day": 1, "timezone": "Europe/Berlin"})
    old = tb.make_datetime({"year": -5000, "month": 7, "day": 1, "timezone": "Europe/Berlin"})
    assert far.offset == 7200
    assert old.offset == 53 * 60 + 28
    assert str(far) == "+30000-07-01T00:00+02:00[Europe/Berlin]"


def test_invalid_zone_names() -> None:
    for name in ("Not/AZone", "../etc/passwd", "", "+25:00"):
        with pytest.raises(CypherArgumentError):
            tb.make_datetime({"year": 2000, "timezone": name})


# -------------------------------------------------------------------- equality and ordering


def test_equality_is_per_type() -> None:
    assert Date(0) != LocalDateTime(0, 0)
    assert LocalTime(0) != Time(0, 0)
    assert tb.make_datetime("1970-01-01T00:00Z") != LocalDateTime(0, 0)
    assert Duration(0, 1) != Duration(0, 0, 86400)
    assert Duration(0, 0, 70) == Duration(0, 0, 60, 10 * NANOS_PER_SECOND)


def test_same_instant_in_other_zone_is_not_equal() -> None:
    a = tb.make_datetime("2020-01-01T01:00+01:00")
    b = tb.make_datetime("2020-01-01T00:00Z")
    c = tb.make_datetime("2020-01-01T01:00[Europe/Paris]")
    assert a.epoch_nanos() == b.epoch_nanos() == c.epoch_nanos()
    assert len({a, b, c}) == 3
    assert a == tb.make_datetime("2020-01-01T01:00+0100")
    assert hash(a) == hash(tb.make_datetime("2020-01-01T01:00+0100"))
    assert tb.make_time("01:00+01:00") != tb.make_time("00:00Z")


def test_times_order_by_instant() -> None:
    values = [tb.make_time(s) for s in ("10:35-08:00", "12:35:15+05:00", "12:31:14+01:00")]
    assert [str(v) for v in sorted(values)] == ["12:35:15+05:00", "12:31:14+01:00",
                                                "10:35-08:00"]


def _any_datetime(days: int, t: LocalTime, offset: int) -> DateTime:
    return DateTime.from_local(LocalDateTime(days, t.nanos), None, offset)


@given(st.lists(st.tuples(_days, _local_times, st.sampled_from([-3600, 0, 3600, 19800])),
                min_size=2, max_size=8))
def test_order_key_is_consistent_with_equality_and_instants(raw: list[tuple[int, LocalTime,
                                                                            int]]) -> None:
    values = [_any_datetime(*r) for r in raw]
    ordered = sorted(values, key=DateTime.order_key)
    instants = [v.epoch_nanos() for v in ordered]
    assert instants == sorted(instants)
    for a in values:
        for b in values:
            assert (a == b) == (a.order_key() == b.order_key())
            assert (a < b) == (a.order_key() < b.order_key())


@given(st.lists(_local_times, min_size=2, max_size=6))
def test_local_time_sort(values: list[LocalTime]) -> None:
    assert [v.nanos for v in sorted(values)] == sorted(v.nanos for v in values)


def test_cypher_compare() -> None:
    a, b = tb.make_date("2020-01-01"), tb.make_date("2020-01-02")
    assert (compare(a, b), compare(b, a), compare(a, a)) == (-1, 1, 0)
    assert compare(a, LocalDateTime(a.days, 0)) is None
    assert compare(Duration(1), Duration(2)) is None
    early, late = tb.make_time("12:00+02:00"), tb.make_time("11:00Z")
    assert compare(early, late) == -1


def test_cross_type_comparison_is_unsupported() -> None:
    with pytest.raises(TypeError):
        _ = Date(0) < LocalDateTime(0, 0)  # type: ignore[operator]


def test_values_are_immutable_and_picklable() -> None:
    d = Date(5)
    with pytest.raises(AttributeError):
        d.days = 6  # type: ignore[misc]
    for v in (d, tb.make_datetime("2015-07-21T21:40:32.142[Europe/London]"),
              Duration(1, 2, 3, 4), Time(5, 60), LocalDateTime(1, 2), LocalTime(3)):
        assert pickle.loads(pickle.dumps(v)) == v
        assert copy.deepcopy(v) == v
        assert repr(v) == f"{type(v).__name__}('{v}')"


# --------------------------------------------------------------------------------- maps


@pytest.mark.parametrize(
    ("arg", "error"),
    [
        ({"year": 1984, "month": 13}, CypherArgumentError),
        ({"year": 1984, "month": 2, "day": 30}, CypherArgumentError),
        ({"year": 1983, "week": 53}, CypherArgumentError),
        ({"month": 3}, CypherArgumentError),
        ({"year": 1984, "month": 2, "week": 3}, CypherArgumentError),
        ({"year": 1984, "quarter": 5}, CypherArgumentError),
        ({"year": 1984, "quarter": 0}, CypherArgumentError),
        ({"year": 1984, "week": 0}, CypherArgumentError),
        ({"year": 1984, "week": 1, "dayOfWeek": 0}, CypherArgumentError),
        ({"year": 1984, "dayOfWeek": 2}, CypherArgumentError),
        ({"date": Date(0), "week": 0}, CypherArgumentError),
        ({"year": 1984, "quarter": 1, "dayOfQuarter": 92}, CypherArgumentError),
        ({"year": 1984, "ordinalDay": 367}, CypherArgumentError),
        ({"year": 1984, "hour": 1}, CypherArgumentError),
        ({"year": 1984, "colour": 1}, CypherArgumentError),
        ({"year": "1984"}, CypherTypeError),
        ({"year": 1984.0}, CypherTypeError),
        ({"year": True}, CypherTypeError),
        ({"date": "1984-10-11"}, CypherTypeError),
        ({"date": LocalTime(0)}, CypherTypeError),
    ],
)
def test_invalid_date_maps(arg: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        tb.make_date(arg)


@pytest.mark.parametrize(
    "arg",
    [
        {"hour": 24},
        {"hour": 1, "minute": 60},
        {"hour": 1, "minute": 1, "second": 1, "millisecond": 1000},
        {"hour": 1, "minute": 1, "second": 1, "millisecond": 1, "microsecond": 1000},
        {"hour": 1, "minute": 1, "second": 1, "nanosecond": 1_000_000_000},
    ],
)
def test_invalid_time_maps(arg: dict[str, object]) -> None:
    with pytest.raises(CypherArgumentError):
        tb.make_local_time(arg)


def test_wrong_argument_types() -> None:
    with pytest.raises(CypherTypeError):
        tb.make_date(42)
    with pytest.raises(CypherTypeError):
        tb.make_datetime(LocalTime(0))
    with pytest.raises(CypherTypeError):
        tb.make_duration(1.5)
    with pytest.raises(CypherArgumentError):
        tb.make_duration({"lightyears": 1})
    with pytest.raises(CypherArgumentError):
        tb.make_duration({"days": float("nan")})


def test_override_keeps_day_within_month() -> None:
    base = tb.make_date("2020-01-31")
    assert str(tb.make_date({"date": base, "month": 2})) == "2020-02-29"
    assert str(tb.make_date({"date": tb.make_date("2020-02-29"), "year": 2021})) == "2021-02-28"
    with pytest.raises(CypherArgumentError):
        tb.make_date({"date": base, "month": 2, "day": 30})


def test_map_keys_are_case_insensitive() -> None:
    assert tb.make_date({"YEAR": 1984, "OrdinalDay": 202}) == tb.make_date("1984-202")


def test_default_zone_applies_to_values_without_one() -> None:
    berlin = ("Europe/Berlin", 0)
    v = tb.make_datetime({"year": 2020, "month": 7, "day": 1}, default_zone=berlin)
    assert str(v) == "2020-07-01T00:00+02:00[Europe/Berlin]"
    assert str(tb.make_datetime("2020-01-01T12:00", default_zone=(None, -3600))) == (
        "2020-01-01T12:00-01:00"
    )
    assert str(tb.make_time("12:00", default_zone=(None, 3600))) == "12:00+01:00"


# --------------------------------------------------------------------------------- the clock

NOW = 1_437_514_832_142_000_001  # 2015-07-21T21:40:32.142000001Z


def test_clock_functions_use_the_given_instant() -> None:
    assert str(tb.make_date(now=NOW)) == "2015-07-21"
    assert str(tb.make_local_time(now=NOW)) == "21:40:32.142000001"
    assert str(tb.make_datetime(now=NOW)) == "2015-07-21T21:40:32.142000001Z"
    assert str(tb.make_datetime({"timezone": "Asia/Tokyo"}, now=NOW)) == (
        "2015-07-22T06:40:32.142000001+09:00[Asia/Tokyo]"
    )
    assert str(tb.clock("time", NOW, "+01:00")) == "22:40:32.142000001+01:00"
    assert str(tb.clock("localdatetime", NOW, {"timezone": "-05:00"})) == (
        "2015-07-21T16:40:32.142000001"
    )
    assert str(tb.clock("date", NOW, default_zone=("Asia/Tokyo", 0))) == "2015-07-22"


def test_datetime_from_epoch_maps() -> None:
    assert str(tb.make_datetime({"epochSeconds": 416779, "nanosecond": 999999999})) == (
        "1970-01-05T19:46:19.999999999Z"
    )
    assert str(tb.make_datetime({"epochMillis": 237821673987, "timezone": "+02:00"})) == (
        "1977-07-15T15:34:33.987+02:00"
    )
    with pytest.raises(CypherArgumentError):
        tb.make_datetime({"epochSeconds": 1, "year": 1970})


def test_epoch_constructors() -> None:
    assert str(tb.datetime_from_epoch(-1, 5)) == "1969-12-31T23:59:59.000000005Z"
    assert str(tb.datetime_from_epoch_millis(-1)) == "1969-12-31T23:59:59.999Z"
    with pytest.raises(CypherTypeError):
        tb.datetime_from_epoch(1.5)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- components


def test_date_components() -> None:
    d = tb.make_date("1984-10-11")
    expected = {"year": 1984, "quarter": 4, "month": 10, "week": 41, "weekYear": 1984,
                "day": 11, "ordinalDay": 285, "dayOfWeek": 4, "dayOfQuarter": 11}
    assert {k: temporal_property(d, k) for k in expected} == expected
    assert temporal_property(d, "hour") is None
    assert temporal_property(tb.make_date("2021-01-01"), "weekYear") == 2020


def test_time_and_zone_components() -> None:
    v = tb.make_datetime("2015-07-21T21:40:32.142536789+01:00")
    expected: dict[str, object] = {
        "hour": 21, "minute": 40, "second": 32, "millisecond": 142, "microsecond": 142536,
        "nanosecond": 142536789, "timezone": "+01:00", "offset": "+01:00",
        "offsetMinutes": 60, "offsetSeconds": 3600,
        "epochSeconds": int(pydt.datetime(2015, 7, 21, 20, 40, 32, tzinfo=pydt.UTC).timestamp()),
    }
    assert {k: temporal_property(v, k) for k in expected} == expected
    assert temporal_property(v, "epochMillis") == expected["epochSeconds"] * 1000 + 142  # type: ignore[operator]
    named = tb.make_datetime("2015-07-21T21:40[Europe/London]")
    assert temporal_property(named, "timezone") == "Europe/London"
    assert temporal_property(named, "offset") == "+01:00"
    assert temporal_property(tb.make_time("12:00-02:30"), "offsetMinutes") == -150
    assert temporal_property(tb.make_local_time("12:00"), "timezone") is None
    assert temporal_property(tb.make_local_datetime("2015-07-21T12:00"), "epochSeconds") is None


def test_duration_components() -> None:
    d = tb.make_duration({"years": 1, "months": 4, "days": 111, "hours": 1, "minutes": 1,
                          "seconds": 1, "nanoseconds": 111_111_111})
    expected = {
        "years": 1, "quarters": 5, "months": 16, "weeks": 15, "days": 111, "hours": 1,
        "minutes": 61, "seconds": 3661, "milliseconds": 3_661_111,
        "microseconds": 3_661_111_111, "nanoseconds": 3_661_111_111_111, "quartersOfYear": 1,
        "monthsOfQuarter": 1, "monthsOfYear": 4, "daysOfWeek": 6, "minutesOfHour": 1,
        "secondsOfMinute": 1, "millisecondsOfSecond": 111, "microsecondsOfSecond": 111_111,
        "nanosecondsOfSecond": 111_111_111,
    }
    assert {k: temporal_property(d, k) for k in expected} == expected
    assert temporal_property(d, "year") is None


def test_negative_duration_components_truncate_toward_zero() -> None:
    d = parse_duration("P-1Y-5M-10DT-1H-30M-0.5S")
    assert temporal_property(d, "years") == -1
    assert temporal_property(d, "monthsOfYear") == -5
    assert temporal_property(d, "weeks") == -1
    assert temporal_property(d, "hours") == -1
    assert temporal_property(d, "minutesOfHour") == -30
    assert temporal_property(d, "seconds") == -5401
    assert temporal_property(d, "nanosecondsOfSecond") == 500_000_000


# ------------------------------------------------------------------ map forms agree with props

_any_days = st.integers(min_value=-800_000, max_value=3_000_000)


@given(_any_days)
def test_every_date_form_rebuilds_the_date(days: int) -> None:
    d = Date(days)

    def p(name: str) -> object:
        return temporal_property(d, name)

    assert tb.make_date({"year": p("year"), "month": p("month"), "day": p("day")}) == d
    week_form = {"year": p("weekYear"), "week": p("week"), "dayOfWeek": p("dayOfWeek")}
    assert tb.make_date(week_form) == d
    assert tb.make_date({"year": p("year"), "ordinalDay": p("ordinalDay")}) == d
    assert tb.make_date({"year": p("year"), "quarter": p("quarter"),
                         "dayOfQuarter": p("dayOfQuarter")}) == d
    assert tb.make_date({"date": d}) == d


@given(_any_days, st.sampled_from(["millennium", "century", "decade", "year", "weekYear",
                                   "quarter", "month", "week", "day"]))
def test_truncated_dates_start_their_unit(days: int, unit: str) -> None:
    d = Date(days)
    t = tb.truncate("date", unit, d)
    assert isinstance(t, Date)
    if unit in ("millennium", "century", "decade") and d.fields()[0] < 0:
        assert t >= d  # Neo4j truncates the year toward zero: -1501 -> -1000
    else:
        assert t <= d
    field = {"millennium": "year", "century": "year", "decade": "year", "year": "ordinalDay",
             "weekYear": "week", "quarter": "dayOfQuarter", "month": "day",
             "week": "dayOfWeek", "day": "day"}[unit]
    value = temporal_property(t, field)
    if unit in ("millennium", "century", "decade"):
        size = {"millennium": 1000, "century": 100, "decade": 10}[unit]
        assert value % size == 0  # type: ignore[operator]
        assert temporal_property(t, "ordinalDay") == 1
    elif unit == "weekYear":
        assert (value, temporal_property(t, "dayOfWeek")) == (1, 1)
    elif unit != "day":
        assert value == 1
    assert tb.truncate("date", unit, t) == t


@given(st.integers(0, NANOS_PER_DAY - 1),
       st.sampled_from(["hour", "minute", "second", "millisecond", "microsecond"]))
def test_truncated_times(nanos: int, unit: str) -> None:
    size = {"hour": 3600 * NANOS_PER_SECOND, "minute": 60 * NANOS_PER_SECOND,
            "second": NANOS_PER_SECOND, "millisecond": 1_000_000, "microsecond": 1000}[unit]
    t = tb.truncate("localtime", unit, LocalTime(nanos))
    assert isinstance(t, LocalTime)
    assert t.nanos == nanos - nanos % size
    zoned = tb.truncate("time", unit, Time(nanos, -3600))
    assert zoned == Time(t.nanos, -3600)


def test_truncate_errors() -> None:
    with pytest.raises(CypherArgumentError):
        tb.truncate("date", "hour", Date(0))
    with pytest.raises(CypherArgumentError):
        tb.truncate("date", "fortnight", Date(0))
    with pytest.raises(CypherArgumentError):
        tb.truncate("datetime", "day", LocalTime(0))
    with pytest.raises(CypherTypeError):
        tb.truncate("date", "day", Duration(1))
