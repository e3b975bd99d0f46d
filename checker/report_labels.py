"""What the renderings call things, decided once so report.md and report.html agree (pure).

Documents get a display name (their outlet, else their URL's host, else a short label "D1"..),
sides a letter, a claim's stance a phrase that tells an outlet's own denial from a denial it
reports, and the story a title; unresolved times are split into those a finding compares and
the rest. Nothing here changes report.json: it only reads it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .dates import DATE_LINE

TITLE_WORDS = 6        # a title cited beside a short label is cut to this many words
OPENING_WORDS = 10     # an untitled document is described by this many of its first words
STORY_NAMES = 2        # the story title names this many core entities
OWN_VOICE = ("the article",)

# The outlet's own voice, and the same stance reported of someone the article cites.
_OWN = {"asserted": "asserts", "denied": "denies", "alleged": "alleges", "quoted": "quotes"}
_REPORTED = {"asserted": "reports a claim", "denied": "reports a denial",
             "alleged": "alleges", "quoted": "quotes"}


@dataclass(frozen=True)
class DocLabel:
    """How the renderings name one document."""

    key: str            # "D1".. in report order: always present, never breaks
    name: str           # outlet, URL host, or the key
    title: str | None   # the document's title, or its opening words (described as such)
    titled: bool        # whether `title` is a real title
    named: bool         # whether `name` is an outlet or host (not just the key)

    @property
    def cite(self) -> str:
        """For a citation: the name, and for a bare key its title, cut short."""
        if self.named or not self.titled or not self.title:
            return self.name
        return f"{self.key} “{shorten(self.title, TITLE_WORDS)}”"

    @property
    def heading(self) -> str:
        """For the document's own heading: its key, then its title or opening words."""
        if not self.title:
            return self.key
        return f"{self.key}: {self.title}" if self.titled else f"{self.key}: “{self.title}” (opening words)"


def shorten(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts) if len(parts) <= words else " ".join(parts[:words]) + "…"


def url_host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def opening_words(text: str | None) -> str | None:
    """The first words of a text, past a leading "date YYYY-MM-DD" line."""
    if not text:
        return None
    found = DATE_LINE.match(text)
    rest = text[found.end():] if found else text
    return shorten(rest, OPENING_WORDS) if rest.split() else None


def document_labels(documents: list[dict[str, Any]], texts: Mapping[str, str]
                    ) -> dict[str, DocLabel]:
    labels = {}
    for n, doc in enumerate(documents, start=1):
        key = f"D{n}"
        outlet = doc.get("source") or url_host(doc.get("url"))
        title = doc.get("title")
        described = title or opening_words(texts.get(doc["id"]))
        labels[doc["id"]] = DocLabel(key, outlet or key, described, bool(title), bool(outlet))
    return labels


@dataclass(frozen=True)
class MetaHint:
    """How to name the outlets the report does not know: said once, not per document."""

    unnamed: int
    labels: str         # "D1–D5", "D2, D4"
    example_id: str

    @property
    def lead(self) -> str:
        many = self.unnamed != 1
        return (f"The outlet of {self.unnamed} document{'s' if many else ''} is unknown, so "
                f"{'they are' if many else 'it is'} labelled {self.labels}. Name an outlet with")

    @property
    def command(self) -> str:
        return f'--meta {self.example_id}.source="Outlet name"'

    @property
    def tail(self) -> str:
        return "(one --meta per document), or give a source in front matter, manifest.json or the feed."

    def __str__(self) -> str:
        return f"{self.lead} {self.command} {self.tail}"


def meta_hint(documents: list[dict[str, Any]], labels: Mapping[str, DocLabel]) -> MetaHint | None:
    unnamed = [d["id"] for d in documents if not labels[d["id"]].named]
    if not unnamed:
        return None
    keys = [labels[d].key for d in unnamed]
    span = (keys[0] if len(keys) == 1 else f"{keys[0]}–{keys[-1]}" if len(keys) == len(documents)
            else ", ".join(keys))
    return MetaHint(len(unnamed), span, unnamed[0])


def side_label(index: int) -> str:
    """"Side A", "Side B", ..: the same in every rendering."""
    return f"Side {chr(ord('A') + index)}"


def reported_by_outlet(claim: Mapping[str, Any]) -> bool:
    """Whether the outlet speaks in its own voice (no one beyond "the article" is cited)."""
    return all(who.strip().lower() in OWN_VOICE for who in claim.get("attributed_to", []))


def stance_phrase(claim: Mapping[str, Any]) -> str:
    """What the outlet does with the claim: "denies" in its own voice, "reports a denial" of
    someone it cites (a denial by Musk, reported by a newspaper, is not the newspaper's)."""
    stance = str(claim["stance"])
    table = _OWN if reported_by_outlet(claim) else _REPORTED
    return table.get(stance, stance)


def story_title(data: Mapping[str, Any]) -> str:
    """The story, named by the people (then organisations) most documents' claims mention,
    or by the first document's title; deterministic."""
    canonical = {a.lower(): e["name"] for e in data.get("entities", [])
                 for a in [e["name"], *e.get("aliases", [])]}
    documents: dict[tuple[str, str], set[str]] = {}
    claims: Counter[tuple[str, str]] = Counter()
    for claim in data.get("claims", []):
        for entity in claim.get("entities", []):
            named = (entity["kind"], canonical.get(entity["name"].lower(), entity["name"]))
            documents.setdefault(named, set()).add(claim["doc_id"])
            claims[named] += 1
    widely = [named for named, docs in documents.items() if len(docs) >= 2]
    ranked = sorted(widely, key=lambda e: (e[0] != "person", -len(documents[e]), -claims[e], e[1]))
    names = list(dict.fromkeys(name for _, name in ranked))[:STORY_NAMES]
    if names:
        return " and ".join(names)
    titles = [d["title"] for d in data.get("documents", []) if d.get("title")]
    return shorten(titles[0], TITLE_WORDS) if titles else ""


def report_title(data: Mapping[str, Any]) -> str:
    story = story_title(data)
    return f"{story}: contradiction report" if story else "Contradiction report"


def compared_claims(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Claim id -> the ids of the findings whose sides hold it."""
    out: dict[str, list[str]] = {}
    for finding in data.get("contradictions", []):
        for side in finding["sides"]:
            for claim_id in side["claim_ids"]:
                out.setdefault(claim_id, []).append(finding["id"])
    return out


def split_unresolved_times(data: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(times in claims a finding compares, the rest): only the first can change a finding."""
    compared = compared_claims(data)
    times = data["run"].get("unresolved_times") or []
    touching = [t for t in times if t.get("claim_id") in compared]
    return touching, [t for t in times if t.get("claim_id") not in compared]
