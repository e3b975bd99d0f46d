"""Faults a provider and a model really produce, injected by the local server (real HTTP, the real
openai client) or, for bad model output, by a transport: each is retried within its bound (the
retry deadline for transport faults, the re-asks for bad answers) or becomes a recorded
per-request failure, the run finishes the rest, and nothing unvalidated reaches the report. Exit
code 3 means incomplete results, 0 a complete run.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from checker.api import check
from checker.cli import main
from checker.errors import SchemaViolation
from checker.gateway import ModelRequest, ModelResponse, parse_answer
from checker.prompts import schema_validator
from checker.report import Report
from checker.settings import Settings
from conftest import first_sentence_model, schema_of
from oai_server import FakeOpenAI, Reply, completion, error

# The marker sits after each document's first sentence, so it reaches only that document's
# extraction request (the judge sees first sentences only).
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
    hit = hit or (lambda body: MARKER in body["messages"][1]["content"])

    def model(body: dict[str, Any]) -> str | Reply:
        if hit(body) and pending:
            return pending[0] if forever else pending.pop(0)
        return honest(body)
    return model


def hits(server: FakeOpenAI) -> list[dict[str, Any]]:
    return [r for r in server.requests if MARKER in r["messages"][1]["content"]]


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
    "timeout": Reply(200, completion(json.dumps({"summary": "late", "claims": []})), delay=2.0),
    "reset mid-body": Reply(200, completion(json.dumps({"summary": "cut", "claims": []})),
                            cut_after=40),
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
                         if MARKER in r["messages"][1]["content"])
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
    "finish_reason length": (Reply(200, completion('{"summary": "cut', finish_reason="length")),
                             1, "cut off at max_tokens"),
    "finish_reason content_filter": (Reply(200, completion("", finish_reason="content_filter")), 1,
                                     "content filter refused"),
    "message.refusal": (Reply(200, {"model": "m", "choices": [{
        "index": 0, "finish_reason": "stop",
        "message": {"role": "assistant", "content": None, "refusal": "I can't help with that."}}]}),
        1, "content filter refused"),
    "empty content": (Reply(200, completion("")), 2, "no valid answer after 2 attempts"),
    "lone surrogate in content": (Reply(200, raw=json.dumps(completion("")).replace(
        '"content": ""', '"content": "{\\"summary\\": \\"\\ud800\\"}"').encode()), 1,
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
    assert [d["summary"] is not None for d in data["documents"]] == [True, True, False]
    assert code == 3 and f"incomplete: {failure['message']}" in err


def test_transport_retries_and_schema_reasks_do_not_multiply(tmp_path, monkeypatch, capsys):
    _, data, server, _ = run_report(tmp_path, monkeypatch, capsys,
                                    faulty([error(500, "down", headers=FAST)], forever=True),
                                    CHECKER_REASKS="3")
    asked = hits(server)
    assert len(asked) >= 2 and all(r == asked[0] for r in asked)  # retries, never a re-ask
    assert data["run"]["failures"][0]["error"] == "ProviderError"


def test_a_failed_judgement_is_recorded_under_the_judge_stage(tmp_path, monkeypatch, capsys):
    is_judge = lambda body: schema_of(body) == "judge_group"  # noqa: E731
    code, data, server, _ = run_report(tmp_path, monkeypatch, capsys, faulty(
        [error(503, "overloaded", headers=FAST)], forever=True, hit=is_judge))
    judged = [r for r in server.requests if is_judge(r)]
    assert judged and len(judged) >= 2 * len(data["run"]["failures"])  # each retried, then given up
    assert {f["stage"] for f in data["run"]["failures"]} == {"judge"}
    assert claim_docs(data) == {"a", "b", "c"} and data["contradictions"] == []
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
    assert len(server.requests) == 3  # one per document, in flight together; 401 is not retried


# --- bad model output, through a transport --------------------------------------------------------

def body_of(request: ModelRequest) -> dict[str, Any]:
    """What the server would see: enough of the wire body for first_sentence_model."""
    return {"messages": request.chat_messages(),
            "response_format": {"json_schema": {"name": request.schema_id}}}


class Scripted:
    """A transport: `bad(request)` returns a raw answer to give instead of the honest one, or None."""

    def __init__(self, bad: Callable[[ModelRequest], str | None]) -> None:
        self.bad = bad
        self.requests: list[ModelRequest] = []

    def __call__(self, request: ModelRequest) -> ModelResponse:
        self.requests.append(request)
        answer = self.bad(request)
        return ModelResponse(raw=answer if answer is not None else first_sentence_model(
            body_of(request)), model="scripted")


def run_check(transport: Scripted, *, reasks: int = 1) -> Report:
    from checker.load import make_document
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


CLAIM = {"statement": "Officials met.", "quote": "Officials met on Monday", "entities": [],
         "attribution": ["the article"], "stance": "asserted", "times": [], "quantities": []}
BAD_EXTRACTIONS = {
    "not JSON": "Sure! Here are the claims: summary=..., claims=...",
    "JSON of the wrong shape": json.dumps([{"summary": "s", "claims": []}]),
    "a field of the wrong type": json.dumps({"summary": ["s"], "claims": {}}),
    "missing field": json.dumps({"summary": "s", "claims": [
        {k: v for k, v in CLAIM.items() if k != "stance"}]}),
    "extra field": json.dumps({"summary": "s", "claims": [{**CLAIM, "confidence": 0.9}]}),
    "invalid enum": json.dumps({"summary": "s", "claims": [{**CLAIM, "stance": "certain"}]}),
    "NaN amount": json.dumps({"summary": "s", "claims": [{**CLAIM, "quantities": [
        {"text": "some", "value": math.nan, "unit": None, "hedge": None}]}]}),
}


@pytest.mark.parametrize("kind", list(BAD_EXTRACTIONS), ids=list(BAD_EXTRACTIONS))
def test_a_bad_answer_is_reasked_with_the_validators_message(kind):
    transport = Scripted(first_try_only(BAD_EXTRACTIONS[kind]))
    report = run_check(transport)
    marked = [r for r in transport.requests if MARKER in r.messages[1][1]]
    assert len(marked) == 2 and marked[1].messages[-2] == ("assistant", BAD_EXTRACTIONS[kind])
    assert "The validator reported" in marked[1].messages[-1][1]
    assert report.data["run"]["failures"] == [] and claim_docs(report.data) == {"a", "b", "c"}
    assert "confidence" not in report.to_json() and "NaN" not in report.to_json()


@pytest.mark.parametrize("kind", list(BAD_EXTRACTIONS), ids=list(BAD_EXTRACTIONS))
def test_a_bad_answer_that_persists_is_a_failure_never_data(kind):
    transport = Scripted(first_try_only(BAD_EXTRACTIONS[kind], times=99))
    report = run_check(transport, reasks=2)
    assert len([r for r in transport.requests if MARKER in r.messages[1][1]]) == 3  # 1 + reasks
    [failure] = report.data["run"]["failures"]
    assert (failure["stage"], failure["item"], failure["error"]) == ("extract", "c#0",
                                                                     "ExtractionFailed")
    assert claim_docs(report.data) == {"a", "b"} and report.exit_code == 3
    json.dumps(report.data, allow_nan=False)  # still strict JSON: nothing of the answer leaked in


def test_ungrounded_quotes_are_reasked_once_then_dropped_and_counted():
    invented = {**CLAIM, "statement": "The mayor resigned.", "quote": "the mayor resigned at dawn"}
    answer = json.dumps({"summary": "s", "claims": [CLAIM, invented]})
    transport = Scripted(first_try_only(answer, times=2))  # the re-ask keeps the invention
    report = run_check(transport)
    marked = [r for r in transport.requests if MARKER in r.messages[1][1]]
    assert len(marked) == 2 and "the mayor resigned at dawn" in marked[1].messages[-1][1]
    assert report.data["run"]["ungrounded_dropped"] == [{
        "doc_id": "c", "statement": "The mayor resigned.", "quote": "the mayor resigned at dawn",
        "reason": "quote not found in the source after one re-ask"}]
    assert "mayor" not in json.dumps(report.data["claims"]) and report.exit_code == 0
    for claim in report.data["claims"]:  # every claim that stayed is grounded in its source
        assert DOCS[claim["doc_id"]][claim["start"]:claim["end"]] == claim["text"]


def judge_answer(**sections: Any) -> str:
    return json.dumps({"conflicts": [], "agreements": [], "compatible": [], "unrelated": [],
                       **sections})


def side(label: str, *labels: str) -> dict[str, Any]:
    return {"position": f"{label} holds this.", "claims": [label, *labels]}


BAD_JUDGEMENTS = {
    "unknown claim label": judge_answer(conflicts=[{
        "kind": "reporting", "type": "factual", "sides": [side("C1"), side("C9")],
        "explanation": "C1 against a claim that does not exist.", "changes_meaning": True}]),
    "unknown label in an agreement": judge_answer(agreements=[
        {"statement": "Same.", "claims": ["C1", "C7"]}]),
    "the same claim on two sides": judge_answer(conflicts=[{
        "kind": "reporting", "type": "factual", "sides": [side("C1"), side("C2", "C1")],
        "explanation": "C1 conflicts with itself.", "changes_meaning": True}]),
    "a conflict with one side": judge_answer(conflicts=[{
        "kind": "reporting", "type": "factual", "sides": [side("C1", "C2")],
        "explanation": "One side only.", "changes_meaning": True}]),
}


def judge_always(answer: str):
    return lambda request: answer if request.schema_id == "judge_group" else None


@pytest.mark.parametrize("kind", list(BAD_JUDGEMENTS), ids=list(BAD_JUDGEMENTS))
def test_a_judgement_naming_bad_labels_is_reasked_then_a_failure(kind):
    transport = Scripted(judge_always(BAD_JUDGEMENTS[kind]))
    report = run_check(transport, reasks=1)
    judged = [r for r in transport.requests if r.schema_id == "judge_group"]
    assert judged and "is not valid" in judged[1].messages[-1][1]
    failures = report.data["run"]["failures"]
    assert failures and {(f["stage"], f["error"]) for f in failures} == {("judge", "ExtractionFailed")}
    assert len(judged) == 2 * len(failures)  # each group asked once and re-asked once
    assert report.data["contradictions"] == [] and report.data["corroborations"] == []


def test_a_judgement_fixed_on_the_reask_is_used():
    fixed = judge_answer(agreements=[{"statement": "Officials met on Monday.", "claims": ["C1", "C2"]}])
    answers = iter([BAD_JUDGEMENTS["the same claim on two sides"], fixed])
    transport = Scripted(lambda r: next(answers, None) if r.schema_id == "judge_group" else None)
    report = run_check(transport)
    assert report.data["run"]["failures"] == []
    judged = [r for r in transport.requests if r.schema_id == "judge_group"]
    assert "appear on more than one side" in judged[1].messages[-1][1]


# --- answer validation: properties ----------------------------------------------------------------

SCHEMAS = ("extract_claims", "summarize_document", "judge_group", "confirm_entities")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=20)
FIELDS = ["summary", "claims", "statement", "quote", "entities", "attribution", "stance", "times",
          "quantities", "text", "value", "unit", "hedge", "name", "kind", "conflicts", "agreements",
          "compatible", "unrelated", "sides", "position", "explanation", "changes_meaning",
          "reason", "decisions", "same"]
shaped_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(
        ["asserted", "person", "dispute", "factual", "C1", "", "\ud800", "x"]) | st.floats(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner,
                                                                 max_size=8),
    max_leaves=30)
ADVERSARIAL = ["", " ", "null", "NaN", "-Infinity", "1e999", "1" * 5000, "[" * 5000 + "]" * 5000,
               '{"summary": "\\ud800"}', '{"summary": "ok"} trailing', '{"summary": "ok"}{}',
               "\ufeff{\"summary\": \"ok\"}", '{"summary": "ok", "summary": 1}', "```json\n{}\n```"]


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


LABELS = {"C1": "c-one", "C2": "c-two", "C3": "c-three"}
label = st.sampled_from(["C1", "C2", "C3", "C9", "c1", "", " C1"])
judgements = st.fixed_dictionaries({
    "conflicts": st.lists(st.fixed_dictionaries({
        "kind": st.sampled_from(["dispute", "reporting", "rumour"]),
        "type": st.sampled_from(["factual", "quote"]),
        "sides": st.lists(st.fixed_dictionaries({"position": st.text(max_size=4),
                                                 "claims": st.lists(label, max_size=3)}), max_size=3),
        "explanation": st.text(max_size=4), "changes_meaning": st.booleans()}), max_size=2),
    "agreements": st.lists(st.fixed_dictionaries({"statement": st.text(max_size=4),
                                                  "claims": st.lists(label, max_size=3)}), max_size=2),
    "compatible": st.lists(st.fixed_dictionaries({"claims": st.lists(label, max_size=3),
                                                  "reason": st.text(max_size=4)}), max_size=2),
    "unrelated": st.lists(label, max_size=3)})


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(judgement=judgements)
def test_a_judgement_that_passes_validation_names_only_its_claims_once_per_conflict(judgement):
    from checker.judge import judgement_check
    try:
        data = parse_answer("judge_group", json.dumps(judgement), judgement_check(LABELS))
    except SchemaViolation as violation:
        assert violation.violations
        return
    for conflict in data["conflicts"]:
        named = [l for s in conflict["sides"] for l in s["claims"]]
        assert len(conflict["sides"]) >= 2 and len(named) == len(set(named))
        assert set(named) <= set(LABELS)
    for item in data["agreements"] + data["compatible"]:
        assert set(item["claims"]) <= set(LABELS)
    assert set(data["unrelated"]) <= set(LABELS)


def test_a_run_whose_items_all_failed_says_so_first_and_never_reads_as_clean(
        tmp_path, monkeypatch, capsys):
    code, data, server, err = run_report(tmp_path, monkeypatch, capsys,
                                         lambda body: error(500, "internal error", headers=FAST))
    assert code == 3 and len(data["run"]["failures"]) == 3
    summary = "3 work items failed (extract 3): HTTP 500 ×3."
    first = err.splitlines()[0]
    assert first.startswith("incomplete: ") and summary in first and "run the same command" in first
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert markdown.splitlines()[2].startswith("> **This report is incomplete.** " + summary)
    assert "None found.\n" not in markdown and "None found in the work that completed" in markdown
    html = (tmp_path / "out" / "report.html").read_text()
    assert html.index("This report is incomplete.") < html.index('id="brief"')
    assert summary in html and "No contradictions were found between the sources" not in html
