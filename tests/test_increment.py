"""A growing corpus: earlier groups keep their judgements; only what is new costs model calls."""
from __future__ import annotations

from checker import check
from checker.gateway import ModelRequest
from checker.group import group_claims
from checker.increment import incremental_groups
from checker.load import make_document
from checker.settings import Settings
from test_findings import claim, doc
from test_review import honest_model

A = "The ministry approved the budget on Monday. Officials from the ministry cheered the budget."
B = "The ministry did not approve the budget on Monday. The ministry vote on the budget was delayed."
C = "A ministry spokesman said the ministry did not approve the budget on Monday at all."


class Counting:
    def __init__(self) -> None:
        self.requests: list[ModelRequest] = []

    def __call__(self, request):
        self.requests.append(request)
        return honest_model(request)


def run(tmp_path, texts):
    model = Counting()
    documents = [make_document(doc_id, text) for doc_id, text in texts.items()]
    report = check(documents, transport=model, settings=Settings(mode="record"),
                   cassette=tmp_path / "cassette.jsonl")
    return report.data, [r.schema_id for r in model.requests]


def test_adding_a_document_costs_its_extraction_and_few_judge_calls(tmp_path):
    first, calls = run(tmp_path, {"a": A, "b": B})
    assert calls.count("extract_claims") == 2 and (tmp_path / "cassette.groups.jsonl").exists()
    assert len(first["contradictions"]) == 1

    grown, calls = run(tmp_path, {"a": A, "b": B, "c": C})
    assert calls.count("extract_claims") == 1  # only the new document is read
    assert 1 <= calls.count("judge_group") <= 2
    involving_c = [f for f in grown["contradictions"]
                   if "c" in {d for side in f["sides"] for d in side["doc_ids"]}]
    assert involving_c, "the new document's conflict with the others is found"
    earlier = {c for side in first["contradictions"][0]["sides"] for c in side["claim_ids"]}
    assert earlier <= {c for f in grown["contradictions"] for side in f["sides"] for c in side["claim_ids"]}

    _, calls = run(tmp_path, {"a": A, "b": B, "c": C})
    assert calls == []  # nothing new: nothing asked


def test_replay_reads_the_groups_but_never_writes_them(tmp_path):
    run(tmp_path, {"a": A, "b": B})
    state = tmp_path / "cassette.groups.jsonl"
    before = state.read_text()
    documents = [make_document(doc_id, text) for doc_id, text in {"a": A, "b": B}.items()]
    check(documents, settings=Settings(mode="replay"), cassette=tmp_path / "cassette.jsonl")
    assert state.read_text() == before


def test_groups_left_by_another_corpus_change_nothing(tmp_path):
    a, b = doc("a", A), doc("b", B)
    claims = [claim("x", a, "The ministry approved the budget on Monday", entities=["ministry"]),
              claim("y", b, "The ministry did not approve the budget on Monday", entities=["ministry"])]
    entities = {"x": ("e-ministry",), "y": ("e-ministry",)}
    assert incremental_groups(claims, entities, [("other-1", "other-2")]) == group_claims(claims, entities)
