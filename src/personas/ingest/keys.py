"""Joining identity keys: records that share any key (email or id) belong to one person.

A row can name a person twice, an email and a customer id; another file may
know them only by the id. :func:`resolve_keys` puts every key and its aliases
into groups (union-find) and gives each record its group's key: the smallest
email key, else the smallest id key, so the choice never depends on input order.
"""

from __future__ import annotations

from personas.models import Record


def resolve_keys(records: list[Record]) -> list[Record]:
    """Records with their respondent key replaced by the key of their group."""
    if not any(r.aliases for r in records):
        return records
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        root = key
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(key, key) != root:
            parent[key], key = root, parent[key]
        return root

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            keep, drop = sorted((ra, rb), key=_rank)
            parent[drop] = keep

    for r in records:
        if r.respondent_key and not r.respondent_key.startswith("row:"):
            for alias in r.aliases:
                union(r.respondent_key, alias)
    out: list[Record] = []
    for r in records:
        key = r.respondent_key
        root = find(key) if key and not key.startswith("row:") else key
        out.append(r if root == key else r.model_copy(update={"respondent_key": root}))
    return out


def _rank(key: str) -> tuple[int, str]:
    return (0 if key.startswith("email:") else 1, key)
