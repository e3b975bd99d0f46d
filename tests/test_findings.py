"""Findings are pure: severity rules, vetoes and the meaning rule, one finding per connected
dispute whatever pairs found it, stable ids."""
from __future__ import annotations

import pytest

from checker.findings import Story, build_findings, finding_id, is_core, severity_of, story_of
from checker.load import Document
from checker.types import Candidate, Claim, Conflict, Passage, Side, Verdict


def doc(doc_id: str, text: str, published: str | None = "2024-10-25") -> Document:
    return Document(id=doc_id, text=text, published=published)


def claim(claim_id: str, document: Document, evidence: str, *, entities=(), times=(), quantities=(),
          stance="asserted", by=()) -> Claim:
    start = document.text.index(evidence)
    return Claim(id=claim_id, doc_id=document.id, statement=evidence, start=start,
                 end=start + len(evidence), alignment="sentence",
                 entities=tuple((e, "person") for e in entities),
                 attributed_to=("the article", *by), stance=stance, times=tuple(times),
                 quantities=tuple(quantities))


def conflict(*sides: tuple[str, ...], kind="reporting", type="factual", changes=True,
             opinion=False) -> Conflict:
    return Conflict(kind, type, tuple(Side(f"side {i}", ids) for i, ids in enumerate(sides)),
                    "They differ.", changes, opinion)


def pair(claims: dict[str, Claim], a: str, b: str) -> Candidate:
    x, y = claims[a], claims[b]
    return Candidate(f"k-{a}-{b}", Passage(x.doc_id, x.start, x.end, (a,)),
                     Passage(y.doc_id, y.start, y.end, (b,)), ("test",), ())


def verdict(candidate: Candidate, *, kind="dispute", type="factual", changes=True, why="They differ.",
            verdict="conflict", opinion=False) -> Verdict:
    return Verdict(candidate.id, verdict, kind, type, changes, opinion, False, why)


STORY = Story(document_count=4, core_entities=frozenset({"musk", "putin"}), claim_entities={})


@pytest.mark.parametrize("type, kind, opinion, core, expected", [
    ("characterisation", "reporting", False, True, "medium"),
    ("characterisation", "dispute", False, False, "low"),
    ("factual", "dispute", True, True, "medium"),    # an opinion against a fact ranks below facts
    ("factual", "dispute", True, False, "low"),
    ("quote", "reporting", False, False, "medium"),
    ("numeric", "dispute", False, True, "high"),
    ("numeric", "reporting", False, True, "medium"),
    ("temporal", "dispute", False, False, "medium"),
    ("factual", "dispute", False, True, "high"),
    ("attribution", "reporting", False, True, "high"),
    ("factual", "dispute", False, False, "medium"),
])
def test_severity_rules(type, kind, opinion, core, expected):
    assert severity_of(conflict(("a",), ("b",), kind=kind, type=type, opinion=opinion), core) == expected


def test_core_means_widely_reported_or_between_core_entities():
    docs = [doc(i, f"Text {i}.") for i in "abcd"]
    claims = {f"c{i}": claim(f"c{i}", d, f"Text {d.id}.") for i, d in enumerate(docs)}
    assert is_core(conflict(("c0",), ("c1",)), claims, STORY)  # two of four documents
    one_doc = {"x": claim("x", docs[0], "Text a."), "y": claim("y", docs[0], "Text a.")}
    lone = Story(4, frozenset({"musk", "putin"}), {"x": ("musk",), "y": ("putin",)})
    assert is_core(conflict(("x",), ("y",)), one_doc, lone)
    minor = Story(4, frozenset({"musk", "putin"}), {"x": ("musk",), "y": ("kirby",)})
    assert not is_core(conflict(("x",), ("y",)), one_doc, minor)


def test_story_core_entities_are_named_in_half_the_documents():
    docs = [doc(i, f"Musk and Putin {i}.") for i in "abcd"]
    claims = [claim(f"c{i}", d, f"Musk and Putin {d.id}.") for i, d in enumerate(docs)]
    entities = {"c0": ("musk", "putin"), "c1": ("musk", "kirby"), "c2": ("putin",), "c3": ()}
    assert story_of(docs, claims, entities).core_entities == {"musk", "putin"}


