"""verify.html: the draft with each sentence marked by its verdict, evidence beside it, jump
links into the sources' highlighted texts; self-contained, escaped, and drawn by Chromium."""
from __future__ import annotations

import pytest
from draft_model import draft_model
from oai_server import FakeOpenAI
from test_html import by_id, needs_chromium, parse, run_chromium

from checker import check_draft
from checker.draft_report import DraftReport

SOURCES = {
    "a": 'The bridge will close on 3 March for repairs. The mayor said "the repairs will last six '
         'weeks at most" on Monday. <script>alert(1)</script>',
    "b": "Council officials said the bridge closure would cost 2 million euros.",
}
DRAFT = ('The bridge will close on 3 March for repairs. The mayor said "the repairs will last six '
         'weeks at most" on Monday. The bridge closure will cost 5 million euros, Council officials '
         "said. A library <b>opens</b> in June.")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> DraftReport:
    folder = tmp_path_factory.mktemp("story")
    (folder / "sources").mkdir()
    for name, text in SOURCES.items():
        (folder / "sources" / f"{name}.txt").write_text(text)
    (folder / "draft.txt").write_text(DRAFT)
    with FakeOpenAI(model=draft_model()) as server, pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPENAI_API_KEY", "sk-test-html")
        patch.setenv("OPENAI_BASE_URL", server.base_url)
        return check_draft(folder / "draft.txt", [folder / "sources"], mode="live")


def rows(root) -> list:
    return [n for n in root.walk() if "draft-row" in n.attrs.get("class", "").split()]


def test_each_draft_sentence_is_marked_by_its_verdict(report):
    root = parse(report.to_html())
    verdicts = [row.attrs["data-verdict"] for row in rows(root)]
    assert verdicts == [s["verdict"] or "none" for s in report.data["sentences"]]
    assert verdicts == ["supported", "supported", "contradicted", "not_in_sources"]


def test_every_jump_link_lands_on_the_exact_evidence_in_its_source(report):
    page = report.to_html()
    root = parse(page)
    jumps = [n for n in root.walk() if n.tag == "a" and "jump" in n.attrs.get("class", "")]
    assert len(jumps) == sum(len(c["evidence"]) for c in report.data["claims"]) > 0
    for link in jumps:
        (target,) = by_id(root, link.attrs["href"][1:])
        assert target.tag == "mark" and target.text() == link.text().strip("“”")
    backs = [n for n in root.walk() if n.tag == "a" and "backref" in n.attrs.get("class", "")]
    assert backs and all(len(by_id(root, b.attrs["href"][1:])) == 1 for b in backs)


def test_the_page_is_self_contained_and_escapes_the_texts(report):
    page = report.to_html()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>opens</b>" not in page
    assert "src=" not in page and "http://" not in page and "https://" not in page


@needs_chromium
def test_chromium_draws_the_draft_marked_by_verdict(tmp_path, report):
    html = tmp_path / "verify.html"
    html.write_text(report.to_html(), encoding="utf-8")
    result = run_chromium(tmp_path, "--dump-dom", html.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    root = parse(result.stdout)
    assert [r.attrs["data-verdict"] for r in rows(root)] == \
        ["supported", "supported", "contradicted", "not_in_sources"]
    shot = tmp_path / "shot.png"
    result = run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1400",
                          html.as_uri())
    assert result.returncode == 0 and shot.stat().st_size > 10_000
