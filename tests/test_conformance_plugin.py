"""Tests of the conformance machinery itself: the pytest plugin's options, marker, fixtures,
known failures and header (through ``pytester``), the known-failures format, and ``run()``."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mgcore.conformance import NO_TESTS_COLLECTED, USAGE_ERROR, pytest_command, run
from mgcore.conformance.knownfail import (
    BUILTIN_FILE,
    TCK_FILE,
    KnownFailuresError,
    first_match,
    load_known_failures,
    parse_known_failures,
)
from mgcore.conformance.plugin import describe_capabilities, skip_reason, unmet_requirements
from mgcore.storage.capabilities import Capabilities
from mgcore.storage.records import IsolationLevel

pytest_plugins = ["pytester"]

FAKE_ENGINE = '''
"""A minimal engine that records what the plugin does with it."""
from mgcore.storage.capabilities import Capabilities
from mgcore.storage.protocol import API_VERSION

EVENTS = []


class FakeEngine:
    name = "FAKE_ENGINE"
    api_version = API_VERSION
    capabilities = Capabilities(transactional=True, durable=False, label_index=True)

    def open(self, ctx):
        self.ctx = ctx
        EVENTS.append(("open", id(self), str(ctx.data_directory), dict(ctx.settings)))

    def close(self):
        EVENTS.append(("close", id(self)))

    def begin(self, isolation=None, read_only=False):
        raise NotImplementedError

    @property
    def schema(self):
        raise NotImplementedError

    def statistics(self):
        raise NotImplementedError

    def set_isolation_level(self, level):
        raise NotImplementedError

    def create_snapshot(self):
        raise NotImplementedError

    def info(self):
        return []

    def free_memory(self):
        return None


class WrongApi(FakeEngine):
    name = "WRONG_API"
    api_version = -1
'''
SHIPPED_FOR_ALL = sum(
    entry.engine == "*" for entry in load_known_failures([BUILTIN_FILE, TCK_FILE])
)
"""Shipped known failures that apply to every engine, a fake one included."""
PLUGIN = ("-p", "mgcore.conformance.plugin", "-W", "ignore::pytest.PytestAssertRewriteWarning")
FAKE = ("--mg-engine", "fake_engine:FakeEngine")


@pytest.fixture
def fake(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester directory with the fake engine importable in-process and in subprocesses."""
    pytester.makepyfile(fake_engine=FAKE_ENGINE)
    pytester.syspathinsert()
    monkeypatch.delenv("MGCORE_CONFORMANCE_ENGINE", raising=False)
    monkeypatch.setenv("PYTHONPATH", str(pytester.path))
    monkeypatch.delitem(sys.modules, "fake_engine", raising=False)
    return pytester


# ------------------------------------------------------------------------------- engine option


