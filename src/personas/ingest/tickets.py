"""Support tickets exported as JSON (Zendesk- and Freshdesk-like): one record per customer message.

Shapes read::

    Zendesk:   {"tickets": [{"id", "subject", "description", "requester_id",
                             "requester": {"email", "name"}, "created_at",
                             "comments": [{"id", "author_id", "body" | "html_body",
                                           "public", "created_at"}]}],
                "users": [{"id", "email", "name", "role"}]}
    Freshdesk: [{"id", "subject", "description_text" | "description", "requester_id",
                 "email" | "requester": {...}, "created_at",
                 "conversations": [{"id", "body_text" | "body", "incoming",
                                    "private", "user_id", "from_email", "created_at"}]}]

Only the customer's own words are voice: internal notes (``public: false``,
``private: true``) and messages by agents (an author who is not the requester
and not an end-user, ``incoming: false``) are skipped with a reason. The ticket
description is read only when it is not also the first comment (Zendesk repeats
it). Bodies are cleaned like email (:mod:`.replies`). Locators read
``ticket 101 comment 7`` / ``ticket 101 description``.
"""

from __future__ import annotations

from typing import Any

from personas.ingest.dates import iso_date, parse_datetime
from personas.ingest.jsontables import object_list
from personas.ingest.replies import clean_body
from personas.ingest.values import normalise_email, normalise_id, strip_html, tidy_text
from personas.models import Record, RowIssue, Source, TextField

_THREADS = ("comments", "conversations")
_END_USER = {"end-user", "end_user", "enduser", "customer", "requester", "contact"}


def is_tickets(data: Any) -> bool:
    """True for JSON whose items look like tickets with comment / conversation threads."""
    items = _tickets(data)
    if not items:
        return False
    objects = [i for i in items[:50] if isinstance(i, dict)]
    looks = [o for o in objects if any(isinstance(o.get(t), list) for t in _THREADS)]
    return bool(objects) and len(looks) * 2 >= len(objects)


def ticket_records(
    source: Source, data: Any, shop_words: set[str]
) -> tuple[list[Record], list[RowIssue], int]:
    """(records, issues, messages seen) for every ticket in the export."""
    users = _users(data)
    records: list[Record] = []
    issues: list[RowIssue] = []
    total = 0
    for n, ticket in enumerate(_tickets(data) or [], start=1):
        if not isinstance(ticket, dict):
            total += 1
            why = "not a JSON object"
            issues.append(RowIssue(source=source.path, locator=f"item {n}", reason=why))
            continue
        got, problems, seen = _ticket(source, ticket, n, users, frozenset(shop_words))
        records += got
        issues += problems
        total += seen
    return records, issues, total


def _tickets(data: Any) -> list[Any] | None:
    if isinstance(data, dict) and isinstance(data.get("ticket"), dict):
        return [data["ticket"]]
    return object_list(
        data.get("tickets") if isinstance(data, dict) and "tickets" in data else data
    )


def _users(data: Any) -> dict[str, dict[str, Any]]:
    users = data.get("users") if isinstance(data, dict) else None
    if not isinstance(users, list):
        return {}
    return {str(u.get("id")): u for u in users if isinstance(u, dict) and u.get("id") is not None}


def _ticket(
    source: Source, ticket: dict[str, Any], n: int, users: dict[str, Any], shop: frozenset[str]
) -> tuple[list[Record], list[RowIssue], int]:
    tid = str(ticket.get("id") or f"item {n}")
    base = f"ticket {tid}" if ticket.get("id") is not None else f"item {n}"
    requester = str(ticket.get("requester_id") or "")
    person = ticket.get("requester") if isinstance(ticket.get("requester"), dict) else {}
    person = person or users.get(requester, {})
    email = normalise_email(str(ticket.get("email") or person.get("email") or ""))
    key = (
        f"email:{email}"
        if email
        else (f"id:requester:{normalise_id(requester)}" if requester else None)
    )
    names = tuple(str(x) for x in (person.get("name"),) if x)
    thread: list[Any] = next((ticket[t] for t in _THREADS if isinstance(ticket.get(t), list)), [])
    messages: list[tuple[str, Any]] = []
    description = _text(ticket, "description_text", "description")
    bodies = {
        _text(c, "body_text", "plain_body", "body", "html_body")
        for c in thread
        if isinstance(c, dict)
    }
    if description and description not in bodies:
        messages.append((f"{base} description", {"body": description, "_opener": True}))
    for m, comment in enumerate(thread, start=1):
        cid = comment.get("id") if isinstance(comment, dict) else None
        messages.append((f"{base} comment {cid if cid is not None else m}", comment))
    records: list[Record] = []
    issues: list[RowIssue] = []
    subject = str(ticket.get("subject") or "").strip()
    for locator, message in messages:
        why = _not_voice(message, requester, users)
        if why:
            issues.append(RowIssue(source=source.path, locator=locator, reason=why))
            continue
        body, found = clean_body(
            _text(message, "body_text", "plain_body", "body", "html_body"), shop
        )
        texts = []
        if subject and not records and len(subject.split()) > 3:
            texts.append(TextField(field="subject", text=subject))
        if body:
            texts.append(TextField(field="body", text=body))
        if not texts:
            issues.append(
                RowIssue(source=source.path, locator=locator, reason="message has no text")
            )
            continue
        moment = parse_datetime(str(message.get("created_at") or ticket.get("created_at") or ""))
        records.append(
            Record(
                record_id=f"{source.path}#{locator}",
                source=source.path,
                source_kind=source.kind,
                locator=locator,
                respondent_key=key,
                date=iso_date(moment),
                texts=tuple(texts),
                names=tuple(dict.fromkeys(names + tuple(found))),
            )
        )
    return records, issues, len(messages)


def _not_voice(message: Any, requester: str, users: dict[str, Any]) -> str | None:
    if not isinstance(message, dict):
        return "not a JSON object"
    if message.get("_opener"):
        return None
    if message.get("public") is False or message.get("private") is True:
        return "internal note, not customer voice"
    if message.get("incoming") is False:
        return "reply by an agent, not customer voice"
    if message.get("incoming") is True:
        return None
    author = str(message.get("author_id") or message.get("user_id") or "")
    if not author or author == requester:
        return None
    role = str(users.get(author, {}).get("role") or "").lower()
    return None if role in _END_USER else "reply by an agent, not customer voice"


def _text(item: Any, *keys: str) -> str:
    if not isinstance(item, dict):
        return ""
    for key in keys:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return tidy_text(strip_html(value))
    return ""
