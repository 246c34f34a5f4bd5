"""Reviewed edits: what a reviewer changed, kept in the input folder's ``personas.toml``.

Each edit names its target the way a rebuild of the same data can find it again:
a theme by its id plus the label and keywords it had when the reviewer saw it, a
quote by its statement id plus its text, a persona by its id plus how many
respondents it held. ``personas build`` applies the edits in order
(``personas.review.apply``); an edit whose target is gone is reported, never dropped.

This module holds the types only; ``personas.review.store`` reads and writes them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

ThemeKind = Literal["pain", "motivation", "goal"]
Label = Annotated[str, Field(min_length=2, max_length=80)]
Why = Annotated[str, Field(max_length=500)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ThemeRef(Strict):
    """A theme as the reviewer saw it: id, kind, label and (up to 8) keywords."""

    id: str = Field(pattern=r"^(pain|motivation|goal)-\d{2,}$")
    kind: ThemeKind
    label: str = Field(max_length=200)
    keywords: list[str] = Field(default_factory=list, max_length=8)


class QuoteRef(Strict):
    """A quote: its statement id and its text (the check that it is the same statement)."""

    statement_id: str = Field(pattern=r"^s-[0-9a-f]{6,}$")
    text: str = Field(max_length=2000)


class PersonaRef(Strict):
    """A persona: its id and its number of respondents (segmentation runs before the
    edits apply, so a rebuild of the same data gives the same groups)."""

    id: str = Field(pattern=r"^p\d+$")
    respondents: int = Field(ge=0)
    name: str = Field(default="", max_length=200)


class EditBase(Strict):
    """Who made an edit, when (ISO 8601, UTC) and why; ``id`` is its number in the file."""

    id: int = Field(default=0, ge=0)
    who: str = Field(default="", max_length=100)
    when: str = Field(default="", max_length=40)
    why: Why = ""


class RenameTheme(EditBase):
    action: Literal["rename_theme"] = "rename_theme"
    theme: ThemeRef
    label: Label


class MergeThemes(EditBase):
    """``other`` joins ``theme``: one theme with both themes' statements and ``theme``'s name."""

    action: Literal["merge_themes"] = "merge_themes"
    theme: ThemeRef
    other: ThemeRef


class SplitTheme(EditBase):
    """The theme's statements that contain ``phrase`` become a theme of their own."""

    action: Literal["split_theme"] = "split_theme"
    theme: ThemeRef
    phrase: str = Field(min_length=3, max_length=80)
    label: Label


class HideTheme(EditBase):
    action: Literal["hide_theme"] = "hide_theme"
    theme: ThemeRef


class MoveTheme(EditBase):
    action: Literal["move_theme"] = "move_theme"
    theme: ThemeRef
    kind: ThemeKind


class RejectQuote(EditBase):
    action: Literal["reject_quote"] = "reject_quote"
    quote: QuoteRef


class RenamePersona(EditBase):
    action: Literal["rename_persona"] = "rename_persona"
    persona: PersonaRef
    name: str = Field(min_length=2, max_length=60)


class ApprovePersona(EditBase):
    action: Literal["approve_persona"] = "approve_persona"
    persona: PersonaRef


class Note(EditBase):
    """A reviewer's note on an item ("theme:pain-03", "persona:p1", "quote:s-…", "build").
    Notes change no output and never reach a document."""

    action: Literal["note"] = "note"
    target: str = Field(pattern=r"^(build|theme:[a-z]+-\d+|persona:p\d+|quote:s-[0-9a-f]+)$")
    text: str = Field(min_length=1, max_length=2000)


Edit = Annotated[
    RenameTheme
    | MergeThemes
    | SplitTheme
    | HideTheme
    | MoveTheme
    | RejectQuote
    | RenamePersona
    | ApprovePersona
    | Note,
    Field(discriminator="action"),
]
THEME_ACTIONS = ("rename_theme", "merge_themes", "split_theme", "hide_theme", "move_theme")
PERSONA_ACTIONS = ("rename_persona", "approve_persona")


class Review(Strict):
    """The ``[review]`` section of personas.toml: reviewed edits, applied in order."""

    edits: list[Edit] = Field(default_factory=list)

    def fingerprint(self) -> list[dict[str, object]]:
        """What decides a build's outputs: every edit but notes, without its reason
        (a note or a reworded reason needs no rebuild)."""
        return [
            e.model_dump(mode="json", exclude={"why"}) for e in self.edits if e.action != "note"
        ]
