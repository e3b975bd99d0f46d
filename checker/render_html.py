"""HTML rendering of a report: one self-contained page for editors and fact-checkers.

`render_html(report)` takes a Report (its data and each document's text by document id) and returns
a page with inline CSS and JS only (no network, no external assets); every string from the data is
escaped. Everything is readable without JavaScript; the script only adds the finding filters.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from .html_assets import CSS, JS
from .report import Report, distinct_spans, failure_summary
from .types import SEVERITIES

KINDS = (("dispute", "Disputes", "The sources disagree about what happened."),
         ("reporting", "Reporting inconsistencies",
          "The articles report the same thing differently: quotes, wording, figures."))
STANCE_VERBS = {"asserted": "asserts", "denied": "denies", "alleged": "alleges", "quoted": "quotes"}
BRIEF_TOP_FINDINGS = 5

def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _anchor(prefix: str, ident: str) -> str:
    """An HTML id for a data id (ids from the data may hold any character)."""
    return prefix + re.sub(r"[^A-Za-z0-9_-]", "_", ident)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    claim_id: str
    css: str
    title: str
    backrefs: tuple[tuple[str, int], ...]  # (finding anchor, finding number)


class _Page:
    """Lookups shared by the sections: documents, claims, findings in page order and their numbers."""

    def __init__(self, data: dict[str, Any], texts: Mapping[str, str]) -> None:
        self.data, self.texts = data, texts
        self.docs = {d["id"]: d for d in data["documents"]}
        self.doc_key = {d["id"]: f"d{i}" for i, d in enumerate(data["documents"])}
        self.claims = {c["id"]: c for c in data["claims"]}
        kinds = [k for k, _, _ in KINDS]
        # Stable sort: within a kind and severity, the report's own ranking stands.
        self.findings = sorted(data["contradictions"], key=lambda c: (
            kinds.index(c["kind"]), SEVERITIES.index(c["severity"])))
        self.number = {f["id"]: n for n, f in enumerate(self.findings, start=1)}
        self.findings_of: dict[str, list[str]] = {}
        for finding in self.findings:
            for side in finding["sides"]:
                for cid in side["claim_ids"]:
                    self.findings_of.setdefault(cid, []).append(finding["id"])
        self.agreed = {cid for c in data["corroborations"] for cid in c["claim_ids"]}

    def placed(self, claim_id: str) -> bool:
        """Whether the claim's evidence is highlighted in its document (so a link can reach it)."""
        claim = self.claims.get(claim_id)
        if claim is None:
            return False
        text = self.texts.get(claim["doc_id"])
        return text is not None and 0 <= claim["start"] < claim["end"] <= len(text)

    def outlet(self, doc_id: str) -> str:
        doc = self.docs.get(doc_id, {})
        return doc.get("source") or doc_id

    def date(self, doc_id: str) -> str:
        return self.docs.get(doc_id, {}).get("published") or "date unknown"


def render_html(report: Report) -> str:
    """The whole report as one HTML page; the report's texts (document id -> text the offsets
    index) give the highlighted full texts."""
    data, texts = report.data, report.texts
    page = _Page(data, texts)
    nav = "".join(f'<a href="#{a}">{t}</a>' for a, t in (
        ("findings", "Findings"), ("matrix", "Who says what"), ("sources", "Sources"),
        ("texts", "Full texts"), ("aliases", "Aliases"), ("run", "Run")))
    body = "".join((_incomplete(data), _brief(page), _findings(page), _matrix(page),
                    _sources(page), _texts(page), _aliases(data), _run(data["run"])))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>Contradiction report</title><style>" + CSS + "</style></head><body>"
            f"<header class=\"top\"><h1>Contradiction report</h1><nav>{nav}</nav></header>"
            f"<main>{body}</main><script>{JS}</script></body></html>\n")


def _incomplete(data: dict[str, Any]) -> str:
    """First on the page, so that a partial result never reads as a clean one."""
    summary = failure_summary(data["run"].get("failures") or [])
    return (f'<p class="warning" id="incomplete"><b>This report is incomplete.</b> {_e(summary)} '
            'Details under <a href="#run">Run</a>.</p>' if summary else "")


