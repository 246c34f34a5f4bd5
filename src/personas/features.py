"""Respondent features for segmentation: numbers, categories and voice.

One row per respondent, from a ``Profile`` (what we know of that person).
The ``FeatureEncoder`` is fitted once on the build's respondents and then
turns any profile — a build respondent, or a new customer in ``personas
assign`` — into the same columns, so a build and an assignment can never
disagree about what a feature means.

- Numbers are standardised over the respondents who have them (money and
  counts on a log scale).
- Categories are one-hot with rare levels left out; multi-select answers
  ("Hiking, Camping") set several levels.
- Voice is the share of a person's statements in each theme.
- Each block is scaled so that it weighs about as much as the others,
  whatever its number of columns (measured over the respondents who have it).

``known`` keeps which values were observed: missing stays missing, and
segmentation measures distances over known values only (see ``masked``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel

from personas.models import Respondent, Statement

NUMERIC = (
    "age",
    "nps",
    "rating",
    "orders",
    "total_spend",
    "avg_order_value",
    "orders_per_year",
    "recency_days",
)
LOG_SCALED = ("total_spend", "avg_order_value", "orders")
MIN_KNOWN_SHARE = 0.2  # a feature known for fewer respondents than this is left out
MAX_LEVELS = 12
SKIP_ATTRIBUTES = frozenset({"age"})
BLOCKS = ("numbers", "categories", "voice")


@dataclass
class Profile:
    """What is known of one person, before encoding."""

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
    name: str
    log: bool
    mean: float
    std: float


class CategoryColumn(BaseModel):
    attribute: str
    multi: bool
    levels: list[str]
    means: list[float]  # mean of each one-hot column over respondents who have the attribute


class FeatureEncoder(BaseModel):
    """Everything needed to encode a profile exactly as the build did."""

    numeric: list[NumericColumn]
    categories: list[CategoryColumn]
    themes: list[str]
    voice_means: list[float]
    scales: dict[str, float]  # block -> divisor

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
        n = len(profiles)
        num = np.zeros((n, len(self.numeric)))
        num_known = np.zeros_like(num, dtype=bool)
        for j, col in enumerate(self.numeric):
            for i, p in enumerate(profiles):
                value = p.numbers.get(col.name)
                if value is not None and math.isfinite(value):
                    v = math.log1p(max(value, 0.0)) if col.log else value
                    num[i, j], num_known[i, j] = (v - col.mean) / col.std, True
        cats, cat_known = [], []
        for col in self.categories:
            for i_level, level in enumerate(col.levels):
                values, has = [], []
                for p in profiles:
                    given = p.attributes.get(col.attribute)
                    chosen = set(split_multi(given) if col.multi else [given]) if given else set()
                    has.append(bool(given))
                    values.append(
                        (1.0 if level in chosen else 0.0) - col.means[i_level] if given else 0.0
                    )
                cats.append(values)
                cat_known.append(has)
        cat = np.array(cats).T if cats else np.zeros((n, 0))
        cat_k = np.array(cat_known, dtype=bool).T if cats else np.zeros((n, 0), dtype=bool)
        voice = np.zeros((n, len(self.themes)))
        voice_k = np.zeros_like(voice, dtype=bool)
        index = {t: j for j, t in enumerate(self.themes)}
        for i, p in enumerate(profiles):
            counts = {t: c for t, c in p.themes.items() if t in index}
            total = sum(counts.values())
            if total:
                for t, c in counts.items():
                    voice[i, index[t]] = c / total
                voice[i] -= np.array(self.voice_means)
                voice_k[i] = True
        return {"numbers": (num, num_known), "categories": (cat, cat_k), "voice": (voice, voice_k)}

    def transform(self, profiles: list[Profile]) -> FeatureMatrix:
        blocks = self.raw(profiles)
        parts, knowns = [], []
        for name in BLOCKS:
            block, known = blocks[name]
            if block.shape[1]:
                parts.append(block / self.scales[name])
                knowns.append(known)
        n = len(profiles)
        return FeatureMatrix(
            keys=tuple(p.key for p in profiles),
            names=tuple(self.names),
            matrix=np.hstack(parts) if parts else np.zeros((n, 0)),
            blocks=self.widths(),
            known=np.hstack(knowns) if knowns else np.zeros((n, 0), dtype=bool),
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


def profile_of(respondent: Respondent, themes: Counter[str] | None = None) -> Profile:
    """The profile of a build respondent."""
    numbers: dict[str, float] = {}
    age = respondent.attributes.get("age")
    if isinstance(age, int | float):
        numbers["age"] = float(age)
    if respondent.orders:
        numbers["orders"] = float(respondent.orders)
    for name in (
        "nps",
        "rating",
        "total_spend",
        "avg_order_value",
        "orders_per_year",
        "recency_days",
    ):
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


def profiles_of(respondents: list[Respondent], statements: list[Statement]) -> list[Profile]:
    """Profiles of the build's respondents with their theme counts."""
    counts: dict[str, Counter[str]] = {}
    for s in statements:
        if s.theme_id and s.respondent_key is not None:
            counts.setdefault(s.respondent_key, Counter())[s.theme_id] += 1
    return [profile_of(r, counts.get(r.key)) for r in respondents]


