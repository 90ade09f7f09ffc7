"""Fixtures for the engine-internal tests of IN_MEMORY_TRANSACTIONAL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mgcore.storage import EngineContext
from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine


@pytest.fixture
def make_engine(tmp_path: Path) -> Iterator[Any]:
    """Open engines on fresh directories (optionally with settings); closes them afterwards."""
    opened: list[InMemoryTransactionalEngine] = []

    def make(**settings: Any) -> InMemoryTransactionalEngine:
        engine = InMemoryTransactionalEngine()
        engine.open(
            EngineContext(data_directory=tmp_path / f"data{len(opened)}", settings=settings)
        )
        opened.append(engine)
        return engine

    yield make
    for engine in opened:
        engine.close()


@pytest.fixture
def engine(make_engine: Any) -> InMemoryTransactionalEngine:
    """A fresh engine with default settings."""
    return make_engine()  # type: ignore[no-any-return]

