"""THE engine contract: ``StorageEngine``, ``Transaction`` and ``SchemaManager``.

Written the way PostgreSQL writes ``tableam.h``: every method says what it means, whether an
engine must provide it, and which capability gates it. Everything per row (scans, expansions,
property reads) is a plain method call on the objects an engine returns; no hook is ever called
from here (design: ARCHITECTURE.md sections 1 and 4).

Handles. Scans return *handles*: engine objects for nodes and relationships that subclass
``NodeHandle`` / ``RelationshipHandle`` and expose ``gid`` (an int, unique per kind, stable for
the life of the entity, and the value of Cypher's ``id()``). Two handles of the same entity in one
transaction compare equal and hash alike. A handle is only meaningful to the transaction that
produced it (or a later one of the same engine, which must re-find it by gid); the kernel reads
its labels and properties through that transaction, which applies the transaction's visibility.

Values. Property values are Python values: ``None`` is never stored (setting a property to
``None`` removes it), ``bool``, ``int`` (64-bit), ``float``, ``str``, ``list`` and ``dict`` (str
keys) nested freely, and the temporal types of ``mgcore.values`` where the engine declares
``temporal_values``. Engines copy lists and dicts on the way in, never modify a stored one in
place, and return values the caller must not mutate.

Visibility. A transaction sees the data committed before it began (snapshot isolation) or as its
isolation level says, plus its own writes, immediately. Clause isolation (``MATCH (a) CREATE
(b)`` must not see ``b``) is the planner's job, not the engine's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from mgcore.storage.capabilities import Capabilities
from mgcore.storage.records import (
    ConstraintSpec,
    Direction,
    GraphStatistics,
    IndexInfo,
    IndexSpec,
    IsolationLevel,
    PropertyRange,
)
from mgcore.values.graph import NodeHandle, RelationshipHandle

API_VERSION = 1
"""The engine contract's version. An engine's ``api_version`` must equal it; a change that breaks
engines bumps it."""


class EngineEvents(Protocol):
    """What an engine may tell the kernel; the kernel turns these into hook calls."""

    def snapshot_created(self, path: str) -> None:
        """A snapshot was written to ``path``; called once per snapshot."""


class _NoEvents:
    def snapshot_created(self, path: str) -> None:
        return None


@dataclass
class EngineContext:
    """Everything the kernel hands an engine when it opens it."""

    data_directory: Path
    """The engine's own directory; it may create files there and nothing outside it."""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """Resolved settings by name with underscores (``storage_wal_enabled``, ``isolation_level``,
    ``storage_properties_on_edges``, ...), kernel settings and those engines added through the
    ``mg_add_config`` hook."""
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("mgcore.engine"))
    events: EngineEvents = field(default_factory=_NoEvents)


@runtime_checkable
class Transaction(Protocol):
    """One transaction (Memgraph's Accessor). Used by one thread at a time; different
    transactions of one engine may run on different threads concurrently when the engine
    declares ``thread_safe``.

    Writes that conflict with a concurrent transaction raise ``SerializationError`` at the write
    (capability ``write_conflicts_at == "write"``) or at ``commit`` (``"commit"``). After any
    error raised by a write or by ``commit``, the kernel calls ``rollback``.
    """

    isolation: IsolationLevel
    """The isolation level the transaction runs at."""
    read_only: bool

    # ----------------------------------------------------------------- point lookups (required)

    def node(self, gid: int) -> NodeHandle | None:
        """The visible node with this gid, or None."""

    def relationship(self, gid: int) -> RelationshipHandle | None:
        """The visible relationship with this gid, or None."""

    # ------------------------------------------------------------------------- scans (required)

    def nodes(self) -> Iterator[NodeHandle]:
        """Every visible node, in gid order where the engine can (the kernel does not rely on
        any order)."""

    def relationships(self) -> Iterator[RelationshipHandle]:
        """Every visible relationship."""

    def nodes_by_label(self, label: str) -> Iterator[NodeHandle]:
        """Visible nodes carrying ``label``. Required; uses the label index where one exists
        (capability ``label_index``), otherwise scans and filters. Same result either way."""

    def nodes_by_property(self, label: str, key: str, value: Any) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose property ``key`` equals ``value`` under Cypher
        equality (``1 = 1.0``; ``null`` matches nothing). Required; uses a label+property index
        where one exists (``label_property_index``), otherwise scans and filters."""

    def nodes_by_property_range(
        self, label: str, key: str, value_range: PropertyRange
    ) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose property ``key`` lies in ``value_range`` (only
        values comparable with the bounds). A range with no bounds (``PropertyRange()``) means
        every visible node with ``label`` that has the property, whatever its value (``n.key
        IS NOT NULL``; Memgraph's ``Vertices(label, property, nullopt, nullopt)``). Required;
        index-backed where possible (a walk of the whole label+property index for no bounds),
        otherwise scans and filters."""

    def nodes_by_property_prefix(self, label: str, key: str, prefix: str) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose string property ``key`` starts with ``prefix``.
        Required; index-backed where possible."""

    def nodes_by_properties(
        self, label: str, keys: tuple[str, ...], values: tuple[Any, ...]
    ) -> Iterator[NodeHandle]:
        """Visible nodes with ``label`` whose property ``keys[i]`` equals ``values[i]`` for every
        ``i``, under Cypher equality (a ``None`` value matches nothing), each node once.
        Required; uses a composite label+property index on exactly ``label``(``keys``), in that
        order, where one exists (``label_property_index``; the planner passes an index's
        properties in the index's order), otherwise scans and filters. Same result either
        way."""

    # ------------------------------------------------------------ node reads (required, per row)

    def node_labels(self, node: NodeHandle) -> tuple[str, ...]:
        """Labels of the visible version, in the order they were added."""

    def node_has_label(self, node: NodeHandle, label: str) -> bool:
        """True when the visible version carries ``label``."""

    def node_property(self, node: NodeHandle, key: str) -> Any:
        """The property's value in the visible version, or None."""

    def node_properties(self, node: NodeHandle) -> dict[str, Any]:
        """All properties of the visible version, as a new dict the caller owns."""

    def expand(
        self, node: NodeHandle, direction: Direction, types: tuple[str, ...] | None = None
    ) -> Iterator[tuple[RelationshipHandle, NodeHandle]]:
        """Visible relationships at ``node`` in ``direction`` whose type is in ``types`` (any
        type when None), each with the node at the other end. With ``Direction.BOTH`` a
        self-loop is yielded once."""

    def degree(
        self, node: NodeHandle, direction: Direction, types: tuple[str, ...] | None = None
    ) -> int:
        """Number of relationships ``expand`` would yield, without materialising them."""

    # ---------------------------------------------------- relationship reads (required, per row)

    def relationship_type(self, rel: RelationshipHandle) -> str:
        """The type, fixed at creation."""

    def relationship_start(self, rel: RelationshipHandle) -> NodeHandle:
        """The start node."""

    def relationship_end(self, rel: RelationshipHandle) -> NodeHandle:
        """The end node."""

    def relationship_property(self, rel: RelationshipHandle, key: str) -> Any:
        """The property's value in the visible version, or None."""

    def relationship_properties(self, rel: RelationshipHandle) -> dict[str, Any]:
        """All properties of the visible version, as a new dict the caller owns."""

    # ----------------------------------------------------------------------- writes (required)

    def create_node(
        self, labels: Iterable[str] = (), properties: Mapping[str, Any] | None = None
    ) -> NodeHandle:
        """A new node; ``None`` property values are skipped."""

    def create_relationship(
        self,
        start: NodeHandle,
        end: NodeHandle,
        rel_type: str,
        properties: Mapping[str, Any] | None = None,
    ) -> RelationshipHandle:
        """A new relationship; its type can never change. Raises ``DeletedObjectError`` if an
        endpoint was deleted and ``PropertiesOnEdgesDisabled`` for properties when the
        ``storage_properties_on_edges`` setting is off."""

    def add_label(self, node: NodeHandle, label: str) -> bool:
        """Add ``label``; False (and nothing written) when the node already has it."""

    def remove_label(self, node: NodeHandle, label: str) -> bool:
        """Remove ``label``; False when the node did not have it."""

    def set_node_property(self, node: NodeHandle, key: str, value: Any) -> None:
        """Set (``None``: remove) a property. The engine validates and copies the value
        (``mgcore.values.types.validate_property_value``), so mutating the caller's list or dict
        afterwards does not change what is stored."""

    def set_relationship_property(self, rel: RelationshipHandle, key: str, value: Any) -> None:
        """Set (``None``: remove) a relationship property."""

    def delete_relationship(self, rel: RelationshipHandle) -> bool:
        """Delete; False when it was already deleted by this transaction."""

    def delete_node(self, node: NodeHandle) -> bool:
        """Delete a node without relationships; ``NodeHasRelationshipsError`` otherwise. False
        when this transaction already deleted it."""

    def detach_delete_node(self, node: NodeHandle) -> int:
        """Delete the node and its relationships; returns how many relationships were deleted
        (0 if the node was already deleted by this transaction)."""

    def is_deleted(self, entity: NodeHandle | RelationshipHandle) -> bool:
        """True when this transaction deleted the node or relationship (or it is not visible)."""

    # ---------------------------------------------------------------------- end (required)

    def commit(self) -> None:
        """Make the writes durable (as the engine's durability allows) and visible, atomically.
        Raises ``SerializationError`` or ``ConstraintViolation``; the transaction is then rolled
        back by the engine. A read-only or empty commit is cheap."""

    def rollback(self) -> None:
        """Undo every write of the transaction; idempotent, also after a failed commit."""


@runtime_checkable
class SchemaManager(Protocol):
    """Index and constraint DDL for one engine. The kernel parses and validates DDL statements and
    runs them here with no transaction of the session open (Memgraph takes unique access).
    Index methods are gated by ``label_index`` / ``label_property_index``; constraint methods by
    ``existence_constraint`` / ``unique_constraint`` / ``type_constraint``; an engine without them
    raises ``UnsupportedOperation``."""

    def create_index(self, spec: IndexSpec) -> bool:
        """Build the index over existing data; False when it already existed."""

    def drop_index(self, spec: IndexSpec) -> bool:
        """False when it did not exist."""

    def indexes(self) -> list[IndexInfo]:
        """Every index with its approximate entry count."""

    def create_constraint(self, spec: ConstraintSpec) -> bool:
        """Validate existing data (``ConstraintViolation`` naming the label and properties when
        it violates the constraint), then enforce it at every later commit. False when it
        already existed; for a data type constraint (``ConstraintKind.TYPE``) also when one on
        the same label and property exists with another type (Memgraph allows one). A data
        type constraint holds when each property it names that a vertex carries with one of its
        labels is of its type (``DataType.accepts``; a missing property satisfies it). Memgraph
        fails the violating write at once (``ConstraintViolation("IS TYPED INTEGER violation on
        L(p)")``, Memgraph's words, ``DataType.display``), as mgcore's engines do; at the latest
        the commit must fail with it, checked like an existence constraint on the vertices the
        transaction changed."""

    def drop_constraint(self, spec: ConstraintSpec) -> bool:
        """False when it did not exist (for a data type constraint: not with that type)."""

    def constraints(self) -> list[ConstraintSpec]:
        """Every constraint."""


@runtime_checkable
class StorageEngine(Protocol):
    """A storage mode. The class is what an entry point in the ``mgcore.engines`` group names;
    the kernel instantiates it with no arguments, then calls ``open`` once."""

    name: ClassVar[str]
    """The storage-mode name (``IN_MEMORY_TRANSACTIONAL``); equal to the entry-point name."""
    api_version: ClassVar[int]
    """Must equal ``mgcore.storage.API_VERSION``."""
    capabilities: ClassVar[Capabilities]

    def open(self, ctx: EngineContext) -> None:
        """Open (creating if needed) the data directory and recover what is durable there.
        Raises ``EngineIncompatible`` when the directory holds another engine's or format's data."""

    def begin(
        self, isolation: IsolationLevel | None = None, read_only: bool = False
    ) -> Transaction:
        """Start a transaction; ``None`` uses the engine's current global isolation level. An
        unsupported level raises ``UnsupportedOperation``."""

    @property
    def schema(self) -> SchemaManager:
        """Index and constraint DDL."""

    def statistics(self) -> GraphStatistics:
        """Counts of committed data for the planner and SHOW STORAGE INFO."""

    def set_isolation_level(self, level: IsolationLevel) -> None:
        """Change the default level of later transactions (``SET GLOBAL TRANSACTION ...``). A
        level not in ``capabilities.isolation_levels`` raises ``UnsupportedOperation`` and
        changes nothing; its message is what the user sees for any ``SET ... ISOLATION LEVEL``
        of that level, so an engine words it as its storage mode should. An engine with a
        single level (nothing to choose) may refuse every call the same way, as Memgraph's
        analytical mode does; its transactions then run at that level."""

    def create_snapshot(self) -> str:
        """Write a snapshot and return its path. Capability ``snapshots``; otherwise raises
        ``UnsupportedOperation``."""

    def info(self) -> list[tuple[str, Any]]:
        """Engine-specific rows of SHOW STORAGE INFO (the kernel adds the generic ones)."""

    def free_memory(self) -> None:
        """``FREE MEMORY``: run garbage collection now (release every delta and index entry no
        active transaction can see) and hand freed memory back to the OS where possible.
        Required; an engine with nothing to collect returns at once."""

    def close(self) -> None:
        """Finish background work, flush what must be durable and release the data directory.
        Transactions still open are rolled back."""

    # Optional methods are not members of this protocol, so that an engine without them still
    # satisfies it: ``drop_graph`` (``GraphDrop``), ``hand_over`` / ``take_over``
    # (``StoreHandOver``). The kernel checks for them before it calls them.


@runtime_checkable
class StoreHandOver(Protocol):
    """Optional: engines that keep the same kind of store hand it over in place on
    ``STORAGE MODE`` (Memgraph's in-memory transactional and analytical modes share one store;
    no copy). The kernel uses it only when both engines declare the same non-empty
    ``store_kind``; otherwise it streams the graph through ``Transaction``."""

    store_kind: ClassVar[str]
    """Names the store's layout (e.g. ``"mgcore.in_memory.v1"``); equal kinds can exchange it."""

    def hand_over(self) -> Any:
        """Called with no transaction open: give the whole store (data, indexes, constraints,
        counters) away and close this engine, leaving durable files as they are. Called once."""

    def take_over(self, store: Any, ctx: EngineContext) -> None:
        """Open on ``store`` (instead of ``open``'s recovery) from an engine of the same
        ``store_kind``; a durable engine makes the taken-over data durable (e.g. a snapshot)
        before it returns."""


@runtime_checkable
class GraphDrop(Protocol):
    """Optional: ``StorageEngine.drop_graph``, for ``DROP GRAPH``; capability ``drop_graph``.
    An engine declaring ``drop_graph`` implements it and it succeeds. An engine not declaring it
    either lacks the method (the kernel then refuses ``DROP GRAPH`` with a generic
    ``UnsupportedOperation``) or has it raise ``UnsupportedOperation``."""

    def drop_graph(self) -> None:
        """``DROP GRAPH``: delete every node, relationship, index and constraint at once. The
        kernel calls it with no transaction of the calling session open and no ``STORAGE MODE``
        switch under way; the engine makes it atomic towards other transactions (waiting for the
        running ones, as Memgraph's unique access does, or refusing). Afterwards the engine is
        empty and usable: new data, indexes and constraints can be created. It is as durable as
        the engine's other writes (an engine without a WAL: from its next snapshot on).

        An engine that does not support it (at all, or in its current state) raises
        ``UnsupportedOperation`` and deletes nothing; the message is what the user sees, so an
        engine words it as its storage mode should (Memgraph's IN_MEMORY_TRANSACTIONAL: "Drop
        graph can only be used in the analytical mode. ...")."""


TRANSACTION_METHODS: tuple[str, ...] = tuple(
    name for name in Transaction.__dict__ if not name.startswith("_") and callable(
        Transaction.__dict__[name])
)
SCHEMA_METHODS: tuple[str, ...] = tuple(
    name for name in SchemaManager.__dict__ if not name.startswith("_") and callable(
        SchemaManager.__dict__[name])
)
ENGINE_METHODS: tuple[str, ...] = (
    "open", "begin", "statistics", "set_isolation_level", "create_snapshot", "info",
    "free_memory", "close",
)
"""The required methods of ``StorageEngine`` (the registry checks them when it loads an engine).
The optional ones (``GraphDrop``, ``StoreHandOver``) are deliberately not listed."""


def missing_members(obj: object, names: Iterable[str]) -> list[str]:
    """Names of required members that ``obj`` (a class or instance) lacks; used by the registry's
    protocol check when an engine is loaded and when its first transaction is created."""
    return [name for name in names if not callable(getattr(obj, name, None))]
