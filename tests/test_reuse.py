"""Rebuilds reuse what has not changed, and never pass off stale outputs as current."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from personas.output.reuse import output_digests, previous_run, templates_fingerprint
from tests.conftest import DEMO, run_cli


def _fake_build(out: Path, data: str = "abc") -> None:
    out.mkdir()
    (out / "index.html").write_text("<h1>report</h1>", encoding="utf-8")
    (out / "personas.json").write_text("{}", encoding="utf-8")
    run = {
        "fingerprint": {"data": data, "templates": ""},
        "outputs": output_digests(out, [out / "index.html", out / "personas.json"]),
    }
    (out / "run.json").write_text(json.dumps(run), encoding="utf-8")


def test_intact_outputs_with_the_same_fingerprint_are_reusable(tmp_path: Path) -> None:
    _fake_build(tmp_path / "out")
    assert previous_run(tmp_path / "out", "abc") is not None


@pytest.mark.parametrize(
    "spoil",
    [
        lambda out: (out / "index.html").write_text("<h1>edited</h1>", encoding="utf-8"),
        lambda out: (out / "personas.json").unlink(),
        lambda out: (out / "run.json").write_text("not json", encoding="utf-8"),
    ],
    ids=["output edited", "output deleted", "run.json unreadable"],
)
def test_spoilt_outputs_are_not_reused(tmp_path: Path, spoil) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    _fake_build(out)
    spoil(out)
    assert previous_run(out, "abc") is None


def test_other_inputs_or_missing_files_are_not_reused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _fake_build(out)
    assert previous_run(out, "other fingerprint") is None
    assert previous_run(out, "abc", required=("personas.duckdb",)) is None


def test_templates_fingerprint_follows_the_files(tmp_path: Path) -> None:
    assert templates_fingerprint(None) == ""
    (tmp_path / "brief.md.j2").write_text("a", encoding="utf-8")
    first = templates_fingerprint(tmp_path)
    (tmp_path / "brief.md.j2").write_text("b", encoding="utf-8")
    assert templates_fingerprint(tmp_path) != first


@pytest.mark.e2e
def test_unchanged_rebuild_reuses_and_template_change_only_rerenders(
    demo_build: Path, tmp_path: Path
) -> None:
    """The same build again takes no recomputation and leaves every output as it was;
    with a changed template only the documents are rendered again."""
    out = tmp_path / "out"
    shutil.copytree(demo_build, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "run.json"}
    again = run_cli("build", str(DEMO), "-o", str(out), "--quiet")
    assert again.returncode == 0, again.stderr
    assert "Reused" in again.stdout + again.stderr
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["reused"].startswith("everything:")
    assert set(run["timings_seconds"]) == {"discover"}
    assert {p: p.read_bytes() for p in before} == before

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "brief.md.j2").write_text(
        '{% extends "default:brief.md.j2" %}{% block title %}# Our brief\n{% endblock %}',
        encoding="utf-8",
    )
    changed = run_cli("build", str(DEMO), "-o", str(out), "--quiet", "--templates", str(templates))
    assert changed.returncode == 0, changed.stderr
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert "re-rendered" in run["reused"]
    assert (out / "brief.md").read_text(encoding="utf-8").startswith("# Our brief")
    assert (out / "personas.json").read_bytes() == before[out / "personas.json"]
    assert (out / "statements.csv").read_bytes() == before[out / "statements.csv"]
