"""Planning FOREACH and CALL { subquery }: clauses whose body is a plan of its own, run per row.

Both bodies start from ``Once``, which yields the outer row (FOREACH: the row with the loop
variable appended), so the body's operators read outer variables from their usual slots. A CALL
subquery without a leading WITH sees nothing of the outer row: its plan starts from a ``Once``
that yields an empty row. The binder has already checked scopes; these functions only build
operators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mgcore.cypher import ast
from mgcore.cypher.logical import operators as op

if TYPE_CHECKING:
    from mgcore.cypher.logical.planner import Planner


def plan_foreach(
    planner: Planner, plan: op.LogicalOp, bound: list[str], clause: ast.Foreach
) -> op.LogicalOp:
    """FOREACH on top of ``plan``; nothing it binds is visible after it, so ``bound`` stays."""
    inner = [*bound, clause.variable]
    body: op.LogicalOp = op.Once()
    for sub in clause.clauses:
        body, inner = planner.plan_clause(body, inner, sub)
    return op.Foreach(plan, clause.variable, clause.source, body)


def plan_call_subquery(
    planner: Planner, plan: op.LogicalOp, bound: list[str], clause: ast.CallSubquery
) -> op.LogicalOp:
    """CALL { ... } on top of ``plan``; the subquery's returned columns are appended to
    ``bound`` (none for a unit subquery)."""
    subquery, columns = planner.plan_query(clause.query, bound, importing=True)
    bound.extend(columns)
    return op.Apply(plan, subquery, columns)
