"""Index-aware planning: which lookup the planner picks from the engine's statistics, what
EXPLAIN shows, and that queries return the same rows with and without indexes.

Two kinds of tests. The cost choice is tested at the planner level with a stub
``GraphStatistics`` (which indexes exist and how selective they are). Results are tested end to
end on the real engine: ``claimed_indexes`` makes the database's statistics list indexes the
engine does not have, so the planner seeks and the engine serves each seek by scan and filter
(its documented fallback), which exercises every seek operator and the filters it removes; when
the engine supports indexes, the same comparison also runs with real ones.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mgcore
from mgcore.cypher.binder import bind
from mgcore.cypher.explain import plan_lines
from mgcore.cypher.logical.planner import Planner
from mgcore.cypher.logical.rules import default_rules, optimize
from mgcore.cypher.parser import parse
from mgcore.cypher.physical.compile import PlanCompiler
from mgcore.cypher.physical.row import Layout
from mgcore.database import Database
from mgcore.session import Session
from mgcore.storage.records import GraphStatistics, IndexSpec, IndexStatistics
from mgcore.values.compare import order_key
from mgcore.values.temporal_build import make_date, make_datetime, make_duration


def stats(
    labels: dict[str, int] | None = None, **indexes: tuple[int, int]
) -> GraphStatistics:
    """Statistics with ``labels`` counted and ``indexes`` (``L`` or ``L__p`` -> (entries,
    distinct values))."""
    index_stats = {}
    for name, (entries, distinct) in indexes.items():
        label, _, key = name.partition("__")
        spec = IndexSpec(label, (key,) if key else ())
        index_stats[spec] = IndexStatistics(entries, distinct)
    labels = labels or {}
    return GraphStatistics(sum(labels.values()), 0, labels, index_stats=index_stats)


def explain(db: Database, query: str, statistics: GraphStatistics | None) -> list[str]:
    """EXPLAIN's lines for ``query`` planned with ``statistics``."""
    processor: Any = db.processor
    statement = parse(query)
    bind(statement, processor.functions)  # type: ignore[arg-type]
    planner = Planner(processor.functions)
    logical, _ = planner.plan_query(statement)  # type: ignore[arg-type]
    rules = default_rules(statistics)
    compiler = PlanCompiler(processor.functions, processor.procedures, planner, rules=rules)
    root, _ = compiler.compile(optimize(logical, rules), Layout())
    return plan_lines(root)


# ------------------------------------------------------------------------- cost choice


def test_without_indexes_the_plan_is_scan_all_and_filter(db: Database) -> None:
    for statistics in (None, stats({"L": 10})):
        lines = explain(db, "MATCH (n:L {p: 1}) RETURN n", statistics)
        assert lines == [" * Produce {n}", " * Filter", " * Filter", " * ScanAll (n)", " * Once"]


def test_label_index(db: Database) -> None:
    lines = explain(db, "MATCH (n:L) RETURN n", stats({"L": 10}, L=(10, 1)))
    assert lines == [" * Produce {n}", " * ScanAllByLabel (n :L)", " * Once"]
    # an index on another label is not used, the label test stays a filter
    lines = explain(db, "MATCH (n:L:M) RETURN n", stats({"L": 10, "M": 5}, M=(5, 1)))
    assert lines == [" * Produce {n}", " * Filter", " * ScanAllByLabel (n :M)", " * Once"]


def test_cheapest_label_of_several(db: Database) -> None:
    s = stats({"A": 1000, "B": 3}, A=(1000, 1), B=(3, 1))
    assert " * ScanAllByLabel (n :B)" in explain(db, "MATCH (n:A:B) RETURN n", s)
    s = stats({"A": 2, "B": 300}, A=(2, 1), B=(300, 1))
    assert " * ScanAllByLabel (n :A)" in explain(db, "MATCH (n:A:B) RETURN n", s)


def test_equality_seek_from_map_and_where(db: Database) -> None:
    s = stats({"L": 100}, L=(100, 1), L__p=(100, 100))
    for query in ("MATCH (n:L {p: 1}) RETURN n", "MATCH (n:L) WHERE n.p = $v RETURN n",
                  "MATCH (n:L) WHERE 1 = n.p RETURN n"):
        assert explain(db, query, s) == [
            " * Produce {n}", " * ScanAllByLabelPropertyValue (n :L {p})", " * Once"
        ], query


