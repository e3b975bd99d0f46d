"""Quotes: the same quoted words in several documents, aligned word by word (pure, no model).

Direct quotations (between “…”, "…" or «…», at least MIN_WORDS words) are collected from
every document. Two quotations from different documents are the same quotation when their
words align closely (rapidfuzz, over the shorter one). Any difference in wording, beyond case
and punctuation, is a candidate; the verifier decides whether it changes the meaning.
Quotations are compared only through rare word trigrams they share, so work stays linear.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

MIN_WORDS = 6
MIN_ALIGNMENT = 75.0   # partial alignment score (0-100) that makes two quotations one
MAX_SHOWN = 6          # differing runs shown to the verifier
_QUOTED = re.compile(r"“([^“”]+)”|«([^«»]+)»|\"([^\"\n]+)\"")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Quotation:
    doc_id: str
    start: int
    end: int
    words: tuple[str, ...]   # case-folded, punctuation dropped


@dataclass(frozen=True)
class Variant:
    """The same quotation worded differently in two documents."""

    a: tuple[str, int, int]
    b: tuple[str, int, int]
    note: str


def quotations(doc_id: str, text: str) -> list[Quotation]:
    found = []
    for match in _QUOTED.finditer(text):
        group = next(g for g in range(1, 4) if match.group(g) is not None)
        start, end = match.span(group)
        words = tuple(w.casefold().replace("’", "'") for w in _WORD.findall(text[start:end]))
        if len(words) >= MIN_WORDS:
            found.append(Quotation(doc_id, start, end, words))
    return found


def _trigrams(words: Sequence[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def word_differences(a: Sequence[str], b: Sequence[str]) -> list[str]:
    """The runs where b's words differ from a's, e.g. "'electronic' -> 'cyber'"."""
    runs = []
    for op in Indel.opcodes(list(a), list(b)):
        if op.tag == "equal":
            continue
        old, new = " ".join(a[op.src_start:op.src_end]), " ".join(b[op.dest_start:op.dest_end])
        runs.append(f"{old!r} -> {new!r}" if old and new else (f"{old!r} left out" if old
                                                                else f"{new!r} added"))
    # a replacement shows as a deletion next to an insertion: say it once
    return runs


def _overlap(a: Quotation, b: Quotation) -> tuple[list[str], list[str]]:
    """The stretch of each quotation that the other covers (quotes are often cut differently)."""
    short, long_ = (a, b) if len(a.words) <= len(b.words) else (b, a)
    found = fuzz.partial_ratio_alignment(" ".join(short.words), " ".join(long_.words))
    covered = " ".join(long_.words)[found.dest_start:found.dest_end].split()
    pair = (list(short.words), covered) if short is a else (covered, list(short.words))
    return pair[0], pair[1]


def quoted_variants(texts: Mapping[str, str], doc_order: Sequence[str]) -> list[Variant]:
    """Pairs of the same quotation worded differently, across documents, in document order."""
    quotes = [q for doc_id in doc_order for q in quotations(doc_id, texts[doc_id])]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, q in enumerate(quotes):
        for gram in sorted(_trigrams(q.words)):
            index[gram].append(i)
    docs_with = {gram: len({quotes[i].doc_id for i in holders}) for gram, holders in index.items()}
    pairs: set[tuple[int, int]] = set()
    for gram, holders in sorted(index.items()):
        if 1 < docs_with[gram] <= 8:  # in a few documents: the same quotation, not a set phrase
            pairs.update((i, j) for i in holders for j in holders
                         if i < j and quotes[i].doc_id != quotes[j].doc_id)
    out = []
    for i, j in sorted(pairs):
        a, b = quotes[i], quotes[j]
        if fuzz.partial_ratio(" ".join(a.words), " ".join(b.words)) < MIN_ALIGNMENT:
            continue
        words_a, words_b = _overlap(a, b)
        runs = word_differences(words_a, words_b)
        if not runs:
            continue
        shown = "; ".join(runs[:MAX_SHOWN]) + ("; …" if len(runs) > MAX_SHOWN else "")
        out.append(Variant((a.doc_id, a.start, a.end), (b.doc_id, b.start, b.end),
                           f"the same quotation is worded differently: {shown}"))
    return out
