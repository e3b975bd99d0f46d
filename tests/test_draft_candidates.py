"""Draft candidates without any model: which source passages each draft claim is shown with."""
from __future__ import annotations

import dataclasses

from checker.draft_candidates import draft_candidates, same_speaker
from checker.types import Claim

SOURCE = 'Officials met on Monday. The mayor said "the repairs will last six weeks at most".'
DRAFT = 'The mayor said "the repairs will last six months at most". Bananas are yellow fruit.'


def claim(doc_id: str, text: str, sentence: str, *by: str, stance: str = "asserted") -> Claim:
    start = text.index(sentence)
    return Claim(id=f"c-{doc_id}-{start}", doc_id=doc_id, statement=sentence, start=start,
                 end=start + len(sentence), alignment="sentence", entities=(),
                 attributed_to=("the article", *by), stance=stance)  # type: ignore[arg-type]


def candidates(draft_by: str = "mayor", source_by: str = "mayor"):
    quote_source = 'The mayor said "the repairs will last six weeks at most".'
    quote_draft = 'The mayor said "the repairs will last six months at most".'
    sources = [claim("s", SOURCE, "Officials met on Monday."),
               claim("s", SOURCE, quote_source, source_by, stance="quoted")]
    drafts = [claim("d", DRAFT, quote_draft, draft_by, stance="quoted"),
              claim("d", DRAFT, "Bananas are yellow fruit.")]
    return draft_candidates(drafts, sources, {}, {"s": SOURCE, "d": DRAFT}, {}, ["s"])


def test_a_quotation_worded_differently_is_shown_with_its_differences():
    quoted, bananas = candidates()
    (offered,) = [p for p in quoted.passages if p.quote is not None]
    assert offered.quote is not None and offered.quote.differences == ("'weeks' -> 'months'",)
    assert SOURCE[offered.quote.source[1]:offered.quote.source[2]] == \
        "the repairs will last six weeks at most"
    assert DRAFT[offered.quote.draft[0]:offered.quote.draft[1]] == \
        "the repairs will last six months at most"
    assert "worded differently" in offered.notes[0] and not quoted.quoted_word_for_word
    assert bananas.passages == ()  # nothing in the sources on that subject


def test_someone_elses_words_are_not_the_same_quotation():
    quoted, _ = candidates(draft_by="the mayor", source_by="a council spokesman")
    assert all(p.quote is None for p in quoted.passages)


def test_speakers_match_by_name_and_an_unknown_speaker_matches_any():
    assert same_speaker("Elon Musk", "Musk") and same_speaker("", "Musk")
    assert not same_speaker("Dmitry Peskov", "Elon Musk")


def test_a_draft_denial_is_shown_the_sources_denials_before_the_accounts_it_denies():
    accounts = [f"Bremmer said Musk spoke with Putin about Ukraine peace terms in call {n}."
                for n in range(5)]
    denial = "Musk denied that he spoke with Putin."
    source = " ".join([*accounts, denial])
    draft = "Musk denied this."
    sources = [*(claim("s", source, a, "Bremmer") for a in accounts),
               claim("s", source, denial, "Musk", stance="denied")]
    # as extraction states a denial: what is denied
    denied = dataclasses.replace(claim("d", draft, draft, "Musk", stance="denied"),
                                 statement="Musk spoke with Putin about Ukraine peace terms in a call")
    (item,) = draft_candidates([denied], sources, {}, {"s": source, "d": draft}, {}, ["s"])
    # the accounts share more words with what the draft denies, but Musk's own denial comes first
    assert source[item.passages[0].passage.start:item.passages[0].passage.end] == denial
