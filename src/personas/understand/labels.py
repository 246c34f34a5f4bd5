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
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

TOKEN_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])*[^\W\d_]|[^\W\d_]")  # any alphabet
# Masks are not words. Our own redaction placeholders ("[NAME]", "[URL]", ...) and the
# masks other tools leave in exports: "XXXX", "XX/XX/2019", "***", "****1234", "{$12.00}",
# "<redacted>", "[redacted]", "[CUSTOMER NAME]", "<PERSON>", Excel's "#NAME?".
MASK_RE = re.compile(
    "|".join(
        (
            r"\[(?:EMAIL|PHONE|CARD|ADDRESS|URL|HANDLE|ID|NAME)\]",  # ours, any case
            r"(?<![A-Za-z0-9])(?:[xX]{1,4}[/.-]){1,2}(?:[xX]{2,4}|\d{2,4})(?![A-Za-z0-9])",
            r"(?<![A-Za-z0-9])(?:[xX]{2,}|[xX]{3,}\d+)(?![A-Za-z])",  # XXXX, xxxx, XXXX1234
            r"(?<![A-Za-z])\*{3,}\d*|\*+\d{2,}",  # ***, ****1234 (not "f***")
            r"\{\$?[\d.,]+\}",  # {$12.00}
            r"\{(?:link|url|name|user|username|email|phone|mention|handle|number|date)\}",
            r"[<\[(]\s*(?:redacted|removed|deleted|masked|hidden|censored|anonymi[sz]ed|pii)"
            r"[^>\])]{0,20}[>\])]",
            r"(?-i:[<\[][A-Z][A-Z_ ]{1,24}[>\]])",  # [CUSTOMER NAME], <PERSON>
            r"#(?:NAME|VALUE|REF|N/A|NUM|NULL|DIV/0)[?!]?",
            r"[█▇■]+",
        )
    ),
    re.IGNORECASE,
)
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
# Stop words of the language a kind's statements are written in, when it is not English
# (set by ``theme_labels`` for its call: "Que los" and "Comunidad que" are no labels).
_LANGUAGE_STOP: ContextVar[frozenset[str]] = ContextVar("language_stop", default=frozenset())
OTHER_LANGUAGES = ("es", "fr", "de", "pt", "it", "nl")
MIN_LANGUAGE_SHARE = 0.15
# English statements have a third or more of their words in the English stop list (the
# R survey, reviews and tweets 0.3-0.5); Spanish ones about 0.1.
ENGLISH_SHARE = 0.25


def is_stop(word: str) -> bool:
    """A function or filler word: English, ours, or the statements' own language's."""
    return word in STOP or word in _LANGUAGE_STOP.get()


@lru_cache(maxsize=8)
def _stop_words(language: str) -> frozenset[str]:
    from importlib import import_module

    return frozenset(import_module(f"spacy.lang.{language}.stop_words").STOP_WORDS)


def language_stop_words(texts: Sequence[str]) -> frozenset[str]:
    """spaCy's stop words for the texts' language when most of their function words are
    Spanish, French, German, Portuguese, Italian or Dutch rather than English; empty
    for English (or too little text to tell)."""
    toks = [t for text in texts[:2000] for t in tokens(text)]
    if len(toks) < 50:
        return frozenset()
    english = sum(t in ENGLISH_STOP_WORDS for t in toks) / len(toks)
    if english >= ENGLISH_SHARE:  # plainly English: no need to load other languages' lists
        return frozenset()
    try:
        shares = {
            lang: sum(t in _stop_words(lang) for t in toks) / len(toks) for lang in OTHER_LANGUAGES
        }
    except ImportError:  # spaCy's language data missing: English only
        return frozenset()
    best = max(OTHER_LANGUAGES, key=lambda lang: (shares[lang], lang))
    if shares[best] > max(english, MIN_LANGUAGE_SHARE):
        return _stop_words(best) - frozenset(GENERIC)
    return frozenset()


