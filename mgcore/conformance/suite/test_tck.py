"""The openCypher TCK: every scenario of every feature file, one test each, on a fresh database
of the engine under test (see ``mgcore.conformance.tck``), its queries sent as ``--mg-tck-via``
says: through the embedded API or over Bolt."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mgcore.conformance.tck import find_tck
from mgcore.conformance.tck.gherkin import load_features
from mgcore.conformance.tck.runner import ScenarioRunner, channel_factory


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "tck_scenario" not in metafunc.fixturenames:
        return
    root = find_tck(metafunc.config.getoption("mg_tck"))
    if root is None:
        metafunc.parametrize(
            "tck_scenario",
            [pytest.param(None, marks=pytest.mark.skip(reason="no TCK found; pass --mg-tck DIR"))],
            ids=["no-tck"],
        )
        return
    scenarios = load_features(root / "features")
    metafunc.parametrize("tck_scenario", scenarios, ids=[s.id for s in scenarios])


@pytest.fixture
def open_tck_database(
    mg_engine_name: str, tmp_path: Path, engine_settings: dict[str, Any]
) -> Callable[[list[Any]], Any]:
    """Opens an embedded database on the engine under test with extra plugins registered."""
    from mgcore.database import Database
    from mgcore.plugins import bootstrap

    counter = itertools.count()

    def open_database(plugins: list[Any]) -> Any:
        overrides = {
            "storage_mode": mg_engine_name,
            "data_directory": str(tmp_path / f"db{next(counter)}"),
            **engine_settings,
        }
        host, settings = bootstrap([], overrides=overrides)
        for plugin in plugins:
            host.register(plugin)
        return Database.open(settings, plugins=host)

    return open_database


def test_tck(tck_scenario: Any, open_tck_database: Callable[[list[Any]], Any],
             request: pytest.FixtureRequest) -> None:
    root = find_tck(request.config.getoption("mg_tck"))
    assert root is not None
    channel = channel_factory(request.config.getoption("mg_tck_via"))
    ScenarioRunner(tck_scenario, open_tck_database, root / "graphs", channel).run()
