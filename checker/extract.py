"""Extract: one chunk in, its check-worthy claims out (model).

The chunk is shown as numbered sentences and the model cites a sentence by number, so every
claim is grounded by construction (`text[start:end]` is that sentence) and the answer holds no
copied text. Times and amounts come back as written; the normalisers read them later.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .errors import Violation
from .gateway import Gateway
from .identity import short_id, tagged_hash
from .load import Document
from .model import ModelRequest
from .prompts import load_prompt
from .sentences import numbered, sentence_spans
from .types import Chunk, Claim

PROMPT = "extract_claims"


def chunk_sentences(document: Document, chunk: Chunk) -> list[tuple[int, int]]:
    return list(sentence_spans(document.text, chunk.start, chunk.end))


def one_line(value: str) -> str:
    """Metadata sits outside the boundaries: one line each, so it cannot forge a header or boundary."""
    return " ".join(value.split()) or "unknown"


def extraction_request(gateway: Gateway, document: Document, chunk: Chunk,
                       spans: Sequence[tuple[int, int]]) -> ModelRequest:
    prompt = load_prompt(PROMPT)
    # A boundary derived from the text itself: a document cannot forge the line that closes it.
    boundary = "=" * 8 + f" DOCUMENT {tagged_hash(chunk.text)[3:15]} " + "=" * 8
    return gateway.request(messages=prompt.render(about=about(document, spans),
                                                  boundary=boundary,
                                                  sentences=numbered(document.text, spans)),
                           prompt=prompt.ref, schema_id=prompt.schema_id)


def about(document: Document, spans: Sequence[tuple[int, int]]) -> str:
    """What the model is told of the article besides its text: the outlet, date and title it
    does not already read, one line each, then a blank line; nothing when nothing is known."""
    first = one_line(document.text[spans[0][0]:spans[0][1]]) if spans else ""
    lines = [f"{label}: {one_line(value)}" for label, value in (
        ("Outlet", document.source),
        ("Published", document.published.isoformat() if document.published else None),
        ("Title", None if document.title and one_line(document.title) in first else document.title))
        if value]
    return "".join(f"{line}\n" for line in lines) + ("\n" if lines else "")


def _check(count: int) -> Callable[[Any], list[Violation]]:
    def check(data: Any) -> list[Violation]:
        return [Violation(f"$['claims'][{i}]['s']",
                          f"sentence {item['s']} does not exist; the passage has sentences 1 to {count}")
                for i, item in enumerate(data["claims"]) if not 1 <= item["s"] <= count]
    return check


async def extract_chunk(gateway: Gateway, document: Document, chunk: Chunk) -> list[Claim]:
    spans = chunk_sentences(document, chunk)
    if not spans:
        return []
    request = extraction_request(gateway, document, chunk, spans)
    data = (await gateway.complete(request, check=_check(len(spans)))).data
    return [claim_of(item, document, chunk, *spans[item["s"] - 1]) for item in data["claims"]
            if " ".join(item["claim"].split())]


def _names(values: Sequence[str]) -> list[str]:
    return [v.strip() for v in values if v.strip()]


def claim_of(item: dict[str, Any], document: Document, chunk: Chunk, start: int, end: int) -> Claim:
    statement = " ".join(item["claim"].split())
    entities = [(n, "person") for n in _names(item["people"])]
    entities += [(n, "organization") for n in _names(item["orgs"])]
    return Claim(
        id=short_id("c", {"doc": document.id, "start": start, "end": end, "statement": statement}),
        doc_id=document.id, statement=statement, start=start, end=end, alignment="sentence",
        entities=tuple(dict.fromkeys(entities)),
        attributed_to=("the article", *_names(item["by"])), stance=item["stance"],
        times=tuple(_names(item["times"])), quantities=tuple(_names(item["amounts"])),
        chunk_id=chunk.id)


def merge_overlapping(claims: list[Claim]) -> list[Claim]:
    """Drop claims repeated by overlapping chunks: same document, same statement, spans overlap."""
    kept: list[Claim] = []
    seen: dict[tuple[str, str], list[Claim]] = {}
    for claim in sorted(claims, key=lambda c: (c.doc_id, c.start, c.end, c.id)):
        key = (claim.doc_id, claim.statement.casefold())
        if any(o.start < claim.end and claim.start < o.end for o in seen.get(key, [])):
            continue
        seen.setdefault(key, []).append(claim)
        kept.append(claim)
    return kept
