"""The TCK runner's query channels: scenarios written inline run through the embedded API and over
Bolt (``mgcore.conformance.tck.bolt``) with the same outcome; the Bolt channel's value conversion
and error mapping; ``--via bolt`` / ``--mg-tck-via=bolt`` end to end on a tiny TCK."""

from __future__ import annotations

import datetime as dt
import socket
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tck_support as shared
from tck_support import ENGINE, check, database_factory, inline_scenario, q

import mgcore
from mgcore import errors
from mgcore.conformance import run as run_conformance
from mgcore.conformance.tck import VIAS
from mgcore.conformance.tck.__main__ import main as tck_main
from mgcore.conformance.tck.bolt import BoltChannel, DriverValues, error_kind
from mgcore.conformance.tck.runner import (
    COMPILE_TIME,
    RUNTIME,
    EmbeddedChannel,
    ScenarioFailure,
    ScenarioRunner,
    channel_factory,
)
from mgcore.conformance.tck.values import canonical, parse_value
from mgcore.storage import errors as storage_errors
from mgcore.values.graph import Node, Relationship
from mgcore.values.graph import Path as GraphPath
from mgcore.values.temporal_build import (
    make_date,
    make_datetime,
    make_duration,
    make_local_datetime,
    make_local_time,
    make_time,
)

neo4j = pytest.importorskip("neo4j")
neo4j_time = pytest.importorskip("neo4j.time")
pytz = pytest.importorskip("pytz")


@pytest.fixture
def open_database(tmp_path: Path) -> Callable[[list[Any]], Any]:
    return database_factory(tmp_path)


RunScenario = Callable[[str], None]


@pytest.fixture(params=VIAS)
def via(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def run_steps(
    tmp_path: Path, open_database: Callable[[list[Any]], Any], via: str, steps: str
) -> None:
    """Write the steps of one scenario as a feature file and run it through ``via``."""
    scenario = inline_scenario(tmp_path, steps)
    (tmp_path / "graphs").mkdir(exist_ok=True)
    ScenarioRunner(scenario, open_database, tmp_path / "graphs", channel_factory(via)).run()


@pytest.fixture
def run_scenario(
    tmp_path: Path, open_database: Callable[[list[Any]], Any], via: str
) -> RunScenario:
    """Runs the steps of one scenario through the channel ``via`` names (both, by the
    parametrized ``via`` fixture)."""
    return lambda steps: run_steps(tmp_path, open_database, via, steps)


# ============================================================== the same scenarios both ways


def test_rows_of_every_kind_of_value(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given an empty graph
        And having executed:
        {q("CREATE (:A:B {name: 'a'})-[:T {w: 0.5}]->(:C {l: [1, 2]})<-[:U]-(:D)")}
        When executing query:
        {q("MATCH p = (a:A)-[t:T]->(c)<-[u:U]-(d) RETURN a, t, p, [a, 1] AS l, {k: u, n: null} AS m")}
        Then the result should be, in any order:
          | a                   | t               | p                                                                     | l                        | m                    |
          | (:A:B {{name: 'a'}}) | [:T {{w: 0.5}}]  | <(:A:B {{name: 'a'}})-[:T {{w: 0.5}}]->(:C {{l: [1, 2]}})<-[:U]-(:D)> | [(:A:B {{name: 'a'}}), 1] | {{k: [:U], n: null}} |
        And no side effects
        """)  # noqa: E501
    scalars = q("RETURN 1.5 AS f, -0.0 AS z, 'é' AS s, true AS b, null AS n, "
                "9223372036854775807 AS i")
    run_scenario(f"""
        Given any graph
        When executing query:
        {scalars}
        Then the result should be, in any order:
          | f   | z    | s   | b    | n    | i                   |
          | 1.5 | -0.0 | 'é' | true | null | 9223372036854775807 |
        """)


def test_wrong_rows_fail(run_scenario: RunScenario) -> None:
    with pytest.raises(ScenarioFailure, match="result differs"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("CREATE (n:A)-[:T]->(:B) WITH n MATCH p = (n)-->() RETURN p")}
            Then the result should be, in any order:
              | p                  |
              | <(:A)<-[:T]-(:B)>  |
            """)


def test_parameters(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given any graph
        And parameters are:
          | i | 12              |
          | l | [1, 'x', null]  |
          | m | {{a: [2.5]}}    |
        When executing query:
        {q("RETURN $i AS i, $l AS l, $m AS m")}
        Then the result should be, in order:
          | i  | l              | m           |
          | 12 | [1, 'x', null] | {{a: [2.5]}} |
        """)


def test_side_effects_are_read_from_the_storage_engine(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given an empty graph
        And having executed:
        {q("CREATE (:Old {x: 1})")}
        When executing query:
        {q("MATCH (o:Old) DELETE o CREATE (:N {a: 1, b: 2})-[:T]->(:N)")}
        Then the result should be empty
        And the side effects should be:
          | +nodes         | 2 |
          | -nodes         | 1 |
          | +relationships | 1 |
          | +labels        | 1 |
          | -labels        | 1 |
          | +properties    | 2 |
          | -properties    | 1 |
        """)
    with pytest.raises(ScenarioFailure, match="side effects differ"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("CREATE ()")}
            Then the result should be empty
            And no side effects
            """)


def test_control_query_after_the_measured_one(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given an empty graph
        When executing query:
        {q("CREATE (:A {v: 1})")}
        Then the result should be empty
        When executing control query:
        {q("MATCH (a:A) RETURN a.v AS v")}
        Then the result should be, in any order:
          | v |
          | 1 |
        """)


