"""Does a segmentation hold up when the data is resampled?

A segment worth a persona should come back when some of the people are left
out. We re-run the same k-means (same k, same number of starts) on seeded
subsamples of 80% of respondents drawn without replacement, restrict the full
solution to the people in each subsample, match its segments to the
subsample's by the Hungarian method on their Jaccard overlap, and average each
segment's Jaccard over the subsamples (Hennig 2007, "Cluster-wise assessment of
cluster stability"; subsampling rather than the bootstrap's duplicates, which
k-means would treat as extra weight).

A segment whose mean Jaccard is below ``STABLE_JACCARD`` (0.6) is flagged
``stable=False``: in Hennig's rule of thumb clusters under 0.6 "dissolve" —
they are not found again once some people are left out — while 0.75 and above
is a stable cluster (k selection asks for that, see ``segment``). The overall
figure is the unweighted mean over segments, so a small segment that falls
apart is not hidden by a big one that holds.

When 80% of respondents would be more than ``MAX_SUBSAMPLE`` people, a
subsample is capped at that many (still drawn at random from everyone), which
keeps a build of tens of thousands of respondents from spending minutes here;
the method sentence says so when it applies. Above ``fit_sample_people``
respondents the subsamples are drawn from the seeded sample the segments were
fitted on (``people_sample``), and the method sentence says that too.
"""

from __future__ import annotations

import numpy as np

from personas.models import SegmentModel
from personas.segment.features import FeatureMatrix
from personas.segment.masked import masked_kmeans

RESAMPLES = 20
FRACTION = 0.8
STABLE_JACCARD = 0.6
MAX_SUBSAMPLE = 4000
N_INIT = 8  # k-means starts per subsample: the same as the full segmentation


def people_sample(n: int, cap: int | None, seed: int) -> np.ndarray | None:
    """Sorted rows of the seeded sample of ``cap`` people that segments are fitted and
    measured on, or None when all ``n`` fit (then everyone is used, as before)."""
    if cap is None or n <= cap:
        return None
    return np.sort(np.random.default_rng([seed, 100_000]).choice(n, size=cap, replace=False))


def subsample_size(n: int) -> int:
    """People in one subsample: ``FRACTION`` of ``n``, at most ``MAX_SUBSAMPLE``."""
    return min(max(2, round(FRACTION * n)), MAX_SUBSAMPLE, n)


def subsamples(n: int, count: int, seed: int) -> list[np.ndarray]:
    """``count`` sorted index sets of ``subsample_size(n)`` rows drawn without replacement;
    the same seed gives the same sets whatever else runs."""
    rng = np.random.default_rng([seed, 20070])
    size = subsample_size(n)
    return [np.sort(rng.choice(n, size=size, replace=False)) for _ in range(count)]


def jaccard(reference: np.ndarray, other: np.ndarray, k: int) -> np.ndarray:
    """(k, k) Jaccard overlap between reference segment i and other segment j (labels 0..k-1)."""
    counts = np.zeros((k, k))
    np.add.at(counts, (reference, other), 1.0)
    union = counts.sum(axis=1)[:, None] + counts.sum(axis=0)[None, :] - counts
    return np.divide(counts, union, out=np.zeros_like(counts), where=union > 0)


def matched_jaccard(reference: np.ndarray, other: np.ndarray, k: int) -> np.ndarray:
    """Per reference segment, the Jaccard of the segment the Hungarian matching pairs it with."""
    from scipy.optimize import linear_sum_assignment

    overlap = jaccard(reference, other, k)
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    out = np.zeros(k)
    out[rows] = overlap[rows, cols]
    return out


def agreement(
    x: np.ndarray,
    known: np.ndarray,
    labels: np.ndarray,
    seed: int,
    resamples: int = RESAMPLES,
    n_init: int = N_INIT,
) -> np.ndarray:
    """Mean matched Jaccard per segment (labels 0..k-1) over ``resamples`` subsamples,
    each re-segmented from scratch with the same k."""
    k = int(labels.max()) + 1
    total = np.zeros(k)
    for b, rows in enumerate(subsamples(len(x), resamples, seed)):
        again, _ = masked_kmeans(x[rows], known[rows], k, seed + 1 + b, n_init=n_init)
        total += matched_jaccard(labels[rows], again, k)
    return total / resamples


def method_sentence(n: int, resamples: int = RESAMPLES, population: int | None = None) -> str:
    """How stability was measured, in words, for run.json and the report; ``population``
    is everyone when ``n`` is the seeded sample the segments were fitted on."""
    size = subsample_size(n)
    capped = f", capped at {MAX_SUBSAMPLE:,}" if size < round(FRACTION * n) else ""
    within = (
        f" of the seeded sample of {n:,} of {population:,} respondents the segments were fitted on"
        if population is not None
        else " of respondents"
    )
    return (
        f"k-means re-run with the same k on {resamples} seeded subsamples of "
        f"{round(100 * FRACTION)}%{within} ({size:,} of {n:,}{capped}; drawn "
        "without replacement); each subsample's segments matched to the full solution by the "
        "Hungarian method on Jaccard overlap of members; per segment the mean Jaccard, "
        f"overall the unweighted mean over segments; below {STABLE_JACCARD} a segment is "
        "flagged as not holding up"
    )


def measure_stability(
    model: SegmentModel, features: FeatureMatrix, seed: int, cap: int | None = None
) -> SegmentModel:
    """``model`` with ``stability`` / ``stable`` per segment and overall filled in.
    One segment has nothing to agree on, so it stays unmeasured (None). With more than
    ``cap`` respondents it is measured on the seeded sample the segments were fitted on
    (``people_sample``)."""
    if len(model.segments) < 2:
        return model.model_copy(
            update={"stability_method": "not measured: a single segment cannot disagree"}
        )
    row = {key: i for i, key in enumerate(features.keys)}
    labels = np.full(len(features.keys), -1)
    for index, segment in enumerate(model.segments):
        labels[[row[key] for key in segment.respondent_keys]] = index
    if (labels < 0).any():
        raise ValueError("segment model and feature matrix list different respondents")
    x, known, population = features.matrix, features.known, None
    rows = people_sample(len(labels), cap, seed)
    if rows is not None:
        x, known, labels, population = x[rows], known[rows], labels[rows], len(labels)
    per_segment = agreement(x, known, labels, seed)
    segments = [
        s.model_copy(update={"stability": round(float(j), 4), "stable": bool(j >= STABLE_JACCARD)})
        for s, j in zip(model.segments, per_segment, strict=True)
    ]
    return model.model_copy(
        update={
            "segments": segments,
            "stability": round(float(per_segment.mean()), 4),
            "stability_method": method_sentence(len(labels), population=population),
        }
    )
