"""Temporal values in mgcore.storage.kit.codec: exact round trips, byte order equal to the global
sort order (each type's ``order_key`` within its rank), equality seeks that find exactly the
equal values, and range bounds that stay within one temporal type."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from temporal_strategies import (
    ZONES,
    dates,
    datetimes,
    durations,
    local_datetimes,
    local_times,
    ref_key,
    temporals,
    times,
)

from mgcore.errors import CypherTypeError
from mgcore.storage.kit import codec
from mgcore.storage.kit.codec import (
    decode,
    decode_many,
    encode,
    encode_many,
    equality_bounds,
    equality_prefix,
    index_key,
    key_point_part,
    point_part,
    range_bounds,
    split_index_key,
)
from mgcore.values.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time
from mgcore.values.temporal_build import (
    make_date,
    make_datetime,
    make_duration,
    make_local_datetime,
    make_local_time,
    make_time,
)

others = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(), st.text(max_size=3)
)
mixed = st.recursive(
    temporals | others,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["a", "b"]), children, max_size=2),
    max_leaves=6,
)
SAME_TYPE = [dates, local_times, times, local_datetimes, datetimes(), durations]


def sign(x: Any, y: Any) -> int:
    return (x > y) - (x < y)


def same(a: Any, b: Any) -> bool:
    """Type-strict equality, also inside containers (temporal ``==`` is already type-strict)."""
    if type(a) is not type(b):
        return False
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is dict:
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if type(a) is float and a != a:
        return b != b
    return bool(a == b)


EXAMPLES = [
    make_date("2015-07-21"),
    make_date("-999999999-01-01"),
    make_date("+999999999-12-31"),
    make_local_time("12:31:14.645876123"),
    make_time("12:31:14.645876123+01:00"),
    make_time("00:00-18:00"),
    make_local_datetime("2015-07-21T12:31:14.000000001"),
    make_datetime("2015-07-21T12:31:14.645876123+01:00"),
    make_datetime("2015-07-21T12:31:14[Europe/Stockholm]"),
    make_datetime("1818-07-21T12:31:14[Europe/Stockholm]"),
    make_duration("P1Y2M3DT4H5M6.7S"),
    make_duration("-PT0.000000001S"),
    Duration(2**63 - 1, 2**63 - 1, 2**63 - 1, 999_999_999),
    Duration(-(2**63), -(2**63), -(2**63), 0),
]


@pytest.mark.parametrize("value", EXAMPLES, ids=str)
def test_examples_round_trip(value: Any) -> None:
    assert same(decode(encode(value)), value)
    assert split_index_key(index_key([value, "x", value], 42)) == ([value, "x", value], 42)


@settings(max_examples=300)
@given(mixed)
def test_round_trip_is_exact(v: Any) -> None:
    assert same(decode(encode(v)), v)
    assert same(decode_many(encode_many([v, 1, v])), [v, 1, v])


@settings(max_examples=500)
@given(mixed, mixed)
def test_byte_order_is_the_global_order(a: Any, b: Any) -> None:
    ka, kb = ref_key(a), ref_key(b)
    if ka != kb:
        assert sign(encode(a), encode(b)) == sign(ka, kb)
        assert sign(encode_many([a, 0]), encode_many([b, 0])) == sign(ka, kb)


@pytest.mark.parametrize("strategy", SAME_TYPE, ids=lambda s: repr(s)[:30])
@settings(max_examples=300)
@given(data=st.data())
def test_same_type_order_and_equality_are_exact(strategy: Any, data: Any) -> None:
    """Within a type: byte order is ``order_key`` order, and encodings (and equality
    prefixes) are equal exactly when the values are ``==``."""
    a, b = data.draw(strategy), data.draw(strategy)
    assert sign(encode(a), encode(b)) == sign(a.order_key(), b.order_key())
    assert (encode(a) == encode(b)) == (a == b)
    prefix = equality_prefix([a])
    assert prefix is not None
    assert index_key([b], 7).startswith(prefix) == (a == b)
    lo, hi = equality_bounds([a]) or (b"", b"")
    assert (lo <= index_key([b], 7) < hi) == (a == b)


def test_instants_sort_before_offsets_and_zones() -> None:
    """DateTime orders by instant, then offset, then zone (a fixed offset first); Time by its
    UTC time of day, then local time."""
    utc = make_datetime("2020-01-01T12:00Z")
    plus1 = make_datetime("2020-01-01T13:00+01:00")
    zoned = DateTime(utc.epoch_seconds, 0, 3600, "Europe/Stockholm")
    later = make_datetime("2020-01-01T12:00:00.000000001Z")
    assert encode(utc) < encode(plus1) < encode(zoned) < encode(later)
    assert encode(make_time("12:00+01:00")) < encode(make_time("12:00Z"))
    assert encode(make_time("11:00Z")) < encode(make_time("12:00+01:00"))


def test_durations_order_by_length_then_components() -> None:
    month, days30 = make_duration("P1M"), make_duration("P30D")
    assert encode(days30) < encode(month)
    assert encode(make_duration("PT24H")) < encode(make_duration("P1D"))  # same length: days
    assert encode(make_duration("PT24H")) != encode(make_duration("P1D"))


def test_type_tags_follow_the_global_order() -> None:
    chain = [
        {"a": 1},
        [1],
        make_datetime("2020-01-01T00:00Z"),
        make_local_datetime("2020-01-01T00:00"),
        make_date("2020-01-01"),
        make_time("00:00Z"),
        make_local_time("00:00"),
        make_duration("PT0S"),
        "",
        False,
        0,
        None,
    ]
    encoded = [encode(v) for v in chain]
    assert encoded == sorted(encoded)


def test_temporals_are_not_point_values() -> None:
    for value in EXAMPLES:
        assert point_part(value) is None
        assert key_point_part(index_key([value], 1)) is None


@pytest.mark.parametrize("strategy", SAME_TYPE[:5], ids=lambda s: repr(s)[:30])
@settings(max_examples=200)
@given(data=st.data())
def test_range_bounds_match_comparison(strategy: Any, data: Any) -> None:
    lower, upper, x = data.draw(strategy), data.draw(strategy), data.draw(strategy)
    li, ui = data.draw(st.booleans()), data.draw(st.booleans())
    key = index_key([x], 3)
    for lo_v, hi_v in ((lower, upper), (lower, None), (None, upper)):
        bounds = range_bounds(lo_v, li, hi_v, ui)
        expected = (
            (lo_v is None or (x >= lo_v if li else x > lo_v))
            and (hi_v is None or (x <= hi_v if ui else x < hi_v))
        )
        inside = bounds is not None and bounds[0] <= key < bounds[1]
        assert inside == expected


@pytest.mark.parametrize(
    "bound",
    [make_date("2020-01-01"), make_local_time("12:00"), make_time("12:00Z"),
     make_local_datetime("2020-01-01T00:00"), make_datetime("2020-01-01T00:00Z")],
    ids=lambda v: type(v).__name__,
)
def test_open_temporal_range_stays_within_its_type(bound: Any) -> None:
    outsiders = [v for v in EXAMPLES if type(v) is not type(bound)] + [
        "z", 10**9, True, None, [bound], {"a": bound}
    ]
    for lo, hi in (range_bounds(bound, True), range_bounds(None, True, bound, True)):
        for v in outsiders:
            assert not lo <= index_key([v], 1) < hi, v


def test_ranges_across_types_and_over_durations_are_empty() -> None:
    assert range_bounds(make_date("2020-01-01"), True, make_local_datetime("2021-01-01T00:00")) \
        is None
    assert range_bounds(make_date("2020-01-01"), True, 5) is None
    assert range_bounds(make_duration("P1D")) is None
    assert range_bounds(None, True, make_duration("P1D")) is None


def test_range_bound_after_leading_values() -> None:
    d1, d2 = make_date("2020-01-01"), make_date("2020-06-01")
    bounds = range_bounds(d1, True, d2, False, leading=["k"])
    assert bounds is not None
    lo, hi = bounds
    assert lo <= index_key(["k", d1], 1) < hi
    assert not lo <= index_key(["k", d2], 1) < hi
    assert not lo <= index_key(["j", d1], 1) < hi


def _forged_duration(months: int, days: int, seconds: int, nanos: int) -> Duration:
    """A Duration with fields its constructor refuses (beyond 64 bits), as a corrupt caller
    might hold."""
    value = Duration.__new__(Duration)
    for name, field in zip(Duration._ARGS, (months, days, seconds, nanos), strict=True):
        object.__setattr__(value, name, field)
    return value


def test_fields_beyond_64_bits_are_refused() -> None:
    from mgcore.errors import CypherArithmeticError

    with pytest.raises(CypherArithmeticError):
        Duration(2**63, 0, 0, 0)
    for value in (_forged_duration(2**63, 0, 0, 0), _forged_duration(0, 0, -(2**63) - 1, 0)):
        with pytest.raises(CypherTypeError):
            encode(value)


@pytest.mark.parametrize("value", EXAMPLES, ids=str)
def test_truncated_encodings_raise_value_error(value: Any) -> None:
    data = encode(value)
    for cut in range(1, len(data)):
        with pytest.raises(ValueError):
            decode(data[:cut])


def test_garbled_encodings_raise_value_error() -> None:
    zoned = bytearray(encode(make_datetime("2020-01-01T00:00[UTC]")))
    zoned[17] = 0x07  # the zone marker
    bad_time = codec._TEMPORAL_FIELDS.pack(codec.TAG_TIME, 1 << 63, 1)  # offset of 1 ns
    bad_date = codec._TEMPORAL_ONE.pack(codec.TAG_DATE, 0)  # year beyond the range
    duration = bytearray(encode(make_duration("P1D")))
    duration[-1] ^= 1  # nanoseconds disagree with the length
    for data in (bytes(zoned), bad_time, bad_date, bytes(duration)):
        with pytest.raises(ValueError):
            decode(data)


def test_zone_ids_with_odd_characters_round_trip() -> None:
    for zone in (*ZONES, "a\x00b", "\U0001f600"):
        value = DateTime(0, 0, 0, zone)
        assert same(decode(encode(value)), value)
    assert encode(DateTime(0, 0, 0, None)) < encode(DateTime(0, 0, 0, "A"))


def test_every_type_is_covered() -> None:
    assert {type(v) for v in EXAMPLES} == {Date, LocalTime, Time, LocalDateTime, DateTime,
                                          Duration}
