"""Markdown rendering of a report's data: what an editor reads first, then the evidence.

Every piece of text that comes from a document, a file name or a model passes through `_text`
(or `_code`, `_cell`) on its way in: HTML is escaped and link syntax defused, so a Markdown
renderer shows an article's `<script>` as text instead of running it, and line breaks become
spaces, so no text can start a heading or a block of its own. Plain text reads as before.
"""
from __future__ import annotations

import re
from typing import Any

from .report import Report, distinct_spans, failure_summary
from .report_labels import (
    DocLabel,
    compared_claims,
    document_labels,
    meta_hint,
    report_title,
    side_label,
    split_unresolved_times,
)

# "&" only where it would start an entity: "AT&T" stays as written, "&lt;" shows as written.
_ENTITY_START = re.compile(r"&(?=#?\w+;)")
_BACKTICKS = re.compile(r"`+")


def _text(value: Any) -> str:
    """Text as inline Markdown that renders as exactly that text (whitespace runs as one space)."""
    text = " ".join(str(value).split())
    text = _ENTITY_START.sub("&amp;", text).replace("<", "&lt;")
    # "[x](javascript:…)" would be a link; a backtick would open a code span showing "&lt;".
    return text.replace("](", "]\\(").replace("`", "\\`")


def _code(value: Any) -> str:
    """A code span holding `value`: its fence is longer than any run of backticks inside, so
    the value cannot close it early (a renderer escapes what a code span holds)."""
    text = " ".join(str(value).split())
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    return f"{fence} {text} {fence}" if fence != "`" else f"`{text}`"


def _cell(text: str) -> str:
    """Already-escaped text inside a table cell, where a "|" would start the next cell."""
    return text.replace("|", "\\|")


def _doc_label(doc: dict[str, Any], label: DocLabel) -> str:
    return _text(f'{label.cite}, {doc.get("published") or "date unknown"}')


def render_markdown(report: Report) -> str:
    """report.md: the findings first, each side with its grounded quotes, then the rest."""
    data = report.data
    docs = {d["id"]: d for d in data["documents"]}
    claims = {c["id"]: c for c in data["claims"]}
    labels = document_labels(data["documents"], report.texts)
    lines = [f"# {_text(report_title(data))}", ""]
    incomplete = failure_summary(data["run"]["failures"])
    if incomplete:  # first, so that a partial result never reads as a clean one
        lines += [f"> **This report is incomplete.** {_text(incomplete)}", ""]
    lines += [f"{len(docs)} documents, {len(claims)} grounded claims, "
              f"{len(data['contradictions'])} contradictions, "
              f"{len(data['corroborations'])} corroborated facts.", ""]
    for kind, heading in (("dispute", "Disputes"), ("reporting", "Reporting inconsistencies")):
        # report.json is ranked already (findings.finding_order); keep its order
        found = [c for c in data["contradictions"] if c["kind"] == kind]
        lines += [f"## {heading}", ""]
        if not found:
            lines += ["None found in the work that completed (see the top)." if incomplete
                      else "None found.", ""]
        for item in found:
            lines += _finding(item, claims, docs, labels)
    lines += _agreements_documents_aliases(data, labels)
    lines += _run(data, labels)
    return "\n".join(lines).rstrip() + "\n"


def _finding(item: dict[str, Any], claims: dict[str, Any], docs: dict[str, Any],
             labels: dict[str, DocLabel]) -> list[str]:
    review = item.get("review")
    state = ("not reviewed" if review is None else
             _text(f"{review['verdict']} by {review['by']} on {review['at']}"
                   + (f": {review['note']}" if review["note"] else "")))
    marks = ["opinion against fact"] if item.get("opinion") else []
    lines = [f"### [{_text(item['severity'])}] {_text(item['type'])}: "
             f"{_text(item['explanation'])}", "",
             f"Finding {_code(item['id'])}{''.join(f' · {m}' for m in marks)} · review: {state}", ""]
    lines += [f"- also found: {_text(also)}" for also in item.get("also", [])]
    if item.get("also"):
        lines.append("")
    for n, side in enumerate(item["sides"]):
        lines.append(f"- **{side_label(n)}: {_text(side['position'])}**")
        for cid in distinct_spans(side["claim_ids"], claims):
            claim = claims[cid]
            who = _text(" → ".join(claim["attributed_to"]) or "unattributed")
            cited = _doc_label(docs[claim["doc_id"]], labels[claim["doc_id"]])
            lines.append(f"  - “{_text(claim['text'])}” — {cited}"
                         f" ({_code(claim['doc_id'])} {claim['start']}–{claim['end']},"
                         f" {who}, {_text(claim['stance'])})")
    return lines + [""]


