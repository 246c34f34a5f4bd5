"""Statistics per segment, every one recomputable from the output tables.

Theme prevalence is the share of a segment's *voiced* respondents (those with
at least one statement) who have a statement in the theme; the same share
over everyone else gives ``prevalence_rest`` and the ratio is ``lift``.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from personas.features import is_multi_select, split_multi
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

CATEGORY_ATTRIBUTES = tuple(a for a in ATTRIBUTE_ROLES if a != "age")


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


def segment_stats(
    respondents: list[Respondent],
    statements: list[Statement],
    themes: list[Theme],
    model: SegmentModel,
    source_kinds: dict[str, str],
) -> list[SegmentStats]:
    """One SegmentStats per segment, in segment order."""
    by_key = {r.key: r for r in respondents}
    seg_of = {k: seg.segment_id for seg in model.segments for k in seg.respondent_keys}
    voiced: dict[int, set[str]] = defaultdict(set)
    theme_people: dict[tuple[int, str], set[str]] = defaultdict(set)
    theme_statements: Counter[tuple[int, str]] = Counter()
    statement_count: Counter[int] = Counter()
    for s in statements:
        if s.respondent_key in seg_of:
            seg = seg_of[s.respondent_key]
            voiced[seg].add(s.respondent_key)
            statement_count[seg] += 1
            if s.theme_id:
                theme_people[(seg, s.theme_id)].add(s.respondent_key)
                theme_statements[(seg, s.theme_id)] += 1
        elif s.statement_id in model.anonymous:
            seg = model.anonymous[s.statement_id][0]
            statement_count[seg] += 1
            if s.theme_id:
                theme_statements[(seg, s.theme_id)] += 1
    total_voiced = sum(len(v) for v in voiced.values())
    out: list[SegmentStats] = []
    for seg in model.segments:
        sid = seg.segment_id
        people = [by_key[k] for k in seg.respondent_keys]
        n_voiced = len(voiced[sid])
        rest_voiced = total_voiced - n_voiced
        theme_stats: list[ThemeStat] = []
        for theme in themes:
            inside = len(theme_people[(sid, theme.theme_id)])
            everyone = sum(
                len(theme_people[(o.segment_id, theme.theme_id)]) for o in model.segments
            )
            prev = inside / n_voiced if n_voiced else 0.0
            prev_rest = (everyone - inside) / rest_voiced if rest_voiced else 0.0
            theme_stats.append(
                ThemeStat(
                    theme_id=theme.theme_id,
                    kind=theme.kind,
                    label=theme.label,
                    respondents=inside,
                    prevalence=round(prev, 4),
                    prevalence_rest=round(prev_rest, 4),
                    lift=round(prev / prev_rest, 3) if prev_rest > 0 else None,
                    statements=theme_statements[(sid, theme.theme_id)],
                )
            )
        categories: dict[str, list[Share]] = {}
        known: dict[str, int] = {}
        attrs = sorted({a for r in people for a in r.attributes} - {"age"})
        for attr in attrs:
            values = [str(r.attributes[attr]) for r in people if attr in r.attributes]
            if attr in CATEGORY_ATTRIBUTES or len(set(values)) <= 30:
                multi = is_multi_select(values)
                categories[attr] = shares(values, multi)
                known[attr] = len(values)
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
                themes=theme_stats,
                sources=dict(sorted(sources.items())),
                statements=statement_count[sid],
            )
        )
    return out
