"""Static types of expressions, and the type errors the TCK expects at compile time.

The binder asks :class:`TypeChecker` for the type of every expression it checks, in the scope
it has built (variables mapped to their static types). A type is known for literals, list and
map literals, graph-element variables, operators with known operand types and functions whose
signature names a return type; everything else (properties, parameters, ...) is ``ANY`` and
left to the runtime checks. An operand or argument whose type is known and can never be
accepted (``'a' % 1``, ``1 IN 2``, ``properties('x')``, ``length(n)`` on a node) raises here,
so the query fails while it is prepared rather than on the first row. ``null`` has type ``ANY``:
it fits everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from mgcore.cypher import ast
from mgcore.cypher.functions.registry import FunctionRegistry
from mgcore.errors import CypherSyntaxError, CypherTypeError, InvalidArgumentType


@dataclass(frozen=True, slots=True)
class StaticType:
    """A compile-time type: a name (``INTEGER``, ``NODE``, ``LIST``, ...) and a list's element."""

    name: str
    element: StaticType | None = None

    def __str__(self) -> str:
        if self.name == "LIST":
            assert self.element is not None
            return "list" if self.element == ANY else f"list of {self.element}s"
        return _DISPLAY.get(self.name, self.name.lower())

    @property
    def runtime_name(self) -> str:
        """The name Memgraph's runtime error texts use (``int``, ``double``, ``vertex`` ...)."""
        return _RUNTIME_NAMES.get(self.name, self.name.lower())

    @property
    def is_numeric(self) -> bool:
        """INTEGER, FLOAT or NUMBER (either of the two)."""
        return self.name in _NUMERIC


def list_of(element: StaticType) -> StaticType:
    """The type of lists whose elements all have type ``element``."""
    return StaticType("LIST", element)


ANY = StaticType("ANY")
BOOLEAN = StaticType("BOOLEAN")
INTEGER = StaticType("INTEGER")
FLOAT = StaticType("FLOAT")
NUMBER = StaticType("NUMBER")
STRING = StaticType("STRING")
MAP = StaticType("MAP")
NODE = StaticType("NODE")
RELATIONSHIP = StaticType("RELATIONSHIP")
PATH = StaticType("PATH")
LIST = list_of(ANY)

_NUMERIC = frozenset({"INTEGER", "FLOAT", "NUMBER"})
_DISPLAY = {"ANY": "any value"}
_RUNTIME_NAMES = {
    "INTEGER": "int",
    "FLOAT": "double",
    "BOOLEAN": "bool",
    "NODE": "vertex",
    "RELATIONSHIP": "edge",
}
_SIGNATURE_TYPES = {
    t.name: t for t in (ANY, BOOLEAN, INTEGER, FLOAT, NUMBER, STRING, MAP, NODE, RELATIONSHIP, PATH)
}
_ARGUMENT_CHECKED = frozenset({"properties", "length", "size"})
"""Functions whose argument types are checked at compile time, from their signatures (the TCK
expects these at compile time; others, like ``range``, fail at runtime)."""

_PARAMETER = re.compile(r"^\s*\w+\s*(?:=\s*[^:]*)?::\s*(.+?)\s*$")


def join(types: Iterable[StaticType]) -> StaticType:
    """The most precise type that covers every type in ``types`` (ANY for none)."""
    result: StaticType | None = None
    for t in types:
        if result is None or result == t:
            result = t
        elif result.is_numeric and t.is_numeric:
            result = NUMBER
        elif result.name == "LIST" and t.name == "LIST":
            assert result.element is not None and t.element is not None
            result = list_of(join((result.element, t.element)))
        else:
            return ANY
    return ANY if result is None else result


def parse_signature_type(text: str) -> tuple[StaticType, ...] | None:
    """The alternatives of a signature type (``NODE | MAP``, ``LIST OF STRING``); None when any
    alternative is a type this module does not model (it is then unchecked)."""
    out: list[StaticType] = []
    for alternative in text.split("|"):
        words = alternative.strip().rstrip(".").split()
        if not words:
            return None
        if words[0] == "LIST":
            element = ANY
            if len(words) == 3 and words[1] == "OF":
                element = _SIGNATURE_TYPES.get(words[2], ANY)
            elif len(words) != 1:
                return None
            out.append(list_of(element))
        elif len(words) == 1 and words[0] in _SIGNATURE_TYPES:
            out.append(_SIGNATURE_TYPES[words[0]])
        else:
            return None
    return tuple(out)


