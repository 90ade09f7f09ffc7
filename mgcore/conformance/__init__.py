"""mgcore's conformance suite, shipped inside the kernel so every engine runs the same tests.

``run(engine, pytest_args)`` is what ``mgcore conformance ENGINE [pytest args]`` calls; it is the
same as ``pytest -p mgcore.conformance.plugin --pyargs mgcore.conformance.suite --mg-engine
ENGINE [pytest args]``. The plugin (``mgcore.conformance.plugin``) documents options, fixtures and
the ``requires`` marker; ``known_failures.txt`` documents the known-failures format.

``run`` starts pytest in a subprocess of the same interpreter rather than with ``pytest.main``:
the suite imports the engine, starts threads and may load native extensions, and a fresh process
means a crash, a leaked thread or a module imported earlier by the caller (which would escape
pytest's assertion rewriting) cannot affect the result or the caller, and ``run`` can be called
any number of times in one process with independent results.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

from mgcore.storage.errors import EngineNotFound
from mgcore.storage.registry import EngineRegistry

PLUGIN = "mgcore.conformance.plugin"
SUITE = "mgcore.conformance.suite"
USAGE_ERROR = 4
"""pytest's exit code for usage errors; ``run`` uses it for an unknown engine too."""
NO_TESTS_COLLECTED = 5


def pytest_command(engine: str, pytest_args: Sequence[str] = ()) -> list[str]:
    """The command line ``run`` executes."""
    return [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        PLUGIN,
        "--pyargs",
        SUITE,
        "--mg-engine",
        engine,
        *pytest_args,
    ]


def run(engine: str, pytest_args: Sequence[str] = ()) -> int:
    """Run the conformance suite against ``engine`` and return pytest's exit code (0 only when
    tests ran and none failed); ``engine`` is a storage-mode name or ``module:Class``."""
    if ":" not in engine:
        try:
            EngineRegistry().entry(engine)
        except EngineNotFound as exc:
            print(f"mgcore conformance: {exc}", file=sys.stderr)
            return USAGE_ERROR
    code = subprocess.call(pytest_command(engine, pytest_args))
    if code == NO_TESTS_COLLECTED:
        print(
            f"mgcore conformance: no tests were collected for engine {engine}; "
            "this is a failure, not a pass",
            file=sys.stderr,
        )
    return code if code >= 0 else 128 - code


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mgcore.conformance ENGINE [pytest args]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print("usage: python -m mgcore.conformance ENGINE [pytest args]", file=sys.stderr)
        return 0 if args else USAGE_ERROR
    return run(args[0], args[1:])


__all__ = ["main", "pytest_command", "run"]
