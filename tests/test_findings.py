"""Findings are pure: severity rules, normaliser vetoes, stable ids and independent corroboration."""
from __future__ import annotations

from datetime import date

import pytest

from checker.extract import Claim, Quantity
from checker.findings import (Story, build_findings, finding_id, is_core, severity_of, story_of,
                              wire_clusters)
from checker.judge import Agreement, Conflict, Judgement, Side
from checker.load import Document


def doc(doc_id: str, text: str, published: str | None = "2024-10-25") -> Document:
    return Document(id=doc_id, text=text, published=published)


def claim(claim_id: str, document: Document, evidence: str, *, entities=(), times=(), quantities=(),
          stance="asserted") -> Claim:
    start = document.text.index(evidence)
    return Claim(id=claim_id, doc_id=document.id, statement=evidence, quote=evidence, start=start,
                 end=start + len(evidence), alignment="exact",
                 entities=tuple((e, "person") for e in entities), attributed_to=("the article",),
                 stance=stance, times=tuple(times), quantities=tuple(quantities))


def conflict(*sides: tuple[str, ...], kind="reporting", type="factual", changes=True) -> Conflict:
    return Conflict("g-1", kind, type, tuple(Side(f"side {i}", ids) for i, ids in enumerate(sides)),
                    "They differ.", changes)


STORY = Story(document_count=4, core_entities=frozenset({"musk", "putin"}), claim_entities={})


@pytest.mark.parametrize("type, kind, changes, core, expected", [
    ("characterisation", "reporting", False, True, "low"),
    ("characterisation", "reporting", True, True, "medium"),
    ("characterisation", "dispute", True, False, "low"),
    ("quote", "reporting", False, True, "low"),
    ("quote", "reporting", True, False, "medium"),
    ("numeric", "dispute", True, True, "high"),
    ("numeric", "reporting", True, True, "medium"),
    ("temporal", "dispute", True, False, "medium"),
    ("factual", "dispute", True, True, "high"),
    ("attribution", "reporting", True, True, "high"),
    ("factual", "dispute", True, False, "medium"),
])
def test_severity_rules(type, kind, changes, core, expected):
    assert severity_of(conflict(("a",), ("b",), kind=kind, type=type, changes=changes), core) == expected


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


def test_compatible_amounts_and_times_are_suppressed_not_reported():
    a = doc("a", "Thousands of terminals were sent. Talks began at the end of 2022.")
    b = doc("b", "It sent 15,000 terminals. Talks began in late 2022.")
    claims = {
        "n1": claim("n1", a, "Thousands of terminals were sent.",
                    quantities=[Quantity("Thousands", None, "terminals", "thousands")]),
        "n2": claim("n2", b, "It sent 15,000 terminals.",
                    quantities=[Quantity("15,000", 15000, "terminals", None)]),
        "t1": claim("t1", a, "Talks began at the end of 2022.", times=["at the end of 2022"]),
        "t2": claim("t2", b, "Talks began in late 2022.", times=["in late 2022"]),
    }
    judged = Judgement("g-1", conflicts=[conflict(("n1",), ("n2",), type="numeric"),
                                         conflict(("t1",), ("t2",), type="temporal")])
    found, _, suppressed = build_findings([judged], claims, [a, b], STORY)
    assert found == []
    assert [s["type"] for s in suppressed] == ["numeric", "temporal"]
    assert "overlap once normalised" in suppressed[0]["reason"]


def test_amounts_that_cannot_overlap_stay_a_finding():
    a = doc("a", "Contracts total $3.6 billion.")
    b = doc("b", "Contracts total $11.8 billion.")
    claims = {"x": claim("x", a, "Contracts total $3.6 billion.",
                         quantities=[Quantity("$3.6 billion", 3.6e9, "USD", None)]),
              "y": claim("y", b, "Contracts total $11.8 billion.",
                         quantities=[Quantity("$11.8 billion", 11.8e9, "USD", None)])}
    judged = Judgement("g-1", conflicts=[conflict(("x",), ("y",), type="numeric")])
    found, _, suppressed = build_findings([judged], claims, [a, b], STORY)
    assert [f["type"] for f in found] == ["numeric"] and suppressed == []
    assert found[0]["sides"][0]["doc_ids"] == ["a"]


def test_finding_ids_depend_on_the_linked_sentences_not_on_wording_or_quote_choice():
    a = doc("a", "Intro. Musk spoke to Putin once. Outro.")
    b = doc("b", "Musk talks to Putin regularly, officials say.")
    first = {"x": claim("x", a, "Musk spoke to Putin once"), "y": claim("y", b, "talks to Putin")}
    second = {"x": claim("x", a, "spoke to Putin"), "y": claim("y", b, "Musk talks to Putin regularly")}
    texts = {"a": a.text, "b": b.text}
    one = conflict(("x",), ("y",))
    other_words = Conflict("g-9", "dispute", "factual", (Side("regularly", ("y",)), Side("once", ("x",))),
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
    dates = {d.id: date.fromisoformat(d.published) for d in (a, b, c)}
    before = finding_id(conflict(("x",), ("y",)), claims, texts, dates)
    assert finding_id(conflict(("x",), ("y", "z")), claims, texts, dates) == before
    assert finding_id(conflict(("x",), ("z",)), claims, texts, dates) != before


def test_wire_copies_count_once_for_corroboration():
    wire = "The agency reported that the ministers met on Monday in the capital to discuss trade."
    a, b = doc("a", wire + " Extra."), doc("b", "Headline. " + wire)
    c = doc("c", "Ministers met on Monday, our correspondent says.")
    assert wire_clusters([a, b, c]) == {"a": "a", "b": "a", "c": "c"}
    claims = {"x": claim("x", a, "the ministers met on Monday"), "y": claim("y", b, "the ministers met on Monday"),
              "z": claim("z", c, "Ministers met on Monday")}
    copies = Judgement("g", agreements=[Agreement("g", "They met on Monday.", ("x", "y"))])
    independent = Judgement("g", agreements=[Agreement("g", "They met on Monday.", ("x", "z"))])
    assert build_findings([copies], claims, [a, b, c], STORY)[1] == []
    assert build_findings([independent], claims, [a, b, c], STORY)[1][0]["independent_sources"] == 2
