"""The shared data-directory marker: written once, refuses other engines and formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from mgcore.storage import EngineIncompatible
from mgcore.storage.kit.marker import MARKER_FILE, check_marker, read_marker


def test_unmarked_directory_gets_marked(tmp_path: Path) -> None:
    assert read_marker(tmp_path) is None
    check_marker(tmp_path, "A_MODE", 3)
    assert read_marker(tmp_path) == ("A_MODE", 3)
    check_marker(tmp_path, "A_MODE", 3)
    assert not list(tmp_path.glob("*.tmp"))


def test_other_engine_is_refused_by_name(tmp_path: Path) -> None:
    check_marker(tmp_path, "A_MODE", 1)
    with pytest.raises(EngineIncompatible, match="belongs to storage engine 'A_MODE'"):
        check_marker(tmp_path, "B_MODE", 1)


def test_other_format_version_is_refused(tmp_path: Path) -> None:
    check_marker(tmp_path, "A_MODE", 1)
    with pytest.raises(EngineIncompatible, match="format version 1"):
        check_marker(tmp_path, "A_MODE", 2)


@pytest.mark.parametrize("content", ["", "{", '{"engine": 1, "format_version": "x"}', "[]"])
def test_corrupt_marker_is_a_clear_error(tmp_path: Path, content: str) -> None:
    (tmp_path / MARKER_FILE).write_text(content, "utf-8")
    with pytest.raises(EngineIncompatible, match="marker"):
        check_marker(tmp_path, "A_MODE", 1)
    assert (tmp_path / MARKER_FILE).read_text("utf-8") == content
