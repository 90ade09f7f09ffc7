"""Capabilities: parsing capabilities.toml tables and answering `supports`."""

from __future__ import annotations

import pytest

from mgcore.storage import Capabilities, IsolationLevel


def test_from_mapping_parses_isolation_levels() -> None:
    caps = Capabilities.from_mapping(
        {"isolation_levels": ["SNAPSHOT_ISOLATION", "read committed"], "durable": True}
    )
    assert caps.isolation_levels == {
        IsolationLevel.SNAPSHOT_ISOLATION,
        IsolationLevel.READ_COMMITTED,
    }
    assert caps.supports("READ_COMMITTED")
    assert not caps.supports("READ_UNCOMMITTED")
    assert caps.supports("durable")
    assert caps.default_isolation is IsolationLevel.SNAPSHOT_ISOLATION


def test_unknown_capability_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown capabilities"):
        Capabilities.from_mapping({"teleport": True})
    with pytest.raises(KeyError):
        Capabilities().supports("teleport")


def test_write_conflict_timing() -> None:
    caps = Capabilities(write_conflicts_at="commit")
    assert caps.supports("write_conflicts_at_commit")
    assert not caps.supports("write_conflicts_at_write")


def test_as_dict_round_trips() -> None:
    caps = Capabilities(label_index=True, isolation_levels=frozenset(IsolationLevel))
    assert Capabilities.from_mapping(caps.as_dict()) == caps
