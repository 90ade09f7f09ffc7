"""The embedded API opens the engine under test: ``mgcore.connect(storage_mode=...)`` gives a
database whose transactions are the engine's, and sessions open on it."""

from __future__ import annotations

from typing import Any


def test_database_runs_on_the_engine_under_test(database: Any, mg_engine_name: str) -> None:
    """The database's storage mode is the engine under test, and its commits are visible to
    later transactions."""
    assert database.storage_mode == mg_engine_name
    tx = database.begin()
    node = tx.create_node(["ViaDatabase"], {"k": 1})
    database.commit(tx)
    tx = database.begin()
    assert [n.gid for n in tx.nodes_by_label("ViaDatabase")] == [node.gid]
    database.rollback(tx)
    assert database.open_transaction_count == 0


def test_session_opens_and_closes(session: Any, database: Any) -> None:
    """A session of the database starts outside any transaction."""
    assert session.database is database
    assert session.in_transaction is False
