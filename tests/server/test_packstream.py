"""PackStream v1 (design/bolt.md section 5): every marker and size boundary in both directions,
round trips, and the decoder's rejections, which are all PackStreamError and nothing else."""

from __future__ import annotations

import math
import struct
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgcore.server.packstream import (
    MAX_DEPTH,
    Packer,
    PackStreamError,
    Structure,
    Unpacker,
    pack,
    unpack,
)


def same(a: Any, b: Any) -> bool:
    """Equality that also compares types (True is not 1) and treats NaN as equal to NaN."""
    if type(a) is not type(b):
        return False
    if type(a) is float:
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is dict:
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if type(a) is Structure:
        return a.tag == b.tag and same(a.fields, b.fields)
    return bool(a == b)


# ------------------------------------------------------------------------- scalars


@pytest.mark.parametrize(
    ("value", "encoding"),
    [
        (None, "C0"),
        (False, "C2"),
        (True, "C3"),
    ],
)
def test_null_and_booleans(value: Any, encoding: str) -> None:
    assert pack(value) == bytes.fromhex(encoding)
    assert unpack(bytes.fromhex(encoding)) is value


INTEGERS = [
    # tiny ints: -16..127 in the marker byte itself
    (0, "00"),
    (1, "01"),
    (127, "7F"),
    (-1, "FF"),
    (-16, "F0"),
    # INT_8 for -128..-17 (127 and below are tiny)
    (-17, "C8 EF"),
    (-128, "C8 80"),
    # INT_16
    (128, "C9 00 80"),
    (-129, "C9 FF 7F"),
    (32767, "C9 7F FF"),
    (-32768, "C9 80 00"),
    # INT_32
    (32768, "CA 00 00 80 00"),
    (-32769, "CA FF FF 7F FF"),
    (2**31 - 1, "CA 7F FF FF FF"),
    (-(2**31), "CA 80 00 00 00"),
    # INT_64
    (2**31, "CB 00 00 00 00 80 00 00 00"),
    (-(2**31) - 1, "CB FF FF FF FF 7F FF FF FF"),
    (2**63 - 1, "CB 7F FF FF FF FF FF FF FF"),
    (-(2**63), "CB 80 00 00 00 00 00 00 00"),
]


@pytest.mark.parametrize(("value", "encoding"), INTEGERS)
def test_integers_use_the_smallest_encoding(value: int, encoding: str) -> None:
    data = bytes.fromhex(encoding)
    assert pack(value) == data
    decoded = unpack(data)
    assert type(decoded) is int and decoded == value


@pytest.mark.parametrize(
    ("encoding", "value"),
    [
        ("C8 01", 1),
        ("C8 7F", 127),
        ("C8 F0", -16),
        ("C9 00 01", 1),
        ("CA FF FF FF FF", -1),
        ("CB 00 00 00 00 00 00 00 2A", 42),
    ],
)
def test_wider_than_needed_integers_are_accepted(encoding: str, value: int) -> None:
    assert unpack(bytes.fromhex(encoding)) == value


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 2**100])
def test_integers_beyond_64_bits_cannot_be_packed(value: int) -> None:
    with pytest.raises(PackStreamError):
        pack(value)


@pytest.mark.parametrize("value", [0.0, 1.5, -2.25, 1e308, 5e-324, math.pi])
def test_floats_are_c1_and_a_big_endian_double(value: float) -> None:
    data = pack(value)
    assert data == b"\xc1" + struct.pack(">d", value)
    assert unpack(data) == value


def test_float_special_values_survive() -> None:
    assert pack(math.inf) == bytes.fromhex("C1 7F F0 00 00 00 00 00 00")
    assert pack(-math.inf) == bytes.fromhex("C1 FF F0 00 00 00 00 00 00")
    assert pack(-0.0) == bytes.fromhex("C1 80 00 00 00 00 00 00 00")
    assert unpack(pack(math.inf)) == math.inf
    assert unpack(pack(-math.inf)) == -math.inf
    negative_zero = unpack(pack(-0.0))
    assert negative_zero == 0.0 and math.copysign(1.0, negative_zero) == -1.0
    assert math.isnan(unpack(pack(math.nan)))
    # a NaN with a payload keeps its bits
    payload_nan = bytes.fromhex("C1 7F F8 00 00 00 00 00 01")
    assert math.isnan(unpack(payload_nan))
    assert pack(unpack(payload_nan)) == payload_nan


