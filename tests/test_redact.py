"""Unit tests for pattern and name redaction."""

from __future__ import annotations

import pytest

from personas.redact import luhn_ok, name_parts, redact_names, redact_patterns


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("mail me at Jo.Bloggs+shop@example.co.uk please", "Jo.Bloggs+shop@example.co.uk"),
        ("call 07700 900123 after six", "07700 900123"),
        ("ring +44 7700 900456", "+44 7700 900456"),
        ("my US cell is (201) 555-0123", "(201) 555-0123"),
        ("Handy: +49 30 12345678", "+49 30 12345678"),
        ("tel 01 42 68 53 00 in Paris", "01 42 68 53 00"),
        ("card 4111 1111 1111 1111 was charged twice", "4111 1111 1111 1111"),
        (
            "see https://shop.example.com/track?token=abc123",
            "https://shop.example.com/track?token=abc123",
        ),
        ("about order #RL-10423 again", "#RL-10423"),
        ("follow me @trail_mum_88", "@trail_mum_88"),
    ],
)
def test_patterns_remove_personal_values(text: str, secret: str) -> None:
    """Each kind of personal value is replaced and no longer appears."""
    out = redact_patterns(text)
    assert secret not in out
    assert "[" in out


def test_ordinary_numbers_survive() -> None:
    """Sizes, prices and years are not mistaken for phones or cards."""
    text = "I'm a size 12, paid 54.90 in 2026 for 2 jackets"
    assert redact_patterns(text) == text


def test_luhn() -> None:
    """The Luhn check accepts a valid test card and rejects a changed digit."""
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")


def test_known_names_redacted_case_sensitively() -> None:
    """Names known from identity columns are redacted; the verb "will" is not."""
    known = name_parts(["Will Hartley", "Sarah J."])
    out = redact_names("Will said Sarah will call Hartley", [], known)
    assert out == "[NAME] said [NAME] will call [NAME]"


def test_ner_spans_redacted() -> None:
    """Character spans from NER become one [NAME] placeholder."""
    assert redact_names("thanks to John Smith!", [(10, 20)], set()) == "thanks to [NAME]!"
