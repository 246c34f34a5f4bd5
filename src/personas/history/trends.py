"""Theme trends inside one build: what is rising, stable or fading, and what is new.

Statements inherit their record's date. Periods are calendar months when the dated
statements span four months or more, ISO weeks otherwise; every period between the
first and the last is listed, empty ones included. A theme's prevalence in a period
is its statements over the dated statements of its kind in that period (a goal theme
over goal statements: only surveys ask for goals). The word behind each theme comes
from the Cochran-Armitage test for a linear trend in those proportions, stratified by
source file (Mantel's extension: each file's statistic and variance are summed), so
that a survey run in a few months does not make its themes "rise" against reviews
written all year; Benjamini-Hochberg corrected over all themes: "rising" or "fading"
when the corrected p-value is below 0.05, "stable" otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal

from personas.models import Record, Statement, Theme
from personas.synthesize.changes import ThemeTrend, Trends

ALPHA = 0.05
MIN_DATED = 30  # dated statements needed to say anything about time
MIN_PERIODS = 3
MONTHS_FOR_MONTHLY = 4
NEW_MIN = 3  # statements in the newest period for a theme to count as new there
NEW_BEFORE_MAX = 2  # stray statements allowed before it (clustering noise)


def period_of(day: date, period: str) -> str:
    """'2026-03' for a month, '2026-W09' for an ISO week."""
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def all_periods(first: date, last: date, period: str) -> list[str]:
    """Every period from the one holding ``first`` to the one holding ``last``."""
    from datetime import timedelta

    out: list[str] = []
    day = first
    while day <= last:
        p = period_of(day, period)
        if not out or out[-1] != p:
            out.append(p)
        day += timedelta(days=1)
    return out


def _parse(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def cochran_armitage(counts: list[int], totals: list[int]) -> tuple[float, float] | None:
    """(z, two-sided p) of a linear trend in counts / totals over equally spaced
    periods; None when the proportion is 0 or 1 throughout (nothing to test)."""
    return stratified_trend([(counts, totals)])


def _trend_terms(counts: list[int], totals: list[int]) -> tuple[float, float]:
    """One stratum's Cochran-Armitage statistic and its variance (0, 0 if constant)."""
    n = sum(totals)
    x = sum(counts)
    if n == 0 or x in (0, n):
        return 0.0, 0.0
    p = x / n
    t = range(len(counts))
    stat = sum(ti * (xi - ni * p) for ti, xi, ni in zip(t, counts, totals, strict=True))
    s1 = sum(ni * ti for ti, ni in zip(t, totals, strict=True))
    s2 = sum(ni * ti * ti for ti, ni in zip(t, totals, strict=True))
    return stat, p * (1 - p) * (s2 - s1 * s1 / n)


def stratified_trend(strata: list[tuple[list[int], list[int]]]) -> tuple[float, float] | None:
    """(z, two-sided p) of a common linear trend over strata of (counts, totals) per
    period: each stratum compared with its own mean only (Mantel's extension of the
    Cochran-Armitage test); None when no stratum has anything to test."""
    stat = var = 0.0
    for counts, totals in strata:
        s, v = _trend_terms(counts, totals)
        stat += s
        var += v
    if var <= 0:
        return None
    z = stat / math.sqrt(var)
    return z, math.erfc(abs(z) / math.sqrt(2))


