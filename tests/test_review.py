"""Reviewed edits: stored in personas.toml, applied by the build, served by the review API.

Unit tests on hand-made themes and statements, and on a build folder made from the
sample document; the real CLI and a real browser are in test_review_browser.py.
"""

from __future__ import annotations

import csv
import json
import threading
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from personas.config import load_config
from personas.errors import ConfigError
from personas.models import Segment, SegmentModel, Statement, Theme
from personas.review.apply import apply_persona_edits, apply_theme_edits, stale_warnings
from personas.review.edits import (
    ApprovePersona,
    HideTheme,
    MergeThemes,
    MoveTheme,
    PersonaRef,
    QuoteRef,
    RejectQuote,
    RenameTheme,
    Review,
    SplitTheme,
    ThemeRef,
)
from personas.review.server import create_review_app
from personas.review.store import ReviewStore
from personas.synthesize.document import Coverage, Persona
from tests.conftest import ROOT, run_cli

USER_TOML = """# my settings
seed = 7  # keep this comment

[names]
women = ["Ada", "Grace"]

[[themes]]
name = "Delivery"
examples = ["late parcel", "slow delivery"]
"""


def _theme(tid: str, label: str, keywords: list[str], size: int) -> Theme:
    return Theme(
        theme_id=tid,
        kind=tid.split("-")[0],
        label=label,
        keywords=keywords,
        size=size,
        representative_ids=[],
    )


def _statement(sid: str, theme_id: str | None, text: str) -> Statement:
    return Statement(
        statement_id=sid,
        record_id=f"r.csv#{sid}",
        source="r.csv",
        source_kind="reviews",
        locator=sid,
        respondent_key=None,
        field="body",
        text=text,
        kind=theme_id.split("-")[0] if theme_id else "pain",
        theme_id=theme_id,
    )


THEMES = [
    _theme("pain-01", "Slow refunds", ["refund", "weeks", "money", "return"], 3),
    _theme("pain-02", "Refund delays", ["refund", "delay", "waiting", "bank"], 2),
    _theme("pain-03", "Postage costs", ["postage", "cost", "delivery"], 3),
    _theme("motivation-01", "Build quality", ["quality", "seams", "zips"], 1),
]
STATEMENTS = [
    _statement("s-000001", "pain-01", "The refund took weeks"),
    _statement("s-000002", "pain-01", "Still waiting for my money"),
    _statement("s-000003", "pain-01", "Return label missing"),
    _statement("s-000004", "pain-02", "Refund delayed again"),
    _statement("s-000005", "pain-02", "The bank says no refund yet"),
    _statement("s-000006", "pain-03", "Postage costs too much on small orders"),
    _statement("s-000007", "pain-03", "Delivery charges are high"),
    _statement("s-000008", "pain-03", "Postage doubled the price of small orders"),
    _statement("s-000009", "motivation-01", "Seams and zips last for years"),
]
MODEL = SegmentModel(
    segments=[Segment(segment_id=1, respondent_keys=[], distinctive=["theme:pain-02 +0.4"])],
    method="test",
    k=1,
    criterion="test",
    scores={},
    feature_names=[],
)


def ref(theme: Theme, label: str | None = None) -> ThemeRef:
    return ThemeRef(
        id=theme.theme_id, kind=theme.kind, label=label or theme.label, keywords=theme.keywords
    )