def test_equality_against_label_by_selectivity(db: Database) -> None:
    query = "MATCH (n:L:M) WHERE n.p = 1 RETURN n"
    # p has 2 distinct values over 1000 entries (500 per value) but M has 10 nodes
    s = stats({"L": 1000, "M": 10}, M=(10, 1), L__p=(1000, 2))
    assert " * ScanAllByLabel (n :M)" in explain(db, query, s)
    s = stats({"L": 1000, "M": 10}, M=(10, 1), L__p=(1000, 1000))
    lines = explain(db, query, s)
    assert " * ScanAllByLabelPropertyValue (n :L {p})" in lines
    assert lines.count(" * Filter") == 1  # :M stays


def test_most_selective_property(db: Database) -> None:
    s = stats({"L": 1000}, L__a=(1000, 2), L__b=(1000, 500))
    lines = explain(db, "MATCH (n:L) WHERE n.a = 1 AND n.b = 2 RETURN n", s)
    assert " * ScanAllByLabelPropertyValue (n :L {b})" in lines
    assert lines.count(" * Filter") == 1  # n.a = 1 stays


def test_range_bounds_combine(db: Database) -> None:
    s = stats({"L": 1000}, L__p=(1000, 1000))
    lines = explain(db, "MATCH (n:L) WHERE n.p > 1 AND n.p <= 5 RETURN n", s)
    assert lines == [" * Produce {n}", " * ScanAllByLabelPropertyRange (n :L {p})", " * Once"]
    lines = explain(db, "MATCH (n:L) WHERE 1 < n.p RETURN n", s)
    assert lines == [" * Produce {n}", " * ScanAllByLabelPropertyRange (n :L {p})", " * Once"]
    # a second lower bound on the same property stays a filter
    lines = explain(db, "MATCH (n:L) WHERE n.p > 1 AND n.p > $x RETURN n", s)
    assert lines.count(" * Filter") == 1


def test_range_against_equality(db: Database) -> None:
    # few distinct values: an equality seek yields more than a range is assumed to
    s = stats({"L": 1000}, L__a=(1000, 2), L__b=(1000, 1000))
    lines = explain(db, "MATCH (n:L) WHERE n.a = 1 AND n.b > 3 RETURN n", s)
    assert " * ScanAllByLabelPropertyRange (n :L {b})" in lines
    s = stats({"L": 1000}, L__a=(1000, 900), L__b=(1000, 1000))
    lines = explain(db, "MATCH (n:L) WHERE n.a = 1 AND n.b > 3 RETURN n", s)
    assert " * ScanAllByLabelPropertyValue (n :L {a})" in lines


def test_prefix_in_list_and_is_not_null(db: Database) -> None:
    s = stats({"L": 1000}, L__p=(1000, 1000))
    assert " * ScanAllByLabelPropertyRange (n :L {p})" in explain(
        db, "MATCH (n:L) WHERE n.p STARTS WITH 'a' RETURN n", s)
    assert explain(db, "MATCH (n:L) WHERE n.p IN [1, 2] RETURN n", s) == [
        " * Produce {n}", " * ScanAllByLabelPropertyValue (n :L {p})", " * Once"]
    assert explain(db, "MATCH (n:L) WHERE n.p IS NOT NULL RETURN n", s) == [
        " * Produce {n}", " * ScanAllByLabelProperty (n :L {p})", " * Once"]
    # IS NULL cannot be served by an index
    assert " * ScanAll (n)" in explain(db, "MATCH (n:L) WHERE n.p IS NULL RETURN n", s)


def test_not_seekable_values(db: Database) -> None:
    s = stats({"L": 1000}, L__p=(1000, 1000), L__q=(1000, 1000))
    for query in (
        "MATCH (n:L) WHERE n.p = n.q RETURN n",
        "MATCH (n:L) WHERE n.p = rand() RETURN n",
        "MATCH (n:L) WHERE n.p = size([(n)-->() | 1]) RETURN n",
        "MATCH (n:L) WHERE n.p <> 1 RETURN n",
        "MATCH (n:L) WHERE n.p = 1 OR n.q = 2 RETURN n",
        "MATCH (n:L) WHERE n.p ENDS WITH 'x' RETURN n",
    ):
        assert " * ScanAll (n)" in explain(db, query, s), query


