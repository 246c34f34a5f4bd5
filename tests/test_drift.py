"""Personas over time: --baseline keeps identities, `personas diff`, theme trends."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from personas.history.baseline import Baseline, carry_segments, hungarian
from personas.history.drift import two_proportion_p
from personas.history.trends import all_periods, cochran_armitage, theme_trends
from personas.models import Record, Segment, SegmentModel, Statement, Theme
from tests.conftest import DEMO, run_cli

# -- units ------------------------------------------------------------------------------


def test_cochran_armitage_sees_a_rising_share_and_not_a_flat_one() -> None:
    rising = cochran_armitage([2, 5, 10, 20], [100, 100, 100, 100])
    flat = cochran_armitage([10, 11, 9, 10], [100, 100, 100, 100])
    assert rising is not None and rising[0] > 0 and rising[1] < 1e-4
    assert flat is not None and flat[1] > 0.5
    assert cochran_armitage([0, 0, 0], [5, 5, 5]) is None  # nothing to test


def test_two_proportion_test() -> None:
    assert two_proportion_p(50, 100, 50, 100) == pytest.approx(1.0)
    assert two_proportion_p(10, 100, 40, 100) < 1e-5


def test_periods_are_months_or_iso_weeks_without_gaps() -> None:
    from datetime import date

    assert all_periods(date(2025, 11, 30), date(2026, 2, 1), "month") == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert all_periods(date(2026, 1, 1), date(2026, 1, 20), "week") == [
        "2026-W01",
        "2026-W02",
        "2026-W03",
        "2026-W04",
    ]


def _statement(i: int, day: str, theme: str | None, source: str = "f") -> tuple[Record, Statement]:
    rec = Record(
        record_id=f"f#{i}", source=source, source_kind="reviews", locator=f"row {i}", date=day
    )
    st = Statement(
        statement_id=f"s{i}",
        record_id=rec.record_id,
        source=source,
        source_kind="reviews",
        locator=rec.locator,
        respondent_key=None,
        field="body",
        text="x",
        kind="pain",
        theme_id=theme,
    )
    return rec, st


def test_trends_find_a_new_theme_in_the_newest_month() -> None:
    pairs = []
    for month in range(1, 7):
        for i in range(40):
            theme = "pain-01" if i % 2 else "pain-02"
            if month == 6 and i < 15:
                theme = "pain-03"  # appears only in June
            pairs.append(_statement(month * 100 + i, f"2026-{month:02d}-10", theme))
    themes = [
        Theme(theme_id=t, kind="pain", label=t, keywords=[], size=1, representative_ids=[])
        for t in ("pain-01", "pain-02", "pain-03")
    ]
    trends = theme_trends([r for r, _ in pairs], [s for _, s in pairs], themes)
    assert trends is not None and trends.period == "month" and len(trends.periods) == 6
    by_id = {t.theme_id: t for t in trends.themes}
    assert by_id["pain-03"].new_in_latest and by_id["pain-03"].trend == "rising"
    assert not by_id["pain-01"].new_in_latest
    undated = [s.model_copy(update={"record_id": "none"}) for _, s in pairs]
    assert theme_trends([r for r, _ in pairs], undated, themes) is None


def test_a_survey_run_late_does_not_make_its_themes_rise() -> None:
    """Reviews all year voice pain-01 at a steady 10%; a survey in the last two months
    voices it at 50%. Pooled, the share rises; within each file it does not."""
    pairs, i = [], 0
    for month in range(1, 9):
        for k in range(60):
            pairs.append(_statement(i, f"2026-{month:02d}-10", "pain-01" if k < 6 else None))
            i += 1
        if month >= 7:
            for k in range(60):
                theme = "pain-01" if k < 30 else None
                pairs.append(_statement(i, f"2026-{month:02d}-12", theme, source="survey"))
                i += 1
    themes = [
        Theme(
            theme_id="pain-01", kind="pain", label="x", keywords=[], size=1, representative_ids=[]
        )
    ]
    pooled = cochran_armitage(
        [6] * 6 + [36, 36], [60] * 6 + [120, 120]
    )  # what a test ignoring the files would see
    assert pooled is not None and pooled[0] > 0 and pooled[1] < 0.001
    trends = theme_trends([r for r, _ in pairs], [s for _, s in pairs], themes)
    assert trends is not None
    assert trends.themes[0].trend == "stable"


def test_hungarian_and_segment_renumbering_keep_matched_ids() -> None:
    assert sorted(hungarian(np.array([[1.0, 9.0], [8.0, 2.0]]))) == [(0, 1), (1, 0)]
    # baseline: p1 = a*, p2 = b*, p3 = gone; new segments 1 = b*, 2 = a*, 3 = c* (new)
    persona_of = {f"a{i}": "p1" for i in range(10)} | {f"b{i}": "p2" for i in range(10)}
    persona_of |= {f"z{i}": "p3" for i in range(10)}
    base = Baseline(
        folder=Path("old"),
        document=None,  # type: ignore[arg-type]
        digest="",
        persona_of=persona_of,
        bundle=_Bundle(["p1", "p2", "p3"]),  # type: ignore[arg-type]
    )
    segments = [
        Segment(segment_id=1, respondent_keys=[f"b{i}" for i in range(10)]),
        Segment(segment_id=2, respondent_keys=[f"a{i}" for i in range(10)]),
        Segment(segment_id=3, respondent_keys=[f"c{i}" for i in range(10)]),
    ]
    model = SegmentModel(
        segments=segments,
        method="m",
        k=3,
        criterion="c",
        scores={},
        feature_names=[],
        centres=[[1.0], [2.0], [3.0]],
        anonymous={"s1": (3, 0.9)},
    )
    # only 20 of 30 new respondents are known: enough to match on keys
    out = carry_segments(base, model, [], [])
    assert [s.segment_id for s in out.segments] == [1, 2, 4]
    assert out.segments[0].respondent_keys[0] == "a0" and out.centres == [[2.0], [1.0], [3.0]]
    assert out.anonymous == {"s1": (4, 0.9)}


class _Meta:
    def __init__(self, ids: list[str]) -> None:
        self.personas = [type("Ref", (), {"persona_id": p}) for p in ids]


class _Bundle:
    def __init__(self, ids: list[str]) -> None:
        self.meta = _Meta(ids)


# -- end to end -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def rebuild(demo_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus rebuilt with another seed and the demo build as its baseline."""
    out = tmp_path_factory.mktemp("rebuild") / "out"
    out.mkdir()
    shutil.copy(demo_build / "personas.duckdb", out / "personas.duckdb")  # embedding cache
    result = run_cli(
        "build", str(DEMO), "-o", str(out), "--seed", "7", "--baseline", str(demo_build), "-q"
    )
    assert result.returncode == 0, result.stderr
    assert "Since the baseline:" in result.stdout + result.stderr
    return out


