"""Filter push-down: each filter sinks below the operators that do not bind a variable it
uses, so a predicate runs as soon as its variables exist (before further expansions)."""

from __future__ import annotations

from mgcore.cypher import ast
from mgcore.cypher.logical import operators as op

_PASSABLE = (
    *op.NODE_SCANS, op.Expand, op.VarExpand, op.ShortestExpand, op.Filter, op.EdgeUniqueness,
    op.ConstructPath,
)


def binds(node: op.LogicalOp) -> set[str]:
    """The variables ``node`` adds to its input's rows."""
    if isinstance(node, op.NODE_SCANS):
        return {node.variable}
    if isinstance(node, op.Expand):
        out = set()
        if not node.relationship_bound:
            out.add(node.relationship)
        if not node.target_bound:
            out.add(node.target)
        return out
    if isinstance(node, op.VarExpand):
        out = set() if node.relationship_bound else {node.relationship}
        if not node.target_bound:
            out.add(node.target)
        return out
    if isinstance(node, op.ShortestExpand):
        out = {node.relationship} if node.target_bound else {node.relationship, node.target}
        if node.total_weight is not None:
            out.add(node.total_weight)
        return out
    if isinstance(node, op.ConstructPath):
        return {node.variable}
    return set()


def variables(expr: ast.Node) -> set[str]:
    """Names of every variable an expression mentions (a superset of its free variables)."""
    out: set[str] = set()
    for n in ast.walk(expr):
        if isinstance(n, ast.Variable):
            out.add(n.name)
        elif isinstance(n, ast.MapProjection) or (
            isinstance(n, ast.NodePattern | ast.RelationshipPattern) and n.variable
        ):
            out.add(n.variable)  # type: ignore[arg-type]
    return out


def _sink(predicate: ast.Expr, used: set[str], below: op.LogicalOp) -> op.LogicalOp:
    node = below
    if isinstance(node, _PASSABLE) and not (binds(node) & used):
        sunk = _sink(predicate, used, node.input)
        if (
            isinstance(node, op.Filter)
            and isinstance(sunk, op.Filter)
            and sunk.predicate is predicate
            and sunk.input is node.input
        ):
            # both filters would run at the same point: keep the query's order (a node's
            # labels, then its properties, then WHERE), so which one fails first is as written
            return op.Filter(node, predicate)
        return op.replace(node, input=sunk)
    return op.Filter(node, predicate)


def pushdown_filters(plan: op.LogicalOp) -> op.LogicalOp:
    """Move every Filter as far down its pipeline as its variables allow."""
    plan = op.map_children(plan, pushdown_filters)
    if isinstance(plan, op.Filter):
        return _sink(plan.predicate, variables(plan.predicate), plan.input)
    return plan
