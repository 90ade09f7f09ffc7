"""Write-ahead log files: checksummed record framing, torn-tail recovery and group commit.

File layout (all integers big-endian)::

    header   magic "MGCOREWL" | u32 format version | u32 n | n bytes msgpack metadata | u32 crc32
    record   u32 length (> 0) | u32 crc32(payload) | payload
    record   ...

The header metadata is ``{"uuid": str, "sequence": int, "metadata": {...}}``: the storage UUID
and the file's place in the WAL chain (Memgraph's storage UUID and sequence number), plus
whatever the engine adds (an epoch id, the first commit timestamp, ...). The header CRC covers
every header byte before it. A new file is written to ``<name>.tmp``, synced and renamed, so a
file under a WAL name always has a whole header: a bad header is corruption, never a crash
artefact, and raises ``StorageError`` naming the file.

A crash can leave a torn last record, and a lost page cache can leave garbage or zeros after the
last synced record. The reader therefore stops at the first record whose length is zero or runs
past the end of the file, or whose CRC does not match, and reports where the good prefix ends;
``truncate_torn_tail`` cuts the file back to it. msgpack alone cannot do this: it stops silently
at a torn tail and decodes bit flips (design/dependencies.md section 4).

Durable commits go through one ``GroupCommitter`` thread, which writes every record queued since
its last round with one ``write`` and one ``fdatasync``. Both release the GIL, so query threads
keep running while the disk works.
"""

from __future__ import annotations

import logging
import os
import re
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple, TypeVar

from mgcore.storage.errors import StorageError
from mgcore.storage.kit import serde

__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "MAX_RECORD_SIZE",
    "WAL_SUFFIX",
    "CommitTicket",
    "FsyncPolicy",
    "GroupCommitter",
    "WalContents",
    "WalHeader",
    "WalPosition",
    "WalReader",
    "WalWriter",
    "list_wal_files",
    "read_wal",
    "read_wal_header",
    "remove_temporary_files",
    "truncate_torn_tail",
    "wal_file_name",
]

log = logging.getLogger(__name__)

MAGIC = b"MGCOREWL"
FORMAT_VERSION = 1
MAX_RECORD_SIZE = (1 << 31) - 1
MAX_HEADER_METADATA = 1 << 20
WAL_SUFFIX = ".wal"
TEMP_SUFFIX = ".tmp"

FRAME = struct.Struct(">II")
_HEADER_FIXED = struct.Struct(">8sII")
_U32 = struct.Struct(">I")

T = TypeVar("T")

_fdatasync: Callable[[int], None] = getattr(os, "fdatasync", os.fsync)


# Shared by the snapshot module: headers, directory sync, atomic creation.


def encode_header(magic: bytes, version: int, metadata: Mapping[str, Any]) -> bytes:
    """A file header: magic, version, msgpack metadata and a CRC over all of it."""
    meta = serde.pack(dict(metadata))
    head = _HEADER_FIXED.pack(magic, version, len(meta)) + meta
    return head + _U32.pack(zlib.crc32(head))


def decode_header(
    file: IO[bytes], path: Path, magic: bytes, versions: range, kind: str
) -> tuple[int, dict[str, Any], int]:
    """Read and check a header at the start of ``file``: (version, metadata, header size)."""
    fixed = file.read(_HEADER_FIXED.size)
    if len(fixed) < _HEADER_FIXED.size:
        raise StorageError(f"{kind} file {path}: truncated header ({len(fixed)} bytes)")
    found, version, length = _HEADER_FIXED.unpack(fixed)
    if found != magic:
        raise StorageError(f"{kind} file {path}: bad magic {found!r}, not a {kind} file")
    if length > MAX_HEADER_METADATA:
        raise StorageError(f"{kind} file {path}: corrupt header (metadata length {length})")
    rest = file.read(length + _U32.size)
    if len(rest) < length + _U32.size:
        raise StorageError(f"{kind} file {path}: truncated header")
    (crc,) = _U32.unpack_from(rest, length)
    if zlib.crc32(rest[:length], zlib.crc32(fixed)) != crc:
        raise StorageError(f"{kind} file {path}: corrupt header (CRC mismatch)")
    if version not in versions:
        raise StorageError(
            f"{kind} file {path}: format version {version} is not supported "
            f"(this mgcore reads {versions.start}..{versions.stop - 1})"
        )
    try:
        metadata = serde.unpack(rest[:length])
    except StorageError as exc:
        raise StorageError(f"{kind} file {path}: undecodable header metadata: {exc}") from exc
    if not isinstance(metadata, dict):
        raise StorageError(f"{kind} file {path}: corrupt header metadata")
    return version, metadata, _HEADER_FIXED.size + length + _U32.size


