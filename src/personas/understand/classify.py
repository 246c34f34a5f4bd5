"""Tell pain points from motivations and goals, weighing every signal there is.

Each statement gets a score per kind (pain, motivation, goal, other) that adds
up evidence, and keeps which signals gave it:

- the question it answered ("what frustrates you" vs "what do you like" vs
  "what are you hoping to achieve"); a clause after "but" answers the opposite;
- the source and the record's numbers: rating (asymmetric: a plain sentence in
  a 1-star review is part of the complaint, one in a 5-star review is often
  description), NPS, and support mail leaning pain;
- the text itself (``kinds``): sentiment with negation and contrast, wishes and
  complaints, goal wording, and the embedding's similarity to example statements;
- the rest of the same answer ("Debugging. It is so painful." is one pain);
- a small classifier trained at build time on the statements the signals above
  already label with a clear margin, predicting every statement from its embedding
  and the corpus's own words (TF-IDF).

The best kind wins; confidence is its softmax share of the four scores. With
``use="text"`` only the text-based signals count (the benchmark's text-only run).
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from personas.models import Record, Statement, StatementKind
from personas.understand.kinds import (
    COMPLAINT_RE,
    GOAL_RE,
    KINDS,
    WISH_RE,
    KindExamples,
    corpus_classifier,
    corpus_features,
    sentiment,
)
from personas.understand.statementtable import StatementTable, texts_of
from personas.understand.vectorfile import Vectors

PAIN_Q = re.compile(
    r"frustrat|least|dislike|don.t like|problem|difficult|obstacle|improve|annoy|worst|"
    r"complain|challenge|pain|wrong|issue|hate|bother|change about|better|disappoint|"
    r"negativ|(?<![a-z])cons(?![a-z])|grievance|narrative|"
    # the same questions in Spanish, Portuguese, French, German: "¿Qué es lo que menos te
    # gusta …?", "Qu'est-ce que vous aimez le moins ?", "Was gefällt Ihnen am wenigsten?"
    r"menos (?:te |le |les |você |voce )?gust|lo peor|frustr|dificultad|problema|mejorar|"
    r"melhorar|le moins|moins aim|probl[eè]me|am wenigsten|st[öo]rt|[äa]rger|verbesser",
    re.I,
)
MOTIVATION_Q = re.compile(
    r"like (?:most|best|about)|love|enjoy|why do you (?:buy|shop|choose|use)|reason|"
    r"best thing|favourite|favorite|value|appeal|prefer|positiv|(?<![a-z])pros(?![a-z])|liked|"
    r"m[aá]s (?:te |le |les |você |voce )?gust|lo mejor|\ble plus\b|plus aim|mais gost"
    r"|gef[äa]llt\b.*\bam (?:besten|meisten)",
    re.I,
)
# A text filed as a complaint (a complaint / narrative field, a support message): its
# statements are pain points unless something strongly says otherwise.
COMPLAINT_FIELD = re.compile(r"complain|grievance|narrative", re.I)
STRONG_MOTIVATION = 2.5  # lead a motivation needs over pain in a complaint
GOAL_Q = re.compile(r"achiev|goal|hoping|hope to|trying to|plan|\baims?\b|want to|looking to", re.I)
CONTRAST_START = re.compile(r"^(?:but|however|although|though|whereas|except)\b", re.I)
# "Nothing major.", "Not a lot", "Can't think of anything, always a pleasure": asked what
# frustrates them, they say nothing does. An answer, but no pain point (unless it goes on
# with "but" / "except", which then carries the pain).
NO_PAIN_RE = re.compile(
    r"^(?:nothing|none|not (?:a lot|much|many|really)|nothing (?:major|much|big|serious|"
    r"significant|in particular|really|at all)|no (?:complaints?|problems?|issues?|"
    r"frustrations?|real (?:complaints?|problems?|issues?))|(?:i )?(?:can'?t|cannot|could ?n'?t) "
    r"think of (?:anything|any|one)|all good|none so far)"
    r"(?: really| rly| at all| tbh| honestly| to be honest)?(?:\s*[,.;:!…-]|\s*$)"
    r"(?![\w\s,']*\b(?:but|except|apart|besides|other than|however|although|though)\b)",
    re.I,
)
NO_PAIN = 2.0  # margin by which "nothing frustrates me" beats every other signal

P, M, G, X = range(4)  # score columns, in ``KINDS`` order: pain, motivation, goal, other
QUESTION = 3.0  # the question asked outweighs every other single signal
SENTIMENT = 1.5  # per unit of compound sentiment
WISH, COMPLAINT, GOAL_WORDING = 2.0, 0.9, 1.6
MEANING = 6.0  # per unit of cosine above the kinds' mean similarity
OTHER_FLOOR = 0.35  # evidence a kind needs to beat "other"
CONTEXT = 0.5  # weight of the rest of the answer
SEED_MARGIN = 1.2  # labels the classifier learns from: winner ahead by this much
CLASSIFIER = 2.0  # per unit of centred log-probability
Use = Literal["all", "text"]


def question_kind(question: str | None) -> StatementKind | None:
    """Which kind of answer a question asks for, from its wording."""
    if not question:
        return None
    if GOAL_Q.search(question):
        return "goal"
    if PAIN_Q.search(question):
        return "pain"
    if MOTIVATION_Q.search(question):
        return "motivation"
    return None


class _Scores:
    """A score matrix and, per statement, the signals that added to each kind.

    The signals are kept as columns (statement, kind, weight, note), each note's
    words once (15 bytes a signal): a list of tuples per statement came to half a
    kilobyte a statement, which a million-statement build could not afford. ``floor``
    is a first signal every statement has (kind, weight, note): it is not logged, just
    in the scores and first among each statement's notes."""

    def __init__(self, n: int, floor: tuple[int, float, str] | None = None) -> None:
        self.values = np.zeros((n, len(KINDS)))
        self._floor = [floor] if floor is not None else []
        if floor is not None:
            self.values[:, floor[0]] += floor[1]
        self.own = np.zeros(n, dtype=bool)  # a signal of the statement's own words (OWN_WORDS)
        self._rows = array("i")  # 4 bytes: a build has well under 2**31 statements
        self._kinds = array("b")
        self._weights = array("d")
        self._notes = array("H")  # 2 bytes: a build's distinct notes number a few hundred
        self._texts: dict[str, int] = {}
        self._grouped: tuple[np.ndarray, np.ndarray, list[str]] | None = None

    def add(self, i: int, kind: int, weight: float, note: str) -> None:
        self.values[i, kind] += weight
        self._rows.append(i)
        self._kinds.append(kind)
        self._weights.append(weight)
        number = self._texts.setdefault(note, len(self._texts))
        if number > 0xFFFF and self._notes.typecode == "H":
            self._notes = array("i", self._notes)
        self._notes.append(number)
        if note.startswith(OWN_WORDS):
            self.own[i] = True
        self._grouped = None

    def notes(self, i: int) -> list[tuple[int, float, str]]:
        """Statement ``i``'s signals (kind, weight, note) in the order they were added."""
        if self._grouped is None:
            rows = np.frombuffer(self._rows, dtype=np.intc) if self._rows else np.zeros(0, int)
            order = np.argsort(rows, kind="stable")
            starts = np.searchsorted(rows[order], np.arange(len(self.values) + 1))
            self._grouped = (order, starts, list(self._texts))
        order, starts, texts = self._grouped
        return self._floor + [
            (self._kinds[j], self._weights[j], texts[self._notes[j]])
            for j in order[starts[i] : starts[i + 1]].tolist()
        ]


