"""What ``personas.json`` says about change: since a baseline build, and over time.

- ``BaselineLink`` (``document.baseline``): a build made with ``--baseline OUT1``
  names which personas and themes it kept from OUT1 (same ids, names, labels),
  which are new and which are gone, and its overall drift.
- ``Trends`` (``document.trends``): where statements carry dates, each theme's
  prevalence per month (or week) and whether it is rising, stable or fading.

Plain pydantic models, no heavy imports: the document (:mod:`.document`) embeds them, and
the history stage (:mod:`personas.history`) fills them in.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from personas.models import StatementKind


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonaLink(_Doc):
    """A persona of this build and its tie to the baseline."""

    persona_id: str
    name: str
    status: Literal["kept", "new"]
    basis: str = Field(description="how it was matched, or why it is new")
    share_then: float | None = Field(default=None, description="share in the baseline; null if new")
    share_now: float


class GoneItem(_Doc):
    """A persona or theme of the baseline that this build no longer has."""

    item_id: str
    label: str
    kind: str = Field(description='"persona", or the theme\'s statement kind')


class ThemeLink(_Doc):
    theme_id: str
    label: str
    kind: StatementKind
    status: Literal["kept", "new"]
    similarity: float | None = Field(
        default=None, description="cosine similarity of its centroid to the baseline theme's"
    )


class BaselineLink(_Doc):
    """This build compared with the build it was given as ``--baseline``."""

    baseline: str = Field(description="the baseline output folder's name")
    baseline_digest: str = Field(description="sha256 of the baseline's personas document")
    method: str = Field(description="how personas and themes were matched")
    personas: list[PersonaLink]
    themes: list[ThemeLink]
    gone: list[GoneItem] = Field(description="baseline personas and themes with no match now")
    shared_respondents: int = Field(description="respondents in both builds")
    drift: float | None = Field(
        description="share of the respondents in both builds whose persona changed; "
        "null when no respondent is in both"
    )
    changes: list[str] = Field(description="what changed since the baseline, in words")


class ThemeTrend(_Doc):
    theme_id: str
    kind: StatementKind
    label: str
    counts: list[int] = Field(description="statements in this theme, per period")
    prevalence: list[float] = Field(
        description="counts / the period's dated statements of the theme's kind"
    )
    trend: Literal["rising", "stable", "fading", "unknown"]
    p_adjusted: float | None = Field(
        description="Cochran-Armitage trend test, Benjamini-Hochberg corrected over all themes"
    )
    new_in_latest: bool = Field(
        default=False,
        description="voiced by 3 or more statements in the newest period and by at most 2 "
        "(stray matches) in all periods before it",
    )


class Trends(_Doc):
    """Theme prevalence over time inside one build (statements with a date only)."""

    period: Literal["month", "week"]
    periods: list[str] = Field(description="'2026-03' (month) or '2026-W09' (ISO week)")
    statements: list[int] = Field(description="dated statements per period")
    undated_share: float = Field(description="share of statements without a date")
    method: str
    themes: list[ThemeTrend]
