"""The binder: scopes and the semantic checks the TCK expects at compile time.

It walks a query's clauses with the variables in scope and their kinds, and raises before
planning: undefined variables, variables rebound or used as another kind, aggregations where
they are not allowed, unaliased WITH expressions, non-constant SKIP/LIMIT. Compile-time errors
are ``CypherSyntaxError`` (the TCK's ``SyntaxError`` kind, Memgraph's ClientError code).
"""

from __future__ import annotations

from collections.abc import Iterable

from mgcore.cypher import ast
from mgcore.cypher.binder_subqueries import (
    check_call_subquery,
    check_conclusion,
    check_exists_query,
)
from mgcore.cypher.functions.registry import FunctionRegistry
from mgcore.cypher.typecheck import (
    ANY,
    BOOLEAN,
    MAP,
    NODE,
    PATH,
    RELATIONSHIP,
    STRING,
    StaticType,
    TypeChecker,
    list_of,
)
from mgcore.errors import CypherSyntaxError, InvalidArgumentType

RELATIONSHIP_LIST = list_of(RELATIONSHIP)
VALUE = ANY
"""A variable whose type is not known at compile time."""
ANY_LIST = list_of(VALUE)

Scope = dict[str, StaticType]
"""Variables in scope and their static types."""

_RANDOM_FUNCTIONS = frozenset({"rand", "randomuuid"})


def _conflict(name: str, kind: StaticType, used_as: StaticType) -> CypherSyntaxError:
    return CypherSyntaxError(
        f"Type mismatch: {name} already defined as {kind}, used as {used_as}.",
        detail="VariableTypeConflict",
    )


def _already_bound(name: str) -> CypherSyntaxError:
    return CypherSyntaxError(f"Redeclaring variable: {name}.", detail="VariableAlreadyBound")


def _element(t: StaticType) -> StaticType:
    """The type of a variable iterating over a value of type ``t`` (UNWIND, FOREACH)."""
    if t.name == "LIST":
        return t.element or ANY
    return t


