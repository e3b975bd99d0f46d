"""Findings: judgements -> ranked contradictions and corroborations (pure, no model).

Severity follows documented rules (docs/severity.md), never the model's confidence.
A numeric or temporal conflict whose amounts or times the normalisers find compatible is
suppressed, and listed as such. Finding ids come from what a finding links (documents and
the sentences of its evidence), so they survive re-runs, new models and new documents.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

from .align import normalize_with_map
from .extract import Claim
from .identity import short_id
from .judge import Conflict, Judgement
from .load import Document
from .quantity import parse_quantity, quantities_conflict
from .timeexpr import resolve_in_context, times_conflict

SEVERITIES = ("high", "medium", "low")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+|\n\s*\n")


@dataclass(frozen=True)
class Story:
    """What the rules need to know about the whole story."""

    document_count: int
    core_entities: frozenset[str]
    claim_entities: Mapping[str, tuple[str, ...]]


def story_of(documents: Sequence[Document], claims: Sequence[Claim],
             claim_entities: Mapping[str, tuple[str, ...]]) -> Story:
    """Core entities: those named by claims in at least half of the documents (and two)."""
    docs_per_entity: dict[str, set[str]] = {}
    for claim in claims:
        for entity in claim_entities.get(claim.id, ()):
            docs_per_entity.setdefault(entity, set()).add(claim.doc_id)
    threshold = max(2, math.ceil(len(documents) / 2))
    core = frozenset(e for e, docs in docs_per_entity.items() if len(docs) >= threshold)
    return Story(len(documents), core, claim_entities)


def is_core(conflict: Conflict, claims: Mapping[str, Claim], story: Story) -> bool:
    """A conflict on the story's core: widely reported, or between core entities on every side."""
    ids = [cid for side in conflict.sides for cid in side.claim_ids]
    documents = {claims[cid].doc_id for cid in ids}
    if story.document_count >= 2 and len(documents) >= max(2, math.ceil(story.document_count / 2)):
        return True
    per_side = [{e for cid in side.claim_ids for e in story.claim_entities.get(cid, ())}
                & story.core_entities for side in conflict.sides]
    return all(per_side) and len(set().union(*per_side)) >= 2


def severity_of(conflict: Conflict, core: bool) -> str:
    """The rules of docs/severity.md, in order."""
    if conflict.type == "characterisation":
        return "medium" if conflict.changes_meaning and core else "low"
    if conflict.type == "quote":
        return "medium" if conflict.changes_meaning else "low"
    if conflict.type in ("numeric", "temporal"):
        return "high" if core and conflict.kind == "dispute" else "medium"
    return "high" if core else "medium"  # factual and attribution


def normalisers_find_compatible(conflict: Conflict, claims: Mapping[str, Claim],
                                published: Mapping[str, date | None]) -> str | None:
    """Why a numeric/temporal conflict is only apparent (every comparable pair overlaps), or None."""
    if conflict.type not in ("numeric", "temporal"):
        return None
    per_side = []
    for side in conflict.sides:
        values = []
        for cid in side.claim_ids:
            claim = claims[cid]
            if conflict.type == "numeric":
                values += [parse_quantity(q.text, value=q.value, unit=q.unit, hedge=q.hedge)
                           for q in claim.quantities]
            else:
                values += [resolve_in_context(t, published.get(claim.doc_id),
                                              quoted=claim.stance == "quoted") for t in claim.times]
        per_side.append([v for v in values if v.resolved])
    clash = quantities_conflict if conflict.type == "numeric" else times_conflict
    pairs = [(a, b) for i, side in enumerate(per_side) for other in per_side[i + 1:]
             for a in side for b in other]
    if not pairs or any(clash(a, b) for a, b in pairs):
        return None
    shown = "; ".join(f"{a.text!r} ~ {b.text!r}" for a, b in pairs[:3])
    return f"{conflict.type} values overlap once normalised ({shown})"


def unresolved_times(claims: Iterable[Claim], published: Mapping[str, date | None]) -> list[dict]:
    """Every time expression the normalisers could not place, and why (never guessed)."""
    out = []
    for claim in sorted(claims, key=lambda c: (c.doc_id, c.start, c.id)):
        for text in claim.times:
            reading = resolve_in_context(text, published.get(claim.doc_id), quoted=claim.stance == "quoted")
            if not reading.resolved:
                out.append({"doc_id": claim.doc_id, "claim_id": claim.id, "text": text,
                            "reason": reading.reason})
    return out


def evidence_sentence(claim: Claim, text: str) -> str:
    """The sentence(s) around a claim's evidence, normalised: stable across models' quote choices."""
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, claim.start)]
    start = starts[-1] if starts else 0
    after = _SENTENCE_END.search(text, claim.end)
    end = after.start() + 1 if after else len(text)
    return normalize_with_map(text[start:end])[0].strip()


