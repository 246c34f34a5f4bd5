"""Respondent features for segmentation: numbers, categories and voice.

One row per respondent, from a ``Profile`` (what we know of that person).
The ``FeatureEncoder`` is fitted once on the build's respondents and then
turns any profile — a build respondent, or a new customer in ``personas
assign`` — into the same columns, so a build and an assignment can never
disagree about what a feature means.

- Numbers are centred over the respondents who have them and divided by the
  range of their typical values (money on a log scale; see ``SPREAD``).
  Behaviour from orders is recency, orders per year, average order value and
  total spend; the order count is left out because on the log scale it is
  total spend minus average order value, and a third column for the same
  thing would make "how much they order" count twice.
- Ordered answers become numbers: bands ("£20k–£35k", "25-34", "65+") at
  their midpoints, plain numbers, and the usual agreement / satisfaction /
  frequency scales, so "£35k–£50k" sits between its neighbours instead of
  being as far from "£20k–£35k" as from "£75k+". Age bands join the age
  column. An answer off the scale ("Prefer not to say") is missing.
- Other categories are one-hot; levels too rare to learn from are pooled
  into one "other" level rather than dropped, so "none of the usual" still
  tells people apart. Multi-select answers ("Hiking, Camping") set several
  levels, and so do the products a customer bought over all their orders
  (``products``, multi-valued even when most bought one thing).
- Voice is the share of a person's statements *of each kind* in each theme:
  pains share out among pain themes, motivations among motivation themes.
  A reviewer who only praised is unknown on pains, not "never in pain".
- Each block is scaled so that it weighs about as much as the others,
  whatever its number of columns (measured over the respondents who have it).

``known`` keeps which values were observed: missing stays missing, and
segmentation measures distances over known values only (see ``masked``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel

from personas.ingest.orders import PRODUCTS
from personas.ingest.vocabulary import AGE_H
from personas.models import Interned, Respondent, Statement
from personas.stages import release_free_memory

NUMERIC = (
    "age",
    "nps",
    "rating",
    "total_spend",
    "avg_order_value",
    "orders_per_year",
    "recency_days",
)
LOG_SCALED = ("total_spend", "avg_order_value")
MIN_KNOWN_SHARE = 0.2  # a feature known for fewer respondents than this is left out
MAX_LEVELS = 12
# A multi-valued attribute (products bought, "tick all that apply") keeps more: each
# option is its own yes/no, and a shop's niche products are what sets a niche group
# apart. With 12, the demo's technical hikers' products (boots, poles, base layers)
# all fell into "other"; the share floor in ``_fit_category`` still drops rare ones.
MAX_MULTI_LEVELS = 40
MULTI_ATTRIBUTES = frozenset({PRODUCTS})  # multi-valued whatever the answers look like
SKIP_ATTRIBUTES = frozenset({"age"})
BLOCKS = ("numbers", "categories", "voice")
ROWS = 16_384  # people per block where a block of features is made a part at a time
OTHER = "other"
# Numbers are divided by the range of their typical values (1st to 99th
# percentile), not by their standard deviation. A number that separates groups
# has a large standard deviation *because* it separates them, so z-scores shrink
# exactly the columns that tell people apart relative to noise (Milligan &
# Cooper 1988, "A study of standardization of variables in cluster analysis":
# range standardisation recovered clusters best). On the demo corpus, average
# order value (four tight price levels) against orders per year (one noisy
# hump): z-scores give k=4 an ARI of 0.73, the range 0.83. Percentiles rather
# than min/max so one extreme spender does not set the scale; the range also
# puts numbers on the 0..1 footing of one-hot and share columns.
SPREAD = (1.0, 99.0)
# Where people chose what to say (reviews, posts, tickets: no question asked for pains
# or for motivations), whether they praise or complain is part of who they are; the
# voice shares within each kind cannot say it, because a kind never voiced is unknown.
# ``tone`` is that balance, a number like the rating (so where nothing else is known it
# weighs as much as everything they talked about: how they feel, then what about). Where
# a survey asked for both, it mirrors the questionnaire, so the pipeline switches it on
# only when most statements answered no such question; and only when most respondents are
# known by nothing but what they wrote (reviewers, posters): customers known by their
# orders and answers are told apart by those, and their mood is already in their voice
# (on the demo shop, tone as a number took the ARI with the planted groups from 0.93 to
# 0.90).
TONE = "tone"
UNPROMPTED_SHARE = 0.5
MIN_ORDINAL_LEVELS = 3
MIN_ORDINAL_SHARE = 0.7  # of the answers that must sit on the scale


@dataclass(slots=True)
class Profile:
    """What is known of one person, before encoding (slotted: a big build makes one for
    each of hundreds of thousands of people)."""

    key: str
    numbers: dict[str, float] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    themes: Counter[str] = field(default_factory=Counter)  # theme id -> statements


@dataclass(frozen=True)
class FeatureMatrix:
    keys: tuple[str, ...]
    names: tuple[str, ...]
    matrix: np.ndarray  # (respondents, features), float64
    blocks: dict[str, int]  # block name -> columns
    known: np.ndarray  # (respondents, features) bool: the value was observed, not filled in

    def __post_init__(self) -> None:
        if (
            self.matrix.shape != (len(self.keys), len(self.names))
            or self.known.shape != self.matrix.shape
        ):
            raise ValueError("feature matrix does not match its keys and names")

    def blocks_known(self) -> np.ndarray:
        """(respondents, blocks) bool: the respondent has at least one known value in the block."""
        out, start = [], 0
        for width in self.blocks.values():
            out.append(self.known[:, start : start + width].any(axis=1))
            start += width
        return np.column_stack(out) if out else np.zeros((len(self.keys), 0), dtype=bool)


class NumericColumn(BaseModel):
    """One number per respondent; ``levels`` maps the answers of an ordered
    ``attribute`` to numbers (an age band fills ``age`` when no age was given).
    Values are centred on ``mean`` and divided by ``spread`` (see ``SPREAD``);
    encoders without it (older bundles) divide by ``std``."""

    name: str
    log: bool
    mean: float
    std: float
    spread: float | None = None
    attribute: str | None = None
    levels: dict[str, float] = {}

    def value(self, profile: Profile) -> float | None:
        """The raw (log-scaled if ``log``) value, or None when unknown."""
        value = profile.numbers.get(self.name)
        if value is None and self.name == TONE:
            value = tone_of(profile.themes)
        if value is None and self.attribute is not None:
            value = self.levels.get(profile.attributes.get(self.attribute, ""))
        if value is None or not math.isfinite(value):
            return None
        return math.log1p(max(value, 0.0)) if self.log else value


class CategoryColumn(BaseModel):
    """One-hot levels of an attribute; answers outside ``levels`` count as ``other``
    when the build pooled rare levels into it."""

    attribute: str
    multi: bool
    levels: list[str]
    means: list[float]  # mean of each one-hot column over respondents who have the attribute
    other: str | None = None  # the level rare answers are pooled into

    def chosen(self, given: str) -> set[str]:
        """The levels an answer sets."""
        values = set(split_multi(given) if self.multi else [given])
        if self.other is not None and values - set(self.levels):
            values = (values & set(self.levels)) | {self.other}
        return values


class FeatureEncoder(BaseModel):
    """Everything needed to encode a profile exactly as the build did."""

    numeric: list[NumericColumn]
    categories: list[CategoryColumn]
    themes: list[str]
    voice_means: list[float]
    scales: dict[str, float]  # block -> divisor
    theme_kinds: list[str] = []  # kind of each theme; shares are taken within a kind

    @property
    def names(self) -> list[str]:
        out = [c.name for c in self.numeric]
        out += [f"{c.attribute}={lv}" for c in self.categories for lv in c.levels]
        out += [f"theme:{t}" for t in self.themes]
        return out

    def widths(self) -> dict[str, int]:
        widths = {
            "numbers": len(self.numeric),
            "categories": sum(len(c.levels) for c in self.categories),
            "voice": len(self.themes),
        }
        return {b: w for b, w in widths.items() if w}

    def raw(self, profiles: list[Profile]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Unscaled, centred blocks and their known masks."""
        return {name: self.block(name, profiles) for name in BLOCKS}

    def block(self, name: str, profiles: list[Profile]) -> tuple[np.ndarray, np.ndarray]:
        """One of ``raw``'s blocks (made one at a time: each is respondents x its columns)."""
        if name == "numbers":
            return self._numbers(profiles)
        return self._categories(profiles) if name == "categories" else self._voice(profiles)

    def _numbers(self, profiles: list[Profile]) -> tuple[np.ndarray, np.ndarray]:
        num = np.zeros((len(profiles), len(self.numeric)))
        known = np.zeros_like(num, dtype=bool)
        for j, col in enumerate(self.numeric):
            for i, p in enumerate(profiles):
                value = col.value(p)
                if value is not None:
                    num[i, j], known[i, j] = (value - col.mean) / (col.spread or col.std), True
        return num, known

    def _categories(
        self,
        profiles: list[Profile],
        onehot: np.ndarray | None = None,
        known: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each column's levels one-hot, centred on the levels' means; a person without
        the attribute is unknown (zeros). ``onehot`` and ``known``, zeros of the block's
        shape, are filled instead of new arrays (``transform``: the matrix's own columns);
        lists of each person's chosen levels came to more than the block at a quarter
        million people."""
        n, width = len(profiles), sum(len(c.levels) for c in self.categories)
        onehot = np.zeros((n, width)) if onehot is None else onehot
        known = np.zeros((n, width), dtype=bool) if known is None else known
        start = 0
        for col in self.categories:
            cols = slice(start, start + len(col.levels))
            start += len(col.levels)
            level = {lv: j for j, lv in enumerate(col.levels)}
            has = np.zeros(n, dtype=bool)
            ones = np.zeros((n, len(level)), dtype=bool)
            for i, p in enumerate(profiles):
                given = p.attributes.get(col.attribute)
                if given:
                    has[i] = True
                    for lv in col.chosen(given):
                        if lv in level:
                            ones[i, level[lv]] = True
            means = np.array(col.means)
            for first in range(0, n, ROWS):
                rows = slice(first, first + ROWS)
                onehot[rows, cols] = np.where(has[rows, None], ones[rows] - means, 0.0)
            known[:, cols] = has[:, None]
        return onehot, known

    def _voice(
        self,
        profiles: list[Profile],
        voice: np.ndarray | None = None,
        known: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Shares within each kind, centred; a kind the person never spoke to is unknown.
        An encoder without ``theme_kinds`` (older bundles) shares over all themes.
        Made ``ROWS`` people at a time (each row is its own): the whole block's counts,
        shares and their copies came to half a gigabyte at a quarter million people.
        ``voice`` and ``known``, zeros of the block's shape, are filled instead of new
        arrays (``transform``: the matrix's own columns)."""
        n, width = len(profiles), len(self.themes)
        index = {t: j for j, t in enumerate(self.themes)}
        kinds = np.array(self.theme_kinds or [""] * width)
        means = np.array(self.voice_means)
        voice = np.zeros((n, width)) if voice is None else voice
        known = np.zeros((n, width), dtype=bool) if known is None else known
        for start in range(0, n, ROWS):
            counts = np.zeros((min(ROWS, n - start), width))
            for i, p in enumerate(profiles[start : start + ROWS]):
                for theme, c in p.themes.items():
                    if theme in index:
                        counts[i, index[theme]] += c
            rows = slice(start, start + ROWS)
            for kind in sorted(set(kinds.tolist())):
                cols = kinds == kind
                mine = counts[:, cols]
                total = mine.sum(axis=1, keepdims=True)
                spoke = total[:, 0] > 0
                share = np.divide(mine, total, out=np.zeros_like(mine), where=total > 0)
                voice[rows, cols] = np.where(spoke[:, None], share - means[cols], 0.0)
                known[rows, cols] = spoke[:, None]
        return voice, known

    def transform(self, profiles: list[Profile]) -> FeatureMatrix:
        """The scaled blocks side by side, written into one matrix a block at a time."""
        n, widths = len(profiles), self.widths()
        matrix = np.zeros((n, sum(widths.values())))
        known = np.zeros(matrix.shape, dtype=bool)
        start = 0
        for name, width in widths.items():
            cols = slice(start, start + width)
            start += width
            if name != "numbers":  # the wide blocks: made in the matrix's own columns
                make = self._voice if name == "voice" else self._categories
                make(profiles, matrix[:, cols], known[:, cols])
                matrix[:, cols] /= self.scales[name]
                continue
            block, seen = self.block(name, profiles)
            np.divide(block, self.scales[name], out=matrix[:, cols])
            known[:, cols] = seen
            del block, seen
        return FeatureMatrix(
            keys=tuple(p.key for p in profiles),
            names=tuple(self.names),
            matrix=matrix,
            blocks=widths,
            known=known,
        )


def split_multi(value: str) -> list[str]:
    return [p.strip() for p in value.split(", ") if p.strip()]


def is_multi_select(values: list[str]) -> bool:
    """True for a "check all that apply" column whose answers are joined with ", ".

    An option of a real multi-select recurs across many different combinations;
    a comma inside one answer ("Master's degree (e.g. MA, MS)") does not.
    """
    joined = sorted({v for v in values if ", " in v})
    if len(joined) < 0.2 * len(set(values)) or not joined:
        return False
    seen_in: Counter[str] = Counter(part for v in joined for part in set(split_multi(v)))
    recurring = sum(1 for n in seen_in.values() if n >= 2)
    return recurring >= 0.5 * len(seen_in)


# --------------------------------------------------------------------------------------
# Ordered answers
# --------------------------------------------------------------------------------------

_AMOUNT = r"([£$€]?\s?\d[\d,]*(?:\.\d+)?\s?[km]?)"
_BAND = re.compile(
    rf"^(?:(under|below|less than|up to|<)\s*)?{_AMOUNT}"
    rf"(?:\s*(?:-|–|—|to)\s*{_AMOUNT})?"
    r"\s*(\+|or more|or over|and over|and above|or older|plus)?"
    r"(?:\s*(?:years?|yrs?)(?:\s*old)?)?$",
    re.IGNORECASE,
)
# The usual worded survey scales, low to high ("|" separates words for the same
# point). A column is read on one of them when its answers are (nearly) all on it.
_MIDDLE = "neutral|neither|neither agree nor disagree|neither agree or disagree|not sure"
SCALES: tuple[tuple[str, ...], ...] = (
    ("strongly disagree", "disagree", _MIDDLE, "agree", "strongly agree"),
    ("very dissatisfied", "dissatisfied", _MIDDLE, "satisfied", "very satisfied"),
    ("very unlikely", "unlikely", _MIDDLE, "likely", "very likely"),
    ("never", "rarely", "sometimes", "often", "always"),
    ("very poor", "poor", "fair|average", "good", "very good", "excellent"),
    (
        "not at all important",
        "slightly important",
        "moderately important",
        "very important",
        "extremely important",
    ),
)


@dataclass(frozen=True)
class Band:
    low: float | None  # None: open below ("Under £20k")
    high: float | None  # None: open above ("£75k+")
    money: bool


def _amount(text: str) -> tuple[float, bool]:
    """``"£20k"`` -> (20000.0, True); ``"34"`` -> (34.0, False)."""
    t = re.sub(r"[\s,]", "", text)
    money = t[:1] in "£$€"
    t = t.lstrip("£$€")
    multiplier = {"k": 1e3, "m": 1e6}.get(t[-1:].lower(), 1.0)
    if multiplier != 1.0:
        t, money = t[:-1], True
    return float(t) * multiplier, money


def parse_band(level: str) -> Band | None:
    """``"£20k–£35k"``, ``"Under £20k"``, ``"65+"``, ``"18-24"``, ``"42"`` as a band; else None."""
    match = _BAND.match(level.strip())
    if not match:
        return None
    under, first, second, over = match.groups()
    low, money = _amount(first)
    if second:
        high, money_high = _amount(second)
        return Band(low, high, money or money_high) if high > low else None
    if under:
        return Band(None, low, money)
    if over:
        return Band(low, None, money)
    return Band(low, low, money)


def _band_values(bands: dict[str, Band]) -> dict[str, float]:
    """Midpoints; an open band reaches half a typical band's width beyond its bound."""
    widths = [b.high - b.low for b in bands.values() if b.low is not None and b.high is not None]
    half = float(np.median([w for w in widths if w > 0])) / 2 if any(w > 0 for w in widths) else 0
    out = {}
    for level, b in bands.items():
        if b.low is None and b.high is not None:
            out[level] = max(b.high - half, b.high / 2)
        elif b.high is None and b.low is not None:
            out[level] = b.low + half
        elif b.low is not None and b.high is not None:
            out[level] = (b.low + b.high) / 2
    return out


def _worded_scale(levels: set[str]) -> dict[str, float] | None:
    """Levels on one of ``SCALES``: level -> position (1 = lowest)."""
    for scale in SCALES:
        position = {w: i + 1.0 for i, point in enumerate(scale) for w in point.split("|")}
        on = {lv: position[lv.strip().lower()] for lv in levels if lv.strip().lower() in position}
        if len(on) >= MIN_ORDINAL_LEVELS:
            return on
    return None


def ordinal_levels(answers: list[str]) -> tuple[dict[str, float], bool] | None:
    """(level -> number, on a money scale) when the answers are ordered; else None.

    Ordered means at least three different answers, most answers on the scale,
    and either bands (a range, "under", "+"), a small whole-number scale (0-10),
    or a worded scale. A column of plain large numbers (postcodes, ids) is not.
    """
    counts = Counter(answers)
    total = sum(counts.values())

    def enough(mapped: dict[str, float]) -> bool:
        on = sum(counts[lv] for lv in mapped)
        return len(mapped) >= MIN_ORDINAL_LEVELS and on >= MIN_ORDINAL_SHARE * total

    worded = _worded_scale(set(counts))
    if worded and enough(worded):
        return worded, False
    bands = {lv: b for lv in counts if (b := parse_band(lv)) is not None}
    banded = any(b.low != b.high for b in bands.values())
    small = all(
        b.low is not None and b.low.is_integer() and 0 <= b.low <= 10 for b in bands.values()
    )
    if not bands or not (banded or small):
        return None
    values = _band_values(bands)
    if not enough(values):
        return None
    return values, any(b.money for b in bands.values())


# --------------------------------------------------------------------------------------
# Profiles and fitting
# --------------------------------------------------------------------------------------


def profile_of(respondent: Respondent, themes: Counter[str] | None = None) -> Profile:
    """The profile of a build respondent."""
    numbers: dict[str, float] = {}
    age = respondent.attributes.get("age")
    if isinstance(age, int | float):
        numbers["age"] = float(age)
    if respondent.orders:
        numbers["orders"] = float(respondent.orders)
    for name in NUMERIC[1:]:  # age, first, is an attribute (above)
        value = getattr(respondent, name)
        if value is not None:
            numbers[name] = float(value)
    attributes = {
        k: str(v)
        for k, v in respondent.attributes.items()
        if k not in SKIP_ATTRIBUTES and not isinstance(v, int | float)
    }
    return Profile(
        key=respondent.key, numbers=numbers, attributes=attributes, themes=themes or Counter()
    )


SHARED = 4096  # distinct profile parts ``profiles_of`` shares between people, at most


def profiles_of(respondents: list[Respondent], statements: Sequence[Statement]) -> list[Profile]:
    """Profiles of the build's respondents with their theme counts.

    People with equal numbers, attributes or theme counts share one object of each
    (the first ``SHARED`` distinct ones): a quarter million people of a review site
    repeat a few hundred ages, ratings and product categories, and a small dict of
    their own took each of them half a kilobyte. The profiles are read, never changed."""
    counts: dict[str, Counter[str]] = {}
    for s in statements:
        if s.theme_id and s.respondent_key is not None:
            counts.setdefault(s.respondent_key, Counter())[s.theme_id] += 1
    once = Interned(SHARED)
    out = []
    for r in respondents:
        p = profile_of(r, counts.get(r.key))
        p.numbers, p.attributes, p.themes = once(p.numbers), once(p.attributes), once(p.themes)
        out.append(p)
    return out


def _numeric_column(
    name: str,
    values: list[float],
    log: bool,
    attribute: str | None = None,
    levels: dict[str, float] | None = None,
) -> NumericColumn:
    arr = np.array([math.log1p(max(v, 0.0)) if log else v for v in values])
    low, high = np.percentile(arr, SPREAD)
    std = float(arr.std()) or 1.0
    return NumericColumn(
        name=name,
        log=log,
        mean=float(arr.mean()),
        std=std,
        spread=float(high - low) or std,
        attribute=attribute,
        levels=levels or {},
    )


def _fit_ordinal(profiles: list[Profile]) -> dict[str, tuple[dict[str, float], bool]]:
    """Attributes whose answers are ordered (single-choice only)."""
    out = {}
    for attr in sorted({a for p in profiles for a in p.attributes}):
        answers = [p.attributes[attr] for p in profiles if p.attributes.get(attr)]
        if answers and not is_multi_select(answers):
            found = ordinal_levels(answers)
            if found:
                out[attr] = found
    return out


def _fit_numeric(
    profiles: list[Profile], n_min: int, ordinal: dict[str, tuple[dict[str, float], bool]]
) -> list[NumericColumn]:
    """Standard numbers, then ordered attributes; an age-band attribute joins ``age``."""
    ordinal = dict(ordinal)
    age_band = next((a for a in ordinal if AGE_H.search(a.lower())), None)
    out = []
    for name in NUMERIC:
        values = [p.numbers[name] for p in profiles if name in p.numbers]
        attribute, levels = None, {}
        if name == "age" and age_band is not None:
            attribute, levels = age_band, ordinal.pop(age_band)[0]
            values += [
                levels[p.attributes[attribute]]
                for p in profiles
                if "age" not in p.numbers and p.attributes.get(attribute) in levels
            ]
        if len(values) >= n_min and len(set(values)) > 1:
            out.append(_numeric_column(name, values, name in LOG_SCALED, attribute, levels))
    for attr, (levels, money) in ordinal.items():
        values = [levels[p.attributes[attr]] for p in profiles if p.attributes.get(attr) in levels]
        if len(values) >= n_min and len(set(values)) > 1:
            out.append(_numeric_column(attr, values, money, attr, levels))
    return out


def _fit_category(attr: str, answers: list[str], n: int) -> CategoryColumn | None:
    """Levels common enough to learn from; the rest pooled into ``other``."""
    multi = attr in MULTI_ATTRIBUTES or is_multi_select(answers)
    chosen = [set(split_multi(v)) if multi else {v} for v in answers]
    counts = Counter(level for levels in chosen for level in levels)
    ranked = [lv for lv, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
    cap = MAX_MULTI_LEVELS if multi else MAX_LEVELS
    common = [lv for lv in ranked if counts[lv] >= max(3, 0.02 * n)][:cap]
    other = None
    if len(common) < len(ranked):
        existing = next((lv for lv in common if lv.strip().lower() == OTHER), None)
        other = existing or OTHER
        common = common if existing else [*common, OTHER]
    if len(common) < 2 and not multi:
        return None
    column = CategoryColumn(attribute=attr, multi=multi, levels=common, means=[], other=other)
    rows = [column.chosen(v) for v in answers]
    means = [sum(lv in r for r in rows) / len(rows) for lv in common]
    return column.model_copy(update={"means": means})


def _fit_categories(profiles: list[Profile], n_min: int, skip: set[str]) -> list[CategoryColumn]:
    out = []
    for attr in sorted({a for p in profiles for a in p.attributes} - skip):
        answers = [p.attributes[attr] for p in profiles if p.attributes.get(attr)]
        if len(answers) >= n_min:
            column = _fit_category(attr, answers, len(profiles))
            if column is not None:
                out.append(column)
    return out


def theme_kind(theme_id: str) -> str:
    """A theme's kind: theme ids are "<kind>-NN" (``themes``), e.g. "pain-03" -> "pain"."""
    return theme_id.rsplit("-", 1)[0]


def tone_of(themes: Counter[str]) -> float | None:
    """Motivations / (pains + motivations) over a person's themed statements (theme ids
    name their kind: "pain-03"); None when they voiced neither."""
    pains = sum(c for t, c in themes.items() if theme_kind(t) == "pain")
    likes = sum(c for t, c in themes.items() if theme_kind(t) == "motivation")
    return likes / (pains + likes) if pains + likes else None


def fit_encoder(profiles: list[Profile], tone: bool = False) -> FeatureEncoder:
    """Learn columns, centres and block scales from the build's profiles (``tone``: add
    the tone column, see ``TONE``)."""
    n_min = max(2, math.ceil(MIN_KNOWN_SHARE * len(profiles)))
    themes = sorted({t for p in profiles for t in p.themes})
    ordinal = _fit_ordinal(profiles)
    numeric = _fit_numeric(profiles, n_min, ordinal)
    tones = [t for t in map(tone_of, (p.themes for p in profiles)) if t is not None] if tone else []
    if len(tones) >= n_min:
        numeric.append(_numeric_column(TONE, tones, log=False))
    encoder = FeatureEncoder(
        numeric=numeric,
        categories=_fit_categories(profiles, n_min, {c.attribute for c in numeric if c.attribute}),
        themes=themes,
        voice_means=[0.0] * len(themes),
        scales={b: 1.0 for b in BLOCKS},
        theme_kinds=[theme_kind(t) for t in themes],
    )
    shares, spoke = encoder._voice(profiles)
    voice_means = [
        float(shares[spoke[:, j], j].mean()) if spoke[:, j].any() else 0.0
        for j in range(len(themes))
    ]
    del shares, spoke
    encoder = encoder.model_copy(update={"voice_means": voice_means})
    scales: dict[str, float] = {}
    for name in BLOCKS:
        block, known = encoder.block(name, profiles)
        scales[name] = _scale(block, known) or 1.0
        del block, known
    return encoder.model_copy(update={"scales": scales})


def _scale(block: np.ndarray, known: np.ndarray) -> float:
    """The root mean square length of the rows that know something of ``block`` (1.0
    when none does), the rows' squared lengths taken ``ROWS`` at a time."""
    rows = np.asarray(known.any(axis=1) if block.shape[1] else np.zeros(0, dtype=bool))
    if not rows.any():
        return 1.0
    lengths = [
        (block[start : start + ROWS][rows[start : start + ROWS]] ** 2).sum(axis=1)
        for start in range(0, len(block), ROWS)
    ]
    return float(np.sqrt(np.concatenate(lengths).mean()))


def build_features(
    respondents: list[Respondent], statements: Sequence[Statement], tone: bool = False
) -> FeatureMatrix:
    """The respondent x feature matrix that segmentation clusters."""
    profiles = profiles_of(respondents, statements)
    return fit_encoder(profiles, tone=tone).transform(profiles)


def encode_people(
    respondents: list[Respondent], statements: Sequence[Statement]
) -> tuple[FeatureEncoder, FeatureMatrix]:
    """A build's encoder (with the tone column where ``wants_tone``) and its people's
    features. The profiles are let go here: at a quarter million people they held
    more than the matrix made of them."""
    profiles = profiles_of(respondents, statements)
    encoder = fit_encoder(profiles, tone=wants_tone(statements, respondents))
    features = encoder.transform(profiles)
    del profiles
    release_free_memory()  # the profiles' small dicts: their pages back before the fit's arrays
    return encoder, features


def wants_tone(
    statements: Sequence[Statement], respondents: list[Respondent] | None = None
) -> bool:
    """Whether most statements were said unprompted and most respondents are known only
    by what they wrote (see ``TONE``)."""
    from personas.understand.classify import question_kind

    if not statements:
        return False
    if respondents and sum(r.identified for r in respondents) >= 0.5 * len(respondents):
        return False
    unprompted = sum(1 for s in statements if question_kind(s.question) is None)
    return unprompted >= UNPROMPTED_SHARE * len(statements)
