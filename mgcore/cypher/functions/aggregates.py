"""Aggregate functions: count, sum, avg, min, max, collect, percentileCont, percentileDisc,
stDev, stDevP.

Each class is an accumulator for one group (``update(*args)`` per row, ``result()`` once).
All skip null inputs. Results over no (non-null) input: count 0, sum 0, avg/min/max null,
collect [], percentiles null, stDev/stDevP 0.0. ``min``/``max`` use openCypher's global order
(``order_key``), so they work over mixed types: numbers are the largest values, lists and maps
among the smallest (``max([1, 'a', [1, 2]]) = 1``). ``sum`` of integers is an integer and
raises CypherArithmeticError outside int64; ``avg`` is always a float. Durations are not
summable yet (CypherTypeError).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

from mgcore.cypher.functions._common import argument_error, type_error
from mgcore.cypher.functions.registry import AggregateFunction
from mgcore.errors import CypherArgumentError
from mgcore.values.compare import order_key
from mgcore.values.types import check_int

_NUMBER = "a number"
_UNSET: Any = object()


class CountStar:
    """``count(*)``: the number of rows (nulls have no meaning here). Not registered: the
    executor uses it directly."""

    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0

    def update(self, *args: Any) -> None:
        """Count one row."""
        self.n += 1

    def result(self) -> int:
        """The number of rows."""
        return self.n


class Count:
    """``count(x)``: the number of non-null values."""

    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0

    def update(self, v: Any) -> None:
        """Count ``v`` unless it is null."""
        if v is not None:
            self.n += 1

    def result(self) -> int:
        """The number of non-null values."""
        return self.n


class Sum:
    """``sum(x)``: the sum of numbers; 0 for no input."""

    __slots__ = ("total",)

    def __init__(self) -> None:
        self.total: int | float = 0

    def update(self, v: Any) -> None:
        """Add a number; skip null."""
        t = type(v)
        if t is int or t is float:
            self.total += v
        elif v is not None:
            raise type_error("sum", 1, _NUMBER, v)

    def result(self) -> int | float:
        """The sum; an integer sum must fit in int64."""
        total = self.total
        return check_int(total) if type(total) is int else total


class Avg:
    """``avg(x)``: the arithmetic mean of numbers as a float; null for no input."""

    __slots__ = ("n", "total")

    def __init__(self) -> None:
        self.total: int | float = 0
        self.n = 0

    def update(self, v: Any) -> None:
        """Add a number; skip null."""
        t = type(v)
        if t is int or t is float:
            self.total += v
            self.n += 1
        elif v is not None:
            raise type_error("avg", 1, _NUMBER, v)

    def result(self) -> float | None:
        """The mean, or null."""
        if not self.n:
            return None
        return self.total / self.n


class _Extreme:
    """Keeps the value that wins ``_beats`` in openCypher's global order; null for no input."""

    __slots__ = ("best", "key")
    _beats: Callable[[Any, Any], bool]

    def __init__(self) -> None:
        self.best: Any = None
        self.key: Any = None

    def update(self, v: Any) -> None:
        """Keep ``v`` if it beats the best so far; skip null. Same-typed ints and strings
        compare directly; anything else through ``order_key``."""
        best = self.best
        t = type(v)
        if t is type(best) and (t is int or t is str):
            if self._beats(v, best):
                self.best = v
                self.key = None
            return
        if v is None:
            return
        key = order_key(v)
        if best is None:
            self.best = v
            self.key = key
            return
        best_key = self.key if self.key is not None else order_key(best)
        if self._beats(key, best_key):
            self.best = v
            self.key = key
        else:
            self.key = best_key

    def result(self) -> Any:
        """The winning value, or null."""
        return self.best


class Min(_Extreme):
    """``min(x)``: the smallest value in openCypher's global order; null for no input."""

    __slots__ = ()
    _beats = staticmethod(operator.lt)


class Max(_Extreme):
    """``max(x)``: the largest value in openCypher's global order; null for no input."""

    __slots__ = ()
    _beats = staticmethod(operator.gt)


