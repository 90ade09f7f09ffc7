"""Streaming snapshot files: named sections of checksummed records, written atomically.

File layout (all integers big-endian)::

    header    magic "MGCORESN" | u32 format version | u32 n | n bytes msgpack metadata | u32 crc32
    frame     u32 length (>= 1, of tag + data) | u32 crc32(tag + data) | u8 tag | data
              tag "S": a section starts, data is its UTF-8 name
              tag "R": one record of the current section, data is the engine's payload
              ...
              tag "F": the footer, data is msgpack {"sections": [[name, offset, end, count], ...],
                       "records": total, "metadata": {...}}
    trailer   u64 footer offset | u32 crc32(footer offset) | end marker "MGSNEND\\0"

Every byte is covered by a CRC or compared with a constant, so any truncation or bit flip raises
``StorageError``: a truncated file has no valid trailer (caught when opening), a damaged record
fails its CRC when its section is read (``verify`` reads everything up front). The reader never
returns partial data silently; the engine falls back to an older snapshot.

Records are framed one at a time through a buffered file, so memory stays flat for millions of
records. The writer writes ``<name>.<random>.tmp`` in the target directory, fsyncs it and renames
it into place on ``finish``; ``abort`` (or leaving the ``with`` block without ``finish``)
deletes it, so a file under a snapshot name is always complete.

Names follow Memgraph: ``YYYYmmddHHMMSSffffff_timestamp_<durable timestamp>`` (UTC creation time).
"""

from __future__ import annotations

import contextlib
import os
import re
import struct
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from mgcore.storage.errors import StorageError
from mgcore.storage.kit import serde
from mgcore.storage.kit.wal import (
    FRAME,
    TEMP_SUFFIX,
    decode_header,
    encode_header,
    fsync_directory,
    remove_temporary_files,
)

__all__ = [
    "END_MARKER",
    "FORMAT_VERSION",
    "MAGIC",
    "SectionInfo",
    "SnapshotFile",
    "SnapshotReader",
    "SnapshotWriter",
    "apply_retention",
    "list_snapshots",
    "parse_snapshot_name",
    "remove_temporary_files",
    "snapshot_file_name",
]

MAGIC = b"MGCORESN"
END_MARKER = b"MGSNEND\x00"
FORMAT_VERSION = 1

_TAGGED = struct.Struct(">IIB")
_TRAILER = struct.Struct(">QI8s")
_U64 = struct.Struct(">Q")
_SECTION, _RECORD, _FOOTER = b"S", b"R", b"F"
_CRC_RECORD = zlib.crc32(_RECORD)
_RECORD_TAG = _RECORD[0]


@dataclass(frozen=True, slots=True)
class SectionInfo:
    """One section of a snapshot: its name, byte range and record count."""

    name: str
    offset: int
    end: int
    count: int


