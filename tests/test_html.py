"""The HTML report: self-contained, escaped, exact highlights, findings linked to their passages.

Pure tests parse the page with html.parser; the browser tests open it in Debian's Chromium
(headless, from a file:// path, no network) and are skipped only where no chromium is installed.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, SAMPLE_CASSETTE
from jsonschema import Draft202012Validator

from checker.load import load_documents
from checker.prompts import load_schema
from checker.render_html import render_html
from checker.report import Report

WIRE, HOSTILE, BLOG = "d-wire", "d-hostile", "d-blog"
TEXTS = {
    WIRE: ("The mayor said the bridge will close on 3 March for repairs lasting six weeks. "
           "Officials denied that the closure was linked to the budget dispute."),
    HOSTILE: ("Council sources say the bridge will close on 10 March. "
              "<script>alert('pwned')</script></textarea><img src=x onerror=alert(1)> "
              "The closure was linked to the budget dispute, a councillor alleged."),
    BLOG: ("Repairs to the bridge will last six weeks, the council confirmed. "
           "The bridge will close on 3 March."),
}
HOSTILE_TITLE = '<script>alert("title")</script> Bridge & "budget"'


def make_claim(claim_id: str, doc_id: str, evidence: str, stance: str, *chain: str,
               origin: str = "extract") -> dict[str, Any]:
    start = TEXTS[doc_id].index(evidence)
    return {"id": claim_id, "doc_id": doc_id, "statement": evidence + ".", "start": start,
            "end": start + len(evidence), "text": evidence,
            "alignment": "sentence" if origin == "extract" else "exact", "origin": origin,
            "attributed_to": ["the article", *chain], "stance": stance, "entities": [], "times": [],
            "quantities": []}


CLAIMS = [
    make_claim("c-a1", WIRE, "The mayor said the bridge will close on 3 March", "quoted", "the mayor",
               origin="survey"),
    # crosses c-a1: starts inside it and ends after it (passages the views found, not sentences)
    make_claim("c-a2", WIRE, "the bridge will close on 3 March for repairs lasting six weeks", "asserted",
               origin="survey"),
    make_claim("c-a3", WIRE, "six weeks", "asserted", origin="survey"),  # nested inside c-a2
    make_claim("c-a4", WIRE, "Officials denied that the closure was linked to the budget dispute",
               "denied", "officials"),
    make_claim("c-b1", HOSTILE, "the bridge will close on 10 March", "alleged", "council sources"),
    make_claim("c-b2", HOSTILE, "The closure was linked to the budget dispute", "alleged", "a councillor"),
    make_claim("c-c1", BLOG, "Repairs to the bridge will last six weeks", "asserted", "the council"),
    make_claim("c-c2", BLOG, "The bridge will close on 3 March", "asserted"),
]
CLAIMS[5]["statement"] = 'The closure was linked to the "budget" <b>dispute</b>.'

DISPUTE = {
    "id": "f-dates", "kind": "dispute", "type": "temporal", "severity": "high",
    "sides": [{"position": "The bridge closes on 3 March", "claim_ids": ["c-a1", "c-a2", "c-c2"],
               "doc_ids": [BLOG, WIRE]},
              {"position": "The bridge closes on 10 March", "claim_ids": ["c-b1"], "doc_ids": [HOSTILE]}],
    "explanation": "The sources give different closing dates for the bridge: 3 March or 10 March.",
    "changes_meaning": True, "opinion": False, "candidates": ["k-1", "k-2"],
    "also": ["The wire and the blog give 3 March, the council sources 10 March."]}
REPORTING = {
    "id": "f-budget", "kind": "reporting", "type": "characterisation", "severity": "low",
    "sides": [{"position": "Officials deny a link to the budget dispute", "claim_ids": ["c-a4"],
               "doc_ids": [WIRE]},
              {"position": "A councillor alleges a link to the budget dispute", "claim_ids": ["c-b2"],
               "doc_ids": [HOSTILE]}],
    "explanation": "One article reports only the officials' denial, the other only a councillor's <claim>.",
    "changes_meaning": False, "opinion": True, "candidates": ["k-3"], "also": []}


def make_report() -> dict[str, Any]:
    council = TEXTS[BLOG].index("the council")
    return {
        "schema_version": "2.0",
        "documents": [
            {"id": WIRE, "title": "Bridge to close for repairs", "source": "Daily Ledger",
             "url": "https://ledger.example/bridge", "published": "2024-10-25",
             "summary": "The mayor announces a six-week closure from 3 March."},
            {"id": HOSTILE, "title": HOSTILE_TITLE, "source": "Evening <Post>", "url": None,
             "published": None, "summary": "Council sources give 10 March. <script>x()</script>"},
            {"id": BLOG, "title": None, "source": None, "url": None, "published": "2024-10-26",
             "summary": None}],
        "claims": CLAIMS,
        "entities": [{"id": "e-council", "name": "City Council", "kind": "organization",
                      "aliases": ["the council"],
                      "mentions": [{"doc_id": BLOG, "start": council, "end": council + 11,
                                    "text": "the council"}],
                      "merges": [{"alias": "the council", "rule": "definite description",
                                  "evidence": "'the council' refers to the City Council"}]}],
        "contradictions": [REPORTING, DISPUTE],  # out of page order on purpose
        "corroborations": [{"statement": "Repairs will last six weeks.", "claim_ids": ["c-a3", "c-c1"],
                            "doc_ids": [BLOG, WIRE], "independent_sources": 2,
                            "origins": ["document d-blog", "document d-wire"]}],
        "run": {
            "model": "gpt-4o-mini", "answered_by": ["gpt-4o-mini-2024-07-18"],
            "prompt_versions": {"extract_claims": "v1:" + "0" * 64},
            "usage": {"requests": 7, "prompt_tokens": 12345, "completion_tokens": 678},
            "cost_usd": 0.0012, "cassette_keys": [],
            "candidates": {"proposed": 5, "verified": 3, "by_view": {"neighbours": 2, "survey": 3}},
            "suppressed_as_compatible": [{"id": "f-amounts", "type": "numeric", "claim_ids": ["c-a3", "c-c1"],
                                          "reason": "numeric values overlap once normalised"}],
            "ungrounded_dropped": [{"doc_id": WIRE, "statement": "(story-level tension)",
                                    "quote": "the bridge is unsafe",
                                    "reason": "quote not found in the source"}],
            "unresolved_times": [{"doc_id": BLOG, "claim_id": "c-c2", "text": "3 March",
                                  "reason": "needs publication date"}],
            "failures": [], "load_problems": []},
    }


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        return [n for n in self.walk() if n.tag == tag
                and all(n.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class TreeBuilder(HTMLParser):
    VOID = {"meta", "input", "br", "img", "link", "hr", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(page: str) -> Node:
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


def by_id(root: Node, ident: str) -> list[Node]:
    return [n for n in root.walk() if n.attrs.get("id") == ident]


def highlighted_text(root: Node) -> dict[str, str]:
    """Each claim's highlighted text, joining the marks it was split into."""
    joined: dict[str, str] = {}
    for mark in root.find_all("mark"):
        if mark.attrs.get("data-claim"):
            joined[mark.attrs["data-claim"]] = joined.get(mark.attrs["data-claim"], "") + mark.text()
    return joined


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return make_report()


