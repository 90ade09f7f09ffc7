"""Bolt's handshake: the magic preamble and the choice of a protocol version.

The client sends ``60 60 B0 17`` and four proposals ``00 RR mm MM`` (major MM, minor mm, and
from 4.3 a range RR: every minor from mm down to mm - RR). The server answers the first
proposed version it supports, in the client's order, or ``00 00 00 00`` and closes. The
manifest marker of Bolt 5.7+ clients (major 255) is skipped, so they fall back to their classic
proposals.
"""

from __future__ import annotations

MAGIC = b"\x60\x60\xb0\x17"
HANDSHAKE_SIZE = 20
NO_VERSION = b"\x00\x00\x00\x00"

SUPPORTED_VERSIONS: frozenset[tuple[int, int]] = frozenset(
    {(4, 0), (4, 1), (4, 2), (4, 3), (4, 4), (5, 0), (5, 1), (5, 2), (5, 3), (5, 4)}
)
"""Memgraph's set (4.0, 4.1, 4.3, 4.4, 5.2) and the versions between them and up to 5.4 that
mgcore implements completely: 5.3 adds the ``bolt_agent`` to HELLO, 5.4 the TELEMETRY
message. 5.5 and later need GQL statuses and are not offered."""


class HandshakeError(ValueError):
    """The first bytes are not a Bolt handshake."""


def choose_version(
    handshake: bytes, supported: frozenset[tuple[int, int]] = SUPPORTED_VERSIONS
) -> tuple[int, int] | None:
    """The version to speak for a 20-byte handshake, or None when no proposal is supported."""
    if len(handshake) != HANDSHAKE_SIZE:
        raise HandshakeError("a Bolt handshake is 20 bytes")
    if handshake[:4] != MAGIC:
        raise HandshakeError(describe_preamble(handshake[:4]))
    for slot in range(4):
        _, spread, minor, major = handshake[4 + 4 * slot : 8 + 4 * slot]
        if major == 0xFF:  # the manifest-v1 marker: this server offers no manifest
            continue
        for candidate in range(minor, max(minor - spread, 0) - 1, -1):
            if (major, candidate) in supported:
                return major, candidate
    return None


def encode_version(version: tuple[int, int]) -> bytes:
    major, minor = version
    return bytes((0, 0, minor, major))


def describe_preamble(preamble: bytes) -> str:
    """Why ``preamble`` is not Bolt's magic, in words for the log."""
    if preamble[:4] in (b"GET ", b"POST", b"HEAD", b"PUT ", b"OPTI"):
        return "an HTTP request arrived on the Bolt port"
    if preamble[:1] == b"\x16":
        return "a TLS handshake arrived; this server speaks Bolt without encryption"
    return f"not a Bolt handshake (first bytes {preamble.hex(' ')})"
