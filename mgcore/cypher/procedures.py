"""Procedures callable with ``CALL``: signatures, Cypher types and the per-database registry.

This is the public API for plugins (built-ins included, see ``mgcore.builtin.procedures``)::

    import mgcore
    from mgcore.cypher.procedures import ProcedureRegistry

    @mgcore.hookimpl
    def mg_register_procedures(registry: ProcedureRegistry) -> None:
        @registry.procedure("demo.greet(name :: STRING, times = 1 :: INTEGER) :: (text :: STRING)")
        def greet(ctx, name, times):
            for _ in range(times):
                yield {"text": f"hello {name}"}

A signature is ``name(parameters) :: (columns)``; a parameter is ``name :: TYPE`` or, when
optional, ``name = default :: TYPE`` (Memgraph's spelling; ``name :: TYPE = default`` is read
too); ``:: ()`` declares a void procedure. Types are Memgraph's and openCypher's names: ``ANY``,
``BOOLEAN``, ``STRING``, ``INTEGER``, ``FLOAT``, ``NUMBER``, ``MAP``, ``NODE``,
``RELATIONSHIP``, ``PATH``, temporal names, ``LIST OF T`` (or ``LIST<T>``); a trailing ``?``
makes a type nullable (only nullable parameters accept null).

Calling convention (the executor's side; nothing here is a hook, nothing runs a hook per row):
the procedure is looked up and its arguments are checked once per plan (count, and the types of
literal arguments: ``InvalidNumberOfArguments``/``InvalidArgumentType`` at compile time). Per
input row the arguments are evaluated, checked and coerced (an INTEGER passed as FLOAT becomes a
float), then ``impl(ctx, *args)`` is called with a ``ProcedureContext``. It returns an iterable
of records: tuples in column order or mappings by column name (a missing name is null). A void
procedure (no columns) may return None; its records are ignored and the input row passes once.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from mgcore.errors import (
    CypherSyntaxError,
    CypherTypeError,
    InvalidArgumentType,
    InvalidNumberOfArguments,
    ProcedureError,
    ProcedureNotFound,
)
from mgcore.values.types import type_name

if TYPE_CHECKING:
    from mgcore.database import Database
    from mgcore.execution import QueryContext
    from mgcore.storage.protocol import Transaction

# ------------------------------------------------------------------------------ types

_SCALARS: Final[dict[str, str]] = {
    "ANY": "ANY",
    "BOOLEAN": "BOOLEAN",
    "BOOL": "BOOLEAN",
    "STRING": "STRING",
    "INTEGER": "INTEGER",
    "INT": "INTEGER",
    "FLOAT": "FLOAT",
    "NUMBER": "NUMBER",
    "MAP": "MAP",
    "NODE": "NODE",
    "RELATIONSHIP": "RELATIONSHIP",
    "EDGE": "RELATIONSHIP",
    "PATH": "PATH",
    "DATE": "DATE",
    "LOCAL_TIME": "LOCAL_TIME",
    "LOCALTIME": "LOCAL_TIME",
    "LOCAL_DATE_TIME": "LOCAL_DATE_TIME",
    "LOCALDATETIME": "LOCAL_DATE_TIME",
    "ZONED_DATE_TIME": "ZONED_DATE_TIME",
    "ZONEDDATETIME": "ZONED_DATE_TIME",
    "DATETIME": "ZONED_DATE_TIME",
    "DURATION": "DURATION",
    "POINT": "POINT",
}
"""Accepted spellings of scalar type names, to the name a signature shows."""


class _Mismatch(Exception):
    """A value does not have a parameter's type (internal to ``CypherType.coerce``)."""


