"""The quality section: NPMI, figures, warning limits, and the report and run.json showing it."""

from __future__ import annotations

import html
import json
import math
import re
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from personas.models import Segment, SegmentModel, Statement, Theme
from personas.output.render import render
from personas.synthesize.document import Persona, PersonasDocument, Quality
from personas.synthesize.quality import (
    LIMITS,
    grade,
    npmi,
    npmi_by_topic,
    quality_section,
    record_texts,
    theme_coherence,
    topic_words,
    warnings_for,
)

FIXTURE = Path(__file__).parent / "fixtures" / "sample_document.json"


def _binary(docs: list[str]) -> tuple[sparse.csr_matrix, dict[str, int]]:
    vocab = sorted({w for d in docs for w in d.split()})
    index = {w: j for j, w in enumerate(vocab)}
    rows = [(i, index[w]) for i, d in enumerate(docs) for w in set(d.split())]
    data = np.ones(len(rows))
    matrix = sparse.csr_matrix(
        (data, ([r for r, _ in rows], [c for _, c in rows])), shape=(len(docs), len(vocab))
    )
    return matrix, index


def _statement(i: int, text: str, kind: str = "pain", **kw: object) -> Statement:
    fields: dict[str, object] = {
        "statement_id": f"s{i}",
        "record_id": f"r{i}",
        "source": "survey.csv",
        "source_kind": "survey",
        "locator": f"row {i + 2}",
        "respondent_key": f"email:{i}",
        "field": "q",
        "text": text,
        "kind": kind,
        "kind_confidence": 0.9,
        "theme_id": "pain-01",
    }
    fields.update(kw)
    return Statement.model_validate(fields)


def _persona(base: Persona, pid: str, respondents: int, evidence: list[int]) -> Persona:
    template = (base.goals + base.motivations + base.pains)[0]
    claims = [
        template.model_copy(
            update={"label": f"claim {j}", "evidence_ids": [f"s{k}" for k in range(n)]}
        )
        for j, n in enumerate(evidence)
    ]
    return base.model_copy(
        update={
            "persona_id": pid,
            "name": f"Name {pid}",
            "coverage": base.coverage.model_copy(update={"respondents": respondents}),
            "goals": [],
            "motivations": claims[:1],
            "pains": claims[1:],
        }
    )


@pytest.fixture
def doc() -> PersonasDocument:
    return PersonasDocument.model_validate_json(FIXTURE.read_text(encoding="utf-8"))


def _model(stability: float | None = None, per: dict[int, float | None] | None = None):  # type: ignore[no-untyped-def]
    per = per or {}
    return SegmentModel(
        segments=[Segment(segment_id=i, respondent_keys=[], stability=per.get(i)) for i in (1, 2)],
        method="test",
        k=2,
        criterion="test",
        scores={},
        feature_names=[],
        stability=stability,
        silhouette=0.3,
    )


# -- NPMI ---------------------------------------------------------------------------------------


def test_npmi_known_answers_on_a_toy_corpus() -> None:
    """Always together scores 1, never together −1, independent 0 (the textbook cases)."""
    docs = ["a b x", "a b y", "c d x", "c d y"]
    matrix, index = _binary(docs)
    together, never, independent = npmi_by_topic(
        [["a", "b"], ["a", "c"], ["a", "x"]], matrix, index
    )
    assert together == pytest.approx(1.0)
    assert never == pytest.approx(-1.0)
    assert independent == pytest.approx(0.0, abs=1e-12)


def test_npmi_skips_unknown_words_and_single_word_topics() -> None:
    """A word missing from the vocabulary is skipped; fewer than two words gives None."""
    matrix, index = _binary(["a b", "a b", "c"])
    assert npmi_by_topic([["a", "zzz"], ["a", "b", "zzz"]], matrix, index) == [
        None,
        pytest.approx(1.0),
    ]


def _reference_npmi(topics: list[list[str]], matrix: sparse.csr_matrix, index: dict[str, int]):  # type: ignore[no-untyped-def]
    """The straightforward pair-by-pair definition (the benchmark's former copy)."""
    dense = matrix.toarray() > 0
    n = dense.shape[0]
    scores = []
    for words in topics:
        cols = [index[w] for w in words if w in index]
        for a, b in combinations(cols, 2):
            p_ab = float(np.mean(dense[:, a] & dense[:, b]))
            if p_ab == 0:
                scores.append(-1.0)
                continue
            p_a, p_b = dense[:, a].mean(), dense[:, b].mean()
            scores.append(math.log(p_ab / (p_a * p_b)) / -math.log(p_ab) if p_ab < 1 else 1.0)
    _ = n
    return float(np.mean(scores))


