"""Find personal values in text: the detectors that redaction and the audit share.

Each detector returns ``Finding``s (kind and character span). Emails, URLs,
handles and order/account numbers are regular expressions; payment cards are
Luhn-checked and IBANs checked with ISO 7064 mod 97; phone numbers come from
``phonenumbers`` (UK, US, German and French national formats, any
international one); addresses from ``addresses``. People's names are not
here: they need NER and context (see ``redact``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from personas.privacy.addresses import find_addresses

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
URL_RE = re.compile(
    r"\b(?:https?://|www\.)\S+"
    # a bare domain with a path that carries parameters: shop.example.com/track?t=...
    r"|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/\S*[?&#=]\S*",
    re.IGNORECASE,
)
URL_TRAILING = ".,;:!?)]}'\"’”"
HANDLE_RE = re.compile(r"(?<![\w@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?\b")
CARD_RE = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b", re.IGNORECASE)
# Order / account / ticket numbers: "#RL-10423", "order 10423", "account no. 55231",
# "tracking number JD0146000062"
ID_RE = re.compile(
    r"#\s?[A-Z]{0,4}-?\d{3,}|\b[A-Z]{2,4}-\d{4,}\b"
    r"|\b(?:order|account|acct|ticket|ref|reference|invoice)\s*(?:no\.?|number|id|#)?\s*:?\s*"
    r"[A-Z]{0,3}-?\d{4,}\b"
    r"|\b(?:customer|member|membership|loyalty|tracking|case|booking|confirmation|parcel)"
    r"\s*(?:no\.?|number|id|#|card|code)\s*:?\s*(?=[A-Z-]*\d)[A-Z0-9-]{5,}\b",
    re.IGNORECASE,
)
PHONE_REGIONS = ("GB", "US", "DE", "FR")
MIN_PHONE_DIGITS = 9  # shorter digit runs are prices, years, sizes and order numbers
# Where two detectors claim the same characters, the earlier kind wins.
PRIORITY = ("email", "url", "iban", "card", "id", "address", "phone", "handle")


@dataclass(frozen=True, order=True)
class Finding:
    """A personal value at ``text[start:end]``."""

    start: int
    end: int
    kind: str


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


def iban_ok(candidate: str) -> bool:
    """True for a well-formed IBAN: country letters, check digits, ISO 7064 mod 97 = 1."""
    compact = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _regex(pattern: re.Pattern[str], kind: str, text: str) -> list[Finding]:
    return [Finding(m.start(), m.end(), kind) for m in pattern.finditer(text)]


def find_urls(text: str) -> list[Finding]:
    out = []
    for m in URL_RE.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in URL_TRAILING:
            end -= 1
        out.append(Finding(m.start(), end, "url"))
    return out


def find_cards(text: str) -> list[Finding]:
    out = []
    for m in CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            out.append(Finding(m.start(), m.end(), "card"))
    return out


def find_ibans(text: str) -> list[Finding]:
    out = []
    pos = 0
    while (m := IBAN_RE.search(text, pos)) is not None:
        value, pos = m.group(0), m.start() + 1
        # The pattern may run into following words ("... 32 and FR14 ..."): shrink until
        # valid, then look again right after the IBAN found.
        for end in range(len(value), 14, -1):
            if value[end - 1] != " " and iban_ok(value[:end]):
                out.append(Finding(m.start(), m.start() + end, "iban"))
                pos = m.start() + end
                break
    return out


def find_phones(text: str) -> list[Finding]:
    """Phone numbers as written in the UK, US, Germany and France, or internationally."""
    if sum(ch.isdigit() for ch in text) < MIN_PHONE_DIGITS:
        return []  # most text has no phone number: skip the (slow) matcher
    out: set[Finding] = set()
    for region in PHONE_REGIONS:
        # POSSIBLE, not VALID: fictional and unassigned ranges (07700 900xxx,
        # 555-01xx) are still somebody's way of writing a phone number.
        matcher = phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.POSSIBLE
        )
        for match in matcher:
            if sum(ch.isdigit() for ch in match.raw_string) >= MIN_PHONE_DIGITS:
                start = match.start
                # "+44 (0)20 ..." and "(201) 555-..." keep their opening bracket
                if start > 0 and text[start - 1] in "(+" and match.raw_string[0] != "(":
                    start -= 1
                out.add(Finding(start, match.end, "phone"))
    return sorted(out)


def find_all(text: str) -> list[Finding]:
    """Every personal value the patterns can see (no names), overlaps included."""
    found = [
        *_regex(EMAIL_RE, "email", text),
        *find_urls(text),
        *find_ibans(text),
        *find_cards(text),
        *find_phones(text),
        *(Finding(a, b, "address") for a, b in find_addresses(text)),
        *_regex(ID_RE, "id", text),
        *_regex(HANDLE_RE, "handle", text),
    ]
    return sorted(found)


def merge(findings: list[Finding]) -> list[Finding]:
    """Overlapping findings become one span of the higher-priority kind."""
    merged: list[Finding] = []
    for f in sorted(findings):
        if merged and f.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, f.kind, key=PRIORITY.index)
            merged[-1] = Finding(last.start, max(last.end, f.end), kind)
        else:
            merged.append(f)
    return merged


def find_pii(text: str) -> list[Finding]:
    """Non-overlapping personal values in ``text``, in order."""
    return merge(find_all(text))
