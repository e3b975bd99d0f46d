"""The command line as a user meets it: exit codes, one-line errors, estimate, cassette listing."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from conftest import CORPUS, SAMPLE_CASSETTE, first_sentence_model
from oai_server import FakeOpenAI, error

from checker.api import gather_documents
from checker.cli import _metadata, main

REPLAY = ["--cassette", str(SAMPLE_CASSETTE), "--mode", "replay", "--quiet"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_0_writes_the_reports(tmp_path, capsys):
    code, _, err = run(capsys, "report", str(CORPUS), *REPLAY, "--out", str(tmp_path))
    assert code == 0 and err == ""
    assert {p.name for p in tmp_path.iterdir()} >= {"report.json", "report.md", "report.html"}


def test_exit_1_when_findings_reach_the_fail_on_severity(tmp_path, capsys):
    code, _, err = run(capsys, "report", str(CORPUS), *REPLAY, "--out", str(tmp_path), "--fail-on", "high")
    data = json.loads((tmp_path / "report.json").read_text())
    highs = [f for f in data["contradictions"] if f["severity"] == "high"]
    assert code == 1 and highs and f"{len(highs)} findings at or above high" in err


def test_exit_2_for_bad_input_with_one_line_and_no_traceback(tmp_path, capsys):
    code, _, err = run(capsys, "report", str(tmp_path / "missing"), *REPLAY, "--out", str(tmp_path))
    assert code == 2
    assert err.startswith("checker: error: ") and err.count("\n") == 1 and "Traceback" not in err
    (tmp_path / "empty.txt").write_text("")
    code, _, err = run(capsys, "report", str(tmp_path / "empty.txt"), *REPLAY, "--out", str(tmp_path))
    assert code == 2 and "empty" in err


def test_exit_2_for_a_misspelt_setting(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CHECKER_CONCURRENCY", "eight")
    code, _, err = run(capsys, "report", str(CORPUS), "--out", str(tmp_path), "--quiet")
    assert code == 2 and "CHECKER_CONCURRENCY='eight'" in err
    with pytest.raises(SystemExit) as usage:
        main(["report", str(CORPUS), "--mode", "replya"])
    assert usage.value.code == 2


def test_exit_3_when_recorded_answers_are_missing(tmp_path, capsys):
    (tmp_path / "story.txt").write_text("A story that nobody has recorded answers for.")
    code, _, err = run(capsys, "report", str(tmp_path / "story.txt"), *REPLAY, "--out", str(tmp_path))
    assert code == 3 and "cassette miss for prompt 'extract_claims@" in err and "To re-record" in err


def test_estimate_matches_the_recorded_run_within_five_percent(capsys):
    code, out, _ = run(capsys, "estimate", str(CORPUS), "--cassette", str(SAMPLE_CASSETTE), "--json")
    estimate = json.loads(out)
    recorded = [json.loads(line)["response"]["usage"] for line in SAMPLE_CASSETTE.read_text().splitlines()]
    actual = sum(u["prompt_tokens"] for u in recorded)
    assert code == 0 and estimate["calls"] == len(recorded)
    assert abs(estimate["prompt_tokens"] - actual) / actual < 0.05
    assert all(stage["exact"] for stage in estimate["stages"])


def test_estimate_without_answers_counts_extraction_and_survey_and_extrapolates_verification(
        capsys, tmp_path):
    code, out, _ = run(capsys, "estimate", str(CORPUS), "--cassette", str(tmp_path / "none.jsonl"), "--json")
    stages = {s["stage"]: s for s in json.loads(out)["stages"]}
    assert code == 0 and list(stages) == ["extract", "survey", "verify"]
    assert stages["extract"]["exact"] and stages["extract"]["calls"] == 5
    assert stages["survey"]["exact"] and stages["survey"]["calls"] == 1  # read beside extraction
    assert not stages["verify"]["exact"] and stages["verify"]["calls"] > 0
    assert not (tmp_path / "none.jsonl").exists()  # estimating never records anything


def recorded_completion() -> dict[str, int]:
    """The sample's recorded completion tokens per stage."""
    stages = {"extract_claims": "extract", "survey_story": "survey", "verify_candidates": "verify"}
    out: dict[str, int] = {}
    for line in SAMPLE_CASSETTE.read_text().splitlines():
        entry = json.loads(line)
        stage = stages[entry["request"]["prompt"].split("@")[0]]
        out[stage] = out.get(stage, 0) + entry["response"]["usage"]["completion_tokens"]
    return out


def test_estimated_answers_follow_the_documents_tokens_within_five_percent(capsys, tmp_path):
    code, out, _ = run(capsys, "estimate", str(CORPUS), "--cassette", str(tmp_path / "none.jsonl"),
                       "--json")
    estimate, recorded = json.loads(out), recorded_completion()
    for stage in estimate["stages"]:  # extraction and survey guessed per request, verify extrapolated
        actual = recorded[stage["stage"]]
        assert abs(stage["completion_tokens"] - actual) / actual < 0.05, stage
    total = sum(recorded.values())
    assert abs(estimate["completion_tokens"] - total) / total < 0.05
    # The system text says nothing about the answer's length: a longer one changes no guess.
    from checker.estimate import completion_guess
    from checker.model import ModelRequest
    short = ModelRequest(model="m", messages=(("system", "Be brief."), ("user", "word " * 300)),
                         schema_id="extract_claims", prompt="extract_claims@v1")
    long = ModelRequest(model="m", messages=(("system", "Rules. " * 2000), ("user", "word " * 300)),
                        schema_id="extract_claims", prompt="extract_claims@v1")
    assert completion_guess(short) == completion_guess(long) > 0