def test_vectorised_npmi_matches_the_pairwise_definition() -> None:
    """The one-product NPMI equals the pair-by-pair one on a random corpus."""
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(30)]
    docs = [" ".join(rng.choice(words, size=rng.integers(2, 9))) for _ in range(200)]
    matrix, index = _binary(docs)
    topics = [list(rng.choice(words, size=6, replace=False)) for _ in range(5)]
    assert npmi(topics, matrix, index) == pytest.approx(_reference_npmi(topics, matrix, index))


def test_topic_words_split_bigrams_and_keep_order() -> None:
    """Keyword bigrams are scored as their words, each word once, first seen first."""
    assert topic_words(["size", "kids sizes", "sizes", "size chart"]) == [
        "size",
        "kids",
        "sizes",
        "chart",
    ]


def test_theme_coherence_counts_records_as_documents() -> None:
    """Two words said in one record, in different statements, count as co-occurring."""
    statements = [
        _statement(0, "The zip broke", record_id="r0"),
        _statement(1, "the seam split too", record_id="r0"),
        _statement(2, "zip and seam again", record_id="r1"),
        _statement(3, "Lovely colour", record_id="r2"),
        _statement(4, "colour fades", record_id="r3"),
    ]
    assert record_texts(statements) == [
        "The zip broke the seam split too",
        "zip and seam again",
        "Lovely colour",
        "colour fades",
    ]
    theme = Theme(
        theme_id="pain-01",
        kind="pain",
        label="x",
        keywords=["zip", "seam split"],
        size=2,
        representative_ids=[],
    )
    mixed = theme.model_copy(update={"theme_id": "pain-02", "keywords": ["zip", "colour"]})
    rare = theme.model_copy(update={"theme_id": "pain-03", "keywords": ["broke", "lovely"]})
    scores = theme_coherence(record_texts(statements), [theme, mixed, rare])
    # zip+seam: both in 2 of 4 records, always together; zip+seam+split: split is in 1
    # record, too rare to judge beside either (expected 0.5 < 1); broke+lovely likewise.
    assert scores == {"pain-01": 1.0, "pain-02": -1.0, "pain-03": None}


def test_rare_pairs_are_not_judged_unless_asked() -> None:
    """Below one expected co-occurrence a pair is skipped; with min_expected=0 it scores −1."""
    matrix, index = _binary(["a x", "b y", "x y", "x y"])
    assert npmi_by_topic([["a", "b"]], matrix, index, min_expected=1.0) == [None]
    assert npmi_by_topic([["a", "b"]], matrix, index) == [pytest.approx(-1.0)]


# -- figures and warnings ------------------------------------------------------------------------


def test_section_figures_from_statements_model_and_personas(doc: PersonasDocument) -> None:
    """Themed share over themable kinds, confidence quartiles, link rate, evidence counts."""
    statements = [
        _statement(0, "zip broke", kind_confidence=0.2),
        _statement(1, "zip broke again", kind_confidence=0.6),
        _statement(2, "seam split", kind_confidence=0.8, theme_id=None),
        _statement(3, "hello", kind="other", kind_confidence=1.0, theme_id=None),
    ]
    personas = [
        _persona(doc.personas[0], "p1", 40, [3, 9]),
        _persona(doc.personas[0], "p2", 50, [12]),
    ]
    links = {
        "a.csv": {"records": 8, "identified": 6, "linked": 1},
        "b.json": {"records": 2, "identified": 0, "linked": 0},
        "c.csv": {"records": 5, "identified": 4, "linked": 3},
    }
    q = quality_section(statements, [], _model(0.8, {1: 0.9, 2: 0.7}), personas, links)
    assert q.statements_themed_share == pytest.approx(2 / 3, abs=1e-4)
    assert q.outlier_share == pytest.approx(1 / 3, abs=1e-4)
    assert q.kind_confidence == {"median": 0.7, "q1": 0.5, "q3": 0.85, "low_share": 0.25}
    assert q.link_rate == 0.4  # linked / identified over the files naming people
    assert (q.silhouette, q.stability) == (0.3, 0.8)
    assert q.stability_by_persona == {"p1": 0.9, "p2": 0.7}
    assert (q.evidence_min, q.evidence_median) == (3, 9.0)
    assert q.coherence_npmi is None  # no themes, nothing to score


