"""Type conversion functions: toBoolean, toInteger, toFloat, toString, their ``OrNull``
variants and the ``toXList`` list forms.

The strict forms raise CypherTypeError on a type they do not convert (the TCK's
InvalidArgumentValue) and return null for a string that does not parse; the ``OrNull`` forms
return null for anything they do not convert; the list forms apply the ``OrNull`` form to each
element. As in Memgraph, strings are trimmed of ASCII whitespace before parsing, ``toBoolean``
accepts integers (non-zero is true) and the strings TRUE/T/FALSE/F in any case, and
``toInteger``/``toFloat`` accept booleans. ``toInteger`` truncates floats toward zero,
saturating at the int64 bounds (NaN gives 0); a string naming an integer outside int64 is a
CypherArgumentError in ``toInteger`` and null in ``toIntegerOrNull``.

``toString`` prints floats as Cypher (Java) does: ``1.0``, ``0.001``, ``1.0E7``, ``1.0E-4``,
``NaN``, ``Infinity`` (``float_to_string``, also for string concatenation).
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Callable
from typing import Any

from mgcore.cypher.functions._common import WHITESPACE, argument_error, describe, type_error
from mgcore.cypher.functions.registry import Function
from mgcore.errors import CypherArgumentError, CypherTypeError
from mgcore.values.types import INT64_MAX, INT64_MIN

_INT_RE = re.compile(r"[+-]?[0-9]+")
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_TWO_63 = 2.0**63

_TEMPORAL_NAMES = frozenset(
    {"DATE", "LOCAL_TIME", "ZONED_TIME", "LOCAL_DATE_TIME", "ZONED_DATE_TIME", "DURATION"}
)


# ------------------------------------------------------------------------------------ strings


def float_to_string(x: float) -> str:
    """``x`` as Cypher prints a float: shortest round-trip digits, positional notation in
    [1e-3, 1e7) with at least one decimal, else ``d.dddE[-]n``."""
    if x != x:
        return "NaN"
    if x == 0.0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    if x - x != 0.0:
        return "Infinity" if x > 0 else "-Infinity"
    a = abs(x)
    if 1e-3 <= a < 1e7:
        return repr(x)  # Python prints this range positionally, always with a '.'
    sign, digits, exponent = decimal.Decimal(repr(x)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    exp10 = len(digits) - 1 + int(exponent)
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{exp10}"


def _to_string_other(v: Any) -> str | None:
    """``toString`` for temporal values (their ``str``); None when ``v`` has no string form."""
    if describe(v) in _TEMPORAL_NAMES:
        return str(v)
    return None


def to_string(v: Any) -> str | None:
    """A string, number, boolean or temporal value as a string; null for null."""
    t = type(v)
    if t is str:
        return v
    if t is int:
        return str(v)
    if t is float:
        return float_to_string(v)
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return None
    s = _to_string_other(v)
    if s is None:
        raise type_error(
            "toString", 1, "a string, a number, a boolean or a temporal value", v
        )
    return s


# ----------------------------------------------------------------------------------- booleans


def _parse_boolean(s: str) -> bool | None:
    """TRUE/T and FALSE/F in any case, surrounded by whitespace; else None."""
    u = s.strip(WHITESPACE).upper()
    if u == "TRUE" or u == "T":
        return True
    if u == "FALSE" or u == "F":
        return False
    return None


def to_boolean(v: Any) -> bool | None:
    """A boolean, integer (non-zero is true) or string (TRUE/FALSE/T/F) as a boolean; null
    for null and for an unrecognised string."""
    t = type(v)
    if t is bool:
        return v
    if t is str:
        return _parse_boolean(v)
    if t is int:
        return v != 0
    if v is None:
        return None
    raise type_error("toBoolean", 1, "a boolean, an integer or a string", v)


# ----------------------------------------------------------------------------------- integers

_OUT_OF_RANGE = object()


def _parse_integer(s: str) -> Any:
    """The integer a string names (floats truncated), None when it names no number, or
    ``_OUT_OF_RANGE`` when the number is outside int64."""
    s = s.strip(WHITESPACE)
    if _INT_RE.fullmatch(s):
        n = int(s)
        return n if INT64_MIN <= n <= INT64_MAX else _OUT_OF_RANGE
    if _FLOAT_RE.fullmatch(s):
        f = float(s)
        if -_TWO_63 <= f < _TWO_63:
            return int(f)
        return _OUT_OF_RANGE
    return None


def _float_to_integer(f: float) -> int:
    """Truncate toward zero, saturating at the int64 bounds; NaN gives 0."""
    if f != f:
        return 0
    if f >= _TWO_63:
        return INT64_MAX
    if f < -_TWO_63:
        return INT64_MIN
    return int(f)


def to_integer(v: Any) -> int | None:
    """A number, boolean or numeric string as an integer (floats truncated); null for null
    and for a string naming no number."""
    t = type(v)
    if t is int:
        return v
    if t is float:
        return _float_to_integer(v)
    if t is str:
        n = _parse_integer(v)
        if n is _OUT_OF_RANGE:
            raise argument_error("toInteger", f"'{v}' is outside the range of an integer.")
        return n
    if t is bool:
        return 1 if v else 0
    if v is None:
        return None
    raise type_error("toInteger", 1, "a number, a boolean or a string", v)


# ------------------------------------------------------------------------------------- floats


def _parse_float(s: str) -> float | None:
    """The float a decimal string names, or None."""
    s = s.strip(WHITESPACE)
    return float(s) if _FLOAT_RE.fullmatch(s) else None


def to_float(v: Any) -> float | None:
    """A number, boolean or numeric string as a float; null for null and for a string naming
    no number."""
    t = type(v)
    if t is float:
        return v
    if t is int:
        return float(v)
    if t is str:
        return _parse_float(v)
    if t is bool:
        return 1.0 if v else 0.0
    if v is None:
        return None
    raise type_error("toFloat", 1, "a number, a boolean or a string", v)


# ---------------------------------------------------------------------------------- OrNull


def _or_null(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The ``OrNull`` form of a strict conversion: null where the strict form raises."""

    def impl(v: Any) -> Any:
        try:
            return convert(v)
        except (CypherTypeError, CypherArgumentError):
            return None

    impl.__name__ = f"{convert.__name__}_or_null"
    impl.__doc__ = f"Like ``{convert.__name__}``, but null for a value it can't convert."
    return impl


