"""Render stage: a ``PersonasDocument`` becomes the documents people read.

Writes ``index.html`` (the report), ``personas/<persona_id>-<slug>.md`` and ``.html``
(one document per persona) and ``brief.md`` (the marketing brief). Machine-readable
outputs (``personas.json``, CSVs) are written elsewhere.

Template lookup (as in datasette): the user's templates folder first, the packaged
defaults last. A name with the ``default:`` prefix always loads the packaged file, so
an override can ``{% extends "default:persona.md.j2" %}`` and replace one block.
Templates run in a Jinja sandbox with ``StrictUndefined``; ``.html.j2`` templates are
autoescaped, ``.md.j2`` templates are not (Markdown gets user text verbatim).

Template context
----------------
``doc``
    The :class:`personas.synthesize.document.PersonasDocument`: ``corpus``, ``segmentation``,
    ``personas`` (each a :class:`~personas.synthesize.document.Persona`), ``themes``, ``generator``,
    ``seed``, ``schema_version``. Given to every template.
``persona``
    The :class:`~personas.synthesize.document.Persona` being rendered. Given to ``persona.md.j2``
    and ``persona.html.j2`` only.

Filters: ``pct`` (0.423 -> "42%"; ``pct(1)`` for one decimal), ``num`` (1234 -> "1,234";
``num(1)`` for one decimal), ``lift`` (2.07 -> "×2.1", None -> "—"), ``oneline``
(collapse whitespace), ``cell`` (``oneline`` plus ``|`` escaped, for Markdown tables).
None renders as "—" in ``pct``, ``num`` and ``lift``.

Globals: ``persona_file(persona, ext)`` -> ``"<persona_id>-<slug>.<ext>"`` (the file name
under ``personas/``); ``fact_table(personas, field)`` (field: any list-of-facts field of a
persona: "demographics", "psychographics", "behaviour", "journey", "bant", "channels")
-> rows ``{"name": str, "facts": [Fact | None, one per persona]}`` in first-seen order;
``stack_chart(row)`` -> ``{"values", "bars", "multi"}``: a fact_table row's shares laid out
as stacked bars (see :func:`stack_chart`).

Output is deterministic: no timestamps, no random ids; the same document renders to
the same bytes.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from personas.errors import OutputError, PersonasError
from personas.output.folder import OutputFolder, read_document
from personas.synthesize.document import Persona, PersonasDocument

DOCUMENT_TEMPLATES = ("index.html.j2", "brief.md.j2")
PERSONA_TEMPLATES = ("persona.md.j2", "persona.html.j2")
CONTEXT_NAMES = ("doc", "persona")  # every name a template receives; see the docstring
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class TemplateError(PersonasError):
    """A template cannot be loaded or rendered; the message names the file and line."""


def packaged_templates_dir() -> Path:
    """The packaged default templates: in a wheel, or in a source/editable checkout."""
    here = Path(__file__).resolve().parents[1]  # the personas package
    for candidate in (here / "templates", here.parents[1] / "templates"):
        if (candidate / "persona.md.j2").is_file():
            return candidate
    raise TemplateError(
        f"packaged templates not found in {here / 'templates'} or {here.parents[1] / 'templates'};"
        " reinstall personas"
    )


def template_dirs(templates_dir: Path | None) -> list[Path]:
    """Folders searched for a template name: the user's folder first, packaged defaults last."""
    dirs = [] if templates_dir is None else [Path(templates_dir)]
    if templates_dir is not None and not dirs[0].is_dir():
        raise TemplateError(f"{templates_dir}: templates folder does not exist")
    return [*dirs, packaged_templates_dir()]


# -- filters and globals -------------------------------------------------------------------


