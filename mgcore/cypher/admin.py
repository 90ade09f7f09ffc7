"""Memgraph's statements other than queries: transaction control sent as text, storage and
schema administration (STORAGE MODE, isolation levels, snapshots, indexes, constraints, FREE
MEMORY, DROP GRAPH), and the SHOW / TERMINATE statements. Each becomes a small PreparedQuery
whose effect happens when it runs; Memgraph refuses most of them in an explicit transaction."""

from __future__ import annotations

import contextlib
import os
import resource
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgcore import __version__ as mgcore_version
from mgcore.config import config_rows
from mgcore.cypher import ast
from mgcore.errors import ClientError, CypherTypeError
from mgcore.execution import (
    Notification,
    QueryContext,
    QueryKind,
    TxControl,
    human_size,
    physical_memory,
    resident_memory,
)
from mgcore.storage.errors import UnsupportedOperation
from mgcore.storage.records import (
    ConstraintKind,
    ConstraintSpec,
    DataType,
    IndexSpec,
    IsolationLevel,
)
from mgcore.values.types import type_name

if TYPE_CHECKING:
    from mgcore.database import Database


_INFO_IN_TX = "Info reporting not allowed in multicommand transactions."
"""Memgraph refuses SHOW ... INFO inside an explicit transaction."""
_VERSION_IN_TX = "Version info query not allowed in multicommand transactions."
_TRANSACTIONS_IN_TX = "Transaction queue queries not allowed in multicommand transactions."
DATABASE_NAME = "memgraph"
"""The one database's name, as Memgraph calls its default database."""

# ------------------------------------------------------------------------- prepared forms


class StaticQuery:
    """A statement whose effect happens in ``run`` and whose rows are computed there."""

    tx_control: TxControl | None = None
    parameters: frozenset[str] = frozenset()

    def __init__(
        self,
        columns: tuple[str, ...],
        action: Any,
        kind: QueryKind = QueryKind.READ,
        needs_transaction: bool = False,
        allowed_in_explicit_transaction: bool = True,
        explicit_transaction_message: str | None = None,
        parameters: frozenset[str] = frozenset(),
    ) -> None:
        self.columns = columns
        self.parameters = parameters
        self.kind = kind
        self.needs_transaction = needs_transaction
        self.allowed_in_explicit_transaction = (
            allowed_in_explicit_transaction and explicit_transaction_message is None
        )
        self.explicit_transaction_message = explicit_transaction_message
        """Memgraph's error for the statement inside an explicit transaction (refused then)."""
        self._action = action

    def run(self, ctx: QueryContext) -> Iterator[tuple[Any, ...]]:
        """Perform the statement now (not when rows are pulled) and return its rows."""
        return iter(list(self._action(ctx) or ()))


class TxControlQuery:
    """BEGIN / COMMIT / ROLLBACK sent as query text; the session handles them."""

    columns: tuple[str, ...] = ()
    kind = QueryKind.READ
    needs_transaction = False
    allowed_in_explicit_transaction = True
    parameters: frozenset[str] = frozenset()

    def __init__(self, control: TxControl) -> None:
        self.tx_control = control

    def run(self, ctx: QueryContext) -> Iterator[tuple[Any, ...]]:
        return iter(())


# ----------------------------------------------------------------------------- statements


