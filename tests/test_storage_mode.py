"""``STORAGE MODE``: the kernel's switch between engines (``Database.switch_storage_mode``).

Uses the real IN_MEMORY_TRANSACTIONAL engine and, registered in-process through a plugin's
``mg_register_engines``, third-party-style engines built on it: ``FAKE_STREAM`` (another name, no
``StoreHandOver``: the kernel streams the graph), ``FAKE_FAILING`` (fails part-way through the
stream) and ``FAKE_INPLACE_A`` / ``FAKE_INPLACE_B`` (the same ``store_kind``: handed over in
place).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import mgcore
import mgcore.database as database_module
from mgcore.database import MODE_FILE, MODES_DIRECTORY, Database
from mgcore.errors import ClientError, DatabaseError, TransientError
from mgcore.plugins import PluginHost
from mgcore.storage.errors import EngineIncompatible, EngineNotFound
from mgcore.storage.kit.marker import read_marker
from mgcore.storage.protocol import EngineContext
from mgcore_engine_in_memory_tx.engine import InMemoryTransactionalEngine

TX = "IN_MEMORY_TRANSACTIONAL"


class StreamEngine(InMemoryTransactionalEngine):
    """A third-party-style engine: its own name and directory, no in-place hand-over."""

    name = "FAKE_STREAM"
    store_kind = ""  # no in-place hand-over with the engine it derives from


class NoDropEngine(InMemoryTransactionalEngine):
    """A third-party-style engine without the optional ``drop_graph`` (``GraphDrop``)."""

    name = "FAKE_NO_DROP"
    store_kind = ""
    drop_graph = None  # a protocol member set to None counts as absent


class FailingEngine(InMemoryTransactionalEngine):
    """Fails when the kernel begins its third write transaction (two batches are in)."""

    name = "FAKE_FAILING"
    store_kind = ""
    directories: list[Path] = []

    def open(self, ctx: EngineContext) -> None:
        FailingEngine.directories.append(Path(ctx.data_directory))
        self._begins = 0
        super().open(ctx)

    def begin(self, isolation: Any = None, read_only: bool = False) -> Any:
        if not read_only:
            self._begins += 1
        if self._begins > 2 and not read_only:
            raise RuntimeError("disk on fire")
        return super().begin(isolation, read_only)


class _HandOver:
    """The in-place contract on the transactional engine: the store is the engine's state."""

    store_kind = "test.shared-store"
    taken: list[Any] = []

    def hand_over(self) -> Any:
        self._stop_gc()  # type: ignore[attr-defined]
        return self.__dict__

    def take_over(self, store: Any, ctx: EngineContext) -> None:
        self.__dict__ = store
        _HandOver.taken.append(store)
        self._start_gc(ctx.settings.get("storage_gc_cycle_sec"))  # type: ignore[attr-defined]


class InPlaceA(_HandOver, InMemoryTransactionalEngine):
    name = "FAKE_INPLACE_A"


class InPlaceB(_HandOver, InMemoryTransactionalEngine):
    name = "FAKE_INPLACE_B"


class _Engines:
    @mgcore.hookimpl
    def mg_register_engines(self, registry: Any) -> None:
        for cls in (StreamEngine, NoDropEngine, FailingEngine, InPlaceA, InPlaceB):
            registry.register(cls.name, cls)


class _Lifecycle:
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    @mgcore.hookimpl
    def mg_database_opened(self, database: Any) -> None:
        self.events.append(("opened", database.storage_mode))

    @mgcore.hookimpl
    def mg_database_closing(self, database: Any) -> None:
        self.events.append(("closing", database.storage_mode))


def open_db(directory: Path, mode: str = TX, lifecycle: _Lifecycle | None = None) -> Database:
    host = PluginHost.create(load_entry_points=False)
    host.register(_Engines(), "test-engines")
    if lifecycle is not None:
        host.register(lifecycle, "test-lifecycle")
    return Database.open(plugins=host, storage_mode=mode, data_directory=str(directory))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_db(tmp_path / "data")
    yield database
    database.close()