def pct(value: float | None, digits: int = 0) -> str:
    """0.423 -> "42%"."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 0) -> str:
    """1234 -> "1,234"."""
    return "—" if value is None else f"{value:,.{digits}f}"


def lift(value: float | None) -> str:
    """2.07 -> "\N{MULTIPLICATION SIGN}2.1"; None (nobody else voiced it) -> "—"."""
    return "—" if value is None else f"\N{MULTIPLICATION SIGN}{value:.1f}"


def oneline(text: Any) -> str:
    """Collapse runs of whitespace (including newlines) to single spaces."""
    return " ".join(str(text).split())


def cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return oneline(text).replace("|", "\\|")


def persona_file(persona: Persona, ext: str) -> str:
    """The file name of a persona document under ``personas/``."""
    for part in (persona.persona_id, persona.slug):
        if not _SAFE_NAME.match(part):
            raise OutputError(
                f"persona {persona.persona_id!r}: {part!r} cannot be used in a file name"
                " (letters, digits, '.', '_' and '-' only)"
            )
    return f"{persona.persona_id}-{persona.slug}.{ext}"


def fact_table(personas: list[Persona], field: str) -> list[dict[str, Any]]:
    """Facts of one field side by side: one row per fact name, one column per persona."""
    names: list[str] = []
    for persona in personas:
        names += [f.name for f in getattr(persona, field) if f.name not in names]
    by_persona = [{f.name: f for f in getattr(p, field)} for p in personas]
    return [{"name": n, "facts": [facts.get(n) for facts in by_persona]} for n in names]


def by_k(scores: dict[str, float]) -> list[tuple[str, dict[str, float]]]:
    """Segmentation scores ``{"3 silhouette": .., "3 stability": ..}`` as rows per k:
    ``[("3", {"silhouette": .., "stability": ..}), ...]`` in order of k."""
    rows: dict[str, dict[str, float]] = {}
    for key, value in scores.items():
        k, _, measure = key.partition(" ")
        rows.setdefault(k, {})[measure or "score"] = value
    return sorted(rows.items(), key=lambda row: int(row[0]) if row[0].isdigit() else 0)


def stack_chart(row: dict[str, Any], limit: int = 7) -> dict[str, Any]:
    """A stacked share chart of one ``fact_table`` row: ``values`` (the ``limit`` answers
    with the largest summed share, one colour each), ``bars`` (per persona its segments
    ``{value, share, x, colour}`` in that order, or None when the fact has no shares)
    and ``multi`` (per persona: the shares add up to more than 1, so not stackable)."""
    totals: dict[str, float] = {}
    for fact in row["facts"]:
        for s in fact.shares if fact is not None else []:
            totals[s.value] = totals.get(s.value, 0.0) + s.share
    values = sorted(totals, key=lambda v: (-totals[v], v))[:limit]
    bars: list[list[dict[str, Any]] | None] = []
    multi: list[bool] = []
    for fact in row["facts"]:
        shares = {s.value: s.share for s in fact.shares} if fact is not None else {}
        multi.append(sum(shares.values()) > 1.001)
        x, bar = 0.0, []
        for colour, value in enumerate(values):
            if value in shares:
                bar.append({"value": value, "share": shares[value], "x": x, "colour": colour})
                x += shares[value]
        bars.append(bar if shares else None)
    return {"values": values, "bars": bars, "multi": multi}


# -- environment ---------------------------------------------------------------------------


def _autoescape(name: str | None) -> bool:
    return name is not None and name.removeprefix("default:").endswith((".html.j2", ".html"))


def make_environment(templates_dir: Path | None = None) -> SandboxedEnvironment:
    """The sandboxed Jinja environment with the user-first loader, filters and globals."""
    dirs = template_dirs(templates_dir)
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(dirs[-1])}, delimiter=":"),
            jinja2.FileSystemLoader([str(d) for d in dirs]),
        ]
    )
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=pct, num=num, lift=lift, oneline=oneline, cell=cell, by_k=by_k)
    env.globals.update(persona_file=persona_file, fact_table=fact_table, stack_chart=stack_chart)
    return env


def _where(exc: jinja2.TemplateError) -> str:
    """``file, line N`` for a Jinja error: from the error itself or the template frames."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename or exc.name}, line {exc.lineno}"
    frames = [
        (fs.filename, fs.lineno)
        for fs, (frame, _) in zip(
            traceback.extract_tb(exc.__traceback__),
            traceback.walk_tb(exc.__traceback__),
            strict=True,
        )
        if "__jinja_exception__" in frame.f_globals  # frames Jinja rewrote to template lines
    ]
    return f"{frames[-1][0]}, line {frames[-1][1]}" if frames else ""


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render one template; any Jinja error becomes a ``TemplateError`` naming file and line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template {exc.name!r} not found (looked up from {name})") from exc
    except jinja2.TemplateError as exc:
        where = _where(exc) or name
        raise TemplateError(f"{where}: {exc.message or type(exc).__name__}") from exc


