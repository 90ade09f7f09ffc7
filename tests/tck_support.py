"""Helpers shared by the TCK runner's tests: an embedded-database factory and inline scenarios
written out as feature files."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mgcore.conformance.tck.gherkin import Scenario, parse_feature

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
