"""Quotation consistency is pure: the same quoted words worded differently in two documents are a
candidate, with the differing words in its note; anything else is not."""
from __future__ import annotations

from checker.quotes import MIN_WORDS, quotations, quoted_variants

ELECTRONIC = "The minister said: “We will not tolerate electronic attacks on our grid, whatever it costs.”"
CYBER = 'According to the minister, "we will not tolerate cyber attacks on our grid, whatever it costs."'
SHOUTED = 'The minister said: "We will NOT tolerate electronic attacks on our grid -- whatever it costs!"'
OTHER = "The chef said: «Fresh basil makes every single tomato sauce better than dried herbs.»"


def variants(**texts: str):
    return quoted_variants(texts, list(texts))


def test_the_same_quotation_worded_differently_across_documents_is_a_candidate():
    [variant] = variants(a=ELECTRONIC, b=CYBER)
    doc_a, start_a, end_a = variant.a
    doc_b, start_b, end_b = variant.b
    assert (doc_a, ELECTRONIC[start_a:end_a]) == (
        "a", "We will not tolerate electronic attacks on our grid, whatever it costs.")
    assert (doc_b, CYBER[start_b:end_b]) == (
        "b", "we will not tolerate cyber attacks on our grid, whatever it costs.")
    assert variant.note.startswith("the same quotation is worded differently: ")
    assert "'electronic'" in variant.note and "'cyber'" in variant.note


def test_a_replaced_word_is_noted_as_one_replacement():
    [variant] = variants(a=ELECTRONIC, b=CYBER)
    assert variant.note == "the same quotation is worded differently: 'electronic' -> 'cyber'"


TRIMMED = '"We will not tolerate attacks on our grid, whatever it costs."'
CUT_OFF = ("quotes._overlap aligns two quotations in a window as long as the shorter one in "
           "characters, so when the other is longer its end is cut off and noted as a difference")


def test_a_word_left_out_is_noted():
    [variant] = variants(a=ELECTRONIC, b=TRIMMED)
    assert "'electronic' left out" in variant.note


def test_a_word_left_out_is_the_only_difference_noted():
    [variant] = variants(a=ELECTRONIC, b=TRIMMED)
    assert variant.note == "the same quotation is worded differently: 'electronic' left out"


def test_a_longer_word_in_its_place_does_not_cut_off_the_end_of_the_quotation():
    [variant] = variants(b=CYBER, c=SHOUTED)
    assert "'cyber'" in variant.note and "'electronic'" in variant.note
    assert "costs" not in variant.note


def test_quotations_differing_only_in_case_and_punctuation_are_not_candidates():
    assert variants(a=ELECTRONIC, c=SHOUTED) == []


def test_unrelated_quotations_are_not_paired():
    assert variants(a=ELECTRONIC, d=OTHER) == []
    # sharing a few words ("we will not tolerate") does not make two quotations one
    assert variants(a=ELECTRONIC, d="The mayor said: “We will not tolerate any more delays to the "
                                    "hospital building programme this year.”") == []


def worded(count: int, last: str) -> str:
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split()[:count - 1]
    return f'He said "{" ".join([*words, last])}".'


def test_quotations_shorter_than_min_words_are_ignored():
    assert quotations("a", worded(MIN_WORDS - 1, "omega")) == []
    assert variants(a=worded(MIN_WORDS - 1, "omega"), b=worded(MIN_WORDS - 1, "psi")) == []
    assert len(quotations("a", worded(MIN_WORDS, "omega"))) == 1
    assert len(variants(a=worded(MIN_WORDS, "omega"), b=worded(MIN_WORDS, "psi"))) == 1


def test_quotations_inside_one_document_are_not_paired():
    later = "Later he said: “we will not tolerate cyber attacks on our grid, whatever it costs.”"
    assert variants(a=f"{ELECTRONIC} {later}") == []
    assert len(variants(a=ELECTRONIC, b=later)) == 1  # the same two, in two documents


def test_every_kind_of_quotation_mark_is_read():
    found = quotations("x", f'{ELECTRONIC} {CYBER} {OTHER}')
    assert [len(q.words) for q in found] == [12, 12, 11]


def test_variants_follow_the_document_order_given():
    [forward] = quoted_variants({"a": ELECTRONIC, "b": CYBER}, ["a", "b"])
    [backward] = quoted_variants({"a": ELECTRONIC, "b": CYBER}, ["b", "a"])
    assert (forward.a[0], forward.b[0]) == ("a", "b") and (backward.a[0], backward.b[0]) == ("b", "a")