def render(doc: PersonasDocument, out_dir: Path, templates_dir: Path | None = None) -> list[Path]:
    """Write the report, persona documents and brief into ``out_dir``; return the paths sorted.

    Everything is rendered before anything is written, so a template error leaves
    ``out_dir`` untouched.
    """
    folder = OutputFolder(out_dir)
    env = make_environment(templates_dir)
    files: dict[Path, str] = {
        folder.index_html: render_template(env, "index.html.j2", doc=doc),
        folder.brief_md: render_template(env, "brief.md.j2", doc=doc),
    }
    for persona in doc.personas:
        for ext in ("md", "html"):
            path = folder.persona_document(persona_file(persona, ext))
            if path in files:
                raise OutputError(f"{path}: two personas share the id {persona.persona_id!r}")
            files[path] = render_template(env, f"persona.{ext}.j2", doc=doc, persona=persona)
    for path in sorted(files):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[path], encoding="utf-8", newline="\n")
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    return sorted(files)


# -- re-rendering a finished build -------------------------------------------------------------

BRIEF_FORMATS = ("md", "docx")


def built_brief_format(out_dir: Path) -> str:
    """The brief format the build used (run.json's config), "md" when it does not say."""
    try:
        value = OutputFolder(out_dir).run_data()["config"]["brief_format"]
    except (OSError, ValueError, KeyError, TypeError):
        return "md"
    return value if value in BRIEF_FORMATS else "md"


def write_brief_format(out_dir: Path, brief_format: str) -> list[Path]:
    """``docx``: convert the rendered brief.md into brief.docx. ``md``: remove a
    brief.docx an earlier build left, so it cannot disagree with brief.md."""
    from personas.output.brief_docx import write_brief_docx

    folder = OutputFolder(out_dir)
    target = folder.brief_docx
    if brief_format not in BRIEF_FORMATS:
        raise OutputError(f"brief format {brief_format!r}: use one of {', '.join(BRIEF_FORMATS)}")
    if brief_format == "docx":
        return [write_brief_docx(folder.brief_md, target)]
    target.unlink(missing_ok=True)
    return []


def rerender(
    out_dir: Path, templates_dir: Path | None = None, brief_format: str | None = None
) -> list[Path]:
    """Render a finished build again from ``OUT/personas.json`` alone: no models, no
    recomputation, the same bytes as the build's own rendering with the same templates.
    ``brief_format`` None keeps the build's. Persona documents of personas no longer
    in the document are removed."""
    out_dir = Path(out_dir)
    doc = read_document(out_dir)
    written = render(doc, out_dir, templates_dir)
    keep = {p.name for p in written}
    for old in OutputFolder(out_dir).old_persona_documents():
        if old.name not in keep:
            old.unlink()
    written += write_brief_format(out_dir, brief_format or built_brief_format(out_dir))
    return sorted(written)


# -- starting a customisation --------------------------------------------------------------


def describe_templates() -> list[tuple[str, str]]:
    """(file name, what it renders) of every packaged template, sorted by name. The
    description is the template's first Jinja comment."""
    out: list[tuple[str, str]] = []
    for path in sorted(packaged_templates_dir().glob("*.j2")):
        head = path.read_text(encoding="utf-8").lstrip()
        match = re.match(r"\{#-?\s*(.*?)\s*-?#\}", head, re.DOTALL)
        text = " ".join(match.group(1).split()) if match else ""
        out.append((path.name, text.split(". ")[0].rstrip(".") + "." if text else ""))
    return out


def copy_templates(folder: Path, names: list[str] | None = None, force: bool = False) -> list[Path]:
    """Copy packaged templates into ``folder`` (all, or ``names``); refuse to overwrite
    a file already there unless ``force``. Nothing is copied if any name is unknown or
    any target exists."""
    folder = Path(folder)
    packaged = packaged_templates_dir()
    available = sorted(p.name for p in packaged.glob("*.j2"))
    wanted = sorted(set(names)) if names else available
    unknown = [n for n in wanted if n not in available]
    if unknown:
        raise TemplateError(
            f"no packaged template named {unknown[0]!r}; the templates are: {', '.join(available)}"
        )
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder")
    existing = [folder / n for n in wanted if (folder / n).exists()]
    if existing and not force:
        raise OutputError(
            f"{existing[0]} already exists ({len(existing)} of the {len(wanted)} templates do);"
            " use --force to overwrite, or copy into an empty folder"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in wanted:
            (folder / name).write_bytes((packaged / name).read_bytes())
    except OSError as exc:
        raise OutputError(f"{folder}: cannot copy the templates ({exc.strerror or exc})") from exc
    return [folder / n for n in wanted]