def run(db: Database, query: str, **params: Any) -> list[Any]:
    with db.session() as s:
        return [tuple(r.values()) for r in s.run(query, params)]


def fill(db: Database, nodes: int = 25, constraints: bool = True) -> None:
    with db.session() as s:
        s.run("CREATE INDEX ON :Person").consume()
        s.run("CREATE INDEX ON :Person(uid)").consume()
        if constraints:
            s.run("CREATE CONSTRAINT ON (n:Person) ASSERT n.uid IS UNIQUE").consume()
            s.run("CREATE CONSTRAINT ON (n:Person) ASSERT EXISTS (n.uid)").consume()
        s.run(
            "UNWIND range(0, $n - 1) AS i "
            "CREATE (:Person:Tagged {uid: i, name: 'p' + toString(i), xs: [i, 1.5], "
            "flag: i % 2 = 0})",
            {"n": nodes},
        ).consume()
        s.run("CREATE (:Lonely)").consume()
        s.run(
            "MATCH (a:Person), (b:Person) WHERE b.uid = (a.uid + 1) % $n "
            "CREATE (a)-[:KNOWS {since: a.uid, w: 0.5}]->(b)",
            {"n": nodes},
        ).consume()
        s.run("MATCH (a:Person {uid: 0}) CREATE (a)-[:SELF]->(a)").consume()


def graph(db: Database) -> dict[str, Any]:
    """Everything a switch must keep: nodes, relationships (endpoints by uid), schema."""
    nodes = sorted(
        repr((sorted(labels), sorted(props.items())))
        for labels, props in run(db, "MATCH (n) RETURN labels(n), properties(n)")
    )
    rels = sorted(
        repr(row)
        for row in run(
            db,
            "MATCH (a)-[r]->(b) RETURN a.uid, type(r), b.uid, properties(r)",
        )
    )
    return {
        "nodes": nodes,
        "relationships": rels,
        "indexes": sorted(map(repr, run(db, "SHOW INDEX INFO"))),
        "constraints": sorted(map(repr, run(db, "SHOW CONSTRAINT INFO"))),
    }


def storage_mode_info(db: Database) -> str:
    return dict(run(db, "SHOW STORAGE INFO"))["storage_mode"]  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------- basics


def test_switch_to_the_current_mode_is_a_no_op(db: Database) -> None:
    engine = db.engine
    version = db.schema_version
    run(db, "STORAGE MODE IN_MEMORY_TRANSACTIONAL")
    run(db, "STORAGE MODE in_memory_transactional")
    assert db.engine is engine and db.schema_version == version


def test_unknown_mode_names_the_installed_engines(db: Database) -> None:
    with pytest.raises(EngineNotFound, match="NO_SUCH_MODE") as info:
        run(db, "STORAGE MODE NO_SUCH_MODE")
    assert TX in str(info.value) and "FAKE_STREAM" in str(info.value)
    assert db.storage_mode == TX


def test_switch_is_refused_in_an_explicit_transaction(db: Database) -> None:
    with db.session() as s:
        tx = s.begin_transaction()
        with pytest.raises(ClientError, match="Storage mode cannot be modified in multicommand"):
            tx.run("STORAGE MODE FAKE_STREAM")
        tx.rollback()
    assert db.storage_mode == TX


# ----------------------------------------------------------------------------- DROP GRAPH

DROP_GRAPH_REFUSED = (
    "Drop graph can only be used in the analytical mode. Switch to analytical mode by "
    "executing 'STORAGE MODE IN_MEMORY_ANALYTICAL'"
)


def test_drop_graph_in_transactional_gets_memgraphs_refusal(db: Database) -> None:
    fill(db, 5)
    before = graph(db)
    with pytest.raises(ClientError) as info:
        run(db, "DROP GRAPH")
    assert str(info.value) == DROP_GRAPH_REFUSED
    assert graph(db) == before


