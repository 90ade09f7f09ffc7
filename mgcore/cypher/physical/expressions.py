"""Expressions compiled once per plan into closures ``(row, ctx) -> value``.

Variables become slot reads fixed at compile time, operators become calls into
``mgcore.values`` with openCypher's null (ternary) semantics, functions are looked up in the
registry once. Nothing here walks the AST per row.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from mgcore.cypher import ast
from mgcore.cypher.physical.row import Layout, Row
from mgcore.errors import (
    CypherArgumentError,
    CypherArithmeticError,
    CypherSyntaxError,
    CypherTypeError,
    ParameterMissing,
    UnknownFunction,
)
from mgcore.values import compare as cmp
from mgcore.values import temporal_arith, temporal_memgraph
from mgcore.values.graph import Node, NodeHandle, Relationship, RelationshipHandle
from mgcore.values.temporal import Duration, Temporal
from mgcore.values.temporal_arith import temporal_property
from mgcore.values.types import INT64_MAX, INT64_MIN, type_name

if TYPE_CHECKING:
    from mgcore.cypher.functions.registry import FunctionRegistry
    from mgcore.execution import QueryContext

Compiled = Callable[[Row, "QueryContext"], Any]
SubplanRunner = Callable[["QueryContext", Row], Iterator[Row]]


class SubplanFactory(Protocol):
    """Plans a pattern used inside an expression (``exists``, pattern comprehensions)."""

    def plan_pattern(
        self, patterns: tuple[ast.PathPattern, ...], where: ast.Expr | None, layout: Layout
    ) -> tuple[SubplanRunner, Layout]:
        """A runner yielding the rows matching ``patterns`` given an outer row, and their layout."""

    def plan_subquery(self, query: ast.Query, layout: Layout) -> SubplanRunner:
        """A runner yielding the rows of ``query`` (EXISTS { ... }) given an outer row."""


def mg_type(v: Any) -> str:
    """The type name used in Memgraph's error texts (``int``, ``string``, ``list`` ...)."""
    if v is None:
        return "null"
    try:
        name = type_name(v)
    except CypherTypeError:
        return type(v).__name__
    return {
        "INTEGER": "int",
        "FLOAT": "double",
        "BOOLEAN": "bool",
        "NODE": "vertex",
        "RELATIONSHIP": "edge",
    }.get(name, name.lower())


def invalid_types(op: str, *values: Any) -> CypherTypeError:
    """Memgraph's ``Invalid types: int and string for '+'.``"""
    return CypherTypeError(f"Invalid types: {' and '.join(mg_type(v) for v in values)} for '{op}'.")


def _check(v: int) -> int:
    if INT64_MIN <= v <= INT64_MAX:
        return v
    raise CypherArithmeticError("Integer overflow.")


def _is_int(v: Any) -> bool:
    return type(v) is int


def _is_num(v: Any) -> bool:
    t = type(v)
    return t is int or t is float


# ------------------------------------------------------------------------------- arithmetic


def add(a: Any, b: Any) -> Any:
    """Cypher ``+``: numbers, string concatenation (with numbers too), list concatenation."""
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _check(a + b)
    if (ta is float or ta is int) and (tb is float or tb is int):
        return a + b
    if a is None or b is None:
        return None
    if ta is str:
        if tb is str:
            return a + b
        if tb is int or tb is float:
            return a + _num_text(b)
    if tb is str and (ta is int or ta is float):
        return _num_text(a) + b
    if ta is list or ta is tuple:
        if tb is list or tb is tuple:
            return [*a, *b]
        return [*a, b]
    if tb is list or tb is tuple:
        return [a, *b]
    if tb is Duration and isinstance(a, Temporal):
        return temporal_arith.plus_duration(a, b)
    if ta is Duration and isinstance(b, Temporal) and tb is not Duration:
        return temporal_arith.plus_duration(b, a)
    raise invalid_types("+", a, b)


def _num_text(v: int | float) -> str:
    if type(v) is float:
        return repr(v) if math.isfinite(v) else ("NaN" if v != v else ("Infinity" if v > 0
                                                                          else "-Infinity"))
    return str(v)


