"""Draft check: a few draft claims per call, each with its numbered source passages, one verdict
each (model).

Which call a draft claim joins depends only on its own id (content-defined packing, as in
verify.py), so editing one sentence of a draft re-asks only the calls its claims join. The
answer names passages by number, never by copying text, so every piece of evidence is a span
the code already holds. Answers that skip a claim, answer one twice, name an unknown claim or
passage, or give a verdict without the passages it rests on are re-asked.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .answers import label_violations
from .draft_candidates import DraftItem
from .errors import Violation
from .gateway import Gateway
from .identity import tagged_hash
from .load import Document
from .prompts import load_prompt
from .sentences import SentenceIndex
from .types import Claim, ConflictType, Kind
from .verify import render_passage

PROMPT = "check_draft"
TARGET = 4      # draft claims per call on average
MOST = 6        # and at most
VERDICTS = ("supported", "contradicted", "misquoted", "not_in_sources")


@dataclass(frozen=True)
class DraftJudgement:
    """The model's verdict on one draft claim; passages by their index in the item (0-based)."""

    claim_id: str
    verdict: str
    support: tuple[int, ...]
    against: tuple[int, ...]
    kind: Kind | None
    type: ConflictType | None
    request_key: str = ""
    decided_by: str = "model"   # or "retrieval" (no passage), "quote-alignment" (word for word)


def pack(items: Sequence[DraftItem]) -> list[list[DraftItem]]:
    """Calls of about TARGET claims; a call ends after a claim whose id hash says so."""
    calls: list[list[DraftItem]] = []
    current: list[DraftItem] = []
    for item in sorted(items, key=lambda i: i.claim_id):
        current.append(item)
        if int(tagged_hash(item.claim_id)[3:11], 16) % TARGET == 0 or len(current) >= MOST:
            calls.append(current)
            current = []
    if current:
        calls.append(current)
    return calls


def render_call(items: Sequence[DraftItem], claims: Mapping[str, Claim],
                documents: Mapping[str, Document], indexes: Mapping[str, SentenceIndex]
                ) -> tuple[str, dict[str, DraftItem]]:
    labels = {f"C{n}": item for n, item in enumerate(items, start=1)}
    blocks = []
    for label, item in labels.items():
        parts = [f"[{label}]", render_passage("draft", item.draft, claims, documents,
                                              indexes[item.draft.doc_id])]
        for number, offered in enumerate(item.passages, start=1):
            parts.append(render_passage(str(number), offered.passage, claims, documents,
                                        indexes[offered.passage.doc_id]))
            parts += [f"   note: {note}" for note in offered.notes]
        blocks.append("\n".join(parts))
    return "\n\n".join(blocks), labels


def _check(labels: Mapping[str, DraftItem]) -> Callable[[Any], list[Violation]]:
    def check(data: Any) -> list[Violation]:
        problems = label_violations([v["c"] for v in data["claims"]], labels, "$['claims']",
                                    "c", "claim")
        for i, v in enumerate(data["claims"]):
            if v["c"] not in labels:
                continue
            count = len(labels[v["c"]].passages)
            for field in ("support", "against"):
                wrong = [n for n in v[field] if not 1 <= n <= count]
                if wrong:
                    problems.append(Violation(f"$['claims'][{i}]['{field}']",
                                              f"passage {wrong[0]} does not exist; {v['c']} has "
                                              f"passages 1 to {count}"))
            verdict = v["verdict"]
            if verdict == "supported" and not v["support"]:
                problems.append(Violation(f"$['claims'][{i}]", "supported needs the passages "
                                          "that state it in 'support'"))
            if verdict in ("contradicted", "misquoted") and not v["against"]:
                problems.append(Violation(f"$['claims'][{i}]", f"{verdict} needs the passages "
                                          "it rests on in 'against'"))
            if verdict == "contradicted" and (v["kind"] is None or v["type"] is None):
                problems.append(Violation(f"$['claims'][{i}]", "contradicted needs its kind and type"))
        return problems
    return check


async def check_call(gateway: Gateway, items: Sequence[DraftItem], claims: Mapping[str, Claim],
                     documents: Mapping[str, Document], indexes: Mapping[str, SentenceIndex]
                     ) -> list[DraftJudgement]:
    prompt = load_prompt(PROMPT)
    text, labels = render_call(items, claims, documents, indexes)
    request = gateway.request(messages=prompt.render(claims=text), prompt=prompt.ref,
                              schema_id=prompt.schema_id)
    data = (await gateway.complete(request, check=_check(labels))).data
    out = []
    for v in data["claims"]:
        verdict = v["verdict"]
        against = verdict in ("contradicted", "misquoted")
        out.append(DraftJudgement(
            claim_id=labels[v["c"]].claim_id, verdict=verdict,
            support=tuple(sorted({n - 1 for n in v["support"]})),
            against=tuple(sorted({n - 1 for n in v["against"]})) if against else (),
            kind=v["kind"] if verdict == "contradicted" else None,
            type=v["type"] if verdict == "contradicted" else ("quote" if verdict == "misquoted"
                                                              else None),
            request_key=request.key))
    return out