def test_composite_index_serves_equality_on_all_its_properties(db: Database) -> None:
    s = GraphStatistics(10, 0, {"L": 10}, index_stats={
        IndexSpec("L", ("a", "b")): IndexStatistics(10, 10)})
    for query in ("MATCH (n:L {a: 1, b: 2}) RETURN n",
                  "MATCH (n:L) WHERE n.b = 2 AND 1 = n.a RETURN n"):
        assert explain(db, query, s) == [
            " * Produce {n}", " * ScanAllByLabelProperties (n :L {a, b})", " * Once"], query
    assert explain(db, "MATCH (n:L) WHERE n.a = 1 AND n.b > 2 RETURN n", s)[-2:] == [
        " * ScanAll (n)", " * Once"]
    # a single-property index with the same estimate loses the tie; a more selective one wins
    s2 = dataclasses.replace(s, index_stats={**s.index_stats,
                                             IndexSpec("L", ("a",)): IndexStatistics(10, 10)})
    assert " * ScanAllByLabelProperties (n :L {a, b})" in explain(
        db, "MATCH (n:L {a: 1, b: 2}) RETURN n", s2)
    s3 = dataclasses.replace(s, index_stats={IndexSpec("L", ("a", "b")): IndexStatistics(10, 2),
                                             IndexSpec("L", ("a",)): IndexStatistics(10, 10)})
    assert " * ScanAllByLabelPropertyValue (n :L {a})" in explain(
        db, "MATCH (n:L {a: 1, b: 2}) RETURN n", s3)


def test_composite_seek_end_to_end(tmp_path_factory: pytest.TempPathFactory) -> None:
    database = mgcore.connect(
        storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path_factory.mktemp("c"))
    )
    try:
        with database.session() as s:
            s.run("CREATE INDEX ON :Person(first, last)").consume()
            s.run("UNWIND range(0, 299) AS i CREATE (:Person {first: i % 10, last: i % 7, "
                  "i: i})").consume()
            s.run("CREATE (:Person {first: 3.0, last: 4}), (:Person {first: 3})").consume()
            query = "MATCH (n:Person {first: $f, last: $l}) RETURN n.i AS i ORDER BY i"
            lines = [r[0] for r in s.run("EXPLAIN " + query, f=3, l=4)]
            assert " * ScanAllByLabelProperties (n :Person {first, last})" in lines
            expected = [i for i in range(300) if i % 10 == 3 and i % 7 == 4] + [None]
            assert [r[0] for r in s.run(query, f=3, l=4)] == expected
            assert [r[0] for r in s.run(query, f=3, l=None)] == []
            s.run("MATCH (n:Person {first: 3, last: 4}) SET n.last = 5").consume()
            assert [r[0] for r in s.run(query, f=3, l=4)] == []
            moved = [i for i in range(300) if i % 10 == 3 and i % 7 in (4, 5)]
            assert [r[0] for r in s.run(query, f=3, l=5)] == [*moved, None]
            lines = [r[0] for r in s.run("EXPLAIN MATCH (n:Person) WHERE n.first IS NOT NULL "
                                         "RETURN n")]
            assert " * ScanAll (n)" in lines  # a composite index serves no presence test
    finally:
        database.close()


def test_seek_after_bound_variables_and_in_branches(db: Database) -> None:
    s = stats({"L": 1000, "M": 1000}, L__p=(1000, 1000), M__q=(1000, 1000))
    lines = explain(db, "MATCH (m:M) WHERE m.q = 1 MATCH (n:L) WHERE n.p = m.q RETURN n", s)
    assert lines == [
        " * Produce {n}",
        " * ScanAllByLabelPropertyValue (n :L {p})",
        " * ScanAllByLabelPropertyValue (m :M {q})",
        " * Once",
    ]
    lines = explain(db, "WITH 1 AS x OPTIONAL MATCH (n:L {p: x}) RETURN n", s)
    assert "|  * ScanAllByLabelPropertyValue (n :L {p})" in lines
    lines = explain(db, "MERGE (n:L {p: 1}) RETURN n", s)
    assert any("ScanAllByLabelPropertyValue (n :L {p})" in line for line in lines)


