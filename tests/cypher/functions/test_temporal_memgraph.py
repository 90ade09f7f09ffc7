"""Temporal types as Memgraph documents them (``pages/fundamentals/data-types.mdx``,
``pages/querying/functions.mdx``), through real queries.

Expected values are worked out from Memgraph's documentation and examples (and, where the
docs are silent, from Memgraph's source, ``src/query/interpret/awesome_memgraph_functions.cpp``
and ``src/utils/temporal.cpp``), not from mgcore. Where Memgraph and the openCypher TCK
disagree on the same input, mgcore follows the TCK; those cases are asserted here too, with
the TCK's answer, so the choice is visible:

- ``toString`` of temporals is Neo4j's ISO form (``09:15``), not Memgraph's
  ``09:15:00.000000`` (TCK Temporal10 and the toString scenarios);
- ``localTime(...).microsecond`` is the microsecond of the second (300600), not Memgraph's
  part below the millisecond (600) (TCK Temporal1/4 accessors);
- ``.timezone`` of an offset date-time is ``+01:00``, not Memgraph's minutes (``60``);
- ``duration('P1M')`` is one month (Memgraph's current parser refuses Y and M), and
  durations compare field by field (TCK Temporal7 [6]).
"""

from __future__ import annotations

import datetime as pydt
import time
from typing import Any

import pytest

from mgcore.errors import ClientError, CypherArgumentError, CypherTypeError
from mgcore.session import Session


def one(s: Session, query: str, **params: Any) -> Any:
    rows = [r.values() for r in s.run(query, params)]
    assert len(rows) == 1 and len(rows[0]) == 1, rows
    return rows[0][0]


def micros(*args: int, tz: pydt.tzinfo = pydt.UTC) -> int:
    """Microseconds since the Unix epoch of a calendar instant (Python's own arithmetic)."""
    delta = pydt.datetime(*args, tzinfo=tz) - pydt.datetime(1970, 1, 1, tzinfo=pydt.UTC)
    return delta // pydt.timedelta(microseconds=1)


# ------------------------------------------------------------------------------------ Duration


def test_duration_map_takes_memgraphs_singular_keys(s: Session) -> None:
    # the docs' F1Laps example: day/hour/minute/second, read back as components
    s.run("CREATE (:F1Laps {lap: duration({day:1, hour: 2, minute:3, second:4})})").consume()
    row = next(iter(s.run(
        "MATCH (f:F1Laps) RETURN f.lap.day, f.lap.hour, f.lap.minute, f.lap.second"
    ))).values()
    assert row == [1, 2, 123, 7384]


@pytest.mark.parametrize(
    ("expr", "component", "expected"),
    [
        # "minute:2, second:2, microsecond:33": 122.000033 seconds
        ("duration({minute:2, second:2, microsecond:33})", "second", 122),
        ("duration({minute:2, second:2, microsecond:33})", "microsecond", 122_000_033),
        # "minutes - seconds - microseconds": 120 s - 2 s - 33 µs = 117.999967 s
        ("duration({minute:2, second:-2, microsecond:-33})", "second", 117),
        ("duration({minute:2, second:-2, microsecond:-33})", "microsecond", 117_999_967),
        ("duration({minute:2, second:-2, microsecond:-33})", "millisecond", 117_999),
        # "Every field can be a double, an int or a mixture of both"
        ("duration({day: 1.5})", "day", 1),
        ("duration({day: 1.5})", "hour", 12),
        ("duration({hour: 0.5, minute: 1})", "second", 1860),
        ("duration({millisecond: 1.5})", "microsecond", 1500),
        # components: day converts everything to days; the rest subtract the days first
        ("duration({hour: 25})", "day", 1),
        ("duration({hour: 25})", "hour", 1),
        ("duration({day: 1, second: 1})", "nanosecond", 1_000_000_000),
        # negative durations ("Memgraph also supports negative durations"); C++ duration_cast
        # truncates toward zero
        ("duration({hour: -25})", "day", -1),
        ("duration({hour: -25})", "hour", -1),
        ("duration({minute: -90})", "hour", -1),
        ("duration({minute: -90})", "minute", -90),
        # strings: P[nD]T[nH][nM][nS], only the last number fractional
        ("duration('PT2M2.33S')", "second", 122),
        ("duration('PT2M2.33S')", "millisecond", 122_330),
        ("duration('P2DT2.5H')", "day", 2),
        ("duration('P2DT2.5H')", "minute", 150),
        ("duration('P1DT2H')", "hour", 2),
        ("duration('PT36H')", "day", 1),
        ("duration('PT36H')", "hour", 12),
        ("duration('P-1DT-2H')", "hour", -2),
    ],
)
def test_duration_components(s: Session, expr: str, component: str, expected: int) -> None:
    assert one(s, f"RETURN {expr}.{component}") == expected


