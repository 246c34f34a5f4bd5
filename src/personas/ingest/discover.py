"""The discover stage: which files in the input folder to read, and as what.

Every file under the folder (recursively) with a supported extension becomes a
:class:`~personas.models.Source`. Its format comes from the extension, checked
against the first bytes (an XLSX workbook saved as ``.csv``, a CSV saved as
``.xls`` and an mbox archive without its extension are read for what they are,
and the reason says so). Its kind comes from sniffing:

* ``.eml`` and ``.mbox`` → support; JSON tickets with comment threads → support;
* JSON whose items have comments / ``from`` / ``message`` → social;
* a table with a rating/stars column and a review text column → reviews;
* a table with a text column and a handle column (X/Twitter-like) → social;
* a table with ticket / requester columns and a message column → support;
* a table of metrics by device / region / source naming no one → analytics;
* a table with an order total/amount and an email or customer column and no
  free-text or question column → orders;
* any other table → survey (question-like headers or a timestamp say so).

``personas.toml`` ``[sources."path"]`` can set ``kind`` or ``skip = true``.
Hidden files and folders, ``personas.toml`` itself and personas output folders
are passed over silently; other files are reported as ignored.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from personas.config import CONFIG_NAME, REVIEW_HISTORY_NAME, Config
from personas.errors import InputError, NoUsableInput
from personas.ingest import vocabulary as vocab
from personas.ingest.accounting import plain
from personas.ingest.formats import FORMATS, SUPPORTED, sniff_format
from personas.ingest.jsontables import load_json
from personas.ingest.profile import normalise_header
from personas.ingest.social import is_social
from personas.ingest.tablefiles import read_table
from personas.ingest.tables import Table
from personas.ingest.tickets import is_tickets
from personas.models import RowIssue, Source, SourceFormat, SourceKind
from personas.output.folder import RUN_JSON, OutputFolder

_SNIFF_BYTES = 256 * 1024
_NOT_BODY = re.compile(r"\b(id|title|headline|date|created|stars?|rating|score|url|reply)\b")
_BODY = re.compile(r"\b(body|content|text|comments?)\b")
_POST_MARKS = re.compile(r"(?:^|[\s(.,])[@#][A-Za-z0-9_]{2,}|^RT @|https?://t\.co/")
_NAME_HINTS: tuple[tuple[str, SourceKind], ...] = (
    ("review", "reviews"),
    ("order", "orders"),
    ("survey", "survey"),
    ("response", "survey"),
)


def discover(input_dir: Path, config: Config) -> tuple[list[Source], list[RowIssue]]:
    """Every supported file under ``input_dir`` as a Source (sorted by path), plus ignored files."""
    if not input_dir.is_dir():
        what = "not a folder" if input_dir.exists() else "folder not found"
        raise InputError(f"{input_dir}: {what}")
    sources: list[Source] = []
    issues: list[RowIssue] = []
    skipped_by_config = 0
    for path in _files(input_dir):
        rel = path.relative_to(input_dir).as_posix()
        fmt, why_format = sniff_format(path, FORMATS.get(path.suffix.lower()))
        if fmt is None:
            issues.append(RowIssue(source=rel, reason=f"ignored: {why_format}"))
            continue
        override = config.sources.get(rel)
        if override is not None and override.skip:
            skipped_by_config += 1
            issues.append(RowIssue(source=rel, reason="skipped: personas.toml sets skip = true"))
            continue
        kind, reason = sniff_kind(path, fmt, rel)
        if why_format:
            reason = f"{why_format}; {reason}"
        if override is not None and override.kind is not None:
            kind, reason = override.kind, f"set in personas.toml (sniffing said {kind})"
        try:
            sources.append(_source(path, rel, kind, fmt, reason))
        except InputError as exc:
            issues.append(RowIssue(source=rel, reason=f"skipped: {exc}".replace(f"{rel}: ", "")))
    issues.extend(_unknown_config_paths(config, input_dir))
    if not sources:
        if skipped_by_config:
            raise NoUsableInput(f"{input_dir}: every supported file is skipped in personas.toml")
        raise NoUsableInput(f"{input_dir}: no supported files ({SUPPORTED}) found")
    return sources, issues


def sniff_kind(path: Path, fmt: SourceFormat, name: str) -> tuple[SourceKind, str]:
    """Decide a file's kind from its extension and headers; the reason says why."""
    if fmt == "eml":
        return "support", ".eml file: a support email"
    if fmt == "mbox":
        return "support", "mbox archive: support emails"
    if fmt == "json":
        try:
            data = load_json(path, name)
        except InputError:
            data = None
        if data is not None and is_tickets(data):
            return "support", "JSON tickets with comment / conversation threads"
        if data is not None and is_social(data):
            return "social", "JSON posts with comments, authors (from) and messages"
    try:
        table = read_table(path, fmt, name, max_bytes=_SNIFF_BYTES)
    except InputError as exc:
        return "survey", f"header could not be read ({plain(exc, name)}); assumed survey"
    return table_kind(table, Path(name).stem.lower())


