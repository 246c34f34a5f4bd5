"""Social comments (Facebook/Instagram Graph-API style JSON).

Shape read::

    {"data": [{"id", "message", "created_time", "from": {"name", "id"},
               "comments": {"data": [{"id", "message", "from", "created_time",
                                      "comments": {"data": [...]}}]}}]}

Instagram's ``text``/``username``/``timestamp``/``replies`` spellings are read
too. Every comment and reply (at any depth) is one record. Handles are not
identities, so comments are anonymous (``respondent_key=None``); commenter
display names go to ``Record.names`` for redaction. Posts — and replies — by
the page itself (whoever wrote the top-level posts) are not customer voice and
are skipped with a reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from personas.ingest.cells import author_key
from personas.ingest.dates import iso_date, parse_datetime
from personas.ingest.values import strip_html, tidy_text
from personas.models import Record, RowIssue, Source, TextField


@dataclass(frozen=True)
class _Item:
    locator: str
    node: dict[str, Any]
    depth: int  # 0 = post, 1 = comment, 2+ = reply


def is_social(data: Any) -> bool:
    """True for JSON whose items carry comments, a ``from`` author, or a ``message``."""
    items = data.get("data") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return False
    objects = [i for i in items[:50] if isinstance(i, dict)]
    keys = {"comments", "from", "message", "replies", "username"}
    return bool(objects) and sum(bool(keys & set(o)) for o in objects) * 2 >= len(objects)


def social_records(source: Source, posts: list[Any]) -> tuple[list[Record], list[RowIssue], int]:
    """Records for every comment; returns (records, issues, rows seen)."""
    page = _page_authors(posts)
    records: list[Record] = []
    issues: list[RowIssue] = []
    seen: set[str] = set()
    total = 0
    for item in _walk(posts):
        total += 1
        record, issue = _record(source, item, page, seen)
        if record is not None:
            records.append(record)
            seen.add(item.locator)
        if issue is not None:
            issues.append(issue)
    return records, issues, total


def _walk(posts: list[Any]) -> Iterator[_Item]:
    for n, post in enumerate(posts, start=1):
        yield from _walk_node(post, f"item {n}", 0)


def _walk_node(node: Any, fallback: str, depth: int) -> Iterator[_Item]:
    if not isinstance(node, dict):
        yield _Item(locator=fallback, node={}, depth=depth)
        return
    locator = str(node.get("id") or fallback)
    yield _Item(locator=locator, node=node, depth=depth)
    for n, child in enumerate(_children(node), start=1):
        yield from _walk_node(child, f"{locator}/comment {n}", depth + 1)


def _children(node: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for key in ("comments", "replies"):
        value = node.get(key)
        if isinstance(value, dict):
            value = value.get("data")
        if isinstance(value, list):
            out.extend(value)
    return out


def _author(node: dict[str, Any]) -> tuple[str, str]:
    """(id, display name) of whoever wrote a post or comment; empty strings when unknown."""
    author = node.get("from")
    if isinstance(author, dict):
        return str(author.get("id") or ""), str(author.get("name") or author.get("username") or "")
    username = node.get("username") or (author if isinstance(author, str) else "")
    return "", str(username or "")


def _page_authors(posts: list[Any]) -> set[str]:
    authors: set[str] = set()
    for post in posts:
        if isinstance(post, dict):
            authors.update(part for part in _author(post) if part)
    return authors


def _record(
    source: Source, item: _Item, page: set[str], seen: set[str]
) -> tuple[Record | None, RowIssue | None]:
    def skip(reason: str) -> tuple[None, RowIssue]:
        return None, RowIssue(source=source.path, locator=item.locator, reason=reason)

    if not item.node:
        return skip("not a JSON object")
    author_id, author_name = _author(item.node)
    if item.depth == 0:
        return skip(
            f"post by the page itself ({author_name or 'unknown author'}), not customer voice"
        )
    if (author_id and author_id in page) or (author_name and author_name in page):
        return skip(f"reply by the page itself ({author_name or author_id}), not customer voice")
    if item.locator in seen:
        return skip("same comment id as an earlier comment")
    raw = item.node.get("message") or item.node.get("text") or ""
    text = tidy_text(strip_html(str(raw)))
    if not text:
        return skip("comment has no text")
    moment = parse_datetime(str(item.node.get("created_time") or item.node.get("timestamp") or ""))
    record = Record(
        record_id=f"{source.path}#{item.locator}",
        source=source.path,
        source_kind=source.kind,
        locator=item.locator,
        respondent_key=None,
        date=iso_date(moment),
        texts=(TextField(field="message", text=text),),
        names=(author_name,) if author_name else (),
        aliases=tuple(filter(None, [author_key(author_id or author_name)])),
    )
    return record, None
