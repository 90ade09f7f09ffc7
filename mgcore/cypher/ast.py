"""The Cypher abstract syntax tree: the contract between the parser and the executor.

``mgcore.cypher.parse(text)`` returns a :class:`Statement`: a :class:`Query` (clauses, possibly a
UNION of several single queries), :class:`Explain` / :class:`Profile` of a query, or one of the
Memgraph administration statements at the end of this module.

Every node is a frozen, slotted dataclass; sequences are tuples, so nodes are hashable and
structurally comparable (the binder may use them as dictionary keys; :class:`Literal` compares
the value's type too, so ``1``, ``1.0`` and ``true`` differ). No lark type appears here.
:func:`children` and :func:`walk` traverse any node generically.

Conventions the parser guarantees:

* Names (variables, labels, relationship types, property keys, map keys) are plain ``str`` with
  backtick quoting removed and case preserved. Function and procedure names are the dotted name
  as written (``"apoc.coll.sum"``); built-in function lookup is case-insensitive. Reserved words
  (``MATCH``, ``RETURN``, ``AND``, ...) never name a variable.
* Operators: chained comparisons are desugared (``1 < x < 3`` is ``(1 < x) AND (x < 3)``); a
  minus applied to a number literal is folded into the literal (``-1`` is ``Literal(-1)``);
  ``STARTS WITH``, ``IN``, ``=~`` and friends are :class:`BinaryOp`; ``IS [NOT] NULL`` is
  :class:`IsNull`.
* Integer literals fit in int64 (``-9223372036854775808`` is accepted, larger magnitudes raise
  "Integer literal exceeds 64 bits."); hex ``0x1F`` and octal ``0o17`` are decoded; string
  escapes (``\\n``, ``\\uXXXX``, ``\\UXXXXXXXX``, surrogate pairs) are decoded.
* Special forms are normalised: ``count(*)`` is :class:`CountStar`; ``all/any/none/single(x IN
  l WHERE p)`` is :class:`Quantifier`; ``reduce(...)`` is :class:`Reduce`; ``filter`` and
  ``extract`` are :class:`ListComprehension`; ``exists((a)-->(b))`` and ``EXISTS {...}`` are
  :class:`Exists`; ``shortestPath(...)`` in an expression is a :class:`PatternExpression` whose
  path kind says so. ``exists(n.p)`` stays a :class:`FunctionCall`. ``[x IN l]`` without
  ``WHERE`` or ``|`` is a one-element list literal (as in Memgraph), not a comprehension.
* Map projection items are normalised to :class:`MapEntry` (``.a`` is ``a: n.a``, ``v`` is
  ``v: v``) and :class:`AllProperties` (``.*``), in source order.
* A :class:`PatternExpression` only appears as a predicate: the root of a WHERE (or of the
  WHERE of a comprehension, quantifier or EXISTS), possibly under NOT / AND / OR / XOR. Anywhere
  else a pattern is a syntax error (use a pattern comprehension).
* Unaliased projection items carry their source text as the column name (``n.name``,
  ``count(*)``); a lone variable's column is its name.
* Clause composition is checked: RETURN only ends a query; a query ends with RETURN, an
  updating clause, a CALL subquery, or a procedure CALL (one without YIELD unless it is the only
  clause); every UNION part ends with RETURN; UNION and UNION ALL are not mixed; FOREACH holds
  only updating clauses; ``CALL proc`` without arguments and ``YIELD *`` appear only in a
  standalone CALL; MATCH patterns take no parameter maps; DELETE takes no label expression.
  Everything that needs scopes or types (unbound variables, aggregation rules, ...) is the
  binder's job.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any, TypeVar


class Node:
    """Base of every AST node."""

    __slots__ = ()


class Expr(Node):
    """Base of every expression."""

    __slots__ = ()


class Clause(Node):
    """Base of every clause of a single query."""

    __slots__ = ()


class Statement(Node):
    """Base of every top-level statement that ``parse`` returns."""

    __slots__ = ()


# --------------------------------------------------------------------------------------------
# Operators and small enumerations


class UnaryOperator(StrEnum):
    """Prefix operators."""

    NOT = "NOT"
    NEGATE = "-"
    PLUS = "+"


class BinaryOperator(StrEnum):
    """Infix operators, from lowest to highest precedence group."""

    OR = "OR"
    XOR = "XOR"
    AND = "AND"
    EQ = "="
    NE = "<>"
    LT = "<"
    GT = ">"
    LE = "<="
    GE = ">="
    REGEX = "=~"
    STARTS_WITH = "STARTS WITH"
    ENDS_WITH = "ENDS WITH"
    CONTAINS = "CONTAINS"
    IN = "IN"
    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"
    MOD = "%"
    POW = "^"


class QuantifierKind(StrEnum):
    """The list quantifier functions ``all``, ``any``, ``none`` and ``single``."""

    ALL = "all"
    ANY = "any"
    NONE = "none"
    SINGLE = "single"


class Direction(StrEnum):
    """Direction of a relationship pattern, read left to right."""

    OUTGOING = "->"
    INCOMING = "<-"
    BOTH = "--"


class ExpansionKind(StrEnum):
    """How a variable-length relationship is expanded (all but DEPTH_FIRST are Memgraph's)."""

    DEPTH_FIRST = "dfs"
    BREADTH_FIRST = "bfs"
    WEIGHTED_SHORTEST = "wshortest"
    ALL_SHORTEST = "allshortest"
    K_SHORTEST = "kshortest"


class PathKind(StrEnum):
    """Whether a path pattern matches all paths or only shortest ones."""

    ALL_PATHS = "paths"
    SHORTEST = "shortestPath"
    ALL_SHORTEST = "allShortestPaths"


class ConstraintKind(StrEnum):
    """Memgraph constraint kinds."""

    EXISTS = "exists"
    UNIQUE = "unique"
    TYPED = "data_type"


class IsolationScope(StrEnum):
    """Which transactions a ``SET ... TRANSACTION ISOLATION LEVEL`` statement affects."""

    GLOBAL = "GLOBAL"
    SESSION = "SESSION"
    NEXT = "NEXT"


class IsolationLevel(StrEnum):
    """Memgraph isolation levels."""

    SNAPSHOT_ISOLATION = "SNAPSHOT_ISOLATION"
    READ_COMMITTED = "READ_COMMITTED"
    READ_UNCOMMITTED = "READ_UNCOMMITTED"


# --------------------------------------------------------------------------------------------
# Expressions


@dataclass(frozen=True, slots=True, eq=False)
class Literal(Expr):
    """A constant: ``None``, ``bool``, ``int`` (int64), ``float`` or ``str``."""

    value: bool | int | float | str | None

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Literal)
            and type(self.value) is type(other.value)
            and self.value == other.value
        )

    def __hash__(self) -> int:
        return hash((Literal, type(self.value), self.value))


