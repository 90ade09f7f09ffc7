"""The function registry: scalar functions and aggregate functions by case-insensitive name.

Calling conventions (the expression compiler relies on these; nothing here runs per row except
the callables themselves):

* A scalar ``Function`` is looked up once per plan. The compiler checks the argument count with
  ``Function.check_arity(n)`` (a ``CypherSyntaxError`` at compile time, as the TCK's
  ``InvalidNumberOfArguments``) and then calls ``impl(*args)`` per row, or ``impl(ctx, *args)``
  when ``needs_context`` is true (``ctx`` is the ``QueryContext``; graph functions read
  ``ctx.tx``). Implementations do not re-check their arity.
* An ``AggregateFunction`` is also looked up once per plan. Per group, the executor creates an
  accumulator with ``agg.create(distinct)``, calls ``acc.update(*args)`` once per input row
  (with the evaluated argument expressions, nulls included: accumulators skip null inputs
  themselves) and ``acc.result()`` once at the end. ``count(*)`` is not an aggregate of this
  registry: it is the executor's row count (``CountStar`` in ``aggregates`` does exactly that).
* ``DISTINCT`` is a flag of ``create``: with ``distinct=True`` the accumulator is wrapped so that
  only the first of each set of equivalent values of the *first* argument (by
  ``mgcore.values.compare.equivalence_key``) reaches it; other arguments (the percentile of
  ``percentileCont``) pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from mgcore.errors import CypherSyntaxError
from mgcore.values.compare import equivalence_key


class Accumulator(Protocol):
    """The state of one aggregate over one group."""

    def update(self, *args: Any) -> None:
        """Add one input row (the evaluated arguments, nulls included)."""

    def result(self) -> Any:
        """The aggregate's value; called once, after the last ``update``."""


def _arity_text(min_args: int, max_args: int | None) -> str:
    """'exactly 1 argument', 'between 2 and 3 arguments', 'at least 1 argument'."""
    if max_args is None:
        return f"at least {min_args} argument{'s' if min_args != 1 else ''}"
    if min_args == max_args:
        return f"exactly {min_args} argument{'s' if min_args != 1 else ''}"
    return f"between {min_args} and {max_args} arguments"


def _check_arity(name: str, min_args: int, max_args: int | None, nargs: int) -> None:
    """Raise CypherSyntaxError unless ``min_args <= nargs <= max_args``."""
    if nargs < min_args or (max_args is not None and nargs > max_args):
        if max_args == 0:
            raise CypherSyntaxError(f"Function '{name}' takes no arguments, got {nargs}.")
        raise CypherSyntaxError(
            f"Function '{name}' requires {_arity_text(min_args, max_args)}, got {nargs}."
        )


@dataclass(frozen=True, slots=True)
class Function:
    """A scalar Cypher function: ``impl(*args)``, or ``impl(ctx, *args)`` if ``needs_context``."""

    name: str
    impl: Callable[..., Any]
    min_args: int
    max_args: int | None
    """None for variadic functions (``coalesce``)."""
    needs_context: bool = False
    deterministic: bool = True
    """False when two calls with the same arguments may differ (``rand``, ``timestamp``):
    the planner must not fold or cache them."""
    signature: str = ""
    """What ``mg.functions()`` shows, e.g. ``"substring(original :: STRING, start :: INTEGER,
    length = null :: INTEGER) :: STRING"``."""
    description: str = ""

    def check_arity(self, nargs: int) -> None:
        """Raise CypherSyntaxError when the function can't be called with ``nargs`` arguments."""
        _check_arity(self.name, self.min_args, self.max_args, nargs)


class _DistinctAccumulator:
    """Passes only the first of each equivalence class of the first argument to ``inner``."""

    __slots__ = ("inner", "seen")

    def __init__(self, inner: Accumulator) -> None:
        self.inner = inner
        self.seen: set[Hashable] = set()

    def update(self, *args: Any) -> None:
        """Forward ``args`` unless the first argument is null or was seen before."""
        value = args[0]
        if value is None:
            return
        key = equivalence_key(value)
        if key in self.seen:
            return
        self.seen.add(key)
        self.inner.update(*args)

    def result(self) -> Any:
        """The wrapped accumulator's result."""
        return self.inner.result()


@dataclass(frozen=True, slots=True)
class AggregateFunction:
    """An aggregate function: ``factory()`` makes a fresh accumulator for one group."""

    name: str
    factory: Callable[[], Accumulator]
    min_args: int = 1
    max_args: int | None = 1
    signature: str = ""
    description: str = ""

    def create(self, distinct: bool = False) -> Accumulator:
        """A new accumulator; with ``distinct`` it sees each equivalent first argument once."""
        acc = self.factory()
        return _DistinctAccumulator(acc) if distinct else acc

    def check_arity(self, nargs: int) -> None:
        """Raise CypherSyntaxError when the aggregate can't take ``nargs`` arguments."""
        _check_arity(self.name, self.min_args, self.max_args, nargs)


class FunctionRegistry:
    """Scalar and aggregate functions of one database, keyed by lower-cased name.

    Names are case-insensitive and may be namespaced (``date.truncate``); the name as
    registered is kept for display. A name is either a function or an aggregate, never both.
    Registration happens while the database opens (``mg_register_functions``); lookups are
    done once per plan, so the registry is not on the per-row path.
    """

    __slots__ = ("_aggregates", "_functions")

    def __init__(self) -> None:
        self._functions: dict[str, Function] = {}
        self._aggregates: dict[str, AggregateFunction] = {}

    def _check_free(self, key: str, name: str, replace: bool) -> None:
        """Raise ValueError when ``key`` is taken and ``replace`` is false."""
        if replace:
            return
        existing = self._functions.get(key) or self._aggregates.get(key)
        if existing is not None:
            raise ValueError(
                f"A function named '{existing.name}' is already registered; "
                f"pass replace=True to replace it with '{name}'."
            )

    def register(self, fn: Function, *, replace: bool = False) -> None:
        """Add a scalar function; a taken name is a ValueError unless ``replace``."""
        key = fn.name.lower()
        self._check_free(key, fn.name, replace)
        self._aggregates.pop(key, None)
        self._functions[key] = fn

    def register_aggregate(self, agg: AggregateFunction, *, replace: bool = False) -> None:
        """Add an aggregate function; a taken name is a ValueError unless ``replace``."""
        key = agg.name.lower()
        self._check_free(key, agg.name, replace)
        self._functions.pop(key, None)
        self._aggregates[key] = agg

    def lookup(self, name: str) -> Function | None:
        """The scalar function called ``name`` (any case), or None."""
        return self._functions.get(name.lower())

    def lookup_aggregate(self, name: str) -> AggregateFunction | None:
        """The aggregate function called ``name`` (any case), or None."""
        return self._aggregates.get(name.lower())

    def is_aggregate(self, name: str) -> bool:
        """True when ``name`` (any case) is an aggregate function."""
        return name.lower() in self._aggregates

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        key = name.lower()
        return key in self._functions or key in self._aggregates

    def names(self) -> list[str]:
        """Every registered name (functions and aggregates) as registered, sorted."""
        out = [f.name for f in self._functions.values()]
        out.extend(a.name for a in self._aggregates.values())
        return sorted(out, key=str.lower)

    def functions(self) -> Iterator[Function]:
        """The scalar functions, sorted by name (for ``mg.functions()``)."""
        return iter(sorted(self._functions.values(), key=lambda f: f.name.lower()))

    def aggregates(self) -> Iterator[AggregateFunction]:
        """The aggregate functions, sorted by name."""
        return iter(sorted(self._aggregates.values(), key=lambda a: a.name.lower()))
