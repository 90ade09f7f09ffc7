"""A third-party plugin registers procedures through ``mg_register_procedures`` and queries call
them: reading and writing through the procedure context, replacing a built-in, and the
built-ins arriving through the same hook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import mgcore
from mgcore.cypher.procedures import Mode, ProcedureContext, ProcedureRegistry
from mgcore.database import Database
from mgcore.errors import ProcedureNotFound
from mgcore.execution import QueryKind
from mgcore.plugins import BUILTIN_PLUGINS, PluginHost
from mgcore.storage.records import Direction


class GraphTools:
    """A plugin module as a third party would write it (an object with hook implementations)."""

    @mgcore.hookimpl
    def mg_register_procedures(self, registry: ProcedureRegistry) -> None:
        registry.add(
            "tools.degree(label :: STRING) :: (name :: STRING?, degree :: INTEGER)",
            degree,
        )
        registry.add(
            "tools.addPerson(name :: STRING, count = 1 :: INTEGER) :: (created :: INTEGER)",
            add_person,
            mode=Mode.WRITE,
        )
        registry.add(
            "db.labels() :: (label :: STRING, note :: STRING)",
            lambda ctx: [("replaced", "by a plugin")],
            replace=True,
        )


def degree(ctx: ProcedureContext, label: str) -> Iterator[dict[str, Any]]:
    """Each node with ``label`` and its number of relationships, read through the transaction."""
    tx = ctx.tx
    assert tx is not None
    for node in tx.nodes_by_label(label):
        yield {"name": tx.node_property(node, "name"), "degree": tx.degree(node, Direction.BOTH)}


def add_person(ctx: ProcedureContext, name: str, count: int) -> Iterator[tuple[int]]:
    """Create ``count`` Person nodes called ``name``."""
    tx = ctx.tx
    assert tx is not None
    for _ in range(count):
        tx.create_node(("Person",), {"name": name})
    yield (count,)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    host = PluginHost.create(load_entry_points=False)
    host.register(GraphTools(), "graph-tools")
    database = mgcore.connect(
        plugins=host, storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path)
    )
    yield database
    database.close()


def rows(db: Database, query: str, **params: Any) -> list[list[Any]]:
    with db.session() as s:
        return [list(r) for r in s.run(query, params)]


def test_builtin_procedures_are_a_plugin() -> None:
    assert BUILTIN_PLUGINS["procedures"] == "mgcore.builtin.procedures"
    host = PluginHost.create(load_entry_points=False)
    registry = ProcedureRegistry()
    host.register_procedures(registry)
    assert {"db.labels", "mg.procedures", "mg.functions"} <= {p.name for p in registry}


def test_write_procedure(db: Database) -> None:
    assert rows(db, "CALL tools.addPerson('Ann', 2)") == [[2]]
    assert rows(db, "CALL tools.addPerson($name)", name="Bob") == [[1]]
    assert rows(db, "CALL tools.addPerson", name="Cy", count=3) == [[3]]
    assert rows(db, "MATCH (p:Person) RETURN p.name AS n, count(*) AS c ORDER BY n") == [
        ["Ann", 2], ["Bob", 1], ["Cy", 3]
    ]
    assert db.prepare("CALL tools.addPerson('x')").kind is not QueryKind.READ
    assert db.prepare("CALL tools.degree('x')").kind is QueryKind.READ


def test_read_procedure_in_query(db: Database) -> None:
    rows(db, "CREATE (:P {name: 'a'})-[:R]->(:P {name: 'b'})<-[:R]-(:Q {name: 'c'})")
    query = (
        "WITH 'P' AS l CALL tools.degree(l) YIELD name, degree AS d "
        "WHERE d > 0 RETURN name, d ORDER BY name"
    )
    assert rows(db, query) == [["a", 1], ["b", 2]]


def test_plugin_replaces_builtin(db: Database) -> None:
    assert rows(db, "CALL db.labels() YIELD note RETURN note") == [["by a plugin"]]


def test_plugin_procedures_are_listed(db: Database) -> None:
    listed = {r[0]: r for r in rows(db, "CALL mg.procedures()")}
    assert listed["tools.addPerson"][1:] == [
        "tools.addPerson(name :: STRING, count = 1 :: INTEGER) :: (created :: INTEGER)",
        True,
        __name__,
        False,
    ]
    assert listed["tools.degree"][2] is False


def test_procedures_added_to_an_open_database(db: Database) -> None:
    """``db.procedures`` takes a procedure while the database is open; replacing or removing
    one re-plans queries cached with the old one."""
    query = "CALL my.twice(21) YIELD doubled RETURN doubled"
    with pytest.raises(ProcedureNotFound):
        rows(db, query)
    db.procedures.add(
        "my.twice(x :: INTEGER) :: (doubled :: INTEGER)", lambda ctx, x: [(2 * x,)]
    )
    assert rows(db, query) == [[42]]
    assert "my.twice" in {r[0] for r in rows(db, "CALL mg.procedures() YIELD name")}
    db.procedures.add(
        "my.twice(x :: INTEGER) :: (doubled :: INTEGER)", lambda ctx, x: [(x + x + 1,)],
        replace=True,
    )
    assert rows(db, query) == [[43]]
    db.procedures.unregister("my.twice")
    with pytest.raises(ProcedureNotFound):
        rows(db, query)
