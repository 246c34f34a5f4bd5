"""Small parsers for cell values: numbers, money, emails, names, HTML.

Each returns ``None`` for a value it cannot read, so the caller can drop the
value and record a ``RowIssue`` that names the row and column.
"""

from __future__ import annotations

import html
import re
from email.utils import parseaddr
from html.parser import HTMLParser

EMAIL = re.compile(r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
PERSON_NAME = re.compile(r"^[^\W\d_][^\W\d_'\u2019.\- ]*(?:[ '\u2019.\-]+[^\W\d_]+)*\.?$")
_CURRENCY = re.compile(
    r"(?i)^(?:[£$€¥₹]|gbp|usd|eur|aud|cad|us\$|a\$|c\$)\s*|\s*(?:[£$€¥₹]|gbp|usd|eur|aud|cad)$"
)
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
_BLOCK_TAGS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "table"}


def parse_number(value: str) -> float | None:
    """Read ``"42"``, ``"4.5"``, ``"1,234.50"``, ``"-3"``; ``None`` otherwise."""
    text = value.strip().replace(" ", "")
    if not text or not _NUMBER.match(text) or not any(ch.isdigit() for ch in text):
        return None
    return float(text.replace(",", ""))


def parse_money(value: str) -> float | None:
    """Read an amount after stripping a currency symbol or code: ``"£1,204.50"`` → 1204.5.

    ``"(12.00)"`` and ``"-£12.00"`` are negative (refunds).
    """
    text = value.strip()
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()").strip()
    if text.startswith("-"):
        negative, text = True, text[1:].strip()
    number = parse_number(_CURRENCY.sub("", _CURRENCY.sub("", text)))
    if number is None:
        return None
    return -number if negative else number


def parse_age(value: str) -> float | None:
    """Read an age in years (``"34"``, ``"34 years"``); ``None`` unless 0 < age < 120."""
    text = re.sub(r"(?i)\s*(years?( old)?|yrs?|y/o)$", "", value.strip())
    number = parse_number(text)
    return number if number is not None and 0 < number < 120 else None


def parse_year(value: str) -> int | None:
    """Read a four-digit year (``"1988"``, ``"1988.0"``); callers judge whether it is plausible."""
    number = parse_number(value)
    if number is None or number != int(number) or not 1000 <= number <= 2999:
        return None
    return int(number)


def normalise_email(value: str) -> str | None:
    """``" Ann@Example.COM "`` or ``"Ann <ann@example.com>"`` → ``"ann@example.com"``.

    ``None`` when the value is not an email address.
    """
    text = value.strip().removeprefix("mailto:").strip()
    if "<" in text:
        text = parseaddr(text)[1]
    text = text.strip().strip("<>").strip().lower()
    return text if EMAIL.match(text) else None


def normalise_id(value: str) -> str | None:
    """``" #C-1001 "`` → ``"c-1001"``; ``"1001.0"`` (a spreadsheet's number) → ``"1001"``."""
    text = " ".join(value.strip().split()).lstrip("#").strip().casefold()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".", 1)[0]
    return text or None


def id_namespace(column: str) -> str:
    """The kind of id a column holds: ``Customer ID`` / ``customer_id`` → ``customer``."""
    name = column.rsplit("!", 1)[-1]
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()
    words = re.sub(r"[^a-z0-9]+", " ", spaced).split()
    while len(words) > 1 and words[-1] in ("id", "ids", "number", "no", "num", "ref", "reference"):
        words.pop()
    return "-".join(words) or "id"


def is_email(value: str) -> bool:
    """True for a bare address such as ``ann@example.com``."""
    return bool(EMAIL.match(value.strip()))


def is_person_name(value: str) -> bool:
    """True for letters-only words (``"Ann O'Neil"``, ``"José"``), at most four of them."""
    text = value.strip()
    return bool(PERSON_NAME.match(text)) and len(text.split()) <= 4 and len(text) <= 60


def words(text: str) -> set[str]:
    """Lower-case word set, for "does this add words?" comparisons."""
    return set(re.findall(r"[^\W_]+", text.lower()))


