"""Candidates: claims and the story-level tensions -> pairs of passages to verify (pure, no model).

Each view proposes pairs on its own; the candidates are their union, one per pair of
sentences, remembering every view that proposed it:
- neighbours: each claim with its nearest claims from other documents on the same subject;
- stance: a denial against an assertion or allegation on a shared subject, and "only once" or
  "never" against "regularly" (inside one document too: that is where disputes live);
- values: times or amounts that cannot overlap once normalised;
- quotes: the same quoted words in several documents, aligned word by word (see quotes.py);
- survey: the tensions a reading of the whole story found (see survey.py).
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from .group import similar_pairs
from .identity import short_id
from .quotes import quoted_variants
from .sentences import SentenceIndex
from .types import Candidate, Claim, Passage
from .vetoes import clashing_values

NEIGHBOURS = 1            # nearest claims from other documents, per claim
MIN_NEIGHBOUR = 0.3       # similarity a neighbour needs
MIN_SUBJECT = 0.12        # similarity that makes two claims "on a shared subject"
PER_DENIAL = 2            # assertions a denial is paired with, the most similar first
OPPOSED = {"denied": ("asserted", "alleged", "quoted")}
EXCLUSIVE = frozenset("only once never single sole solely".split())
REPEATED = frozenset("regular regularly repeatedly several many multiple often frequent "
                     "frequently ongoing continued continuing numerous again".split())
# How strongly each view's proposal suggests a conflict: pairs are verified strongest first.
STRENGTH = {"survey": 4, "stance": 3, "values": 3, "quotes": 3, "neighbours": 1}
ALWAYS = 4       # a pair the survey found, or two views found, is verified whatever the budget
MINIMUM = 10     # verification budget of a small corpus
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class Candidates:
    """What candidate generation found: the pairs, and claims made for passages no claim covers."""

    pairs: list[Candidate] = field(default_factory=list)
    extra_claims: list[Claim] = field(default_factory=list)


_Passage = tuple[str, int, int]  # (doc_id, start, end) of whole sentences
# (passage a, passage b), or within one sentence (passage a, passage b, claim ids a, claim ids b).
_Key = tuple[_Passage, _Passage] | tuple[_Passage, _Passage, tuple[str, ...], tuple[str, ...]]


@dataclass
class _Proposal:
    """One pair of passages as the views proposed it; dicts keep first-seen order without repeats."""

    a: dict[str, None] = field(default_factory=dict)
    b: dict[str, None] = field(default_factory=dict)
    views: dict[str, None] = field(default_factory=dict)
    notes: dict[str, None] = field(default_factory=dict)
    similarity: float = 0.0


@dataclass
class _Builder:
    claims: Mapping[str, Claim]
    indexes: Mapping[str, SentenceIndex]
    order: Mapping[str, int]
    found: dict[_Key, _Proposal] = field(default_factory=dict)

    def passage_span(self, claim: Claim) -> tuple[str, int, int]:
        start, end = self.indexes[claim.doc_id].covering(claim.start, claim.end)
        return claim.doc_id, start, end

    def add(self, a: Sequence[Claim], b: Sequence[Claim], view: str, note: str | None = None,
            similarity: float = 0.0) -> None:
        pa, pb = self.passage_span(a[0]), self.passage_span(b[0])
        if (self.order[pa[0]], pa) > (self.order[pb[0]], pb):
            pa, pb, a, b = pb, pa, b, a
        key: _Key = (pa, pb)
        if pa == pb:  # two claims of one sentence (an account and its denial): keep them apart
            key = (pa, pb, tuple(sorted(c.id for c in a)), tuple(sorted(c.id for c in b)))
        entry = self.found.setdefault(key, _Proposal())
        entry.similarity = max(entry.similarity, similarity)
        entry.a.update(dict.fromkeys(c.id for c in a))
        entry.b.update(dict.fromkeys(c.id for c in b))
        entry.views[view] = None
        if note:
            entry.notes[note] = None

    def build(self) -> list[Candidate]:
        out = []
        for key, entry in sorted(self.found.items(), key=lambda kv: (self.order[kv[0][0][0]],
                                                                     kv[0])):
            pa, pb = key[0], key[1]
            a = Passage(pa[0], pa[1], pa[2], tuple(entry.a))
            b = Passage(pb[0], pb[1], pb[2], tuple(entry.b))
            ident = short_id("k", [list(pa), list(pb), list(key[2:])])
            out.append(Candidate(ident, a, b, tuple(entry.views), tuple(entry.notes),
                                 round(entry.similarity, 6)))
        return out


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _shares_entity(a: Claim, b: Claim, claim_entities: Mapping[str, Sequence[str]]) -> bool:
    return bool(set(claim_entities.get(a.id, ())) & set(claim_entities.get(b.id, ())))


def _relay(a: Claim, b: Claim) -> bool:
    """Two documents passing on one source's account with the same stance: their differences
    are left to the values and quotes views, which look at exactly those."""
    def origin(claim: Claim) -> str:
        return " ".join(claim.attributed_to[-1].casefold().split()) if len(claim.attributed_to) > 1 else ""
    return a.stance == b.stance and (origin(a) == origin(b) != "" or
                                     _words(a.statement) == _words(b.statement))


def _subject_pairs(claims: Sequence[Claim], claim_entities: Mapping[str, Sequence[str]],
                   place: Mapping[str, int]) -> dict[tuple[str, str], float]:
    """Claim pairs on a shared subject, in and across documents, with their similarity."""
    pairs = similar_pairs(claims, claim_entities, k=8, min_similarity=MIN_SUBJECT,
                          cross_document=False, look_back=place)
    by_id = {c.id: c for c in claims}
    return {(a, b): score for score, a, b in pairs
            if _shares_entity(by_id[a], by_id[b], claim_entities)}


def build_candidates(claims: Sequence[Claim], claim_entities: Mapping[str, Sequence[str]],
                     texts: Mapping[str, str], published: Mapping[str, date | None],
                     doc_order: Sequence[str],
                     tensions: Iterable[tuple[tuple[str, int, int], tuple[str, int, int]]] = (),
                     ) -> Candidates:
    """Every view's pairs, merged into one candidate per pair of sentences; deterministic."""
    by_id = {c.id: c for c in claims}
    indexes = {doc_id: SentenceIndex(text) for doc_id, text in texts.items()}
    place = {d: i for i, d in enumerate(doc_order)}
    builder = _Builder(by_id, indexes, place)
    for score, a, b in similar_pairs(claims, claim_entities, k=NEIGHBOURS,
                                     min_similarity=MIN_NEIGHBOUR, look_back=place):
        if _shares_entity(by_id[a], by_id[b], claim_entities) and not _relay(by_id[a], by_id[b]):
            builder.add([by_id[a]], [by_id[b]], "neighbours", similarity=score)
    subject = _subject_pairs(claims, claim_entities, place)
    _stance_view(builder, by_id, subject)
    for (a, b), score in sorted(subject.items()):
        note = clashing_values(by_id[a], by_id[b], published)
        if note is not None:
            builder.add([by_id[a]], [by_id[b]], "values", note, similarity=score)
    result = Candidates()
    spans = {doc_id: sorted(((c.start, c.end, c) for c in claims if c.doc_id == doc_id),
                            key=lambda t: (t[0], t[1], t[2].id)) for doc_id in texts}
    for variant in quoted_variants(texts, doc_order):
        builder.add(_claims_at(variant.a, spans, indexes, result, "quotes"),
                    _claims_at(variant.b, spans, indexes, result, "quotes"), "quotes", variant.note)
    for span_a, span_b in tensions:
        builder.add(_claims_at(span_a, spans, indexes, result, "survey"),
                    _claims_at(span_b, spans, indexes, result, "survey"), "survey")
    result.pairs = builder.build()
    return result


