"""Property values round-trip exactly through set/get on nodes and relationships, inside the
writing transaction and after commit, and stored values are independent of the caller's objects."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from mgcore.conformance.suite._support import (
    ROUND_TRIP_VALUES,
    SUITE_SETTINGS,
    canon,
    property_values,
    same_value,
)

VALUE_PARAMS = [pytest.param(value, id=name) for name, value in ROUND_TRIP_VALUES]


def assert_same(actual: Any, expected: Any) -> None:
    """Exact, type-strict comparison with a readable message."""
    assert same_value(actual, expected), f"stored {expected!r}, got back {actual!r}"


@pytest.mark.parametrize("value", VALUE_PARAMS)
def test_node_property_round_trip(engine: Any, value: Any) -> None:
    """A node property reads back exactly, in the writing transaction and after commit."""
    tx = engine.begin()
    node = tx.create_node(["V"])
    tx.set_node_property(node, "p", value)
    assert_same(tx.node_property(node, "p"), value)
    assert_same(tx.node_properties(node), {"p": value})
    tx.commit()
    tx = engine.begin()
    node = tx.node(node.gid)
    assert node is not None
    assert_same(tx.node_property(node, "p"), value)
    assert_same(tx.node_properties(node), {"p": value})
    tx.rollback()


@pytest.mark.parametrize("value", VALUE_PARAMS)
def test_node_create_with_properties_round_trip(engine: Any, value: Any) -> None:
    """Properties given to ``create_node`` read back exactly."""
    tx = engine.begin()
    node = tx.create_node((), {"p": value, "other": 1})
    assert_same(tx.node_properties(node), {"p": value, "other": 1})
    tx.commit()
    tx = engine.begin()
    assert_same(tx.node_property(tx.node(node.gid), "p"), value)
    tx.rollback()


@pytest.mark.requires("properties_on_edges")
@pytest.mark.parametrize("value", VALUE_PARAMS)
def test_relationship_property_round_trip(engine: Any, value: Any) -> None:
    """A relationship property reads back exactly, set at creation or later, before and after
    commit."""
    tx = engine.begin()
    a, b = tx.create_node(), tx.create_node()
    rel = tx.create_relationship(a, b, "R", {"at_create": value})
    tx.set_relationship_property(rel, "later", value)
    assert_same(tx.relationship_property(rel, "at_create"), value)
    assert_same(tx.relationship_properties(rel), {"at_create": value, "later": value})
    tx.commit()
    tx = engine.begin()
    rel = tx.relationship(rel.gid)
    assert rel is not None
    assert_same(tx.relationship_property(rel, "later"), value)
    assert_same(tx.relationship_properties(rel), {"at_create": value, "later": value})
    tx.rollback()


def test_bool_and_int_stay_distinct(engine: Any) -> None:
    """``True``/``1`` and ``False``/``0`` and ``1``/``1.0`` are different stored values."""
    stored = {"t": True, "one": 1, "f": False, "zero": 0, "one_float": 1.0, "zero_float": 0.0}
    tx = engine.begin()
    node = tx.create_node((), stored)
    tx.commit()
    tx = engine.begin()
    props = tx.node_properties(tx.node(node.gid))
    for key, value in stored.items():
        assert type(props[key]) is type(value), f"{key}: {props[key]!r} is not {value!r}"
    tx.rollback()


def test_setting_null_removes_the_property(engine: Any) -> None:
    """Setting ``None`` removes a property, before and after commit; removing a missing one is
    harmless."""
    tx = engine.begin()
    node = tx.create_node((), {"a": 1, "b": 2})
    tx.set_node_property(node, "a", None)
    tx.set_node_property(node, "missing", None)
    assert tx.node_property(node, "a") is None
    assert tx.node_properties(node) == {"b": 2}
    tx.commit()
    tx = engine.begin()
    node = tx.node(node.gid)
    assert tx.node_properties(node) == {"b": 2}
    tx.set_node_property(node, "b", None)
    assert tx.node_properties(node) == {}
    tx.commit()
    tx = engine.begin()
    assert tx.node_properties(tx.node(node.gid)) == {}
    assert tx.node_property(tx.node(node.gid), "b") is None
    tx.rollback()


def test_create_skips_null_properties(engine: Any) -> None:
    """``None`` values given at creation are not stored."""
    tx = engine.begin()
    node = tx.create_node((), {"a": None, "b": 1})
    assert tx.node_properties(node) == {"b": 1}
    tx.commit()
    tx = engine.begin()
    assert tx.node_properties(tx.node(node.gid)) == {"b": 1}
    tx.rollback()


@pytest.mark.requires("properties_on_edges")
def test_relationship_null_removes_the_property(engine: Any) -> None:
    """``None`` removes a relationship property and is skipped at creation."""
    tx = engine.begin()
    rel = tx.create_relationship(tx.create_node(), tx.create_node(), "R", {"a": None, "b": 1})
    assert tx.relationship_properties(rel) == {"b": 1}
    tx.set_relationship_property(rel, "b", None)
    assert tx.relationship_properties(rel) == {}
    assert tx.relationship_property(rel, "b") is None
    tx.commit()
    tx = engine.begin()
    assert tx.relationship_properties(tx.relationship(rel.gid)) == {}
    tx.rollback()


def test_overwrite_changes_type(engine: Any) -> None:
    """Overwriting a property with a value of another type keeps only the new value."""
    tx = engine.begin()
    node = tx.create_node()
    for value in (1, "one", [1], {"one": 1}, 1.0, True):
        tx.set_node_property(node, "p", value)
        assert_same(tx.node_property(node, "p"), value)
    tx.commit()
    tx = engine.begin()
    assert_same(tx.node_property(tx.node(node.gid), "p"), True)
    tx.rollback()


def test_stored_value_not_aliased_to_callers_objects(engine: Any) -> None:
    """Mutating the list or map the caller passed, after setting it, does not change the stored
    value (neither in the transaction nor after commit)."""
    tx = engine.begin()
    inner = [2, 3]
    items: list[Any] = [1, inner]
    mapping: dict[str, Any] = {"k": [1], "m": {"x": 1}}
    node = tx.create_node((), {"created": items})
    tx.set_node_property(node, "set", items)
    tx.set_node_property(node, "map", mapping)
    items.append(4)
    inner.append(5)
    mapping["k"].append(2)
    mapping["m"]["y"] = 2
    mapping["new"] = True
    expected = {"created": [1, [2, 3]], "set": [1, [2, 3]], "map": {"k": [1], "m": {"x": 1}}}
    assert_same(tx.node_properties(node), expected)
    tx.commit()
    tx = engine.begin()
    assert_same(tx.node_properties(tx.node(node.gid)), expected)
    tx.rollback()


def test_properties_dict_is_owned_by_the_caller(engine: Any) -> None:
    """``node_properties`` returns a new dict: changing it does not change the node."""
    tx = engine.begin()
    node = tx.create_node((), {"a": 1})
    props = tx.node_properties(node)
    props["a"] = 2
    props["b"] = 3
    assert tx.node_properties(node) == {"a": 1}
    tx.commit()
    tx = engine.begin()
    props = tx.node_properties(tx.node(node.gid))
    props.clear()
    assert tx.node_properties(tx.node(node.gid)) == {"a": 1}
    tx.rollback()


@SUITE_SETTINGS
@given(value=property_values, other=property_values)
def test_random_values_round_trip(engine: Any, value: Any, other: Any) -> None:
    """Any generated property value (nested, heterogeneous, NaN, -0.0, unicode) round-trips,
    on nodes and, where supported, on relationships."""
    tx = engine.begin()
    node = tx.create_node((), {"a": value})
    tx.set_node_property(node, "b", other)
    rel = None
    if engine.capabilities.properties_on_edges:
        rel = tx.create_relationship(node, node, "R", {"a": value})
        tx.set_relationship_property(rel, "b", other)
    tx.commit()
    tx = engine.begin()
    props = tx.node_properties(tx.node(node.gid))
    rel_props = tx.relationship_properties(tx.relationship(rel.gid)) if rel is not None else None
    tx.rollback()
    assert canon(props) == canon({"a": value, "b": other})
    if rel is not None:
        assert canon(rel_props) == canon({"a": value, "b": other})
