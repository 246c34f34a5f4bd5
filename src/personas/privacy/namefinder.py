"""Find people's names in customer text (where they are, not what to put there).

Three sources, each tuned to stay off ordinary words:

- names known from the inputs (``names``): identity / name columns, email
  display names, signatures and greetings that ingest collected. A record's
  own names count in any case form (unless the corpus uses them as ordinary
  words: "will", "rose"); every other person's names wherever they are
  written like a name, except a capitalised ordinary word starting a sentence;
- cues in the text: greetings and sign-offs ("Hi Sarah,", "Thanks, Tom"),
  relations ("my sister Linda"), contacts ("spoke to Karen", "Karen on the
  phone"), introductions ("I'm Priya") and titles ("Mrs Baker");
- spaCy's PERSON entities (``keep_entity``), less the ones that are plainly
  not names: emoji, all-caps sizes and codes ("XS", "YKK"), half of a
  hyphenated brand ("Gore-Tex"), and a capitalised ordinary word at the start
  of a sentence ("Superb bit of kit", "Specs missing"). A word is ordinary when
  the same corpus writes it in lower case in three texts or more, or when it
  is in VADER's sentiment lexicon (shipped in ``vaderSentiment``), less the
  few given names it holds ("Joy", "Grace").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

# Words that look like names after a greeting or to NER but are not people.
NOT_NAMES = frozenset(
    (  # noqa: SIM905  (a word list reads better as one string)
        "hi hello dear thanks thank cheers regards team sir madam all everyone everybody guys "
        "folks there again so very much for you lots loads a the in advance someone somebody "
        "customer customers service services support staff manager them him her us me it this "
        "that your our love best kind many warm regards sincerely ok okay yes no"
    ).split()
)
ORDINARY_MIN_TEXTS = 3  # a word written in lower case in this many texts is an ordinary word

_UP, _LOW = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_TOKEN = rf"[{_UP}](?:['’][{_UP}])?[{_LOW}]+(?:[{_UP}][{_LOW}]+)?(?:-[{_UP}][{_LOW}]+)?"
_NAME = rf"(?P<n>{_TOKEN}(?:\s+(?:{_TOKEN}|[{_UP}]\.(?!\w))){{0,2}})"
_REL = (
    "sister|brother|wife|husband|partner|son|daughter|mum|mom|mother|dad|father|friend"
    "|colleague|boss|neighbour|neighbor|niece|nephew|aunt|auntie|uncle|cousin|grandson"
    "|granddaughter|grandma|grandad|grandpa|granny|nan|girlfriend|boyfriend|fianc[ée]e?"
    "|kid|child|baby|toddler|teenager|stepson|stepdaughter|godson|goddaughter"
)
_ADJ = "little|older|younger|big|best|eldest|oldest|youngest|twin|baby|lovely|new"
_SIGNOFF = (
    "thanks(?: again| so much| a lot| in advance)?|thank you(?: so much)?|many thanks|cheers"
    "|(?:kind |best |warm )?regards|best wishes|all the best|best|love|sincerely"
    "|yours(?: truly| sincerely| faithfully)?|take care|ta|x+"
)
_CONTACT = "spoke|speak|speaking|talked|talking|chatted|dealt|dealing|emailed|rang|phoned|messaged"
_DESK = (
    "phones?(?: line)?|helpline|hotline|customer (?:service|services|care)|support"
    "|(?:live )?chat|help ?desk|returns"
)
_GREETING = "hi|hiya|hey|hello|dear|morning|afternoon|good (?:morning|afternoon|evening)"
STRONG_CUES = [
    # greetings at the start of a text or sentence: "Hi Sarah,", "Dear Mrs Baker"
    re.compile(rf"(?:^|(?<=[.!?]\s))(?i:{_GREETING})[\s,]+(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?{_NAME}"),
    # sign-offs at the end: "Thanks, Tom", "Kind regards Priya Raman", "- Jane", "Jo x"
    re.compile(rf"\b(?i:{_SIGNOFF})\b[\s,.!]*(?:[-–—]\s*)?{_NAME}\s*(?:x+)?[\s.!]*$"),
    # thanks and relations anywhere: "thanks Sarah for", "my daughter Lily", "me and Tom"
    re.compile(rf"\b(?i:(?:thanks|thank you|thx|cheers|kudos|shout ?out)(?:\s+to)?)[\s,]+{_NAME}"),
    re.compile(rf"\b(?i:(?:my|our|his|her|their)\s+(?:(?:{_ADJ})\s+)?(?:{_REL})s?)\s*,?\s+{_NAME}"),
    re.compile(rf"\b(?i:me and)\s+{_NAME}"),
    re.compile(rf"{_NAME}\s+and I\b"),
    # contacts: "spoke to Karen", "Karen on the phone line", "Tom from customer service"
    re.compile(rf"\b(?i:(?:{_CONTACT})\s+(?:to\s+|with\s+)?){_NAME}"),
    re.compile(rf"{_NAME}\s+(?i:(?:on|from|at|in)\s+(?:the\s+|your\s+)?(?:{_DESK}))\b"),
    # introductions and titles: "my name is Priya", "I'm Tom and", "Mrs Baker"
    re.compile(rf"\b(?i:my name is|my name's|name's)\s+{_NAME}"),
    re.compile(
        rf"\b(?:I am|I'm|I’m|this is|This is|it's|It's)\s+{_NAME}"
        r"(?=\s*(?:[,.!]|$|\s(?i:and|from|here|again|speaking)\b))"
    ),
    re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+{_NAME}"),
]
# Weak: a lone capitalised word ending a text after a full stop or dash ("... great. Tom")
WEAK_CUES = [re.compile(rf"(?:[.!?]\s+|\s[-–—]\s*){_NAME}\s*(?:x+)?[\s.!]*$")]
# Given names that VADER's lexicon holds as sentiment words.
GIVEN_NAME_WORDS = frozenset(
    [
        "joy",
        "hope",
        "grace",
        "faith",
        "sunny",
        "merry",
        "precious",
        "charity",
        "liberty",
        "happy",
        "bliss",
        "rob",
        "harmony",
    ]
)
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;\"“(\n]\s*|\s[-–—]\s*)$")


def name_parts(names: Iterable[str]) -> set[str]:
    """Split known full names into the parts worth redacting ("Sarah J." -> {"Sarah"})."""
    parts: set[str] = set()
    for name in names:
        for part in re.split(r"[\s,]+", name):
            part = part.strip(".'\"()")
            if len(part) >= 3 and part[0].isalpha() and part.lower() not in NOT_NAMES:
                parts.add(part)
    return parts


@lru_cache(maxsize=1)
def sentiment_words() -> frozenset[str]:
    """Single words of VADER's lexicon (shipped inside vaderSentiment), less given names."""
    text = (resources.files("vaderSentiment") / "vader_lexicon.txt").read_text(encoding="utf-8")
    words = {line.split("\t", 1)[0] for line in text.splitlines() if line.strip()}
    return frozenset(w for w in words if w.isalpha()) - GIVEN_NAME_WORDS


