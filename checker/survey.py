"""Survey: the story-level view. One reading of a story's documents in, their summaries and the
tensions between them out (model).

Each reading shows whole documents under short labels (D1, D2, ...). The model answers with a
summary per document and pairs of verbatim quotes in tension; code grounds every quote with
`align_quote` and drops what it cannot ground. Tensions are candidates, never findings: each
is verified like every other candidate.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .align import align_quote
from .errors import Violation
from .extract import one_line
from .gateway import Gateway
from .identity import tagged_hash
from .load import Document
from .prompts import load_prompt
from .sentences import sentence_spans
from .tokens import count_tokens
from .types import DroppedClaim

PROMPT = "survey_story"
Span = tuple[str, int, int]  # (doc_id, start, end)


@dataclass
class SurveyResult:
    summaries: dict[str, str] = field(default_factory=dict)
    tensions: list[tuple[Span, Span]] = field(default_factory=list)
    dropped: list[DroppedClaim] = field(default_factory=list)


def leading_part(text: str, max_tokens: int) -> str:
    """The text whole when it fits `max_tokens`, else its longest run of whole sentences from
    the start that fits, so one huge document cannot make a reading no model can take."""
    if count_tokens(text) <= max_tokens:
        return text
    end, used = 0, 0
    for _, stop in sentence_spans(text):
        used += count_tokens(text[end:stop])
        if used > max_tokens:
            break
        end = stop
    return text[:end]


def render_documents(documents: Sequence[Document], max_tokens: int | None = None
                     ) -> tuple[str, dict[str, Document]]:
    labels = {f"D{n}": d for n, d in enumerate(documents, start=1)}
    blocks = []
    for label, doc in labels.items():
        boundary = "=" * 8 + f" {label} {tagged_hash(doc.text)[3:15]} " + "=" * 8
        text = doc.text if max_tokens is None else leading_part(doc.text, max_tokens)
        note = "" if text == doc.text else "\n(only the document's first part is shown)"
        published = doc.published.isoformat() if doc.published else "unknown"
        blocks.append(f"{label}: {one_line(doc.title or 'untitled')} (outlet: "
                      f"{one_line(doc.source or 'unknown')}; published: "
                      f"{published}){note}\n{boundary}\n{text}\n{boundary}")
    return "\n\n".join(blocks), labels


def _check(labels: Mapping[str, Document]) -> Callable[[Any], list[Violation]]:
    def check(data: Any) -> list[Violation]:
        problems = [Violation(f"$['summaries'][{i}]['doc']", f"{s['doc']!r} is not a document label")
                    for i, s in enumerate(data["summaries"]) if s["doc"] not in labels]
        for i, tension in enumerate(data["tensions"]):
            problems += [Violation(f"$['tensions'][{i}]['{side}']['doc']",
                                   f"{tension[side]['doc']!r} is not a document label")
                         for side in ("a", "b") if tension[side]["doc"] not in labels]
        return problems
    return check


async def survey_reading(gateway: Gateway, documents: Sequence[Document],
                         max_tokens: int | None = None) -> SurveyResult:
    """One reading; a document over `max_tokens` (alone in its reading) shows its first part."""
    prompt = load_prompt(PROMPT)
    text, labels = render_documents(documents, max_tokens)
    request = gateway.request(messages=prompt.render(documents=text), prompt=prompt.ref,
                              schema_id=prompt.schema_id)
    data = (await gateway.complete(request, check=_check(labels))).data
    result = SurveyResult()
    for item in data["summaries"]:
        summary = " ".join(item["summary"].split())
        if summary:
            result.summaries.setdefault(labels[item["doc"]].id, summary)
    for tension in data["tensions"]:
        sides = [_ground(tension[s], labels, result) for s in ("a", "b")]
        if sides[0] is not None and sides[1] is not None and sides[0] != sides[1]:
            result.tensions.append((sides[0], sides[1]))
    return result


def _ground(passage: Mapping[str, str], labels: Mapping[str, Document],
            into: SurveyResult) -> Span | None:
    doc = labels[passage["doc"]]
    found = align_quote(passage["quote"], doc.text)
    if found is None:
        into.dropped.append(DroppedClaim(doc.id, "(story-level tension)", passage["quote"],
                                         "quote not found in the source"))
        return None
    return doc.id, found.start, found.end
