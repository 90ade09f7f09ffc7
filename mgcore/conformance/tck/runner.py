"""Run one TCK scenario against an engine, through the embedded API or over Bolt.

Each scenario gets a fresh database. Steps are interpreted in order: graph set-up, parameters,
procedures, the query, then the expectations on its result, its side effects or its error.
Side effects are measured as the TCK defines them, by comparing the graph before and after the
query (nodes, relationships, label names in use, and (entity, key, value) property triples), so
they do not depend on how an engine counts.

How queries reach the database is a ``QueryChannel``; the runner owns the database either way
(TCK procedures are registered on it as plugins, and side effects are read straight from its
storage engine), and every query of a scenario (set-up, control and measured) goes through the
channel:

* ``EmbeddedChannel`` (the default): a kernel session. An error is *compile time* when
  ``Database.prepare`` (given the parameters) fails, *runtime* otherwise; its kind is the
  exception's ``tck_type`` and its detail the exception's ``tck_detail``.
* ``BoltChannel`` (``mgcore.conformance.tck.bolt``): the database served by a
  ``BackgroundServer`` on a loopback port, queried with the neo4j driver. An error is *compile
  time* when it is the FAILURE to RUN (the server parses and plans at RUN), *runtime* when it is
  the FAILURE to PULL; its kind comes from the FAILURE's code.

Error details over Bolt. A FAILURE carries a code and a message, nothing else, and most details
(``UnknownFunction``, ``InvalidArgumentType``, ...) share the code of their kind
(``Neo.ClientError.Statement.SyntaxError``). The Bolt channel therefore reports a detail only
where the code itself names one (``Neo.ClientError.Procedure.ProcedureNotFound``) and otherwise
none, and the runner, as for any error that names no detail, then checks kind and phase only.
Reading details out of messages would test message wording, and sending extra metadata would
change the protocol for the test's sake. This keeps the pass counts equal as long as no scenario
fails through the embedded API *only* because of its detail, which was so when the Bolt channel
came (the whole TCK both ways: the same scenarios failed, with the same kinds and phases). The
conformance run keeps it so: both ways use the same known-failures file with strict xfails, so a
detail-only failure would XPASS over Bolt and fail that run (fix the detail, do not relax this).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from mgcore.conformance.tck import VIAS
from mgcore.conformance.tck.gherkin import Scenario, Step
from mgcore.conformance.tck.values import (
    canonical,
    ignoring_list_order,
    parse_value,
    render,
    to_python,
)
from mgcore.errors import MgError

_GRAPH = re.compile(r"the ([\w-]+) graph")
_PROCEDURE = re.compile(r"there exists a procedure (.+):")
_RESULT = re.compile(
    r"the result should be(?:, (in any order|in order))?\s*(\(ignoring element order for lists\))?:"
)
_ERROR = re.compile(r"an? (\w+) should be raised at (compile time|runtime|any time): (\S+)")
_SIDE_EFFECT_KEYS = (
    "+nodes", "-nodes", "+relationships", "-relationships",
    "+labels", "-labels", "+properties", "-properties",
)
COMPILE_TIME = "compile time"
RUNTIME = "runtime"


class ScenarioFailure(AssertionError):
    """The engine did not do what the scenario expects; the message says what differed."""


class RunnerError(RuntimeError):
    """The scenario uses a step this runner does not understand."""


DatabaseFactory = Callable[[list[Any]], Any]
"""Opens a fresh database with the given extra plugins registered."""


# ------------------------------------------------------------------------------ channels


@dataclass
class QueryError:
    """An error a query raised, as the TCK classifies it."""

    kind: str
    """The TCK error kind (``SyntaxError``, ``TypeError``, ...)."""
    phase: str
    """``compile time`` or ``runtime``."""
    detail: str | None
    """The TCK detail (``UnknownFunction``, ...), or None when the error does not say."""
    message: str
    exception: BaseException
    """What was raised (a kernel error, or the driver's error over Bolt)."""


@dataclass
class Execution:
    """What one query did: its columns and rows (values ``canonical`` understands), or an
    error; rows produced before a runtime error are kept."""

    columns: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    error: QueryError | None = None


class QueryChannel(Protocol):
    """How the runner sends queries to the scenario's database."""

    def execute(self, query: str, parameters: Mapping[str, Any]) -> Execution:
        """Run ``query`` in auto-commit mode to its end (or its first error)."""

    def close(self) -> None:
        """Release what the channel opened; the database itself stays open."""


ChannelFactory = Callable[[Any], QueryChannel]
"""Opens a channel to an open embedded database."""


class EmbeddedChannel:
    """Queries through a kernel session of the database."""

    def __init__(self, database: Any) -> None:
        self._database = database
        self._session = database.session()

    def execute(self, query: str, parameters: Mapping[str, Any]) -> Execution:
        execution = Execution()
        try:
            self._database.prepare(query, parameters)
        except MgError as exc:
            execution.error = _kernel_error(exc, COMPILE_TIME)
            return execution
        try:
            result = self._session.run(query, parameters)
            execution.columns = tuple(result.keys())
            for record in result:
                execution.rows.append(tuple(record))
            result.consume()
        except MgError as exc:
            execution.error = _kernel_error(exc, RUNTIME)
        return execution

    def close(self) -> None:
        self._session.close()


def _kernel_error(exc: MgError, phase: str) -> QueryError:
    return QueryError(
        kind=getattr(exc, "tck_type", type(exc).__name__),
        phase=phase,
        detail=getattr(exc, "tck_detail", None),
        message=str(exc),
        exception=exc,
    )


def channel_factory(via: str) -> ChannelFactory:
    """The channel for ``via`` (one of ``VIAS``); ``bolt`` needs the neo4j driver."""
    if via == "embedded":
        return EmbeddedChannel
    if via == "bolt":
        from mgcore.conformance.tck.bolt import BoltChannel

        return BoltChannel
    raise ValueError(f"unknown way to run the TCK {via!r}; expected one of {', '.join(VIAS)}")


# ------------------------------------------------------------------------------ scenarios


@dataclass
class _Outcome:
    columns: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    error: QueryError | None = None
    side_effects: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class GraphState:
    """What side effects are measured on."""

    nodes: frozenset[int]
    relationships: frozenset[int]
    labels: frozenset[str]
    properties: Counter[Any]

    @classmethod
    def read(cls, database: Any) -> GraphState:
        """The committed graph, read straight from the storage engine."""
        tx = database.begin(read_only=True)
        try:
            nodes: set[int] = set()
            labels: set[str] = set()
            props: Counter[Any] = Counter()
            for node in tx.nodes():
                nodes.add(node.gid)
                labels.update(tx.node_labels(node))
                for key, value in tx.node_properties(node).items():
                    props[("n", node.gid, key, canonical(value))] += 1
            rels: set[int] = set()
            for rel in tx.relationships():
                rels.add(rel.gid)
                for key, value in tx.relationship_properties(rel).items():
                    props[("r", rel.gid, key, canonical(value))] += 1
        finally:
            database.rollback(tx)
        return cls(frozenset(nodes), frozenset(rels), frozenset(labels), props)

    def diff(self, after: GraphState) -> dict[str, int]:
        """The TCK's side-effect counters from this state to ``after``."""
        return {
            "+nodes": len(after.nodes - self.nodes),
            "-nodes": len(self.nodes - after.nodes),
            "+relationships": len(after.relationships - self.relationships),
            "-relationships": len(self.relationships - after.relationships),
            "+labels": len(after.labels - self.labels),
            "-labels": len(self.labels - after.labels),
            "+properties": sum((after.properties - self.properties).values()),
            "-properties": sum((self.properties - after.properties).values()),
        }


class ScenarioRunner:
    """Interprets a scenario's steps; ``run()`` raises ScenarioFailure on the first mismatch.
    Queries go through a channel opened by ``channel`` on the database (embedded by default)."""

    def __init__(
        self,
        scenario: Scenario,
        open_database: DatabaseFactory,
        graphs: Path,
        channel: ChannelFactory = EmbeddedChannel,
    ) -> None:
        self.scenario = scenario
        self._open_database = open_database
        self._graphs = graphs
        self._open_channel = channel
        self._database: Any = None
        self._channel: QueryChannel | None = None
        self._plugins: list[Any] = []
        self._parameters: dict[str, Any] = {}
        self._outcome: _Outcome | None = None
        self._setup: list[str] = []

    def run(self) -> None:
        """Execute every step in order."""
        try:
            for step in self.scenario.steps:
                self._step(step)
            if self._outcome is not None and self._outcome.error is not None:
                raise ScenarioFailure(self._describe_error("no error was expected", self._outcome))
        finally:
            try:
                if self._channel is not None:
                    self._channel.close()
            finally:
                if self._database is not None:
                    self._database.close()

    # ------------------------------------------------------------------------------ steps

    def _step(self, step: Step) -> None:
        text = step.text
        if text in ("an empty graph", "any graph"):
            return
        if match := _GRAPH.fullmatch(text):
            self._run_setup(self._graph_script(match.group(1)))
            return
        if text == "having executed:":
            self._run_setup(step.docstring or "")
            return
        if text == "parameters are:":
            for row in step.table:
                self._parameters[row[0]] = to_python(parse_value(row[1]))
            return
        if match := _PROCEDURE.fullmatch(text):
            self._declare_procedure(match.group(1), step.table)
            return
        if text in ("executing query:", "executing control query:"):
            self._execute(step.docstring or "", measure=text == "executing query:")
            return
        if text == "the result should be empty":
            self._check_rows((), [], ordered=False, lists_unordered=False)
            return
        if match := _RESULT.fullmatch(text):
            header, *rows = step.table
            self._check_rows(header, rows, ordered=match.group(1) == "in order",
                             lists_unordered=match.group(2) is not None)
            return
        if text == "no side effects":
            self._check_side_effects({})
            return
        if text == "the side effects should be:":
            self._check_side_effects({row[0]: int(row[1]) for row in step.table})
            return
        if match := _ERROR.fullmatch(text):
            self._check_error(match.group(1), match.group(2), match.group(3))
            return
        raise RunnerError(f"unknown step {text!r} (line {step.line})")

    # --------------------------------------------------------------------------- actions

    def _connect(self) -> QueryChannel:
        if self._channel is None:
            if self._database is None:
                self._database = self._open_database(self._plugins)
            self._channel = self._open_channel(self._database)
        return self._channel

    def _graph_script(self, name: str) -> str:
        path = self._graphs / name / f"{name}.cypher"
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RunnerError(f"named graph {name!r} not found at {path}") from exc

    def _run_setup(self, query: str) -> None:
        error = self._connect().execute(query, {}).error
        if error is not None:
            raise ScenarioFailure(
                f"set-up query failed with {type(error.exception).__name__} ({error.kind}): "
                f"{error.message}\n{query}"
            ) from error.exception

    def _declare_procedure(self, signature: str, table: tuple[tuple[str, ...], ...]) -> None:
        if self._database is not None:
            raise RunnerError("a procedure declared after the database was opened")
        try:
            from mgcore.conformance import tck_procedures
        except ImportError as exc:
            raise ScenarioFailure(f"procedure declarations are not supported yet: {exc}") from exc
        header = list(table[0]) if table else []
        rows = [[to_python(parse_value(c)) for c in row] for row in table[1:]]
        procedure = tck_procedures.table_procedure(signature, header, rows)
        self._plugins.append(tck_procedures.TableProcedures([procedure]))

    def _execute(self, query: str, *, measure: bool) -> None:
        if self._outcome is not None and self._outcome.error is not None:
            # The previous query failed and no step expected it: do not lose that error.
            raise ScenarioFailure(self._describe_error("no error was expected", self._outcome))
        channel = self._connect()
        before = GraphState.read(self._database) if measure else None
        execution = channel.execute(query, self._parameters)
        outcome = _Outcome(execution.columns, execution.rows, execution.error)
        if before is not None:
            outcome.side_effects = before.diff(GraphState.read(self._database))
        self._outcome = outcome
        self._last_query = query

    # ------------------------------------------------------------------------ expectations

    def _require_outcome(self) -> _Outcome:
        if self._outcome is None:
            raise RunnerError("an expectation before any query was executed")
        return self._outcome

    def _check_rows(
        self,
        header: tuple[str, ...],
        rows: list[tuple[str, ...]],
        *,
        ordered: bool,
        lists_unordered: bool,
    ) -> None:
        outcome = self._require_outcome()
        if outcome.error is not None:
            raise ScenarioFailure(self._describe_error("a result was expected", outcome))
        if header and tuple(outcome.columns) != tuple(header):
            raise ScenarioFailure(
                f"columns differ: expected {list(header)}, got {list(outcome.columns)}"
            )
        adjust = ignoring_list_order if lists_unordered else (lambda v: v)
        expected = [tuple(adjust(parse_value(cell)) for cell in row) for row in rows]
        actual = [tuple(adjust(canonical(value)) for value in row) for row in outcome.rows]
        same = expected == actual if ordered else Counter(expected) == Counter(actual)
        if not same:
            raise ScenarioFailure(
                "result differs"
                + (" (order matters)" if ordered else "")
                + f"\nquery:\n{self._last_query}\nexpected:\n{_table(header, expected)}"
                + f"\nactual:\n{_table(outcome.columns, actual)}"
            )

    def _check_side_effects(self, expected: dict[str, int]) -> None:
        outcome = self._require_outcome()
        if outcome.error is not None:
            return
        unknown = set(expected) - set(_SIDE_EFFECT_KEYS)
        if unknown:
            raise RunnerError(f"unknown side effects {sorted(unknown)}")
        wanted = {key: expected.get(key, 0) for key in _SIDE_EFFECT_KEYS}
        if wanted != outcome.side_effects:
            got = {k: v for k, v in outcome.side_effects.items() if v}
            raise ScenarioFailure(
                f"side effects differ: expected {expected or 'none'}, got {got or 'none'}"
                f"\nquery:\n{self._last_query}"
            )

    def _check_error(self, kind: str, phase: str, detail: str) -> None:
        outcome = self._require_outcome()
        error = outcome.error
        if error is None:
            raise ScenarioFailure(
                f"expected {kind} ({detail}) at {phase}, but the query succeeded with "
                f"{len(outcome.rows)} rows\nquery:\n{self._last_query}"
            )
        if error.kind != kind:
            raise ScenarioFailure(
                self._describe_error(f"expected {kind} ({detail}) at {phase}", outcome)
            )
        if phase != "any time" and error.phase != phase:
            raise ScenarioFailure(
                self._describe_error(f"expected {kind} ({detail}) at {phase}", outcome)
            )
        # "*" accepts any detail; an error that names no detail (None: the kernel error has no
        # ``tck_detail``, or the Bolt FAILURE's code does not name one) is not held to one.
        if error.detail is not None and detail != "*" and error.detail != detail:
            raise ScenarioFailure(
                self._describe_error(f"expected {kind} ({detail}) at {phase}", outcome)
            )
        outcome.error = None

    def _describe_error(self, expectation: str, outcome: _Outcome) -> str:
        error = outcome.error
        assert error is not None
        detail = f" ({error.detail})" if error.detail else ""
        return (
            f"{expectation}; got {error.kind}{detail} at {error.phase}: "
            f"{error.message}\nquery:\n{self._last_query}"
        )


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    lines = ["  | " + " | ".join(header) + " |"]
    lines.extend("  | " + " | ".join(render(v) for v in row) + " |" for row in rows)
    return "\n".join(lines)
