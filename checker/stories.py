"""Stories: documents -> story clusters, each packed into readings that fit a token budget (pure).

Documents about one story share rare names. Each document's capitalised words are keys;
documents are compared only through keys they share (a key held by too many documents says
nothing), by IDF-weighted overlap, and linked above a threshold; linked documents form one
story. A story larger than the budget is read in several parts, in publication order, so the
story-level view scales with the corpus instead of stopping at one context window.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from .disjoint import DisjointSet
from .load import Document

_NAME = re.compile(r"\b[A-Z][\w’'-]{2,}")
_COMMON = frozenset("""The This That These Those There Their They Then When What Which Who While
With Without From According After Before Also And But For However Its It's Our Some Such
Although Because Since Under Over Into Than Here Many More Most Other Another Each Every Both
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June July
August September October November December""".split())
MIN_SIMILARITY = 0.4  # linked above this; lower chains unrelated stories through common names

T = TypeVar("T")


def _keys(document: Document) -> set[str]:
    return {m.group(0).casefold() for m in _NAME.finditer(document.text) if m.group(0) not in _COMMON}


def story_clusters(documents: Sequence[Document]) -> list[list[Document]]:
    """Documents grouped by story, each story in (published, id) order, stories by first id."""
    ordered = sorted(documents, key=lambda d: d.id)
    keys = [_keys(d) for d in ordered]
    df = Counter(k for ks in keys for k in ks)
    n = len(ordered)
    cap = max(8, int(4 * math.sqrt(n)))  # a key in more documents than this links nothing
    idf = {k: math.log((n + 1) / (c + 0.5)) for k, c in df.items()}
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(keys):
        for k in sorted(ks):
            if 1 < df[k] <= cap:
                postings[k].append(i)
    weight = [sum(idf[k] for k in sorted(ks) if df[k] > 1) for ks in keys]
    stories = DisjointSet(range(n))
    for i in range(n):
        shared: dict[int, float] = defaultdict(float)
        for k in sorted(keys[i]):
            for j in postings.get(k, ()):
                if j > i:
                    shared[j] += idf[k]
        for j, overlap in sorted(shared.items()):
            if overlap / (min(weight[i], weight[j]) or 1.0) >= MIN_SIMILARITY:
                stories.union(i, j)
    groups = stories.groups()
    out = [sorted((ordered[i] for i in members), key=lambda d: (d.published or date.max, d.id))
           for members in groups]
    return sorted(out, key=lambda docs: min(d.id for d in docs))


def pack_readings(items: Sequence[T], size: Callable[[T], int], budget: int) -> list[list[T]]:
    """Consecutive items in parts of at most `budget` (an item larger than that reads alone)."""
    parts: list[list[T]] = []
    used = 0
    for item in items:
        cost = size(item)
        if not parts or used + cost > budget:
            parts.append([])
            used = 0
        parts[-1].append(item)
        used += cost
    return parts