@dataclass(frozen=True, slots=True)
class Parameter(Expr):
    """A query parameter, ``$name`` or ``$0`` (name ``"0"``)."""

    name: str


@dataclass(frozen=True, slots=True)
class Variable(Expr):
    """A reference to a variable."""

    name: str


@dataclass(frozen=True, slots=True)
class ListLiteral(Expr):
    """A list literal ``[a, b, c]``."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class MapLiteral(Expr):
    """A map literal ``{k: v, ...}``; keys in source order (a repeated key keeps the last)."""

    items: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True, slots=True)
class Property(Expr):
    """Property lookup ``subject.key``."""

    subject: Expr
    key: str


@dataclass(frozen=True, slots=True)
class Subscript(Expr):
    """Dynamic lookup ``subject[index]`` (list index or map key)."""

    subject: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Slice(Expr):
    """List slice ``subject[start..stop]``; either bound may be omitted."""

    subject: Expr
    start: Expr | None
    stop: Expr | None


@dataclass(frozen=True, slots=True)
class HasLabels(Expr):
    """Label predicate ``subject:A:B`` (true when the node has all labels)."""

    subject: Expr
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UnaryOp(Expr):
    """A prefix operator applied to one operand."""

    op: UnaryOperator
    operand: Expr


@dataclass(frozen=True, slots=True)
class BinaryOp(Expr):
    """An infix operator (boolean, comparison, string, ``IN`` or arithmetic)."""

    op: BinaryOperator
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class IsNull(Expr):
    """``operand IS NULL``, or ``IS NOT NULL`` when ``negated``."""

    operand: Expr
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Case(Expr):
    """``CASE [subject] WHEN w THEN t ... [ELSE default] END`` (simple when ``subject`` is set)."""

    subject: Expr | None
    alternatives: tuple[tuple[Expr, Expr], ...]
    default: Expr | None


@dataclass(frozen=True, slots=True)
class FunctionCall(Expr):
    """A function call ``name(args)``, possibly namespaced, with ``DISTINCT`` for aggregates."""

    name: str
    args: tuple[Expr, ...]
    distinct: bool = False


@dataclass(frozen=True, slots=True)
class CountStar(Expr):
    """The aggregate ``count(*)``."""


@dataclass(frozen=True, slots=True)
class ListComprehension(Expr):
    """``[variable IN source WHERE where | projection]``; both tails are optional."""

    variable: str
    source: Expr
    where: Expr | None
    projection: Expr | None


@dataclass(frozen=True, slots=True)
class Quantifier(Expr):
    """``all|any|none|single(variable IN source WHERE where)``."""

    kind: QuantifierKind
    variable: str
    source: Expr
    where: Expr | None


@dataclass(frozen=True, slots=True)
class Reduce(Expr):
    """``reduce(accumulator = initial, variable IN source | expression)``."""

    accumulator: str
    initial: Expr
    variable: str
    source: Expr
    expression: Expr


class MapProjectionItem(Node):
    """Base of the items of a map projection."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class MapEntry(MapProjectionItem):
    """A projected ``key: value`` entry (also the normal form of ``.key`` and ``variable``)."""

    key: str
    value: Expr


