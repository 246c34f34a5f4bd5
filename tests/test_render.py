"""The render stage: file layout, escaping, template lookup, errors, determinism."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from personas.errors import OutputError, PersonasError
from personas.output import render as render_module
from personas.output.brief_docx import markdown_to_docx
from personas.output.render import (
    TemplateError,
    copy_templates,
    fact_table,
    lift,
    num,
    packaged_templates_dir,
    pct,
    persona_file,
    read_document,
    render,
    rerender,
    stack_chart,
    template_dirs,
)
from personas.synthesize.document import PersonasDocument
from tests.conftest import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "sample_document.json"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def doc() -> PersonasDocument:
    return PersonasDocument.model_validate_json(FIXTURE.read_text(encoding="utf-8"))


def _read_all(out: Path) -> dict[str, bytes]:
    files = sorted(p for p in out.rglob("*") if p.is_file())
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in files}


def test_render_writes_expected_files(doc: PersonasDocument, tmp_path: Path) -> None:
    """render writes index.html, brief.md and one .md and .html per persona, sorted."""
    written = render(doc, tmp_path)
    expected = ["brief.md", "index.html"] + [
        f"personas/{p.persona_id}-{p.slug}.{ext}" for p in doc.personas for ext in ("html", "md")
    ]
    assert [p.relative_to(tmp_path).as_posix() for p in written] == sorted(expected)
    assert written == sorted(written)
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    assert sorted(_read_all(tmp_path)) == sorted(expected)


def test_html_is_self_contained(doc: PersonasDocument, tmp_path: Path) -> None:
    """The HTML report and persona pages load nothing from outside the file."""
    render(doc, tmp_path)
    for path in [tmp_path / "index.html", *sorted((tmp_path / "personas").glob("*.html"))]:
        html = path.read_text(encoding="utf-8")
        assert "http://" not in html and "https://" not in html, path
        assert not re.search(r"\bsrc\s*=", html), path
        assert not re.search(r"<link\b", html), path
        assert "@import" not in html and "url(" not in html, path
        assert html.startswith("<!doctype html>")


def test_persona_pages_link_back_to_the_report(doc: PersonasDocument, tmp_path: Path) -> None:
    """Each persona page links to ../index.html and the report links to every persona."""
    render(doc, tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for p in doc.personas:
        page = tmp_path / "personas" / f"{p.persona_id}-{p.slug}.html"
        assert 'href="../index.html"' in page.read_text(encoding="utf-8")
        assert f'href="personas/{p.persona_id}-{p.slug}.html"' in index
        assert f'href="personas/{p.persona_id}-{p.slug}.md"' in index


def test_script_in_quote_is_escaped_in_html_and_verbatim_in_markdown(
    doc: PersonasDocument, tmp_path: Path
) -> None:
    """User text is autoescaped in HTML and left exactly as written in Markdown."""
    persona = doc.personas[0]
    persona.motivations[0].quotes[0].text = f'{SCRIPT} Tom & Jerry\'s "best" jacket'
    persona.proof[0].text = persona.motivations[0].quotes[0].text  # the same statement
    persona.name = "Hannah <marquee>"
    render(doc, tmp_path)
    stem = tmp_path / "personas" / f"{persona.persona_id}-{persona.slug}"
    for html in (stem.with_suffix(".html"), tmp_path / "index.html"):
        text = html.read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, html
        assert "<script" not in text and "<marquee>" not in text, html
        assert "Hannah &lt;marquee&gt;" in text, html
        assert "Tom &amp; Jerry" in text, html
    for md in (stem.with_suffix(".md"), tmp_path / "brief.md"):
        text = md.read_text(encoding="utf-8")
        assert f'{SCRIPT} Tom & Jerry\'s "best" jacket' in text, md
        assert "Hannah <marquee> — " in text, md
        assert not re.search(r"&(lt|gt|amp|quot|#\d+);", text), md


def test_user_template_overrides_packaged(doc: PersonasDocument, tmp_path: Path) -> None:
    """A template in the user's folder is used instead of the packaged one of that name."""
    user = tmp_path / "templates"
    user.mkdir()
    (user / "brief.md.j2").write_text("custom brief for {{ doc.personas|length }}\n")
    render(doc, tmp_path / "out", user)
    assert (tmp_path / "out" / "brief.md").read_text() == "custom brief for 4\n"
    assert "## At a glance" in next((tmp_path / "out" / "personas").glob("*.md")).read_text()


