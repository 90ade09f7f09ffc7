"""Logical operators: what a query computes, before rewrites choose how.

A plan is a tree of these frozen dataclasses. Most operators have one ``input`` and extend its
rows (Memgraph's model: every clause pulls from the one before it; the leaf ``Once`` yields the
argument row, empty at the top of a query and the outer row inside a branch). Rewrite rules
(``mgcore.cypher.logical.rules``) return new trees built with ``dataclasses.replace``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from mgcore.cypher import ast
from mgcore.cypher.ast import field_names


class LogicalOp:
    """Base of every logical operator."""

    __slots__ = ()

    def children(self) -> Iterator[LogicalOp]:
        """Inputs and branches, in field order."""
        for name in field_names(type(self)):
            value = getattr(self, name)
            if isinstance(value, LogicalOp):
                yield value
            elif isinstance(value, tuple):
                for item in value:
                    if isinstance(item, LogicalOp):
                        yield item

    def describe(self) -> str:
        """The operator's line in EXPLAIN (``ScanAll (n)``)."""
        return type(self).__name__


Item = tuple[str, ast.Expr]
"""A named expression: a projection item or a grouping key."""


@dataclass(frozen=True, slots=True)
class Once(LogicalOp):
    """Yields the argument row once: the start of every pipeline. Without ``argument`` it
    yields an empty row instead (a CALL subquery that imports nothing)."""

    argument: bool = True


@dataclass(frozen=True, slots=True)
class ScanAll(LogicalOp):
    """Every node, bound to ``variable``."""

    input: LogicalOp
    variable: str

    def describe(self) -> str:
        return f"ScanAll ({self.variable})"


@dataclass(frozen=True, slots=True)
class ScanByLabel(LogicalOp):
    """Nodes with ``label``, through the engine's label index."""

    input: LogicalOp
    variable: str
    label: str

    def describe(self) -> str:
        return f"ScanAllByLabel ({self.variable} :{self.label})"


@dataclass(frozen=True, slots=True)
class PropertyLookup(LogicalOp):
    """Base of the lookups of nodes with ``label`` by their property ``key`` (their first
    fields); EXPLAIN names them ``explain_name`` as Memgraph does."""

    input: LogicalOp
    variable: str
    label: str
    key: str

    explain_name = "ScanAllByLabelProperty"

    def describe(self) -> str:
        return f"{self.explain_name} ({self.variable} :{self.label} {{{self.key}}})"


@dataclass(frozen=True, slots=True)
class SeekByProperty(PropertyLookup):
    """Nodes with ``label`` whose ``key`` equals ``value`` (with ``in_list``: equals an element
    of the list ``value``), through a label+property index. ``predicates`` are the conjuncts the
    seek implements (evaluated instead when ``value`` is not a list, to raise Cypher's error)."""

    value: ast.Expr
    in_list: bool = False
    predicates: tuple[ast.Expr, ...] = ()

    explain_name = "ScanAllByLabelPropertyValue"


@dataclass(frozen=True, slots=True)
class SeekByRange(PropertyLookup):
    """Nodes with ``label`` whose ``key`` lies between the bounds (None: open), through a
    label+property index. ``predicates`` are the comparisons the seek implements: when a bound
    is not a number or a string (the types a range seek serves), the seek scans the label and
    evaluates them instead."""

    lower: ast.Expr | None
    lower_inclusive: bool
    upper: ast.Expr | None
    upper_inclusive: bool
    predicates: tuple[ast.Expr, ...] = ()

    explain_name = "ScanAllByLabelPropertyRange"


@dataclass(frozen=True, slots=True)
class SeekByPrefix(PropertyLookup):
    """Nodes with ``label`` whose string ``key`` starts with ``prefix`` (a range of strings),
    through a label+property index; ``predicates`` as for ``SeekByRange``."""

    prefix: ast.Expr
    predicates: tuple[ast.Expr, ...] = ()

    explain_name = "ScanAllByLabelPropertyRange"


@dataclass(frozen=True, slots=True)
class SeekByProperties(LogicalOp):
    """Nodes with ``label`` whose properties ``keys`` equal ``values`` one by one, through a
    composite label+property index on exactly those keys in that order. ``predicates`` are the
    conjuncts the seek implements."""

    input: LogicalOp
    variable: str
    label: str
    keys: tuple[str, ...]
    values: tuple[ast.Expr, ...]
    predicates: tuple[ast.Expr, ...] = ()

    def describe(self) -> str:
        keys = ", ".join(self.keys)
        return f"ScanAllByLabelProperties ({self.variable} :{self.label} {{{keys}}})"