@pytest.fixture(scope="module")
def page(report) -> str:
    return render_html(Report(report, TEXTS))


def test_the_fixture_is_a_valid_report_with_overlapping_spans(report):
    assert list(Draft202012Validator(load_schema("report")).iter_errors(report)) == []
    a1, a2, a3 = CLAIMS[:3]
    assert a1["start"] < a2["start"] < a1["end"] < a2["end"], "c-a2 should cross c-a1"
    assert a2["start"] < a3["start"] and a3["end"] <= a2["end"], "c-a3 should sit inside c-a2"


def test_the_page_loads_nothing_from_anywhere(page):
    root = parse(page)
    references = [(n.tag, k, v) for n in root.walk() for k, v in n.attrs.items() if k in ("src", "href")]
    assert all(k == "href" and v.startswith("#") for _, k, v in references), references
    assert not root.find_all("link") and not root.find_all("img") and not root.find_all("iframe")
    styles = "".join(n.text() for n in root.find_all("style"))
    assert "@import" not in styles and "url(" not in styles
    assert "https://ledger.example/bridge" in root.text()  # the source's address is shown, not fetched


def test_hostile_documents_render_as_text(page):
    root = parse(page)
    assert len(root.find_all("script")) == 1  # ours; none from the documents
    assert "pwned" not in root.find_all("script")[0].text()
    assert not root.find_all("img") and not root.find_all("textarea")
    hostile = by_id(root, "doc-d-hostile")[0]
    assert "<script>alert('pwned')</script></textarea><img src=x onerror=alert(1)>" in hostile.text()
    assert HOSTILE_TITLE in root.text() and "Evening <Post>" in root.text()
    assert by_id(root, "ev-c-b2")[0].attrs["title"].startswith(CLAIMS[5]["statement"])