def fsync_directory(directory: Path) -> None:
    """Make a rename or unlink in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes | memoryview) -> None:
    """``os.write`` until every byte is written (a write may be partial)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def remove_temporary_files(directory: str | os.PathLike[str]) -> list[Path]:
    """Delete the ``*.tmp`` files a crash left in ``directory`` (call at start-up, before any
    writer runs); returns them."""
    removed = []
    for path in Path(directory).glob(f"*{TEMP_SUFFIX}"):
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


# Header and naming.


@dataclass(frozen=True, slots=True)
class WalHeader:
    """What a WAL file's header says about it."""

    path: Path
    version: int
    uuid: str
    sequence: int
    metadata: dict[str, Any] = field(default_factory=dict)
    data_offset: int = 0


def _read_header(file: IO[bytes], path: Path) -> WalHeader:
    version, meta, size = decode_header(
        file, path, MAGIC, range(FORMAT_VERSION, FORMAT_VERSION + 1), "WAL"
    )
    uuid, sequence, extra = meta.get("uuid"), meta.get("sequence"), meta.get("metadata", {})
    if not isinstance(uuid, str) or type(sequence) is not int or not isinstance(extra, dict):
        raise StorageError(f"WAL file {path}: header lacks a uuid or sequence number")
    return WalHeader(path, version, uuid, sequence, extra, size)


def read_wal_header(path: str | os.PathLike[str]) -> WalHeader:
    """Read only the header of a WAL file (cheap; for ordering and choosing files)."""
    path = Path(path)
    try:
        with open(path, "rb") as file:
            return _read_header(file, path)
    except OSError as exc:
        raise StorageError(f"cannot read WAL file {path}: {exc}") from exc


def wal_file_name(sequence: int, when: datetime | None = None) -> str:
    """Memgraph-like name ``YYYYmmddHHMMSSffffff_seq_<sequence>.wal`` (UTC creation time)."""
    when = when or datetime.now(UTC)
    return f"{when:%Y%m%d%H%M%S%f}_seq_{sequence:012d}{WAL_SUFFIX}"


_WAL_NAME = re.compile(r"^\d{20}_seq_\d+\.wal$")


def list_wal_files(directory: str | os.PathLike[str]) -> list[WalHeader]:
    """Headers of the WAL files in ``directory`` ordered by sequence number (oldest first)."""
    if not Path(directory).is_dir():
        return []
    headers = [
        read_wal_header(path)
        for path in Path(directory).iterdir()
        if _WAL_NAME.match(path.name) and path.is_file()
    ]
    headers.sort(key=lambda h: (h.sequence, h.path.name))
    return headers


# Reading.


