"""Temporal values in mgcore.storage.kit.serde: exact round trips through pack/unpack, the
engines' ``msgpack.unpackb(..., ext_hook=serde.ext_hook)`` fast path, streams and commit
records; frozen payload layouts; clear errors for garbled payloads and unknown codes."""

from __future__ import annotations

import io
from typing import Any

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from temporal_strategies import temporals

from mgcore.storage.errors import StorageError
from mgcore.storage.kit import serde
from mgcore.storage.records import CommitRecord, Op
from mgcore.values.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time

values = st.recursive(
    temporals | st.none() | st.integers(-5, 5) | st.text(max_size=3),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=2), children, max_size=3),
    max_leaves=8,
)


def same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is dict:
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


@settings(max_examples=300)
@given(values)
def test_round_trip_is_exact(value: Any) -> None:
    data = serde.pack(value)
    assert same(serde.unpack(data), value)
    assert same(msgpack.unpackb(data, strict_map_key=False, ext_hook=serde.ext_hook), value)


@pytest.mark.parametrize(
    ("value", "code", "payload"),
    [
        (Date(1), serde.ExtCode.DATE, b"\x00\x00\x00\x01"),
        (Date(-(2**35)), serde.ExtCode.DATE, (-(2**35)).to_bytes(8, "big", signed=True)),
        (LocalTime(5), serde.ExtCode.LOCAL_TIME, (5).to_bytes(8, "big")),
        (LocalDateTime(-1, 2), serde.ExtCode.LOCAL_DATE_TIME,
         (-1).to_bytes(8, "big", signed=True) + (2).to_bytes(8, "big")),
        (DateTime(-1, 2, -3600, None), serde.ExtCode.DATE_TIME,
         (-1).to_bytes(8, "big", signed=True) + (2).to_bytes(4, "big")
         + (-3600).to_bytes(4, "big", signed=True)),
        (DateTime(0, 0, 3600, "Europe/Stockholm"), serde.ExtCode.DATE_TIME,
         bytes(12) + (3600).to_bytes(4, "big") + b"Europe/Stockholm"),
        (Duration(1, -2, 3, 4), serde.ExtCode.DURATION,
         (1).to_bytes(8, "big") + (-2).to_bytes(8, "big", signed=True) + (3).to_bytes(8, "big")
         + (4).to_bytes(4, "big")),
        (Time(7, -60), serde.ExtCode.TIME,
         (7).to_bytes(8, "big") + (-60).to_bytes(4, "big", signed=True)),
    ],
    ids=repr,
)
def test_payload_layouts_are_frozen(value: Any, code: int, payload: bytes) -> None:
    """The documented layouts: files written today must read back tomorrow."""
    assert serde.pack(value) == msgpack.packb(msgpack.ExtType(int(code), payload))
    assert same(serde.unpack(serde.pack(value)), value)


def test_each_temporal_type_has_its_code() -> None:
    registered = serde.registered_ext_types()
    assert registered[serde.ExtCode.DATE] is Date
    assert registered[serde.ExtCode.LOCAL_TIME] is LocalTime
    assert registered[serde.ExtCode.LOCAL_DATE_TIME] is LocalDateTime
    assert registered[serde.ExtCode.DATE_TIME] is DateTime
    assert registered[serde.ExtCode.DURATION] is Duration
    assert registered[serde.ExtCode.TIME] is Time


@pytest.mark.parametrize(
    ("code", "payload"),
    [
        (serde.ExtCode.DATE, b"\x00\x01"),  # wrong size
        (serde.ExtCode.DATE, (2**62).to_bytes(8, "big")),  # year out of range
        (serde.ExtCode.LOCAL_TIME, (-1).to_bytes(8, "big", signed=True)),
        (serde.ExtCode.LOCAL_DATE_TIME, bytes(15)),
        (serde.ExtCode.DATE_TIME, bytes(15)),
        (serde.ExtCode.DATE_TIME, bytes(16) + b"\xff"),  # zone id not UTF-8
        (serde.ExtCode.DURATION, bytes(27)),
        (serde.ExtCode.TIME, bytes(8) + (19 * 3600).to_bytes(4, "big")),  # offset out of range
    ],
    ids=repr,
)
def test_garbled_payloads_raise_storage_error(code: int, payload: bytes) -> None:
    with pytest.raises(StorageError, match="malformed temporal"):
        serde.unpack(msgpack.packb([msgpack.ExtType(int(code), payload)]))


def test_unknown_code_in_a_stream_raises_storage_error() -> None:
    data = serde.pack([Date(1)]) + msgpack.packb(msgpack.ExtType(31, b"x"))
    unpacker = serde.Unpacker(io.BytesIO(data))
    assert next(unpacker) == [Date(1)]
    with pytest.raises(StorageError, match="unknown msgpack ext type code 31"):
        next(unpacker)


def test_fields_beyond_64_bits_raise_overflow_error() -> None:
    forged = Duration.__new__(Duration)  # the constructor refuses fields beyond 64 bits
    for name, field in zip(Duration._ARGS, (2**63, 0, 0, 0), strict=True):
        object.__setattr__(forged, name, field)
    with pytest.raises(OverflowError, match="Duration"):
        serde.pack({"d": forged})
    assert serde.unpack(serde.pack([1, 2])) == [1, 2]


def test_commit_records_carry_temporal_values() -> None:
    d = DateTime(1_437_474_674, 645_876_123, 7200, "Europe/Stockholm")
    record = CommitRecord(
        timestamp=9,
        operations=(
            (Op.CREATE_NODE, 1, ["L"], {"at": d, "list": [Date(5), Time(1, 0)]}),
            (Op.SET_NODE_PROPERTY, 1, "dur", Duration(1, 2, 3, 4)),
        ),
    )
    back = serde.unpack_commit_record(serde.pack_commit_record(record))
    assert back.operations == record.operations
    assert same(back.operations[0][3], record.operations[0][3])


def test_stream_round_trip_through_packer_and_unpacker() -> None:
    packer = serde.Packer()
    rows = [{"i": i, "d": Date(i), "t": [LocalTime(i)]} for i in range(50)]
    back = list(serde.Unpacker(io.BytesIO(b"".join(packer.pack(r) for r in rows)), read_size=16))
    assert back == rows