def test_real_statistics_reach_the_planner(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The executor plans with ``engine.statistics()``, read when a query is planned."""
    claimed = {IndexSpec("Q", ("p",)): IndexStatistics(10, 10)}
    real = db.engine.statistics

    def statistics() -> GraphStatistics:
        return dataclasses.replace(real(), index_stats=claimed)

    with db.session() as s:
        query = "EXPLAIN MATCH (n:Q {p: 1}) RETURN n"
        assert " * ScanAll (n)" in [r[0] for r in s.run(query)]
        monkeypatch.setattr(db.engine, "statistics", statistics)
        db.schema_changed("test: indexes claimed")
        assert " * ScanAllByLabelPropertyValue (n :Q {p})" in [r[0] for r in s.run(query)]
    monkeypatch.undo()
    db.schema_changed("test: claim withdrawn")


# --------------------------------------------------------- same rows with and without indexes

D1, D2 = make_date("2020-01-01"), make_date("2021-06-30")
T1, T2 = make_datetime("2020-01-01T12:00Z"), make_datetime("2020-01-01T13:00+01:00")
P1 = make_duration("P1D")

VALUES = [
    0, 1, 2, 3, -1, 2.5, 1.0, float("nan"), float("inf"), "a", "ab", "b", "", "B", True, False,
    [1, 2], [1], {"k": 1}, None, D1, D2, T1, T2, P1,
]
"""Property values of the generated graphs: every family the comparisons care about (T1 and
T2 are the same instant with different offsets: ordered alike, not equal)."""

ARGS = [
    0, 1, 2, 2.5, 1.0, float("nan"), "a", "ab", "", True, None, [1, 2], [1, "a", None, 1.0],
    [], {"k": 1}, D1, T2, P1,
]
"""Values of $a / $b in the queries."""

QUERIES = [
    "MATCH (n:L) RETURN n.id",
    "MATCH (n:L) WHERE n.p = $a RETURN n.id",
    "MATCH (n:L {p: $a}) RETURN n.id",
    "MATCH (n:L:M) WHERE n.p = $a RETURN n.id",
    "MATCH (n:L) WHERE n.p IN $a RETURN n.id",
    "MATCH (n:L) WHERE n.p IN [$a, $b, 1] RETURN n.id",
    "MATCH (n:L) WHERE n.p > $a RETURN n.id",
    "MATCH (n:L) WHERE n.p >= $a RETURN n.id",
    "MATCH (n:L) WHERE n.p < $a RETURN n.id",
    "MATCH (n:L) WHERE $a <= n.p RETURN n.id",
    "MATCH (n:L) WHERE n.p > $a AND n.p <= $b RETURN n.id",
    "MATCH (n:L) WHERE $a < n.p < $b RETURN n.id",
    "MATCH (n:L) WHERE n.p STARTS WITH $a RETURN n.id",
    "MATCH (n:L) WHERE n.p IS NOT NULL RETURN n.id",
    "MATCH (n:L) WHERE n.p IS NOT NULL AND n.q = $a RETURN n.id",
    "MATCH (n:L) WHERE n.p = $a AND n.q = $b RETURN n.id",
    "MATCH (n:L:M) WHERE n.q > $a RETURN n.id",
    "MATCH (m:M) MATCH (n:L) WHERE n.p = m.q RETURN m.id, n.id",
    "UNWIND [$a, $b] AS x MATCH (n:L {p: x}) RETURN x, n.id",
    "UNWIND [$a, $b] AS x OPTIONAL MATCH (n:L) WHERE n.p > x RETURN x, n.id",
    "MATCH (m:M) WHERE EXISTS { MATCH (n:L) WHERE n.p = m.q } RETURN m.id",
    "MATCH (m:M) RETURN m.id, [(n:L) WHERE n.p = m.q | n.id] AS ids",
    "WITH $a AS x MATCH (n:L) WHERE n.q STARTS WITH x OR n.p = x RETURN n.id",
    "MATCH (n:L:M {q: $b, p: $a}) RETURN n.id",
]

INDEXES = [
    IndexSpec("L"), IndexSpec("M"), IndexSpec("L", ("p",)), IndexSpec("L", ("q",)),
    IndexSpec("M", ("q",)), IndexSpec("M", ("p", "q")),
]


def _outcome(s: Session, query: str, params: dict[str, Any]) -> tuple[str, Any]:
    try:
        rows = [list(r) for r in s.run(query, params)]
    except mgcore.errors.MgError as err:  # type: ignore[attr-defined]
        return ("error", type(err).__name__)
    return ("rows", sorted((_canon(r) for r in rows), key=order_key))


def _canon(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, list):
        return [_canon(v) for v in value]
    return value


def _load(s: Session, nodes: list[tuple[list[str], Any, Any]]) -> None:
    s.run("MATCH (n) DETACH DELETE n").consume()
    for i, (labels, p, q) in enumerate(nodes):
        label_text = "".join(f":{label}" for label in labels)
        s.run(f"CREATE (n{label_text} {{id: $i}}) SET n.p = $p, n.q = $q", i=i, p=p, q=q).consume()


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Database]]:
    """A database without indexes and one whose statistics claim ``INDEXES``."""
    plain = mgcore.connect(
        storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path_factory.mktemp("a"))
    )
    indexed = mgcore.connect(
        storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path_factory.mktemp("b"))
    )
    real = indexed.engine.statistics
    claimed = {spec: IndexStatistics(1000, 1000 if spec.properties else 1) for spec in INDEXES}

    def statistics() -> GraphStatistics:
        return dataclasses.replace(
            real(), label_counts={"L": 1000, "M": 1000}, index_stats=claimed
        )

    indexed.engine.statistics = statistics  # type: ignore[method-assign]
    yield plain, indexed
    plain.close()
    indexed.close()


def test_claimed_indexes_are_used(pair: tuple[Database, Database]) -> None:
    _, indexed = pair
    with indexed.session() as s:
        for query in QUERIES[1:14]:
            lines = [r[0] for r in s.run("EXPLAIN " + query, a=1, b=2)]
            assert any("ScanAllBy" in line for line in lines), query
            assert " * Filter" not in lines or ":M" in query, (query, lines)


node_st = st.tuples(
    st.sampled_from([["L"], ["L", "M"], ["M"], []]),
    st.sampled_from(VALUES),
    st.sampled_from(VALUES),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    nodes=st.lists(node_st, max_size=12),
    a=st.sampled_from(ARGS),
    b=st.sampled_from(ARGS),
)
def test_same_rows_with_and_without_indexes(
    pair: tuple[Database, Database], nodes: list[Any], a: Any, b: Any
) -> None:
    plain, indexed = pair
    with plain.session() as s1, indexed.session() as s2:
        _load(s1, nodes)
        _load(s2, nodes)
        for query in QUERIES:
            params = {"a": a, "b": b}
            assert _outcome(s1, query, params) == _outcome(s2, query, params), query


def test_temporal_ranges_seek_the_index(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A range over dates or date-times is served by the index, not by a label scan and a
    filter; durations, having no order, match no range."""
    db = mgcore.connect(
        storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path_factory.mktemp("t"))
    )
    try:
        with db.session() as s:
            s.run("UNWIND range(0, 99) AS i CREATE (:E {at: datetime({epochSeconds: i * 3600}),"
                  " d: date({year: 2000 + i}), span: duration({hours: i})})").consume()
            for key in ("at", "d", "span"):
                s.run(f"CREATE INDEX ON :E({key})").consume()
            tx = db.begin(None, read_only=True)
            engine_tx = type(tx)
            db.rollback(tx)
            scans: list[str] = []
            real = engine_tx.nodes_by_label

            def counting(self: Any, label: str) -> Any:
                scans.append(label)
                return real(self, label)

            monkeypatch.setattr(engine_tx, "nodes_by_label", counting)
            queries = {
                "MATCH (e:E) WHERE e.at >= datetime('1970-01-01T10:00Z') "
                "AND e.at < datetime($to) RETURN count(e)": 5,
                "MATCH (e:E) WHERE e.d > date('2090-01-01') RETURN count(e)": 9,
                "MATCH (e:E) WHERE e.d > datetime('2090-01-01T00:00Z') RETURN count(e)": 0,
            }
            for query, expected in queries.items():
                assert s.run(query, to="1970-01-01T15:00Z").single()[0] == expected  # type: ignore[index]
            assert scans == []
            assert s.run("MATCH (e:E) WHERE e.span > duration('PT1H') RETURN count(e)"
                         ).single()[0] == 0  # type: ignore[index]
    finally:
        db.close()


