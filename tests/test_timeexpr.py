"""Time expressions: each family resolves to the interval a reader would accept; only incompatible ones
conflict."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.timeexpr import (
    NEEDS_PUBLICATION_DATE,
    NOT_UNDERSTOOD,
    RELATIVE_TO_EVENT,
    SAID_AT_UNKNOWN_TIME,
    TimeInterval,
    resolve_in_context,
    resolve_time,
    times_conflict,
)

D = dt.date
PUBLISHED = D(2022, 10, 11)  # a Tuesday
EXAMPLES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def span(text: str, published: dt.date | None = PUBLISHED) -> tuple[dt.date | None, dt.date | None]:
    interval = resolve_time(text, published)
    assert interval.resolved, (text, interval.reason)
    return interval.start, interval.end


def conflict(a: str, b: str, published: dt.date | None = PUBLISHED) -> bool:
    return times_conflict(resolve_time(a, published), resolve_time(b, published))


# -- the behaviour the product promises ----------------------------------------------------------------------

def test_since_the_end_of_2022_and_since_late_2022_are_compatible():
    assert not conflict("since the end of 2022", "since late 2022")
    assert not conflict("since the end of 2022", "since late 2022", published=None)


def test_in_october_2022_and_october_2022_are_the_same_month():
    assert resolve_time("in October 2022", None).start == resolve_time("October 2022", None).start
    assert not conflict("in October 2022", "October 2022")


def test_second_half_of_2022_and_late_2022_are_compatible():
    assert not conflict("the second half of 2022", "late 2022")


def test_around_april_2021_and_about_18_months_ago_are_compatible():
    assert not conflict("around April 2021", "about 18 months ago", published=D(2022, 10, 11))


def test_2014_and_2021_conflict():
    assert conflict("2014", "2021")


def test_about_18_months_ago_without_publication_date_is_unresolved_and_never_conflicts():
    interval = resolve_time("about 18 months ago", None)
    assert not interval.resolved
    assert interval.reason == NEEDS_PUBLICATION_DATE
    assert (interval.start, interval.end, interval.granularity) == (None, None, "unresolved")
    for other in ("2014", "October 2022", "since 2022", "more than a year ago"):
        assert not times_conflict(interval, resolve_time(other, PUBLISHED))
        assert not times_conflict(resolve_time(other, PUBLISHED), interval)


def test_late_2023_and_the_end_of_last_year_are_compatible():
    assert not conflict("late 2023", "the end of last year", published=D(2024, 10, 25))


# -- absolute dates ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "25 October 2024", "October 25, 2024", "2024-10-25", "on 25 October 2024", "Oct. 25, 2024",
    "the 25th of October 2024", "October 25th, 2024", "Friday, October 25, 2024", "25/10/2024", "2024/10/25",
])
def test_absolute_dates_are_that_day(text):
    interval = resolve_time(text, None)
    assert (interval.start, interval.end, interval.granularity) == (D(2024, 10, 25), D(2024, 10, 25), "day")


@pytest.mark.parametrize("text, published, day", [
    ("Oct. 3", D(2022, 10, 11), D(2022, 10, 3)),
    ("Sept. 30", D(2022, 10, 11), D(2022, 9, 30)),
    ("Dec. 28", D(2023, 1, 5), D(2022, 12, 28)),  # a January article's December is last year's
    ("Nov. 8", D(2022, 10, 11), D(2022, 11, 8)),  # an event ahead, written the same way
])
def test_day_without_year_takes_the_year_nearest_publication(text, published, day):
    assert span(text, published) == (day, day)


def test_day_without_year_needs_the_publication_date():
    assert resolve_time("Oct. 3", None).reason == NEEDS_PUBLICATION_DATE


def test_ambiguous_numeric_date_covers_both_readings():
    assert span("03/04/2022", None) == (D(2022, 3, 4), D(2022, 4, 3))


@pytest.mark.parametrize("text, start, end", [
    ("October 2022", D(2022, 10, 1), D(2022, 10, 31)),
    ("in Feb 2024", D(2024, 2, 1), D(2024, 2, 29)),
    ("2014", D(2014, 1, 1), D(2014, 12, 31)),
    ("in 2021", D(2021, 1, 1), D(2021, 12, 31)),
    ("the year 2021", D(2021, 1, 1), D(2021, 12, 31)),
    ("2019-2021", D(2019, 1, 1), D(2021, 12, 31)),
    ("the 1990s", D(1990, 1, 1), D(1999, 12, 31)),
    ("the early 2000s", D(2000, 1, 1), D(2004, 12, 31)),
])
def test_months_years_and_decades(text, start, end):
    assert span(text, None) == (start, end)


@pytest.mark.parametrize("text, start, end, granularity", [
    ("early 2023", D(2023, 1, 1), D(2023, 4, 30), "season"),
    ("mid-2023", D(2023, 4, 1), D(2023, 9, 30), "season"),
    ("late 2023", D(2023, 9, 1), D(2023, 12, 31), "season"),
    ("the end of 2022", D(2022, 10, 1), D(2022, 12, 31), "season"),
    ("the beginning of 2022", D(2022, 1, 1), D(2022, 3, 31), "season"),
    ("the start of 2022", D(2022, 1, 1), D(2022, 3, 31), "season"),
    ("the first half of 2022", D(2022, 1, 1), D(2022, 6, 30), "half"),
    ("the second half of 2022", D(2022, 7, 1), D(2022, 12, 31), "half"),
    ("H2 2022", D(2022, 7, 1), D(2022, 12, 31), "half"),
    ("Q3 2022", D(2022, 7, 1), D(2022, 9, 30), "quarter"),
    ("the third quarter of 2022", D(2022, 7, 1), D(2022, 9, 30), "quarter"),
    ("the spring of 2022", D(2022, 3, 1), D(2022, 6, 20), "season"),
    ("summer 2022", D(2022, 6, 1), D(2022, 9, 22), "season"),
    ("the fall of 2022", D(2022, 9, 1), D(2022, 12, 20), "season"),
    ("autumn 2022", D(2022, 9, 1), D(2022, 12, 20), "season"),
    ("the winter of 2022", D(2022, 12, 1), D(2023, 3, 20), "season"),
    ("winter 2022-23", D(2022, 12, 1), D(2023, 3, 20), "season"),
    ("early October 2022", D(2022, 10, 1), D(2022, 10, 12), "week"),
    ("the end of October 2022", D(2022, 10, 20), D(2022, 10, 31), "week"),
])
def test_parts_of_years_and_months(text, start, end, granularity):
    interval = resolve_time(text, None)
    assert (interval.start, interval.end, interval.granularity) == (start, end, granularity)


def test_winter_is_december_to_the_following_year_in_the_northern_hemisphere():
    assert not conflict("winter 2022", "January 2023")
    assert conflict("winter 2022", "January 2022")


# -- relative to the publication date ------------------------------------------------------------------------

@pytest.mark.parametrize("text, start, end", [
    ("yesterday", D(2022, 10, 10), D(2022, 10, 10)),
    ("last month", D(2022, 9, 1), D(2022, 9, 30)),
    ("last year", D(2021, 1, 1), D(2021, 12, 31)),
    ("this year", D(2022, 1, 1), D(2022, 12, 31)),
    ("end of last year", D(2021, 10, 1), D(2021, 12, 31)),
    ("late last year", D(2021, 9, 1), D(2021, 12, 31)),
    ("earlier this year", D(2022, 1, 1), D(2022, 10, 11)),
    ("past week", D(2022, 10, 4), D(2022, 10, 11)),
    ("the past two weeks", D(2022, 9, 27), D(2022, 10, 11)),
    ("last week", D(2022, 10, 3), D(2022, 10, 10)),  # the previous calendar week or the seven days before
    ("on Tuesday", D(2022, 10, 11), D(2022, 10, 11)),  # published on a Tuesday: that day
    ("on Sunday", D(2022, 10, 9), D(2022, 10, 9)),
    ("last Tuesday", D(2022, 10, 4), D(2022, 10, 4)),
    ("last Sunday", D(2022, 10, 2), D(2022, 10, 9)),  # the most recent one, or the one in the previous week
])
def test_relative_expressions(text, start, end):
    assert span(text) == (start, end)


def test_recent_expressions_end_at_publication():
    for text in ("recent weeks", "in recent weeks", "recently", "in recent months"):
        start, end = span(text)
        assert end == PUBLISHED and start < PUBLISHED - dt.timedelta(days=30)
    assert not conflict("in recent weeks", "last month")
    assert conflict("in recent weeks", "2021")


def test_n_units_ago_covers_the_rounding_of_the_offset_and_the_calendar_unit():
    start, end = span("18 months ago")
    assert start <= D(2021, 4, 1) and D(2021, 4, 30) <= end  # April 2021, the calendar month
    assert end < D(2021, 6, 1)
    assert not conflict("18 months ago", "April 2021")
    assert conflict("18 months ago", "October 2021")
    start, end = span("a year ago")
    assert start <= D(2021, 1, 1) and end >= D(2021, 12, 31)
    assert span("3 days ago") == (D(2022, 10, 8), D(2022, 10, 8))


def test_hedged_offsets_widen_by_a_quarter_of_the_offset():
    exact, hedged = span("18 months ago"), span("about 18 months ago")
    assert hedged[0] < exact[0] - dt.timedelta(days=100) and hedged[1] > exact[1] + dt.timedelta(days=100)
    assert not conflict("about 18 months ago", "July 2021")


def test_offsets_counted_from_an_event_in_the_story_stay_unresolved():
    # "18 months prior" in a 2024 article counts back from a 2022 tweet, not from publication.
    for text in ("18 months prior", "roughly two weeks prior", "a year earlier", "two days before"):
        reading = resolve_time(text, D(2024, 10, 25))
        assert not reading.resolved and reading.reason == RELATIVE_TO_EVENT
        assert not times_conflict(reading, resolve_time("around April 2021", None))


def test_relative_times_inside_quotations_count_from_an_unknown_moment():
    quoted = resolve_in_context("about 18 months ago", D(2024, 10, 25), quoted=True)
    assert not quoted.resolved and quoted.reason == SAID_AT_UNKNOWN_TIME
    assert resolve_in_context("about 18 months ago", D(2024, 10, 25), quoted=False).resolved
    assert resolve_in_context("October 2022", None, quoted=True).start == D(2022, 10, 1)


def test_around_a_month_widens_by_a_month():
    assert span("around April 2021", None) == (D(2021, 3, 1), D(2021, 5, 31))
    assert not conflict("around April 2021", "May 2021")
    assert conflict("around April 2021", "July 2021")


@pytest.mark.parametrize("text", ["in over a year", "more than a year ago", "over a year ago"])
def test_more_than_a_year_ago_is_open_before_a_year_ago(text):
    interval = resolve_time(text, PUBLISHED)
    assert interval.open_start and interval.start is None
    assert interval.end == D(2021, 10, 11)
    assert times_conflict(interval, resolve_time("last month", PUBLISHED))
    assert not times_conflict(interval, resolve_time("2014", PUBLISHED))


@pytest.mark.parametrize("text", [
    "18 months ago", "about two weeks ago", "a year ago", "last month", "last week", "last year",
    "this year", "end of last year", "late last year", "recent weeks", "in recent weeks", "recently",
    "yesterday", "on Tuesday", "last Tuesday", "past week", "in over a year", "more than a year ago",
    "Oct. 3", "since the end of last year",
])
def test_relative_expressions_never_guess_a_publication_date(text):
    interval = resolve_time(text, None)
    assert not interval.resolved and interval.reason == NEEDS_PUBLICATION_DATE


# -- open intervals and ranges -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, start", [
    ("since 2022", D(2022, 1, 1)), ("since the end of 2022", D(2022, 10, 1)),
    ("since late 2022", D(2022, 9, 1)), ("ever since October 2022", D(2022, 10, 1)),
])
def test_since_runs_from_its_start_to_publication_and_beyond(text, start):
    interval = resolve_time(text, D(2024, 10, 25))
    assert (interval.start, interval.end, interval.open_end) == (start, D(2024, 10, 25), True)
    assert interval.granularity == "open"
    assert not times_conflict(interval, resolve_time("2025", None))
    assert times_conflict(interval, resolve_time("2014", None))


def test_since_without_publication_date_still_resolves_its_start():
    interval = resolve_time("since 2022", None)
    assert interval.resolved and interval.start == D(2022, 1, 1) and interval.end is None


def test_until_and_before_are_open_at_the_start():
    assert span("until 2021", None) == (None, D(2021, 12, 31))
    assert span("before 2020", None) == (None, D(2019, 12, 31))
    assert conflict("before 2020", "2021") and not conflict("by the end of 2022", "2014")


def test_ranges_run_from_the_first_start_to_the_last_end():
    assert span("from the second half of 2022 to 2024", None) == (D(2022, 7, 1), D(2024, 12, 31))
    assert span("between March and May 2022", None) == (D(2022, 3, 1), D(2022, 5, 31))
    assert span("2019 to 2021", None) == (D(2019, 1, 1), D(2021, 12, 31))


# -- what is not understood ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", "banana", "fiscal 2022", "32 October 2024", "2022-13-45",
                                  "at some point", "the other day maybe", "x" * 500])
def test_unknown_text_is_unresolved_as_not_understood(text):
    interval = resolve_time(text, PUBLISHED)
    assert not interval.resolved and interval.reason == NOT_UNDERSTOOD
    assert not times_conflict(interval, resolve_time("2014", PUBLISHED))


def test_granularity_is_validated():
    with pytest.raises(ValueError, match="granularity"):
        TimeInterval("x", None, None, "fortnight")


def test_text_is_kept_as_written():
    assert resolve_time("  Late 2023 ", None).text == "  Late 2023 "


# -- properties ----------------------------------------------------------------------------------------------

VOCABULARY = [
    "in", "on", "the", "of", "since", "from", "to", "until", "by", "about", "around", "roughly", "late",
    "early", "mid", "end", "beginning", "second", "half", "q3", "fall", "winter", "last", "this", "past",
    "recent", "weeks", "months", "year", "years", "ago", "more", "than", "over", "a", "two", "18", "tuesday",
    "october", "oct", "2022", "2014", "2022-23", "25", "3rd", "-", "and", "between", "recently", "yesterday",
    "prior", "or", "so", "9999", "0000", "2999", "1000", "99999999", "february", "29", "31",
]
PUBLICATION_DATES = st.one_of(st.none(), st.dates(), st.sampled_from([dt.date.min, dt.date.max]))
PHRASES = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=7).map(" ".join)
EXPRESSIONS = st.sampled_from([
    "2014", "2021", "October 2022", "late 2022", "the end of 2022", "since late 2022", "since 2014",
    "about 18 months ago", "around April 2021", "last week", "more than a year ago", "recently", "on Tuesday",
    "Q3 2022", "winter 2022", "from 2019 to 2021", "until 2021", "yesterday", "banana",
]) | PHRASES


@EXAMPLES
@given(text=st.text(max_size=60), published=PUBLICATION_DATES)
def test_random_text_never_raises(text, published):
    interval = resolve_time(text, published)
    assert interval.resolved or interval.reason in (NEEDS_PUBLICATION_DATE, NOT_UNDERSTOOD)


@EXAMPLES
@given(text=PHRASES, published=PUBLICATION_DATES)
def test_adversarial_phrases_never_raise_and_resolve_to_ordered_intervals(text, published):
    interval = resolve_time(text, published)
    if interval.resolved and interval.start and interval.end and not interval.open_end:
        assert interval.start <= interval.end
    if not interval.resolved:
        assert interval.start is None and interval.end is None


@EXAMPLES
@given(a=EXPRESSIONS, b=EXPRESSIONS, published=st.none() | st.dates(D(1900, 1, 1), D(2100, 1, 1)))
def test_conflict_is_symmetric(a, b, published):
    first, second = resolve_time(a, published), resolve_time(b, published)
    assert times_conflict(first, second) == times_conflict(second, first)


@EXAMPLES
@given(text=EXPRESSIONS, published=st.none() | st.dates(D(1900, 1, 1), D(2100, 1, 1)))
def test_an_interval_never_conflicts_with_itself(text, published):
    interval = resolve_time(text, published)
    assert not times_conflict(interval, interval)


MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]


@EXAMPLES
@given(day=st.dates(D(1000, 1, 1), D(2999, 12, 31)), style=st.sampled_from(["full", "abbreviated", "us"]),
       published=PUBLICATION_DATES)
def test_day_month_year_resolves_to_exactly_that_day(day, style, published):
    month = MONTH_NAMES[day.month - 1]
    text = {"full": f"{day.day} {month} {day.year}", "abbreviated": f"{day.day} {month[:3]}. {day.year}",
            "us": f"{month} {day.day}, {day.year}"}[style]
    interval = resolve_time(text, published)
    assert (interval.start, interval.end, interval.granularity) == (day, day, "day")


@EXAMPLES
@given(text=st.sampled_from(["April 2021", "2021", "late 2022", "Q3 2022", "two weeks ago", "March 3, 2020"]),
       published=st.dates(D(1900, 1, 1), D(2100, 1, 1)))
def test_hedging_only_ever_widens(text, published):
    exact, hedged = resolve_time(text, published), resolve_time(f"around {text}", published)
    assert hedged.start <= exact.start and exact.end <= hedged.end
