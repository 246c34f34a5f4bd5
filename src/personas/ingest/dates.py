"""Reading dates the way survey tools, shops and mail clients write them.

Every parser returns a *naive* ``datetime`` in the wall-clock time that was
written (a trailing zone such as ``GMT``, ``UTC``, ``+0100`` or ``Z`` is read
and dropped): the date a customer saw is the date we report, and ordering rows
within one export is all the pipeline needs.

Numeric day/month order is ambiguous (``03/04/2025``), so it is decided once
per column with :func:`detect_dayfirst`: a first part above 12 means
day-first, a second part above 12 means month-first, otherwise day-first (the
UK/EU reading; the demo shop is British).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from email.utils import parsedate_to_datetime

_ZONE = re.compile(
    r"\s*(?:Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|\([A-Z]{2,5}\)"
    r"|(?<=\d\s)[A-Z]{3,4}|(?<=[AP]M\s)[A-Z]{3,4})$"
)
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T,]+(.+))?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp]\.?[Mm]\.?)?$")
_NAMED_FORMATS = (
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%a %d %b %Y",
    "%A %d %B %Y",
)
_NAMED_SPLIT = re.compile(r"^(.*?\d{4})(?:[ T,]+(.+))?$")
# "Mon Dec 01 19:30:03 +0000 2014" (Twitter's API and exports): the year comes last
_CTIME = re.compile(
    r"^(?:[A-Za-z]{3} )?([A-Za-z]{3}) (\d{1,2}) (\d{1,2}:\d{2}(?::\d{2})?)(?: [+-]\d{4})? (\d{4})$"
)
# "31-Jul-18", "31 Jul 18", "Jul-18" is not a date (no day)
_SHORT_NAMED = re.compile(r"^(\d{1,2})[ \-/]([A-Za-z]{3,9})[ \-/](\d{2})$")


def parse_datetime(value: str, dayfirst: bool = True) -> datetime | None:
    """Parse one date or date-time cell; ``None`` when it is not a date we can read."""
    text = " ".join(value.strip().split())
    if not text or len(text) > 60 or not any(ch.isdigit() for ch in text):
        return None
    if "," in text and re.match(r"^[A-Za-z]{3},", text):
        return _rfc2822(text)
    ctime = _CTIME.match(text)
    if ctime:
        month, day, clock, year = ctime.groups()
        return _named(f"{day} {month} {year} {clock}")
    bare = _ZONE.sub("", text).strip()
    short = _SHORT_NAMED.match(bare)
    if short:
        day, month, year = short.groups()
        return _named(f"{day} {month} {_century(int(year))}")
    return _iso(bare) or _numeric(bare, dayfirst) or _named(bare)


def detect_dayfirst(values: Iterable[str]) -> bool:
    """Decide day/month order for a column of numeric dates (see module docstring)."""
    for value in values:
        match = _NUMERIC.match(value.strip())
        if not match or len(match.group(1)) == 4:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 >= second:
            return True
        if second > 12 >= first:
            return False
    return True


def iso_date(moment: datetime | None) -> str | None:
    """``YYYY-MM-DD`` for a parsed moment (``None`` passes through)."""
    return moment.date().isoformat() if moment is not None else None


def _rfc2822(text: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return moment.replace(tzinfo=None) if moment is not None else None


def _iso(text: str) -> datetime | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


def _numeric(text: str, dayfirst: bool) -> datetime | None:
    match = _NUMERIC.match(text)
    if not match:
        return None
    a, b, c, rest = match.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    elif len(c) in (2, 4):
        year = int(c) if len(c) == 4 else _century(int(c))
        day, month = (int(a), int(b)) if dayfirst else (int(b), int(a))
        if month > 12 and day <= 12:  # the column guess was wrong for this row
            day, month = month, day
    else:
        return None
    clock = _clock(rest) if rest else (0, 0, 0)
    if clock is None:
        return None
    try:
        return datetime(year, month, day, *clock)
    except ValueError:
        return None


def _named(text: str) -> datetime | None:
    match = _NAMED_SPLIT.match(text.replace(",", " ").replace("  ", " "))
    if not match:
        return None
    day_part, rest = match.groups()
    day_part = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", " ".join(day_part.split()))
    clock = _clock(rest) if rest else (0, 0, 0)
    if clock is None:
        return None
    for fmt in _NAMED_FORMATS:
        try:
            return datetime.strptime(day_part, fmt).replace(
                hour=clock[0], minute=clock[1], second=clock[2]
            )
        except ValueError:
            continue
    return None


def _clock(text: str) -> tuple[int, int, int] | None:
    match = _TIME.match(text.strip())
    if not match:
        return None
    hour, minute, second, meridiem = match.groups()
    h, m, s = int(hour), int(minute), int(second or 0)
    if meridiem:
        pm = meridiem.lower().startswith("p")
        if not 1 <= h <= 12:
            return None
        h = (h % 12) + (12 if pm else 0)
    if h > 23 or m > 59 or s > 59:
        return None
    return h, m, s


def _century(two_digits: int) -> int:
    return 2000 + two_digits if two_digits < 70 else 1900 + two_digits
