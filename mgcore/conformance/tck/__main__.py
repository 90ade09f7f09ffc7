"""``python -m mgcore.conformance.tck``: run TCK scenarios outside pytest, print the failures,
and optionally rewrite a known-failures file from them.

A quick triage loop for engine and Cypher authors: ``-k Match2`` runs the scenarios whose id
contains ``Match2``, ``-v`` prints each failure in full, ``--write FILE`` writes every failing
scenario to FILE as a known failure (for engine ``*`` unless ``--for`` names one), collapsing a
feature whose scenarios all fail for the same reason into one entry. ``--via bolt`` sends the
queries over Bolt with the neo4j driver instead of through the embedded API.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mgcore.conformance.tck import VIAS, find_tck
from mgcore.conformance.tck.gherkin import Scenario, load_features
from mgcore.conformance.tck.runner import ScenarioRunner, channel_factory

_HEADER = """\
# Known failures of the openCypher TCK scenarios (suite/test_tck.py), in the format of
# known_failures.txt: ENGINE  test-id-pattern  # reason. Test ids are
# test_tck.py::test_tck[<feature path> [<n>] <scenario name>[ #<example>]].
# Written by `python -m mgcore.conformance.tck --write FILE`; edit reasons freely.
"""

_REASONS = [
    (r"expected \w+ \((\w+)\) at compile time, but the query succeeded",
     r"compile-time check \1 is not implemented"),
    (r"expected \w+ \((\w+)\) at compile time; got \w+ at runtime",
     r"\1 is detected at runtime, not at compile time"),
]


def reason_for(message: str) -> str:
    """A one-line reason for a failure message: a known cause, else its first line."""
    for pattern, reason in _REASONS:
        match = re.search(pattern, message)
        if match:
            return match.expand(reason)
    first = message.splitlines()[0] if message else "fails"
    return re.sub(r"\s#\s", " No. ", first)[:160]


def _escaped(text: str) -> str:
    """The id as pytest shows it (non-ASCII escaped), so entries match test ids."""
    from _pytest.compat import ascii_escaped

    return ascii_escaped(text)


def run(
    scenarios: Sequence[Scenario], engine: str, graphs: Path, via: str = "embedded"
) -> list[tuple[Scenario, str | None]]:
    """Run each scenario on a fresh database, its queries sent ``via`` the embedded API or Bolt;
    the failure message, or None when it passed."""
    from mgcore.database import Database
    from mgcore.plugins import bootstrap

    base = tempfile.mkdtemp(prefix="mgcore-tck-")
    counter = itertools.count()

    def open_database(plugins: list[Any]) -> Any:
        overrides = {"storage_mode": engine, "data_directory": f"{base}/{next(counter)}"}
        host, settings = bootstrap([], overrides=overrides)
        for plugin in plugins:
            host.register(plugin)
        return Database.open(settings, plugins=host)

    channel = channel_factory(via)
    results: list[tuple[Scenario, str | None]] = []
    for scenario in scenarios:
        try:
            ScenarioRunner(scenario, open_database, graphs, channel).run()
        except Exception as exc:
            results.append((scenario, f"{type(exc).__name__}: {exc}"))
        else:
            results.append((scenario, None))
    return results


def known_failures(results: Sequence[tuple[Scenario, str | None]], engine: str) -> str:
    """The known-failures file text for the failing scenarios of ``results``."""
    by_feature: dict[str, list[tuple[Scenario, str | None]]] = defaultdict(list)
    for scenario, error in results:
        by_feature[scenario.feature].append((scenario, error))
    lines = [_HEADER]
    for feature, outcomes in by_feature.items():
        failed = [(s, reason_for(e.split(": ", 1)[-1])) for s, e in outcomes if e is not None]
        if not failed:
            continue
        reasons = {reason for _, reason in failed}
        if len(failed) == len(outcomes) and len(reasons) == 1:
            pattern = f"test_tck.py::test_tck[{_escaped(feature)} *"
            lines.append(f"{engine}  {pattern}  # {reasons.pop()}")
            continue
        for scenario, reason in failed:
            lines.append(f"{engine}  test_tck.py::test_tck[{_escaped(scenario.id)}]  # {reason}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mgcore.conformance.tck", description=__doc__)
    parser.add_argument("--engine", default="IN_MEMORY_TRANSACTIONAL", help="storage mode")
    parser.add_argument("--tck", default=None, help="TCK directory (features/ and graphs/)")
    parser.add_argument("-k", dest="keyword", default="", help="only ids containing this")
    parser.add_argument("-v", dest="verbose", action="store_true", help="print whole failures")
    parser.add_argument("--write", type=Path, help="write the failures as a known-failures file")
    parser.add_argument("--for", dest="entry_engine", default="*", help="engine of the entries")
    parser.add_argument("--via", choices=VIAS, default="embedded",
                        help="send queries through the embedded API (default) or over Bolt")
    args = parser.parse_args(argv)
    root = find_tck(args.tck)
    if root is None:
        print("no TCK found: pass --tck DIR or set MGCORE_TCK", file=sys.stderr)
        return 2
    scenarios = [s for s in load_features(root / "features") if args.keyword in s.id]
    if args.via == "bolt" and importlib.util.find_spec("neo4j") is None:
        print("--via bolt needs the neo4j Python driver: pip install neo4j", file=sys.stderr)
        return 2
    results = run(scenarios, args.engine, root / "graphs", args.via)
    for scenario, error in results:
        if error is None:
            continue
        if args.verbose:
            print(f"== {scenario.id}\n{error}\n")
        else:
            print(f"{scenario.id[:100]:100} | {error.splitlines()[0][:140]}")
    failed = sum(error is not None for _, error in results)
    print(f"{failed} of {len(results)} scenarios failed"
          + (f" ({100 * (1 - failed / len(results)):.2f}% pass)" if results else ""))
    if args.write is not None:
        args.write.write_text(known_failures(results, args.entry_engine), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
