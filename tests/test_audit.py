"""`personas audit`: finds personal data in an output folder, passes a clean one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personas.cli import app
from personas.errors import OutputError
from personas.output.audit import Known, audit_output, scan_line
from tests.conftest import ROOT, run_cli

runner = CliRunner()
NONE = Known()


def output_folder(tmp_path: Path, brief: str, input_dir: Path | None = None) -> Path:
    """A minimal output folder: run.json, personas.json, a brief and the key files."""
    out = tmp_path / "out"
    (out / "personas").mkdir(parents=True)
    run = {"input_dir": str(input_dir) if input_dir else "", "config": {}}
    (out / "run.json").write_text(json.dumps(run), encoding="utf-8")
    (out / "personas.json").write_text('{"personas": []}\n', encoding="utf-8")
    (out / "brief.md").write_text(brief, encoding="utf-8")
    (out / "assignments.csv").write_text("respondent_key\nemail:jo@example.com\n")
    (out / "salt.txt").write_text("0123456789abcdef\n", encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("write to jo.bloggs@example.org", "email"),
        ("call 07700 900123", "phone"),
        ("Handy +49 30 12345678", "phone"),
        ("card 4111 1111 1111 1111", "card"),
        ("IBAN DE89 3704 0044 0532 0130 00", "iban"),
        ("12 High Street, Leeds LS1 4AB", "address"),
        ("see @trail_mum_88", "handle"),
        ("order #RL-10423", "id"),
        ("https://x.example.com/r?token=abc", "url"),
        ("quote: my sister Linda was cross", "name after a cue"),
    ],
)
def test_each_kind_is_found(line: str, kind: str) -> None:
    """Every kind of personal value is reported with its kind."""
    assert kind in {k for k, _ in scan_line(line, NONE)}


@pytest.mark.parametrize(
    "line",
    [
        "  color: #333333; @media (max-width: 600px) {",
        '"statement_id": "s-1e7e433905b8", "respondent_key": "r-452ea02c1667"',
        '"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
        '"weight": 0.816496580927726, "share": 0.0900537634408602',
        "support/2026-01-30-0017.eml, row 211, median 253.34–312.66",
        "See https://example.org/docs for the method",
    ],
)
def test_the_tools_own_text_is_not_personal(line: str) -> None:
    """CSS, the tool's ids and hashes, weights, money, dates, file names and plain links pass."""
    assert scan_line(line, NONE) == []


def test_audit_reports_file_and_line_and_skips_key_files(tmp_path: Path) -> None:
    """A planted leak is reported with its file and line; key files are not scanned."""
    out = output_folder(tmp_path, "# Brief\n\nAll good.\nCall Jo on 07700 900123.\n")
    report = audit_output(out)
    assert [(f.path, f.line, f.kind) for f in report.findings] == [("brief.md", 4, "phone")]
    assert {"assignments.csv", "salt.txt"} <= set(report.skipped)
    assert "brief.md" in report.scanned and not report.clean


def test_audit_looks_for_the_inputs_people(tmp_path: Path) -> None:
    """With the input folder still there, a respondent's name or email in an output is found."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "survey.csv").write_text(
        "Email,First Name,Last Name,What could we do better?\n"
        "rhiannon.p@example.net,Rhiannon,Pritchard,The sizing runs small on every jersey\n"
        "tomasz.k@example.net,Tomasz,Kowalski,Delivery of spare parts takes weeks\n",
        encoding="utf-8",
    )
    out = output_folder(tmp_path, "Rhiannon said the sizing runs small.\n", inputs)
    report = audit_output(out)
    assert ("known name", "Rhiannon") in {(f.kind, f.value) for f in report.findings}
    assert report.inputs_checked == str(inputs)
    assert audit_output(out, check_inputs=False).clean


def test_not_an_output_folder_is_a_clear_error(tmp_path: Path) -> None:
    """A folder without run.json and personas.json is refused with a message saying so."""
    with pytest.raises(OutputError, match="not a personas output folder"):
        audit_output(tmp_path)
    with pytest.raises(OutputError, match="no such folder"):
        audit_output(tmp_path / "nope")


def test_cli_exit_codes(tmp_path: Path) -> None:
    """The real CLI exits 1 and prints FILE:LINE on a leak, 0 on a clean folder."""
    out = output_folder(tmp_path, "Write to jo.bloggs@example.org\n")
    found = run_cli("audit", str(out))
    assert found.returncode == 1
    assert "brief.md:1: email: jo.bloggs@example.org" in found.stdout
    (out / "brief.md").write_text("Nothing personal here.\n", encoding="utf-8")
    clean = run_cli("audit", str(out))
    assert clean.returncode == 0 and "No personal data found" in clean.stdout
    missing = run_cli("audit", str(tmp_path / "nope"))
    assert missing.returncode == 1 and missing.stderr.startswith("Error: ")


def test_audit_has_help_and_is_in_the_readme() -> None:
    """`personas audit --help` explains the command, and the README documents it."""
    result = runner.invoke(app, ["audit", "--help"])
    assert result.exit_code == 0 and "Exit code" in result.output
    assert "personas audit" in (ROOT / "README.md").read_text(encoding="utf-8")
