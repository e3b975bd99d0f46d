"""The API key never leaves the process except in the Authorization header: not in cassettes,
batch files, sidecars, reports, stdout/stderr (error messages included) or logs.
"""
from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest
from conftest import first_sentence_model
from oai_server import FakeOpenAI, Reply, completion, error

from checker.cli import main
from checker.settings import Settings

KEY = "sk-test-SECRET-7f3a9c1e5b2d4086"  # distinctive: any leak of it is findable


def write_corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.txt").write_text("Officials met on Monday. They said little else.")
    (folder / "b.txt").write_text("Officials met on Monday, a second report says. Nothing more.")
    return folder


def files_under(folder: Path) -> dict[str, str]:
    return {str(p): p.read_text(encoding="utf-8", errors="replace")
            for p in folder.rglob("*") if p.is_file()}


def assert_no_key(*texts: str, where: dict[str, str] | None = None) -> None:
    for text in texts:
        assert KEY not in text
    for name, text in (where or {}).items():
        assert KEY not in text, f"the key leaked into {name}"


@pytest.fixture
def keyed(monkeypatch, caplog):
    """The key in the environment and every logger at DEBUG, as a user debugging a run would have."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    caplog.set_level(logging.DEBUG)
    return caplog


def test_a_recorded_run_and_its_outputs_hold_no_key(tmp_path, monkeypatch, capsys, keyed):
    corpus = write_corpus(tmp_path / "corpus")
    with FakeOpenAI(model=first_sentence_model) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code = main(["report", str(corpus), "--mode", "record", "--out", str(tmp_path / "out"),
                     "--json"])
    out, err = capsys.readouterr()
    assert code == 0
    assert all(h["authorization"] == f"Bearer {KEY}" for h in server.headers)  # it was in play
    written = files_under(tmp_path)  # the reports in out/, the answers in corpus/.checker/
    assert {Path(p).name for p in written} >= {"cassette.jsonl", "report.json", "report.md"}
    assert_no_key(out, err, keyed.text, where=written)
    assert main(["cassette", str(corpus / ".checker" / "cassette.jsonl")]) == 0
    assert_no_key(*capsys.readouterr())


def test_export_files_and_the_pending_sidecar_hold_no_key(tmp_path, capsys, keyed):
    corpus = write_corpus(tmp_path / "corpus")
    assert main(["export", str(corpus), "--cassette", str(tmp_path / "c.jsonl"),
                 "--out", str(tmp_path / "requests.jsonl")]) == 0
    written = files_under(tmp_path)
    assert {Path(p).name for p in written} >= {"requests.jsonl", "c.pending.jsonl"}
    assert_no_key(*capsys.readouterr(), keyed.text, where=written)


def test_batch_uploads_and_the_batch_sidecar_hold_no_key(tmp_path, monkeypatch, capsys, keyed):
    corpus = write_corpus(tmp_path / "corpus")
    monkeypatch.setenv("CHECKER_BATCH_POLL", "0.05")
    with FakeOpenAI(model=first_sentence_model) as server:
        server.polls_before_done = 10**9  # stays in flight: the sidecar is on disk to inspect
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        from checker.batch import run_batch
        from checker.cassette import Cassette
        from checker.errors import AnswersPending
        from checker.gateway import Gateway
        from checker.load import load_documents
        from checker.openai_transport import OpenAIBatchRunner
        from checker.pipeline import run

        settings = Settings.from_env(mode="replay")
        cassette = Cassette(tmp_path / "c.jsonl")
        with pytest.raises(AnswersPending) as pending:
            run(load_documents([corpus]).documents, Gateway(settings=settings, cassette=cassette),
                collect_misses=True)

        class Interrupted(Exception):
            pass

        class StopsWaiting(OpenAIBatchRunner):
            def wait(self, batch_id):
                raise Interrupted

        with pytest.raises(Interrupted):
            run_batch(pending.value.requests, cassette=cassette,
                      runner=StopsWaiting(settings, poll_seconds=0.05))
        sidecars = files_under(tmp_path)
        server.polls_before_done = 1
        code = main(["report", str(corpus), "--cassette", str(tmp_path / "c.jsonl"), "--batch",
                     "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 0
    assert any(name.endswith(".batch.json") for name in sidecars)
    uploads = {f"upload {k}": v.decode() for k, v in server.files.items()}
    assert_no_key(*capsys.readouterr(), keyed.text,
                  where={**sidecars, **uploads, **files_under(tmp_path)})


def test_a_401_that_echoes_the_key_does_not_print_it(tmp_path, monkeypatch, capsys, keyed):
    corpus = write_corpus(tmp_path / "corpus")
    echo = error(401, f"Incorrect API key provided: {KEY}. You can find your API key at ...")
    with FakeOpenAI(model=lambda body: echo) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code = main(["report", str(corpus), "--mode", "record", "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 3 and "HTTP 401" in err and "Incorrect API key provided" in err
    assert_no_key(out, err, keyed.text, where=files_under(tmp_path))


def test_a_server_that_echoes_the_key_in_a_500_does_not_leak_it_into_the_report(
        tmp_path, monkeypatch, capsys, keyed):
    corpus = write_corpus(tmp_path / "corpus")
    echo = error(500, f"upstream rejected Authorization: Bearer {KEY}",
                 headers={"retry-after-ms": "1"})
    with FakeOpenAI(model=lambda body: echo) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("CHECKER_RETRY_DEADLINE", "0.3")
        code = main(["report", str(corpus), "--mode", "record", "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    failures = report["run"]["failures"]  # each extraction and the survey: one failure each
    assert code == 3 and sorted(f["stage"] for f in failures) == ["extract", "extract", "survey"]
    assert all("Bearer [redacted key]" in f["message"] for f in failures)  # the rest stays
    assert_no_key(out, err, keyed.text, where=files_under(tmp_path))


def test_a_connection_failure_does_not_print_the_key(tmp_path, monkeypatch, capsys, keyed):
    corpus = write_corpus(tmp_path / "corpus")
    with socket.socket() as closed:  # a port on loopback that nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("CHECKER_RETRY_DEADLINE", "0.3")
    code = main(["report", str(corpus), "--mode", "record", "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 3 and "APIConnectionError" in err
    assert_no_key(out, err, keyed.text, where=files_under(tmp_path))


def test_settings_never_show_the_key():
    settings = Settings(api_key=KEY)
    assert_no_key(repr(settings), str(settings))


def echoing_model(body):
    """The first document's extraction fails with an error that repeats the key; every other
    answer repeats it inside its text."""
    if "Officials met on Monday. They" in json.dumps(body):
        return error(401, f"Incorrect API key provided: {KEY}. Authorization: Bearer {KEY}")
    answer = json.loads(first_sentence_model(body))
    for item in answer.get("summaries", []):  # the story-level survey writes the summaries
        item["summary"] = f"A summary sent with key {KEY}."
    return json.dumps(answer)


def test_an_answer_that_repeats_the_key_is_recorded_and_reported_without_it(
        tmp_path, monkeypatch, capsys, keyed):
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "a.txt").unlink()  # only the document whose answers repeat the key
    with FakeOpenAI(model=echoing_model) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code = main(["report", str(corpus), "--mode", "record", "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert code == 0 and report["documents"][0]["summary"] == "A summary sent with key [redacted key]."
    assert_no_key(out, err, keyed.text, where=files_under(tmp_path))


def test_report_batch_whose_lines_repeat_the_key_prints_and_writes_no_key(
        tmp_path, monkeypatch, capsys, keyed):
    corpus = write_corpus(tmp_path / "corpus")
    monkeypatch.setenv("CHECKER_BATCH_POLL", "0.05")
    with FakeOpenAI(model=echoing_model) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code = main(["report", str(corpus), "--cassette", str(tmp_path / "c.jsonl"), "--batch",
                     "--out", str(tmp_path / "out"), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 3 and "failed in the batch" in err and "Incorrect API key provided" in err
    written = files_under(tmp_path)
    assert any(name.endswith(".batch-output.jsonl") for name in written)
    assert any(KEY in v.decode() for v in server.files.values())  # the server's lines held it
    assert_no_key(out, err, keyed.text, where=written)


def test_import_of_a_batch_output_that_repeats_the_key_prints_and_keeps_no_key(
        tmp_path, monkeypatch, capsys, keyed):
    corpus = write_corpus(tmp_path / "corpus")
    assert main(["export", str(corpus), "--cassette", str(tmp_path / "c.jsonl"),
                 "--out", str(tmp_path / "requests.jsonl")]) == 0
    requests = [json.loads(line) for line in (tmp_path / "requests.jsonl").read_text().splitlines()]
    lines = []
    for n, item in enumerate(requests):
        answer = echoing_model(item["body"])
        response = ({"status_code": answer.status, "body": answer.body} if isinstance(answer, Reply)
                    else {"status_code": 200, "body": completion(answer)})
        lines.append(json.dumps({"id": f"line-{n}", "custom_id": item["custom_id"],
                                 "response": response, "error": None}))
    lines.append(json.dumps({"id": "line-x", "custom_id": "v1:unknown", "response": None,
                             "error": {"code": "invalid_api_key", "message": f"bad key {KEY}"}}))
    (tmp_path / "output.jsonl").write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert main(["import", str(tmp_path / "output.jsonl"), "--cassette", str(tmp_path / "c.jsonl")]) == 0
    out, err = capsys.readouterr()
    # a's extraction and the survey (which reads a too) fail with the key in their error
    assert "imported 2 answers" in err and "failed in the batch" in err and "[redacted key]" in err
    written = {k: v for k, v in files_under(tmp_path).items() if not k.endswith("output.jsonl")}
    assert_no_key(out, err, keyed.text, where=written)