@dataclass(frozen=True, slots=True)
class CypherType:
    """A procedure parameter or column type: a name, nullability and a list's element type."""

    name: str
    """``ANY``, ``INTEGER``, ..., or ``LIST`` (then ``element`` is set)."""
    nullable: bool = False
    element: CypherType | None = None

    @classmethod
    def parse(cls, text: str) -> CypherType:
        """``"INTEGER?"``, ``"LIST OF STRING"``, ``"LIST? OF INTEGER?"`` (a nullable list of
        nullable integers), ``"LIST<INTEGER?>?"``; ValueError if unknown."""
        text = " ".join(text.split()).upper()
        for prefix, nullable in (("LIST OF ", False), ("LIST? OF ", True)):
            if text.startswith(prefix):
                return cls("LIST", nullable, cls.parse(text[len(prefix):]))
        nullable = text.endswith("?")
        if nullable:
            text = text[:-1].rstrip()
        if text.startswith("LIST<") and text.endswith(">"):
            return cls("LIST", nullable, cls.parse(text[len("LIST<"):-1]))
        if text == "LIST":
            return cls("LIST", nullable, cls("ANY", True))
        name = _SCALARS.get(text)
        if name is None:
            raise ValueError(f"Unknown procedure type '{text}'.")
        return cls(name, nullable)

    def __str__(self) -> str:
        mark = "?" if self.nullable else ""
        if self.element is not None:
            return f"LIST{mark} OF {self.element}"
        return self.name + mark

    def accepts_static(self, static: str) -> bool:
        """Whether an argument whose value type is known at compile time (``type_name``
        spelling, ``NULL`` for null) can be passed; used to raise InvalidArgumentType early."""
        if static == "NULL":
            return self.nullable
        if self.name == "ANY":
            return True
        if self.name == "NUMBER":
            return static in ("INTEGER", "FLOAT")
        if self.name == "FLOAT":
            return static in ("INTEGER", "FLOAT")
        return static == self.name

    def coerce(self, value: Any) -> Any:
        """``value`` as this type (an INTEGER becomes a float for FLOAT); _Mismatch if it is
        not of this type."""
        if value is None:
            if self.nullable:
                return None
            raise _Mismatch
        name = self.name
        if name == "ANY":
            return value
        actual = type_name(value)
        if name == "LIST":
            if actual != "LIST":
                raise _Mismatch
            element = self.element
            if element is None or (element.name == "ANY" and element.nullable):
                return value
            return [element.coerce(v) for v in value]
        if actual == name:
            return value
        if name == "FLOAT" and actual == "INTEGER":
            return float(value)
        if name == "NUMBER" and actual in ("INTEGER", "FLOAT"):
            return value
        raise _Mismatch

    @property
    def is_any(self) -> bool:
        """True for ``ANY?``, which needs no check at all."""
        return self.name == "ANY" and self.nullable


ANY: Final = CypherType("ANY", nullable=True)


# ------------------------------------------------------------------------- signatures

_NO_DEFAULT: Final = object()


@dataclass(frozen=True, slots=True)
class ProcedureParameter:
    """An input parameter: name, type and, when optional, a default value."""

    name: str
    type: CypherType = ANY
    default: Any = _NO_DEFAULT

    @property
    def optional(self) -> bool:
        """Whether the parameter has a default and may be left out."""
        return self.default is not _NO_DEFAULT

    def __str__(self) -> str:
        if self.optional:
            return f"{self.name} = {_cypher_literal(self.default)} :: {self.type}"
        return f"{self.name} :: {self.type}"


@dataclass(frozen=True, slots=True)
class ProcedureColumn:
    """An output column (a field that ``YIELD`` can name) and its type."""

    name: str
    type: CypherType = ANY

    def __str__(self) -> str:
        return f"{self.name} :: {self.type}"


