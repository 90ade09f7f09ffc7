"""Settings: Memgraph's flag names, resolved from defaults < config file < MGCORE_* env < flags.

Every setting has one name with underscores (``storage_wal_enabled``); on the command line it is
spelt with dashes (``--storage-wal-enabled``), in the environment with the ``MGCORE_`` prefix in
upper case (``MGCORE_STORAGE_WAL_ENABLED``), and in a TOML config file in either form, optionally
under an ``[mgcore]`` table. Keyword arguments of ``mgcore.connect()`` are applied last, above the
command line. Engines and other plugins add settings through the ``mg_add_config`` hook.

An unknown or misspelt name in any source is a ``ConfigurationError`` that suggests the closest
known name, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mgcore.errors import ConfigurationError

ENV_PREFIX = "MGCORE_"
CONFIG_TABLE = "mgcore"

TOOL_VARIABLES = frozenset({"MGCORE_TCK", "MGCORE_CONFORMANCE_ENGINE", "MGCORE_CRASH_RUNS"})
"""``MGCORE_*`` variables that configure tools (the conformance suite), not the database."""

SOURCES = ("default", "config", "env", "flag", "override")
"""Where a value can come from, in increasing precedence."""

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
_TYPES: tuple[type, ...] = (bool, int, float, str, list)


@dataclass(frozen=True)
class SettingSpec:
    """One setting: its underscore name, Python type, default, help text and allowed values.

    ``type`` is one of ``bool``, ``int``, ``float``, ``str`` or ``list`` (a list of strings).
    ``choices`` restricts a ``str`` (or each element of a ``list``); matching ignores case and
    treats ``-`` and ``_`` alike, and the value is stored in the spelling of ``choices``.
    ``minimum``/``maximum`` bound an ``int`` or ``float``.
    """

    name: str
    type: type
    default: Any
    help: str
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    def __post_init__(self) -> None:
        if not self.name or self.name != self.name.lower() or "-" in self.name:
            raise ValueError(f"setting name {self.name!r} must be lower case with underscores")
        if self.type not in _TYPES:
            raise ValueError(f"setting {self.name}: unsupported type {self.type!r}")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))

    @property
    def flag(self) -> str:
        """The command-line spelling, ``--storage-wal-enabled``."""
        return "--" + self.name.replace("_", "-")

    @property
    def env_var(self) -> str:
        """The environment variable, ``MGCORE_STORAGE_WAL_ENABLED``."""
        return ENV_PREFIX + self.name.upper()

    def convert(self, value: Any, origin: str) -> Any:
        """Turn a raw value (text from a flag or env var, or a TOML/Python value) into this
        setting's type, raising ConfigurationError that names ``origin`` on failure."""
        try:
            converted = _convert(self, value)
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(f"invalid value for {origin}: {exc}") from None
        if self.type in (int, float):
            if self.minimum is not None and converted < self.minimum:
                raise ConfigurationError(
                    f"invalid value for {origin}: {converted} is below the minimum "
                    f"{_number(self.minimum)}"
                )
            if self.maximum is not None and converted > self.maximum:
                raise ConfigurationError(
                    f"invalid value for {origin}: {converted} is above the maximum "
                    f"{_number(self.maximum)}"
                )
        return converted


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _convert(spec: SettingSpec, value: Any) -> Any:
    kind = spec.type
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = value.strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise ValueError(f"expected a boolean (true/false, 1/0, yes/no), got {value!r}")
    if kind is int:
        if isinstance(value, bool | float):
            raise ValueError(f"expected an integer, got {value!r}")
        if isinstance(value, int):
            return value
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise ValueError(f"expected an integer, got {value!r}")
    if kind is float:
        if isinstance(value, bool):
            raise ValueError(f"expected a number, got {value!r}")
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        raise ValueError(f"expected a number, got {value!r}")
    if kind is str:
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {value!r}")
        return _choose(spec, value) if spec.choices else value
    items: list[Any]
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",")]
        items = [part for part in items if part]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ValueError(f"expected a list of strings or comma-separated text, got {value!r}")
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"expected a list of strings, got element {item!r}")
    return [_choose(spec, item) for item in items] if spec.choices else items


