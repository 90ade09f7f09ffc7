"""Projections: computed columns, aggregation, distinct, ordering and the final selection."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from mgcore.cypher.functions.registry import Accumulator
from mgcore.cypher.physical.expressions import Compiled
from mgcore.cypher.physical.operators.base import PhysicalOperator, Unary
from mgcore.cypher.physical.row import Row, to_result
from mgcore.values.compare import equivalence_key, order_key

if TYPE_CHECKING:
    from mgcore.execution import QueryContext


class Extend(Unary):
    """Appends computed values to each row."""

    __slots__ = ("items",)

    def __init__(self, label: str, input: PhysicalOperator, items: list[Compiled]) -> None:
        super().__init__(label, input)
        self.items = items

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        items = self.items
        if len(items) == 1:
            (f,) = items
            for row in self.input.run(ctx, arg):
                yield (*row, f(row, ctx))
            return
        for row in self.input.run(ctx, arg):
            yield row + tuple([f(row, ctx) for f in items])


AggregateSpec = tuple[Callable[[], Accumulator], list[Compiled]]
"""An accumulator factory and the compiled argument expressions."""


class Aggregate(Unary):
    """Groups rows by key values (equivalence) and yields keys + aggregate results."""

    __slots__ = ("aggregates", "keys")

    def __init__(
        self,
        label: str,
        input: PhysicalOperator,
        keys: list[Compiled],
        aggregates: list[AggregateSpec],
    ) -> None:
        super().__init__(label, input)
        self.keys = keys
        self.aggregates = aggregates

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        keys, aggregates = self.keys, self.aggregates
        groups: dict[Any, tuple[Row, list[Accumulator]]] = {}
        for row in self.input.run(ctx, arg):
            values = tuple([k(row, ctx) for k in keys])
            gkey = tuple([equivalence_key(v) for v in values]) if values else ()
            group = groups.get(gkey)
            if group is None:
                group = (values, [factory() for factory, _ in aggregates])
                groups[gkey] = group
            for acc, (_, args) in zip(group[1], aggregates, strict=True):
                acc.update(*[a(row, ctx) for a in args])
        if not groups and not keys:
            groups[()] = ((), [factory() for factory, _ in aggregates])
        for values, accs in groups.values():
            yield values + tuple([acc.result() for acc in accs])


class Distinct(Unary):
    """Drops rows whose selected slots are equivalent to an earlier row's."""

    __slots__ = ("slots",)

    def __init__(self, label: str, input: PhysicalOperator, slots: tuple[int, ...]) -> None:
        super().__init__(label, input)
        self.slots = slots

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        slots = self.slots
        seen: set[Any] = set()
        for row in self.input.run(ctx, arg):
            key = tuple([equivalence_key(row[i]) for i in slots])
            if key not in seen:
                seen.add(key)
                yield row


class Sort(Unary):
    """Orders all rows by keys (openCypher's global order, nulls last ascending)."""

    __slots__ = ("keys",)

    def __init__(
        self, label: str, input: PhysicalOperator, keys: list[tuple[Compiled, bool]]
    ) -> None:
        super().__init__(label, input)
        self.keys = keys

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        keys = self.keys
        fns = [f for f, _ in keys]
        decorated = [
            (row, [order_key(f(row, ctx)) for f in fns]) for row in self.input.run(ctx, arg)
        ]
        for i in range(len(keys) - 1, -1, -1):
            decorated.sort(key=lambda d, i=i: d[1][i], reverse=keys[i][1])  # type: ignore[misc]
        for row, _ in decorated:
            yield row


class Select(Unary):
    """Keeps the given slots, in order; for RETURN also converts handles to result values."""

    __slots__ = ("result", "slots")

    def __init__(
        self, label: str, input: PhysicalOperator, slots: tuple[int, ...], result: bool
    ) -> None:
        super().__init__(label, input)
        self.slots = slots
        self.result = result

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        slots = self.slots
        if self.result:
            tx = ctx.tx
            for row in self.input.run(ctx, arg):
                yield tuple([to_result(row[i], tx) for i in slots])
            return
        if len(slots) == 1:
            (i,) = slots
            for row in self.input.run(ctx, arg):
                yield (row[i],)
            return
        if not slots:
            for _ in self.input.run(ctx, arg):
                yield ()
            return
        get = itemgetter(*slots)
        for row in self.input.run(ctx, arg):
            yield get(row)


class Produce(Unary):
    """Computes the output columns of each row (a projection fused with its selection)."""

    __slots__ = ("columns", "result")

    def __init__(
        self, label: str, input: PhysicalOperator, columns: list[Compiled], result: bool
    ) -> None:
        super().__init__(label, input)
        self.columns = columns
        self.result = result

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        columns = self.columns
        if self.result:
            tx = ctx.tx
            for row in self.input.run(ctx, arg):
                yield tuple([to_result(f(row, ctx), tx) for f in columns])
            return
        for row in self.input.run(ctx, arg):
            yield tuple([f(row, ctx) for f in columns])
