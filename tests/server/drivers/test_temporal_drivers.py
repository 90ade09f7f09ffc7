"""Temporal values over Bolt with the real drivers, against a server on a loopback port.

The neo4j driver (Bolt 5.2: UTC DateTime structures) sends its own ``neo4j.time`` types and
Python's ``datetime`` types as parameters; they must reach the server as the exact mgcore value
(checked through ``toString``, which prints nanoseconds, offsets and zone ids) and come back as
the driver's own types, equal to what was sent. pymgclient (Bolt 4.4: legacy local-seconds
DateTime structures) maps dates, times, datetimes and timedeltas to Python's types. Values are
built on the server from parameters, and by the kernel itself through a procedure plugin that
yields ``mgcore.values.temporal`` values (the Cypher temporal functions are not there yet).
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import mgcore
from mgcore.cypher.procedures import ProcedureContext, ProcedureRegistry
from mgcore.plugins import PluginHost
from mgcore.server.background import BackgroundServer
from mgcore.values.temporal import Duration, LocalTime, Time
from mgcore.values.temporal_build import make_date, make_datetime, make_local_datetime

neo4j = pytest.importorskip("neo4j")
pytz = pytest.importorskip("pytz")

from neo4j import time as nt  # noqa: E402
from neo4j.exceptions import ClientError  # noqa: E402

BERLIN = pytz.timezone("Europe/Berlin")
"""Zones for the neo4j driver are pytz's: the driver hands its own DateTime (not a
``datetime``) to ``ZoneInfo.utcoffset``, which CPython's C ``zoneinfo`` reads as a datetime
struct, giving wrong offsets or a segmentation fault; so no ZoneInfo goes to that driver here
(not even inside a Python ``datetime``, which the driver converts to its DateTime first)."""


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One in-process server and a neo4j driver to it, shared by the module's value tests."""
    database = mgcore.connect(data_directory=str(tmp_path_factory.mktemp("temporal") / "db"))
    background = BackgroundServer(database, host="127.0.0.1").start()
    try:
        with neo4j.GraphDatabase.driver(background.uri, auth=None) as drv:
            yield drv
    finally:
        background.stop()
        database.close()


def _row(drv: Any, query: str, **params: Any) -> Any:
    records, _, _ = drv.execute_query(query, params)
    assert len(records) == 1, records
    return records[0]


def _zone_of(value: Any) -> Any:
    """What names a value's zone: pytz's ``zone``, zoneinfo's ``key``, else the offset."""
    tz = getattr(value, "tzinfo", None)
    if tz is None:
        return None
    name = getattr(tz, "zone", None) or getattr(tz, "key", None)
    return name or value.utcoffset()


def assert_same(got: Any, want: Any) -> None:
    """``got`` is the driver's value equal to ``want`` with the same nanoseconds, offset and
    zone (the driver's own equality compares DateTimes by instant only)."""
    assert got == want, (got, want)
    assert type(got) is type(want)
    for name in ("ticks", "nanosecond"):
        if hasattr(want, name):
            assert getattr(got, name) == getattr(want, name)
    if hasattr(want, "utcoffset"):
        assert got.utcoffset() == want.utcoffset()
        assert _zone_of(got) == _zone_of(want)


# ------------------------------------------------------------------------ neo4j: parameters

