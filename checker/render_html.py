"""HTML rendering of a report: one self-contained page for editors and fact-checkers.

`render_html(report)` takes a Report (its data and each document's text by document id) and
renders checker/templates/report.html with Jinja2's autoescaping: this module only arranges the
data, the template writes the markup, and every string from the data is escaped there. The page
has inline CSS and JS only (no network, no external assets) and reads fully without JavaScript;
the script only adds the finding filters.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

from .html_assets import CSS, JS
from .html_highlight import Span, highlight_pieces
from .report import Report, distinct_spans, failure_summary
from .report_labels import (
    compared_claims,
    document_labels,
    meta_hint,
    report_title,
    side_label,
    split_unresolved_times,
    stance_phrase,
)
from .types import SEVERITIES

KINDS = (("dispute", "Disputes", "The sources disagree about what happened."),
         ("reporting", "Reporting inconsistencies",
          "The articles report the same thing differently: quotes, wording, figures."))
BRIEF_TOP_FINDINGS = 5
NAV = (("findings", "Findings"), ("matrix", "Who says what"), ("sources", "Sources"),
       ("texts", "Full texts"), ("aliases", "Aliases"), ("run", "Run"))


@cache
def _template() -> Template:
    environment = Environment(loader=PackageLoader("checker", "templates"), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)
    return environment.get_template("report.html")


def anchor(prefix: str, ident: str) -> str:
    """An HTML id for a data id (ids from the data may hold any character)."""
    return prefix + re.sub(r"[^A-Za-z0-9_-]", "_", ident)


class _Page:
    """Lookups shared by the sections: documents, claims, findings in page order and their numbers."""

    def __init__(self, data: dict[str, Any], texts: Mapping[str, str]) -> None:
        self.data, self.texts = data, texts
        self.docs = {d["id"]: d for d in data["documents"]}
        self.labels = document_labels(data["documents"], texts)
        self.doc_key = {d["id"]: f"d{i}" for i, d in enumerate(data["documents"])}
        self.claims = {c["id"]: c for c in data["claims"]}
        kinds = [k for k, _, _ in KINDS]
        # Stable sort: within a kind and severity, the report's own ranking stands.
        self.findings = sorted(data["contradictions"], key=lambda c: (
            kinds.index(c["kind"]), SEVERITIES.index(c["severity"])))
        self.number = {f["id"]: n for n, f in enumerate(self.findings, start=1)}
        self.findings_of = compared_claims({"contradictions": self.findings})
        self.agreed = {cid for c in data["corroborations"] for cid in c["claim_ids"]}

    def placed(self, claim_id: str) -> bool:
        """Whether the claim's evidence is highlighted in its document (so a link can reach it)."""
        claim = self.claims.get(claim_id)
        if claim is None:
            return False
        text = self.texts.get(claim["doc_id"])
        return text is not None and 0 <= claim["start"] < claim["end"] <= len(text)

    def jump(self, claim_id: str) -> str | None:
        return anchor("ev-", claim_id) if self.placed(claim_id) else None

    def name(self, doc_id: str) -> str:
        return self.labels[doc_id].name if doc_id in self.labels else doc_id

    def date(self, doc_id: str) -> str:
        return str(self.docs.get(doc_id, {}).get("published") or "date unknown")

    def finding_link(self, finding_id: str) -> dict[str, Any]:
        return {"anchor": anchor("finding-", finding_id), "number": self.number[finding_id]}


def render_html(report: Report) -> str:
    """The whole report as one HTML page; the report's texts (document id -> text the offsets
    index) give the highlighted full texts."""
    data = report.data
    page = _Page(data, report.texts)
    return _template().render(
        title=report_title(data), css=Markup(CSS), js=Markup(JS), nav=NAV,
        incomplete=failure_summary(data["run"].get("failures") or []),
        brief=_brief(page), finding_count=len(page.findings), filters=_filters(page),
        kinds=_findings(page), matrix=_matrix(page),
        sources=_sources(page), hint=meta_hint(data["documents"], page.labels),
        documents=_texts(page), aliases=[e for e in data["entities"] if e["aliases"]],
        run=_run(page))


