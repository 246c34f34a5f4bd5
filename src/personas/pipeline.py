"""Wire the stages together: one ``build()`` from input folder to output folder.

Stages are plain functions; this module only passes their typed outputs
along, times them, keeps the row accounting and reports progress through a
``Progress`` hook (the CLI draws bars with it; the library never prints).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from personas import __version__
from personas.config import Config
from personas.errors import InputError, NoUsableInput, OutputError
from personas.ingest import ingest
from personas.ingest.discover import discover
from personas.ingest.identity import build_respondents
from personas.models import (
    Record,
    Respondent,
    RowIssue,
    SegmentModel,
    SegmentStats,
    Source,
    Statement,
    Theme,
)
from personas.offline import force_offline
from personas.output.store import DB_NAME, Store
from personas.synthesize.document import (
    CorpusSummary,
    PersonasDocument,
    Quality,
    Segmentation,
    ThemeSummary,
    analytics_context,
)

if TYPE_CHECKING:  # the stages' modules load when a build runs, not on import
    from personas.engine import Engine
    from personas.history.baseline import Baseline
    from personas.ingest.recordtable import RecordTable
    from personas.understand.embed import Embeddings
    from personas.understand.prepare import PrepareResult

log = logging.getLogger(__name__)


class Progress(Protocol):
    def start(self, stage: str, total: int | None = None) -> Callable[[int], None]: ...
    def finish(self, stage: str) -> None: ...


class NoProgress:
    def start(self, stage: str, total: int | None = None) -> Callable[[int], None]:
        return lambda n: None

    def finish(self, stage: str) -> None:
        return None


@dataclass
class BuildResult:
    out_dir: Path
    document: PersonasDocument
    run: dict[str, Any]
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Timer:
    progress: Progress
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        t0 = time.perf_counter()
        advance = self.progress.start(name, total)
        try:
            yield advance
        finally:
            self.timings[name] = round(time.perf_counter() - t0, 3)
            self.progress.finish(name)


PERSONA_FILE = re.compile(r"^p\d+-[a-z0-9-]*\.(?:md|html)$")


def _prepare_out(out_dir: Path) -> None:
    """Create OUT/personas/, and remove persona documents an earlier build left there
    (a rebuild with fewer personas must not leave stale ones behind)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder")
    try:
        folder = out_dir / "personas"
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.is_file() and PERSONA_FILE.match(old.name):
                old.unlink()
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the output folder: {exc.strerror}") from None


def build(
    input_dir: Path,
    out_dir: Path,
    config: Config,
    progress: Progress | None = None,
    templates_dir: Path | None = None,
    force: bool = False,
    baseline: Path | None = None,
) -> BuildResult:
    """Read every export under ``input_dir`` and write the personas to ``out_dir``.

    A rebuild whose inputs, settings and code are unchanged reuses the earlier
    outputs (re-rendering them if only the templates changed); ``force`` builds
    from scratch anyway. See ``personas.output.reuse``. With ``baseline`` (an earlier
    output folder) matched personas and themes keep its ids (``personas.history.baseline``)."""
    from personas.history.trends import theme_trends
    from personas.output.render import write_brief_format
    from personas.output.reuse import data_fingerprint, output_digests, templates_fingerprint
    from personas.output.tables import write_outputs, write_run

    force_offline()
    base = _load_baseline(baseline)
    timer = _Timer(progress or NoProgress())
    with timer.stage("discover"):
        sources, file_issues = discover(input_dir, config)
    fingerprint = {
        "data": data_fingerprint(sources, file_issues, config),
        "templates": templates_fingerprint(templates_dir),
    }
    if base is not None:  # the baseline decides ids and names: part of the data
        fingerprint["data"] = _digest(fingerprint["data"] + base.digest)
    if not force:
        reused = _reuse(out_dir, fingerprint, templates_dir, config, timer)
        if reused is not None:
            return reused
    _prepare_out(out_dir)
    with timer.stage("ingest", len(sources)):
        ingested = ingest(input_dir, sources, config)
    if config.strict:
        _refuse_skips(file_issues, ingested)
    records = ingested.records
    if not any(r.texts for r in records):
        raise NoUsableInput(
            f"{input_dir}: no customer text found in {len(sources)} file(s); "
            "run `personas inspect` to see what was read and why rows were skipped"
        )
    with timer.stage("identity"):
        respondents = build_respondents(records)
    store = Store(out_dir / DB_NAME)
    try:
        u = _understand_and_segment(records, respondents, sources, config, timer, store, base)
        statements, themes, embeddings, model, stats = (
            u.statements,
            u.themes,
            u.embeddings,
            u.model,
            u.stats,
        )
        with timer.stage("synthesize"):
            document, warnings = _document(
                records,
                respondents,
                sources,
                statements,
                themes,
                embeddings,
                model,
                stats,
                config,
                rejected=u.rejected,
                base=base,
            )
            document.context = analytics_context(ingested.context, ingested.accounts)
            document.trends = theme_trends(records, statements, themes)
            review = _review_personas(document, config, u.outcomes, warnings)
        with timer.stage("quality"):  # before render: the report shows it
            document.quality = _quality(records, statements, themes, model, document)
        with timer.stage("render"):
            written, run = write_outputs(
                out_dir=out_dir,
                input_dir=input_dir,
                document=document,
                sources=sources,
                ingested=ingested,
                file_issues=file_issues,
                respondents=respondents,
                statements=statements,
                themes=themes,
                model=model,
                stats=stats,
                config=config,
                store=store,
                templates_dir=templates_dir,
                embeddings=embeddings,
                counts=u.counts,
                timings=timer.timings,
                warnings=warnings,
            )
            written = sorted(written + write_brief_format(out_dir, config.brief_format))
        with timer.stage("bundle"):
            written += _save_bundle(out_dir, document, u, records)
    finally:
        store.close()
    run["timings_seconds"] = timer.timings
    # Part of "prepare": patterns, known and cued names (NER runs inside the spaCy pass).
    run["redaction_seconds"] = u.redaction_seconds
    run["quality"] = document.quality.model_dump(mode="json") if document.quality else None
    run["fingerprint"] = fingerprint
    run["outputs"] = output_digests(out_dir, written)
    if review is not None:
        run["review"] = review
    write_run(out_dir, run)
    return BuildResult(
        out_dir=out_dir, document=document, run=run, written=written, warnings=warnings
    )


