"""Aggregate functions (TCK Aggregation1 and the aggregation usages of the clause features):
null skipping, empty input, mixed types, DISTINCT, int64 overflow, percentiles, deviations."""

from __future__ import annotations

import math
import statistics
from typing import Any

import pytest

from mgcore.errors import CypherArgumentError, CypherArithmeticError, CypherTypeError
from mgcore.values.graph import Node, Path, Relationship

INT64_MAX = 2**63 - 1


def test_count_only_non_null(aggregate: Any) -> None:
    # TCK Aggregation1 [1]: count(n.num) grouped by name
    assert aggregate("count", [33, None]) == 1
    assert aggregate("count", [42]) == 1
    assert aggregate("count", []) == 0
    assert aggregate("count", [None, None]) == 0
    assert aggregate("count", [1, 1, 1.0, 2], distinct=True) == 2


def test_sum(aggregate: Any) -> None:
    assert aggregate("sum", [1, 2, None, 3]) == 6
    assert type(aggregate("sum", [1, 2])) is int
    assert aggregate("sum", [1, 2.5]) == 3.5
    assert aggregate("sum", []) == 0
    assert type(aggregate("sum", [])) is int
    assert aggregate("sum", [None]) == 0
    assert aggregate("sum", [1, 1, 2], distinct=True) == 3
    assert aggregate("sum", [INT64_MAX, 1, -1]) == INT64_MAX  # only the result must fit
    with pytest.raises(CypherArithmeticError):
        aggregate("sum", [INT64_MAX, 1])
    with pytest.raises(CypherArithmeticError):
        aggregate("sum", [-(2**63), -1])
    with pytest.raises(CypherTypeError, match="sum"):
        aggregate("sum", [1, "a"])
    with pytest.raises(CypherTypeError):
        aggregate("sum", [True])


def test_avg(aggregate: Any) -> None:
    assert aggregate("avg", [1, 2, None, 3, 4]) == 2.5
    result = aggregate("avg", [2, 4])
    assert result == 3.0 and type(result) is float
    assert aggregate("avg", [1, 2.0]) == 1.5
    assert aggregate("avg", []) is None
    assert aggregate("avg", [None]) is None
    assert aggregate("avg", [INT64_MAX, INT64_MAX]) == float(INT64_MAX)  # no overflow inside
    assert aggregate("avg", [1, 1, 3], distinct=True) == 2.0
    with pytest.raises(CypherTypeError, match="avg"):
        aggregate("avg", ["1"])


@pytest.mark.parametrize(
    ("values", "lo", "hi"),
    [
        ([1, 2, 3], 1, 3),
        ([3, None, 1, 2], 1, 3),
        ([1.5, 0.5, 2.5], 0.5, 2.5),
        ([1, 0.5, 2.5, 2], 0.5, 2.5),  # mixed numeric values
        (["a", "b", "B"], "B", "b"),
        ([[1], [1, 2], [0, 5]], [0, 5], [1, 2]),
        ([True, False], False, True),
        # mixed types: global order MAP < NODE < REL < LIST < PATH < STRING < BOOLEAN < NUMBER
        ([1, "a", None, [1, 2], 0.2, "b"], [1, 2], 1),
        (["x", 3, False], "x", 3),
        ([{"a": 1}, 1], {"a": 1}, 1),
        ([1, math.inf, -math.inf], -math.inf, math.inf),
        ([7], 7, 7),
        ([], None, None),
        ([None, None], None, None),
    ],
)
def test_min_max(aggregate: Any, values: list[Any], lo: Any, hi: Any) -> None:
    assert aggregate("min", values) == lo
    assert aggregate("max", values) == hi


def test_min_max_keep_the_value_and_its_type(aggregate: Any) -> None:
    assert type(aggregate("max", [1, 1.0])) is int  # ties keep the first
    assert type(aggregate("min", [1.0, 1])) is float
    assert aggregate("max", [Node(3), Node(1)]) == Node(3)
    nan_max = aggregate("max", [1, math.nan, 2])
    assert math.isnan(nan_max)  # NaN orders above every number
    assert aggregate("min", [1, math.nan, 2]) == 1
    # switching between the fast (same type) and the general path
    assert aggregate("max", [1, 5, "z", 3, 2.5, 9, 4]) == 9
    assert aggregate("min", ["b", "a", 1, "c", [0], "0"]) == [0]


def test_collect(aggregate: Any) -> None:
    assert aggregate("collect", [1, None, "a", [1], None]) == [1, "a", [1]]
    assert aggregate("collect", []) == []
    assert aggregate("collect", [None]) == []
    assert aggregate("collect", [1, 1.0, 2, 1], distinct=True) == [1, 2]
    assert aggregate("collect", [[0, 0], [0, 0.0], [0.5, 0]], distinct=True) == [[0, 0], [0.5, 0]]
    assert aggregate("collect", [{"a": 1}, {"a": 1}], distinct=True) == [{"a": 1}]


