"""The plugin host: built-ins, entry points, blocking, check_pending and the typed facade."""

from __future__ import annotations

import itertools
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import mgcore
from mgcore.config import SettingSpec
from mgcore.cypher.functions import Function, FunctionRegistry
from mgcore.cypher.procedures import ProcedureRegistry
from mgcore.errors import ClientError, ConfigurationError
from mgcore.plugins import PluginHost, PluginInfo, bootstrap
from mgcore.storage.registry import EngineRegistry

_counter = itertools.count()


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Install a fake distribution whose modules are plugins in the ``mgcore.plugins`` group:
    ``install({"name": "module source"})`` returns the entry-point name -> module name map."""

    def _install(plugins: dict[str, str], dist: str = "mgcore-fake") -> dict[str, str]:
        n = next(_counter)
        root = tmp_path / f"site{n}"
        root.mkdir()
        modules = {}
        for name, source in plugins.items():
            module = f"mgcore_fake_{name.replace('-', '_')}_{n}"
            (root / f"{module}.py").write_text(textwrap.dedent(source), "utf-8")
            modules[name] = module
        info = root / f"{dist.replace('-', '_')}-1.2.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2\n", "utf-8"
        )
        lines = ["[mgcore.plugins]"] + [f"{name} = {mod}" for name, mod in modules.items()]
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n", "utf-8")
        monkeypatch.syspath_prepend(str(root))
        return modules

    return _install


GOOD = """
    import mgcore

    @mgcore.hookimpl
    def mg_authenticate(username, password):
        return username == "good"
