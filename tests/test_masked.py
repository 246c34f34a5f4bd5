"""Unit tests for k-means and silhouette over observed values only."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personas.segment import masked
from personas.segment.masked import distances_to_centres, masked_kmeans, pairwise, silhouette


def test_distances_ignore_unknown_columns() -> None:
    """An unknown value adds nothing; the distance is rescaled to the full width."""
    x = np.array([[1.0, 99.0]])
    known = np.array([[True, False]])
    centres = np.array([[0.0, 0.0]])
    assert distances_to_centres(x, known, centres)[0, 0] == 2.0  # (1-0)^2 / (1/2)


@given(
    st.integers(min_value=3, max_value=12),
    st.integers(min_value=1, max_value=5),
    st.integers(0, 10_000),
)
@settings(max_examples=30, deadline=None)
def test_fully_known_matches_euclidean(n: int, f: int, seed: int) -> None:
    """With nothing missing, masked distances equal plain squared Euclidean ones."""
    rng = np.random.default_rng(seed)
    x, centres = rng.standard_normal((n, f)), rng.standard_normal((2, f))
    got = distances_to_centres(x, np.ones_like(x, dtype=bool), centres)
    want = ((x[:, None, :] - centres[None]) ** 2).sum(axis=2)
    assert np.allclose(got, want)
    d = pairwise(x, np.ones_like(x, dtype=bool))
    assert np.allclose(d, np.sqrt(((x[:, None, :] - x[None]) ** 2).sum(axis=2)))


def test_sparse_rows_join_the_group_their_known_values_match() -> None:
    """People known only by one column land with the group that shares that value."""
    rng = np.random.default_rng(3)
    a = np.column_stack([rng.normal(-2, 0.2, 30), rng.normal(-2, 0.2, 30)])
    b = np.column_stack([rng.normal(2, 0.2, 30), rng.normal(2, 0.2, 30)])
    sparse = np.array([[-2.0, 0.0], [2.0, 0.0]])
    x = np.vstack([a, b, sparse])
    known = np.ones_like(x, dtype=bool)
    known[-2:, 1] = False
    labels, _ = masked_kmeans(x, known, 2, seed=0)
    assert labels[-2] == labels[0] and labels[-1] == labels[30] and labels[0] != labels[30]
    again, _ = masked_kmeans(x, known, 2, seed=0)
    assert np.array_equal(labels, again)
    assert silhouette(x, known, labels, seed=0) > 0.7


def test_distances_are_the_same_in_blocks_of_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """A matrix taller than a block gets each row's distances as one block would."""
    rng = np.random.default_rng(3)
    x, centres = rng.standard_normal((50, 6)), rng.standard_normal((4, 6))
    known = rng.random((50, 6)) > 0.3
    whole = distances_to_centres(x, known, centres)
    monkeypatch.setattr(masked, "ROWS", 7)
    np.testing.assert_allclose(distances_to_centres(x, known, centres), whole, rtol=1e-12)
    assert distances_to_centres(x[:0], known[:0], centres).shape == (0, 4)