def test_duration_singular_and_plural_keys_add_up(s: Session) -> None:
    assert one(s, "RETURN duration({day: 1, hours: 2}) = duration({days: 1, hour: 2})") is True
    assert one(s, "RETURN duration({minute: 2, minutes: 3}).minute") == 5
    assert one(s, "RETURN toString(duration({day: 1, hour: 2, minute: 3, second: 4}))") == (
        "P1DT2H3M4S"
    )


def test_duration_of_a_duration_and_null(s: Session) -> None:
    assert one(s, "RETURN duration(duration({day: 2})).day") == 2
    assert one(s, "RETURN duration(null)") is None


def test_duration_map_errors(s: Session) -> None:
    # Memgraph: "Unknown key 'week'." / "Invalid value for key 'day'. Expected a numeric value."
    with pytest.raises(CypherArgumentError):
        one(s, "RETURN duration({week: 1})")
    with pytest.raises(ClientError):
        one(s, "RETURN duration({day: '1'})")
    with pytest.raises(CypherArgumentError):
        one(s, "RETURN duration('1D')")
    with pytest.raises(CypherArgumentError):
        one(s, "RETURN duration('P')")
    with pytest.raises(CypherArgumentError):
        one(s, "RETURN duration('PT')")


# ---------------------------------------------------------------------------------------- Date


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1947-07-30", (1947, 7, 30)), ("19470730", (1947, 7, 30)), ("1947-07", (1947, 7, 1)),
     ("0000-01-01", (0, 1, 1)), ("9999-12-31", (9999, 12, 31))],
)
def test_date_strings(s: Session, text: str, expected: tuple[int, int, int]) -> None:
    got = next(iter(s.run(f"WITH date('{text}') AS d RETURN d.year, d.month, d.day"))).values()
    assert tuple(got) == expected


def test_date_map_and_fields(s: Session) -> None:
    s.run("CREATE (:Person {birthday: date({year:1947, month:7, day:30})})").consume()
    row = next(iter(s.run(
        "MATCH (b:Person) RETURN b.birthday.year, b.birthday.month, b.birthday.day, "
        "b.birthday = date('1947-07-30')"
    ))).values()
    assert row == [1947, 7, 30, True]
    # unset fields take Memgraph's defaults (DateParameters: month 1, day 1)
    assert one(s, "RETURN date({year: 2021}) = date('2021-01-01')") is True
    assert one(s, "RETURN date({year: 2021, day: 5}) = date('2021-01-05')") is True


def test_date_without_arguments_is_todays_utc_date(s: Session) -> None:
    before = pydt.datetime.now(pydt.UTC).date()
    got = one(s, "WITH date() AS d RETURN [d.year, d.month, d.day]")
    after = pydt.datetime.now(pydt.UTC).date()
    assert tuple(got) in {(before.year, before.month, before.day),
                          (after.year, after.month, after.day)}
    assert one(s, "RETURN valueType(date())") == "DATE"


def test_date_from_other_temporals(s: Session) -> None:
    assert one(s, "RETURN date(localDateTime('2021-10-05T14:15:00')) = date('2021-10-05')")
    assert one(s, "RETURN date(datetime('2021-10-05T23:15:00-02:00')) = date('2021-10-05')")
    assert one(s, "RETURN date(null)") is None


@pytest.mark.parametrize("text", ["2021-13-01", "2021-02-30", "2021/01/01", "21-01-01"])
def test_invalid_date_strings_fail(s: Session, text: str) -> None:
    with pytest.raises(CypherArgumentError):
        one(s, f"RETURN date('{text}')")


# ----------------------------------------------------------------------------------- LocalTime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:15:00", (9, 15, 0)), ("09:15", (9, 15, 0)), ("091500", (9, 15, 0)),
        ("0915", (9, 15, 0)), ("09", (9, 0, 0)),
        ("T09:15:00", (9, 15, 0)), ("T09:15", (9, 15, 0)), ("T091530", (9, 15, 30)),
        ("T0915", (9, 15, 0)), ("T09", (9, 0, 0)), ("12:00", (12, 0, 0)),
    ],
)
def test_local_time_strings(s: Session, text: str, expected: tuple[int, int, int]) -> None:
    got = next(iter(s.run(
        f"WITH localTime('{text}') AS t RETURN t.hour, t.minute, t.second"
    ))).values()
    assert tuple(got) == expected


