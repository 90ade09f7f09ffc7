"""Temporal results as pymgclient (1.6, over libmgclient) turns them into Python values, and the
Duration layout mgcore sends it.

pymgclient's ``mg_duration_to_py_delta`` (src/glue.c) builds ``timedelta(days, seconds,
nanoseconds / 1000)`` through ``PyDelta_FromDSU(int, int, int)``: it never reads the months, and
a seconds field beyond a C ``int`` wraps. Memgraph always sends whole days plus fewer than 86,400
seconds, so mgcore sends mgclient connections that layout too (the length is unchanged; Neo4j
drivers still get the fields as they are), and refuses them a duration with months. Its local
time, local date-time and date-time conversions keep microseconds: the nanoseconds below them
are cut off. Values it would abort on (years outside 1-9999, huge durations) are refused too.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest

from mgcore.server import hydration
from mgcore.values.temporal import Duration

mgclient = pytest.importorskip("mgclient")


@pytest.fixture
def cursor(module_serve_process: Any) -> Iterator[Any]:
    conn = mgclient.connect(host=module_serve_process.host, port=module_serve_process.port)
    conn.autocommit = True
    try:
        yield conn.cursor()
    finally:
        conn.close()


def fetch_one(cursor: Any, query: str) -> Any:
    cursor.execute(query)
    [(value,)] = cursor.fetchall()
    return value


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("RETURN duration({hours: 25})", datetime.timedelta(hours=25)),
        # 2,160,000,000 seconds: beyond a C int, pymgclient wrapped them before mgcore split
        # them into days
        ("RETURN duration({hours: 600000})", datetime.timedelta(hours=600000)),
        ("RETURN duration({hours: -600000})", datetime.timedelta(hours=-600000)),
        ("RETURN duration.inSeconds(date('1900-01-01'), date('2000-01-01'))",
         datetime.timedelta(days=36524)),
        ("RETURN duration({days: 2, seconds: -1})", datetime.timedelta(days=2, seconds=-1)),
        ("RETURN date('2021-01-01') - date('2020-01-01')", datetime.timedelta(days=366)),
        ("RETURN datetime('2021-01-02T12:00Z') - datetime('2021-01-01T10:30+01:00')",
         datetime.timedelta(days=1, hours=2, minutes=30)),
    ],
)
def test_durations_reach_pymgclient_as_their_length(
    cursor: Any, query: str, expected: datetime.timedelta
) -> None:
    assert fetch_one(cursor, query) == expected


def test_a_duration_with_months_is_refused_not_truncated(cursor: Any) -> None:
    """pymgclient would drop the months (glue.c never calls ``mg_duration_months``; Memgraph's
    durations have none, mgcore's may): the query fails instead of the client getting
    timedelta(2, 3) for P1M2DT3S. ``toString`` and ``inDays`` keep the length."""
    for query in ("RETURN duration('P1M2DT3S')", "RETURN duration('P1Y')"):
        with pytest.raises(mgclient.DatabaseError, match="no months"):
            fetch_one(cursor, query)
    assert fetch_one(cursor, "RETURN toString(duration('P1M2DT3S'))") == "P1M2DT3S"
    assert fetch_one(cursor, "RETURN duration('P1M') - duration('P1M')") == datetime.timedelta(0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("RETURN localtime('12:00:00.123456789')", datetime.time(12, 0, 0, 123456)),
        ("RETURN localdatetime('2021-01-01T12:00:00.123456789')",
         datetime.datetime(2021, 1, 1, 12, 0, 0, 123456)),
        ("RETURN duration('PT0.000001999S')", datetime.timedelta(microseconds=1)),
        ("RETURN datetime('2021-01-01T12:00:00.123456789Z')",
         datetime.datetime(2021, 1, 1, 12, 0, 0, 123456, tzinfo=datetime.UTC)),
    ],
)
def test_pymgclient_cuts_nanoseconds_to_microseconds(
    cursor: Any, query: str, expected: Any
) -> None:
    assert fetch_one(cursor, query) == expected


def test_day_split_duration_structures() -> None:
    split = hydration.dehydrators(True, True, mgclient=True)[Duration]
    plain = hydration.dehydrators(True, True)[Duration]
    d = Duration(0, 1, 90_000, 5)
    assert plain(d).fields == [0, 1, 90_000, 5]
    assert split(d).fields == [0, 2, 3_600, 5]
    assert plain(Duration(14, 1, 90_000, 5)).fields == [14, 1, 90_000, 5]
    assert split(Duration(0, 0, -1, 5)).fields == [0, -1, 86_399, 5]
    assert split(Duration(0, 2, 2_160_000_000)).fields == [0, 25_002, 0, 0]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("RETURN date('0000-06-01')", "years 1 to 9999"),
        ("RETURN date('+10000-01-01')", "years 1 to 9999"),
        ("RETURN localdatetime('-0001-01-01T00:00')", "years 1 to 9999"),
        ("RETURN datetime('9999-12-31T23:00-05:00')", "years 1 to 9999"),
        ("RETURN duration({days: 1000000000})", "999,999,999 days"),
        ("RETURN time('12:00+01:00')", "no Bolt Time structure"),
    ],
)
def test_values_pymgclient_would_abort_on_are_refused(
    cursor: Any, query: str, message: str
) -> None:
    """pymgclient aborts its whole process on a date Python cannot hold (or a timedelta
    beyond its range, or a Bolt Time); such a value fails the query with a clear error and
    the connection goes on."""
    with pytest.raises(mgclient.DatabaseError, match=message):
        fetch_one(cursor, query)
    assert fetch_one(cursor, "RETURN date('9999-12-31')") == datetime.date(9999, 12, 31)
    assert fetch_one(cursor, "RETURN date('0001-01-01')") == datetime.date(1, 1, 1)
