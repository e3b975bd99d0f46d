"""Resolve: the (name, kind) pairs of claims in, entities out, by deterministic rules (no model).

Every alias of an Entity carries the rule and evidence that joined it; pairs no rule can decide come
back in `ambiguous`, and a caller's `confirmed` answers decide them on the next call. Mentions are
spans of the document text as decoded: `texts[doc_id][start:end] == mention.text`.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from .align import normalize_with_map
from .identity import short_id

if TYPE_CHECKING:  # extract pulls in the model gateway; resolving names needs none of it
    from .types import Claim

# The rules, strongest first. Merges are transitive (union-find) and stay within one kind.
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
FIRST_NAME_SIMILARITY = 0.8
FULL_NAME_SIMILARITY = 0.9
# The guard is looser than the merge rules on purpose: Ian/Jan (0.78) end up together through
# Bremmer, while Donald/Ivanka (0.39) and Elon/Errol (0.63) are plainly different people.
DIFFERENT_FIRST_NAMES = 0.7
DIFFERENT_SURNAMES = 0.85

HONORIFICS = frozenset("mr mrs ms miss mx dr prof professor sir dame lord lady rev sen rep gov".split())
ROLE_WORDS = frozenset(
    "president ceo cfo coo cto chief chairman chairwoman chairperson owner founder cofounder leader "
    "head minister premier chancellor secretary spokesman spokeswoman spokesperson director "
    "governor senator ambassador envoy commander boss executive analyst official adviser advisor "
    "billionaire mogul tycoon".split())
TITLE_WORDS = HONORIFICS | ROLE_WORDS
DETERMINERS = frozenset({"the", "a", "an"})
LEGAL_SUFFIXES = frozenset({"inc", "ltd", "llc", "plc", "corp"})
SMALL_WORDS = frozenset({"of", "and", "the", "for", "on", "in", "at", "de"})
ACRONYM_KINDS = ("organization", "place")

_APOSTROPHE = "['’‘ʼ‛′`´]"
_POSSESSIVE_END = re.compile(rf"{_APOSTROPHE}s?$")


@dataclass(frozen=True)
class Mention:
    doc_id: str
    start: int  # texts[doc_id][start:end] == text
    end: int
    text: str
    claim_id: str


class MergeReason(NamedTuple):
    alias: str
    rule: str
    evidence: str


@dataclass(frozen=True)
class Entity:
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
    entities: list[Entity]
    claim_entities: dict[str, tuple[str, ...]]
    ambiguous: list[AmbiguousPair]


def words_of(text: str) -> list[str]:
    """Folded words: no accents or case, possessive 's and apostrophes and dots dropped."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    plain = re.sub(_APOSTROPHE, "'", plain.casefold())
    plain = re.sub(r"'s\b", "", plain).replace("'", "").replace(".", "")
    return re.findall(r"\w+", plain)


@dataclass(frozen=True)
class _Name:
    """One name as written and how it reads: the words equality compares, and a person's title."""

    surface: str
    kind: str
    key: tuple[str, ...]    # a person's name without title, a bare role, or the organisation's words
    title: tuple[str, ...]  # role or honorific written before a person's name
    is_role: bool           # a person named only by a role or description: "the Tesla CEO"
    possessive: bool

    @property
    def is_full_name(self) -> bool:
        return self.kind == "person" and not self.is_role and len(self.key) >= 2

    @property
    def is_acronym(self) -> bool:
        letters = [c for c in re.sub(r"^(?i:the)\s+", "", self.surface) if c.isalpha()]
        return (self.kind in ACRONYM_KINDS and len(self.key) == 1 and 2 <= len(self.key[0]) <= 8
                and all(c.isupper() for c in letters))