def test_engine_is_required(fake: pytest.Pytester) -> None:
    """Without --mg-engine or the environment variable the run is a usage error naming both."""
    fake.makepyfile(test_a="def test_a(): pass")
    result = fake.runpytest(*PLUGIN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--mg-engine NAME*MGCORE_CONFORMANCE_ENGINE*"])


def test_engine_from_environment(fake: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    fake.makepyfile(test_a="def test_a(mg_engine_name): assert mg_engine_name == 'FAKE_ENGINE'")
    monkeypatch.setenv("MGCORE_CONFORMANCE_ENGINE", "fake_engine:FakeEngine")
    result = fake.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1)


def test_unknown_engine_is_a_usage_error_with_the_registry_message(fake: pytest.Pytester) -> None:
    fake.makepyfile(test_a="def test_a(): pass")
    result = fake.runpytest(*PLUGIN, "--mg-engine", "NO_SUCH_ENGINE")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*No storage engine named 'NO_SUCH_ENGINE'*installed engines*"])


def test_engine_breaking_the_contract_is_a_usage_error(fake: pytest.Pytester) -> None:
    fake.makepyfile(test_a="def test_a(): pass")
    result = fake.runpytest(*PLUGIN, "--mg-engine", "fake_engine:WrongApi")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*engine API version -1*"])


def test_header_names_engine_and_capabilities(fake: pytest.Pytester) -> None:
    fake.makepyfile(test_a="def test_a(): pass")
    result = fake.runpytest(*PLUGIN, *FAKE)
    result.stdout.fnmatch_lines([
        "mgcore conformance: engine FAKE_ENGINE (*fake_engine.FakeEngine*), mgcore *",
        "capabilities: transactional, isolation=SNAPSHOT_ISOLATION, write_conflicts_at=write,"
        " label_index, properties_on_edges, thread_safe",
        f"known failures for this engine: {SHIPPED_FOR_ALL}",
    ])


# ------------------------------------------------------------------------------------- marker


def test_requires_marker_skips_by_capability(fake: pytest.Pytester) -> None:
    """Declared capabilities run, undeclared ones skip with a reason naming the capability, and
    ``!name`` inverts the requirement."""
    fake.makepyfile(test_caps="""
        import pytest

        @pytest.mark.requires("transactional", "label_index")
        def test_declared(): pass

        @pytest.mark.requires("durable")
        def test_undeclared(): pass

        @pytest.mark.requires("!durable")
        def test_negated(): pass

        @pytest.mark.requires("!transactional")
        def test_negated_declared(): pass

        @pytest.mark.requires("READ_COMMITTED")
        def test_level(): pass

        @pytest.mark.requires("write_conflicts_at_write")
        def test_conflicts(): pass

        @pytest.mark.requires("durable")
        class TestDurable:
            def test_in_class(self): pass
    """)
    result = fake.runpytest(*PLUGIN, *FAKE, "-rs")
    result.assert_outcomes(passed=3, skipped=4)
    result.stdout.fnmatch_lines_random([
        "*test_caps.py:6: engine FAKE_ENGINE does not declare 'durable'",
        "*engine FAKE_ENGINE declares 'transactional'",
        "*engine FAKE_ENGINE does not declare 'READ_COMMITTED'",
    ])


def test_unknown_capability_is_a_usage_error(fake: pytest.Pytester) -> None:
    fake.makepyfile(test_a="""
        import pytest

        @pytest.mark.requires("teleportation")
        def test_a(): pass
    """)
    result = fake.runpytest(*PLUGIN, *FAKE)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*unknown capability in @requires*", "*test_a.py::test_a*'teleportation'*"]
    )


def test_marker_is_registered(fake: pytest.Pytester) -> None:
    fake.makepyfile(test_a="""
        import pytest

        @pytest.mark.requires("transactional")
        def test_a(): pass
    """)
    result = fake.runpytest(*PLUGIN, *FAKE, "--strict-markers")
    result.assert_outcomes(passed=1)


# ----------------------------------------------------------------------------------- fixtures


def test_engine_fixture_opens_in_a_fresh_directory_and_closes(fake: pytest.Pytester) -> None:
    """``engine`` is opened once on ``data_dir`` with ``engine_settings`` and closed after."""
    fake.makepyfile(test_fix="""
        import fake_engine

        def test_open(engine, data_dir, engine_settings, capabilities, engine_class):
            assert engine_class is fake_engine.FakeEngine
            assert capabilities.label_index
            assert list(data_dir.iterdir()) == []
            assert engine.ctx.data_directory == data_dir
            assert dict(engine.ctx.settings) == engine_settings
            assert engine_settings == {"storage_properties_on_edges": True}
            assert [e[0] for e in fake_engine.EVENTS] == ["open"]

        def test_closed_after():
            assert [e[0] for e in fake_engine.EVENTS] == ["open", "close"]
            assert fake_engine.EVENTS[0][1] == fake_engine.EVENTS[1][1]
    """)
    fake.runpytest(*PLUGIN, *FAKE, "-p", "no:randomly").assert_outcomes(passed=2)


def test_reopen_fixture_closes_and_reopens_on_the_same_directory(fake: pytest.Pytester) -> None:
    fake.makepyfile(test_fix="""
        import fake_engine

        def test_reopen(engine, reopen, data_dir):
            second = reopen()
            third = reopen(settings={"x": 1})
            assert second is not engine and third is not second
            kinds = [(e[0], e[1]) for e in fake_engine.EVENTS]
            assert kinds == [
                ("open", id(engine)), ("close", id(engine)),
                ("open", id(second)), ("close", id(second)), ("open", id(third)),
            ]
            assert {e[2] for e in fake_engine.EVENTS if e[0] == "open"} == {str(data_dir)}
            assert third.ctx.settings == {"x": 1}

        def test_after():
            assert sum(1 for e in fake_engine.EVENTS if e[0] == "open") == 3
            assert sum(1 for e in fake_engine.EVENTS if e[0] == "close") == 3

        def test_reopen_keeps_directory_and_settings(engine_factory, tmp_path):
            first = engine_factory.open(data_dir=tmp_path / "elsewhere", settings={"s": 1})
            second = engine_factory.reopen()
            assert second.ctx.data_directory == tmp_path / "elsewhere"
            assert second.ctx.settings == {"s": 1}
            assert ("close", id(first)) in fake_engine.EVENTS
    """)
    fake.runpytest(*PLUGIN, *FAKE).assert_outcomes(passed=3)


