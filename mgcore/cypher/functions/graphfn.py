"""Graph functions: id, elementId, labels, type, startNode, endNode, properties, keys, values,
nodes, relationships, degree, inDegree, outDegree.

Every function accepts both the engines' handles (``NodeHandle``/``RelationshipHandle``, read
through ``ctx.tx``) and result values (``Node``/``Relationship``/``Path`` of
``mgcore.values.graph``). A ``Path`` built by the executor may hold handles or result values
in ``nodes``/``relationships``; ``nodes(p)`` and ``relationships(p)`` return them as they are.
``startNode``/``endNode`` of a handle return a handle; of a ``Relationship`` value they look the
node up in the transaction (result values only carry the end points' ids).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mgcore.cypher.functions._common import type_error
from mgcore.cypher.functions.registry import Function
from mgcore.errors import EntityNotFound
from mgcore.storage.records import Direction
from mgcore.values.graph import Node, NodeHandle, Path, Relationship, RelationshipHandle

_HANDLES = (NodeHandle, RelationshipHandle)
_BOTH = "a node or a relationship"
_NODE_REL_MAP = "a node, a relationship or a map"


def id_(v: Any) -> int | None:
    """The id of a node or relationship; null for null."""
    if isinstance(v, _HANDLES):
        return v.gid
    t = type(v)
    if t is Node or t is Relationship:
        return v.id
    if v is None:
        return None
    raise type_error("id", 1, _BOTH, v)


def element_id(v: Any) -> str | None:
    """The element id of a node or relationship (Memgraph: the id as a string)."""
    if isinstance(v, _HANDLES):
        return str(v.gid)
    t = type(v)
    if t is Node or t is Relationship:
        return str(v.id)
    if v is None:
        return None
    raise type_error("elementId", 1, _BOTH, v)


def labels(ctx: Any, v: Any) -> list[str] | None:
    """The labels of a node, in the order they were added; null for null."""
    if isinstance(v, NodeHandle):
        return list(ctx.tx.node_labels(v))
    if type(v) is Node:
        return list(v.labels)
    if v is None:
        return None
    raise type_error("labels", 1, "a node", v)


def type_(ctx: Any, v: Any) -> str | None:
    """The type of a relationship; null for null."""
    if isinstance(v, RelationshipHandle):
        return ctx.tx.relationship_type(v)
    if type(v) is Relationship:
        return v.type
    if v is None:
        return None
    raise type_error("type", 1, "a relationship", v)


def _node_by_id(ctx: Any, gid: int) -> Any:
    """The transaction's node with ``gid``, for end points of Relationship result values."""
    tx = getattr(ctx, "tx", None)
    node = tx.node(gid) if tx is not None else None
    if node is None:
        raise EntityNotFound(f"Node with id {gid} does not exist.")
    return node


def start_node(ctx: Any, v: Any) -> Any:
    """The start node of a relationship; null for null."""
    if isinstance(v, RelationshipHandle):
        return ctx.tx.relationship_start(v)
    if type(v) is Relationship:
        return _node_by_id(ctx, v.start_id)
    if v is None:
        return None
    raise type_error("startNode", 1, "a relationship", v)


def end_node(ctx: Any, v: Any) -> Any:
    """The end node of a relationship; null for null."""
    if isinstance(v, RelationshipHandle):
        return ctx.tx.relationship_end(v)
    if type(v) is Relationship:
        return _node_by_id(ctx, v.end_id)
    if v is None:
        return None
    raise type_error("endNode", 1, "a relationship", v)


def _properties_of(ctx: Any, name: str, v: Any) -> Mapping[str, Any] | None:
    """The property map of a node, relationship or map (not copied); None for null."""
    if isinstance(v, NodeHandle):
        return ctx.tx.node_properties(v)
    if isinstance(v, RelationshipHandle):
        return ctx.tx.relationship_properties(v)
    t = type(v)
    if t is dict:
        return v
    if t is Node or t is Relationship:
        return v.properties
    if v is None:
        return None
    if isinstance(v, Mapping):
        return v
    raise type_error(name, 1, _NODE_REL_MAP, v)


def properties(ctx: Any, v: Any) -> dict[str, Any] | None:
    """The properties of a node or relationship as a map, or a map itself; null for null."""
    if isinstance(v, NodeHandle):
        return ctx.tx.node_properties(v)  # a new dict the caller owns
    if isinstance(v, RelationshipHandle):
        return ctx.tx.relationship_properties(v)
    props = _properties_of(ctx, "properties", v)
    return None if props is None else dict(props)


def keys(ctx: Any, v: Any) -> list[str] | None:
    """The property keys of a node or relationship, or the keys of a map; null for null."""
    props = _properties_of(ctx, "keys", v)
    return None if props is None else list(props)