def test_local_time_fraction_is_milliseconds_then_microseconds(s: Session) -> None:
    # "the string T22:10:32.300600 specifies 300 milliseconds and 600 microseconds"
    assert one(s, "RETURN localTime('T22:10:32.300600').millisecond") == 300
    # TCK accessor semantics: the microsecond of the second (Memgraph answers 600)
    assert one(s, "RETURN localTime('T22:10:32.300600').microsecond") == 300_600
    assert one(s, "RETURN localTime('22:10:32.300') = localTime("
                  "{hour: 22, minute: 10, second: 32, millisecond: 300})") is True


def test_local_time_maps(s: Session) -> None:
    s.run("CREATE (:School {Calculus: localTime({hour:9, minute:15})})").consume()
    assert one(s, "MATCH (s:School) RETURN s.Calculus.hour") == 9
    assert one(s, "MATCH (s:School) RETURN s.Calculus = localTime('09:15:00')") is True
    t = "localTime({hour: 1, minute: 2, second: 3, millisecond: 4, microsecond: 5})"
    assert one(s, f"RETURN [{t}.hour, {t}.minute, {t}.second, {t}.millisecond]") == [1, 2, 3, 4]
    assert one(s, f"RETURN {t} = localTime('01:02:03.004005')") is True
    # unset fields are 0 (LocalTimeParameters defaults)
    assert one(s, "RETURN localTime({minute: 15}) = localTime('00:15')") is True
    assert one(s, "RETURN localTime({hour: 9, second: 5}) = localTime('09:00:05')") is True
    assert one(s, "RETURN localTime({}) = localTime('00:00')") is True


def test_local_time_without_arguments_and_from_others(s: Session) -> None:
    assert one(s, "RETURN valueType(localTime())") == "LOCAL_TIME"
    assert one(s, "RETURN localTime() = localTime(datetime())") is True
    assert one(s, "RETURN localTime(localDateTime('2021-10-05T14:15:00')) = localTime('14:15')")
    assert one(s, "RETURN localTime(datetime('2021-10-05T14:15:00+05:00')) = localTime('14:15')")


@pytest.mark.parametrize("text", ["25:00", "12:60", "12:00:60", "T", "1:00", "12:00:00.1234567890"])
def test_invalid_local_time_strings_fail(s: Session, text: str) -> None:
    with pytest.raises(CypherArgumentError):
        one(s, f"RETURN localTime('{text}')")


# ------------------------------------------------------------------------------- LocalDateTime


@pytest.mark.parametrize(
    "text",
    ["2021-10-05T14:15:00", "2021-10-05T14:15", "20211005T141500", "20211005T1415"],
)
def test_local_date_time_strings(s: Session, text: str) -> None:
    got = next(iter(s.run(
        f"WITH localDateTime('{text}') AS t "
        "RETURN t.year, t.month, t.day, t.hour, t.minute, t.second"
    ))).values()
    assert tuple(got) == (2021, 10, 5, 14, 15, 0)
    assert one(s, "RETURN localDateTime('20211005T14').hour") == 14


def test_local_date_time_map_and_fields(s: Session) -> None:
    s.run("CREATE (:Flights {AIR123: localDateTime({year:2021, month:10, day:5, hour:14, "
          "minute:15})})").consume()
    assert one(s, "MATCH (f:Flights) RETURN f.AIR123.year") == 2021
    assert one(s, "MATCH (f:Flights) RETURN f.AIR123 = localDateTime('2021-10-05T14:15:00')")
    ldt = ("localDateTime({year: 2021, month: 10, day: 5, hour: 14, minute: 15, second: 1, "
           "millisecond: 2, microsecond: 3})")
    assert one(s, f"RETURN [{ldt}.second, {ldt}.millisecond]") == [1, 2]
    # a millisecond without a second is fine in Memgraph (the second defaults to 0)
    assert one(s, "RETURN localDateTime({year: 2021, month: 1, day: 1, hour: 1, "
                  "millisecond: 3}) = localDateTime('2021-01-01T01:00:00.003')") is True


