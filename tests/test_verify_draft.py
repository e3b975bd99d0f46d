"""`checker verify` and `check_draft` as a user meets them, on stand-in models over real HTTP:
verdicts with grounded evidence, the gate and its exit codes, one-line errors for bad input, the
batch path (export -> import), and the source side answered by a `checker report` recording."""
from __future__ import annotations

import json
import shutil

import pytest
from conftest import CORPUS, SAMPLE_CASSETTE
from draft_model import draft_model
from oai_server import FakeOpenAI, completion

from checker import check_draft
from checker.cli import main
from checker.draft_report import DraftReport, ungrounded

SOURCES = {
    "a.txt": 'The bridge will close on 3 March for repairs. The mayor said "the repairs will last '
             'six weeks at most" on Monday.\n',
    "b.txt": "Council officials said the bridge closure would cost 2 million euros. Work on the "
             "bridge began in late 2022.\n",
}
DRAFT = ('The bridge will close on 3 March for repairs. The mayor said "the repairs will last six '
         'weeks at most".\n\nThe bridge closure will cost 5 million euros, Council '
         "officials said. A library opens in June.\n")


@pytest.fixture
def story(tmp_path):
    (tmp_path / "sources").mkdir()
    for name, text in SOURCES.items():
        (tmp_path / "sources" / name).write_text(text, encoding="utf-8")
    (tmp_path / "draft.txt").write_text(DRAFT, encoding="utf-8")
    return tmp_path


@pytest.fixture
def server(monkeypatch):
    with FakeOpenAI(model=draft_model()) as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-draft")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        yield fake