@dataclass(frozen=True, slots=True)
class AllProperties(MapProjectionItem):
    """The ``.*`` item of a map projection: every property of the subject."""


@dataclass(frozen=True, slots=True)
class MapProjection(Expr):
    """Map projection ``variable {items}``; later entries override earlier ones."""

    variable: str
    items: tuple[MapProjectionItem, ...]


@dataclass(frozen=True, slots=True)
class PatternComprehension(Expr):
    """``[path_variable = pattern WHERE where | projection]``."""

    pattern: PathPattern
    where: Expr | None
    projection: Expr


@dataclass(frozen=True, slots=True)
class PatternExpression(Expr):
    """A path pattern used as an expression (``WHERE (a)-->(b)``, ``shortestPath(...)``)."""

    pattern: PathPattern


@dataclass(frozen=True, slots=True)
class Exists(Expr):
    """``EXISTS { patterns [WHERE where] }``, ``EXISTS { query }`` or ``exists(pattern)``."""

    patterns: tuple[PathPattern, ...] = ()
    where: Expr | None = None
    query: Query | None = None


# --------------------------------------------------------------------------------------------
# Patterns


@dataclass(frozen=True, slots=True)
class NodePattern(Node):
    """``(variable:Label1:Label2 {props})``; ``properties`` is a map literal or a parameter."""

    variable: str | None = None
    labels: tuple[str, ...] = ()
    properties: MapLiteral | Parameter | None = None


@dataclass(frozen=True, slots=True)
class ExpansionLambda(Node):
    """Memgraph's ``(edge, node[, path[, weight]] | expression)`` filtering or weighing hops."""

    variables: tuple[str, ...]
    expression: Expr


@dataclass(frozen=True, slots=True)
class VarLength(Node):
    """Variable length ``*[kind] min..max``; ``None`` bounds are open (``*`` is ``1..``).

    ``*2`` is exactly two hops, except for the weighted kinds where a single number is the
    upper bound (``*WSHORTEST 10`` is ``..10``). Memgraph extensions: ``filter`` is the lambda
    every hop must satisfy, ``weight`` / ``total_weight`` the cost lambda and the variable bound
    to a path's total cost (``*WSHORTEST``, ``*ALLSHORTEST``), ``limit`` the number of paths
    of ``*KSHORTEST | k``.
    """

    min_hops: int | None = None
    max_hops: int | None = None
    kind: ExpansionKind = ExpansionKind.DEPTH_FIRST
    filter: ExpansionLambda | None = None
    weight: ExpansionLambda | None = None
    total_weight: str | None = None
    limit: Literal | Parameter | None = None


