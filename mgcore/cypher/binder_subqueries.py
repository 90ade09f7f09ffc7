"""The binder's rules for subqueries: CALL { ... } scopes and returns, EXISTS { ... } contents.

A CALL subquery sees the outer scope only through a leading WITH (the importing WITH, checked
against the outer scope); without one it starts empty, so its variables may reuse outer names.
What it returns joins the outer scope and must not be declared there already. An EXISTS
subquery sees the whole outer scope and must not update the graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mgcore.cypher import ast
from mgcore.errors import CypherSyntaxError

if TYPE_CHECKING:
    from mgcore.cypher.binder import Binder, Scope

_UPDATING = (ast.Create, ast.Merge, ast.Set, ast.Remove, ast.Delete, ast.Foreach)


def returns_rows(query: ast.Query) -> bool:
    """True when a subquery ends with RETURN (it is not a unit subquery)."""
    return isinstance(query.parts[0].clauses[-1], ast.Return)


def check_conclusion(part: ast.SingleQuery) -> None:
    """A query may end with a unit CALL subquery but not with one that returns rows."""
    last = part.clauses[-1] if part.clauses else None
    if isinstance(last, ast.CallSubquery) and returns_rows(last.query):
        raise CypherSyntaxError(
            "Query cannot conclude with a CALL subquery that returns rows (add a RETURN clause"
            " after it, or remove the subquery's RETURN)."
        )


def check_call_subquery(binder: Binder, query: ast.Query, outer: Scope) -> Scope:
    """Check ``CALL { query }`` in ``outer``; return the variables it adds (name to kind)."""
    returned: Scope = {}
    for i, part in enumerate(query.parts):
        clauses = part.clauses
        imports = bool(clauses) and isinstance(clauses[0], ast.With)
        scope = binder.check_single(part, dict(outer) if imports else {})
        check_conclusion(part)
        last = clauses[-1]
        if not isinstance(last, ast.Return):
            continue
        for item in last.projection.items:
            if not item.aliased and not isinstance(item.expression, ast.Variable):
                raise CypherSyntaxError(
                    "Expression in CALL { RETURN ... } must be aliased (use AS)."
                )
        if i == 0:
            returned = {name: kind for name, kind in scope.items() if not name.startswith(" ")}
    return returned


def check_exists_query(binder: Binder, query: ast.Query, outer: Scope) -> None:
    """Check ``EXISTS { query }``: every part sees ``outer``; no updating clause anywhere."""
    for node in ast.walk(query):
        if isinstance(node, _UPDATING):
            raise CypherSyntaxError("An EXISTS subquery cannot contain updating clauses.")
    for part in query.parts:
        binder.check_single(part, dict(outer))
