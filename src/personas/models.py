"""Typed objects that cross stage boundaries.

Every stage takes and returns these (plus numpy arrays for vectors). They are
pydantic models so they validate at the boundary and serialise to JSON/DuckDB
without glue. Field names are the project's vocabulary: respondent, record,
statement, theme, segment, persona, evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field

SourceKind = Literal["survey", "reviews", "social", "support", "orders", "analytics"]
SourceFormat = Literal["csv", "tsv", "xlsx", "json", "jsonl", "eml", "parquet", "mbox", "txt"]
StatementKind = Literal["pain", "motivation", "goal", "other"]
STATEMENT_KINDS: tuple[StatementKind, ...] = ("pain", "motivation", "goal", "other")
_C = TypeVar("_C", bound=Iterable[Any])

# Column roles that ingest can infer. "attribute" roles land in Record.attributes
# under the role name (age, gender, region, ...).
ColumnRoleName = Literal[
    "identity",  # email / customer id / respondent id: joins records to a person
    "name",  # a person's name (first/last/author): used only to redact, never output
    "author",  # a social handle / account: joins one writer's posts when nothing identifies
    # people (a people-less corpus); redacted from text like a name, never output
    "date",
    "age",
    "birth_year",
    "gender",
    "region",
    "income",
    "device",
    "education",
    "occupation",
    "household",
    "channel",
    "product",  # what an order bought (line item name / SKU): the respondent's "products"
    "nps",
    "rating",
    "money",
    "refund",  # an amount refunded on an order: subtracted from its money amount
    "text",  # free-text customer voice
    "category",  # other low-cardinality answers (kept as attributes)
    "ignore",
]
ATTRIBUTE_ROLES: tuple[str, ...] = (
    "age",
    "gender",
    "region",
    "income",
    "device",
    "education",
    "occupation",
    "household",
    "channel",
)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(Frozen):
    """One input file and what discover made of it."""

    path: str  # posix path relative to the input folder
    kind: SourceKind
    format: SourceFormat
    sha256: str
    size_bytes: int
    reason: str  # why this kind was chosen (header sniffing, extension, config)


class ColumnRole(Frozen):
    """What ingest decided a column is, with how sure it is and why."""

    source: str
    column: str
    role: ColumnRoleName
    confidence: float = Field(ge=0.0, le=1.0)
    reason: str
    question: str | None = None  # full question wording for survey columns
    group: str | None = None  # the question a matrix / multi-column question's column belongs to
    multiple: bool = False  # answers hold several options (multi-select)
    # rating columns: the (low, high) scale the values are on, read to 1-5 (None: 1-5)
    scale: tuple[float, float] | None = None


class TextField(Frozen):
    """One free-text answer or message body inside a record."""

    field: str  # column name, or "body"/"title" for messages
    question: str | None = None  # the question it answered, when known
    text: str


class Record(Frozen):
    """One usable input row / message / comment."""

    record_id: str  # f"{source}#{locator}" — unique in a build
    source: str  # Source.path
    source_kind: SourceKind
    locator: str  # "row 12" (1-based data row incl. header offset), message id, comment id
    respondent_key: str | None = (
        None  # normalised identity (e.g. "email:ann@x.org"); None = anonymous
    )
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD)
    texts: tuple[TextField, ...] = ()
    rating: float | None = None  # on a 1–5 scale
    nps: float | None = None  # 0–10 likelihood to recommend
    amount: float | None = None  # money spent in this record (orders)
    attributes: dict[str, str | float] = Field(default_factory=dict)  # age, gender, region, ...
    # Personal names seen in identity/name columns, email display names, signatures.
    # Used only to redact text; never written to any shareable output.
    names: tuple[str, ...] = ()
    # Other identity keys the same row names (a customer id beside the email): ingest
    # joins records that share any of them under one respondent key.
    aliases: tuple[str, ...] = ()
    # Multi-select answers as lists (attributes holds the same options joined with ", ").
    choices: dict[str, tuple[str, ...]] = Field(default_factory=dict)


class RowIssue(Frozen):
    """A row (or whole file) that was skipped or partly used, and why."""

    source: str
    locator: str | None = None  # None = the whole file
    column: str | None = None
    reason: str
    skipped: bool = True  # False = row used, but a value in it was dropped

    def text(self) -> str:
        """``file, row 4, column "total": reason``: the one wording inspect, ``--strict``
        and run.json readers show, so a problem reads the same wherever it is reported."""
        column = f'column "{self.column}"' if self.column else None
        where = ", ".join(x for x in (self.source, self.locator, column) if x)
        return f"{where}: {self.reason}"


class SourceAccount(BaseModel):
    """Row accounting for one source: every input row is used or skipped with a reason."""

    source: str
    kind: SourceKind
    rows_total: int = 0
    rows_used: int = 0
    rows_skipped: int = 0
    issues: list[RowIssue] = Field(default_factory=list)


class ContextTable(BaseModel):
    """An analytics export (shares by device, region, source, ...) that names no people."""

    source: str
    columns: list[str]
    rows: list[list[str]]  # at most the first 500 rows


class Interned:
    """Equal read-only containers made one object: ``shared(value)`` gives the first
    value equal to it (of the same type) seen, or ``value`` itself. At most ``cap``
    distinct values are kept, so a corpus where every value differs pays for no more
    than that. A quarter million people of a review site repeat a few hundred sets
    of attributes; a dict of their own took each of them 0.2 KB. Only for values
    nothing changes after: a change to one would show in everyone sharing it."""

    def __init__(self, cap: int = 4096) -> None:
        self._seen: dict[tuple[Any, ...], Any] = {}
        self._cap = cap

    def __call__(self, value: _C) -> _C:
        items = value.items() if isinstance(value, Mapping) else value
        try:
            key = (type(value), *items)
            found = self._seen.get(key)
        except TypeError:  # an unhashable value inside
            return value
        if found is None and len(self._seen) < self._cap:
            self._seen[key] = found = value
        return value if found is None else found


class Plain:
    """Shared behaviour of the build's bulk objects (statements, respondents): plain
    classes with slots, not pydantic models. A big build holds a million statements and
    hundreds of thousands of respondents, and a model's instance dict came to half of
    each (0.56 KB of a statement's 1 KB); a slotted object is a tenth of that. Every value
    comes from the build's own code, never parsed from a user's file, so nothing needs
    validating; ``model_copy``, ``model_dump`` and ``model_validate`` are kept for the
    code that used the models'. Subclasses list their fields in ``__slots__``, in
    declaration order (model_dump's order, and the pickled tuple's)."""

    __slots__: tuple[str, ...] = ()

    def model_dump(self) -> dict[str, Any]:
        """Every field by name, in declaration order."""
        return {name: getattr(self, name) for name in self.__slots__}

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Self:
        """A shallow copy, with ``update``'s fields replaced."""
        values = self.model_dump()
        if update:
            unknown = set(update) - set(self.__slots__)
            if unknown:
                raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)}")
            values.update(update)
        return type(self)(**values)

    @classmethod
    def model_validate(cls, data: Mapping[str, Any]) -> Self:
        """One from a mapping of its fields (unknown keys are an error)."""
        return cls(**data)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"{type(self).__name__}({shown})"

    # pickled (to the prepare child's parent, to Ray) as a plain tuple of its values
    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), tuple(getattr(self, n) for n in self.__slots__)))


