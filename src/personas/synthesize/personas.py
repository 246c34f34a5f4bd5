"""Turn segments, their statistics and themes into persona documents.

Nothing is invented: every sentence is assembled from a statistic or a theme,
every claim carries the statement ids it rests on, and a field the data
cannot support says "unknown" with the reason.

Small groups: no persona, figure or quote rests on fewer than ``min_group``
respondents (``min_group_size``, default 5). A fact known for fewer people,
a category value held by fewer, a claim voiced by fewer (respondents plus
anonymous records) or shared over fewer voiced respondents is left out or
"unknown". Quotes never name a person, carry any other placeholder or
swear (``toxicity``).
"""

from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from personas.config import NameLists
from personas.errors import NoUsableInput
from personas.ingest.identity import is_identified
from personas.models import (
    NumberSummary,
    Segment,
    SegmentModel,
    SegmentStats,
    Statement,
    StatementKind,
    Theme,
    ThemeStat,
)
from personas.privacy.toxicity import is_toxic
from personas.synthesize.describe import describe_feature
from personas.synthesize.document import (
    UNKNOWN,
    Claim,
    Coverage,
    Fact,
    Persona,
    Quote,
    Spread,
    ValueShare,
)
from personas.synthesize.names import dominant_gender, name_basis, pick_name
from personas.synthesize.traits import archetype_forms, bant, journey, psychographics, vary_labels
from personas.understand.embed import Embeddings
from personas.understand.redact import PLACEHOLDER_RE, name_parts
from personas.understand.statementtable import RowIndex

MIN_KNOWN = 5  # default small-group threshold k: fewer respondents than this, nothing shown
DEMOGRAPHICS = ("gender", "region", "income", "occupation", "education", "household")
LABELS = {
    "gender": "Gender",
    "region": "Region",
    "income": "Income",
    "occupation": "Occupation",
    "education": "Education",
    "household": "Household",
    "device": "Device",
    "channel": "Channel",
    "products": "Products bought",
}


@dataclass(frozen=True)
class Evidence:
    """Statements and vectors synthesis draws quotes from."""

    statements: Sequence[Statement]  # the build's (a ``StatementTable``), or a list
    embeddings: Embeddings
    segment_of: dict[str, int]  # respondent key -> segment
    anonymous: dict[str, tuple[int, float]]
    rejected: frozenset[str] = frozenset()  # statement ids a reviewer rejected as quotes
    # Indexes built once by __post_init__; not part of the value (compare=False).
    _rows: RowIndex = field(init=False, repr=False, compare=False)
    _by_theme: dict[tuple[str, int], tuple[array[int], array[int]]] = field(
        init=False, repr=False, compare=False
    )
    _sizes: Counter[int] = field(init=False, repr=False, compare=False)
    _voiced: frozenset[str | None] = field(init=False, repr=False, compare=False)

    def row(self, statement_id: str) -> int:
        return self._rows[statement_id]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rows", RowIndex(self.embeddings.ids))
        # One pass over the statements: (theme, segment) -> the positions of its own and
        # anonymous statements, in order (positions, not objects: a table makes each
        # statement when asked, and a million of them need not be made at once)
        index: dict[tuple[str, int], tuple[array[int], array[int]]] = defaultdict(
            lambda: (array("q"), array("q"))
        )
        voiced: set[str | None] = set()
        for i, s in enumerate(self.statements):
            voiced.add(s.respondent_key)
            if s.theme_id is None:
                continue
            if s.respondent_key is not None and s.respondent_key in self.segment_of:
                index[(s.theme_id, self.segment_of[s.respondent_key])][0].append(i)
            if s.statement_id in self.anonymous:
                index[(s.theme_id, self.anonymous[s.statement_id][0])][1].append(i)
        object.__setattr__(self, "_by_theme", dict(index))
        object.__setattr__(self, "_sizes", Counter(self.segment_of.values()))
        object.__setattr__(self, "_voiced", frozenset(voiced))

    def voiced(self) -> frozenset[str | None]:
        """The respondent keys of every statement's speaker (None for anonymous ones)."""
        return self._voiced

    def in_theme(self, theme_id: str, segment_id: int) -> tuple[list[Statement], list[Statement]]:
        own, anon = self._by_theme.get((theme_id, segment_id), ((), ()))
        return [self.statements[i] for i in own], [self.statements[i] for i in anon]

    def size(self, segment_id: int) -> int:
        return self._sizes[segment_id]


