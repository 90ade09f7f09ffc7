"""Existence, uniqueness and data type constraints: Memgraph's messages when creation meets
violating data and when a commit would break one, concurrent writers of one value (the second
committer fails), constraints over several properties, and what is not constrained."""

from __future__ import annotations

from typing import Any

import pytest

from mgcore.errors import ClientError
from mgcore.storage.errors import ConstraintViolation
from mgcore.storage.records import ConstraintKind, ConstraintSpec, DataType
from mgcore.values.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time

EXISTS = ConstraintSpec(ConstraintKind.EXISTS, "L", ("p",))
UNIQUE = ConstraintSpec(ConstraintKind.UNIQUE, "L", ("p",))
UNIQUE2 = ConstraintSpec(ConstraintKind.UNIQUE, "L", ("p1", "p2"))


def commit(engine: Any, *nodes: tuple[list[str], dict[str, Any]]) -> list[int]:
    tx = engine.begin()
    made = [tx.create_node(labels, props).gid for labels, props in nodes]
    tx.commit()
    return made


def commit_fails(tx: Any, message: str) -> None:
    """``tx.commit()`` raises with exactly ``message``; the transaction is rolled back."""
    with pytest.raises(ConstraintViolation) as info:
        tx.commit()
    assert str(info.value) == message
    tx.rollback()


@pytest.mark.requires("existence_constraint")
def test_existence_creation_over_violating_data_names_the_node(engine: Any) -> None:
    [_, bad] = commit(engine, (["L"], {"p": 1}), (["L"], {"q": 1}))
    with pytest.raises(ConstraintViolation) as info:
        engine.schema.create_constraint(EXISTS)
    message = str(info.value)
    assert message.startswith(
        "Unable to create existence constraint :L(p), because an existing node violates it."
    )
    assert str(bad) in message.split(".", 1)[1]
    assert engine.schema.constraints() == []


@pytest.mark.requires("existence_constraint")
def test_existence_enforced_at_commit(engine: Any) -> None:
    commit(engine, (["L"], {"p": 1}))
    assert engine.schema.create_constraint(EXISTS) is True
    assert engine.schema.create_constraint(EXISTS) is False
    assert engine.schema.constraints() == [EXISTS]
    message = "Unable to commit due to existence constraint violation on :L(p)"
    tx = engine.begin()
    tx.create_node(["L"], {"q": 1})
    commit_fails(tx, message)
    tx = engine.begin()
    [node] = list(tx.nodes_by_label("L"))
    tx.set_node_property(node, "p", None)
    commit_fails(tx, message)
    tx = engine.begin()
    other = tx.create_node(["M"])
    tx.commit()
    tx = engine.begin()
    tx.add_label(tx.node(other.gid), "L")
    commit_fails(tx, message)
    # what the failed commits wrote is gone
    tx = engine.begin()
    assert [tx.node_property(n, "p") for n in tx.nodes_by_label("L")] == [1]
    # a node may lack the property while it lacks the label, and may always be deleted
    tx.create_node(["M"], {"q": 2})
    [node] = list(tx.nodes_by_label("L"))
    tx.delete_node(node)
    tx.commit()
    tx = engine.begin()
    made = tx.create_node(["L"], {"q": 1})
    tx.set_node_property(made, "p", "now")
    tx.commit()
    assert engine.schema.drop_constraint(EXISTS) is True
    assert engine.schema.drop_constraint(EXISTS) is False
    tx = engine.begin()
    tx.create_node(["L"])
    tx.commit()


@pytest.mark.requires("unique_constraint")
def test_unique_creation_over_duplicates_is_refused(engine: Any) -> None:
    commit(engine, (["L"], {"p": 1}), (["L"], {"p": 1.0}))
    with pytest.raises(ConstraintViolation) as info:
        engine.schema.create_constraint(UNIQUE)
    assert str(info.value).startswith(
        "Unable to create unique constraint :L(p), because an existing node violates it."
    )
    assert engine.schema.constraints() == []


