"""Grouping is pure: which claims are compared, and how similar they are, without a model and without
all pairs; numbers and dates never make claims look different."""
from __future__ import annotations

import random

from checker.group import claim_features, similar_pairs
from checker.types import Claim


def claim(claim_id: str, doc_id: str, statement: str) -> Claim:
    return Claim(claim_id, doc_id, statement, 0, len(statement), "sentence", (), ("the article",),
                 "asserted")


def scores(claims, entities=None, **options) -> dict[frozenset[str], float]:
    options = {"k": 5, "min_similarity": 0.0, **options}
    return {frozenset((a, b)): score
            for score, a, b in similar_pairs(claims, entities or {}, **options)}


SENT = [claim("a1", "a", "Musk sent satellite terminals to Ukraine."),
        claim("b1", "b", "Musk sent satellite terminals to Ukraine."),
        claim("c1", "c", "Musk sent satellite terminals to Ukraine.")]


def test_claims_from_different_documents_naming_different_entities_are_not_compared():
    entities = {"a1": ("musk",), "b1": ("musk",), "c1": ("bezos",), "c2": ("bezos",)}
    claims = [*SENT, claim("c2", "c", "Bezos praised Ukraine.")]
    found = scores(claims, entities)
    assert frozenset({"a1", "b1"}) in found
    assert frozenset({"a1", "c1"}) not in found and frozenset({"b1", "c1"}) not in found


def test_a_claim_naming_no_entity_is_compared_with_any_and_one_document_with_itself():
    entities = {"a1": ("musk",), "c1": ("bezos",), "c2": ("bezos",)}
    claims = [*SENT, claim("c2", "c", "Bezos praised Ukraine."),
              claim("a2", "a", "Bezos sent satellite terminals to Ukraine.")]
    entities["a2"] = ("bezos",)
    found = scores(claims, entities, cross_document=False)
    assert frozenset({"a1", "b1"}) in found and frozenset({"b1", "c1"}) in found  # b1 names none
    assert frozenset({"a1", "a2"}) in found  # one document: different entities may be compared


def test_an_entity_only_one_claim_names_still_keeps_it_apart_from_other_documents():
    claims = [claim("a1", "a", "Musk sent satellite terminals to Ukraine."),
              claim("b1", "b", "Bezos sent satellite terminals to Ukraine.")]
    assert scores(claims, {"a1": ("musk",), "b1": ("bezos",)}) == {}


def test_numbers_and_dates_are_left_out_of_the_similarity():
    claims = [claim("a1", "a", "Musk sent 15,000 terminals to Ukraine in March 2022, officials said."),
              claim("b1", "b", "Musk sent 20,000 terminals to Ukraine in April 2023, officials said."),
              claim("c1", "c", "Officials said Ukraine received terminals.")]
    found = scores(claims)
    assert found[frozenset({"a1", "b1"})] == 1.0  # they differ exactly where a conflict would
    assert claim_features(claims[0], ()) == claim_features(claims[1], ())
    assert not any(ch.isdigit() or "march" in f for f in claim_features(claims[0], ()) for ch in f)


def test_keys_held_by_a_single_claim_do_not_dilute_the_score():
    plain = [claim("a1", "a", "Musk sent satellite terminals to Ukraine."),
             claim("b1", "b", "Musk sent satellite terminals to Ukraine.")]
    wordy = [plain[0], claim("b1", "b", "Musk quietly sent satellite terminals to Ukraine "
                                         "overnight, bypassing procurement.")]
    assert scores(plain)[frozenset({"a1", "b1"})] == scores(wordy)[frozenset({"a1", "b1"})] == 1.0


def test_claims_sharing_no_key_are_never_paired():
    claims = [claim("a1", "a", "Musk sent satellite terminals to Ukraine."),
              claim("b1", "b", "The weather in Moscow was cold and grey.")]
    assert scores(claims) == {}


def story(count: int = 6) -> list[Claim]:
    """Claims with many ties: near-identical sentences in several documents."""
    base = ["Musk sent satellite terminals to Ukraine.", "Musk sent terminals to Ukraine quickly.",
            "Putin spoke with Musk about Ukraine.", "Musk spoke with Putin about terminals."]
    return [claim(f"{doc}{n}", doc, text) for n, text in enumerate(base)
            for doc in "abcdef"[:count]]


def test_similar_pairs_respect_k_and_cross_document():
    claims = story()
    for k in (1, 2):
        found = similar_pairs(claims, {}, k=k, min_similarity=0.1)
        partners: dict[str, set[str]] = {}
        for _, a, b in found:
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
        assert all(a[0] != b[0] for _, a, b in found)  # other documents only
        assert len(found) <= k * len(claims)  # each claim brings at most k partners
        assert all(partners.get(c.id) for c in claims)  # and every claim has one
    assert len(similar_pairs(claims, {}, k=2, min_similarity=0.1)) > len(
        similar_pairs(claims, {}, k=1, min_similarity=0.1))
    everyone = len(claims)
    assert all(a[0] != b[0] for _, a, b in similar_pairs(claims, {}, k=everyone, min_similarity=0.1))
    within = similar_pairs(claims, {}, k=everyone, min_similarity=0.1, cross_document=False)
    assert any(a[0] == b[0] for _, a, b in within)


def test_similar_pairs_are_best_first_and_the_same_whatever_the_input_order():
    claims = story()
    found = similar_pairs(claims, {}, k=2, min_similarity=0.1)
    assert found == sorted(found, key=lambda t: (-t[0], t[1], t[2])) and all(a < b for _, a, b in found)
    for seed in range(3):
        shuffled = claims[:]
        random.Random(seed).shuffle(shuffled)
        assert similar_pairs(shuffled, {}, k=2, min_similarity=0.1) == found


def test_looking_back_a_later_document_never_takes_an_earlier_claims_partner():
    old = [claim("a1", "a", "Musk sent satellite terminals to Ukraine in October."),
           claim("b1", "b", "Musk sent terminals to Ukraine, officials said.")]
    closer = claim("c1", "c", "Musk sent satellite terminals to Ukraine in October, officials said.")
    place = {"a": 0, "b": 1, "c": 2}
    plain = scores([*old, closer], k=1)
    assert frozenset({"a1", "b1"}) not in plain  # without looking back, c1 takes both partners
    before = scores(old, k=1, look_back=place)
    after = scores([*old, closer], k=1, look_back=place)
    assert set(before) == {frozenset({"a1", "b1"})}
    # the earlier pair stays; the later claim looks back for its own partner
    assert set(after) == {frozenset({"a1", "b1"}), frozenset({"a1", "c1"})}
