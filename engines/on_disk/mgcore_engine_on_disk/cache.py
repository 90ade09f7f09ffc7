"""The write cache's lookup maps: which cached vertices a label scan or an equality lookup must
consider, so that a lookup does not walk the whole cache (a transaction that looks up and
updates thousands of nodes would otherwise be quadratic)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgpack

from mgcore.errors import CypherTypeError
from mgcore.storage.kit import serde
from mgcore.storage.kit.codec import equality_prefix
from mgcore_engine_on_disk.handles import VState

_unpackb = msgpack.unpackb
_ext_hook = serde.ext_hook


def props_of(blob: bytes | None) -> dict[int, Any]:
    """The property map of a blob (empty for None)."""
    return _unpackb(blob, strict_map_key=False, ext_hook=_ext_hook) if blob else {}


def eq_key(value: Any) -> bytes | None:
    """The equality map's key of a value: shared by exactly the values equal to it under
    Cypher equality (``1`` and ``1.0``); None for null, NaN and what no property holds."""
    if value is None:
        return None
    try:
        return equality_prefix((value,))
    except CypherTypeError:
        return None


class CacheIndex:
    """Cached vertices by current label, and by (label, property, equality key of the value)
    for the pairs equality lookups asked for (built on first use, then kept current)."""

    __slots__ = ("by_label", "eq")

    def __init__(self) -> None:
        self.by_label: dict[int, set[int]] = {}
        self.eq: dict[tuple[int, int], dict[bytes, set[int]]] = {}

    def with_label(self, lid: int) -> list[int]:
        """Gids of cached vertices that carry ``lid``."""
        found = self.by_label.get(lid)
        return list(found) if found else []

    def equal(self, cached: Mapping[int, VState], lid: int, pid: int, value: Any) -> list[int]:
        """Gids of cached vertices with label ``lid`` whose ``pid`` may equal ``value``."""
        table = self.eq.get((lid, pid))
        if table is None:
            table = self.eq[(lid, pid)] = {}
            for w in cached.values():
                if not w.deleted and lid in w.labels:
                    key = eq_key(props_of(w.blob).get(pid))
                    if key is not None:
                        table.setdefault(key, set()).add(w.gid)
        key = eq_key(value)
        found = table.get(key) if key is not None else None
        return list(found) if found else []

    def track(self, w: VState, old_labels: tuple[int, ...], old_blob: bytes | None) -> None:
        """Keep the maps current after ``w`` changed from (``old_labels``, ``old_blob``); a
        vertex just cached or created comes from ((), None)."""
        gid = w.gid
        new_labels = () if w.deleted else w.labels
        if old_labels != new_labels:
            by_label = self.by_label
            for lid in old_labels:
                if lid not in new_labels:
                    by_label[lid].discard(gid)
            for lid in new_labels:
                if lid not in old_labels:
                    by_label.setdefault(lid, set()).add(gid)
        if self.eq:
            new_blob = None if w.deleted else w.blob
            if old_labels == new_labels and old_blob is new_blob:
                return
            old_data = props_of(old_blob)
            new_data = props_of(new_blob)
            for (lid, pid), table in self.eq.items():
                if lid in old_labels:
                    key = eq_key(old_data.get(pid))
                    if key is not None and key in table:
                        table[key].discard(gid)
                if lid in new_labels:
                    key = eq_key(new_data.get(pid))
                    if key is not None:
                        table.setdefault(key, set()).add(gid)
