"""Tests of mgcore.storage.kit.codec: exact round trips, byte order equal to openCypher
orderability (mgcore.values.compare.order_key), prefix-freeness and the index seek bounds."""

from __future__ import annotations

import itertools
import math
import struct
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sortedcontainers import SortedList

from mgcore.errors import CypherTypeError
from mgcore.storage.kit import codec
from mgcore.storage.kit.codec import (
    decode,
    decode_many,
    encode,
    encode_many,
    equality_bounds,
    index_key,
    key_point_part,
    key_prefix,
    point_part,
    prefix_bounds,
    prefix_successor,
    range_bounds,
    split_index_key,
    string_prefix_bounds,
)
from mgcore.values import (
    INT64_MAX,
    INT64_MIN,
    Node,
    Relationship,
    equals,
    equivalent,
    greater_equal,
    greater_than,
    less_equal,
    less_than,
    order_key,
)
from mgcore.values import compare as cmp_module  # the module

NAN = float("nan")
INF = float("inf")

# ------------------------------------------------------------------------------ strategies

_edge_ints = st.sampled_from(
    [
        0,
        1,
        -1,
        2**53 - 1,
        2**53,
        2**53 + 1,
        2**53 + 2,
        -(2**53) - 1,
        2**62 + 1,
        2**63 - 1024,
        2**63 - 1025,
        INT64_MIN,
        INT64_MIN + 1,
        INT64_MAX,
        INT64_MAX - 1,
    ]
)
_edge_floats = st.sampled_from(
    [
        0.0,
        -0.0,
        1.0,
        -1.0,
        NAN,
        -NAN,
        struct.unpack(">d", b"\x7f\xf0\x00\x00\x00\x00\x00\x01")[0],
        INF,
        -INF,
        2.0**53,
        2.0**53 + 2,
        2.0**63,
        -(2.0**63),
        5e-324,
        -5e-324,
        1.7976931348623157e308,
    ]
)
ints = st.one_of(st.integers(INT64_MIN, INT64_MAX), st.integers(-3, 3), _edge_ints)
floats = st.one_of(st.floats(), st.floats(-3, 3).map(round).map(float), _edge_floats)
texts = st.one_of(
    st.text(max_size=8),
    st.text(st.sampled_from(["\x00", "\x01", "a", "\xff", "\u0100", "\uffff", "\U0001f600"])),
)
scalars = st.one_of(st.none(), st.booleans(), ints, floats, texts)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["", "a", "b", "\x00"]) | texts, children, max_size=3)
    ),
    max_leaves=10,
)


def same(a: Any, b: Any) -> bool:
    """Exact identity of decoded values: types, float bits (NaN payload, -0.0), structure."""
    if type(a) is not type(b):
        return False
    if type(a) is float:
        return struct.pack(">d", a) == struct.pack(">d", b)
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is dict:
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def key_cmp(a: Any, b: Any) -> int:
    ka, kb = order_key(a), order_key(b)
    return (ka > kb) - (ka < kb)


# ------------------------------------------------------------------------------- round trip


@settings(max_examples=200)
@given(values)
def test_round_trip_is_exact(v: Any) -> None:
    assert same(decode(encode(v)), v)


@pytest.mark.parametrize(
    "v",
    [
        0,
        -0.0,
        0.0,
        NAN,
        -NAN,
        INT64_MIN,
        INT64_MAX,
        2**53 + 1,
        -(2**53) - 1,
        2**63 - 1025,
        2.0**63,
        "",
        "\x00",
        "a\x00\x00b\x00",
        "\U0001f600",
        [],
        {},
        [[[]]],
        {"": {"": [None, -0.0, 1, 1.0]}},
        [NAN, 1, 1.0, -0.0, 2**60 + 1],
        "\ud800x\udfff",
    ],
)
def test_round_trip_examples(v: Any) -> None:
    data = encode(v)
    assert isinstance(data, bytes)
    assert same(decode(data), v)


def test_tuples_and_mappings_decode_as_lists_and_dicts() -> None:
    assert decode(encode((1, (2.5, "x")))) == [1, [2.5, "x"]]
    assert decode(encode({"b": (1,), "a": None})) == {"a": None, "b": [1]}


def test_nan_payload_and_sign_survive() -> None:
    odd_nan = struct.unpack(">d", b"\xff\xf8\x00\x00\x00\x00\x12\x34")[0]
    assert struct.pack(">d", decode(encode(odd_nan))) == struct.pack(">d", odd_nan)
    assert math.copysign(1.0, decode(encode(-0.0))) == -1.0
    assert math.copysign(1.0, decode(encode(0.0))) == 1.0


