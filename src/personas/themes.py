"""Discover themes per statement kind with BERTopic.

BERTopic is assembled from small, fast, deterministic parts (see
docs/ARCHITECTURE.md for the measurements behind this choice):

- embeddings are precomputed by ``embed`` and passed in (no hub, no re-embedding);
- no dimensionality reduction: UMAP costs ~45 s of numba compilation in every
  fresh process and is not reproducible without a seed, while clustering the
  normalised 384-d vectors directly recovers planted themes at least as well;
- KMeans with a seed instead of HDBSCAN: every statement gets a theme (no
  outliers) and the same input gives the same themes;
- c-TF-IDF keywords from BERTopic kept beside a readable label taken from the
  theme's own statements (see ``labels``).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable

import numpy as np

from personas.embed import Embeddings
from personas.labels import theme_labels
from personas.models import Statement, StatementKind, Theme

log = logging.getLogger(__name__)

THEMED_KINDS: tuple[StatementKind, ...] = ("pain", "motivation", "goal")
MIN_STATEMENTS = 8  # fewer statements of a kind than this: no themes for that kind
MAX_THEMES = 15
EXTRA_STOP_WORDS = (
    "name",
    "email",
    "phone",
    "card",
    "url",
    "handle",
    "id",
    "really",
    "just",
    "like",
    "lot",
    "bit",
    "thing",
    "things",
    "good",
    "great",
    "bad",
    "love",
    "hate",
    "ve",
    "ll",
    "don",
    "didn",
    "doesn",
    "isn",
    "wasn",
    "im",
    "got",
    "get",
    "use",
    "using",
    "also",
)


def choose_k(n: int) -> int:
    """Themes for n statements: ~sqrt(n/4), at least 2, at most MAX_THEMES."""
    return max(2, min(MAX_THEMES, round(math.sqrt(n / 4))))


def _vectorizer():  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    stop = sorted(set(ENGLISH_STOP_WORDS) | set(EXTRA_STOP_WORDS))
    return CountVectorizer(
        stop_words=stop,
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z'-]+\b",
    )


def _fit_kind(
    docs: list[str], vectors: np.ndarray, seed: int
) -> tuple[list[int], dict[int, list[str]]]:
    """Cluster one kind's statements; topic per doc and keywords per topic."""
    from bertopic import BERTopic
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.cluster import KMeans

    k = min(choose_k(len(docs)), len(docs))
    model = BERTopic(
        embedding_model=None,
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=KMeans(n_clusters=k, random_state=seed, n_init=4),
        vectorizer_model=_vectorizer(),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        top_n_words=10,
        verbose=False,
    )
    topics, _ = model.fit_transform(docs, embeddings=vectors)
    keywords = {
        int(t): [w for w, _ in (model.get_topic(t) or []) if w]
        for t in sorted(set(int(x) for x in topics))
    }
    return [int(t) for t in topics], keywords


def representatives(
    idx: np.ndarray, vectors: np.ndarray, ids: list[str], texts: list[str], n: int = 5
) -> list[str]:
    """Statement ids closest to the theme centre, skipping near-identical texts."""
    centre = vectors[idx].mean(axis=0)
    order = idx[np.argsort(-(vectors[idx] @ centre), kind="stable")]
    chosen: list[str] = []
    seen: set[str] = set()
    for i in order:
        key = re.sub(r"\W+", " ", texts[i].lower()).strip()
        if key in seen:
            continue
        seen.add(key)
        chosen.append(ids[i])
        if len(chosen) == n:
            break
    return chosen


def fit_themes(
    statements: list[Statement],
    embeddings: Embeddings,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Theme], list[Statement]]:
    """Themes per kind, and the statements with their ``theme_id`` set."""
    if list(embeddings.ids) != [s.statement_id for s in statements]:
        raise ValueError("embeddings are not aligned with statements")
    texts = [s.text for s in statements]
    ids = [s.statement_id for s in statements]
    theme_of: dict[int, str] = {}
    themes: list[Theme] = []
    for kind in THEMED_KINDS:
        idx = np.array([i for i, s in enumerate(statements) if s.kind == kind], dtype=int)
        if len(idx) >= MIN_STATEMENTS:
            topics, keywords = _fit_kind([texts[i] for i in idx], embeddings.vectors[idx], seed)
            sizes = {t: topics.count(t) for t in keywords}
            ranked = sorted(keywords, key=lambda t: (-sizes[t], t))
            members_of = {
                f"{kind}-{rank:02d}": idx[[j for j, t in enumerate(topics) if t == topic]]
                for rank, topic in enumerate(ranked, start=1)
            }
            labels = theme_labels({tid: [texts[i] for i in m] for tid, m in members_of.items()})
            for (theme_id, members), topic in zip(members_of.items(), ranked, strict=True):
                for i in members:
                    theme_of[int(i)] = theme_id
                themes.append(
                    Theme(
                        theme_id=theme_id,
                        kind=kind,
                        label=labels[theme_id],
                        keywords=keywords[topic][:8],
                        size=len(members),
                        representative_ids=representatives(members, embeddings.vectors, ids, texts),
                    )
                )
        if progress is not None:
            progress(1)
    themed = [s.model_copy(update={"theme_id": theme_of.get(i)}) for i, s in enumerate(statements)]
    return themes, themed
