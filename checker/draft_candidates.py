"""Draft candidates: each draft claim's few source passages to be judged against (pure, no model).

The draft's claims and the sources' claims are compared the way candidate generation compares
claims across documents (group.similar_pairs over resolved entities and word stems); each draft
claim keeps its MAX_PASSAGES nearest source sentences. Quotations in the draft are aligned word
by word with the same speaker's quotations in the sources (quotes.py): identical words support a
quoted claim without asking a model; words that differ are shown to the model with the
differences. Times and amounts that cannot overlap once normalised are noted on the passage.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from .group import STOPWORDS, similar_pairs
from .quotes import MIN_ALIGNMENT, Quotation, quotations, word_differences
from .sentences import SentenceIndex
from .types import Claim, Passage
from .vetoes import clashing_values

MAX_PASSAGES = 4       # source passages shown per draft claim
NEIGHBOURS = 12        # nearest source claims considered per draft claim (its own speaker first)
MIN_SIMILARITY = 0.12  # what group calls "on a shared subject"
QUOTE_WORDS = 3        # a draft's quotations are often short ("the subject matter was space")
_NAME = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class QuoteMatch:
    """A draft quotation aligned with the same speaker's quotation in a source."""

    draft: tuple[int, int]             # the quoted words in the draft
    source: tuple[str, int, int]       # (doc_id, start, end) of the quoted words in the source
    differences: tuple[str, ...]       # word runs that differ; empty when word for word the same


@dataclass(frozen=True)
class SourcePassage:
    """One source passage offered for a draft claim: whole sentences and the claims they hold."""

    passage: Passage
    notes: tuple[str, ...] = ()
    quote: QuoteMatch | None = None
    similarity: float = 0.0


@dataclass(frozen=True)
class DraftItem:
    """A draft claim, its draft sentence(s), and the source passages to judge it against."""

    claim_id: str
    draft: Passage
    passages: tuple[SourcePassage, ...]

    @property
    def quoted_word_for_word(self) -> bool:
        """Every quotation match of this claim is word for word the same (and there is one)."""
        matches = [p.quote for p in self.passages if p.quote is not None]
        return bool(matches) and all(not m.differences for m in matches)


def speaker(claim: Claim) -> str:
    """Whom a claim is attributed to, innermost: "" when the article states it itself."""
    return claim.attributed_to[-1] if len(claim.attributed_to) > 1 else ""


def same_speaker(a: str, b: str) -> bool:
    """Two attributions name the same person, as far as their names show; unknown matches any."""
    wa = {w.casefold() for w in _NAME.findall(a) if len(w) > 1} - STOPWORDS
    wb = {w.casefold() for w in _NAME.findall(b) if len(w) > 1} - STOPWORDS
    return not wa or not wb or bool(wa & wb)


