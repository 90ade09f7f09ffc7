"""The Cypher processor: query text → PreparedQuery (the Database's ``processor``).

One short pipeline (DuckDB's shape): parse → bind → plan → rewrite rules → physical plan.
``prepare`` is a pure function of the query text and the schema, so the Database caches its
result by (text, schema version). EXPLAIN and PROFILE are planned here; the statements that are
not queries (transaction control, DDL, SHOW ..., STORAGE MODE, ...) come from
``mgcore.cypher.admin``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mgcore.cypher import ast
from mgcore.cypher.admin import AdminStatements, StaticQuery
from mgcore.cypher.binder import bind
from mgcore.cypher.explain import plan_lines, profile_rows
from mgcore.cypher.functions import FunctionRegistry
from mgcore.cypher.limits import TOO_COMPLEX, check_nesting
from mgcore.cypher.logical import operators as lg
from mgcore.cypher.logical.planner import Planner
from mgcore.cypher.logical.rules import default_rules, optimize
from mgcore.cypher.parser import parse
from mgcore.cypher.physical.compile import PlanCompiler
from mgcore.cypher.physical.operators.base import PhysicalOperator
from mgcore.cypher.physical.operators.project import Select
from mgcore.cypher.physical.row import Layout
from mgcore.cypher.procedures import ProcedureRegistry
from mgcore.errors import ClientError, CypherSyntaxError
from mgcore.execution import Notification, QueryContext, QueryKind
from mgcore.storage.records import GraphStatistics

if TYPE_CHECKING:
    from mgcore.database import Database


# ------------------------------------------------------------------------------ queries

LOAD_CSV_TIP = Notification(
    "LoadCSVTip",
    "It's important to note that the parser parses the values as strings. It's up to the user to"
    " convert the parsed row values to the appropriate type. This can be done using the built-in"
    " conversion functions such as ToInteger, ToFloat, ToBoolean etc.",
)
"""Memgraph's INFO notification for every query with LOAD CSV."""


class CypherQuery:
    """A planned Cypher query: runs the physical plan lazily."""

    needs_transaction = True
    allowed_in_explicit_transaction = True
    tx_control = None

    def __init__(
        self,
        columns: tuple[str, ...],
        kind: QueryKind,
        root: PhysicalOperator,
        logical: lg.LogicalOp,
        parameters: frozenset[str] = frozenset(),
    ) -> None:
        self.columns = columns
        self.kind = kind
        self.root = root
        self.logical = logical
        self.parameters = parameters
        self.notifications = tuple(
            LOAD_CSV_TIP for node in lg.walk(logical) if isinstance(node, lg.LoadCsv)
        )[:1]
        """Notifications every execution reports (Memgraph's tip for LOAD CSV)."""

    def run(self, ctx: QueryContext) -> Iterator[tuple[Any, ...]]:
        """Rows of result values, computed as they are pulled."""
        ctx.notifications.extend(self.notifications)
        return self.root.run(ctx, ())


class ProfileQuery:
    """PROFILE: runs the query with counting operators, then reports them."""

    columns = ("OPERATOR", "ACTUAL HITS", "RELATIVE TIME", "ABSOLUTE TIME")
    needs_transaction = True
    allowed_in_explicit_transaction = True
    tx_control = None

    def __init__(self, processor: CypherProcessor, query: ast.Query) -> None:
        self.processor = processor
        self.query = query
        plan = processor.plan(query)
        self.kind = plan.kind
        self.parameters = plan.parameters

    def run(self, ctx: QueryContext) -> Iterator[tuple[Any, ...]]:
        """Execute to the end, discarding rows; then yield one row per operator."""
        plan = self.processor.plan(self.query, profile=True)
        for _ in plan.root.run(ctx, ()):
            pass
        return iter(profile_rows(plan.root))


# ----------------------------------------------------------------------------- processor


