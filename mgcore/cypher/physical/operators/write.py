"""Writes: CREATE, SET, REMOVE, DELETE and MERGE. Every property value written passes through
``validate_property_value``; counters are updated on ``ctx.counters``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from mgcore.cypher.physical.expressions import Compiled, mg_type, properties_of
from mgcore.cypher.physical.operators.base import PhysicalOperator, Unary
from mgcore.cypher.physical.operators.expand import build_path
from mgcore.cypher.physical.row import Row
from mgcore.errors import CypherSemanticError, CypherTypeError
from mgcore.storage.errors import NodeHasRelationshipsError
from mgcore.values.graph import NodeHandle, Path, RelationshipHandle
from mgcore.values.types import INT64_MAX, INT64_MIN, validate_property_value

if TYPE_CHECKING:
    from mgcore.execution import QueryContext

Action = Callable[[Row, "QueryContext"], None]
"""A compiled SET/REMOVE item."""


@dataclass(frozen=True, slots=True)
class NewNode:
    """A node CREATE makes: labels and a compiled property map (or None)."""

    labels: tuple[str, ...]
    properties: Compiled | None


@dataclass(frozen=True, slots=True)
class NewRelationship:
    """A relationship CREATE makes between two working-row slots."""

    start: int
    end: int
    type: str
    properties: Compiled | None


@dataclass(frozen=True, slots=True)
class NewPath:
    """A named path over working-row slots."""

    elements: tuple[int, ...]


CreateStep = tuple[int | None, NewNode | NewRelationship | NewPath | None]
"""``(existing slot, None)`` to reuse a bound node or ``(None, what)`` to make something new,
appended to the working row."""


def _props(ctx: QueryContext, fn: Compiled | None, row: Row) -> dict[str, Any]:
    """The properties CREATE gives an element: the map's non-null values, validated. A map of
    strings, floats, booleans and int64s only (the usual case) is used as it is: the engine
    reads it at once and keeps nothing of it."""
    if fn is None:
        return {}
    value = fn(row, ctx)
    if value is None:
        return {}
    if not isinstance(value, dict):
        value = properties_of(ctx, value)
    for v in value.values():
        t = v.__class__
        if not (t is str or t is float or t is bool
                or (t is int and INT64_MIN <= v <= INT64_MAX)):
            break
    else:
        return value
    return {k: validate_property_value(v) for k, v in value.items() if v is not None}


class Create(Unary):
    """Creates the steps' nodes, relationships and paths for every input row."""

    __slots__ = ("steps",)

    def __init__(self, label: str, input: PhysicalOperator, steps: list[CreateStep]) -> None:
        super().__init__(label, input)
        self.steps = steps

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        steps = self.steps
        last = steps[-1][1]
        if type(last) is NewRelationship and all(
            what is None and slot in (last.start, last.end) for slot, what in steps[:-1]
        ):
            yield from self._relationships(ctx, arg, last)
            return
        tx = ctx.tx
        assert tx is not None
        counters = ctx.counters
        for row in self.input.run(ctx, arg):
            work = list(row)
            for slot, what in self.steps:
                if slot is not None:
                    if work[slot] is None:
                        raise CypherSemanticError(
                            "Trying to create a relationship with a null node."
                        )
                    continue
                if type(what) is NewNode:
                    props = _props(ctx, what.properties, row if len(work) == len(row)
                                   else tuple(work))
                    work.append(tx.create_node(what.labels, props))
                    counters.nodes_created += 1
                    counters.labels_added += len(what.labels)
                    counters.properties_set += len(props)
                elif type(what) is NewRelationship:
                    props = _props(ctx, what.properties, row if len(work) == len(row)
                                   else tuple(work))
                    start, end = work[what.start], work[what.end]
                    if not (isinstance(start, NodeHandle) and isinstance(end, NodeHandle)):
                        _bad_endpoints(start, end)
                    work.append(tx.create_relationship(start, end, what.type, props))
                    counters.relationships_created += 1
                    counters.properties_set += len(props)
                elif type(what) is NewPath:
                    work.append(build_path(tx, [work[i] for i in what.elements]))
            yield tuple(work)

    def _relationships(self, ctx: QueryContext, arg: Row, new: NewRelationship) -> Iterator[Row]:
        """``run`` for the usual shape of an import, one relationship between bound nodes per
        row (``MATCH (a ...), (b ...) CREATE (a)-[:T {...}]->(b)``): no working row."""
        create = ctx.tx.create_relationship  # type: ignore[union-attr]
        counters = ctx.counters
        start_slot, end_slot, rel_type, properties = new.start, new.end, new.type, new.properties
        for row in self.input.run(ctx, arg):
            start, end = row[start_slot], row[end_slot]
            if not (isinstance(start, NodeHandle) and isinstance(end, NodeHandle)):
                _bad_endpoints(start, end)
            props = _props(ctx, properties, row)
            rel = create(start, end, rel_type, props)
            counters.relationships_created += 1
            if props:
                counters.properties_set += len(props)
            yield (*row, rel)


