"""Quantities as numeric ranges, so that differently worded figures are compared by what they allow.

`parse_quantity` reads a figure as an article wrote it ("at least $75 million", "thousands of
terminals", "€2bn") into a QuantityRange with a normalised unit; `quantities_conflict` is True only
when both are resolved, their units are compatible and their ranges cannot overlap. `read_number`
reads one number in digits or English words.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

# An exact figure stands for anything that rounds to it, but rounding never stretches it by more than this
# fraction: "100" is not 50-150 just because it has one significant digit.
ROUNDING_CAP = 0.05
# "about X" and its synonyms: outlets rounding the same number differently stay within this fraction of X.
APPROXIMATE = 0.15
# Longer than any figure a model would extract; also bounds the work done on adversarial input.
MAX_TEXT_LENGTH = 200

# Vague plurals as the smallest and largest count the word allows. A plural needs at least two of its unit:
# "thousands" is 2,000 and up (1,000-1,999 is "a thousand" or "over a thousand"), and it stops where the next
# scale word would have been used ("hundreds of thousands"), so "thousands" ends at 999,999.
VAGUE_PLURALS = {
    "tens": (20, 99), "dozens": (24, 199), "scores": (40, 199), "hundreds": (200, 999),
    "thousands": (2_000, 999_999), "millions": (2_000_000, 999_999_999),
    "billions": (2e9, 1e12 - 1), "trillions": (2e12, 1e15 - 1),
}
# Vague counts before a scale word or a noun: "a few thousand", "several million", "a handful of terminals".
VAGUE_COUNTS = {"a few": (2, 5), "few": (2, 5), "several": (3, 9), "a couple of": (2, 3), "a couple": (2, 3),
                "a handful of": (2, 6), "a handful": (2, 6)}
SCALES = {"hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6,
          "billion": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}
_PLURAL_SCALES = {"thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12}

# Canonical hedge for every phrase that may stand before a figure ("at least 5") or after it ("5 or more").
HEDGES = {
    **dict.fromkeys(["about", "around", "roughly", "approximately", "approx", "some", "an estimated",
                     "estimated", "circa", "ca", "close to", "in the region of", "more or less"], "about"),
    **dict.fromkeys(["nearly", "almost", "just under", "just shy of", "not quite"], "nearly"),
    **dict.fromkeys(["just over", "just above", "slightly more than", "a little over"], "just over"),
    **dict.fromkeys(["more than", "over", "above", "upwards of", "in excess of", "exceeding", "north of",
                     "greater than", "well over"], "more than"),
    **dict.fromkeys(["at least", "no fewer than", "no less than", "not less than", "a minimum of"],
                    "at least"),
    **dict.fromkeys(["up to", "as many as", "as much as", "as high as", "at most", "no more than",
                     "not more than", "a maximum of"], "up to"),
    **dict.fromkeys(["less than", "under", "below", "fewer than", "south of"], "less than"),
    "between": "between",
}
SUFFIX_HEDGES = {
    **dict.fromkeys(["or so", "or thereabouts", "odd"], "about"),
    **dict.fromkeys(["+", "plus", "and counting"], "more than"),
    **dict.fromkeys(["or more", "and more"], "at least"),
    **dict.fromkeys(["or less", "or fewer"], "up to"),
}

# Longest first, so that "c$" is read before "$".
_CURRENCY_SYMBOLS = {"us$": "USD", "au$": "AUD", "usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY",
                     "c$": "CAD", "a$": "AUD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_CURRENCY_WORDS = {"dollar": "USD", "us dollar": "USD", "american dollar": "USD", "canadian dollar": "CAD",
                   "australian dollar": "AUD", "euro": "EUR", "pound": "GBP", "pound sterling": "GBP",
                   "sterling": "GBP", "yen": "JPY",
                   **{code.lower(): code for code in ("USD", "EUR", "GBP", "JPY")}}

_ONES = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {word: 10 * n
         for n, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_BIG = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER_WORD = "|".join(sorted([*_ONES, *_TENS], key=len, reverse=True))
_WORD_RUN = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?: and |[ -])(?:{_NUMBER_WORD}|hundred|dozen)\b)*\b")
_DIGITS = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|-?\.[0-9]+")

_AMOUNT = re.compile(
    r"(?<![\w.,$€£¥])(?P<sign>-|minus )?(?P<prefix>us\$|au\$|[ca]\$|[$€£¥]|(?:usd|eur|gbp|jpy)(?= ?[0-9]))? ?"
    r"(?P<digits>(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)"
    r"(?:(?: ?(?P<scale>thousand|million|billion|trillion|mln|mn|bln|bn|tn)|(?P<short>[kmb]))(?![a-z]))?")
_RANGE_SEPARATOR = re.compile(r" ?(?:-|to|or|and) ?")
_PERCENT = re.compile(r" ?(?:(?P<points>percentage points?|pts?\b)|%|percent\b|per cent\b|pct\b)")
_CURRENCY_AFTER = re.compile(r" ?(?P<word>(?:us |american |canadian |australian )?dollars?|euros?|"
                             r"pounds? sterling|sterling|pounds?(?! of)|yen|usd|eur|gbp|jpy)\b")
_SUFFIX_HEDGE = re.compile(r"^ ?(?:\+|-?plus\b|-?odd\b)|\b(?:or more|and more|or so|or thereabouts|or less|"
                           r"or fewer|and counting)\b")
_PREFIX_HEDGE = re.compile(r"(?:^| )(?P<hedge>{})$".format("|".join(sorted(HEDGES, key=len, reverse=True))))
_VAGUE = re.compile(
    r"\b(?:(?P<plural>{})(?: of (?P<of>thousands|millions|billions|trillions))?\b"
    r"|(?P<count>{})(?: (?P<scale>hundred|thousand|million|billion|trillion))?\b)".format(
        "|".join(VAGUE_PLURALS), "|".join(sorted(VAGUE_COUNTS, key=len, reverse=True))))
_WORD = re.compile(r"[a-z][a-z-]*")
# Words that end the noun phrase after a figure, or can never be its head noun.
_NOT_A_UNIT = frozenset(
    "in on at for to from with by of that which who whom whose were was are is be been being have has had "
    "will would could should may might can and or but as per than across into over under since during each "
    "a an the this these those its their his her our your my it they them we he she there here now then when "
    "where while so also not no only just about around after before between through within without worth "
    "valued including according said say says reported more less odd plus".split()) | set(SCALES) | set(_BIG)
_LEADING_NON_UNIT = frozenset(
    "of the its their his her our these those such additional more new other".split())
_IRREGULAR_PLURALS = {"people": "person", "men": "man", "women": "woman", "children": "child", "feet": "foot",
                      "teeth": "tooth", "mice": "mouse", "geese": "goose", "lives": "life", "wives": "wife",
                      "knives": "knife", "halves": "half", "police": "police", "personnel": "personnel",
                      "staff": "staff", "data": "data", "media": "media", "criteria": "criterion"}
_UNCHANGING = frozenset("news series species aircraft sheep deer fish gas bus status".split())


@dataclass(frozen=True)
class QuantityRange:
    """What a figure allows: `low`..`high` inclusive, None for an open side; unresolved when both are None."""

    text: str
    low: float | None
    high: float | None
    unit: str | None  # "USD", "EUR", "GBP", "percent", or a lower-case singular noun ("terminal", "person")
    hedge: str | None  # canonical hedge ("about", "at least", "more than", "up to", ...) or the vague phrase

    def __post_init__(self) -> None:
        if self.low is not None and self.high is not None and not self.low <= self.high:
            raise ValueError(f"quantity range must have low <= high, got {self.low!r}..{self.high!r}")

    @property
    def resolved(self) -> bool:
        return self.low is not None or self.high is not None


def quantities_conflict(a: QuantityRange, b: QuantityRange) -> bool:
    """True only if both are resolved, in the same unit (or one has none), and their ranges cannot overlap."""
    if not (a.resolved and b.resolved):
        return False
    if a.unit is not None and b.unit is not None and a.unit != b.unit:
        return False
    a_low, a_high = _extent(a)
    b_low, b_high = _extent(b)
    return a_high < b_low or b_high < a_low


def _extent(q: QuantityRange) -> tuple[float, float]:
    return (-math.inf if q.low is None else q.low), (math.inf if q.high is None else q.high)


class _Figure(NamedTuple):
    """One number as written: its digits (which tell its rounding) and the scale word after it."""

    digits: str
    scale: float
    negative: bool

    @property
    def value(self) -> float:
        return (-1 if self.negative else 1) * float(self.digits.replace(",", "")) * self.scale

    @property
    def rounding(self) -> float:
        integer, _, fraction = self.digits.replace(",", "").partition(".")
        if fraction:
            place = 10.0 ** -len(fraction)
        else:
            significant = integer.rstrip("0")
            place = 10.0 ** (len(integer) - len(significant)) if significant else 1.0
        return min(place / 2 * self.scale, ROUNDING_CAP * abs(self.value))


class _Reading(NamedTuple):
    low: float | None
    high: float | None
    unit: str | None
    hedge: str | None


def parse_quantity(text: str, *, value: float | None = None, unit: str | None = None,
                   hedge: str | None = None) -> QuantityRange:
    """Read `text` into a range; `value`, `unit` and `hedge` (the extracting model's reading) fill in only
    what the text itself does not say. Never raises on any string: what cannot be read comes back
    unresolved."""
    hinted_unit = normalize_unit(unit)
    hinted_hedge = _canonical_hedge(hedge)
    reading = None
    try:
        normalised = _normalise(text)
        if len(normalised) <= MAX_TEXT_LENGTH:
            reading = _read_text(_words_to_digits(normalised), hinted_hedge)
        if reading is None and value is not None and math.isfinite(value):
            figure = _Figure(f"{abs(value):.6f}".rstrip("0").rstrip("."), 1.0, value < 0)
            low, high = _bounds(figure, figure, hinted_hedge)
            reading = _Reading(low, high, None, hinted_hedge)
    except (ValueError, OverflowError):
        reading = None
    if reading is None or not all(b is None or math.isfinite(b) for b in (reading.low, reading.high)):
        return QuantityRange(text, None, None, hinted_unit, hinted_hedge)
    return QuantityRange(text, reading.low, reading.high, reading.unit or hinted_unit, reading.hedge)


def read_number(text: str) -> float | None:
    """A number in digits or English words: "18", "1,500", "2.5", "two", "twenty-five", "a", "a dozen",
    "one and a half", "two hundred". None when the whole text is not one number."""
    s = _normalise(text)
    extra = 0.0
    if s.endswith(" and a half"):
        s, extra = s[: -len(" and a half")], 0.5
    if s in ("a", "an"):
        return 1.0 + extra
    if s in ("half", "a half", "half a", "half an"):
        return 0.5 if not extra else None
    if _DIGITS.fullmatch(s):
        return float(s.replace(",", "")) + extra
    words = s.replace("-", " ").split()
    value = _words_value(words)
    return None if value is None else value + extra


def normalize_unit(unit: str | None) -> str | None:
    """The unit a model or an article names, normalised: a currency code, "percent", "percentage point",
    or the lower-case singular head noun ("Starlink terminals" -> "terminal")."""
    if not unit:
        return None
    s = _normalise(unit)
    if re.search(r"percentage points?\b", s):
        return "percentage point"
    if re.search(r"%|\bper ?cent(?:age)?\b|\bpct\b", s):
        return "percent"
    for symbol, code in _CURRENCY_SYMBOLS.items():
        if symbol in s and (not symbol.isalpha() or re.search(rf"\b{symbol}\b", s)):
            return code
    words = [w for w in _WORD.findall(s) if w not in SCALES and w not in _BIG]
    if not words:
        return None
    phrase = " ".join(_singular(w) for w in words[-2:])
    if phrase in _CURRENCY_WORDS or _singular(words[-1]) in _CURRENCY_WORDS:
        return _CURRENCY_WORDS.get(phrase) or _CURRENCY_WORDS[_singular(words[-1])]
    return _singular(words[-1])


def _canonical_hedge(hedge: str | None) -> str | None:
    if not hedge:
        return None
    s = _normalise(hedge)
    return HEDGES.get(s) or SUFFIX_HEDGES.get(s) or (s if s in VAGUE_PLURALS else None)


def _normalise(text: str) -> str:
    s = text.casefold()
    # Spaces grouping the digits of a figure ("15 000", often a no-break or thin space) belong to the number.
    s = re.sub(r"(?<![0-9.,])([0-9]{1,3})((?:[ \u00a0\u202f\u2009][0-9]{3})+)(?![0-9])",
               lambda m: m.group(1) + re.sub(r"\D", ",", m.group(2)), s)
    s = re.sub("[\u2010-\u2015\u2212]", "-", s).replace("~", " about ").replace("u.s.", "us")
    s = re.sub(r"(?<![0-9])\.|\.(?![0-9])|[,;:!?()\"'’“”](?![0-9]{3})", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _words_to_digits(s: str) -> str:
    s = re.sub(r"\bhalf an? (?=(?:thousand|million|billion|trillion)\b)", "0.5 ", s)
    s = re.sub(r"\ban? (?=(?:hundred|thousand|million|billion|trillion|dozen)\b)", "one ", s)
    return _WORD_RUN.sub(lambda m: _format(_words_value(m.group().replace("-", " ").split()), m.group()), s)


def _format(value: float | None, original: str) -> str:
    return original if value is None else f"{value:.0f}"


def _words_value(words: list[str]) -> float | None:
    """English number words, each joined the way English allows ("twenty five", "two hundred and five")."""
    total, group, previous = 0.0, 0.0, None
    for word in words:
        if word == "and" and previous == "hundred":
            continue
        if word in ("a", "an") and previous is None:
            group, previous = 1, "a"
        elif word in _ONES and previous in (None, "hundred", "big") or (
                word in _ONES and previous == "tens" and _ONES[word] < 10):
            group, previous = group + _ONES[word], "ones"
        elif word in _TENS and previous in (None, "hundred", "big"):
            group, previous = group + _TENS[word], "tens"
        elif word == "hundred" and previous in ("ones", "tens", "a") and group < 100:
            group, previous = group * 100, "hundred"
        elif word == "dozen" and previous in ("ones", "tens", "a"):
            group, previous = group * 12, "dozen"
        elif word in _BIG and previous not in (None, "big"):
            total, group, previous = total + group * _BIG[word], 0, "big"
        else:
            return None
    return None if previous in (None, "a") else total + group


def _read_text(s: str, hinted_hedge: str | None) -> _Reading | None:
    vague = _VAGUE.search(s)
    amount = _AMOUNT.search(s)
    if vague and (amount is None or vague.start() < amount.start()):
        return _read_vague(s, vague)
    if amount is None:
        return None
    first = last = _figure(amount)
    end, hedge = amount.end(), None
    prefixes = [amount.group("prefix")]
    before = s[: amount.start()].rstrip()
    if before.endswith("between"):
        hedge = "between"
    separator = _RANGE_SEPARATOR.match(s, end)
    if separator and (separator.group().strip() != "and" or hedge == "between"):
        second = _AMOUNT.match(s, separator.end())
        if second:
            last, end = _figure(second), second.end()
            prefixes.append(second.group("prefix"))
            hedge = "between"
            if first.scale == 1 and last.scale > 1 and float(first.digits.replace(",", "")) < float(
                    last.digits.replace(",", "")):
                first = first._replace(scale=last.scale)
            if last.value < first.value:
                first, last = last, first
    rest = s[end:]
    if prefix_hedge := _PREFIX_HEDGE.search(before):
        hedge = HEDGES[prefix_hedge.group("hedge")]
    elif suffix_hedge := _SUFFIX_HEDGE.search(rest):
        hedge = SUFFIX_HEDGES[suffix_hedge.group().strip(" -")]
    hedge = hedge or hinted_hedge
    low, high = _bounds(first, last, hedge)
    return _Reading(low, high, _unit_of(prefixes, rest), hedge)


def _figure(match: re.Match[str]) -> _Figure:
    scale_word = match.group("scale") or match.group("short")
    return _Figure(match.group("digits"), SCALES[scale_word] if scale_word else 1.0,
                   bool(match.group("sign")))


def _bounds(first: _Figure, last: _Figure, hedge: str | None) -> tuple[float | None, float | None]:
    low, high = first.value, last.value
    exact_low, exact_high = low - first.rounding, high + last.rounding
    approx_low = low - max(first.rounding, APPROXIMATE * abs(low))
    approx_high = high + max(last.rounding, APPROXIMATE * abs(high))
    if hedge == "about":
        return approx_low, approx_high
    if hedge == "nearly":
        return approx_low, exact_high
    if hedge == "just over":
        return exact_low, approx_high
    if hedge in ("more than", "at least"):
        return exact_low, None
    if hedge in ("up to", "less than"):
        return (0.0 if low >= 0 else None), exact_high
    return exact_low, exact_high


def _read_vague(s: str, match: re.Match[str]) -> _Reading:
    if match.group("plural"):
        low, high = VAGUE_PLURALS[match.group("plural")]
        scale = _PLURAL_SCALES[match.group("of")] if match.group("of") else 1.0
    else:
        low, high = VAGUE_COUNTS[match.group("count")]
        scale = SCALES[match.group("scale")] if match.group("scale") else 1.0
    rest = s[match.end():]
    return _Reading(low * scale, (high + 1) * scale - 1, _unit_of([], rest), match.group().strip())


def _unit_of(prefixes: list[str | None], rest: str) -> str | None:
    for prefix in prefixes:
        if prefix:
            return _CURRENCY_SYMBOLS[prefix.strip()]
    if percent := _PERCENT.match(rest):
        return "percentage point" if percent.group("points") else "percent"
    words = _SUFFIX_HEDGE.sub(" ", rest).split()
    while words and words[0] in _LEADING_NON_UNIT:
        words.pop(0)
    if currency := _CURRENCY_AFTER.match(" ".join(words)):
        return _CURRENCY_WORDS[" ".join(_singular(w) for w in currency.group("word").split())]
    phrase: list[str] = []
    for word in words[:4]:
        if not _WORD.fullmatch(word) or word in _NOT_A_UNIT or (phrase and word.endswith(("ed", "ing"))):
            break
        phrase.append(word)
    # The head noun as written: "500 pounds of explosives" weighs, it does not cost.
    return _singular(phrase[-1]) if phrase else None


def _singular(word: str) -> str:
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if word in _UNCHANGING or word.endswith(("ss", "us", "is")) or len(word) < 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word
