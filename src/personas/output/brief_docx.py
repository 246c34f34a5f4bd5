"""The marketing brief as a Word document (``--brief-format docx``).

``brief.docx`` is converted from the rendered ``brief.md``, not built a second
way, so a user's ``brief.md.j2`` override shapes both and the two never
disagree. Markdown is parsed with markdown-it-py (CommonMark plus tables, raw
HTML off, so a quote holding ``<script>`` stays text) and written with
python-docx: headings, paragraphs with bold / italic / code, bullet and
numbered lists, block quotes, tables. Links keep their text only (relative
links to the persona files mean nothing inside Word).

The bytes are deterministic: fixed core-properties dates and zip entry times,
so the same brief.md always gives the same brief.docx.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from personas.errors import OutputError

FIXED_DATE = datetime(2000, 1, 1, tzinfo=UTC)  # no wall-clock time in any output but run.json
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


class _Writer:
    """Walks markdown-it tokens and writes python-docx paragraphs and tables."""

    def __init__(self, document: Any) -> None:
        self.doc = document
        self.lists: list[list[Any]] = []  # stack of [ordered?, next number]
        self.quote_depth = 0
        self.item_start = False
        self.table: list[list[tuple[bool, Any]]] | None = None
        self.cell_header = False

    def write(self, tokens: list[Any]) -> None:
        i = 0
        while i < len(tokens):
            i = self._token(tokens, i)

    def _token(self, tokens: list[Any], i: int) -> int:
        tok = tokens[i]
        kind = tok.type
        if kind == "heading_open":
            heading = self.doc.add_heading("", level=min(int(tok.tag[1:]), 4))
            self._inline(heading, tokens[i + 1])
            return i + 3
        if kind == "paragraph_open":
            self._inline(self._paragraph(), tokens[i + 1])
            return i + 3
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(tok.attrs.get("start", 1) or 1)
            self.lists.append([kind == "ordered_list_open", start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            self.item_start = True
        elif kind == "blockquote_open":
            self.quote_depth += 1
        elif kind == "blockquote_close":
            self.quote_depth -= 1
        elif kind in ("fence", "code_block"):
            self._code(tok.content)
        elif kind.startswith(("table", "thead", "tbody", "tr", "th", "td")):
            return self._table_token(tokens, i)
        return i + 1

    def _paragraph(self) -> Any:
        """A paragraph styled for where it sits: list item, block quote or body."""
        if self.lists and self.item_start:
            self.item_start = False
            ordered, number = self.lists[-1]
            level = "" if len(self.lists) == 1 else f" {min(len(self.lists), 3)}"
            if not ordered:
                return self.doc.add_paragraph(style=f"List Bullet{level}")
            # Numbers written out: Word's own list numbering would run on across lists.
            self.lists[-1][1] += 1
            paragraph = self.doc.add_paragraph(style=f"List{level}")
            paragraph.add_run(f"{number}. ")
            return paragraph
        if self.lists:
            return self.doc.add_paragraph(style="List Continue")
        if self.quote_depth:
            return self.doc.add_paragraph(style="Quote")
        return self.doc.add_paragraph()

    def _inline(self, paragraph: Any, inline: Any) -> None:
        bold = italic = False
        for child in inline.children or []:
            kind = child.type
            if kind in ("text", "html_inline"):
                run = paragraph.add_run(child.content)
                run.bold, run.italic = bold or None, italic or None
            elif kind == "code_inline":
                run = paragraph.add_run(child.content)
                run.font.name = "Consolas"
            elif kind == "softbreak":
                paragraph.add_run(" ")
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind in ("strong_open", "strong_close"):
                bold = kind == "strong_open"
            elif kind in ("em_open", "em_close"):
                italic = kind == "em_open"
            elif kind == "image":
                paragraph.add_run(child.content)

    def _code(self, text: str) -> None:
        for line in text.rstrip("\n").split("\n"):
            self.doc.add_paragraph().add_run(line).font.name = "Consolas"

    def _table_token(self, tokens: list[Any], i: int) -> int:
        kind = tokens[i].type
        if kind == "table_open":
            self.table = []
        elif kind == "tr_open" and self.table is not None:
            self.table.append([])
        elif kind in ("th_open", "td_open") and self.table is not None:
            self.table[-1].append((kind == "th_open", tokens[i + 1]))
            return i + 3
        elif kind == "table_close" and self.table is not None:
            self._flush_table(self.table)
            self.table = None
        return i + 1

    def _flush_table(self, rows: list[list[tuple[bool, Any]]]) -> None:
        width = max((len(r) for r in rows), default=0)
        if not width:
            return
        table = self.doc.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, (header, inline) in enumerate(row):
                paragraph = table.cell(r, c).paragraphs[0]
                self._inline(paragraph, inline)
                if header:
                    for run in paragraph.runs:
                        run.bold = True
        self.doc.add_paragraph()


def markdown_to_docx(markdown: str, title: str) -> bytes:
    """The bytes of a .docx holding ``markdown`` (CommonMark + tables)."""
    import docx
    from markdown_it import MarkdownIt

    document = docx.Document()
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, "personas", "personas"
    props.created = props.modified = props.last_printed = FIXED_DATE
    props.revision = 1
    tokens = MarkdownIt("commonmark", {"html": False}).enable("table").parse(markdown)
    _Writer(document).write(tokens)
    raw = io.BytesIO()
    document.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's time fixed, so equal content gives equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def write_brief_docx(brief_md: Path, target: Path) -> Path:
    """Convert the rendered ``brief.md`` into ``target`` (brief.docx)."""
    try:
        markdown = brief_md.read_text(encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{brief_md}: cannot read the brief ({exc.strerror or exc})") from exc
    data = markdown_to_docx(markdown, "Marketing brief")
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from exc
    return target
