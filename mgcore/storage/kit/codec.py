"""Order-preserving bytes codec for property values: index keys in memory and on disk.

Comparing two encodings bytewise gives openCypher orderability, the order of
``mgcore.values.compare.order_key``: ``order_key(a) < order_key(b)`` implies
``encode(a) < encode(b)``, and values with equal order keys (equivalent values: ``1``, ``1.0``;
``0.0``, ``-0.0``; two NaNs) encode to distinct byte strings that sort next to each other.
Decoding is exact: int stays int, float stays float, ``-0.0`` and NaN bits survive.

Byte layout
-----------
An encoding is a CANON part followed by a TIEBREAK part. CANON carries the order, is prefix-free
and is identical for equivalent values; TIEBREAK only tells equivalent values apart. Its length
follows from CANON (one entry per number in CANON), so CANON + TIEBREAK is prefix-free too.

CANON, by type tag (the tags ascend in the global sort order)::

    0x10 MAP       0x10 (CANON(key as STRING) CANON(value))* 0x00    entries sorted by key
    0x18 NODE, 0x20 RELATIONSHIP, 0x30 PATH                          reserved (not properties)
    0x28 LIST      0x28 CANON(element)* 0x00
    0x40 DATETIME       0x40 SECONDS:i64 NANOS:u32 OFFSET:i32 ZONE
                        ZONE: 0x00 (fixed offset) | 0x01 zone id escaped as a STRING body
    0x41 LOCALDATETIME  0x41 DAYS:i64 NANOS:u64
    0x42 DATE           0x42 DAYS:i64
    0x43 TIME           0x43 UTC_NANOS:i64 NANOS:u64
    0x44 LOCALTIME      0x44 NANOS:u64
    0x45 DURATION       0x45 APPROX_NANOS:i128 MONTHS:i64 DAYS:i64 SECONDS:i64 NANOS:u32
    0x60 STRING    0x60 UTF-8 bytes with 0x00 escaped as 0x00 0xFF, then 0x00 0x00
    0x70 false, 0x71 true
    0x80 NUMBER    0x80 IMAGE:u64 DELTA:u16
    0x81 NaN
    0xF0 NULL

Temporal fields follow the type's ``order_key`` (signed fields are stored plus 2**(width-1),
so byte order is numeric order); none has a tie-break, as ``order_key`` of a temporal is equal
exactly when the values are equal. A DateTime's zone byte is 0x00 for a fixed offset and 0x01
before a zone id, so a fixed offset sorts before every zone at the same instant and offset.

Containers end with 0x00, below every tag, so a prefix sorts first. UTF-8 byte order is code
point order (lone surrogates are kept with ``surrogatepass`` and still sort by code point).
IMAGE is the float64 nearest to the number (ints round half to even; ``-0.0`` counts as
``0.0``) with its bits made order-preserving: positives get the sign bit set, negatives are
inverted. DELTA is ``value - IMAGE`` exactly, plus 0x8000: zero except for ints beyond 2**53
(at most 1024 in magnitude within int64), so ints and floats interleave exactly.

TIEBREAK holds, for each number of CANON in order, one kind byte (0x00 int, 0x01 float,
0x02 ``-0.0``), and for each NaN its 8 raw IEEE bytes.

``encode_many`` writes CANON(v1) ... CANON(vn) 0x00 TIEBREAK(v1) ... TIEBREAK(vn): the tuple
order is lexicographic, and no tie-break in the middle can reorder later components. An index
key is ``encode_many(values)`` followed by the gid as 8 bytes big-endian. The bound helpers
return ``(lo, hi)``: scan keys with ``lo <= key < hi``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mgcore.errors import CypherArgumentError, CypherTypeError
from mgcore.values.compare import (
    RANK_BOOLEAN,
    RANK_DATE,
    RANK_DATETIME,
    RANK_LIST,
    RANK_LOCALDATETIME,
    RANK_LOCALTIME,
    RANK_MAP,
    RANK_NUMBER,
    RANK_STRING,
    RANK_TIME,
    type_rank,
)
from mgcore.values.temporal import (
    NANOS_PER_SECOND,
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Time,
)
from mgcore.values.types import INT64_MAX, INT64_MIN, type_name

TAG_END = 0x00
TAG_MAP = 0x10
TAG_NODE = 0x18
TAG_RELATIONSHIP = 0x20
TAG_LIST = 0x28
TAG_PATH = 0x30
TAG_DATETIME = 0x40
TAG_LOCALDATETIME = 0x41
TAG_DATE = 0x42
TAG_TIME = 0x43
TAG_LOCALTIME = 0x44
TAG_DURATION = 0x45
TAG_STRING = 0x60
TAG_FALSE = 0x70
TAG_TRUE = 0x71
TAG_NUMBER = 0x80
TAG_NAN = 0x81
TAG_NULL = 0xF0

KIND_INT = 0x00
KIND_FLOAT = 0x01
KIND_NEG_ZERO = 0x02

_DELTA_ZERO = 0x8000
_EXACT = 2**53
_SIGN64 = 1 << 63
_MASK64 = (1 << 64) - 1

_NUM = struct.Struct(">BQH")
_NUM_KIND = struct.Struct(">BQHB")
_INT_KEY = struct.Struct(">BQHBBQ")
_NUM_END = struct.Struct(">BQHB")
_F64 = struct.Struct(">d")
_U64 = struct.Struct(">Q")
_f64_pack = _F64.pack
_f64_unpack = _F64.unpack
_u64_pack = _U64.pack
_u64_unpack = _U64.unpack

_FALSE_BYTES = bytes([TAG_FALSE])
_TRUE_BYTES = bytes([TAG_TRUE])
_NULL_BYTES = bytes([TAG_NULL])
_END_BYTES = bytes([TAG_END])
_ZERO_IMAGE = _SIGN64

_TEMPORAL_FIELDS = struct.Struct(">BQQ")
_TEMPORAL_ONE = struct.Struct(">BQ")
_DATETIME = struct.Struct(">BQII")
_DURATION = struct.Struct(">BQQQQQI")
_SIGN32 = 1 << 31
_SIGN128 = 1 << 127
_TEMPORAL_TAGS = frozenset(
    (TAG_DATETIME, TAG_LOCALDATETIME, TAG_DATE, TAG_TIME, TAG_LOCALTIME, TAG_DURATION)
)

_FAMILY_RANGES: dict[int, tuple[bytes, bytes]] = {
    RANK_DATETIME: (bytes([TAG_DATETIME]), bytes([TAG_DATETIME + 1])),
    RANK_LOCALDATETIME: (bytes([TAG_LOCALDATETIME]), bytes([TAG_LOCALDATETIME + 1])),
    RANK_DATE: (bytes([TAG_DATE]), bytes([TAG_DATE + 1])),
    RANK_TIME: (bytes([TAG_TIME]), bytes([TAG_TIME + 1])),
    RANK_LOCALTIME: (bytes([TAG_LOCALTIME]), bytes([TAG_LOCALTIME + 1])),
    RANK_NUMBER: (bytes([TAG_NUMBER]), bytes([TAG_NUMBER + 1])),
    RANK_STRING: (bytes([TAG_STRING]), bytes([TAG_STRING + 1])),
    RANK_BOOLEAN: (bytes([TAG_FALSE]), bytes([TAG_TRUE + 1])),
    RANK_LIST: (bytes([TAG_LIST]), bytes([TAG_LIST + 1])),
    RANK_MAP: (bytes([TAG_MAP]), bytes([TAG_MAP + 1])),
}


class _Pending:
    """Placeholder for a decoded number until its tie-break byte has been read."""

    __slots__ = ("container", "delta", "image", "nan", "slot")

    def __init__(self, image: int, delta: int, nan: bool) -> None:
        self.container: Any = None
        self.slot: Any = None
        self.image = image
        self.delta = delta
        self.nan = nan


# ----------------------------------------------------------------------------------- encoding


def _float_image(f: float) -> int:
    """Order-preserving u64 image of a non-NaN float (callers map -0.0 to _ZERO_IMAGE)."""
    u: int = _u64_unpack(_f64_pack(f))[0]
    return u ^ _MASK64 if u >> 63 else u | _SIGN64


def _int_canon(v: int) -> bytes:
    """CANON of an int64 (without its tie-break byte)."""
    if -_EXACT <= v <= _EXACT:
        return _NUM.pack(TAG_NUMBER, _float_image(float(v)), _DELTA_ZERO)
    if not INT64_MIN <= v <= INT64_MAX:
        raise CypherTypeError(f"Integer value {v} exceeds 64 bits and can't be encoded.")
    f = float(v)
    return _NUM.pack(TAG_NUMBER, _float_image(f), v - int(f) + _DELTA_ZERO)


def _float_parts(v: float) -> tuple[bytes, bytes]:
    """CANON and TIEBREAK of a float."""
    if v != v:
        return bytes([TAG_NAN]), _f64_pack(v)
    if v == 0.0:
        kind = KIND_NEG_ZERO if _f64_pack(v)[0] & 0x80 else KIND_FLOAT
        return _NUM.pack(TAG_NUMBER, _ZERO_IMAGE, _DELTA_ZERO), bytes([kind])
    return _NUM.pack(TAG_NUMBER, _float_image(v), _DELTA_ZERO), bytes([KIND_FLOAT])


def _str_canon(s: str) -> bytes:
    """CANON of a string: tag, escaped UTF-8, terminator."""
    return b"\x60" + s.encode("utf-8", "surrogatepass").replace(b"\x00", b"\x00\xff") + b"\x00\x00"


def _i64(v: int) -> int:
    """A signed 64-bit field as its order-preserving unsigned image."""
    if not INT64_MIN <= v <= INT64_MAX:
        raise CypherTypeError(f"Temporal field {v} exceeds 64 bits and can't be encoded.")
    return v + _SIGN64


def _date_canon(v: Date) -> bytes:
    return _TEMPORAL_ONE.pack(TAG_DATE, _i64(v.days))


def _localtime_canon(v: LocalTime) -> bytes:
    return _TEMPORAL_ONE.pack(TAG_LOCALTIME, v.nanos)


def _time_canon(v: Time) -> bytes:
    return _TEMPORAL_FIELDS.pack(TAG_TIME, _i64(v.utc_nanos()), v.nanos)


def _localdatetime_canon(v: LocalDateTime) -> bytes:
    return _TEMPORAL_FIELDS.pack(TAG_LOCALDATETIME, _i64(v.days), v.nanos)


def _datetime_canon(v: DateTime) -> bytes:
    head = _DATETIME.pack(TAG_DATETIME, _i64(v.epoch_seconds), v.nanos, v.offset + _SIGN32)
    if v.zone is None:
        return head + _END_BYTES
    return head + b"\x01" + _str_canon(v.zone)[1:]


def _duration_canon(v: Duration) -> bytes:
    approx = v.approximate_nanos() + _SIGN128
    if not 0 <= approx < 1 << 128:
        raise CypherTypeError(f"Duration {v} is too long to be encoded.")
    return _DURATION.pack(TAG_DURATION, approx >> 64, approx & _MASK64, _i64(v.months),
                          _i64(v.days), _i64(v.seconds), v.nanos)


_TEMPORAL_CANON: dict[type, Callable[[Any], bytes]] = {
    Date: _date_canon,
    LocalTime: _localtime_canon,
    Time: _time_canon,
    LocalDateTime: _localdatetime_canon,
    DateTime: _datetime_canon,
    Duration: _duration_canon,
}
"""CANON of each temporal type (no tie-break: equal order keys mean equal values)."""


def _canon_into(v: Any, out: bytearray, tb: bytearray) -> None:
    """Append the CANON of ``v`` to ``out`` and its TIEBREAK entries to ``tb``."""
    t = type(v)
    if t is str:
        out += _str_canon(v)
    elif t is int:
        out += _int_canon(v)
        tb.append(KIND_INT)
    elif t is float:
        canon, tie = _float_parts(v)
        out += canon
        tb += tie
    elif t is bool:
        out.append(TAG_TRUE if v else TAG_FALSE)
    elif v is None:
        out.append(TAG_NULL)
    elif t is list or t is tuple:
        out.append(TAG_LIST)
        for x in v:
            _canon_into(x, out, tb)
        out.append(TAG_END)
    elif t is dict:
        _map_into(v, out, tb)
    else:
        _other_into(v, out, tb)


def _map_into(m: Mapping[Any, Any], out: bytearray, tb: bytearray) -> None:
    """Append a map: entries sorted by key."""
    out.append(TAG_MAP)
    for key in sorted(m):
        if not isinstance(key, str):
            raise CypherTypeError(f"Map keys must be strings, got {type(key).__name__}.")
        out += _str_canon(key)
        _canon_into(m[key], out, tb)
    out.append(TAG_END)


def _other_into(v: Any, out: bytearray, tb: bytearray) -> None:
    """The slow path of ``_canon_into``: temporal values and subclasses of the builtins; graph
    values are refused."""
    temporal = _TEMPORAL_CANON.get(type(v))
    if temporal is not None:
        out += temporal(v)
        return
    rank = type_rank(v)
    if rank == RANK_BOOLEAN:
        out.append(TAG_TRUE if v else TAG_FALSE)
    elif rank == RANK_NUMBER:
        _canon_into(float(v) if isinstance(v, float) else int(v), out, tb)
    elif rank == RANK_STRING:
        out += _str_canon(str(v))
    elif rank == RANK_LIST:
        _canon_into(list(v), out, tb)
    elif rank == RANK_MAP:
        _map_into(v, out, tb)
    else:
        raise CypherTypeError(f"A value of type {type_name(v)} can't be encoded as a key.")


def encode(value: Any) -> bytes:
    """The order-preserving, prefix-free encoding of one property value."""
    t = type(value)
    if t is int:
        if -_EXACT <= value <= _EXACT:
            u = _u64_unpack(_f64_pack(float(value)))[0]
            image = u ^ _MASK64 if u >> 63 else u | _SIGN64
            return _NUM_KIND.pack(TAG_NUMBER, image, _DELTA_ZERO, KIND_INT)
        return _int_canon(value) + b"\x00"
    if t is str:
        return _str_canon(value)
    if t is float:
        if value != 0.0 and value == value:
            u = _u64_unpack(_f64_pack(value))[0]
            image = u ^ _MASK64 if u >> 63 else u | _SIGN64
            return _NUM_KIND.pack(TAG_NUMBER, image, _DELTA_ZERO, KIND_FLOAT)
        canon, tie = _float_parts(value)
        return canon + tie
    if t is bool:
        return _TRUE_BYTES if value else _FALSE_BYTES
    if value is None:
        return _NULL_BYTES
    temporal = _TEMPORAL_CANON.get(t)
    if temporal is not None:
        return temporal(value)
    out = bytearray()
    tb = bytearray()
    _canon_into(value, out, tb)
    out += tb
    return bytes(out)


def encode_many(values: Sequence[Any]) -> bytes:
    """The encoding of a tuple of values (composite keys): lexicographic, prefix-free."""
    out = bytearray()
    tb = bytearray()
    for v in values:
        _canon_into(v, out, tb)
    out.append(TAG_END)
    out += tb
    return bytes(out)


def index_key(values: Sequence[Any], gid: int) -> bytes:
    """An index entry: ``encode_many(values)`` followed by ``gid`` as 8 bytes big-endian."""
    if len(values) == 1:
        v = values[0]
        t = type(v)
        if t is int and -_EXACT <= v <= _EXACT:
            u = _u64_unpack(_f64_pack(float(v)))[0]
            image = u ^ _MASK64 if u >> 63 else u | _SIGN64
            return _INT_KEY.pack(TAG_NUMBER, image, _DELTA_ZERO, TAG_END, KIND_INT, gid)
        if t is str:
            return _str_canon(v) + _END_BYTES + _u64_pack(gid)
    return encode_many(values) + _u64_pack(gid)


def key_prefix(values: Sequence[Any]) -> bytes:
    """The order-bearing prefix shared by every key whose leading values are equivalent to
    ``values`` (CANON of each, concatenated; no end marker, no tie-breaks)."""
    out = bytearray()
    tb = bytearray()
    for v in values:
        _canon_into(v, out, tb)
    return bytes(out)


# ----------------------------------------------------------------------------------- decoding


def _parse_str(data: bytes, pos: int) -> tuple[str, int]:
    """Parse an escaped string body starting at ``pos``; return it and the position after."""
    end = data.index(b"\x00", pos)
    nxt = data[end + 1]
    if nxt == 0x00:
        return data[pos:end].decode("utf-8", "surrogatepass"), end + 2
    chunks = []
    while True:
        if nxt == 0xFF:
            chunks.append(data[pos : end + 1])
        elif nxt == 0x00:
            chunks.append(data[pos:end])
            return b"".join(chunks).decode("utf-8", "surrogatepass"), end + 2
        else:
            raise ValueError(f"bad string escape at byte {end}")
        pos = end + 2
        end = data.index(b"\x00", pos)
        nxt = data[end + 1]


def _s64(image: int) -> int:
    return image - _SIGN64


def _parse_temporal(data: bytes, pos: int) -> tuple[Any, int]:
    """Parse the temporal CANON whose tag is at ``pos``; return it and the position after."""
    tag = data[pos]
    try:
        if tag == TAG_DATE:
            return Date(_s64(_TEMPORAL_ONE.unpack_from(data, pos)[1])), pos + 9
        if tag == TAG_LOCALTIME:
            return LocalTime(_TEMPORAL_ONE.unpack_from(data, pos)[1]), pos + 9
        if tag == TAG_TIME:
            _, utc, nanos = _TEMPORAL_FIELDS.unpack_from(data, pos)
            offset, rest = divmod(nanos - _s64(utc), NANOS_PER_SECOND)
            if rest:
                raise ValueError(f"bad time offset at byte {pos}")
            return Time(nanos, offset), pos + 17
        if tag == TAG_LOCALDATETIME:
            _, days, nanos = _TEMPORAL_FIELDS.unpack_from(data, pos)
            return LocalDateTime(_s64(days), nanos), pos + 17
        if tag == TAG_DATETIME:
            return _parse_datetime(data, pos)
        return _parse_duration(data, pos)
    except CypherArgumentError as exc:
        raise ValueError(f"bad temporal value at byte {pos}: {exc}") from exc


def _parse_datetime(data: bytes, pos: int) -> tuple[DateTime, int]:
    _, secs, nanos, offset = _DATETIME.unpack_from(data, pos)
    pos += _DATETIME.size
    marker = data[pos]
    zone: str | None = None
    if marker == 0x01:
        zone, pos = _parse_str(data, pos + 1)
    elif marker != 0x00:
        raise ValueError(f"bad zone marker at byte {pos}")
    else:
        pos += 1
    return DateTime(_s64(secs), nanos, offset - _SIGN32, zone), pos


def _parse_duration(data: bytes, pos: int) -> tuple[Duration, int]:
    _, high, low, months, days, secs, nanos = _DURATION.unpack_from(data, pos)
    if nanos >= NANOS_PER_SECOND:
        raise ValueError(f"bad duration nanoseconds at byte {pos}")
    d = Duration(_s64(months), _s64(days), _s64(secs), nanos)
    if d.approximate_nanos() != (high << 64 | low) - _SIGN128:
        raise ValueError(f"inconsistent duration at byte {pos}")
    return d, pos + _DURATION.size


def _parse(data: bytes, pos: int, pending: list[_Pending]) -> tuple[Any, int]:
    """Parse one CANON at ``pos``; numbers come back as ``_Pending`` (also added to
    ``pending``), to be resolved once the tie-break part is reached."""
    tag = data[pos]
    pos += 1
    if tag == TAG_STRING:
        return _parse_str(data, pos)
    if tag == TAG_NUMBER:
        _, image, delta = _NUM.unpack_from(data, pos - 1)
        p = _Pending(image, delta - _DELTA_ZERO, False)
        pending.append(p)
        return p, pos + 10
    if tag == TAG_FALSE:
        return False, pos
    if tag == TAG_TRUE:
        return True, pos
    if tag == TAG_NULL:
        return None, pos
    if tag == TAG_NAN:
        p = _Pending(0, 0, True)
        pending.append(p)
        return p, pos
    if tag == TAG_LIST:
        items: list[Any] = []
        while data[pos] != TAG_END:
            x, pos = _parse(data, pos, pending)
            if type(x) is _Pending:
                x.container = items
                x.slot = len(items)
            items.append(x)
        return items, pos + 1
    if tag == TAG_MAP:
        entries: dict[str, Any] = {}
        while data[pos] != TAG_END:
            if data[pos] != TAG_STRING:
                raise ValueError(f"map key expected at byte {pos}")
            key, pos = _parse_str(data, pos + 1)
            x, pos = _parse(data, pos, pending)
            if type(x) is _Pending:
                x.container = entries
                x.slot = key
            entries[key] = x
        return entries, pos + 1
    if tag in _TEMPORAL_TAGS:
        return _parse_temporal(data, pos - 1)
    raise ValueError(f"unknown type tag 0x{tag:02x} at byte {pos - 1}")


def _resolve(data: bytes, pos: int, pending: list[_Pending]) -> tuple[list[Any], int]:
    """Read the tie-break entries at ``pos`` and turn each pending number into its value,
    storing it into its container; return the values and the position after."""
    values = []
    for p in pending:
        if p.nan:
            value: Any = _f64_unpack(data[pos : pos + 8])[0]
            if value == value:
                raise ValueError(f"bad NaN tie-break at byte {pos}")
            pos += 8
        else:
            kind = data[pos]
            pos += 1
            image = p.image
            bits = image ^ _SIGN64 if image >> 63 else image ^ _MASK64
            f = _f64_unpack(_u64_pack(bits))[0]
            if kind == KIND_INT:
                value = int(f) + p.delta
            elif kind == KIND_FLOAT and p.delta == 0:
                value = f
            elif kind == KIND_NEG_ZERO and f == 0.0:
                value = -0.0
            else:
                raise ValueError(f"bad number tie-break at byte {pos - 1}")
        if p.container is not None:
            p.container[p.slot] = value
        values.append(value)
    return values, pos


def _decode_at(data: bytes, pos: int, count: int | None) -> tuple[list[Any], int]:
    """Decode ``count`` values (or up to the end marker when ``None``) with their tie-breaks."""
    pending: list[_Pending] = []
    out: list[Any] = []
    while (len(out) < count) if count is not None else data[pos] != TAG_END:
        x, pos = _parse(data, pos, pending)
        if type(x) is _Pending:
            x.container = out
            x.slot = len(out)
        out.append(x)
    if count is None:
        pos += 1
    _, pos = _resolve(data, pos, pending)
    return out, pos


def decode(data: bytes) -> Any:
    """The value ``encode`` turned into ``data``; raises ``ValueError`` on malformed input."""
    data = bytes(data)
    if len(data) == 12 and data[0] == TAG_NUMBER and data[11] == KIND_INT:
        _, image, delta, _ = _NUM_KIND.unpack(data)
        bits = image ^ _SIGN64 if image >> 63 else image ^ _MASK64
        return int(_f64_unpack(_u64_pack(bits))[0]) + delta - _DELTA_ZERO
    try:
        values, pos = _decode_at(data, 0, 1)
    except (IndexError, struct.error, UnicodeDecodeError) as exc:
        raise ValueError(f"malformed encoding: {exc}") from exc
    if pos != len(data):
        raise ValueError(f"{len(data) - pos} trailing bytes after the encoded value")
    return values[0]


def decode_many(data: bytes) -> list[Any]:
    """The values ``encode_many`` turned into ``data``."""
    data = bytes(data)
    try:
        values, pos = _decode_at(data, 0, None)
    except (IndexError, struct.error, UnicodeDecodeError) as exc:
        raise ValueError(f"malformed encoding: {exc}") from exc
    if pos != len(data):
        raise ValueError(f"{len(data) - pos} trailing bytes after the encoded values")
    return values


def split_index_key(key: bytes) -> tuple[list[Any], int]:
    """The values and gid of an ``index_key``."""
    if len(key) < 9:
        raise ValueError("an index key has at least 9 bytes")
    return decode_many(key[:-8]), _u64_unpack(key[-8:])[0]


# ----------------------------------------------------------------------------- seek bounds


def prefix_successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with ``prefix``; ``None``
    when there is none (``prefix`` is empty or all 0xFF)."""
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes([stripped[-1] + 1])