def _brief(page: _Page) -> str:
    data, findings = page.data, page.findings
    per_kind = {k: sum(f["kind"] == k for f in findings) for k, _, _ in KINDS}
    counts = [(len(data["documents"]), "documents"), (len(data["claims"]), "grounded claims"),
              (per_kind["dispute"], "disputes"), (per_kind["reporting"], "reporting inconsistencies"),
              (len(data["corroborations"]), "agreed facts")]
    out = ['<section class="block" id="brief"><h2>The story in brief</h2><ul class="counts">']
    out += [f"<li><b>{n}</b> {label}</li>" for n, label in counts]
    out.append("</ul>")
    if not findings and data["run"].get("failures"):
        out.append("<p>No contradictions were found in the work that completed (see above).</p>")
    elif not findings:
        out.append("<p>No contradictions were found between the sources.</p>")
    else:
        by_severity = [f"{sum(f['severity'] == s for f in findings)} {s}" for s in SEVERITIES]
        top = min((f["severity"] for f in findings), key=SEVERITIES.index)
        worst = [f for f in findings if f["severity"] == top]
        out.append(f"<p>Findings by severity: {', '.join(by_severity)}. "
                   f"The most serious ({_e(top)} severity):</p><ol>")
        out += [f'<li><a href="#{_anchor("finding-", f["id"])}">#{page.number[f["id"]]}</a> '
                f'{_e(f["explanation"])}</li>' for f in worst[:BRIEF_TOP_FINDINGS]]
        out.append("</ol>")
        if len(worst) > BRIEF_TOP_FINDINGS:
            out.append(f'<p class="muted">and {len(worst) - BRIEF_TOP_FINDINGS} more below.</p>')
    return "".join(out) + "</section>"


def _filters(page: _Page) -> str:
    def boxes(name: str, values: list[str]) -> str:
        return "".join(f'<label><input type="checkbox" name="{name}" value="{_e(v)}" checked> {_e(v)}'
                       "</label> " for v in values)
    types = sorted({f["type"] for f in page.findings})
    docs = "".join(f'<option value="{page.doc_key[d["id"]]}">{_e(page.outlet(d["id"]))} '
                   f'({_e(page.date(d["id"]))})</option>' for d in page.data["documents"])
    # Hidden until the script runs: without JavaScript the controls would do nothing.
    return ('<form class="filters" id="filters" hidden>'
            f'<fieldset><legend>Severity</legend>{boxes("severity", list(SEVERITIES))}</fieldset>'
            f'<fieldset><legend>Type</legend>{boxes("type", types)}</fieldset>'
            '<label><b>Document</b> <select name="doc"><option value="">all documents</option>'
            f'{docs}</select></label></form>')


def _findings(page: _Page) -> str:
    out = ['<section class="block" id="findings"><h2>Findings</h2>', _filters(page),
           f'<p id="shown-count">{len(page.findings)} findings</p>']
    for kind, heading, about in KINDS:
        found = [f for f in page.findings if f["kind"] == kind]
        out.append(f'<section class="filterable" id="{kind}"><h2>{heading}</h2>'
                   f'<p class="muted">{about}</p>')
        if not found:
            out.append("<p>None found.</p>")
        for severity in SEVERITIES:
            group = [f for f in found if f["severity"] == severity]
            if group:
                out.append(f'<section class="filterable"><h3>{severity.capitalize()} severity '
                           f'({len(group)})</h3>{"".join(_finding(page, f) for f in group)}</section>')
        out.append("</section>")
    return "".join(out) + "</section>"


def _finding(page: _Page, item: dict[str, Any]) -> str:
    docs = sorted({page.doc_key[d] for s in item["sides"] for d in s["doc_ids"] if d in page.doc_key})
    sides = "".join(_side(page, side, chr(ord("A") + i)) for i, side in enumerate(item["sides"]))
    # Every finding changes the meaning (the rest are set aside), so no badge says so; an
    # opinion set against a fact is worth a mark.
    meaning = '<span class="badge">opinion against fact</span>' if item.get("opinion") else ""
    review = item.get("review")  # an editor's earlier verdict, when a review file was given
    if review:
        meaning += (f'<span class="badge" title="{_e(review.get("note", ""))}">{_e(review["verdict"])} '
                    f'by {_e(review.get("by", "?"))}</span>')
    return (f'<article class="finding {_e(item["severity"])}" id="{_anchor("finding-", item["id"])}" '
            f'data-severity="{_e(item["severity"])}" data-type="{_e(item["type"])}" '
            f'data-docs="{" ".join(docs)}"><div><b>#{page.number[item["id"]]}</b> '
            f'<span class="badge">{_e(item["kind"])}</span><span class="badge">{_e(item["type"])}</span>'
            f'<span class="badge sev-{_e(item["severity"])}">{_e(item["severity"])}</span>{meaning}'
            f'<span class="meta">finding {_e(item["id"])}</span></div>'
            f'<p class="explanation">{_e(item["explanation"])}</p>{_also(item)}'
            f'<div class="sides" style="--sides:{len(item["sides"])}">{sides}</div></article>')