def _parse_name(surface: str, kind: str) -> _Name:
    before, _, after = surface.partition(",")
    if kind == "person" and words_of(before) and words_of(after):  # "Elon Musk, the Tesla CEO"
        name, role = _parse_name(before, kind), _parse_name(after, kind)
        if not name.is_role and role.is_role:
            return replace(name, surface=surface, title=role.key)
    words = tuple(words_of(surface))
    leading_article = bool(words) and words[0] in DETERMINERS
    core = words[1:] if leading_article else words
    title: tuple[str, ...] = ()
    is_role = False
    if kind == "person":
        cut = max((i + 1 for i, word in enumerate(core) if word in TITLE_WORDS), default=0)
        if leading_article and cut == 0:  # "the billionaire": a description, never a name
            cut = len(core)
        title, core = core[:cut], core[cut:]
        if not core or core[0] in SMALL_WORDS:  # "chief of staff" names no one in particular
            is_role, core, title = True, title + core, ()
    elif kind == "organization":
        while len(core) > 1 and core[-1] in LEGAL_SUFFIXES:
            core = core[:-1]
    key = core or words or (surface.strip().casefold(),)
    return _Name(surface, kind, key, title, is_role, bool(_POSSESSIVE_END.search(surface.strip())))


def _first_names_compatible(a: str, b: str, threshold: float) -> bool:
    if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
    return JaroWinkler.normalized_similarity(a, b) >= threshold


def _is_initial(key: tuple[str, ...]) -> bool:
    """A name such as "E. Musk", which may stand for any Musk whose first name starts with E."""
    return len(key) >= 2 and len(key[0]) == 1


def _sound(surname: str) -> str:
    """The surname's consonant outline, so Bremer/Bremmer and Kiriyenko/Kirienko share a block."""
    outline = surname[:1] + re.sub(r"[aeiouy]", "", surname[1:])
    return re.sub(r"(.)\1+", r"\1", outline)


