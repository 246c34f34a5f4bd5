"""Statistics per segment, every one recomputable from the output tables.

Theme prevalence is the share of a segment's *voiced* respondents (those with
at least one statement) who have a statement in the theme; the same share
over everyone else gives ``prevalence_rest`` and the ratio is ``lift``.

Whether a theme sets a segment apart is a test, not a ratio: a lift of 3 on
two people is noise. Each segment x theme pair is a 2x2 table (voiced
respondents in the segment / in the rest, with / without the theme). Fisher's
exact test gives the two-sided p-value (exact, so small segments and rare
themes are handled), Benjamini–Hochberg adjusts the p-values over *all*
segment x theme comparisons of the build (false discovery rate 5%), and a theme
is ``distinctive`` for a segment only when the adjusted p is below ``ALPHA``
and the segment voices it more than the rest. ``diff_low`` / ``diff_high`` are
Newcombe's 95% interval of prevalence - prevalence_rest (hybrid Wilson score,
method 10 of Newcombe 1998: well-behaved at 0% and 100%, unlike the Wald
interval); the interval is per comparison, not corrected.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from personas.models import (
    ATTRIBUTE_ROLES,
    NumberSummary,
    Respondent,
    SegmentModel,
    SegmentStats,
    Share,
    Statement,
    Theme,
    ThemeStat,
)
from personas.segment.features import is_multi_select, split_multi

CATEGORY_ATTRIBUTES = tuple(a for a in ATTRIBUTE_ROLES if a != "age")
ALPHA = 0.05
Z95 = 1.959963984540054  # two-sided 95% normal quantile


def summarise(values: list[float]) -> NumberSummary:
    if not values:
        return NumberSummary(n=0)
    arr = np.array(values, dtype=float)
    q1, med, q3 = np.percentile(arr, [25, 50, 75])
    return NumberSummary(
        n=len(values),
        mean=round(float(arr.mean()), 4),
        median=round(float(med), 4),
        q1=round(float(q1), 4),
        q3=round(float(q3), 4),
    )


def shares(values: list[str], multi: bool = False) -> list[Share]:
    counts: Counter[str] = Counter()
    for value in values:
        counts.update(set(split_multi(value)) if multi else [value])
    total = len(values)
    return [
        Share(value=v, count=c, share=round(c / total, 4))
        for v, c in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    ]


def _numbers(people: list[Respondent], attr: str) -> list[float]:
    out: list[float] = []
    for r in people:
        value = r.attributes.get("age") if attr == "age" else getattr(r, attr)
        if isinstance(value, int | float):
            out.append(float(value))
    return out


def _nps(people: list[Respondent]) -> tuple[float | None, float | None, float | None, float | None]:
    scores = [r.nps for r in people if r.nps is not None]
    if not scores:
        return None, None, None, None
    n = len(scores)
    pro = sum(s >= 9 for s in scores) / n
    det = sum(s <= 6 for s in scores) / n
    return round(100 * (pro - det), 1), round(pro, 4), round(1 - pro - det, 4), round(det, 4)


def wilson(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the proportion x / n."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(a: int, n1: int, b: int, n2: int, z: float = Z95) -> tuple[float, float]:
    """Newcombe's hybrid score interval of a/n1 - b/n2 (Newcombe 1998, method 10)."""
    p1, p2 = a / n1, b / n2
    l1, u1 = wilson(a, n1, z)
    l2, u2 = wilson(b, n2, z)
    diff = p1 - p2
    low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return max(-1.0, low), min(1.0, high)