def _reuse(
    out_dir: Path,
    fingerprint: dict[str, str],
    templates_dir: Path | None,
    config: Config,
    timer: _Timer,
) -> BuildResult | None:
    """The earlier build in ``out_dir`` when nothing that decides it has changed (its
    documents re-rendered first if only the templates did); None to build afresh."""
    from personas.output.render import read_document, rerender
    from personas.output.reuse import output_digests, previous_run
    from personas.output.tables import write_run

    run = previous_run(out_dir, fingerprint["data"], required=(DB_NAME,))
    if run is None:
        return None
    previous_templates = run["fingerprint"].get("templates")
    if previous_templates == fingerprint["templates"]:
        what = "everything: inputs, settings, templates and code are unchanged"
    else:
        with timer.stage("render"):
            rerender(out_dir, templates_dir, config.brief_format)
        what = "everything but the documents, re-rendered because the templates changed"
    written = sorted(out_dir / name for name in run["outputs"])
    run["fingerprint"] = fingerprint
    run["outputs"] = output_digests(out_dir, written)
    run["timings_seconds"] = timer.timings
    run["reused"] = what
    write_run(out_dir, run)
    return BuildResult(
        out_dir=out_dir,
        document=read_document(out_dir),
        run=run,
        written=written,
        warnings=list(run.get("warnings", [])),
    )


@dataclass
class Understanding:
    """What the middle stages hand to synthesis, rendering and the bundle."""

    statements: list[Statement]
    themes: list[Any]
    embeddings: Any
    model: Any
    stats: list[SegmentStats]
    counts: dict[str, Any]
    encoder: Any
    redaction_seconds: float = 0.0
    # reviewed edits (personas.review.apply): the themes as found feed the bundle
    raw_themes: list[Any] = field(default_factory=list)
    raw_statements: list[Statement] = field(default_factory=list)
    rejected: frozenset[str] = frozenset()
    outcomes: list[Any] = field(default_factory=list)


def _review_personas(
    document: PersonasDocument, config: Config, theme_outcomes: list[Any], warnings: list[str]
) -> dict[str, Any] | None:
    """Persona edits applied to ``document``; stale edits added to ``warnings``; the
    run.json "review" section (None without edits)."""
    from personas.review.apply import apply_persona_edits, review_section, stale_warnings

    if not config.review.edits:
        return None
    document.personas, persona_outcomes = apply_persona_edits(document.personas, config.review)
    outcomes = theme_outcomes + persona_outcomes
    warnings.extend(stale_warnings(outcomes))
    return review_section(outcomes)