def _also(item: dict[str, Any]) -> str:
    """The same dispute as other judged groups put it (consolidated into this finding)."""
    also = item.get("also") or []
    if not also:
        return ""
    return ('<ul class="also">' + "".join(f"<li>Also found: {_e(text)}</li>" for text in also)
            + "</ul>")


def _side(page: _Page, side: dict[str, Any], letter: str) -> str:
    evidence = "".join(_evidence(page, cid) for cid in distinct_spans(side["claim_ids"], page.claims))
    return (f'<div class="side"><h4><span>Side {letter}:</span> {_e(side["position"])}</h4>'
            f"{evidence}</div>")


def _evidence(page: _Page, claim_id: str) -> str:
    claim = page.claims.get(claim_id)
    if claim is None:
        return f'<div class="evidence meta">claim {_e(claim_id)} is missing from the report</div>'
    doc_id = claim["doc_id"]
    chain = " → ".join(claim["attributed_to"]) or "unattributed"
    jump = (f'<a href="#{_anchor("ev-", claim_id)}">in the text ↓</a>' if page.placed(claim_id)
            else "passage unavailable")
    return (f'<div class="evidence"><blockquote>{_e(claim["text"])}</blockquote>'
            f'<div class="meta"><b>{_e(page.outlet(doc_id))}</b>, {_e(page.date(doc_id))} · '
            f'{_e(chain)} · <i>{_e(claim["stance"])}</i> · {jump}</div></div>')


def _matrix(page: _Page) -> str:
    documents = page.data["documents"]
    head = "".join(f'<th><a href="#{_anchor("doc-", d["id"])}">{_e(page.outlet(d["id"]))}</a>'
                   f'<div class="meta">{_e(page.date(d["id"]))}</div></th>' for d in documents)
    span = len(documents) + 1
    rows = []
    for item in page.findings:
        rows.append(f'<tr class="fact-group"><th colspan="{span}"><a href="#'
                    f'{_anchor("finding-", item["id"])}">#{page.number[item["id"]]}</a> '
                    f'{_e(item["kind"])} · {_e(item["type"])} · {_e(item["severity"])}</th></tr>')
        rows += [_matrix_row(page, f'Side {chr(ord("A") + i)}: {side["position"]}', side["claim_ids"])
                 for i, side in enumerate(item["sides"])]
    if page.data["corroborations"]:
        rows.append(f'<tr class="fact-group"><th colspan="{span}">Agreed facts</th></tr>')
        rows += [_matrix_row(page, c["statement"], c["claim_ids"], c.get("independent_sources"))
                 for c in page.data["corroborations"]]
    if not rows:
        return ('<section class="block" id="matrix"><h2>Who says what</h2>'
                "<p>No key facts: nothing was disputed or corroborated.</p></section>")
    return ('<section class="block" id="matrix"><h2>Who says what</h2><p class="muted">Each key fact '
            "against each source: whether the source asserts it, denies it, reports it as an allegation, "
            "quotes someone saying it, or is silent.</p>"
            f'<table class="matrix"><thead><tr><th class="fact">Key fact</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}'
            "</tbody></table></section>")


