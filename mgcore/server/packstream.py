"""PackStream v1, the value encoding of Bolt: a packer for result values and an unpacker for
client messages.

Structures (nodes, temporal values, the messages themselves) are ``Structure(tag, fields)``;
turning graph and temporal values into structures and back is ``hydration``'s job, so this module
knows no domain types. The unpacker treats its input as hostile: every declared size is checked
against the bytes that remain before anything is allocated, nesting is bounded, and any defect is
a ``PackStreamError``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any

MAX_DEPTH = 256
"""Deepest nesting of lists, maps and structures the unpacker accepts."""

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_pack_i8 = struct.Struct(">b").pack
_pack_i16 = struct.Struct(">h").pack
_pack_i32 = struct.Struct(">i").pack
_pack_i64 = struct.Struct(">q").pack
_pack_f64 = struct.Struct(">d").pack
_pack_u8 = struct.Struct(">B").pack
_pack_u16 = struct.Struct(">H").pack
_pack_u32 = struct.Struct(">I").pack
_unpack_from_i8 = struct.Struct(">b").unpack_from
_unpack_from_i16 = struct.Struct(">h").unpack_from
_unpack_from_i32 = struct.Struct(">i").unpack_from
_unpack_from_i64 = struct.Struct(">q").unpack_from
_unpack_from_f64 = struct.Struct(">d").unpack_from
_unpack_from_u16 = struct.Struct(">H").unpack_from
_unpack_from_u32 = struct.Struct(">I").unpack_from


class PackStreamError(ValueError):
    """Bytes that are not valid PackStream, or a value PackStream cannot carry."""


class Structure:
    """A PackStream structure: a one-byte tag and up to 15 fields."""

    __slots__ = ("fields", "tag")

    def __init__(self, tag: int, fields: list[Any]) -> None:
        self.tag = tag
        self.fields = fields

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Structure) and other.tag == self.tag and other.fields == self.fields
        )

    def __hash__(self) -> int:
        return hash((self.tag, len(self.fields)))

    def __repr__(self) -> str:
        return f"Structure(0x{self.tag:02X}, {self.fields!r})"


# ------------------------------------------------------------------------------- packing

Dehydrator = Callable[[Any], Structure]
"""Turns a value of one Python type into a Structure (a Node, a date, ...)."""


class Packer:
    """Appends PackStream encodings of values to a bytearray.

    ``dehydrators`` maps exact Python types that are not PackStream's own to a function returning
    their Structure; the server builds one table per negotiated Bolt version.
    """

    __slots__ = ("_dehydrators",)

    def __init__(self, dehydrators: dict[type, Dehydrator] | None = None) -> None:
        self._dehydrators = dict(dehydrators or {})

    def pack(self, value: Any, out: bytearray) -> None:
        """Append the encoding of ``value``; raises PackStreamError for a value it cannot carry."""
        self._pack(value, out, 0)

    def _pack(self, value: Any, out: bytearray, depth: int) -> None:
        t = type(value)
        if t is str:
            data = value.encode("utf-8")
            n = len(data)
            if n < 0x10:
                out.append(0x80 | n)
            elif n < 0x100:
                out.append(0xD0)
                out.append(n)
            elif n < 0x10000:
                out += b"\xd1" + _pack_u16(n)
            elif n < 0x100000000:
                out += b"\xd2" + _pack_u32(n)
            else:
                raise PackStreamError("a string longer than 4 GiB cannot be sent")
            out += data
        elif t is int:
            if -0x10 <= value < 0x80:
                out.append(value & 0xFF)
            elif -0x80 <= value < 0x80:
                out += b"\xc8" + _pack_i8(value)
            elif -0x8000 <= value < 0x8000:
                out += b"\xc9" + _pack_i16(value)
            elif -0x80000000 <= value < 0x80000000:
                out += b"\xca" + _pack_i32(value)
            elif INT64_MIN <= value <= INT64_MAX:
                out += b"\xcb" + _pack_i64(value)
            else:
                raise PackStreamError(f"the integer {value} does not fit in 64 bits")
        elif value is None:
            out.append(0xC0)
        elif t is bool:
            out.append(0xC3 if value else 0xC2)
        elif t is float:
            out += b"\xc1" + _pack_f64(value)
        elif t is list or t is tuple:
            if depth >= MAX_DEPTH:
                raise PackStreamError("a value is nested too deeply to be sent")
            _container_header(len(value), 0x90, 0xD4, out)
            for item in value:
                self._pack(item, out, depth + 1)
        elif t is dict:
            if depth >= MAX_DEPTH:
                raise PackStreamError("a value is nested too deeply to be sent")
            _container_header(len(value), 0xA0, 0xD8, out)
            for key, item in value.items():
                if type(key) is not str:
                    raise PackStreamError(f"map keys must be strings, not {type(key).__name__}")
                self._pack(key, out, depth + 1)
                self._pack(item, out, depth + 1)
        elif t is Structure:
            self._pack_structure(value, out, depth)
        elif t is bytes or t is bytearray:
            n = len(value)
            if n < 0x100:
                out.append(0xCC)
                out.append(n)
            elif n < 0x10000:
                out += b"\xcd" + _pack_u16(n)
            elif n < 0x100000000:
                out += b"\xce" + _pack_u32(n)
            else:
                raise PackStreamError("a byte array longer than 4 GiB cannot be sent")
            out += value
        else:
            dehydrate = self._dehydrators.get(t)
            if dehydrate is None:
                self._pack_other(value, out, depth)
            else:
                self._pack_structure(dehydrate(value), out, depth)

    def _pack_structure(self, value: Structure, out: bytearray, depth: int) -> None:
        fields = value.fields
        if len(fields) > 15:
            raise PackStreamError("a structure has at most 15 fields")
        if depth >= MAX_DEPTH:
            raise PackStreamError("a value is nested too deeply to be sent")
        out.append(0xB0 | len(fields))
        out.append(value.tag)
        for item in fields:
            self._pack(item, out, depth + 1)

    def _pack_other(self, value: Any, out: bytearray, depth: int) -> None:
        """Subclasses of the builtins and of dehydratable types (a rare, slow path)."""
        for base in type(value).__mro__[1:]:
            dehydrate = self._dehydrators.get(base)
            if dehydrate is not None:
                self._pack_structure(dehydrate(value), out, depth)
                return
        for base in _BUILTIN_BASES:
            if isinstance(value, base):
                self._pack(base(value), out, depth)
                return
        if isinstance(value, Mapping):
            self._pack(dict(value), out, depth)
            return
        raise PackStreamError(f"a value of type {type(value).__name__} cannot be sent over Bolt")


_BUILTIN_BASES: tuple[type[Any], ...] = (bool, str, int, float, list, tuple, dict)


def _container_header(n: int, tiny: int, marker8: int, out: bytearray) -> None:
    if n < 0x10:
        out.append(tiny | n)
    elif n < 0x100:
        out.append(marker8)
        out.append(n)
    elif n < 0x10000:
        out.append(marker8 + 1)
        out += _pack_u16(n)
    elif n < 0x100000000:
        out.append(marker8 + 2)
        out += _pack_u32(n)
    else:
        raise PackStreamError("a list or map with 2**32 or more entries cannot be sent")


def pack(value: Any, dehydrators: dict[type, Dehydrator] | None = None) -> bytes:
    """The PackStream encoding of one value (tests and tools; the server reuses a Packer)."""
    out = bytearray()
    Packer(dehydrators).pack(value, out)
    return bytes(out)


# ------------------------------------------------------------------------------ unpacking


class Unpacker:
    """Decodes one PackStream value from a byte string, checking every size it reads."""

    __slots__ = ("_data", "_end", "_pos")

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        self._data = bytes(data)
        self._pos = 0
        self._end = len(self._data)

    @property
    def remaining(self) -> int:
        return self._end - self._pos

    def unpack(self) -> Any:
        """The next value."""
        return self._value(0)

    def _need(self, n: int) -> int:
        pos = self._pos
        if n > self._end - pos:
            raise PackStreamError("truncated PackStream value")
        self._pos = pos + n
        return pos

    def _value(self, depth: int) -> Any:
        data = self._data
        pos = self._need(1)
        marker = data[pos]
        if marker < 0x80:
            return marker
        if marker >= 0xF0:
            return marker - 0x100
        high = marker & 0xF0
        if high == 0x80:
            return self._string(marker & 0x0F)
        if high == 0x90:
            return self._list(marker & 0x0F, depth)
        if high == 0xA0:
            return self._map(marker & 0x0F, depth)
        if high == 0xB0:
            return self._structure(marker & 0x0F, depth)
        if marker == 0xC0:
            return None
        if marker == 0xC1:
            return _unpack_from_f64(data, self._need(8))[0]
        if marker == 0xC2:
            return False
        if marker == 0xC3:
            return True
        if marker == 0xC8:
            return _unpack_from_i8(data, self._need(1))[0]
        if marker == 0xC9:
            return _unpack_from_i16(data, self._need(2))[0]
        if marker == 0xCA:
            return _unpack_from_i32(data, self._need(4))[0]
        if marker == 0xCB:
            return _unpack_from_i64(data, self._need(8))[0]
        if marker == 0xCC:
            n = data[self._need(1)]
            return data[self._need(n) : self._pos]
        if marker == 0xCD:
            n = _unpack_from_u16(data, self._need(2))[0]
            return data[self._need(n) : self._pos]
        if marker == 0xCE:
            n = _unpack_from_u32(data, self._need(4))[0]
            return data[self._need(n) : self._pos]
        if marker == 0xD0:
            return self._string(data[self._need(1)])
        if marker == 0xD1:
            return self._string(_unpack_from_u16(data, self._need(2))[0])
        if marker == 0xD2:
            return self._string(_unpack_from_u32(data, self._need(4))[0])
        if marker == 0xD4:
            return self._list(data[self._need(1)], depth)
        if marker == 0xD5:
            return self._list(_unpack_from_u16(data, self._need(2))[0], depth)
        if marker == 0xD6:
            return self._list(_unpack_from_u32(data, self._need(4))[0], depth)
        if marker == 0xD8:
            return self._map(data[self._need(1)], depth)
        if marker == 0xD9:
            return self._map(_unpack_from_u16(data, self._need(2))[0], depth)
        if marker == 0xDA:
            return self._map(_unpack_from_u32(data, self._need(4))[0], depth)
        raise PackStreamError(f"unknown PackStream marker 0x{marker:02X}")

    def _string(self, n: int) -> str:
        pos = self._need(n)
        try:
            return self._data[pos : pos + n].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PackStreamError(f"a string is not valid UTF-8: {exc.reason}") from None

    def _list(self, n: int, depth: int) -> list[Any]:
        if n > self._end - self._pos:  # every element takes at least one byte
            raise PackStreamError("truncated PackStream list")
        if depth >= MAX_DEPTH:
            raise PackStreamError("PackStream value nested too deeply")
        value = self._value
        return [value(depth + 1) for _ in range(n)]

    def _map(self, n: int, depth: int) -> dict[str, Any]:
        if 2 * n > self._end - self._pos:
            raise PackStreamError("truncated PackStream map")
        if depth >= MAX_DEPTH:
            raise PackStreamError("PackStream value nested too deeply")
        out: dict[str, Any] = {}
        for _ in range(n):
            key = self._value(depth + 1)
            if type(key) is not str:
                raise PackStreamError(f"a map key is a {type(key).__name__}, not a string")
            out[key] = self._value(depth + 1)
        return out

    def _structure(self, n: int, depth: int) -> Structure:
        if depth >= MAX_DEPTH:
            raise PackStreamError("PackStream value nested too deeply")
        tag = self._data[self._need(1)]
        if n > self._end - self._pos:
            raise PackStreamError("truncated PackStream structure")
        value = self._value
        return Structure(tag, [value(depth + 1) for _ in range(n)])


def unpack(data: bytes | bytearray | memoryview) -> Any:
    """Exactly one value from ``data``; trailing bytes are an error."""
    unpacker = Unpacker(data)
    value = unpacker.unpack()
    if unpacker.remaining:
        raise PackStreamError(f"{unpacker.remaining} bytes after the PackStream value")
    return value
