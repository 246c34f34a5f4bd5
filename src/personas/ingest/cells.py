"""Reading one row's cells by column role into :class:`RowValues`.

A value that cannot be read is dropped and noted (``RowIssue(skipped=False)``
naming the column), so the rest of the row is still used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from personas.ingest.dates import parse_datetime
from personas.ingest.orders import PRODUCTS, product_name
from personas.ingest.profile import is_list_literal, list_items, normalise_header
from personas.ingest.values import (
    id_namespace,
    normalise_email,
    normalise_id,
    parse_age,
    parse_money,
    parse_number,
    parse_rating,
    parse_year,
    strip_html,
    tidy_text,
    to_five,
    words,
)
from personas.models import ColumnRole, TextField

_TEXT_FIELDS = set(TextField.model_fields)
NON_ANSWERS = {"n/a", "na", "-", "--", ".", "null", "nan", "none given"}
# "No Negative", "No Positive", "No comments", "nothing to report": a form's placeholder
# for a field left empty (booking sites fill the empty half of a split review with one)
PLACEHOLDER_ANSWER = re.compile(
    r"^(?:no|none|nothing|n/?a|nil)[\s_-]+(?:negative|positive|comments?|review|feedback|answer"
    r"|response|remarks?|complaints?|to (?:report|add|say)"
    r"|(?:negative|positive) (?:comments?|review))"
    r"s?\W*$",
    re.IGNORECASE,
)
NUMERIC_ROLES = {"nps", "rating", "money", "refund", "age", "birth_year"}

Note = Callable[[str, str], None]  # note(column, reason): a value dropped from a used row


@dataclass
class RowValues:
    """Everything read from one row, before it becomes a Record."""

    key: str | None = None
    texts: list[TextField] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    attributes: dict[str, str | float] = field(default_factory=dict)
    rating: float | None = None
    nps: float | None = None
    amount: float | None = None
    refund: float | None = None  # refunded on this order; the record's amount is net of it
    birth: tuple[str, str] | None = None  # (column, value) of a birth-year answer
    choices: dict[str, list[str]] = field(default_factory=dict)  # multi-select answers
    aliases: list[str] = field(default_factory=list)  # further identity keys in the row

    def has_number(self) -> bool:
        return self.rating is not None or self.nps is not None or self.amount is not None


def read_cell(
    out: RowValues, role: ColumnRole, attribute: str | None, raw: str, note: Note
) -> None:
    """Add one cell to ``out`` according to its column role (``attribute`` = key for attributes)."""
    value, kind, column = raw.strip(), role.role, role.column
    if not value or kind in ("ignore", "date"):
        return
    if kind not in NUMERIC_ROLES and is_non_answer(value):
        return
    if kind == "identity":
        _identity(out, value, column, note)
    elif kind == "name":
        out.names.append(value)
    elif kind == "author":
        out.names.append(value)
        handle = author_key(value)
        if handle and handle not in out.aliases:
            out.aliases.append(handle)
    elif kind == "text":
        text = tidy_text(strip_html(value))
        if text:
            # built without re-validation (three plain strings), as table rows are many
            field = TextField.model_construct(
                _TEXT_FIELDS, field=column, question=role.question, text=text
            )
            out.texts.append(field)
    elif kind == "money":
        _money(out, value, column, note)
    elif kind == "refund":
        refund = parse_money(value)
        if refund is None:
            note(column, f'cannot read refund "{value}"')
        else:
            out.refund = abs(refund)
    elif kind == "rating":
        _rating(out, value, role, note)
    elif kind == "nps":
        _scale(out, kind, value, column, note)
    elif kind == "age":
        age = parse_age(value)
        if age is not None:
            out.attributes["age"] = age
        elif parse_number(value) is not None:
            note(column, f'age "{value}" is not a plausible age; value dropped')
        else:
            note(column, f'cannot read age "{value}"')
    elif kind == "birth_year":
        out.birth = (column, value)
    elif kind == "product":
        chosen = out.choices.setdefault(PRODUCTS, [])
        names = [product_name(v) for v in (split_options(value) if role.multiple else [value])]
        chosen.extend(n for n in dict.fromkeys(names) if n and n not in chosen)
    elif attribute is not None and role.multiple:
        chosen = out.choices.setdefault(attribute, [])
        options = [value] if role.group else split_options(value)
        for option in options:
            counted = None if role.group else counted_option(option)
            if counted is not None:
                out.attributes[counted[0]] = counted[1]
            elif option not in chosen:
                chosen.append(option)
    elif attribute is not None:
        out.attributes[attribute] = value


def is_non_answer(value: str) -> bool:
    """A cell that holds no answer: "n/a", "-", a form's "No Negative" placeholder."""
    text = value.strip()
    return text.lower() in NON_ANSWERS or bool(PLACEHOLDER_ANSWER.match(text))


