"""Stable identities across rebuilds: ``personas build NEW -o OUT2 --baseline OUT1``.

After themes are found afresh, those whose centroid is unlike every baseline
theme of their kind are new; every other statement joins its nearest baseline
theme, which so keeps its id, label and keywords (see ``carry_themes``); a seed
theme of personas.toml still wins. After segmentation, each new segment is
matched to a baseline persona by the respondents they share (keys found in the
baseline's assignments.csv), or, when too few are shared, by which baseline
centre each new respondent is nearest to under the baseline's own encoder;
a match needs at least half of the smaller side. Matched personas keep their id,
name, label and slug; unmatched ones get ids the baseline never used, and the
baseline's unmatched personas and themes are reported as gone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from personas.models import Respondent, SegmentModel, Statement, Theme
from personas.output.bundle import Bundle, load_bundle, theme_centroids
from personas.output.folder import ASSIGNMENTS_CSV, OutputFolder
from personas.synthesize.changes import BaselineLink, GoneItem, PersonaLink, ThemeLink
from personas.synthesize.document import Persona, PersonasDocument

THEME_MATCH = 0.8  # cosine similarity of centroids a theme match needs (personas diff)
NEW_THEME_SIM = 0.7  # a theme found afresh below this to every baseline theme is new
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
    theme_sim: dict[str, float] = field(default_factory=dict)  # kept theme id -> similarity
    persona_map: dict[int, str] = field(default_factory=dict)  # segment id -> its persona id
    persona_basis: str = ""


def load_baseline(folder: Path) -> Baseline:
    """Read a baseline build; a clear error when ``folder`` is not a personas output."""
    output = OutputFolder(folder)
    document = output.read_document()  # the checked reader every command uses
    raw = output.document_bytes()
    return Baseline(
        folder=folder,
        document=document,
        digest=hashlib.sha256(raw).hexdigest(),
        persona_of=read_assignments(folder),
        bundle=load_bundle(folder),
    )


def read_assignments(folder: Path, raw_only: bool = True) -> dict[str, str]:
    """Respondent key -> persona id from ``assignments.csv``. ``raw_only`` skips hashed
    keys (--hash-keys): a build cannot compare them with its own raw keys, though two
    builds hashed with the same salt can be compared with each other."""
    output = OutputFolder(folder)
    if not output.assignments_csv.is_file():
        return {}
    rows = output.table_records(ASSIGNMENTS_CSV)
    return {
        r["respondent_key"]: r["persona_id"]
        for r in rows
        if r.get("respondent_key") and (":" in r["respondent_key"] or not raw_only)
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
    statements: Sequence[Statement],
    embeddings: Any,
    seed_names: set[str],
    counts: dict[str, int] | None = None,
) -> tuple[list[Theme], list[Statement]]:
    """The baseline's themes carried into this build, plus the ones new since.

    A theme found afresh in this build is *new* when its centroid is below
    ``NEW_THEME_SIM`` to every baseline theme of its kind (or a seed theme of
    personas.toml named it: the seed wins); its statements stay in it. Every other
    statement of a themed kind joins the baseline theme whose centroid it is most
    similar to (at least ``OUTLIER_SIM``, as in discovery), so the baseline's themes
    keep their ids, labels and keywords instead of being re-cut; a baseline theme
    left with fewer statements than discovery's minimum is gone, its statements
    joining their next nearest. Records the matches on ``base``.
    """
    meta = base.bundle.meta
    old = [] if meta.embedding_model != embeddings.model else list(meta.themes)
    fresh_c = theme_centroids(themes, statements, embeddings)
    keep = _new_themes(themes, fresh_c, old, base.bundle.theme_centroids, seed_names)
    row = {sid: i for i, sid in enumerate(embeddings.ids)}
    theme_of = {s.statement_id: keep[s.theme_id] for s in statements if s.theme_id in keep}
    for kind in ("pain", "motivation", "goal"):
        cols = [j for j, t in enumerate(old) if t.kind == kind and t.theme_id not in keep.values()]
        todo = [s for s in statements if s.kind == kind and s.statement_id not in theme_of]
        if cols and todo and any(t.kind == kind for t in themes):
            vecs = embeddings.vectors[[row[s.statement_id] for s in todo]]
            best = _nearest_themes(vecs, base.bundle.theme_centroids[cols], len(todo))
            theme_of.update(
                {
                    s.statement_id: old[cols[b]].theme_id
                    for s, b in zip(todo, best, strict=True)
                    if b >= 0
                }
            )
    out = [s.model_copy(update={"theme_id": theme_of.get(s.statement_id)}) for s in statements]
    carried = _theme_list(base, themes, keep, out, embeddings)
    for t, c in zip(carried, theme_centroids(carried, out, embeddings), strict=True):
        j = next((j for j, o in enumerate(old) if o.theme_id == t.theme_id), None)
        if j is not None:
            base.theme_sim[t.theme_id] = round(float(c @ base.bundle.theme_centroids[j]), 4)
    if counts is not None:
        themed = sum(1 for s in out if s.theme_id)
        total = counts.get("statements_themed", 0) + counts.get("statements_unthemed", 0)
        counts.update({"statements_themed": themed, "statements_unthemed": total - themed})
    return carried, out


def _new_themes(
    themes: list[Theme],
    fresh_c: np.ndarray,
    old: list[Any],
    old_c: np.ndarray,
    seed_names: set[str],
) -> dict[str, str]:
    """Fresh theme id -> its id in this build, for the themes new since the baseline
    (and seeded ones, which take the id of a baseline theme with their name). A
    fresh theme labelled like a baseline theme is not new: it rejoins the baseline's."""
    by_label = {t.label: t.theme_id for t in old}
    top = {
        k: max([_number(t.theme_id) for t in old if t.kind == k] + [0])
        for k in ("pain", "motivation", "goal")
    }
    out: dict[str, str] = {}
    for i, t in enumerate(themes):
        cols = [j for j, o in enumerate(old) if o.kind == t.kind]
        closest = float(np.max(old_c[cols] @ fresh_c[i])) if cols else 0.0
        if t.label in seed_names and t.label in by_label:
            out[t.theme_id] = by_label[t.label]
        elif t.label in seed_names or (closest < NEW_THEME_SIM and t.label not in by_label):
            top[t.kind] = top.get(t.kind, 0) + 1
            out[t.theme_id] = f"{t.kind}-{top[t.kind]:02d}"
    return out


