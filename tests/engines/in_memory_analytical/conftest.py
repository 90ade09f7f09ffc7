"""Fixtures for the engine-internal tests of IN_MEMORY_ANALYTICAL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mgcore.storage import EngineContext
from mgcore_engine_in_memory_analytical.engine import InMemoryAnalyticalEngine


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def engine(data_dir: Path) -> Iterator[InMemoryAnalyticalEngine]:
    """A fresh analytical engine on ``data_dir``; closed afterwards."""
    eng = InMemoryAnalyticalEngine()
    eng.open(EngineContext(data_directory=data_dir))
    yield eng
    eng.close()


def ctx(directory: Path, **settings: Any) -> EngineContext:
    return EngineContext(data_directory=directory, settings=settings)