def test_every_highlight_is_exactly_its_claims_span(page):
    root = parse(page)
    assert highlighted_text(root) == {c["id"]: TEXTS[c["doc_id"]][c["start"]:c["end"]] for c in CLAIMS}
    document_text = by_id(root, "doc-d-wire")[0].find_all("div", class_="doc-text")[0].text()
    assert document_text == TEXTS[WIRE]  # highlighting adds no visible text


def test_each_claim_in_a_finding_links_to_one_anchor_in_its_source_and_back(page):
    root = parse(page)
    for finding in (DISPUTE, REPORTING):
        article = by_id(root, f"finding-{finding['id']}")[0]
        links = {a.attrs["href"] for a in article.find_all("a")}
        for claim_id in (c for side in finding["sides"] for c in side["claim_ids"]):
            assert f"#ev-{claim_id}" in links
            targets = by_id(root, f"ev-{claim_id}")
            assert len(targets) == 1 and targets[0].tag == "mark"
            assert "in-finding" in targets[0].classes()
            claim = next(c for c in CLAIMS if c["id"] == claim_id)
            passage = by_id(root, f"doc-{claim['doc_id']}")[0]
            assert targets[0] in passage.walk()
            backs = [a.attrs["href"] for a in passage.find_all("a") if "backref" in a.classes()]
            assert f"#finding-{finding['id']}" in backs
    plain = by_id(root, "ev-c-c1")[0]
    assert "in-finding" not in plain.classes() and "agreed" in plain.classes()


def test_findings_read_disputes_first_then_by_severity_with_their_evidence(page):
    root = parse(page)
    order = [a.attrs["id"] for a in root.walk() if "finding" in a.classes()]
    assert order == ["finding-f-dates", "finding-f-budget"]
    dispute = by_id(root, "finding-f-dates")[0].text()
    for expected in ("dispute", "temporal", "high", "f-dates", DISPUTE["explanation"],
                     "The bridge closes on 3 March", "The bridge closes on 10 March",
                     "Daily Ledger", "2024-10-25", "the article → the mayor", "quoted",
                     # the blog has no outlet, URL or title: it is cited by its short label
                     "Evening <Post>", "date unknown", "D3,", "Also found: " + DISPUTE["also"][0]):
        assert expected in dispute, expected
    assert "opinion against fact" not in dispute
    assert "opinion against fact" in by_id(root, "finding-f-budget")[0].text()
    sides = by_id(root, "finding-f-dates")[0].find_all("div", class_="side")
    assert len(sides) == 2 and "10 March" not in sides[0].text() and "3 March" not in sides[1].text()


def test_the_brief_names_the_most_serious_findings_first(page):
    brief = by_id(parse(page), "brief")[0].text()
    assert "3 documents" in brief and "1 dispute" in brief and "1 agreed fact" in brief
    assert "1 disputes" not in brief and "1 agreed facts" not in brief
    assert DISPUTE["explanation"] in brief and REPORTING["explanation"] not in brief
    assert page.index('id="brief"') < page.index('id="findings"')


def matrix_rows(page: str) -> dict[str, list[str]]:
    matrix = parse(page).find_all("table", class_="matrix")[0]
    return {r.find_all("td")[0].text(): [td.text() for td in r.find_all("td")[1:]]
            for r in matrix.find_all("tr") if r.find_all("td")}


