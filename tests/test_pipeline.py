"""The whole pipeline over real HTTP: record, replay with the network gone, export/import."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import first_sentence_model, schema_of
from oai_server import FakeOpenAI
from story_model import story_model

from checker.batch import run_batch
from checker.cassette import Cassette
from checker.cli import main
from checker.errors import AnswersPending
from checker.gateway import Gateway
from checker.load import load_documents
from checker.openai_transport import OpenAIBatchRunner
from checker.pipeline import run
from checker.settings import Settings

OPENING = "Officials met on Monday. They said little else."


def write_corpus(folder: Path) -> Path:
    folder.mkdir()
    for name, text in {"a": OPENING + "\n\nMore text follows here.",
                       "b": "date 2024-10-25 " + OPENING + " A second outlet adds detail.",
                       "c": "Officials met on Monday, a third report says. Nothing else."}.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def report_files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("report.json", "report.md")}


def test_record_then_replay_gives_byte_identical_reports(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus")
    cassette = tmp_path / "cassette.jsonl"
    with FakeOpenAI(model=first_sentence_model) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-value")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code = main(["report", str(corpus), "--cassette", str(cassette), "--mode", "record",
                     "--out", str(tmp_path / "recorded"), "--quiet"])
        calls = len(server.requests)
    assert code == 0 and calls == 4  # three extractions and the survey of the one story
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.delenv("OPENAI_BASE_URL")
    code = main(["report", str(corpus), "--cassette", str(cassette), "--mode", "replay",
                 "--out", str(tmp_path / "replayed"), "--quiet"])
    assert code == 0
    assert report_files(tmp_path / "recorded") == report_files(tmp_path / "replayed")
    data = json.loads((tmp_path / "replayed" / "report.json").read_text())
    assert len(data["claims"]) == 3 and data["run"]["usage"]["requests"] == calls
    for path in (cassette, tmp_path / "replayed" / "report.json", tmp_path / "replayed" / "report.md"):
        assert "sk-test-secret-value" not in path.read_text()


def test_export_answer_import_round_trip_through_batch_files(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "corpus")
    cassette = tmp_path / "cassette.jsonl"
    model = story_model()  # its survey finds tensions, so there are candidates to verify
    stages, schemas = [], []
    for round_number in range(5):
        requests = tmp_path / f"requests-{round_number}.jsonl"
        assert main(["export", str(corpus), "--cassette", str(cassette), "--out", str(requests),
                     "--json"]) == 0
        exported = json.loads(capsys.readouterr().out)
        if exported["exported"] == 0:
            break
        stages.append(exported["stage"])
        lines = [json.loads(line) for line in requests.read_text().splitlines()]
        assert len(lines) == exported["exported"]
        schemas.append(sorted(schema_of(line["body"]) for line in lines))
        for line in lines:  # the OpenAI Batch API input format, also read by vLLM run_batch
            assert set(line) == {"custom_id", "method", "url", "body"}
            assert (line["method"], line["url"]) == ("POST", "/v1/chat/completions")
            assert line["custom_id"].startswith("v1:") and line["body"]["messages"]
        answers = tmp_path / f"answers-{round_number}.jsonl"
        answers.write_text("".join(json.dumps({  # what a batch runner writes back
            "id": f"batch_req_{n}", "custom_id": line["custom_id"], "error": None,
            "response": {"status_code": 200, "request_id": f"req_{n}", "body": {
                "id": f"chatcmpl-{n}", "object": "chat.completion", "model": "batch-model",
                "choices": [{"index": 0, "finish_reason": "stop", "message": {
                    "role": "assistant", "content": model(line["body"])}}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}}}) + "\n"
            for n, line in enumerate(lines)))
        assert main(["import", str(answers), "--cassette", str(cassette), "--json"]) == 0
        imported = json.loads(capsys.readouterr().out)
        assert imported == {"imported": len(lines), "already_recorded": 0, "invalid": 0,
                            "failed": 0, "unknown": 0}
    assert stages == ["extract", "verify"]  # extraction and the survey go out together
    assert schemas[0] == ["extract_claims"] * 3 + ["survey_story"]
    assert schemas[1] and set(schemas[1]) == {"verify_candidates"}
    entries = [json.loads(line) for line in cassette.read_text().splitlines()]
    assert {e["provenance"]["recorded_via"] for e in entries} == {"batch-import"}
    assert {e["provenance"]["answered_by"] for e in entries} == {"batch-model"}
    assert main(["report", str(corpus), "--cassette", str(cassette), "--mode", "replay",
                 "--out", str(tmp_path / "out"), "--quiet"]) == 0


def test_importing_an_answer_twice_records_it_once(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "corpus")
    cassette = tmp_path / "cassette.jsonl"
    requests = tmp_path / "requests.jsonl"
    main(["export", str(corpus), "--cassette", str(cassette), "--out", str(requests)])
    line = json.loads(requests.read_text().splitlines()[0])
    answers = tmp_path / "answers.jsonl"
    answers.write_text(json.dumps({"id": "b1", "custom_id": line["custom_id"], "error": None,
                                   "response": {"status_code": 200, "body": {
                                       "model": "m", "choices": [{"message": {
                                           "content": first_sentence_model(line["body"])},
                                           "finish_reason": "stop"}]}}}) + "\n")
    main(["import", str(answers), "--cassette", str(cassette)])
    main(["import", str(answers), "--cassette", str(cassette), "--json"])
    assert json.loads(capsys.readouterr().out)["already_recorded"] == 1
    assert len(cassette.read_text().splitlines()) == 1


@pytest.fixture
def batch_server(monkeypatch):
    """A local server with the Batch API endpoints, and the environment pointing at it."""
    monkeypatch.setenv("CHECKER_BATCH_POLL", "0.05")
    with FakeOpenAI(model=story_model()) as server:  # candidates to verify: a second stage
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        yield server


def test_batch_mode_submits_each_stage_through_files_and_batches_endpoints(tmp_path, batch_server):
    server = batch_server
    corpus = write_corpus(tmp_path / "corpus")
    cassette = tmp_path / "cassette.jsonl"
    code = main(["report", str(corpus), "--cassette", str(cassette), "--batch",
                 "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 0
    assert len(server.batches) == 2 and server.requests == []  # read, then verify; no live calls
    assert all(b["status"] == "completed" for b in server.batches.values())
    entries = [json.loads(line) for line in cassette.read_text().splitlines()]
    assert {e["provenance"]["recorded_via"] for e in entries} == {"batch-api"}
    assert {e["provenance"]["batch_id"] for e in entries} == {"batch_0", "batch_1"}
    assert not (tmp_path / "cassette.batch.json").exists()
    replayed = json.loads((tmp_path / "out" / "report.json").read_text())
    assert len(replayed["claims"]) == 3 and replayed["run"]["failures"] == []
    assert replayed["corroborations"]  # the verify stage's answers were used


def test_batch_mode_resumes_a_submitted_batch_after_a_crash_instead_of_paying_twice(tmp_path, batch_server):
    server = batch_server
    corpus = write_corpus(tmp_path / "corpus")
    cassette = tmp_path / "cassette.jsonl"
    server.polls_before_done = 10**9  # the first run's batch never finishes: kill the run
    settings = Settings.from_env(mode="replay")
    gateway = Gateway(settings=settings, cassette=Cassette(cassette))
    with pytest.raises(AnswersPending) as pending:
        run(load_documents([corpus]).documents, gateway, collect_misses=True)

    class Killed(Exception):
        pass

    class DiesWhileWaiting(OpenAIBatchRunner):
        def wait(self, batch_id):
            raise Killed  # the process dies with the batch in flight

    with pytest.raises(Killed):
        run_batch(pending.value.requests, cassette=Cassette(cassette),
                  runner=DiesWhileWaiting(settings, poll_seconds=0.05))
    assert len(server.batches) == 1 and (tmp_path / "cassette.batch.json").exists()
    server.polls_before_done = 1
    code = main(["report", str(corpus), "--cassette", str(cassette), "--batch",
                 "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 0
    assert len(server.batches) == 2  # the first batch was resumed; only the verify stage was new
    assert len(server.files) == 4     # two inputs uploaded, two outputs: nothing sent twice


def long_and_short(tmp_path: Path) -> Path:
    """One story: a document of many chunks and a one-line one, both about the Council."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    long_text = "\n\n".join(f"Paragraph {i} reports that the Council met and voted on item {i}. " * 6
                            for i in range(12))
    (corpus / "long.txt").write_text(long_text)
    (corpus / "short.txt").write_text("The Council met on Monday.")
    return corpus