def test_rows_show_each_record_as_it_was_sent(run_scenario: RunScenario) -> None:
    """The driver merges later states of a node into one object; rows are converted one by
    one, so an earlier row keeps the value it was sent with."""
    run_scenario(f"""
        Given an empty graph
        And having executed:
        {q("CREATE (:A {x: 0})")}
        When executing query:
        {q("UNWIND [1, 2] AS i MATCH (n:A) SET n.x = i RETURN n")}
        Then the result should be, in order:
          | n            |
          | (:A {{x: 1}}) |
          | (:A {{x: 2}}) |
        """)


def test_compile_time_errors(run_scenario: RunScenario) -> None:
    check(
        run_scenario, shared.SYNTAX_ERROR_AT_COMPILE_TIME, shared.SYNTAX_ERROR_EXPECTED_AT_RUNTIME
    )


def test_runtime_error_rolls_back(run_scenario: RunScenario) -> None:
    check(
        run_scenario,
        shared.RUNTIME_ERROR_ROLLS_BACK,
        shared.RUNTIME_ERROR_EXPECTED_AT_COMPILE_TIME,
        shared.UNCHECKED_ERROR,
    )


def test_error_of_the_wrong_kind(run_scenario: RunScenario) -> None:
    check(run_scenario, shared.ERROR_OF_THE_WRONG_KIND)


