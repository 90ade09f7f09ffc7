"""Tests of mgcore.values.compare against the openCypher CIP2016-06-14 and the TCK features
(expressions/comparison, expressions/null, clauses/return-orderby, clauses/with-orderBy,
clauses/return)."""

from __future__ import annotations

import copy
import functools
import itertools
import math
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgcore.values import (
    INT64_MAX,
    INT64_MIN,
    Node,
    NodeHandle,
    Path,
    Relationship,
    RelationshipHandle,
    equals,
    equivalence_key,
    equivalent,
    greater_equal,
    greater_than,
    in_list,
    less_equal,
    less_than,
    not_equals,
    order_key,
    type_rank,
)
from mgcore.values.compare import EQ, GT, LT, UNORDERED, compare

NAN = float("nan")
INF = float("inf")


class NodeH(NodeHandle):
    __slots__ = ("gid",)

    def __init__(self, gid: int) -> None:
        self.gid = gid


class RelH(RelationshipHandle):
    __slots__ = ("gid",)

    def __init__(self, gid: int) -> None:
        self.gid = gid


def _path(*ids: int) -> Path:
    """A path from alternating node and relationship ids."""
    nodes = tuple(Node(i) for i in ids[0::2])
    rels = tuple(Relationship(r, ids[2 * k], ids[2 * k + 2], "T") for k, r in enumerate(ids[1::2]))
    return Path(nodes, rels)


# ------------------------------------------------------------------------------ strategies

_edge_ints = st.sampled_from(
    [0, 1, -1, 2**53 - 1, 2**53, 2**53 + 1, -(2**53) - 1, 2**62 + 1, INT64_MIN, INT64_MAX]
)
_edge_floats = st.sampled_from(
    [0.0, -0.0, 1.0, -1.0, NAN, INF, -INF, 2.0**53, 2.0**63, -(2.0**63), 5e-324, 0.5]
)
ints = st.one_of(st.integers(INT64_MIN, INT64_MAX), st.integers(-3, 3), _edge_ints)
floats = st.one_of(st.floats(), st.floats(-3, 3).map(round), _edge_floats)
texts = st.one_of(st.text(max_size=6), st.sampled_from(["", "a", "aa", "\x00", "a\x00", "\uffff"]))
scalars = st.one_of(st.none(), st.booleans(), ints, floats, texts)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["", "a", "b", "k"]) | st.text(max_size=3), children, max_size=3
        )
    ),
    max_leaves=10,
)
_ids = st.integers(0, 4)
graph_values = st.one_of(
    _ids.map(Node),
    _ids.map(NodeH),
    _ids.map(lambda i: Relationship(i, 0, 0, "T")),
    _ids.map(RelH),
    st.lists(_ids, min_size=1, max_size=7)
    .filter(lambda ids: len(ids) % 2 == 1)
    .map(lambda ids: _path(*ids)),
)
any_values = st.recursive(
    st.one_of(scalars, graph_values),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["", "a", "b"]), children, max_size=3)
    ),
    max_leaves=10,
)


def _contains_null(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, list | tuple):
        return any(_contains_null(x) for x in v)
    if isinstance(v, dict):
        return any(_contains_null(x) for x in v.values())
    return False


def _contains_nan(v: Any) -> bool:
    if isinstance(v, float):
        return v != v
    if isinstance(v, list | tuple):
        return any(_contains_nan(x) for x in v)
    if isinstance(v, dict):
        return any(_contains_nan(x) for x in v.values())
    return False


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _sign(x: Any) -> int:
    return (x > 0) - (x < 0)


def _key_cmp(a: Any, b: Any) -> int:
    ka, kb = order_key(a), order_key(b)
    return (ka > kb) - (ka < kb)


# ------------------------------------------------------------------- TCK: Comparison1 (=)


@pytest.mark.parametrize(
    ("lhs", "rhs", "result"),
    [
        ([1, 2], [1], False),
        ([None], [1], None),
        (["a"], [1], False),
        ([[1]], [[1], [None]], False),
        ([[1], [2]], [[1], [None]], None),
        ([[1], [2, 3]], [[1], [None]], False),
    ],
)
def test_tck_comparison1_lists(lhs: Any, rhs: Any, result: bool | None) -> None:
    assert equals(lhs, rhs) is result
    assert equals(rhs, lhs) is result


