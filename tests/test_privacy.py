"""Privacy by default: redaction in prepare, small groups, clean quotes, hashed keys, and
an end-to-end build of the planted-PII corpus (tests/fixtures/pii) with the real CLI."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from personas.config import Config
from personas.errors import NoUsableInput
from personas.models import (
    NumberSummary,
    Record,
    Segment,
    SegmentModel,
    SegmentStats,
    Share,
    Statement,
    TextField,
)
from personas.output.folder import SALT_TXT as SALT_FILE
from personas.output.tables import pseudonymiser
from personas.privacy.hashing import hash_key, key_writer
from personas.privacy.toxicity import is_toxic
from personas.synthesize.document import UNKNOWN
from personas.synthesize.personas import (
    Evidence,
    category_fact,
    channel_facts,
    number_fact,
    pick_quotes,
    synthesize,
)
from personas.understand.embed import Embeddings
from personas.understand.prepare import load_nlp, prepare_statements
from tests.conftest import ROOT, run_cli

PII = ROOT / "tests" / "fixtures" / "pii"
SHAREABLE = (".md", ".html", ".json", ".csv", ".txt")


def stats(**kw) -> SegmentStats:  # type: ignore[no-untyped-def]
    empty = NumberSummary(n=0)
    base = dict(segment_id=1, size=40, share=0.4, age=empty, categories={}, category_known={})
    base |= dict(nps=empty, rating=empty, spend_total=empty, avg_order_value=empty)
    base |= dict(orders_per_year=empty, recency_days=empty, themes=[], sources={}, statements=0)
    base.update(kw)
    return SegmentStats(**base)


def statement(sid: str, text: str, key: str | None = "email:a@example.com") -> Statement:
    return Statement(
        statement_id=sid,
        record_id=f"r#{sid}",
        source="survey.csv",
        source_kind="survey",
        locator="row 2",
        respondent_key=key,
        field="q",
        text=text,
    )


# ---------------------------------------------------------------- redaction in prepare


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()[0]


def test_placeholders_survive_sentence_splitting(nlp) -> None:  # type: ignore[no-untyped-def]
    """A redacted email or phone stays one placeholder, so its sentence is kept whole."""
    rec = Record(
        record_id="s#1",
        source="s.csv",
        source_kind="survey",
        locator="row 2",
        texts=(
            TextField(field="q", text="Slow refunds. Email me at jo@example.com or 07700 900779"),
        ),
    )
    texts = [s.text for s in prepare_statements([rec], nlp).statements]
    assert texts == ["Slow refunds.", "Email me at [EMAIL] or [PHONE]"]


def test_names_known_in_one_record_are_redacted_in_another(nlp) -> None:  # type: ignore[no-untyped-def]
    """A customer's name from a name column is redacted where someone else mentions it."""
    a = Record(
        record_id="s#1",
        source="s.csv",
        source_kind="survey",
        locator="row 2",
        texts=(TextField(field="q", text="The saddle is comfortable on long rides"),),
        names=("Rhiannon Pritchard",),
    )
    b = a.model_copy(
        update={
            "record_id": "s#2",
            "names": (),
            "texts": (TextField(field="q", text="Rhiannon from my club put me onto you"),),
        }
    )
    texts = [s.text for s in prepare_statements([a, b], nlp).statements]
    assert "[NAME] from my club put me onto you" in texts


# ---------------------------------------------------------------- small groups


def test_min_group_raises_the_minimum_segment_size() -> None:
    """No segment may be smaller than min_group_size, whatever min_segment_size says."""
    assert Config(min_group_size=12, min_segment_size=3).min_segment_size == 12
    assert Config().min_group_size == 5


def test_small_cells_are_hidden() -> None:
    """Category values held by fewer than k people are not listed; below k known it is unknown."""
    shares = [
        Share(value="LS1 4NX", count=1, share=0.1),
        Share(value="Leeds", count=6, share=0.6),
        Share(value="York", count=3, share=0.3),
    ]
    st = stats(categories={"region": shares}, category_known={"region": 10})
    assert category_fact(st, "region", "", k=5).value == "Leeds (60%)"
    hidden = category_fact(st, "region", "", k=7)
    assert hidden.value == UNKNOWN and "7 or more" in hidden.basis
    assert number_fact("Age", NumberSummary(n=6, median=30, q1=29, q3=31), k=7).value == UNKNOWN
    facts = channel_facts(stats(size=40, sources={"reviews": 3, "survey": 37}), k=5)
    assert [f.value for f in facts] == [UNKNOWN, "37 of 40 (92%)"]


