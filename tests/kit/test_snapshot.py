"""Tests of mgcore.storage.kit.snapshot: round trips, damage detection, atomicity, retention."""

from __future__ import annotations

import contextlib
import errno
import os
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mgcore.storage.errors import StorageError
from mgcore.storage.kit import serde
from mgcore.storage.kit.snapshot import (
    SnapshotReader,
    SnapshotWriter,
    apply_retention,
    list_snapshots,
    parse_snapshot_name,
    remove_temporary_files,
    snapshot_file_name,
)

VERTICES = [[gid, ["Person"], {"name": f"p{gid}", "age": gid % 90}] for gid in range(5)]
EDGES = [[100 + i, i, i + 1, "KNOWS", {}] for i in range(3)]
MAPPER = {"labels": ["Person"], "types": ["KNOWS"]}


def write_snapshot(path: Path) -> Path:
    """A small snapshot with several sections, one of them empty."""
    with SnapshotWriter(path, {"uuid": "u-1", "timestamp": 42}) as writer:
        writer.section("vertices")
        for vertex in VERTICES:
            writer.append_value(vertex)
        writer.section("edges")
        for edge in EDGES:
            writer.append(serde.pack(edge))
        writer.section("indices")
        writer.section("mapper")
        writer.append_value(MAPPER)
        return writer.finish({"vertex_count": len(VERTICES), "edge_count": len(EDGES)})


def read_everything(path: Path) -> dict[str, list[Any]]:
    """Open and read every section, as an engine's recovery would."""
    reader = SnapshotReader(path)
    return {name: list(reader.values(name)) for name in reader.section_names()}


@contextlib.contextmanager
def flipped(path: Path, position: int, bit: int) -> Iterator[None]:
    """Flip one bit of ``path`` in place for the block (in-place writes keep the loops fast)."""
    fd = os.open(path, os.O_RDWR)
    original = os.pread(fd, 1, position)
    try:
        os.pwrite(fd, bytes([original[0] ^ (1 << bit)]), position)
        yield
    finally:
        os.pwrite(fd, original, position)
        os.close(fd)


def test_round_trip(tmp_path: Path) -> None:
    path = write_snapshot(tmp_path / snapshot_file_name(42))
    reader = SnapshotReader(path)
    assert reader.metadata == {"uuid": "u-1", "timestamp": 42}
    assert reader.footer_metadata == {"vertex_count": 5, "edge_count": 3}
    assert reader.section_names() == ["vertices", "edges", "indices", "mapper"]
    assert {name: s.count for name, s in reader.sections.items()} == {
        "vertices": 5,
        "edges": 3,
        "indices": 0,
        "mapper": 1,
    }
    assert reader.record_count == 9
    assert list(reader.values("edges")) == EDGES
    assert list(reader.values("vertices")) == VERTICES
    assert list(reader.records("indices")) == []
    assert [serde.unpack(r) for r in reader.records("mapper")] == [MAPPER]
    reader.verify()


def test_sections_can_be_streamed_interleaved(tmp_path: Path) -> None:
    reader = SnapshotReader(write_snapshot(tmp_path / "s"))
    vertices, edges = reader.values("vertices"), reader.values("edges")
    pairs = list(zip(vertices, edges, strict=False))
    assert pairs == list(zip(VERTICES, EDGES, strict=False))


def test_snapshot_without_sections(tmp_path: Path) -> None:
    with SnapshotWriter(tmp_path / "s") as writer:
        writer.finish()
    reader = SnapshotReader(tmp_path / "s")
    assert reader.section_names() == [] and reader.record_count == 0
    assert reader.metadata == {} and reader.footer_metadata == {}


def test_unknown_section_is_a_storage_error(tmp_path: Path) -> None:
    reader = SnapshotReader(write_snapshot(tmp_path / "s"))
    with pytest.raises(StorageError, match="no section 'constraints'"):
        reader.records("constraints")


def test_writer_misuse(tmp_path: Path) -> None:
    with SnapshotWriter(tmp_path / "s") as writer:
        with pytest.raises(ValueError, match="section"):
            writer.append(b"orphan")
        writer.section("a")
        with pytest.raises(ValueError, match="already"):
            writer.section("a")
        with pytest.raises(ValueError):
            writer.section("")
        writer.append(b"")
        assert writer.record_count == 1
        writer.finish()
        with pytest.raises(StorageError, match="finished"):
            writer.section("b")
    assert [list(SnapshotReader(tmp_path / "s").records("a"))] == [[b""]]


def test_nothing_under_the_final_name_until_finish(tmp_path: Path) -> None:
    final = tmp_path / snapshot_file_name(7)
    writer = SnapshotWriter(final, {"uuid": "u"})
    writer.section("vertices")
    writer.append_value([1])
    assert not final.exists()
    assert [p.name for p in tmp_path.iterdir()] == [writer.temp_path.name]
    assert writer.temp_path.name.endswith(".tmp")
    assert list_snapshots(tmp_path) == []
    assert writer.finish() == final
    assert [p.name for p in tmp_path.iterdir()] == [final.name]
    assert list(SnapshotReader(final).values("vertices")) == [[1]]


