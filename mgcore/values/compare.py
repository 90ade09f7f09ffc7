"""openCypher equality, comparability, orderability and equivalence of Python Cypher values.

The four notions of the openCypher CIP2016-06-14 (as the TCK checks them):

* **Equality** (``=``, ``<>``, ``IN``): ``equals``, ``not_equals``, ``in_list``. Ternary: ``None``
  when a ``null`` decides the outcome. ``1 = 1.0`` is true, ``NaN = NaN`` is false, a boolean
  never equals a number, values of different types are unequal (false, not null). Lists and
  maps are equal by shape (length, key set) *and* the ternary conjunction of their elements:
  ``[1, null] = [1, 2]`` is null, ``[1, 2] = [1, null, 3]`` is false.
* **Comparability** (``<``, ``<=``, ``>``, ``>=``): ``compare`` and the four predicates
  ``less_than``, ``less_equal``, ``greater_than``, ``greater_equal``. Only values of the same
  type family compare (numbers with numbers, exactly, even ints beyond 2**53 against floats);
  anything else, or a ``null`` deciding the outcome, gives ``None``. Any comparison involving
  ``NaN`` with another number is *false* (not null), so ``compare`` has a fourth outcome,
  ``UNORDERED``, for which all four predicates are false. Lists compare lexicographically
  (the first pair that is not equal decides, a missing element is smaller); maps compare by
  their entries sorted by key, and are incomparable when either holds a ``null`` value; nodes
  and relationships compare by id, paths as their alternating list of element ids.
* **Orderability** (``ORDER BY``, ``min``/``max``): ``order_key``, a key for ``sorted`` giving
  the global order MAP < NODE < RELATIONSHIP < LIST < PATH < (temporal types) < STRING <
  BOOLEAN < NUMBER < NaN < NULL. Within a type it agrees with ``compare``; containers order
  their elements by orderability. ``mgcore.storage.kit.codec`` encodes the same order in bytes.
* **Equivalence** (``DISTINCT``, grouping keys, ``UNION``, ``collect(DISTINCT ...)``):
  ``equivalence_key``, hashable, equal exactly when the two values have equal ``order_key``:
  equality except that null is equivalent to null and NaN to NaN, also inside containers.

Memgraph itself raises on ``<`` between booleans, lists or maps and on ORDER BY over mixed
types; mgcore follows openCypher here (design/memgraph.md section 4 and the brief of the
kernel), so an evaluator that wants Memgraph's errors must raise them before calling in.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from mgcore.errors import CypherTypeError
from mgcore.values.graph import Node, NodeHandle, Path, Relationship, RelationshipHandle
from mgcore.values.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time
from mgcore.values.temporal import compare as _temporal_compare

# Ranks of the global sort order (ascending). order_key starts with them, the codec's type tags
# follow the same order. The temporal types order among themselves by their own order_key();
# Cypher's < between them goes through mgcore.values.temporal.compare (durations: null).
RANK_MAP = 1
RANK_NODE = 2
RANK_RELATIONSHIP = 3
RANK_LIST = 4
RANK_PATH = 5
RANK_DATETIME = 6
RANK_LOCALDATETIME = 7
RANK_DATE = 8
RANK_TIME = 9
RANK_LOCALTIME = 10
RANK_DURATION = 11
RANK_STRING = 12
RANK_BOOLEAN = 13
RANK_NUMBER = 14
RANK_NAN = 15
RANK_NULL = 16

LT = -1
EQ = 0
GT = 1
UNORDERED = 2
"""``compare`` outcome when a NaN meets a number: ``<``, ``<=``, ``>``, ``>=`` and ``=`` are
all false."""

_RANKS: dict[type, int] = {
    type(None): RANK_NULL,
    bool: RANK_BOOLEAN,
    int: RANK_NUMBER,
    float: RANK_NUMBER,
    str: RANK_STRING,
    list: RANK_LIST,
    tuple: RANK_LIST,
    dict: RANK_MAP,
    Node: RANK_NODE,
    Relationship: RANK_RELATIONSHIP,
    Path: RANK_PATH,
    DateTime: RANK_DATETIME,
    LocalDateTime: RANK_LOCALDATETIME,
    Date: RANK_DATE,
    Time: RANK_TIME,
    LocalTime: RANK_LOCALTIME,
    Duration: RANK_DURATION,
}
_TEMPORAL_RANKS = frozenset(range(RANK_DATETIME, RANK_DURATION + 1))

_NULL_KEY = (RANK_NULL,)
_NAN_KEY = (RANK_NAN,)
_FALSE_KEY = (RANK_BOOLEAN, False)
_TRUE_KEY = (RANK_BOOLEAN, True)


def type_rank(v: Any) -> int:
    """The rank of ``v``'s type in the global sort order (NaN ranks as a number here)."""
    rank = _RANKS.get(type(v))
    if rank is not None:
        return rank
    if isinstance(v, NodeHandle):
        return RANK_NODE
    if isinstance(v, RelationshipHandle):
        return RANK_RELATIONSHIP
    if isinstance(v, int | float):
        return RANK_NUMBER
    if isinstance(v, str):
        return RANK_STRING
    if isinstance(v, list | tuple):
        return RANK_LIST
    if isinstance(v, Mapping):
        return RANK_MAP
    raise CypherTypeError(f"Unsupported value of Python type {type(v).__name__}.")


