"""The synthesize stage: one ``PersonasDocument`` from a build's artefacts.

``personas.synthesize.personas`` writes each persona; this module gathers what
it needs (which sources each segment's people wrote in, the names already
taken, the evidence), then puts the personas beside the corpus summary, the
segmentation, the theme list and the analytics context. The history stage
adds what needs earlier builds or dates (``personas.history``: baseline names
and links, trends).
"""

from __future__ import annotations

from personas import __version__
from personas.artefacts import BuildArtefacts
from personas.config import Config
from personas.models import SegmentStats, Theme
from personas.synthesize.document import (
    CorpusSummary,
    Persona,
    PersonasDocument,
    Segmentation,
    ThemeSummary,
    analytics_context,
)
from personas.synthesize.personas import Evidence, synthesize


def assemble_document(
    artefacts: BuildArtefacts, config: Config, taken: set[str] | None = None
) -> PersonasDocument:
    """The personas document of a build, before its quality section and persona edits;
    ``taken``: names not to give a persona (besides the customers' own)."""
    personas = _personas(artefacts, config, taken or set())
    inputs, model = artefacts.inputs, artefacts.model
    document = PersonasDocument(
        generator=f"personas {__version__}",
        seed=config.seed,
        corpus=_corpus(artefacts),
        segmentation=Segmentation(
            method=model.method,
            k=model.k,
            criterion=model.criterion,
            scores=model.scores,
            silhouette=model.silhouette,
            stability=model.stability,
            stability_method=model.stability_method,
        ),
        personas=personas,
        themes=_theme_summaries(artefacts.themes, artefacts.stats),
    )
    document.context = analytics_context(inputs.ingested.context, inputs.ingested.accounts)
    return document


def _personas(artefacts: BuildArtefacts, config: Config, taken: set[str]) -> list[Persona]:
    """Every segment's persona; names already used by a customer or the baseline are avoided."""
    model, statements = artefacts.model, artefacts.statements
    segment_of = {k: seg.segment_id for seg in model.segments for k in seg.respondent_keys}
    records = artefacts.inputs.records
    taken = {n for r in records for n in r.names} | taken
    ev = Evidence(
        statements=statements,
        embeddings=artefacts.embeddings,
        segment_of=segment_of,
        anonymous=model.anonymous,
        rejected=artefacts.rejected,
    )
    return synthesize(
        artefacts.stats,
        model,
        artefacts.themes,
        ev,
        _sources_by_segment(artefacts, segment_of),
        taken,
        config.quotes_per_claim,
        config.claims_per_kind,
        config.min_group_size,
        names=config.names,
    )


def _sources_by_segment(
    artefacts: BuildArtefacts, segment_of: dict[str, int]
) -> dict[int, list[str]]:
    """The files each segment's people (and the anonymous text attributed to it) came from."""
    paths: dict[int, set[str]] = {}
    for r in artefacts.inputs.respondents:
        if r.key in segment_of:
            paths.setdefault(segment_of[r.key], set()).update(r.sources)
    anonymous = artefacts.model.anonymous
    if anonymous:
        source_of = {
            s.statement_id: s.source for s in artefacts.statements if s.statement_id in anonymous
        }
        for sid, (seg, _) in anonymous.items():
            paths.setdefault(seg, set()).add(source_of[sid])
    return {k: compact_paths(v) for k, v in paths.items()}


def _corpus(artefacts: BuildArtefacts) -> CorpusSummary:
    inputs, statements = artefacts.inputs, artefacts.statements
    by_kind: dict[str, int] = {}
    themed = unthemed = 0  # statements of a kind that has themes, and those left out
    for s in statements:
        by_kind[s.kind] = by_kind.get(s.kind, 0) + 1
        if s.kind != "other":
            themed += 1
            unthemed += s.theme_id is None
    return CorpusSummary(
        sources=len(inputs.sources),
        records=len(inputs.records),
        respondents=len(inputs.respondents),
        identified_respondents=sum(1 for r in inputs.respondents if r.identified),
        statements=len(statements),
        statements_by_kind=dict(sorted(by_kind.items())),
        themes=len(artefacts.themes),
        outlier_share=round(unthemed / themed, 4) if themed else 0.0,
    )


def _theme_summaries(themes: list[Theme], stats: list[SegmentStats]) -> list[ThemeSummary]:
    prevalence = {
        t.theme_id: {
            f"p{st.segment_id}": ts.prevalence
            for st in stats
            for ts in st.themes
            if ts.theme_id == t.theme_id
        }
        for t in themes
    }
    return [
        ThemeSummary(
            theme_id=t.theme_id,
            kind=t.kind,
            label=t.label,
            keywords=t.keywords,
            size=t.size,
            prevalence_by_persona=prevalence[t.theme_id],
        )
        for t in themes
    ]


def compact_paths(paths: set[str], limit: int = 3) -> list[str]:
    """Source paths for a persona; a folder with many files becomes "support/ (27 files)"."""
    by_dir: dict[str, list[str]] = {}
    for p in sorted(paths):
        folder = p.rsplit("/", 1)[0] + "/" if "/" in p else ""
        by_dir.setdefault(folder, []).append(p)
    out: list[str] = []
    for folder, files in sorted(by_dir.items()):
        if folder and len(files) > limit:
            out.append(f"{folder} ({len(files)} files)")
        else:
            out.extend(files)
    return out