def test_drop_graph_on_an_engine_without_it_is_refused_by_the_kernel(tmp_path: Path) -> None:
    db = open_db(tmp_path / "data", "FAKE_NO_DROP")  # loads: drop_graph is optional
    try:
        run(db, "CREATE (:Kept)")
        with pytest.raises(ClientError) as info:
            run(db, "DROP GRAPH")
        assert str(info.value) == "DROP GRAPH is not supported by the FAKE_NO_DROP storage mode."
        assert run(db, "MATCH (n:Kept) RETURN count(n)") == [(1,)]
    finally:
        db.close()


# ------------------------------------------------------------------------------ streaming


def test_streamed_switch_both_ways_keeps_the_graph(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "STREAM_BATCH", 7)  # several batches
    fill(db)
    before = graph(db)
    assert len(before["nodes"]) == 26 and len(before["relationships"]) == 26
    run(db, "MATCH (n) RETURN n")  # a cached plan
    version = db.schema_version

    run(db, "STORAGE MODE FAKE_STREAM")
    assert db.storage_mode == "FAKE_STREAM" and isinstance(db.engine, StreamEngine)
    assert storage_mode_info(db) == "FAKE_STREAM"
    assert db.schema_version > version and "MATCH (n) RETURN n" not in db.plan_cache
    assert graph(db) == before
    # constraints are enforced by the target engine
    with pytest.raises(ClientError):
        run(db, "CREATE (:Person {uid: 3})")
    run(db, "CREATE (:Person {uid: 100})")
    after_write = graph(db)

    run(db, "STORAGE MODE IN_MEMORY_TRANSACTIONAL")
    assert db.storage_mode == TX and storage_mode_info(db) == TX
    assert graph(db) == after_write


def test_streamed_switch_places_the_target_in_its_own_directory(db: Database) -> None:
    fill(db, 5)
    root = Path(db.settings.data_directory)
    run(db, "STORAGE MODE FAKE_STREAM")
    first = db.engine_directory
    assert first.parent == root / MODES_DIRECTORY and first.name.startswith("FAKE_STREAM.")
    assert read_marker(first) == ("FAKE_STREAM", read_marker(root)[1])  # type: ignore[index]
    assert read_marker(root)[0] == TX  # type: ignore[index]  # the source's files are as they were
    assert (root / MODE_FILE).exists()
    run(db, "STORAGE MODE IN_MEMORY_TRANSACTIONAL")
    second = db.engine_directory
    assert second.parent == root / MODES_DIRECTORY and not first.exists()


def test_failure_part_way_leaves_the_source_untouched(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "STREAM_BATCH", 5)
    FailingEngine.directories.clear()
    fill(db)
    before = graph(db)
    engine = db.engine
    with pytest.raises(DatabaseError, match="disk on fire"):
        run(db, "STORAGE MODE FAKE_FAILING")
    assert db.engine is engine and db.storage_mode == TX
    assert graph(db) == before
    (partial,) = FailingEngine.directories
    assert not partial.exists()
    assert not (Path(db.settings.data_directory) / MODE_FILE).exists()
    run(db, "CREATE (:After)")  # the source still takes writes
    assert run(db, "MATCH (n:After) RETURN count(n)") == [(1,)]


