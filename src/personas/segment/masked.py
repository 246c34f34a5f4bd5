"""k-means and silhouette over observed values only.

Respondents are known from different sources: some answered the survey,
some only ordered, some only reviewed. Filling the gaps with the mean would
pull everyone we know little about to the middle, where they form a
"we don't know" segment of their own. Here a distance uses only the columns
both sides have, rescaled to the full width, and a centre is the mean of the
members that have each value. Missing stays missing.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

Array = np.ndarray


ROWS = 16_384  # rows per block of ``distances_to_centres``


def distances_to_centres(x: Array, known: Array, centres: Array) -> Array:
    """(n, k) squared distances over each row's known columns, rescaled to all columns.

    A block of ``ROWS`` rows at a time (each row's distances are its own): the float
    copies of the whole matrix (mask, masked values, their product) came to three times
    its size, 0.3 GB at a quarter of a million respondents."""
    out = np.empty((len(x), len(centres)))
    squared = (centres**2).T
    for start in range(0, len(x), ROWS):
        rows = slice(start, start + ROWS)
        m = known[rows].astype(float)
        xm = x[rows] * m
        d2 = (xm * x[rows]).sum(axis=1)[:, None] - 2.0 * xm @ centres.T + m @ squared
        share = m.mean(axis=1, keepdims=True)
        out[rows] = np.maximum(d2, 0.0) / np.maximum(share, 1e-9)
    return out


def pairwise(x: Array, known: Array) -> Array:
    """(n, n) distances over the columns both rows know, rescaled to all columns."""
    m = known.astype(float)
    xm, x2m = x * m, x * x * m
    # x2m @ m.T - 2.0 * xm @ xm.T + m @ x2m.T, each (n, n) product added in place: the
    # same values, with two (n, n) arrays alive instead of six
    out = x2m @ m.T
    out -= 2.0 * xm @ xm.T
    out += m @ x2m.T
    shared = m @ m.T
    width = x.shape[1] or 1
    np.maximum(out, 0.0, out=out)
    out *= width
    apart = shared == 0  # nothing in common: far apart
    np.maximum(shared, 1.0, out=shared)
    out /= shared
    np.sqrt(out, out=out)
    out[apart] = np.sqrt(2.0 * width)
    np.fill_diagonal(out, 0.0)
    return out


def centres_of(x: Array, known: Array, labels: Array, k: int, previous: Array) -> Array:
    """Per cluster, the mean of each column over members that know it (else the previous value)."""
    m = known.astype(float)
    return _centres(x * m, m, labels, k, previous)


def _centres(xm: Array, m: Array, labels: Array, k: int, previous: Array) -> Array:
    """``centres_of`` from the masked values ``xm = x * m``: two matrix products instead
    of a loop over clusters (the bootstrap runs k-means hundreds of times)."""
    onehot = np.zeros((len(labels), k))
    onehot[np.arange(len(labels)), labels] = 1.0
    counts, sums = onehot.T @ m, onehot.T @ xm
    has = counts > 0
    out = previous.copy()
    out[has] = sums[has] / counts[has]
    return out


def _plus_plus(x: Array, known: Array, k: int, rng: np.random.Generator) -> Array:
    """k-means++ seeding over the rows that know the most."""
    richness = known.mean(axis=1)
    pool = np.where(richness >= np.quantile(richness, 0.5))[0]
    first = int(rng.choice(pool))
    centres = [x[first]]
    for _ in range(1, k):
        d2 = distances_to_centres(x[pool], known[pool], np.array(centres)).min(axis=1)
        total = float(d2.sum())
        probs = d2 / total if total > 0 else None
        centres.append(x[int(rng.choice(pool, p=probs))])
    return np.array(centres)


@functools.cache
def _blas() -> Any:
    """numpy's BLAS thread pools, found once (a fresh lookup costs ~6 ms per call)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def masked_kmeans(
    x: Array, known: Array, k: int, seed: int, n_init: int = 8, max_iter: int = 100
) -> tuple[Array, Array]:
    """Labels and centres of the best of ``n_init`` seeded runs (lowest inertia).

    BLAS runs single-threaded here: the products are small (n x features by
    features x k), and on a busy 2-core machine BLAS threads waiting for each
    other made one k-means ten times slower (3.0 s against 0.27 s, n = 2,000)."""
    with _blas().limit(limits=1, user_api="blas"):
        return _kmeans(x, known, k, seed, n_init, max_iter)


def _kmeans(
    x: Array, known: Array, k: int, seed: int, n_init: int, max_iter: int
) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    # a feature matrix is already zero where a value is unknown: then x is its own
    # masked values, and a copy of it (0.05 GB for the 100,000 people fitted on) is spared
    xm = x * known if x[~known].any() else x
    m = known.astype(float)
    row_sq = (xm * x).sum(axis=1)[:, None]
    share = np.maximum(m.mean(axis=1, keepdims=True), 1e-9)

    def d2_of(centres: Array) -> Array:
        """``distances_to_centres`` with the per-row parts computed once per call."""
        # xm @ (2c) is (2 xm) @ c bit for bit (doubling is exact) without an (n, features) copy
        d2 = row_sq - xm @ (2.0 * centres).T + m @ (centres**2).T
        return np.maximum(d2, 0.0) / share

    best: tuple[float, Array, Array] | None = None
    for _ in range(n_init):
        centres = _plus_plus(x, known, k, rng)
        labels = np.full(len(x), -1)
        for _ in range(max_iter):
            new = d2_of(centres).argmin(axis=1)
            if np.array_equal(new, labels):
                break
            labels = new
            centres = _centres(xm, m, labels, k, centres)
        inertia = float(d2_of(centres)[np.arange(len(x)), labels].sum())
        if best is None or inertia < best[0] - 1e-9:
            best = (inertia, labels.copy(), centres.copy())
    assert best is not None
    return best[1], best[2]


def silhouette(x: Array, known: Array, labels: Array, seed: int, sample: int = 2000) -> float:
    """Mean silhouette with masked distances, on a seeded sample of at most ``sample`` rows."""
    if len(set(labels.tolist())) < 2:
        return -1.0
    idx = np.arange(len(x))
    if len(x) > sample:
        idx = np.sort(np.random.default_rng(seed).choice(idx, size=sample, replace=False))
    from sklearn.metrics import silhouette_score

    d = pairwise(x[idx], known[idx])
    sub = labels[idx]
    if len(set(sub.tolist())) < 2:
        return -1.0
    return float(silhouette_score(d, sub, metric="precomputed"))
