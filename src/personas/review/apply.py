"""What a build does with reviewed edits (``[review]`` in personas.toml).

Theme edits apply after segmentation and before statistics: who is in which
persona stays as the data decided (a rebuild of the same data gives the same
groups, so an approval still means the same people), while what the personas say
(claims, labels, quotes) follows the review. Edits apply in the order they were
made, each to the themes as the edits before it left them.

Evidence stays intact: no edit adds a statement. A rename keeps every statement id;
a merge keeps both themes' statements; a split moves statements, it does not copy
them; a hidden theme's statements stay in statements.csv without a theme; a
rejected quote is still evidence, only never quoted. An edit whose target is not in
this build is *stale*: reported in run.json ("review") and in the warnings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from personas.models import EditOutcome, SegmentModel, Statement, Theme
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
from personas.synthesize.document import Approval, Persona

KIND_ORDER = {"pain": 0, "motivation": 1, "goal": 2}
MAX_REPRESENTATIVES = 10


@dataclass
class Reviewed:
    """The themes, statements and segment model after the theme edits, and the outcomes."""

    themes: list[Theme]
    statements: Sequence[Statement]
    model: SegmentModel
    rejected: frozenset[str] = frozenset()
    outcomes: list[EditOutcome] = field(default_factory=list)


@dataclass
class _State:
    themes: dict[str, Theme]
    theme_of: dict[str, str | None]  # statement id -> theme id
    kind_of: dict[str, str]  # statement id -> kind
    text_of: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)  # moved theme: old id -> new id
    renamed: dict[str, str] = field(default_factory=dict)  # removed / moved id -> now (or "")
    rejected: set[str] = field(default_factory=set)

    def members(self, theme_id: str) -> list[str]:
        return [s for s, t in self.theme_of.items() if t == theme_id]

    def next_id(self, kind: str) -> str:
        used = [int(t.split("-")[1]) for t in [*self.themes, *self.renamed] if t.startswith(kind)]
        return f"{kind}-{max(used, default=0) + 1:02d}"


def _overlap(a: Iterable[str], b: Iterable[str]) -> int:
    return len({w.casefold() for w in a} & {w.casefold() for w in b})


def _same(theme: Theme, ref: ThemeRef) -> bool:
    """The theme is the one the reviewer saw: same label, or (a renamed or merged one)
    at least three of the keywords it had (a merge keeps the first four of its own)."""
    if theme.label.casefold() == ref.label.casefold():
        return True
    return bool(ref.keywords) and _overlap(theme.keywords, ref.keywords) >= min(
        3, len(ref.keywords)
    )


def find_theme(ref: ThemeRef, state: _State) -> Theme | None:
    """The theme ``ref`` names: by id (following a move) when it is still the same theme,
    else the theme of its kind with its label or three of its first five keywords."""
    theme = state.themes.get(state.aliases.get(ref.id, ref.id))
    if theme is not None and _same(theme, ref):
        return theme
    if ref.id in state.renamed:  # merged away, hidden or moved: not found elsewhere either
        return None
    candidates = [
        t
        for t in state.themes.values()
        if t.kind == ref.kind
        and (
            t.label.casefold() == ref.label.casefold()
            or _overlap(t.keywords[:5], ref.keywords[:5]) >= 3
        )
    ]
    candidates.sort(key=lambda t: (-_overlap(t.keywords, ref.keywords), t.theme_id))
    return candidates[0] if candidates else None


def _gone(ref: ThemeRef) -> str:
    return f"theme {ref.id} “{ref.label}” is not in this build"


def _rename(edit: RenameTheme, state: _State) -> str:
    theme = find_theme(edit.theme, state)
    if theme is None:
        raise LookupError(_gone(edit.theme))
    state.themes[theme.theme_id] = theme.model_copy(update={"label": edit.label})
    return f"theme {theme.theme_id} “{theme.label}” renamed “{edit.label}”"


def _merge(edit: MergeThemes, state: _State) -> str:
    keep, other = find_theme(edit.theme, state), find_theme(edit.other, state)
    if keep is None or other is None:
        raise LookupError(_gone(edit.theme if keep is None else edit.other))
    if keep.theme_id == other.theme_id or keep.kind != other.kind:
        raise LookupError(f"themes {keep.theme_id} and {other.theme_id} cannot be merged here")
    moved = state.members(other.theme_id)
    state.theme_of.update(dict.fromkeys(moved, keep.theme_id))
    words = list(
        dict.fromkeys(w for pair in zip(keep.keywords, other.keywords, strict=False) for w in pair)
    )
    words += [w for w in keep.keywords + other.keywords if w not in words]
    reps = keep.representative_ids + other.representative_ids
    state.themes[keep.theme_id] = keep.model_copy(
        update={
            "size": keep.size + other.size,
            "keywords": words[:8],
            "representative_ids": reps[:MAX_REPRESENTATIVES],
        }
    )
    del state.themes[other.theme_id]
    state.renamed[other.theme_id] = keep.theme_id
    return (
        f"theme {other.theme_id} “{other.label}” ({len(moved)} statements) merged into "
        f"{keep.theme_id} “{keep.label}”"
    )


def split_matches(texts: Iterable[tuple[str, str]], phrase: str) -> list[str]:
    """Ids of the (id, text) pairs whose text contains ``phrase`` as whole words, any case."""
    pattern = re.compile(r"(?<!\w)" + re.escape(phrase.strip()) + r"(?!\w)", re.IGNORECASE)
    return [sid for sid, text in texts if pattern.search(text)]


def _split(edit: SplitTheme, state: _State) -> str:
    theme = find_theme(edit.theme, state)
    if theme is None:
        raise LookupError(_gone(edit.theme))
    members = state.members(theme.theme_id)
    moved = split_matches(((s, state.text_of[s]) for s in members), edit.phrase)
    if not moved or len(moved) == len(members):
        how = "none" if not moved else "all"
        raise LookupError(f"{how} of theme {theme.theme_id}'s statements contain “{edit.phrase}”")
    new_id = state.next_id(theme.kind)
    state.theme_of.update(dict.fromkeys(moved, new_id))
    said = " ".join(state.text_of[s].casefold() for s in moved)
    words = [edit.phrase.casefold()] + [w for w in theme.keywords if w.casefold() in said]
    moved_set = set(moved)
    reps = [r for r in theme.representative_ids if r in moved_set] or moved
    state.themes[new_id] = Theme(
        theme_id=new_id,
        kind=theme.kind,
        label=edit.label,
        keywords=list(dict.fromkeys(words))[:8],
        size=len(moved),
        representative_ids=reps[:MAX_REPRESENTATIVES],
    )
    state.themes[theme.theme_id] = theme.model_copy(
        update={
            "size": len(members) - len(moved),
            "representative_ids": [r for r in theme.representative_ids if r not in moved_set],
        }
    )
    return (
        f"{len(moved)} statements of theme {theme.theme_id} “{theme.label}” with "
        f"“{edit.phrase}” split off as {new_id} “{edit.label}”"
    )


def _hide(edit: HideTheme, state: _State) -> str:
    theme = find_theme(edit.theme, state)
    if theme is None:
        raise LookupError(_gone(edit.theme))
    members = state.members(theme.theme_id)
    state.theme_of.update(dict.fromkeys(members, None))
    del state.themes[theme.theme_id]
    state.renamed[theme.theme_id] = ""
    return f"theme {theme.theme_id} “{theme.label}” hidden ({len(members)} statements unthemed)"


def _move(edit: MoveTheme, state: _State) -> str:
    theme = find_theme(edit.theme, state)
    if theme is None:
        raise LookupError(_gone(edit.theme))
    if theme.kind == edit.kind:
        raise LookupError(f"theme {theme.theme_id} is already a {edit.kind}")
    new_id = state.next_id(edit.kind)
    members = state.members(theme.theme_id)
    state.theme_of.update(dict.fromkeys(members, new_id))
    state.kind_of.update(dict.fromkeys(members, edit.kind))
    del state.themes[theme.theme_id]
    state.themes[new_id] = theme.model_copy(update={"theme_id": new_id, "kind": edit.kind})
    state.aliases[theme.theme_id] = new_id
    state.renamed[theme.theme_id] = new_id
    return f"theme {theme.theme_id} “{theme.label}” moved to {edit.kind}: now {new_id}"


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _reject(edit: RejectQuote, state: _State) -> str:
    """The statement, and any other with the same words (a quote is its words: the same
    sentence from another row would bring it back), is never quoted."""
    said = _words(edit.quote.text)
    same = [s for s, t in state.text_of.items() if _words(t) == said]
    if not same:
        raise LookupError(
            f"statement {edit.quote.statement_id} “{edit.quote.text[:60]}” is not in this build"
        )
    state.rejected.update(same)
    also = f" (and {len(same) - 1} more with the same words)" if len(same) > 1 else ""
    return f"statement {edit.quote.statement_id}{also} is never quoted"


# Keyed by the edit's action, so each step is only ever given its own edit type.
THEME_EDITS: dict[str, Callable[[Any, _State], str]] = {
    "rename_theme": _rename,
    "merge_themes": _merge,
    "split_theme": _split,
    "hide_theme": _hide,
    "move_theme": _move,
    "reject_quote": _reject,
}


def apply_theme_edits(
    themes: list[Theme], statements: Sequence[Statement], model: SegmentModel, review: Review
) -> Reviewed:
    """The themes and statements with every theme and quote edit applied, in order."""
    if not any(edit.action in THEME_EDITS for edit in review.edits):  # nothing to apply
        return Reviewed(themes, statements, model)
    state = _State(
        themes={t.theme_id: t for t in themes},
        theme_of={s.statement_id: s.theme_id for s in statements},
        kind_of={s.statement_id: s.kind for s in statements},
        text_of={s.statement_id: s.text for s in statements},
    )
    outcomes: list[EditOutcome] = []
    for edit in review.edits:
        step = THEME_EDITS.get(edit.action)
        if step is None:
            continue
        try:
            outcomes.append(EditOutcome(edit.id, edit.action, "applied", step(edit, state)))
        except LookupError as exc:
            outcomes.append(EditOutcome(edit.id, edit.action, "stale", str(exc.args[0])))
    if not outcomes:
        return Reviewed(themes, statements, model)
    out_statements = [
        s
        if (state.theme_of[s.statement_id], state.kind_of[s.statement_id]) == (s.theme_id, s.kind)
        else s.model_copy(
            update={
                "theme_id": state.theme_of[s.statement_id],
                "kind": state.kind_of[s.statement_id],
            }
        )
        for s in statements
    ]
    ordered = sorted(
        state.themes.values(),
        key=lambda t: (KIND_ORDER.get(t.kind, 9), int(t.theme_id.rsplit("-", 1)[1])),
    )
    reps = [
        t.model_copy(
            update={
                "representative_ids": [r for r in t.representative_ids if r not in state.rejected]
            }
        )
        for t in ordered
    ]
    return Reviewed(
        reps, out_statements, _remap_model(model, state), frozenset(state.rejected), outcomes
    )


def _remap_model(model: SegmentModel, state: _State) -> SegmentModel:
    """Segments' distinctive features that name a theme: merged or moved ones under the
    theme's id now, hidden ones left out (they must not reach a document)."""

    def remap(feature: str) -> str | None:
        name, _, effect = feature.rpartition(" ")
        if not name.startswith("theme:"):
            return feature
        tid = name[6:]
        while tid in state.renamed and tid not in state.themes:
            tid = state.renamed[tid]
            if not tid:
                return None
        return f"theme:{tid} {effect}"

    segments = []
    for seg in model.segments:
        features = [f for f in (remap(x) for x in seg.distinctive) if f is not None]
        segments.append(seg.model_copy(update={"distinctive": list(dict.fromkeys(features))}))
    return model.model_copy(update={"segments": segments})


