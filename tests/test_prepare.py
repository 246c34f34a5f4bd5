"""Unit tests for cleaning, redaction and statement splitting (real spaCy pipeline)."""

from __future__ import annotations

import pytest

from personas.models import Record, TextField
from personas.understand.prepare import is_boilerplate, load_nlp, prepare_statements, split_contrast


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()[0]


def record(text: str, names: tuple[str, ...] = (), question: str | None = None) -> Record:
    return Record(
        record_id="survey.csv#row 2",
        source="survey.csv",
        source_kind="survey",
        locator="row 2",
        respondent_key="email:ann@example.com",
        texts=(TextField(field="q", question=question, text=text),),
        names=names,
    )


def test_contrast_splits_into_two_ideas() -> None:
    """'A but B' becomes two statements when both halves carry words."""
    assert split_contrast("I love the fabric but it shrinks in the wash") == [
        "I love the fabric",
        "but it shrinks in the wash",
    ]


def test_short_contrast_is_kept_whole() -> None:
    """A contrast with a two-word side stays one statement."""
    assert split_contrast("Nice but pricey") == ["Nice but pricey"]


@pytest.mark.parametrize(
    "text",
    [
        "n/a",
        "N/A.",
        "Nothing",
        "no comment",
        " - ",
        "Don't know",
        "Nothing immediately comes to mind.",
        "Can’t think of anything else",
        "none at the moment",
    ],
)
def test_boilerplate(text: str) -> None:
    """Empty answers are recognised as boilerplate."""
    assert is_boilerplate(text.strip())


def test_statements_are_redacted_and_split(nlp) -> None:  # type: ignore[no-untyped-def]
    """Emails, phones and known names never reach a statement; sentences split."""
    rec = record(
        "Ann Lee here. The jacket leaked on day one. Call me on 07700 900123 or ann@example.com!",
        names=("Ann Lee",),
    )
    result = prepare_statements([rec], nlp)
    texts = [s.text for s in result.statements]
    joined = " ".join(texts)
    assert "Ann" not in joined and "Lee" not in joined
    assert "07700" not in joined and "example.com" not in joined
    assert "The jacket leaked on day one." in texts
    assert len({s.statement_id for s in result.statements}) == len(texts)


def test_boilerplate_counted_not_kept(nlp) -> None:  # type: ignore[no-untyped-def]
    """A boilerplate answer yields no statement and is counted."""
    result = prepare_statements([record("n/a")], nlp)
    assert result.statements == []
    assert result.counts["boilerplate"] == 1


def test_html_is_stripped(nlp) -> None:  # type: ignore[no-untyped-def]
    """Markup in a review body does not survive into the statement text."""
    result = prepare_statements([record("<b>Great</b> boots, <script>x</script> very warm")], nlp)
    assert all("<" not in s.text for s in result.statements)


@pytest.mark.parametrize("text", ["Nothing beats the fit", "No way to export", "No complaints"])
def test_answers_that_start_like_boilerplate_are_kept(text: str) -> None:
    """A real answer that starts with 'nothing' or 'no' is not boilerplate."""
    assert not is_boilerplate(text)
