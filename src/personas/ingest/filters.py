"""Rows that are in an export but are not a customer's voice or purchase, and why.

Decided per file from its headers (:func:`row_filters`), then per row
(:func:`skip_reason`):

* reviews: a ``state``/``status``/``published`` column saying spam, unpublished,
  hidden, pending or rejected;
* surveys: Qualtrics preview and test responses (``Status`` = Survey Preview /
  Survey Test / Spam, or 1 / 2 / 8 in numeric exports; ``DistributionChannel`` =
  preview / test);
* orders: voided or cancelled orders (``Financial Status`` = voided, or a
  ``Cancelled at`` date);
* support tables: internal notes (``public`` = false, ``private`` = true) and
  messages by agents (``author role`` = agent, ``incoming`` = false).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from personas.ingest.profile import normalise_header
from personas.models import SourceKind

Test = Callable[[str], str | None]  # cell value -> reason to skip, or None

_UNPUBLISHED = {"spam", "unpublished", "hidden", "rejected", "pending", "false", "no", "0"}
_QUALTRICS_STATUS = {
    "survey preview": "a preview response",
    "survey test": "a test response",
    "spam": "marked as spam",
    "1": "a preview response",
    "2": "a test response",
    "8": "marked as spam",
}
_FALSE = {"false", "no", "0", "n"}
_TRUE = {"true", "yes", "1", "y"}
_AGENTS = {"agent", "admin", "administrator", "staff", "support", "operator", "bot", "system"}


@dataclass(frozen=True)
class RowFilter:
    column: int
    test: Test


def row_filters(kind: SourceKind, headers: list[str], notes: list[str]) -> list[RowFilter]:
    """The filters that apply to a table of ``kind`` with these headers."""
    plain = [normalise_header(h) for h in headers]
    qualtrics = any("Qualtrics" in n for n in notes)
    found: list[RowFilter] = []
    for i, h in enumerate(plain):
        test = _test(kind, h, qualtrics)
        if test is not None:
            found.append(RowFilter(i, test))
    return found


def skip_reason(filters: list[RowFilter], cells: list[str]) -> str | None:
    """The first reason a filter gives for this row, or ``None`` to keep it."""
    for f in filters:
        value = cells[f.column].strip() if f.column < len(cells) else ""
        if value:
            reason = f.test(value)
            if reason:
                return reason
    return None


def _test(kind: SourceKind, header: str, qualtrics: bool) -> Test | None:
    if kind == "reviews" and header in ("state", "status", "review state", "published", "curated"):
        return _review_state if header != "published" else _published
    if kind == "survey" and qualtrics and header == "status":
        return _qualtrics_status
    if kind == "survey" and header == "distribution channel":
        return _channel
    if kind == "orders" and header in ("financial status", "payment status", "order status"):
        return _order_status
    if kind == "orders" and header in ("cancelled at", "canceled at", "cancelled date"):
        return lambda v: f"order cancelled ({v}): not a purchase"
    if kind == "support":
        return _support_test(header)
    return None


def _support_test(header: str) -> Test | None:
    if header in ("public", "is public", "comment public"):
        return lambda v: "internal note, not customer voice" if v.lower() in _FALSE else None
    if header in ("private", "is private", "internal", "is internal", "internal note"):
        return lambda v: "internal note, not customer voice" if v.lower() in _TRUE else None
    if header in ("incoming", "is incoming"):
        return lambda v: "reply by an agent, not customer voice" if v.lower() in _FALSE else None
    if header in ("author role", "author type", "role", "sender type", "from agent", "is agent"):
        agentish = header in ("from agent", "is agent")
        return lambda v: (
            "reply by an agent, not customer voice"
            if (v.lower() in _TRUE if agentish else v.lower() in _AGENTS)
            else None
        )
    return None


def _review_state(value: str) -> str | None:
    if value.lower() in _UNPUBLISHED - {"false", "no", "0"}:
        return f'review state is "{value}": not published, so not used'
    return None


def _published(value: str) -> str | None:
    if value.lower() in ("false", "no", "0"):
        return f'review not published ("{value}"), so not used'
    return None


def _qualtrics_status(value: str) -> str | None:
    what = _QUALTRICS_STATUS.get(value.lower())
    return f'Qualtrics status "{value}": {what}, not a real respondent' if what else None


def _channel(value: str) -> str | None:
    if value.lower() in ("preview", "test"):
        return f'distribution channel "{value}": a {value.lower()} response, not a real respondent'
    return None


def _order_status(value: str) -> str | None:
    if value.lower() in ("voided", "void", "cancelled", "canceled"):
        return f'order status "{value}": not a purchase'
    return None
