"""What a persona is like beyond its demographics: psychographics, journey stage
hints, BANT hints and the archetype label.

Each is assembled from a segment's statistics, its distinctive features and its
ranked claims; nothing is inferred from outside the data. A hint the data cannot
support is a ``Fact`` whose value is "unknown" and whose basis says why, so a
reader sees the gap instead of a guess. Survey questions are sorted into
interests and lifestyle by their wording only (``INTEREST_RE``, ``LIFESTYLE_RE``);
the answers are never reinterpreted.
"""

from __future__ import annotations

import re

from personas.models import ATTRIBUTE_ROLES, NumberSummary, Segment, SegmentStats
from personas.synthesize.document import UNKNOWN, Claim, Fact, ValueShare
from personas.understand.labels import label_problems

INTEREST_RE = re.compile(
    r"activit|hobb|interest|sport|pastime|passion|for fun|free time|spare time|shop for|enjoy",
    re.IGNORECASE,
)
LIFESTYLE_RE = re.compile(
    r"household|children|\bkids?\b|\bpets?\b|live with|lifestyle|commut|work from|family",
    re.IGNORECASE,
)
AUTHORITY_RE = re.compile(r"decid|decision|approv|budget holder|who buys|purchas\w* role", re.I)
MAX_OTHER_QUESTIONS = 3

# The first behavioural feature among a segment's distinctive ones gives the adjective.
ADJECTIVES = {
    ("total_spend", "+"): "High-spending",
    ("total_spend", "-"): "Budget-minded",
    ("avg_order_value", "+"): "High-spending",
    ("avg_order_value", "-"): "Budget-minded",
    ("orders", "+"): "Frequent",
    ("orders", "-"): "Occasional",
    ("orders_per_year", "+"): "Frequent",
    ("orders_per_year", "-"): "Occasional",
    ("recency_days", "+"): "Lapsing",
    ("recency_days", "-"): "Recently active",
    ("nps", "+"): "Loyal",
    ("nps", "-"): "Disaffected",
    ("rating", "+"): "Satisfied",
    ("rating", "-"): "Disappointed",
}
FEATURE_WORDS = {
    "total_spend": "total spend",
    "avg_order_value": "average order value",
    "orders": "number of orders",
    "orders_per_year": "orders per year",
    "recency_days": "days since the last order",
    "nps": "likelihood to recommend",
    "rating": "review rating",
}


def pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _question_shares(
    st: SegmentStats, attr: str, k: int, name: str
) -> Fact | None:  # the top answers of one question, or None when no answer is held by k people
    known = st.category_known.get(attr, 0)
    values = [v for v in st.categories.get(attr, []) if v.count >= k]
    if known < k or not values:
        return None
    return Fact(
        name=name,
        value=", ".join(f"{v.value} {pct(v.share)}" for v in values[:4]),
        basis=f"answers to “{attr}” from {known} of {st.size} respondents",
        shares=[ValueShare(value=v.value, share=v.share) for v in values],
    )


def _questions(st: SegmentStats) -> list[str]:
    """Category questions that are not a demographic role (age, gender, region, ...)."""
    return [a for a in sorted(st.categories) if a not in (*ATTRIBUTE_ROLES, "products")]


def psychographics(st: SegmentStats, seg: Segment, motivations: list[Claim], k: int) -> list[Fact]:
    """Interests, values and lifestyle where the data speaks, "unknown" where it does not;
    other survey questions only when they set the segment apart."""
    questions = _questions(st)
    interests = [q for q in questions if INTEREST_RE.search(q)]
    lifestyle = [q for q in questions if q not in interests and LIFESTYLE_RE.search(q)]
    facts: list[Fact] = []
    found = [f for q in interests if (f := _question_shares(st, q, k, "Interests"))]
    facts += found or [
        Fact(
            name="Interests",
            value=UNKNOWN,
            basis="no survey question about interests, hobbies or activities"
            if not interests
            else f"no answer is shared by {k} or more of them",
        )
    ]
    if motivations:
        facts.append(
            Fact(
                name="Values",
                value=", ".join(f"{c.label} {pct(c.share)}" for c in motivations[:3]),
                basis="what they praise: motivation themes voiced by this persona, "
                "by prevalence × lift; quotes under Motivations",
            )
        )
    else:
        facts.append(
            Fact(name="Values", value=UNKNOWN, basis="no motivation theme voiced by enough of them")
        )
    found = [f for q in lifestyle if (f := _question_shares(st, q, k, "Lifestyle"))]
    facts += found or [
        Fact(
            name="Lifestyle",
            value=UNKNOWN,
            basis="no survey question about household, family or way of life"
            if not lifestyle
            else f"no answer is shared by {k} or more of them",
        )
    ]
    # A distinctive feature reads "question=answer +0.84"; the question may hold "=" itself.
    others = [
        q
        for q in questions
        if q not in interests + lifestyle and any(f.startswith(f"{q}=") for f in seg.distinctive)
    ]
    for q in others[:MAX_OTHER_QUESTIONS]:
        fact = _question_shares(st, q, k, q)
        if fact is not None:
            facts.append(fact)
    return facts