def author_key(value: str) -> str | None:
    """``author:<handle>`` for a social handle or account id ("@Jo_B" and "jo_b" are one)."""
    handle = value.strip().lstrip("@").casefold()
    return f"author:{handle}" if handle else None


def split_options(value: str) -> list[str]:
    """A multi-select answer's options (Google Forms and most tools join them with ``", "``;
    some exports write a list: ``['Leisure trip', 'Couple']``)."""
    if is_list_literal(value):
        return list_items(value)
    return [part.strip() for part in value.split(", ") if part.strip()]


_COUNTED = re.compile(r"^([^\d]*[A-Za-z][^\d]*?)\s+(\d{1,4}(?:\.\d+)?)\s+([A-Za-z][^\d]*)$")


def counted_option(option: str) -> tuple[str, str] | None:
    """An option that is a count in words ("Stayed 2 nights"): (its attribute, the number).

    The attribute is the wording without the number ("stayed nights"), so the
    counts of one tag list become one ordered number instead of a level per count."""
    match = _COUNTED.match(option.strip())
    if not match:
        return None
    before, number, after = match.groups()
    name = " ".join(f"{before} {after}".lower().split())
    return name, number


def finish_choices(out: RowValues) -> None:
    """Multi-select answers also go to attributes, joined with ``", "`` as the export had them."""
    for key, chosen in out.choices.items():
        if chosen:
            out.attributes[key] = ", ".join(chosen)


def age_from_birth(out: RowValues, reference_year: int | None, note: Note) -> None:
    """Age = reference year (the row's, else the file's newest) minus the birth year."""
    if out.birth is None or "age" in out.attributes:
        return
    column, value = out.birth
    as_date = parse_datetime(value)
    year = parse_year(value) or (as_date.year if as_date else None)
    if year is None:
        note(column, f'cannot read birth year "{value}"')
    elif reference_year is not None:
        age = float(reference_year - year)
        if 0 < age < 120:
            out.attributes["age"] = age
        else:
            note(column, f'birth year "{value}" gives an age of {age:.0f}; value dropped')


def drop_repeated_titles(texts: list[TextField], titles: frozenset[str]) -> list[TextField]:
    """A review/message title is kept only when it adds words the body does not have."""
    if not titles or not any(t.field in titles for t in texts):
        return texts
    body = " ".join(t.text for t in texts if t.field not in titles).lower()

    def adds_words(title: str) -> bool:
        new = words(title)
        # a word that is not even a substring of the body is new; only then build the word set
        return any(w not in body for w in new) or not new <= words(body)

    return [t for t in texts if t.field not in titles or adds_words(t.text)]


def reference_year(moment: datetime | None, newest_year: int | None) -> int | None:
    """The year an age is counted at: the row's own date, else the newest date in the file."""
    return moment.year if moment is not None else newest_year


def _identity(out: RowValues, value: str, column: str, note: Note) -> None:
    """Email beats id: an earlier ``id:`` key becomes an alias of a later email.

    Ids are tied to the kind of id their column holds (``id:customer:1001``), so a
    respondent id of a survey tool never meets a customer id of the shop by chance.
    Every further key in the row is kept as an alias, so records are joined on any.
    """
    if "@" in value or "mail" in normalise_header(column):
        email = normalise_email(value)
        if email is None:
            note(column, f'cannot read email address "{value}"')
            return
        key = f"email:{email}"
        if out.key is None or out.key.startswith("id:"):
            out.key, key = key, out.key
    else:
        ident = normalise_id(value)
        if ident is None:
            return
        key = f"id:{id_namespace(column)}:{ident}"
        if out.key is None:
            out.key, key = key, None
    if key and key != out.key and key not in out.aliases:
        out.aliases.append(key)


def _money(out: RowValues, value: str, column: str, note: Note) -> None:
    amount = parse_money(value)
    if amount is None:
        label = column.lower() if len(column.split()) <= 2 else "amount"
        note(column, f'cannot read {label} "{value}"')
    else:
        out.amount = amount


def _rating(out: RowValues, value: str, role: ColumnRole, note: Note) -> None:
    """A rating on the column's scale (1-5, 1-10, 0-100, "4/5", stars) read to 1-5."""
    rating = to_five(value, role.scale)
    if rating is not None:
        out.rating = rating
    elif parse_rating(value) is None:
        note(role.column, f'cannot read rating "{value}"')
    else:
        low, high = role.scale or (1.0, 5.0)
        note(role.column, f'rating "{value}" is outside {low:g}-{high:g}; value dropped')


def _scale(out: RowValues, kind: str, value: str, column: str, note: Note) -> None:
    number = parse_number(value)
    label, low, high = ("NPS", 0, 10) if kind == "nps" else ("rating", 1, 5)
    if number is None:
        note(column, f'cannot read {label} "{value}"')
    elif not low <= number <= high or (kind == "nps" and number != int(number)):
        note(column, f'{label} "{value}" is outside {low}-{high}; value dropped')
    elif kind == "nps":
        out.nps = number
    else:
        out.rating = number