def test_edits_apply_in_order_and_keep_the_evidence() -> None:
    """Rename, merge, split, move and hide change labels and membership, never add a statement."""
    t1, t2, t3, m1 = THEMES
    review = Review(
        edits=[
            RenameTheme(id=1, theme=ref(t1), label="Refunds take weeks"),
            # made before a rebuild: still names pain-01 by its old label (keywords match)
            MergeThemes(id=2, theme=ref(t1), other=ref(t2)),
            SplitTheme(id=3, theme=ref(t3), phrase="small orders", label="Small-order postage"),
            MoveTheme(id=4, theme=ref(m1), kind="goal"),
            RejectQuote(
                id=5, quote=QuoteRef(statement_id="s-000007", text="Delivery charges are high")
            ),
        ]
    )
    out = apply_theme_edits(THEMES, STATEMENTS, MODEL, review)
    assert [o.status for o in out.outcomes] == ["applied"] * 5
    by_id = {t.theme_id: t for t in out.themes}
    assert by_id["pain-01"].label == "Refunds take weeks"
    assert by_id["pain-01"].size == 5 and "pain-02" not in by_id
    members = {s.statement_id for s in out.statements if s.theme_id == "pain-01"}
    assert members == {"s-000001", "s-000002", "s-000003", "s-000004", "s-000005"}
    assert by_id["pain-04"].label == "Small-order postage"
    assert {s.statement_id for s in out.statements if s.theme_id == "pain-04"} == {
        "s-000006",
        "s-000008",
    }
    assert by_id["goal-01"].label == "Build quality"
    assert next(s for s in out.statements if s.statement_id == "s-000009").kind == "goal"
    assert out.rejected == frozenset({"s-000007"})
    assert [s.statement_id for s in out.statements] == [s.statement_id for s in STATEMENTS]
    # the merged theme's distinctive feature now names the theme it joined
    assert out.model.segments[0].distinctive == ["theme:pain-01 +0.4"]


def test_hidden_theme_leaves_no_trace_in_claims_or_features() -> None:
    """A hidden theme is gone from the themes and features; its statements stay, unthemed."""
    out = apply_theme_edits(
        THEMES, STATEMENTS, MODEL, Review(edits=[HideTheme(id=1, theme=ref(THEMES[1]))])
    )
    assert "pain-02" not in {t.theme_id for t in out.themes}
    assert {s.statement_id for s in out.statements if s.theme_id is None} == {
        "s-000004",
        "s-000005",
    }
    assert out.model.segments[0].distinctive == []


def test_stale_edits_are_reported_not_dropped() -> None:
    """An edit whose theme, quote or persona is gone is reported with a warning."""
    gone = ThemeRef(id="pain-09", kind="pain", label="Broken zips", keywords=["zip", "broke"])
    review = Review(
        edits=[
            HideTheme(id=1, theme=gone),
            RenameTheme(id=2, theme=ref(THEMES[0]), label="Refunds"),
            RejectQuote(id=3, quote=QuoteRef(statement_id="s-0000ff", text="not said")),
            ApprovePersona(id=4, persona=PersonaRef(id="p1", respondents=99), who="ann"),
        ]
    )
    out = apply_theme_edits(THEMES, STATEMENTS, MODEL, review)
    persona = Persona.model_construct(
        persona_id="p1",
        name="Ada",
        coverage=Coverage.model_construct(respondents=12),
    )
    _, persona_outcomes = apply_persona_edits([persona], review)
    outcomes = out.outcomes + persona_outcomes
    assert [(o.id, o.status) for o in outcomes] == [
        (1, "stale"),
        (2, "applied"),
        (3, "stale"),
        (4, "stale"),
    ]
    warnings = stale_warnings(outcomes)
    assert len(warnings) == 3
    assert warnings[0].startswith("review edit #1 (hide_theme) no longer applies: theme pain-09")


def test_store_keeps_the_rest_of_the_file_and_every_version(tmp_path: Path) -> None:
    """The user's settings and comments survive; the history holds each version."""
    config = tmp_path / "personas.toml"
    config.write_text(USER_TOML, encoding="utf-8")
    store = ReviewStore(config)
    first = store.add(RenameTheme(theme=ref(THEMES[0]), label='Refunds "take" weeks\n'), "ann")
    store.add(HideTheme(theme=ref(THEMES[1]), why="noise"), "bob")
    store.revoke(first.id, "ann")
    text = config.read_text(encoding="utf-8")
    assert text.startswith(USER_TOML)
    settings = load_config(tmp_path)
    assert settings.seed == 7 and settings.names.women == ["Ada", "Grace"]
    assert [e.action for e in settings.review.edits] == ["hide_theme"]
    assert settings.review.edits[0].who == "bob" and settings.review.edits[0].why == "noise"
    history = [json.loads(line) for line in store.history.read_text().splitlines()]
    assert [(h["change"], h["edit"]) for h in history] == [("add", 1), ("add", 2), ("revoke", 1)]
    assert history[0]["edits"][0]["label"] == 'Refunds "take" weeks\n'
    assert "review" not in settings.model_dump()  # never in run.json's "config"


