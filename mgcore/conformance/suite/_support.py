"""Oracles and helpers shared by the suite's modules: value comparison, Cypher equality and
comparability as the reference the engine is checked against, and whole-graph dumps."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from mgcore.storage.records import Direction, PropertyRange

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

SUITE_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
"""Hypothesis settings for the suite: no deadline (engines differ in speed), examples may share
the engine fixture (each example creates its own entities), nothing written to the working dir."""


def canon(value: Any) -> Any:
    """A hashable, type-tagged form of a property value, so that ``1``, ``1.0`` and ``True``
    differ, ``-0.0`` differs from ``0.0`` and NaN equals NaN."""
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        if math.isnan(value):
            return ("float", "nan")
        return ("float", value, math.copysign(1.0, value))
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, list):
        return ("list", tuple(canon(v) for v in value))
    if isinstance(value, dict):
        return ("map", tuple(sorted((k, canon(v)) for k, v in value.items())))
    return ("other", type(value).__name__, repr(value))


def same_value(a: Any, b: Any) -> bool:
    """Exact equality of property values: same types all the way down (see ``canon``)."""
    return bool(canon(a) == canon(b))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def cypher_equals(a: Any, b: Any) -> bool | None:
    """openCypher equality: None when the result is null, numbers compare across int and float,
    NaN equals nothing, lists and maps compare element-wise."""
    if a is None or b is None:
        return None
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        result: bool | None = True
        for x, y in zip(a, b, strict=True):
            item = cypher_equals(x, y)
            if item is False:
                return False
            if item is None:
                result = None
        return result
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return False
        result = True
        for key in a:
            item = cypher_equals(a[key], b[key])
            if item is False:
                return False
            if item is None:
                result = None
        return result
    return False


def _family(value: Any) -> str | None:
    if _is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    return None


def in_range(value: Any, value_range: PropertyRange) -> bool:
    """openCypher's ``lower <(=) value <(=) upper`` is true: only values of the bounds' type
    family (numbers, strings, booleans) take part, and NaN compares false with everything."""
    bounds = [b for b in (value_range.lower, value_range.upper) if b is not None]
    families = {_family(b) for b in bounds}
    if len(families) != 1 or _family(value) not in families:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    lower, upper = value_range.lower, value_range.upper
    if lower is not None and not (value >= lower if value_range.lower_inclusive else value > lower):
        return False
    return upper is None or (value <= upper if value_range.upper_inclusive else value < upper)


def node_state(tx: Any, node: Any) -> tuple[tuple[str, ...], Any]:
    """Labels (as a set) and properties (canonical) of one node as ``tx`` sees it."""
    labels = tuple(sorted(tx.node_labels(node)))
    return labels, canon(tx.node_properties(node))


def dump(tx: Any) -> dict[str, Any]:
    """Everything ``tx`` can see, in comparable form: nodes with labels and properties,
    relationships with type, endpoints and properties, and adjacency both ways per node."""
    nodes = {n.gid: node_state(tx, n) for n in tx.nodes()}
    rels = {
        r.gid: (
            tx.relationship_type(r),
            tx.relationship_start(r).gid,
            tx.relationship_end(r).gid,
            canon(tx.relationship_properties(r)),
        )
        for r in tx.relationships()
    }
    adjacency = {}
    for node in tx.nodes():
        for direction in (Direction.OUT, Direction.IN):
            adjacency[(node.gid, direction.name)] = sorted(
                (r.gid, other.gid) for r, other in tx.expand(node, direction)
            )
    return {"nodes": nodes, "relationships": rels, "adjacency": adjacency}


def gids(handles: Iterator[Any]) -> list[int]:
    """Sorted gids of handles (a list, so duplicates show)."""
    return sorted(h.gid for h in handles)


ROUND_TRIP_VALUES: list[tuple[str, Any]] = [
    ("true", True),
    ("false", False),
    ("int-zero", 0),
    ("int-one", 1),
    ("int-negative", -7),
    ("int64-max", INT64_MAX),
    ("int64-min", INT64_MIN),
    ("int-2^53+1", 2**53 + 1),
    ("float-zero", 0.0),
    ("float-negative-zero", -0.0),
    ("float-one", 1.0),
    ("float-fraction", -2.5),
    ("float-nan", math.nan),
    ("float-inf", math.inf),
    ("float-negative-inf", -math.inf),
    ("float-subnormal", 5e-324),
    ("float-max", 1.7976931348623157e308),
    ("string-empty", ""),
    ("string-ascii", "hello"),
    ("string-unicode", "ünïcødé ✓ 漢字 🎉"),
    ("string-nul", "\x00"),
    ("string-embedded-nul", "a\x00b\x00"),
    ("string-control", "\n\t\r\x1b"),
    ("list-empty", []),
    ("list-ints", [1, 2, 3]),
    ("list-heterogeneous", [1, 1.0, "1", True, None, [1], {"a": 1}]),
    ("list-nested", [[1, [2, []]], [], [[[]]]]),
    ("map-empty", {}),
    ("map-flat", {"k": "v", "n": 1, "f": 1.5, "b": False}),
    ("map-nested", {"a": [1, {"b": {}}], "c": {"d": {"e": [None, -0.0]}}}),
    ("map-odd-keys", {"": 0, "ü 🎉": 1, "\x00": 2}),
]

scalar_values = st.one_of(
    st.booleans(),
    st.integers(min_value=INT64_MIN, max_value=INT64_MAX),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
property_values = st.recursive(
    scalar_values,
    lambda inner: st.one_of(
        st.lists(st.one_of(inner, st.none()), max_size=4),
        st.dictionaries(st.text(max_size=4), st.one_of(inner, st.none()), max_size=4),
    ),
    max_leaves=10,
)
"""Every storable value except temporal ones (nested nulls allowed, top-level null is removal)."""
