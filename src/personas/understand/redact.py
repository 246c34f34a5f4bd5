"""Replace personal data in text with typed placeholders.

Patterns and libraries (``pii``) catch what NER does not: emails, phone
numbers, cards, IBANs, addresses, URLs, handles, order and account numbers.
People's names are found by ``namefinder`` (known names, cues, NER) and
replaced here (``NameRedactor``); ``prepare`` runs patterns, then known and
cued names, then spaCy's NER on what is left.

Placeholders: ``[EMAIL]``, ``[PHONE]``, ``[CARD]``, ``[ADDRESS]``, ``[URL]``,
``[HANDLE]``, ``[ID]`` (order and account numbers, IBANs) and ``[NAME]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from personas.privacy.namefinder import NOT_NAMES, NameFinder, name_parts
from personas.privacy.pii import find_pii, luhn_ok

if TYPE_CHECKING:  # spaCy loads slowly; the pipeline that needs it imports it
    from spacy.language import Language

__all__ = ["PLACEHOLDERS", "NameRedactor", "luhn_ok", "name_parts", "redact_names"]

PLACEHOLDERS = {
    "email": "[EMAIL]",
    "url": "[URL]",
    "iban": "[ID]",
    "card": "[CARD]",
    "id": "[ID]",
    "address": "[ADDRESS]",
    "phone": "[PHONE]",
    "handle": "[HANDLE]",
    "name": "[NAME]",
}
PLACEHOLDER_RE = re.compile(r"\[(?:EMAIL|PHONE|CARD|ADDRESS|URL|HANDLE|ID|NAME)\]")


def replace_spans(text: str, spans: Iterable[tuple[int, int]], placeholder: str) -> str:
    """Replace character spans with a placeholder; overlapping spans become one."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif end > start:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out += [text[last:start], placeholder]
        last = end
    out.append(text[last:])
    return "".join(out)


def redact_patterns(text: str) -> str:
    """Redact everything that patterns and phonenumbers can find (no names)."""
    out, last = [], 0
    for f in find_pii(text):
        out += [text[last : f.start], PLACEHOLDERS[f.kind]]
        last = f.end
    out.append(text[last:])
    return "".join(out)


def collapse(text: str) -> str:
    """Merge neighbouring name placeholders: "[NAME] [NAME]" becomes "[NAME]"."""
    return re.sub(r"\[NAME\](?:[\s-]+\[NAME\])+", "[NAME]", text)


def pad(text: str) -> str:
    """Space a placeholder off a glued neighbour ("email:[EMAIL]" -> "email: [EMAIL]") so
    the tokenizer keeps it whole; brackets and punctuation after it stay as they are."""
    text = re.sub(rf"(?<=[^\s(\[\"'“‘])({PLACEHOLDER_RE.pattern})", r" \1", text)
    return re.sub(rf"({PLACEHOLDER_RE.pattern})(?=[^\s.,;:!?)\]\"'”’])", r"\1 ", text)


def redact_names(text: str, spans: Iterable[tuple[int, int]], known: set[str]) -> str:
    """Replace character spans (from NER) and known name parts with [NAME]."""
    kept = [(a, b) for a, b in spans if text[a:b].strip().lower() not in NOT_NAMES]
    out = replace_spans(text, kept, "[NAME]")
    for part in sorted(known, key=len, reverse=True):
        # Case-sensitive: "Will" the customer is a name, "will" the verb is not.
        out = re.sub(rf"(?<![\w\[]){re.escape(part)}(?![\w\]])", "[NAME]", out)
    return collapse(out)


class NameRedactor(NameFinder):
    """Finds names (``namefinder``) and replaces them with [NAME]."""

    def redact(self, text: str, own: Iterable[str] = ()) -> str:
        """Redact known and cued names (before NER sees the text); pad placeholders."""
        spans = self.spans(text, own)
        return collapse(pad(replace_spans(text, spans, "[NAME]") if spans else text))


def protect_placeholders(nlp: Language) -> None:
    """Make every placeholder one token, so that sentence splitting never cuts
    "[EMAIL]" into "[" and "EMAIL]" (which would drop the rest of the sentence)."""
    # spaCy types ``Language.tokenizer`` as any callable; a loaded pipeline's is a Tokenizer
    # (a compiled class without stubs), which has ``add_special_case``.
    tokenizer: Any = nlp.tokenizer
    for placeholder in sorted(set(PLACEHOLDERS.values())):
        tokenizer.add_special_case(placeholder, [{"ORTH": placeholder}])


def scrubber(names: Iterable[str]) -> Callable[[str], str]:
    """Redaction for the tool's own messages (run.json reasons and warnings), which can
    quote an input value: patterns, and every name known from the inputs."""
    redactor = NameRedactor(names=names)

    def scrub(text: str) -> str:
        return redactor.redact(redact_patterns(text))

    return scrub