NEO4J_VALUES = [
    pytest.param(nt.Date(2020, 2, 29), "2020-02-29", id="Date"),
    pytest.param(nt.Date(1, 1, 1), "0001-01-01", id="Date-min"),
    pytest.param(nt.Date(9999, 12, 31), "9999-12-31", id="Date-max"),
    pytest.param(nt.Time(12, 30, 15, 123456789), "12:30:15.123456789", id="LocalTime"),
    pytest.param(nt.Time(23, 59, 59, 999999999), "23:59:59.999999999", id="LocalTime-last"),
    pytest.param(
        nt.Time(12, 30, 15, 1, tzinfo=pytz.FixedOffset(90)),
        None,  # toString does not take a ZONED_TIME yet
        id="Time",
    ),
    pytest.param(nt.Time(0, 0, 0, 0, tzinfo=pytz.FixedOffset(-18 * 60)), None, id="Time-min"),
    pytest.param(
        nt.DateTime(2020, 2, 29, 12, 30, 15, 5), "2020-02-29T12:30:15.000000005", id="LocalDateTime"
    ),
    pytest.param(
        nt.DateTime(1969, 12, 31, 23, 59, 59, 999999999),
        "1969-12-31T23:59:59.999999999",
        id="LocalDateTime-before-epoch",
    ),
    pytest.param(
        nt.DateTime(2020, 2, 29, 12, 30, 15, 5, tzinfo=pytz.FixedOffset(-330)),
        "2020-02-29T12:30:15.000000005-05:30",
        id="DateTime-offset",
    ),
    pytest.param(
        BERLIN.localize(nt.DateTime(2020, 7, 1, 12, 0, 0, 999999999)),
        "2020-07-01T12:00:00.999999999+02:00[Europe/Berlin]",
        id="DateTime-pytz-zone",
    ),
    pytest.param(
        BERLIN.localize(nt.DateTime(1960, 1, 1, 0, 0, 0, 1)),
        "1960-01-01T00:00:00.000000001+01:00[Europe/Berlin]",
        id="DateTime-pytz-zone-1960",
    ),
    pytest.param(
        pytz.timezone("America/New_York").localize(nt.DateTime(2020, 7, 1, 12, 0, 0, 7)),
        "2020-07-01T12:00:00.000000007-04:00[America/New_York]",
        id="DateTime-pytz-zone-west",
    ),
    pytest.param(
        nt.DateTime(2020, 7, 1, 12, 0, 0, 7, tzinfo=pytz.utc),
        "2020-07-01T12:00:00.000000007Z[UTC]",
        id="DateTime-pytz-utc",
    ),
    pytest.param(
        nt.Duration(months=14, days=-3, seconds=7, nanoseconds=9),
        "P1Y2M-3DT7.000000009S",
        id="Duration",
    ),
    pytest.param(nt.Duration(seconds=-0.5), "PT-0.5S", id="Duration-negative-fraction"),
    pytest.param(nt.Duration(), "PT0S", id="Duration-zero"),
]


@pytest.mark.parametrize(("value", "text"), NEO4J_VALUES)
def test_neo4j_temporal_parameters_round_trip_exactly(
    driver: Any, value: Any, text: str | None
) -> None:
    if text is None:
        got = _row(driver, "RETURN $x AS x", x=value)["x"]
    else:
        row = _row(driver, "RETURN $x AS x, toString($x) AS s", x=value)
        assert row["s"] == text
        got = row["x"]
    assert_same(got, value)


PYTHON_VALUES = [
    pytest.param(datetime.date(2024, 2, 29), nt.Date(2024, 2, 29), "2024-02-29", id="date"),
    pytest.param(datetime.time(1, 2, 3, 4), nt.Time(1, 2, 3, 4000), "01:02:03.000004", id="time"),
    pytest.param(
        datetime.datetime(2024, 1, 2, 3, 4, 5, 6),
        nt.DateTime(2024, 1, 2, 3, 4, 5, 6000),
        "2024-01-02T03:04:05.000006",
        id="datetime-naive",
    ),
    pytest.param(
        datetime.datetime(
            2024,
            1,
            2,
            3,
            4,
            5,
            6,
            tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
        ),
        nt.DateTime(2024, 1, 2, 3, 4, 5, 6000, tzinfo=pytz.FixedOffset(330)),
        "2024-01-02T03:04:05.000006+05:30",
        id="datetime-offset",
    ),
    pytest.param(
        BERLIN.localize(datetime.datetime(2024, 7, 2, 3, 4, 5, 6)),
        BERLIN.localize(nt.DateTime(2024, 7, 2, 3, 4, 5, 6000)),
        "2024-07-02T03:04:05.000006+02:00[Europe/Berlin]",
        id="datetime-pytz-zone",
    ),
    pytest.param(
        datetime.timedelta(days=-1, microseconds=5),
        nt.Duration(days=-1, nanoseconds=5000),
        "P-1DT0.000005S",
        id="timedelta",
    ),
]


