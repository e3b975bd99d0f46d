"""The rules of resolve applied in order over one union-find of names (pure, no model).

`Resolver` holds every (name, kind) of the claims as a node; each `join_*` method applies one rule
of resolve.py's list, through `Clusters`, which refuses a merge that would put two different people
(or a pair confirmed different) in one entity. What no rule can decide is kept in `undecided`.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from .disjoint import DisjointSet
from .resolve_names import (
    ACRONYM_KINDS,
    SMALL_WORDS,
    Name,
    different_people,
    is_initial,
    parse_name,
    person_name_links,
    words_of,
)

if TYPE_CHECKING:  # extract pulls in the model gateway; resolving names needs none of it
    from .types import Claim


class Clusters:
    """Union-find over names that refuses merges the guard or a confirmed "different" forbids."""

    def __init__(self, names: list[Name]) -> None:
        self.names = names
        self.sets: DisjointSet[int] = DisjointSet(range(len(names)))
        self.members = [[i] for i in range(len(names))]
        self.full_names = [{n.key: i} if n.is_full_name else {} for i, n in enumerate(names)]
        self.forbidden: dict[int, set[int]] = defaultdict(set)
        self.edges: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        self.refused: list[tuple[int, int, str]] = []

    def find(self, i: int) -> int:
        """The root of the cluster holding name `i`."""
        return self.sets.find(i)

    def _obstacle(self, a: int, b: int) -> str | None:
        small, large = sorted((a, b), key=lambda root: len(self.members[root]))
        for member in self.members[small]:
            for other in sorted(self.forbidden.get(member, ())):
                if self.find(other) == large:
                    return (f"{self.names[member].surface!r} and {self.names[other].surface!r} "
                            "are confirmed different")
        for key_a, i in self.full_names[a].items():
            for key_b, j in self.full_names[b].items():
                if different_people(key_a, key_b):
                    return (f"{self.names[i].surface!r} and {self.names[j].surface!r} "
                            "are different people")
        return None

    def join(self, i: int, j: int, rule: str, evidence: str) -> bool:
        """Join the clusters of names i and j unless an obstacle forbids it (then the refusal is kept
        in `refused`, but for a confirmation); True when they end up together."""
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
        self.sets.union(a, b)  # the larger cluster's root stays the root
        self.members[a] += self.members[b]
        self.full_names[a].update(self.full_names[b])
        self.members[b], self.full_names[b] = [], {}
        self.edges[i].append((j, rule, evidence))
        self.edges[j].append((i, rule, evidence))
        return True


class Resolver:
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
        self.names = [parse_name(surface, kind) for surface, kind in self.nodes]
        self.clusters = Clusters(self.names)
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

    def display_order(self, i: int) -> tuple[bool, bool, bool, bool, int, int, int, str, str]:
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
        """normalized: spellings that read the same; a name of kind "other" joins the one other kind
        that has its name."""
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
        """confirmed: the pairs the caller confirmed the same."""
        for i, j, same in self.confirmed_pairs:
            if same:
                self.clusters.join(i, j, "confirmed",
                                   f"confirmed the same {self.names[i].kind} as {{other}}")

    def join_full_names(self) -> None:
        """same-surname and fuzzy-name, surest first."""
        for _, _, i, j, rule, evidence in sorted(person_name_links(self.people)):
            self.clusters.join(i, j, rule, evidence)

    def join_partial_names(self) -> None:
        """bare-surname and initial, against the people the rules before have formed."""
        by_surname: dict[str, list[int]] = defaultdict(list)
        for key, i in sorted(self.people.items()):
            if len(key) >= 2 and not is_initial(key):
                by_surname[key[-1]].append(i)
        pending = []
        for key, i in sorted(self.people.items()):
            if len(key) != 1 and not is_initial(key):
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
        """acronym: a name in capitals joins the one longer name of its kind whose initials it spells."""
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
        """role: a person named by a role joins the one person written with it, or else named beside it."""
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

    def _roles_in_texts(self, roles: Mapping[tuple[str, ...], int]) -> dict[tuple[str, ...], dict[int, str]]:
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
                        written = tuple(words[at + size:at + size + length])
                        if len(written) == length and written in self.people:
                            found[role].setdefault(self.people[written], f"document {doc_id} writes "
                                                                         f"'{' '.join(role + written)}'")
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