@pytest.mark.requires("unique_constraint")
def test_unique_enforced_at_commit(engine: Any) -> None:
    commit(engine, (["L"], {"p": 1}), (["L"], {"p": "1"}), (["L"], {"q": 1}), (["M"], {"p": 2}))
    assert engine.schema.create_constraint(UNIQUE) is True
    assert engine.schema.create_constraint(UNIQUE) is False
    message = "Unable to commit due to unique constraint violation on :L(p)"
    tx = engine.begin()
    tx.create_node(["L"], {"p": 1})
    commit_fails(tx, message)
    tx = engine.begin()
    tx.create_node(["L"], {"p": 5})
    tx.create_node(["L"], {"p": 5})
    commit_fails(tx, message)
    tx = engine.begin()
    [m] = list(tx.nodes_by_label("M"))
    tx.add_label(m, "L")
    tx.set_node_property(m, "p", 1.0)
    commit_fails(tx, message)
    # nodes lacking the property are not constrained; other labels are not either
    commit(engine, (["L"], {"q": 1}), (["L"], {}), (["M"], {"p": 1}))
    # moving a value from one node to another in one transaction is fine
    tx = engine.begin()
    one = next(n for n in tx.nodes_by_label("L") if tx.node_property(n, "p") == 1)
    tx.set_node_property(one, "p", 10)
    tx.create_node(["L"], {"p": 1})
    tx.commit()
    # a deleted node frees its value
    tx = engine.begin()
    ten = next(n for n in tx.nodes_by_label("L") if tx.node_property(n, "p") == 10)
    tx.delete_node(ten)
    tx.commit()
    commit(engine, (["L"], {"p": 10}))
    assert engine.schema.drop_constraint(UNIQUE) is True
    commit(engine, (["L"], {"p": 10}))


@pytest.mark.requires("unique_constraint")
def test_concurrent_unique_writers_second_committer_fails(engine: Any) -> None:
    assert engine.schema.create_constraint(UNIQUE) is True
    first, second = engine.begin(), engine.begin()
    first.create_node(["L"], {"p": "x"})
    second.create_node(["L"], {"p": "x"})
    second.commit()
    commit_fails(first, "Unable to commit due to unique constraint violation on :L(p)")
    # the winner's node is there; the loser may retry with another value
    tx = engine.begin()
    assert [tx.node_property(n, "p") for n in tx.nodes_by_label("L")] == ["x"]
    tx.rollback()
    retry = engine.begin()
    retry.create_node(["L"], {"p": "y"})
    retry.commit()
    # a concurrent change of the holder frees the value only once it committed
    holder_tx, taker = engine.begin(), engine.begin()
    [holder] = [n for n in holder_tx.nodes_by_label("L") if holder_tx.node_property(n, "p") == "x"]
    holder_tx.set_node_property(holder, "p", "z")
    taker.create_node(["L"], {"p": "x"})
    other = engine.begin()
    other.create_node(["L"], {"p": "x"})
    commit_fails(other, "Unable to commit due to unique constraint violation on :L(p)")
    holder_tx.commit()
    taker.commit()


@pytest.mark.requires("unique_constraint")
def test_unique_over_several_properties(engine: Any) -> None:
    commit(engine, (["L"], {"p1": 1, "p2": "a"}), (["L"], {"p1": 1, "p2": "b"}), (["L"], {"p1": 1}))
    assert engine.schema.create_constraint(UNIQUE2) is True
    assert UNIQUE2 in engine.schema.constraints()
    message = "Unable to commit due to unique constraint violation on :L(p1, p2)"
    tx = engine.begin()
    tx.create_node(["L"], {"p1": 1.0, "p2": "a"})
    commit_fails(tx, message)
    # a node lacking one of the properties is not constrained
    commit(engine, (["L"], {"p1": 1}), (["L"], {"p2": "a"}), (["L"], {"p1": 2, "p2": "a"}))
    with pytest.raises(ConstraintViolation):
        commit(engine, (["L"], {"p1": 2, "p2": "a"}))