@dataclass(frozen=True, slots=True)
class RelationshipPattern(Node):
    """``-[variable:T1|T2 *length {props}]->``; no types means any type."""

    variable: str | None = None
    types: tuple[str, ...] = ()
    direction: Direction = Direction.BOTH
    properties: MapLiteral | Parameter | None = None
    length: VarLength | None = None


@dataclass(frozen=True, slots=True)
class PathPattern(Node):
    """``[variable =] (n0)-[r0]-(n1)...``: ``nodes`` has one more entry than ``relationships``."""

    nodes: tuple[NodePattern, ...]
    relationships: tuple[RelationshipPattern, ...] = ()
    variable: str | None = None
    kind: PathKind = PathKind.ALL_PATHS


# --------------------------------------------------------------------------------------------
# Projections (RETURN and WITH)


@dataclass(frozen=True, slots=True)
class ProjectionItem(Node):
    """``expression [AS alias]``; ``name`` is the alias or the expression's source text."""

    expression: Expr
    name: str
    aliased: bool = False


@dataclass(frozen=True, slots=True)
class SortItem(Node):
    """An ``ORDER BY`` key."""

    expression: Expr
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Projection(Node):
    """The body shared by RETURN and WITH; ``star`` is a leading ``*`` (all variables in scope)."""

    items: tuple[ProjectionItem, ...]
    star: bool = False
    distinct: bool = False
    order_by: tuple[SortItem, ...] = ()
    skip: Expr | None = None
    limit: Expr | None = None


# --------------------------------------------------------------------------------------------
# SET and REMOVE items


class SetItem(Node):
    """Base of the items of SET, ON CREATE SET and ON MATCH SET."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class SetProperty(SetItem):
    """``target.key = value``."""

    target: Property
    value: Expr


@dataclass(frozen=True, slots=True)
class SetAllProperties(SetItem):
    """``variable = map``: replace every property."""

    variable: str
    value: Expr


@dataclass(frozen=True, slots=True)
class MergeProperties(SetItem):
    """``variable += map``: add or overwrite the given properties."""

    variable: str
    value: Expr


@dataclass(frozen=True, slots=True)
class SetLabels(SetItem):
    """``variable:A:B``: add labels."""

    variable: str
    labels: tuple[str, ...]


class RemoveItem(Node):
    """Base of the items of REMOVE."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class RemoveProperty(RemoveItem):
    """``REMOVE target.key``."""

    target: Property


@dataclass(frozen=True, slots=True)
class RemoveLabels(RemoveItem):
    """``REMOVE variable:A:B``."""

    variable: str
    labels: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Clauses


@dataclass(frozen=True, slots=True)
class Match(Clause):
    """``[OPTIONAL] MATCH patterns [WHERE where]``."""

    patterns: tuple[PathPattern, ...]
    where: Expr | None = None
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Unwind(Clause):
    """``UNWIND expression AS variable``."""

    expression: Expr
    variable: str


@dataclass(frozen=True, slots=True)
class Create(Clause):
    """``CREATE patterns``."""

    patterns: tuple[PathPattern, ...]


