"""Summarise: one summary per document from its chunk summaries (a model call only for multi-chunk documents)."""
from __future__ import annotations

from .gateway import Gateway
from .load import Document
from .prompts import load_prompt

PROMPT = "summarize_document"


async def summarize_document(gateway: Gateway, document: Document, chunk_summaries: list[str]) -> str:
    prompt = load_prompt(PROMPT)
    passages = "\n".join(f"{i}. {s}" for i, s in enumerate(chunk_summaries, start=1))
    messages = prompt.render(document_id=document.id, title=document.title or "unknown",
                             outlet=document.source or "unknown",
                             published=document.published or "unknown", passages=passages)
    request = gateway.request(messages=messages, prompt=f"{PROMPT}@{prompt.version}", schema_id=PROMPT)
    response = await gateway.complete(request)
    return response.data["summary"].strip()
