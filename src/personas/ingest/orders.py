"""Orders exported one row per line item (Shopify's orders export, many shop tools).

Shopify writes every line item of an order as its own row under the same
``Name`` (``#1001``); the email, date and totals are on the first row, or
repeated on every row by other tools. :func:`merge_line_items` folds the rows
of one order into one record, so an order is counted once:

* the amount of a *total* column (``Total``, ``Order total``) is the order's
  total, taken once however many rows repeat it;
* the amount of a per-line column (``Lineitem price``, ``Amount``) is summed;
* identity, date and attributes come from the first row that has them;
* the products of all its rows (``Lineitem name``) are kept, in row order, as
  the record's ``products`` choice (and attribute, joined with ``", "``).

The folded rows are still *used* rows; the file gets a note saying how many
were merged into how many orders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from personas.ingest.profile import normalise_header
from personas.ingest.recordtable import RecordSink
from personas.models import Record

PRODUCTS = "products"  # the attribute / choice key of what a record's order bought
_VARIANT = re.compile(r"^(.+?)\s+-\s+([^-]+)$")
_SIZE = re.compile(
    r"x{0,3}s|m|x{0,3}l|\dxl|one size|small|medium|large|extra (small|large)"
    r"|(uk|us|eu) ?\d+(\.5)?|\d+(\.\d+)?( ?(ml|l|g|kg|cm|mm|in))?",
    re.IGNORECASE,
)

ORDER_ID_HEADERS = (
    "name",
    "order",
    "order id",
    "order number",
    "order name",
    "order no",
    "order ref",
    "order reference",
    "order #",
    "order num",
)


def order_id_column(headers: list[str]) -> int | None:
    """The column naming the order each row belongs to, if the table has one."""
    plain = [normalise_header(h) for h in headers]
    for wanted in ORDER_ID_HEADERS:
        if wanted in plain:
            return plain.index(wanted)
    return None


def product_name(value: str) -> str:
    """The product a line item names, one level whatever the size it came in.

    Shopify writes ``Product - Variant``; a variant of options or sizes (``- Grey / M``,
    ``- 42``, ``- XL``) is dropped, so a persona reads "Trail Boot", not eleven sizes of
    it that are each too rare to count. Other variants (a colour alone) stay: they may
    be what sets a buyer apart, and telling them from a product's own words would be a
    guess. ``", "`` inside a name becomes ``"; "`` because a respondent's products are
    joined with ``", "``, as multi-select answers are (``features.split_multi``).
    """
    name = " ".join(value.split())
    variant = _VARIANT.match(name)
    if variant and (" / " in variant.group(2) or _SIZE.fullmatch(variant.group(2))):
        name = variant.group(1)
    return name.replace(", ", "; ")


@dataclass
class _Order:
    first: int  # index of the order's record in the output list
    amounts: list[float] = field(default_factory=list)
    rows: int = 1


@dataclass
class LineItems:
    """Accumulates one table's order rows in ``out``; :meth:`finish` sets each order's amount.

    Positions are ``out``'s (a record table being built, shared with other files), so
    a line item far below its order's first row still folds into it.
    """

    total_column: bool  # the money column is an order total (repeated), not a line price
    out: RecordSink
    orders: dict[str, _Order] = field(default_factory=dict)
    merged: int = 0

    def add(self, order_id: str, record: Record) -> None:
        """Add one row's record; a row of an order already seen is folded into it."""
        key = order_id.strip().lower()
        seen = self.orders.get(key) if key else None
        if seen is None:
            if key:
                self.orders[key] = _Order(len(self.out), _amounts(record))
            self.out.append(record)
            return
        seen.rows += 1
        seen.amounts += _amounts(record)
        self.merged += 1
        first = self.out[seen.first]
        choices = _joined_choices(first, record)
        joined = {k: ", ".join(v) for k, v in choices.items()}
        self.out[seen.first] = first.model_copy(
            update={
                "respondent_key": first.respondent_key or record.respondent_key,
                "date": first.date or record.date,
                "texts": first.texts + record.texts,
                "attributes": {**record.attributes, **first.attributes, **joined},
                "choices": choices,
                "names": tuple(dict.fromkeys(first.names + record.names)),
                "aliases": tuple(dict.fromkeys(first.aliases + record.aliases)),
            }
        )

    def finish(self) -> None:
        """One record per order, with its amount counted once (totals) or summed (lines)."""
        for order in self.orders.values():
            if order.rows == 1 or not order.amounts:
                continue
            amount = order.amounts[0] if self.total_column else round(sum(order.amounts), 2)
            rec = self.out[order.first]
            self.out[order.first] = rec.model_copy(update={"amount": amount})

    def note(self) -> str | None:
        """The file-level remark on merged rows, if any were merged."""
        if not self.merged:
            return None
        multi = sum(1 for o in self.orders.values() if o.rows > 1)
        how = "its total counted once" if self.total_column else "line amounts summed"
        return (
            f"{self.merged} line-item rows merged into the {multi} orders they belong to "
            f"(one record per order, {how})"
        )


def _joined_choices(first: Record, record: Record) -> dict[str, tuple[str, ...]]:
    """Multi-valued answers of two rows of one order (its products), first row's first."""
    keys = sorted(first.choices.keys() | record.choices.keys())
    return {
        k: tuple(dict.fromkeys(first.choices.get(k, ()) + record.choices.get(k, ()))) for k in keys
    }


def _amounts(record: Record) -> list[float]:
    return [record.amount] if record.amount is not None else []
