"""Rewrite rules: plain functions ``plan -> plan``, one per module, applied in ``RULES`` order.

Like sqlglot's optimizer, a caller may pass its own sequence to ``optimize`` (tests do, to see
a rule's effect in isolation). Index selection depends on the engine's statistics (which indexes
exist and how selective they are); ``optimize`` binds them into the default sequence.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from mgcore.cypher.logical.operators import LogicalOp
from mgcore.cypher.logical.rules.insert_eager import insert_eager
from mgcore.cypher.logical.rules.pushdown_filters import pushdown_filters
from mgcore.cypher.logical.rules.select_indexes import Deterministic, select_indexes
from mgcore.storage.records import GraphStatistics

Rule = Callable[[LogicalOp], LogicalOp]

RULES: tuple[Rule, ...] = (pushdown_filters, select_indexes, insert_eager)
"""The default rewrite sequence (index selection without statistics: no index is used)."""


def default_rules(
    statistics: GraphStatistics | None, deterministic: Deterministic | None = None
) -> tuple[Rule, ...]:
    """``RULES`` with index selection through the indexes ``statistics`` lists."""
    if statistics is None:
        return RULES
    select = functools.partial(select_indexes, statistics=statistics)
    if deterministic is not None:
        select = functools.partial(select, deterministic=deterministic)
    return (pushdown_filters, select, insert_eager)


def optimize(plan: LogicalOp, rules: Sequence[Rule] = RULES) -> LogicalOp:
    """Apply ``rules`` to ``plan`` in order."""
    for rule in rules:
        plan = rule(plan)
    return plan


__all__ = [
    "RULES", "Rule", "default_rules", "insert_eager", "optimize", "pushdown_filters",
    "select_indexes",
]
