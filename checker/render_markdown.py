"""Markdown rendering of a report's data: what an editor reads first, then the evidence."""
from __future__ import annotations

from typing import Any

from .report import failure_summary


def _doc_label(doc: dict[str, Any]) -> str:
    parts = [doc.get("source") or doc["id"]]
    parts.append(doc.get("published") or "date unknown")
    return ", ".join(parts)


def render_markdown(data: dict[str, Any]) -> str:
    docs = {d["id"]: d for d in data["documents"]}
    claims = {c["id"]: c for c in data["claims"]}
    lines = ["# Contradiction report", ""]
    incomplete = failure_summary(data["run"]["failures"])
    if incomplete:  # first, so that a partial result never reads as a clean one
        lines += [f"> **This report is incomplete.** {incomplete}", ""]
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
            review = item.get("review")
            state = ("not reviewed" if review is None else
                     f"{review['verdict']} by {review['by']} on {review['at']}"
                     + (f": {review['note']}" if review["note"] else ""))
            lines += [f"### [{item['severity']}] {item['type']}: {item['explanation']}", "",
                      f"Finding `{item['id']}` · review: {state}", ""]
            for also in item.get("also", []):
                lines.append(f"- also found: {also}")
            if item.get("also"):
                lines.append("")
            for n, side in enumerate(item["sides"], start=1):
                lines.append(f"- **Side {n}: {side['position']}**")
                for cid in side["claim_ids"]:
                    claim = claims[cid]
                    lines.append(f"  - “{claim['text']}” — {_doc_label(docs[claim['doc_id']])}"
                                 f" (`{claim['doc_id']}` {claim['start']}–{claim['end']},"
                                 f" {' → '.join(claim['attributed_to']) or 'unattributed'}, {claim['stance']})")
            lines.append("")
    if data["corroborations"]:
        lines += ["## What the sources agree on", ""]
        for item in data["corroborations"]:
            lines.append(f"- {item['statement']} ({', '.join(item['doc_ids'])})")
        lines.append("")
    lines += ["## Documents", ""]
    for doc in data["documents"]:
        title = doc.get("title") or doc["id"]
        lines += [f"### {title}", "", f"`{doc['id']}` — {_doc_label(doc)}", "",
                  doc.get("summary") or "(no summary)", ""]
    if data["entities"]:
        lines += ["## Aliases", "", "| entity | also written as |", "|---|---|"]
        for entity in data["entities"]:
            if entity["aliases"]:
                lines.append(f"| {entity['name']} | {', '.join(entity['aliases'])} |")
        lines.append("")
    run = data["run"]
    lines += ["## Run", "", f"- model requested: {run['model']}; answered by: "
              f"{', '.join(run['answered_by']) or 'none'}",
              f"- model requests: {run['usage']['requests']} ({run['usage']['prompt_tokens']} prompt"
              f" + {run['usage']['completion_tokens']} completion tokens)",
              f"- claims dropped because their quote was not found in the source: "
              f"{len(run['ungrounded_dropped'])}"]
    if run.get("unresolved_times"):
        lines.append(f"- time expressions that could not be placed on a calendar: "
                     f"{len(run['unresolved_times'])} (see below)")
    for failure in run["failures"]:
        lines.append(f"- incomplete: {failure['stage']} {failure['item']}: {failure['message']}")
    review = run.get("review")
    if review:
        lines.append(f"- review file {review['file']}: {review['entries']} entries, "
                     f"{review['dismissed_hidden']} dismissed findings hidden")
        for entry in review["stale"]:
            lines.append(f"- stale review entry `{entry['id']}` ({entry['verdict']} by {entry['by']}):"
                         " its evidence is no longer in the documents")
    for problem in run["load_problems"]:
        lines.append(f"- input skipped: {problem['message']}")
    if run.get("unresolved_times"):
        lines += ["", "### Times not resolved", "", "| document | expression | why |", "|---|---|---|"]
        lines += [f"| `{t['doc_id']}` | {t['text']} | {t['reason']} |" for t in run["unresolved_times"]]
    return "\n".join(lines).rstrip() + "\n"
