"""Crash safety: `checker report` killed with SIGKILL part-way, its cassette's last line torn, then
run again, asks for no recorded answer twice and writes the report an uninterrupted run writes.

The runs are real subprocesses (pytest-socket does not reach them), so their environment is
built here: no proxy, and OPENAI_BASE_URL pointing at the local server on 127.0.0.1.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from conftest import ROOT
from oai_server import FakeOpenAI
from story_model import story_model

from checker.cassette import Cassette
from checker.cli import main

STORY = ["The bridge over the Elbe opened on Monday after six years of work.",
         "date 2024-10-25 The bridge over the Elbe opened on Tuesday, officials said.",
         "The new Elbe bridge cost 40 million euros according to the city.",
         "The Elbe bridge cost the city 55 million euros, its auditors found.",
         "Traffic on the Elbe bridge was light on the first morning.",
         "The mayor of the city cut a ribbon at the Elbe bridge ceremony."]


def write_story(folder: Path) -> Path:
    folder.mkdir()
    for n, text in enumerate(STORY):
        (folder / f"{n:02d}.txt").write_text(text + "\n\nNothing else was reported.\n", encoding="utf-8")
    return folder


def checker_env(server: FakeOpenAI) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CHECKER_", "OPENAI_")) and "proxy" not in k.lower()}
    return {**env, "OPENAI_API_KEY": "sk-test-crash", "OPENAI_BASE_URL": server.base_url,
            "NO_PROXY": "127.0.0.1,localhost", "CHECKER_CONCURRENCY": "1"}


def report_command(corpus: Path, cassette: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "checker.cli", "report", str(corpus), "--cassette", str(cassette),
            "--mode", "record", "--out", str(out), "--quiet"]


def complete_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    *whole, _ = path.read_bytes().split(b"\n")  # the piece after the last newline is not whole
    return [json.loads(line) for line in whole]


def request_id(messages: list[dict[str, str]]) -> str:
    return json.dumps(messages, sort_keys=True)


MODEL = story_model()  # every stage has work: extraction, the survey, then verification


def slow_model(body):
    time.sleep(0.15)
    return MODEL(body)


def test_a_killed_run_resumes_without_asking_twice_and_ends_with_the_same_report(tmp_path, monkeypatch):
    corpus = write_story(tmp_path / "corpus")
    cassette, out = tmp_path / "run" / "cassette.jsonl", tmp_path / "run" / "out"
    with FakeOpenAI(model=slow_model) as server:
        env = checker_env(server)
        first = subprocess.Popen(report_command(corpus, cassette, out), env=env, cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while len(complete_lines(cassette)) < 3 and first.poll() is None:
            assert time.monotonic() < deadline, "the first run recorded nothing in 30 s"
            time.sleep(0.01)
        first.kill()  # SIGKILL: no handler, no cleanup, no flush
        first.communicate(timeout=10)
        assert first.returncode == -9, "the run finished before it could be killed"
        assert not (out / "report.json").exists()

        # A write the kill cut short: the last line loses its second half and its newline.
        data = cassette.read_bytes()
        last = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        cassette.write_bytes(data[:len(data.rstrip(b"\n")) - len(last) // 2])
        kept = complete_lines(cassette)
        assert len(kept) >= 2 and Cassette(cassette).torn_tail
        asked_before = len(server.requests)

        second = subprocess.run(report_command(corpus, cassette, out), env=env, cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert "Traceback" not in second.stderr
        asked = Counter(request_id(r["messages"]) for r in server.requests)
        resumed = server.requests[asked_before:]

    for entry in kept:  # every answer that was recorded whole was bought exactly once
        assert asked[request_id(entry["request"]["messages"])] == 1
    assert all(count <= 2 for count in asked.values())  # the torn and the in-flight one, again
    assert {request_id(e["request"]["messages"]) for e in kept}.isdisjoint(
        request_id(r["messages"]) for r in resumed)
    final = complete_lines(cassette)  # the torn half-line was cut off before the next append
    assert cassette.read_bytes().endswith(b"\n") and len(final) == len(asked)

    fresh = tmp_path / "fresh"  # an uninterrupted run, in this process to save an interpreter start
    with FakeOpenAI(model=MODEL) as server:
        for name, value in checker_env(server).items():
            if name.startswith(("CHECKER_", "OPENAI_")):
                monkeypatch.setenv(name, value)
        assert main(report_command(corpus, fresh / "cassette.jsonl", fresh / "out")[3:]) == 0
        assert len(server.requests) == len(asked)  # the resumed runs asked nothing extra
        assert "verify_candidates" in {r["response_format"]["json_schema"]["name"]
                                       for r in server.requests}
    for name in ("report.json", "report.md"):
        assert (out / name).read_bytes() == (fresh / "out" / name).read_bytes(), name
