"""What a statement's own text says about its kind: wording, sentiment, meaning.

Three text signals, used by ``classify`` beside the question, source and rating:

- sentiment: VADER (its lexicon ships inside its PyPI package; it handles
  negation, intensifiers and "but") extended with the words customers use to
  judge products and services that VADER does not know ("slow", "clunky",
  "flattering", "overpriced");
- wording: wishes and complaints ("I wish", "could be better", "hard to",
  "lack of") lean pain; first-person intentions ("I want to", "my goal") are goals;
- meaning: cosine similarity of the statement's embedding to short example
  statements of each kind (``KIND_EXAMPLES``), written for customer voice in
  general (retail, services, apps and software), not for one corpus.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from personas.models import StatementKind
from personas.understand.vectorfile import BLOCK, Vectors, blocks

if TYPE_CHECKING:  # both load slowly, so they are imported where used
    from scipy.sparse import csr_matrix
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

KINDS: tuple[StatementKind, ...] = ("pain", "motivation", "goal", "other")

# Valence on VADER's -4..4 scale for judging words VADER lacks or scores too mildly.
LEXICON: dict[str, float] = {
    **dict.fromkeys(("fast", "speedy", "quick", "snappy"), 1.4),
    **dict.fromkeys(("slow", "sluggish", "laggy", "slower"), -1.6),
    **dict.fromkeys(("simple", "simplicity", "straightforward", "consistent"), 1.2),
    **dict.fromkeys(("intuitive", "seamless", "versatile", "versatility", "durable"), 1.8),
    **dict.fromkeys(("useful", "handy", "convenient", "reliable", "robust", "sturdy"), 1.5),
    **dict.fromkeys(("customizable", "customisable", "flexibility", "efficiency"), 1.4),
    **dict.fromkeys(("stylish", "flattering", "chic", "cozy", "cosy", "affordable"), 1.6),
    **dict.fromkeys(("soft", "breathable", "productive", "smooth", "knowledgeable"), 1.3),
    **dict.fromkeys(("favorite", "favourite", "enjoyable", "fun", "recommend"), 1.8),
    **dict.fromkeys(("unintuitive", "counterintuitive", "non-intuitive", "unreliable"), -1.8),
    **dict.fromkeys(("complicated", "convoluted", "inconsistent", "inconsistency"), -1.5),
    **dict.fromkeys(("inconsistencies", "cumbersome", "clunky", "tedious", "hassle"), -1.6),
    **dict.fromkeys(("buggy", "glitchy", "crashes", "crashed", "crashing", "defective"), -1.9),
    **dict.fromkeys(("bug", "bugs", "glitch", "glitches", "quirks", "quirk"), -1.2),
    **dict.fromkeys(("cryptic", "steep", "awkward", "fiddly", "verbose", "obscure"), -1.2),
    **dict.fromkeys(("lacking", "lacks", "outdated", "obsolete", "limitation"), -1.3),
    **dict.fromkeys(("limitations", "inefficient", "unclear", "confusion", "inadequate"), -1.4),
    **dict.fromkeys(("unhelpful", "unresponsive", "overpriced", "unflattering", "flimsy"), -1.8),
    **dict.fromkeys(("expensive", "pricey", "costly", "scratchy", "itchy", "frumpy"), -1.3),
    **dict.fromkeys(("shrank", "shrunk", "pilled", "pilling", "ripped", "frayed"), -1.5),
    **dict.fromkeys(
        ("slowness", "leaked", "leaking", "leaks", "unwearable", "unusable", "shoddy"), -1.8
    ),
    **dict.fromkeys(("boxy", "baggy", "returned", "returning", "hard"), -1.0),
    **dict.fromkeys(("wasted", "broke", "fails", "failed", "frustrating", "nightmare"), -1.8),
}

WISH_RE = re.compile(
    r"\b(?:i|we) wish\b|^wish\b|\bif only\b|\bwould (?:be )?(?:nice|great|good|better|helpful)\b|"
    r"(?:\b(?:i'd|i|we'd|we)|^) ?would (?:like|love|prefer) "
    r"(?:to see|to have|more|if|better|a|an)\b|"
    r"\bcould (?:be|use|do with) (?:better|improved|easier|faster|more|clearer|simpler|much)\b|"
    r"\bshould (?:be|have|make|offer|include)\b|\bneeds? (?:to be|more|better|some)\b|"
    r"\bplease (?:add|make|bring|fix|stop|restock)\b",
    re.I,
)
COMPLAINT_RE = re.compile(
    r"\btoo (?:much|many|few|little|long|slow|hard|complicated|expensive|small|big|large|"
    r"tight|short|thin|low|high)\b|\bnot (?:enough|very|always|as|really|the best|great|good|"
    r"easy|intuitive|clear|consistent|well|worth|flattering|true)\b|"
    r"\b(?:hard|difficult|tricky|impossible|challenging|painful|confusing) to\b|"
    r"\b(?:lack|lacks|absence|shortage) of\b|^(?:missing|lack|lacks|no|not|never)\b|"
    r"\bnot (?:knowing|understanding|being able)\b|\bno (?:way|support|easy|proper|clear|longer)\b|"
    r"\blearning curve\b|\b(?:can'?t|can not|cannot|couldn'?t|unable to|doesn't|don't|won't|"
    r"didn't) (?:\w+ )?(?:work|find|figure|understand|fit|handle)\b|\b(?:have|had) to\b|"
    r"\b(?:problems?|issues?) with\b|\bstruggl|\bnever (?:arrived|came|got)\b|\bstill waiting\b",
    re.I,
)
GOAL_RE = re.compile(
    r"\b(?:i|we)(?:'m| am|'re| are)? (?:want|hope|hoping|trying|plan|planning|aim|aiming|"
    r"looking|intend|would like) to\b|\bmy (?:goal|aim|plan)\b|\bgoal is\b|"
    r"\bso (?:that )?(?:i|we) can\b|^(?:to|get|become|learn|finish|start|keep|stay) \w+",
    re.I,
)

KIND_EXAMPLES: dict[StatementKind, tuple[str, ...]] = {
    "pain": (
        "it is too expensive for what you get",
        "shipping costs too much on small orders",
        "it broke after a few weeks",
        "the material feels cheap",
        "the sizing is inconsistent and it does not fit",
        "delivery was late and my order never arrived",
        "the refund took weeks",
        "customer service was unhelpful",
        "long waits on the phone",
        "the website is confusing and hard to navigate",
        "the app crashes at checkout",
        "it is hard to learn for beginners",
        "the documentation is poor and the instructions are unclear",
        "the error messages are unhelpful",
        "it is slow and uses too much memory",
        "it does not work well with other tools",
        "updates break things",
        "there are too many ways to do the same thing",
        "features I need are missing",
        "it was out of stock in my size",
        "the colour looked different from the photo",
        "it takes too much time and is tedious",
        "hard to find what I need",
        "nobody around me uses it",
        "it is disappointing and frustrating",
    ),
    "motivation": (
        "good value for money",
        "great prices and discounts",
        "it is free",
        "high quality and well made",
        "it lasts for years",
        "comfortable and fits well",
        "stylish design and lovely colours",
        "fast delivery and free returns",
        "friendly and helpful customer service",
        "it is easy to use and intuitive",
        "quick to get started",
        "powerful and flexible, I can do almost anything with it",
        "a huge range to choose from",
        "lots of add-ons and extensions",
        "a welcoming community of helpful people",
        "lots of tutorials and answers online",
        "it saves me time and makes me productive",
        "it works reliably",
        "made from sustainable materials",
        "expert advice I can trust",
        "I love it and enjoy using it",
        "it is fun",
        "the best thing about it",
    ),
    "goal": (
        "I want to get fitter this year",
        "I am hoping to save money",
        "my goal is to finish the project",
        "I plan to travel more",
        "I would like to learn new skills",
        "trying to build a simple wardrobe",
        "to get a better job",
        "I want to spend more time outdoors with my family",
    ),
    "other": (
        "I bought it last week",
        "I am five foot four and ordered a medium",
        "I use it at work",
        "I have been a customer for two years",
        "I heard about it from a friend",
        "I ordered it online",
        "it arrived on Tuesday",
        "I am a student",
    ),
}


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(LEXICON)
    return analyzer


def sentiment(text: str) -> float:
    """Compound sentiment in -1..1 (VADER with the customer-voice lexicon)."""
    return float(_vader().polarity_scores(text)["compound"])


@dataclass(frozen=True)
class KindExamples:
    """Embedded example statements of each kind."""

    kinds: tuple[StatementKind, ...]
    vectors: tuple[np.ndarray, ...]  # one (m, dim) array per kind

    def similarity(self, vectors: Vectors, top: int = 3) -> np.ndarray:
        """(n, kinds) mean cosine of each statement to its ``top`` closest examples per
        kind, a block of ``vectorfile.BLOCK`` statements at a time (the Ray engine's
        vectors are on disk; both engines compute the same blocks)."""
        out = np.zeros((len(vectors), len(self.kinds)), dtype=np.float64)
        for start, block in zip(range(0, len(vectors), BLOCK), blocks(vectors), strict=True):
            rows = slice(start, start + len(block))
            for j, examples in enumerate(self.vectors):
                sims = block @ examples.T
                k = min(top, sims.shape[1])
                out[rows, j] = np.sort(sims, axis=1)[:, -k:].mean(axis=1)
        return out


def embed_examples(encode: Callable[[Sequence[str]], np.ndarray]) -> KindExamples:
    """Embed ``KIND_EXAMPLES`` with the same model as the statements."""
    kinds = tuple(KIND_EXAMPLES)
    flat = [t for k in kinds for t in KIND_EXAMPLES[k]]
    vectors = np.asarray(encode(flat), dtype=np.float32)
    parts: list[np.ndarray] = []
    start = 0
    for k in kinds:
        parts.append(vectors[start : start + len(KIND_EXAMPLES[k])])
        start += len(KIND_EXAMPLES[k])
    return KindExamples(kinds=kinds, vectors=tuple(parts))


WORDS_WEIGHT = 3.0  # TF-IDF columns beside the unit embedding in the corpus classifier
MAX_TRAIN = 20_000  # labelled statements the corpus classifier learns from, at most
WORDS_FIT_SAMPLE = 200_000  # statements the classifier's TF-IDF words are fitted on, at most


@dataclass(frozen=True)
class Words:
    """The corpus's TF-IDF words (see ``_word_features``): every statement's row, kept
    as one matrix when the corpus is within ``WORDS_FIT_SAMPLE``; above it, the
    vectorizer fitted on the sample and the texts, each row made when it is asked for.
    A row depends on its own text alone, so the rows are the same either way; a million
    statements' rows, kept, came to a quarter of a gigabyte (and twice that while they
    were stacked), where the self-training only ever needs a block of them at a time."""

    vectorizer: Any
    texts: Sequence[str]
    matrix: csr_matrix | None = None

    def rows(self, idx: np.ndarray) -> csr_matrix:
        """The TF-IDF rows of statements ``idx``."""
        if self.matrix is not None:
            return self.matrix[idx]
        return self.vectorizer.transform([self.texts[i] for i in idx])


def _word_features(texts: Sequence[str], seed: int = 42) -> Words | None:
    """TF-IDF of the corpus's own words and word pairs, fitted on every statement (on a
    seeded sample of ``WORDS_FIT_SAMPLE`` above that).

    The embedding knows what a statement is about; the corpus's words carry how
    this crowd voices pain and praise ("the tidyverse split", "runs small"), which
    a general model does not. Fitting on all statements (no labels) is transductive
    but not circular: the labels come from other signals. Fitting counts every word
    pair of every text before it keeps the commonest: half a gigabyte at a million
    statements, hence the sample.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=20_000, dtype=np.float32
    )
    try:
        if len(texts) <= WORDS_FIT_SAMPLE:
            return Words(vectorizer, texts, vectorizer.fit_transform(texts))
        rows = np.random.default_rng(seed).choice(len(texts), WORDS_FIT_SAMPLE, replace=False)
        vectorizer.fit([texts[i] for i in np.sort(rows)])
    except ValueError:  # no word occurs twice: the embedding alone
        return None
    return Words(vectorizer, texts)


