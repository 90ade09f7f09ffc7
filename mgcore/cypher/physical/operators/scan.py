"""Node scans and seeks: every node, nodes by label, and nodes by label and property (value, list
of values, range, prefix, presence) or properties (composite equality) through the engine's
lookups."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from mgcore.cypher.physical.expressions import Compiled
from mgcore.cypher.physical.operators.base import DEADLINE_EVERY, PhysicalOperator, Unary
from mgcore.cypher.physical.row import Row
from mgcore.storage.kit.lookups import family
from mgcore.storage.records import PropertyRange

if TYPE_CHECKING:
    from mgcore.execution import QueryContext


class ScanAll(Unary):
    """Each input row extended by every node. With ``prefilter_label`` (the plan filters the
    node on that label right above, and no label index exists) the nodes come from the engine's
    ``nodes_by_label``, which scans and filters without an index: the same rows reach the
    filter's test, fewer and sooner. EXPLAIN still shows ScanAll and Filter, as no index is
    used."""

    __slots__ = ("prefilter_label",)

    def __init__(
        self, label: str, input: PhysicalOperator, prefilter_label: str | None = None
    ) -> None:
        super().__init__(label, input)
        self.prefilter_label = prefilter_label

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        tx = ctx.tx
        label = self.prefilter_label
        n = 0
        for row in self.input.run(ctx, arg):
            nodes = tx.nodes() if label is None else tx.nodes_by_label(label)  # type: ignore[union-attr]
            for node in nodes:
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


Predicate = Callable[[Row, Any], bool]


def _fallback(
    ctx: QueryContext, row: Row, label: str, predicates: tuple[Predicate, ...]
) -> Iterator[Row]:
    """Rows of the nodes with ``label`` for which every predicate holds: what a seek does when
    its value is of a type the index does not serve (the predicates then decide, errors too)."""
    for n, node in enumerate(ctx.tx.nodes_by_label(label), 1):  # type: ignore[union-attr]
        if n % DEADLINE_EVERY == 0:
            ctx.check_deadline()
        out = (*row, node)
        for p in predicates:
            if not p(out, ctx):
                break
        else:
            yield out


def _is_nan(v: Any) -> bool:
    return v.__class__ is float and v != v


class SeekByProperty(Unary):
    """Each input row extended by the nodes with a label whose property equals a value (Cypher
    equality: null and NaN match nothing); with ``in_list``, equals some element of a list
    value, each node once."""

    __slots__ = ("in_list", "key", "label_name", "predicates", "value")

    def __init__(
        self, label: str, input: PhysicalOperator, label_name: str, key: str, value: Compiled,
        in_list: bool = False, predicates: tuple[Predicate, ...] = (),
    ) -> None:
        super().__init__(label, input)
        self.label_name = label_name
        self.key = key
        self.value = value
        self.in_list = in_list
        self.predicates = predicates

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        if self.in_list:
            yield from self._run_list(ctx, arg)
            return
        lookup = ctx.tx.nodes_by_property  # type: ignore[union-attr]
        name, key, value = self.label_name, self.key, self.value
        left = DEADLINE_EVERY
        for row in self.input.run(ctx, arg):
            v = value(row, ctx)
            if v is None or (v.__class__ is float and v != v):
                continue
            for node in lookup(name, key, v):
                left -= 1
                if not left:
                    left = DEADLINE_EVERY
                    ctx.check_deadline()
                yield (*row, node)

    def _run_list(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        """``in_list``: the nodes whose property equals some element of the list value."""
        tx = ctx.tx
        name, key, value = self.label_name, self.key, self.value
        n = 0
        for row in self.input.run(ctx, arg):
            v = value(row, ctx)
            if v is None:
                continue
            if v.__class__ is not list:
                yield from _fallback(ctx, row, name, self.predicates)
                continue
            values = [x for x in v if x is not None and not _is_nan(x)]
            seen: set[Any] = set()
            for x in values:
                for node in tx.nodes_by_property(name, key, x):  # type: ignore[union-attr]
                    n += 1
                    if n % DEADLINE_EVERY == 0:
                        ctx.check_deadline()
                    if node in seen:
                        continue
                    seen.add(node)
                    yield (*row, node)


class SeekByProperties(Unary):
    """Each input row extended by the nodes with a label whose properties equal values computed
    per row, one per key (Cypher equality: a null or NaN value matches nothing), through a
    composite index (the engine's ``nodes_by_properties``)."""

    __slots__ = ("keys", "label_name", "values")

    def __init__(
        self, label: str, input: PhysicalOperator, label_name: str, keys: tuple[str, ...],
        values: tuple[Compiled, ...],
    ) -> None:
        super().__init__(label, input)
        self.label_name = label_name
        self.keys = keys
        self.values = values

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        tx = ctx.tx
        name, keys, values = self.label_name, self.keys, self.values
        n = 0
        for row in self.input.run(ctx, arg):
            wanted = tuple(value(row, ctx) for value in values)
            if any(v is None or _is_nan(v) for v in wanted):
                continue
            for node in tx.nodes_by_properties(name, keys, wanted):  # type: ignore[union-attr]
                n += 1
                if n % DEADLINE_EVERY == 0:
                    ctx.check_deadline()
                yield (*row, node)


class SeekByRange(Unary):
    """Each input row extended by the nodes with a label whose property lies in a range whose
    bounds are computed per row. Cypher's rules: a null bound matches nothing, a NaN bound
    nothing, bounds of two types nothing (no value is comparable with both); bounds of a type
    the indexes do not order (durations, lists, maps) are evaluated by the predicates over a
    label scan. Numbers, strings, booleans and each temporal type but Duration seek."""

    __slots__ = (
        "key", "label_name", "lower", "lower_inclusive", "predicates", "upper",
        "upper_inclusive",
    )

    def __init__(
        self, label: str, input: PhysicalOperator, label_name: str, key: str,
        lower: Compiled | None, lower_inclusive: bool, upper: Compiled | None,
        upper_inclusive: bool, predicates: tuple[Predicate, ...],
    ) -> None:
        super().__init__(label, input)
        self.label_name = label_name
        self.key = key
        self.lower = lower
        self.lower_inclusive = lower_inclusive
        self.upper = upper
        self.upper_inclusive = upper_inclusive
        self.predicates = predicates

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        tx = ctx.tx
        name, key, lower, upper = self.label_name, self.key, self.lower, self.upper
        n = 0
        for row in self.input.run(ctx, arg):
            lo = lower(row, ctx) if lower is not None else None
            hi = upper(row, ctx) if upper is not None else None
            if (lower is not None and lo is None) or (upper is not None and hi is None):
                continue
            families = {family(b) for b in (lo, hi) if b is not None}
            if None in families:
                yield from _fallback(ctx, row, name, self.predicates)
                continue
            if len(families) != 1 or _is_nan(lo) or _is_nan(hi):
                continue
            bounds = PropertyRange(lo, self.lower_inclusive, hi, self.upper_inclusive)
            for node in tx.nodes_by_property_range(name, key, bounds):  # type: ignore[union-attr]
                n += 1
                if n % DEADLINE_EVERY == 0:
                    ctx.check_deadline()
                yield (*row, node)


class SeekByPrefix(Unary):
    """Each input row extended by the nodes with a label whose string property starts with a
    string computed per row (null: nothing; not a string: the predicates over a label scan)."""

    __slots__ = ("key", "label_name", "predicates", "prefix")

    def __init__(
        self, label: str, input: PhysicalOperator, label_name: str, key: str, prefix: Compiled,
        predicates: tuple[Predicate, ...],
    ) -> None:
        super().__init__(label, input)
        self.label_name = label_name
        self.key = key
        self.prefix = prefix
        self.predicates = predicates

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        tx = ctx.tx
        name, key, prefix = self.label_name, self.key, self.prefix
        n = 0
        for row in self.input.run(ctx, arg):
            p = prefix(row, ctx)
            if p is None:
                continue
            if p.__class__ is not str:
                yield from _fallback(ctx, row, name, self.predicates)
                continue
            for node in tx.nodes_by_property_prefix(name, key, p):  # type: ignore[union-attr]
                n += 1
                if n % DEADLINE_EVERY == 0:
                    ctx.check_deadline()
                yield (*row, node)


class ScanByProperty(Unary):
    """Each input row extended by the nodes with a label that have a property: the engine's
    ``nodes_by_property_range`` with no bounds (through the label+property index)."""

    __slots__ = ("key", "label_name")

    def __init__(self, label: str, input: PhysicalOperator, label_name: str, key: str) -> None:
        super().__init__(label, input)
        self.label_name = label_name
        self.key = key

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        tx = ctx.tx
        name, key = self.label_name, self.key
        n = 0
        for row in self.input.run(ctx, arg):
            for node in tx.nodes_by_property_range(name, key, _ANY):  # type: ignore[union-attr]
                n += 1
                if n % DEADLINE_EVERY == 0:
                    ctx.check_deadline()
                yield (*row, node)


_ANY = PropertyRange()
"""A range with no bounds: every value (``IS NOT NULL``)."""
