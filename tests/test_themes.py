"""Unit tests for theme discovery and readable labels."""

from __future__ import annotations

import numpy as np
import pytest

from personas.config import SeedTheme
from personas.models import Statement
from personas.understand import clusters
from personas.understand import themes as themes_module
from personas.understand.clusters import choose_k, cluster_statements
from personas.understand.embed import Embeddings
from personas.understand.labels import phrases, tagged_phrases, theme_labels, tidy
from personas.understand.themes import fit_themes, representatives

DIM = 8


def fake_encode(texts):  # type: ignore[no-untyped-def]
    """Unit vectors from the first letter: 's...' on axis 0, 'z...' on axis 1, else axis 7."""
    axis = {"s": 0, "z": 1}
    return np.vstack([np.eye(DIM)[axis.get(t[:1], 7)] for t in texts]).astype(np.float32)


def planted(groups: list[tuple[str, int, int]], seed: int = 0):  # type: ignore[no-untyped-def]
    """Pain statements around given axes: (text stem, axis, how many)."""
    rng = np.random.default_rng(seed)
    texts, rows = [], []
    for stem, axis, n in groups:
        for i in range(n):
            texts.append(f"{stem} {i}")
            v = np.eye(DIM)[axis] + 0.05 * rng.standard_normal(DIM)
            rows.append(v / np.linalg.norm(v))
    statements = [
        Statement(
            statement_id=f"s-{i:03d}",
            record_id=f"r#{i}",
            source="a.csv",
            source_kind="survey",
            locator=f"row {i + 2}",
            respondent_key=None,
            field="q",
            text=t,
            kind="pain",
        )
        for i, t in enumerate(texts)
    ]
    vectors = np.vstack(rows).astype(np.float32)
    emb = Embeddings(
        ids=tuple(s.statement_id for s in statements), vectors=vectors, model="x", cached=0
    )
    return statements, emb


def test_phrases_start_and_end_on_content_words() -> None:
    """Candidate phrases never start or end with a stop word."""
    got = phrases("Worth every penny, and the delivery charges are fair")
    assert "worth every penny" in got and "delivery charges" in got
    assert not any(
        p.split()[0] in {"and", "the", "are"} or p.split()[-1] in {"and", "the"} for p in got
    )


def test_labels_are_what_people_wrote_and_unique() -> None:
    """A theme's label is its most characteristic phrase; two themes never share one."""
    docs = {
        "pain-01": [
            "delivery charges are too high",
            "the delivery charges on small orders",
            "delivery charges again",
        ],
        "pain-02": ["the app crashed at checkout", "app crashed twice", "checkout app crashed"],
        "pain-03": ["delivery was late", "late delivery twice", "delivery arrived late"],
    }
    labels = theme_labels(docs)
    assert labels["pain-01"] == "Delivery charges"
    assert labels["pain-02"] == "App crashed"
    assert len(set(labels.values())) == 3


def test_tidy_capitalises_i() -> None:
    """Labels are in sentence case with a capital I."""
    assert tidy("heavier than i expected") == "Heavier than I expected"


def test_choose_k_scales_with_size() -> None:
    """Few statements give a few themes; many give more, within bounds."""
    assert choose_k(10) == 2
    assert 5 <= choose_k(150) <= 7
    assert choose_k(100_000) == 15


def test_fit_themes_recovers_planted_groups_deterministically() -> None:
    """Two planted clusters of pain statements become two themes, the same twice."""
    statements, emb = planted(
        [("shipping cost too high", 0, 12), ("zip broke after a week", 1, 12)]
    )
    themes, themed, counts = fit_themes(statements, emb, seed=1, encode=fake_encode)
    again, _, _ = fit_themes(statements, emb, seed=1, encode=fake_encode)
    assert counts == {"statements_themed": 24, "statements_unthemed": 0}
    assert themes == again
    assert sum(t.size for t in themes) == 24
    first = {s.theme_id for s in themed[:12]}
    second = {s.theme_id for s in themed[12:]}
    assert len(first) == 1 and len(second) == 1 and first != second
    labels = {t.theme_id: t.label.lower() for t in themes}
    assert any(w in labels[themed[0].theme_id] for w in ("shipping", "cost"))
    assert any(w in labels[themed[12].theme_id] for w in ("zip", "broke", "week"))