def sub(a: Any, b: Any) -> Any:
    """Cypher ``-``."""
    if type(a) is int and type(b) is int:
        return _check(a - b)
    if _is_num(a) and _is_num(b):
        return a - b
    if a is None or b is None:
        return None
    if type(b) is Duration and isinstance(a, Temporal):
        return temporal_arith.minus_duration(a, b)
    if isinstance(a, Temporal) and (d := temporal_memgraph.difference(a, b)) is not None:
        return d
    raise invalid_types("-", a, b)


def mul(a: Any, b: Any) -> Any:
    """Cypher ``*``."""
    if type(a) is int and type(b) is int:
        return _check(a * b)
    if _is_num(a) and _is_num(b):
        return a * b
    if a is None or b is None:
        return None
    if type(a) is Duration and _is_num(b):
        return temporal_arith.multiply(a, b)
    if type(b) is Duration and _is_num(a):
        return temporal_arith.multiply(b, a)
    raise invalid_types("*", a, b)


def div(a: Any, b: Any) -> Any:
    """Cypher ``/``: integer division truncates; ints by zero fail, floats follow IEEE."""
    if type(a) is int and type(b) is int:
        if b == 0:
            raise CypherArithmeticError("Division by zero.")
        q = abs(a) // abs(b)
        return _check(q if (a >= 0) == (b >= 0) else -q)
    if _is_num(a) and _is_num(b):
        if b == 0:
            if a == 0 or a != a:
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    if a is None or b is None:
        return None
    if type(a) is Duration and _is_num(b):
        return temporal_arith.divide(a, b)
    raise invalid_types("/", a, b)


def mod(a: Any, b: Any) -> Any:
    """Cypher ``%``: the sign follows the dividend."""
    if type(a) is int and type(b) is int:
        if b == 0:
            raise CypherArithmeticError("Division by zero.")
        r = abs(a) % abs(b)
        return -r if a < 0 else r
    if _is_num(a) and _is_num(b):
        if b == 0:
            return math.nan
        return math.fmod(a, b)
    if a is None or b is None:
        return None
    raise invalid_types("%", a, b)


def power(a: Any, b: Any) -> Any:
    """Cypher ``^``: always a float."""
    if _is_num(a) and _is_num(b):
        try:
            return math.pow(a, b)
        except OverflowError:
            return math.inf
        except ValueError:
            return math.nan
    if a is None or b is None:
        return None
    raise invalid_types("^", a, b)


def negate(a: Any) -> Any:
    """Unary ``-``."""
    if type(a) is int:
        return _check(-a)
    if type(a) is float:
        return -a
    if a is None:
        return None
    if type(a) is Duration:
        return -a
    raise CypherTypeError(f"Invalid type: {mg_type(a)} for '-'.")


def unary_plus(a: Any) -> Any:
    """Unary ``+``."""
    if _is_num(a) or a is None:
        return a
    raise CypherTypeError(f"Invalid type: {mg_type(a)} for '+'.")


# ------------------------------------------------------------------------------- booleans


def _bool(v: Any, op: str) -> bool | None:
    if v is None or v is True or v is False:
        return v
    raise CypherTypeError(f"Invalid types: {mg_type(v)} for '{op}'.")


def logical_not(a: Any) -> Any:
    """Ternary NOT."""
    a = _bool(a, "NOT")
    return None if a is None else not a


def logical_xor(a: Any, b: Any) -> Any:
    """Ternary XOR."""
    a = _bool(a, "XOR")
    b = _bool(b, "XOR")
    if a is None or b is None:
        return None
    return a is not b


# ------------------------------------------------------------------------ strings and lists


def starts_with(a: Any, b: Any) -> Any:
    """``STARTS WITH``; null unless both are strings."""
    if type(a) is str and type(b) is str:
        return a.startswith(b)
    return None


def ends_with(a: Any, b: Any) -> Any:
    """``ENDS WITH``; null unless both are strings."""
    if type(a) is str and type(b) is str:
        return a.endswith(b)
    return None


def contains(a: Any, b: Any) -> Any:
    """``CONTAINS``; null unless both are strings."""
    if type(a) is str and type(b) is str:
        return b in a
    return None


