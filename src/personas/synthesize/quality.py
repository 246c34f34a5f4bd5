"""How well a build's personas hold up: the quality section of run.json and the report.

Users should not have to trust us, so every build measures itself on its own
data and says in plain words where it is weak. The figures (``Quality`` in
``document.py``):

- ``statements_themed_share`` / ``outlier_share``: of the statements whose kind
  gets themes (pain, motivation, goal), the share in a theme / in none. An
  unthemed statement is in no persona's claims.
- ``coherence_npmi``: mean over themes of the NPMI of each theme's keyword words,
  with the build's records as documents (``record_texts``; the usual topic-model
  coherence, on this corpus rather than an outside one): near 0 the words meet
  no more often than chance, above 0 they belong together, −1 never together.
  Near-synonyms ("size", "sizing") are substitutes and pull it down, so the
  limits are set from real data. Word pairs the corpus is too small to judge
  (``MIN_EXPECTED``) are skipped, which keeps the figure steady across sizes:
  the 45 themes of a clothing-reviews build average +0.07 over all 22,642
  reviews and −0.01 over only the first 164 (every pair judged: +0.06 and
  −0.40); the demo's average +0.16, 3 of 40 below −0.2, 12 too small to judge. A theme with no
  pair to judge has no score; with none at all the figure is ``None``.
- ``kind_confidence``: median, q1, q3 of the statement-kind confidence, and
  ``low_share``, the share below ``LOW_CONFIDENCE`` (with four kinds, 0.25 is
  a coin toss among them; below 0.5 no kind holds even half the weight).
- ``link_rate``: the identity link rate of ``identity.link_rates`` over all
  files: of the records naming a person (an email or customer id), the share
  whose person also appears in another file, i.e. how far what people say
  joins up with what they buy and tell about themselves. ``None`` when fewer
  than two files name people (nothing to link).
- ``silhouette``, ``stability``, ``stability_by_persona``: read from the
  segment model when segmentation measured them, else ``None`` ("not measured").
- ``evidence_min`` / ``evidence_median``: statements behind each claim (goal,
  motivation or pain point: its ``evidence_ids``), fewest and median.

Warnings (thresholds are ``LIMITS``; a figure past its ``weak`` limit is marked
weak in the report and gets a warning):

- a persona of fewer than ``SMALL_PERSONA`` (30) respondents: a share measured on
  n people can be off by about ±98/√n points (95% margin at 50%);
- a persona with neither pain points nor motivations;
- more than 10% of themable statements in no theme;
- mean theme NPMI below −0.05, and each theme whose own NPMI is below
  ``THEME_NPMI_WEAK`` (−0.2);
- more than 25% of statements with kind confidence below 0.5;
- fewer than 20% of the records naming a person link to another file;
- silhouette below 0.1 (segments barely separate);
- mean stability below 0.6, and each persona below 0.6 (Hennig's bootstrap rule
  of thumb: below 0.6 a cluster "dissolves", 0.75 and above is stable);
- a claim resting on fewer than 5 statements;
- more than half the statements of kind "other" (neither pain, motivation nor goal).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from statistics import median
from typing import Any

import numpy as np

from personas.models import SegmentModel, Statement, Theme
from personas.synthesize.document import Persona, Quality

THEMED_KINDS = ("pain", "motivation", "goal")  # themes.THEMED_KINDS, without its imports
LOW_CONFIDENCE = 0.5
SMALL_PERSONA = 30
THEME_NPMI_WEAK = -0.2
OTHER_SHARE_WEAK = 0.5
TOP_WORDS = 10  # words per theme scored for coherence (the usual top 10)
MIN_EXPECTED = 1.0  # word pairs expected in under one document by chance are not judged
TOKEN_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z'-]+\b"  # as themes._vectorizer tokenises
MAX_NAMED = 3  # themes / claims named in one warning; the rest are counted

# Marker limits per figure: "good" at or past ``good``; "weak" past ``weak``
# (and a warning); "fair" between. ``higher`` says which way is better.
# templates/_quality.html.j2 grades with the same numbers (tests/test_quality.py).
LIMITS: dict[str, dict[str, Any]] = {
    "outlier_share": {"good": 0.05, "weak": 0.10, "higher": False},
    "coherence_npmi": {"good": 0.05, "weak": -0.05, "higher": True},
    "kind_low_share": {"good": 0.10, "weak": 0.25, "higher": False},
    "link_rate": {"good": 0.50, "weak": 0.20, "higher": True},
    "silhouette": {"good": 0.25, "weak": 0.10, "higher": True},
    "stability": {"good": 0.75, "weak": 0.60, "higher": True},
    "evidence_min": {"good": 10, "weak": 5, "higher": True},
}


def grade(figure: str, value: float | None) -> str:
    """ "good", "fair", "weak" or "not measured" for one figure against ``LIMITS``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not measured"
    limit = LIMITS[figure]
    sign = 1 if limit["higher"] else -1
    if sign * value >= sign * limit["good"]:
        return "good"
    if sign * value < sign * limit["weak"]:
        return "weak"
    return "fair"


