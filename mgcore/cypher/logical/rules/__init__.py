"""Rewrite rules: plain functions ``plan -> plan``, one per module, applied in ``RULES`` order.

Like sqlglot's optimizer, a caller may pass its own sequence to ``optimize`` (tests do, to see
a rule's effect in isolation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mgcore.cypher.logical.operators import LogicalOp
from mgcore.cypher.logical.rules.insert_eager import insert_eager
from mgcore.cypher.logical.rules.pushdown_filters import pushdown_filters
from mgcore.cypher.logical.rules.select_indexes import select_indexes

Rule = Callable[[LogicalOp], LogicalOp]

RULES: tuple[Rule, ...] = (pushdown_filters, select_indexes, insert_eager)
"""The default rewrite sequence."""


def optimize(plan: LogicalOp, rules: Sequence[Rule] = RULES) -> LogicalOp:
    """Apply ``rules`` to ``plan`` in order."""
    for rule in rules:
        plan = rule(plan)
    return plan


__all__ = ["RULES", "Rule", "insert_eager", "optimize", "pushdown_filters", "select_indexes"]
