"""The pytest plugin of mgcore's conformance suite; load it with ``-p mgcore.conformance.plugin``.

It must be loaded with ``-p`` (or an entry point): a conftest inside an installed package is not
an initial conftest under ``--pyargs``, so its options would be unknown (design/anchors.md 1.2).

Options:
  ``--mg-engine NAME`` (or the ``MGCORE_CONFORMANCE_ENGINE`` environment variable): the engine
  under test, a storage-mode name from the ``mgcore.engines`` entry points, or ``module:Class`` for
  an engine that is not installed as a distribution yet. Required when tests run.
  ``--mg-known-failures FILE``: an extra known-failures file (format in ``knownfail.py``), read
  after the ones shipped in ``mgcore/conformance/known_failures.txt`` and
  ``tck_known_failures.txt``.
  ``--mg-tck DIR``: the openCypher TCK (``features/`` and ``graphs/``) that ``test_tck.py`` runs;
  default ``$MGCORE_TCK``, else ``../shared/tck`` beside the project (``mgcore.conformance.tck``).
  ``--mg-tck-via {embedded,bolt}``: how ``test_tck.py`` sends a scenario's queries: through the
  embedded API (the default), or over Bolt with the neo4j driver to a server on a loopback port
  (``mgcore.conformance.tck.bolt``). The same known failures apply either way, plus, over Bolt,
  those of ``tck_bolt_known_failures.txt`` (what the neo4j driver itself cannot carry).

Marker: ``@pytest.mark.requires("durable", "SNAPSHOT_ISOLATION", ...)`` skips the test unless the
engine declares every capability (names as ``Capabilities.supports`` takes them); a name starting
with ``!`` requires the engine *not* to declare it. An unknown name is a usage error.

Fixtures: ``mg_engine_name``, ``mg_engine_spec``, ``engine_class``, ``capabilities`` (session
scope);
``engine_settings`` (a dict, override it to pass other settings), ``data_dir``,
``engine_factory``, ``engine``, ``reopen``, and ``database`` / ``session`` on the kernel's
embedded API.
"""

from __future__ import annotations

import importlib
import importlib.metadata as md
import importlib.util
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import mgcore
from mgcore.conformance.knownfail import (
    BUILTIN_FILE,
    TCK_BOLT_FILE,
    TCK_FILE,
    KnownFailure,
    KnownFailuresError,
    first_match,
    load_known_failures,
)
from mgcore.conformance.tck import VIAS
from mgcore.storage.capabilities import Capabilities
from mgcore.storage.errors import EngineIncompatible, EngineNotFound
from mgcore.storage.protocol import EngineContext
from mgcore.storage.registry import EngineRegistry

pytest.register_assert_rewrite("mgcore.conformance.suite")

ENV_ENGINE = "MGCORE_CONFORMANCE_ENGINE"
SUITE_DIR = Path(__file__).with_name("suite")
DEFAULT_SETTINGS: dict[str, Any] = {"storage_properties_on_edges": True}
"""Settings every engine gets unless a test overrides ``engine_settings``; Memgraph's binary
defaults properties on edges to false but its packaged config to true, so the suite is explicit."""


@dataclass
class EngineUnderTest:
    """The engine class being tested and where it comes from."""

    name: str
    cls: type
    capabilities: Capabilities
    distribution: str | None
    version: str | None


@dataclass
class ConformanceState:
    """Per-run state of the plugin, kept in the config's stash (never in module globals)."""

    spec: str | None
    extra_known_failures: Path | None
    via_bolt: bool = False
    engine: EngineUnderTest | None = None
    load_error: str | None = None
    known_failures: list[KnownFailure] = field(default_factory=list)
    used_known_failures: set[int] = field(default_factory=set)
    collected_modules: set[str] = field(default_factory=set)


