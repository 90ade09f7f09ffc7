"""Logical plan → physical operators, with slots fixed and expressions compiled (the plan mapper).

``PlanCompiler.compile(plan, layout)`` returns the physical root and its output layout; the
argument layout is what the leaf ``Once`` yields (empty for a query, the outer row's layout for
branches). With ``profile`` every operator is wrapped to count rows and time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mgcore.cypher import ast
from mgcore.cypher.functions.aggregates import CountStar
from mgcore.cypher.logical import operators as lg
from mgcore.cypher.logical.planner import Planner, pattern_variables
from mgcore.cypher.logical.rules import RULES, Rule, optimize
from mgcore.cypher.physical.expressions import (
    Compiled,
    ExpressionCompiler,
    SubplanRunner,
)
from mgcore.cypher.physical.operators import (
    expand,
    flow,
    load_csv,
    project,
    scan,
    shortest,
    subquery,
    write,
)
from mgcore.cypher.physical.operators.base import Once, PhysicalOperator
from mgcore.cypher.physical.row import Layout, Row
from mgcore.cypher.procedures import ProcedureParameter, ProcedureRegistry
from mgcore.errors import CypherSyntaxError, ParameterMissing, UnknownFunction
from mgcore.storage.records import Direction

if TYPE_CHECKING:
    from mgcore.cypher.functions.registry import FunctionRegistry
    from mgcore.execution import QueryContext

_DIRECTIONS = {
    ast.Direction.OUTGOING: Direction.OUT,
    ast.Direction.INCOMING: Direction.IN,
    ast.Direction.BOTH: Direction.BOTH,
}


class Profiled(PhysicalOperator):
    """Counts the rows an operator yields and the time spent pulling them."""

    __slots__ = ("hits", "inner", "seconds")

    def __init__(self, inner: PhysicalOperator) -> None:
        super().__init__(inner.label)
        self.inner = inner
        self.hits = 0
        self.seconds = 0.0

    def children(self) -> list[PhysicalOperator]:
        return self.inner.children()

    def branches(self) -> list[PhysicalOperator]:
        return self.inner.branches()

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        it = self.inner.run(ctx, arg)
        clock = time.perf_counter
        while True:
            started = clock()
            try:
                row = next(it)
            except StopIteration:
                self.seconds += clock() - started
                return
            self.seconds += clock() - started
            self.hits += 1
            yield row


class PlanCompiler:
    """Compiles logical plans of one statement; also plans patterns used in expressions."""

    def __init__(
        self,
        functions: FunctionRegistry,
        procedures: ProcedureRegistry,
        planner: Planner,
        profile: bool = False,
        rules: Sequence[Rule] = RULES,
    ) -> None:
        self.functions = functions
        self.procedures = procedures
        self.planner = planner
        self.profile = profile
        self.rules = rules
        """The rewrite rules for sub-plans (pattern expressions, EXISTS), as for the query."""
        self.expressions = ExpressionCompiler(functions, self)

    # ------------------------------------------------------------------ SubplanFactory

    def plan_pattern(
        self, patterns: tuple[ast.PathPattern, ...], where: ast.Expr | None, layout: Layout
    ) -> tuple[SubplanRunner, Layout]:
        """A runner for ``patterns`` evaluated against an outer row of ``layout``."""
        bound = list(layout.names)
        plan = self.planner.plan_patterns(lg.Once(), bound, patterns, where)
        physical, out = self.compile(optimize(plan, self.rules), layout)
        return physical.run, out

    def plan_subquery(self, query: ast.Query, layout: Layout) -> SubplanRunner:
        """A runner for the rows of ``query`` (EXISTS { ... }) given an outer row of ``layout``."""
        plan, _ = self.planner.plan_query(query, list(layout.names))
        physical, _ = self.compile(optimize(plan, self.rules), layout)
        return physical.run

    # -------------------------------------------------------------------------- compile

    def expr(self, e: ast.Expr, layout: Layout, subst: tuple[lg.Item, ...] = ()) -> Compiled:
        """Compile ``e``; ``subst`` maps sub-expressions to the slots of named columns."""
        mapping = {expr: layout.slot(name) for name, expr in subst}
        return self.expressions.compile(
            e, layout, {k: v for k, v in mapping.items() if v is not None}
        )

    def slot(self, layout: Layout, name: str) -> int:
        """The slot of a variable that must be bound."""
        i = layout.slot(name)
        if i is None:
            raise CypherSyntaxError(f"Unbound variable: {name}.")
        return i

    def compile(self, plan: lg.LogicalOp, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        """The physical operator for ``plan`` and its output layout."""
        method: Callable[[Any, Layout], tuple[PhysicalOperator, Layout]] = getattr(
            self, "_" + type(plan).__name__
        )
        physical, out = method(plan, layout)
        if self.profile:
            physical = Profiled(physical)
        return physical, out

    def _Once(self, plan: lg.Once, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        if not plan.argument:
            return subquery.EmptyOnce("Once"), Layout()
        return Once("Once"), layout

    def _ScanAll(self, plan: lg.ScanAll, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        return scan.ScanAll(plan.describe(), child), lay.extend(plan.variable)

    def _ScanByLabel(
        self, plan: lg.ScanByLabel, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        return scan.ScanByLabel(plan.describe(), child, plan.label), lay.extend(plan.variable)

    def _lookup_input(
        self, plan: lg.PropertyLookup | lg.SeekByProperties, layout: Layout
    ) -> tuple[PhysicalOperator, Layout, Layout]:
        """(input operator, its layout, the output layout) of a node lookup: the input's row
        extended by the node variable."""
        child, lay = self.compile(plan.input, layout)
        return child, lay, lay.extend(plan.variable)

    def _served(
        self, predicates: tuple[ast.Expr, ...], layout: Layout
    ) -> tuple[scan.Predicate, ...]:
        """The predicates a seek implements, compiled against its output row (its fallback)."""
        return tuple(self.expressions.compile_predicate(p, layout) for p in predicates)

    def _SeekByProperty(
        self, plan: lg.SeekByProperty, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        child, lay, out = self._lookup_input(plan, layout)
        return scan.SeekByProperty(
            plan.describe(), child, plan.label, plan.key, self.expr(plan.value, lay),
            plan.in_list, self._served(plan.predicates, out),
        ), out

    def _SeekByProperties(
        self, plan: lg.SeekByProperties, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        child, lay, out = self._lookup_input(plan, layout)
        values = tuple(self.expr(v, lay) for v in plan.values)
        return scan.SeekByProperties(plan.describe(), child, plan.label, plan.keys, values), out

    def _SeekByRange(
        self, plan: lg.SeekByRange, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        child, lay, out = self._lookup_input(plan, layout)
        lower = self.expr(plan.lower, lay) if plan.lower is not None else None
        upper = self.expr(plan.upper, lay) if plan.upper is not None else None
        return scan.SeekByRange(
            plan.describe(), child, plan.label, plan.key, lower, plan.lower_inclusive, upper,
            plan.upper_inclusive, self._served(plan.predicates, out),
        ), out

    def _SeekByPrefix(
        self, plan: lg.SeekByPrefix, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        child, lay, out = self._lookup_input(plan, layout)
        return scan.SeekByPrefix(
            plan.describe(), child, plan.label, plan.key, self.expr(plan.prefix, lay),
            self._served(plan.predicates, out),
        ), out

    def _ScanByProperty(
        self, plan: lg.ScanByProperty, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        child, _, out = self._lookup_input(plan, layout)
        return scan.ScanByProperty(plan.describe(), child, plan.label, plan.key), out

    def _Expand(self, plan: lg.Expand, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        target = self.slot(lay, plan.target) if plan.target_bound else None
        rel = self.slot(lay, plan.relationship) if plan.relationship_bound else None
        op = expand.Expand(
            plan.describe(), child, self.slot(lay, plan.source), _DIRECTIONS[plan.direction],
            plan.types or None, target, rel,
        )
        if rel is None:
            lay = lay.extend(plan.relationship)
        if target is None:
            lay = lay.extend(plan.target)
        return op, lay

    def _VarExpand(self, plan: lg.VarExpand, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        target = self.slot(lay, plan.target) if plan.target_bound else None
        props = self.expr(plan.properties, lay) if plan.properties is not None else None
        filt = None
        if plan.filter is not None:
            if len(plan.filter.variables) != 2:
                raise CypherSyntaxError(
                    "The filter lambda of a depth-first expansion takes two variables: "
                    "(edge, node | expression)."
                )
            filt = self.expr(plan.filter.expression, lay.extend(*plan.filter.variables))
        rels = self.slot(lay, plan.relationship) if plan.relationship_bound else None
        op = expand.VarExpand(
            plan.describe(), child, self.slot(lay, plan.source), _DIRECTIONS[plan.direction],
            plan.types or None, plan.min_hops, plan.max_hops, expand.HopTests(props, filt, 2),
            target, plan.reverse, rels,
        )
        if rels is None:
            lay = lay.extend(plan.relationship)
        if target is None:
            lay = lay.extend(plan.target)
        return op, lay

    def _ShortestExpand(
        self, plan: lg.ShortestExpand, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        source = self.slot(lay, plan.source)
        target = self.slot(lay, plan.target) if plan.target_bound else None
        props = self.expr(plan.properties, lay) if plan.properties is not None else None
        filt, arity = None, 2
        if plan.filter is not None:
            arity = len(plan.filter.variables)
            filt = self.expr(plan.filter.expression, lay.extend(*plan.filter.variables))
        tests = expand.HopTests(props, filt, arity)
        direction, types, kind = _DIRECTIONS[plan.direction], plan.types or None, plan.kind
        label = plan.describe()
        op: PhysicalOperator
        if kind is ast.ExpansionKind.BREADTH_FIRST:
            op = shortest.BFSExpand(
                label, child, source, direction, types, plan.min_hops, plan.max_hops, tests,
                target, plan.reverse, plan.zero_length, plan.all_paths,
            )
        elif kind is ast.ExpansionKind.K_SHORTEST:
            assert target is not None
            limit = self.expr(plan.limit, lay) if plan.limit is not None else None
            op = shortest.KShortest(
                label, child, source, direction, types, plan.min_hops, plan.max_hops, tests,
                limit, target, plan.reverse,
            )
        else:
            assert plan.weight is not None
            weight = self.expr(plan.weight.expression, lay.extend(*plan.weight.variables))
            op = shortest.WeightedShortestPath(
                label, child, source, direction, types, plan.max_hops, tests, weight, target,
                plan.reverse, plan.total_weight is not None,
                kind is ast.ExpansionKind.ALL_SHORTEST,
            )
        lay = lay.extend(plan.relationship)
        if target is None:
            lay = lay.extend(plan.target)
        if plan.total_weight is not None:
            lay = lay.extend(plan.total_weight)
        return op, lay

    def _Filter(self, plan: lg.Filter, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        source, test = plan.input, plan.predicate
        if (
            isinstance(source, lg.ScanAll)
            and isinstance(test, ast.HasLabels)
            and test.labels
            and test.subject == ast.Variable(source.variable)
        ):
            # a label test right above a node scan (no label index, or the planner would have
            # chosen it): the engine's label scan applies the first label, this Filter the rest
            below, lay = self.compile(source.input, layout)
            child: PhysicalOperator = scan.ScanAll(source.describe(), below, test.labels[0])
            if self.profile:
                child = Profiled(child)
            lay = lay.extend(source.variable)
            rest = test.labels[1:]
            if not rest:
                return flow.Filter("Filter", child, _true), lay
            predicate = self.expressions.compile_predicate(ast.HasLabels(test.subject, rest), lay)
            return flow.Filter("Filter", child, predicate), lay
        child, lay = self.compile(plan.input, layout)
        predicate = self.expressions.compile_predicate(plan.predicate, lay)
        return flow.Filter("Filter", child, predicate), lay

    def _EdgeUniqueness(
        self, plan: lg.EdgeUniqueness, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        others = tuple(self.slot(lay, o) for o in plan.others if o != plan.relationship)
        op = expand.EdgeUniqueness(
            plan.describe(), child, self.slot(lay, plan.relationship), others
        )
        return op, lay

    def _ConstructPath(
        self, plan: lg.ConstructPath, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        elements = tuple(self.slot(lay, e) for e in plan.elements)
        return expand.ConstructPath(plan.describe(), child, elements), lay.extend(plan.variable)

    def _Optional(self, plan: lg.Optional, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        branch, branch_layout = self.compile(plan.branch, lay)
        width = branch_layout.width - lay.width
        return flow.Optional("Optional", child, branch, width), branch_layout

    def _Extend(self, plan: lg.Extend, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        items = [self.expr(e, lay, plan.substitutions) for _, e in plan.items]
        op = project.Extend(plan.describe(), child, items)
        return op, lay.extend(*(n for n, _ in plan.items))

    def _Aggregate(self, plan: lg.Aggregate, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        keys = [self.expr(e, lay) for _, e in plan.keys]
        specs: list[project.AggregateSpec] = []
        for _, e in plan.aggregates:
            specs.append(self._aggregate_spec(e, lay))
        op = project.Aggregate(plan.describe(), child, keys, specs)
        names = [n for n, _ in plan.keys] + [n for n, _ in plan.aggregates]
        return op, Layout(names)

    def _aggregate_spec(self, e: ast.Expr, lay: Layout) -> project.AggregateSpec:
        if isinstance(e, ast.CountStar):
            return CountStar, []
        assert isinstance(e, ast.FunctionCall)
        agg = self.functions.lookup_aggregate(e.name)
        if agg is None:
            raise UnknownFunction(f"Function '{e.name}' doesn't exist.")
        agg.check_arity(len(e.args))
        args = [self.expr(a, lay) for a in e.args]
        distinct = e.distinct

        def factory() -> Any:
            return agg.create(distinct)

        return factory, args

    def _Select(self, plan: lg.Select, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        if isinstance(plan.input, lg.Extend):
            return self._produce(plan, plan.input, layout)
        child, lay = self.compile(plan.input, layout)
        slots = tuple(self.slot(lay, n) for n in plan.names)
        return project.Select(plan.describe(), child, slots, plan.result), Layout(plan.names)

    def _produce(
        self, plan: lg.Select, extend: lg.Extend, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        """Select over Extend fused: each column is computed or read straight from its slot."""
        child, lay = self.compile(extend.input, layout)
        items = dict(extend.items)
        columns: list[Compiled] = []
        for name in plan.names:
            e = items.get(name)
            if e is None:
                e = ast.Variable(name)
            columns.append(self.expr(e, lay, extend.substitutions))
        label = f"Produce {{{', '.join(plan.names)}}}"
        return project.Produce(label, child, columns, plan.result), Layout(plan.names)

    def _Distinct(self, plan: lg.Distinct, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        slots = tuple(self.slot(lay, n) for n in plan.names)
        return project.Distinct("Distinct", child, slots), lay

    def _Sort(self, plan: lg.Sort, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        keys = [(self.expr(e, lay, plan.substitutions), desc) for e, desc in plan.keys]
        return project.Sort(plan.describe(), child, keys), lay

    def _count(self, e: ast.Expr, clause: str) -> Compiled:
        if isinstance(e, ast.Literal):
            v = e.value
            if type(v) is not int or v < 0:
                raise CypherSyntaxError(
                    f"Parameter of {clause} must be a non-negative integer."
                )
        return self.expr(e, Layout())

    def _Skip(self, plan: lg.Skip, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        return flow.Skip("Skip", child, self._count(plan.count, "SKIP")), lay

    def _Limit(self, plan: lg.Limit, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        return flow.Limit("Limit", child, self._count(plan.count, "LIMIT")), lay

    def _Unwind(self, plan: lg.Unwind, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        op = flow.Unwind(plan.describe(), child, self.expr(plan.expression, lay))
        return op, lay.extend(plan.variable)

    def _LoadCsv(self, plan: lg.LoadCsv, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)

        def constant(e: ast.Expr | None) -> Compiled | None:
            return None if e is None else self.expr(e, Layout())

        location = constant(plan.location)
        assert location is not None
        leaf = plan.input
        while not isinstance(leaf, lg.Once):
            leaf = getattr(leaf, "input", None) or lg.Once(argument=False)
        op = load_csv.LoadCsv(
            plan.describe(), child, location,
            with_header=plan.with_header, ignore_bad=plan.ignore_bad,
            delimiter=constant(plan.delimiter), quote=constant(plan.quote),
            nullif=constant(plan.nullif), width=lay.width, keeps_argument=leaf.argument,
        )
        return op, lay.extend(plan.variable)

    def _Eager(self, plan: lg.Eager, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        return flow.Eager(plan.describe(), child), lay

    def _EmptyResult(
        self, plan: lg.EmptyResult, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        child, _ = self.compile(plan.input, layout)
        return flow.EmptyResult("EmptyResult", child), Layout()

    def _Union(self, plan: lg.Union, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        parts = [self.compile(p, layout)[0] for p in plan.parts]
        return flow.Union("Union" if not plan.all else "UnionAll", parts, plan.all), Layout(
            plan.columns
        )

    def _CallProcedure(
        self, plan: lg.CallProcedure, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        proc = self.procedures.lookup(plan.procedure)
        sig = proc.signature
        if plan.arguments is None:
            args = [_implicit_argument(p) for p in sig.parameters]
        else:
            proc.check_arguments(len(plan.arguments))
            for i, arg in enumerate(plan.arguments):
                static = _static_type(arg)
                if static is not None:
                    proc.check_static_argument(i, static)
            args = [self.expr(a, lay) for a in plan.arguments]
            args.extend(_const(p.default) for p in sig.parameters[len(args):])
        coercers = [proc.coercer(i) for i in range(len(args))]
        if plan.yields:
            yields = plan.yields
        elif plan.standalone:
            yields = tuple((c.name, c.name) for c in sig.columns)
        elif sig.is_void:
            yields = ()
        else:
            raise CypherSyntaxError(
                f"Procedure call inside a query must YIELD the columns it uses: "
                f"'{proc.name}' has output columns."
            )
        fields = tuple(proc.column_index(f) for f, _ in yields)
        names = tuple(f for f, _ in yields)
        op = flow.CallProcedure(
            plan.describe(), child, proc.impl, args, coercers, fields, names,
            void=sig.is_void, emit_void=not plan.standalone,
        )
        return op, lay.extend(*(v for _, v in yields))

    # ----------------------------------------------------------------------- sub-plans

    def _Foreach(self, plan: lg.Foreach, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        body, _ = self.compile(plan.body, lay.extend(plan.variable))
        op = subquery.Foreach("Foreach", child, self.expr(plan.expression, lay), body)
        return op, lay

    def _Apply(self, plan: lg.Apply, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        inner, _ = self.compile(plan.subquery, lay)
        if not plan.columns:
            return subquery.UnitApply(plan.describe(), child, inner), lay
        writes = any(isinstance(node, lg.WRITES) for node in lg.walk(plan.subquery))
        op = subquery.Apply(plan.describe(), child, inner, writes)
        return op, lay.extend(*plan.columns)

    # --------------------------------------------------------------------------- writes

    def _Create(self, plan: lg.Create, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        steps: list[write.CreateStep] = []
        work = lay
        for pattern in plan.patterns:
            node_slots: list[int] = []
            for node in pattern.nodes:
                node_slots.append(self._create_node(node, work, steps))
                assert node.variable is not None
                work = work.extend(node.variable) if steps[-1][0] is None else work
            steps_rel, work = self._create_relationships(pattern, node_slots, work)
            steps.extend(steps_rel)
            if pattern.variable is not None:
                elements: list[int] = []
                for i, n in enumerate(pattern.nodes):
                    elements.append(self.slot(work, n.variable))  # type: ignore[arg-type]
                    if i < len(pattern.relationships):
                        elements.append(
                            self.slot(work, pattern.relationships[i].variable)  # type: ignore[arg-type]
                        )
                steps.append((None, write.NewPath(tuple(elements))))
                work = work.extend(pattern.variable)
        return write.Create(plan.describe(), child, steps), work

    def _create_node(
        self, node: ast.NodePattern, work: Layout, steps: list[write.CreateStep]
    ) -> int:
        assert node.variable is not None
        slot = work.slot(node.variable)
        if slot is not None:
            if node.labels or node.properties is not None:
                raise CypherSyntaxError(f"Redeclaring variable: {node.variable}.")
            steps.append((slot, None))
            return slot
        props = self.expr(node.properties, work) if node.properties is not None else None
        steps.append((None, write.NewNode(node.labels, props)))
        return work.width

    def _create_relationships(
        self, pattern: ast.PathPattern, node_slots: list[int], work: Layout
    ) -> tuple[list[write.CreateStep], Layout]:
        steps: list[write.CreateStep] = []
        for i, rel in enumerate(pattern.relationships):
            assert rel.variable is not None
            if work.slot(rel.variable) is not None:
                raise CypherSyntaxError(f"Redeclaring variable: {rel.variable}.")
            if len(rel.types) != 1:
                raise CypherSyntaxError(
                    "Exactly one relationship type must be specified for CREATE."
                )
            if rel.direction is ast.Direction.BOTH:
                raise CypherSyntaxError(
                    "Bidirectional relationship are not supported when creating an edge."
                )
            if rel.length is not None:
                raise CypherSyntaxError("Variable length relationships can't be created.")
            start, end = node_slots[i], node_slots[i + 1]
            if rel.direction is ast.Direction.INCOMING:
                start, end = end, start
            props = self.expr(rel.properties, work) if rel.properties is not None else None
            steps.append((None, write.NewRelationship(start, end, rel.types[0], props)))
            work = work.extend(rel.variable)
        return steps, work

    def _actions(self, items: tuple[ast.SetItem, ...], lay: Layout) -> list[write.Action]:
        actions: list[write.Action] = []
        for item in items:
            if isinstance(item, ast.SetProperty):
                actions.append(
                    write.set_property(
                        self.expr(item.target.subject, lay),
                        item.target.key,
                        self.expr(item.value, lay),
                    )
                )
            elif isinstance(item, ast.SetAllProperties | ast.MergeProperties):
                actions.append(
                    write.set_all_properties(
                        self.expr(ast.Variable(item.variable), lay),
                        self.expr(item.value, lay),
                        isinstance(item, ast.SetAllProperties),
                    )
                )
            elif isinstance(item, ast.SetLabels):
                actions.append(
                    write.set_labels(self.expr(ast.Variable(item.variable), lay), item.labels, True)
                )
            else:
                raise CypherSyntaxError(f"Unsupported SET item {type(item).__name__}.")
        return actions

    def _SetItems(self, plan: lg.SetItems, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        return write.Update(plan.describe(), child, self._actions(plan.items, lay)), lay

    def _RemoveItems(
        self, plan: lg.RemoveItems, layout: Layout
    ) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        actions: list[write.Action] = []
        for item in plan.items:
            if isinstance(item, ast.RemoveProperty):
                actions.append(
                    write.remove_property(self.expr(item.target.subject, lay), item.target.key)
                )
            elif isinstance(item, ast.RemoveLabels):
                actions.append(
                    write.set_labels(
                        self.expr(ast.Variable(item.variable), lay), item.labels, False
                    )
                )
        return write.Update(plan.describe(), child, actions), lay

    def _Delete(self, plan: lg.Delete, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        exprs = [self.expr(e, lay) for e in plan.expressions]
        return write.Delete(plan.describe(), child, exprs, plan.detach), lay

    def _Merge(self, plan: lg.Merge, layout: Layout) -> tuple[PhysicalOperator, Layout]:
        child, lay = self.compile(plan.input, layout)
        match, out = self.compile(plan.match, lay)
        create, _ = self.compile(plan.create, lay)
        op = write.Merge(
            "Merge", child, match, create,
            self._actions(plan.on_match, out), self._actions(plan.on_create, out),
        )
        return op, out


def _true(row: Row, ctx: Any) -> bool:
    """The label test the engine's label scan already applied."""
    return True