@pytest.mark.parametrize(("value", "back", "text"), PYTHON_VALUES)
def test_neo4j_python_datetime_parameters_come_back_as_driver_types(
    driver: Any, value: Any, back: Any, text: str
) -> None:
    row = _row(driver, "RETURN $x AS x, toString($x) AS s", x=value)
    assert row["s"] == text
    assert_same(row["x"], back)


def test_neo4j_temporals_nested_in_lists_and_maps(driver: Any) -> None:
    values = [param.values[0] for param in NEO4J_VALUES]
    row = _row(
        driver,
        "RETURN $l AS l, {m: $l, first: $l[0]} AS m, valueType($l[5]) AS t",
        l=values,
    )
    assert row["t"] == "ZONED_TIME"
    for got, want in zip(row["l"], values, strict=True):
        assert_same(got, want)
    for got, want in zip(row["m"]["m"], values, strict=True):
        assert_same(got, want)
    assert_same(row["m"]["first"], values[0])


def test_neo4j_value_types_of_temporal_parameters(driver: Any) -> None:
    row = _row(
        driver,
        "RETURN valueType($d) AS d, valueType($lt) AS lt, valueType($t) AS t, "
        "valueType($ldt) AS ldt, valueType($dt) AS dt, valueType($z) AS z, valueType($u) AS u",
        d=nt.Date(2020, 1, 1),
        lt=nt.Time(1, 2, 3),
        t=nt.Time(1, 2, 3, tzinfo=pytz.FixedOffset(60)),
        ldt=nt.DateTime(2020, 1, 1, 1, 2, 3),
        dt=nt.DateTime(2020, 1, 1, 1, 2, 3, tzinfo=pytz.FixedOffset(60)),
        z=BERLIN.localize(nt.DateTime(2020, 1, 1, 1, 2, 3)),
        u=nt.Duration(days=1),
    )
    assert row.data() == {
        "d": "DATE",
        "lt": "LOCAL_TIME",
        "t": "ZONED_TIME",
        "ldt": "LOCAL_DATE_TIME",
        "dt": "ZONED_DATE_TIME",
        "z": "ZONED_DATE_TIME",
        "u": "DURATION",
    }


def test_neo4j_unknown_zone_is_a_client_error(driver: Any) -> None:
    """A zone the server's database lacks fails the query; the session stays usable."""

    class Nowhere(datetime.tzinfo):
        zone = "Nowhere/Atlantis"

        def utcoffset(self, dt: Any) -> datetime.timedelta:
            return datetime.timedelta(0)

        def dst(self, dt: Any) -> datetime.timedelta:
            return datetime.timedelta(0)

    with driver.session() as session:
        with pytest.raises(ClientError) as caught:
            session.run("RETURN $x AS x", x=nt.DateTime(2020, 1, 1, tzinfo=Nowhere())).consume()
        assert "Nowhere/Atlantis" in caught.value.message
        assert session.run("RETURN 1 AS one").single()["one"] == 1


# ------------------------------------------------------------- neo4j: values the kernel built

SERVER_BUILT = {
    "date": (make_date("2020-02-29"), nt.Date(2020, 2, 29)),
    "ancient": (make_date("0001-01-01"), nt.Date(1, 1, 1)),
    "localtime": (LocalTime(45_296_000_000_007), nt.Time(12, 34, 56, 7)),
    "time": (Time(1, -3600), nt.Time(0, 0, 0, 1, tzinfo=pytz.FixedOffset(-60))),
    "localdatetime": (
        make_local_datetime("1969-12-31T23:59:59.999999999"),
        nt.DateTime(1969, 12, 31, 23, 59, 59, 999999999),
    ),
    "offset": (
        make_datetime("2020-01-01T12:00:00.000000009+05:45"),
        nt.DateTime(2020, 1, 1, 12, 0, 0, 9, tzinfo=pytz.FixedOffset(345)),
    ),
    "zone": (
        make_datetime("2021-03-28T03:30:00.5[Europe/Berlin]"),
        BERLIN.localize(nt.DateTime(2021, 3, 28, 3, 30, 0, 500_000_000)),
    ),
    "duration": (
        Duration(14, -3, 7, 9),
        nt.Duration(months=14, days=-3, seconds=7, nanoseconds=9),
    ),
}


