"""The real-data benchmark's helpers (benchmarks/realdata.py), on hand-made inputs."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import realdata
import results_md


def write_csv(path: Path, rows: list[list[str]], sep: str = ",") -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=sep).writerows(rows)


def test_row_of_reads_the_data_row_of_a_locator() -> None:
    """A locator "row 2" is the first data row; other locators map to no row."""
    assert realdata.row_of("row 2") == 0
    assert realdata.row_of("row 11") == 9
    assert realdata.row_of("Message-ID abc") is None


def test_value_drops_a_trailing_zero_and_keeps_text() -> None:
    """Label cells compare as "5" whether written 5 or 5.0; text is trimmed."""
    assert realdata.value("5.0") == "5"
    assert realdata.value(" Dresses ") == "Dresses"
    assert realdata.value("2.5") == "2.5"


def test_column_prefers_exact_then_prefix_then_words_inside() -> None:
    """A long survey header is found by its start or by words in it."""
    header = ["rating", "rating scale", "What do you like best about using R?"]
    assert realdata.column(header, "rating") == 0
    assert realdata.column(header, "What do you like") == 2
    assert realdata.column(header, "like best") == 2
    assert realdata.column(header, "nowhere") is None


def test_question_kind_picks_the_column_holding_the_statement() -> None:
    """A survey statement takes the kind of the labelled answer it came from."""
    row = {"like best": "The packages are great", "like least": "Error messages are cryptic"}
    questions = {"like best": "motivation", "like least": "pain"}
    assert realdata.question_kind("error messages are cryptic.", row, questions) == "pain"
    assert realdata.question_kind("The packages are great", row, questions) == "motivation"
    assert realdata.question_kind("something else entirely", row, questions) is None


def test_truth_kind_by_value_and_constant() -> None:
    """A rating column maps through its values; a constant kind labels every row."""
    rated = realdata.Corpus(
        "r", Path("x"), kind_column="Rating", kind_values={"1": "pain", "5": "motivation"}
    )
    assert realdata.truth_kind(rated, "text", {"Rating": "1.0"}) == "pain"
    assert realdata.truth_kind(rated, "text", {"Rating": "3"}) is None
    complaints = realdata.Corpus("c", Path("x"), kind_constant="pain")
    assert realdata.truth_kind(complaints, "text", {}) == "pain"


def test_purity_and_nmi_over_labelled_items_only() -> None:
    """Purity counts each cluster's majority label; unlabelled items are left out."""
    got = realdata.agreement(["a", "a", "b", "b", "b"], ["x", "y", "z", "z", ""])
    assert got["items"] == 4
    assert got["purity"] == 0.75
    perfect = realdata.agreement(["a", "a", "b"], ["x", "x", "y"])
    assert perfect["nmi"] == 1.0
    assert perfect["purity"] == 1.0


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ("Xxxx payment", "mask or placeholder"),
        ("[NAME] support", "mask or placeholder"),
        ("Account *** closed", "mask or placeholder"),
        ("Names", "lone generic word"),
        ("Thank", "lone generic word"),
    ],
)
def test_label_check_finds_masks_and_lone_generic_words(label: str, problem: str) -> None:
    """The hygiene count flags masks, placeholders and lone generic words."""
    assert problem in realdata.label_problems(label)


def test_label_check_passes_a_marketer_label() -> None:
    """A short noun phrase naming the problem has no problem."""
    assert realdata.label_problems("Cancelled flights") == []
    assert realdata.label_problems("Thin fabric") == []


def test_manifest_reads_paths_relative_to_itself(tmp_path: Path) -> None:
    """A TOML manifest becomes a Corpus; numeric kind keys become strings."""
    (tmp_path / "m.toml").write_text(
        'name = "t"\npath = "data/t.tsv"\nsep = "\\t"\ndrop = ["Liked"]\n'
        'kind_column = "Liked"\nkind_values = { 0 = "pain", 1 = "motivation" }\n',
        encoding="utf-8",
    )
    (corpus,) = realdata.manifests([tmp_path])
    assert corpus.path == (tmp_path / "data" / "t.tsv").resolve()
    assert corpus.kind_values == {"0": "pain", "1": "motivation"}
    assert corpus.drop == ("Liked",)


