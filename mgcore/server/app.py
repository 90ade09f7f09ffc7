"""The asyncio Bolt server: accepts connections, does the handshake, de-frames messages, and
runs each connection's requests in worker threads, so a slow query never holds up the event loop
or another connection.

Per connection, requests run one at a time and in order (the Bolt contract), in a thread of a
shared pool; the event loop keeps reading meanwhile, so a RESET that arrives during a long query
interrupts it and the requests queued before it are answered IGNORED. Large results apply
back-pressure: the worker waits while the socket's write buffer is full, so a result streams at
the client's pace instead of piling up in memory.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from mgcore.server.framing import Dechunker, FramingError
from mgcore.server.handshake import (
    HANDSHAKE_SIZE,
    MAGIC,
    NO_VERSION,
    HandshakeError,
    choose_version,
    describe_preamble,
    encode_version,
)
from mgcore.server.messages import RESET, message_tag
from mgcore.server.protocol import Connection, ConnectionLost, ServerContext

if TYPE_CHECKING:
    from mgcore.database import Database

log = logging.getLogger("mgcore.server")

DEFAULT_AGENT = "Neo4j/v5.11.0 compatible graph database server - mgcore (Memgraph-compatible)"
HANDSHAKE_TIMEOUT = 30.0
HIGH_WATER = 1024 * 1024
"""Bytes waiting in a socket's write buffer beyond which a worker waits for the client."""


