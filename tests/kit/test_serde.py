"""Tests of mgcore.storage.kit.serde: value round trips, strict types, ext types, commit records."""

from __future__ import annotations

import collections
import enum
import io
import math
import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgcore.storage.errors import StorageError
from mgcore.storage.kit import serde
from mgcore.storage.records import CommitRecord, Op

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
SCALARS = st.none() | st.booleans() | INT64 | st.floats(allow_nan=False) | st.text() | st.binary()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@pytest.fixture
def clean_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a test register ext types without leaking them into other tests."""
    monkeypatch.setattr(serde, "_encoders", dict(serde._encoders))
    monkeypatch.setattr(serde, "_decoders", dict(serde._decoders))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -1,
        2**63 - 1,
        -(2**63),
        1.5,
        float("inf"),
        "",
        "héllo wörld ✓",
        b"",
        b"\x00\xff",
        [],
        {},
        [1, "a", None, [2.5, [True]], {"k": [b"x"]}],
        {"name": "alice", "tags": ["a", "b"], "nested": {"x": {"y": [1, 2]}}},
    ],
)
def test_round_trip_keeps_value_and_type(value: Any) -> None:
    back = serde.unpack(serde.pack(value))
    assert back == value
    assert type(back) is type(value)


def test_float_specials_round_trip() -> None:
    assert math.isnan(serde.unpack(serde.pack(float("nan"))))
    assert math.copysign(1.0, serde.unpack(serde.pack(-0.0))) == -1.0
    assert type(serde.unpack(serde.pack(1.0))) is float


def test_tuples_come_back_as_lists_and_lists_stay_lists() -> None:
    assert serde.unpack(serde.pack((1, (2, 3), [4]))) == [1, [2, 3], [4]]
    assert serde.unpack(serde.pack({"a": (1,)})) == {"a": [1]}


def test_bytes_stay_bytes_and_bytearray_becomes_bytes() -> None:
    assert serde.unpack(serde.pack(bytearray(b"ab"))) == b"ab"
    assert type(serde.unpack(serde.pack(b"ab"))) is bytes


def test_int_map_keys_round_trip() -> None:
    assert serde.unpack(serde.pack({1: "a", 2: {3: None}})) == {1: "a", 2: {3: None}}


@given(VALUES)
def test_round_trip_property(value: Any) -> None:
    assert serde.unpack(serde.pack(value)) == value


class Color(enum.IntEnum):
    RED = 1


class Text(str):
    pass


Pair = collections.namedtuple("Pair", "a b")


@pytest.mark.parametrize(
    "value",
    [Color.RED, Text("x"), Pair(1, 2), collections.OrderedDict(a=1), [1, {"k": object()}], {1.5}],
)
def test_subclasses_of_builtins_and_unknown_types_are_refused(value: Any) -> None:
    with pytest.raises(TypeError, match="cannot serialise"):
        serde.pack(value)


def test_out_of_range_integer_is_refused() -> None:
    with pytest.raises(OverflowError, match="64 bits"):
        serde.pack([2**64])


def test_packer_is_usable_after_a_failed_pack() -> None:
    with pytest.raises(TypeError):
        serde.pack([1, object()])
    assert serde.unpack(serde.pack([1, 2])) == [1, 2]


class Span(tuple):
    """A builtin subclass, like a temporal type might be: must not pack as a plain array."""

    def __new__(cls, months: int, days: int) -> Span:
        return super().__new__(cls, (months, days))


def _encode_span(span: Span) -> bytes:
    return span[0].to_bytes(8, "big", signed=True) + span[1].to_bytes(8, "big", signed=True)


def _decode_span(data: bytes) -> Span:
    return Span(int.from_bytes(data[:8], "big", signed=True), int.from_bytes(data[8:], "big"))


@pytest.mark.usefixtures("clean_registry")
def test_registered_ext_type_round_trips_even_for_a_tuple_subclass() -> None:
    serde.register_ext_type(100, Span, _encode_span, _decode_span)
    back = serde.unpack(serde.pack({"d": Span(-3, 4), "l": [Span(1, 2)]}))
    assert back == {"d": Span(-3, 4), "l": [Span(1, 2)]}
    assert type(back["d"]) is Span
    assert serde.registered_ext_types()[100] is Span


@pytest.mark.usefixtures("clean_registry")
def test_register_ext_type_rejects_duplicates_and_bad_codes() -> None:
    serde.register_ext_type(100, Span, _encode_span, _decode_span)
    with pytest.raises(ValueError, match="already registered"):
        serde.register_ext_type(100, Text, str.encode, bytes.decode)
    with pytest.raises(ValueError, match="already has"):
        serde.register_ext_type(101, Span, _encode_span, _decode_span)
    for code in (-1, 128):
        with pytest.raises(ValueError, match="outside"):
            serde.register_ext_type(code, Text, str.encode, bytes.decode)


@pytest.mark.usefixtures("clean_registry")
def test_ext_encoder_may_itself_call_pack() -> None:
    def encode(value: Text) -> bytes:
        return serde.pack([str(value), [1, 2]])

    def decode(data: bytes) -> Text:
        return Text(serde.unpack(data)[0])

    serde.register_ext_type(101, Text, encode, decode)
    assert serde.unpack(serde.pack([Text("a"), "b", Text("c")])) == ["a", "b", "c"]


def test_reserved_temporal_codes_are_distinct_and_in_the_reserved_range() -> None:
    codes = [code.value for code in serde.ExtCode]
    assert len(set(codes)) == len(codes) == 6
    assert all(code in serde.RESERVED_EXT_CODES for code in codes)
    assert not set(serde.RESERVED_EXT_CODES) & set(serde.ENGINE_EXT_CODES)


def test_unknown_ext_code_raises_storage_error() -> None:
    import msgpack

    data = msgpack.packb(msgpack.ExtType(77, b"zz"))
    with pytest.raises(StorageError, match="unknown msgpack ext type code 77"):
        serde.unpack(data)


@pytest.mark.parametrize("data", [b"", b"\x93\x01", b"\x01\x02", b"\xc1", b"\xa3ab"])
def test_garbage_raises_storage_error(data: bytes) -> None:
    with pytest.raises(StorageError):
        serde.unpack(data)


def test_packer_and_unpacker_stream_through_a_file() -> None:
    packer = serde.Packer()
    values = [{"i": i, "t": (i, "x")} for i in range(100)]
    buffer = io.BytesIO(b"".join(packer.pack(v) for v in values))
    back = list(serde.Unpacker(buffer, read_size=64))
    assert back == [{"i": i, "t": [i, "x"]} for i in range(100)]


def test_unpacker_feed_handles_partial_input() -> None:
    data = serde.pack(["abc", 1]) + serde.pack({"k": None})
    unpacker = serde.Unpacker()
    unpacker.feed(data[:3])
    assert list(unpacker) == []
    unpacker.feed(data[3:])
    assert list(unpacker) == [["abc", 1], {"k": None}]
    assert unpacker.tell() == len(data)


def test_unpacker_raises_storage_error_on_garbage() -> None:
    unpacker = serde.Unpacker()
    unpacker.feed(b"\xc1")
    with pytest.raises(StorageError):
        next(unpacker)


def test_pack_is_thread_safe() -> None:
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(2000):
                value = {"k": k, "i": i, "l": [k] * (i % 7)}
                assert serde.unpack(serde.pack(value)) == value
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


ALL_OPS = (
    (Op.CREATE_NODE, 1),
    (Op.ADD_LABEL, 1, "Person"),
    (Op.SET_NODE_PROPERTY, 1, "name", "alice"),
    (Op.SET_NODE_PROPERTY, 1, "tags", ["a", "b"]),
    (Op.SET_NODE_PROPERTY, 1, "gone", None),
    (Op.REMOVE_LABEL, 1, "Person"),
    (Op.CREATE_RELATIONSHIP, 7, "KNOWS", 1, 2),
    (Op.SET_RELATIONSHIP_PROPERTY, 7, "since", {"y": 2020}),
    (Op.DELETE_RELATIONSHIP, 7),
    (Op.DELETE_NODE, 1),
)


def test_commit_record_round_trip() -> None:
    record = CommitRecord(timestamp=123456, operations=ALL_OPS)
    back = serde.unpack_commit_record(serde.pack_commit_record(record))
    assert back == record
    assert all(type(op[0]) is Op for op in back.operations)
    assert type(back.operations) is tuple and all(type(op) is tuple for op in back.operations)


def test_commit_record_stores_ops_as_ints() -> None:
    record = CommitRecord(timestamp=5, operations=((Op.CREATE_NODE, 3),))
    assert serde.unpack(serde.pack_commit_record(record)) == [5, [[int(Op.CREATE_NODE), 3]]]


def test_empty_commit_record_round_trips() -> None:
    record = CommitRecord(timestamp=0, operations=())
    assert serde.unpack_commit_record(serde.pack_commit_record(record)) == record


@settings(max_examples=50)
@given(st.integers(min_value=0, max_value=2**63 - 1), st.lists(VALUES, max_size=5))
def test_commit_record_round_trip_property(timestamp: int, values: list[Any]) -> None:
    ops = tuple((Op.SET_NODE_PROPERTY, i, f"p{i}", v) for i, v in enumerate(values))
    record = CommitRecord(timestamp=timestamp, operations=ops)
    assert serde.unpack_commit_record(serde.pack_commit_record(record)) == record


@pytest.mark.parametrize(
    "obj",
    [
        "nope",
        [1],
        [True, []],
        ["1", []],
        [1, "ops"],
        [1, [[]]],
        [1, ["x"]],
        [1, [[99, 1]]],
        [1, [["1", 1]]],
        [1, [[int(Op.CREATE_NODE)]]],
        [1, [[int(Op.ADD_LABEL), 1]]],
        [1, [[int(Op.CREATE_RELATIONSHIP), 1, "T", 2, 3, {}, 4]]],
        [1, [[int(Op.CREATE_NODE), 1, []]]],
    ],
)
def test_malformed_commit_record_raises_storage_error(obj: Any) -> None:
    with pytest.raises(StorageError):
        serde.unpack_commit_record(serde.pack(obj))