@dataclass(frozen=True)
class CorpusFeatures:
    """What the corpus classifier sees: the unit embedding and, when the corpus has
    words, its TF-IDF words beside it (``WORDS_WEIGHT``). The rows are put together
    only for the statements asked for: the whole matrix, embeddings as sparse
    columns, would take gigabytes at a million statements."""

    vectors: Vectors
    words: Words | None

    def __len__(self) -> int:
        return len(self.vectors)

    def rows(self, idx: np.ndarray) -> np.ndarray | csr_matrix:
        """The feature rows of statements ``idx`` (the same values, row for row, as
        the rows of the whole matrix)."""
        from scipy import sparse

        block = np.asarray(self.vectors[idx], dtype=np.float32)
        if self.words is None:
            return block
        return sparse.hstack(
            [sparse.csr_matrix(block), WORDS_WEIGHT * self.words.rows(idx)]
        ).tocsr()


def corpus_features(
    vectors: Vectors, texts: Sequence[str] | None = None, seed: int = 42
) -> CorpusFeatures:
    """The corpus classifier's features (see ``CorpusFeatures``): built once per build
    (the TF-IDF words are fitted on every statement, or a seeded sample of a big
    corpus's) and shared by every round of self-training."""
    words = _word_features(texts, seed) if texts is not None else None
    return CorpusFeatures(vectors, words)


