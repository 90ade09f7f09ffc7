"""``python -m mgcore.conformance.tck``: runs scenarios on the real engine, reports failures and
writes a known-failures file the conformance plugin accepts."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mgcore.conformance.knownfail import load_known_failures
from mgcore.conformance.tck.__main__ import main

FEATURE = textwrap.dedent('''\
    Feature: Tiny
      Scenario: [1] Passes
        Given an empty graph
        When executing query:
          """
          RETURN 1 AS x
          """
        Then the result should be, in any order:
          | x |
          | 1 |
        And no side effects

      Scenario: [2] Fails
        Given an empty graph
        When executing query:
          """
          RETURN 2 AS x
          """
        Then the result should be, in any order:
          | x |
          | 3 |
        And no side effects
    ''')


@pytest.fixture
def tck(tmp_path: Path) -> Path:
    (tmp_path / "features" / "group").mkdir(parents=True)
    (tmp_path / "graphs").mkdir()
    (tmp_path / "features" / "group" / "Tiny1.feature").write_text(FEATURE, encoding="utf-8")
    return tmp_path


def test_reports_failures_and_writes_known_failures(
    tck: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "kf.txt"
    code = main(["--tck", str(tck), "--write", str(out_file), "--for", "IN_MEMORY_TRANSACTIONAL"])
    output = capsys.readouterr().out
    assert code == 1
    assert "group/Tiny1 [2] Fails" in output and "[1] Passes" not in output
    assert "1 of 2 scenarios failed" in output
    entries = load_known_failures([out_file])
    assert [(e.engine, e.pattern) for e in entries] == [
        ("IN_MEMORY_TRANSACTIONAL", "test_tck.py::test_tck[group/Tiny1 [2] Fails]")
    ]
    assert "result differs" in entries[0].reason


def test_keyword_selects_and_all_passing_exits_zero(
    tck: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--tck", str(tck), "-k", "Passes"]) == 0
    assert "0 of 1 scenarios failed" in capsys.readouterr().out
