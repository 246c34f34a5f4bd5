"""End-to-end: the real CLI, the real packaged models, the real DuckDB file, the demo corpus."""

from __future__ import annotations

import csv
import json
import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

import jsonschema
import pytest

from personas.output.tables import pseudonymiser
from tests.conftest import DEMO, ROOT, SHARED_DATA, run_cli

pytestmark = pytest.mark.e2e

CONTRACT = (
    "index.html",
    "personas.json",
    "brief.md",
    "assignments.csv",
    "statements.csv",
    "themes.csv",
    "run.json",
)
SHAREABLE_SUFFIXES = (".md", ".html", ".json", ".csv")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def shareable_files(out: Path) -> list[Path]:
    return [
        p
        for p in sorted(out.rglob("*"))
        if p.suffix in SHAREABLE_SUFFIXES and p.name != "assignments.csv"
    ]


def test_contract_files_exist(demo_build: Path) -> None:
    """Every file of the output contract is written, plus one .md and .html per persona."""
    for name in CONTRACT:
        assert (demo_build / name).is_file(), name
    doc = json.loads((demo_build / "personas.json").read_text(encoding="utf-8"))
    for p in doc["personas"]:
        stem = demo_build / "personas" / f"{p['persona_id']}-{p['slug']}"
        assert stem.with_suffix(".md").is_file() and stem.with_suffix(".html").is_file()