def test_default_prefix_extends_packaged_template(doc: PersonasDocument, tmp_path: Path) -> None:
    """An override can extend "default:persona.md.j2" and replace a single block."""
    user = tmp_path / "templates"
    user.mkdir()
    (user / "persona.md.j2").write_text(
        '{% extends "default:persona.md.j2" %}\n'
        "{% block summary %}\nOVERRIDDEN for {{ persona.name }}\n{% endblock %}\n"
    )
    render(doc, tmp_path / "out", user)
    persona = doc.personas[0]
    md = (tmp_path / "out" / "personas" / f"{persona.persona_id}-{persona.slug}.md").read_text()
    assert md.startswith(f"# {persona.name} — {persona.label}\n")
    assert "OVERRIDDEN for Hannah" in md
    assert persona.summary not in md
    assert "## At a glance" in md and "## Pain points" in md


def test_undefined_variable_raises_template_error(doc: PersonasDocument, tmp_path: Path) -> None:
    """An undefined name in a user template is a TemplateError naming the file and line."""
    user = tmp_path / "templates"
    user.mkdir()
    (user / "persona.md.j2").write_text("# {{ persona.name }}\n\n{{ persona.nickname }}\n")
    with pytest.raises(TemplateError, match=r"persona\.md\.j2, line 3: .*nickname") as info:
        render(doc, tmp_path / "out", user)
    assert isinstance(info.value, PersonasError)
    assert str(user / "persona.md.j2") in str(info.value)
    assert not (tmp_path / "out").exists()  # nothing is written when a template fails


def test_syntax_error_raises_template_error(doc: PersonasDocument, tmp_path: Path) -> None:
    """A syntax error in a user template is a TemplateError naming the file and line."""
    user = tmp_path / "templates"
    user.mkdir()
    (user / "index.html.j2").write_text("<h1>ok</h1>\n{% if %}\n")
    with pytest.raises(TemplateError, match=r"index\.html\.j2, line 2"):
        render(doc, tmp_path / "out", user)


def test_sandbox_blocks_unsafe_attribute_access(doc: PersonasDocument, tmp_path: Path) -> None:
    """Templates run sandboxed: reaching Python internals is a TemplateError."""
    user = tmp_path / "templates"
    user.mkdir()
    (user / "brief.md.j2").write_text("{{ doc.__class__.__mro__ }}\n")
    with pytest.raises(TemplateError, match=r"brief\.md\.j2, line 1"):
        render(doc, tmp_path / "out", user)


def test_missing_templates_folder_is_an_error(tmp_path: Path) -> None:
    """A templates folder that does not exist is reported, not silently ignored."""
    with pytest.raises(TemplateError, match="does not exist"):
        template_dirs(tmp_path / "nope")


def test_rendering_twice_gives_identical_bytes(doc: PersonasDocument, tmp_path: Path) -> None:
    """The same document renders to byte-identical files."""
    render(doc, tmp_path / "a")
    render(doc, tmp_path / "b")
    assert _read_all(tmp_path / "a") == _read_all(tmp_path / "b")


def test_every_quote_is_cited_in_persona_markdown(doc: PersonasDocument, tmp_path: Path) -> None:
    """Every quote's statement_id, source and locator appear in its persona's Markdown."""
    render(doc, tmp_path)
    for p in doc.personas:
        md = (tmp_path / "personas" / f"{p.persona_id}-{p.slug}.md").read_text(encoding="utf-8")
        for claim in p.goals + p.motivations + p.pains:
            assert f"**{claim.label}**" in md or f". {claim.label}**" in md
            for q in claim.quotes:
                assert q.statement_id in md
                assert f"`{q.source}`, {q.locator}" in md
                if q.anonymous:
                    line = next(ln for ln in md.splitlines() if q.statement_id in ln)
                    assert "attributed by similarity (anonymous)" in line


def test_unknown_facts_are_shown_with_their_basis(doc: PersonasDocument, tmp_path: Path) -> None:
    """A fact the data cannot support reads "unknown" plainly, with its basis."""
    render(doc, tmp_path)
    p = doc.personas[0]
    md = (tmp_path / "personas" / f"{p.persona_id}-{p.slug}.md").read_text(encoding="utf-8")
    assert "| Income | unknown | no income column in any source |" in md