class Binder:
    """Checks one statement; raises CypherSyntaxError on the first problem."""

    def __init__(self, functions: FunctionRegistry) -> None:
        self.functions = functions
        self.types = TypeChecker(functions)

    # ----------------------------------------------------------------------- queries

    def check_query(self, query: ast.Query, outer: Scope | None = None) -> None:
        """Check every part of a (UNION) query."""
        for part in query.parts:
            self.check_single(part, dict(outer or {}))
            if outer is None:
                check_conclusion(part)

    def check_single(self, query: ast.SingleQuery, scope: Scope) -> Scope:
        """Check the clauses of a single query in order; return the scope after the last."""
        clauses = query.clauses
        for i, clause in enumerate(clauses):
            if isinstance(clause, ast.Return) and i != len(clauses) - 1:
                raise CypherSyntaxError("RETURN can only be used at the end of the query.")
            scope = self.check_clause(clause, scope)
        return scope

    def check_clause(self, clause: ast.Clause, scope: Scope) -> Scope:
        """Check one clause and return the scope after it."""
        if isinstance(clause, ast.Match):
            for pattern in clause.patterns:
                self.bind_pattern(pattern, scope, creating=False)
            if clause.where is not None:
                self.check_predicate(clause.where, scope)
            return scope
        if isinstance(clause, ast.Unwind):
            t = self.check_expr(clause.expression, scope, aggregates=False)
            if clause.variable in scope:
                raise _already_bound(clause.variable)
            scope[clause.variable] = _element(t)
            return scope
        if isinstance(clause, ast.LoadCsv):
            for option in (
                clause.location, clause.delimiter, clause.quote, clause.nullif, clause.config
            ):
                if option is not None:
                    self.check_expr(option, {}, aggregates=False)
            if clause.variable in scope:
                raise _already_bound(clause.variable)
            scope[clause.variable] = MAP if clause.with_header else ANY_LIST
            return scope
        if isinstance(clause, ast.Create):
            for pattern in clause.patterns:
                self.bind_pattern(pattern, scope, creating=True)
            return scope
        if isinstance(clause, ast.Merge):
            self.bind_pattern(clause.pattern, scope, creating=True, merging=True)
            self.check_set_items(clause.on_create, scope)
            self.check_set_items(clause.on_match, scope)
            return scope
        if isinstance(clause, ast.Set):
            self.check_set_items(clause.items, scope)
            return scope
        if isinstance(clause, ast.Remove):
            for item in clause.items:
                if isinstance(item, ast.RemoveProperty):
                    self.check_expr(item.target, scope, aggregates=False)
                elif isinstance(item, ast.RemoveLabels):
                    self.use(item.variable, scope)
            return scope
        if isinstance(clause, ast.Delete):
            for e in clause.expressions:
                t = self.check_expr(e, scope, aggregates=False)
                if isinstance(e, ast.Literal | ast.ListLiteral | ast.MapLiteral | ast.BinaryOp) or (
                    t.is_numeric or t in (BOOLEAN, STRING, MAP)
                ):
                    raise InvalidArgumentType(
                        "DELETE can only delete nodes, relationships or paths."
                    )
            return scope
        if isinstance(clause, ast.With | ast.Return):
            projection = clause.projection
            new = self.check_projection(projection, scope, isinstance(clause, ast.With))
            if isinstance(clause, ast.With) and clause.where is not None:
                sees_incoming = not projection.distinct and not any(
                    self._has_aggregate(item.expression) for item in projection.items
                )
                if sees_incoming:
                    self.check_predicate(clause.where, {**scope, **new})
                else:
                    where = ast.substitute(clause.where, projected_keys(projection))
                    self.check_predicate(where, new)
            return new
        if isinstance(clause, ast.Foreach):
            t = self.check_expr(clause.source, scope, aggregates=False)
            if clause.variable in scope:
                raise _already_bound(clause.variable)
            inner = {**scope, clause.variable: _element(t)}
            for sub in clause.clauses:
                inner = self.check_clause(sub, inner)
            return scope
        if isinstance(clause, ast.CallSubquery):
            for name, kind in check_call_subquery(self, clause.query, scope).items():
                if name in scope:
                    raise CypherSyntaxError(
                        f"Variable '{name}' returned by the subquery is already declared in the"
                        " outer scope.",
                        detail="VariableAlreadyBound",
                    )
                scope[name] = kind
            return scope
        if isinstance(clause, ast.Call):
            for arg in clause.args or ():
                self.check_expr(arg, scope, aggregates=False)
            for yielded in clause.yield_items or ():
                if yielded.variable in scope:
                    raise _already_bound(yielded.variable)
                scope[yielded.variable] = VALUE
            if clause.where is not None:
                self.check_expr(clause.where, scope, aggregates=False)
            return scope
        return scope

    def check_set_items(self, items: Iterable[ast.SetItem], scope: Scope) -> None:
        """SET items: targets must be bound; ``n.p[0] = x`` is not a SET target."""
        for item in items:
            if isinstance(item, ast.SetProperty):
                self.check_expr(item.target, scope, aggregates=False)
                self.check_expr(item.value, scope, aggregates=False)
            elif isinstance(item, ast.SetAllProperties | ast.MergeProperties):
                self.use(item.variable, scope)
                self.check_expr(item.value, scope, aggregates=False)
            elif isinstance(item, ast.SetLabels):
                self.use(item.variable, scope)

    # ---------------------------------------------------------------------- patterns

    def bind_pattern(
        self, pattern: ast.PathPattern, scope: Scope, creating: bool, merging: bool = False
    ) -> None:
        """Bind a pattern's variables, checking kinds and rebinding rules."""
        if pattern.variable is not None and pattern.variable in scope:
            raise _already_bound(pattern.variable)
        single_node = not pattern.relationships
        for node in pattern.nodes:
            name = node.variable
            if node.properties is not None:
                self.check_expr(node.properties, scope, aggregates=False)
            if name is None:
                continue
            kind = scope.get(name)
            if kind is None:
                scope[name] = NODE
            elif kind not in (NODE, VALUE):
                raise _conflict(name, kind, NODE)
            elif creating and (node.labels or node.properties is not None or single_node):
                raise _already_bound(name)
        for rel in pattern.relationships:
            if rel.properties is not None:
                self.check_expr(rel.properties, scope, aggregates=False)
            if rel.length is not None:
                self.check_expansion(rel.length, scope)
            if creating:
                if len(rel.types) != 1:
                    raise CypherSyntaxError(
                        "A single relationship type must be specified for "
                        f"{'MERGE' if merging else 'CREATE'}."
                    )
                if rel.direction is ast.Direction.BOTH and not merging:
                    raise CypherSyntaxError(
                        "Only directed relationships are supported in CREATE."
                    )
                if rel.length is not None:
                    raise CypherSyntaxError(
                        "Variable length relationships are not supported in "
                        f"{'MERGE' if merging else 'CREATE'}."
                    )
            name = rel.variable
            if name is None:
                continue
            kind = scope.get(name)
            want = RELATIONSHIP_LIST if rel.length is not None else RELATIONSHIP
            if kind is None:
                scope[name] = want
            elif kind not in (want, VALUE) and not (want is RELATIONSHIP_LIST and kind == ANY_LIST):
                raise _conflict(name, kind, want)
            elif creating or (
                rel.length is not None and rel.length.kind is not ast.ExpansionKind.DEPTH_FIRST
            ):
                raise _already_bound(name)
        if pattern.variable is not None:
            scope[pattern.variable] = PATH

    def check_expansion(self, length: ast.VarLength, scope: Scope) -> None:
        """Memgraph's rules for lambdas, bounds and the total weight of deep-path expansions;
        binds the total weight variable."""
        kind = length.kind
        weighted = kind in (ast.ExpansionKind.WEIGHTED_SHORTEST, ast.ExpansionKind.ALL_SHORTEST)
        if weighted and length.min_hops is not None:
            raise CypherSyntaxError(
                "Lower bound is not allowed in weighted or all shortest path expansion."
            )
        if length.weight is not None:
            if len(length.weight.variables) != 2:
                raise CypherSyntaxError(
                    "The weight lambda takes two variables: (edge, node | weight)."
                )
            self._check_lambda(length.weight, scope)
        lam = length.filter
        if lam is not None:
            arity = len(lam.variables)
            if kind is ast.ExpansionKind.K_SHORTEST and arity > 2:
                raise CypherSyntaxError(
                    "KSHORTEST expansion does not support the accumulated path in a filter lambda."
                )
            if arity == 4 and not weighted:
                raise CypherSyntaxError(
                    "Accumulated weight in filter lambda can be used only with shortest paths "
                    "expansion."
                )
            if arity > 4:
                raise CypherSyntaxError(
                    "A filter lambda takes at most four variables: (edge, node, path, weight | "
                    "expression)."
                )
            self._check_lambda(lam, scope)
        if length.total_weight is not None:
            if length.total_weight in scope:
                raise _already_bound(length.total_weight)
            scope[length.total_weight] = VALUE

    def _check_lambda(self, lam: ast.ExpansionLambda, scope: Scope) -> None:
        kinds = (RELATIONSHIP, NODE, PATH, VALUE)
        if len(set(lam.variables)) != len(lam.variables):
            raise _already_bound(lam.variables[-1])
        inner = {**scope, **dict(zip(lam.variables, kinds, strict=False))}
        self.check_expr(lam.expression, inner, aggregates=False)

    # ------------------------------------------------------------------- projections

    def check_projection(self, projection: ast.Projection, scope: Scope, is_with: bool) -> Scope:
        """Check a WITH/RETURN body; return the scope it produces."""
        new: Scope = {}
        if projection.star:
            if not is_with and not any(not n.startswith(" ") for n in scope) and not (
                projection.items
            ):
                raise CypherSyntaxError(
                    "RETURN * is not allowed when there are no variables in scope."
                )
            new.update(scope)
        aggregate_items: list[ast.Expr] = []
        keys: set[ast.Expr] = {ast.Variable(n) for n in new}
        for item in projection.items:
            t = self.check_expr(item.expression, scope, aggregates=True)
            if self._has_aggregate(item.expression):
                aggregate_items.append(item.expression)
            elif _simple_key(item.expression):
                keys.add(item.expression)
            if is_with and not item.aliased and not isinstance(item.expression, ast.Variable):
                raise CypherSyntaxError("Expression in WITH must be aliased (use AS).")
            if item.name in new and not projection.star:
                raise CypherSyntaxError(
                    "Multiple result columns with the same name are not supported.",
                    detail="ColumnNameConflict",
                )
            new[item.name] = t
        aggregating = bool(aggregate_items)
        for expr in aggregate_items:
            self._check_grouping(expr, keys)
        projected = {item.expression for item in projection.items}
        if aggregating or projection.distinct:
            renames: dict[ast.Expr, ast.Expr] = {
                item.expression: ast.Variable(item.name)
                for item in projection.items
                if _simple_key(item.expression) or self._is_aggregate(item.expression)
            }
            for expr in aggregate_items:
                for sub in ast.walk_scope(expr):
                    if isinstance(sub, ast.Expr) and self._is_aggregate(sub):
                        renames.setdefault(sub, ast.Variable(_PROJECTED_AGGREGATE))
            order_scope = {**new, _PROJECTED_AGGREGATE: VALUE}
            for sort in projection.order_by:
                if sort.expression in projected:
                    continue
                renamed = ast.substitute(sort.expression, renames)
                if self._has_aggregate(sort.expression) and _free_names(renamed) - set(new) - {
                    _PROJECTED_AGGREGATE
                }:
                    raise CypherSyntaxError(
                        "Expressions mixing aggregations with other values in ORDER BY may only "
                        "use projected variables and properties (AmbiguousAggregationExpression)."
                    )
                self.check_expr(renamed, order_scope, aggregates=False)
        else:
            for sort in projection.order_by:
                self.check_expr(sort.expression, {**scope, **new}, aggregates=False)
        for bound in (projection.skip, projection.limit):
            if bound is None:
                continue
            if any(isinstance(n, ast.Variable) for n in ast.walk(bound)):
                raise CypherSyntaxError(
                    "It is not allowed to refer to variables in SKIP or LIMIT.",
                    detail="NonConstantExpression",
                )
            if isinstance(bound, ast.Literal) and (
                type(bound.value) is not int or bound.value < 0
            ):
                negative = type(bound.value) is int
                raise CypherSyntaxError(
                    "SKIP and LIMIT require a non-negative integer.",
                    detail="NegativeIntegerArgument" if negative else "InvalidArgumentType",
                )
        return new

    def _check_grouping(self, expr: ast.Expr, keys: set[ast.Expr]) -> None:
        """Outside its aggregates, an aggregating projection item may only use grouping keys
        that are variables or properties of variables (openCypher's implicit grouping rule)."""
        if expr in keys or self._is_aggregate(expr):
            return
        if isinstance(expr, ast.Variable):
            raise CypherSyntaxError(
                f"Variable '{expr.name}' is used next to an aggregation but is not a grouping "
                "key (AmbiguousAggregationExpression)."
            )
        if isinstance(
            expr,
            ast.ListComprehension | ast.Quantifier | ast.Reduce | ast.PatternComprehension
            | ast.PatternExpression | ast.Exists,
        ):
            return
        for child in ast.children(expr):
            if isinstance(child, ast.Expr):
                self._check_grouping(child, keys)

    def _has_aggregate(self, expr: ast.Expr) -> bool:
        return any(self._is_aggregate(n) for n in ast.walk_scope(expr))

    def _is_aggregate(self, node: ast.Node) -> bool:
        if isinstance(node, ast.CountStar):
            return True
        return isinstance(node, ast.FunctionCall) and self.functions.is_aggregate(node.name)

    # ------------------------------------------------------------------- expressions

    def use(self, name: str, scope: Scope) -> StaticType:
        """The type of a referenced variable; CypherSyntaxError when it is not bound."""
        kind = scope.get(name)
        if kind is None:
            raise CypherSyntaxError(f"Unbound variable: {name}.", detail="UndefinedVariable")
        return kind

    def check_expr(self, expr: ast.Node, scope: Scope, aggregates: bool) -> StaticType:
        """Check scopes and aggregations in ``expr``, then its static types; return its type."""
        self._check_scopes(expr, scope, aggregates)
        return self.types.infer(expr, scope)

    def check_predicate(self, expr: ast.Expr, scope: Scope) -> None:
        """A WHERE condition: checked like any expression, and it must be able to be boolean."""
        self._check_scopes(expr, scope, aggregates=False)
        self.types.require_predicate(expr, scope)

    def _check_scopes(
        self, expr: ast.Node, scope: Scope, aggregates: bool, in_aggregate: bool = False
    ) -> None:
        """Variables bound, aggregations only where allowed and never nested."""
        if isinstance(expr, ast.Variable):
            self.use(expr.name, scope)
            return
        if self._is_aggregate(expr):
            if not aggregates:
                raise CypherSyntaxError(
                    "Aggregation functions are only allowed in WITH and RETURN.",
                    detail="InvalidAggregation",
                )
            if in_aggregate:
                raise CypherSyntaxError(
                    "Nested aggregation functions are not allowed.", detail="NestedAggregation"
                )
            for node in ast.walk_scope(expr):
                if isinstance(node, ast.FunctionCall) and node.name.lower() in _RANDOM_FUNCTIONS:
                    raise CypherSyntaxError(
                        "Can't use non-deterministic (random) functions inside of aggregate"
                        " functions.",
                        detail="NonConstantExpression",
                    )
            for child in ast.children(expr):
                self._check_scopes(child, scope, aggregates, in_aggregate=True)
            return
        if isinstance(expr, ast.ListComprehension | ast.Quantifier):
            self._check_scopes(expr.source, scope, aggregates, in_aggregate)
            inner = {**scope, expr.variable: VALUE}
            for tail in (expr.where, getattr(expr, "projection", None)):
                if tail is not None:
                    self._check_scopes(tail, inner, False)
            return
        if isinstance(expr, ast.Reduce):
            self._check_scopes(expr.initial, scope, aggregates, in_aggregate)
            self._check_scopes(expr.source, scope, aggregates, in_aggregate)
            inner = {**scope, expr.accumulator: VALUE, expr.variable: VALUE}
            self._check_scopes(expr.expression, inner, False)
            return
        if isinstance(expr, ast.MapProjection):
            self.use(expr.variable, scope)
            for item in expr.items:
                if isinstance(item, ast.MapEntry):
                    self._check_scopes(item.value, scope, aggregates, in_aggregate)
            return
        if isinstance(expr, ast.PatternExpression | ast.PatternComprehension | ast.Exists):
            inner = dict(scope)
            patterns = (
                expr.patterns if isinstance(expr, ast.Exists) else (expr.pattern,)
            )
            for pattern in patterns:
                if isinstance(expr, ast.PatternExpression):
                    self._no_new_variables(pattern, scope)
                self.bind_pattern(pattern, inner, creating=False)
            for tail in (getattr(expr, "where", None), getattr(expr, "projection", None)):
                if tail is not None:
                    self._check_scopes(tail, inner, False)
            if isinstance(expr, ast.Exists) and expr.query is not None:
                check_exists_query(self, expr.query, scope)
            return
        for child in ast.children(expr):
            self._check_scopes(child, scope, aggregates, in_aggregate)

    @staticmethod
    def _no_new_variables(pattern: ast.PathPattern, scope: Scope) -> None:
        """A pattern used as an expression only tests bound variables; it introduces none."""
        names = [node.variable for node in pattern.nodes]
        names.extend(rel.variable for rel in pattern.relationships)
        names.append(pattern.variable)
        for name in names:
            if name is not None and name not in scope:
                raise CypherSyntaxError(
                    f"A pattern expression may not introduce new variables: {name}.",
                    detail="UndefinedVariable",
                )


