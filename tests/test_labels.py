"""Unit tests for label hygiene: masks are not words, and labels a marketer would write."""

from __future__ import annotations

import numpy as np
import pytest

from personas.understand.labels import (
    MASK_RE,
    corpus_generic,
    label_problems,
    phrases,
    proper_words,
    theme_labels,
    tokens,
    unmask,
)
from personas.understand.themes import keywords_of, representatives

MASKS = [
    "[NAME]",
    "[HANDLE]",
    "[URL]",
    "[EMAIL]",
    "[PHONE]",
    "[ID]",
    "[ADDRESS]",
    "[CARD]",
    "[handle]",
    "XXXX",
    "xxxx",
    "XX/XX/XXXX",
    "XX/XX/2019",
    "***",
    "****1234",
    "XXXX1234",
    "{$12.00}",
    "<redacted>",
    "[redacted]",
    "[CUSTOMER NAME]",
    "#NAME?",
]

# Complaint narratives as a regulator publishes them: private details masked as XXXX.
COMPLAINTS = {
    "pain-01": [
        f"I paid {{$120.00}} on XX/XX/2019 but XXXX says my {what} is late"
        for what in ("payment", "loan payment", "car payment", "payment", "mortgage payment")
    ]
    + [
        f"XXXX XXXX charged a late fee on my {what} after I paid on XX/XX/XXXX"
        for what in ("loan", "payment", "mortgage", "car loan", "payment")
    ]
    + [
        "The late fee was added to my account by XXXX even though I paid",
        "late fees keep showing up on my XXXX statement",
        "They charged late fees twice, call XXXX at ****1234",
        "Unfair late fees on a payment I made to xxxx on time",
        "I was charged a late fee by XXXX for a payment that was on time",
        "late fee again from XXXX",
        "XXXX added a late fee to account ****5678",
        "a late fee on XX/XX/2020 when I paid in full",
        "my XXXX payment was posted late and they charged a late fee",
        "they refuse to remove the late fee, XXXX XXXX would not listen",
    ],
    "pain-02": [
        f"XXXX reported {what} on my credit report that is not mine"
        for what in ("an account", "a collection", "an xxxx account", "a loan", "a debt")
    ]
    + [
        f"there are errors on my credit report from XXXX about {what}"
        for what in ("a closed account", "a paid loan", "XXXX", "my address", "xxxx")
    ]
    + [
        "errors on my credit report, disputed with XXXX on XX/XX/2019",
        "the credit report still shows XXXX account after my dispute",
        "credit report errors are hurting my score, XXXX will not fix them",
        "XXXX XXXX keeps a wrong balance on my credit report",
        "I found errors on my credit report and XXXX ignored my letter",
        "wrong late payment on my credit report from XXXX",
        "my credit report lists a XXXX account I never opened",
        "errors on my credit report <redacted>",
        "credit report dispute with XXXX went nowhere",
        "they put a collection on my credit report, call [NAME]",
    ],
}


def masked_words(words: list[str]) -> list[str]:
    return [w for w in words if has_mask_word(w)]


def has_mask_word(text: str) -> bool:
    """True when a label or keyword holds a mask or what is left of one ("xxxx")."""
    return bool(MASK_RE.search(text)) or any(
        set(w) <= {"x"} and len(w) >= 2 for w in text.lower().split()
    )


@pytest.mark.parametrize("mask", MASKS)
def test_masks_are_not_words(mask: str) -> None:
    """Every placeholder and foreign mask is dropped before words are counted."""
    text = f"my refund from {mask} is late"
    assert MASK_RE.search(text)
    assert tokens(text) == ["my", "refund", "from", "is", "late"]


@pytest.mark.parametrize(
    "text", ["Xbox 360 controller", "XL sizes", "f*** this", "Extra large", "the X-ray", "xoxo"]
)
def test_ordinary_words_are_not_masks(text: str) -> None:
    """Words that merely contain x or stars stay as written."""
    assert unmask(text) == text


