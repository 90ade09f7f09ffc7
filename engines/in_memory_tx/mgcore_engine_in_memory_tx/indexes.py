"""Label and label+property indexes of IN_MEMORY_TRANSACTIONAL, and their garbage collection.

Entries form a *superset* of what any transaction can see, as in Memgraph's storage v2:

* a label index maps a label to the gids of the vertices that may carry it (a ``set``);
* a label+property index (one or more properties) is a ``SortedList`` of codec keys
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
the deltas left in the chain (``_versions``). Versions only become unreachable in two ways, and
both name their vertices, so nothing ever scans a whole index:

1. Delta release cuts a chain (``engine._release_locked``): the versions undone by the cut
   segment are the candidates (``release_cuts``).
2. Rollback restores a vertex, dropping the version the transaction wrote (``dirty_entries``
   before the undo, ``drop_unreachable`` after).

Readers take no lock except to copy a bounded batch of keys out of a ``SortedList`` (it is not
safe to iterate during a concurrent insertion) and re-bisect after the batch's last key; a label
index is copied with ``list()``, atomic under the GIL. Under snapshot isolation a seek is exact:
every version the reader sees was written, with its entry, before the reader began, and no entry
it needs is collected while it runs. Under READ COMMITTED a vertex whose value another
transaction changes and commits while the seek runs may be missed (its new entry can land behind
the seek's position and its old one no longer verifies), as a scan may see either value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

import msgpack
from sortedcontainers import SortedList

from mgcore.storage.kit.codec import index_key
from mgcore.storage.records import IndexInfo, IndexSpec, IndexStatistics
from mgcore_engine_in_memory_tx.objects import (
    ADD_LABEL,
    DELETE_OBJECT,
    DELETED,
    RECREATE_OBJECT,
    REMOVE_LABEL,
    SET_PROPERTY,
    Delta,
    Vertex,
)

if TYPE_CHECKING:
    import threading

    from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine

_unpackb = msgpack.unpackb

BATCH = 1024
"""Keys copied out of a label+property index per latch acquisition during a seek."""

Version = tuple[tuple[str, ...], Any]
"""(labels, props blob or None) of one existing version of a vertex."""
Entry = tuple[Any, Any]
"""``(label, gid)`` of a label index or ``(PropertyIndex, key)`` of a label+property index."""


class PropertyIndex:
    """A label+property index: sorted codec keys and the number of distinct value tuples."""

    __slots__ = ("distinct", "entries", "kids", "label", "spec")

    def __init__(self, spec: IndexSpec, kids: tuple[int, ...]) -> None:
        self.spec = spec
        self.label = spec.label
        self.kids = kids
        self.entries: SortedList = SortedList()
        self.distinct = 0

    def key_of(self, data: dict[int, Any], gid: int) -> bytes | None:
        """The entry of a version whose decoded props are ``data``; None without every key."""
        values = []
        for kid in self.kids:
            value = data.get(kid)
            if value is None:
                return None
            values.append(value)
        return index_key(values, gid)

    def add(self, key: bytes) -> None:
        """Insert ``key`` unless present (the caller holds the latch). Distinct values are
        counted by looking for another key with the same value part; only value-based
        operations are used (``in``, ``irange``), never positional ones, whose index tree
        ``SortedList`` would otherwise build and maintain at every insertion."""
        entries = self.entries
        if key in entries:
            return
        value = key[:-8]
        if not _has_value(entries, value):
            self.distinct += 1
        entries.add(key)

    def discard(self, key: bytes) -> None:
        """Remove ``key`` when present (the caller holds the latch)."""
        entries = self.entries
        if key not in entries:
            return
        entries.remove(key)
        if not _has_value(entries, key[:-8]):
            self.distinct -= 1

    def load(self, keys: Iterable[bytes]) -> None:
        """Fill an empty index at once (index creation)."""
        entries = self.entries = SortedList(keys)
        distinct = 0
        last = None
        for key in entries:
            value = key[:-8]
            if value != last:
                distinct += 1
                last = value
        self.distinct = distinct

    def seek(self, lock: threading.Lock, lo: bytes, hi: bytes) -> Iterator[bytes]:
        """Keys in ``[lo, hi)``, copied in batches under the latch."""
        entries = self.entries
        inclusive = (True, False)
        while True:
            with lock:
                batch = list(islice(entries.irange(lo, hi, inclusive), BATCH))
            yield from batch
            if len(batch) < BATCH:
                return
            lo = batch[-1]
            inclusive = (False, False)


_GID_MAX = b"\xff" * 8


def _has_value(entries: SortedList, value: bytes) -> bool:
    """True when some key of ``entries`` has the value part ``value`` (keys are the value's
    encoding followed by an 8-byte gid)."""
    for _ in entries.irange(value, value + _GID_MAX):
        return True
    return False


def _walk(
    labels: tuple[str, ...], props: Any, d: Delta | None, out: list[Version] | None
) -> tuple[tuple[str, ...], Any, bool]:
    """Undo the deltas from ``d`` on, appending each existing version to ``out``; returns the
    last state and whether the chain reached the object's creation."""
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
            out.append((labels, props))
        d = d.next
    return labels, props, False


