"""Unit tests for theme discovery and readable labels."""

from __future__ import annotations

import numpy as np

from personas.embed import Embeddings
from personas.labels import phrases, theme_labels, tidy
from personas.models import Statement
from personas.themes import choose_k, fit_themes


def test_phrases_start_and_end_on_content_words() -> None:
    """Candidate phrases never start or end with a stop word."""
    got = phrases("Worth every penny, and the delivery charges are fair")
    assert "worth every penny" in got and "delivery charges" in got
    assert not any(
        p.split()[0] in {"and", "the", "are"} or p.split()[-1] in {"and", "the"} for p in got
    )


def test_labels_are_what_people_wrote_and_unique() -> None:
    """A theme's label is its most characteristic phrase; two themes never share one."""
    docs = {
        "pain-01": [
            "delivery charges are too high",
            "the delivery charges on small orders",
            "delivery charges again",
        ],
        "pain-02": ["the app crashed at checkout", "app crashed twice", "checkout app crashed"],
        "pain-03": ["delivery was late", "late delivery twice", "delivery arrived late"],
    }
    labels = theme_labels(docs)
    assert labels["pain-01"] == "Delivery charges"
    assert labels["pain-02"] == "App crashed"
    assert len(set(labels.values())) == 3


def test_tidy_capitalises_i() -> None:
    """Labels are in sentence case with a capital I."""
    assert tidy("heavier than i expected") == "Heavier than I expected"


def test_choose_k_scales_with_size() -> None:
    """Few statements give a few themes; many give more, within bounds."""
    assert choose_k(10) == 2
    assert 5 <= choose_k(150) <= 7
    assert choose_k(100_000) == 15


def test_fit_themes_recovers_planted_groups_deterministically() -> None:
    """Two planted clusters of pain statements become two themes, the same twice."""
    rng = np.random.default_rng(0)
    texts = [f"shipping cost too high {i}" for i in range(12)] + [
        f"zip broke after a week {i}" for i in range(12)
    ]
    centres = np.eye(8)[:2]
    vectors = np.vstack(
        [centres[i // 12] + 0.01 * rng.standard_normal(8) for i in range(24)]
    ).astype(np.float32)
    statements = [
        Statement(
            statement_id=f"s-{i:03d}",
            record_id=f"r#{i}",
            source="a.csv",
            source_kind="survey",
            locator=f"row {i + 2}",
            respondent_key=None,
            field="q",
            text=t,
            kind="pain",
        )
        for i, t in enumerate(texts)
    ]
    emb = Embeddings(
        ids=tuple(s.statement_id for s in statements), vectors=vectors, model="fake", cached=0
    )
    themes, themed = fit_themes(statements, emb, seed=1)
    again, _ = fit_themes(statements, emb, seed=1)
    assert themes == again
    assert sum(t.size for t in themes) == 24
    first = {s.theme_id for s in themed[:12]}
    second = {s.theme_id for s in themed[12:]}
    assert len(first) == 1 and len(second) == 1 and first != second
    labels = {t.theme_id: t.label.lower() for t in themes}
    assert any(w in labels[themed[0].theme_id] for w in ("shipping", "cost"))
    assert any(w in labels[themed[12].theme_id] for w in ("zip", "broke", "week"))