@dataclass(frozen=True, slots=True)
class Merge(Clause):
    """``MERGE pattern [ON CREATE SET ...] [ON MATCH SET ...]`` (repeated ON parts concatenated)."""

    pattern: PathPattern
    on_create: tuple[SetItem, ...] = ()
    on_match: tuple[SetItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Set(Clause):
    """``SET items``."""

    items: tuple[SetItem, ...]


@dataclass(frozen=True, slots=True)
class Remove(Clause):
    """``REMOVE items``."""

    items: tuple[RemoveItem, ...]


@dataclass(frozen=True, slots=True)
class Delete(Clause):
    """``[DETACH] DELETE expressions``."""

    expressions: tuple[Expr, ...]
    detach: bool = False


@dataclass(frozen=True, slots=True)
class With(Clause):
    """``WITH projection [WHERE where]``."""

    projection: Projection
    where: Expr | None = None


@dataclass(frozen=True, slots=True)
class Return(Clause):
    """``RETURN projection``."""

    projection: Projection


@dataclass(frozen=True, slots=True)
class YieldItem(Node):
    """``field [AS variable]`` of a YIELD; ``variable`` equals ``field`` when not aliased."""

    field: str
    variable: str


@dataclass(frozen=True, slots=True)
class Call(Clause):
    """``CALL procedure(args) [YIELD items [WHERE where]]``.

    ``args`` is ``None`` for ``CALL proc`` without parentheses (arguments taken from parameters
    of the same names); ``yield_items`` is ``None`` without YIELD and ``yield_all`` is
    ``YIELD *``.
    """

    procedure: str
    args: tuple[Expr, ...] | None = ()
    yield_items: tuple[YieldItem, ...] | None = None
    yield_all: bool = False
    where: Expr | None = None


@dataclass(frozen=True, slots=True)
class CallSubquery(Clause):
    """``CALL { query }``."""

    query: Query


@dataclass(frozen=True, slots=True)
class Foreach(Clause):
    """``FOREACH (variable IN source | clauses)``; clauses are updating clauses or FOREACH."""

    variable: str
    source: Expr
    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class LoadCsv(Clause):
    """Memgraph's ``LOAD CSV FROM location (WITH | NO) HEADER [IGNORE BAD] [DELIMITER d]
    [QUOTE q] [NULLIF n] AS variable``: binds each row of the file (a map from the header's
    names with a header, a list without) to ``variable``. ``location`` is a string literal or a
    parameter; ``delimiter`` and ``quote`` are string literals; ``nullif`` is a literal;
    ``config`` is the ``WITH CONFIG {...}`` map (Memgraph's S3 settings)."""

    location: Expr
    with_header: bool
    variable: str
    ignore_bad: bool = False
    delimiter: Expr | None = None
    quote: Expr | None = None
    nullif: Expr | None = None
    config: Expr | None = None


# --------------------------------------------------------------------------------------------
# Queries and statements


@dataclass(frozen=True, slots=True)
class SingleQuery(Node):
    """A sequence of clauses without UNION."""

    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class Query(Statement):
    """One single query or the UNION (``union_all``: UNION ALL) of several."""

    parts: tuple[SingleQuery, ...]
    union_all: bool = False


@dataclass(frozen=True, slots=True)
class Explain(Statement):
    """``EXPLAIN query``: show the plan without running it."""

    query: Query


@dataclass(frozen=True, slots=True)
class Profile(Statement):
    """``PROFILE query``: run the query and report per-operator statistics."""

    query: Query


@dataclass(frozen=True, slots=True)
class CreateIndex(Statement):
    """``CREATE INDEX ON :label[(properties)]`` or the Neo4j ``CREATE INDEX ... FOR ... ON``."""

    label: str
    properties: tuple[str, ...] = ()
    name: str | None = None
    if_not_exists: bool = False


@dataclass(frozen=True, slots=True)
class DropIndex(Statement):
    """``DROP INDEX ON :label[(properties)]``."""

    label: str
    properties: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CreateConstraint(Statement):
    """``CREATE CONSTRAINT ON (n:L) ASSERT`` existence, uniqueness or a data type."""

    kind: ConstraintKind
    label: str
    properties: tuple[str, ...]
    data_type: str | None = None


@dataclass(frozen=True, slots=True)
class DropConstraint(Statement):
    """``DROP CONSTRAINT ON ...`` with the same forms as :class:`CreateConstraint`."""

    kind: ConstraintKind
    label: str
    properties: tuple[str, ...]
    data_type: str | None = None


@dataclass(frozen=True, slots=True)
class ShowIndexes(Statement):
    """``SHOW INDEX INFO`` / ``SHOW INDEXES``."""


@dataclass(frozen=True, slots=True)
class ShowConstraints(Statement):
    """``SHOW CONSTRAINT INFO`` / ``SHOW CONSTRAINTS``."""


@dataclass(frozen=True, slots=True)
class ShowStorageInfo(Statement):
    """``SHOW STORAGE INFO``."""


@dataclass(frozen=True, slots=True)
class SetStorageMode(Statement):
    """``STORAGE MODE name``; ``mode`` is the identifier as written (compare case-insensitively)."""

    mode: str


@dataclass(frozen=True, slots=True)
class CreateSnapshot(Statement):
    """``CREATE SNAPSHOT``."""


@dataclass(frozen=True, slots=True)
class SetIsolationLevel(Statement):
    """``SET GLOBAL|SESSION|NEXT TRANSACTION ISOLATION LEVEL level``."""

    scope: IsolationScope
    level: IsolationLevel


@dataclass(frozen=True, slots=True)
class DropAllIndexes(Statement):
    """``DROP ALL INDEXES``."""


@dataclass(frozen=True, slots=True)
class DropAllConstraints(Statement):
    """``DROP ALL CONSTRAINTS``."""


@dataclass(frozen=True, slots=True)
class ShowVersion(Statement):
    """``SHOW VERSION``."""


@dataclass(frozen=True, slots=True)
class ShowBuildInfo(Statement):
    """``SHOW BUILD INFO``."""


@dataclass(frozen=True, slots=True)
class ShowConfig(Statement):
    """``SHOW CONFIG``: every setting with its default and current value."""


@dataclass(frozen=True, slots=True)
class ShowDatabase(Statement):
    """``SHOW DATABASE``: the session's database."""


@dataclass(frozen=True, slots=True)
class ShowDatabases(Statement):
    """``SHOW DATABASES``."""


@dataclass(frozen=True, slots=True)
class ShowTransactions(Statement):
    """``SHOW TRANSACTIONS``: every open transaction."""


@dataclass(frozen=True, slots=True)
class TerminateTransactions(Statement):
    """``TERMINATE TRANSACTIONS "id", $id, ...``."""

    ids: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class FreeMemory(Statement):
    """``FREE MEMORY``."""


@dataclass(frozen=True, slots=True)
class DropGraph(Statement):
    """``DROP GRAPH`` (analytical mode only)."""


@dataclass(frozen=True, slots=True)
class Begin(Statement):
    """``BEGIN``: open an explicit transaction."""


@dataclass(frozen=True, slots=True)
class Commit(Statement):
    """``COMMIT`` the explicit transaction."""


@dataclass(frozen=True, slots=True)
class Rollback(Statement):
    """``ROLLBACK`` the explicit transaction."""


# --------------------------------------------------------------------------------------------
# Generic traversal


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """The field names of a node class, cached (``dataclasses.fields`` is slow on hot paths)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def children(node: Node) -> Iterator[Node]:
    """Yield the direct child nodes of ``node`` in field order (nested tuples included)."""
    for name in field_names(type(node)):
        value = getattr(node, name)
        if isinstance(value, Node):
            yield value
        elif type(value) is tuple and value:
            yield from _nodes_in(value)


def walk(node: Node) -> Iterator[Node]:
    """Yield ``node`` and all its descendants, depth first, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))


