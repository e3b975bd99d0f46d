"""Faults a provider and a model really produce, injected by the local server (real HTTP, the real
openai client) or, for bad model output, by a transport: each is retried within its bound (the
retry deadline for transport faults, the re-asks for bad answers) or becomes a recorded
per-request failure, the run finishes the rest, and nothing unvalidated reaches the report. Exit
code 3 means incomplete results, 0 a complete run.
"""
from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import first_sentence_model, schema_of
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from oai_server import FakeOpenAI, Reply, completion, error
from story_model import candidate_labels, story_model, surveyed, verdicts

from checker.answers import parse_answer
from checker.api import check
from checker.cli import main
from checker.errors import ExtractionFailed, SchemaViolation
from checker.gateway import Gateway
from checker.load import make_document
from checker.model import ModelRequest, ModelResponse
from checker.prompts import schema_validator
from checker.report import Report
from checker.sentences import SentenceIndex
from checker.settings import Settings
from checker.types import Candidate, Claim, Passage
from checker.verify import verify_call

# The marker sits in one document, so among extraction requests it reaches only that document's
# (the survey reads every document; the verifier sees first sentences only).
MARKER = "Faulty-marker"
DOCS = {"a": "Officials met on Monday. They said little else.\n\nMore text follows here.",
        "b": "date 2024-10-25 Officials met on Monday. A second outlet adds detail.",
        "c": f"Officials met on Monday, a third report says. {MARKER} nothing else."}
FAST = {"retry-after-ms": "1"}  # checker honours it, so a retry costs a millisecond, not a backoff
DEADLINE = "0.8"  # seconds a lasting fault is retried for here (CHECKER_RETRY_DEADLINE)


def write_corpus(folder: Path) -> Path:
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def faulty(replies: list[Reply], *, forever: bool = False, hit: Callable[[dict], bool] | None = None,
           honest: Callable[[dict[str, Any]], str] = first_sentence_model):
    """An honest model that answers with `replies` (in order, or the first one forever) to the
    requests `hit` selects: by default the extraction of the document holding MARKER."""
    pending = list(replies)
    hit = hit or marked_extraction

    def model(body: dict[str, Any]) -> str | Reply:
        if hit(body) and pending:
            return pending[0] if forever else pending.pop(0)
        return honest(body)
    return model


def marked_extraction(body: dict[str, Any]) -> bool:
    return schema_of(body) == "extract_claims" and MARKER in body["messages"][1]["content"]


def hits(server: FakeOpenAI) -> list[dict[str, Any]]:
    return [r for r in server.requests if marked_extraction(r)]


