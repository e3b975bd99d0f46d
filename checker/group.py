"""Group: claims -> candidate groups for the judge, without a model and without all pairs.

Claims are compared only when they share a blocking key (a canonical entity or a content
word that is not too common); similarity is IDF-weighted overlap of entities and word
stems. The best edges are merged greedily into groups of at most `max_group` claims, so
each claim lands in one group and judge calls grow linearly with the number of claims.
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
             if w.casefold() not in STOPWORDS and len(w) > 1}
    return {f"w:{w}" for w in words} | {f"e:{e}" for e in entity_ids}


def group_claims(claims: Sequence[Claim], claim_entities: Mapping[str, Sequence[str]], *,
                 max_group: int = 20, neighbours: int = 8, min_similarity: float = 0.18,
                 max_postings: int | None = None) -> list[Group]:
    """Candidate groups of two or more claims; deterministic for the same input."""
    ordered = sorted(claims, key=lambda c: c.id)
    features = [claim_features(c, claim_entities.get(c.id, ())) for c in ordered]
    df = Counter(f for fs in features for f in fs)
    n = len(ordered)
    idf = {f: math.log((n + 1) / (count + 0.5)) for f, count in df.items()}
    # A key shared by most claims says nothing about which claims belong together.
    cap = max_postings or max(40, int(4 * math.sqrt(n)))
    postings: dict[str, list[int]] = defaultdict(list)
    for i, fs in enumerate(features):
        for f in fs:
            if df[f] <= cap:
                postings[f].append(i)

    edges: list[tuple[float, int, int]] = []
    for i, fs in enumerate(features):
        candidates = {j for f in fs if f in postings for j in postings[f] if j > i}
        scored = []
        for j in candidates:
            shared = fs & features[j]
            union = fs | features[j]
            score = sum(idf[f] for f in shared) / (sum(idf[f] for f in union) or 1.0)
            if score >= min_similarity:
                scored.append((score, j))
        for score, j in sorted(scored, key=lambda t: (-t[0], t[1]))[:neighbours]:
            edges.append((score, i, j))

    parent = list(range(n))
    size = [1] * n

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for score, i, j in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        a, b = root(i), root(j)
        if a != b and size[a] + size[b] <= max_group:
            parent[b] = a
            size[a] += size[b]

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
