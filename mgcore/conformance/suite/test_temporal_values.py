"""Temporal property values (Date, LocalTime, Time, LocalDateTime, DateTime, Duration): stored on
nodes and relationships, alone and inside lists and maps, they read back equal and of the same
type, survive reopening, and label+property lookups by equality and by range return exactly what
a scan filtered under openCypher's equality and comparison would."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from mgcore.conformance.suite._support import gids, same_value
from mgcore.storage.errors import ConstraintViolation
from mgcore.storage.records import ConstraintKind, ConstraintSpec, IndexSpec, PropertyRange
from mgcore.values.temporal import (
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Temporal,
    Time,
)

STOCKHOLM = "Europe/Stockholm"

VALUES: dict[str, Any] = {
    "date": Date(16637),  # 2015-07-21
    "date_far": Date(-365_242_500_000),
    "local_time": LocalTime(45_074_645_876_123),
    "time": Time(45_074_645_876_123, 3600),
    "time_negative_offset": Time(1, -18 * 3600),
    "local_datetime": LocalDateTime(16637, 45_074_000_000_001),
    "datetime_offset": DateTime(1_437_478_274, 645_876_123, 3600, None),
    "datetime_zone": DateTime(1_437_474_674, 0, 7200, STOCKHOLM),
    "duration": Duration(14, 3, 14_706, 700_000_000),
    "duration_negative": Duration(0, 0, -1, 999_999_999),
}
CONTAINERS: dict[str, Any] = {
    "list": list(VALUES.values()),
    "map": {"d": VALUES["date"], "inner": [VALUES["duration"], {"t": VALUES["time"]}]},
    "mixed_list": [1, "a", VALUES["datetime_zone"], None, [VALUES["local_time"]]],
}
ALL = {**VALUES, **CONTAINERS}
PARAMS = [pytest.param(v, id=name) for name, v in ALL.items()]


def assert_same(actual: Any, expected: Any) -> None:
    assert same_value(actual, expected), f"stored {expected!r}, got back {actual!r}"


def equal(a: Any, b: Any) -> bool:
    """Cypher ``a = b`` is true, for the values these tests store (temporals compare with
    ``==``, which is type-strict; containers element-wise)."""
    if isinstance(a, Temporal) or isinstance(b, Temporal):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if a is None or b is None:
        return False
    return type(a) is type(b) and bool(a == b)


def in_range(value: Any, r: PropertyRange) -> bool:
    """``lower <(=) value <(=) upper`` is true: same temporal type as the bounds, no Duration."""
    bound_type = type(r.lower if r.lower is not None else r.upper)
    if bound_type is Duration or type(value) is not bound_type:
        return False
    if r.lower is not None and not (value >= r.lower if r.lower_inclusive else value > r.lower):
        return False
    return r.upper is None or (value <= r.upper if r.upper_inclusive else value < r.upper)


@pytest.mark.parametrize("value", PARAMS)
def test_node_property_round_trip(engine: Any, value: Any) -> None:
    tx = engine.begin()
    node = tx.create_node(["T"], {"at_create": value})
    tx.set_node_property(node, "later", value)
    assert_same(tx.node_property(node, "later"), value)
    assert_same(tx.node_properties(node), {"at_create": value, "later": value})
    tx.commit()
    tx = engine.begin()
    node = tx.node(node.gid)
    assert_same(tx.node_properties(node), {"at_create": value, "later": value})
    tx.rollback()


@pytest.mark.requires("properties_on_edges")
@pytest.mark.parametrize("value", PARAMS)
def test_relationship_property_round_trip(engine: Any, value: Any) -> None:
    tx = engine.begin()
    a, b = tx.create_node(), tx.create_node()
    rel = tx.create_relationship(a, b, "R", {"at_create": value})
    tx.set_relationship_property(rel, "later", value)
    assert_same(tx.relationship_properties(rel), {"at_create": value, "later": value})
    tx.commit()
    tx = engine.begin()
    rel = tx.relationship(rel.gid)
    assert_same(tx.relationship_property(rel, "later"), value)
    assert_same(tx.relationship_properties(rel), {"at_create": value, "later": value})
    tx.rollback()


def _store_all(engine: Any) -> tuple[int, int]:
    tx = engine.begin()
    node = tx.create_node(["T"], ALL)
    rel_gid = -1
    if engine.capabilities.supports("properties_on_edges"):
        rel_gid = tx.create_relationship(node, node, "R", ALL).gid
    tx.commit()
    return node.gid, rel_gid


def _check_all(engine: Any, node_gid: int, rel_gid: int) -> None:
    tx = engine.begin()
    assert_same(tx.node_properties(tx.node(node_gid)), ALL)
    if rel_gid >= 0:
        assert_same(tx.relationship_properties(tx.relationship(rel_gid)), ALL)
    tx.rollback()


@pytest.mark.requires("durable")
def test_values_survive_reopen(engine: Any, reopen: Any) -> None:
    """Committed temporal values come back after reopening (recovery from the log), also
    after an update to them, and again after a second reopen."""
    node_gid, rel_gid = _store_all(engine)
    tx = engine.begin()
    tx.set_node_property(tx.node(node_gid), "date", Date(1))
    tx.commit()
    engine = reopen()
    tx = engine.begin()
    assert_same(tx.node_property(tx.node(node_gid), "date"), Date(1))
    tx.set_node_property(tx.node(node_gid), "date", ALL["date"])
    tx.commit()
    _check_all(engine, node_gid, rel_gid)
    _check_all(reopen(), node_gid, rel_gid)


@pytest.mark.requires("durable", "snapshots")
def test_values_survive_a_snapshot_and_reopen(engine: Any, reopen: Any) -> None:
    node_gid, rel_gid = _store_all(engine)
    engine.create_snapshot()
    tx = engine.begin()
    after = tx.create_node(["After"], {"d": Duration(1, 2, 3, 4)})
    tx.commit()
    engine = reopen()
    _check_all(engine, node_gid, rel_gid)
    tx = engine.begin()
    assert_same(tx.node_property(tx.node(after.gid), "d"), Duration(1, 2, 3, 4))
    tx.rollback()


# ------------------------------------------------------------------------------------ lookups

EPOCH = 1_437_474_674
POOL: list[Any] = [
    *VALUES.values(),
    Date(16636), Date(16638), Date(0), Date(-1),
    LocalTime(0), LocalTime(45_074_645_876_124), LocalTime(86_399_999_999_999),
    Time(45_074_645_876_123, 0), Time(41_474_645_876_123, 0), Time(45_074_645_876_123, -3600),
    LocalDateTime(16637, 0), LocalDateTime(16636, 86_399_999_999_999), LocalDateTime(16638, 1),
    DateTime(EPOCH, 0, 0, None), DateTime(EPOCH, 0, 7200, None), DateTime(EPOCH, 0, 0, "UTC"),
    DateTime(EPOCH, 1, 7200, STOCKHOLM), DateTime(EPOCH - 1, 0, 7200, STOCKHOLM),
    Duration(0, 1, 0, 0), Duration(0, 0, 86_400, 0), Duration(1, 0, 0, 0), Duration(0, 30, 0, 0),
    [Date(1)], [Date(1), LocalTime(1)], {"d": Date(1)}, 1, "2015-07-21", 16637,
]
BOUNDS: dict[type, list[Any]] = {
    Date: [Date(-1), Date(16636), Date(16637), Date(10**6)],
    LocalTime: [LocalTime(0), LocalTime(45_074_645_876_123), LocalTime(86_399_999_999_999)],
    Time: [Time(45_074_645_876_123, 0), Time(45_074_645_876_123, 3600), Time(0, 0)],
    LocalDateTime: [LocalDateTime(16637, 0), LocalDateTime(16637, 45_074_000_000_001)],
    DateTime: [DateTime(EPOCH, 0, 0, None), DateTime(EPOCH, 0, 7200, STOCKHOLM),
               DateTime(EPOCH + 3600, 0, 0, "UTC")],
}
INDEXED = [
    pytest.param(False, id="no-index"),
    pytest.param(True, id="label-property-index",
                 marks=pytest.mark.requires("label_property_index")),
]


def _fill(engine: Any, indexed: bool) -> dict[int, Any]:
    if indexed:
        engine.schema.create_index(IndexSpec("T", ("k",)))
    tx = engine.begin()
    stored = {}
    for value in [*POOL, *POOL[:5]]:
        stored[tx.create_node(["T"], {"k": value}).gid] = value
    tx.create_node(["T"])
    tx.create_node(["Other"], {"k": POOL[0]})
    tx.commit()
    return stored


@pytest.mark.parametrize("indexed", INDEXED)
def test_equality_lookup_equals_scan_and_filter(engine: Any, indexed: bool) -> None:
    stored = _fill(engine, indexed)
    tx = engine.begin()
    for value in [*POOL, Date(5), DateTime(EPOCH, 0, 3600, None), Duration(0, 0, 0, 1)]:
        expected = sorted(g for g, v in stored.items() if equal(v, value))
        assert gids(tx.nodes_by_property("T", "k", value)) == expected, value
    tx.rollback()


@pytest.mark.parametrize("indexed", INDEXED)
def test_range_lookup_equals_scan_and_filter(engine: Any, indexed: bool) -> None:
    stored = _fill(engine, indexed)
    tx = engine.begin()
    for bounds in BOUNDS.values():
        for lower, upper in itertools.product([None, *bounds], repeat=2):
            if lower is None and upper is None:
                continue
            for li, ui in itertools.product((True, False), repeat=2):
                r = PropertyRange(lower, li, upper, ui)
                expected = sorted(g for g, v in stored.items() if in_range(v, r))
                assert gids(tx.nodes_by_property_range("T", "k", r)) == expected, r
    tx.rollback()


@pytest.mark.parametrize("indexed", INDEXED)
def test_duration_and_mixed_ranges_are_empty(engine: Any, indexed: bool) -> None:
    """``<`` between durations is null, and between different types too: such ranges match
    nothing."""
    _fill(engine, indexed)
    tx = engine.begin()
    for r in (
        PropertyRange(Duration(0, 0, 0, 0), True, None, True),
        PropertyRange(None, True, Duration(10, 0, 0, 0), True),
        PropertyRange(Date(0), True, LocalDateTime(20000, 0), True),
        PropertyRange(Date(0), True, 10**6, True),
    ):
        assert gids(tx.nodes_by_property_range("T", "k", r)) == [], r
    tx.rollback()


@pytest.mark.parametrize("indexed", INDEXED)
def test_lookups_see_own_writes_and_updates(engine: Any, indexed: bool) -> None:
    stored = _fill(engine, indexed)
    tx = engine.begin()
    gid = next(g for g, v in stored.items() if v == VALUES["date"])
    tx.set_node_property(tx.node(gid), "k", Date(99))
    new = tx.create_node(["T"], {"k": VALUES["date"]})
    found = gids(tx.nodes_by_property("T", "k", VALUES["date"]))
    assert new.gid in found and gid not in found
    assert gid in gids(tx.nodes_by_property("T", "k", Date(99)))
    in_range_gids = gids(tx.nodes_by_property_range("T", "k", PropertyRange(Date(98), False)))
    assert gid in in_range_gids
    tx.commit()
    tx = engine.begin()
    assert gid in gids(tx.nodes_by_property("T", "k", Date(99)))
    tx.rollback()


@pytest.mark.requires("durable", "label_property_index")
def test_index_lookups_after_reopen(engine: Any, reopen: Any) -> None:
    stored = _fill(engine, True)
    engine = reopen()
    tx = engine.begin()
    for value in VALUES.values():
        expected = sorted(g for g, v in stored.items() if equal(v, value))
        assert gids(tx.nodes_by_property("T", "k", value)) == expected, value
    r = PropertyRange(Date(0), True, Date(16637), True)
    expected = sorted(g for g, v in stored.items() if in_range(v, r))
    assert gids(tx.nodes_by_property_range("T", "k", r)) == expected
    tx.rollback()


@pytest.mark.requires("unique_constraint")
def test_uniqueness_constraint_compares_temporals_exactly(engine: Any) -> None:
    """Equal temporal values collide; the same instant at another offset or zone does not."""
    engine.schema.create_constraint(ConstraintSpec(ConstraintKind.UNIQUE, "U", ("p",)))
    tx = engine.begin()
    for value in (DateTime(EPOCH, 0, 0, None), DateTime(EPOCH, 0, 0, "UTC"),
                  DateTime(EPOCH, 0, 3600, None), Duration(0, 1, 0, 0), Duration(0, 0, 86_400, 0),
                  Date(1), [Date(1)]):
        tx.create_node(["U"], {"p": value})
    tx.commit()
    tx = engine.begin()
    tx.create_node(["U"], {"p": DateTime(EPOCH, 0, 0, "UTC")})
    with pytest.raises(ConstraintViolation):
        tx.commit()


CYPHER_VALUES = [*VALUES.values(), Date(0), Date(16638), LocalTime(0), 5, "x", None]
CYPHER_ARGS = [Date(16637), LocalTime(1), DateTime(EPOCH, 0, 7200, STOCKHOLM), Duration(0, 0, 0, 0)]


@pytest.mark.requires("label_property_index")
def test_cypher_seeks_on_temporal_parameters_return_the_rows_of_a_scan(session: Any) -> None:
    """``n.p = $a`` and ``n.p > $a`` with a temporal parameter seek through the index and return
    what the same predicate written so that no index can serve it returns."""
    session.run("CREATE INDEX ON :L(p)").consume()
    for i, value in enumerate(CYPHER_VALUES):
        session.run("CREATE (n:L {id: $i}) SET n.p = $v", i=i, v=value).consume()
    for predicate in ("n.p = $a", "n.p > $a", "n.p <= $a", "n.p >= $a AND n.p < $a"):
        query = f"MATCH (n:L) WHERE {predicate} RETURN n.id"
        reference = f"MATCH (n:L) WHERE ({predicate}) = true RETURN n.id"
        plan = [row[0] for row in session.run("EXPLAIN " + query, a=Date(1))]
        assert any("ScanAllByLabelProperty" in line for line in plan), (predicate, plan)
        for a in CYPHER_ARGS:
            seek = sorted(row[0] for row in session.run(query, a=a))
            scan = sorted(row[0] for row in session.run(reference, a=a))
            assert seek == scan, (predicate, a)
    rows = list(session.run("MATCH (n:L) WHERE n.p = $a RETURN n.p", a=VALUES["datetime_zone"]))
    assert [row[0] for row in rows] == [VALUES["datetime_zone"]]