def test_persona_with_no_evidence_renders_unknown(doc: PersonasDocument, tmp_path: Path) -> None:
    """A persona with empty goals, pains, facts and channels still renders, saying unknown."""
    p = doc.personas[0]
    for field in (
        "demographics",
        "behaviour",
        "goals",
        "motivations",
        "pains",
        "distinctive",
        "messages",
        "channels",
        "objections",
    ):
        setattr(p, field, [])
    render(doc, tmp_path)
    md = (tmp_path / "personas" / f"{p.persona_id}-{p.slug}.md").read_text(encoding="utf-8")
    assert "unknown — no goal theme is voiced distinctly by this persona." in md
    assert "unknown — no channel data in any source." in md
    assert "\n\n\n" not in md


def test_brief_has_a_section_per_persona(doc: PersonasDocument, tmp_path: Path) -> None:
    """The brief gives each persona its message, channels, objections, proof and pains."""
    render(doc, tmp_path)
    brief = (tmp_path / "brief.md").read_text(encoding="utf-8")
    for p in doc.personas:
        section = brief.split(f"## {p.name} — {p.label}\n", 1)[1].split("\n## ", 1)[0]
        assert p.messages[0] in section and p.objections[0] in section
        assert p.channels[0].name in section and p.pains[0].label in section
        assert section.count("> — `") >= 2


def test_unsafe_persona_id_is_rejected(doc: PersonasDocument, tmp_path: Path) -> None:
    """A persona id or slug that is not a plain file name is an OutputError."""
    doc.personas[0].slug = "../escape"
    with pytest.raises(OutputError, match="file name"):
        render(doc, tmp_path)


def test_template_dirs_user_first_packaged_last(tmp_path: Path) -> None:
    """Lookup order is the user's folder, then the packaged defaults with all four templates."""
    packaged = packaged_templates_dir()
    assert template_dirs(None) == [packaged]
    assert template_dirs(tmp_path) == [tmp_path, packaged]
    for name in ("persona.md.j2", "persona.html.j2", "index.html.j2", "brief.md.j2"):
        assert (packaged / name).is_file()


def test_filters_format_numbers() -> None:
    """pct, num and lift format shares, counts and lift for people to read."""
    assert pct(0.423) == "42%" and pct(0.4234, 1) == "42.3%" and pct(None) == "—"
    assert num(1234) == "1,234" and num(2.25, 1) == "2.2"
    assert lift(2.07) == "\N{MULTIPLICATION SIGN}2.1" and lift(None) == "—"


def test_template_context_is_documented() -> None:
    """Every context name, filter and global given to templates is in the module docstring."""
    doc_text = render_module.__doc__ or ""
    env = render_module.make_environment()
    custom_filters = {"pct", "num", "lift", "oneline", "cell"}
    assert custom_filters <= set(env.filters)
    names = [*render_module.CONTEXT_NAMES, *custom_filters, "persona_file", "fact_table"]
    for name in names:
        assert f"``{name}" in doc_text, name


def test_default_prefix_works_for_html_templates(doc: PersonasDocument, tmp_path: Path) -> None:
    """An HTML override extending "default:persona.html.j2" keeps autoescaping and the rest."""
    user = tmp_path / "templates"
    user.mkdir()
    (user / "persona.html.j2").write_text(
        '{% extends "default:persona.html.j2" %}\n'
        "{% block distinctive %}<p>Custom: {{ '<i>' }}</p>{% endblock %}\n"
    )
    render(doc, tmp_path / "out", user)
    p = doc.personas[0]
    html = (tmp_path / "out" / "personas" / f"{p.persona_id}-{p.slug}.html").read_text()
    assert "<p>Custom: &lt;i&gt;</p>" in html
    assert "What sets them apart" not in html and "How to reach them" in html


# -- re-rendering, template copies, the Word brief ---------------------------------------------