@pytest.mark.requires("existence_constraint", "unique_constraint")
def test_constraints_together_and_drop(engine: Any) -> None:
    assert engine.schema.create_constraint(EXISTS) is True
    assert engine.schema.create_constraint(UNIQUE) is True
    assert engine.schema.constraints() == [EXISTS, UNIQUE]
    commit(engine, (["L"], {"p": 1}), (["L"], {"p": 2}))
    tx = engine.begin()
    tx.create_node(["L"], {"p": 2})
    tx.create_node(["L"], {"q": 2})
    with pytest.raises(ConstraintViolation):
        tx.commit()
    tx.rollback()
    assert engine.schema.drop_constraint(UNIQUE) is True
    assert engine.schema.constraints() == [EXISTS]
    commit(engine, (["L"], {"p": 2}))


# ------------------------------------------------------------------------- data types

TYPED = ConstraintSpec(ConstraintKind.TYPE, "L", ("p",), DataType.INTEGER)


@pytest.mark.requires("type_constraint")
def test_type_creation_over_violating_data_names_the_node(engine: Any) -> None:
    """Memgraph's message, then the node; nodes lacking the property or the label, or holding
    null, do not violate it; nothing is created."""
    [_, bad, *_] = commit(
        engine, (["L"], {"p": 1}), (["L"], {"p": "1"}), (["L"], {}), (["M"], {"p": 1.5}),
    )
    with pytest.raises(ConstraintViolation) as info:
        engine.schema.create_constraint(TYPED)
    message = str(info.value)
    assert message.startswith(
        "Unable to create IS TYPED INTEGER constraint on :L(p), because an existing node "
        "violates it."
    )
    assert f"Node {bad} has a STRING p." in message
    assert engine.schema.constraints() == []
    tx = engine.begin()
    tx.delete_node(tx.node(bad))
    tx.commit()
    assert engine.schema.create_constraint(TYPED) is True
    assert engine.schema.constraints() == [TYPED]


def violation_fails(tx: Any, write: Any, message: str) -> None:
    """``write(tx)`` breaks a data type constraint: it fails at once (Memgraph checks each
    write) or, at the latest, the commit does, with exactly ``message``; rolled back."""
    try:
        write(tx)
    except ConstraintViolation as exc:
        assert str(exc) == message
        tx.rollback()
        return
    commit_fails(tx, message)


@pytest.mark.requires("type_constraint")
def test_type_enforced_by_write_or_commit(engine: Any) -> None:
    """Creating, setting or labelling a node into a violation fails with Memgraph's message
    (at the write, or at the latest at commit) and is rolled back; missing and null
    properties, other labels and deletion pass."""
    commit(engine, (["L"], {"p": 1}), (["M"], {"p": "x"}))
    assert engine.schema.create_constraint(TYPED) is True
    message = "IS TYPED INTEGER violation on L(p)"
    for wrong in ("1", 1.0, True, [1], {"a": 1}):
        violation_fails(
            engine.begin(), lambda tx, wrong=wrong: tx.create_node(["L"], {"p": wrong}), message
        )
    violation_fails(
        engine.begin(),
        lambda tx: tx.set_node_property(next(iter(tx.nodes_by_label("L"))), "p", 2.5),
        message,
    )
    violation_fails(
        engine.begin(), lambda tx: tx.add_label(next(iter(tx.nodes_by_label("M"))), "L"), message
    )
    # what the failed commits wrote is gone
    tx = engine.begin()
    assert [tx.node_property(n, "p") for n in tx.nodes_by_label("L")] == [1]
    tx.rollback()
    # missing, null (removal), other labels, other properties, fixed before labelled: fine
    tx = engine.begin()
    tx.create_node(["L"], {"q": "x"})
    tx.create_node(["L"])
    tx.create_node(["N"], {"p": "x"})
    fixed = tx.create_node(["K"], {"p": "x"})
    tx.set_node_property(fixed, "p", 7)
    tx.add_label(fixed, "L")
    [node] = [n for n in tx.nodes_by_label("L") if tx.node_property(n, "p") == 1]
    tx.set_node_property(node, "p", None)
    tx.commit()
    tx = engine.begin()
    assert sorted(
        tx.node_property(n, "p") for n in tx.nodes_by_label("L")
        if tx.node_property(n, "p") is not None
    ) == [7]
    tx.commit()
    assert engine.schema.drop_constraint(TYPED) is True
    tx = engine.begin()
    tx.create_node(["L"], {"p": "now a string"})
    tx.commit()


