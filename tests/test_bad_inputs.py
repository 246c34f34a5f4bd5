"""Hostile files in tests/data/bad/: each gives its expected message; the folder still builds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from personas.config import Config
from personas.ingest import ingest
from personas.ingest.accounting import strict_problems
from personas.ingest.discover import discover
from personas.ingest.result import IngestResult
from personas.models import RowIssue
from tests.conftest import run_cli

BAD = Path(__file__).parent / "data" / "bad"


def expected() -> dict[str, str]:
    """The file → message table of EXPECTED.md."""
    rows = re.findall(r"^\| (\S+) \| (.+) \|$", (BAD / "EXPECTED.md").read_text(), re.MULTILINE)
    return {name: message for name, message in rows if name != "file"}


def read_folder() -> tuple[list[RowIssue], IngestResult]:
    """Discover and ingest the bad folder."""
    sources, file_issues = discover(BAD, Config())
    return file_issues, ingest(BAD, sources, Config())


def messages() -> list[str]:
    """Every issue as "file, locator: reason", as inspect and run.json show them."""
    file_issues, result = read_folder()
    return [i.text() for i in file_issues + [i for a in result.accounts for i in a.issues]]


def test_every_bad_file_has_an_expected_message() -> None:
    """EXPECTED.md lists every file in the folder (and nothing else)."""
    files = {p.name for p in BAD.iterdir() if p.name != "EXPECTED.md"}
    assert set(expected()) == files


@pytest.mark.parametrize(("name", "message"), sorted(expected().items()))
def test_bad_file_gives_its_message(name: str, message: str) -> None:
    """Each hostile file yields exactly the message EXPECTED.md names for it."""
    found = [m for m in messages() if m.startswith(f"{name}:") or m.startswith(f"{name},")]
    if message.startswith("(no message"):
        assert found == []
    else:
        assert message in found


def test_every_row_of_the_bad_folder_is_accounted_for() -> None:
    """Every source adds up: rows_total == rows_used + rows_skipped; good.csv is whole."""
    _, result = read_folder()
    for acc in result.accounts:
        assert acc.rows_total == acc.rows_used + acc.rows_skipped, acc.source
    good = next(a for a in result.accounts if a.source == "good.csv")
    assert (good.rows_total, good.rows_used) == (12, 12)


def test_strict_lists_every_skip_but_not_notes_or_documentation() -> None:
    """--strict refuses skipped rows and files; notes and EXPECTED.md are not skips."""
    file_issues, result = read_folder()
    problems = strict_problems(file_issues, result)
    assert any(p.startswith("empty.csv: file skipped") for p in problems)
    assert any(p.startswith("old_excel.xls: ignored") for p in problems)
    assert not any(p.startswith(("EXPECTED.md", "ragged.csv", "good.csv")) for p in problems)


@pytest.mark.e2e
def test_bad_folder_builds_and_strict_refuses(tmp_path: Path) -> None:
    """The real CLI builds the folder without a traceback; --strict stops with one Error line."""
    out = tmp_path / "out"
    result = run_cli("build", str(BAD), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    run = json.loads((out / "run.json").read_text())
    sources = {a["source"] for a in run["rows"]["by_source"]}
    assert {"good.csv", "empty.csv", "truncated.mbox"} <= sources
    assert "good.csv" in run["link_rates"]
    strict = run_cli("build", str(BAD), "-o", str(tmp_path / "strict"), "--strict", "--quiet")
    assert strict.returncode == 1
    assert strict.stderr.strip().splitlines()[-1].startswith("Error: --strict: 11 skipped")
    assert "Traceback" not in strict.stderr