def _fit_numeric(profiles: list[Profile], n_min: int) -> list[NumericColumn]:
    out = []
    for name in NUMERIC:
        log = name in LOG_SCALED
        values = [p.numbers[name] for p in profiles if name in p.numbers]
        values = [math.log1p(max(v, 0.0)) if log else v for v in values]
        if len(values) >= n_min and len(set(values)) > 1:
            arr = np.array(values)
            out.append(
                NumericColumn(
                    name=name, log=log, mean=float(arr.mean()), std=float(arr.std()) or 1.0
                )
            )
    return out


def _fit_categories(profiles: list[Profile], n_min: int) -> list[CategoryColumn]:
    out = []
    n = len(profiles)
    for attr in sorted({a for p in profiles for a in p.attributes}):
        known = [p.attributes[attr] for p in profiles if p.attributes.get(attr)]
        if len(known) < n_min:
            continue
        multi = is_multi_select(known)
        chosen = [set(split_multi(v)) if multi else {v} for v in known]
        counts = Counter(level for levels in chosen for level in levels)
        common = [
            lv
            for lv, c in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
            if c >= max(3, 0.02 * n)
        ][:MAX_LEVELS]
        if len(common) < 2 and not multi:
            continue
        means = [sum(1 for levels in chosen if lv in levels) / len(chosen) for lv in common]
        out.append(CategoryColumn(attribute=attr, multi=multi, levels=common, means=means))
    return out


def fit_encoder(profiles: list[Profile]) -> FeatureEncoder:
    """Learn columns, centres and block scales from the build's profiles."""
    n_min = max(2, math.ceil(MIN_KNOWN_SHARE * len(profiles)))
    themes = sorted({t for p in profiles for t in p.themes})
    speaking = [p for p in profiles if sum(p.themes.values())]
    voice_means = [
        float(np.mean([p.themes.get(t, 0) / sum(p.themes.values()) for p in speaking]))
        if speaking
        else 0.0
        for t in themes
    ]
    encoder = FeatureEncoder(
        numeric=_fit_numeric(profiles, n_min),
        categories=_fit_categories(profiles, n_min),
        themes=themes,
        voice_means=voice_means,
        scales={b: 1.0 for b in BLOCKS},
    )
    scales: dict[str, float] = {}
    for name, (block, known) in encoder.raw(profiles).items():
        rows = known.any(axis=1) if block.shape[1] else np.zeros(0, dtype=bool)
        scales[name] = float(np.sqrt((block[rows] ** 2).sum(axis=1).mean())) if rows.any() else 1.0
        scales[name] = scales[name] or 1.0
    return encoder.model_copy(update={"scales": scales})


def build_features(respondents: list[Respondent], statements: list[Statement]) -> FeatureMatrix:
    """The respondent x feature matrix that segmentation clusters."""
    profiles = profiles_of(respondents, statements)
    return fit_encoder(profiles).transform(profiles)