def _build_folder(doc: PersonasDocument, out: Path) -> Path:
    """A folder holding only personas.json, as `personas render` needs."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "personas.json").write_text(doc.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return out


def test_rerender_from_personas_json_gives_the_same_bytes(
    doc: PersonasDocument, tmp_path: Path
) -> None:
    """Rendering personas.json again writes exactly what rendering the document wrote."""
    render(doc, tmp_path / "direct")
    out = _build_folder(doc, tmp_path / "again")
    written = rerender(out)
    assert written == sorted(written) and out / "index.html" in written
    direct = _read_all(tmp_path / "direct")
    again = {k: v for k, v in _read_all(out).items() if k != "personas.json"}
    assert again == direct


def test_rerender_removes_documents_of_personas_no_longer_there(
    doc: PersonasDocument, tmp_path: Path
) -> None:
    """A persona document that personas.json no longer names is removed; other files stay."""
    out = _build_folder(doc, tmp_path / "out")
    (out / "personas").mkdir()
    (out / "personas" / "p9-gone.md").write_text("old", encoding="utf-8")
    (out / "personas" / "notes.txt").write_text("mine", encoding="utf-8")
    rerender(out)
    assert not (out / "personas" / "p9-gone.md").exists()
    assert (out / "personas" / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "not a folder"),
        ("empty", "no personas.json here"),
        ("bad-json", r"not valid JSON \(line 1, column 2\)"),
        ("old-schema", "schema_version '0.9', but this version of personas renders '1.0'"),
        ("no-schema", "schema_version None"),
        ("invalid", r"personas\.0\.name: Input should be a valid string"),
    ],
)
def test_read_document_errors_name_the_file_and_problem(
    doc: PersonasDocument, tmp_path: Path, setup: str, message: str
) -> None:
    """A folder that is not a finished build, or a personas.json this version cannot
    render, is one clear OutputError naming the file."""
    out = tmp_path / "out"
    if setup != "missing":
        out.mkdir()
    data = doc.model_dump(mode="json")
    text = {
        "bad-json": "{nope",
        "old-schema": json.dumps({**data, "schema_version": "0.9"}),
        "no-schema": json.dumps({k: v for k, v in data.items() if k != "schema_version"}),
        "invalid": json.dumps(data).replace('"name": "Hannah"', '"name": 7', 1),
    }.get(setup)
    if text is not None:
        (out / "personas.json").write_text(text, encoding="utf-8")
    with pytest.raises(OutputError, match=message):
        read_document(out)


def test_brief_format_is_taken_from_the_build_unless_given(
    doc: PersonasDocument, tmp_path: Path
) -> None:
    """`render` keeps the build's brief format (run.json) and removes a stale brief.docx."""
    out = _build_folder(doc, tmp_path / "out")
    (out / "run.json").write_text(json.dumps({"config": {"brief_format": "docx"}}))
    rerender(out)
    assert (out / "brief.docx").is_file()
    rerender(out, brief_format="md")
    assert not (out / "brief.docx").exists() and (out / "brief.md").is_file()


def test_brief_docx_is_deterministic_and_holds_every_persona(
    doc: PersonasDocument, tmp_path: Path
) -> None:
    """brief.docx opens in python-docx, holds each persona, and has the same bytes twice."""
    import docx

    first = _build_folder(doc, tmp_path / "a")
    second = _build_folder(doc, tmp_path / "b")
    rerender(first, brief_format="docx")
    rerender(second, brief_format="docx")
    data = (first / "brief.docx").read_bytes()
    assert data == (second / "brief.docx").read_bytes()
    word = docx.Document(str(first / "brief.docx"))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    text = "\n".join(p.text for p in word.paragraphs)
    for p in doc.personas:
        assert f"{p.name} — {p.label}" in headings
        assert p.messages[0] in text and p.proof[0].text in text
    assert word.core_properties.created.year == 2000  # fixed, not the wall clock
    assert word.tables, "the overview table is a real Word table"


def test_markup_in_the_brief_stays_text_in_docx() -> None:
    """Raw HTML in the Markdown is written as text, never interpreted."""
    import io

    import docx

    data = markdown_to_docx(f"# Brief\n\n> “{SCRIPT} & co”\n\n- **bold** `code`\n", "t")
    word = docx.Document(io.BytesIO(data))
    texts = [p.text for p in word.paragraphs]
    assert f"“{SCRIPT} & co”" in texts
    assert "bold code" in texts


