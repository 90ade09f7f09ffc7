"""Temporal arithmetic: durations with temporals and numbers, duration.between and friends,
checked against Python's datetime where its range and precision allow."""

from __future__ import annotations

import datetime as pydt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgcore.errors import CypherArgumentError, CypherArithmeticError, CypherTypeError
from mgcore.values import temporal_build as tb
from mgcore.values.temporal import (
    NANOS_PER_DAY,
    NANOS_PER_SECOND,
    Date,
    Duration,
    LocalDateTime,
    LocalTime,
    Time,
)
from mgcore.values.temporal_arith import (
    add,
    between,
    divide,
    duration_of,
    in_days,
    in_months,
    in_seconds,
    minus_duration,
    multiply,
    plus_duration,
    subtract,
)

PY_EPOCH = pydt.datetime(1970, 1, 1)


def _py(v: LocalDateTime) -> pydt.datetime:
    assert v.nanos % 1000 == 0
    return PY_EPOCH + pydt.timedelta(days=v.days, microseconds=v.nanos // 1000)


_py_datetimes = st.datetimes(min_value=pydt.datetime(2, 1, 1), max_value=pydt.datetime(9998, 1, 1))


def _ldt(d: pydt.datetime) -> LocalDateTime:
    delta = d - PY_EPOCH
    return LocalDateTime(delta.days, (delta.seconds * 1_000_000 + delta.microseconds) * 1000)


@given(_py_datetimes, st.integers(-10_000, 10_000), st.integers(-10**9, 10**9),
       st.integers(-10**6, 10**6))
def test_local_datetime_plus_days_and_seconds_agrees_with_python(
    d: pydt.datetime, days: int, seconds: int, micros: int
) -> None:
    delta = pydt.timedelta(days=days, seconds=seconds, microseconds=micros)
    try:
        expected = d + delta
    except OverflowError:
        return
    result = plus_duration(_ldt(d), Duration(0, days, seconds, micros * 1000))
    assert isinstance(result, LocalDateTime)
    assert _py(result) == expected
    assert minus_duration(result, Duration(0, days, seconds, micros * 1000)) == _ldt(d)


@given(_py_datetimes, _py_datetimes)
def test_between_adds_back_up(a: pydt.datetime, b: pydt.datetime) -> None:
    x, y = _ldt(a), _ldt(b)
    d = between(x, y)
    assert plus_duration(x, d) == y
    assert (d.months >= 0 and d.days >= 0 and d.seconds >= 0) or (
        d.months <= 0 and d.days <= 0 and d.seconds <= 0
    )
    seconds = in_seconds(x, y)
    micros = (b - a) // pydt.timedelta(microseconds=1)
    assert seconds.seconds * NANOS_PER_SECOND + seconds.nanos == micros * 1000
    assert in_days(x, y).days == (y.days - x.days) - (
        1 if y.days > x.days and y.nanos < x.nanos else 0
    ) + (1 if y.days < x.days and y.nanos > x.nanos else 0)


@given(st.dates(min_value=pydt.date(2, 1, 1)), st.dates(min_value=pydt.date(2, 1, 1)))
def test_between_dates(a: pydt.date, b: pydt.date) -> None:
    x, y = tb.make_date(a.isoformat()), tb.make_date(b.isoformat())
    d = between(x, y)
    assert plus_duration(x, d) == y
    assert d.seconds == 0 and d.nanos == 0
    assert abs(d.days) < 31
    assert in_days(x, y) == Duration(0, (b - a).days)
    assert in_months(x, y) == Duration(d.months)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2020-01-31", 1, "2020-02-29"),
        ("2021-01-31", 1, "2021-02-28"),
        ("2020-03-31", -1, "2020-02-29"),
        ("2020-02-29", 12, "2021-02-28"),
        ("2020-02-29", 48, "2024-02-29"),
        ("0001-01-01", -1, "0000-12-01"),
        ("-0001-12-31", 1, "0000-01-31"),
    ],
)
def test_adding_months_clamps_the_day(start: str, months: int, expected: str) -> None:
    assert str(plus_duration(tb.make_date(start), Duration(months))) == expected


def test_date_takes_whole_days_of_seconds_only() -> None:
    d = tb.make_date("2020-01-10")
    assert str(plus_duration(d, Duration(0, 0, 86399, 999_999_999))) == "2020-01-10"
    assert str(plus_duration(d, Duration(0, 0, 2 * 86400 + 5))) == "2020-01-12"
    assert str(plus_duration(d, Duration(0, 0, -86401))) == "2020-01-09"
    assert str(minus_duration(d, Duration(0, 0, 86401))) == "2020-01-09"