def _text_signals(scores: _Scores, statements: Sequence[Statement]) -> array[float]:
    senti = array("d")  # 8 bytes a statement, where a list of floats took 32
    for i, s in enumerate(statements):
        value = sentiment(s.text)
        senti.append(value)
        if abs(value) >= 0.05:
            scores.add(i, M if value > 0 else P, SENTIMENT * abs(value), f"sentiment {value:+.2f}")
        if WISH_RE.search(s.text):
            scores.add(i, P, WISH, "wish for something better")
        complaints = len(COMPLAINT_RE.findall(s.text))
        if complaints:
            scores.add(i, P, COMPLAINT * min(complaints, 2), "complaint wording")
        if GOAL_RE.search(s.text):
            scores.add(i, G, GOAL_WORDING, "goal wording")
    return senti


def _meaning(scores: _Scores, vectors: Vectors, examples: KindExamples) -> None:
    sims = examples.similarity(vectors)
    lean = MEANING * (sims - sims.mean(axis=1, keepdims=True))
    for i in range(len(vectors)):
        j = int(np.argmax(lean[i]))
        for k, name in enumerate(examples.kinds):
            if lean[i, k] > 0:
                note = f"meaning close to {name} examples" if k == j else f"meaning ({name})"
                scores.add(i, KINDS.index(name), float(lean[i, k]), note)


