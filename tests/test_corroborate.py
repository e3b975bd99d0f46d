"""Corroboration is pure: agreeing claims count their independent origins, not their documents, so
relays, anonymous sources, acronyms and wire copies do not inflate the count."""
from __future__ import annotations

import pytest

from checker.corroborate import build_corroborations, canonical_names, is_named, resolve_name, source_of
from checker.load import Document
from checker.types import Candidate, Claim, Passage, Verdict

SPOKE = "Musk spoke with Putin about Ukraine"
WSJ = {"the wall street journal": "The Wall Street Journal", "wsj": "WSJ"}


class Story:
    def __init__(self, **texts: str) -> None:
        self.documents = [Document(id=doc_id, text=text) for doc_id, text in texts.items()]
        self.claims: list[Claim] = []

    def claim(self, doc_id: str, *by: str, evidence: str = SPOKE, statement: str | None = None,
              stance: str = "asserted") -> str:
        text = next(d.text for d in self.documents if d.id == doc_id)
        start = text.index(evidence)
        claim_id = f"c{len(self.claims)}"
        self.claims.append(Claim(claim_id, doc_id, statement or f"{SPOKE}.", start,
                                 start + len(evidence), "sentence", (), ("the article", *by), stance))
        return claim_id

    def corroborations(self, known=WSJ, candidates=(), verdicts=()):
        return build_corroborations(self.claims, list(candidates), list(verdicts), self.documents,
                                    known)


def test_three_outlets_relaying_the_wsj_are_one_source_relayed_three_times():
    story = Story(nyp=f"{SPOKE}, The Wall Street Journal reported. The weather was fine in New York.",
                  yahoo=f"{SPOKE}, the WSJ reported. Yahoo has more on other matters entirely.",
                  cnn=f"{SPOKE}, according to the Journal. CNN could not confirm it on its own.")
    story.claim("nyp", "The Wall Street Journal")
    story.claim("yahoo", "WSJ")
    story.claim("cnn", "the Wall Street Journal")
    [agreed] = story.corroborations()
    assert agreed["doc_ids"] == ["nyp", "yahoo", "cnn"] and len(agreed["claim_ids"]) == 3
    assert (agreed["independent_sources"], agreed["origins"]) == (1, ["The Wall Street Journal"])


def test_an_acronym_and_the_full_name_are_one_origin_even_unresolved():
    assert canonical_names(["WSJ", "The Wall Street Journal"]) == {
        "WSJ": "The Wall Street Journal", "The Wall Street Journal": "The Wall Street Journal"}
    story = Story(a=f"{SPOKE}, the WSJ said.", b=f"{SPOKE}, The Wall Street Journal said.")
    story.claim("a", "WSJ")
    story.claim("b", "The Wall Street Journal")
    [agreed] = story.corroborations(known={})  # the alias table knows neither name
    assert agreed["origins"] == ["The Wall Street Journal"]


def test_an_acronym_two_names_could_spell_stays_apart():
    assert canonical_names(["WSJ", "The Wall Street Journal", "Western Sahara Journal"])["WSJ"] == "WSJ"


def test_independent_named_sources_each_count():
    story = Story(a=f"{SPOKE}, the WSJ said.", b=f"{SPOKE}, Reuters said.", c=f"{SPOKE}, Ian Bremmer said.")
    story.claim("a", "WSJ")
    story.claim("b", "Reuters")
    story.claim("c", "Ian Bremmer")
    [agreed] = story.corroborations()
    assert (agreed["independent_sources"], agreed["origins"]) == (3, ["Ian Bremmer", "Reuters", "WSJ"])


@pytest.mark.parametrize("anonymous", ["a former intelligence officer", "White House officials",
                                       "people familiar with the matter", "sources", "two officials"])
def test_an_anonymous_source_is_not_a_named_one(anonymous):
    assert not is_named(anonymous, {})


def test_an_anonymous_source_belongs_to_the_outlet_that_cites_it():
    story = Story(a=f"{SPOKE}, a former intelligence officer said. Little else was known.",
                  b=f"{SPOKE}, White House officials said, speaking on condition of anonymity.",
                  c=f"{SPOKE}, the WSJ reported, citing White House officials.")
    story.claim("a", "a former intelligence officer")
    story.claim("b", "White House officials")
    story.claim("c", "WSJ", "White House officials")
    [agreed] = story.corroborations()
    # the officials the WSJ cites are the WSJ's: three outlets, three independent origins
    assert agreed["origins"] == ["WSJ", "document a", "document b"]
    assert source_of(story.claims[1], WSJ) is None and source_of(story.claims[2], WSJ) == "WSJ"


