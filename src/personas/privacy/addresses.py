"""Find postal addresses in text, where they can be told apart from ordinary words.

Detectable parts: a street line with a house number ("12 High Street",
"221B Baker St", "1600 Pennsylvania Avenue NW", "Hauptstraße 5",
"12 rue de la Paix"), a flat or unit ("Flat 3"), a UK postcode (outward code
from the real list of postcode areas), a US state + ZIP ("OR 97403") or a
ZIP after the word "zip", and a five-digit German / French postcode with its
town when it sits next to another part. Neighbouring parts, with at most a
town name between them, become one span: "12 High Street, Leeds LS1 4AB".
A town or a region alone is not personal and is left alone.
"""

from __future__ import annotations

import re

# Word lists read better as one string than as 170 one-item lines (hence SIM905).
UK_AREAS = (  # noqa: SIM905
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT "
    "DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA "
    "LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE "
    "SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV "
    "YO ZE"
).split()
US_STATES = (  # noqa: SIM905
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
_AREAS = "|".join(sorted(UK_AREAS, key=len, reverse=True))
UK_POSTCODE_RE = re.compile(
    rf"\b(?:GIR ?0AA|(?:{_AREAS})\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{{2}})\b", re.IGNORECASE
)
US_ZIP_RE = re.compile(
    rf"\b(?:{'|'.join(US_STATES)})\.?\s+\d{{5}}(?:-\d{{4}})?\b"
    r"|\b(?i:zip(?:\s?code)?)\s*:?\s*\d{5}(?:-\d{4})?\b"
)
_SUFFIXES = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Close|Way|Place"
    "|Pl|Terrace|Crescent|Gardens|Grove|Square|Sq|Parkway|Pkwy|Highway|Hwy|Circle|Mews|Walk"
    "|Hill|Row|Rise|View|Green|Park|Wharf|Yard"
)
_WORD = r"[A-Z][\w'’.-]*"
STREET_RE = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?(?:\s?[-/]\s?\d{{1,5}})?,?\s+(?:{_WORD}\s+){{1,3}}(?:{_SUFFIXES})\b\.?"
    r"(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?"
)
_DE = r"(?:stra(?:ß|ss)e|str\.|weg|gasse|allee|platz)"
DE_STREET_RE = re.compile(
    rf"\b[A-ZÄÖÜ][\wäöüß.-]*(?:{_DE}|\s(?i:{_DE}))\s+\d{{1,4}}\s?[a-z]?\b"
    rf"|\b[A-ZÄÖÜ][\wäöüß.-]*\s+[A-ZÄÖÜ][\wäöüß.-]*(?:{_DE})\s+\d{{1,4}}\s?[a-z]?\b"
)
_FR_ARTICLE = r"(?:(?:de|du|des|la|le|les|l['’]|d['’])\s*)*"
FR_STREET_RE = re.compile(
    r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+"
    r"(?i:rue|avenue|av\.|boulevard|bd|place|allée|allee|impasse|chemin|quai|cours|route|passage)"
    rf"\s+{_FR_ARTICLE}[A-ZÉÈÀ][\w'’-]*(?:\s+{_FR_ARTICLE}[A-ZÉÈÀ][\w'’-]*){{0,3}}"
)
UNIT_RE = re.compile(r"\b(?:Flat|Apt\.?|Apartment|Suite|Unit)\s*#?\d{1,4}[A-Z]?\b")
# Only counts next to another part: "10115 Berlin", "F-75002 Paris"
POSTCODE_TOWN_RE = re.compile(r"\b(?:[DF]-)?\d{5}\s+[A-ZÄÖÜÉ][\wäöüßéèêàç'’-]+")
_GAP_RE = re.compile(r"[\s,]*(?:[A-ZÄÖÜÉ][\w'’.-]*[\s,]*){0,3}")
_ORDINAL_RE = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)


def _postcodes(text: str) -> list[tuple[int, int]]:
    out = []
    for m in UK_POSTCODE_RE.finditer(text):
        value = m.group(0)
        # "b12 9th" is a vitamin and a date, "LS1 4AB" and "ls1 4ab" are postcodes
        if value != value.upper() and (_ORDINAL_RE.search(value) or " " not in value):
            continue
        out.append((m.start(), m.end()))
    return out


def find_addresses(text: str) -> list[tuple[int, int]]:
    """Character spans of addresses (street lines, postcodes and what joins them)."""
    if not any(ch.isdigit() for ch in text):
        return []
    anchors: list[tuple[int, int]] = _postcodes(text)
    for pattern in (STREET_RE, DE_STREET_RE, FR_STREET_RE, US_ZIP_RE, UNIT_RE):
        anchors += [(m.start(), m.end()) for m in pattern.finditer(text)]
    if not anchors:
        return []
    extras = [(m.start(), m.end()) for m in POSTCODE_TOWN_RE.finditer(text)]
    spans = sorted(anchors + extras)
    merged: list[list[int]] = []
    is_anchor: list[bool] = []
    for start, end in spans:
        anchor = (start, end) in anchors
        if merged and (start <= merged[-1][1] or _joins(text[merged[-1][1] : start])):
            merged[-1][1] = max(merged[-1][1], end)
            is_anchor[-1] = is_anchor[-1] or anchor
        else:
            merged.append([start, end])
            is_anchor.append(anchor)
    return [(a, b) for (a, b), keep in zip(merged, is_anchor, strict=True) if keep]


def _joins(gap: str) -> bool:
    """True when only separators and at most a town name lie between two parts."""
    return len(gap) <= 40 and _GAP_RE.fullmatch(gap) is not None
