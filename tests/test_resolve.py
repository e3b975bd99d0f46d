"""Entity resolution: which spellings become one entity, which stay apart, and why, in small stories."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.resolve import AmbiguousPair, Resolution, resolve_entities
from checker.types import Claim

CORPUS = Path(__file__).parent.parent / "fixtures" / "corpus"


class Story:
    """Documents and claims written together, so each claim's evidence span is real."""

    def __init__(self, **texts: str) -> None:
        self.texts = texts
        self.claims: list[Claim] = []

    def claim(self, doc_id: str, evidence: str, *entities: tuple[str, str],
              statement: str | None = None) -> Claim:
        start = self.texts[doc_id].index(evidence)
        claim = Claim(id=f"c{len(self.claims)}", doc_id=doc_id, statement=statement or evidence,
                      start=start, end=start + len(evidence), alignment="exact",
                      entities=tuple(entities), attributed_to=(), stance="asserted")
        self.claims.append(claim)
        return claim

    def resolve(self, **options) -> Resolution:
        resolution = resolve_entities(self.claims, self.texts, **options)
        for entity in resolution.entities:
            for mention in entity.mentions:
                assert self.texts[mention.doc_id][mention.start:mention.end] == mention.text
        return resolution


def person(name: str) -> tuple[str, str]:
    return (name, "person")


def entity_named(resolution: Resolution, name: str):
    found = [e for e in resolution.entities if e.name == name or name in e.aliases]
    assert len(found) == 1, f"{name!r} is in {len(found)} entities"
    return found[0]


def names_of(resolution: Resolution, kind: str = "person") -> list[set[str]]:
    return [{e.name, *e.aliases} for e in resolution.entities if e.kind == kind]


def bremmer_story() -> Story:
    story = Story(wsj="Political scientist Jan Bremmer said Musk told him so.",
                  nyp="Ian Bremmer, of the Eurasia Group, wrote that the talks happened.",
                  yahoo="Analyst Ian Bremer later doubled down. Bremmer stood by the account.")
    story.claim("wsj", "Jan Bremmer said Musk told him so", person("Jan Bremmer"))
    story.claim("nyp", "Ian Bremmer, of the Eurasia Group, wrote", person("Ian Bremmer"))
    story.claim("nyp", "Ian Bremmer, of the Eurasia Group, wrote", person("Ian Bremmer"))
    story.claim("yahoo", "Ian Bremer later doubled down", person("Ian Bremer"))
    story.claim("yahoo", "Bremmer stood by the account", person("Bremmer"))
    return story


def test_misspelt_surname_other_first_name_and_bare_surname_are_one_person():
    resolution = bremmer_story().resolve()
    bremmer = entity_named(resolution, "Ian Bremmer")
    assert bremmer.name == "Ian Bremmer"  # the most frequent of the complete spellings
    assert bremmer.aliases == ("Bremmer", "Ian Bremer", "Jan Bremmer")
    rules = {reason.alias: reason.rule for reason in bremmer.merges}
    assert rules == {"Ian Bremer": "fuzzy-name", "Jan Bremmer": "fuzzy-name", "Bremmer": "bare-surname"}
    jan = next(r for r in bremmer.merges if r.alias == "Jan Bremmer")
    assert "'Ian Bremmer'" in jan.evidence and "same surname" in jan.evidence
    assert [(m.doc_id, m.text) for m in bremmer.mentions] == [
        ("nyp", "Ian Bremmer"), ("nyp", "Ian Bremmer"), ("wsj", "Jan Bremmer"),
        ("yahoo", "Ian Bremer"), ("yahoo", "Bremmer")]
    assert resolution.ambiguous == []


def test_transliterated_first_name_joins_same_surname():
    story = Story(a="Sergey Kiriyenko, the Kremlin's deputy chief of staff, ran the talks.",
                  b="Serhiy Kiriyenko ran the talks.")
    story.claim("a", "Sergey Kiriyenko, the Kremlin's deputy chief of staff", person("Sergey Kiriyenko"))
    story.claim("b", "Serhiy Kiriyenko ran the talks", person("Serhiy Kiriyenko"))
    (entity,) = story.resolve().entities
    assert entity.aliases in {("Serhiy Kiriyenko",), ("Sergey Kiriyenko",)}
    assert entity.merges[0].rule == "same-surname"


