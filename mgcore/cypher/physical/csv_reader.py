"""Reading CSV for LOAD CSV, with Memgraph's parsing rules (``src/csv/parsing.cpp``).

``CsvReader`` opens a local file or an ``http://``, ``https://`` or ``ftp://`` URL, decompresses
gzip and bzip2 by their magic bytes (not the file name), and yields rows lazily, one line at a
time, so a file of any size streams in constant memory. Memgraph's rules, which mgcore follows:

* Lines end at ``\\n``; one ``\\r`` before it is dropped. A field starting with the quote string
  is quoted: a doubled quote inside is one quote, a delimiter is literal, and the field may span
  lines (the line break itself is not kept). ``\\r`` inside a quoted field is dropped. A quote
  in the middle of an unquoted field is literal. Delimiter and quote may be several characters;
  an empty one means the default (``,`` and ``"``).
* A blank line ends the file (Memgraph stops reading there).
* With a header, every row must have as many fields as the header ("Expected 3 columns in row 4,
  but got 2"); without one, rows may have any length. A duplicate header name keeps its first
  column; an empty name is a key like any other. A file with no header line is an error.
* A bad row (wrong column count, text after a closing quote, a quote never closed, a NUL byte)
  is an error naming its line, or, with IGNORE BAD, skipped.

Text is decoded as UTF-8; undecodable bytes become U+FFFD.
"""

from __future__ import annotations

import bz2
import gzip
import http.client
import io
import os
import re
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any, cast

from mgcore.errors import ClientError

DEFAULT_DELIMITER = ","
DEFAULT_QUOTE = '"'
LINES_PER_TICK = 4096
"""The reader calls its ``tick`` (the query's deadline check) once per this many lines."""

_URL = re.compile(r"(https?|ftp)://")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_GZIP_MAGIC = b"\x1f\x8b"
_BZIP2_MAGIC = b"BZh"
_URL_TIMEOUT = 60.0
"""Seconds a URL may stay silent (connect, or between reads) before LOAD CSV gives up."""

_INITIAL, _NEXT_FIELD, _QUOTING, _EXPECT_DELIMITER, _DONE = range(5)

NO_CLOSING_QUOTE = (
    "There is no more data left to load while inside a quoted string. "
    "Did you forget to close the quote?"
)


class BadRow(Exception):
    """A row that does not parse; the reader reports or skips it."""


def open_location(
    location: str, timeout: float | None = None
) -> tuple[io.BufferedIOBase, io.BufferedIOBase]:
    """A binary stream of the (decompressed) content at ``location`` (a path or a URL), and
    the raw stream under it (a decompressor does not close its source: close both)."""
    if _URL.match(location):
        raw = _open_url(location, timeout)
    elif _SCHEME.match(location):
        raise ClientError(
            f"LOAD CSV can't read {location}: only local files and http://, https:// and"
            " ftp:// URLs are supported."
        )
    else:
        raw = _open_file(location)
    try:
        return _decompressed(raw, location), raw
    except BaseException:
        raw.close()
        raise


def _open_file(path: str) -> io.BufferedReader:
    if not os.path.exists(path):
        raise ClientError(f"CSV file not found: {path}")
    if os.path.isdir(path):
        raise ClientError(f"CSV file {path} couldn't be opened! It is a directory.")
    try:
        return open(path, "rb")  # the reader closes it
    except OSError as error:
        raise ClientError(
            f"CSV file {path} couldn't be opened! {error.strerror or error}."
        ) from None


def _open_url(url: str, timeout: float | None) -> io.BufferedIOBase:
    wait = _URL_TIMEOUT if timeout is None else max(0.001, min(timeout, _URL_TIMEOUT))
    try:
        response = urllib.request.urlopen(url, timeout=wait)
    except urllib.error.HTTPError as error:
        error.close()
        raise ClientError(
            f"CSV was unable to be fetched from {url}: HTTP {error.code} {error.reason}."
        ) from None
    except urllib.error.URLError as error:
        raise ClientError(f"CSV was unable to be fetched from {url}: {error.reason}.") from None
    except (OSError, ValueError) as error:
        raise ClientError(f"CSV was unable to be fetched from {url}: {error}.") from None
    # the response itself, not a BufferedReader over it: its read1 returns what has arrived,
    # so rows stream as the server sends them
    return cast(io.BufferedIOBase, response)


def _decompressed(raw: io.BufferedIOBase, location: str) -> io.BufferedIOBase:
    """``raw`` itself, or a gzip or bzip2 decompressor over it when its first bytes say so."""
    try:
        head = raw.peek(3)[:3]  # type: ignore[attr-defined]  # both kinds of source have it
    except OSError as error:
        raise ClientError(f"CSV file {location} couldn't be read! {error}.") from None
    if head[:2] == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if head == _BZIP2_MAGIC:
        return bz2.BZ2File(raw, mode="rb")
    return raw


