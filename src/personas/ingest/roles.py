"""Column roles: what each column of a table is, how sure we are, and why.

Rules run in order and the first that fires decides (see ``_RULES``): things
that must never be read as customer voice or demographics come first (empty,
row index, emails, what an order bought and what its buyer wrote, technical ids
and metadata, the shop's reply), then header wording backed by values (dates,
ages, NPS, ratings, money, demographics), then the values alone (free text,
categories). Afterwards one column per single-valued role is kept (one NPS, one
rating, one amount, one product column, one column per attribute); the
runners-up stay as categories or are ignored, with a reason.
``personas.toml`` ``[sources."file".columns]`` overrides everything.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from personas.config import Config
from personas.ingest import vocabulary as vocab
from personas.ingest.cells import PLACEHOLDER_ANSWER
from personas.ingest.profile import Profile
from personas.ingest.questions import question_groups
from personas.ingest.tables import Table
from personas.ingest.values import rating_scale
from personas.models import ATTRIBUTE_ROLES, ColumnRole, ColumnRoleName, RowIssue, SourceKind

Guess = tuple[ColumnRoleName, float, str]  # (role, confidence, reason)
Rule = Callable[[Profile, SourceKind], "Guess | None"]


def infer_roles(
    source: str, kind: SourceKind, table: Table, config: Config
) -> tuple[list[ColumnRole], list[RowIssue]]:
    """Infer one :class:`ColumnRole` per column of ``table`` (overrides from ``config`` win).

    A big table is judged on its first rows (:meth:`Table.sample`). In a workbook
    of several tables, column names carry their sheet (``Sheet!Column``).
    """
    sample = [cells for _, cells in table.sample()]
    profiles = [_profile(table, sample, i) for i in range(len(table.columns))]
    guesses = [_guess(p, kind) for p in profiles]
    guesses = _resolve(profiles, guesses)
    groups = question_groups(profiles, kind)
    override = config.sources.get(source)
    wanted = dict(override.columns) if override else {}
    prefix = f"{table.sheet}!" if table.sheet else ""
    roles: list[ColumnRole] = []
    for profile, (role, confidence, reason) in zip(profiles, guesses, strict=True):
        name = prefix + profile.column.name
        group, options = groups.get(profile.column.name, (None, False))
        if options:
            role, confidence = "category", 0.85
            reason = f'one option of a multi-select question spread over columns ("{group}")'
        if name in wanted:
            role, confidence, reason = wanted.pop(name), 1.0, "set in personas.toml"
        question = profile.column.question if role == "text" or kind == "survey" else None
        multi = profile.multiselect or profile.column.multi or vocab.MULTI_H.search(profile.header)
        multiple = role == "category" and bool(options or multi)
        if role == "product" and _several_per_row(profile):
            multiple, reason = True, f'{reason}; several per row, joined with ", "'
        scale = rating_scale(profile.values) if role == "rating" else None
        roles.append(
            ColumnRole(
                source=source,
                column=name,
                role=role,
                confidence=confidence,
                reason=reason,
                question=question,
                group=group,
                multiple=multiple,
                scale=None if scale == (1.0, 5.0) else scale,
            )
        )
    issues = [
        RowIssue(
            source=source,
            column=name,
            skipped=False,
            reason=f'personas.toml sets a role for column "{name}", which is not in the file',
        )
        for name in wanted
    ]
    return roles, issues


def _profile(table: Table, sample: list[list[str]], index: int) -> Profile:
    values = [
        c[index].strip()
        for c in sample
        if index < len(c) and c[index].strip() and not PLACEHOLDER_ANSWER.match(c[index].strip())
    ]
    return Profile(column=table.columns[index], values=values, n_rows=len(sample))


def _guess(profile: Profile, kind: SourceKind) -> Guess:
    for rule in _RULES:
        guess = rule(profile, kind)
        if guess is not None:
            return guess
    return ("ignore", 0.5, "many different short values and no known meaning")


def _empty(p: Profile, kind: SourceKind) -> Guess | None:
    if not p.values:
        return ("ignore", 1.0, "no values in any row")
    if p.is_row_index():
        return ("ignore", 0.95, "row index (consecutive numbers)")
    return None


def _identity(p: Profile, kind: SourceKind) -> Guess | None:
    header_says = bool(vocab.EMAIL_H.search(p.header))
    if kind == "social" and not (header_says or p.email_share >= 0.8):
        return _handle(p)
    if header_says and p.email_share >= 0.5:
        return (
            "identity",
            0.95,
            f"email header and {p.email_share:.0%} of values are email addresses",
        )
    if p.email_share >= 0.8:
        return ("identity", 0.85, f"{p.email_share:.0%} of values are email addresses")
    if header_says:
        return ("ignore", 0.8, "email header, but the values are not email addresses (redacted?)")
    if vocab.PERSON_ID_H.search(p.header) and p.distinct > 1:
        return ("identity", 0.8, "customer/respondent id header")
    return None


def _product(p: Profile, kind: SourceKind) -> Guess | None:
    """What an order bought: the line item's product name, or failing that its SKU.

    Orders only: what a review is about says nothing of its writer beyond that one
    review, while what a customer buys across orders is part of who they are. What
    a buyer writes on a line item or an order (line item properties, gift messages,
    engravings, order notes) is never read: it holds other people's names, addresses
    and personal words, and says nothing about what was bought.
    """
    if kind != "orders":
        return None
    name = p.header.split(" | ")[0]
    if vocab.BUYER_NOTE_H.search(name):
        why = "what the buyer wrote (gift message, line item properties, notes); never read"
        return ("ignore", 0.95, why)
    if p.url_share >= 0.5:
        return None
    if vocab.PRODUCT_NAME_H.match(name) and p.numeric_share < 0.5:
        return (
            "product",
            0.9,
            f"product / line item name header ({p.distinct} different values)",
        )
    if vocab.PRODUCT_CODE_H.match(name) and p.distinct > 1:
        return ("product", 0.7, "SKU header: product codes, used when no product name is given")
    return None


def _several_per_row(p: Profile) -> bool:
    """A plural product column ("Products", "Items") whose cells list several products
    joined with ", " that recur across rows ("Boot, Socks" / "Socks, Hat"). A singular
    one ("Lineitem name") is one product a row, even if a name holds a comma."""
    if not re.search(r"\b(products|items|lineitems)\b", p.header.split(" | ")[0]):
        return False
    joined = {v for v in p.sample if ", " in v}
    if len(joined) < max(2, 0.3 * len(set(p.sample))):
        return False
    seen_in = Counter(part.strip() for v in joined for part in set(v.split(", ")))
    return sum(1 for n in seen_in.values() if n >= 2) >= 0.5 * len(seen_in)


def _handle(p: Profile) -> Guess | None:
    """Social handles and user ids name an account, not a customer we can join on."""
    name = p.header.split(" | ")[0]
    if not vocab.HANDLE_H.search(name):
        return None
    why = (
        "joins one account's posts into one respondent when no file identifies people;"
        " redacted from text, never written out"
    )
    if vocab.TECH_ID_H.search(name) or p.numeric_share >= 0.8:
        return ("author", 0.8, f"social account id: {why}")
    return ("author", 0.8, f"social handle: {why}")


def _technical(p: Profile, kind: SourceKind) -> Guess | None:
    if p.ip_share >= 0.8 or re.search(r"\bip ?address\b", p.header):
        return ("ignore", 0.95, "IP addresses")
    if p.url_share >= 0.8:
        return ("ignore", 0.9, "web addresses (URLs)")
    if p.share(lambda v: bool(vocab.FILE.match(v))) >= 0.5:
        return ("ignore", 0.9, "file names (uploads)")
    if re.search(r"\b(robot|captcha)\b", p.header):
        return ("ignore", 0.9, "anti-robot check")
    name = p.header.split(" | ")[0]
    if p.column.name.startswith("_"):
        return ("ignore", 0.9, "a tool's own metadata (the name starts with _)")
    if vocab.TECH_H.match(name):
        return ("ignore", 0.9, "survey/shop metadata, not about the person")
    if vocab.TECH_ID_H.search(name) and p.name_words <= 4:
        return ("ignore", 0.9, "technical id")
    if vocab.REPLY_H.search(name):
        return ("ignore", 0.95, "the shop's own reply, not customer voice")
    if kind == "orders" and vocab.PRODUCT_H.search(name):
        return ("ignore", 0.8, "a line item detail (price, quantity, ...), not about the person")
    if kind == "reviews" and vocab.PRODUCT_H.search(name):
        return ("ignore", 0.8, "names the product reviewed, not the person (one per review)")
    if kind in ("support", "orders") and vocab.STATUS_COLUMN_H.match(name):
        return ("ignore", 0.9, "message / order status: used only to skip rows that are not voice")
    if kind == "support" and vocab.AGENT_H.match(name):
        return ("ignore", 0.85, "the agent handling the ticket, not the customer")
    if kind == "reviews" and _is_review_state(name, p):
        return ("ignore", 0.95, "review state (published/spam); unpublished rows are skipped")
    if len(p.values) >= 5 and p.distinct == 1:
        return ("ignore", 0.8, f'the same value in every row ("{p.values[0][:30]}")')
    return None


def _is_review_state(name: str, p: Profile) -> bool:
    in_header = name in ("state", "status", "review state", "published", "curated")
    flags = vocab.REVIEW_STATES | {"true", "false", "yes", "no", "0", "1", "ok", "not-yet"}
    return in_header and {v.lower() for v in p.sample} <= flags


def _name(p: Profile, kind: SourceKind) -> Guess | None:
    header_says = any(vocab.NAME_H.search(part) for part in p.header.split(" | "))
    if not header_says:
        return None
    if p.name_share >= 0.7:
        return ("name", 0.9, "name header and values look like personal names")
    return (
        "ignore",
        0.7,
        f"name header, but values are not personal names (e.g. {p.top_values(1)})",
    )


def _date(p: Profile, kind: SourceKind) -> Guess | None:
    if vocab.BIRTH_H.search(p.header):
        return None
    if vocab.DATE_H.search(p.header) and p.date_share >= 0.8:
        return ("date", 0.95, f"date header and {p.date_share:.0%} of values are dates")
    if p.date_share >= 0.9 and p.numeric_share < 0.5:
        return ("date", 0.75, f"{p.date_share:.0%} of values are dates")
    return None


def _numbers(p: Profile, kind: SourceKind) -> Guess | None:
    if vocab.BIRTH_H.search(p.header) and p.share(_looks_like_year) >= 0.7:
        return ("birth_year", 0.9, "birth-year question with four-digit years")
    if vocab.AGE_H.search(p.header):
        if p.numbers_between(1, 119) >= 0.7:
            return ("age", 0.95, "age header with numbers")
        return ("category", 0.7, "age header, but values are bands or words; kept as a category")
    if vocab.NPS_H.search(p.header) and p.integers_between(0, 10) >= 0.8:
        if {n for n in p.numbers} <= {0.0, 1.0}:
            return ("category", 0.8, "recommend flag (0/1), not a 0-10 scale")
        return ("nps", 0.9, "recommend/NPS header with whole numbers 0-10")
    if vocab.RATING_H.search(p.header) and p.name_words <= 6:
        scale = rating_scale(p.values)
        if scale is not None:
            low, high = (f"{x:g}" for x in scale)
            return ("rating", 0.9, f"rating/stars/score header with values on a {low}-{high} scale")
        if p.numeric_share >= 0.8:
            return ("category", 0.6, "rating header, but values fit no rating scale")
    if vocab.REFUND_H.search(p.header) and p.name_words <= 4 and p.money_share >= 0.8:
        return ("refund", 0.9, "refund header with amounts; subtracted from the order's amount")
    for label, pattern in vocab.MONEY_H:
        if re.search(pattern, p.header) and p.name_words <= 4 and p.money_share >= 0.8:
            return ("money", 0.9, f"{label} header with amounts")
    return None


def _attribute(p: Profile, kind: SourceKind) -> Guess | None:
    if p.mean_length >= 60 and p.multiword_share >= 0.6:
        return None  # a free-text answer that merely mentions a keyword
    if (
        p.numeric_share >= 0.8
        and max(p.numbers, default=0) <= 20
        and not vocab.AGE_H.search(p.header)
    ):
        return None  # a 1-10 scale or a ranking that merely mentions a keyword
    for role, pattern, strength in vocab.ATTRIBUTE_H:
        match = re.search(pattern, p.header)
        if match:
            return (role, strength, f'header mentions "{match.group(0)}"')
    return None


def _text(p: Profile, kind: SourceKind) -> Guess | None:
    if p.numeric_share >= 0.8:
        return None
    name = p.header.split(" | ")[0]
    if kind != "survey" and vocab.TITLE_H.match(name) and p.mean_length >= 4:
        return ("text", 0.8, "title of a review or message")
    if p.multiselect or vocab.MULTI_H.search(p.header):
        return ("category", 0.85, 'multi-select answers (options joined with ", ")')
    hint = None if vocab.CHOICE_H.match(p.header) else vocab.TEXT_H.search(p.header)
    varied = p.distinct_ratio >= 0.5 and p.repeated_share <= 0.35
    if p.mean_length >= 25 and p.multiword_share >= 0.5 and varied:
        return ("text", 0.9, f"free text: mean {p.mean_length:.0f} characters, mostly distinct")
    varied = p.distinct_ratio >= 0.3 and p.repeated_share <= 0.5
    if hint and p.mean_length >= 8 and p.twoword_share >= 0.3 and varied:
        return ("text", 0.75, f'header mentions "{hint.group(0)}" and answers are varied')
    return None


def _category(p: Profile, kind: SourceKind) -> Guess | None:
    limit = max(12, min(60, len(p.values) // 5))
    if p.numeric_share >= 0.8:
        if p.distinct <= 12:
            return ("category", 0.6, f"{p.distinct} different numbers (a scale or a count)")
        return ("ignore", 0.6, "numbers with no known meaning")
    if p.distinct <= limit or p.distinct_ratio <= 0.2:
        return ("category", 0.8, f"{p.distinct} different answers, mostly repeated")
    return None


def _looks_like_year(value: str) -> bool:
    return bool(re.fullmatch(r"(19|20)\d\d(\.0)?", value.strip())) or bool(
        re.match(r"^(19|20)\d\d-\d\d-\d\d", value.strip())
    )


_RULES: tuple[Rule, ...] = (
    _empty,
    _identity,
    _product,
    _technical,
    _name,
    _date,
    _numbers,
    _attribute,
    _text,
    _category,
)


def _resolve(profiles: list[Profile], guesses: list[Guess]) -> list[Guess]:
    """Keep one column per single-valued role; demote the others with a reason."""
    out = list(guesses)
    single = (
        "nps",
        "rating",
        "money",
        "refund",
        "age",
        "birth_year",
        "product",
        "author",
        *ATTRIBUTE_ROLES,
    )
    for role in single:
        indices = [i for i, g in enumerate(out) if g[0] == role]
        if len(indices) < 2:
            continue
        best = min(
            indices,
            key=lambda i: (
                -out[i][1],
                _money_rank(profiles[i], role),
                _place_rank(profiles[i], role),
                i,
            ),
        )
        winner = profiles[best].column.name
        for i in indices:
            if i != best:
                fallback: ColumnRoleName = (
                    "ignore" if role in ("money", "refund", "product") else "category"
                )
                fallback = "name" if role == "author" else fallback
                out[i] = (
                    fallback,
                    0.6,
                    f'also looks like {role}, but "{winner[:60]}" is used for it',
                )
    return out


def _place_rank(profile: Profile, role: str) -> int:
    """Regions: the coarsest place wins (country before state before city before postcode):
    a persona is "mostly from Georgia", and a thousand towns pool into "other"."""
    if role != "region":
        return 0
    return profile.distinct if profile.distinct >= 2 else 10**9


def _money_rank(profile: Profile, role: str) -> int:
    if role != "money":
        return 0
    for rank, (_, pattern) in enumerate(vocab.MONEY_H):
        if re.search(pattern, profile.header):
            return rank
    return len(vocab.MONEY_H)