def test_the_matrix_says_who_asserts_denies_or_is_silent(page):
    rows = matrix_rows(page)
    assert rows["Side A: The bridge closes on 3 March"] == ["quotes / asserts", "silent", "asserts"]
    assert rows["Side B: The bridge closes on 10 March"] == ["silent", "alleges", "silent"]
    # Issue 16: the wire reports the officials' denial, it does not deny anything itself (this
    # row read "denies" before); likewise the blog reports what the council confirmed.
    assert rows["Side A: Officials deny a link to the budget dispute"] == ["reports a denial", "silent",
                                                                           "silent"]
    agreed = next(k for k in rows if k.startswith("Repairs will last six weeks."))
    assert rows[agreed] == ["asserts", "silent", "reports a claim"] and "2 independent sources" in agreed


def test_the_matrix_says_denies_only_for_an_outlets_own_denial(report):
    own = {**report, "claims": [{**c, "attributed_to": ["the article"]} if c["id"] == "c-a4" else c
                                for c in report["claims"]]}
    rows = matrix_rows(render_html(Report(own, TEXTS)))
    assert rows["Side A: Officials deny a link to the budget dispute"] == ["denies", "silent", "silent"]


def test_counts_of_one_read_in_the_singular(report):
    one = {**report, "corroborations": [{**c, "independent_sources": 1}
                                        for c in report["corroborations"]]}
    agreed = next(k for k in matrix_rows(render_html(Report(one, TEXTS)))
                  if k.startswith("Repairs will last six weeks."))
    assert "(1 independent source)" in agreed


def test_summaries_aliases_and_the_run_are_shown(page):
    root = parse(page)
    assert "The mayor announces a six-week closure from 3 March." in by_id(root, "sources")[0].text()
    aliases = by_id(root, "aliases")[0].text()
    assert "City Council" in aliases and "the council" in aliases
    run = " ".join(by_id(root, "run")[0].text().split())
    for expected in ("gpt-4o-mini", "gpt-4o-mini-2024-07-18", "12,345 prompt", "678 completion",
                     "numeric values overlap once normalised", "“the bridge is unsafe”",
                     "3 of 5 proposed (2 neighbours, 3 survey)"):
        assert expected in run, expected


def test_a_missing_text_still_gives_a_page_without_broken_links(report):
    root = parse(render_html(Report(report, {k: v for k, v in TEXTS.items() if k != HOSTILE})))
    assert "not available" in by_id(root, "doc-d-hostile")[0].text()
    hrefs = {a.attrs["href"][1:] for a in root.find_all("a")}
    assert all(by_id(root, h) for h in hrefs), "every link has a target"
    assert "passage unavailable" in by_id(root, "finding-f-dates")[0].text()


@pytest.mark.skipif(not SAMPLE_CASSETTE.exists(), reason="no recorded sample story")
def test_the_sample_story_highlights_every_claim_exactly():
    from checker import check
    from checker.settings import Settings
    data = check([CORPUS], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE).data
    texts = {d.id: d.text for d in load_documents([CORPUS]).documents}
    root = parse(render_html(Report(data, texts)))
    assert highlighted_text(root) == {c["id"]: c["text"] for c in data["claims"]}
    hrefs = {a.attrs["href"][1:] for a in root.find_all("a")}
    assert all(len(by_id(root, h)) == 1 for h in hrefs)


# --- in a real browser -------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# CI installs chromium (.ci/run), so there a missing browser is a failure, never a quiet skip.
IN_CI = bool(os.environ.get("CI"))
needs_chromium = pytest.mark.skipif(CHROMIUM is None and not IN_CI, reason="no chromium binary on "
                                    "PATH (install Debian's: apt-get install -y chromium)")


