"""End-to-end: the figures in personas.json and run.json can be recomputed with SQL
over the tables in OUT/personas.duckdb (the real demo build, the real DuckDB file)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

pytestmark = pytest.mark.e2e

# Respondents who said anything, and who said something in each theme, with their persona.
VOICE_SQL = """
WITH voiced AS (
    SELECT DISTINCT r.respondent_id, r.persona_id
    FROM statements s JOIN respondents r USING (respondent_id)
), in_theme AS (
    SELECT DISTINCT r.respondent_id, s.theme_id
    FROM statements s JOIN respondents r USING (respondent_id)
    WHERE s.theme_id = ?
)
SELECT v.persona_id, count(*) AS voiced, count(t.respondent_id) AS with_theme
FROM voiced v LEFT JOIN in_theme t USING (respondent_id)
GROUP BY v.persona_id ORDER BY v.persona_id
"""


def load(out: Path) -> tuple[dict[str, Any], dict[str, Any], duckdb.DuckDBPyConnection]:
    doc = json.loads((out / "personas.json").read_text(encoding="utf-8"))
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return doc, run, duckdb.connect(str(out / "personas.duckdb"), read_only=True)


def fact(persona: dict[str, Any], section: str, name: str) -> dict[str, Any]:
    return next(f for f in persona[section] if f["name"] == name)


def test_sizes_and_shares_recompute(demo_build: Path) -> None:
    """Each persona's size and share, and run.json's segment sizes, equal a GROUP BY."""
    doc, run, db = load(demo_build)
    rows = db.execute(
        "SELECT persona_id, count(*), count(*) / sum(count(*)) OVER () "
        "FROM respondents GROUP BY persona_id ORDER BY persona_id"
    ).fetchall()
    want = {pid: (n, round(share, 4)) for pid, n, share in rows}
    got = {
        p["persona_id"]: (p["coverage"]["respondents"], p["coverage"]["share"])
        for p in doc["personas"]
    }
    assert got == want
    assert {s["persona_id"]: s["respondents"] for s in run["segmentation"]["segments"]} == {
        pid: n for pid, (n, _) in want.items()
    }


@pytest.mark.parametrize(
    ("section", "name", "column"),
    [("demographics", "Age", "age"), ("behaviour", "Average order value", "avg_order_value")],
)
def test_medians_and_quartiles_recompute(
    demo_build: Path, section: str, name: str, column: str
) -> None:
    """Age and average order value: n, quartiles and median equal DuckDB's quantile_cont."""
    doc, _, db = load(demo_build)
    checked = 0
    for persona in doc["personas"]:
        spread = fact(persona, section, name)["spread"]
        n, q1, med, q3 = db.execute(
            f"SELECT count({column}), quantile_cont({column}, 0.25), median({column}), "
            f"quantile_cont({column}, 0.75) FROM respondents WHERE persona_id = ?",
            [persona["persona_id"]],
        ).fetchone()
        if spread is None:  # hidden below the small-group threshold
            assert n < 5
            continue
        assert spread == {"n": n, "q1": round(q1, 4), "median": round(med, 4), "q3": round(q3, 4)}
        checked += 1
    assert checked >= 2


def test_nps_recomputes(demo_build: Path) -> None:
    """NPS score, promoter and detractor shares follow from the nps column."""
    doc, _, db = load(demo_build)
    for persona in doc["personas"]:
        n, pro, det = db.execute(
            "SELECT count(*), avg((nps >= 9)::INT), avg((nps <= 6)::INT) "
            "FROM respondents WHERE persona_id = ? AND nps IS NOT NULL",
            [persona["persona_id"]],
        ).fetchone()
        nps = fact(persona, "behaviour", "Net Promoter Score")
        assert nps["basis"].startswith(f"{n} answers")
        score = round(100 * (pro - det), 1)
        shares = (
            f"{round(100 * round(pro, 4))}% promoters, {round(100 * round(det, 4))}% detractors"
        )
        assert nps["value"] == f"{score:+.0f} ({shares})"


def test_theme_prevalence_and_lift_recompute(demo_build: Path) -> None:
    """Every theme's prevalence per persona, and each claim's share, share of the rest and
    lift, follow from the statements and respondents tables."""
    doc, _, db = load(demo_build)
    claims = 0
    for theme in doc["themes"]:
        rows = db.execute(VOICE_SQL, [theme["theme_id"]]).fetchall()
        total_voiced = sum(r[1] for r in rows)
        total_with = sum(r[2] for r in rows)
        figures = {}
        for pid, voiced, with_theme in rows:
            prev = with_theme / voiced
            rest = (total_with - with_theme) / (total_voiced - voiced)
            figures[pid] = (round(prev, 4), round(rest, 4), round(prev / rest, 3) if rest else None)
        assert theme["prevalence_by_persona"] == {pid: f[0] for pid, f in figures.items()}
        for persona in doc["personas"]:
            for claim in persona["goals"] + persona["motivations"] + persona["pains"]:
                if claim["theme_id"] == theme["theme_id"]:
                    got = (claim["share"], claim["share_rest"], claim["lift"])
                    assert got == figures[persona["persona_id"]], claim["label"]
                    claims += 1
    assert claims >= 6


def test_demo_segments_hold_up(demo_build: Path) -> None:
    """On the planted demo corpus the segmentation is stable: mean bootstrap Jaccard >= 0.85,
    the same figure in run.json and personas.json, and the mean of the per-segment ones."""
    doc, run, _ = load(demo_build)
    seg = run["segmentation"]
    assert seg["stability"] >= 0.85
    assert doc["segmentation"]["stability"] == seg["stability"]
    per_segment = [s["stability"] for s in seg["segments"]]
    assert abs(sum(per_segment) / len(per_segment) - seg["stability"]) < 1e-3
    assert all(s["stable"] == (s["stability"] >= 0.6) for s in seg["segments"])
    assert str(seg["k"]) in seg["scores_by_k"]
    assert re.search(r"20 seeded subsamples of 80%", seg["stability_method"])
