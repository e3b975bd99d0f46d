"""Domain types shared by the stages: claims, candidate pairs, verdicts and conflicts.

Frozen dataclasses with no behaviour beyond derived properties. Pure stages (candidates,
findings, resolve, group) import these, never a model-calling module. Offsets are code-point
offsets into the document text as decoded: `text[start:end]` is the evidence.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Stance = Literal["asserted", "denied", "alleged", "quoted"]
Kind = Literal["dispute", "reporting"]
ConflictType = Literal["factual", "numeric", "temporal", "attribution", "quote", "characterisation"]
VerdictName = Literal["conflict", "compatible", "same", "unrelated"]
SEVERITIES: tuple[str, ...] = ("high", "medium", "low")  # most serious first


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
    stance: str
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
    verdict: str
    kind: str | None
    type: str | None
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

    kind: str
    type: str
    sides: tuple[Side, ...]
    explanation: str
    changes_meaning: bool
    opinion: bool = False            # some side is an opinion or characterisation
    candidate_ids: tuple[str, ...] = ()
    also: tuple[str, ...] = ()       # explanations of the pairs merged into this conflict
