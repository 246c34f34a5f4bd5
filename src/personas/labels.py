"""Readable theme labels: the phrase people in a theme actually use.

Candidates come from the theme's own statements. With spaCy's tagger they are
phrases a marketer would write: noun phrases ("delivery charges"), a noun
phrase with its complement ("shipping costs on small orders", "lack of
documentation"), "easy to use" and "runs small" shapes; without it, every
1–4 word span that starts and ends on a content word. A whole statement of
two to four words ("worth every penny") is a candidate too.

Each candidate is scored by how many of the theme's statements say it
(coverage: all its content words appear), how specific it is to the theme
against the kind's other themes, a bonus for longer phrases that are still
widely used, and — when the embedding model is at hand — how close the phrase
is to the theme's centre. Labels are unique within a kind; a lone word is
paired with the next best word ("sizing & returns") when nothing longer fits.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Set as AbstractSet
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

TOKEN_RE = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
PLACEHOLDER_RE = re.compile(r"\[[A-Z]+\]")
MAX_WORDS = 4
# Filler words: never the first or last word of a label ("people", "many" included).
GENERIC: frozenset[str] = frozenset(
    " ".join(
        (
            "absolutely ago also anything bit bought buy could day days definitely did didn't",
            "different don't even everything extremely fine get glad good got great happy",
            "highly i'm im it's just kind like ll lot lots love make makes many month months",
            "much new nothing ok okay one ones order ordered other others overall part people",
            "person pleased pretty quite really so something sort still stuff super sure",
            "thing things time times totally use using usually ve very way ways week weeks",
            "well would year years",
            "item items purchase purchased purchases purchasing retailer retailers",
        )
    ).split()
)
STOP = frozenset(ENGLISH_STOP_WORDS) | frozenset(GENERIC)
NOUNS = frozenset({"NOUN", "PROPN"})
COPULAS = frozenset({"is", "was", "are", "were", "feels", "felt", "seems", "seemed", "looks"})
ARTICLES = frozenset({"the", "a", "an"})
NEGATIONS = frozenset({"no", "not", "never", "without"})  # "no complaints" is no label
LINKS = frozenset({"of", "on", "for", "with", "in", "at", "from", "about", "between"})
MIN_PHRASE_COVERAGE = 0.1  # a longer phrase earns its bonus only if this share of the theme uses it
AROUND = 0.1  # a phrase around the best word wins if it scores this share of the word
SAYING = 0.4  # a short statement around a lone best word wins if it scores this share


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(PLACEHOLDER_RE.sub(" ", text.lower()).replace("’", "'"))


def stem(word: str) -> str:
    """Singular enough to match "size" with "sizes" and "battery" with "batteries"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def phrases(text: str) -> set[str]:
    """Every 1–4 word phrase of the text that starts and ends on a content word."""
    toks = tokens(text)
    out: set[str] = set()
    for i, first in enumerate(toks):
        if first in STOP or len(first) < 3:
            continue
        for n in range(1, MAX_WORDS + 1):
            if i + n > len(toks):
                break
            last = toks[i + n - 1]
            if last not in STOP and len(last) >= 3:
                out.add(" ".join(toks[i : i + n]))
    return out


def whole_statement(text: str) -> str | None:
    """A short statement as a label candidate: "worth every penny", "split at the seam".

    People often say a theme's idea in a few words of their own; the tagger's
    noun-phrase shapes miss such sayings, and the lone word they share ("worth")
    is no label. Negated sayings ("not like the pics") are left out: a label
    names the thing, the kind says whether it pleases."""
    toks = tokens(text)
    if not 2 <= len(toks) <= MAX_WORDS or not (_content(toks[0]) and _content(toks[-1])):
        return None
    if any(t in NEGATIONS or t.endswith("n't") for t in toks):
        return None
    if len(toks) > 2 and not any(t in STOP for t in toks):
        return None  # a list of words ("weight, materials, HH"), not a saying
    return " ".join(toks)


def _content(word: str) -> bool:
    return word not in STOP and len(word) >= 3 and word.isalpha()


