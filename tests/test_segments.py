"""Unit tests for respondent features, segmentation and segment statistics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personas.config import Config
from personas.models import Respondent, Statement, Theme
from personas.segment import fit as segment
from personas.segment.features import build_features, is_multi_select
from personas.segment.fit import HOLDS_UP, attribute_anonymous, scores_by_k, segment_respondents
from personas.segment.stats import benjamini_hochberg, fisher_p, newcombe, segment_stats
from personas.understand.embed import Embeddings


def people(n_per_group: int = 20) -> list[Respondent]:
    """Two obvious groups: young mobile low spenders and older desktop high spenders."""
    out = []
    for i in range(n_per_group):
        out.append(
            Respondent(
                key=f"email:y{i}@example.com",
                identified=True,
                sources=["s.csv"],
                record_ids=[],
                attributes={"age": 22.0 + i % 5, "device": "Mobile"},
                nps=6.0,
                orders=2,
                total_spend=60.0 + i,
                avg_order_value=30.0,
            )
        )
        out.append(
            Respondent(
                key=f"email:o{i}@example.com",
                identified=True,
                sources=["s.csv"],
                record_ids=[],
                attributes={"age": 64.0 + i % 5, "device": "Desktop"},
                nps=10.0,
                orders=8,
                total_spend=900.0 + i,
                avg_order_value=110.0,
            )
        )
    return sorted(out, key=lambda r: r.key)


def statements_for(rs: list[Respondent]) -> list[Statement]:
    out = []
    for i, r in enumerate(rs):
        young = r.key.startswith("email:y")
        out.append(
            Statement(
                statement_id=f"s-{i:04d}",
                record_id=f"s.csv#row {i}",
                source="s.csv",
                source_kind="survey",
                locator=f"row {i}",
                respondent_key=r.key,
                field="q",
                text="shipping costs too much" if young else "lovely warm fabric",
                kind="pain" if young else "motivation",
                theme_id="pain-01" if young else "motivation-01",
            )
        )
    return out


def test_features_blocks_and_alignment() -> None:
    """One row per respondent, numbers, categories and voice blocks all present."""
    rs = people()
    fm = build_features(rs, statements_for(rs))
    assert fm.matrix.shape[0] == len(rs)
    assert set(fm.blocks) == {"numbers", "categories", "voice"}
    assert "device=Mobile" in fm.names and "theme:pain-01" in fm.names


def test_missing_values_sit_at_the_mean() -> None:
    """A respondent with no age gets 0 (the mean) in the standardised age column."""
    unknown = Respondent(key="email:z@example.com", identified=True, sources=[], record_ids=[])
    rs = [*people(5), unknown]
    fm = build_features(rs, [])
    col = fm.names.index("age")
    assert fm.matrix[-1, col] == 0.0


def test_multi_select_detection() -> None:
    """Joined options that recur are multi-select; one answer with commas is not."""
    assert is_multi_select(
        ["Hiking, Camping", "Camping", "Hiking", "Running, Hiking", "Camping, Running"]
    )
    assert not is_multi_select(["Master's degree (e.g. MA, MS, MEd)", "PhD", "Bachelor's", "PhD"])


def test_segmentation_recovers_two_groups() -> None:
    """Forced k=2 separates the planted groups exactly and is deterministic."""
    rs = people()
    fm = build_features(rs, statements_for(rs))
    config = Config(personas=2, min_segment_size=5)
    a = segment_respondents(fm, config)
    b = segment_respondents(fm, config)
    assert a == b
    groups = [{k[6] for k in seg.respondent_keys} for seg in a.segments]
    assert sorted(map(sorted, groups)) == [["o"], ["y"]]
    assert all(0 < c <= 1 for c in a.confidence.values())


def test_k_chosen_by_silhouette_and_stability_and_small_segments_merged() -> None:
    """Without --personas, every k in the range gets a silhouette and a stability score,
    and the two planted groups win."""
    rs = people()
    fm = build_features(rs, statements_for(rs))
    model = segment_respondents(fm, Config(k_min=2, k_max=4, min_segment_size=5))
    assert set(scores_by_k(model.scores)) == {"2", "3", "4"}
    measures = {"silhouette", "stability", "weakest", "valley"}
    assert all(set(v) == measures for v in scores_by_k(model.scores).values())
    assert model.k == 2 and model.scores["2 stability"] >= HOLDS_UP
    assert model.silhouette == model.scores["2 silhouette"]
    assert all(len(s.respondent_keys) >= 5 for s in model.segments)


@pytest.mark.parametrize(
    ("stability", "want"),
    [
        ({2: 0.90, 3: 0.50, 4: 0.80}, 4),  # 3 separates best but dissolves: 4 is next best
        ({2: 0.70, 3: 0.50, 4: 0.60}, 2),  # nothing holds up: the most stable k
    ],
)
def test_unstable_k_cannot_win_on_silhouette(
    monkeypatch: pytest.MonkeyPatch, stability: dict[int, float], want: int
) -> None:
    """Among the k that hold up (agreement >= HOLDS_UP) silhouette decides; if none do,
    agreement does. Scores are faked here to pin the rule itself."""
    silhouettes = {2: 0.30, 3: 0.60, 4: 0.40}

    def fake_silhouette(x, known, labels, seed):  # type: ignore[no-untyped-def]
        return silhouettes[len(set(labels.tolist()))]

    def fake_agreement(x, known, labels, seed, resamples, n_init):  # type: ignore[no-untyped-def]
        return np.full(int(labels.max()) + 1, stability[int(labels.max()) + 1])

    monkeypatch.setattr(segment, "silhouette", fake_silhouette)
    monkeypatch.setattr(segment, "agreement", fake_agreement)
    x = np.random.default_rng(0).standard_normal((60, 3))
    k, labels, _, scores = segment.choose_k(x, np.ones_like(x, dtype=bool), range(2, 5), seed=0)
    assert k == want and len(set(labels.tolist())) == want
    assert {key: v for key, v in scores.items() if key.endswith(("silhouette", "stability"))} == {
        **{f"{k} silhouette": v for k, v in silhouettes.items()},
        **{f"{k} stability": v for k, v in stability.items()},
    }


def by_silhouette(scores: dict[str, float]) -> int:
    """The k the criterion picked before the valley rule: best silhouette among the k that
    hold up on average, else the most stable."""
    by = {int(k): v for k, v in scores_by_k(scores).items()}
    holding = [k for k in by if by[k]["stability"] >= HOLDS_UP]
    if holding:
        return max(holding, key=lambda k: (by[k]["silhouette"], -k))
    return max(by, key=lambda k: (by[k]["stability"], by[k]["silhouette"], -k))


def four_blobs(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Four groups of 60 in six dimensions: three 10 SD apart, the fourth 5 SD from the third."""
    rng = np.random.default_rng(seed)
    centres = np.zeros((4, 6))
    centres[0, 0] = centres[1, 1] = centres[2, 2] = centres[3, 2] = 10.0
    centres[3, 3] = 5.0
    x = np.vstack([rng.normal(c, 1.0, (60, 6)) for c in centres])
    return x, np.repeat(np.arange(4), 60)