# Words that name a topic, a courtesy or a filler, not a problem or a reason: no label
# on their own ("Flight", "Names", "Information", "Thank", "Able to get", "Cant help").
LONE_GENERIC: frozenset[str] = frozenset(
    " ".join(
        (
            "able answer anyone app apps asked ask bad business call called cant can't company",
            "dont everyone experience guy guys help hey hello hi info",
            "information issue issues lol look need needed name names please problem problems",
            "question questions reason response someone",
            "sorry tell thank thanks today told tomorrow tonight try tried want",
            "wanted work worked works yes yesterday minute minutes hour hours second seconds",
            "cause rt via amp http https www com theme",  # "Theme 2" is no label either
            "mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday",
            "sunday jan feb mar apr jun jul aug sep sept oct nov dec january february march",
            "april june july august september october november december",
        )
    ).split()
)
# Topics: no label alone ("Flight", "Service"), but two of them name a reason
# ("Quality for the price").
TOPICS: frozenset[str] = frozenset(
    " ".join(
        (
            "airline app apps business company experience flight flights hotel info",
            "information money place price prices product products quality room service",
            "services store support value food staff stay trip order delivery customer customers",
        )
    ).split()
)
# Places and brands known without context; theme_labels also learns them from how a
# theme's statements write a word (capitalised mid-sentence).
KNOWN_NAMES = frozenset(
    ["nyc", "usa", "uk", "us", "la", "sf", "dc", "eu", "uae", "lax", "jfk", "lhr"]
)
# Words our placeholders leave when a tool lower-cases "[HANDLE]": "Handle url" is no label.
PLACEHOLDER_WORDS = frozenset(
    ["address", "card", "email", "handle", "id", "name", "names", "phone", "url"]
)
GENERIC_SHARE = 0.15  # a word said by this share of a theme's statements ...
GENERIC_THEMES = 0.34  # ... in a third of a kind's themes (3 or more) says nothing there
NOUNS = frozenset({"NOUN", "PROPN"})
COPULAS = frozenset({"is", "was", "are", "were", "feels", "felt", "seems", "seemed", "looks"})
ARTICLES = frozenset({"the", "a", "an"})
NEGATIONS = frozenset({"no", "not", "never", "without"})  # "no complaints" is no label
LINKS = frozenset({"of", "on", "for", "with", "in", "at", "from", "about", "between"})
MIN_PHRASE_COVERAGE = 0.1  # a longer phrase earns its bonus only if this share of the theme uses it
AROUND = 0.1  # a phrase around the best word wins if it scores this share of the word
SAYING = 0.4  # a short statement around a lone best word wins if it scores this share


def unmask(text: str, sep: str = " ") -> str:
    """The text with every mask and placeholder replaced by ``sep``."""
    return MASK_RE.sub(sep, text)


def has_mask(text: str) -> bool:
    """True when the text holds a mask or a placeholder (``MASK_RE``)."""
    return MASK_RE.search(text) is not None


def tokens(text: str) -> list[str]:
    """Lower-case words of the text; masks and placeholders are not words."""
    return TOKEN_RE.findall(unmask(text).lower().replace("’", "'"))


def label_problems(
    label: str, names: AbstractSet[str] = frozenset(), generic: AbstractSet[str] = frozenset()
) -> list[str]:
    """Why a label is no label a marketer would write; empty when it is fine.

    Public for the benchmark's "label hygiene" count. Reasons, in this order:
    "mask or placeholder" (``MASK_RE``: "[NAME]", "XXXX", "***", "<redacted>", ...),
    "profanity" (``toxicity.is_toxic``), "lone generic word" (no word left beyond
    filler words like "names", "thank" (``LONE_GENERIC``) and one topic word like
    "flight" (``TOPICS``; two of them name a reason: "Quality for the price"), or
    ``generic``, stems the caller knows say nothing in its corpus) and "place or brand
    alone" (every word a name: ``KNOWN_NAMES`` or ``names``, lower-case words the caller
    knows to be proper nouns). A label made only of the words our placeholders leave
    ("Handle url") counts as a placeholder."""
    from personas.privacy.toxicity import is_toxic

    out: list[str] = []
    words = [w.strip("'-") for w in tokens(label)]
    content = [w for w in words if w and not is_stop(w) and len(w) > 1]
    vague = LONE_GENERIC | TOPICS | generic
    specific = [w for w in content if w not in vague and stem(w) not in vague]
    topics = {stem(w) for w in content if w in TOPICS or stem(w) in TOPICS}
    specific = specific if any(len(w) > 2 for w in specific) else []  # "Rt at ft"
    leftovers = specific and all(w in PLACEHOLDER_WORDS for w in specific)
    if has_mask(label) or re.search(r"\bx{3,}\b", label, re.IGNORECASE) or leftovers:
        out.append("mask or placeholder")
    if is_toxic(label):
        out.append("profanity")
    if (not specific and len(topics) < 2) or _lone_feeling(content):
        out.append("lone generic word")
    proper = KNOWN_NAMES | {w.lower() for w in names}
    if content and all(w in proper for w in content):
        out.append("place or brand alone")
    return out


