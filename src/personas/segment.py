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


def _confidence(matrix: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Soft membership of each respondent in their own segment (0..1)."""
    ids = sorted(set(labels.tolist()))
    centres = np.stack([matrix[labels == i].mean(axis=0) for i in ids])
    d2 = ((matrix[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    temperature = float(np.median(d2)) or 1.0
    weights = np.exp(-(d2 - d2.min(axis=1, keepdims=True)) / temperature)
    probs = weights / weights.sum(axis=1, keepdims=True)
    own = np.array([ids.index(int(x)) for x in labels])
    return probs[np.arange(len(labels)), own]


def distinctive_features(features: FeatureMatrix, labels: np.ndarray, segment: int, top: int = 6) -> list[str]:
    """Feature names whose segment mean differs most from the rest (in SD units)."""
    inside, rest = features.matrix[labels == segment], features.matrix[labels != segment]
    if len(rest) == 0 or features.matrix.shape[1] == 0:
        return []
    sd = features.matrix.std(axis=0)
    sd[sd == 0] = 1.0
    effect = (inside.mean(axis=0) - rest.mean(axis=0)) / sd
    order = np.argsort(-np.abs(effect), kind="stable")
    return [
        f"{features.names[j]} {'+' if effect[j] > 0 else '-'}{abs(effect[j]):.2f}"
        for j in order[:top]
        if abs(effect[j]) >= 0.3
    ]


def segment_respondents(features: FeatureMatrix, config: Config) -> SegmentModel:
    """Segments of respondents, with how their number was chosen."""
    n = len(features.keys)
    minimum = max(math.ceil(config.min_segment_share * n), config.min_segment_size)
    scores: dict[str, float] = {}
    if n < 2 * minimum or features.matrix.shape[1] == 0:
        labels = np.zeros(n, dtype=int)
        method, criterion = "single segment", f"too few respondents ({n}) or features to split"
    elif config.personas is not None:
        k = min(config.personas, n // minimum)
        labels = _kmeans(features.matrix, k, config.seed)
        method, criterion = f"KMeans k={k}", "forced with --personas"
    else:
        candidates: dict[int, np.ndarray] = {}
        for k in range(config.k_min, min(config.k_max, n // minimum) + 1):
            candidates[k] = _kmeans(features.matrix, k, config.seed)
            scores[str(k)] = round(_silhouette(features.matrix, candidates[k], config.seed), 4)
        if not candidates:
            candidates[2] = _kmeans(features.matrix, 2, config.seed)
            scores["2"] = round(_silhouette(features.matrix, candidates[2], config.seed), 4)
        best = max(candidates, key=lambda k: (scores[str(k)], -k))
        labels = candidates[best]
        method, criterion = f"KMeans k={best}", CRITERION
    labels = _relabel_by_size(_merge_small(features.matrix, labels, minimum))
    confidence = _confidence(features.matrix, labels) if features.matrix.shape[1] else np.ones(n)
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