def _context(scores: _Scores, statements: Sequence[Statement]) -> None:
    """Each statement leans as the rest of its answer does (flipped across "but")."""
    answers: dict[tuple[str, str], list[int]] = {}
    for i, s in enumerate(statements):
        answers.setdefault((s.record_id, s.field), []).append(i)
    lean = scores.values[:, M] - scores.values[:, P]
    for idx in answers.values():
        if len(idx) < 2:
            continue
        side = np.cumprod([-1 if CONTRAST_START.search(statements[i].text) else 1 for i in idx])
        oriented = lean[idx] * side
        for j, i in enumerate(idx):
            rest = float((oriented.sum() - oriented[j]) / (len(idx) - 1)) * side[j]
            if abs(rest) >= 0.1:
                scores.add(i, M if rest > 0 else P, CONTEXT * abs(rest), "rest of the answer")


def _strong_signals(
    scores: _Scores, statements: Sequence[Statement], records: Mapping[str, Record]
) -> None:
    for i, s in enumerate(statements):
        contrast = bool(CONTRAST_START.search(s.text))
        asked = question_kind(s.question)
        if asked is not None:
            if contrast and asked in ("pain", "motivation"):
                flipped = "motivation" if asked == "pain" else "pain"
                scores.add(i, KINDS.index(flipped), QUESTION, f"contrast in a {asked} answer")
            else:
                scores.add(i, KINDS.index(asked), QUESTION, f"question asks for {asked}")
        record = records.get(s.record_id)
        if record is None:
            continue
        if record.rating is not None and not contrast:
            if record.rating >= 4:
                scores.add(i, M, 0.8, f"rating {record.rating:g}")
            elif record.rating <= 2:
                scores.add(i, P, 1.5, f"rating {record.rating:g}")
        if record.nps is not None and asked is None and not contrast:
            if record.nps >= 9:
                scores.add(i, M, 0.5, f"NPS {record.nps:g}")
            elif record.nps <= 6:
                scores.add(i, P, 0.5, f"NPS {record.nps:g}")
        if record.source_kind == "support":
            scores.add(i, P, 0.6, "support message")


def _no_pain(scores: _Scores, statements: Sequence[Statement]) -> None:
    """Asked what frustrates them, "nothing major" is no pain point, whatever else says.

    A rule, applied last: the question makes such an answer look like a pain to
    every other signal, and the classifier learns that look from the real pains
    answering the same question."""
    for i, s in enumerate(statements):
        if question_kind(s.question) != "pain":
            continue
        if not NO_PAIN_RE.search(s.text.replace("’", "'").strip()):
            continue
        row = scores.values[i]
        scores.add(i, X, float(row.max() - row[X]) + NO_PAIN, "says nothing frustrates them")