class TemporalValues:
    """A plugin whose procedure yields temporal values the kernel built (not parameters)."""

    @mgcore.hookimpl
    def mg_register_procedures(self, registry: ProcedureRegistry) -> None:
        registry.add("temporal.values() :: (name :: STRING, value :: ANY)", _server_values)


def _server_values(ctx: ProcedureContext) -> Iterator[tuple[str, Any]]:
    for name, (value, _) in SERVER_BUILT.items():
        yield name, value


@pytest.fixture(scope="module")
def plugin_driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    host = PluginHost.create(load_entry_points=False)
    host.register(TemporalValues(), "temporal-values")
    database = mgcore.connect(
        plugins=host, data_directory=str(tmp_path_factory.mktemp("plugin") / "db")
    )
    background = BackgroundServer(database, host="127.0.0.1").start()
    try:
        with neo4j.GraphDatabase.driver(background.uri, auth=None) as drv:
            yield drv
    finally:
        background.stop()
        database.close()


def test_values_the_kernel_built_reach_the_driver_as_its_own_types(plugin_driver: Any) -> None:
    records, _, _ = plugin_driver.execute_query(
        "CALL temporal.values() YIELD name, value RETURN name, value, [value] AS l"
    )
    got = {r["name"]: (r["value"], r["l"][0]) for r in records}
    assert set(got) == set(SERVER_BUILT)
    for name, (_, want) in SERVER_BUILT.items():
        assert_same(got[name][0], want)
        assert_same(got[name][1], want)


# --------------------------------------------------------------------------- neo4j: storage


@pytest.mark.parametrize(("value", "text"), NEO4J_VALUES)
def test_neo4j_temporal_properties_survive_storage(
    driver: Any, value: Any, text: str | None
) -> None:
    key = repr(value)
    driver.execute_query("CREATE (n:TemporalProp {k: $k, p: $x})", k=key, x=value)
    try:
        row = _row(driver, "MATCH (n:TemporalProp {k: $k}) RETURN n.p AS p, n AS n", k=key)
        assert_same(row["p"], value)
        assert_same(row["n"]["p"], value)
    finally:
        driver.execute_query("MATCH (n:TemporalProp {k: $k}) DELETE n", k=key)


# ----------------------------------------------------------------------------- pymgclient


PYMGCLIENT_VALUES = [
    pytest.param(datetime.date(2024, 2, 29), "2024-02-29", id="date"),
    pytest.param(datetime.date(1, 1, 1), "0001-01-01", id="date-min"),
    pytest.param(datetime.time(12, 34, 56, 789001), "12:34:56.789001", id="time"),
    pytest.param(
        datetime.datetime(2024, 2, 29, 23, 59, 58, 1001),
        "2024-02-29T23:59:58.001001",
        id="datetime-naive",
    ),
    pytest.param(
        datetime.datetime(1969, 12, 31, 23, 59, 59, 999999),
        "1969-12-31T23:59:59.999999",
        id="datetime-before-epoch",
    ),
    pytest.param(
        datetime.datetime(
            2024,
            1,
            2,
            3,
            4,
            5,
            6,
            tzinfo=datetime.timezone(datetime.timedelta(hours=-2, minutes=-30)),
        ),
        "2024-01-02T03:04:05.000006-02:30",
        id="datetime-offset",
    ),
    pytest.param(
        datetime.datetime(2024, 7, 2, 3, 4, 5, 6, tzinfo=ZoneInfo("Europe/Berlin")),
        "2024-07-02T03:04:05.000006+02:00[Europe/Berlin]",
        id="datetime-zone",
    ),
    pytest.param(
        datetime.timedelta(days=3, seconds=7, microseconds=11), "P3DT7.000011S", id="timedelta"
    ),
    pytest.param(
        datetime.timedelta(days=-3, microseconds=11), "P-3DT0.000011S", id="timedelta-neg"
    ),
]


def test_pymgclient_gets_a_failure_for_a_time_with_an_offset(module_serve_process: Any) -> None:
    """libmgclient has no Bolt Time (0x54) and aborts its process on one: the server answers a
    FAILURE instead, and the connection goes on serving."""
    mgclient = pytest.importorskip("mgclient")
    conn = mgclient.connect(host=module_serve_process.host, port=module_serve_process.port)
    try:
        conn.autocommit = True
        cursor = conn.cursor()
        with pytest.raises(mgclient.DatabaseError, match="cannot be sent to this client"):
            cursor.execute("RETURN time('12:00+01:00') AS t")
        cursor.execute("RETURN toString(time('12:00+01:00')), localtime(time('12:00+01:00'))")
        assert cursor.fetchall() == [("12:00+01:00", datetime.time(12, 0))]
    finally:
        conn.close()