def _nearest_themes(vecs: np.ndarray, centroids: np.ndarray, n_kind: int) -> np.ndarray:
    """Index of the nearest centroid per vector (-1 below ``OUTLIER_SIM``); a theme
    left below discovery's minimum size is dropped and its statements move on."""
    from personas.understand.clusters import OUTLIER_SIM, min_size

    sims = vecs @ centroids.T
    alive = np.ones(centroids.shape[0], dtype=bool)
    while True:
        masked = np.where(alive, sims, -np.inf)
        best = np.where(masked.max(axis=1) >= OUTLIER_SIM, masked.argmax(axis=1), -1)
        sizes = np.bincount(best[best >= 0], minlength=len(alive))
        small = [
            j for j in np.argsort(sizes, kind="stable") if alive[j] and sizes[j] < min_size(n_kind)
        ]
        if not small or alive.sum() <= 1:
            return best
        alive[small[0]] = False


def _theme_list(
    base: Baseline,
    fresh: list[Theme],
    keep: dict[str, str],
    statements: Sequence[Statement],
    embeddings: Any,
) -> list[Theme]:
    """Carried baseline themes (their label and keywords) and new ones, each with its
    size and representative statements in this build; ordered by kind, then id."""
    from personas.understand.themes import representatives

    row = {sid: i for i, sid in enumerate(embeddings.ids)}
    members: dict[str, list[int]] = {}
    for s in statements:
        if s.theme_id:
            members.setdefault(s.theme_id, []).append(row[s.statement_id])
    texts = [""] * len(row)
    for s in statements:
        texts[row[s.statement_id]] = s.text
    ids = list(embeddings.ids)
    old_doc = {t.theme_id: t for t in base.document.themes}
    out: list[Theme] = []
    for t in fresh:
        if t.theme_id in keep and keep[t.theme_id] in members:
            out.append(
                t.model_copy(
                    update={"theme_id": keep[t.theme_id], "size": len(members[keep[t.theme_id]])}
                )
            )
    for tid, was in old_doc.items():
        if tid in members and tid not in keep.values():
            idx = np.array(members[tid])
            out.append(
                Theme(
                    theme_id=tid,
                    kind=was.kind,
                    label=was.label,
                    keywords=was.keywords,
                    size=len(idx),
                    representative_ids=representatives(idx, embeddings.vectors, ids, texts),
                )
            )
    order = {"pain": 0, "motivation": 1, "goal": 2}
    return sorted(out, key=lambda t: (order.get(t.kind, 3), _number(t.theme_id)))


# -- personas -------------------------------------------------------------------------


def _contingency(
    base: Baseline,
    model: SegmentModel,
    respondents: list[Respondent],
    statements: Sequence[Statement],
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
    base: Baseline, respondents: list[Respondent], statements: Sequence[Statement]
) -> dict[str, int]:
    """Each respondent's nearest baseline centre under the baseline's encoder."""
    from personas.segment.features import profiles_of
    from personas.segment.masked import distances_to_centres

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
    statements: Sequence[Statement],
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


def carry_document(
    base: Baseline, document: PersonasDocument, model: SegmentModel, names_on: bool
) -> None:
    """Matched personas keep the baseline's names (``carry_names``); ``document.baseline``
    links the build to its baseline (``link``)."""
    document.personas = carry_names(base, document.personas, names_on)
    document.baseline = link(base, document, model)


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
            f"{PERSONA_MATCH:.0%} of the smaller side; themes: each statement joins its "
            "nearest baseline theme, and a theme found afresh is new when its centroid's cosine "
            f"similarity to every baseline theme of its kind is below {NEW_THEME_SIM}"
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
            f"{link_.drift:.1%} of the {link_.shared_respondents} respondents in both builds "
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
