"""The RocksDB database behind the engine: its column families and memory bounds, the committer
thread that makes commits durable off the GIL, and checkpoints.

rocksdict's ``write(sync=True)`` holds the GIL through the fsync (design/dependencies.md 1.1 and
7.4), so commits write their batch without sync and then wait for the committer thread, which
calls ``flush_wal(True)`` (it releases the GIL) once for every commit queued since its last sync:
a group commit. ``storage_wal_fsync`` chooses when a commit is acknowledged: ``always`` after that
sync, ``batch`` once written (RocksDB has then written the WAL record to the OS, so a process
crash loses nothing; the thread syncs within 50 ms), ``never`` without syncing before close.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Any

from rocksdict import (
    BlockBasedOptions,
    BottommostLevelCompaction,
    Cache,
    Checkpoint,
    CompactOptions,
    DBRecoveryMode,
    Options,
    Rdict,
    WriteBatch,
    WriteOptions,
)

from mgcore.storage.errors import StorageError

FAMILIES = ("vertex", "edge", "out", "in", "label", "label_property", "unique", "meta")
"""The column families (``keys.py`` describes what each holds)."""
SCANNED = ("vertex", "edge", "out", "in", "label", "label_property")
"""The families a transaction reads through its pinned iterators."""
BATCH_SYNC_SEC = 0.05

log = logging.getLogger("mgcore.engine.on_disk_transactional")


def _family_options(cache: Cache, write_buffer: int) -> Options:
    table = BlockBasedOptions()
    table.set_block_cache(cache)
    table.set_cache_index_and_filter_blocks(True)
    table.set_pin_l0_filter_and_index_blocks_in_cache(True)
    table.set_bloom_filter(10, False)
    opts = Options(raw_mode=True)
    opts.set_block_based_table_factory(table)
    opts.set_write_buffer_size(write_buffer)
    opts.set_max_write_buffer_number(2)
    return opts


class Store:
    """One open RocksDB database with the engine's column families."""

    def __init__(self, path: Path, *, block_cache: int, write_buffers: int, fsync: str) -> None:
        self.path = path
        self.cache = Cache(block_cache)
        per_family = max(1 << 20, write_buffers // len(FAMILIES))
        opts = _family_options(self.cache, per_family)
        opts.create_if_missing(True)
        opts.create_missing_column_families(True)
        opts.set_db_write_buffer_size(write_buffers)
        opts.set_wal_recovery_mode(DBRecoveryMode.point_in_time())
        opts.set_max_open_files(256)
        opts.set_keep_log_file_num(3)
        opts.increase_parallelism(max(2, os.cpu_count() or 2))
        families = {name: _family_options(self.cache, per_family) for name in FAMILIES}
        try:
            self.db = Rdict(str(path), opts, column_families=families)
        except Exception as exc:  # rocksdict raises plain Exceptions
            raise StorageError(f"Cannot open the RocksDB database in {path}: {exc}") from None
        self.cf: dict[str, Rdict] = {n: self.db.get_column_family(n) for n in FAMILIES}
        self.handle: dict[str, Any] = {n: self.db.get_column_family_handle(n) for n in FAMILIES}
        self._no_sync = WriteOptions()
        self._no_sync.sync = False
        self.committer = Committer(self.db, fsync)
        self._compaction: threading.Thread | None = None

    def batch(self) -> WriteBatch:
        return WriteBatch(raw_mode=True)

    def write(self, batch: WriteBatch) -> int:
        """Apply ``batch`` atomically (not yet synced); returns the sequence number to wait
        for with ``committer.wait``."""
        try:
            self.db.write(batch, self._no_sync)
        except Exception as exc:
            raise StorageError(f"RocksDB refused the write: {exc}") from None
        return int(self.db.latest_sequence_number())

    def iterators(self) -> dict[str, Any]:
        """One iterator per scanned family; created together under the commit lock they are
        one consistent view (rocksdict's snapshot iteration reads live data)."""
        cf = self.cf
        return {name: cf[name].iter() for name in SCANNED}

    def checkpoint(self, target: Path) -> None:
        """A RocksDB checkpoint (hard links where possible) in ``target``, which must not
        exist."""
        tmp = target.with_name(target.name + ".tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        try:
            Checkpoint(self.db).create_checkpoint(str(tmp))
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise StorageError(f"Cannot create a checkpoint in {target}: {exc}") from None
        os.replace(tmp, target)

    def compact_in_background(self, family: str) -> bool:
        """Start rewriting ``family`` completely, last level included (dropping old versions
        and deletion markers no snapshot needs), in a thread; compaction releases the GIL.
        False when a compaction is already running."""
        running = self._compaction
        if running is not None and running.is_alive():
            return False
        opts = CompactOptions()
        opts.set_bottommost_level_compaction(BottommostLevelCompaction.force())
        view = self.cf[family]

        def run() -> None:
            try:
                view.compact_range(None, None, opts)
            except Exception as exc:  # RocksDB's error; the data is unaffected
                log.warning("compacting column family %s failed: %s", family, exc)

        self._compaction = threading.Thread(target=run, name=f"mgcore-on-disk-compact-{family}",
                                            daemon=True)
        self._compaction.start()
        return True

    def close(self) -> None:
        """Stop the committer, sync the WAL and close RocksDB. RocksDB releases its lock only
        when nothing refers to the database any more: every iterator, column family view and
        handle must be gone (the engine ends its transactions first)."""
        self.committer.stop()
        if self._compaction is not None:
            self._compaction.join()
            self._compaction = None
        self.cf = {}
        self.handle = {}
        try:
            self.db.flush_wal(True)
        finally:
            self.db.close()
            del self.db


class Committer:
    """The thread that syncs RocksDB's WAL for commits, one sync for all that are waiting."""

    def __init__(self, db: Rdict, fsync: str) -> None:
        self._db = db
        self.fsync = fsync
        self._cond = threading.Condition()
        self._requested = 0
        self._synced = 0
        self._written = 0
        self._failed = 0
        """The highest sequence number a failed sync was for: its waiters got the error; the
        next commit tries again (a full disk may have been freed)."""
        self._error: BaseException | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None
        if fsync != "never":
            self._thread = threading.Thread(
                target=self._run, name="mgcore-on-disk-committer", daemon=True
            )
            self._thread.start()

    def wait(self, seq: int) -> None:
        """Return once the write with sequence number ``seq`` is as durable as ``fsync`` asks
        (``always``: synced to disk)."""
        cond = self._cond
        with cond:
            if seq > self._written:
                self._written = seq
            if self.fsync != "always":
                if self.fsync == "batch":
                    cond.notify()
                return
            if self._synced >= seq:
                return
            if seq > self._requested:
                self._requested = seq
                cond.notify()
            while self._synced < seq:
                if self._failed >= seq:
                    raise StorageError(
                        f"The commit was applied but could not be synced to disk: {self._error}"
                    )
                if self._thread is None or not self._thread.is_alive():
                    raise StorageError("The committer thread has stopped.")
                cond.wait(1.0)

    def _run(self) -> None:
        cond = self._cond
        while True:
            with cond:
                if self.fsync == "always":
                    while self._requested <= self._done() and not self._stopping:
                        cond.wait()
                else:
                    cond.wait(BATCH_SYNC_SEC)
                    if self._written <= self._done() and not self._stopping:
                        continue
                if self._stopping and max(self._requested, self._written) <= self._done():
                    return
                target = max(self._requested, self._written)
            try:
                self._db.flush_wal(True)
            except Exception as exc:  # an I/O error: the waiters up to target get it
                log.error("syncing RocksDB's WAL failed: %s", exc)
                with cond:
                    self._error = exc
                    self._failed = max(self._failed, target)
                    cond.notify_all()
                if self._stopping:
                    return
                continue
            with cond:
                if target > self._synced:
                    self._synced = target
                cond.notify_all()

    def _done(self) -> int:
        """The highest sequence number synced or given up on (the caller holds the lock)."""
        return max(self._synced, self._failed)

    def stop(self) -> None:
        thread = self._thread
        if thread is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        thread.join(timeout=10)
        self._thread = None