class BoltServer:
    """A Bolt server over one open Database; ``start()`` binds, ``close()`` shuts down."""

    def __init__(
        self,
        database: Database,
        *,
        host: str = "127.0.0.1",
        port: int = 7687,
        workers: int = 256,
        max_message_size: int = 256 * 1024 * 1024,
        inactivity_timeout: float = 1800.0,
        agent: str = DEFAULT_AGENT,
        authenticate: Callable[[str, str, str], bool | None] | None = None,
        shutdown_grace: float = 5.0,
    ) -> None:
        self.database = database
        self.host = host
        self.port = port
        self.max_message_size = max_message_size
        self.inactivity_timeout = inactivity_timeout
        self.shutdown_grace = shutdown_grace
        self.context = ServerContext(
            database=database,
            agent=agent,
            authenticate=authenticate or database.plugins.authenticate,
        )
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bolt")
        self._server: asyncio.Server | None = None
        self._clients: set[_Client] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ids = itertools.count(1)
        self._closing = False

    @property
    def address(self) -> tuple[str, int]:
        """The bound host and port (the real port when 0 was asked for)."""
        assert self._server is not None, "the server is not started"
        sockname = self._server.sockets[0].getsockname()
        return sockname[0], sockname[1]

    @property
    def connection_count(self) -> int:
        return len(self._clients)

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, self.host, self.port, limit=2**16, reuse_address=True
        )

    async def close(self, grace: float | None = None) -> None:
        """Stop accepting, let running requests finish for ``grace`` seconds (default: the
        server's ``shutdown_grace``), then interrupt them; every connection is closed and its
        open transaction rolled back."""
        if grace is None:
            grace = self.shutdown_grace
        self._closing = True
        if self._server is not None:
            self._server.close()
        clients = list(self._clients)
        for client in clients:
            client.stop_reading()
        if clients:
            done = await _wait_all([c.idle() for c in clients], grace)
            if not done:
                log.warning("interrupting running requests to shut down")
                for client in clients:
                    client.connection_interrupt()
        await asyncio.gather(*(c.shutdown() for c in clients), return_exceptions=True)
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1.0)
        self._executor.shutdown(wait=True, cancel_futures=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._closing:
            writer.close()
            return
        client = _Client(self, reader, writer, f"bolt-{next(self._ids)}")
        task = asyncio.current_task()
        self._clients.add(client)
        if task is not None:
            self._tasks.add(task)
        try:
            await client.run()
        finally:
            self._clients.discard(client)
            if task is not None:
                self._tasks.discard(task)


async def _wait_all(waiters: list[asyncio.Future[None]], timeout: float) -> bool:
    if not waiters:
        return True
    _, pending = await asyncio.wait(waiters, timeout=timeout)
    return not pending


class _Client:
    """One socket: the reader coroutine and the queue of requests its worker drains."""

    def __init__(
        self,
        server: BoltServer,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        connection_id: str,
    ) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.connection_id = connection_id
        self.loop = asyncio.get_running_loop()
        peer = writer.get_extra_info("peername")
        local = writer.get_extra_info("sockname")
        self.peer = _address(peer)
        self.local = _address(local)
        self.connection: Connection | None = None
        self._queue: collections.deque[bytes] = collections.deque()
        self._lock = threading.Lock()
        self._busy = False
        self._resets = 0
        self._closed = False
        self._reading = True
        self._idle: asyncio.Future[None] | None = None
        self._stopping = False
        self._shutdown: asyncio.Task[None] | None = None
        self._read_task: asyncio.Future[None] | None = None
        self._queued = 0
        """Bytes passed to the event loop by ``_output`` and not yet written to the socket."""
        self._fd = _duplicate(writer)
        """The worker's own descriptor of the socket: a duplicate, so it can never name another
        connection's socket after this one is closed; closed last, in ``_close``. -1 when none
        could be made (out of descriptors): then every response goes through the loop."""

    # ----------------------------------------------------------------------- event loop

    async def run(self) -> None:
        try:
            version = await self._handshake()
            if version is None:
                return
            self.connection = Connection(
                self.server.context,
                version,
                self._output,
                connection_id=self.connection_id,
                client_address=self.peer,
                server_address=self.local,
            )
            log.info("%s: %s connected with Bolt %d.%d", self.connection_id, self.peer, *version)
            self._read_task = asyncio.ensure_future(self._read_loop())
            with contextlib.suppress(asyncio.CancelledError):
                await self._read_task
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass
        except Exception:
            log.exception("%s: connection failed", self.connection_id)
        finally:
            await self.shutdown()

    async def _handshake(self) -> tuple[int, int] | None:
        # the magic first: an HTTP request or a TLS hello shorter than 20 bytes is refused at
        # once instead of waiting for bytes that never come
        preamble = await asyncio.wait_for(self.reader.readexactly(4), HANDSHAKE_TIMEOUT)
        if preamble != MAGIC:
            log.info(
                "%s: %s: %s; closing", self.connection_id, self.peer, describe_preamble(preamble)
            )
            return None
        data = preamble + await asyncio.wait_for(
            self.reader.readexactly(HANDSHAKE_SIZE - 4), HANDSHAKE_TIMEOUT
        )
        try:
            version = choose_version(data)
        except HandshakeError as exc:
            log.info("%s: %s: %s; closing", self.connection_id, self.peer, exc)
            return None
        if version is None:
            log.info(
                "%s: %s proposed no supported Bolt version (%s); closing",
                self.connection_id,
                self.peer,
                data[4:].hex(" "),
            )
            self.writer.write(NO_VERSION)
            await self.writer.drain()
            return None
        self.writer.write(encode_version(version))
        await self.writer.drain()
        return version

    async def _read_loop(self) -> None:
        dechunker = Dechunker(self.server.max_message_size)
        timeout = self.server.inactivity_timeout or None
        while self._reading and not self._closed:
            try:
                data = await asyncio.wait_for(self.reader.read(2**16), timeout)
            except TimeoutError:
                if self._busy:
                    continue
                log.info("%s: inactive for %.0f s; closing", self.connection_id, timeout)
                return
            if not data:
                return
            try:
                messages = dechunker.feed(data)
            except FramingError as exc:
                log.info("%s: %s; closing", self.connection_id, exc)
                return
            if messages:
                self._enqueue(messages)

    def _enqueue(self, messages: list[bytes]) -> None:
        resets = sum(1 for m in messages if message_tag(m) == RESET)
        with self._lock:
            pending = self._busy or bool(self._queue)
            self._queue.extend(messages)
            if resets:
                self._resets += resets
                # under the lock: the worker cannot handle the RESET (which ends the
                # interruption) before the interruption has begun
                if pending and self.connection is not None:
                    self.connection.interrupt()
            start = not self._busy
            if start:
                self._busy = True
                self._idle = self.loop.create_future()
        if start:
            self.loop.run_in_executor(self.server._executor, self._drain)

    def stop_reading(self) -> None:
        """The server is shutting down: read no more requests; the running ones may finish."""
        self._stopping = True
        self._stop_read_loop()

    def _stop_read_loop(self) -> None:
        self._reading = False
        if self._read_task is not None:
            self._read_task.cancel()

    def connection_interrupt(self) -> None:
        if self.connection is not None:
            self.connection.interrupt("The server is shutting down; the query was aborted.")

    def idle(self) -> asyncio.Future[None]:
        """A future done when no request of this client is running."""
        with self._lock:
            idle = self._idle
        if idle is None or idle.done():
            done: asyncio.Future[None] = self.loop.create_future()
            done.set_result(None)
            return done
        return idle

    async def shutdown(self) -> None:
        """Close the connection (once, however many callers ask)."""
        if self._shutdown is None:
            self._shutdown = asyncio.ensure_future(self._close())
        await asyncio.shield(self._shutdown)

    async def _close(self) -> None:
        """When the client went away, interrupt its running request at once; when the server
        is stopping, let it finish (the server interrupts it after the grace period). Then roll
        back in a worker thread what the session left open, and close the socket."""
        connection = self.connection
        if connection is not None:
            if not self._stopping:
                self._closed = True
                connection.interrupt("The client disconnected; the query was aborted.")
            await self.idle()
            self._closed = True
            with contextlib.suppress(Exception):
                await self.loop.run_in_executor(self.server._executor, connection.close)
        self._closed = True
        with self._lock:
            fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(Exception):
            self.writer.close()
            await asyncio.wait_for(self.writer.wait_closed(), 1.0)
        log.info("%s: disconnected", self.connection_id)

    # ------------------------------------------------------------------ worker thread

    def _drain(self) -> None:
        connection = self.connection
        assert connection is not None
        keep_open = True
        try:
            while True:
                with self._lock:
                    if not self._queue or self._closed:
                        self._busy = False
                        self._set_idle()
                        break
                    message = self._queue.popleft()
                    ignore = self._resets > 0 and message_tag(message) != RESET
                    if message_tag(message) == RESET and self._resets > 0:
                        self._resets -= 1
                if ignore:
                    connection.ignore()
                else:
                    keep_open = connection.handle(message)
                if not self._queue:
                    connection.flush()
                if not keep_open:
                    connection.flush()
                    with self._lock:
                        self._busy = False
                        self._set_idle()
                    break
        except ConnectionLost:
            with self._lock:
                self._busy = False
                self._set_idle()
            keep_open = False
        except Exception:
            log.exception("%s: request failed", self.connection_id)
            with self._lock:
                self._busy = False
                self._set_idle()
            keep_open = False
        if not keep_open:
            self.loop.call_soon_threadsafe(self._close_soon)

    def _set_idle(self) -> None:
        idle = self._idle
        if idle is not None:
            self.loop.call_soon_threadsafe(_resolve, idle)

    def _close_soon(self) -> None:
        self._closed = True
        self._stop_read_loop()

    def _output(self, data: bytes) -> None:
        """Send ``data`` from a worker thread, waiting while the client is not reading.

        When nothing of this connection is waiting to be written, the worker writes to the
        socket itself (it is the connection's only producer, so no write can interleave),
        which spares a wake-up of the event loop per response; what the socket does not take
        at once goes through the loop.
        """
        if self._closed:
            raise ConnectionLost()
        transport = self.writer.transport
        if transport.is_closing():
            raise ConnectionLost()
        with self._lock:
            if self._queued == 0 and self._fd >= 0 and transport.get_write_buffer_size() == 0:
                try:
                    sent = os.write(self._fd, data)
                except BlockingIOError:
                    sent = 0
                except OSError as exc:
                    raise ConnectionLost() from exc
                if sent == len(data):
                    return
                data = data[sent:]
            size = len(data)
            # bytes handed to the loop but not yet written count too, or a fast producer
            # would queue without bound before the transport's buffer ever grows
            if self._queued + transport.get_write_buffer_size() + size < HIGH_WATER:
                self._queued += size
                self.loop.call_soon_threadsafe(self._write, data)
                return
        future = asyncio.run_coroutine_threadsafe(self._write_and_drain(data), self.loop)
        try:
            future.result()
        except (ConnectionError, RuntimeError) as exc:
            raise ConnectionLost() from exc

    def _write(self, data: bytes) -> None:
        try:
            if not self.writer.transport.is_closing():
                self.writer.write(data)
        finally:
            with self._lock:
                self._queued -= len(data)

    async def _write_and_drain(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()


def _duplicate(writer: asyncio.StreamWriter) -> int:
    sock = writer.get_extra_info("socket")
    if sock is None:
        return -1
    try:
        return os.dup(sock.fileno())
    except OSError:
        return -1


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _address(sockname: Any) -> str:
    if isinstance(sockname, tuple) and len(sockname) >= 2:
        host = sockname[0]
        return f"[{host}]:{sockname[1]}" if ":" in host else f"{host}:{sockname[1]}"
    return str(sockname or "")


def install_signal_handlers(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """SIGINT and SIGTERM set ``stop`` (the server then shuts down cleanly)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def serve(server: BoltServer, *, ready: Callable[[BoltServer], None] | None = None) -> None:
    """Run ``server`` until SIGINT or SIGTERM, then shut it down cleanly."""
    stop = asyncio.Event()
    install_signal_handlers(asyncio.get_running_loop(), stop)
    await server.start()
    if ready is not None:
        ready(server)
    await stop.wait()
    log.warning("shutting down: %d connections open", server.connection_count)
    await server.close()
