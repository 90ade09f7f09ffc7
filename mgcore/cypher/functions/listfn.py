"""List functions: range, tail, toSet (Memgraph). ``head``, ``last``, ``size`` and ``reverse``
live with the scalar and string functions; ``reduce`` and the quantifiers are syntax."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, NoReturn

from mgcore.cypher.functions._common import argument_error, describe, type_error
from mgcore.cypher.functions.registry import Function
from mgcore.values.compare import equivalence_key


def _range_arg(pos: int, v: Any) -> NoReturn:
    """Raise the ArgumentError (the TCK's InvalidArgumentType) for a non-integer bound."""
    raise argument_error(
        "range", f"argument {pos} must be an integer, got {describe(v)}."
    )


_CHECKED_RANGE = 1 << 16
"""Ranges longer than this are checked against the memory limit before they are built."""
_BYTES_PER_ELEMENT = 40
"""A list slot and an int object: what one element of a built range costs."""


def range_(ctx: Any, start: Any, end: Any, step: Any = 1) -> list[int] | None:
    """The integers from ``start`` to ``end`` inclusive, ``step`` apart (empty when the step
    goes the other way); null if any argument is null. A long range is refused before it is
    built when it would take the process over ``--memory-limit``."""
    if type(start) is not int or type(end) is not int or type(step) is not int:
        if start is None or end is None or step is None:
            return None
        for pos, v in ((1, start), (2, end), (3, step)):
            if type(v) is not int:
                _range_arg(pos, v)
    if step > 0:
        values = range(start, end + 1, step)
    elif step < 0:
        values = range(start, end - 1, step)
    else:
        raise argument_error("range", "the step must not be zero.")
    if len(values) > _CHECKED_RANGE:
        check = getattr(ctx, "check_allocation", None)
        if check is not None:
            check(len(values) * _BYTES_PER_ELEMENT)
    return list(values)


def tail(v: Any) -> list[Any] | None:
    """The list without its first element (empty for an empty list); null for null."""
    t = type(v)
    if t is list:
        return v[1:]
    if t is tuple:
        return list(v[1:])
    if v is None:
        return None
    raise type_error("tail", 1, "a list", v)


def to_set(v: Any) -> list[Any] | None:
    """The list without duplicates (by equivalence), first occurrences kept in order."""
    t = type(v)
    if t is not list and t is not tuple:
        if v is None:
            return None
        raise type_error("toSet", 1, "a list", v)
    seen: set[Hashable] = set()
    out: list[Any] = []
    for x in v:
        k = equivalence_key(x)
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out


FUNCTIONS: tuple[Function, ...] = (
    Function(
        "range", range_, 2, 3, needs_context=True,
        signature="range(start :: INTEGER, end :: INTEGER, step = 1 :: INTEGER) "
        ":: LIST OF INTEGER",
        description="Returns the integers from start to end inclusive, step apart.",
    ),
    Function(
        "tail", tail, 1, 1,
        signature="tail(list :: LIST) :: LIST",
        description="Returns a list without its first element.",
    ),
    Function(
        "toSet", to_set, 1, 1,
        signature="toSet(list :: LIST) :: LIST",
        description="Returns a list without duplicate elements.",
    ),
)