# -- NPMI -------------------------------------------------------------------------------------


def npmi_by_topic(
    topics: Sequence[Sequence[str]],
    binary: Any,
    vocab_index: Mapping[str, int],
    min_expected: float = 0.0,
) -> list[float | None]:
    """NPMI of each topic's words: the mean over its word pairs, None without a pair.

    ``binary`` is a (documents × terms) 0/1 sparse matrix and ``vocab_index``
    maps a term to its column; words missing from it are skipped. One sparse
    product over the union of all topics' words gives every co-occurrence, so
    the cost is one pass over the matrix however many topics there are. A pair
    that never co-occurs scores −1 (the usual convention); a pair in every
    document scores 1.

    ``min_expected`` > 0 skips pairs the corpus is too small to judge: those
    expected in fewer than that many documents if the words were independent
    (df_a · df_b / n). Never seeing such a pair together is no evidence that
    they do not belong together, yet it would score −1.
    """
    cols = [[vocab_index[w] for w in words if w in vocab_index] for words in topics]
    union = sorted({c for topic in cols for c in topic})
    if not union:
        return [None for _ in topics]
    position = {c: i for i, c in enumerate(union)}
    sub = binary.tocsc()[:, union]
    co = np.asarray((sub.T @ sub).todense(), dtype=np.float64)
    n = float(binary.shape[0])
    p = np.diag(co) / n
    out: list[float | None] = []
    for topic in cols:
        idx = np.array([position[c] for c in dict.fromkeys(topic)], dtype=int)
        if len(idx) < 2:
            out.append(None)
            continue
        a, b = np.triu_indices(len(idx), 1)
        a, b = idx[a], idx[b]
        judged = n * p[a] * p[b] >= min_expected
        if not judged.any():
            out.append(None)
            continue
        a, b = a[judged], b[judged]
        out.append(float(np.mean(_npmi_pairs(co[a, b] / n, p[a], p[b]))))
    return out


