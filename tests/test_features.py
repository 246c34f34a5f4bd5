"""Unit tests for respondent features: ordered answers, pooled levels, voice by kind,
behaviour numbers and their scale, and the encoder as the bundle stores it."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from personas.ingest.orders import PRODUCTS
from personas.models import Respondent
from personas.segment import features as features_module
from personas.segment.features import (
    FeatureEncoder,
    Profile,
    fit_encoder,
    ordinal_levels,
    parse_band,
    profiles_of,
)

INCOME = ["Under £20k", "£20k–£35k", "£35k–£50k", "£50k–£75k", "£75k+", "Prefer not to say"]


def column(encoder: FeatureEncoder, profiles: list[Profile], name: str) -> tuple[np.ndarray, ...]:
    """Values and known mask of one named column."""
    fm = encoder.transform(profiles)
    j = fm.names.index(name)
    return fm.matrix[:, j], fm.known[:, j]


def test_bands_parse_to_ranges() -> None:
    """Money, age and open-ended bands read as ranges; words and plain text do not."""
    assert parse_band("£20k–£35k") == parse_band("£20,000 - £35,000")
    band = parse_band("£20k–£35k")
    assert band is not None and (band.low, band.high, band.money) == (20000, 35000, True)
    under, over = parse_band("Under 18"), parse_band("65+")
    assert under is not None and (under.low, under.high) == (None, 18)
    assert over is not None and (over.low, over.high) == (65, None)
    assert parse_band("25 to 34 years") is not None
    assert parse_band("Prefer not to say") is None and parse_band("London") is None


def test_income_bands_become_one_ordered_number() -> None:
    """Income bands are one number in band order; "Prefer not to say" is unknown, not a level."""
    profiles = [
        Profile(key=f"p{i}", attributes={"income": INCOME[i % len(INCOME)]}) for i in range(60)
    ]
    encoder = fit_encoder(profiles)
    assert "income" in encoder.names
    assert not any(n.startswith("income=") for n in encoder.names)
    values, known = column(encoder, profiles, "income")
    by_band = {INCOME[i % len(INCOME)]: (values[i], known[i]) for i in range(len(INCOME))}
    ordered = [by_band[b][0] for b in INCOME[:-1]]
    assert ordered == sorted(ordered) and len(set(ordered)) == 5
    assert not by_band["Prefer not to say"][1]


def test_age_bands_join_the_age_column() -> None:
    """An age-band question fills ``age`` for people who gave no age, at the band's middle."""
    bands = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
    profiles = [Profile(key=f"b{i}", attributes={"Age band": bands[i % 6]}) for i in range(30)]
    profiles += [Profile(key=f"n{i}", numbers={"age": 20.0 + 2 * i}) for i in range(20)]
    encoder = fit_encoder(profiles)
    assert "age" in encoder.names and not any(n.startswith("Age band") for n in encoder.names)
    age = next(c for c in encoder.numeric if c.name == "age")
    assert age.levels["25-34"] == pytest.approx(29.5) and age.levels["65+"] > 64
    _, known = column(encoder, profiles, "age")
    assert known.all()


def test_worded_scales_and_small_number_scales_are_ordered() -> None:
    """Agreement words and 1-5 answers are ordered; postcodes and names are not."""
    worded = ordinal_levels(["Agree", "Strongly agree", "Disagree", "Agree", "Neutral"] * 3)
    assert worded is not None
    levels, money = worded
    assert levels["Disagree"] < levels["Neutral"] < levels["Agree"] < levels["Strongly agree"]
    assert not money
    assert ordinal_levels(["1", "2", "3", "4", "5", "3"]) is not None
    assert ordinal_levels(["10115", "20095", "80331", "50667"] * 3) is None
    assert ordinal_levels(["London", "Leeds", "York"] * 3) is None


def test_rare_levels_pool_into_other() -> None:
    """Levels too rare to learn from become "other"; a level never seen in the build does too."""
    regions = ["London"] * 20 + ["Leeds"] * 20 + ["Truro", "Bangor", "Oban"]
    profiles = [Profile(key=f"p{i}", attributes={"region": r}) for i, r in enumerate(regions)]
    encoder = fit_encoder(profiles)
    assert [n for n in encoder.names if n.startswith("region=")] == [
        "region=Leeds",
        "region=London",
        "region=other",
    ]
    newcomer = Profile(key="new", attributes={"region": "Skye"})
    values, known = column(encoder, [*profiles, newcomer], "region=other")
    assert known[-1] and values[-1] == values[-2] > values[0]


