"""Discover themes per statement kind with BERTopic.

BERTopic is assembled from small, fast, deterministic parts (see
docs/ARCHITECTURE.md for the measurements behind this choice):

- embeddings are precomputed by ``embed`` and passed in (no hub, no re-embedding);
- no dimensionality reduction: UMAP costs ~45 s of numba compilation in every
  fresh process and is not reproducible without a seed;
- clustering is ``clusters.cluster_statements`` (Ward on a seeded sample, guided by the
  seed taxonomy, near-duplicates merged, small themes folded, statements far
  from every theme left unthemed), handed to BERTopic as fixed labels;
- c-TF-IDF keywords from BERTopic kept beside a readable label taken from the
  theme's own statements (``labels``) or the seed theme's name;
- representative statements: near the theme's centre, diverse, not toxic and
  without a redacted placeholder.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from personas.models import Statement, StatementKind, Theme
from personas.understand.clusters import Assign, cluster_statements, fit_sample_size, nearest_themes
from personas.understand.embed import Embeddings
from personas.understand.labels import has_mask, language_stop_words, theme_labels, tidy, unmask
from personas.understand.statementtable import (
    Picked,
    StatementTable,
    ids_of,
    same_strings,
    texts_of,
)
from personas.understand.vectorfile import Vectors, dot_rows, mean_rows, take

if TYPE_CHECKING:  # scikit-learn loads slowly, so it is imported where used
    from sklearn.feature_extraction.text import CountVectorizer

log = logging.getLogger(__name__)

THEMED_KINDS: tuple[StatementKind, ...] = ("pain", "motivation", "goal")
MIN_STATEMENTS = 8  # fewer statements of a kind than this: no themes for that kind
KEYWORD_SAMPLE = 100_000  # statements of a kind its keywords are counted in, at most
KEYWORD_FLOOR = 50  # statements of each theme among them, at least (or all it has)
LABEL_SAMPLE = 80  # statements per theme (closest to its centre) that labels are drawn from
EXTRA_STOP_WORDS = frozenset(
    [
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
    ]
)
Encoder = Callable[[Sequence[str]], np.ndarray]


def _vectorizer(extra: frozenset[str] = frozenset()) -> CountVectorizer:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    stop = sorted(set(ENGLISH_STOP_WORDS) | set(EXTRA_STOP_WORDS) | extra)
    return CountVectorizer(
        stop_words=stop,
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b[^\W\d_](?:[^\W\d_]|['-])+\b",  # any alphabet: "análisis"
        preprocessor=keyword_text,
    )


_NOT_WORD = re.compile(r"[^\w\s]+")


def keyword_text(text: str) -> str:
    """What c-TF-IDF counts words in: the text lower-cased, masks and placeholders
    dropped ("[HANDLE]", "XXXX", "{$12.00}" are not words), and punctuation removed as
    BERTopic's English preprocessing does ("don't" → "dont") but keeping every
    alphabet's letters ("análisis", which BERTopic's ASCII-only rule cuts to "anlisis")."""
    return _NOT_WORD.sub("", unmask(text).lower())


def keywords_of(docs: Sequence[str], labels: np.ndarray) -> dict[int, list[str]]:
    """c-TF-IDF keywords per theme, from BERTopic fitted on the fixed theme labels. Its
    keywords come from the words alone (no UMAP, no clustering, no representation model
    here): the embeddings it asks for only make its topic vectors, which nothing reads,
    so it gets a column of ones rather than a copy of every vector of the kind."""
    import_bertopic()
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer

    model = BERTopic(
        embedding_model=None,
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=_vectorizer(language_stop_words(docs)),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        top_n_words=10,
        language="multilingual",  # no ASCII-only preprocessing: keyword_text does it
        verbose=False,
    )
    # masks go before BERTopic strips punctuation ("[HANDLE]" would become "HANDLE")
    ones = np.ones((len(docs), 1), dtype=np.float32)
    model.fit([keyword_text(d) for d in docs], embeddings=ones, y=labels)
    # BERTopic renumbers topics by size: map each of our labels to its topic.
    assigned = np.asarray(model.topics_)
    out: dict[int, list[str]] = {}
    for t in sorted({int(x) for x in labels if x >= 0}):
        topic = int(np.bincount(assigned[labels == t] + 1).argmax()) - 1
        out[t] = [w for w, _ in (model.get_topic(topic) or []) if w]
    return out


def keyword_sample(labels: np.ndarray, seed: int) -> np.ndarray:
    """The statements of a kind (positions in ``labels``) that its themes' keywords are
    counted in: all of them up to ``KEYWORD_SAMPLE``, above it a seeded sample of that
    many plus the first ``KEYWORD_FLOOR`` of every theme (a small theme is never left
    without words). Counting every word pair of 600,000 statements took 0.3 GB."""
    if len(labels) <= KEYWORD_SAMPLE:
        return np.arange(len(labels))
    rows = np.random.default_rng(seed).choice(len(labels), KEYWORD_SAMPLE, replace=False)
    floors = [np.flatnonzero(labels == t)[:KEYWORD_FLOOR] for t in np.unique(labels[labels >= 0])]
    return np.unique(np.concatenate([rows, *floors]))


def representatives(
    idx: np.ndarray, vectors: Vectors, ids: Sequence[str], texts: Sequence[str], n: int = 5
) -> list[str]:
    """Statement ids near the theme centre and unlike each other (maximal marginal
    relevance), skipping toxic ones and ones with a redaction placeholder; one with a
    mask another tool left ("XXXX", "***") comes after every clean one."""
    from personas.privacy.toxicity import is_toxic
    from personas.understand.redact import PLACEHOLDER_RE

    centre = mean_rows(vectors, idx)
    closeness = dot_rows(vectors, idx, centre)
    order = np.argsort(-closeness, kind="stable")
    pool = [
        j
        for j in order[: max(10 * n, 50)]
        if not PLACEHOLDER_RE.search(texts[idx[j]]) and not is_toxic(texts[idx[j]])
    ]
    readable = [j for j in pool if 4 <= len(texts[idx[j]].split()) <= 40]
    pool = readable if len(readable) >= n else pool
    chosen: list[int] = []
    seen: set[str] = set()
    while pool and len(chosen) < n:
        if chosen:
            redundancy = (vectors[idx[pool]] @ vectors[idx[chosen]].T).max(axis=1)
        else:
            redundancy = np.zeros(len(pool))
        masked = np.array([has_mask(texts[idx[j]]) for j in pool], dtype=float)
        gain = 0.7 * closeness[pool] - 0.3 * redundancy - 2.0 * masked
        j = pool.pop(int(np.argmax(gain)))
        key = re.sub(r"\W+", " ", texts[idx[j]].lower()).strip()
        if key not in seen:
            seen.add(key)
            chosen.append(j)
    return [ids[idx[j]] for j in chosen]


def _guides(taxonomy: Sequence[Any], kind: str, encode: Encoder | None) -> list[tuple[str, Any]]:
    seeds = [t for t in taxonomy if t.kind in (None, kind)]
    if not seeds or encode is None:
        return []
    return [(t.name, np.asarray(encode(t.examples)).mean(axis=0)) for t in seeds]


def fit_themes(
    statements: Sequence[Statement],
    embeddings: Embeddings,
    seed: int,
    progress: Callable[[int], None] | None = None,
    taxonomy: Sequence[Any] = (),
    encode: Encoder | None = None,
    tagger: Any = None,
    sample: int | None = None,
    assign: Assign = nearest_themes,
    in_place: bool = False,
) -> tuple[list[Theme], Sequence[Statement], dict[str, int]]:
    """Themes per kind, the statements with their ``theme_id`` set, and counts of
    themed and unthemed statements. ``taxonomy`` holds seed themes (``SeedTheme``);
    ``sample`` caps the statements of a kind the themes are fitted on (default
    ``clusters.FIT_SAMPLE``); a kind that had more says so in the counts. ``assign``
    gives every statement its nearest theme (this process, or the Ray engine's workers).
    ``in_place`` sets ``theme_id`` on the statements given instead of on copies."""
    table = statements if isinstance(statements, StatementTable) else None
    texts, ids = texts_of(statements), ids_of(statements)
    kinds = table.kinds() if table is not None else [s.kind for s in statements]
    if not same_strings(embeddings.ids, ids):
        raise ValueError("embeddings are not aligned with statements")
    if encode is None and any(k in THEMED_KINDS for k in kinds):
        from personas.understand.embed import encode as model_encode

        encode = model_encode
    if tagger is None:
        tagger = load_tagger()
    theme_of = np.full(len(statements), -1, dtype=np.int32)  # index into ``themes``
    themes: list[Theme] = []
    counts = {"statements_themed": 0, "statements_unthemed": 0}
    for kind in THEMED_KINDS:
        idx = np.fromiter((i for i, k in enumerate(kinds) if k == kind), dtype=int)
        if len(idx) >= MIN_STATEMENTS:
            found = _fit_kind(
                kind, idx, texts, ids, embeddings.vectors, seed, taxonomy, encode, tagger,
                fitting=(sample, assign),
            )  # fmt: skip
            cap = fit_sample_size(sample)
            if len(idx) > cap:
                counts[f"{kind}_themes_fitted_on_statements"] = cap
            for theme, members in found:
                theme_of[members] = len(themes)
                themes.append(theme)
            themed = sum(len(m) for _, m in found)
            counts["statements_themed"] += themed
            counts["statements_unthemed"] += len(idx) - themed
        else:
            counts["statements_unthemed"] += len(idx)
        if progress is not None:
            progress(1)
    named = [t.theme_id for t in themes]
    if in_place and table is not None:  # the build's statements: set their column
        table.set_column("theme_id", [named[t] if t >= 0 else None for t in theme_of.tolist()])
        return themes, table, counts
    if in_place:
        for s, t in zip(statements, theme_of.tolist(), strict=True):
            s.theme_id = named[t] if t >= 0 else None
        return themes, statements, counts
    out = [
        s.model_copy(update={"theme_id": named[t] if t >= 0 else None})
        for s, t in zip(statements, theme_of.tolist(), strict=True)
    ]
    return themes, out, counts


def _fit_kind(
    kind: StatementKind,
    idx: np.ndarray,
    texts: Sequence[str],
    ids: Sequence[str],
    vectors: Vectors,
    seed: int,
    taxonomy: Sequence[Any],
    encode: Encoder | None,
    tagger: Any,
    fitting: tuple[int | None, Assign] = (None, nearest_themes),
) -> list[tuple[Theme, np.ndarray]]:
    vecs = take(vectors, idx)  # the Ray engine's vector file: a view, read in blocks
    guides = _guides(taxonomy, kind, encode)
    centres_in = np.vstack([g for _, g in guides]) if guides else None
    if centres_in is not None:
        centres_in = centres_in / np.linalg.norm(centres_in, axis=1, keepdims=True)
    clustering = cluster_statements(vecs, seed, centres_in, *fitting)
    labels = clustering.labels
    rows = keyword_sample(labels, seed)
    keywords = keywords_of(Picked(texts, idx[rows]), labels[rows])  # read twice, never held
    sizes = np.bincount(labels[labels >= 0], minlength=len(clustering.centres))
    ranked = [int(t) for t in sorted(range(len(sizes)), key=lambda t: (-sizes[t], t)) if sizes[t]]
    members = {f"{kind}-{r:02d}": idx[labels == t] for r, t in enumerate(ranked, start=1)}
    topic_of = dict(zip(members, ranked, strict=True))
    centres = {tid: clustering.centres[t] for tid, t in topic_of.items()}
    named = {
        tid: tidy(guides[clustering.seed_of[t]][0])
        for tid, t in topic_of.items()
        if t in clustering.seed_of
    }
    near = {
        tid: m[np.argsort(-dot_rows(vectors, m, centres[tid]), kind="stable")[:LABEL_SAMPLE]]
        for tid, m in members.items()
    }
    labels_by_id = theme_labels(
        {tid: [texts[i] for i in m] for tid, m in near.items()},
        {tid: vectors[m] for tid, m in near.items()},
        tagger,
        {tid: keywords.get(topic_of[tid], []) for tid in members},
    )
    found = []
    for tid, m in members.items():
        topic = topic_of[tid]
        theme = Theme(
            theme_id=tid,
            kind=kind,
            label=named.get(tid, labels_by_id[tid]),
            keywords=keywords.get(topic, [])[:8],
            size=len(m),
            representative_ids=representatives(m, vectors, ids, texts),
        )
        found.append((theme, m))
    return found


def import_bertopic() -> None:
    """Import BERTopic without UMAP, which these themes never use.

    BERTopic's plotting module imports UMAP when it can (``try: from umap import
    UMAP``), and UMAP brings numba and pynndescent: 0.9 of the 1.4 s that importing
    BERTopic takes on the 2-core machine, paid on every build. While BERTopic is
    imported, ``umap`` is marked missing in ``sys.modules`` (so those ``try`` blocks
    take their fallback, which only BERTopic's UMAP plots notice) and unmarked after,
    so anything else may still import it."""
    if "bertopic" in sys.modules:
        return
    blocked = "umap" not in sys.modules
    if blocked:
        sys.modules["umap"] = None  # type: ignore[assignment]  # makes ``import umap`` fail
    try:
        import bertopic  # noqa: F401
    finally:
        if blocked and sys.modules.get("umap", False) is None:  # still the mark, not UMAP
            sys.modules.pop("umap")


@lru_cache(maxsize=1)
def load_tagger() -> Any:
    """spaCy's packaged tagger (no parser, NER nor lemmatizer) for label phrases, or None."""
    from personas.understand.prepare import SPACY_PACKAGE

    try:
        module = __import__(SPACY_PACKAGE)
        return module.load(exclude=["parser", "ner", "senter", "lemmatizer"])  # POS only
    except (ImportError, OSError):
        log.warning(
            "spaCy pipeline %s not available: theme labels use plain word spans", SPACY_PACKAGE
        )
        return None
