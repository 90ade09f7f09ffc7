"""The ``mgcore`` command: console, serve, engines, conformance, version.

Settings flags (``--storage-mode=...``, ``--data-directory=...``) go through
``mgcore.config.load_settings``, so the command line, ``MGCORE_*`` variables, the config file and
``connect()`` share one set of names, one precedence order and the same typo suggestions.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

import mgcore
from mgcore.config import (
    KERNEL_SETTINGS,
    Settings,
    SettingSpec,
    describe_settings,
    load_settings,
)
from mgcore.errors import ConfigurationError, MgError
from mgcore.plugins import PluginHost, bootstrap
from mgcore.storage.registry import EngineEntry, EngineRegistry

SETTINGS_EPILOG = "settings (also MGCORE_<NAME> variables or a --config TOML file):\n"

_LOG_LEVELS = {"TRACE": logging.DEBUG, "CRITICAL": logging.CRITICAL}


def _plugin_settings(args: Sequence[str]) -> list[SettingSpec]:
    """The settings installed plugins declare (``mg_add_config``), for ``--help``; none when
    the other arguments are themselves wrong (the run without ``--help`` then says why)."""
    rest = [a for a in args if a not in ("-h", "--help")]
    rest.remove(next(a for a in rest if a in ("console", "serve")))
    try:
        first = load_settings(rest, strict=False)
        return PluginHost.create(first.plugins_blocked).add_config()
    except MgError:
        return []


def _parser(extra_settings: Sequence[SettingSpec] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mgcore",
        description="mgcore: a Memgraph-compatible graph database in Python.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    epilog = SETTINGS_EPILOG + describe_settings((*KERNEL_SETTINGS, *extra_settings))
    for name, text in (
        ("console", "run Cypher on an embedded database (a REPL, or queries from stdin)"),
        ("serve", "run the Bolt server"),
    ):
        commands.add_parser(
            name,
            help=text,
            description=text,
            epilog=epilog,
            usage=f"mgcore {name} [--setting=value ...]",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            allow_abbrev=False,
        )
    engines = commands.add_parser(
        "engines",
        help="list installed storage engines (without importing them)",
        usage="mgcore engines [--json] [--setting=value ...]",
        allow_abbrev=False,
    )
    engines.add_argument("--json", action="store_true", help="print JSON instead of text")
    conformance = commands.add_parser(
        "conformance",
        help="run the shared conformance suite against an engine",
        allow_abbrev=False,
    )
    conformance.add_argument("engine", help="storage-mode name or module:Class")
    conformance.add_argument(
        "pytest_args", nargs=argparse.REMAINDER, help="further arguments for pytest"
    )
    commands.add_parser("version", help="print the version")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mgcore`` console script; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    wants_help = ("-h" in args or "--help" in args) and ("console" in args or "serve" in args)
    parser = _parser(_plugin_settings(args) if wants_help else ())
    try:
        namespace, rest = parser.parse_known_args(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    command = namespace.command
    if namespace.version or command == "version":
        if rest:
            return _usage_error(rest)
        print(f"mgcore {mgcore.__version__}")
        return 0
    if command is None:
        parser.print_help(sys.stderr)
        return 2
    if command == "conformance":
        if rest:
            return _usage_error(rest)
        return _conformance(namespace.engine, namespace.pytest_args)
    try:
        host, settings = bootstrap(rest)
        _configure_logging(settings)
        if command == "engines":
            return engines(host, settings, as_json=namespace.json)
        _check_engine(host, settings)
        if command == "console":
            return console(settings)
        return serve(host, settings)
    except ConfigurationError as exc:
        print(f"mgcore: error: {exc}", file=sys.stderr)
        return 2


def _usage_error(rest: Sequence[str]) -> int:
    print(f"mgcore: error: unexpected arguments: {' '.join(rest)}", file=sys.stderr)
    return 2


def _configure_logging(settings: Settings) -> None:
    level = _LOG_LEVELS.get(settings.log_level, getattr(logging, settings.log_level, 30))
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)


def _registry(host: PluginHost) -> EngineRegistry:
    registry = EngineRegistry()
    host.register_engines(registry)
    return registry


def _check_engine(host: PluginHost, settings: Settings) -> None:
    """Fail early, naming the installed engines, when the configured one is missing."""
    _registry(host).entry(settings.storage_mode)


def _capabilities_text(caps: dict[str, Any] | None) -> list[str]:
    if caps is None:
        return ["capabilities: unknown (no capabilities.toml)"]
    supported = [k for k, v in caps.items() if v is True]
    lacking = [k for k, v in caps.items() if v is False]
    other = [
        f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in caps.items()
        if not isinstance(v, bool)
    ]
    lines = []
    if supported:
        lines.append("supports: " + ", ".join(supported))
    if lacking:
        lines.append("lacks:    " + ", ".join(lacking))
    if other:
        lines.append("details:  " + ", ".join(other))
    return lines


def _engine_dict(entry: EngineEntry, configured: str) -> dict[str, Any]:
    target = (
        entry.target
        if isinstance(entry.target, str)
        else (f"{entry.target.__module__}:{entry.target.__qualname__}")
    )
    return {
        "name": entry.name,
        "distribution": entry.distribution,
        "version": entry.version,
        "target": target,
        "configured": entry.name == configured,
        "capabilities": entry.capabilities(),
    }


def engines(host: PluginHost, settings: Settings, *, as_json: bool = False) -> int:
    """``mgcore engines``: installed engines from metadata and capabilities.toml, none imported."""
    entries = list(_registry(host).entries())
    described = [_engine_dict(entry, settings.storage_mode) for entry in entries]
    if as_json:
        print(json.dumps(described, indent=2))
        return 0
    if not described:
        print(
            "No storage engines are installed. Install one, e.g. "
            "`pip install mgcore-engine-in-memory-tx`."
        )
        return 0
    for info in described:
        mark = "  (configured)" if info["configured"] else ""
        print(f"{info['name']}{mark}")
        origin = info["distribution"] or "registered in-process"
        if info["version"]:
            origin += f" {info['version']}"
        print(f"  distribution: {origin}")
        print(f"  target:       {info['target']}")
        for line in _capabilities_text(info["capabilities"]):
            print(f"  {line}")
    return 0


def console(settings: Settings) -> int:
    """``mgcore console``: open the configured database and run the REPL or stdin script."""
    from mgcore.console import run_console
    from mgcore.database import Database

    try:
        database = Database.open(settings)
    except ConfigurationError:
        raise
    except MgError as exc:
        print(f"{exc.code}: {exc.message}", file=sys.stderr)
        return 1
    try:
        return run_console(database, sys.stdin, sys.stdout, sys.stderr)
    finally:
        database.close()


def serve(host: PluginHost, settings: Settings) -> int:
    """``mgcore serve``: open the configured database and run the Bolt server until SIGINT or
    SIGTERM; then finish or abort running requests, roll back open transactions and close the
    engine (which flushes what it must)."""
    import asyncio

    from mgcore.database import Database
    from mgcore.server.app import BoltServer
    from mgcore.server.app import serve as run_server

    try:
        database = Database.open(settings, plugins=host)
    except ConfigurationError:
        raise
    except MgError as exc:
        print(f"mgcore: error: {exc.code}: {exc.message}", file=sys.stderr)
        return 1
    server = BoltServer(
        database,
        host=settings.bolt_address,
        port=settings.bolt_port,
        workers=settings.bolt_num_workers,
        max_message_size=settings.bolt_max_message_size_mb * 1024 * 1024,
        inactivity_timeout=float(settings.bolt_session_inactivity_timeout),
        agent=settings.bolt_server_name_for_init,
        shutdown_grace=settings.bolt_shutdown_grace_sec,
    )

    def ready(server: BoltServer) -> None:
        host_name, port = server.address
        shown = f"[{host_name}]" if ":" in host_name else host_name
        print(
            f"mgcore {mgcore.__version__}: Bolt server listening on {shown}:{port} "
            f"(engine {database.storage_mode}, data directory {settings.data_directory})",
            file=sys.stderr,
            flush=True,
        )

    try:
        asyncio.run(run_server(server, ready=ready))
    except OSError as exc:
        print(
            f"mgcore: error: cannot listen on {settings.bolt_address}:{settings.bolt_port}: "
            f"{exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    finally:
        database.close()
    print("mgcore: Bolt server stopped", file=sys.stderr, flush=True)
    return 0


def _conformance(engine: str, pytest_args: Sequence[str]) -> int:
    try:
        from mgcore.conformance import run
    except ImportError as exc:
        print(f"mgcore: error: the conformance suite cannot be loaded: {exc}", file=sys.stderr)
        return 2
    return int(run(engine, list(pytest_args)))


if __name__ == "__main__":
    sys.exit(main())