def _matrix_row(page: _Page, label: str, claim_ids: list[str], independent: int | None = None) -> str:
    note = f' <span class="meta">({independent} independent sources)</span>' if independent else ""
    cells = []
    for doc in page.data["documents"]:
        mine = [page.claims[c] for c in claim_ids if c in page.claims
                and page.claims[c]["doc_id"] == doc["id"]]
        verbs = list(dict.fromkeys(STANCE_VERBS.get(c["stance"], c["stance"]) for c in mine))
        if not verbs:
            cells.append('<td class="cell silent">silent</td>')
            continue
        word = " / ".join(verbs)
        if page.placed(mine[0]["id"]):
            word = f'<a href="#{_anchor("ev-", mine[0]["id"])}">{_e(word)}</a>'
        css = verbs[0] if len(verbs) == 1 else "mixed"
        cells.append(f'<td class="cell {_e(css)}">{word}</td>')
    return f'<tr><td>{_e(label)}{note}</td>{"".join(cells)}</tr>'


def _sources(page: _Page) -> str:
    rows = "".join(
        f'<tr><td><a href="#{_anchor("doc-", d["id"])}">{_e(page.outlet(d["id"]))}</a></td>'
        f'<td>{_e(page.date(d["id"]))}</td><td>{_e(d.get("title") or "untitled")}</td>'
        f'<td>{_e(d.get("summary") or "(no summary)")}</td></tr>' for d in page.data["documents"])
    return ('<section class="block" id="sources"><h2>Sources</h2><table><thead><tr><th>Outlet</th>'
            f"<th>Published</th><th>Title</th><th>Summary</th></tr></thead><tbody>{rows}</tbody>"
            "</table></section>")


def _texts(page: _Page) -> str:
    legend = ('<p class="legend muted">Highlighted: <mark>claim</mark> <mark class="agreed">agreed by '
              'several sources</mark> <mark class="in-finding">part of a finding</mark>; '
              "<b>↩n</b> jumps back to finding #n.</p>")
    out = ['<section class="block" id="texts"><h2>Full texts</h2>', legend]
    for doc in page.data["documents"]:
        doc_id = doc["id"]
        text = page.texts.get(doc_id)
        meta = f'{_e(page.outlet(doc_id))}, {_e(page.date(doc_id))}'
        if doc.get("source"):
            meta += f" · id {_e(doc_id)}"
        if doc.get("url"):
            meta += f" · {_e(doc['url'])}"  # shown as text: the page must not reach the network
        out.append(f'<article class="document" id="{_anchor("doc-", doc_id)}">'
                   f'<h3>{_e(doc.get("title") or doc_id)}</h3><p class="meta">{meta}</p>')
        if text is None:
            out.append('<p class="meta">(the text of this document was not available)</p>')
        else:
            spans = [_span_of(page, c) for c in page.data["claims"] if c["doc_id"] == doc_id]
            out.append(f'<div class="doc-body"><div class="doc-text">{highlight_spans(text, spans)}'
                       f"</div>{_doc_aside(page, doc_id)}</div>")
        out.append("</article>")
    return "".join(out) + "</section>"


def _doc_aside(page: _Page, doc_id: str) -> str:
    citing = [f for f in page.findings if any(doc_id in s["doc_ids"] for s in f["sides"])]
    links = "".join(f'<li><a href="#{_anchor("finding-", f["id"])}">#{page.number[f["id"]]}</a> '
                    f'{_e(f["severity"])} · {_e(f["type"])}</li>' for f in citing)
    claims = sum(c["doc_id"] == doc_id for c in page.data["claims"])
    return (f'<aside><p>{claims} grounded claims.</p><p><b>Findings citing this document:</b></p>'
            f'{f"<ul>{links}</ul>" if links else "<p>none</p>"}</aside>')


def _span_of(page: _Page, claim: dict[str, Any]) -> _Span:
    in_findings = page.findings_of.get(claim["id"], [])
    css = "in-finding" if in_findings else "agreed" if claim["id"] in page.agreed else ""
    chain = " → ".join(claim["attributed_to"]) or "unattributed"
    return _Span(claim["start"], claim["end"], claim["id"], css,
                 f'{claim["statement"]} ({claim["stance"]}; {chain})',
                 tuple((_anchor("finding-", f), page.number[f]) for f in dict.fromkeys(in_findings)))


