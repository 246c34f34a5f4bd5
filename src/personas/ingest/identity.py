"""Respondents: the records of one person joined by their identity key.

Ingest gives each record a ``respondent_key``: ``email:<normalised address>``
or ``id:<kind of id>:<normalised id>`` (``id:customer:1001``: the kind comes
from the column, so ids of two systems cannot collide) when the row names the
person, or
``row:<record_id>`` for a survey response (or a review carrying age, gender,
region, ...) that belongs to *someone* we cannot name. Anonymous text (most
reviews and all social comments) has no key and is not a respondent, unless no
file identifies anyone: then each review, comment or ticket is a respondent,
and a social handle joins one account's posts (``author:<handle>``;
:mod:`personas.ingest.people`).

:func:`build_respondents` merges each key's records into one
:class:`~personas.models.Respondent`:

* attributes: the most recent non-empty value wins (records ordered by date,
  undated first, then by record id, so the result never depends on input order),
  except what orders say (:func:`merge_attributes`): ``products`` is every
  product of every order, and a value that varies from order to order
  (shipping method) is the person's usual one, not their last order's;
* ``nps``: the most recent answer; ``rating``: the mean of their ratings;
* orders (records from ``orders`` sources only): ``orders`` counts records with
  a positive amount; ``total_spend`` is the net sum (refunds are negative
  amounts and reduce it); ``avg_order_value`` is positive spend / orders;
  ``orders_per_year`` is orders / the years from their first order to the
  newest order date in the whole data, at least a quarter of a year so a
  brand-new customer is not credited with hundreds of orders a year;
  ``recency_days`` is days from their last order to the newest order date in
  the data (the data's "today", so a rebuild of old data gives the same answer).
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from personas.ingest.recordtable import RecordTable

# normalise_email lives with the other value parsers (ingest uses it too); it is
# part of this module's interface.
from personas.ingest.values import normalise_email
from personas.models import Interned, Record, Respondent

__all__ = [
    "build_respondents",
    "chronological",
    "is_identified",
    "link_rates",
    "merge_attributes",
    "normalise_email",
]

MIN_YEARS = 0.25
DAYS_PER_YEAR = 365.25


def build_respondents(
    records: Sequence[Record], reference_date: date | None = None
) -> list[Respondent]:
    """Merge records by respondent key into respondents, sorted by key (``None`` = skipped).

    Records are read once, in order, and each person is made when their last record
    has been read: only the records of people still to come are held, not every
    record of a big corpus at once.

    ``reference_date`` is the "today" for recency and order rates; by default the
    newest order date in ``records`` (``personas assign`` passes the build's).
    """
    last = {key: i for i, key in enumerate(_column(records, "respondent_key")) if key is not None}
    newest_order = reference_date or _newest_order_date(records)
    waiting: dict[str, list[Record]] = {}  # a key's records read so far, until its last
    out: list[Respondent] = []
    shared = Interned()  # people with the same sources or attributes share the one list / dict
    for i, record in enumerate(records):
        key = record.respondent_key
        if key is None:
            continue
        group = waiting.pop(key, [])
        group.append(record)
        if last[key] == i:
            person = _respondent(key, group, newest_order)
            person.sources, person.attributes = shared(person.sources), shared(person.attributes)
            out.append(person)
        else:
            waiting[key] = group
    out.sort(key=lambda r: r.key)
    return out


def _column(records: Sequence[Record], name: str) -> Iterable[Any]:
    """One field of every record: a record table's column, without building records."""
    if isinstance(records, RecordTable):
        return records.column(name)
    return (getattr(r, name) for r in records)


def is_identified(key: str) -> bool:
    """A key from an identity column (email, customer id), not a ``row:`` respondent or a
    social account (``author:``) that no customer record carries."""
    return not key.startswith(("row:", "author:"))


def link_rates(records: Sequence[Record]) -> dict[str, dict[str, float | int]]:
    """Per source file: records, records naming a person, and how many of those link elsewhere.

    A record *links* when its respondent key (email or id, not a ``row:`` key) also
    appears in another file. ``link_rate`` = linked / identified (0 when none).
    """
    files_of: dict[str, set[str]] = defaultdict(set)
    for r in records:
        if r.respondent_key and is_identified(r.respondent_key):
            files_of[r.respondent_key].add(r.source)
    out: dict[str, dict[str, float | int]] = {}
    for r in records:
        row = out.setdefault(r.source, {"records": 0, "identified": 0, "linked": 0})
        row["records"] += 1
        key = r.respondent_key
        if key and is_identified(key):
            row["identified"] += 1
            row["linked"] += len(files_of[key]) > 1
    for row in out.values():
        row["link_rate"] = round(row["linked"] / row["identified"], 4) if row["identified"] else 0.0
    return dict(sorted(out.items()))


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts ``row 9`` before ``row 10``."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


def chronological(records: list[Record]) -> list[Record]:
    """Records oldest first (undated first, then by record id): the order "most recent
    wins" is read in, whatever order the inputs came in."""
    return sorted(records, key=lambda r: (r.date or "", r.record_id))


def merge_attributes(ordered: list[Record]) -> dict[str, str | float]:
    """One person's attributes from their records, oldest first (:func:`chronological`).

    The most recent non-empty value wins, as a person's latest answer is their
    current one. Orders are different: each says only what happened that time.
    A multi-valued order attribute (``products``) becomes the set over all their
    orders, sorted and joined with ``", "`` as a multi-select answer is, so a
    loyal customer is known by everything they bought, not by their last basket.
    A single value that varies between orders (shipping method, channel) is the
    most frequent one over their orders (a tie goes to the most recent), so one
    express delivery does not outweigh twenty standard ones. Where an order and
    another record name the same attribute, the more recent record still wins.
    """
    orders = [r for r in ordered if r.source_kind == "orders"]
    usual = {**_usual_values(orders), **_all_choices(orders)}
    attributes: dict[str, str | float] = {}
    for record in ordered:
        given = {k: v for k, v in record.attributes.items() if v not in ("", None)}
        if record.source_kind == "orders":
            given = {k: usual.get(k, v) for k, v in given.items()}
        attributes.update(given)
    return attributes


def _usual_values(orders: list[Record]) -> dict[str, str | float]:
    """Per attribute, the most frequent value over the orders; ties -> the most recent."""
    counts: dict[str, dict[str | float, tuple[int, int]]] = defaultdict(dict)
    for i, record in enumerate(orders):
        for k, v in record.attributes.items():
            if v not in ("", None):
                n, _ = counts[k].get(v, (0, i))
                counts[k][v] = (n + 1, i)
    return {k: max(seen, key=lambda v: seen[v]) for k, seen in counts.items()}


def _all_choices(orders: list[Record]) -> dict[str, str]:
    """Per multi-valued attribute, every value over the orders, sorted, joined with ", "."""
    found: dict[str, set[str]] = defaultdict(set)
    for record in orders:
        for k, values in record.choices.items():
            found[k].update(values)
    return {k: ", ".join(sorted(values)) for k, values in found.items() if values}


def _respondent(key: str, records: list[Record], newest_order: date | None) -> Respondent:
    ordered = chronological(records)
    attributes = merge_attributes(ordered)
    nps: float | None = None
    for record in ordered:
        nps = record.nps if record.nps is not None else nps
    ratings = [r.rating for r in ordered if r.rating is not None]
    respondent = Respondent(
        key=key,
        identified=is_identified(key),
        sources=sorted({sys.intern(r.source) for r in records}),
        record_ids=sorted((r.record_id for r in records), key=natural_key),
        # one copy of each value ("Dresses", "General") for everyone, not one per person
        attributes={k: _shared(v) for k, v in sorted(attributes.items())},
        nps=nps,
        rating=sum(ratings) / len(ratings) if ratings else None,
    )
    return _add_orders(respondent, ordered, newest_order)


def _shared(value: str | float) -> str | float:
    return sys.intern(value) if isinstance(value, str) else value


def _add_orders(respondent: Respondent, records: list[Record], newest: date | None) -> Respondent:
    orders = [r for r in records if r.source_kind == "orders" and r.amount is not None]
    if not orders:
        return respondent
    paid = [r for r in orders if r.amount is not None and r.amount > 0]
    respondent.orders = len(paid)
    respondent.total_spend = round(sum(r.amount or 0.0 for r in orders), 2)
    if paid:
        respondent.avg_order_value = round(sum(r.amount or 0.0 for r in paid) / len(paid), 2)
    dates = sorted(date.fromisoformat(r.date) for r in paid if r.date)
    if dates and newest is not None:
        years = max((newest - dates[0]).days / DAYS_PER_YEAR, MIN_YEARS)
        respondent.orders_per_year = round(len(paid) / years, 3)
        respondent.recency_days = float((newest - dates[-1]).days)
    return respondent


def newest_order_date(records: Iterable[Record]) -> date | None:
    """The data's "today": the newest date of a paid order."""
    return _newest_order_date(records)


def _newest_order_date(records: Iterable[Record]) -> date | None:
    columns: Iterable[tuple[Any, Any, Any]]
    if isinstance(records, RecordTable):
        columns = zip(
            records.column("source_kind"),
            records.column("date"),
            records.column("amount"),
            strict=True,
        )
    else:
        columns = ((r.source_kind, r.date, r.amount) for r in records)
    dates = [day for kind, day, amount in columns if kind == "orders" and day and (amount or 0) > 0]
    return date.fromisoformat(max(dates)) if dates else None