def pct(x: float) -> str:
    return f"{round(100 * x)}%"


def money(x: float | None) -> str:
    return "unknown" if x is None else f"{x:,.2f}"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "persona"


def category_fact(stats: SegmentStats, attr: str, source_note: str, k: int = MIN_KNOWN) -> Fact:
    name = LABELS.get(attr, attr)
    known = stats.category_known.get(attr, 0)
    values = [v for v in stats.categories.get(attr, []) if v.count >= k]  # small cells hidden
    if known < k or not values:
        reason = (
            "not in the data"
            if attr not in stats.categories
            else f"only {known} respondents gave it"
            if known < k
            else f"no answer is shared by {k} or more of the {known} respondents"
        )
        return Fact(name=name, value=UNKNOWN, basis=reason)
    top = values[0]
    if top.share >= 0.5 and attr != "products":  # people buy several things: show the top few
        value = f"{top.value} ({pct(top.share)})"
    else:
        value = ", ".join(f"{s.value} {pct(s.share)}" for s in values[:3])
    return Fact(
        name=name,
        value=value,
        basis=f"{known} of {stats.size} respondents{source_note}",
        shares=[ValueShare(value=v.value, share=v.share) for v in values],
    )


def number_fact(
    name: str,
    summary: NumberSummary,
    unit: str = "",
    basis: str = "",
    fmt: str = "{:,.0f}",
    k: int = MIN_KNOWN,
) -> Fact:
    if summary.n < k or summary.median is None or summary.q1 is None or summary.q3 is None:
        why = "not in the data" if summary.n == 0 else f"only {summary.n} respondents have it"
        return Fact(name=name, value=UNKNOWN, basis=why)
    low, mid, high = (fmt.format(v) for v in (summary.q1, summary.median, summary.q3))
    value = f"median {mid}{unit} (middle half {low}–{high}{unit})"
    spread = Spread(n=summary.n, q1=summary.q1, median=summary.median, q3=summary.q3)
    return Fact(name=name, value=value, basis=f"{summary.n} respondents{basis}", spread=spread)


def tested(theme_stats: list[ThemeStat]) -> bool:
    """True when stats ran the per-theme significance test (a corrected p-value is set)."""
    return any(t.p_adjusted is not None for t in theme_stats)


def rank_claims(
    theme_stats: list[ThemeStat], kind: StatementKind, k: int = MIN_KNOWN
) -> list[ThemeStat]:
    """Themes of a kind this segment voices more than others (or very widely),
    by prevalence x lift (lift capped at 5), voiced by k people or in k statements.
    When stats tested each theme, the statistically distinctive ones come first: a
    high lift on a handful of people can be chance, a corrected test says so."""
    chosen = [
        t
        for t in theme_stats
        if t.kind == kind
        and (t.respondents >= k or t.statements >= k)
        and ((t.lift or 5.0) >= 1.0 or t.prevalence >= 0.25)
    ]
    first = tested(theme_stats)
    return sorted(
        chosen,
        key=lambda t: (
            first and not t.distinctive,
            -(t.prevalence * min(t.lift or 5.0, 5.0)),
            -t.statements,
            t.theme_id,
        ),
    )


def claim_evidence(
    theme: Theme, segment_id: int, ev: Evidence
) -> tuple[list[Statement], list[Statement]]:
    """The segment's own statements in the theme, and the anonymous ones attributed to it."""
    return ev.in_theme(theme.theme_id, segment_id)


def voices(own: list[Statement], anon: list[Statement]) -> int:
    """People behind a claim: respondents, plus anonymous records (one person each)."""
    return len({s.respondent_key for s in own} | {s.record_id for s in anon})


