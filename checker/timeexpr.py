"""Time expressions as inclusive date intervals, so that differently worded times are compared by what
they allow.

`resolve_time` reads a time as an article wrote it ("late 2022", "about 18 months ago", "on Tuesday")
into a TimeInterval, resolving relative words against the publication date and never guessing one
that is missing; `times_conflict` is True only when two resolved intervals cannot overlap.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from .timeexpr_calendar import (
    GRANULARITIES,
    HEDGE_PADDING_DAYS,
    MONTH_PARTS,
    OFFSET_HEDGE,
    RECENCY_DAYS,
    WINTER,
    YEAR_PARTS,
    NeedsPublished,
    RelativeToEvent,
    Span,
    day_or_last,
    season,
    span_of,
)
from .timeexpr_rules import PART_NAMES, READINGS, Reading, parse_offset

__all__ = ["TimeInterval", "resolve_time", "resolve_in_context", "times_conflict", "GRANULARITIES",
           "NEEDS_PUBLICATION_DATE", "NOT_UNDERSTOOD", "RELATIVE_TO_EVENT", "SAID_AT_UNKNOWN_TIME",
           "MAX_TEXT_LENGTH", "OFFSET_HEDGE", "HEDGE_PADDING_DAYS", "RECENCY_DAYS", "YEAR_PARTS", "WINTER",
           "MONTH_PARTS"]

NEEDS_PUBLICATION_DATE = "needs publication date"
NOT_UNDERSTOOD = "not understood"
RELATIVE_TO_EVENT = "counted from an event in the story, not from publication"
SAID_AT_UNKNOWN_TIME = "counted from when the quoted words were said, which is unknown"
# Longer than any time expression a model would extract; also bounds the work done on adversarial input.
MAX_TEXT_LENGTH = 120


@dataclass(frozen=True)
class TimeInterval:
    """When something happened, as an inclusive date interval.

    `open_start`: no earliest date ("more than a year ago", "until 2021"), `start` is None. `open_end`: it
    began at `start` and still held at the reference date or later ("since 2022"); `end` is then the
    publication date when known, else None. An unresolved interval has no bounds and says why in `reason`.
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
        """False for an interval that has no bounds (see `reason`)."""
        return self.granularity != "unresolved"


def times_conflict(a: TimeInterval, b: TimeInterval) -> bool:
    """True only if both are resolved and their intervals cannot overlap; an unresolved time never
    conflicts."""
    if not (a.resolved and b.resolved):
        return False
    a_first, a_last = _extent(a)
    b_first, b_last = _extent(b)
    return a_last < b_first or b_last < a_first


def _extent(t: TimeInterval) -> tuple[dt.date, dt.date]:
    first = dt.date.min if t.open_start or t.start is None else t.start
    last = dt.date.max if t.open_end or t.end is None else t.end
    return first, last


def resolve_time(text: str, published: dt.date | None) -> TimeInterval:
    """Read `text` into an interval; relative words resolve against `published`. Never raises on any string:
    what needs a missing publication date, or is not understood, comes back unresolved with the reason."""
    s = _normalise(text)
    reason = NOT_UNDERSTOOD
    span = None
    if s and len(s) <= MAX_TEXT_LENGTH:
        try:
            span = _parse(s, published)
        except NeedsPublished:
            reason = NEEDS_PUBLICATION_DATE
        except RelativeToEvent:
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


_FILLER = re.compile(r"(?:in|on|at|during|throughout|as of|back in|sometime in|some time in|sometime|"
                     r"some time|as early as|as recently as|as late as|dated|over(?= the ))\s")
_HEDGE = re.compile(r"(?:about|around|roughly|approximately|approx|nearly|almost|circa|ca|c|some|close to|"
                    r"more or less|just over|just under)\s")
_TRAILING_HEDGE = re.compile(r"\s(?:or so|give or take|or thereabouts)$")