@dataclass(frozen=True, slots=True)
class ProcedureSignature:
    """A procedure's name, parameters (required ones first) and output columns."""

    name: str
    parameters: tuple[ProcedureParameter, ...] = ()
    columns: tuple[ProcedureColumn, ...] = ()

    def __post_init__(self) -> None:
        seen_optional = False
        for p in self.parameters:
            if seen_optional and not p.optional:
                raise ValueError(
                    f"Procedure '{self.name}': required parameter '{p.name}' follows an "
                    "optional one."
                )
            seen_optional = seen_optional or p.optional
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"Procedure '{self.name}' declares a column twice.")

    @classmethod
    def parse(cls, text: str) -> ProcedureSignature:
        """Read ``name(p :: T, q = 1 :: T) :: (c :: T)``; ValueError when malformed."""
        return parse_signature(text)

    @property
    def min_args(self) -> int:
        """How many arguments a call must pass."""
        return sum(1 for p in self.parameters if not p.optional)

    @property
    def max_args(self) -> int:
        """How many arguments a call may pass."""
        return len(self.parameters)

    @property
    def is_void(self) -> bool:
        """A procedure without output columns: called for its effect, rows pass through."""
        return not self.columns

    def column_index(self, name: str) -> int | None:
        """The position of output column ``name``, None if there is none."""
        for i, column in enumerate(self.columns):
            if column.name == name:
                return i
        return None

    def __str__(self) -> str:
        params = ", ".join(str(p) for p in self.parameters)
        columns = ", ".join(str(c) for c in self.columns)
        return f"{self.name}({params}) :: ({columns})"