to_string_or_null = _or_null(to_string)
to_boolean_or_null = _or_null(to_boolean)
to_integer_or_null = _or_null(to_integer)
to_float_or_null = _or_null(to_float)


# -------------------------------------------------------------------------------------- lists


def _list_form(name: str, convert: Callable[[Any], Any]) -> Callable[[Any], list[Any] | None]:
    """``toXList``: ``convert`` (an OrNull form) applied to every element of a list."""

    def impl(v: Any) -> list[Any] | None:
        t = type(v)
        if t is list or t is tuple:
            return [convert(x) for x in v]
        if v is None:
            return None
        raise type_error(name, 1, "a list", v)

    impl.__name__ = impl.__qualname__ = name
    impl.__doc__ = f"Each element of a list converted as by {convert.__name__}, or null."
    return impl


to_boolean_list = _list_form("toBooleanList", to_boolean_or_null)
to_integer_list = _list_form("toIntegerList", to_integer_or_null)
to_float_list = _list_form("toFloatList", to_float_or_null)
to_string_list = _list_form("toStringList", to_string_or_null)


def _fn(name: str, impl: Callable[[Any], Any], sig: str, doc: str) -> Function:
    """A Function entry for a one-argument conversion."""
    return Function(name, impl, 1, 1, signature=sig, description=doc)


FUNCTIONS: tuple[Function, ...] = (
    _fn(
        "toBoolean", to_boolean, "toBoolean(input :: BOOLEAN | INTEGER | STRING) :: BOOLEAN",
        "Converts a boolean, integer or string to a boolean.",
    ),
    _fn(
        "toBooleanOrNull", to_boolean_or_null, "toBooleanOrNull(input :: ANY) :: BOOLEAN",
        "Converts a value to a boolean, or returns null.",
    ),
    _fn(
        "toInteger", to_integer, "toInteger(input :: NUMBER | BOOLEAN | STRING) :: INTEGER",
        "Converts a number, boolean or string to an integer.",
    ),
    _fn(
        "toIntegerOrNull", to_integer_or_null, "toIntegerOrNull(input :: ANY) :: INTEGER",
        "Converts a value to an integer, or returns null.",
    ),
    _fn(
        "toFloat", to_float, "toFloat(input :: NUMBER | BOOLEAN | STRING) :: FLOAT",
        "Converts a number, boolean or string to a float.",
    ),
    _fn(
        "toFloatOrNull", to_float_or_null, "toFloatOrNull(input :: ANY) :: FLOAT",
        "Converts a value to a float, or returns null.",
    ),
    _fn(
        "toString", to_string, "toString(input :: ANY) :: STRING",
        "Converts a string, number, boolean or temporal value to a string.",
    ),
    _fn(
        "toStringOrNull", to_string_or_null, "toStringOrNull(input :: ANY) :: STRING",
        "Converts a value to a string, or returns null.",
    ),
    _fn(
        "toBooleanList", to_boolean_list, "toBooleanList(input :: LIST) :: LIST OF BOOLEAN",
        "Converts each element of a list to a boolean, or null.",
    ),
    _fn(
        "toIntegerList", to_integer_list, "toIntegerList(input :: LIST) :: LIST OF INTEGER",
        "Converts each element of a list to an integer, or null.",
    ),
    _fn(
        "toFloatList", to_float_list, "toFloatList(input :: LIST) :: LIST OF FLOAT",
        "Converts each element of a list to a float, or null.",
    ),
    _fn(
        "toStringList", to_string_list, "toStringList(input :: LIST) :: LIST OF STRING",
        "Converts each element of a list to a string, or null.",
    ),
)
