"""Node scans and seeks: every node, nodes by label, nodes by label and property value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mgcore.cypher.physical.expressions import Compiled
from mgcore.cypher.physical.operators.base import DEADLINE_EVERY, PhysicalOperator, Unary
from mgcore.cypher.physical.row import Row

if TYPE_CHECKING:
    from mgcore.execution import QueryContext


class ScanAll(Unary):
    """Each input row extended by every node."""

    __slots__ = ()

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        tx = ctx.tx
        n = 0
        for row in self.input.run(ctx, arg):
            for node in tx.nodes():  # type: ignore[union-attr]
                n += 1
                if n % DEADLINE_EVERY == 0:
                    ctx.check_deadline()
                yield (*row, node)


class ScanByLabel(Unary):
    """Each input row extended by every node with a label."""

    __slots__ = ("label_name",)

    def __init__(self, label: str, input: PhysicalOperator, label_name: str) -> None:
        super().__init__(label, input)
        self.label_name = label_name

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        tx = ctx.tx
        name = self.label_name
        n = 0
        for row in self.input.run(ctx, arg):
            for node in tx.nodes_by_label(name):  # type: ignore[union-attr]
                n += 1
                if n % DEADLINE_EVERY == 0:
                    ctx.check_deadline()
                yield (*row, node)


class SeekByProperty(Unary):
    """Each input row extended by the nodes with a label whose property equals a value."""

    __slots__ = ("key", "label_name", "value")

    def __init__(
        self, label: str, input: PhysicalOperator, label_name: str, key: str, value: Compiled
    ) -> None:
        super().__init__(label, input)
        self.label_name = label_name
        self.key = key
        self.value = value

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        tx = ctx.tx
        name, key, value = self.label_name, self.key, self.value
        for row in self.input.run(ctx, arg):
            v = value(row, ctx)
            if v is None:
                continue
            for node in tx.nodes_by_property(name, key, v):  # type: ignore[union-attr]
                yield (*row, node)