def _gap_days(st: SegmentStats) -> float | None:
    """Usual days between orders: 365 / the median orders a year."""
    per_year = st.orders_per_year.median
    return 365.0 / per_year if per_year else None


def _orders_known(st: SegmentStats, k: int) -> bool:
    return st.orders_per_year.n >= k and st.orders_per_year.median is not None


def journey(st: SegmentStats, k: int) -> list[Fact]:
    """Journey stage hints: buying stage, activity and advocacy, each from its own numbers."""
    no_orders = f"only {st.orders_per_year.n} of them have dated orders (fewer than {k})"
    if not _orders_known(st, k):
        stage = Fact(name="Buying stage", value=UNKNOWN, basis=no_orders)
        activity = Fact(name="Activity", value=UNKNOWN, basis=no_orders)
    else:
        stage, activity = _stage(st), _activity(st, k)
    return [stage, activity, _advocacy(st, k)]


def _stage(st: SegmentStats) -> Fact:
    buyers = st.customers_with_orders / st.size if st.size else 0.0
    per_year = st.orders_per_year.median or 0.0
    kind = (
        "repeat buyers"
        if per_year >= 2
        else "about one order a year"
        if per_year >= 1
        else "occasional buyers"
    )
    value = f"{kind} (median {per_year:.1f} orders a year)"
    if buyers < 0.5:
        value = f"mostly not buying yet: {pct(buyers)} have an order; those who do are {value}"
    return Fact(
        name="Buying stage",
        value=value,
        basis=f"{st.customers_with_orders} of {st.size} respondents have orders; "
        f"{st.orders_per_year.n} with dated orders",
    )


def _activity(st: SegmentStats, k: int) -> Fact:
    gap, recency = _gap_days(st), st.recency_days.median
    if st.recency_days.n < k or recency is None or gap is None:
        return Fact(name="Activity", value=UNKNOWN, basis="no order dates for enough of them")
    ratio = recency / gap
    state = "active" if ratio <= 1.5 else "lapsing" if ratio <= 4 else "lapsed"
    return Fact(
        name="Activity",
        value=f"{state}: median {recency:,.0f} days since the last order, "
        f"{ratio:.1f}× their usual gap of {gap:,.0f} days",
        basis=f"{st.recency_days.n} respondents with orders; days counted to the newest order "
        "in the data; usual gap = 365 / median orders a year",
    )


def _advocacy(st: SegmentStats, k: int) -> Fact:
    if st.nps.n < k or st.nps_score is None:
        return Fact(
            name="Advocacy", value=UNKNOWN, basis=f"{st.nps.n} NPS answers (fewer than {k})"
        )
    pro, det = st.promoters or 0.0, st.detractors or 0.0
    state = "advocates" if pro >= 0.5 else "at risk" if det >= 0.4 else "passive"
    return Fact(
        name="Advocacy",
        value=f"{state}: NPS {st.nps_score:+.0f}, {pct(pro)} promoters, {pct(det)} detractors",
        basis=f"{st.nps.n} answers on the 0–10 recommend scale",
    )


def _spread(s: NumberSummary, fmt: str = "{:,.2f}") -> str:
    return f"{fmt.format(s.median)} (middle half {fmt.format(s.q1)}–{fmt.format(s.q3)})"