def run_record(tmp_path: Path, monkeypatch, corpus: Path, **env: str) -> tuple[list[str], dict]:
    with FakeOpenAI(model=first_sentence_model) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert main(["report", str(corpus), "--cassette", str(tmp_path / "c.jsonl"), "--mode", "record",
                     "--out", str(tmp_path / "out"), "--quiet"]) == 0
    return ([schema_of(r) for r in server.requests],
            json.loads((tmp_path / "out" / "report.json").read_text()))


def test_a_story_is_surveyed_once_however_many_chunks_its_documents_take(tmp_path, monkeypatch):
    schemas, data = run_record(tmp_path, monkeypatch, long_and_short(tmp_path),
                               CHECKER_CHUNK_TOKENS="200")
    assert schemas.count("survey_story") == 1 and schemas.count("extract_claims") > 3
    summaries = {d["id"]: d["summary"] for d in data["documents"]}
    assert sorted(summaries.values()) == ["Document D1.", "Document D2."]  # both from the survey


def test_a_story_longer_than_the_survey_budget_is_read_in_parts_and_every_document_summarised(
        tmp_path, monkeypatch):
    schemas, data = run_record(tmp_path, monkeypatch, long_and_short(tmp_path),
                               CHECKER_SURVEY_TOKENS="256")
    assert schemas.count("survey_story") == 2  # the long document alone, then the short one
    assert all(d["summary"] == "Document D1." for d in data["documents"])
