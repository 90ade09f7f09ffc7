"""Bolt chunking (design/bolt.md section 2): frame() and the Dechunker, fed in any pieces."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rawbolt import chunked

from mgcore.server.framing import MAX_CHUNK, Dechunker, FramingError, frame


def framed(message: bytes) -> bytes:
    out = bytearray()
    frame(message, out)
    return bytes(out)


def test_a_small_message_is_one_chunk_and_the_end_marker() -> None:
    assert framed(b"\xb0\x0f") == bytes.fromhex("00 02 B0 0F 00 00")


@pytest.mark.parametrize(
    ("size", "chunks"),
    [
        (1, [1]),
        (MAX_CHUNK, [MAX_CHUNK]),
        (MAX_CHUNK + 1, [MAX_CHUNK, 1]),
        (2 * MAX_CHUNK + 5, [MAX_CHUNK, MAX_CHUNK, 5]),
    ],
)
def test_large_messages_are_split_at_65535_bytes(size: int, chunks: list[int]) -> None:
    message = bytes(i % 251 for i in range(size))
    data = framed(message)
    pos = 0
    sizes = []
    while True:
        n = int.from_bytes(data[pos : pos + 2], "big")
        pos += 2
        if n == 0:
            break
        sizes.append(n)
        pos += n
    assert sizes == chunks
    assert pos == len(data)
    assert Dechunker(10**6).feed(data) == [message]


def test_frame_appends() -> None:
    out = bytearray(b"\x00\x00")
    frame(b"a", out)
    frame(b"b", out)
    assert out == bytes.fromhex("00 00 00 01 61 00 00 00 01 62 00 00")


def test_messages_fed_one_byte_at_a_time() -> None:
    stream = chunked(b"hello", 2) + chunked(b"x" * 300, 7) + chunked(b"\x00\x00\x00", 1)
    dechunker = Dechunker(1000)
    messages: list[bytes] = []
    for i in range(len(stream)):
        messages += dechunker.feed(stream[i : i + 1])
    assert messages == [b"hello", b"x" * 300, b"\x00\x00\x00"]
    assert dechunker.idle


def test_several_messages_in_one_feed_in_order() -> None:
    stream = b"".join(chunked(bytes([i]) * (i + 1), 3) for i in range(10))
    assert Dechunker(100).feed(stream) == [bytes([i]) * (i + 1) for i in range(10)]


def test_noops_between_and_before_messages_are_dropped() -> None:
    stream = b"\x00\x00" * 3 + chunked(b"a") + b"\x00\x00" + chunked(b"b") + b"\x00\x00"
    dechunker = Dechunker(100)
    assert dechunker.feed(stream) == [b"a", b"b"]
    assert dechunker.idle
    assert dechunker.feed(b"\x00") == []
    assert not dechunker.idle  # half a NOOP is buffered
    assert dechunker.feed(b"\x00") == []
    assert dechunker.idle


def test_a_partial_message_is_kept_until_its_end_marker() -> None:
    dechunker = Dechunker(100)
    assert dechunker.feed(b"\x00\x02ab") == []
    assert not dechunker.idle
    assert dechunker.feed(b"\x00\x01c") == []
    assert dechunker.feed(b"\x00\x00\x00\x01d") == [b"abc"]
    assert dechunker.feed(b"\x00\x00") == [b"d"]


def test_a_message_at_the_limit_is_accepted() -> None:
    assert Dechunker(10).feed(chunked(b"x" * 10, 3)) == [b"x" * 10]


def test_a_message_over_the_limit_is_refused() -> None:
    with pytest.raises(FramingError):
        Dechunker(10).feed(chunked(b"x" * 11, 3))


def test_a_chunk_over_the_limit_is_refused_from_its_header() -> None:
    # the header alone announces more than the limit: no need to wait for (or buffer) the data
    with pytest.raises(FramingError):
        Dechunker(1000).feed(b"\xff\xff")
    dechunker = Dechunker(1000)
    assert dechunker.feed(chunked(b"y" * 999)[:-2]) == []
    with pytest.raises(FramingError):
        dechunker.feed(b"\x00\x02")


def test_the_limit_is_per_message() -> None:
    dechunker = Dechunker(10)
    stream = chunked(b"a" * 10, 4) * 5
    assert dechunker.feed(stream) == [b"a" * 10] * 5


@settings(max_examples=100)
@given(
    st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=8),
    st.integers(min_value=1, max_value=400),
    st.lists(st.integers(min_value=1, max_value=64), min_size=1, max_size=20),
    st.booleans(),
)
def test_any_split_of_the_stream_yields_the_same_messages(
    messages: list[bytes], chunk_size: int, cuts: list[int], noops: bool
) -> None:
    separator = b"\x00\x00" if noops else b""
    stream = separator + b"".join(chunked(m, chunk_size) + separator for m in messages)
    dechunker = Dechunker(300)
    out: list[bytes] = []
    pos = 0
    i = 0
    while pos < len(stream):
        step = cuts[i % len(cuts)]
        out += dechunker.feed(stream[pos : pos + step])
        pos += step
        i += 1
    assert out == messages
    assert dechunker.idle