@pytest.mark.parametrize(
    ("lhs", "rhs", "result"),
    [
        ({}, {}, True),
        ({"k": True}, {"k": True}, True),
        ({"k": 1}, {"k": 1}, True),
        ({"k": 1.0}, {"k": 1.0}, True),
        ({"k": "abc"}, {"k": "abc"}, True),
        ({"k": "a", "l": 2}, {"k": "a", "l": 2}, True),
        ({}, {"k": None}, False),
        ({"k": None}, {}, False),
        ({"k": 1}, {"k": 1, "l": None}, False),
        ({"k": None, "l": 1}, {"l": 1}, False),
        ({"k": None}, {"k": None, "l": None}, False),
        ({"k": None}, {"k": None}, None),
        ({"k": 1}, {"k": None}, None),
        ({"k": 1, "l": None}, {"k": None, "l": None}, None),
        ({"k": 1, "l": None}, {"k": None, "l": 1}, None),
        ({"k": 1, "l": None}, {"k": 1, "l": 1}, None),
    ],
)
def test_tck_comparison1_maps(lhs: Any, rhs: Any, result: bool | None) -> None:
    assert equals(lhs, rhs) is result
    assert equals(rhs, lhs) is result


@pytest.mark.parametrize("rhs", [1, 1.0, NAN, "a"])
def test_tck_comparison1_nan(rhs: Any) -> None:
    assert equals(NAN, rhs) is False
    assert not_equals(NAN, rhs) is True


@pytest.mark.parametrize(
    ("lhs", "rhs", "result"),
    [(1.0, 1.0, True), (1, 1.0, True), ("1.0", 1.0, False), ("1", 1, False)],
)
def test_tck_comparison1_strings_and_numbers(lhs: Any, rhs: Any, result: bool) -> None:
    assert equals(lhs, rhs) is result


def test_tck_comparison1_large_integers() -> None:
    assert equals(4611686018427387905, 4611686018427387905) is True
    assert equals(4611686018427387905, 4611686018427387900) is False
    assert equals(2**53 + 1, float(2**53)) is False
    assert equals(2**53, float(2**53)) is True
    assert equals(INT64_MAX, 2.0**63) is False
    assert less_than(INT64_MAX, 2.0**63) is True
    assert greater_than(2**53 + 1, float(2**53)) is True
    assert compare(2**53 + 1, float(2**53)) == GT


def test_tck_comparison1_nodes_relationships_paths() -> None:
    assert equals(Node(1), Node(1, ("X",))) is True
    assert equals(Node(1), NodeH(1)) is True
    assert equals(NodeH(2), NodeH(2)) is True
    assert equals(Node(1), Node(2)) is False
    assert equals(Node(1), Relationship(1, 0, 0, "T")) is False
    assert equals(RelH(1), Relationship(1, 0, 0, "T")) is True
    assert equals(NodeH(1), RelH(1)) is False
    assert equals(_path(1, 7, 1), _path(1, 7, 1)) is True
    assert equals(_path(1, 7, 2), _path(1, 8, 2)) is False
    assert equals(_path(1), [Node(1)]) is False
    assert equals(Node(1), {"id": 1}) is False


def test_false_element_beats_null_element() -> None:
    assert equals([None, 1], [1, 2]) is False
    assert equals([1, None], [2, 2]) is False
    assert equals({"a": None, "b": 1}, {"a": 1, "b": 2}) is False
    assert equals([[None], [1]], [[1], [2]]) is False
    assert equals([None, 1], [1, 1]) is None


def _ref_equals(a: Any, b: Any) -> bool | None:
    """An independent reference for Cypher equality on property-like values."""
    if a is None or b is None:
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return Fraction(a) == Fraction(b) if math.isfinite(a) and math.isfinite(b) else a == b
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        results = [_ref_equals(x, y) for x, y in zip(a, b, strict=True)]
        return False if False in results else (None if None in results else True)
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return False
        return _ref_equals([a[k] for k in sorted(a)], [b[k] for k in sorted(b)])
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return False


def test_tck_null_equality() -> None:
    assert equals(None, None) is None
    assert not_equals(None, None) is None
    assert equals(None, 1) is None
    assert equals("a", None) is None


def test_boolean_never_equals_integer() -> None:
    assert equals(True, 1) is False
    assert equals(0, False) is False
    assert equals([True], [1]) is False
    assert compare(True, 1) is None
    assert less_than(False, 1) is None


# --------------------------------------------------------------------- TCK: Null3 (IN)


