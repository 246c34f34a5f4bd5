"""The output document: personas and the evidence behind every claim.

``PersonasDocument`` is what ``personas.json`` holds and what every template
receives. Its JSON Schema ships with the package
(``personas/schema/personas.schema.json``); a test keeps the two in sync.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from personas.models import StatementKind
from personas.synthesize.changes import BaselineLink, Trends

if TYPE_CHECKING:
    from personas.models import ContextTable, SourceAccount

SCHEMA_VERSION = "1.0"
UNKNOWN = "unknown"


class Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Quote(Doc):
    """A verbatim (redacted) statement with where to find it in the raw input."""

    statement_id: str
    text: str
    source: str
    locator: str
    anonymous: bool = False  # True when attributed to the persona by similarity only


class Claim(Doc):
    """A goal, motivation or pain point of a persona, with its evidence."""

    theme_id: str
    kind: StatementKind
    label: str
    keywords: list[str]
    share: float = Field(description="share of the persona's respondents who voiced this theme")
    share_rest: float = Field(description="share of everyone else who voiced it")
    lift: float | None = Field(description="share / share_rest; null when nobody else voiced it")
    respondents: int
    quotes: list[Quote]
    evidence_ids: list[str] = Field(description="statement_ids this claim rests on")
    distinctive: bool | None = Field(
        default=None,
        description="significantly more common here than elsewhere after correcting for "
        "multiple comparisons; null when not tested",
    )
    p_adjusted: float | None = Field(default=None, description="corrected p-value of the test")
    diff_low: float | None = Field(
        default=None, description="95% interval of share - share_rest: low end"
    )
    diff_high: float | None = Field(
        default=None, description="95% interval of share - share_rest: high end"
    )


class Spread(Doc):
    """The quartiles behind a numeric fact (what the report's range charts draw)."""

    n: int = Field(description="respondents with a value")
    q1: float
    median: float
    q3: float


class ValueShare(Doc):
    """One answer of a category fact and the share of respondents who gave it."""

    value: str
    share: float = Field(description="share of the respondents who answered")


class Fact(Doc):
    """A field of a persona: a value, or "unknown", and its basis.

    ``spread`` and ``shares`` carry the numbers behind the value for charts;
    ``shares`` holds only answers given by at least ``min_group_size`` people.
    """

    name: str
    value: str
    basis: str = Field(description="what the value was computed from, or why it is unknown")
    spread: Spread | None = None
    shares: list[ValueShare] = Field(default_factory=list)


class Coverage(Doc):
    respondents: int
    share: float
    identified_respondents: int
    statements: int
    anonymous_statements: int = Field(description="statements attributed by similarity only")
    sources: list[str]
    stability: float | None = Field(
        default=None,
        description="mean bootstrap Jaccard agreement of this segment; null when not measured",
    )
    stable: bool | None = Field(
        default=None, description="false when the segment does not hold up under resampling"
    )


class Approval(Doc):
    """A reviewer approved the persona (``personas review``): who and when."""

    by: str = Field(description="the reviewer")
    at: str = Field(description="when, ISO 8601 UTC")


class Persona(Doc):
    persona_id: str
    slug: str
    name: str
    label: str
    summary: str
    demographics: list[Fact]
    behaviour: list[Fact]
    goals: list[Claim]
    motivations: list[Claim]
    pains: list[Claim]
    distinctive: list[str] = Field(description="what sets this persona apart, in words")
    messages: list[str] = Field(description="messages answering their pains with their motivations")
    channels: list[Fact]
    objections: list[str]
    coverage: Coverage
    name_basis: str = Field(default="", description="how the name was picked")
    label_basis: str = Field(default="", description="what the archetype label rests on")
    psychographics: list[Fact] = Field(
        default_factory=list, description="interests, values, lifestyle: only where the data speaks"
    )
    journey: list[Fact] = Field(
        default_factory=list, description="journey stage hints from orders, recency and NPS"
    )
    bant: list[Fact] = Field(
        default_factory=list,
        description="budget, authority, need, timing hints; unknown where the data is silent",
    )
    proof: list[Quote] = Field(
        default_factory=list, description="quotes that back the messages, in customers' words"
    )
    approval: Approval | None = Field(
        default=None, description="set when a reviewer approved the persona; null otherwise"
    )


class ThemeSummary(Doc):
    theme_id: str
    kind: StatementKind
    label: str
    keywords: list[str]
    size: int
    prevalence_by_persona: dict[str, float]


class CorpusSummary(Doc):
    sources: int
    records: int
    respondents: int
    identified_respondents: int
    statements: int
    statements_by_kind: dict[str, int]
    themes: int
    outlier_share: float


class Segmentation(Doc):
    method: str
    k: int
    criterion: str
    scores: dict[str, float]
    silhouette: float | None = None
    stability: float | None = Field(
        default=None, description="mean bootstrap Jaccard agreement over all segments"
    )
    stability_method: str | None = None


class Quality(Doc):
    """How well this build's personas hold up (also in run.json under "quality")."""

    statements_themed_share: float = Field(description="share of statements with a theme")
    outlier_share: float = Field(description="share of statements left without a theme")
    coherence_npmi: float | None = Field(description="mean NPMI of theme keywords on the corpus")
    kind_confidence: dict[str, float] = Field(
        description="distribution of statement-kind confidence: median, q1, q3, low_share"
    )
    link_rate: float | None = Field(
        description="of the records that name a person, the share whose person also appears"
        " in another file; null when fewer than two files name people"
    )
    silhouette: float | None
    stability: float | None = Field(description="mean bootstrap Jaccard over segments")
    stability_by_persona: dict[str, float | None]
    evidence_min: int | None = Field(description="fewest quotes behind any claim")
    evidence_median: float | None = Field(description="median quotes behind a claim")
    warnings: list[str] = Field(description="plain-language warnings about weak spots")


class AnalyticsColumn(Doc):
    """One column of an analytics table, and what a bar in the report may draw from it."""

    name: str
    measure: Literal["label", "share", "number"] = Field(
        description="label: text, no bar; share: a percentage or fraction of a whole, drawn "
        "against 100%; number: a count or other non-negative amount, drawn against the "
        "column's largest shown value"
    )
    values: list[float | None] = Field(
        default_factory=list,
        description="per shown row: the share (0-1) or number read from the cell; empty for labels",
    )
    scale: float | None = Field(
        default=None, description="what a full bar stands for (1.0 for shares); null for labels"
    )


class AnalyticsTable(Doc):
    """An analytics export (shares by device, region, source, ...) that names no one.

    It cannot be linked to people, so it describes the audience as a whole and
    belongs to no persona. Cells are kept as the file wrote them, scrubbed of
    anything that looks personal.
    """

    source: str
    columns: list[AnalyticsColumn]
    rows: list[list[str]] = Field(description="the first rows of the table, one cell per column")
    rows_total: int = Field(description="rows in the table (the report shows the first ones)")


class PersonasDocument(Doc):
    schema_version: str = SCHEMA_VERSION
    generator: str
    seed: int
    corpus: CorpusSummary
    segmentation: Segmentation
    personas: list[Persona]
    themes: list[ThemeSummary]
    quality: Quality | None = None
    context: list[AnalyticsTable] = Field(
        default_factory=list,
        description="analytics exports kept as context for the report; empty when there are none",
    )
    baseline: BaselineLink | None = Field(
        default=None, description="what changed since the --baseline build; null without one"
    )
    trends: Trends | None = Field(
        default=None, description="theme prevalence over time; null when statements carry no dates"
    )


CONTEXT_ROWS = 20  # rows of an analytics table the document keeps (the report says how many)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?%")
_SHARE_H = re.compile(r"\b(share|percent|percentage|pct|rate|ratio)\b|%", re.IGNORECASE)
_NOT_A_MEASURE_H = re.compile(
    r"\b(id|date|day|week|month|year|time|hour|age|zip|post ?code|code|rank)\b", re.IGNORECASE
)


def analytics_context(
    tables: list[ContextTable], accounts: list[SourceAccount]
) -> list[AnalyticsTable]:
    """The document's analytics context: every table scrubbed, capped and measured.

    Cells are user data and reach every output, so each goes through the same
    pattern redaction as statements (emails, phones, cards, IBANs, addresses,
    URLs, handles, order numbers) before anything reads it; a cell that needed it
    no longer parses as a number and its column draws no bar. Tables keep the
    file's row order (an analytics tool sorts them meaningfully) and are ordered
    by source, so the same inputs give the same bytes.
    """
    from personas.understand.redact import (
        redact_patterns,  # not needed to load or render a document
    )

    per_source: dict[str, int] = {}
    for table in tables:
        per_source[table.source] = per_source.get(table.source, 0) + 1
    totals = {a.source: a.rows_total for a in accounts}
    out: list[AnalyticsTable] = []
    for table in sorted(tables, key=lambda t: t.source):
        width = len(table.columns)
        padded = [(r + [""] * width)[:width] for r in table.rows]
        rows = [[redact_patterns(c.strip()) for c in r] for r in padded]
        # one table in the file: its account counts every row, past the 500 ingest keeps
        total = totals.get(table.source, len(rows)) if per_source[table.source] == 1 else len(rows)
        columns = [
            _column(i, redact_patterns(name), [r[i] for r in rows])
            for i, name in enumerate(table.columns)
        ]
        out.append(
            AnalyticsTable(
                source=table.source,
                columns=columns,
                rows=rows[:CONTEXT_ROWS],
                rows_total=max(total, len(rows)),
            )
        )
    return out


def _column(index: int, name: str, cells: list[str]) -> AnalyticsColumn:
    """What a column measures, judged on all kept rows; values for the shown ones.

    The first column names the rows (device, region, source) and is always a label;
    so are dates, years, ids and ranks, which are numbers but not amounts. A column
    is a share when every answer ends in "%", or when its header says share / rate /
    percent and every answer is a number between 0 and 100 (fractions when none is
    above 1). Anything negative or above 100% ("+12%" growth) gets no bar: a bar
    would misstate it.
    """
    filled = [c for c in cells if c]
    label = AnalyticsColumn(name=name, measure="label")
    if index == 0 or not filled or _NOT_A_MEASURE_H.search(name):
        return label
    percents = [_percent(c) for c in filled]
    if all(p is not None and 0 <= p <= 100 for p in percents):
        return _measured(name, "share", cells, _percent, 100.0)
    numbers = [_number(c) for c in filled]
    if any(n is None for n in numbers):
        return label
    top = max(n for n in numbers if n is not None)
    if _SHARE_H.search(name) and top <= 100:
        return _measured(name, "share", cells, _number, 1.0 if top <= 1 else 100.0)
    return _measured(name, "number", cells, _number, None)


def _measured(
    name: str,
    measure: Literal["share", "number"],
    cells: list[str],
    parse: Callable[[str], float | None],
    per_whole: float | None,
) -> AnalyticsColumn:
    shown = [parse(c) if c else None for c in cells[:CONTEXT_ROWS]]
    if per_whole is not None:  # a share: as a fraction of 1
        values = [None if v is None else round(v / per_whole, 6) for v in shown]
        return AnalyticsColumn(name=name, measure=measure, values=values, scale=1.0)
    top = max((v for v in shown if v is not None), default=0.0)
    return AnalyticsColumn(name=name, measure=measure, values=shown, scale=top or None)


def _number(cell: str) -> float | None:
    """A non-negative amount as analytics tools write it: "1,200", "£35.20", "0.48"
    (a signed "+12" is a change, not an amount)."""
    from personas.ingest.values import parse_money

    value = None if cell.strip().startswith("+") else parse_money(cell)
    return value if value is not None and value >= 0 else None


def _percent(cell: str) -> float | None:
    match = _PERCENT.fullmatch(cell.strip())
    return float(match.group(1)) if match else None


def json_schema() -> dict[str, object]:
    """The JSON Schema of personas.json (shipped as personas/schema/personas.schema.json)."""
    schema = PersonasDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:personas:personas-json:{SCHEMA_VERSION}"
    return schema


if __name__ == "__main__":
    import json

    print(json.dumps(json_schema(), indent=2, sort_keys=True))