def test_engine_settings_can_be_overridden(fake: pytest.Pytester) -> None:
    """Parametrizing ``engine_settings`` directly (or overriding the fixture) reaches the engine."""
    fake.makepyfile(test_fix="""
        import pytest

        @pytest.mark.parametrize("engine_settings", [{"storage_properties_on_edges": False}])
        def test_param(engine):
            assert engine.ctx.settings == {"storage_properties_on_edges": False}

        class TestOverride:
            @pytest.fixture
            def engine_settings(self):
                return {"isolation_level": "SNAPSHOT_ISOLATION"}

            def test_override(self, engine):
                assert engine.ctx.settings == {"isolation_level": "SNAPSHOT_ISOLATION"}
    """)
    fake.runpytest(*PLUGIN, *FAKE).assert_outcomes(passed=2)


def test_database_fixture_skips_for_engines_outside_the_entry_points(
    fake: pytest.Pytester,
) -> None:
    fake.makepyfile(test_fix="def test_db(session): pass")
    result = fake.runpytest(*PLUGIN, *FAKE, "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*embedded API finds engines through the mgcore.engines*"])


# ----------------------------------------------------------------------------- known failures


KNOWN_TESTS = """
    import pytest

    def test_fails(): assert False

    def test_passes(): pass

    @pytest.mark.parametrize("x", [1, 2])
    def test_param(x): assert x == 3

    def test_other_engine(): assert False
"""


def test_known_failures_become_strict_xfails(fake: pytest.Pytester) -> None:
    """A listed failing test xfails with its reason; a listed passing test fails the run; entries
    for other engines do not apply; an unparametrised name covers every parameter."""
    fake.makepyfile(test_known=KNOWN_TESTS)
    known = fake.path / "known.txt"
    known.write_text(textwrap.dedent("""
        # comment line

        FAKE_ENGINE  test_known.py::test_fails   # engine bug 1
        *            test_known.py::test_passes  # wrongly listed
        FAKE_ENGINE  test_known.py::test_param   # all parameters
        OTHER        test_known.py::test_other_engine  # not for this engine
        FAKE_ENGINE  test_known.py::test_gone    # stale entry
    """))
    result = fake.runpytest(*PLUGIN, *FAKE, "--mg-known-failures", str(known), "-rfxX")
    result.assert_outcomes(failed=2, xfailed=3)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines_random([
        "XFAIL test_known.py::test_fails - known failure: engine bug 1 (*known.txt:4)",
        "FAILED test_known.py::test_passes - [[]XPASS(strict)[]] known failure: wrongly*",
        "FAILED test_known.py::test_other_engine - assert False",
        "*known.txt:8: FAKE_ENGINE test_known.py::test_gone matches no test",
        f"known failures for this engine: {SHIPPED_FOR_ALL + 4}",
    ])


def test_known_failures_glob_patterns(fake: pytest.Pytester) -> None:
    fake.makepyfile(test_known=KNOWN_TESTS)
    known = fake.path / "known.txt"
    known.write_text("FAKE_ENGINE  test_known.py::test_*s  # glob\n"
                     "FAKE_ENGINE  test_known.py::test_param[2]  # brackets are literal\n")
    result = fake.runpytest(*PLUGIN, *FAKE, "--mg-known-failures", str(known))
    result.assert_outcomes(failed=3, xfailed=2)


