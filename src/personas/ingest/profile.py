"""What a column's header and values look like: the evidence role inference reads.

A :class:`Profile` is computed once per column and holds only summary numbers,
so the rules in :mod:`personas.ingest.roles` stay short and readable.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from personas.ingest.dates import detect_dayfirst, parse_datetime
from personas.ingest.tables import Column
from personas.ingest.values import IPV4, URL, is_email, is_person_name, parse_money, parse_number

_SAMPLE = 2000  # value checks on big files look at an evenly spread sample


_LIST_LITERAL = re.compile(r"""^\[\s*(?:(["'])[^"']*\1\s*(?:,\s*(["'])[^"']*\2\s*)*)?\]$""")


def is_list_literal(value: str) -> bool:
    """A cell holding a JSON or Python list of strings: ``['Couple', 'Stayed 2 nights']``."""
    return bool(_LIST_LITERAL.match(value.strip()))


def list_items(value: str) -> list[str]:
    """The strings of a list literal cell, stripped; ``[]`` for anything else."""
    if not is_list_literal(value):
        return []
    return [
        m.group(2).strip() for m in re.finditer(r"""(["'])(.*?)\1""", value) if m.group(2).strip()
    ]


@lru_cache(maxsize=4096)
def normalise_header(text: str) -> str:
    """Lower-case words: ``RecipientEmail`` → ``recipient email``; ``created_at`` too."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    spaced = re.sub(r"[_/.]+", " ", spaced)
    return " ".join(spaced.lower().split())


@dataclass
class Profile:
    """Summary of one column: header wording plus statistics over its non-empty values."""

    column: Column
    values: list[str]  # non-empty, stripped
    n_rows: int

    @cached_property
    def header(self) -> str:
        """Header words to match keywords against: name, question and sub-label."""
        parts = dict.fromkeys(
            normalise_header(p)
            for p in (self.column.name, self.column.question, self.column.sub)
            if p
        )
        return " | ".join(parts)

    @cached_property
    def name_words(self) -> int:
        return len(normalise_header(self.column.name).split())

    @cached_property
    def sample(self) -> list[str]:
        if len(self.values) <= _SAMPLE:
            return self.values
        step = len(self.values) / _SAMPLE
        return [self.values[int(i * step)] for i in range(_SAMPLE)]

    @cached_property
    def distinct(self) -> int:
        return len(set(self.values))

    @cached_property
    def distinct_ratio(self) -> float:
        return self.distinct / len(self.values) if self.values else 0.0

    @cached_property
    def repeated_share(self) -> float:
        """Share of values that occur more than once (low for free text)."""
        counts = Counter(self.sample)
        return sum(c for c in counts.values() if c > 1) / len(self.sample) if self.sample else 0.0

    @cached_property
    def numbers(self) -> list[float]:
        return [n for n in (parse_number(v) for v in self.sample) if n is not None]

    @cached_property
    def numeric_share(self) -> float:
        return len(self.numbers) / len(self.sample) if self.sample else 0.0

    @cached_property
    def money_share(self) -> float:
        return self.share(lambda v: parse_money(v) is not None)

    @cached_property
    def date_share(self) -> float:
        dayfirst = detect_dayfirst(self.sample)
        return self.share(lambda v: parse_datetime(v, dayfirst) is not None)

    @cached_property
    def email_share(self) -> float:
        return self.share(is_email)

    @cached_property
    def name_share(self) -> float:
        return self.share(is_person_name)

    @cached_property
    def ip_share(self) -> float:
        return self.share(lambda v: bool(IPV4.match(v)))

    @cached_property
    def url_share(self) -> float:
        return self.share(lambda v: bool(URL.match(v)))

    @cached_property
    def mean_length(self) -> float:
        return sum(map(len, self.sample)) / len(self.sample) if self.sample else 0.0

    @cached_property
    def multiword_share(self) -> float:
        return self.share(lambda v: len(v.split()) >= 3)

    @cached_property
    def twoword_share(self) -> float:
        return self.share(lambda v: len(v.split()) >= 2)

    @cached_property
    def multiselect(self) -> bool:
        """Options joined with ``", "``: many values hold commas but few distinct parts exist."""
        if self.sample and self.share(is_list_literal) >= 0.8:
            return True  # ["a", "b"] / ['a', 'b']: tags exported as a list
        joined = [v for v in self.sample if ", " in v]
        if len(joined) < max(2, 0.3 * len(self.sample)):
            return False
        parts = [p.strip() for v in self.sample for p in v.split(", ")]
        return len(set(parts)) / len(parts) <= 0.3

    def share(self, test: Callable[[str], bool]) -> float:
        """Share of sampled values for which ``test(value)`` is true."""
        if not self.sample:
            return 0.0
        return sum(1 for v in self.sample if test(v)) / len(self.sample)

    def is_row_index(self) -> bool:
        """Consecutive integers counting rows (0, 1, 2, … or 1, 2, 3, …)."""
        if len(self.values) < 3 or self.numeric_share < 1.0 or len(self.values) != self.n_rows:
            return False
        try:
            ints = [int(v) for v in self.values]
        except ValueError:
            return False
        return ints == list(range(ints[0], ints[0] + len(ints))) and ints[0] in (0, 1)

    def integers_between(self, low: int, high: int) -> float:
        """Share of sampled values that are whole numbers in ``low..high``."""
        if not self.sample:
            return 0.0
        hits = sum(1 for n in self.numbers if n == int(n) and low <= n <= high)
        return hits / len(self.sample)

    def numbers_between(self, low: float, high: float) -> float:
        """Share of sampled values that are numbers in ``low..high``."""
        if not self.sample:
            return 0.0
        return sum(1 for n in self.numbers if low <= n <= high) / len(self.sample)

    def top_values(self, n: int = 3) -> list[str]:
        """Most common values, for reasons shown to users."""
        return [v for v, _ in Counter(self.sample).most_common(n)]