def _choose(spec: SettingSpec, value: str) -> str:
    assert spec.choices is not None
    key = _choice_key(value)
    for choice in spec.choices:
        if _choice_key(choice) == key:
            return choice
    raise ValueError(f"{value!r} is not one of {', '.join(spec.choices)}")


def _choice_key(text: str) -> str:
    return text.strip().upper().replace("-", "_").replace(" ", "_")


def _spec(
    name: str,
    type: type,
    default: Any,
    help: str,
    choices: Iterable[str] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
) -> SettingSpec:
    return SettingSpec(
        name, type, default, help, tuple(choices) if choices else None, minimum, maximum
    )


_SECRET = frozenset({"auth_password", "auth_users"})
"""Settings whose values are never shown."""

ISOLATION_LEVELS = ("SNAPSHOT_ISOLATION", "READ_COMMITTED", "READ_UNCOMMITTED")
LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

KERNEL_SETTINGS: tuple[SettingSpec, ...] = (
    _spec(
        "storage_mode",
        str,
        "IN_MEMORY_TRANSACTIONAL",
        "Storage mode: the name of an installed engine (see `mgcore engines`).",
    ),
    _spec("data_directory", str, "mg_data", "Directory for durable data (WAL, snapshots)."),
    _spec(
        "storage_wal_enabled",
        bool,
        True,
        "Write a write-ahead log so every committed transaction survives a crash "
        "(as the packaged memgraph.conf; the Memgraph binary defaults to false).",
    ),
    _spec(
        "storage_wal_fsync",
        str,
        "always",
        "When a commit's WAL record reaches stable storage: always (fdatasync before the commit "
        "is acknowledged, shared by concurrent commits), batch (acknowledged once written to the "
        "OS, synced within 50 ms: a process crash loses nothing, a power loss the last 50 ms) or "
        "never (synced at rotation and close). Memgraph's analogue is "
        "--storage-wal-file-flush-every-n-tx.",
        choices=("always", "batch", "never"),
    ),
    _spec(
        "storage_wal_file_size_kib",
        int,
        20480,
        "Size in KiB after which a WAL file is finalised and a new one started.",
        minimum=1,
    ),
    _spec(
        "storage_snapshot_interval_sec",
        int,
        300,
        "Seconds between periodic snapshots; 0 disables them.",
        minimum=0,
        maximum=7 * 24 * 3600,
    ),
    _spec(
        "storage_snapshot_retention_count",
        int,
        3,
        "Number of snapshots kept on disk.",
        minimum=1,
    ),
    _spec(
        "storage_snapshot_on_exit",
        bool,
        True,
        "Write a snapshot when the database closes (as the packaged memgraph.conf).",
    ),
    _spec(
        "data_recovery_on_startup",
        bool,
        True,
        "Recover snapshots and WAL from the data directory when the database opens.",
    ),
    _spec(
        "storage_properties_on_edges",
        bool,
        True,
        "Allow properties on relationships (as the packaged memgraph.conf).",
    ),
    _spec(
        "allow_load_csv",
        bool,
        True,
        "Allow LOAD CSV (Memgraph's --allow-load-csv).",
    ),
    _spec(
        "isolation_level",
        str,
        "SNAPSHOT_ISOLATION",
        "Default transaction isolation level.",
        choices=ISOLATION_LEVELS,
    ),
    _spec("bolt_address", str, "127.0.0.1", "Address the Bolt server listens on."),
    _spec("bolt_port", int, 7687, "Port the Bolt server listens on.", minimum=0, maximum=65535),
    _spec(
        "bolt_num_workers",
        int,
        256,
        "Worker threads running Bolt requests; each running query holds one, so this many "
        "queries run at once before others wait.",
        minimum=1,
    ),
    _spec(
        "bolt_session_inactivity_timeout",
        int,
        1800,
        "Seconds a Bolt connection may stay silent before the server closes it; 0: never.",
        minimum=0,
    ),
    _spec(
        "bolt_server_name_for_init",
        str,
        "Neo4j/v5.11.0 compatible graph database server - mgcore (Memgraph-compatible)",
        "Server agent sent in the Bolt HELLO reply.",
    ),
    _spec(
        "bolt_shutdown_grace_sec",
        float,
        5.0,
        "On SIGINT/SIGTERM, seconds running Bolt requests may take to finish before they are "
        "aborted (their transactions roll back).",
        minimum=0,
    ),
    _spec(
        "bolt_max_message_size_mb",
        int,
        256,
        "Largest Bolt request (a query with its parameters) in MiB; larger ones close the "
        "connection.",
        minimum=1,
    ),
    _spec(
        "query_execution_timeout_sec",
        float,
        600.0,
        "Seconds a query may run before it is aborted; 0 means no limit.",
        minimum=0,
    ),
    _spec(
        "query_plan_cache_max_size",
        int,
        1000,
        "Number of query plans kept in the plan cache (least recently used evicted first); "
        "0 disables the cache.",
        minimum=0,
    ),
    _spec("log_level", str, "WARNING", "Minimum level of log messages.", choices=LOG_LEVELS),
    _spec(
        "storage_gc_cycle_sec",
        int,
        30,
        "Seconds between garbage collection runs of the storage engine.",
        minimum=1,
    ),
    _spec(
        "memory_limit",
        int,
        0,
        "Memory limit in MiB; 0 means Memgraph's default, 90% of the memory (the container's, "
        "when lower) or all of it when swap is on.",
        minimum=0,
    ),
    _spec("auth_user", str, "", "Username clients must present; empty means no authentication."),
    _spec("auth_password", str, "", "Password of --auth-user."),
    _spec(
        "auth_users",
        list,
        [],
        "More users as user:password entries (a list in the config file, comma-separated on "
        "the command line); any user turns authentication on.",
    ),
    _spec(
        "plugins_blocked",
        list,
        [],
        "Names of plugins not to load, comma-separated (mgcore-specific).",
    ),
    _spec(
        "config",
        str,
        "",
        "TOML file of settings (also MGCORE_CONFIG); its values sit below env vars and flags.",
    ),
)