class AdminStatements:
    """Prepares the statements of one database that are not queries."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def prepare(self, statement: ast.Statement) -> StaticQuery | TxControlQuery | None:
        """The PreparedQuery for ``statement``; None when it is not one of these."""
        if isinstance(statement, ast.Begin):
            return TxControlQuery(TxControl.BEGIN)
        if isinstance(statement, ast.Commit):
            return TxControlQuery(TxControl.COMMIT)
        if isinstance(statement, ast.Rollback):
            return TxControlQuery(TxControl.ROLLBACK)
        if isinstance(statement, ast.ShowStorageInfo):
            return StaticQuery(
                ("storage info", "value"), self._storage_info,
                explicit_transaction_message=_INFO_IN_TX,
            )
        if isinstance(statement, ast.SetIsolationLevel):
            return StaticQuery(
                (), lambda ctx: self._with_storage(self._set_isolation, ctx, statement),
                explicit_transaction_message=(
                    "Isolation level cannot be modified in multicommand transactions."
                ),
            )
        if isinstance(statement, ast.SetStorageMode):
            return StaticQuery(
                (), lambda ctx: self._storage_mode(statement.mode),
                explicit_transaction_message=(
                    "Storage mode cannot be modified in multicommand transactions."
                ),
            )
        if isinstance(statement, ast.CreateSnapshot):
            return StaticQuery(
                ("path",), lambda ctx: self._with_storage(
                    lambda: [(self.database.engine.create_snapshot(),)]
                ),
                explicit_transaction_message=(
                    "Snapshot cannot be created in multicommand transactions."
                ),
            )
        if isinstance(statement, ast.FreeMemory):
            return StaticQuery(
                (), lambda ctx: self.database.release_memory(),
                explicit_transaction_message=(
                    "Free memory query not allowed in multicommand transactions."
                ),
            )
        if isinstance(statement, ast.DropGraph):
            return StaticQuery(
                (), lambda ctx: self.database.drop_graph(), QueryKind.WRITE,
                explicit_transaction_message=(
                    "Dropping the graph is not allowed in multicommand transactions."
                ),
            )
        if isinstance(statement, ast.CreateIndex | ast.DropIndex):
            return StaticQuery(
                (), lambda ctx: self._with_storage(self._index_ddl, ctx, statement),
                QueryKind.SCHEMA,
                explicit_transaction_message=(
                    "Index manipulation not allowed in multicommand transactions."
                ),
            )
        if isinstance(statement, ast.CreateConstraint | ast.DropConstraint):
            if statement.kind is ast.ConstraintKind.TYPED:
                _data_type(statement)  # refuse ENUM and POINT before anything runs
            return StaticQuery(
                (), lambda ctx: self._with_storage(self._constraint_ddl, ctx, statement),
                QueryKind.SCHEMA,
                explicit_transaction_message=(
                    "Constraint manipulation not allowed in multicommand transactions."
                ),
            )
        if isinstance(statement, ast.DropAllIndexes):
            return StaticQuery(
                (), lambda ctx: self._with_storage(self._drop_all_indexes, ctx),
                QueryKind.SCHEMA,
                explicit_transaction_message=(
                    "Index manipulation not allowed in multicommand transactions."
                ),
            )
        if isinstance(statement, ast.DropAllConstraints):
            return StaticQuery(
                (), lambda ctx: self._with_storage(self._drop_all_constraints, ctx),
                QueryKind.SCHEMA,
                explicit_transaction_message=(
                    "Constraint manipulation not allowed in multicommand transactions."
                ),
            )
        if isinstance(statement, ast.ShowIndexes):
            return StaticQuery(
                ("index type", "label", "property", "count"), self._show_indexes,
                explicit_transaction_message=_INFO_IN_TX,
            )
        if isinstance(statement, ast.ShowConstraints):
            return StaticQuery(
                ("constraint type", "label", "properties", "data_type"), self._show_constraints,
                explicit_transaction_message=_INFO_IN_TX,
            )
        if isinstance(statement, ast.ShowVersion):
            return StaticQuery(
                ("version",), lambda ctx: [(mgcore_version,)],
                explicit_transaction_message=_VERSION_IN_TX,
            )
        if isinstance(statement, ast.ShowBuildInfo):
            return StaticQuery(
                ("build info", "value"), lambda ctx: [("build_type", "Release")],
                explicit_transaction_message=_INFO_IN_TX,
            )
        if isinstance(statement, ast.ShowConfig):
            return StaticQuery(
                ("name", "default_value", "current_value", "description"),
                lambda ctx: config_rows(self.database.settings),
                explicit_transaction_message=(
                    "Show config query not allowed in multicommand transactions."
                ),
            )
        if isinstance(statement, ast.ShowDatabase | ast.ShowDatabases):
            column = "Current" if isinstance(statement, ast.ShowDatabase) else "Name"
            return StaticQuery(
                (column,), lambda ctx: [(DATABASE_NAME,)],
                explicit_transaction_message=(
                    "Multi-database queries are not allowed in multicommand transactions."
                ),
            )
        if isinstance(statement, ast.ShowTransactions):
            return StaticQuery(
                ("username", "transaction_id", "query", "metadata"), self._show_transactions,
                explicit_transaction_message=_TRANSACTIONS_IN_TX,
            )
        if isinstance(statement, ast.TerminateTransactions):
            ids = statement.ids
            return StaticQuery(
                ("transaction_id", "killed"),
                lambda ctx: self._terminate_transactions(ctx, ids),
                explicit_transaction_message=_TRANSACTIONS_IN_TX,
                parameters=frozenset(i.name for i in ids if isinstance(i, ast.Parameter)),
            )
        return None

    def _show_transactions(self, ctx: QueryContext) -> list[tuple[Any, ...]]:
        """A row per open transaction, this query's own included: who, its id, the queries it
        ran so far and the client's metadata."""
        return [
            (username, info.id, list(info.queries), dict(info.metadata))
            for username, info in self.database.open_transactions()
        ]

    def _terminate_transactions(
        self, ctx: QueryContext, ids: tuple[ast.Expr, ...]
    ) -> list[tuple[str, bool]]:
        """Ask each listed transaction to stop; ``killed`` says whether it was open."""
        wanted = []
        for expr in ids:
            if isinstance(expr, ast.Parameter):
                value = ctx.parameters[expr.name]
            else:
                assert isinstance(expr, ast.Literal)
                value = expr.value
            if type(value) is not str:
                raise CypherTypeError(
                    f"A transaction id must be a string, not {type_name(value)}."
                )
            wanted.append(value)
        killed = self.database.terminate_transactions(wanted, ctx.session)
        return list(zip(wanted, killed, strict=True))

    def _storage_info(self, ctx: QueryContext) -> list[tuple[str, Any]]:
        """Memgraph v3.0-v3.8's 15 rows in its order (sizes as human strings, counts as ints,
        ``average_degree`` a float), then the engine's own rows."""
        db = self.database
        engine = db.engine
        extra = dict(engine.info())
        stats = engine.statistics()
        nodes = extra.pop("vertex_count", stats.node_count)
        rels = extra.pop("edge_count", stats.relationship_count)
        degree = extra.pop("average_degree", 2 * rels / nodes if nodes else 0.0)
        unreleased = extra.pop("unreleased_delta_objects", 0)
        global_level = extra.pop("isolation_level", None) or db.settings.isolation_level
        for generic in _STORAGE_INFO_ROWS:
            extra.pop(generic, None)
        session = ctx.session
        rss, peak = _memory()
        limit = db.memory_limit or physical_memory()
        rows: list[tuple[str, Any]] = [
            ("name", "memgraph"),
            ("vertex_count", int(nodes)),
            ("edge_count", int(rels)),
            ("average_degree", float(degree)),
            ("vm_max_map_count", _vm_max_map_count()),
            ("memory_res", human_size(rss)),
            ("peak_memory_res", human_size(peak)),
            ("unreleased_delta_objects", int(unreleased)),
            ("disk_usage", human_size(_disk_usage(Path(db.settings.data_directory)))),
            ("memory_tracked", human_size(rss)),
            ("allocation_limit", human_size(limit)),
            ("global_isolation_level", _level_name(global_level)),
            ("session_isolation_level", _level_name(session.isolation_level)),
            ("next_session_isolation_level", _level_name(session.next_isolation_level)),
            ("storage_mode", db.storage_mode),
        ]
        rows.extend(extra.items())
        return rows

    def _set_isolation(self, ctx: QueryContext, statement: ast.SetIsolationLevel) -> None:
        """GLOBAL: the engine's default for new transactions; SESSION: this session's level
        from now on; NEXT: this session's next transaction only. A level the engine does not
        support is refused here, with Memgraph's messages for its storage modes."""
        level = IsolationLevel(statement.level.value)
        engine = self.database.engine
        if level not in engine.capabilities.isolation_levels:
            # the engine refuses in its own words (Memgraph's, for its storage modes); the
            # contract makes set_isolation_level raise UnsupportedOperation for such a level
            try:
                engine.set_isolation_level(level)
            except UnsupportedOperation as exc:
                raise ClientError(str(exc)) from None
            raise ClientError(
                f"The {engine.name} storage mode does not support the {level.value} isolation "
                "level."
            )
        if statement.scope is ast.IsolationScope.GLOBAL:
            self.database.set_isolation_level(level)
        elif statement.scope is ast.IsolationScope.SESSION:
            ctx.session.isolation_level = level
        else:
            ctx.session.next_isolation_level = level

    def _with_storage(self, action: Any, *args: Any) -> Any:
        """Run an engine operation outside transactions (DDL, snapshot, global isolation) so
        that a ``STORAGE MODE`` switch waits for it and it waits for a switch."""
        with self.database.storage_access():
            return action(*args)

    def _storage_mode(self, mode: str) -> None:
        """``STORAGE MODE``: a kernel operation (``Database.switch_storage_mode``)."""
        self.database.switch_storage_mode(mode)

    def _index_ddl(self, ctx: QueryContext, statement: ast.CreateIndex | ast.DropIndex) -> None:
        spec = IndexSpec(statement.label, tuple(statement.properties))
        schema = self.database.engine.schema
        target = f"label {spec.label}" + (
            f" on properties {', '.join(spec.properties)}" if spec.properties else ""
        )
        if isinstance(statement, ast.CreateIndex):
            if statement.name:
                ctx.notifications.append(Notification(
                    "IndexConstraintNameIgnored", "Index name ignored.",
                    f"The index name {statement.name} is ignored.", "WARNING",
                ))
            if schema.create_index(spec):
                ctx.counters.indexes_added += 1
                ctx.notifications.append(
                    Notification("CreateIndex", f"Created index on {target}.")
                )
                self.database.schema_changed((spec, "created"))
            else:
                ctx.notifications.append(
                    Notification("IndexAlreadyExists", f"Index on {target} already exists.")
                )
        elif schema.drop_index(spec):
            ctx.counters.indexes_removed += 1
            ctx.notifications.append(Notification("DropIndex", f"Dropped index on {target}."))
            self.database.schema_changed((spec, "dropped"))
        else:
            ctx.notifications.append(
                Notification("IndexDoesNotExist", f"Index on {target} doesn't exist.")
            )

    def _constraint_ddl(
        self, ctx: QueryContext, statement: ast.CreateConstraint | ast.DropConstraint
    ) -> None:
        kind = ConstraintKind(statement.kind.value)
        if kind is ConstraintKind.TYPE:
            self._type_constraint_ddl(ctx, statement)
            return
        spec = ConstraintSpec(kind, statement.label, tuple(statement.properties))
        schema = self.database.engine.schema
        what = (
            f"{kind.value.upper()} constraint on label {spec.label} on properties "
            f"{', '.join(spec.properties)}"
        )
        if isinstance(statement, ast.CreateConstraint):
            if schema.create_constraint(spec):
                ctx.counters.constraints_added += 1
                ctx.notifications.append(Notification("CreateConstraint", f"Created {what}."))
                self.database.schema_changed((spec, "created"))
            else:
                ctx.notifications.append(
                    Notification("ConstraintAlreadyExists", f"Constraint {what} already exists.")
                )
        elif schema.drop_constraint(spec):
            ctx.counters.constraints_removed += 1
            ctx.notifications.append(Notification("DropConstraint", f"Dropped {what}."))
            self.database.schema_changed((spec, "dropped"))
        else:
            ctx.notifications.append(
                Notification("ConstraintDoesNotExist", f"Constraint {what} doesn't exist.")
            )

    def _type_constraint_ddl(
        self, ctx: QueryContext, statement: ast.CreateConstraint | ast.DropConstraint
    ) -> None:
        """``IS TYPED`` constraints as Memgraph has them: one per label and property, so
        creating one where one exists (of any type) is an error, and so is dropping one that
        does not exist with that type; no ``ConstraintAlreadyExists`` /
        ``ConstraintDoesNotExist`` notification (``PrepareConstraintQuery`` in Memgraph's
        ``src/query/interpreter.cpp``)."""
        data_type = _data_type(statement)
        (prop,) = statement.properties
        spec = ConstraintSpec(ConstraintKind.TYPE, statement.label, (prop,), data_type)
        schema = self.database.engine.schema
        typed = f"IS TYPED {data_type.display}"
        target = f":{spec.label}({prop})"
        if isinstance(statement, ast.CreateConstraint):
            if not schema.create_constraint(spec):
                raise ClientError(f"Constraint {typed} on {target} already exists")
            ctx.counters.constraints_added += 1
            ctx.notifications.append(Notification(
                "CreateConstraint",
                f"Created {typed} constraint on label {spec.label} on property {prop}.",
            ))
            self.database.schema_changed((spec, "created"))
        else:
            if not schema.drop_constraint(spec):
                raise ClientError(f"Constraint {typed} on {target} doesn't exist")
            ctx.counters.constraints_removed += 1
            ctx.notifications.append(Notification(
                "DropConstraint",
                f"Dropped {typed} constraint on label {spec.label} on properties {prop}.",
            ))
            self.database.schema_changed((spec, "dropped"))

    def _drop_all_indexes(self, ctx: QueryContext) -> None:
        """``DROP ALL INDEXES``: each index dropped as by its own DROP INDEX (counters,
        notifications, plugins told of each)."""
        for info in self.database.engine.schema.indexes():
            self._index_ddl(ctx, ast.DropIndex(info.spec.label, tuple(info.spec.properties)))

    def _drop_all_constraints(self, ctx: QueryContext) -> None:
        """``DROP ALL CONSTRAINTS``: each constraint dropped as by its own DROP CONSTRAINT."""
        for spec in self.database.engine.schema.constraints():
            kind = ast.ConstraintKind(spec.kind.value)
            data_type = spec.data_type.value if spec.data_type is not None else None
            self._constraint_ddl(
                ctx, ast.DropConstraint(kind, spec.label, tuple(spec.properties), data_type)
            )

    def _show_indexes(self, ctx: QueryContext) -> list[tuple[Any, ...]]:
        """``index type`` (``label``, ``label+property``), ``label``, ``property`` (null for a
        label index, a string, a list for a composite index) and ``count``, sorted by type,
        label and property as in Memgraph."""
        rows = []
        for info in self.database.engine.schema.indexes():
            spec = info.spec
            props = spec.properties
            prop: Any = None if not props else (props[0] if len(props) == 1 else list(props))
            rows.append((spec.kind.value, spec.label, prop, int(info.count)))
        rows.sort(key=_index_row_key)
        return rows

    def _show_constraints(self, ctx: QueryContext) -> list[tuple[Any, ...]]:
        """``constraint type`` (``exists``, ``unique``, ``data_type``), ``label``,
        ``properties`` (the property for ``exists`` and ``data_type``, a list for ``unique``)
        and ``data_type`` (Memgraph's name of the type, e.g. ``INTEGER``, ``BOOL``, ``LOCAL
        TIME``; empty but for type constraints); existence constraints first, then uniqueness,
        then data types, each sorted."""
        rows: list[tuple[Any, ...]] = []
        order = {ConstraintKind.EXISTS: 0, ConstraintKind.UNIQUE: 1, ConstraintKind.TYPE: 2}
        specs = sorted(
            self.database.engine.schema.constraints(),
            key=lambda c: (order.get(c.kind, 3), c.label, c.properties),
        )
        for spec in specs:
            props: Any = list(spec.properties) if spec.kind is ConstraintKind.UNIQUE else (
                spec.properties[0])
            shown = spec.data_type.display if spec.data_type is not None else ""
            rows.append((spec.kind.value, spec.label, props, shown))
        return rows