def _entity_id(v: Any) -> int:
    """The id of a node or relationship, as a result value (``id``) or a handle (``gid``)."""
    return v.id if isinstance(v, Node | Relationship) else v.gid


def _path_ids(p: Path) -> tuple[int, ...]:
    """A path as the ids of its alternating nodes and relationships."""
    ids = [_entity_id(p.nodes[0])]
    for rel, node in zip(p.relationships, p.nodes[1:], strict=True):
        ids.append(_entity_id(rel))
        ids.append(_entity_id(node))
    return tuple(ids)


def _conjunction(results: Iterable[bool | None]) -> bool | None:
    """Ternary AND: false wins, then null, else true."""
    saw_null = False
    for r in results:
        if r is False:
            return False
        if r is None:
            saw_null = True
    return None if saw_null else True


# ----------------------------------------------------------------------------------- equality


def equals(a: Any, b: Any) -> bool | None:
    """Cypher ``a = b``: ``True``, ``False`` or ``None`` (null)."""
    ta = type(a)
    if ta is type(b) and (ta is int or ta is str or ta is float or ta is bool):
        return a == b
    if a is None or b is None:
        return None
    return _equals_slow(a, b)


def _equals_slow(a: Any, b: Any) -> bool | None:
    """``equals`` for mixed types and containers."""
    ra = type_rank(a)
    if ra != type_rank(b):
        return False
    if ra in (RANK_NUMBER, RANK_STRING, RANK_BOOLEAN):
        return bool(a == b)
    if ra == RANK_LIST:
        if len(a) != len(b):
            return False
        return _conjunction(equals(x, y) for x, y in zip(a, b, strict=True))
    if ra == RANK_MAP:
        if a.keys() != b.keys():
            return False
        return _conjunction(equals(a[k], b[k]) for k in a)
    if ra in (RANK_NODE, RANK_RELATIONSHIP):
        return _entity_id(a) == _entity_id(b)
    if ra == RANK_PATH:
        return _path_ids(a) == _path_ids(b)
    if ra in _TEMPORAL_RANKS:
        return bool(a == b)
    raise CypherTypeError(f"Equality is not defined for {type(a).__name__}.")


def not_equals(a: Any, b: Any) -> bool | None:
    """Cypher ``a <> b``: the negation of ``equals`` (null stays null)."""
    r = equals(a, b)
    return None if r is None else not r


def in_list(x: Any, items: Iterable[Any]) -> bool | None:
    """Cypher ``x IN items``: true if some element equals ``x``, else null if some comparison
    was null, else false (``null IN []`` is false)."""
    saw_null = False
    for item in items:
        r = equals(x, item)
        if r:
            return True
        if r is None:
            saw_null = True
    return None if saw_null else False


# ------------------------------------------------------------------------------ comparability


def compare(a: Any, b: Any) -> int | None:
    """Three-way comparison for ``<``-family operators: ``LT``, ``EQ``, ``GT``, ``UNORDERED``
    (NaN against a number) or ``None`` (incomparable types, or a null decides)."""
    ta = type(a)
    if ta is type(b) and (ta is int or ta is str):
        return (a > b) - (a < b)
    if a is None or b is None:
        return None
    return _compare_slow(a, b)


def _compare_slow(a: Any, b: Any) -> int | None:
    """``compare`` for floats, mixed types and containers."""
    ra = type_rank(a)
    if ra != type_rank(b):
        return None
    if ra == RANK_NUMBER:
        if a != a or b != b:
            return UNORDERED
        return (a > b) - (a < b)
    if ra in (RANK_STRING, RANK_BOOLEAN):
        return (a > b) - (a < b)
    if ra == RANK_LIST:
        for x, y in zip(a, b, strict=False):
            c = compare(x, y)
            if c != EQ:
                return c
        return (len(a) > len(b)) - (len(a) < len(b))
    if ra == RANK_MAP:
        if None in a.values() or None in b.values():
            return None
        ka = sorted(a)
        kb = sorted(b)
        for x, y in zip(ka, kb, strict=False):
            if x != y:
                return LT if x < y else GT
            c = compare(a[x], b[y])
            if c != EQ:
                return c
        return (len(ka) > len(kb)) - (len(ka) < len(kb))
    if ra in (RANK_NODE, RANK_RELATIONSHIP):
        ia, ib = _entity_id(a), _entity_id(b)
        return (ia > ib) - (ia < ib)
    if ra == RANK_PATH:
        pa, pb = _path_ids(a), _path_ids(b)
        return (pa > pb) - (pa < pb)
    if ra in _TEMPORAL_RANKS:
        return _temporal_compare(a, b)
    raise CypherTypeError(f"Comparison is not defined for {type(a).__name__}.")


