"""Candidates are pure: each view proposes the pairs its docstring promises, one candidate per pair of
sentences remembers every view that proposed it, and the output never depends on input order."""
from __future__ import annotations

import random
from datetime import date

from checker.candidates import build_candidates, select
from checker.types import Candidate, Claim, Passage
from checker.verify import pack_by_document

MUSK, PUTIN = ("Musk", "Putin")


class Story:
    """Documents and claims written together, so each claim's evidence is a real sentence."""

    def __init__(self, **texts: str) -> None:
        self.texts = texts
        self.claims: list[Claim] = []

    def claim(self, doc_id: str, evidence: str, stance: str = "asserted", *, names=(MUSK, PUTIN),
              by=(), times=(), amounts=(), statement: str | None = None) -> str:
        start = self.texts[doc_id].index(evidence)
        claim_id = f"{doc_id}{len(self.claims)}"
        self.claims.append(Claim(claim_id, doc_id, statement or evidence, start, start + len(evidence),
                                 "sentence", tuple((n, "person") for n in names),
                                 ("the article", *by), stance, tuple(times), tuple(amounts)))
        return claim_id

    def span(self, doc_id: str, words: str) -> tuple[str, int, int]:
        start = self.texts[doc_id].index(words)
        return doc_id, start, start + len(words)

    def candidates(self, tensions=(), claims=None, texts=None):
        claims = self.claims if claims is None else claims
        entities = {c.id: tuple(sorted(n.casefold() for n, _ in c.entities)) for c in claims}
        published = {d: date(2024, 10, 25) for d in self.texts}
        return build_candidates(claims, entities, texts or self.texts, published, list(self.texts),
                                list(tensions))


def pairs(found) -> dict[frozenset[str], tuple[str, ...]]:
    """Each candidate as {claim ids of both sides} -> its views."""
    return {frozenset((*c.a.claim_ids, *c.b.claim_ids)): c.views for c in found.pairs}


def test_a_denial_is_set_against_an_account_of_the_same_subject_in_another_document():
    story = Story(wsj="Musk spoke with Putin about Ukraine, officials said.",
                  x="Musk denied that he spoke with Putin about Ukraine.")
    account = story.claim("wsj", "Musk spoke with Putin about Ukraine, officials said.", "alleged",
                          by=["officials"])
    denial = story.claim("x", "Musk denied that he spoke with Putin about Ukraine.", "denied",
                         by=["Musk"])
    [candidate] = story.candidates().pairs
    assert "stance" in candidate.views
    assert (candidate.a.claim_ids, candidate.b.claim_ids) == ((account,), (denial,))
    assert "a denial against an account of the same thing" in candidate.notes


def test_a_denial_inside_one_document_is_a_candidate_too():
    story = Story(wsj="Musk spoke with Putin about Ukraine, officials said. "
                      "Musk denied that he spoke with Putin about Ukraine.")
    account = story.claim("wsj", "Musk spoke with Putin about Ukraine, officials said.", "alleged",
                          by=["officials"])
    denial = story.claim("wsj", "Musk denied that he spoke with Putin about Ukraine.", "denied",
                         by=["Musk"])
    assert pairs(story.candidates()) == {frozenset({account, denial}): ("stance",)}


def test_a_denial_is_not_set_against_a_claim_about_something_else():
    story = Story(wsj="Musk spoke with Putin about Ukraine, officials said.",
                  x="Kirby denied that the budget was cut.")
    story.claim("wsj", "Musk spoke with Putin about Ukraine, officials said.", "alleged")
    story.claim("x", "Kirby denied that the budget was cut.", "denied", names=("Kirby",))
    assert story.candidates().pairs == []


