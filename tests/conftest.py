"""Shared test setup: hermetic settings (replay by default, no key), the sample corpus, a local model server.

The network is blocked for every test by pytest-socket (see addopts in pyproject.toml:
--disable-socket --allow-hosts=127.0.0.1,localhost); only our own loopback servers answer.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from checker.tokens import count_tokens

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
SAMPLE_CASSETTE = ROOT / "fixtures" / "cassettes" / "sample.jsonl"


@pytest.fixture(autouse=True)
def hermetic_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's key, server or checker settings; tests default to replay."""
    import os
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
    first = re.search(r"^\[1\] (.*)$", passage_of(body), re.M)
    sentence = first.group(1) if first else ""
    return json.dumps({"claims": [{
        "s": 1, "claim": sentence[:80] or "A claim.", "by": [], "stance": "asserted",
        "people": [], "orgs": [], "times": [], "amounts": [],
        "note": f"{count_tokens(passage_of(body))} tokens"}][:1]}) if False else json.dumps(
        {"claims": [{"s": 1, "claim": sentence[:80] or "A claim.", "by": [], "stance": "asserted",
                     "people": [], "orgs": [], "times": [], "amounts": []}]})