@dataclass(frozen=True, slots=True)
class ScanByProperty(PropertyLookup):
    """Nodes with ``label`` that have the property ``key`` (``n.key IS NOT NULL``)."""


NODE_SCANS = (
    ScanAll, ScanByLabel, SeekByProperty, SeekByProperties, SeekByRange, SeekByPrefix,
    ScanByProperty,
)
"""Operators that bind one new node variable from the graph."""


@dataclass(frozen=True, slots=True)
class Expand(LogicalOp):
    """One relationship hop from bound ``source``, binding ``relationship`` and ``target``
    (``target_bound``: the target is already bound and must match)."""

    input: LogicalOp
    source: str
    relationship: str
    target: str
    direction: ast.Direction
    types: tuple[str, ...]
    target_bound: bool = False
    relationship_bound: bool = False

    def describe(self) -> str:
        left = "<-" if self.direction is ast.Direction.INCOMING else "-"
        right = "->" if self.direction is ast.Direction.OUTGOING else "-"
        types = ":" + "|".join(self.types) if self.types else ""
        return f"Expand ({self.source}){left}[{self.relationship}{types}]{right}({self.target})"


@dataclass(frozen=True, slots=True)
class VarExpand(LogicalOp):
    """``*min..max`` hops without repeating a relationship; binds the list of relationships."""

    input: LogicalOp
    source: str
    relationship: str
    target: str
    direction: ast.Direction
    types: tuple[str, ...]
    min_hops: int
    max_hops: int | None
    properties: ast.Expr | None = None
    target_bound: bool = False
    reverse: bool = False
    """True when expanding against the pattern's order: the bound list is reversed."""
    filter: ast.ExpansionLambda | None = None
    """Memgraph's ``(edge, node | predicate)``: a hop is taken only when it holds."""
    relationship_bound: bool = False
    """The list of relationships is already bound (``WITH [r1, r2] AS rs MATCH (a)-[rs*]->(b)``):
    the hops must be exactly its relationships, in pattern order."""

    def describe(self) -> str:
        left = "<-" if self.direction is ast.Direction.INCOMING else "-"
        right = "->" if self.direction is ast.Direction.OUTGOING else "-"
        upper = "" if self.max_hops is None else str(self.max_hops)
        return (
            f"ExpandVariable ({self.source}){left}[{self.relationship}*{self.min_hops}..{upper}]"
            f"{right}({self.target})"
        )


_SHORTEST_NAMES = {
    ast.ExpansionKind.BREADTH_FIRST: "BFSExpand",
    ast.ExpansionKind.WEIGHTED_SHORTEST: "WeightedShortestPath",
    ast.ExpansionKind.ALL_SHORTEST: "AllShortestPaths",
    ast.ExpansionKind.K_SHORTEST: "KShortest",
}


@dataclass(frozen=True, slots=True)
class ShortestExpand(LogicalOp):
    """Memgraph's deep-path expansions (``*BFS``, ``*WSHORTEST``, ``*ALLSHORTEST``,
    ``*KSHORTEST``), also what ``shortestPath`` / ``allShortestPaths`` become: binds the list of
    relationships, the target unless bound, and the total weight when ``total_weight`` names it."""

    input: LogicalOp
    source: str
    relationship: str
    target: str
    direction: ast.Direction
    types: tuple[str, ...]
    kind: ast.ExpansionKind
    min_hops: int
    max_hops: int | None
    properties: ast.Expr | None = None
    filter: ast.ExpansionLambda | None = None
    weight: ast.ExpansionLambda | None = None
    total_weight: str | None = None
    limit: ast.Expr | None = None
    target_bound: bool = False
    reverse: bool = False
    all_paths: bool = False
    """``allShortestPaths``: every fewest-hops path (a BFS keeping all predecessors)."""
    zero_length: bool = False
    """``shortestPath`` with ``*0..``: the source is its own (empty) shortest path."""

    def describe(self) -> str:
        if self.all_paths:
            name = "AllShortestPaths"
        elif self.kind is ast.ExpansionKind.BREADTH_FIRST and self.target_bound:
            name = "STShortestPath"
        else:
            name = _SHORTEST_NAMES[self.kind]
        left = "<-" if self.direction is ast.Direction.INCOMING else "-"
        right = "->" if self.direction is ast.Direction.OUTGOING else "-"
        types = "|".join(":" + t for t in self.types)
        return f"{name} ({self.source}){left}[{self.relationship}{types}]{right}({self.target})"