class WalReader:
    """Streams the payloads of one WAL file in order, stopping at the first torn or bad record.

    After iteration, ``end_offset`` is where the good prefix ends, ``record_count`` how many
    records it holds, and ``stop_reason`` why reading stopped early (``None`` at a clean end).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self._file: IO[bytes] = open(self.path, "rb", buffering=1 << 20)  # noqa: SIM115
        except OSError as exc:
            raise StorageError(f"cannot open WAL file {self.path}: {exc}") from exc
        try:
            self.header = _read_header(self._file, self.path)
            self.file_size = os.fstat(self._file.fileno()).st_size
        except BaseException:
            self._file.close()
            raise
        self.end_offset = self.header.data_offset
        self.record_count = 0
        self.stop_reason: str | None = None

    @property
    def torn(self) -> bool:
        """Whether reading stopped before the end of the file."""
        return self.stop_reason is not None

    @property
    def bytes_after_good_prefix(self) -> int:
        """Bytes after the last good record (after iteration: the torn or corrupt tail)."""
        return self.file_size - self.end_offset

    def __iter__(self) -> Iterator[bytes]:
        return self.records()

    def records(self) -> Iterator[bytes]:
        """Yield payloads from the end of the good prefix on; stops at the first bad record."""
        if self.stop_reason is not None:
            return
        file, size, frame = self._file, self.file_size, FRAME
        file.seek(self.end_offset)
        while True:
            pos = self.end_offset
            remaining = size - pos
            if remaining == 0:
                return
            if remaining < frame.size:
                self.stop_reason = f"torn record frame at offset {pos}"
                return
            length, crc = frame.unpack(file.read(frame.size))
            if length == 0:
                self.stop_reason = f"zero record length at offset {pos}"
                return
            if length > remaining - frame.size:
                self.stop_reason = (
                    f"torn or corrupt record at offset {pos}: length {length}, "
                    f"{remaining - frame.size} bytes left"
                )
                return
            payload = file.read(length)
            if len(payload) != length:
                self.stop_reason = f"short read at offset {pos} (file shrank)"
                return
            if zlib.crc32(payload) != crc:
                self.stop_reason = f"CRC mismatch in record at offset {pos}"
                return
            self.end_offset = pos + frame.size + length
            self.record_count += 1
            yield payload

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def __enter__(self) -> WalReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class WalContents:
    """A whole WAL file read into memory: its header, good records and where they end."""

    header: WalHeader
    records: list[bytes]
    end_offset: int
    file_size: int
    stop_reason: str | None


def read_wal(path: str | os.PathLike[str]) -> WalContents:
    """Read every good record of a WAL file into a list (small files, tests, tools)."""
    with WalReader(path) as reader:
        records = list(reader)
        return WalContents(
            reader.header, records, reader.end_offset, reader.file_size, reader.stop_reason
        )


def truncate_torn_tail(path: str | os.PathLike[str]) -> tuple[int, int]:
    """Cut a WAL file back to its last good record: (records kept, bytes dropped).

    The caller logs a warning when bytes were dropped; it is the normal outcome of a crash.
    """
    with WalReader(path) as reader:
        for _ in reader:
            pass
        kept, end, dropped = reader.record_count, reader.end_offset, reader.bytes_after_good_prefix
    if dropped:
        try:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.ftruncate(fd, end)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise StorageError(f"cannot truncate the torn tail of WAL file {path}: {exc}") from exc
    return kept, dropped


# Writing.


class WalWriter:
    """Appends framed records to one WAL file; not thread-safe (one owner, or a GroupCommitter).

    ``append`` only buffers; ``flush`` hands the buffer to the OS in one write (a process crash
    keeps it), ``sync`` also calls ``fdatasync`` (a power loss keeps it). A failed write cuts the
    file back to the last flushed record, so no half record is ever left behind; a failed sync
    makes the writer unusable (the kernel may already have dropped the unsynced pages).
    """

    def __init__(self, path: Path, fd: int, header: WalHeader, size: int, buffer_size: int) -> None:
        """Use ``create`` or ``open``."""
        self.path = path
        self.header = header
        self._fd = fd
        self._size = size
        self._flushed = size
        self._synced = size
        self._pending: list[bytes] = []
        self._buffer_size = buffer_size
        self._failure: str | None = None
        self._closed = False
        self._os_write: Callable[[int, bytes], None] = write_all
        self._os_sync: Callable[[int], None] = _fdatasync

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        uuid: str,
        sequence: int,
        metadata: Mapping[str, Any] | None = None,
        buffer_size: int = 1 << 20,
    ) -> WalWriter:
        """Create a new WAL file atomically (header written, synced, then renamed into place)."""
        path = Path(path)
        if path.exists():
            raise StorageError(f"WAL file {path} already exists")
        meta = {"uuid": uuid, "sequence": sequence, "metadata": dict(metadata or {})}
        data = encode_header(MAGIC, FORMAT_VERSION, meta)
        tmp = path.with_name(path.name + TEMP_SUFFIX)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        except OSError as exc:
            raise StorageError(f"cannot create WAL file {path}: {exc}") from exc
        try:
            write_all(fd, data)
            os.fsync(fd)
            os.rename(tmp, path)
            fsync_directory(path.parent)
        except OSError as exc:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise StorageError(f"cannot create WAL file {path}: {exc}") from exc
        header = WalHeader(path, FORMAT_VERSION, uuid, sequence, dict(metadata or {}), len(data))
        return cls(path, fd, header, len(data), buffer_size)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, buffer_size: int = 1 << 20) -> WalWriter:
        """Reopen an existing WAL file to append; a torn tail must be truncated first."""
        with WalReader(path) as reader:
            for _ in reader:
                pass
        if reader.torn:
            raise StorageError(
                f"WAL file {reader.path} has a torn or corrupt tail ({reader.stop_reason}); "
                "call truncate_torn_tail before appending"
            )
        try:
            fd = os.open(reader.path, os.O_WRONLY)
            os.lseek(fd, reader.end_offset, os.SEEK_SET)
        except OSError as exc:
            raise StorageError(f"cannot open WAL file {reader.path}: {exc}") from exc
        return cls(reader.path, fd, reader.header, reader.end_offset, buffer_size)

    @property
    def size(self) -> int:
        """File size including buffered records: compare with a limit to rotate."""
        return self._size

    @property
    def synced_size(self) -> int:
        """File size up to which records are known to be on stable storage."""
        return self._synced

    @property
    def failed(self) -> bool:
        """Whether an earlier sync failure made this writer unusable."""
        return self._failure is not None

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called."""
        return self._closed

    def _check(self) -> None:
        if self._failure is not None:
            raise StorageError(
                f"WAL file {self.path} is unusable after an earlier failure: {self._failure}"
            )
        if self._closed:
            raise StorageError(f"WAL file {self.path} is closed")

    def append(self, payload: bytes) -> int:
        """Buffer one record and return its offset in the file."""
        self._check()
        length = len(payload)
        if not 0 < length <= MAX_RECORD_SIZE:
            raise ValueError(f"WAL record payload must have 1..{MAX_RECORD_SIZE} bytes")
        if type(payload) is not bytes:
            payload = bytes(payload)
        offset = self._size
        self._pending.append(FRAME.pack(length, zlib.crc32(payload)))
        self._pending.append(payload)
        self._size = offset + FRAME.size + length
        if self._size - self._flushed >= self._buffer_size:
            self.flush()
        return offset

    def flush(self) -> None:
        """Write the buffered records to the OS; on failure the file is cut back and nothing
        buffered survives."""
        self._check()
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        try:
            self._os_write(self._fd, data)
        except OSError as exc:
            self._cut(self._flushed, f"write failed: {exc}")
            raise StorageError(f"write to WAL file {self.path} failed: {exc}") from exc
        self._flushed = self._size

    def sync(self) -> None:
        """Flush, then ``fdatasync``: the records are on stable storage when this returns."""
        self.flush()
        if self._synced == self._size:
            return
        try:
            self._os_sync(self._fd)
        except OSError as exc:
            self._failure = f"fdatasync failed: {exc}"
            self._cut(self._synced, self._failure)
            raise StorageError(f"fdatasync of WAL file {self.path} failed: {exc}") from exc
        self._synced = self._size

    def sync_flushed(self) -> None:
        """``fdatasync`` what was already written to the OS, without touching the buffer.

        Safe to call from one thread while another ``append``s and ``flush``es under the owner's
        lock (``GroupCommitter.write``): it only reads the flushed size and syncs the descriptor,
        and only the thread that closes the writer may run it. A failure makes the writer
        unusable (the file is not cut back: another thread may be writing to it)."""
        self._check()
        target = self._flushed
        if self._synced >= target:
            return
        try:
            self._os_sync(self._fd)
        except OSError as exc:
            self._failure = f"fdatasync failed: {exc}"
            raise StorageError(f"fdatasync of WAL file {self.path} failed: {exc}") from exc
        if target > self._synced:
            self._synced = target

    def rollback_to(self, offset: int) -> None:
        """Drop every record after ``offset`` (a ``size`` seen earlier), e.g. a failed group."""
        self._check()
        if not self.header.data_offset <= offset <= self._size:
            raise ValueError(f"offset {offset} is outside the records of {self.path}")
        if offset > self._flushed:
            self.flush()
        self._cut(offset, "rollback failed")
        if self._failure is not None:
            self._check()

    def _cut(self, offset: int, reason: str) -> None:
        """Cut file and buffer back to ``offset``; if even that fails, the writer is unusable."""
        self._pending.clear()
        try:
            os.ftruncate(self._fd, offset)
            os.lseek(self._fd, offset, os.SEEK_SET)
        except OSError as exc:
            self._failure = f"{reason}; truncating back failed: {exc}"
            return
        self._size = self._flushed = offset
        self._synced = min(self._synced, offset)

    def close(self, *, sync: bool = True) -> None:
        """Flush (and by default sync) the buffered records and close the file."""
        if self._closed:
            return
        try:
            if self._failure is None:
                if sync:
                    self.sync()
                else:
                    self.flush()
        finally:
            self._closed = True
            os.close(self._fd)

    def __enter__(self) -> WalWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Group commit.