def build_claim(
    ts: ThemeStat,
    theme: Theme,
    segment_id: int,
    ev: Evidence,
    n_quotes: int,
    k: int = MIN_KNOWN,
    was_tested: bool = False,
) -> Claim:
    own, anon = claim_evidence(theme, segment_id, ev)
    members = ev.size(segment_id)
    if members < k:
        n_quotes = 0  # never quote from a segment below the small-group threshold
    quotes = pick_quotes(own, ev, n_quotes)
    if len(quotes) < 2 and n_quotes:
        quotes += [
            q.model_copy(update={"anonymous": True})
            for q in pick_quotes(anon, ev, n_quotes - len(quotes))
        ]
    return Claim(
        theme_id=theme.theme_id,
        kind=theme.kind,
        label=theme.label,
        keywords=theme.keywords[:6],
        share=ts.prevalence,
        share_rest=ts.prevalence_rest,
        lift=ts.lift,
        respondents=ts.respondents,
        quotes=quotes,
        evidence_ids=sorted(s.statement_id for s in own + anon),
        distinctive=ts.distinctive if was_tested else None,
        p_adjusted=ts.p_adjusted,
        diff_low=ts.diff_low,
        diff_high=ts.diff_high,
    )


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def pick_quotes(candidates: list[Statement], ev: Evidence, n: int) -> list[Quote]:
    """Statements near their own centre, of readable length (5–45 words where there
    are enough), no near-duplicates, none with a placeholder ([NAME], [EMAIL], ...)
    and none toxic or abusive."""
    if not candidates or n <= 0:
        return []
    readable = [s for s in candidates if 5 <= len(s.text.split()) <= 45]
    if len(readable) >= n:
        candidates = readable
    rows = [ev.row(s.statement_id) for s in candidates]
    vectors = ev.embeddings.vectors[rows]
    score = vectors @ vectors.mean(axis=0)
    order = sorted(
        range(len(candidates)),
        key=lambda i: (-round(float(score[i]), 6), candidates[i].statement_id),
    )
    out: list[Quote] = []
    chosen: list[set[str]] = []
    for i in order:
        s = candidates[i]
        words = _words(s.text)
        if (
            s.statement_id in ev.rejected
            or PLACEHOLDER_RE.search(s.text)
            or is_toxic(s.text)
            or any(len(words & w) >= 0.7 * max(len(words | w), 1) for w in chosen)
        ):
            continue
        chosen.append(words)
        out.append(
            Quote(statement_id=s.statement_id, text=s.text, source=s.source, locator=s.locator)
        )
        if len(out) == n:
            break
    return out


def summary_text(
    stats: SegmentStats,
    demo: list[Fact],
    claims: dict[str, list[Claim]],
    extra: list[Fact],
    k: int = MIN_KNOWN,
) -> str:
    """A paragraph assembled only from figures and theme labels shown elsewhere in the
    persona (``extra``: psychographic facts whose value is known)."""
    parts = [f"{stats.size} respondents ({pct(stats.share)} of all people in the data)."]
    known = [f"{f.name.lower()} {f.value}" for f in demo if f.value != UNKNOWN][:3]
    if known:
        parts.append("Where they said: " + "; ".join(known) + ".")
    for fact in extra:
        if fact.value != UNKNOWN:
            parts.append(f"{fact.name}: {fact.value}.")
    if stats.avg_order_value.n >= k:
        parts.append(
            f"Typical order {money(stats.avg_order_value.median)}, "
            f"about {stats.orders_per_year.median or 0:.1f} orders a year."
        )
    if stats.nps_score is not None and stats.nps.n >= k:
        parts.append(f"NPS {stats.nps_score:+.0f} from {stats.nps.n} answers.")
    for kind, verb in (
        ("motivation", "They value"),
        ("pain", "They are frustrated by"),
        ("goal", "They want"),
    ):
        top = [c.label.lower() for c in claims[kind][:2]]
        if top:
            parts.append(f"{verb} " + " and ".join(f"“{t}”" for t in top) + ".")
    return " ".join(parts)


