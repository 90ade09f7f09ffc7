"""Plain records exchanged between the kernel and engines: specs, ranges, statistics, commits.

All are immutable and cheap; none is created per row on a hot path except ``PropertyRange``,
which the planner builds once per seek.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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


@dataclass(frozen=True, slots=True)
class ConstraintSpec:
    """An existence constraint (one property) or a uniqueness constraint (one or more)."""

    kind: ConstraintKind
    label: str
    properties: tuple[str, ...]


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
    CREATE_CONSTRAINT = 11  # (kind value, label, [properties])
    DROP_CONSTRAINT = 12  # (kind value, label, [properties])


@dataclass(frozen=True, slots=True)
class CommitRecord:
    """One committed transaction as a durable engine logs it: its commit timestamp and its
    operations in order, each ``(Op, *arguments)``. Applying it is the same code as WAL replay."""

    timestamp: int
    operations: tuple[tuple[Any, ...], ...]
