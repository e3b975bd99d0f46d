"""Corroborate: what the sources agree on, counted by independent origin (pure, no model).

Claims agree when the verifier said two passages state the same fact, or when two documents
state a claim in the same words with the same stance, times and amounts. Agreeing claims form
clusters; a cluster's support is counted by distinct *originating* sources along each claim's
attribution chain: three outlets relaying The Wall Street Journal are one source relayed three
times, and near-duplicate documents (wire copies) count once.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from typing import Any

from .disjoint import DisjointSet
from .load import Document
from .types import Candidate, Claim, Verdict

_ANONYMOUS_LEAD = frozenset("a an the one two three several some many multiple unnamed anonymous "
                            "sources source officials people".split())
# A source named by its group ("White House officials", "people familiar with the matter").
_ANONYMOUS_HEAD = frozenset("official officials source sources people person officer officers "
                            "diplomat diplomats aide aides insider insiders analyst analysts expert "
                            "experts witness witnesses member members staff employee employees "
                            "interlocutor interlocutors attendee attendees".split())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def name_key(name: str) -> str:
    return " ".join(name.casefold().replace("’", "'").removesuffix("'s").split())


def is_named(source: str, known: Mapping[str, str]) -> bool:
    """A named source (a person, an outlet) rather than "a former official" or "sources"."""
    if name_key(source) in known:
        return True
    words = _WORD.findall(source)
    if words and words[-1].casefold() in _ANONYMOUS_HEAD:
        return False
    while words and words[0].casefold() in _ANONYMOUS_LEAD:
        words = words[1:]
    return bool(words) and words[0][:1].isupper()


def _initials(name: str) -> str:
    return "".join(w[0] for w in _WORD.findall(name) if w.casefold() != "the").upper()


def canonical_names(names: Sequence[str]) -> dict[str, str]:
    """Each name -> the name it stands for: an acronym ("WSJ") becomes the full name whose
    initials it spells ("The Wall Street Journal"), when exactly one such name is present."""
    full = sorted({n for n in names if not n.isupper()})
    out = {}
    for name in names:
        matches = [f for f in full if name.isupper() and 2 <= len(name) <= 6 and _initials(f) == name]
        out[name] = matches[0] if len(matches) == 1 else name
    return out


class KnownNames(dict[str, str]):
    """Name key -> canonical name (every entity's name and aliases), with the word indexes that
    let a source phrase or a sentence be matched in time proportional to its own length."""

    def __init__(self, known: Mapping[str, str] | None = None) -> None:
        super().__init__(known or {})
        self.phrases: dict[tuple[str, ...], str] = {}
        speakers: dict[tuple[str, ...], set[str]] = {}
        for key, name in self.items():
            words = tuple(_WORD.findall(key))
            if len(key) > 3 and words:
                self.phrases[words] = name
            for form in {words, words[-1:]}:  # a full name, and its last word ("Iqbal said")
                if form and len(" ".join(form)) > 3:
                    speakers.setdefault(form, set()).add(name)
        # a surname two known people share names neither of them
        self.speakers = {form: next(iter(names)) for form, names in speakers.items()
                         if len(names) == 1}


def _known(known: Mapping[str, str]) -> KnownNames:
    return known if isinstance(known, KnownNames) else KnownNames(known)


def resolve_name(source: str, known: Mapping[str, str]) -> str:
    """A source's canonical name: itself through the alias table, else the known name it
    contains that ends last, then the longest: a phrase names what it ends with ("Eurasia
    Group's Ian Bremmer" -> "Ian Bremmer", "Tesla CEO Elon Musk" -> "Elon Musk")."""
    names = _known(known)
    key = name_key(source)
    if key in names:
        return names[key]
    words = _WORD.findall(key)
    best: tuple[int, int, str] | None = None
    for end in range(len(words), 0, -1):
        for start in range(end):
            name = names.phrases.get(tuple(words[start:end]))
            if name is not None and (best is None or (end, end - start, name) > best):
                best = (end, end - start, name)
    return best[2] if best else source.strip()


_SPEECH = frozenset("said says say told tells wrote writes added adds stated states denied denies "
                    "claimed claims insisted insists argued argues replied replies responded "
                    "tweeted".split())


def speaker_in(sentence: str, known: Mapping[str, str]) -> str | None:
    """The one known name next to a speech verb in a sentence ('..., Iqbal said.'), if any."""
    names = _known(known)
    words = [w.casefold().replace("’", "'").removesuffix("'s") for w in _WORD.findall(sentence)]
    found = set()
    for i, word in enumerate(words):
        if word not in _SPEECH:
            continue
        for size in range(1, 5):
            for form in (tuple(words[i - size:i]) if i >= size else (),
                         tuple(words[i + 1:i + 1 + size])):
                if form in names.speakers:
                    found.add(names.speakers[form])
    return found.pop() if len(found) == 1 else None


def source_of(claim: Claim, known: Mapping[str, str], evidence: str = "") -> str | None:
    """Who inside the article asserts a claim: its first named source, through the alias table,
    else the one known speaker its own sentence names ("...," Iqbal said); None when the
    article speaks for itself or only anonymous sources do."""
    for source in claim.attributed_to[1:]:
        if is_named(source, known):
            return resolve_name(source, known)
    return speaker_in(evidence, known) if evidence else None


def origin_of(claim: Claim, known: Mapping[str, str], wire: Mapping[str, str],
              evidence: str = "") -> str:
    """Where a claim originates: the first named source its outlet relies on ("Bremmer says
    Musk told him" originates with Bremmer; an anonymous source belongs to the outlet that cites
    it), else the speaker its sentence names, else its document's wire cluster."""
    return source_of(claim, known, evidence) or f"document {wire.get(claim.doc_id, claim.doc_id)}"


SHINGLE_WORDS = 5
SHINGLES_KEPT = 2_000_000  # at most about this many shingle hashes over the whole corpus
_SHINGLE_WORD = re.compile(r"\w+", re.UNICODE)


def shingle_hashes(text: str, modulus: int) -> set[int]:
    """64-bit hashes of the text's 5-word shingles (case-folded words), keeping those whose hash
    is a multiple of `modulus`: the same sample in every document, so overlaps stay comparable."""
    window: deque[str] = deque(maxlen=SHINGLE_WORDS)
    kept: set[int] = set()
    for match in _SHINGLE_WORD.finditer(text):
        window.append(match.group(0).casefold())
        if len(window) == SHINGLE_WORDS:
            digest = hashlib.blake2b(" ".join(window).encode("utf-8"), digest_size=8).digest()
            value = int.from_bytes(digest, "big")
            if value % modulus == 0:
                kept.add(value)
    return kept


def wire_clusters(documents: Sequence[Document], threshold: float = 0.5) -> dict[str, str]:
    """Map each document to a representative of its near-duplicate (wire copy) cluster.

    Pairs are found through an index of shingle hashes (a shingle in many documents is
    boilerplate and is skipped), so the work grows with the corpus, not with its square; a very
    large corpus keeps a fixed sample of shingles, so memory stays bounded."""
    words = sum(len(d.text) for d in documents) // 6  # about six characters a word
    modulus = max(1, words // SHINGLES_KEPT)
    sets = {d.id: shingle_hashes(d.text, modulus) for d in documents}
    index: dict[int, list[str]] = {}
    for doc_id in sorted(sets):
        for shingle in sets[doc_id]:
            index.setdefault(shingle, []).append(doc_id)
    common = max(8, int(math.sqrt(len(documents))))
    shared: Counter[tuple[str, str]] = Counter()
    for holders in index.values():
        if 1 < len(holders) <= common:
            shared.update((a, b) for k, a in enumerate(holders) for b in holders[k + 1:])
    order = {d.id: i for i, d in enumerate(documents)}
    clusters = DisjointSet(sorted((d.id for d in documents), key=order.__getitem__))
    for (a, b), count in sorted(shared.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])):
        if count / (min(len(sets[a]), len(sets[b])) or 1) >= threshold:
            first, second = sorted((a, b), key=order.__getitem__)
            clusters.union(first, second)
    return {doc_id: min(group, key=order.__getitem__)
            for group in clusters.groups() for doc_id in group}


def build_corroborations(claims: Sequence[Claim], candidates: Sequence[Candidate],
                         verdicts: Sequence[Verdict], documents: Sequence[Document],
                         known: Mapping[str, str]) -> list[dict[str, Any]]:
    """Clusters of agreeing claims from two or more documents, most independent first. A passage
    a view made into a claim (a quotation, a survey quote) has no attribution of its own: agreeing
    with one named source, it is that source's words and takes that origin."""
    texts = {d.id: d.text for d in documents}
    by_id = {c.id: c for c in claims}
    order = {d.id: i for i, d in enumerate(documents)}
    agree = DisjointSet(sorted(by_id))
    by_candidate = {c.id: c for c in candidates}
    for verdict in verdicts:
        if verdict.verdict == "same":
            pair = by_candidate[verdict.candidate_id]
            for a in pair.a.claim_ids:
                for b in pair.b.claim_ids:
                    agree.union(a, b)
    by_words: dict[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for claim in sorted(claims, key=lambda c: c.id):
        key = (claim.stance, tuple(sorted({w.casefold() for w in _WORD.findall(claim.statement)})),
               claim.times, claim.quantities)
        by_words.setdefault(key, []).append(claim.id)
    for ids in by_words.values():
        for other in ids[1:]:
            agree.union(ids[0], other)
    wire = wire_clusters(documents)
    out = []
    for group in agree.groups():
        members = sorted((by_id[c] for c in group), key=lambda c: (order[c.doc_id], c.start, c.id))
        docs = sorted({c.doc_id for c in members}, key=order.__getitem__)
        if len(docs) < 2:
            continue
        found = [origin_of(c, known, wire, texts[c.doc_id][c.start:c.end]) for c in members]
        named = {o for o, c in zip(found, members, strict=True) if not o.startswith("document ")}
        if len(named) == 1:
            found = [next(iter(named)) if c.origin != "extract" and o.startswith("document ") else o
                     for o, c in zip(found, members, strict=True)]
        names = canonical_names(found)
        origins = sorted({names[o] for o in found})
        statement = Counter(c.statement for c in members).most_common(1)[0][0]
        out.append({"statement": statement, "claim_ids": [c.id for c in members],
                    "doc_ids": docs, "independent_sources": len(origins), "origins": origins})
    return sorted(out, key=lambda c: (-c["independent_sources"], -len(c["doc_ids"]), c["statement"]))
