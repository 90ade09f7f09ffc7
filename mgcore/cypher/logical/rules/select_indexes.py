"""Index selection: a node scan followed by a label test becomes a label scan, and one with a
property equality on that label becomes a label+property seek. The engine serves both with an
index when it has one and with a filtered scan otherwise, so the rewrite is always valid."""

from __future__ import annotations

from mgcore.cypher import ast
from mgcore.cypher.logical import operators as op
from mgcore.cypher.logical.rules.pushdown_filters import variables


def _equality_on(predicate: ast.Expr, variable: str) -> tuple[str, ast.Expr] | None:
    """``(key, value)`` when ``predicate`` is ``variable.key = value`` (either side) and the
    value does not depend on ``variable``."""
    if not isinstance(predicate, ast.BinaryOp) or predicate.op is not ast.BinaryOperator.EQ:
        return None
    for prop, value in ((predicate.left, predicate.right), (predicate.right, predicate.left)):
        if (
            isinstance(prop, ast.Property)
            and isinstance(prop.subject, ast.Variable)
            and prop.subject.name == variable
            and variable not in variables(value)
            and not any(isinstance(n, ast.PatternExpression | ast.Exists)
                        for n in ast.walk(value))
        ):
            return prop.key, value
    return None


def _rewrite_scan(predicates: list[ast.Expr], scan: op.ScanAll) -> op.LogicalOp:
    v = scan.variable
    label = None
    for i, p in enumerate(predicates):
        if isinstance(p, ast.HasLabels) and p.subject == ast.Variable(v) and p.labels:
            label = p.labels[0]
            rest = p.labels[1:]
            if rest:
                predicates[i] = ast.HasLabels(p.subject, rest)
            else:
                del predicates[i]
            break
    new: op.LogicalOp = scan
    if label is not None:
        new = op.ScanByLabel(scan.input, v, label)
        for i, p in enumerate(predicates):
            eq = _equality_on(p, v)
            if eq is not None:
                new = op.SeekByProperty(scan.input, v, label, eq[0], eq[1])
                del predicates[i]
                break
    for p in reversed(predicates):
        new = op.Filter(new, p)
    return new


def select_indexes(plan: op.LogicalOp) -> op.LogicalOp:
    """Turn ``Filter*(ScanAll)`` chains into label scans and property seeks."""
    if isinstance(plan, op.Filter):
        predicates: list[ast.Expr] = []
        node: op.LogicalOp = plan
        while isinstance(node, op.Filter):
            predicates.append(node.predicate)
            node = node.input
        if isinstance(node, op.ScanAll):
            scan = op.ScanAll(select_indexes(node.input), node.variable)
            return _rewrite_scan(predicates, scan)
    return op.map_children(plan, select_indexes)
