"""Tests for checker.dates: the one reader of publication dates, shared by load and findings."""
from datetime import date, datetime

import pytest

from checker.dates import detect_published, normalise_published, published_date, published_dates
from checker.load import load_documents, make_document


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
    ("March 14, 2025", "2025-03-14"), ("25 October 2024", "2024-10-25"),
    ("Friday, 14 March 2025, 09:30", "2025-03-14"), ("Oct. 11, 2022", "2022-10-11"),
])
def test_metadata_values_become_iso_dates(value, expected):
    assert normalise_published(value) == expected


@pytest.mark.parametrize("value", ["2024-13-01", "", 20241025, None,
                                   "March 14",     # no year: never guessed
                                   "03/04/2025",   # March 4 or April 3: no month name, no guess
                                   "31 February 2025", "yesterday", "soon in 2025"])
def test_anything_else_is_not_a_date(value):
    with pytest.raises(ValueError, match=r"is not a date \(YYYY-MM-DD, or a day, month and year"):
        normalise_published(value)


@pytest.mark.parametrize("text, expected", [
    ("Millbrook Herald, 14 March 2025\nThe bridge closed.", ("2025-03-14", "dateline")),
    ("Bridge closes\nWASHINGTON, Oct. 11, 2022 - Officials said it closed.\nMore.",
     ("2022-10-11", "dateline")),
    ("MILLBROOK, March 14 (Valley Gazette) - The bridge closed on 3 March.\nMore.", None),
    ("MILLBROOK, March 14 (Valley Gazette) -\nThe bridge closed on 3 March 2025.", None),
    ("Officials, on 14 March 2025, said the bridge closed.\nMore.", None),  # a sentence, not a dateline
])
def test_a_dateline_gives_its_date_and_one_without_a_year_gives_none(text, expected):
    assert detect_published(text) == expected


def test_dates_in_datelines_and_metadata_reach_the_document(tmp_path):
    (tmp_path / "herald.txt").write_text("Bridge closes\nMillbrook Herald, 14 March 2025\nThe bridge "
                                         "closed on 3 March.\n")
    (tmp_path / "gazette.txt").write_text("MILLBROOK, March 14 (Valley Gazette) - The bridge closed on "
                                          "3 March.\n\nTraffic was diverted.\n")
    (tmp_path / "dated.md").write_text("---\ndate: March 14, 2025\n---\nMILLBROOK, March 14 (Valley "
                                       "Gazette) -\nThe bridge closed.\n")
    (tmp_path / "feed.jsonl").write_text('{"id": "f", "text": "A feed story.", '
                                         '"published": "March 14, 2025"}\n')
    docs = {d.id: d for d in load_documents([tmp_path]).documents}
    assert (docs["herald"].published, docs["herald"].origins["published"]) == (date(2025, 3, 14), "dateline")
    assert docs["herald"].title == "Bridge closes"
    assert docs["gazette"].published is None and "published" not in docs["gazette"].origins
    dated = docs["dated"]
    assert (dated.published, dated.origins["published"]) == (date(2025, 3, 14), "front-matter")
    assert dated.title is None  # its first line is a dateline, not a title
    assert docs["f"].published == date(2025, 3, 14)


def test_a_meta_date_written_out_is_accepted_and_one_without_a_year_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text("The bridge closed. Traffic was diverted.")
    doc = load_documents([tmp_path], metadata={"a": {"published": "March 14, 2025"}}).documents[0]
    assert (doc.published, doc.origins["published"]) == (date(2025, 3, 14), "cli")
    result = load_documents([tmp_path], metadata={"a": {"published": "March 14"}})
    assert result.documents[0].published is None
    assert [p.message for p in result.problems] == [
        "metadata for 'a': published 'March 14' is not a date (YYYY-MM-DD, or a day, month and year "
        "such as March 14, 2025)"]


def test_a_documents_published_string_reads_back_as_a_date():
    documents = [make_document("a", "Text.", published="2024-10-25"), make_document("b", "Text.")]
    assert published_dates(documents) == {"a": date(2024, 10, 25), "b": None}
    assert published_date(None) is None and published_date("") is None