@pytest.mark.parametrize(
    ("elt", "coll", "result"),
    [
        (None, [1, 2, 3], None),
        (None, [1, 2, 3, None], None),
        (None, [], False),
        (1, [1, 2, 3, None], True),
        (1, [None, 1], True),
        (5, [1, 2, 3, None], None),
        (5, [1, 2, 3], False),
        ([1, None], [[1, 2]], None),
        ([1, 2], [[1, None, 3], [1, 2]], True),
        (1, [1.0], True),
        (NAN, [NAN], False),
    ],
)
def test_tck_null3_in(elt: Any, coll: list[Any], result: bool | None) -> None:
    assert in_list(elt, coll) is result


# ---------------------------------------------------------------- comparability (CIP)


def test_cip_comparability_examples() -> None:
    assert greater_than(1, 0.5) is True
    assert less_equal("string", True) is None
    assert greater_equal([1, 2], [1, None]) is None
    assert greater_equal([1, 2], [3, None]) is False
    assert less_than([1], [1, 0]) is True
    assert less_than([1], [1, None]) is True
    assert less_equal({"a": 1}, {"a": 1, "b": None}) is None


def test_cross_type_comparisons_are_null() -> None:
    for a, b in [(1, "1"), ("a", True), ([1], 1), ({}, []), (Node(1), Relationship(1, 0, 0, "T"))]:
        for op in (less_than, less_equal, greater_than, greater_equal):
            assert op(a, b) is None
            assert op(b, a) is None
        assert compare(a, b) is None


def test_null_comparisons_are_null() -> None:
    for v in (None, 1, "a", [1], NAN):
        for op in (less_than, less_equal, greater_than, greater_equal):
            assert op(None, v) is None
            assert op(v, None) is None


@pytest.mark.parametrize("other", [1, 1.0, -INF, INF, NAN, 0])
def test_nan_comparisons_are_false(other: Any) -> None:
    for op in (less_than, less_equal, greater_than, greater_equal):
        assert op(NAN, other) is False
        assert op(other, NAN) is False
    assert compare(NAN, other) == UNORDERED


def test_nan_against_non_numbers_is_null() -> None:
    assert less_than(NAN, "a") is None
    assert greater_equal(True, NAN) is None


def test_nan_inside_lists() -> None:
    for op in (less_than, less_equal, greater_than, greater_equal):
        assert op([NAN], [1]) is False
        assert op([1, NAN], [1, NAN]) is False
    assert less_than([0, NAN], [1, NAN]) is True
    assert equals([NAN], [NAN]) is False


def test_scalar_orders() -> None:
    assert less_than(False, True) is True
    assert less_than("a", "aa") is True
    assert less_than("Z", "a") is True
    assert less_than("\uffff", "\U00010000") is True
    assert less_than("", "\x00") is True
    assert less_than(-INF, INT64_MIN) is True
    assert less_than(INT64_MAX, INF) is True
    assert compare(-0.0, 0) == EQ
    assert compare(0.0, -0.0) == EQ
    assert less_equal(1, 1.0) is True
    assert greater_equal(1.0, 1) is True


def test_maps_nodes_paths_compare() -> None:
    assert less_than({"a": 1}, {"a": 2}) is True
    assert less_than({"a": 1}, {"b": 0}) is True
    assert less_than({}, {"a": 1}) is True
    assert compare({"a": 1}, {"a": 1.0}) == EQ
    assert compare({"a": [None]}, {"a": [None]}) is None
    assert less_than(Node(1), NodeH(2)) is True
    assert less_than(RelH(3), Relationship(2, 0, 0, "T")) is False
    assert less_than(_path(1, 1, 3), _path(1, 2, 2)) is True
    assert less_than(_path(1), _path(1, 0, 0)) is True


def test_compare_outcomes() -> None:
    assert compare(1, 2) == LT
    assert compare(2, 1) == GT
    assert compare("b", "a") == GT
    assert compare(True, False) == GT
    assert compare([1, 2], [1, 2]) == EQ
    assert compare([1, 2], [1, 2.5]) == LT


# ------------------------------------------------------------- orderability (TCK, CIP)


def test_tck_orderby_lists() -> None:
    given_ = [[], ["a"], ["a", 1], [1], [1, "a"], [1, None], [None, 1], [None, 2]]
    shuffled = [given_[i] for i in (5, 2, 7, 0, 3, 6, 1, 4)]
    assert sorted(shuffled, key=order_key) == given_
    assert sorted(shuffled, key=order_key, reverse=True) == given_[::-1]


