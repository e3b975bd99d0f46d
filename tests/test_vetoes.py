"""Vetoes are pure: a negation, modal or comparative governing a value is found, and the normalisers
set aside a numeric or temporal conflict only when the values read are the values stated."""
from __future__ import annotations

from datetime import date

import pytest

from checker.types import Claim, Conflict, Side
from checker.vetoes import CUES, NEGATIONS, governing_cue, veto

TEXTS = {
    "a": ("Thousands of terminals were sent. Talks began at the end of 2022. "
          "The hall holds no more than 50 guests. It sent 20,000 terminals. "
          "Each change must be reviewed by two engineers."),
    "b": ("It sent 15,000 terminals. Talks began in late 2022. The hall holds 50 guests. "
          "Talks began in 2024. A change may not be reviewed by more than one engineer."),
}
PUBLISHED = {"a": date(2024, 10, 25), "b": date(2024, 10, 25)}


def claim(claim_id: str, doc_id: str, evidence: str, *, times=(), amounts=(),
          statement: str | None = None) -> Claim:
    start = TEXTS[doc_id].index(evidence)
    return Claim(claim_id, doc_id, statement or evidence, start, start + len(evidence), "sentence",
                 (), ("the article",), "asserted", tuple(times), tuple(amounts))


CLAIMS = {c.id: c for c in (
    claim("thousands", "a", "Thousands of terminals were sent.", amounts=["Thousands of terminals"]),
    claim("15000", "b", "It sent 15,000 terminals.", amounts=["15,000 terminals"]),
    claim("20000", "a", "It sent 20,000 terminals.", amounts=["20,000 terminals"]),
    claim("end-2022", "a", "Talks began at the end of 2022.", times=["at the end of 2022"]),
    claim("late-2022", "b", "Talks began in late 2022.", times=["in late 2022"]),
    claim("2024", "b", "Talks began in 2024.", times=["in 2024"]),
    claim("at-most-50", "a", "The hall holds no more than 50 guests.", amounts=["50 guests"],
          statement="The hall holds 50 guests."),  # the statement lost the cue; the sentence has it
    claim("50", "b", "The hall holds 50 guests.", amounts=["50 guests"]),
    claim("two", "a", "Each change must be reviewed by two engineers.", amounts=["two engineers"]),
    claim("one", "b", "A change may not be reviewed by more than one engineer.",
          amounts=["more than one engineer"]),
)}


def conflict(type_: str, a: str, b: str) -> Conflict:
    return Conflict("reporting", type_, (Side("", (a,)), Side("", (b,))), "They differ.", True)


@pytest.mark.parametrize("sentence, value, cue", [
    ("Talks will not resume before March.", "March", "before"),
    ("Talks will not resume before March.", "before March", "before"),
    ("Talks will not resume in March.", "in March", "not"),
    ("It didn't send 15,000 terminals.", "15,000 terminals", "didn't"),
    ("A change may not be reviewed by more than one engineer.", "one engineer", "than"),
    ("A change may not be reviewed by more than one engineer.", "more than one engineer", "more"),
    ("Each change must be reviewed by two engineers.", "two engineers", "must"),
    ("The hall holds no more than 50 guests.", "50 guests", "than"),
    ("The hall holds no more than 50 guests.", "no more than 50 guests", "no"),
    ("The plant cut fewer than 100 jobs.", "100 jobs", "than"),
    ("The plant cut fewer than 100 jobs.", "fewer than 100 jobs", "fewer"),
])
def test_a_negation_modal_or_comparative_governing_a_value_is_found(sentence, value, cue):
    assert governing_cue(sentence, value) == cue


@pytest.mark.parametrize("sentence, value", [
    ("It sent 15,000 terminals to Ukraine.", "15,000 terminals"),
    ("The deal was signed in late 2022.", "late 2022"),
    ("Not everyone agreed, but it sent 15,000 terminals.", "15,000 terminals"),  # another clause
    ("No one knows why; talks began in late 2022.", "late 2022"),
])
def test_a_plain_value_has_no_cue(sentence, value):
    assert governing_cue(sentence, value) is None


def test_an_expression_not_in_the_text_is_judged_by_its_own_words():
    assert governing_cue("Something else entirely.", "at least 5 guests") == "least"
    assert governing_cue("Something else entirely.", "5 guests") is None
    assert {"not", "no", "never"} <= NEGATIONS <= CUES


@pytest.mark.parametrize("type_, a, b", [
    ("numeric", "thousands", "15000"),        # "thousands" holds 15,000
    ("temporal", "end-2022", "late-2022"),    # the end of 2022 is late 2022
])
def test_overlapping_values_no_cue_governs_set_the_conflict_aside(type_, a, b):
    reason = veto(conflict(type_, a, b), CLAIMS, TEXTS, PUBLISHED)
    assert reason is not None and reason.startswith(f"{type_} values overlap once normalised")


@pytest.mark.parametrize("type_, a, b", [
    ("numeric", "at-most-50", "50"),   # "no more than 50" in the sentence, though not the statement
    ("numeric", "two", "one"),         # "may not ... more than one": not ">1"
])
def test_a_cue_governing_any_value_keeps_the_conflict(type_, a, b):
    assert veto(conflict(type_, a, b), CLAIMS, TEXTS, PUBLISHED) is None
    assert veto(conflict(type_, b, a), CLAIMS, TEXTS, PUBLISHED) is None  # on either side


def test_a_factual_conflict_is_never_set_aside():
    for a, b in (("thousands", "15000"), ("end-2022", "late-2022")):
        assert veto(conflict("factual", a, b), CLAIMS, TEXTS, PUBLISHED) is None
        assert veto(conflict("attribution", a, b), CLAIMS, TEXTS, PUBLISHED) is None


@pytest.mark.parametrize("type_, a, b", [
    ("numeric", "20000", "15000"),
    ("temporal", "late-2022", "2024"),
])
def test_values_that_cannot_overlap_keep_the_conflict(type_, a, b):
    assert veto(conflict(type_, a, b), CLAIMS, TEXTS, PUBLISHED) is None


def test_a_conflict_without_comparable_values_is_kept():
    # a numeric conflict between claims that hold times only: nothing to compare, nothing to veto
    assert veto(conflict("numeric", "end-2022", "late-2022"), CLAIMS, TEXTS, PUBLISHED) is None


def test_one_overlapping_pair_among_clashing_ones_does_not_set_the_conflict_aside():
    side = Conflict("reporting", "numeric", (Side("", ("thousands", "20000")), Side("", ("15000",))),
                    "They differ.", True)
    assert veto(side, CLAIMS, TEXTS, PUBLISHED) is None  # 20,000 against 15,000 still clashes