def _split_top(text: str, sep: str = ",") -> list[str]:
    """Split on ``sep`` outside quotes, brackets and parentheses."""
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _matching_paren(text: str, open_at: int) -> int:
    """The index of the parenthesis closing the one at ``open_at``."""
    depth = 0
    quote = ""
    for i in range(open_at, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError(f"Unbalanced parentheses in procedure signature: {text!r}")


def _unquote(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == "`":
        return name[1:-1]
    return name


def _parse_default(text: str) -> Any:
    """A default value written as a Cypher literal (null, numbers, strings, lists, maps)."""
    from mgcore.cypher import ast
    from mgcore.cypher.parser import parse

    statement = parse(f"RETURN {text} AS v")
    expr = statement.parts[0].clauses[0].projection.items[0].expression  # type: ignore[attr-defined]

    def value(e: ast.Expr) -> Any:
        if isinstance(e, ast.Literal):
            return e.value
        if isinstance(e, ast.ListLiteral):
            return [value(i) for i in e.items]
        if isinstance(e, ast.MapLiteral):
            return {k: value(v) for k, v in e.items}
        if isinstance(e, ast.UnaryOp) and isinstance(e.operand, ast.Literal):
            v = e.operand.value
            if isinstance(v, int | float) and not isinstance(v, bool):
                return -v if e.op == ast.UnaryOperator.NEGATE else v
        raise ValueError(f"Default value {text!r} is not a literal.")

    return value(expr)


def _cypher_literal(value: Any) -> str:
    """``value`` written as Cypher, for signatures (``null``, ``'x'``, ``[1, 2]``)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_cypher_literal(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_cypher_literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _parse_parameter(text: str) -> ProcedureParameter:
    head, sep, type_text = text.partition("::")
    if not sep:
        raise ValueError(f"Parameter {text!r} has no type (write 'name :: TYPE').")
    default: Any = _NO_DEFAULT
    if "=" in head:
        head, default_text = head.split("=", 1)
        default = _parse_default(default_text.strip())
    elif "=" in type_text:
        type_text, default_text = type_text.split("=", 1)
        default = _parse_default(default_text.strip())
    return ProcedureParameter(_unquote(head), CypherType.parse(type_text), default)


def _parse_column(text: str) -> ProcedureColumn:
    name, sep, type_text = text.partition("::")
    if not sep:
        raise ValueError(f"Column {text!r} has no type (write 'name :: TYPE').")
    return ProcedureColumn(_unquote(name), CypherType.parse(type_text))


def parse_signature(text: str) -> ProcedureSignature:
    """Read a signature such as ``test.my.proc(name :: STRING?) :: (city :: STRING?)``.

    A trailing ``:`` (as TCK steps end) is ignored; ``:: VOID`` and ``:: ()`` both mean void.
    Raises ValueError when the text is not a signature.
    """
    text = text.strip()
    if text.endswith(":") and not text.endswith("::"):
        text = text[:-1].rstrip()
    open_at = text.find("(")
    if open_at <= 0:
        raise ValueError(f"Not a procedure signature: {text!r}")
    name = ".".join(_unquote(part) for part in text[:open_at].strip().split("."))
    close_at = _matching_paren(text, open_at)
    parameters = tuple(_parse_parameter(p) for p in _split_top(text[open_at + 1:close_at]))
    rest = text[close_at + 1:].strip()
    columns: tuple[ProcedureColumn, ...] = ()
    if rest:
        if not rest.startswith("::"):
            raise ValueError(f"Expected '::' after the parameters in {text!r}")
        rest = rest[2:].strip()
        if rest.upper() != "VOID":
            if not (rest.startswith("(") and rest.endswith(")")):
                raise ValueError(f"Output columns must be in parentheses in {text!r}")
            columns = tuple(_parse_column(c) for c in _split_top(rest[1:-1]))
    return ProcedureSignature(name, parameters, columns)


# ------------------------------------------------------------------------- procedures


class Mode(enum.StrEnum):
    """Whether a procedure only reads the graph or also writes it."""

    READ = "read"
    WRITE = "write"


Record = Sequence[Any] | Mapping[str, Any]
"""One output record: values in column order, or a mapping by column name."""

ProcedureImpl = Callable[..., Iterable[Record] | None]
"""``impl(ctx: ProcedureContext, *args)``, returning the records (None for a void procedure)."""


class ProcedureContext:
    """What a procedure gets besides its arguments: the transaction and the database."""

    __slots__ = ("query",)

    def __init__(self, query: QueryContext) -> None:
        self.query = query
        """The executing query's context (parameters, counters, notifications, deadline)."""

    @property
    def tx(self) -> Transaction | None:
        """The engine transaction the query runs in (reads see its own writes)."""
        return self.query.tx

    @property
    def database(self) -> Database:
        """The ``mgcore.Database`` (settings, engine statistics, storage mode)."""
        return self.query.database

    @property
    def parameters(self) -> Mapping[str, Any]:
        """The query's parameters."""
        return self.query.parameters

    @property
    def procedures(self) -> ProcedureRegistry:
        """The database's procedure registry (what ``mg.procedures()`` lists)."""
        registry: ProcedureRegistry = self.query.database.processor.procedures  # type: ignore[attr-defined]
        return registry

    @property
    def functions(self) -> Any:
        """The database's function registry (what ``mg.functions()`` lists)."""
        return self.query.database.processor.functions  # type: ignore[attr-defined]

    def check_deadline(self) -> None:
        """Raise QueryTimeout when the query ran out of time; call it in long loops."""
        self.query.check_deadline()


@dataclass(frozen=True, slots=True)
class Procedure:
    """A registered procedure: its signature, implementation, read/write mode and origin."""

    signature: ProcedureSignature
    impl: ProcedureImpl
    mode: Mode = Mode.READ
    path: str = ""
    """Where it comes from (a module or file), as ``mg.procedures()`` shows it."""
    description: str = field(default="", compare=False)

    @property
    def name(self) -> str:
        """The dotted name ``CALL`` uses (case-sensitive)."""
        return self.signature.name

    @property
    def is_write(self) -> bool:
        """Whether the procedure may write the graph."""
        return self.mode is Mode.WRITE

    def check_arguments(self, count: int) -> None:
        """InvalidNumberOfArguments unless ``count`` arguments fit the signature."""
        sig = self.signature
        if sig.min_args <= count <= sig.max_args:
            return
        if sig.min_args == sig.max_args:
            expected = f"{sig.max_args}"
        else:
            expected = f"between {sig.min_args} and {sig.max_args}"
        raise InvalidNumberOfArguments(
            f"Procedure '{self.name}' requires {expected} argument(s), got {count}."
        )

    def check_static_argument(self, index: int, static: str) -> None:
        """InvalidArgumentType when an argument known to be of type ``static`` can't be passed."""
        param = self.signature.parameters[index]
        if not param.type.accepts_static(static):
            raise InvalidArgumentType(
                f"Procedure '{self.name}' expects {param.type} for argument '{param.name}', "
                f"got {static}."
            )

    def coercer(self, index: int) -> Callable[[Any], Any] | None:
        """A function checking and coercing argument ``index`` at run time; None if any value
        is fine. A mismatch is a CypherTypeError."""
        param = self.signature.parameters[index]
        if param.type.is_any:
            return None
        ptype, pname, proc = param.type, param.name, self.name

        def coerce(value: Any) -> Any:
            try:
                return ptype.coerce(value)
            except _Mismatch:
                raise CypherTypeError(
                    f"Procedure '{proc}' expects {ptype} for argument '{pname}', got "
                    f"{type_name(value)}."
                ) from None

        return coerce

    def column_index(self, name: str) -> int:
        """The position of output column ``name``; a CypherSyntaxError (the TCK's
        UndefinedVariable) when the procedure yields no such column."""
        index = self.signature.column_index(name)
        if index is None:
            raise CypherSyntaxError(
                f"Procedure '{self.name}' does not yield a field named '{name}'."
            )
        return index


class ProcedureRegistry:
    """The procedures of one database by exact (case-sensitive) name.

    Filled while the database opens, through ``mg_register_procedures``, and open to changes
    afterwards (``Database.procedures``): ``on_change`` then drops the cached plans, which
    resolved their procedures when planned; lookups happen once per plan, never per row.
    """

    __slots__ = ("_procedures", "on_change")

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self._procedures: dict[str, Procedure] = {}
        self.on_change = on_change
        """Called after every registration or removal."""

    def register(self, procedure: Procedure, *, replace: bool = False) -> Procedure:
        """Add ``procedure``; a taken name is a ValueError unless ``replace``."""
        if procedure.name in self._procedures and not replace:
            raise ValueError(f"A procedure named '{procedure.name}' is already registered.")
        self._procedures[procedure.name] = procedure
        if self.on_change is not None:
            self.on_change()
        return procedure

    def add(
        self,
        signature: str | ProcedureSignature,
        impl: ProcedureImpl,
        *,
        mode: Mode | str = Mode.READ,
        path: str = "",
        description: str = "",
        replace: bool = False,
    ) -> Procedure:
        """Register ``impl`` under ``signature`` (text or parsed) and return the Procedure."""
        if isinstance(signature, str):
            signature = parse_signature(signature)
        procedure = Procedure(
            signature,
            impl,
            Mode(mode),
            path or _origin(impl),
            description or (impl.__doc__ or "").strip().split("\n")[0],
        )
        return self.register(procedure, replace=replace)

    def procedure(
        self,
        signature: str | ProcedureSignature,
        *,
        mode: Mode | str = Mode.READ,
        path: str = "",
        replace: bool = False,
    ) -> Callable[[ProcedureImpl], ProcedureImpl]:
        """Decorator form of ``add``: ``@registry.procedure("m.p(x :: INTEGER) :: ()")``."""

        def decorate(impl: ProcedureImpl) -> ProcedureImpl:
            self.add(signature, impl, mode=mode, path=path, replace=replace)
            return impl

        return decorate

    def unregister(self, name: str) -> None:
        """Remove the procedure ``name`` (KeyError when there is none)."""
        del self._procedures[name]
        if self.on_change is not None:
            self.on_change()

    def get(self, name: str) -> Procedure | None:
        """The procedure called ``name``, or None."""
        return self._procedures.get(name)

    def lookup(self, name: str) -> Procedure:
        """The procedure called ``name``; ProcedureNotFound when there is none."""
        proc = self._procedures.get(name)
        if proc is None:
            raise ProcedureNotFound(f"There is no procedure named '{name}'.")
        return proc

    def __contains__(self, name: object) -> bool:
        return name in self._procedures

    def __len__(self) -> int:
        return len(self._procedures)

    def __iter__(self) -> Iterator[Procedure]:
        """Procedures sorted by name."""
        return iter(sorted(self._procedures.values(), key=lambda p: p.name))


def _origin(impl: Callable[..., Any]) -> str:
    module = getattr(impl, "__module__", None)
    return str(module) if module else ""


__all__ = [
    "ANY",
    "CypherType",
    "Mode",
    "Procedure",
    "ProcedureColumn",
    "ProcedureContext",
    "ProcedureError",
    "ProcedureImpl",
    "ProcedureParameter",
    "ProcedureRegistry",
    "ProcedureSignature",
    "Record",
    "parse_signature",
]