def test_only_once_or_never_against_regularly_is_a_candidate_and_once_against_never_is_not():
    story = Story(a="Musk spoke with Putin only once, his biographer said.",
                  b="Musk regularly speaks with Putin, a former official said.",
                  c="Musk never spoke with Putin, his lawyer said.")
    once = story.claim("a", "Musk spoke with Putin only once, his biographer said.")
    often = story.claim("b", "Musk regularly speaks with Putin, a former official said.")
    never = story.claim("c", "Musk never spoke with Putin, his lawyer said.")
    stance = {frozenset((*c.a.claim_ids, *c.b.claim_ids)): c.notes for c in story.candidates().pairs
              if "stance" in c.views}
    assert set(stance) == {frozenset({once, often}), frozenset({never, often})}
    assert set(stance.values()) == {("one says only once or never, the other says repeatedly",)}


def test_times_or_amounts_that_cannot_overlap_are_a_candidate_with_a_note():
    story = Story(a="Musk spoke with Putin in 2022, officials said. Musk paid Putin 15,000 dollars.",
                  b="Musk spoke with Putin in 2024, the Kremlin said. Musk paid Putin 20,000 dollars.",
                  c="Musk spoke with Putin in late 2022, a source said.")
    in_2022 = story.claim("a", "Musk spoke with Putin in 2022, officials said.", times=["in 2022"])
    in_2024 = story.claim("b", "Musk spoke with Putin in 2024, the Kremlin said.", times=["in 2024"])
    late_2022 = story.claim("c", "Musk spoke with Putin in late 2022, a source said.",
                            times=["in late 2022"])
    paid_15 = story.claim("a", "Musk paid Putin 15,000 dollars.", amounts=["15,000 dollars"])
    paid_20 = story.claim("b", "Musk paid Putin 20,000 dollars.", amounts=["20,000 dollars"])
    values = {frozenset((*c.a.claim_ids, *c.b.claim_ids)): c.notes for c in story.candidates().pairs
              if "values" in c.views}
    assert set(values) == {frozenset({in_2022, in_2024}), frozenset({late_2022, in_2024}),
                           frozenset({paid_15, paid_20})}  # late 2022 and 2022 overlap
    assert values[frozenset({paid_15, paid_20})] == (
        "amounts cannot overlap as read: '15,000 dollars' vs '20,000 dollars'",)
    assert "times cannot overlap as read" in values[frozenset({in_2022, in_2024})][0]


def test_a_survey_tension_is_mapped_to_the_claims_its_quotes_overlap():
    story = Story(a="Musk spoke with Putin in 2022, officials said.",
                  b="The call never happened, the Kremlin said.")
    spoke = story.claim("a", "Musk spoke with Putin in 2022, officials said.")
    never = story.claim("b", "The call never happened, the Kremlin said.", names=())
    found = story.candidates([(story.span("a", "Musk spoke with Putin"),
                               story.span("b", "The call never happened"))])
    [candidate] = found.pairs
    assert candidate.views == ("survey",) and found.extra_claims == []
    assert (candidate.a.claim_ids, candidate.b.claim_ids) == ((spoke,), (never,))
    # a passage is the whole sentence, whatever part of it the survey quoted
    assert (candidate.b.start, candidate.b.end) == (0, len(story.texts["b"]))


def test_a_survey_quote_no_claim_covers_becomes_a_made_claim_of_exactly_that_passage():
    story = Story(a="Musk spoke with Putin in 2022, officials said.",
                  b="The weather was cold. The call never happened, the Kremlin said.")
    spoke = story.claim("a", "Musk spoke with Putin in 2022, officials said.")
    found = story.candidates([(story.span("a", "Musk spoke with Putin"),
                               story.span("b", "The call never happened"))])
    [made] = found.extra_claims
    assert (made.doc_id, story.texts["b"][made.start:made.end]) == ("b", "The call never happened")
    assert (made.origin, made.alignment, made.stance) == ("survey", "exact", "asserted")
    [candidate] = found.pairs
    assert (candidate.a.claim_ids, candidate.b.claim_ids) == ((spoke,), (made.id,))