@pytest.mark.parametrize("seed", [0, 1])
def test_two_close_groups_are_not_merged_for_silhouette(seed: int) -> None:
    """Silhouette prefers k = 3 (the close pair merged); every segment of k = 4 holds up and is
    parted by a valley, so k = 4 wins and recovers the planted groups."""
    from sklearn.metrics import adjusted_rand_score

    x, truth = four_blobs(seed)
    k, labels, _, scores = segment.choose_k(x, np.ones_like(x, dtype=bool), range(2, 7), seed=0)
    assert scores["3 silhouette"] > scores["4 silhouette"] and by_silhouette(scores) == 3
    assert scores["4 weakest"] >= HOLDS_UP and scores["4 valley"] <= segment.VALLEY
    assert k == 4 and adjusted_rand_score(truth, labels) > 0.95


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_noise_gets_no_larger_k_than_silhouette_picks(seed: int) -> None:
    """Uniform noise cut into pieces that hold up (every segment's agreement >= HOLDS_UP at
    some larger k) has no valley between them, so k stays the silhouette's pick."""
    x = np.random.default_rng(seed).uniform(size=(600, 2))
    k, _, _, scores = segment.choose_k(x, np.ones_like(x, dtype=bool), range(3, 9), seed=0)
    assert k == by_silhouette(scores)
    assert any(scores[f"{j} weakest"] >= HOLDS_UP for j in range(k + 1, 9))
    assert all(scores[f"{j} valley"] > segment.VALLEY for j in range(k + 1, 9))