def test_local_date_time_without_arguments(s: Session) -> None:
    assert one(s, "RETURN valueType(localDateTime())") == "LOCAL_DATE_TIME"
    # the database time zone is UTC here, so the local clock reads UTC
    assert one(s, "RETURN localDateTime() = localDateTime(datetime())") is True
    assert one(s, "RETURN localDateTime(datetime('2021-10-05T14:15:00+05:00')) = "
                  "localDateTime('2021-10-05T14:15')") is True


# ------------------------------------------------------------------------------- ZonedDateTime


@pytest.mark.parametrize(
    ("text", "tz", "zone"),
    [
        ("2021-04-21T14:15:00Z", pydt.UTC, None),
        ("2021-04-21T14:15:00+02:00", pydt.timezone(pydt.timedelta(hours=2)), None),
        ("2021-04-21T14:15:00+0200", pydt.timezone(pydt.timedelta(hours=2)), None),
        ("2021-04-21T14:15:00+02", pydt.timezone(pydt.timedelta(hours=2)), None),
        ("2021-04-21T14:15:00-07:00", pydt.timezone(pydt.timedelta(hours=-7)), None),
        ("2021-04-21T14:15:00+02:00[Europe/Zagreb]", None, "Europe/Zagreb"),
        ("2021-04-21T14:15:00+0200[Europe/Zagreb]", None, "Europe/Zagreb"),
        ("2021-04-21T14:15:00+02[Europe/Zagreb]", None, "Europe/Zagreb"),
        ("2021-04-21T14:15:00[Europe/Zagreb]", None, "Europe/Zagreb"),
        ("2024-04-21T14:15:00-07:00[America/Los_Angeles]", None, "America/Los_Angeles"),
    ],
)
def test_zoned_date_time_strings(
    s: Session, text: str, tz: pydt.tzinfo | None, zone: str | None
) -> None:
    from zoneinfo import ZoneInfo

    year = int(text[:4])
    expected = micros(year, 4, 21, 14, 15, tz=tz if tz is not None else ZoneInfo(str(zone)))
    assert one(s, f"RETURN timestamp(datetime('{text}'))") == expected
    assert one(s, f"RETURN datetime('{text}').hour") == 14
    if zone is not None:
        assert one(s, f"RETURN datetime('{text}').timezone") == zone


def test_zoned_date_time_maps(s: Session) -> None:
    s.run("CREATE (:Flight {AIR123: datetime({year: 2024, month: 4, day: 21, hour: 14, "
          "minute: 15, timezone: 'America/Los_Angeles'})})").consume()
    s.run("CREATE (:Flight {AIR123: datetime({year: 2021, month: 4, day: 21, hour: 14, "
          "minute: 15, timezone: -60})})").consume()
    got = sorted(
        tuple(r.values()) for r in s.run(
            "MATCH (f:Flight) RETURN timestamp(f.AIR123), f.AIR123.hour, f.AIR123.timezone"
        )
    )
    la = micros(2024, 4, 21, 21, 15)  # PDT is UTC-7
    minus60 = micros(2021, 4, 21, 15, 15)  # timezone: -60 is an offset of -60 minutes
    assert got == sorted([(la, 14, "America/Los_Angeles"), (minus60, 14, "-01:00")])
    with pytest.raises(CypherArgumentError):
        one(s, "RETURN datetime({year: 2021, timezone: 1081})")  # beyond 18 hours
    with pytest.raises(CypherArgumentError):
        one(s, "RETURN datetime({year: 2021, timezone: 'Not/AZone'})")
    with pytest.raises(CypherTypeError):
        one(s, "RETURN datetime({year: 2021, timezone: 1.5})")


def test_zoned_date_time_fields(s: Session) -> None:
    dt = "datetime('2021-04-21T14:15:16.123456+02:00[Europe/Zagreb]')"
    got = one(s, f"WITH {dt} AS d RETURN [d.year, d.month, d.day, d.hour, d.minute, d.second, "
                 "d.millisecond, d.timezone]")
    assert got == [2021, 4, 21, 14, 15, 16, 123, "Europe/Zagreb"]


