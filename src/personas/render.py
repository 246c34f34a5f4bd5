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
    The :class:`personas.document.PersonasDocument`: ``corpus``, ``segmentation``,
    ``personas`` (each a :class:`~personas.document.Persona`), ``themes``, ``generator``,
    ``seed``, ``schema_version``. Given to every template.
``persona``
    The :class:`~personas.document.Persona` being rendered. Given to ``persona.md.j2``
    and ``persona.html.j2`` only.

Filters: ``pct`` (0.423 -> "42%"; ``pct(1)`` for one decimal), ``num`` (1234 -> "1,234";
``num(1)`` for one decimal), ``lift`` (2.07 -> "×2.1", None -> "—"), ``oneline``
(collapse whitespace), ``cell`` (``oneline`` plus ``|`` escaped, for Markdown tables).
None renders as "—" in ``pct``, ``num`` and ``lift``.

Globals: ``persona_file(persona, ext)`` -> ``"<persona_id>-<slug>.<ext>"`` (the file name
under ``personas/``); ``fact_table(personas, "demographics" | "behaviour" | "channels")``
-> rows ``{"name": str, "facts": [Fact | None, one per persona]}`` in first-seen order.

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

from personas.document import Persona, PersonasDocument
from personas.errors import OutputError, PersonasError

DOCUMENT_TEMPLATES = ("index.html.j2", "brief.md.j2")
PERSONA_TEMPLATES = ("persona.md.j2", "persona.html.j2")
CONTEXT_NAMES = ("doc", "persona")  # every name a template receives; see the docstring
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class TemplateError(PersonasError):
    """A template cannot be loaded or rendered; the message names the file and line."""


def packaged_templates_dir() -> Path:
    """The packaged default templates: in a wheel, or in a source/editable checkout."""
    here = Path(__file__).resolve().parent
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
    env.filters.update(pct=pct, num=num, lift=lift, oneline=oneline, cell=cell)
    env.globals.update(persona_file=persona_file, fact_table=fact_table)
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
    out_dir = Path(out_dir)
    env = make_environment(templates_dir)
    files: dict[Path, str] = {
        out_dir / "index.html": render_template(env, "index.html.j2", doc=doc),
        out_dir / "brief.md": render_template(env, "brief.md.j2", doc=doc),
    }
    for persona in doc.personas:
        for ext in ("md", "html"):
            path = out_dir / "personas" / persona_file(persona, ext)
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
