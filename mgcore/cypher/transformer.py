"""Turn lark's parse tree for ``grammar/cypher.lark`` into ``mgcore.cypher.ast`` nodes.

The grammar parses a few supersets to stay LALR(1) (see the grammar's header); this module
reinterprets them and raises ``CypherSyntaxError`` for what the superset lets through.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from lark import Token, Tree

from mgcore.cypher import ast
from mgcore.errors import CypherSemanticError, CypherSyntaxError, IntegerOverflow

INT64_MAX = 2**63 - 1

_RESERVED = """
    AND AS ASC ASCENDING BY CALL CASE CONTAINS CREATE DELETE DESC DESCENDING DETACH DISTINCT
    ELSE END ENDS EXISTS FALSE FOREACH IN IS LIMIT MATCH MERGE NOT NULL ON OPTIONAL OR ORDER
    REMOVE RETURN SET SKIP STARTS THEN TRUE UNION UNWIND WHEN WHERE WITH XOR YIELD
"""
RESERVED_WORDS = frozenset(_RESERVED.split())
"""Words that cannot name a variable: clause, operator and literal keywords of openCypher."""

_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {
    "t": "\t",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "f": "\f",
    "'": "'",
    '"': '"',
    "\\": "\\",
}
_COMPARISONS = {
    "EQ": ast.BinaryOperator.EQ,
    "NE": ast.BinaryOperator.NE,
    "LT": ast.BinaryOperator.LT,
    "GT": ast.BinaryOperator.GT,
    "LE": ast.BinaryOperator.LE,
    "GE": ast.BinaryOperator.GE,
}
_OPERATORS = {
    **_COMPARISONS,
    "OR": ast.BinaryOperator.OR,
    "XOR": ast.BinaryOperator.XOR,
    "AND": ast.BinaryOperator.AND,
    "STARTS": ast.BinaryOperator.STARTS_WITH,
    "ENDS": ast.BinaryOperator.ENDS_WITH,
    "CONTAINS": ast.BinaryOperator.CONTAINS,
    "REGEX": ast.BinaryOperator.REGEX,
    "IN": ast.BinaryOperator.IN,
    "PLUS": ast.BinaryOperator.ADD,
    "MINUS": ast.BinaryOperator.SUB,
    "STAR": ast.BinaryOperator.MUL,
    "SLASH": ast.BinaryOperator.DIV,
    "PERCENT": ast.BinaryOperator.MOD,
    "CARET": ast.BinaryOperator.POW,
}
_NOT_POWER = 4
_COMPARISON_POWER = 5
_PREDICATE_POWER = 6
_POWERS = {
    "OR": 1,
    "XOR": 2,
    "AND": 3,
    **dict.fromkeys(_COMPARISONS, _COMPARISON_POWER),
    **dict.fromkeys(("STARTS", "ENDS", "CONTAINS", "REGEX", "IN"), _PREDICATE_POWER),
    "PLUS": 7,
    "MINUS": 7,
    "STAR": 8,
    "SLASH": 8,
    "PERCENT": 8,
    "CARET": 9,
}
_QUANTIFIERS = {kind.value: kind for kind in ast.QuantifierKind}
_UPDATING = (ast.Create, ast.Merge, ast.Set, ast.Remove, ast.Delete, ast.Foreach)


def _chain(operands: list[ast.Expr], operators: list[ast.BinaryOperator]) -> ast.Expr:
    """``a < b < c`` as ``(a < b) AND (b < c)``."""
    result: ast.Expr = ast.BinaryOp(operators[0], operands[0], operands[1])
    for index in range(1, len(operators)):
        comparison = ast.BinaryOp(operators[index], operands[index], operands[index + 1])
        result = ast.BinaryOp(ast.BinaryOperator.AND, result, comparison)
    return result


_SHOWN_LINE = 160
"""Longest part of the offending line an error message quotes (huge queries stay readable)."""


def syntax_error(
    text: str,
    line: int,
    column: int,
    message: str,
    error: type[CypherSyntaxError] = CypherSyntaxError,
) -> CypherSyntaxError:
    """Build a CypherSyntaxError naming the position, with the offending line and a caret."""
    lines = text.splitlines() or [""]
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    shown = column
    if len(source) > _SHOWN_LINE:
        start = max(0, min(column - 1 - _SHOWN_LINE // 2, len(source) - _SHOWN_LINE))
        head = "..." if start else ""
        tail = "..." if start + _SHOWN_LINE < len(source) else ""
        source = head + source[start : start + _SHOWN_LINE] + tail
        shown += len(head) - start
    caret = " " * (len(source[: shown - 1].expandtabs()) if shown > 0 else 0) + "^"
    return error(
        f"Error on line {line} position {column}. {message}\n  {source.expandtabs()}\n  {caret}"
    )


def name_of(token: Token) -> str:
    """The name a NAME or ESCAPED_NAME token spells (backticks removed)."""
    if token.type == "ESCAPED_NAME":
        return token.value[1:-1].replace("``", "`")
    return str(token.value)


def _exprs(children: Sequence[Any]) -> list[Any]:
    """The children that are not tokens (tokens kept by ``!`` rules are punctuation)."""
    return [c for c in children if not isinstance(c, Token)]


def _has(children: Sequence[Any], token_type: str) -> bool:
    return any(isinstance(c, Token) and c.type == token_type for c in children)


_CONSTRAINT_TYPE_NAMES = (
    "BOOLEAN", "STRING", "INTEGER", "FLOAT", "LIST", "MAP", "DATE", "LOCALTIME", "LOCALDATETIME",
    "ZONEDDATETIME", "DURATION", "ENUM", "POINT",
)
"""The type names Memgraph's grammar accepts after ``IS TYPED`` (``typeConstraintType``)."""


class _Element:
    """A pattern element before it becomes a PathPattern."""

    __slots__ = ("nodes", "relationships")

    def __init__(
        self, nodes: tuple[ast.NodePattern, ...], relationships: tuple[ast.RelationshipPattern, ...]
    ) -> None:
        self.nodes = nodes
        self.relationships = relationships


class _Shortest:
    """``shortestPath(element)`` / ``allShortestPaths(element)`` before it becomes a PathPattern."""

    __slots__ = ("element", "kind")

    def __init__(self, kind: ast.PathKind, element: _Element) -> None:
        self.kind = kind
        self.element = element


class _Tagged:
    """A transformed child that needs a tag to be told apart from its siblings."""

    __slots__ = ("tag", "value")

    def __init__(self, tag: str, value: Any) -> None:
        self.tag = tag
        self.value = value


