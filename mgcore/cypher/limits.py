"""Limits that keep hostile query texts from exhausting the interpreter.

The binder, planner, plan compiler and compiled expressions recurse over the syntax tree, so a
query nested deeper than Python's recursion limit allows (``[[[[...]]]]``, ``1+1+1+...`` with
thousands of terms) is rejected with a clear ``CypherSyntaxError`` before planning starts. The
check walks the tree iteratively, so it is safe on any input the parser produced.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from mgcore.cypher import ast
from mgcore.errors import CypherSyntaxError

MAX_NESTING_DEPTH = 200
"""Deepest syntax tree a query may have, counting chains of clauses, pattern parts and hops."""

NESTED_TOO_DEEPLY = (
    "The query is nested too deeply (at most {limit} levels of nested expressions, clauses, "
    "pattern parts and relationship hops are supported)."
)
TOO_COMPLEX = (
    "The query is nested too deeply or has too many clauses or pattern parts to be planned."
)

_CHAINS = {
    (ast.SingleQuery, "clauses"),
    (ast.Match, "patterns"),
    (ast.PathPattern, "relationships"),
}
"""Sequences the planner turns into nested operators: item ``i`` counts as ``i`` levels deeper
(clauses feed each other, pattern parts and hops are joined one after the other)."""

_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}


def _field_names(cls: type) -> tuple[tuple[str, bool], ...]:
    """The fields of an AST class, each with whether it is a chain."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple((f.name, (cls, f.name) in _CHAINS) for f in fields(cls))
    return names


def nesting_depth(node: ast.Node, limit: int) -> int:
    """The depth of the tree under ``node`` (a leaf is 1), or the first depth beyond ``limit``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(node, 1)]
    pop = stack.pop
    push = stack.append
    node_type = ast.Node
    while stack:
        current, depth = pop()
        if type(current) is tuple:
            for item in current:
                if isinstance(item, node_type | tuple):
                    push((item, depth))
            continue
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        depth += 1
        for name, chain in _field_names(type(current)):
            value = getattr(current, name)
            if chain:
                for offset, item in enumerate(value):
                    push((item, depth + offset))
            elif isinstance(value, node_type) or (type(value) is tuple and value):
                push((value, depth))
    return deepest


def check_nesting(statement: ast.Statement, limit: int = MAX_NESTING_DEPTH) -> None:
    """Raise ``CypherSyntaxError`` if ``statement`` is nested deeper than ``limit``."""
    if nesting_depth(statement, limit) > limit:
        raise CypherSyntaxError(NESTED_TOO_DEEPLY.format(limit=limit))
