"""msgpack serialisation of property values and commit records for WALs and snapshots.

Property values are ``None``, ``bool``, ``int`` (int64; msgpack also carries uint64), ``float``,
``str``, ``bytes``, ``list`` and ``dict`` (``str`` keys; ``int`` keys also round-trip for engine
records such as property-id maps), nested freely. Lists come back as lists and bytes as bytes.
A ``tuple`` is packed as an array and comes back as a ``list``: that is the only lossy conversion,
and it is harmless for property values, which are lists in Cypher.

Packing uses ``strict_types=True``: a subclass of a builtin (an ``IntEnum``, an ``OrderedDict``, a
temporal type deriving from ``tuple``) is never silently packed as its base type. It must have a
registered ext type, or packing raises ``TypeError``.

Ext type codes. Negative codes belong to msgpack. Codes 0-31 are reserved for mgcore's own value
types, 32-127 are free for engines (``register_ext_type``). The temporal types use the codes of
``ExtCode``, registered in ``_register_builtin_ext_types`` below. Each payload is a fixed-layout
big-endian struct (frozen: files hold it):

====================  ====  ==========================================================
``DATE``               1    days since 1970-01-01: i32, or i64 when it does not fit
``LOCAL_TIME``         2    nanoseconds since midnight (i64)
``LOCAL_DATE_TIME``    3    days since 1970-01-01 (i64) + nanoseconds of the day (i64)
``DATE_TIME``          4    epoch seconds (i64) + nanoseconds (u32) + offset seconds (i32),
                            then the zone id in UTF-8 when it has one (nothing for a fixed offset)
``DURATION``           5    months (i64), days (i64), seconds (i64), nanoseconds (u32)
``TIME``               6    nanoseconds since midnight (i64) + offset seconds (i32)
====================  ====  ==========================================================

An unknown code, or a payload of the wrong size or with out-of-range fields, is a decoding
error. Engines that decode their own property blobs with ``msgpack.unpackb`` on hot paths pass
``ext_hook=serde.ext_hook`` (their errors are then msgpack's and ``ValueError``).

Decoding errors (truncated or garbled input, unknown ext codes) raise ``StorageError``: callers
decode payloads that passed a CRC check, so a failure here means a bug or an incompatible file.
"""

from __future__ import annotations

import enum
import struct
import threading
from collections.abc import Callable, Iterator
from typing import IO, Any

import msgpack

from mgcore.errors import CypherArgumentError
from mgcore.storage.errors import StorageError
from mgcore.storage.records import CommitRecord, Op
from mgcore.values.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time

__all__ = [
    "ENGINE_EXT_CODES",
    "RESERVED_EXT_CODES",
    "ExtCode",
    "Packer",
    "Unpacker",
    "ext_hook",
    "pack",
    "pack_commit_record",
    "register_ext_type",
    "registered_ext_types",
    "unpack",
    "unpack_commit_record",
]


class ExtCode(enum.IntEnum):
    """msgpack ext type codes reserved for mgcore's temporal value types."""

    DATE = 1
    LOCAL_TIME = 2
    LOCAL_DATE_TIME = 3
    DATE_TIME = 4
    DURATION = 5
    TIME = 6


RESERVED_EXT_CODES = range(0, 32)
ENGINE_EXT_CODES = range(32, 128)

_encoders: dict[type, tuple[int, Callable[[Any], bytes]]] = {}
_decoders: dict[int, Callable[[bytes], Any]] = {}


def register_ext_type(
    code: int,
    cls: type,
    encode: Callable[[Any], bytes],
    decode: Callable[[bytes], Any],
) -> None:
    """Map exactly ``cls`` (not its subclasses) to ext ``code``, so values of it round-trip."""
    if not 0 <= code <= 127:
        raise ValueError(f"ext type code {code} is outside 0..127")
    if code in _decoders:
        raise ValueError(f"ext type code {code} is already registered")
    if cls in _encoders:
        raise ValueError(f"{cls.__qualname__} already has ext type code {_encoders[cls][0]}")
    _encoders[cls] = (code, encode)
    _decoders[code] = decode


def registered_ext_types() -> dict[int, type]:
    """The registered ext codes and their classes, for diagnostics and tests."""
    return {code: cls for cls, (code, _) in _encoders.items()}


_I32 = struct.Struct(">i")
_I64 = struct.Struct(">q")
_I64_I64 = struct.Struct(">qq")
_I64_I32 = struct.Struct(">qi")
_DATETIME = struct.Struct(">qIi")
_DURATION = struct.Struct(">qqqI")
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


