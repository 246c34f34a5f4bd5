"""`personas profile`: one customer's profile read back from a build's output folder."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from personas.cli import app
from personas.errors import OutputError
from personas.ingest.result import IngestResult
from personas.models import (
    Record,
    Respondent,
    Segment,
    SegmentModel,
    Statement,
    Theme,
)
from personas.output.bundle import BUNDLE_DIR, BundleMeta, PersonaRef, ThemeRef
from personas.output.store import Store
from personas.output.tables import pseudonymiser, write_csv, write_database
from personas.privacy.hashing import SALT_ENV, hash_key
from personas.realtime.profile import CustomerProfile, key_forms, load_profile, load_profiles
from personas.segment.features import build_features, fit_encoder, profile_of, profiles_of
from personas.segment.fit import membership
from personas.segment.masked import centres_of, distances_to_centres
from tests.conftest import run_cli

runner = CliRunner()

# --- a small synthetic build, written by the build's own table writer ------------------

PEOPLE = [
    # key, age, device, orders (amounts), persona, statements (kind, theme, text)
    ("email:ann@example.org", 24, "Mobile", [40.0, 60.0], 1, [("pain", "pain-01", "Slow [b]post")]),
    ("email:bo@example.org", 27, "Mobile", [35.0], 1, [("pain", "pain-01", "Late parcel")]),
    ("email:cy@example.org", 22, "Mobile", [], 1, [("motivation", "mot-01", "Cheap")]),
    ("id:customer:2002", 30, "Mobile", [20.0, 25.0, 30.0], 1, []),
    ("email:di@example.org", 66, "Desktop", [120.0], 2, [("motivation", "mot-01", "Warm")]),
    ("email:ed@example.org", 71, "Desktop", [90.0, 95.0], 2, [("pain", "pain-01", "Tiny font")]),
    ("id:customer:c-1001", 62, "Desktop", [80.0], 2, []),
    ("id:requester:c-1001", 59, "Desktop", [], 2, [("other", None, "Thanks")]),
    ("row:survey.csv#row 9", None, "", [], 2, [("goal", "goal-01", "Walk more")]),
    ("email:quiet@example.org", None, "", [], 1, []),
]
THEMES = [
    Theme(theme_id=t, kind=k, label=label, keywords=[], size=1, representative_ids=[])
    for t, k, label in (
        ("pain-01", "pain", "Slow delivery"),
        ("mot-01", "motivation", "Value"),
        ("goal-01", "goal", "More walking"),
    )
]


def _records_and_statements() -> tuple[list[Record], list[Statement], list[Respondent]]:
    records, statements, respondents = [], [], []
    for n, (key, age, device, amounts, _, said) in enumerate(PEOPLE):
        attributes: dict[str, str | float] = {}
        if age is not None:
            attributes["age"] = float(age)
        if device:
            attributes["device"] = device
        own = [
            Record(
                record_id=f"orders.csv#row {n * 10 + i}",
                source="orders.csv",
                source_kind="orders",
                locator=f"row {n * 10 + i}",
                respondent_key=key,
                amount=amount,
            )
            for i, amount in enumerate(amounts)
        ]
        survey = Record(
            record_id=f"survey.csv#row {n + 2}",
            source="survey.csv",
            source_kind="survey",
            locator=f"row {n + 2}",
            respondent_key=key,
            attributes=attributes,
        )
        own.append(survey)
        for i, (kind, theme_id, text) in enumerate(said):
            statements.append(
                Statement(
                    statement_id=f"s-{n:02d}{i}",
                    record_id=survey.record_id,
                    source=survey.source,
                    source_kind="survey",
                    locator=survey.locator,
                    respondent_key=key,
                    field="q",
                    text=text,
                    kind=kind,
                    theme_id=theme_id,
                )
            )
        records += own
        respondents.append(
            Respondent(
                key=key,
                identified=not key.startswith("row:"),
                sources=sorted({r.source for r in own}),
                record_ids=[r.record_id for r in own],
                attributes=attributes,
                orders=len(amounts),
                total_spend=sum(amounts) if amounts else None,
                avg_order_value=sum(amounts) / len(amounts) if amounts else None,
            )
        )
    anonymous = Statement(
        statement_id="s-anon",
        record_id="social#1",
        source="social.json",
        source_kind="social",
        locator="comment 1",
        respondent_key=None,
        field="body",
        text="Nobody's words",
        kind="pain",
        theme_id="pain-01",
    )
    return records, [*statements, anonymous], respondents


def write_mini_build(out: Path) -> dict[str, float]:
    """A build folder from hand-made respondents: tables by tables.write_database (the
    build's own writer), assignments.csv and model/ as write_tables and save_bundle
    lay them out. Returns each key's confidence."""
    from safetensors.numpy import save_file

    out.mkdir(parents=True)
    records, statements, respondents = _records_and_statements()
    features = build_features(respondents, statements)
    labels = np.array([persona - 1 for *_, persona, _ in PEOPLE])
    centres = centres_of(
        features.matrix, features.known, labels, 2, np.zeros((2, features.matrix.shape[1]))
    )
    d2 = distances_to_centres(features.matrix, features.known, centres)
    temperature = float(np.median(d2))
    member = membership(d2, temperature)[np.arange(len(PEOPLE)), labels]
    keys = [r.key for r in respondents]
    model = SegmentModel(
        segments=[
            Segment(
                segment_id=s + 1,
                respondent_keys=[k for k, c in zip(keys, labels, strict=True) if c == s],
            )
            for s in (0, 1)
        ],
        method="hand-made",
        k=2,
        criterion="test",
        scores={},
        feature_names=list(features.names),
        confidence={k: round(float(c), 4) for k, c in zip(keys, member, strict=True)},
        distance={
            k: round(float(np.sqrt(d2[i, labels[i]])), 6)
            for i, k in enumerate(keys)
            if features.known[i].any()
        },
        centres=centres.tolist(),
        temperature=temperature,
    )
    pseudonym = pseudonymiser([], keys)
    persona_of = {k: f"p{c + 1}" for k, c in zip(keys, labels, strict=True)}
    store = Store(out / "personas.duckdb")
    try:
        write_database(
            store,
            IngestResult(records=records, roles=[], accounts=[]).records,
            respondents,
            statements,
            THEMES,
            persona_of,
            model,
            pseudonym,
        )
    finally:
        store.close()
    write_csv(
        out / "assignments.csv",
        ["respondent_key", "persona_id", "confidence", "respondent_id"],
        [[k, persona_of[k], f"{model.confidence[k]:.4f}", pseudonym(k)] for k in keys],
    )
    meta = BundleMeta(
        generator="test",
        embedding_model="none",
        encoder=fit_encoder(profiles_of(respondents, statements)),
        personas=[
            PersonaRef(persona_id="p1", name="Maya", label="young mobile shoppers"),
            PersonaRef(persona_id="p2", name="Graham", label="older desktop shoppers"),
        ],
        themes=[ThemeRef(theme_id=t.theme_id, kind=t.kind, label=t.label) for t in THEMES],
        reference_date=None,
        temperature=temperature,
        seed=1,
    )
    (out / BUNDLE_DIR).mkdir()
    (out / BUNDLE_DIR / "bundle.json").write_text(meta.model_dump_json(), encoding="utf-8")
    save_file(
        {"centres": centres, "theme_centroids": np.zeros((len(THEMES), 4), dtype=np.float32)},
        str(out / BUNDLE_DIR / "arrays.safetensors"),
    )
    return model.confidence


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("profile") / "out"
    write_mini_build(out)
    return out


# --- unit tests on the synthetic build ------------------------------------------------


def test_profile_shows_everything_known(mini: Path) -> None:
    """Attributes, orders, records, statements in order, themes and the persona by name."""
    p = load_profile(mini, "email:ann@example.org")
    assert (p.persona.persona_id, p.persona.name) == ("p1", "Maya")
    assert p.attributes == {"age": 24.0, "device": "Mobile"}
    assert (p.orders.orders, p.orders.total_spend, p.orders.avg_order_value) == (2, 100.0, 50.0)
    assert [(s.source, s.kind, s.records) for s in p.sources] == [
        ("orders.csv", "orders", 2),
        ("survey.csv", "survey", 1),
    ]
    assert [(s.locator, s.theme, s.text) for s in p.statements] == [
        ("row 2", "Slow delivery", "Slow [b]post")
    ]
    assert p.statements_by_kind == {"pain": 1, "motivation": 0, "goal": 0, "other": 0}
    assert [(t.theme_id, t.statements) for t in p.themes] == [("pain-01", 1)]


def test_confidence_and_persona_come_from_assignments(mini: Path) -> None:
    """Every respondent's persona and confidence are the ones assignments.csv holds."""
    with (mini / "assignments.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    profiles = load_profiles(mini, [r["respondent_key"] for r in rows])
    for row, p in zip(rows, profiles, strict=True):
        assert (p.key, p.persona.persona_id) == (row["respondent_key"], row["persona_id"])
        assert p.confidence == float(row["confidence"])
        assert p.respondent_id == row["respondent_id"]


def test_distance_is_the_segmentation_distance(mini: Path) -> None:
    """The stored distance is the masked distance to the own centre; percentiles rank it."""
    _, statements, respondents = _records_and_statements()
    features = build_features(respondents, statements)
    labels = np.array([persona - 1 for *_, persona, _ in PEOPLE])
    centres = centres_of(
        features.matrix, features.known, labels, 2, np.zeros((2, features.matrix.shape[1]))
    )
    d2 = distances_to_centres(features.matrix, features.known, centres)
    members = [i for i in range(len(PEOPLE)) if labels[i] == 1 and features.known[i].any()]
    own = {PEOPLE[i][0]: float(np.sqrt(d2[i, 1])) for i in members}
    got = {k: load_profile(mini, k).typicality for k in own}
    for key, distance in own.items():
        assert got[key].distance == pytest.approx(distance, abs=1e-4)
        assert got[key].members == len(own)
    nearest, farthest = min(own, key=own.__getitem__), max(own, key=own.__getitem__)
    assert got[nearest].percentile == pytest.approx(100 / len(own), abs=0.1)
    assert got[farthest].percentile == 100.0


def test_nothing_known_leaves_typicality_unknown(mini: Path) -> None:
    """A respondent with no feature the segmentation uses gets no distance, and says why."""
    t = load_profile(mini, "email:quiet@example.org").typicality
    assert (t.distance, t.percentile) == (None, None)
    assert t.note.startswith("unknown")


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ("  ANN@Example.ORG ", "email:ann@example.org"),
        ("Email:Ann@example.org", "email:ann@example.org"),
        ("2002", "id:customer:2002"),
        ("id:Customer: 2002", "id:customer:2002"),
        ("row:survey.csv#row 9", "row:survey.csv#row 9"),
    ],
)
def test_key_spellings(mini: Path, given: str, key: str) -> None:
    """Emails in any case and spacing, bare or prefixed ids, and row keys all find the person."""
    assert load_profile(mini, given).key == key