def fisher_p(a: int, n1: int, b: int, n2: int) -> float:
    """Two-sided Fisher exact p-value of a/n1 versus b/n2."""
    from scipy.stats import fisher_exact

    return float(fisher_exact([[a, n1 - a], [b, n2 - b]]).pvalue)


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values, in the order given."""
    if not p_values:
        return []
    from scipy.stats import false_discovery_control

    return [float(p) for p in false_discovery_control(p_values, method="bh")]


def _significant(p: float) -> float:
    """Three significant digits: tiny p-values stay readable instead of rounding to 0."""
    return float(f"{p:.3g}")


@dataclass
class _Voice:
    """Who spoke in each segment, and in which themes (counted once from the statements)."""

    voiced: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    theme_people: dict[tuple[int, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    theme_statements: Counter[tuple[int, str]] = field(default_factory=Counter)
    statement_count: Counter[int] = field(default_factory=Counter)


def _voice(statements: Sequence[Statement], model: SegmentModel) -> _Voice:
    seg_of = {k: seg.segment_id for seg in model.segments for k in seg.respondent_keys}
    v = _Voice()
    for s in statements:
        if s.respondent_key in seg_of:
            seg = seg_of[s.respondent_key]
            v.voiced[seg].add(s.respondent_key)
            v.statement_count[seg] += 1
            if s.theme_id:
                v.theme_people[(seg, s.theme_id)].add(s.respondent_key)
                v.theme_statements[(seg, s.theme_id)] += 1
        elif s.statement_id in model.anonymous:
            seg = model.anonymous[s.statement_id][0]
            v.statement_count[seg] += 1
            if s.theme_id:
                v.theme_statements[(seg, s.theme_id)] += 1
    return v


def theme_stats(themes: list[Theme], model: SegmentModel, v: _Voice) -> dict[int, list[ThemeStat]]:
    """Per segment, every theme's prevalence inside and outside, lift, interval and
    BH-corrected test (corrected over all segment x theme pairs at once)."""
    total_voiced = sum(len(people) for people in v.voiced.values())
    counts: dict[tuple[int, str], tuple[int, int, int, int]] = {}
    for seg in model.segments:
        n1 = len(v.voiced[seg.segment_id])
        for theme in themes:
            a = len(v.theme_people[(seg.segment_id, theme.theme_id)])
            everyone = sum(
                len(v.theme_people[(o.segment_id, theme.theme_id)]) for o in model.segments
            )
            counts[(seg.segment_id, theme.theme_id)] = (a, n1, everyone - a, total_voiced - n1)
    testable = [pair for pair, (_, n1, _, n2) in counts.items() if n1 > 0 and n2 > 0]
    adjusted = dict(
        zip(testable, benjamini_hochberg([fisher_p(*counts[p]) for p in testable]), strict=True)
    )
    out: dict[int, list[ThemeStat]] = {}
    for seg in model.segments:
        out[seg.segment_id] = [
            _theme_stat(
                theme,
                counts[(seg.segment_id, theme.theme_id)],
                adjusted.get((seg.segment_id, theme.theme_id)),
                v.theme_statements[(seg.segment_id, theme.theme_id)],
            )
            for theme in themes
        ]
    return out


def _theme_stat(
    theme: Theme, count: tuple[int, int, int, int], p_adjusted: float | None, statements: int
) -> ThemeStat:
    a, n1, b, n2 = count
    prev = a / n1 if n1 else 0.0
    prev_rest = b / n2 if n2 else 0.0
    low, high = newcombe(a, n1, b, n2) if n1 and n2 else (None, None)
    return ThemeStat(
        theme_id=theme.theme_id,
        kind=theme.kind,
        label=theme.label,
        respondents=a,
        prevalence=round(prev, 4),
        prevalence_rest=round(prev_rest, 4),
        lift=round(prev / prev_rest, 3) if prev_rest > 0 else None,
        statements=statements,
        diff_low=None if low is None else round(low, 4),
        diff_high=None if high is None else round(high, 4),
        p_adjusted=None if p_adjusted is None else _significant(p_adjusted),
        distinctive=p_adjusted is not None and p_adjusted < ALPHA and prev > prev_rest,
    )


def _categories(people: list[Respondent]) -> tuple[dict[str, list[Share]], dict[str, int]]:
    """Shares of each category attribute over the people who gave it, and how many did."""
    categories: dict[str, list[Share]] = {}
    known: dict[str, int] = {}
    for attr in sorted({a for r in people for a in r.attributes} - {"age"}):
        values = [str(r.attributes[attr]) for r in people if attr in r.attributes]
        multi = is_multi_select(values)
        # a multi-select answer is judged by its options, not by the combinations people
        # ticked (40 people can tick 40 different combinations of 8 interests)
        levels = {o for v in values for o in split_multi(v)} if multi else set(values)
        # products come from the order role and are always shown, however large the range
        if attr in CATEGORY_ATTRIBUTES or attr == "products" or len(levels) <= 30:
            categories[attr] = shares(values, multi)
            known[attr] = len(values)
    return categories, known


def segment_stats(
    respondents: list[Respondent],
    statements: Sequence[Statement],
    themes: list[Theme],
    model: SegmentModel,
    source_kinds: Mapping[str, str],
) -> list[SegmentStats]:
    """One SegmentStats per segment, in segment order."""
    by_key = {r.key: r for r in respondents}
    v = _voice(statements, model)
    by_segment = theme_stats(themes, model, v)
    out: list[SegmentStats] = []
    for seg in model.segments:
        sid = seg.segment_id
        people = [by_key[k] for k in seg.respondent_keys]
        categories, known = _categories(people)
        nps_score, pro, pas, det = _nps(people)
        sources: Counter[str] = Counter()
        for r in people:
            sources.update({source_kinds.get(src, "unknown") for src in r.sources})
        out.append(
            SegmentStats(
                segment_id=sid,
                size=len(people),
                share=round(len(people) / len(respondents), 4) if respondents else 0.0,
                age=summarise(_numbers(people, "age")),
                categories=categories,
                category_known=known,
                nps=summarise([r.nps for r in people if r.nps is not None]),
                nps_score=nps_score,
                promoters=pro,
                passives=pas,
                detractors=det,
                rating=summarise([r.rating for r in people if r.rating is not None]),
                spend_total=summarise(_numbers(people, "total_spend")),
                avg_order_value=summarise(_numbers(people, "avg_order_value")),
                orders_per_year=summarise(_numbers(people, "orders_per_year")),
                recency_days=summarise(_numbers(people, "recency_days")),
                customers_with_orders=sum(1 for r in people if r.orders > 0),
                themes=by_segment[sid],
                sources=dict(sorted(sources.items())),
                statements=v.statement_count[sid],
            )
        )
    return out