def test_compatible_amounts_and_times_are_set_aside_not_reported():
    a = doc("a", "Thousands of terminals were sent. Talks began at the end of 2022.")
    b = doc("b", "It sent 15,000 terminals. Talks began in late 2022.")
    claims = {"n1": claim("n1", a, "Thousands of terminals were sent.",
                          quantities=["Thousands of terminals"]),
              "n2": claim("n2", b, "It sent 15,000 terminals.", quantities=["15,000 terminals"]),
              "t1": claim("t1", a, "Talks began at the end of 2022.", times=["at the end of 2022"]),
              "t2": claim("t2", b, "Talks began in late 2022.", times=["in late 2022"])}
    numbers, times = pair(claims, "n1", "n2"), pair(claims, "t1", "t2")
    found, aside = build_findings([numbers, times], [verdict(numbers, type="numeric"),
                                                     verdict(times, type="temporal")],
                                  claims, [a, b], STORY)
    assert found == []
    assert sorted(s["type"] for s in aside) == ["numeric", "temporal"]
    assert all("overlap once normalised" in s["reason"] for s in aside)


def test_a_modal_and_comparative_around_an_amount_keep_the_models_conflict():
    """The false veto: "may not be reviewed by more than one engineer" is not ">1"."""
    a = doc("a", "Each change must be reviewed by at least two engineers.")
    b = doc("b", "A change may not be reviewed by more than one engineer.")
    claims = {"x": claim("x", a, a.text, quantities=["at least two engineers"]),
              "y": claim("y", b, b.text, quantities=["more than one engineer"])}
    candidate = pair(claims, "x", "y")
    found, aside = build_findings([candidate], [verdict(candidate, type="numeric", kind="reporting")],
                                  claims, [a, b], STORY)
    assert [f["type"] for f in found] == ["numeric"] and aside == []


def test_a_conflict_that_changes_no_meaning_is_not_a_finding():
    a = doc("a", "He said he was “ready to negotiate”.")
    b = doc("b", "He said he was “prepared to negotiate”.")
    claims = {"x": claim("x", a, a.text), "y": claim("y", b, b.text)}
    candidate = pair(claims, "x", "y")
    found, aside = build_findings([candidate], [verdict(candidate, type="quote", changes=False)],
                                  claims, [a, b], STORY)
    assert found == [] and "does not change the meaning" in aside[0]["reason"]


def test_compatible_and_same_verdicts_make_no_finding():
    a, b = doc("a", "All staff work on site."), doc("b", "Remote engineers are exempt.")
    claims = {"x": claim("x", a, a.text), "y": claim("y", b, b.text)}
    candidate = pair(claims, "x", "y")
    for name in ("compatible", "same", "unrelated"):
        found, aside = build_findings([candidate], [verdict(candidate, verdict=name, kind=None, type=None)],
                                      claims, [a, b], STORY)
        assert found == [] and aside == []


def test_pairs_sharing_claims_are_one_finding_with_sides_by_colour():
    """Bremmer's account against Musk's denial, Peskov's statement against Bremmer's account and
    an outlet against the denial: three verified pairs, one dispute, two sides."""
    a = doc("a", "Bremmer says Musk spoke to Putin. Musk denied it.", "2022-10-11")
    b = doc("b", "Peskov said they only discussed space. Officials say they talk regularly.")
    claims = {"bremmer": claim("bremmer", a, "Bremmer says Musk spoke to Putin."),
              "denial": claim("denial", a, "Musk denied it.", stance="denied"),
              "peskov": claim("peskov", b, "Peskov said they only discussed space."),
              "regular": claim("regular", b, "Officials say they talk regularly.")}
    pairs = [pair(claims, "bremmer", "denial"), pair(claims, "peskov", "bremmer"),
             pair(claims, "regular", "denial")]
    verdicts = [verdict(p, why=f"pair {p.id}") for p in pairs]
    found, _ = build_findings(pairs, verdicts, claims, [a, b], STORY)
    assert len(found) == 1
    sides = [set(s["claim_ids"]) for s in found[0]["sides"]]
    assert {"bremmer", "regular"} in sides and {"denial", "peskov"} in sides
    assert len(found[0]["also"]) == 2 and sorted(found[0]["candidates"]) == sorted(p.id for p in pairs)
    # the same pairs in another order, as another grouping or recording would give them
    again, _ = build_findings(pairs[::-1], verdicts[::-1], claims, [a, b], STORY)
    assert again == found