def run_report(tmp_path: Path, monkeypatch, capsys, model, *, out: str = "out", **env: str):
    """`checker report` in record mode against the local server; (exit code, report, server, stderr)."""
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        write_corpus(corpus)
    with FakeOpenAI(model=model) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-faults")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        for name, value in {"CHECKER_RETRY_DEADLINE": DEADLINE, "CHECKER_REASKS": "1",
                            **env}.items():
            monkeypatch.setenv(name, value)
        code = main(["report", str(corpus), "--cassette", str(tmp_path / "cassette.jsonl"),
                     "--mode", "record", "--out", str(tmp_path / out), "--quiet"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    data = json.loads((tmp_path / out / "report.json").read_text())
    assert Report(data).validate() == []
    return code, data, server, err


def claim_docs(data: dict[str, Any]) -> set[str]:
    return {c["doc_id"] for c in data["claims"]}


# --- provider faults checker retries ---------------------------------------------------

RETRIED = {
    "429 with Retry-After": error(429, "rate limited", headers={"retry-after": "1"}),
    "429 with retry-after-ms": error(429, "rate limited", headers=FAST),
    "429 without Retry-After": error(429, "rate limited"),
    "500": error(500, "internal error", headers=FAST),
    "502": error(502, "bad gateway", headers=FAST),
    "503": error(503, "overloaded", headers=FAST),
    "timeout": Reply(200, completion(json.dumps({"claims": []})), delay=2.0),
    "reset mid-body": Reply(200, completion(json.dumps({"claims": []})), cut_after=40),
}


@pytest.mark.parametrize("fault", list(RETRIED), ids=list(RETRIED))
def test_a_passing_fault_is_retried_and_the_run_is_complete(
        fault, tmp_path, monkeypatch, capsys):
    code, data, server, _ = run_report(tmp_path, monkeypatch, capsys, faulty([RETRIED[fault]]),
                                       CHECKER_TIMEOUT="0.5", CHECKER_RETRY_DEADLINE="5")
    assert len(hits(server)) == 2  # the failed attempt and one retry, nothing more
    assert code == 0 and data["run"]["failures"] == []
    assert claim_docs(data) == {"a", "b", "c"}
    if fault == "429 with Retry-After":
        first, second = (server.arrivals[i] for i, r in enumerate(server.requests)
                         if marked_extraction(r))
        assert second - first >= 0.95  # waited as long as the server asked


# --- provider faults that outlast the retries: one recorded failure, the rest finishes -----------

UNTIL_DEADLINE = None  # retried until CHECKER_RETRY_DEADLINE: at least two requests
PERSISTENT = {  # fault, requests the server sees for the item, words of the recorded message
    "429 without Retry-After": (error(429, "rate limited"), UNTIL_DEADLINE, "HTTP 429"),
    "500": (error(500, "internal error", headers=FAST), UNTIL_DEADLINE, "HTTP 500"),
    "502": (error(502, "bad gateway", headers=FAST), UNTIL_DEADLINE, "HTTP 502"),
    "503": (error(503, "overloaded", headers=FAST), UNTIL_DEADLINE, "HTTP 503"),
    "timeout": (Reply(200, completion("{}"), delay=2.0), UNTIL_DEADLINE, "APITimeoutError"),
    "reset mid-body": (Reply(200, completion("{}"), cut_after=40), UNTIL_DEADLINE,
                       "APIConnectionError"),
    "invalid JSON body with 200": (Reply(200, raw=b'{"id": "chatcmpl-1", "choices": [{'), 1,
                                   "body that is not JSON"),
    "JSON body that is not a completion": (Reply(200, raw=b'["not", "a", "completion"]'), 1,
                                           "returned no choices"),
    "finish_reason length": (Reply(200, completion('{"claims": [{"s', finish_reason="length")),
                             1, "cut off at max_tokens"),
    "finish_reason content_filter": (Reply(200, completion("", finish_reason="content_filter")), 1,
                                     "content filter refused"),
    "message.refusal": (Reply(200, {"model": "m", "choices": [{
        "index": 0, "finish_reason": "stop",
        "message": {"role": "assistant", "content": None, "refusal": "I can't help with that."}}]}),
        1, "content filter refused"),
    "empty content": (Reply(200, completion("")), 2, "no valid answer after 2 attempts"),
    "lone surrogate in content": (Reply(200, raw=json.dumps(completion("")).replace(
        '"content": ""', '"content": "{\\"claims\\": \\"\\ud800\\"}"').encode()), 1,
        "not valid Unicode"),
}


@pytest.mark.parametrize("fault", list(PERSISTENT), ids=list(PERSISTENT))
def test_a_lasting_fault_is_one_recorded_failure_and_the_run_finishes_the_rest(
        fault, tmp_path, monkeypatch, capsys):
    reply, requests, words = PERSISTENT[fault]
    code, data, server, err = run_report(tmp_path, monkeypatch, capsys,
                                         faulty([reply], forever=True), CHECKER_TIMEOUT="0.5")
    if requests is UNTIL_DEADLINE:  # bounded by the deadline: retried, then given up
        assert len(hits(server)) >= 2
    else:  # not a transport fault: never retried at once, or re-asked within CHECKER_REASKS
        assert len(hits(server)) == requests
    [failure] = data["run"]["failures"]
    assert (failure["stage"], failure["item"]) == ("extract", "c#0")
    assert failure["error"] in ("ProviderError", "ExtractionFailed") and words in failure["message"]
    if requests is UNTIL_DEADLINE:
        assert f"gave up after {len(hits(server))} attempts" in failure["message"]
    assert failure["request_key"].startswith("v1:")
    assert claim_docs(data) == {"a", "b"}  # the other documents were read
    summaries = {d["id"]: d["summary"] for d in data["documents"]}
    assert all(summaries.values()) and set(summaries) == {"a", "b", "c"}  # the survey read c too
    assert code == 3 and f"incomplete: {failure['message']}" in err


def test_transport_retries_and_schema_reasks_do_not_multiply(tmp_path, monkeypatch, capsys):
    _, data, server, _ = run_report(tmp_path, monkeypatch, capsys,
                                    faulty([error(500, "down", headers=FAST)], forever=True),
                                    CHECKER_REASKS="3")
    asked = hits(server)
    assert len(asked) >= 2 and all(r == asked[0] for r in asked)  # retries, never a re-ask
    assert data["run"]["failures"][0]["error"] == "ProviderError"


def test_a_failed_verification_is_recorded_under_the_verify_stage(tmp_path, monkeypatch, capsys):
    is_verify = lambda body: schema_of(body) == "verify_candidates"  # noqa: E731
    code, data, server, _ = run_report(tmp_path, monkeypatch, capsys, faulty(
        [error(503, "overloaded", headers=FAST)], forever=True, hit=is_verify, honest=story_model()))
    verified = [r for r in server.requests if is_verify(r)]
    failures = data["run"]["failures"]
    assert verified and len(verified) >= 2 * len(failures)  # each retried, then given up
    assert {f["stage"] for f in failures} == {"verify"}
    assert all(f["item"].startswith("k-") and "HTTP 503" in f["message"] for f in failures)
    assert claim_docs(data) == {"a", "b", "c"} and all(d["summary"] for d in data["documents"])
    assert data["contradictions"] == [] and data["corroborations"] == []  # no verdict, no finding
    assert code == 3


def test_a_failed_request_is_asked_again_next_run_and_only_it(tmp_path, monkeypatch, capsys):
    code, _, first, _ = run_report(tmp_path, monkeypatch, capsys,
                                   faulty([error(503, "down", headers=FAST)], forever=True))
    assert code == 3
    code, data, second, _ = run_report(tmp_path, monkeypatch, capsys, first_sentence_model,
                                       out="again")
    assert code == 0 and data["run"]["failures"] == [] and claim_docs(data) == {"a", "b", "c"}
    extractions = [r for r in second.requests if schema_of(r) == "extract_claims"]
    assert extractions == hits(second) and len(extractions) == 1  # a and b came from the cassette


def test_401_stops_the_run_with_one_line_and_exit_3(tmp_path, monkeypatch, capsys):
    corpus = write_corpus(tmp_path / "corpus")
    with FakeOpenAI(model=lambda body: error(401, "Incorrect API key provided")) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-faults")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code = main(["report", str(corpus), "--mode", "record", "--out", str(tmp_path / "out"),
                     "--quiet"])
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1 and "HTTP 401" in err and "Traceback" not in err
    # one extraction per document and the survey, in flight together; 401 is not retried
    assert sorted(schema_of(r) for r in server.requests) == ["extract_claims"] * 3 + ["survey_story"]