class CsvReader:
    """The rows of one CSV source: lists of strings (``None`` where a field equals ``nullif``)
    without a header, maps from the header's names with one. Iterate it once; ``close`` it."""

    def __init__(
        self,
        location: str,
        *,
        with_header: bool,
        ignore_bad: bool = False,
        delimiter: str | None = None,
        quote: str | None = None,
        nullif: str | None = None,
        tick: Callable[[], None] | None = None,
        timeout: float | None = None,
    ) -> None:
        self.location = location
        self.ignore_bad = ignore_bad
        self.delimiter = delimiter or DEFAULT_DELIMITER
        self.quote = quote or DEFAULT_QUOTE
        self.nullif = nullif
        self.tick = tick
        self.line_number = 0
        """Lines read so far: the number of the line a row ended on."""
        self.columns = 0
        """The number of fields each row must have (the header's), or 0: any."""
        self.header: list[str] | None = None
        self._eof = False
        binary, self._raw = open_location(location, timeout)
        self._text = io.TextIOWrapper(
            cast("IO[bytes]", binary), encoding="utf-8", errors="replace", newline="\n"
        )
        self._lines = iter(self._text)
        if with_header:
            try:
                self._read_header()
            except BaseException:
                self.close()
                raise

    def close(self) -> None:
        """Close the source (a file or a connection)."""
        try:
            self._text.close()
        finally:
            self._raw.close()

    def __enter__(self) -> CsvReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------ rows

    def __iter__(self) -> Iterator[Any]:
        header, nullif = self.header, self.nullif
        unique = header is not None and len(set(header)) == len(header)
        while True:
            parsed = self.next_fields()
            if parsed is None:
                return
            fields: list[Any] = parsed
            if nullif is not None:
                fields = [None if f == nullif else f for f in parsed]
            if header is None:
                yield fields
            elif unique:
                yield dict(zip(header, fields, strict=True))
            else:
                row: dict[str, Any] = {}
                for key, value in zip(header, fields, strict=True):
                    row.setdefault(key, value)
                yield row

    def next_fields(self) -> list[str] | None:
        """The next good row's fields, or None at the end. A bad row raises ClientError, or
        is skipped with ``ignore_bad``."""
        while True:
            try:
                return self._parse_row()
            except BadRow as error:
                if not self.ignore_bad:
                    raise ClientError(
                        f"CSV Reader: Bad row at line {self.line_number}: {error}"
                    ) from None
                if self._eof:
                    return None

    def _read_header(self) -> None:
        try:
            header = self._parse_row()
        except BadRow as error:
            raise ClientError(f"CSV reading : {error}") from None
        if header is None:
            raise ClientError(f"CSV file {self.location} empty!")
        self.header = header
        self.columns = len(header)

    def _next_line(self) -> str | None:
        try:
            line = next(self._lines)
        except StopIteration:
            self._eof = True
            return None
        except (OSError, EOFError, zlib.error, ValueError, http.client.HTTPException) as error:
            if self.tick is not None:
                self.tick()  # a read that timed out past the query's deadline is a timeout
            raise ClientError(f"CSV file {self.location} couldn't be read! {error}.") from None
        self.line_number += 1
        if self.tick is not None and self.line_number % LINES_PER_TICK == 0:
            self.tick()
        if line.endswith("\n"):
            line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
        return line

    def _parse_row(self) -> list[str] | None:
        """One row, which may span lines when a quoted field does; None at the end of the
        file or at a blank line (where Memgraph stops)."""
        delimiter, quote = self.delimiter, self.quote
        row: list[str] = []
        state = _INITIAL
        column: list[str] = []
        while True:
            line = self._next_line()
            if line is None:
                break
            if (
                state == _INITIAL
                and quote not in line
                and "\r" not in line
                and "\0" not in line
            ):
                row = line.split(delimiter) if line else []
                state = _DONE
                break
            state = self._parse_line(line, row, column, state)
            if state != _QUOTING:
                break
        if state == _NEXT_FIELD:
            row.append("")
        elif state == _QUOTING:
            raise BadRow(NO_CLOSING_QUOTE)
        if not row:
            return None
        if self.columns and len(row) != self.columns:
            raise BadRow(
                f"Expected {self.columns} columns in row {self.line_number}, but got {len(row)}"
            )
        return row

    def _parse_line(self, line: str, row: list[str], column: list[str], state: int) -> int:
        """Parse ``line`` into ``row`` from ``state`` (``column`` holds a quoted field's text
        so far); return the state at the end of the line."""
        delimiter, quote = self.delimiter, self.quote
        dl, ql = len(delimiter), len(quote)
        pos, end = 0, len(line)
        while state != _DONE and pos < end:
            c = line[pos]
            if c == "\r" or c == "\n":
                pos += 1
                continue
            if state == _QUOTING:
                found = line.find(quote, pos)
                chunk = line[pos:] if found < 0 else line[pos:found]
                if "\0" in chunk:
                    raise BadRow(f"CSV: Line {self.line_number} contains NULL byte")
                column.append(chunk.replace("\r", ""))
                if found < 0:
                    pos = end
                elif line.startswith(quote, found + ql):
                    column.append(quote)
                    pos = found + 2 * ql
                else:
                    row.append("".join(column))
                    column.clear()
                    state = _EXPECT_DELIMITER
                    pos = found + ql
                continue
            if c == "\0":
                raise BadRow(f"CSV: Line {self.line_number} contains NULL byte")
            if state == _EXPECT_DELIMITER:
                if not line.startswith(delimiter, pos):
                    raise BadRow(
                        f"CSV Reader: Expected '{delimiter}' after '{quote}', but got '{c}' at"
                        f" line {self.line_number}"
                    )
                state = _NEXT_FIELD
                pos += dl
            elif line.startswith(quote, pos):
                state = _QUOTING
                pos += ql
            elif line.startswith(delimiter, pos):
                row.append("")
                state = _NEXT_FIELD
                pos += dl
            else:
                found = line.find(delimiter, pos)
                if found < 0:
                    row.append(line[pos:])
                    state = _DONE
                else:
                    row.append(line[pos:found])
                    pos = found + dl
                    state = _NEXT_FIELD
        return state