def table_kind(table: Table, stem: str = "") -> tuple[SourceKind, str]:
    """Reviews, orders or survey, from column headers (file name only breaks ties)."""
    headers = [(c.name, normalise_header(c.name)) for c in table.columns]
    if headers and headers[0][1] == "timestamp":
        return "survey", "header sniffing: a Google Forms timestamp column"
    layout = next((n for n in table.notes if "export layout" in n), None)
    if layout:
        return "survey", f"survey tool export: {layout}"
    short = [(n, h) for n, h in headers if len(h.split()) <= 6]
    rating = next((n for n, h in short if vocab.RATING_H.search(h) and "recommend" not in h), None)
    bodies = [(n, h) for n, h in short if vocab.REVIEW_TEXT_H.search(h) and not _NOT_BODY.search(h)]
    body = next((n for n, h in bodies if _BODY.search(h)), bodies[0][0] if bodies else None)
    if rating and body:
        return (
            "reviews",
            f'header sniffing: rating column "{rating}" and review text column "{body}"',
        )
    social = _social_kind(table, headers)
    if social:
        return social
    complaint = next(
        (n for n, h in short if vocab.COMPLAINT_H.search(h) and not n.rstrip().endswith("?")), None
    )
    if complaint:
        return "support", f'header sniffing: complaint / case text column "{complaint}"'
    special = _special_kind(headers)
    if special:
        return special
    money = next(
        (n for n, h in short if vocab.ORDER_MONEY_H.search(h) and len(h.split()) <= 4), None
    )
    customer = next((n for n, h in short if vocab.CUSTOMER_H.search(h)), None)
    questions = [n for n, h in headers if n.rstrip().endswith("?") or vocab.FREE_TEXT_H.search(h)]
    if money and customer and not questions:
        return (
            "orders",
            f'header sniffing: amount column "{money}", customer column "{customer}", no free text',
        )
    question_like = [n for n, h in headers if n.rstrip().endswith("?") or len(h.split()) >= 6]
    if question_like:
        return "survey", f'header sniffing: question-like columns such as "{question_like[0][:60]}"'
    if any(h in ("timestamp", "submitted at", "submission date") for _, h in headers):
        return "survey", "header sniffing: a form timestamp column"
    if money and any(vocab.ORDER_H.search(h) for _, h in headers):
        return "orders", f'header sniffing: amount column "{money}" and order columns'
    for hint, kind in _NAME_HINTS:
        if hint in stem:
            return kind, f'no telling columns; file name mentions "{hint}"'
    return "survey", "a table without review or order columns; read as survey answers"


