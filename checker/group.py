"""Group: claims -> candidate groups for the judge, without a model and without all pairs.

Claims are compared only through blocking keys they share (a canonical entity or a content
word that is not too common); similarity is IDF-weighted overlap of entities and word stems,
accumulated through the posting lists, so the work grows with the number of claims. Numbers
and dates are left out of the similarity (two sides of a numeric or temporal conflict differ
exactly there), and claims from different documents that name entities must share one. The best edges merge
greedily into groups of at most `max_group` distinct statements, so each claim lands in one
group and judge calls grow linearly with the number of claims.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

from .extract import Claim
from .identity import short_id

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


@dataclass(frozen=True)
class Group:
    id: str
    claim_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]


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
        overlap = sum(self.idf[f] for f in self.features[i] & self.features[j])
        return overlap / ((self.weight[i] + self.weight[j] - overlap) or 1.0)


def _keys(claims: Sequence[Claim], claim_entities: Mapping[str, Sequence[str]],
          max_postings: int | None = None) -> _Keys:
    features = [claim_features(c, claim_entities.get(c.id, ())) for c in claims]
    df = Counter(f for fs in features for f in fs)
    features = [{f for f in fs if df[f] > 1} for fs in features]
    n = len(claims)
    idf = {f: math.log((n + 1) / (count + 0.5)) for f, count in df.items()}
    # A key shared by most claims says nothing about which claims belong together.
    cap = max_postings or min(MAX_POSTINGS, max(40, int(4 * math.sqrt(n))))
    return _Keys([c.doc_id for c in claims], features, df, idf,
                 [sum(idf[f] for f in fs) for fs in features],
                 [{f for f in fs if f.startswith("e:")} for fs in features], cap)


def group_claims(claims: Sequence[Claim], claim_entities: Mapping[str, Sequence[str]], *,
                 max_group: int = 20, neighbours: int = 8, min_similarity: float = 0.18,
                 max_postings: int | None = None, block_keys: int = 6) -> list[Group]:
    """Candidate groups of two or more claims; deterministic for the same input."""
    ordered = sorted(claims, key=lambda c: c.id)
    # Claims that say the same thing in the same document count once against the size cap.
    statement_of = [(c.doc_id, " ".join(c.statement.casefold().split())) for c in ordered]
    keys = _keys(ordered, claim_entities, max_postings)
    features, df, cap = keys.features, keys.df, keys.cap
    n = len(ordered)
    # Each claim looks for partners only through its few rarest keys (prefix filtering), so
    # the candidates stay proportional to the number of claims.
    postings: dict[str, list[int]] = defaultdict(list)
    for i, fs in enumerate(features):
        for f in fs:
            if df[f] <= cap:
                postings[f].append(i)
    pairs: set[int] = set()  # i * n + j with i < j: cheaper than tuples at millions of pairs
    for i, fs in enumerate(features):
        for f in sorted((f for f in fs if df[f] <= cap), key=lambda f: (df[f], f))[:block_keys]:
            for j in postings[f]:
                if j > i:
                    pairs.add(i * n + j)
                elif j < i:
                    pairs.add(j * n + i)

    best: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for pair in pairs:
        i, j = divmod(pair, n)
        score = keys.similarity(i, j)
        if score is not None and score >= min_similarity:
            best[i].append((score, j))
            best[j].append((score, i))
    edges = {(min(i, j), max(i, j), score) for i, found in best.items()
             for score, j in sorted(found, key=lambda t: (-t[0], t[1]))[:neighbours]}
    edges_by_score = sorted(((s, i, j) for i, j, s in edges), key=lambda e: (-e[0], e[1], e[2]))

    parent = list(range(n))
    distinct: list[set[tuple[str, str]]] = [{s} for s in statement_of]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for score, i, j in edges_by_score:
        a, b = root(i), root(j)
        if a != b and len(distinct[a] | distinct[b]) <= max_group:
            parent[b] = a
            distinct[a] |= distinct[b]

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        members[root(i)].append(i)
    groups = []
    for indices in members.values():
        if len(indices) < 2:
            continue
        ids = tuple(ordered[i].id for i in indices)
        docs = tuple(sorted({ordered[i].doc_id for i in indices}))
        groups.append(Group(id=short_id("g", sorted(ids)), claim_ids=ids, doc_ids=docs))
    return sorted(groups, key=lambda g: g.claim_ids)


def nearest_claims(claims: Sequence[Claim], others: Sequence[Claim],
                   claim_entities: Mapping[str, Sequence[str]], k: int,
                   min_similarity: float = 0.1) -> list[Claim]:
    """For each of `claims`, the k most similar of `others` (the similarity grouping uses)."""
    everyone = [*claims, *sorted(others, key=lambda c: c.id)]
    keys = _keys(everyone, claim_entities)
    postings: dict[str, list[int]] = defaultdict(list)
    for j in range(len(claims), len(everyone)):
        for f in keys.features[j]:
            if keys.df[f] <= keys.cap:
                postings[f].append(j)
    chosen: set[int] = set()
    for i in range(len(claims)):
        scored = []
        for j in {j for f in keys.features[i] for j in postings.get(f, ())}:
            score = keys.similarity(i, j)
            if score is not None and score >= min_similarity:
                scored.append((score, everyone[j].id, j))
        chosen.update(j for _, _, j in sorted(scored, key=lambda t: (-t[0], t[1]))[:k])
    return sorted((everyone[j] for j in chosen), key=lambda c: c.id)
