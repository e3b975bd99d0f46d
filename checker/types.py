"""Domain types shared by the stages: documents and chunks, claims, candidate pairs, verdicts
and conflicts, and the findings, corroborations and documents a report holds.

Frozen dataclasses with no behaviour beyond derived properties and reading their JSON form.
Pure stages (candidates, findings, resolve, group) import these, never a model-calling module.
Offsets are code-point offsets into the document text as decoded: `text[start:end]` is the
evidence.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from .dates import published_date


@dataclass(frozen=True)
class Document:
    """One article: `text` exactly as decoded (every offset indexes it), its metadata, and in
    `origins` where each field came from ("cli", "front-matter", "manifest", "date-line", ...)
    and how the text was read: "encoding" (the codec detected for a file that was not UTF-8) and "fetched"
    (when a URL was fetched, ISO 8601 UTC)."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: date | None = None   # an ISO string given here is read as a date
    path: str | None = None
    # hash=False keeps documents hashable (a dict is not); the text and id already identify one.
    origins: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if isinstance(self.published, str):
            object.__setattr__(self, "published", date.fromisoformat(self.published))


@dataclass(frozen=True)
class Chunk:
    """One exact slice of a document, small enough to send to the model in one request."""

    doc_id: str
    index: int   # 0-based position within the document
    start: int   # code-point offset into the document text
    end: int
    text: str    # == document.text[start:end]
    tokens: int  # count_tokens(text)

    @property
    def id(self) -> str:
        return f"{self.doc_id}#{self.index}"


Stance = Literal["asserted", "denied", "alleged", "quoted"]
Kind = Literal["dispute", "reporting"]
ConflictType = Literal["factual", "numeric", "temporal", "attribution", "quote", "characterisation"]
VerdictName = Literal["conflict", "compatible", "same", "unrelated"]
Severity = Literal["high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")  # most serious first


@dataclass(frozen=True)
class Claim:
    """One check-worthy claim, grounded in its document: `text[start:end]` is its evidence."""

    id: str
    doc_id: str
    statement: str
    start: int
    end: int
    alignment: str                          # "sentence" (cited by number), "exact", "normalized", "fuzzy"
    entities: tuple[tuple[str, str], ...]   # (name as written, kind)
    attributed_to: tuple[str, ...]          # outermost first: "the article", a cited outlet, a source
    stance: Stance
    times: tuple[str, ...] = ()             # as written
    quantities: tuple[str, ...] = ()        # as written
    chunk_id: str = ""
    origin: str = "extract"                 # "extract", or the view that found the passage


@dataclass(frozen=True)
class DroppedClaim:
    """A passage a model cited that could not be found in its document (never reported as evidence)."""

    doc_id: str
    statement: str
    quote: str
    reason: str


@dataclass(frozen=True)
class Passage:
    """One side of a candidate: whole sentences of one document and the claims they hold."""

    doc_id: str
    start: int
    end: int
    claim_ids: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """Two passages that may contradict each other, and the views that proposed the pair."""

    id: str
    a: Passage
    b: Passage
    views: tuple[str, ...]   # "neighbours", "stance", "values", "quotes", "survey"
    notes: tuple[str, ...]   # what a view saw, shown to the verifier
    similarity: float = 0.0  # of the two claims, when a similarity view proposed the pair


@dataclass(frozen=True)
class Verdict:
    """The verifier's answer on one candidate."""

    candidate_id: str
    verdict: VerdictName
    kind: Kind | None
    type: ConflictType | None
    changes_meaning: bool
    a_opinion: bool
    b_opinion: bool
    why: str
    request_key: str = ""


@dataclass(frozen=True)
class Side:
    position: str
    claim_ids: tuple[str, ...]


@dataclass(frozen=True)
class Conflict:
    """A contradiction between two or more sides, before it is ranked into a finding."""

    kind: Kind
    type: ConflictType
    sides: tuple[Side, ...]
    explanation: str
    changes_meaning: bool
    opinion: bool = False            # some side is an opinion or characterisation
    candidate_ids: tuple[str, ...] = ()
    also: tuple[str, ...] = ()       # explanations of the pairs merged into this conflict


# --- What a report holds, typed (report.json is their serialised form) ---------------------

@dataclass(frozen=True)
class FindingSide:
    position: str
    claim_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]


@dataclass(frozen=True)
class ReviewState:
    """An editor's verdict on a finding, from the review file."""

    verdict: str
    by: str
    at: str
    note: str


@dataclass(frozen=True)
class Finding:
    """One contradiction as reported: ranked, its sides tied to grounded claims."""

    id: str
    kind: Kind
    type: ConflictType
    severity: Severity
    sides: tuple[FindingSide, ...]
    explanation: str
    changes_meaning: bool = True
    opinion: bool = False
    also: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    review: ReviewState | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        review = data.get("review")
        return cls(id=data["id"], kind=data["kind"], type=data["type"], severity=data["severity"],
                   sides=tuple(FindingSide(s["position"], tuple(s["claim_ids"]), tuple(s["doc_ids"]))
                               for s in data["sides"]),
                   explanation=data["explanation"],
                   changes_meaning=bool(data.get("changes_meaning", True)),
                   opinion=bool(data.get("opinion", False)), also=tuple(data.get("also", ())),
                   candidates=tuple(data.get("candidates", ())),
                   review=ReviewState(review["verdict"], review["by"], review["at"], review["note"])
                   if review else None)


@dataclass(frozen=True)
class Corroboration:
    """A fact several documents state, counted by independent origin."""

    statement: str
    claim_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]
    independent_sources: int
    origins: tuple[str, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Corroboration:
        return cls(data["statement"], tuple(data["claim_ids"]), tuple(data["doc_ids"]),
                   int(data["independent_sources"]), tuple(data["origins"]))


@dataclass(frozen=True)
class DocumentInfo:
    """A document as the report describes it (its text stays with the corpus)."""

    id: str
    title: str | None
    source: str | None
    url: str | None
    published: date | None
    summary: str | None
    encoding: str | None = None  # detected when a text was not UTF-8

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentInfo:
        return cls(data["id"], data.get("title"), data.get("source"), data.get("url"),
                   published_date(data.get("published")),
                   data.get("summary"), data.get("encoding"))
