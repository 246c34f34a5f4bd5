"""The report and persona pages in a real headless Chromium, on a corpus full of markup.

The markup corpus (tests/conftest.py) puts ``<script>`` and ``onerror=`` payloads in
review texts, survey answers, a category answer and a question. Ingest strips markup
from free text; what reaches the documents (category answers, question wording) must
show as text. Chromium's ``--dump-dom`` gives the DOM after scripts would have run: no
injected element or event attribute may exist, the title must be unchanged, and the
payload must be readable text on the page.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ONERROR_PAYLOAD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not on PATH (.ci/run installs it with apt when it runs as root)",
    ),
]


class Dom(HTMLParser):
    """Tags, event attributes, the title and the visible text of an HTML document."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.event_attrs: list[tuple[str, str]] = []
        self.title = ""
        self.text: list[str] = []
        self._in: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.event_attrs += [(tag, k) for k, _ in attrs if k.startswith("on")]
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "title":
            self.title += data
        elif not self._in or self._in[-1] not in ("style", "script"):
            self.text.append(data)


def dump_dom(page: Path) -> str:
    """The page's DOM as Chromium leaves it after loading (and running any script)."""
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=3000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "<body" in result.stdout, result.stderr[-2000:]
    return result.stdout


def pages(out: Path) -> list[Path]:
    return [out / "index.html", *sorted((out / "personas").glob("*.html"))]


def test_markup_in_the_data_stays_text_in_the_browser(markup_build: Path) -> None:
    """No payload runs or injects an element in the report or any persona page; the
    payload that reaches a page is shown as text and the title is unchanged."""
    shown = []
    for page in pages(markup_build):
        before = Dom(page.read_text(encoding="utf-8"))
        after = Dom(dump_dom(page))
        assert after.title == before.title and "pwned" not in after.title, page.name
        assert not {"script", "img", "iframe", "object", "embed"} & set(after.tags), page.name
        assert not after.event_attrs, (page.name, after.event_attrs[:3])
        if ONERROR_PAYLOAD in "".join(after.text):
            shown.append(page.name)
    # The category answer holding the onerror payload is in the report's side-by-side
    # table and on its persona's page, as readable text.
    assert "index.html" in shown, "the payload never reached the report: the test proves nothing"
    assert len(shown) >= 2, shown


def test_report_shows_charts_and_cards_in_the_browser(demo_build: Path) -> None:
    """The demo report, as Chromium builds it, has a card and a chart row per persona."""
    dom = dump_dom(demo_build / "index.html")
    personas = sorted((demo_build / "personas").glob("*.html"))
    assert dom.count('<article class="card') == len(personas)
    assert dom.count('<figure class="chart"') >= 4  # age, gender, spend, recency at least
    for page in personas:
        assert f'href="personas/{page.name}"' in dom
        assert f'href="personas/{page.name}#evidence"' in dom