def finding_id(conflict: Conflict, claims: Mapping[str, Claim], texts: Mapping[str, str],
               published: Mapping[str, date | None] | None = None) -> str:
    """Each side is represented by its earliest-published evidence sentence (then by document
    id), so documents added later, which join a side, leave the id as it was."""
    dates = published or {}

    def representative(side_ids: Sequence[str]) -> tuple[str, str, str]:
        return min((str(dates.get(claims[c].doc_id) or "9999-12-31"), claims[c].doc_id,
                    evidence_sentence(claims[c], texts[claims[c].doc_id])) for c in side_ids)

    linked = sorted(representative(side.claim_ids)[1:] for side in conflict.sides)
    return short_id("f", [list(pair) for pair in linked])


def wire_clusters(documents: Sequence[Document], threshold: float = 0.5) -> dict[str, str]:
    """Map each document to a representative of its near-duplicate (wire copy) cluster.

    Pairs are found through an index of 5-word shingles (a shingle in many documents is
    boilerplate and is skipped), so the work grows with the corpus, not with its square."""
    def shingles(text: str) -> set[str]:
        words = normalize_with_map(text)[0].split()
        return {" ".join(words[i:i + 5]) for i in range(max(0, len(words) - 4))}

    sets = {d.id: shingles(d.text) for d in documents}
    index: dict[str, list[str]] = {}
    for doc_id, found in sets.items():
        for shingle in found:
            index.setdefault(shingle, []).append(doc_id)
    common = max(8, int(math.sqrt(len(documents))))
    shared: Counter[tuple[str, str]] = Counter()
    for holders in index.values():
        if 1 < len(holders) <= common:
            shared.update((a, b) for k, a in enumerate(holders) for b in holders[k + 1:])
    cluster = {d.id: d.id for d in documents}

    def top(doc_id: str) -> str:
        while cluster[doc_id] != doc_id:
            doc_id = cluster[doc_id]
        return doc_id

    order = {d.id: i for i, d in enumerate(documents)}
    for (a, b), count in sorted(shared.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])):
        if count / min(len(sets[a]), len(sets[b])) >= threshold:
            first, second = sorted((top(a), top(b)), key=order.__getitem__)
            cluster[second] = first
    return {doc_id: top(doc_id) for doc_id in cluster}


def finding_order(finding: Mapping) -> tuple:
    """Disputes first, then reporting inconsistencies; each by severity, then the most widely
    reported first."""
    documents = {d for side in finding["sides"] for d in side["doc_ids"]}
    return (finding["kind"] != "dispute", SEVERITIES.index(finding["severity"]), -len(documents),
            finding["id"])


def build_findings(judgements: Iterable[Judgement], claims: Mapping[str, Claim],
                   documents: Sequence[Document], story: Story
                   ) -> tuple[list[dict], list[dict], list[dict]]:
    """(contradictions, corroborations, suppressed) as report dictionaries, ranked."""
    texts = {d.id: d.text for d in documents}
    published = {d.id: date.fromisoformat(d.published) if d.published else None for d in documents}
    clusters = wire_clusters(documents)
    contradictions, corroborations, suppressed = [], [], []
    seen: set[str] = set()
    for judgement in judgements:
        for conflict in judgement.conflicts:
            ident = finding_id(conflict, claims, texts, published)
            while ident in seen:  # two findings over the same sentences: keep both, apart
                ident = short_id("f", ident)
            seen.add(ident)
            why = normalisers_find_compatible(conflict, claims, published)
            if why is not None:
                suppressed.append({"id": ident, "type": conflict.type, "reason": why,
                                   "claim_ids": [c for s in conflict.sides for c in s.claim_ids]})
                continue
            contradictions.append({
                "id": ident, "kind": conflict.kind, "type": conflict.type,
                "severity": severity_of(conflict, is_core(conflict, claims, story)),
                "sides": [{"position": side.position, "claim_ids": list(side.claim_ids),
                           "doc_ids": sorted({claims[c].doc_id for c in side.claim_ids})}
                          for side in conflict.sides],
                "explanation": conflict.explanation, "changes_meaning": conflict.changes_meaning,
                "group_id": judgement.group_id})
        for agreement in judgement.agreements:
            docs = sorted({claims[c].doc_id for c in agreement.claim_ids})
            independent = len({clusters[d] for d in docs})
            if independent >= 2:
                corroborations.append({"statement": agreement.statement,
                                       "claim_ids": list(agreement.claim_ids), "doc_ids": docs,
                                       "independent_sources": independent})
    contradictions.sort(key=finding_order)
    corroborations.sort(key=lambda c: (-c["independent_sources"], c["statement"]))
    return contradictions, corroborations, suppressed
