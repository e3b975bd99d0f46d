"""Resolve: the (name, kind) pairs of claims in, entities out, by deterministic rules (no model).

Every alias of an Entity carries the rule and evidence that joined it; pairs no rule can decide come
back in `ambiguous`, and a caller's `confirmed` answers decide them on the next call. Mentions are
spans of the document text as decoded: `texts[doc_id][start:end] == mention.text`.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from .align import normalize_with_map
from .identity import short_id
from .resolve_names import words_of
from .resolve_rules import Resolver

if TYPE_CHECKING:  # extract pulls in the model gateway; resolving names needs none of it
    from .types import Claim

# The rules, strongest first (resolve_rules.py applies them; the thresholds and word lists are in
# resolve_names.py). Merges are transitive (union-find) and stay within one kind.
#   normalized    the same words once case, accents (NFKD), apostrophes, a possessive 's, dots,
#                 hyphens, a leading "the", legal suffixes (Inc, Ltd) and a title before a person's
#                 name ("Mr.", "President", "Tesla CEO") are set aside. Kind "other" joins a name of
#                 another kind only this way, and only when one other kind has that name.
#   confirmed     the caller's `confirmed` says the pair is the same.
#   same-surname  people: same surname; first names equal or alike by Jaro-Winkler
#                 >= FIRST_NAME_SIMILARITY (Sergey/Serhiy); middle names, when both have one, too.
#   fuzzy-name    people: as many words, fuzz.ratio >= FULL_NAME_SIMILARITY on the whole name
#                 (Ian Bremer/Ian Bremmer, Jan Bremmer/Ian Bremmer).
#   bare-surname  a one-word name joins the one person known by that surname; several: ambiguous.
#   initial       likewise "E. Musk": the one person of that surname whose first name has that initial.
#   acronym       organisations and places: a word written in capitals that spells the initials of a
#                 longer name, with or without its small words (WSJ, DCNF, U.S.); several: ambiguous.
#   role          a person "name" that starts with "the" or ends in a role word ("the Tesla CEO",
#                 "SpaceX's owner") joins the person some document writes right after it ("Tesla CEO
#                 Elon Musk") or a name written with it ("Elon Musk, the Tesla CEO"); failing that,
#                 the one person named beside it (entities, statement, evidence) in the claims where
#                 it is the only role; several people: ambiguous.
# Guard: a merge that would put two full names of different people in one entity (first names
# unlike and not initials, or surnames unlike) is refused and listed as ambiguous.

KINDS = ("person", "organization", "place", "other")

__all__ = ["resolve_entities", "Resolution", "Entity", "Mention", "MergeReason", "AmbiguousPair", "KINDS",
           "words_of"]


@dataclass(frozen=True)
class Mention:
    """Where a claim names an entity: a span of its document's text."""

    doc_id: str
    start: int  # texts[doc_id][start:end] == text
    end: int
    text: str
    claim_id: str


class MergeReason(NamedTuple):
    """Why `alias` is the same entity: the rule that joined it and its evidence."""

    alias: str
    rule: str
    evidence: str


@dataclass(frozen=True)
class Entity:
    """One person, organisation, place or other thing, under every spelling the claims use."""

    id: str                          # short_id("e", [name, kind])
    name: str                        # the most complete spelling, used by the most documents
    kind: str
    aliases: tuple[str, ...]         # every other spelling, sorted
    mentions: tuple[Mention, ...]    # sorted by (doc_id, start)
    merges: tuple[MergeReason, ...]  # one per alias: the rule and evidence that joined it


@dataclass(frozen=True)
class AmbiguousPair:
    """Two spellings no rule can decide; `confirmed[(a, b)]` decides them on a later call."""

    a: str
    b: str
    kind: str
    evidence: str


@dataclass
class Resolution:
    """The entities (sorted by kind, name), each claim's entity ids, and the pairs left undecided."""

    entities: list[Entity]
    claim_entities: dict[str, tuple[str, ...]]
    ambiguous: list[AmbiguousPair]


def resolve_entities(claims: Sequence[Claim], texts: Mapping[str, str], *,
                     confirmed: Mapping[tuple[str, str], bool] | None = None) -> Resolution:
    """Merge the names of `claims` into entities; `confirmed` holds decisions on ambiguous pairs
    (True: the same, False: different); ambiguous pairs still undecided stay apart and are listed."""
    for claim in claims:
        if claim.doc_id not in texts:
            raise ValueError(f"claim {claim.id} is from document {claim.doc_id!r}, "
                             "which is not in texts")
        for surface, kind in claim.entities:
            if kind not in KINDS:
                raise ValueError(f"claim {claim.id}: {surface!r} has kind {kind!r}; "
                                 f"expected one of {KINDS}")
    resolver = Resolver(claims, texts, dict(confirmed or {}))
    resolver.join_normalized()
    resolver.join_confirmed()
    resolver.join_full_names()
    resolver.join_partial_names()
    resolver.join_acronyms()
    resolver.join_roles()
    return _resolution(resolver)


