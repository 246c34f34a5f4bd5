"""The output document: personas and the evidence behind every claim.

``PersonasDocument`` is what ``personas.json`` holds and what every template
receives. Its JSON Schema ships with the package
(``personas/schema/personas.schema.json``); a test keeps the two in sync.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from personas.models import StatementKind

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


class PersonasDocument(Doc):
    schema_version: str = SCHEMA_VERSION
    generator: str
    seed: int
    corpus: CorpusSummary
    segmentation: Segmentation
    personas: list[Persona]
    themes: list[ThemeSummary]
    quality: Quality | None = None


def json_schema() -> dict[str, object]:
    """The JSON Schema of personas.json (shipped as personas/schema/personas.schema.json)."""
    schema = PersonasDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:personas:personas-json:{SCHEMA_VERSION}"
    return schema


if __name__ == "__main__":
    import json

    print(json.dumps(json_schema(), indent=2, sort_keys=True))
