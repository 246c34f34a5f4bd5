"""Segments fitted on a bounded, seeded sample of people (``fit_sample_people``).

Above the cap, k selection, k-means and stability run on a seeded sample and
everyone else joins the nearest fitted centre; at or below it nothing changes.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from personas.config import Config
from personas.models import SegmentModel
from personas.segment.features import FeatureMatrix
from personas.segment.fit import assign_nearest, segment_respondents
from personas.segment.stability import measure_stability, people_sample
from tests.conftest import DEMO, run_cli

CAP = 60


def planted(n: int = 240, seed: int = 3) -> tuple[FeatureMatrix, np.ndarray]:
    """Four clearly separated groups of people in six features, a tenth of the values
    unknown; and each person's planted group."""
    rng = np.random.default_rng(seed)
    centres = 3.0 * np.eye(4, 6)
    truth = rng.integers(0, 4, size=n)
    matrix = centres[truth] + 0.4 * rng.standard_normal((n, 6))
    known = rng.random((n, 6)) > 0.1
    known[:, 0] |= ~known.any(axis=1)  # nobody is entirely unknown
    matrix = np.where(known, matrix, 0.0)
    keys = tuple(f"id:{i:04d}" for i in range(n))
    names = tuple(f"f{j}" for j in range(6))
    return FeatureMatrix(keys, names, matrix, {"numbers": 6}, known), truth


def labels_of(model: SegmentModel, features: FeatureMatrix) -> np.ndarray:
    segment_of = {k: s.segment_id for s in model.segments for k in s.respondent_keys}
    return np.array([segment_of[k] for k in features.keys])


def test_the_sample_is_seeded_and_only_taken_above_the_cap() -> None:
    assert people_sample(60, CAP, seed=1) is None
    rows = people_sample(240, CAP, seed=1)
    assert rows is not None and len(rows) == CAP and len(set(rows.tolist())) == CAP
    assert (np.diff(rows) > 0).all()
    assert (rows == people_sample(240, CAP, seed=1)).all()
    assert not (rows == people_sample(240, CAP, seed=2)).all()


def test_a_sample_fit_assigns_everyone_and_agrees_with_the_full_fit() -> None:
    """Cap 60 of 240 people in four planted groups: everyone gets a segment, the same
    seed gives the same model, and it agrees with the full fit and the planted groups."""
    from sklearn.metrics import adjusted_rand_score

    features, truth = planted()
    config = Config(fit_sample_people=CAP, min_segment_size=5, seed=7)
    sampled = segment_respondents(features, config)
    assert sampled == segment_respondents(features, config)  # deterministic
    assert sorted(k for s in sampled.segments for k in s.respondent_keys) == list(features.keys)
    assert "sample of 60 of 240 respondents" in sampled.method
    full = segment_respondents(features, Config(min_segment_size=5, seed=7))
    assert "sample" not in full.method
    ari_full = adjusted_rand_score(labels_of(full, features), labels_of(sampled, features))
    ari_truth = adjusted_rand_score(truth, labels_of(sampled, features))
    assert ari_full > 0.8 and ari_truth > 0.8, (ari_full, ari_truth)
    assert sampled.k == 4


def test_below_the_cap_nothing_changes() -> None:
    """A cap at or above the number of people gives the very model of no cap."""
    features, _ = planted(n=120)
    config = Config(min_segment_size=5, seed=7)
    assert segment_respondents(features, config) == segment_respondents(
        features, config.model_copy(update={"fit_sample_people": 120})
    )


def test_stability_is_measured_on_the_same_sample() -> None:
    features, _ = planted()
    config = Config(fit_sample_people=CAP, min_segment_size=5, seed=7)
    model = measure_stability(segment_respondents(features, config), features, config.seed, CAP)
    assert model.stability is not None and model.stability > 0.75
    assert "seeded sample of 60 of 240 respondents" in (model.stability_method or "")


def test_assignment_uses_the_masked_distance_and_live_centres() -> None:
    """A person known only on feature 1 joins the centre nearest on that feature (1),
    not the one nearest after filling the unknown value with zero (2); a centre no
    fitted segment uses any more (merged away) takes nobody."""
    centres = np.array([[0.0, 0.0], [5.0, 3.0], [0.0, 3.2]])
    x = np.array([[0.0, 3.0]])
    known = np.array([[False, True]])
    assert assign_nearest(x, known, np.array([0, 1, 2]), centres).tolist() == [1]
    assert assign_nearest(x, known, np.array([0, 2, 2]), centres).tolist() == [2]


@pytest.mark.parametrize("key", ["fit_sample_people", "fit_sample_statements"])
def test_the_caps_are_settings(tmp_path, key: str) -> None:  # type: ignore[no-untyped-def]
    from personas.config import load_config
    from personas.errors import ConfigError

    (tmp_path / "personas.toml").write_text(f"{key} = 500\n", encoding="utf-8")
    assert getattr(load_config(tmp_path), key) == 500
    (tmp_path / "personas.toml").write_text(f"{key} = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=key):
        load_config(tmp_path)


def persona_of(out: Path) -> dict[str, str]:
    with (out / "assignments.csv").open(encoding="utf-8", newline="") as f:
        return {r["respondent_key"]: r["persona_id"] for r in csv.DictReader(f)}


def test_a_demo_build_on_a_sample_of_people_says_so(demo_build: Path, tmp_path: Path) -> None:
    """The real CLI on the demo with ``fit_sample_people = 300``: run.json and the report
    say the segments were fitted on a sample, everyone still has a persona, and the
    personas agree with the full build's."""
    from sklearn.metrics import adjusted_rand_score

    settings = tmp_path / "personas.toml"
    settings.write_text("fit_sample_people = 300\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", str(DEMO), "-o", str(out), "--quiet", "--config", str(settings))
    assert result.returncode == 0, result.stderr
    texts = json.loads((out / "run.json").read_text(encoding="utf-8"))["texts"]
    everyone = texts["respondents_segmented"]
    assert texts["segments_fitted_on_respondents"] == 300 < everyone
    note = f"fitted on a seeded sample of 300 of {everyone:,} respondents"
    assert note in (out / "index.html").read_text(encoding="utf-8")
    full, sampled = persona_of(demo_build), persona_of(out)
    assert full.keys() == sampled.keys()
    keys = sorted(full)
    ari = adjusted_rand_score([full[k] for k in keys], [sampled[k] for k in keys])
    assert ari > 0.7, ari