def test_neighbours_pair_similar_claims_across_documents_only():
    story = Story(a="Musk spoke with Putin about Ukraine in a call. "
                    "Musk spoke with Putin about Ukraine in a meeting.",
                  b="Musk talked with Putin about Ukraine in a call, a source said.")
    call = story.claim("a", "Musk spoke with Putin about Ukraine in a call.")
    meeting = story.claim("a", "Musk spoke with Putin about Ukraine in a meeting.")
    other = story.claim("b", "Musk talked with Putin about Ukraine in a call, a source said.")
    found = pairs(story.candidates())
    assert found and set(found.values()) == {("neighbours",)}
    assert all(len({c[0] for c in pair}) == 2 for pair in found)  # never two claims of one document
    assert frozenset({call, other}) in found and frozenset({call, meeting}) not in found


def relayed(first_source: str, second_source: str, second_words: str) -> Story:
    story = Story(a=f"Musk spoke with Putin about Ukraine, {first_source} reported.",
                  b=f"{second_words}, {second_source} reported.")
    story.claim("a", f"Musk spoke with Putin about Ukraine, {first_source} reported.",
                statement="Musk spoke with Putin about Ukraine.", by=[first_source])
    story.claim("b", f"{second_words}, {second_source} reported.", statement=second_words + ".",
                by=[second_source])
    return story


def test_neighbours_skip_two_outlets_relaying_one_source():
    assert pairs(relayed("The WSJ", "the WSJ", "Musk held talks with Putin on Ukraine").candidates()) == {}
    assert pairs(relayed("The WSJ", "Reuters", "Musk held talks with Putin on Ukraine").candidates()) \
        == {frozenset({"a0", "b1"}): ("neighbours",)}  # two sources: their accounts are compared


def test_neighbours_skip_two_documents_stating_the_same_words():
    assert pairs(relayed("AP", "Reuters", "Musk spoke with Putin about Ukraine").candidates()) \
        == {}
    assert pairs(relayed("AP", "Reuters", "Musk spoke with Putin about Kyiv").candidates()) \
        == {frozenset({"a0", "b1"}): ("neighbours",)}


def test_one_candidate_per_pair_of_sentences_with_every_view_that_proposed_it():
    story = Story(a="Musk spoke with Putin about Ukraine in 2022, officials said.",
                  b="Musk denied that he spoke with Putin about Ukraine in 2024.")
    account = story.claim("a", "Musk spoke with Putin about Ukraine in 2022, officials said.",
                          "alleged", times=["in 2022"])
    when = story.claim("a", "Musk spoke with Putin about Ukraine in 2022, officials said.",
                       "alleged", times=["in 2022"], statement="The talks were in 2022.")
    denial = story.claim("b", "Musk denied that he spoke with Putin about Ukraine in 2024.",
                         "denied", times=["in 2024"])
    found = story.candidates([(story.span("a", "Musk spoke with Putin"),
                               story.span("b", "Musk denied"))])
    [candidate] = found.pairs
    assert set(candidate.views) == {"neighbours", "stance", "values", "survey"}
    assert set(candidate.a.claim_ids) == {account, when} and candidate.b.claim_ids == (denial,)
    assert len(candidate.notes) == len(set(candidate.notes)) >= 2


def test_two_claims_of_one_sentence_stay_apart_as_an_account_and_its_denial():
    text = "Officials said Musk spoke with Putin about Ukraine, which Musk denied."
    story = Story(a=text)
    said = story.claim("a", text, "alleged", statement="Musk spoke with Putin about Ukraine.")
    denied = story.claim("a", text, "denied", statement="Musk denied speaking with Putin about Ukraine.")
    [candidate] = story.candidates().pairs
    assert {candidate.a.claim_ids, candidate.b.claim_ids} == {(said,), (denied,)}
    assert (candidate.a.start, candidate.a.end) == (candidate.b.start, candidate.b.end)


def candidate(ident: str, views: tuple[str, ...], similarity: float = 0.0,
              docs: tuple[str, str] = ("d1", "d2")) -> Candidate:
    return Candidate(ident, Passage(docs[0], 0, 1, (ident,)), Passage(docs[1], 0, 1, (ident,)),
                     views, (), similarity)


