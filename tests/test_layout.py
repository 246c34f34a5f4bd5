"""The output folder has one owner: no module outside ``personas.output`` spells a file name
of it (``personas.output.folder`` names them all), so renaming one is one edit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from personas.output.folder import ARTEFACT_NAMES

SRC = Path(__file__).resolve().parents[1] / "src" / "personas"
OWNER = SRC / "output"
# Not the output folder's: the review page's own static file, and a URL of the API.
NOT_OUTPUT = {("review/server.py", "index.html"), ("realtime/serve.py", "personas/")}


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring constants (module, class, function): they may name files."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
        ):
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def spelled_names(source: str, rel: str = "") -> list[tuple[int, str, str]]:
    """(line, artefact name, string) for every string constant, f-string parts included,
    that contains an output file name; docstrings and comments do not count."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if id(node) in skip:
            continue
        for name in ARTEFACT_NAMES:
            if name in node.value and (rel, name) not in NOT_OUTPUT:
                found.append((node.lineno, name, node.value))
    return found


def test_the_check_catches_a_planted_name() -> None:
    """The check itself: a literal, an f-string part and a help text are caught; a
    docstring and a comment are not."""
    planted = '''
"""Module docstring naming run.json."""
def f(out):
    """Reads personas.json."""  # and assignments.csv
    a = out / "run.json"
    b = f"{out}/statements.csv is missing"
    return a, b, dict(help="Writes brief.md too")
'''
    names = [name for _, name, _ in spelled_names(planted)]
    assert names == ["run.json", "statements.csv", "brief.md"]


@pytest.mark.parametrize(
    "path",
    sorted(p for p in SRC.rglob("*.py") if OWNER not in p.parents),
    ids=lambda p: p.relative_to(SRC).as_posix(),
)
def test_no_module_outside_output_spells_an_output_file_name(path: Path) -> None:
    rel = path.relative_to(SRC).as_posix()
    found = spelled_names(path.read_text(encoding="utf-8"), rel)
    assert not found, (
        f"{rel} spells output file names (ask personas.output.folder instead): "
        + "; ".join(f"line {line}: {name} in {text!r}" for line, name, text in found)
    )