def verify(capsys, story, *extra, draft="draft.txt", mode="record"):
    code = main(["verify", str(story / draft), "--against", str(story / "sources"), "--cassette",
                 str(story / "answers.jsonl"), "--mode", mode, "--out", str(story / "out"),
                 "--quiet", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def written(story) -> DraftReport:
    texts = {"draft": DRAFT, **{name[:-4]: text for name, text in SOURCES.items()}}
    return DraftReport.read(story / "out" / "verify.json", texts)


def by_statement(report: DraftReport) -> dict[str, dict]:
    return {c["statement"].split(",")[0].split(" on ")[0]: c for c in report.data["claims"]}


def test_every_draft_claim_gets_a_verdict_with_evidence_grounded_both_ways(story, server, capsys):
    code, _, err = verify(capsys, story)
    assert code == 0 and err == ""
    assert {p.name for p in (story / "out").iterdir()} == {"verify.json", "verify.md", "verify.html"}
    report = written(story)
    assert report.validate() == [] and ungrounded(report.data, report.texts) == []
    claims = by_statement(report)
    assert claims["The bridge will close"]["verdict"] == "supported"
    assert claims["The bridge closure will cost 5 million euros"]["verdict"] == "contradicted"
    assert claims["The bridge closure will cost 5 million euros"]["type"] == "numeric"
    # identical quoted words of the same speaker: supported without asking
    quoted = claims['The mayor said "the repairs will last six weeks at most".']
    assert quoted["verdict"] == "supported" and quoted["decided_by"] == "quote-alignment"
    assert quoted["evidence"][0]["quote"]["text"] == "the repairs will last six weeks at most"
    assert claims["A library opens in June."]["verdict"] == "not_in_sources"
    assert report.data["counts"] == {"contradicted": 1, "misquoted": 0, "not_in_sources": 1,
                                     "supported": 2}
    assert all(c["evidence"] for c in report.data["claims"] if c["verdict"] != "not_in_sources")
    # the draft rides the sources' cassette: the model was asked for the draft's two checks only
    checks = [r for r in server.requests if r["response_format"]["json_schema"]["name"] == "check_draft"]
    assert len(checks) == 2
    md = (story / "out" / "verify.md").read_text()
    assert "## Contradicted by the sources (1)" in md and "## Verdicts" in md
    assert "contradicted by: “Council officials said the bridge closure would cost 2 million euros.”" in md


@pytest.mark.parametrize("level", ["contradicted", "misquoted", "unsupported"])
def test_the_gate_trips_with_exit_1(story, server, capsys, level):
    code, _, err = verify(capsys, story, "--fail-on", level)
    tripped = {"contradicted": 1, "misquoted": 1, "unsupported": 2}[level]
    assert code == 1 and f"{tripped} draft claims trip --fail-on {level}" in err


def test_the_gate_passes_with_exit_0_when_every_claim_is_supported(story, server, capsys):
    (story / "draft.txt").write_text("The bridge will close on 3 March for repairs.\n")
    code, _, err = verify(capsys, story, "--fail-on", "unsupported")
    assert code == 0 and err == ""
    assert written(story).data["counts"]["supported"] == 1


def test_a_misquotation_is_judged_on_the_aligned_words(story, monkeypatch, capsys):
    def judge(block):
        if "worded differently" in block:
            return {"verdict": "misquoted", "support": [], "against": [1], "kind": None, "type": None}
        return {"verdict": "supported", "support": [1], "against": [], "kind": None, "type": None}

    (story / "draft.txt").write_text('The mayor said "the repairs will last six months at most".\n')
    with FakeOpenAI(model=draft_model(judge)) as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-draft")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        code, _, _ = verify(capsys, story, "--fail-on", "misquoted")
        asked = [r for r in fake.requests if r["response_format"]["json_schema"]["name"] == "check_draft"]
    assert code == 1
    assert "'weeks' -> 'months'" in asked[0]["messages"][1]["content"]
    (claim,) = written(story).data["claims"]
    assert claim["verdict"] == "misquoted" and claim["type"] == "quote"
    assert claim["quote"]["text"] == "the repairs will last six months at most"
    assert claim["evidence"][0]["quote"]["text"] == "the repairs will last six weeks at most"


def test_times_the_normalisers_show_compatible_are_not_a_contradiction(story, monkeypatch, capsys):
    def judge(block):
        return {"verdict": "contradicted", "support": [], "against": [1], "kind": "reporting",
                "type": "temporal"}

    (story / "draft.txt").write_text("Work on the bridge began at the end of 2022.\n")
    with FakeOpenAI(model=draft_model(judge)) as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-draft")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        code, _, _ = verify(capsys, story, "--fail-on", "contradicted")
    (claim,) = written(story).data["claims"]
    assert code == 0 and claim["verdict"] == "supported"
    assert "temporal values overlap once normalised" in claim["note"]


def test_exit_3_when_an_answer_is_missing_in_replay(story, capsys):
    code, _, err = verify(capsys, story, mode="replay")
    assert code == 3 and "cassette miss for prompt 'extract_claims@" in err
    assert f"checker export {story / 'draft.txt'} --against" in err


@pytest.mark.parametrize(("setup", "message"), [
    ("missing", "no such file"), ("empty", "empty"), ("folder", "is a folder"),
    ("no-sources", "no sources to check the draft against")])
def test_bad_input_is_one_line_and_exit_2(story, capsys, setup, message):
    draft = "draft.txt"
    if setup == "missing":
        draft = "nowhere.txt"
    elif setup == "empty":
        (story / "draft.txt").write_text("")
    elif setup == "folder":
        draft = "sources"
    else:
        shutil.rmtree(story / "sources")
        (story / "sources").mkdir()
    code, _, err = verify(capsys, story, draft=draft, mode="replay")
    assert code == 2 and err.startswith("checker: error: ") and err.count("\n") == 1
    assert message in err and "Traceback" not in err


def test_the_library_has_the_same_contract(story, server):
    report = check_draft(story / "draft.txt", [story / "sources"], mode="live")
    assert isinstance(report, DraftReport) and report.gate("contradicted") == 1
    assert report.gate(None) == 0 and report.validate() == []
    assert len(report.data["claims"]) == 4 and not report.data["run"]["unchecked"]


def answer_batch(batch: str, model) -> str:
    """A Batch API output file for a batch input file, answered by a stand-in model."""
    lines = []
    for n, line in enumerate(batch.splitlines()):
        request = json.loads(line)
        lines.append(json.dumps({"id": f"line-{n}", "custom_id": request["custom_id"], "response": {
            "status_code": 200, "body": completion(model(request["body"]))}, "error": None}))
    return "\n".join(lines) + "\n"


def test_export_and_import_record_a_draft_check_stage_by_stage(story, capsys):
    cassette, batch, output = story / "answers.jsonl", story / "batch.jsonl", story / "output.jsonl"
    rounds = []
    for _ in range(4):
        code = main(["export", str(story / "draft.txt"), "--against", str(story / "sources"),
                     "--cassette", str(cassette), "--out", str(batch), "--json"])
        summary = json.loads(capsys.readouterr().out)
        assert code == 0
        if not summary["exported"]:
            break
        rounds.append((summary["stage"], summary["exported"]))
        output.write_text(answer_batch(batch.read_text(), draft_model()))
        assert main(["import", str(output), "--cassette", str(cassette), "--json"]) == 0
        capsys.readouterr()
    assert rounds == [("extract", 3), ("check_draft", 2)]
    code, _, err = verify(capsys, story, "--fail-on", "contradicted", mode="replay")
    assert code == 1 and written(story).data["counts"]["contradicted"] == 1


def test_the_sources_side_is_the_report_recording(tmp_path, capsys):
    """A cassette recorded for `checker report fixtures/corpus` answers every source request of
    a draft check: exporting lists the draft's requests only."""
    shutil.copy(SAMPLE_CASSETTE, tmp_path / "c.jsonl")
    draft = tmp_path / "my-draft.md"
    draft.write_text("Elon Musk has spoken with Vladimir Putin regularly since late 2022.\n")
    code = main(["export", str(draft), "--against", str(CORPUS), "--cassette",
                 str(tmp_path / "c.jsonl"), "--out", str(tmp_path / "batch.jsonl"), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["stage"] == "extract" and summary["exported"] == 1
    (line,) = (tmp_path / "batch.jsonl").read_text().splitlines()
    assert "1\tElon Musk has spoken with Vladimir Putin regularly since late 2022.\n" in \
        json.loads(line)["body"]["messages"][1]["content"]



def test_a_paraphrase_around_a_faithful_quotation_still_goes_to_the_model():
    from checker.draft_candidates import DraftItem, QuoteMatch, SourcePassage
    from checker.draft_run import _mostly_quoted
    from checker.types import Passage
    text = 'He said he had spoken to Putin only once, and that "the subject matter was space."'
    start = text.index("the subject")
    match = QuoteMatch((start, start + len("the subject matter was space.")), ("s", 0, 10), ())
    source = SourcePassage(Passage("s", 0, 10, ()), (), match)
    paraphrase = DraftItem("c1", Passage("draft", 0, len(text), ("c1",)), (source,))
    assert not _mostly_quoted(paraphrase)
    quoted_only = DraftItem("c1", Passage("draft", start - 10, len(text), ("c1",)), (source,))
    assert _mostly_quoted(quoted_only)