def test_estimate_with_the_reading_recorded_renders_verification_and_guesses_its_answers(
        capsys, tmp_path):
    tape = tmp_path / "reading.jsonl"
    tape.write_text("".join(line + "\n" for line in SAMPLE_CASSETTE.read_text().splitlines()
                            if "verify_candidates@" not in json.loads(line)["request"]["prompt"]))
    code, out, _ = run(capsys, "estimate", str(CORPUS), "--cassette", str(tape), "--json")
    verify = {s["stage"]: s for s in json.loads(out)["stages"]}["verify"]
    actual = recorded_completion()["verify"]
    assert code == 0 and verify["exact"] and verify["calls"] == 5
    assert abs(verify["completion_tokens"] - actual) / actual < 0.05


def test_estimate_takes_a_price_table(tmp_path, capsys):
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"gpt-4o-mini": [1000.0, 0.0]}))
    code, out, _ = run(capsys, "estimate", str(CORPUS), "--cassette", str(SAMPLE_CASSETTE),
                       "--prices", str(prices), "--json")
    data = json.loads(out)
    assert data["cost_usd"] == pytest.approx(data["prompt_tokens"] * 1000.0 / 1e6)


def test_cassette_listing_shows_provenance(capsys):
    code, out, _ = run(capsys, "cassette", str(SAMPLE_CASSETTE), "--json")
    listing = json.loads(out)
    assert code == 0 and listing["pending"] == 0 and not listing["torn_tail"]
    assert {e["recorded_via"] for e in listing["entries"]} == {"batch-import"}
    assert {e["answered_by"] for e in listing["entries"]} == {"claude-subagent"}


def test_metadata_from_the_command_line_wins_and_a_malformed_option_is_one_line(tmp_path, capsys):
    code, _, _ = run(capsys, "estimate", str(CORPUS), "--cassette", str(tmp_path / "none.jsonl"),
                     "--meta", "003_16daae7c1b36e9cd.published=2022-10-11",
                     "--meta", "003_16daae7c1b36e9cd.source=CNN", "--json")
    assert code == 0
    docs, _ = gather_documents([CORPUS], metadata=_metadata(
        ["003_16daae7c1b36e9cd.published=2022-10-11", "003_16daae7c1b36e9cd.source=CNN"]))
    doc = next(d for d in docs if d.id == "003_16daae7c1b36e9cd")
    assert (doc.published, doc.source, doc.origins["published"]) == (date(2022, 10, 11), "CNN", "cli")
    code, _, err = run(capsys, "estimate", str(CORPUS), "--meta", "003.colour=red")
    assert code == 2 and "expected DOC.FIELD=VALUE" in err and err.count("\n") == 1


def test_a_wait_the_provider_asks_for_is_shown_in_a_log(tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Officials met on Monday. Nothing else.", encoding="utf-8")
    replies = [error(429, "Rate limit reached for requests", headers={"retry-after": "1"})]
    with FakeOpenAI(model=lambda body: replies.pop() if replies else first_sentence_model(body)) \
            as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-progress")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code = main(["report", str(corpus), "--mode", "record", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 0
    assert "rate-limited by the provider, resuming in 1 s" in err.splitlines()


def test_python_dash_m_checker_is_the_checker_command(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "checker", "report", str(CORPUS), *REPLAY,
                           "--out", str(out), "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and json.loads(done.stdout)["contradictions"] > 0
    assert {p.name for p in out.iterdir()} >= {"report.json", "report.md", "report.html"}
    done = subprocess.run([sys.executable, "-m", "checker", "report", str(tmp_path / "missing")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("checker: error: ")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_out_that_is_a_file_is_one_line_exit_2_before_anything_runs(tmp_path, capsys):
    target = tmp_path / "report"
    target.write_text("an editor's notes, not a folder")
    code, out, err = run(capsys, "report", str(CORPUS), "--cassette", str(SAMPLE_CASSETTE),
                         "--mode", "replay", "--out", str(target))
    assert code == 2 and out == ""
    assert err == f"checker: error: --out {target} is a file; reports go into a folder\n"
    assert target.read_text() == "an editor's notes, not a folder"


def test_report_dash_reads_the_article_from_standard_input(tmp_path, monkeypatch, capsys):
    import io
    import sys
    article = "Bridge closes\n\nThe Old Mill bridge closed on 3 March, the council said.\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(article.encode()), encoding="utf-8"))
    code = main(["estimate", "-", "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and err == "" and json.loads(out)["calls"] >= 1


def test_estimate_and_report_list_every_file_a_folder_skips(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "story.txt").write_text("The bridge closed on 3 March. The council said so.")
    (corpus / "scan.tiff").write_bytes(b"II*\x00")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7 cut short")
    code = main(["estimate", str(corpus)])
    _, err = capsys.readouterr()
    assert code == 0 and err.splitlines() == [
        f"warning: {corpus / 'broken.pdf'}: not a readable PDF (Stream has ended unexpectedly)",
        f"warning: {corpus / 'scan.tiff'}: skipped: unsupported file type .tiff; expected .txt, .md, "
        ".html, .htm, .pdf, .docx or .jsonl"]
    code = main(["report", str(corpus), "--mode", "replay", "--quiet", "--cassette",
                 str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "out")])
    _, err = capsys.readouterr()
    assert "warning: " + str(corpus / "scan.tiff") + ": skipped" in err and "Traceback" not in err
