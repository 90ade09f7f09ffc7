"""Traversals: single hops, variable-length hops, relationship uniqueness, named paths."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from mgcore.cypher.physical.expressions import Compiled
from mgcore.cypher.physical.operators.base import DEADLINE_EVERY, PhysicalOperator, Unary
from mgcore.cypher.physical.row import Row
from mgcore.errors import CypherTypeError
from mgcore.storage.records import Direction
from mgcore.values.compare import equals
from mgcore.values.graph import NodeHandle, Path

if TYPE_CHECKING:
    from mgcore.execution import QueryContext


def _node(v: Any) -> Any:
    if v is None or isinstance(v, NodeHandle):
        return v
    raise CypherTypeError(f"Expected a node to expand from, got {type(v).__name__}.")


class Expand(Unary):
    """One hop from the node in ``source``; appends the relationship and/or the other node."""

    __slots__ = ("direction", "relationship", "source", "target", "types")

    def __init__(
        self,
        label: str,
        input: PhysicalOperator,
        source: int,
        direction: Direction,
        types: tuple[str, ...] | None,
        target: int | None,
        relationship: int | None,
    ) -> None:
        super().__init__(label, input)
        self.source = source
        self.direction = direction
        self.types = types
        self.target = target
        """Slot of the already bound target node, or None (the target is appended)."""
        self.relationship = relationship
        """Slot of the already bound relationship, or None (it is appended)."""

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        expand = ctx.tx.expand  # type: ignore[union-attr]
        s, d, types, t, r = self.source, self.direction, self.types, self.target, self.relationship
        for row in self.input.run(ctx, arg):
            node = _node(row[s])
            if node is None:
                continue
            if t is None and r is None:
                for rel, other in expand(node, d, types):
                    yield (*row, rel, other)
                continue
            want_node = row[t] if t is not None else None
            want_rel = row[r] if r is not None else None
            if (t is not None and want_node is None) or (r is not None and want_rel is None):
                continue
            for rel, other in expand(node, d, types):
                if t is not None and other != want_node:
                    continue
                if r is not None:
                    if rel != want_rel:
                        continue
                    yield row if t is not None else (*row, other)
                else:
                    yield (*row, rel)


Accept = Callable[[Any, Any, Any, Any], bool]
"""A hop test: (relationship, node reached, path so far, weight so far) -> allowed."""


class HopTests:
    """Per-hop tests of the expansions: a relationship property map and the filter lambda."""

    __slots__ = ("arity", "filter", "properties")

    def __init__(self, properties: Compiled | None, filter: Compiled | None, arity: int) -> None:
        self.properties = properties
        self.filter = filter
        self.arity = arity
        """How many variables the filter lambda binds (2: edge, node; 3: + path; 4: + weight)."""

    def acceptor(self, ctx: QueryContext, row: Row) -> Accept | None:
        """The hop test for one input row, or None when every hop is allowed."""
        props = self.properties
        items: list[tuple[str, Any]] | None = None
        if props is not None:
            wanted = props(row, ctx)
            if wanted is None:
                return lambda rel, node, path, weight: False
            items = list(wanted.items())
        fn = self.filter
        if fn is None and items is None:
            return None
        prop = ctx.tx.relationship_property  # type: ignore[union-attr]
        arity = self.arity

        def accept(rel: Any, node: Any, path: Any, weight: Any) -> bool:
            if items is not None and not all(equals(prop(rel, k), v) is True for k, v in items):
                return False
            if fn is None:
                return True
            if arity == 2:
                result = fn((*row, rel, node), ctx)
            elif arity == 3:
                result = fn((*row, rel, node, path), ctx)
            else:
                result = fn((*row, rel, node, path, weight), ctx)
            if result is True:
                return True
            if result is False or result is None:
                return False
            raise CypherTypeError("Expansion condition must evaluate to boolean or null.")

        return accept


class VarExpand(Unary):
    """``*min..max`` hops, depth first, never repeating a relationship in one path."""

    __slots__ = (
        "direction", "max_hops", "min_hops", "relationships", "reverse", "source", "target",
        "tests", "types",
    )

    def __init__(
        self,
        label: str,
        input: PhysicalOperator,
        source: int,
        direction: Direction,
        types: tuple[str, ...] | None,
        min_hops: int,
        max_hops: int | None,
        tests: HopTests,
        target: int | None,
        reverse: bool,
        relationships: int | None = None,
    ) -> None:
        super().__init__(label, input)
        self.source = source
        self.direction = direction
        self.types = types
        self.min_hops = min_hops
        self.max_hops = max_hops
        self.tests = tests
        self.target = target
        self.reverse = reverse
        self.relationships = relationships
        """Slot of an already bound list of relationships the hops must follow, or None."""

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        tx = ctx.tx
        t, reverse, r = self.target, self.reverse, self.relationships
        for row in self.input.run(ctx, arg):
            start = _node(row[self.source])
            if start is None:
                continue
            accept = self.tests.acceptor(ctx, row)
            want = row[t] if t is not None else None
            if t is not None and want is None:
                continue
            if r is not None:
                end = self._follow(tx, start, row[r], accept)
                if end is not None and (t is None or end == want):
                    yield row if t is not None else (*row, end)
                continue
            for rels, end in self._paths(ctx, tx, start, accept):
                if reverse:
                    rels.reverse()
                if t is None:
                    yield (*row, rels, end)
                elif end == want:
                    yield (*row, rels)

    def _follow(self, tx: Any, start: Any, rels: Any, accept: Accept | None) -> Any:
        """The node the bound list ``rels`` leads to from ``start``, hop by hop along this
        expansion's direction and types, or None when it is not such a path (a relationship
        repeated, or a length outside the bounds); null matches nothing."""
        if rels is None:
            return None
        if type(rels) is not list:
            raise CypherTypeError(
                f"Expected a list of relationships to follow, got {type(rels).__name__}."
            )
        n = len(rels)
        if n < self.min_hops or (self.max_hops is not None and n > self.max_hops):
            return None
        d, types, reverse = self.direction, self.types, self.reverse
        current = start
        seen: set[Any] = set()
        for rel in reversed(rels) if reverse else rels:
            other = next((o for c, o in tx.expand(current, d, types) if c == rel), None)
            if other is None or rel in seen:
                return None
            seen.add(rel)
            if accept is not None and not accept(rel, current if reverse else other, None, None):
                return None
            current = other
        return current

    def _paths(
        self, ctx: QueryContext, tx: Any, start: Any, accept: Accept | None
    ) -> Iterator[tuple[list[Any], Any]]:
        low, high, d, types = self.min_hops, self.max_hops, self.direction, self.types
        expand = tx.expand
        if low == 0:
            yield [], start
        if high is not None and high <= 0:
            return
        used: list[Any] = []
        used_set: set[Any] = set()
        stack = [iter(expand(start, d, types))]
        sources = [start]
        reverse = self.reverse
        steps = 0
        while stack:
            try:
                rel, other = next(stack[-1])
            except StopIteration:
                stack.pop()
                sources.pop()
                if used:
                    used_set.discard(used.pop())
                continue
            if rel in used_set:
                continue
            if accept is not None:
                reached = sources[-1] if reverse else other
                if not accept(rel, reached, None, None):
                    continue
            steps += 1
            if steps % DEADLINE_EVERY == 0:
                ctx.check_deadline()
            used.append(rel)
            used_set.add(rel)
            depth = len(used)
            if depth >= low:
                yield list(used), other
            if high is None or depth < high:
                stack.append(iter(expand(other, d, types)))
                sources.append(other)
            else:
                used_set.discard(used.pop())


class EdgeUniqueness(Unary):
    """Drops rows whose relationship (or list of them) reappears among other slots."""

    __slots__ = ("others", "relationship")

    def __init__(
        self, label: str, input: PhysicalOperator, relationship: int, others: tuple[int, ...]
    ) -> None:
        super().__init__(label, input)
        self.relationship = relationship
        self.others = others

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        r, others = self.relationship, self.others
        for row in self.input.run(ctx, arg):
            mine = row[r]
            if mine is None:
                yield row
                continue
            if type(mine) is list:
                if not mine:
                    yield row
                    continue
                mine_set = set(mine)
                if any(_overlaps(row[o], mine_set) for o in others):
                    continue
            else:
                if any(_contains(row[o], mine) for o in others):
                    continue
            yield row


def _contains(other: Any, rel: Any) -> bool:
    if type(other) is list:
        return rel in other
    return bool(other == rel)


def _overlaps(other: Any, rels: set[Any]) -> bool:
    if other is None:
        return False
    if type(other) is list:
        return any(x in rels for x in other)
    return other in rels


class ConstructPath(Unary):
    """Appends the path through the node and relationship slots of a named pattern."""

    __slots__ = ("elements",)

    def __init__(self, label: str, input: PhysicalOperator, elements: tuple[int, ...]) -> None:
        super().__init__(label, input)
        self.elements = elements

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        tx = ctx.tx
        elements = self.elements
        for row in self.input.run(ctx, arg):
            yield (*row, build_path(tx, [row[i] for i in elements]))


def build_path(tx: Any, elements: list[Any]) -> Path | None:
    """A path from alternating node, relationship-or-list, node values (None if one is null)."""
    if any(e is None for e in elements):
        return None
    nodes = [elements[0]]
    rels: list[Any] = []
    current = elements[0]
    for i in range(1, len(elements), 2):
        hop = elements[i]
        for rel in hop if type(hop) is list else (hop,):
            start = tx.relationship_start(rel)
            current = tx.relationship_end(rel) if start == current else start
            rels.append(rel)
            nodes.append(current)
        current = elements[i + 1]
    return Path(tuple(nodes), tuple(rels))
