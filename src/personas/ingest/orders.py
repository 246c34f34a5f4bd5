"""Orders exported one row per line item (Shopify's orders export, many shop tools).

Shopify writes every line item of an order as its own row under the same
``Name`` (``#1001``); the email, date and totals are on the first row, or
repeated on every row by other tools. :func:`merge_line_items` folds the rows
of one order into one record, so an order is counted once:

* the amount of a *total* column (``Total``, ``Order total``) is the order's
  total, taken once however many rows repeat it;
* the amount of a per-line column (``Lineitem price``, ``Amount``) is summed;
* identity, date and attributes come from the first row that has them.

The folded rows are still *used* rows; the file gets a note saying how many
were merged into how many orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from personas.ingest.profile import normalise_header
from personas.models import Record

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


@dataclass
class _Order:
    first: int  # index of the order's record in the output list
    amounts: list[float] = field(default_factory=list)
    rows: int = 1


@dataclass
class LineItems:
    """Accumulates one table's order rows; :meth:`records` gives one record per order."""

    total_column: bool  # the money column is an order total (repeated), not a line price
    out: list[Record] = field(default_factory=list)
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
        self.out[seen.first] = first.model_copy(
            update={
                "respondent_key": first.respondent_key or record.respondent_key,
                "date": first.date or record.date,
                "texts": first.texts + record.texts,
                "attributes": {**record.attributes, **first.attributes},
                "names": tuple(dict.fromkeys(first.names + record.names)),
                "aliases": tuple(dict.fromkeys(first.aliases + record.aliases)),
            }
        )

    def records(self) -> list[Record]:
        """One record per order, with its amount counted once (totals) or summed (lines)."""
        for order in self.orders.values():
            if order.rows == 1 or not order.amounts:
                continue
            amount = order.amounts[0] if self.total_column else round(sum(order.amounts), 2)
            rec = self.out[order.first]
            self.out[order.first] = rec.model_copy(update={"amount": amount})
        return self.out

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


def _amounts(record: Record) -> list[float]:
    return [record.amount] if record.amount is not None else []
