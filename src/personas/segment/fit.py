"""Group people (not documents) into segments.

k-means over the respondent features (see ``features``) with distances and
centres over observed values only (see ``masked``). The number of segments
must both separate people and hold up under resampling (``CRITERION``): for
every k in ``k_min..k_max`` we measure the mean silhouette and the bootstrap
agreement on ``SELECTION_RESAMPLES`` subsamples (``stability``, cheaper than
the final measurement: fewer subsamples and k-means starts); among the k whose
mean agreement reaches ``HOLDS_UP`` the best silhouette wins. Silhouette alone
favours the smallest k on noisy data and says nothing about whether the
segments would come back with other people; agreement alone is high for a k
that stably merges two groups.

Silhouette also merges two real groups that lie close together: their members
are scored against the nearest *other* segment, which is the close one, so
splitting them lowers silhouette even when the split is exact. On a planted
coffee-shop corpus (``benchmarks/close_groups.py``) k = 3 won on silhouette
(0.278 against 0.265, a gap of four standard errors, so not noise) with both
k holding up at 1.0, and merged two groups (ARI 0.71 against 1.0 at k = 4).
So a larger k replaces the silhouette's pick when it is evidently real: *every*
one of its segments holds up (the weakest segment's agreement, not the mean,
reaches ``HOLDS_UP``: the rule of Tibshirani & Walther's prediction strength,
the largest k whose worst cluster is reproducible) and every segment is parted
from its nearest one by a valley (``valley``: along the line between the two
centres, people are at most ``VALLEY`` times as dense at the boundary as at
the sparser of the two segments' middles). Noise split into stable pieces has
no valley (uniform data about 1, a Gaussian more), real neighbouring groups
do (0.0 and 0.25 on the coffee and demo corpora). Both figures come from the
fits and subsamples already made, so choosing k costs no extra k-means.
``--personas K`` forces k.
With more respondents than ``fit_sample_people`` (personas.toml, default
100,000), choosing k, k-means, merging small segments and measuring stability
run on a seeded sample of that many (``stability.people_sample``), and everyone
joins the nearest fitted centre by the same masked distance (``assign_nearest``);
the method says so. At or below the cap everyone is used, as before.
Segments smaller than ``max(min_segment_share * n, min_segment_size)`` are
merged into the nearest other segment. Anonymous statements are attributed to
the segment whose voice they resemble most (cosine similarity to each
segment's statement centroid) and are marked as such everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from personas.config import Config
from personas.errors import NoUsableInput
from personas.models import Segment, SegmentModel, Statement
from personas.segment.features import FeatureMatrix
from personas.segment.masked import centres_of, distances_to_centres, masked_kmeans, silhouette
from personas.segment.stability import FRACTION, agreement, people_sample
from personas.understand.embed import Embeddings
from personas.understand.statementtable import with_rows
from personas.understand.vectorfile import BLOCK, blocks, mean_rows

SELECTION_RESAMPLES = 10
SELECTION_N_INIT = 4
HOLDS_UP = 0.75  # Hennig's "stable" cluster: mean Jaccard at or above this
VALLEY = 0.5  # a boundary this much sparser than both sides' middles parts two segments
VALLEY_WIDTH = 0.25  # density window: this share of the projections' standard deviation

CRITERION = (  # read as "k = 4 chosen by <CRITERION>"
    f"the highest mean silhouette (Euclidean over the features both respondents have,"
    f" block-scaled) among the k in k_min..k_max that hold up under resampling: mean"
    f" bootstrap agreement of at least {HOLDS_UP} (k-means re-run on {SELECTION_RESAMPLES}"
    f" seeded subsamples of {round(100 * FRACTION)}% of respondents, segments matched by"
    f" the Hungarian method, mean Jaccard over segments); ties go to the smaller k; if no"
    f" k holds up, the highest agreement. A larger k replaces that pick when every one of"
    f" its segments holds up (weakest segment's agreement at least {HOLDS_UP}) and is"
    f" parted from its nearest segment by a valley (people at the boundary between the two"
    f" at most {VALLEY} times as dense as at the sparser segment's middle): silhouette"
    f" prefers merging two real groups that lie close together; the largest such k wins"
)


def _merge_small(
    x: np.ndarray, known: np.ndarray, labels: np.ndarray, centres: np.ndarray, minimum: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fold segments below ``minimum`` into their members' nearest other segment."""
    labels, centres = labels.copy(), centres.copy()
    alive = sorted(set(labels.tolist()))
    while len(alive) > 1:
        counts = {c: int((labels == c).sum()) for c in alive}
        small = min(alive, key=lambda c: (counts[c], c))
        if counts[small] >= minimum:
            break
        alive.remove(small)
        rows = labels == small
        d2 = distances_to_centres(x[rows], known[rows], centres[alive])
        labels[rows] = np.array(alive)[d2.argmin(axis=1)]
        centres = centres_of(x, known, labels, len(centres), centres)
    return labels, centres


