"""The command line: help, version, clean errors, and no heavy imports up front."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personas import __version__
from personas.cli import app
from tests.conftest import ROOT, run_cli

runner = CliRunner()
COMMANDS = tuple(sorted(c.name or c.callback.__name__ for c in app.registered_commands))


def test_all_commands_registered() -> None:
    """Every command of the product is on the CLI."""
    assert set(COMMANDS) >= {"build", "inspect", "init", "assign", "serve", "audit"}


def test_version() -> None:
    """--version prints the package version."""
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    """Each command explains itself with --help."""
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output) > 200


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command: str) -> None:
    """The README documents every command."""
    assert f"personas {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_importing_the_cli_does_not_import_torch() -> None:
    """`personas --help` stays instant: no torch, bertopic, spaCy or transformers on import."""
    code = (
        "import sys, personas.cli; "
        "names = ('torch', 'bertopic', 'spacy', 'sentence_transformers', 'transformers'); "
        "heavy = [m for m in names if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_importing_the_pipeline_leaves_model_libraries_for_later() -> None:
    """The local engine forks prepare while the parent loads the model: what the pipeline
    imports up front delays both, so scikit-learn and the model libraries wait for their stage."""
    code = (
        "import sys, personas.pipeline; "
        "names = ('torch', 'bertopic', 'spacy', 'sklearn', 'sentence_transformers'); "
        "print(','.join(m for m in names if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_missing_folder_is_one_clean_error(tmp_path: Path) -> None:
    """A folder that does not exist ends in one Error: line and exit 1, no traceback."""
    result = run_cli("build", str(tmp_path / "nope"), "-o", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ")
    assert "nope" in result.stderr and "Traceback" not in result.stderr


def test_folder_without_usable_files(tmp_path: Path) -> None:
    """A folder with no supported file says so cleanly."""
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    result = run_cli("build", str(tmp_path), "-o", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr


def test_bad_config_names_the_key(tmp_path: Path) -> None:
    """An invalid personas.toml value is reported with its key."""
    (tmp_path / "personas.toml").write_text("k_max = 40\n", encoding="utf-8")
    (tmp_path / "a.csv").write_text(
        "Email,Comment\nx@example.com,The jacket leaked badly on day one\n", encoding="utf-8"
    )
    result = run_cli("build", str(tmp_path), "-o", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 1
    assert "k_max" in result.stderr and result.stderr.startswith("Error: ")


def test_unknown_config_key_is_rejected(tmp_path: Path) -> None:
    """A misspelt key is an error, not silently ignored."""
    (tmp_path / "personas.toml").write_text("sed = 3\n", encoding="utf-8")
    result = run_cli("inspect", str(tmp_path))
    assert result.returncode == 1
    assert "sed" in result.stderr


def test_rebuild_removes_stale_persona_documents(tmp_path: Path) -> None:
    """Persona documents from an earlier build are removed; other files are left alone."""
    from personas.output.folder import OutputFolder

    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "p7-old-persona.md").write_text("stale", encoding="utf-8")
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    OutputFolder(tmp_path).prepare()
    assert not (folder / "p7-old-persona.md").exists()
    assert (folder / "notes.txt").exists()


LEAVE = """
import atexit, sys, types
from pathlib import Path
if sys.argv[1] == "torch":
    sys.modules["torch"] = types.ModuleType("torch")  # as after a build: torch is loaded
from personas.cli import leave
atexit.register(lambda: Path(sys.argv[2]).write_text("ran"))
print("said", end="")  # buffered: a pipe
leave(int(sys.argv[3]) if sys.argv[3].isdigit() else sys.argv[3])
"""


@pytest.mark.parametrize("torch", ["torch", "plain"])
@pytest.mark.parametrize(
    ("code", "rc", "err"), [("0", 0, ""), ("3", 3, ""), ("bad news", 1, "bad news")]
)
def test_leave_runs_exit_handlers_and_keeps_code_and_output(
    tmp_path: Path, torch: str, code: str, rc: int, err: str
) -> None:
    """Ending without the interpreter's teardown (after torch) still runs the exit
    handlers, flushes what was printed and keeps the exit code, as a plain exit does."""
    flag = tmp_path / "flag"
    proc = subprocess.run(
        [sys.executable, "-c", LEAVE, torch, str(flag), code],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == rc, proc.stderr
    assert proc.stdout == "said"
    assert proc.stderr.strip() == err
    assert flag.read_text() == "ran"
