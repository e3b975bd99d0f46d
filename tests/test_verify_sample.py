"""The sample draft checked against the sample story, replayed from its recording
(fixtures/cassettes/verify-draft.jsonl, recorded through export -> answer -> import: fixtures/README.md).

Every draft claim has a verdict, every piece of evidence is a verified span of the draft and of
its source, and examples/verify.{json,md,html} are exactly what a fresh replay writes."""
from __future__ import annotations

import json

import pytest
from conftest import CORPUS, ROOT

from checker.cli import main
from checker.draft_report import DraftReport, ungrounded
from checker.load import load_documents

DRAFT = ROOT / "fixtures" / "draft" / "draft.md"
CASSETTE = ROOT / "fixtures" / "cassettes" / "verify-draft.jsonl"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    out = tmp_path_factory.mktemp("verify")
    code = main(["verify", str(DRAFT), "--against", str(CORPUS), "--cassette", str(CASSETTE),
                 "--mode", "replay", "--out", str(out), "--quiet"])
    assert code == 0, "the sample draft's replay failed (is fixtures/cassettes/verify-draft.jsonl recorded?)"
    return out


@pytest.fixture(scope="module")
def texts():
    documents = load_documents([CORPUS]).documents + load_documents([DRAFT]).documents
    return {d.id: d.text for d in documents}


def test_every_draft_claim_has_a_verdict(replayed, texts):
    report = DraftReport.read(replayed / "verify.json", texts)
    assert report.validate() == []
    assert report.data["claims"] and not report.data["run"]["unchecked"]
    assert not report.data["run"]["failures"]
    assert sum(report.data["counts"].values()) == len(report.data["claims"])


def test_every_piece_of_evidence_is_a_verified_span_in_draft_and_source(replayed, texts):
    data = json.loads((replayed / "verify.json").read_text(encoding="utf-8"))
    assert ungrounded(data, texts) == []
    for claim in data["claims"]:
        assert texts[data["draft"]["id"]][claim["start"]:claim["end"]] == claim["text"]
        for evidence in claim["evidence"]:
            assert evidence["doc_id"] != data["draft"]["id"]
            assert texts[evidence["doc_id"]][evidence["start"]:evidence["end"]] == evidence["text"]


@pytest.mark.parametrize("name", ["verify.json", "verify.md", "verify.html"])
def test_the_examples_are_a_fresh_replay(replayed, name):
    assert (EXAMPLES / name).read_text(encoding="utf-8") == \
        (replayed / name).read_text(encoding="utf-8"), \
        f"examples/{name} is stale: checker verify fixtures/draft/draft.md --against " \
        "fixtures/corpus --cassette fixtures/cassettes/verify-draft.jsonl --mode replay --out examples"
