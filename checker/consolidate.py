"""Consolidate: one finding per dispute, however many judged groups found a piece of it.

A dispute is sources disagreeing with each other, so disputes whose sides are held by the same
sources (the first person in each claim's attribution chain, resolved through the alias table)
are one finding: their claims are pooled side by side and the other explanations kept as
`also`. Reporting inconsistencies are left as found. Pure and deterministic.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, Mapping, Sequence

from .extract import Claim
from .findings import SEVERITIES, finding_id, finding_order
from .judge import Conflict, Side


def person_key(name: str) -> str:
    return " ".join(name.casefold().replace("’", "'").removesuffix("'s").split())


def source_of(claim: Claim, people: Mapping[str, str]) -> str:
    """Who inside the article asserts the claim: the first person in its attribution chain."""
    for name in claim.attributed_to:
        if person_key(name) in people:
            return people[person_key(name)]
    return person_key(claim.attributed_to[-1]) if claim.attributed_to else "unknown"


def side_source(claim_ids: Sequence[str], claims: Mapping[str, Claim],
                people: Mapping[str, str]) -> str:
    counts = Counter(source_of(claims[c], people) for c in claim_ids)
    return min(counts, key=lambda s: (-counts[s], s))


def consolidate_disputes(findings: Sequence[dict[str, Any]], claims: Mapping[str, Claim],
                         people: Mapping[str, str], texts: Mapping[str, str],
                         published: Mapping[str, date | None]) -> list[dict[str, Any]]:
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    buckets: dict[frozenset[str], list[tuple[dict[str, Any], list[str]]]] = {}
    out = []
    for finding in findings:
        signature = [side_source(s["claim_ids"], claims, people) for s in finding["sides"]]
        if finding["kind"] != "dispute" or len(set(signature)) != len(signature):
            out.append(finding)
            continue
        buckets.setdefault(frozenset(signature), []).append((finding, signature))
    for members in buckets.values():
        if len(members) == 1:
            out.append(members[0][0])
            continue
        members.sort(key=lambda m: (rank[m[0]["severity"]],
                                    -sum(len(s["claim_ids"]) for s in m[0]["sides"]), m[0]["id"]))
        out.append(_merge(members, claims, texts, published))
    return sorted(out, key=finding_order)


def _merge(members: list[tuple[dict[str, Any], list[str]]], claims: Mapping[str, Claim],
           texts: Mapping[str, str], published: Mapping[str, date | None]) -> dict[str, Any]:
    primary, order = members[0]
    pooled: dict[str, list[str]] = {source: [] for source in order}
    placed: set[str] = set()
    for finding, signature in members:
        for source, side in zip(signature, finding["sides"]):
            for claim_id in side["claim_ids"]:
                if claim_id not in placed:  # a claim stands on one side only: the first it met
                    placed.add(claim_id)
                    pooled[source].append(claim_id)
    sides = [{"position": side["position"], "claim_ids": pooled[source],
              "doc_ids": sorted({claims[c].doc_id for c in pooled[source]})}
             for source, side in zip(order, primary["sides"])]
    conflict = Conflict(primary["group_id"], primary["kind"], primary["type"],
                        tuple(Side(s["position"], tuple(s["claim_ids"])) for s in sides),
                        primary["explanation"], primary["changes_meaning"])
    return {**primary, "id": finding_id(conflict, claims, texts, published), "sides": sides,
            "changes_meaning": any(f["changes_meaning"] for f, _ in members),
            "also": [f["explanation"] for f, _ in members[1:]],
            "merged_from": sorted(f["id"] for f, _ in members)}
