"""What the renderings call documents, sides and the story, and which unresolved times they list:
the same in report.md and report.html, decided from report.json alone."""
from __future__ import annotations

from test_html import TEXTS, make_report

from checker.render_html import render_html
from checker.report import Report
from checker.report_labels import (
    document_labels,
    report_title,
    split_unresolved_times,
    stance_phrase,
)


def test_a_document_is_named_by_its_outlet_then_its_host_then_a_short_label_with_its_title():
    documents = [{"id": "a", "source": "Daily Ledger", "url": "https://www.other.example/x", "title": "T"},
                 {"id": "b", "source": None, "url": "https://www.ledger.example/bridge", "title": None},
                 {"id": "c", "source": None, "url": None,
                  "title": "Bridge to close for six weeks of repairs"},
                 {"id": "d", "source": None, "url": None, "title": None}]
    labels = document_labels(documents, {"d": "date 2024-10-25 The bridge will close on 3 March."})
    assert [labels[d].cite for d in "abcd"] == ["Daily Ledger", "ledger.example",
                                                 "D3 “Bridge to close for six weeks…”", "D4"]
    assert labels["d"].heading == "D4: “The bridge will close on 3 March.” (opening words)"


def test_the_meta_hint_is_given_once_in_each_rendering():
    report = Report(make_report(), TEXTS)  # the blog (d-blog) has no outlet
    for rendering in (report.to_markdown(), render_html(report)):
        assert rendering.count("--meta d-blog.source=") == 1
        assert rendering.count("--meta") == 2  # the command and "one --meta per document"
    named = make_report()
    named["documents"][2]["source"] = "Bridge Blog"
    assert "--meta" not in Report(named, TEXTS).to_markdown()


def test_an_outlet_denies_in_its_own_voice_and_reports_a_denial_it_cites():
    claim = {"stance": "denied", "attributed_to": ["the article"]}
    assert stance_phrase(claim) == "denies"
    assert stance_phrase({**claim, "attributed_to": ["the article", "Elon Musk"]}) == "reports a denial"
    assert stance_phrase({"stance": "asserted", "attributed_to": ["the article", "Dmitry Peskov"]}) \
        == "reports a claim"


def test_sides_carry_the_same_letters_in_markdown_and_html():
    report = Report(make_report(), TEXTS)
    for rendering in (report.to_markdown(), render_html(report)):
        assert "Side A:" in rendering and "Side B:" in rendering and "Side 1" not in rendering


def test_the_title_names_the_people_most_documents_mention_deterministically():
    data = make_report()
    claims = {c["id"]: c for c in data["claims"]}
    for claim_id, name in (("c-a1", "Musk"), ("c-b1", "Elon Musk"), ("c-c1", "Putin"),
                           ("c-a2", "Vladimir Putin"), ("c-c2", "City Council"), ("c-a3", "City Council")):
        kind = "organization" if "Council" in name else "person"
        claims[claim_id]["entities"] = [*claims[claim_id]["entities"], {"name": name, "kind": kind}]
    data["entities"] += [{"id": f"e-{n}", "name": name, "kind": "person", "aliases": [alias],
                          "mentions": [], "merges": []}
                         for n, (name, alias) in enumerate((("Elon Musk", "Musk"),
                                                            ("Vladimir Putin", "Putin")))]
    assert report_title(data) == "Elon Musk and Vladimir Putin: contradiction report"
    page = render_html(Report(data, TEXTS))
    assert "<title>Elon Musk and Vladimir Putin: contradiction report</title>" in page
    assert report_title({"documents": [], "claims": [], "entities": []}) == "Contradiction report"


def test_only_unresolved_times_a_finding_compares_are_listed_the_rest_are_counted_or_folded():
    data = make_report()
    data["run"]["unresolved_times"] += [{"doc_id": "d-wire", "claim_id": "c-a3", "text": "soon",
                                         "reason": "not a date"}]
    touching, rest = split_unresolved_times(data)
    assert [t["text"] for t in touching] == ["3 March"] and [t["text"] for t in rest] == ["soon"]
    markdown = Report(data, TEXTS).to_markdown()
    assert "| 3 March |" in markdown and "soon" not in markdown
    assert "1 more in claims no finding compares" in markdown
    page = render_html(Report(data, TEXTS))
    folded = page[page.index("<details>"):page.index("</details>")]
    assert "soon" in folded and "3 March" not in folded
    assert page.index("3 March</a></td><td>needs publication date") < page.index("<details>")
