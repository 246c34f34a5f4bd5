"""Group one kind's statements into themes: seeded, guided, merged, folded, thresholded.

The clustering step of ``themes`` (BERTopic's "hdbscan_model" slot; see
docs/ARCHITECTURE.md for why it is KMeans on the normalised vectors):

- k ≈ √(n/4) (2–15) new themes from Ward's hierarchical clustering, plus one
  per seed theme from ``personas.toml``, whose example phrases start their own
  centre so that they guide without stopping new themes from emerging;
- fitted on a seeded sample of at most ``FIT_SAMPLE`` statements
  (``fit_sample_statements`` in personas.toml): Ward's centres, then, on the same
  sample, centres closer than ``MERGE_SIM`` merge as near-duplicate themes and
  themes smaller than the minimum size fold into their nearest neighbour;
- every statement then joins its most similar centre (``nearest_themes``, or the
  Ray workers with ``--engine ray``), so the fit's time and memory stay bounded
  however many statements there are; a statement whose similarity to every
  centre is below ``OUTLIER_SIM`` stays unthemed (label -1) and is reported,
  instead of forcing it into a theme.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from personas.understand.vectorfile import Vectors

Assign = Callable[[Vectors, np.ndarray], np.ndarray]  # (vectors, centres) -> labels

MAX_THEMES = 15
FIT_SAMPLE = 4000
ASSIGN_CHUNK = 8192  # statements per block of the nearest-theme assignment
MERGE_SIM = 0.8  # cosine between two theme centres above which they are one theme
OUTLIER_SIM = 0.3  # a statement less similar than this to every centre has no theme
MIN_SIZE = 3
MIN_SHARE = 0.015  # a theme needs max(MIN_SIZE, MIN_SHARE * n) statements
SEED_KEEP_SIM = 0.5  # a seeded centre that drifted further than this loses the seed's name


def choose_k(n: int) -> int:
    """New themes for n statements: ~sqrt(n/4), at least 2, at most MAX_THEMES."""
    return max(2, min(MAX_THEMES, round(math.sqrt(n / 4))))


def min_size(n: int) -> int:
    return max(MIN_SIZE, math.ceil(MIN_SHARE * n))


@dataclass(frozen=True)
class Clustering:
    labels: np.ndarray  # theme index per statement, -1 = unthemed
    centres: np.ndarray  # (themes, dim), unit length
    seed_of: dict[int, int]  # theme index -> index of the seed theme it grew from


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


def _centres(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((k, vectors.shape[1]), dtype=np.float64)
    for c in range(k):
        members = labels == c
        if members.any():
            out[c] = vectors[members].mean(axis=0)
    return _unit(out)


def fit_sample_size(sample: int | None) -> int:
    """Statements a kind's themes are fitted on at most: ``sample``, or ``FIT_SAMPLE``."""
    return FIT_SAMPLE if sample is None else sample


def sample_rows(n: int, seed: int, sample: int | None = None) -> np.ndarray:
    """Sorted rows of the seeded sample a kind's themes are fitted on (all rows when
    ``n`` is at most ``fit_sample_size(sample)``)."""
    cap = fit_sample_size(sample)
    if n <= cap:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, cap, replace=False))


def _fit(vectors: np.ndarray, k: int, seed: int, guides: np.ndarray | None) -> np.ndarray:
    """Centres of ``k`` themes: Ward's hierarchical clustering of the sample ``vectors``.

    Ward merges the pair of groups that adds least within-group variance, so a
    small, tight idea ("expert advice on fit") keeps its own group while a big,
    loose one is not split into look-alike halves, which KMeans with the same k
    does: on the planted demo corpus Ward recovers 27 of 33 planted ideas as a
    theme of their own, KMeans 21, with the same number of themes, and NPMI on
    the real R survey and clothing reviews is as good or better. Seed themes'
    centres join Ward's, and one KMeans run from all of them lets them settle.
    """
    from sklearn.cluster import AgglomerativeClustering, KMeans

    fit_on = vectors.astype(np.float64)
    n_guides = 0 if guides is None else len(guides)
    k = min(k, len(fit_on))
    new = max(k - n_guides, 0)
    centres = np.zeros((0, fit_on.shape[1]))
    if new >= 2:
        labels = AgglomerativeClustering(n_clusters=new, linkage="ward").fit(fit_on).labels_
        centres = _centres(fit_on, labels, new)
    elif new == 1:
        centres = _unit(fit_on.mean(axis=0, keepdims=True))
    if guides is None or not n_guides:
        return centres
    init = np.vstack([guides.astype(np.float64), centres])
    model = KMeans(n_clusters=len(init), init=init, n_init=1, random_state=seed)
    model.fit(fit_on)
    return _unit(model.cluster_centers_)


