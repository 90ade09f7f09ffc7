"""Label and label+property indexes of IN_MEMORY_TRANSACTIONAL, and their garbage collection.

Entries form a *superset* of what any transaction can see, as in Memgraph's storage v2:

* a label index maps a label to the gids of the vertices that may carry it (a ``set``);
* a label+property index (one or more properties) is a ``KeyList`` (sorted sublists) of codec keys
  ``index_key(values, gid)`` (``mgcore.storage.kit.codec``), one per distinct (values, vertex)
  pair that some version of the vertex has; composite indexes only hold vertices having every
  property.

Writers add entries under the engine's write latch *before* they install the new version, for
uncommitted versions too (``on_new_vertex``, ``on_add_label``, ``on_set_property``); removing a
label or a property, deleting a vertex or rolling back adds nothing. So for every version that
any transaction may see there is an entry, and a seek must verify every candidate against the
version the reading transaction sees (``InMemoryTransaction._verified``): a vertex with several
historical entries is yielded once, for the entry whose key equals its visible value's key.

Garbage collection removes an entry when no version any active transaction can see produces it.
The versions an active transaction can see are the newest fields and those rebuilt by undoing
the deltas left in the chain (``_versions``), except what undoing a rolled-back delta restores:
nobody sees that version again. Versions only become unreachable in two ways, and both name
their vertices, so nothing ever scans a whole index:

1. Delta release cuts a chain (``engine._release_locked``): the versions undone by the cut
   segment are the candidates (``release_cuts``; one committed property write is a fast path).
2. Rollback drops every version the transaction wrote. Each writer logs the entries its
   versions produce (``LogItem``): those it added go at once, those that were already there
   stay if a remaining version still produces them (``rollback``). No decoding for the common
   case. An index created while the transaction ran is missing from its log; then the versions
   its deltas undo are collected before the undo instead (``dirty``, ``drop_unreachable``).

A one-property index also keeps a point table (``PropertyIndex.points``) for integer, string
and float values: the value itself (Python's ``==`` and ``hash`` on these types are Cypher
equality, so ``1`` and ``1.0`` share a slot) maps to the vertex of the only entry with an equal
value, or to ``MANY``. An equality seek of such a value probes the table once and reaches the
vertex without building or bisecting keys, the larger part of a point lookup in a big index; it
uses the ``KeyList`` for ``MANY`` and for other values (booleans, lists, ...). It costs a dict
slot per distinct value (and the value object, where the int or string is not shared);
``add``/``discard``/``load`` keep it in step under the latch, and a reader racing a writer finds
at worst what the ``KeyList`` would have shown it a moment earlier or later.

Readers take no lock except to copy a bounded batch of keys out of a ``KeyList`` (it is not
safe to iterate during a concurrent insertion) and re-bisect after the batch's last key; a label
index is copied with ``list()``, atomic under the GIL. Under snapshot isolation a seek is exact:
every version the reader sees was written, with its entry, before the reader began, and no entry
it needs is collected while it runs. Under READ COMMITTED a vertex whose value another
transaction changes and commits while the seek runs may be missed (its new entry can land behind
the seek's position and its old one no longer verifies), as a scan may see either value.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any

import msgpack

from mgcore.storage.kit import serde
from mgcore.storage.kit.codec import index_key, key_point_part, split_index_key
from mgcore.storage.records import IndexInfo, IndexSpec, IndexStatistics
from mgcore_engine_in_memory_tx.objects import (
    ABORTED,
    ADD_LABEL,
    DELETE_OBJECT,
    DELETED,
    RECREATE_OBJECT,
    REMOVE_LABEL,
    SET_PROPERTY,
    CommitInfo,
    Delta,
    Vertex,
)

if TYPE_CHECKING:
    import threading

    from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine

_unpackb = msgpack.unpackb
_ext_hook = serde.ext_hook

BATCH = 1024
"""Keys copied out of a label+property index per latch acquisition during a seek."""

Version = tuple[tuple[str, ...], Any]
"""(labels, props blob or None) of one existing version of a vertex."""
Entry = tuple[Any, Any]
"""``(label, gid)`` of a label index or ``(PropertyIndex, key)`` of a label+property index."""
LogItem = tuple[Any, Any, Any]
"""What a writer records per index entry its version produces: ``(target, key, vertex)``, the
target a label index's gid set or a ``PropertyIndex``; ``vertex`` is None when the writer added
the entry (nothing produced it before), the vertex when the entry was already there."""

_PLAIN = frozenset((int, str, bool))
"""Types whose equal values always have equal keys (unlike floats: ``0.0 = -0.0``, and
containers: ``[1] = [1.0]``)."""

_LOAD = 512
"""Sublist size of ``KeyList`` (sublists hold ``_LOAD`` to ``2 * _LOAD`` keys)."""


def _value_shared(key: bytes, prev: bytes | None, nxt: bytes | None) -> int:
    """1 when a neighbour of ``key`` in the list, ``prev`` or ``nxt``, has the same value part
    (the key minus its 8-byte gid), else 2."""
    n = len(key)
    value = key[:-8]
    if prev is not None and len(prev) == n and prev.startswith(value):
        return 1
    if nxt is not None and len(nxt) == n and nxt.startswith(value):
        return 1
    return 2


class KeyList:
    """Sorted, duplicate-free index keys: a list of sorted sublists and their maxima (the layout
    of sortedcontainers' ``SortedList`` without its positional index), with the operations the
    index needs done in one call each: insertion and removal report whether the key's value part
    (the key minus its 8-byte gid) is new or gone, so distinct values cost two neighbour loads;
    a seek copies a bounded run of keys. Not safe to read during a mutation: mutators hold the
    engine's latch and readers copy under it."""

    __slots__ = ("lists", "maxes", "size")

    def __init__(self, keys: Iterable[bytes] = ()) -> None:
        ordered = sorted(set(keys))
        self.lists: list[list[bytes]] = [
            ordered[i : i + _LOAD] for i in range(0, len(ordered), _LOAD)
        ]
        self.maxes: list[bytes] = [sub[-1] for sub in self.lists]
        self.size = len(ordered)

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[bytes]:
        return chain.from_iterable(self.lists)

    def __contains__(self, key: bytes) -> bool:
        maxes = self.maxes
        pos = bisect_left(maxes, key)
        if pos == len(maxes):
            return False
        sub = self.lists[pos]
        return sub[bisect_left(sub, key)] == key

    def insert(self, key: bytes) -> int:
        """Insert ``key``: 0 when it was present, 1 when inserted next to a key with the same
        value part, 2 when its value part is new."""
        maxes = self.maxes
        lists = self.lists
        pos = bisect_left(maxes, key)
        nxt: bytes | None
        prev: bytes | None
        if pos == len(maxes):
            if not maxes:
                lists.append([key])
                maxes.append(key)
                self.size = 1
                return 2
            pos -= 1
            sub = lists[pos]
            prev = sub[-1]
            nxt = None
            sub.append(key)
            maxes[pos] = key
        else:
            sub = lists[pos]
            idx = bisect_left(sub, key)
            nxt = sub[idx]
            if nxt == key:
                return 0
            if idx:
                prev = sub[idx - 1]
            elif pos:
                prev = lists[pos - 1][-1]
            else:
                prev = None
            sub.insert(idx, key)
        self.size += 1
        if len(sub) > 2 * _LOAD:
            lists.insert(pos + 1, sub[_LOAD:])
            del sub[_LOAD:]
            maxes.insert(pos, sub[-1])
        return _value_shared(key, prev, nxt)

    def discard(self, key: bytes) -> int:
        """Remove ``key``: 0 when absent, 1 when another key keeps its value part, 2 when its
        value part is gone."""
        maxes = self.maxes
        pos = bisect_left(maxes, key)
        if pos == len(maxes):
            return 0
        lists = self.lists
        sub = lists[pos]
        idx = bisect_left(sub, key)
        if sub[idx] != key:
            return 0
        prev = sub[idx - 1] if idx else lists[pos - 1][-1] if pos else None
        nxt = (sub[idx + 1] if idx + 1 < len(sub)
               else lists[pos + 1][0] if pos + 1 < len(lists) else None)
        del sub[idx]
        self.size -= 1
        if not sub:
            del lists[pos]
            del maxes[pos]
        else:
            maxes[pos] = sub[-1]
            if len(sub) < _LOAD // 4 and len(lists) > 1:
                self._merge(pos if pos + 1 < len(lists) else pos - 1)
        return _value_shared(key, prev, nxt)

    def _merge(self, pos: int) -> None:
        """Join sublists ``pos`` and ``pos + 1`` (split again when too long)."""
        lists = self.lists
        maxes = self.maxes
        sub = lists[pos]
        sub += lists[pos + 1]
        del lists[pos + 1]
        del maxes[pos + 1]
        maxes[pos] = sub[-1]
        if len(sub) > 2 * _LOAD:
            half = len(sub) // 2
            lists.insert(pos + 1, sub[half:])
            del sub[half:]
            maxes.insert(pos, sub[-1])

    def run(self, lo: bytes, inclusive: bool, hi: bytes | None, limit: int) -> list[bytes]:
        """Up to ``limit`` keys from ``lo`` on (``lo`` itself when ``inclusive``) that are below
        ``hi`` (None: no upper bound), in order."""
        maxes = self.maxes
        find = bisect_left if inclusive else bisect_right
        pos = find(maxes, lo)
        lists = self.lists
        if pos == len(lists):
            return []
        sub = lists[pos]
        idx = find(sub, lo)
        out: list[bytes] = []
        while True:
            stop = len(sub) if hi is None or sub[-1] < hi else bisect_left(sub, hi, idx)
            if stop - idx >= limit:
                out += sub[idx : idx + limit]
                return out
            out += sub[idx:stop]
            limit -= stop - idx
            pos += 1
            if stop < len(sub) or pos == len(lists):
                return out
            sub = lists[pos]
            idx = 0

    def prefixed(self, prefix: bytes, limit: int) -> list[bytes]:
        """Up to ``limit`` keys starting with ``prefix``, in order: a point seek's whole work
        is two bisections and a comparison or two."""
        maxes = self.maxes
        pos = bisect_left(maxes, prefix)
        lists = self.lists
        if pos == len(lists):
            return []
        sub = lists[pos]
        idx = bisect_left(sub, prefix)
        key = sub[idx]
        if not key.startswith(prefix):
            return []
        if idx + 1 < len(sub) and not sub[idx + 1].startswith(prefix):
            return [key]
        out: list[bytes] = []
        while True:
            n = len(sub)
            while idx < n:
                key = sub[idx]
                if not key.startswith(prefix) or len(out) == limit:
                    return out
                out.append(key)
                idx += 1
            pos += 1
            if pos == len(lists):
                return out
            sub = lists[pos]
            idx = 0


class _Many:
    """``PropertyIndex.points`` value of a value that several entries hold."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MANY"


MANY: Any = _Many()


def pointable(value: Any) -> bool:
    """True for the values a point table holds: integers, strings and floats other than NaN.
    Python's ``==`` and ``hash`` on them are Cypher equality (``1 = 1.0``, ``-0.0 = 0``, exact
    between integers and floats), so the value itself is the table's key; booleans stay out
    (``True == 1`` in Python), and a NaN is equal to nothing."""
    cls = value.__class__
    return cls is int or cls is str or (cls is float and value == value)


_NO_VALUE: Any = object()


class PropertyIndex:
    """A label+property index: sorted codec keys, the number of distinct value tuples and, with
    one property, the point table (module docstring)."""

    __slots__ = ("distinct", "entries", "kids", "label", "points", "spec", "vertices")

    def __init__(
        self, spec: IndexSpec, kids: tuple[int, ...], vertices: list[Vertex | None]
    ) -> None:
        self.spec = spec
        self.label = spec.label
        self.kids = kids
        self.entries = KeyList()
        self.distinct = 0
        self.points: dict[Any, Vertex] | None = {} if len(kids) == 1 else None
        self.vertices = vertices
        """The engine's gid-indexed vertex list (the same list object for the store's life)."""

    def _point_added(self, value: Any, v: Vertex) -> None:
        if pointable(value):
            points = self.points
            assert points is not None
            points[value] = MANY if value in points else v

    def _point_removed(self, key: bytes, value: Any) -> None:
        if value is _NO_VALUE:
            values, _ = split_index_key(key)
            value = values[0]
        if not pointable(value):
            return
        points = self.points
        assert points is not None
        hit = points.get(value)
        if hit is None:
            return
        if hit is not MANY:
            if hit.gid == int.from_bytes(key[-8:], "big"):
                del points[value]
            return
        part = key_point_part(key)
        assert part is not None
        rest = self.entries.prefixed(part, 2)
        if len(rest) == 1:
            gid = int.from_bytes(rest[0][-8:], "big")
            vs = self.vertices
            v = vs[gid] if gid < len(vs) else None
            if v is not None:
                points[value] = v
        elif not rest:
            del points[value]

    def key_of(self, data: dict[int, Any], gid: int) -> bytes | None:
        """The entry of a version whose decoded props are ``data``; None without every key."""
        kids = self.kids
        if len(kids) == 1:
            value = data.get(kids[0])
            if value is None:
                return None
            return index_key((value,), gid)
        values = []
        for kid in kids:
            value = data.get(kid)
            if value is None:
                return None
            values.append(value)
        return index_key(values, gid)

    def add(self, key: bytes, data: dict[int, Any], v: Vertex) -> bool:
        """Insert ``key``, the entry of ``v`` whose decoded props are ``data``, unless present
        (the caller holds the latch); True when inserted."""
        added = self.entries.insert(key)
        if added:
            if added == 2:
                self.distinct += 1
            if self.points is not None:
                self._point_added(data[self.kids[0]], v)
        return added != 0

    def discard(self, key: bytes, value: Any = _NO_VALUE) -> None:
        """Remove ``key`` when present (the caller holds the latch); ``value``, the entry's
        value of a one-property index when the caller has it, saves decoding the key."""
        removed = self.entries.discard(key)
        if removed:
            if removed == 2:
                self.distinct -= 1
            if self.points is not None:
                self._point_removed(key, value)

    def load(self, entries: dict[bytes, tuple[Any, Vertex]]) -> None:
        """Fill an empty index at once (index creation) from key -> (value of a one-property
        index, vertex)."""
        keys = self.entries = KeyList(entries)
        points: dict[Any, Vertex] | None = {} if len(self.kids) == 1 else None
        distinct = 0
        last = None
        for key in keys:
            part = key[:-8]
            if part != last:
                distinct += 1
                last = part
            if points is not None:
                value, v = entries[key]
                if pointable(value):
                    points[value] = MANY if value in points else v
        self.distinct = distinct
        self.points = points

    def seek(self, lock: threading.Lock, lo: bytes, hi: bytes | None) -> Iterator[bytes]:
        """Keys in ``[lo, hi)`` (``hi`` None: to the end), copied in batches under the latch."""
        inclusive = True
        while True:
            with lock:
                batch = self.entries.run(lo, inclusive, hi, BATCH)
            yield from batch
            if len(batch) < BATCH:
                return
            lo = batch[-1]
            inclusive = False


def _walk(
    labels: tuple[str, ...], props: Any, d: Delta | None, out: list[Version] | None,
    skip: CommitInfo | None = None,
) -> tuple[tuple[str, ...], Any, bool]:
    """Undo the deltas from ``d`` on, appending each version some transaction may see to
    ``out``; returns the last state and whether the chain reached the object's creation.

    The version a rolled-back delta (or one of ``skip``, a transaction rolling back) restores is
    not appended: no transaction ever sees it again, and the rollback dealt with its entries
    (``IndexSet.rollback``)."""
    while d is not None:
        action = d.action
        if action == DELETE_OBJECT:
            return labels, props, True
        if action in (SET_PROPERTY, RECREATE_OBJECT):
            props = d.value
        elif action in (ADD_LABEL, REMOVE_LABEL):
            labels = d.value
        else:
            d = d.next
            continue
        if out is not None and props is not DELETED:
            info = d.info
            if info.ts != ABORTED and info is not skip:
                out.append((labels, props))
        d = d.next
    return labels, props, False


def _versions(v: Vertex, skip: CommitInfo | None = None) -> list[Version]:
    """Every version of ``v`` some active transaction may see (the caller holds the latch)."""
    out: list[Version] = []
    props = v.props
    if props is not DELETED:
        out.append((v.labels, props))
    _walk(v.labels, props, v.delta, out, skip)
    return out


class IndexSet:
    """Every index of one engine; all mutation happens under the engine's write latch."""

    def __init__(self, engine: InMemoryTransactionalEngine) -> None:
        self._engine = engine
        self.labels: dict[str, set[int]] = {}
        self.props: dict[IndexSpec, PropertyIndex] = {}
        self.by_label: dict[str, tuple[PropertyIndex, ...]] = {}
        self.by_kid: dict[int, tuple[PropertyIndex, ...]] = {}
        self.single: dict[tuple[str, str], PropertyIndex] = {}
        self.order: list[IndexSpec] = []
        self.generation = 0
        """Counts index creations: a transaction's entry log (``LogItem``) covers its writes
        only when no index was created since it began."""

    def __bool__(self) -> bool:
        return bool(self.order)

    # ----------------------------------------------------------------------------- DDL

    def create(self, spec: IndexSpec) -> bool:
        """Build an index over every version of every vertex (the caller holds the latch)."""
        if spec in self.order:
            return False
        self.generation += 1
        vertices = [v for v in self._engine._vertices if v is not None]
        if not spec.properties:
            label = spec.label
            gids = set()
            for v in vertices:
                for labels, _ in _versions(v):
                    if label in labels:
                        gids.add(v.gid)
                        break
            self.labels[label] = gids
        else:
            kids = tuple(self._engine._key_id(p) for p in spec.properties)
            index = PropertyIndex(spec, kids, self._engine._vertices)
            entries: dict[bytes, tuple[Any, Vertex]] = {}
            label = spec.label
            kid = kids[0]
            for v in vertices:
                for labels, props in _versions(v):
                    if props is not None and label in labels:
                        data = _unpackb(props, strict_map_key=False, ext_hook=_ext_hook)
                        key = index.key_of(data, v.gid)
                        if key is not None:
                            entries[key] = (data.get(kid), v)
            index.load(entries)
            self.props[spec] = index
            self._rebuild_maps()
        self.order.append(spec)
        return True

    def drop(self, spec: IndexSpec) -> bool:
        """Forget an index (the caller holds the latch); seeks under way keep their copy."""
        if spec not in self.order:
            return False
        self.order.remove(spec)
        if spec.properties:
            del self.props[spec]
            self._rebuild_maps()
        else:
            del self.labels[spec.label]
        return True

    def _rebuild_maps(self) -> None:
        by_label: dict[str, list[PropertyIndex]] = {}
        by_kid: dict[int, list[PropertyIndex]] = {}
        single: dict[tuple[str, str], PropertyIndex] = {}
        for index in self.props.values():
            by_label.setdefault(index.label, []).append(index)
            for kid in index.kids:
                by_kid.setdefault(kid, []).append(index)
            if len(index.spec.properties) == 1:
                single[(index.label, index.spec.properties[0])] = index
        self.by_label = {k: tuple(v) for k, v in by_label.items()}
        self.by_kid = {k: tuple(v) for k, v in by_kid.items()}
        self.single = single

    def infos(self) -> list[IndexInfo]:
        """SHOW INDEX INFO rows: entry counts (approximate: garbage not yet collected)."""
        out = []
        for spec in self.order:
            if spec.properties:
                out.append(IndexInfo(spec, len(self.props[spec].entries)))
            else:
                out.append(IndexInfo(spec, len(self.labels[spec.label])))
        return out

    def statistics(self) -> dict[IndexSpec, IndexStatistics]:
        """Entries and distinct values per index, for the planner."""
        out = {}
        for spec in self.order:
            if spec.properties:
                index = self.props[spec]
                out[spec] = IndexStatistics(len(index.entries), index.distinct)
            else:
                n = len(self.labels[spec.label])
                out[spec] = IndexStatistics(n, 1 if n else 0)
        return out

    # ------------------------------------------------------------ writes (under the latch)

    def on_new_vertex(self, v: Vertex, log: list[LogItem]) -> None:
        """Entries for a vertex just created (before it is published)."""
        labels = v.labels
        if labels:
            self._add_version(v, labels, v.props, log)

    def on_add_label(self, v: Vertex, label: str, log: list[LogItem]) -> None:
        """Entries for ``label`` about to be added to ``v`` (whose props are current)."""
        self._add_version(v, (label,), v.props, log)

    def on_set_property(
        self, v: Vertex, kid: int, data: dict[int, Any], log: list[LogItem]
    ) -> None:
        """Entries for the props ``data`` about to be installed on ``v``."""
        indexes = self.by_kid.get(kid)
        if not indexes:
            return
        labels = v.labels
        for index in indexes:
            if index.label in labels:
                key = index.key_of(data, v.gid)
                if key is not None:
                    log.append((index, key, None if index.add(key, data, v) else v))

    def _add_version(
        self, v: Vertex, which: tuple[str, ...], props: Any, log: list[LogItem]
    ) -> None:
        data = None
        gid = v.gid
        for label in which:
            gids = self.labels.get(label)
            if gids is not None:
                if gid in gids:
                    log.append((label, gid, v))
                else:
                    gids.add(gid)
                    log.append((label, gid, None))
            indexes = self.by_label.get(label)
            if indexes and props is not None and props is not DELETED:
                if data is None:
                    data = _unpackb(props, strict_map_key=False, ext_hook=_ext_hook)
                for index in indexes:
                    key = index.key_of(data, gid)
                    if key is not None:
                        log.append((index, key, None if index.add(key, data, v) else v))

    # ------------------------------------------------------------ garbage collection

    def _entries(self, gid: int, versions: list[Version], out: set[Entry]) -> None:
        """Add the entries the ``versions`` of vertex ``gid`` produce to ``out``."""
        label_index = self.labels
        by_label = self.by_label
        decoded: dict[int, dict[int, Any]] = {}
        for labels, props in versions:
            for label in labels:
                if label in label_index:
                    out.add((label, gid))
                indexes = by_label.get(label)
                if indexes and props is not None:
                    data = decoded.get(id(props))
                    if data is None:
                        data = decoded[id(props)] = _unpackb(
                            props, strict_map_key=False, ext_hook=_ext_hook
                        )
                    for index in indexes:
                        key = index.key_of(data, gid)
                        if key is not None:
                            out.add((index, key))

    def _remove(self, entries: Iterable[Entry]) -> None:
        """Remove entries (removing from a dropped index's object is harmless: nothing reads
        it any more)."""
        labels = self.labels
        for target, key in entries:
            if target.__class__ is str:
                gids = labels.get(target)
                if gids is not None:
                    gids.discard(key)
            else:
                target.discard(key)

    def _relevant(self, seg: Delta | None) -> bool:
        """True when a cut chain segment restores a version that may have entries of its own:
        a write by a transaction that was not rolled back to an indexed property or label, or
        a deletion (edges and other keys do not matter)."""
        by_kid = self.by_kid
        labels = self.labels
        by_label = self.by_label
        while seg is not None:
            action = seg.action
            if RECREATE_OBJECT <= action <= REMOVE_LABEL and seg.info.ts != ABORTED:
                if action == RECREATE_OBJECT:
                    return True
                if action == SET_PROPERTY:
                    if seg.key in by_kid:
                        return True
                elif seg.key in labels or seg.key in by_label:
                    return True
            seg = seg.next
        return False

    def release_cuts(self, cuts: dict[Vertex, list[Delta]]) -> None:
        """After delta release cut the chains of ``cuts`` (vertex -> cut segments in the order
        they were cut): drop the entries only the cut-off versions produced."""
        relevant = self._relevant
        by_kid = self.by_kid
        for v, segments in cuts.items():
            if v.delta is None and len(segments) == 1:
                seg = segments[0]
                if seg.next is None and seg.action == SET_PROPERTY:
                    # the common case: one committed property write, no older reader left
                    if seg.info.ts != ABORTED and seg.key in by_kid and seg.value is not None:
                        props = v.props
                        if props is not DELETED:
                            self._replaced(v.gid, v.labels, props, seg.value)
                    continue
            for seg in segments:
                if relevant(seg):
                    break
            else:
                continue
            kept: list[Version] = []
            props = v.props
            if props is not DELETED:
                kept.append((v.labels, props))
            labels, props, done = _walk(v.labels, props, v.delta, kept)
            dropped: list[Version] = []
            if not done:
                for seg in reversed(segments):
                    labels, props, done = _walk(labels, props, seg, dropped)
                    if done:
                        break
            if not dropped:
                continue
            # a version made of the very objects of a kept one produces the same entries
            same = {(id(labels), id(props)) for labels, props in kept}
            dropped = [x for x in dropped if (id(x[0]), id(x[1])) not in same]
            if not dropped:
                continue
            if len(kept) == 1 and len(dropped) == 1 and kept[0][0] is dropped[0][0]:
                # the common case (a committed property write, no older reader): one version
                # replaced another with the same labels; only property entries can go stale,
                # and a version without properties (a node created, then given them) has none
                if dropped[0][1] is not None:
                    self._replaced(v.gid, kept[0][0], kept[0][1], dropped[0][1])
                continue
            stale: set[Entry] = set()
            self._entries(v.gid, dropped, stale)
            if stale:
                live: set[Entry] = set()
                self._entries(v.gid, kept, live)
                self._remove(stale - live)

    def _replaced(self, gid: int, labels: tuple[str, ...], new: Any, old: Any) -> None:
        """Drop the property entries of props ``old`` that props ``new`` of the same vertex
        with the same ``labels`` does not produce (``old`` is not None)."""
        by_label = self.by_label
        old_data = new_data = None
        for label in labels:
            indexes = by_label.get(label)
            if not indexes:
                continue
            if old_data is None:
                old_data = _unpackb(old, strict_map_key=False, ext_hook=_ext_hook)
                new_data = _unpackb(
                    new, strict_map_key=False, ext_hook=_ext_hook
                ) if new is not None else {}
            for index in indexes:
                kids = index.kids
                if len(kids) == 1:
                    kid = kids[0]
                    was = old_data.get(kid)
                    if was is None:
                        continue
                    now = new_data.get(kid)  # type: ignore[union-attr]
                    cls = now.__class__
                    if cls is was.__class__ and cls in _PLAIN:
                        if now != was:
                            index.discard(index_key((was,), gid), was)
                        continue
                    stale = index_key((was,), gid)
                    if now is None or index_key((now,), gid) != stale:
                        index.discard(stale, was)
                else:
                    stale_key = index.key_of(old_data, gid)
                    if stale_key is not None and stale_key != index.key_of(new_data, gid):  # type: ignore[arg-type]
                        index.discard(stale_key)

    def rollback(self, log: list[LogItem], info: CommitInfo) -> None:
        """Drop the entries only the versions of a transaction that rolls back produced; called
        under the latch after the undo, before its deltas are marked ABORTED (``info`` is still
        the transaction's). An entry the transaction added (logged with no vertex) goes at
        once; one that was already there stays when a remaining version still produces it.
        After an index creation during the transaction its log is incomplete: then every
        version its deltas undid counts (``dirty`` before the undo, ``drop_unreachable``
        after it)."""
        recheck: dict[Vertex, list[Entry]] = {}
        added: list[Entry] = []
        for target, key, v in log:
            if v is None:
                added.append((target, key))
            else:
                recheck.setdefault(v, []).append((target, key))
        self._remove(added)
        for v, entries in recheck.items():
            live: set[Entry] = set()
            self._entries(v.gid, _versions(v, info), live)
            self._remove(e for e in entries if e not in live)

    def dirty(self, deltas: list[Delta], info: CommitInfo) -> dict[Vertex, set[Entry]]:
        """Before the undo of a transaction whose entry log is incomplete: the entries of every
        version it wrote (the current fields and those its own deltas restore) per vertex."""
        out: dict[Vertex, set[Entry]] = {}
        for d in deltas:
            owner = d.owner
            if d.action <= REMOVE_LABEL and owner.__class__ is Vertex and owner not in out:
                versions: list[Version] = []
                labels = owner.labels
                props = owner.props
                if props is not DELETED:
                    versions.append((labels, props))
                cur = owner.delta
                while cur is not None and cur.info is info and cur.action != DELETE_OBJECT:
                    action = cur.action
                    if action in (SET_PROPERTY, RECREATE_OBJECT):
                        props = cur.value
                    elif action in (ADD_LABEL, REMOVE_LABEL):
                        labels = cur.value
                    if props is not DELETED:
                        versions.append((labels, props))
                    cur = cur.next
                entries: set[Entry] = set()
                self._entries(owner.gid, versions, entries)
                out[owner] = entries
        return out

    def drop_unreachable(self, dirty: dict[Vertex, set[Entry]], info: CommitInfo) -> None:
        """After the undo: remove the dirty entries no remaining version produces."""
        for v, entries in dirty.items():
            if entries:
                live: set[Entry] = set()
                self._entries(v.gid, _versions(v, info), live)
                self._remove(entries - live)