def in_list(a: Any, b: Any) -> Any:
    """``IN``."""
    if b is None:
        return None
    if type(b) is list or type(b) is tuple:
        return cmp.in_list(a, b)
    raise invalid_types("IN", a, b)


def regex_match(a: Any, b: Any) -> Any:
    """``=~``: the whole string must match."""
    if type(a) is str and type(b) is str:
        try:
            return re.fullmatch(b, a) is not None
        except re.error as exc:
            raise CypherArgumentError(f"Invalid regex: {exc}.") from None
    if a is None or b is None:
        return None
    if type(b) is not str:
        raise invalid_types("=~", a, b)
    return None


def get_property(ctx: QueryContext, v: Any, key: str) -> Any:
    """``v.key`` for a node or relationship handle, a map, or a Node/Relationship value."""
    if isinstance(v, NodeHandle):
        return ctx.tx.node_property(v, key)  # type: ignore[union-attr]
    if isinstance(v, RelationshipHandle):
        return ctx.tx.relationship_property(v, key)  # type: ignore[union-attr]
    t = type(v)
    if t is dict:
        return v.get(key)
    if v is None:
        return None
    if t is Node or t is Relationship:
        return v.properties.get(key)
    if isinstance(v, Mapping):
        return v.get(key)
    if isinstance(v, Temporal):
        component = temporal_property(v, key)
        if component is None:
            raise CypherArgumentError(f"{mg_type(v)} has no component '{key}'.")
        return component
    raise CypherTypeError(
        f"Type mismatch: expected a map, node or relationship but was {mg_type(v)}."
    )


def subscript(ctx: QueryContext, v: Any, i: Any) -> Any:
    """``v[i]``: a list index (negative from the end) or a map/node/relationship key."""
    tv = type(v)
    if tv is list or tv is tuple:
        if type(i) is int:
            n = len(v)
            if -n <= i < n:
                return v[i]
            return None
        if i is None:
            return None
        raise CypherTypeError(f"Invalid list index of type {mg_type(i)}.")
    if v is None:
        return None
    if type(i) is str:
        return get_property(ctx, v, i)
    if i is None:
        return None
    if tv is dict or isinstance(v, Mapping | NodeHandle | RelationshipHandle | Node | Relationship):
        raise CypherTypeError(f"Invalid map key of type {mg_type(i)}.")
    raise CypherTypeError(f"Invalid subscript of a value of type {mg_type(v)}.")


def list_slice(v: Any, start: Any, stop: Any) -> Any:
    """``v[start..stop]`` with negative and out-of-range bounds clamped."""
    if v is None:
        return None
    if type(v) is not list and type(v) is not tuple:
        raise CypherTypeError(f"Invalid slice of a value of type {mg_type(v)}.")
    for bound in (start, stop):
        if bound is not None and type(bound) is not int:
            raise CypherTypeError(f"Invalid slice bound of type {mg_type(bound)}.")
    return list(v[start:stop])


def has_labels(ctx: QueryContext, v: Any, labels: tuple[str, ...]) -> Any:
    """``v:A:B``."""
    if isinstance(v, NodeHandle):
        has = ctx.tx.node_has_label  # type: ignore[union-attr]
        return all(has(v, label) for label in labels)
    if v is None:
        return None
    if type(v) is Node:
        return all(label in v.labels for label in labels)
    raise CypherTypeError(f"Invalid type {mg_type(v)} for a label test.")


def _as_list(v: Any, what: str) -> Any:
    if v is None or type(v) is list or type(v) is tuple:
        return v
    raise CypherTypeError(f"{what} expects a list, got {mg_type(v)}.")


# ------------------------------------------------------------------------------- compiler

_BINARY: dict[ast.BinaryOperator, Callable[[Any, Any], Any]] = {
    ast.BinaryOperator.EQ: cmp.equals,
    ast.BinaryOperator.NE: cmp.not_equals,
    ast.BinaryOperator.LT: cmp.less_than,
    ast.BinaryOperator.LE: cmp.less_equal,
    ast.BinaryOperator.GT: cmp.greater_than,
    ast.BinaryOperator.GE: cmp.greater_equal,
    ast.BinaryOperator.STARTS_WITH: starts_with,
    ast.BinaryOperator.ENDS_WITH: ends_with,
    ast.BinaryOperator.CONTAINS: contains,
    ast.BinaryOperator.IN: in_list,
    ast.BinaryOperator.REGEX: regex_match,
    ast.BinaryOperator.ADD: add,
    ast.BinaryOperator.SUB: sub,
    ast.BinaryOperator.MUL: mul,
    ast.BinaryOperator.DIV: div,
    ast.BinaryOperator.MOD: mod,
    ast.BinaryOperator.POW: power,
    ast.BinaryOperator.XOR: logical_xor,
}