def test_restart_after_a_streamed_switch(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    db = open_db(directory)
    fill(db, 10)
    run(db, "STORAGE MODE FAKE_STREAM")
    run(db, "CREATE (:WrittenAfterSwitch)")
    expected = graph(db)
    db.close()

    # the graph now lives in FAKE_STREAM's directory; another configured mode is refused
    with pytest.raises(EngineIncompatible, match="--storage-mode FAKE_STREAM"):
        open_db(directory, TX)
    db = open_db(directory, "FAKE_STREAM")
    try:
        assert db.storage_mode == "FAKE_STREAM" and graph(db) == expected
        run(db, "STORAGE MODE IN_MEMORY_TRANSACTIONAL")
    finally:
        db.close()

    db = open_db(directory, TX)
    try:
        assert db.storage_mode == TX and graph(db) == expected
    finally:
        db.close()


# --------------------------------------------------------------------------------- in place


def test_in_place_hand_over_between_engines_of_one_store_kind(tmp_path: Path) -> None:
    lifecycle = _Lifecycle()
    db = open_db(tmp_path / "data", "FAKE_INPLACE_A", lifecycle)
    try:
        fill(db, 10)
        before = graph(db)
        old = db.engine
        directory = db.engine_directory
        _HandOver.taken.clear()
        run(db, "STORAGE MODE FAKE_INPLACE_B")
        assert isinstance(db.engine, InPlaceB) and db.engine is not old
        assert _HandOver.taken == [old.__dict__]  # the very store, no copy
        assert db.engine_directory == directory
        assert storage_mode_info(db) == "FAKE_INPLACE_B"
        assert graph(db) == before
        run(db, "CREATE (:InB)")
        run(db, "STORAGE MODE FAKE_INPLACE_A")
        assert isinstance(db.engine, InPlaceA)
        assert run(db, "MATCH (n:InB) RETURN count(n)") == [(1,)]
        assert not (tmp_path / "data" / MODE_FILE).exists()
    finally:
        db.close()
    assert lifecycle.events == [
        ("opened", "FAKE_INPLACE_A"),
        ("closing", "FAKE_INPLACE_A"), ("opened", "FAKE_INPLACE_B"),
        ("closing", "FAKE_INPLACE_B"), ("opened", "FAKE_INPLACE_A"),
        ("closing", "FAKE_INPLACE_A"),
    ]


# ------------------------------------------------------------------------------ concurrency


def test_switch_waits_for_an_open_transaction_and_keeps_its_commit(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    fill(db, 5)
    other = db.session()
    tx = other.begin_transaction()
    tx.run("CREATE (:FromOtherSession {k: 1})").consume()
    errors: list[BaseException] = []

    def switch() -> None:
        try:
            run(db, "STORAGE MODE FAKE_STREAM")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    caplog.set_level(logging.WARNING, logger="mgcore.database")
    thread = threading.Thread(target=switch)
    thread.start()
    time.sleep(0.3)
    assert thread.is_alive() and db.storage_mode == TX  # waiting for the open transaction

    # a new transaction waits for the switch and then runs on the new engine
    seen: list[Any] = []
    reader = threading.Thread(
        target=lambda: seen.extend(run(db, "MATCH (n:FromOtherSession) RETURN n.k"))
    )
    reader.start()
    time.sleep(0.2)
    assert reader.is_alive()

    tx.commit()
    thread.join(10)
    reader.join(10)
    other.close()
    assert not thread.is_alive() and not errors
    assert db.storage_mode == "FAKE_STREAM"
    assert seen == [(1,)]
    assert run(db, "MATCH (n:FromOtherSession) RETURN n.k") == [(1,)]
    assert any(
        r.levelno == logging.WARNING and "STORAGE MODE waits" in r.getMessage()
        for r in caplog.records
    )


def test_switch_times_out_when_a_transaction_never_finishes(db: Database) -> None:
    other = db.session()
    tx = other.begin_transaction()
    tx.run("CREATE (:Pending)").consume()
    with pytest.raises(TransientError, match="timed out"):
        db.switch_storage_mode("FAKE_STREAM", timeout=0.2)
    assert db.storage_mode == TX
    tx.commit()  # the waiting transaction is unaffected
    other.close()
    assert run(db, "MATCH (n:Pending) RETURN count(n)") == [(1,)]
    assert not any(Path(db.settings.data_directory).glob(f"{MODES_DIRECTORY}/*"))


# ----------------------------------------------------------------------------- command line


def test_storage_mode_flag_opens_the_database_in_that_mode(tmp_path: Path) -> None:
    """What ``mgcore serve --storage-mode X`` does: the flag reaches ``Database.open``."""
    from mgcore.plugins import bootstrap

    host, settings = bootstrap(
        ["--storage-mode", "FAKE_STREAM", "--data-directory", str(tmp_path / "data")],
        env={}, load_entry_points=False,
    )
    host.register(_Engines(), "test-engines")
    db = Database.open(settings, plugins=host)
    try:
        assert db.storage_mode == "FAKE_STREAM" and storage_mode_info(db) == "FAKE_STREAM"
    finally:
        db.close()


def test_ddl_during_a_switch_waits_and_lands_in_the_new_engine(db: Database) -> None:
    other = db.session()
    tx = other.begin_transaction()
    tx.run("CREATE (:Person {uid: 1})").consume()
    switch = threading.Thread(target=lambda: run(db, "STORAGE MODE FAKE_STREAM"))
    switch.start()
    time.sleep(0.2)
    ddl = threading.Thread(target=lambda: run(db, "CREATE INDEX ON :Person(uid)"))
    ddl.start()
    time.sleep(0.2)
    assert switch.is_alive() and ddl.is_alive()
    tx.commit()
    other.close()
    switch.join(10)
    ddl.join(10)
    assert db.storage_mode == "FAKE_STREAM"
    assert [row[1:3] for row in run(db, "SHOW INDEX INFO")] == [("Person", "uid")]


def test_global_isolation_level_carries_over(db: Database) -> None:
    run(db, "SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED")
    run(db, "STORAGE MODE FAKE_STREAM")
    assert db.engine.begin().isolation.value == "READ_COMMITTED"


def test_directories_left_by_an_interrupted_switch_are_removed_at_start(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    db = open_db(directory)
    fill(db, 3)
    run(db, "STORAGE MODE FAKE_STREAM")
    current = db.engine_directory
    db.close()
    orphan = directory / MODES_DIRECTORY / "IN_MEMORY_TRANSACTIONAL.1"
    orphan.mkdir()
    (orphan / "partial").write_text("x")
    db = open_db(directory, "FAKE_STREAM")
    try:
        assert not orphan.exists() and db.engine_directory == current
        assert run(db, "MATCH (n:Person) RETURN count(n)") == [(3,)]
    finally:
        db.close()


# -------------------------------------------------------------- with IN_MEMORY_ANALYTICAL

AN = "IN_MEMORY_ANALYTICAL"


def _analytical_hands_over() -> bool:
    """Whether the installed in-memory engines hand their store over in place (both present,
    same ``store_kind``); the end-to-end tests below need that."""
    from mgcore.storage.registry import EngineRegistry

    registry = EngineRegistry()
    try:
        tx_kind = getattr(registry.load(TX), "store_kind", "")
        an_kind = getattr(registry.load(AN), "store_kind", "")
    except Exception:
        return False
    return bool(tx_kind) and tx_kind == an_kind


analytical = pytest.mark.skipif(
    not _analytical_hands_over(), reason="IN_MEMORY_ANALYTICAL with StoreHandOver not installed"
)


def fill_without_constraints(db: Database, nodes: int = 25) -> None:
    """Analytical mode refuses constraints (Memgraph since v3.8)."""
    fill(db, nodes, constraints=False)


@analytical
def test_analytical_round_trip_in_place(db: Database) -> None:
    fill_without_constraints(db)
    before = graph(db)
    directory = db.engine_directory
    run(db, "STORAGE MODE IN_MEMORY_ANALYTICAL")
    assert db.storage_mode == AN and storage_mode_info(db) == AN
    assert db.engine_directory == directory
    assert graph(db) == before
    run(db, "CREATE (:Person {uid: 1000})-[:KNOWS]->(:Person {uid: 1001})")
    expected = graph(db)
    run(db, "STORAGE MODE IN_MEMORY_TRANSACTIONAL")
    assert db.storage_mode == TX and storage_mode_info(db) == TX
    assert graph(db) == expected
    assert not (Path(db.settings.data_directory) / MODE_FILE).exists()


@analytical
@pytest.mark.parametrize("scope", ["GLOBAL", "SESSION", "NEXT"])
def test_isolation_change_in_analytical_gets_the_engines_refusal(db: Database, scope: str) -> None:
    """The refusal is the engine's own (Memgraph's words for this mode); the kernel names no
    engine."""
    run(db, "STORAGE MODE IN_MEMORY_ANALYTICAL")
    with pytest.raises(ClientError, match="Isolation level cannot be modified when storage mode"):
        run(db, f"SET {scope} TRANSACTION ISOLATION LEVEL SNAPSHOT ISOLATION")
    run(db, "STORAGE MODE IN_MEMORY_TRANSACTIONAL")
    run(db, f"SET {scope} TRANSACTION ISOLATION LEVEL READ COMMITTED")


@analytical
def test_global_isolation_in_analytical_is_refused_for_every_level(db: Database) -> None:
    """Memgraph's SetIsolationLevel fails in analytical mode whatever the level, its own READ
    UNCOMMITTED included; the global level set before is kept for the switch back."""
    run(db, "SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED")
    run(db, "STORAGE MODE IN_MEMORY_ANALYTICAL")
    with pytest.raises(ClientError, match="Isolation level cannot be modified when storage mode"):
        run(db, "SET GLOBAL TRANSACTION ISOLATION LEVEL READ UNCOMMITTED")
    run(db, "STORAGE MODE IN_MEMORY_TRANSACTIONAL")
    assert db.engine.begin().isolation.value == "READ_COMMITTED"


@analytical
def test_switch_to_analytical_is_refused_while_constraints_exist(db: Database) -> None:
    """As Memgraph (v3.8+): constraints must be dropped first; the database stays as it was."""
    fill_without_constraints(db)
    run(db, "CREATE CONSTRAINT ON (n:Person) ASSERT n.uid IS UNIQUE")
    before = graph(db)
    with pytest.raises(ClientError, match="Drop the constraints before switching"):
        run(db, "STORAGE MODE IN_MEMORY_ANALYTICAL")
    assert db.storage_mode == TX and graph(db) == before
    run(db, "DROP CONSTRAINT ON (n:Person) ASSERT n.uid IS UNIQUE")
    run(db, "STORAGE MODE IN_MEMORY_ANALYTICAL")
    assert db.storage_mode == AN


@analytical
def test_type_constraints_block_the_switch_and_are_refused_in_analytical(db: Database) -> None:
    """A data type constraint counts as a constraint for the switch (Memgraph 3.8+), and
    creating one in analytical mode gets Memgraph's message for it."""
    fill_without_constraints(db)
    run(db, "CREATE CONSTRAINT ON (n:Person) ASSERT n.name IS TYPED STRING")
    with pytest.raises(ClientError, match="Drop the constraints before switching"):
        run(db, "STORAGE MODE IN_MEMORY_ANALYTICAL")
    assert db.storage_mode == TX
    run(db, "DROP CONSTRAINT ON (n:Person) ASSERT n.name IS TYPED STRING")
    run(db, "STORAGE MODE IN_MEMORY_ANALYTICAL")
    with pytest.raises(ClientError) as info:
        run(db, "CREATE CONSTRAINT ON (n:Person) ASSERT n.name IS TYPED STRING")
    assert str(info.value) == "Type constraints are not supported in analytical storage mode."
    assert run(db, "SHOW CONSTRAINT INFO") == []


def _on_disk_installed() -> bool:
    from mgcore.storage.registry import EngineRegistry

    try:
        EngineRegistry().load("ON_DISK_TRANSACTIONAL")
    except Exception:
        return False
    return True


@pytest.mark.skipif(not _on_disk_installed(), reason="ON_DISK_TRANSACTIONAL not installed")
def test_type_constraints_move_to_disk_and_back(db: Database) -> None:
    """A streamed switch carries data type constraints to the target engine, which enforces
    them."""
    fill_without_constraints(db, 3)
    run(db, "CREATE CONSTRAINT ON (n:Person) ASSERT n.uid IS TYPED INTEGER")
    for mode in ("ON_DISK_TRANSACTIONAL", TX):
        run(db, f"STORAGE MODE {mode}")
        assert db.storage_mode == mode
        assert run(db, "SHOW CONSTRAINT INFO") == [("data_type", "Person", "uid", "INTEGER")]
        with pytest.raises(ClientError, match=r"IS TYPED INTEGER violation on Person\(uid\)"):
            run(db, "MATCH (n:Person {uid: 1}) SET n.uid = '1'")
    assert run(db, "MATCH (n:Person) RETURN count(n)") == [(3,)]


@analytical
def test_analytical_restarts_in_transactional_with_its_writes(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    db = open_db(directory)
    fill_without_constraints(db, 5)
    run(db, "STORAGE MODE IN_MEMORY_ANALYTICAL")
    run(db, "CREATE (:WrittenInAnalytical)")
    run(db, "STORAGE MODE IN_MEMORY_TRANSACTIONAL")  # makes the analytical writes durable
    expected = graph(db)
    db.close()
    db = open_db(directory)
    try:
        assert db.storage_mode == TX and graph(db) == expected
    finally:
        db.close()


@analytical
def test_analytical_mode_from_the_flag_and_streamed_to_another_engine(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    db = open_db(directory, AN)
    try:
        assert storage_mode_info(db) == AN
        fill_without_constraints(db, 10)
        before = graph(db)
        run(db, "STORAGE MODE FAKE_STREAM")  # different store_kind: streamed
        assert db.storage_mode == "FAKE_STREAM" and graph(db) == before
        run(db, "STORAGE MODE IN_MEMORY_ANALYTICAL")
        assert db.storage_mode == AN and graph(db) == before
        run(db, "STORAGE MODE IN_MEMORY_TRANSACTIONAL")  # in place, on the streamed directory
        assert db.storage_mode == TX and graph(db) == before
    finally:
        db.close()
    db = open_db(directory, AN)  # analytical opens the transactional directory it came from
    try:
        assert graph(db) == before
    finally:
        db.close()


@analytical
def test_analytical_switch_waits_for_an_open_transaction(db: Database) -> None:
    other = db.session()
    tx = other.begin_transaction()
    tx.run("CREATE (:Pending {k: 7})").consume()
    switch = threading.Thread(target=lambda: run(db, "STORAGE MODE IN_MEMORY_ANALYTICAL"))
    switch.start()
    time.sleep(0.2)
    assert switch.is_alive() and db.storage_mode == TX
    tx.commit()
    other.close()
    switch.join(10)
    assert db.storage_mode == AN
    assert run(db, "MATCH (n:Pending) RETURN n.k") == [(7,)]


@analytical
def test_drop_graph_in_analytical_is_durable_after_switching_back(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    empty: dict[str, Any] = {"nodes": [], "relationships": [], "indexes": [], "constraints": []}
    db = open_db(directory)
    try:
        fill_without_constraints(db, 10)
        run(db, "STORAGE MODE IN_MEMORY_ANALYTICAL")
        assert run(db, "DROP GRAPH") == []
        assert graph(db) == empty
        run(db, "STORAGE MODE IN_MEMORY_TRANSACTIONAL")  # writes the emptied store's snapshot
        assert graph(db) == empty
    finally:
        db.close()
    db = open_db(directory)
    try:
        assert db.storage_mode == TX and graph(db) == empty
        run(db, "CREATE (:After)")
        assert run(db, "MATCH (n) RETURN labels(n)") == [(["After"],)]
    finally:
        db.close()