def test_statement_far_from_every_theme_stays_unthemed() -> None:
    """A statement unlike every theme is left without one and counted, not forced in."""
    statements, emb = planted(
        [("shipping cost too high", 0, 12), ("zip broke after a week", 1, 12), ("odd one", 5, 1)]
    )
    _, themed, counts = fit_themes(statements, emb, seed=1, encode=fake_encode)
    assert themed[-1].theme_id is None
    assert counts == {"statements_themed": 24, "statements_unthemed": 1}


def test_near_duplicate_themes_merge_and_small_ones_fold() -> None:
    """Groups that are nearly the same merge; a group below the minimum size folds in."""
    rng = np.random.default_rng(3)
    a = np.eye(DIM)[0] + 0.02 * rng.standard_normal((40, DIM))
    b = np.eye(DIM)[1] + 0.02 * rng.standard_normal((40, DIM))
    tiny = (np.eye(DIM)[0] + np.eye(DIM)[2]) + 0.02 * rng.standard_normal((2, DIM))
    vectors = np.vstack([a, b, tiny])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    found = cluster_statements(vectors, seed=0)  # k = 5 for 82 statements
    assert len(found.centres) == 2
    assert len(set(found.labels[:40].tolist())) == 1 and len(set(found.labels[40:80].tolist())) == 1
    assert (found.labels >= 0).all()