def _rebuild(cls: type[Plain], values: tuple[Any, ...]) -> Plain:
    made = cls.__new__(cls)
    for name, value in zip(cls.__slots__, values, strict=True):
        object.__setattr__(made, name, value)
    return made


class Respondent(Plain):
    """A person: everything known about one identity key across sources (see ``Plain``)."""

    __slots__ = (  # noqa: RUF023 - in field order
        "key",
        "identified",
        "sources",
        "record_ids",
        "attributes",
        "nps",
        "rating",
        "orders",
        "total_spend",
        "avg_order_value",
        "orders_per_year",
        "recency_days",
    )

    key: str  # "email:...", "id:...", or "row:<source>#<locator>" for row-level respondents
    identified: bool  # True when the key comes from an identity column
    sources: list[str]
    record_ids: list[str]
    attributes: dict[str, str | float]
    nps: float | None
    rating: float | None  # mean rating over their reviews
    orders: int
    total_spend: float | None
    avg_order_value: float | None
    orders_per_year: float | None
    recency_days: float | None  # days from last order to the newest order in the data

    def __init__(
        self,
        *,
        key: str,
        identified: bool,
        sources: list[str],
        record_ids: list[str],
        attributes: dict[str, str | float] | None = None,
        nps: float | None = None,
        rating: float | None = None,
        orders: int = 0,
        total_spend: float | None = None,
        avg_order_value: float | None = None,
        orders_per_year: float | None = None,
        recency_days: float | None = None,
    ) -> None:
        self.key = key
        self.identified = identified
        self.sources = sources
        self.record_ids = record_ids
        self.attributes = {} if attributes is None else attributes
        self.nps = nps
        self.rating = rating
        self.orders = orders
        self.total_spend = total_spend
        self.avg_order_value = avg_order_value
        self.orders_per_year = orders_per_year
        self.recency_days = recency_days


