"""Extract the Cypher queries of the openCypher TCK feature files (a minimal Gherkin reader).

Each scenario yields its setup queries (``And having executed:``) and its query (``When
executing [control] query:``), with ``Scenario Outline`` placeholders substituted per example
row, the compile-time error the scenario expects, if any, and the column names of its expected
result table, if it has one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

TCK_FEATURES = Path(os.environ.get("MGCORE_TCK_FEATURES", "/work/shared/tck/features"))

_QUERY_STEPS = ("When executing query:", "When executing control query:")
_SETUP_STEP = "And having executed:"
_RESULT = "Then the result should be"
_COMPILE_ERROR = re.compile(r"Then an? (\w+) should be raised at compile time: (\w+)")
_SCENARIO = re.compile(r"\s*Scenario(?: Outline)?:\s*(.*)")


@dataclass(frozen=True)
class TckQuery:
    """One query text of a TCK scenario."""

    feature: str
    scenario: str
    example: int | None
    role: str
    text: str
    compile_error: tuple[str, str] | None
    columns: tuple[str, ...] | None = None

    @property
    def id(self) -> str:
        """A readable test id: ``Feature [n] scenario name #example role``."""
        example = f" #{self.example}" if self.example is not None else ""
        return f"{self.feature}: {self.scenario}{example} ({self.role})"


@dataclass
class _Scenario:
    name: str
    steps: list[tuple[str, str]]
    compile_error: tuple[str, str] | None
    examples: list[dict[str, str]]
    columns: tuple[str, ...] | None = None


def _docstring(lines: list[str], start: int) -> tuple[str, int]:
    """Read the ``\"\"\"`` block opening at ``lines[start]``; return its text and the next index."""
    opening = lines[start]
    indent = len(opening) - len(opening.lstrip())
    body: list[str] = []
    index = start + 1
    while lines[index].strip() != '"""':
        body.append(lines[index][indent:] if lines[index].strip() else "")
        index += 1
    return "\n".join(body), index + 1


def _table_row(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _parse_feature(path: Path) -> list[_Scenario]:
    lines = path.read_text(encoding="utf-8").splitlines()
    scenarios: list[_Scenario] = []
    current: _Scenario | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        match = _SCENARIO.match(line)
        if match:
            current = _Scenario(match.group(1), [], None, [])
            scenarios.append(current)
        elif current is not None and stripped in (*_QUERY_STEPS, _SETUP_STEP):
            text, index = _docstring(lines, index + 1)
            current.steps.append(("setup" if stripped == _SETUP_STEP else "query", text))
            continue
        elif current is not None and stripped.startswith(_RESULT):
            following = lines[index + 1].strip() if index + 1 < len(lines) else ""
            if following.startswith("|"):
                current.columns = tuple(_table_row(following))
        elif current is not None and (error := _COMPILE_ERROR.match(stripped)):
            current.compile_error = (error.group(1), error.group(2))
        elif current is not None and stripped.startswith("Examples:"):
            index += 1
            while index < len(lines) and not lines[index].strip():
                index += 1
            header = _table_row(lines[index])
            index += 1
            while index < len(lines) and lines[index].strip().startswith(("|", "#")):
                if lines[index].strip().startswith("|"):
                    row = _table_row(lines[index])
                    current.examples.append(dict(zip(header, row, strict=True)))
                index += 1
            continue
        index += 1
    return scenarios


def _substitute(text: str, row: dict[str, str]) -> str:
    for key, value in row.items():
        text = text.replace(f"<{key}>", value)
    return text


def tck_queries(root: Path = TCK_FEATURES) -> list[TckQuery]:
    """Every query of every feature file under ``root``, in file order."""
    result: list[TckQuery] = []
    for path in sorted(root.rglob("*.feature")):
        feature = path.stem
        for scenario in _parse_feature(path):
            rows: list[tuple[int | None, dict[str, str]]] = (
                list(enumerate(scenario.examples, 1)) if scenario.examples else [(None, {})]
            )
            for number, row in rows:
                for role, text in scenario.steps:
                    error = scenario.compile_error if role == "query" else None
                    columns = None
                    if role == "query" and scenario.columns is not None:
                        columns = tuple(_substitute(c, row) for c in scenario.columns)
                    result.append(
                        TckQuery(
                            feature,
                            scenario.name,
                            number,
                            role,
                            _substitute(text, row),
                            error,
                            columns,
                        )
                    )
    return result
