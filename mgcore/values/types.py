"""Cypher value types as Python values: int64 bounds, type names, property-value validation.

Cypher values are plain Python values: ``None`` (null), ``bool``, ``int`` (64-bit), ``float``,
``str``, ``list`` (``tuple`` is accepted as a list), ``dict`` with ``str`` keys, and the graph
values of ``mgcore.values.graph`` (``Node``, ``Relationship``, ``Path`` and the engines' handles),
and the temporal values of ``mgcore.values.temporal`` (``Date``, ``LocalTime``, ``Time``,
``LocalDateTime``, ``DateTime``, ``Duration``: immutable, storable as properties).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mgcore.errors import ClientError, CypherArithmeticError, CypherTypeError
from mgcore.values.graph import Node, NodeHandle, Path, Relationship, RelationshipHandle
from mgcore.values.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_TYPE_NAMES: dict[type, str] = {
    type(None): "NULL",
    bool: "BOOLEAN",
    int: "INTEGER",
    float: "FLOAT",
    str: "STRING",
    list: "LIST",
    tuple: "LIST",
    dict: "MAP",
    Node: "NODE",
    Relationship: "RELATIONSHIP",
    Path: "PATH",
    Date: "DATE",
    LocalTime: "LOCAL_TIME",
    Time: "ZONED_TIME",
    LocalDateTime: "LOCAL_DATE_TIME",
    DateTime: "ZONED_DATE_TIME",
    Duration: "DURATION",
}
"""Memgraph's ``valueType()`` names; Memgraph has no time with an offset, ``ZONED_TIME`` follows
its naming of ``ZONED_DATE_TIME``."""

TEMPORAL_TYPES: frozenset[type] = frozenset((Date, LocalTime, Time, LocalDateTime, DateTime,
                                             Duration))
"""The temporal value classes: immutable scalars, storable as properties."""


def check_int(v: int) -> int:
    """Return ``v`` if it fits in int64, else raise; arithmetic results pass through here."""
    if INT64_MIN <= v <= INT64_MAX:
        return v
    raise CypherArithmeticError("Integer overflow")


def type_name(v: Any) -> str:
    """The Cypher/Memgraph ``valueType()`` name of ``v`` (``"INTEGER"``, ``"MAP"``, ...)."""
    name = _TYPE_NAMES.get(type(v))
    if name is not None:
        return name
    if isinstance(v, NodeHandle):
        return "NODE"
    if isinstance(v, RelationshipHandle):
        return "RELATIONSHIP"
    if isinstance(v, bool):
        return "BOOLEAN"
    if isinstance(v, int):
        return "INTEGER"
    if isinstance(v, float):
        return "FLOAT"
    if isinstance(v, str):
        return "STRING"
    if isinstance(v, list | tuple):
        return "LIST"
    if isinstance(v, Mapping):
        return "MAP"
    raise CypherTypeError(f"Unsupported value of Python type {type(v).__name__}.")


def validate_property_value(v: Any) -> Any:
    """Check that ``v`` can be stored as a property and return it in stored form.

    Scalars come back unchanged; lists and maps come back as fresh ``list``/``dict`` copies
    (tuples become lists, mappings become dicts), so the store never aliases a caller's object.
    Raises ``CypherTypeError`` for graph values, non-``str`` map keys, integers outside int64
    and any other Python object.
    """
    t = type(v)
    if t is str or t is float or t is bool or v is None:
        return v
    if t is int:
        if INT64_MIN <= v <= INT64_MAX:
            return v
        raise CypherTypeError(f"Integer value {v} exceeds 64 bits and can't be stored.")
    if t is list or t is tuple:
        return [validate_property_value(x) for x in v]
    if t is dict:
        return _validate_map(v)
    if t in TEMPORAL_TYPES:
        return v
    return _validate_other(v)


def _validate_map(m: Mapping[Any, Any]) -> dict[str, Any]:
    """Validate a map property value: ``str`` keys, storable values."""
    out: dict[str, Any] = {}
    for key, x in m.items():
        if type(key) is not str and not isinstance(key, str):
            raise CypherTypeError(
                f"Map keys of property values must be strings, got {type(key).__name__} {key!r}."
            )
        out[str(key)] = validate_property_value(x)
    return out


def _validate_other(v: Any) -> Any:
    """The slow path of ``validate_property_value``: subclasses of the builtins, and errors."""
    if isinstance(v, NodeHandle | RelationshipHandle | Node | Relationship | Path):
        raise CypherTypeError(
            f"A value of type {type_name(v)} can't be stored as a property value; property "
            "values are booleans, integers, floats, strings, temporal values, and lists and maps "
            "of them."
        )
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, int):
        return validate_property_value(int(v))
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, list | tuple):
        return [validate_property_value(x) for x in v]
    if isinstance(v, Mapping):
        return _validate_map(v)
    raise CypherTypeError(
        f"Unsupported property value of Python type {type(v).__name__}; property values are "
        "booleans, integers, floats, strings, temporal values, and lists and maps of them."
    )


MAX_PARAMETER_DEPTH = 200
"""Deepest nesting of lists and maps a parameter value may have."""

_PARAMETER_TYPES = (
    "parameters are null, booleans, integers, floats, strings, temporal values, and lists and "
    "maps of them"
)


def check_parameters(params: dict[Any, Any]) -> dict[str, Any]:
    """Turn ``params`` in place into Cypher values (tuples become lists, mappings dicts).

    Raises ``CypherTypeError`` naming the parameter for values Cypher has no type for, integers
    outside int64, non-string map keys and values nested too deeply, and ``ClientError`` for
    strings that are not valid Unicode (lone surrogates), so nothing invalid reaches the plan,
    the storage or the Bolt encoder.
    """
    for name, v in params.items():
        if type(name) is not str:
            raise ClientError(f"Parameter names must be strings, got {name!r}.")
        t = type(v)
        if t is str:
            if not v.isascii():
                _check_unicode(v, name)
        elif t is int:
            if not INT64_MIN <= v <= INT64_MAX:
                _parameter_value(v, name, 0)
        elif t is not float and t is not bool and v is not None:
            params[name] = _parameter_value(v, name, 0)
    return params


def _parameter_value(v: Any, name: str, depth: int) -> Any:
    t = type(v)
    if t is str:
        if not v.isascii():
            _check_unicode(v, name)
        return v
    if t is int:
        if INT64_MIN <= v <= INT64_MAX:
            return v
        raise CypherTypeError(f"Parameter ${name}: the integer {v} exceeds 64 bits.")
    if t is float or t is bool or v is None:
        return v
    if depth >= MAX_PARAMETER_DEPTH:
        raise CypherTypeError(
            f"Parameter ${name} is nested too deeply (at most {MAX_PARAMETER_DEPTH} levels of "
            "lists and maps)."
        )
    if t is list or t is tuple:
        return _parameter_list(v, name, depth)
    if t is dict:
        return _parameter_map(v, name, depth)
    if t in _TYPE_NAMES or isinstance(v, NodeHandle | RelationshipHandle):
        return v
    if isinstance(v, bool | int | float | str):
        return _parameter_value(_BASE_TYPE[type_name(v)](v), name, depth)
    if isinstance(v, list | tuple):
        return [_parameter_value(x, name, depth + 1) for x in v]
    if isinstance(v, Mapping):
        return _parameter_map(v, name, depth)
    raise CypherTypeError(
        f"Parameter ${name} has a value of unsupported Python type {type(v).__name__}; "
        f"{_PARAMETER_TYPES}."
    )


def _parameter_list(v: list[Any] | tuple[Any, ...], name: str, depth: int) -> list[Any]:
    """A list parameter as a fresh list of Cypher values; plain scalars are taken without a
    call each (a batch of rows is most of what large parameters hold)."""
    out: list[Any] = []
    append = out.append
    for x in v:
        t = type(x)
        if (t is int and INT64_MIN <= x <= INT64_MAX) or t is float or t is bool or x is None or (
                t is str and x.isascii()):
            append(x)
        else:
            append(_parameter_value(x, name, depth + 1))
    return out


_BASE_TYPE: dict[str, type] = {"BOOLEAN": bool, "INTEGER": int, "FLOAT": float, "STRING": str}


def _parameter_map(m: Mapping[Any, Any], name: str, depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, x in m.items():
        if not isinstance(key, str):
            raise CypherTypeError(
                f"Parameter ${name} has a map key of type {type(key).__name__}; map keys must "
                "be strings."
            )
        _check_unicode(key, name)
        out[str(key)] = _parameter_value(x, name, depth + 1)
    return out


def _check_unicode(text: str, name: str) -> None:
    """Raise ClientError if ``text`` has a lone surrogate (it cannot be encoded as UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ClientError(
            f"Parameter ${name} is not valid Unicode: lone surrogate "
            f"U+{ord(text[error.start]):04X} at position {error.start}."
        ) from None

