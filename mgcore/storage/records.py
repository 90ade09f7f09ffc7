"""Plain records exchanged between the kernel and engines: specs, ranges, statistics, commits.

All are immutable and cheap; none is created per row on a hot path except ``PropertyRange``,
which the planner builds once per seek.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mgcore.values.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime


class IsolationLevel(enum.Enum):
    """Memgraph's isolation levels, spelled as flags and SHOW STORAGE INFO spell them."""

    SNAPSHOT_ISOLATION = "SNAPSHOT_ISOLATION"
    READ_COMMITTED = "READ_COMMITTED"
    READ_UNCOMMITTED = "READ_UNCOMMITTED"

    @classmethod
    def parse(cls, text: str) -> IsolationLevel:
        """Accept ``SNAPSHOT_ISOLATION``, ``snapshot isolation``, ``Read-Committed`` ..."""
        key = text.strip().upper().replace(" ", "_").replace("-", "_")
        try:
            return cls[key]
        except KeyError:
            names = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown isolation level {text!r}; expected one of {names}") from None


class Direction(enum.IntEnum):
    """Direction of an expansion relative to the node expanded from."""

    OUT = 1
    IN = 2
    BOTH = 3


class IndexKind(enum.Enum):
    LABEL = "label"
    LABEL_PROPERTY = "label+property"


@dataclass(frozen=True, slots=True)
class IndexSpec:
    """A label index (no properties) or a label+property index (one or more properties)."""

    label: str
    properties: tuple[str, ...] = ()

    @property
    def kind(self) -> IndexKind:
        return IndexKind.LABEL_PROPERTY if self.properties else IndexKind.LABEL


class ConstraintKind(enum.Enum):
    EXISTS = "exists"
    UNIQUE = "unique"
    TYPE = "data_type"
    """Memgraph's data type constraint, ``ASSERT n.p IS TYPED INTEGER`` (SHOW CONSTRAINT INFO
    calls its kind ``data_type``)."""


class DataType(enum.Enum):
    """The types a data type constraint can require, named as Memgraph's ``IS TYPED`` names them
    (Memgraph's ENUM and POINT have no counterpart among mgcore's values). ``display`` is how
    Memgraph writes the type in messages and SHOW CONSTRAINT INFO."""

    BOOLEAN = "BOOLEAN"
    STRING = "STRING"
    INTEGER = "INTEGER"
    FLOAT = "FLOAT"
    LIST = "LIST"
    MAP = "MAP"
    DURATION = "DURATION"
    DATE = "DATE"
    LOCALTIME = "LOCALTIME"
    LOCALDATETIME = "LOCALDATETIME"
    ZONEDDATETIME = "ZONEDDATETIME"

    @property
    def display(self) -> str:
        """Memgraph's ``TypeConstraintKindToString``: ``BOOL``, ``LOCAL TIME``, ..."""
        return _DATA_TYPE_DISPLAY.get(self, self.value)

    def accepts(self, value: Any) -> bool:
        """True when a stored property value (never null: a missing property satisfies every
        data type constraint) is of this type. ``bool`` is not INTEGER, an integer is not
        FLOAT; a time with an offset (mgcore's ``Time``) has no Memgraph type and matches
        none."""
        return DATA_TYPE_OF.get(type(value)) is self


_DATA_TYPE_DISPLAY = {
    DataType.BOOLEAN: "BOOL",
    DataType.LOCALTIME: "LOCAL TIME",
    DataType.LOCALDATETIME: "LOCAL DATE TIME",
    DataType.ZONEDDATETIME: "ZONED DATE TIME",
}

DATA_TYPE_OF: dict[type, DataType] = {
    bool: DataType.BOOLEAN,
    int: DataType.INTEGER,
    float: DataType.FLOAT,
    str: DataType.STRING,
    list: DataType.LIST,
    tuple: DataType.LIST,
    dict: DataType.MAP,
    Duration: DataType.DURATION,
    Date: DataType.DATE,
    LocalTime: DataType.LOCALTIME,
    LocalDateTime: DataType.LOCALDATETIME,
    DateTime: DataType.ZONEDDATETIME,
}
"""The data type of a stored property value by its exact class (stored values are exactly
these classes); a class missing here (``Time``) satisfies no data type constraint."""


@dataclass(frozen=True, slots=True)
class ConstraintSpec:
    """An existence constraint (one property), a uniqueness constraint (one or more) or a data
    type constraint (one property and ``data_type``, None for the other kinds). Memgraph allows
    one data type constraint per label and property, whatever its type."""

    kind: ConstraintKind
    label: str
    properties: tuple[str, ...]
    data_type: DataType | None = None


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """One row of SHOW INDEX INFO: the spec and the approximate number of entries."""

    spec: IndexSpec
    count: int


@dataclass(frozen=True, slots=True)
class PropertyRange:
    """A range over property values for an index seek; ``None`` bounds are open.

    Bounds compare with openCypher comparability: a range only ever matches values of the same
    type family as its bounds (numbers with numbers, strings with strings, ...).
    """

    lower: Any = None
    lower_inclusive: bool = True
    upper: Any = None
    upper_inclusive: bool = True


@dataclass(frozen=True, slots=True)
class IndexStatistics:
    """What the planner knows about one index: its entries and how many distinct values (or
    value tuples) they hold, so ``entries / distinct_values`` estimates an equality seek."""

    entries: int
    distinct_values: int


@dataclass(frozen=True, slots=True)
class GraphStatistics:
    """Counts for the planner and SHOW STORAGE INFO; may over-estimate, never under-estimate."""

    node_count: int
    relationship_count: int
    label_counts: Mapping[str, int] = field(default_factory=dict)
    type_counts: Mapping[str, int] = field(default_factory=dict)
    property_keys: frozenset[str] = frozenset()
    index_stats: Mapping[IndexSpec, IndexStatistics] = field(default_factory=dict)
    """One entry per existing index (label indexes: ``distinct_values`` is 1). The planner
    seeks only through indexes listed here; an index missing from it is never chosen."""


class Op(enum.IntEnum):
    """Operations of a commit record, with names rather than internal ids (as in Memgraph's WAL)."""

    CREATE_NODE = 1  # (gid,) or (gid, [labels], {key: value})
    DELETE_NODE = 2  # (gid,)
    ADD_LABEL = 3  # (gid, label)
    REMOVE_LABEL = 4  # (gid, label)
    SET_NODE_PROPERTY = 5  # (gid, key, value or None)
    CREATE_RELATIONSHIP = 6  # (gid, type, start gid, end gid) or (..., {key: value})
    DELETE_RELATIONSHIP = 7  # (gid,)
    SET_RELATIONSHIP_PROPERTY = 8  # (gid, key, value or None)
    # Schema DDL, each in a record of its own (Memgraph's WAL metadata deltas).
    CREATE_INDEX = 9  # (label, [properties])
    DROP_INDEX = 10  # (label, [properties])
    CREATE_CONSTRAINT = 11  # (kind value, label, [properties]) + (data type value,) for TYPE
    DROP_CONSTRAINT = 12  # (kind value, label, [properties]) + (data type value,) for TYPE


@dataclass(frozen=True, slots=True)
class CommitRecord:
    """One committed transaction as a durable engine logs it: its commit timestamp and its
    operations in order, each ``(Op, *arguments)``. Applying it is the same code as WAL replay."""

    timestamp: int
    operations: tuple[tuple[Any, ...], ...]
