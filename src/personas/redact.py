"""Replace personal data in text with typed placeholders.

Patterns and libraries catch what NER does not (emails, phone numbers, cards,
URLs, handles, order numbers); spaCy's PERSON entities and the names ingest
collected for the same record (identity columns, email display names,
signatures, greetings) catch people's names. The placeholders are
``[EMAIL]``, ``[PHONE]``, ``[CARD]``, ``[URL]``, ``[HANDLE]``, ``[ID]`` and ``[NAME]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
URL_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
HANDLE_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{2,30}\b")
CARD_RE = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
# Order / account / ticket numbers: "#RL-10423", "order 10423", "account no. 55231"
ID_RE = re.compile(
    r"(?:#\s?[A-Z]{0,4}-?\d{3,}|\b[A-Z]{2,4}-\d{4,}\b"
    r"|\b(?:order|account|acct|ticket|ref|reference|invoice)\s*(?:no\.?|number|#)?\s*:?\s*\d{4,}\b)",
    re.IGNORECASE,
)
PHONE_REGIONS = ("GB", "US", "DE", "FR")
MIN_PHONE_DIGITS = 9  # shorter digit runs are prices, years, sizes and order numbers
PLACEHOLDER_RE = re.compile(r"\[(?:EMAIL|PHONE|CARD|URL|HANDLE|ID|NAME)\]")
# Words that look like names to NER in customer text but are not people.
NOT_NAMES = frozenset(
    {"hi", "hello", "dear", "thanks", "thank", "cheers", "regards", "team", "sir", "madam"}
)


def luhn_ok(digits: str) -> bool:
    """True when a digit string passes the Luhn check used by payment cards."""
    total, parity = 0, len(digits) % 2
    for i, ch in enumerate(digits):
        d = int(ch)
        if i % 2 == parity:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _sub_cards(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        return "[CARD]" if 13 <= len(digits) <= 19 and luhn_ok(digits) else m.group(0)

    return CARD_RE.sub(repl, text)


def _sub_phones(text: str) -> str:
    spans: list[tuple[int, int]] = []
    for region in PHONE_REGIONS:
        # POSSIBLE, not VALID: fictional and unassigned ranges (07700 900xxx,
        # 555-01xx) are still somebody's way of writing a phone number.
        matcher = phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.POSSIBLE
        )
        for match in matcher:
            if sum(ch.isdigit() for ch in match.raw_string) >= MIN_PHONE_DIGITS:
                spans.append((match.start, match.end))
    if not spans:
        return text
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, last = [], 0
    for start, end in merged:
        out.append(text[last:start])
        out.append("[PHONE]")
        last = end
    out.append(text[last:])
    return "".join(out)


def redact_patterns(text: str) -> str:
    """Redact everything that patterns and phonenumbers can find (no names)."""
    text = EMAIL_RE.sub("[EMAIL]", text)
    text = URL_RE.sub("[URL]", text)
    text = _sub_cards(text)
    text = _sub_phones(text)
    text = ID_RE.sub("[ID]", text)
    text = HANDLE_RE.sub("[HANDLE]", text)
    return text


def name_parts(names: Iterable[str]) -> set[str]:
    """Split known full names into the parts worth redacting ("Sarah J." -> {"Sarah"})."""
    parts: set[str] = set()
    for name in names:
        for part in re.split(r"[\s,]+", name):
            part = part.strip(".'\"()")
            if len(part) >= 3 and part[0].isalpha() and part.lower() not in NOT_NAMES:
                parts.add(part)
    return parts


def redact_names(text: str, spans: Iterable[tuple[int, int]], known: set[str]) -> str:
    """Replace character spans (from NER) and known name parts with [NAME]."""
    chars = list(text)
    for start, end in sorted(spans, reverse=True):
        if text[start:end].strip().lower() in NOT_NAMES:
            continue
        chars[start:end] = list("[NAME]")
    out = "".join(chars)
    for part in sorted(known, key=len, reverse=True):
        # Case-sensitive: "Will" the customer is a name, "will" the verb is not.
        out = re.sub(rf"(?<![\w\[]){re.escape(part)}(?![\w\]])", "[NAME]", out)
    return re.sub(r"\[NAME\](?:\s+\[NAME\])+", "[NAME]", out)
