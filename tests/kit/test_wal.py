"""Tests of mgcore.storage.kit.wal: framing, torn tails, corruption, group commit, crashes."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mgcore.storage.errors import StorageError
from mgcore.storage.kit import wal
from mgcore.storage.kit.wal import (
    GroupCommitter,
    WalPosition,
    WalReader,
    WalWriter,
    read_wal,
    truncate_torn_tail,
)

REPO = Path(__file__).resolve().parents[2]
PAYLOADS = [b"first", b"the second record", b"3", b"and the fourth, last record"]


def write_wal(path: Path, payloads: list[bytes], sequence: int = 0) -> list[int]:
    """Create a WAL file holding ``payloads``; returns their offsets."""
    with WalWriter.create(path, uuid="u-1", sequence=sequence, metadata={"epoch": "e1"}) as w:
        return [w.append(p) for p in payloads]


def record_ends(offsets: list[int], file_size: int) -> list[int]:
    """The offset just after each record."""
    return [*offsets[1:], file_size]


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


def failing_write(fd: int, data: bytes) -> None:
    """Write half the data, then fail as a full disk would."""
    os.write(fd, data[: len(data) // 2])
    raise OSError(errno.ENOSPC, "No space left on device")


def test_round_trip_with_header_and_offsets(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    offsets = write_wal(path, PAYLOADS, sequence=7)
    contents = read_wal(path)
    assert contents.records == PAYLOADS
    assert contents.stop_reason is None
    assert contents.end_offset == contents.file_size == path.stat().st_size
    header = contents.header
    assert (header.uuid, header.sequence, header.metadata) == ("u-1", 7, {"epoch": "e1"})
    assert header.version == wal.FORMAT_VERSION
    assert offsets[0] == header.data_offset
    data = path.read_bytes()
    for offset, payload in zip(offsets, PAYLOADS, strict=True):
        length, _ = wal.FRAME.unpack_from(data, offset)
        assert data[offset + 8 : offset + 8 + length] == payload
    assert wal.read_wal_header(path) == header


def test_empty_wal_has_no_records(tmp_path: Path) -> None:
    write_wal(tmp_path / "e.wal", [])
    contents = read_wal(tmp_path / "e.wal")
    assert contents.records == [] and contents.stop_reason is None


def test_create_is_atomic_and_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    write_wal(path, [b"x"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.wal"]
    with pytest.raises(StorageError, match="already exists"):
        WalWriter.create(path, uuid="u", sequence=1)


def test_empty_or_non_bytes_payloads(tmp_path: Path) -> None:
    with WalWriter.create(tmp_path / "a.wal", uuid="u", sequence=0) as w:
        with pytest.raises(ValueError):
            w.append(b"")
        w.append(bytearray(b"ba"))  # type: ignore[arg-type]
    assert read_wal(tmp_path / "a.wal").records == [b"ba"]


def test_truncation_at_every_offset_keeps_exactly_the_good_prefix(tmp_path: Path) -> None:
    source = tmp_path / "full.wal"
    offsets = write_wal(source, PAYLOADS)
    data = source.read_bytes()
    ends = record_ends(offsets, len(data))
    cut_path = tmp_path / "cut.wal"
    cut_path.write_bytes(data)
    for cut in range(len(data), offsets[0] - 1, -1):
        os.truncate(cut_path, cut)
        contents = read_wal(cut_path)
        kept = sum(1 for end in ends if end <= cut)
        assert contents.records == PAYLOADS[:kept], cut
        good_end = ends[kept - 1] if kept else offsets[0]
        assert contents.end_offset == good_end
        assert (contents.stop_reason is None) == (cut == good_end)


def test_every_offset_of_the_last_record_then_truncate_and_append(tmp_path: Path) -> None:
    source = tmp_path / "full.wal"
    offsets = write_wal(source, PAYLOADS)
    data = source.read_bytes()
    path = tmp_path / "cut.wal"
    for cut in range(offsets[-1] + 1, len(data)):
        path.write_bytes(data[:cut])
        with pytest.raises(StorageError, match="truncate_torn_tail"):
            WalWriter.open(path)
        assert truncate_torn_tail(path) == (len(PAYLOADS) - 1, cut - offsets[-1])
        assert path.stat().st_size == offsets[-1]
        with WalWriter.open(path) as w:
            assert w.append(b"appended") == offsets[-1]
        assert read_wal(path).records == [*PAYLOADS[:-1], b"appended"]
        assert read_wal(path).stop_reason is None


def test_truncation_inside_the_header_is_a_storage_error_naming_the_file(tmp_path: Path) -> None:
    source = tmp_path / "full.wal"
    offsets = write_wal(source, PAYLOADS)
    data = source.read_bytes()
    path = tmp_path / "cut.wal"
    path.write_bytes(data[: offsets[0]])
    for cut in range(offsets[0] - 1, -1, -1):
        os.truncate(path, cut)
        with pytest.raises(StorageError, match=r"cut\.wal"):
            read_wal(path)


def test_bit_flip_in_each_record_stops_before_that_record(tmp_path: Path) -> None:
    path = tmp_path / "flipped.wal"
    offsets = write_wal(path, PAYLOADS)
    ends = record_ends(offsets, path.stat().st_size)
    for index, (start, end) in enumerate(zip(offsets, ends, strict=True)):
        for position in range(start, end):
            for bit in range(8):
                with flipped(path, position, bit):
                    contents = read_wal(path)
                assert contents.records == PAYLOADS[:index], (position, bit)
                assert contents.end_offset == start
                assert contents.stop_reason is not None


def test_bit_flip_in_the_header_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "flipped.wal"
    offsets = write_wal(path, PAYLOADS)
    for position in range(offsets[0]):
        for bit in range(8):
            with flipped(path, position, bit), pytest.raises(StorageError, match=r"flipped\.wal"):
                read_wal(path)


def test_corruption_in_the_middle_drops_everything_after_it(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    offsets = write_wal(path, PAYLOADS)
    damaged = bytearray(path.read_bytes())
    damaged[offsets[1] + 9] ^= 0x40
    path.write_bytes(damaged)
    with WalReader(path) as reader:
        assert list(reader) == PAYLOADS[:1]
        assert reader.torn and "CRC mismatch" in (reader.stop_reason or "")
    assert truncate_torn_tail(path) == (1, len(damaged) - offsets[1])
    assert read_wal(path).records == PAYLOADS[:1]


def test_zero_filled_tail_is_not_read_as_records(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    write_wal(path, PAYLOADS)
    size = path.stat().st_size
    with open(path, "ab") as file:
        file.write(bytes(4096))
    contents = read_wal(path)
    assert contents.records == PAYLOADS
    assert contents.end_offset == size
    assert "zero record length" in (contents.stop_reason or "")
    assert truncate_torn_tail(path) == (len(PAYLOADS), 4096)


def test_truncate_torn_tail_leaves_a_clean_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    write_wal(path, PAYLOADS)
    before = path.read_bytes()
    assert truncate_torn_tail(path) == (len(PAYLOADS), 0)
    assert path.read_bytes() == before


def test_reopen_appends_after_the_existing_records(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    write_wal(path, PAYLOADS[:2])
    with WalWriter.open(path) as w:
        assert w.header.sequence == 0
        w.append(PAYLOADS[2])
        w.flush()
        w.append(PAYLOADS[3])
    assert read_wal(path).records == PAYLOADS


def test_missing_or_foreign_files_are_storage_errors(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match=r"nothere\.wal"):
        WalReader(tmp_path / "nothere.wal")
    foreign = tmp_path / "foreign.wal"
    foreign.write_bytes(b"PK\x03\x04 some zip file, not a WAL at all")
    with pytest.raises(StorageError, match=r"foreign\.wal.*bad magic"):
        wal.read_wal_header(foreign)


def test_write_failure_cuts_back_to_the_last_good_record(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    w = WalWriter.create(path, uuid="u", sequence=0)
    w.append(b"kept")
    w.sync()
    good = w.size
    w._os_write = failing_write
    w.append(b"lost one")
    w.append(b"lost two")
    with pytest.raises(StorageError, match="No space left"):
        w.flush()
    assert w.size == good == path.stat().st_size
    w._os_write = wal.write_all
    assert w.append(b"after") == good
    w.close()
    assert read_wal(path).records == [b"kept", b"after"]
    assert read_wal(path).stop_reason is None


def test_buffer_limit_flushes_automatically(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    w = WalWriter.create(path, uuid="u", sequence=0, buffer_size=100)
    for _ in range(10):
        w.append(b"x" * 30)
    assert path.stat().st_size > w.header.data_offset
    w.close()
    assert len(read_wal(path).records) == 10


def test_sync_failure_makes_the_writer_unusable(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    w = WalWriter.create(path, uuid="u", sequence=0)
    w.append(b"kept")
    w.sync()

    def failing_sync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    w._os_sync = failing_sync
    w.append(b"unsynced")
    with pytest.raises(StorageError, match="fdatasync"):
        w.sync()
    assert w.failed
    with pytest.raises(StorageError, match="unusable"):
        w.append(b"more")
    w.close()
    assert read_wal(path).records == [b"kept"]


def test_rollback_to_drops_later_records(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    with WalWriter.create(path, uuid="u", sequence=0) as w:
        w.append(b"a")
        mark = w.size
        w.append(b"b")
        w.flush()
        w.append(b"c")
        w.rollback_to(mark)
        assert w.size == mark
        w.append(b"d")
    assert read_wal(path).records == [b"a", b"d"]


def test_wal_file_names_and_listing(tmp_path: Path) -> None:
    for sequence in (2, 0, 1):
        write_wal(tmp_path / wal.wal_file_name(sequence), [b"s%d" % sequence], sequence)
    (tmp_path / "notes.txt").write_text("not a wal")
    (tmp_path / (wal.wal_file_name(3) + ".tmp")).write_bytes(b"half a header")
    headers = wal.list_wal_files(tmp_path)
    assert [h.sequence for h in headers] == [0, 1, 2]
    assert all(h.path.name.endswith(f"_seq_{h.sequence:012d}.wal") for h in headers)
    removed = wal.remove_temporary_files(tmp_path)
    assert [p.suffix for p in removed] == [".tmp"]
    assert not list(tmp_path.glob("*.tmp"))
    assert wal.list_wal_files(tmp_path / "missing") == []


# Group commit.


def run_threads(count: int, target: Callable[[int], None]) -> list[BaseException]:
    """Run ``target(k)`` in ``count`` threads; returns the exceptions they raised."""
    errors: list[BaseException] = []

    def wrapped(k: int) -> None:
        try:
            target(k)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return errors


def test_group_commit_from_threads_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    committer = GroupCommitter(WalWriter.create(path, uuid="u", sequence=3))
    acked: dict[bytes, WalPosition] = {}

    def work(k: int) -> None:
        for i in range(50):
            payload = b"%d-%03d" % (k, i)
            acked[payload] = committer.submit(payload)

    assert run_threads(8, work) == []
    committer.close()
    records = read_wal(path).records
    assert sorted(records) == sorted(acked)
    for k in range(8):
        mine = [r for r in records if r.startswith(b"%d-" % k)]
        assert mine == sorted(mine)
    data = path.read_bytes()
    for payload, position in acked.items():
        assert position.sequence == 3
        assert data[position.offset + 8 : position.offset + 8 + len(payload)] == payload


def test_waiting_commits_share_one_fsync(tmp_path: Path) -> None:
    writer = WalWriter.create(tmp_path / "a.wal", uuid="u", sequence=0)
    syncs: list[int] = []

    def slow_sync(fd: int) -> None:
        syncs.append(fd)
        time.sleep(0.005)
        os.fdatasync(fd)

    writer._os_sync = slow_sync
    committer = GroupCommitter(writer, fsync="always")

    def work(k: int) -> None:
        for i in range(10):
            committer.submit(b"%d-%d" % (k, i))

    assert run_threads(8, work) == []
    committer.close()
    assert 1 <= len(syncs) <= 40
    assert len(read_wal(tmp_path / "a.wal").records) == 80


def test_enqueue_then_wait_keeps_enqueue_order(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    committer = GroupCommitter(WalWriter.create(path, uuid="u", sequence=0))
    tickets = [committer.enqueue(b"r%03d" % i) for i in range(200)]
    positions = [ticket.wait(10) for ticket in tickets]
    assert all(ticket.done for ticket in tickets)
    assert [p.offset for p in positions] == sorted(p.offset for p in positions)
    committer.close()
    assert read_wal(path).records == [b"r%03d" % i for i in range(200)]


def test_write_error_reaches_every_waiter_and_leaves_the_file_consistent(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    writer = WalWriter.create(path, uuid="u", sequence=0)
    committer = GroupCommitter(writer)
    committer.submit(b"before")
    entered, release = threading.Event(), threading.Event()

    def blocking_failing_write(fd: int, data: bytes) -> None:
        entered.set()
        release.wait(10)
        failing_write(fd, data)

    writer._os_write = blocking_failing_write
    first = committer.enqueue(b"first failing")
    assert entered.wait(10)
    tickets = [committer.enqueue(b"queued %d" % i) for i in range(5)]

    def wait_failing(k: int) -> None:
        with pytest.raises(StorageError, match="No space left"):
            (first if k == 0 else tickets[k - 1]).wait(10)

    errors: list[BaseException] = []
    threads = [threading.Thread(target=_catch, args=(errors, wait_failing, k)) for k in range(6)]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert all(t.done for t in [first, *tickets])
    assert path.stat().st_size == writer.size
    writer._os_write = wal.write_all
    committer.submit(b"after")
    committer.close()
    contents = read_wal(path)
    assert contents.records == [b"before", b"after"]
    assert contents.stop_reason is None


def _catch(errors: list[BaseException], fn: Callable[[int], None], k: int) -> None:
    try:
        fn(k)
    except BaseException as exc:
        errors.append(exc)


def test_write_errors_from_many_threads(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    writer = WalWriter.create(path, uuid="u", sequence=0)
    committer = GroupCommitter(writer)
    writer._os_write = failing_write

    def work(k: int) -> None:
        with pytest.raises(StorageError):
            committer.submit(b"doomed %d" % k)

    assert run_threads(6, work) == []
    writer._os_write = wal.write_all
    committer.submit(b"fine")
    committer.close()
    assert read_wal(path).records == [b"fine"]


def test_sync_error_fails_the_group_and_every_later_commit(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    writer = WalWriter.create(path, uuid="u", sequence=0)
    committer = GroupCommitter(writer)
    committer.submit(b"durable")

    def failing_sync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    writer._os_sync = failing_sync
    with pytest.raises(StorageError, match="Input/output error"):
        committer.submit(b"not acknowledged")
    with pytest.raises(StorageError):
        committer.submit(b"later")
    committer.close()
    assert read_wal(path).records == [b"durable"]


def test_policy_never_syncs_only_on_close(tmp_path: Path) -> None:
    writer = WalWriter.create(tmp_path / "a.wal", uuid="u", sequence=0)
    syncs: list[int] = []
    writer._os_sync = lambda fd: syncs.append(fd)
    committer = GroupCommitter(writer, fsync="never")
    for i in range(20):
        committer.submit(b"%d" % i)
    assert syncs == []
    assert os.path.getsize(tmp_path / "a.wal") == writer.size
    committer.sync()
    assert len(syncs) == 1
    committer.submit(b"last")
    committer.close()
    assert len(syncs) == 2
    assert len(read_wal(tmp_path / "a.wal").records) == 21


def test_policy_batch_acknowledges_then_syncs_within_the_delay(tmp_path: Path) -> None:
    writer = WalWriter.create(tmp_path / "a.wal", uuid="u", sequence=0)
    syncs: list[int] = []

    def counting_sync(fd: int) -> None:
        syncs.append(fd)
        os.fdatasync(fd)

    writer._os_sync = counting_sync
    committer = GroupCommitter(writer, fsync="batch", max_delay=0.5)
    committer.submit(b"0")
    assert writer.synced_size < writer.size
    for i in range(1, 20):
        committer.submit(b"%d" % i)
    deadline = time.monotonic() + 5
    while writer.synced_size < writer.size and time.monotonic() < deadline:
        time.sleep(0.02)
    assert writer.synced_size == writer.size
    assert 1 <= len(syncs) < 20
    committer.close()
    assert len(read_wal(tmp_path / "a.wal").records) == 20


def next_writer(old: WalWriter) -> WalWriter:
    """Rotation: the next file of the chain, in the same directory."""
    sequence = old.header.sequence + 1
    return WalWriter.create(
        old.path.parent / wal.wal_file_name(sequence), uuid=old.header.uuid, sequence=sequence
    )


def test_rotation_by_size_keeps_the_chain_in_order(tmp_path: Path) -> None:
    first = WalWriter.create(tmp_path / wal.wal_file_name(0), uuid="u", sequence=0)
    committer = GroupCommitter(first, max_file_size=300, rotate=next_writer)
    payloads = [b"record %03d" % i for i in range(100)]
    positions = [committer.submit(p) for p in payloads]
    assert committer.run(lambda w: w.header.sequence) == positions[-1].sequence
    new = committer.rotate()
    assert new.header.sequence == positions[-1].sequence + 1
    committer.submit(b"after manual rotation")
    committer.close()
    headers = wal.list_wal_files(tmp_path)
    assert [h.sequence for h in headers] == list(range(len(headers)))
    assert len(headers) > 5
    records = [r for h in headers for r in read_wal(h.path).records]
    assert records == [*payloads, b"after manual rotation"]
    by_sequence = {h.sequence: h.path.read_bytes() for h in headers}
    for payload, (sequence, offset) in zip(payloads, positions, strict=True):
        assert by_sequence[sequence][offset + 8 : offset + 8 + len(payload)] == payload


def test_close_drains_the_queue_and_refuses_new_work(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    committer = GroupCommitter(WalWriter.create(path, uuid="u", sequence=0))
    tickets = [committer.enqueue(b"%d" % i) for i in range(100)]
    committer.close()
    assert all(ticket.done for ticket in tickets)
    assert committer.writer.closed
    with pytest.raises(StorageError, match="closed"):
        committer.submit(b"late")
    with pytest.raises(StorageError, match="closed"):
        committer.sync()
    committer.close()
    assert len(read_wal(path).records) == 100


def test_committer_argument_checks(tmp_path: Path) -> None:
    writer = WalWriter.create(tmp_path / "a.wal", uuid="u", sequence=0)
    with pytest.raises(ValueError, match="fsync policy"):
        GroupCommitter(writer, fsync="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rotate"):
        GroupCommitter(writer, max_file_size=10)
    with GroupCommitter(writer) as committer:
        with pytest.raises(ValueError):
            committer.enqueue(b"")
        with pytest.raises(ValueError, match="rotate"):
            committer.rotate()


CHILD = r"""
import sys, threading
from mgcore.storage.kit.wal import GroupCommitter, WalWriter