def test_gaussian_noise_keeps_its_k() -> None:
    """Structureless Gaussian features, some values unknown: the same k as before the rule."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((300, 10))
    known = rng.uniform(size=x.shape) > 0.2
    k, _, _, scores = segment.choose_k(x, known, range(3, 9), seed=0)
    assert k == by_silhouette(scores)


@pytest.mark.parametrize(
    ("agree3", "valley3", "want"),
    [
        ([0.9, 0.9, 0.9], 0.1, 3),  # every segment holds up, valleys: the larger k wins
        ([1.0, 1.0, 0.5], 0.1, 2),  # holds up on average (0.83) but one segment dissolves
        ([0.9, 0.9, 0.9], 0.9, 2),  # holds up, but no valley: noise cut into stable pieces
    ],
)
def test_larger_k_needs_every_segment_to_hold_up_and_a_valley(
    monkeypatch: pytest.MonkeyPatch, agree3: list[float], valley3: float, want: int
) -> None:
    """k = 2 has the better silhouette; k = 3 replaces it only on both conditions.
    Scores are faked here to pin the rule itself."""
    silhouettes, agree = {2: 0.6, 3: 0.5}, {2: [1.0, 1.0], 3: agree3}
    valleys = {2: 0.0, 3: valley3}

    def fake_silhouette(x, known, labels, seed):  # type: ignore[no-untyped-def]
        return silhouettes[len(set(labels.tolist()))]

    def fake_agreement(x, known, labels, seed, resamples, n_init):  # type: ignore[no-untyped-def]
        return np.array(agree[int(labels.max()) + 1])

    def fake_valley(x, known, labels, centres):  # type: ignore[no-untyped-def]
        return valleys[len(centres)]

    monkeypatch.setattr(segment, "silhouette", fake_silhouette)
    monkeypatch.setattr(segment, "agreement", fake_agreement)
    monkeypatch.setattr(segment, "valley", fake_valley)
    x = np.random.default_rng(0).standard_normal((60, 3))
    k, _, _, scores = segment.choose_k(x, np.ones_like(x, dtype=bool), range(2, 4), seed=0)
    assert k == want
    assert scores["3 weakest"] == min(agree3) and scores["3 valley"] == valley3


def test_valley_between_groups_and_within_one() -> None:
    """Two groups with empty space between them: valley near 0. One flat spread cut in the
    middle: about 1. One hump cut in the middle: above 1 (the boundary is its top)."""
    rng = np.random.default_rng(0)
    known = np.ones((400, 1), dtype=bool)
    halves = np.repeat([0, 1], 200)

    def valley_of(x: np.ndarray) -> float:
        centres = np.array([[x[halves == 0].mean()], [x[halves == 1].mean()]])
        return segment.valley(x, known, halves, centres)

    groups = np.concatenate([rng.normal(-4, 1, 200), rng.normal(4, 1, 200)])[:, None]
    flat = np.sort(rng.uniform(-1, 1, 400))[:, None]
    hump = np.sort(rng.normal(0, 1, 400))[:, None]
    assert valley_of(groups) < 0.1
    assert 0.7 < valley_of(flat) < 1.3
    assert valley_of(hump) > 1.1  # a Gaussian: 1.26 in theory (phi(0) / phi(0.674))


def test_stats_prevalence_and_lift() -> None:
    """Theme prevalence and lift are computed against the rest of the people."""
    rs = people()
    sts = statements_for(rs)
    fm = build_features(rs, sts)
    model = segment_respondents(fm, Config(personas=2, min_segment_size=5))
    themes = [
        Theme(
            theme_id="pain-01",
            kind="pain",
            label="Shipping costs",
            keywords=["shipping"],
            size=20,
            representative_ids=[],
        ),
        Theme(
            theme_id="motivation-01",
            kind="motivation",
            label="Warm fabric",
            keywords=["warm"],
            size=20,
            representative_ids=[],
        ),
    ]
    stats = segment_stats(rs, sts, themes, model, {"s.csv": "survey"})
    young = next(
        s
        for s, seg in zip(stats, model.segments, strict=True)
        if seg.respondent_keys[0].startswith("email:y")
    )
    pain = next(t for t in young.themes if t.theme_id == "pain-01")
    assert pain.prevalence == 1.0 and pain.prevalence_rest == 0.0 and pain.lift is None
    assert pain.distinctive and pain.p_adjusted is not None and pain.p_adjusted < 0.05
    assert pain.diff_low is not None and 0.7 < pain.diff_low < 1.0 and pain.diff_high == 1.0
    other = next(t for t in young.themes if t.theme_id == "motivation-01")
    assert not other.distinctive and other.diff_high is not None and other.diff_high < 0
    assert young.age.median is not None and young.age.median < 30
    assert young.categories["device"][0].value == "Mobile"
    assert young.nps_score == -100.0


def test_anonymous_statements_attributed_by_similarity() -> None:
    """A statement with no respondent goes to the segment whose voice it resembles."""
    rs = people(6)
    sts = statements_for(rs)
    anon = Statement(
        statement_id="s-anon",
        record_id="c#1",
        source="social.json",
        source_kind="social",
        locator="c1",
        respondent_key=None,
        field="message",
        text="postage is a rip off",
        kind="pain",
        theme_id="pain-01",
    )
    vectors = np.array(
        [[1.0, 0.0] if s.kind == "pain" else [0.0, 1.0] for s in sts] + [[0.9, 0.1]],
        dtype=np.float32,
    )
    emb = Embeddings(
        ids=tuple(s.statement_id for s in [*sts, anon]), vectors=vectors, model="fake", cached=0
    )
    fm = build_features(rs, sts)
    model = attribute_anonymous(
        segment_respondents(fm, Config(personas=2, min_segment_size=3)), [*sts, anon], emb
    )
    seg, sim = model.anonymous["s-anon"]
    young_seg = next(
        s.segment_id for s in model.segments if s.respondent_keys[0].startswith("email:y")
    )
    assert seg == young_seg and sim > 0.85


def test_newcombe_interval_matches_the_published_example() -> None:
    """Newcombe (1998) Table II, method 10: 56/70 - 48/80 has interval 0.0524 to 0.3339."""
    low, high = newcombe(56, 70, 48, 80)
    assert round(low, 4) == 0.0524 and round(high, 4) == 0.3339


@given(
    st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
@settings(max_examples=80, deadline=None)
def test_newcombe_interval_holds_the_difference(a: tuple[int, int], b: tuple[int, int]) -> None:
    """The interval lies in [-1, 1] and contains the observed difference."""
    low, high = newcombe(a[0], a[1], b[0], b[1])
    diff = a[0] / a[1] - b[0] / b[1]
    assert -1.0 <= low <= diff + 1e-12 and diff - 1e-12 <= high <= 1.0


def test_fisher_and_benjamini_hochberg_by_hand() -> None:
    """Fisher's tea-tasting table gives p = 0.486; BH scales the i-th smallest p by m / i
    and keeps the adjusted values monotone."""
    assert round(fisher_p(3, 4, 1, 4), 3) == 0.486
    got = benjamini_hochberg([0.01, 0.04, 0.03, 0.005])
    assert np.allclose(got, [0.02, 0.04, 0.04, 0.02])


def test_multi_select_with_many_combinations_is_still_shown() -> None:
    """40 people ticking 40 different combinations of 8 interests is a category of 8
    options, not a free-text column of 40 values."""
    import itertools

    from personas.segment.stats import _categories

    options = ["Hiking", "Camping", "Running", "Cycling", "Yoga", "Fishing", "Skiing", "Golf"]
    combos = [", ".join(c) for c in itertools.combinations(options, 3)][:40]
    people = [
        Respondent(
            key=f"id:{i}",
            identified=True,
            sources=["s"],
            record_ids=[f"r{i}"],
            attributes={"Interests": combo},
        )
        for i, combo in enumerate(combos)
    ]
    categories, known = _categories(people)
    assert known["Interests"] == 40
    assert {s.value for s in categories["Interests"]} <= set(options)
    assert sum(s.count for s in categories["Interests"]) == 3 * 40