def strip_html(text: str) -> str:
    """Turn HTML (tags, entities) into plain text; text without markup comes back unchanged."""
    if not _TAG.search(text) and not _ENTITY.search(text):
        return text
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return tidy_text(parser.text())


def tidy_text(text: str) -> str:
    """Normalise line endings, trim trailing spaces, keep at most one blank line in a row."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self._parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self._parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._parts.append(data)

    def text(self) -> str:
        joined = html.unescape("".join(self._parts))
        return re.sub(r"[ \t\xa0]+", " ", joined)


# -- ratings on any scale ----------------------------------------------------------------

_OUT_OF = re.compile(
    r"^(\d+(?:[.,]\d+)?)\s*(?:/|out of|of)\s*(\d+(?:[.,]\d+)?)(?:\s*stars?)?$", re.IGNORECASE
)
_STARS_WORD = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:stars?|★)$", re.IGNORECASE)
_STARS = re.compile(r"^[★☆✩✭✮⭐\s]+$")
_PERCENT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%$")
RatingScale = tuple[float, float]


def parse_rating(value: str) -> tuple[float, RatingScale | None] | None:
    """A rating cell as (number, its own scale when the cell says it, else None).

    ``"4"`` → (4, None); ``"8/10"``, ``"4 out of 5"`` → (8, (1, 10)), (4, (1, 5));
    ``"4 stars"``, ``"★★★★☆"`` → (4, (1, 5)); ``"80%"`` → (80, (0, 100))."""
    text = " ".join(value.strip().split())
    if not text:
        return None
    if _STARS.match(text) and ("★" in text or "⭐" in text):
        return float(text.count("★") + text.count("⭐")), (1.0, 5.0)
    match = _OUT_OF.match(text)
    if match:
        number, top = (float(g.replace(",", ".")) for g in match.groups())
        if not 0 <= number <= top or top <= 1:
            return None
        return number, (1.0 if number >= 1 else 0.0, top)
    match = _STARS_WORD.match(text)
    if match:
        return float(match.group(1).replace(",", ".")), (1.0, 5.0)
    match = _PERCENT.match(text)
    if match:
        return float(match.group(1).replace(",", ".")), (0.0, 100.0)
    if re.fullmatch(r"\d+,\d", text):  # "4,5": a decimal comma
        text = text.replace(",", ".")
    plain = parse_number(text)
    return (plain, None) if plain is not None else None


def rating_scale(values: list[str]) -> RatingScale | None:
    """The scale a column of ratings is on, from its values: 1–5, 0–5, 1–10, 0–10 or
    0–100 (percentages); a booking site's 2.5–10 scores are on 1–10. ``None`` when
    fewer than 80% of the values read as ratings or they fit no scale."""
    read = [r for r in map(parse_rating, values) if r is not None]
    if not values or len(read) < 0.8 * len(values):
        return None
    own = [scale for _, scale in read if scale is not None]
    if len(own) >= 0.5 * len(read):
        return max(own, key=own.count)
    numbers = [n for n, scale in read if scale is None]
    if min(numbers) < 0:
        return None
    for top in (5.0, 10.0, 100.0):
        above = [n for n in numbers if n > top]
        # a stray value over the top (a "6" among 1-5 stars) is a typo, not a wider scale
        if not above or ((len(set(above)) < 2 or len(above) < 0.05 * len(numbers)) and top < 100):
            inside = [n for n in numbers if n <= top]
            bottom = 0.0 if min(inside) < 1 or top == 100.0 else 1.0
            return bottom, top
    return None


def to_five(value: str, scale: RatingScale | None) -> float | None:
    """A rating cell on the 1–5 scale the pipeline uses (``None`` if unreadable or off scale)."""
    read = parse_rating(value)
    if read is None:
        return None
    number, own = read
    low, high = own or scale or (1.0, 5.0)
    if not low <= number <= high or high <= low:
        return None
    return round(1.0 + 4.0 * (number - low) / (high - low), 3)