STATE = pytest.StashKey[ConformanceState]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the suite's command-line options."""
    group = parser.getgroup("mgcore-conformance", "mgcore conformance suite")
    group.addoption(
        "--mg-engine",
        dest="mg_engine",
        default=os.environ.get(ENV_ENGINE) or None,
        metavar="NAME",
        help=f"storage engine under test: a storage-mode name or module:Class (env {ENV_ENGINE})",
    )
    group.addoption(
        "--mg-known-failures",
        dest="mg_known_failures",
        default=None,
        metavar="FILE",
        help="extra known-failures file: lines 'ENGINE  test-id-pattern  # reason'",
    )
    group.addoption(
        "--mg-tck",
        dest="mg_tck",
        default=None,
        metavar="DIR",
        help="openCypher TCK directory holding features/ and graphs/ "
        "(default: $MGCORE_TCK, else ../shared/tck beside the project)",
    )
    group.addoption(
        "--mg-tck-via",
        dest="mg_tck_via",
        default="embedded",
        choices=VIAS,
        help="how the TCK's queries reach the database: the embedded API (default) or Bolt "
        "through the neo4j driver",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker and create the run's state; the engine is loaded at session start."""
    config.addinivalue_line(
        "markers",
        "requires(*capabilities): skip unless the engine declares every capability "
        "('!name': unless it does not declare it)",
    )
    if config.getoption("mg_tck_via") == "bolt" and importlib.util.find_spec("neo4j") is None:
        raise pytest.UsageError(
            "--mg-tck-via=bolt needs the neo4j Python driver: pip install neo4j"
        )
    extra = config.getoption("mg_known_failures")
    config.stash[STATE] = ConformanceState(
        spec=config.getoption("mg_engine"),
        extra_known_failures=Path(extra) if extra else None,
        via_bolt=config.getoption("mg_tck_via") == "bolt",
    )


def load_engine(spec: str) -> EngineUnderTest:
    """Resolve ``NAME`` through the registry, or import ``module:Class``; both are checked
    against the contract the same way."""
    registry = EngineRegistry()
    if ":" in spec:
        module_name, _, attr = spec.partition(":")
        try:
            obj: Any = importlib.import_module(module_name)
            for part in attr.split("."):
                obj = getattr(obj, part)
        except Exception as exc:
            raise EngineIncompatible(
                f"cannot import engine {spec!r}: {type(exc).__name__}: {exc}"
            ) from exc
        name = getattr(obj, "name", None)
        if not isinstance(name, str):
            raise EngineIncompatible(f"engine {spec!r} has no storage-mode 'name' attribute")
        registry.register(name, obj, replace=True)
        distribution, version = _distribution_of(module_name)
    else:
        name = spec
        entry = registry.entry(name)
        distribution, version = entry.distribution, entry.version
    cls = registry.load(name)
    capabilities: Capabilities = getattr(cls, "capabilities")  # noqa: B009
    return EngineUnderTest(name, cls, capabilities, distribution, version)


def _distribution_of(module_name: str) -> tuple[str | None, str | None]:
    top = module_name.split(".")[0]
    for dist_name in md.packages_distributions().get(top, []):
        try:
            return dist_name, md.version(dist_name)
        except md.PackageNotFoundError:
            continue
    return None, None


def _state(config: pytest.Config) -> ConformanceState:
    return config.stash[STATE]


def _ensure_engine(state: ConformanceState) -> EngineUnderTest:
    """Load the engine once, or raise a usage error that says what to do."""
    if state.engine is not None:
        return state.engine
    if not state.spec:
        installed = ", ".join(EngineRegistry().names()) or "none"
        raise pytest.UsageError(
            f"the mgcore conformance suite needs an engine: pass --mg-engine NAME or set "
            f"{ENV_ENGINE} (installed engines: {installed})"
        )
    try:
        state.engine = load_engine(state.spec)
    except (EngineNotFound, EngineIncompatible) as exc:
        state.load_error = str(exc)
        raise pytest.UsageError(str(exc)) from None
    paths = [BUILTIN_FILE, TCK_FILE]
    if state.via_bolt:
        paths.append(TCK_BOLT_FILE)
    if state.extra_known_failures is not None:
        paths.append(state.extra_known_failures)
    try:
        entries = load_known_failures(paths)
    except KnownFailuresError as exc:
        raise pytest.UsageError(str(exc)) from None
    state.known_failures = [e for e in entries if e.applies_to(state.engine.name)]
    return state.engine


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail early and clearly on a missing or unknown engine or a bad known-failures file."""
    _ensure_engine(_state(session.config))


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Show which engine is under test, from which distribution, with which capabilities."""
    state = _state(config)
    if state.engine is None:
        return [f"mgcore conformance: engine {state.spec or '(none)'} not loaded"]
    eut = state.engine
    origin = f"{eut.distribution or eut.cls.__module__} {eut.version or '(unknown version)'}"
    return [
        f"mgcore conformance: engine {eut.name} ({origin}; {eut.cls.__module__}."
        f"{eut.cls.__qualname__}), mgcore {mgcore.__version__}",
        f"capabilities: {describe_capabilities(eut.capabilities)}",
        f"known failures for this engine: {len(state.known_failures)}",
        f"TCK queries via: {config.getoption('mg_tck_via')}",
    ]


def describe_capabilities(caps: Capabilities) -> str:
    """One line listing the declared capabilities, e.g. ``transactional, SNAPSHOT_ISOLATION``."""
    parts: list[str] = []
    for name, value in caps.as_dict().items():
        if name == "isolation_levels":
            parts.append("isolation=" + "/".join(value))
        elif name == "write_conflicts_at":
            parts.append(f"write_conflicts_at={value}")
        elif value:
            parts.append(name)
    return ", ".join(parts)


def suite_test_id(item: pytest.Item) -> str:
    """The item's id relative to the suite package (stable wherever mgcore is installed)."""
    try:
        relative = Path(item.path).resolve().relative_to(SUITE_DIR.resolve())
    except ValueError:
        return item.nodeid
    _, sep, rest = item.nodeid.partition("::")
    return relative.as_posix() + sep + rest


def unmet_requirements(caps: Capabilities, names: tuple[str, ...]) -> list[str]:
    """The capability requirements in ``names`` the engine does not meet; KeyError when unknown."""
    unmet: list[str] = []
    for name in names:
        negated = name.startswith("!")
        declared = caps.supports(name.removeprefix("!"))
        if declared == negated:
            unmet.append(name)
    return unmet


def skip_reason(engine: str, unmet: list[str]) -> str:
    """Why a test is skipped, naming each unmet capability requirement."""
    parts = [
        f"declares {name[1:]!r}" if name.startswith("!") else f"does not declare {name!r}"
        for name in unmet
    ]
    return f"engine {engine} " + " and ".join(parts)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip by capabilities and mark known failures as strict xfails, before any deselection."""
    state = _state(config)
    eut = _ensure_engine(state)
    errors: list[str] = []
    for item in items:
        names = tuple(name for mark in item.iter_markers("requires") for name in mark.args)
        try:
            unmet = unmet_requirements(eut.capabilities, names)
        except KeyError as exc:
            errors.append(f"{item.nodeid}: {exc.args[0]}")
            continue
        if unmet:
            item.add_marker(pytest.mark.skip(reason=skip_reason(eut.name, unmet)))
            continue
        test_id = suite_test_id(item)
        state.collected_modules.add(test_id.split("::", 1)[0])
        entry = first_match(state.known_failures, test_id)
        if entry is not None:
            state.used_known_failures.add(id(entry))
            item.add_marker(
                pytest.mark.xfail(
                    reason=f"known failure: {entry.reason} ({entry.location})", strict=True
                )
            )
    if errors:
        raise pytest.UsageError("unknown capability in @requires:\n  " + "\n  ".join(errors))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Point out known-failure entries for this engine that match no collected test of a
    module that was collected (a run of one module does not report the others' entries)."""
    state = _state(config)
    stale = [
        e
        for e in state.known_failures
        if id(e) not in state.used_known_failures
        and e.pattern.split("::", 1)[0] in state.collected_modules
    ]
    if state.engine is None or not stale:
        return
    terminalreporter.section("mgcore conformance: unused known failures")
    for entry in stale:
        terminalreporter.line(f"{entry.location}: {entry.engine} {entry.pattern} matches no test")


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def mg_engine_name(request: pytest.FixtureRequest) -> str:
    """The storage-mode name of the engine under test."""
    return _ensure_engine(_state(request.config)).name


@pytest.fixture(scope="session")
def mg_engine_spec(request: pytest.FixtureRequest) -> str:
    """The engine as given (``NAME`` or ``module:Class``): what a child process passes to
    ``load_engine`` to open the same engine (crash tests)."""
    state = _state(request.config)
    return state.spec or _ensure_engine(state).name


@pytest.fixture(scope="session")
def engine_class(request: pytest.FixtureRequest) -> type:
    """The engine class under test, checked against the contract by the registry."""
    return _ensure_engine(_state(request.config)).cls


@pytest.fixture(scope="session")
def capabilities(request: pytest.FixtureRequest) -> Capabilities:
    """What the engine under test declares."""
    return _ensure_engine(_state(request.config)).capabilities


@pytest.fixture
def engine_settings() -> dict[str, Any]:
    """Settings passed as ``EngineContext.settings``; override the fixture (or parametrize it
    directly) to test other settings."""
    return dict(DEFAULT_SETTINGS)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh, empty data directory for the engine."""
    path = tmp_path / "mg_data"
    path.mkdir()
    return path


@dataclass
class _Opened:
    instance: Any
    ctx: EngineContext
    cls: type


class EngineFactory:
    """Opens engine instances for one test and closes every one still open at teardown."""

    def __init__(self, cls: type, settings: dict[str, Any], data_dir: Path) -> None:
        self.cls = cls
        self.settings = settings
        self.data_dir = data_dir
        self.current: Any = None
        self._open: list[_Opened] = []

    def context(
        self, data_dir: Path | None = None, settings: dict[str, Any] | None = None
    ) -> EngineContext:
        """The EngineContext ``open`` passes: the test's directory and settings by default."""
        return EngineContext(
            data_directory=Path(data_dir or self.data_dir),
            settings=dict(self.settings if settings is None else settings),
        )

    def open(
        self,
        data_dir: Path | None = None,
        settings: dict[str, Any] | None = None,
        cls: type | None = None,
    ) -> Any:
        """A new instance of ``cls`` (default: the engine under test) opened on ``data_dir``
        (default: the test's) with ``settings``; it becomes the current instance."""
        engine_cls = cls or self.cls
        ctx = self.context(data_dir, settings)
        instance = engine_cls()
        instance.open(ctx)
        self._open.append(_Opened(instance, ctx, engine_cls))
        self.current = instance
        return instance

    def _find(self, instance: Any) -> _Opened | None:
        return next((o for o in self._open if o.instance is instance), None)

    def close(self, instance: Any) -> None:
        """Close one instance opened here (once)."""
        opened = self._find(instance)
        if opened is None:
            return
        self._open.remove(opened)
        if self.current is instance:
            self.current = None
        instance.close()

    def reopen(self, settings: dict[str, Any] | None = None, instance: Any = None) -> Any:
        """Close ``instance`` (default: the current one) and open a new instance of the same
        class on the same directory, with the same settings unless ``settings`` is given."""
        opened = self._find(instance if instance is not None else self.current)
        if opened is None:
            raise RuntimeError("reopen: no open engine instance to reopen")
        self.close(opened.instance)
        return self.open(
            data_dir=opened.ctx.data_directory,
            settings=dict(opened.ctx.settings) if settings is None else settings,
            cls=opened.cls,
        )

    def close_all(self) -> None:
        """Close every instance still open, newest first."""
        while self._open:
            self.close(self._open[-1].instance)


@pytest.fixture
def engine_factory(
    engine_class: type, engine_settings: dict[str, Any], data_dir: Path
) -> Iterator[EngineFactory]:
    """Open more engine instances (other directories, other settings); all closed at teardown."""
    factory = EngineFactory(engine_class, engine_settings, data_dir)
    yield factory
    factory.close_all()


@pytest.fixture
def engine(engine_factory: EngineFactory) -> Any:
    """A fresh engine opened on ``data_dir`` with ``engine_settings``, closed after the test."""
    return engine_factory.open()


@pytest.fixture
def reopen(engine: Any, engine_factory: EngineFactory) -> Callable[..., Any]:
    """``reopen(settings=None)`` closes the current engine and returns a new instance opened on
    the same directory (with the same settings unless given), for durability tests."""
    return engine_factory.reopen


@pytest.fixture
def database(
    request: pytest.FixtureRequest,
    mg_engine_name: str,
    tmp_path: Path,
    engine_settings: dict[str, Any],
) -> Iterator[Any]:
    """An embedded database (``mgcore.connect``) on the engine under test in a fresh directory."""
    spec = _state(request.config).spec or ""
    if ":" in spec:
        pytest.skip(
            f"the embedded API finds engines through the mgcore.engines entry points, and "
            f"{spec} was given as module:Class; install the engine to run this test"
        )
    try:
        importlib.import_module("mgcore.database")
    except ModuleNotFoundError as exc:
        if exc.name != "mgcore.database":
            raise
        pytest.skip("the embedded API is not available: mgcore.database cannot be imported yet")
    path = tmp_path / "db_data"
    db = mgcore.connect(
        storage_mode=mg_engine_name, data_directory=str(path), **engine_settings
    )
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def session(database: Any) -> Iterator[Any]:
    """A session of ``database``, closed after the test."""
    sess = database.session()
    try:
        yield sess
    finally:
        close = getattr(sess, "close", None)
        if callable(close):
            close()