def test_select_keeps_the_most_evidence_within_the_budget_in_the_original_order():
    found = [candidate("k1", ("neighbours",), 0.9), candidate("k2", ("survey",)),
             candidate("k3", ("neighbours", "stance"), 0.5), candidate("k4", ("values",), 0.3),
             candidate("k5", ("neighbours",), 0.4), candidate("k6", ("values",), 0.6)]

    def chosen(minimum: int, per_claim: float = 0.4) -> list[str]:
        return [c.id for c in select(found, per_claim=per_claim, claims_per_doc={"d1": 2, "d2": 3},
                                     doc_order=["d1", "d2"], minimum=minimum)]
    assert chosen(3) == ["k2", "k3", "k6"]            # the closer of two values pairs
    assert chosen(5) == ["k1", "k2", "k3", "k4", "k6"]  # then the closer neighbour
    assert chosen(0, per_claim=1.2) == ["k1", "k2", "k3", "k4", "k5", "k6"]  # 6 = 1.2 x 5 claims
    # the survey's pairs and pairs two views found are verified whatever the budget
    assert chosen(0, per_claim=0.01) == ["k2", "k3"]


def test_a_document_added_at_the_end_changes_no_earlier_choice_or_call():
    views = [("neighbours",), ("values",), ("stance",), ("survey",), ("neighbours", "values")]
    old = [candidate(f"k{d}{n}", views[n % 5], round(0.1 * (n % 7), 1), (f"d{n % d}", f"d{d}"))
           for d in (1, 2, 3) for n in range(9)]
    new = [candidate(f"k4{n}", views[n % 5], 0.9, (f"d{n % 4}", "d4")) for n in range(9)]
    counts = {"d0": 4, "d1": 5, "d2": 6, "d3": 4, "d4": 5}
    before = select(old, per_claim=0.4, claims_per_doc=counts, doc_order=["d0", "d1", "d2", "d3"])
    after = select(old + new, per_claim=0.4, claims_per_doc=counts,
                   doc_order=["d0", "d1", "d2", "d3", "d4"])
    assert 0 < len(before) < len(old)  # the budget binds
    assert [c for c in after if c in old] == before and any(c in new for c in after)
    calls_before = pack_by_document(before, ["d0", "d1", "d2", "d3"])
    calls_after = pack_by_document(after, ["d0", "d1", "d2", "d3", "d4"])
    assert calls_after[:len(calls_before)] == calls_before  # the new document's calls come after
    assert all(c in new for call in calls_after[len(calls_before):] for c in call)


def test_the_same_inputs_in_any_order_give_the_same_candidates():
    story = Story(a="Musk spoke with Putin about Ukraine in 2022, officials said. "
                    "Musk denied that he spoke with Putin about Ukraine.",
                  b="Musk spoke with Putin only once, his biographer said. "
                    "Musk spoke with Putin about Ukraine in 2024, the Kremlin said. "
                    "The minister said: “We will not tolerate electronic attacks on our grid.”",
                  c="Musk regularly speaks with Putin, a former official said. "
                    "The minister said: “We will not tolerate cyber attacks on our grid.”")
    story.claim("a", "Musk spoke with Putin about Ukraine in 2022, officials said.", "alleged",
                times=["in 2022"])
    story.claim("a", "Musk denied that he spoke with Putin about Ukraine.", "denied")
    story.claim("b", "Musk spoke with Putin only once, his biographer said.")
    story.claim("b", "Musk spoke with Putin about Ukraine in 2024, the Kremlin said.",
                times=["in 2024"])
    story.claim("c", "Musk regularly speaks with Putin, a former official said.")
    tensions = [(story.span("a", "Musk denied"), story.span("b", "only once")),
                (story.span("b", "The minister said"), story.span("c", "a former official"))]
    first = story.candidates(tensions)
    shuffled = story.claims[:]
    random.Random(3).shuffle(shuffled)
    again = story.candidates(tensions[::-1], claims=shuffled,
                             texts=dict(reversed(list(story.texts.items()))))
    assert len({v for c in first.pairs for v in c.views}) == 5  # every view has its say
    assert first.pairs == again.pairs and first.extra_claims == again.extra_claims
