"""Label and property lookups return exactly what a scan filtered under openCypher's equality and
comparison would: with and without indexes, over committed data and the transaction's own writes."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgcore.conformance.suite._support import SUITE_SETTINGS, cypher_equals, gids, in_range
from mgcore.storage.records import IndexSpec, PropertyRange

LABELS = ("A", "B")
KEY = "k"
POOL: list[Any] = [
    0, 1, -1, 2, 7, 1.0, 0.0, -0.0, 2.5, -3.5, math.inf, -math.inf, math.nan,
    True, False, "", "a", "ab", "abc", "b", "B", "ä",
    [], [1], [1.0], [1, "a"], ["a"], {}, {"x": 1}, {"x": 1.0},
]
QUERY_VALUES: list[Any] = [*POOL, None, 3, "zz", [1, 2], {"y": 1}]
PREFIXES = ["", "a", "ab", "abc", "b", "ä", "zz"]
NUMBER_BOUNDS: list[Any] = [-1, 0, 0.5, 1, 1.0, 2, 2.5, math.inf, -math.inf]
STRING_BOUNDS = ["", "a", "ab", "b", "zz"]

INDEX_VARIANTS = [
    pytest.param("no-index", id="no-index"),
    pytest.param("label", id="label-index", marks=pytest.mark.requires("label_index")),
    pytest.param(
        "label+property", id="label-property-index",
        marks=pytest.mark.requires("label_property_index"),
    ),
]


def create_indexes(engine: Any, variant: str) -> None:
    """Create the indexes the variant names, on every label the tests use."""
    for label in LABELS:
        if variant == "label":
            engine.schema.create_index(IndexSpec(label))
        elif variant == "label+property":
            engine.schema.create_index(IndexSpec(label, (KEY,)))


Row = tuple[int, tuple[str, ...], Any]


def scan(tx: Any) -> list[Row]:
    """Every visible node as ``(gid, labels, value of k)``: the scan half of scan + filter."""
    return [(n.gid, tuple(tx.node_labels(n)), tx.node_property(n, KEY)) for n in tx.nodes()]


def expected_by_label(rows: list[Row], label: str) -> list[int]:
    return sorted(gid for gid, labels, _ in rows if label in labels)


def expected_by_property(rows: list[Row], label: str, value: Any) -> list[int]:
    """Filter for ``n:label AND n.k = value`` under openCypher equality."""
    return sorted(
        gid for gid, labels, v in rows if label in labels and cypher_equals(v, value) is True
    )


def expected_by_range(rows: list[Row], label: str, value_range: PropertyRange) -> list[int]:
    return sorted(gid for gid, labels, v in rows if label in labels and in_range(v, value_range))


def expected_by_prefix(rows: list[Row], label: str, prefix: str) -> list[int]:
    return sorted(
        gid for gid, labels, v in rows
        if label in labels and isinstance(v, str) and v.startswith(prefix)
    )


def all_ranges() -> Iterator[PropertyRange]:
    """Ranges over numbers and strings: one-sided and two-sided, all inclusivity combinations."""
    for bounds in (NUMBER_BOUNDS, STRING_BOUNDS):
        for lower, upper in itertools.product([None, *bounds], repeat=2):
            if lower is None and upper is None:
                continue
            for li, ui in itertools.product((True, False), repeat=2):
                if (lower is None and not li) or (upper is None and not ui):
                    continue
                yield PropertyRange(lower, li, upper, ui)


def check_lookups(tx: Any, ranges: list[PropertyRange]) -> None:
    """Every lookup agrees with scan + filter in ``tx``."""
    rows = scan(tx)
    for label in (*LABELS, "Missing"):
        assert gids(tx.nodes_by_label(label)) == expected_by_label(rows, label), label
        for value in QUERY_VALUES:
            assert gids(tx.nodes_by_property(label, KEY, value)) == expected_by_property(
                rows, label, value
            ), (label, value)
        for prefix in PREFIXES:
            assert gids(tx.nodes_by_property_prefix(label, KEY, prefix)) == expected_by_prefix(
                rows, label, prefix
            ), (label, prefix)
        for value_range in ranges:
            assert gids(tx.nodes_by_property_range(label, KEY, value_range)) == expected_by_range(
                rows, label, value_range
            ), (label, value_range)


def populate(tx: Any) -> dict[str, int]:
    """One node per pool value per label, plus nodes without the property or the label."""
    made: dict[str, int] = {}
    for i, value in enumerate(POOL):
        label = LABELS[i % 2]
        made[f"{label}-{i}"] = tx.create_node([label], {KEY: value}).gid
        made[f"both-{i}"] = tx.create_node(list(LABELS), {KEY: value}).gid
        made[f"none-{i}"] = tx.create_node([], {KEY: value}).gid
    made["no-property"] = tx.create_node(list(LABELS), {"other": 1}).gid
    return made


def test_property_lookup_uses_cypher_equality(engine: Any) -> None:
    """``1`` finds ``1`` and ``1.0`` (and ``-0.0`` finds ``0``) but never ``True`` or ``"1"``;
    lists compare element-wise; null and NaN find nothing."""
    tx = engine.begin()
    n = {
        name: tx.create_node(["L"], {"k": value}).gid
        for name, value in [
            ("int", 1), ("float", 1.0), ("bool", True), ("str", "1"), ("list", [1]),
            ("flist", [1.0]), ("zero", 0), ("negzero", -0.0), ("nan", math.nan),
        ]
    }
    assert gids(tx.nodes_by_property("L", "k", 1)) == sorted([n["int"], n["float"]])
    assert gids(tx.nodes_by_property("L", "k", 1.0)) == sorted([n["int"], n["float"]])
    assert gids(tx.nodes_by_property("L", "k", True)) == [n["bool"]]
    assert gids(tx.nodes_by_property("L", "k", "1")) == [n["str"]]
    assert gids(tx.nodes_by_property("L", "k", [1])) == sorted([n["list"], n["flist"]])
    assert gids(tx.nodes_by_property("L", "k", 0.0)) == sorted([n["zero"], n["negzero"]])
    assert gids(tx.nodes_by_property("L", "k", None)) == []
    assert gids(tx.nodes_by_property("L", "k", math.nan)) == []
    tx.rollback()


def test_range_and_prefix_only_match_comparable_values(engine: Any) -> None:
    """Numeric ranges mix ints and floats but skip booleans, strings, lists and NaN; string ranges
    and prefixes only match strings."""
    tx = engine.begin()
    n = {
        name: tx.create_node(["L"], {"k": value}).gid
        for name, value in [
            ("one", 1), ("mid", 1.5), ("two", 2), ("bool", True), ("str", "abc"),
            ("str2", "abd"), ("b", "b"), ("list", [1]), ("nan", math.nan), ("big", 10),
        ]
    }

    def by_range(*args: Any) -> list[int]:
        return gids(tx.nodes_by_property_range("L", "k", PropertyRange(*args)))

    assert by_range(1, True, 2, True) == sorted([n["one"], n["mid"], n["two"]])
    assert by_range(1, False, 2, True) == sorted([n["mid"], n["two"]])
    assert by_range(1, True, 2, False) == sorted([n["one"], n["mid"]])
    assert by_range(None, True, 1.5, True) == sorted([n["one"], n["mid"]])
    assert by_range(2, False, None, True) == [n["big"]]
    assert by_range(0.5, True, math.inf, True) == sorted(
        [n["one"], n["mid"], n["two"], n["big"]]
    )
    assert by_range("abc", True, "b", False) == sorted([n["str"], n["str2"]])
    assert by_range("a", True, None, True) == sorted([n["str"], n["str2"], n["b"]])
    prefix = tx.nodes_by_property_prefix
    assert gids(prefix("L", "k", "ab")) == sorted([n["str"], n["str2"]])
    assert gids(prefix("L", "k", "")) == sorted([n["str"], n["str2"], n["b"]])
    assert gids(prefix("L", "k", "abc")) == [n["str"]]
    tx.rollback()


@pytest.mark.parametrize("variant", INDEX_VARIANTS)
def test_lookups_agree_with_scan_and_filter(engine: Any, variant: str) -> None:
    """Over a pool of awkward values, every lookup equals scan + filter: on committed data, then
    with the transaction's own creations, changes and deletions on top."""
    tx = engine.begin()
    made = populate(tx)
    tx.commit()
    create_indexes(engine, variant)
    ranges = list(all_ranges())

    tx = engine.begin()
    check_lookups(tx, ranges)
    for i, gid in enumerate(sorted(made.values())):
        node = tx.node(gid)
        if i % 5 == 0:
            tx.set_node_property(node, KEY, POOL[(i * 7) % len(POOL)])
        elif i % 5 == 1:
            tx.remove_label(node, LABELS[i % 2])
        elif i % 5 == 2:
            tx.add_label(node, LABELS[(i + 1) % 2])
        elif i % 5 == 3:
            tx.delete_node(node)
        else:
            tx.set_node_property(node, KEY, None)
    populate(tx)
    check_lookups(tx, ranges)
    tx.commit()
    tx = engine.begin()
    check_lookups(tx, ranges)
    tx.rollback()


