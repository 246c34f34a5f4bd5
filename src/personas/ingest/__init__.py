"""The ingest stage: sources → records, column roles and row accounting.

:func:`ingest` reads every :class:`~personas.models.Source` that discover
found, with one reader per format family:

* tables (CSV/TSV/TXT, JSON/JSONL, XLSX with every sheet, Parquet):
  :mod:`.tablefiles` reads, :mod:`.roles` decides what each column is,
  :mod:`.rows` turns rows into records;
* support email (.eml files, .mbox archives): :mod:`.eml`, :mod:`.mbox`;
* support tickets (Zendesk / Freshdesk-like JSON): :mod:`.tickets`;
* social comments (Graph-API style JSON): :mod:`.social`;
* analytics exports that name no people are kept whole as report context.

Records go into one :class:`~personas.ingest.recordtable.RecordTable` as they
are read (Arrow columns, not a list of objects: a million-row export fits), and
:func:`~personas.ingest.keys.resolve_keys` joins aliased keys on its columns.

Every input row ends up in its source's :class:`~personas.models.SourceAccount`
as used or skipped with a reason (``rows_total == rows_used + rows_skipped``).
A file that cannot be read at all gets one issue and the build goes on.
"""

from __future__ import annotations

import logging
from pathlib import Path

from personas.config import Config
from personas.errors import InputError
from personas.ingest.accounting import FileResult, account, plain
from personas.ingest.eml import message_record, mime_note, parse_message, shop_domains
from personas.ingest.jsontables import load_json, object_list
from personas.ingest.keys import resolve_keys
from personas.ingest.mbox import Message, read_mbox
from personas.ingest.people import people_from_rows
from personas.ingest.recordtable import RecordTableBuilder
from personas.ingest.result import IngestResult
from personas.ingest.roles import infer_roles
from personas.ingest.rows import read_records
from personas.ingest.social import is_social, social_records
from personas.ingest.tablefiles import read_tables
from personas.ingest.tickets import is_tickets, ticket_records
from personas.models import ColumnRole, ContextTable, RowIssue, Source

__all__ = ["ingest"]

log = logging.getLogger(__name__)
_CONTEXT_ROWS = 500


def ingest(input_dir: Path, sources: list[Source], config: Config) -> IngestResult:
    """Read every source into records; infer column roles; account for every row."""
    records = RecordTableBuilder()
    roles: list[ColumnRole] = []
    context: list[ContextTable] = []
    accounts = []
    mail = _read_mail(input_dir, [s for s in sources if s.format in ("eml", "mbox")])
    shop = shop_domains([m.message for ms in mail.values() for m in ms if m.message is not None])
    for source in sources:
        start = len(records)
        try:
            if source.format in ("eml", "mbox"):
                got = _email_result(source, mail[source.path], shop, records)
            else:
                got = _read_file(input_dir, source, config, records)
        except InputError as exc:
            records.truncate(start)  # a file that fails half-way gives no records
            reason = f"file skipped: {plain(exc, source.path)}"
            got = FileResult(issues=[RowIssue(source=source.path, reason=reason)])
            log.warning("%s", exc)
        except OSError as exc:  # vanished or unreadable between discover and ingest
            records.truncate(start)
            reason = f"file skipped: {exc.strerror}"
            got = FileResult(issues=[RowIssue(source=source.path, reason=reason)])
            log.warning("%s: %s", source.path, exc.strerror)
        roles.extend(got.roles)
        context.extend(got.context)
        accounts.append(account(source, got))
    table, people = people_from_rows(resolve_keys(records.finish()))
    return IngestResult(
        records=table, roles=roles, accounts=accounts, context=context, people=people
    )


def _read_mail(input_dir: Path, sources: list[Source]) -> dict[str, list[Message]]:
    """Every message of every .eml and .mbox source, parsed once (shop domains need them all)."""
    parsed: dict[str, list[Message]] = {}
    for source in sources:
        path = input_dir / source.path
        if source.format == "mbox":
            try:
                parsed[source.path] = read_mbox(path, source.path)
            except InputError as exc:
                parsed[source.path] = [Message(locator="", error=plain(exc, source.path))]
            continue
        try:
            message = parse_message(path, source.path)
            parsed[source.path] = [Message("", message, note=mime_note(message))]
        except InputError as exc:
            parsed[source.path] = [Message(Path(source.path).name, error=plain(exc, source.path))]
    return parsed


def _email_result(
    source: Source, messages: list[Message], shop: set[str], out: RecordTableBuilder
) -> FileResult:
    result = FileResult()
    for item in messages:
        if item.message is None:
            if not item.locator:  # the whole archive is unreadable
                raise InputError(f"{source.path}: {item.error}")
            reason = f"file skipped: {item.error}" if source.format == "eml" else item.error
            result.issues.append(RowIssue(source=source.path, locator=item.locator, reason=reason))
            result.total += 1
            continue
        result.total += 1
        record, issues = message_record(source, item.message, shop, item.locator)
        result.issues.extend(issues)
        if item.note:
            result.issues.append(
                RowIssue(
                    source=source.path,
                    locator=record.locator if record else item.locator,
                    reason=item.note,
                    skipped=False,
                )
            )
        if record is not None:
            out.append(record)
            result.records += 1
    return result


def _read_file(
    input_dir: Path, source: Source, config: Config, out: RecordTableBuilder
) -> FileResult:
    path = input_dir / source.path
    if source.format == "json" and source.kind in ("social", "support"):
        data = load_json(path, source.path)
        if source.kind == "social" and is_social(data):
            records, issues, total = social_records(source, object_list(data) or [])
            out.extend(records)
            return FileResult(records=len(records), issues=issues, total=total)
        if source.kind == "support" and is_tickets(data):
            records, issues, total = ticket_records(source, data, shop_words=set())
            out.extend(records)
            return FileResult(records=len(records), issues=issues, total=total)
    result = FileResult()
    for table in read_tables(path, source.format, source.path):
        result.issues += [
            RowIssue(source=source.path, reason=n, skipped=False) for n in table.notes
        ]
        found, issues = infer_roles(source.path, source.kind, table, config)
        result.roles += found
        result.issues += issues
        if source.kind == "analytics":
            rows = [cells for _, cells in table.sample(_CONTEXT_ROWS)]
            columns = [r.column for r in found]
            result.context.append(ContextTable(source=source.path, columns=columns, rows=rows))
            result.context_rows += sum(1 for _ in table.rows)
            continue
        got = read_records(source, table, found, out)
        result.records += got.records
        result.issues += got.issues
        result.total += got.total
        result.merged += got.merged
    if result.total == 0 and not result.context_rows:
        raise InputError(f"{source.path}: no data rows below the header")
    return result
