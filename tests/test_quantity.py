"""Quantities: every way of writing a figure reads into the range it allows, and only incompatible ones
conflict."""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.quantity import QuantityRange, parse_quantity, quantities_conflict, read_number

EXAMPLES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def bounds(text: str, **hints) -> tuple[float | None, float | None]:
    quantity = parse_quantity(text, **hints)
    assert quantity.resolved, text
    return quantity.low, quantity.high


def conflict(a: str, b: str) -> bool:
    return quantities_conflict(parse_quantity(a), parse_quantity(b))


# -- the behaviour the product promises ----------------------------------------------------------------------

def test_thousands_and_15000_are_compatible():
    assert not conflict("thousands of terminals", "15,000 Starlink terminals")


def test_at_least_75_million_and_80_million_are_compatible():
    assert not conflict("at least $75 million", "$80 million")


def test_3_6_billion_and_11_8_billion_conflict():
    assert conflict("$3.6 billion", "$11.8 billion")


def test_around_80_million_and_80_million_are_compatible():
    assert not conflict("around $80 million", "$80 million")


# -- exact figures and their rounding ------------------------------------------------------------------------

@pytest.mark.parametrize("text, low, high", [
    ("15,000", 14_500, 15_500),  # rounded to the thousand
    ("$75 million", 74.5e6, 75.5e6),
    ("$3.6 billion", 3.55e9, 3.65e9),
    ("1.5 million", 1.45e6, 1.55e6),
    ("$80 million", 76e6, 84e6),  # one significant digit, but rounding never stretches a figure past 5%
    ("19", 18.5, 19.5),
    ("5%", 4.75, 5.25),
])
def test_exact_figures_cover_their_rounding(text, low, high):
    assert bounds(text) == pytest.approx((low, high))


def test_close_exact_figures_conflict_when_their_rounding_cannot_meet():
    assert conflict("15,000 terminals", "13,000 terminals")
    assert not conflict("15,000 terminals", "14,000 terminals")  # 14,500 rounds to either
    assert not conflict("15,000 terminals", "15,200 terminals")


# -- hedges --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, low, high, hedge", [
    ("about 18", 15.3, 20.7, "about"),
    ("around $80 million", 68e6, 92e6, "about"),
    ("roughly 1,000 people", 850, 1150, "about"),
    ("some 15,000 terminals", 12_750, 17_250, "about"),
    ("~15,000", 12_750, 17_250, "about"),
    ("at least $75 million", 74.5e6, None, "at least"),
    ("more than 15,000", 14_500, None, "more than"),
    ("over 1.5 million", 1.45e6, None, "more than"),
    ("15,000+ terminals", 14_500, None, "more than"),
    ("5,000 or more people", 4_750, None, "at least"),
    ("up to 20%", 0, 21, "up to"),
    ("less than 200", 0, 210, "less than"),
    ("under $1 billion", 0, 1.05e9, "less than"),
    ("nearly 20,000", 17_000, 21_000, "nearly"),
    ("just over 10,000", 9_500, 11_500, "just over"),
    ("between 10,000 and 15,000 troops", 9_500, 15_500, "between"),
])
def test_hedges(text, low, high, hedge):
    quantity = parse_quantity(text)
    assert (quantity.low, quantity.high) == pytest.approx((low, high))
    assert quantity.hedge == hedge


def test_open_bounds_conflict_only_beyond_their_bound():
    assert not conflict("more than 15,000", "20,000")
    assert conflict("more than 15,000", "10,000")
    assert conflict("up to 20%", "30%")
    assert not conflict("at least $75 million", "$11.8 billion")


# -- vague words ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, low, high", [
    ("dozens", 24, 199),
    ("hundreds", 200, 999),
    ("thousands", 2_000, 999_999),
    ("tens of thousands", 20_000, 99_999),
    ("hundreds of thousands", 200_000, 999_999),
    ("millions", 2e6, 1e9 - 1),
    ("hundreds of millions", 2e8, 1e9 - 1),
    ("a few thousand", 2_000, 5_999),
    ("several hundred", 300, 999),
])
def test_vague_words(text, low, high):
    quantity = parse_quantity(text)
    assert (quantity.low, quantity.high) == pytest.approx((low, high))
    assert quantity.hedge == text


