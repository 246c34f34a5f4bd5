"""Rebuild only what changed: a build's fingerprint and the check that its outputs still hold.

A build is a pure function of its inputs, its settings and the code that runs it
(same input and seed, same bytes). So ``run.json`` records a *data fingerprint*
(the sha256 of every input file, the ignored files, the settings, the salt, the
code of this package and the versions of the models and libraries) and a
*templates fingerprint* (the user's templates folder), plus the sha256 of every
output file it wrote. A later build into the same folder:

- with the same data fingerprint, the same templates and every output unchanged
  on disk: reuses them all (``run.json`` says so under ``reused``);
- with the same data fingerprint but other templates: re-renders the documents
  from ``personas.json`` (``personas render``) and nothing else;
- otherwise, or with ``--force``: builds from scratch.

An output edited or deleted by hand makes the check fail, so the build runs in
full; nothing stale is ever passed off as current.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from personas.config import Config
from personas.models import RowIssue, Source
from personas.output.folder import DATABASE, RUN_JSON, OutputFolder
from personas.output.result import BuildResult
from personas.output.run import RunRecord
from personas.stages import StageTimer

FINGERPRINT_VERSION = 1
_CODE_SUFFIXES = (".py", ".j2", ".json", ".txt", ".toml")


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tree_digest(root: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """sha256 over the relative names and bytes of the files under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts or (suffixes and path.suffix not in suffixes):
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(_file_digest(path).encode())
    return digest.hexdigest()


@functools.cache
def code_digest() -> str:
    """The code and packaged templates of this installation of personas."""
    from personas.output.render import packaged_templates_dir

    package = Path(__file__).resolve().parents[1]  # the personas package
    return hashlib.sha256(
        (_tree_digest(package, _CODE_SUFFIXES) + _tree_digest(packaged_templates_dir())).encode()
    ).hexdigest()


def build_fingerprint(
    sources: list[Source],
    file_issues: list[RowIssue],
    config: Config,
    templates_dir: Path | None,
    baseline_digest: str | None = None,
) -> dict[str, str]:
    """What decides a build: "data" (inputs, settings, code, and the baseline's digest,
    which decides ids and names) and "templates" (the user's templates)."""
    data = data_fingerprint(sources, file_issues, config)
    if baseline_digest is not None:
        data = hashlib.sha256((data + baseline_digest).encode()).hexdigest()
    return {"data": data, "templates": templates_fingerprint(templates_dir)}


def templates_fingerprint(templates_dir: Path | None) -> str:
    """The user's templates folder ("" without one)."""
    return "" if templates_dir is None else _tree_digest(Path(templates_dir))


def data_fingerprint(sources: list[Source], file_issues: list[RowIssue], config: Config) -> str:
    """Everything but the templates that decides a build's outputs."""
    from personas.output.tables import versions

    material = {
        "fingerprint_version": FINGERPRINT_VERSION,
        "inputs": sorted((s.path, s.sha256, s.kind, s.format) for s in sources),
        "ignored": sorted((i.source, i.reason) for i in file_issues),
        # where the work runs does not change the outputs (both engines give the same bytes)
        "config": config.model_dump(mode="json", exclude={"engine", "ray_address"}),
        "review": config.review.fingerprint(),  # excluded from the dump above
        # the salt is left out of the config dump (a secret); only its hash goes in
        "salt": hashlib.sha256((config.salt or "").encode()).hexdigest(),
        "code": code_digest(),
        "versions": versions(),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def output_digests(out_dir: Path, written: list[Path]) -> dict[str, str]:
    """sha256 of each written output, by its path relative to ``out_dir``."""
    return {
        p.relative_to(out_dir).as_posix(): _file_digest(p)
        for p in sorted(set(written))
        if p.is_file() and p.name != RUN_JSON
    }


def previous_run(out_dir: Path, data: str, required: tuple[str, ...] = ()) -> RunRecord | None:
    """The earlier run.json of ``out_dir`` when its outputs can be reused: the same data
    fingerprint, and every output it wrote (and each ``required`` file) still on disk
    with the same bytes. None otherwise."""
    try:
        run = OutputFolder(out_dir).run_data()
    except (OSError, ValueError):
        return None
    fingerprint = run.get("fingerprint") if isinstance(run, dict) else None
    outputs = run.get("outputs") if isinstance(run, dict) else None
    if not isinstance(fingerprint, dict) or fingerprint.get("data") != data:
        return None
    if not isinstance(outputs, dict) or not outputs:
        return None
    if not all((out_dir / name).is_file() for name in required):
        return None
    for name, digest in outputs.items():
        path = out_dir / name
        if not path.is_file() or _file_digest(path) != digest:
            return None
    try:
        return RunRecord.from_data(run)
    except ValueError:  # the right fingerprint, but not a run record this version reads
        return None


def reuse_build(
    out_dir: Path,
    fingerprint: dict[str, str],
    templates_dir: Path | None,
    config: Config,
    timer: StageTimer,
) -> BuildResult | None:
    """The earlier build in ``out_dir`` when nothing that decides it has changed (its
    documents re-rendered first if only the templates did); None to build afresh."""
    from personas.output.render import rerender

    folder = OutputFolder(out_dir)
    run = previous_run(out_dir, fingerprint["data"], required=(DATABASE,))
    if run is None:
        return None
    previous_templates = run.fingerprint.get("templates")
    if previous_templates == fingerprint["templates"]:
        what = "everything: inputs, settings, templates and code are unchanged"
    else:
        with timer.stage("render"):
            rerender(out_dir, templates_dir, config.brief_format)
        what = "everything but the documents, re-rendered because the templates changed"
    written = sorted(out_dir / name for name in run.outputs)
    run.fingerprint = fingerprint
    run.outputs = output_digests(out_dir, written)
    run.timings_seconds = timer.timings
    run.peak_memory_gib = timer.peaks
    run.reused = what
    run.write(folder.run_json)
    return BuildResult(
        out_dir=out_dir,
        document=folder.read_document(),
        run=run,
        written=written,
        warnings=list(run.warnings),
    )
