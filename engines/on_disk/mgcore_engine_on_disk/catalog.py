"""The engine's durable metadata in the ``meta`` column family: interned names, id counters,
index and constraint definitions and the counts behind ``statistics()``.

Memgraph keeps the same things in its on-disk mode's "durable metadata". Keys::

    b"N" kind id:u32        name (UTF-8); kind is b"L" label, b"T" type, b"P" property
    b"I" index id:u32       msgpack [label, [properties], ready]
    b"K" constraint id:u32  msgpack [kind, label, [properties], ready] + [data type name] for a
                            data type constraint (older records have four elements)
    b"C"                    msgpack [next vertex gid, next edge gid, last commit ts]
    b"S"                    msgpack [nodes, relationships, {label id: n}, {type id: n},
                            [property ids used], {index id: entries}]

A new name is written at once (before any commit can use it; RocksDB's WAL keeps the order), the
counters and counts go into every commit's batch. An index or uniqueness constraint is defined
not ready before its entries are written and ready after, so that ``open`` deletes what a crash
part-way through building one left (``building``).
"""

from __future__ import annotations

import struct
import threading
from dataclasses import dataclass, field

import msgpack

from mgcore.storage.errors import StorageError
from mgcore.storage.records import ConstraintKind, ConstraintSpec, DataType, IndexSpec
from mgcore_engine_on_disk.keys import ID, id_bytes
from mgcore_engine_on_disk.store import Store

LABEL, TYPE, PROPERTY = b"L", b"T", b"P"
COUNTERS = b"C"
STATS = b"S"


@dataclass
class Stats:
    """Counts of committed data; changed only under the commit lock."""

    nodes: int = 0
    relationships: int = 0
    labels: dict[int, int] = field(default_factory=dict)
    types: dict[int, int] = field(default_factory=dict)
    properties: set[int] = field(default_factory=set)
    index_entries: dict[int, int] = field(default_factory=dict)

    def pack(self) -> bytes:
        return msgpack.packb([self.nodes, self.relationships, self.labels, self.types,
                              sorted(self.properties), self.index_entries])

    @classmethod
    def unpack(cls, data: bytes) -> Stats:
        n, r, labels, types, props, entries = msgpack.unpackb(data, strict_map_key=False)
        return cls(n, r, labels, types, set(props), entries)


class Names:
    """One kind of interned name (labels, types or property keys): ids from 0 up."""

    __slots__ = ("ids", "kind", "names")

    def __init__(self, kind: bytes) -> None:
        self.kind = kind
        self.ids: dict[str, int] = {}
        self.names: list[str] = []


class Catalog:
    """Names, counters, schema definitions and counts, loaded at open and kept current."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self.labels = Names(LABEL)
        self.types = Names(TYPE)
        self.properties = Names(PROPERTY)
        self.next_gid = 0
        self.next_egid = 0
        self.ts = 0
        self.indexes: dict[IndexSpec, int] = {}
        self.constraints: dict[ConstraintSpec, int] = {}
        self.building: dict[IndexSpec | ConstraintSpec, int] = {}
        """Definitions whose entries were being written when the engine stopped."""
        self.stats = Stats()
        self._next_schema_id = 0
        try:
            self._load()
        except (ValueError, TypeError, KeyError, IndexError, struct.error,
                msgpack.UnpackException) as exc:
            raise StorageError(
                f"The on-disk engine's metadata in {store.path} is damaged ({exc!r}); restore "
                "the data directory from a checkpoint in snapshots/."
            ) from None

    def _load(self) -> None:
        kinds = {LABEL: self.labels, TYPE: self.types, PROPERTY: self.properties}
        names: dict[bytes, dict[int, str]] = {LABEL: {}, TYPE: {}, PROPERTY: {}}
        top = -1
        for key, value in self._store.cf["meta"].items():
            assert isinstance(key, bytes) and isinstance(value, bytes)
            tag = key[:1]
            if tag == b"N":
                names[key[1:2]][ID.unpack_from(key, 2)[0]] = value.decode("utf-8", "surrogatepass")
            elif tag == b"I":
                label, props, ready = msgpack.unpackb(value)
                sid = ID.unpack_from(key, 1)[0]
                index = IndexSpec(label, tuple(props))
                if ready:
                    self.indexes[index] = sid
                else:
                    self.building[index] = sid
                top = max(top, sid)
            elif tag == b"K":
                kind, label, props, ready, *rest = msgpack.unpackb(value)
                sid = ID.unpack_from(key, 1)[0]
                data_type = DataType(rest[0]) if rest and rest[0] is not None else None
                constraint = ConstraintSpec(ConstraintKind(kind), label, tuple(props), data_type)
                if ready:
                    self.constraints[constraint] = sid
                else:
                    self.building[constraint] = sid
                top = max(top, sid)
            elif key == COUNTERS:
                self.next_gid, self.next_egid, self.ts = msgpack.unpackb(value)
            elif key == STATS:
                self.stats = Stats.unpack(value)
        for kind, found in names.items():
            table = kinds[kind]
            table.names = [found[i] for i in range(len(found))]
            table.ids = {name: i for i, name in enumerate(table.names)}
        self._next_schema_id = top + 1

    # ------------------------------------------------------------------------------ names

    def intern(self, table: Names, name: str) -> int:
        """The id of ``name``, allocating and writing a new one."""
        found = table.ids.get(name)
        if found is not None:
            return found
        with self._lock:
            found = table.ids.get(name)
            if found is not None:
                return found
            nid = len(table.names)
            record = name.encode("utf-8", "surrogatepass")
            self._store.cf["meta"][b"N" + table.kind + id_bytes(nid)] = record
            table.names.append(name)
            table.ids[name] = nid
            return nid

    def label_id(self, name: str) -> int:
        found = self.labels.ids.get(name)
        return found if found is not None else self.intern(self.labels, name)

    def type_id(self, name: str) -> int:
        found = self.types.ids.get(name)
        return found if found is not None else self.intern(self.types, name)

    def property_id(self, name: str) -> int:
        found = self.properties.ids.get(name)
        return found if found is not None else self.intern(self.properties, name)

    # ------------------------------------------------------------------- ids and counters

    def new_gid(self) -> int:
        with self._lock:
            gid = self.next_gid
            self.next_gid = gid + 1
            return gid

    def new_egid(self) -> int:
        with self._lock:
            gid = self.next_egid
            self.next_egid = gid + 1
            return gid

    def counters(self) -> bytes:
        """The counters' record, for a commit's batch."""
        return msgpack.packb([self.next_gid, self.next_egid, self.ts])

    # ---------------------------------------------------------------------------- schema

    def new_schema_id(self) -> int:
        with self._lock:
            sid = self._next_schema_id
            self._next_schema_id = sid + 1
            return sid

    @staticmethod
    def definition(spec: IndexSpec | ConstraintSpec, sid: int, ready: bool) -> tuple[bytes, bytes]:
        """The meta key and record of an index or constraint definition."""
        if isinstance(spec, IndexSpec):
            return b"I" + id_bytes(sid), msgpack.packb([spec.label, list(spec.properties), ready])
        record = [spec.kind.value, spec.label, list(spec.properties), ready]
        if spec.data_type is not None:
            record.append(spec.data_type.value)
        return b"K" + id_bytes(sid), msgpack.packb(record)
