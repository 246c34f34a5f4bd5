"""Respondent features for segmentation: numbers, categories and voice.

One row per respondent. Numbers are standardised over the respondents who
have them; a respondent without a value sits at the mean (0) of that column,
so missing values do not pull anyone anywhere. Categories are one-hot with
rare levels pooled. Voice is the share of a person's statements in each
theme. Each block is scaled so that it weighs about as much as the others,
whatever its number of columns (measured over the respondents who have it).
``known`` keeps which values were observed, so segmentation can tell a
respondent at the mean from one we know nothing about.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

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


def _numeric_value(r: Respondent, name: str) -> float | None:
    if name == "age":
        value = r.attributes.get("age")
        return float(value) if isinstance(value, int | float) else None
    if name == "orders":
        return float(r.orders) if r.orders else None
    value = getattr(r, name)
    return None if value is None else float(value)


def _standardise(columns: list[list[float | None]]) -> np.ndarray:
    out = np.zeros((len(columns[0]) if columns else 0, len(columns)))
    for j, col in enumerate(columns):
        known = np.array([v for v in col if v is not None], dtype=float)
        mean, std = float(known.mean()), float(known.std()) or 1.0
        out[:, j] = [0.0 if v is None else (v - mean) / std for v in col]
    return out


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


def _categorical(
    respondents: list[Respondent], n_min: int
) -> tuple[list[str], np.ndarray, np.ndarray]:
    names: list[str] = []
    cols: list[np.ndarray] = []
    known_cols: list[np.ndarray] = []
    attributes = sorted({a for r in respondents for a in r.attributes} - SKIP_ATTRIBUTES)
    for attr in attributes:
        values = [r.attributes.get(attr) for r in respondents]
        known = [str(v) for v in values if v is not None and not isinstance(v, int | float)]
        if len(known) < n_min:
            continue
        multi = is_multi_select(known)
        per_person = [
            split_multi(str(v)) if multi else [str(v)] if v is not None else [] for v in values
        ]
        counts = Counter(level for levels in per_person for level in set(levels))
        common = [
            lv
            for lv, c in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
            if c >= max(3, 0.02 * len(respondents))
        ]
        common = common[:MAX_LEVELS]
        if len(common) < 2 and not multi:
            continue
        has = np.array([bool(levels) for levels in per_person])
        for level in common:
            names.append(f"{attr}={level}")
            cols.append(np.array([1.0 if level in levels else 0.0 for levels in per_person]))
            known_cols.append(has)
    if not cols:
        return [], np.zeros((len(respondents), 0)), np.zeros((len(respondents), 0), dtype=bool)
    block, known = np.column_stack(cols), np.column_stack(known_cols)
    means = np.array(
        [block[known[:, j], j].mean() if known[:, j].any() else 0.0 for j in range(block.shape[1])]
    )
    return names, np.where(known, block - means, 0.0), known


def _voice(
    respondents: list[Respondent], statements: list[Statement]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    themes = sorted({s.theme_id for s in statements if s.theme_id})
    index = {k: i for i, k in enumerate(r.key for r in respondents)}
    counts = np.zeros((len(respondents), len(themes)))
    col = {t: j for j, t in enumerate(themes)}
    for s in statements:
        if s.theme_id and s.respondent_key in index:
            counts[index[s.respondent_key], col[s.theme_id]] += 1
    totals = counts.sum(axis=1, keepdims=True)
    speaking = totals[:, 0] > 0
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    if speaking.any():
        shares[speaking] -= shares[speaking].mean(axis=0)
    known = np.repeat(speaking[:, None], len(themes), axis=1)
    return [f"theme:{t}" for t in themes], shares, known


def build_features(respondents: list[Respondent], statements: list[Statement]) -> FeatureMatrix:
    """The respondent x feature matrix that segmentation clusters."""
    n = len(respondents)
    n_min = max(2, math.ceil(MIN_KNOWN_SHARE * n))
    num_names: list[str] = []
    num_cols: list[list[float | None]] = []
    for name in NUMERIC:
        col = [_numeric_value(r, name) for r in respondents]
        if name in LOG_SCALED:
            col = [None if v is None else math.log1p(max(v, 0.0)) for v in col]
        known = [v for v in col if v is not None]
        if len(known) >= n_min and len(set(known)) > 1:
            num_names.append(name)
            num_cols.append(col)
    num_known = (
        np.column_stack([[v is not None for v in col] for col in num_cols])
        if num_cols
        else np.zeros((n, 0), dtype=bool)
    )
    blocks: list[tuple[str, list[str], np.ndarray, np.ndarray]] = [
        ("numbers", num_names, _standardise(num_cols) if num_cols else np.zeros((n, 0)), num_known),
        ("categories", *_categorical(respondents, n_min)),
        ("voice", *_voice(respondents, statements)),
    ]
    names: list[str] = []
    parts: list[np.ndarray] = []
    knowns: list[np.ndarray] = []
    sizes: dict[str, int] = {}
    for block_name, block_names, block, known in blocks:
        if block.shape[1] == 0:
            continue
        rows = known.any(axis=1)
        scale = float(np.sqrt((block[rows] ** 2).sum(axis=1).mean())) if rows.any() else 1.0
        parts.append(block / (scale or 1.0))
        knowns.append(known)
        names.extend(block_names)
        sizes[block_name] = block.shape[1]
    matrix = np.hstack(parts) if parts else np.zeros((n, 0))
    known_all = np.hstack(knowns) if knowns else np.zeros((n, 0), dtype=bool)
    return FeatureMatrix(
        keys=tuple(r.key for r in respondents),
        names=tuple(names),
        matrix=matrix,
        blocks=sizes,
        known=known_all,
    )
