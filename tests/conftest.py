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
    """A stand-in model for HTTP tests: one claim quoting the passage's first sentence; every
    judged group's first two claims agree."""
    if schema_of(body) == "summarize_document":
        return json.dumps({"summary": "A summary of the passages."})
    if schema_of(body) == "judge_group":
        labels = re.findall(r"^\[(C\d+)\]", body["messages"][1]["content"], re.M)
        return json.dumps({"conflicts": [], "compatible": [], "unrelated": labels[2:],
                           "agreements": [{"statement": "The same opening.", "claims": labels[:2]}]})
    passage = passage_of(body)
    sentence = re.split(r"(?<=[.!?])\s", passage.strip(), maxsplit=1)[0]
    return json.dumps({"summary": f"A passage of {count_tokens(passage)} tokens.", "claims": [{
        "statement": sentence, "quote": sentence, "entities": [], "attribution": ["the article"],
        "stance": "asserted", "times": [], "quantities": []}]})