def _brief(page: _Page) -> dict[str, Any]:
    data, findings = page.data, page.findings
    per_kind = {k: sum(f["kind"] == k for f in findings) for k, _, _ in KINDS}
    counts = [(n, one if n == 1 else many) for n, one, many in (
        (len(data["documents"]), "document", "documents"),
        (len(data["claims"]), "grounded claim", "grounded claims"),
        (per_kind["dispute"], "dispute", "disputes"),
        (per_kind["reporting"], "reporting inconsistency", "reporting inconsistencies"),
        (len(data["corroborations"]), "agreed fact", "agreed facts"))]
    brief: dict[str, Any] = {"counts": counts, "failed": bool(data["run"].get("failures")),
                             "findings": bool(findings)}
    if findings:
        top = min((f["severity"] for f in findings), key=SEVERITIES.index)
        worst = [f for f in findings if f["severity"] == top]
        brief |= {"by_severity": ", ".join(f"{sum(f['severity'] == s for f in findings)} {s}"
                                           for s in SEVERITIES),
                  "top": top, "more": max(0, len(worst) - BRIEF_TOP_FINDINGS),
                  "worst": [page.finding_link(f["id"]) | {"explanation": f["explanation"]}
                            for f in worst[:BRIEF_TOP_FINDINGS]]}
    return brief


def _filters(page: _Page) -> dict[str, Any]:
    return {"severities": list(SEVERITIES), "types": sorted({f["type"] for f in page.findings}),
            "documents": [{"value": page.doc_key[d["id"]], "label": f"{page.name(d['id'])} "
                           f"({page.date(d['id'])})"} for d in page.data["documents"]]}


def _findings(page: _Page) -> list[dict[str, Any]]:
    kinds = []
    for kind, heading, about in KINDS:
        found = [f for f in page.findings if f["kind"] == kind]
        groups = [{"severity": s, "findings": [_finding(page, f) for f in found if f["severity"] == s]}
                  for s in SEVERITIES]
        kinds.append({"kind": kind, "heading": heading, "about": about,
                      "groups": [g for g in groups if g["findings"]]})
    return kinds


def _finding(page: _Page, item: dict[str, Any]) -> dict[str, Any]:
    docs = sorted({page.doc_key[d] for s in item["sides"] for d in s["doc_ids"] if d in page.doc_key})
    sides = [{"label": side_label(i), "position": side["position"],
              "evidence": [_evidence(page, cid) for cid in distinct_spans(side["claim_ids"], page.claims)]}
             for i, side in enumerate(item["sides"])]
    return page.finding_link(item["id"]) | {
        "id": item["id"], "kind": item["kind"], "type": item["type"], "severity": item["severity"],
        # Every finding changes the meaning (the rest are set aside), so no badge says so; an
        # opinion set against a fact is worth a mark.
        "opinion": bool(item.get("opinion")), "review": item.get("review"), "docs": " ".join(docs),
        "explanation": item["explanation"], "also": item.get("also") or [], "sides": sides}


def _evidence(page: _Page, claim_id: str) -> dict[str, Any]:
    claim = page.claims.get(claim_id)
    if claim is None:
        return {"missing": True, "claim_id": claim_id}
    doc_id = claim["doc_id"]
    label = page.labels.get(doc_id)
    return {"missing": False, "text": claim["text"], "cite": label.cite if label else doc_id,
            "date": page.date(doc_id), "chain": " → ".join(claim["attributed_to"]) or "unattributed",
            "stance": claim["stance"], "jump": page.jump(claim_id)}


def _matrix(page: _Page) -> dict[str, Any]:
    documents = page.data["documents"]
    columns = [{"anchor": anchor("doc-", d["id"]), "name": page.name(d["id"]),
                "key": page.labels[d["id"]].key, "named": page.labels[d["id"]].named,
                "title": page.labels[d["id"]].title or d["id"], "date": page.date(d["id"])}
               for d in documents]
    rows: list[dict[str, Any]] = []
    for item in page.findings:
        rows.append({"group": page.finding_link(item["id"]) | {
            "label": f'{item["kind"]} · {item["type"]} · {item["severity"]}'}})
        rows += [_matrix_row(page, f'{side_label(i)}: {side["position"]}', side["claim_ids"])
                 for i, side in enumerate(item["sides"])]
    if page.data["corroborations"]:
        rows.append({"group": {"label": "Agreed facts", "anchor": None, "number": None}})
        rows += [_matrix_row(page, c["statement"], c["claim_ids"], c.get("independent_sources"))
                 for c in page.data["corroborations"]]
    return {"columns": columns, "rows": rows}


def _matrix_row(page: _Page, label: str, claim_ids: list[str], independent: int | None = None
                ) -> dict[str, Any]:
    cells = []
    for doc in page.data["documents"]:
        mine = [page.claims[c] for c in claim_ids if c in page.claims
                and page.claims[c]["doc_id"] == doc["id"]]
        phrases = list(dict.fromkeys(stance_phrase(c) for c in mine))
        if not phrases:
            cells.append({"word": "silent", "css": "silent", "jump": None})
            continue
        css = phrases[0].replace(" ", "-") if len(phrases) == 1 else "mixed"
        cells.append({"word": " / ".join(phrases), "css": css, "jump": page.jump(mine[0]["id"])})
    return {"group": None, "label": label, "independent": independent, "cells": cells}


