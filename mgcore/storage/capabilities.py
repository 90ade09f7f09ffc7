"""What an engine supports. The planner reads it to choose operators; the conformance suite reads
it to skip tests (``@pytest.mark.requires("label_index")``) and nothing else.

An engine declares its capabilities in a ``capabilities.toml`` file inside its top-level package,
so ``mgcore engines`` can list them without importing the engine, and loads the same file into
its ``capabilities`` class attribute with ``Capabilities.from_package_file``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from mgcore.storage.records import IsolationLevel


@dataclass(frozen=True)
class Capabilities:
    """Each flag names one behaviour covered by the conformance suite."""

    transactional: bool = True
    """Rollback undoes every write; uncommitted writes are invisible to other transactions."""
    isolation_levels: frozenset[IsolationLevel] = frozenset({IsolationLevel.SNAPSHOT_ISOLATION})
    """Isolation levels ``begin`` accepts; the first in SNAPSHOT, COMMITTED, UNCOMMITTED order
    that is supported is the default."""
    write_conflicts_at: str = "write"
    """``"write"``: a write-write conflict raises at the second write (Memgraph in-memory);
    ``"commit"``: at the later commit (optimistic, Memgraph on-disk); ``"none"``: no conflicts."""
    durable: bool = False
    """Committed data survives closing and reopening the engine on the same data directory."""
    snapshots: bool = False
    """``create_snapshot()`` is supported."""
    drop_graph: bool = False
    """``drop_graph()`` (``DROP GRAPH``) is supported: the engine implements ``GraphDrop``."""
    label_index: bool = False
    label_property_index: bool = False
    existence_constraint: bool = False
    unique_constraint: bool = False
    type_constraint: bool = False
    """Data type constraints (``ASSERT n.p IS TYPED INTEGER``, ``ConstraintKind.TYPE``)."""
    properties_on_edges: bool = True
    """Relationships can carry properties (when the setting allows it)."""
    temporal_values: bool = False
    """Temporal values (Date, Duration, ...) can be stored as properties."""
    thread_safe: bool = True
    """Transactions may run concurrently on several threads."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def supports(self, name: str) -> bool:
        """True when the capability ``name`` is present; isolation levels are named by value,
        e.g. ``supports("READ_COMMITTED")``."""
        if name in IsolationLevel.__members__:
            return IsolationLevel[name] in self.isolation_levels
        if name.startswith("write_conflicts_at_"):
            return self.write_conflicts_at == name.removeprefix("write_conflicts_at_")
        value = getattr(self, name, None)
        if value is None or name.startswith("_"):
            raise KeyError(f"unknown capability {name!r}; known: {', '.join(self.names())}")
        return bool(value)

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Capabilities:
        """Build from the ``[capabilities]`` table of a capabilities.toml file."""
        known = set(cls.names())
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown capabilities {sorted(unknown)}; known: {sorted(known)}")
        values = dict(data)
        if "isolation_levels" in values:
            values["isolation_levels"] = frozenset(
                IsolationLevel.parse(x) for x in values["isolation_levels"]
            )
        return cls(**values)

    @classmethod
    def from_package_file(cls, package_file: str) -> Capabilities:
        """Load ``capabilities.toml`` next to ``package_file`` (pass the engine's ``__file__``)."""
        path = Path(package_file).with_name("capabilities.toml")
        return cls.from_mapping(tomllib.loads(path.read_text("utf-8")).get("capabilities", {}))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "isolation_levels":
                value = sorted(level.value for level in value)
            out[f.name] = value
        return out

    @property
    def default_isolation(self) -> IsolationLevel:
        for level in IsolationLevel:
            if level in self.isolation_levels:
                return level
        raise ValueError("engine declares no isolation level")