def highlight_spans(text: str, spans: list[_Span]) -> str:
    """Escaped `text` with each span inside `<mark data-claim>` elements.

    Spans may nest or cross. HTML elements can only nest, so a span that crosses another is
    closed and reopened around it: it may become several marks, and only its first carries
    the id that links point to. Its marks' text, joined, is exactly `text[start:end]`.
    """
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[str] = []
    stack: list[_Span] = []
    opened: set[str] = set()
    for i, here in enumerate(cuts):
        active = {s for s in spans if s.start <= here < s.end}
        keep = 0
        while keep < len(stack) and stack[keep] in active:
            keep += 1
        out.append("</mark>" * (len(stack) - keep))
        del stack[keep:]
        for span in spans:
            if span.end == here:
                out += [f'<a class="backref" href="#{a}" data-n="{n}" '
                        f'aria-label="back to finding #{n}"></a>' for a, n in span.backrefs]
        # Longest first, so the span that stays open longest is outermost and splits least.
        for span in sorted(active.difference(stack), key=lambda s: (-s.end, s.claim_id)):
            first = span.claim_id not in opened
            opened.add(span.claim_id)
            ident = f' id="{_anchor("ev-", span.claim_id)}"' if first else ""
            out.append(f'<mark class="{span.css}"{ident} data-claim="{_e(span.claim_id)}" '
                       f'title="{_e(span.title)}">')
            stack.append(span)
        if i + 1 < len(cuts):
            out.append(_e(text[here:cuts[i + 1]]))
    return "".join(out)


def _aliases(data: dict[str, Any]) -> str:
    rows = "".join(
        f'<tr><td>{_e(e["name"])}</td><td>{_e(e.get("kind") or "")}</td>'
        f'<td>{_e(", ".join(e["aliases"]))}</td><td>'
        + "; ".join(_e(f'{m.get("alias")}: {m.get("evidence")}') for m in e.get("merges", []))
        + "</td></tr>" for e in data["entities"] if e["aliases"])
    if not rows:
        return ('<section class="block" id="aliases"><h2>Aliases</h2>'
                "<p>No names were merged.</p></section>")
    return ('<section class="block" id="aliases"><h2>Aliases</h2><p class="muted">Names treated as the '
            "same entity, with why.</p><table><thead><tr><th>Entity</th><th>Kind</th><th>Also written as"
            f"</th><th>Why merged</th></tr></thead><tbody>{rows}</tbody></table></section>")


def _run(run: dict[str, Any]) -> str:
    usage = run.get("usage", {})
    facts = [("Model requested", run.get("model")),
             ("Answered by", ", ".join(run.get("answered_by", [])) or "none"),
             ("Model requests", f'{usage.get("requests", 0)} ({usage.get("prompt_tokens", 0):,} prompt + '
                                f'{usage.get("completion_tokens", 0):,} completion tokens)')]
    if run.get("cost_usd") is not None:
        facts.append(("Estimated cost", f'${run["cost_usd"]:.4f}'))
    if "candidates" in run:
        views = ", ".join(f"{n} {v}" for v, n in run["candidates"]["by_view"].items())
        counts = run["candidates"]
        facts.append(("Candidate pairs verified",
                      f'{counts["verified"]} of {counts["proposed"]} proposed ({views or "none"})'))
    lists = (("Failures (their results are missing)", run.get("failures", []),
              lambda f: f'{f["stage"]} {f["item"]}: {f["message"]}'),
             ("Story-level quotes not found in their source", run.get("ungrounded_dropped", []),
              lambda d: f'{d["doc_id"]}: “{d["quote"]}” ({d["reason"]})'),
             ("Apparent conflicts set aside as compatible", run.get("suppressed_as_compatible", []),
              lambda s: f'{s["id"]} ({s["type"]}): {s["reason"]}'),
             ("Inputs skipped", run.get("load_problems", []), lambda p: p["message"]))
    facts += [(title, len(entries)) for title, entries, _ in lists]
    if "unresolved_times" in run:
        facts.append(("Time expressions left unresolved", len(run["unresolved_times"])))
    details = "".join(f"<h3>{title}</h3><ul>" + "".join(f"<li>{_e(line(x))}</li>" for x in entries)
                      + "</ul>" for title, entries, line in lists if entries)
    items = "".join(f"<dt>{name}</dt><dd>{_e(value)}</dd>" for name, value in facts)
    return f'<section class="block" id="run"><h2>Run</h2><dl>{items}</dl>{details}</section>'