def test_templates_copy_and_refusal_to_overwrite(tmp_path: Path) -> None:
    """`templates copy` copies every packaged template; a second copy needs --force."""
    target = tmp_path / "mine"
    copied = copy_templates(target)
    packaged = packaged_templates_dir()
    assert sorted(p.name for p in copied) == sorted(p.name for p in packaged.glob("*.j2"))
    for path in copied:
        assert path.read_bytes() == (packaged / path.name).read_bytes()
    (target / "brief.md.j2").write_text("edited", encoding="utf-8")
    with pytest.raises(OutputError, match=r"already exists .*--force"):
        copy_templates(target)
    assert (target / "brief.md.j2").read_text(encoding="utf-8") == "edited"
    copy_templates(target, ["brief.md.j2"], force=True)
    assert (target / "brief.md.j2").read_bytes() == (packaged / "brief.md.j2").read_bytes()
    with pytest.raises(TemplateError, match=r"no packaged template named 'nope\.j2'"):
        copy_templates(tmp_path / "other", ["nope.j2"])


def test_templates_commands_on_the_cli(tmp_path: Path) -> None:
    """`personas templates list` names each template; `copy` refuses to overwrite."""
    from typer.testing import CliRunner

    from personas.cli import app

    runner = CliRunner()
    listed = runner.invoke(app, ["templates", "list"])
    assert listed.exit_code == 0
    for name in ("persona.md.j2", "persona.html.j2", "index.html.j2", "brief.md.j2"):
        assert name in listed.output
    first = runner.invoke(app, ["templates", "copy", str(tmp_path / "t"), "persona.md.j2"])
    assert first.exit_code == 0 and (tmp_path / "t" / "persona.md.j2").is_file()
    again = runner.invoke(app, ["templates", "copy", str(tmp_path / "t"), "persona.md.j2"])
    assert again.exit_code != 0 and isinstance(again.exception, OutputError)


def test_copied_templates_render_like_the_packaged_ones(
    doc: PersonasDocument, tmp_path: Path
) -> None:
    """A fresh copy used as --templates renders the same bytes as the packaged defaults."""
    copy_templates(tmp_path / "t")
    render(doc, tmp_path / "a")
    render(doc, tmp_path / "b", tmp_path / "t")
    assert _read_all(tmp_path / "a") == _read_all(tmp_path / "b")


def test_stack_chart_orders_values_by_total_share(doc: PersonasDocument) -> None:
    """Stacked bars use one colour per answer across personas, biggest answers first."""
    row = next(r for r in fact_table(doc.personas, "demographics") if r["name"] == "Gender")
    chart = stack_chart(row)
    assert chart["values"][:2] == ["women", "men"] or chart["values"][:2] == ["men", "women"]
    first = chart["bars"][0]
    assert [s["x"] for s in first] == [0.0, first[0]["share"]]
    assert not any(chart["multi"])
    income = next(r for r in fact_table(doc.personas, "demographics") if r["name"] == "Income")
    assert stack_chart(income)["bars"] == [None] * len(doc.personas)