@settings(max_examples=120)
@given(st.lists(values, max_size=4))
def test_encode_many_round_trip(vs: list[Any]) -> None:
    assert same(decode_many(encode_many(vs)), vs)


@settings(max_examples=120)
@given(st.lists(values, max_size=3), st.integers(0, 2**64 - 1))
def test_index_key_round_trip(vs: list[Any], gid: int) -> None:
    got, got_gid = split_index_key(index_key(vs, gid))
    assert same(got, vs)
    assert got_gid == gid


@settings(max_examples=200)
@given(values, st.integers(0, 2**64 - 1))
def test_single_value_index_key_layout(v: Any, gid: int) -> None:
    key = index_key([v], gid)
    assert key == encode_many([v]) + gid.to_bytes(8, "big")
    assert key == index_key((v,), gid)


# ------------------------------------------------------------------------------- byte order


@settings(max_examples=400)
@given(values, values)
def test_byte_order_agrees_with_order_key(a: Any, b: Any) -> None:
    ea, eb = encode(a), encode(b)
    c = key_cmp(a, b)
    if c < 0:
        assert ea < eb
    elif c > 0:
        assert ea > eb
    else:
        assert key_prefix([a]) == key_prefix([b])
    assert (ea == eb) is same(a, b)


@settings(max_examples=120)
@given(st.lists(values, min_size=2, max_size=12))
def test_sorting_bytes_sorts_by_order_key_and_keeps_equivalents_adjacent(vs: list[Any]) -> None:
    by_bytes = sorted(vs, key=encode)
    keys = [order_key(v) for v in by_bytes]
    assert all(k1 <= k2 for k1, k2 in itertools.pairwise(keys))


@settings(max_examples=120)
@given(st.one_of(ints, floats), st.one_of(ints, floats))
def test_numbers_order_exactly(a: Any, b: Any) -> None:
    if math.isnan(a) or math.isnan(b):
        assume(not (math.isnan(a) and math.isnan(b)))
        assert (encode(a) < encode(b)) is math.isnan(b)
        return
    if a < b:
        assert encode(a) < encode(b)
    if a > b:
        assert encode(a) > encode(b)
    if a == b:
        assert key_prefix([a]) == key_prefix([b])


def test_number_neighbourhood_beyond_2_53() -> None:
    around = [2**53 - 1, 2**53, float(2**53), 2**53 + 1, 2**53 + 2, float(2**53 + 2), 2**53 + 3]
    ordered = sorted(around, key=encode)
    assert [int(x) for x in ordered] == sorted(int(x) for x in around)
    top = [INT64_MAX - 1, INT64_MAX, 2.0**63, INF, NAN]
    assert sorted(reversed(top), key=encode)[:4] == top[:4]


def test_equivalent_numbers_are_distinct_but_adjacent() -> None:
    group = [0, 0.0, -0.0]
    encs = sorted(encode(x) for x in group)
    assert len(set(encs)) == 3
    neighbours = sorted([encode(-5e-324), encode(5e-324), *encs])
    assert neighbours[0] == encode(-5e-324)
    assert neighbours[-1] == encode(5e-324)


def test_type_tags_follow_the_global_order() -> None:
    pairs = [
        (codec.TAG_MAP, cmp_module.RANK_MAP),
        (codec.TAG_NODE, cmp_module.RANK_NODE),
        (codec.TAG_RELATIONSHIP, cmp_module.RANK_RELATIONSHIP),
        (codec.TAG_LIST, cmp_module.RANK_LIST),
        (codec.TAG_PATH, cmp_module.RANK_PATH),
        (codec.TAG_DATETIME, cmp_module.RANK_DATETIME),
        (codec.TAG_LOCALDATETIME, cmp_module.RANK_LOCALDATETIME),
        (codec.TAG_DATE, cmp_module.RANK_DATE),
        (codec.TAG_TIME, cmp_module.RANK_TIME),
        (codec.TAG_LOCALTIME, cmp_module.RANK_LOCALTIME),
        (codec.TAG_DURATION, cmp_module.RANK_DURATION),
        (codec.TAG_STRING, cmp_module.RANK_STRING),
        (codec.TAG_FALSE, cmp_module.RANK_BOOLEAN),
        (codec.TAG_NUMBER, cmp_module.RANK_NUMBER),
        (codec.TAG_NAN, cmp_module.RANK_NAN),
        (codec.TAG_NULL, cmp_module.RANK_NULL),
    ]
    assert sorted(pairs) == sorted(pairs, key=lambda p: p[1])
    assert all(tag > codec.TAG_END for tag, _ in pairs)


