"""verify.md: a draft check for an editor to read, worst verdicts first, each claim with the
draft's words and the sources' words it rests on, and a closing list of every verdict (pure)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .draft_report import VERDICT_LABELS, VERDICT_ORDER

if TYPE_CHECKING:
    from .draft_report import DraftReport

HEADINGS = {"contradicted": "Contradicted by the sources",
            "misquoted": "Misquoted",
            "not_in_sources": "Not in the sources",
            "supported": "Supported"}


def _line(text: str) -> str:
    return " ".join(text.split())


def source_labels(data: Mapping[str, Any]) -> dict[str, str]:
    """D1, D2, ... for the sources, in the order they were given."""
    return {d["id"]: f"D{n}" for n, d in enumerate(data["documents"], start=1)}


def attribution(item: Mapping[str, Any]) -> str:
    return " → ".join(item["attributed_to"]) + f", {item['stance']}"


def evidence_line(data: Mapping[str, Any], evidence: Mapping[str, Any]) -> str:
    labels = source_labels(data)
    published = {d["id"]: d["published"] for d in data["documents"]}
    date = f", {published[evidence['doc_id']]}" if published.get(evidence["doc_id"]) else ""
    shown = evidence["quote"] or evidence
    where = f"`{evidence['doc_id']}` {shown['start']}–{shown['end']}"
    return (f"“{_line(shown['text'])}” — {labels.get(evidence['doc_id'], evidence['doc_id'])}"
            f"{date} ({where}, {attribution(evidence)})")


def verdict_phrase(claim: Mapping[str, Any]) -> str:
    phrase = VERDICT_LABELS[claim["verdict"]]
    if claim["verdict"] == "contradicted":
        phrase += f" ({claim['kind']}, {claim['type']})"
    return phrase


def render_markdown(report: DraftReport) -> str:
    data = report.data
    draft = data["draft"]
    counts = data["counts"]
    labels = source_labels(data)
    total = len(data["claims"])
    lines = [f"# Draft check: {_line(draft['title'] or draft['id'])}", ""]
    tally = ", ".join(f"{counts[v]} {VERDICT_LABELS[v]}" for v in VERDICT_ORDER)
    lines += [f"{total} check-worthy claim{'s' if total != 1 else ''} in the draft "
              f"`{draft['id']}`: {tally}.", "",
              "Sources: " + "; ".join(
                  f"{labels[d['id']]} `{d['id']}`" + (f" ({_line(d['title'])})" if d["title"] else "")
                  for d in data["documents"]) + ".", ""]
    run = data["run"]
    if run["failures"]:
        lines += [f"**Incomplete:** {len(run['failures'])} work item(s) failed; "
                  f"{len(run['unchecked'])} draft claim(s) have no verdict. Run the same command "
                  "again to ask only for what is missing.", ""]
    for verdict in VERDICT_ORDER:
        claims = [c for c in data["claims"] if c["verdict"] == verdict]
        if not claims:
            continue
        lines += [f"## {HEADINGS[verdict]} ({len(claims)})", ""]
        for claim in claims:
            lines += [f"### {_line(claim['statement'])}", "",
                      f"Draft: “{_line(claim['text'])}” (`{claim['doc_id']}` "
                      f"{claim['start']}–{claim['end']}, {attribution(claim)})", "",
                      f"- verdict: **{verdict_phrase(claim)}**"
                      + ("" if claim["decided_by"] == "model" else
                         f" (decided by {claim['decided_by']}, no model call)")]
            if claim["quote"]:
                lines.append(f"- quoted in the draft: “{_line(claim['quote']['text'])}”")
            if claim["note"]:
                lines.append(f"- not a contradiction: {claim['note']}")
            for evidence in claim["evidence"]:
                role = "supported by" if evidence["role"] == "support" else (
                    "quoted differently in" if verdict == "misquoted" else "contradicted by")
                lines.append(f"- {role}: {evidence_line(data, evidence)}")
            lines.append("")
    lines += ["## Verdicts", "",
              "Every check-worthy claim of the draft, in draft order:", ""]
    for n, claim in enumerate(sorted(data["claims"], key=lambda c: (c["start"], c["id"])),
                              start=1):
        sources = sorted({labels.get(e["doc_id"], e["doc_id"]) for e in claim["evidence"]})
        lines.append(f"{n}. **{verdict_phrase(claim)}**: {_line(claim['statement'])}"
                     + (f" ({', '.join(sources)})" if sources else ""))
    if run["unchecked"]:
        lines += ["", f"No verdict (a failed work item): {', '.join(run['unchecked'])}."]
    return "\n".join(lines) + "\n"