def _social_kind(table: Table, headers: list[tuple[str, str]]) -> tuple[SourceKind, str] | None:
    """Posts from a social platform: a text column whose values are written like posts
    (@mentions, #hashtags, "RT @", t.co links), or beside columns only a platform writes
    (tweet_*, retweet_count, user_*). Brand and place columns stay as categories."""
    texts = [
        (i, n)
        for i, (n, h) in enumerate(headers)
        if vocab.SOCIAL_TEXT_H.match(h) or vocab.POST_TEXT_H.search(h)
    ]
    if not texts:
        return None
    text_names = {n for _, n in texts}
    meta = next(
        (n for n, h in headers if vocab.SOCIAL_META_H.search(h) and n not in text_names), None
    )
    if meta and not any(n.rstrip().endswith("?") for n, _ in headers):
        said = texts[0][1]
        return "social", f'header sniffing: post text column "{said}" beside "{meta}"'
    rows = [cells for _, cells in table.sample(200)]
    for i, name in texts:
        values = [c[i] for c in rows if i < len(c) and c[i].strip()]
        marked = sum(1 for v in values if _POST_MARKS.search(v))
        if len(values) >= 5 and marked >= 0.3 * len(values):
            share = round(100 * marked / len(values))
            return (
                "social",
                f'content sniffing: {share}% of "{name}" read like posts (@mentions, #hashtags)',
            )
    return None


def _special_kind(headers: list[tuple[str, str]]) -> tuple[SourceKind, str] | None:
    """Social posts, support tickets and analytics tables, from their headers (not surveys)."""
    if any(n.rstrip().endswith("?") or len(h.split()) >= 6 for n, h in headers):
        return None
    said = next((n for n, h in headers if vocab.SOCIAL_TEXT_H.match(h)), None)
    who = next((n for n, h in headers if vocab.SOCIAL_WHO_H.search(h)), None)
    if said and who:
        return "social", f'header sniffing: post text column "{said}" and handle column "{who}"'
    ticket = next((n for n, h in headers if vocab.TICKET_H.search(h)), None)
    body = next((n for n, h in headers if vocab.FREE_TEXT_H.search(h) or h == "description"), None)
    if ticket and body:
        return "support", f'header sniffing: ticket column "{ticket}" and message column "{body}"'
    metric = next((n for n, h in headers if vocab.METRIC_H.search(h)), None)
    dimension = next((n for n, h in headers if vocab.DIMENSION_H.search(h)), None)
    people = any(vocab.CUSTOMER_H.search(h) or vocab.PERSON_ID_H.search(h) for _, h in headers)
    if metric and dimension and not people and len(headers) <= 20:
        return (
            "analytics",
            f'header sniffing: metric column "{metric}" by "{dimension}", naming no one',
        )
    return None


def _files(input_dir: Path) -> list[Path]:
    found: list[Path] = []
    outputs = {p.parent for p in input_dir.rglob(RUN_JSON) if OutputFolder(p.parent).is_build()}
    for path in input_dir.rglob("*"):
        rel = path.relative_to(input_dir)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.name in (CONFIG_NAME, REVIEW_HISTORY_NAME) or any(
            parent in outputs for parent in path.parents
        ):
            continue
        found.append(path)
    return sorted(found, key=lambda p: p.relative_to(input_dir).as_posix())


def _source(path: Path, rel: str, kind: SourceKind, fmt: SourceFormat, reason: str) -> Source:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise InputError(f"{rel}: cannot read the file: {exc.strerror}") from None
    return Source(
        path=rel,
        kind=kind,
        format=fmt,
        sha256=digest.hexdigest(),
        size_bytes=path.stat().st_size,
        reason=reason,
    )


def _unknown_config_paths(config: Config, input_dir: Path) -> list[RowIssue]:
    return [
        RowIssue(
            source=rel,
            skipped=False,
            reason=f'personas.toml has settings for "{rel}", which is not in the folder',
        )
        for rel in sorted(config.sources)
        if not (input_dir / rel).is_file()
    ]
