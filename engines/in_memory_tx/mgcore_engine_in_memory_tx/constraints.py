"""Existence, uniqueness and data type constraints of IN_MEMORY_TRANSACTIONAL.

All are checked at commit, under the write latch and before the commit timestamp is taken
(Memgraph checks existence before taking its engine lock and uniqueness after; here one latch
covers both, so a constraint created concurrently cannot slip between a check and the commit's
publication). Only the vertices the committing transaction changed (labels, properties, creation,
deletion; not edges) are checked, and nothing at all runs while no constraint exists.

* Existence ``:L(p)``: every such vertex that exists in the transaction's version and carries
  ``L`` has ``p``.
* Data type ``:L(p) IS TYPED T``: every such vertex carrying ``L`` that has ``p`` has a value of
  type ``T`` there (``DataType.accepts``); one per label and property, as in Memgraph. As in
  Memgraph each write is checked (``check_write``, ``check_new_label``: the statement fails
  with ``IS TYPED T violation on L(p)``), and the commit checks again like existence, for a
  constraint created while the transaction ran.
* Uniqueness ``:L(p1, ..., pn)``: no two vertices carrying ``L`` and *every* property have
  equal value tuples in the newest committed state after the commit (a vertex lacking one of
  the properties is not constrained). Values compare as the codec's canonical part does, so
  ``1`` and ``1.0`` collide (``key_prefix``). A map from canonical value tuple to the gid holding
  it in the newest committed state is kept exact at every commit (old tuples of changed or deleted
  vertices removed, new ones added); a candidate is still verified against its newest committed
  version. Of two concurrent transactions writing the same tuple the second to commit fails.

Creating a constraint validates the newest committed state under the latch; transactions still
running are checked when they commit. A uniqueness constraint does not create an index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgpack

from mgcore.storage.errors import ConstraintViolation, type_creation_violation, type_violation
from mgcore.storage.kit import serde
from mgcore.storage.kit.codec import key_prefix
from mgcore.storage.records import ConstraintKind, ConstraintSpec, DataType
from mgcore_engine_in_memory_tx.objects import (
    DELETED,
    REMOVE_LABEL,
    TXN_ID_BASE,
    Delta,
    Vertex,
    undo,
)

if TYPE_CHECKING:
    from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine

_unpackb = msgpack.unpackb
_ext_hook = serde.ext_hook


def describe(spec: ConstraintSpec) -> str:
    """``:L(p1, p2)`` as Memgraph's messages write it."""
    return f":{spec.label}({', '.join(spec.properties)})"


def committed_version(v: Vertex) -> tuple[tuple[str, ...], Any]:
    """(labels, props) of the newest committed version of ``v`` (props ``DELETED`` when it
    does not exist); the caller holds the latch."""
    props, labels = undo(v.delta, v.props, v.labels, None, TXN_ID_BASE)
    return labels, props


def constraint_record(spec: ConstraintSpec) -> list[Any]:
    """``[kind, label, [properties]]``, plus the data type's name for a data type constraint
    (an element added after the first format: records without it still load)."""
    record: list[Any] = [spec.kind.value, spec.label, list(spec.properties)]
    if spec.data_type is not None:
        record.append(spec.data_type.value)
    return record


def constraint_from_record(kind: str, label: str, props: list[str], *rest: Any) -> ConstraintSpec:
    """The spec ``constraint_record`` wrote (or an older record of three elements)."""
    data_type = DataType(rest[0]) if rest and rest[0] is not None else None
    return ConstraintSpec(ConstraintKind(kind), label, tuple(props), data_type)


class Unique:
    """One uniqueness constraint and its map of committed value tuples."""

    __slots__ = ("kids", "label", "spec", "values")

    def __init__(self, spec: ConstraintSpec, kids: tuple[int, ...]) -> None:
        self.spec = spec
        self.label = spec.label
        self.kids = kids
        self.values: dict[bytes, int] = {}

    def key(self, labels: tuple[str, ...], props: Any) -> bytes | None:
        """The canonical value tuple of a version, None when the constraint does not apply."""
        if props is None or props is DELETED or self.label not in labels:
            return None
        data = _unpackb(props, strict_map_key=False, ext_hook=_ext_hook)
        values = []
        for kid in self.kids:
            value = data.get(kid)
            if value is None:
                return None
            values.append(value)
        return key_prefix(values)


