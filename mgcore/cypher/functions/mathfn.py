"""Mathematical functions: abs, ceil, floor, round, sign, rand, sqrt, exp, log, log10, e, pi,
sin, cos, tan, cot, asin, acos, atan, atan2, degrees, radians, haversin, isNaN.

Results follow C's libm, as Memgraph: a domain error gives NaN (``sqrt(-1)``, ``asin(2)``),
a pole gives an infinity (``log(0)``, ``cot(0)``), an overflow gives infinity (``exp(1000)``).
``abs`` and ``sign`` return integers for integers; ``ceil``, ``floor`` and ``round`` return
floats. ``round(x)`` rounds half away from zero (C's ``round``, as Memgraph; Neo4j rounds
half up); ``round(x, precision[, mode])`` rounds the decimal representation of ``x`` like
Neo4j (default mode HALF_UP, i.e. half away from zero).
"""

from __future__ import annotations

import decimal
import math
import random
from collections.abc import Callable
from typing import Any

from mgcore.cypher.functions._common import argument_error, type_error
from mgcore.cypher.functions.registry import Function
from mgcore.errors import CypherArithmeticError
from mgcore.values.types import INT64_MIN

_NAN = math.nan
_INF = math.inf
_NUMBER = "a number"


def abs_(v: Any) -> int | float | None:
    """The absolute value; an integer for an integer (``abs`` of INT64_MIN overflows)."""
    t = type(v)
    if t is int:
        if v >= 0:
            return v
        if v == INT64_MIN:
            raise CypherArithmeticError("Integer overflow: abs(-9223372036854775808).")
        return -v
    if t is float:
        return abs(v)
    if v is None:
        return None
    raise type_error("abs", 1, _NUMBER, v)


def ceil(v: Any) -> float | None:
    """The smallest integral float not below ``v``."""
    t = type(v)
    if t is float:
        if v - v != 0.0:  # NaN or infinite
            return v
        r = float(math.ceil(v))
        return r if r else math.copysign(0.0, v)
    if t is int:
        return float(v)
    if v is None:
        return None
    raise type_error("ceil", 1, _NUMBER, v)


def floor(v: Any) -> float | None:
    """The largest integral float not above ``v``."""
    t = type(v)
    if t is float:
        if v - v != 0.0:
            return v
        r = float(math.floor(v))
        return r if r else math.copysign(0.0, v)
    if t is int:
        return float(v)
    if v is None:
        return None
    raise type_error("floor", 1, _NUMBER, v)


def _round_half_away(x: float) -> float:
    """``x`` rounded to an integral float, halves away from zero (C's ``round``)."""
    if x - x != 0.0:
        return x
    a = abs(x)
    f = math.floor(a)
    r = f + 1 if a - f >= 0.5 else f
    return math.copysign(float(r), x)