# --- bad model output, through a transport --------------------------------------------------------

def body_of(request: ModelRequest) -> dict[str, Any]:
    """What the server would see: enough of the wire body for the stand-in models."""
    return {"messages": request.chat_messages(),
            "response_format": {"json_schema": {"name": request.schema_id}}}


class Scripted:
    """A transport: `bad(request)` returns a raw answer to give instead of the honest one, or None."""

    def __init__(self, bad: Callable[[ModelRequest], str | None],
                 honest: Callable[[dict[str, Any]], str] = first_sentence_model) -> None:
        self.bad = bad
        self.honest = honest
        self.requests: list[ModelRequest] = []

    def __call__(self, request: ModelRequest) -> ModelResponse:
        self.requests.append(request)
        answer = self.bad(request)
        return ModelResponse(raw=answer if answer is not None else self.honest(body_of(request)),
                             model="scripted")

    def asked(self, schema_id: str, marker: str | None = None) -> list[ModelRequest]:
        return [r for r in self.requests if r.schema_id == schema_id
                and (marker is None or marker in r.messages[1][1])]


def run_check(transport: Scripted, *, reasks: int = 1) -> Report:
    documents = [make_document(name, text) for name, text in DOCS.items()]
    report = check(documents, transport=transport, settings=Settings(mode="live", reasks=reasks))
    assert report.validate() == []
    return report


def first_try_only(answer: str, *, schema: str = "extract_claims", marker: str = MARKER,
                   times: int = 1):
    """A bad answer to the first `times` asks of the marked request (re-asks carry the marker too)."""
    count = {"n": 0}

    def bad(request: ModelRequest) -> str | None:
        if request.schema_id == schema and marker in request.messages[1][1] and count["n"] < times:
            count["n"] += 1
            return answer
        return None
    return bad


CLAIM = {"s": 1, "claim": "Officials met.", "by": [], "stance": "asserted", "people": [],
         "orgs": [], "times": [], "amounts": []}
