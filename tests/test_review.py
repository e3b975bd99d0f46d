"""Editors review findings once: stable ids, a review file, hidden dismissals, CI gates, stale entries."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import CORPUS, SAMPLE_CASSETTE, passage_of, schema_of

from checker import check
from checker.cli import main
from checker.load import make_document
from checker.model import ModelRequest, ModelResponse
from checker.review import read_review
from checker.settings import Settings


@pytest.fixture
def corpus(tmp_path):
    """The sample corpus in a folder of its own, so a review.toml can sit beside it."""
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def report_cmd(corpus, out, *extra):
    return ["report", str(corpus), "--cassette", str(SAMPLE_CASSETTE), "--mode", "replay",
            "--out", str(out), "--quiet", *extra]


def load(out):
    return json.loads((out / "report.json").read_text())


def test_rerunning_the_sample_gives_identical_finding_ids(corpus, tmp_path):
    first = check([corpus], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE)
    second = check([corpus], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE)
    ids = [f["id"] for f in first.data["contradictions"]]
    assert ids and ids == [f["id"] for f in second.data["contradictions"]]
    assert all(re.fullmatch(r"f-[0-9a-f]{12}", i) for i in ids)


def honest_model(request: ModelRequest) -> ModelResponse:
    """A stand-in model: one claim per sentence, naming the ministry; a sentence with "not" is a
    denial, and conflicts with a sentence without it."""
    body = {"messages": [{"role": r, "content": c} for r, c in request.messages],
            "response_format": {"json_schema": {"name": request.schema_id}}}
    user = body["messages"][1]["content"]
    if schema_of(body) == "extract_claims":
        sentences = re.findall(r"^(\d+)\t(.*)$", passage_of(body), re.M)
        answer = {"claims": [
            {"s": int(n), "claim": text, "by": [], "people": [], "orgs": ["Ministry"],
             "stance": "denied" if " not " in f" {text} " else "asserted", "times": [], "amounts": []}
            for n, text in sentences]}
    elif schema_of(body) == "survey_story":
        answer = {"summaries": [], "tensions": []}
    else:
        answer = {"verdicts": []}
        for label, block in re.findall(r"^\[(K\d+)\]\n(.*?)(?=^\[K\d+\]|\Z)", user, re.M | re.S):
            denials = [" not " in f" {s} " for s in re.findall(r'^   sentence: "(.*)"$', block, re.M)]
            conflict = len(set(denials)) == 2
            answer["verdicts"].append({
                "k": label, "verdict": "conflict" if conflict else "compatible",
                "kind": "dispute" if conflict else None, "type": "factual" if conflict else None,
                "changes_meaning": conflict, "a": "fact", "b": "fact",
                "why": "One denies the other." if conflict else "Both can be true."})
    return ModelResponse(raw=json.dumps(answer), model="honest")


STORY = {"a": "The ministry approved the budget on Monday. Officials cheered.",
         "b": "The ministry did not approve the budget on Monday. The vote was delayed."}


def test_adding_a_document_keeps_the_existing_finding_ids():
    documents = [make_document(doc_id, text) for doc_id, text in STORY.items()]
    before = check(documents, transport=honest_model).data["contradictions"]
    extra = make_document("c", "A spokesman for the ministry praised the budget on Monday.")
    after = check(documents + [extra], transport=honest_model).data["contradictions"]
    assert len(before) == 1 and len(after) == 1
    side_of = lambda finding, doc: next(s for s in finding["sides"] if doc in s["doc_ids"])  # noqa: E731
    grown, held = side_of(after[0], "a"), side_of(before[0], "a")
    assert set(held["claim_ids"]) < set(grown["claim_ids"]) and grown["doc_ids"] == ["a", "c"]
    assert side_of(after[0], "b") == side_of(before[0], "b")
    assert after[0]["id"] == before[0]["id"], "a third document joined a side; the id must stay"


def test_a_review_follows_a_finding_that_grew_and_keeps_its_id():
    from checker.review import ReviewEntry, apply_review
    claims = [{"id": cid, "doc_id": doc, "text": text} for cid, doc, text in
              (("c1", "a", "approved"), ("c2", "b", "not approved"), ("c3", "z", "approved too"))]
    grown = {"id": "f-new", "severity": "high", "sides": [
        {"claim_ids": ["c1", "c3"], "doc_ids": ["a", "z"]}, {"claim_ids": ["c2"], "doc_ids": ["b"]}]}
    data = {"claims": claims, "contradictions": [grown], "run": {}}
    entry = ReviewEntry("f-old", "confirmed", "ed", "2026-11-01", "checked",
                        (("a", "approved"), ("b", "not approved")))
    texts = {"a": "approved", "b": "not approved", "z": "approved too"}
    [finding] = apply_review(data, [entry], texts, source="r.toml")["contradictions"]
    assert finding["id"] == "f-old" and finding["review"]["verdict"] == "confirmed"
    other = ReviewEntry("f-x", "dismissed", "ed", "2026-11-01", "", (("q", "elsewhere"),))
    [untouched] = apply_review({**data, "contradictions": [grown]}, [other], texts,
                               source="r.toml")["contradictions"]
    assert untouched["id"] == "f-new" and untouched["review"] is None


def test_a_dismissed_finding_is_hidden_by_default_and_does_not_trip_the_gate(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(report_cmd(corpus, out, "--fail-on", "high")) == 1
    highs = [f for f in load(out)["contradictions"] if f["severity"] == "high"]
    review = corpus / "review.toml"
    for finding in highs:
        assert main(["review", "set", finding["id"], "--verdict", "dismissed", "--by", "ed",
                     "--note", "different translations", "--report", str(out / "report.json"),
                     "--review", str(review)]) == 0
    capsys.readouterr()
    assert {e.verdict for e in read_review(review)} == {"dismissed"}
    assert main(report_cmd(corpus, out, "--fail-on", "high")) == 0  # review.toml found beside corpus
    data = load(out)
    shown = {f["id"] for f in data["contradictions"]}
    assert not shown & {f["id"] for f in highs}
    assert data["run"]["review"]["dismissed_hidden"] == len(highs)
    markdown = (out / "report.md").read_text()
    assert not any(f["id"] in markdown for f in highs)
    assert main(report_cmd(corpus, out, "--show-dismissed")) == 0
    revealed = {f["id"]: f for f in load(out)["contradictions"]}
    assert revealed[highs[0]["id"]]["review"] == {"verdict": "dismissed", "by": "ed",
                                                  "at": revealed[highs[0]["id"]]["review"]["at"],
                                                  "note": "different translations"}


def test_fail_on_new_ignores_baselined_findings_and_catches_unreviewed_ones(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(report_cmd(corpus, out, "--fail-on-new")) == 1
    review = corpus / "review.toml"
    assert main(["review", "baseline", "--report", str(out / "report.json"), "--review", str(review),
                 "--by", "ci"]) == 0
    assert main(report_cmd(corpus, out, "--fail-on-new")) == 0
    entries = review.read_text().split("[[finding]]")
    review.write_text("[[finding]]".join(entries[:-1]).rstrip() + "\n")  # forget one finding
    assert main(report_cmd(corpus, out, "--fail-on-new")) == 1
    assert "1 new findings" in capsys.readouterr().err


def test_a_review_entry_whose_evidence_is_gone_is_reported_stale(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    main(report_cmd(corpus, out))
    finding = load(out)["contradictions"][0]
    review = corpus / "review.toml"
    main(["review", "set", finding["id"], "--verdict", "confirmed", "--by", "ed",
          "--report", str(out / "report.json"), "--review", str(review)])
    entry = read_review(review)[0]
    doc_id, evidence = entry.evidence[0]
    text = (corpus / f"{doc_id}.txt").read_text()
    (tmp_path / "edited").mkdir()
    for path in corpus.glob("*.txt"):
        body = path.read_text()
        (tmp_path / "edited" / path.name).write_text(body.replace(evidence, "[passage removed]")
                                                     if path.stem == doc_id else body)
    assert evidence in text
    from checker.review import apply_review
    texts = {p.stem: p.read_text() for p in (tmp_path / "edited").glob("*.txt")}
    data = apply_review(load(out), read_review(review), texts, source=str(review))
    assert [s["id"] for s in data["run"]["review"]["stale"]] == [finding["id"]]
    original = {p.stem: p.read_text() for p in corpus.glob("*.txt")}
    unchanged = apply_review(load(out), read_review(review), original, source=str(review))
    assert unchanged["run"]["review"]["stale"] == []


def test_review_list_shows_states_and_a_bad_verdict_is_a_one_line_error(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    main(report_cmd(corpus, out))
    review = corpus / "review.toml"
    first = load(out)["contradictions"][0]["id"]
    main(["review", "set", first, "--verdict", "needs-follow-up", "--by", "ed",
          "--report", str(out / "report.json"), "--review", str(review)])
    capsys.readouterr()
    assert main(["review", "list", "--report", str(out / "report.json"), "--review", str(review),
                 "--json"]) == 0
    rows = {r["id"]: r["verdict"] for r in json.loads(capsys.readouterr().out)["findings"]}
    assert rows[first] == "needs-follow-up" and "new" in rows.values()
    review.write_text('[[finding]]\nid = "f-1"\nverdict = "maybe"\nby = "x"\nat = "2026-01-01"\n')
    assert main(report_cmd(corpus, out)) == 2
    err = capsys.readouterr().err
    assert "verdict 'maybe'" in err and err.count("\n") == 1


BAD_REVIEW_FILES = {  # review.toml -> the words of its one error line
    "finding = [1, 2]": ("finding = [1, 2]\n", "finding entry 1 is not a table"),
    "evidence = [1]": ('[[finding]]\nid = "f-1"\nverdict = "confirmed"\nby = "ed"\nat = "2026-01-01"\n'
                       "evidence = [1]\n", "finding entry 1: evidence is not a list of text"),
    "an id that is a number": ('[[finding]]\nid = 7\nverdict = "confirmed"\nby = "ed"\nat = "x"\n',
                               "finding entry 1: id is not text"),
    "finding = 3": ("finding = 3\n", "`finding` is not a list of [[finding]] tables"),
    "nested 100,000 deep": ("x = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested deeper than 100"),
    "not TOML": ("[[finding\n", "cannot read review file"),
}


@pytest.mark.parametrize("kind", list(BAD_REVIEW_FILES), ids=list(BAD_REVIEW_FILES))
def test_a_bad_review_file_is_one_error_line_naming_it(kind, corpus, tmp_path, capsys):
    review = corpus / "review.toml"
    content, words = BAD_REVIEW_FILES[kind]
    review.write_text(content)
    assert main(report_cmd(corpus, tmp_path / "out")) == 2
    err = capsys.readouterr().err
    assert err.startswith("checker: error: ") and str(review) in err and words in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_review_file_that_is_a_fifo_is_refused_without_blocking(corpus, tmp_path, capsys, no_hang):
    import os
    os.mkfifo(corpus / "review.toml")
    assert main(report_cmd(corpus, tmp_path / "out")) == 2
    assert "a FIFO (named pipe), not a regular review file" in capsys.readouterr().err


def test_review_list_on_a_file_that_is_no_report_is_one_line(tmp_path, capsys):
    report = tmp_path / "report.json"
    for content in ("[" * 100_000 + "]" * 100_000, '{"claims": 1}'):
        report.write_text(content)
        assert main(["review", "list", "--report", str(report), "--review",
                     str(tmp_path / "r.toml")]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"checker: error: cannot read report {report}: ") and err.count("\n") == 1


EDITED_REVIEW = '''# Desk review of the Musk-Putin story. Ask Ann before dismissing anything.

[[finding]]
id = "{second}"  # the Kremlin denial
verdict = "needs-follow-up"  # call the WSJ desk
by = "ann"
at = 2026-01-05
note = ""

# Older entries below this line.
[[finding]]
id = "{first}"
verdict = "baseline"
by = "ci"
at = "2026-01-01"
'''


def test_editors_comments_and_order_survive_review_set_and_baseline(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    main(report_cmd(corpus, out))
    ids = [f["id"] for f in load(out)["contradictions"]]
    review = corpus / "review.toml"
    review.write_text(EDITED_REVIEW.format(first=ids[0], second=ids[1]), encoding="utf-8")
    assert main(["review", "set", ids[1], "--verdict", "dismissed", "--by", "bob", "--note",
                 "same fact", "--report", str(out / "report.json"), "--corpus", str(corpus)]) == 0
    assert main(["review", "baseline", "--by", "ci", "--report", str(out / "report.json"),
                 "--corpus", str(corpus)]) == 0
    text = review.read_text(encoding="utf-8")
    for kept in ("# Desk review of the Musk-Putin story. Ask Ann before dismissing anything.",
                 f'id = "{ids[1]}"  # the Kremlin denial', 'verdict = "dismissed"  # call the WSJ desk',
                 "# Older entries below this line.", 'at = "2026-01-01"'):
        assert kept in text
    assert text.index(ids[1]) < text.index(ids[0]) < text.index(ids[2])  # editors' order, new last
    entries = {e.id: e for e in read_review(review)}
    assert (entries[ids[1]].verdict, entries[ids[1]].by, entries[ids[1]].note) == ("dismissed", "bob",
                                                                                   "same fact")
    assert entries[ids[1]].evidence  # what the finding linked, for staleness checks
    assert entries[ids[0]].verdict == "baseline" and entries[ids[2]].verdict == "baseline"


def test_review_finds_the_review_file_as_report_does(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    main(report_cmd(corpus, out))
    first = load(out)["contradictions"][0]["id"]
    report = str(out / "report.json")
    assert main(["review", "list", "--report", report]) == 2  # made without one: ask, don't guess
    err = capsys.readouterr().err
    assert "pass --corpus" in err and err.count("\n") == 1 and "Traceback" not in err
    assert main(["review", "set", first, "--verdict", "confirmed", "--by", "ed", "--report", report,
                 "--corpus", str(corpus)]) == 0
    assert [e.id for e in read_review(corpus / "review.toml")] == [first]
    main(report_cmd(corpus, out))  # picks review.toml up beside the corpus, and says so in the report
    capsys.readouterr()
    assert main(["review", "list", "--report", report, "--json"]) == 0  # the file the report used
    rows = {r["id"]: r["verdict"] for r in json.loads(capsys.readouterr().out)["findings"]}
    assert rows[first] == "confirmed"


def test_the_reviewer_defaults_to_gits_user_name(corpus, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    main(report_cmd(corpus, out))
    first = load(out)["contradictions"][0]["id"]
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Ann Editor\n", encoding="utf-8")
    monkeypatch.delenv("CHECKER_REVIEWER", raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    assert main(["review", "set", first, "--verdict", "confirmed", "--report",
                 str(out / "report.json"), "--corpus", str(corpus)]) == 0
    assert read_review(corpus / "review.toml")[0].by == "Ann Editor"


def test_a_corpus_that_does_not_exist_is_one_line_not_a_review_file_elsewhere(tmp_path, capsys,
                                                                              monkeypatch):
    out = tmp_path / "out"
    main(report_cmd(CORPUS, out))
    first = load(out)["contradictions"][0]["id"]
    monkeypatch.chdir(tmp_path)
    assert main(["review", "set", first, "--verdict", "confirmed", "--by", "ed",
                 "--report", str(out / "report.json"), "--corpus", "artciles/"]) == 2
    err = capsys.readouterr().err
    assert err == "checker: error: --corpus artciles/: no such file or folder\n"
    assert not (tmp_path / "review.toml").exists()