def test_concurrent_saves_keep_every_edit(tmp_path: Path) -> None:
    """Edits saved at once from several threads (two tabs) are all kept, numbered apart."""
    store = ReviewStore(tmp_path / "personas.toml")

    def save(n: int) -> None:
        for i in range(8):
            store.add(RenameTheme(theme=ref(THEMES[0]), label=f"Label {n}-{i}"), f"tab{n}")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    edits = store.read().edits
    assert len(edits) == 24
    assert sorted(e.id for e in edits) == list(range(1, 25))
    assert len(tomllib.loads(store.path.read_text())["review"]["edits"]) == 24


def test_a_bad_review_section_is_one_clear_error(tmp_path: Path) -> None:
    """A hand-edited review section with a wrong type names the key."""
    (tmp_path / "personas.toml").write_text(
        '[[review.edits]]\naction = "hide_theme"\ntheme = { id = "pain-01", kind = "pain", '
        "label = 3 }\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="review"):
        load_config(tmp_path)


# -- the API, on a build folder made from the sample document -----------------------------


@pytest.fixture
def build_folder(tmp_path: Path) -> tuple[Path, Path]:
    """OUT (personas.json, statements.csv, run.json) and INPUT for the review API."""
    doc = json.loads((ROOT / "tests/fixtures/sample_document.json").read_text(encoding="utf-8"))
    for p in doc["personas"]:
        p["persona_id"] = p["persona_id"].lower()
    out, inp = tmp_path / "out", tmp_path / "in"
    out.mkdir()
    inp.mkdir()
    (out / "personas.json").write_text(json.dumps(doc), encoding="utf-8")
    (out / "run.json").write_text(json.dumps({"input_dir": str(inp), "config": {}}))
    rows = {}
    for p in doc["personas"]:
        for field in ("goals", "motivations", "pains"):
            for c in p[field]:
                for sid in c["evidence_ids"]:
                    rows[sid] = [sid, "s.csv", "row 2", "", c["kind"], c["theme_id"], f"text {sid}"]
                for q in c["quotes"]:
                    rows[q["statement_id"]] = [q["statement_id"], q["source"], q["locator"], ""]
                    rows[q["statement_id"]] += [c["kind"], c["theme_id"], q["text"]]
    with (out / "statements.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["statement_id", "source", "locator", "respondent_key", "kind", "theme_id", "text"]
        )
        writer.writerows(rows.values())
    return out, inp


def _client(build_folder: tuple[Path, Path], token: str | None = None) -> TestClient:
    out, inp = build_folder
    app = create_review_app(
        out,
        inp,
        inp / "personas.toml",
        "ann",
        token=token,
        allowed_hosts=frozenset({"127.0.0.1"}),
    )
    headers = {"X-Personas-Review": "1"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return TestClient(app, base_url="http://127.0.0.1", headers=headers)


def _theme_json(client: TestClient, theme_id: str) -> dict[str, object]:
    theme = next(t for t in client.get("/api/state").json()["themes"] if t["theme_id"] == theme_id)
    keys = ("theme_id", "kind", "label", "keywords")
    return dict(zip(("id", "kind", "label", "keywords"), (theme[k] for k in keys), strict=True))


def test_api_previews_validates_and_saves(build_folder: tuple[Path, Path]) -> None:
    """Preview says what changes; a wrong id, kind or type is refused; a save lands in the TOML."""
    client = _client(build_folder)
    assert "review" in client.get("/").text
    pain1, pain2 = _theme_json(client, "pain-01"), _theme_json(client, "pain-02")
    motivation = _theme_json(client, "motivation-01")
    merge = {"action": "merge_themes", "theme": pain1, "other": pain2}
    changes = client.post("/api/preview", json=merge).json()["changes"]
    assert "into pain-01" in changes[0] and "evidence is kept" in changes[1]
    assert not (build_folder[1] / "personas.toml").exists()  # a preview saves nothing
    wrong_kind = client.post("/api/preview", json={**merge, "other": motivation})
    assert wrong_kind.status_code == 409 and "same kind" in wrong_kind.json()["detail"]
    missing = client.post("/api/edits", json={**merge, "other": {**pain2, "id": "pain-77"}})
    assert missing.status_code == 409 and "not in this build" in missing.json()["detail"]
    wrong_type = client.post("/api/edits", json={"action": "rename_theme", "theme": pain1})
    assert wrong_type.status_code == 422 and "label" in wrong_type.json()["detail"]
    saved = client.post("/api/edits", json={**merge, "why": "same thing"})
    assert saved.status_code == 200 and saved.json()["edit"]["who"] == "ann"
    again = client.post("/api/edits", json={"action": "hide_theme", "theme": pain2})
    assert again.status_code == 409 and "pending edit #1" in again.json()["detail"]
    state = client.get("/api/state").json()
    assert [(e["id"], e["status"]) for e in state["edits"]] == [(1, "pending")]
    assert client.delete("/api/edits/1").status_code == 200
    assert client.delete("/api/edits/1").status_code == 404


def test_api_refuses_foreign_hosts_missing_headers_and_wrong_tokens(
    build_folder: tuple[Path, Path],
) -> None:
    """DNS rebinding, cross-site posts and a wrong token are all refused."""
    client = _client(build_folder, token="s3cret-token")
    assert client.get("/api/state").status_code == 200
    assert client.get("/api/state", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/state", headers={"Host": "evil.example:8765"}).status_code == 403
    bare = client.post(
        "/api/edits",
        json={"action": "note", "target": "build", "text": "hi"},
        headers={"X-Personas-Review": ""},
    )
    assert bare.status_code == 403


def test_api_concurrent_saves_from_two_tabs(build_folder: tuple[Path, Path]) -> None:
    """Two tabs saving at the same moment both keep their edit."""
    client = _client(build_folder)
    pain1 = _theme_json(client, "pain-01")
    results: list[int] = []

    def tab(label: str) -> None:
        for i in range(5):
            body = {"action": "rename_theme", "theme": pain1, "label": f"{label} {i}"}
            results.append(client.post("/api/edits", json=body).status_code)

    threads = [threading.Thread(target=tab, args=(name,)) for name in ("Left", "Right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 10
    labels = {e["label"] for e in client.get("/api/state").json()["edits"]}
    assert labels == {f"{side} {i}" for side in ("Left", "Right") for i in range(5)}


def test_review_refuses_an_open_host_without_a_token(tmp_path: Path) -> None:
    """--host other than loopback needs --token: one Error line, no server."""
    result = run_cli("review", str(tmp_path), "--host", "0.0.0.0", "--no-browser")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: --host 0.0.0.0 would let other machines")


def test_a_folder_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    """Saving where no file can be written is a ConfigError naming the file, not a traceback."""
    not_a_folder = tmp_path / "in"
    not_a_folder.write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"in/personas.toml: cannot save the review"):
        ReviewStore.for_input(not_a_folder).add(HideTheme(theme=ref(THEMES[0])), "ann")


def test_edits_follow_their_theme_when_ids_shift() -> None:
    """New data renumbers themes: an edit finds its theme by label, not a stranger by id."""
    shifted = [
        _theme("pain-01", "Postage costs", ["postage", "cost", "delivery"], 3),
        _theme("pain-02", "Slow refunds", ["refund", "weeks", "money", "return"], 3),
    ]
    statements = [
        s.model_copy(update={"theme_id": {"pain-03": "pain-01", "pain-01": "pain-02"}[s.theme_id]})
        for s in STATEMENTS
        if s.theme_id in ("pain-01", "pain-03")
    ]
    review = Review(edits=[RenameTheme(id=1, theme=ref(THEMES[0]), label="Refund waits")])
    out = apply_theme_edits(shifted, statements, MODEL, review)
    assert [t.label for t in out.themes] == ["Postage costs", "Refund waits"]