def test_vague_words_against_figures():
    assert not conflict("thousands of terminals", "2,000 terminals")
    assert conflict("thousands of terminals", "1,200 terminals")
    assert conflict("dozens of people", "5,000 people")
    assert not conflict("tens of thousands", "thousands")


# -- written numbers, currencies, scales, percent ------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("two", 2), ("one", 1), ("a dozen", 12), ("twenty-five soldiers", 25),
    ("one hundred and fifty people", 150), ("two dozen", 24), ("a million", 1e6),
    ("half a million people", 5e5), ("three thousand", 3e3),
])
def test_written_numbers(text, value):
    low, high = bounds(text)
    assert low <= value <= high and high - low <= 0.1 * value + 1


@pytest.mark.parametrize("text, value, unit", [
    ("$3.6 billion", 3.6e9, "USD"), ("US$75m", 75e6, "USD"), ("USD 75 million", 75e6, "USD"),
    ("75 million dollars", 75e6, "USD"), ("€2bn", 2e9, "EUR"), ("2 billion euros", 2e9, "EUR"),
    ("£3 billion", 3e9, "GBP"), ("3 billion pounds", 3e9, "GBP"), ("C$5 million", 5e6, "CAD"),
    ("$500k", 5e5, "USD"), ("5 thousand", 5e3, None), ("1.5m people", 1.5e6, "person"),
    ("hundreds of millions of dollars", 5e8, "USD"), ("5%", 5, "percent"), ("5 per cent", 5, "percent"),
    ("10 percentage points", 10, "percentage point"),
])
def test_currencies_scales_and_percent(text, value, unit):
    quantity = parse_quantity(text)
    assert quantity.low <= value <= quantity.high
    assert quantity.unit == unit


@pytest.mark.parametrize("text, unit", [
    ("15,000 Starlink terminals", "terminal"), ("thousands of terminals", "terminal"),
    ("1.5 million people", "person"), ("two", None), ("about 18", None), ("12 countries", "country"),
    ("500 pounds of explosives", "pound"), ("15,000 terminals delivered to Ukraine", "terminal"),
])
def test_units_are_the_singular_head_noun(text, unit):
    assert parse_quantity(text).unit == unit


def test_different_units_never_conflict():
    assert not conflict("€2bn", "$11.8 billion")
    assert not conflict("5%", "5,000 people")
    assert not conflict("15,000 terminals", "2 satellites")
    assert conflict("15,000 terminals", "2")  # no unit on one side: compared as numbers


def test_ranges_share_a_scale_word_written_once():
    assert bounds("$3-4 billion") == pytest.approx((2.85e9, 4.2e9))
    assert bounds("five or six") == pytest.approx((4.75, 6.3))


# -- hints from the extracting model -------------------------------------------------------------------------

def test_hints_fill_in_what_the_text_does_not_say():
    quantity = parse_quantity("the reported figure", value=75e6, unit="dollars", hedge="At least")
    assert (quantity.low, quantity.high, quantity.unit, quantity.hedge) == (74.5e6, None, "USD", "at least")
    assert parse_quantity("15,000", unit="Starlink terminals").unit == "terminal"
    assert parse_quantity("15,000", hedge="more than").high is None


def test_the_text_wins_over_the_hints():
    quantity = parse_quantity("about 15,000 terminals", value=9, unit="satellites", hedge="at most")
    assert (quantity.low, quantity.high) == pytest.approx((12_750, 17_250))
    assert (quantity.unit, quantity.hedge) == ("terminal", "about")


def test_nothing_numeric_is_unresolved_and_never_conflicts():
    quantity = parse_quantity("many terminals")
    assert not quantity.resolved and (quantity.low, quantity.high) == (None, None)
    assert quantity.unit == "terminal" or quantity.unit is None
    assert not quantities_conflict(quantity, parse_quantity("15,000 terminals"))
    assert not parse_quantity("", value=math.nan).resolved