def _filed_as_complaint(statement: Statement) -> bool:
    return statement.source_kind == "support" or bool(
        COMPLAINT_FIELD.search(statement.question or statement.field or "")
    )


def _complaints(scores: _Scores, statements: Sequence[Statement]) -> None:
    """A statement of a complaint is pain by default: a motivation only with a clear lead
    (one friendly sentence in a complaint, "I have been a loyal customer for years", is
    the complaint's setting, not what the customer values); plain narrative stays other."""
    for i, s in enumerate(statements):
        if not _filed_as_complaint(s):
            continue
        row = scores.values[i]
        if int(np.argmax(row)) == M and row[M] - row[P] < STRONG_MOTIVATION:
            scores.add(i, P, float(row[M] - row[P]) + 0.01, "filed as a complaint")


OWN_WORDS = ("sentiment", "wish for something better", "complaint wording", "goal wording")


def _chatter(
    scores: _Scores, statements: Sequence[Statement], records: Mapping[str, Record]
) -> None:
    """A social post says what it feels in its own words, or it is no feedback.

    Most posts that mention a brand are news, links, jokes and event chatter.
    Without a question, a rating or a feeling, wish, complaint or goal in its own
    words, a post is "other", whatever its likeness to others' pains or praise (the
    corpus classifier would otherwise spread the corpus's majority kind over it)."""
    for i, s in enumerate(statements):
        if s.source_kind != "social" or question_kind(s.question) is not None:
            continue
        record = records.get(s.record_id)
        if record is not None and (record.rating is not None or record.nps is not None):
            continue
        row = scores.values[i]
        if not scores.own[i] and int(np.argmax(row)) != X:
            scores.add(i, X, float(row.max() - row[X]) + 0.01, "a post with no feeling of its own")


def _learn(
    scores: _Scores, vectors: Vectors, texts: Sequence[str], seed: int, rounds: int = 2
) -> None:
    """Self-training: learn from the clear cases, predict all; a second round
    learns again from what the first made clear. Of a round's log-probabilities only
    the learned scores and each statement's leading kind's are kept (at a million
    statements each (statement, kind) array is 32 MB)."""
    learned = np.zeros_like(scores.values)
    classes: tuple[str, ...] = ()
    lead_logp = np.zeros(0)  # each statement's log-probability of its leading kind
    features = corpus_features(vectors, texts, seed)
    for _ in range(rounds):
        fitted = corpus_classifier(features, _clear_labels(scores.values + learned), seed)
        if fitted is None:
            break
        classes, logp = fitted
        mean = logp.mean(axis=1)
        learned[:] = 0.0
        for j, kind in enumerate(classes):
            column = learned[:, KINDS.index(kind)]
            np.subtract(logp[:, j], mean, out=column)
            np.maximum(column, 0.0, out=column)
            column *= CLASSIFIER
        lead = learned.argmax(axis=1)
        column_of = np.array([classes.index(k) if k in classes else 0 for k in KINDS])
        lead_logp = logp[np.arange(len(logp)), column_of[lead]]
        del logp, mean, lead
    del features
    for i in range(len(vectors)) if classes else ():
        k = int(np.argmax(learned[i]))
        if learned[i, k] > 0:
            note = f"classifier trained on this data: {KINDS[k]} ({np.exp(lead_logp[i]):.2f})"
            scores.add(i, k, float(learned[i, k]), note)


def _clear_labels(total: np.ndarray) -> list[StatementKind | None]:
    """Each statement's winning kind where it leads by ``SEED_MARGIN`` (never "other"):
    what the self-training learns from. ``total`` is sorted in place."""
    winner = np.argmax(total, axis=1)
    total.sort(axis=1)  # the caller's sum, made for this
    return [
        KINDS[w] if top - second >= SEED_MARGIN and w != X else None
        for w, top, second in zip(winner.tolist(), total[:, -1], total[:, -2], strict=True)
    ]


