"""The committer thread's error path: a WAL sync that fails (a full or failing disk) gives the
commits waiting for it a clear StorageError, and the next commit syncs again instead of every
later commit failing. RocksDB cannot be made to fail an fsync on demand, so the thread runs
against a stand-in with the one method it calls, ``flush_wal``."""

from __future__ import annotations

import threading

import pytest

from mgcore.storage.errors import StorageError
from mgcore_engine_on_disk.store import Committer


class FlakyWal:
    """``flush_wal`` that fails the first ``failures`` times."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.lock = threading.Lock()

    def flush_wal(self, sync: bool) -> None:
        with self.lock:
            self.calls += 1
            if self.failures:
                self.failures -= 1
                raise OSError("No space left on device")


def test_a_failed_sync_fails_its_commits_and_the_next_one_syncs_again() -> None:
    wal = FlakyWal(failures=1)
    committer = Committer(wal, "always")  # type: ignore[arg-type]
    try:
        with pytest.raises(StorageError, match="could not be synced to disk: No space left"):
            committer.wait(5)
        committer.wait(6)  # the disk is fine again: this commit is synced and acknowledged
        assert wal.calls == 2
        committer.wait(6)  # already synced: no further sync
        assert wal.calls == 2
    finally:
        committer.stop()


def _until(condition: object, seconds: float = 2.0) -> bool:
    pause = threading.Event()
    for _ in range(int(seconds / 0.01)):
        if condition():  # type: ignore[operator]
            return True
        pause.wait(0.01)
    return False


def test_batch_mode_keeps_syncing_after_a_failure() -> None:
    wal = FlakyWal(failures=1)
    committer = Committer(wal, "batch")  # type: ignore[arg-type]
    try:
        committer.wait(1)  # acknowledged once written; the thread syncs (and fails) behind it
        assert _until(lambda: wal.calls == 1)
        committer.wait(2)  # a later commit: the thread syncs again, and succeeds
        assert _until(lambda: wal.calls == 2)
        assert wal.failures == 0
    finally:
        committer.stop()
