"""The temporal functions and operators through Cypher: constructors, the three clocks,
truncation, durations between values, component access, arithmetic, ordering and errors. The
value rules themselves are tested in tests/values/test_temporal*.py; these check the wiring."""

from __future__ import annotations

import time
from typing import Any

import pytest

from mgcore.errors import CypherArgumentError, CypherArithmeticError, CypherTypeError
from mgcore.session import Session
from mgcore.values.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time


def one(s: Session, query: str, **params: Any) -> Any:
    rows = [r.values() for r in s.run(query, params)]
    assert len(rows) == 1 and len(rows[0]) == 1, rows
    return rows[0][0]


@pytest.mark.parametrize(
    ("query", "cls", "text"),
    [
        ("RETURN date('2015-07-21')", Date, "2015-07-21"),
        ("RETURN date({year: 2015, week: 30, dayOfWeek: 2})", Date, "2015-07-21"),
        ("RETURN localtime('21:40:32.142')", LocalTime, "21:40:32.142"),
        ("RETURN time('21:40:32+0100')", Time, "21:40:32+01:00"),
        ("RETURN localdatetime('2015-W30-2T214032.142')", LocalDateTime,
         "2015-07-21T21:40:32.142"),
        ("RETURN datetime('2015-07-21T21:40:32.142[Europe/London]')", DateTime,
         "2015-07-21T21:40:32.142+01:00[Europe/London]"),
        ("RETURN duration({days: 1, hours: 12})", Duration, "P1DT12H"),
        ("RETURN duration('P1Y2M10DT2H30M')", Duration, "P1Y2M10DT2H30M"),
        ("RETURN datetime.fromepoch(1, 500)", DateTime, "1970-01-01T00:00:01.000000500Z"),
        ("RETURN datetime.fromepochmillis(1500)", DateTime, "1970-01-01T00:00:01.500Z"),
        ("RETURN date.truncate('month', date('2015-07-21'))", Date, "2015-07-01"),
        ("RETURN datetime.truncate('hour', datetime('2015-07-21T21:40:32+01:00'), "
         "{minute: 5})", DateTime, "2015-07-21T21:05+01:00"),
        ("RETURN duration.between(date('2015-07-21'), date('2016-09-22'))", Duration,
         "P1Y2M1D"),
        ("RETURN duration.inDays(date('2015-07-21'), date('2016-09-22'))", Duration, "P429D"),
        ("RETURN duration.inSeconds(localtime('12:00'), localtime('13:30:00.5'))", Duration,
         "PT1H30M0.5S"),
    ],
)
def test_constructors_and_functions(s: Session, query: str, cls: type, text: str) -> None:
    value = one(s, query)
    assert type(value) is cls and str(value) == text


def test_null_in_null_out(s: Session) -> None:
    for fn in ("date", "localtime", "time", "localdatetime", "datetime", "duration"):
        assert one(s, f"RETURN {fn}(null)") is None
    assert one(s, "RETURN date.truncate('day', null)") is None
    assert one(s, "RETURN duration.between(null, date())") is None
    assert one(s, "RETURN date(null).year") is None


def test_statement_clock_is_fixed_within_a_query_and_realtime_is_not(s: Session) -> None:
    before = time.time_ns()
    a, b, c = next(iter(s.run(
        "WITH datetime() AS a UNWIND range(1, 20000) AS i "
        "WITH a, max(datetime.statement()) AS b, max(datetime.realtime()) AS c RETURN a, b, c"
    ))).values()
    after = time.time_ns()
    assert a == b
    assert before <= a.epoch_seconds * 10**9 + a.nanos <= after
    assert c.epoch_seconds * 10**9 + c.nanos >= a.epoch_seconds * 10**9 + a.nanos


def test_transaction_clock_is_fixed_for_an_explicit_transaction(s: Session) -> None:
    tx = s.begin_transaction()
    first = one(tx, "RETURN datetime.transaction()")  # type: ignore[arg-type]
    time.sleep(0.002)
    second = one(tx, "RETURN datetime.transaction()")  # type: ignore[arg-type]
    statement = one(tx, "RETURN datetime.statement()")  # type: ignore[arg-type]
    tx.commit()
    assert first == second
    assert statement.epoch_seconds * 10**9 + statement.nanos > (
        first.epoch_seconds * 10**9 + first.nanos
    )
    # auto-commit: the transaction clock is the statement's
    a, b = next(iter(s.run("RETURN datetime.transaction(), datetime.statement()"))).values()
    assert a == b


