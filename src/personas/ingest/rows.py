"""Table rows → :class:`Record` objects, with a ``RowIssue`` for everything left out.

One call per table: :func:`read_records`. Rows are streamed (a big file is
never held whole) and each record goes straight into a record table being
built (:mod:`.recordtable`), so neither the rows nor the records are held as
Python objects; each row is read with the column roles decided earlier
(:mod:`.cells`); a value that cannot be read is dropped with an issue (the row
is still used), a row with nothing usable or one that is not a customer's voice
(:mod:`.filters`) is skipped with an issue, repeated submissions by the same
respondent keep only the latest, and order line items are folded into their
order (:mod:`.orders`).

Row-level respondents: a survey response with no identity is still a person,
and so is a review that carries age/gender/region/... in a file with no
identity column at all; both get the key
``row:<record_id>`` (identity marks them ``identified=False``). Other rows
without an identity stay anonymous (``respondent_key=None``).
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from personas.ingest.cells import (
    RowValues,
    age_from_birth,
    drop_repeated_titles,
    finish_choices,
    read_cell,
    reference_year,
)
from personas.ingest.dates import detect_dayfirst, iso_date, parse_datetime
from personas.ingest.filters import RowFilter, row_filters, skip_reason
from personas.ingest.orders import PRODUCTS, LineItems, order_id_column
from personas.ingest.profile import normalise_header
from personas.ingest.recordtable import RecordSink, RecordTableBuilder
from personas.ingest.tables import Cells, Table, aligned
from personas.models import ATTRIBUTE_ROLES, ColumnRole, Record, RowIssue, Source

_DATE_PRIORITY = ("submitted", "timestamp", "created", "recorded", "completed", "end", "date")
_TITLE_FIELDS = {"title", "review title", "summary", "headline", "subject", "review headline"}
_V = TypeVar("_V")
_NOTHING = "nothing usable: no text, rating, NPS, amount, identity or answers"


@dataclass
class _Plan:
    """Which column plays which part in one table, decided once per file."""

    source: Source
    roles: list[ColumnRole]
    keys: dict[int, str] = field(default_factory=dict)  # attribute key per column index
    dated: list[tuple[int, bool]] = field(default_factory=list)  # (date column, dayfirst)
    newest_year: int | None = None
    filters: list[RowFilter] = field(default_factory=list)
    order_id: int | None = None  # orders: the column naming the order of a line item
    titles: frozenset[str] = frozenset()  # title-like text columns (kept if they add words)
    has_identity: bool = False  # the table has an identity column


@dataclass
class TableRecords:
    """What one table gave: records added, issues, rows seen, and rows folded into others."""

    records: int
    issues: list[RowIssue]
    total: int
    merged: int = 0


def table_records(
    source: Source, table: Table, roles: list[ColumnRole]
) -> tuple[list[Record], list[RowIssue]]:
    """Read every row of ``table``; return the usable records and every issue found."""
    sink = RecordTableBuilder()
    got = read_records(source, table, roles, sink)
    return list(sink.finish()), got.issues


def read_records(
    source: Source, table: Table, roles: list[ColumnRole], sink: RecordSink | None = None
) -> TableRecords:
    """Read every row of ``table`` (streamed) into ``sink``, with the row count and merged
    line items (no sink: the records are only counted, as the fuzz tests need)."""
    out: RecordSink = RecordTableBuilder() if sink is None else sink
    start = len(out)
    plan = _plan(source, table, roles)
    path, width = source.path, len(roles)
    issues: list[RowIssue] = []
    if plan.newest_year is None and any(r.role == "birth_year" for r in roles):
        reason = "no dates in the file, so ages cannot be worked out from birth years"
        issues.append(RowIssue(source=path, skipped=False, reason=reason))
    money = next((r for r in roles if r.role == "money"), None)
    lines = LineItems(total_column=money is not None and _is_total(money.column), out=out)
    latest: dict[bytes, tuple[datetime, int]] = {}  # digest of answers -> kept submission
    total = 0
    for locator, raw in table.rows:
        total += 1
        if len(raw) > width and any(c.strip() for c in raw[width:]):
            why = f"{len(raw)} cells but {width} columns; extra cells ignored"
            issues.append(RowIssue(source=path, locator=locator, reason=why, skipped=False))
        cells = aligned(raw, width)
        order = cells[plan.order_id].strip() if plan.order_id is not None else ""
        merging = bool(order) and order.lower() in lines.orders
        record, moment = _read_row(plan, locator, cells, issues, merging)
        if record is None:
            continue
        if plan.order_id is not None:
            lines.add(order, record)
        else:
            _keep_latest(plan, lines.out, latest, record, moment, issues)
    problems = table.problems()
    issues += [RowIssue(source=path, locator=loc, reason=why) for loc, why in problems]
    lines.finish()
    note = lines.note()
    if note:
        issues.insert(0, RowIssue(source=path, reason=note, skipped=False))
    return TableRecords(len(out) - start, issues, total + len(problems), lines.merged)


def _is_total(column: str) -> bool:
    return "total" in normalise_header(column)


def _plan(source: Source, table: Table, roles: list[ColumnRole]) -> _Plan:
    plan = _Plan(source=source, roles=roles)
    plan.has_identity = any(r.role == "identity" for r in roles)
    used: set[str] = set()
    for i, role in enumerate(roles):
        if role.role in ATTRIBUTE_ROLES:
            plan.keys[i] = role.role
        elif role.role == "category" and role.multiple and role.group:
            key = role.group[:60].strip()
            plan.keys[i] = key if key in used else _unique_key(key, used)
        elif role.role == "category":
            plan.keys[i] = _unique_key(role.column[:60].strip(), used)
    names = [c.name for c in table.columns]
    headers = [normalise_header(n) for n in names]
    plan.titles = frozenset(
        r.column
        for r, h in zip(roles, headers, strict=True)
        if r.role == "text" and h in _TITLE_FIELDS
    )
    plan.filters = row_filters(source.kind, names, table.notes)
    if source.kind == "orders":
        plan.order_id = order_id_column(names)
    sample = [cells for _, cells in table.sample(2000)]
    dated = [i for i, r in enumerate(roles) if r.role == "date"]
    order = sorted(dated, key=lambda i: (_date_rank(roles[i].column), i))
    plan.dated = [(i, detect_dayfirst(c[i] for c in sample if i < len(c))) for i in order]
    if any(r.role == "birth_year" for r in roles):
        years = (m.year for _, cells in table.rows if (m := _moment(plan, cells)) is not None)
        plan.newest_year = max(years, default=None)
    return plan


def _moment(plan: _Plan, cells: Cells) -> datetime | None:
    """The row's date: the first readable one among the date columns, best column first."""
    for i, dayfirst in plan.dated:
        if i < len(cells):
            moment = parse_datetime(cells[i], dayfirst)
            if moment is not None:
                return moment
    return None


