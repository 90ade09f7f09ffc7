"""Helpers shared by the TCK runner's tests: an embedded-database factory, inline scenarios
written out as feature files, and the scenarios (with their expected outcome) that both the
runner's tests and the TCK-over-Bolt tests run."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mgcore.conformance.tck.gherkin import Scenario, parse_feature
from mgcore.conformance.tck.runner import ScenarioFailure

ENGINE = "IN_MEMORY_TRANSACTIONAL"

DatabaseFactory = Callable[[list[Any]], Any]


def database_factory(tmp_path: Path, engine: str = ENGINE) -> DatabaseFactory:
    """Opens embedded databases with extra plugins registered (as the conformance suite's
    ``open_tck_database`` does); ``factory.opened`` lists what it opened."""
    from mgcore.database import Database
    from mgcore.plugins import bootstrap

    counter = itertools.count()
    opened: list[Any] = []

    def open_db(plugins: list[Any]) -> Any:
        overrides = {"storage_mode": engine, "data_directory": str(tmp_path / f"db{next(counter)}")}
        host, settings = bootstrap([], overrides=overrides)
        for plugin in plugins:
            host.register(plugin)
        database = Database.open(settings, plugins=host)
        opened.append(database)
        return database

    open_db.opened = opened  # type: ignore[attr-defined]
    return open_db


_features = itertools.count()


def inline_scenario(tmp_path: Path, steps: str) -> Scenario:
    """The steps of one scenario (indentation free), written as a feature file and parsed."""
    lines, in_docstring = [], False
    for raw in textwrap.dedent(steps).strip("\n").splitlines():
        line = raw.strip()
        if line == '"""':
            in_docstring = not in_docstring
            lines.append("      " + line)
        elif in_docstring or line.startswith("|"):
            lines.append("      " + line)
        elif line:
            lines.append("    " + line)
    path = tmp_path / "features" / f"F{next(_features)}.feature"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Feature: F\n\n  Scenario: S\n" + "\n".join(lines) + "\n", "utf-8")
    (scenario,) = parse_feature(path)
    return scenario


def q(query: str) -> str:
    """A docstring block for a step."""
    return '"""\n' + query + '\n"""'


# ============================================ scenarios both the runner's tests and Bolt's run


@dataclass(frozen=True)
class Case:
    """The steps of one inline scenario and what running them must do: pass, or (``fails``
    set) raise a ScenarioFailure whose message matches the pattern ``fails``."""

    steps: str
    fails: str | None = None


def check(run_scenario: Callable[[str], None], *cases: Case) -> None:
    """Runs each case through ``run_scenario`` (a test's fixture) and checks its outcome."""
    for case in cases:
        if case.fails is None:
            run_scenario(case.steps)
        else:
            with pytest.raises(ScenarioFailure, match=case.fails):
                run_scenario(case.steps)


def one_query(query: str, then: str, fails: str | None = None, graph: str = "any") -> Case:
    """A case that runs ``query`` on ``graph`` ("any" or "an empty") and ends with the step
    ``then`` (more steps may follow it, each on a line of its own)."""
    return Case(f"Given {graph} graph\nWhen executing query:\n{q(query)}\nThen {then}\n", fails)


SYNTAX_ERROR_AT_COMPILE_TIME = one_query(
    "RETURN 1 +", "a SyntaxError should be raised at compile time: UnexpectedSyntax"
)
SYNTAX_ERROR_EXPECTED_AT_RUNTIME = one_query(
    "RETURN 1 +", "a SyntaxError should be raised at runtime: UnexpectedSyntax",
    fails="at runtime; got SyntaxError at compile time",
)
RUNTIME_ERROR_ROLLS_BACK = one_query(
    "UNWIND [1, 0] AS i CREATE ({v: 1 / i})",
    "a ArithmeticError should be raised at runtime: DivisionByZero\nAnd no side effects",
    graph="an empty",
)
RUNTIME_ERROR_EXPECTED_AT_COMPILE_TIME = one_query(
    "RETURN 1 / 0 AS x", "a ArithmeticError should be raised at compile time: DivisionByZero",
    fails="at compile time; got ArithmeticError at runtime",
)
UNCHECKED_ERROR = one_query(
    "RETURN 1 / 0 AS x", "no side effects", fails="no error was expected; got ArithmeticError"
)
ERROR_OF_THE_WRONG_KIND = one_query(
    "RETURN 1 / 0 AS x", "a TypeError should be raised at runtime: InvalidArgumentType",
    fails=r"expected TypeError .*got ArithmeticError",
)
PROCEDURE_NOT_FOUND = one_query(
    "CALL no.such.procedure()",
    "a ProcedureError should be raised at compile time: ProcedureNotFound",
)
PROCEDURE_ERROR_OF_THE_WRONG_DETAIL = one_query(
    "CALL no.such.procedure()",
    "a ProcedureError should be raised at compile time: InvalidArgumentType",
    fails=r"expected ProcedureError \(InvalidArgumentType\)",
)
FAILING_SETUP_STEPS = f"""
    Given an empty graph
    And having executed:
    {q("CREATE (")}
    When executing query:
    {q("RETURN 1 AS x")}
    Then the result should be, in any order:
      | x |
      | 1 |
    """