def _lone_feeling(content: list[str]) -> bool:
    """One word that only says how someone feels ("Worst", "Amazing", "Disappointed"):
    the kind already says whether it pleases; a label names what."""
    if len(content) != 1:
        return False
    from personas.understand.kinds import sentiment

    return abs(sentiment(content[0])) >= 0.05


def proper_words(docs: list[str]) -> set[str]:
    """Lower-case words the docs write as names in most of their uses: capitalised in the
    middle of a sentence ("flew into NYC", "my Verizon bill"), with a capital inside
    ("iPhone") or tagged ("#SXSW", "$AAPL", "@Apple"). Title-case and shouting docs are
    skipped: there every word is capitalised."""
    seen: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for doc in docs:
        text = unmask(doc)
        words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
        titled = not words or sum(w[0].isupper() for w in words) > 0.4 * len(words)
        for m in re.finditer(r"([#$@]?)([A-Za-z][A-Za-z'’-]*)", text):
            tag, word = m.groups()
            low = word.lower()
            if low == "i" or low.startswith(("i'", "i’")):
                continue
            before = text[: m.start()].rstrip()[-1:]
            first = not before or before in '.!?:;"“(\n'
            inner = any(c.isupper() for c in word[1:]) and not word.isupper()
            if tag or inner:
                seen[low] += 1
                named[low] += 1
            elif not titled and not first:
                seen[low] += 1
                named[low] += word[0].isupper()
    return {w for w, n in seen.items() if n >= 2 and named[w] > 0.6 * n}


