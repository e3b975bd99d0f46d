"""Findings: verified conflicting pairs -> ranked contradictions (pure, no model).

Each conflict verdict links the claims of its two passages. Pairs whose numeric or temporal
values the normalisers show to overlap are vetoed (vetoes.py), and pairs the verifier says do
not change the meaning are not findings; both are listed as set aside. The rest form a graph:
each connected group of claims (per kind, quotations apart) is one finding, its sides the two
colours of the graph, so one dispute found by several views or pairs is one finding whatever
grouping found it. Severity follows docs/severity.md; ids come from the evidence sentences.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .align import normalize_with_map
from .dates import published_dates
from .disjoint import DisjointSet
from .group import similar_pairs
from .identity import short_id
from .load import Document
from .timeexpr import resolve_in_context
from .types import SEVERITIES, Candidate, Claim, Conflict, Side, Verdict
from .vetoes import veto

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+|\n\s*\n")
# When pairs of several types merge into one finding, it takes the most serious type.
TYPE_ORDER = ("factual", "attribution", "numeric", "temporal", "quote", "characterisation")
NEAR_DUPLICATE = 0.5  # similarity at which two claims state the same thing


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
    """The rules of docs/severity.md, in order. Opinions rank with characterisations."""
    if conflict.type == "characterisation" or conflict.opinion:
        return "medium" if core else "low"
    if conflict.type == "quote":
        return "medium"
    if conflict.type in ("numeric", "temporal"):
        return "high" if core and conflict.kind == "dispute" else "medium"
    return "high" if core else "medium"  # factual and attribution


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


def finding_order(finding: Mapping[str, Any]) -> tuple[Any, ...]:
    """Disputes first, then reporting inconsistencies; each by severity, then the most widely
    reported first."""
    documents = {d for side in finding["sides"] for d in side["doc_ids"]}
    return (finding["kind"] != "dispute", SEVERITIES.index(finding["severity"]), -len(documents),
            finding["id"])


def unresolved_times(claims: Iterable[Claim], published: Mapping[str, date | None]) -> list[dict[str, Any]]:
    """Every time expression the normalisers could not place, and why (never guessed)."""
    out = []
    for claim in sorted(claims, key=lambda c: (c.doc_id, c.start, c.id)):
        for text in claim.times:
            reading = resolve_in_context(text, published.get(claim.doc_id), quoted=claim.stance == "quoted")
            if not reading.resolved:
                out.append({"doc_id": claim.doc_id, "claim_id": claim.id, "text": text,
                            "reason": reading.reason})
    return out


@dataclass(frozen=True)
class _Edge:
    candidate: Candidate
    verdict: Verdict

    @property
    def pair(self) -> Conflict:
        v, c = self.verdict, self.candidate
        return Conflict(kind=v.kind or "reporting", type=v.type or "factual",
                        sides=(Side("", c.a.claim_ids), Side("", c.b.claim_ids)), explanation=v.why,
                        changes_meaning=v.changes_meaning, opinion=v.a_opinion or v.b_opinion,
                        candidate_ids=(c.id,))


def _agreeing(claims: Mapping[str, Claim], candidates: Mapping[str, Candidate],
              verdicts: Sequence[Verdict], claim_entities: Mapping[str, Sequence[str]]
              ) -> DisjointSet[str]:
    """Claims that state the same thing stand on the same side: pairs the verifier called the
    same, and near-duplicates (similar words and names, both denials or neither, and the same
    times and amounts as written: similarity leaves numbers out, so "$13.2 million" and "$3.3
    million" in the same words are two positions, not one)."""
    same: DisjointSet[str] = DisjointSet(sorted(claims))
    for verdict in verdicts:
        if verdict.verdict == "same" and verdict.candidate_id in candidates:
            pair = candidates[verdict.candidate_id]
            for a in pair.a.claim_ids:
                for b in pair.b.claim_ids:
                    same.union(a, b)
    for _, a, b in similar_pairs(list(claims.values()), claim_entities, k=3,
                                 min_similarity=NEAR_DUPLICATE, cross_document=False):
        x, y = claims[a], claims[b]
        if (x.stance == "denied") == (y.stance == "denied") and _values(x) == _values(y):
            same.union(a, b)
    return same


def _values(claim: Claim) -> frozenset[str]:
    return frozenset(" ".join(v.casefold().split()) for v in (*claim.times, *claim.quantities))


def _bucket(edge: _Edge) -> tuple[str, bool]:
    return edge.verdict.kind or "reporting", edge.verdict.type == "quote"


def _two_colours(edges: Sequence[_Edge], node: DisjointSet[str]) -> dict[str, int] | None:
    """Sides for a connected set of pairs: claims opposed by a pair get different colours, and
    claims that state the same thing (one node) the same colour."""
    colour: dict[str, int] = {}
    pending = list(edges)
    while pending:
        progressed = False
        for edge in list(pending):
            a = [node.find(c) for c in edge.candidate.a.claim_ids]
            b = [node.find(c) for c in edge.candidate.b.claim_ids]
            known = [(c, 0) for c in a if c in colour] + [(c, 1) for c in b if c in colour]
            if colour and not known:
                continue
            flip = (colour[known[0][0]] + known[0][1]) % 2 if known else 0
            for ids, offset in ((a, 0), (b, 1)):
                for claim_id in ids:
                    want = (offset + flip) % 2
                    if colour.setdefault(claim_id, want) != want:
                        return None
            pending.remove(edge)
            progressed = True
        if not progressed:  # cannot happen for a connected set; guard against a bad input
            return None
    return colour


def _merge(edges: Sequence[_Edge], claims: Mapping[str, Claim], order: Mapping[str, int],
           published: Mapping[str, date | None], node: DisjointSet[str]) -> list[Conflict]:
    colours = _two_colours(edges, node)
    if colours is None:  # three or more incompatible positions: each pair stays its own finding
        return [_with_positions(e.pair, claims, order, published, [e]) for e in edges]
    linked = {c for e in edges for c in (*e.candidate.a.claim_ids, *e.candidate.b.claim_ids)}
    sides = tuple(Side("", tuple(sorted((c for c in linked if colours[node.find(c)] == side),
                                        key=lambda c: (order[claims[c].doc_id], claims[c].start, c))))
                  for side in (0, 1))
    ranked = sorted(edges, key=lambda e: (TYPE_ORDER.index(e.verdict.type or "factual"),
                                          not e.verdict.changes_meaning, e.candidate.id))
    primary = ranked[0].verdict
    also = tuple(dict.fromkeys(e.verdict.why for e in ranked[1:] if e.verdict.why != primary.why))
    conflict = Conflict(kind=primary.kind or "reporting", type=primary.type or "factual",
                        sides=sides, explanation=primary.why,
                        changes_meaning=any(e.verdict.changes_meaning for e in edges),
                        opinion=all(e.verdict.a_opinion or e.verdict.b_opinion for e in edges),
                        candidate_ids=tuple(sorted(e.candidate.id for e in edges)), also=also)
    return [_with_positions(conflict, claims, order, published, edges)]


def _with_positions(conflict: Conflict, claims: Mapping[str, Claim], order: Mapping[str, int],
                    published: Mapping[str, date | None], edges: Sequence[_Edge]) -> Conflict:
    """A side's position is the statement of its most-linked claim (then the earliest)."""
    links: dict[str, int] = {}
    for edge in edges:
        for claim_id in (*edge.candidate.a.claim_ids, *edge.candidate.b.claim_ids):
            links[claim_id] = links.get(claim_id, 0) + 1

    def position(side: Side) -> str:
        best = min(side.claim_ids, key=lambda c: (-links.get(c, 0), claims[c].origin != "extract",
                                                  str(published.get(claims[c].doc_id) or "9999"),
                                                  order[claims[c].doc_id], claims[c].start, c))
        return claims[best].statement

    sides = tuple(Side(position(s), s.claim_ids) for s in conflict.sides)
    return Conflict(conflict.kind, conflict.type, sides, conflict.explanation,
                    conflict.changes_meaning, conflict.opinion, conflict.candidate_ids, conflict.also)


def build_findings(candidates: Sequence[Candidate], verdicts: Sequence[Verdict],
                   claims: Mapping[str, Claim], documents: Sequence[Document], story: Story,
                   sources: Mapping[str, str | None] | None = None
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(contradictions, set aside) as report dictionaries, contradictions ranked. `sources`
    names who inside the articles asserts each claim (see corroborate.source_of)."""
    texts = {d.id: d.text for d in documents}
    published = published_dates(documents)
    order = {d.id: i for i, d in enumerate(documents)}
    by_id = {c.id: c for c in candidates}
    edges, set_aside = [], []
    for verdict in sorted(verdicts, key=lambda v: v.candidate_id):
        if verdict.verdict != "conflict" or verdict.candidate_id not in by_id:
            continue
        edge = _Edge(by_id[verdict.candidate_id], verdict)
        if set(edge.candidate.a.claim_ids) & set(edge.candidate.b.claim_ids):
            continue  # one claim on both sides: a pair no finding can show
        why = veto(edge.pair, claims, texts, published)
        if why is None and not verdict.changes_meaning:
            why = "the verifier found that the difference does not change the meaning"
        if why is not None:
            set_aside.append({"id": edge.candidate.id, "type": verdict.type or "factual",
                              "reason": why, "claim_ids": [*edge.candidate.a.claim_ids,
                                                           *edge.candidate.b.claim_ids]})
            continue
        edges.append(edge)
    node = _agreeing(claims, by_id, verdicts, story.claim_entities)
    components: dict[tuple[str, bool], DisjointSet[str]] = {}
    for edge in edges:
        linked = components.setdefault(_bucket(edge), DisjointSet())
        ids = [node.find(c) for c in (*edge.candidate.a.claim_ids, *edge.candidate.b.claim_ids)]
        for claim_id in ids[1:]:
            linked.union(ids[0], claim_id)
    found = []
    for bucket, linked in sorted(components.items()):
        groups: dict[str, list[_Edge]] = {}
        for edge in edges:
            if _bucket(edge) == bucket:
                root = linked.find(node.find(edge.candidate.a.claim_ids[0]))
                groups.setdefault(root, []).append(edge)
        for members in groups.values():
            found += _merge(members, claims, order, published, node)
    found = pool_by_source(found, claims, sources or {})
    return _as_findings(found, claims, texts, published, story), set_aside


def side_source(side: Side, sources: Mapping[str, str | None]) -> str | None:
    """The source most of a side's claims come from (ties: alphabetical); None if unnamed."""
    counts: dict[str, int] = {}
    for claim_id in side.claim_ids:
        source = sources.get(claim_id)
        if source is not None:
            counts[source] = counts.get(source, 0) + 1
    return min(counts, key=lambda s: (-counts[s], s)) if counts else None


def pool_by_source(conflicts: Sequence[Conflict], claims: Mapping[str, Claim],
                   sources: Mapping[str, str | None]) -> list[Conflict]:
    """A dispute is sources disagreeing, so disputes between the same two sources are one
    finding: sides pooled by source, the other explanations kept as `also`."""
    out: list[Conflict] = []
    pools: dict[frozenset[str], list[tuple[Conflict, tuple[str, str]]]] = {}
    for conflict in conflicts:
        holders = [side_source(side, sources) for side in conflict.sides]
        a, b = holders if len(holders) == 2 else (None, None)
        if conflict.kind != "dispute" or a is None or b is None or a == b:
            out.append(conflict)
            continue
        pools.setdefault(frozenset((a, b)), []).append((conflict, (a, b)))
    for members in pools.values():
        if len(members) == 1:
            out.append(members[0][0])
            continue
        members.sort(key=lambda m: (TYPE_ORDER.index(m[0].type),
                                    -sum(len(s.claim_ids) for s in m[0].sides), m[0].candidate_ids))
        primary, order = members[0]
        pooled: dict[str, list[str]] = {order[0]: [], order[1]: []}
        placed: set[str] = set()
        for conflict, pair in members:
            for holder, side in zip(pair, conflict.sides, strict=False):
                for claim_id in side.claim_ids:
                    if claim_id not in placed:  # a claim stands on one side only: the first it met
                        placed.add(claim_id)
                        pooled[holder].append(claim_id)
        also = [primary.also, *[(c.explanation, *c.also) for c, _ in members[1:]]]
        out.append(Conflict(primary.kind, primary.type,
                            tuple(Side(side.position, tuple(pooled[h]))
                                  for side, h in zip(primary.sides, order, strict=False)),
                            primary.explanation, any(c.changes_meaning for c, _ in members),
                            all(c.opinion for c, _ in members),
                            tuple(sorted({i for c, _ in members for i in c.candidate_ids})),
                            tuple(dict.fromkeys(x for group in also for x in group
                                                if x != primary.explanation))))
    return out


def _as_findings(conflicts: Sequence[Conflict], claims: Mapping[str, Claim],
                 texts: Mapping[str, str], published: Mapping[str, date | None],
                 story: Story) -> list[dict[str, Any]]:
    out, seen = [], set()
    for conflict in conflicts:
        # Sides in a fixed order (earliest evidence first), whatever pair or document came first.
        ordered = tuple(sorted(conflict.sides, key=lambda side: min(
            (str(published.get(claims[c].doc_id) or "9999-12-31"), claims[c].doc_id, claims[c].start)
            for c in side.claim_ids)))
        conflict = replace(conflict, sides=ordered)
        ident = finding_id(conflict, claims, texts, published)
        while ident in seen:  # two findings over the same sentences: keep both, apart
            ident = short_id("f", ident)
        seen.add(ident)
        out.append({
            "id": ident, "kind": conflict.kind, "type": conflict.type,
            "severity": severity_of(conflict, is_core(conflict, claims, story)),
            "sides": [{"position": side.position, "claim_ids": list(side.claim_ids),
                       "doc_ids": sorted({claims[c].doc_id for c in side.claim_ids})}
                      for side in conflict.sides],
            "explanation": conflict.explanation, "changes_meaning": conflict.changes_meaning,
            "opinion": conflict.opinion, "also": list(conflict.also),
            "candidates": list(conflict.candidate_ids)})
    return sorted(out, key=finding_order)
