"""Known failures of engines: the file format, its parser and the matching of test ids.

A known-failures file has one entry per line, ``ENGINE  test-id-pattern  # reason``. ``ENGINE``
may be ``*`` (every engine). The pattern may contain blanks (TCK scenario names do) and ends at
the first ``#`` with blanks on both sides. Blank lines and lines starting with ``#`` are ignored.
The reason is required so that every entry says why. A pattern is matched against the test's id
relative to the suite package (``test_values.py::test_round_trip[int-max]``): ``*`` matches any
run of characters and ``?`` one character, everything else (brackets included) is literal, and a
pattern that names a module, class or test without parameters covers everything inside it. The
plugin turns a listed test into ``xfail(strict=True)``, so a listed test that starts passing fails
the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

BUILTIN_FILE = Path(__file__).with_name("known_failures.txt")
TCK_FILE = Path(__file__).with_name("tck_known_failures.txt")
TCK_BOLT_FILE = Path(__file__).with_name("tck_bolt_known_failures.txt")
"""TCK scenarios that fail only over Bolt (``--mg-tck-via=bolt``), for the driver's reasons."""
"""Known failures of the openCypher TCK scenarios (``suite/test_tck.py``)."""


class KnownFailuresError(ValueError):
    """A known-failures file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class KnownFailure:
    """One entry: which engine, which tests, why, and where it was written."""

    engine: str
    pattern: str
    reason: str
    source: str
    line: int
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", compile_pattern(self.pattern))

    def applies_to(self, engine: str) -> bool:
        """True when the entry is for ``engine`` (or for every engine)."""
        return self.engine in ("*", engine)

    def matches(self, test_id: str) -> bool:
        """True when ``test_id`` is the pattern or lies inside what the pattern names."""
        return self._regex.match(test_id) is not None

    @property
    def location(self) -> str:
        return f"{self.source}:{self.line}"


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Translate a test-id glob (only ``*`` and ``?`` are special) into an anchored regex."""
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts) + r"(?:$|::|\[)", re.DOTALL)


_REASON = re.compile(r"\s#\s+\S")
_ENTRY = re.compile(r"(\S+)\s+(\S(?:.*?\S)?)\s+#\s+(\S.*)")


def parse_known_failures(text: str, source: str) -> list[KnownFailure]:
    """Parse one file's text; raises ``KnownFailuresError`` naming ``source`` and the line."""
    entries: list[KnownFailure] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENTRY.fullmatch(line)
        if match is None:
            if _REASON.search(line) is None:
                raise KnownFailuresError(
                    f"{source}:{number}: an entry needs a reason: "
                    "'ENGINE  test-id-pattern  # reason'"
                )
            raise KnownFailuresError(
                f"{source}:{number}: expected 'ENGINE  test-id-pattern  # reason', got {raw!r}"
            )
        engine, pattern, reason = match.groups()
        entries.append(KnownFailure(engine, pattern, reason.strip(), source, number))
    return entries


def load_known_failures(paths: Iterable[Path]) -> list[KnownFailure]:
    """Read and parse every file in order; a missing file is an error, not an empty list."""
    entries: list[KnownFailure] = []
    for path in paths:
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise KnownFailuresError(f"cannot read known-failures file {path}: {exc}") from exc
        entries.extend(parse_known_failures(text, str(path)))
    return entries


def first_match(entries: Iterable[KnownFailure], test_id: str) -> KnownFailure | None:
    """The first entry whose pattern covers ``test_id``, or None."""
    for entry in entries:
        if entry.matches(test_id):
            return entry
    return None
