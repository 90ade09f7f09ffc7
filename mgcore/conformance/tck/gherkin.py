"""A reader for the subset of Gherkin the openCypher TCK uses.

A feature file holds scenarios; a scenario is a list of steps, each with an optional docstring
(``\"\"\"`` block) and an optional data table; a ``Scenario Outline`` expands into one scenario per
row of its ``Examples`` tables with ``<name>`` placeholders substituted everywhere. Nothing here
knows what a step means: that is ``runner.py``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_SCENARIO = re.compile(r"Scenario(?: Outline)?:\s*(.*)")
_NUMBER = re.compile(r"\[(\d+)\]\s*(.*)")
_KEYWORDS = ("Given ", "When ", "Then ", "And ", "But ")


class GherkinError(ValueError):
    """A feature file the reader cannot understand; the message names file and line."""


@dataclass(frozen=True)
class Step:
    """One step: its text without the keyword, its docstring and its table (rows of cells)."""

    text: str
    docstring: str | None
    table: tuple[tuple[str, ...], ...]
    line: int


@dataclass(frozen=True)
class Scenario:
    """One runnable scenario (an outline contributes one per example row)."""

    path: Path
    feature: str
    number: int | None
    name: str
    example: int | None
    steps: tuple[Step, ...]
    line: int

    @property
    def id(self) -> str:
        """A readable id: ``clauses/match/Match1 [3] name`` plus `` #k`` for an outline row."""
        number = f" [{self.number}]" if self.number is not None else ""
        example = f" #{self.example}" if self.example is not None else ""
        return f"{self.feature}{number} {self.name}{example}"


@dataclass
class _Outline:
    number: int | None
    name: str
    line: int
    steps: list[Step]
    examples: list[dict[str, str]]
    is_outline: bool


_CELL_ESCAPES = {"|": "|", "\\": "\\", "n": "\n"}


def table_row(line: str) -> tuple[str, ...]:
    """The cells of ``| a | b |``, stripped, with Gherkin's cell escapes (``\\|``, ``\\\\``,
    ``\\n``) resolved."""
    body = line.strip()
    if not (body.startswith("|") and body.endswith("|")):
        raise ValueError(f"not a table row: {line!r}")
    cells: list[str] = []
    cell: list[str] = []
    index = 1
    while index < len(body) - 1:
        char = body[index]
        if char == "\\" and body[index + 1] in _CELL_ESCAPES and index + 1 < len(body) - 1:
            cell.append(_CELL_ESCAPES[body[index + 1]])
            index += 2
            continue
        if char == "|":
            cells.append("".join(cell).strip())
            cell = []
        else:
            cell.append(char)
        index += 1
    cells.append("".join(cell).strip())
    return tuple(cells)


def _docstring(lines: list[str], start: int, where: str) -> tuple[str, int]:
    """The ``\"\"\"`` block opening at ``lines[start]``, dedented; and the index after it."""
    indent = len(lines[start]) - len(lines[start].lstrip())
    body: list[str] = []
    index = start + 1
    while index < len(lines) and lines[index].strip() != '"""':
        line = lines[index]
        body.append(line[indent:] if line[:indent].strip() == "" else line.strip())
        index += 1
    if index >= len(lines):
        raise GherkinError(f"{where}:{start + 1}: unterminated docstring")
    return "\n".join(body), index + 1


def _table(lines: list[str], start: int) -> tuple[tuple[tuple[str, ...], ...], int]:
    rows: list[tuple[str, ...]] = []
    index = start
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped.startswith("|"):
            rows.append(table_row(stripped))
        elif not stripped.startswith("#"):
            break
        index += 1
    return tuple(rows), index


def _substitute(text: str, row: dict[str, str]) -> str:
    for key, value in row.items():
        text = text.replace(f"<{key}>", value)
    return text


def _expand(outline: _Outline, path: Path, feature: str) -> list[Scenario]:
    if not outline.is_outline:
        return [Scenario(path, feature, outline.number, outline.name, None,
                         tuple(outline.steps), outline.line)]
    scenarios = []
    for k, row in enumerate(outline.examples, 1):
        steps = tuple(
            Step(
                _substitute(step.text, row),
                None if step.docstring is None else _substitute(step.docstring, row),
                tuple(tuple(_substitute(c, row) for c in r) for r in step.table),
                step.line,
            )
            for step in outline.steps
        )
        scenarios.append(Scenario(path, feature, outline.number,
                                  _substitute(outline.name, row), k, steps, outline.line))
    return scenarios


def parse_feature(path: Path, feature: str | None = None) -> list[Scenario]:
    """Every scenario of one feature file, outlines expanded, in file order; ``Background``
    steps are prepended to each scenario."""
    where = str(path)
    feature = feature or path.stem
    lines = path.read_text(encoding="utf-8").splitlines()
    background: list[Step] = []
    outlines: list[_Outline] = []
    current: _Outline | None = None
    in_background = False
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#") or stripped.startswith("@"):
            index += 1
            continue
        if stripped.startswith(("Feature:", "Rule:")):
            index += 1
            continue
        if stripped.startswith("Background:"):
            in_background, current = True, None
            index += 1
            continue
        match = _SCENARIO.match(stripped)
        if match:
            title = match.group(1).strip()
            numbered = _NUMBER.match(title)
            number = int(numbered.group(1)) if numbered else None
            name = numbered.group(2) if numbered else title
            current = _Outline(number, name, index + 1, list(background), [],
                               stripped.startswith("Scenario Outline"))
            outlines.append(current)
            in_background = False
            index += 1
            continue
        if stripped.startswith(("Examples:", "Scenarios:")):
            if current is None:
                raise GherkinError(f"{where}:{index + 1}: Examples outside a scenario")
            rows, index = _table(lines, index + 1)
            if rows:
                header = rows[0]
                for row in rows[1:]:
                    current.examples.append(dict(zip(header, row, strict=True)))
            continue
        keyword = next((k for k in _KEYWORDS if stripped.startswith(k)), None)
        if keyword is None:
            raise GherkinError(f"{where}:{index + 1}: unexpected line {stripped!r}")
        step_line = index + 1
        text = stripped[len(keyword):].strip()
        index += 1
        docstring = None
        table: tuple[tuple[str, ...], ...] = ()
        while index < len(lines) and (
            not lines[index].strip() or lines[index].strip().startswith("#")
        ):
            index += 1
        if index < len(lines) and lines[index].strip() == '"""':
            docstring, index = _docstring(lines, index, where)
        elif index < len(lines) and lines[index].strip().startswith("|"):
            table, index = _table(lines, index)
        step = Step(text, docstring, table, step_line)
        if in_background:
            background.append(step)
        elif current is None:
            raise GherkinError(f"{where}:{step_line}: a step outside a scenario")
        else:
            current.steps.append(step)
    scenarios: list[Scenario] = []
    for outline in outlines:
        scenarios.extend(_expand(outline, path, feature))
    return scenarios


def load_features(root: Path) -> list[Scenario]:
    """Every scenario under ``root``, features in path order; a feature is named by its path
    relative to ``root`` without the suffix (``clauses/match/Match1``)."""
    scenarios: list[Scenario] = []
    for path in sorted(root.rglob("*.feature")):
        feature = path.relative_to(root).with_suffix("").as_posix()
        scenarios.extend(parse_feature(path, feature))
    return scenarios
