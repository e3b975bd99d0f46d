"""Tests for checker.dates: the one reader of publication dates, shared by load and findings."""
from datetime import date, datetime

import pytest

from checker.dates import detect_published, normalise_published, published_date, published_dates
from checker.load import make_document


def test_a_date_line_opens_the_text_and_words_may_follow_it():
    assert detect_published("date 2024-10-25 American billionaire Elon Musk ...") == \
        ("2024-10-25", "date-line")
    assert detect_published("Date: 2024-10-25\nStory.") == ("2024-10-25", "date-line")
    assert detect_published("date 2024-10-255 Story.\nMore.") is None
    assert detect_published("update 2024-10-25 is not a date line.\nMore.") is None


def test_a_dateline_is_a_whole_line_among_the_first_ones():
    assert detect_published("Headline\nPublished on Tuesday, Oct. 11, 2022 at 9:30 a.m. EDT\nText.") == \
        ("2022-10-11", "dateline")
    assert detect_published("Headline\nOct. 11, 2022, was a Tuesday.\nText.") is None
    assert detect_published("31 February 2024\nText.") is None  # no such day


@pytest.mark.parametrize("value, expected", [
    ("2024-10-25", "2024-10-25"), (" 2024-10-25T09:30:00+02:00", "2024-10-25"),
    (date(2024, 10, 25), "2024-10-25"), (datetime(2024, 10, 25, 23, 59), "2024-10-25"),
])
def test_metadata_values_become_iso_dates(value, expected):
    assert normalise_published(value) == expected


@pytest.mark.parametrize("value", ["25 October 2024", "2024-13-01", "", 20241025, None])
def test_anything_else_is_not_a_date(value):
    with pytest.raises(ValueError, match="not an ISO date"):
        normalise_published(value)


def test_a_documents_published_string_reads_back_as_a_date():
    documents = [make_document("a", "Text.", published="2024-10-25"), make_document("b", "Text.")]
    assert published_dates(documents) == {"a": date(2024, 10, 25), "b": None}
    assert published_date(None) is None and published_date("") is None