def is_aggregate(expr: ast.Expr, functions: FunctionRegistry) -> bool:
    """True when ``expr`` is an aggregate call (``count(*)`` included)."""
    if isinstance(expr, ast.CountStar):
        return True
    return isinstance(expr, ast.FunctionCall) and functions.is_aggregate(expr.name)


def contains_aggregate(expr: ast.Node, functions: FunctionRegistry) -> bool:
    """True when an aggregate call occurs in ``expr`` (not looking into nested scopes' plans)."""
    return any(
        isinstance(n, ast.Expr) and is_aggregate(n, functions) for n in ast.walk_scope(expr)
    )


class ExpressionCompiler:
    """Compiles AST expressions against a layout; one per plan."""

    def __init__(self, functions: FunctionRegistry, subplans: SubplanFactory | None = None):
        self.functions = functions
        self.subplans = subplans

    def compile(
        self, expr: ast.Expr, layout: Layout, subst: Mapping[ast.Expr, int] | None = None
    ) -> Compiled:
        """A closure evaluating ``expr`` on rows of ``layout``; ``subst`` maps whole
        sub-expressions (aggregates, grouping keys) to the slots holding their values."""
        return _Compilation(self, layout, subst or {}).expr(expr)

    def compile_predicate(
        self, expr: ast.Expr, layout: Layout, subst: Mapping[ast.Expr, int] | None = None
    ) -> Callable[[Row, QueryContext], bool]:
        """A closure that is True exactly when ``expr`` evaluates to true (null is false)."""
        fn = self.compile(expr, layout, subst)

        def predicate(row: Row, ctx: QueryContext) -> bool:
            return fn(row, ctx) is True

        return predicate


_SHAREABLE = frozenset((type(None), bool, int, float, str))
"""Result types one execution may hand to every row (immutable)."""


def _once_per_query(call: Compiled) -> Compiled:
    """``call`` (a deterministic function of constant arguments) evaluated once per query
    execution, not once per row: ``WHERE n.at > datetime('2020-09-13T12:00Z')`` parses its
    string once. Plans are shared between threads, so the execution's number and its value
    are kept as one tuple (one atomic store); a mutable result (a list, a map) is computed
    each time."""
    cached: tuple[int, Any] = (0, None)

    def once(row: Row, ctx: QueryContext) -> Any:
        nonlocal cached
        seen = cached
        if seen[0] == ctx.execution:
            return seen[1]
        value = call(row, ctx)
        if value.__class__ in _SHAREABLE or isinstance(value, Temporal):
            cached = (ctx.execution, value)
        return value

    return once


def _const(value: Any) -> Compiled:
    def constant(row: Row, ctx: QueryContext) -> Any:
        return value

    return constant


def _slot(i: int) -> Compiled:
    def read(row: Row, ctx: QueryContext) -> Any:
        return row[i]

    return read


