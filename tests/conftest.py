"""Shared test setup: hermetic settings (replay by default, no key), the sample corpus, a local model server.

The network is blocked for every test by pytest-socket (see addopts in pyproject.toml:
--disable-socket --allow-hosts=127.0.0.1,localhost); only our own loopback servers answer.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from checker.model import ModelRequest, ModelResponse

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
SAMPLE_CASSETTE = ROOT / "fixtures" / "cassettes" / "sample.jsonl"


@pytest.fixture(autouse=True)
def hermetic_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's key, server or checker settings; tests default to replay."""
    for name in list(os.environ):
        if name.startswith(("CHECKER_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CHECKER_MODE", "replay")


def passage_of(body: dict[str, Any]) -> str:
    """The document passage inside an extraction request (between its boundary lines)."""
    user = body["messages"][1]["content"]
    found = re.search(r"^(=+ DOCUMENT \w+ =+)\n(.*)\n\1$", user, re.S | re.M)
    return found.group(2) if found else ""


def schema_of(body: dict[str, Any]) -> str:
    return body["response_format"].get("json_schema", {}).get("name", "")


def first_sentence_model(body: dict[str, Any]) -> str:
    """A stand-in model for HTTP tests: one claim citing each passage's first sentence, a summary
    per surveyed document and no tension, and every verified pair the same fact."""
    user = body["messages"][1]["content"]
    if schema_of(body) == "survey_story":
        labels = sorted(set(re.findall(r"^(D\d+): ", user, re.M)), key=lambda d: int(d[1:]))
        return json.dumps({"summaries": [{"doc": d, "summary": f"Document {d}."} for d in labels],
                           "tensions": []})
    if schema_of(body) == "verify_candidates":
        labels = re.findall(r"^\[(K\d+)\]", user, re.M)
        return json.dumps({"verdicts": [{"k": k, "verdict": "same", "kind": None, "type": None,
                                         "changes_meaning": False, "a": "fact", "b": "fact",
                                         "why": "Both say the same."} for k in labels]})
    first = re.search(r"^1\t(.*)$", passage_of(body), re.M)
    sentence = first.group(1) if first else ""
    return json.dumps({"claims": [{"s": 1, "claim": sentence[:80] or "A claim.", "by": [],
                                   "stance": "asserted", "people": [], "orgs": [], "times": [],
                                   "amounts": []}]})


@pytest.fixture
def no_hang():
    """Turns a test that blocks (opening a FIFO, say) into a failure after 10 s instead of a hung
    suite: the alarm's exception interrupts the blocking call."""
    def blocked(signum, frame):
        raise TimeoutError("blocked for 10 s")

    previous = signal.signal(signal.SIGALRM, blocked)
    signal.setitimer(signal.ITIMER_REAL, 10)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def read_only(path: Path):
    """`path` (a file or a folder) made unwritable. Root ignores permission bits, so there the
    immutable attribute does it; where neither works the test is skipped."""
    path.chmod(0o555 if path.is_dir() else 0o444)
    immutable = False
    try:
        if os.access(path, os.W_OK):
            immutable = subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
            if not immutable:
                pytest.skip("cannot make a file read-only here (root without chattr)")
        yield path
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o755 if path.is_dir() else 0o644)


class ScriptedModel:
    """A transport answering from a list and keeping every request it was sent."""

    def __init__(self, *answers: dict) -> None:
        self.answers = [json.dumps(a) for a in answers]
        self.requests: list[ModelRequest] = []

    def __call__(self, request: ModelRequest) -> ModelResponse:
        self.requests.append(request)
        return ModelResponse(raw=self.answers.pop(0), model="scripted")
