"""The queries of the openCypher TCK, for parser-level tests, read with the conformance suite's
Gherkin reader (``mgcore.conformance.tck.gherkin``).

Each scenario yields its set-up queries (``And having executed:``) and its query (``When
executing [control] query:``), the compile-time error the scenario expects, if any, and the
column names of its expected result table, if it has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mgcore.conformance.tck import find_tck
from mgcore.conformance.tck.gherkin import load_features

_ROOT = find_tck()
TCK_FEATURES = _ROOT / "features" if _ROOT is not None else Path("tck-not-found")
_COMPILE_ERROR = re.compile(r"an? (\w+) should be raised at compile time: (\w+)")
_RESULT = "the result should be"


@dataclass(frozen=True)
class TckQuery:
    """One query text of a TCK scenario."""

    scenario: str
    role: str
    text: str
    compile_error: tuple[str, str] | None
    columns: tuple[str, ...] | None = None

    @property
    def id(self) -> str:
        return f"{self.scenario} ({self.role})"


def tck_queries(root: Path = TCK_FEATURES) -> list[TckQuery]:
    """Every query of every feature file under ``root``, in file order."""
    result: list[TckQuery] = []
    for scenario in load_features(root):
        error = None
        columns = None
        for step in scenario.steps:
            if match := _COMPILE_ERROR.fullmatch(step.text):
                error = (match.group(1), match.group(2))
            elif step.text.startswith(_RESULT) and step.table:
                columns = step.table[0]
        for step in scenario.steps:
            if step.text == "having executed:":
                result.append(TckQuery(scenario.id, "setup", step.docstring or "", None))
            elif step.text in ("executing query:", "executing control query:"):
                result.append(
                    TckQuery(scenario.id, "query", step.docstring or "", error, columns)
                )
    return result
