"""The calendar under time expressions: intervals as spans of dates, parts of years and months,
and the occurrence of a yearless date nearest publication (pure).

A `Span` is what a reading of a time expression yields, before timeexpr makes it a TimeInterval;
`NeedsPublished` and `RelativeToEvent` are how a reading says it cannot be resolved.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from .quantity import read_number

GRANULARITIES = ("day", "week", "month", "season", "quarter", "half", "year", "open", "unresolved")

UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.436875, "year": 365.2425, "decade": 3652.425}
# "about N units ago" may be off by this fraction of the offset: "about 18 months" covers 13.5 to 22.5 months.
OFFSET_HEDGE = 0.25
# How far "around <time>" reaches beyond the time itself, by granularity ("around April 2021": March to May).
HEDGE_PADDING_DAYS = {"day": 3, "week": 7, "month": 31, "season": 31, "quarter": 31, "half": 31, "year": 183,
                      "open": 31}
# How far back vague recency reaches. Generous on purpose: a too-narrow "recently" would cry wolf.
RECENCY_DAYS = {"recently": 365, "day": 14, "week": 60, "month": 183, "year": 1826}

# Parts of a year as ((month, day), (month, day) or day None for the month's last day, granularity).
# Seasons are meteorological widened to the astronomical dates, since outlets use both; winter is
# handled on its own.
YEAR_PARTS: dict[str, tuple[tuple[int, int], tuple[int, int | None], str]] = {
    "early": ((1, 1), (4, None), "season"), "beginning": ((1, 1), (3, None), "season"),
    "start": ((1, 1), (3, None), "season"), "mid": ((4, 1), (9, None), "season"),
    "middle": ((4, 1), (9, None), "season"), "late": ((9, 1), (12, None), "season"),
    "end": ((10, 1), (12, None), "season"), "close": ((10, 1), (12, None), "season"),
    "year-end": ((10, 1), (12, None), "season"), "year end": ((10, 1), (12, None), "season"),
    "first half": ((1, 1), (6, None), "half"), "second half": ((7, 1), (12, None), "half"),
    "latter half": ((7, 1), (12, None), "half"), "back half": ((7, 1), (12, None), "half"),
    "first quarter": ((1, 1), (3, None), "quarter"), "second quarter": ((4, 1), (6, None), "quarter"),
    "third quarter": ((7, 1), (9, None), "quarter"), "fourth quarter": ((10, 1), (12, None), "quarter"),
    "final quarter": ((10, 1), (12, None), "quarter"),
    "spring": ((3, 1), (6, 20), "season"), "summer": ((6, 1), (9, 22), "season"),
    "fall": ((9, 1), (12, 20), "season"), "autumn": ((9, 1), (12, 20), "season"),
}
# Winter of year Y starts in December of Y and runs into Y+1 (northern hemisphere): winter 2022 is
# Dec 2022-Mar 2023.
WINTER = ((12, 1), (3, 20))
# Parts of a month as (first day, last day or None for the month's last day).
MONTH_PARTS: dict[str, tuple[int, int | None]] = {
    "early": (1, 12), "beginning": (1, 10), "start": (1, 10), "mid": (8, 23), "middle": (8, 23),
    "late": (18, None), "end": (20, None), "close": (20, None), "first half": (1, 15),
    "second half": (16, None), "latter half": (16, None)}


class Span(NamedTuple):
    """A reading of a time expression: inclusive bounds (None where open) and their granularity."""

    start: dt.date | None
    end: dt.date | None
    granularity: str
    open_start: bool = False
    open_end: bool = False
    hedge_applied: bool = False  # the reading already widened itself for "about"


class NeedsPublished(Exception):
    """Raised inside the parser by any reading that is relative to a publication date we do not have."""


class RelativeToEvent(Exception):
    """Raised by offsets counted from an event in the story ("18 months prior"), not from publication."""


def need(published: dt.date | None) -> dt.date:
    """The publication date, which the reading calling this cannot do without."""
    if published is None:
        raise NeedsPublished
    return published


# -- counts ------------------------------------------------------------------------------------------

VAGUE_COUNTS = {"a couple of": (2, 3), "a couple": (2, 3), "couple of": (2, 3), "a few": (2, 4),
                "few": (2, 4), "several": (3, 8), "a handful of": (2, 6)}


def read_count(text: str) -> tuple[float, float, bool] | None:
    """(lowest, highest, vague) for a count of units: "18", "two", "a few"; None for no count."""
    if text in VAGUE_COUNTS:
        low, high = VAGUE_COUNTS[text]
        return low, high, True
    n = read_number(text)
    if n is None or not 0 < n <= 10_000:
        return None
    return n, n, False


# -- calendar helpers --------------------------------------------------------------------------------

def calendar_unit(pub: dt.date, unit: str, shift: int) -> tuple[dt.date, dt.date]:
    """The calendar week, month or year `shift` units from the one holding `pub`."""
    if unit == "year":
        return dt.date(pub.year + shift, 1, 1), dt.date(pub.year + shift, 12, 31)
    if unit == "month":
        year, month = divmod(pub.year * 12 + pub.month - 1 + shift, 12)
        return whole_month(year, month + 1)
    monday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(weeks=shift)
    return monday, monday + dt.timedelta(days=6)


def whole_month(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def day_or_last(year: int, month: int, day: int | None) -> dt.date:
    """That day of the month, or its last day when `day` is None."""
    return dt.date(year, month, day or calendar.monthrange(year, month)[1])


def nearest(make: Callable[[int], tuple[dt.date, dt.date]], pub: dt.date | None) -> tuple[dt.date, dt.date]:
    """The occurrence nearest the publication date of a time written without its year ("Oct. 3", "in March"),
    the earlier one on a tie: "Dec. 28" in a January article is last December's."""
    pub = need(pub)
    best: tuple[int, dt.date, dt.date] | None = None
    for year in (pub.year - 1, pub.year, pub.year + 1):
        try:
            first, last = make(year)
        except ValueError:  # 29 February in a year without one
            continue
        distance = 0 if first <= pub <= last else min(abs((first - pub).days), abs((last - pub).days))
        if best is None or distance < best[0]:
            best = (distance, first, last)
    if best is None:
        raise ValueError("no such date in any nearby year")
    return best[1], best[2]


def season(name: str, year: int) -> tuple[dt.date, dt.date]:
    """A season or part of `year` (YEAR_PARTS); winter runs on into the next year."""
    if name == "winter":
        (m1, d1), (m2, d2) = WINTER
        return dt.date(year, m1, d1), dt.date(year + 1, m2, d2)
    (first_month, first_day), (last_month, last_day), _ = YEAR_PARTS[name]
    return dt.date(year, first_month, first_day), day_or_last(year, last_month, last_day)


def span_of(bounds: tuple[dt.date, dt.date], granularity: str) -> Span:
    """A Span over (first, last)."""
    return Span(bounds[0], bounds[1], granularity)
