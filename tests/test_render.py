"""The render stage: file layout, escaping, template lookup, errors, determinism."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from personas import render as render_module
from personas.document import PersonasDocument
from personas.errors import OutputError, PersonasError
from personas.render import (
    TemplateError,
    lift,
    num,
    packaged_templates_dir,
    pct,
    render,
    template_dirs,
)

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