def test_persona_below_min_group_is_refused() -> None:
    """A segment smaller than min_group_size ends the build with a clear error."""
    model = SegmentModel(
        segments=[Segment(segment_id=1, respondent_keys=["email:a@x.org"], distinctive=[])],
        method="single segment",
        k=1,
        criterion="",
        scores={},
        feature_names=[],
        confidence={},
    )
    ev = Evidence([], Embeddings((), np.zeros((0, 4), "float32"), "m", 0), {}, {})
    with pytest.raises(NoUsableInput, match="min_group_size"):
        synthesize([stats(size=1)], model, [], ev, {}, set(), min_group=5)


# ---------------------------------------------------------------- quotes


@pytest.mark.parametrize(
    ("text", "toxic"),
    [
        ("the customer service is shit", True),
        ("sh1t fit and worse service", True),
        ("f*ck this app", True),
        ("your staff are idiots", True),
        ("Shut up and take my money", True),
        ("the chain lube is great", False),
        ("the nude colour is lovely", False),
        ("the screw came loose on day two", False),
        ("I hate the sizing", False),
        ("Scunthorpe delivery was quick", False),
    ],
)
def test_toxicity_lexicon(text: str, toxic: bool) -> None:
    """Swearing (also obfuscated) and insults are toxic; product words and complaints are not."""
    assert is_toxic(text) is toxic


def test_quotes_are_never_toxic_or_personal() -> None:
    """Quote picking skips abusive statements and any with a placeholder."""
    texts = [
        "the refund took three weeks and nobody answered",
        "the refund took ages, you useless idiots",
        "the refund took ages, call me on [PHONE] about it",
        "the refund was slow but the staff were kind",
    ]
    cands = [statement(f"s{i}", t) for i, t in enumerate(texts)]
    emb = Embeddings(tuple(s.statement_id for s in cands), np.eye(4, dtype="float32"), "m", 0)
    ev = Evidence(cands, emb, {}, {})
    chosen = {q.text for q in pick_quotes(cands, ev, 4)}
    assert chosen == {texts[0], texts[3]}


# ---------------------------------------------------------------- keys


def test_hashed_keys_and_salt_file(tmp_path: Path) -> None:
    """--hash-keys: a derived salt goes to salt.txt; a given salt is never written."""
    write = key_writer(tmp_path / SALT_FILE, True, None, ["abc"], ["email:a@x.org"])
    salt = (tmp_path / SALT_FILE).read_text(encoding="utf-8").strip()
    assert write("email:a@x.org") == hash_key(salt, "email:a@x.org")
    assert re.fullmatch(r"h-[0-9a-f]{64}", write("email:a@x.org"))
    given = key_writer(tmp_path / SALT_FILE, True, "partner-salt-1", ["abc"], ["email:a@x.org"])
    assert not (tmp_path / SALT_FILE).exists()
    assert given("email:a@x.org") == hash_key("partner-salt-1", "email:a@x.org")
    assert key_writer(tmp_path / SALT_FILE, False, None, [], [])("email:a@x.org") == "email:a@x.org"


def test_pseudonym_key_is_not_derivable_from_run_json() -> None:
    """The pseudonym key mixes in every respondent key, not only the published input hashes."""
    from personas.models import Source

    src = [
        Source(path="a.csv", kind="survey", format="csv", sha256="0" * 64, size_bytes=1, reason="")
    ]
    assert pseudonymiser(src)("email:a@x.org") != pseudonymiser(src, ["email:a@x.org"])(
        "email:a@x.org"
    )


def test_salt_is_never_dumped() -> None:
    """The salt stays out of run.json's config and out of reprs."""
    config = Config(hash_keys=True, salt="a-secret-salt")
    assert "salt" not in config.model_dump(mode="json") and "a-secret" not in repr(config)


# ---------------------------------------------------------------- end to end


def shareable(out: Path) -> list[Path]:
    return [
        p
        for p in sorted(out.rglob("*"))
        if p.suffix in SHAREABLE and p.name not in ("assignments.csv", SALT_FILE)
    ]


def leaks(value: str, kind: str, text: str) -> bool:
    """Whether a planted value (or, for names, any part of it) appears in an output text."""
    if kind == "name":
        parts = [value] + [p for p in re.split(r"[\s.]+", value) if len(p) >= 3]
        return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text) for p in parts)
    if kind in ("email", "handle", "url"):
        return value.lower().lstrip("@") in text.lower()
    compact = re.sub(r"[^0-9A-Za-z]", "", value)
    return value in text or compact in re.sub(r"[^0-9A-Za-z]", "", text)


