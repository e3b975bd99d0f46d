"""Report: everything a run found, as one value with JSON and Markdown renderings.

`Report.data` follows schemas/report.schema.json (versioned) and holds no wall-clock data,
so the same answers always give byte-identical reports. Offsets are code-point offsets
into each document's text as decoded from UTF-8: `text[start:end]` is the evidence.
"""
from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from jsonschema import Draft202012Validator

from .atomic import atomic_write
from .errors import EXIT_INCOMPLETE, EXIT_OK
from .pricing import cost_usd
from .prompts import load_prompt, load_schema
from .types import Corroboration, DocumentInfo, Finding

if TYPE_CHECKING:
    from .load import Document
    from .model import RunUsage
    from .types import Candidate, Claim, DroppedClaim

REPORT_SCHEMA_VERSION = "2.0"
PROMPTS = ("extract_claims", "survey_story", "confirm_entities", "verify_candidates")


@dataclass(frozen=True)
class Failure:
    """A work item the run could not finish (its results are missing from the report)."""

    stage: str
    item: str
    error: str
    message: str
    request_key: str | None = None


class Renderings(ABC):
    """What a report and a draft check share: JSON text, schema validation and writing
    NAME.json, NAME.md and NAME.html atomically. Subclasses give NAME (also their schema's
    name), `data`, `to_markdown` and `to_html`."""

    NAME: ClassVar[str]
    data: dict[str, Any]

    def to_json(self) -> str:
        """NAME.json's text."""
        return json.dumps(self.data, ensure_ascii=False, indent=2) + "\n"

    @abstractmethod
    def to_markdown(self) -> str: ...

    @abstractmethod
    def to_html(self) -> str: ...

    def validate(self) -> list[str]:
        """Schema violations of `data` (empty when it satisfies schemas/NAME.schema.json)."""
        validator = Draft202012Validator(load_schema(self.NAME))
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in validator.iter_errors(self.data)]

    def write(self, out_dir: str | Path, formats: Sequence[str] = ("json", "md", "html")) -> list[Path]:
        """Write the chosen renderings into `out_dir`, each atomically; return their paths."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        renderers = {"json": ("json", self.to_json), "md": ("md", self.to_markdown),
                     "html": ("html", self.to_html)}
        written = []
        for fmt in formats:
            suffix, render = renderers[fmt]
            path = out / f"{self.NAME}.{suffix}"
            atomic_write(path, render())
            written.append(path)
        return written


@dataclass(frozen=True)
class Report(Renderings):
    """A run's result. `data` is its JSON form (schemas/report.schema.json); the typed views
    (`contradictions`, `corroborations`, `documents`) read from it. `texts` (document id ->
    text) lets the HTML page show each source in full; a report read back without them still
    renders, with each quote but no full text."""

    NAME: ClassVar[str] = "report"
    data: dict[str, Any]
    texts: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, path: str | Path, texts: Mapping[str, str] | None = None) -> Report:
        """A report saved as report.json, to render again or to compare runs."""
        return cls(json.loads(Path(path).read_text(encoding="utf-8")), dict(texts or {}))

    @property
    def contradictions(self) -> tuple[Finding, ...]:
        """The findings, ranked: disputes first, then reporting inconsistencies, by severity."""
        return tuple(Finding.from_dict(f) for f in self.data["contradictions"])

    @property
    def corroborations(self) -> tuple[Corroboration, ...]:
        return tuple(Corroboration.from_dict(c) for c in self.data["corroborations"])

    @property
    def documents(self) -> tuple[DocumentInfo, ...]:
        return tuple(DocumentInfo.from_dict(d) for d in self.data["documents"])

    @property
    def complete(self) -> bool:
        """Whether every work item finished (nothing is missing from the findings)."""
        return not self.data["run"]["failures"]

    @property
    def exit_code(self) -> int:
        """0 for a complete run, 3 when failures left results missing."""
        return EXIT_OK if self.complete else EXIT_INCOMPLETE

    def to_markdown(self) -> str:
        """report.md's text."""
        from .render_markdown import render_markdown
        return render_markdown(self)

    def to_html(self) -> str:
        """report.html's text: one self-contained page."""
        from .render_html import render_html
        return render_html(self)


def distinct_spans(claim_ids: list[str], claims: Mapping[str, Any]) -> list[str]:
    """Claims of a side with the same evidence (two claims of one sentence) are shown once."""
    seen: set[tuple[str, int, int]] = set()
    out: list[str] = []
    for claim_id in claim_ids:
        claim = claims.get(claim_id)
        span = (claim["doc_id"], claim["start"], claim["end"]) if claim else ("", -1, len(out))
        if span not in seen:
            seen.add(span)
            out.append(claim_id)
    return out


def failure_reason(failure: Mapping[str, Any]) -> str:
    """Why a work item failed, in a few words: "HTTP 429", "APITimeoutError", "no valid answer"."""
    message = failure["message"]
    found = re.search(r"model server failed \(([^)]+)\)", message)
    if found:
        return str(found.group(1))
    if failure["error"] == "ExtractionFailed":
        return "no valid answer after re-asks"
    return str(message).split(": ", 1)[-1].split(" (", 1)[0][:60]


