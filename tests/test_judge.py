"""Judging: bad judgements are re-asked, never used; the model's labels never reach an editor."""
from __future__ import annotations

import asyncio
import json

import pytest

from checker.errors import ExtractionFailed
from checker.extract import Claim
from checker.gateway import Gateway, ModelRequest, ModelResponse
from checker.group import Group
from checker.judge import judge_group
from checker.load import make_document
from checker.settings import Settings

DOCS = {d.id: d for d in (make_document("wire", "The vote passed on Monday.", published="2024-05-02"),
                          make_document("daily", "The vote failed on Monday.", published="2024-05-02"))}
CLAIMS = {cid: Claim(id=cid, doc_id=doc, statement=text, quote=text, start=0, end=len(text),
                     alignment="exact", entities=(), attributed_to=("the article",), stance="asserted")
          for cid, doc, text in (("c-1", "wire", "The vote passed on Monday."),
                                 ("c-2", "daily", "The vote failed on Monday."))}
GROUP = Group("g-1", ("c-1", "c-2"), ("daily", "wire"))


def conflict(sides, explanation="C1 says it passed; C2 says it failed."):
    return {"conflicts": [{"kind": "reporting", "type": "factual", "explanation": explanation,
                           "changes_meaning": True,
                           "sides": [{"position": p, "claims": c} for p, c in sides]}],
            "agreements": [], "compatible": [], "unrelated": []}


def judge(*answers, reasks=2):
    sent: list[ModelRequest] = []

    def transport(request):
        sent.append(request)
        return ModelResponse(raw=json.dumps(answers[len(sent) - 1]), model="m")

    gateway = Gateway(settings=Settings(mode="live", reasks=reasks), transport=transport)
    return asyncio.run(judge_group(gateway, GROUP, CLAIMS, DOCS)), sent


def test_a_judgement_naming_an_unknown_claim_is_reasked():
    result, sent = judge(conflict([("passed", ["C1"]), ("failed", ["C9"])]),
                         conflict([("passed", ["C1"]), ("failed", ["C2"])]))
    assert len(sent) == 2 and "'C9' is not a claim label of this group" in sent[1].messages[-1][1]
    assert [s.claim_ids for s in result.conflicts[0].sides] == [("c-1",), ("c-2",)]


def test_a_claim_on_both_sides_of_a_conflict_is_reasked_then_given_up():
    bad = conflict([("passed", ["C1"]), ("failed", ["C1", "C2"])])
    with pytest.raises(ExtractionFailed) as failed:
        judge(bad, bad, reasks=1)
    assert "C1 appear on more than one side" in str(failed.value.last_error)


def test_labels_in_the_models_prose_become_sources():
    result, _ = judge(conflict([("C1 reports a pass", ["C1"]), ("failed", ["C2"])]))
    assert result.conflicts[0].explanation == "[wire] says it passed; [daily] says it failed."
    assert result.conflicts[0].sides[0].position == "[wire] reports a pass"


def test_the_group_reaches_the_model_with_dates_attribution_and_quotes():
    _, sent = judge(conflict([("passed", ["C1"]), ("failed", ["C2"])]))
    user = sent[0].messages[1][1]
    assert "[C1] document wire (outlet: unknown; published: 2024-05-02)" in user
    assert 'quote: "The vote failed on Monday."' in user and "asserted by: the article" in user
