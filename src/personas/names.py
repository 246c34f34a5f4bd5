"""Deterministic persona names that fit the segment's dominant gender and age.

A name is only a handle for a group. It is chosen from a short list for the
segment's dominant gender (when at least 60% of those who said share one) and
age band, skips any name that a real customer in the data carries, and falls
back to a gender-neutral name.
"""

from __future__ import annotations

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


def pick_name(segment_id: int, stats: SegmentStats, taken: set[str]) -> str:
    """A name not used by another persona nor by any customer in the data."""
    gender = dominant_gender(stats)
    pool = {"woman": WOMEN, "man": MEN}.get(gender or "", {}).get(age_band(stats), NEUTRAL)
    lowered = {t.lower() for t in taken}
    for i in range(len(pool)):
        name = pool[(segment_id - 1 + i) % len(pool)]
        if name.lower() not in lowered:
            return name
    for name in NEUTRAL:
        if name.lower() not in lowered:
            return name
    return f"Persona {segment_id}"
