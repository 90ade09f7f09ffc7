"""The data-directory lock: one process at a time may open a data directory (Memgraph's
``.lock``). The kernel (``mgcore.database``) takes it before it opens the engine and releases it
after closing it, so every engine is covered; an engine used without the kernel may take it too.

``fcntl.flock`` on ``<directory>/.lock``, non-blocking. The lock belongs to the open file, so a
second ``DirectoryLock`` on the same directory fails in the same process too, and the OS drops it
when the process dies (a crash never leaves a stale lock behind). Where ``fcntl`` is missing
(Windows) the lock is a no-op.
"""

from __future__ import annotations

import os
from pathlib import Path

from mgcore.storage.errors import StorageError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_FILE", "DirectoryLock"]

LOCK_FILE = ".lock"


class DirectoryLock:
    """An exclusive, non-blocking lock on a data directory; ``acquire`` raises ``StorageError``
    naming the directory when another process (or another open database) holds it."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.path = self.directory / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock (creating the directory and the lock file if needed)."""
        if self._fd is not None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StorageError(f"cannot open the lock file {self.path}: {exc}") from exc
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise StorageError(
                    f"The data directory {self.directory} is in use by another mgcore process "
                    f"(or another open database): {self.path} is locked. Close it first or "
                    "use another --data-directory."
                ) from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass  # the pid is informational only
        self._fd = fd

    def release(self) -> None:
        """Release the lock (idempotent); the file stays."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def __enter__(self) -> DirectoryLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