def _different_people(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two full names that cannot be one person whatever joined them."""
    if a == b:
        return False
    surnames_alike = (a[-1] == b[-1] or _sound(a[-1]) == _sound(b[-1])
                      or JaroWinkler.normalized_similarity(a[-1], b[-1]) >= DIFFERENT_SURNAMES)
    return not (surnames_alike and _first_names_compatible(a[0], b[0], DIFFERENT_FIRST_NAMES))


def _name_link(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, float, str] | None:
    """The same-surname or fuzzy-name rule for two full names: (rule, score, evidence) or None."""
    if _different_people(a, b) or _is_initial(a) or _is_initial(b):
        return None
    alike = [_first_names_compatible(x, y, FIRST_NAME_SIMILARITY) for x, y in zip(a[:-1], b[:-1])]
    if a[-1] == b[-1] and all(alike[:2]):  # the first name, and the middle name when both have one
        if a[0] == b[0]:
            detail = "same first name"
        else:
            similarity = JaroWinkler.normalized_similarity(a[0], b[0])
            detail = f"first names '{a[0]}' and '{b[0]}' alike ({similarity:.2f})"
        return "same-surname", 1.0, f"same surname as {{other}}, {detail}"
    if len(a) == len(b):
        score = fuzz.ratio(" ".join(a), " ".join(b)) / 100
        if score >= FULL_NAME_SIMILARITY:
            same = ", same surname" if a[-1] == b[-1] else ""
            return "fuzzy-name", score, f"similarity {score:.2f} to {{other}}{same}"
    return None


class _Clusters:
    """Union-find over names that refuses merges the guard or a confirmed "different" forbids."""

    def __init__(self, names: list[_Name]) -> None:
        self.names = names
        self.parent = list(range(len(names)))
        self.members = [[i] for i in range(len(names))]
        self.full_names = [{n.key: i} if n.is_full_name else {} for i, n in enumerate(names)]
        self.forbidden: dict[int, set[int]] = defaultdict(set)
        self.edges: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        self.refused: list[tuple[int, int, str]] = []

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def _obstacle(self, a: int, b: int) -> str | None:
        small, large = sorted((a, b), key=lambda root: len(self.members[root]))
        for member in self.members[small]:
            for other in sorted(self.forbidden.get(member, ())):
                if self.find(other) == large:
                    return (f"{self.names[member].surface!r} and {self.names[other].surface!r} "
                            "are confirmed different")
        for key_a, i in self.full_names[a].items():
            for key_b, j in self.full_names[b].items():
                if _different_people(key_a, key_b):
                    return (f"{self.names[i].surface!r} and {self.names[j].surface!r} "
                            "are different people")
        return None

    def join(self, i: int, j: int, rule: str, evidence: str) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        obstacle = self._obstacle(a, b)
        if obstacle is not None:
            if rule != "confirmed":
                self.refused.append((i, j, f"{evidence}; kept apart: {obstacle}"))
            return False
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a] += self.members[b]
        self.full_names[a].update(self.full_names[b])
        self.members[b], self.full_names[b] = [], {}
        self.edges[i].append((j, rule, evidence))
        self.edges[j].append((i, rule, evidence))
        return True


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
    resolver = _Resolver(claims, texts, dict(confirmed or {}))
    resolver.join_normalized()
    resolver.join_confirmed()
    resolver.join_full_names()
    resolver.join_partial_names()
    resolver.join_acronyms()
    resolver.join_roles()
    return resolver.resolution()


class _Resolver:
    """The names of all claims as nodes of one union-find, and the rules applied to them in order."""

    def __init__(self, claims: Sequence[Claim], texts: Mapping[str, str],
                 decisions: dict[tuple[str, str], bool]) -> None:
        self.claims = sorted(claims, key=lambda c: (c.id, c.doc_id, c.start, c.end, c.entities))
        self.texts = texts
        self.decisions = decisions
        self.counts = Counter(entity for claim in claims for entity in claim.entities)
        # How many documents use a spelling beats how often: one outlet repeating a misspelling
        # ("Bremer") must not outvote the others.
        self.doc_counts = Counter(entity for doc_id, entity in
                                  {(c.doc_id, e) for c in claims for e in c.entities})
        self.nodes = sorted(self.counts)
        self.index = {node: i for i, node in enumerate(self.nodes)}
        self.names = [_parse_name(surface, kind) for surface, kind in self.nodes]
        self.clusters = _Clusters(self.names)
        self.undecided: list[tuple[int, int, str]] = []
        # One node per (kind, key, is_role) stands for all spellings that read the same.
        self.representative: dict[tuple[str, tuple[str, ...], bool], int] = {}
        for i in sorted(range(len(self.nodes)), key=self.display_order):
            name = self.names[i]
            self.representative.setdefault((name.kind, name.key, name.is_role), i)
        self.people = {key: i for (kind, key, role), i in self.representative.items()
                       if kind == "person" and not role}
        self.confirmed_pairs = self._confirmed_pairs()
        for i, j, same in self.confirmed_pairs:
            if not same:
                self.clusters.forbidden[i].add(j)
                self.clusters.forbidden[j].add(i)

    def display_order(self, i: int) -> tuple:
        """Best display name first: a plain name, the most complete, used by the most documents,
        the most frequent."""
        name = self.names[i]
        complete = sum(len(word) > 1 for word in name.key)
        return (name.kind == "other", name.is_role, bool(name.title), name.possessive, -complete,
                -self.doc_counts[self.nodes[i]], -self.counts[self.nodes[i]], name.surface,
                name.kind)

    def _confirmed_pairs(self) -> list[tuple[int, int, bool]]:
        by_surface: dict[str, list[int]] = defaultdict(list)
        for i, (surface, _) in enumerate(self.nodes):
            by_surface[surface].append(i)
        return [(i, j, same) for (a, b), same in sorted(self.decisions.items())
                for i in by_surface.get(a, ()) for j in by_surface.get(b, ())
                if self.nodes[i][1] == self.nodes[j][1] and i != j]

    def decide(self, node: int, found: Mapping[int, tuple[int, str]], rule: str, what: str) -> None:
        """Join `node` to the one candidate in `found` (root -> (node, evidence)); with several,
        each is an undecided pair."""
        if len(found) == 1:
            other, evidence = next(iter(found.values()))
            self.clusters.join(node, other, rule, evidence)
            return
        listing = ", ".join(sorted(repr(self.names[other].surface) for other, _ in found.values()))
        self.undecided.extend((node, other, f"{what} fits {len(found)}: {listing}")
                              for other, _ in found.values())

    def candidates(self, nodes: Iterable[int],
                   evidence: str | Mapping[int, str]) -> dict[int, tuple[int, str]]:
        """The best-displayed node of each cluster among `nodes`, with its evidence."""
        found: dict[int, tuple[int, str]] = {}
        for j in sorted(nodes, key=self.display_order):
            reason = evidence if isinstance(evidence, str) else evidence[j]
            found.setdefault(self.clusters.find(j), (j, reason))
        return found

    def join_normalized(self) -> None:
        for i, name in enumerate(self.names):
            representative = self.representative[(name.kind, name.key, name.is_role)]
            if representative != i:
                title = f", title '{' '.join(name.title)}' set aside" if name.title else ""
                self.clusters.join(i, representative, "normalized",
                                   f"same normalised name '{' '.join(name.key)}' as {{other}}{title}")
        by_key: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for (kind, key, role), i in sorted(self.representative.items()):
            if kind != "other" and not role:
                by_key[key].append(i)
        for (kind, key, _), i in sorted(self.representative.items()):
            if kind == "other" and len(by_key.get(key, ())) == 1:  # one other kind has this name
                self.clusters.join(i, by_key[key][0], "normalized",
                                   f"same normalised name '{' '.join(key)}' as {{other}} (kind 'other')")

    def join_confirmed(self) -> None:
        for i, j, same in self.confirmed_pairs:
            if same:
                self.clusters.join(i, j, "confirmed",
                                   f"confirmed the same {self.names[i].kind} as {{other}}")

    def join_full_names(self) -> None:
        for _, _, i, j, rule, evidence in sorted(_person_name_links(self.people)):
            self.clusters.join(i, j, rule, evidence)

    def join_partial_names(self) -> None:
        """bare-surname and initial, against the people the rules before have formed."""
        by_surname: dict[str, list[int]] = defaultdict(list)
        for key, i in sorted(self.people.items()):
            if len(key) >= 2 and not _is_initial(key):
                by_surname[key[-1]].append(i)
        pending = []
        for key, i in sorted(self.people.items()):
            if len(key) != 1 and not _is_initial(key):
                continue
            surname, initial = key[-1], key[0] if len(key) > 1 else ""
            joined = self.clusters.full_names[self.clusters.find(i)]
            if any(k[-1] == surname and k != key for k in joined):
                continue  # already joined to a person of that surname (by a confirmation)
            people = [j for j in by_surname.get(surname, ()) if self.names[j].key[0].startswith(initial)]
            evidence = f"{{other}} is the only known person '{' '.join(key)}' can name"
            found = self.candidates(people, evidence)
            if found:
                pending.append((i, found, "initial" if initial else "bare-surname"))
        for i, found, rule in pending:
            self.decide(i, found, rule, f"'{' '.join(self.names[i].key)}'")

    def join_acronyms(self) -> None:
        pending = []
        for kind in ACRONYM_KINDS:
            expansions: dict[str, list[int]] = defaultdict(list)
            for (k, key, _), i in sorted(self.representative.items()):
                if k == kind and len(key) >= 2:
                    for initials in {"".join(w[0] for w in key),
                                     "".join(w[0] for w in key if w not in SMALL_WORDS)}:
                        expansions[initials].append(i)
            for (k, key, _), i in sorted(self.representative.items()):
                if k == kind and self.names[i].is_acronym and key[0] in expansions:
                    evidence = f"'{key[0].upper()}' spells the initials of {{other}}"
                    pending.append((i, self.candidates(expansions[key[0]], evidence)))
        for i, found in pending:
            self.decide(i, found, "acronym", f"acronym '{self.names[i].key[0].upper()}'")

    def join_roles(self) -> None:
        roles = {key: i for (kind, key, role), i in self.representative.items()
                 if kind == "person" and role}
        if not roles or not self.people:
            return
        strong, weak = self._roles_in_texts(roles), self._roles_in_claims()
        pending = []
        for key, i in sorted(roles.items()):
            members = self.clusters.members[self.clusters.find(i)]
            if any(self.names[m].kind == "person" and not self.names[m].is_role for m in members):
                continue  # already joined to a person (by a confirmation)
            evidence = strong.get(key) or weak.get(key) or {}
            if evidence:
                pending.append((i, self.candidates(evidence, evidence)))
        for i, found in pending:
            self.decide(i, found, "role", f"role '{' '.join(self.names[i].key)}'")

    def _roles_in_texts(self, roles: Mapping[tuple[str, ...], int]) -> dict[tuple[str, ...], dict]:
        """Strong evidence: a person's name written right after the role, in a document or a name."""
        found: dict[tuple[str, ...], dict[int, str]] = defaultdict(dict)
        for i, name in enumerate(self.names):
            if name.kind == "person" and not name.is_role and name.title in roles:
                found[name.title].setdefault(i, f"written together as {name.surface!r}")
        role_starts = {key[0] for key in roles}
        longest_role, longest_name = max(map(len, roles)), max(map(len, self.people))
        for doc_id in sorted(self.texts):
            words = words_of(self.texts[doc_id])
            for at, word in enumerate(words):
                if word not in role_starts:
                    continue
                for size in range(1, longest_role + 1):
                    role = tuple(words[at:at + size])
                    if len(role) < size:
                        break
                    if role not in roles:
                        continue
                    for length in range(longest_name, 0, -1):  # the longest name written there
                        name = tuple(words[at + size:at + size + length])
                        if len(name) == length and name in self.people:
                            found[role].setdefault(self.people[name], f"document {doc_id} writes "
                                                                      f"'{' '.join(role + name)}'")
                            break
        return found

    def _roles_in_claims(self) -> dict[tuple[str, ...], dict[int, str]]:
        """Weak evidence: the one person a claim names beside the role, in its entities, its
        statement or its evidence span."""
        full_names = {key: i for key, i in self.people.items() if len(key) >= 2}
        longest = max(map(len, full_names), default=0)
        found: dict[tuple[str, ...], dict[int, str]] = defaultdict(dict)
        for claim in self.claims:
            parsed = [self.names[self.index[entity]] for entity in claim.entities]
            roles = {name.key for name in parsed if name.kind == "person" and name.is_role}
            if len(roles) != 1:  # with two roles beside one name, which one is the name is unknown
                continue
            named = {self.index[(n.surface, n.kind)] for n in parsed
                     if n.kind == "person" and not n.is_role}
            words = words_of(claim.statement) + words_of(self.texts[claim.doc_id][claim.start:claim.end])
            named.update(full_names[tuple(words[at:at + size])] for at in range(len(words))
                         for size in range(2, longest + 1) if tuple(words[at:at + size]) in full_names)
            people = self.candidates(named, "")
            if len(people) == 1:
                ((person, _),) = people.values()
                evidence = f"{{other}} is the only person named in claim {claim.id}"
                found[roles.pop()].setdefault(person, evidence)
        return found

    def resolution(self) -> Resolution:
        mentions = _locate_mentions(self.claims, self.texts)
        entities: list[Entity] = []
        entity_of: dict[tuple[str, str], str] = {}
        for members in self.clusters.members:
            if not members:
                continue
            # Ties in frequency go to the spelling whose words the others share most (Bremmer).
            shared = Counter(word for m in members for word in set(self.names[m].key))
            agreement = {m: sum(shared[word] - 1 for word in set(self.names[m].key)) for m in members}
            head = min(members, key=lambda m: (self.display_order(m)[:7], -agreement[m],
                                               self.display_order(m)))
            name, kind = self.names[head].surface, self.names[head].kind
            entity_id = short_id("e", [name, kind])
            found = sorted(set().union(*(mentions.get(self.nodes[m], set()) for m in members)),
                           key=lambda m: (m.doc_id, m.start, m.end, m.claim_id))
            entities.append(Entity(entity_id, name, kind,
                                   tuple(sorted({self.names[m].surface for m in members} - {name})),
                                   tuple(found), self._merge_reasons(head)))
            entity_of.update((self.nodes[m], entity_id) for m in members)
        claim_entities = {claim.id: tuple(sorted({entity_of[e] for e in claim.entities}))
                          for claim in self.claims}
        return Resolution(sorted(entities, key=lambda e: (e.kind, e.name, e.id)), claim_entities,
                          self._ambiguous())

    def _merge_reasons(self, head: int) -> tuple[MergeReason, ...]:
        """Breadth first from the display name: each alias is explained by the link that reached it."""
        reasons: dict[str, MergeReason] = {}
        seen, queue = {head}, [head]
        for node in queue:
            for other, rule, evidence in sorted(self.clusters.edges[node],
                                                key=lambda edge: (self.names[edge[0]].surface, edge)):
                if other in seen:
                    continue
                seen.add(other)
                queue.append(other)
                alias = self.names[other].surface
                if alias != self.names[head].surface and alias not in reasons:
                    evidence = evidence.replace("{other}", repr(self.names[node].surface))
                    reasons[alias] = MergeReason(alias, rule, evidence)
        return tuple(reasons[alias] for alias in sorted(reasons))

    def _ambiguous(self) -> list[AmbiguousPair]:
        pairs: dict[tuple[str, str, str], AmbiguousPair] = {}
        for i, j, evidence in sorted(self.undecided + self.clusters.refused):
            a, b, kind = self.names[i].surface, self.names[j].surface, self.names[i].kind
            decided = (a, b) in self.decisions or (b, a) in self.decisions
            if decided or self.clusters.find(i) == self.clusters.find(j):
                continue
            evidence = evidence.replace("{other}", repr(b))
            pairs.setdefault((a, b, kind), AmbiguousPair(a, b, kind, evidence))
        return [pairs[key] for key in sorted(pairs)]


def _person_name_links(people: Mapping[tuple[str, ...], int]) -> list[tuple]:
    """same-surname and fuzzy-name edges, compared only inside blocks that share a surname, a first
    name and surname initial, or a surname outline; sorted so the surest merges are tried first."""
    blocks: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for key in sorted(k for k in people if len(k) >= 2 and not _is_initial(k)):
        blocks[("surname", key[-1])].append(key)
        blocks[("first", key[0], key[-1][0])].append(key)
        blocks[("sound", _sound(key[-1]))].append(key)
    pairs: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    for block_id, block in blocks.items():
        if len(block) < 2:
            continue
        whole = [" ".join(key) for key in block]
        firsts = [key[0] for key in block]
        for i in range(len(block)):
            near = process.extract(whole[i], whole, scorer=fuzz.ratio, limit=None,
                                   score_cutoff=FULL_NAME_SIMILARITY * 100)
            if block_id[0] == "surname":
                near += process.extract(firsts[i], firsts, scorer=JaroWinkler.normalized_similarity,
                                        limit=None, score_cutoff=FIRST_NAME_SIMILARITY)
            pairs.update((min(block[i], block[j]), max(block[i], block[j]))
                         for _, _, j in near if j != i)
    links = []
    for a, b in sorted(pairs):
        link = _name_link(a, b)
        if link is not None:
            rule, score, evidence = link
            links.append((rule != "same-surname", -score, people[a], people[b], rule, evidence))
    return links


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