def _successor(prefix: bytes) -> bytes:
    """``prefix_successor`` of a non-empty key prefix (it starts with a tag below 0xFF)."""
    hi = prefix_successor(prefix)
    if hi is None:
        raise ValueError("a key prefix needs at least one value")
    return hi


def prefix_bounds(values: Sequence[Any]) -> tuple[bytes, bytes]:
    """Bounds of the keys whose leading values are *equivalent* to ``values`` (grouping
    semantics: ``1`` matches ``1.0``, NaN matches NaN, null matches null)."""
    lo = key_prefix(values)
    return lo, _successor(lo)


def _never_equal(v: Any) -> bool:
    """True when ``v = x`` can never be true: ``v`` is or contains null or NaN."""
    t = type(v)
    if t is int or t is str or t is bool:
        return False
    if v is None:
        return True
    if t is float:
        return v != v
    if isinstance(v, list | tuple):
        return any(_never_equal(x) for x in v)
    if isinstance(v, Mapping):
        return any(_never_equal(x) for x in v.values())
    if isinstance(v, float):
        return v != v
    return False


def equality_bounds(values: Sequence[Any]) -> tuple[bytes, bytes] | None:
    """Bounds of the keys whose leading values are *equal* (Cypher ``=``) to ``values``;
    ``None`` when nothing can be equal (a value is or contains null or NaN)."""
    if any(_never_equal(v) for v in values):
        return None
    return prefix_bounds(values)