def test_two_outlets_passing_on_one_outlets_anonymous_sources_are_one_origin():
    story = Story(a=f"{SPOKE}, the WSJ reported, citing officials.",
                  b=f"{SPOKE}, The Wall Street Journal said, citing a former official.")
    story.claim("a", "WSJ", "officials")
    story.claim("b", "The Wall Street Journal", "a former official")
    [agreed] = story.corroborations()
    assert agreed["independent_sources"] == 1


WIRE = (f"{SPOKE} in a call last autumn, officials in Washington and Kyiv said on Tuesday, adding "
        "that the call lasted about an hour and covered satellite service over the front line.")


def test_wire_copies_count_once():
    story = Story(ap=WIRE, local=WIRE.replace("on Tuesday", "on Tuesday afternoon"),
                  bbc=f"{SPOKE}. The BBC heard it from its own reporter in Kyiv.")
    story.claim("ap", "officials in Washington and Kyiv")
    story.claim("local", "officials in Washington and Kyiv")
    story.claim("bbc")
    [agreed] = story.corroborations()
    assert agreed["doc_ids"] == ["ap", "local", "bbc"]
    assert (agreed["independent_sources"], agreed["origins"]) == (2, ["document ap", "document bbc"])


def test_claims_agree_through_the_verifier_or_the_same_words_and_never_otherwise():
    story = Story(a=f"{SPOKE}. Nothing else.", b="Musk held talks with Putin on Ukraine. More.",
                  c="Musk never spoke with Putin. Nothing more.")
    spoke = story.claim("a")
    talks = story.claim("b", evidence="Musk held talks with Putin on Ukraine",
                        statement="Musk held talks with Putin on Ukraine.")
    story.claim("c", evidence="Musk never spoke with Putin", statement="Musk never spoke with Putin.")
    assert story.corroborations() == []  # different words, and nobody said they agree
    pair = Candidate("k-1", Passage("a", 0, 36, (spoke,)), Passage("b", 0, 38, (talks,)), ("test",), ())
    same = Verdict("k-1", "same", None, None, False, False, False, "Both say it.")
    [agreed] = story.corroborations(candidates=[pair], verdicts=[same])
    assert set(agreed["claim_ids"]) == {spoke, talks} and agreed["doc_ids"] == ["a", "b"]
    compatible = Verdict("k-1", "compatible", None, None, False, False, False, "Both can be true.")
    assert story.corroborations(candidates=[pair], verdicts=[compatible]) == []


def test_one_document_saying_a_thing_twice_is_not_a_corroboration():
    story = Story(a=f"{SPOKE}. Indeed, {SPOKE}.")
    story.claim("a")
    story.claim("a", evidence=f"Indeed, {SPOKE}")
    assert story.corroborations() == []


def test_the_most_independent_corroboration_comes_first():
    story = Story(a=f"{SPOKE}, the WSJ said. The deal closed, Reuters said.",
                  b=f"{SPOKE}, Reuters said. The deal closed, Reuters said.")
    story.claim("a", "WSJ")
    story.claim("b", "Reuters")
    story.claim("a", "Reuters", evidence="The deal closed", statement="The deal closed.")
    story.claim("b", "Reuters", evidence="The deal closed", statement="The deal closed.")
    assert [c["independent_sources"] for c in story.corroborations()] == [2, 1]


def test_a_name_is_resolved_through_the_alias_table_then_by_the_known_name_it_contains():
    known = {"ian bremmer": "Ian Bremmer", "bremmer": "Ian Bremmer"}
    assert resolve_name("Bremmer", known) == "Ian Bremmer"
    assert resolve_name("Eurasia Group's Ian Bremmer", known) == "Ian Bremmer"
    assert resolve_name("Eurasia Group", known) == "Eurasia Group"  # unknown: kept as written


def test_a_source_named_with_its_organisation_resolves_to_the_person():
    known = {"ian bremmer": "Ian Bremmer", "eurasia group": "Eurasia Group"}
    assert resolve_name("Eurasia Group's Ian Bremmer", known) == "Ian Bremmer"
