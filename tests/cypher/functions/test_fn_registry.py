"""The function registry: registration, lookup, arity checks, DISTINCT accumulators."""

from __future__ import annotations

import inspect

import pytest

from mgcore.cypher.functions import (
    AggregateFunction,
    Function,
    FunctionRegistry,
    register_standard_library,
)
from mgcore.cypher.functions.aggregates import CountStar
from mgcore.errors import CypherSyntaxError


def _one(x: object) -> object:
    return x


class _Last:
    def __init__(self) -> None:
        self.seen: list[object] = []

    def update(self, *args: object) -> None:
        self.seen.append(args)

    def result(self) -> object:
        return self.seen


def test_lookup_is_case_insensitive_and_keeps_the_registered_name() -> None:
    r = FunctionRegistry()
    fn = Function("toUpper", _one, 1, 1)
    r.register(fn)
    assert r.lookup("TOUPPER") is fn
    assert r.lookup("toupper") is fn
    assert r.lookup("nope") is None
    assert r.names() == ["toUpper"]
    assert "ToUpper" in r
    assert 42 not in r


def test_namespaced_names() -> None:
    r = FunctionRegistry()
    fn = Function("date.truncate", _one, 1, 1)
    r.register(fn)
    assert r.lookup("Date.Truncate") is fn
    assert r.lookup("truncate") is None


def test_duplicates_are_refused_unless_replaced() -> None:
    r = FunctionRegistry()
    r.register(Function("f", _one, 1, 1))
    with pytest.raises(ValueError, match="already registered"):
        r.register(Function("F", _one, 1, 1))
    with pytest.raises(ValueError):
        r.register_aggregate(AggregateFunction("f", _Last))
    new = Function("F", _one, 0, 1)
    r.register(new, replace=True)
    assert r.lookup("f") is new
    agg = AggregateFunction("f", _Last)
    r.register_aggregate(agg, replace=True)
    assert r.lookup("f") is None
    assert r.lookup_aggregate("F") is agg
    assert r.is_aggregate("f")
    with pytest.raises(ValueError):
        r.register(Function("f", _one, 1, 1))
    r.register(Function("f", _one, 1, 1), replace=True)
    assert not r.is_aggregate("f")


def test_aggregates_are_separate_from_functions() -> None:
    r = FunctionRegistry()
    agg = AggregateFunction("myAgg", _Last, 1, 2)
    r.register_aggregate(agg)
    assert r.lookup("myagg") is None
    assert r.lookup_aggregate("MYAGG") is agg
    assert r.is_aggregate("myAGG")
    assert not r.is_aggregate("other")
    assert [a.name for a in r.aggregates()] == ["myAgg"]
    assert list(r.functions()) == []


@pytest.mark.parametrize(
    ("lo", "hi", "n", "message"),
    [
        (1, 1, 0, "exactly 1 argument, got 0"),
        (1, 1, 2, "exactly 1 argument, got 2"),
        (2, 3, 1, "between 2 and 3 arguments"),
        (1, None, 0, "at least 1 argument"),
        (0, 0, 1, "takes no arguments"),
        (2, 2, 3, "exactly 2 arguments"),
    ],
)
def test_arity_errors_are_syntax_errors(lo: int, hi: int | None, n: int, message: str) -> None:
    fn = Function("f", _one, lo, hi)
    with pytest.raises(CypherSyntaxError, match=message):
        fn.check_arity(n)
    agg = AggregateFunction("a", _Last, lo, hi)
    with pytest.raises(CypherSyntaxError, match=message):
        agg.check_arity(n)


def test_arity_ok() -> None:
    Function("f", _one, 1, None).check_arity(10)
    Function("f", _one, 2, 3).check_arity(3)
    AggregateFunction("a", _Last).check_arity(1)


def test_distinct_forwards_first_of_each_equivalence_class() -> None:
    agg = AggregateFunction("a", _Last, 1, 2)
    acc = agg.create(distinct=True)
    for row in [(1, "p"), (1.0, "q"), (None, "r"), ([1], "s"), ([1.0], "t"), (2, "u")]:
        acc.update(*row)
    assert acc.result() == [(1, "p"), ([1], "s"), (2, "u")]
    plain = agg.create()
    plain.update(1, "p")
    plain.update(1, "p")
    assert plain.result() == [(1, "p"), (1, "p")]


def test_count_star_counts_rows() -> None:
    acc = CountStar()
    for _ in range(3):
        acc.update()
    assert acc.result() == 3


def test_standard_library_is_complete_and_documented(registry: FunctionRegistry) -> None:
    expected = {
        "coalesce", "head", "last", "size", "length", "id", "type", "startNode", "endNode",
        "properties", "keys", "labels", "nodes", "relationships", "timestamp", "randomUUID",
        "valueType", "toBoolean", "toBooleanOrNull", "toInteger", "toIntegerOrNull",
        "toFloat", "toFloatOrNull", "toString", "toStringOrNull", "toBooleanList",
        "toIntegerList", "toFloatList", "toStringList", "isEmpty", "left", "right",
        "substring", "trim", "lTrim", "rTrim", "toUpper", "toLower", "upper", "lower",
        "replace", "split", "reverse", "range", "tail", "abs", "ceil", "floor", "round",
        "sign", "rand", "sqrt", "exp", "log", "log10", "e", "pi", "sin", "cos", "tan", "cot",
        "asin", "acos", "atan", "atan2", "degrees", "radians", "haversin",
        "date", "localtime", "time", "localdatetime", "datetime", "duration",
        "date.truncate", "datetime.transaction", "localtime.statement", "time.realtime",
        "duration.between", "duration.inMonths", "duration.inDays", "duration.inSeconds",
        "datetime.fromepoch", "datetime.fromepochmillis",
    }
    aggregates = {
        "count", "sum", "avg", "min", "max", "collect", "percentileCont", "percentileDisc",
        "stDev", "stDevP",
    }
    for name in expected:
        fn = registry.lookup(name)
        assert fn is not None, name
        assert fn.signature.lower().startswith(name.lower() + "("), name
        assert fn.description, name
        doc = inspect.getdoc(fn.impl)
        assert doc, name
        params = inspect.signature(fn.impl).parameters.values()
        positional = [p for p in params if p.kind is not p.VAR_POSITIONAL]
        if fn.needs_context:
            positional = positional[1:]
        if fn.max_args is not None:
            assert len(positional) == fn.max_args, name
            required = [p for p in positional if p.default is p.empty]
            assert len(required) == fn.min_args, name
    for name in aggregates:
        agg = registry.lookup_aggregate(name)
        assert agg is not None, name
        assert agg.signature and agg.description
    assert not (expected & aggregates)
    nondeterministic = {f.name for f in registry.functions() if not f.deterministic}
    assert nondeterministic == {
        "rand", "randomUUID", "timestamp",
        *(f"{kind}.realtime" for kind in
          ("date", "localtime", "time", "localdatetime", "datetime")),
    }


def test_register_twice_fails() -> None:
    r = FunctionRegistry()
    register_standard_library(r)
    with pytest.raises(ValueError):
        register_standard_library(r)