def test_respondent_id_finds_the_person(mini: Path) -> None:
    """The pseudonymous r-… id of statements.csv is accepted too."""
    rid = load_profile(mini, "email:bo@example.org").respondent_id
    assert rid.startswith("r-")
    assert load_profile(mini, rid).key == "email:bo@example.org"


def test_ambiguous_bare_id_names_the_candidates(mini: Path) -> None:
    """An id shared by two kinds of id is refused, listing both keys."""
    with pytest.raises(OutputError, match="id:customer:c-1001, id:requester:c-1001"):
        load_profile(mini, "#C-1001")


def test_unknown_key_says_how_many_and_suggests(mini: Path) -> None:
    """A missing key names the file, the respondent count and a close key."""
    with pytest.raises(OutputError) as info:
        load_profile(mini, "ann@example.com")
    message = str(info.value)
    assert "assignments.csv" in message and "lists 10 respondents" in message
    assert "email:ann@example.org" in message and "also tried email:ann@example.com" in message


def test_not_a_build(tmp_path: Path) -> None:
    """A missing folder or a folder without the build's files is a clean error."""
    with pytest.raises(OutputError, match="folder not found"):
        load_profile(tmp_path / "nope", "x")
    with pytest.raises(OutputError, match="not a personas build"):
        load_profile(tmp_path, "x")


