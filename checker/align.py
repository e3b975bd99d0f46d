"""Quote alignment: locate a model's quote in its source text, deterministically.

`align_quote` tries exact, then normalised, then bounded fuzzy matching inside a window and returns
code-point offsets into the full text (`text[start:end]` is the span, never with outer whitespace) or None.
`normalize_with_map` is the normalised form used for matching plus, per character, its original offset.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rapidfuzz import fuzz

LEVELS = ("exact", "normalized", "fuzzy")

# Longest stretch of text, in normalised characters, that an ellipsis inside a quote may stand for.
MAX_ELISION_GAP = 400
# Without any anchor a fuzzy scan costs O(window * quote); only small windows may pay that.
FULL_SCAN_LIMIT = 20_000
ANCHOR_WORDS = 3
MAX_ANCHORS = 12
# Anchors occurring more often than this in total say little about where the quote is.
MAX_CANDIDATES = 64

_APOSTROPHES = "'’‘‚‛ʼʹʻʽ′‵`´＇‹›"
_DOUBLE_QUOTES = '"“”„‟″‶«»＂〝〞〟'
_DASHES = "-‐‑‒–—―−﹘﹣－⁃"
# Invisible characters that scraped text scatters inside words (soft hyphen, zero-width ones, BOM).
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_REPLACEMENT = {**{c: "'" for c in _APOSTROPHES}, **{c: '"' for c in _DOUBLE_QUOTES},
                **{c: "-" for c in _DASHES}, **{c: "" for c in _INVISIBLE}, "…": "..."}
# Every piece of text that does not fold by casefold() alone. A lone " " is left out on purpose:
# it is the commonest character and already normal, and one regex match per word would be slow.
_SPECIAL = re.compile(rf"[\s{_INVISIBLE}]{{2,}}|[^\S ]|[{re.escape(''.join(_REPLACEMENT))}]")
_ELLIPSIS = re.compile(r"\.{3,}")
_OUTER_MARKS = " '\""


@dataclass(frozen=True)
class Alignment:
    """Where a quote sits: `text[start:end]` of the full text, how it was found, and how well."""

    start: int
    end: int
    level: str  # one of LEVELS
    score: float  # 1.0 for exact and normalized; the similarity in [0, 1] for fuzzy

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown alignment level {self.level!r}; expected one of {LEVELS}")


@dataclass(frozen=True)
class _Normalized:
    """Normalised text as pieces: piece k starts at `starts[k]` and came from `origins[k]` onwards,
    char for char when `steps[k]` is 1, or all from that one character when it is 0 ("…", a run)."""

    text: str
    starts: list[int]
    origins: list[int]
    steps: list[int]

    def original(self, index: int) -> int:
        piece = bisect_right(self.starts, index) - 1
        return self.origins[piece] + (index - self.starts[piece]) * self.steps[piece]


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Fold quotes, dashes, whitespace runs, case and "…" ("..."); map each output char to its source.

    Characters that expand (casefold of "ß" or "İ", "…" to "...") map every piece to the one source
    character, so a span of normalised characters maps back to whole original characters.
    """
    normalized = _normalize(text)
    index_map: list[int] = []
    ends = normalized.starts[1:] + [len(normalized.text)]
    for start, end, origin, step in zip(normalized.starts, ends, normalized.origins, normalized.steps,
                                        strict=False):
        index_map.extend(range(origin, origin + end - start) if step else (origin,) * (end - start))
    return normalized.text, index_map


def _normalize(text: str) -> _Normalized:
    pieces: list[str] = []
    starts: list[int] = []
    origins: list[int] = []
    steps: list[int] = []
    length = 0

    def add(piece: str, origin: int, step: int) -> None:
        nonlocal length
        if piece:
            pieces.append(piece)
            starts.append(length)
            origins.append(origin)
            steps.append(step)
            length += len(piece)

    def add_casefolded(start: int, end: int) -> None:
        folded = text[start:end].casefold()
        if len(folded) == end - start:
            add(folded, start, 1)
            return
        for offset in range(start, end):  # rare: something like "ß" -> "ss" inside
            add(text[offset].casefold(), offset, 0)

    done = 0
    for match in _SPECIAL.finditer(text):
        add_casefolded(done, match.start())
        special = match.group()
        if special in _REPLACEMENT:
            add(_REPLACEMENT[special], match.start(), 0)
        else:  # whitespace (perhaps with invisibles in it), or a run of invisibles alone
            first_space = next((i for i, c in enumerate(special) if c.isspace()), None)
            if first_space is not None:
                add(" ", match.start() + first_space, 0)
        done = match.end()
    add_casefolded(done, len(text))
    return _Normalized("".join(pieces), starts, origins, steps)


def align_quote(quote: str, text: str, *, start: int = 0, end: int | None = None,
                min_score: float = 0.9) -> Alignment | None:
    """Find `quote` in `text[start:end]`; offsets in the result are into the full `text`."""
    if end is None:
        end = len(text)
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"window [{start}, {end}) is not inside a text of length {len(text)}")
    if not 0.0 <= min_score <= 1.0:
        raise ValueError(f"min_score must lie in [0, 1], got {min_score!r}")
    stripped = quote.strip()
    if not stripped:
        return None

    found = text.find(stripped, start, end)
    if found != -1:
        return Alignment(found, found + len(stripped), "exact", 1.0)

    quote_norm = _normalize(stripped).text.strip(" ")
    window = _normalize(text[start:end])
    span = _find_normalized(quote_norm, window.text)
    if span is not None:
        return _to_alignment(text, start, end, window, span, "normalized", 1.0)

    quote_core = quote_norm.strip(_OUTER_MARKS)
    fuzzy = _find_fuzzy(quote_core, window.text, min_score) if quote_core else None
    if fuzzy is None:
        return None
    return _to_alignment(text, start, end, window, fuzzy[:2], "fuzzy", fuzzy[2])