def test_zoned_date_time_without_arguments_is_utc_now(s: Session) -> None:
    before = time.time_ns() // 1000
    got = one(s, "RETURN timestamp(datetime())")
    after = time.time_ns() // 1000
    assert before <= got <= after
    assert one(s, "RETURN datetime().offsetSeconds") == 0
    assert one(s, "RETURN valueType(datetime())") == "ZONED_DATE_TIME"
    # no numeric fields: the current instant, in the map's zone if it has one
    assert one(s, "RETURN datetime({}) = datetime()") is True
    assert one(s, "RETURN timestamp(datetime({timezone: 'Europe/Zagreb'})) = timestamp()")
    assert one(s, "RETURN datetime({timezone: 'Europe/Zagreb'}).timezone") == "Europe/Zagreb"


# ---------------------------------------------------------------------------------- arithmetic


@pytest.mark.parametrize(
    ("expr", "type_name"),
    [
        ("duration({day: 1}) + duration({hour: 1})", "DURATION"),
        ("duration({day: 1}) - duration({hour: 1})", "DURATION"),
        ("-duration({day: 1})", "DURATION"),
        ("date('2021-01-01') + duration({day: 1})", "DATE"),
        ("duration({day: 1}) + date('2021-01-01')", "DATE"),
        ("date('2021-01-01') - duration({day: 1})", "DATE"),
        ("date('2021-01-01') - date('2020-01-01')", "DURATION"),
        ("localTime('10:00') + duration({hour: 1})", "LOCAL_TIME"),
        ("duration({hour: 1}) + localTime('10:00')", "LOCAL_TIME"),
        ("localTime('10:00') - duration({hour: 1})", "LOCAL_TIME"),
        ("localTime('10:00') - localTime('09:00')", "DURATION"),
        ("localDateTime('2021-01-01T10:00') + duration({hour: 1})", "LOCAL_DATE_TIME"),
        ("duration({hour: 1}) + localDateTime('2021-01-01T10:00')", "LOCAL_DATE_TIME"),
        ("localDateTime('2021-01-01T10:00') - duration({hour: 1})", "LOCAL_DATE_TIME"),
        ("localDateTime('2021-01-01T10:00') - localDateTime('2020-01-01T10:00')", "DURATION"),
        ("datetime('2021-01-01T10:00Z') + duration({hour: 1})", "ZONED_DATE_TIME"),
        ("duration({hour: 1}) + datetime('2021-01-01T10:00Z')", "ZONED_DATE_TIME"),
        ("datetime('2021-01-01T10:00Z') - duration({hour: 1})", "ZONED_DATE_TIME"),
        ("datetime('2021-01-01T10:00Z') - datetime('2020-01-01T10:00Z')", "DURATION"),
    ],
)
def test_arithmetic_result_types(s: Session, expr: str, type_name: str) -> None:
    assert one(s, f"RETURN valueType({expr})") == type_name


@pytest.mark.parametrize(
    ("expr", "component", "expected"),
    [
        ("date('2021-01-10') - date('2021-01-01')", "day", 9),
        ("date('2021-03-01') - date('2021-02-01')", "day", 28),
        ("date('2021-01-01') - date('2021-01-10')", "day", -9),
        ("date('2022-01-01') - date('2021-01-01')", "day", 365),
        ("localTime('12:00') - localTime('10:30')", "minute", 90),
        ("localTime('10:30') - localTime('12:00')", "minute", -90),
        ("localTime('00:00:00.000001') - localTime('00:00')", "microsecond", 1),
        ("localDateTime('2021-01-02T12:00') - localDateTime('2021-01-01T10:30')", "day", 1),
        ("localDateTime('2021-01-02T12:00') - localDateTime('2021-01-01T10:30')", "minute", 90),
        ("localDateTime('2021-01-01T10:30') - localDateTime('2021-01-02T12:00')", "day", -1),
        ("localDateTime('2021-01-01T10:30') - localDateTime('2021-01-02T12:00')", "hour", -1),
        # instants: 12:00Z is 11:30 after 10:30+01:00 (09:30Z) the day before
        ("datetime('2021-01-02T12:00Z') - datetime('2021-01-01T10:30+01:00')", "day", 1),
        ("datetime('2021-01-02T12:00Z') - datetime('2021-01-01T10:30+01:00')", "minute", 150),
    ],
)
def test_differences(s: Session, expr: str, component: str, expected: int) -> None:
    assert one(s, f"RETURN ({expr}).{component}") == expected


