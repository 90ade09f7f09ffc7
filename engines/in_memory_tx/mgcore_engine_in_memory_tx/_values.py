"""Value predicates for the scan-and-filter lookups: Cypher equality, range membership, prefix.

Equality comes from ``mgcore.values.compare`` (the kernel's single definition). Range membership
follows ``PropertyRange``: a value takes part only when it is of the bounds' type family
(numbers, strings or booleans; a boolean is never a number), and NaN lies in no range.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mgcore.storage.records import PropertyRange


def _equals_fallback(a: Any, b: Any) -> bool | None:
    """Minimal Cypher equality for stored values, used only without ``mgcore.values.compare``."""
    if a is None or b is None:
        return None
    fa, fb = family(a), family(b)
    if fa is not None or fb is not None:
        return fa == fb and a == b
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        result: bool | None = True
        for x, y in zip(a, b, strict=True):
            r = _equals_fallback(x, y)
            if r is False:
                return False
            if r is None:
                result = None
        return result
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        return _equals_fallback(list(a.values()), [b[k] for k in a])
    return False


_equals: Callable[[Any, Any], bool | None]
try:
    from mgcore.values.compare import equals as _equals
except ImportError:  # pragma: no cover - only while the kernel's compare module is missing
    _equals = _equals_fallback


def cypher_equals(a: Any, b: Any) -> bool:
    """True when Cypher ``a = b`` is true (null or false otherwise)."""
    return _equals(a, b) is True


def family(value: Any) -> str | None:
    """The comparability family of a scalar (``number``, ``string``, ``boolean``) or None."""
    t = type(value)
    if t is int or t is float:
        return "number"
    if t is str:
        return "string"
    if t is bool:
        return "boolean"
    return None


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
