"""Unit tests for pattern and name redaction."""

from __future__ import annotations

import pytest

from personas.privacy.addresses import find_addresses
from personas.privacy.namefinder import NameFinder
from personas.privacy.pii import find_pii, iban_ok
from personas.understand.redact import (
    NameRedactor,
    collapse,
    luhn_ok,
    name_parts,
    pad,
    redact_names,
    redact_patterns,
    scrubber,
)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("mail me at Jo.Bloggs+shop@example.co.uk please", "Jo.Bloggs+shop@example.co.uk"),
        ("call 07700 900123 after six", "07700 900123"),
        ("ring +44 7700 900456", "+44 7700 900456"),
        ("office +44 (0)20 7946 0958 mornings", "+44 (0)20 7946 0958"),
        ("my US cell is (201) 555-0123", "(201) 555-0123"),
        ("or 415-555-0199 at work", "415-555-0199"),
        ("Handy: +49 30 12345678", "+49 30 12345678"),
        ("Festnetz 030 12345678 abends", "030 12345678"),
        ("mobil 0151 23456789", "0151 23456789"),
        ("tel 01 42 68 53 00 in Paris", "01 42 68 53 00"),
        ("portable +33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("card 4111 1111 1111 1111 was charged twice", "4111 1111 1111 1111"),
        ("card 5500-0000-0000-0004 again", "5500-0000-0000-0004"),
        ("refund to GB82 WEST 1234 5698 7654 32 please", "GB82 WEST 1234 5698 7654 32"),
        ("IBAN DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
        (
            "see https://shop.example.com/track?token=abc123",
            "https://shop.example.com/track?token=abc123",
        ),
        ("link: track.example.org/o?id=5&t=xyz", "track.example.org/o?id=5&t=xyz"),
        ("about order #RL-10423 again", "#RL-10423"),
        ("account no. 5523199 is mine", "5523199"),
        ("tracking number JD0146000062 shows nothing", "JD0146000062"),
        ("follow me @trail_mum_88", "@trail_mum_88"),
    ],
)
def test_patterns_remove_personal_values(text: str, secret: str) -> None:
    """Each kind of personal value is replaced and no longer appears."""
    out = redact_patterns(text)
    assert secret not in out
    assert "[" in out


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("I live at 12 High Street, Leeds LS1 4AB now", "12 High Street, Leeds LS1 4AB"),
        ("to 221B Baker Street, London NW1 6XE.", "221B Baker Street, London NW1 6XE"),
        ("Flat 3, 45 Queen's Road, Bristol BS8 1QU", "Flat 3, 45 Queen's Road, Bristol BS8 1QU"),
        ("1600 Pennsylvania Avenue NW, Washington, DC 20500", "1600 Pennsylvania Avenue NW"),
        ("at 742 Evergreen Terrace, Springfield, OR 97403", "742 Evergreen Terrace"),
        ("bitte an Hauptstraße 5, 10115 Berlin liefern", "Hauptstraße 5, 10115 Berlin"),
        ("chez 12 rue de la Paix, 75002 Paris", "12 rue de la Paix, 75002 Paris"),
        ("postcode sw1a 1aa", "sw1a 1aa"),
    ],
)
def test_addresses_are_one_placeholder(text: str, address: str) -> None:
    """Street, town and postcode become one [ADDRESS]; the words around stay."""
    out = redact_patterns(text)
    assert address not in out and "[ADDRESS]" in out
    assert out.count("[ADDRESS]") == 1


@pytest.mark.parametrize(
    "text",
    [
        "I'm a size 12, paid 54.90 in 2026 for 2 jackets",
        "I take vitamin b12 9th of may, 10,000 steps a day",
        "Took them up 3 Peaks in 2 days, 1,299 metres",
        "ordered 3 jackets on 12/03/2026 at 10:15",
    ],
)
def test_ordinary_numbers_survive(text: str) -> None:
    """Sizes, prices, dates and counts are not mistaken for phones, cards or postcodes."""
    assert redact_patterns(text) == text


def test_luhn_and_iban_checks() -> None:
    """Cards pass Luhn and IBANs mod 97 only when valid; one changed digit fails."""
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")
    assert iban_ok("GB82 WEST 1234 5698 7654 32")
    assert not iban_ok("GB82 WEST 1234 5698 7654 33")
    assert "[CARD]" not in redact_patterns("ref 4111 1111 1111 1112 x")


def test_overlapping_findings_become_one_span() -> None:
    """A phone-looking run inside an IBAN is one [ID], not two placeholders."""
    kinds = [f.kind for f in find_pii("pay FR14 2004 1010 0505 0001 3M02 606 now")]
    assert kinds == ["iban"]