def _fixed(layout: struct.Struct, data: bytes) -> tuple[Any, ...]:
    """The fields of a payload that must be exactly ``layout``'s size."""
    if len(data) != layout.size:
        raise ValueError(f"ext payload of {len(data)} bytes, expected {layout.size}")
    return layout.unpack(data)


def _encode_date(v: Date) -> bytes:
    days = v.days
    return _I32.pack(days) if _INT32_MIN <= days <= _INT32_MAX else _I64.pack(days)


def _decode_date(data: bytes) -> Date:
    return Date((_I32 if len(data) == 4 else _I64).unpack(data)[0])


def _decode_datetime(data: bytes) -> DateTime:
    size = _DATETIME.size
    if len(data) < size:
        raise ValueError(f"ext payload of {len(data)} bytes, expected at least {size}")
    secs, nanos, offset = _DATETIME.unpack_from(data)
    zone = data[size:].decode("utf-8") if len(data) > size else None
    return DateTime(secs, nanos, offset, zone)


def _encode_datetime(v: DateTime) -> bytes:
    head = _DATETIME.pack(v.epoch_seconds, v.nanos, v.offset)
    return head if v.zone is None else head + v.zone.encode("utf-8")


_BUILTIN_EXT_TYPES: tuple[tuple[int, type, Callable[[Any], bytes], Callable[[bytes], Any]], ...] = (
    (ExtCode.DATE, Date, _encode_date, _decode_date),
    (ExtCode.LOCAL_TIME, LocalTime, lambda v: _I64.pack(v.nanos),
     lambda d: LocalTime(*_fixed(_I64, d))),
    (ExtCode.LOCAL_DATE_TIME, LocalDateTime, lambda v: _I64_I64.pack(v.days, v.nanos),
     lambda d: LocalDateTime(*_fixed(_I64_I64, d))),
    (ExtCode.DATE_TIME, DateTime, _encode_datetime, _decode_datetime),
    (ExtCode.DURATION, Duration,
     lambda v: _DURATION.pack(v.months, v.days, v.seconds, v.nanos),
     lambda d: Duration(*_fixed(_DURATION, d))),
    (ExtCode.TIME, Time, lambda v: _I64_I32.pack(v.nanos, v.offset),
     lambda d: Time(*_fixed(_I64_I32, d))),
)