def select(candidates: Sequence[Candidate], *, per_claim: float,
           claims_per_doc: Mapping[str, int], doc_order: Sequence[str],
           minimum: int = MINIMUM) -> list[Candidate]:
    """The candidates to verify, in their original order.

    A pair belongs to its later document. Documents spend the budget in corpus order: each
    may verify its own pairs, strongest first (views that proposed them, then similarity),
    until the verified pairs reach `per_claim` times the claims of the documents so far (at
    least `minimum`); a pair at least ALWAYS strong is verified whatever the budget. So a
    document added at the end changes no earlier document's choice."""
    place = {doc_id: i for i, doc_id in enumerate(doc_order)}
    owned: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        owned.setdefault(owner(candidate, place), []).append(candidate)
    kept: set[str] = set()
    claims_so_far = 0
    for doc_id in doc_order:
        claims_so_far += claims_per_doc.get(doc_id, 0)
        budget = max(minimum, math.ceil(per_claim * claims_so_far))
        for candidate in sorted(owned.get(doc_id, ()), key=_rank):
            if strength(candidate) >= ALWAYS or len(kept) < budget:
                kept.add(candidate.id)
    return [c for c in candidates if c.id in kept]


def owner(candidate: Candidate, place: Mapping[str, int]) -> str:
    """The later of a pair's documents in corpus order."""
    return max(candidate.a.doc_id, candidate.b.doc_id, key=lambda d: (place[d], d))


