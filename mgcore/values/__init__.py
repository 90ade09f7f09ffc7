"""Cypher values: property values, result graph values, equality and ordering."""

from mgcore.values.compare import (
    compare,
    equals,
    equivalence_key,
    equivalent,
    greater_equal,
    greater_than,
    in_list,
    less_equal,
    less_than,
    not_equals,
    order_key,
    type_rank,
)
from mgcore.values.graph import Node, NodeHandle, Path, Relationship, RelationshipHandle
from mgcore.values.types import (
    INT64_MAX,
    INT64_MIN,
    check_int,
    type_name,
    validate_property_value,
)

__all__ = [
    "INT64_MAX",
    "INT64_MIN",
    "Node",
    "NodeHandle",
    "Path",
    "Relationship",
    "RelationshipHandle",
    "check_int",
    "compare",
    "equals",
    "equivalence_key",
    "equivalent",
    "greater_equal",
    "greater_than",
    "in_list",
    "less_equal",
    "less_than",
    "not_equals",
    "order_key",
    "type_name",
    "type_rank",
    "validate_property_value",
]
