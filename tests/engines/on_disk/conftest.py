"""Fixtures for the engine-internal tests of ON_DISK_TRANSACTIONAL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mgcore.storage import EngineContext
from mgcore_engine_on_disk.engine import OnDiskEngine


class Engines:
    """Opens ``OnDiskEngine``s on fresh (or given) directories and closes them all at teardown."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.opened: list[OnDiskEngine] = []
        self.dirs: dict[int, Path] = {}
        self.settings: dict[int, dict[str, Any]] = {}

    def open(self, directory: Path | None = None, **settings: Any) -> OnDiskEngine:
        if directory is None:
            directory = self.root / f"data{len(self.opened)}"
        engine = OnDiskEngine()
        engine.open(EngineContext(data_directory=directory, settings=settings))
        self.opened.append(engine)
        self.dirs[id(engine)] = directory
        self.settings[id(engine)] = settings
        return engine

    def reopen(self, engine: OnDiskEngine, **settings: Any) -> OnDiskEngine:
        """Close ``engine`` and open a new one on its directory (same settings unless given)."""
        directory = self.dirs[id(engine)]
        merged = {**self.settings[id(engine)], **settings}
        engine.close()
        return self.open(directory, **merged)

    def close_all(self) -> None:
        for engine in self.opened:
            engine.close()  # idempotent: a closed engine has no store


@pytest.fixture
def engines(tmp_path: Path) -> Iterator[Engines]:
    eng = Engines(tmp_path)
    yield eng
    eng.close_all()


@pytest.fixture
def make_engine(engines: Engines) -> Callable[..., OnDiskEngine]:
    """``make_engine(**settings)``: an engine on a fresh directory; closed afterwards."""
    return engines.open


@pytest.fixture
def reopen(engines: Engines) -> Callable[..., OnDiskEngine]:
    """``reopen(engine, **settings)``: close ``engine`` and open its directory again."""
    return engines.reopen


@pytest.fixture
def engine(make_engine: Callable[..., OnDiskEngine]) -> OnDiskEngine:
    """A fresh engine with default settings."""
    return make_engine()
