"""Tests of mgcore.values.types: int64 checks, type names, property-value validation."""

from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgcore.errors import CypherArithmeticError, CypherTypeError
from mgcore.values import (
    INT64_MAX,
    INT64_MIN,
    Node,
    NodeHandle,
    Path,
    Relationship,
    RelationshipHandle,
    check_int,
    type_name,
    validate_property_value,
)


class _NodeHandle(NodeHandle):
    __slots__ = ("gid",)

    def __init__(self, gid: int) -> None:
        self.gid = gid


class _RelHandle(RelationshipHandle):
    __slots__ = ("gid",)

    def __init__(self, gid: int) -> None:
        self.gid = gid


def test_int64_bounds() -> None:
    assert INT64_MIN == -9223372036854775808
    assert INT64_MAX == 9223372036854775807


@pytest.mark.parametrize("v", [0, 1, -1, INT64_MIN, INT64_MAX, 2**53 + 1])
def test_check_int_accepts_int64(v: int) -> None:
    assert check_int(v) == v


@pytest.mark.parametrize("v", [INT64_MAX + 1, INT64_MIN - 1, 2**100, -(2**64)])
def test_check_int_raises_overflow(v: int) -> None:
    with pytest.raises(CypherArithmeticError, match="Integer overflow"):
        check_int(v)


_N = Node(1, ("A",), {"x": 1})
_R = Relationship(2, 1, 1, "T")


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (None, "NULL"),
        (True, "BOOLEAN"),
        (False, "BOOLEAN"),
        (0, "INTEGER"),
        (2**62, "INTEGER"),
        (0.5, "FLOAT"),
        (float("nan"), "FLOAT"),
        ("", "STRING"),
        ([], "LIST"),
        ((1, 2), "LIST"),
        ({}, "MAP"),
        (OrderedDict(a=1), "MAP"),
        (_N, "NODE"),
        (_R, "RELATIONSHIP"),
        (Path((_N, _N), (_R,)), "PATH"),
        (_NodeHandle(3), "NODE"),
        (_RelHandle(3), "RELATIONSHIP"),
    ],
)
def test_type_name(value: object, name: str) -> None:
    assert type_name(value) == name


def test_type_name_rejects_unknown_objects() -> None:
    with pytest.raises(CypherTypeError):
        type_name(object())


@pytest.mark.parametrize(
    "value",
    [None, True, False, 0, -1, INT64_MIN, INT64_MAX, 1.5, float("nan"), float("-inf"), -0.0, "s"],
)
def test_validate_scalars_unchanged(value: object) -> None:
    assert validate_property_value(value) is value


def test_validate_nested_heterogeneous_containers() -> None:
    value: list[Any] = [1, "a", [2.5, {"k": [None, True]}], {"m": {"n": []}}]
    stored = validate_property_value(value)
    assert stored == value
    assert stored is not value
    assert stored[2] is not value[2]
    value[2][1]["k"].append(3)
    assert stored[2][1]["k"] == [None, True]


def test_validate_normalises_tuples_and_mappings() -> None:
    stored = validate_property_value((1, OrderedDict(b=(2, 3))))
    assert stored == [1, {"b": [2, 3]}]
    assert type(stored) is list
    assert type(stored[1]) is dict
    assert type(stored[1]["b"]) is list


@pytest.mark.parametrize(
    "value",
    [
        INT64_MAX + 1,
        INT64_MIN - 1,
        [1, [2, 2**64]],
        {"a": {"b": 2**70}},
        _N,
        _R,
        Path((_N,)),
        _NodeHandle(1),
        _RelHandle(1),
        [1, _N],
        {"a": _RelHandle(2)},
        {1: "x"},
        {"a": {None: 1}},
        object(),
        b"bytes",
        {1, 2},
        [1, 2j],
    ],
)
def test_validate_rejects(value: object) -> None:
    with pytest.raises(CypherTypeError):
        validate_property_value(value)


def test_validate_error_names_the_graph_type() -> None:
    with pytest.raises(CypherTypeError, match="NODE"):
        validate_property_value(_NodeHandle(1))
    with pytest.raises(CypherTypeError, match="strings"):
        validate_property_value({3: 1})


_storable = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(INT64_MIN, INT64_MAX)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200)
@given(_storable)
def test_validate_round_trips_storable_values(value: object) -> None:
    assert validate_property_value(value) == value
