"""EXPLAIN and PROFILE output: the physical plan as Memgraph prints it (`` * Produce {n}``)."""

from __future__ import annotations

from typing import Any

from mgcore.cypher.physical.compile import Profiled
from mgcore.cypher.physical.operators.base import PhysicalOperator


def _walk(op: PhysicalOperator, depth: int, out: list[tuple[str, PhysicalOperator]]) -> None:
    """Operators top-down; a branch is indented with ``|`` like Memgraph's ``|\\``."""
    prefix = "| " * depth
    out.append((f"{prefix} * {op.label}", op))
    children = op.children()
    branches = op.branches()
    main = [c for c in children if all(c is not b for b in branches)]
    for branch in branches:
        out.append((f"{prefix}|\\", branch))
        _walk(branch, depth + 1, out)
    for child in main:
        _walk(child, depth, out)


def plan_lines(root: PhysicalOperator) -> list[str]:
    """The rows of EXPLAIN's ``QUERY PLAN`` column."""
    out: list[tuple[str, PhysicalOperator]] = []
    _walk(root, 0, out)
    return [line for line, _ in out]


def _inclusive(op: PhysicalOperator) -> float:
    return op.seconds if isinstance(op, Profiled) else 0.0


def profile_rows(root: PhysicalOperator) -> list[tuple[Any, ...]]:
    """PROFILE's rows: OPERATOR, ACTUAL HITS, RELATIVE TIME, ABSOLUTE TIME (own time)."""
    out: list[tuple[str, PhysicalOperator]] = []
    _walk(root, 0, out)
    total = _inclusive(root) or 1e-12
    rows = []
    for line, op in out:
        if line.endswith("|\\"):
            continue
        own = _inclusive(op) - sum(_inclusive(c) for c in op.children())
        own = max(own, 0.0)
        hits = op.hits if isinstance(op, Profiled) else 0
        rows.append((line, hits, f"{100 * own / total:10.6f} %", f"{own * 1000:10.6f} ms"))
    return rows