def tagged_phrases(doc: Any) -> set[str]:
    """Phrase candidates of one tagged spaCy doc, lower case as written."""
    toks = [t for t in doc if not t.is_space]
    low = [t.text.lower().replace("’", "'") for t in toks]
    pos = [t.pos_ for t in toks]
    out: set[str] = set()
    spans: list[tuple[int, int]] = []  # noun phrases [start, end)
    for end in range(1, len(toks) + 1):
        if pos[end - 1] not in NOUNS or not _content(low[end - 1]):
            continue
        start = end - 1
        while start > 0 and end - start < MAX_WORDS and pos[start - 1] in NOUNS | {"ADJ"}:
            start -= 1
        run = start
        while run > 0 and pos[run - 1] in NOUNS | {"ADJ", "DET"} and low[run - 1] not in NEGATIONS:
            run -= 1
        if run > 0 and low[run - 1] in NEGATIONS:
            continue
        for s in range(start, end):
            if _content(low[s]):
                out.add(" ".join(low[s:end]))
                spans.append((s, end))
    for s, e in spans:
        # noun phrase + "of/on/for ..." + noun phrase: "shipping costs on small orders"
        j = e + (e < len(low) and low[e] in LINKS)
        if j == e:
            continue
        if j < len(low) and pos[j] == "DET":
            if low[j] not in ARTICLES:
                continue  # "fit of this dress" is no label
            j += 1
        for s2, e2 in spans:
            if s2 == j and (e2 - s2) + (e - s) <= MAX_WORDS + 1:
                out.add(" ".join(low[s:e2]))
    for i in range(len(toks) - 2):  # "the fabric is (too) thin" -> "thin fabric"
        if pos[i] not in NOUNS or low[i + 1] not in COPULAS or not _content(low[i]):
            continue
        j = i + 2
        while j < len(toks) - 1 and j < i + 4 and pos[j] == "ADV":
            j += 1
        if pos[j] == "ADJ" and _content(low[j]) and (j + 1 == len(toks) or pos[j + 1] not in NOUNS):
            out.add(f"{low[j]} {low[i]}")
    for i in range(len(toks) - 2):  # "easy to use", "hard to find"
        if pos[i] == "ADJ" and low[i + 1] == "to" and pos[i + 2] == "VERB" and _content(low[i]):
            out.add(" ".join(low[i : i + 3]))
    for i in range(len(toks) - 1):  # "runs small", "fits perfectly", "fell apart"
        before_noun = i + 2 < len(toks) and pos[i + 2] in NOUNS
        verb_and = pos[i] == "VERB" and pos[i + 1] in {"ADV", "ADJ"}
        if verb_and and _content(low[i + 1]) and not before_noun:
            out.add(f"{low[i]} {low[i + 1]}")
    return out


def _score(cov: float, outside: float, words: int) -> float:
    bonus = 1.0 + 0.35 * (words - 1) if cov >= MIN_PHRASE_COVERAGE else 1.0
    return cov * (cov / (cov + outside + 1e-9)) * bonus