def persona_claims(
    st: SegmentStats,
    seg: Segment,
    by_id: dict[str, Theme],
    ev: Evidence,
    quotes: int,
    per_kind: int,
    k: int,
) -> dict[str, list[Claim]]:
    """Goals, motivations and pains of a segment, ranked, each voiced by at least k people."""
    claims: dict[str, list[Claim]] = defaultdict(list)
    voiced = ev.voiced() & set(seg.respondent_keys)
    if len(voiced) < k:
        return claims  # shares over fewer than k voiced respondents are not shown
    was_tested = tested(st.themes)
    for kind in ("goal", "motivation", "pain"):
        for ts in rank_claims(st.themes, kind, k):
            theme = by_id[ts.theme_id]
            if voices(*claim_evidence(theme, seg.segment_id, ev)) < k:
                continue
            claims[kind].append(build_claim(ts, theme, seg.segment_id, ev, quotes, k, was_tested))
            if len(claims[kind]) == per_kind:
                break
    return claims


def proof_quotes(claims: dict[str, list[Claim]], n: int = 3) -> list[Quote]:
    """Quotes that back the messages: the first of each top motivation and goal (what
    the messages lead with), else of the top pains (the problem is real)."""
    ranked = claims["motivation"][:2] + claims["goal"][:1] or claims["pain"][:n]
    out: list[Quote] = []
    for claim in ranked:
        if claim.quotes and claim.quotes[0].statement_id not in {q.statement_id for q in out}:
            out.append(claim.quotes[0])
    return out[:n]


def persona_name(
    seg: Segment, st: SegmentStats, used: set[str], names: bool | NameLists
) -> tuple[str, str]:
    """The persona's name and how it was picked (``names = false``: "Persona 1")."""
    if names is False:
        return f"Persona {seg.segment_id}", "names turned off (names = false in personas.toml)"
    lists = names if isinstance(names, NameLists) else None
    return pick_name(seg.segment_id, st, used, lists), name_basis(st, lists)


def synthesize(
    stats: list[SegmentStats],
    model: SegmentModel,
    themes: list[Theme],
    ev: Evidence,
    source_paths: dict[int, list[str]],
    taken_names: set[str],
    quotes_per_claim: int = 3,
    claims_per_kind: int = 4,
    min_group: int = MIN_KNOWN,
    names: bool | NameLists = True,
) -> list[Persona]:
    """One Persona per segment; ``NoUsableInput`` if a segment is below ``min_group``."""
    k = min_group
    small = [st for st in stats if st.size < k]
    if small:
        raise NoUsableInput(
            f"only {small[0].size} respondents in a group, fewer than min_group_size = {k}: "
            "a persona that small could expose a person; add data, or lower min_group_size "
            "(--min-group) if you accept the risk"
        )
    by_id = {t.theme_id: t for t in themes}
    # A customer's first name alone must not become a persona's name either.
    used_names: set[str] = set(taken_names) | name_parts(taken_names)
    personas: list[Persona] = []
    forms: list[list[tuple[str, str]]] = []
    for st, seg in zip(stats, model.segments, strict=True):
        claims = persona_claims(st, seg, by_id, ev, quotes_per_claim, claims_per_kind, k)
        name, why_name = persona_name(seg, st, used_names, names)
        used_names.add(name)
        personas.append(
            build_persona(st, seg, model, claims, name, why_name, by_id, source_paths, k)
        )
        forms.append(archetype_forms(st, seg, claims, dominant_gender(st), k))
    # labels of one build: unique, and not all starting with the same words
    return [
        p.model_copy(update={"label": label, "slug": slugify(label), "label_basis": why})
        for p, (label, why) in zip(personas, vary_labels(forms), strict=True)
    ]