def classify_statements(
    statements: Sequence[Statement],
    records: Mapping[str, Record],
    vectors: Vectors | None = None,
    *,
    examples: KindExamples | None = None,
    seed: int = 42,
    use: Use = "all",
    in_place: bool = False,
) -> Sequence[Statement]:
    """Each statement with its kind, confidence, signals and sentiment set.

    ``vectors`` (unit embeddings aligned with ``statements``) switch on the
    meaning signals; ``examples`` defaults to ``KIND_EXAMPLES`` embedded with
    the packaged model. ``in_place`` sets them on the statements given (a build's
    own, which nothing else holds) instead of copies: a big build then never
    holds two of each statement; a ``StatementTable`` gets its columns set.
    """
    scores = _Scores(len(statements), floor=(X, OTHER_FLOOR, "no clear evidence"))
    senti = _text_signals(scores, statements)
    if vectors is not None and len(statements):
        if examples is None:
            from personas.understand.embed import encode
            from personas.understand.kinds import embed_examples

            examples = embed_examples(encode)
        _meaning(scores, vectors, examples)
    _context(scores, statements)
    if use == "all":
        _strong_signals(scores, statements, records)
    if vectors is not None and len(statements):
        _learn(scores, vectors, texts_of(statements), seed)
    if use == "all":
        _chatter(scores, statements, records)
        _complaints(scores, statements)
        _no_pain(scores, statements)
    shared = _Shared()
    if in_place and isinstance(statements, StatementTable):  # the build's: set its columns
        columns: dict[str, list[Any]] = {}
        for i in range(len(statements)):
            for name, value in _decision(scores, i, senti[i], shared).items():
                columns.setdefault(name, []).append(value)
        for name, values in columns.items():
            statements.set_column(name, values)
        return statements
    return [_decide(s, scores, i, senti[i], in_place, shared) for i, s in enumerate(statements)]


class _Shared:
    """One object for each value the statements of a build repeat."""

    def __init__(self) -> None:
        self._numbers: dict[tuple[float, float], float] = {}
        self._signals: dict[tuple[str, ...], tuple[str, ...]] = {}

    def number(self, value: float) -> float:
        # keyed by sign too: 0.0 == -0.0, but a statement keeps the one it was given
        return self._numbers.setdefault((value, math.copysign(1.0, value)), value)

    def signals(self, notes: tuple[str, ...]) -> tuple[str, ...]:
        return self._signals.setdefault(notes, notes)


def _decision(scores: _Scores, i: int, senti: float, shared: _Shared) -> dict[str, Any]:
    """Statement ``i``'s kind, confidence, signals and sentiment, by field name."""
    row = scores.values[i]
    best = int(np.argmax(row))
    probs = np.exp(row - row.max())
    probs /= probs.sum()
    notes = sorted((n for n in scores.notes(i) if n[0] == best), key=lambda n: -n[1])
    return {
        "kind": KINDS[best],
        "kind_confidence": shared.number(round(float(probs[best]), 3)),
        "kind_signals": shared.signals(tuple(note for _, _, note in notes)),
        "sentiment": shared.number(round(senti, 4)),
    }


def _decide(
    statement: Statement,
    scores: _Scores,
    i: int,
    senti: float,
    in_place: bool = False,
    shared: _Shared | None = None,
) -> Statement:
    """Statement ``i``'s kind, confidence, signals and sentiment. Equal values are one
    object across the build (``shared``): a million statements repeat a few thousand
    signal lists and rounded numbers, and each copy of its own cost a statement 0.1 KB."""
    update = _decision(scores, i, senti, shared if shared is not None else _Shared())
    if in_place:
        for name, value in update.items():
            setattr(statement, name, value)
        return statement
    return statement.model_copy(update=update)
