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
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from pathlib import Path

from personas.errors import InputError
from personas.ingest.dates import iso_date, parse_datetime
from personas.ingest.replies import clean_body
from personas.ingest.values import normalise_email, strip_html
from personas.models import Record, RowIssue, Source, TextField

__all__ = ["clean_body", "message_record", "parse_message", "shop_domains"]

_SUBJECT_PREFIX = re.compile(r"^\s*(?:re|fw|fwd|aw)\s*:\s*", re.IGNORECASE)


def parse_message(path: Path, name: str) -> EmailMessage:
    """Parse an .eml file; ``InputError`` if it is not an email message."""
    try:
        with path.open("rb") as handle:
            message = BytesParser(policy=policy.default).parse(handle)
    except (OSError, ValueError, TypeError) as exc:
        raise InputError(f"{name}: cannot read the email: {exc}") from None
    if not any(header(message, h) for h in ("From", "Date", "Subject", "Message-ID")):
        raise InputError(f"{name}: not an email message (no From, Date or Subject header)")
    return message


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


def message_locator(message: EmailMessage) -> str:
    """``Message-ID <local part>`` (the domain part is dropped so no locator looks like an
    email address), or ``""`` when the message has no Message-ID."""
    message_id = header(message, "Message-ID").strip().strip("<>").strip()
    local = message_id.split("@", 1)[0].strip()
    return f"Message-ID {local}" if local else ""


def header(message: EmailMessage, name: str) -> str:
    """A header's text, or ``""`` when it is missing or too damaged to parse."""
    try:
        return str(message.get(name) or "")
    # The stdlib's header parser raises assorted errors on malformed headers.
    except Exception:
        return ""


def message_record(
    source: Source, message: EmailMessage, shop: set[str], locator: str = ""
) -> tuple[Record | None, list[RowIssue]]:
    """Turn one message into a record (or a skip issue); ``locator`` is given for archives."""
    locator = locator or message_locator(message) or Path(source.path).name
    display, address = parseaddr(header(message, "From"))
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
    subject = _SUBJECT_PREFIX.sub("", header(message, "Subject")).strip()
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
        date=iso_date(parse_datetime(header(message, "Date"))),
        texts=tuple(texts),
        names=tuple(dict.fromkeys(names)),
    )
    return record, issues


def _recipient_words(message: EmailMessage) -> frozenset[str]:
    found: set[str] = set()
    for display, address in _addresses(message, "To", "Cc"):
        found.update(w.lower() for w in display.split())
        found.update(address.rsplit("@", 1)[-1].lower().split("."))
    return frozenset(found)


def _addresses(message: EmailMessage, *headers: str) -> list[tuple[str, str]]:
    try:
        values = [str(v) for h in headers for v in message.get_all(h, [])]
        return getaddresses(values)
    except Exception:  # malformed address headers: see header()
        return []


def _body_text(message: EmailMessage) -> str:
    """The text part (or the HTML part turned into text); ``""`` if there is none."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # damaged MIME structure: see header()
        part = None
    if part is None:
        return _fallback_text(message)
    try:
        content = part.get_content()
    except Exception:  # unknown charset, bad transfer encoding: decode the bytes ourselves
        content = _payload_text(part)
    if not isinstance(content, str):
        return ""
    return strip_html(content) if part.get_content_subtype() == "html" else content


def _fallback_text(message: EmailMessage) -> str:
    """A message whose MIME tree is broken: the first text payload that decodes."""
    if message.is_multipart():
        return ""
    try:
        if message.get_content_maintype() != "text":
            return ""
    except Exception:  # see header()
        return ""
    text = _payload_text(message)
    return strip_html(text) if "<" in text and ">" in text else text


def _payload_text(part: MIMEPart) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # see header()
        return ""
    if isinstance(payload, bytes):
        return payload.decode("utf-8", errors="replace")
    return str(payload or "")


def mime_note(message: EmailMessage) -> str | None:
    """A remark on a damaged MIME structure, or ``None`` when the message is sound."""
    names = sorted({type(d).__name__ for d in getattr(message, "defects", [])})
    for part in message.walk() if message.is_multipart() else []:
        names = sorted(set(names) | {type(d).__name__ for d in getattr(part, "defects", [])})
    serious = [n for n in names if "Boundary" in n or "Multipart" in n or "Missing" in n]
    if not serious:
        return None
    if "CloseBoundaryNotFoundDefect" in serious:
        return "message is cut short (its MIME parts never close); the text that is there is used"
    return f"damaged MIME structure ({', '.join(serious)}); the readable text is used"
