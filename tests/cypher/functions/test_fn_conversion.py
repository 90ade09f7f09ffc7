"""Type conversion functions (TCK TypeConversion1, TypeConversion4) and Memgraph's rules for
integers, floats and strings."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fn_fakes import FakeNode, FakeRel

from mgcore.cypher.functions.conversion import float_to_string
from mgcore.errors import CypherArgumentError, CypherTypeError
from mgcore.values.graph import Node, Path, Relationship

N = Node(1)
R = Relationship(2, 1, 1, "T")
P = Path((N, N), (R,))
GRAPH_VALUES = [N, R, P, FakeNode(1), FakeRel(2)]

# ----------------------------------------------------------------------------------- toBoolean


def test_to_boolean_on_booleans_and_strings(call: Any) -> None:
    assert [call("toBoolean", b) for b in [True, False]] == [True, False]  # TCK [1]
    assert call("toBoolean", "true") is True  # TCK [2]
    assert [call("toBoolean", s) for s in ["true", "false"]] == [True, False]  # TCK [3]
    # TCK [4]
    assert [call("toBoolean", s) for s in [None, "", " tru ", "f alse"]] == [None] * 4
    assert call("toBoolean", "  TRUE ") is True
    assert call("toBoolean", "False") is False
    assert call("toBoolean", "t") is True  # Memgraph accepts T/F
    assert call("toBoolean", "F") is False
    assert call("toBoolean", "yes") is None


def test_to_boolean_on_integers(call: Any) -> None:
    assert call("toBoolean", 0) is False
    assert call("toBoolean", 1) is True
    assert call("toBoolean", -7) is True


@pytest.mark.parametrize("bad", [[], {}, 1.0, *GRAPH_VALUES])
def test_to_boolean_invalid_types(call: Any, bad: Any) -> None:
    # TCK TypeConversion1 [5]: TypeError InvalidArgumentValue
    with pytest.raises(CypherTypeError, match="toBoolean"):
        call("toBoolean", bad)
    assert call("toBooleanOrNull", bad) is None


def test_to_boolean_or_null(call: Any) -> None:
    assert call("toBooleanOrNull", "true") is True
    assert call("toBooleanOrNull", 0) is False
    assert call("toBooleanOrNull", "x") is None
    assert call("toBooleanOrNull", None) is None


# ----------------------------------------------------------------------------------- toInteger


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (42, 42),
        ("42", 42),
        (" 42 ", 42),
        ("-42", -42),
        ("+42", 42),
        ("42.7", 42),
        ("-42.7", -42),
        ("1e3", 1000),
        (".5", 0),
        ("2.9", 2),
        ("foo", None),
        ("", None),
        ("4 2", None),
        ("1_000", None),
        ("٣", None),
        ("0x1F", None),
        (82.9, 82),
        (-82.9, -82),
        (1.0e100, 2**63 - 1),
        (-1.0e100, -(2**63)),
        (float("nan"), 0),
        (True, 1),
        (False, 0),
        (None, None),
        ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775808", -(2**63)),
    ],
)
def test_to_integer(call: Any, value: Any, expected: Any) -> None:
    result = call("toInteger", value)
    assert result == expected
    assert type(result) is type(expected)
    assert call("toIntegerOrNull", value) == expected


def test_to_integer_on_a_list_of_strings(call: Any) -> None:
    assert [call("toInteger", s) for s in ["2", "2.9", "foo"]] == [2, 2, None]
    assert call("toIntegerList", ["2", "2.9", "foo", 1.5, None, [1], True]) == [
        2, 2, None, 1, None, None, 1,
    ]


@pytest.mark.parametrize("text", ["9223372036854775808", "-9223372036854775809", "1e19"])
def test_to_integer_out_of_range_string(call: Any, text: str) -> None:
    with pytest.raises(CypherArgumentError, match="outside the range"):
        call("toInteger", text)
    assert call("toIntegerOrNull", text) is None


@pytest.mark.parametrize("bad", [[], {}, [1], *GRAPH_VALUES])
def test_to_integer_invalid_types(call: Any, bad: Any) -> None:
    with pytest.raises(CypherTypeError, match="toInteger"):
        call("toInteger", bad)
    assert call("toIntegerOrNull", bad) is None


# ------------------------------------------------------------------------------------- toFloat


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1.0),
        (2.5, 2.5),
        ("2.5", 2.5),
        (" -2.5e2 ", -250.0),
        ("5", 5.0),
        ("5.", 5.0),
        ("foo", None),
        ("", None),
        ("nan", None),
        ("1_0", None),
        (True, 1.0),
        (False, 0.0),
        (None, None),
        (2**63, 9.223372036854776e18),
    ],
)
def test_to_float(call: Any, value: Any, expected: Any) -> None:
    result = call("toFloat", value)
    assert result == expected
    assert type(result) is type(expected)
    assert call("toFloatOrNull", value) == expected


@pytest.mark.parametrize("bad", [[], {}, *GRAPH_VALUES])
def test_to_float_invalid_types(call: Any, bad: Any) -> None:
    with pytest.raises(CypherTypeError, match="toFloat"):
        call("toFloat", bad)
    assert call("toFloatOrNull", bad) is None


def test_to_float_list(call: Any) -> None:
    expected = [1.0, 1.5, None, None, 1.0, None]
    assert call("toFloatList", [1, "1.5", "x", None, True, [1]]) == expected
    assert call("toFloatList", None) is None
    with pytest.raises(CypherTypeError, match="toFloatList"):
        call("toFloatList", "1.5")


# ------------------------------------------------------------------------------------ toString


def test_to_string(call: Any) -> None:
    assert call("toString", 42) == "42"  # TCK TypeConversion4 [1]
    assert call("toString", True) == "true"  # [2]
    assert call("toString", 1 < 0) == "false"  # [3]
    assert [call("toString", x) for x in [1, 2.3, True, "apa"]] == ["1", "2.3", "true", "apa"]
    assert [call("toString", n) for n in [1, 2, 3]] == ["1", "2", "3"]  # [6]
    assert call("toString", 4) == "4"  # [7]
    assert call("toString", None) is None
    assert call("toString", 1.0) == "1.0"
    assert call("toString", -0.5) == "-0.5"


@pytest.mark.parametrize("bad", [[], {}, *GRAPH_VALUES])
def test_to_string_invalid_types(call: Any, bad: Any) -> None:
    # TCK TypeConversion4 [10]: TypeError InvalidArgumentValue
    with pytest.raises(CypherTypeError, match="toString"):
        call("toString", bad)
    assert call("toStringOrNull", bad) is None


def test_to_string_list_and_boolean_list(call: Any) -> None:
    assert call("toStringList", [1, 1.5, True, "a", None, [1], N]) == [
        "1", "1.5", "true", "a", None, None, None,
    ]
    assert call("toBooleanList", [True, "false", 0, 1.0, "x", None]) == [
        True, False, False, None, None, None,
    ]
    assert call("toBooleanList", None) is None
    assert call("toStringList", ()) == []
    with pytest.raises(CypherTypeError, match="toBooleanList"):
        call("toBooleanList", True)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1.0"),
        (-1.0, "-1.0"),
        (2.3, "2.3"),
        (0.1 + 0.2, "0.30000000000000004"),
        (0.001, "0.001"),
        (0.0001, "1.0E-4"),
        (-1.5e-5, "-1.5E-5"),
        (1234567.0, "1234567.0"),
        (9999999.999, "9999999.999"),
        (1e7, "1.0E7"),
        (12345678.0, "1.2345678E7"),
        (1e20, "1.0E20"),
        (1.7976931348623157e308, "1.7976931348623157E308"),
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        (math.nan, "NaN"),
    ],
)
def test_float_to_string(value: float, text: str) -> None:
    assert float_to_string(value) == text