def test_unmeasured_stability_is_none_and_not_a_warning(doc: PersonasDocument) -> None:
    """Unmeasured stability and silhouette, and one file naming people (nothing to link),
    are None ("not measured") and give no warning."""
    personas = [_persona(doc.personas[0], "p1", 40, [20])]
    model = _model().model_copy(update={"silhouette": None})
    links = {"a.csv": {"records": 3, "identified": 3, "linked": 0}}
    q = quality_section([_statement(0, "zip broke")], [], model, personas, links)
    assert (q.silhouette, q.stability, q.stability_by_persona) == (None, None, {"p1": None})
    assert q.link_rate is None
    assert q.warnings == []
    assert grade("stability", None) == "not measured"


@pytest.mark.parametrize(
    ("figure", "good", "fair", "weak"),
    [
        ("outlier_share", 0.05, 0.10, 0.1001),
        ("coherence_npmi", 0.05, -0.05, -0.0501),
        ("kind_low_share", 0.10, 0.25, 0.2501),
        ("link_rate", 0.50, 0.20, 0.1999),
        ("silhouette", 0.25, 0.10, 0.0999),
        ("stability", 0.75, 0.60, 0.5999),
        ("evidence_min", 10, 5, 4),
    ],
)
def test_grade_limits(figure: str, good: float, fair: float, weak: float) -> None:
    """Each figure is good at its good limit, fair at its weak limit, weak just past it."""
    assert (grade(figure, good), grade(figure, fair), grade(figure, weak)) == (
        "good",
        "fair",
        "weak",
    )


def _quality(**update: object) -> Quality:
    base = Quality(
        statements_themed_share=0.99,
        outlier_share=0.01,
        coherence_npmi=0.1,
        kind_confidence={"median": 0.9, "q1": 0.8, "q3": 1.0, "low_share": 0.05},
        link_rate=0.9,
        silhouette=0.3,
        stability=0.9,
        stability_by_persona={},
        evidence_min=20,
        evidence_median=30.0,
        warnings=[],
    )
    return base.model_copy(update=update)


def test_no_warnings_when_every_figure_is_fine(doc: PersonasDocument) -> None:
    """A build with nothing weak gets no warnings (the thresholds are not always on)."""
    personas = [_persona(doc.personas[0], "p1", 30, [5, 40])]
    assert warnings_for(_quality(), personas, [], {}, 0.5) == []


def test_warnings_name_the_weak_spots(doc: PersonasDocument) -> None:
    """Every figure past its limit gives one plain-language warning naming what and how much."""
    personas = [
        _persona(doc.personas[0], "p1", 12, [3, 40]),
        _persona(doc.personas[0], "p2", 400, [40]),
    ]
    theme = Theme(
        theme_id="pain-01",
        kind="pain",
        label="Zip and colour",
        keywords=[],
        size=9,
        representative_ids=[],
    )
    q = _quality(
        outlier_share=0.38,
        coherence_npmi=-0.2,
        kind_confidence={"median": 0.6, "q1": 0.4, "q3": 0.8, "low_share": 0.3},
        link_rate=0.12,
        silhouette=0.05,
        stability=0.5,
        stability_by_persona={"p1": 0.9, "p2": 0.45},
    )
    got = warnings_for(q, personas, [theme], {"pain-01": -0.5}, 0.6)
    expected = [
        "persona p1 (Name p1) rests on 12 respondents: its shares could be off by about ±28 points",
        "38% of statements have no theme",
        "60% of statements are neither a pain point, a motivation nor a goal",
        "mean NPMI -0.20",
        "“Zip and colour” (-0.50)",
        "30% of statements were classified with low confidence",
        "only 12% of the records that name a person link to the same person in another file",
        "silhouette 0.05",
        "(stability 0.50)",
        "persona p2 (Name p2) does not hold up when the data is resampled (stability 0.45)",
        "1 claim(s) rest on fewer than 5 statements: p1 “claim 0” (3)",
    ]
    assert len(got) == len(expected)
    for fragment, warning in zip(expected, got, strict=True):
        assert fragment in warning


def test_long_warning_lists_are_cut_to_three_names(doc: PersonasDocument) -> None:
    """More than three thin claims: the three thinnest are named, the rest counted."""
    personas = [_persona(doc.personas[0], "p1", 100, [4, 1, 3, 2, 4])]
    (warning,) = warnings_for(_quality(), personas, [], {}, 0.0)
    assert warning.startswith("5 claim(s) rest on fewer than 5 statements: p1 “claim 1” (1)")
    assert warning.endswith("and 2 more")