@dataclass(frozen=True, slots=True)
class Filter(LogicalOp):
    """Rows for which ``predicate`` is true."""

    input: LogicalOp
    predicate: ast.Expr


@dataclass(frozen=True, slots=True)
class EdgeUniqueness(LogicalOp):
    """Relationship isomorphism within one MATCH: ``relationship`` (a relationship or a list of
    them) shares nothing with ``others``."""

    input: LogicalOp
    relationship: str
    others: tuple[str, ...]

    def describe(self) -> str:
        return f"EdgeUniquenessFilter {{{self.relationship} : {', '.join(self.others)}}}"


@dataclass(frozen=True, slots=True)
class ConstructPath(LogicalOp):
    """Binds ``variable`` to the path of ``elements`` (node, relationship(s), node, ...)."""

    input: LogicalOp
    variable: str
    elements: tuple[str, ...]

    def describe(self) -> str:
        return f"ConstructNamedPath ({self.variable})"


@dataclass(frozen=True, slots=True)
class Optional(LogicalOp):
    """Rows of ``branch`` (run per input row), or the input row with ``variables`` null."""

    input: LogicalOp
    branch: LogicalOp
    variables: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Extend(LogicalOp):
    """Appends the values of ``items`` to each row (names shadow earlier slots)."""

    input: LogicalOp
    items: tuple[Item, ...]
    substitutions: tuple[Item, ...] = ()

    def describe(self) -> str:
        return f"Produce {{{', '.join(name for name, _ in self.items)}}}"


@dataclass(frozen=True, slots=True)
class Aggregate(LogicalOp):
    """Groups by ``keys`` and computes ``aggregates``; rows become keys + aggregate values."""

    input: LogicalOp
    keys: tuple[Item, ...]
    aggregates: tuple[Item, ...]

    def describe(self) -> str:
        aggs = ", ".join(name for name, _ in self.aggregates)
        keys = ", ".join(name for name, _ in self.keys)
        return f"Aggregate {{{aggs}}} {{{keys}}}"


@dataclass(frozen=True, slots=True)
class Select(LogicalOp):
    """Keeps only the named slots, in this order (the end of a WITH/RETURN projection)."""

    input: LogicalOp
    names: tuple[str, ...]
    result: bool = False
    """True for RETURN: values are converted to result values (handles become Nodes...)."""

    def describe(self) -> str:
        return f"Produce {{{', '.join(self.names)}}}" if self.result else "Select"


@dataclass(frozen=True, slots=True)
class Distinct(LogicalOp):
    """Drops rows equivalent (on ``names``) to an earlier one."""

    input: LogicalOp
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sort(LogicalOp):
    """ORDER BY ``keys``; ``substitutions`` name the slots holding projected expressions."""

    input: LogicalOp
    keys: tuple[tuple[ast.Expr, bool], ...]
    substitutions: tuple[Item, ...] = ()

    def describe(self) -> str:
        return "OrderBy"


@dataclass(frozen=True, slots=True)
class Skip(LogicalOp):
    """Drops the first ``count`` rows."""

    input: LogicalOp
    count: ast.Expr


@dataclass(frozen=True, slots=True)
class Limit(LogicalOp):
    """Stops after ``count`` rows."""

    input: LogicalOp
    count: ast.Expr


@dataclass(frozen=True, slots=True)
class Unwind(LogicalOp):
    """One row per element of ``expression``, bound to ``variable``."""

    input: LogicalOp
    expression: ast.Expr
    variable: str

    def describe(self) -> str:
        return f"Unwind ({self.variable})"


@dataclass(frozen=True, slots=True)
class LoadCsv(LogicalOp):
    """One row per row of a CSV file, bound to ``variable`` (Memgraph's LOAD CSV). The input
    is pulled at most once (more than one input row is an error, as in Memgraph); the
    location and the options are constants (literals or parameters)."""

    input: LogicalOp
    location: ast.Expr
    with_header: bool
    ignore_bad: bool
    delimiter: ast.Expr | None
    quote: ast.Expr | None
    nullif: ast.Expr | None
    variable: str

    def describe(self) -> str:
        return f"LoadCsv {{{self.variable}}}"