def failure_summary(failures: Sequence[Mapping[str, Any]]) -> str:
    """One sentence for the top of a report and for stderr: how many items failed, in which
    stages and why, and what to do. Empty for a complete run."""
    if not failures:
        return ""
    stages = Counter(f["stage"] for f in failures)
    reasons = Counter(failure_reason(f) for f in failures)
    count = len(failures)
    # sorted, so that the sentence does not depend on which item happened to fail first
    return (f"{count} work item{'s' if count != 1 else ''} failed ("
            + ", ".join(f"{stage} {n}" for stage, n in sorted(stages.items())) + "): "
            + ", ".join(f"{reason} ×{n}" for reason, n in sorted(reasons.items(),
                                                                  key=lambda kv: (-kv[1], kv[0])))
            + ". Whatever they would have found is missing from this report; run the same command "
            "again to ask only for what is missing.")


def entity_to_dict(entity: Any) -> dict[str, Any]:
    return {"id": entity.id, "name": entity.name, "kind": entity.kind,
            "aliases": list(entity.aliases),
            "mentions": [{"doc_id": m.doc_id, "start": m.start, "end": m.end, "text": m.text}
                         for m in entity.mentions],
            "merges": [{"alias": r.alias, "rule": r.rule, "evidence": r.evidence}
                       for r in entity.merges]}


def claim_to_dict(claim: Claim, text: str) -> dict[str, Any]:
    return {"id": claim.id, "doc_id": claim.doc_id, "statement": claim.statement,
            "start": claim.start, "end": claim.end, "text": text[claim.start:claim.end],
            "alignment": claim.alignment, "origin": claim.origin,
            "attributed_to": list(claim.attributed_to), "stance": claim.stance,
            "entities": [{"name": n, "kind": k} for n, k in claim.entities],
            "times": list(claim.times), "quantities": list(claim.quantities)}


def candidate_counts(candidates: Sequence[Candidate], verified: Sequence[Candidate]
                     ) -> dict[str, Any]:
    """How many pairs the views proposed, each view's share (a pair may have several), and how
    many were verified (the strongest, within the budget)."""
    views: dict[str, int] = {}
    for candidate in candidates:
        for view in candidate.views:
            views[view] = views.get(view, 0) + 1
    return {"proposed": len(candidates), "verified": len(verified),
            "by_view": dict(sorted(views.items()))}


def build_report(*, documents: list[Document], claims: list[Claim], summaries: dict[str, str],
                 dropped: list[DroppedClaim], failures: list[Failure], usage: RunUsage,
                 model: str,
                 load_problems: Sequence[Any] = (), entities: Sequence[dict[str, Any]] = (),
                 contradictions: Sequence[dict[str, Any]] = (),
                 corroborations: Sequence[dict[str, Any]] = (),
                 suppressed: Sequence[dict[str, Any]] = (),
                 candidates: Sequence[Candidate] = (), verified: Sequence[Candidate] = (),
                 unresolved_times: Sequence[dict[str, Any]] = ()) -> Report:
    order = {d.id: i for i, d in enumerate(documents)}
    texts = {d.id: d.text for d in documents}
    """The report of a run, from what each stage produced and what its answers cost."""
    data = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "documents": [{"id": d.id, "title": d.title, "source": d.source, "url": d.url,
                       "published": d.published.isoformat() if d.published else None,
                       "summary": summaries.get(d.id), "encoding": d.origins.get("encoding")}
                      for d in documents],
        "claims": [claim_to_dict(c, texts[c.doc_id])
                   for c in sorted(claims, key=lambda c: (order[c.doc_id], c.start, c.end, c.id))],
        "entities": list(entities),
        "contradictions": list(contradictions),
        "corroborations": list(corroborations),
        "run": {
            "model": model,
            "answered_by": list(usage.answered_by),
            "prompt_versions": {name: load_prompt(name).version for name in PROMPTS},
            "usage": {"requests": usage.requests, "prompt_tokens": usage.prompt_tokens,
                      "completion_tokens": usage.completion_tokens},
            "cost_usd": cost_usd(model, usage.prompt_tokens, usage.completion_tokens),
            "cassette_keys": list(usage.cassette_keys),
            "candidates": candidate_counts(candidates, verified),
            "suppressed_as_compatible": list(suppressed),
            "unresolved_times": list(unresolved_times),
            "ungrounded_dropped": [{"doc_id": d.doc_id, "statement": d.statement, "quote": d.quote,
                                    "reason": d.reason} for d in dropped],
            "failures": [{"stage": f.stage, "item": f.item, "error": f.error, "message": f.message,
                          "request_key": f.request_key} for f in failures],
            "load_problems": [{"path": p.path, "reason": p.reason, "message": p.message}
                              for p in load_problems],
        },
    }
    return Report(data, texts)