class _Projection:
    """The items of a projection with the leading ``*`` flag."""

    __slots__ = ("items", "star")

    def __init__(self, star: bool, items: tuple[ast.ProjectionItem, ...]) -> None:
        self.star = star
        self.items = items


class _Yield:
    """A YIELD part of CALL."""

    __slots__ = ("all", "items", "where")

    def __init__(
        self, all_: bool, items: tuple[ast.YieldItem, ...], where: ast.Expr | None
    ) -> None:
        self.all = all_
        self.items = items
        self.where = where


class _Union:
    """A UNION separator."""

    __slots__ = ("all",)

    def __init__(self, all_: bool) -> None:
        self.all = all_


_Handler = Callable[["AstBuilder", list[Any]], Any]


class AstBuilder:
    """Builds the ``ast.Statement`` for the parse tree of one query text.

    Each grammar rule (or alias) has a method of the same name taking the rule's children,
    already built, bottom up. The walk is a plain recursion over lark's ``Tree``: it is about
    twice as fast as ``lark.Transformer`` and lets ``projection_item`` see its raw subtree.
    """

    _handlers: dict[str, _Handler] = {}

    def __init__(self, text: str) -> None:
        self.text = text
        self._min_int: list[tuple[ast.Literal, Token]] = []
        self._loose_patterns: dict[int, ast.PatternExpression] = {}
        if not AstBuilder._handlers:
            AstBuilder._handlers = {
                name: function
                for name, function in vars(AstBuilder).items()
                if not name.startswith("_") and callable(function)
            }

    def build(self, tree: Tree[Token]) -> ast.Statement:
        """The statement for ``tree``, the result of parsing ``self.text``."""
        statement: ast.Statement = self._visit(tree)
        return statement

    def _visit(self, tree: Tree[Token]) -> Any:
        children = [self._visit(child) if type(child) is Tree else child for child in tree.children]
        if tree.data == "projection_item" and len(children) == 1:
            children.append(Token("ITEM_TEXT", _source_text(tree.children[0], self.text)))
        return self._handlers[tree.data](self, children)

    # ---- errors --------------------------------------------------------------------------

    def _fail(
        self, token: Token | None, message: str, error: type[CypherSyntaxError] = CypherSyntaxError
    ) -> NoReturn:
        if token is None or token.line is None:
            raise error(message)
        raise syntax_error(self.text, token.line, token.column or 0, message, error)

    def finish(self, statement: ast.Statement) -> ast.Statement:
        """Report literals that were left unchecked during the bottom-up pass."""
        if self._min_int:
            self._fail(self._min_int[0][1], "Integer literal exceeds 64 bits.", IntegerOverflow)
        if self._loose_patterns:
            raise CypherSyntaxError(
                "Invalid use of a pattern expression: a pattern can only be used as a predicate"
                " in WHERE or inside exists() (use a pattern comprehension to get its paths)."
            )
        return statement

    def _predicate(self, expr: ast.Expr | None) -> ast.Expr | None:
        """Mark pattern expressions reachable through boolean operators as used as predicates."""
        if self._loose_patterns and expr is not None:
            if isinstance(expr, ast.PatternExpression):
                self._loose_patterns.pop(id(expr), None)
            elif isinstance(expr, ast.UnaryOp) and expr.op is ast.UnaryOperator.NOT:
                self._predicate(expr.operand)
            elif isinstance(expr, ast.BinaryOp) and expr.op in (
                ast.BinaryOperator.AND,
                ast.BinaryOperator.OR,
                ast.BinaryOperator.XOR,
            ):
                self._predicate(expr.left)
                self._predicate(expr.right)
        return expr

    # ---- names and literals ----------------------------------------------------------------

    def variable(self, children: list[Token]) -> ast.Variable:
        (token,) = children
        if token.type == "NAME" and token.value.upper() in RESERVED_WORDS:
            self._fail(
                token, f"Invalid input '{token.value}': a reserved word cannot name a variable."
            )
        return ast.Variable(name_of(token))

    def property_key(self, children: list[Token]) -> str:
        return name_of(children[0])

    def node_labels(self, children: list[Token]) -> tuple[str, ...]:
        return tuple(name_of(t) for t in children)

    def integer(self, children: list[Token]) -> ast.Literal:
        token = children[0]
        value = self._int_value(token)
        literal = ast.Literal(value)
        if value > INT64_MAX:
            if value == INT64_MAX + 1:
                self._min_int.append((literal, token))
            else:
                self._fail(token, "Integer literal exceeds 64 bits.", IntegerOverflow)
        return literal

    @staticmethod
    def _int_value(token: Token) -> int:
        text = token.value
        if text[:2] in ("0x", "0X"):
            return int(text[2:], 16)
        if text[:2] in ("0o", "0O"):
            return int(text[2:], 8)
        return int(text)

    def float(self, children: list[Token]) -> ast.Literal:
        value = float(children[0].value)
        if value in (float("inf"), float("-inf")):
            self._fail(children[0], "Floating point literal is too large.")
        return ast.Literal(value)

    def string(self, children: list[Token]) -> ast.Literal:
        token = children[0]
        body = token.value[1:-1]
        if "\\" not in body:
            return ast.Literal(body)

        def replace(match: re.Match[str]) -> str:
            escape = match.group(1)
            if escape in _SIMPLE_ESCAPES:
                return _SIMPLE_ESCAPES[escape]
            if escape[0] in "uU" and len(escape) > 1:
                return chr(int(escape[1:], 16)) if int(escape[1:], 16) <= 0x10FFFF else "\ufffd"
            self._fail(token, f"Invalid escape sequence '\\{escape[:1]}' in string literal.")

        decoded = _ESCAPE.sub(replace, body)
        if any("\ud800" <= ch <= "\udfff" for ch in decoded):
            decoded = decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return ast.Literal(decoded)

    def true(self, _: list[Token]) -> ast.Literal:
        return ast.Literal(True)

    def false(self, _: list[Token]) -> ast.Literal:
        return ast.Literal(False)

    def null(self, _: list[Token]) -> ast.Literal:
        return ast.Literal(None)

    def parameter(self, children: list[Token]) -> ast.Parameter:
        name = children[0].value[1:]
        if name.startswith("`"):
            name = name[1:-1].replace("``", "`")
        return ast.Parameter(name)

    # ---- operators -------------------------------------------------------------------------

    def expression(self, items: list[Any]) -> ast.Expr:
        """Apply operator precedence to a flat chain of operands and operator tokens."""
        result, position = self._climb(items, 0, 0)
        assert position == len(items)
        return result

    def _climb(self, items: list[Any], position: int, min_power: int) -> tuple[ast.Expr, int]:
        """Precedence climbing over ``items[position:]``; consume operators binding >= min_power."""
        head = items[position]
        if isinstance(head, Token):
            if min_power > _NOT_POWER:
                self._fail(
                    head, "Invalid input 'NOT': NOT cannot be used here without parentheses."
                )
            operand, position = self._climb(items, position + 1, _NOT_POWER)
            left: ast.Expr = ast.UnaryOp(ast.UnaryOperator.NOT, operand)
        else:
            left = head
            position += 1
        while position < len(items):
            token = items[position]
            if token.type == "IS":
                if min_power > _PREDICATE_POWER:
                    break
                negated = items[position + 1].type == "NOT"
                left = ast.IsNull(left, negated)
                position += 3 if negated else 2
                continue
            power = _POWERS[token.type]
            if power < min_power:
                break
            if power == _COMPARISON_POWER:
                operands = [left]
                operators: list[ast.BinaryOperator] = []
                while position < len(items) and items[position].type in _COMPARISONS:
                    operators.append(_COMPARISONS[items[position].type])
                    right, position = self._climb(items, position + 1, power + 1)
                    operands.append(right)
                left = _chain(operands, operators)
                continue
            right, position = self._climb(items, position + 1, power + 1)
            left = ast.BinaryOp(_OPERATORS[token.type], left, right)
        return left, position

    def neg(self, children: list[Any]) -> ast.Expr:
        operand = children[-1]
        if isinstance(operand, ast.Literal) and type(operand.value) in (int, float):
            for index, (literal, _) in enumerate(self._min_int):
                if literal is operand:
                    del self._min_int[index]
                    break
            return ast.Literal(-operand.value)  # type: ignore[operator]
        return ast.UnaryOp(ast.UnaryOperator.NEGATE, operand)

    def pos(self, children: list[Any]) -> ast.UnaryOp:
        return ast.UnaryOp(ast.UnaryOperator.PLUS, children[-1])

    def has_labels(self, children: list[Any]) -> ast.HasLabels:
        subject, labels = children
        return ast.HasLabels(subject, labels)

    # ---- postfix: property, subscript, slice, calls ------------------------------------------

    def property(self, children: list[Any]) -> ast.Property:
        subject, key = _exprs(children)
        return ast.Property(subject, key)

    def subscript(self, children: list[Any]) -> ast.Subscript:
        subject, index = _exprs(children)
        return ast.Subscript(subject, index)

    def slice(self, children: list[Any]) -> ast.Slice:
        subject = children[0]
        start: ast.Expr | None = None
        stop: ast.Expr | None = None
        seen_dots = False
        for child in children[1:]:
            if isinstance(child, Token):
                seen_dots = seen_dots or child.type == "DOTDOT"
            elif seen_dots:
                stop = child
            else:
                start = child
        return ast.Slice(subject, start, stop)

    def _function_name(self, callee: ast.Expr, token: Token) -> str:
        parts: list[str] = []
        while isinstance(callee, ast.Property):
            parts.append(callee.key)
            callee = callee.subject
        if not isinstance(callee, ast.Variable):
            self._fail(token, "Invalid input '(': only a function name can be called.")
        parts.append(callee.name)
        return ".".join(reversed(parts))

    def _open_paren(self, children: list[Any]) -> Token:
        return next(c for c in children if isinstance(c, Token))

    def call_empty(self, children: list[Any]) -> ast.FunctionCall:
        return ast.FunctionCall(self._function_name(children[0], self._open_paren(children)), ())

    def call_star(self, children: list[Any]) -> ast.CountStar:
        name = self._function_name(children[0], self._open_paren(children))
        if name.lower() != "count":
            self._fail(self._open_paren(children), f"Invalid input '*': {name}(*) is not allowed.")
        return ast.CountStar()

    def call_args(self, children: list[Any]) -> ast.Expr:
        paren = self._open_paren(children)
        name = self._function_name(children[0], paren)
        args = tuple(_exprs(children[1:]))
        distinct = _has(children, "DISTINCT")
        lowered = name.lower()
        if not distinct and len(args) == 1:
            (arg,) = args
            if lowered in _QUANTIFIERS:
                variable, source = self._iteration(arg, paren, name)
                return ast.Quantifier(_QUANTIFIERS[lowered], variable, source, None)
            if lowered in ("shortestpath", "allshortestpaths") and isinstance(
                arg, ast.PatternExpression
            ):
                kind = (
                    ast.PathKind.SHORTEST
                    if lowered == "shortestpath"
                    else ast.PathKind.ALL_SHORTEST
                )
                self._loose_patterns.pop(id(arg), None)
                pattern = arg.pattern
                return ast.PatternExpression(
                    ast.PathPattern(pattern.nodes, pattern.relationships, pattern.variable, kind)
                )
        return ast.FunctionCall(name, args, distinct)

    def _iteration(self, expr: ast.Expr, token: Token, what: str) -> tuple[str, ast.Expr]:
        """Read ``variable IN source`` (parsed as an IN predicate) of a comprehension."""
        if (
            isinstance(expr, ast.BinaryOp)
            and expr.op is ast.BinaryOperator.IN
            and isinstance(expr.left, ast.Variable)
        ):
            return expr.left.name, expr.right
        self._fail(token, f"Invalid input: {what}(...) expects 'variable IN list'.")

    def call_filter(self, children: list[Any]) -> ast.Expr:
        paren = self._open_paren(children)
        name = self._function_name(children[0], paren)
        parts = _exprs(children[1:])
        lowered = name.lower()
        variable, source = self._iteration(parts[0], paren, name)
        where = self._predicate(parts[1])
        projection = parts[2] if len(parts) > 2 else None
        if lowered in _QUANTIFIERS and projection is None:
            return ast.Quantifier(_QUANTIFIERS[lowered], variable, source, where)
        if (lowered == "filter" and projection is None) or lowered == "extract":
            return ast.ListComprehension(variable, source, where, projection)
        self._fail(paren, f"Invalid input: '{name}' does not take a WHERE clause.")

    def call_extract(self, children: list[Any]) -> ast.Expr:
        paren = self._open_paren(children)
        name = self._function_name(children[0], paren)
        head, projection = _exprs(children[1:])
        if name.lower() != "extract":
            self._fail(paren, f"Invalid input '|': '{name}' does not take a projection.")
        variable, source = self._iteration(head, paren, name)
        return ast.ListComprehension(variable, source, None, projection)

    def call_reduce(self, children: list[Any]) -> ast.Expr:
        paren = self._open_paren(children)
        name = self._function_name(children[0], paren)
        init, iteration, expression = _exprs(children[1:])
        if name.lower() != "reduce":
            self._fail(paren, f"Invalid input '|': '{name}' does not take a projection.")
        if not (
            isinstance(init, ast.BinaryOp)
            and init.op is ast.BinaryOperator.EQ
            and isinstance(init.left, ast.Variable)
        ):
            self._fail(paren, "Invalid input: reduce(...) expects 'accumulator = initial' first.")
        variable, source = self._iteration(iteration, paren, name)
        return ast.Reduce(init.left.name, init.right, variable, source, expression)

    # ---- atoms -------------------------------------------------------------------------------

    def paren(self, children: list[Any]) -> ast.Expr:
        result: ast.Expr = children[1]
        return result

    def case_expr(self, children: list[Any]) -> ast.Case:
        subject: ast.Expr | None = None
        alternatives: list[tuple[ast.Expr, ast.Expr]] = []
        default: ast.Expr | None = None
        after_else = False
        for child in children[1:-1]:
            if isinstance(child, Token):
                after_else = child.type == "ELSE"
            elif isinstance(child, _Tagged):
                alternatives.append(child.value)
            elif after_else:
                default = child
            else:
                subject = child
        return ast.Case(subject, tuple(alternatives), default)

    def case_alternative(self, children: list[Any]) -> _Tagged:
        when, then = children
        return _Tagged("when", (when, then))

    def list_literal(self, children: list[Any]) -> ast.ListLiteral:
        return ast.ListLiteral(tuple(_exprs(children)))

    def comprehension(self, children: list[Any]) -> ast.Expr:
        bracket = children[0]
        parts = _exprs(children)
        has_where = _has(children, "_WHERE")
        has_pipe = _has(children, "PIPE")
        head = parts[0]
        where = self._predicate(parts[1]) if has_where else None
        projection = parts[-1] if has_pipe else None
        if isinstance(head, ast.PatternExpression) or (
            isinstance(head, ast.BinaryOp)
            and head.op is ast.BinaryOperator.EQ
            and isinstance(head.left, ast.Variable)
            and isinstance(head.right, ast.PatternExpression)
        ):
            if projection is None:
                self._fail(
                    bracket, "Invalid input ']': a pattern comprehension needs '| expression'."
                )
            if isinstance(head, ast.BinaryOp):
                assert isinstance(head.right, ast.PatternExpression)
                pattern = head.right.pattern
                self._loose_patterns.pop(id(head.right), None)
                assert isinstance(head.left, ast.Variable)
                pattern = ast.PathPattern(
                    pattern.nodes, pattern.relationships, head.left.name, pattern.kind
                )
            else:
                pattern = head.pattern
                self._loose_patterns.pop(id(head), None)
            return ast.PatternComprehension(pattern, where, projection)
        variable, source = self._iteration(head, bracket, "[...]")
        return ast.ListComprehension(variable, source, where, projection)

    def map_literal(self, children: list[Any]) -> ast.MapLiteral:
        return ast.MapLiteral(tuple(c.value for c in children if isinstance(c, _Tagged)))

    def map_entry(self, children: list[Any]) -> _Tagged:
        key, value = children
        return _Tagged("entry", (key, value))

    def map_projection(self, children: list[Any]) -> ast.MapProjection:
        variable = children[0]
        subject = variable
        items: list[ast.MapProjectionItem] = []
        for child in children[1:]:
            if not isinstance(child, _Tagged):
                continue
            if child.tag == "property":
                items.append(ast.MapEntry(child.value, ast.Property(subject, child.value)))
            elif child.tag == "all":
                items.append(ast.AllProperties())
            elif child.tag == "variable":
                items.append(ast.MapEntry(child.value.name, child.value))
            else:
                items.append(ast.MapEntry(*child.value))
        return ast.MapProjection(variable.name, tuple(items))

    def projection_property(self, children: list[Any]) -> _Tagged:
        return _Tagged("property", children[-1])

    def projection_all(self, _: list[Any]) -> _Tagged:
        return _Tagged("all", None)

    def projection_entry(self, children: list[Any]) -> _Tagged:
        key, value = children
        return _Tagged("entry", (key, value))

    def projection_variable(self, children: list[Any]) -> _Tagged:
        return _Tagged("variable", children[0])

    def exists_call(self, children: list[Any]) -> ast.Expr:
        (arg,) = _exprs(children)
        if isinstance(arg, ast.PatternExpression):
            self._loose_patterns.pop(id(arg), None)
            return ast.Exists(patterns=(arg.pattern,))
        return ast.FunctionCall("exists", (arg,))

    def exists_query(self, children: list[Any]) -> ast.Exists:
        (query,) = _exprs(children)
        return ast.Exists(query=query)

    def exists_pattern(self, children: list[Any]) -> ast.Exists:
        parts = _exprs(children)
        where = self._predicate(parts[1]) if len(parts) > 1 else None
        return ast.Exists(patterns=parts[0], where=where)

    # ---- patterns ----------------------------------------------------------------------------

    def pattern(self, children: list[ast.PathPattern]) -> tuple[ast.PathPattern, ...]:
        return tuple(children)

    def pattern_part(self, children: list[Any]) -> ast.PathPattern:
        variable = children[0].name if len(children) > 1 else None
        body = children[-1]
        kind = ast.PathKind.ALL_PATHS
        if isinstance(body, _Shortest):
            kind = body.kind
            body = body.element
        return ast.PathPattern(body.nodes, body.relationships, variable, kind)

    def shortest_path(self, children: list[Any]) -> _Shortest:
        token, element = children
        kind = ast.PathKind.SHORTEST if token.type == "SHORTESTPATH" else ast.PathKind.ALL_SHORTEST
        return _Shortest(kind, element)

    def pattern_element(self, children: list[Any]) -> _Element:
        if len(children) == 1 and isinstance(children[0], _Element):
            return children[0]
        return _Element(tuple(children[0::2]), tuple(children[1::2]))

    def node_pattern(self, children: list[Any]) -> ast.NodePattern:
        variable: str | None = None
        labels: tuple[str, ...] = ()
        properties: ast.MapLiteral | ast.Parameter | None = None
        for child in children:
            if isinstance(child, ast.Variable):
                variable = child.name
            elif isinstance(child, tuple):
                labels = child
            elif isinstance(child, (ast.MapLiteral, ast.Parameter)):
                properties = child
        return ast.NodePattern(variable, labels, properties)

    def _relationship(
        self, children: list[Any], direction: ast.Direction
    ) -> ast.RelationshipPattern:
        detail = next((c for c in children if isinstance(c, ast.RelationshipPattern)), None)
        if detail is None:
            return ast.RelationshipPattern(direction=direction)
        return ast.RelationshipPattern(
            detail.variable, detail.types, direction, detail.properties, detail.length
        )

    def rel_in(self, children: list[Any]) -> ast.RelationshipPattern:
        return self._relationship(children, ast.Direction.INCOMING)

    def rel_out(self, children: list[Any]) -> ast.RelationshipPattern:
        return self._relationship(children, ast.Direction.OUTGOING)

    def rel_both(self, children: list[Any]) -> ast.RelationshipPattern:
        return self._relationship(children, ast.Direction.BOTH)

    def rel_detail(self, children: list[Any]) -> ast.RelationshipPattern:
        variable: str | None = None
        types: tuple[str, ...] = ()
        length: ast.VarLength | None = None
        properties: ast.MapLiteral | ast.Parameter | None = None
        for child in children:
            if isinstance(child, ast.Variable):
                variable = child.name
            elif isinstance(child, tuple):
                types = child
            elif isinstance(child, ast.VarLength):
                length = child
            elif isinstance(child, _Tagged):
                length = self._with_lambdas(length, child.value)
            else:
                properties = child
        if (
            length is not None
            and length.weight is None
            and length.kind
            in (
                ast.ExpansionKind.WEIGHTED_SHORTEST,
                ast.ExpansionKind.ALL_SHORTEST,
            )
        ):
            raise CypherSyntaxError(
                f"*{length.kind.value.upper()} needs a weight lambda: (edge, node | weight)."
            )
        return ast.RelationshipPattern(variable, types, ast.Direction.BOTH, properties, length)

    def rel_types(self, children: list[Token]) -> tuple[str, ...]:
        return tuple(name_of(t) for t in children if t.type in ("NAME", "ESCAPED_NAME"))

    def var_length(self, children: list[Any]) -> ast.VarLength:
        kind = ast.ExpansionKind.DEPTH_FIRST
        low: int | None = None
        high: int | None = None
        exact = False
        limit: ast.Literal | ast.Parameter | None = None
        for child in children[1:]:
            if isinstance(child, ast.ExpansionKind):
                kind = child
            elif isinstance(child, _Tagged):
                exact, (low, high) = child.tag == "exact", child.value
            elif child.type == "INTEGER":
                limit = ast.Literal(self._hops(child))
            elif child.type == "PARAM":
                limit = self.parameter([child])
        if limit is not None and kind is not ast.ExpansionKind.K_SHORTEST:
            self._fail(children[0], "Invalid input '|': only *KSHORTEST takes a path limit.")
        if exact and kind in (ast.ExpansionKind.WEIGHTED_SHORTEST, ast.ExpansionKind.ALL_SHORTEST):
            low = None
        return ast.VarLength(low, high, kind, limit=limit)

    def expansion_kind(self, children: list[Token]) -> ast.ExpansionKind:
        return ast.ExpansionKind(children[0].type.lower())

    def hops_exact(self, children: list[Token]) -> _Tagged:
        hops = self._hops(children[0])
        return _Tagged("exact", (hops, hops))

    def hops_range(self, children: list[Token]) -> _Tagged:
        low: int | None = None
        high: int | None = None
        seen_dots = False
        for child in children:
            if child.type == "DOTDOT":
                seen_dots = True
            elif seen_dots:
                high = self._hops(child)
            else:
                low = self._hops(child)
        return _Tagged("range", (low, high))

    def expansion_lambda(self, children: list[Any]) -> ast.ExpansionLambda:
        *variables, _, expression = children
        return ast.ExpansionLambda(tuple(v.name for v in variables), expression)

    def expansion_lambdas(self, children: list[Any]) -> _Tagged:
        return _Tagged("lambdas", children)

    def _with_lambdas(self, length: ast.VarLength | None, parts: list[Any]) -> ast.VarLength:
        """Attach the lambdas written after a variable-length expansion to it."""
        if length is None:
            raise CypherSyntaxError("A lambda needs a variable-length relationship (*).")
        weighted = length.kind in (
            ast.ExpansionKind.WEIGHTED_SHORTEST,
            ast.ExpansionKind.ALL_SHORTEST,
        )
        first = parts[0]
        total = next((p.name for p in parts[1:] if isinstance(p, ast.Variable)), None)
        second = next((p for p in parts[1:] if isinstance(p, ast.ExpansionLambda)), None)
        if weighted:
            return dataclasses.replace(length, weight=first, total_weight=total, filter=second)
        if total is not None or second is not None:
            raise CypherSyntaxError(
                "Only *WSHORTEST and *ALLSHORTEST take a weight lambda and a total weight."
            )
        return dataclasses.replace(length, filter=first)

    def _hops(self, token: Token) -> int:
        value = self._int_value(token)
        if value > INT64_MAX:
            self._fail(token, "Integer literal exceeds 64 bits.", IntegerOverflow)
        return value

    def pattern_expr(self, children: list[Any]) -> ast.PatternExpression:
        head = children[0]
        first = head if isinstance(head, ast.NodePattern) else self._expr_to_node(head)
        nodes = (first, *children[2::2])
        expression = ast.PatternExpression(ast.PathPattern(nodes, tuple(children[1::2])))
        self._loose_patterns[id(expression)] = expression
        return expression

    def _expr_to_node(self, expr: ast.Expr) -> ast.NodePattern:
        """Reinterpret a parenthesised expression that starts a pattern as its node pattern."""
        if isinstance(expr, ast.Variable):
            return ast.NodePattern(expr.name)
        if isinstance(expr, ast.HasLabels) and isinstance(expr.subject, ast.Variable):
            return ast.NodePattern(expr.subject.name, expr.labels)
        if isinstance(expr, (ast.MapLiteral, ast.Parameter)):
            return ast.NodePattern(None, (), expr)
        if isinstance(expr, ast.MapProjection) and all(
            isinstance(item, ast.MapEntry) for item in expr.items
        ):
            entries = tuple((item.key, item.value) for item in expr.items)  # type: ignore[attr-defined]
            return ast.NodePattern(expr.variable, (), ast.MapLiteral(entries))
        raise CypherSyntaxError("Invalid node pattern at the start of a pattern expression.")

    def head_empty(self, _: list[Any]) -> ast.NodePattern:
        return ast.NodePattern()

    def head_labels(self, children: list[Any]) -> ast.NodePattern:
        parts = _exprs(children)
        properties = parts[1] if len(parts) > 1 else None
        return ast.NodePattern(None, parts[0], properties)

    def head_labels_properties(self, children: list[Any]) -> ast.NodePattern:
        subject, labels, properties = _exprs(children)
        if not isinstance(subject, ast.Variable):
            self._fail(children[0], "Invalid node pattern: expected a variable.")
        return ast.NodePattern(subject.name, labels, properties)

    def head_parameter(self, children: list[Any]) -> ast.NodePattern:
        variable = _exprs(children)[0]
        parameter = next(c for c in children if isinstance(c, Token) and c.type == "PARAM")
        return ast.NodePattern(variable.name, (), self.parameter([parameter]))

    # ---- clauses -----------------------------------------------------------------------------

    def match(self, children: list[Any]) -> ast.Match:
        optional = _has(children, "OPTIONAL")
        parts = _exprs(children)
        where = self._predicate(parts[1]) if len(parts) > 1 else None
        for path in parts[0]:
            for element in (*path.nodes, *path.relationships):
                if isinstance(element.properties, ast.Parameter):
                    raise CypherSyntaxError(
                        "Parameter maps cannot be used in MATCH patterns (use a literal map"
                        f" instead, e.g. {{id: ${element.properties.name}.id}})."
                    )
        return ast.Match(parts[0], where, optional)

    def unwind(self, children: list[Any]) -> ast.Unwind:
        expression, variable = children
        return ast.Unwind(expression, variable.name)

    def create(self, children: list[Any]) -> ast.Create:
        return ast.Create(children[0])

    def merge(self, children: list[Any]) -> ast.Merge:
        on_create: list[ast.SetItem] = []
        on_match: list[ast.SetItem] = []
        for action in children[1:]:
            (on_create if action.tag == "create" else on_match).extend(action.value)
        return ast.Merge(children[0], tuple(on_create), tuple(on_match))

    def on_create(self, children: list[ast.SetItem]) -> _Tagged:
        return _Tagged("create", children)

    def on_match(self, children: list[ast.SetItem]) -> _Tagged:
        return _Tagged("match", children)

    def set_clause(self, children: list[ast.SetItem]) -> ast.Set:
        return ast.Set(tuple(children))

    def set_property(self, children: list[Any]) -> ast.SetProperty:
        subject, key, _, value = children
        return ast.SetProperty(ast.Property(subject, key), value)

    def set_all_properties(self, children: list[Any]) -> ast.SetAllProperties:
        variable, _, value = children
        return ast.SetAllProperties(variable.name, value)

    def merge_properties(self, children: list[Any]) -> ast.MergeProperties:
        variable, _, value = children
        return ast.MergeProperties(variable.name, value)

    def set_labels(self, children: list[Any]) -> ast.SetLabels:
        variable, labels = children
        return ast.SetLabels(variable.name, labels)

    def remove(self, children: list[ast.RemoveItem]) -> ast.Remove:
        return ast.Remove(tuple(children))

    def remove_property(self, children: list[Any]) -> ast.RemoveProperty:
        subject, key = children
        return ast.RemoveProperty(ast.Property(subject, key))

    def remove_labels(self, children: list[Any]) -> ast.RemoveLabels:
        variable, labels = children
        return ast.RemoveLabels(variable.name, labels)

    def delete(self, children: list[Any]) -> ast.Delete:
        expressions = tuple(_exprs(children))
        if any(isinstance(e, ast.HasLabels) for e in expressions):
            raise CypherSyntaxError(
                "Invalid DELETE: labels and relationship types cannot be deleted (use REMOVE)."
            )
        return ast.Delete(expressions, detach=_has(children, "DETACH"))

    def with_clause(self, children: list[Any]) -> ast.With:
        return ast.With(children[0], self._predicate(children[1]) if len(children) > 1 else None)

    def return_clause(self, children: list[Any]) -> ast.Return:
        return ast.Return(children[0])

    def projection_body(self, children: list[Any]) -> ast.Projection:
        distinct = _has(children, "DISTINCT")
        projection: _Projection | None = None
        order_by: tuple[ast.SortItem, ...] = ()
        skip: ast.Expr | None = None
        limit: ast.Expr | None = None
        for child in children:
            if isinstance(child, _Projection):
                projection = child
            elif isinstance(child, _Tagged):
                if child.tag == "order":
                    order_by = child.value
                elif child.tag == "skip":
                    skip = child.value
                else:
                    limit = child.value
        assert projection is not None
        return ast.Projection(projection.items, projection.star, distinct, order_by, skip, limit)

    def projection_items(self, children: list[Any]) -> _Projection:
        star = _has(children, "STAR")
        return _Projection(star, tuple(_exprs(children)))

    def projection_item(self, children: list[Any]) -> ast.ProjectionItem:
        expression = children[0]
        if len(children) > 1 and isinstance(children[1], ast.Variable):
            return ast.ProjectionItem(expression, children[1].name, aliased=True)
        text = children[1].value if len(children) > 1 else ""
        return ast.ProjectionItem(expression, text)

    def order_by(self, children: list[ast.SortItem]) -> _Tagged:
        return _Tagged("order", tuple(children))

    def sort_item(self, children: list[Any]) -> ast.SortItem:
        descending = len(children) > 1 and children[1].type in ("DESC", "DESCENDING")
        return ast.SortItem(children[0], descending)

    def skip(self, children: list[Any]) -> _Tagged:
        return _Tagged("skip", children[0])

    def limit(self, children: list[Any]) -> _Tagged:
        return _Tagged("limit", children[0])

    def call(self, children: list[Any]) -> ast.Call:
        procedure = children[0].value
        args: tuple[ast.Expr, ...] | None = None
        yielded: _Yield | None = None
        for child in children[1:]:
            if isinstance(child, _Yield):
                yielded = child
            else:
                args = child.value
        if yielded is None:
            return ast.Call(procedure, args)
        return ast.Call(
            procedure,
            args,
            None if yielded.all else yielded.items,
            yielded.all,
            yielded.where,
        )

    def procedure_name(self, children: list[Token]) -> _Tagged:
        return _Tagged("name", ".".join(name_of(t) for t in children))

    def procedure_args(self, children: list[ast.Expr]) -> _Tagged:
        return _Tagged("args", tuple(children))

    def yield_clause(self, children: list[Any]) -> _Yield:
        if _has(children, "STAR"):
            return _Yield(True, (), None)
        items = tuple(c for c in children if isinstance(c, ast.YieldItem))
        where = children[-1] if not isinstance(children[-1], ast.YieldItem) else None
        self._predicate(where)
        return _Yield(False, items, where)

    def yield_item(self, children: list[Any]) -> ast.YieldItem:
        field = name_of(children[0])
        variable = children[1].name if len(children) > 1 else field
        if len(children) == 1 and children[0].type == "NAME":
            self.variable([children[0]])
        return ast.YieldItem(field, variable)

    def call_subquery(self, children: list[Any]) -> ast.CallSubquery:
        query = children[0]
        self._check_clauses(query, subquery=True)
        return ast.CallSubquery(query)

    def foreach(self, children: list[Any]) -> ast.Foreach:
        variable, _, source, _, *clauses = children
        for clause in clauses:
            if not isinstance(clause, (*_UPDATING, ast.Foreach)):
                raise CypherSyntaxError(
                    f"Invalid use of {_clause_name(clause)} inside FOREACH: only updating"
                    " clauses are allowed."
                )
        return ast.Foreach(variable.name, source, tuple(clauses))

    def load_csv(self, children: list[Any]) -> ast.LoadCsv:
        location = children[0]
        if not (
            isinstance(location, ast.Parameter)
            or (isinstance(location, ast.Literal) and isinstance(location.value, str))
        ):
            raise CypherSemanticError("CSV file path should be a string literal")
        options: dict[str, Any] = {}
        for child in children[1:-1]:
            if isinstance(child, _Tagged):
                options[child.tag] = child.value
        for tag, what in (("delimiter", "Delimiter"), ("quote", "Quote")):
            value = options.get(tag)
            if value is not None and not (
                isinstance(value, ast.Literal) and isinstance(value.value, str)
            ):
                raise CypherSemanticError(f"{what} should be a string literal")
        return ast.LoadCsv(
            location,
            with_header=not _has(children, "NO"),
            variable=children[-1].name,
            ignore_bad="ignore_bad" in options,
            delimiter=options.get("delimiter"),
            quote=options.get("quote"),
            nullif=options.get("nullif"),
            config=options.get("config"),
        )

    def csv_config(self, children: list[Any]) -> _Tagged:
        return _Tagged("config", children[0])

    def csv_ignore_bad(self, _: list[Any]) -> _Tagged:
        return _Tagged("ignore_bad", True)

    def csv_delimiter(self, children: list[Any]) -> _Tagged:
        return _Tagged("delimiter", children[0])

    def csv_quote(self, children: list[Any]) -> _Tagged:
        return _Tagged("quote", children[0])

    def csv_nullif(self, children: list[Any]) -> _Tagged:
        return _Tagged("nullif", children[0])

    # ---- queries and statements --------------------------------------------------------------

    def union(self, children: list[Token]) -> _Union:
        return _Union(bool(children))

    def single_query(self, children: list[ast.Clause]) -> ast.SingleQuery:
        return ast.SingleQuery(tuple(children))

    def query(self, children: list[Any]) -> ast.Query:
        parts = tuple(c for c in children if isinstance(c, ast.SingleQuery))
        unions = {c.all for c in children if isinstance(c, _Union)}
        if len(unions) > 1:
            raise CypherSemanticError("Invalid combination of UNION and UNION ALL.")
        return ast.Query(parts, union_all=unions == {True})

    def _check_clauses(self, query: ast.Query, subquery: bool) -> None:
        """Enforce openCypher's clause composition: RETURN last, no dangling reading clause."""
        for part in query.parts:
            clauses = part.clauses
            for clause in clauses[:-1]:
                if isinstance(clause, ast.Return):
                    raise CypherSyntaxError("RETURN can only be used at the end of the query.")
            if sum(isinstance(clause, ast.LoadCsv) for clause in clauses) > 1:
                raise CypherSemanticError(
                    "Can't have multiple LOAD CSV clauses in a single query."
                )
            last = clauses[-1]
            standalone = len(clauses) == 1 and not subquery
            for clause in clauses:
                if isinstance(clause, ast.Call) and not standalone:
                    if clause.args is None:
                        raise CypherSyntaxError(
                            f"Procedure call inside a query does not support passing arguments"
                            f" implicitly (pass them explicitly: CALL {clause.procedure}(...))."
                        )
                    if clause.yield_all:
                        raise CypherSyntaxError(
                            "YIELD * can only be used in a standalone procedure call."
                        )
            if len(query.parts) > 1 and not isinstance(last, ast.Return):
                raise CypherSyntaxError(
                    "All sub queries in an UNION must end with a RETURN clause."
                )
            if not isinstance(last, (ast.Return, ast.CallSubquery, *_UPDATING)) and not (
                isinstance(last, ast.Call)
                and (standalone or (last.yield_items is None and not last.yield_all))
            ):
                raise CypherSyntaxError(
                    f"Query cannot conclude with {_clause_name(last)} (must be a RETURN clause,"
                    " an update clause, a unit subquery call, or a procedure call with no YIELD)."
                )

    def start(self, children: list[Any]) -> ast.Statement:
        statement = children[0]
        query = statement.query if isinstance(statement, (ast.Explain, ast.Profile)) else statement
        if isinstance(query, ast.Query):
            self._check_clauses(query, subquery=False)
        return self.finish(statement)

    def explain(self, children: list[ast.Query]) -> ast.Explain:
        return ast.Explain(children[0])

    def profile(self, children: list[ast.Query]) -> ast.Profile:
        return ast.Profile(children[0])

    def create_index(self, children: list[Any]) -> ast.CreateIndex:
        properties = children[1] if len(children) > 1 else ()
        return ast.CreateIndex(name_of(children[0]), properties)

    def drop_index(self, children: list[Any]) -> ast.DropIndex:
        properties = children[1] if len(children) > 1 else ()
        return ast.DropIndex(name_of(children[0]), properties)

    def create_index_for(self, children: list[Any]) -> ast.CreateIndex:
        name: str | None = None
        if_not_exists = False
        variable: ast.Variable | None = None
        label = ""
        properties: list[str] = []
        for child in children:
            if isinstance(child, _Tagged):
                if child.tag == "index_name":
                    name = child.value
                elif child.tag == "if_not_exists":
                    if_not_exists = True
                else:
                    owner, key = child.value
                    if variable is not None and owner != variable.name:
                        self._fail(
                            None, f"Variable {owner} is not the indexed node {variable.name}."
                        )
                    properties.append(key)
            elif isinstance(child, ast.Variable):
                variable = child
            elif isinstance(child, Token) and child.type in ("NAME", "ESCAPED_NAME"):
                label = name_of(child)
        return ast.CreateIndex(label, tuple(properties), name, if_not_exists)

    def index_properties(self, children: list[str]) -> tuple[str, ...]:
        return tuple(children)

    def property_path(self, children: list[str]) -> str:
        if len(children) > 1:
            raise CypherSyntaxError(
                f"Nested property indexes ({'.'.join(children)}) are not supported; index a "
                "top-level property (a property named with a dot is written `a.b`)."
            )
        return str(children[0])

    def index_name(self, children: list[Token]) -> _Tagged:
        return _Tagged("index_name", name_of(children[0]))

    def if_not_exists(self, _: list[Any]) -> _Tagged:
        return _Tagged("if_not_exists", True)

    def variable_property(self, children: list[Any]) -> _Tagged:
        variable, key = children
        return _Tagged("property", (variable.name, key))

    def _constraint(
        self, children: list[Any]
    ) -> tuple[ast.ConstraintKind, str, tuple[str, ...], str | None]:
        variable, label, (kind, properties, data_type) = children[0].value
        for owner, _ in properties:
            if owner != variable:
                raise CypherSyntaxError(
                    f"Variable {owner} in the constraint is not the constrained node {variable}."
                )
        return kind, label, tuple(key for _, key in properties), data_type

    def create_constraint(self, children: list[Any]) -> ast.CreateConstraint:
        kind, label, properties, data_type = self._constraint(children)
        return ast.CreateConstraint(kind, label, properties, data_type)

    def drop_constraint(self, children: list[Any]) -> ast.DropConstraint:
        kind, label, properties, data_type = self._constraint(children)
        return ast.DropConstraint(kind, label, properties, data_type)

    def constraint_body(self, children: list[Any]) -> _Tagged:
        variable, label, assertion = children
        return _Tagged("constraint", (variable.name, name_of(label), assertion))

    def assert_exists(self, children: list[Any]) -> tuple[Any, ...]:
        properties = [c.value for c in children if isinstance(c, _Tagged)]
        if len(properties) != 1:
            raise CypherSyntaxError("Exactly one property must be used for existence constraints.")
        return (ast.ConstraintKind.EXISTS, properties, None)

    def assert_unique(self, children: list[Any]) -> tuple[Any, ...]:
        return (
            ast.ConstraintKind.UNIQUE,
            [c.value for c in children if isinstance(c, _Tagged)],
            None,
        )

    def assert_typed(self, children: list[Any]) -> tuple[Any, ...]:
        prop = children[0].value
        type_name = name_of(children[-1]).upper()
        if type_name not in _CONSTRAINT_TYPE_NAMES:
            raise CypherSyntaxError(
                f"IS TYPED {name_of(children[-1])} names no data type; a data type constraint "
                f"takes one of {', '.join(_CONSTRAINT_TYPE_NAMES)}."
            )
        return ast.ConstraintKind.TYPED, [prop], type_name

    def show_indexes(self, _: list[Any]) -> ast.ShowIndexes:
        return ast.ShowIndexes()

    def show_constraints(self, _: list[Any]) -> ast.ShowConstraints:
        return ast.ShowConstraints()

    def show_storage_info(self, _: list[Any]) -> ast.ShowStorageInfo:
        return ast.ShowStorageInfo()

    def drop_all_indexes(self, _: list[Any]) -> ast.DropAllIndexes:
        return ast.DropAllIndexes()

    def drop_all_constraints(self, _: list[Any]) -> ast.DropAllConstraints:
        return ast.DropAllConstraints()

    def show_version(self, _: list[Any]) -> ast.ShowVersion:
        return ast.ShowVersion()

    def show_build_info(self, _: list[Any]) -> ast.ShowBuildInfo:
        return ast.ShowBuildInfo()

    def show_config(self, _: list[Any]) -> ast.ShowConfig:
        return ast.ShowConfig()

    def show_database(self, _: list[Any]) -> ast.ShowDatabase:
        return ast.ShowDatabase()

    def show_databases(self, _: list[Any]) -> ast.ShowDatabases:
        return ast.ShowDatabases()

    def show_transactions(self, _: list[Any]) -> ast.ShowTransactions:
        return ast.ShowTransactions()

    def terminate_transactions(self, children: list[ast.Expr]) -> ast.TerminateTransactions:
        return ast.TerminateTransactions(tuple(children))

    def storage_mode(self, children: list[Token]) -> ast.SetStorageMode:
        return ast.SetStorageMode(name_of(children[0]))

    def create_snapshot(self, _: list[Any]) -> ast.CreateSnapshot:
        return ast.CreateSnapshot()

    def isolation(self, children: list[Any]) -> ast.SetIsolationLevel:
        scope, level = children
        return ast.SetIsolationLevel(scope, level)

    def isolation_scope(self, children: list[Token]) -> ast.IsolationScope:
        return ast.IsolationScope(children[0].type)

    def snapshot_isolation(self, _: list[Any]) -> ast.IsolationLevel:
        return ast.IsolationLevel.SNAPSHOT_ISOLATION

    def read_committed(self, _: list[Any]) -> ast.IsolationLevel:
        return ast.IsolationLevel.READ_COMMITTED

    def read_uncommitted(self, _: list[Any]) -> ast.IsolationLevel:
        return ast.IsolationLevel.READ_UNCOMMITTED

    def free_memory(self, _: list[Any]) -> ast.FreeMemory:
        return ast.FreeMemory()

    def drop_graph(self, _: list[Any]) -> ast.DropGraph:
        return ast.DropGraph()

    def begin(self, _: list[Any]) -> ast.Begin:
        return ast.Begin()

    def commit(self, _: list[Any]) -> ast.Commit:
        return ast.Commit()

    def rollback(self, _: list[Any]) -> ast.Rollback:
        return ast.Rollback()


def _clause_name(clause: ast.Clause) -> str:
    """The keyword a clause starts with, for error messages."""
    if isinstance(clause, ast.Match):
        return "OPTIONAL MATCH" if clause.optional else "MATCH"
    if isinstance(clause, ast.CallSubquery):
        return "CALL { ... }"
    if isinstance(clause, ast.LoadCsv):
        return "LOAD CSV"
    return type(clause).__name__.upper()


def _source_text(expression: Tree[Token] | Token, text: str) -> str:
    """The source text of an expression subtree (a lone variable gives its name).

    Expression rules that begin or end with punctuation keep their tokens (``!`` in the
    grammar), so the first and last tokens of the subtree delimit the text.
    """
    first = last = expression
    while isinstance(first, Tree):
        first = first.children[0]
    while isinstance(last, Tree):
        last = last.children[-1]
    if first is last and first.type in ("NAME", "ESCAPED_NAME"):
        return name_of(first)
    return text[first.start_pos : last.end_pos]
