"""Golden files: the rendered Markdown and HTML of a small fixed document.

The fixture (tests/fixtures/sample_document.json) is hand-made and synthetic. A
template change shows here as a diff to review; when it is intended, rewrite the
files with ``pytest tests/test_golden.py --update-golden`` and review them in git.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from personas.output.render import render
from personas.synthesize.document import PersonasDocument

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "sample_document.json"
GOLDEN = HERE / "golden"


def _rendered(out: Path) -> dict[str, bytes]:
    doc = PersonasDocument.model_validate_json(FIXTURE.read_text(encoding="utf-8"))
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in render(doc, out)}


def _golden() -> dict[str, bytes]:
    files = sorted(p for p in GOLDEN.rglob("*") if p.is_file())
    return {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in files}


def _diff(name: str, want: bytes, got: bytes) -> str:
    lines = difflib.unified_diff(
        want.decode("utf-8").splitlines(),
        got.decode("utf-8").splitlines(),
        f"golden/{name}",
        f"rendered/{name}",
        lineterm="",
    )
    return "\n".join(list(lines)[:60])


def test_rendered_documents_match_golden_files(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """index.html, brief.md and each persona's .md and .html equal the reviewed golden files."""
    got = _rendered(tmp_path)
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in got.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    want = _golden()
    assert sorted(want) == sorted(got), "rendered files differ from tests/golden/ (--update-golden)"
    for name in sorted(got):
        assert want[name] == got[name], (
            f"{name} differs from its golden file; if intended, run "
            f"pytest tests/test_golden.py --update-golden\n{_diff(name, want[name], got[name])}"
        )


def test_golden_files_cover_markdown_and_html() -> None:
    """The golden set holds the report, the brief and a .md and .html per persona."""
    names = set(_golden())
    doc = PersonasDocument.model_validate_json(FIXTURE.read_text(encoding="utf-8"))
    assert {"index.html", "brief.md"} <= names
    for p in doc.personas:
        assert f"personas/{p.persona_id}-{p.slug}.md" in names
        assert f"personas/{p.persona_id}-{p.slug}.html" in names
