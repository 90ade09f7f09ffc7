"""Procedures callable with ``CALL``: the registry and the built-in ``db.*`` and ``mg.*`` ones.

A procedure is ``impl(ctx, *args)`` returning an iterable of result tuples in the order of its
declared result fields. The executor looks a procedure up once per plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mgcore.errors import ProcedureError

if TYPE_CHECKING:
    from mgcore.execution import QueryContext

Field = tuple[str, str]
"""A field name and its Cypher type (``("label", "STRING")``)."""


@dataclass(frozen=True, slots=True)
class Procedure:
    """A procedure: its implementation, arguments and result fields."""

    name: str
    impl: Callable[..., Iterable[tuple[Any, ...]]]
    arguments: tuple[Field, ...] = ()
    results: tuple[Field, ...] = ()
    is_write: bool = False
    path: str = ""

    @property
    def signature(self) -> str:
        """``name(arg :: TYPE) :: (field :: TYPE, ...)``, as mg.procedures() shows it."""
        args = ", ".join(f"{n} :: {t}" for n, t in self.arguments)
        results = ", ".join(f"{n} :: {t}" for n, t in self.results)
        return f"{self.name}({args}) :: ({results})"

    def field_index(self, field: str) -> int:
        """The position of result ``field``; ProcedureError if it has none."""
        for i, (name, _) in enumerate(self.results):
            if name == field:
                return i
        raise ProcedureError(f"Procedure '{self.name}' does not yield a field named '{field}'.")


class ProcedureRegistry:
    """The procedures of one database by exact name."""

    def __init__(self) -> None:
        self._procedures: dict[str, Procedure] = {}

    def register(self, procedure: Procedure, *, replace: bool = False) -> None:
        """Add a procedure; a taken name is a ValueError unless ``replace``."""
        if procedure.name in self._procedures and not replace:
            raise ValueError(f"A procedure named '{procedure.name}' is already registered.")
        self._procedures[procedure.name] = procedure

    def lookup(self, name: str) -> Procedure:
        """The procedure called ``name``; ProcedureError when there is none."""
        proc = self._procedures.get(name)
        if proc is None:
            raise ProcedureError(f"There is no procedure named '{name}'.")
        return proc

    def __iter__(self) -> Iterator[Procedure]:
        return iter(sorted(self._procedures.values(), key=lambda p: p.name))


def _labels(ctx: QueryContext) -> Iterator[tuple[Any, ...]]:
    stats = ctx.database.engine.statistics()
    for label in sorted(k for k, n in stats.label_counts.items() if n):
        yield (label,)


def _types(ctx: QueryContext) -> Iterator[tuple[Any, ...]]:
    stats = ctx.database.engine.statistics()
    for rel_type in sorted(k for k, n in stats.type_counts.items() if n):
        yield (rel_type,)


def _property_keys(ctx: QueryContext) -> Iterator[tuple[Any, ...]]:
    for key in sorted(ctx.database.engine.statistics().property_keys):
        yield (key,)


def _procedures(ctx: QueryContext) -> Iterator[tuple[Any, ...]]:
    registry: ProcedureRegistry = ctx.database.processor.procedures  # type: ignore[attr-defined]
    for proc in registry:
        yield (proc.name, proc.signature, proc.is_write, proc.path, False)


def _functions(ctx: QueryContext) -> Iterator[tuple[Any, ...]]:
    functions = ctx.database.processor.functions  # type: ignore[attr-defined]
    for fn in functions.functions():
        yield (fn.name, fn.signature or f"{fn.name}(...)", "", False)
    for agg in functions.aggregates():
        yield (agg.name, agg.signature or f"{agg.name}(...)", "", False)


BUILTIN_PROCEDURES: tuple[Procedure, ...] = (
    Procedure("db.labels", _labels, (), (("label", "STRING"),)),
    Procedure("db.relationshipTypes", _types, (), (("relationshipType", "STRING"),)),
    Procedure("db.propertyKeys", _property_keys, (), (("propertyKey", "STRING"),)),
    Procedure(
        "mg.procedures",
        _procedures,
        (),
        (
            ("name", "STRING"),
            ("signature", "STRING"),
            ("is_write", "BOOLEAN"),
            ("path", "STRING"),
            ("is_editable", "BOOLEAN"),
        ),
    ),
    Procedure(
        "mg.functions",
        _functions,
        (),
        (("name", "STRING"), ("signature", "STRING"), ("path", "STRING"),
         ("is_editable", "BOOLEAN")),
    ),
)


def register_builtin_procedures(registry: ProcedureRegistry) -> None:
    """Add the ``db.*`` and ``mg.*`` built-ins."""
    for proc in BUILTIN_PROCEDURES:
        registry.register(proc, replace=True)
