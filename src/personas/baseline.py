"""Stable identities across rebuilds: ``personas build NEW -o OUT2 --baseline OUT1``.

After themes are found, each new theme is matched to a baseline theme of the same
kind by the cosine similarity of their centroids (Hungarian matching, kept at
``THEME_MATCH`` or above): a match takes the baseline's id and label, unless a
seed theme of personas.toml named it. After segmentation, each new segment is
matched to a baseline persona by the respondents they share (keys found in the
baseline's assignments.csv), or, when too few are shared, by which baseline
centre each new respondent is nearest to under the baseline's own encoder;
a match needs at least half of the smaller side. Matched personas keep their id,
name, label and slug; unmatched ones get ids the baseline never used, and the
baseline's unmatched personas and themes are reported as gone.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from personas.bundle import Bundle, load_bundle, theme_centroids
from personas.changes import BaselineLink, GoneItem, PersonaLink, ThemeLink
from personas.document import Persona, PersonasDocument
from personas.errors import OutputError
from personas.models import Respondent, SegmentModel, Statement, Theme

THEME_MATCH = 0.8  # cosine similarity of centroids a theme match needs
PERSONA_MATCH = 0.5  # share of the smaller side a persona match needs
MIN_SHARED = 0.3  # share of new respondents the baseline must know to match on keys
_NUMBER = re.compile(r"(\d+)$")


@dataclass
class Baseline:
    """What a build needs of its baseline output folder."""

    folder: Path
    document: PersonasDocument
    digest: str
    persona_of: dict[str, str]  # respondent key -> persona id (empty when keys were hashed)
    bundle: Bundle
    theme_map: dict[str, str] = field(default_factory=dict)  # new theme id -> baseline id
    theme_sim: dict[str, float] = field(default_factory=dict)  # carried id -> similarity
    persona_map: dict[int, str] = field(default_factory=dict)  # new segment id -> baseline id
    persona_basis: str = ""


def load_baseline(folder: Path) -> Baseline:
    """Read a baseline build; a clear error when ``folder`` is not a personas output."""
    doc_path = folder / "personas.json"
    if not doc_path.is_file():
        raise OutputError(
            f"{folder}: no personas.json; --baseline takes the output folder of an"
            " earlier `personas build`"
        )
    raw = doc_path.read_bytes()
    try:
        document = PersonasDocument.model_validate_json(raw)
    except ValueError:
        raise OutputError(
            f"{doc_path}: not a personas.json this version can read; rebuild the baseline"
        ) from None
    return Baseline(
        folder=folder,
        document=document,
        digest=hashlib.sha256(raw).hexdigest(),
        persona_of=read_assignments(folder),
        bundle=load_bundle(folder),
    )


def read_assignments(folder: Path) -> dict[str, str]:
    """Respondent key -> persona id from ``assignments.csv`` (hashed keys are skipped:
    they cannot be compared with this build's keys)."""
    path = folder / "assignments.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        r["respondent_key"]: r["persona_id"]
        for r in rows
        if r.get("respondent_key") and ":" in r["respondent_key"]
    }


def hungarian(score: np.ndarray) -> list[tuple[int, int]]:
    """Row, column pairs that maximise the total score (each used at most once)."""
    from scipy.optimize import linear_sum_assignment

    if score.size == 0:
        return []
    rows, cols = linear_sum_assignment(-score)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True)]


def _number(item_id: str) -> int:
    match = _NUMBER.search(item_id)
    return int(match.group(1)) if match else 0


# -- themes ---------------------------------------------------------------------------


def carry_themes(
    base: Baseline,
    themes: list[Theme],
    statements: list[Statement],
    embeddings: Any,
    seed_names: set[str],
) -> tuple[list[Theme], list[Statement]]:
    """The themes renamed to the baseline's ids and labels where they match; the
    statements pointing at the new ids. Records the match on ``base``."""
    old = base.bundle.meta.themes
    same_model = base.bundle.meta.embedding_model == embeddings.model
    new_c = theme_centroids(themes, statements, embeddings)
    old_c = base.bundle.theme_centroids
    mapping: dict[str, str] = {}
    for kind in ("pain", "motivation", "goal"):
        rows = [i for i, t in enumerate(themes) if t.kind == kind]
        cols = [j for j, t in enumerate(old) if t.kind == kind]
        if not rows or not cols or not same_model:
            continue
        sim = new_c[rows] @ old_c[cols].T
        for r, c in hungarian(sim):
            if sim[r, c] >= THEME_MATCH:
                mapping[themes[rows[r]].theme_id] = old[cols[c]].theme_id
                base.theme_sim[old[cols[c]].theme_id] = round(float(sim[r, c]), 4)
    taken = {t.theme_id for t in old} | set(mapping.values())
    next_n = {
        k: max([_number(t) for t in taken if t.startswith(k)] + [0])
        for k in ("pain", "motivation", "goal")
    }
    for t in themes:
        if t.theme_id not in mapping:
            next_n[t.kind] = next_n.get(t.kind, 0) + 1
            mapping[t.theme_id] = f"{t.kind}-{next_n[t.kind]:02d}"
    old_label = {t.theme_id: t.label for t in old}
    renamed = [
        t.model_copy(
            update={
                "theme_id": mapping[t.theme_id],
                "label": t.label
                if t.label in seed_names
                else old_label.get(mapping[t.theme_id], t.label),
            }
        )
        for t in themes
    ]
    order = {"pain": 0, "motivation": 1, "goal": 2}
    renamed.sort(key=lambda t: (order.get(t.kind, 3), _number(t.theme_id)))
    base.theme_map = mapping
    out = [
        s.model_copy(update={"theme_id": mapping[s.theme_id]}) if s.theme_id else s
        for s in statements
    ]
    return renamed, out