def test_rebuild_with_baseline_keeps_every_id_name_and_theme_label(
    demo_build: Path, rebuild: Path
) -> None:
    old = json.loads((demo_build / "personas.json").read_text(encoding="utf-8"))
    new = json.loads((rebuild / "personas.json").read_text(encoding="utf-8"))
    ident = [(p["persona_id"], p["name"], p["slug"], p["label"]) for p in old["personas"]]
    assert [(p["persona_id"], p["name"], p["slug"], p["label"]) for p in new["personas"]] == ident
    assert {(t["theme_id"], t["label"]) for t in new["themes"]} == {
        (t["theme_id"], t["label"]) for t in old["themes"]
    }
    link = new["baseline"]
    assert link["gone"] == [] and {p["status"] for p in link["personas"]} == {"kept"}
    assert link["drift"] is not None and link["drift"] < 0.02
    assert old["baseline"] is None and old["trends"]["period"] == "month"
    assert "What changed since the baseline" in (rebuild / "index.html").read_text(encoding="utf-8")
    assert "What changed since the baseline" in (rebuild / "brief.md").read_text(encoding="utf-8")


def test_diff_reports_matches_drift_and_never_keys(demo_build: Path, rebuild: Path) -> None:
    md = run_cli("diff", str(demo_build), str(rebuild))
    assert md.returncode == 0, md.stderr
    assert "**Drift:" in md.stdout and "## Themes" in md.stdout
    assert not re.search(r"[\w.]+@[\w.]+|email:", md.stdout)
    raw = run_cli("diff", str(demo_build), str(rebuild), "--format", "json")
    figures = json.loads(raw.stdout)
    assert figures["matching"]["personas"] == "ids carried by --baseline"
    n_personas = len(json.loads((demo_build / "personas.json").read_text("utf-8"))["personas"])
    assert len(figures["personas"]["matched"]) == n_personas
    assert figures["personas"]["new"] == figures["personas"]["gone"] == []
    assert "@" not in raw.stdout
    # the other way round nothing was carried: matched on shared respondents instead
    back = json.loads(run_cli("diff", str(rebuild), str(demo_build), "-f", "json").stdout)
    assert back["matching"]["personas"].startswith("shared respondents")
    assert back["drift"] == figures["drift"]
    over = run_cli("diff", str(demo_build), str(rebuild), "--fail-over", "0")
    assert over.returncode == (1 if figures["drift"] > 0 else 0)
    assert run_cli("diff", str(demo_build), str(rebuild), "--fail-over", "0.5").returncode == 0


def test_a_baseline_that_is_not_a_build_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("build", str(DEMO), "-o", str(tmp_path / "o"), "--baseline", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: ") and "no personas.json" in result.stderr
    diff = run_cli("diff", str(tmp_path / "missing"), str(tmp_path))
    assert diff.returncode == 1 and diff.stderr.startswith("Error: ")
