"""Typeform multi-select questions: one column per choice, grouped back into one list.

The fixture (fixtures/ingest/typeform/typeform_multiselect.csv) is synthetic and laid
out like a Typeform CSV export: ``#`` first, a column per choice headed by its label
holding that label when ticked, an "Other" column of free text, ``Submitted At`` and
``Token`` last.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from personas.config import Config
from personas.ingest import ingest
from personas.ingest.discover import discover
from personas.ingest.profile import Profile
from personas.ingest.questions import question_groups
from personas.ingest.result import IngestResult
from personas.ingest.tables import Column
from personas.models import ColumnRole

FOLDER = Path(__file__).parent / "fixtures" / "ingest" / "typeform"
SOURCE = "typeform_multiselect.csv"
ACTIVITIES = "Choices: Hiking / Camping / Climbing…"
CHANNELS = "Where do you usually shop with us?"


@pytest.fixture(scope="module")
def typeform() -> IngestResult:
    sources, _ = discover(FOLDER, Config())
    return ingest(FOLDER, sources, Config())


def _roles(result: IngestResult) -> dict[str, ColumnRole]:
    return {r.column: r for r in result.roles if r.source == SOURCE}


def _profiles(columns: dict[str, list[str]]) -> list[Profile]:
    """Profiles of one-header columns (name -> cells, blanks included)."""
    n = max(len(cells) for cells in columns.values())
    return [
        Profile(column=Column(name=name, question=name), values=[c for c in cells if c], n_rows=n)
        for name, cells in columns.items()
    ]


def test_option_columns_become_one_multi_select_question(typeform: IngestResult) -> None:
    """Choice columns are one question; its name comes from the options or an empty question."""
    roles = _roles(typeform)
    for option in ("Hiking", "Camping", "Climbing", "Mountaineering", "Trail running"):
        role = roles[option]
        assert (role.role, role.group, role.multiple) == ("category", ACTIVITIES, True), option
    for option in ("Online shop", "In store", "Marketplace app"):
        assert (roles[option].group, roles[option].multiple) == (CHANNELS, True), option
    # the header-only question above the channel options names them and stays unread
    assert (roles[CHANNELS].role, roles[CHANNELS].group) == ("ignore", CHANNELS)
    # a question with answers of its own is a different question, not the options' name
    assert roles["What do you mostly buy our gear for?"].group is None
    # "Other" holds free text, not its own label; a lone flag column stays on its own
    assert roles["Other"].group is None and not roles["Other"].multiple
    assert roles["Subscribed"].group is None
    assert roles["#"].role == roles["Token"].role == "ignore"


def test_each_respondent_gets_one_list_of_chosen_options(typeform: IngestResult) -> None:
    """A row's ticked choices are one list per question, in column order."""
    by_row = {r.locator: r for r in typeform.records if r.source == SOURCE}
    assert len(by_row) == 10
    first = by_row["row 2"]
    assert first.choices == {ACTIVITIES: ("Hiking", "Climbing"), CHANNELS: ("Online shop",)}
    assert first.attributes[ACTIVITIES] == "Hiking, Climbing"
    assert by_row["row 4"].choices[ACTIVITIES] == ("Climbing", "Trail running")
    assert by_row["row 4"].choices[CHANNELS] == ("Online shop", "Marketplace app")
    assert by_row["row 11"].choices[ACTIVITIES] == ("Hiking", "Camping", "Trail running")
    assert by_row["row 3"].choices == {ACTIVITIES: ("Camping",), CHANNELS: ("In store",)}
    assert by_row["row 5"].attributes["Other"] == "Kayaking trips"
    assert by_row["row 2"].nps == 9.0
    assert by_row["row 2"].respondent_key == "email:tf.walker01@example.com"


def test_matching_ignores_case_spacing_and_repeat_suffixes() -> None:
    """ "HIKING" in a "Hiking" column is an option; so is "Camping" under "Camping (2)"."""
    groups = question_groups(
        _profiles(
            {
                "Hiking": ["HIKING", "", " hiking "],
                "Camping (2)": ["", "Camping", ""],
                "Notes": ["a", "b", "c"],
            }
        ),
        "survey",
    )
    assert groups == {
        "Hiking": ("Choices: Hiking / Camping", True),
        "Camping (2)": ("Choices: Hiking / Camping", True),
    }


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        # one column repeating its header is a yes/no flag
        ({"Subscribed": ["Subscribed", "", "Subscribed"], "Score": ["3", "4", "5"]}, "survey"),
        # empty columns at a run's edge do not make a lone flag a question
        (
            {"Notes": ["", "", ""], "Subscribed": ["Subscribed", "", ""], "X": ["", "", ""]},
            "survey",
        ),
        # numbers equal to their header are scores, not labels
        ({"1": ["1", "1", ""], "2": ["", "2", "2"]}, "survey"),
        # a value that is not the header anywhere breaks the run
        ({"Gift": ["Gift", "", ""], "Wrapped": ["Wrapped", "no", ""]}, "survey"),
        # outside surveys a column repeating its header is a flag about the row
        ({"Verified": ["Verified", "", "Verified"], "Gift": ["", "Gift", ""]}, "reviews"),
    ],
    ids=["lone-flag", "lone-flag-between-empties", "numbers", "other-value", "not-a-survey"],
)
def test_what_is_not_a_multi_select_question(columns: dict[str, list[str]], kind: str) -> None:
    """False positives stay separate columns."""
    assert question_groups(_profiles(columns), kind) == {}  # type: ignore[arg-type]


def test_names_never_collide() -> None:
    """Two option runs with the same labels get different names, so answers never merge."""
    profiles = _profiles(
        {
            "Email": ["Email", "", "Email"],
            "Phone": ["", "Phone", ""],
            "Which day suits you?": ["Monday", "Friday", "Monday"],
            "Email (2)": ["", "Email", ""],
            "Phone (2)": ["Phone", "Phone", ""],
        }
    )
    groups = question_groups(profiles, "survey")
    assert groups["Email"] == ("Choices: Email / Phone", True)
    assert groups["Email (2)"] == ("Choices: Email / Phone (2)", True)
    assert "Which day suits you?" not in groups


def test_inspect_shows_the_question_each_option_is_part_of() -> None:
    """`personas inspect` names the grouped question under each option column."""
    exe = Path(sys.executable).with_name("personas")
    env = {**os.environ, "COLUMNS": "240"}
    result = subprocess.run(
        [str(exe), "inspect", str(FOLDER)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(f"part of: {ACTIVITIES}") == 5
    assert result.stdout.count(f"part of: {CHANNELS}") == 4
    assert "category (multi)" in result.stdout
