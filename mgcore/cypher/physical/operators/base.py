"""The physical operator contract: a pull-based generator over slot tuples.

``run(ctx, arg)`` yields the operator's rows; ``arg`` is the argument row the leaf ``Once``
yields (empty at the top of a query, the outer row inside an Optional or Merge branch), so an
operator object holds no per-execution state and a cached plan can run on many threads.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mgcore.cypher.physical.row import Row

if TYPE_CHECKING:
    from mgcore.execution import QueryContext

DEADLINE_EVERY = 4096
"""Scans check the query deadline once per this many rows."""


class PhysicalOperator:
    """Base of every physical operator."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label
        """The operator's line in EXPLAIN and PROFILE."""

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        """Yield the rows of this operator for the argument row ``arg``."""
        raise NotImplementedError

    def children(self) -> list[PhysicalOperator]:
        """The input first, then the branches."""
        return []

    def branches(self) -> list[PhysicalOperator]:
        """Sub-plans run per row (shown indented in EXPLAIN)."""
        return []


class Unary(PhysicalOperator):
    """An operator with one input."""

    __slots__ = ("input",)

    def __init__(self, label: str, input: PhysicalOperator) -> None:
        super().__init__(label)
        self.input = input

    def children(self) -> list[PhysicalOperator]:
        return [self.input, *self.branches()]


class Once(PhysicalOperator):
    """Yields the argument row once."""

    __slots__ = ()

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        yield arg