def musk_story() -> Story:
    story = Story(wsj="Tesla CEO Elon Musk denied the report on Tuesday.",
                  nyp="Musk’s satellites kept Ukraine online. Musk said he had not spoken to them.",
                  dc="Bremmer said the Tesla CEO had talked with Vladimir Putin.")
    story.claim("wsj", "Tesla CEO Elon Musk denied the report", person("Elon Musk"))
    story.claim("nyp", "Musk’s satellites kept Ukraine online", person("Musk's"))
    story.claim("nyp", "Musk said he had not spoken", person("Musk"), ("the Kremlin", "organization"))
    # Putin is named in the same claim, but the documents say who "the Tesla CEO" is.
    story.claim("dc", "the Tesla CEO had talked with Vladimir Putin",
                person("the Tesla CEO"), person("Vladimir Putin"))
    return story


def test_possessive_bare_surname_and_role_join_the_full_name():
    resolution = musk_story().resolve()
    musk = entity_named(resolution, "Elon Musk")
    assert musk.name == "Elon Musk" and musk.kind == "person"
    assert musk.aliases == ("Musk", "Musk's", "the Tesla CEO")
    reasons = {reason.alias: reason for reason in musk.merges}
    assert reasons["Musk's"].rule == "normalized"
    assert reasons["the Tesla CEO"].rule == "role"
    assert "tesla ceo elon musk" in reasons["the Tesla CEO"].evidence
    # The possessive is located though the text spells it with a curly apostrophe.
    assert ("nyp", "Musk’s") in {(m.doc_id, m.text) for m in musk.mentions}
    assert entity_named(resolution, "Vladimir Putin").aliases == ()


def test_role_joins_the_only_person_named_in_its_claim():
    story = Story(a="The Russian leader, Vladimir Putin, spoke on Tuesday.",
                  b="The Russian leader was silent.")
    story.claim("a", "The Russian leader, Vladimir Putin, spoke", person("The Russian leader"),
                person("Vladimir Putin"))
    story.claim("b", "The Russian leader was silent", person("the Russian leader"))
    (putin,) = story.resolve().entities
    assert putin.name == "Vladimir Putin"
    assert {r.alias: r.rule for r in putin.merges} == {"The Russian leader": "role",
                                                      "the Russian leader": "normalized"}


def test_role_written_beside_a_name_outweighs_another_person_in_a_claim():
    story = Story(a="Elon Musk, the Tesla CEO, spoke.", b="The Tesla CEO called Vladimir Putin.")
    story.claim("a", "Elon Musk, the Tesla CEO, spoke", person("Elon Musk, the Tesla CEO"))
    story.claim("b", "The Tesla CEO called Vladimir Putin", person("The Tesla CEO"),
                person("Vladimir Putin"))
    resolution = story.resolve()
    musk = entity_named(resolution, "The Tesla CEO")
    assert musk.name == "Elon Musk, the Tesla CEO" and musk.merges[0].rule == "role"
    assert entity_named(resolution, "Vladimir Putin").aliases == ()


def test_role_seen_with_two_people_stays_apart_and_is_ambiguous():
    story = Story(a="The president, Donald Trump, spoke.", b="The president, Joe Biden, spoke.")
    story.claim("a", "The president, Donald Trump, spoke", person("the president"),
                person("Donald Trump"))
    story.claim("b", "The president, Joe Biden, spoke", person("the president"), person("Joe Biden"))
    resolution = story.resolve()
    assert sorted(map(sorted, names_of(resolution))) == [
        ["Donald Trump"], ["Joe Biden"], ["the president"]]
    assert {(p.a, p.b) for p in resolution.ambiguous} == {("the president", "Donald Trump"),
                                                          ("the president", "Joe Biden")}


def test_people_sharing_a_first_name_stay_apart():
    story = Story(a="Vladimir Putin met Vladimir Zelensky.",
                  b="Donald Trump Jr. and Donald Trump spoke.")
    story.claim("a", "Vladimir Putin met Vladimir Zelensky", person("Vladimir Putin"),
                person("Vladimir Zelensky"))
    story.claim("b", "Donald Trump Jr. and Donald Trump spoke", person("Donald Trump Jr."),
                person("Donald Trump"))
    resolution = story.resolve()
    assert sorted(e.name for e in resolution.entities) == [
        "Donald Trump", "Donald Trump Jr.", "Vladimir Putin", "Vladimir Zelensky"]
    assert resolution.ambiguous == []


def trump_story() -> Story:
    story = Story(a="Donald Trump and Ivanka Trump arrived. Trump spoke first.")
    story.claim("a", "Donald Trump and Ivanka Trump arrived", person("Donald Trump"),
                person("Ivanka Trump"))
    story.claim("a", "Trump spoke first", person("Trump"))
    return story


