"""The data-directory marker every engine shares: which engine and format version wrote the
directory, so opening it with another engine or an incompatible format fails clearly instead of
corrupting it (ARCHITECTURE.md section 3)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from mgcore.storage.errors import EngineIncompatible

MARKER_FILE = "mgcore-engine.json"


def read_marker(directory: Path) -> tuple[str, int] | None:
    """``(engine name, format version)`` of the directory's marker, or None when unmarked."""
    path = directory / MARKER_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        engine, version = data["engine"], data["format_version"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EngineIncompatible(
            f"The data directory {directory} has an unreadable engine marker {path.name}: {exc}"
        ) from None
    if not isinstance(engine, str) or not isinstance(version, int):
        raise EngineIncompatible(
            f"The data directory {directory} has a malformed engine marker {path.name}."
        )
    return engine, version


def write_marker(directory: Path, engine: str, format_version: int) -> None:
    """Mark the directory atomically (write a temporary file, then rename it into place)."""
    path = directory / MARKER_FILE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"engine": engine, "format_version": format_version}) + "\n",
                   "utf-8")
    os.replace(tmp, path)


def check_marker(directory: Path, engine: str, format_version: int) -> None:
    """Refuse a directory marked by another engine or format version; mark an unmarked one."""
    found = read_marker(directory)
    if found is None:
        write_marker(directory, engine, format_version)
        return
    owner, version = found
    if owner != engine:
        raise EngineIncompatible(
            f"The data directory {directory} belongs to storage engine {owner!r}, not "
            f"{engine}; use that engine or another directory."
        )
    if version != format_version:
        raise EngineIncompatible(
            f"The data directory {directory} holds {owner} data in format version {version}; "
            f"this engine reads format version {format_version}."
        )
