"""Unit tests for bootstrap stability: subsamples, Jaccard matching, flags."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from personas.config import Config
from personas.segment.features import FeatureMatrix
from personas.segment.fit import segment_respondents
from personas.segment.masked import masked_kmeans
from personas.segment.stability import (
    MAX_SUBSAMPLE,
    RESAMPLES,
    STABLE_JACCARD,
    agreement,
    jaccard,
    matched_jaccard,
    measure_stability,
    subsamples,
)


def matrix(x: np.ndarray) -> FeatureMatrix:
    """A fully known feature matrix over synthetic rows."""
    return FeatureMatrix(
        keys=tuple(f"id:{i:04d}" for i in range(len(x))),
        names=tuple(f"f{j}" for j in range(x.shape[1])),
        matrix=x,
        blocks={"numbers": x.shape[1]},
        known=np.ones_like(x, dtype=bool),
    )


def three_groups(seed: int = 0) -> np.ndarray:
    """Three tight, far-apart groups of 60 people in four dimensions."""
    rng = np.random.default_rng(seed)
    centres = np.array([[-6.0, 0, 0, 0], [6.0, 0, 0, 0], [0, 8.0, 0, 0]])
    return np.vstack([rng.normal(c, 1.0, (60, 4)) for c in centres])


def test_subsamples_are_seeded_fractions_without_replacement() -> None:
    """Each subsample holds 80% of rows, each once; the seed fixes them, another changes them."""
    sets = subsamples(500, RESAMPLES, seed=7)
    assert len(sets) == RESAMPLES
    assert all(len(s) == 400 and len(np.unique(s)) == 400 for s in sets)
    assert all(
        np.array_equal(a, b) for a, b in zip(sets, subsamples(500, RESAMPLES, 7), strict=True)
    )
    assert not np.array_equal(sets[0], subsamples(500, 1, seed=8)[0])
    assert len(subsamples(10 * MAX_SUBSAMPLE, 1, seed=7)[0]) == MAX_SUBSAMPLE


def test_jaccard_by_hand() -> None:
    """{0,1,2} vs {0,1}: 2/3; {3,4} vs {2,3,4}: 2/3; {0,1,2} vs {2,3,4}: 1/5; {3,4} vs {0,1}: 0."""
    reference = np.array([0, 0, 0, 1, 1])
    other = np.array([1, 1, 0, 0, 0])
    j = jaccard(reference, other, 2)
    assert np.allclose(j, [[1 / 5, 2 / 3], [2 / 3, 0.0]])
    assert np.allclose(matched_jaccard(reference, other, 2), [2 / 3, 2 / 3])


@given(st.lists(st.integers(0, 3), min_size=4, max_size=40), st.permutations([0, 1, 2, 3]))
@settings(max_examples=40, deadline=None)
def test_renamed_segments_agree_fully(labels: list[int], perm: list[int]) -> None:
    """The same partition under other segment numbers matches with Jaccard 1 for every segment
    present; matching is by membership, not by number."""
    ref = np.array(labels)
    renamed = np.array([perm[v] for v in labels])
    got = matched_jaccard(ref, renamed, 4)
    present = np.bincount(ref, minlength=4) > 0
    assert np.allclose(got[present], 1.0)


def test_separated_groups_hold_up() -> None:
    """Planted, well-separated groups come back in every subsample."""
    fm = matrix(three_groups())
    model = measure_stability(segment_respondents(fm, Config(personas=3)), fm, seed=1)
    assert model.stability is not None and model.stability > 0.95
    assert all(s.stable and s.stability and s.stability > 0.95 for s in model.segments)
    assert model.stability_method and f"{RESAMPLES} seeded subsamples" in model.stability_method


def test_noise_does_not_hold_up_and_is_flagged() -> None:
    """k-means forced onto structureless noise gives segments that dissolve when resampled."""
    x = np.random.default_rng(1).standard_normal((200, 10))
    fm = matrix(x)
    model = measure_stability(segment_respondents(fm, Config(personas=5)), fm, seed=1)
    assert model.stability is not None and model.stability < STABLE_JACCARD
    assert any(s.stable is False for s in model.segments)
    assert all((s.stability or 0) >= STABLE_JACCARD or s.stable is False for s in model.segments)


def test_stability_is_deterministic_for_a_seed() -> None:
    """Same data and seed: the same figures, down to the last digit."""
    x = np.random.default_rng(2).standard_normal((120, 6))
    labels, _ = masked_kmeans(x, np.ones_like(x, dtype=bool), 4, seed=0)
    known = np.ones_like(x, dtype=bool)
    assert np.array_equal(agreement(x, known, labels, 5), agreement(x, known, labels, 5))


def test_single_segment_is_not_measured() -> None:
    """One segment has nothing to disagree with: stability stays unknown and says why."""
    fm = matrix(np.random.default_rng(3).standard_normal((12, 3)))
    model = measure_stability(segment_respondents(fm, Config()), fm, seed=0)
    assert model.k == 1 and model.stability is None and model.segments[0].stability is None
    assert model.stability_method and "single segment" in model.stability_method