def _versions(v: Vertex) -> list[Version]:
    """Every version of ``v`` some active transaction may see (the caller holds the latch)."""
    out: list[Version] = []
    props = v.props
    if props is not DELETED:
        out.append((v.labels, props))
    _walk(v.labels, props, v.delta, out)
    return out


def _relevant(seg: Delta | None) -> bool:
    """True when a chain segment changes labels or properties or deletes (edges do not)."""
    while seg is not None:
        if RECREATE_OBJECT <= seg.action <= REMOVE_LABEL:
            return True
        seg = seg.next
    return False


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

    def __bool__(self) -> bool:
        return bool(self.order)

    # ----------------------------------------------------------------------------- DDL

    def create(self, spec: IndexSpec) -> bool:
        """Build an index over every version of every vertex (the caller holds the latch)."""
        if spec in self.order:
            return False
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
            index = PropertyIndex(spec, kids)
            keys: set[bytes] = set()
            label = spec.label
            for v in vertices:
                for labels, props in _versions(v):
                    if props is not None and label in labels:
                        key = index.key_of(_unpackb(props, strict_map_key=False), v.gid)
                        if key is not None:
                            keys.add(key)
            index.load(keys)
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

    def on_new_vertex(self, v: Vertex) -> None:
        """Entries for a vertex just created (before it is published)."""
        labels = v.labels
        if labels:
            self._add_version(v.gid, labels, v.props, labels)

    def on_add_label(self, v: Vertex, label: str) -> None:
        """Entries for ``label`` about to be added to ``v`` (whose props are current)."""
        self._add_version(v.gid, (label,), v.props, (label,))

    def on_set_property(self, v: Vertex, kid: int, data: dict[int, Any]) -> None:
        """Entries for the props ``data`` about to be installed on ``v``."""
        indexes = self.by_kid.get(kid)
        if not indexes:
            return
        labels = v.labels
        for index in indexes:
            if index.label in labels:
                key = index.key_of(data, v.gid)
                if key is not None:
                    index.add(key)

    def _add_version(
        self, gid: int, labels: tuple[str, ...], props: Any, which: tuple[str, ...]
    ) -> None:
        data = None
        for label in which:
            gids = self.labels.get(label)
            if gids is not None:
                gids.add(gid)
            indexes = self.by_label.get(label)
            if indexes and props is not None and props is not DELETED:
                if data is None:
                    data = _unpackb(props, strict_map_key=False)
                for index in indexes:
                    key = index.key_of(data, gid)
                    if key is not None:
                        index.add(key)

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
                        data = decoded[id(props)] = _unpackb(props, strict_map_key=False)
                    for index in indexes:
                        key = index.key_of(data, gid)
                        if key is not None:
                            out.add((index, key))

    def _remove(self, entries: Iterable[Entry]) -> None:
        for target, key in entries:
            if target.__class__ is str:
                gids = self.labels.get(target)
                if gids is not None:
                    gids.discard(key)
            elif target.spec in self.props:
                target.discard(key)

    def release_cuts(self, cuts: dict[Vertex, list[Delta]]) -> None:
        """After delta release cut the chains of ``cuts`` (vertex -> cut segments in the order
        they were cut): drop the entries only the cut-off versions produced."""
        for v, segments in cuts.items():
            if not any(_relevant(seg) for seg in segments):
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
            # a version made of the very objects of a kept one (a rollback restores the blob
            # its delta held) produces the same entries
            same = {(id(labels), id(props)) for labels, props in kept}
            dropped = [x for x in dropped if (id(x[0]), id(x[1])) not in same]
            if not dropped:
                continue
            stale: set[Entry] = set()
            self._entries(v.gid, dropped, stale)
            if stale:
                live: set[Entry] = set()
                self._entries(v.gid, kept, live)
                self._remove(stale - live)

    def dirty_entries(self, deltas: list[Delta]) -> dict[Vertex, set[Entry]]:
        """Before a rollback undoes ``deltas``: the entries of the versions it will drop (the
        current fields of the vertices whose labels or properties it changed)."""
        out: dict[Vertex, set[Entry]] = {}
        for d in deltas:
            owner = d.owner
            if d.action <= REMOVE_LABEL and owner.__class__ is Vertex and owner not in out:
                entries: set[Entry] = set()
                props = owner.props
                if props is not DELETED:
                    self._entries(owner.gid, [(owner.labels, props)], entries)
                out[owner] = entries
        return out

    def drop_unreachable(self, dirty: dict[Vertex, set[Entry]]) -> None:
        """After the undo: remove the dirty entries no remaining version produces."""
        for v, entries in dirty.items():
            if entries:
                live: set[Entry] = set()
                self._entries(v.gid, _versions(v), live)
                self._remove(entries - live)