def nearest_themes(vectors: Vectors, centres: np.ndarray) -> np.ndarray:
    """Each row's most similar centre, or -1 when every centre is less similar than
    ``OUTLIER_SIM``; computed ``ASSIGN_CHUNK`` rows at a time, the very blocks the Ray
    engine sends to its workers (``engine.ray``), so both give the same labels."""
    out = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), ASSIGN_CHUNK):
        out[start : start + ASSIGN_CHUNK] = nearest_block(
            vectors[start : start + ASSIGN_CHUNK], centres
        )
    return out


def nearest_block(vectors: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """``nearest_themes`` of one block of rows."""
    best = vectors @ centres.T
    return np.where(best.max(axis=1) >= OUTLIER_SIM, np.argmax(best, axis=1), -1)


def cluster_statements(
    vectors: Vectors,
    seed: int,
    guides: np.ndarray | None = None,
    sample: int | None = None,
    assign: Assign = nearest_themes,
) -> Clustering:
    """Themes for one kind's unit vectors; ``guides`` are seed-theme centres (unit).

    Above ``fit_sample_size(sample)`` statements, the centres are found, merged and
    folded on a seeded sample of that many (``sample_rows``); then every statement
    joins its nearest centre through ``assign`` (``nearest_themes`` here, Ray
    workers with ``--engine ray``). At or below it the sample is everyone."""
    n = len(vectors)
    n_guides = 0 if guides is None else len(guides)
    rows = sample_rows(n, seed, sample)
    fit_on = vectors[rows] if len(rows) < n else vectors[:]  # a file's rows: read here
    centres = _fit(fit_on, min(len(fit_on), choose_k(n) + n_guides), seed, guides)
    seed_of = {i: i for i in range(n_guides)}
    labels = np.argmax(fit_on @ centres.T, axis=1)
    centres = _centres(fit_on, labels, len(centres))
    centres, labels, seed_of = _merge(fit_on, centres, labels, seed_of)
    centres, labels, seed_of = _fold(fit_on, centres, labels, seed_of, min_size(len(fit_on)))
    if guides is not None:
        seed_of = {c: g for c, g in seed_of.items() if centres[c] @ guides[g] >= SEED_KEEP_SIM}
    return Clustering(labels=assign(vectors, centres), centres=centres, seed_of=seed_of)


def _renumber(
    vectors: np.ndarray, labels: np.ndarray, k: int, keep: list[int], seed_of: dict[int, int]
) -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
    """Keep the themes in ``keep``; every statement joins the nearest kept centre."""
    centres = _centres(vectors, labels, k)[keep]
    new_labels = np.argmax(vectors @ centres.T, axis=1)
    new_seed = {j: seed_of[c] for j, c in enumerate(keep) if c in seed_of}
    return _centres(vectors, new_labels, len(keep)), new_labels, new_seed


def _merge(
    vectors: np.ndarray, centres: np.ndarray, labels: np.ndarray, seed_of: dict[int, int]
) -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
    """Merge near-duplicate themes, the most similar pair first (seeds never merge)."""
    while len(centres) > 1:
        sims = centres @ centres.T
        np.fill_diagonal(sims, -1.0)
        for a, b in zip(*np.triu_indices(len(centres), 1), strict=True):
            if a in seed_of and b in seed_of:
                sims[a, b] = sims[b, a] = -1.0
        a, b = np.unravel_index(int(np.argmax(sims)), sims.shape)
        if sims[a, b] < MERGE_SIM:
            break
        keep_a = a in seed_of or (b not in seed_of and (labels == a).sum() >= (labels == b).sum())
        gone = int(b if keep_a else a)
        labels = np.where(labels == gone, int(a if keep_a else b), labels)
        keep = [c for c in range(len(centres)) if c != gone]
        centres, labels, seed_of = _renumber(vectors, labels, len(centres), keep, seed_of)
    return centres, labels, seed_of


def _fold(
    vectors: np.ndarray,
    centres: np.ndarray,
    labels: np.ndarray,
    seed_of: dict[int, int],
    smallest: int,
) -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
    """Fold themes under ``smallest`` statements into their neighbours, smallest first."""
    while len(centres) > 2:
        sizes = np.bincount(labels, minlength=len(centres))
        small = [c for c in np.argsort(sizes, kind="stable") if sizes[c] < smallest]
        if not small:
            break
        keep = [c for c in range(len(centres)) if c != small[0]]
        centres, labels, seed_of = _renumber(vectors, labels, len(centres), keep, seed_of)
    return centres, labels, seed_of
