"""Extract: one chunk in, grounded claims out (model), plus the chunk's summary.

Every claim's quote is located in the document (exact, normalised, then bounded fuzzy);
quotes that cannot be located are re-asked once with the failure explained, and claims
still ungrounded are dropped and counted. `text[start:end]` of a Claim is its evidence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .align import align_quote
from .chunk import Chunk
from .gateway import Gateway, ModelRequest
from .identity import short_id, tagged_hash
from .load import Document
from .prompts import load_prompt

PROMPT = "extract_claims"


@dataclass(frozen=True)
class Quantity:
    text: str
    value: float | None
    unit: str | None
    hedge: str | None


@dataclass(frozen=True)
class Claim:
    id: str
    doc_id: str
    statement: str
    quote: str          # the model's quote, as it gave it
    start: int          # the aligned evidence: document.text[start:end]
    end: int
    alignment: str      # "exact" | "normalized" | "fuzzy"
    entities: tuple[tuple[str, str], ...]  # (name as written, kind)
    attributed_to: tuple[str, ...]          # outermost first
    stance: str
    times: tuple[str, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    chunk_id: str = ""


@dataclass(frozen=True)
class DroppedClaim:
    doc_id: str
    statement: str
    quote: str
    reason: str


@dataclass
class ChunkExtraction:
    chunk_id: str
    summary: str
    claims: list[Claim] = field(default_factory=list)
    dropped: list[DroppedClaim] = field(default_factory=list)
    request_keys: list[str] = field(default_factory=list)


def extraction_request(gateway: Gateway, document: Document, chunk: Chunk) -> ModelRequest:
    prompt = load_prompt(PROMPT)
    # A boundary derived from the text itself: a document cannot forge the line that closes it.
    boundary = "=" * 8 + f" DOCUMENT {tagged_hash(chunk.text)[3:15]} " + "=" * 8
    messages = prompt.render(document_id=_one_line(document.id),
                             title=_one_line(document.title or "unknown"),
                             outlet=_one_line(document.source or "unknown"),
                             published=_one_line(document.published or "unknown"),
                             boundary=boundary, text=chunk.text)
    return gateway.request(messages=messages, prompt=f"{PROMPT}@{prompt.version}", schema_id=PROMPT)


def _one_line(value: str) -> str:
    """Metadata sits outside the boundaries: one line each, so it cannot forge a header or boundary."""
    return " ".join(value.split()) or "unknown"


def regrounding_request(request: ModelRequest, raw_answer: str,
                        missing: list[dict[str, Any]]) -> ModelRequest:
    """Ask once more for claims whose quotes were not found verbatim in the passage."""
    listing = "\n".join(f"- statement: {c['statement']!r}; quote given: {c['quote']!r}" for c in missing)
    follow_up = ("These quotes do not occur in the passage exactly as written:\n" + listing +
                 "\nFor each of these claims, copy a supporting quote character for character from "
                 "the passage, or leave the claim out if the passage does not support it. Answer "
                 "with the same JSON object shape, listing only these claims.")
    return ModelRequest(model=request.model, schema_id=request.schema_id, prompt=request.prompt,
                        messages=request.messages + (("assistant", raw_answer), ("user", follow_up)),
                        temperature=request.temperature, seed=request.seed,
                        max_tokens=request.max_tokens)


async def extract_chunk(gateway: Gateway, document: Document, chunk: Chunk) -> ChunkExtraction:
    request = extraction_request(gateway, document, chunk)
    response = await gateway.complete(request)
    result = ChunkExtraction(chunk_id=chunk.id, summary=response.data["summary"].strip(),
                             request_keys=[request.key])
    ungrounded = _ground(response.data["claims"], document, chunk, result)
    if ungrounded:
        retry = regrounding_request(request, response.raw, ungrounded)
        result.request_keys.append(retry.key)
        second = await gateway.complete(retry)
        still = _ground(second.data["claims"], document, chunk, result)
        result.dropped += [DroppedClaim(document.id, c["statement"], c["quote"],
                                        "quote not found in the source after one re-ask")
                           for c in still]
    return result


def _ground(items: list[dict[str, Any]], document: Document, chunk: Chunk,
            into: ChunkExtraction) -> list[dict[str, Any]]:
    """Align each claim's quote; grounded claims go into `into`, the rest are returned."""
    missing = []
    for item in items:
        alignment = align_quote(item["quote"], document.text, start=chunk.start, end=chunk.end)
        if alignment is None:
            missing.append(item)
            continue
        into.claims.append(_claim(item, document, chunk, alignment.start, alignment.end,
                                  alignment.level))
    return missing


def _claim(item: dict[str, Any], document: Document, chunk: Chunk, start: int, end: int,
           level: str) -> Claim:
    statement = " ".join(item["statement"].split())
    return Claim(
        id=short_id("c", {"doc": document.id, "start": start, "end": end, "statement": statement}),
        doc_id=document.id, statement=statement, quote=item["quote"], start=start, end=end,
        alignment=level,
        entities=tuple((e["name"].strip(), e["kind"]) for e in item["entities"] if e["name"].strip()),
        attributed_to=tuple(a.strip() for a in item["attribution"] if a.strip()),
        stance=item["stance"], times=tuple(item["times"]),
        quantities=tuple(Quantity(q["text"], q["value"], q["unit"], q["hedge"])
                         for q in item["quantities"]),
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