def test_malformed_known_failures_file_is_a_usage_error(fake: pytest.Pytester) -> None:
    fake.makepyfile(test_known=KNOWN_TESTS)
    known = fake.path / "known.txt"
    known.write_text("FAKE_ENGINE test_known.py::test_fails\n")
    result = fake.runpytest(*PLUGIN, *FAKE, "--mg-known-failures", str(known))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*known.txt:1: an entry needs a reason*"])
    result = fake.runpytest(*PLUGIN, *FAKE, "--mg-known-failures", str(fake.path / "missing"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*cannot read known-failures file*"])


def test_known_failures_format() -> None:
    text = textwrap.dedent("""
        # header
        *    test_a.py            # whole module
        E1   test_b.py::T::t[x]   # one parameter, reason with # inside
        *    test_c.py::t[a b #2]  # a pattern with blanks and a '#' of its own
    """)
    entries = parse_known_failures(text, "f.txt")
    assert [(e.engine, e.pattern, e.reason, e.line) for e in entries] == [
        ("*", "test_a.py", "whole module", 3),
        ("E1", "test_b.py::T::t[x]", "one parameter, reason with # inside", 4),
        ("*", "test_c.py::t[a b #2]", "a pattern with blanks and a '#' of its own", 5),
    ]
    module, param, spaced = entries
    assert spaced.matches("test_c.py::t[a b #2]") and not spaced.matches("test_c.py::t[a b #3]")
    assert module.applies_to("ANY") and param.applies_to("E1") and not param.applies_to("E2")
    assert module.matches("test_a.py::test_x[1]")
    assert module.matches("test_a.py::TestC::test_y")
    assert not module.matches("test_a.pyc::x")
    assert not module.matches("test_ab.py::x")
    assert param.matches("test_b.py::T::t[x]")
    assert not param.matches("test_b.py::T::t[y]")
    assert first_match(entries, "test_c.py::t") is None
    for bad in ("onlyonefield # reason", "E1 # reason", "E1 pattern", "E1 pattern #  "):
        with pytest.raises(KnownFailuresError):
            parse_known_failures(bad, "bad.txt")


def test_shipped_known_failures_file_parses() -> None:
    from mgcore.conformance.knownfail import BUILTIN_FILE, TCK_FILE

    assert load_known_failures([BUILTIN_FILE, TCK_FILE])


def test_capability_helpers() -> None:
    caps = Capabilities(
        isolation_levels=frozenset({IsolationLevel.SNAPSHOT_ISOLATION}), durable=True
    )
    assert unmet_requirements(caps, ("durable", "!label_index", "SNAPSHOT_ISOLATION")) == []
    assert unmet_requirements(caps, ("!durable", "READ_COMMITTED")) == [
        "!durable", "READ_COMMITTED",
    ]
    with pytest.raises(KeyError):
        unmet_requirements(caps, ("nonsense",))
    assert skip_reason("E", ["!durable", "x"]) == "engine E declares 'durable' and does not " \
        "declare 'x'"
    assert "durable" in describe_capabilities(caps)


# ---------------------------------------------------------------------------------------- run


def test_pytest_command_is_the_documented_one() -> None:
    assert pytest_command("E", ["-q"])[1:] == [
        "-m", "pytest", "-p", "mgcore.conformance.plugin", "--pyargs", "mgcore.conformance.suite",
        "--mg-engine", "E", "-q",
    ]


def test_run_unknown_engine_fails_with_the_registry_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("NO_SUCH_ENGINE") == USAGE_ERROR
    assert "No storage engine named 'NO_SUCH_ENGINE'" in capsys.readouterr().err


def test_run_with_nothing_collected_fails(capfd: pytest.CaptureFixture[str]) -> None:
    """Exit code 5 (no tests) is passed on, never turned into success."""
    code = run("IN_MEMORY_TRANSACTIONAL", ["-q", "-p", "no:cacheprovider", "-k", "no_such_test"])
    assert code == NO_TESTS_COLLECTED
    assert "no tests were collected" in capfd.readouterr().err


def test_run_passes_and_fails_with_pytest(
    fake: pytest.Pytester, capfd: pytest.CaptureFixture[str]
) -> None:
    """A passing selection returns 0; an engine that breaks the contract returns pytest's usage
    error with the registry's message."""
    args = ["-q", "-p", "no:cacheprovider", "-k", "test_engine_class_attributes"]
    assert run("IN_MEMORY_TRANSACTIONAL", args) == 0
    capfd.readouterr()
    assert run("fake_engine:WrongApi", args) == USAGE_ERROR
    assert "engine API version -1" in capfd.readouterr().err


def test_module_entry_point(tmp_path: Path) -> None:
    """``python -m mgcore.conformance`` without an engine prints usage and fails."""
    proc = subprocess.run(
        [sys.executable, "-m", "mgcore.conformance"], capture_output=True, text=True,
        cwd=tmp_path, check=False,
    )
    assert proc.returncode == USAGE_ERROR
    assert "usage: python -m mgcore.conformance ENGINE" in proc.stderr