def test_a_float_that_is_integral_stays_a_float() -> None:
    value = unpack(pack(3.0))
    assert type(value) is float and value == 3.0


# ------------------------------------------------------------------ sized values

SIZES = [0, 1, 15, 16, 255, 256, 65535, 65536]


def _header(size: int, tiny: int | None, marker8: int) -> bytes:
    if tiny is not None and size < 16:
        return bytes([tiny | size])
    if size < 0x100:
        return bytes([marker8, size])
    if size < 0x10000:
        return bytes([marker8 + 1]) + size.to_bytes(2, "big")
    return bytes([marker8 + 2]) + size.to_bytes(4, "big")


@pytest.mark.parametrize("size", SIZES)
def test_string_markers_at_each_size(size: int) -> None:
    value = "x" * size
    data = pack(value)
    header = _header(size, 0x80, 0xD0)
    assert data == header + value.encode()
    markers = {0: 0x80, 1: 0x81, 15: 0x8F, 16: 0xD0, 255: 0xD0, 256: 0xD1, 65535: 0xD1}
    assert data[0] == markers.get(size, 0xD2)
    assert unpack(data) == value


@pytest.mark.parametrize(("text", "marker"), [("é" * 7 + "x", 0x8F), ("é" * 8, 0xD0)])
def test_string_lengths_count_utf8_bytes(text: str, marker: int) -> None:
    data = pack(text)
    assert data[0] == marker
    assert unpack(data) == text


def test_strings_outside_the_basic_plane() -> None:
    text = "snow ☃, emoji 😀, cjk 漢字"
    assert unpack(pack(text)) == text


@pytest.mark.parametrize("size", [0, 1, 255, 256, 65535, 65536])
def test_bytes_markers_at_each_size(size: int) -> None:
    value = bytes(range(256)) * (size // 256) + bytes(size % 256)
    data = pack(value)
    assert data == _header(size, None, 0xCC) + value
    decoded = unpack(data)
    assert type(decoded) is bytes and decoded == value


def test_bytearray_packs_as_bytes() -> None:
    assert pack(bytearray(b"ab")) == bytes.fromhex("CC 02 61 62")


@pytest.mark.parametrize("size", SIZES)
def test_list_markers_at_each_size(size: int) -> None:
    value = [1] * size
    data = pack(value)
    assert data == _header(size, 0x90, 0xD4) + b"\x01" * size
    assert unpack(data) == value


@pytest.mark.parametrize("size", SIZES)
def test_map_markers_at_each_size(size: int) -> None:
    value = {f"k{i}": i % 100 for i in range(size)}
    data = pack(value)
    assert data[: len(_header(size, 0xA0, 0xD8))] == _header(size, 0xA0, 0xD8)
    assert unpack(data) == value


def test_map_entries_keep_their_order() -> None:
    data = bytes.fromhex("A3 81 62 01 81 61 02 81 63 03")
    assert list(unpack(data).items()) == [("b", 1), ("a", 2), ("c", 3)]
    assert pack({"b": 1, "a": 2, "c": 3}) == data


def test_a_repeated_map_key_keeps_the_last_value() -> None:
    assert unpack(bytes.fromhex("A2 81 61 01 81 61 02")) == {"a": 2}


def test_tuples_pack_as_lists_and_mappings_as_maps() -> None:
    assert pack((1, 2)) == pack([1, 2])
    assert pack(OrderedDict(a=1)) == pack({"a": 1})


def test_subclasses_of_builtins_pack_as_the_builtin() -> None:
    class MyStr(str):
        pass

    class MyInt(int):
        pass

    assert pack(MyStr("ab")) == pack("ab")
    assert pack(MyInt(300)) == pack(300)


# ------------------------------------------------------------------- structures


def test_structure_encodings() -> None:
    assert pack(Structure(0x4E, [])) == bytes.fromhex("B0 4E")
    assert pack(Structure(0x44, [1])) == bytes.fromhex("B1 44 01")
    value = Structure(0x52, [1, 2, 3, "T", {}])
    assert pack(value) == bytes.fromhex("B5 52 01 02 03 81 54 A0")
    assert unpack(pack(value)) == value
    fifteen = Structure(0x01, list(range(15)))
    assert pack(fifteen)[:2] == bytes.fromhex("BF 01")
    assert unpack(pack(fifteen)) == fifteen


def test_structures_nest_inside_containers() -> None:
    value = {"a": [Structure(0x58, [7203, 1.0, 2.0]), Structure(0x70, [{"x": None}])]}
    assert unpack(pack(value)) == value


def test_a_structure_has_at_most_15_fields() -> None:
    with pytest.raises(PackStreamError):
        pack(Structure(0x01, list(range(16))))


def test_dehydrators_turn_types_into_structures() -> None:
    class Point:
        def __init__(self, x: float) -> None:
            self.x = x

    class SubPoint(Point):
        pass

    table = {Point: lambda p: Structure(0x58, [7203, p.x, 0.0])}
    expected = bytes.fromhex("B3 58 C9 1C 23") + pack(1.0) + pack(0.0)
    assert pack(Point(1.0), table) == expected
    assert pack(SubPoint(1.0), table) == expected


@pytest.mark.parametrize("value", [object(), {1, 2}, 1j, b"x".decode, type])
def test_values_without_an_encoding_are_refused(value: Any) -> None:
    with pytest.raises(PackStreamError):
        pack(value)


@pytest.mark.parametrize("key", [1, None, 1.5, ("a",)])
def test_non_string_map_keys_are_refused_when_packing(key: Any) -> None:
    with pytest.raises(PackStreamError):
        pack({key: 1})


def test_packer_bounds_nesting() -> None:
    deep: Any = None
    for _ in range(MAX_DEPTH):
        deep = [deep]
    assert unpack(pack(deep)) == deep
    with pytest.raises(PackStreamError):
        pack([deep])
    with pytest.raises(PackStreamError):
        pack({"a": deep})
    with pytest.raises(PackStreamError):
        pack(Structure(0x01, [deep]))


def test_packer_appends_to_a_buffer() -> None:
    out = bytearray(b"\xff")
    Packer().pack([1, "a"], out)
    assert out == bytes.fromhex("FF 92 01 81 61")


# -------------------------------------------------------------------- round trips

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.binary()
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=20)
        | st.dictionaries(st.text(max_size=10), children, max_size=10)
        | st.builds(
            Structure, st.integers(min_value=0, max_value=255), st.lists(children, max_size=15)
        )
    ),
    max_leaves=60,
)