@pytest.mark.parametrize(
    ("p", "cont", "disc"),
    [(0.0, 10.0, 10), (0.5, 20.0, 20), (1.0, 30.0, 30), (0.25, 15.0, 10), (0.9, 28.0, 30)],
)
def test_percentiles(aggregate: Any, p: float, cont: float, disc: int) -> None:
    rows = [(v, p) for v in [30, None, 10, 20]]
    c = aggregate("percentileCont", rows)
    assert c == pytest.approx(cont) and type(c) is float
    d = aggregate("percentileDisc", rows)
    assert d == disc and type(d) is int


def test_percentile_disc_nearest_rank(aggregate: Any) -> None:
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert aggregate("percentileDisc", [(v, 0.1) for v in values]) == 1
    assert aggregate("percentileDisc", [(v, 0.15) for v in values]) == 2
    assert aggregate("percentileDisc", [(v, 0.5) for v in values]) == 5
    assert aggregate("percentileDisc", [(v, 1) for v in values]) == 10
    assert aggregate("percentileDisc", [(v, 0.5) for v in [2.5, 1.5]]) == 1.5
    assert aggregate("percentileCont", [(v, 0.5) for v in [1, 2, 3, 4]]) == 2.5
    assert aggregate("percentileCont", [(v, 0.5) for v in [5]]) == 5.0


def test_percentiles_empty_and_distinct(aggregate: Any) -> None:
    for name in ("percentileCont", "percentileDisc"):
        assert aggregate(name, []) is None
        assert aggregate(name, [(None, 0.5)]) is None
    assert aggregate("percentileCont", [(1, 0.5), (1, 0.5), (4, 0.5)], distinct=True) == 2.5


@pytest.mark.parametrize("name", ["percentileCont", "percentileDisc"])
@pytest.mark.parametrize("p", [1000, -1, 1.1, math.nan, None])
def test_percentile_out_of_range(aggregate: Any, name: str, p: Any) -> None:
    # TCK (Aggregation6): ArgumentError NumberOutOfRange
    with pytest.raises(CypherArgumentError, match=r"between 0\.0 and 1\.0"):
        aggregate(name, [(1, p)])


@pytest.mark.parametrize("name", ["percentileCont", "percentileDisc"])
def test_percentile_type_errors(aggregate: Any, name: str) -> None:
    with pytest.raises(CypherTypeError, match="argument 2"):
        aggregate(name, [(1, "0.5")])
    with pytest.raises(CypherTypeError, match="argument 1"):
        aggregate(name, [("1", 0.5)])


def test_standard_deviation(aggregate: Any) -> None:
    values = [2, 4, 4, 4, 5, 5, 7, 9]
    assert aggregate("stDevP", values) == pytest.approx(2.0)
    assert aggregate("stDev", values) == pytest.approx(statistics.stdev(values))
    assert aggregate("stDev", [1.5, None, 2.5, 3.5]) == pytest.approx(1.0)
    assert aggregate("stDev", []) == 0.0
    assert aggregate("stDev", [3]) == 0.0
    assert aggregate("stDevP", []) == 0.0
    assert aggregate("stDevP", [3]) == 0.0
    assert aggregate("stDevP", [1, 1, 3], distinct=True) == pytest.approx(1.0)
    big = [1e9 + x for x in (4, 7, 13, 16)]
    assert aggregate("stDev", big) == pytest.approx(statistics.stdev(big))
    for name in ("stDev", "stDevP"):
        with pytest.raises(CypherTypeError, match=name):
            aggregate(name, ["x"])


def test_distinct_over_maps_with_lists(aggregate: Any) -> None:
    # TCK Return5 [1], [3], [4]: count(DISTINCT {...}) over two equal nodes' lists
    lists = [["A", "B"], ["A", "B"]]
    assert aggregate("count", [{"name": x} for x in lists], distinct=True) == 1
    nested = [{"name": [[x, x], [x, x]]} for x in lists]
    assert aggregate("count", nested, distinct=True) == 1
    maps = [{"name": [{"name2": x}, {"baz": {"apa": x}}]} for x in lists]
    assert aggregate("count", maps, distinct=True) == 1


def test_aggregates_over_function_results(aggregate: Any, call: Any) -> None:
    a, b1, b2 = Node(1), Node(2), Node(3)
    paths = [
        Path((a, b1), (Relationship(4, 1, 2, "A"),)),
        Path((a, b2), (Relationship(5, 1, 3, "A"),)),
    ]
    # TCK Return6 [8]: avg(length(p)) is a float
    result = aggregate("avg", [call("length", p) for p in paths[:1]])
    assert result == 1.0 and type(result) is float
    # TCK Return6 [13]: min(length(p))
    assert aggregate("min", [call("length", p) for p in paths]) == 1
    # TCK Remove1: sum(size(keys(n)))
    maps = [{"a": 1}, {}, {"b": 2, "c": 3}]
    assert aggregate("sum", [call("size", call("keys", m)) for m in maps]) == 3
    # TCK List11 [3]: ALL(ok IN collect(...) WHERE ok)
    oks = [(call("size", call("range", 0, stop, 1)) == 0) == (stop < 0) for stop in (-1, 0, 3)]
    assert all(aggregate("collect", oks))
