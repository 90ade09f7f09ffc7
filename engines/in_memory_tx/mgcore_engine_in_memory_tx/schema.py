"""The ``SchemaManager`` of IN_MEMORY_TRANSACTIONAL: index and constraint DDL.

Every DDL statement runs under the engine's write latch from start to end (Memgraph takes unique
access): an index is built, or a constraint validated, over a store no writer changes meanwhile;
readers go on without the latch and only start using an index once it is registered. After a
change took effect the engine's ``_log_schema_change`` records it (the durability seam).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mgcore.storage.records import ConstraintSpec, IndexInfo, IndexSpec

if TYPE_CHECKING:
    from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine


class Schema:
    """Index and constraint DDL of one engine."""

    def __init__(self, engine: InMemoryTransactionalEngine) -> None:
        self._engine = engine

    def create_index(self, spec: IndexSpec) -> bool:
        """Build a label or label+property index over the existing data; False if it exists."""
        engine = self._engine
        with engine._lock:
            if not engine._indexes.create(spec):
                return False
            engine._indexed = True
            engine._log_schema_change("create", spec)
        return True

    def drop_index(self, spec: IndexSpec) -> bool:
        """Drop an index; False when it did not exist."""
        engine = self._engine
        with engine._lock:
            if not engine._indexes.drop(spec):
                return False
            engine._indexed = bool(engine._indexes)
            engine._log_schema_change("drop", spec)
        return True

    def indexes(self) -> list[IndexInfo]:
        """Every index in creation order with its approximate entry count."""
        engine = self._engine
        with engine._lock:
            return engine._indexes.infos()

    def create_constraint(self, spec: ConstraintSpec) -> bool:
        """Validate the newest committed data (``ConstraintViolation`` naming a violating
        node), then enforce at every commit; False when it exists."""
        engine = self._engine
        with engine._lock:
            if not engine._constraints.create(spec):
                return False
            engine._constrained = True
            engine._log_schema_change("create", spec)
        return True

    def drop_constraint(self, spec: ConstraintSpec) -> bool:
        """Drop a constraint; False when it did not exist."""
        engine = self._engine
        with engine._lock:
            if not engine._constraints.drop(spec):
                return False
            engine._constrained = bool(engine._constraints)
            engine._log_schema_change("drop", spec)
        return True

    def constraints(self) -> list[ConstraintSpec]:
        """Every constraint in creation order."""
        engine = self._engine
        with engine._lock:
            return list(engine._constraints.order)
