"""Node, Relationship and Path as result values: immutable snapshots of what a query returned,
detached from any transaction (what the embedded API yields and the Bolt server serialises)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class NodeHandle:
    """Base class of every storage engine's node handle. Subclasses define ``gid`` (an ``int``),
    usually as a slot; the base adds no per-object memory."""

    __slots__ = ()
    gid: int


class RelationshipHandle:
    """Base class of every storage engine's relationship handle; subclasses define ``gid``."""

    __slots__ = ()
    gid: int


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    """A node as returned by a query; equal to another Node with the same id."""

    id: int
    labels: tuple[str, ...] = ()
    properties: Mapping[str, Any] = field(default_factory=dict)

    @property
    def element_id(self) -> str:
        """Memgraph's Bolt 5 element id: the decimal string of the gid."""
        return str(self.id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and other.id == self.id

    def __hash__(self) -> int:
        return hash(("node", self.id))

    def __getitem__(self, key: str) -> Any:
        return self.properties[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.properties.get(key, default)


@dataclass(frozen=True, slots=True, eq=False)
class Relationship:
    """A relationship as returned by a query; equal to another with the same id."""

    id: int
    start_id: int
    end_id: int
    type: str
    properties: Mapping[str, Any] = field(default_factory=dict)

    @property
    def element_id(self) -> str:
        return str(self.id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Relationship) and other.id == self.id

    def __hash__(self) -> int:
        return hash(("relationship", self.id))

    def __getitem__(self, key: str) -> Any:
        return self.properties[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.properties.get(key, default)


@dataclass(frozen=True, slots=True)
class Path:
    """An alternating sequence of nodes and relationships (one more node than relationships)."""

    nodes: tuple[Node, ...]
    relationships: tuple[Relationship, ...] = ()

    def __post_init__(self) -> None:
        if len(self.nodes) != len(self.relationships) + 1:
            raise ValueError("a path has exactly one more node than relationships")

    @property
    def start(self) -> Node:
        return self.nodes[0]

    @property
    def end(self) -> Node:
        return self.nodes[-1]

    def __len__(self) -> int:
        return len(self.relationships)
