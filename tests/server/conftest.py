"""Fixtures of the Bolt server tests: a real server on a loopback port, in-process (so tests can
also look at the database directly) or as an ``mgcore serve`` child process."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import mgcore
from mgcore.database import Database
from mgcore.server.background import BackgroundServer

READY_LINE = re.compile(r"Bolt server listening on (\S+):(\d+)")


@dataclass
class RunningServer:
    """An in-process server and the database it serves."""

    database: Database
    background: BackgroundServer

    @property
    def uri(self) -> str:
        return self.background.uri

    @property
    def host(self) -> str:
        return self.background.address[0]

    @property
    def port(self) -> int:
        return self.background.address[1]


StartServer = Callable[..., RunningServer]


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """Start servers with settings overrides (``auth_user=...``) and server options
    (``server_options={"workers": 4}``); all are stopped and closed after the test."""
    started: list[RunningServer] = []

    def start(server_options: dict[str, Any] | None = None, **settings: Any) -> RunningServer:
        settings.setdefault("data_directory", str(tmp_path / f"db{len(started)}"))
        database = mgcore.connect(**settings)
        background = BackgroundServer(database, host="127.0.0.1", **(server_options or {}))
        background.start()
        running = RunningServer(database, background)
        started.append(running)
        return running

    yield start
    for running in reversed(started):
        running.background.stop()
        running.database.close()


@pytest.fixture
def server(start_server: StartServer) -> RunningServer:
    """A server with default settings on a fresh database."""
    return start_server()


@pytest.fixture
def no_server_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail the test if the server or asyncio logged an ERROR (an exception inside the server
    or its event loop) at any time, the server's shutdown included. Use it before ``server``
    (e.g. ``pytestmark = pytest.mark.usefixtures("no_server_errors")``) so that it is checked
    after the servers have stopped."""
    yield
    records = [*caplog.get_records("setup"), *caplog.get_records("call"), *caplog.records]
    errors = [
        f"{r.name}: {r.getMessage()}"
        for r in records
        if r.levelno >= logging.ERROR and r.name in ("asyncio", "mgcore.server")
    ]
    assert errors == []


@dataclass
class ServerProcess:
    """An ``mgcore serve`` child process."""

    process: subprocess.Popen[str]
    host: str
    port: int
    log: list[str]

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.port}"

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        rc = self.process.wait(timeout)
        assert self.process.stderr is not None
        self.log.extend(self.process.stderr.read().splitlines())
        return rc


def start_process(*args: str, timeout: float = 30) -> ServerProcess:
    """Run ``mgcore serve --bolt-port=0 ARGS`` and wait for its ready line."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "mgcore.cli", "serve", "--bolt-port=0", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    log: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        log.append(line.rstrip("\n"))
        match = READY_LINE.search(line)
        if match:
            return ServerProcess(process, match.group(1), int(match.group(2)), log)
    process.kill()
    process.wait()
    raise AssertionError("mgcore serve did not start:\n" + "\n".join(log))


@pytest.fixture
def serve_process(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start ``mgcore serve`` children (data in tmp_path unless given); killed after the test."""
    processes: list[ServerProcess] = []

    def start(*args: str) -> ServerProcess:
        if not any(a.startswith("--data-directory") for a in args):
            args = (f"--data-directory={tmp_path / 'data'}", *args)
        proc = start_process(*args)
        processes.append(proc)
        return proc

    yield start
    for proc in processes:
        if proc.process.poll() is None:
            proc.process.kill()
            proc.process.wait()


@pytest.fixture(scope="module")
def module_serve_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One ``mgcore serve`` child shared by a module's tests. pymgclient (and gqlalchemy over
    it) is a C extension that holds the GIL while it waits on its socket, so it deadlocks
    against the in-process ``server``; such modules use a child process, one per module, as
    starting one per test would dominate their runtime. The tests clear the data they need."""
    proc = start_process(f"--data-directory={tmp_path_factory.mktemp('serve') / 'data'}")
    yield proc
    if proc.process.poll() is None:
        proc.process.kill()
        proc.process.wait()