def _npmi_pairs(p_ab: np.ndarray, p_a: np.ndarray, p_b: np.ndarray) -> np.ndarray:
    """NPMI of word pairs, vectorised: log(p_ab / (p_a p_b)) / −log(p_ab)."""
    scores = np.full(p_ab.shape, -1.0)
    seen = p_ab > 0
    both = seen & (p_ab < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(p_ab[both] / (p_a[both] * p_b[both]))
        scores[both] = pmi / -np.log(p_ab[both])
    scores[seen & (p_ab >= 1)] = 1.0
    return scores


def npmi(topics: Sequence[Sequence[str]], binary: Any, vocab_index: Mapping[str, int]) -> float:
    """Mean NPMI over every word pair of every topic (NaN when there is no pair).

    benchmarks/understanding.py scores every method's topics with this.
    """
    scores: list[float] = []
    weights: list[int] = []
    for words, score in zip(topics, npmi_by_topic(topics, binary, vocab_index), strict=True):
        if score is not None:
            k = len(dict.fromkeys(w for w in words if w in vocab_index))
            scores.append(score)
            weights.append(k * (k - 1) // 2)
    return float(np.average(scores, weights=weights)) if scores else float("nan")


def topic_words(keywords: Sequence[str], limit: int = TOP_WORDS) -> list[str]:
    """The distinct words of a theme's keywords in order: "kids sizes" gives "kids", "sizes".

    Keywords mix words and bigrams; a bigram is rarer than its words, so scoring
    bigram pairs would mostly measure that rarity. Coherence is about words.
    """
    words = dict.fromkeys(w for k in keywords for w in k.split())
    return list(words)[:limit]


def record_texts(statements: Sequence[Statement]) -> list[str]:
    """The documents coherence is counted over: each record's statements joined.

    A statement is one clause, in which near-synonyms ("size", "sizing") almost
    never meet, so with statements as documents most pairs score −1 whatever
    the theme. A record (one answer, review or message) is what a person wrote
    about one occasion: on the clothing reviews the mean theme NPMI is +0.06
    over records and +0.03 over statements.
    """
    by_record: dict[str, list[str]] = {}
    for s in statements:
        by_record.setdefault(s.record_id, []).append(s.text)
    return [" ".join(texts) for _, texts in sorted(by_record.items())]


def theme_coherence(texts: Sequence[str], themes: Sequence[Theme]) -> dict[str, float | None]:
    """NPMI of each theme's keyword words (``topic_words``) over ``texts`` as documents.

    A vectorised binary document-term matrix over just those words (the token
    pattern c-TF-IDF used), then one sparse product (``npmi_by_topic``).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    words = {t.theme_id: topic_words(t.keywords) for t in themes}
    terms = sorted({w for ws in words.values() for w in ws})
    if not texts or not terms:
        return {t.theme_id: None for t in themes}
    vectorizer = CountVectorizer(vocabulary=terms, binary=True, token_pattern=TOKEN_PATTERN)
    binary = vectorizer.fit_transform(texts)
    index = {w: j for j, w in enumerate(terms)}
    scores = npmi_by_topic([words[t.theme_id] for t in themes], binary, index, MIN_EXPECTED)
    return {
        t.theme_id: None if s is None else round(s, 4) for t, s in zip(themes, scores, strict=True)
    }


# -- the section ------------------------------------------------------------------------------


def quality_section(
    statements: Sequence[Statement],
    themes: Sequence[Theme],
    model: SegmentModel,
    personas: Sequence[Persona],
    link_rates: Mapping[str, Mapping[str, float | int]],
) -> Quality:
    """Every figure of the quality section and the warnings, from one build's outputs."""
    themable = themed = 0  # statements of a themed kind, and those in a theme
    for s in statements:
        if s.kind in THEMED_KINDS:
            themable += 1
            themed += s.theme_id is not None
    themed_share = round(themed / themable, 4) if themable else 0.0
    coherence = theme_coherence(record_texts(statements), themes)
    known = [v for v in coherence.values() if v is not None]
    identified = sum(int(r["identified"]) for r in link_rates.values())
    linked = sum(int(r["linked"]) for r in link_rates.values())
    linkable = sum(1 for r in link_rates.values() if r["identified"]) >= 2
    evidence = [len(c.evidence_ids) for p in personas for c in p.goals + p.motivations + p.pains]
    by_segment = {f"p{s.segment_id}": s.stability for s in model.segments}
    quality = Quality(
        statements_themed_share=themed_share,
        outlier_share=round((themable - themed) / themable, 4) if themable else 0.0,
        coherence_npmi=round(float(np.mean(known)), 4) if known else None,
        kind_confidence=confidence_summary([s.kind_confidence for s in statements]),
        link_rate=round(linked / identified, 4) if linkable else None,
        silhouette=_rounded(model.silhouette),
        stability=_rounded(model.stability),
        stability_by_persona={
            p.persona_id: _rounded(by_segment.get(p.persona_id)) for p in personas
        },
        evidence_min=min(evidence) if evidence else None,
        evidence_median=float(median(evidence)) if evidence else None,
        warnings=[],
    )
    other = sum(1 for s in statements if s.kind == "other") / len(statements) if statements else 0
    quality.warnings = warnings_for(quality, personas, themes, coherence, other)
    return quality


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def confidence_summary(confidences: Sequence[float]) -> dict[str, float]:
    """Median, quartiles and the share below ``LOW_CONFIDENCE`` (empty without statements)."""
    if not confidences:
        return {}
    values = np.asarray(confidences, dtype=np.float64)
    q1, mid, q3 = np.percentile(values, [25, 50, 75])
    return {
        "median": round(float(mid), 4),
        "q1": round(float(q1), 4),
        "q3": round(float(q3), 4),
        "low_share": round(float(np.mean(values < LOW_CONFIDENCE)), 4),
    }


def margin_points(n: int) -> int:
    """95% margin, in percentage points, of a share near 50% measured on ``n`` people."""
    return round(98 / math.sqrt(n)) if n > 0 else 100


def warnings_for(
    quality: Quality,
    personas: Sequence[Persona],
    themes: Sequence[Theme],
    coherence: Mapping[str, float | None],
    other_share: float,
) -> list[str]:
    """Plain-language warnings for every figure past its ``weak`` limit (see the module doc)."""
    out: list[str] = []
    for p in personas:
        n = p.coverage.respondents
        if n < SMALL_PERSONA:
            out.append(
                f"persona {p.persona_id} ({p.name}) rests on {n} respondents: "
                f"its shares could be off by about ±{margin_points(n)} points"
            )
        if not p.pains and not p.motivations:
            out.append(f"persona {p.persona_id} has no pain points or motivations in the data")
    if grade("outlier_share", quality.outlier_share) == "weak":
        out.append(
            f"{quality.outlier_share:.0%} of statements have no theme: "
            "what they say is in no persona's claims"
        )
    if other_share > OTHER_SHARE_WEAK:
        out.append(
            f"{other_share:.0%} of statements are neither a pain point, a motivation nor a goal"
        )
    out += _coherence_warnings(quality.coherence_npmi, themes, coherence)
    low = quality.kind_confidence.get("low_share")
    if grade("kind_low_share", low) == "weak":
        out.append(
            f"{low:.0%} of statements were classified with low confidence "
            f"(below {LOW_CONFIDENCE}): their pain / motivation / goal calls are uncertain"
        )
    if grade("link_rate", quality.link_rate) == "weak":
        out.append(
            f"only {quality.link_rate:.0%} of the records that name a person link to the "
            "same person in another file: what people say and what they buy barely join up"
        )
    if grade("silhouette", quality.silhouette) == "weak":
        out.append(
            f"segments barely separate (silhouette {quality.silhouette:.2f}): many people sit "
            "between personas, so read the personas as tendencies"
        )
    out += _stability_warnings(quality, personas)
    out += _evidence_warnings(personas)
    return out


def _coherence_warnings(
    mean: float | None, themes: Sequence[Theme], coherence: Mapping[str, float | None]
) -> list[str]:
    out = []
    if grade("coherence_npmi", mean) == "weak":
        out.append(
            f"theme keywords rarely occur together (mean NPMI {mean:+.2f}): "
            "themes may mix unrelated topics"
        )
    scored = [(s, t.label) for t in themes if (s := coherence.get(t.theme_id)) is not None]
    loose = sorted((s, label) for s, label in scored if s < THEME_NPMI_WEAK)
    if loose:
        named = ", ".join(f"“{label}” ({s:+.2f})" for s, label in loose[:MAX_NAMED])
        more = f" and {len(loose) - MAX_NAMED} more" if len(loose) > MAX_NAMED else ""
        out.append(
            f"{len(loose)} theme(s) whose keywords rarely occur together (NPMI below "
            f"{THEME_NPMI_WEAK}), check they are one topic: {named}{more}"
        )
    return out


def _stability_warnings(quality: Quality, personas: Sequence[Persona]) -> list[str]:
    out = []
    if grade("stability", quality.stability) == "weak":
        out.append(
            f"the segmentation changes a lot when the data is resampled "
            f"(stability {quality.stability:.2f})"
        )
    for p in personas:
        value = quality.stability_by_persona.get(p.persona_id)
        if grade("stability", value) == "weak":
            out.append(
                f"persona {p.persona_id} ({p.name}) does not hold up when the data is "
                f"resampled (stability {value:.2f})"
            )
    return out


def _evidence_warnings(personas: Sequence[Persona]) -> list[str]:
    limit = LIMITS["evidence_min"]["weak"]
    thin = [
        (len(c.evidence_ids), p.persona_id, c.label)
        for p in personas
        for c in p.goals + p.motivations + p.pains
        if len(c.evidence_ids) < limit
    ]
    if not thin:
        return []
    thin.sort()
    named = ", ".join(f"{pid} “{label}” ({n})" for n, pid, label in thin[:MAX_NAMED])
    more = f" and {len(thin) - MAX_NAMED} more" if len(thin) > MAX_NAMED else ""
    return [f"{len(thin)} claim(s) rest on fewer than {limit} statements: {named}{more}"]