def test_a_reversed_range_is_refused():
    with pytest.raises(ValueError, match="low <= high"):
        QuantityRange("x", 5, 1, None, None)


def test_read_number():
    assert [read_number(t) for t in ("18", "1,500", "2.5", "two", "twenty-five", "a", "a dozen",
                                     "one and a half", "two hundred")] == \
        [18, 1500, 2.5, 2, 25, 1, 12, 1.5, 200]
    assert read_number("couple") is None and read_number("two two") is None and read_number("") is None


# -- properties ----------------------------------------------------------------------------------------------

VOCABULARY = [
    "$", "€", "£", "US$", "about", "at least", "more than", "up to", "nearly", "between", "and", "to", "or",
    "-", "thousands", "tens", "of", "hundreds", "millions", "a few", "several", "dozen", "a", "two",
    "twenty", "hundred", "million", "bn", "m", "k", "%", "percent", "15,000", "3.6", "0", "1e308", "9" * 40,
    "terminals", "people", "dollars", "euros", "pounds", "+", "or more", "~", ".", ",", "1,2,3", "−5",
]
PHRASES = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=7).map(" ".join)
QUANTITIES = st.sampled_from([
    "thousands of terminals", "15,000 Starlink terminals", "at least $75 million", "$80 million",
    "$3.6 billion", "$11.8 billion", "around $80 million", "about 18", "dozens", "hundreds of millions",
    "two", "a dozen", "1.5 million", "€2bn", "5%", "up to 20%", "many",
]) | PHRASES


@EXAMPLES
@given(text=st.text(max_size=60), value=st.none() | st.floats(allow_nan=True, allow_infinity=True))
def test_random_text_never_raises(text, value):
    quantity = parse_quantity(text, value=value, unit=text[:5], hedge=text[-5:])
    assert isinstance(quantity, QuantityRange)


@EXAMPLES
@given(text=PHRASES)
def test_adversarial_phrases_never_raise_and_give_ordered_finite_ranges(text):
    quantity = parse_quantity(text)
    if quantity.low is not None and quantity.high is not None:
        assert quantity.low <= quantity.high
    assert all(b is None or math.isfinite(b) for b in (quantity.low, quantity.high))


@EXAMPLES
@given(a=QUANTITIES, b=QUANTITIES)
def test_conflict_is_symmetric(a, b):
    first, second = parse_quantity(a), parse_quantity(b)
    assert quantities_conflict(first, second) == quantities_conflict(second, first)


@EXAMPLES
@given(text=QUANTITIES)
def test_a_range_never_conflicts_with_itself(text):
    quantity = parse_quantity(text)
    assert not quantities_conflict(quantity, quantity)


SCALE_WORDS = {"": 1, " thousand": 1e3, " million": 1e6, " billion": 1e9, "bn": 1e9, "m": 1e6, "k": 1e3}


@EXAMPLES
@given(number=st.one_of(st.integers(0, 10**9), st.decimals(0, 10**6, places=2).map(str)),
       scale=st.sampled_from(sorted(SCALE_WORDS)), currency=st.sampled_from(["", "$", "€", "£", "US$"]),
       hedge=st.sampled_from(["", "about ", "at least ", "more than ", "up to ", "nearly ", "just over ",
                              "less than ", "some "]),
       noun=st.sampled_from(["", " terminals", " people", "%"]))
def test_a_range_contains_its_stated_figure(number, scale, currency, hedge, noun):
    digits = f"{number:,}" if isinstance(number, int) else number
    value = float(str(number)) * SCALE_WORDS[scale]
    quantity = parse_quantity(f"{hedge}{currency}{digits}{scale}{noun}")
    assert quantity.resolved
    assert quantity.low is None or quantity.low <= value * (1 + 1e-12)
    assert quantity.high is None or value <= quantity.high * (1 + 1e-12)
