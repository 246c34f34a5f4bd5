"""Table rows → :class:`Record` objects, with a ``RowIssue`` for everything left out.

One call per table: :func:`table_records`. Each row is read with the column
roles decided earlier (:mod:`.cells`); a value that cannot be read is dropped
with an issue (the row is still used), a row with nothing usable is skipped
with an issue, and repeated submissions by the same respondent keep only the
latest.

Row-level respondents: a survey response with no identity is still a person,
and so is a review that carries age/gender/region/... in a file with no
identity column at all; both get the key
``row:<record_id>`` (identity marks them ``identified=False``). Other rows
without an identity stay anonymous (``respondent_key=None``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from personas.ingest.cells import (
    RowValues,
    age_from_birth,
    drop_repeated_titles,
    read_cell,
    reference_year,
)
from personas.ingest.dates import detect_dayfirst, iso_date, parse_datetime
from personas.ingest.profile import normalise_header
from personas.ingest.tables import Table
from personas.models import ATTRIBUTE_ROLES, ColumnRole, Record, RowIssue, Source

_UNPUBLISHED = {"spam", "unpublished", "hidden", "rejected", "pending"}
_DATE_PRIORITY = ("submitted", "timestamp", "created", "recorded", "completed", "end", "date")
_TITLE_FIELDS = {"title", "review title", "summary", "headline", "subject"}
_NOTHING = "nothing usable: no text, rating, NPS, amount, identity or answers"


@dataclass
class _Plan:
    """Which column plays which part in one table, decided once per file."""

    source: Source
    roles: list[ColumnRole]
    keys: dict[int, str] = field(default_factory=dict)  # attribute key per column index
    moments: dict[str, datetime | None] = field(default_factory=dict)  # locator -> row date
    newest_year: int | None = None
    state: int | None = None  # reviews: the published/spam column
    titles: frozenset[str] = frozenset()  # title-like text columns (kept if they add words)


@dataclass
class _Row:
    locator: str
    record: Record | None
    issues: list[RowIssue]


def table_records(
    source: Source, table: Table, roles: list[ColumnRole]
) -> tuple[list[Record], list[RowIssue]]:
    """Read every row of ``table``; return the usable records and every issue found."""
    plan = _plan(source, table, roles)
    issues = [RowIssue(source=source.path, locator=loc, reason=why) for loc, why in table.bad_rows]
    issues += [
        RowIssue(source=source.path, locator=loc, reason=why, skipped=False)
        for loc, why in table.cell_notes
    ]
    if plan.newest_year is None and any(r.role == "birth_year" for r in roles):
        reason = "no dates in the file, so ages cannot be worked out from birth years"
        issues.append(RowIssue(source=source.path, skipped=False, reason=reason))
    rows = _drop_duplicates(plan, [_read_row(plan, loc, cells) for loc, cells in table.rows])
    for row in rows:
        issues.extend(row.issues)
    return [row.record for row in rows if row.record is not None], issues


def _plan(source: Source, table: Table, roles: list[ColumnRole]) -> _Plan:
    plan = _Plan(source=source, roles=roles)
    used: set[str] = set()
    for i, role in enumerate(roles):
        if role.role in ATTRIBUTE_ROLES:
            plan.keys[i] = role.role
        elif role.role == "category":
            plan.keys[i] = _unique_key(role.column[:60].strip(), used)
    headers = [normalise_header(r.column) for r in roles]
    plan.titles = frozenset(
        r.column
        for r, h in zip(roles, headers, strict=True)
        if r.role == "text" and h in _TITLE_FIELDS
    )
    if source.kind == "reviews":
        states = ("state", "status", "review state")
        plan.state = next((i for i, h in enumerate(headers) if h in states), None)
    plan.moments = _moments(table, roles)
    years = [m.year for m in plan.moments.values() if m is not None]
    plan.newest_year = max(years) if years else None
    return plan


def _moments(table: Table, roles: list[ColumnRole]) -> dict[str, datetime | None]:
    """Each row's date: the first readable one among the date columns, best column first."""
    dated = [i for i, r in enumerate(roles) if r.role == "date"]
    order = sorted(dated, key=lambda i: (_date_rank(roles[i].column), i))
    dayfirst = {i: detect_dayfirst(cells[i] for _, cells in table.rows[:2000]) for i in order}
    moments: dict[str, datetime | None] = {}
    for locator, cells in table.rows:
        found = (parse_datetime(cells[i], dayfirst[i]) for i in order)
        moments[locator] = next((m for m in found if m is not None), None)
    return moments