def test_manifest_rejects_unknown_fields(tmp_path: Path) -> None:
    """A misspelt field is an error, not silently ignored."""
    path = tmp_path / "m.toml"
    path.write_text('name = "t"\npath = "t.csv"\nlabel = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown fields label"):
        realdata.manifest(path)


def test_copy_input_drops_labels_and_keeps_them_by_row(tmp_path: Path) -> None:
    """The written file lacks the label columns; row N of it has the labels of entry N - 2."""
    source = tmp_path / "reviews.tsv"
    rows = [["Text", "Rating", "Dept"]] + [[f"text {i}", str(i % 5 + 1), f"d{i}"] for i in range(9)]
    write_csv(source, rows, sep="\t")
    corpus = realdata.Corpus(
        "t", source, drop=("Rating", "Dept"), categories=("Dept",), kind_column="Rating", sep="\t"
    )
    labels = realdata.copy_input(corpus, tmp_path / "in", full=False, seed=1, size=4)
    with (tmp_path / "in" / "reviews.tsv").open(encoding="utf-8", newline="") as f:
        written = list(csv.reader(f, delimiter="\t"))
    assert written[0] == ["Text"]
    assert len(written) == 5
    for n, row in enumerate(written[1:], start=2):
        i = int(row[0].split()[1])
        entry = labels[realdata.row_of(f"row {n}")]
        assert entry["Dept"] == f"d{i}"
        assert entry["Rating"] == str(i % 5 + 1)


def test_copy_input_names_a_missing_label_column(tmp_path: Path) -> None:
    """A manifest naming a label column the file lacks fails with that column's name."""
    source = tmp_path / "a.csv"
    write_csv(source, [["Text"], ["hello"]])
    corpus = realdata.Corpus("t", source, categories=("Dept",))
    with pytest.raises(ValueError, match="no column Dept"):
        realdata.copy_input(corpus, tmp_path / "in", full=True, seed=1)


def test_persona_agreement_maps_respondents_to_rows_by_statements(tmp_path: Path) -> None:
    """Without a records table, a respondent's rows come from its statements' locators."""
    write_csv(
        tmp_path / "assignments.csv",
        [
            ["respondent_key", "persona_id", "confidence", "respondent_id"],
            *(["k", "p1", "1", "r1"], ["k", "p1", "1", "r2"], ["k", "p2", "1", "r3"]),
        ],
    )
    statements = [
        {"respondent_key": "r1", "locator": "row 2"},
        {"respondent_key": "r2", "locator": "row 3"},
        {"respondent_key": "r3", "locator": "row 4"},
    ]
    labels = [{"Dept": "a"}, {"Dept": "a"}, {"Dept": "b"}]
    corpus = realdata.Corpus("t", Path("x"), categories=("Dept",))
    got = realdata.persona_agreement(corpus, tmp_path, statements, labels)
    assert got["respondents"] == 3
    assert got["nmi"] == 1.0


def test_results_section_shows_the_table_and_the_bad_labels() -> None:
    """RESULTS.md's real-data section has the table and lists every label with a problem."""
    corpus = {
        "corpus": "shop",
        "note": "",
        "build": {"rc": 0, "traceback": False, "error": "", "seconds": 1.0},
        "hygiene": {"problems": 1, "bad": [{"what": "theme", "label": "Xxxx", "problems": ["m"]}]},
    }
    step = SimpleNamespace(
        error="",
        json_out=True,
        figures={"sampled": True, "header": ["corpus"], "rows": [["shop"]], "corpora": [corpus]},
        seconds=60.0,
        load_before="0",
        load_after="0",
        command=lambda: "x",
    )
    text = results_md.realdata_section(step)
    assert "| shop |" in text
    assert "“Xxxx”" in text
    assert results_md.realdata_hygiene(step) == 1
    assert results_md.realdata_crashes(step) == 0
    assert "Not run" in results_md.realdata_section(None)
    assert json.dumps(results_md.realdata_hygiene(None)) == '"not measured"'


def test_rescore_reads_the_kept_build_and_does_not_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--rescore takes the build figures kept in build.json and runs no build."""
    source = tmp_path / "a.csv"
    write_csv(source, [["Text", "Dept"], ["hello", "d"]])
    monkeypatch.setattr(realdata, "OUT", tmp_path / "out")
    monkeypatch.setattr(realdata, "build", lambda *a: pytest.fail("built"))
    kept = {"rc": 2, "traceback": False, "error": "Error: no text", "seconds": 1.0}
    (tmp_path / "out" / "shop").mkdir(parents=True)
    (tmp_path / "out" / "shop" / "build.json").write_text(json.dumps(kept), encoding="utf-8")
    corpus = realdata.Corpus("Shop", source, drop=("Dept",), categories=("Dept",))
    got = realdata.run_corpus(corpus, full=True, seed=1, rescore=True)
    assert got["build"] == kept
    assert got["rows"] == 1
    assert realdata.table_row(got)[2] == "**no** (rc 2: Error: no text)"
