"""Group: which claims are about the same thing, without a model and without all pairs (pure).

Claims are compared only through blocking keys they share (a canonical entity or a content
word that is not too common); similarity is IDF-weighted overlap of entities and word stems,
accumulated through the posting lists, so the work grows with the number of claims. Numbers
and dates are left out of the similarity (two sides of a numeric or temporal conflict differ
exactly there), and claims from different documents that name entities must share one. Sums
run in sorted key order, so scores never depend on hash order.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .types import Claim

STOPWORDS = frozenset("""a an and are as at be been being but by did do does for from had has have he her
his i if in into is it its itself me more most my no not of on or our over said says she so some than
that the their them then there these they this those to too under until up very was we were what when
which who whom why will with would you your also about after again against all any because before
between both during each few further here how just made make many much only other out own same should
such through while according told tell reported report says stated state""".split())
# Numbers, months and number words: where the sides of a numeric or temporal conflict differ.
NUMERIC = frozenset("""january february march april may june july august september october november
december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
saturday sunday one two three four five six seven eight nine ten eleven twelve twenty thirty forty
fifty hundred hundreds thousand thousands million millions billion billions dozen dozens percent
year years month months week weeks day days""".split())
# However many claims there are, a key in more than this many is too common to block on.
MAX_POSTINGS = 100
_WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*", re.UNICODE)


def stem(word: str) -> str:
    """A crude, language-light stem: long enough to keep meaning, short enough to join forms."""
    word = word.casefold().replace("’", "'").replace("ʼ", "'")
    word = word.split("'", 1)[0] if word.endswith(("'s", "'")) else word
    return word[:6] if len(word) > 6 else word


def claim_features(claim: Claim, entity_ids: Sequence[str]) -> set[str]:
    words = {stem(w) for w in _WORD.findall(claim.statement)
             if len(w) > 1 and w.casefold() not in STOPWORDS and w.casefold() not in NUMERIC
             and not any(ch.isdigit() for ch in w)}
    return {f"w:{w}" for w in words} | {f"e:{e}" for e in entity_ids}


@dataclass
class _Keys:
    """What grouping compares: each claim's keys (those no other claim holds are dropped, since
    they are evidence about no pair and only dilute scores), their IDF, and the posting cap."""

    doc_ids: list[str]
    features: list[set[str]]
    df: Counter[str]
    idf: dict[str, float]
    weight: list[float]
    entities: list[set[str]]
    cap: int

    def similarity(self, i: int, j: int) -> float | None:
        """IDF-weighted overlap of two claims' keys; None when they are not comparable: across
        documents, claims that both name entities must share one."""
        if (self.doc_ids[i] != self.doc_ids[j] and self.entities[i] and self.entities[j]
                and not self.entities[i] & self.entities[j]):
            return None
        overlap = sum(self.idf[f] for f in sorted(self.features[i] & self.features[j]))
        return overlap / ((self.weight[i] + self.weight[j] - overlap) or 1.0)


def _keys(claims: Sequence[Claim], claim_entities: Mapping[str, Sequence[str]],
          max_postings: int | None = None) -> _Keys:
    every = [claim_features(c, claim_entities.get(c.id, ())) for c in claims]
    df = Counter(f for fs in every for f in fs)
    features = [{f for f in fs if df[f] > 1} for fs in every]
    n = len(claims)
    idf = {f: math.log((n + 1) / (count + 0.5)) for f, count in df.items()}
    # A key shared by most claims says nothing about which claims belong together.
    cap = max_postings or min(MAX_POSTINGS, max(40, int(4 * math.sqrt(n))))
    return _Keys([c.doc_id for c in claims], features, df, idf,
                 [sum(idf[f] for f in sorted(fs)) for fs in features],
                 # the entity rule reads every entity a claim names, shared or not
                 [{f for f in fs if f.startswith("e:")} for fs in every], cap)


def similar_pairs(claims: Sequence[Claim], claim_entities: Mapping[str, Sequence[str]], *,
                  k: int, min_similarity: float, cross_document: bool = True,
                  block_keys: int = 6, look_back: Mapping[str, int] | None = None
                  ) -> list[tuple[float, str, str]]:
    """For each claim, its `k` most similar claims (from other documents when `cross_document`),
    as (score, claim id, claim id) with the smaller id first, best first; deterministic.

    With `look_back` (each document's place in the corpus), a claim looks for partners only in
    its own and earlier documents: a document added at the end then leaves every earlier
    claim's partners as they were, so it costs only its own pairs."""
    ordered = sorted(claims, key=lambda c: c.id)
    place = [look_back[c.doc_id] for c in ordered] if look_back is not None else None
    keys = _keys(ordered, claim_entities)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, fs in enumerate(keys.features):
        for f in sorted(fs):
            if keys.df[f] <= keys.cap:
                postings[f].append(i)
    found: dict[tuple[int, int], float] = {}
    for i, fs in enumerate(keys.features):
        partners: set[int] = set()
        # Prefix filtering: partners only through a claim's rarest keys keeps the work linear.
        for f in sorted((f for f in fs if keys.df[f] <= keys.cap),
                        key=lambda f: (keys.df[f], f))[:block_keys]:
            partners.update(postings[f])
        scored = []
        for j in sorted(partners):
            if j == i or (cross_document and keys.doc_ids[i] == keys.doc_ids[j]):
                continue
            if place is not None and place[j] > place[i]:
                continue
            score = keys.similarity(i, j)
            if score is not None and score >= min_similarity:
                scored.append((score, j))
        for score, j in sorted(scored, key=lambda t: (-t[0], t[1]))[:k]:
            found[(min(i, j), max(i, j))] = score
    return sorted(((score, ordered[i].id, ordered[j].id) for (i, j), score in found.items()),
                  key=lambda t: (-t[0], t[1], t[2]))
