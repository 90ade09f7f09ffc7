"""The records of IN_MEMORY_TRANSACTIONAL: vertices, edges, undo deltas and commit infos.

Layout (chosen for size; measured by ``bench/memory_in_memory_tx.py``):

* ``Vertex`` and ``Edge`` have six slots each (80 bytes with the GC header) and are themselves
  the handles the engine hands out (they subclass ``NodeHandle`` / ``RelationshipHandle``).
  The engine keeps them in two lists indexed by gid; a released deleted object leaves ``None``.
* ``labels`` is a shared, interned tuple of label strings in order of addition (``()`` when
  none). An edge's ``type`` is an interned string. Neither costs memory per object.
* ``props`` is ``None`` (no properties), a msgpack blob of ``{key id: value}`` (int key ids are
  interned by the engine; the blob is immutable, so a write installs a new one), or the sentinel
  ``DELETED``: the object is deleted in its newest version. There is no separate deleted flag;
  the ``RECREATE_OBJECT`` undo delta keeps the blob the object had before its deletion.
* ``out_e`` / ``in_e`` (vertices only) hold the adjacency: ``None``, a bare ``Edge`` (degree 1,
  the common case), a ``tuple`` of edges up to ``SMALL_DEGREE`` (smaller than a list and its
  item array) or a ``list`` above. Edges are referenced directly, no per-edge tuples.
* ``delta`` is the head of the undo chain, ``None`` once every delta was released.

MVCC, as Memgraph's storage v2 does it: the object holds the newest value; each write first links
an undo ``Delta`` (what to do to get the previous version) at the head of the object's chain,
then changes the value. Every delta of one transaction points to the transaction's
``CommitInfo``, whose ``ts`` is the transaction id (>= ``TXN_ID_BASE``) while it runs, the commit
timestamp once committed (one store publishes every delta at once) and ``ABORTED`` after a
rollback. A reader walks the chain from the head, undoing every delta it may not see, and stops
at the first one it may see (its own, or committed before its start under snapshot isolation).

Invariants that make lock-free readers safe next to writers on other threads (the GIL makes each
single attribute load or store, and each C-level list operation, atomic; nothing more is
assumed):

1. Every field is replaced by a single store of an immutable value (tuples, bytes, str, edges),
   except adjacency lists (degree above ``SMALL_DEGREE``), which are only ever *appended to* in
   place; removing an edge installs a new container. A reader that captured a container and
   its length therefore sees a stable prefix.
2. Writers (serialised by the engine's write latch) link the undo delta before they change the
   field it covers. Readers load the fields they need first and the delta head last. A write that
   slips in between is covered by a delta the reader finds at the head and undoes; undo actions
   restore absolute values (the old blob, the old label tuple) or add/remove one edge
   idempotently, so undoing a change the reader never saw is harmless.
3. Rollback restores the fields but leaves its deltas linked, marked ``ABORTED`` (always undone,
   never visible); a reader that loaded a dirty field just before the rollback still finds the
   deltas that clean it up. A writer's first-writer-wins check looks past ABORTED deltas to the
   newest real one: a commit later than the writer's start may lie under a rolled-back write.
4. Deltas are unlinked (released) only when every active transaction started after the
   transaction that wrote them finished (``CommitInfo.end`` below the oldest active start):
   such deltas are visible to (or, when aborted, irrelevant for) every possible reader, and so
   is everything older in the chain. Only a ``next`` pointer or the head is cleared, never a
   delta's payload, so a reader walking the chain meanwhile stops at the same place.
"""

from __future__ import annotations

from typing import Any

from mgcore.values.graph import NodeHandle, RelationshipHandle

TXN_ID_BASE = 1 << 63
"""Transaction ids start here; every commit timestamp is below it (Memgraph's convention)."""
ABORTED = 1 << 64
"""``CommitInfo.ts`` of a rolled-back transaction: never visible, not itself a write conflict."""
RUNNING = 1 << 65
"""``CommitInfo.end`` while the transaction runs: not releasable."""
SEE_EVERYTHING = 1 << 66
"""Visibility horizon of READ UNCOMMITTED: every delta counts as visible."""

