"""Bad input through the command line: every kind gets one line (an error, or a warning when other
documents are still usable) and a documented exit code (README "Exit codes": 2 for bad input,
3 when results are incomplete), never a traceback.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import first_sentence_model, read_only
from oai_server import FakeOpenAI

from checker.cli import main

GOOD = {"a.txt": "Officials met on Monday. They said little else.",
        "b.md": "The bridge opened in May, a second outlet says. Nothing more."}


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--quiet"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


def replay(tmp_path: Path, *inputs: Path | str) -> list[str]:
    return ["report", *map(str, inputs), "--mode", "replay",
            "--cassette", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "out")]


def make(tmp_path: Path, kind: str) -> Path:
    """One input of a bad kind, alone."""
    path = tmp_path / "in"
    if kind == "empty file":
        path = path.with_suffix(".txt")
        path.write_bytes(b"")
    elif kind == "whitespace only":
        path = path.with_suffix(".md")
        path.write_bytes(b"  \n\t\r\n")
    elif kind == "binary file":
        path = path.with_suffix(".txt")
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    elif kind == "invalid UTF-8":
        path = path.with_suffix(".txt")
        path.write_bytes(bytes(range(1, 256)))  # no encoding reads it: latin-1 would be detected
    elif kind == "missing path":
        path = tmp_path / "no-such-folder"
    elif kind == "glob matching nothing":
        path = tmp_path / "*.nothing"
    elif kind == "unsupported file":
        path = path.with_suffix(".rtf")
        path.write_bytes(b"{\\rtf1 Story}")
    elif kind == "folder without readable files":
        path.mkdir()
        (path / "scan.tiff").write_bytes(b"II*\x00")
        (path / ".hidden.txt").write_text("Hidden files are skipped.")
    elif kind == "symlink to itself":
        path = path.with_suffix(".txt")
        path.symlink_to(path.name)
    elif kind == "broken symlink":
        path = path.with_suffix(".txt")
        path.symlink_to("gone.txt")
    elif kind == "folder whose only entry loops back":
        path.mkdir()
        (path / "again").symlink_to(".", target_is_directory=True)
    elif kind == "feed of bad lines":
        path = path.with_suffix(".jsonl")
        path.write_text('{"id": "x", "text": \n[1, 2]\n{"id": "", "text": "t"}\n'
                        '{"id": "y", "text": "Bad \\ud800 escape."}\n', encoding="utf-8")
    return path


ALONE = {  # kind -> words of the one error line
    "empty file": "file is empty",
    "whitespace only": "only whitespace",
    "binary file": "looks like a binary file",
    "invalid UTF-8": "not valid UTF-8 (byte 0x80 at offset 127), nor text in any encoding detected",
    "missing path": "no such file or folder",
    "glob matching nothing": "no files match this pattern",
    "unsupported file": "unsupported file type .rtf",
    "folder without readable files": "no .txt, .md, .html, .htm, .pdf, .docx or .jsonl files in this folder",
    "symlink to itself": "cannot read (Too many levels of symbolic links)",
    "broken symlink": "no such file (a broken link?)",
    "folder whose only entry loops back": "symbolic link loops back",
    "feed of bad lines": "line 1: not valid JSON",
}


@pytest.mark.parametrize("kind", list(ALONE), ids=list(ALONE))
def test_nothing_usable_is_one_error_line_and_exit_2(kind, tmp_path, capsys):
    path = make(tmp_path, kind)
    code, _, err = cli(capsys, *replay(tmp_path, path))
    assert code == 2
    assert err.startswith("checker: error: no documents loaded; first problem: ")
    assert err.count("\n") == 1 and ALONE[kind] in err and str(path) in err


@pytest.mark.parametrize("kind", ["binary file", "invalid UTF-8", "symlink to itself"])
def test_strict_stops_at_the_first_bad_file_with_one_line_and_exit_2(kind, tmp_path, capsys):
    good = tmp_path / "a.txt"
    good.write_text(GOOD["a.txt"])
    code, _, err = cli(capsys, *replay(tmp_path, good, make(tmp_path, kind)), "--strict")
    assert code == 2 and err.count("\n") == 1 and ALONE[kind] in err


def test_bad_inputs_beside_good_ones_are_one_warning_each_and_the_run_completes(
        tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in GOOD.items():
        (corpus / name).write_text(text, encoding="utf-8")
    (corpus / "copy.txt").write_text(GOOD["a.txt"] + "\n")  # the same text again
    (corpus / "sub").mkdir()
    (corpus / "sub" / "a.txt").write_text("A different story with a clashing id. Really.")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "image.txt").write_bytes(b"GIF89a\x00\x01")
    (corpus / "latin.md").write_bytes("A naïve story, in latin-1.".encode("latin-1"))  # detected, read
    (corpus / "gone.txt").symlink_to("nowhere.txt")
    (corpus / "self.txt").symlink_to("self.txt")
    (corpus / "loop").symlink_to(".", target_is_directory=True)
    (corpus / "feed.jsonl").write_text('{"id": "f1", "text": "A feed story. It ran."}\nnot json\n',
                                       encoding="utf-8")
    (corpus / "manifest.json").write_text("{not json")
    with FakeOpenAI(model=first_sentence_model) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-bad-input")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code, _, err = cli(capsys, "report", str(corpus), str(tmp_path / "missing.txt"),
                           "--mode", "record", "--cassette", str(tmp_path / "c.jsonl"),
                           "--out", str(tmp_path / "out"))
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    problems = report["run"]["load_problems"]
    assert sorted(p["reason"] for p in problems) == sorted([
        "not-found", "duplicate-content", "duplicate-id", "empty", "binary", "not-found",
        "symlink-loop", "symlink-loop", "bad-feed-line", "bad-metadata"])
    lines = err.splitlines()
    assert lines == [f"warning: {p['message']}" for p in problems]
    assert code == 0 and report["run"]["failures"] == []
    assert [d["id"] for d in report["documents"]] == ["a", "b", "f1", "latin"]


def test_a_file_name_that_is_not_utf8_is_checked_under_a_readable_id(tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD["a.txt"])
    with open(os.path.join(os.fsencode(corpus), b"r\xe9sum\xe9.txt"), "w") as handle:
        handle.write("A story under a Latin-1 file name. It ran.")
    with open(os.path.join(os.fsencode(corpus), b"\xff.txt"), "wb") as handle:
        handle.write(b"")  # and a problem that names such a file
    with FakeOpenAI(model=first_sentence_model) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-bad-input")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code, _, err = cli(capsys, "report", str(corpus), "--mode", "record",
                           "--cassette", str(tmp_path / "c.jsonl"), "--out", str(tmp_path / "out"))
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert code == 0 and [d["id"] for d in report["documents"]] == ["a", "r\\xe9sum\\xe9"]
    assert report["run"]["load_problems"][0]["message"].endswith("\\xff.txt: file is empty")
    assert err == f"warning: {report['run']['load_problems'][0]['message']}\n"


def test_a_20_mb_document_reaches_the_model_stage_and_stops_with_one_line(tmp_path, capsys):
    paragraph = "The council met on Monday about the bridge. Officials said little. " * 15 + "\n\n"
    big = tmp_path / "big.txt"
    big.write_text("Big story\n" + paragraph * (20_000_000 // len(paragraph)), encoding="utf-8")
    code, _, err = cli(capsys, *replay(tmp_path, big))
    assert code == 3 and err.count("\n") == 1
    assert err.startswith("checker: error: cassette miss for prompt 'extract_claims@")
    assert "To re-record" in err


def test_ten_thousand_tiny_documents_load_and_the_first_problem_is_one_line(tmp_path, capsys):
    corpus = tmp_path / "many"
    corpus.mkdir()
    for number in range(10_000):
        (corpus / f"{number:05d}.txt").write_text(f"Story number {number} ran.")
    (corpus / "zz.txt").write_text("Story number 9999 ran.\n")  # the last file read repeats one
    code, _, err = cli(capsys, *replay(tmp_path, corpus), "--strict")
    assert code == 2 and err.count("\n") == 1
    assert "zz.txt: same text as" in err and "09999.txt; skipped" in err


GOOD_ENTRY = ('{"key": "v1:1", "request": {"prompt": "p", "messages": []}, '
              '"response": {"raw": "{}", "model": "m"}, "provenance": {}}')
BAD_CASSETTES = {  # what the cassette holds -> the words of the one error line
    "corrupt line": (GOOD_ENTRY + "\ngarbage\n", "line 2 is not a cassette entry"),
    "a line nested 100,000 deep": (GOOD_ENTRY + "\n" + "[" * 100_000 + "]" * 100_000 + "\n",
                                   "line 2 is not a cassette entry: is not JSON (nested deeper"),
    "an entry with response {}": (GOOD_ENTRY.replace('{"raw": "{}", "model": "m"}', "{}") + "\n",
                                  "line 1 is not a cassette entry: response.raw is not text"),
    "an entry whose raw is not text": (GOOD_ENTRY.replace('"raw": "{}"', '"raw": ["{}"]') + "\n",
                                       "line 1 is not a cassette entry: response.raw is not text"),
    "a folder": (None, "is a folder, not a file"),
    "a FIFO": (None, "is a FIFO (named pipe), not a file"),
}


@pytest.mark.parametrize("kind", list(BAD_CASSETTES), ids=list(BAD_CASSETTES))
def test_an_unusable_cassette_is_one_error_line_and_exit_2(kind, tmp_path, capsys, no_hang):
    story = tmp_path / "a.txt"
    story.write_text(GOOD["a.txt"])
    cassette = tmp_path / "none.jsonl"
    content, words = BAD_CASSETTES[kind]
    if kind == "a folder":
        cassette.mkdir()
    elif kind == "a FIFO":
        os.mkfifo(cassette)  # reading it would wait for a writer forever
    else:
        cassette.write_text(content)
    code, _, err = cli(capsys, *replay(tmp_path, story))
    assert code == 2 and err.count("\n") == 1 and f"cassette {cassette}" in err and words in err


def test_a_read_only_cassette_in_record_mode_stops_before_any_model_call(tmp_path, monkeypatch, capsys):
    story = tmp_path / "a.txt"
    story.write_text(GOOD["a.txt"])
    cassette = tmp_path / "c.jsonl"
    cassette.write_text(GOOD_ENTRY + "\n")
    with FakeOpenAI(model=first_sentence_model) as server, read_only(cassette):
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-bad-input")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code, _, err = cli(capsys, "report", str(story), "--mode", "record", "--cassette",
                           str(cassette), "--out", str(tmp_path / "out"))
        assert code == 2 and err.startswith(f"checker: error: cannot record answers in cassette "
                                            f"{cassette}: ") and err.count("\n") == 1
        assert server.requests == []  # nothing was paid for


@pytest.mark.parametrize("kind", ["an existing file", "a read-only parent"])
def test_an_out_that_cannot_hold_the_report_stops_before_any_model_call(kind, tmp_path, monkeypatch,
                                                                       capsys):
    story = tmp_path / "a.txt"
    story.write_text(GOOD["a.txt"])
    parent = tmp_path / "parent"
    parent.mkdir()
    out = parent / "out"
    if kind == "an existing file":
        out.write_text("not a folder")
        words = f"checker: error: --out {out} is a file; reports go into a folder"
    else:
        words = f"checker: error: cannot write reports to {out}: "
    with FakeOpenAI(model=first_sentence_model) as server, read_only(parent):
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-bad-input")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code, _, err = cli(capsys, "report", str(story), "--mode", "record", "--cassette",
                           str(tmp_path / "c.jsonl"), "--out", str(out))
        assert code == 2 and err.startswith(words) and err.count("\n") == 1
        assert server.requests == []


def test_feed_lines_that_would_forge_lines_or_break_unicode_are_one_warning_each(tmp_path, capsys):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join([
        '{"id": "ok", "text": "A feed story. It ran."}',
        '{"id": "two\\nlines", "text": "An id with a line break in it."}',
        '{"id": "half", "text": "A lone \\ud800 surrogate."}',
        '{"id": "meta", "text": "Another story. It ran too.", "title": "T\\udc00"}']) + "\n",
        encoding="utf-8")
    code, _, err = cli(capsys, *replay(tmp_path, feed))
    *warnings, last = err.splitlines()
    assert warnings == [
        f'warning: {feed} line 2: "id" must be one line of printable text',
        f'warning: {feed} line 3: "text" holds an escaped lone surrogate, which is not Unicode text',
        f"warning: {feed} line 4: title is not Unicode text (an escaped lone surrogate)"]
    assert code == 3 and last.startswith("checker: error: cassette miss")  # ok and meta go on


def test_the_library_refuses_text_that_is_not_unicode():
    from checker.errors import InputError
    from checker.load import make_document
    with pytest.raises(InputError) as caught:
        make_document("x", "half a pair: \ud800")
    assert caught.value.reason == "invalid-unicode" and "\n" not in str(caught.value)


def test_a_fifo_or_a_device_in_the_corpus_is_one_warning_and_nothing_blocks(tmp_path, capsys, no_hang):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD["a.txt"])
    os.mkfifo(corpus / "pipe.txt")
    os.symlink("/dev/zero", corpus / "zero.txt")
    code, _, err = cli(capsys, *replay(tmp_path, corpus))
    assert err.splitlines()[:2] == [  # links are judged while walking, files when read
        f"warning: {corpus / 'zero.txt'}: symbolic link to /dev/zero, outside the folders and files "
        "named; not read (--follow-links reads it)",
        f"warning: {corpus / 'pipe.txt'}: a FIFO (named pipe), not a regular file; not read"]
    assert code == 3 and err.splitlines()[2].startswith("checker: error: cassette miss")
    code, _, err = cli(capsys, *replay(tmp_path, corpus), "--follow-links")
    assert err.splitlines()[1] == (f"warning: {corpus / 'zero.txt'}: a character device, not a "
                                   "regular file; not read")


def test_a_link_out_of_the_corpus_is_read_only_with_follow_links(tmp_path, capsys):
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "notes.txt").write_text("Private notes. Not for the model.")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD["a.txt"])
    os.symlink("..", corpus / "up")
    code, out, err = cli(capsys, "estimate", str(corpus), "--cassette", str(tmp_path / "c.jsonl"),
                         "--json")
    assert code == 0 and json.loads(out)["stages"][0]["calls"] == 1
    code, out, err = cli(capsys, "estimate", str(corpus), "--cassette", str(tmp_path / "c.jsonl"),
                         "--json", "--follow-links")
    assert code == 0 and json.loads(out)["stages"][0]["calls"] == 2


def test_a_file_over_checker_max_file_bytes_is_one_warning(tmp_path, capsys, monkeypatch):
    (tmp_path / "a.txt").write_text(GOOD["a.txt"])
    (tmp_path / "big.txt").write_text("A long story. " * 100)
    monkeypatch.setenv("CHECKER_MAX_FILE_BYTES", "1000")
    code, _, err = cli(capsys, *replay(tmp_path, tmp_path / "a.txt", tmp_path / "big.txt"))
    assert err.splitlines()[0] == (f"warning: {tmp_path / 'big.txt'}: larger than the 1,000-byte "
                                   "limit (CHECKER_MAX_FILE_BYTES); not read")


def test_meta_for_an_unknown_document_is_one_error_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(GOOD["a.txt"])
    code, _, err = cli(capsys, *replay(tmp_path, tmp_path / "a.txt"),
                       "--meta", "nosuchdoc.published=2024-10-25")
    assert code == 2 and err == ("checker: error: metadata for document 'nosuchdoc': no document "
                                 "loaded has that id\n")


DEEP = "[" * 100_000 + "]" * 100_000
HAZARDS = {  # input beside a good document -> the file its one warning names
    "front-matter date 2024-02-30": ("bad.md", "---\ndate: 2024-02-30\n---\nA body. It ran.\n"),
    "front-matter date 2024-13-01T25:61:00": ("bad.md",
                                              "---\ndate: 2024-13-01T25:61:00\n---\nA body. It ran.\n"),
    "deeply nested YAML": ("bad.md", "---\ntitle: " + "[" * 5_000 + "]" * 5_000 + "\n---\nA body.\n"),
    "deeply nested manifest.json": ("manifest.json", '{"a": ' + DEEP + "}"),
    "deeply nested feed line": ("bad.jsonl", '{"id": "x", "text": ' + DEEP + "}\n"),
}


@pytest.mark.parametrize("kind", list(HAZARDS), ids=list(HAZARDS))
def test_inputs_that_once_ended_in_a_traceback_are_one_warning(kind, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD["a.txt"])
    name, content = HAZARDS[kind]
    (corpus / name).write_text(content)
    code, _, err = cli(capsys, *replay(tmp_path, corpus))
    warning, error = err.splitlines()
    assert warning.startswith(f"warning: {corpus / name}") and code == 3
    assert error.startswith("checker: error: cassette miss")


@pytest.mark.parametrize("content", ["garbage\n", '{"prompt": "p", "messages": 5}\n',
                                     "[" * 100_000 + "]" * 100_000 + "\n"])
def test_an_unusable_pending_sidecar_is_one_error_line_naming_it(content, tmp_path, capsys):
    cassette = tmp_path / "c.jsonl"
    cassette.write_text(GOOD_ENTRY + "\n")
    (tmp_path / "c.pending.jsonl").write_text(content)
    code = main(["cassette", str(cassette)])
    assert code == 2 and capsys.readouterr().err == (
        f"checker: error: {tmp_path / 'c.pending.jsonl'} line 1 is not an exported request\n")
