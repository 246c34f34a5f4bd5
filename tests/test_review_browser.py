"""`personas review` end to end: the real CLI, the real build, and a real browser.

- A stale edit (its theme is not in the data) is reported by `personas build`, in
  run.json and on the console, never dropped (small corpus, no browser needed).
- Headless Chromium, driven by Selenium through Debian's chromedriver (its path is
  given, so Selenium Manager never downloads anything), renames a theme, merges
  two, hides one and rejects a quote on a copy of the demo build, then rebuilds
  from the page; personas.json and the Markdown must show all four.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEMO, run_cli, write_markup_corpus

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None
)
try:
    import selenium  # noqa: F401
except ImportError:
    HAS_SELENIUM = False
else:
    HAS_SELENIUM = True
NO_BROWSER = (
    "selenium is not installed (pip install -e '.[test]')"
    if not HAS_SELENIUM
    else "chromium or chromedriver is not on PATH (.ci/run installs chromium and "
    "chromium-driver with apt when it runs as root)"
    if CHROMIUM is None or CHROMEDRIVER is None
    else ""
)
pytestmark = pytest.mark.e2e

STALE_TOML = """seed = 42

[review]

[[review.edits]]
id = 1
action = "hide_theme"
theme = { id = "pain-42", kind = "pain", label = "Parrots in the warehouse", KEYWORDS }
who = "ann"
when = "2026-12-01T09:00:00Z"

[[review.edits]]
id = 2
action = "note"
target = "build"
text = "check the parrots"
who = "ann"
when = "2026-12-01T09:01:00Z"
""".replace("KEYWORDS", 'keywords = ["parrot", "warehouse"]')


def test_a_stale_edit_is_reported_by_the_build(tmp_path: Path) -> None:
    """An edit whose theme no longer exists is in run.json "review" and the warnings."""
    inp, out = tmp_path / "in", tmp_path / "out"
    write_markup_corpus(inp)
    (inp / "personas.toml").write_text(STALE_TOML, encoding="utf-8")
    result = run_cli("build", str(inp), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["review"]["stale"] == 1
    stale = run["review"]["outcomes"][0]
    assert (stale["id"], stale["status"]) == (1, "stale")
    assert "pain-42 “Parrots in the warehouse” is not in this build" in stale["message"]
    assert run["review"]["outcomes"][1]["status"] == "note"
    assert any(
        w.startswith("review edit #1 (hide_theme) no longer applies") for w in run["warnings"]
    )
    assert "review edit #1 (hide_theme) no longer applies" in " ".join(result.stderr.split())
    assert "parrots" not in (out / "personas.json").read_text(encoding="utf-8").lower()
    assert "parrots" not in json.dumps(run["config"]).lower()  # notes stay out of outputs


# -- the browser ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, proc: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"personas review exited: {proc.stderr.read() if proc.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds}s")


def _targets(doc: dict[str, Any]) -> dict[str, Any]:
    """What the test edits: a pain claim to rename, two other pains to merge, a
    motivation claim to hide and a goal quote to reject (all different themes)."""
    personas = doc["personas"]
    renamed = personas[0]["pains"][0]
    hidden = next(c for p in personas for c in p["motivations"])
    pains = [
        t for t in doc["themes"] if t["kind"] == "pain" and t["theme_id"] != renamed["theme_id"]
    ]
    quote = next(
        q for p in personas for c in p["goals"] for q in c["quotes"] if len(q["text"]) > 30
    )
    return {
        "renamed": renamed,
        "keep": pains[0],
        "merged": pains[1],
        "hidden": hidden,
        "quote": quote,
    }


@pytest.fixture
def review_server(demo_build: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """`personas review` on a copy of the demo build and of its input folder."""
    inp, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(DEMO, inp)
    shutil.copytree(demo_build, out)
    port = _free_port()
    exe = Path(sys.executable).with_name("personas")
    args = ["review", str(out), "--input", str(inp), "--port", str(port), "--no-browser"]
    proc = subprocess.Popen(
        [str(exe), *args, "--reviewer", "tester"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/job", proc)
        yield f"http://127.0.0.1:{port}/", inp, out
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _driver():  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1300,1800"):
        options.add_argument(arg)
    options.add_argument("--disable-dev-shm-usage")
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


def _edit(driver, button: str, fill, expect: str, saved: int) -> None:  # type: ignore[no-untyped-def]
    """Open an action's dialog, fill it, wait for its preview, save, wait for the edit."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 20)
    target = driver.find_element(By.CSS_SELECTOR, button)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
    target.click()
    wait.until(ec.visibility_of_element_located((By.ID, "dialog")))
    fill(driver)
    wait.until(ec.text_to_be_present_in_element((By.ID, "preview"), expect))
    driver.find_element(By.ID, "save").click()
    wait.until(ec.invisibility_of_element_located((By.ID, "dialog")))
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, f'#edits li[data-id="{saved}"]')))