def test_an_existing_other_level_takes_the_rare_ones() -> None:
    """When "Other" is itself a common answer, rare answers join it instead of a second level."""
    answers = ["Man"] * 20 + ["Woman"] * 20 + ["Other"] * 5 + ["Agender"]
    profiles = [Profile(key=f"p{i}", attributes={"gender": a}) for i, a in enumerate(answers)]
    names = fit_encoder(profiles).names
    assert "gender=Other" in names and "gender=other" not in names


def test_voice_is_shared_out_within_each_kind() -> None:
    """Pains share among pain themes, motivations among motivation themes; a kind someone
    never spoke to is unknown for them."""
    both = Profile(key="a", themes=Counter({"pain-01": 1, "motivation-01": 3}))
    praise = Profile(key="b", themes=Counter({"motivation-02": 2}))
    pains = Profile(key="c", themes=Counter({"pain-02": 2, "pain-01": 2}))
    profiles = [both, praise, pains]
    encoder = fit_encoder(profiles)
    assert encoder.theme_kinds == ["motivation", "motivation", "pain", "pain"]
    shares, spoke = encoder.raw(profiles)["voice"]
    shares = shares + np.array(encoder.voice_means)  # undo the centring
    assert shares[0].tolist() == [1.0, 0.0, 1.0, 0.0]  # one pain of one, not a quarter
    assert spoke[1].tolist() == [True, True, False, False]
    assert shares[2, 2:].tolist() == [0.5, 0.5]


def test_features_are_the_same_made_in_blocks_of_people(monkeypatch: pytest.MonkeyPatch) -> None:
    """The encoder and the matrix of many people, made a few rows at a time, equal the
    ones made in one go, value for value (every step is row by row, or a mean over rows
    of the same values)."""
    rng = np.random.default_rng(5)
    themes = ["pain-01", "pain-02", "motivation-01", "motivation-02", "goal-01"]
    profiles = [
        Profile(
            key=f"p{i}",
            numbers={"age": float(rng.integers(18, 80))} if i % 3 else {},
            attributes={"plan": str(rng.choice(["free", "pro", "team"]))} if i % 4 else {},
            themes=Counter({t: int(rng.integers(1, 4)) for t in themes if rng.random() > 0.5}),
        )
        for i in range(60)
    ]
    encoder = fit_encoder(profiles)
    whole = encoder.transform(profiles)
    monkeypatch.setattr(features_module, "ROWS", 7)
    blocked_encoder = fit_encoder(profiles)
    assert blocked_encoder == encoder
    blocked = blocked_encoder.transform(profiles)
    assert np.array_equal(blocked.matrix, whole.matrix)
    assert np.array_equal(blocked.known, whole.known)
    assert blocked.names == whole.names and blocked.blocks == whole.blocks


def test_the_matrix_is_its_raw_blocks_scaled() -> None:
    """``transform`` writes the category and voice blocks in the matrix's own columns:
    the values are ``raw``'s blocks divided by their scales, a multi-select answer sets
    each level it names and a person without the attribute is unknown."""
    tools = ["R, Python", "Python", "SQL, R", "R"]
    profiles = [
        Profile(
            key=f"p{i}",
            attributes={
                **({"plan": ["free", "pro"][i % 2]} if i % 5 else {}),
                **({PRODUCTS: tools[i % 4]} if i % 7 else {}),
            },
            themes=Counter({f"pain-0{i % 3 + 1}": 1 + i % 2}),
        )
        for i in range(30)
    ]
    encoder = fit_encoder(profiles)
    fm = encoder.transform(profiles)
    raw = encoder.raw(profiles)
    start = 0
    for name, width in fm.blocks.items():
        block, known = raw[name]
        cols = slice(start, start + width)
        start += width
        assert np.array_equal(fm.matrix[:, cols], block / encoder.scales[name])
        assert np.array_equal(fm.known[:, cols], known)
    assert {"plan=free", f"{PRODUCTS}=R", f"{PRODUCTS}=Python"} <= set(fm.names)
    r = fm.names.index(f"{PRODUCTS}=R")
    assert fm.known[:8, r].tolist() == [False, True, True, True, True, True, True, False]
    assert fm.matrix[2, r] > 0 > fm.matrix[1, r]  # p2 named R among others, p1 did not