def _resolution(resolver: Resolver) -> Resolution:
    """The clusters as entities, each named by its best spelling, with the mentions and merges behind it."""
    mentions = _locate_mentions(resolver.claims, resolver.texts)
    entities: list[Entity] = []
    entity_of: dict[tuple[str, str], str] = {}
    for members in resolver.clusters.members:
        if not members:
            continue
        # Ties in frequency go to the spelling whose words the others share most (Bremmer).
        shared = Counter(word for m in members for word in set(resolver.names[m].key))
        agreement = {m: sum(shared[word] - 1 for word in set(resolver.names[m].key)) for m in members}
        head = min(members, key=lambda m: (resolver.display_order(m)[:7], -agreement[m],
                                           resolver.display_order(m)))
        name, kind = resolver.names[head].surface, resolver.names[head].kind
        entity_id = short_id("e", [name, kind])
        found = sorted(set().union(*(mentions.get(resolver.nodes[m], set()) for m in members)),
                       key=lambda m: (m.doc_id, m.start, m.end, m.claim_id))
        entities.append(Entity(entity_id, name, kind,
                               tuple(sorted({resolver.names[m].surface for m in members} - {name})),
                               tuple(found), _merge_reasons(resolver, head)))
        entity_of.update((resolver.nodes[m], entity_id) for m in members)
    claim_entities = {claim.id: tuple(sorted({entity_of[e] for e in claim.entities}))
                      for claim in resolver.claims}
    return Resolution(sorted(entities, key=lambda e: (e.kind, e.name, e.id)), claim_entities,
                      _ambiguous(resolver))


def _merge_reasons(resolver: Resolver, head: int) -> tuple[MergeReason, ...]:
    """Breadth first from the display name: each alias is explained by the link that reached it."""
    reasons: dict[str, MergeReason] = {}
    seen, queue = {head}, [head]
    for node in queue:
        for other, rule, evidence in sorted(resolver.clusters.edges[node],
                                            key=lambda edge: (resolver.names[edge[0]].surface, edge)):
            if other in seen:
                continue
            seen.add(other)
            queue.append(other)
            alias = resolver.names[other].surface
            if alias != resolver.names[head].surface and alias not in reasons:
                evidence = evidence.replace("{other}", repr(resolver.names[node].surface))
                reasons[alias] = MergeReason(alias, rule, evidence)
    return tuple(reasons[alias] for alias in sorted(reasons))


def _ambiguous(resolver: Resolver) -> list[AmbiguousPair]:
    """The undecided and refused pairs still apart that no confirmation decided, sorted."""
    pairs: dict[tuple[str, str, str], AmbiguousPair] = {}
    for i, j, evidence in sorted(resolver.undecided + resolver.clusters.refused):
        a, b, kind = resolver.names[i].surface, resolver.names[j].surface, resolver.names[i].kind
        decided = (a, b) in resolver.decisions or (b, a) in resolver.decisions
        if decided or resolver.clusters.find(i) == resolver.clusters.find(j):
            continue
        evidence = evidence.replace("{other}", repr(b))
        pairs.setdefault((a, b, kind), AmbiguousPair(a, b, kind, evidence))
    return [pairs[key] for key in sorted(pairs)]


def _locate_mentions(claims: Sequence[Claim],
                     texts: Mapping[str, str]) -> dict[tuple[str, str], set[Mention]]:
    """Each name of a claim, found in the claim's evidence span, else anywhere in its document
    (normalised, case-insensitive, whole words; the exact spelling before one without its
    possessive); a name found nowhere has no mention."""
    normalized: dict[str, tuple[str, list[int]]] = {}
    spellings: dict[str, list[str]] = {}
    mentions: dict[tuple[str, str], set[Mention]] = defaultdict(set)
    for claim in claims:
        text = texts[claim.doc_id]
        if claim.doc_id not in normalized:
            normalized[claim.doc_id] = normalize_with_map(text)
        folded, origin = normalized[claim.doc_id]
        low, high = bisect_left(origin, claim.start), bisect_left(origin, claim.end)
        taken: list[tuple[int, int]] = []
        # Longest names first, so "Musk" is looked for outside the "Elon Musk" already found.
        for entity in sorted(set(claim.entities), key=lambda e: (-len(e[0]), e)):
            if entity[0] not in spellings:
                needle = normalize_with_map(entity[0])[0].strip()
                stem = re.sub(r"'s?$", "", needle)
                spellings[entity[0]] = [needle] if stem == needle else [needle, stem]
            span = None
            for needle in spellings[entity[0]]:
                span = (_find_words(folded, needle, low, high, taken)
                        or _find_words(folded, needle, low, high)
                        or _find_words(folded, needle, 0, len(folded)))
                if span is not None:
                    break
            if span is not None:
                start, end = origin[span[0]], origin[span[1] - 1] + 1
                taken.append(span)
                mentions[entity].add(Mention(claim.doc_id, start, end, text[start:end], claim.id))
    return mentions


def _find_words(folded: str, needle: str, low: int, high: int,
                taken: Sequence[tuple[int, int]] = ()) -> tuple[int, int] | None:
    """The first whole-word occurrence of `needle` in folded[low:high] overlapping nothing taken."""
    at = folded.find(needle, low, high) if needle else -1
    while at != -1:
        end = at + len(needle)
        whole = ((at == 0 or not folded[at - 1].isalnum())
                 and (end == len(folded) or not folded[end].isalnum()))
        if whole and not any(s < end and at < e for s, e in taken):
            return at, end
        at = folded.find(needle, at + 1, high)
    return None