@pytest.mark.skipif(not IN_CI, reason="only CI must have a browser")
def test_ci_has_a_browser_for_the_html_tests():
    assert CHROMIUM is not None, ".ci/run should have installed Debian's chromium"


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of pixels) of an 8-bit, non-interlaced RGB or RGBA PNG."""
    data, pos, idat = path.read_bytes(), 8, b""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6) and body[12] == 0
        elif kind == b"IDAT":
            idat += body
    bpp, raw = {2: 3, 6: 4}[colour], zlib.decompress(idat)
    stride, rows, previous = width * bpp, [], bytes(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


@pytest.mark.browser
@needs_chromium
def test_chromium_draws_the_page(tmp_path, page):
    html = tmp_path / "report.html"
    html.write_text(page, encoding="utf-8")
    shot = tmp_path / "shot.png"
    result = run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", html.as_uri())
    assert shot.is_file(), result.stderr[-2000:]
    width, height, rows = png_pixels(shot)
    assert (width, height) == (1280, 2000)
    bpp = len(rows[0]) // width
    pixels = [row[x:x + 3] for row in rows[::8] for x in range(0, len(row), bpp * 4)]
    colours = {}
    for pixel in pixels:
        colours[pixel] = colours.get(pixel, 0) + 1
    background = max(colours.values())
    assert len(colours) > 50, "the screenshot is nearly one colour"
    assert background < 0.9 * len(pixels), "the screenshot is mostly blank"


@pytest.mark.browser
@needs_chromium
def test_chromium_runs_the_filters_and_shows_every_finding(tmp_path, page):
    html = tmp_path / "report.html"
    html.write_text(page, encoding="utf-8")
    result = run_chromium(tmp_path, "--dump-dom", html.as_uri())
    assert "<body" in result.stdout, result.stderr[-2000:]
    root = parse(result.stdout)
    body = root.find_all("body")[0]
    assert body.attrs.get("data-filters") == "ready", "the filter script did not run"
    assert "hidden" not in by_id(root, "filters")[0].attrs, "the filters stayed hidden"
    assert by_id(root, "shown-count")[0].text() == "Showing 2 of 2 findings"
    for finding in (DISPUTE, REPORTING):
        article = by_id(root, f"finding-{finding['id']}")[0]
        assert "hidden" not in article.attrs
        assert finding["id"] in article.text() and finding["explanation"] in article.text()
    assert len(root.find_all("script")) == 1 and not root.find_all("img")


USER_CHOICES = {
    "untick high severity": ("var box = document.querySelector(\"input[name=severity][value=high]\");"
                             "box.checked = false;", ["f-budget"]),
    "pick the blog post": ("var box = document.querySelector(\"select[name=doc]\");"
                           "box.selectedIndex = 3;", ["f-dates"]),  # options: all, wire, hostile, blog
}


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("choice", sorted(USER_CHOICES))
def test_filtering_in_chromium_hides_the_findings_that_do_not_match(tmp_path, page, choice):
    act, expected = USER_CHOICES[choice]
    # What a user's click does: change a control, and the form hears the change event.
    user = f'<script>{act} box.dispatchEvent(new Event("change", {{bubbles: true}}));</script></body>'
    html = tmp_path / "report.html"
    html.write_text(page.replace("</body>", user), encoding="utf-8")
    root = parse(run_chromium(tmp_path, "--dump-dom", html.as_uri()).stdout)
    shown = [f["id"] for f in (DISPUTE, REPORTING)
             if "hidden" not in by_id(root, f"finding-{f['id']}")[0].attrs]
    assert shown == expected
    assert by_id(root, "shown-count")[0].text() == f"Showing {len(expected)} of 2 findings"
    empty_kind = "reporting" if expected == ["f-dates"] else "dispute"
    assert "hidden" in by_id(root, empty_kind)[0].attrs, "a heading with nothing under it stays"


def test_a_consolidated_dispute_shows_what_else_was_found(report):
    report["contradictions"][0]["also"] = ["The same two disagree about <the date>."]
    page = render_html(Report(report, TEXTS))
    assert "Also found: The same two disagree about &lt;the date&gt;." in page


# --- layout, measured in the browser -------------------------------------------------------------

# Writes what the page looks like to the reader into <pre id="probe"> as JSON, for --dump-dom.
LAYOUT_PROBE = """<script>(function () {
  var width = document.documentElement.clientWidth, overflow = [], broken = [];
  function scrolls(el) {
    for (var p = el.parentElement; p; p = p.parentElement) {
      var x = getComputedStyle(p).overflowX;
      if (x === "auto" || x === "scroll") { return true; }
    }
    return false;
  }
  document.querySelectorAll("body *").forEach(function (el) {
    var box = el.getBoundingClientRect();
    if (box.width && (box.right > width + 0.5 || box.left < -0.5) && !scrolls(el)) {
      overflow.push(el.tagName + "." + el.className + " " + (el.textContent || "").slice(0, 40));
    }
  });
  document.querySelectorAll(".ident, table.matrix th.source .meta").forEach(function (el) {
    var range = document.createRange(), lines = {};
    range.selectNodeContents(el);
    Array.prototype.forEach.call(range.getClientRects(), function (r) { lines[Math.round(r.top)] = 1; });
    if (Object.keys(lines).length > 1) { broken.push(el.textContent); }
  });
  function paint(el) { return getComputedStyle(el).backgroundColor; }
  var marks = Array.prototype.slice.call(document.querySelectorAll("#texts mark[data-claim]"));
  var before = marks.map(paint);
  document.getElementById("show-claims").checked = true;
  var after = marks.map(paint);
  var probe = parent.document.createElement("pre");
  probe.id = "probe";
  probe.textContent = JSON.stringify({width: width, scrollWidth: document.documentElement.scrollWidth,
    overflow: overflow, broken: broken, idents: document.querySelectorAll(".ident").length,
    finding: marks.map(function (m) { return m.classList.contains("in-finding"); }),
    before: before, after: after});
  parent.document.body.appendChild(probe);
})();</script></body>"""


def measure(tmp_path: Path, page: str, width: int) -> dict[str, Any]:
    """The probe's findings on `page` shown `width` CSS pixels wide. Desktop Chromium will not
    make a window narrower than 500 px, so the page is shown in a frame that wide (srcdoc: the
    frame shares the wrapper's origin, so the probe can report to it)."""
    import json
    from html import escape
    framed = (f'<!DOCTYPE html><html><body style="margin:0"><iframe style="width:{width}px;height:900px;'
              f'border:0" srcdoc="{escape(page.replace("</body>", LAYOUT_PROBE), quote=True)}">'
              "</iframe></body></html>")
    html = tmp_path / "framed.html"
    html.write_text(framed, encoding="utf-8")
    result = run_chromium(tmp_path, "--hide-scrollbars", f"--window-size={max(width, 500) + 20},1000",
                          "--dump-dom", html.as_uri())
    probe = by_id(parse(result.stdout), "probe")
    assert probe, result.stderr[-2000:]
    return json.loads(probe[0].text())


@pytest.fixture(scope="module")
def sample_page() -> str:
    if not SAMPLE_CASSETTE.exists():
        pytest.skip("no recorded sample story")
    from checker import check
    from checker.settings import Settings
    return check([CORPUS], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE).to_html()


def transparent(colour: str) -> bool:
    return colour in ("transparent", "rgba(0, 0, 0, 0)")


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("which", ["sample story", "hostile fixture"])
def test_at_420_px_nothing_overflows_outside_a_scroll_box_and_no_identifier_breaks(
        tmp_path, sample_page, page, which):
    layout = measure(tmp_path, sample_page if which == "sample story" else page, 420)
    assert layout["width"] <= 420
    assert layout["overflow"] == [], "these stick out of the screen"
    assert layout["scrollWidth"] <= layout["width"], "the page itself scrolls sideways"
    assert layout["idents"] > 0 and layout["broken"] == [], "identifiers broken across lines"


@pytest.mark.browser
@needs_chromium
def test_finding_evidence_is_painted_and_other_claims_only_when_asked(tmp_path, sample_page):
    layout = measure(tmp_path, sample_page, 1400)
    painted = [not transparent(c) for c in layout["before"]]
    assert any(layout["finding"]) and not all(layout["finding"])
    assert painted == layout["finding"], "only the evidence of findings is painted at first"
    assert not any(transparent(c) for c in layout["after"]), "'highlight every claim' paints them all"
