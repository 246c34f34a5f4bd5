"""Unit tests for telling pains from motivations and goals."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pytest

from personas.models import Record, Statement
from personas.understand import kinds, vectorfile
from personas.understand.classify import classify_statements, question_kind
from personas.understand.kinds import (
    KINDS,
    KindExamples,
    corpus_classifier,
    corpus_features,
    sentiment,
)


def stmt(text: str, question: str | None = None, record_id: str = "r#1") -> Statement:
    return Statement(
        statement_id="s-" + hashlib.sha1(text.encode()).hexdigest()[:12],
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


def test_customer_voice_lexicon_and_negation() -> None:
    """Judging words VADER lacks count, and negation flips them."""
    assert sentiment("The interface is clunky") < -0.2
    assert sentiment("Fast and intuitive") > 0.2
    assert sentiment("It is not intuitive") < 0


def test_wish_for_something_better_is_a_pain() -> None:
    """'Would be nice to have ...' asks for a change: a pain point, even with positive words."""
    [out] = classify_statements([stmt("Would be nice to have better and faster exports")], {})
    assert out.kind == "pain"
    assert "wish for something better" in out.kind_signals


def test_rest_of_the_answer_decides_a_neutral_statement() -> None:
    """'Debugging.' takes the lean of the rest of its answer."""
    a = stmt("Debugging.", record_id="r#9")
    b = stmt("It is slow, painful and frustrating.", record_id="r#9")
    first, _ = classify_statements([a, b], {}, use="text")
    assert first.kind == "pain"
    assert "rest of the answer" in first.kind_signals


def test_text_only_ignores_the_question() -> None:
    """With use='text' the question wording does not count."""
    s = stmt("I have used it since 2015", "What do you like least about it?")
    assert classify_statements([s], {})[0].kind == "pain"
    assert classify_statements([s], {}, use="text")[0].kind != "pain"


def test_classifier_trained_on_labelled_statements_labels_the_rest() -> None:
    """Statements without a question get the kind of the labelled statements they resemble."""
    rng = np.random.default_rng(0)
    axes = np.eye(6)
    labelled = [stmt(f"topic a {i}", "What do you like least?") for i in range(12)]
    labelled += [stmt(f"topic b {i}", "What do you like best?") for i in range(12)]
    unknown = [stmt("topic a again"), stmt("topic b again")]
    rows = [axes[0]] * 12 + [axes[1]] * 12 + [axes[0], axes[1]]
    vectors = np.vstack(rows) + 0.05 * rng.standard_normal((26, 6))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    examples = KindExamples(kinds=KINDS, vectors=tuple(np.eye(6)[[2 + j]] for j in range(4)))
    out = classify_statements(labelled + unknown, {}, vectors, examples=examples, seed=1)
    assert [s.kind for s in out[-2:]] == ["pain", "motivation"]
    assert any(sig.startswith("classifier trained on this data") for sig in out[-2].kind_signals)
    again = classify_statements(labelled + unknown, {}, vectors, examples=examples, seed=1)
    assert out == again


@pytest.mark.parametrize(
    "text",
    [
        "Nothing major.",
        "Not a lot",
        "Can't think of anything, always a pleasure.",
        "Nothing, I am always very happy.",
        "No complaints!",
        "Not much really",
    ],
)
def test_nothing_frustrates_them_is_no_pain(text: str) -> None:
    """Asked what frustrates them, "nothing major" is an answer but not a pain point."""
    [out] = classify_statements([stmt(text, "What frustrates you most when shopping with us?")], {})
    assert out.kind == "other"
    assert "says nothing frustrates them" in out.kind_signals


@pytest.mark.parametrize(
    "text", ["Nothing, except the slow delivery", "Nothing beats waiting a month for a refund"]
)
def test_a_pain_after_nothing_is_still_a_pain(text: str) -> None:
    """ "Nothing, except ..." goes on to name the pain; it stays one."""
    [out] = classify_statements([stmt(text, "What frustrates you most when shopping with us?")], {})
    assert out.kind == "pain"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("¿Qué es lo que más te gusta de usar R?", "motivation"),
        ("¿Qué es lo que menos te gusta de usar R?", "pain"),
        ("Qu'est-ce que vous aimez le plus ?", "motivation"),
        ("Qu'est-ce que vous aimez le moins ?", "pain"),
        ("Was gefällt Ihnen am besten?", "motivation"),
        ("Was gefällt Ihnen am wenigsten?", "pain"),
        ("O que você mais gosta?", "motivation"),
        ("What do you aim to achieve?", "goal"),
        ("Negative_Review", "pain"),
        ("Positive_Review", "motivation"),
    ],
)
def test_questions_in_other_languages_and_split_fields(question: str, kind: str) -> None:
    """Like best / like least asked in Spanish, French, German or Portuguese, and split
    review fields, say which kind the answer is ("aimez" is no "aim")."""
    assert question_kind(question) == kind


def test_in_place_gives_what_copies_give() -> None:
    """A build classifies its own statements in place (no second copy of each): the
    statements then read exactly as the copies would, and are the very objects given."""
    rng = np.random.default_rng(0)
    given = [stmt(f"topic a {i}", "What do you like least?") for i in range(12)]
    given += [stmt("it keeps crashing but support was great"), stmt("love the colours")]
    vectors = rng.standard_normal((14, 6))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    examples = KindExamples(kinds=KINDS, vectors=tuple(np.eye(6)[[2 + j]] for j in range(4)))
    copies = classify_statements(given, {}, vectors, examples=examples, seed=1)
    assert all(s.kind == "other" and not s.kind_signals for s in given)  # untouched
    same = classify_statements(given, {}, vectors, examples=examples, seed=1, in_place=True)
    assert same == copies
    assert all(a is b for a, b in zip(same, given, strict=True))


def test_words_of_a_big_corpus_are_fitted_on_a_seeded_sample(monkeypatch: Any) -> None:
    """Above WORDS_FIT_SAMPLE statements the TF-IDF words are fitted on a seeded sample
    (fitting on all counts every word pair first); every statement still gets its row."""
    from personas.understand import kinds

    texts = [f"the zip broke after {w} weeks of use" for w in ("two", "three", "four")] * 40
    texts += ["battery died fast", "battery lasts long"] * 5
    every = np.arange(len(texts))
    full = kinds._word_features(texts)
    monkeypatch.setattr(kinds, "WORDS_FIT_SAMPLE", 30)
    sampled = kinds._word_features(texts, seed=3)
    assert full is not None and sampled is not None
    assert full.matrix is not None and sampled.matrix is None  # rows made when asked
    assert sampled.rows(every).shape[0] == full.rows(every).shape[0] == len(texts)
    assert sampled.rows(every).shape[1] <= full.rows(every).shape[1]
    again = kinds._word_features(texts, seed=3)
    assert again is not None and (sampled.rows(every) != again.rows(every)).nnz == 0
    some = np.array([3, 0, 121])  # any rows, in any order: the rows of the whole
    assert (sampled.rows(some) != sampled.rows(every)[some]).nnz == 0


class DiskLike:
    """Rows on demand, like the Ray engine's ``VectorFile``: any use of the whole
    matrix (``np.asarray``, ``@``, ``astype``) fails, so the test catches a pass that
    would read a million statements' vectors into memory at once."""

    def __init__(self, vectors: np.ndarray) -> None:
        self._vectors = vectors
        self.shape = vectors.shape
        self.dtype = vectors.dtype

    def __len__(self) -> int:
        return len(self._vectors)

    def __getitem__(self, key: object) -> np.ndarray:
        return np.array(self._vectors[key])  # type: ignore[index]

    def __array__(self, *args: object, **kwargs: object) -> np.ndarray:
        raise AssertionError("the whole matrix was read")

    def __matmul__(self, other: object) -> np.ndarray:
        raise AssertionError("the whole matrix was multiplied")

    def astype(self, *args: object, **kwargs: object) -> np.ndarray:
        raise AssertionError("the whole matrix was converted")