def test_no_phrase_spans_a_mask() -> None:
    """ "loan from XXXX bank" gives "loan" and "bank" but no phrase across the mask."""
    got = phrases("Loan from XXXX bank charges")
    assert "bank charges" in got and "loan" in got
    assert not any("xxxx" in p or "loan bank" in p for p in got)


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("Xxxx payment", "mask or placeholder"),
        ("Loan from xxxx xxxx", "mask or placeholder"),
        ("Handle url", "mask or placeholder"),
        ("Handle cant help", "mask or placeholder"),
        ("Shit", "profanity"),
        ("Names", "lone generic word"),
        ("Flight", "lone generic word"),
        ("Information", "lone generic word"),
        ("Thank", "lone generic word"),
        ("Able to get", "lone generic word"),
        ("Thanks for the response", "lone generic word"),
        ("Tue dec", "lone generic word"),
        ("Theme 2", "lone generic word"),
        ("Nyc", "place or brand alone"),
    ],
)
def test_label_problems_say_why_a_label_is_bad(label: str, reason: str) -> None:
    """Each reported kind of bad label is caught, with its reason."""
    assert reason in label_problems(label)


@pytest.mark.parametrize(
    "label",
    [
        "Cancelled flights",
        "Lost luggage",
        "Long hold times",
        "Thin fabric",
        "Slow refunds",
        "Quality for the price",
    ],
)
def test_label_problems_pass_a_marketers_label(label: str) -> None:
    """Short noun phrases naming a problem or reason have no problem."""
    assert label_problems(label) == []


def test_a_brand_is_a_problem_only_alone() -> None:
    """A word the caller knows as a name is bad alone, fine inside a phrase."""
    assert label_problems("Verizon", {"verizon"}) == ["place or brand alone"]
    assert label_problems("Verizon billing errors", {"verizon"}) == []


def test_proper_words_are_learnt_from_how_people_write_them() -> None:
    """Capitalised mid-sentence, "iPhone", "#SXSW" and "$AAPL" are names; a word only
    capitalised at a sentence start or in a title-case line is not."""
    docs = [
        "I flew into NYC and my iPhone died",
        "the iPhone in NYC again",
        "see you at #SXSW",
        "#sxsw was fun",
        "sell $AAPL now",
        "bought $aapl",
        "Delivery was slow. Delivery is always slow",
        "Slow Delivery And Bad Service",
        "slow delivery again",
    ]
    got = proper_words(docs)
    assert {"nyc", "iphone", "sxsw", "aapl"} <= got
    assert "delivery" not in got and "slow" not in got


def test_a_word_every_theme_says_is_generic_there() -> None:
    """ "flight" in every theme of airline complaints says nothing in that corpus."""
    docs = {
        "a": ["my flight was cancelled", "flight cancelled again", "cancelled flight"],
        "b": ["lost my bag on the flight", "bag lost", "lost luggage after my flight"],
        "c": ["rude crew on the flight", "the crew was rude", "flight crew rude"],
    }
    assert "flight" in corpus_generic(docs)
    assert "bag" not in corpus_generic(docs)


def test_masks_never_reach_labels_without_the_tagger() -> None:
    """On masked complaint narratives, labels name the problem, never the mask."""
    labels = theme_labels(COMPLAINTS)
    assert not masked_words(list(labels.values()))
    assert all(label_problems(lab) == [] for lab in labels.values())
    assert "late fee" in labels["pain-01"].lower()
    assert "credit report" in labels["pain-02"].lower()


def test_masks_never_reach_labels_with_the_tagger(tagger) -> None:  # type: ignore[no-untyped-def]
    """The same with spaCy's noun phrases: "Late fee", "Errors on my credit report"."""
    labels = theme_labels(COMPLAINTS, tagger=tagger)
    assert not masked_words(list(labels.values()))
    assert all(label_problems(lab) == [] for lab in labels.values())
    assert "late fee" in labels["pain-01"].lower()
    assert "credit report" in labels["pain-02"].lower()


def test_masks_never_reach_keywords() -> None:
    """c-TF-IDF keywords skip masks and our placeholders, though "XXXX" is the most
    common token of every theme."""
    docs = COMPLAINTS["pain-01"] + COMPLAINTS["pain-02"]
    labels = np.array([0] * 20 + [1] * 20)
    got = keywords_of(docs, labels)
    words = [w for ws in got.values() for w in ws]
    assert words and not masked_words(words)
    assert not {"name", "redacted"} & {x for w in words for x in w.split()}
    assert any("late" in w for w in got[0]) and any("credit" in w for w in got[1])