@settings(max_examples=150)
@given(values)
def test_round_trip(value: Any) -> None:
    data = pack(value)
    decoded = unpack(data)
    assert same(decoded, value)
    assert pack(decoded) == data


@settings(max_examples=200)
@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_integer_round_trip_is_minimal(value: int) -> None:
    data = pack(value)
    assert unpack(data) == value
    if -16 <= value <= 127:
        assert len(data) == 1
    elif -128 <= value <= 127:
        assert len(data) == 2
    elif -(2**15) <= value < 2**15:
        assert len(data) == 3
    elif -(2**31) <= value < 2**31:
        assert len(data) == 5
    else:
        assert len(data) == 9


@settings(max_examples=50)
@given(st.lists(values, min_size=1, max_size=5))
def test_unpacker_reads_consecutive_values(items: list[Any]) -> None:
    unpacker = Unpacker(b"".join(pack(v) for v in items))
    for item in items:
        assert same(unpacker.unpack(), item)
    assert unpacker.remaining == 0
    with pytest.raises(PackStreamError):
        unpacker.unpack()


# ----------------------------------------------------------------------- rejections


def _reject(data: bytes) -> None:
    with pytest.raises(PackStreamError):
        unpack(data)


def test_empty_input_is_rejected() -> None:
    _reject(b"")


RESERVED_MARKERS = [0xC4, 0xC5, 0xC6, 0xC7, 0xCF, 0xD3, 0xD7, 0xDB, *range(0xDC, 0xF0)]


@pytest.mark.parametrize("marker", RESERVED_MARKERS, ids=lambda m: f"{m:02X}")
def test_unknown_markers_are_rejected(marker: int) -> None:
    _reject(bytes([marker]))
    _reject(bytes([marker]) + bytes(16))
    _reject(bytes([0x91, marker]))  # inside a list too


