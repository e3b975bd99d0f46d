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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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


def quotations(doc_id: str, text: str, min_words: int = MIN_WORDS) -> list[Quotation]:
    """The direct quotations of a text of at least `min_words` words (a draft's short quotations
    are checked too: draft_candidates asks for fewer)."""
    found = []
    for match in _QUOTED.finditer(text):
        group = next(g for g in range(1, 4) if match.group(g) is not None)
        start, end = match.span(group)
        words = tuple(w.casefold().replace("’", "'") for w in _WORD.findall(text[start:end]))
        if len(words) >= min_words:
            found.append(Quotation(doc_id, start, end, words))
    return found


def _trigrams(words: Sequence[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def word_differences(a: Sequence[str], b: Sequence[str]) -> list[str]:
    """The runs where b's words differ from a's, e.g. "'electronic' -> 'cyber'". Words only one
    quotation has before the first or after the last shared word are where the two were cut,
    not differences (different words there are)."""
    ops = list(Indel.opcodes(list(a), list(b)))
    for end in (0, -1):  # one trailing (or leading) op of one kind: the other was cut there
        if len(ops) > 1 and ops[end].tag != "equal" and ops[end + (1 if end == 0 else -1)].tag == "equal":
            ops.pop(end)
    runs: list[str] = []
    old: list[str] = []
    new: list[str] = []
    for op in [*ops, None]:
        if op is not None and op.tag != "equal":
            old += a[op.src_start:op.src_end]
            new += b[op.dest_start:op.dest_end]
            continue
        if old or new:  # a deletion next to an insertion is one replacement
            before, after = " ".join(old), " ".join(new)
            runs.append(f"{before!r} -> {after!r}" if old and new else
                        (f"{before!r} left out" if old else f"{after!r} added"))
            old, new = [], []
    return runs


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
        runs = word_differences(a.words, b.words)
        if not runs:
            continue
        shown = "; ".join(runs[:MAX_SHOWN]) + ("; …" if len(runs) > MAX_SHOWN else "")
        out.append(Variant((a.doc_id, a.start, a.end), (b.doc_id, b.start, b.end),
                           f"the same quotation is worded differently: {shown}"))
    return out