def theme_trends(
    records: Iterable[Record], statements: Sequence[Statement], themes: list[Theme]
) -> Trends | None:
    """Per-period prevalence of each theme and its trend; None without enough dates."""
    from personas.segment.stats import benjamini_hochberg

    day_of = {r.record_id: d for r in records if (d := _parse(r.date)) is not None}
    days = [day_of.get(s.record_id) for s in statements]  # each statement's, or None
    dated = [d for d in days if d is not None]
    if len(dated) < MIN_DATED or not themes:
        return None
    first, last, n_dated = min(dated), max(dated), len(dated)
    del dated
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    period: Literal["month", "week"] = "month" if months >= MONTHS_FOR_MONTHLY else "week"
    periods = all_periods(first, last, period)
    if len(periods) < MIN_PERIODS:
        return None
    index = {p: i for i, p in enumerate(periods)}
    totals = [0] * len(periods)
    of_kind: dict[str, list[int]] = {}  # dated statements per period, by kind
    cells: dict[tuple[str, str], list[int]] = {}  # (kind, source) -> per period
    in_cell: dict[tuple[str, str, str], list[int]] = {}  # (theme, kind, source)
    for s, d in zip(statements, days, strict=True):  # one statement at a time
        if d is None:
            continue
        i = index[period_of(d, period)]
        totals[i] += 1
        of_kind.setdefault(s.kind, [0] * len(periods))[i] += 1
        cells.setdefault((s.kind, s.source), [0] * len(periods))[i] += 1
        if s.theme_id is not None:
            in_cell.setdefault((s.theme_id, s.kind, s.source), [0] * len(periods))[i] += 1
    per_theme = {t.theme_id: _theme_counts(t.theme_id, in_cell, len(periods)) for t in themes}
    tests = {
        t.theme_id: stratified_trend(
            [
                (in_cell.get((t.theme_id, kind, source), [0] * len(periods)), counts)
                for (kind, source), counts in sorted(cells.items())
                if kind == t.kind
            ]
        )
        for t in themes
    }
    # "new" counts only what files already running before the newest period say: a
    # file that starts in it (a new survey wave) makes everything it asks look new
    running = {src for (_, src), counts in cells.items() if sum(counts[:-1]) > 0}
    latest = {t.theme_id: 0 for t in themes}
    for (tid, _, src), counts in in_cell.items():
        if src in running and tid in latest:
            latest[tid] += counts[-1]
    p_values = {tid: r[1] for tid, r in tests.items() if r is not None}
    tested = list(p_values)
    adjusted = dict(zip(tested, benjamini_hochberg(list(p_values.values())), strict=True))
    return Trends(
        period=period,
        periods=periods,
        statements=totals,
        undated_share=round(1 - n_dated / len(statements), 4),
        method=(
            f"statements per {period} by their record's date; prevalence = the theme's "
            f"statements / the dated statements of its kind in the {period}; rising / "
            f"fading: Cochran-Armitage trend test stratified by source file, "
            f"Benjamini-Hochberg corrected over "
            f"{len(tested)} themes, p < {ALPHA}; new: at least {NEW_MIN} statements in the "
            f"newest {period} from files already running before it, and at most "
            f"{NEW_BEFORE_MAX} before it"
        ),
        themes=[
            _trend(t, per_theme[t.theme_id], of_kind.get(t.kind, totals), tests, adjusted, latest)
            for t in themes
        ],
    )


def _theme_counts(
    theme_id: str, in_cell: dict[tuple[str, str, str], list[int]], n: int
) -> list[int]:
    """A theme's statements per period, over every kind and source."""
    out = [0] * n
    for (tid, _, _), counts in in_cell.items():
        if tid == theme_id:
            out = [a + b for a, b in zip(out, counts, strict=True)]
    return out


def _trend(
    theme: Theme,
    counts: list[int],
    totals: list[int],
    tests: dict[str, tuple[float, float] | None],
    adjusted: dict[str, float],
    latest: dict[str, int],
) -> ThemeTrend:
    result = tests[theme.theme_id]
    p_adj = adjusted.get(theme.theme_id)
    word: Literal["rising", "stable", "fading", "unknown"]
    if result is None or p_adj is None:
        word = "unknown"
    elif p_adj < ALPHA:
        word = "rising" if result[0] > 0 else "fading"
    else:
        word = "stable"
    return ThemeTrend(
        theme_id=theme.theme_id,
        kind=theme.kind,
        label=theme.label,
        counts=counts,
        prevalence=[round(c / n, 4) if n else 0.0 for c, n in zip(counts, totals, strict=True)],
        trend=word,
        p_adjusted=round(p_adj, 6) if p_adj is not None else None,
        new_in_latest=_is_new(counts, latest[theme.theme_id]),
    )


def _is_new(counts: list[int], latest_from_running: int) -> bool:
    """Voiced in the newest period (by files that ran before it) and hardly ever before."""
    return latest_from_running >= NEW_MIN and sum(counts[:-1]) <= NEW_BEFORE_MAX


def new_in_latest(trends: Trends | None) -> list[ThemeTrend]:
    """Themes voiced in the newest period and (nearly) never before."""
    return [t for t in trends.themes if t.new_in_latest] if trends else []