def _topics(n: int) -> tuple[list[Statement], np.ndarray, KindExamples]:
    """Two topics asked about as pain and motivation, and unasked statements of each."""
    rng = np.random.default_rng(3)
    axes = np.eye(8)
    texts = ("sizing runs small again", "lovely soft fabric again", "it arrived today")
    questions = ("What do you like least?", "What do you like best?", None)
    topic = np.arange(n) % 3
    statements = [
        stmt(f"{texts[t]} {i}", questions[t] if i % 4 else None, record_id=f"r#{i}")
        for i, t in enumerate(topic)
    ]
    vectors = axes[topic] + 0.3 * rng.standard_normal((n, 8))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    examples = KindExamples(
        kinds=KINDS, vectors=tuple(np.eye(8, dtype=np.float32)[[3 + j, 7]] for j in range(4))
    )
    return statements, vectors, examples


def test_vectors_on_disk_classify_as_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Vectors read a block of rows at a time (the Ray engine's file) give the very
    kinds, confidences and signals the ndarray gives, across several blocks."""
    monkeypatch.setattr(vectorfile, "BLOCK", 16)
    monkeypatch.setattr(kinds, "BLOCK", 16)
    statements, vectors, examples = _topics(90)
    expected = classify_statements(statements, {}, vectors, examples=examples, seed=2)
    out = classify_statements(statements, {}, DiskLike(vectors), examples=examples, seed=2)  # type: ignore[arg-type]
    assert out == expected
    assert any(
        sig.startswith("classifier trained on this data") for s in out for sig in s.kind_signals
    )


@pytest.mark.parametrize("texts", [True, False])
def test_corpus_classifier_reads_blocks(monkeypatch: pytest.MonkeyPatch, texts: bool) -> None:
    """With the corpus's words and without (plain vectors), the classifier predicts a
    block at a time and reads only the rows it needs from vectors on disk."""
    monkeypatch.setattr(vectorfile, "BLOCK", 16)
    monkeypatch.setattr(kinds, "BLOCK", 16)
    statements, vectors, _ = _topics(90)
    words = [s.text for s in statements] if texts else None
    labels = [(None, "pain", "motivation")[i % 3] if i % 5 else None for i in range(90)]
    expected = corpus_classifier(corpus_features(vectors, words), labels, seed=1)
    out = corpus_classifier(corpus_features(DiskLike(vectors), words), labels, seed=1)  # type: ignore[arg-type]
    assert expected is not None and out is not None
    assert out[0] == expected[0] == ("pain", "motivation")
    assert np.array_equal(out[1], expected[1]) and out[1].shape == (90, 2)
    assert (corpus_features(vectors, words).words is None) is not texts


def test_the_score_log_keeps_every_note_past_two_bytes_of_them() -> None:
    """Notes are numbered in two bytes until a build has more than 65,536 distinct ones;
    then the column widens and every signal reads back as it was added."""
    from personas.understand.classify import _Scores

    scores = _Scores(2)
    for j in range(70_000):
        scores.add(j % 2, j % 4, float(j), f"note {j}")
    back = scores.notes(1)
    assert len(back) == 35_000 and back[0] == (1, 1.0, "note 1")
    assert back[-1] == (3, 69_999.0, "note 69999")
    assert scores.values[1].sum() == sum(range(1, 70_000, 2))


def test_the_floor_every_statement_has_is_scored_and_first_among_its_notes() -> None:
    """The floor signal ("no clear evidence") is in the scores and read back first,
    ahead of the logged signals, without a row of the log per statement."""
    from personas.understand.classify import OTHER_FLOOR, X, _Scores

    scores = _Scores(3, floor=(X, OTHER_FLOOR, "no clear evidence"))
    scores.add(1, X, 0.5, "a post with no feeling of its own")
    scores.add(1, 0, 1.0, "rating 1")
    assert scores.values[:, X].tolist() == [OTHER_FLOOR, OTHER_FLOOR + 0.5, OTHER_FLOOR]
    assert scores.notes(1) == [
        (X, OTHER_FLOOR, "no clear evidence"),
        (X, 0.5, "a post with no feeling of its own"),
        (0, 1.0, "rating 1"),
    ]
    assert scores.notes(2) == [(X, OTHER_FLOOR, "no clear evidence")]
    assert len(scores._rows) == 2 and _Scores(1).notes(0) == []