def _trigrams(words: Sequence[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def quote_matches(draft: Quotation, sources: Sequence[Quotation]) -> list[QuoteMatch]:
    """The source quotations holding the draft's quoted words, closely enough to be the same
    quotation (rapidfuzz over the shorter one), best first."""
    grams = _trigrams(draft.words)
    found = []
    for quote in sources:
        if not grams & _trigrams(quote.words):
            continue
        score = fuzz.partial_ratio(" ".join(draft.words), " ".join(quote.words))
        if score < MIN_ALIGNMENT:
            continue
        runs = word_differences(quote.words, draft.words)
        found.append((-score, len(runs), quote.doc_id, quote.start,
                      QuoteMatch((draft.start, draft.end), (quote.doc_id, quote.start, quote.end),
                                 tuple(runs))))
    return [m for *_, m in sorted(found, key=lambda t: t[:4])]


def _overlapping(claims: Sequence[Claim], doc_id: str, start: int, end: int) -> list[Claim]:
    return [c for c in claims if c.doc_id == doc_id and c.start < end and start < c.end]


def draft_candidates(draft_claims: Sequence[Claim], source_claims: Sequence[Claim],
                     claim_entities: Mapping[str, Sequence[str]], texts: Mapping[str, str],
                     published: Mapping[str, date | None], source_order: Sequence[str]
                     ) -> list[DraftItem]:
    """One DraftItem per draft claim, in draft order; deterministic."""
    if not draft_claims:
        return []
    draft_id = draft_claims[0].doc_id
    indexes = {doc_id: SentenceIndex(text) for doc_id, text in texts.items()}
    by_id = {c.id: c for c in [*draft_claims, *source_claims]}
    order = {doc_id: i for i, doc_id in enumerate(source_order)}

    def passage_of(doc_id: str, start: int, end: int, claims: Sequence[Claim]) -> Passage:
        s, e = indexes[doc_id].covering(start, end)
        return Passage(doc_id, s, e, tuple(c.id for c in claims[:3]))

    near: dict[str, list[tuple[float, Claim]]] = {c.id: [] for c in draft_claims}
    for score, a, b in similar_pairs([*draft_claims, *source_claims], claim_entities,
                                     k=NEIGHBOURS, min_similarity=MIN_SIMILARITY):
        x, y = by_id[a], by_id[b]
        if (x.doc_id == draft_id) == (y.doc_id == draft_id):
            continue
        mine, theirs = (x, y) if x.doc_id == draft_id else (y, x)
        near[mine.id].append((score, theirs))

    source_quotes = [q for doc_id in source_order
                     for q in quotations(doc_id, texts[doc_id], QUOTE_WORDS)]
    draft_quotes = quotations(draft_id, texts[draft_id], QUOTE_WORDS)
    items = []
    for claim in sorted(draft_claims, key=lambda c: (c.start, c.end, c.id)):
        offered: dict[tuple[str, int, int], SourcePassage] = {}
        for quote in _overlapping_quotes(draft_quotes, claim):
            for match in quote_matches(quote, source_quotes):
                doc_id, start, end = match.source
                holders = _overlapping(source_claims, doc_id, start, end)
                if holders and not any(same_speaker(speaker(claim), speaker(h)) for h in holders):
                    continue  # someone else's words
                passage = passage_of(doc_id, start, end, holders)
                key = (doc_id, passage.start, passage.end)
                if key in offered:
                    continue
                note = ("the same quotation, word for word" if not match.differences else
                        "the quotation is worded differently: " + "; ".join(match.differences[:6]))
                offered[key] = SourcePassage(passage, (note,), match)
                break  # the best match of this quotation
        # What the sources attribute to the draft's speaker, in the draft's stance, comes first:
        # "X denied it" is checked against X's denials before anyone's account of the matter.
        ranked = sorted(near[claim.id], key=lambda t: (not _same_position(claim, t[1]), -t[0],
                                                       order.get(t[1].doc_id, 0), t[1].start,
                                                       t[1].id))
        for score, other in ranked:
            passage = passage_of(other.doc_id, other.start, other.end, [other])
            key = (other.doc_id, passage.start, passage.end)
            if key in offered:
                continue
            held = _overlapping(source_claims, other.doc_id, passage.start, passage.end)
            passage = Passage(passage.doc_id, passage.start, passage.end,
                              tuple(dict.fromkeys([other.id, *(c.id for c in held)]))[:3])
            clash = clashing_values(claim, other, published)
            offered[key] = SourcePassage(passage, (clash,) if clash else (), None, round(score, 6))
        passages = list(offered.values())[:MAX_PASSAGES]
        start, end = indexes[draft_id].covering(claim.start, claim.end)
        items.append(DraftItem(claim.id, Passage(draft_id, start, end, (claim.id,)),
                               tuple(passages)))
    return items


def _same_position(draft: Claim, source: Claim) -> bool:
    """The same speaker (the article itself when neither names one) and the same stance."""
    return (draft.stance == "denied") == (source.stance == "denied") and (
        same_speaker(speaker(draft), speaker(source)) if speaker(draft) and speaker(source)
        else not speaker(draft) and not speaker(source))


def _overlapping_quotes(quotes: Sequence[Quotation], claim: Claim) -> list[Quotation]:
    return [q for q in quotes if claim.start <= q.start and q.end <= claim.end]
