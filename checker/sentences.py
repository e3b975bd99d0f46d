"""Sentences: exact sentence spans of a text, and a sentence's context (pure, no model).

A sentence ends at terminal punctuation (plus closing quotes or brackets) before whitespace, or
at a line break; a lone initial or a common abbreviation ("U.S.", "Mr.") does not end one.
Every span is `text[start:end]` with no outer whitespace. Extraction numbers these sentences
for the model, and candidates and verification show a sentence with its neighbours.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence

_END = re.compile(r"[.!?…]+[\"'”’»)\]}]*(?=\s)|[^\S\r\n]*(?:\r\n|\r|\n)")
_SPACE = re.compile(r"\s*")
# Words after which a full stop is an abbreviation, not a sentence end.
_ABBREVIATIONS = frozenset("""mr mrs ms dr prof st jr sr gen col lt sgt gov sen rep rev hon
inc ltd co corp dept no vs etc approx est jan feb mar apr jun jul aug sep sept oct nov dec""".split())
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\.$")


def _abbreviation(text: str, start: int, stop: int) -> bool:
    """Whether the full stop ending at `stop` closes an initial or a known abbreviation."""
    if text[stop - 1] != ".":
        return False
    found = _WORD_BEFORE.search(text, max(start, stop - 12), stop)
    if found is None:
        return False
    word = found.group(1)
    return len(word) == 1 or word.casefold() in _ABBREVIATIONS


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """The sentences of text[start:end], in order, each stripped of outer whitespace."""
    end = len(text) if end is None else end
    begin = _SPACE.match(text, start, end).end()  # type: ignore[union-attr]
    for stop in _END.finditer(text, begin, end):
        if stop.end() <= begin or _abbreviation(text, begin, stop.end()):
            continue
        cut = stop.start() if text[stop.start()].isspace() else stop.end()
        if cut > begin:
            yield begin, cut
        begin = _SPACE.match(text, stop.end(), end).end()  # type: ignore[union-attr]
    tail_end = end
    while tail_end > begin and text[tail_end - 1].isspace():
        tail_end -= 1
    if begin < tail_end:
        yield begin, tail_end


class SentenceIndex:
    """A text's sentences, with lookup of the sentence(s) around any span."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] = list(sentence_spans(text))
        self._starts = [s for s, _ in self.spans]

    def index_at(self, offset: int) -> int:
        """The index of the sentence holding `offset` (or the nearest one before it)."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def covering(self, start: int, end: int) -> tuple[int, int]:
        """The span of the whole sentences that hold text[start:end]."""
        if not self.spans:
            return start, end
        first = self.index_at(start)
        last = self.index_at(max(start, end - 1))
        return self.spans[first][0], max(self.spans[last][1], end)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def numbered(text: str, spans: Sequence[tuple[int, int]], first: int = 1) -> str:
    """Sentences as the model reads them: "n<tab>sentence" per line, blank lines kept between
    paragraphs, so the model can cite a sentence by number instead of copying it (a bare number
    and a tab cost a third of the tokens of "[n] ")."""
    lines: list[str] = []
    previous_end = None
    for n, (start, end) in enumerate(spans, start=first):
        if previous_end is not None and "\n\n" in text[previous_end:start].replace("\r", ""):
            lines.append("")
        lines.append(f"{n}\t{_one_line(text[start:end])}")
        previous_end = end
    return "\n".join(lines)