def test_tck_procedures_are_plugins_of_the_served_database(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given an empty graph
        And there exists a procedure test.my.proc(name :: STRING?) :: (city :: STRING?):
          | name     | city     |
          | 'Stefan' | 'Berlin' |
          | 'Petra'  | 'London' |
        When executing query:
        {q("CALL test.my.proc('Petra') YIELD city RETURN city")}
        Then the result should be, in order:
          | city     |
          | 'London' |
        And no side effects
        """)


def test_procedure_not_found_detail(run_scenario: RunScenario) -> None:
    """ProcedureNotFound has a code of its own, so the detail is checked over Bolt too."""
    check(run_scenario, shared.PROCEDURE_NOT_FOUND, shared.PROCEDURE_ERROR_OF_THE_WRONG_DETAIL)


def test_failing_setup(run_scenario: RunScenario) -> None:
    with pytest.raises(ScenarioFailure, match=r"set-up query failed with \w+ \(SyntaxError\)"):
        run_scenario(shared.FAILING_SETUP_STEPS)


def test_a_detail_the_code_does_not_name_is_checked_only_embedded(
    tmp_path: Path, open_database: Callable[[list[Any]], Any]
) -> None:
    """UnknownFunction travels as a plain Statement.SyntaxError: over Bolt only the kind and
    the phase can be checked (the runner's docstring says why)."""
    steps = f"""
        Given any graph
        When executing query:
        {q("RETURN no_such_function(1)")}
        Then a SyntaxError should be raised at compile time: InvalidArgumentType
        """
    with pytest.raises(ScenarioFailure, match=r"got SyntaxError \(UnknownFunction\)"):
        run_steps(tmp_path, open_database, "embedded", steps)
    run_steps(tmp_path, open_database, "bolt", steps)


# ================================================================================= channels


@pytest.fixture
def database(tmp_path: Path) -> Any:
    db = mgcore.connect(storage_mode=ENGINE, data_directory=str(tmp_path / "db"))
    yield db
    db.close()


def test_channels_agree_on_a_query(database: Any) -> None:
    embedded, bolt = EmbeddedChannel(database), BoltChannel(database)
    try:
        embedded.execute("CREATE (:A {x: 1})-[:T]->(:B)", {})
        query = "MATCH p = (a)-[t]->(b) RETURN a, t, b, p, $k AS k"
        results = [c.execute(query, {"k": [1, "two"]}) for c in (embedded, bolt)]
        for result in results:
            assert result.error is None
            assert result.columns == ("a", "t", "b", "p", "k")
        canon = [[tuple(canonical(v) for v in row) for row in r.rows] for r in results]
        assert canon[0] == canon[1]
        assert canon[1][0][4] == parse_value("[1, 'two']")
    finally:
        bolt.close()
        embedded.close()


def test_channels_report_the_phase(database: Any) -> None:
    embedded, bolt = EmbeddedChannel(database), BoltChannel(database)
    try:
        for channel in (embedded, bolt):
            compile_error = channel.execute("RETURN 1 +", {}).error
            assert compile_error is not None
            assert (compile_error.kind, compile_error.phase) == ("SyntaxError", COMPILE_TIME)
            execution = channel.execute("UNWIND [1, 0] AS i RETURN 1 / i AS x", {})
            assert execution.error is not None
            assert (execution.error.kind, execution.error.phase) == ("ArithmeticError", RUNTIME)
        bolt_error = bolt.execute("RETURN 1 +", {}).error
        assert bolt_error is not None
        assert isinstance(bolt_error.exception, neo4j.exceptions.CypherSyntaxError)
        assert "Neo.ClientError.Statement.SyntaxError" in bolt_error.message
    finally:
        bolt.close()
        embedded.close()


def test_bolt_channel_close_stops_the_server_and_keeps_the_database(database: Any) -> None:
    channel = BoltChannel(database)
    host, port = channel._server.address
    assert channel.execute("CREATE ()", {}).error is None
    channel.close()
    with pytest.raises(OSError), socket.create_connection((host, port), timeout=1):
        pass
    assert database.session().run("MATCH (n) RETURN count(n) AS c").single()["c"] == 1


def test_channel_factory() -> None:
    assert channel_factory("embedded") is EmbeddedChannel
    assert channel_factory("bolt") is BoltChannel
    with pytest.raises(ValueError, match="unknown way"):
        channel_factory("carrier-pigeon")


# ============================================================================ error mapping


def _error_classes() -> list[type[errors.MgError]]:
    seen: list[type[errors.MgError]] = []
    todo: list[type[errors.MgError]] = [errors.MgError]
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    assert storage_errors.ConstraintViolation in seen
    return seen


def test_specific_codes_map_back_to_the_errors_tck_kind() -> None:
    """Every error class gives back its ``tck_type`` over Bolt (and its detail where the code
    names one), except those sharing a generic Memgraph code, which give its classification
    (``KINDS`` is read from the error classes, so a new class with its own code is covered)."""
    generic = {errors.CLIENT_ERROR, errors.TRANSIENT_ERROR, errors.DATABASE_ERROR}
    for cls in _error_classes():
        kind, detail = error_kind(cls.code)
        if cls.code in generic:
            assert kind == cls.code.split(".")[1], cls
            assert detail is None
        else:
            assert kind == cls.tck_type, cls
            assert detail in (None, cls.tck_detail), cls
    assert error_kind("Neo.ClientError.Procedure.ProcedureNotFound") == (
        "ProcedureError", "ProcedureNotFound"
    )
    assert error_kind("weird") == ("DatabaseError", None)
    assert error_kind("Neo.ClientError.Database.DatabaseNotFound") == ("ClientError", None)


# ========================================================================= value conversion


def _utc_fields(epoch_seconds: int) -> tuple[int, ...]:
    moment = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=epoch_seconds)
    return moment.timetuple()[:6]


def test_driver_temporal_values_become_mgcore_ones() -> None:
    """The embedded API returns mgcore's temporal values; the Bolt channel gives the same,
    nanosecond-exact, so ``canonical`` sees one representation either way."""
    values = DriverValues()
    assert values.convert(neo4j_time.Date(2020, 1, 2)) == make_date("2020-01-02")
    assert values.convert(neo4j_time.Time(10, 30, 1, 5)) == make_local_time("10:30:01.000000005")
    assert values.convert(neo4j_time.Time(10, 30, tzinfo=pytz.FixedOffset(90))) == make_time(
        "10:30+01:30"
    )
    assert values.convert(neo4j_time.DateTime(2020, 1, 2, 3, 4, 5, 6)) == make_local_datetime(
        "2020-01-02T03:04:05.000000006"
    )
    offset = neo4j_time.DateTime(2020, 1, 2, 3, 4, 5, 6, tzinfo=pytz.FixedOffset(-330))
    assert values.convert(offset) == make_datetime("2020-01-02T03:04:05.000000006-05:30")
    zoned = pytz.timezone("Europe/Berlin").localize(neo4j_time.DateTime(2020, 7, 1, 12))
    assert values.convert(zoned) == make_datetime("2020-07-01T12:00[Europe/Berlin]")
    # pytz rounds Stockholm's +00:53:28 of 1818 to +00:53; the instant is kept exactly
    stockholm = make_datetime("1818-07-01T12:00:00.000000005[Europe/Stockholm]")
    seconds, nanos = divmod(stockholm.epoch_nanos(), 10**9)
    y, mo, d, h, mi, sec = _utc_fields(seconds)
    driver_value = neo4j_time.DateTime(y, mo, d, h, mi, sec, nanos, tzinfo=pytz.utc)
    driver_value = driver_value.astimezone(pytz.timezone("Europe/Stockholm"))
    assert driver_value.utcoffset() == dt.timedelta(minutes=53)  # not +00:53:28
    assert values.convert(driver_value) == stockholm
    # the driver gives offset 0 pytz's UTC zone: read as offset Z, the more common value
    utc = neo4j_time.DateTime(2020, 1, 2, tzinfo=pytz.utc)
    assert values.convert(utc) == make_datetime("2020-01-02T00:00Z")
    assert values.convert(neo4j_time.Duration(months=14, days=2, seconds=3, nanoseconds=4)) == (
        make_duration("P1Y2M2DT3.000000004S")
    )
    assert values.convert([(1, {"a": None})]) == [[1, {"a": None}]]


def test_driver_paths_keep_relationship_directions(database: Any) -> None:
    channel = BoltChannel(database)
    try:
        channel.execute("CREATE (:A)-[:R1]->(:B)<-[:R2]-(:C)", {})
        (row,) = channel.execute("MATCH p = (:A)-->(:B)<--(:C) RETURN p", {}).rows
    finally:
        channel.close()
    (path,) = row
    assert isinstance(path, GraphPath)
    assert all(isinstance(n, Node) for n in path.nodes)
    assert all(isinstance(r, Relationship) for r in path.relationships)
    assert canonical(path) == parse_value("<(:A)-[:R1]->(:B)<-[:R2]-(:C)>")


# ================================================================= command line and plugin

FEATURE = textwrap.dedent('''\
    Feature: Tiny
      Scenario: [1] Passes
        Given an empty graph
        And having executed:
          """
          CREATE (:A {v: 1})
          """
        When executing query:
          """
          MATCH (a:A) RETURN a
          """
        Then the result should be, in any order:
          | a             |
          | (:A {v: 1})   |
        And no side effects

      Scenario: [2] Errs
        Given any graph
        When executing query:
          """
          RETURN 1 / 0 AS x
          """
        Then a ArithmeticError should be raised at runtime: DivisionByZero
    ''')


@pytest.fixture
def tck(tmp_path: Path) -> Path:
    (tmp_path / "tck" / "features" / "tiny").mkdir(parents=True)
    (tmp_path / "tck" / "graphs").mkdir()
    (tmp_path / "tck" / "features" / "tiny" / "Tiny1.feature").write_text(FEATURE, "utf-8")
    return tmp_path / "tck"


def test_module_entry_point_via_bolt(tck: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert tck_main(["--tck", str(tck), "--via", "bolt"]) == 0
    assert "0 of 2 scenarios failed" in capsys.readouterr().out


def test_conformance_plugin_option(tck: Path, capfd: pytest.CaptureFixture[str]) -> None:
    args = ["-p", "no:cacheprovider", "-k", "test_tck", "--mg-tck", str(tck)]
    assert run_conformance(ENGINE, [*args, "-v", "--mg-tck-via=bolt"]) == 0
    out = capfd.readouterr().out
    assert "TCK queries via: bolt" in out
    assert "2 passed" in out
    assert run_conformance(ENGINE, [*args, "--mg-tck-via=pigeon"]) != 0
    assert "invalid choice" in capfd.readouterr().err