def test_report_has_charts_cards_stability_and_evidence_links(
    doc: PersonasDocument, tmp_path: Path
) -> None:
    """The report draws range and share charts, a stability line, and links each card to
    its document and evidence; persona pages list every evidence id."""
    render(doc, tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert index.count('<figure class="chart">') >= 6  # age, gender, region + 4 behaviour
    assert "segments agree 0.81 (mean Jaccard" in index
    assert 'class="iqr"' in index and 'class="v0"' in index
    for p in doc.personas:
        page = f"personas/{persona_file(p, 'html')}"
        assert f'href="{page}#evidence"' in index
        html = (tmp_path / page).read_text(encoding="utf-8")
        for claim in p.goals + p.motivations + p.pains:
            assert f'id="evidence-{claim.theme_id}"' in html
            assert all(f"<code>{sid}</code>" in html for sid in claim.evidence_ids)


def test_unknown_stability_and_significance_say_unknown(
    doc: PersonasDocument, tmp_path: Path
) -> None:
    """A persona without stability or tested themes reads "unknown" for both."""
    p = next(p for p in doc.personas if p.coverage.stability is None)
    render(doc, tmp_path)
    md = (tmp_path / "personas" / persona_file(p, "md")).read_text(encoding="utf-8")
    assert "- Stability: unknown (not measured in this build)." in md
    assert "significance unknown (not tested)" in md
    stable = next(p for p in doc.personas if p.coverage.stable is False)
    md = (tmp_path / "personas" / persona_file(stable, "md")).read_text(encoding="utf-8")
    assert "does not hold up well" in md and "statistically distinctive (corrected p" in md


# -- through the real CLI ----------------------------------------------------------------------


def _only_json(build: Path, target: Path) -> Path:
    """A copy of a build holding only personas.json and run.json: what `render` reads."""
    target.mkdir(parents=True)
    for name in ("personas.json", "run.json"):
        (target / name).write_bytes((build / name).read_bytes())
    return target


def _documents(out: Path) -> dict[str, bytes]:
    names = [
        "index.html",
        "brief.md",
        *(f"personas/{p.name}" for p in (out / "personas").glob("*")),
    ]
    return {n: (out / n).read_bytes() for n in sorted(names)}


@pytest.mark.e2e
def test_build_uses_a_user_override_and_a_default_extension(markup_build: Path) -> None:
    """`personas build --templates DIR`: brief.md.j2 replaces the packaged brief and
    persona.md.j2 extends "default:persona.md.j2", changing only its summary block."""
    doc = json.loads((markup_build / "personas.json").read_text(encoding="utf-8"))
    brief = (markup_build / "brief.md").read_text(encoding="utf-8")
    assert brief == "# Our own brief\n\n" + "".join(f"- {p['name']}\n" for p in doc["personas"])
    for p in doc["personas"]:
        md = (markup_build / "personas" / f"{p['persona_id']}-{p['slug']}.md").read_text()
        assert md.startswith(f"# {p['name']} — {p['label']}\n")
        assert f"EXTENDED summary of {p['persona_id']}" in md and p["summary"] not in md
        assert "## Pain points" in md and "## Coverage & confidence" in md


@pytest.mark.e2e
def test_render_reproduces_the_build_byte_for_byte(demo_build: Path, tmp_path: Path) -> None:
    """`personas render` on personas.json alone writes the build's documents, same bytes."""
    out = _only_json(demo_build, tmp_path / "out")
    result = run_cli("render", str(out))
    assert result.returncode == 0, result.stderr
    assert _documents(out) == _documents(demo_build)


@pytest.mark.e2e
def test_render_with_user_templates_and_word_brief(demo_build: Path, tmp_path: Path) -> None:
    """`personas render --templates DIR --brief-format docx`: an override and a default:
    extension apply, brief.docx holds every persona; without them the build comes back."""
    import docx

    out = _only_json(demo_build, tmp_path / "out")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "index.html.j2").write_text(
        '{% extends "default:index.html.j2" %}\n'
        '{% block sizes %}<p id="custom">{{ doc.personas|length }} custom sizes</p>{% endblock %}\n'
    )
    (templates / "brief.md.j2").write_text("# Brief for seed {{ doc.seed }}\n")
    result = run_cli("render", str(out), "--templates", str(templates), "--brief-format", "docx")
    assert result.returncode == 0, result.stderr
    doc = json.loads((out / "personas.json").read_text(encoding="utf-8"))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'<p id="custom">{len(doc["personas"])} custom sizes</p>' in index
    assert "<h2>Persona sizes</h2>" not in index and "<h2>Themes by persona</h2>" in index
    assert (out / "brief.md").read_text(encoding="utf-8") == f"# Brief for seed {doc['seed']}\n"
    assert [p.text for p in docx.Document(str(out / "brief.docx")).paragraphs] == [
        f"Brief for seed {doc['seed']}"
    ]
    result = run_cli("render", str(out), "--brief-format", "docx")
    assert result.returncode == 0, result.stderr
    assert _documents(out) == _documents(demo_build)
    text = "\n".join(p.text for p in docx.Document(str(out / "brief.docx")).paragraphs)
    for p in doc["personas"]:
        assert f"{p['name']} — {p['label']}" in text


@pytest.mark.e2e
def test_render_refuses_a_folder_that_is_not_a_build(tmp_path: Path) -> None:
    """`personas render` on a folder without personas.json is one Error: line, exit 1."""
    result = run_cli("render", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "personas.json" in result.stderr
    assert "Traceback" not in result.stderr