committer = GroupCommitter(WalWriter.create(sys.argv[1], uuid="crash", sequence=0))
lock = threading.Lock()

def work(k):
    i = 0
    while True:
        payload = b"%d-%06d" % (k, i)
        committer.submit(payload)
        with lock:
            sys.stdout.write(payload.decode() + "\n")
            sys.stdout.flush()
        i += 1

threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
"""


def test_acknowledged_records_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "crash.wal"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, env=env, cwd=REPO
    )
    watchdog = threading.Timer(20, child.kill)
    watchdog.start()
    try:
        assert child.stdout is not None
        acked: list[bytes] = []
        while len(acked) < 400:
            line = child.stdout.readline()
            if not line:
                break
            acked.append(line.strip())
        child.send_signal(signal.SIGKILL)
        acked.extend(line.strip() for line in child.stdout.read().splitlines())
        child.wait(10)
    finally:
        watchdog.cancel()
    assert child.returncode == -signal.SIGKILL
    assert len(acked) >= 400
    truncate_torn_tail(path)
    records = read_wal(path).records
    assert set(acked) <= set(records)
    for k in range(4):
        mine = [r for r in records if r.startswith(b"%d-" % k)]
        assert mine == sorted(mine)


def test_write_through_fails_in_the_caller_and_leaves_no_trace(tmp_path: Path) -> None:
    path = tmp_path / "a.wal"
    committer = GroupCommitter(WalWriter.create(path, uuid="u", sequence=0), fsync="always")
    committer.write(b"one").wait()
    committer.writer._os_write = failing_write
    with pytest.raises(StorageError):
        committer.write(b"two")
    committer.writer._os_write = wal.write_all
    position = committer.write(b"three").wait()
    assert committer.writer.synced_size >= position.offset + 8 + 5
    committer.close()
    assert read_wal(path).records == [b"one", b"three"]


def test_write_through_acknowledges_after_a_shared_sync(tmp_path: Path) -> None:
    writer = WalWriter.create(tmp_path / "a.wal", uuid="u", sequence=0)
    syncs: list[int] = []
    real = writer._os_sync

    def slow_sync(fd: int) -> None:
        syncs.append(writer.size)
        time.sleep(0.005)
        real(fd)

    writer._os_sync = slow_sync
    committer = GroupCommitter(writer, fsync="always")
    lock = threading.Lock()

    def work(k: int) -> None:
        for i in range(10):
            with lock:
                ticket = committer.write(b"%d-%d" % (k, i))
            position = ticket.wait()
            assert writer.synced_size > position.offset

    assert run_threads(8, work) == []
    committer.close()
    assert 1 <= len(syncs) < 80
    assert len(read_wal(tmp_path / "a.wal").records) == 80


def test_write_through_rotates_on_the_committer_thread(tmp_path: Path) -> None:
    made = []

    def rotate(old: WalWriter) -> WalWriter:
        sequence = old.header.sequence + 1
        made.append(sequence)
        return WalWriter.create(tmp_path / f"{sequence}.wal", uuid="u", sequence=sequence)

    committer = GroupCommitter(
        WalWriter.create(tmp_path / "0.wal", uuid="u", sequence=0),
        fsync="batch", max_file_size=200, rotate=rotate,
    )
    for i in range(50):
        committer.write(b"record %03d" % i).wait()
        time.sleep(0.001)
    committer.close()
    records = []
    for sequence in range(len(made) + 1):
        records += read_wal(tmp_path / f"{sequence}.wal").records
    assert made and records == [b"record %03d" % i for i in range(50)]