def _date_rank(column: str) -> int:
    header = normalise_header(column)
    return next((n for n, word in enumerate(_DATE_PRIORITY) if word in header), len(_DATE_PRIORITY))


def _unique_key(key: str, used: set[str]) -> str:
    candidate, n = key, 1
    while candidate in used or candidate in ATTRIBUTE_ROLES or candidate == PRODUCTS:
        n += 1
        candidate = f"{key} ({n})"
    used.add(candidate)
    return candidate


def _read_row(
    plan: _Plan, locator: str, cells: Cells, issues: list[RowIssue], merging: bool
) -> tuple[Record | None, datetime | None]:
    path = plan.source.path
    skip = "empty row" if not any(c.strip() for c in cells) else skip_reason(plan.filters, cells)
    if skip:
        issues.append(RowIssue(source=path, locator=locator, reason=skip))
        return None, None

    def note(column: str, reason: str) -> None:
        issues.append(
            RowIssue(source=path, locator=locator, column=column, reason=reason, skipped=False)
        )

    values = RowValues()
    for i, (role, raw) in enumerate(zip(plan.roles, cells, strict=True)):
        read_cell(values, role, plan.keys.get(i), raw, note)
    finish_choices(values)
    moment = _moment(plan, cells)
    age_from_birth(values, reference_year(moment, plan.newest_year), note)
    values.texts = drop_repeated_titles(values.texts, plan.titles)
    kind = plan.source.kind
    usable = (
        values.texts
        or values.has_number()
        or values.key
        or (kind == "survey" and values.attributes)
    )
    if not usable and not merging:
        issues.append(RowIssue(source=path, locator=locator, reason=_NOTHING))
        return None, None
    return _record(plan, locator, values, moment), moment


