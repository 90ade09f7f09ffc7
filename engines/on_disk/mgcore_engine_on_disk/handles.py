"""What ON_DISK_TRANSACTIONAL's transactions hand out and cache: node and relationship handles
(made afresh for every read, equal by gid) and the write cache's entries (``VState``,
``EState``), which keep both the transaction's version and the snapshot's, so that the commit can
delete the old keys and index entries."""

from __future__ import annotations

from typing import Any

from mgcore.values.graph import NodeHandle, RelationshipHandle


class _Unloaded:
    """What a handle holds before the snapshot has been read for it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNLOADED"


UNLOADED: Any = _Unloaded()


class _ByGid:
    """Handles are made afresh for every read, so they compare and hash by kind and gid."""

    __slots__ = ()
    gid: int

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and other.gid == self.gid

    def __hash__(self) -> int:
        return hash(self.gid)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.gid})"


class DiskNode(_ByGid, NodeHandle):
    """A node handle: the gid and, once read, the snapshot's labels (ids; None when the
    snapshot has no such vertex) and property blob."""

    __slots__ = ("blob", "gid", "labels")

    def __init__(self, gid: int, labels: Any = UNLOADED, blob: bytes | None = None) -> None:
        self.gid = gid
        self.labels = labels
        self.blob = blob


class DiskRel(_ByGid, RelationshipHandle):
    """A relationship handle: gid, endpoints and type id (fixed for life) and, once read, the
    snapshot's property blob."""

    __slots__ = ("blob", "dst", "gid", "src", "type")

    def __init__(self, gid: int, src: int, rel_type: int, dst: int, blob: Any = UNLOADED) -> None:
        self.gid = gid
        self.src = src
        self.type = rel_type
        self.dst = dst
        self.blob = blob


class VState:
    """A vertex this transaction wrote: current and snapshot (``orig_*``) state."""

    __slots__ = ("blob", "created", "deleted", "gid", "labels", "orig_blob", "orig_key",
                 "orig_labels", "seq")

    def __init__(self, gid: int, labels: tuple[int, ...], blob: bytes | None, created: bool,
                 orig_key: bytes | None, seq: int) -> None:
        self.seq = seq
        """Order of first caching in the transaction (scans started before it skip it)."""
        self.gid = gid
        self.labels = labels
        self.blob = blob
        self.deleted = False
        self.created = created
        self.orig_key = orig_key
        self.orig_labels = labels
        self.orig_blob = blob


class EState:
    """A relationship this transaction created, changed or deleted."""

    __slots__ = ("blob", "created", "deleted", "dst", "gid", "orig_blob", "orig_key", "src",
                 "type")

    def __init__(self, gid: int, src: int, rel_type: int, dst: int, blob: bytes | None,
                 created: bool, orig_key: bytes | None) -> None:
        self.gid = gid
        self.src = src
        self.type = rel_type
        self.dst = dst
        self.blob = blob
        self.deleted = False
        self.created = created
        self.orig_key = orig_key
        self.orig_blob = blob