def test_three_incompatible_positions_stay_separate_pairs():
    a, b, c = doc("a", "Ten died."), doc("b", "Twenty died."), doc("c", "Thirty died.")
    claims = {"x": claim("x", a, a.text), "y": claim("y", b, b.text), "z": claim("z", c, c.text)}
    pairs = [pair(claims, "x", "y"), pair(claims, "y", "z"), pair(claims, "x", "z")]
    found, _ = build_findings(pairs, [verdict(p, kind="reporting") for p in pairs], claims, [a, b, c], STORY)
    assert len(found) == 3


def test_disputes_and_quote_inconsistencies_are_kept_apart():
    a = doc("a", "Bremmer says Musk spoke to Putin. Musk denied it.")
    b = doc("b", "Bremmer wrote of “electronic capabilities”. He spoke of Putin.")
    claims = {"x": claim("x", a, "Bremmer says Musk spoke to Putin."),
              "y": claim("y", a, "Musk denied it."), "q": claim("q", b, "He spoke of Putin.")}
    dispute, quote = pair(claims, "x", "y"), pair(claims, "x", "q")
    found, _ = build_findings([dispute, quote], [verdict(dispute), verdict(quote, kind="reporting",
                                                                             type="quote")],
                              claims, [a, b], STORY)
    assert sorted((f["kind"], f["type"]) for f in found) == [("dispute", "factual"), ("reporting", "quote")]


def test_finding_ids_depend_on_the_linked_sentences_not_on_wording_or_quote_choice():
    a = doc("a", "Intro. Musk spoke to Putin once. Outro.")
    b = doc("b", "Musk talks to Putin regularly, officials say.")
    first = {"x": claim("x", a, "Musk spoke to Putin once"), "y": claim("y", b, "talks to Putin")}
    second = {"x": claim("x", a, "spoke to Putin"), "y": claim("y", b, "Musk talks to Putin regularly")}
    texts = {"a": a.text, "b": b.text}
    one = conflict(("x",), ("y",))
    other_words = Conflict("dispute", "factual", (Side("regularly", ("y",)), Side("once", ("x",))),
                           "Worded differently.", True)
    assert finding_id(one, first, texts) == finding_id(other_words, second, texts)
    moved = {"x": claim("x", a, "Outro."), "y": first["y"]}
    assert finding_id(one, moved, texts) != finding_id(one, first, texts)


def test_a_later_document_joining_a_side_keeps_the_finding_id():
    a = doc("a", "Musk spoke to Putin once.", "2022-10-11")
    b = doc("b", "Musk talks to Putin regularly, officials say.", "2024-10-25")
    c = doc("c", "Officials repeat that Musk talks to Putin regularly.", "2024-11-02")
    claims = {"x": claim("x", a, "Musk spoke to Putin once"), "y": claim("y", b, "Musk talks to Putin"),
              "z": claim("z", c, "Musk talks to Putin regularly")}
    texts = {d.id: d.text for d in (a, b, c)}
    dates = {d.id: d.published for d in (a, b, c)}
    before = finding_id(conflict(("x",), ("y",)), claims, texts, dates)
    assert finding_id(conflict(("x",), ("y", "z")), claims, texts, dates) == before
    assert finding_id(conflict(("x",), ("z",)), claims, texts, dates) != before


def test_the_same_words_with_different_amounts_stay_on_opposite_sides_of_one_finding():
    """Similarity leaves numbers out, so two outlets' "the grant was $13.2 million" and "$3.3
    million" look alike; they are the two positions of the conflict, never one node."""
    a, b = doc("a", "The city grant was $13.2 million."), doc("b", "The city grant was $3.3 million.")
    c = doc("c", "Officials said the city grant was $13.2 million.")
    claims = {"x": claim("x", a, a.text, quantities=["$13.2 million"], entities=["City"]),
              "y": claim("y", b, b.text, quantities=["$3.3 million"], entities=["City"]),
              "z": claim("z", c, c.text, quantities=["$13.2 million"], entities=["City"])}
    pairs = [pair(claims, "x", "y"), pair(claims, "z", "y")]
    story = Story(3, frozenset(), {k: ("city",) for k in claims})
    found, _ = build_findings(pairs, [verdict(p, kind="reporting", type="numeric") for p in pairs],
                              claims, [a, b, c], story)
    assert len(found) == 1
    assert sorted(sorted(s["claim_ids"]) for s in found[0]["sides"]) == [["x", "z"], ["y"]]