class Settings(Mapping[str, Any]):
    """Resolved settings by underscore name, readable as attributes or as a mapping; remembers
    where each value came from (``source(name)``)."""

    __slots__ = ("_sources", "_specs", "_values")

    def __init__(
        self,
        specs: Mapping[str, SettingSpec],
        values: Mapping[str, Any],
        sources: Mapping[str, str],
    ) -> None:
        self._specs = dict(specs)
        self._values = dict(values)
        self._sources = dict(sources)

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(_unknown(name, self._specs, "")) from None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(_unknown(name, self._specs, "")) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={'***' if name in _SECRET and value else value!r}"
            for name, value in self._values.items()
        )
        return f"Settings({shown})"

    def as_dict(self) -> dict[str, Any]:
        """A plain copy of every value (lists copied too, so callers cannot change this object)."""
        return {k: list(v) if isinstance(v, list) else v for k, v in self._values.items()}

    def source(self, name: str) -> str:
        """Where the value of ``name`` came from: default, config, env, flag or override."""
        try:
            return self._sources[name]
        except KeyError:
            raise KeyError(_unknown(name, self._specs, "")) from None

    def specs(self) -> dict[str, SettingSpec]:
        """The spec of every setting by name, kernel settings first, then plugin settings."""
        return dict(self._specs)

    def non_default(self) -> dict[str, Any]:
        """Values that did not come from defaults; enough to resolve the same settings again."""
        return {
            name: value
            for name, value in self.as_dict().items()
            if self._sources[name] != "default"
        }

    def replace(self, **overrides: Any) -> Settings:
        """A copy with some values replaced (validated like connect() keywords)."""
        values = dict(self._values)
        sources = dict(self._sources)
        for name, raw in overrides.items():
            spec = _lookup(name, self._specs, "")
            values[name] = spec.convert(raw, name)
            sources[name] = "override"
        return Settings(self._specs, values, sources)