BAD_EXTRACTIONS = {  # the answer, and what the validator tells the model about it
    "not JSON": ("Sure! Here are the claims: s=1, claim=...", "not valid JSON"),
    "JSON of the wrong shape": (json.dumps([{"claims": []}]), "is not of type 'object'"),
    "a field of the wrong type": (json.dumps({"claims": {}}), "{} is not of type 'array'"),
    "missing field": (json.dumps({"claims": [{k: v for k, v in CLAIM.items() if k != "stance"}]}),
                      "'stance' is a required property"),
    "extra field": (json.dumps({"claims": [{**CLAIM, "confidence": 0.9}]}),
                    "('confidence' was unexpected)"),
    "invalid enum": (json.dumps({"claims": [{**CLAIM, "stance": "certain"}]}),
                     "'certain' is not one of"),
    "NaN sentence number": (json.dumps({"claims": [{**CLAIM, "s": math.nan}]}),
                            "NaN is not a JSON value"),
    "an amount that is not text": (json.dumps({"claims": [{**CLAIM, "amounts": [
        {"text": "some", "value": math.inf}]}]}), "not valid JSON"),
    "a sentence number that does not exist": (json.dumps({"claims": [CLAIM, {**CLAIM, "s": 9}]}),
                                              "sentence 9 does not exist; the passage has "
                                              "sentences 1 to 2"),
}


@pytest.mark.parametrize("kind", list(BAD_EXTRACTIONS), ids=list(BAD_EXTRACTIONS))
def test_a_bad_answer_is_reasked_with_the_validators_message(kind):
    answer, message = BAD_EXTRACTIONS[kind]
    transport = Scripted(first_try_only(answer))
    report = run_check(transport)
    marked = transport.asked("extract_claims", MARKER)
    assert len(marked) == 2 and marked[1].messages[-2] == ("assistant", answer)
    assert "The validator reported" in marked[1].messages[-1][1]
    assert message in marked[1].messages[-1][1]
    assert report.data["run"]["failures"] == [] and claim_docs(report.data) == {"a", "b", "c"}
    assert "confidence" not in report.to_json() and "NaN" not in report.to_json()
    assert "Infinity" not in report.to_json()


@pytest.mark.parametrize("kind", list(BAD_EXTRACTIONS), ids=list(BAD_EXTRACTIONS))
def test_a_bad_answer_that_persists_is_a_failure_never_data(kind):
    transport = Scripted(first_try_only(BAD_EXTRACTIONS[kind][0], times=99))
    report = run_check(transport, reasks=2)
    assert len(transport.asked("extract_claims", MARKER)) == 3  # 1 + reasks
    [failure] = report.data["run"]["failures"]
    assert (failure["stage"], failure["item"], failure["error"]) == ("extract", "c#0",
                                                                     "ExtractionFailed")
    assert claim_docs(report.data) == {"a", "b"} and report.exit_code == 3
    assert {d["id"] for d in report.data["documents"] if d["summary"]} == {"a", "b", "c"}
    json.dumps(report.data, allow_nan=False)  # still strict JSON: nothing of the answer leaked in


def test_a_story_level_quote_not_in_its_source_is_dropped_and_counted_never_reasked():
    def invent(request: ModelRequest) -> str | None:
        if request.schema_id != "survey_story":
            return None
        body = body_of(request)
        answer = json.loads(story_model()(body))
        [marked] = [label for label, text in surveyed(body) if MARKER in text]
        other = next(label for label, _ in surveyed(body) if label != marked)
        answer["tensions"].append({"a": {"doc": marked, "quote": "the mayor resigned at dawn"},
                                   "b": {"doc": other, "quote": "Officials met on Monday."}})
        return json.dumps(answer)

    transport = Scripted(invent)
    report = run_check(transport)
    assert len(transport.asked("survey_story")) == 1  # dropped, not argued over
    assert report.data["run"]["ungrounded_dropped"] == [{
        "doc_id": "c", "statement": "(story-level tension)", "quote": "the mayor resigned at dawn",
        "reason": "quote not found in the source"}]
    assert report.data["run"]["candidates"]["by_view"]["survey"] == 2  # the grounded tensions stay
    assert "mayor" not in json.dumps(report.data["claims"]) and report.exit_code == 0
    for claim in report.data["claims"]:  # every claim is grounded in its source
        assert DOCS[claim["doc_id"]][claim["start"]:claim["end"]] == claim["text"]


def same(labels: list[str]) -> list[dict[str, Any]]:
    return json.loads(verdicts(labels, "same"))["verdicts"]


