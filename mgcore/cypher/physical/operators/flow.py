"""Row flow: filters, optional branches, eager barriers, unions, unwinding, skip and limit,
procedure calls."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from mgcore.cypher.physical.expressions import Compiled, mg_type
from mgcore.cypher.physical.operators.base import DEADLINE_EVERY, PhysicalOperator, Unary
from mgcore.cypher.physical.row import Row
from mgcore.cypher.procedures import ProcedureContext
from mgcore.errors import CypherSyntaxError
from mgcore.values.compare import equivalence_key

if TYPE_CHECKING:
    from mgcore.execution import QueryContext


class Filter(Unary):
    """Rows for which the predicate is true."""

    __slots__ = ("predicate",)

    def __init__(
        self, label: str, input: PhysicalOperator, predicate: Callable[[Row, Any], bool]
    ) -> None:
        super().__init__(label, input)
        self.predicate = predicate

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        predicate = self.predicate
        for row in self.input.run(ctx, arg):
            if predicate(row, ctx):
                yield row


class Optional(Unary):
    """The branch's rows per input row, or the row padded with nulls when it has none."""

    __slots__ = ("branch", "padding")

    def __init__(
        self, label: str, input: PhysicalOperator, branch: PhysicalOperator, width: int
    ) -> None:
        super().__init__(label, input)
        self.branch = branch
        self.padding = (None,) * width

    def branches(self) -> list[PhysicalOperator]:
        return [self.branch]

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        branch, padding = self.branch, self.padding
        for row in self.input.run(ctx, arg):
            matched = False
            for out in branch.run(ctx, row):
                matched = True
                yield out
            if not matched:
                yield row + padding


class Eager(Unary):
    """Pulls every input row before yielding any (clause isolation)."""

    __slots__ = ()

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        yield from list(self.input.run(ctx, arg))


class EmptyResult(Unary):
    """Runs the input to the end and yields nothing."""

    __slots__ = ()

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        for _ in self.input.run(ctx, arg):
            pass
        yield from ()


class Union(PhysicalOperator):
    """The rows of each part; without ``all``, each equivalence class of rows once."""

    __slots__ = ("all", "parts")

    def __init__(self, label: str, parts: list[PhysicalOperator], all: bool) -> None:
        super().__init__(label)
        self.parts = parts
        self.all = all

    def children(self) -> list[PhysicalOperator]:
        return list(self.parts)

    def branches(self) -> list[PhysicalOperator]:
        return list(self.parts)

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        if self.all:
            for part in self.parts:
                yield from part.run(ctx, arg)
            return
        seen: set[Any] = set()
        for part in self.parts:
            for row in part.run(ctx, arg):
                key = tuple([equivalence_key(v) for v in row])
                if key not in seen:
                    seen.add(key)
                    yield row


class Unwind(Unary):
    """One row per list element; a null yields nothing, any other value one row."""

    __slots__ = ("expression",)

    def __init__(self, label: str, input: PhysicalOperator, expression: Compiled) -> None:
        super().__init__(label, input)
        self.expression = expression

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        expression = self.expression
        produced = 0
        for row in self.input.run(ctx, arg):
            value = expression(row, ctx)
            if type(value) is list or type(value) is tuple:
                size = len(value)
                produced += size + 1
                if produced >= DEADLINE_EVERY:
                    produced = 0
                    ctx.check_deadline()
                if size <= DEADLINE_EVERY:
                    for item in value:
                        yield (*row, item)
                else:  # a long list: check the deadline (and interruptions) as it unwinds
                    for start in range(0, size, DEADLINE_EVERY):
                        ctx.check_deadline()
                        for item in value[start : start + DEADLINE_EVERY]:
                            yield (*row, item)
            elif value is not None:
                yield (*row, value)


def row_count(value: Any, clause: str) -> int:
    """A SKIP/LIMIT value: a non-negative integer; anything else is the TCK's SyntaxError
    (NegativeIntegerArgument / InvalidArgumentType), raised when the value is known."""
    if type(value) is not int:
        if type(value) is float and value.is_integer():
            value = int(value)
        else:
            raise CypherSyntaxError(
                f"Parameter of {clause} must be a non-negative integer, got {mg_type(value)}."
            )
    if value < 0:
        raise CypherSyntaxError(f"Parameter of {clause} must be a non-negative integer.")
    return int(value)


class Skip(Unary):
    """Drops the first rows."""

    __slots__ = ("count",)

    def __init__(self, label: str, input: PhysicalOperator, count: Compiled) -> None:
        super().__init__(label, input)
        self.count = count

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        n = row_count(self.count((), ctx), "SKIP")
        for row in self.input.run(ctx, arg):
            if n:
                n -= 1
                continue
            yield row


class Limit(Unary):
    """Stops after a number of rows (pulling no more from the input). ``LIMIT 0`` over an
    Eager still pulls once, so the writes the Eager guards complete."""

    __slots__ = ("count",)

    def __init__(self, label: str, input: PhysicalOperator, count: Compiled) -> None:
        super().__init__(label, input)
        self.count = count

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        n = row_count(self.count((), ctx), "LIMIT")
        if n == 0:
            if isinstance(self.input, Eager):
                next(iter(self.input.run(ctx, arg)), None)
            return
        for row in self.input.run(ctx, arg):
            yield row
            n -= 1
            if n == 0:
                return


class CallProcedure(Unary):
    """Calls a procedure per input row and appends the yielded fields.

    Arguments are evaluated, checked and coerced per row (``coercers`` holds None where any
    value is fine). A record is a sequence in column order or a mapping by column name. A void
    procedure keeps each input row once (``emit_void``) or, called standalone, yields nothing.
    """

    __slots__ = ("arguments", "emit_void", "fields", "impl", "names", "void")

    def __init__(
        self,
        label: str,
        input: PhysicalOperator,
        impl: Callable[..., Any],
        arguments: list[Compiled],
        coercers: list[Callable[[Any], Any] | None],
        fields: tuple[int, ...],
        names: tuple[str, ...],
        void: bool = False,
        emit_void: bool = True,
    ) -> None:
        super().__init__(label, input)
        self.impl = impl
        self.arguments = [
            a if c is None else _coerced(a, c) for a, c in zip(arguments, coercers, strict=True)
        ]
        self.fields = fields
        self.names = names
        self.void = void
        self.emit_void = emit_void

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        impl, arguments = self.impl, self.arguments
        pctx = ProcedureContext(ctx)
        if self.void:
            emit = self.emit_void
            for row in self.input.run(ctx, arg):
                records = impl(pctx, *[a(row, ctx) for a in arguments])
                if records is not None:
                    for _ in records:
                        pass
                if emit:
                    yield row
            return
        fields, names = self.fields, self.names
        for row in self.input.run(ctx, arg):
            for record in impl(pctx, *[a(row, ctx) for a in arguments]):
                if isinstance(record, Mapping):
                    yield (*row, *[record.get(n) for n in names])
                else:
                    yield (*row, *[record[i] for i in fields])


def _coerced(arg: Compiled, coerce: Callable[[Any], Any]) -> Compiled:
    """``arg`` followed by a procedure parameter's check and coercion."""

    def coerced(row: Row, ctx: QueryContext) -> Any:
        return coerce(arg(row, ctx))

    return coerced