def build_persona(
    st: SegmentStats,
    seg: Segment,
    model: SegmentModel,
    claims: dict[str, list[Claim]],
    name: str,
    why_name: str,
    by_id: dict[str, Theme],
    source_paths: dict[int, list[str]],
    k: int,
) -> Persona:
    """Assemble one persona from its segment's figures and ranked claims."""
    age = number_fact("Age", st.age, basis=" gave an age", k=k)
    demo = [age] + [
        category_fact(st, a, "", k)
        for a in DEMOGRAPHICS
        if a in st.categories or a in ("gender", "region", "income")
    ]
    psycho = psychographics(st, seg, claims["motivation"], k)
    stages = journey(st, k)
    label, why_label = archetype_forms(st, seg, claims, dominant_gender(st), k)[0]
    interests = [f for f in psycho if f.name == "Interests"][:1]
    n_anon = sum(1 for _, (sid, _s) in model.anonymous.items() if sid == seg.segment_id)
    return Persona(
        persona_id=f"p{seg.segment_id}",
        slug=slugify(label),
        name=name,
        label=label,
        summary=summary_text(st, demo, claims, interests, k),
        demographics=demo,
        behaviour=behaviour_facts(st, k),
        goals=claims["goal"],
        motivations=claims["motivation"],
        pains=claims["pain"],
        distinctive=[describe_feature(f, by_id) for f in seg.distinctive],
        messages=messages(claims),
        channels=channel_facts(st, k),
        objections=objections(claims),
        coverage=Coverage(
            respondents=st.size,
            share=st.share,
            identified_respondents=sum(1 for key in seg.respondent_keys if is_identified(key)),
            statements=st.statements,
            anonymous_statements=n_anon,
            sources=source_paths.get(seg.segment_id, []),
            stability=seg.stability,
            stable=seg.stable,
        ),
        name_basis=why_name,
        label_basis=why_label,
        psychographics=psycho,
        journey=stages,
        bant=bant(st, claims["pain"], k),
        proof=proof_quotes(claims),
    )


def behaviour_facts(st: SegmentStats, k: int = MIN_KNOWN) -> list[Fact]:
    orders = " with orders"
    facts = [
        number_fact("Orders per year", st.orders_per_year, basis=orders, fmt="{:,.1f}", k=k),
        number_fact("Average order value", st.avg_order_value, basis=orders, fmt="{:,.2f}", k=k),
        number_fact("Total spend", st.spend_total, basis=orders, fmt="{:,.2f}", k=k),
        number_fact("Days since last order", st.recency_days, basis=orders, k=k),
    ]
    if st.nps.n >= k and st.nps_score is not None:
        facts.append(
            Fact(
                name="Net Promoter Score",
                value=f"{st.nps_score:+.0f} ({pct(st.promoters or 0)} promoters, "
                f"{pct(st.detractors or 0)} detractors)",
                basis=f"{st.nps.n} answers (0–10 scale)",
            )
        )
    else:
        facts.append(Fact(name="Net Promoter Score", value=UNKNOWN, basis=f"{st.nps.n} answers"))
    if st.rating.n >= k and st.rating.mean is not None:
        facts.append(
            Fact(
                name="Average rating",
                value=f"{st.rating.mean:.1f} / 5",
                basis=f"{st.rating.n} reviewers",
            )
        )
    if "device" in st.categories:
        facts.append(category_fact(st, "device", "", k))
    if "products" in st.categories:
        facts.append(category_fact(st, "products", " with orders", k))
    return facts


def channel_facts(st: SegmentStats, k: int = MIN_KNOWN) -> list[Fact]:
    basis = "respondents with a record in this kind of source"
    facts = [
        Fact(
            name=f"Reached via {kind}",
            value=f"{count} of {st.size} ({pct(count / st.size)})" if count >= k else UNKNOWN,
            basis=basis if count >= k else f"fewer than {k} respondents",
        )
        for kind, count in st.sources.items()
    ]
    for attr in ("channel", "device"):
        if attr in st.categories:
            facts.append(category_fact(st, attr, "", k))
    return facts


def messages(claims: dict[str, list[Claim]]) -> list[str]:
    out: list[str] = []
    motivations: list[Claim | None] = [*claims["motivation"][:2]] or [None, None]
    for pain, mot in zip(claims["pain"][:2], motivations, strict=False):
        if mot is not None:
            out.append(
                f"Lead with “{mot.label.lower()}” and show how you fix “{pain.label.lower()}”."
            )
        else:
            out.append(f"Show how you fix “{pain.label.lower()}”.")
    if not claims["pain"] and claims["motivation"]:
        out.append(f"Lead with “{claims['motivation'][0].label.lower()}”.")
    for goal in claims["goal"][:1]:
        out.append(f"Frame the offer around their goal: “{goal.label.lower()}”.")
    return out


def objections(claims: dict[str, list[Claim]]) -> list[str]:
    return [
        f"“{c.label}” — voiced by {pct(c.share)} of them"
        + (f" (×{c.lift:.1f} vs others)" if c.lift else " (no one else raised it)")
        for c in claims["pain"][:3]
    ]