def test_profiles_share_equal_parts_up_to_a_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """People with equal attributes (or numbers, or theme counts) share one object of
    them, the first ``SHARED`` distinct ones; the encoding is the same as unshared."""
    people = [
        Respondent(key=f"k{i}", identified=True, sources=["s.csv"], record_ids=[f"r{i}"],
                   attributes={"plan": ["free", "pro", "team"][i % 3]}, rating=float(i % 2 + 4))
        for i in range(12)
    ]  # fmt: skip
    profiles = profiles_of(people, [])
    assert profiles[0].attributes is profiles[3].attributes
    assert profiles[0].attributes == {"plan": "free"} and profiles[1].attributes == {"plan": "pro"}
    assert profiles[0].numbers is profiles[2].numbers and profiles[0].numbers != profiles[1].numbers
    assert profiles[0].themes is profiles[5].themes == Counter()
    monkeypatch.setattr(features_module, "SHARED", 2)
    capped = profiles_of(people, [])
    assert capped[1].attributes is not capped[4].attributes  # no room left to share them
    assert [p.attributes for p in capped] == [p.attributes for p in profiles]
    whole = fit_encoder(profiles).transform(profiles)
    again = fit_encoder(capped).transform(capped)
    assert np.array_equal(whole.matrix, again.matrix)


def test_order_count_is_not_a_second_spend_column() -> None:
    """Behaviour is recency, orders per year, order value and total spend; no order count."""
    profiles = [
        Profile(
            key=f"p{i}",
            numbers={
                "orders": float(1 + i),
                "total_spend": 40.0 * (1 + i),
                "avg_order_value": 40.0 + i,
                "orders_per_year": 1.0 + i / 3,
                "recency_days": float(10 * i),
            },
        )
        for i in range(20)
    ]
    names = fit_encoder(profiles).names
    assert names == ["total_spend", "avg_order_value", "orders_per_year", "recency_days"]


def test_a_column_that_separates_groups_is_not_shrunk_by_it() -> None:
    """Two price levels stay further apart, against a noisy column, than z-scores would leave
    them: the column is divided by its 1st-99th percentile range, not its standard deviation."""
    rng = np.random.default_rng(0)
    profiles = [
        Profile(
            key=f"p{i}",
            numbers={
                "avg_order_value": (40.0 if i % 2 else 250.0) * float(rng.uniform(0.95, 1.05)),
                "recency_days": float(rng.normal(120, 40)),
            },
        )
        for i in range(400)
    ]
    fm = fit_encoder(profiles).transform(profiles)
    aov, recency = fm.matrix[:, 0], fm.matrix[:, 1]
    gap = abs(aov[::2].mean() - aov[1::2].mean())
    assert gap / recency.std() > 3.0  # z-scores give about 2


def test_encoder_round_trips_and_reads_older_bundles() -> None:
    """The encoder survives JSON (as the model bundle stores it); one saved before
    ``spread`` and ``theme_kinds`` existed still encodes."""
    profiles = [
        Profile(
            key=f"p{i}",
            numbers={"age": 20.0 + i, "total_spend": 50.0 * (i + 1)},
            attributes={"income": INCOME[i % 5], "device": ("Mobile", "Desktop")[i % 2]},
            themes=Counter({f"pain-0{1 + i % 2}": 1, "goal-01": 1}),
        )
        for i in range(30)
    ]
    encoder = fit_encoder(profiles)
    again = FeatureEncoder.model_validate_json(encoder.model_dump_json())
    assert np.array_equal(again.transform(profiles).matrix, encoder.transform(profiles).matrix)
    old = encoder.model_dump()
    old.pop("theme_kinds")
    for col in old["numeric"]:
        col.pop("spread")
    fm = FeatureEncoder.model_validate(old).transform(profiles)
    assert fm.matrix.shape == (30, len(encoder.names)) and np.isfinite(fm.matrix).all()