operations = st.lists(
    st.tuples(
        st.sampled_from(["create", "set", "remove", "add_label", "remove_label", "delete"]),
        st.integers(min_value=0, max_value=40),
        st.sampled_from(POOL),
        st.sampled_from(LABELS),
    ),
    max_size=30,
)


@pytest.mark.parametrize("variant", INDEX_VARIANTS)
@SUITE_SETTINGS
@given(committed=operations, pending=operations, data=st.data())
def test_random_lookups_agree_with_scan_and_filter(
    engine_factory: Any, tmp_path: Path, variant: str, committed: list[Any], pending: list[Any],
    data: st.DataObject,
) -> None:
    """Random committed and pending writes, then random lookups, always equal scan + filter."""
    directory = Path(tmp_path / f"example-{next(_counter)}")
    directory.mkdir()
    engine = engine_factory.open(data_dir=directory)
    try:
        tx = engine.begin()
        apply_operations(tx, committed)
        tx.commit()
        create_indexes(engine, variant)
        tx = engine.begin()
        apply_operations(tx, pending)
        rows = scan(tx)
        for _ in range(5):
            label = data.draw(st.sampled_from(LABELS))
            value = data.draw(st.sampled_from(QUERY_VALUES))
            prefix = data.draw(st.sampled_from(PREFIXES))
            bounds = data.draw(st.sampled_from([NUMBER_BOUNDS, STRING_BOUNDS]))
            lower = data.draw(st.sampled_from([None, *bounds]))
            upper = data.draw(st.sampled_from(bounds if lower is None else [None, *bounds]))
            value_range = PropertyRange(
                lower, lower is None or data.draw(st.booleans()),
                upper, upper is None or data.draw(st.booleans()),
            )
            assert gids(tx.nodes_by_label(label)) == expected_by_label(rows, label)
            assert gids(tx.nodes_by_property(label, KEY, value)) == expected_by_property(
                rows, label, value
            )
            assert gids(tx.nodes_by_property_prefix(label, KEY, prefix)) == expected_by_prefix(
                rows, label, prefix
            )
            assert gids(
                tx.nodes_by_property_range(label, KEY, value_range)
            ) == expected_by_range(rows, label, value_range)
        tx.rollback()
    finally:
        engine_factory.close(engine)


_counter = itertools.count()


def apply_operations(tx: Any, ops: list[tuple[str, int, Any, str]]) -> None:
    """Apply generated writes; node indexes wrap around the nodes currently visible."""
    for op, index, value, label in ops:
        nodes = sorted(tx.nodes(), key=lambda n: n.gid)
        if op == "create" or not nodes:
            tx.create_node([label], {KEY: value})
            continue
        node = nodes[index % len(nodes)]
        if op == "set":
            tx.set_node_property(node, KEY, value)
        elif op == "remove":
            tx.set_node_property(node, KEY, None)
        elif op == "add_label":
            tx.add_label(node, label)
        elif op == "remove_label":
            tx.remove_label(node, label)
        else:
            tx.detach_delete_node(node)
