"""Helpers shared by the engine-internal tests of IN_MEMORY_TRANSACTIONAL."""

from __future__ import annotations

from typing import Any

from mgcore_engine_in_memory_tx.objects import ACTION_NAMES, DELETED


def chain(obj: Any) -> list[str]:
    """Names of the undo actions in ``obj``'s delta chain, newest first."""
    names = []
    d = obj.delta
    while d is not None:
        names.append(ACTION_NAMES[d.action])
        d = d.next
    return names


def state(obj: Any) -> tuple[Any, ...]:
    """The newest version of a vertex or edge as stored (labels, props blob, adjacency sets)."""
    if hasattr(obj, "labels"):
        return (obj.labels, obj.props, frozenset(_items(obj.out_e)), frozenset(_items(obj.in_e)))
    return (obj.type, obj.props, obj.start, obj.end)


def _items(adj: Any) -> list[Any]:
    if adj is None:
        return []
    if isinstance(adj, tuple | list):
        return list(adj)
    return [adj]


def is_deleted(obj: Any) -> bool:
    """True when the newest version of ``obj`` is deleted."""
    return obj.props is DELETED