def equality_prefix(values: Sequence[Any]) -> bytes | None:
    """The key prefix shared by exactly the keys whose leading values are *equal* (Cypher
    ``=``) to ``values``: ``equality_bounds(values)[0]``, and a key lies within the bounds iff
    it starts with it (CANON is prefix-free). ``None`` when nothing can be equal. A point seek
    bisects once to it and reads keys while they start with it, without building both bounds;
    one int or string takes a fast path."""
    if len(values) == 1:
        v = values[0]
        t = type(v)
        if t is int and -_EXACT <= v <= _EXACT:
            u = _u64_unpack(_f64_pack(float(v)))[0]
            return _NUM.pack(TAG_NUMBER, u ^ _MASK64 if u >> 63 else u | _SIGN64, _DELTA_ZERO)
        if t is str:
            return _str_canon(v)
    if any(_never_equal(v) for v in values):
        return None
    return key_prefix(values)


def point_part(value: Any) -> bytes | None:
    """For a string, boolean or number: the bytes that begin exactly the one-value index keys
    whose value equals it under Cypher equality (its CANON and the end marker, so ``1`` and
    ``1.0`` share it), the key of a point table; ``b""`` for NaN (equal to nothing); ``None``
    for other values."""
    t = type(value)
    if t is int and -_EXACT <= value <= _EXACT:
        u = _u64_unpack(_f64_pack(float(value)))[0]
        return _NUM_END.pack(TAG_NUMBER, u ^ _MASK64 if u >> 63 else u | _SIGN64, _DELTA_ZERO,
                             TAG_END)
    if t is str:
        return _str_canon(value) + _END_BYTES
    if t is int or t is float or t is bool:
        if value != value:
            return b""
        if t is int and not -(2**63) <= value < 2**63:
            return None
        return key_prefix((value,)) + _END_BYTES
    return None