BAD_VERDICTS = {  # a bad answer made from a call's labels, and what the validator says about it
    "unknown candidate label": (lambda ls: [*same(ls), {**same(ls)[0], "k": "K99"}],
                                "'K99' is not a candidate label"),
    "a candidate answered twice": (lambda ls: [*same(ls), same(ls)[0]], "K1 answered more than once"),
    "a candidate left out": (lambda ls: same(ls)[1:], "no verdict for K1"),
    "a conflict without its kind and type": (lambda ls: [{**v, "verdict": "conflict"} for v in same(ls)],
                                             "a conflict needs its kind and type"),
}


def verify_always(make: Callable[[list[str]], list[dict[str, Any]]]):
    def bad(request: ModelRequest) -> str | None:
        if request.schema_id != "verify_candidates":
            return None
        return json.dumps({"verdicts": make(candidate_labels(body_of(request)))})
    return bad


@pytest.mark.parametrize("kind", list(BAD_VERDICTS), ids=list(BAD_VERDICTS))
def test_a_verdict_naming_bad_labels_is_reasked_then_a_failure(kind):
    make, message = BAD_VERDICTS[kind]
    transport = Scripted(verify_always(make), honest=story_model())
    report = run_check(transport, reasks=1)
    asked = transport.asked("verify_candidates")
    reasks = [r for r in asked if len(r.messages) > 2]
    assert reasks and all("is not valid" in r.messages[-1][1] and message in r.messages[-1][1]
                          for r in reasks)
    failures = report.data["run"]["failures"]
    assert failures and {(f["stage"], f["error"]) for f in failures} == {("verify", "ExtractionFailed")}
    assert len(asked) == 2 * len(failures) == 2 * len(reasks)  # each call asked, re-asked once
    assert report.data["contradictions"] == [] and report.data["corroborations"] == []


def test_a_verdict_fixed_on_the_reask_is_used():
    def twice_first(request: ModelRequest) -> str | None:
        if request.schema_id != "verify_candidates" or len(request.messages) > 2:
            return None  # the re-ask gets the honest answer
        labels = candidate_labels(body_of(request))
        return json.dumps({"verdicts": [*same(labels), same(labels)[0]]})

    transport = Scripted(twice_first, honest=story_model())
    report = run_check(transport)
    assert report.data["run"]["failures"] == []
    asked = transport.asked("verify_candidates")
    reasks = [r for r in asked if len(r.messages) > 2]
    assert reasks and len(asked) == 2 * len(reasks)
    assert all("answered more than once" in r.messages[-1][1] for r in reasks)
    # the fixed answers were used: the verifier found the same fact in all three documents
    [agreed] = report.data["corroborations"]
    assert agreed["doc_ids"] == ["a", "b", "c"]


# --- answer validation: properties ----------------------------------------------------------------

SCHEMAS = ("extract_claims", "survey_story", "verify_candidates", "confirm_entities")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=20)
FIELDS = ["claims", "s", "claim", "by", "stance", "people", "orgs", "times", "amounts",
          "summaries", "doc", "summary", "tensions", "a", "b", "quote", "verdicts", "k", "verdict",
          "kind", "type", "changes_meaning", "why", "decisions", "pair", "same", "reason"]
shaped_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(
        ["asserted", "dispute", "factual", "conflict", "fact", "D1", "K1", "P1", "", "\ud800",
         "x"]) | st.floats(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner,
                                                                 max_size=8),
    max_leaves=30)
ADVERSARIAL = ["", " ", "null", "NaN", "-Infinity", "1e999", "1" * 5000, "[" * 5000 + "]" * 5000,
               '{"claims": "\\ud800"}', '{"claims": []} trailing', '{"claims": []}{}',
               "\ufeff{\"claims\": []}", '{"claims": [], "claims": 1}', "```json\n{}\n```",
               '{"claims": [{"s": 1e999}]}', '{"claims": [{"s": ' + "9" * 5000 + '}]}',
               '{"verdicts": [{"k": "\\ud800"}]}', '{"summaries": [], "tensions": [], "\\ud800": 1}']


def check_parse(schema_id: str, raw: str) -> None:
    try:
        data = parse_answer(schema_id, raw)
    except SchemaViolation as violation:
        assert violation.violations and violation.raw == raw
        return
    assert list(schema_validator(schema_id).iter_errors(data)) == []
    json.dumps(data, allow_nan=False, ensure_ascii=False).encode("utf-8")  # writable as a report


