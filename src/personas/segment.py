"""Group people (not documents) into segments.

KMeans on the respondent features (see ``features``) for every k in
``k_min..k_max``; the k with the highest silhouette wins (ties go to the
smaller k) unless ``--personas K`` forces one. Segments smaller than
``max(min_segment_share * n, min_segment_size)`` are merged into the nearest
other segment. Anonymous statements are attributed to the segment whose
voice they resemble most (cosine similarity to each segment's statement
centroid) and are marked as such everywhere.
"""

from __future__ import annotations

import math

import numpy as np

from personas.config import Config
from personas.embed import Embeddings
from personas.features import FeatureMatrix
from personas.models import Segment, SegmentModel, Statement

CRITERION = (
    "highest mean silhouette for k in k_min..k_max (Euclidean on block-scaled features);"
    " ties go to the smaller k"
)


def _kmeans(matrix: np.ndarray, k: int, seed: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, random_state=seed, n_init=10).fit_predict(matrix)


def _silhouette(matrix: np.ndarray, labels: np.ndarray, seed: int) -> float:
    from sklearn.metrics import silhouette_score

    if len(set(labels.tolist())) < 2:
        return -1.0
    sample = min(len(labels), 3000)
    return float(silhouette_score(matrix, labels, sample_size=sample, random_state=seed))


def _merge_small(matrix: np.ndarray, labels: np.ndarray, minimum: int) -> np.ndarray:
    labels = labels.copy()
    while True:
        ids, counts = np.unique(labels, return_counts=True)
        if len(ids) <= 1 or counts.min() >= minimum:
            return labels
        small = int(ids[np.argmin(counts)])
        centres = {int(i): matrix[labels == i].mean(axis=0) for i in ids if i != small}
        for row in np.where(labels == small)[0]:
            labels[row] = min(centres, key=lambda c: float(((matrix[row] - centres[c]) ** 2).sum()))


def _relabel_by_size(labels: np.ndarray) -> np.ndarray:
    ids, counts = np.unique(labels, return_counts=True)
    order = sorted(zip(ids.tolist(), counts.tolist(), strict=True), key=lambda x: (-x[1], x[0]))
    mapping = {old: new for new, (old, _) in enumerate(order, start=1)}
    return np.array([mapping[int(x)] for x in labels])


def _confidence(d2: np.ndarray, labels: np.ndarray, ids: list[int]) -> np.ndarray:
    """Soft membership of each respondent in their own segment (0..1), from distances
    to the centres (columns in ``ids`` order, before relabelling by size)."""
    temperature = float(np.median(d2)) or 1.0
    weights = np.exp(-(d2 - d2.min(axis=1, keepdims=True)) / temperature)
    probs = weights / weights.sum(axis=1, keepdims=True)
    own = np.array([ids.index(int(x)) for x in labels])
    return probs[np.arange(len(labels)), own]


def distinctive_features(features: FeatureMatrix, labels: np.ndarray, segment: int, top: int = 6) -> list[str]:
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


def core_rows(features: FeatureMatrix) -> np.ndarray:
    """Respondents known well enough to define segments: known in all blocks but at most one.

    The others (e.g. people known only from their orders) are placed afterwards
    by the features they do have, so that "we know little about them" never
    becomes a persona of its own.
    """
    blocks = features.blocks_known()
    if blocks.shape[1] == 0:
        return np.zeros(len(features.keys), dtype=bool)
    need = max(1, blocks.shape[1] - 1)
    return blocks.sum(axis=1) >= need


def masked_distances(features: FeatureMatrix, centres: np.ndarray) -> np.ndarray:
    """Squared distances to each centre over each respondent's known columns only,
    rescaled to the full number of columns."""
    known = features.known.astype(float)
    share = known.mean(axis=1, keepdims=True)
    diff = (features.matrix[:, None, :] - centres[None, :, :]) ** 2 * known[:, None, :]
    return diff.sum(axis=2) / np.maximum(share, 1e-9)


def segment_respondents(features: FeatureMatrix, config: Config) -> SegmentModel:
    """Segments of respondents, with how their number was chosen."""
    n = len(features.keys)
    minimum = max(math.ceil(config.min_segment_share * n), config.min_segment_size)
    core = core_rows(features)
    if core.sum() < max(2 * minimum, 0.3 * n):
        core = np.ones(n, dtype=bool)
    matrix = features.matrix[core]
    n_core = int(core.sum())
    scores: dict[str, float] = {}
    if n_core < 2 * minimum or features.matrix.shape[1] == 0:
        core_labels = np.zeros(n_core, dtype=int)
        method, criterion = "single segment", f"too few respondents ({n}) or features to split"
    elif config.personas is not None:
        k = max(1, min(config.personas, n_core // minimum))
        core_labels = _kmeans(matrix, k, config.seed)
        method, criterion = f"KMeans k={k}", "forced with --personas"
    else:
        candidates: dict[int, np.ndarray] = {}
        for k in range(config.k_min, min(config.k_max, n_core // minimum) + 1):
            candidates[k] = _kmeans(matrix, k, config.seed)
            scores[str(k)] = round(_silhouette(matrix, candidates[k], config.seed), 4)
        if not candidates:
            candidates[2] = _kmeans(matrix, 2, config.seed)
            scores["2"] = round(_silhouette(matrix, candidates[2], config.seed), 4)
        best = max(candidates, key=lambda k: (scores[str(k)], -k))
        core_labels = candidates[best]
        method, criterion = f"KMeans k={best}", CRITERION
    core_labels = _merge_small(matrix, core_labels, max(1, round(minimum * n_core / n)))
    labels = np.zeros(n, dtype=int)
    labels[core] = core_labels
    ids = sorted(set(core_labels.tolist()))
    centres = np.stack([matrix[core_labels == i].mean(axis=0) for i in ids])
    d2 = masked_distances(features, centres)
    if (~core).any():
        labels[~core] = np.array(ids)[np.argmin(d2[~core], axis=1)]
        method += f" on {n_core} well-known respondents; {n - n_core} others placed by their known features"
    confidence = _confidence(d2, labels, ids) if features.matrix.shape[1] else np.ones(n)
    labels = _relabel_by_size(labels)
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
    )


def attribute_anonymous(model: SegmentModel, statements: list[Statement], embeddings: Embeddings) -> SegmentModel:
    """Attribute statements without a respondent to the most similar segment's voice."""
    row = {sid: i for i, sid in enumerate(embeddings.ids)}
    member = {k: seg.segment_id for seg in model.segments for k in seg.respondent_keys}
    centres: dict[int, np.ndarray] = {}
    for seg in model.segments:
        idx = [row[s.statement_id] for s in statements if member.get(s.respondent_key or "") == seg.segment_id]
        if idx:
            c = embeddings.vectors[idx].mean(axis=0)
            centres[seg.segment_id] = c / (np.linalg.norm(c) or 1.0)
    if not centres:
        return model
    seg_ids = sorted(centres)
    matrix = np.stack([centres[s] for s in seg_ids])
    anonymous: dict[str, tuple[int, float]] = {}
    for s in statements:
        if s.respondent_key is None and s.theme_id is not None:
            sims = matrix @ embeddings.vectors[row[s.statement_id]]
            best = int(np.argmax(sims))
            anonymous[s.statement_id] = (seg_ids[best], round(float(sims[best]), 4))
    return model.model_copy(update={"anonymous": anonymous})