def _size_order(labels: np.ndarray) -> dict[int, int]:
    """Old label -> segment id 1..k, largest segment first (ties by old label)."""
    ids, counts = np.unique(labels, return_counts=True)
    order = sorted(zip(ids.tolist(), counts.tolist(), strict=True), key=lambda x: (-x[1], x[0]))
    return {old: new for new, (old, _) in enumerate(order, start=1)}


def distinctive_features(
    features: FeatureMatrix, labels: np.ndarray, segment: int, top: int = 6
) -> list[str]:
    """Feature names whose segment mean differs most from the rest's (in SD units),
    over known values only."""
    out: list[tuple[float, str]] = []
    inside = labels == segment
    for j, name in enumerate(features.names):
        known = features.known[:, j]
        a, b = features.matrix[inside & known, j], features.matrix[~inside & known, j]
        if len(a) < 3 or len(b) < 3:
            continue
        sd = float(features.matrix[known, j].std()) or 1.0
        effect = (float(a.mean()) - float(b.mean())) / sd
        if abs(effect) >= 0.3:
            out.append((effect, name))
    out.sort(key=lambda x: (-abs(x[0]), x[1]))
    return [f"{name} {'+' if e > 0 else '-'}{abs(e):.2f}" for e, name in out[:top]]


def membership(d2: np.ndarray, temperature: float) -> np.ndarray:
    """(n, k) soft membership from squared distances to each centre; rows sum to 1."""
    weights = np.exp(-(d2 - d2.min(axis=1, keepdims=True)) / (temperature or 1.0))
    return weights / weights.sum(axis=1, keepdims=True)


def score_key(k: int, measure: str) -> str:
    """``SegmentModel.scores`` keys: "<k> silhouette", "<k> stability" (mean agreement),
    "<k> weakest" (the least stable segment's agreement) and "<k> valley" (see ``valley``)."""
    return f"{k} {measure}"


def scores_by_k(scores: dict[str, float]) -> dict[str, dict[str, float]]:
    """``{"3 silhouette": .., "3 stability": ..}`` as ``{"3": {"silhouette": .., ...}}``."""
    out: dict[str, dict[str, float]] = {}
    for key, value in scores.items():
        k, _, measure = key.partition(" ")
        out.setdefault(k, {})[measure] = value
    return dict(sorted(out.items(), key=lambda item: int(item[0])))


