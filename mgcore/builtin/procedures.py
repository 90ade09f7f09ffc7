"""Built-in plugin: the ``db.*`` and ``mg.*`` procedures, registered like any plugin's procedures.

It runs first (``tryfirst``), so a plugin may replace a built-in procedure by registering the
same name with ``replace=True``. Importing it does not import ``mgcore.cypher`` (the plugin host
is built before Cypher is needed).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mgcore import hookimpl

if TYPE_CHECKING:
    from mgcore.cypher.procedures import ProcedureContext, ProcedureRegistry

PATH = "mgcore.builtin.procedures"


def labels(ctx: ProcedureContext) -> Iterator[tuple[Any, ...]]:
    """Node labels in use, sorted."""
    stats = ctx.database.engine.statistics()
    for label in sorted(k for k, n in stats.label_counts.items() if n):
        yield (label,)


def relationship_types(ctx: ProcedureContext) -> Iterator[tuple[Any, ...]]:
    """Relationship types in use, sorted."""
    stats = ctx.database.engine.statistics()
    for rel_type in sorted(k for k, n in stats.type_counts.items() if n):
        yield (rel_type,)


def property_keys(ctx: ProcedureContext) -> Iterator[tuple[Any, ...]]:
    """Property keys in use, sorted."""
    for key in sorted(ctx.database.engine.statistics().property_keys):
        yield (key,)


def procedures(ctx: ProcedureContext) -> Iterator[tuple[Any, ...]]:
    """Every registered procedure, as Memgraph's ``mg.procedures()`` lists them."""
    for proc in ctx.procedures:
        yield (proc.name, str(proc.signature), proc.is_write, proc.path, False)


def functions(ctx: ProcedureContext) -> Iterator[tuple[Any, ...]]:
    """Every registered function and aggregate, as Memgraph's ``mg.functions()`` lists them."""
    registry = ctx.functions
    entries = [*registry.functions(), *registry.aggregates()]
    for fn in sorted(entries, key=lambda f: f.name):
        yield (fn.name, fn.signature or f"{fn.name}(...)", "", False)


SIGNATURES: tuple[tuple[str, Any], ...] = (
    ("db.labels() :: (label :: STRING)", labels),
    ("db.relationshipTypes() :: (relationshipType :: STRING)", relationship_types),
    ("db.propertyKeys() :: (propertyKey :: STRING)", property_keys),
    (
        "mg.procedures() :: (name :: STRING, signature :: STRING, is_write :: BOOLEAN, "
        "path :: STRING, is_editable :: BOOLEAN)",
        procedures,
    ),
    (
        "mg.functions() :: (name :: STRING, signature :: STRING, path :: STRING, "
        "is_editable :: BOOLEAN)",
        functions,
    ),
)
"""The built-ins: signature text and implementation."""


def register_builtin_procedures(registry: ProcedureRegistry) -> None:
    """Add the ``db.*`` and ``mg.*`` built-ins to ``registry``."""
    for signature, impl in SIGNATURES:
        registry.add(signature, impl, path=PATH, replace=True)


@hookimpl(tryfirst=True)
def mg_register_procedures(registry: ProcedureRegistry) -> None:
    """Add the ``db.*`` and ``mg.*`` procedures."""
    register_builtin_procedures(registry)
