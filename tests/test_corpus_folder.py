"""Where the command line keeps a corpus's answers and review file: beside the articles, never in
the report folder, so deleting a report never deletes an answer that was paid for."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import first_sentence_model
from oai_server import FakeOpenAI

from checker.cli import main
from checker.corpus_folder import corpus_folder, default_cassette, default_review


def articles(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("Officials met on Monday. They said little else.", encoding="utf-8")
    (folder / "b.txt").write_text("Officials met on Monday, a second report says.", encoding="utf-8")
    return folder


def test_deleting_the_report_folder_keeps_every_recorded_answer(tmp_path, monkeypatch, capsys):
    corpus, out = articles(tmp_path / "articles"), tmp_path / "report"
    with FakeOpenAI(model=first_sentence_model) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-corpus-folder")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        assert main(["report", str(corpus), "--mode", "record", "--out", str(out), "--quiet"]) == 0
    assert server.requests  # answers were paid for
    tape = corpus / ".checker" / "cassette.jsonl"
    assert len(tape.read_text(encoding="utf-8").splitlines()) == len(server.requests)
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md"]
    recorded = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert main(["estimate", str(corpus), "--json"]) == 0  # estimate reads the same answers
    estimate = json.loads(capsys.readouterr().out)
    assert estimate["calls"] == len(server.requests) and all(s["exact"] for s in estimate["stages"])

    shutil.rmtree(out)  # what a user does to start afresh
    monkeypatch.delenv("OPENAI_BASE_URL")  # the server is gone: every answer must come from the tape
    assert main(["report", str(corpus), "--mode", "replay", "--out", str(out), "--quiet"]) == 0
    replayed = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for part in ("claims", "contradictions", "corroborations"):
        assert replayed[part] == recorded[part]


def test_export_remembers_its_requests_in_the_default_cassettes_folder(tmp_path, capsys):
    corpus = articles(tmp_path / "articles")
    assert main(["export", str(corpus), "--out", str(tmp_path / "requests.jsonl"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["exported"] == 3  # two extractions, one survey
    pending = (corpus / ".checker" / "cassette.pending.jsonl").read_text(encoding="utf-8")
    assert len(pending.splitlines()) == 3


def test_the_corpus_folder_is_the_first_folder_else_the_first_files_folder_else_here(
        tmp_path, monkeypatch):
    one, two = articles(tmp_path / "one"), articles(tmp_path / "two")
    assert corpus_folder([str(one)]) == one
    assert corpus_folder([str(two / "a.txt"), str(one), str(two)]) == one  # a folder wins over a file
    assert corpus_folder([str(two / "a.txt"), str(one / "b.txt")]) == two
    monkeypatch.chdir(tmp_path)
    for inputs in (["-"], [str(one / "*.txt")], ["https://example.org/story"]):
        assert corpus_folder(inputs) == Path(".")  # stdin, globs, URLs: the current folder
    assert default_cassette([str(one)]) == one / ".checker" / "cassette.jsonl"
    assert default_review([str(two / "a.txt")]) == two / "review.toml"
