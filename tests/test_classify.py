"""Unit tests for telling pains from motivations and goals."""

from __future__ import annotations

import pytest

from personas.classify import classify_statements, question_kind
from personas.models import Record, Statement


def stmt(text: str, question: str | None = None, record_id: str = "r#1") -> Statement:
    return Statement(
        statement_id=f"s-{abs(hash(text)) % 10**8}",
        record_id=record_id,
        source="x.csv",
        source_kind="survey",
        locator="row 2",
        respondent_key=None,
        field="q",
        question=question,
        text=text,
    )


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What frustrates you most when shopping with us?", "pain"),
        ("What do you like least about using R?", "pain"),
        ("What do you like most about shopping with Ridgeline?", "motivation"),
        ("What are you hoping to achieve with your outdoor gear this year?", "goal"),
        ("How did you hear about us?", None),
    ],
)
def test_question_kind(question: str, kind: str | None) -> None:
    """Question wording says which kind of answer it asks for."""
    assert question_kind(question) == kind


def test_contrast_in_a_like_answer_is_a_pain() -> None:
    """'but it shrinks' answering 'what do you like' is classified as a pain."""
    [out] = classify_statements([stmt("but it shrinks in the wash", "What do you like most?")], {})
    assert out.kind == "pain"
    assert any("contrast" in s for s in out.kind_signals)


def test_sentiment_without_question() -> None:
    """Without a question, clear sentiment decides, with negation handled."""
    pos, neg = classify_statements(
        [
            stmt("Absolutely love how warm and comfortable it is"),
            stmt("The zip is not good at all, really disappointing"),
        ],
        {},
    )
    assert pos.kind == "motivation"
    assert neg.kind == "pain"


def test_goal_wording() -> None:
    """'I want to ...' is a goal even without a goal question."""
    [out] = classify_statements([stmt("I want to finish the West Highland Way this summer")], {})
    assert out.kind == "goal"


def test_low_rating_leans_pain() -> None:
    """A neutral sentence from a 1-star review leans pain, and says why."""
    rec = Record(
        record_id="r#1", source="reviews.csv", source_kind="reviews", locator="row 2", rating=1.0
    )
    [out] = classify_statements(
        [stmt("The sleeves are shorter than the photo suggests")], {"r#1": rec}
    )
    assert out.kind == "pain"
    assert "rating 1" in out.kind_signals
    assert 0 < out.kind_confidence <= 1
