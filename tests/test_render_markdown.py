"""report.md shows text from documents and models as text: rendered by a common Markdown
renderer (Python-Markdown) it holds only the tags Markdown itself makes, no event handler and
no javascript: link, and every payload is still there, readable, as text."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
from conftest import passage_of, schema_of

from checker.api import check
from checker.model import ModelRequest, ModelResponse
from checker.report import Report
from checker.settings import Settings

PAYLOADS = ['<script>alert("doc")</script>', "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(2))", '<a href="javascript:alert(3)">x</a>',
            "<svg/onload=alert(4)>", "<iframe src=javascript:alert(5)></iframe>",
            "`` <img src=x onerror=alert(6)> ``"]
MARKDOWN_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "strong", "em", "code", "blockquote", "table", "thead",
                 "tbody", "tr", "th", "td"}


class Rendered(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def assert_renders_as_text(report_md: str) -> str:
    page = Rendered(markdown.markdown(report_md, extensions=["tables"]))
    assert {tag for tag, _ in page.tags} <= MARKDOWN_TAGS, "HTML from a document or model survived"
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not any("javascript:" in (value or "") for value in attrs.values()), (tag, attrs)
    return " ".join("".join(page.text).split())


def payload_model(request: ModelRequest) -> ModelResponse:
    """Claims for the sentences about the bridge; every verified pair a conflict; everything the
    model writes carries a payload too."""
    body = {"messages": request.chat_messages(),
            "response_format": {"json_schema": {"name": request.schema_id}}}
    user = body["messages"][1]["content"]
    if schema_of(body) == "survey_story":
        labels = re.findall(r"^(D\d+): ", user, re.M)
        answer = {"summaries": [{"doc": d, "summary": f"Summary {PAYLOADS[1]} {PAYLOADS[6]}"}
                                for d in labels],
                  "tensions": []}
    elif schema_of(body) == "verify_candidates":
        answer = {"verdicts": [{
            "k": k, "verdict": "conflict", "kind": "reporting", "type": "factual",
            "changes_meaning": True, "a": "fact", "b": "fact",
            "why": f"The years differ {PAYLOADS[2]} {PAYLOADS[4]}."}
            for k in re.findall(r"^\[(K\d+)\]", user, re.M)]}
    else:
        numbered = re.findall(r"^(\d+)\t(.*)$", passage_of(body), re.M)
        answer = {"claims": [{
            "s": int(n), "claim": f"{s[:60]} {PAYLOADS[0]} {PAYLOADS[3]}", "by": [f"the city {PAYLOADS[4]}"],
            "stance": "asserted", "people": [], "orgs": [f"Elbe bridge {PAYLOADS[1]}"],
            "times": re.findall(r"\b20\d\d\b", s), "amounts": []} for n, s in numbered if "bridge" in s]}
    return ModelResponse(raw=json.dumps(answer), model=f"fake {PAYLOADS[0]}")


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Report:
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "a.md").write_text(f"---\ntitle: '{PAYLOADS[1]}'\nsource: '{PAYLOADS[4]}'\n---\n"
                                 f"The Elbe bridge opened in 2019 {PAYLOADS[0]} said the city.\n",
                                 encoding="utf-8")
    (corpus / f"x`{PAYLOADS[1]}`.txt").write_text(
        f"The Elbe bridge opened in 2021 {PAYLOADS[5]} [click](javascript:alert(7)) per the state.\n",
        encoding="utf-8")
    return check([corpus], transport=payload_model, settings=Settings(mode="live"))


def test_a_report_of_a_hostile_corpus_renders_its_payloads_as_text(hostile_report):
    assert hostile_report.data["contradictions"], "the planted conflict is reported"
    shown = assert_renders_as_text(hostile_report.to_markdown())
    for payload in PAYLOADS:
        assert " ".join(payload.split()) in shown, payload


def poisoned(value: Any, payload: str, key: str = "") -> Any:
    """Every string with a payload added, the same way everywhere so that ids still match;
    the finding kind (which picks the section) stays as it is."""
    if isinstance(value, dict):
        return {k: poisoned(v, payload, k) for k, v in value.items()}
    if isinstance(value, list):
        return [poisoned(v, payload, key) for v in value]
    if isinstance(value, str) and key != "kind":
        return f"{value} {payload}"
    return value


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_field_of_a_report_renders_as_text(hostile_report, payload):
    data = json.loads(json.dumps(hostile_report.data))
    run = data["run"]
    run["failures"] = [{"stage": "extract", "item": "a#0", "error": "ProviderError",
                        "message": "server said", "request_key": None}]
    run["load_problems"] = [{"path": "p", "reason": "binary", "message": "p: binary"}]
    run["unresolved_times"] = [{"doc_id": data["documents"][0]["id"], "claim_id": "c",
                                "text": "last | Tuesday", "reason": "needs a date"}]
    run["review"] = {"file": "review.toml", "entries": 1, "dismissed_hidden": 0,
                     "stale": [{"id": "f-old", "verdict": "dismissed", "by": "ed", "at": "today",
                                "note": "n"}], "not_found_this_run": []}
    data["contradictions"][0]["review"] = {"verdict": "confirmed", "by": "ed", "at": "today",
                                           "note": "checked"}
    data["contradictions"][0]["also"] = ["also this"]
    data["entities"][0]["aliases"] = ["the bridge"]
    shown = assert_renders_as_text(Report(poisoned(data, payload)).to_markdown())
    assert shown.count(" ".join(payload.split())) >= 20  # shown, as text, in every field


def test_ordinary_text_reads_as_before(tmp_path):
    from conftest import CORPUS, SAMPLE_CASSETTE
    report = check([CORPUS], cassette=SAMPLE_CASSETTE, settings=Settings(mode="replay"))
    assert report.to_markdown() == (Path(CORPUS).parent.parent / "examples" / "report.md").read_text(
        encoding="utf-8")
