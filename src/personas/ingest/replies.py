"""The customer's own words in an email or ticket message.

:func:`clean_body` removes, in order:

* quoted earlier messages: first with mail-parser-reply (a maintained reply
  parser that knows "On … wrote:", "Le … a écrit :", "Am … schrieb", Outlook
  headers and more), then with the rules below for what it leaves: an
  "On … wrote:" wrapped over up to four lines, "-----Original Message-----",
  Outlook "From: … Sent: …" blocks, forwarded-message blocks and ``>`` lines;
* legal disclaimers ("This email and any attachments are confidential …");
* the greeting line ("Hi team,") and the signature (from "Thanks," / "--" /
  "Sent from my phone" near the end).

Names met on the way (a greeted person, the name under the sign-off) are
returned so later stages can redact them.
"""

from __future__ import annotations

import re

from personas.ingest.values import is_person_name, tidy_text

_ON_WROTE = re.compile(r"^\s*On\b.{0,250}\bwrote:\s*$", re.IGNORECASE)
_ORIGINAL = re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE)
_FROM_LINE = re.compile(r"^\s*\*?From:\*?\s", re.IGNORECASE)
_SENT_LINE = re.compile(r"^\s*\*?(Sent|Date):\*?\s", re.IGNORECASE)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_GREETING = re.compile(
    r"^(hi|hiya|hey|hello|hallo|howdy|dear|good (?:morning|afternoon|evening)|morning|afternoon"
    r"|evening|greetings|to whom it may concern)\b"
    r"[\s,]*(?P<rest>[^,!:.]*?)\s*[,!:.]*\s*$",
    re.IGNORECASE,
)
_NOT_A_PERSON = re.compile(
    r"\b(team|there|all|everyone|everybody|folks|guys|sir|madam|support|customer|service|"
    r"concern|care|hello|friends?)\b",
    re.IGNORECASE,
)
_SIGNOFF = re.compile(
    r"^(?:(?:many thanks|thanks(?: again| so much| in advance| a lot)?"
    r"|thank you(?: so much| again)?"
    r"|(?:kind|best|warm|warmest) regards|regards|best wishes|all the best|best|cheers|sincerely"
    r"|yours (?:sincerely|faithfully|truly)|speak soon|talk soon|thx|ta)(?:[\s,]+x{1,3})?|x{1,3})"
    r"[\s,.!]*(?:[-\u2013\u2014]\s*)?(?P<name>[^\W\d_][\w'\u2019.\- ]{0,40})?\s*$",
    re.IGNORECASE,
)
_SENT_FROM = re.compile(r"^\s*sent from my\b", re.IGNORECASE)
_MAX_SIGNATURE_LINES = 6


_FORWARDED = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded message|Begin forwarded message|Original message)\s*-{2,}"
    r"|Begin forwarded message:)\s*$",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"^\s*(?:disclaimer\b|confidentiality notice\b|this (?:e-?mail|message|communication)"
    r"(?: and any (?:attachments?|files?)(?: transmitted with it)?)? (?:is|are|may be|contains?)"
    r" (?:confidential|private|intended)|the information (?:contained )?in this (?:e-?mail|message)"
    r" is confidential|if you (?:are not|have received this) )",
    re.IGNORECASE,
)
_WRAP_LINES = 4


def clean_body(text: str, shop_words: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """Remove quoted replies, the greeting and the signature; return (text, names found).

    ``shop_words`` (lower-case words of the recipient's name and domain) stop
    "Hi Ridgeline," from recording the shop as a person's name.
    """
    lines = strip_quoted(_library_reply(tidy_text(text))).split("\n")
    lines = strip_disclaimer(lines)
    lines, greeted = strip_greeting(lines)
    greeted = [g for g in greeted if not {w.lower() for w in g.split()} & shop_words]
    lines, signed = strip_signature(lines)
    return tidy_text("\n".join(lines)), greeted + signed


def strip_quoted(text: str) -> str:
    """Cut everything from the first quoted-reply marker on, and drop ``>`` lines."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if _wrote(lines, n):
            lines = lines[:n]
            break
        if _ORIGINAL.match(line) or _FORWARDED.match(line):
            lines = lines[:n]
            break
        if _RULE.match(line) and _outlook_block(lines, n + 1):
            lines = lines[:n]
            break
        if _FROM_LINE.match(line) and _outlook_block(lines, n):
            lines = lines[:n]
            break
    return "\n".join(line for line in lines if not line.lstrip().startswith(">"))


def strip_greeting(lines: list[str]) -> tuple[list[str], list[str]]:
    """Drop a leading "Hi team," / "Dear Sir/Madam," line; a greeted person's name is returned."""
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return lines, []
    line = lines[first].strip()
    match = _GREETING.match(line)
    if not match or len(line.split()) > 6:
        return lines, []
    rest = match.group("rest").strip()
    names = [rest] if rest and not _NOT_A_PERSON.search(rest) and is_person_name(rest) else []
    return lines[first + 1 :], names


def strip_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    """Cut from a sign-off ("Thanks,", "Kind regards", "--") near the end; return its name."""
    content = [n for n, line in enumerate(lines) if line.strip()]
    for n in content:
        line = lines[n].strip()
        after = [m for m in content if m > n]
        if len(after) > _MAX_SIGNATURE_LINES:
            continue
        match = _SIGNOFF.match(line)
        inline = (match.group("name") or "").strip() if match else ""
        if inline and not _looks_signed(inline):
            continue  # "Thanks for getting back to me." is a sentence, not a sign-off
        if not (match or line in ("--", "-- ") or _SENT_FROM.match(line)):
            continue
        names = [inline] if inline else []
        if not names and after and _looks_signed(lines[after[0]].strip()):
            names.append(lines[after[0]].strip())
        return lines[:n], names
    return lines, []


def _looks_signed(line: str) -> bool:
    """A short run of capitalised words: "Harry Rose", "Lewis C", "Maya O"."""
    parts = line.split()
    return (
        is_person_name(line)
        and 1 <= len(parts) <= 3
        and all(w[0].isupper() for w in parts)
        and (len(parts[0]) >= 2)
    )


def _outlook_block(lines: list[str], start: int) -> bool:
    window = lines[start : start + 5]
    return (
        bool(window)
        and _FROM_LINE.match(window[0]) is not None
        and any(_SENT_LINE.match(line) for line in window[1:])
    )


def strip_disclaimer(lines: list[str]) -> list[str]:
    """Cut a legal disclaimer paragraph and everything after it."""
    for n, line in enumerate(lines):
        if n and _DISCLAIMER.match(line):
            return lines[:n]
    return lines


def _wrote(lines: list[str], n: int) -> bool:
    """An "On <date>, <name> <address> wrote:" line, possibly wrapped over a few lines."""
    line = lines[n]
    if _ON_WROTE.match(line):
        return True
    if not line.lstrip().startswith("On "):
        return False
    joined = line
    for extra in lines[n + 1 : n + _WRAP_LINES]:
        joined = f"{joined} {extra.strip()}"
        if _ON_WROTE.match(joined):
            return True
    return False


def _library_reply(text: str) -> str:
    """The newest reply as mail-parser-reply sees it (the text unchanged if it finds nothing)."""
    from mailparser_reply import EmailReplyParser

    try:
        reply = EmailReplyParser(languages=_LANGUAGES).parse_reply(text=text)
    # A third-party parser on arbitrary text: whatever it trips on, our own rules still run.
    except Exception:
        return text
    return reply if isinstance(reply, str) and reply.strip() else text


_LANGUAGES = ["en", "de", "fr", "es", "it", "nl"]
