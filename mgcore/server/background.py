"""A Bolt server on a background thread: serve an embedded database to drivers from the same
process (tests, notebooks, the conformance suite's TCK-over-Bolt run)."""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any

from mgcore.server.app import BoltServer

if TYPE_CHECKING:
    from mgcore.database import Database


class BackgroundServer:
    """``BoltServer(database, **options)`` running in its own event loop on a daemon thread.

    ``start()`` returns once the socket is bound (``uri`` then names it); ``stop()`` shuts the
    server down cleanly. The database stays open: its owner closes it. A context manager too.
    """

    def __init__(self, database: Database, **options: Any) -> None:
        options.setdefault("port", 0)
        self.server = BoltServer(database, **options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def address(self) -> tuple[str, int]:
        return self.server.address

    @property
    def uri(self) -> str:
        host, port = self.address
        return f"bolt://{host}:{port}"

    def start(self) -> BackgroundServer:
        self._thread = threading.Thread(target=self._run, name="bolt-server", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main())
        finally:
            loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        try:
            await self.server.start()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        await self._stop.wait()
        await self.server.close()

    def stop(self) -> None:
        """Shut down: running requests finish or are interrupted, transactions roll back."""
        loop, stop, thread = self._loop, self._stop, self._thread
        if loop is None or stop is None or thread is None or not thread.is_alive():
            return
        loop.call_soon_threadsafe(stop.set)
        thread.join()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