def test_tck_orderby_distinct_types() -> None:
    n = Node(0, ("N",))
    r = Relationship(5, 0, 1, "REL")
    p = Path((n, Node(1)), (r,))
    unwound: list[Any] = [n, r, p, 1.5, ["list"], "text", None, False, NAN, {"a": "map"}]
    ascending = sorted(unwound, key=order_key)
    expected = [{"a": "map"}, n, r, ["list"], p, "text", False, 1.5, NAN, None]
    assert [type(x) for x in ascending] == [type(x) for x in expected]
    assert ascending[:8] == expected[:8]
    assert math.isnan(ascending[8])
    assert ascending[9] is None
    descending = sorted(unwound, key=order_key, reverse=True)
    assert descending[0] is None
    assert math.isnan(descending[1])
    assert descending[2:] == expected[:8][::-1]


def test_tck_orderby_scalars() -> None:
    assert sorted([True, False], key=order_key) == [False, True]
    assert sorted([".*", "", " ", "one"], key=order_key) == ["", " ", ".*", "one"]
    assert sorted([1, 3, 2], key=order_key) == [1, 2, 3]
    assert sorted([1.5, 1.3, 999.99], key=order_key) == [1.3, 1.5, 999.99]
    assert sorted([[1, 2], [1, -20], [2, -2], [300, 0], [2, -2, 100]], key=order_key) == [
        [1, -20],
        [1, 2],
        [2, -2],
        [2, -2, 100],
        [300, 0],
    ]


def test_cip_global_order_example() -> None:
    unwound = [1, True, "", 3.14, {}, [2], None]
    assert sorted(unwound, key=order_key) == [{}, [2], "", True, 1, 3.14, None]


def test_cip_container_elements_use_orderability() -> None:
    assert order_key([1, "foo", 3]) < order_key([1, 2, "bar"])
    assert order_key([1, 2]) < order_key([None, 1]) < order_key([None, 2])


def test_order_numbers_exactly() -> None:
    nums = [2**53 + 1, float(2**53), 2**53, 2**53 - 1, INT64_MAX, 2.0**63, -0.0, 0, NAN, -INF]
    ordered = sorted(nums, key=order_key)
    assert ordered[0] == -INF
    assert math.isnan(ordered[-1])
    assert ordered[-3:-1] == [INT64_MAX, 2.0**63]
    assert order_key(2**53 + 1) > order_key(float(2**53)) == order_key(2**53)
    assert order_key(-0.0) == order_key(0) == order_key(0.0)
    assert order_key(INF) < order_key(NAN) < order_key(None)


@pytest.mark.parametrize(
    "example",
    [
        [True, False],
        [351, -3974856, 93, -3, 123, 0, 3, -2, 20934587, 1, 20934585, 20934586, -10],
        [351.5, -3974856.01, -3.203957, 123.0002, 123.0001, 123.00013, 123.00011, 0.01, 0.0999999],
        ["Sort", "order", " ", "should", "be", "", "consistent", "with", ", ", "!"],
        [[2, 2], [2, -2], [1, 2], [], [1], [300, 0], [1, -20], [2, -2, 100]],
    ],
)
def test_tck_with_orderby_45_sort_consistent_with_comparison(example: list[Any]) -> None:
    ordered = sorted(example, key=order_key)
    ranks = [sum(1 for x in example if less_than(x, value)) for value in ordered]
    assert ranks == list(range(len(example)))


# -------------------------------------------------------------------------- equivalence


def test_equivalence_examples() -> None:
    assert equivalent(None, None)
    assert equivalent(NAN, float("nan"))
    assert not equivalent(NAN, None)
    assert equivalent(1, 1.0)
    assert equivalent(-0.0, 0)
    assert not equivalent(True, 1)
    assert not equivalent(False, 0)
    assert not equivalent("a", ["a"])
    assert not equivalent({}, [])
    assert equivalent([None], [None])
    assert equivalent([NAN, None], [float("nan"), None])
    assert equivalent({"name": ["A", "B"]}, {"name": ["A", "B"]})
    assert equivalent({"a": 1, "b": 2}, {"b": 2.0, "a": 1})
    assert not equivalent({"a": None}, {})
    assert equivalent(Node(1), NodeH(1))
    assert not equivalent(Node(1), Relationship(1, 0, 0, "T"))
    assert not equivalent(2**53 + 1, float(2**53))


