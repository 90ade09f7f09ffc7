"""Mathematical functions (TCK Mathematical11, Mathematical13) and libm edge cases."""

from __future__ import annotations

import math
from typing import Any

import pytest

from mgcore.errors import CypherArgumentError, CypherArithmeticError, CypherTypeError

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
NAN = float("nan")
INF = float("inf")


def same(a: Any, b: Any) -> bool:
    """Equal with the same type, NaN equal to NaN and the sign of zero significant."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return bool(a == b)


def test_abs(call: Any) -> None:
    assert same(call("abs", -1), 1)  # TCK Mathematical11 [1]
    assert same(call("abs", 3), 3)
    assert same(call("abs", -3.5), 3.5)
    assert same(call("abs", -0.0), 0.0)
    assert same(call("abs", INT64_MAX), INT64_MAX)
    assert same(call("abs", INT64_MIN + 1), INT64_MAX)
    assert call("abs", None) is None
    with pytest.raises(CypherArithmeticError):
        call("abs", INT64_MIN)
    with pytest.raises(CypherTypeError, match="abs"):
        call("abs", "1")
    with pytest.raises(CypherTypeError):
        call("abs", True)


def test_sqrt(call: Any) -> None:
    assert same(call("sqrt", 12.96), 3.6)  # TCK Mathematical13 [1]
    assert same(call("sqrt", 4), 2.0)
    assert same(call("sqrt", -1), NAN)
    assert same(call("sqrt", INF), INF)
    assert same(call("sqrt", NAN), NAN)
    assert call("sqrt", None) is None


@pytest.mark.parametrize(
    ("name", "arg", "expected"),
    [
        ("ceil", 2.1, 3.0),
        ("ceil", -2.9, -2.0),
        ("ceil", -0.5, -0.0),
        ("ceil", 3, 3.0),
        ("ceil", INF, INF),
        ("ceil", NAN, NAN),
        ("floor", 2.9, 2.0),
        ("floor", -2.1, -3.0),
        ("floor", 0.5, 0.0),
        ("floor", -7, -7.0),
        ("floor", -INF, -INF),
        ("round", 2.5, 3.0),
        ("round", -2.5, -3.0),
        ("round", 2.4999, 2.0),
        ("round", 0.49999999999999994, 0.0),
        ("round", -0.4, -0.0),
        ("round", 3.141592, 3.0),
        ("round", 7, 7.0),
        ("round", 4503599627370497.0, 4503599627370497.0),
        ("round", NAN, NAN),
        ("sign", -17, -1),
        ("sign", 0, 0),
        ("sign", 0.1, 1),
        ("sign", -0.0, 0),
        ("sign", -INF, -1),
        ("sign", NAN, 0),
        ("exp", 0, 1.0),
        ("exp", 1000, INF),
        ("log", math.e, 1.0),
        ("log", 0, -INF),
        ("log", -1, NAN),
        ("log10", 100, 2.0),
        ("log10", 0.0, -INF),
        ("log10", -5, NAN),
        ("sin", 0, 0.0),
        ("cos", 0, 1.0),
        ("cos", INF, NAN),
        ("tan", 0, 0.0),
        ("cot", 0, INF),
        ("cot", -0.0, -INF),
        ("asin", 1, math.pi / 2),
        ("asin", 2, NAN),
        ("acos", 1, 0.0),
        ("acos", -2, NAN),
        ("atan", 1, math.pi / 4),
        ("degrees", math.pi, 180.0),
        ("radians", 180, math.pi),
        ("haversin", 0, 0.0),
        ("haversin", math.pi, 1.0),
        ("isNaN", NAN, True),
        ("isNaN", 1.0, False),
        ("isNaN", 1, False),
    ],
)
def test_unary(call: Any, name: str, arg: Any, expected: Any) -> None:
    assert same(call(name, arg), expected)


def test_cot(call: Any) -> None:
    assert call("cot", 1.0) == pytest.approx(1 / math.tan(1.0))
    assert call("haversin", 0.5) == pytest.approx((1 - math.cos(0.5)) / 2)


UNARY = [
    "ceil", "floor", "round", "sign", "sqrt", "exp", "log", "log10", "sin", "cos", "tan",
    "cot", "asin", "acos", "atan", "degrees", "radians", "haversin", "isNaN",
]


@pytest.mark.parametrize("name", UNARY)
def test_unary_null_and_type_errors(call: Any, name: str) -> None:
    assert call(name, None) is None
    for bad in ("1", True, [1], {"a": 1}):
        with pytest.raises(CypherTypeError, match=name):
            call(name, bad)


def test_atan2(call: Any) -> None:
    assert same(call("atan2", 1, 1), math.pi / 4)
    assert same(call("atan2", 0.0, -1), math.pi)
    assert call("atan2", None, 1) is None
    assert call("atan2", 1, None) is None
    with pytest.raises(CypherTypeError, match="argument 1"):
        call("atan2", "1", 1)
    with pytest.raises(CypherTypeError, match="argument 2"):
        call("atan2", 1, "1")


def test_constants_and_rand(call: Any) -> None:
    assert same(call("e"), math.e)
    assert same(call("pi"), math.pi)
    values = {call("rand") for _ in range(50)}
    assert all(type(v) is float and 0.0 <= v < 1.0 for v in values)
    assert len(values) > 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((3.141592, 3), 3.142),
        ((2.675, 2), 2.68),  # the decimal representation is rounded, as Neo4j
        ((-2.675, 2), -2.68),
        ((1234.5, -2), 1200.0),
        ((1.5, 0), 2.0),
        ((-1.5, 0), -2.0),
        ((12, 1), 12.0),
        ((1.25, 1, "HALF_EVEN"), 1.2),
        ((1.35, 1, "half_even"), 1.4),
        ((1.25, 1, "HALF_DOWN"), 1.2),
        ((1.21, 1, "UP"), 1.3),
        ((-1.21, 1, "UP"), -1.3),
        ((1.29, 1, "DOWN"), 1.2),
        ((-1.21, 1, "CEILING"), -1.2),
        ((-1.21, 1, "FLOOR"), -1.3),
        ((0.04, 1), 0.0),
        ((-0.04, 1), -0.0),
        ((1e20, 2), 1e20),
        ((5e-324, 400), 5e-324),
        ((1234.5, -500), 0.0),
        ((INF, 2), INF),
    ],
)
def test_round_with_precision(call: Any, args: tuple[Any, ...], expected: float) -> None:
    assert same(call("round", *args), expected)


def test_round_with_precision_errors(call: Any) -> None:
    assert call("round", None, 2) is None
    assert call("round", 1.5, None) is None
    assert call("round", 1.5, 1, None) is None
    with pytest.raises(CypherArgumentError, match="rounding mode"):
        call("round", 1.5, 1, "SIDEWAYS")
    with pytest.raises(CypherTypeError, match="argument 2"):
        call("round", 1.5, 1.0)
    with pytest.raises(CypherTypeError, match="argument 3"):
        call("round", 1.5, 1, 1)
    with pytest.raises(CypherTypeError, match="argument 1"):
        call("round", "1.5", 1)
