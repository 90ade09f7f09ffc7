"""String functions: left, right, substring, trim, lTrim, rTrim, toUpper, toLower (and the
upper/lower aliases), replace, split, reverse (strings and lists).

Strings are sequences of code points (Python ``str``), so ``left``/``substring`` never split a
character. Negative counts and offsets are argument errors; null in any argument gives null.
"""

from __future__ import annotations

from typing import Any

from mgcore.cypher.functions._common import WHITESPACE, argument_error, type_error
from mgcore.cypher.functions.registry import Function

_STRING = "a string"
_INTEGER = "an integer"


def _count(fn: str, pos: int, n: Any, what: str) -> int:
    """Check that ``n`` is a non-negative integer argument and return it."""
    if type(n) is not int:
        raise type_error(fn, pos, _INTEGER, n)
    if n < 0:
        raise argument_error(fn, f"{what} must be a non-negative integer, got {n}.")
    return n


def left(s: Any, n: Any) -> str | None:
    """The first ``n`` characters of ``s``."""
    if type(s) is str and type(n) is int and n >= 0:
        return s[:n]
    if s is None or n is None:
        return None
    if type(s) is not str:
        raise type_error("left", 1, _STRING, s)
    return s[: _count("left", 2, n, "the length")]


def right(s: Any, n: Any) -> str | None:
    """The last ``n`` characters of ``s``."""
    if type(s) is str and type(n) is int and n >= 0:
        return s[max(len(s) - n, 0) :]
    if s is None or n is None:
        return None
    if type(s) is not str:
        raise type_error("right", 1, _STRING, s)
    n = _count("right", 2, n, "the length")
    return s[max(len(s) - n, 0) :]


def substring(s: Any, start: Any, length: Any = None) -> str | None:
    """``length`` characters of ``s`` from the 0-based ``start`` (to the end by default)."""
    if type(s) is str and type(start) is int and start >= 0:
        if length is None:
            return s[start:]
        if type(length) is int and length >= 0:
            return s[start : start + length]
    if s is None or start is None:
        return None
    if type(s) is not str:
        raise type_error("substring", 1, _STRING, s)
    start = _count("substring", 2, start, "the start")
    if length is None:
        return s[start:]
    length = _count("substring", 3, length, "the length")
    return s[start : start + length]


def trim(s: Any) -> str | None:
    """``s`` without leading and trailing whitespace."""
    if type(s) is str:
        return s.strip(WHITESPACE)
    if s is None:
        return None
    raise type_error("trim", 1, _STRING, s)


def ltrim(s: Any) -> str | None:
    """``s`` without leading whitespace."""
    if type(s) is str:
        return s.lstrip(WHITESPACE)
    if s is None:
        return None
    raise type_error("lTrim", 1, _STRING, s)


def rtrim(s: Any) -> str | None:
    """``s`` without trailing whitespace."""
    if type(s) is str:
        return s.rstrip(WHITESPACE)
    if s is None:
        return None
    raise type_error("rTrim", 1, _STRING, s)


def to_upper(s: Any) -> str | None:
    """``s`` in upper case."""
    if type(s) is str:
        return s.upper()
    if s is None:
        return None
    raise type_error("toUpper", 1, _STRING, s)


def to_lower(s: Any) -> str | None:
    """``s`` in lower case."""
    if type(s) is str:
        return s.lower()
    if s is None:
        return None
    raise type_error("toLower", 1, _STRING, s)


def replace(s: Any, search: Any, replacement: Any) -> str | None:
    """``s`` with every occurrence of ``search`` replaced by ``replacement``."""
    if type(s) is str and type(search) is str and type(replacement) is str:
        return s.replace(search, replacement)
    if s is None or search is None or replacement is None:
        return None
    if type(s) is not str:
        raise type_error("replace", 1, _STRING, s)
    if type(search) is not str:
        raise type_error("replace", 2, _STRING, search)
    raise type_error("replace", 3, _STRING, replacement)


def split(s: Any, delimiter: Any) -> list[str] | None:
    """``s`` split at every ``delimiter`` (empty parts kept; an empty delimiter splits into
    characters)."""
    if type(s) is str and type(delimiter) is str:
        if delimiter:
            return s.split(delimiter)
        return list(s) if s else [""]
    if s is None or delimiter is None:
        return None
    if type(s) is not str:
        raise type_error("split", 1, _STRING, s)
    raise type_error("split", 2, _STRING, delimiter)


def reverse(v: Any) -> Any:
    """A string with its characters, or a list with its elements, in reverse order."""
    t = type(v)
    if t is str or t is list:
        return v[::-1]
    if t is tuple:
        return list(v[::-1])
    if v is None:
        return None
    raise type_error("reverse", 1, "a string or a list", v)


FUNCTIONS: tuple[Function, ...] = (
    Function(
        "left", left, 2, 2,
        signature="left(original :: STRING, length :: INTEGER) :: STRING",
        description="Returns the first `length` characters of a string.",
    ),
    Function(
        "right", right, 2, 2,
        signature="right(original :: STRING, length :: INTEGER) :: STRING",
        description="Returns the last `length` characters of a string.",
    ),
    Function(
        "substring", substring, 2, 3,
        signature="substring(original :: STRING, start :: INTEGER, length = null :: INTEGER) "
        ":: STRING",
        description="Returns a substring from a 0-based start, to the end or of a length.",
    ),
    Function(
        "trim", trim, 1, 1,
        signature="trim(original :: STRING) :: STRING",
        description="Removes leading and trailing whitespace.",
    ),
    Function(
        "lTrim", ltrim, 1, 1,
        signature="lTrim(original :: STRING) :: STRING",
        description="Removes leading whitespace.",
    ),
    Function(
        "rTrim", rtrim, 1, 1,
        signature="rTrim(original :: STRING) :: STRING",
        description="Removes trailing whitespace.",
    ),
    Function(
        "toUpper", to_upper, 1, 1,
        signature="toUpper(original :: STRING) :: STRING",
        description="Converts a string to upper case.",
    ),
    Function(
        "upper", to_upper, 1, 1,
        signature="upper(original :: STRING) :: STRING",
        description="Converts a string to upper case (alias of toUpper).",
    ),
    Function(
        "toLower", to_lower, 1, 1,
        signature="toLower(original :: STRING) :: STRING",
        description="Converts a string to lower case.",
    ),
    Function(
        "lower", to_lower, 1, 1,
        signature="lower(original :: STRING) :: STRING",
        description="Converts a string to lower case (alias of toLower).",
    ),
    Function(
        "replace", replace, 3, 3,
        signature="replace(original :: STRING, search :: STRING, replace :: STRING) :: STRING",
        description="Replaces every occurrence of `search` by `replace`.",
    ),
    Function(
        "split", split, 2, 2,
        signature="split(original :: STRING, delimiter :: STRING) :: LIST OF STRING",
        description="Splits a string at every occurrence of a delimiter.",
    ),
    Function(
        "reverse", reverse, 1, 1,
        signature="reverse(input :: STRING | LIST) :: STRING | LIST",
        description="Reverses a string or a list.",
    ),
)
