"""Deterministic persona names that fit the segment's dominant gender and age.

A name is only a handle for a group. It is chosen from a short list for the
segment's dominant gender (when at least 60% of those who said share one) and
age band, skips any name that a real customer in the data carries, and falls
back to a gender-neutral name. ``[names]`` in personas.toml replaces the lists
(one per gender, plus neutral); ``names = false`` turns names off ("Persona 1").
"""

from __future__ import annotations

from personas.config import NameLists
from personas.models import SegmentStats

WOMEN = {
    "young": ("Maya", "Zara", "Chloe", "Imogen", "Freya", "Aisha"),
    "middle": ("Rachel", "Nadia", "Helen", "Priya", "Claire", "Joanna"),
    "older": ("Margaret", "Patricia", "Maureen", "Brenda", "Gillian", "Sheila"),
}
MEN = {
    "young": ("Kai", "Ethan", "Rory", "Idris", "Finn", "Theo"),
    "middle": ("Gareth", "Marcus", "Owen", "Ravi", "Stuart", "Dominic"),
    "older": ("Graham", "Malcolm", "Geoffrey", "Derek", "Clive", "Trevor"),
}
NEUTRAL = ("Alex", "Sam", "Jordan", "Robin", "Morgan", "Jamie", "Casey", "Rowan", "Quinn", "Sasha")
WOMAN_WORDS = frozenset({"woman", "women", "female", "f", "girl"})
MAN_WORDS = frozenset({"man", "men", "male", "m", "boy"})


def dominant_gender(stats: SegmentStats) -> str | None:
    values = stats.categories.get("gender", [])
    known = stats.category_known.get("gender", 0)
    if known < 5 or not values:
        return None
    top = values[0]
    word = top.value.strip().lower()
    if top.share >= 0.6 and word in WOMAN_WORDS:
        return "woman"
    if top.share >= 0.6 and word in MAN_WORDS:
        return "man"
    return None


def age_band(stats: SegmentStats) -> str:
    median = stats.age.median
    if stats.age.n < 5 or median is None:
        return "middle"
    return "young" if median < 32 else "middle" if median < 52 else "older"


def _pool(gender: str | None, band: str, lists: NameLists | None) -> tuple[str, ...]:
    """The names to pick from: the user's list for the gender if given, else ours."""
    own = {"woman": lists.women, "man": lists.men}.get(gender or "") if lists else None
    if own:
        return tuple(own)
    if gender is None and lists is not None and lists.neutral:
        return tuple(lists.neutral)
    return {"woman": WOMEN, "man": MEN}.get(gender or "", {}).get(band, NEUTRAL)


def pick_name(
    segment_id: int, stats: SegmentStats, taken: set[str], lists: NameLists | None = None
) -> str:
    """A name not used by another persona nor by any customer in the data."""
    gender = dominant_gender(stats)
    pool = _pool(gender, age_band(stats), lists)
    neutral = tuple(lists.neutral) if lists and lists.neutral else NEUTRAL
    lowered = {t.lower() for t in taken}
    for i in range(len(pool)):
        name = pool[(segment_id - 1 + i) % len(pool)]
        if name.lower() not in lowered:
            return name
    for name in neutral:
        if name.lower() not in lowered:
            return name
    return f"Persona {segment_id}"


def name_basis(stats: SegmentStats, lists: NameLists | None = None) -> str:
    """Why this kind of name: the dominant gender and age band it was picked for."""
    gender = dominant_gender(stats)
    own = lists is not None and bool(
        {"woman": lists.women, "man": lists.men}.get(gender or "", lists.neutral)
    )
    source = "your [names] list" if own else "the packaged list"
    if gender is None:
        why = (
            "no gender in the data"
            if not stats.category_known.get("gender")
            else "no gender is held by 60% or more of those who said"
        )
        return f"a neutral name from {source}: {why}; a handle, not a real person"
    top = stats.categories["gender"][0]
    facts = [f"{round(100 * top.share)}% {top.value}"]
    if stats.age.n >= 5 and stats.age.median is not None:
        facts.append(f"median age {stats.age.median:.0f}")
    band = "" if own else f", age band {age_band(stats)}"
    return f"from {source} for {gender}{band} ({', '.join(facts)}); a handle, not a real person"