def test_abort_and_exceptions_leave_nothing_behind(tmp_path: Path) -> None:
    writer = SnapshotWriter(tmp_path / "a")
    writer.section("x")
    writer.append(b"data")
    writer.abort()
    writer.abort()
    with pytest.raises(RuntimeError), SnapshotWriter(tmp_path / "b") as failing:
        failing.section("x")
        raise RuntimeError("engine failed mid-snapshot")
    with SnapshotWriter(tmp_path / "c") as unfinished:
        unfinished.section("x")
    assert list(tmp_path.iterdir()) == []


def test_refuses_to_overwrite_an_existing_snapshot(tmp_path: Path) -> None:
    path = write_snapshot(tmp_path / "s")
    with pytest.raises(StorageError, match="already exists"):
        SnapshotWriter(path)
    writer = SnapshotWriter(tmp_path / "t")
    (tmp_path / "t").write_bytes(b"someone else")
    with pytest.raises(StorageError, match="appeared"):
        writer.finish()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s", "t"]


def test_write_error_aborts_and_raises(tmp_path: Path) -> None:
    writer = SnapshotWriter(tmp_path / "s", buffer_size=16)
    writer.section("vertices")

    class FullDisk:
        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            pass

    writer._file = FullDisk()  # type: ignore[assignment]
    with pytest.raises(StorageError, match="No space left"):
        writer.append(b"x" * 100)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(StorageError):
        writer.append(b"y")


def test_truncation_at_every_offset_raises(tmp_path: Path) -> None:
    path = write_snapshot(tmp_path / "cut")
    for cut in range(path.stat().st_size - 1, -1, -1):
        os.truncate(path, cut)
        with pytest.raises(StorageError, match="cut"):
            read_everything(path)


def test_every_bit_flip_raises(tmp_path: Path) -> None:
    path = write_snapshot(tmp_path / "flipped")
    for position in range(path.stat().st_size):
        for bit in range(8):
            with flipped(path, position, bit), pytest.raises(StorageError, match="flipped"):
                read_everything(path)


def test_appended_garbage_raises(tmp_path: Path) -> None:
    path = write_snapshot(tmp_path / "s")
    with open(path, "ab") as file:
        file.write(b"\x00" * 10)
    with pytest.raises(StorageError, match="end marker"):
        SnapshotReader(path)


def test_damage_is_found_by_verify_before_any_record_is_used(tmp_path: Path) -> None:
    path = write_snapshot(tmp_path / "s")
    data = bytearray(path.read_bytes())
    reader = SnapshotReader(path)
    mapper = reader.sections["mapper"]
    data[mapper.end - 2] ^= 0x01
    path.write_bytes(data)
    reader = SnapshotReader(path)
    assert list(reader.values("vertices")) == VERTICES
    with pytest.raises(StorageError, match="corrupt record in section 'mapper'"):
        reader.verify()


def test_memory_stays_flat_while_streaming(tmp_path: Path) -> None:
    payload = serde.pack(["x" * 150, {"k": 1}])
    tracemalloc.start()
    try:
        with SnapshotWriter(tmp_path / "big", buffer_size=1 << 16) as writer:
            writer.section("vertices")
            for _ in range(30_000):
                writer.append(payload)
            writer.finish()
        count = sum(1 for _ in SnapshotReader(tmp_path / "big").records("vertices"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 30_000
    assert (tmp_path / "big").stat().st_size > 4_500_000
    assert peak < 2_500_000


def test_names_listing_and_retention(tmp_path: Path) -> None:
    start = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
    name = snapshot_file_name(42, start)
    assert name == "20240501120000123456_timestamp_42"
    assert parse_snapshot_name(name) == ("20240501120000123456", 42)
    assert parse_snapshot_name("20240501120000123456_timestamp_42.tmp") is None
    for i, timestamp in enumerate([10, 30, 20, 30]):
        when = start + timedelta(seconds=i)
        (tmp_path / snapshot_file_name(timestamp, when)).write_bytes(b"")
    (tmp_path / "unrelated.txt").write_text("keep me")
    (tmp_path / (snapshot_file_name(99) + ".abc123.tmp")).write_bytes(b"partial")
    listed = list_snapshots(tmp_path)
    assert [s.timestamp for s in listed] == [30, 30, 20, 10]
    assert listed[0].created > listed[1].created
    removed = apply_retention(tmp_path, 2)
    assert sorted(p.name for p in removed) == sorted(s.path.name for s in listed[2:])
    assert list_snapshots(tmp_path) == listed[:2]
    assert [p.suffix for p in remove_temporary_files(tmp_path)] == [".tmp"]
    assert (tmp_path / "unrelated.txt").exists()
    with pytest.raises(ValueError):
        apply_retention(tmp_path, 0)
    assert list_snapshots(tmp_path / "missing") == []


def test_undecodable_record_names_file_and_section(tmp_path: Path) -> None:
    with SnapshotWriter(tmp_path / "s") as writer:
        writer.section("vertices")
        writer.append(b"\xc1")
        writer.finish()
    reader = SnapshotReader(tmp_path / "s")
    assert list(reader.records("vertices")) == [b"\xc1"]
    with pytest.raises(StorageError, match=r"s is damaged: undecodable record in section"):
        list(reader.values("vertices"))