FsyncPolicy = Literal["always", "batch", "never"]


class WalPosition(NamedTuple):
    """Where a committed record lives: the WAL file's sequence number and the record offset."""

    sequence: int
    offset: int


class _Batch:
    """The records queued between two committer rounds, acknowledged together."""

    __slots__ = ("done", "error", "first_at", "payloads", "positions", "size")

    def __init__(self) -> None:
        self.payloads: list[bytes] = []
        self.positions: list[WalPosition] = []
        self.size = 0
        self.first_at = 0.0
        self.error: BaseException | None = None
        self.done = threading.Event()


class _Call:
    """A function to run on the committer thread between rounds, with the writer."""

    __slots__ = ("done", "error", "fn", "result")

    def __init__(self, fn: Callable[[WalWriter], Any]) -> None:
        self.fn = fn
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = threading.Event()


class CommitTicket:
    """A queued record; ``wait()`` blocks until it is written (and synced, per the policy)."""

    __slots__ = ("_batch", "_index")

    def __init__(self, batch: _Batch, index: int) -> None:
        self._batch = batch
        self._index = index

    @property
    def done(self) -> bool:
        """Whether the record's group has been processed (successfully or not)."""
        return self._batch.done.is_set()

    def wait(self, timeout: float | None = None) -> WalPosition:
        """Block until acknowledged; raises ``StorageError`` if the group failed."""
        batch = self._batch
        if not batch.done.wait(timeout):
            raise TimeoutError("WAL commit not acknowledged in time")
        if batch.error is not None:
            raise StorageError(f"WAL commit failed: {batch.error}") from batch.error
        return batch.positions[self._index]


