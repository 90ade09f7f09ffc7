"""Settings: names, defaults, the four sources and their precedence, conversion, suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

from mgcore.config import KERNEL_SETTINGS, SettingSpec, describe_settings, load_settings
from mgcore.errors import ConfigurationError


def settings(argv: list[str] | None = None, env: dict[str, str] | None = None, **overrides):
    return load_settings(argv, env=env or {}, overrides=overrides)


def write(tmp_path: Path, text: str, name: str = "mgcore.toml") -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


# -- names and defaults ------------------------------------------------------------------------


def test_defaults_follow_memgraph_and_its_packaged_conf():
    s = settings()
    assert s.storage_mode == "IN_MEMORY_TRANSACTIONAL"
    assert s.data_directory == "mg_data"
    assert s.storage_wal_enabled is True
    assert s.storage_snapshot_interval_sec == 300
    assert s.storage_snapshot_retention_count == 3
    assert s.storage_snapshot_on_exit is True
    assert s.data_recovery_on_startup is True
    assert s.storage_properties_on_edges is True
    assert s.isolation_level == "SNAPSHOT_ISOLATION"
    assert s.bolt_address == "127.0.0.1"
    assert s.bolt_port == 7687
    assert s.query_execution_timeout_sec == 600
    assert s.log_level == "WARNING"
    assert s.storage_gc_cycle_sec == 30
    assert s.memory_limit == 0
    assert s.auth_user == "" and s.auth_password == ""
    assert s.plugins_blocked == []
    assert s.config == ""
    assert all(s.source(name) == "default" for name in s)


def test_spec_spellings():
    spec = SettingSpec("storage_wal_enabled", bool, True, "x")
    assert spec.flag == "--storage-wal-enabled"
    assert spec.env_var == "MGCORE_STORAGE_WAL_ENABLED"
    with pytest.raises(ValueError):
        SettingSpec("storage-wal-enabled", bool, True, "x")
    with pytest.raises(ValueError):
        SettingSpec("thing", dict, {}, "x")


def test_settings_mapping_and_attribute_access():
    s = settings()
    assert s["bolt_port"] == s.bolt_port == 7687
    assert "bolt_port" in s
    assert len(s) == len(KERNEL_SETTINGS)
    assert list(s.specs()) == [spec.name for spec in KERNEL_SETTINGS]
    copy = s.as_dict()
    copy["plugins_blocked"].append("x")
    assert s.plugins_blocked == []
    with pytest.raises(AttributeError, match="did you mean bolt_port"):
        _ = s.bolt_prot
    with pytest.raises(KeyError, match="did you mean bolt_port"):
        _ = s["bolt_prot"]


def test_repr_hides_the_password():
    s = settings(auth_user="alice", auth_password="secret")
    assert "secret" not in repr(s)
    assert "alice" in repr(s)


# -- command-line flags ------------------------------------------------------------------------


def test_flag_forms():
    s = settings(["--bolt-port=7688", "--data-directory", "/tmp/x", "--storage-wal-enabled"])
    assert s.bolt_port == 7688
    assert s.data_directory == "/tmp/x"
    assert s.storage_wal_enabled is True
    assert s.source("bolt_port") == "flag"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
        ("Yes", True),
        ("false", False),
        ("False", False),
        ("0", False),
        ("no", False),
        ("NO", False),
    ],
)
def test_boolean_forms(text, expected):
    assert settings([f"--storage-wal-enabled={text}"]).storage_wal_enabled is expected
    assert settings(["--storage-wal-enabled", text]).storage_wal_enabled is expected
    assert settings(env={"MGCORE_STORAGE_WAL_ENABLED": text}).storage_wal_enabled is expected


def test_bare_boolean_does_not_swallow_the_next_flag():
    s = settings(["--storage-snapshot-on-exit", "--bolt-port", "1"])
    assert s.storage_snapshot_on_exit is True
    assert s.bolt_port == 1


def test_later_flag_wins():
    assert settings(["--bolt-port=1", "--bolt-port=2"]).bolt_port == 2


def test_flag_without_value_is_an_error():
    with pytest.raises(ConfigurationError, match="--bolt-port needs a value"):
        settings(["--bolt-port"])


def test_positional_argument_is_an_error():
    with pytest.raises(ConfigurationError, match="unexpected argument 'console'"):
        settings(["console"])


def test_flag_values_may_start_with_a_dash():
    assert settings(["--auth-password", "-secret"]).auth_password == "-secret"


# -- environment -------------------------------------------------------------------------------


def test_environment_prefix():
    s = settings(env={"MGCORE_BOLT_PORT": "9999", "MGCORE_LOG_LEVEL": "debug", "HOME": "/x"})
    assert s.bolt_port == 9999
    assert s.log_level == "DEBUG"
    assert s.source("bolt_port") == "env"


def test_environment_defaults_to_os_environ(monkeypatch):
    monkeypatch.setenv("MGCORE_BOLT_PORT", "1234")
    assert load_settings().bolt_port == 1234


# -- config file -------------------------------------------------------------------------------


def test_config_file_accepts_dashes_and_underscores(tmp_path):
    path = write(
        tmp_path,
        'storage-mode = "ON_DISK_TRANSACTIONAL"\n'
        "storage_wal_enabled = false\n"
        "bolt-port = 7777\n"
        'plugins-blocked = ["a", "b"]\n',
    )
    s = settings([f"--config={path}"])
    assert s.storage_mode == "ON_DISK_TRANSACTIONAL"
    assert s.storage_wal_enabled is False
    assert s.bolt_port == 7777
    assert s.plugins_blocked == ["a", "b"]
    assert s.source("bolt_port") == "config"
    assert s.source("config") == "flag"


def test_config_file_mgcore_table_and_env_var(tmp_path):
    path = write(
        tmp_path,
        '[tool]\nirrelevant = 1\n\n[mgcore]\nbolt-port = 7001\nlog_level = "info"\n',
    )
    s = settings(env={"MGCORE_CONFIG": path})
    assert s.bolt_port == 7001
    assert s.log_level == "INFO"


def test_config_file_strings_convert_like_flags(tmp_path):
    path = write(tmp_path, 'storage-wal-enabled = "no"\nbolt-port = "7002"\n')
    s = settings(config=path)
    assert s.storage_wal_enabled is False
    assert s.bolt_port == 7002


def test_config_file_errors(tmp_path):
    with pytest.raises(ConfigurationError, match="does not exist"):
        settings(["--config", str(tmp_path / "missing.toml")])
    bad = write(tmp_path, "bolt-port = = 1\n", "bad.toml")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        settings(["--config", bad])
    nested = write(tmp_path, 'config = "other.toml"\n', "nested.toml")
    with pytest.raises(ConfigurationError, match="cannot name another config file"):
        settings(["--config", nested])
    typed = write(tmp_path, "bolt-port = true\n", "typed.toml")
    with pytest.raises(ConfigurationError, match=r"bolt-port in .*typed\.toml.*integer"):
        settings(["--config", typed])


# -- precedence --------------------------------------------------------------------------------


def test_precedence_with_every_source_at_once(tmp_path):
    path = write(
        tmp_path,
        "bolt-port = 1\nstorage-gc-cycle-sec = 1\nmemory-limit = 1\n"
        "storage-snapshot-interval-sec = 1\n",
    )
    s = load_settings(
        ["--memory-limit=3", "--storage-snapshot-interval-sec=3"],
        env={
            "MGCORE_CONFIG": path,
            "MGCORE_STORAGE_GC_CYCLE_SEC": "2",
            "MGCORE_MEMORY_LIMIT": "2",
            "MGCORE_STORAGE_SNAPSHOT_INTERVAL_SEC": "2",
        },
        overrides={"storage_snapshot_interval_sec": 4},
    )
    assert (s.bolt_port, s.source("bolt_port")) == (1, "config")
    assert (s.storage_gc_cycle_sec, s.source("storage_gc_cycle_sec")) == (2, "env")
    assert (s.memory_limit, s.source("memory_limit")) == (3, "flag")
    assert (s.storage_snapshot_interval_sec, s.source("storage_snapshot_interval_sec")) == (
        4,
        "override",
    )
    assert (s.storage_snapshot_retention_count, s.source("storage_snapshot_retention_count")) == (
        3,
        "default",
    )


def test_config_path_itself_follows_precedence(tmp_path):
    low = write(tmp_path, "bolt-port = 1\n", "low.toml")
    high = write(tmp_path, "bolt-port = 2\n", "high.toml")
    assert settings(["--config", high], env={"MGCORE_CONFIG": low}).bolt_port == 2
    assert settings(["--config", low], config=high).bolt_port == 2


def test_non_default_and_replace():
    s = settings(["--bolt-port=1"], env={"MGCORE_LOG_LEVEL": "ERROR"})
    assert s.non_default() == {"bolt_port": 1, "log_level": "ERROR"}
    t = s.replace(storage_mode="IN_MEMORY_ANALYTICAL")
    assert t.storage_mode == "IN_MEMORY_ANALYTICAL" and t.source("storage_mode") == "override"
    assert s.storage_mode == "IN_MEMORY_TRANSACTIONAL"
    with pytest.raises(ConfigurationError, match="did you mean storage_mode"):
        s.replace(storage_mod="x")


# -- suggestions for typos in every source -----------------------------------------------------


def test_typo_in_flag():
    with pytest.raises(
        ConfigurationError,
        match=r"unknown setting --storage-wal-enable; did you mean --storage-wal-enabled\?",
    ):
        settings(["--storage-wal-enable"])


def test_typo_in_env():
    with pytest.raises(
        ConfigurationError,
        match=r"unknown setting MGCORE_BOLT_PROT; did you mean MGCORE_BOLT_PORT\?",
    ):
        settings(env={"MGCORE_BOLT_PROT": "1"})


def test_lower_case_env_var_is_rejected_with_the_right_spelling():
    with pytest.raises(ConfigurationError, match="did you mean MGCORE_BOLT_PORT"):
        settings(env={"MGCORE_bolt_port": "1"})


def test_typo_in_config_file(tmp_path):
    path = write(tmp_path, "storage-snapshot-interval = 5\n")
    with pytest.raises(ConfigurationError, match="did you mean storage_snapshot_interval_sec"):
        settings(["--config", path])


def test_typo_in_connect_keyword():
    with pytest.raises(ConfigurationError, match="did you mean data_directory"):
        settings(data_dir="x")


def test_unknown_without_close_match_has_no_suggestion():
    with pytest.raises(ConfigurationError) as info:
        settings(["--zzzzzzzz"])
    assert "did you mean" not in str(info.value)


# -- conversion and validation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--bolt-port=abc"], r"--bolt-port: expected an integer, got 'abc'"),
        (["--bolt-port=1.5"], "expected an integer"),
        (["--bolt-port=70000"], "above the maximum 65535"),
        (["--memory-limit=-1"], "below the minimum 0"),
        (["--storage-snapshot-retention-count=0"], "below the minimum 1"),
        (["--storage-wal-enabled=maybe"], "expected a boolean"),
        (["--query-execution-timeout-sec=soon"], "expected a number"),
        (["--isolation-level=SERIALIZABLE"], "not one of SNAPSHOT_ISOLATION, READ_COMMITTED"),
        (["--log-level=LOUD"], "not one of TRACE, DEBUG"),
    ],
)
def test_type_errors(argv, message):
    with pytest.raises(ConfigurationError, match=message):
        settings(argv)


def test_override_type_errors():
    with pytest.raises(ConfigurationError, match="bolt_port: expected an integer"):
        settings(bolt_port="x")
    with pytest.raises(ConfigurationError, match="storage_wal_enabled: expected a boolean"):
        settings(storage_wal_enabled="perhaps")
    with pytest.raises(ConfigurationError, match="expected a string"):
        settings(data_directory=3)


def test_choices_ignore_case_and_separators():
    assert settings(["--isolation-level=read-committed"]).isolation_level == "READ_COMMITTED"
    assert settings(isolation_level="read uncommitted").isolation_level == "READ_UNCOMMITTED"


def test_numbers_and_lists():
    s = settings(["--query-execution-timeout-sec=0.5", "--plugins-blocked=a, b,,c"])
    assert s.query_execution_timeout_sec == 0.5
    assert s.plugins_blocked == ["a", "b", "c"]
    assert settings(plugins_blocked=("x",)).plugins_blocked == ["x"]
    assert settings(query_execution_timeout_sec=2).query_execution_timeout_sec == 2.0
    with pytest.raises(ConfigurationError, match="list of strings"):
        settings(plugins_blocked=[1])


# -- plugin settings ---------------------------------------------------------------------------


def test_extra_specs_from_plugins():
    extra = [SettingSpec("rocks_block_cache_mb", int, 64, "cache", minimum=1)]
    s = load_settings(["--rocks-block-cache-mb=128"], env={}, extra_specs=extra)
    assert s.rocks_block_cache_mb == 128
    assert "rocks_block_cache_mb" in s.specs()
    with pytest.raises(ConfigurationError, match="did you mean --rocks-block-cache-mb"):
        load_settings(["--rocks-block-cache=1"], env={}, extra_specs=extra)


def test_extra_spec_may_not_redefine_a_kernel_setting():
    with pytest.raises(ConfigurationError, match="--bolt-port is declared twice"):
        load_settings([], env={}, extra_specs=[SettingSpec("bolt_port", int, 1, "x")])


def test_lenient_pass_skips_unknown_names(tmp_path):
    path = write(tmp_path, "plugin-thing = 1\n")
    s = load_settings(
        ["--plugin-flag", "v", "--plugins-blocked=x", "--plugin-bool"],
        env={"MGCORE_PLUGIN_OPTION": "1", "MGCORE_CONFIG": path},
        overrides={"plugin_kw": 1},
        strict=False,
    )
    assert s.plugins_blocked == ["x"]
    assert "plugin_flag" not in s


def test_describe_settings_lists_flags_and_defaults():
    text = describe_settings(KERNEL_SETTINGS)
    assert "--storage-wal-enabled=true" in text
    assert '--auth-user=""' in text
    assert "One of: SNAPSHOT_ISOLATION" in text


def test_tool_variables_are_not_settings():
    """MGCORE_TCK and MGCORE_CONFORMANCE_ENGINE configure the conformance suite; a database
    opened with them in the environment must not refuse them as unknown settings."""
    s = load_settings([], env={"MGCORE_TCK": "/tck", "MGCORE_CONFORMANCE_ENGINE": "X"})
    assert "tck" not in s and "conformance_engine" not in s
    with pytest.raises(ConfigurationError, match="MGCORE_TCKK"):
        load_settings([], env={"MGCORE_TCKK": "/tck"})