def _parse(s: str, pub: dt.date | None, hedged: bool = False, allow_range: bool = True) -> Span | None:
    """The first reading of normalised `s` that gives a Span: a range, an open bound, an offset, then
    the rules in order; fillers ("in", "during") are dropped and hedges ("about") widen the result."""
    while True:
        if m := _FILLER.match(s):
            s = s[m.end():]
        elif m := _HEDGE.match(s):
            s, hedged = s[m.end():], True
        elif m := _TRAILING_HEDGE.search(s):
            s, hedged = s[:m.start()], True
        else:
            break
    span = (allow_range and _parse_range(s, pub)) or _parse_bound(s, pub) or parse_offset(s, pub, hedged)
    if span is None:
        for pattern, rule in _RULES:
            if (m := pattern.fullmatch(s)) and (span := rule(m, pub)):
                break
    if span is None and s.startswith("the "):
        return _parse(s[4:], pub, hedged, allow_range)
    if span is not None and hedged and not span.hedge_applied:
        span = _widen(span)
    return span


def _widen(span: Span) -> Span:
    pad = dt.timedelta(days=HEDGE_PADDING_DAYS.get(span.granularity, 31))
    return span._replace(start=span.start and span.start - pad, end=span.end and span.end + pad,
                         hedge_applied=True)


# -- ranges and open bounds -----------------------------------------------------------------------------

_RANGE_INTRO = re.compile(r"(?:from|between) (.+)")
_RANGE_SEPARATOR = re.compile(r" (?:to|and|until|till|through|thru|-) ")
_YEAR_AT_END = re.compile(r".* ([12][0-9]{3})")


def _parse_range(s: str, pub: dt.date | None) -> Span | None:
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
        except NeedsPublished:
            needs_published = True
            continue
        except (ValueError, OverflowError):  # this split made a date that does not exist; another may not
            continue
        if first and last and first.start and last.end and first.start <= last.end:
            granularity = max(first.granularity, last.granularity, key=GRANULARITIES.index)
            return Span(first.start, last.end, granularity, first.open_start, last.open_end)
    if needs_published:
        raise NeedsPublished
    return None


_SINCE = re.compile(r"(?:ever since|since|from|starting(?: in| on| from| at)?"
                    r"|beginning (?:in|on|from|at)) (.+)")
_UNTIL = re.compile(r"(?:until|till|til|up until|up to|through|by|no later than) (.+)")
_BEFORE = re.compile(r"(?:before|prior to|earlier than|ahead of) (.+)")
_AFTER = re.compile(r"(?:after|following|later than) (.+)")


def _parse_bound(s: str, pub: dt.date | None) -> Span | None:
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
        return Span(start, pub if pub and pub >= start else None, "open", open_end=True)
    if base.end is None or base.start is None:
        return None
    end = base.end if pattern is _UNTIL else base.start - dt.timedelta(days=1)
    return Span(None, end, "open", open_start=True)


# -- parts of a year or month ---------------------------------------------------------------------------

def _part(m: re.Match[str], pub: dt.date | None) -> Span | None:
    """A part of the year or month a time names: "late 2022", "the first half of the year", "mid-March"."""
    part, base_text = m[1], m[2]
    base_text = {"the year": "this year", "the month": "this month"}.get(base_text, base_text)
    base = _parse(base_text, pub, allow_range=False)
    if base is None or base.start is None or base.end is None or base.open_start or base.open_end:
        return None
    if base.granularity == "year" and base.end.year - base.start.year <= 1:
        if part == "winter":
            return span_of(season("winter", base.start.year), "season")
        if part not in YEAR_PARTS or base.end.year != base.start.year:
            return None
        (m1, d1), (m2, d2), granularity = YEAR_PARTS[part]
        return Span(dt.date(base.start.year, m1, d1), day_or_last(base.start.year, m2, d2), granularity)
    if base.granularity == "month" and part in MONTH_PARTS:
        first, last = MONTH_PARTS[part]
        return Span(base.start.replace(day=first), day_or_last(base.start.year, base.start.month, last),
                    "week")
    return None


# The readings that need no other, then "late <time>", which reads the time it qualifies.
_RULES: list[tuple[re.Pattern[str], Reading]] = [
    *READINGS,
    (re.compile(rf"(?:the )?({PART_NAMES})(?: of |-| - | )(.+)"), _part),
]
