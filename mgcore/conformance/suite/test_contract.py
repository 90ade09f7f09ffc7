"""The engine implements the contract's shape: class attributes, protocols, handles, transaction
lifecycle errors, read-only transactions, and the capability-gated operations it does not offer."""

from __future__ import annotations

import importlib.metadata as md
from collections.abc import Callable
from typing import Any

import pytest

from mgcore.storage.capabilities import Capabilities
from mgcore.storage.errors import (
    ReadOnlyTransactionError,
    TransactionClosedError,
    UnsupportedOperation,
)
from mgcore.storage.protocol import (
    API_VERSION,
    SCHEMA_METHODS,
    TRANSACTION_METHODS,
    SchemaManager,
    StorageEngine,
    Transaction,
    missing_members,
)
from mgcore.storage.records import (
    ConstraintKind,
    ConstraintSpec,
    IndexSpec,
    IsolationLevel,
)
from mgcore.storage.registry import ENTRY_POINT_GROUP, EngineRegistry
from mgcore.values.graph import NodeHandle, RelationshipHandle


def test_engine_class_attributes(engine_class: type, mg_engine_name: str) -> None:
    """Name, api_version and capabilities are class attributes of the declared kinds."""
    assert engine_class.name == mg_engine_name  # type: ignore[attr-defined]
    assert engine_class.api_version == API_VERSION  # type: ignore[attr-defined]
    assert isinstance(engine_class.capabilities, Capabilities)  # type: ignore[attr-defined]


def test_capabilities_file_matches_the_class(mg_engine_name: str, engine_class: type) -> None:
    """What ``mgcore engines`` reads without importing (capabilities.toml) equals what the class
    declares, for an engine installed through an entry point."""
    names = {ep.name for ep in md.entry_points(group=ENTRY_POINT_GROUP)}
    if mg_engine_name not in names:
        pytest.skip(f"{mg_engine_name} is not installed through an entry point")
    from_file = EngineRegistry().entry(mg_engine_name).capabilities()
    assert from_file is not None, "the engine package has no capabilities.toml"
    declared = engine_class.capabilities  # type: ignore[attr-defined]
    assert Capabilities.from_mapping(dict(from_file)) == declared


def test_instances_satisfy_the_protocols(engine: Any) -> None:
    """Engine, transaction and schema manager have every member of their protocol."""
    assert isinstance(engine, StorageEngine)
    assert isinstance(engine.schema, SchemaManager)
    tx = engine.begin()
    assert isinstance(tx, Transaction)
    assert missing_members(tx, TRANSACTION_METHODS) == []
    assert missing_members(engine.schema, SCHEMA_METHODS) == []
    assert tx.read_only is False
    tx.rollback()


def test_handles_subclass_the_kernel_bases(engine: Any) -> None:
    """Handles are NodeHandle / RelationshipHandle instances with int gids."""
    tx = engine.begin()
    node = tx.create_node()
    rel = tx.create_relationship(node, node, "R")
    assert isinstance(node, NodeHandle) and type(node.gid) is int
    assert isinstance(rel, RelationshipHandle) and type(rel.gid) is int
    assert all(isinstance(n, NodeHandle) for n in tx.nodes())
    assert all(isinstance(r, RelationshipHandle) for r in tx.relationships())
    tx.rollback()


def test_info_rows(engine: Any) -> None:
    """``info()`` is a list of (name, value) rows."""
    rows = engine.info()
    assert isinstance(rows, list)
    assert all(isinstance(row, tuple) and len(row) == 2 and isinstance(row[0], str)
               for row in rows)


WRITES: list[tuple[str, Callable[[Any], object]]] = [
    ("create_node", lambda tx: tx.create_node()),
    ("create_relationship", lambda tx: tx.create_relationship(
        next(iter(tx.nodes())), next(iter(tx.nodes())), "R")),
    ("add_label", lambda tx: tx.add_label(next(iter(tx.nodes())), "New")),
    ("set_node_property", lambda tx: tx.set_node_property(next(iter(tx.nodes())), "k", 2)),
    ("delete_node", lambda tx: tx.delete_node(next(iter(tx.nodes())))),
    ("detach_delete_node", lambda tx: tx.detach_delete_node(next(iter(tx.nodes())))),
]


@pytest.mark.parametrize("write", [w for _, w in WRITES], ids=[n for n, _ in WRITES])
def test_read_only_transactions_refuse_writes(engine: Any, write: Callable[[Any], object]) -> None:
    """Every write in a read-only transaction raises ReadOnlyTransactionError and changes
    nothing."""
    tx = engine.begin()
    tx.create_node(["L"], {"k": 1})
    tx.commit()
    tx = engine.begin(read_only=True)
    assert tx.read_only is True
    with pytest.raises(ReadOnlyTransactionError):
        write(tx)
    tx.rollback()
    tx = engine.begin()
    [node] = tx.nodes()
    assert (tx.node_labels(node), tx.node_properties(node)) == (("L",), {"k": 1})
    assert list(tx.relationships()) == []
    tx.rollback()


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_finished_transactions_refuse_further_use(engine: Any, end: str) -> None:
    """After commit or rollback, writes and commit raise TransactionClosedError; rollback stays
    harmless."""
    tx = engine.begin()
    node = tx.create_node()
    getattr(tx, end)()
    with pytest.raises(TransactionClosedError):
        tx.create_node()
    with pytest.raises(TransactionClosedError):
        tx.set_node_property(node, "k", 1)
    with pytest.raises(TransactionClosedError):
        tx.commit()
    if end == "rollback":
        tx.rollback()


@pytest.mark.requires("!snapshots")
def test_snapshots_unsupported(engine: Any) -> None:
    with pytest.raises(UnsupportedOperation):
        engine.create_snapshot()


@pytest.mark.requires("!label_index")
def test_label_index_unsupported(engine: Any) -> None:
    with pytest.raises(UnsupportedOperation):
        engine.schema.create_index(IndexSpec("L"))


@pytest.mark.requires("!label_property_index")
def test_label_property_index_unsupported(engine: Any) -> None:
    with pytest.raises(UnsupportedOperation):
        engine.schema.create_index(IndexSpec("L", ("k",)))


@pytest.mark.requires("!existence_constraint")
def test_existence_constraint_unsupported(engine: Any) -> None:
    with pytest.raises(UnsupportedOperation):
        engine.schema.create_constraint(ConstraintSpec(ConstraintKind.EXISTS, "L", ("k",)))


@pytest.mark.requires("!unique_constraint")
def test_unique_constraint_unsupported(engine: Any) -> None:
    with pytest.raises(UnsupportedOperation):
        engine.schema.create_constraint(ConstraintSpec(ConstraintKind.UNIQUE, "L", ("k",)))


def test_schema_listings_start_empty(engine: Any) -> None:
    assert engine.schema.indexes() == []
    assert engine.schema.constraints() == []


def test_isolation_default_is_declared(capabilities: Capabilities) -> None:
    """The engine declares at least one isolation level."""
    assert capabilities.isolation_levels
    assert capabilities.default_isolation in set(IsolationLevel)
