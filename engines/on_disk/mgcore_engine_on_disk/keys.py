"""The on-disk key layout: what each RocksDB column family holds, keyed how.

Integers are big-endian and fixed-width, so bytewise order is numeric order: gids and commit
timestamps are 8 bytes, interned label, type, property, index and constraint ids 4 bytes.
Property values in index keys use the kit's order-preserving codec (``mgcore.storage.kit.codec``),
so a range of values is a range of keys. Record values (property maps ``{property id: value}``)
are msgpack (``mgcore.storage.kit.serde``).

=================  ===========================================================  ===============
column family      key                                                          value
=================  ===========================================================  ===============
``vertex``         gid | label id* | commit ts                                  property map
``edge``           edge gid                                                     src | type | dst
``out``            src gid | type id | dst gid | edge gid | commit ts           property map
``in``             dst gid | type id | src gid | edge gid                       empty
``label``          label id | gid                                               empty
``label_property`` index id | codec(values) | gid                               empty
``unique``         constraint id | codec(values) without tie-breaks             gid
``meta``           see ``catalog.py``                                           -
=================  ===========================================================  ===============

This is Memgraph's documented layout (vertices keyed by labels, gid and commit timestamp; edges
by endpoints, type, gid and commit timestamp; separate stores for the label index, the
label+property index and unique constraints) with one change: the vertex key starts with the gid,
not the labels, so that finding a vertex by gid (every expansion's other end) is one seek instead
of a scan. The labels stay in the key, in the order they were added. Each vertex and edge has
exactly one live key; a commit that changes one deletes the old key and writes the new one in
the same batch, and RocksDB keeps the old version only while a snapshot can still read it.
"""

from __future__ import annotations

import struct

GID = struct.Struct(">Q")
ID = struct.Struct(">I")
_EDGE_LOCATOR = struct.Struct(">QIQ")
_ADJ = struct.Struct(">QIQQ")
_ADJ_TS = struct.Struct(">QIQQQ")

gid_bytes = GID.pack
id_bytes = ID.pack


def vertex_key(gid: int, labels: tuple[int, ...], ts: int) -> bytes:
    """The key of a vertex version with these labels (in the order added), written at ``ts``."""
    if not labels:
        return GID.pack(gid) + GID.pack(ts)
    return GID.pack(gid) + struct.pack(f">{len(labels)}I", *labels) + GID.pack(ts)


def split_vertex_key(key: bytes) -> tuple[int, tuple[int, ...], int]:
    """``(gid, labels, ts)`` of a ``vertex_key``."""
    n = (len(key) - 16) >> 2
    if n:
        return (GID.unpack_from(key)[0], struct.unpack_from(f">{n}I", key, 8),
                GID.unpack_from(key, len(key) - 8)[0])
    return GID.unpack_from(key)[0], (), GID.unpack_from(key, 8)[0]


def vertex_labels(key: bytes) -> tuple[int, ...]:
    """The label ids of a ``vertex_key``."""
    n = (len(key) - 16) >> 2
    return struct.unpack_from(f">{n}I", key, 8) if n else ()


def edge_locator(src: int, rel_type: int, dst: int) -> bytes:
    """The ``edge`` family's value: where the edge's ``out`` entry is."""
    return _EDGE_LOCATOR.pack(src, rel_type, dst)


def split_edge_locator(value: bytes) -> tuple[int, int, int]:
    """``(src, type, dst)`` of an ``edge_locator``."""
    return _EDGE_LOCATOR.unpack(value)


def out_prefix(src: int, rel_type: int, dst: int, egid: int) -> bytes:
    """The ``out`` key of an edge without its commit timestamp (unique per edge)."""
    return _ADJ.pack(src, rel_type, dst, egid)


def out_key(src: int, rel_type: int, dst: int, egid: int, ts: int) -> bytes:
    """The ``out`` key of an edge version written at ``ts``."""
    return _ADJ_TS.pack(src, rel_type, dst, egid, ts)


def split_out_key(key: bytes) -> tuple[int, int, int, int]:
    """``(src, type, dst, edge gid)`` of an ``out_key``."""
    return _ADJ.unpack_from(key)


def in_key(dst: int, rel_type: int, src: int, egid: int) -> bytes:
    """The ``in`` key of an edge: its end first, so a node's incoming edges are one range."""
    return _ADJ.pack(dst, rel_type, src, egid)


split_in_key = split_out_key
"""``(dst, type, src, edge gid)`` of an ``in_key``."""


def label_key(label: int, gid: int) -> bytes:
    """A ``label`` index entry."""
    return ID.pack(label) + GID.pack(gid)


def gid_at_end(key: bytes) -> int:
    """The gid in the last 8 bytes of a ``label`` or ``label_property`` key."""
    return GID.unpack_from(key, len(key) - 8)[0]


def successor(prefix: bytes) -> bytes | None:
    """The smallest key greater than every key starting with ``prefix``; None when there is
    none (a prefix of 0xFF bytes only: scan to the end)."""
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes((stripped[-1] + 1,))
