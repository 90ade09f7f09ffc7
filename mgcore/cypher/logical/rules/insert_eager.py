"""Clause isolation: an Eager barrier wherever a write could be seen by a read of an earlier
clause (``MATCH (a) CREATE (b)`` must not match ``b``) or a read follows a write. Conservative:
any read feeding a write, and any write feeding a read, gets a barrier unless one (Eager,
aggregation, ORDER BY) is already between them. Writes also complete before SKIP or LIMIT, which
stop pulling early: a query's side effects do not depend on how many rows it returns."""

from __future__ import annotations

from collections.abc import Callable

from mgcore.cypher.logical import operators as op

_BARRIERS = (op.Eager, op.Aggregate, op.Sort)


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


def insert_eager(plan: op.LogicalOp) -> op.LogicalOp:
    """Insert Eager operators for clause isolation."""
    plan = op.map_children(plan, insert_eager)
    source = getattr(plan, "input", None)
    if source is None or isinstance(source, op.Eager):
        return plan
    if isinstance(plan, op.Skip | op.Limit) and _below(source, _writes):
        return op.replace(plan, input=op.Eager(source))
    if (_writes(plan) and _below(source, _reads)) or (_reads(plan) and _below(source, _writes)):
        return op.replace(plan, input=op.Eager(source))  # type: ignore[type-var]
    return plan
