"""Time expressions as inclusive date intervals, so that differently worded times are compared by what they allow.

`resolve_time` reads a time as an article wrote it ("late 2022", "about 18 months ago", "on Tuesday") into a
TimeInterval, resolving relative words against the publication date and never guessing one that is missing;
`times_conflict` is True only when two resolved intervals cannot overlap.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

from checker.quantity import read_number

GRANULARITIES = ("day", "week", "month", "season", "quarter", "half", "year", "open", "unresolved")
NEEDS_PUBLICATION_DATE = "needs publication date"
NOT_UNDERSTOOD = "not understood"
RELATIVE_TO_EVENT = "counted from an event in the story, not from publication"
SAID_AT_UNKNOWN_TIME = "counted from when the quoted words were said, which is unknown"
# Longer than any time expression a model would extract; also bounds the work done on adversarial input.
MAX_TEXT_LENGTH = 120

_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.436875, "year": 365.2425, "decade": 3652.425}
# "about N units ago" may be off by this fraction of the offset: "about 18 months" covers 13.5 to 22.5 months.
OFFSET_HEDGE = 0.25
# How far "around <time>" reaches beyond the time itself, by granularity ("around April 2021": March to May).
HEDGE_PADDING_DAYS = {"day": 3, "week": 7, "month": 31, "season": 31, "quarter": 31, "half": 31, "year": 183,
                      "open": 31}
# How far back vague recency reaches. Generous on purpose: a too-narrow "recently" would cry wolf.
RECENCY_DAYS = {"recently": 365, "day": 14, "week": 60, "month": 183, "year": 1826}

# Parts of a year as ((month, day), (month, day) or day None for the month's last day, granularity). Seasons are
# meteorological widened to the astronomical dates, since outlets use both; winter is handled on its own.
YEAR_PARTS = {
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
# Winter of year Y starts in December of Y and runs into Y+1 (northern hemisphere): winter 2022 is Dec 2022-Mar 2023.
WINTER = ((12, 1), (3, 20))
# Parts of a month as (first day, last day or None for the month's last day).
MONTH_PARTS = {"early": (1, 12), "beginning": (1, 10), "start": (1, 10), "mid": (8, 23), "middle": (8, 23),
               "late": (18, None), "end": (20, None), "close": (20, None), "first half": (1, 15),
               "second half": (16, None), "latter half": (16, None)}


@dataclass(frozen=True)
class TimeInterval:
    """When something happened, as an inclusive date interval.

    `open_start`: no earliest date ("more than a year ago", "until 2021"), `start` is None. `open_end`: it began
    at `start` and still held at the reference date or later ("since 2022"); `end` is then the publication date
    when known, else None. An unresolved interval has no bounds and says why in `reason`.
    """

    text: str
    start: dt.date | None
    end: dt.date | None
    granularity: str
    open_start: bool = False
    open_end: bool = False
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.granularity not in GRANULARITIES:
            raise ValueError(f"unknown granularity {self.granularity!r}; expected one of {GRANULARITIES}")

    @property
    def resolved(self) -> bool:
        return self.granularity != "unresolved"


def times_conflict(a: TimeInterval, b: TimeInterval) -> bool:
    """True only if both are resolved and their intervals cannot overlap; an unresolved time never conflicts."""
    if not (a.resolved and b.resolved):
        return False
    a_first, a_last = _extent(a)
    b_first, b_last = _extent(b)
    return a_last < b_first or b_last < a_first


def _extent(t: TimeInterval) -> tuple[dt.date, dt.date]:
    first = dt.date.min if t.open_start or t.start is None else t.start
    last = dt.date.max if t.open_end or t.end is None else t.end
    return first, last


class _Span(NamedTuple):
    start: dt.date | None
    end: dt.date | None
    granularity: str
    open_start: bool = False
    open_end: bool = False
    hedge_applied: bool = False  # the reading already widened itself for "about"


class _NeedsPublished(Exception):
    """Raised inside the parser by any reading that is relative to a publication date we do not have."""


class _RelativeToEvent(Exception):
    """Raised by offsets counted from an event in the story ("18 months prior"), not from publication."""


def resolve_time(text: str, published: dt.date | None) -> TimeInterval:
    """Read `text` into an interval; relative words resolve against `published`. Never raises on any string:
    what needs a missing publication date, or is not understood, comes back unresolved with the reason."""
    s = _normalise(text)
    reason = NOT_UNDERSTOOD
    span = None
    if s and len(s) <= MAX_TEXT_LENGTH:
        try:
            span = _parse(s, published)
        except _NeedsPublished:
            reason = NEEDS_PUBLICATION_DATE
        except _RelativeToEvent:
            reason = RELATIVE_TO_EVENT
        except (ValueError, OverflowError):  # a date that does not exist, or lies beyond the calendar
            span = None
    if span is None:
        return TimeInterval(text, None, None, "unresolved", reason=reason)
    return TimeInterval(text, span.start, span.end, span.granularity, span.open_start, span.open_end)


def resolve_in_context(text: str, published: dt.date | None, *, quoted: bool) -> TimeInterval:
    """Like resolve_time, but inside a direct quotation "ago" and "last month" count from the
    moment of speaking, not from publication: a 2024 article quoting a 2022 tweet's "18 months
    ago" must not resolve to 2023. Absolute dates in quotations still resolve."""
    if not quoted:
        return resolve_time(text, published)
    reading = resolve_time(text, None)
    if reading.reason == NEEDS_PUBLICATION_DATE:
        return replace(reading, reason=SAID_AT_UNKNOWN_TIME)
    return reading


