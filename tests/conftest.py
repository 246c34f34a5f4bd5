"""Shared fixtures. The hub libraries are forced offline for every test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from personas.offline import OFFLINE_ENV

for _key, _value in OFFLINE_ENV.items():
    os.environ[_key] = _value

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo-shop"
SHARED_DATA = ROOT.parent / "shared" / "data"


def run_cli(
    *args: str, cwd: Path | None = None, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """Run the real `personas` console script in a subprocess."""
    exe = Path(sys.executable).with_name("personas")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout, check=False
    )


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real build of the demo corpus, shared by the end-to-end tests."""
    out = tmp_path_factory.mktemp("demo") / "out"
    result = run_cli("build", str(DEMO), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def tagger():  # type: ignore[no-untyped-def]
    """spaCy's packaged tagger, as labels use it (skips where the package is missing)."""
    from personas.understand.themes import load_tagger

    found = load_tagger()
    if found is None:
        pytest.skip("the packaged spaCy pipeline is not installed")
    return found


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current templates instead of comparing with it",
    )


# -- a tiny corpus full of markup, built once with a user templates folder ------------------

SCRIPT_PAYLOAD = "<script>document.title='pwned'</script>"
ONERROR_PAYLOAD = "<img src=x onerror=\"document.title='pwned'\">"
_LIKES = (
    "the waterproof jackets keep me dry on long walks",
    "delivery is fast and well packed",
    "the fleeces stay warm after many washes",
    "boots that are comfortable from day one",
    "friendly help when I ring the shop",
    "kit that lasts for years of hard use",
)
_PAINS = (
    "postage costs too much on small orders",
    "refunds take weeks after a return",
    "sizes run small so I send things back",
    "the app crashes at checkout",
    "popular sizes sell out before the sale",
    "zips break after a few months",
)
_WHEN = ("every winter", "on family holidays", "most weekends", "when it rains", "this year")
# A user's templates: one replaces the brief, one extends the packaged persona Markdown.
OVERRIDE_TEMPLATES = {
    "brief.md.j2": "# Our own brief\n\n{% for p in doc.personas %}- {{ p.name }}\n{% endfor %}",
    "persona.md.j2": '{% extends "default:persona.md.j2" %}\n'
    "{% block summary %}\nEXTENDED summary of {{ persona.persona_id }}\n{% endblock %}\n",
}


def write_markup_corpus(folder: Path, people: int = 36) -> None:
    """Survey and reviews (synthetic) whose answers, review texts and one question carry
    script and onerror payloads; a category answer keeps one as a value."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "survey.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "Email Address",
                "How old are you?",
                "What is your gender?",
                f"Which team do you support? {SCRIPT_PAYLOAD}",
                "What do you like most about us?",
                "What frustrates you most?",
                "How likely are you to recommend us? (0-10)",
            ]
        )
        for i in range(people):
            w.writerow(
                [
                    f"person{i}@example.org",
                    20 + (i * 7) % 50,
                    ("Woman", "Man")[i % 2],
                    (ONERROR_PAYLOAD, "Blue team")[i % 2],
                    f"Honestly {_LIKES[i % 6]} {_WHEN[i % 5]}. {SCRIPT_PAYLOAD}",
                    f"{_PAINS[i % 6].capitalize()} {_WHEN[(i + 3) % 5]}, {ONERROR_PAYLOAD} meh.",
                    i % 11,
                ]
            )
    with (folder / "reviews.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["email", "rating", "title", "body"])
        for i in range(people):
            w.writerow(
                [
                    f"person{i}@example.org",
                    1 + i % 5,
                    f"Review {i} {SCRIPT_PAYLOAD}",
                    f"{_PAINS[(i + 2) % 6].capitalize()} {_WHEN[i % 5]} {SCRIPT_PAYLOAD}. "
                    f"Still, {_LIKES[(i + 1) % 6]} {ONERROR_PAYLOAD}.",
                ]
            )


@pytest.fixture(scope="session")
def markup_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real build of the markup corpus with ``--templates`` (OVERRIDE_TEMPLATES)."""
    root = tmp_path_factory.mktemp("markup")
    write_markup_corpus(root / "in")
    templates = root / "templates"
    templates.mkdir()
    for name, text in OVERRIDE_TEMPLATES.items():
        (templates / name).write_text(text, encoding="utf-8")
    out = root / "out"
    result = run_cli(
        "build", str(root / "in"), "-o", str(out), "--quiet", "--templates", str(templates)
    )
    assert result.returncode == 0, result.stderr
    return out