# Undo actions (what turns the newer version into the older one).
DELETE_OBJECT = 0
"""Undo of a creation: older versions do not have the object."""
RECREATE_OBJECT = 1
"""Undo of a deletion; ``value`` is the props the object had before."""
SET_PROPERTY = 2
"""Undo of a property write; ``key`` is the key id, ``value`` the props blob before."""
ADD_LABEL = 3
"""Undo of ``remove_label``; ``key`` is the label, ``value`` the label tuple before."""
REMOVE_LABEL = 4
"""Undo of ``add_label``; ``key`` is the label, ``value`` the label tuple before."""
ADD_IN_EDGE = 5
"""Undo of removing edge ``value`` from the in-adjacency."""
ADD_OUT_EDGE = 6
"""Undo of removing edge ``value`` from the out-adjacency."""
REMOVE_IN_EDGE = 7
"""Undo of adding edge ``value`` to the in-adjacency."""
REMOVE_OUT_EDGE = 8
"""Undo of adding edge ``value`` to the out-adjacency."""

ACTION_NAMES = (
    "DELETE_OBJECT",
    "RECREATE_OBJECT",
    "SET_PROPERTY",
    "ADD_LABEL",
    "REMOVE_LABEL",
    "ADD_IN_EDGE",
    "ADD_OUT_EDGE",
    "REMOVE_IN_EDGE",
    "REMOVE_OUT_EDGE",
)