def corpus_classifier(
    features: CorpusFeatures,
    labels: Sequence[str | None],
    seed: int,
    min_per_kind: int = 10,
) -> tuple[tuple[str, ...], np.ndarray] | None:
    """Train a small classifier on the statements already labelled; predict every statement.

    ``features`` come from :func:`corpus_features`. At most ``MAX_TRAIN`` labelled
    statements are learned from (a seeded sample), so a big corpus costs no more to
    train than a mid-sized one; every statement is then predicted, a block of
    ``vectorfile.BLOCK`` at a time. Returns the classes and (n, classes)
    log-probabilities, or None when fewer than two kinds have ``min_per_kind``
    labelled statements.
    """
    from sklearn.linear_model import LogisticRegression

    counts = Counter(labels)
    classes = tuple(k for k in KINDS if counts[k] >= min_per_kind)
    if len(classes) < 2:
        return None
    keep = np.fromiter((i for i, lab in enumerate(labels) if lab in classes), dtype=int)
    if len(keep) > MAX_TRAIN:
        keep = np.sort(np.random.default_rng(seed).choice(keep, MAX_TRAIN, replace=False))
    model = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced", random_state=seed)
    model.fit(features.rows(keep), [labels[i] for i in keep])
    order = [list(model.classes_).index(k) for k in classes]
    n = len(features)
    logp = np.zeros((n, len(order)))
    for start in range(0, n, BLOCK):
        block = features.rows(np.arange(start, min(start + BLOCK, n)))
        logp[start : start + BLOCK] = model.predict_log_proba(block)[:, order]
    return classes, logp