def test_clock_with_a_time_zone(s: Session) -> None:
    d = one(s, "RETURN datetime.statement('Europe/Stockholm')")
    assert d.zone == "Europe/Stockholm"
    t = one(s, "RETURN time.transaction({timezone: '+05:30'})")
    assert str(t).endswith("+05:30")
    assert one(s, "RETURN date() = date.statement()") is True


def test_components_and_errors(s: Session) -> None:
    assert one(s, "RETURN date('2015-07-21').week") == 30
    assert one(s, "RETURN datetime('2015-07-21T21:40:32.142+01:00').epochMillis") == (
        1437511232142
    )
    # whole days stay days; the rest counts in minutes (Memgraph's and Neo4j's rule)
    assert one(s, "RETURN duration({days: 1, hours: 2, minutes: 3}).minutes") == 123
    with pytest.raises(CypherArgumentError):
        one(s, "RETURN date('2015-07-21').hour")
    with pytest.raises(CypherArgumentError):
        one(s, "RETURN date('2015-13-01')")
    with pytest.raises(CypherTypeError):
        one(s, "RETURN date(42)")


def test_arithmetic(s: Session) -> None:
    assert str(one(s, "RETURN date('2015-01-31') + duration('P1M')")) == "2015-02-28"
    assert str(one(s, "RETURN duration('P1M') + date('2015-01-31')")) == "2015-02-28"
    assert str(one(s, "RETURN localtime('23:00') + duration('PT2H')")) == "01:00"
    assert str(one(s, "RETURN datetime('2015-07-21T21:40+01:00') - duration('P1D')")) == (
        "2015-07-20T21:40+01:00"
    )
    assert str(one(s, "RETURN duration('P1D') + duration('PT1H')")) == "P1DT1H"
    assert str(one(s, "RETURN duration('P1D') - duration('PT1H')")) == "P1DT-1H"
    assert str(one(s, "RETURN duration('PT1H') * 1.5")) == "PT1H30M"
    assert str(one(s, "RETURN 2 * duration('P1D')")) == "P2D"
    assert str(one(s, "RETURN duration('P1D') / 2")) == "PT12H"
    assert str(one(s, "RETURN -duration('P1D')")) == "P-1D"
    assert one(s, "RETURN date() + null") is None
    with pytest.raises(CypherTypeError):
        one(s, "RETURN date('2015-07-21') + date('2015-07-21')")
    with pytest.raises(CypherTypeError):
        one(s, "RETURN date('2015-07-21') * 2")
    with pytest.raises(CypherArithmeticError, match="Duration out of range"):
        one(s, "RETURN duration({days: 1e300})")
    with pytest.raises(CypherArithmeticError, match="Duration out of range"):
        one(s, "RETURN duration({seconds: 9223372036854775807}) * 10")


def test_comparison_ordering_and_types(s: Session) -> None:
    assert one(s, "RETURN date('2015-07-21') < date('2016-01-01')") is True
    assert one(s, "RETURN date('2015-07-21') < localdatetime('2016-01-01T00:00')") is None
    assert one(s, "RETURN duration('P1D') < duration('P2D')") is None
    assert one(s, "RETURN duration('P12M') = duration('P1Y')") is True
    assert one(s, "RETURN date('2015-07-21') = '2015-07-21'") is False
    ordered = [r.values()[0] for r in s.run(
        "UNWIND [date('2016-01-01'), 'x', duration('P1D'), datetime('2015-01-01T00:00Z'), "
        "localtime('12:00'), date('2015-01-01'), 1] AS v RETURN v ORDER BY v"
    )]
    assert [type(v).__name__ for v in ordered] == [
        "DateTime", "Date", "Date", "LocalTime", "Duration", "str", "int",
    ]
    assert [str(v) for v in ordered[1:3]] == ["2015-01-01", "2016-01-01"]
    names = one(s, "RETURN [valueType(date()), valueType(localtime()), valueType(time()), "
                   "valueType(localdatetime()), valueType(datetime()), "
                   "valueType(duration('P1D'))]")
    assert names == ["DATE", "LOCAL_TIME", "ZONED_TIME", "LOCAL_DATE_TIME", "ZONED_DATE_TIME",
                     "DURATION"]
    assert one(s, "UNWIND [duration('P1Y'), duration('P12M'), date('2015-01-01')] AS v "
                  "RETURN count(DISTINCT v)") == 2


def test_temporal_parameters(s: Session) -> None:
    d = Date.of(2015, 7, 21)
    assert one(s, "RETURN $d", d=d) == d
    assert one(s, "RETURN $d.year", d=d) == 2015
    assert one(s, "RETURN [$d][0] + duration('P1D')", d=d) == Date.of(2015, 7, 22)
