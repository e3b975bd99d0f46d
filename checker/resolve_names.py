"""How a name reads, for resolve: its folded words, a person's title set aside, and whether two
people's names can be one person (pure, no model).

`parse_name` reads a name as written into a `Name`; `person_name_links` proposes the same-surname and
fuzzy-name merges between full names, and `different_people` is the guard no merge may cross.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

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
# (tried later, -score, node a, node b, rule, evidence): sorted, the surest merge comes first.
NameLink = tuple[bool, float, int, int, str, str]


def words_of(text: str) -> list[str]:
    """Folded words: no accents or case, possessive 's and apostrophes and dots dropped."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    plain = re.sub(_APOSTROPHE, "'", plain.casefold())
    plain = re.sub(r"'s\b", "", plain).replace("'", "").replace(".", "")
    return re.findall(r"\w+", plain)


@dataclass(frozen=True)
class Name:
    """One name as written and how it reads: the words equality compares, and a person's title."""

    surface: str
    kind: str
    key: tuple[str, ...]    # a person's name without title, a bare role, or the organisation's words
    title: tuple[str, ...]  # role or honorific written before a person's name
    is_role: bool           # a person named only by a role or description: "the Tesla CEO"
    possessive: bool

    @property
    def is_full_name(self) -> bool:
        """A person's name of two words or more, not a role."""
        return self.kind == "person" and not self.is_role and len(self.key) >= 2

    @property
    def is_acronym(self) -> bool:
        """An organisation or place written as one word in capitals (WSJ, U.S.)."""
        letters = [c for c in re.sub(r"^(?i:the)\s+", "", self.surface) if c.isalpha()]
        return (self.kind in ACRONYM_KINDS and len(self.key) == 1 and 2 <= len(self.key[0]) <= 8
                and all(c.isupper() for c in letters))


def parse_name(surface: str, kind: str) -> Name:
    """How `surface` reads as a name of `kind` (see Name)."""
    before, _, after = surface.partition(",")
    if kind == "person" and words_of(before) and words_of(after):  # "Elon Musk, the Tesla CEO"
        name, role = parse_name(before, kind), parse_name(after, kind)
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
    return Name(surface, kind, key, title, is_role, bool(_POSSESSIVE_END.search(surface.strip())))


def _first_names_compatible(a: str, b: str, threshold: float) -> bool:
    if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
    return JaroWinkler.normalized_similarity(a, b) >= threshold


def is_initial(key: tuple[str, ...]) -> bool:
    """A name such as "E. Musk", which may stand for any Musk whose first name starts with E."""
    return len(key) >= 2 and len(key[0]) == 1


def _sound(surname: str) -> str:
    """The surname's consonant outline, so Bremer/Bremmer and Kiriyenko/Kirienko share a block."""
    outline = surname[:1] + re.sub(r"[aeiouy]", "", surname[1:])
    return re.sub(r"(.)\1+", r"\1", outline)


def different_people(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two full names that cannot be one person whatever joined them."""
    if a == b:
        return False
    surnames_alike = (a[-1] == b[-1] or _sound(a[-1]) == _sound(b[-1])
                      or JaroWinkler.normalized_similarity(a[-1], b[-1]) >= DIFFERENT_SURNAMES)
    return not (surnames_alike and _first_names_compatible(a[0], b[0], DIFFERENT_FIRST_NAMES))


def _name_link(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, float, str] | None:
    """The same-surname or fuzzy-name rule for two full names: (rule, score, evidence) or None."""
    if different_people(a, b) or is_initial(a) or is_initial(b):
        return None
    alike = [_first_names_compatible(x, y, FIRST_NAME_SIMILARITY)
             for x, y in zip(a[:-1], b[:-1], strict=False)]
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


def person_name_links(people: Mapping[tuple[str, ...], int]) -> list[NameLink]:
    """same-surname and fuzzy-name edges, compared only inside blocks that share a surname, a first
    name and surname initial, or a surname outline; sorted so the surest merges are tried first."""
    blocks: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for key in sorted(k for k in people if len(k) >= 2 and not is_initial(k)):
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
    links: list[NameLink] = []
    for a, b in sorted(pairs):
        link = _name_link(a, b)
        if link is not None:
            rule, score, evidence = link
            links.append((rule != "same-surname", -score, people[a], people[b], rule, evidence))
    return links
