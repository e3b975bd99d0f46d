"""Sentences are exact spans without outer whitespace: what extraction numbers for the model and what
a claim's evidence is."""
from __future__ import annotations

import pytest

from checker.sentences import SentenceIndex, numbered, sentence_spans


def sentences(text: str) -> list[str]:
    spans = list(sentence_spans(text))
    assert all(text[s:e] == text[s:e].strip() and text[s:e] for s, e in spans)
    return [text[s:e] for s, e in spans]


@pytest.mark.parametrize("text, expected", [
    ("Mr. Musk met Gen. Smith in the U.S. on Monday. He left.",
     ["Mr. Musk met Gen. Smith in the U.S. on Monday.", "He left."]),
    ('He said "stop." Then left. (It was late.) End',
     ['He said "stop."', "Then left.", "(It was late.)", "End"]),
    ("A headline\nThe first sentence.", ["A headline", "The first sentence."]),
    ("One\r\n\r\nTwo", ["One", "Two"]),
    ("A headline \nThe first sentence.", ["A headline", "The first sentence."]),
])
def test_sentences_end_at_punctuation_or_a_line_break_but_not_after_an_abbreviation(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u3000"])
def test_a_line_ending_in_any_kind_of_space_leaves_no_whitespace_in_the_sentence(space):
    text = f"A headline{space}\nThe first sentence."
    assert [text[s:e] for s, e in sentence_spans(text)] == ["A headline", "The first sentence."]


def test_numbered_sentences_keep_paragraph_breaks():
    text = "A first sentence. A second one.\n\nA new paragraph."
    assert numbered(text, list(sentence_spans(text))) == (
        "1\tA first sentence.\n2\tA second one.\n\n3\tA new paragraph.")


def test_the_index_covers_a_span_with_whole_sentences():
    text = "A first sentence. A second one. A third."
    index = SentenceIndex(text)
    start = text.index("second")
    assert text[slice(*index.covering(start, start + 6))] == "A second one."
