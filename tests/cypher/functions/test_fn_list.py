"""List functions: range (TCK List11), tail (TCK List9), toSet."""

from __future__ import annotations

from typing import Any

import pytest

from mgcore.errors import CypherArgumentError, CypherTypeError
from mgcore.values.graph import Node

# TCK List11 [1]: range(start, end)
RANGE_DEFAULT_STEP = [
    (-1236, -1234, [-1236, -1235, -1234]),
    (-1234, -1234, [-1234]),
    (-10, -3, [-10, -9, -8, -7, -6, -5, -4, -3]),
    (-10, 0, [-10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0]),
    (-1, 0, [-1, 0]),
    (0, -123, []),
    (0, -1, []),
    (-1, 1, [-1, 0, 1]),
    (0, 0, [0]),
    (0, 1, [0, 1]),
    (0, 10, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    (6, 10, [6, 7, 8, 9, 10]),
    (1234, 1234, [1234]),
    (1234, 1236, [1234, 1235, 1236]),
]

# TCK List11 [2]: range(start, end, step)
RANGE_WITH_STEP = [
    (1381, -3412, -1298, [1381, 83, -1215, -2513]),
    (0, -2000, -1298, [0, -1298]),
    (10, -10, -3, [10, 7, 4, 1, -2, -5, -8]),
    (0, -10, -3, [0, -3, -6, -9]),
    (0, -20, -2, [0, -2, -4, -6, -8, -10, -12, -14, -16, -18, -20]),
    (0, -10, -1, [0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10]),
    (0, -1, -1, [0, -1]),
    (-1236, -1234, 1, [-1236, -1235, -1234]),
    (-10, 0, 1, [-10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0]),
    (-1, 0, 1, [-1, 0]),
    (0, 1, -123, []),
    (0, 1, -1, []),
    (0, -123, 1, []),
    (0, -1, 1, []),
    (0, 0, -1, [0]),
    (0, 0, 1, [0]),
    (0, 1, 2, [0]),
    (0, 1, 1, [0, 1]),
    (0, 10, 1, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    (6, 10, 1, [6, 7, 8, 9, 10]),
    (1234, 1234, 1, [1234]),
    (1234, 1236, 1, [1234, 1235, 1236]),
    (-10, 0, 3, [-10, -7, -4, -1]),
    (-10, 10, 3, [-10, -7, -4, -1, 2, 5, 8]),
    (-2000, 0, 1298, [-2000, -702]),
    (-3412, 1381, 1298, [-3412, -2114, -816, 482]),
]


@pytest.mark.parametrize(("start", "end", "expected"), RANGE_DEFAULT_STEP)
def test_range_default_step(call: Any, start: int, end: int, expected: list[int]) -> None:
    assert call("range", start, end) == expected


@pytest.mark.parametrize(("start", "end", "step", "expected"), RANGE_WITH_STEP)
def test_range_with_step(call: Any, start: int, end: int, step: int, expected: list[int]) -> None:
    assert call("range", start, end, step) == expected


def test_range_empty_when_directions_disagree(call: Any) -> None:
    # TCK List11 [3]
    for stop in [1, 2, 500, 1000, 1500]:
        for step in [-1000, -3, -2, -1, 1, 2, 3, 1000]:
            result = call("range", 0, stop, step)
            empty = call("sign", stop - 0) != call("sign", step)
            assert (call("size", result) == 0) == empty


@pytest.mark.parametrize(("start", "end"), [(0, 0), (2, 8), (-2, 8), (2, -8)])
def test_range_zero_step(call: Any, start: int, end: int) -> None:
    # TCK List11 [4]: ArgumentError NumberOutOfRange
    with pytest.raises(CypherArgumentError, match="step"):
        call("range", start, end, 0)


@pytest.mark.parametrize(
    ("start", "end", "step"),
    [
        (True, 1, 1),
        (0, True, 1),
        (0, 1, True),
        (-1.1, 1, 1),
        (-0.0, 1, 1),
        (0.0, 1, 1),
        (1.1, 1, 1),
        (0, -1.1, 1),
        (0, -0.0, 1),
        (0, 0.0, 1),
        (0, 1.1, 1),
        (0, 1, -1.1),
        (0, 1, 1.1),
        ("xyz", 1, 1),
        (0, "xyz", 1),
        (0, 1, "xyz"),
        ([0], 1, 1),
        (0, [1], 1),
        (0, 1, [1]),
        ({"start": 0}, 1, 1),
        (0, {"end": 1}, 1),
        (0, 1, {"step": 1}),
    ],
)
def test_range_invalid_argument_types(call: Any, start: Any, end: Any, step: Any) -> None:
    # TCK List11 [5]: ArgumentError InvalidArgumentType
    with pytest.raises(CypherArgumentError, match="range"):
        call("range", start, end, step)


def test_range_null(call: Any) -> None:
    assert call("range", None, 1) is None
    assert call("range", 0, None) is None
    assert call("range", 0, 1, None) is None


def test_tail(call: Any) -> None:
    assert call("tail", call("tail", [1, 2, 3, 4, 5])) == [3, 4, 5]  # TCK List9 [1]
    assert call("tail", []) == []
    assert call("tail", [1]) == []
    assert call("tail", (1, 2)) == [2]
    assert call("tail", None) is None
    with pytest.raises(CypherTypeError, match="tail"):
        call("tail", "abc")


def test_to_set(call: Any) -> None:
    assert call("toSet", [1, 2, 1, 1.0, "1", None, None, [1], [1.0]]) == [1, 2, "1", None, [1]]
    a = Node(1)
    assert call("toSet", [a, Node(1), Node(2)]) == [a, Node(2)]
    assert call("toSet", []) == []
    assert call("toSet", None) is None
    with pytest.raises(CypherTypeError):
        call("toSet", "aa")