@pytest.mark.requires("type_constraint")
def test_one_type_constraint_per_label_and_property(engine: Any) -> None:
    """As in Memgraph: a second type constraint on the same label and property is refused
    (False) whatever its type, and dropping needs the type it was created with."""
    as_float = ConstraintSpec(ConstraintKind.TYPE, "L", ("p",), DataType.FLOAT)
    other_property = ConstraintSpec(ConstraintKind.TYPE, "L", ("q",), DataType.FLOAT)
    other_label = ConstraintSpec(ConstraintKind.TYPE, "M", ("p",), DataType.STRING)
    assert engine.schema.create_constraint(TYPED) is True
    assert engine.schema.create_constraint(TYPED) is False
    assert engine.schema.create_constraint(as_float) is False
    assert engine.schema.create_constraint(other_property) is True
    assert engine.schema.create_constraint(other_label) is True
    assert engine.schema.constraints() == [TYPED, other_property, other_label]
    assert engine.schema.drop_constraint(as_float) is False
    assert engine.schema.drop_constraint(TYPED) is True
    assert engine.schema.drop_constraint(TYPED) is False
    assert engine.schema.create_constraint(as_float) is True
    tx = engine.begin()
    tx.create_node(["L"], {"p": 1.5, "q": 2.5})
    tx.commit()
    violation_fails(
        engine.begin(), lambda tx: tx.create_node(["L"], {"p": 1}),
        "IS TYPED FLOAT violation on L(p)",
    )
    violation_fails(
        engine.begin(), lambda tx: tx.create_node(["M"], {"p": 1.5}),
        "IS TYPED STRING violation on M(p)",
    )


@pytest.mark.requires("type_constraint", "existence_constraint", "unique_constraint")
def test_type_with_existence_and_uniqueness(engine: Any) -> None:
    """The three kinds on one property: each enforced, each dropped on its own."""
    for spec in (EXISTS, UNIQUE, TYPED):
        assert engine.schema.create_constraint(spec) is True
    assert engine.schema.constraints() == [EXISTS, UNIQUE, TYPED]
    commit(engine, (["L"], {"p": 1}))
    for props, message in (
        ({"p": "x"}, "IS TYPED INTEGER violation on L(p)"),
        ({}, "Unable to commit due to existence constraint violation on :L(p)"),
        ({"p": 1}, "Unable to commit due to unique constraint violation on :L(p)"),
    ):
        violation_fails(
            engine.begin(), lambda tx, props=props: tx.create_node(["L"], props), message
        )
    assert engine.schema.drop_constraint(TYPED) is True
    assert engine.schema.constraints() == [EXISTS, UNIQUE]
    commit(engine, (["L"], {"p": "x"}))


@pytest.mark.requires("type_constraint")
def test_concurrent_transaction_is_checked_against_a_new_type_constraint(engine: Any) -> None:
    """A transaction that wrote before the constraint was created is checked when it commits."""
    early = engine.begin()
    early.create_node(["L"], {"p": "x"})
    assert engine.schema.create_constraint(TYPED) is True
    commit_fails(early, "IS TYPED INTEGER violation on L(p)")


@pytest.mark.requires("!type_constraint")
def test_engine_without_type_constraints_refuses_them(engine: Any) -> None:
    with pytest.raises(ClientError):
        engine.schema.create_constraint(TYPED)
    assert engine.schema.constraints() == []


ONE_OF_EACH: dict[str, tuple[Any, DataType | None]] = {
    "boolean": (False, DataType.BOOLEAN),
    "integer": (0, DataType.INTEGER),
    "float": (0.0, DataType.FLOAT),
    "string": ("", DataType.STRING),
    "list": ([], DataType.LIST),
    "map": ({}, DataType.MAP),
    "duration": (Duration(0, 0, 1, 0), DataType.DURATION),
    "date": (Date(16637), DataType.DATE),
    "local_time": (LocalTime(45_074_645_876_123), DataType.LOCALTIME),
    "local_datetime": (LocalDateTime(16637, 1), DataType.LOCALDATETIME),
    "datetime": (DateTime(1_437_474_674, 0, 7200, "Europe/Stockholm"), DataType.ZONEDDATETIME),
    "time": (Time(1, 3600), None),  # a time with an offset has no Memgraph type
}