def find_persona(ref: PersonaRef, personas: list[Persona]) -> Persona | None:
    """The persona with ``ref``'s id that still holds the same number of respondents."""
    for p in personas:
        if p.persona_id == ref.id and p.coverage.respondents == ref.respondents:
            return p
    return None


def apply_persona_edits(
    personas: list[Persona], review: Review
) -> tuple[list[Persona], list[EditOutcome]]:
    """Personas renamed and approved as reviewed, and the outcomes (notes included)."""
    by_id = {p.persona_id: p for p in personas}
    outcomes: list[EditOutcome] = []
    for edit in review.edits:
        if isinstance(edit, Note):
            outcomes.append(EditOutcome(edit.id, edit.action, "note", f"note on {edit.target}"))
            continue
        if not isinstance(edit, RenamePersona | ApprovePersona):
            continue
        found = find_persona(edit.persona, list(by_id.values()))
        if found is None:
            why = (
                f"persona {edit.persona.id} with {edit.persona.respondents} respondents "
                "is not in this build"
            )
            outcomes.append(EditOutcome(edit.id, edit.action, "stale", why))
            continue
        on = edit.when[:10]
        if isinstance(edit, RenamePersona):
            update: dict[str, Any] = {
                "name": edit.name,
                "name_basis": f"named in review by {edit.who or 'a reviewer'} on {on}",
            }
            message = f"persona {found.persona_id} named “{edit.name}”"
        else:
            update = {"approval": Approval(by=edit.who, at=edit.when)}
            message = f"persona {found.persona_id} approved by {edit.who}"
        by_id[found.persona_id] = found.model_copy(update=update)
        outcomes.append(EditOutcome(edit.id, edit.action, "applied", message))
    return [by_id[p.persona_id] for p in personas], outcomes


def review_section(outcomes: list[EditOutcome]) -> dict[str, Any]:
    """run.json "review": every edit's outcome, by edit number."""
    ordered = sorted(outcomes, key=lambda o: o.id)
    return {
        "edits": len(ordered),
        "applied": sum(o.status == "applied" for o in ordered),
        "stale": sum(o.status == "stale" for o in ordered),
        "outcomes": [o.as_json() for o in ordered],
    }


def stale_warnings(outcomes: list[EditOutcome]) -> list[str]:
    """One warning per edit that no longer applies."""
    return [
        f"review edit #{o.id} ({o.action}) no longer applies: {o.message}; "
        "revoke it in `personas review` or edit [review] in personas.toml"
        for o in sorted(outcomes, key=lambda o: o.id)
        if o.status == "stale"
    ]