class _Compilation:
    """One compile call: the layout and substitutions in force."""

    def __init__(
        self, compiler: ExpressionCompiler, layout: Layout, subst: Mapping[ast.Expr, int]
    ) -> None:
        self.compiler = compiler
        self.layout = layout
        self.subst = subst

    def nested(self, layout: Layout) -> _Compilation:
        return _Compilation(self.compiler, layout, self.subst)

    def expr(self, e: ast.Expr) -> Compiled:
        if self.subst:
            slot = self.subst.get(e)
            if slot is not None:
                return _slot(slot)
        method = getattr(self, "_" + type(e).__name__, None)
        if method is None:
            raise CypherSyntaxError(f"Unsupported expression: {type(e).__name__}.")
        return method(e)

    # -- leaves --------------------------------------------------------------------------

    def _Literal(self, e: ast.Literal) -> Compiled:
        return _const(e.value)

    def _Parameter(self, e: ast.Parameter) -> Compiled:
        name = e.name

        def parameter(row: Row, ctx: QueryContext) -> Any:
            try:
                return ctx.parameters[name]
            except KeyError:
                raise ParameterMissing(f"Parameter ${name} not provided.") from None

        return parameter

    def _Variable(self, e: ast.Variable) -> Compiled:
        slot = self.layout.slot(e.name)
        if slot is None:
            raise CypherSyntaxError(f"Unbound variable: {e.name}.")
        return _slot(slot)

    def _ListLiteral(self, e: ast.ListLiteral) -> Compiled:
        items = [self.expr(x) for x in e.items]
        if all(isinstance(x, ast.Literal) for x in e.items):
            values = [x.value for x in e.items]  # type: ignore[attr-defined]

            def constant_list(row: Row, ctx: QueryContext) -> Any:
                return list(values)

            return constant_list

        def list_literal(row: Row, ctx: QueryContext) -> Any:
            return [f(row, ctx) for f in items]

        return list_literal

    def _MapLiteral(self, e: ast.MapLiteral) -> Compiled:
        entries = [(k, self.expr(v)) for k, v in e.items]

        if len(entries) == 1:
            (k1, f1), = entries

            def map_literal_1(row: Row, ctx: QueryContext) -> Any:
                return {k1: f1(row, ctx)}

            return map_literal_1

        def map_literal(row: Row, ctx: QueryContext) -> Any:
            return {k: f(row, ctx) for k, f in entries}

        return map_literal

    # -- access --------------------------------------------------------------------------

    def _Property(self, e: ast.Property) -> Compiled:
        subject = self.expr(e.subject)
        key = e.key
        if isinstance(e.subject, ast.Variable) and self.layout.slot(e.subject.name) is not None:
            i = self.layout.slot(e.subject.name)

            def slot_property(row: Row, ctx: QueryContext) -> Any:
                v = row[i]  # type: ignore[index]
                if isinstance(v, NodeHandle):
                    return ctx.tx.node_property(v, key)  # type: ignore[union-attr]
                return get_property(ctx, v, key)

            if not self.subst:
                return slot_property

        def prop(row: Row, ctx: QueryContext) -> Any:
            return get_property(ctx, subject(row, ctx), key)

        return prop

    def _Subscript(self, e: ast.Subscript) -> Compiled:
        subject = self.expr(e.subject)
        if isinstance(e.index, ast.Literal) and type(e.index.value) is int:
            return self._list_index(e, subject, e.index.value)
        index = self.expr(e.index)

        def subscript_(row: Row, ctx: QueryContext) -> Any:
            return subscript(ctx, subject(row, ctx), index(row, ctx))

        return subscript_

    def _list_index(self, e: ast.Subscript, subject: Compiled, k: int) -> Compiled:
        """``subject[k]`` for a literal integer ``k`` (``row[0]`` of an UNWIND import): a list
        is indexed in place, anything else goes through ``subscript``."""
        slot = self.layout.slot(e.subject.name) if isinstance(e.subject, ast.Variable) else None
        if slot is not None and not self.subst:
            i = slot

            def slot_index(row: Row, ctx: QueryContext) -> Any:
                v = row[i]
                if v.__class__ is list:
                    return v[k] if -len(v) <= k < len(v) else None
                return subscript(ctx, v, k)

            return slot_index

        def list_index(row: Row, ctx: QueryContext) -> Any:
            v = subject(row, ctx)
            if v.__class__ is list:
                return v[k] if -len(v) <= k < len(v) else None
            return subscript(ctx, v, k)

        return list_index

    def _Slice(self, e: ast.Slice) -> Compiled:
        subject = self.expr(e.subject)
        start = self.expr(e.start) if e.start is not None else _const(None)
        stop = self.expr(e.stop) if e.stop is not None else _const(None)
        has_start, has_stop = e.start is not None, e.stop is not None

        def slice_(row: Row, ctx: QueryContext) -> Any:
            a = start(row, ctx)
            b = stop(row, ctx)
            if (has_start and a is None) or (has_stop and b is None):
                v = subject(row, ctx)
                if v is not None and type(v) is not list and type(v) is not tuple:
                    raise CypherTypeError(f"Invalid slice of a value of type {mg_type(v)}.")
                return None
            return list_slice(subject(row, ctx), a, b)

        return slice_

    def _HasLabels(self, e: ast.HasLabels) -> Compiled:
        subject = self.expr(e.subject)
        labels = e.labels

        def has_labels_(row: Row, ctx: QueryContext) -> Any:
            return has_labels(ctx, subject(row, ctx), labels)

        return has_labels_

    # -- operators -----------------------------------------------------------------------

    def _UnaryOp(self, e: ast.UnaryOp) -> Compiled:
        operand = self.expr(e.operand)
        fn = {
            ast.UnaryOperator.NOT: logical_not,
            ast.UnaryOperator.NEGATE: negate,
            ast.UnaryOperator.PLUS: unary_plus,
        }[e.op]

        def unary(row: Row, ctx: QueryContext) -> Any:
            return fn(operand(row, ctx))

        return unary

    def _BinaryOp(self, e: ast.BinaryOp) -> Compiled:
        left = self.expr(e.left)
        right = self.expr(e.right)
        op = e.op
        if op is ast.BinaryOperator.AND:

            def and_(row: Row, ctx: QueryContext) -> Any:
                a = _bool(left(row, ctx), "AND")
                if a is False:
                    return False
                b = _bool(right(row, ctx), "AND")
                if b is False:
                    return False
                return None if a is None or b is None else True

            return and_
        if op is ast.BinaryOperator.OR:

            def or_(row: Row, ctx: QueryContext) -> Any:
                a = _bool(left(row, ctx), "OR")
                if a is True:
                    return True
                b = _bool(right(row, ctx), "OR")
                if b is True:
                    return True
                return None if a is None or b is None else False

            return or_
        if op is ast.BinaryOperator.REGEX and isinstance(e.right, ast.Literal) and isinstance(
            e.right.value, str
        ):
            try:
                pattern = re.compile(e.right.value)
            except re.error as exc:
                raise CypherArgumentError(f"Invalid regex: {exc}.") from None

            def regex(row: Row, ctx: QueryContext) -> Any:
                a = left(row, ctx)
                if type(a) is str:
                    return pattern.fullmatch(a) is not None
                return None

            return regex
        fn = _BINARY[op]

        def binary(row: Row, ctx: QueryContext) -> Any:
            return fn(left(row, ctx), right(row, ctx))

        return binary

    def _IsNull(self, e: ast.IsNull) -> Compiled:
        operand = self.expr(e.operand)
        if e.negated:

            def is_not_null(row: Row, ctx: QueryContext) -> Any:
                return operand(row, ctx) is not None

            return is_not_null

        def is_null(row: Row, ctx: QueryContext) -> Any:
            return operand(row, ctx) is None

        return is_null

    def _Case(self, e: ast.Case) -> Compiled:
        alternatives = [(self.expr(w), self.expr(t)) for w, t in e.alternatives]
        default = self.expr(e.default) if e.default is not None else _const(None)
        if e.subject is not None:
            subject = self.expr(e.subject)
            equals = cmp.equals

            def simple_case(row: Row, ctx: QueryContext) -> Any:
                v = subject(row, ctx)
                for when, then in alternatives:
                    if equals(v, when(row, ctx)) is True:
                        return then(row, ctx)
                return default(row, ctx)

            return simple_case

        def generic_case(row: Row, ctx: QueryContext) -> Any:
            for when, then in alternatives:
                if when(row, ctx) is True:
                    return then(row, ctx)
            return default(row, ctx)

        return generic_case

    # -- functions -----------------------------------------------------------------------

    def _FunctionCall(self, e: ast.FunctionCall) -> Compiled:
        registry = self.compiler.functions
        if registry.is_aggregate(e.name):
            raise CypherSyntaxError(
                f"Aggregation function '{e.name}' is not allowed here; aggregations are only "
                "allowed in WITH and RETURN."
            )
        fn = registry.lookup(e.name)
        if fn is None:
            raise UnknownFunction(f"Function '{e.name}' doesn't exist.")
        fn.check_arity(len(e.args))
        call = self._call(fn, [self.expr(a) for a in e.args])
        if fn.deterministic and e.args and all(self._constant(a) for a in e.args):
            return _once_per_query(call)
        return call

    def _constant(self, e: ast.Expr) -> bool:
        """Whether ``e`` has one value per query execution: literals, parameters, and lists,
        maps and deterministic (non-aggregate) function calls of such."""
        if isinstance(e, ast.Literal | ast.Parameter):
            return True
        if isinstance(e, ast.ListLiteral):
            return all(self._constant(x) for x in e.items)
        if isinstance(e, ast.MapLiteral):
            return all(self._constant(x) for _, x in e.items)
        if isinstance(e, ast.FunctionCall):
            registry = self.compiler.functions
            fn = registry.lookup(e.name)
            return (
                fn is not None and fn.deterministic and not registry.is_aggregate(e.name)
                and all(self._constant(a) for a in e.args)
            )
        return False

    @staticmethod
    def _call(fn: Any, args: list[Compiled]) -> Compiled:
        impl = fn.impl
        if fn.needs_context:
            if len(args) == 1:
                (a0,) = args

                def call_ctx1(row: Row, ctx: QueryContext) -> Any:
                    return impl(ctx, a0(row, ctx))

                return call_ctx1

            def call_ctx(row: Row, ctx: QueryContext) -> Any:
                return impl(ctx, *[a(row, ctx) for a in args])

            return call_ctx
        if len(args) == 1:
            (a0,) = args

            def call1(row: Row, ctx: QueryContext) -> Any:
                return impl(a0(row, ctx))

            return call1

        def call(row: Row, ctx: QueryContext) -> Any:
            return impl(*[a(row, ctx) for a in args])

        return call

    def _CountStar(self, e: ast.CountStar) -> Compiled:
        raise CypherSyntaxError(
            "Aggregation function 'count(*)' is not allowed here; aggregations are only "
            "allowed in WITH and RETURN."
        )

    # -- scoped expressions ---------------------------------------------------------------

    def _ListComprehension(self, e: ast.ListComprehension) -> Compiled:
        source = self.expr(e.source)
        inner = self.nested(self.layout.extend(e.variable))
        where = inner.expr(e.where) if e.where is not None else None
        projection = inner.expr(e.projection) if e.projection is not None else None

        def comprehension(row: Row, ctx: QueryContext) -> Any:
            items = _as_list(source(row, ctx), "A list comprehension")
            if items is None:
                return None
            out = []
            for x in items:
                r = (*row, x)
                if where is not None and where(r, ctx) is not True:
                    continue
                out.append(projection(r, ctx) if projection is not None else x)
            return out

        return comprehension

    def _Quantifier(self, e: ast.Quantifier) -> Compiled:
        source = self.expr(e.source)
        inner = self.nested(self.layout.extend(e.variable))
        where = inner.expr(e.where) if e.where is not None else _const(True)
        kind = e.kind

        def quantifier(row: Row, ctx: QueryContext) -> Any:
            items = _as_list(source(row, ctx), f"{kind.value}()")
            if items is None:
                return None
            trues = nulls = 0
            for x in items:
                v = where((*row, x), ctx)
                if v is True:
                    trues += 1
                    if kind is ast.QuantifierKind.ANY:
                        return True
                    if kind is ast.QuantifierKind.NONE:
                        return False
                    if kind is ast.QuantifierKind.SINGLE and trues > 1:
                        return False
                elif v is None:
                    nulls += 1
                elif kind is ast.QuantifierKind.ALL:
                    return False
            if nulls:
                return None
            if kind is ast.QuantifierKind.ALL:
                return True
            if kind is ast.QuantifierKind.SINGLE:
                return trues == 1
            return kind is ast.QuantifierKind.NONE

        return quantifier

    def _Reduce(self, e: ast.Reduce) -> Compiled:
        initial = self.expr(e.initial)
        source = self.expr(e.source)
        inner = self.nested(self.layout.extend(e.accumulator, e.variable))
        step = inner.expr(e.expression)

        def reduce_(row: Row, ctx: QueryContext) -> Any:
            acc = initial(row, ctx)
            items = _as_list(source(row, ctx), "reduce()")
            if items is None:
                return None
            for x in items:
                acc = step((*row, acc, x), ctx)
            return acc

        return reduce_

    def _MapProjection(self, e: ast.MapProjection) -> Compiled:
        subject = self._Variable(ast.Variable(e.variable))
        parts: list[tuple[str | None, Compiled | None]] = []
        for item in e.items:
            if isinstance(item, ast.AllProperties):
                parts.append((None, None))
            elif isinstance(item, ast.MapEntry):
                parts.append((item.key, self.expr(item.value)))

        def map_projection(row: Row, ctx: QueryContext) -> Any:
            v = subject(row, ctx)
            if v is None:
                return None
            out: dict[str, Any] = {}
            for key, fn in parts:
                if fn is None:
                    out.update(_all_properties(ctx, v))
                else:
                    out[key] = fn(row, ctx)  # type: ignore[index]
            return out

        return map_projection

    # -- patterns ------------------------------------------------------------------------

    def _subplan(
        self, patterns: tuple[ast.PathPattern, ...], where: ast.Expr | None
    ) -> tuple[SubplanRunner, Layout]:
        factory = self.compiler.subplans
        if factory is None:
            raise CypherSyntaxError("Patterns are not allowed in this expression.")
        return factory.plan_pattern(patterns, where, self.layout)

    def _Exists(self, e: ast.Exists) -> Compiled:
        if e.query is not None:
            factory = self.compiler.subplans
            if factory is None:
                raise CypherSyntaxError("Subqueries are not allowed in this expression.")
            runner = factory.plan_subquery(e.query, self.layout)
        else:
            runner, _ = self._subplan(e.patterns, e.where)

        def exists(row: Row, ctx: QueryContext) -> Any:
            return any(True for _ in runner(ctx, row))

        return exists

    def _PatternExpression(self, e: ast.PatternExpression) -> Compiled:
        if e.pattern.kind is not ast.PathKind.ALL_PATHS:
            return self._shortest_path(e.pattern)
        runner, _ = self._subplan((e.pattern,), None)

        def pattern_predicate(row: Row, ctx: QueryContext) -> Any:
            return any(True for _ in runner(ctx, row))

        return pattern_predicate

    def _shortest_path(self, pattern: ast.PathPattern) -> Compiled:
        """``shortestPath(...)`` as a value: the path or null; ``allShortestPaths``: a list."""
        name = " shortest path"
        runner, layout = self._subplan((dataclasses.replace(pattern, variable=name),), None)
        slot = layout.slot(name)
        assert slot is not None
        if pattern.kind is ast.PathKind.ALL_SHORTEST:

            def all_shortest_paths(row: Row, ctx: QueryContext) -> Any:
                return [r[slot] for r in runner(ctx, row)]

            return all_shortest_paths

        def shortest_path(row: Row, ctx: QueryContext) -> Any:
            for r in runner(ctx, row):
                return r[slot]
            return None

        return shortest_path

    def _PatternComprehension(self, e: ast.PatternComprehension) -> Compiled:
        runner, layout = self._subplan((e.pattern,), e.where)
        projection = self.nested(layout).expr(e.projection)

        def pattern_comprehension(row: Row, ctx: QueryContext) -> Any:
            return [projection(r, ctx) for r in runner(ctx, row)]

        return pattern_comprehension


def _all_properties(ctx: QueryContext, v: Any) -> Mapping[str, Any]:
    if isinstance(v, NodeHandle):
        return ctx.tx.node_properties(v)  # type: ignore[union-attr]
    if isinstance(v, RelationshipHandle):
        return ctx.tx.relationship_properties(v)  # type: ignore[union-attr]
    if type(v) is Node or type(v) is Relationship:
        return v.properties
    if isinstance(v, Mapping):
        return v
    raise CypherTypeError(f"Can't project the properties of a value of type {mg_type(v)}.")


def properties_of(ctx: QueryContext, v: Any) -> dict[str, Any]:
    """The property map of a node/relationship handle or value, or a map (for SET n = m)."""
    return dict(_all_properties(ctx, v))


