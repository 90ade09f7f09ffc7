"""Value predicates of the engine contract's lookups (``nodes_by_property`` and friends): Cypher
equality and range membership, for engines that verify index candidates or scan and filter.

Equality comes from ``mgcore.values.compare`` (the kernel's single definition). Range membership
follows ``PropertyRange``: a value takes part only when it is of the bounds' type family
(numbers, strings, booleans, or one temporal type other than Duration, whose ``<`` is null; a
boolean is never a number), and NaN lies in no range.
"""

from __future__ import annotations

from typing import Any

from mgcore.storage.records import PropertyRange
from mgcore.values.compare import equals as _equals
from mgcore.values.temporal import Date, DateTime, LocalDateTime, LocalTime, Time

_TEMPORAL_FAMILIES: dict[type, str] = {
    Date: "date",
    LocalTime: "local time",
    Time: "time",
    LocalDateTime: "local datetime",
    DateTime: "datetime",
}


def cypher_equals(a: Any, b: Any) -> bool:
    """True when Cypher ``a = b`` is true (null or false otherwise)."""
    return _equals(a, b) is True


def family(value: Any) -> str | None:
    """The comparability family of a scalar (``number``, ``string``, ``boolean``, a temporal type
    but Duration) or None."""
    t = type(value)
    if t is int or t is float:
        return "number"
    if t is str:
        return "string"
    if t is bool:
        return "boolean"
    return _TEMPORAL_FAMILIES.get(t)


def range_family(value_range: PropertyRange) -> str | None:
    """The one family both bounds belong to; None when they disagree or are not scalars."""
    families = {family(b) for b in (value_range.lower, value_range.upper) if b is not None}
    if len(families) != 1:
        return None
    return families.pop()


def in_range(value: Any, value_range: PropertyRange, fam: str | None) -> bool:
    """True when ``value`` (non-null) lies in ``value_range`` whose family is ``fam``."""
    if fam is None or family(value) != fam:
        return False
    lower = value_range.lower
    if lower is not None:
        if value_range.lower_inclusive:
            if not value >= lower:
                return False
        elif not value > lower:
            return False
    upper = value_range.upper
    if upper is not None:
        if value_range.upper_inclusive:
            return bool(value <= upper)
        return bool(value < upper)
    return True