def stem(word: str) -> str:
    """Singular enough to match "size" with "sizes" and "battery" with "batteries"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def phrases(text: str) -> set[str]:
    """Every 1–4 word phrase of the text that starts and ends on a content word; no
    phrase spans a mask ("loan from XXXX bank" has no "loan bank")."""
    out: set[str] = set()
    for piece in MASK_RE.split(text):
        out |= _spans(tokens(piece))
    return out


def _spans(toks: list[str]) -> set[str]:
    out: set[str] = set()
    for i, first in enumerate(toks):
        if is_stop(first) or len(first) < 3:
            continue
        for n in range(1, MAX_WORDS + 1):
            if i + n > len(toks):
                break
            last = toks[i + n - 1]
            if not is_stop(last) and len(last) >= 3:
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
    if len(toks) > 2 and not any(is_stop(t) for t in toks):
        return None  # a list of words ("weight, materials, HH"), not a saying
    return " ".join(toks)


def _content(word: str) -> bool:
    return not is_stop(word) and len(word) >= 3 and word.isalpha()


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
    return {p for p in out if all(TOKEN_RE.fullmatch(w) for w in p.split())}


def _score(cov: float, outside: float, words: int) -> float:
    bonus = 1.0 + 0.35 * (words - 1) if cov >= MIN_PHRASE_COVERAGE else 1.0
    return cov * (cov / (cov + outside + 1e-9)) * bonus


def corpus_generic(docs_by_theme: dict[str, list[str]]) -> set[str]:
    """Stems that say nothing in this kind: said by ``GENERIC_SHARE`` of the statements
    of at least ``GENERIC_THEMES`` (a third) of its themes (3 or more): "flight" among airline
    complaints, "dress" among dress reviews."""
    ids = [t for t, docs in docs_by_theme.items() if docs]
    if len(ids) < 3:
        return set()
    wide: Counter[str] = Counter()
    for t in ids:
        said = Counter(w for d in docs_by_theme[t] for w in {stem(x) for x in tokens(d)})
        n = len(docs_by_theme[t])
        wide.update(w for w, c in said.items() if c >= GENERIC_SHARE * n)
    return {w for w, c in wide.items() if c >= GENERIC_THEMES * len(ids)}


def theme_labels(
    docs_by_theme: dict[str, list[str]],
    vectors_by_theme: dict[str, np.ndarray] | None = None,
    tagger: Any = None,
    keywords_by_theme: dict[str, list[str]] | None = None,
) -> dict[str, str]:
    """A unique readable label for each theme of one kind (theme id -> label).

    ``vectors_by_theme`` (unit embeddings aligned with the docs) rank a phrase
    by how central the statements that say it are to their theme. Masks never
    reach a label, and no label has a ``label_problems`` reason while an acceptable
    phrase exists; the last resort is the theme's acceptable c-TF-IDF keywords
    (``keywords_by_theme``). Statements in another language than English have
    that language's function words left out too (``language_stop_words``)."""
    texts = [d for docs in docs_by_theme.values() for d in docs]
    token = _LANGUAGE_STOP.set(language_stop_words(texts))
    try:
        return _theme_labels(docs_by_theme, vectors_by_theme, tagger, keywords_by_theme)
    finally:
        _LANGUAGE_STOP.reset(token)


def _theme_labels(
    docs_by_theme: dict[str, list[str]],
    vectors_by_theme: dict[str, np.ndarray] | None,
    tagger: Any,
    keywords_by_theme: dict[str, list[str]] | None,
) -> dict[str, str]:
    ids = list(docs_by_theme)
    all_docs = [d for t in ids for d in docs_by_theme[t]]
    cands = _candidates(all_docs, tagger)
    names = proper_words(all_docs)
    generic = corpus_generic(docs_by_theme)
    surface, sayings = _surfaces(cands, all_docs)
    owner = [t for t in ids for _ in docs_by_theme[t]]
    saying, counts = _who_says(surface, all_docs, owner, ids)
    total: Counter[frozenset[str]] = Counter()
    for c in counts.values():
        total.update(c)
    vectors = np.vstack([vectors_by_theme[t] for t in ids]) if vectors_by_theme else None
    start = {t: sum(len(docs_by_theme[u]) for u in ids[: ids.index(t)]) for t in ids}
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for theme_id in sorted(ids, key=lambda t: (-len(docs_by_theme[t]), t)):
        n = len(docs_by_theme[theme_id])
        scored = _theme_scores(
            counts[theme_id], total, len(all_docs), saying, vectors, start[theme_id], n
        )
        written = Counter(t for d in docs_by_theme[theme_id] for t in tokens(d))
        shown = {_surface(k, surface[k], written): v for k, v in scored.items()}
        shown = {p: v for p, v in shown.items() if not label_problems(p, names, generic)}
        ranked = sorted(shown, key=lambda p: (-shown[p], p))
        ok = lambda p: not label_problems(p, names, generic)  # noqa: E731
        label = (
            _pick(ranked, shown, taken, sayings)
            or _said_most(docs_by_theme[theme_id], taken, ok)
            or _from_keywords((keywords_by_theme or {}).get(theme_id, []), taken, ok)
            or f"theme {len(taken) + 1}"
        )
        taken.add(label)
        labels[theme_id] = tidy(label)
    return labels


