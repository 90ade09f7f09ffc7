"""From a bound AST query to a logical plan (before rewrite rules).

Clauses are planned in order, each on top of the previous one's operator. ``bound`` is the
list of variable names in scope, in slot order (it mirrors the physical layout): clauses that
bind variables append to it and projections replace it. Anonymous pattern elements get names
starting with a space, which no user variable can have.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from mgcore.cypher import ast
from mgcore.cypher.binder import projected_keys
from mgcore.cypher.functions.registry import FunctionRegistry
from mgcore.cypher.logical import operators as op
from mgcore.cypher.logical.subqueries import plan_call_subquery, plan_foreach
from mgcore.cypher.physical.expressions import contains_aggregate, is_aggregate
from mgcore.errors import CypherSemanticError, CypherSyntaxError

ANON = " "


def is_anonymous(name: str) -> bool:
    """True for the generated names of anonymous pattern elements and hidden slots."""
    return name.startswith(ANON)


def pattern_variables(pattern: ast.PathPattern) -> Iterator[str]:
    """Variables a pattern names, in CREATE's binding order: nodes, relationships, path."""
    for node in pattern.nodes:
        if node.variable is not None:
            yield node.variable
    for rel in pattern.relationships:
        if rel.variable is not None:
            yield rel.variable
    if pattern.variable is not None:
        yield pattern.variable


def conjuncts(expr: ast.Expr) -> Iterator[ast.Expr]:
    """The operands of a top-level AND chain."""
    if isinstance(expr, ast.BinaryOp) and expr.op is ast.BinaryOperator.AND:
        yield from conjuncts(expr.left)
        yield from conjuncts(expr.right)
    else:
        yield expr


def property_predicates(variable: str, properties: ast.Expr | None) -> Iterator[ast.Expr]:
    """The equality conjuncts a pattern's property map stands for."""
    if properties is None:
        return
    if isinstance(properties, ast.MapLiteral):
        for key, value in properties.items:
            yield ast.BinaryOp(
                ast.BinaryOperator.EQ, ast.Property(ast.Variable(variable), key), value
            )
        return
    k = ANON + "key"
    yield ast.Quantifier(
        ast.QuantifierKind.ALL,
        k,
        ast.FunctionCall("keys", (properties,)),
        ast.BinaryOp(
            ast.BinaryOperator.EQ,
            ast.Subscript(ast.Variable(variable), ast.Variable(k)),
            ast.Subscript(properties, ast.Variable(k)),
        ),
    )


def check_shortest_pattern(pattern: ast.PathPattern) -> None:
    """``shortestPath``/``allShortestPaths`` take one plain variable-length relationship with a
    lower bound of 0 or 1 (openCypher's rules)."""
    name = pattern.kind.value
    if len(pattern.relationships) != 1:
        raise CypherSemanticError(
            f"{name}(...) requires a pattern containing a single relationship."
        )
    length = pattern.relationships[0].length
    if length is None:
        raise CypherSemanticError(f"{name}(...) requires a variable length relationship.")
    if length.kind is not ast.ExpansionKind.DEPTH_FIRST:
        raise CypherSemanticError(
            f"{name}(...) takes a plain variable length relationship, not "
            f"*{length.kind.value.upper()}."
        )
    if length.min_hops not in (None, 0, 1):
        raise CypherSemanticError(
            f"{name}(...) does not support a minimal length different from 0 or 1."
        )