_MODES = {
    "UP": decimal.ROUND_UP,
    "DOWN": decimal.ROUND_DOWN,
    "CEILING": decimal.ROUND_CEILING,
    "FLOOR": decimal.ROUND_FLOOR,
    "HALF_UP": decimal.ROUND_HALF_UP,
    "HALF_DOWN": decimal.ROUND_HALF_DOWN,
    "HALF_EVEN": decimal.ROUND_HALF_EVEN,
}
_DECIMAL_CONTEXT = decimal.Context(prec=1200, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def _round_precision(x: float, precision: int, mode: str) -> float:
    """``x`` rounded to ``precision`` decimal places (negative: tens, hundreds, ...)."""
    if x - x != 0.0:
        return x
    d = decimal.Decimal(repr(x))
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and -exponent <= precision:
        return x  # already has no more than `precision` decimals
    precision = max(precision, -400)
    quantum = decimal.Decimal(1).scaleb(-precision)
    r = float(d.quantize(quantum, rounding=_MODES[mode], context=_DECIMAL_CONTEXT))
    return r if r else math.copysign(0.0, x)


_MISSING: Any = object()


def round_(v: Any, precision: Any = _MISSING, mode: Any = _MISSING) -> float | None:
    """``v`` rounded to an integral float (halves away from zero), or to ``precision``
    decimal places with a rounding ``mode`` (UP, DOWN, CEILING, FLOOR, HALF_UP, HALF_DOWN,
    HALF_EVEN; default HALF_UP)."""
    t = type(v)
    if precision is _MISSING:
        if t is float:
            return _round_half_away(v)
        if t is int:
            return float(v)
    if v is None:
        return None
    if t is not float and t is not int:
        raise type_error("round", 1, _NUMBER, v)
    if precision is None or mode is None:
        return None
    if type(precision) is not int:
        raise type_error("round", 2, "an integer", precision)
    if mode is _MISSING:
        mode = "HALF_UP"
    elif type(mode) is not str:
        raise type_error("round", 3, "a string", mode)
    else:
        mode = mode.upper()
        if mode not in _MODES:
            raise argument_error(
                "round", f"unknown rounding mode '{mode}'; use one of {', '.join(_MODES)}."
            )
    return _round_precision(float(v), precision, mode)


def sign(v: Any) -> int | None:
    """-1, 0 or 1 (an integer) by the sign of ``v``; 0 for NaN."""
    t = type(v)
    if t is int or t is float:
        return (v > 0) - (v < 0)
    if v is None:
        return None
    raise type_error("sign", 1, _NUMBER, v)


def rand() -> float:
    """A random float in [0, 1)."""
    return random.random()


def e() -> float:
    """Euler's number."""
    return math.e


def pi() -> float:
    """The ratio of a circle's circumference to its diameter."""
    return math.pi


def _unary(name: str, op: Callable[[Any], float], doc: str) -> Callable[[Any], float | None]:
    """A float function of one number: null for null, NaN on a domain error, infinity on an
    overflow."""

    def impl(v: Any) -> float | None:
        t = type(v)
        if t is float or t is int:
            try:
                return op(v)
            except ValueError:
                return _NAN
            except OverflowError:
                return _INF
        if v is None:
            return None
        raise type_error(name, 1, _NUMBER, v)

    impl.__name__ = impl.__qualname__ = name
    impl.__doc__ = doc
    return impl


def _sqrt(x: Any) -> float:
    """C's sqrt: NaN below zero."""
    return math.sqrt(x) if x >= 0 else _NAN


def _log(x: Any) -> float:
    """C's log: -inf at zero, NaN below."""
    if x > 0:
        return math.log(x)
    return -_INF if x == 0 else _NAN


def _log10(x: Any) -> float:
    """C's log10: -inf at zero, NaN below."""
    if x > 0:
        return math.log10(x)
    return -_INF if x == 0 else _NAN


def _cot(x: Any) -> float:
    """cos(x) / sin(x), infinite at the poles."""
    s = math.sin(x)
    c = math.cos(x)
    if s == 0.0:  # only at x = +-0.0, where cos(x) = 1
        return math.copysign(_INF, s)
    return c / s


def _haversin(x: Any) -> float:
    """Half the versine: (1 - cos(x)) / 2."""
    return (1.0 - math.cos(x)) / 2.0


sqrt = _unary("sqrt", _sqrt, "The square root of a number.")
exp = _unary("exp", math.exp, "e raised to the power of a number.")
log = _unary("log", _log, "The natural logarithm of a number.")
log10 = _unary("log10", _log10, "The common (base 10) logarithm of a number.")
sin = _unary("sin", math.sin, "The sine of an angle in radians.")
cos = _unary("cos", math.cos, "The cosine of an angle in radians.")
tan = _unary("tan", math.tan, "The tangent of an angle in radians.")
cot = _unary("cot", _cot, "The cotangent of an angle in radians.")
asin = _unary("asin", math.asin, "The arcsine of a number, in radians.")
acos = _unary("acos", math.acos, "The arccosine of a number, in radians.")
atan = _unary("atan", math.atan, "The arctangent of a number, in radians.")
degrees = _unary("degrees", math.degrees, "Radians converted to degrees.")
radians = _unary("radians", math.radians, "Degrees converted to radians.")
haversin = _unary("haversin", _haversin, "Half the versine of an angle in radians.")


def is_nan(v: Any) -> bool | None:
    """True when ``v`` is a float NaN; false for other numbers, null for null."""
    t = type(v)
    if t is float:
        return v != v
    if t is int:
        return False
    if v is None:
        return None
    raise type_error("isNaN", 1, _NUMBER, v)


def atan2(y: Any, x: Any) -> float | None:
    """The angle in radians of the point (x, y) from the positive x axis."""
    ty = type(y)
    tx = type(x)
    if (ty is float or ty is int) and (tx is float or tx is int):
        return math.atan2(y, x)
    if y is None or x is None:
        return None
    if ty is not float and ty is not int:
        raise type_error("atan2", 1, _NUMBER, y)
    raise type_error("atan2", 2, _NUMBER, x)


def _f(name: str, impl: Callable[..., Any], sig: str, doc: str, n: int = 1) -> Function:
    """A Function entry for a math function of ``n`` numbers."""
    return Function(name, impl, n, n, signature=sig, description=doc)


FUNCTIONS: tuple[Function, ...] = (
    _f("abs", abs_, "abs(input :: NUMBER) :: NUMBER", "Returns the absolute value of a number."),
    _f("ceil", ceil, "ceil(input :: NUMBER) :: FLOAT", "Rounds a number up to an integral float."),
    _f("floor", floor, "floor(input :: NUMBER) :: FLOAT", "Rounds a number down."),
    Function(
        "round", round_, 1, 3,
        signature="round(input :: NUMBER, precision = null :: INTEGER, mode = 'HALF_UP' "
        ":: STRING) :: FLOAT",
        description="Rounds a number to the nearest integer, or to a number of decimals.",
    ),
    _f("sign", sign, "sign(input :: NUMBER) :: INTEGER", "Returns the signum of a number."),
    Function(
        "rand", rand, 0, 0, deterministic=False,
        signature="rand() :: FLOAT",
        description="Returns a random float in [0, 1).",
    ),
    _f("e", e, "e() :: FLOAT", "Returns Euler's number.", 0),
    _f("pi", pi, "pi() :: FLOAT", "Returns pi.", 0),
    _f("sqrt", sqrt, "sqrt(input :: NUMBER) :: FLOAT", "Returns the square root of a number."),
    _f("exp", exp, "exp(input :: NUMBER) :: FLOAT", "Returns e raised to a power."),
    _f("log", log, "log(input :: NUMBER) :: FLOAT", "Returns the natural logarithm."),
    _f("log10", log10, "log10(input :: NUMBER) :: FLOAT", "Returns the base 10 logarithm."),
    _f("sin", sin, "sin(input :: NUMBER) :: FLOAT", "Returns the sine of an angle."),
    _f("cos", cos, "cos(input :: NUMBER) :: FLOAT", "Returns the cosine of an angle."),
    _f("tan", tan, "tan(input :: NUMBER) :: FLOAT", "Returns the tangent of an angle."),
    _f("cot", cot, "cot(input :: NUMBER) :: FLOAT", "Returns the cotangent of an angle."),
    _f("asin", asin, "asin(input :: NUMBER) :: FLOAT", "Returns the arcsine of a number."),
    _f("acos", acos, "acos(input :: NUMBER) :: FLOAT", "Returns the arccosine of a number."),
    _f("atan", atan, "atan(input :: NUMBER) :: FLOAT", "Returns the arctangent of a number."),
    _f(
        "atan2", atan2, "atan2(y :: NUMBER, x :: NUMBER) :: FLOAT",
        "Returns the arctangent2 of a set of coordinates.", 2,
    ),
    _f("degrees", degrees, "degrees(input :: NUMBER) :: FLOAT", "Converts radians to degrees."),
    _f("radians", radians, "radians(input :: NUMBER) :: FLOAT", "Converts degrees to radians."),
    _f("haversin", haversin, "haversin(input :: NUMBER) :: FLOAT", "Returns half the versine."),
    _f("isNaN", is_nan, "isNaN(input :: NUMBER) :: BOOLEAN", "Returns whether a number is NaN."),
)