def _agreements_documents_aliases(data: dict[str, Any], labels: dict[str, DocLabel]) -> list[str]:
    lines: list[str] = []
    if data["corroborations"]:
        lines += ["## What the sources agree on", ""]
        lines += [f"- {_text(item['statement'])} ({_support(item)})" for item in data["corroborations"]]
        lines.append("")
    lines += ["## Documents", ""]
    hint = meta_hint(data["documents"], labels)
    if hint:  # once, not per document
        lines += [f"{_text(hint.lead)} {_code(hint.command)} {_text(hint.tail)}", ""]
    for doc in data["documents"]:
        label = labels[doc["id"]]
        outlet = label.name if label.named else "outlet unknown"
        lines += [f"### {_text(label.heading)}", "",
                  f"{_code(doc['id'])} — {_text(outlet)}, {_text(doc.get('published') or 'date unknown')}"
                  + (f", read as {_text(doc['encoding'])}" if doc.get("encoding") else ""),
                  "", _text(doc.get("summary") or "(no summary)"), ""]
    if data["entities"]:
        lines += ["## Aliases", "", "| entity | also written as |", "|---|---|"]
        lines += [f"| {_cell(_text(entity['name']))} | {_cell(_text(', '.join(entity['aliases'])))} |"
                  for entity in data["entities"] if entity["aliases"]]
        lines.append("")
    return lines


def _run(data: dict[str, Any], labels: dict[str, DocLabel]) -> list[str]:
    run = data["run"]
    lines = ["## Run", "", f"- model requested: {_text(run['model'])}; answered by: "
             f"{_text(', '.join(run['answered_by']) or 'none')}",
             f"- model requests: {run['usage']['requests']} ({run['usage']['prompt_tokens']} prompt"
             f" + {run['usage']['completion_tokens']} completion tokens)",
             f"- candidate pairs verified: {run['candidates']['verified']} of "
             f"{run['candidates']['proposed']} proposed ("
             + (", ".join(f"{n} {v}" for v, n in run["candidates"]["by_view"].items()) or "none")
             + ")",
             f"- conflicts set aside as compatible: {len(run['suppressed_as_compatible'])}",
             f"- story-level quotes not found in their source: {len(run['ungrounded_dropped'])}"]
    touching, rest = split_unresolved_times(data)
    if touching or rest:
        lines.append(f"- time expressions that could not be placed on a calendar: "
                     f"{len(touching) + len(rest)} ({len(touching)} in claims a finding compares"
                     + (", listed below)" if touching else ")"))
    lines += [f"- incomplete: {_text(f['stage'])} {_text(f['item'])}: {_text(f['message'])}"
              for f in run["failures"]]
    review = run.get("review")
    if review:
        lines.append(f"- review file {_text(review['file'])}: {review['entries']} entries, "
                     f"{review['dismissed_hidden']} dismissed findings hidden")
        lines += [f"- stale review entry {_code(entry['id'])} ({_text(entry['verdict'])} by "
                  f"{_text(entry['by'])}): its evidence is no longer in the documents"
                  for entry in review["stale"]]
    lines += [f"- input skipped: {_text(problem['message'])}" for problem in run["load_problems"]]
    return lines + _unresolved_times(data, labels, touching, rest)


def _unresolved_times(data: dict[str, Any], labels: dict[str, DocLabel], touching: list[dict[str, Any]],
                      rest: list[dict[str, Any]]) -> list[str]:
    """Only the times a finding compares are listed: the others cannot change a finding."""
    if not touching and not rest:
        return []
    lines = ["", "### Times not resolved", ""]
    if touching:
        findings = compared_claims(data)
        lines += ["| document | expression | why | finding |", "|---|---|---|---|"]
        lines += [f"| {_cell(_text(labels[t['doc_id']].key if t['doc_id'] in labels else t['doc_id']))} | "
                  f"{_cell(_text(t['text']))} | {_cell(_text(t['reason']))} | "
                  f"{_cell(', '.join(_code(f) for f in dict.fromkeys(findings[t['claim_id']])))} |"
                  for t in touching]
        lines.append("")
    if rest:
        lines.append(f"{len(rest)} more in claims no finding compares (report.json lists them all).")
    return lines


def _support(item: dict[str, Any]) -> str:
    """"2 independent sources: Ian Bremmer, Elon Musk; in 4 documents"."""
    docs = len(item["doc_ids"])
    origins = item.get("origins") or []
    sources = item.get("independent_sources", docs)
    named = f": {_text(', '.join(origins))}" if origins and len(origins) <= 4 else ""
    return (f"{sources} independent source{'s' if sources != 1 else ''}{named}; "
            f"{'relayed by' if sources < docs else 'in'} {docs} documents")