class SnapshotWriter:
    """Writes a snapshot record by record into a temporary file; ``finish`` publishes it.

    Call ``section(name)`` before the records of each section; sections are kept in the order
    written and names must be unique. Not thread-safe.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        metadata: Mapping[str, Any] | None = None,
        *,
        buffer_size: int = 1 << 20,
    ) -> None:
        """Create the temporary file and write the header with ``metadata``."""
        self.path = Path(path)
        if self.path.exists():
            raise StorageError(f"snapshot {self.path} already exists")
        header = encode_header(MAGIC, FORMAT_VERSION, dict(metadata or {}))
        try:
            fd, tmp = tempfile.mkstemp(
                prefix=self.path.name + ".", suffix=TEMP_SUFFIX, dir=self.path.parent
            )
        except OSError as exc:
            raise StorageError(f"cannot create snapshot {self.path}: {exc}") from exc
        self.temp_path = Path(tmp)
        self._file: IO[bytes] = os.fdopen(fd, "wb", buffering=buffer_size)
        self._sections: list[SectionInfo] = []
        self._names: set[str] = set()
        self._section: str | None = None
        self._section_offset = 0
        self._count = 0
        self._total = 0
        self._offset = 0
        self._done = False
        self._packer = serde.Packer()
        self._write(header)

    @property
    def record_count(self) -> int:
        """Records written so far, over all sections."""
        return self._total + self._count

    @property
    def size(self) -> int:
        """Bytes written so far."""
        return self._offset

    def section(self, name: str) -> None:
        """Start the section ``name``; the records appended next belong to it."""
        self._check()
        if not isinstance(name, str) or not name:
            raise ValueError("a section name must be a non-empty string")
        if name in self._names:
            raise ValueError(f"section {name!r} was already written")
        self._end_section()
        self._names.add(name)
        self._section, self._section_offset, self._count = name, self._offset, 0
        self._frame(_SECTION, name.encode())

    def append(self, payload: bytes) -> None:
        """Write one record (opaque bytes) to the current section."""
        if self._section is None:
            self._check()
            raise ValueError("call section() before appending records")
        try:
            self._file.write(
                _TAGGED.pack(len(payload) + 1, zlib.crc32(payload, _CRC_RECORD), _RECORD_TAG)
            )
            self._file.write(payload)
        except OSError as exc:
            self._fail(exc)
        self._offset += _TAGGED.size + len(payload)
        self._count += 1

    def append_value(self, obj: Any) -> None:
        """Serialise ``obj`` with ``serde`` and write it as one record."""
        self.append(self._packer.pack(obj))

    def finish(self, metadata: Mapping[str, Any] | None = None) -> Path:
        """Write the footer (with ``metadata``) and trailer, fsync, rename into place."""
        self._check()
        self._end_section()
        footer = {
            "sections": [[s.name, s.offset, s.end, s.count] for s in self._sections],
            "records": self._total,
            "metadata": dict(metadata or {}),
        }
        footer_offset = self._offset
        offset_bytes = _U64.pack(footer_offset)
        self._frame(_FOOTER, serde.pack(footer))
        self._write(_TRAILER.pack(footer_offset, zlib.crc32(offset_bytes), END_MARKER))
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            if self.path.exists():
                raise FileExistsError(f"{self.path} appeared while the snapshot was written")
            os.rename(self.temp_path, self.path)
            fsync_directory(self.path.parent)
        except OSError as exc:
            self._fail(exc)
        self._done = True
        return self.path

    def abort(self) -> None:
        """Discard the snapshot: close and delete the temporary file."""
        if self._done:
            return
        self._done = True
        self._section = None
        with contextlib.suppress(OSError):
            self._file.close()
        self.temp_path.unlink(missing_ok=True)

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()

    def _check(self) -> None:
        if self._done:
            raise StorageError(f"snapshot writer for {self.path} is finished or aborted")

    def _end_section(self) -> None:
        if self._section is not None:
            self._sections.append(
                SectionInfo(self._section, self._section_offset, self._offset, self._count)
            )
            self._total += self._count
            self._section, self._count = None, 0

    def _frame(self, tag: bytes, data: bytes) -> None:
        crc = zlib.crc32(data, zlib.crc32(tag))
        self._write(FRAME.pack(len(data) + 1, crc) + tag + data)

    def _write(self, data: bytes) -> None:
        try:
            self._file.write(data)
        except OSError as exc:
            self._fail(exc)
        self._offset += len(data)

    def _fail(self, exc: OSError) -> None:
        self.abort()
        raise StorageError(f"writing snapshot {self.path} failed: {exc}") from exc


class SnapshotReader:
    """Opens a snapshot, checks header, trailer and footer, and streams records per section."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Validate the file's structure; raises ``StorageError`` if it is damaged."""
        self.path = Path(path)
        try:
            with open(self.path, "rb") as file:
                self.file_size = os.fstat(file.fileno()).st_size
                self.version, self.metadata, self.data_offset = decode_header(
                    file, self.path, MAGIC, range(FORMAT_VERSION, FORMAT_VERSION + 1), "snapshot"
                )
                footer = self._read_footer(file)
        except OSError as exc:
            raise StorageError(f"cannot read snapshot {self.path}: {exc}") from exc
        self.sections: dict[str, SectionInfo] = {}
        self.footer_metadata: dict[str, Any] = {}
        self.record_count = 0
        self._check_footer(footer)

    def _error(self, problem: str) -> StorageError:
        return StorageError(f"snapshot {self.path} is damaged: {problem}")

    def _read_footer(self, file: IO[bytes]) -> Any:
        trailer_at = self.file_size - _TRAILER.size
        if trailer_at < self.data_offset + FRAME.size + 1:
            raise self._error("truncated (no footer)")
        file.seek(trailer_at)
        footer_offset, crc, marker = _TRAILER.unpack(file.read(_TRAILER.size))
        if marker != END_MARKER:
            raise self._error("no end marker (truncated or never finished)")
        if zlib.crc32(_U64.pack(footer_offset)) != crc:
            raise self._error("corrupt trailer")
        if not self.data_offset <= footer_offset <= trailer_at - FRAME.size - 1:
            raise self._error(f"footer offset {footer_offset} out of range")
        file.seek(footer_offset)
        length, crc = FRAME.unpack(file.read(FRAME.size))
        if footer_offset + FRAME.size + length != trailer_at:
            raise self._error("footer length does not match the file size")
        data = file.read(length)
        if len(data) != length or zlib.crc32(data) != crc or data[:1] != _FOOTER:
            raise self._error("corrupt footer")
        self._footer_offset = footer_offset
        try:
            return serde.unpack(data[1:])
        except StorageError as exc:
            raise self._error(f"undecodable footer: {exc}") from exc

    def _check_footer(self, footer: Any) -> None:
        """Check the section table: well-formed, contiguous, counts adding up."""
        if not isinstance(footer, dict):
            raise self._error("malformed footer")
        sections, total = footer.get("sections"), footer.get("records")
        meta = footer.get("metadata")
        if not isinstance(sections, list) or type(total) is not int or not isinstance(meta, dict):
            raise self._error("malformed footer")
        position = self.data_offset
        for entry in sections:
            if not (
                isinstance(entry, list)
                and len(entry) == 4
                and isinstance(entry[0], str)
                and all(type(v) is int for v in entry[1:])
            ):
                raise self._error("malformed section table")
            info = SectionInfo(*entry)
            if info.offset != position or info.end < info.offset or info.count < 0:
                raise self._error(f"section {info.name!r} has an inconsistent range")
            if info.name in self.sections:
                raise self._error(f"section {info.name!r} appears twice")
            self.sections[info.name] = info
            position = info.end
        if position != self._footer_offset:
            raise self._error("sections do not end at the footer")
        if sum(s.count for s in self.sections.values()) != total:
            raise self._error("record counts do not add up")
        self.record_count = total
        self.footer_metadata = meta

    def section_names(self) -> list[str]:
        """The sections in the order they were written."""
        return list(self.sections)

    def records(self, section: str) -> Iterator[bytes]:
        """Stream the payloads of one section; damage raises ``StorageError`` on reaching it."""
        info = self.sections.get(section)
        if info is None:
            raise StorageError(f"snapshot {self.path} has no section {section!r}")
        return self._stream(info)

    def values(self, section: str) -> Iterator[Any]:
        """Stream one section's records deserialised with ``serde.unpack``."""
        unpack = serde.unpack
        for payload in self.records(section):
            try:
                value = unpack(payload)
            except StorageError as exc:
                raise self._error(f"undecodable record in section {section!r}: {exc}") from exc
            yield value

    def verify(self) -> None:
        """Read every record of every section, checking all CRCs and counts."""
        for name in self.sections:
            for _ in self.records(name):
                pass

    def _stream(self, info: SectionInfo) -> Iterator[bytes]:
        where = f"section {info.name!r}"
        try:
            file = open(self.path, "rb", buffering=1 << 20)  # noqa: SIM115
        except OSError as exc:
            raise StorageError(f"cannot read snapshot {self.path}: {exc}") from exc
        with file:
            file.seek(info.offset)
            name = info.name.encode()
            head = file.read(_TAGGED.size + len(name))
            expected = FRAME.pack(len(name) + 1, zlib.crc32(name, zlib.crc32(_SECTION)))
            if head != expected + _SECTION + name:
                raise self._error(f"bad start of {where} at offset {info.offset}")
            pos, end, count = info.offset + len(head), info.end, 0
            tagged, crc_record = _TAGGED, _CRC_RECORD
            while pos < end:
                if pos + tagged.size > end:
                    raise self._error(f"torn record frame in {where} at offset {pos}")
                length, crc, tag = tagged.unpack(file.read(tagged.size))
                if length == 0 or pos + FRAME.size + length > end:
                    raise self._error(f"bad record length in {where} at offset {pos}")
                payload = file.read(length - 1)
                if (
                    tag != _RECORD_TAG
                    or len(payload) != length - 1
                    or zlib.crc32(payload, crc_record) != crc
                ):
                    raise self._error(f"corrupt record in {where} at offset {pos}")
                pos += FRAME.size + length
                count += 1
                yield payload
            if count != info.count:
                raise self._error(f"{where} holds {count} records, the footer says {info.count}")

    def __enter__(self) -> SnapshotReader:
        return self

    def __exit__(self, *exc: object) -> None:
        """Nothing to release: each stream opens and closes its own file."""


