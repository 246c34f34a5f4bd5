"""Support emails (.eml): one message → one record of customer voice.

The body is the customer's own words only: quoted earlier replies ("On … wrote:",
"> " lines, "-----Original Message-----", Outlook "From: … Sent: …" blocks),
the greeting line and the signature are removed. Names met on the way (the
sender's display name, the name under the sign-off, a greeted person) go to
``Record.names`` so later stages can redact them.

Messages sent *by the shop* (from the domain most messages are addressed to)
are not customer voice and are skipped with a reason.
"""

from __future__ import annotations

import re
from collections import Counter
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from pathlib import Path

from personas.errors import InputError
from personas.ingest.dates import iso_date, parse_datetime
from personas.ingest.values import is_person_name, normalise_email, strip_html, tidy_text
from personas.models import Record, RowIssue, Source, TextField

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
_SUBJECT_PREFIX = re.compile(r"^\s*(?:re|fw|fwd|aw)\s*:\s*", re.IGNORECASE)
_MAX_SIGNATURE_LINES = 6


def parse_message(path: Path, name: str) -> EmailMessage:
    """Parse an .eml file; ``InputError`` if it is not an email message."""
    try:
        with path.open("rb") as handle:
            message = BytesParser(policy=policy.default).parse(handle)
    except (OSError, ValueError, TypeError) as exc:
        raise InputError(f"{name}: cannot read the email: {exc}") from None
    if not any(message.get(h) for h in ("From", "Date", "Subject", "Message-ID")):
        raise InputError(f"{name}: not an email message (no From, Date or Subject header)")
    return message  # type: ignore[return-value]  # policy.default builds EmailMessage objects


def shop_domains(messages: list[EmailMessage]) -> set[str]:
    """Domains that receive at least half of the messages (and two or more): the shop's own."""
    counts: Counter[str] = Counter()
    for message in messages:
        domains = {
            addr.rsplit("@", 1)[-1].lower()
            for _, addr in _addresses(message, "To", "Cc")
            if "@" in addr
        }
        counts.update(domains)
    return {d for d, n in counts.items() if n >= 2 and n * 2 >= len(messages)}


def message_record(
    source: Source, message: EmailMessage, shop: set[str]
) -> tuple[Record | None, list[RowIssue]]:
    """Turn one message into a record (or a skip issue)."""
    # The Message-ID's local part locates the message in its file; its domain
    # part is dropped so that no locator looks like an email address.
    message_id = str(message.get("Message-ID") or "").strip().strip("<>").strip()
    local = message_id.split("@", 1)[0].strip()
    locator = f"Message-ID {local}" if local else Path(source.path).name
    display, address = parseaddr(str(message.get("From") or ""))
    email = normalise_email(address) if address else None
    if email and email.rsplit("@", 1)[-1] in shop:
        reason = f"sent by the shop ({email}), not customer voice"
        return None, [RowIssue(source=source.path, locator=locator, reason=reason)]
    issues: list[RowIssue] = []
    if address and email is None:
        issues.append(
            RowIssue(
                source=source.path,
                locator=locator,
                column="From",
                skipped=False,
                reason=f'cannot read sender address "{address}"',
            )
        )
    body, names = clean_body(_body_text(message), _recipient_words(message))
    texts = []
    subject = _SUBJECT_PREFIX.sub("", str(message.get("Subject") or "")).strip()
    while _SUBJECT_PREFIX.match(subject):
        subject = _SUBJECT_PREFIX.sub("", subject).strip()
    if len(subject.split()) > 3:
        texts.append(TextField(field="subject", text=subject))
    if body:
        texts.append(TextField(field="body", text=body))
    if not texts and not email:
        reason = "nothing usable: no text and no sender address"
        return None, [*issues, RowIssue(source=source.path, locator=locator, reason=reason)]
    if display.strip():
        names.insert(0, display.strip())
    record = Record(
        record_id=f"{source.path}#{locator}",
        source=source.path,
        source_kind=source.kind,
        locator=locator,
        respondent_key=f"email:{email}" if email else None,
        date=iso_date(parse_datetime(str(message.get("Date") or ""))),
        texts=tuple(texts),
        names=tuple(dict.fromkeys(names)),
    )
    return record, issues


def clean_body(text: str, shop_words: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """Remove quoted replies, the greeting and the signature; return (text, names found).

    ``shop_words`` (lower-case words of the recipient's name and domain) stop
    "Hi Ridgeline," from recording the shop as a person's name.
    """
    lines = strip_quoted(tidy_text(text)).split("\n")
    lines, greeted = strip_greeting(lines)
    greeted = [g for g in greeted if not {w.lower() for w in g.split()} & shop_words]
    lines, signed = strip_signature(lines)
    return tidy_text("\n".join(lines)), greeted + signed


def strip_quoted(text: str) -> str:
    """Cut everything from the first quoted-reply marker on, and drop ``>`` lines."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        pair = f"{line} {lines[n + 1]}" if n + 1 < len(lines) else line
        if _ON_WROTE.match(line) or (line.lstrip().startswith("On ") and _ON_WROTE.match(pair)):
            lines = lines[:n]
            break
        if _ORIGINAL.match(line) or (_RULE.match(line) and _outlook_block(lines, n + 1)):
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


def _recipient_words(message: EmailMessage) -> frozenset[str]:
    found: set[str] = set()
    for display, address in _addresses(message, "To", "Cc"):
        found.update(w.lower() for w in display.split())
        found.update(address.rsplit("@", 1)[-1].lower().split("."))
    return frozenset(found)


def _addresses(message: EmailMessage, *headers: str) -> list[tuple[str, str]]:
    values = [str(v) for h in headers for v in message.get_all(h, [])]
    return getaddresses(values)


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, KeyError):
        payload = part.get_payload(decode=True) or b""
        content = (
            payload.decode("utf-8", errors="replace")
            if isinstance(payload, bytes)
            else str(payload)
        )
    if not isinstance(content, str):
        return ""
    return strip_html(content) if part.get_content_subtype() == "html" else content