def _unknown(name: str, specs: Mapping[str, SettingSpec], style: str) -> str:
    """The error text for an unknown name, suggesting the closest known one in the same style
    (``--flag``, ``MGCORE_ENV``, or underscore name)."""

    def spell(setting: str) -> str:
        if style == "flag":
            return "--" + setting.replace("_", "-")
        if style == "env":
            return ENV_PREFIX + setting.upper()
        return setting

    shown = {spell(n).lower(): spell(n) for n in specs}
    close = difflib.get_close_matches(name.lower(), list(shown), n=1, cutoff=0.6)
    message = f"unknown setting {name}"
    if close:
        message += f"; did you mean {shown[close[0]]}?"
    return message


def _lookup(name: str, specs: Mapping[str, SettingSpec], style: str) -> SettingSpec:
    key = name.replace("-", "_") if style != "env" else name
    spec = specs.get(key)
    if spec is None:
        raise ConfigurationError(_unknown(name, specs, style))
    return spec


def _merge_specs(extra_specs: Iterable[SettingSpec]) -> dict[str, SettingSpec]:
    specs = {spec.name: spec for spec in KERNEL_SETTINGS}
    for spec in extra_specs:
        if not isinstance(spec, SettingSpec):
            raise ConfigurationError(
                f"a plugin declared a setting that is no SettingSpec: {spec!r}"
            )
        if spec.name in specs:
            raise ConfigurationError(
                f"setting {spec.flag} is declared twice (a plugin may not redefine a setting)"
            )
        specs[spec.name] = spec
    return specs


def parse_flags(
    argv: Sequence[str], specs: Mapping[str, SettingSpec], *, strict: bool = True
) -> dict[str, Any]:
    """Parse ``--flag=value``, ``--flag value`` and bare boolean ``--flag`` into typed values."""
    values: dict[str, Any] = {}
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if not arg.startswith("--") or arg == "--":
            raise ConfigurationError(
                f"unexpected argument {arg!r}; settings are given as --name=value"
            )
        flag, has_value, text = arg.partition("=")
        spec = specs.get(flag[2:].replace("-", "_"))
        if spec is None:
            if strict:
                raise ConfigurationError(_unknown(flag, specs, "flag"))
            if not has_value and i < len(args) and not args[i].startswith("--"):
                i += 1
            continue
        if not has_value:
            if spec.type is bool:
                if i < len(args) and args[i].strip().lower() in _TRUE | _FALSE:
                    text = args[i]
                    i += 1
                else:
                    text = "true"
            elif i < len(args):
                text = args[i]
                i += 1
            else:
                raise ConfigurationError(f"setting {spec.flag} needs a value ({spec.flag}=VALUE)")
        values[spec.name] = spec.convert(text, spec.flag)
    return values


def parse_env(
    env: Mapping[str, str], specs: Mapping[str, SettingSpec], *, strict: bool = True
) -> dict[str, Any]:
    """Read every ``MGCORE_*`` variable; an unknown one is an error, not silently ignored."""
    values: dict[str, Any] = {}
    for var, text in env.items():
        if not var.startswith(ENV_PREFIX) or var in TOOL_VARIABLES:
            continue
        name = var[len(ENV_PREFIX) :].lower()
        spec = specs.get(name)
        if spec is None or var != spec.env_var:
            if strict:
                raise ConfigurationError(_unknown(var, specs, "env"))
            continue
        values[spec.name] = spec.convert(text, var)
    return values


