"""Planted truth: a real build of the demo corpus finds the groups and ideas we planted.

corpora/make_demo_shop.py puts every customer in one of four groups
(corpora/demo-shop-truth.csv) and records which planted idea each survey answer and
review voices (corpora/demo-shop-truth-themes.csv). Both files live outside the
corpus folder, so the build never reads them. Ideas are matched to the build's
themes through the statements at the same place whose words are the idea's words,
never through theme ids written down here.

The issue's bars are ARI >= 0.9 and every planted pain and motivation among its
group's persona's. The build reaches ARI 0.94 (0.86 without the products customers
bought) and 24 of 24 ideas; with four claims per kind instead of five, the technical
hikers' "slow restocks" (a theme it shares with the loyal customers' "phone waits")
was the one left out.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tests.conftest import ROOT

TRUTH = ROOT / "corpora" / "demo-shop-truth.csv"
TRUTH_THEMES = ROOT / "corpora" / "demo-shop-truth-themes.csv"
ISSUE_ARI = 0.9
WORD = re.compile(r"[a-z0-9']+")
Idea = tuple[str, str, str]  # (group, kind, idea)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def planted_groups() -> dict[str, str]:
    """Respondent key (as assignments.csv writes it) -> planted group."""
    return {"email:" + r["email"]: r["group"] for r in read_csv(TRUTH)}


def found_personas(out: Path) -> dict[str, str]:
    return {r["respondent_key"]: r["persona_id"] for r in read_csv(out / "assignments.csv")}


def adjusted_rand(out: Path) -> float:
    """ARI between personas and planted groups over every respondent the truth names."""
    from sklearn.metrics import adjusted_rand_score

    truth, found = planted_groups(), found_personas(out)
    keys = sorted(k for k in found if k in truth)
    assert len(keys) >= 0.95 * len(found), "most respondents should be in the truth file"
    return float(adjusted_rand_score([truth[k] for k in keys], [found[k] for k in keys]))


def persona_of_group(out: Path) -> dict[str, str]:
    """Planted group -> the persona holding most of its respondents."""
    truth, counts = planted_groups(), defaultdict(Counter)
    for key, persona in found_personas(out).items():
        if key in truth:
            counts[truth[key]][persona] += 1
    return {group: c.most_common(1)[0][0] for group, c in counts.items()}


def words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def themes_of_ideas(out: Path) -> dict[Idea, Counter[str]]:
    """Per planted idea, the themes of the statements that voice it: a statement at the
    idea's place (source, locator) whose words are mostly the idea's wording."""
    at: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for s in read_csv(out / "statements.csv"):
        if s["theme_id"]:
            at[(s["source"], s["locator"])].append(s)
    found: dict[Idea, Counter[str]] = defaultdict(Counter)
    for row in read_csv(TRUTH_THEMES):
        wording = words(row["wording"])
        for s in at[(row["source"], row["locator"])]:
            said = words(s["text"])
            shared = len(said & wording)
            if shared >= 2 and shared >= 0.6 * len(said):
                found[(row["group"], row["kind"], row["idea"])][s["theme_id"]] += 1
    return found


def missing_ideas(out: Path) -> tuple[list[str], int]:
    """Planted pains and motivations none of whose themes (a quarter or more of the
    idea's statements) is among its group's persona's pains and motivations."""
    doc = json.loads((out / "personas.json").read_text(encoding="utf-8"))
    claimed = {
        p["persona_id"]: {c["theme_id"] for c in p["pains"] + p["motivations"]}
        for p in doc["personas"]
    }
    persona = persona_of_group(out)
    ideas = {k: v for k, v in themes_of_ideas(out).items() if k[1] in ("pain", "motivation")}
    missing = []
    for (group, kind, idea), counts in sorted(ideas.items()):
        total = sum(counts.values())
        themes = {t for t, n in counts.items() if n >= 0.25 * total}
        if not themes & claimed[persona[group]]:
            missing.append(f"{group} {kind} {idea} ({', '.join(sorted(themes))})")
    return missing, len(ideas)


def test_truth_files_cover_every_group_and_idea() -> None:
    """The truth files name four groups, and each group's planted pain, motivation and goal
    ideas are voiced at places in the corpus."""
    groups = set(planted_groups().values())
    rows = read_csv(TRUTH_THEMES)
    assert len(groups) == 4 and {r["group"] for r in rows} == groups
    for group in groups:
        kinds = {r["kind"] for r in rows if r["group"] == group}
        assert kinds == {"pain", "motivation", "goal"}
    assert all(r["source"] in ("survey.csv", "reviews.csv") for r in rows)
    assert all(re.fullmatch(r"row \d+", r["locator"]) for r in rows)


@pytest.mark.e2e
def test_each_planted_group_gets_its_own_persona(demo_build: Path) -> None:
    """Four groups land in four different personas."""
    persona = persona_of_group(demo_build)
    assert len(set(persona.values())) == len(persona) == 4


@pytest.mark.e2e
def test_segments_recover_planted_groups_issue_bar(demo_build: Path) -> None:
    """The issue's bar: ARI of personas against planted groups >= 0.9 (order-only
    customers of budget families and urban style are told apart by what they buy)."""
    assert adjusted_rand(demo_build) >= ISSUE_ARI


@pytest.mark.e2e
def test_every_planted_idea_reaches_its_persona_issue_bar(demo_build: Path) -> None:
    """The issue's bar: every planted pain and motivation is among its group's persona's
    pains and motivations (all 24 of them are matched to themes)."""
    missing, total = missing_ideas(demo_build)
    assert total == 24, "4 groups x 3 pains and 3 motivations should all be matched"
    assert not missing, missing