# -- personas -------------------------------------------------------------------------


def _contingency(
    base: Baseline,
    model: SegmentModel,
    respondents: list[Respondent],
    statements: list[Statement],
) -> tuple[np.ndarray, list[str], str]:
    """(new segments x baseline personas) counts of respondents, the baseline ids, and
    the basis: shared respondents, or each respondent's nearest baseline centre."""
    old_ids = [p.persona_id for p in base.bundle.meta.personas]
    col = {pid: j for j, pid in enumerate(old_ids)}
    table = np.zeros((len(model.segments), len(old_ids)))
    n = sum(len(s.respondent_keys) for s in model.segments)
    shared = sum(1 for s in model.segments for k in s.respondent_keys if k in base.persona_of)
    if n and shared >= MIN_SHARED * n:
        for i, seg in enumerate(model.segments):
            for key in seg.respondent_keys:
                if base.persona_of.get(key) in col:
                    table[i, col[base.persona_of[key]]] += 1
        return table, old_ids, f"shared respondents ({shared} of {n} are in the baseline)"
    nearest = _nearest_baseline(base, respondents, statements)
    for i, seg in enumerate(model.segments):
        for key in seg.respondent_keys:
            if key in nearest:
                table[i, nearest[key]] += 1
    return (
        table,
        old_ids,
        (f"nearest baseline centre (only {shared} of {n} respondents are in the baseline)"),
    )


def _nearest_baseline(
    base: Baseline, respondents: list[Respondent], statements: list[Statement]
) -> dict[str, int]:
    """Each respondent's nearest baseline centre under the baseline's encoder."""
    from personas.features import profiles_of
    from personas.masked import distances_to_centres

    encoder = base.bundle.meta.encoder
    features = encoder.transform(profiles_of(respondents, statements))
    if not features.matrix.shape[1] or not len(base.bundle.centres):
        return {}
    d2 = distances_to_centres(features.matrix, features.known, base.bundle.centres)
    best = np.argmin(d2, axis=1)
    return {key: int(best[i]) for i, key in enumerate(features.keys) if features.known[i].any()}


def carry_segments(
    base: Baseline,
    model: SegmentModel,
    respondents: list[Respondent],
    statements: list[Statement],
) -> SegmentModel:
    """The segments renumbered so matched ones keep the baseline persona's number;
    new ones take numbers the baseline never used. Ordered by number."""
    table, old_ids, basis = _contingency(base, model, respondents, statements)
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    new_id: dict[int, int] = {}
    for r, c in hungarian(table):
        smaller = min(rows[r], cols[c])
        if smaller and table[r, c] >= PERSONA_MATCH * smaller:
            new_id[model.segments[r].segment_id] = _number(old_ids[c])
    top = max([_number(p) for p in old_ids] + list(new_id.values()) + [0])
    for seg in model.segments:
        if seg.segment_id not in new_id:
            top += 1
            new_id[seg.segment_id] = top
    base.persona_map = {new_id[s.segment_id]: f"p{new_id[s.segment_id]}" for s in model.segments}
    base.persona_basis = basis
    order = sorted(range(len(model.segments)), key=lambda i: new_id[model.segments[i].segment_id])
    segments = [
        model.segments[i].model_copy(update={"segment_id": new_id[model.segments[i].segment_id]})
        for i in order
    ]
    centres = [model.centres[i] for i in order] if model.centres else []
    anonymous = {sid: (new_id[seg], sim) for sid, (seg, sim) in model.anonymous.items()}
    return model.model_copy(
        update={"segments": segments, "centres": centres, "anonymous": anonymous}
    )


def kept_ids(base: Baseline) -> set[str]:
    """Persona ids of this build that carry a baseline persona."""
    return {pid for pid in base.persona_map.values()} & {
        p.persona_id for p in base.document.personas
    }


