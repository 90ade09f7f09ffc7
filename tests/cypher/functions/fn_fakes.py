"""Fakes for the function tests: engine handles and a transaction holding a tiny graph."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mgcore.storage.records import Direction
from mgcore.values.graph import NodeHandle, RelationshipHandle


class FakeNode(NodeHandle):
    """A node handle: just a gid."""

    __slots__ = ("gid",)

    def __init__(self, gid: int) -> None:
        self.gid = gid


class FakeRel(RelationshipHandle):
    """A relationship handle: just a gid."""

    __slots__ = ("gid",)

    def __init__(self, gid: int) -> None:
        self.gid = gid


@dataclass
class FakeTx:
    """The read part of the Transaction protocol the graph functions use."""

    labels: dict[int, tuple[str, ...]] = field(default_factory=dict)
    node_props: dict[int, dict[str, Any]] = field(default_factory=dict)
    rels: dict[int, tuple[int, str, int]] = field(default_factory=dict)
    rel_props: dict[int, dict[str, Any]] = field(default_factory=dict)

    def add_node(self, gid: int, labels: tuple[str, ...] = (), **props: Any) -> FakeNode:
        self.labels[gid] = labels
        self.node_props[gid] = props
        return FakeNode(gid)

    def add_rel(self, gid: int, start: int, rtype: str, end: int, **props: Any) -> FakeRel:
        self.rels[gid] = (start, rtype, end)
        self.rel_props[gid] = props
        return FakeRel(gid)

    def node(self, gid: int) -> FakeNode | None:
        return FakeNode(gid) if gid in self.labels else None

    def node_labels(self, node: NodeHandle) -> tuple[str, ...]:
        return self.labels[node.gid]

    def node_properties(self, node: NodeHandle) -> dict[str, Any]:
        return dict(self.node_props[node.gid])

    def relationship_type(self, rel: RelationshipHandle) -> str:
        return self.rels[rel.gid][1]

    def relationship_start(self, rel: RelationshipHandle) -> FakeNode:
        return FakeNode(self.rels[rel.gid][0])

    def relationship_end(self, rel: RelationshipHandle) -> FakeNode:
        return FakeNode(self.rels[rel.gid][2])

    def relationship_properties(self, rel: RelationshipHandle) -> dict[str, Any]:
        return dict(self.rel_props[rel.gid])

    def degree(self, node: NodeHandle, direction: Direction, types: Any = None) -> int:
        n = 0
        for start, _, end in self.rels.values():
            out = direction is Direction.OUT and start == node.gid
            if out or (direction is Direction.IN and end == node.gid):
                n += 1
        return n


@dataclass
class FakeCtx:
    """The part of QueryContext the functions read."""

    tx: FakeTx | None = None