class GroupCommitter:
    """One thread that writes queued records to a ``WalWriter`` and syncs them per a policy.

    Policies: ``"always"`` acknowledges a record after the ``fdatasync`` that covers it; every
    record queued while a sync runs shares the next one (group commit). ``"batch"``
    acknowledges once the record is written to the OS (it survives a process crash) and syncs
    at most ``max_delay`` seconds later, bounding what a power loss can take (Memgraph's
    ``--storage-wal-file-flush-every-n-tx`` in time rather than in transactions). ``"never"``
    syncs only on ``sync()``, rotation and ``close()``.

    A failed write cuts the file back to before the group and raises ``StorageError`` in every
    caller of that group; later groups may succeed. A failed sync makes the writer unusable and
    every later commit fails: the engine must stop and recover.

    Engines ``enqueue`` under their commit lock (so the log order is the commit order) and
    ``wait`` after releasing it, so that commits can share a sync; ``submit`` does both.
    The committer owns the writer: use ``run`` (or ``sync``, ``rotate``) to touch it.

    Write-through: ``write`` instead writes the record to the OS at once, in the caller's thread,
    and raises ``StorageError`` there if the write fails (the file is cut back, nothing of the
    record stays). An engine calls it under its commit lock *before* publishing the commit, so a
    failed write (disk full) simply fails the commit, which the engine rolls back; the sync that
    makes the record durable still happens on the committer thread, shared by every record
    written since the last one, and the ticket is acknowledged per the policy. Only the
    committer thread syncs, rotates and closes the writer; writes and those steps exchange the
    writer under a lock (``_io``) that is not held during the ``fdatasync`` itself.
    """

    def __init__(
        self,
        writer: WalWriter,
        *,
        fsync: FsyncPolicy = "always",
        max_delay: float = 0.05,
        max_file_size: int | None = None,
        rotate: Callable[[WalWriter], WalWriter] | None = None,
        name: str = "mgcore-wal-committer",
    ) -> None:
        """Start the committer thread; ``rotate`` makes the next writer once ``max_file_size``
        is reached (it gets the full writer, which the committer then closes)."""
        if fsync not in ("always", "batch", "never"):
            raise ValueError(f"unknown fsync policy {fsync!r}; expected always, batch or never")
        if max_delay < 0:
            raise ValueError("max_delay must not be negative")
        if max_file_size is not None and rotate is None:
            raise ValueError("max_file_size needs a rotate function")
        self._writer = writer
        self._policy = fsync
        self._max_delay = max_delay
        self._max_file_size = max_file_size
        self._rotate_factory = rotate
        self._cond = threading.Condition(threading.Lock())
        self._batch = _Batch()
        self._calls: list[_Call] = []
        self._io = threading.Lock()
        self._written = _Batch()
        self._rotate_due = False
        self._closing = False
        self._failure: BaseException | None = None
        self._close_error: BaseException | None = None
        self._sync_due: float | None = None
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    @property
    def writer(self) -> WalWriter:
        """The current writer (read its attributes only; it changes on rotation)."""
        return self._writer

    @property
    def policy(self) -> FsyncPolicy:
        """The fsync policy."""
        return self._policy

    def enqueue(self, payload: bytes) -> CommitTicket:
        """Queue one record without waiting; records are written in enqueue order."""
        length = len(payload)
        if not 0 < length <= MAX_RECORD_SIZE:
            raise ValueError(f"WAL record payload must have 1..{MAX_RECORD_SIZE} bytes")
        if type(payload) is not bytes:
            payload = bytes(payload)
        with self._cond:
            self._check_open()
            batch = self._batch
            index = len(batch.payloads)
            batch.payloads.append(payload)
            batch.size += length
            if index == 0:
                self._cond.notify()
        return CommitTicket(batch, index)

    def write(self, payload: bytes) -> CommitTicket:
        """Write one record to the OS now (write-through, see the class docstring); a failed
        write raises ``StorageError`` here and leaves no trace in the file. The ticket is
        acknowledged after the sync covering the record ("always"), at once otherwise. Callers
        serialise their ``write`` calls themselves when the order matters (a commit lock)."""
        length = len(payload)
        if not 0 < length <= MAX_RECORD_SIZE:
            raise ValueError(f"WAL record payload must have 1..{MAX_RECORD_SIZE} bytes")
        with self._io:
            with self._cond:
                self._check_open()
            writer = self._writer
            start = writer.size
            try:
                offset = writer.append(payload)
                writer.flush()
            except StorageError:
                if not writer.failed and writer.size > start:
                    writer.rollback_to(start)
                raise
            except OSError as exc:  # pragma: no cover - flush turns OSError into StorageError
                raise StorageError(f"write to WAL file {writer.path} failed: {exc}") from exc
            position = WalPosition(writer.header.sequence, offset)
            if self._max_file_size is not None and writer.size >= self._max_file_size:
                self._rotate_due = True
        with self._cond:
            if self._policy == "always":
                batch = self._written
                index = len(batch.positions)
                batch.positions.append(position)
                if index == 0:
                    self._cond.notify()
                return CommitTicket(batch, index)
            if self._rotate_due:
                self._cond.notify()
            if self._policy == "batch" and self._sync_due is None:
                self._sync_due = time.monotonic() + self._max_delay
                self._cond.notify()
        done = _Batch()
        done.positions.append(position)
        done.done.set()
        return CommitTicket(done, 0)

    def submit(self, payload: bytes) -> WalPosition:
        """Queue one record and block until it is acknowledged."""
        return self.enqueue(payload).wait()

    def run(self, fn: Callable[[WalWriter], T]) -> T:
        """Run ``fn(writer)`` on the committer thread after every record queued before."""
        if threading.current_thread() is self._thread:
            return fn(self._writer)
        call = _Call(fn)
        with self._cond:
            self._check_open()
            self._calls.append(call)
            self._cond.notify()
        call.done.wait()
        if call.error is not None:
            raise call.error
        result: T = call.result
        return result

    def sync(self) -> None:
        """Make every record queued so far durable (for the "batch" and "never" policies)."""
        self.run(lambda writer: writer.sync())

    def rotate(self, factory: Callable[[WalWriter], WalWriter] | None = None) -> WalWriter:
        """Switch to the writer ``factory(old)`` returns (default: the configured one) and close
        the old one; returns the new writer."""
        make = factory or self._rotate_factory
        if make is None:
            raise ValueError("no rotate function given")
        return self.run(lambda writer: self._switch(make))

    def close(self) -> None:
        """Write and sync everything queued, stop the thread and close the writer."""
        with self._cond:
            if not self._closing:
                self._closing = True
                self._cond.notify()
        self._thread.join()
        if self._close_error is not None:
            error, self._close_error = self._close_error, None
            raise StorageError(f"closing WAL file failed: {error}") from error

    def __enter__(self) -> GroupCommitter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._failure is not None:
            raise StorageError(f"WAL committer failed: {self._failure}") from self._failure
        if self._closing:
            raise StorageError("WAL committer is closed")

    def _loop(self) -> None:
        try:
            while True:
                batch, written, calls, stop = self._next_round()
                if batch is not None:
                    self._commit(batch)
                if self._sync_due is not None and (stop or time.monotonic() >= self._sync_due):
                    self._periodic_sync()
                if written is not None or self._rotate_due:
                    self._sync_written(written)
                for call in calls:
                    try:
                        with self._io:
                            call.result = call.fn(self._writer)
                    except BaseException as exc:
                        call.error = exc
                    finally:
                        call.done.set()
                if stop:
                    break
        except BaseException as exc:
            log.exception("WAL committer thread died")
            self._die(exc)
        finally:
            try:
                with self._io:
                    self._writer.close()
            except BaseException as exc:
                self._close_error = exc

    def _next_round(self) -> tuple[_Batch | None, _Batch | None, list[_Call], bool]:
        """Wait for work; take the queued batch, the written records awaiting a sync and the
        calls."""
        with self._cond:
            while not (
                self._batch.payloads
                or self._written.positions
                or self._rotate_due
                or self._calls
                or self._closing
            ):
                if self._sync_due is None:
                    self._cond.wait()
                    continue
                remaining = self._sync_due - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            batch: _Batch | None = None
            if self._batch.payloads:
                batch, self._batch = self._batch, _Batch()
            written: _Batch | None = None
            if self._written.positions:
                written, self._written = self._written, _Batch()
            calls, self._calls = self._calls, []
            stop = self._closing and batch is None and written is None and not calls
            return batch, written, calls, stop

    def _sync_written(self, written: _Batch | None) -> None:
        """Rotate if a write asked for it, then sync the records written through ``write``
        (outside ``_io``: writers go on while the disk works) and acknowledge them."""
        try:
            if self._rotate_due:
                with self._io:
                    self._rotate_due = False
                    if self._rotate_factory is not None:
                        try:
                            self._switch(self._rotate_factory)
                        except StorageError:
                            if self._writer.failed or self._failure is not None:
                                raise
                            log.exception("WAL rotation of %s failed; continuing in it",
                                          self._writer.path)
            if written is not None and self._policy == "always":
                # Records of an older file were synced when rotation closed it.
                self._writer.sync_flushed()
        except BaseException as exc:
            if written is not None:
                written.error = exc
            with self._cond:
                self._failure = exc
        finally:
            if written is not None:
                written.done.set()

    def _commit(self, batch: _Batch) -> None:
        """Write one group, sync it per the policy, acknowledge or fail all its callers."""
        with self._io:
            self._commit_locked(batch)

    def _commit_locked(self, batch: _Batch) -> None:
        writer = self._writer
        try:
            start = writer.size
            sequence = writer.header.sequence
            try:
                batch.positions = [WalPosition(sequence, writer.append(p)) for p in batch.payloads]
                writer.flush()
                if self._policy == "always":
                    writer.sync()
            except BaseException as exc:
                batch.error = exc
                if not writer.failed and writer.size > start:
                    try:
                        writer.rollback_to(start)
                    except StorageError:
                        log.exception("cannot roll back WAL file %s", writer.path)
                if writer.failed:
                    with self._cond:
                        self._failure = exc
            else:
                if self._policy == "batch" and self._sync_due is None:
                    self._sync_due = time.monotonic() + self._max_delay
        finally:
            batch.done.set()
        if (
            batch.error is None
            and self._max_file_size is not None
            and writer.size >= self._max_file_size
            and self._rotate_factory is not None
        ):
            try:
                self._switch(self._rotate_factory)
            except Exception:
                log.exception("WAL rotation after %s failed; continuing in it", writer.path)

    def _periodic_sync(self) -> None:
        self._sync_due = None
        try:
            self._writer.sync_flushed()
        except StorageError as exc:
            log.error("%s", exc)
            with self._cond:
                self._failure = exc

    def _switch(self, make: Callable[[WalWriter], WalWriter]) -> WalWriter:
        """Create the next writer, then close (and sync) the old one."""
        old = self._writer
        new = make(old)
        self._writer = new
        self._sync_due = None
        try:
            old.close()
        except StorageError as exc:
            with self._cond:
                self._failure = exc
            raise
        return new

    def _die(self, exc: BaseException) -> None:
        """Fail everything queued after an unexpected error in the committer thread."""
        with self._cond:
            self._failure = exc
            self._closing = True
            batch, self._batch = self._batch, _Batch()
            written, self._written = self._written, _Batch()
            calls, self._calls = self._calls, []
        for pending in (batch, written):
            pending.error = exc
            pending.done.set()
        for call in calls:
            call.error = StorageError(f"WAL committer failed: {exc}")
            call.done.set()
