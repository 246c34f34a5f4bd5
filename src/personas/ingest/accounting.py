"""Row accounting: every row of every file is used or skipped with a reason.

:func:`account` turns what a reader gave (:class:`FileResult`) into a
:class:`~personas.models.SourceAccount` and checks that the numbers add up:
``rows_total == rows_used + rows_skipped``, where used rows are the records,
the line items folded into their order, and analytics rows kept as context.

:func:`strict_problems` lists what ``--strict`` refuses: any skipped row or
file, and any file discover could not read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from personas.errors import InputError
from personas.ingest.result import IngestResult
from personas.models import (
    ColumnRole,
    ContextTable,
    RowIssue,
    Source,
    SourceAccount,
)

log = logging.getLogger(__name__)

# Files discover passes over that are not data (documentation next to the exports).
_NOT_DATA = (".md", ".txt", ".rst", ".pdf", ".html", ".htm", ".png", ".jpg", ".jpeg", ".gif")


@dataclass
class FileResult:
    """What reading one source gave."""

    records: int = 0  # records the source added to the record table
    roles: list[ColumnRole] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    context: list[ContextTable] = field(default_factory=list)
    total: int = 0  # rows seen (data rows, messages, comments)
    merged: int = 0  # rows folded into another row's record (order line items)
    context_rows: int = 0  # analytics rows kept as context


def account(source: Source, got: FileResult) -> SourceAccount:
    """The source's row accounting; logs an error if it does not add up."""
    skipped = len({i.locator for i in got.issues if i.skipped and i.locator is not None})
    used = got.records + got.merged + got.context_rows
    total = got.total + got.context_rows
    acc = SourceAccount(
        source=source.path,
        kind=source.kind,
        rows_total=total,
        rows_used=used,
        rows_skipped=skipped,
        issues=got.issues,
    )
    if total != used + skipped:
        log.error(
            "%s: row accounting does not add up (%d != %d used + %d skipped)",
            source.path,
            total,
            used,
            skipped,
        )
    log.info("%s: %d rows, %d used, %d skipped", source.path, total, used, skipped)
    return acc


def plain(exc: Exception, path: str) -> str:
    """The error message without the leading "<file>: " (the issue already names the file)."""
    return str(exc).removeprefix(f"{path}: ")


def strict_problems(file_issues: list[RowIssue], ingested: IngestResult) -> list[str]:
    """Every skip ``--strict`` makes fatal, as ``file, locator: reason`` lines."""
    out: list[str] = []
    for issue in file_issues:
        deliberate = "personas.toml" in issue.reason
        if issue.skipped and not deliberate and not issue.source.lower().endswith(_NOT_DATA):
            out.append(issue.text())
    for acc in ingested.accounts:
        out.extend(i.text() for i in acc.issues if i.skipped)
    return out


def refuse_skips(file_issues: list[RowIssue], ingested: IngestResult) -> None:
    """``--strict``: any skipped row or unreadable file stops the build, listing the first ones."""
    problems = strict_problems(file_issues, ingested)
    if problems:
        shown = "; ".join(problems[:5])
        more = (
            f" (and {len(problems) - 5} more; see `personas inspect`)" if len(problems) > 5 else ""
        )
        raise InputError(f"--strict: {len(problems)} skipped row(s) or file(s): {shown}{more}")