def _understand_and_segment(
    records: RecordTable,
    respondents: list[Respondent],
    sources: list[Source],
    config: Config,
    timer: _Timer,
    store: Store,
    base: Baseline | None = None,
) -> Understanding:
    from personas.engine import open_engine
    from personas.review.apply import apply_theme_edits
    from personas.segment.features import fit_encoder, profiles_of, wants_tone
    from personas.segment.fit import attribute_anonymous, segment_respondents
    from personas.segment.stability import measure_stability
    from personas.segment.stats import segment_stats
    from personas.understand.classify import classify_statements
    from personas.understand.labels import tidy
    from personas.understand.themes import THEMED_KINDS, fit_themes

    with open_engine(config, store.path.parent) as engine:
        prepared, pipeline_name, embeddings = _prepare_and_embed(engine, records, timer, store)
        counts: dict[str, Any] = dict(prepared.counts)
        counts["spacy_pipeline"] = pipeline_name
        redaction_seconds = round(prepared.redact_seconds, 3)
        counts["embeddings_cached"] = embeddings.cached
        with timer.stage("classify", len(prepared.statements)):
            by_id = records.by_id()  # the record table's id index, not a dict of every record
            statements = classify_statements(
                prepared.statements, by_id, embeddings.vectors, seed=config.seed
            )
        with timer.stage("themes", len(THEMED_KINDS)) as advance:
            themes, statements, theme_counts = fit_themes(
                statements,
                embeddings,
                config.seed,
                advance,
                taxonomy=config.themes,
                sample=config.fit_sample_statements,
                assign=engine.nearest_themes,  # the Ray engine: on the workers
            )
    counts.update(theme_counts)
    if base is not None:
        from personas.history.baseline import carry_themes

        seeded = {tidy(t.name) for t in config.themes}
        themes, statements = carry_themes(base, themes, statements, embeddings, seeded, counts)
    with timer.stage("segment"):
        profiles = profiles_of(respondents, statements)
        encoder = fit_encoder(profiles, tone=wants_tone(statements, respondents))
        features = encoder.transform(profiles)
        model = segment_respondents(features, config)
        model = attribute_anonymous(model, statements, embeddings)
    with timer.stage("stability"):
        model = measure_stability(model, features, config.seed, config.fit_sample_people)
    if len(features.keys) > config.fit_sample_people:  # run.json "texts": say so
        counts["segments_fitted_on_respondents"] = config.fit_sample_people
        counts["respondents_segmented"] = len(features.keys)
    if base is not None:
        from personas.history.baseline import carry_segments

        model = carry_segments(base, model, respondents, statements)
    with timer.stage("review"):
        reviewed = apply_theme_edits(themes, statements, model, config.review)
    with timer.stage("stats"):
        kinds = {s.path: s.kind for s in sources}
        stats = segment_stats(respondents, reviewed.statements, reviewed.themes, model, kinds)
    return Understanding(
        reviewed.statements,
        reviewed.themes,
        embeddings,
        reviewed.model,
        stats,
        counts,
        encoder,
        redaction_seconds,
        raw_themes=themes,
        raw_statements=statements,
        rejected=reviewed.rejected,
        outcomes=reviewed.outcomes,
    )


def _prepare_and_embed(
    engine: Engine, records: Sequence[Record], timer: _Timer, store: Store
) -> tuple[PrepareResult, str, Embeddings]:
    """The engine's part of a build: statements, then their vectors."""
    n_texts = sum(len(r.texts) for r in records)
    with timer.stage("prepare", n_texts) as advance:
        prepared, pipeline_name = engine.prepare(records, advance)
    if not prepared.statements:
        raise NoUsableInput(
            "no statements left after cleaning: every text was empty or boilerplate"
        )
    with timer.stage("embed", len(prepared.statements)) as advance:
        embeddings = engine.embed(
            [s.statement_id for s in prepared.statements],
            [s.text for s in prepared.statements],
            store,
            advance,
        )
    return prepared, pipeline_name, embeddings