def test_tck_orderby_lists_in_bytes() -> None:
    expected = [[], ["a"], ["a", 1], [1], [1, "a"], [1, None], [None, 1], [None, 2]]
    assert sorted(reversed(expected), key=encode) == expected


def test_global_type_order_in_bytes() -> None:
    expected: list[Any] = [{"a": "map"}, ["list"], "text", False, True, -INF, 1, 1.5, INF]
    got = sorted([*reversed(expected), NAN, None], key=encode)
    assert got[:-2] == expected
    assert math.isnan(got[-2])
    assert got[-1] is None


def test_strings_order_by_code_point_including_surrogates() -> None:
    strs = ["", "\x00", "\x00\x00", "\x01", "a", "a\x00", "a\x00b", "a\x01", "ab", "\ud7ff"]
    strs += ["\ud800", "\udfff", "\ue000", "\uffff", "\U00010000", "\U0010ffff"]
    assert sorted(reversed(strs), key=encode) == sorted(strs)


def test_maps_order_by_sorted_entries() -> None:
    maps = [{}, {"a": 1}, {"a": 1, "b": 0}, {"a": 2}, {"a\x00": 0}, {"b": None}]
    assert sorted(maps, key=order_key) == maps
    assert sorted(reversed(maps), key=encode) == maps


# --------------------------------------------------------------------------- composite keys


@settings(max_examples=200)
@given(st.lists(values, min_size=2, max_size=2), st.lists(values, min_size=2, max_size=2))
def test_encode_many_is_lexicographic(a: list[Any], b: list[Any]) -> None:
    ka = tuple(order_key(x) for x in a)
    kb = tuple(order_key(x) for x in b)
    if ka < kb:
        assert encode_many(a) < encode_many(b)
    elif ka > kb:
        assert encode_many(a) > encode_many(b)


def test_tie_breaks_do_not_reorder_later_components() -> None:
    assert encode_many([1.0, "a"]) < encode_many([1, "z"])
    assert encode_many([1, "a"]) < encode_many([1.0, "z"])
    assert encode_many([[-0.0], 1]) < encode_many([[0], 2])


@settings(max_examples=120)
@given(st.lists(values, max_size=3), st.lists(values, max_size=3))
def test_encodings_are_prefix_free(a: list[Any], b: list[Any]) -> None:
    ea, eb = encode_many(a), encode_many(b)
    if ea != eb:
        assert not eb.startswith(ea)
        assert not ea.startswith(eb)
    if a and b:
        e1, e2 = encode(a[0]), encode(b[0])
        if e1 != e2:
            assert not e1.startswith(e2)
            assert not e2.startswith(e1)


def test_shorter_tuple_sorts_first() -> None:
    assert encode_many([1]) < encode_many([1, None]) < encode_many([1.0, None])
    assert encode_many([]) < encode_many([{}])


@settings(max_examples=100)
@given(st.lists(st.tuples(values, st.integers(0, 2**32)), max_size=10))
def test_index_keys_sort_by_values_then_gid(entries: list[tuple[Any, int]]) -> None:
    keys = sorted(index_key([v], gid) for v, gid in entries)
    decoded = [split_index_key(k) for k in keys]
    order = [order_key(vs[0]) for vs, _ in decoded]
    assert all(k1 <= k2 for k1, k2 in itertools.pairwise(order))
    for (v1, g1), (v2, g2) in itertools.pairwise(decoded):
        if same(v1, v2):
            assert g1 <= g2


# ------------------------------------------------------------------------------ seek bounds


def _index(entries: list[tuple[list[Any], int]]) -> SortedList:
    return SortedList(index_key(vs, gid) for vs, gid in entries)


def _seek(index: SortedList, bounds: tuple[bytes, bytes] | None) -> list[int]:
    if bounds is None:
        return []
    lo, hi = bounds
    return sorted(split_index_key(k)[1] for k in index.irange(lo, hi, inclusive=(True, False)))