def _normalise(text: str) -> str:
    s = re.sub("[\u2010-\u2015\u2212]", "-", text.casefold())
    s = re.sub(r"(?<![0-9])\.|\.(?![0-9])|[,;:!?()\[\]\"'’‘“”]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _need(published: dt.date | None) -> dt.date:
    if published is None:
        raise _NeedsPublished
    return published


_FILLER = re.compile(r"(?:in|on|at|during|throughout|as of|back in|sometime in|some time in|sometime|some time|"
                     r"as early as|as recently as|as late as|dated|over(?= the ))\s")
_HEDGE = re.compile(r"(?:about|around|roughly|approximately|approx|nearly|almost|circa|ca|c|some|close to|"
                    r"more or less|just over|just under)\s")
_TRAILING_HEDGE = re.compile(r"\s(?:or so|give or take|or thereabouts)$")


def _parse(s: str, pub: dt.date | None, hedged: bool = False, allow_range: bool = True) -> _Span | None:
    while True:
        if m := _FILLER.match(s):
            s = s[m.end():]
        elif m := _HEDGE.match(s):
            s, hedged = s[m.end():], True
        elif m := _TRAILING_HEDGE.search(s):
            s, hedged = s[:m.start()], True
        else:
            break
    span = (allow_range and _parse_range(s, pub)) or _parse_bound(s, pub) or _parse_offset(s, pub, hedged)
    if span is None:
        for pattern, rule in _RULES:
            if (m := pattern.fullmatch(s)) and (span := rule(m, pub)):
                break
    if span is None and s.startswith("the "):
        return _parse(s[4:], pub, hedged, allow_range)
    if span is not None and hedged and not span.hedge_applied:
        span = _widen(span)
    return span


def _widen(span: _Span) -> _Span:
    pad = dt.timedelta(days=HEDGE_PADDING_DAYS.get(span.granularity, 31))
    return span._replace(start=span.start and span.start - pad, end=span.end and span.end + pad,
                         hedge_applied=True)


# -- ranges and open bounds ----------------------------------------------------------------------------------

_RANGE_INTRO = re.compile(r"(?:from|between) (.+)")
_RANGE_SEPARATOR = re.compile(r" (?:to|and|until|till|through|thru|-) ")
_YEAR_AT_END = re.compile(r".* ([12][0-9]{3})")


def _parse_range(s: str, pub: dt.date | None) -> _Span | None:
    intro = _RANGE_INTRO.fullmatch(s)
    body = intro.group(1) if intro else s
    needs_published = False
    for separator in _RANGE_SEPARATOR.finditer(body):
        if separator.group() == " and " and not (intro and s.startswith("between")):
            continue
        left, right = body[:separator.start()], body[separator.end():]
        try:
            first = None
            # "from March to May 2022": the year written once belongs to both ends.
            if (year := _YEAR_AT_END.fullmatch(" " + right)) and not re.search(r"[12][0-9]{3}", left):
                first = _parse(f"{left} {year.group(1)}", pub, allow_range=False)
            first = first or _parse(left, pub, allow_range=False)
            last = _parse(right, pub, allow_range=False)
        except _NeedsPublished:
            needs_published = True
            continue
        except (ValueError, OverflowError):  # this split made a date that does not exist; another may not
            continue
        if first and last and first.start and last.end and first.start <= last.end:
            granularity = max(first.granularity, last.granularity, key=GRANULARITIES.index)
            return _Span(first.start, last.end, granularity, first.open_start, last.open_end)
    if needs_published:
        raise _NeedsPublished
    return None


_SINCE = re.compile(r"(?:ever since|since|from|starting(?: in| on| from| at)?|beginning (?:in|on|from|at)) (.+)")
_UNTIL = re.compile(r"(?:until|till|til|up until|up to|through|by|no later than) (.+)")
_BEFORE = re.compile(r"(?:before|prior to|earlier than|ahead of) (.+)")
_AFTER = re.compile(r"(?:after|following|later than) (.+)")


def _parse_bound(s: str, pub: dt.date | None) -> _Span | None:
    for pattern in (_SINCE, _UNTIL, _BEFORE, _AFTER):
        if m := pattern.fullmatch(s):
            base = _parse(m.group(1), pub, allow_range=False)
            break
    else:
        return None
    if base is None:
        return None
    if pattern in (_SINCE, _AFTER):
        if base.start is None or base.end is None:
            return None
        start = base.start if pattern is _SINCE else base.end + dt.timedelta(days=1)
        return _Span(start, pub if pub and pub >= start else None, "open", open_end=True)
    if base.end is None or base.start is None:
        return None
    end = base.end if pattern is _UNTIL else base.start - dt.timedelta(days=1)
    return _Span(None, end, "open", open_start=True)


# -- offsets from the publication date ------------------------------------------------------------------------

_OFFSET = re.compile(
    r"(?:(?P<bound>more than|over|upwards of|at least|well over|less than|under|within) )?"
    r"(?P<count>.+?) (?P<unit>day|week|month|year|decade)s?(?P<half> and a half)?"
    r"(?: (?P<direction>ago|earlier|prior|before|back|previously|from now|hence))?")
_VAGUE_COUNTS = {"a couple of": (2, 3), "a couple": (2, 3), "couple of": (2, 3), "a few": (2, 4), "few": (2, 4),
                 "several": (3, 8), "a handful of": (2, 6)}


def _parse_offset(s: str, pub: dt.date | None, hedged: bool) -> _Span | None:
    m = _OFFSET.fullmatch(s)
    if not m or not (m.group("bound") or m.group("direction")):
        return None
    count = _read_count(m.group("count"))
    if count is None:
        return None
    low, high, vague = count
    if m.group("direction") in ("earlier", "prior", "before", "previously"):
        # "18 months prior" counts back from something the story describes (a tweet, a meeting),
        # which may be years before publication: resolving it against publication would invent dates.
        raise _RelativeToEvent
    if m.group("half"):
        low, high = low + 0.5, high + 0.5
    unit, bound, pub = m.group("unit"), m.group("bound") or "", _need(pub)
    days = _UNIT_DAYS[unit]
    granularity = "year" if unit == "decade" else unit
    past = m.group("direction") not in ("from now", "hence")
    if bound in ("less than", "under", "within"):
        reach = dt.timedelta(days=math.ceil(high * days))
        return _Span(pub - reach, pub, granularity) if past else _Span(pub, pub + reach, granularity)
    if bound:  # "more than a year ago", "in over a year": all before that point
        return _Span(None, pub - dt.timedelta(days=math.floor(low * days)), "open", open_start=True) if past else None
    hedged = hedged or vague
    near, far = low * days, high * days
    rounding = 0.0 if unit == "day" else days / 2  # "two weeks ago" is said of anything that rounds to two weeks
    near = max(0.0, near - max(rounding, OFFSET_HEDGE * near if hedged else 0.0))
    far = far + max(rounding, OFFSET_HEDGE * far if hedged else 0.0)
    sign = -1 if past else 1
    ends = sorted(pub + sign * dt.timedelta(days=d) for d in (math.floor(near), math.ceil(far)))
    start, end = ends
    # "a year ago" is also said of anything in the previous calendar year: cover that reading too.
    if low == high == int(low) and unit in ("week", "month", "year"):
        first, last = _calendar_unit(pub, unit, sign * int(low))
        start, end = min(start, first), max(end, last)
    return _Span(start, end, granularity, hedge_applied=hedged)


def _read_count(text: str) -> tuple[float, float, bool] | None:
    if text in _VAGUE_COUNTS:
        low, high = _VAGUE_COUNTS[text]
        return low, high, True
    n = read_number(text)
    if n is None or not 0 < n <= 10_000:
        return None
    return n, n, False


def _calendar_unit(pub: dt.date, unit: str, shift: int) -> tuple[dt.date, dt.date]:
    """The calendar week, month or year `shift` units from the one holding `pub`."""
    if unit == "year":
        return dt.date(pub.year + shift, 1, 1), dt.date(pub.year + shift, 12, 31)
    if unit == "month":
        year, month = divmod(pub.year * 12 + pub.month - 1 + shift, 12)
        return _month(year, month + 1)
    monday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(weeks=shift)
    return monday, monday + dt.timedelta(days=6)


# -- calendar helpers -----------------------------------------------------------------------------------------

def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _day(year: int, month: int, day: int | None) -> dt.date:
    return dt.date(year, month, day or calendar.monthrange(year, month)[1])


def _nearest(make: Callable[[int], tuple[dt.date, dt.date]], pub: dt.date | None) -> tuple[dt.date, dt.date]:
    """The occurrence nearest the publication date of a time written without its year ("Oct. 3", "in March"),
    the earlier one on a tie: "Dec. 28" in a January article is last December's."""
    pub = _need(pub)
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


def _season(name: str, year: int) -> tuple[dt.date, dt.date]:
    if name == "winter":
        (m1, d1), (m2, d2) = WINTER
        return dt.date(year, m1, d1), dt.date(year + 1, m2, d2)
    (m1, d1), (m2, d2), _ = YEAR_PARTS[name]
    return dt.date(year, m1, d1), _day(year, m2, d2)


def _span(bounds: tuple[dt.date, dt.date], granularity: str) -> _Span:
    return _Span(bounds[0], bounds[1], granularity)


# -- the readings, each matched against the whole normalised text --------------------------------------------

_MONTHS = {name: n for n, name in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_WEEKDAYS = {name: n for n, name in enumerate("mon tue wed thu fri sat sun".split())}
MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
        r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
WEEKDAY = r"(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|" \
          r"sun(?:day)?)"
YEAR = r"([12][0-9]{3})"
ORDINAL = r"([0-9]{1,2})(?:st|nd|rd|th)?"
SEASON = r"(spring|summer|fall|autumn|winter)"
UNIT = r"(day|week|month|year|decade)s?"
_PART_NAMES = "|".join(sorted((*YEAR_PARTS, "winter"), key=len, reverse=True))


def _iso_date(m: re.Match[str], pub: dt.date | None) -> _Span:
    day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    return _Span(day, day, "day")


def _numeric_date(m: re.Match[str], pub: dt.date | None) -> _Span:
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    readings = [dt.date(year, month, day) for month, day in ((b, a), (a, b)) if month <= 12 and day <= 31]
    if not readings:
        raise ValueError("no month in a numeric date")
    # 03/04/2022 is 3 April to some outlets and 4 March to others: cover both rather than pick one.
    return _Span(min(readings), max(readings), "day" if len(set(readings)) == 1 else "month")


def _day_of_month(day: str, month: str, year: str | None, pub: dt.date | None) -> _Span:
    make = lambda y: (dt.date(y, _MONTHS[month[:3]], int(day)),) * 2  # noqa: E731
    return _span(make(int(year)) if year else _nearest(make, pub), "day")


def _month_of(m: re.Match[str], pub: dt.date | None) -> _Span:
    make = lambda y: _month(y, _MONTHS[m[1][:3]])  # noqa: E731
    return _span(make(int(m[2])) if m[2] else _nearest(make, pub), "month")


def _year(m: re.Match[str], pub: dt.date | None) -> _Span:
    return _Span(dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31), "year")


def _year_range(m: re.Match[str], pub: dt.date | None) -> _Span | None:
    first, second = int(m[1]), m[2]
    last = first // 100 * 100 + int(second) if len(second) == 2 else int(second)
    if last > first:
        return _Span(dt.date(first, 1, 1), dt.date(last, 12, 31), "year")
    if len(second) == 2 and 1 <= int(second) <= 12:  # "2024-10" is October 2024
        return _span(_month(first, int(second)), "month")
    return None


def _decade(m: re.Match[str], pub: dt.date | None) -> _Span:
    first = int(m[2]) * 10
    offsets = {"early": (0, 4), "mid": (3, 7), "late": (6, 9), None: (0, 9)}[m[1]]
    return _Span(dt.date(first + offsets[0], 1, 1), dt.date(first + offsets[1], 12, 31), "year")


def _quarter_or_half(kind: str, number: int, year: str | None, pub: dt.date | None) -> _Span:
    months = 3 if kind == "quarter" else 6
    make = lambda y: (dt.date(y, months * (number - 1) + 1, 1), _day(y, months * number, None))  # noqa: E731
    return _span(make(int(year)) if year else _nearest(make, pub), kind)


def _named_day(m: re.Match[str], pub: dt.date | None) -> _Span:
    shift = {"yesterday": -1, "today": 0, "tonight": 0, "this morning": 0, "tomorrow": 1, "last night": -1,
             "the day before yesterday": -2}[m[1]]
    day = _need(pub) + dt.timedelta(days=shift)
    return _Span(day, day, "day")


def _calendar_relative(m: re.Match[str], pub: dt.date | None) -> _Span:
    which, unit, pub = m[1], m[2], _need(pub)
    if which in ("last", "previous") and unit == "week":
        # "last week" is the previous calendar week to some, the seven days before publication to others.
        return _Span(_calendar_unit(pub, "week", -1)[0], pub - dt.timedelta(days=1), "week")
    shift = {"last": -1, "previous": -1, "this": 0, "the current": 0, "current": 0, "next": 1}[which]
    return _span(_calendar_unit(pub, unit, shift), unit)


def _earlier_or_later_this(m: re.Match[str], pub: dt.date | None) -> _Span:
    pub = _need(pub)
    first, last = _calendar_unit(pub, m[2], 0)
    return _Span(first, pub, m[2]) if m[1] == "earlier" else _Span(pub, last, m[2])


def _rolling(m: re.Match[str], pub: dt.date | None) -> _Span | None:
    count = _read_count(m[1]) if m[1] else (1, 1, False)
    if count is None:
        return None
    pub = _need(pub)
    reach = dt.timedelta(days=math.ceil(count[1] * _UNIT_DAYS[m[2]]))
    return _Span(pub - reach, pub, "year" if m[2] == "decade" else m[2])


def _recent(m: re.Match[str], pub: dt.date | None) -> _Span:
    pub = _need(pub)
    return _Span(pub - dt.timedelta(days=RECENCY_DAYS[m[1] or "recently"]), pub, m[1] or "month")


def _weekday(m: re.Match[str], pub: dt.date | None) -> _Span:
    which, weekday, pub = m[1], _WEEKDAYS[m[2][:3]], _need(pub)
    back = (pub.weekday() - weekday) % 7  # days since the most recent such weekday, 0 if today
    if which == "this":
        day = pub - dt.timedelta(days=pub.weekday() - weekday)
        return _Span(day, day, "day")
    if which == "next":
        ahead = (weekday - pub.weekday()) % 7 or 7
        days = sorted({ahead, 7 - pub.weekday() + weekday})
        return _Span(pub + dt.timedelta(days=days[0]), pub + dt.timedelta(days=days[-1]), "day")
    if which in ("last", "past"):
        # "last Sunday" is the most recent one before publication, or the one in the previous week, and weeks
        # start on Monday for some outlets and on Sunday for others.
        nearest = back or 7
        farthest = max(pub.weekday() + 7 - weekday, (pub.weekday() + 1) % 7 + 7 - (weekday + 1) % 7)
        farthest = farthest if which == "last" else nearest
        return _Span(pub - dt.timedelta(days=max(nearest, farthest)), pub - dt.timedelta(days=nearest), "day")
    day = pub - dt.timedelta(days=back)
    return _Span(day, day, "day")


def _relative_season(m: re.Match[str], pub: dt.date | None) -> _Span:
    which, name, pub = m[1], m[2], _need(pub)
    occurrences = [_season(name, year) for year in range(pub.year - 2, pub.year + 2)]
    if which in ("last", "past", "previous"):
        return _span(max(o for o in occurrences if o[1] < pub), "season")
    if which == "next":
        return _span(min(o for o in occurrences if o[0] > pub), "season")
    return _span(_nearest(lambda y: _season(name, y), pub), "season")


def _part(m: re.Match[str], pub: dt.date | None) -> _Span | None:
    part, base_text = m[1], m[2]
    base_text = {"the year": "this year", "the month": "this month"}.get(base_text, base_text)
    base = _parse(base_text, pub, allow_range=False)
    if base is None or base.start is None or base.end is None or base.open_start or base.open_end:
        return None
    if base.granularity == "year" and base.end.year - base.start.year <= 1:
        if part == "winter":
            return _span(_season("winter", base.start.year), "season")
        if part not in YEAR_PARTS or base.end.year != base.start.year:
            return None
        (m1, d1), (m2, d2), granularity = YEAR_PARTS[part]
        return _Span(dt.date(base.start.year, m1, d1), _day(base.start.year, m2, d2), granularity)
    if base.granularity == "month" and part in MONTH_PARTS:
        first, last = MONTH_PARTS[part]
        return _Span(base.start.replace(day=first), _day(base.start.year, base.start.month, last), "week")
    return None


_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str], dt.date | None], _Span | None]]] = [
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
    (re.compile(rf"q([1-4])(?: of)?(?: {YEAR})?"), lambda m, pub: _quarter_or_half("quarter", int(m[1]), m[2], pub)),
    (re.compile(rf"{YEAR} q([1-4])"), lambda m, pub: _quarter_or_half("quarter", int(m[2]), m[1], pub)),
    (re.compile(rf"([1-4])q(?: {YEAR})?"), lambda m, pub: _quarter_or_half("quarter", int(m[1]), m[2], pub)),
    (re.compile(rf"h([12])(?: of)?(?: {YEAR})?"), lambda m, pub: _quarter_or_half("half", int(m[1]), m[2], pub)),
    (re.compile(rf"{YEAR} h([12])"), lambda m, pub: _quarter_or_half("half", int(m[2]), m[1], pub)),
    (re.compile(rf"([12])h(?: {YEAR})?"), lambda m, pub: _quarter_or_half("half", int(m[1]), m[2], pub)),
    (re.compile(r"(?:the )?(first|second|third|fourth) quarter"),
     lambda m, pub: _quarter_or_half("quarter", ["first", "second", "third", "fourth"].index(m[1]) + 1, None, pub)),
    (re.compile(r"(yesterday|today|tonight|this morning|tomorrow|last night|the day before yesterday)"), _named_day),
    (re.compile(r"(last|previous|this|the current|current|next) (week|month|year)"), _calendar_relative),
    (re.compile(r"(earlier|later) (?:this|in the) (week|month|year)"), _earlier_or_later_this),
    (re.compile(rf"the (?:past|last|previous|preceding) (?:(.+?) )?{UNIT}"), _rolling),
    (re.compile(rf"(?:past|last|previous) (?:(.+?) )?{UNIT}"), _rolling),
    (re.compile(r"(?:the )?recent (day|week|month|year)s|recently|lately|of late"), _recent),
    (re.compile(rf"(?:(last|this|next|past) )?(?:early |late )?{WEEKDAY}(?: morning| afternoon| evening| night)?"),
     _weekday),
    (re.compile(rf"(?:(last|this|next|past|previous) )?{SEASON}"), _relative_season),
    (re.compile(rf"(?:the )?({_PART_NAMES})(?: of |-| - | )(.+)"), _part),
]