def test_same_rows_with_real_indexes(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Once the engine has indexes, the comparison runs against real ones."""
    db = mgcore.connect(
        storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path_factory.mktemp("r"))
    )
    plain = mgcore.connect(
        storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path_factory.mktemp("p"))
    )
    try:
        if not db.engine.capabilities.label_property_index:
            pytest.skip("the engine has no label+property indexes yet")
        nodes = [(labels, p, VALUES[(i * 7 + j) % len(VALUES)])
                 for i, labels in enumerate((["L"], ["L", "M"], ["M"]))
                 for j, p in enumerate(VALUES)]
        with db.session() as s, plain.session() as s0:
            for spec in INDEXES:
                props = f"({', '.join(spec.properties)})" if spec.properties else ""
                s.run(f"CREATE INDEX ON :{spec.label}{props}").consume()
            _load(s, nodes)
            _load(s0, nodes)
            for query in QUERIES[1:14]:
                lines = [r[0] for r in s.run("EXPLAIN " + query, a=1, b=2)]
                assert any("ScanAllBy" in line for line in lines), query
            for a in ARGS:
                for b in ARGS[::3]:
                    for query in QUERIES:
                        params = {"a": a, "b": b}
                        assert _outcome(s0, query, params) == _outcome(s, query, params), query
    finally:
        db.close()
        plain.close()
