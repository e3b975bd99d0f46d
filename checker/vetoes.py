"""Vetoes: what the time and amount normalisers may say about a conflict, and when (pure).

`clashing_values` finds times or amounts of two claims that cannot overlap (a candidate for
verification). `veto` suppresses a model's numeric or temporal conflict only when every value
the normalisers read is the value stated: a negation, a modal or a comparative governing an
amount or time ("may not ... more than one", "no more than 50", "not before March") means
the range read is not what the sentence claims, so the model's conflict stands.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TypeVar

from .quantity import QuantityRange, parse_quantity, quantities_conflict
from .timeexpr import TimeInterval, resolve_in_context, times_conflict
from .types import Claim, Conflict

NEGATIONS = frozenset("not no never none neither nor without cannot can't won't don't doesn't "
                      "didn't isn't aren't wasn't weren't shouldn't mustn't".split())
MODALS = frozenset("may might must shall should can could would will need".split())
COMPARATIVES = frozenset("more less fewer greater over under above below exceed exceeds exceeding "
                         "beyond most least maximum minimum before after until since earlier later "
                         "within prior than".split())
CUES = NEGATIONS | MODALS | COMPARATIVES
WINDOW = 6  # words before a value that can govern it, within its clause
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]—–]|\s-\s")
_Reading = TypeVar("_Reading", QuantityRange, TimeInterval)


def governing_cue(text: str, expression: str) -> str | None:
    """The negation, modal or comparative that governs `expression` in `text`, if any.

    Looks inside the expression and at the few words before it in the same clause; an
    expression not found in the text is judged by its own words."""
    own: list[str] = [w.casefold().replace("’", "'") for w in _WORD.findall(expression)]
    for word in own:
        if word in CUES:
            return word
    at = text.casefold().find(expression.casefold())
    if at < 0:
        return None
    before = _CLAUSE_BREAK.split(text[max(0, at - 80):at])[-1]
    words: list[str] = [w.casefold().replace("’", "'") for w in _WORD.findall(before)]
    for word in reversed(words[-WINDOW:]):
        if word in CUES or word.endswith("n't"):
            return word
    return None


def time_readings(claim: Claim, published: Mapping[str, date | None]) -> list[TimeInterval]:
    pub = published.get(claim.doc_id)
    readings = [resolve_in_context(t, pub, quoted=claim.stance == "quoted") for t in claim.times]
    return [r for r in readings if r.resolved]


def amount_readings(claim: Claim) -> list[QuantityRange]:
    readings = [parse_quantity(q) for q in claim.quantities
                if not any(q in t or t in q for t in claim.times)]  # "18 months ago" is a time
    return [r for r in readings if r.resolved]


def clashing_values(a: Claim, b: Claim, published: Mapping[str, date | None]) -> str | None:
    """A note naming two values of a and b that cannot overlap, or None."""
    for x in time_readings(a, published):
        for y in time_readings(b, published):
            if times_conflict(x, y):
                return f"times cannot overlap as read: {x.text!r} is {x.start} to {x.end}; " \
                       f"{y.text!r} is {y.start} to {y.end}"
    for p in amount_readings(a):
        for q in amount_readings(b):
            if quantities_conflict(p, q):
                return f"amounts cannot overlap as read: {p.text!r} vs {q.text!r}"
    return None


def _governed(claim: Claim, texts: Mapping[str, str]) -> str | None:
    text = texts[claim.doc_id][claim.start:claim.end]
    for expression in (*claim.times, *claim.quantities):
        cue = governing_cue(text, expression) or governing_cue(claim.statement, expression)
        if cue is not None:
            return f"{cue!r} governs {expression!r}"
    return None


def veto(conflict: Conflict, claims: Mapping[str, Claim], texts: Mapping[str, str],
         published: Mapping[str, date | None]) -> str | None:
    """Why a numeric or temporal conflict is only apparent, or None when it must stand.

    Suppressed only when some pair of values is comparable, every comparable pair overlaps,
    and no value on any side is governed by a negation, modal or comparative."""
    if conflict.type not in ("numeric", "temporal"):
        return None
    sides: list[Sequence[Claim]] = [[claims[c] for c in side.claim_ids] for side in conflict.sides]
    for side in sides:
        for claim in side:
            if _governed(claim, texts) is not None:
                return None
    if conflict.type == "numeric":
        amounts = [[v for c in side for v in amount_readings(c)] for side in sides]
        return _overlap(conflict.type, amounts, quantities_conflict)
    times = [[v for c in side for v in time_readings(c, published)] for side in sides]
    return _overlap(conflict.type, times, times_conflict)


def _overlap(kind: str, values: Sequence[Sequence[_Reading]],
             clash: Callable[[_Reading, _Reading], bool]) -> str | None:
    """The veto's note when some values of different sides compare and none of them clash."""
    pairs = [(x, y) for i, side in enumerate(values) for other in values[i + 1:]
             for x in side for y in other]
    if not pairs or any(clash(x, y) for x, y in pairs):
        return None
    shown = "; ".join(f"{x.text!r} ~ {y.text!r}" for x, y in pairs[:3])
    return f"{kind} values overlap once normalised ({shown})"