def _date_rank(column: str) -> int:
    header = normalise_header(column)
    return next((n for n, word in enumerate(_DATE_PRIORITY) if word in header), len(_DATE_PRIORITY))


def _unique_key(key: str, used: set[str]) -> str:
    candidate, n = key, 1
    while candidate in used or candidate in ATTRIBUTE_ROLES:
        n += 1
        candidate = f"{key} ({n})"
    used.add(candidate)
    return candidate


def _read_row(plan: _Plan, locator: str, cells: list[str]) -> _Row:
    path = plan.source.path
    skip = _skip_reason(plan, cells)
    if skip:
        return _Row(locator, None, [RowIssue(source=path, locator=locator, reason=skip)])
    issues: list[RowIssue] = []

    def note(column: str, reason: str) -> None:
        issues.append(
            RowIssue(source=path, locator=locator, column=column, reason=reason, skipped=False)
        )

    values = RowValues()
    for i, (role, raw) in enumerate(zip(plan.roles, cells, strict=True)):
        read_cell(values, role, plan.keys.get(i), raw, note)
    moment = plan.moments[locator]
    age_from_birth(values, reference_year(moment, plan.newest_year), note)
    values.texts = drop_repeated_titles(values.texts, plan.titles)
    kind = plan.source.kind
    if not (
        values.texts
        or values.has_number()
        or values.key
        or (kind == "survey" and values.attributes)
    ):
        return _Row(
            locator, None, [*issues, RowIssue(source=path, locator=locator, reason=_NOTHING)]
        )
    return _Row(locator, _record(plan, locator, values, moment), issues)


def _skip_reason(plan: _Plan, cells: list[str]) -> str | None:
    if not any(cell.strip() for cell in cells):
        return "empty row"
    state = cells[plan.state].strip() if plan.state is not None else ""
    if state.lower() in _UNPUBLISHED:
        return f'review state is "{state}": not published, so not used'
    return None


def _record(plan: _Plan, locator: str, values: RowValues, moment: datetime | None) -> Record:
    source = plan.source
    record_id = f"{source.path}#{locator}"
    key = values.key
    person = any(k in values.attributes for k in ATTRIBUTE_ROLES)
    # A review is a person of its own only in a file that identifies nobody: where
    # the file has an identity column, a review without one is anonymous voice.
    has_identity = any(r.role == "identity" for r in plan.roles)
    row_person = source.kind == "reviews" and person and not has_identity
    if key is None and (source.kind == "survey" or row_person):
        key = f"row:{record_id}"
    return Record(
        record_id=record_id,
        source=source.path,
        source_kind=source.kind,
        locator=locator,
        respondent_key=key,
        date=iso_date(moment),
        texts=tuple(values.texts),
        rating=values.rating,
        nps=values.nps,
        amount=values.amount,
        attributes=values.attributes,
        names=tuple(dict.fromkeys(values.names)),
    )


def _drop_duplicates(plan: _Plan, rows: list[_Row]) -> list[_Row]:
    """Same identified respondent, same answers, same file → keep the latest submission."""
    if plan.source.kind not in ("survey", "reviews"):
        return rows
    groups: dict[str, list[int]] = {}
    for n, row in enumerate(rows):
        rec = row.record
        if rec is None or rec.respondent_key is None or rec.respondent_key.startswith("row:"):
            continue
        answers = (
            rec.respondent_key,
            rec.texts,
            rec.rating,
            rec.nps,
            sorted(rec.attributes.items()),
        )
        groups.setdefault(repr(answers), []).append(n)
    out = list(rows)
    for members in groups.values():
        keep = max(members, key=lambda n: (plan.moments[rows[n].locator] or datetime.min, n))
        for n in members:
            if n != keep:
                reason = (
                    f"duplicate submission: same respondent and answers as {rows[keep].locator}, "
                    "which is kept"
                )
                issue = RowIssue(source=plan.source.path, locator=rows[n].locator, reason=reason)
                out[n] = _Row(rows[n].locator, None, [issue])
    return out