def test_times_wrap_around_midnight_and_ignore_days() -> None:
    t = tb.make_local_time("23:30")
    assert str(plus_duration(t, parse("P1M2DT1H"))) == "00:30"
    assert str(minus_duration(t, parse("PT24H1S"))) == "23:29:59"
    zoned = tb.make_time("00:15+05:00")
    assert str(minus_duration(zoned, parse("PT30M"))) == "23:45+05:00"


def parse(text: str) -> Duration:
    return tb.make_duration(text)


def test_named_zone_days_are_calendar_days_and_hours_are_elapsed() -> None:
    start = tb.make_datetime("2017-10-28T12:00[Europe/Stockholm]")
    assert str(plus_duration(start, parse("P1D"))) == "2017-10-29T12:00+01:00[Europe/Stockholm]"
    assert str(plus_duration(start, parse("PT24H"))) == "2017-10-29T11:00+01:00[Europe/Stockholm]"
    spring = tb.make_datetime("2017-03-25T02:30[Europe/Stockholm]")
    assert str(plus_duration(spring, parse("P1D"))) == "2017-03-26T03:30+02:00[Europe/Stockholm]"


def test_overlap_offset_is_kept_when_still_valid() -> None:
    late = tb.make_datetime("2017-10-29T02:30+01:00[Europe/Stockholm]")
    assert plus_duration(late, parse("P0D")) == late
    assert minus_duration(plus_duration(late, parse("P7D")), parse("P7D")) == late
    assert tb.make_datetime({"datetime": late}) == late
    assert tb.make_datetime({"datetime": late, "minute": 45}).offset == 3600
    summer = tb.make_datetime("2017-10-28T02:30[Europe/Stockholm]")
    assert str(plus_duration(summer, parse("P1D"))) == "2017-10-29T02:30+02:00[Europe/Stockholm]"


def test_between_across_dst_uses_elapsed_time() -> None:
    a = tb.make_datetime("2017-10-29T00:00[Europe/Stockholm]")
    b = tb.make_datetime("2017-10-30T00:00[Europe/Stockholm]")
    assert str(between(a, b)) == "P1D"
    assert str(in_seconds(a, b)) == "PT25H"


def test_duration_arithmetic() -> None:
    d = parse("P1Y2M3DT4H5M6.7S")
    assert add(d, d) == multiply(d, 2)
    assert subtract(d, d) == Duration()
    assert str(-d) == "P-1Y-2M-3DT-4H-5M-6.7S"
    assert str(multiply(d, -1)) == str(-d)
    assert str(divide(parse("P1M"), 2)) == "P15DT5H14M33S"
    assert str(divide(parse("PT1S"), 3)) == "PT0.333333333S"
    assert str(multiply(parse("P1D"), 0.1)) == "PT2H24M"
    assert str(multiply(parse("PT1S"), Fraction(1, 3))) == "PT0.333333333S"
    with pytest.raises(CypherArithmeticError):
        divide(d, 0)
    with pytest.raises(CypherTypeError):
        multiply(d, "2")  # type: ignore[arg-type]
    with pytest.raises(CypherArgumentError):
        multiply(d, float("inf"))


def test_duration_of_spills_fractions() -> None:
    assert str(duration_of(months=Fraction(1, 2))) == "P15DT5H14M33S"
    assert str(duration_of(days=-1.5)) == "P-1DT-12H"
    assert str(duration_of(seconds=0.1)) == "PT0.1S"


def test_out_of_range_results_raise() -> None:
    top = tb.make_date("+999999999-12-31")
    with pytest.raises(CypherArgumentError):
        plus_duration(top, Duration(0, 1))
    with pytest.raises(CypherArgumentError):
        plus_duration(tb.make_local_datetime("+999999999-12-31T23:59"), Duration(0, 0, 60))


def test_between_needs_instants() -> None:
    with pytest.raises(CypherTypeError):
        between(Duration(), Date(0))
    with pytest.raises(CypherTypeError):
        in_seconds(Date(0), 5)  # type: ignore[arg-type]


@given(st.integers(0, NANOS_PER_DAY - 1), st.integers(0, NANOS_PER_DAY - 1),
       st.sampled_from([-3600, 0, 19800]), st.sampled_from([-3600, 0, 19800]))
def test_in_seconds_between_times(a: int, b: int, oa: int, ob: int) -> None:
    assert in_seconds(LocalTime(a), LocalTime(b)) == Duration(0, 0, 0, b - a)
    expected = (b - ob * NANOS_PER_SECOND) - (a - oa * NANOS_PER_SECOND)
    assert in_seconds(Time(a, oa), Time(b, ob)) == Duration(0, 0, 0, expected)
    assert between(Time(a, oa), Time(b, ob)) == Duration(0, 0, 0, expected)