def valley(x: np.ndarray, known: np.ndarray, labels: np.ndarray, centres: np.ndarray) -> float:
    """How little two neighbouring segments are apart: for each segment and its nearest
    (by centre), the members of both are placed on the line between the two centres
    (from their masked distances to each), and the people within ``VALLEY_WIDTH``
    standard deviations of the boundary are counted against those as near to each
    segment's median position; the ratio to the sparser side, worst over segments.
    0 is an empty boundary, about 1 a flat spread (uniform noise), above 1 one hump
    cut in two. A segment of fewer than two people, or one on top of another, is 1."""
    k = len(centres)
    d2 = distances_to_centres(x, known, centres)
    gaps = ((centres[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(gaps, np.inf)
    worst = 0.0
    for c in range(k):
        other = int(gaps[c].argmin())
        inside, beside = labels == c, labels == other
        if inside.sum() < 2 or beside.sum() < 2 or gaps[c, other] <= 1e-12:
            return 1.0
        rows = inside | beside
        where = (d2[rows, other] - d2[rows, c]) / (2.0 * math.sqrt(gaps[c, other]))
        width = VALLEY_WIDTH * float(where.std())
        mine = inside[rows]
        peaks = [
            int((np.abs(where - np.median(where[side])) < width).sum()) for side in (mine, ~mine)
        ]
        boundary = int((np.abs(where) < width).sum())
        worst = max(worst, boundary / max(min(peaks), 1))
    return worst


def choose_k(
    x: np.ndarray, known: np.ndarray, ks: range, seed: int
) -> tuple[int, np.ndarray, np.ndarray, dict[str, float]]:
    """The k that ``CRITERION`` picks, its labels and centres, and every k's scores."""
    fits: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    sil: dict[int, float] = {}
    agree: dict[int, float] = {}
    weakest: dict[int, float] = {}
    apart: dict[int, float] = {}
    scores: dict[str, float] = {}
    for k in ks:
        fits[k] = masked_kmeans(x, known, k, seed)
        sil[k] = round(silhouette(x, known, fits[k][0], seed), 4)
        per_segment = agreement(
            x, known, fits[k][0], seed, SELECTION_RESAMPLES, n_init=SELECTION_N_INIT
        )
        agree[k] = round(float(per_segment.mean()), 4)
        weakest[k] = round(float(per_segment.min()), 4)
        apart[k] = round(valley(x, known, *fits[k]), 4)
        scores[score_key(k, "silhouette")] = sil[k]
        scores[score_key(k, "stability")] = agree[k]
        scores[score_key(k, "weakest")] = weakest[k]
        scores[score_key(k, "valley")] = apart[k]
    holding = [k for k in ks if agree[k] >= HOLDS_UP]
    if holding:
        best = max(holding, key=lambda k: (sil[k], -k))
    else:
        best = max(ks, key=lambda k: (agree[k], sil[k], -k))
    larger = [k for k in ks if k > best and weakest[k] >= HOLDS_UP and apart[k] <= VALLEY]
    if larger:
        best = max(larger)
    return best, fits[best][0], fits[best][1], scores


def smallest_segment(n: int, config: Config) -> int:
    """The fewest people a segment of ``n`` respondents may have."""
    return max(math.ceil(config.min_segment_share * n), config.min_segment_size)


def _fit(
    x: np.ndarray, known: np.ndarray, config: Config
) -> tuple[np.ndarray, np.ndarray, str, str, dict[str, float]]:
    """Labels, centres, method, criterion and every k's scores of the people in ``x``
    (everyone, or the seeded sample of ``fit_sample_people``); small segments merged."""
    n = len(x)
    minimum = smallest_segment(n, config)
    scores: dict[str, float] = {}
    if n < 2 * minimum or x.shape[1] == 0:
        labels, centres = np.zeros(n, dtype=int), np.zeros((1, x.shape[1]))
        method, criterion = "single segment", f"too few respondents ({n}) or features to split"
    elif config.personas is not None:
        k = max(1, min(config.personas, n // minimum))
        labels, centres = masked_kmeans(x, known, k, config.seed)
        method, criterion = f"k-means over known values, k={k}", "forced with --personas"
    else:
        ks = range(config.k_min, max(config.k_min, min(config.k_max, n // minimum)) + 1)
        best, labels, centres, scores = choose_k(x, known, ks, config.seed)
        method, criterion = f"k-means over known values, k={best}", CRITERION
    labels, centres = _merge_small(x, known, labels, centres, minimum)
    return labels, centres, method, criterion, scores


def assign_nearest(
    x: np.ndarray, known: np.ndarray, labels: np.ndarray, centres: np.ndarray
) -> np.ndarray:
    """Everyone's segment: the nearest of the centres still in use in ``labels``, by the
    masked distance the fit used (``masked.distances_to_centres``)."""
    alive = np.array(sorted(set(labels.tolist())))
    if x.shape[1] == 0 or len(alive) == 1:
        return np.full(len(x), alive[0])
    return alive[distances_to_centres(x, known, centres[alive]).argmin(axis=1)]


def sample_note(fitted: int, everyone: int) -> str:
    """What the method says when the segments were fitted on a sample of people."""
    return (
        f"fitted on a seeded sample of {fitted:,} of {everyone:,} respondents;"
        " everyone else joined the nearest centre"
    )


def segment_respondents(features: FeatureMatrix, config: Config) -> SegmentModel:
    """Segments of respondents, with how their number was chosen and how well they separate.
    With more than ``config.fit_sample_people`` respondents, k, k-means and the merging
    of small segments run on a seeded sample of that many (``stability.people_sample``)
    and everyone joins the nearest fitted centre. Stability of the final segments is
    measured afterwards (``stability.measure_stability``)."""
    n = len(features.keys)
    if n == 0:
        raise NoUsableInput(
            "no respondents to build personas of: no record names, describes or stands for"
            " a person (run `personas inspect` to see what was read)"
        )
    x, known = features.matrix, features.known
    rows = people_sample(n, config.fit_sample_people, config.seed)
    if rows is None:
        labels, centres, method, criterion, scores = _fit(x, known, config)
    else:
        fitted, centres, method, criterion, scores = _fit(x[rows], known[rows], config)
        labels = assign_nearest(x, known, fitted, centres)
        labels, centres = _merge_small(x, known, labels, centres, smallest_segment(n, config))
        method = f"{method}, {sample_note(len(rows), n)}"
    return _model(features, config, labels, centres, method, criterion, scores)


def _model(
    features: FeatureMatrix,
    config: Config,
    labels: np.ndarray,
    centres: np.ndarray,
    method: str,
    criterion: str,
    scores: dict[str, float],
) -> SegmentModel:
    """The segment model of final ``labels`` (ids 1..k by size) with its measurements."""
    x, known, n = features.matrix, features.known, len(features.keys)
    mapping = _size_order(labels)
    order = sorted(mapping, key=mapping.__getitem__)
    centres = centres[order]  # row i is segment i + 1
    labels = np.array([mapping[int(x)] for x in labels])
    d2 = distances_to_centres(x, known, centres) if x.shape[1] else np.zeros((n, len(order)))
    temperature = float(np.median(d2)) or 1.0
    confidence = membership(d2, temperature)[np.arange(n), labels - 1]
    segments = [
        Segment(
            segment_id=int(sid),
            respondent_keys=[features.keys[i] for i in np.where(labels == sid)[0]],
            distinctive=distinctive_features(features, labels, int(sid)),
        )
        for sid in sorted(set(labels.tolist()))
    ]
    return SegmentModel(
        segments=segments,
        method=method,
        k=len(segments),
        criterion=criterion,
        scores=scores,
        feature_names=list(features.names),
        confidence={k: round(float(c), 4) for k, c in zip(features.keys, confidence, strict=True)},
        distance={
            key: round(float(np.sqrt(d2[i, labels[i] - 1])), 6)
            for i, key in enumerate(features.keys)
            if known[i].any()
        },
        centres=centres.tolist(),
        temperature=temperature,
        silhouette=round(silhouette(x, known, labels, config.seed), 4)
        if len(segments) > 1
        else None,
    )


def attribute_anonymous(
    model: SegmentModel, statements: Sequence[Statement], embeddings: Embeddings
) -> SegmentModel:
    """Attribute statements without a respondent to the most similar segment's voice."""
    member = {k: seg.segment_id for seg in model.segments for k in seg.respondent_keys}
    segment_of = np.zeros(len(embeddings.ids), dtype=np.int32)  # each row's; 0: none
    todo: list[str] = []  # the ids of themed statements without a respondent
    todo_rows: list[int] = []
    for s, r in with_rows(statements, embeddings.ids):
        if s.respondent_key in member:
            segment_of[r] = member[s.respondent_key]
        elif s.respondent_key is None and s.theme_id is not None:
            todo.append(s.statement_id)
            todo_rows.append(r)
    del member
    centres: dict[int, np.ndarray] = {}
    for segment_id in np.unique(segment_of[segment_of > 0]).tolist():
        c = mean_rows(embeddings.vectors, np.flatnonzero(segment_of == segment_id))
        centres[segment_id] = c / (np.linalg.norm(c) or 1.0)
    if not centres:
        return model
    seg_ids = sorted(centres)
    matrix = np.stack([centres[s] for s in seg_ids])
    rows = np.array(todo_rows, dtype=np.int64)
    anonymous: dict[str, tuple[int, float]] = {}
    starts = range(0, len(rows), BLOCK)
    for start, block in zip(starts, blocks(embeddings.vectors, rows), strict=True):
        for sid, vector in zip(todo[start : start + BLOCK], block, strict=True):
            sims = matrix @ vector
            best = int(np.argmax(sims))
            anonymous[sid] = (seg_ids[best], round(float(sims[best]), 4))
    return model.model_copy(update={"anonymous": anonymous})