def key_point_part(key: bytes) -> bytes | None:
    """``point_part`` of the value of a one-value index key (``index_key((v,), gid)``): the
    key without its gid and, for a number, without its one tie-break byte; ``None`` when the
    value is not a string, boolean or number (or is NaN)."""
    tag = key[0]
    if tag == TAG_NUMBER:
        return key[:-9]
    if tag in (TAG_STRING, TAG_TRUE, TAG_FALSE):
        return key[:-8]
    return None


def _family(v: Any) -> int:
    """The comparability family of a range bound (numbers, strings, booleans, lists, maps,
    each temporal type but Duration)."""
    rank = type_rank(v)
    if rank not in _FAMILY_RANGES:
        raise CypherTypeError(f"A value of type {type_name(v)} can't bound an index range.")
    return rank


def range_bounds(
    lower: Any = None,
    lower_inclusive: bool = True,
    upper: Any = None,
    upper_inclusive: bool = True,
    leading: Sequence[Any] = (),
) -> tuple[bytes, bytes] | None:
    """Bounds of the keys whose value (after the ``leading`` values, matched by equivalence)
    lies in the range; a ``None`` bound is open up to the end of the other bound's type family,
    so ``x > 5`` never reaches strings or NaN, and ``d > date(...)`` only dates. Returns
    ``None`` for an empty range (a NaN or Duration bound, as ``<`` between durations is null;
    bounds of different families, lower above upper).

    The range is exact for numbers, strings, booleans and temporal values. For lists and maps
    it is the range under orderability, a superset of what ``<`` accepts (elements that are
    null or NaN make ``<`` null or false): re-check the predicate on the rows a list or map
    range returns.
    The arguments mirror ``mgcore.storage.PropertyRange``."""
    if lower is None and upper is None:
        raise ValueError("range_bounds needs a lower or an upper bound")
    for bound in (lower, upper):
        if (type(bound) is float and bound != bound) or type(bound) is Duration:
            return None
    family = _family(lower) if lower is not None else _family(upper)
    if lower is not None and upper is not None and _family(upper) != family:
        return None
    lead = key_prefix(leading)
    start, stop = _FAMILY_RANGES[family]
    if lower is None:
        lo = lead + start
    else:
        lo = lead + key_prefix((lower,))
        if not lower_inclusive:
            lo = _successor(lo)
    if upper is None:
        hi = lead + stop
    else:
        hi = lead + key_prefix((upper,))
        if upper_inclusive:
            hi = _successor(hi)
    if lo >= hi:
        return None
    return lo, hi


def string_prefix_bounds(prefix: str, leading: Sequence[Any] = ()) -> tuple[bytes, bytes]:
    """Bounds of the keys whose string value (after ``leading``) starts with ``prefix``
    (``STARTS WITH``)."""
    body = prefix.encode("utf-8", "surrogatepass").replace(b"\x00", b"\x00\xff")
    lo = key_prefix(leading) + b"\x60" + body
    return lo, _successor(lo)
