"""The ingest stage: sources → records, column roles and row accounting.

:func:`ingest` reads every :class:`~personas.models.Source` that discover
found, with one reader per format family:

* tables (CSV/TSV/JSON/JSONL): :mod:`.tables` reads, :mod:`.roles` decides
  what each column is, :mod:`.rows` turns rows into records;
* support emails (.eml): :mod:`.eml`;
* social comments (Graph-API style JSON): :mod:`.social`.

Every input row ends up in its source's :class:`~personas.models.SourceAccount`
as used or skipped with a reason (``rows_total == rows_used + rows_skipped``).
A file that cannot be read at all gets one issue and the build goes on.
"""

from __future__ import annotations

import json
import logging
from email.message import EmailMessage
from pathlib import Path

from personas.config import Config
from personas.errors import InputError
from personas.ingest.eml import message_record, parse_message, shop_domains
from personas.ingest.roles import infer_roles
from personas.ingest.rows import table_records
from personas.ingest.social import is_social, load_posts, social_records
from personas.ingest.tables import decode, read_table
from personas.models import ColumnRole, IngestResult, Record, RowIssue, Source, SourceAccount

__all__ = ["ingest"]

log = logging.getLogger(__name__)


def ingest(input_dir: Path, sources: list[Source], config: Config) -> IngestResult:
    """Read every source into records; infer column roles; account for every row."""
    records: list[Record] = []
    roles: list[ColumnRole] = []
    accounts: list[SourceAccount] = []
    messages = _parse_messages(input_dir, [s for s in sources if s.format == "eml"])
    shop = shop_domains([m for m in messages.values() if isinstance(m, EmailMessage)])
    for source in sources:
        try:
            if source.format == "eml":
                got, issues, total = _read_email(source, messages[source.path], shop)
                found: list[ColumnRole] = []
            else:
                got, found, issues, total = _read_file(input_dir, source, config)
        except InputError as exc:
            got, found, total = [], [], 0
            issues = [RowIssue(source=source.path, reason=f"file skipped: {_plain(exc, source)}")]
            log.warning("%s", exc)
        except OSError as exc:  # vanished or unreadable between discover and ingest
            got, found, total = [], [], 0
            issues = [RowIssue(source=source.path, reason=f"file skipped: {exc.strerror}")]
            log.warning("%s: %s", source.path, exc.strerror)
        records.extend(got)
        roles.extend(found)
        accounts.append(_account(source, total, got, issues))
    return IngestResult(records=records, roles=roles, accounts=accounts)


def _parse_messages(input_dir: Path, sources: list[Source]) -> dict[str, EmailMessage | InputError]:
    parsed: dict[str, EmailMessage | InputError] = {}
    for source in sources:
        try:
            parsed[source.path] = parse_message(input_dir / source.path, source.path)
        except InputError as exc:
            parsed[source.path] = exc
    return parsed


def _read_email(
    source: Source, message: EmailMessage | InputError, shop: set[str]
) -> tuple[list[Record], list[RowIssue], int]:
    if isinstance(message, InputError):
        reason = (
            f"file skipped: {_plain(message, source)}"  # one message per file: the file is the row
        )
        return [], [RowIssue(source=source.path, locator=Path(source.path).name, reason=reason)], 1
    record, issues = message_record(source, message, shop)
    return ([record] if record else []), issues, 1


def _read_file(
    input_dir: Path, source: Source, config: Config
) -> tuple[list[Record], list[ColumnRole], list[RowIssue], int]:
    path = input_dir / source.path
    if source.format == "json" and source.kind == "social":
        data = _json_or_none(path, source.path)
        if data is not None and is_social(data):
            posts = load_posts(path, source.path)
            records, issues, total = social_records(source, posts)
            return records, [], issues, total
    table = read_table(path, source.format, source.path)
    found, issues = infer_roles(source.path, source.kind, table, config)
    issues = [
        RowIssue(source=source.path, reason=note, skipped=False) for note in table.notes
    ] + issues
    records, row_issues = table_records(source, table, found)
    return records, found, issues + row_issues, len(table.rows) + len(table.bad_rows)


def _plain(exc: Exception, source: Source) -> str:
    """The error message without the leading "<file>: " (the issue already names the file)."""
    return str(exc).removeprefix(f"{source.path}: ")


def _json_or_none(path: Path, name: str) -> object | None:
    text, _ = decode(path.read_bytes(), name)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _account(
    source: Source, total: int, records: list[Record], issues: list[RowIssue]
) -> SourceAccount:
    skipped = len({i.locator for i in issues if i.skipped and i.locator is not None})
    account = SourceAccount(
        source=source.path,
        kind=source.kind,
        rows_total=total,
        rows_used=len(records),
        rows_skipped=skipped,
        issues=issues,
    )
    if total != account.rows_used + skipped:
        log.error(
            "%s: row accounting does not add up (%d != %d used + %d skipped)",
            source.path,
            total,
            account.rows_used,
            skipped,
        )
    log.info("%s: %d rows, %d used, %d skipped", source.path, total, account.rows_used, skipped)
    return account