def walk_scope(node: Node) -> Iterator[Node]:
    """Like :func:`walk`, but not into the query of an ``EXISTS { query }``: its aggregates and
    variables belong to a scope of their own."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        kids = children(current)
        if isinstance(current, Exists) and current.query is not None:
            kids = (k for k in kids if k is not current.query)
        stack.extend(reversed(list(kids)))


def _nodes_in(value: Any) -> Iterator[Node]:
    if isinstance(value, Node):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _nodes_in(item)


_N = TypeVar("_N", bound="Node")


def substitute(node: _N, mapping: Mapping[Any, Node]) -> _N:
    """``node`` with every sub-tree equal to a key of ``mapping`` replaced by its value
    (outermost match first); unchanged sub-trees are shared, not copied."""
    replacement = mapping.get(node)
    if replacement is not None:
        return replacement  # type: ignore[return-value]
    changes: dict[str, Any] = {}
    for f in fields(node):  # type: ignore[arg-type]
        value = getattr(node, f.name)
        new = _substitute_in(value, mapping)
        if new is not value:
            changes[f.name] = new
    return replace(node, **changes) if changes else node  # type: ignore[type-var]


def _substitute_in(value: Any, mapping: Mapping[Any, Node]) -> Any:
    if isinstance(value, Node):
        return substitute(value, mapping)
    if isinstance(value, tuple):
        items = tuple(_substitute_in(v, mapping) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value