def _sources(page: _Page) -> list[dict[str, Any]]:
    return [{"anchor": anchor("doc-", d["id"]), "id": d["id"], "key": page.labels[d["id"]].key,
             "name": page.name(d["id"]), "named": page.labels[d["id"]].named, "date": page.date(d["id"]),
             "title": d.get("title"), "opening": None if d.get("title") else page.labels[d["id"]].title,
             "summary": d.get("summary"), "encoding": d.get("encoding")} for d in page.data["documents"]]


def _texts(page: _Page) -> list[dict[str, Any]]:
    out = []
    for doc in page.data["documents"]:
        doc_id = doc["id"]
        text = page.texts.get(doc_id)
        spans = [_span_of(page, c) for c in page.data["claims"] if c["doc_id"] == doc_id]
        citing = [page.finding_link(f["id"]) | {"severity": f["severity"], "type": f["type"]}
                  for f in page.findings if any(doc_id in s["doc_ids"] for s in f["sides"])]
        out.append({"anchor": anchor("doc-", doc_id), "id": doc_id, "heading": page.labels[doc_id].heading,
                    "name": page.name(doc_id), "named": page.labels[doc_id].named,
                    "date": page.date(doc_id), "url": doc.get("url"),
                    "pieces": None if text is None else highlight_pieces(text, spans),
                    "claims": len(spans), "citing": citing})
    return out


def _span_of(page: _Page, claim: dict[str, Any]) -> Span:
    in_findings = page.findings_of.get(claim["id"], [])
    css = "in-finding" if in_findings else "agreed" if claim["id"] in page.agreed else ""
    chain = " → ".join(claim["attributed_to"]) or "unattributed"
    return Span(claim["start"], claim["end"], claim["id"], css,
                f'{claim["statement"]} ({claim["stance"]}; {chain})', anchor("ev-", claim["id"]),
                tuple((anchor("finding-", f), page.number[f]) for f in dict.fromkeys(in_findings)))


def _run(page: _Page) -> dict[str, Any]:
    run = page.data["run"]
    usage = run.get("usage", {})
    facts: list[tuple[str, Any]] = [
        ("Model requested", run.get("model")),
        ("Answered by", ", ".join(run.get("answered_by", [])) or "none"),
        ("Model requests", f'{usage.get("requests", 0)} ({usage.get("prompt_tokens", 0):,} prompt + '
                           f'{usage.get("completion_tokens", 0):,} completion tokens)')]
    if run.get("cost_usd") is not None:
        facts.append(("Estimated cost", f'${run["cost_usd"]:.4f}'))
    if "candidates" in run:
        counts = run["candidates"]
        views = ", ".join(f"{n} {v}" for v, n in counts["by_view"].items())
        facts.append(("Candidate pairs verified",
                      f'{counts["verified"]} of {counts["proposed"]} proposed ({views or "none"})'))
    lists = [("Failures (their results are missing)",
              [f'{f["stage"]} {f["item"]}: {f["message"]}' for f in run.get("failures", [])]),
             ("Story-level quotes not found in their source",
              [f'{d["doc_id"]}: “{d["quote"]}” ({d["reason"]})' for d in run.get("ungrounded_dropped", [])]),
             ("Apparent conflicts set aside as compatible",
              [f'{s["id"]} ({s["type"]}): {s["reason"]}' for s in run.get("suppressed_as_compatible", [])]),
             ("Inputs skipped", [p["message"] for p in run.get("load_problems", [])])]
    facts += [(title, len(entries)) for title, entries in lists]
    touching, rest = split_unresolved_times(page.data)
    if "unresolved_times" in run:
        facts.append(("Time expressions left unresolved",
                      f"{len(touching) + len(rest)} ({len(touching)} in claims a finding compares)"))
    return {"facts": facts, "lists": [(t, e) for t, e in lists if e],
            "touching": [_time(page, t) for t in touching], "rest": [_time(page, t) for t in rest]}


def _time(page: _Page, time: dict[str, Any]) -> dict[str, Any]:
    label = page.labels.get(time["doc_id"])
    return {"doc": label.key if label else time["doc_id"],
            "doc_anchor": anchor("doc-", time["doc_id"]) if label else None,
            "text": time["text"], "reason": time["reason"], "jump": page.jump(time.get("claim_id", "")),
            "findings": [page.finding_link(f) for f in dict.fromkeys(
                page.findings_of.get(time.get("claim_id", ""), []))]}
