"""The readings of a time expression that need no other reading: dates, months, years, quarters, named
and relative days, weeks, seasons, and offsets from publication ("18 months ago") (pure).

Each reading is matched against the whole normalised text and gives a Span, or None when the words
match but name no time; a reading relative to publication raises NeedsPublished without that date.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

from .dates import MONTH_NAMES, MONTH_NUMBERS
from .timeexpr_calendar import (
    OFFSET_HEDGE,
    RECENCY_DAYS,
    UNIT_DAYS,
    YEAR_PARTS,
    RelativeToEvent,
    Span,
    calendar_unit,
    day_or_last,
    nearest,
    need,
    read_count,
    season,
    span_of,
    whole_month,
)

# -- offsets from the publication date --------------------------------------------------------------

_OFFSET = re.compile(
    r"(?:(?P<bound>more than|over|upwards of|at least|well over|less than|under|within) )?"
    r"(?P<count>.+?) (?P<unit>day|week|month|year|decade)s?(?P<half> and a half)?"
    r"(?: (?P<direction>ago|earlier|prior|before|back|previously|from now|hence))?")


def parse_offset(s: str, pub: dt.date | None, hedged: bool) -> Span | None:
    """An offset from publication ("about 18 months ago", "within a year", "in two weeks"), widened
    by rounding and hedges; an offset counted back from an event raises RelativeToEvent."""
    m = _OFFSET.fullmatch(s)
    if not m or not (m.group("bound") or m.group("direction")):
        return None
    count = read_count(m.group("count"))
    if count is None:
        return None
    low, high, vague = count
    if m.group("direction") in ("earlier", "prior", "before", "previously"):
        # "18 months prior" counts back from something the story describes (a tweet, a meeting),
        # which may be years before publication: resolving it against publication would invent dates.
        raise RelativeToEvent
    if m.group("half"):
        low, high = low + 0.5, high + 0.5
    unit, bound, pub = m.group("unit"), m.group("bound") or "", need(pub)
    days = UNIT_DAYS[unit]
    granularity = "year" if unit == "decade" else unit
    past = m.group("direction") not in ("from now", "hence")
    if bound in ("less than", "under", "within"):
        reach = dt.timedelta(days=math.ceil(high * days))
        return Span(pub - reach, pub, granularity) if past else Span(pub, pub + reach, granularity)
    if bound:  # "more than a year ago", "in over a year": all before that point
        if not past:
            return None
        return Span(None, pub - dt.timedelta(days=math.floor(low * days)), "open", open_start=True)
    hedged = hedged or vague
    near, far = low * days, high * days
    # "two weeks ago" is said of anything that rounds to two weeks
    rounding = 0.0 if unit == "day" else days / 2
    near = max(0.0, near - max(rounding, OFFSET_HEDGE * near if hedged else 0.0))
    far = far + max(rounding, OFFSET_HEDGE * far if hedged else 0.0)
    sign = -1 if past else 1
    ends = sorted(pub + sign * dt.timedelta(days=d) for d in (math.floor(near), math.ceil(far)))
    start, end = ends
    # "a year ago" is also said of anything in the previous calendar year: cover that reading too.
    if low == high == int(low) and unit in ("week", "month", "year"):
        first, last = calendar_unit(pub, unit, sign * int(low))
        start, end = min(start, first), max(end, last)
    return Span(start, end, granularity, hedge_applied=hedged)


# -- the readings, each matched against the whole normalised text -----------------------------------

_WEEKDAYS = {name: n for n, name in enumerate("mon tue wed thu fri sat sun".split())}
MONTH = rf"({MONTH_NAMES})"
WEEKDAY = (r"(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
           r"|sat(?:urday)?|sun(?:day)?)")
YEAR = r"([12][0-9]{3})"
ORDINAL = r"([0-9]{1,2})(?:st|nd|rd|th)?"
SEASON = r"(spring|summer|fall|autumn|winter)"
UNIT = r"(day|week|month|year|decade)s?"
PART_NAMES = "|".join(sorted((*YEAR_PARTS, "winter"), key=len, reverse=True))


def _iso_date(m: re.Match[str], pub: dt.date | None) -> Span:
    day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    return Span(day, day, "day")


def _numeric_date(m: re.Match[str], pub: dt.date | None) -> Span:
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    readings = [dt.date(year, month, day) for month, day in ((b, a), (a, b)) if month <= 12 and day <= 31]
    if not readings:
        raise ValueError("no month in a numeric date")
    # 03/04/2022 is 3 April to some outlets and 4 March to others: cover both rather than pick one.
    return Span(min(readings), max(readings), "day" if len(set(readings)) == 1 else "month")


def _day_of_month(day: str, month: str, year: str | None, pub: dt.date | None) -> Span:
    def make(y: int) -> tuple[dt.date, dt.date]:
        return (dt.date(y, MONTH_NUMBERS[month[:3]], int(day)),) * 2

    return span_of(make(int(year)) if year else nearest(make, pub), "day")


def _month_of(m: re.Match[str], pub: dt.date | None) -> Span:
    def make(y: int) -> tuple[dt.date, dt.date]:
        return whole_month(y, MONTH_NUMBERS[m[1][:3]])

    return span_of(make(int(m[2])) if m[2] else nearest(make, pub), "month")


def _year(m: re.Match[str], pub: dt.date | None) -> Span:
    return Span(dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31), "year")


def _year_range(m: re.Match[str], pub: dt.date | None) -> Span | None:
    first, second = int(m[1]), m[2]
    last = first // 100 * 100 + int(second) if len(second) == 2 else int(second)
    if last > first:
        return Span(dt.date(first, 1, 1), dt.date(last, 12, 31), "year")
    if len(second) == 2 and 1 <= int(second) <= 12:  # "2024-10" is October 2024
        return span_of(whole_month(first, int(second)), "month")
    return None


def _decade(m: re.Match[str], pub: dt.date | None) -> Span:
    first = int(m[2]) * 10
    offsets = {"early": (0, 4), "mid": (3, 7), "late": (6, 9), None: (0, 9)}[m[1]]
    return Span(dt.date(first + offsets[0], 1, 1), dt.date(first + offsets[1], 12, 31), "year")


def _quarter_or_half(kind: str, number: int, year: str | None, pub: dt.date | None) -> Span:
    months = 3 if kind == "quarter" else 6
    def make(y: int) -> tuple[dt.date, dt.date]:
        return dt.date(y, months * (number - 1) + 1, 1), day_or_last(y, months * number, None)

    return span_of(make(int(year)) if year else nearest(make, pub), kind)


def _named_day(m: re.Match[str], pub: dt.date | None) -> Span:
    shift = {"yesterday": -1, "today": 0, "tonight": 0, "this morning": 0, "tomorrow": 1, "last night": -1,
             "the day before yesterday": -2}[m[1]]
    day = need(pub) + dt.timedelta(days=shift)
    return Span(day, day, "day")


def _calendar_relative(m: re.Match[str], pub: dt.date | None) -> Span:
    which, unit, pub = m[1], m[2], need(pub)
    if which in ("last", "previous") and unit == "week":
        # "last week" is the previous calendar week to some, the seven days before publication to others.
        return Span(calendar_unit(pub, "week", -1)[0], pub - dt.timedelta(days=1), "week")
    shift = {"last": -1, "previous": -1, "this": 0, "the current": 0, "current": 0, "next": 1}[which]
    return span_of(calendar_unit(pub, unit, shift), unit)


def _earlier_or_later_this(m: re.Match[str], pub: dt.date | None) -> Span:
    pub = need(pub)
    first, last = calendar_unit(pub, m[2], 0)
    return Span(first, pub, m[2]) if m[1] == "earlier" else Span(pub, last, m[2])


def _rolling(m: re.Match[str], pub: dt.date | None) -> Span | None:
    count = read_count(m[1]) if m[1] else (1, 1, False)
    if count is None:
        return None
    pub = need(pub)
    reach = dt.timedelta(days=math.ceil(count[1] * UNIT_DAYS[m[2]]))
    return Span(pub - reach, pub, "year" if m[2] == "decade" else m[2])


def _recent(m: re.Match[str], pub: dt.date | None) -> Span:
    pub = need(pub)
    return Span(pub - dt.timedelta(days=RECENCY_DAYS[m[1] or "recently"]), pub, m[1] or "month")


def _weekday(m: re.Match[str], pub: dt.date | None) -> Span:
    which, weekday, pub = m[1], _WEEKDAYS[m[2][:3]], need(pub)
    back = (pub.weekday() - weekday) % 7  # days since the most recent such weekday, 0 if today
    if which == "this":
        day = pub - dt.timedelta(days=pub.weekday() - weekday)
        return Span(day, day, "day")
    if which == "next":
        ahead = (weekday - pub.weekday()) % 7 or 7
        days = sorted({ahead, 7 - pub.weekday() + weekday})
        return Span(pub + dt.timedelta(days=days[0]), pub + dt.timedelta(days=days[-1]), "day")
    if which in ("last", "past"):
        # "last Sunday" is the most recent one before publication, or the one in the previous week, and weeks
        # start on Monday for some outlets and on Sunday for others.
        closest = back or 7
        farthest = max(pub.weekday() + 7 - weekday, (pub.weekday() + 1) % 7 + 7 - (weekday + 1) % 7)
        farthest = farthest if which == "last" else closest
        return Span(pub - dt.timedelta(days=max(closest, farthest)), pub - dt.timedelta(days=closest), "day")
    day = pub - dt.timedelta(days=back)
    return Span(day, day, "day")


def _relative_season(m: re.Match[str], pub: dt.date | None) -> Span:
    which, name, pub = m[1], m[2], need(pub)
    occurrences = [season(name, year) for year in range(pub.year - 2, pub.year + 2)]
    if which in ("last", "past", "previous"):
        return span_of(max(o for o in occurrences if o[1] < pub), "season")
    if which == "next":
        return span_of(min(o for o in occurrences if o[0] > pub), "season")
    return span_of(nearest(lambda y: season(name, y), pub), "season")


Reading = Callable[[re.Match[str], dt.date | None], Span | None]
# In the order they are tried: the first whose pattern matches the whole text and gives a Span wins.
READINGS: list[tuple[re.Pattern[str], Reading]] = [
    (re.compile(rf"{YEAR}[-/]([0-9]{{1,2}})[-/]([0-9]{{1,2}})"), _iso_date),
    (re.compile(rf"([0-9]{{1,2}})[-/.]([0-9]{{1,2}})[-/.]{YEAR}"), _numeric_date),
    (re.compile(rf"(?:{WEEKDAY} )?(?:the )?{ORDINAL}(?: of)? {MONTH}(?: {YEAR})?"),
     lambda m, pub: _day_of_month(m[2], m[3], m[4], pub)),
    (re.compile(rf"(?:{WEEKDAY} )?{MONTH} (?:the )?{ORDINAL}(?: {YEAR})?"),
     lambda m, pub: _day_of_month(m[3], m[2], m[4], pub)),
    (re.compile(rf"{MONTH}(?: of)?(?: {YEAR})?"), _month_of),
    (re.compile(rf"(?:the )?(?:year )?{YEAR}"), _year),
    (re.compile(rf"{YEAR} ?[-/] ?([0-9]{{2}}|[12][0-9]{{3}})"), _year_range),
    (re.compile(r"(?:the )?(?:(early|mid|late)[- ]?)?([12][0-9]{2})0s"), _decade),
    (re.compile(rf"q([1-4])(?: of)?(?: {YEAR})?"),
     lambda m, pub: _quarter_or_half("quarter", int(m[1]), m[2], pub)),
    (re.compile(rf"{YEAR} q([1-4])"), lambda m, pub: _quarter_or_half("quarter", int(m[2]), m[1], pub)),
    (re.compile(rf"([1-4])q(?: {YEAR})?"), lambda m, pub: _quarter_or_half("quarter", int(m[1]), m[2], pub)),
    (re.compile(rf"h([12])(?: of)?(?: {YEAR})?"),
     lambda m, pub: _quarter_or_half("half", int(m[1]), m[2], pub)),
    (re.compile(rf"{YEAR} h([12])"), lambda m, pub: _quarter_or_half("half", int(m[2]), m[1], pub)),
    (re.compile(rf"([12])h(?: {YEAR})?"), lambda m, pub: _quarter_or_half("half", int(m[1]), m[2], pub)),
    (re.compile(r"(?:the )?(first|second|third|fourth) quarter"),
     lambda m, pub: _quarter_or_half("quarter", ["first", "second", "third", "fourth"].index(m[1]) + 1,
                                     None, pub)),
    (re.compile(r"(yesterday|today|tonight|this morning|tomorrow|last night|the day before yesterday)"),
     _named_day),
    (re.compile(r"(last|previous|this|the current|current|next) (week|month|year)"), _calendar_relative),
    (re.compile(r"(earlier|later) (?:this|in the) (week|month|year)"), _earlier_or_later_this),
    (re.compile(rf"the (?:past|last|previous|preceding) (?:(.+?) )?{UNIT}"), _rolling),
    (re.compile(rf"(?:past|last|previous) (?:(.+?) )?{UNIT}"), _rolling),
    (re.compile(r"(?:the )?recent (day|week|month|year)s|recently|lately|of late"), _recent),
    (re.compile(rf"(?:(last|this|next|past) )?(?:early |late )?{WEEKDAY}"
                r"(?: morning| afternoon| evening| night)?"), _weekday),
    (re.compile(rf"(?:(last|this|next|past|previous) )?{SEASON}"), _relative_season),
]