@pytest.mark.parametrize(("value", "text"), PYMGCLIENT_VALUES)
def test_pymgclient_temporal_parameters_round_trip(
    module_serve_process: Any, value: Any, text: str
) -> None:
    """pymgclient speaks Bolt 4.4 without the ``utc`` patch: zoned datetimes travel as the
    legacy local-seconds structures (0x46/0x66) both ways."""
    mgclient = pytest.importorskip("mgclient")
    conn = mgclient.connect(host=module_serve_process.host, port=module_serve_process.port)
    try:
        conn.autocommit = True
        cursor = conn.cursor()
        cursor.execute("RETURN $x, toString($x)", {"x": value})
        [(got, string)] = cursor.fetchall()
    finally:
        conn.close()
    assert string == text
    assert got == value and type(got) is type(value)
    if isinstance(value, datetime.datetime):
        assert got.utcoffset() == value.utcoffset()
        assert getattr(got.tzinfo, "key", None) == getattr(value.tzinfo, "key", None)


PLUGIN_SERVER = """
import sys, tempfile
import mgcore
from mgcore.plugins import PluginHost
from mgcore.server.background import BackgroundServer
sys.path.insert(0, sys.argv[1])
from test_temporal_drivers import TemporalValues
host = PluginHost.create(load_entry_points=False)
host.register(TemporalValues(), "temporal-values")
database = mgcore.connect(plugins=host, data_directory=tempfile.mkdtemp(dir=sys.argv[2]))
background = BackgroundServer(database, host="127.0.0.1").start()
print(background.address[1], flush=True)
sys.stdin.read()
background.stop()
database.close()
"""


@pytest.fixture(scope="module")
def plugin_server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The port of a child process serving the TemporalValues plugin: pymgclient holds the GIL
    while it waits on its socket, so it cannot query an in-process server."""
    here = str(Path(__file__).parent)
    child = subprocess.Popen(
        [sys.executable, "-c", PLUGIN_SERVER, here, str(tmp_path_factory.mktemp("child"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    try:
        yield int(child.stdout.readline())
    finally:
        child.stdin.close()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


PYMGCLIENT_FROM_SERVER = {
    "date": datetime.date(2020, 2, 29),
    "localtime": datetime.time(12, 34, 56),  # pymgclient keeps microseconds: 7 ns are lost
    "localdatetime": datetime.datetime(1969, 12, 31, 23, 59, 59, 999999),
    "offset": datetime.datetime(
        2020, 1, 1, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=45))
    ),
    "zone": datetime.datetime(2021, 3, 28, 3, 30, 0, 500000, tzinfo=ZoneInfo("Europe/Berlin")),
}
"""What pymgclient makes of SERVER_BUILT's values. Left out: ``time`` (pymgclient has no
Bolt Time: libmgclient aborts the process on 0x54) and ``duration`` (pymgclient drops the
months: Memgraph always sends 0)."""


@pytest.mark.parametrize("name", list(PYMGCLIENT_FROM_SERVER))
def test_values_the_kernel_built_reach_pymgclient(plugin_server_process: int, name: str) -> None:
    mgclient = pytest.importorskip("mgclient")
    conn = mgclient.connect(host="127.0.0.1", port=plugin_server_process)
    try:
        conn.autocommit = True
        cursor = conn.cursor()
        cursor.execute(
            "CALL temporal.values() YIELD name, value WITH name, value WHERE name = $n "
            "RETURN value",
            {"n": name},
        )
        [(got,)] = cursor.fetchall()
    finally:
        conn.close()
    want = PYMGCLIENT_FROM_SERVER[name]
    assert got == want and type(got) is type(want)
    if isinstance(want, datetime.datetime):
        assert got.utcoffset() == want.utcoffset()
        assert getattr(got.tzinfo, "key", None) == getattr(want.tzinfo, "key", None)