def test_tck_return5_distinct() -> None:
    rows = [{"name": [[["A", "B"], ["A", "B"]], [["A", "B"], ["A", "B"]]]}] * 2
    assert len({equivalence_key(r) for r in rows}) == 1
    names = ["Florescu", None, None]
    assert len({equivalence_key(n) for n in names}) == 2
    colors = [["red"], ["blue"], ["red"]]
    assert len({equivalence_key(c) for c in colors}) == 2
    nested = [{"name": [{"name2": ["A"]}, {"baz": {"apa": ["A"]}}]} for _ in range(2)]
    assert len({equivalence_key(x) for x in nested}) == 1


# ----------------------------------------------------------------------------- properties


@settings(max_examples=180)
@given(any_values, any_values)
def test_equality_is_symmetric_and_ternary(a: Any, b: Any) -> None:
    r = equals(a, b)
    assert r is equals(b, a)
    assert not_equals(a, b) is (None if r is None else not r)
    if r is None:
        assert _contains_null(a) or _contains_null(b)
    if not (_contains_null(a) or _contains_null(b)):
        assert r is not None


@settings(max_examples=240)
@given(values, values)
def test_equality_matches_reference(a: Any, b: Any) -> None:
    assert equals(a, b) is _ref_equals(a, b)


@settings(max_examples=120)
@given(any_values)
def test_equality_reflexive_without_null_or_nan(a: Any) -> None:
    b = copy.deepcopy(a)
    if _contains_null(a):
        assert equals(a, b) is not True
    elif _contains_nan(a):
        assert equals(a, b) is False
    else:
        assert equals(a, b) is True
    assert equivalent(a, b)
    assert order_key(a) == order_key(b)


@settings(max_examples=180)
@given(any_values, any_values)
def test_equal_values_have_equal_order_keys(a: Any, b: Any) -> None:
    if equals(a, b):
        assert order_key(a) == order_key(b)


@settings(max_examples=180)
@given(any_values, any_values)
def test_equivalence_key_matches_order_key(a: Any, b: Any) -> None:
    same_order = order_key(a) == order_key(b)
    assert (equivalence_key(a) == equivalence_key(b)) is same_order
    if same_order:
        assert hash(equivalence_key(a)) == hash(equivalence_key(b))
        assert hash(order_key(a)) == hash(order_key(b))


@settings(max_examples=120)
@given(st.lists(any_values, min_size=3, max_size=3))
def test_order_key_is_a_total_preorder(triple: list[Any]) -> None:
    a, b, c = triple
    assert _key_cmp(a, b) == -_key_cmp(b, a)
    if _key_cmp(a, b) <= 0 and _key_cmp(b, c) <= 0:
        assert _key_cmp(a, c) <= 0


@settings(max_examples=120)
@given(st.lists(any_values, max_size=12))
def test_sorting_never_fails_and_is_consistent(items: list[Any]) -> None:
    ordered = sorted(items, key=order_key)
    keys = [order_key(x) for x in ordered]
    assert all(k1 <= k2 for k1, k2 in itertools.pairwise(keys))


@settings(max_examples=240)
@given(any_values, any_values)
def test_definite_comparisons_agree_with_orderability(a: Any, b: Any) -> None:
    c = compare(a, b)
    if c in (LT, EQ, GT):
        assert _key_cmp(a, b) == c
    if c == EQ:
        assert equals(a, b) is True
    if c == UNORDERED:
        assert _contains_nan(a) or _contains_nan(b)
    if a is None or b is None or type_rank(a) != type_rank(b):
        assert c is None
    elif not isinstance(a, list | dict):
        assert c == (UNORDERED if _is_nan(a) or _is_nan(b) else _key_cmp(a, b))


def _is_nan(v: Any) -> bool:
    return isinstance(v, float) and v != v


@settings(max_examples=240)
@given(any_values, any_values)
def test_derived_operators(a: Any, b: Any) -> None:
    lt, le, gt, ge, eq = (
        less_than(a, b),
        less_equal(a, b),
        greater_than(a, b),
        greater_equal(a, b),
        equals(a, b),
    )
    assert gt is less_than(b, a)
    assert ge is less_equal(b, a)
    assert le is _or(lt, eq)
    assert ge is _or(gt, eq)
    if eq is True:
        assert lt is False
        assert gt is False


@settings(max_examples=180)
@given(st.one_of(ints, floats), st.one_of(ints, floats))
def test_numbers_compare_exactly(a: Any, b: Any) -> None:
    if math.isnan(a) or math.isnan(b):
        assert compare(a, b) == UNORDERED
        return
    if math.isinf(a) or math.isinf(b):
        fa = a if math.isinf(a) else 0
        fb = b if math.isinf(b) else 0
        if fa != fb:
            assert compare(a, b) == _sign((fa > fb) - (fa < fb))
        return
    exact = Fraction(a) - Fraction(b)
    assert compare(a, b) == _sign(exact)
    assert less_than(a, b) is (exact < 0)
    assert equals(a, b) is (exact == 0)
    assert (order_key(a) < order_key(b)) is (exact < 0)