def test_shared_surname_keeps_people_apart_and_bare_surname_ambiguous():
    resolution = trump_story().resolve()
    assert sorted(e.name for e in resolution.entities) == ["Donald Trump", "Ivanka Trump", "Trump"]
    assert {(p.a, p.b, p.kind) for p in resolution.ambiguous} == {
        ("Trump", "Donald Trump", "person"), ("Trump", "Ivanka Trump", "person")}
    assert entity_named(resolution, "Trump").mentions[0].text == "Trump"


def test_confirmed_pair_is_merged_and_leaves_ambiguous():
    resolution = trump_story().resolve(confirmed={("Trump", "Donald Trump"): True})
    trump = entity_named(resolution, "Donald Trump")
    assert trump.aliases == ("Trump",)
    assert trump.merges[0].rule == "confirmed"
    assert entity_named(resolution, "Ivanka Trump").aliases == ()
    assert resolution.ambiguous == []


def test_confirmed_different_pair_stays_apart_and_is_not_asked_again():
    resolution = trump_story().resolve(confirmed={("Donald Trump", "Trump"): False,
                                                  ("Trump", "Ivanka Trump"): False})
    assert len(resolution.entities) == 3
    assert resolution.ambiguous == []


def test_initial_joins_the_one_person_it_can_name():
    story = Story(a="Elon Musk spoke. E. Musk later denied it. Michael Lee and Maria Lee met M. Lee.")
    story.claim("a", "Elon Musk spoke. E. Musk later denied it", person("Elon Musk"), person("E. Musk"))
    story.claim("a", "Michael Lee and Maria Lee met M. Lee", person("Michael Lee"), person("Maria Lee"),
                person("M. Lee"))
    resolution = story.resolve()
    assert entity_named(resolution, "Elon Musk").merges[0][:2] == ("E. Musk", "initial")
    assert {(p.a, p.b) for p in resolution.ambiguous} == {("M. Lee", "Maria Lee"),
                                                          ("M. Lee", "Michael Lee")}


def test_guard_refuses_a_chain_that_would_join_different_first_names():
    # Ina~Ine (same surname) and Ana~Ina (fuzzy) each look fine, but Ana and Ine are different people.
    story = Story(a="Ina Kowalczyk, Ine Kowalczyk and Ana Kowalczyk signed.")
    story.claim("a", "Ina Kowalczyk, Ine Kowalczyk and Ana Kowalczyk signed",
                person("Ina Kowalczyk"), person("Ine Kowalczyk"), person("Ana Kowalczyk"))
    resolution = story.resolve()
    assert sorted(map(sorted, names_of(resolution))) == [
        ["Ana Kowalczyk"], ["Ina Kowalczyk", "Ine Kowalczyk"]]
    (pair,) = resolution.ambiguous
    assert {pair.a, pair.b} == {"Ana Kowalczyk", "Ina Kowalczyk"} and "different people" in pair.evidence


def test_acronym_joins_its_expansion():
    story = Story(a="The Wall Street Journal first reported the call.", b="The WSJ did not say how.",
                  c="The Daily Caller News Foundation has confirmed it, the DCNF said.")
    story.claim("a", "The Wall Street Journal first reported",
                ("The Wall Street Journal", "organization"))
    story.claim("b", "The WSJ did not say how", ("WSJ", "organization"))
    story.claim("c", "The Daily Caller News Foundation has confirmed it, the DCNF said",
                ("Daily Caller News Foundation", "organization"), ("DCNF", "organization"))
    resolution = story.resolve()
    assert sorted(map(sorted, names_of(resolution, "organization"))) == [
        ["DCNF", "Daily Caller News Foundation"], ["The Wall Street Journal", "WSJ"]]
    wsj = entity_named(resolution, "WSJ")
    assert wsj.name == "The Wall Street Journal" and wsj.merges[0].rule == "acronym"


def test_person_and_organisation_named_after_them_stay_apart():
    story = Story(a="Nikola Tesla never ran Tesla. Donald Trump runs the Trump Organization.")
    story.claim("a", "Nikola Tesla never ran Tesla", person("Nikola Tesla"), ("Tesla", "organization"))
    story.claim("a", "Donald Trump runs the Trump Organization", person("Donald Trump"),
                ("the Trump Organization", "organization"), ("Trump", "organization"))
    resolution = story.resolve()
    assert sorted((e.kind, e.name) for e in resolution.entities) == [
        ("organization", "Tesla"), ("organization", "Trump"), ("organization", "the Trump Organization"),
        ("person", "Donald Trump"), ("person", "Nikola Tesla")]


def test_kind_other_joins_only_by_exact_normalised_name():
    story = Story(a="Elon Musk said so. Elon Musk's company. Musk again.")
    story.claim("a", "Elon Musk said so", person("Elon Musk"))
    story.claim("a", "Elon Musk's company", ("Elon Musk's", "other"))
    story.claim("a", "Musk again", ("Musk", "other"))
    resolution = story.resolve()
    musk = entity_named(resolution, "Elon Musk")
    assert musk.kind == "person" and musk.aliases == ("Elon Musk's",)
    assert entity_named(resolution, "Musk").kind == "other"


