"""The plugin manager and its typed facade, the only place that calls hooks.

Load order (``PluginHost.create``): hook specs, the built-in plugins of ``BUILTIN_PLUGINS``
(blockable by name except ``ESSENTIAL_PLUGINS``), then the ``mgcore.plugins`` entry-point group
(blocked names skipped; a plugin that fails to import is logged and skipped), then
``check_pending`` so that a misspelt hook implementation is an error instead of dead code.
Built-ins that need settings (``auth``) are registered by ``configure(settings)``.

Storage engines are not loaded here: the engine registry (``mgcore.storage.registry``) keeps
them lazy, and ``mg_register_engines`` only lets plugins add more.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata as md
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pluggy

import mgcore
from mgcore import hookspecs
from mgcore.config import Settings, SettingSpec, load_settings
from mgcore.errors import ConfigurationError

log = logging.getLogger("mgcore.plugins")

PROJECT = "mgcore"
ENTRY_POINT_GROUP = "mgcore.plugins"

BUILTIN_PLUGINS: dict[str, str] = {
    "functions": "mgcore.builtin.functions",
    "procedures": "mgcore.builtin.procedures",
    "auth": "mgcore.builtin.auth",
}
"""Built-in plugins by name: module path. A module is registered as the plugin itself, unless
it defines ``create_plugin(settings)``; then the object it returns is registered by
``PluginHost.configure``."""

ESSENTIAL_PLUGINS: frozenset[str] = frozenset({"functions", "procedures", "auth"})
"""Built-ins that cannot be blocked: Cypher needs its standard functions and the ``mg.*``
procedures, and blocking ``auth`` would silently open the server."""


@dataclass(frozen=True)
class PluginInfo:
    """A registered plugin: its name and the distribution that provides it."""

    name: str
    distribution: str
    version: str


def _plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


class PluginHost:
    """The plugin manager behind one typed method per hook; core code never touches ``pm.hook``."""

    def __init__(self, pm: pluggy.PluginManager, blocked: Iterable[str] = ()) -> None:
        self.pm = pm
        self.blocked = frozenset(blocked)
        self._info: dict[str, PluginInfo] = {}
        self._factories: dict[str, Any] = {}
        self._settings: Settings | None = None
        self._entry_point_names: set[str] = set()

    @classmethod
    def create(cls, blocked: Iterable[str] = (), load_entry_points: bool = True) -> PluginHost:
        """Build the manager: specs, built-ins, entry points (minus ``blocked``), check_pending."""
        blocked = frozenset(blocked)
        essential = sorted(blocked & ESSENTIAL_PLUGINS)
        if essential:
            raise ConfigurationError(
                f"plugin {', '.join(essential)} is essential and cannot be blocked"
            )
        host = cls(_plugin_manager(), blocked)
        for name in blocked:
            host.pm.set_blocked(name)
        host._register_builtins()
        if load_entry_points:
            host._load_entry_points()
        host.check_pending()
        host._warn_unmatched_blocks()
        return host

    def _register_builtins(self) -> None:
        version = mgcore.__version__
        for name, module_name in BUILTIN_PLUGINS.items():
            if name in self.blocked:
                continue
            module = importlib.import_module(module_name)
            self._info[name] = PluginInfo(name, PROJECT, version)
            factory = getattr(module, "create_plugin", None)
            if factory is not None:
                self._factories[name] = factory
            else:
                self._register(module, name)

    def _load_entry_points(self) -> None:
        for ep in md.entry_points(group=ENTRY_POINT_GROUP):
            self._entry_point_names.add(ep.name)
            if ep.name in self.blocked:
                continue
            if ep.name in self._info:
                log.warning("plugin %r (%s) is skipped: its name is taken", ep.name, ep.value)
                continue
            dist = getattr(ep, "dist", None)
            dist_name = dist.name if dist is not None else ""
            try:
                plugin = ep.load()
            except Exception as exc:
                log.warning(
                    "plugin %r (%s, from %s) failed to load and is skipped (%s: %s); block it "
                    "with --plugins-blocked=%s",
                    ep.name,
                    ep.value,
                    dist_name or "unknown distribution",
                    type(exc).__name__,
                    exc,
                    ep.name,
                )
                log.debug("plugin %r failed to load", ep.name, exc_info=True)
                continue
            self._info[ep.name] = PluginInfo(
                ep.name, dist_name, dist.version if dist is not None else ""
            )
            self.register(plugin, ep.name)

    def _warn_unmatched_blocks(self) -> None:
        known = set(BUILTIN_PLUGINS) | self._entry_point_names
        for name in sorted(self.blocked - known):
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            log.warning("blocked plugin %r is not installed%s", name, hint)

    def register(self, plugin: Any, name: str | None = None) -> str | None:
        """Register a plugin (module or instance) for tests and embedding; a hook implementation
        with arguments its spec lacks is a ConfigurationError. None if the name is blocked."""
        if name in BUILTIN_PLUGINS:
            raise ConfigurationError(f"plugin name {name} is reserved for a built-in plugin")
        return self._register(plugin, name)

    def _register(self, plugin: Any, name: str | None) -> str | None:
        try:
            registered = self.pm.register(plugin, name)
        except pluggy.PluginValidationError as exc:
            label = name or self.pm.get_canonical_name(plugin)
            detail = " ".join(str(exc).split())
            raise ConfigurationError(
                f"plugin {label} has an invalid hook implementation ({detail}); block it with "
                f"--plugins-blocked={label}"
            ) from None
        except ValueError as exc:
            label = name or self.pm.get_canonical_name(plugin)
            raise ConfigurationError(f"plugin {label} cannot be registered: {exc}") from None
        if registered is not None and registered not in self._info:
            self._info[registered] = _describe(plugin, registered)
        return registered

    def unregister(self, name: str) -> None:
        """Remove a plugin registered under ``name`` (tests)."""
        self.pm.unregister(name=name)
        self._info.pop(name, None)

    def check_pending(self) -> None:
        """Raise ConfigurationError for hook implementations that match no hook (typos)."""
        callers = {
            name: caller
            for name, caller in vars(self.pm.hook).items()
            if isinstance(caller, pluggy.HookCaller)
        }
        known = sorted(name for name, caller in callers.items() if caller.spec is not None)
        for name, caller in callers.items():
            if caller.spec is not None:
                continue
            for impl in caller.get_hookimpls():
                if impl.optionalhook:
                    continue
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                raise ConfigurationError(
                    f"plugin {impl.plugin_name} implements unknown hook {name}{hint} (block "
                    f"it with --plugins-blocked={impl.plugin_name})"
                )
        self.pm.check_pending()

    def configure(self, settings: Settings) -> None:
        """Register the built-ins that need the resolved settings (their ``create_plugin``)."""
        self._settings = settings
        for name, factory in self._factories.items():
            if self.pm.get_plugin(name) is None:
                self._register(factory(settings), name)
        self.check_pending()

    @property
    def settings(self) -> Settings | None:
        """The settings given to ``configure``, if any."""
        return self._settings

    def plugins(self) -> list[PluginInfo]:
        """Registered plugins with their distribution and version, built-ins first."""
        return list(self._info.values())

    # -- the typed facade: one method per hook ----------------------------------------------

    def add_config(self) -> list[SettingSpec]:
        """Every setting plugins declare (``mg_add_config``), flattened."""
        specs: list[SettingSpec] = []
        for result in self.pm.hook.mg_add_config():
            specs.extend(result or ())
        return specs

    def register_engines(self, registry: Any) -> None:
        """Let plugins add storage engines to ``registry``."""
        self.pm.hook.mg_register_engines(registry=registry)

    def register_functions(self, registry: Any) -> None:
        """Let plugins (and built-ins) add Cypher functions to ``registry``."""
        self.pm.hook.mg_register_functions(registry=registry)

    def register_procedures(self, registry: Any) -> None:
        """Let plugins (and built-ins) add procedures to ``registry``."""
        self.pm.hook.mg_register_procedures(registry=registry)

    def database_opened(self, database: Any) -> None:
        """Tell plugins the database is open; their exceptions propagate (open fails)."""
        self.pm.hook.mg_database_opened(database=database)

    def database_closing(self, database: Any) -> None:
        """Tell plugins the database closes; exceptions are logged so closing completes."""
        self._notify(self.pm.hook.mg_database_closing, database=database)

    @property
    def has_commit_hooks(self) -> bool:
        """Whether any plugin listens at commit, so the commit path can skip both calls."""
        hook = self.pm.hook
        return bool(hook.mg_before_commit.get_hookimpls() or hook.mg_after_commit.get_hookimpls())

    def before_commit(self, database: Any, transaction: Any) -> None:
        """Run before-commit hooks; an exception aborts the commit and propagates."""
        caller = self.pm.hook.mg_before_commit
        if caller.get_hookimpls():
            caller(database=database, transaction=transaction)

    def after_commit(self, database: Any, transaction: Any) -> None:
        """Run after-commit hooks; exceptions are logged, since the commit has happened."""
        caller = self.pm.hook.mg_after_commit
        if caller.get_hookimpls():
            self._notify(caller, database=database, transaction=transaction)

    def schema_changed(self, database: Any, change: Any) -> None:
        """Tell plugins an index or constraint changed; exceptions are logged."""
        self._notify(self.pm.hook.mg_schema_changed, database=database, change=change)

    def snapshot_created(self, database: Any, path: str) -> None:
        """Tell plugins a snapshot file was written; exceptions are logged."""
        self._notify(self.pm.hook.mg_snapshot_created, database=database, path=path)

    def authenticate(self, username: str, password: str, scheme: str) -> bool | None:
        """True to accept, False to reject, None when no plugin has an opinion (accept)."""
        result = self.pm.hook.mg_authenticate(username=username, password=password, scheme=scheme)
        return None if result is None else bool(result)

    @staticmethod
    def _notify(caller: pluggy.HookCaller, **kwargs: Any) -> None:
        try:
            caller(**kwargs)
        except Exception:
            log.exception("plugin hook %s failed", caller.name)


def _describe(plugin: Any, name: str) -> PluginInfo:
    """Find the distribution that ships ``plugin`` from its top-level package."""
    module = getattr(plugin, "__module__", None) or getattr(plugin, "__name__", "")
    top = str(module).split(".")[0]
    for dist_name in md.packages_distributions().get(top, ()):
        try:
            return PluginInfo(name, dist_name, md.version(dist_name))
        except md.PackageNotFoundError:
            continue
    return PluginInfo(name, "", "")


def bootstrap(
    argv: Sequence[str] | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    load_entry_points: bool = True,
) -> tuple[PluginHost, Settings]:
    """Resolve settings and plugins together: a lenient first pass reads ``plugins_blocked``,
    the host loads the other plugins, then settings are resolved strictly with their specs."""
    first = load_settings(argv, overrides=overrides, env=env, strict=False)
    host = PluginHost.create(first.plugins_blocked, load_entry_points=load_entry_points)
    settings = load_settings(argv, overrides=overrides, env=env, extra_specs=host.add_config())
    host.configure(settings)
    return host, settings


__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "ESSENTIAL_PLUGINS",
    "PluginHost",
    "PluginInfo",
    "bootstrap",
]
