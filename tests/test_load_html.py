"""Web pages load as their article only: trafilatura's main text as paragraphs, with the page's
title, site name, canonical URL and date. A newsroom page's menu, "Related" aside, newsletter box
and reader comments never reach the text, and so never a claim."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from conftest import first_sentence_model, passage_of, schema_of
from oai_server import FakeOpenAI

from checker.cli import main
from checker.load import load_documents

PAGE = Path(__file__).parent / "pages" / "bridge.html"
ARTICLE = (
    "Millbrook bridge closes after inspection\n\n"
    "The Old Mill bridge closed on 3 March after engineers found cracks in two of its supports, the "
    "county council said on Friday.\n\n"
    "Council leader Maria Grant said the bridge would stay shut \"for at least six weeks\" while "
    "repairs are planned. About 4,000 vehicles cross it every day.\n\n"
    "Local businesses said the closure had already cut trade. \"We lost a third of our customers in a "
    "week,\" said baker Tom Hughes.")
AROUND_THE_ARTICLE = ["Home", "Sport", "Related", "Council approves new budget", "newsletter",
                      "Subscribe", "Comments", "riverwatcher", "10 March", "Typical council", "Copyright"]


def test_a_news_page_loads_as_its_article_in_paragraphs_with_its_metadata():
    doc = load_documents([PAGE]).documents[0]
    assert doc.text == ARTICLE
    assert not [words for words in AROUND_THE_ARTICLE if words in doc.text]
    assert (doc.title, doc.source, doc.url, doc.published) == (
        "Millbrook bridge closes after inspection", "Millbrook Herald",
        "https://herald.example/news/bridge", date(2025, 3, 14))
    assert {doc.origins[f] for f in ("title", "source", "url", "published")} == {"html-meta"}


def every_sentence_model(body: dict) -> str:
    """A model that makes every sentence it is shown a claim: what the text holds, it claims."""
    if schema_of(body) != "extract_claims":
        return first_sentence_model(body)
    sentences = re.findall(r"^(\d+)\t(.*)$", passage_of(body), re.M)
    return json.dumps({"claims": [
        {"s": int(number), "claim": sentence[:80], "by": [], "stance": "asserted", "people": [],
         "orgs": [], "times": [], "amounts": []} for number, sentence in sentences]})


def test_a_reader_comment_never_becomes_a_claim(tmp_path, monkeypatch, capsys):
    with FakeOpenAI(model=every_sentence_model) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-html")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code = main(["report", str(PAGE), "--mode", "record", "--quiet", "--cassette",
                     str(tmp_path / "c.jsonl"), "--out", str(tmp_path / "out")])
    capsys.readouterr()
    claims = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["claims"]
    quotes = " ".join(claim["text"] + " " + claim["statement"] for claim in claims)
    assert code == 0 and "closed on 3 March" in quotes
    assert not [words for words in AROUND_THE_ARTICLE if words in quotes]
