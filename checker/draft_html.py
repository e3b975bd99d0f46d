"""verify.html: the draft with each sentence marked by its verdict, the evidence beside it, and
jump links into the sources' full texts, where every piece of evidence is highlighted.

One self-contained page (inline CSS, no script, no external assets); checker/templates/verify.html
writes the markup with Jinja2's autoescaping, this module only arranges the data (pure).
"""
from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from .draft_markdown import attribution, source_labels, verdict_phrase
from .draft_report import VERDICT_LABELS, VERDICT_ORDER
from .html_assets import CSS
from .html_highlight import Span, highlight_pieces
from .render_html import anchor

if TYPE_CHECKING:
    from .draft_report import DraftReport

EXTRA_CSS = """
.v-supported{--v:#2e7d32;--vwash:rgba(90,180,110,.22)}.v-contradicted{--v:#b3261e;--vwash:rgba(240,110,70,.28)}
.v-misquoted{--v:#8e24aa;--vwash:rgba(170,90,200,.22)}.v-not_in_sources{--v:#b86e00;--vwash:rgba(250,200,80,.30)}
.v-none{--v:#9aa3ad;--vwash:transparent}
.draft-row{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px;padding:10px 0;
border-bottom:1px solid var(--line)}
@media (max-width:800px){.draft-row{grid-template-columns:minmax(0,1fr)}}
.draft-row:target{box-shadow:0 0 0 3px #7aa7ff}
.sentence{border-left:6px solid var(--v);background:var(--vwash);padding:4px 10px;margin:0;
font-family:Georgia,serif}
.verdict{display:inline-block;font-size:12px;font-weight:700;text-transform:uppercase;color:#fff;
background:var(--v);border-radius:10px;padding:1px 8px;margin-right:6px}
.claim{margin:0 0 10px}.claim p{margin:2px 0}
.claim ul{margin:4px 0;padding-left:18px}
mark.evidence{background:var(--claim);border-bottom:2px solid #b86e00}
mark.evidence:target{outline:3px solid #7aa7ff}
.fulltext{white-space:pre-wrap;font-family:Georgia,serif;line-height:1.6}
"""


@cache
def _template() -> Template:
    environment = Environment(loader=PackageLoader("checker", "templates"), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)
    return environment.get_template("verify.html")


def evidence_anchor(evidence: dict[str, Any]) -> str:
    shown = evidence["quote"] or evidence
    return anchor("e-", f"{shown['doc_id']}-{shown['start']}-{shown['end']}")


def render_html(report: DraftReport) -> str:
    data, texts = report.data, report.texts
    labels = source_labels(data)
    claims = {c["id"]: c for c in data["claims"]}
    rows: list[dict[str, Any]] = []
    backrefs: dict[str, dict[str, int]] = {}  # evidence anchor -> draft rows citing it
    for n, sentence in enumerate(data["sentences"], start=1):
        row_anchor = f"s-{n}"
        shown = []
        for claim_id in sentence["claim_ids"]:
            claim = claims[claim_id]
            evidence = []
            for item in claim["evidence"]:
                target = evidence_anchor(item)
                backrefs.setdefault(target, {})[row_anchor] = n
                quote = item["quote"] or item
                evidence.append({
                    "role": "supported by" if item["role"] == "support" else (
                        "quoted differently in" if claim["verdict"] == "misquoted"
                        else "contradicted by"),
                    "text": quote["text"], "href": "#" + target,
                    "where": f"{labels.get(item['doc_id'], item['doc_id'])} · {item['doc_id']} "
                             f"{quote['start']}–{quote['end']}",
                    "who": attribution(item)})
            shown.append({"statement": claim["statement"], "verdict": claim["verdict"],
                          "phrase": verdict_phrase(claim), "who": attribution(claim),
                          "decided_by": claim["decided_by"], "note": claim["note"],
                          "quote": claim["quote"]["text"] if claim["quote"] else None,
                          "evidence": evidence})
        rows.append({"anchor": row_anchor, "n": n, "text": sentence["text"],
                     "verdict": sentence["verdict"] or "none",
                     "label": VERDICT_LABELS.get(sentence["verdict"] or "", "no check-worthy claim"),
                     "claims": shown})
    sources = []
    for document in data["documents"]:
        spans: dict[str, Span] = {}
        for claim in data["claims"]:
            for item in claim["evidence"]:
                shown_span = item["quote"] or item
                if shown_span["doc_id"] != document["id"]:
                    continue
                target = evidence_anchor(item)
                refs = tuple(sorted(backrefs.get(target, {}).items(), key=lambda kv: kv[1]))
                spans[target] = Span(shown_span["start"], shown_span["end"], target, "evidence",
                                     f"evidence for draft sentence(s) {', '.join(str(r[1]) for r in refs)}",
                                     target, refs)
        text = texts.get(document["id"])
        sources.append({"anchor": anchor("d-", document["id"]), "label": labels[document["id"]],
                        "id": document["id"], "title": document["title"],
                        "source": document["source"], "published": document["published"],
                        "pieces": highlight_pieces(text, list(spans.values()))
                        if text is not None else None})
    title = f"Draft check: {data['draft']['title'] or data['draft']['id']}"
    return _template().render(
        title=title, css=CSS + EXTRA_CSS, rows=rows, sources=sources,
        counts=[(data["counts"][v], VERDICT_LABELS[v], v) for v in VERDICT_ORDER],
        draft=data["draft"], run=data["run"], total=len(data["claims"]))
