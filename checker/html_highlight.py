"""A document's text cut into pieces for the report page: plain text, the opening and closing of
each claim's highlight, and the links back to findings (pure; the template escapes the text).

Spans may nest or cross; elements can only nest, so a span that crosses another is closed and
reopened around it. Only a span's first piece carries the id links point to, and the text of
its pieces, joined, is exactly `text[start:end]`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    claim_id: str
    css: str            # "in-finding", "agreed" or ""
    title: str
    anchor: str         # the HTML id of the span's first mark
    backrefs: tuple[tuple[str, int], ...] = ()  # (finding anchor, finding number)


@dataclass(frozen=True)
class Piece:
    kind: Literal["text", "open", "close", "back"]
    text: str = ""
    span: Span | None = None
    first: bool = False          # an "open" piece that carries the span's anchor
    backref: tuple[str, int] = ("", 0)


def highlight_pieces(text: str, spans: list[Span]) -> list[Piece]:
    """`text` as pieces, each valid span opened and closed around exactly its characters."""
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[Piece] = []
    stack: list[Span] = []
    opened: set[str] = set()
    for i, here in enumerate(cuts):
        active = {s for s in spans if s.start <= here < s.end}
        keep = 0
        while keep < len(stack) and stack[keep] in active:
            keep += 1
        out += [Piece("close")] * (len(stack) - keep)
        del stack[keep:]
        out += [Piece("back", backref=ref) for span in spans if span.end == here for ref in span.backrefs]
        # Longest first, so the span that stays open longest is outermost and splits least.
        for span in sorted(active.difference(stack), key=lambda s: (-s.end, s.claim_id)):
            out.append(Piece("open", span=span, first=span.claim_id not in opened))
            opened.add(span.claim_id)
            stack.append(span)
        if i + 1 < len(cuts):
            out.append(Piece("text", text=text[here:cuts[i + 1]]))
    return out