def bant(st: SegmentStats, pains: list[Claim], k: int) -> list[Fact]:
    """Budget, authority, need and timing hints, only where the data supports them."""
    return [_budget(st, k), _authority(st, k), _need(pains), _timing(st, k)]


def _budget(st: SegmentStats, k: int) -> Fact:
    if st.avg_order_value.n >= k and st.avg_order_value.median is not None:
        value = f"typical order {_spread(st.avg_order_value)}"
        if st.spend_total.n >= k and st.spend_total.median is not None:
            value += f"; total spend {_spread(st.spend_total)}"
        return Fact(
            name="Budget",
            value=value,
            basis=f"{st.avg_order_value.n} respondents with orders; currency as in the orders",
        )
    income = _question_shares(st, "income", k, "Budget")
    if income is not None:
        return income.model_copy(update={"value": f"household income {income.value}"})
    return Fact(name="Budget", value=UNKNOWN, basis="no order values or income for enough of them")


def _authority(st: SegmentStats, k: int) -> Fact:
    for q in _questions(st):
        if AUTHORITY_RE.search(q) and (fact := _question_shares(st, q, k, "Authority")):
            return fact
    return Fact(
        name="Authority", value=UNKNOWN, basis="no data on who decides or approves purchases"
    )


def _need(pains: list[Claim]) -> Fact:
    if not pains:
        return Fact(name="Need", value=UNKNOWN, basis="no pain theme voiced by enough of them")
    return Fact(
        name="Need",
        value="; ".join(
            f"{c.label} ({pct(c.share)}" + (f", ×{c.lift:.1f} vs others)" if c.lift else ")")
            for c in pains[:2]
        ),
        basis="their top pain themes by prevalence × lift; quotes under Pain points",
    )


def _timing(st: SegmentStats, k: int) -> Fact:
    gap, recency = _gap_days(st), st.recency_days.median
    if not _orders_known(st, k) or st.recency_days.n < k or recency is None or gap is None:
        return Fact(name="Timing", value=UNKNOWN, basis="no order dates for enough of them")
    due = gap - recency
    value = (
        f"next order due in about {due:,.0f} days"
        if due > 0
        else f"overdue: {-due:,.0f} days past their usual gap of {gap:,.0f} days"
    )
    return Fact(
        name="Timing",
        value=value,
        basis=f"median {recency:,.0f} days since the last order and a usual gap of "
        f"{gap:,.0f} days; {st.recency_days.n} respondents with orders",
    )


# -- archetype label ----------------------------------------------------------------------


def _adjective(seg: Segment) -> tuple[str, str] | None:
    """(adjective, basis) from the strongest distinctive behaviour feature, if any."""
    for feature in seg.distinctive:
        name, _, effect = feature.rpartition(" ")
        adjective = ADJECTIVES.get((name, effect[:1]))
        if adjective:
            more = "higher" if effect.startswith("+") else "lower"
            return adjective, f"{more} {FEATURE_WORDS[name]} than others ({effect} SD)"
    return None


def plural(noun: str) -> str:
    """ "30-something woman" -> "30-something women"; each "or" alternative's last word."""
    parts = [p.strip() for p in re.split(r"\s+or\s+", noun)]
    return " or ".join(_plural_phrase(p) for p in parts)