def strength(candidate: Candidate) -> int:
    return sum(STRENGTH.get(v, 1) for v in candidate.views)


def _rank(candidate: Candidate) -> tuple[int, float, str]:
    return -strength(candidate), -candidate.similarity, candidate.id


def _stance_view(builder: _Builder, by_id: Mapping[str, Claim],
                 subject: Mapping[tuple[str, str], float]) -> None:
    per_denial: dict[str, list[tuple[float, str]]] = {}
    for (a, b), score in subject.items():
        x, y = by_id[a], by_id[b]
        for denial, other in ((x, y), (y, x)):
            if other.stance in OPPOSED.get(denial.stance, ()):
                per_denial.setdefault(denial.id, []).append((score, other.id))
        wx, wy = _words(x.statement), _words(y.statement)
        if (wx & EXCLUSIVE and wy & REPEATED and not wy & EXCLUSIVE) or \
                (wy & EXCLUSIVE and wx & REPEATED and not wx & EXCLUSIVE):
            builder.add([x], [y], "stance", "one says only once or never, the other says repeatedly",
                        similarity=score)
    for denial_id, partners in sorted(per_denial.items()):
        for score, other_id in sorted(partners, key=lambda t: (-t[0], t[1]))[:PER_DENIAL]:
            builder.add([by_id[denial_id]], [by_id[other_id]], "stance",
                        "a denial against an account of the same thing", similarity=score)


def _claims_at(span: tuple[str, int, int], spans: Mapping[str, list[tuple[int, int, Claim]]],
               indexes: Mapping[str, SentenceIndex], result: Candidates, view: str) -> list[Claim]:
    """The claims whose evidence overlaps a grounded passage; a claim made of the passage when
    none does, so every side of a finding stays a grounded claim."""
    doc_id, start, end = span
    found = [c for s, e, c in spans.get(doc_id, ()) if s < end and start < e]
    if found:
        return found[:3]
    text = indexes[doc_id].text
    made = Claim(id=short_id("c", {"doc": doc_id, "start": start, "end": end, "view": view}),
                 doc_id=doc_id, statement=" ".join(text[start:end].split()), start=start, end=end,
                 alignment="exact", entities=(), attributed_to=("the article",),
                 stance="quoted" if view == "quotes" else "asserted", origin=view)
    if all(c.id != made.id for c in result.extra_claims):
        result.extra_claims.append(made)
    return [made]
