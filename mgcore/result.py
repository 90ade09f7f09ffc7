"""Records, results and summaries of the embedded API, shaped like the neo4j driver's so code
written for one reads naturally on the other."""

from __future__ import annotations

import collections
import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from mgcore.errors import ClientError, MgError, TransactionError
from mgcore.execution import Counters, Notification, QueryKind


class Record(tuple):
    """One result row: a tuple whose fields can also be read by column name."""

    __slots__ = ()
    _keys: tuple[str, ...] = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._index[key])
            except KeyError:
                raise KeyError(f"no column {key!r}; columns are {list(self._keys)}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._keys)

    def values(self, *keys: str | int) -> list[Any]:
        if not keys:
            return list(self)
        return [self[k] for k in keys]

    def items(self) -> list[tuple[str, Any]]:
        return list(zip(self._keys, self, strict=True))

    def get(self, key: str, default: Any = None) -> Any:
        index = self._index.get(key)
        return default if index is None else tuple.__getitem__(self, index)

    def data(self, *keys: str) -> dict[str, Any]:
        if keys:
            return {k: self[k] for k in keys}
        return dict(zip(self._keys, self, strict=True))

    def __repr__(self) -> str:
        inner = " ".join(f"{k}={v!r}" for k, v in zip(self._keys, self, strict=True))
        return f"<Record {inner}>"


@lru_cache(maxsize=1024)
def record_class(keys: tuple[str, ...]) -> type[Record]:
    """A Record subclass bound to ``keys``; cached, so building records costs one tuple each."""
    return type(
        "Record", (Record,), {"__slots__": (), "_keys": keys, "_index": {k: i for i, k in
                                                                        enumerate(keys)}}
    )


@dataclass(frozen=True)
class ResultSummary:
    """What ``Result.consume()`` returns: counters, the query, its type and notifications."""

    query: str
    parameters: dict[str, Any]
    query_type: QueryKind
    counters: Counters
    notifications: tuple[Notification, ...] = ()
    result_available_after: float = 0.0
    result_consumed_after: float = 0.0
    plan: Any = field(default=None)


class Result:
    """A lazily streamed query result. Iterating pulls rows from the running query; ``consume``
    discards the rest and returns the summary. The session finishes (and, in auto-commit mode,
    commits) the query when the result is exhausted, consumed, or the next query runs."""

    def __init__(
        self,
        keys: tuple[str, ...],
        rows: Iterator[tuple[Any, ...]],
        finish: Callable[[], ResultSummary],
        fail: Callable[[BaseException], MgError],
    ) -> None:
        self._keys = keys
        self._rows: Iterator[tuple[Any, ...]] | None = rows
        self._buffer: collections.deque[Record] = collections.deque()
        self._finish = finish
        self._fail = fail
        self._summary: ResultSummary | None = None
        self._error: MgError | None = None
        self._record = record_class(keys)

    def keys(self) -> list[str]:
        return list(self._keys)

    def _pull(self) -> Record | None:
        rows = self._rows
        if rows is None:
            return None
        try:
            row = next(rows)
        except StopIteration:
            self._done()
            return None
        except BaseException as exc:
            self._rows = None
            self._error = self._fail(exc)
            raise self._error from exc
        return self._record(row)

    def _done(self) -> None:
        self._rows = None
        if self._error is not None:
            raise self._error
        if self._summary is None:
            self._summary = self._finish()

    def __iter__(self) -> Iterator[Record]:
        while self._buffer:
            yield self._buffer.popleft()
        while True:
            record = self._pull()
            if record is None:
                return
            yield record

    def __next__(self) -> Record:
        if self._buffer:
            return self._buffer.popleft()
        record = self._pull()
        if record is None:
            raise StopIteration
        return record

    def peek(self) -> Record | None:
        """The next record without consuming it, or None at the end."""
        if not self._buffer:
            record = self._pull()
            if record is None:
                return None
            self._buffer.append(record)
        return self._buffer[0]

    def fetch(self, n: int) -> list[Record]:
        """Up to ``n`` next records."""
        out: list[Record] = []
        for record in self:
            out.append(record)
            if len(out) >= n:
                break
        return out

    def pull_rows(self, n: int) -> tuple[list[tuple[Any, ...]], bool]:
        """Up to ``n`` next rows as plain tuples (all of them when ``n`` < 0) and whether more
        remain: the Bolt server's PULL, which must not build a Record per row."""
        rows: list[tuple[Any, ...]] = []
        buffer = self._buffer
        while buffer and (n < 0 or len(rows) < n):
            rows.append(tuple(buffer.popleft()))
        source = self._rows
        if source is not None:
            try:
                if n < 0:
                    rows.extend(source)
                else:
                    for _ in range(n - len(rows)):
                        rows.append(next(source))
            except StopIteration:
                pass
            except BaseException as exc:
                self._rows = None
                self._error = self._fail(exc)
                raise self._error from exc
        return rows, self.peek() is not None

    def cancel(self, message: str = "The query was cancelled.") -> None:
        """Stop the query without finishing it: its transaction is rolled back (auto-commit) or
        marked failed (explicit), and reading the result raises."""
        self._buffer.clear()
        rows, self._rows = self._rows, None
        if rows is None:
            return
        close = getattr(rows, "close", None)
        if close is not None:
            with contextlib.suppress(Exception):  # the rollback must happen whatever close does
                close()
        self._error = self._fail(TransactionError(message))

    def buffer_all(self) -> None:
        """Pull every remaining row into memory (the session does this before the next query)."""
        while True:
            record = self._pull()
            if record is None:
                return
            self._buffer.append(record)

    def single(self, strict: bool = True) -> Record | None:
        """The one and only record. With ``strict`` (the default) zero or several records are an
        error; otherwise None for zero records and the first of several."""
        records = list(self)
        if len(records) == 1:
            return records[0]
        if not strict and not records:
            return None
        if not strict:
            return records[0]
        raise ClientError(f"Expected a result with a single record, but got {len(records)}.")

    def data(self, *keys: str) -> list[dict[str, Any]]:
        """Remaining records as dicts."""
        return [record.data(*keys) for record in self]

    def values(self, *keys: str | int) -> list[list[Any]]:
        return [record.values(*keys) for record in self]

    def value(self, key: str | int = 0, default: Any = None) -> list[Any]:
        """One column of the remaining records."""
        out = []
        for record in self:
            if isinstance(key, str):
                out.append(record.get(key, default))
            else:
                out.append(record[key] if key < len(record) else default)
        return out

    def consume(self) -> ResultSummary:
        """Discard remaining records and return the summary (committing auto-commit work)."""
        self._buffer.clear()
        while self._pull() is not None:
            pass
        self._done()
        assert self._summary is not None
        return self._summary

    @property
    def closed(self) -> bool:
        return self._rows is None and not self._buffer

    def to_list(self) -> Sequence[Record]:
        return list(self)