def test_adding_durations_back(s: Session) -> None:
    assert one(s, "RETURN date('2021-01-01') + duration({day: 3}) = date('2021-01-04')") is True
    assert one(s, "RETURN duration({day: 3}) + date('2021-01-01') = date('2021-01-04')") is True
    assert one(s, "WITH date('2021-01-10') AS a, date('2021-01-01') AS b "
                  "RETURN b + (a - b) = a") is True
    assert one(s, "WITH localDateTime('2021-03-02T12:00') AS a, "
                  "localDateTime('2021-01-01T10:30') AS b RETURN b + (a - b) = a") is True
    assert one(s, "RETURN (-duration({day: 1, hour: 2})).hour") == -2


def test_subtracting_different_temporal_types_fails(s: Session) -> None:
    with pytest.raises(CypherTypeError):
        one(s, "RETURN date('2021-01-01') - localDateTime('2021-01-01T00:00')")
    with pytest.raises(CypherTypeError):
        one(s, "RETURN duration({day: 1}) - date('2021-01-01')")
    assert one(s, "RETURN date('2021-01-01') - null") is None


# ------------------------------------------------------------------------------ timestamp()


def test_timestamp_is_microseconds_since_the_epoch(s: Session) -> None:
    before = time.time_ns() // 1000
    got = one(s, "RETURN timestamp()")
    after = time.time_ns() // 1000
    assert before <= got <= after
    # one clock per query: datetime() and timestamp() read the same instant
    assert one(s, "RETURN timestamp() = timestamp(datetime())") is True
    assert one(s, "UNWIND range(1, 50) AS i WITH collect(timestamp()) AS ts "
                  "RETURN size([t IN ts WHERE t <> ts[0]])") == 0


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("date('1970-01-02')", 86_400_000_000),
        ("date('2021-01-01')", micros(2021, 1, 1)),
        ("date('1969-12-31')", -86_400_000_000),
        ("localTime('00:00:01')", 1_000_000),
        ("localTime('10:00:00.000500')", 36_000_000_500),
        ("localDateTime('1970-01-01T00:00:01')", 1_000_000),
        ("localDateTime('2021-04-21T14:15:00')", micros(2021, 4, 21, 14, 15)),
        ("datetime('1970-01-01T01:00:01+01:00')", 1_000_000),
        ("datetime('2021-04-21T14:15:00[Europe/Zagreb]')", micros(2021, 4, 21, 12, 15)),
        ("duration({second: 1})", 1_000_000),
        ("duration({day: 1, microsecond: -1})", 86_399_999_999),
        ("duration({hour: -1})", -3_600_000_000),
    ],
)
def test_timestamp_of_a_temporal(s: Session, expr: str, expected: int) -> None:
    assert one(s, f"RETURN timestamp({expr})") == expected


def test_timestamp_argument_errors(s: Session) -> None:
    assert one(s, "RETURN timestamp(null)") is None
    with pytest.raises(CypherTypeError):
        one(s, "RETURN timestamp(1)")
    with pytest.raises(CypherTypeError):
        one(s, "RETURN timestamp('2021-01-01')")


# --------------------------------------------------------------------- aggregation, ordering


@pytest.mark.parametrize(
    ("values", "low", "high"),
    [
        ("[date('2021-01-02'), date('2020-05-01'), date('2022-01-01')]",
         "date('2020-05-01')", "date('2022-01-01')"),
        ("[localTime('10:00'), localTime('09:00'), localTime('23:59')]",
         "localTime('09:00')", "localTime('23:59')"),
        ("[localDateTime('2021-01-01T10:00'), localDateTime('2020-01-01T23:00')]",
         "localDateTime('2020-01-01T23:00')", "localDateTime('2021-01-01T10:00')"),
        ("[datetime('2021-01-01T10:00+05:00'), datetime('2021-01-01T06:00Z')]",
         "datetime('2021-01-01T10:00+05:00')", "datetime('2021-01-01T06:00Z')"),
    ],
)
def test_min_and_max_of_temporals(s: Session, values: str, low: str, high: str) -> None:
    # functions.mdx: min/max support Date, LocalTime, LocalDateTime and ZonedDateTime
    assert one(s, f"UNWIND {values} AS v WITH min(v) AS lo, max(v) AS hi "
                  f"RETURN lo = {low} AND hi = {high}") is True


def test_order_by_temporal(s: Session) -> None:
    got = one(s, "UNWIND [date('2021-01-02'), date('2020-05-01'), date('2022-01-01')] AS d "
                 "WITH d ORDER BY d DESC RETURN collect(d.year)")
    assert got == [2022, 2021, 2020]