@lru_cache(maxsize=512)
def parse_signature(
    signature: str,
) -> tuple[tuple[tuple[StaticType, ...] | None, ...], StaticType]:
    """Parameter types and return type of a function signature such as
    ``substring(original :: STRING, start :: INTEGER) :: STRING``."""
    head, sep, result = signature.rpartition(")")
    if not sep or "(" not in head:
        return (), ANY
    params: list[tuple[StaticType, ...] | None] = []
    inner = head.split("(", 1)[1]
    for part in inner.split(",") if inner.strip() else ():
        match = _PARAMETER.match(part.replace("...", ""))
        params.append(parse_signature_type(match.group(1)) if match else None)
    returned = parse_signature_type(result.strip().removeprefix("::")) if "::" in result else None
    return tuple(params), (returned[0] if returned and len(returned) == 1 else ANY)


def accepts(allowed: tuple[StaticType, ...], t: StaticType) -> bool:
    """True when a value of static type ``t`` may be one of ``allowed``."""
    if t == ANY:
        return True
    for a in allowed:
        if a.name == "ANY" or a.name == t.name:
            return True
        if a.is_numeric and t.is_numeric:
            return True
    return False


def _invalid(message: str) -> InvalidArgumentType:
    return InvalidArgumentType(message)


class TypeChecker:
    """Infers static types of expressions and raises on operands that can never be valid."""

    def __init__(self, functions: FunctionRegistry) -> None:
        self.functions = functions

    def infer(self, expr: ast.Node, scope: Mapping[str, StaticType]) -> StaticType:
        """The static type of ``expr`` in ``scope``; raises for a statically invalid operand."""
        method = getattr(self, "_" + type(expr).__name__, None)
        if method is not None:
            result: StaticType = method(expr, scope)
            return result
        for child in ast.children(expr):
            self.infer(child, scope)
        return ANY

    def require_predicate(self, expr: ast.Expr, scope: Mapping[str, StaticType]) -> None:
        """A WHERE condition must be able to be a boolean."""
        t = self.infer(expr, scope)
        if not accepts((BOOLEAN,), t):
            raise _invalid(f"Type mismatch: expected a boolean predicate but was {t}.")

    # ------------------------------------------------------------------------- atoms

    def _Literal(self, e: ast.Literal, scope: Mapping[str, StaticType]) -> StaticType:
        v = e.value
        if v is None:
            return ANY
        if isinstance(v, bool):
            return BOOLEAN
        if isinstance(v, int):
            return INTEGER
        if isinstance(v, float):
            return FLOAT
        return STRING

    def _Variable(self, e: ast.Variable, scope: Mapping[str, StaticType]) -> StaticType:
        return scope.get(e.name, ANY)

    def _ListLiteral(self, e: ast.ListLiteral, scope: Mapping[str, StaticType]) -> StaticType:
        items = [self.infer(item, scope) for item in e.items]
        return list_of(join(items)) if items else LIST

    def _MapLiteral(self, e: ast.MapLiteral, scope: Mapping[str, StaticType]) -> StaticType:
        for _, value in e.items:
            self.infer(value, scope)
        return MAP

    def _Property(self, e: ast.Property, scope: Mapping[str, StaticType]) -> StaticType:
        t = self.infer(e.subject, scope)
        if t == PATH:
            raise _invalid(f"Type mismatch: expected a map, node or relationship but was {t}.")
        if t.name in ("BOOLEAN", "LIST", "STRING") or t.is_numeric:
            raise CypherTypeError(
                "Type mismatch: expected a map, node or relationship but was "
                f"{t.runtime_name}.",
                detail="InvalidArgumentType",
            )
        return ANY

    def _Subscript(self, e: ast.Subscript, scope: Mapping[str, StaticType]) -> StaticType:
        t = self.infer(e.subject, scope)
        self.infer(e.index, scope)
        return t.element if t.name == "LIST" and t.element is not None else ANY

    def _Slice(self, e: ast.Slice, scope: Mapping[str, StaticType]) -> StaticType:
        t = self.infer(e.subject, scope)
        for bound in (e.start, e.stop):
            if bound is not None:
                self.infer(bound, scope)
        return t if t.name == "LIST" else ANY

    def _HasLabels(self, e: ast.HasLabels, scope: Mapping[str, StaticType]) -> StaticType:
        self.infer(e.subject, scope)
        return BOOLEAN

    def _IsNull(self, e: ast.IsNull, scope: Mapping[str, StaticType]) -> StaticType:
        self.infer(e.operand, scope)
        return BOOLEAN

    def _CountStar(self, e: ast.CountStar, scope: Mapping[str, StaticType]) -> StaticType:
        return INTEGER

    def _Case(self, e: ast.Case, scope: Mapping[str, StaticType]) -> StaticType:
        if e.subject is not None:
            self.infer(e.subject, scope)
        results = []
        for when, then in e.alternatives:
            self.infer(when, scope)
            results.append(self.infer(then, scope))
        results.append(ANY if e.default is None else self.infer(e.default, scope))
        return join(results)

    # --------------------------------------------------------------------- operators

    def _UnaryOp(self, e: ast.UnaryOp, scope: Mapping[str, StaticType]) -> StaticType:
        t = self.infer(e.operand, scope)
        if e.op is ast.UnaryOperator.NOT:
            if not accepts((BOOLEAN,), t):
                raise _invalid(f"Invalid types: {t.runtime_name} for 'NOT'.")
            return BOOLEAN
        if t == ANY:
            return ANY
        if not t.is_numeric:
            raise _invalid(f"Invalid type: {t.runtime_name} for '{e.op.value}'.")
        return t

    def _BinaryOp(self, e: ast.BinaryOp, scope: Mapping[str, StaticType]) -> StaticType:
        left = self.infer(e.left, scope)
        right = self.infer(e.right, scope)
        op = e.op
        B = ast.BinaryOperator
        if op in (B.OR, B.AND, B.XOR):
            for t in (left, right):
                if not accepts((BOOLEAN,), t):
                    raise _invalid(f"Invalid types: {t.runtime_name} for '{op.value}'.")
            return BOOLEAN
        if op is B.IN:
            if not accepts((LIST,), right):
                raise self._operands(op, left, right)
            return BOOLEAN
        if op is B.REGEX:
            if not accepts((STRING,), right):
                raise self._operands(op, left, right)
            return BOOLEAN
        if op in (B.SUB, B.MUL, B.DIV, B.MOD, B.POW):
            if not (accepts((NUMBER,), left) and accepts((NUMBER,), right)):
                raise self._operands(op, left, right)
            if op is B.POW:
                return FLOAT if left.is_numeric and right.is_numeric else ANY
            return self._arithmetic(left, right)
        if op is B.ADD:
            return self._add(left, right)
        return BOOLEAN

    def _add(self, left: StaticType, right: StaticType) -> StaticType:
        if left.name == "LIST" or right.name == "LIST":
            if left.name == "LIST" and right.name == "LIST":
                return join((left, right))
            return LIST
        if ANY in (left, right):
            return ANY
        if left.is_numeric and right.is_numeric:
            return self._arithmetic(left, right)
        if (left == STRING or left.is_numeric) and (right == STRING or right.is_numeric):
            return STRING
        raise self._operands(ast.BinaryOperator.ADD, left, right)

    @staticmethod
    def _arithmetic(left: StaticType, right: StaticType) -> StaticType:
        if ANY in (left, right):
            return ANY
        if left == INTEGER and right == INTEGER:
            return INTEGER
        if FLOAT in (left, right):
            return FLOAT
        return NUMBER

    @staticmethod
    def _operands(op: ast.BinaryOperator, left: StaticType, right: StaticType) -> CypherSyntaxError:
        return _invalid(
            f"Invalid types: {left.runtime_name} and {right.runtime_name} for '{op.value}'."
        )

    # --------------------------------------------------------------------- functions

    def _FunctionCall(self, e: ast.FunctionCall, scope: Mapping[str, StaticType]) -> StaticType:
        args = [self.infer(arg, scope) for arg in e.args]
        fn = self.functions.lookup(e.name)
        signature = fn.signature if fn is not None else ""
        if fn is None:
            agg = self.functions.lookup_aggregate(e.name)
            signature = agg.signature if agg is not None else ""
        if not signature:
            return ANY
        params, returned = parse_signature(signature)
        if e.name.lower() in _ARGUMENT_CHECKED:
            for i, (allowed, t) in enumerate(zip(params, args, strict=False), start=1):
                if allowed is not None and not accepts(allowed, t):
                    raise _invalid(
                        f"Function '{e.name}' argument {i} must be "
                        f"{' | '.join(a.name for a in allowed)}, got {t.name}."
                    )
        return returned

    # ------------------------------------------------------------- scoped expressions

    def _element_scope(
        self, variable: str, source: ast.Expr, scope: Mapping[str, StaticType]
    ) -> dict[str, StaticType]:
        t = self.infer(source, scope)
        element = t.element if t.name == "LIST" and t.element is not None else ANY
        return {**scope, variable: element}

    def _ListComprehension(
        self, e: ast.ListComprehension, scope: Mapping[str, StaticType]
    ) -> StaticType:
        inner = self._element_scope(e.variable, e.source, scope)
        if e.where is not None:
            self.infer(e.where, inner)
        if e.projection is not None:
            return list_of(self.infer(e.projection, inner))
        return list_of(inner[e.variable])

    def _Quantifier(self, e: ast.Quantifier, scope: Mapping[str, StaticType]) -> StaticType:
        inner = self._element_scope(e.variable, e.source, scope)
        if e.where is not None:
            self.infer(e.where, inner)
        return BOOLEAN

    def _Reduce(self, e: ast.Reduce, scope: Mapping[str, StaticType]) -> StaticType:
        self.infer(e.initial, scope)
        inner = self._element_scope(e.variable, e.source, scope)
        inner[e.accumulator] = ANY
        self.infer(e.expression, inner)
        return ANY

    def _MapProjection(self, e: ast.MapProjection, scope: Mapping[str, StaticType]) -> StaticType:
        for item in e.items:
            if isinstance(item, ast.MapEntry):
                self.infer(item.value, scope)
        return MAP

    def pattern_scope(
        self, patterns: Iterable[ast.PathPattern], scope: Mapping[str, StaticType]
    ) -> dict[str, StaticType]:
        """``scope`` with the variables ``patterns`` introduce; checks their property maps."""
        inner = dict(scope)
        for pattern in patterns:
            for node in pattern.nodes:
                if node.properties is not None:
                    self.infer(node.properties, inner)
                if node.variable is not None:
                    inner.setdefault(node.variable, NODE)
            for rel in pattern.relationships:
                if rel.properties is not None:
                    self.infer(rel.properties, inner)
                if rel.variable is not None:
                    inner.setdefault(
                        rel.variable, RELATIONSHIP if rel.length is None else list_of(RELATIONSHIP)
                    )
            if pattern.variable is not None:
                inner.setdefault(pattern.variable, PATH)
        return inner

    def _PatternComprehension(
        self, e: ast.PatternComprehension, scope: Mapping[str, StaticType]
    ) -> StaticType:
        inner = self.pattern_scope((e.pattern,), scope)
        if e.where is not None:
            self.infer(e.where, inner)
        return list_of(self.infer(e.projection, inner))

    def _PatternExpression(
        self, e: ast.PatternExpression, scope: Mapping[str, StaticType]
    ) -> StaticType:
        self.pattern_scope((e.pattern,), scope)
        return ANY

    def _Exists(self, e: ast.Exists, scope: Mapping[str, StaticType]) -> StaticType:
        if e.patterns:
            inner = self.pattern_scope(e.patterns, scope)
            if e.where is not None:
                self.infer(e.where, inner)
        return BOOLEAN
