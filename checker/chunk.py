"""Chunking: cut a document's text into chunks of at most `max_tokens` tokens each.

Every chunk is an exact slice `text[start:end]` with no outer whitespace; together they cover
every non-whitespace character. Cuts prefer paragraph, then sentence, then word boundaries.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import accumulate, pairwise
from typing import Protocol

from checker.errors import ConfigurationError
from checker.sentences import sentence_spans
from checker.tokens import count_tokens, encoding
from checker.types import Chunk

DEFAULT_MAX_TOKENS = 2000  # the same default as Settings.chunk_tokens

# A blank line: two line breaks with only spaces or tabs between them. The atomic groups keep
# a single "\r\n" from being read as two breaks.
_PARAGRAPH_BREAK = re.compile(r"(?>\r\n|\r|\n)[^\S\r\n]*+(?>\r\n|\r|\n)")
_WORD = re.compile(r"\S+")
# Short strings (words, their separators) repeat constantly; longer ones rarely do.
_MEMO_MAX_CHARS = 64


class TextDocument(Protocol):
    """What chunking needs from a document (checker.load.Document satisfies it)."""

    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class _Piece:
    """A span that fits the budget on its own and is never cut further."""

    start: int
    end: int
    tokens: int


def chunk_document(document: TextDocument, *, max_tokens: int = DEFAULT_MAX_TOKENS,
                   overlap_tokens: int = 0) -> list[Chunk]:
    """Chunks of `document.text` in order; with an overlap, each repeats the previous tail."""
    _check_budget(max_tokens, overlap_tokens)
    text = document.text
    counter = _memo_counter()
    pieces: list[_Piece] = []
    for start, end in _paragraph_spans(text):
        _fit_span(text, start, end, 0, max_tokens, counter, pieces)
    spans = _pack(text, pieces, max_tokens, overlap_tokens, counter)
    return [Chunk(doc_id=document.id, index=index, start=start, end=end, text=text[start:end],
                  tokens=tokens)
            for index, (start, end, tokens) in enumerate(spans)]


def _check_budget(max_tokens: int, overlap_tokens: int) -> None:
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise ConfigurationError(f"max_tokens must be a positive integer, got {max_tokens!r}",
                                 setting="max_tokens", value=max_tokens)
    if (isinstance(overlap_tokens, bool) or not isinstance(overlap_tokens, int)
            or not 0 <= overlap_tokens < max_tokens):
        raise ConfigurationError(
            f"overlap_tokens must be an integer from 0 to max_tokens - 1 ({max_tokens - 1}), "
            f"got {overlap_tokens!r}", setting="overlap_tokens", value=overlap_tokens)


def _memo_counter() -> Callable[[str], int]:
    memo: dict[str, int] = {}

    def count(text: str) -> int:
        if len(text) > _MEMO_MAX_CHARS:
            return count_tokens(text)
        if text not in memo:
            memo[text] = count_tokens(text)
        return memo[text]

    return count


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    span = text[start:end]
    return start + len(span) - len(span.lstrip()), end - len(span) + len(span.rstrip())


def _paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        yield from _non_empty(_stripped(text, start, brk.start()))
        start = brk.end()
    yield from _non_empty(_stripped(text, start, len(text)))


def _non_empty(span: tuple[int, int]) -> Iterator[tuple[int, int]]:
    if span[0] < span[1]:
        yield span


def _word_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    for word in _WORD.finditer(text, start, end):
        yield word.span()


_SPLITTERS = (sentence_spans, _word_spans)


def _fit_span(text: str, start: int, end: int, level: int, max_tokens: int,
              count: Callable[[str], int], pieces: list[_Piece]) -> None:
    """Append pieces of text[start:end], each within max_tokens, split as coarsely as possible."""
    tokens = count(text[start:end])
    if tokens <= max_tokens:
        pieces.append(_Piece(start, end, tokens))
        return
    while level < len(_SPLITTERS):
        parts = list(_SPLITTERS[level](text, start, end))
        level += 1
        if parts != [(start, end)]:
            for part_start, part_end in parts:
                _fit_span(text, part_start, part_end, level, max_tokens, count, pieces)
            return
    pieces.extend(_token_slices(text, start, end, max_tokens))


def _token_slices(text: str, start: int, end: int, max_tokens: int) -> Iterator[_Piece]:
    """Cut one over-long word after whole tokens, at character boundaries only."""
    cut = start
    window = 4 * max_tokens
    while cut < end:
        tokens, stop = _tokens_ahead(text, cut, end, max_tokens, window)
        take = max_tokens
        while True:
            if take >= len(tokens):
                piece_end = stop
            else:
                # A token boundary may fall inside a multi-byte character; decoding with
                # errors="ignore" drops that partial character, rounding the cut down.
                head = encoding().decode_bytes(tokens[:take]).decode("utf-8", errors="ignore")
                piece_end = max(cut + len(head), cut + 1)
            real = count_tokens(text[cut:piece_end])
            if real <= max_tokens:
                break
            if piece_end == cut + 1:
                raise ConfigurationError(
                    f"max_tokens={max_tokens} cannot hold the character {text[cut]!r} at offset "
                    f"{cut}, which alone is {real} tokens", setting="max_tokens", value=max_tokens)
            take = min(take, len(tokens)) - (real - max_tokens)
        yield _Piece(cut, piece_end, real)
        # Size the next window on this slice's characters per token, with room to spare.
        window = (piece_end - cut) * 5 // 4 + 16
        cut = piece_end


def _tokens_ahead(text: str, cut: int, end: int, max_tokens: int,
                  window: int) -> tuple[list[int], int]:
    """Tokens of text[cut:stop] for a stop far enough to hold more than max_tokens (or `end`).

    Encoding a window rather than the rest of the word keeps a long word linear to cut.
    """
    while True:
        stop = min(end, cut + window)
        tokens = encoding().encode(text[cut:stop], disallowed_special=())
        if len(tokens) > max_tokens or stop == end:
            return tokens, stop
        window *= 2


def _pack(text: str, pieces: list[_Piece], max_tokens: int, overlap_tokens: int,
          count: Callable[[str], int]) -> list[tuple[int, int, int]]:
    """Greedy runs of consecutive pieces as (start, end, tokens), each verified within budget."""
    if not pieces:
        return []
    # A piece's cost inside a run includes the whitespace before it: " word" is often a single
    # token, so summing bare piece counts would pack chunks far below the budget.
    joined = [0] + [count(text[before.end:piece.end]) for before, piece in pairwise(pieces)]
    prefix = list(accumulate(joined))

    def estimate(first: int, last: int) -> int:
        return pieces[first].tokens + prefix[last] - prefix[first]

    def real_tokens(first: int, last: int) -> int:
        return count(text[pieces[first].start:pieces[last].end])

    def longest_run(first: int) -> tuple[int, int]:
        last = bisect_right(prefix, max_tokens - pieces[first].tokens + prefix[first]) - 1
        tokens = real_tokens(first, last)
        if tokens <= max_tokens:
            return last, tokens
        # The estimate was low: search the real counts, knowing a single piece always fits.
        fits, fits_tokens, too_long = first, pieces[first].tokens, last
        while too_long - fits > 1:
            middle = (fits + too_long) // 2
            tokens = real_tokens(first, middle)
            if tokens <= max_tokens:
                fits, fits_tokens = middle, tokens
            else:
                too_long = middle
        return fits, fits_tokens

    runs: list[tuple[int, int, int]] = []
    first, prev_last = 0, -1
    while True:
        # The estimate may be off either way: move the start on until the run both brings a
        # new piece and truly repeats no more than overlap_tokens.
        while True:
            last, tokens = longest_run(first)
            repeats_within_overlap = (first > prev_last
                                      or real_tokens(first, prev_last) <= overlap_tokens)
            if last > prev_last and repeats_within_overlap:
                break
            first += 1
        runs.append((pieces[first].start, pieces[last].end, tokens))
        if last == len(pieces) - 1:
            return runs
        first, prev_last = _overlap_start(first, last, estimate, overlap_tokens, max_tokens), last


def _overlap_start(first: int, last: int, estimate: Callable[[int, int], int],
                   overlap_tokens: int, max_tokens: int) -> int:
    """Where the run after first..last starts: as many of its tail pieces as the overlap allows."""
    start = last + 1
    # start - 1 > first: a run never repeats the whole previous run, so starts strictly advance.
    while (start - 1 > first and estimate(start - 1, last) <= overlap_tokens
           and estimate(start - 1, last + 1) <= max_tokens):
        start -= 1
    return start