class ConstraintSet:
    """Every constraint of one engine; all methods run under the engine's write latch."""

    def __init__(self, engine: InMemoryTransactionalEngine) -> None:
        self._engine = engine
        self.order: list[ConstraintSpec] = []
        self.exists: dict[str, list[tuple[ConstraintSpec, int]]] = {}
        self.typed: dict[str, list[tuple[ConstraintSpec, int, DataType]]] = {}
        self.unique: dict[ConstraintSpec, Unique] = {}

    def __bool__(self) -> bool:
        return bool(self.order)

    # ----------------------------------------------------------------------------- DDL

    def create(self, spec: ConstraintSpec) -> bool:
        """Validate the newest committed data, then register; False when it exists."""
        if spec in self.order or self.typed_on(spec) is not None:
            return False
        engine = self._engine
        kids = tuple(engine._key_id(p) for p in spec.properties)
        vertices = [v for v in engine._vertices if v is not None]
        if spec.kind is ConstraintKind.EXISTS:
            (kid,) = kids
            for v in vertices:
                labels, props = committed_version(v)
                if props is DELETED or spec.label not in labels:
                    continue
                if props is None or kid not in _unpackb(
                    props, strict_map_key=False, ext_hook=_ext_hook
                ):
                    raise ConstraintViolation(
                        f"Unable to create existence constraint {describe(spec)}, because an "
                        f"existing node violates it. Node {v.gid} lacks property "
                        f"{spec.properties[0]}."
                    )
            self.exists.setdefault(spec.label, []).append((spec, kid))
        elif spec.kind is ConstraintKind.TYPE:
            (kid,) = kids
            data_type = spec.data_type
            assert data_type is not None
            for v in vertices:
                labels, props = committed_version(v)
                if props is DELETED or props is None or spec.label not in labels:
                    continue
                value = _unpackb(props, strict_map_key=False, ext_hook=_ext_hook).get(kid)
                if value is not None and not data_type.accepts(value):
                    raise type_creation_violation(spec, v.gid, value)
            self.typed.setdefault(spec.label, []).append((spec, kid, data_type))
        else:
            unique = Unique(spec, kids)
            values = unique.values
            for v in vertices:
                key = unique.key(*committed_version(v))
                if key is None:
                    continue
                other = values.get(key)
                if other is not None:
                    raise ConstraintViolation(
                        f"Unable to create unique constraint {describe(spec)}, because an "
                        f"existing node violates it. Nodes {other} and {v.gid} have the "
                        f"same values of {', '.join(spec.properties)}."
                    )
                values[key] = v.gid
            self.unique[spec] = unique
        self.order.append(spec)
        return True

    def check_write(self, labels: tuple[str, ...], key: str, value: Any) -> None:
        """A data type constraint on one of ``labels`` and ``key`` that ``value`` breaks fails
        the write at once, as Memgraph checks data types at each write (the commit checks
        again, for a constraint created meanwhile)."""
        if value is None:
            return
        typed = self.typed
        for label in labels:
            for spec, _, data_type in typed.get(label, ()):
                if spec.properties[0] == key and not data_type.accepts(value):
                    raise type_violation(spec)

    def check_new_label(self, label: str, props: Any) -> None:
        """``check_write`` for a label added to a vertex whose props blob is ``props``."""
        entries = self.typed.get(label)
        if not entries or props is None or props is DELETED:
            return
        data = _unpackb(props, strict_map_key=False, ext_hook=_ext_hook)
        for spec, kid, data_type in entries:
            value = data.get(kid)
            if value is not None and not data_type.accepts(value):
                raise type_violation(spec)

    def typed_on(self, spec: ConstraintSpec) -> ConstraintSpec | None:
        """The data type constraint on ``spec``'s label and property, whatever its type (None
        when ``spec`` is no data type constraint or there is none)."""
        if spec.kind is not ConstraintKind.TYPE:
            return None
        for other, _, _ in self.typed.get(spec.label, ()):
            if other.properties == spec.properties:
                return other
        return None

    def drop(self, spec: ConstraintSpec) -> bool:
        """Forget a constraint; False when it did not exist."""
        if spec not in self.order:
            return False
        self.order.remove(spec)
        if spec.kind is ConstraintKind.EXISTS:
            rest = [x for x in self.exists[spec.label] if x[0] != spec]
            if rest:
                self.exists[spec.label] = rest
            else:
                del self.exists[spec.label]
        elif spec.kind is ConstraintKind.TYPE:
            kept = [x for x in self.typed[spec.label] if x[0] != spec]
            if kept:
                self.typed[spec.label] = kept
            else:
                del self.typed[spec.label]
        else:
            del self.unique[spec]
        return True

    # ----------------------------------------------------------------------------- commit

    def check_commit(self, deltas: list[Delta]) -> list[Any]:
        """Raise ``ConstraintViolation`` when committing ``deltas`` would break a constraint;
        otherwise return the changes to the uniqueness maps, for ``apply`` once the commit is
        certain (after the WAL write)."""
        written: dict[Vertex, None] = {}
        for d in deltas:
            owner = d.owner
            if d.action <= REMOVE_LABEL and owner.__class__ is Vertex:
                written[owner] = None
        if not written:
            return []
        exists = self.exists
        typed = self.typed
        if exists or typed:
            for v in written:
                props = v.props
                if props is DELETED:
                    continue
                data = None
                for label in v.labels:
                    for spec, kid, data_type in typed.get(label, ()):
                        if data is None:
                            data = _unpackb(
                                props, strict_map_key=False, ext_hook=_ext_hook
                            ) if props else {}
                        value = data.get(kid)
                        if value is not None and not data_type.accepts(value):
                            raise type_violation(spec)
                    for spec, kid in exists.get(label, ()):
                        if data is None:
                            data = _unpackb(
                                props, strict_map_key=False, ext_hook=_ext_hook
                            ) if props else {}
                        if kid not in data:
                            raise ConstraintViolation(
                                "Unable to commit due to existence constraint violation on "
                                f"{describe(spec)}"
                            )
        pending = []
        for unique in self.unique.values():
            changes = self._check_unique(unique, written)
            if changes:
                pending.append((unique, changes))
        return pending

    def apply(self, pending: list[Any]) -> None:
        """Bring the uniqueness maps to the state after a commit ``check_commit`` passed."""
        for unique, changes in pending:
            values = unique.values
            for gid, old, _new in changes:
                if old is not None and values.get(old) == gid:
                    del values[old]
            for gid, _old, new in changes:
                if new is not None:
                    values[new] = gid

    def _check_unique(
        self, unique: Unique, written: dict[Vertex, None]
    ) -> list[tuple[int, bytes | None, bytes | None]]:
        """Check one uniqueness constraint; returns the map changes the commit makes."""
        changes: list[tuple[int, bytes | None, bytes | None]] = []
        mine: dict[bytes, int] = {}
        for v in written:
            new = unique.key(v.labels, v.props)
            if new is not None:
                if new in mine:
                    self._violation(unique)
                mine[new] = v.gid
            old = unique.key(*committed_version(v))
            if new != old:
                changes.append((v.gid, old, new))
        values = unique.values
        vertices = self._engine._vertices
        for gid, _old, new in changes:
            if new is None:
                continue
            other = values.get(new)
            if other is None or other == gid:
                continue
            w = vertices[other]
            if w is not None and w not in written and unique.key(*committed_version(w)) == new:
                self._violation(unique)
        return changes

    @staticmethod
    def _violation(unique: Unique) -> None:
        raise ConstraintViolation(
            f"Unable to commit due to unique constraint violation on {describe(unique.spec)}"
        )
