"""Optimistic write-write conflict detection: first committer wins.

rocksdict has no TransactionDB (design/dependencies.md 1.4), so the check is the engine's own,
and it needs no disk read: the engine is one process, so it remembers, for every vertex and edge
written by a commit that a running transaction might not have seen, the newest such commit's
timestamp. A committing transaction that wrote an entity written by a commit newer than its own
start loses with the retryable ``SerializationError`` (snapshot isolation's write-write rule,
which Memgraph's on-disk mode reports the same way). Entries are forgotten once every running
transaction started after them; with no transaction running the table is empty.

Creating or deleting a relationship writes both endpoints (as in Memgraph), so a node deleted by
one transaction cannot gain a relationship in a concurrent one.

All methods run under the engine's commit lock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable


class RecentWrites:
    """Last commit timestamp of each recently written vertex and edge."""

    def __init__(self) -> None:
        self._vertices: dict[int, int] = {}
        self._edges: dict[int, int] = {}
        self._log: deque[tuple[int, tuple[int, ...], tuple[int, ...]]] = deque()

    def conflicts(self, start_ts: int, vertices: Iterable[int], edges: Iterable[int]) -> bool:
        """True when a commit after ``start_ts`` wrote one of these vertices or edges."""
        return _newer(self._vertices, vertices, start_ts) or _newer(self._edges, edges, start_ts)

    def record(self, ts: int, vertices: Iterable[int], edges: Iterable[int],
               oldest_start: int | None) -> None:
        """Remember a commit at ``ts``; ``oldest_start`` is the start timestamp of the oldest
        transaction still running (None: none runs, so nothing needs remembering)."""
        if oldest_start is None:
            self.clear()
            return
        vs, es = tuple(vertices), tuple(edges)
        for gid in vs:
            self._vertices[gid] = ts
        for gid in es:
            self._edges[gid] = ts
        self._log.append((ts, vs, es))
        self.forget_before(oldest_start)

    def forget_before(self, oldest_start: int | None) -> None:
        """Drop what no running transaction can conflict with: commits at or before the oldest
        running transaction's start."""
        if oldest_start is None:
            self.clear()
            return
        log = self._log
        while log and log[0][0] <= oldest_start:
            ts, vs, es = log.popleft()
            for table, gids in ((self._vertices, vs), (self._edges, es)):
                for gid in gids:
                    if table.get(gid) == ts:
                        del table[gid]

    def clear(self) -> None:
        self._vertices.clear()
        self._edges.clear()
        self._log.clear()

    def __len__(self) -> int:
        return len(self._vertices) + len(self._edges)


def _newer(recent: dict[int, int], gids: Iterable[int], start_ts: int) -> bool:
    """True when ``recent`` records a commit after ``start_ts`` for one of ``gids``."""
    if recent:
        for gid in gids:
            ts = recent.get(gid)
            if ts is not None and ts > start_ts:
                return True
    return False