def test_claim_entities_and_unlocatable_names():
    story = musk_story()
    lost = story.claim("wsj", "Tesla CEO Elon Musk", person("Elon R. Musk"))
    resolution = story.resolve()
    musk = entity_named(resolution, "Elon Musk")
    assert "Elon R. Musk" in musk.aliases  # counted, though the text never spells it
    assert all(m.claim_id != lost.id for m in musk.mentions)
    assert resolution.claim_entities[lost.id] == (musk.id,)
    putin = entity_named(resolution, "Vladimir Putin")
    assert resolution.claim_entities["c3"] == tuple(sorted((musk.id, putin.id)))


def test_unknown_kind_is_refused():
    story = Story(a="Elon Musk.")
    story.claim("a", "Elon Musk", ("Elon Musk", "human"))
    with pytest.raises(ValueError, match="human"):
        story.resolve()


def test_real_corpus_names_resolve_and_locate():
    texts = {path.stem[:3]: path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))}
    story = Story(**texts)
    story.claim("004", "Technology mogul Elon Musk allegedly spoke to Russian President Vladimir Putin",
                person("Elon Musk"), person("Vladimir Putin"))
    story.claim("004", "Bremmer claimed Musk told him the Tesla CEO had communicated with Putin",
                person("Bremmer"), person("Musk"), person("the Tesla CEO"), person("Putin"))
    story.claim("004", "the Russian president would require", person("the Russian president"))
    story.claim("000", "Jan Bremmer", person("Jan Bremmer"), person("Serhiy Kiriyenko"))
    story.claim("001", "Sergey Kiriyenko", person("Sergey Kiriyenko"), person("Ian Bremmer"))
    story.claim("003", "Ian Bremer", person("Ian Bremer"))
    story.claim("000", "Musk", person("Musk's"))
    resolution = story.resolve()
    assert sorted(map(sorted, names_of(resolution))) == [
        ["Bremmer", "Ian Bremer", "Ian Bremmer", "Jan Bremmer"],
        ["Elon Musk", "Musk", "Musk's", "the Tesla CEO"],
        ["Putin", "Vladimir Putin", "the Russian president"],
        ["Sergey Kiriyenko", "Serhiy Kiriyenko"]]
    # The WSJ story spells "Musk's" with U+02BC; the mention is the text exactly as written.
    assert "Musk\u02bcs" in {m.text for m in entity_named(resolution, "Musk's").mentions}


def all_claims() -> tuple[dict[str, str], list[Claim]]:
    texts: dict[str, str] = {}
    claims: list[Claim] = []
    for n, story in enumerate((bremmer_story(), musk_story(), trump_story())):
        texts.update({f"{n}{doc}": text for doc, text in story.texts.items()})
        claims += [Claim(**{**claim.__dict__, "id": f"{n}{claim.id}", "doc_id": f"{n}{claim.doc_id}"})
                   for claim in story.claims]
    return texts, claims


TEXTS, CLAIMS = all_claims()
EXPECTED = resolve_entities(CLAIMS, TEXTS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(CLAIMS))
def test_result_does_not_depend_on_claim_order(shuffled: list[Claim]):
    assert resolve_entities(shuffled, TEXTS) == EXPECTED


def test_ambiguous_pairs_name_known_spellings():
    spellings = {name for claim in CLAIMS for name, _ in claim.entities}
    assert EXPECTED.ambiguous and all(isinstance(p, AmbiguousPair) for p in EXPECTED.ambiguous)
    assert all(p.a in spellings and p.b in spellings for p in EXPECTED.ambiguous)


def test_display_name_is_the_spelling_most_outlets_use_not_one_outlets_repetition():
    story = Story(a="Ian Bremer said it. Ian Bremer repeated it. Ian Bremer insisted.",
                  b="Ian Bremmer wrote a newsletter.", c="Ian Bremmer told subscribers.")
    for sentence in ("Ian Bremer said it", "Ian Bremer repeated it", "Ian Bremer insisted"):
        story.claim("a", sentence, person("Ian Bremer"))
    story.claim("b", "Ian Bremmer wrote a newsletter", person("Ian Bremmer"))
    story.claim("c", "Ian Bremmer told subscribers", person("Ian Bremmer"))
    entity = entity_named(story.resolve(), "Ian Bremer")
    assert (entity.name, entity.aliases) == ("Ian Bremmer", ("Ian Bremer",))
