"""Tell pain points from motivations and goals.

A first method that weighs every signal available and records which decided:

- the question the statement answered ("what frustrates you" vs "what do you like");
- contrast: "... but it shrinks" inside a *like* answer is a pain, and vice versa;
- wording cues for goals ("I want to", "hoping to") and pains ("too expensive");
- sentiment from VADER (a lexicon shipped inside its PyPI package), which
  handles negation ("not great") and intensifiers;
- the record's rating / NPS and the kind of source (support mail leans pain).

Each kind gets a score; the best wins when it clears a floor, otherwise the
statement is "other". Confidence is the winner's share of the total score.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from functools import lru_cache

from personas.models import Record, Statement, StatementKind

PAIN_Q = re.compile(
    r"frustrat|least|dislike|don.t like|problem|difficult|obstacle|improve|annoy|worst|"
    r"complain|challenge|pain|wrong|issue|hate|bother|change about|better",
    re.I,
)
MOTIVATION_Q = re.compile(
    r"like (?:most|best|about)|love|enjoy|why do you (?:buy|shop|choose|use)|reason|"
    r"best thing|favourite|favorite|value|appeal|prefer",
    re.I,
)
GOAL_Q = re.compile(r"achiev|goal|hoping|hope to|trying to|plan|aim|want to|looking to", re.I)
GOAL_CUE = re.compile(
    r"\b(?:i|we)(?:'m| am| are|'re)? (?:want|wanted|hope|hoping|trying|plan|planning|aim|"
    r"aiming|looking|need|would like|wish)\b(?: to)?|\bmy goal\b|\bso (?:that )?(?:i|we) can\b|"
    r"\bthis year\b.*\b(?:want|hope|plan)|\bgoal is\b|\bhoping to\b|\btrying to\b|\bplan to\b",
    re.I,
)
PAIN_CUE = re.compile(
    r"\btoo (?:expensive|small|big|long|slow|much)\b|\bfrustrat|\bannoy|\bnever arrived\b|"
    r"\bstill waiting\b|\bbroke\b|\bleak|\bfell apart\b|\bwaste\b|\bdisappoint|\bhard to\b|"
    r"\bdifficult\b|\bconfusing\b|\bslow\b|\blate\b|\brefund\b|\bmissing\b|\bcrash|\bwish\b",
    re.I,
)
CONTRAST_START = re.compile(r"^(?:but|however|although|though|whereas|except)\b", re.I)
OTHER_FLOOR = 0.9  # a kind must score at least this to beat "other"


@lru_cache(maxsize=1)
def _vader():  # type: ignore[no-untyped-def]
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float:
    """VADER compound score in -1..1."""
    return float(_vader().polarity_scores(text)["compound"])


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


def score_statement(
    statement: Statement, record: Record | None
) -> tuple[dict[str, float], list[str], float]:
    """Scores per kind, the signals that contributed, and the sentiment."""
    scores: dict[str, float] = defaultdict(float)
    signals: list[str] = []
    text = statement.text
    senti = sentiment(text)

    asked = question_kind(statement.question)
    contrast = bool(CONTRAST_START.search(text))
    if asked is not None:
        if contrast and asked in ("pain", "motivation"):
            flipped = "motivation" if asked == "pain" else "pain"
            scores[flipped] += 2.0
            signals.append(f"contrast in a {asked} answer")
        else:
            scores[asked] += 2.0
            signals.append(f"question asks for {asked}")
    if GOAL_CUE.search(text):
        scores["goal"] += 1.6
        signals.append("goal wording")
    if PAIN_CUE.search(text):
        scores["pain"] += 0.8
        signals.append("pain wording")
    if senti <= -0.05:
        scores["pain"] += 0.6 + abs(senti)
        signals.append(f"sentiment {senti:+.2f}")
    elif senti >= 0.05:
        scores["motivation"] += 0.6 + senti
        signals.append(f"sentiment {senti:+.2f}")

    if record is not None:
        if record.rating is not None and not contrast:
            # Asymmetric on purpose: a plain sentence in a 1-star review is part of the
            # complaint; one in a 5-star review is often just description.
            if record.rating >= 4:
                scores["motivation"] += 0.5
                signals.append(f"rating {record.rating:g}")
            elif record.rating <= 2:
                scores["pain"] += 1.0
                signals.append(f"rating {record.rating:g}")
        if record.source_kind == "support":
            scores["pain"] += 0.4
            signals.append("support message")
    return dict(scores), signals, senti


def classify_statements(
    statements: list[Statement], records: Mapping[str, Record]
) -> list[Statement]:
    """Each statement with its kind, confidence, signals and sentiment set."""
    out: list[Statement] = []
    for statement in statements:
        scores, signals, senti = score_statement(statement, records.get(statement.record_id))
        kind: StatementKind = "other"
        confidence = 0.5
        if scores:
            best = max(sorted(scores), key=lambda k: scores[k])
            if scores[best] >= OTHER_FLOOR:
                kind = best  # type: ignore[assignment]
                confidence = scores[best] / (sum(scores.values()) + 0.5)
        out.append(
            statement.model_copy(
                update={
                    "kind": kind,
                    "kind_confidence": round(confidence, 3),
                    "kind_signals": signals,
                    "sentiment": round(senti, 4),
                }
            )
        )
    return out
