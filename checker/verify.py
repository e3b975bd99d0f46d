"""Verify: candidate pairs in, one verdict per pair out (model).

Candidates travel a few to a call, each document's pairs apart (a pair belongs to its later
document). Within a document, which call a candidate joins depends only on its own id
(content-defined packing), so a grown corpus changes only the calls its new candidates join and
every other call is answered from the cassette. Each candidate shows both passages: document,
who asserts it with what stance, the claim at issue, the sentence and the sentence before it.
Answers that skip a candidate, answer one twice or name an unknown one are re-asked.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .answers import label_violations
from .candidates import owner
from .errors import Violation
from .extract import one_line
from .gateway import Gateway
from .identity import tagged_hash
from .load import Document
from .prompts import load_prompt
from .sentences import SentenceIndex
from .types import Candidate, Claim, Passage, Verdict

PROMPT = "verify_candidates"
TARGET = 6      # candidates per call on average
MOST = 10       # and at most
BEFORE_WORDS = 20
SENTENCE_WORDS = 50


def pack(candidates: Sequence[Candidate]) -> list[list[Candidate]]:
    """Calls of about TARGET candidates; a call ends after a candidate whose id hash says so."""
    calls: list[list[Candidate]] = []
    current: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: c.id):
        current.append(candidate)
        if int(tagged_hash(candidate.id)[3:11], 16) % TARGET == 0 or len(current) >= MOST:
            calls.append(current)
            current = []
    if current:
        calls.append(current)
    return calls


def pack_by_document(candidates: Sequence[Candidate], doc_order: Sequence[str]
                     ) -> list[list[Candidate]]:
    """Each document's pairs (a pair belongs to its later document) in calls of their own, in
    corpus order: one call when they fit in MOST, else `pack`. A document added at the end gets
    calls of its own and leaves every other call as it was."""
    place = {doc_id: i for i, doc_id in enumerate(doc_order)}
    owned: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        owned.setdefault(owner(candidate, place), []).append(candidate)
    calls = []
    for doc_id in doc_order:
        pairs = sorted(owned.get(doc_id, ()), key=lambda c: c.id)
        calls += [pairs] if 0 < len(pairs) <= MOST else pack(pairs)
    return calls


def _words(text: str, limit: int, keep_end: bool = False) -> str:
    words = text.split()
    if len(words) <= limit:
        return " ".join(words)
    return "… " + " ".join(words[-limit:]) if keep_end else " ".join(words[:limit]) + " …"


def render_passage(letter: str, passage: Passage, claims: Mapping[str, Claim],
                   documents: Mapping[str, Document], index: SentenceIndex) -> str:
    doc = documents[passage.doc_id]
    members = [claims[c] for c in passage.claim_ids]
    who = "; ".join(dict.fromkeys(
        f"{' > '.join(c.attributed_to[1:]) or 'the article itself'} ({c.stance})" for c in members))
    said = " / ".join(dict.fromkeys(one_line(c.statement) for c in members[:3]))
    first = index.index_at(passage.start)
    before = ""
    if first > 0 and index.spans[first][0] >= passage.start:
        s, e = index.spans[first - 1]
        before = _words(index.text[s:e], BEFORE_WORDS, keep_end=True)
    published = doc.published.isoformat() if doc.published else "unknown"
    lines = [f"{letter}. {one_line(doc.source or doc.id)}, published {published};"
             f" asserted by {who}", f"   claim: {said}"]
    if before:
        lines.append(f"   before: \"{one_line(before)}\"")
    sentence = _words(one_line(index.text[passage.start:passage.end]), SENTENCE_WORDS)
    lines.append(f"   sentence: \"{sentence}\"")
    return "\n".join(lines)


def render_call(candidates: Sequence[Candidate], claims: Mapping[str, Claim],
                documents: Mapping[str, Document], indexes: Mapping[str, SentenceIndex]
                ) -> tuple[str, dict[str, Candidate]]:
    labels = {f"K{n}": c for n, c in enumerate(candidates, start=1)}
    blocks = []
    for label, candidate in labels.items():
        parts = [f"[{label}]"]
        parts += [render_passage(letter, passage, claims, documents, indexes[passage.doc_id])
                  for letter, passage in (("A", candidate.a), ("B", candidate.b))]
        parts += [f"note: {note}" for note in candidate.notes]
        blocks.append("\n".join(parts))
    return "\n\n".join(blocks), labels


def _check(labels: Mapping[str, Candidate]) -> Callable[[Any], list[Violation]]:
    def check(data: Any) -> list[Violation]:
        problems = label_violations([v["k"] for v in data["verdicts"]], labels, "$['verdicts']",
                                    "k", "candidate")
        for i, v in enumerate(data["verdicts"]):
            if v["verdict"] == "conflict" and (v["kind"] is None or v["type"] is None):
                problems.append(Violation(f"$['verdicts'][{i}]", "a conflict needs its kind and type"))
        return problems
    return check


async def verify_call(gateway: Gateway, candidates: Sequence[Candidate], claims: Mapping[str, Claim],
                      documents: Mapping[str, Document], indexes: Mapping[str, SentenceIndex]
                      ) -> list[Verdict]:
    prompt = load_prompt(PROMPT)
    text, labels = render_call(candidates, claims, documents, indexes)
    request = gateway.request(messages=prompt.render(candidates=text), prompt=prompt.ref,
                              schema_id=prompt.schema_id)
    data = (await gateway.complete(request, check=_check(labels))).data
    return [Verdict(candidate_id=labels[v["k"]].id, verdict=v["verdict"],
                    kind=v["kind"] if v["verdict"] == "conflict" else None,
                    type=v["type"] if v["verdict"] == "conflict" else None,
                    changes_meaning=bool(v["changes_meaning"]) and v["verdict"] == "conflict",
                    a_opinion=v["a"] == "opinion", b_opinion=v["b"] == "opinion",
                    why=" ".join(v["why"].split()), request_key=request.key)
            for v in data["verdicts"]]