@pytest.mark.requires("type_constraint")
def test_each_stored_value_has_exactly_its_memgraph_type(engine: Any) -> None:
    """Over a node holding one value of every kind (as stored and read back by the engine), a
    data type constraint can be created exactly on the properties holding its type: BOOLEAN is
    not INTEGER, INTEGER is not FLOAT, an empty list or map still has its type, and a time with
    an offset has none."""
    commit(engine, (["V"], {name: value for name, (value, _) in ONE_OF_EACH.items()}))
    for data_type in DataType:
        for name, (_, its_type) in ONE_OF_EACH.items():
            spec = ConstraintSpec(ConstraintKind.TYPE, "V", (name,), data_type)
            if its_type is data_type:
                assert engine.schema.create_constraint(spec) is True, spec
                assert engine.schema.drop_constraint(spec) is True
            else:
                with pytest.raises(ConstraintViolation):
                    engine.schema.create_constraint(spec)
    assert engine.schema.constraints() == []


@pytest.mark.requires("type_constraint", "durable")
def test_type_constraints_through_cypher(
    database: Any, mg_engine_name: str, engine_settings: dict[str, Any]
) -> None:
    """End to end: Memgraph's DDL notifications and errors, the SHOW CONSTRAINT INFO row,
    CREATE / SET / label violations refused with Memgraph's message, null passing, the
    constraint back after a restart, and DROP ALL CONSTRAINTS dropping it for good."""
    import mgcore

    with database.session() as s:
        s.run("CREATE (:Person {age: 1}), (:Robot {age: 'x'})").consume()
        summary = s.run("CREATE CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED INTEGER").consume()
        assert [n.code for n in summary.notifications] == ["CreateConstraint"]
        with pytest.raises(ClientError, match=r"Constraint IS TYPED FLOAT on :Person\(age\) "
                                              "already exists"):
            s.run("CREATE CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED FLOAT").consume()
        for query in (
            "CREATE (:Person {age: '1'})",
            "MATCH (n:Person) SET n.age = 1.5",
            "MATCH (n:Robot) SET n:Person",
        ):
            with pytest.raises(ClientError) as info:
                s.run(query).consume()
            assert str(info.value) == "IS TYPED INTEGER violation on Person(age)"
        s.run("CREATE (:Person {age: null}), (:Person)").consume()
        assert [tuple(r) for r in s.run("SHOW CONSTRAINT INFO")] == [
            ("data_type", "Person", "age", "INTEGER")
        ]
    directory = database.settings.data_directory
    database.close()
    again = mgcore.connect(
        storage_mode=mg_engine_name, data_directory=str(directory), **engine_settings
    )
    try:
        with again.session() as s:
            assert [tuple(r) for r in s.run("SHOW CONSTRAINT INFO")] == [
                ("data_type", "Person", "age", "INTEGER")
            ]
            with pytest.raises(ClientError, match="IS TYPED INTEGER violation"):
                s.run("CREATE (:Person {age: [1]})").consume()
            summary = s.run("DROP ALL CONSTRAINTS").consume()
            assert [n.code for n in summary.notifications] == ["DropConstraint"]
            with pytest.raises(ClientError, match=r"Constraint IS TYPED INTEGER on "
                                                  r":Person\(age\) doesn't exist"):
                s.run("DROP CONSTRAINT ON (n:Person) ASSERT n.age IS TYPED INTEGER").consume()
            s.run("CREATE (:Person {age: '1'})").consume()
    finally:
        again.close()
    final = mgcore.connect(
        storage_mode=mg_engine_name, data_directory=str(directory), **engine_settings
    )
    try:
        with final.session() as s:
            assert list(s.run("SHOW CONSTRAINT INFO")) == []
    finally:
        final.close()