class _Deleted:
    """Type of the ``DELETED`` sentinel stored in ``props`` of a deleted object."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "DELETED"


DELETED: Any = _Deleted()


class CommitInfo:
    """Shared by every delta of one transaction; publishing ``ts`` publishes them all."""

    __slots__ = ("end", "ts")

    def __init__(self, ts: int) -> None:
        self.ts = ts
        self.end = RUNNING

    def __repr__(self) -> str:
        return f"CommitInfo(ts={self.ts}, end={self.end})"


class Delta:
    """One undo step in an object's chain (Memgraph's ``Delta``), newest first via ``next``."""

    __slots__ = ("action", "info", "key", "next", "owner", "value")

    def __init__(
        self, action: int, info: CommitInfo, nxt: Delta | None, owner: Any, key: Any, value: Any
    ) -> None:
        self.action = action
        self.info = info
        self.next = nxt
        self.owner = owner
        self.key = key
        self.value = value

    def __repr__(self) -> str:
        return f"Delta({ACTION_NAMES[self.action]}, ts={self.info.ts}, key={self.key!r})"


def undo(
    d: Delta | None,
    props: Any,
    labels: tuple[str, ...],
    me: CommitInfo | None,
    horizon: int,
    outs: dict[Edge, None] | None = None,
    ins: dict[Edge, None] | None = None,
) -> tuple[Any, tuple[str, ...]]:
    """Undo the deltas from ``d`` on down to the first one that is ``me``'s or whose ``info.ts``
    is below ``horizon``; returns (props, labels) of that version, props ``DELETED`` when it
    does not exist, and edits the adjacency ``outs``/``ins`` in place when given."""
    while d is not None:
        info = d.info
        if info is me or info.ts < horizon:
            break
        action = d.action
        if action in (SET_PROPERTY, RECREATE_OBJECT):
            props = d.value
        elif action in (ADD_LABEL, REMOVE_LABEL):
            labels = d.value
        elif action == DELETE_OBJECT:
            return DELETED, labels
        elif action == REMOVE_OUT_EDGE:
            if outs is not None:
                outs.pop(d.value, None)
        elif action == ADD_OUT_EDGE:
            if outs is not None:
                outs[d.value] = None
        elif action == REMOVE_IN_EDGE:
            if ins is not None:
                ins.pop(d.value, None)
        elif action == ADD_IN_EDGE and ins is not None:
            ins[d.value] = None
        d = d.next
    return props, labels


class Vertex(NodeHandle):
    """A node: the newest version plus the head of its undo chain; also its handle."""

    __slots__ = ("delta", "gid", "in_e", "labels", "out_e", "props")

    def __init__(self, gid: int, labels: tuple[str, ...], props: bytes | None) -> None:
        self.gid = gid
        self.labels = labels
        self.props: Any = props
        self.out_e: Any = None
        self.in_e: Any = None
        self.delta: Delta | None = None

    def __repr__(self) -> str:
        return f"<Vertex {self.gid}>"


class Edge(RelationshipHandle):
    """A relationship: type and endpoints are fixed; props and the undo chain as in Vertex."""

    __slots__ = ("delta", "end", "gid", "props", "start", "type")

    def __init__(
        self, gid: int, rel_type: str, start: Vertex, end: Vertex, props: bytes | None
    ) -> None:
        self.gid = gid
        self.type = rel_type
        self.start = start
        self.end = end
        self.props: Any = props
        self.delta: Delta | None = None

    def __repr__(self) -> str:
        return f"<Edge {self.gid} {self.type}>"


SHARED_BLOB_MAX = 16
"""Props blobs of at most this many bytes (one or two small values) are shared: a bytes object
costs 48 bytes however short it is, more than the value it holds, and small property sets repeat
(weights, flags, years, codes) the way small ints do."""
SHARED_BLOB_TABLE_SIZE = 1 << 12
"""Distinct small blobs the sharing table holds before it is emptied and starts over (frequent
values come back at once; the table stays under half a MiB)."""


def share_blob(table: dict[bytes, bytes], blob: bytes) -> bytes:
    """The blob equal to ``blob`` already in ``table``, so equal small property sets are stored
    once (blobs are immutable, so sharing is invisible). A full table is emptied, which only
    stops sharing with the blobs it held."""
    if len(blob) > SHARED_BLOB_MAX:
        return blob
    shared = table.get(blob)
    if shared is not None:
        return shared
    if len(table) >= SHARED_BLOB_TABLE_SIZE:
        table.clear()
    table[blob] = blob
    return blob


SMALL_DEGREE = 8
"""Adjacency up to this many edges is a tuple (replaced on every change); above, a list."""


def adj_add(adj: Any, edge: Edge) -> Any:
    """The adjacency container after adding ``edge``: a bare edge, a new tuple, or the same
    list appended to in place (invariant 1: appending never disturbs a reader's prefix)."""
    if adj is None:
        return edge
    cls = adj.__class__
    if cls is Edge:
        return (adj, edge)
    if cls is tuple:
        if len(adj) < SMALL_DEGREE:
            return (*adj, edge)
        return [*adj, edge]
    adj.append(edge)
    return adj


def adj_remove(adj: Any, edge: Edge) -> Any:
    """The adjacency container after removing ``edge``, always a new container (invariant 1)."""
    if adj is edge:
        return None
    if adj is None or adj.__class__ is Edge:
        return adj
    try:
        i = adj.index(edge)
    except ValueError:
        return adj
    return adj_compact(adj[:i] + adj[i + 1 :])


def adj_compact(edges: list[Edge] | tuple[Edge, ...]) -> Any:
    """The cheapest container holding ``edges`` (which the caller gives away)."""
    n = len(edges)
    if n == 0:
        return None
    if n == 1:
        return edges[0]
    if n <= SMALL_DEGREE:
        return edges if edges.__class__ is tuple else tuple(edges)
    return edges if edges.__class__ is list else list(edges)


def adj_items(adj: Any) -> list[Edge]:
    """The edges of a container as a new list (slow paths only)."""
    if adj is None:
        return []
    if adj.__class__ is Edge:
        return [adj]
    return list(adj)