def _record(plan: _Plan, locator: str, values: RowValues, moment: datetime | None) -> Record:
    source = plan.source
    record_id = f"{source.path}#{locator}"
    key = values.key
    person = any(k in values.attributes for k in ATTRIBUTE_ROLES)
    # A review is a person of its own only in a file that identifies nobody: where
    # the file has an identity column, a review without one is anonymous voice.
    row_person = source.kind == "reviews" and person and not plan.has_identity
    if key is None and (source.kind == "survey" or row_person):
        key = f"row:{record_id}"
    # Built without re-validation: every value was parsed to its type above, and a
    # big file makes a million of these (see benchmarks/ingest_scale.py).
    return Record.model_construct(
        RECORD_FIELDS,
        record_id=record_id,
        source=source.path,
        source_kind=source.kind,
        locator=locator,
        respondent_key=key,
        date=_shared(iso_date(moment)),
        texts=tuple(values.texts),
        rating=values.rating,
        nps=values.nps,
        amount=_net(values),
        attributes={k: _shared(v) for k, v in values.attributes.items()},
        names=tuple(_shared(n) for n in dict.fromkeys(values.names)),
        choices={k: tuple(v) for k, v in values.choices.items() if v},
        aliases=tuple(values.aliases),
    )


RECORD_FIELDS = set(Record.model_fields)


def _net(values: RowValues) -> float | None:
    """The order's amount less what was refunded on it (never below zero)."""
    if values.amount is None or not values.refund:
        return values.amount
    return round(max(values.amount - values.refund, 0.0), 2)


def _shared(value: _V) -> _V:
    """One string object for repeated short values (dates, regions, names) across rows."""
    if isinstance(value, str) and len(value) <= 64:
        # sys.intern returns the very type it is given (an exact str), but typeshed
        # declares plain ``str``, which mypy cannot match to the type variable _V.
        return sys.intern(value)  # type: ignore[return-value]
    return value


def _keep_latest(
    plan: _Plan,
    out: RecordSink,
    latest: dict[bytes, tuple[datetime, int]],
    record: Record,
    moment: datetime | None,
    issues: list[RowIssue],
) -> None:
    """Same identified respondent, same answers, same file → keep the latest submission."""
    key = record.respondent_key
    if plan.source.kind not in ("survey", "reviews") or key is None or key.startswith("row:"):
        out.append(record)
        return
    # A digest, not the answers' text: a big file has hundreds of thousands of these.
    said = repr((key, record.texts, record.rating, record.nps, sorted(record.attributes.items())))
    answers = hashlib.blake2b(said.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    when = moment or datetime.min
    seen = latest.get(answers)
    if seen is None:
        latest[answers] = (when, len(out))
        out.append(record)
        return
    kept = out[seen[1]]
    older, newer = (kept, record) if when >= seen[0] else (record, kept)
    reason = f"duplicate submission: same respondent and answers as {newer.locator}, which is kept"
    issues.append(RowIssue(source=plan.source.path, locator=older.locator, reason=reason))
    if newer is record:
        latest[answers] = (when, seen[1])
        out[seen[1]] = record
