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
types, 32-127 are free for engines (``register_ext_type``). The temporal types of a later issue
use the codes of ``ExtCode``; to add one, call ``register_ext_type`` for it in
``_register_builtin_ext_types`` below. Nothing else in the kit changes. Each payload is a
fixed-layout big-endian struct (the layout is fixed by that issue, then frozen):

====================  ====  ==========================================================
``DATE``               1    days since 1970-01-01 (i32 or i64)
``LOCAL_TIME``         2    nanoseconds since midnight (i64)
``LOCAL_DATE_TIME``    3    seconds since the epoch (i64) + nanoseconds (u32)
``DATE_TIME``          4    as LOCAL_DATE_TIME in UTC + offset seconds (i32) + zone name
``DURATION``           5    months (i64), days (i64), seconds (i64), nanoseconds (i32)
====================  ====  ==========================================================

Decoding errors (truncated or garbled input, unknown ext codes) raise ``StorageError``: callers
decode payloads that passed a CRC check, so a failure here means a bug or an incompatible file.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterator
from typing import IO, Any

import msgpack

from mgcore.storage.errors import StorageError
from mgcore.storage.records import CommitRecord, Op

__all__ = [
    "ENGINE_EXT_CODES",
    "RESERVED_EXT_CODES",
    "ExtCode",
    "Packer",
    "Unpacker",
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


def _register_builtin_ext_types() -> None:
    """Registration point for mgcore's own ext types (the temporal types, ``ExtCode``)."""


def _default(obj: Any) -> Any:
    """Called by msgpack for every object that is not exactly a builtin msgpack type."""
    cls = type(obj)
    entry = _encoders.get(cls)
    if entry is not None:
        code, encode = entry
        saved = _local.__dict__.pop("packer", None)
        try:
            return msgpack.ExtType(code, encode(obj))
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
    Op.CREATE_CONSTRAINT: (3,),
    Op.DROP_CONSTRAINT: (3,),
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