@settings(max_examples=100)
@given(st.lists(values, max_size=15), values)
def test_prefix_and_equality_bounds(stored: list[Any], probe: Any) -> None:
    index = _index([([v], gid) for gid, v in enumerate(stored)])
    equivalent_gids = [gid for gid, v in enumerate(stored) if equivalent(v, probe)]
    assert _seek(index, prefix_bounds([probe])) == equivalent_gids
    equal_gids = [gid for gid, v in enumerate(stored) if equals(v, probe) is True]
    assert _seek(index, equality_bounds([probe])) == equal_gids


@settings(max_examples=100)
@given(st.lists(st.tuples(st.sampled_from([1, 1.0, "x", None]), values), max_size=15), values)
def test_composite_leading_prefix(stored: list[tuple[Any, Any]], probe: Any) -> None:
    index = _index([([a, b], gid) for gid, (a, b) in enumerate(stored)])
    for lead in (1, "x", None):
        expected = [gid for gid, (a, _) in enumerate(stored) if equivalent(a, lead)]
        assert _seek(index, prefix_bounds([lead])) == expected
        expected = [
            gid for gid, (a, b) in enumerate(stored) if equivalent(a, lead) and equivalent(b, probe)
        ]
        assert _seek(index, prefix_bounds([lead, probe])) == expected


_range_scalars = st.one_of(ints, floats, texts, st.booleans())


def _in_range(v: Any, lower: Any, li: bool, upper: Any, ui: bool) -> bool | None:
    ok: bool | None = True
    if lower is not None:
        ok = (greater_equal if li else greater_than)(v, lower)
    if upper is not None and ok:
        ok = (less_equal if ui else less_than)(v, upper)
    return ok


@settings(max_examples=160)
@given(
    st.lists(values, max_size=15),
    st.none() | _range_scalars,
    st.booleans(),
    st.none() | _range_scalars,
    st.booleans(),
)
def test_range_bounds_exact_for_scalars(
    stored: list[Any], lower: Any, li: bool, upper: Any, ui: bool
) -> None:
    assume(lower is not None or upper is not None)
    index = _index([([v], gid) for gid, v in enumerate(stored)])
    expected = [gid for gid, v in enumerate(stored) if _in_range(v, lower, li, upper, ui) is True]
    assert _seek(index, range_bounds(lower, li, upper, ui)) == expected


@settings(max_examples=100)
@given(
    st.lists(values, max_size=15),
    st.lists(scalars, max_size=3),
    st.booleans(),
    st.lists(scalars, max_size=3) | st.none(),
    st.booleans(),
)
def test_range_bounds_superset_for_lists(
    stored: list[Any], lower: list[Any], li: bool, upper: list[Any] | None, ui: bool
) -> None:
    index = _index([([v], gid) for gid, v in enumerate(stored)])
    expected = {gid for gid, v in enumerate(stored) if _in_range(v, lower, li, upper, ui) is True}
    got = set(_seek(index, range_bounds(lower, li, upper, ui)))
    assert expected <= got
    assert all(isinstance(stored[gid], list) for gid in got)


def test_range_bounds_examples() -> None:
    stored = [1, 2, 2.0, 3, 3.5, NAN, INF, -INF, "2", True, None, [2], {"a": 2}]
    index = _index([([v], gid) for gid, v in enumerate(stored)])
    assert _seek(index, range_bounds(2, True, 3, True)) == [1, 2, 3]
    assert _seek(index, range_bounds(2, False, 3, False)) == []
    assert _seek(index, range_bounds(lower=2, lower_inclusive=False)) == [3, 4, 6]
    assert _seek(index, range_bounds(upper=1.5)) == [0, 7]
    assert _seek(index, range_bounds(upper="3")) == [8]
    assert _seek(index, range_bounds(lower=False)) == [9]
    assert range_bounds(NAN) is None
    assert range_bounds(1, True, "z", True) is None
    assert range_bounds(3, True, 2, True) is None
    assert range_bounds(2, False, 2, True) is None
    with pytest.raises(ValueError):
        range_bounds()
    with pytest.raises(CypherTypeError):
        range_bounds(Node(1))


def test_range_bounds_with_leading_values() -> None:
    stored: list[list[Any]] = [["a", 1], ["a", 5], ["a", "x"], ["b", 3], [["a"], 2]]
    index = _index([(vs, gid) for gid, vs in enumerate(stored)])
    assert _seek(index, range_bounds(lower=2, leading=["a"])) == [1]
    assert _seek(index, range_bounds(upper=5, leading=["a"])) == [0, 1]
    assert _seek(index, range_bounds(lower="a", leading=["a"])) == [2]