@settings(max_examples=120)
@given(st.lists(st.one_of(ints, floats), max_size=15))
def test_numbers_sort_numerically_with_nan_last(nums: list[Any]) -> None:
    ordered = sorted(nums, key=order_key)
    finite = [x for x in ordered if not math.isnan(x)]
    assert all(not math.isnan(x) for x in ordered[: len(finite)])

    def cmp(x: Any, y: Any) -> int:
        return (x > y) - (x < y)

    assert finite == sorted(finite, key=functools.cmp_to_key(cmp))


@settings(max_examples=120)
@given(any_values, st.lists(any_values, max_size=5))
def test_in_list_is_disjunction_of_equality(x: Any, items: list[Any]) -> None:
    results = [equals(x, item) for item in items]
    expected: bool | None = False
    for r in results:
        expected = _or(expected, r)
    assert in_list(x, items) is expected


# ------------------------------------------------------------------------------- temporal values


def _temporals() -> dict[str, list[Any]]:
    from mgcore.values.temporal_build import (
        make_date,
        make_datetime,
        make_duration,
        make_local_datetime,
        make_local_time,
        make_time,
    )

    return {
        "date": [make_date("2015-07-21"), make_date("1999-12-31"), make_date("-0001-01-01")],
        "localtime": [make_local_time("12:00"), make_local_time("00:00:00.000000001")],
        "time": [make_time("12:00+01:00"), make_time("11:30Z")],
        "localdatetime": [make_local_datetime("2015-07-21T21:40:32.142")],
        "datetime": [make_datetime("2015-07-21T21:40:32.142+01:00"),
                     make_datetime("2015-07-21T20:40:32.142Z"),
                     make_datetime("2015-07-21T21:40:32.142[Europe/London]")],
        "duration": [make_duration("P1Y2M"), make_duration("PT0.5S"), make_duration("P14M")],
    }


def test_temporal_values_take_their_ranks_in_the_global_order() -> None:
    from mgcore.values.compare import order_key

    values = _temporals()
    mixed = [*(v for vs in values.values() for v in vs), "a", [1], {"k": 1}, 1, None]
    ranks = [order_key(v)[0] for v in sorted(mixed, key=order_key)]
    assert ranks == sorted(ranks)
    # DATETIME < LOCALDATETIME < DATE < TIME < LOCALTIME < DURATION, between PATH and STRING
    order = [type(v).__name__ for v in sorted((vs[0] for vs in values.values()), key=order_key)]
    assert order == ["DateTime", "LocalDateTime", "Date", "Time", "LocalTime", "Duration"]
    assert order_key([1])[0] < order_key(values["datetime"][0])[0]
    assert order_key(values["duration"][0])[0] < order_key("a")[0]


def test_temporal_equality_comparison_and_equivalence() -> None:
    from mgcore.values.compare import (
        LT,
        compare,
        equals,
        equivalence_key,
        less_than,
        order_key,
    )

    v = _temporals()
    old, new = v["date"][1], v["date"][0]
    assert equals(new, new) is True and equals(old, new) is False
    assert compare(old, new) == LT and less_than(old, new) is True
    assert equals(v["date"][0], v["localdatetime"][0]) is False  # different types: false
    assert compare(v["date"][0], v["localdatetime"][0]) is None
    assert less_than(v["date"][0], "2016-01-01") is None
    assert equals(new, None) is None
    # the same instant at other offsets: not equal, ordered by instant
    plus_one, utc = v["datetime"][0], v["datetime"][1]
    assert equals(plus_one, utc) is False
    assert compare(plus_one, utc) is not None and compare(utc, plus_one) is not None
    # durations: equal by components, never comparable with <
    assert equals(v["duration"][0], v["duration"][2]) is True  # P1Y2M = P14M
    assert compare(v["duration"][0], v["duration"][1]) is None
    assert less_than(v["duration"][0], v["duration"][1]) is None
    # equivalence agrees with order_key, also inside containers
    for vs in v.values():
        for a in vs:
            for b in vs:
                same = order_key(a) == order_key(b)
                assert (equivalence_key(a) == equivalence_key(b)) is same
                assert (equivalence_key([a]) == equivalence_key([b])) is same
