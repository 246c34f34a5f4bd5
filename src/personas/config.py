"""Build settings: defaults, overridden by personas.toml, overridden by CLI flags."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from personas.errors import ConfigError
from personas.models import ColumnRoleName, SourceKind
from personas.review.edits import Review

CONFIG_NAME = "personas.toml"
REVIEW_HISTORY_NAME = "personas.review-history.jsonl"  # every version of [review]; never input


class SourceOverride(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: SourceKind | None = None
    columns: dict[str, ColumnRoleName] = Field(default_factory=dict)
    skip: bool = False


class SeedTheme(BaseModel):
    """A theme the user expects: its name and phrases people use for it (``[[themes]]``)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=80)
    kind: Literal["pain", "motivation", "goal"] | None = None  # None: any kind it fits
    examples: list[str] = Field(min_length=1)


class NameLists(BaseModel):
    """Your own persona names (``[names]``): picked by the segment's dominant gender,
    neutral otherwise; an empty list keeps the packaged one."""

    model_config = ConfigDict(extra="forbid")

    women: list[str] = Field(default_factory=list)
    men: list[str] = Field(default_factory=list)
    neutral: list[str] = Field(default_factory=list)


class Config(BaseModel):
    """Every setting a build reads. See README "Configuration"."""

    model_config = ConfigDict(extra="forbid")

    seed: int = 42
    personas: int | None = Field(default=None, ge=2, le=12, description="force this many personas")
    k_min: int = Field(default=3, ge=2)
    k_max: int = Field(default=8, ge=2, le=12)
    min_segment_share: float = Field(default=0.05, ge=0.0, lt=0.5)
    min_segment_size: int = Field(default=10, ge=1)
    quotes_per_claim: int = Field(default=3, ge=1, le=10)
    claims_per_kind: int = Field(default=5, ge=1, le=20)
    min_group_size: int = Field(
        default=5, ge=1, description="no persona, figure or quote rests on fewer respondents"
    )
    hash_keys: bool = Field(
        default=False,
        description="salted hashes instead of respondent keys in the assignments table",
    )
    # A secret: never written to run.json (exclude) nor shown in reprs.
    salt: str | None = Field(default=None, exclude=True, repr=False, min_length=8)
    strict: bool = Field(default=False, description="any skipped row or file stops the build")
    sources: dict[str, SourceOverride] = Field(default_factory=dict)
    themes: list[SeedTheme] = Field(
        default_factory=list, description="seed taxonomy: themes that guide discovery"
    )
    names: bool | NameLists = Field(
        default=True, description="persona names: false = 'Persona 1', ...; a table = your lists"
    )
    brief_format: Literal["md", "docx"] = Field(
        default="md",
        description="docx: also write the brief as a Word document beside the Markdown one",
    )
    engine: Literal["local", "ray"] = Field(
        default="local", description="ray: prepare and embed on a Ray cluster (personas[ray])"
    )
    ray_address: str | None = Field(
        default=None, description="the Ray cluster to join; none: start a local one"
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        default="cpu", description="where the embedding model runs; auto: a GPU if torch sees one"
    )
    fit_sample_people: int = Field(
        default=100_000,
        ge=50,
        description="segments are fitted on a seeded sample of at most this many respondents;"
        " everyone else joins the nearest fitted centre",
    )
    fit_sample_statements: int = Field(
        default=4000,
        ge=50,
        description="each kind's themes are fitted on a seeded sample of at most this many"
        " statements; the rest join the nearest theme",
    )
    # Reviewed edits (`personas review`). Left out of run.json's "config" (notes and
    # reasons are the reviewer's words); the fingerprint and run.json "review" carry them.
    review: Review = Field(default_factory=Review, exclude=True)

    @model_validator(mode="after")
    def _range(self) -> Config:
        if self.k_min > self.k_max:
            raise ValueError(f"k_min ({self.k_min}) must not exceed k_max ({self.k_max})")
        # Small groups: no segment (so no persona) may be smaller than min_group_size.
        self.min_segment_size = max(self.min_segment_size, self.min_group_size)
        return self


def load_config(input_dir: Path, config_file: Path | None = None, **overrides: Any) -> Config:
    """Read ``--config`` or ``INPUT/personas.toml`` (if any) and apply CLI overrides."""
    path = config_file if config_file is not None else input_dir / CONFIG_NAME
    data: dict[str, Any] = {}
    if config_file is not None and not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ConfigError(f"{path}: key '{key}': {first['msg']}") from None
