"""Index and constraint DDL where the engine declares it: create/drop report changes, listings
show them, constraints validate existing data and are enforced at commit, and durable engines
keep them across reopen. (Lookups through indexes are checked in test_lookups.)"""

from __future__ import annotations

from typing import Any

import pytest

from mgcore.storage.errors import ConstraintViolation
from mgcore.storage.records import ConstraintKind, ConstraintSpec, DataType, IndexSpec

INDEXES = [
    pytest.param(IndexSpec("L"), id="label", marks=pytest.mark.requires("label_index")),
    pytest.param(
        IndexSpec("L", ("k",)), id="label-property",
        marks=pytest.mark.requires("label_property_index"),
    ),
]
EXISTS = ConstraintSpec(ConstraintKind.EXISTS, "L", ("k",))
UNIQUE = ConstraintSpec(ConstraintKind.UNIQUE, "L", ("k",))
TYPED = ConstraintSpec(ConstraintKind.TYPE, "L", ("k",), DataType.INTEGER)


def commit_nodes(engine: Any, *props: dict[str, Any]) -> None:
    tx = engine.begin()
    for p in props:
        tx.create_node(["L"], p)
    tx.commit()


@pytest.mark.parametrize("spec", INDEXES)
def test_index_lifecycle(engine: Any, spec: IndexSpec) -> None:
    """Creating twice reports False the second time, the listing counts existing entries, and
    dropping twice reports False the second time."""
    commit_nodes(engine, {"k": 1}, {"k": 2}, {"other": 3})
    assert engine.schema.create_index(spec) is True
    assert engine.schema.create_index(spec) is False
    [info] = [i for i in engine.schema.indexes() if i.spec == spec]
    assert info.count >= (3 if not spec.properties else 2)
    assert engine.schema.drop_index(spec) is True
    assert engine.schema.drop_index(spec) is False
    assert [i for i in engine.schema.indexes() if i.spec == spec] == []


@pytest.mark.requires("existence_constraint")
def test_existence_constraint(engine: Any) -> None:
    """Creation fails on violating data; afterwards a commit violating it fails and is rolled
    back, while conforming commits pass."""
    commit_nodes(engine, {"k": 1}, {"other": 1})
    with pytest.raises(ConstraintViolation):
        engine.schema.create_constraint(EXISTS)
    assert EXISTS not in engine.schema.constraints()
    tx = engine.begin()
    for node in list(tx.nodes_by_label("L")):
        tx.set_node_property(node, "k", 0)
    tx.commit()
    assert engine.schema.create_constraint(EXISTS) is True
    assert engine.schema.create_constraint(EXISTS) is False
    assert EXISTS in engine.schema.constraints()
    tx = engine.begin()
    tx.create_node(["L"], {"other": 2})
    with pytest.raises(ConstraintViolation):
        tx.commit()
    tx.rollback()
    tx = engine.begin()
    tx.create_node(["L"], {"k": 5})
    tx.create_node(["Unconstrained"])
    tx.commit()
    tx = engine.begin()
    assert sum(1 for _ in tx.nodes_by_label("L")) == 3
    tx.rollback()
    assert engine.schema.drop_constraint(EXISTS) is True
    assert engine.schema.drop_constraint(EXISTS) is False


@pytest.mark.requires("unique_constraint")
def test_unique_constraint(engine: Any) -> None:
    """Creation fails on duplicates; afterwards a commit creating a duplicate fails, also when
    the duplicate comes from a concurrent transaction."""
    commit_nodes(engine, {"k": 1}, {"k": 1})
    with pytest.raises(ConstraintViolation):
        engine.schema.create_constraint(UNIQUE)
    tx = engine.begin()
    nodes = list(tx.nodes_by_label("L"))
    tx.set_node_property(nodes[0], "k", 2)
    tx.commit()
    assert engine.schema.create_constraint(UNIQUE) is True
    assert UNIQUE in engine.schema.constraints()
    tx = engine.begin()
    tx.create_node(["L"], {"k": 1})
    with pytest.raises(ConstraintViolation):
        tx.commit()
    tx.rollback()
    first, second = engine.begin(), engine.begin()
    first.create_node(["L"], {"k": 3})
    second.create_node(["L"], {"k": 3})
    first.commit()
    with pytest.raises(ConstraintViolation):
        second.commit()
    second.rollback()
    tx = engine.begin()
    assert sorted(tx.node_property(n, "k") for n in tx.nodes_by_label("L")) == [1, 2, 3]
    tx.rollback()


@pytest.mark.requires("durable", "label_property_index", "unique_constraint")
def test_schema_survives_reopen(engine: Any, reopen: Any) -> None:
    """Indexes and constraints of a durable engine are there after reopening."""
    spec = IndexSpec("L", ("k",))
    engine.schema.create_index(spec)
    engine.schema.create_constraint(UNIQUE)
    engine = reopen()
    assert spec in [i.spec for i in engine.schema.indexes()]
    assert UNIQUE in engine.schema.constraints()


@pytest.mark.requires("durable", "type_constraint")
def test_type_constraint_survives_reopen_and_is_enforced(engine: Any, reopen: Any) -> None:
    """A data type constraint of a durable engine is there after reopening, with its type, and
    still enforced; its drop is durable too."""
    commit_nodes(engine, {"k": 1})
    assert engine.schema.create_constraint(TYPED) is True
    engine = reopen()
    assert engine.schema.constraints() == [TYPED]
    tx = engine.begin()
    with pytest.raises(ConstraintViolation, match=r"^IS TYPED INTEGER violation on L\(k\)$"):
        tx.create_node(["L"], {"k": "one"})
        tx.commit()
    tx.rollback()
    assert engine.schema.drop_constraint(TYPED) is True
    engine = reopen()
    assert engine.schema.constraints() == []
    commit_nodes(engine, {"k": "one"})
