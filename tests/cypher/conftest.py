"""Fixtures shared by the Cypher tests: one IN_MEMORY_TRANSACTIONAL database per module and a
session on it that starts from an empty graph. A module that needs other data overrides them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import mgcore
from mgcore.database import Database
from mgcore.session import Session


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = mgcore.connect(
        storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path_factory.mktemp("db"))
    )
    yield database
    database.close()


@pytest.fixture
def s(db: Database) -> Iterator[Session]:
    with db.session() as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
        yield session