def _document(
    records: Sequence[Record],
    respondents: list[Respondent],
    sources: list[Source],
    statements: list[Statement],
    themes: list[Theme],
    embeddings: Embeddings,
    model: SegmentModel,
    stats: list[SegmentStats],
    config: Config,
    rejected: frozenset[str] = frozenset(),
    base: Baseline | None = None,
) -> tuple[PersonasDocument, list[str]]:
    from personas.history.baseline import carry_names, link, taken_names
    from personas.synthesize.personas import Evidence, synthesize

    segment_of = {k: seg.segment_id for seg in model.segments for k in seg.respondent_keys}
    source_paths: dict[int, set[str]] = {}
    for r in respondents:
        if r.key in segment_of:
            source_paths.setdefault(segment_of[r.key], set()).update(r.sources)
    for sid, (seg, _) in model.anonymous.items():
        source_paths.setdefault(seg, set()).add(
            next(s.source for s in statements if s.statement_id == sid)
        )
    taken = {n for r in records for n in r.names} | (taken_names(base) if base else set())
    ev = Evidence(
        statements={s.statement_id: s for s in statements},
        embeddings=embeddings,
        segment_of=segment_of,
        anonymous=model.anonymous,
        rejected=rejected,
    )
    personas = synthesize(
        stats,
        model,
        themes,
        ev,
        {k: compact_paths(v) for k, v in source_paths.items()},
        taken,
        config.quotes_per_claim,
        config.claims_per_kind,
        config.min_group_size,
        names=config.names,
    )
    if base is not None:
        personas = carry_names(base, personas, config.names is not False)
    themed = [s for s in statements if s.kind != "other"]
    by_kind: dict[str, int] = {}
    for s in statements:
        by_kind[s.kind] = by_kind.get(s.kind, 0) + 1
    prevalence = {
        t.theme_id: {
            f"p{st.segment_id}": ts.prevalence
            for st in stats
            for ts in st.themes
            if ts.theme_id == t.theme_id
        }
        for t in themes
    }
    document = PersonasDocument(
        generator=f"personas {__version__}",
        seed=config.seed,
        corpus=CorpusSummary(
            sources=len(sources),
            records=len(records),
            respondents=len(respondents),
            identified_respondents=sum(1 for r in respondents if r.identified),
            statements=len(statements),
            statements_by_kind=dict(sorted(by_kind.items())),
            themes=len(themes),
            outlier_share=round(sum(1 for s in themed if s.theme_id is None) / len(themed), 4)
            if themed
            else 0.0,
        ),
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
        themes=[
            ThemeSummary(
                theme_id=t.theme_id,
                kind=t.kind,
                label=t.label,
                keywords=t.keywords,
                size=t.size,
                prevalence_by_persona=prevalence[t.theme_id],
            )
            for t in themes
        ],
    )
    if base is not None:
        document.baseline = link(base, document, model)
    warnings: list[str] = []
    for p in personas:
        if p.coverage.respondents < 10:
            warnings.append(
                f"persona {p.persona_id} rests on only {p.coverage.respondents} respondents"
            )
        if not p.pains and not p.motivations:
            warnings.append(f"persona {p.persona_id} has no pain points or motivations in the data")
    if document.corpus.outlier_share > 0.1:
        warnings.append(
            f"{round(100 * document.corpus.outlier_share)}% of statements have no theme"
        )
    return document, warnings


def _quality(
    records: Sequence[Record],
    statements: list[Statement],
    themes: list[Theme],
    model: SegmentModel,
    document: PersonasDocument,
) -> Quality:
    """The quality section (``personas.synthesize.quality``): how well these personas hold up."""
    from personas.ingest.identity import link_rates
    from personas.synthesize.quality import quality_section

    return quality_section(statements, themes, model, document.personas, link_rates(records))


def _save_bundle(
    out_dir: Path, document: PersonasDocument, u: Understanding, records: Sequence[Record]
) -> list[Path]:
    from personas.ingest.identity import newest_order_date
    from personas.output.bundle import save_bundle, theme_centroids

    newest = newest_order_date(records)
    return save_bundle(
        out_dir,
        document=document,
        encoder=u.encoder,
        model=u.model,
        themes=u.raw_themes or u.themes,  # the segmentation's features name these
        centroids=theme_centroids(
            u.raw_themes or u.themes, u.raw_statements or u.statements, u.embeddings
        ),
        embedding_model=u.embeddings.model,
        reference_date=newest.isoformat() if newest else None,
    )


def _load_baseline(folder: Path | None) -> Baseline | None:
    from personas.history.baseline import load_baseline

    return load_baseline(folder) if folder is not None else None


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def _refuse_skips(file_issues: list[RowIssue], ingested: Any) -> None:
    """``--strict``: any skipped row or unreadable file stops the build, listing the first ones."""
    from personas.ingest.accounting import strict_problems

    problems = strict_problems(file_issues, ingested)
    if problems:
        shown = "; ".join(problems[:5])
        more = (
            f" (and {len(problems) - 5} more; see `personas inspect`)" if len(problems) > 5 else ""
        )
        raise InputError(f"--strict: {len(problems)} skipped row(s) or file(s): {shown}{more}")


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


def issues_as_text(issues: list[RowIssue]) -> list[str]:
    out = []
    for i in issues:
        where = ", ".join(
            x for x in (i.source, i.locator, f'column "{i.column}"' if i.column else None) if x
        )
        out.append(f"{where}: {i.reason}")
    return out


@dataclass
class InspectResult:
    sources: list[Source]
    file_issues: list[RowIssue]
    ingested: Any  # IngestResult
    respondents: list[Respondent]


def inspect_inputs(input_dir: Path, config: Config) -> InspectResult:
    """What a build would read: files, kinds, column roles, identity keys, problems."""
    sources, file_issues = discover(input_dir, config)
    ingested = ingest(input_dir, sources, config)
    return InspectResult(sources, file_issues, ingested, build_respondents(ingested.records))
