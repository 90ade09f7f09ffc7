"""Operators that run a sub-plan per input row: FOREACH bodies and CALL { subquery }.

The sub-plan's ``Once`` yields the argument row it is given, so a body reads the outer row's
slots directly. A sub-plan that writes runs to the end for each outer row before the row moves
on, so its updates happen in order and completely even when a LIMIT stops pulling early.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mgcore.cypher.physical.expressions import Compiled, mg_type
from mgcore.cypher.physical.operators.base import PhysicalOperator, Unary
from mgcore.cypher.physical.row import Row
from mgcore.errors import CypherTypeError

if TYPE_CHECKING:
    from mgcore.execution import QueryContext


class EmptyOnce(PhysicalOperator):
    """Yields one empty row whatever the argument: the start of a subquery importing nothing."""

    __slots__ = ()

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        yield ()


class Foreach(Unary):
    """Runs the body once per list element (appended to the row); yields the input row."""

    __slots__ = ("body", "expression")

    def __init__(
        self, label: str, input: PhysicalOperator, expression: Compiled, body: PhysicalOperator
    ) -> None:
        super().__init__(label, input)
        self.expression = expression
        self.body = body

    def branches(self) -> list[PhysicalOperator]:
        return [self.body]

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        expression, body = self.expression, self.body.run
        for row in self.input.run(ctx, arg):
            items = expression(row, ctx)
            if type(items) is not list and type(items) is not tuple:
                if items is None:
                    yield row
                    continue
                raise CypherTypeError(
                    f"FOREACH expression must resolve to a list, got {mg_type(items)}."
                )
            for item in items:
                for _ in body(ctx, (*row, item)):
                    pass
            yield row


class Apply(Unary):
    """CALL { subquery }: each input row joined with each row the subquery yields for it."""

    __slots__ = ("materialize", "subquery")

    def __init__(
        self,
        label: str,
        input: PhysicalOperator,
        subquery: PhysicalOperator,
        materialize: bool,
    ) -> None:
        super().__init__(label, input)
        self.subquery = subquery
        self.materialize = materialize
        """True when the subquery writes: it runs to the end before its rows are yielded."""

    def branches(self) -> list[PhysicalOperator]:
        return [self.subquery]

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        subquery = self.subquery.run
        if self.materialize:
            for row in self.input.run(ctx, arg):
                for inner in list(subquery(ctx, row)):
                    yield row + inner
            return
        for row in self.input.run(ctx, arg):
            for inner in subquery(ctx, row):
                yield row + inner


class UnitApply(Unary):
    """CALL { subquery } without RETURN: runs the subquery per row, yields the row once."""

    __slots__ = ("subquery",)

    def __init__(self, label: str, input: PhysicalOperator, subquery: PhysicalOperator) -> None:
        super().__init__(label, input)
        self.subquery = subquery

    def branches(self) -> list[PhysicalOperator]:
        return [self.subquery]

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        subquery = self.subquery.run
        for row in self.input.run(ctx, arg):
            for _ in subquery(ctx, row):
                pass
            yield row