def _bad_endpoints(start: Any, end: Any) -> NoReturn:
    """The error for creating a relationship whose ends are not both nodes."""
    if start is None or end is None:
        raise CypherSemanticError("Trying to create a relationship with a null node.")
    other = end if isinstance(start, NodeHandle) else start
    raise CypherTypeError(
        f"A relationship must be created between nodes, got {mg_type(other)}."
    )


def _entity(v: Any, what: str) -> Any:
    if v is None or isinstance(v, NodeHandle | RelationshipHandle):
        return v
    raise CypherTypeError(f"{what} requires a node or a relationship, got {mg_type(v)}.")


def set_property(subject: Compiled, key: str, value: Compiled) -> Action:
    """``SET subject.key = value`` (null removes the property)."""

    def action(row: Row, ctx: QueryContext) -> None:
        target = _entity(subject(row, ctx), "SET")
        if target is None:
            return
        v = validate_property_value(value(row, ctx))
        tx = ctx.tx
        if isinstance(target, NodeHandle):
            tx.set_node_property(target, key, v)  # type: ignore[union-attr]
        else:
            tx.set_relationship_property(target, key, v)  # type: ignore[union-attr]
        ctx.counters.properties_set += 1

    return action


def set_all_properties(subject: Compiled, value: Compiled, replace: bool) -> Action:
    """``SET n = map`` (replace) or ``SET n += map``."""

    def action(row: Row, ctx: QueryContext) -> None:
        target = _entity(subject(row, ctx), "SET")
        if target is None:
            return
        source = value(row, ctx)
        if source is None:
            new: dict[str, Any] = {}
        elif isinstance(source, dict):
            new = source
        else:
            new = properties_of(ctx, source)
        tx = ctx.tx
        assert tx is not None
        setter: Callable[[Any, str, Any], None]
        if isinstance(target, NodeHandle):
            setter, current = tx.set_node_property, tx.node_properties(target)
        else:
            setter, current = tx.set_relationship_property, tx.relationship_properties(target)
        validated = {k: validate_property_value(v) for k, v in new.items()}
        if replace:
            for k in current:
                if k not in validated:
                    setter(target, k, None)
                    ctx.counters.properties_set += 1
        for k, v in validated.items():
            setter(target, k, v)
            ctx.counters.properties_set += 1

    return action


def set_labels(subject: Compiled, labels: tuple[str, ...], add: bool) -> Action:
    """``SET n:A:B`` or ``REMOVE n:A:B``."""

    def action(row: Row, ctx: QueryContext) -> None:
        node = subject(row, ctx)
        if node is None:
            return
        if not isinstance(node, NodeHandle):
            raise CypherTypeError(f"Labels can only be changed on nodes, got {mg_type(node)}.")
        tx = ctx.tx
        for label in labels:
            if add:
                if tx.add_label(node, label):  # type: ignore[union-attr]
                    ctx.counters.labels_added += 1
            elif tx.remove_label(node, label):  # type: ignore[union-attr]
                ctx.counters.labels_removed += 1

    return action