def _candidates(all_docs: list[str], tagger: Any) -> list[set[str]]:
    """Each statement's candidate phrases: noun phrases with the tagger, else word runs."""
    if tagger is not None:
        # a mask ends a phrase; "#SXSW" and "$AAPL" read as words
        clean = [re.sub(r"[#$](?=[A-Za-z])", "", unmask(d, " , ")) for d in all_docs]
        # each different text tagged once: a theme's statements repeat ("Great price.")
        distinct = list(dict.fromkeys(clean))
        docs = tagger.pipe(distinct, batch_size=128)
        tagged = dict(zip(distinct, map(tagged_phrases, docs), strict=True))
        return [set(tagged[c]) for c in clean]
    return [phrases(d) for d in all_docs]


def _surfaces(
    cands: list[set[str]], all_docs: list[str]
) -> tuple[dict[frozenset[str], Counter[str]], set[str]]:
    """Phrase keys (their stemmed content words) with how each was written, and the
    whole short statements that became keys of their own (``sayings``)."""
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
    return surface, sayings


def _who_says(
    surface: dict[frozenset[str], Counter[str]],
    all_docs: list[str],
    owner: list[str],
    ids: list[str],
) -> tuple[dict[frozenset[str], set[int]], dict[str, Counter[frozenset[str]]]]:
    """The statements that say each key, and how many statements of each theme say it."""
    words = [{stem(w) for w in tokens(d)} for d in all_docs]
    postings: dict[str, set[int]] = defaultdict(set)
    for i, w in enumerate(words):
        for word in w:
            postings[word].add(i)
    saying = {k: set.intersection(*(postings.get(word, set()) for word in k)) for k in surface}
    counts: dict[str, Counter[frozenset[str]]] = {t: Counter() for t in ids}
    for k, rows in saying.items():
        for i in rows:
            counts[owner[i]][k] += 1
    return saying, counts


def _theme_scores(
    theme_counts: Counter[frozenset[str]],
    total: Counter[frozenset[str]],
    n_all: int,
    saying: dict[frozenset[str], set[int]],
    vectors: np.ndarray | None,
    lo: int,
    n: int,
) -> dict[frozenset[str], float]:
    """How well each key said in a theme (statements ``lo`` to ``lo + n``) names it: said
    often here, rarely elsewhere, and (with vectors) by statements central to the theme."""
    rest = max(n_all - n, 1)
    need = 2 if n >= 6 else 1
    keys = [k for k, c in theme_counts.items() if c >= need]
    keys = keys or list(theme_counts)  # a small theme where nothing is said twice
    scored = {
        k: _score(theme_counts[k] / n, (total[k] - theme_counts[k]) / rest, len(k)) for k in keys
    }
    if vectors is not None and keys:
        hi = lo + n
        centre = vectors[lo:hi].mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        for k in keys:
            rows = [i for i in saying[k] if lo <= i < hi]
            said = vectors[rows].mean(axis=0)
            scored[k] *= max(float(said @ centre) / float(np.linalg.norm(said) or 1.0), 0.05)
    return scored


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


def _said_most(docs: list[str], taken: set[str], ok: Callable[[str], bool]) -> str:
    """For a theme with no content words ("Love it!"): its most common short statement
    that is no label problem."""
    said = Counter(" ".join(tokens(d)) for d in docs if 0 < len(tokens(d)) <= MAX_WORDS)
    for text, _ in sorted(said.items(), key=lambda x: (-x[1], x[0])):
        if text not in taken and ok(text):
            return text
    return ""


def _from_keywords(keywords: list[str], taken: set[str], ok: Callable[[str], bool]) -> str:
    """The last resort: the theme's top two acceptable c-TF-IDF keywords ("battery &
    charger"), or its best acceptable keyword alone."""
    good = [w for w in keywords if ok(w) and not has_mask(w)]
    # a pair says two things: "weekly & weekly peaks" says one twice
    pairs = [
        f"{a} & {b}"
        for i, a in enumerate(good)
        for b in good[i + 1 :]
        if not set(a.split()) & set(b.split())
    ][:1]
    for label in pairs + good:
        if label and label not in taken and ok(label):
            return label
    return ""


def tidy(label: str) -> str:
    """Sentence case, with a capital I."""
    label = re.sub(r"\bi\b", "I", label)
    return label[:1].upper() + label[1:]