def values(ctx: Any, v: Any) -> list[Any] | None:
    """The property values of a node or relationship, or the values of a map (Memgraph)."""
    props = _properties_of(ctx, "values", v)
    return None if props is None else list(props.values())


def nodes(v: Any) -> list[Any] | None:
    """The nodes of a path, in order; null for null."""
    if type(v) is Path or isinstance(v, Path):
        return list(v.nodes)
    if v is None:
        return None
    raise type_error("nodes", 1, "a path", v)


def relationships(v: Any) -> list[Any] | None:
    """The relationships of a path, in order; null for null."""
    if type(v) is Path or isinstance(v, Path):
        return list(v.relationships)
    if v is None:
        return None
    raise type_error("relationships", 1, "a path", v)


def _node_handle(ctx: Any, name: str, v: Any) -> Any:
    """``v`` as a node handle of the transaction; None for null."""
    if isinstance(v, NodeHandle):
        return v
    if type(v) is Node:
        return _node_by_id(ctx, v.id)
    if v is None:
        return None
    raise type_error(name, 1, "a node", v)


def degree(ctx: Any, v: Any) -> int | None:
    """Number of relationships at a node, a self-loop counting twice (Memgraph)."""
    n = _node_handle(ctx, "degree", v)
    if n is None:
        return None
    tx = ctx.tx
    return tx.degree(n, Direction.OUT) + tx.degree(n, Direction.IN)


def in_degree(ctx: Any, v: Any) -> int | None:
    """Number of relationships ending at a node."""
    n = _node_handle(ctx, "inDegree", v)
    return None if n is None else ctx.tx.degree(n, Direction.IN)


def out_degree(ctx: Any, v: Any) -> int | None:
    """Number of relationships starting at a node."""
    n = _node_handle(ctx, "outDegree", v)
    return None if n is None else ctx.tx.degree(n, Direction.OUT)


FUNCTIONS: tuple[Function, ...] = (
    Function(
        "id", id_, 1, 1,
        signature="id(input :: NODE | RELATIONSHIP) :: INTEGER",
        description="Returns the id of a node or relationship.",
    ),
    Function(
        "elementId", element_id, 1, 1,
        signature="elementId(input :: NODE | RELATIONSHIP) :: STRING",
        description="Returns the element id of a node or relationship (its id as a string).",
    ),
    Function(
        "labels", labels, 1, 1, needs_context=True,
        signature="labels(node :: NODE) :: LIST OF STRING",
        description="Returns the labels of a node.",
    ),
    Function(
        "type", type_, 1, 1, needs_context=True,
        signature="type(relationship :: RELATIONSHIP) :: STRING",
        description="Returns the type of a relationship.",
    ),
    Function(
        "startNode", start_node, 1, 1, needs_context=True,
        signature="startNode(relationship :: RELATIONSHIP) :: NODE",
        description="Returns the start node of a relationship.",
    ),
    Function(
        "endNode", end_node, 1, 1, needs_context=True,
        signature="endNode(relationship :: RELATIONSHIP) :: NODE",
        description="Returns the end node of a relationship.",
    ),
    Function(
        "properties", properties, 1, 1, needs_context=True,
        signature="properties(input :: NODE | RELATIONSHIP | MAP) :: MAP",
        description="Returns the properties of a node or relationship as a map.",
    ),
    Function(
        "keys", keys, 1, 1, needs_context=True,
        signature="keys(input :: NODE | RELATIONSHIP | MAP) :: LIST OF STRING",
        description="Returns the property keys of a node or relationship, or a map's keys.",
    ),
    Function(
        "values", values, 1, 1, needs_context=True,
        signature="values(input :: NODE | RELATIONSHIP | MAP) :: LIST",
        description="Returns the property values of a node or relationship, or a map's values.",
    ),
    Function(
        "nodes", nodes, 1, 1,
        signature="nodes(path :: PATH) :: LIST OF NODE",
        description="Returns the nodes of a path.",
    ),
    Function(
        "relationships", relationships, 1, 1,
        signature="relationships(path :: PATH) :: LIST OF RELATIONSHIP",
        description="Returns the relationships of a path.",
    ),
    Function(
        "degree", degree, 1, 1, needs_context=True,
        signature="degree(node :: NODE) :: INTEGER",
        description="Returns the number of relationships at a node.",
    ),
    Function(
        "inDegree", in_degree, 1, 1, needs_context=True,
        signature="inDegree(node :: NODE) :: INTEGER",
        description="Returns the number of incoming relationships of a node.",
    ),
    Function(
        "outDegree", out_degree, 1, 1, needs_context=True,
        signature="outDegree(node :: NODE) :: INTEGER",
        description="Returns the number of outgoing relationships of a node.",
    ),
)