def remove_property(subject: Compiled, key: str) -> Action:
    """``REMOVE subject.key``."""

    def action(row: Row, ctx: QueryContext) -> None:
        target = _entity(subject(row, ctx), "REMOVE")
        if target is None:
            return
        tx = ctx.tx
        if isinstance(target, NodeHandle):
            if tx.node_property(target, key) is not None:  # type: ignore[union-attr]
                tx.set_node_property(target, key, None)  # type: ignore[union-attr]
                ctx.counters.properties_set += 1
        elif tx.relationship_property(target, key) is not None:  # type: ignore[union-attr]
            tx.set_relationship_property(target, key, None)  # type: ignore[union-attr]
            ctx.counters.properties_set += 1

    return action


class Update(Unary):
    """Applies SET / REMOVE actions to every row, in order."""

    __slots__ = ("actions",)

    def __init__(self, label: str, input: PhysicalOperator, actions: list[Action]) -> None:
        super().__init__(label, input)
        self.actions = actions

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        actions = self.actions
        for row in self.input.run(ctx, arg):
            for action in actions:
                action(row, ctx)
            yield row


class Delete(Unary):
    """Deletes nodes, relationships and paths; relationships of a row go before its nodes. A
    node that still has relationships is retried after the last row (they may be deleted by a
    later row) and only then is an error."""

    __slots__ = ("detach", "expressions")

    def __init__(
        self, label: str, input: PhysicalOperator, expressions: list[Compiled], detach: bool
    ) -> None:
        super().__init__(label, input)
        self.expressions = expressions
        self.detach = detach

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        tx = ctx.tx
        assert tx is not None
        counters = ctx.counters
        pending: list[Any] = []
        for row in self.input.run(ctx, arg):
            nodes: list[Any] = []
            for expression in self.expressions:
                value = expression(row, ctx)
                self._collect(ctx, value, nodes)
            for node in nodes:
                self._delete_node(ctx, node, pending)
            yield row
        for node in pending:
            if not tx.is_deleted(node) and tx.delete_node(node):
                counters.nodes_deleted += 1

    def _collect(self, ctx: QueryContext, value: Any, nodes: list[Any]) -> None:
        tx = ctx.tx
        assert tx is not None
        if value is None:
            return
        if isinstance(value, RelationshipHandle):
            if tx.delete_relationship(value):
                ctx.counters.relationships_deleted += 1
        elif isinstance(value, NodeHandle):
            nodes.append(value)
        elif isinstance(value, Path):
            for rel in value.relationships:
                self._collect(ctx, rel, nodes)
            nodes.extend(value.nodes)
        else:
            raise CypherTypeError(
                f"DELETE can only be used on nodes, relationships and paths, got "
                f"{mg_type(value)}."
            )

    def _delete_node(self, ctx: QueryContext, node: Any, pending: list[Any]) -> None:
        tx = ctx.tx
        assert tx is not None
        if tx.is_deleted(node):
            return
        if self.detach:
            ctx.counters.relationships_deleted += tx.detach_delete_node(node)
            ctx.counters.nodes_deleted += 1
            return
        try:
            if tx.delete_node(node):
                ctx.counters.nodes_deleted += 1
        except NodeHasRelationshipsError:
            pending.append(node)


class Merge(Unary):
    """Per input row: the matching rows (ON MATCH applied), else the created row (ON CREATE)."""

    __slots__ = ("create", "match", "on_create", "on_match")

    def __init__(
        self,
        label: str,
        input: PhysicalOperator,
        match: PhysicalOperator,
        create: PhysicalOperator,
        on_match: list[Action],
        on_create: list[Action],
    ) -> None:
        super().__init__(label, input)
        self.match = match
        self.create = create
        self.on_match = on_match
        self.on_create = on_create

    def branches(self) -> list[PhysicalOperator]:
        return [self.match, self.create]

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        for row in self.input.run(ctx, arg):
            matched = list(self.match.run(ctx, row))
            if matched:
                for out in matched:
                    for action in self.on_match:
                        action(out, ctx)
                    yield out
                continue
            for out in self.create.run(ctx, row):
                for action in self.on_create:
                    action(out, ctx)
                yield out