def taken_names(base: Baseline) -> set[str]:
    """Baseline persona names: a new persona must not take one."""
    return {p.name for p in base.document.personas}


def carry_names(base: Baseline, personas: list[Persona], names_on: bool) -> list[Persona]:
    """Matched personas keep the baseline's name (unless names are turned off in
    personas.toml), label and slug; a new persona's slug never repeats a kept one."""
    old = {p.persona_id: p for p in base.document.personas}
    kept = kept_ids(base)
    where = base.folder.name
    out: list[Persona] = []
    for p in personas:
        if p.persona_id in kept:
            was = old[p.persona_id]
            update: dict[str, Any] = {
                "label": was.label,
                "slug": was.slug,
                "label_basis": f"kept from the baseline build ({where}); {p.label_basis}",
            }
            if names_on:
                update |= {
                    "name": was.name,
                    "name_basis": f"kept from the baseline build ({where})",
                }
            out.append(p.model_copy(update=update))
        else:
            out.append(p)
    slugs = {p.slug for p in out if p.persona_id in kept}
    return [
        p.model_copy(update={"slug": f"{p.slug}-{p.persona_id}"})
        if p.persona_id not in kept and p.slug in slugs
        else p
        for p in out
    ]


# -- the link written to personas.json -------------------------------------------------


def link(base: Baseline, document: PersonasDocument, model: SegmentModel) -> BaselineLink:
    """``document.baseline``: kept, new and gone personas and themes, and the drift."""
    kept = kept_ids(base)
    old = {p.persona_id: p for p in base.document.personas}
    personas = [
        PersonaLink(
            persona_id=p.persona_id,
            name=p.name,
            status="kept" if p.persona_id in kept else "new",
            basis=f"matched on {base.persona_basis}"
            if p.persona_id in kept
            else f"no baseline persona holds half of it ({base.persona_basis})",
            share_then=old[p.persona_id].coverage.share if p.persona_id in kept else None,
            share_now=p.coverage.share,
        )
        for p in document.personas
    ]
    themes = [
        ThemeLink(
            theme_id=t.theme_id,
            label=t.label,
            kind=t.kind,
            status="kept" if t.theme_id in base.theme_sim else "new",
            similarity=base.theme_sim.get(t.theme_id),
        )
        for t in document.themes
    ]
    gone = [
        GoneItem(item_id=p.persona_id, label=f"{p.name} — {p.label}", kind="persona")
        for p in base.document.personas
        if p.persona_id not in kept
    ] + [
        GoneItem(item_id=t.theme_id, label=t.label, kind=t.kind)
        for t in base.document.themes
        if t.theme_id not in base.theme_sim
    ]
    now = {k: f"p{s.segment_id}" for s in model.segments for k in s.respondent_keys}
    both = [k for k in now if k in base.persona_of]
    moved = sum(1 for k in both if now[k] != base.persona_of[k])
    drift = round(moved / len(both), 4) if both else None
    result = BaselineLink(
        baseline=base.folder.name,
        baseline_digest=base.digest,
        method=(
            f"personas: Hungarian matching on {base.persona_basis}, a match needs "
            f"{PERSONA_MATCH:.0%} of the smaller side; themes: Hungarian matching on centroid "
            f"cosine similarity within a kind, at least {THEME_MATCH}"
        ),
        personas=personas,
        themes=themes,
        gone=gone,
        shared_respondents=len(both),
        drift=drift,
        changes=[],
    )
    return result.model_copy(update={"changes": change_sentences(result)})


def change_sentences(link_: BaselineLink) -> list[str]:
    """What changed since the baseline, one plain sentence each."""
    out: list[str] = []
    if link_.drift is not None:
        out.append(
            f"{link_.drift:.0%} of the {link_.shared_respondents} respondents in both builds "
            "changed persona."
        )
    for p in link_.personas:
        if p.status == "new":
            out.append(f"New persona: {p.persona_id} {p.name} ({p.share_now:.0%} of respondents).")
        elif p.share_then is not None and abs(p.share_now - p.share_then) >= 0.02:
            verb = "grew" if p.share_now > p.share_then else "shrank"
            out.append(
                f"{p.persona_id} {p.name} {verb} from {p.share_then:.0%} to "
                f"{p.share_now:.0%} of respondents."
            )
    for t in link_.themes:
        if t.status == "new":
            out.append(f"New {t.kind} theme: {t.label}.")
    for g in link_.gone:
        what = "persona" if g.kind == "persona" else f"{g.kind} theme"
        out.append(
            f"Gone {what}: {g.item_id} {g.label}."
            if g.kind == "persona"
            else f"Gone {what}: {g.label}."
        )
    if len(out) <= 1:
        out.append("Every persona and theme of the baseline is still here.")
    return out