_PROJECTED_AGGREGATE = " projected aggregate"
"""A name no query can spell: stands for an aggregate of the projection inside ORDER BY."""


def _simple_key(expr: ast.Expr) -> bool:
    """A grouping key that expressions next to an aggregate may use: ``v`` or ``v.key``."""
    if isinstance(expr, ast.Variable):
        return True
    return isinstance(expr, ast.Property) and isinstance(expr.subject, ast.Variable)


def projected_keys(projection: ast.Projection) -> dict[ast.Node, ast.Node]:
    """Projected ``v.key`` items by the variable that names them: after DISTINCT or aggregation,
    WHERE and ORDER BY may still write ``v.key`` for a projected ``v.key AS k``."""
    return {
        item.expression: ast.Variable(item.name)
        for item in projection.items
        if isinstance(item.expression, ast.Property) and _simple_key(item.expression)
    }


def _free_names(expr: ast.Node) -> set[str]:
    """Variables ``expr`` reads, over-approximated (names bound inside it are included)."""
    return {n.name for n in ast.walk_scope(expr) if isinstance(n, ast.Variable)}


def bind(statement: ast.Query, functions: FunctionRegistry) -> None:
    """Check ``statement``; raises CypherSyntaxError for the first semantic problem."""
    Binder(functions).check_query(statement)