def test_database_of_another_version_asks_for_a_rebuild(mini: Path, tmp_path: Path) -> None:
    """A respondents table without the distance column says to rebuild."""
    import shutil

    old = tmp_path / "old"
    shutil.copytree(mini, old)
    con = duckdb.connect(str(old / "personas.duckdb"))
    con.execute("ALTER TABLE respondents DROP COLUMN distance")
    con.close()
    with pytest.raises(OutputError, match="rebuild"):
        load_profile(old, "email:ann@example.org")


def test_hashed_keys_are_found_with_the_salt(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After --hash-keys, an email is hashed with the build's salt; without one, a hint."""
    import shutil

    hashed = tmp_path / "hashed"
    shutil.copytree(mini, hashed)
    path = hashed / "assignments.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    write_csv(path, rows[0], [[hash_key("pepper", r[0]), *r[1:]] for r in rows[1:]])
    monkeypatch.delenv(SALT_ENV, raising=False)
    with pytest.raises(OutputError, match=f"hashed.*{SALT_ENV}"):
        load_profile(hashed, "Ann@example.org")
    (hashed / "salt.txt").write_text("pepper\n", encoding="utf-8")
    assert load_profile(hashed, "Ann@example.org").key == hash_key(
        "pepper", "email:ann@example.org"
    )


def test_key_forms_never_guess_a_different_email() -> None:
    """Normalising only lower-cases and trims; it does not invent other addresses."""
    assert key_forms(" A@B.org ", None) == [" A@B.org ", "A@B.org", "email:a@b.org"]


def test_json_shape_is_stable(mini: Path) -> None:
    """--format json: one object with the documented fields; several keys give an array."""
    one = runner.invoke(app, ["profile", str(mini), "bo@example.org", "--format", "json"])
    assert one.exit_code == 0, one.output
    doc = json.loads(one.stdout)
    assert list(doc) == list(CustomerProfile.model_fields)
    assert list(doc["typicality"]) == ["distance", "percentile", "members", "note"]
    CustomerProfile.model_validate(doc)
    both = runner.invoke(app, ["profile", str(mini), "bo@example.org", "2002", "-f", "json"])
    assert [d["key"] for d in json.loads(both.stdout)] == [
        "email:bo@example.org",
        "id:customer:2002",
    ]


def test_text_output_shows_data_literally(mini: Path) -> None:
    """Rich output prints the customer's words as they are, never as markup."""
    result = runner.invoke(app, ["profile", str(mini), "ann@example.org"])
    assert result.exit_code == 0, result.output
    assert "Slow [b]post" in result.stdout
    assert "p1 Maya" in result.stdout and "Slow delivery" in result.stdout


# --- end to end on the demo build ----------------------------------------------------


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.e2e
def test_every_demo_respondent_has_a_profile(demo_build: Path) -> None:
    """The real CLI profiles every key of assignments.csv: persona, confidence and every
    statement of theirs in statements.csv, with a distance and percentile."""
    assignments = _read(demo_build / "assignments.csv")
    said = Counter(r["respondent_key"] for r in _read(demo_build / "statements.csv"))
    keys = [r["respondent_key"] for r in assignments]
    result = runner.invoke(app, ["profile", str(demo_build), *keys, "--format", "json"])
    assert result.exit_code == 0, result.output
    profiles = json.loads(result.stdout)
    assert len(profiles) == len(assignments)
    for row, p in zip(assignments, profiles, strict=True):
        assert p["key"] == row["respondent_key"]
        assert p["persona"]["persona_id"] == row["persona_id"]
        assert p["confidence"] == float(row["confidence"])
        assert len(p["statements"]) == said[row["respondent_id"]], p["key"]
        assert sum(p["statements_by_kind"].values()) == len(p["statements"])
        assert p["typicality"]["distance"] is not None, p["key"]
        assert 0 < p["typicality"]["percentile"] <= 100


@pytest.mark.e2e
def test_demo_distances_agree_with_the_bundle(demo_build: Path) -> None:
    """The distances stored at build time are what the saved encoder and centres give, and
    they reproduce the confidences in assignments.csv: the profile reads the real model."""
    from personas.output.bundle import load_bundle

    bundle = load_bundle(demo_build)
    con = duckdb.connect(str(demo_build / "personas.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT respondent_id, persona_id, age, nps, rating, orders, total_spend,"
        " avg_order_value, orders_per_year, recency_days, attributes, distance"
        " FROM respondents ORDER BY respondent_id"
    ).fetchall()
    themes: dict[str, Counter[str]] = {}
    for rid, theme_id, n in con.execute(
        "SELECT respondent_id, theme_id, count(*) FROM statements"
        " WHERE theme_id IS NOT NULL AND respondent_id <> '' GROUP BY ALL"
    ).fetchall():
        themes.setdefault(rid, Counter())[theme_id] = n
    con.close()
    profiles = []
    for rid, _, _, nps, rating, orders, spend, aov, per_year, recency, attrs, _ in rows:
        respondent = Respondent(
            key=rid,
            identified=True,
            sources=[],
            record_ids=[],
            attributes=json.loads(attrs),
            nps=nps,
            rating=rating,
            orders=orders,
            total_spend=spend,
            avg_order_value=aov,
            orders_per_year=per_year,
            recency_days=recency,
        )
        profiles.append(profile_of(respondent, themes.get(rid)))
    features = bundle.meta.encoder.transform(profiles)
    d2 = distances_to_centres(features.matrix, features.known, bundle.centres)
    index = {p.persona_id: i for i, p in enumerate(bundle.meta.personas)}
    own = np.array([index[r[1]] for r in rows])
    stored = np.array([r[-1] for r in rows], dtype=float)
    assert np.allclose(np.sqrt(d2[np.arange(len(rows)), own]), stored, atol=1e-5)
    confidence = {
        r["respondent_id"]: float(r["confidence"]) for r in _read(demo_build / "assignments.csv")
    }
    redone = membership(d2, bundle.meta.temperature)[np.arange(len(rows)), own]
    expected = np.array([confidence[r[0]] for r in rows])
    assert np.allclose(redone, expected, atol=1e-4)


@pytest.mark.e2e
def test_demo_profile_through_the_console_script(demo_build: Path) -> None:
    """The installed command finds an email typed in another case, and refuses an unknown
    key with one Error: line and exit 1."""
    first = _read(demo_build / "assignments.csv")[0]
    email = first["respondent_key"].removeprefix("email:")
    result = run_cli("profile", str(demo_build), f"  {email.upper()} ")
    assert result.returncode == 0, result.stderr
    assert first["respondent_key"] in result.stdout and "Typicality" in result.stdout
    missing = run_cli("profile", str(demo_build), "nobody-at-all@example.invalid")
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: no respondent") and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