def _is_number(v: Any) -> bool:
    """True for int and float but not bool (the exact-type fast path of the predicates)."""
    t = type(v)
    return t is int or t is float


def less_than(a: Any, b: Any) -> bool | None:
    """Cypher ``a < b``."""
    if (_is_number(a) and _is_number(b)) or (type(a) is str and type(b) is str):
        return a < b
    c = compare(a, b)
    return None if c is None else c == LT


def less_equal(a: Any, b: Any) -> bool | None:
    """Cypher ``a <= b``."""
    if (_is_number(a) and _is_number(b)) or (type(a) is str and type(b) is str):
        return a <= b
    c = compare(a, b)
    return None if c is None else c in (LT, EQ)


def greater_than(a: Any, b: Any) -> bool | None:
    """Cypher ``a > b``."""
    if (_is_number(a) and _is_number(b)) or (type(a) is str and type(b) is str):
        return a > b
    c = compare(a, b)
    return None if c is None else c == GT


def greater_equal(a: Any, b: Any) -> bool | None:
    """Cypher ``a >= b``."""
    if (_is_number(a) and _is_number(b)) or (type(a) is str and type(b) is str):
        return a >= b
    c = compare(a, b)
    return None if c is None else c in (GT, EQ)


# ------------------------------------------------------------------------------- orderability


def order_key(v: Any) -> tuple[Any, ...]:
    """A ``sorted()`` key giving openCypher's global sort order (ascending; nulls last).

    Keys are tuples starting with the type rank; numbers are ``(RANK_NUMBER, v)`` so ints and
    floats interleave exactly and ``-0.0`` ties with ``0`` and ``0.0``; NaN and null are
    constant keys. Keys of equivalent values are equal (and hash alike)."""
    t = type(v)
    if t is int or t is str:
        return (RANK_NUMBER if t is int else RANK_STRING, v)
    if t is float:
        return (RANK_NUMBER, v) if v == v else _NAN_KEY
    if v is None:
        return _NULL_KEY
    if t is bool:
        return _TRUE_KEY if v else _FALSE_KEY
    return _order_key_slow(v)


def _order_key_slow(v: Any) -> tuple[Any, ...]:
    """``order_key`` for containers, graph values and subclasses of the builtins."""
    rank = type_rank(v)
    if rank == RANK_LIST:
        return (RANK_LIST, tuple([order_key(x) for x in v]))
    if rank == RANK_MAP:
        return (RANK_MAP, tuple([(k, order_key(v[k])) for k in sorted(v)]))
    if rank in (RANK_NODE, RANK_RELATIONSHIP):
        return (rank, _entity_id(v))
    if rank == RANK_PATH:
        return (RANK_PATH, _path_ids(v))
    if rank == RANK_NUMBER:
        return (RANK_NUMBER, v) if v == v else _NAN_KEY
    if rank == RANK_STRING:
        return (RANK_STRING, str(v))
    if rank in _TEMPORAL_RANKS:
        return (rank, v.order_key())
    raise CypherTypeError(f"Ordering is not defined for {type(v).__name__}.")


# -------------------------------------------------------------------------------- equivalence


class _Marker:
    """A unique, hashable tag inside equivalence keys (never equal to any value)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


_NAN = _Marker("NaN")
_TRUE = _Marker("true")
_FALSE = _Marker("false")
_LIST = _Marker("list")
_MAP = _Marker("map")
_NODE = _Marker("node")
_RELATIONSHIP = _Marker("relationship")
_PATH = _Marker("path")


def equivalence_key(v: Any) -> Hashable:
    """A hashable key, equal for two values exactly when they are equivalent (DISTINCT,
    grouping): null ~ null, NaN ~ NaN, ``1 ~ 1.0``, containers structurally."""
    t = type(v)
    if t is int or t is str or v is None:
        return v
    if t is float:
        return v if v == v else _NAN
    if t is bool:
        return _TRUE if v else _FALSE
    return _equivalence_slow(v)


def _equivalence_slow(v: Any) -> Hashable:
    """``equivalence_key`` for containers, graph values and subclasses of the builtins."""
    rank = type_rank(v)
    if rank == RANK_LIST:
        return (_LIST, tuple([equivalence_key(x) for x in v]))
    if rank == RANK_MAP:
        return (_MAP, frozenset([(k, equivalence_key(x)) for k, x in v.items()]))
    if rank == RANK_NODE:
        return (_NODE, _entity_id(v))
    if rank == RANK_RELATIONSHIP:
        return (_RELATIONSHIP, _entity_id(v))
    if rank == RANK_PATH:
        return (_PATH, _path_ids(v))
    if rank == RANK_NUMBER:
        return equivalence_key(float(v) if isinstance(v, float) else int(v))
    if rank == RANK_STRING:
        return str(v)
    if rank in _TEMPORAL_RANKS:
        return (rank, v.order_key())
    raise CypherTypeError(f"Equivalence is not defined for {type(v).__name__}.")


def equivalent(a: Any, b: Any) -> bool:
    """True when ``a`` and ``b`` are equivalent (the same group under DISTINCT)."""
    return equivalence_key(a) == equivalence_key(b)
