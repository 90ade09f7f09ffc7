"""Scalar functions: coalesce, head, last, size, length, isEmpty, valueType, timestamp,
randomUUID (TCK List6, List9, Path3, Conditional/TypeConversion usages)."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import pytest
from fn_fakes import FakeCtx, FakeNode, FakeRel

from mgcore.errors import CypherTypeError
from mgcore.values.graph import Node, Path, Relationship

A = Node(1, ("A",))
B = Node(2, ("B",))
R = Relationship(10, 1, 2, "REL")


def test_coalesce(call: Any) -> None:
    assert call("coalesce", None, None, 3, 4) == 3
    assert call("coalesce", None) is None
    assert call("coalesce", None, None) is None
    assert call("coalesce", 0) == 0
    assert call("coalesce", None, False) is False
    # TCK TypeConversion4 [8]/[9]: coalesce around toString
    assert [call("coalesce", call("toString", g), "x") for g in ["male", "female", None]] == [
        "male",
        "female",
        "x",
    ]


@pytest.mark.parametrize(
    ("name", "arg", "expected"),
    [
        ("head", [1, 2, 3], 1),
        ("head", [], None),
        ("head", None, None),
        ("head", [None, 2], None),
        ("head", (5, 6), 5),
        ("last", [1, 2, 3], 3),
        ("last", [], None),
        ("last", None, None),
        ("last", ("a",), "a"),
    ],
)
def test_head_last(call: Any, name: str, arg: Any, expected: Any) -> None:
    assert call(name, arg) == expected


@pytest.mark.parametrize("name", ["head", "last"])
@pytest.mark.parametrize("bad", ["abc", 1, {"a": 1}, A])
def test_head_last_type_errors(call: Any, name: str, bad: Any) -> None:
    with pytest.raises(CypherTypeError, match=name):
        call(name, bad)


def test_size(call: Any) -> None:
    assert call("size", [1, 2, 3]) == 3  # TCK List6 [1]
    assert call("size", [[], [], []]) == 3  # TCK List6 [3]
    assert call("size", None) is None  # TCK List6 [4]
    assert call("size", "") == 0
    assert call("size", "héllo") == 5  # code points, not bytes
    assert call("size", "🙂") == 1
    assert call("size", {"a": 1, "b": None}) == 2
    assert call("size", (1, 2)) == 2
    assert call("size", Path((A, B), (R,))) == 1  # Memgraph allows size(path)


@pytest.mark.parametrize("bad", [1, 1.5, True, A, R])
def test_size_type_errors(call: Any, bad: Any) -> None:
    with pytest.raises(CypherTypeError, match="size"):
        call("size", bad)


def test_length(call: Any) -> None:
    # TCK Path3 [1]: paths of length 0 and 1
    assert call("length", Path((A,))) == 0
    assert call("length", Path((A, B), (R,))) == 1
    assert call("length", Path((FakeNode(1), FakeNode(2)), (FakeRel(3),))) == 1  # type: ignore[arg-type]
    assert call("length", None) is None
    assert call("length", "abc") == 3  # Memgraph: length = size
    assert call("length", [1, 2]) == 2


@pytest.mark.parametrize("bad", [A, R, FakeNode(1), FakeRel(2), 3])
def test_length_of_node_or_relationship_fails(call: Any, bad: Any) -> None:
    # TCK Path3 [2]/[3] (a compile-time error there; at run time a TypeError)
    with pytest.raises(CypherTypeError, match="length"):
        call("length", bad)


def test_is_empty(call: Any) -> None:
    assert call("isEmpty", []) is True
    assert call("isEmpty", [None]) is False
    assert call("isEmpty", "") is True
    assert call("isEmpty", " ") is False
    assert call("isEmpty", {}) is True
    assert call("isEmpty", {"a": None}) is False
    assert call("isEmpty", None) is None
    with pytest.raises(CypherTypeError):
        call("isEmpty", 0)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (None, "NULL"),
        (True, "BOOLEAN"),
        (1, "INTEGER"),
        (1.0, "FLOAT"),
        ("s", "STRING"),
        ([1], "LIST"),
        ({"a": 1}, "MAP"),
        (A, "NODE"),
        (R, "RELATIONSHIP"),
        (Path((A,)), "PATH"),
        (FakeNode(1), "NODE"),
        (FakeRel(1), "RELATIONSHIP"),
    ],
)
def test_value_type(call: Any, value: Any, name: str) -> None:
    assert call("valueType", value) == name


def test_timestamp_is_microseconds_and_fixed_per_query(call: Any) -> None:
    before = time.time_ns() // 1000
    ts = call("timestamp")
    after = time.time_ns() // 1000
    assert type(ts) is int
    assert before <= ts <= after

    class WithStart(FakeCtx):
        query_timestamp = 1_700_000_000_000_000

    from mgcore.cypher.functions.scalar import timestamp

    ctx = WithStart()
    assert timestamp(ctx) == timestamp(ctx) == 1_700_000_000_000_000


def test_random_uuid(call: Any) -> None:
    a = call("randomUUID")
    b = call("randomUUID")
    assert a != b
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", a)
    assert uuid.UUID(a).version == 4