class Collect:
    """``collect(x)``: the non-null values as a list, in input order."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[Any] = []

    def update(self, v: Any) -> None:
        """Append ``v`` unless it is null."""
        if v is not None:
            self.items.append(v)

    def result(self) -> list[Any]:
        """The collected list (the accumulator's own list: call once)."""
        return self.items


def _check_percentile(name: str, p: Any) -> float:
    """Validate a percentile argument: a number in [0, 1]."""
    t = type(p)
    if t is not int and t is not float:
        if p is None:
            raise CypherArgumentError(
                f"Function '{name}': the percentile must be a number between 0.0 and 1.0, "
                "got null."
            )
        raise type_error(name, 2, _NUMBER, p)
    if not 0.0 <= p <= 1.0:
        raise argument_error(
            name, f"the percentile must be a number between 0.0 and 1.0, got {p}."
        )
    return float(p)


class _Percentile:
    """Shared state of the percentile aggregates: the values and the percentile."""

    __slots__ = ("p", "raw_p", "values")
    name = "percentile"

    def __init__(self) -> None:
        self.values: list[int | float] = []
        self.raw_p: Any = _UNSET
        self.p = 0.0

    def update(self, v: Any, p: Any) -> None:
        """Add a number with the percentile of this row; skip a null value."""
        t = type(v)
        if t is not int and t is not float:
            if v is None:
                return
            raise type_error(self.name, 1, _NUMBER, v)
        if p is not self.raw_p:
            self.p = _check_percentile(self.name, p)
            self.raw_p = p
        self.values.append(v)

    def _sorted(self) -> list[int | float]:
        """The values in ascending order (NaN last)."""
        values = self.values
        if any(x != x for x in values):
            values.sort(key=order_key)
        else:
            values.sort()
        return values


class PercentileDisc(_Percentile):
    """``percentileDisc(x, p)``: the input value at percentile ``p`` (nearest rank, no
    interpolation); null for no input."""

    __slots__ = ()
    name = "percentileDisc"

    def result(self) -> int | float | None:
        """The smallest value with at least a fraction ``p`` of the values at or below it."""
        values = self._sorted()
        n = len(values)
        if not n:
            return None
        rank = self.p * n
        idx = int(rank)
        if idx == rank and idx > 0:
            idx -= 1
        return values[min(idx, n - 1)]


class PercentileCont(_Percentile):
    """``percentileCont(x, p)``: the percentile ``p`` by linear interpolation between the
    two nearest values, as a float; null for no input."""

    __slots__ = ()
    name = "percentileCont"

    def result(self) -> float | None:
        """The interpolated percentile."""
        values = self._sorted()
        n = len(values)
        if not n:
            return None
        pos = self.p * (n - 1)
        lo = int(pos)
        hi = min(lo + 1, n - 1)
        frac = pos - lo
        if frac == 0.0 or lo == hi:
            return float(values[lo])
        return values[lo] * (1.0 - frac) + values[hi] * frac


class _Deviation:
    """Running count, mean and sum of squared deviations (Welford's algorithm)."""

    __slots__ = ("m2", "mean", "n")
    name = "stDev"

    def __init__(self) -> None:
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0

    def update(self, v: Any) -> None:
        """Add a number; skip null."""
        t = type(v)
        if t is not int and t is not float:
            if v is None:
                return
            raise type_error(self.name, 1, _NUMBER, v)
        self.n += 1
        delta = v - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (v - self.mean)


class StDev(_Deviation):
    """``stDev(x)``: the sample standard deviation; 0.0 for fewer than two values."""

    __slots__ = ()

    def result(self) -> float:
        """sqrt(sum of squared deviations / (n - 1))."""
        n = self.n
        return math.sqrt(self.m2 / (n - 1)) if n > 1 else 0.0


class StDevP(_Deviation):
    """``stDevP(x)``: the population standard deviation; 0.0 for no input."""

    __slots__ = ()
    name = "stDevP"

    def result(self) -> float:
        """sqrt(sum of squared deviations / n)."""
        n = self.n
        return math.sqrt(self.m2 / n) if n else 0.0


AGGREGATES: tuple[AggregateFunction, ...] = (
    AggregateFunction(
        "count", Count,
        signature="count(input :: ANY) :: INTEGER",
        description="Returns the number of non-null values.",
    ),
    AggregateFunction(
        "sum", Sum,
        signature="sum(input :: NUMBER) :: NUMBER",
        description="Returns the sum of numbers.",
    ),
    AggregateFunction(
        "avg", Avg,
        signature="avg(input :: NUMBER) :: FLOAT",
        description="Returns the average of numbers.",
    ),
    AggregateFunction(
        "min", Min,
        signature="min(input :: ANY) :: ANY",
        description="Returns the smallest value.",
    ),
    AggregateFunction(
        "max", Max,
        signature="max(input :: ANY) :: ANY",
        description="Returns the largest value.",
    ),
    AggregateFunction(
        "collect", Collect,
        signature="collect(input :: ANY) :: LIST",
        description="Returns the non-null values as a list.",
    ),
    AggregateFunction(
        "percentileCont", PercentileCont, 2, 2,
        signature="percentileCont(input :: NUMBER, percentile :: FLOAT) :: FLOAT",
        description="Returns the percentile of numbers, interpolating between values.",
    ),
    AggregateFunction(
        "percentileDisc", PercentileDisc, 2, 2,
        signature="percentileDisc(input :: NUMBER, percentile :: FLOAT) :: NUMBER",
        description="Returns the value at a percentile of numbers, without interpolation.",
    ),
    AggregateFunction(
        "stDev", StDev,
        signature="stDev(input :: NUMBER) :: FLOAT",
        description="Returns the sample standard deviation of numbers.",
    ),
    AggregateFunction(
        "stDevP", StDevP,
        signature="stDevP(input :: NUMBER) :: FLOAT",
        description="Returns the population standard deviation of numbers.",
    ),
)