class Statement(Plain):
    """One idea from one text: the unit that gets a kind, a vector and a theme (see
    ``Plain``)."""

    __slots__ = (  # noqa: RUF023 - in field order: model_dump's, and the pickled tuple's
        "statement_id",
        "record_id",
        "source",
        "source_kind",
        "locator",
        "respondent_key",
        "field",
        "question",
        "text",
        "kind",
        "kind_confidence",
        "kind_signals",
        "sentiment",
        "theme_id",
    )

    statement_id: str
    record_id: str
    source: str
    source_kind: SourceKind
    locator: str
    respondent_key: str | None
    field: str
    question: str | None
    text: str  # redacted
    kind: StatementKind
    kind_confidence: float
    kind_signals: tuple[str, ...]  # why it got its kind, strongest first
    sentiment: float  # -1..1
    theme_id: str | None

    def __init__(
        self,
        *,
        statement_id: str,
        record_id: str,
        source: str,
        source_kind: SourceKind,
        locator: str,
        respondent_key: str | None,
        field: str,
        question: str | None = None,
        text: str,
        kind: StatementKind = "other",
        kind_confidence: float = 0.0,
        kind_signals: tuple[str, ...] = (),
        sentiment: float = 0.0,
        theme_id: str | None = None,
    ) -> None:
        self.statement_id = statement_id
        self.record_id = record_id
        self.source = source
        self.source_kind = source_kind
        self.locator = locator
        self.respondent_key = respondent_key
        self.field = field
        self.question = question
        self.text = text
        self.kind = kind
        self.kind_confidence = kind_confidence
        self.kind_signals = kind_signals
        self.sentiment = sentiment
        self.theme_id = theme_id


class Theme(BaseModel):
    theme_id: str  # "pain-01"
    kind: StatementKind
    label: str
    keywords: list[str]
    size: int
    representative_ids: list[str]


class Segment(BaseModel):
    segment_id: int
    respondent_keys: list[str]
    distinctive: list[str] = Field(default_factory=list)  # feature names that set it apart
    # mean Jaccard agreement over bootstrap resamples (None until measured)
    stability: float | None = None
    stable: bool | None = None  # False when the segment does not hold up under resampling


class SegmentModel(BaseModel):
    """What segment hands on: the groups, how k was chosen, and feature names."""

    segments: list[Segment]
    method: str
    k: int
    criterion: str
    scores: dict[str, float]  # k -> silhouette, for run.json
    feature_names: list[str]
    confidence: dict[str, float] = Field(default_factory=dict)  # respondent key -> 0..1
    centres: list[list[float]] = Field(default_factory=list)  # row i = segment i + 1
    temperature: float = 1.0  # scale of the soft membership (median squared distance)
    # respondent key -> distance to their own segment's centre (masked, as segmentation
    # measures it); absent when nothing the segmentation uses is known about them
    distance: dict[str, float] = Field(default_factory=dict)
    # anonymous statements attributed by similarity: statement_id -> (segment, similarity)
    anonymous: dict[str, tuple[int, float]] = Field(default_factory=dict)
    # bootstrap stability: mean Jaccard over all segments and how it was measured
    stability: float | None = None
    stability_method: str | None = None
    silhouette: float | None = None  # mean silhouette of the chosen segmentation


class Share(BaseModel):
    value: str
    count: int
    share: float


class ThemeStat(BaseModel):
    theme_id: str
    kind: StatementKind
    label: str
    respondents: int  # people in the segment who voiced it
    prevalence: float  # share of segment respondents with a statement in the theme
    prevalence_rest: float
    lift: float | None  # prevalence / prevalence_rest (None when rest is 0)
    statements: int  # statements in the theme from this segment (incl. anonymous attributed)
    # 95% interval of prevalence - prevalence_rest and the multiple-comparison-corrected
    # p-value; distinctive only when the corrected test is significant
    diff_low: float | None = None
    diff_high: float | None = None
    p_adjusted: float | None = None
    distinctive: bool = False


class NumberSummary(BaseModel):
    n: int
    mean: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None


class SegmentStats(BaseModel):
    segment_id: int
    size: int
    share: float
    age: NumberSummary
    categories: dict[str, list[Share]]  # attribute -> shares (known values only)
    category_known: dict[str, int]  # attribute -> respondents with a known value
    nps: NumberSummary
    nps_score: float | None = None  # %promoters - %detractors
    promoters: float | None = None
    passives: float | None = None
    detractors: float | None = None
    rating: NumberSummary
    spend_total: NumberSummary
    avg_order_value: NumberSummary
    orders_per_year: NumberSummary
    recency_days: NumberSummary
    customers_with_orders: int = 0
    themes: list[ThemeStat]
    sources: dict[str, int]  # source kind -> respondents with a record from it
    statements: int


@dataclass(frozen=True)
class EditOutcome:
    """What became of one reviewed edit (``personas.review``) in this build."""

    id: int
    action: str
    status: str  # "applied", "stale" or "note"
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "status": self.status,
            "message": self.message,
        }
