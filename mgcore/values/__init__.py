"""Cypher values: property values, result graph values, equality and ordering.

``compare`` (the three-way comparison) is not re-exported here: the name would shadow the
``mgcore.values.compare`` module; import it from there.
"""

from mgcore.values.compare import (
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