@pytest.mark.parametrize("raw", ADVERSARIAL)
@pytest.mark.parametrize("schema_id", SCHEMAS)
def test_parse_answer_on_adversarial_strings(schema_id, raw):
    check_parse(schema_id, raw)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema_id=st.sampled_from(SCHEMAS), raw=st.text(max_size=200))
def test_parse_answer_on_any_string(schema_id, raw):
    check_parse(schema_id, raw)


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema_id=st.sampled_from(SCHEMAS), value=json_values | shaped_values)
def test_parse_answer_on_any_json_value(schema_id, value):
    check_parse(schema_id, json.dumps(value))


# Three candidates in one verification call, labelled K1..K3 in this order.
PAIR_DOCS = {d.id: d for d in (make_document("a", "The bridge opened in 2019. It has four lanes."),
                               make_document("b", "The bridge opened in 2021. It has two lanes."))}
PAIR_CLAIMS = {c.id: c for c in (
    Claim("x1", "a", "The bridge opened in 2019.", 0, 26, "sentence", (), ("the article",), "asserted"),
    Claim("x2", "a", "It has four lanes.", 27, 45, "sentence", (), ("the article",), "asserted"),
    Claim("y1", "b", "The bridge opened in 2021.", 0, 26, "sentence", (), ("the article",), "asserted"),
    Claim("y2", "b", "It has two lanes.", 27, 44, "sentence", (), ("the article",), "asserted"))}


def passage(claim_id: str) -> Passage:
    claim = PAIR_CLAIMS[claim_id]
    return Passage(claim.doc_id, claim.start, claim.end, (claim_id,))


PAIRS = [Candidate(f"k-{a}-{b}", passage(a), passage(b), ("test",), ())
         for a, b in (("x1", "y1"), ("x2", "y2"), ("x1", "y2"))]
label = st.sampled_from(["K1", "K2", "K3", "K9", "k1", "", " K1"])
labelled = st.one_of(st.permutations(["K1", "K2", "K3"]).map(list),
                     st.lists(label, max_size=5))


def verdicts_for(labels: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(*[st.fixed_dictionaries({
        "k": st.just(k), "verdict": st.sampled_from(["conflict", "compatible", "same", "unrelated",
                                                     "contradiction"]),
        "kind": st.sampled_from(["dispute", "reporting", "rumour", None]),
        "type": st.sampled_from(["factual", "quote", None]), "changes_meaning": st.booleans(),
        "a": st.sampled_from(["fact", "opinion"]), "b": st.sampled_from(["fact", "opinion"]),
        "why": st.text(max_size=4)}) for k in labels]).map(lambda vs: {"verdicts": list(vs)})


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=labelled.flatmap(verdicts_for))
def test_verdicts_that_pass_validation_answer_every_candidate_exactly_once(answer):
    gateway = Gateway(settings=Settings(mode="live", reasks=0), transport=lambda request: ModelResponse(
        raw=json.dumps(answer), model="property"))
    indexes = {doc_id: SentenceIndex(d.text) for doc_id, d in PAIR_DOCS.items()}
    try:
        found = asyncio.run(verify_call(gateway, PAIRS, PAIR_CLAIMS, PAIR_DOCS, indexes))
    except ExtractionFailed as failed:
        assert isinstance(failed.last_error, SchemaViolation) and failed.last_error.violations
        return
    assert sorted(v.candidate_id for v in found) == sorted(c.id for c in PAIRS)
    for verdict in found:
        if verdict.verdict == "conflict":
            assert verdict.kind in ("dispute", "reporting") and verdict.type is not None
        else:  # only a conflict carries a kind, a type or a change of meaning
            assert (verdict.kind, verdict.type, verdict.changes_meaning) == (None, None, False)


def test_a_run_whose_items_all_failed_says_so_first_and_never_reads_as_clean(
        tmp_path, monkeypatch, capsys):
    code, data, server, err = run_report(tmp_path, monkeypatch, capsys,
                                         lambda body: error(500, "internal error", headers=FAST))
    assert code == 3 and len(data["run"]["failures"]) == 4
    summary = "4 work items failed (extract 3, survey 1): HTTP 500 ×4."
    first = err.splitlines()[0]
    assert first.startswith("incomplete: ") and summary in first and "run the same command" in first
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert markdown.splitlines()[2].startswith("> **This report is incomplete.** " + summary)
    assert "None found.\n" not in markdown and "None found in the work that completed" in markdown
    html = (tmp_path / "out" / "report.html").read_text()
    assert html.index("This report is incomplete.") < html.index('id="brief"')
    assert summary in html and "No contradictions were found between the sources" not in html