def _plural_phrase(phrase: str) -> str:
    *head, last = phrase.split(" ") or [""]
    low = last.lower()
    irregular = {"woman": "women", "man": "men", "person": "people", "child": "children"}
    if low in irregular:
        last = irregular[low]
    elif low.endswith("something"):
        last += "s"
    elif not low.isalpha() or low.endswith(("s", "ed", "ing", "ic", "ly", "al")):
        pass  # "Retired", "Academic", "Other" stay as they are
    elif low == "other":
        pass
    elif low.endswith("y") and low[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    elif low.endswith(("ch", "sh", "x")):
        last += "es"
    else:
        last += "s"
    return " ".join([*head, last])


def _who(st: SegmentStats, gender: str | None, k: int) -> tuple[str, list[str]]:
    """The noun of the label and what it rests on: a dominant occupation, else age and
    gender; "" when none of them is known."""
    occupation = [v for v in st.categories.get("occupation", []) if v.count >= k]
    if st.category_known.get("occupation", 0) >= k and occupation and occupation[0].share >= 0.5:
        top = occupation[0]
        return plural(top.value.lower()), [f"occupation {top.value} ({pct(top.share)})"]
    basis: list[str] = []
    who = ""
    if st.age.n >= k and st.age.median is not None:
        who = "teen" if st.age.median < 20 else f"{int(st.age.median // 10 * 10)}-something"
        basis.append(f"median age {st.age.median:.0f} ({st.age.n} respondents)")
    if gender is not None:
        share = st.categories["gender"][0].share
        who = f"{who} {gender}".strip()
        basis.append(f"{pct(share)} {st.categories['gender'][0].value}")
    return (plural(who) if who else ""), basis


def _category(st: SegmentStats, seg: Segment, k: int) -> tuple[str, str] | None:
    """(value, basis) of a short answer most of the segment share and that sets it apart
    ("Business" travellers, "Economy Class", a product variant), if any."""
    for feature in seg.distinctive:
        name, _, effect = feature.rpartition(" ")
        attr, eq, value = name.partition("=")
        if not eq or not effect.startswith("+") or attr in ("gender", "occupation", "products"):
            continue
        shares = st.categories.get(attr, [])
        top = next((v for v in shares if v.value == value), None)
        short = 0 < len(value.split()) <= 3 and not re.search(r"[\d@/]", value)  # no dates
        flag = value.strip().lower() in FLAGS  # "(FALSE)" says nothing without its question
        if (
            top
            and top.count >= k
            and top.share >= 0.6
            and short
            and not flag
            and not _unsayable(value)
        ):
            return value, f"{attr}: {value} ({pct(top.share)})"
    return None


FLAGS = frozenset(
    [
        "true",
        "false",
        "yes",
        "no",
        "y",
        "n",
        "t",
        "f",
        "0",
        "1",
        "none",
        "n/a",
        "na",
        "unknown",
        "other",
        "ja",
        "nein",
        "oui",
        "non",
        "si",
        "sí",
    ]
)


def _unsayable(value: str) -> bool:
    """A mask, placeholder or profanity: never in a label, not even as an answer."""
    return bool({"mask or placeholder", "profanity"} & set(label_problems(value)))


def _mood(st: SegmentStats, k: int) -> tuple[str, str]:
    """(noun, basis) from what the segment says when nothing else is known about who they
    are: "frustrated customers" when pains outweigh praise two to one, "happy customers"
    the other way round, "regulars" for repeat buyers."""
    said = {
        kind: sum(t.prevalence for t in st.themes if t.kind == kind)
        for kind in ("pain", "motivation")
    }
    repeat = _orders_known(st, k) and (st.orders_per_year.median or 0) >= 2
    noun = "regulars" if repeat else "customers"
    pain, praise = said["pain"], said["motivation"]
    if pain > 0 and pain >= 2 * praise:
        return f"frustrated {noun}", "their pain themes outweigh their praise two to one"
    if praise > 0 and praise >= 2 * pain:
        return f"happy {noun}", "their praise outweighs their pain themes two to one"
    return noun, ""


def _usable(claims: list[Claim], used: tuple[Claim, ...] = ()) -> list[Claim]:
    """Claims whose label can stand in a persona label (``labels.label_problems``), not
    already ``used`` by another kind; among the top three, phrases before lone words."""
    said = {c.label.lower() for c in used}
    ok = [c for c in claims if not label_problems(c.label) and c.label.lower() not in said]
    top = sorted(ok[:3], key=lambda c: " " not in c.label.strip())
    return top + ok[3:]


def _phrase(labels: list[str]) -> str:
    return " and ".join(lab.lower() for lab in labels)


def archetype_forms(
    st: SegmentStats,
    seg: Segment,
    claims: dict[str, list[Claim]],
    gender: str | None,
    k: int,
) -> list[tuple[str, str]]:
    """Labels for a persona, best first, each with its basis: the head says who they are
    (behaviour adjective + occupation, age and gender, a distinctive answer, or their
    mood), the tail what sets them apart (distinctive pains and motivations first).
    The later forms use other themes or lead with the themes, for ``vary_labels``."""
    who, basis = _who(st, gender, k)
    adjective = _adjective(seg)
    if adjective:
        basis.insert(0, adjective[1])
    if not who:  # a distinctive answer or their mood says who they are
        category = _category(st, seg, k)
        if category:
            basis.append(category[1])
        noun, why = _mood(st, k)
        if adjective:  # "Disappointed customers", not "Disappointed frustrated customers"
            noun = noun.split(" ")[-1]
        elif why:
            basis.append(why)
        who = f"{noun} ({category[0]})" if category else noun
    head = f"{adjective[0]} {who}" if adjective else who[:1].upper() + who[1:]
    pains = _usable(claims.get("pain", []))
    mots = _usable(claims.get("motivation", []), tuple(pains[:2]))
    goals = _usable(claims.get("goal", []))
    for word, cl in (("top pain", pains[:1]), ("top motivation", mots[:1]), ("top goal", goals)):
        for c in cl[:1]:
            lift = f", ×{c.lift:.1f} vs others" if c.lift else ", only them"
            basis.append(f"{word} “{c.label}” ({pct(c.share)}{lift})")
    why = "; ".join(basis) or "nothing in the data sets this persona apart"
    pain_led = bool(pains) and (
        not mots or (pains[0].distinctive and not mots[0].distinctive) or not _liked(head)
    )
    tails: list[str] = []
    leads: list[str] = []
    # one pain beside a motivation, else two pains; later sets for vary_labels
    pain_sets = [pains[:1], pains[1:2]] if mots else [pains[:2], pains[:1], pains[1:3]]
    pain_sets = [ps for ps in pain_sets if ps]
    mot_sets = [mots[:1], mots[1:2]] if mots else []
    for ps in pain_sets or [[]]:
        for ms in mot_sets or [[]]:
            if not ps and not ms:
                continue
            put_off = f"put off by {_phrase([c.label for c in ps])}" if ps else ""
            won = f"won over by {_phrase([c.label for c in ms])}" if ms else ""
            if pain_led:
                tails.append(", ".join(x for x in (put_off, won and f"still {won}") if x))
            else:
                tails.append(", ".join(x for x in (won, put_off and f"but {put_off}") if x))
            lead = [c.label for c in (ps + ms if pain_led else ms + ps)][:2]
            leads.append(f"{lead[0]}" + (f", {lead[1].lower()}" if len(lead) > 1 else ""))
    if not tails and goals:
        tails = [f"who want {goals[0].label.lower()}"]
        leads = [goals[0].label]
    forms = [f"{head} {t}".strip() for t in dict.fromkeys(tails)] or [head]
    forms += [f"{lead}: {head[:1].lower()}{head[1:]}" for lead in dict.fromkeys(leads)]
    return [(f[:1].upper() + f[1:], why) for f in dict.fromkeys(forms)]


def _liked(head: str) -> bool:
    return not head.lower().startswith(("frustrated", "disappointed", "disaffected"))


def archetype(
    st: SegmentStats,
    seg: Segment,
    claims: dict[str, list[Claim]],
    gender: str | None,
    k: int,
) -> tuple[str, str]:
    """A label from what is distinctive, and its basis: "Budget-minded 30-something women
    won over by kids clothes, but put off by postage costs"."""
    return archetype_forms(st, seg, claims, gender, k)[0]


def vary_labels(forms: list[list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """One label per persona of a build (each persona's ``archetype_forms``): no two
    alike, and when every first choice starts with the same two words ("Frustrated
    customers put off by ..."), the labels that lead with their themes instead."""
    firsts = [f[0][0] for f in forms if f]
    same_start = len(firsts) > 1 and len({" ".join(x.lower().split()[:2]) for x in firsts}) == 1
    chosen: list[tuple[str, str]] = []
    taken: set[str] = set()
    for options in forms:
        if not options:
            chosen.append(("Customers", "nothing in the data sets this persona apart"))
            continue
        order = options
        if same_start:
            led = [o for o in options if ":" in o[0]]
            order = led + [o for o in options if o not in led]
        pick = next((o for o in order if o[0].lower() not in taken), None)
        if pick is None:
            base, why = order[0]
            n = 2
            while f"{base} ({n})".lower() in taken:
                n += 1
            pick = (f"{base} ({n})", why)
        taken.add(pick[0].lower())
        chosen.append(pick)
    return chosen
