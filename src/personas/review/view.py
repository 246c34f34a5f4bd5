"""One finished build as the review page sees it, and what an edit would change in it.

``BuildView`` reads ``personas.json``, ``statements.csv`` and ``run.json`` of OUT
(again whenever ``personas.json`` changes). ``check_edit`` validates an edit against
it (ids that exist, kinds that match, a phrase that splits) and says, in plain
sentences, what the edit will change: the preview the page shows before saving.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from personas.errors import OutputError
from personas.output.folder import (
    PERSONAS_JSON,
    RUN_JSON,
    STATEMENTS_CSV,
    THEMES_CSV,
    OutputFolder,
)
from personas.output.run import RunRecord
from personas.review.apply import split_matches
from personas.review.edits import (
    ApprovePersona,
    HideTheme,
    MergeThemes,
    MoveTheme,
    Note,
    PersonaRef,
    RejectQuote,
    RenamePersona,
    RenameTheme,
    Review,
    SplitTheme,
    ThemeRef,
)

CLAIM_FIELDS = ("goals", "motivations", "pains")


class EditError(ValueError):
    """An edit that does not fit this build (the message says why)."""


@dataclass
class BuildView:
    """personas.json, the statements and the run record of one output folder."""

    out_dir: Path
    document: dict[str, Any]
    run: RunRecord
    statements: dict[str, dict[str, str]]  # statement id -> its statements.csv row
    mtime: float = 0.0
    themes: dict[str, dict[str, Any]] = field(default_factory=dict)
    personas: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.themes = {t["theme_id"]: t for t in self.document.get("themes", [])}
        self.personas = {p["persona_id"]: p for p in self.document.get("personas", [])}

    def claimed_in(self, theme_id: str) -> list[str]:
        """Personas ("p1 Priya") with a claim on the theme."""
        return [
            f"{p['persona_id']} {p['name']}"
            for p in self.personas.values()
            if any(c["theme_id"] == theme_id for f in CLAIM_FIELDS for c in p[f])
        ]

    def members(self, theme_id: str) -> list[tuple[str, str]]:
        return [(s, r["text"]) for s, r in self.statements.items() if r["theme_id"] == theme_id]

    def outcomes(self) -> dict[int, dict[str, Any]]:
        review = self.run.review or {}
        return {int(o["id"]): o for o in review.get("outcomes", [])}


def build_mtime(out_dir: Path) -> float:
    """When the build last changed (personas.json or run.json); OSError when missing."""
    folder = OutputFolder(out_dir)
    return max(p.stat().st_mtime for p in (folder.personas_json, folder.run_json))


def load_view(out_dir: Path) -> BuildView:
    """Read the build in ``out_dir``; OutputError when it is not a finished build."""
    try:
        folder = OutputFolder(out_dir)
        mtime = build_mtime(out_dir)
        document = folder.document_data()
        run = folder.read_run()
        rows = folder.table_records(STATEMENTS_CSV)
        statements = {row["statement_id"]: row for row in rows}
    except (OSError, ValueError, KeyError):
        raise OutputError(
            f"{out_dir}: not a finished build ({PERSONAS_JSON}, {RUN_JSON} and {STATEMENTS_CSV} "
            "are needed); run `personas build` first"
        ) from None
    return BuildView(out_dir, document, run, statements, mtime)


def _theme(view: BuildView, ref: ThemeRef) -> dict[str, Any]:
    theme = view.themes.get(ref.id)
    if theme is None or theme["kind"] != ref.kind or theme["label"] != ref.label:
        raise EditError(f"theme {ref.id} “{ref.label}” is not in this build; reload the page")
    return theme


def _persona(view: BuildView, ref: PersonaRef) -> dict[str, Any]:
    persona = view.personas.get(ref.id)
    if persona is None or persona["coverage"]["respondents"] != ref.respondents:
        raise EditError(f"persona {ref.id} is not in this build; reload the page")
    return persona


def _in(personas: list[str]) -> str:
    return "claims in " + ", ".join(personas) if personas else "no persona's claims (yet)"


def _blocked(view: BuildView, review: Review, theme_ids: list[str]) -> None:
    """Refuse an edit on a theme that a pending edit already hides, merges away or moves."""
    done = view.outcomes()
    for e in review.edits:
        if e.id in done:
            continue
        gone = {
            "hide_theme": [getattr(e, "theme", None)],
            "move_theme": [getattr(e, "theme", None)],
            "merge_themes": [getattr(e, "other", None)],
        }.get(e.action, [])
        for ref in gone:
            if ref is not None and ref.id in theme_ids:
                raise EditError(
                    f"theme {ref.id} is already changed by pending edit #{e.id} ({e.action}); "
                    "rebuild, or revoke that edit first"
                )


def _theme_changes(edit: Any, view: BuildView) -> list[str]:
    theme = _theme(view, edit.theme)
    where = _in(view.claimed_in(theme["theme_id"]))
    name = f"theme {theme['theme_id']} “{theme['label']}”"
    if isinstance(edit, RenameTheme):
        return [
            f"Rename {name} to “{edit.label}”.",
            f"Renamed in {where}; every claim keeps its statement ids.",
        ]
    if isinstance(edit, HideTheme):
        n = len(view.members(theme["theme_id"]))
        return [
            f"Hide {name}: it becomes no claim and is left out of {THEMES_CSV}.",
            f"Removed from {where}; its {n} statements stay in {STATEMENTS_CSV} without a theme.",
        ]
    if isinstance(edit, MoveTheme):
        if edit.kind == theme["kind"]:
            raise EditError(f"theme {theme['theme_id']} is already a {edit.kind}")
        return [
            f"Move {name} from {theme['kind']}s to {edit.kind}s "
            f"(a new {edit.kind} id at the next build).",
            f"Affects {where}.",
        ]
    if isinstance(edit, MergeThemes):
        return _merge_changes(edit, view, theme)
    return _split_changes(edit, view, theme)


def _merge_changes(edit: MergeThemes, view: BuildView, theme: dict[str, Any]) -> list[str]:
    other = _theme(view, edit.other)
    if other["theme_id"] == theme["theme_id"]:
        raise EditError("a theme cannot be merged with itself")
    if other["kind"] != theme["kind"]:
        raise EditError(
            f"only themes of the same kind merge: {theme['theme_id']} is a {theme['kind']}, "
            f"{other['theme_id']} a {other['kind']}"
        )
    total = theme["size"] + other["size"]
    return [
        f"Merge {other['theme_id']} “{other['label']}” ({other['size']} statements) into "
        f"{theme['theme_id']} “{theme['label']}” ({theme['size']}): one theme of {total} "
        f"statements named “{theme['label']}”.",
        "Both themes' evidence is kept; "
        + _in(sorted(set(view.claimed_in(theme["theme_id"]) + view.claimed_in(other["theme_id"]))))
        + " are recomputed at the next build.",
    ]


def _split_changes(edit: SplitTheme, view: BuildView, theme: dict[str, Any]) -> list[str]:
    members = view.members(theme["theme_id"])
    moved = split_matches(members, edit.phrase)
    if not moved:
        raise EditError(f"no statement of theme {theme['theme_id']} contains “{edit.phrase}”")
    if len(moved) == len(members):
        raise EditError(f"every statement contains “{edit.phrase}”: rename the theme instead")
    examples = [f"e.g. “{view.statements[s]['text']}”" for s in moved[:3]]
    return [
        f"Split {len(moved)} of {len(members)} statements of {theme['theme_id']} "
        f"“{theme['label']}” that contain “{edit.phrase}” into a new {theme['kind']} theme "
        f"“{edit.label}”.",
        *examples,
    ]


def _quote_changes(edit: RejectQuote, view: BuildView) -> list[str]:
    row = view.statements.get(edit.quote.statement_id)
    if row is None or row["text"].strip() != edit.quote.text.strip():
        raise EditError(f"statement {edit.quote.statement_id} is not in this build")
    quoted = [
        f"{p['persona_id']} “{c['label']}”"
        for p in view.personas.values()
        for f in CLAIM_FIELDS
        for c in p[f]
        if any(q["statement_id"] == edit.quote.statement_id for q in c["quotes"])
    ]
    return [
        f"Never quote “{row['text']}” again ({edit.quote.statement_id}, and any statement "
        "with the same words).",
        "Quoted now in: " + (", ".join(quoted) or "no claim") + "; another statement of the "
        "claim takes its place where there is one. It still counts as evidence.",
    ]


def check_edit(edit: Any, view: BuildView, review: Review, who: str) -> list[str]:
    """What ``edit`` will change in this build, as sentences; EditError when it does not fit."""
    refs = [r.id for r in (getattr(edit, "theme", None), getattr(edit, "other", None)) if r]
    _blocked(view, review, refs)
    if refs:
        return _theme_changes(edit, view)
    if isinstance(edit, RejectQuote):
        return _quote_changes(edit, view)
    if isinstance(edit, RenamePersona | ApprovePersona):
        p = _persona(view, edit.persona)
        if isinstance(edit, RenamePersona):
            return [
                f"Name persona {p['persona_id']} “{edit.name}” (now “{p['name']}”) "
                "in every document."
            ]
        return [
            f"Mark persona {p['persona_id']} {p['name']} approved by {who or 'you'} in its "
            f"documents, the report and {PERSONAS_JSON}."
        ]
    if isinstance(edit, Note):
        kind, _, ident = edit.target.partition(":")
        known = {"theme": view.themes, "persona": view.personas, "quote": view.statements}
        if kind != "build" and ident not in known[kind]:
            raise EditError(f"{edit.target} is not in this build")
        return [f"Keep a note on {edit.target}; no document changes (notes never reach one)."]
    raise EditError(f"unknown action {getattr(edit, 'action', '?')}")