def sentence_initial(text: str, start: int) -> bool:
    """True when ``text[start]`` begins a sentence (so its capital letter says nothing)."""
    return _SENTENCE_START.search(text[max(0, start - 4) : start]) is not None


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


class NameFinder:
    """Names known across the corpus and how its words are written, for finding names."""

    def __init__(self, texts: Iterable[str] = (), names: Iterable[str] = ()) -> None:
        lower: Counter[str] = Counter()
        for text in texts:
            lower.update({w for w in re.findall(rf"[{_LOW}'’]{{2,}}", text) if w.islower()})
        self._lower = lower
        names = [n.strip() for n in names if n.strip()]
        # Someone else's name counts where it is written like a name: "hunt" (from the
        # sender "oscar hunt") is matched as "Hunt", never as the word in "egg hunt".
        self.parts = {p[0].upper() + p[1:] if p.isalpha() else p for p in name_parts(names)}
        self._parts_re = _compile(self.parts, 0)
        self._full_re = _compile([n for n in names if len(n.split()) >= 2], re.IGNORECASE)

    def ordinary(self, word: str) -> bool:
        """True for a word this corpus also writes in lower case (in several texts)."""
        w = word.lower()
        return w in NOT_NAMES or self._lower[w] >= ORDINARY_MIN_TEXTS or w in sentiment_words()

    def looks_like_name(self, text: str, start: int, value: str, strong: bool = False) -> bool:
        """A candidate (from a cue or NER) is a name when it has a name-shaped word
        ("Sarah", "O'Neil") that is not explained away as an ordinary word
        capitalised because it starts a sentence ("Superb bit of kit"). After a
        strong cue ("my sister ...") only the shape counts."""
        words = re.findall(rf"[{_UP}][\w'’-]*", value)
        shaped = [w for w in words if len(w) >= 2 and (w[1].islower() or w[1] in "'’")]
        shaped = [w for w in shaped if w.lower() not in NOT_NAMES]
        if not shaped:
            return False
        if strong or any(w in self.parts for w in shaped):
            return True
        initial = sentence_initial(text, start) and value.lstrip().startswith(shaped[0])
        return any(not (i == 0 and initial and self.ordinary(w)) for i, w in enumerate(shaped))

    def cue_spans(self, text: str, weak: bool = True) -> list[tuple[int, int]]:
        """Names found through greetings, sign-offs, relations, contacts and titles
        (and, with ``weak``, a lone capitalised word ending the text)."""
        spans = []
        for strong, patterns in ((True, STRONG_CUES), (False, WEAK_CUES if weak else [])):
            for pattern in patterns:
                for m in pattern.finditer(text):
                    start, end = m.span("n")
                    if self.looks_like_name(text, start, m.group("n"), strong):
                        spans.append((start, end))
        return spans

    def known_spans(self, text: str, own: Iterable[str] = ()) -> list[tuple[int, int]]:
        """Where anyone's known names appear, written like a name; this record's own
        names (``own``) in any case, unless the corpus uses them as ordinary words."""
        own = [n.strip() for n in own if n.strip()]
        spans = [m.span() for m in self._full_re.finditer(text)] if self._full_re else []
        for m in self._parts_re.finditer(text) if self._parts_re else ():
            if not (self.ordinary(m.group(0)) and sentence_initial(text, m.start())):
                spans.append(m.span())
        own_parts = name_parts(own)
        if own:
            own_re = _compile(own_parts, 0)
            spans += [m.span() for m in own_re.finditer(text)] if own_re else []
            loose = [p for p in own_parts if not self.ordinary(p)] + [
                n for n in own if len(n.split()) >= 2
            ]
            loose_re = _compile(loose, re.IGNORECASE)
            if loose_re:
                spans += [m.span() for m in loose_re.finditer(text)]
        return spans

    def spans(self, text: str, own: Iterable[str] = ()) -> list[tuple[int, int]]:
        """Known and cued names in ``text`` (``own``: the record's own names)."""
        return self.known_spans(text, own) + self.cue_spans(text)

    def keep_entity(self, text: str, start: int, end: int) -> bool:
        """Whether an NER PERSON span over ``text[start:end]`` is a name."""
        if re.match(r"-[A-Z]", text[end : end + 2]) or re.search(r"[A-Za-z]-$", text[:start]):
            return False  # half of a hyphenated brand or product: "Gore-Tex"
        return self.looks_like_name(text, start, text[start:end])


def _compile(words: Iterable[str], flags: int) -> re.Pattern[str] | None:
    words = [w for w in words if w]
    if not words:
        return None
    return re.compile(rf"(?<![\w\[])(?:{_alternation(words)})(?![\w\]])", flags)
