"""Tests for checker.redact: the one seam every provider message, batch line and answer passes."""
from __future__ import annotations

from checker.redact import REDACTED, redact


def test_a_given_secret_is_replaced_wherever_it_appears():
    assert redact("key abc123-xyz and again abc123-xyz", "abc123-xyz") == \
        f"key {REDACTED} and again {REDACTED}"


def test_key_shaped_text_is_replaced_even_when_not_given():
    text = ("Incorrect API key provided: sk-proj-AbCdEf0123456789_xyz. "
            "Authorization: Bearer tok.en-0123456789abcdef")
    assert redact(text) == f"Incorrect API key provided: {REDACTED}. Authorization: Bearer {REDACTED}"


def test_ordinary_text_and_missing_secrets_leave_the_text_alone():
    text = "ask-me later; Bearer short; an sk-short word"
    assert redact(text, None, "") == text