def test_url_keeps_sentence_punctuation() -> None:
    """A URL at the end of a sentence does not swallow the full stop."""
    assert redact_patterns("see https://x.example.com/a?t=1.") == "see [URL]."


def test_known_names_redacted_case_sensitively() -> None:
    """Names known from identity columns are redacted; the verb "will" is not."""
    known = name_parts(["Will Hartley", "Sarah J."])
    out = redact_names("Will said Sarah will call Hartley", [], known)
    assert out == "[NAME] said [NAME] will call [NAME]"


def test_ner_spans_redacted() -> None:
    """Character spans from NER become one [NAME] placeholder."""
    assert redact_names("thanks to John Smith!", [(10, 20)], set()) == "thanks to [NAME]!"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi Siobhan, the jacket leaked on day one.", "Siobhan"),
        ("The zip broke. Thanks, Tomasz", "Tomasz"),
        ("Lovely boots. Kind regards Priya Raman", "Priya Raman"),
        ("Great service - Gareth x", "Gareth"),
        ("Bought one for my daughter Ngozi and she loves it", "Ngozi"),
        ("I spoke to Marguerite on the phone", "Marguerite"),
        ("Anselm in customer services was helpful", "Anselm"),
        ("My name is Oksana and I ride daily", "Oksana"),
        ("Mrs Okafor at the till was lovely", "Okafor"),
        ("me and Declan wore them up the hill", "Declan"),
        ("Cheers to Ayesha Khan for the help!", "Ayesha Khan"),
    ],
)
def test_cued_names_in_any_text(text: str, name: str) -> None:
    """Greetings, sign-offs and cue words reveal names in survey or review text too."""
    out = NameRedactor().redact(text)
    assert name not in out and "[NAME]" in out


def test_first_name_alone_of_a_known_name() -> None:
    """A known full name's first name is redacted on its own, in its record and elsewhere."""
    redactor = NameRedactor(names=["Rhiannon Pritchard"])
    assert redactor.redact("rhiannon here, long time rider", ["Rhiannon Pritchard"]) == (
        "[NAME] here, long time rider"
    )
    assert redactor.redact("Ask Rhiannon about frames.") == "Ask [NAME] about frames."


def test_other_peoples_lower_case_names_stay_words() -> None:
    """A sender called "oscar hunt" does not turn the word in "egg hunt" into a name."""
    redactor = NameRedactor(names=["oscar hunt"])
    assert redactor.redact("Easter egg hunt in the woods") == "Easter egg hunt in the woods"
    assert redactor.redact("Thanks to Hunt for the help") == "Thanks to [NAME] for the help"


def test_ordinary_capitalised_words_are_not_names() -> None:
    """Sentence-initial words the corpus writes in lower case, or sentiment words, are
    not names; a name in the middle of a sentence is."""
    corpus = ["specs are vague", "no specs at all", "where are the specs", "Specs missing"]
    finder = NameFinder(texts=corpus)
    assert not finder.keep_entity("Specs missing", 0, 5)
    assert not finder.keep_entity("Superb bit of kit", 0, 6)
    assert not finder.keep_entity("my old Gore-Tex jacket", 7, 11)
    assert not finder.keep_entity("it fits like an XS", 16, 18)
    assert finder.keep_entity("I told Siobhan about it", 7, 14)


def test_placeholders_are_padded_and_collapsed() -> None:
    """Glued placeholders get a space so the tokenizer keeps them whole; names merge."""
    assert pad("email:[EMAIL] ok?[ID]") == "email: [EMAIL] ok? [ID]"
    assert collapse(pad("[NAME][NAME] hi")) == "[NAME] hi"
    assert pad("call [PHONE]. ([URL])") == "call [PHONE]. ([URL])"


def test_scrubber_redacts_messages() -> None:
    """The tool's own messages lose quoted names and values (run.json reasons)."""
    scrub = scrubber(["Marguerite Llewellyn"])
    out = scrub("values are not personal names (e.g. ['Marguerite Llewellyn', 'x@example.com'])")
    assert "Marguerite" not in out and "Llewellyn" not in out and "example.com" not in out


def test_address_spans_need_an_anchor() -> None:
    """A postcode-and-town alone ("10115 Berlin") is not an address without a street."""
    assert find_addresses("about 10115 Berlin fans") == []


def test_sign_off_word_inside_a_product_name_is_not_a_cue() -> None:
    """ "GTX" ends in "x" (a kiss sign-off) but is part of a word: "Hiking Boots" is no name."""
    from personas.privacy.namefinder import STRONG_CUES

    for text in ("Bought the GTX Hiking Boots", "Really honest Trail Shoes"):
        assert not any(cue.search(text) for cue in STRONG_CUES), text
