"""Cypher values: property values, result graph values, equality and ordering."""

from mgcore.values.graph import Node, NodeHandle, Path, Relationship, RelationshipHandle

__all__ = ["Node", "NodeHandle", "Path", "Relationship", "RelationshipHandle"]