def _checked(decode: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
    """``decode`` turning a garbled payload (bad size, fields out of range) into ValueError."""

    def run(data: bytes) -> Any:
        try:
            return decode(data)
        except (ValueError, struct.error, CypherArgumentError) as exc:
            raise ValueError(f"malformed temporal ext payload: {exc}") from exc

    return run


def _register_builtin_ext_types() -> None:
    """Register mgcore's own ext types: the temporal types (``ExtCode``)."""
    for code, cls, encode, decode in _BUILTIN_EXT_TYPES:
        register_ext_type(int(code), cls, encode, _checked(decode))


def _default(obj: Any) -> Any:
    """Called by msgpack for every object that is not exactly a builtin msgpack type."""
    cls = type(obj)
    entry = _encoders.get(cls)
    if entry is not None:
        code, encode = entry
        saved = _local.__dict__.pop("packer", None)
        try:
            return msgpack.ExtType(code, encode(obj))
        except struct.error as exc:
            raise OverflowError(f"{cls.__qualname__} {obj} has a field beyond 64 bits") from exc
        finally:
            if saved is not None:
                _local.packer = saved
    if cls is tuple:
        return list(obj)
    if cls is int:
        raise OverflowError(f"integer {obj} does not fit in 64 bits")
    raise TypeError(f"cannot serialise a value of type {cls.__module__}.{cls.__qualname__}")


def _ext_hook(code: int, data: bytes) -> Any:
    """Decode an ext type through the registry; an unknown code is an incompatible file."""
    decode = _decoders.get(code)
    if decode is None:
        raise ValueError(f"unknown msgpack ext type code {code}")
    return decode(data)


_PACK_OPTIONS: dict[str, Any] = {"default": _default, "strict_types": True, "use_bin_type": True}
ext_hook: Callable[[int, bytes], Any] = _ext_hook
"""The ``ext_hook`` for engines calling ``msgpack.unpackb`` on their own property blobs (hot
paths): ``msgpack.unpackb(blob, strict_map_key=False, ext_hook=serde.ext_hook)``."""
_DECODE_ERRORS = (ValueError, TypeError, msgpack.UnpackException)
_local = threading.local()


def pack(obj: Any) -> bytes:
    """Serialise one value; thread-safe, through a packer reused per thread (3x faster)."""
    try:
        packer = _local.packer
    except AttributeError:
        packer = _local.packer = msgpack.Packer(**_PACK_OPTIONS)
    return packer.pack(obj)


def unpack(data: bytes) -> Any:
    """Deserialise one value that ``pack`` produced; garbage raises ``StorageError``."""
    try:
        return msgpack.unpackb(
            data, ext_hook=_ext_hook, raw=False, strict_map_key=False, use_list=True
        )
    except _DECODE_ERRORS as exc:
        raise StorageError(f"cannot decode serialised value: {exc}") from exc


class Packer:
    """A reusable packer for one thread; ``pack(obj) -> bytes`` is msgpack's C method itself."""

    __slots__ = ("_packer", "pack")

    def __init__(self) -> None:
        self._packer = msgpack.Packer(**_PACK_OPTIONS)
        self.pack: Callable[[Any], bytes] = self._packer.pack


class Unpacker:
    """Streams values from a file (or from ``feed``), raising ``StorageError`` on garbage.

    msgpack stops silently at a torn tail; ``tell()`` against the input's size tells them apart,
    which is why durable files frame and checksum each record instead of relying on this.
    """

    __slots__ = ("_unpacker",)

    def __init__(self, file: IO[bytes] | None = None, *, read_size: int = 1 << 20) -> None:
        self._unpacker = msgpack.Unpacker(
            file,
            read_size=read_size,
            ext_hook=_ext_hook,
            raw=False,
            strict_map_key=False,
            use_list=True,
        )

    def feed(self, data: bytes) -> None:
        """Append bytes to decode (only without a file)."""
        self._unpacker.feed(data)

    def tell(self) -> int:
        """Bytes consumed by the values returned so far."""
        return int(self._unpacker.tell())

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        try:
            return next(self._unpacker)
        except StopIteration:
            raise
        except _DECODE_ERRORS as exc:
            raise StorageError(f"cannot decode serialised value: {exc}") from exc


_OPS: dict[int, Op] = {int(op): op for op in Op}
_OP_ARITY: dict[Op, tuple[int, ...]] = {
    Op.CREATE_NODE: (1, 3),
    Op.DELETE_NODE: (1,),
    Op.ADD_LABEL: (2,),
    Op.REMOVE_LABEL: (2,),
    Op.SET_NODE_PROPERTY: (3,),
    Op.CREATE_RELATIONSHIP: (4, 5),
    Op.DELETE_RELATIONSHIP: (1,),
    Op.SET_RELATIONSHIP_PROPERTY: (3,),
    Op.CREATE_INDEX: (2,),
    Op.DROP_INDEX: (2,),
    Op.CREATE_CONSTRAINT: (3, 4),  # + the data type of a data type constraint
    Op.DROP_CONSTRAINT: (3, 4),
}


def pack_commit_record(record: CommitRecord) -> bytes:
    """Serialise a commit record as ``[timestamp, [[op, *args], ...]]`` with ops as ints."""
    ops = [[int(op[0]), *op[1:]] for op in record.operations]
    return pack([record.timestamp, ops])


def unpack_commit_record(data: bytes) -> CommitRecord:
    """Deserialise and validate a commit record; a malformed one raises ``StorageError``."""
    obj = unpack(data)
    if not (isinstance(obj, list) and len(obj) >= 2):
        raise StorageError("malformed commit record: expected [timestamp, operations]")
    timestamp, raw_ops = obj[0], obj[1]
    if type(timestamp) is not int or not isinstance(raw_ops, list):
        raise StorageError("malformed commit record: bad timestamp or operation list")
    operations = []
    for raw in raw_ops:
        if not isinstance(raw, list) or not raw:
            raise StorageError(f"malformed commit record operation {raw!r}")
        op = _OPS.get(raw[0]) if type(raw[0]) is int else None
        if op is None:
            raise StorageError(f"unknown commit record operation code {raw[0]!r}")
        arity = _OP_ARITY.get(op)
        if arity is not None and len(raw) - 1 not in arity:
            expected = " or ".join(map(str, arity))
            raise StorageError(f"{op.name} takes {expected} arguments, got {len(raw) - 1}")
        operations.append((op, *raw[1:]))
    return CommitRecord(timestamp=timestamp, operations=tuple(operations))


_register_builtin_ext_types()
