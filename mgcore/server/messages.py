"""Bolt request messages: tags, names, and the checked decoding of a message's bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mgcore.server.packstream import PackStreamError, Structure, unpack

HELLO = 0x01
GOODBYE = 0x02
RESET = 0x0F
RUN = 0x10
BEGIN = 0x11
COMMIT = 0x12
ROLLBACK = 0x13
DISCARD = 0x2F
PULL = 0x3F
TELEMETRY = 0x54
ROUTE = 0x66
LOGON = 0x6A
LOGOFF = 0x6B

SUCCESS = 0x70
RECORD = 0x71
IGNORED = 0x7E
FAILURE = 0x7F

NAMES = {
    HELLO: "HELLO",
    GOODBYE: "GOODBYE",
    RESET: "RESET",
    RUN: "RUN",
    BEGIN: "BEGIN",
    COMMIT: "COMMIT",
    ROLLBACK: "ROLLBACK",
    DISCARD: "DISCARD",
    PULL: "PULL",
    TELEMETRY: "TELEMETRY",
    ROUTE: "ROUTE",
    LOGON: "LOGON",
    LOGOFF: "LOGOFF",
}

# Each message's fields as (name, accepted types); trailing fields with a None default may be
# left out by older clients.
_FIELDS: dict[int, tuple[tuple[str, tuple[type, ...], Any], ...]] = {
    HELLO: (("extra", (dict,), {}),),
    LOGON: (("auth", (dict,), {}),),
    LOGOFF: (),
    GOODBYE: (),
    RESET: (),
    RUN: (("query", (str,), ...), ("parameters", (dict,), {}), ("extra", (dict,), {})),
    BEGIN: (("extra", (dict,), {}),),
    COMMIT: (),
    ROLLBACK: (),
    DISCARD: (("extra", (dict,), {}),),
    PULL: (("extra", (dict,), {}),),
    TELEMETRY: (("api", (int,), 0),),
    ROUTE: (
        ("routing", (dict,), {}),
        ("bookmarks", (list, type(None)), None),
        ("extra", (dict, str, type(None)), None),
    ),
}


class ProtocolError(Exception):
    """A message that breaks the protocol; the server answers FAILURE and closes."""


@dataclass(frozen=True, slots=True)
class Request:
    tag: int
    fields: tuple[Any, ...]

    @property
    def name(self) -> str:
        return NAMES.get(self.tag, f"0x{self.tag:02X}")


def message_tag(data: bytes) -> int | None:
    """The tag of a framed message without decoding it (the reader spots RESET this way)."""
    if len(data) >= 2 and data[0] & 0xF0 == 0xB0:
        return data[1]
    return None


def decode_request(data: bytes) -> Request:
    """Decode and check one request message; raises ProtocolError for anything malformed."""
    try:
        value = unpack(data)
    except PackStreamError as exc:
        raise ProtocolError(f"Malformed message: {exc}.") from None
    if type(value) is not Structure:
        raise ProtocolError("A Bolt message must be a structure.")
    spec = _FIELDS.get(value.tag)
    if spec is None:
        raise ProtocolError(f"Unknown message 0x{value.tag:02X}.")
    name = NAMES[value.tag]
    fields = value.fields
    if len(fields) > len(spec):
        raise ProtocolError(f"{name} has {len(fields)} fields; it takes at most {len(spec)}.")
    out: list[Any] = []
    for i, (field_name, types, default) in enumerate(spec):
        if i < len(fields):
            item = fields[i]
            if type(item) not in types:
                raise ProtocolError(
                    f"{name} field {field_name!r} must be "
                    f"{' or '.join(_TYPE_NAMES[t] for t in types)}, not {type(item).__name__}."
                )
            out.append(item)
        elif default is ...:
            raise ProtocolError(f"{name} lacks its {field_name!r} field.")
        else:
            out.append(default)
    return Request(value.tag, tuple(out))


_TYPE_NAMES = {
    dict: "a map",
    str: "a string",
    int: "an integer",
    list: "a list",
    type(None): "null",
}