def test_personas_json_validates_against_shipped_schema(demo_build: Path) -> None:
    """personas.json validates against the JSON Schema inside the package."""
    schema = json.loads(
        (ROOT / "src/personas/schema/personas.schema.json").read_text(encoding="utf-8")
    )
    doc = json.loads((demo_build / "personas.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    assert doc["schema_version"] == "1.0"


def test_personas_rest_on_evidence(demo_build: Path) -> None:
    """At least 3 personas, each with pains and motivations whose evidence exists verbatim."""
    doc = json.loads((demo_build / "personas.json").read_text(encoding="utf-8"))
    statements = {r["statement_id"]: r for r in read_csv(demo_build / "statements.csv")}
    assert len(doc["personas"]) >= 3
    for persona in doc["personas"]:
        assert persona["pains"], persona["persona_id"]
        assert persona["motivations"], persona["persona_id"]
        for claim in persona["pains"] + persona["motivations"] + persona["goals"]:
            assert claim["evidence_ids"]
            assert set(claim["evidence_ids"]) <= set(statements)
            assert claim["quotes"]
            for quote in claim["quotes"]:
                row = statements[quote["statement_id"]]
                assert quote["text"] in row["text"]
                assert row["theme_id"] == claim["theme_id"]
                assert (row["source"], row["locator"]) == (quote["source"], quote["locator"])


QUOTE_LINE = re.compile(r"^> “(.*)”$")
CITED_ID = re.compile(r"statement `(s-[0-9a-f]+)`")


def test_every_quote_and_evidence_id_resolves(demo_build: Path) -> None:
    """Walk every persona: each quote (claims and proof) is a statement of statements.csv
    word for word with its source and locator, each evidence id is a row there, and each
    quote and id cited in the rendered Markdown is one of them."""
    doc = json.loads((demo_build / "personas.json").read_text(encoding="utf-8"))
    statements = {r["statement_id"]: r for r in read_csv(demo_build / "statements.csv")}
    walked = 0
    for persona in doc["personas"]:
        claims = persona["goals"] + persona["motivations"] + persona["pains"]
        quotes = [q for c in claims for q in c["quotes"]] + persona["proof"]
        assert persona["proof"], persona["persona_id"]
        for q in quotes:
            row = statements[q["statement_id"]]
            assert q["text"] == row["text"], q["statement_id"]
            assert (q["source"], q["locator"]) == (row["source"], row["locator"])
        for claim in claims:
            missing = [sid for sid in claim["evidence_ids"] if sid not in statements]
            assert not missing, (claim["theme_id"], missing[:3])
            assert {statements[s]["theme_id"] for s in claim["evidence_ids"]} == {claim["theme_id"]}
            walked += len(claim["evidence_ids"])
        md = (demo_build / "personas" / f"{persona['persona_id']}-{persona['slug']}.md").read_text(
            encoding="utf-8"
        )
        texts = {statements[s]["text"] for s in CITED_ID.findall(md)}
        cited = [m.group(1) for line in md.splitlines() if (m := QUOTE_LINE.match(line))]
        assert cited and set(cited) <= texts, persona["persona_id"]
    assert walked > 100


def test_every_input_row_is_accounted_for(demo_build: Path) -> None:
    """run.json lists every input file with used + skipped == total rows, and reasons."""
    run = json.loads((demo_build / "run.json").read_text(encoding="utf-8"))
    inputs = {i["path"] for i in run["inputs"]}
    by_source = run["rows"]["by_source"]
    assert {a["source"] for a in by_source} == inputs
    for account in by_source:
        assert account["rows_used"] + account["rows_skipped"] == account["rows_total"], account[
            "source"
        ]
        skipped = [i for i in account["issues"] if i["skipped"]]
        assert len(skipped) == account["rows_skipped"], account["source"]
    assert run["rows"]["skipped"] > 0  # the demo corpus plants bad rows


def test_assignments_cover_every_respondent(demo_build: Path) -> None:
    """assignments.csv has one row per respondent, a known persona and a confidence."""
    doc = json.loads((demo_build / "personas.json").read_text(encoding="utf-8"))
    rows = read_csv(demo_build / "assignments.csv")
    ids = {p["persona_id"] for p in doc["personas"]}
    assert len(rows) == doc["corpus"]["respondents"]
    assert len({r["respondent_key"] for r in rows}) == len(rows)
    assert all(r["persona_id"] in ids and 0 < float(r["confidence"]) <= 1 for r in rows)
    sizes = {p["persona_id"]: p["coverage"]["respondents"] for p in doc["personas"]}
    for pid, size in sizes.items():
        assert sum(r["persona_id"] == pid for r in rows) == size


def test_sizes_recomputable_with_sql(demo_build: Path) -> None:
    """Persona sizes in personas.json are recomputable from the DuckDB tables."""
    import duckdb

    doc = json.loads((demo_build / "personas.json").read_text(encoding="utf-8"))
    con = duckdb.connect(str(demo_build / "personas.duckdb"), read_only=True)
    sizes = dict(con.execute("SELECT persona_id, count(*) FROM respondents GROUP BY 1").fetchall())
    n_statements = con.execute("SELECT count(*) FROM statements").fetchone()[0]
    con.close()
    assert sizes == {p["persona_id"]: p["coverage"]["respondents"] for p in doc["personas"]}
    assert n_statements == doc["corpus"]["statements"]


def _input_secrets() -> tuple[set[str], set[str]]:
    """Emails and full names present in the demo corpus inputs."""
    emails: set[str] = set()
    names: set[str] = set()
    for path in DEMO.rglob("*"):
        if path.is_file():
            emails.update(
                e.lower()
                for e in EMAIL_RE.findall(path.read_text(encoding="utf-8", errors="ignore"))
            )
    for row in read_csv(DEMO / "reviews.csv"):
        if " " in row["author"].strip() and not row["author"].strip().endswith("."):
            names.add(row["author"].strip())
    for eml in (DEMO / "support").glob("*.eml"):
        try:
            msg = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
            addr = msg["from"].addresses[0] if msg["from"] else None
        except Exception:  # the corpus plants one file that is not an email
            continue
        if addr is not None and " " in addr.display_name:
            names.add(addr.display_name)
    return emails, names


def test_no_personal_data_in_shareable_outputs(demo_build: Path) -> None:
    """No input email or full customer name appears in any shareable output."""
    emails, names = _input_secrets()
    assert emails and names
    for path in shareable_files(demo_build):
        text = path.read_text(encoding="utf-8")
        lower = text.lower()
        leaked_emails = {e for e in emails if e in lower}
        assert not leaked_emails, f"{path.name}: {sorted(leaked_emails)[:3]}"
        leaked_names = {n for n in names if n in text}
        assert not leaked_names, f"{path.name}: {sorted(leaked_names)[:3]}"
        assert not re.search(r"07700 ?900 ?\d{3}", text), path.name


def test_statement_keys_are_pseudonymous(demo_build: Path) -> None:
    """statements.csv carries keyed-hash respondent ids that assignments.csv maps back."""
    rows = read_csv(demo_build / "statements.csv")
    assignments = {r["respondent_id"] for r in read_csv(demo_build / "assignments.csv")}
    keyed = [r["respondent_key"] for r in rows if r["respondent_key"]]
    assert keyed and all(k.startswith("r-") for k in keyed)
    assert set(keyed) <= assignments
    assert callable(pseudonymiser([]))


def test_same_seed_same_bytes(demo_build: Path, tmp_path: Path) -> None:
    """A second build with the same seed writes byte-identical documents."""
    out = tmp_path / "again"
    result = run_cli("build", str(DEMO), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    first = {p.relative_to(demo_build) for p in shareable_files(demo_build) if p.name != "run.json"}
    second = {p.relative_to(out) for p in shareable_files(out) if p.name != "run.json"}
    assert first == second
    for rel in sorted(first):
        assert (demo_build / rel).read_bytes() == (out / rel).read_bytes(), rel


def test_report_is_self_contained(demo_build: Path) -> None:
    """index.html references nothing outside itself and shows every persona."""
    html = (demo_build / "index.html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html
    doc = json.loads((demo_build / "personas.json").read_text(encoding="utf-8"))
    for p in doc["personas"]:
        assert p["name"] in html


def test_inspect_shows_files_roles_and_problems() -> None:
    """`personas inspect` lists the demo files, column roles, people and problems."""
    result = run_cli("inspect", str(DEMO))
    assert result.returncode == 0, result.stderr
    for expected in (
        "survey.csv",
        "reviews.csv",
        "orders.csv",
        "identity",
        "nps",
        "text",
        "Problems",
    ):
        assert expected in result.stdout, expected


@pytest.mark.skipif(
    not (SHARED_DATA / "surveys").is_dir(), reason="../shared/data is not beside the clone"
)
def test_real_survey_builds(tmp_path: Path) -> None:
    """The real R community survey (Google Forms) builds into >= 3 personas with many pains."""
    out = tmp_path / "out"
    result = run_cli("build", str(SHARED_DATA / "surveys"), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    doc = json.loads((out / "personas.json").read_text(encoding="utf-8"))
    assert len(doc["personas"]) >= 3
    statements = read_csv(out / "statements.csv")
    least = [s for s in statements if s["kind"] == "pain"]
    assert len(least) > 300
