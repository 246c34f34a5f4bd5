"""Mail archives (.mbox, as Gmail's Takeout and Thunderbird write them): one record per message.

The archive is split with the standard library's :mod:`mailbox` and each
message parsed like an .eml file. A message is located by its Message-ID's
local part, or ``message N`` (its position in the archive) when it has none or
shares it with an earlier message. A message that is not an email, or that
the archive cuts off inside its headers, is skipped with a reason; one whose
MIME parts are cut short keeps the text that is there, with a note.
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from personas.errors import InputError
from personas.ingest.eml import header, message_locator, mime_note


@dataclass(frozen=True)
class Message:
    """One message of an archive (or an .eml file), or why it cannot be read."""

    locator: str
    message: EmailMessage | None = None
    error: str = ""
    note: str | None = None


def read_mbox(path: Path, name: str) -> list[Message]:
    """Every message in an mbox archive; ``InputError`` if the file is not one."""
    try:
        with path.open("rb") as handle:
            head = handle.read(5)
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file: {exc.strerror}") from None
    if not head:
        raise InputError(f"{name}: the file is empty")
    if head != b"From ":
        raise InputError(f'{name}: not an mbox archive (it must start with a "From " line)')
    try:
        box = mailbox.mbox(path, create=False)
        raw = [box.get_bytes(key) for key in box.iterkeys()]
        box.close()
    # mailbox reads an arbitrary file: any failure means the archive is unreadable.
    except Exception as exc:
        raise InputError(f"{name}: cannot read the mail archive: {exc}") from None
    out: list[Message] = []
    seen: set[str] = set()
    for n, data in enumerate(raw, start=1):
        out.append(_message(n, data, n == len(raw), seen))
    return out


def _message(n: int, data: bytes, last: bool, seen: set[str]) -> Message:
    fallback = f"message {n}"
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except Exception as exc:  # the stdlib parser on hostile bytes; see eml.header()
        return Message(fallback, error=f"cannot read the email: {exc}")
    locator = message_locator(message)
    if not locator or locator in seen:
        locator = fallback
    seen.add(locator)
    if not any(header(message, h) for h in ("From", "Date", "Subject", "Message-ID")):
        return Message(locator, error="not an email message (no From, Date or Subject header)")
    if last and b"\n\n" not in data.replace(b"\r\n", b"\n"):
        return Message(locator, error="message is cut short: the archive ends inside its headers")
    return Message(locator, message, note=mime_note(message))