@dataclass(frozen=True, slots=True)
class Create(LogicalOp):
    """Creates ``patterns`` per row, binding their new variables."""

    input: LogicalOp
    patterns: tuple[ast.PathPattern, ...]

    def describe(self) -> str:
        return "CreateNodesAndRelationships"


@dataclass(frozen=True, slots=True)
class SetItems(LogicalOp):
    """SET (also ON CREATE / ON MATCH SET)."""

    input: LogicalOp
    items: tuple[ast.SetItem, ...]

    def describe(self) -> str:
        return "SetProperties"


@dataclass(frozen=True, slots=True)
class RemoveItems(LogicalOp):
    """REMOVE."""

    input: LogicalOp
    items: tuple[ast.RemoveItem, ...]

    def describe(self) -> str:
        return "RemoveProperties"


@dataclass(frozen=True, slots=True)
class Delete(LogicalOp):
    """[DETACH] DELETE."""

    input: LogicalOp
    expressions: tuple[ast.Expr, ...]
    detach: bool = False


@dataclass(frozen=True, slots=True)
class Merge(LogicalOp):
    """MERGE: the rows of ``match`` (run per input row), else the row ``create`` makes."""

    input: LogicalOp
    match: LogicalOp
    create: LogicalOp
    on_match: tuple[ast.SetItem, ...] = ()
    on_create: tuple[ast.SetItem, ...] = ()
    variables: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Eager(LogicalOp):
    """Pulls every input row before yielding the first (clause isolation)."""

    input: LogicalOp

    def describe(self) -> str:
        return "Accumulate"


@dataclass(frozen=True, slots=True)
class Union(LogicalOp):
    """The rows of each part in turn; without ``all``, equivalent rows once."""

    parts: tuple[LogicalOp, ...]
    all: bool
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CallProcedure(LogicalOp):
    """Calls a procedure per row, binding the yielded fields."""

    input: LogicalOp
    procedure: str
    arguments: tuple[ast.Expr, ...] | None
    """None: taken from the parameters of the same names (standalone ``CALL proc``)."""
    yields: tuple[tuple[str, str], ...]
    """(field, variable) pairs; empty without YIELD or with ``YIELD *`` (the compiler then
    yields every column of a standalone call, nothing of an in-query call to a void one)."""
    standalone: bool = False

    def describe(self) -> str:
        return f"CallProcedure<{self.procedure}> {{{', '.join(v for _, v in self.yields)}}}"


@dataclass(frozen=True, slots=True)
class Foreach(LogicalOp):
    """Per input row, runs ``body`` once per element of ``expression`` (bound to ``variable``
    after the row's slots); yields the input row unchanged."""

    input: LogicalOp
    variable: str
    expression: ast.Expr
    body: LogicalOp


@dataclass(frozen=True, slots=True)
class Apply(LogicalOp):
    """CALL { subquery }: runs ``subquery`` per input row (the row is its argument) and yields
    the row extended by each of its rows; a unit subquery (no ``columns``) yields the row once."""

    input: LogicalOp
    subquery: LogicalOp
    columns: tuple[str, ...]

    def describe(self) -> str:
        return "Apply"


@dataclass(frozen=True, slots=True)
class EmptyResult(LogicalOp):
    """Runs its input to the end and yields nothing (queries without RETURN)."""

    input: LogicalOp


READS = (*NODE_SCANS, Expand, VarExpand, ShortestExpand, CallProcedure)
"""Operators that read the graph (clause isolation cares about them)."""
WRITES = (Create, SetItems, RemoveItems, Delete, Merge)
"""Operators that write the graph."""


def walk(op: LogicalOp) -> Iterator[LogicalOp]:
    """``op`` and every operator below it, parents first."""
    stack = [op]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(current.children())))


def map_children(op: LogicalOp, fn: Callable[[LogicalOp], LogicalOp]) -> LogicalOp:
    """``op`` with ``fn`` applied to each child operator (a new operator if any changed)."""
    changes: dict[str, object] = {}
    for name in field_names(type(op)):
        value = getattr(op, name)
        if isinstance(value, LogicalOp):
            new = fn(value)
            if new is not value:
                changes[name] = new
        elif isinstance(value, tuple) and value and isinstance(value[0], LogicalOp):
            items = tuple(fn(v) for v in value)
            if any(a is not b for a, b in zip(items, value, strict=True)):
                changes[name] = items
    return replace(op, **changes) if changes else op  # type: ignore[type-var]