def test_labels_skip_profanity_places_and_lone_generic_words() -> None:
    """The best-said word of each theme is unusable; its label is the next acceptable
    phrase: no "Shit", "Nyc" or "Flight"."""
    docs = {
        "pain-01": ["shit service", "shit", "shit seats again", "cramped seats", "seats cramped"],
        "pain-02": [
            "stuck in NYC overnight",
            "stranded in NYC",
            "the NYC layover",
            "missed connection in NYC",
            "missed connection",
        ],
        "pain-03": [
            "flight cancelled",
            "my flight was cancelled",
            "cancelled flight",
            "flight",
            "flight",
        ],
    }
    labels = theme_labels(docs)
    assert labels["pain-01"] == "Cramped seats"
    assert labels["pain-02"] == "Missed connection"
    assert labels["pain-03"] == "Flight cancelled" or "cancel" in labels["pain-03"].lower()
    assert all(label_problems(lab) == [] for lab in labels.values())


def test_keywords_are_the_last_resort_before_theme_n() -> None:
    """A theme whose every phrase is generic takes its acceptable keywords."""
    docs = {"motivation-01": ["thanks", "thank you", "thanks!", "thanks a lot"]}
    labels = theme_labels(docs, keywords_by_theme={"motivation-01": ["thanks", "quick reply"]})
    assert labels["motivation-01"] == "Quick reply"


def test_placeholders_never_reach_keywords() -> None:
    """Our own placeholders are no keyword, though every tweet of a theme has one."""
    docs = [f"[HANDLE] {w} battery died [URL]" for w in ("my", "the", "new", "old", "a")] + [
        f"[NAME] loves the {w} camera [EMAIL]" for w in ("new", "big", "sharp", "front", "rear")
    ]
    labels = np.array([0] * 5 + [1] * 5)
    words = {x for ws in keywords_of(docs, labels).values() for w in ws for x in w.split()}
    assert {"battery", "camera"} <= words
    assert not {"handle", "url", "name", "email"} & words


def test_a_masked_quote_ranks_after_clean_ones() -> None:
    """A statement with a foreign mask is central but comes after every clean one."""
    texts = [
        "XXXX charged me a late fee on my payment",
        "they charged me a late fee on my payment",
        "another late fee on a payment made on time",
    ]
    vectors = np.vstack([np.eye(4)[0], np.eye(4)[0] * 0.9 + np.eye(4)[1] * 0.1, np.eye(4)[1]])
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    chosen = representatives(np.arange(3), vectors, ["s-0", "s-1", "s-2"], texts, n=3)
    assert chosen[-1] == "s-0"


def test_keyword_pair_never_repeats_a_word() -> None:
    """The keyword fallback pairs two different ideas, not a word and a phrase holding it."""
    from personas.understand.labels import _from_keywords

    label = _from_keywords(["weekly", "weekly peaks", "summits"], set(), lambda _: True)
    assert label == "weekly & summits"


def test_labels_of_spanish_statements_leave_out_spanish_function_words() -> None:
    """In Spanish statements "que" and "los" are function words: no "Que los" label."""
    from personas.understand.labels import language_stop_words

    docs = {
        "p-1": [
            "Que los mensajes de error son difíciles de entender",
            "Los mensajes de error no ayudan",
            "que los mensajes de error son crípticos",
        ]
        * 6,
        "p-2": [
            "La curva de aprendizaje es muy empinada al principio",
            "Que la curva de aprendizaje es difícil",
            "los primeros meses la curva de aprendizaje",
        ]
        * 6,
    }
    labels = theme_labels(docs)
    assert labels == {"p-1": "Mensajes de error", "p-2": "Curva de aprendizaje"}
    assert "que" in language_stop_words(docs["p-1"])
    assert not language_stop_words(["the error messages are hard to read"] * 20)


@pytest.mark.parametrize("label", ["Worst", "Amazing", "Disappointed", "Minutes", "Food"])
def test_a_lone_feeling_or_topic_is_no_label(label: str) -> None:
    """One word that only says how someone feels, a time unit or a bare topic names no
    reason; with what it is about it does ("Worst food", "Slow service")."""
    assert "lone generic word" in label_problems(label)
    assert label_problems(f"{label} and slow refunds") == []


def test_curly_placeholders_are_masks() -> None:
    """Exports that write {link} or {mention} for a removed link or handle leave masks."""
    assert "mask or placeholder" in label_problems("Sxsw news {link}")
    assert unmask("great session {link} today").split() == ["great", "session", "today"]