# -- the report ----------------------------------------------------------------------------------


def _markers(page: str) -> dict[str, str]:
    found = re.findall(r'data-figure="([a-z_]+)">[^ ]+ ([a-z ]+)</span>', page)
    found += re.findall(r'data-figure="([a-z_]+)">(not measured)</span>', page)
    return dict(found)


@pytest.mark.parametrize("side", ["good", "fair", "weak"])
def test_report_markers_use_the_same_limits(
    doc: PersonasDocument, tmp_path: Path, side: str
) -> None:
    """The template grades each figure as personas.synthesize.quality.grade does, at each limit."""
    at = {"good": lambda lim: lim["good"], "fair": lambda lim: lim["weak"]}
    nudge = {True: -1e-3, False: 1e-3}
    value = {
        name: at[side](limit) if side in at else limit["weak"] + nudge[limit["higher"]]
        for name, limit in LIMITS.items()
    }
    value["evidence_min"] = {"good": 10, "fair": 5, "weak": 4}[side]
    q = _quality(
        outlier_share=value["outlier_share"],
        coherence_npmi=value["coherence_npmi"],
        kind_confidence={"median": 0.9, "q1": 0.8, "q3": 1.0, "low_share": value["kind_low_share"]},
        link_rate=value["link_rate"],
        silhouette=value["silhouette"],
        stability=value["stability"],
        evidence_min=value["evidence_min"],
    )
    render(doc.model_copy(update={"quality": q}), tmp_path)
    markers = _markers((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert markers == {name: grade(name, v) for name, v in value.items()}
    assert set(markers.values()) == {side}


def test_report_marks_unmeasured_figures(doc: PersonasDocument, tmp_path: Path) -> None:
    """With nothing measured the section still renders, every figure "not measured"."""
    q = _quality(
        coherence_npmi=None,
        kind_confidence={},
        link_rate=None,
        silhouette=None,
        stability=None,
        evidence_min=None,
        evidence_median=None,
    )
    render(doc.model_copy(update={"quality": q}), tmp_path)
    markers = _markers((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert {k: v for k, v in markers.items() if k != "outlier_share"} == {
        name: "not measured" for name in LIMITS if name != "outlier_share"
    }


def test_report_shows_warnings_and_omits_the_section_without_quality(
    doc: PersonasDocument, tmp_path: Path
) -> None:
    """Warnings are on top of the quality section; a document without quality has no section."""
    render(doc, tmp_path / "plain")
    assert 'id="quality"' not in (tmp_path / "plain" / "index.html").read_text(encoding="utf-8")
    q = _quality(warnings=["persona P4 rests on 12 respondents <b>"])
    render(doc.model_copy(update={"quality": q}), tmp_path / "q")
    page = (tmp_path / "q" / "index.html").read_text(encoding="utf-8")
    section = page[page.index('id="quality"') : page.index('id="sizes"')]
    assert html.escape("persona P4 rests on 12 respondents <b>") in section
    assert section.index("q-warn") < section.index("q-grid")


# -- end to end ----------------------------------------------------------------------------------


@pytest.mark.e2e
def test_demo_build_carries_the_quality_section(demo_build: Path) -> None:
    """run.json and personas.json hold the same quality section, and the report shows it."""
    run = json.loads((demo_build / "run.json").read_text(encoding="utf-8"))
    document = json.loads((demo_build / "personas.json").read_text(encoding="utf-8"))
    assert run["quality"] == document["quality"]
    q = Quality.model_validate(run["quality"])
    assert 0.9 <= q.statements_themed_share <= 1.0
    assert q.outlier_share == document["corpus"]["outlier_share"]
    assert q.coherence_npmi is not None and -1 <= q.coherence_npmi <= 1
    assert q.link_rate is not None and 0.5 < q.link_rate < 1
    assert q.evidence_min is not None and q.evidence_min >= 5
    assert set(q.stability_by_persona) == {p["persona_id"] for p in document["personas"]}
    assert "quality" in run["timings_seconds"]
    page = (demo_build / "index.html").read_text(encoding="utf-8")
    assert "How far to trust these personas" in page
    for warning in q.warnings:
        assert html.escape(warning) in page
    assert set(_markers(page)) >= set(LIMITS)
