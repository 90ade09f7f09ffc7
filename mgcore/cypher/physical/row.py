"""Rows and their layouts: a row is a tuple whose positions (slots) are fixed at compile time.

Every operator knows its output layout, the variable names of its row's positions in order.
Operators that bind variables append them (``row + (value,)``), so a slot never moves; only a
projection (WITH, RETURN) starts a new row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mgcore.values.graph import Node, NodeHandle, Path, Relationship, RelationshipHandle

Row = tuple[Any, ...]


class Layout:
    """The variable names of a row's slots; a later slot of the same name shadows an earlier."""

    __slots__ = ("_index", "names")

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: tuple[str, ...] = tuple(names)
        self._index = {name: i for i, name in enumerate(self.names)}

    @property
    def width(self) -> int:
        """How many slots a row of this layout has."""
        return len(self.names)

    def slot(self, name: str) -> int | None:
        """The slot of ``name`` (the last one of that name), or None."""
        return self._index.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def extend(self, *names: str) -> Layout:
        """The layout of rows with ``names`` appended."""
        return Layout(self.names + names)

    def __repr__(self) -> str:
        return f"Layout{self.names!r}"


def to_result(value: Any, tx: Any) -> Any:
    """``value`` with every engine handle replaced by a Node/Relationship/Path result value."""
    t = type(value)
    if t is int or t is str or t is float or t is bool or value is None:
        return value
    if isinstance(value, NodeHandle):
        return Node(value.gid, tuple(tx.node_labels(value)), tx.node_properties(value))
    if isinstance(value, RelationshipHandle):
        return Relationship(
            value.gid,
            tx.relationship_start(value).gid,
            tx.relationship_end(value).gid,
            tx.relationship_type(value),
            tx.relationship_properties(value),
        )
    if t is list or t is tuple:
        return [to_result(v, tx) for v in value]
    if t is dict:
        return {k: to_result(v, tx) for k, v in value.items()}
    if t is Path:
        return Path(
            tuple(to_result(n, tx) for n in value.nodes),
            tuple(to_result(r, tx) for r in value.relationships),
        )
    if isinstance(value, Mapping):
        return {k: to_result(v, tx) for k, v in value.items()}
    return value


def row_to_result(row: Row, tx: Any) -> Row:
    """A row of result values (every handle converted)."""
    return tuple([to_result(v, tx) for v in row])