def _find_normalized(quote_norm: str, window_norm: str) -> tuple[int, int] | None:
    # The quote as written first, so quote marks that are in the text stay in the span.
    for candidate in dict.fromkeys((quote_norm, quote_norm.strip(_OUTER_MARKS))):
        if not candidate:
            continue
        found = window_norm.find(candidate)
        if found != -1:
            return found, found + len(candidate)
        if "..." in candidate:  # the model elided words: match the pieces in order
            parts = [p for p in (p.strip(_OUTER_MARKS) for p in _ELLIPSIS.split(candidate)) if p]
            span = _find_elided(parts, window_norm) if parts else None
            if span is not None:
                return span
    return None


def _find_elided(parts: list[str], window_norm: str) -> tuple[int, int] | None:
    """The first occurrence of parts[0] followed by each next part within MAX_ELISION_GAP.

    Greedy: each next part is taken at its first position after the previous one.
    """
    first = window_norm.find(parts[0])
    while first != -1:
        cursor = first + len(parts[0])
        for part in parts[1:]:
            found = window_norm.find(part, cursor, cursor + MAX_ELISION_GAP + len(part))
            if found == -1:
                break
            cursor = found + len(part)
        else:
            return first, cursor
        first = window_norm.find(parts[0], first + 1)
    return None


def _find_fuzzy(quote_norm: str, window_norm: str, min_score: float) -> tuple[int, int, float] | None:
    regions = _candidate_regions(quote_norm, window_norm)
    if not regions:
        if len(window_norm) > FULL_SCAN_LIMIT:
            return None
        regions = [(0, len(window_norm))]
    best: tuple[int, int, float] | None = None
    for region_start, region_end in regions:
        region = window_norm[region_start:region_end]
        aligned = fuzz.partial_ratio_alignment(quote_norm, region, score_cutoff=min_score * 100)
        if aligned is None:
            continue
        span_start, span_end, score = _refine(quote_norm, region, aligned.dest_start, aligned.dest_end)
        # Strictly better only: regions are in text order, so ties keep the first occurrence.
        if score >= min_score and (best is None or score > best[2]):
            best = (region_start + span_start, region_start + span_end, score)
    return best


def _refine(quote_norm: str, region: str, start: int, end: int) -> tuple[int, int, float]:
    """Move the ends of a partial_ratio window, which is exactly as long as the quote, to where the
    quote really ends when words were dropped or added; the score is fuzz.ratio over that span."""
    reach = 4 + len(quote_norm) // 20

    def best_of(candidates: list[tuple[int, int]]) -> tuple[int, int, float]:
        scored = [(fuzz.ratio(quote_norm, region[s:e]) / 100, s, e) for s, e in candidates if s < e]
        score, s, e = max(scored, key=lambda item: item[0])  # max keeps the first (the nearest) on ties
        return s, e, score

    nearest_first = sorted(range(-reach, reach + 1), key=abs)
    start, end, _ = best_of([(start, min(len(region), max(0, end + d))) for d in nearest_first])
    return best_of([(min(len(region), max(0, start + d)), end) for d in nearest_first])


def _candidate_regions(quote_norm: str, window_norm: str) -> list[tuple[int, int]]:
    """Small windows (about twice the quote) around exact hits of word n-grams of the quote."""
    words = [m.span() for m in re.finditer(r"\S+", quote_norm)]
    size = min(ANCHOR_WORDS, len(words))
    firsts = list(range(0, len(words) - size + 1, size))
    if firsts[-1] != len(words) - size:
        firsts.append(len(words) - size)  # so the quote's tail is covered too
    if len(firsts) > MAX_ANCHORS:
        firsts = [firsts[i * (len(firsts) - 1) // (MAX_ANCHORS - 1)] for i in range(MAX_ANCHORS)]
    anchors = [(quote_norm[words[i][0]:words[i + size - 1][1]], words[i][0]) for i in firsts]
    counted = sorted((window_norm.count(anchor), offset, anchor) for anchor, offset in anchors)

    slack = len(quote_norm) // 2 + 16
    regions: list[tuple[int, int]] = []
    budget = MAX_CANDIDATES
    for count, offset, anchor in counted:
        if count == 0:
            continue
        if count > budget:
            break
        budget -= count
        found = window_norm.find(anchor)
        while found != -1:
            quote_start = found - offset
            regions.append((max(0, quote_start - slack),
                            min(len(window_norm), quote_start + len(quote_norm) + slack)))
            found = window_norm.find(anchor, found + 1)
    merged: list[tuple[int, int]] = []
    for region in sorted(regions):
        if merged and region[0] <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], region[1]))
        else:
            merged.append(region)
    return merged


def _to_alignment(text: str, window_start: int, window_end: int, window: _Normalized,
                  span: tuple[int, int], level: str, score: float) -> Alignment | None:
    start = window_start + window.original(span[0])
    end = window_start + window.original(span[1] - 1) + 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if level == "fuzzy":  # a fuzzy alignment may cut a word; a claim should point at whole words
        while start < end and start > window_start and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
        while start < end < window_end and text[end - 1].isalnum() and text[end].isalnum():
            end += 1
    if start >= end:
        return None
    return Alignment(start, end, level, score)
