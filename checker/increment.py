"""Increment: a corpus that grows keeps its judged groups; only new claims make new groups.

The groups a run judged are kept beside the cassette (`NAME.groups.jsonl`). On a later run,
claims that were grouped before keep their groups, so their judgements come from the cassette;
claims that were not form new groups with their nearest earlier claims. Adding one document
then costs its own extraction and a few judge calls, not a regrouping of the corpus.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Mapping, Sequence

from .extract import Claim
from .group import Group, group_claims, nearest_claims
from .identity import short_id

NEIGHBOURS = 3  # earlier claims that join each new claim's group, for context


def groups_path(cassette_path: Path | None) -> Path | None:
    if cassette_path is None:
        return None
    return cassette_path.with_name(cassette_path.stem + ".groups.jsonl")


def read_groups(path: Path | None) -> list[tuple[str, ...]]:
    if path is None or not path.exists():
        return []
    return [tuple(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def write_groups(path: Path | None, groups: Sequence[Group], claims: Sequence[Claim]) -> None:
    """One line per group; claims in no group get a line of their own, so that a later run
    knows they were seen and does not group them again as new."""
    if path is None:
        return
    grouped = {cid for g in groups for cid in g.claim_ids}
    lines = [list(g.claim_ids) for g in groups]
    lines += [[c.id] for c in sorted(claims, key=lambda c: c.id) if c.id not in grouped]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    os.replace(tmp, path)


def incremental_groups(claims: Sequence[Claim], claim_entities: Mapping[str, Sequence[str]],
                       earlier: Sequence[tuple[str, ...]], max_group: int = 20) -> list[Group]:
    """Earlier groups (minus claims that are gone), plus groups for the claims not grouped before.

    With no earlier groups this is plain `group_claims`."""
    by_id = {c.id: c for c in claims}
    seen = {cid for group in earlier for cid in group}
    if not seen & by_id.keys():  # nothing carried over (a first run, or another corpus)
        return group_claims(claims, claim_entities, max_group=max_group)
    kept = []
    for group in earlier:
        present = tuple(cid for cid in group if cid in by_id)
        if len(present) >= 2:
            kept.append(_group(present, by_id))
    new = [c for c in claims if c.id not in seen]
    if not new:
        return sorted(kept, key=lambda g: g.claim_ids)
    context = nearest_claims(new, [c for c in claims if c.id in seen], claim_entities, NEIGHBOURS)
    fresh = [g for g in group_claims(new + context, claim_entities, max_group=max_group)
             if any(cid not in seen for cid in g.claim_ids)]
    return sorted(kept + _pack(fresh, by_id, max_group), key=lambda g: g.claim_ids)


def _pack(groups: Sequence[Group], by_id: Mapping[str, Claim], capacity: int) -> list[Group]:
    """Few calls for a few new claims: small groups share a judge call (first fit, largest
    first); the judge tells unrelated claims apart, and each keeps its own neighbours."""
    bins: list[list[str]] = []
    for group in sorted(groups, key=lambda g: (-len(g.claim_ids), g.claim_ids)):
        for members in bins:
            if len(members) + len(group.claim_ids) <= capacity:
                members.extend(cid for cid in group.claim_ids if cid not in members)
                break
        else:
            bins.append(list(group.claim_ids))
    return [_group(tuple(members), by_id) for members in bins]


def _group(claim_ids: tuple[str, ...], by_id: Mapping[str, Claim]) -> Group:
    return Group(id=short_id("g", sorted(claim_ids)), claim_ids=claim_ids,
                 doc_ids=tuple(sorted({by_id[c].doc_id for c in claim_ids})))
