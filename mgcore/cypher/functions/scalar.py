"""Scalar functions: coalesce, head, last, size, length, isEmpty, valueType, timestamp,
randomUUID."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any

from mgcore.cypher.functions._common import type_error
from mgcore.cypher.functions.registry import Function
from mgcore.values.graph import Path
from mgcore.values.temporal import Temporal, Time
from mgcore.values.temporal_memgraph import epoch_micros
from mgcore.values.types import type_name


def coalesce(*args: Any) -> Any:
    """The first argument that is not null, else null."""
    for v in args:
        if v is not None:
            return v
    return None


def head(v: Any) -> Any:
    """The first element of a list; null for an empty list or null."""
    t = type(v)
    if t is list or t is tuple:
        return v[0] if v else None
    if v is None:
        return None
    raise type_error("head", 1, "a list", v)


def last(v: Any) -> Any:
    """The last element of a list; null for an empty list or null."""
    t = type(v)
    if t is list or t is tuple:
        return v[-1] if v else None
    if v is None:
        return None
    raise type_error("last", 1, "a list", v)


def _size_slow(name: str, v: Any) -> int | None:
    """``size``/``length`` for null, paths and subclasses of the builtins."""
    if v is None:
        return None
    if isinstance(v, Path):
        return len(v.relationships)
    if isinstance(v, str | list | tuple | Mapping):
        return len(v)
    raise type_error(name, 1, "a list, a string, a map or a path", v)


def size(v: Any) -> int | None:
    """Number of elements of a list, characters of a string, entries of a map, or
    relationships of a path (Memgraph); null for null."""
    t = type(v)
    if t is list or t is str or t is tuple or t is dict:
        return len(v)
    return _size_slow("size", v)


def length(v: Any) -> int | None:
    """Number of relationships of a path; like ``size`` for lists, strings and maps
    (Memgraph); null for null."""
    t = type(v)
    if t is Path:
        return len(v.relationships)
    if t is list or t is str or t is tuple or t is dict:
        return len(v)
    return _size_slow("length", v)


def is_empty(v: Any) -> bool | None:
    """True for an empty list, map or string; null for null."""
    t = type(v)
    if t is list or t is str or t is dict or t is tuple:
        return not v
    if v is None:
        return None
    if isinstance(v, str | list | tuple | Mapping):
        return len(v) == 0
    raise type_error("isEmpty", 1, "a list, a map or a string", v)


def value_type(v: Any) -> str:
    """Memgraph's type name of the value: NULL, BOOLEAN, INTEGER, FLOAT, STRING, LIST, MAP,
    NODE, RELATIONSHIP, PATH, ..."""
    return type_name(v)


_NO_ARGUMENT: Any = object()


def timestamp(ctx: Any, value: Any = _NO_ARGUMENT) -> int | None:
    """Microseconds since the Unix epoch (Memgraph), fixed for the whole query: the
    context's ``query_timestamp``, else its statement clock (the instant ``datetime()``
    reads). With an argument, Memgraph's ``timestamp(temporal)``: the microseconds of a
    Date, LocalDateTime or ZonedDateTime since the epoch, of a LocalTime since midnight, or
    the length of a Duration; null for null."""
    if value is not _NO_ARGUMENT:
        if value is None:
            return None
        if not isinstance(value, Temporal) or isinstance(value, Time):
            raise type_error(
                "timestamp", 1,
                "a DATE, LOCAL_TIME, LOCAL_DATE_TIME, ZONED_DATE_TIME or DURATION", value,
            )
        return epoch_micros(value)
    ts = getattr(ctx, "query_timestamp", None)
    if ts is not None:
        return int(ts)
    now = getattr(ctx, "statement_time", None)
    return (time.time_ns() if now is None else int(now)) // 1000


def random_uuid() -> str:
    """A random (version 4) UUID as a string."""
    return str(uuid.uuid4())


FUNCTIONS: tuple[Function, ...] = (
    Function(
        "coalesce", coalesce, 1, None,
        signature="coalesce(input :: ANY...) :: ANY",
        description="Returns the first non-null argument, or null if all are null.",
    ),
    Function(
        "head", head, 1, 1,
        signature="head(list :: LIST) :: ANY",
        description="Returns the first element of a list.",
    ),
    Function(
        "last", last, 1, 1,
        signature="last(list :: LIST) :: ANY",
        description="Returns the last element of a list.",
    ),
    Function(
        "size", size, 1, 1,
        signature="size(input :: LIST | STRING | MAP | PATH) :: INTEGER",
        description="Returns the number of elements of a list, characters of a string, "
        "entries of a map or relationships of a path.",
    ),
    Function(
        "length", length, 1, 1,
        signature="length(input :: PATH | LIST | STRING | MAP) :: INTEGER",
        description="Returns the number of relationships of a path (or the size of a list, "
        "string or map).",
    ),
    Function(
        "isEmpty", is_empty, 1, 1,
        signature="isEmpty(input :: LIST | MAP | STRING) :: BOOLEAN",
        description="Returns whether a list, map or string is empty.",
    ),
    Function(
        "valueType", value_type, 1, 1,
        signature="valueType(input :: ANY) :: STRING",
        description="Returns the type of a value as a string (NULL, INTEGER, NODE, ...).",
    ),
    Function(
        "timestamp", timestamp, 0, 1, needs_context=True, deterministic=False,
        signature="timestamp(value = null :: ANY) :: INTEGER",
        description="Returns the microseconds since the Unix epoch at the start of the query, "
                    "or those of a temporal value (a Duration's length, a LocalTime's since "
                    "midnight).",
    ),
    Function(
        "randomUUID", random_uuid, 0, 0, deterministic=False,
        signature="randomUUID() :: STRING",
        description="Returns a random UUID.",
    ),
)