class CypherProcessor:
    """Prepares Cypher for one database: owns its function and procedure registries; the
    statements that are not queries go to its ``admin``."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.functions = FunctionRegistry()
        database.plugins.register_functions(self.functions)
        if not len(self.functions.names()):
            from mgcore.cypher.functions import register_standard_library

            register_standard_library(self.functions)
        self.procedures = ProcedureRegistry()
        database.plugins.register_procedures(self.procedures)
        if "mg.procedures" not in self.procedures:
            from mgcore.builtin.procedures import register_builtin_procedures

            register_builtin_procedures(self.procedures)
        self.procedures.on_change = database.invalidate_plans
        self.admin = AdminStatements(database)

    def prepare(self, query: str, database: Database) -> Any:
        """Parse, bind and plan ``query``; too deep a query is a syntax error, not a crash."""
        statement = parse(query)
        check_nesting(statement)
        try:
            return self.prepare_statement(statement)
        except RecursionError:
            raise CypherSyntaxError(TOO_COMPLEX) from None

    def prepare_statement(self, statement: ast.Statement) -> Any:
        """The PreparedQuery for a parsed statement."""
        if isinstance(statement, ast.Query):
            return self.plan(statement)
        if isinstance(statement, ast.Explain):
            lines = plan_lines(self.plan(statement.query).root)
            return StaticQuery(("QUERY PLAN",), lambda ctx: [(line,) for line in lines])
        if isinstance(statement, ast.Profile):
            return ProfileQuery(self, statement.query)
        prepared = self.admin.prepare(statement)
        if prepared is None:
            raise ClientError(f"{type(statement).__name__} is not supported yet.")
        return prepared

    def plan(self, query: ast.Query, profile: bool = False) -> CypherQuery:
        """Bind, plan, rewrite and compile a query."""
        if not self.database.settings.allow_load_csv and any(
            isinstance(node, ast.LoadCsv) for node in ast.walk(query)
        ):
            raise ClientError(
                "Load CSV not allowed on this instance because it was disabled by a config."
            )
        bind(query, self.functions)
        planner = Planner(self.functions)
        logical, columns = planner.plan_query(query)
        rules = default_rules(self._statistics(), self._deterministic)
        logical = optimize(logical, rules)
        compiler = PlanCompiler(self.functions, self.procedures, planner, profile, rules)
        root, layout = compiler.compile(logical, Layout())
        if columns == ("*",):
            columns = layout.names
            root = Select("Produce {" + ", ".join(columns) + "}", root,
                          tuple(range(layout.width)), True)
        return CypherQuery(
            columns, self._kind(logical), root, logical, self._parameters(query, logical)
        )

    def _parameters(self, query: ast.Query, plan: lg.LogicalOp) -> frozenset[str]:
        """The parameters ``query`` reads: every ``$name`` in its text, and the implicit
        arguments without a default of a standalone ``CALL proc`` (no parentheses)."""
        names = {node.name for node in ast.walk(query) if isinstance(node, ast.Parameter)}
        for node in lg.walk(plan):
            if isinstance(node, lg.CallProcedure) and node.arguments is None:
                signature = self.procedures.lookup(node.procedure).signature
                names.update(p.name for p in signature.parameters if not p.optional)
        return frozenset(names)

    def _statistics(self) -> GraphStatistics:
        """What the engine says about its data and indexes, for index selection. Read when a
        query is planned; a plan is cached per schema version, and DDL bumps the version."""
        return self.database.engine.statistics()

    def _deterministic(self, name: str) -> bool:
        function = self.functions.lookup(name)
        return function is None or function.deterministic

    def _kind(self, plan: lg.LogicalOp) -> QueryKind:
        writes = reads = False
        for node in lg.walk(plan):
            if isinstance(node, lg.WRITES):
                writes = True
            elif isinstance(node, lg.CallProcedure):
                proc = self.procedures.lookup(node.procedure)
                writes = writes or proc.is_write
                reads = True
            elif isinstance(node, lg.READS) or (isinstance(node, lg.Select) and node.result):
                reads = True
        if not writes:
            return QueryKind.READ
        return QueryKind.READ_WRITE if reads else QueryKind.WRITE


__all__ = ["CypherProcessor", "CypherQuery"]
