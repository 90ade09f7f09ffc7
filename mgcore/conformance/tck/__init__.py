"""The openCypher TCK, run scenario by scenario by the conformance suite.

``gherkin`` reads feature files, ``values`` reads the TCK's value literals and canonicalises
results, ``runner`` executes a scenario against a fresh embedded database, its queries sent
through the embedded API or (``bolt``) over Bolt with the neo4j driver. ``find_tck`` locates the
TCK: the ``--mg-tck`` option, else ``$MGCORE_TCK``, else ``../shared/tck`` next to the project
root (the source tree this package lives in) or next to the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_TCK = "MGCORE_TCK"
VIAS = ("embedded", "bolt")
"""How a scenario's queries can reach the database (``runner.channel_factory``)."""


def default_locations() -> list[Path]:
    """Where the TCK is looked for when no option or environment variable names it."""
    project_root = Path(__file__).resolve().parents[3]
    return [project_root.parent / "shared" / "tck", Path.cwd().resolve().parent / "shared" / "tck"]


def find_tck(option: str | None = None) -> Path | None:
    """The TCK root (holding ``features/`` and ``graphs/``), or None when there is none; an
    explicitly named directory must exist (``FileNotFoundError`` otherwise)."""
    named = option or os.environ.get(ENV_TCK)
    if named:
        root = Path(named)
        if not (root / "features").is_dir():
            raise FileNotFoundError(f"no TCK at {root}: expected a 'features' directory in it")
        return root
    for root in default_locations():
        if (root / "features").is_dir():
            return root
    return None
