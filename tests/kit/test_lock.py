"""The data-directory lock, directly and through the kernel's Database."""

from __future__ import annotations

from pathlib import Path

import pytest

import mgcore
from mgcore.storage.errors import StorageError
from mgcore.storage.kit.lock import LOCK_FILE, DirectoryLock


def test_a_second_lock_is_refused_until_the_first_is_released(tmp_path: Path) -> None:
    first = DirectoryLock(tmp_path / "d")
    first.acquire()
    assert (tmp_path / "d" / LOCK_FILE).exists() and first.held
    with pytest.raises(StorageError, match=str(tmp_path / "d")):
        DirectoryLock(tmp_path / "d").acquire()
    first.release()
    first.release()
    with DirectoryLock(tmp_path / "d") as again:
        assert again.held
    assert not again.held


def test_database_holds_the_lock_while_open(tmp_path: Path) -> None:
    directory = str(tmp_path / "db")
    settings = {"storage_snapshot_on_exit": False, "storage_snapshot_interval_sec": 0}
    db = mgcore.connect(data_directory=directory, **settings)
    with pytest.raises(StorageError, match="in use"):
        mgcore.connect(data_directory=directory, **settings)
    db.close()
    mgcore.connect(data_directory=directory, **settings).close()