@pytest.mark.skipif(bool(NO_BROWSER), reason=NO_BROWSER)
def test_rename_merge_hide_reject_then_rebuild_in_the_browser(
    review_server, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Four edits made in Chromium are saved to personas.toml and applied by the rebuild."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    url, inp, out = review_server
    before = json.loads((out / "personas.json").read_text(encoding="utf-8"))
    t = _targets(before)
    new_label = "Reviewed: " + t["renamed"]["label"]

    def rename(d):  # type: ignore[no-untyped-def]
        box = d.find_element(By.ID, "f-label")
        box.clear()
        box.send_keys(new_label)

    def merge(d):  # type: ignore[no-untyped-def]
        Select(d.find_element(By.ID, "f-other")).select_by_value(t["merged"]["theme_id"])

    driver = _driver()
    try:
        driver.get(url)
        WebDriverWait(driver, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "[data-persona]")
        )
        renamed, keep, hidden = (
            t["renamed"]["theme_id"],
            t["keep"]["theme_id"],
            t["hidden"]["theme_id"],
        )
        _edit(
            driver, f'[data-act="rename_theme"][data-theme="{renamed}"]', rename, "Rename theme", 1
        )
        _edit(
            driver, f'[data-act="merge_themes"][data-theme="{keep}"]', merge, "evidence is kept", 2
        )
        _edit(
            driver,
            f'[data-act="hide_theme"][data-theme="{hidden}"]',
            lambda d: None,
            "Hide theme",
            3,
        )
        quote = t["quote"]["statement_id"]
        _edit(
            driver,
            f'[data-act="reject_quote"][data-statement="{quote}"]',
            lambda d: None,
            "Never quote",
            4,
        )
        driver.save_screenshot(str(tmp_path / "review-before-rebuild.png"))
        toml = (inp / "personas.toml").read_text(encoding="utf-8")
        assert toml.count("[[review.edits]]") == 4 and 'who = "tester"' in toml
        driver.find_element(By.ID, "rebuild").click()
        WebDriverWait(driver, 600, poll_frequency=1).until(
            lambda d: d.find_element(By.ID, "job").get_attribute("data-state") in ("done", "error")
        )
        job = driver.find_element(By.ID, "job")
        assert job.get_attribute("data-state") == "done", job.text
        WebDriverWait(driver, 30).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, '#edits li[data-status="applied"]')) == 4
        )
        assert new_label in driver.find_element(By.ID, "main").text
        driver.save_screenshot(str(tmp_path / "review-after-rebuild.png"))
    finally:
        driver.quit()
    _check_rebuild(out, before, t, new_label)


def _check_rebuild(out: Path, before: dict[str, Any], t: dict[str, Any], new_label: str) -> None:
    """personas.json, the Markdown and run.json show all four edits."""
    doc = json.loads((out / "personas.json").read_text(encoding="utf-8"))
    themes = {x["theme_id"]: x for x in doc["themes"]}
    claims = [c for p in doc["personas"] for f in ("goals", "motivations", "pains") for c in p[f]]
    # renamed: the label everywhere, the same statements behind the claim
    assert themes[t["renamed"]["theme_id"]]["label"] == new_label
    claim = next(c for c in doc["personas"][0]["pains"] if c["theme_id"] == themes_id(t))
    assert claim["label"] == new_label
    assert claim["evidence_ids"] == t["renamed"]["evidence_ids"]
    # merged: one theme holding both themes' statements
    keep, merged = t["keep"], t["merged"]
    assert merged["theme_id"] not in themes
    assert themes[keep["theme_id"]]["size"] == keep["size"] + merged["size"]
    # hidden: no theme, no claim; rejected: never quoted
    assert t["hidden"]["theme_id"] not in themes
    assert all(c["theme_id"] not in (t["hidden"]["theme_id"], merged["theme_id"]) for c in claims)
    quoted = {q["statement_id"] for c in claims for q in c["quotes"]}
    assert t["quote"]["statement_id"] not in quoted
    markdown = "\n".join(p.read_text(encoding="utf-8") for p in (out / "personas").glob("*.md"))
    assert re.search(rf"\*\*\d+\. {re.escape(new_label)}\*\*", markdown)
    assert not re.search(rf"\*\*\d+\. {re.escape(t['hidden']['label'])}\*\*", markdown)
    assert not re.search(rf"\*\*\d+\. {re.escape(merged['label'])}\*\*", markdown)
    assert t["quote"]["text"] not in markdown
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert (run["review"]["applied"], run["review"]["stale"]) == (4, 0)
    # the review changes what personas say, not who is in them
    sizes = [p["coverage"]["respondents"] for p in before["personas"]]
    assert [p["coverage"]["respondents"] for p in doc["personas"]] == sizes


def themes_id(t: dict[str, Any]) -> str:
    return str(t["renamed"]["theme_id"])