"""


# -- built-ins ---------------------------------------------------------------------------------


def test_builtin_auth_is_listed_and_accepts_anyone_without_users():
    host, settings = bootstrap([], env={}, load_entry_points=False)
    assert PluginInfo("auth", "mgcore", mgcore.__version__) in host.plugins()
    assert host.authenticate("anyone", "anything", "basic") is None
    assert host.settings is settings


def test_builtin_auth_checks_configured_user():
    host, _ = bootstrap(["--auth-user=alice", "--auth-password=pw"], env={})
    assert host.authenticate("alice", "pw", "basic") is True
    assert host.authenticate("alice", "wrong", "basic") is False
    assert host.authenticate("bob", "pw", "basic") is False
    assert host.authenticate("alice", "pw", "none") is False


def test_a_plugin_answers_before_builtin_auth():
    host, _ = bootstrap(["--auth-user=alice", "--auth-password=pw"], env={})

    class Everyone:
        @mgcore.hookimpl
        def mg_authenticate(self, username):
            return True if username == "root" else None

    host.register(Everyone(), "everyone")
    assert host.authenticate("root", "", "basic") is True
    assert host.authenticate("alice", "pw", "basic") is True
    assert host.authenticate("eve", "pw", "basic") is False


def test_standard_functions_are_a_builtin_plugin():
    host = PluginHost.create(load_entry_points=False)
    assert PluginInfo("functions", "mgcore", mgcore.__version__) in host.plugins()
    registry = FunctionRegistry()
    host.register_functions(registry)
    assert "tolower" in registry and registry.is_aggregate("count")


def test_creating_the_host_does_not_import_cypher():
    code = "import sys; from mgcore.plugins import bootstrap; bootstrap(env={}); " + (
        "print(sorted(m for m in sys.modules if m.startswith('mgcore.cypher')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stderr


@pytest.mark.parametrize("name", ["auth", "functions", "procedures"])
def test_essential_builtin_cannot_be_blocked(name):
    with pytest.raises(ConfigurationError, match=f"{name} is essential"):
        PluginHost.create(blocked=[name])
    with pytest.raises(ConfigurationError, match="auth is essential"):
        bootstrap(env={"MGCORE_PLUGINS_BLOCKED": "auth"})


def test_blockable_builtin(monkeypatch):
    module = "tests_builtin_probe"
    monkeypatch.setitem(
        __import__("sys").modules, module, type(__import__("sys"))(module, "a probe plugin")
    )
    monkeypatch.setitem(mgcore.plugins.BUILTIN_PLUGINS, "probe", module)
    assert "probe" in [p.name for p in PluginHost.create(load_entry_points=False).plugins()]
    host = PluginHost.create(blocked=["probe"], load_entry_points=False)
    assert "probe" not in [p.name for p in host.plugins()]
    assert not host.pm.has_plugin("probe")


# -- entry points ------------------------------------------------------------------------------


def test_entry_point_plugin_is_loaded_with_its_distribution(install):
    install({"good": GOOD}, dist="mgcore-good")
    host = PluginHost.create()
    assert PluginInfo("good", "mgcore-good", "1.2") in host.plugins()
    assert host.authenticate("good", "", "basic") is True
    assert PluginHost.create(load_entry_points=False).authenticate("good", "", "basic") is None


def test_blocked_entry_point_is_not_imported(install):
    modules = install({"good": GOOD})
    host = PluginHost.create(blocked=["good"])
    assert "good" not in [p.name for p in host.plugins()]
    assert modules["good"] not in __import__("sys").modules
    assert host.authenticate("good", "", "basic") is None


def test_blocking_through_settings(install):
    install({"good": GOOD})
    host, settings = bootstrap(["--plugins-blocked=good"], env={})
    assert settings.plugins_blocked == ["good"]
    assert "good" not in [p.name for p in host.plugins()]
    host, _ = bootstrap(env={"MGCORE_PLUGINS_BLOCKED": "good"})
    assert "good" not in [p.name for p in host.plugins()]


def test_failing_plugin_is_skipped_with_a_log_message(install, caplog):
    install({"broken": "raise ImportError('needs libfoo')\n", "good": GOOD})
    with caplog.at_level(logging.WARNING, logger="mgcore.plugins"):
        host = PluginHost.create()
    assert "good" in [p.name for p in host.plugins()]
    assert "broken" not in [p.name for p in host.plugins()]
    messages = [r.getMessage() for r in caplog.records]
    assert any(
        "'broken'" in m
        and "failed to load and is skipped" in m
        and "needs libfoo" in m
        and "--plugins-blocked=broken" in m
        for m in messages
    ), messages


def test_blocking_an_unknown_plugin_warns_with_a_suggestion(install, caplog):
    install({"good": GOOD})
    with caplog.at_level(logging.WARNING, logger="mgcore.plugins"):
        PluginHost.create(blocked=["goood"])
    assert any(
        "'goood' is not installed; did you mean good?" in r.getMessage() for r in caplog.records
    )


def test_misspelt_hookimpl_in_entry_point_is_an_error(install):
    install(
        {
            "typo": """
                import mgcore

                @mgcore.hookimpl
                def mg_after_comit(database, transaction):
                    pass
            """
        }
    )
    with pytest.raises(
        ConfigurationError,
        match=r"plugin typo implements unknown hook mg_after_comit; did you mean mg_after_commit\? "
        r"\(block it with --plugins-blocked=typo\)",
    ):
        PluginHost.create()
    assert PluginHost.create(blocked=["typo"])


def test_misspelt_hookimpl_registered_later_is_caught_by_check_pending():
    host = PluginHost.create(load_entry_points=False)

    class Typo:
        @mgcore.hookimpl
        def mg_database_opend(self, database):
            pass

    host.register(Typo(), "typo")
    with pytest.raises(ConfigurationError, match="did you mean mg_database_opened"):
        host.check_pending()


def test_optional_hook_of_another_plugin_is_not_an_error():
    host = PluginHost.create(load_entry_points=False)

    class Optional:
        @mgcore.hookimpl(optionalhook=True)
        def mg_replication_lag(self):
            pass

    host.register(Optional(), "optional")
    host.check_pending()


def test_hookimpl_with_unknown_argument_is_an_error():
    host = PluginHost.create(load_entry_points=False)

    class Wrong:
        @mgcore.hookimpl
        def mg_after_commit(self, database, tx):
            pass

    with pytest.raises(ConfigurationError, match="plugin wrong has an invalid hook"):
        host.register(Wrong(), "wrong")


def test_registering_a_blocked_name_is_ignored():
    host = PluginHost.create(blocked=["later"], load_entry_points=False)
    assert host.register(object(), "later") is None


# -- the facade --------------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    @mgcore.hookimpl
    def mg_database_opened(self, database):
        self.calls.append(("opened", database))

    @mgcore.hookimpl
    def mg_database_closing(self, database):
        self.calls.append(("closing", database))
        raise RuntimeError("closing failed")

    @mgcore.hookimpl
    def mg_before_commit(self, database, transaction):
        self.calls.append(("before", transaction))
        if transaction == "bad":
            raise ClientError("refused")

    @mgcore.hookimpl
    def mg_after_commit(self, transaction):
        self.calls.append(("after", transaction))
        raise RuntimeError("audit log down")

    @mgcore.hookimpl
    def mg_schema_changed(self, change):
        self.calls.append(("schema", change))

    @mgcore.hookimpl
    def mg_snapshot_created(self, path):
        self.calls.append(("snapshot", path))

    @mgcore.hookimpl
    def mg_register_functions(self, registry):
        registry.register(Function("double", lambda x: 2 * x, 1, 1), replace=True)

    @mgcore.hookimpl
    def mg_register_procedures(self, registry):
        registry.add("demo.hello() :: (greeting :: STRING)", lambda ctx: [("hello",)])


def test_commit_hooks_are_skipped_when_nobody_listens():
    host = PluginHost.create(load_entry_points=False)
    assert host.has_commit_hooks is False
    host.before_commit("db", "tx")
    host.after_commit("db", "tx")
    recorder = Recorder()
    host.register(recorder, "recorder")
    assert host.has_commit_hooks is True
    host.unregister("recorder")
    assert host.has_commit_hooks is False
    assert "recorder" not in [p.name for p in host.plugins()]


def test_facade_calls_and_error_policy(caplog):
    host = PluginHost.create(load_entry_points=False)
    recorder = Recorder()
    host.register(recorder, "recorder")
    host.database_opened("db")
    host.before_commit("db", "tx")
    with pytest.raises(ClientError, match="refused"):
        host.before_commit("db", "bad")
    with caplog.at_level(logging.ERROR, logger="mgcore.plugins"):
        host.after_commit("db", "tx")
        host.database_closing("db")
    host.schema_changed("db", "index created")
    host.snapshot_created("db", "/snap/1")
    functions = FunctionRegistry()
    procedures = ProcedureRegistry()
    host.register_functions(functions)
    host.register_procedures(procedures)
    double = functions.lookup("double")
    assert double is not None and double.impl(2) == 4
    assert list(procedures.lookup("demo.hello").impl(None)) == [("hello",)]
    assert "mg.procedures" in procedures
    assert recorder.calls == [
        ("opened", "db"),
        ("before", "tx"),
        ("before", "bad"),
        ("after", "tx"),
        ("closing", "db"),
        ("schema", "index created"),
        ("snapshot", "/snap/1"),
    ]
    logged = [r.getMessage() for r in caplog.records]
    assert "plugin hook mg_after_commit failed" in logged
    assert "plugin hook mg_database_closing failed" in logged


def test_add_config_and_bootstrap_resolve_plugin_settings():
    class Tuning:
        @mgcore.hookimpl
        def mg_add_config(self):
            return [SettingSpec("fake_cache_mb", int, 64, "cache size")]

    class Silent:
        @mgcore.hookimpl
        def mg_add_config(self):
            return None

    host = PluginHost.create(load_entry_points=False)
    host.register(Tuning(), "tuning")
    host.register(Silent(), "silent")
    assert [spec.name for spec in host.add_config()] == ["fake_cache_mb"]


def test_bootstrap_with_entry_point_settings(install):
    install(
        {
            "tuning": """
                import mgcore
                from mgcore.config import SettingSpec

                @mgcore.hookimpl
                def mg_add_config():
                    return [SettingSpec("fake_cache_mb", int, 64, "cache size")]
            """
        }
    )
    _, settings = bootstrap(["--fake-cache-mb=8"], env={"MGCORE_BOLT_PORT": "1"})
    assert settings.fake_cache_mb == 8 and settings.bolt_port == 1
    with pytest.raises(ConfigurationError, match="did you mean --fake-cache-mb"):
        bootstrap(["--fake-cache=8"], env={})
    _, blocked = bootstrap(["--plugins-blocked=tuning"], env={})
    assert "fake_cache_mb" not in blocked


def test_register_engines_adds_to_the_registry():
    class Engines:
        @mgcore.hookimpl
        def mg_register_engines(self, registry):
            registry.register("FAKE_MODE", "fake_module:FakeEngine")

    host = PluginHost.create(load_entry_points=False)
    host.register(Engines(), "engines")
    registry = EngineRegistry(discover=False)
    host.register_engines(registry)
    assert registry.names() == ["FAKE_MODE"]
    assert "fake_module" not in __import__("sys").modules


def test_builtin_names_are_reserved():
    host = PluginHost.create(load_entry_points=False)
    with pytest.raises(ConfigurationError, match="reserved for a built-in"):
        host.register(object(), "auth")


def test_builtin_auth_checks_users_from_the_config_file(tmp_path):
    config = tmp_path / "mgcore.toml"
    config.write_text('auth_users = ["alice:pw", "bob:p:w"]\n')
    host, settings = bootstrap([f"--config={config}"], env={})
    assert host.authenticate("alice", "pw", "basic") is True
    assert host.authenticate("bob", "p:w", "basic") is True
    assert host.authenticate("bob", "p", "basic") is False
    assert host.authenticate("carol", "pw", "basic") is False
    assert "auth_users='***'" in repr(settings) and "p:w" not in repr(settings)


def test_malformed_auth_users_entry_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="user:password"):
        bootstrap(["--auth-users=alice"], env={})
