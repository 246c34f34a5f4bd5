"""Readable theme labels: the phrase people in a theme actually use.

Candidates are the 1–4 word phrases of the theme's own statements that do not
start or end with a stop word ("worth every penny", "delivery charges").
Each is scored by how many of the theme's statements contain it (coverage),
how specific it is to the theme against the other themes of the same kind,
and a small bonus for longer phrases. A lone word is paired with the next best
word ("sizing & returns"). Labels are unique within a kind.
"""

from __future__ import annotations

import re
from collections import Counter

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

TOKEN_RE = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
PLACEHOLDER_RE = re.compile(r"\[[A-Z]+\]")
MAX_WORDS = 4
GENERIC = frozenset(
    {
        "really",
        "just",
        "also",
        "thing",
        "things",
        "lot",
        "bit",
        "got",
        "get",
        "im",
        "i'm",
        "it's",
        "don't",
        "didn't",
        "ve",
        "ll",
        "like",
        "love",
        "good",
        "great",
        "use",
        "using",
        "way",
        "time",
        "make",
        "makes",
        "sure",
        "well",
        "much",
        "one",
        "ones",
        "would",
        "could",
        "still",
        "even",
        "ago",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "glad",
        "did",
        "pleased",
        "happy",
        "fine",
        "okay",
        "ok",
        "bought",
        "buy",
        "ordered",
        "order",
    }
)
STOP = frozenset(ENGLISH_STOP_WORDS) | GENERIC


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(PLACEHOLDER_RE.sub(" ", text.lower()).replace("’", "'"))


def phrases(text: str) -> set[str]:
    """Every 1–4 word phrase of the text that starts and ends on a content word."""
    toks = tokens(text)
    out: set[str] = set()
    for i, first in enumerate(toks):
        if first in STOP or len(first) < 3:
            continue
        for n in range(1, MAX_WORDS + 1):
            if i + n > len(toks):
                break
            last = toks[i + n - 1]
            if last not in STOP and len(last) >= 3:
                out.add(" ".join(toks[i : i + n]))
    return out


MIN_PHRASE_COVERAGE = 0.1  # a longer phrase earns its bonus only if this share of the theme uses it


def _score(cov: float, outside: float, words: int) -> float:
    bonus = 1.0 + 0.35 * (words - 1) if cov >= MIN_PHRASE_COVERAGE else 1.0
    return cov * (cov / (cov + outside + 1e-9)) * bonus


def theme_labels(docs_by_theme: dict[str, list[str]]) -> dict[str, str]:
    """A unique readable label for each theme of one kind (theme id -> label)."""
    df = {t: Counter(p for d in docs for p in phrases(d)) for t, docs in docs_by_theme.items()}
    total: Counter[str] = Counter()
    for counts in df.values():
        total.update(counts)
    n_all = sum(len(d) for d in docs_by_theme.values())
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for theme_id in sorted(docs_by_theme, key=lambda t: (-len(docs_by_theme[t]), t)):
        n = len(docs_by_theme[theme_id])
        rest = max(n_all - n, 1)
        need = 2 if n >= 6 else 1
        scored = sorted(
            (
                (-_score(c / n, (total[p] - c) / rest, len(p.split())), p)
                for p, c in df[theme_id].items()
                if c >= need
            ),
        )
        ranked = [p for _, p in scored]
        label = _pick(ranked, {p: -s for s, p in scored}, taken)
        taken.add(label)
        labels[theme_id] = tidy(label)
    return labels


def _pick(ranked: list[str], scores: dict[str, float], taken: set[str]) -> str:
    for i, best in enumerate(ranked[:12]):
        label = best
        if " " not in best:
            # A phrase around the best word, if people use it nearly as much.
            longer = next(
                (p for p in ranked[i + 1 : i + 15] if " " in p and best in p.split()), None
            )
            if longer and scores[longer] >= 0.45 * scores[best]:
                best = label = longer
        if " " not in best:
            partner = next(
                (p for p in ranked[i + 1 : i + 8] if " " not in p and p[:3] != best[:3]), None
            )
            if partner:
                # Two words people write together read better as they write them.
                together = [f"{partner} {best}", f"{best} {partner}"]
                label = max(together, key=lambda p: scores.get(p, -1.0))
                if scores.get(label, -1.0) < 0.3 * scores[best]:
                    label = f"{best} & {partner}"
        if label not in taken:
            return label
    return ranked[0] if ranked and ranked[0] not in taken else f"theme {len(taken) + 1}"


def tidy(label: str) -> str:
    """Sentence case, with a capital I."""
    label = re.sub(r"\bi\b", "I", label)
    return label[:1].upper() + label[1:]
