"""Index seeks under concurrency: random interleavings of writing and reading transactions, with
indexes created and dropped along the way, never make a seek (equality, range, prefix, presence
with an unbounded range, composite equality) differ from scan + filter in any
open transaction (each sees its own snapshot and its own writes), and the index listing counts
what is there."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mgcore.conformance.suite._support import SUITE_SETTINGS, cypher_equals, gids, in_range
from mgcore.storage.errors import DeletedObjectError, SerializationError
from mgcore.storage.records import IndexSpec, PropertyRange

LABELS = ("A", "B")
KEYS = ("k", "j")
VALUES: list[Any] = [
    0, 1, 1.0, -1, 2, 2.5, -0.0, 0.0, math.nan, math.inf, True, False,
    "", "a", "ab", "b", [1], [1.0], ["a"], None,
]
"""Property values written (``None`` removes); ``1``/``1.0`` and ``0``/``-0.0`` are equal."""
QUERY_VALUES: list[Any] = [0, 1, 1.0, 2.5, -0.0, math.nan, True, "a", "", [1], None, 7]
PAIRS: list[tuple[Any, Any]] = [
    (0, 0), (1, 1.0), (1.0, "a"), (-0.0, 0.0), ([1], 1), ("a", "ab"), (True, False),
    (math.nan, 1), (None, 1), (2.5, [1.0]),
]
"""Value pairs of composite equality seeks (``nodes_by_properties``)."""
PREFIXES = ["", "a", "ab", "z"]
RANGES = [
    PropertyRange(0, True, 2, True),
    PropertyRange(0, False, 2, False),
    PropertyRange(1, True, None, True),
    PropertyRange(1.0, False, None, True),
    PropertyRange(None, True, 1, True),
    PropertyRange(None, True, 1, False),
    PropertyRange(-math.inf, True, math.inf, True),
    PropertyRange("a", True, "b", False),
    PropertyRange("a", False, None, True),
    PropertyRange(None, True, "ab", True),
    PropertyRange(False, True, True, True),
    PropertyRange(2, True, 1, True),
]
SPECS = [
    IndexSpec("A"),
    IndexSpec("B"),
    IndexSpec("A", ("k",)),
    IndexSpec("B", ("k",)),
    IndexSpec("A", ("j",)),
    IndexSpec("A", ("k", "j")),
]

pytestmark = pytest.mark.requires("label_index", "label_property_index")

SLOTS = 3
"""Transactions open at once at most; a write to an empty slot begins a transaction there."""

slot = st.integers(0, SLOTS - 1)
node = st.integers(0, 99)
create = st.tuples(
    st.just("create"), slot, st.sampled_from([(), ("A",), ("B",), ("A", "B"), ("A", "B")]),
    st.sampled_from(VALUES), st.sampled_from(VALUES),
)
step = st.one_of(
    st.tuples(st.just("begin"), slot),
    create,
    create,
    st.tuples(st.just("set"), slot, node, st.sampled_from(KEYS), st.sampled_from(VALUES)),
    st.tuples(st.just("set"), slot, node, st.sampled_from(KEYS), st.sampled_from(VALUES)),
    st.tuples(st.just("add_label"), slot, node, st.sampled_from(LABELS)),
    st.tuples(st.just("remove_label"), slot, node, st.sampled_from(LABELS)),
    st.tuples(st.just("delete"), slot, node),
    st.tuples(st.just("commit"), slot),
    st.tuples(st.just("commit"), slot),
    st.tuples(st.just("rollback"), slot),
    st.tuples(st.just("create_index"), st.integers(0, len(SPECS) - 1)),
    st.tuples(st.just("drop_index"), st.integers(0, len(SPECS) - 1)),
)

_counter = itertools.count()


def check_transaction(tx: Any) -> None:
    """Every seek of ``tx`` equals scan + filter over what ``tx`` sees."""
    rows = [
        (n.gid, tx.node_labels(n), {key: tx.node_property(n, key) for key in KEYS})
        for n in tx.nodes()
    ]
    for label in (*LABELS, "Missing"):
        expected = sorted(gid for gid, labels, _ in rows if label in labels)
        assert gids(tx.nodes_by_label(label)) == expected, label
        mine = [(gid, props) for gid, labels, props in rows if label in labels]
        for key in KEYS:
            for value in QUERY_VALUES:
                expected = sorted(
                    gid for gid, props in mine if cypher_equals(props[key], value) is True
                )
                assert gids(tx.nodes_by_property(label, key, value)) == expected, (
                    label, key, value,
                )
            for value_range in RANGES:
                expected = sorted(
                    gid for gid, props in mine
                    if props[key] is not None and in_range(props[key], value_range)
                )
                got = gids(tx.nodes_by_property_range(label, key, value_range))
                assert got == expected, (label, key, value_range)
            for prefix in PREFIXES:
                expected = sorted(
                    gid for gid, props in mine
                    if isinstance(props[key], str) and props[key].startswith(prefix)
                )
                got = gids(tx.nodes_by_property_prefix(label, key, prefix))
                assert got == expected, (label, key, prefix)
            expected = sorted(gid for gid, props in mine if props[key] is not None)
            got = gids(tx.nodes_by_property_range(label, key, PropertyRange()))
            assert got == expected, (label, key, "IS NOT NULL")
        for keys in (KEYS, KEYS[::-1]):  # the composite index's order, and the other one
            for values in PAIRS:
                expected = sorted(
                    gid for gid, props in mine
                    if all(cypher_equals(props[k], x) is True
                           for k, x in zip(keys, values, strict=True))
                )
                got = gids(tx.nodes_by_properties(label, keys, values))
                assert got == expected, (label, keys, values)


def run_steps(engine: Any, steps: list[tuple[Any, ...]]) -> None:
    """Apply the steps, checking every open transaction after each one."""
    slots: list[Any] = [None] * SLOTS

    def finish(i: int, commit: bool) -> None:
        tx, slots[i] = slots[i], None
        if commit:
            try:
                tx.commit()
            except SerializationError:
                tx.rollback()
        else:
            tx.rollback()

    for s in steps:
        op = s[0]
        if op == "create_index":
            engine.schema.create_index(SPECS[s[1]])
        elif op == "drop_index":
            engine.schema.drop_index(SPECS[s[1]])
        elif op in ("commit", "rollback"):
            if slots[s[1]] is not None:
                finish(s[1], op == "commit")
        elif op == "begin":
            if slots[s[1]] is None:
                slots[s[1]] = engine.begin()
        else:
            if slots[s[1]] is None:
                slots[s[1]] = engine.begin()
            tx = slots[s[1]]
            try:
                if op == "create":
                    tx.create_node(list(s[2]), {"k": s[3], "j": s[4]})
                else:
                    nodes = sorted(tx.nodes(), key=lambda n: n.gid)
                    if not nodes:
                        continue
                    node = nodes[s[2] % len(nodes)]
                    if op == "set":
                        tx.set_node_property(node, s[3], s[4])
                    elif op == "add_label":
                        tx.add_label(node, s[3])
                    elif op == "remove_label":
                        tx.remove_label(node, s[3])
                    else:
                        tx.detach_delete_node(node)
            except (SerializationError, DeletedObjectError):
                finish(s[1], False)
        for tx in slots:
            if tx is not None:
                check_transaction(tx)
    for i, tx in enumerate(slots):
        if tx is not None:
            finish(i, True)
    final = engine.begin()
    check_transaction(final)
    final.rollback()


@SUITE_SETTINGS
@given(
    steps=st.lists(step, min_size=10, max_size=60),
    indexes_first=st.sets(st.integers(0, len(SPECS) - 1)),
)
def test_seeks_equal_scan_and_filter_across_interleaved_transactions(
    engine_factory: Any, tmp_path: Path, steps: list[tuple[Any, ...]], indexes_first: set[int],
) -> None:
    """Interleaved writers and readers (snapshots taken at different times), commits, rollbacks
    and conflicts, with some indexes there from the start and others created or dropped
    mid-way: every seek of every open transaction equals its scan + filter."""
    directory = tmp_path / f"example-{next(_counter)}"
    directory.mkdir()
    engine = engine_factory.open(data_dir=directory)
    try:
        for i in sorted(indexes_first):
            engine.schema.create_index(SPECS[i])
        run_steps(engine, steps)
    finally:
        engine_factory.close(engine)


@pytest.mark.requires("SNAPSHOT_ISOLATION")
def test_index_seeks_see_snapshots_of_concurrent_writers(engine: Any) -> None:
    """A reader keeps seeing the old value through the index while a writer changes it, before
    and after the writer commits; a new reader sees the new value."""
    for spec in (IndexSpec("L"), IndexSpec("L", ("k",))):
        engine.schema.create_index(spec)
    tx = engine.begin()
    gid = tx.create_node(["L"], {"k": 1}).gid
    tx.commit()
    reader = engine.begin()
    writer = engine.begin()
    node = writer.node(gid)
    writer.set_node_property(node, "k", 2)
    writer.remove_label(node, "L")
    writer.add_label(node, "L")
    assert gids(reader.nodes_by_property("L", "k", 1)) == [gid]
    assert gids(reader.nodes_by_property("L", "k", 2)) == []
    assert gids(writer.nodes_by_property("L", "k", 2)) == [gid]
    assert gids(writer.nodes_by_property("L", "k", 1)) == []
    writer.commit()
    assert gids(reader.nodes_by_property("L", "k", 1.0)) == [gid]
    assert gids(reader.nodes_by_label("L")) == [gid]
    late = engine.begin()
    assert gids(late.nodes_by_property("L", "k", 2.0)) == [gid]
    assert gids(late.nodes_by_property("L", "k", 1)) == []
    late.rollback()
    reader.rollback()


def test_index_listing_counts_entries(engine: Any) -> None:
    """SHOW INDEX INFO counts: label and single- and multi-property indexes list the nodes that
    have the label (and every property), also for nodes written after the index was made."""
    tx = engine.begin()
    tx.create_node(["L"], {"a": 1, "b": "x"})
    tx.create_node(["L"], {"a": 2})
    tx.create_node(["L"])
    tx.create_node(["M"], {"a": 1, "b": "y"})
    tx.commit()
    specs = [IndexSpec("L"), IndexSpec("L", ("a",)), IndexSpec("L", ("a", "b"))]
    for spec in specs:
        assert engine.schema.create_index(spec) is True

    def counts() -> dict[IndexSpec, int]:
        return {info.spec: info.count for info in engine.schema.indexes()}

    assert counts() == {specs[0]: 3, specs[1]: 2, specs[2]: 1}
    tx = engine.begin()
    tx.create_node(["L"], {"a": 3, "b": "z"})
    tx.commit()
    assert counts() == {specs[0]: 4, specs[1]: 3, specs[2]: 2}
    tx = engine.begin()
    for node in list(tx.nodes_by_label("L")):
        tx.detach_delete_node(node)
    tx.commit()
    engine.free_memory()
    assert counts() == {specs[0]: 0, specs[1]: 0, specs[2]: 0}
    assert engine.schema.drop_index(specs[2]) is True
    assert list(counts()) == specs[:2]


@pytest.mark.requires("transactional", "SNAPSHOT_ISOLATION")
def test_rewrites_rollbacks_and_old_readers_keep_seeks_exact(engine: Any) -> None:
    """The cases random runs hit rarely: a value rewritten to itself or to an equal value of
    another type (``1`` -> ``1.0``) and rolled back, a label removed from a node with two
    labels and rolled back, and a value changed twice while an old reader still looks."""
    for spec in SPECS:
        engine.schema.create_index(spec)
    tx = engine.begin()
    gid = tx.create_node(["A", "B"], {"k": 1, "j": "ab"}).gid
    tx.commit()
    old_reader = engine.begin()
    for change in (
        lambda tx, n: tx.set_node_property(n, "k", 1),
        lambda tx, n: tx.set_node_property(n, "k", 1.0),
        lambda tx, n: tx.set_node_property(n, "j", "ab"),
        lambda tx, n: tx.remove_label(n, "A"),
        lambda tx, n: tx.remove_label(n, "B"),
        lambda tx, n: tx.detach_delete_node(n),
    ):
        tx = engine.begin()
        change(tx, tx.node(gid))
        check_transaction(tx)
        tx.rollback()
        fresh = engine.begin()
        for reader in (old_reader, fresh):
            check_transaction(reader)
            assert gids(reader.nodes_by_property("A", "k", 1)) == [gid]
            assert gids(reader.nodes_by_property("B", "k", 1.0)) == [gid]
            assert gids(reader.nodes_by_property_prefix("A", "j", "a")) == [gid]
            assert gids(reader.nodes_by_label("B")) == [gid]
        fresh.rollback()
    tx = engine.begin()
    node = tx.node(gid)
    tx.set_node_property(node, "k", 1.0)
    check_transaction(tx)
    tx.set_node_property(node, "k", 2)
    check_transaction(tx)
    assert gids(tx.nodes_by_property_range("A", "k", PropertyRange(0, True, 3, True))) == [gid]
    tx.commit()
    check_transaction(old_reader)
    assert gids(old_reader.nodes_by_property_range("A", "k", RANGES[0])) == [gid]
    assert gids(old_reader.nodes_by_property("A", "k", 1)) == [gid]
    old_reader.rollback()
    engine.free_memory()
    latest = engine.begin()
    check_transaction(latest)
    assert gids(latest.nodes_by_property("A", "k", 2.0)) == [gid]
    latest.rollback()
    counts = {info.spec: info.count for info in engine.schema.indexes()}
    assert counts[IndexSpec("A", ("k",))] == 1


def test_properties_and_labels_given_after_creation_are_found(engine: Any) -> None:
    """``CREATE (n:A) SET n.k = 1`` (what OGMs send) and a label added to a bare node before its
    properties: the commit succeeds and later seeks find the nodes by their final values only;
    removing the last property takes the node out of the property seeks."""
    for spec in SPECS:
        engine.schema.create_index(spec)
    tx = engine.begin()
    a = tx.create_node(["A"])
    tx.set_node_property(a, "k", 1)
    b = tx.create_node([])
    tx.add_label(b, "B")
    tx.set_node_property(b, "k", 2)
    tx.set_node_property(b, "k", 3)
    tx.commit()
    tx = engine.begin()
    check_transaction(tx)
    assert gids(tx.nodes_by_property("A", "k", 1)) == [a.gid]
    assert gids(tx.nodes_by_property("B", "k", 2)) == []
    assert gids(tx.nodes_by_property("B", "k", 3)) == [b.gid]
    tx.set_node_property(tx.node(a.gid), "k", None)
    tx.commit()
    engine.free_memory()
    tx = engine.begin()
    check_transaction(tx)
    assert gids(tx.nodes_by_property("A", "k", 1)) == []
    assert gids(tx.nodes_by_property_range("A", "k", PropertyRange())) == []
    assert gids(tx.nodes_by_label("A")) == [a.gid]
    tx.rollback()
