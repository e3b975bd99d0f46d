"""Draft report: every draft claim's verdict and its evidence, as verify.json, verify.md and
verify.html.

`DraftReport.data` follows schemas/verify.schema.json (versioned) and holds no wall-clock data.
Every piece of evidence is a span of the draft or of a source, `text[start:end]`, checked here
when the report is built (`ungrounded` lists any span whose text is not there).
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from .errors import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK
from .report import Renderings

VERIFY_SCHEMA_VERSION = "1.0"
VERDICT_ORDER = ("contradicted", "misquoted", "not_in_sources", "supported")  # worst first
VERDICT_LABELS = {"contradicted": "contradicted", "misquoted": "misquoted",
                  "not_in_sources": "not in the sources", "supported": "supported"}
# --fail-on LEVEL trips on any claim whose verdict is in FAIL_ON[LEVEL].
FAIL_ON = {"contradicted": ("contradicted",), "misquoted": ("contradicted", "misquoted"),
           "unsupported": ("contradicted", "misquoted", "not_in_sources")}


def span(texts: Mapping[str, str], doc_id: str, start: int, end: int) -> dict[str, Any]:
    """A span as the report holds it: where it is and its text, taken from the text itself."""
    return {"doc_id": doc_id, "start": start, "end": end, "text": texts[doc_id][start:end]}


def ungrounded(data: Mapping[str, Any], texts: Mapping[str, str]) -> list[str]:
    """Every span of the report whose text is not `text[start:end]` of its document (or whose
    document is unknown): empty for a grounded report."""
    problems = []

    def check(where: str, item: Mapping[str, Any]) -> None:
        text = texts.get(item["doc_id"])
        if text is None or not 0 <= item["start"] < item["end"] <= len(text) \
                or text[item["start"]:item["end"]] != item["text"]:
            problems.append(f"{where}: {item['doc_id']} {item['start']}-{item['end']} "
                            f"is not {item['text'][:40]!r}")

    draft_id = data["draft"]["id"]
    for n, sentence in enumerate(data["sentences"]):
        check(f"draft sentence {n}", {"doc_id": draft_id, **sentence})
    for claim in data["claims"]:
        check(f"claim {claim['id']}", claim)
        if claim.get("quote"):
            check(f"claim {claim['id']} quote", claim["quote"])
        for n, evidence in enumerate(claim["evidence"]):
            check(f"claim {claim['id']} evidence {n}", evidence)
            if evidence.get("quote"):
                check(f"claim {claim['id']} evidence {n} quote", evidence["quote"])
    return problems


def counts(claims: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    return {v: sum(1 for c in claims if c["verdict"] == v) for v in VERDICT_ORDER}


@dataclass(frozen=True)
class DraftReport(Renderings):
    """A draft check's result. `data` is its JSON form (schemas/verify.schema.json); `texts`
    (document id -> text, the draft's included) let the page show the draft and sources in full."""

    NAME: ClassVar[str] = "verify"
    data: dict[str, Any]
    texts: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, path: str | Path, texts: Mapping[str, str] | None = None) -> DraftReport:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")), dict(texts or {}))

    @property
    def complete(self) -> bool:
        """Whether every draft claim has a verdict (no work item failed)."""
        return not self.data["run"]["failures"]

    @property
    def exit_code(self) -> int:
        """0 for a complete run, 3 when failures left draft claims without a verdict."""
        return EXIT_OK if self.complete else EXIT_INCOMPLETE

    def tripping(self, fail_on: str) -> list[dict[str, Any]]:
        """The draft claims that trip `--fail-on fail_on` (contradicted, misquoted, unsupported)."""
        return [c for c in self.data["claims"] if c["verdict"] in FAIL_ON[fail_on]]

    def gate(self, fail_on: str | None) -> int:
        """The command's exit code: 3 when incomplete, 1 when a claim trips the gate, else 0."""
        if not self.complete:
            return EXIT_INCOMPLETE
        return EXIT_FINDINGS if fail_on and self.tripping(fail_on) else EXIT_OK

    def to_markdown(self) -> str:
        from .draft_markdown import render_markdown
        return render_markdown(self)

    def to_html(self) -> str:
        from .draft_html import render_html
        return render_html(self)