@pytest.fixture(scope="module")
def planted_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real build of the planted-PII corpus, with --hash-keys (derived salt)."""
    out = tmp_path_factory.mktemp("pii") / "out"
    result = run_cli("build", str(PII / "corpus"), "-o", str(out), "--hash-keys", "--quiet")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def manifest() -> list[dict[str, str]]:
    return json.loads((PII / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.e2e
def test_no_planted_value_in_any_shareable_output(planted_build: Path, manifest) -> None:  # type: ignore[no-untyped-def]
    """Every planted email, phone, card, IBAN, address, handle, id and name is absent from
    every shareable file (all but assignments.csv and salt.txt)."""
    files = shareable(planted_build)
    assert {"statements.csv", "themes.csv", "personas.json", "brief.md", "index.html"} <= {
        p.name for p in files
    }
    texts = {p: p.read_text(encoding="utf-8") for p in files}
    found = [
        (m["kind"], m["value"], p.name)
        for m in manifest
        for p, text in texts.items()
        if leaks(m["value"], m["kind"], text)
    ]
    assert not found, found[:10]
    kinds = {m["kind"] for m in manifest}
    assert {"phone_uk", "phone_us", "phone_de", "phone_fr", "card", "iban", "name"} <= kinds


@pytest.mark.e2e
def test_name_recall_on_planted_names(planted_build: Path, manifest) -> None:  # type: ignore[no-untyped-def]
    """At least 95% of the names planted in free text (signatures, greetings, sign-offs,
    cue words, bare mentions) are gone from their record's statements."""
    with (planted_build / "statements.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_place: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row["source"], row["locator"])
        by_place[key] = by_place.get(key, "") + "\n" + row["text"]
    columns = ("identity column", "review author")  # not in free text
    planted = [m for m in manifest if m["kind"] == "name" and m["context"] not in columns]
    assert len(planted) >= 80
    kept = [
        m for m in planted if leaks(m["value"], "name", by_place.get((m["file"], m["locator"]), ""))
    ]
    assert 1 - len(kept) / len(planted) >= 0.95, kept


@pytest.mark.e2e
def test_assignments_carry_salted_hashes(planted_build: Path) -> None:
    """With --hash-keys, assignments.csv holds h-<hmac> keys made with OUT/salt.txt."""
    salt = (planted_build / SALT_FILE).read_text(encoding="utf-8").strip()
    with (planted_build / "assignments.csv").open(encoding="utf-8", newline="") as f:
        keys = [r["respondent_key"] for r in csv.DictReader(f)]
    assert keys and all(re.fullmatch(r"h-[0-9a-f]{64}", k) for k in keys)
    assert hash_key(salt, "email:priya.raman@example.net") in keys
    assert "salt" not in json.loads((planted_build / "run.json").read_text())["config"]


@pytest.mark.e2e
def test_audit_passes_the_build_and_catches_a_doctored_copy(
    planted_build: Path, tmp_path: Path
) -> None:
    """`personas audit` exits 0 on the real build and 1 on a copy with one leak put back."""
    clean = run_cli("audit", str(planted_build))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "No personal data found" in clean.stdout
    doctored = tmp_path / "doctored"
    shutil.copytree(planted_build, doctored)
    brief = doctored / "brief.md"
    brief.write_text(brief.read_text(encoding="utf-8") + "\nAsk Siobhan on 0151 23450056\n")
    found = run_cli("audit", str(doctored))
    assert found.returncode == 1
    assert "brief.md:" in found.stdout and "phone: 0151 23450056" in found.stdout
    assert "known name: Siobhan" in found.stdout


@pytest.mark.e2e
def test_user_salt_and_min_group(tmp_path: Path) -> None:
    """--salt hashes with the user's salt and writes no salt file; --min-group 8 leaves no
    claim, fact or persona resting on fewer than 8 people."""
    out = tmp_path / "out"
    args = ("build", str(PII / "corpus"), "-o", str(out), "--quiet", "--min-group", "8")
    result = run_cli(*args, "--salt", "our-shared-salt")
    assert result.returncode == 0, result.stderr
    assert not (out / SALT_FILE).exists()
    with (out / "assignments.csv").open(encoding="utf-8", newline="") as f:
        keys = {r["respondent_key"] for r in csv.DictReader(f)}
    assert hash_key("our-shared-salt", "email:priya.raman@example.net") in keys
    doc = json.loads((out / "personas.json").read_text(encoding="utf-8"))
    for persona in doc["personas"]:
        assert persona["coverage"]["respondents"] >= 8
        for claim in persona["pains"] + persona["motivations"] + persona["goals"]:
            assert len(claim["evidence_ids"]) >= 8
        for fact in persona["demographics"] + persona["behaviour"]:
            counts = [int(n) for n in re.findall(r"(\d+) (?:of \d+ )?respondents", fact["basis"])]
            assert fact["value"] == UNKNOWN or all(n >= 8 for n in counts), fact


def test_fixture_corpus_is_reproducible(tmp_path: Path) -> None:
    """The seeded generator writes exactly the committed corpus and manifest."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", PII / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    manifest = module.generate(tmp_path)
    assert manifest == json.loads((PII / "manifest.json").read_text(encoding="utf-8"))
    for path in sorted((PII / "corpus").rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / path.relative_to(PII / "corpus")).read_bytes()