class SnapshotFile(NamedTuple):
    """A snapshot file found in a directory, with what its name says."""

    path: Path
    timestamp: int
    created: str


_NAME = re.compile(r"^(\d{20})_timestamp_(\d+)$")


def snapshot_file_name(timestamp: int, when: datetime | None = None) -> str:
    """``YYYYmmddHHMMSSffffff_timestamp_<timestamp>``, as Memgraph names snapshots."""
    when = when or datetime.now(UTC)
    return f"{when:%Y%m%d%H%M%S%f}_timestamp_{timestamp}"


def parse_snapshot_name(name: str) -> tuple[str, int] | None:
    """(creation time text, durable timestamp) of a snapshot name, or None for other files."""
    match = _NAME.match(name)
    return (match.group(1), int(match.group(2))) if match else None


def list_snapshots(directory: str | os.PathLike[str]) -> list[SnapshotFile]:
    """The snapshots in ``directory``, newest first (by durable timestamp, then creation)."""
    found = []
    directory = Path(directory)
    if not directory.is_dir():
        return []
    for path in directory.iterdir():
        parsed = parse_snapshot_name(path.name)
        if parsed is not None and path.is_file():
            found.append(SnapshotFile(path, parsed[1], parsed[0]))
    found.sort(key=lambda s: (s.timestamp, s.created), reverse=True)
    return found


def apply_retention(directory: str | os.PathLike[str], keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest snapshots; returns the deleted paths."""
    if keep < 1:
        raise ValueError("at least one snapshot must be kept")
    removed = [snap.path for snap in list_snapshots(directory)[keep:]]
    for path in removed:
        path.unlink(missing_ok=True)
    if removed:
        fsync_directory(Path(directory))
    return removed