TRUNCATED = [
    "C1",
    "C1 00 00 00 00 00 00 00",
    "C8",
    "C9 00",
    "CA 00 00 00",
    "CB 00 00 00 00 00 00 00",
    "CC",
    "CC 02 00",
    "CD 00",
    "CD 00 02 00",
    "CE 00 00 00",
    "CE 00 00 00 02 00",
    "81",
    "85 61 62",
    "D0",
    "D0 03 61",
    "D1 00",
    "D1 00 03 61 62",
    "D2 00 00",
    "D2 00 00 00 03 61",
    "91",
    "92 01",
    "D4",
    "D4 02 01",
    "D5 00",
    "D5 00 02 01",
    "D6 00 00 00",
    "D6 00 00 00 02 01",
    "A1",
    "A1 81 61",
    "A2 81 61 01 81 62",
    "D8 01 81 61",
    "D9 00",
    "D9 00 01 81 61",
    "DA 00 00 00",
    "DA 00 00 00 01 81 61",
    "B1",
    "B1 4E",
    "B3 4E 01 02",
    "B1 4E 92 01",
]


@pytest.mark.parametrize("encoding", TRUNCATED)
def test_truncated_values_are_rejected(encoding: str) -> None:
    _reject(bytes.fromhex(encoding))


@settings(max_examples=60)
@given(values)
def test_every_proper_prefix_of_a_value_is_rejected(value: Any) -> None:
    data = pack(value)
    for end in range(len(data)):
        _reject(data[:end])


@pytest.mark.parametrize(
    "encoding",
    [
        "D2 FF FF FF FF 61",
        "CE FF FF FF FF 00",
        "D6 FF FF FF FF 01",
        "DA FF FF FF FF 81 61 01",
        "D1 FF FF 61",
        "D5 FF FF",
        "D9 FF FF",
        "D0 FF 61",
        "D4 05 01 02",
        "D8 05 81 61 01",
        "9F 01",
        "AF 81 61 01",
        "BF 4E 01",
    ],
)
def test_declared_sizes_beyond_the_data_are_rejected(encoding: str) -> None:
    _reject(bytes.fromhex(encoding))


@pytest.mark.parametrize(
    "encoding",
    [
        "A1 01 01",  # integer key
        "A1 C0 01",  # null key
        "A1 90 01",  # list key
        "A1 A0 01",  # map key
        "A1 C3 01",  # boolean key
        "A1 CC 01 61 01",  # bytes key
        "A1 B0 4E 01",  # structure key
        "D8 01 C1 00 00 00 00 00 00 00 00 01",  # float key
    ],
)
def test_non_string_map_keys_are_rejected(encoding: str) -> None:
    _reject(bytes.fromhex(encoding))


@pytest.mark.parametrize(
    "encoding",
    [
        "81 FF",  # never valid in UTF-8
        "81 80",  # a lone continuation byte
        "82 C3 28",  # a broken two-byte sequence
        "82 C0 80",  # an overlong NUL
        "83 ED A0 80",  # an encoded surrogate
        "84 F4 90 80 80",  # beyond U+10FFFF
        "82 E2 82",  # truncated three-byte sequence
        "A1 81 FF 01",  # in a map key
    ],
)
def test_invalid_utf8_is_rejected(encoding: str) -> None:
    _reject(bytes.fromhex(encoding))


def _nested(opener: bytes, depth: int, leaf: bytes = b"\xc0") -> bytes:
    return opener * depth + leaf


@pytest.mark.parametrize(
    "opener", [b"\x91", b"\xa1\x81a", b"\xb1\x4e"], ids=["list", "map", "structure"]
)
def test_nesting_is_bounded(opener: bytes) -> None:
    unpack(_nested(opener, MAX_DEPTH))
    _reject(_nested(opener, MAX_DEPTH + 1))
    _reject(_nested(opener, 100_000))  # no RecursionError


def test_mixed_deep_nesting_is_rejected() -> None:
    _reject(b"\x91\xa1\x81a\xb1\x4e" * (MAX_DEPTH // 3 + 1) + b"\xc0")


@pytest.mark.parametrize("encoding", ["01 02", "C0 C0", "90 00", "81 61 61", "C3 00"])
def test_trailing_bytes_are_rejected(encoding: str) -> None:
    _reject(bytes.fromhex(encoding))


def test_a_huge_declared_list_is_refused_before_allocating() -> None:
    # 2**32 - 1 elements declared in a 5-byte input: refused without building a list
    _reject(bytes.fromhex("D6 FF FF FF FF"))
    _reject(bytes.fromhex("DA FF FF FF FF"))


def test_unpacker_accepts_memoryview_and_bytearray() -> None:
    data = pack([1, "a"])
    assert unpack(memoryview(data)) == [1, "a"]
    assert unpack(bytearray(data)) == [1, "a"]
