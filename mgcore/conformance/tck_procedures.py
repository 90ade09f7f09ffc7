"""Procedures declared by TCK scenarios, for the conformance runner.

A TCK step reads (one line in the feature file)::

    And there exists a procedure test.my.proc(name :: STRING?, id :: INTEGER?) ::
        (city :: STRING?, country_code :: INTEGER?):
      | name     | id | city     | country_code |
      | 'Stefan' | 1  | 'Berlin' | 49           |

The table's columns are the parameters then the output columns; calling the procedure yields
the outputs of every row whose inputs equal the arguments (Cypher equality, except that a null
argument matches a null input). The runner converts cells to Python values first, then::

    host.register(TableProcedures([table_procedure(signature, header, rows), ...]))
    db = Database.open(settings, plugins=host)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from mgcore import hookimpl
from mgcore.cypher.procedures import (
    Procedure,
    ProcedureContext,
    ProcedureRegistry,
    ProcedureSignature,
)
from mgcore.cypher.procedures import parse_signature as _parse_signature
from mgcore.values.compare import equals

PATH = "tck"


def parse_signature(text: str) -> ProcedureSignature:
    """The signature of a TCK step's procedure (the text after ``there exists a procedure``;
    a trailing ``:`` is allowed); ValueError when it is not a signature."""
    return _parse_signature(text)


def _matches(args: Sequence[Any], inputs: Sequence[Any]) -> bool:
    """Whether a call's arguments select a table row: Cypher equality, null matching null."""
    for arg, cell in zip(args, inputs, strict=True):
        if arg is None or cell is None:
            if arg is not cell:
                return False
        elif equals(arg, cell) is not True:
            return False
    return True


def table_procedure(
    signature_text: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Procedure:
    """A read-only procedure answering from a TCK data table (header: parameter names then
    column names, in any order as long as the names are the signature's; rows: Python values).
    ValueError when the header does not fit the signature."""
    signature = parse_signature(signature_text)
    params = [p.name for p in signature.parameters]
    columns = [c.name for c in signature.columns]
    expected = params + columns
    header = [h.strip() for h in header if h.strip()]
    table = [list(r) for r in rows]
    if not header and not expected:
        table = []
    elif header == expected:
        pass
    elif sorted(header) == sorted(expected) and len(set(header)) == len(header):
        order = [header.index(name) for name in expected]
        table = [[r[i] for i in order] for r in table]
    else:
        raise ValueError(
            f"The table header {header} does not match the signature of {signature.name} "
            f"(expected {expected})."
        )
    for r in table:
        if len(r) != len(expected):
            raise ValueError(
                f"Row {r} of {signature.name} has {len(r)} cells, not {len(expected)}."
            )
    n = len(params)
    entries = [(tuple(r[:n]), tuple(r[n:])) for r in table]

    def impl(ctx: ProcedureContext, *args: Any) -> Iterator[tuple[Any, ...]]:
        for inputs, outputs in entries:
            if _matches(args, inputs):
                yield outputs

    impl.__doc__ = f"TCK table procedure {signature.name}."
    return Procedure(signature, impl, path=PATH)


class TableProcedures:
    """A plugin registering TCK table procedures (replacing any of the same name)."""

    def __init__(self, procedures: Iterable[Procedure]) -> None:
        self.procedures = list(procedures)

    @hookimpl
    def mg_register_procedures(self, registry: ProcedureRegistry) -> None:
        """Add the scenario's procedures to the database being opened."""
        for procedure in self.procedures:
            registry.register(procedure, replace=True)


__all__ = ["TableProcedures", "parse_signature", "table_procedure"]
