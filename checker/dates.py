"""Dates as articles and their metadata write them: the one parser of a publication date (pure).

`detect_published` finds a document's date in its first lines (a "date YYYY-MM-DD" line, a line
that is a date such as "Oct. 11, 2022", or a dateline such as "Millbrook Herald, 14 March 2025" or
"MILLBROOK, March 14 (Valley Gazette) -"); `normalise_published` turns a metadata value (ISO, or a
date written out, "March 14, 2025") into YYYY-MM-DD; `published_date` reads that string back as a
date. Written-out dates are read by dateparser in strict mode: a date without its year, or with
no month name (03/04/2025 is two dates), is no date, never a guess. `MONTH_NAMES` is the month
pattern timeexpr reads times with too.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, Protocol

DATELINE_SEARCH_LINES = 8
# The alternation only: callers wrap it in the group (named or not) their pattern needs.
MONTH_NAMES = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
               r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
# Keyed by a month name's first three letters, lower case.
MONTH_NUMBERS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
ISO_DATE = r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
# "date 2024-10-25" (or "Date: 2024-10-25") opening a text; words may follow on the same line.
DATE_LINE = re.compile(rf"\A\s*date(?:\s*:\s*|\s+){ISO_DATE}(?!\d)", re.IGNORECASE)

_MONTH = rf"(?P<month>{MONTH_NAMES})\.?"
_DATELINE_FORMS = (
    re.compile(rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})", re.I),
    re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})", re.I),
    re.compile(ISO_DATE),
)
_DATELINE_LEAD = re.compile(r"(?:(?:published|posted)(?:\s+on)?\s*:?\s*)?"
                            r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?", re.I)
# "PLACE, DATE" or "PLACE, DATE (OUTLET) -", the article perhaps going on after the dash; the
# date names its month beside a day (checked before dateparser is asked).
_PLACE_DATELINE = re.compile(r"(?P<place>[^\W\d][^,()]{0,60}?),\s+(?P<date>[^()]{3,40}?)\s*"
                             r"(?:\((?P<outlet>[^()]{1,60})\)\s*)?(?:[-\u2013\u2014]+(?:\s|$)|$)")
_DAY_AND_MONTH = re.compile(rf"\b(?:(?:{MONTH_NAMES})\.?\s+\d{{1,2}}(?!\d)|\d{{1,2}}(?:st|nd|rd|th)?"
                            rf"\s+(?:of\s+)?(?:{MONTH_NAMES})\b)", re.I)
_HUMAN_DATE_SETTINGS: dict[str, Any] = {
    "STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],  # never "yesterday", never a bare timestamp
    "RETURN_AS_TIMEZONE_AWARE": False}
_DATELINE_TIME = re.compile(r"(?:(?:T|,?\s*(?:at\s+)?)\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
                            r"(?:\s*(?:[a-z]{1,5}|[+-]\d{2}:?\d{2}))?)?\s*", re.I)


class Dated(Protocol):
    """What `published_dates` needs of a document (checker.load.Document satisfies it)."""

    @property
    def id(self) -> str: ...

    @property
    def published(self) -> date | None: ...


def published_date(published: str | date | None) -> date | None:
    """A publication date given as a date or as YYYY-MM-DD (report.json's form); None when unknown."""
    if isinstance(published, date) or published is None:
        return published
    return date.fromisoformat(published) if published else None


def published_dates(documents: Iterable[Dated]) -> dict[str, date | None]:
    """Document id -> publication date (None when unknown)."""
    return {d.id: published_date(d.published) for d in documents}


def iso_date(year: str, month: str, day: str) -> str | None:
    """YYYY-MM-DD from a date's parts (the month as digits or a name); None when no such day."""
    number = int(month) if month.isdigit() else MONTH_NUMBERS[month[:3].casefold()]
    try:
        return date(int(year), number, int(day)).isoformat()
    except ValueError:
        return None


def parse_dateline(line: str) -> str | None:
    """The ISO date when the whole line is a date (optionally with a time), else None."""
    lead = _DATELINE_LEAD.match(line)
    rest = line[lead.end():] if lead else line  # the lead is optional: it always matches
    for form in _DATELINE_FORMS:
        match = form.match(rest)
        if match and _DATELINE_TIME.fullmatch(rest, match.end()):
            return iso_date(match["year"], match["month"], match["day"])
    return None


def leading_lines(text: str, count: int) -> Iterator[str]:
    """The first `count` non-blank lines, stripped, without splitting a 20 MB text."""
    start = 0
    while count and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end].strip()
        start = end + 1
        if line:
            count -= 1
            yield line


def detect_published(text: str) -> tuple[str, str] | None:
    """(YYYY-MM-DD, origin) from a "date" line opening the text ("date-line") or a dateline among
    its first lines ("dateline"); None when neither is there. A dateline without its year gives
    no date: the publication date must then come from elsewhere."""
    match = DATE_LINE.match(text)
    if match and (found := iso_date(match["year"], match["month"], match["day"])):
        return found, "date-line"
    for line in leading_lines(text, DATELINE_SEARCH_LINES):
        if found := parse_dateline(line) or place_dateline(line):
            return found, "dateline"
    return None


def place_dateline(line: str) -> str | None:
    """The ISO date of a "PLACE, DATE" dateline ("Millbrook Herald, 14 March 2025"; "MILLBROOK,
    March 14 (Valley Gazette) -" has no year and so gives None)."""
    match = _PLACE_DATELINE.match(line)
    if not match or not _DAY_AND_MONTH.search(match["date"]):
        return None
    return parse_human_date(match["date"])


def is_dateline(line: str) -> bool:
    """True when the line opens with a dateline, with or without its year."""
    match = _PLACE_DATELINE.match(line)
    return bool(match and _DAY_AND_MONTH.search(match["date"]) and
                (parse_human_date(match["date"]) or _yearless(match["date"])))


def _yearless(text: str) -> bool:
    """True for a day and month alone ("March 14", "14th of March"), which is a date lacking its year."""
    return bool(re.fullmatch(rf"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:"
                             rf"(?:{MONTH_NAMES})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?"
                             rf"\s+(?:of\s+)?(?:{MONTH_NAMES})\.?)", text.strip(), re.I))


def parse_human_date(text: str) -> str | None:
    """A date written out with its month's name and a year, as YYYY-MM-DD; None for anything
    else (no year, no month name, no such day)."""
    if not re.search(MONTH_NAMES, text, re.I) or not re.search(r"\d{4}", text):
        return None
    import dateparser  # read on first use: most documents carry ISO dates

    found = dateparser.parse(text, languages=["en"], settings=_HUMAN_DATE_SETTINGS)
    return found.date().isoformat() if found else None


def is_date_line(line: str) -> bool:
    """True when the line is a date, not a title: a "date" line, a date, or a dateline."""
    return bool(DATE_LINE.match(line)) or parse_dateline(line) is not None or is_dateline(line)


def normalise_published(value: Any) -> str:
    """A metadata value (a date, a datetime, an ISO date or timestamp as text, or a date written
    out with its month's name and year) as YYYY-MM-DD; ValueError for anything else."""
    if isinstance(value, datetime):  # YAML turns unquoted timestamps into these
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else ""
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        if len(text) > 10 and re.match(rf"{ISO_DATE}[T ]", text):
            return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        pass
    if found := parse_human_date(text[:100]):
        return found
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD, or a day, month and year such as "
                     "March 14, 2025)")