def theme_labels(
    docs_by_theme: dict[str, list[str]],
    vectors_by_theme: dict[str, np.ndarray] | None = None,
    tagger: Any = None,
) -> dict[str, str]:
    """A unique readable label for each theme of one kind (theme id -> label).

    ``vectors_by_theme`` (unit embeddings aligned with the docs) rank a phrase
    by how central the statements that say it are to their theme."""
    ids = list(docs_by_theme)
    all_docs = [d for t in ids for d in docs_by_theme[t]]
    if tagger is not None:
        cands = [tagged_phrases(doc) for doc in tagger.pipe(all_docs, batch_size=128)]
    else:
        cands = [phrases(d) for d in all_docs]
    words = [{stem(w) for w in tokens(d)} for d in all_docs]
    owner = [t for t in ids for _ in docs_by_theme[t]]
    # coverage counts: a statement "says" a phrase when it has all of the phrase's content words
    key = {p: frozenset(stem(w) for w in p.split() if _content(w)) for c in cands for p in c}
    surface: dict[frozenset[str], Counter[str]] = defaultdict(Counter)
    for c in cands:
        for p in c:
            if key[p]:
                surface[key[p]][p] += 1
    # whole short statements name only what no phrase names already (their own words)
    sayings: set[str] = set()
    said: dict[frozenset[str], Counter[str]] = defaultdict(Counter)
    for short in filter(None, map(whole_statement, all_docs)):
        k = frozenset(stem(w) for w in short.split() if _content(w))
        if len(k) >= 2 and k not in surface:
            said[k][short] += 1
    for k, forms in said.items():
        surface[k] = forms
        sayings.add(forms.most_common(1)[0][0])
    postings: dict[str, set[int]] = defaultdict(set)
    for i, w in enumerate(words):
        for word in w:
            postings[word].add(i)
    saying = {k: set.intersection(*(postings.get(word, set()) for word in k)) for k in surface}
    counts: dict[str, Counter[frozenset[str]]] = {t: Counter() for t in ids}
    for k, rows in saying.items():
        for i in rows:
            counts[owner[i]][k] += 1
    total: Counter[frozenset[str]] = Counter()
    for c in counts.values():
        total.update(c)
    vectors = np.vstack([vectors_by_theme[t] for t in ids]) if vectors_by_theme else None
    start = {t: sum(len(docs_by_theme[u]) for u in ids[: ids.index(t)]) for t in ids}
    n_all = len(all_docs)
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for theme_id in sorted(ids, key=lambda t: (-len(docs_by_theme[t]), t)):
        n = len(docs_by_theme[theme_id])
        rest = max(n_all - n, 1)
        need = 2 if n >= 6 else 1
        keys = [k for k, c in counts[theme_id].items() if c >= need]
        keys = keys or list(counts[theme_id])  # a small theme where nothing is said twice
        scored = {
            k: _score(counts[theme_id][k] / n, (total[k] - counts[theme_id][k]) / rest, len(k))
            for k in keys
        }
        if vectors is not None and keys:
            lo, hi = start[theme_id], start[theme_id] + n
            centre = vectors[lo:hi].mean(axis=0)
            centre /= np.linalg.norm(centre) or 1.0
            for k in keys:
                rows = [i for i in saying[k] if lo <= i < hi]
                said = vectors[rows].mean(axis=0)
                scored[k] *= max(float(said @ centre) / (np.linalg.norm(said) or 1.0), 0.05)
        written = Counter(t for d in docs_by_theme[theme_id] for t in tokens(d))
        shown = {_surface(k, surface[k], written): v for k, v in scored.items()}
        ranked = sorted(shown, key=lambda p: (-shown[p], p))
        scored = shown  # type: ignore[assignment]
        label = _pick(ranked, scored, taken, sayings) or _said_most(docs_by_theme[theme_id], taken)
        taken.add(label)
        labels[theme_id] = tidy(label)
    return labels


def _surface(key: frozenset[str], forms: Counter[str], written: Counter[str]) -> str:
    """How a label reads: the phrase as people wrote it most often; a lone word in the
    form this theme's own statements use ("tight" in a theme about tight fits, though
    "tights" is the noun phrase the tagger found elsewhere for the same stem)."""
    form = forms.most_common(1)[0][0]
    if len(key) == 1 and " " not in form:
        word = next(iter(key))
        here = [(c, t) for t, c in written.items() if stem(t) == word and _content(t)]
        if here:
            count, most = max(here)
            if count >= 2 * written.get(form, 0):
                return most
    return form


def _pick(
    ranked: list[str],
    scores: dict[str, float],
    taken: set[str],
    sayings: AbstractSet[str] = frozenset(),
) -> str:
    """The best phrase not taken; a lone word gives way to a phrase around it (or to
    any good phrase) that people use nearly as much. A whole short statement
    (``sayings``) only ever stands in for a lone word it contains: "worth" becomes
    "worth every penny", while "variety of packages" stays ahead of a saying like
    "community and packages"."""
    phrases_ = [p for p in ranked if p not in sayings]
    for i, best in enumerate(phrases_[:12]):
        label = best
        if " " not in best:
            longer = [p for p in phrases_[i + 1 : i + 25] if " " in p]
            around = next((p for p in longer if stem(best) in map(stem, p.split())), None)
            said = next(
                (p for p in ranked if p in sayings and stem(best) in map(stem, p.split())), None
            )
            if around and scores[around] >= AROUND * scores[best]:
                label = around
            elif longer and scores[longer[0]] >= 0.5 * scores[best]:
                label = longer[0]
            elif said and scores[said] >= SAYING * scores[best]:
                label = said
        if label not in taken:
            return label
    return phrases_[0] if phrases_ and phrases_[0] not in taken else ""


def _said_most(docs: list[str], taken: set[str]) -> str:
    """For a theme with no content words ("Love it!"): its most common short statement."""
    said = Counter(" ".join(tokens(d)) for d in docs if 0 < len(tokens(d)) <= MAX_WORDS)
    for text, _ in sorted(said.items(), key=lambda x: (-x[1], x[0])):
        if text not in taken:
            return text
    return f"theme {len(taken) + 1}"


def tidy(label: str) -> str:
    """Sentence case, with a capital I."""
    label = re.sub(r"\bi\b", "I", label)
    return label[:1].upper() + label[1:]
