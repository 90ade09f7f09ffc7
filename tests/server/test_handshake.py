"""Bolt version negotiation (design/bolt.md section 1): the exact handshakes of neo4j 6.4.1 and
pymgclient, ranges, the manifest marker, no common version, and preambles that are not Bolt."""

from __future__ import annotations

from typing import Any

import pytest
from rawbolt import BoltClient, handshake_bytes, proposal

from mgcore.server.handshake import (
    MAGIC,
    SUPPORTED_VERSIONS,
    HandshakeError,
    choose_version,
    describe_preamble,
    encode_version,
)

pytestmark = pytest.mark.usefixtures("no_server_errors")

NEO4J_6_4_1 = bytes.fromhex("6060B017 000001FF 00080805 00020404 00000003")
PYMGCLIENT_1_6 = bytes.fromhex("6060B017 00000404 00000304 00000104 00000001")
HTTP_GET = b"GET / HTTP/1.1\r\nHost: localhost:7687\r\n\r\n"
TLS_CLIENT_HELLO = bytes.fromhex("16030100f5010000f10303") + bytes(32)


def test_supported_versions() -> None:
    assert sorted(SUPPORTED_VERSIONS) == [
        (4, 0),
        (4, 1),
        (4, 2),
        (4, 3),
        (4, 4),
        (5, 0),
        (5, 1),
        (5, 2),
        (5, 3),
        (5, 4),
    ]


def test_neo4j_6_gets_5_4() -> None:
    assert choose_version(NEO4J_6_4_1) == (5, 4)


def test_pymgclient_gets_4_4() -> None:
    assert choose_version(PYMGCLIENT_1_6) == (4, 4)


@pytest.mark.parametrize(
    ("proposals", "expected"),
    [
        ([proposal(4, 4)], (4, 4)),
        ([proposal(5, 0)], (5, 0)),
        ([proposal(4, 1)], (4, 1)),
        ([proposal(5, 8, 8)], (5, 4)),  # 5.8 down to 5.0: the highest supported
        ([proposal(5, 9, 3)], None),  # 5.9 down to 5.6 only
        ([proposal(5, 9, 5)], (5, 4)),
        ([proposal(4, 4, 2)], (4, 4)),
        ([proposal(4, 9, 255)], (4, 4)),  # a range beyond minor 0 stops at 0
        ([proposal(5, 255, 255)], (5, 4)),
        ([proposal(3, 0), proposal(4, 2)], (4, 2)),  # client order, first supported wins
        ([proposal(4, 2), proposal(5, 4)], (4, 2)),
        ([proposal(6, 0), proposal(5, 7, 7)], (5, 4)),
        ([proposal(1, 0), proposal(2, 0), proposal(3, 0), proposal(6, 0)], None),
        ([], None),  # all zeros: version 0.0
        ([proposal(4, 5)], None),
        ([proposal(4, 5, 1)], (4, 4)),
    ],
)
def test_choice(proposals: list[bytes], expected: tuple[int, int] | None) -> None:
    assert choose_version(handshake_bytes(*proposals)) == expected


def test_the_manifest_marker_is_skipped() -> None:
    manifest = bytes.fromhex("000001FF")
    assert choose_version(handshake_bytes(manifest, proposal(4, 4))) == (4, 4)
    assert choose_version(handshake_bytes(manifest, proposal(3, 0))) is None
    # the marker's minor/range bytes never make it a version
    assert choose_version(handshake_bytes(bytes.fromhex("00FF04FF"))) is None


def test_the_first_byte_of_a_proposal_is_ignored() -> None:
    assert choose_version(handshake_bytes(bytes.fromhex("AB000404"))) == (4, 4)


@pytest.mark.parametrize("version", sorted(SUPPORTED_VERSIONS))
def test_every_supported_version_can_be_chosen_alone(version: tuple[int, int]) -> None:
    assert choose_version(handshake_bytes(proposal(*version))) == version


def test_encode_version() -> None:
    assert encode_version((5, 4)) == bytes.fromhex("00000405")
    assert encode_version((4, 4)) == bytes.fromhex("00000404")


@pytest.mark.parametrize("size", [0, 4, 19, 21])
def test_a_handshake_is_20_bytes(size: int) -> None:
    with pytest.raises(HandshakeError):
        choose_version((MAGIC + bytes(16))[:size].ljust(size, b"\x00"))


def test_a_wrong_magic_is_refused() -> None:
    with pytest.raises(HandshakeError):
        choose_version(b"\x60\x60\xb0\x18" + PYMGCLIENT_1_6[4:])


def test_http_and_tls_preambles_are_named() -> None:
    with pytest.raises(HandshakeError, match="HTTP"):
        choose_version(HTTP_GET[:20])
    with pytest.raises(HandshakeError, match="TLS"):
        choose_version(TLS_CLIENT_HELLO[:20])
    assert "HTTP" in describe_preamble(b"POST")
    assert "00 01 02 03" in describe_preamble(b"\x00\x01\x02\x03")


# ---------------------------------------------------------------------- on the wire


def read_until_closed(client: BoltClient, timeout: float = 10.0) -> bytes:
    """Everything the server sends until it closes the connection (which it must do within
    ``timeout`` seconds)."""
    client.sock.settimeout(timeout)
    received = b""
    try:
        while data := client.sock.recv(65536):
            received += data
    except ConnectionResetError:
        pass
    return received


@pytest.mark.parametrize(
    ("handshake", "reply"),
    [(NEO4J_6_4_1, "00000405"), (PYMGCLIENT_1_6, "00000404")],
    ids=["neo4j-6.4.1", "pymgclient-1.6"],
)
def test_the_server_answers_real_client_handshakes(
    server: Any, handshake: bytes, reply: str
) -> None:
    with BoltClient(server.host, server.port) as client:
        client.send_raw(handshake)
        answer = client.recv_exact(4)
        assert answer == bytes.fromhex(reply)
        client.version = (answer[3], answer[2])
        client.login()
        rows, _ = client.query("RETURN 1 AS one")
        assert rows == [[1]]


def test_the_handshake_may_arrive_one_byte_at_a_time(server: Any) -> None:
    with BoltClient(server.host, server.port) as client:
        for byte in handshake_bytes(proposal(4, 4)):
            client.send_raw(bytes([byte]))
        assert client.recv_exact(4) == bytes.fromhex("00000404")


def test_no_common_version_is_answered_with_zeros_and_closed(server: Any) -> None:
    with BoltClient(server.host, server.port) as client:
        client.send_raw(handshake_bytes(proposal(3, 0), proposal(1, 0), proposal(6, 0)))
        assert client.recv_exact(4) == b"\x00\x00\x00\x00"
        assert client.is_closed()


@pytest.mark.parametrize(
    "preamble",
    [HTTP_GET, b"GET / HTTP/1.0\r\n\r\n", TLS_CLIENT_HELLO, b"\x00" * 20, b"hello there\r\n"],
    ids=["http", "short-http", "tls", "zeros", "text"],
)
def test_a_preamble_that_is_not_bolt_is_closed_without_an_answer(
    server: Any, preamble: bytes
) -> None:
    with BoltClient(server.host, server.port) as client:
        client.send_raw(preamble)
        assert read_until_closed(client) == b""
    with BoltClient.open(server, (4, 4)) as client:
        assert client.query("RETURN 1 AS one")[0] == [[1]]