class Planner:
    """Plans one statement; holds the counter for anonymous names."""

    def __init__(self, functions: FunctionRegistry) -> None:
        self.functions = functions
        self._anon = 0

    def fresh(self, hint: str = "anon") -> str:
        """A new hidden variable name."""
        self._anon += 1
        return f"{ANON}{hint}{self._anon}"

    # --------------------------------------------------------------------------- queries

    def plan_query(
        self, query: ast.Query, outer: list[str] | None = None, importing: bool = False
    ) -> tuple[op.LogicalOp, tuple[str, ...]]:
        """The plan of a (possibly UNION) query and its result columns.

        ``outer`` is None for a statement; for a subquery it is the outer scope (the argument
        row's names): the subquery's RETURN keeps handles and a query without RETURN yields its
        rows. With ``importing`` (CALL) only a leading WITH sees the outer scope; otherwise
        (EXISTS) every clause does.
        """
        plans = []
        for part in query.parts:
            if outer is None:
                plans.append(self.plan_single(part))
            elif importing and not (part.clauses and isinstance(part.clauses[0], ast.With)):
                plans.append(self.plan_single(part, op.Once(argument=False), [], True))
            else:
                plans.append(self.plan_single(part, op.Once(), list(outer), True))
        if len(plans) == 1:
            return plans[0]
        columns = plans[0][1]
        for _, cols in plans[1:]:
            if cols != columns:
                raise CypherSyntaxError(
                    "All subqueries in an UNION must have the same column names."
                )
        return op.Union(tuple(p for p, _ in plans), query.union_all, columns), columns

    def plan_single(
        self,
        query: ast.SingleQuery,
        start: op.LogicalOp | None = None,
        bound: list[str] | None = None,
        nested: bool = False,
    ) -> tuple[op.LogicalOp, tuple[str, ...]]:
        """The plan of one query without UNION, on top of ``start`` with ``bound`` in scope."""
        plan: op.LogicalOp = start if start is not None else op.Once()
        bound = bound if bound is not None else []
        columns: tuple[str, ...] | None = None
        clauses = query.clauses
        for i, clause in enumerate(clauses):
            if isinstance(clause, ast.Return):
                plan, bound = self.plan_projection(
                    plan, bound, clause.projection, None, not nested
                )
                columns = tuple(bound)
            elif isinstance(clause, ast.Call):
                plan, columns = self.plan_call(
                    plan, bound, clause, standalone=len(clauses) == 1 and not nested
                )
                if columns is not None and i != len(clauses) - 1:
                    columns = None
            else:
                plan, bound = self.plan_clause(plan, bound, clause)
        if columns is None:
            return (plan, ()) if nested else (op.EmptyResult(plan), ())
        return plan, columns

    def plan_clause(
        self, plan: op.LogicalOp, bound: list[str], clause: ast.Clause
    ) -> tuple[op.LogicalOp, list[str]]:
        """One clause other than RETURN and procedure CALL on top of ``plan``; returns the new
        plan and the names in scope after it."""
        if isinstance(clause, ast.With):
            return self.plan_projection(plan, bound, clause.projection, clause.where, False)
        if isinstance(clause, ast.Match):
            plan = self.plan_match(plan, bound, clause)
        elif isinstance(clause, ast.Unwind):
            plan = op.Unwind(plan, clause.expression, clause.variable)
            bound.append(clause.variable)
        elif isinstance(clause, ast.LoadCsv):
            plan = op.LoadCsv(
                plan, clause.location, clause.with_header, clause.ignore_bad, clause.delimiter,
                clause.quote, clause.nullif, clause.variable,
            )
            bound.append(clause.variable)
        elif isinstance(clause, ast.Create):
            patterns = tuple(self.name_pattern(p) for p in clause.patterns)
            plan = op.Create(plan, patterns)
            for p in patterns:
                for name in pattern_variables(p):
                    if name not in bound:
                        bound.append(name)
        elif isinstance(clause, ast.Merge):
            plan = self.plan_merge(plan, bound, clause)
        elif isinstance(clause, ast.Set):
            plan = op.SetItems(plan, clause.items)
        elif isinstance(clause, ast.Remove):
            plan = op.RemoveItems(plan, clause.items)
        elif isinstance(clause, ast.Delete):
            plan = op.Delete(plan, clause.expressions, clause.detach)
        elif isinstance(clause, ast.Foreach):
            plan = plan_foreach(self, plan, bound, clause)
        elif isinstance(clause, ast.CallSubquery):
            plan = plan_call_subquery(self, plan, bound, clause)
        else:
            raise CypherSyntaxError(f"{type(clause).__name__} is not supported yet.")
        return plan, bound

    # ---------------------------------------------------------------------------- MATCH

    def name_pattern(self, pattern: ast.PathPattern) -> ast.PathPattern:
        """``pattern`` with a generated name for every anonymous node and relationship."""
        nodes = tuple(
            n if n.variable is not None else dataclasses.replace(n, variable=self.fresh("n"))
            for n in pattern.nodes
        )
        rels = tuple(
            r if r.variable is not None else dataclasses.replace(r, variable=self.fresh("r"))
            for r in pattern.relationships
        )
        return dataclasses.replace(pattern, nodes=nodes, relationships=rels)

    def plan_match(self, plan: op.LogicalOp, bound: list[str], clause: ast.Match) -> op.LogicalOp:
        """MATCH or OPTIONAL MATCH on top of ``plan``."""
        if not clause.optional:
            return self.plan_patterns(plan, bound, clause.patterns, clause.where)
        inner = list(bound)
        branch = self.plan_patterns(op.Once(), inner, clause.patterns, clause.where)
        new = tuple(inner[len(bound):])
        bound.extend(new)
        return op.Optional(plan, branch, new)

    def plan_patterns(
        self,
        plan: op.LogicalOp,
        bound: list[str],
        patterns: tuple[ast.PathPattern, ...],
        where: ast.Expr | None,
    ) -> op.LogicalOp:
        """Scans, expands and filters matching ``patterns``; appends new names to ``bound``."""
        rels: list[str] = []
        for pattern in patterns:
            plan = self.plan_path(plan, bound, self.name_pattern(pattern), rels)
        if where is not None:
            for predicate in conjuncts(where):
                plan = op.Filter(plan, predicate)
        return plan

    def _node_filters(
        self, plan: op.LogicalOp, node: ast.NodePattern
    ) -> op.LogicalOp:
        assert node.variable is not None
        if node.labels:
            plan = op.Filter(plan, ast.HasLabels(ast.Variable(node.variable), node.labels))
        for predicate in property_predicates(node.variable, node.properties):
            plan = op.Filter(plan, predicate)
        return plan

    def plan_path(
        self, plan: op.LogicalOp, bound: list[str], pattern: ast.PathPattern, rels: list[str]
    ) -> op.LogicalOp:
        """One named path pattern; ``rels`` collects the clause's relationship variables."""
        nodes = pattern.nodes
        if pattern.kind is not ast.PathKind.ALL_PATHS:
            check_shortest_pattern(pattern)
        start = self._start_index(pattern, bound)
        first = nodes[start]
        assert first.variable is not None
        if first.variable not in bound:
            plan = op.ScanAll(plan, first.variable)
            bound.append(first.variable)
        plan = self._node_filters(plan, first)
        order = [(i, True) for i in range(start, len(pattern.relationships))]
        order += [(i, False) for i in range(start - 1, -1, -1)]
        for i, forward in order:
            rel = pattern.relationships[i]
            source = nodes[i] if forward else nodes[i + 1]
            target = nodes[i + 1] if forward else nodes[i]
            plan = self._plan_hop(plan, bound, rel, source, target, forward, rels, pattern.kind)
        if pattern.variable is not None:
            elements: list[str] = []
            for i, node in enumerate(nodes):
                elements.append(node.variable)  # type: ignore[arg-type]
                if i < len(pattern.relationships):
                    elements.append(pattern.relationships[i].variable)  # type: ignore[arg-type]
            plan = op.ConstructPath(plan, pattern.variable, tuple(elements))
            bound.append(pattern.variable)
        return plan

    def _plan_hop(
        self,
        plan: op.LogicalOp,
        bound: list[str],
        rel: ast.RelationshipPattern,
        source: ast.NodePattern,
        target: ast.NodePattern,
        forward: bool,
        rels: list[str],
        path_kind: ast.PathKind = ast.PathKind.ALL_PATHS,
    ) -> op.LogicalOp:
        assert rel.variable is not None and source.variable and target.variable
        direction = rel.direction
        if not forward and direction is not ast.Direction.BOTH:
            direction = (
                ast.Direction.INCOMING
                if direction is ast.Direction.OUTGOING
                else ast.Direction.OUTGOING
            )
        target_bound = target.variable in bound
        length = rel.length
        if length is not None and (
            length.kind is not ast.ExpansionKind.DEPTH_FIRST
            or path_kind is not ast.PathKind.ALL_PATHS
        ):
            plan = self._plan_shortest(
                plan, bound, rel, length, source.variable, target.variable, direction,
                target_bound, not forward, path_kind,
            )
        elif length is not None:
            rel_bound = rel.variable in bound
            low = 1 if length.min_hops is None else length.min_hops
            plan = op.VarExpand(
                plan, source.variable, rel.variable, target.variable, direction, rel.types,
                low, length.max_hops, rel.properties, target_bound, not forward, length.filter,
                rel_bound,
            )
            if not rel_bound:
                bound.append(rel.variable)
        else:
            rel_bound = rel.variable in bound
            plan = op.Expand(
                plan, source.variable, rel.variable, target.variable, direction, rel.types,
                target_bound, rel_bound,
            )
            if not rel_bound:
                bound.append(rel.variable)
            for predicate in property_predicates(rel.variable, rel.properties):
                plan = op.Filter(plan, predicate)
        if not target_bound:
            bound.append(target.variable)
        if length is not None and length.total_weight is not None:
            bound.append(length.total_weight)
        if rels:
            plan = op.EdgeUniqueness(plan, rel.variable, tuple(rels))
        rels.append(rel.variable)
        return self._node_filters(plan, target)

    def _plan_shortest(
        self,
        plan: op.LogicalOp,
        bound: list[str],
        rel: ast.RelationshipPattern,
        length: ast.VarLength,
        source: str,
        target: str,
        direction: ast.Direction,
        target_bound: bool,
        reverse: bool,
        path_kind: ast.PathKind,
    ) -> op.LogicalOp:
        """A shortest-path hop; ``shortestPath``/``allShortestPaths`` become BFS expansions."""
        assert rel.variable is not None
        if rel.variable in bound:
            raise CypherSyntaxError(
                f"Variable '{rel.variable}' of a variable length relationship is already bound."
            )
        kind = length.kind
        if path_kind is not ast.PathKind.ALL_PATHS:
            kind = ast.ExpansionKind.BREADTH_FIRST
        if kind is ast.ExpansionKind.K_SHORTEST and not target_bound:
            raise CypherSemanticError(
                "KSHORTEST expansion requires matched nodes. Try capturing the pair of nodes "
                "using a WITH clause."
            )
        low = 1 if length.min_hops is None else length.min_hops
        plan = op.ShortestExpand(
            plan, source, rel.variable, target, direction, rel.types, kind, low,
            length.max_hops, rel.properties, length.filter, length.weight, length.total_weight,
            length.limit, target_bound, reverse,
            all_paths=path_kind is ast.PathKind.ALL_SHORTEST,
            zero_length=path_kind is not ast.PathKind.ALL_PATHS and low == 0,
        )
        bound.append(rel.variable)
        return plan

    @staticmethod
    def _start_index(pattern: ast.PathPattern, bound: list[str]) -> int:
        """Where to start a path: a bound node, else the most constrained one."""
        best, best_score = 0, -1
        for i, node in enumerate(pattern.nodes):
            if node.variable in bound:
                return i
            score = (2 if node.labels else 0) + (1 if node.properties is not None else 0)
            if score > best_score:
                best, best_score = i, score
        return best

    # ---------------------------------------------------------------------------- MERGE

    def plan_merge(self, plan: op.LogicalOp, bound: list[str], clause: ast.Merge) -> op.LogicalOp:
        """MERGE: match the pattern, or create it when there is no match."""
        pattern = self.name_pattern(clause.pattern)
        for rel in pattern.relationships:
            if rel.length is not None:
                raise CypherSyntaxError("Variable length relationships can't be merged.")
            if len(rel.types) != 1:
                raise CypherSyntaxError(
                    "Exactly one relationship type must be specified for MERGE."
                )
        inner = list(bound)
        match = self.plan_patterns(op.Once(), inner, (pattern,), None)
        new = tuple(n for n in pattern_variables(pattern) if n not in bound)
        names = (*bound, *new)
        match = op.Select(match, names)
        create = op.Select(op.Create(op.Once(), (pattern,)), names)
        bound.extend(new)
        return op.Merge(plan, match, create, clause.on_match, clause.on_create, new)

    # ----------------------------------------------------------------------------- CALL

    def plan_call(
        self, plan: op.LogicalOp, bound: list[str], clause: ast.Call, standalone: bool
    ) -> tuple[op.LogicalOp, tuple[str, ...] | None]:
        """CALL proc(...) [YIELD ...]; the field list is resolved at compile time when YIELD
        is omitted or ``*`` (marked by an empty ``yields``); the compiler also rejects an
        in-query call without YIELD to a procedure that has output columns."""
        if clause.yield_items is not None:
            yields = tuple((y.field, y.variable) for y in clause.yield_items)
        else:
            yields = ()
        plan = op.CallProcedure(plan, clause.procedure, clause.args, yields, standalone)
        if clause.where is not None:
            plan = op.Filter(plan, clause.where)
        if yields:
            bound.extend(v for _, v in yields)
            if standalone:
                names = tuple(v for _, v in yields)
                return op.Select(plan, names, result=True), names
            return plan, None
        if not standalone:
            return plan, None
        return plan, ("*",)

    # ----------------------------------------------------------------------- projections

    def plan_projection(
        self,
        plan: op.LogicalOp,
        bound: list[str],
        projection: ast.Projection,
        where: ast.Expr | None,
        is_return: bool,
    ) -> tuple[op.LogicalOp, list[str]]:
        """WITH / RETURN: project, aggregate, distinct, order, skip, limit, select."""
        items: list[tuple[str, ast.Expr]] = []
        if projection.star:
            user = sorted(n for n in dict.fromkeys(bound) if not is_anonymous(n))
            if is_return and not user and not projection.items:
                raise CypherSyntaxError(
                    "RETURN * is not allowed when there are no variables in scope."
                )
            items.extend((n, ast.Variable(n)) for n in user)
        items.extend((item.name, item.expression) for item in projection.items)
        names = tuple(name for name, _ in items)
        if len(set(names)) != len(names):
            raise CypherSyntaxError(
                "Multiple result columns with the same name are not supported."
            )
        aggregating = any(contains_aggregate(e, self.functions) for _, e in items)
        substitutions: list[tuple[str, ast.Expr]] = []
        if aggregating:
            keys = tuple((n, e) for n, e in items if not contains_aggregate(e, self.functions))
            aggs: dict[ast.Expr, str] = {}
            for _, e in items:
                for sub in ast.walk_scope(e):
                    if (
                        isinstance(sub, ast.Expr)
                        and is_aggregate(sub, self.functions)
                        and sub not in aggs
                    ):
                        aggs[sub] = self.fresh("agg")
            agg_items = tuple((name, e) for e, name in aggs.items())
            plan = op.Aggregate(plan, keys, agg_items)
            substitutions = [(name, e) for e, name in aggs.items()]
            substitutions += [(n, e) for n, e in keys if not isinstance(e, ast.Variable)]
            rest = tuple((n, e) for n, e in items if contains_aggregate(e, self.functions))
            plan = op.Extend(plan, rest, tuple(substitutions))
        else:
            plan = op.Extend(plan, tuple(items))
        substitutions += [(n, e) for n, e in items if not isinstance(e, ast.Variable)]
        if projection.distinct:
            plan = op.Distinct(plan, names)
        if projection.order_by:
            plan = op.Sort(
                plan,
                tuple((s.expression, s.descending) for s in projection.order_by),
                tuple(substitutions),
            )
        if projection.skip is not None:
            plan = op.Skip(plan, projection.skip)
        if projection.limit is not None:
            plan = op.Limit(plan, projection.limit)
        sees_incoming = not aggregating and not projection.distinct
        if where is not None and sees_incoming:
            plan = op.Filter(plan, where)
        plan = op.Select(plan, names, result=is_return)
        if where is not None and not sees_incoming:
            plan = op.Filter(plan, ast.substitute(where, projected_keys(projection)))
        return plan, list(names)
