"""Clause isolation: an Eager barrier wherever a write could be seen by a read of an earlier
clause (``MATCH (a) CREATE (b)`` must not match ``b``) or a read follows a write. Conservative:
any read feeding a write, and any write feeding a read, gets a barrier unless one (Eager,
aggregation, ORDER BY) is already between them. Writes also complete before SKIP or LIMIT, which
stop pulling early: a query's side effects do not depend on how many rows it returns.

One precise exception: a CREATE that only creates relationships between nodes bound by node
scans below it cannot change what a read that never looks at relationships returns (node scans
and seeks by label and property, UNWIND, filters and projections without patterns or degree
functions), so ``UNWIND $rows AS r MATCH (a:P {id: r[0]}), (b:P {id: r[1]}) CREATE
(a)-[:R]->(b)`` streams without an Eager, as Memgraph plans it (Memgraph adds Accumulate only
before a WITH or RETURN that follows updates)."""

from __future__ import annotations

from collections.abc import Callable

from mgcore.cypher import ast
from mgcore.cypher.logical import operators as op

_BARRIERS = (op.Eager, op.Aggregate, op.Sort)

_RELATIONSHIP_BLIND_OPS = (
    *op.NODE_SCANS, op.Once, op.Unwind, op.LoadCsv, op.Filter, op.Extend, op.Select
)
"""Operators that read no relationships themselves (their expressions are checked apart)."""
_RELATIONSHIP_FUNCTIONS = frozenset(("degree", "indegree", "outdegree"))
"""Functions that read a node's relationships."""


def _sub_plan(node: op.LogicalOp) -> op.LogicalOp | None:
    """The body of a FOREACH or CALL subquery: it runs to completion within the clause."""
    if isinstance(node, op.Foreach):
        return node.body
    if isinstance(node, op.Apply):
        return node.subquery
    return None


def _reads(node: op.LogicalOp) -> bool:
    if isinstance(node, op.READS):
        return True
    if isinstance(node, op.Optional):
        return _below(node.branch, _reads)
    body = _sub_plan(node)
    if body is not None:
        return any(_reads(n) for n in op.walk(body))
    return isinstance(node, op.Merge)


def _writes(node: op.LogicalOp) -> bool:
    body = _sub_plan(node)
    if body is not None:
        return any(isinstance(n, op.WRITES) for n in op.walk(body))
    return isinstance(node, op.WRITES)


def _below(node: op.LogicalOp, test: Callable[[op.LogicalOp], bool]) -> bool:
    """True when ``test`` holds for ``node`` or an operator under it not behind a barrier."""
    if test(node):
        return True
    if isinstance(node, _BARRIERS):
        return False
    return any(_below(child, test) for child in node.children())


def _expressions(node: op.LogicalOp) -> list[ast.Node]:
    """The AST nodes held by an operator's fields (expressions, items, patterns)."""
    found: list[ast.Node] = []
    stack: list[object] = [getattr(node, name) for name in ast.field_names(type(node))]
    while stack:
        value = stack.pop()
        if isinstance(value, ast.Node):
            found.append(value)
        elif isinstance(value, tuple):
            stack.extend(value)
    return found


def _reads_relationships(expr: ast.Node) -> bool:
    """True when evaluating ``expr`` may look at relationships of the graph."""
    for n in ast.walk(expr):
        if isinstance(n, ast.PatternExpression | ast.PatternComprehension | ast.Exists):
            return True
        if isinstance(n, ast.FunctionCall):
            name = n.name.lower()
            if name in _RELATIONSHIP_FUNCTIONS or "." in name:
                return True  # a namespaced (plugin) function may read anything
    return False


def _relationship_blind(node: op.LogicalOp) -> bool:
    """True when ``node`` and the operators under it up to a barrier read no relationships."""
    if isinstance(node, _BARRIERS):
        return True
    if not isinstance(node, _RELATIONSHIP_BLIND_OPS):
        return False
    if any(_reads_relationships(e) for e in _expressions(node)):
        return False
    return all(_relationship_blind(child) for child in node.children())


def _creates_relationships_only(node: op.LogicalOp, source: op.LogicalOp) -> bool:
    """True for a CREATE whose every node is bound by a node scan under it (no new nodes)."""
    if not isinstance(node, op.Create):
        return False
    scanned = {n.variable for n in op.walk(source) if isinstance(n, op.NODE_SCANS)}
    return all(
        n.variable is not None and n.variable in scanned
        for pattern in node.patterns
        for n in pattern.nodes
    )


def insert_eager(plan: op.LogicalOp) -> op.LogicalOp:
    """Insert Eager operators for clause isolation."""
    plan = op.map_children(plan, insert_eager)
    source = getattr(plan, "input", None)
    if source is None or isinstance(source, op.Eager):
        return plan
    if isinstance(plan, op.Skip | op.Limit) and _below(source, _writes):
        return op.replace(plan, input=op.Eager(source))
    if (
        _writes(plan)
        and _below(source, _reads)
        and not (_creates_relationships_only(plan, source) and _relationship_blind(source))
    ):
        return op.replace(plan, input=op.Eager(source))  # type: ignore[type-var]
    if _reads(plan) and _below(source, _writes):
        return op.replace(plan, input=op.Eager(source))  # type: ignore[type-var]
    return plan
