"""The plan cache: a repeated query skips parsing and planning; LRU bound; schema invalidation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import mgcore
from mgcore.config import load_settings
from mgcore.cypher import executor
from mgcore.database import MAX_CACHED_QUERY_LENGTH, Database
from mgcore.errors import ConfigurationError

POINT_QUERY = "MATCH (n:User {id: $id}) RETURN n.name"


def open_db(tmp_path: Path, **settings: object) -> Database:
    return mgcore.connect(
        data_directory=str(tmp_path), storage_wal_enabled=False, storage_snapshot_on_exit=False,
        **settings,
    )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_db(tmp_path)
    yield database
    database.close()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every query text the Cypher processor parses (and therefore plans)."""
    seen: list[str] = []
    real_parse = executor.parse

    def counting_parse(text: str):  # type: ignore[no-untyped-def]
        seen.append(text)
        return real_parse(text)

    monkeypatch.setattr(executor, "parse", counting_parse)
    return seen


def test_second_run_skips_parsing_and_planning(
    db: Database, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.session() as s:
        s.run("CREATE (:User {id: 1, name: 'Ann'})").consume()
        before = db.plan_cache.stats()
        assert s.run(POINT_QUERY, {"id": 1}).single()["n.name"] == "Ann"  # type: ignore[index]
        assert parses.count(POINT_QUERY) == 1

        plans: list[object] = []
        monkeypatch.setattr(
            db.processor, "plan", lambda *a, **k: plans.append(a) or pytest.fail("planned")
        )
        assert s.run(POINT_QUERY, {"id": 1}).single()["n.name"] == "Ann"  # type: ignore[index]
        assert s.run(POINT_QUERY, {"id": 2}).single(strict=False) is None
        assert parses.count(POINT_QUERY) == 1
        assert plans == []
        after = db.plan_cache.stats()
        assert after.misses == before.misses + 1
        assert after.hits == before.hits + 2


def test_cache_is_keyed_by_exact_text(db: Database, parses: list[str]) -> None:
    with db.session() as s:
        s.run("RETURN 1").consume()
        s.run("RETURN  1").consume()
        s.run("RETURN 1").consume()
    assert parses == ["RETURN 1", "RETURN  1"]


def test_lru_eviction_keeps_recently_used_plans(tmp_path: Path, parses: list[str]) -> None:
    database = open_db(tmp_path, query_plan_cache_max_size=2)
    try:
        with database.session() as s:
            for q in ("RETURN 1", "RETURN 2", "RETURN 1", "RETURN 3", "RETURN 1", "RETURN 2"):
                s.run(q).consume()
        assert parses == ["RETURN 1", "RETURN 2", "RETURN 3", "RETURN 2"]
        stats = database.plan_cache.stats()
        assert (stats.size, stats.max_size, stats.hits, stats.misses) == (2, 2, 2, 4)
        assert "RETURN 1" in database.plan_cache and "RETURN 3" not in database.plan_cache
    finally:
        database.close()


def test_size_zero_disables_the_cache(tmp_path: Path, parses: list[str]) -> None:
    database = open_db(tmp_path, query_plan_cache_max_size=0)
    try:
        with database.session() as s:
            assert s.run("RETURN 1 AS x").single()["x"] == 1  # type: ignore[index]
            assert s.run("RETURN 1 AS x").single()["x"] == 1  # type: ignore[index]
        assert parses == ["RETURN 1 AS x", "RETURN 1 AS x"]
        assert len(database.plan_cache) == 0
    finally:
        database.close()


def test_schema_change_invalidates_plans(db: Database, parses: list[str]) -> None:
    with db.session() as s:
        s.run(POINT_QUERY, {"id": 1}).consume()
        db.schema_changed(("test", "changed"))
        assert len(db.plan_cache) == 0
        s.run(POINT_QUERY, {"id": 1}).consume()
        s.run(POINT_QUERY, {"id": 1}).consume()
    assert parses.count(POINT_QUERY) == 2


def test_huge_query_texts_are_not_cached(db: Database) -> None:
    query = "RETURN '" + "x" * MAX_CACHED_QUERY_LENGTH + "' AS s"
    with db.session() as s:
        assert len(s.run(query).single()["s"]) == MAX_CACHED_QUERY_LENGTH  # type: ignore[index]
    assert query not in db.plan_cache


def test_failed_preparation_is_not_cached(db: Database, parses: list[str]) -> None:
    with db.session() as s:
        for _ in range(2):
            with pytest.raises(mgcore.errors.CypherSyntaxError):
                s.run("RETURN nosuchfunction(1)")
        assert s.run("RETURN 1 AS x").single()["x"] == 1  # type: ignore[index]
    assert parses.count("RETURN nosuchfunction(1)") == 2


def test_setting_spellings_and_validation() -> None:
    assert load_settings([], env={}).query_plan_cache_max_size == 1000
    flag = load_settings(["--query-plan-cache-max-size=10"], env={})
    assert flag.query_plan_cache_max_size == 10
    env = load_settings([], env={"MGCORE_QUERY_PLAN_CACHE_MAX_SIZE": "7"})
    assert env.query_plan_cache_max_size == 7
    with pytest.raises(ConfigurationError):
        load_settings(["--query-plan-cache-max-size=-1"], env={})