def read_config_file(
    path: str, specs: Mapping[str, SettingSpec], *, strict: bool = True
) -> dict[str, Any]:
    """Read a TOML file of settings; with an ``[mgcore]`` table only that table is read."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigurationError(f"config file {path} does not exist") from None
    except OSError as exc:
        raise ConfigurationError(f"config file {path} cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"config file {path} is not valid TOML: {exc}") from None
    table = data.get(CONFIG_TABLE)
    if isinstance(table, dict):
        data = table
    values: dict[str, Any] = {}
    for key, raw in data.items():
        name = key.replace("-", "_")
        spec = specs.get(name)
        if spec is None:
            if strict:
                raise ConfigurationError(f"{path}: {_unknown(key, specs, '')}")
            continue
        if name == "config":
            raise ConfigurationError(f"{path}: a config file cannot name another config file")
        values[name] = spec.convert(raw, f"{key} in {path}")
    return values


def parse_overrides(
    overrides: Mapping[str, Any], specs: Mapping[str, SettingSpec], *, strict: bool = True
) -> dict[str, Any]:
    """Validate keyword settings (``connect(storage_mode=...)``); underscore names only."""
    values: dict[str, Any] = {}
    for name, raw in overrides.items():
        spec = specs.get(name)
        if spec is None:
            if strict:
                raise ConfigurationError(_unknown(name, specs, ""))
            continue
        values[name] = spec.convert(raw, name)
    return values


def load_settings(
    argv: Sequence[str] | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    extra_specs: Iterable[SettingSpec] = (),
    strict: bool = True,
) -> Settings:
    """Resolve every setting from defaults < config file < env < flags (``argv``) < overrides.

    ``argv`` holds only settings flags (no program name or subcommand). ``env`` defaults to
    ``os.environ``. ``extra_specs`` are settings plugins added through ``mg_add_config``. With
    ``strict=False`` unknown names are skipped instead of rejected: for a first pass that only
    needs kernel settings (``plugins_blocked``) before plugins have declared theirs.
    """
    specs = _merge_specs(extra_specs)
    environ = os.environ if env is None else env
    from_flags = parse_flags(argv or (), specs, strict=strict)
    from_env = parse_env(environ, specs, strict=strict)
    from_overrides = parse_overrides(overrides or {}, specs, strict=strict)

    config_path = ""
    for layer in (from_env, from_flags, from_overrides):
        config_path = layer.get("config", config_path)
    from_config = read_config_file(config_path, specs, strict=strict) if config_path else {}

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for spec in specs.values():
        default = spec.default
        values[spec.name] = list(default) if isinstance(default, list) else default
        sources[spec.name] = "default"
    for source, layer in (
        ("config", from_config),
        ("env", from_env),
        ("flag", from_flags),
        ("override", from_overrides),
    ):
        for name, value in layer.items():
            values[name] = value
            sources[name] = source
    return Settings(specs, values, sources)


def _gflag_text(value: Any) -> str:
    """A setting's value as Memgraph's SHOW CONFIG prints gflags: true/false, comma lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return "" if value is None else str(value)


def config_rows(settings: Settings) -> list[tuple[str, str, str, str]]:
    """``SHOW CONFIG``: each setting's name, default and current value (strings, as Memgraph
    shows its flags; secrets masked) and help, sorted by name."""
    rows = []
    for name, spec in sorted(settings.specs().items()):
        default, current = _gflag_text(spec.default), _gflag_text(settings[name])
        if name in _SECRET:
            default, current = ("***" if default else ""), ("***" if current else "")
        rows.append((name, default, current, spec.help))
    return rows


def describe_settings(specs: Iterable[SettingSpec]) -> str:
    """Help text listing each setting's flag, default and help, for ``--help`` output."""
    lines = []
    for spec in specs:
        shown = _gflag_text(spec.default) or '""'
        lines.append(f"  {spec.flag}={shown}")
        text = spec.help
        if spec.choices:
            text += f" One of: {', '.join(spec.choices)}."
        lines.append(f"      {text}")
    return "\n".join(lines)


__all__ = [
    "ENV_PREFIX",
    "KERNEL_SETTINGS",
    "SOURCES",
    "SettingSpec",
    "Settings",
    "describe_settings",
    "load_settings",
]