@settings(max_examples=120)
@given(st.lists(values, max_size=15), texts)
def test_string_prefix_bounds(stored: list[Any], prefix: str) -> None:
    index = _index([([v], gid) for gid, v in enumerate(stored)])
    expected = [gid for gid, v in enumerate(stored) if isinstance(v, str) and v.startswith(prefix)]
    assert _seek(index, string_prefix_bounds(prefix)) == expected


def test_string_prefix_examples() -> None:
    stored = ["", "a", "a\x00", "a\x00b", "a\x01", "ab", "b", "\U0001f600x", 1, ["a"]]
    index = _index([([v], gid) for gid, v in enumerate(stored)])
    assert _seek(index, string_prefix_bounds("a")) == [1, 2, 3, 4, 5]
    assert _seek(index, string_prefix_bounds("a\x00")) == [2, 3]
    assert _seek(index, string_prefix_bounds("")) == [0, 1, 2, 3, 4, 5, 6, 7]
    assert _seek(index, string_prefix_bounds("\U0001f600")) == [7]
    composite = _index([(["k", "ab"], 1), (["k", "b"], 2), (["l", "ab"], 3)])
    assert _seek(composite, string_prefix_bounds("a", leading=["k"])) == [1]


def test_prefix_successor() -> None:
    assert prefix_successor(b"\x01\x02") == b"\x01\x03"
    assert prefix_successor(b"\x01\xff\xff") == b"\x02"
    assert prefix_successor(b"\xff") is None
    assert prefix_successor(b"") is None


def test_equality_bounds_refuse_null_and_nan() -> None:
    assert equality_bounds([None]) is None
    assert equality_bounds([NAN]) is None
    assert equality_bounds([[1, None]]) is None
    assert equality_bounds([{"a": [NAN]}]) is None
    assert equality_bounds([1, None]) is None
    assert equality_bounds([1]) == prefix_bounds([1.0])


# ----------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "v",
    [
        INT64_MAX + 1,
        INT64_MIN - 1,
        [2**64],
        Node(1),
        Relationship(1, 0, 0, "T"),
        {1: 2},
        {"a": object()},
        object(),
    ],
)
def test_encode_rejects(v: Any) -> None:
    with pytest.raises(CypherTypeError):
        encode(v)
    with pytest.raises(CypherTypeError):
        encode_many([1, v])


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x99",
        encode(1) + b"\x00",
        encode(1)[:-1],
        encode(1.5)[:5],
        encode("abc")[:-1],
        b"\x60a\x00\x07\x00\x00",
        encode([1, 2])[:-2],
        b"\x10\x71\x00",
        encode(NAN)[:-1],
        b"\x81" + struct.pack(">d", 1.0),
        b"\x80" + b"\x00" * 10 + b"\x07",
    ],
)
def test_decode_rejects_malformed(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode(data)


def test_decode_many_and_split_reject_malformed() -> None:
    with pytest.raises(ValueError):
        decode_many(encode_many([1]) + b"\x00")
    with pytest.raises(ValueError):
        split_index_key(b"\x00" * 8)


@given(st.one_of(st.booleans(), ints, floats, texts), st.one_of(st.booleans(), ints, floats, texts),
       st.integers(0, 2**63 - 1))
@settings(max_examples=400)
def test_point_part_is_shared_by_exactly_the_keys_of_equal_values(
        stored: Any, query: Any, gid: int) -> None:
    """A one-property index's point table is keyed by ``key_point_part``: an equality seek of
    ``query`` probes ``point_part(query)``, so the two must agree exactly when the values are
    equal under Cypher equality (1 and 1.0 alike; NaN equal to nothing)."""
    key = index_key((stored,), gid)
    stored_part = key_point_part(key)
    query_part = point_part(query)
    assert stored_part is not None or stored != stored
    assert query_part is not None
    equal = cmp_module.equals(stored, query) is True
    assert (bool(query_part) and stored_part == query_part) == equal
    if equal:
        assert key.startswith(query_part)


@pytest.mark.parametrize("v", [[1], {"a": 1}, None, [], Node(1, (), {})])
def test_point_part_covers_only_strings_booleans_and_numbers(v: Any) -> None:
    assert point_part(v) is None
    if v is not None and not isinstance(v, Node):
        assert key_point_part(index_key((v,), 7)) is None