def _const(value: Any) -> Compiled:
    """An expression closure returning ``value``."""
    return lambda row, ctx: value


def _implicit_argument(param: ProcedureParameter) -> Compiled:
    """The argument of a standalone ``CALL proc`` without parentheses: the query parameter of
    the same name, else the default; ParameterMissing when neither exists."""
    name, optional, default = param.name, param.optional, param.default

    def argument(row: Row, ctx: Any) -> Any:
        try:
            return ctx.parameters[name]
        except KeyError:
            if optional:
                return default
            raise ParameterMissing(f"Parameter ${name} not provided.") from None

    return argument


_LITERAL_TYPES: dict[type, str] = {
    type(None): "NULL", bool: "BOOLEAN", int: "INTEGER", float: "FLOAT", str: "STRING",
}


def _static_type(e: ast.Expr) -> str | None:
    """The value type of a procedure argument when it is known without running the query
    (literals), else None."""
    if isinstance(e, ast.Literal):
        return _LITERAL_TYPES.get(type(e.value))
    if isinstance(e, ast.ListLiteral):
        return "LIST"
    if isinstance(e, ast.MapLiteral):
        return "MAP"
    if (
        isinstance(e, ast.UnaryOp)
        and e.op in (ast.UnaryOperator.NEGATE, ast.UnaryOperator.PLUS)
        and isinstance(e.operand, ast.Literal)
        and type(e.operand.value) in (int, float)
    ):
        return _LITERAL_TYPES[type(e.operand.value)]
    return None


__all__ = ["PlanCompiler", "Profiled", "pattern_variables"]
