"""The server answers the current neo4j driver (a first end-to-end check; the driver suites are
in their own modules)."""

from __future__ import annotations

import pytest

neo4j = pytest.importorskip("neo4j")


def test_return_parameter_round_trip(server) -> None:
    with neo4j.GraphDatabase.driver(server.uri, auth=None) as driver:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query("RETURN $p AS p", p=[1, "two", 3.0])
        assert records[0]["p"] == [1, "two", 3.0]


def test_serve_process_stops_on_sigterm(serve_process) -> None:
    proc = serve_process()
    with neo4j.GraphDatabase.driver(proc.uri, auth=None) as driver:
        driver.execute_query("CREATE (:Kept)")
    assert proc.stop() == 0
    assert any("Bolt server stopped" in line for line in proc.log)