_STORAGE_INFO_ROWS = (
    "name", "vertex_count", "edge_count", "average_degree", "vm_max_map_count", "memory_res",
    "peak_memory_res", "unreleased_delta_objects", "disk_usage", "memory_tracked",
    "allocation_limit", "global_isolation_level", "session_isolation_level",
    "next_session_isolation_level", "storage_mode",
)
"""The generic rows of SHOW STORAGE INFO, which the kernel computes (an engine's own value of
one is dropped rather than shown twice)."""


def _data_type(statement: ast.CreateConstraint | ast.DropConstraint) -> DataType:
    """The ``DataType`` an ``IS TYPED`` statement names; Memgraph's ENUM and POINT are refused
    (mgcore has neither enum nor point values)."""
    name = statement.data_type or ""
    try:
        return DataType(name)
    except ValueError:
        raise UnsupportedOperation(
            f"Data type constraints IS TYPED {name} are not supported: mgcore has no "
            f"{name.lower()} values. Supported: {', '.join(t.value for t in DataType)}."
        ) from None


def _index_row_key(row: tuple[Any, ...]) -> tuple[str, str, tuple[str, ...]]:
    prop = row[2]
    props = () if prop is None else tuple(prop) if isinstance(prop, list) else (prop,)
    return (row[0], row[1], props)


def _vm_max_map_count() -> int:
    """The kernel's ``vm.max_map_count`` (-1 where it cannot be read, as in Memgraph)."""
    try:
        with open("/proc/sys/vm/max_map_count") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return -1


def _level_name(level: Any) -> str:
    if level is None:
        return ""
    return level.value if isinstance(level, IsolationLevel) else str(level)


def _memory() -> tuple[int, int]:
    """Resident and peak resident memory of this process, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rss = resident_memory() or peak
    return rss, max(peak, rss)


def _disk_usage(directory: Path) -> int:
    total = 0
    for root, _, files in os.walk(directory):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).stat().st_size
    return total


__all__ = ["AdminStatements", "StaticQuery", "TxControlQuery"]