def test_large_inputs_fit_on_a_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the sample size, themes are fitted on a seeded sample and every statement joins one."""
    monkeypatch.setattr(clusters, "FIT_SAMPLE", 30)
    _, emb = planted([("shipping cost", 0, 60), ("zip broke", 1, 60)])
    first = cluster_statements(emb.vectors, seed=4)
    second = cluster_statements(emb.vectors, seed=4)
    assert (first.labels == second.labels).all()
    assert len(set(first.labels[:60].tolist())) == 1 and first.labels[0] != first.labels[60]


def test_above_the_sample_everyone_joins_the_fitted_centres_through_assign() -> None:
    """``fit_sample_statements`` 30 of 120: the centres are fitted on the sample and every
    statement, sampled or not, is labelled by the ``assign`` step (the Ray engine's hook)
    with its nearest centre; the counts say the kind was fitted on a sample."""
    statements, emb = planted([("shipping cost", 0, 60), ("zip broke", 1, 60)])
    seen: list[int] = []

    def assign(vectors: np.ndarray, centres: np.ndarray) -> np.ndarray:
        seen.append(len(vectors))
        return clusters.nearest_themes(vectors, centres)

    found = cluster_statements(emb.vectors, seed=4, sample=30, assign=assign)
    assert seen == [120]
    assert (found.labels == clusters.nearest_themes(emb.vectors, found.centres)).all()
    assert len(set(found.labels[:60].tolist())) == 1 and found.labels[0] != found.labels[60]
    _, _, counts = fit_themes(statements, emb, seed=1, encode=fake_encode, sample=30)
    assert counts["pain_themes_fitted_on_statements"] == 30
    _, _, counts = fit_themes(statements, emb, seed=1, encode=fake_encode)
    assert "pain_themes_fitted_on_statements" not in counts


def test_keywords_are_counted_on_a_sample_that_keeps_every_theme(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Up to ``KEYWORD_SAMPLE`` statements of a kind, keywords count them all; above it a
    seeded sample, with at least ``KEYWORD_FLOOR`` of every theme however small, and
    the planted themes still get their own words."""
    labels = np.array([0] * 100 + [1] * 2 + [-1] * 10)
    assert (themes_module.keyword_sample(labels, seed=1) == np.arange(112)).all()
    monkeypatch.setattr(themes_module, "KEYWORD_SAMPLE", 20)
    monkeypatch.setattr(themes_module, "KEYWORD_FLOOR", 3)
    rows = themes_module.keyword_sample(labels, seed=1)
    assert (np.diff(rows) > 0).all() and 20 <= len(rows) <= 25 and rows[-1] < 112
    assert {100, 101} <= set(rows.tolist()) and (labels[rows] == 0).sum() >= 3
    assert (themes_module.keyword_sample(labels, seed=1) == rows).all()
    monkeypatch.setattr(themes_module, "KEYWORD_SAMPLE", 40)
    statements, emb = planted([("shipping cost", 0, 60), ("zip broke", 1, 60)])
    found, _, _ = fit_themes(statements, emb, seed=1, encode=fake_encode)
    words = sorted(" ".join(t.keywords) for t in found)
    assert len(words) == 2 and "zip" in words[0] and "shipping" in words[1]


def test_nearest_themes_in_blocks_is_the_one_product(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of ``ASSIGN_CHUNK`` rows (what the Ray workers get) label as one product does,
    and a statement unlike every centre stays unthemed."""
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((250, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    centres = np.eye(DIM)[:3]
    whole = clusters.nearest_themes(vectors, centres)
    monkeypatch.setattr(clusters, "ASSIGN_CHUNK", 64)
    assert (clusters.nearest_themes(vectors, centres) == whole).all()
    best = vectors @ centres.T
    assert (whole == np.where(best.max(axis=1) >= clusters.OUTLIER_SIM, best.argmax(1), -1)).all()
    assert (whole == -1).any() and (whole >= 0).any()


def test_seed_taxonomy_names_its_theme_and_new_ones_emerge() -> None:
    """A seed theme from personas.toml gathers its statements under its name; others still form."""
    statements, emb = planted(
        [("shipping cost too high", 0, 12), ("zip broke after a week", 1, 12)]
    )
    seed_theme = SeedTheme(name="shipping costs on small orders", kind="pain", examples=["ship"])
    themes, themed, _ = fit_themes(
        statements, emb, seed=1, taxonomy=[seed_theme], encode=fake_encode
    )
    by_id = {t.theme_id: t for t in themes}
    assert by_id[themed[0].theme_id].label == "Shipping costs on small orders"
    assert by_id[themed[12].theme_id].label != "Shipping costs on small orders"
    assert len(themes) == 2


def test_representatives_are_central_diverse_and_safe() -> None:
    """Representatives skip redacted and abusive statements and near-duplicates."""
    texts = [
        "the delivery charge is steep for one item",
        "the delivery charge is steep for one item",
        "call [NAME] about the delivery charge please",
        "delivery charge is a scam you idiots",
        "postage on a single pair of socks costs too much",
    ]
    vectors = np.tile(np.eye(DIM)[0], (5, 1)).astype(np.float32)
    vectors[4] = (np.eye(DIM)[0] + 0.3 * np.eye(DIM)[1]) / np.linalg.norm([1, 0.3])
    ids = [f"s-{i}" for i in range(5)]
    chosen = representatives(np.arange(5), vectors, ids, texts, n=3)
    assert chosen == ["s-0", "s-4"]


def test_tagged_phrases_read_like_a_marketer_wrote_them(tagger) -> None:  # type: ignore[no-untyped-def]
    """Noun phrases with their complement, 'easy to use'; nothing after 'no'."""
    got = tagged_phrases(
        tagger("The shipping costs on small orders are silly, no complaints though")
    )
    assert "shipping costs on small orders" in got
    assert not any("complaints" in p for p in got)
    assert "easy to use" in tagged_phrases(tagger("It is easy to use"))


def test_labels_prefer_a_phrase_to_a_lone_word(tagger) -> None:  # type: ignore[no-untyped-def]
    """A theme about refunds is labelled with the phrase people use, not just "refund"."""
    docs = {
        "pain-01": [
            "slow refunds again",
            "still waiting on my refund",
            "the refund took three weeks",
            "slow refunds are a pain",
            "refund never came",
        ],
        "pain-02": ["the app crashed", "app crashed at checkout", "app keeps crashing"],
    }
    labels = theme_labels(docs, tagger=tagger)
    assert labels["pain-01"] == "Slow refunds"


def test_a_short_saying_stands_in_for_a_lone_word(tagger) -> None:  # type: ignore[no-untyped-def]
    """A saying: "Worth every penny", said by many, labels its theme instead of "worth"; a saying
    never displaces a phrase ("variety of packages" beats "community and packages")."""
    docs = {
        "motivation-01": [
            "Worth every penny.",
            "Worth it",
            "worth every penny!",
            "Worth it.",
            "Worth every penny",
        ],
        "motivation-02": [
            "The variety of packages",
            "Community and packages",
            "a huge variety of packages for everything",
            "Community and packages",
            "variety of packages",
        ],
    }
    labels = theme_labels(docs, tagger=tagger)
    assert labels["motivation-01"] == "Worth every penny"
    assert labels["motivation-02"] == "Variety of packages"


def test_a_small_theme_where_nothing_is_said_twice_still_gets_words(tagger) -> None:  # type: ignore[no-untyped-def]
    """Six goals that share no phrase are labelled from their own words, not "Theme 1"."""
    docs = {
        "goal-01": [
            "Find a black dress for my sister's wedding next spring",
            "A coat that will last me through a Chicago winter",
            "Replace the jeans my dog chewed",
            "Look put together at my new office job",
            "Pack light for a month of travel in Asia",
            "Feel confident at my reunion",
        ]
    }
    label = theme_labels(docs, tagger=tagger)["goal-01"]
    assert not label.lower().startswith("theme")
    assert any(w in " ".join(docs["goal-01"]).lower() for w in label.lower().split())


def test_a_lone_word_reads_as_this_theme_wrote_it(tagger) -> None:  # type: ignore[no-untyped-def]
    """A theme about tight fits is not labelled "Tights" because another theme's
    statements made "tights" the noun phrase of the shared stem."""
    docs = {
        "pain-01": [
            "Way too tight across the hips",
            "tight in the arms",
            "It was tight everywhere",
            "so tight I could not zip it",
            "tight, had to return",
            "Tight on the chest",
        ],
        "pain-02": [
            "The tights laddered on day one",
            "tights ripped",
            "these tights sag at the knee",
            "tights are see-through",
            "the tights shrank",
            "tights are thin",
        ],
    }
    labels = theme_labels(docs, tagger=tagger)
    assert labels["pain-01"] != "Tights"


def test_seed_taxonomy_is_read_from_personas_toml(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """[[themes]] in personas.toml becomes seed themes; a theme without examples is an error."""
    from personas.config import load_config
    from personas.errors import ConfigError

    (tmp_path / "personas.toml").write_text(
        '[[themes]]\nname = "Slow refunds"\nkind = "pain"\nexamples = ["refund took weeks"]\n',
        encoding="utf-8",
    )
    [seed_theme] = load_config(tmp_path).themes
    assert (seed_theme.name, seed_theme.kind) == ("Slow refunds", "pain")
    (tmp_path / "personas.toml").write_text('[[themes]]\nname = "X y"\nexamples = []\n')
    with pytest.raises(ConfigError, match="themes"):
        load_config(tmp_path)


def test_in_place_sets_the_same_themes_as_copies() -> None:
    statements, emb = planted(
        [("shipping cost too high", 0, 12), ("zip broke after a week", 1, 12), ("odd one", 5, 1)]
    )
    themes, copies, counts = fit_themes(statements, emb, seed=1, encode=fake_encode)
    assert all(s.theme_id is None for s in statements)
    again, same, counts_again = fit_themes(
        statements, emb, seed=1, encode=fake_encode, in_place=True
    )
    assert (again, same, counts_again) == (themes, copies, counts)
    assert all(a is b for a, b in zip(same, statements, strict=True))


def test_bertopic_is_imported_without_umap_which_stays_importable() -> None:
    """BERTopic's plotting imports UMAP (and numba) when it can: 0.9 s of every build
    for plots this never draws. It is imported without; UMAP itself still imports after."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from personas.understand.themes import import_bertopic, keywords_of\n"
        "import numpy as np\n"
        "import_bertopic()\n"
        "print('bertopic' in sys.modules, 'umap' in sys.modules, 'numba' in sys.modules)\n"
        "docs = ['slow delivery again', 'delivery was slow', 'great fabric', 'fabric is great']\n"
        "print(keywords_of(docs, np.array([0, 0, 1, 1]))[0][:1])\n"
        "import umap\n"
        "print(umap.UMAP.__name__)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:3] == ["True False False", "['delivery slow']", "UMAP"]
