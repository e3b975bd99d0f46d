"""A stand-in model that gives every stage work: conftest's first_sentence_model, whose survey also
sets each surveyed document's first sentence against the next document's, so candidates reach
the verifier, which answers every candidate with one verdict.

Tests that need the verify stage to run (faults in it, its batch stage, determinism) use it; it
takes the wire body, like first_sentence_model, so it serves FakeOpenAI and transports alike.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from conftest import first_sentence_model, schema_of

_DOCUMENT = re.compile(r"^(D\d+): [^\n]*\n(=+ D\d+ \w+ =+)\n(.*?)\n\2$", re.M | re.S)
_FIRST_SENTENCE = re.compile(r"\S.*?[.!?](?=\s|$)|\S.*", re.S)


def surveyed(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) of each document in a survey request, in order."""
    return [(label, text) for label, _, text in _DOCUMENT.findall(body["messages"][1]["content"])]


def first_sentence(text: str) -> str:
    found = _FIRST_SENTENCE.search(text)
    return " ".join(found.group(0).split()[:25]) if found else ""


def candidate_labels(body: dict[str, Any]) -> list[str]:
    return re.findall(r"^\[(K\d+)\]$", body["messages"][1]["content"], re.M)


def verdicts(labels: list[str], verdict: str, *, kind: str = "reporting",
             type_: str = "factual") -> str:
    conflict = verdict == "conflict"
    return json.dumps({"verdicts": [{
        "k": k, "verdict": verdict, "kind": kind if conflict else None,
        "type": type_ if conflict else None, "changes_meaning": conflict, "a": "fact", "b": "fact",
        "why": "The documents disagree here." if conflict else "Both say the same."}
        for k in labels]})


def story_model(verdict: str = "same", **conflict: str) -> Callable[[dict[str, Any]], str]:
    """first_sentence_model, plus a tension between consecutive documents' first sentences, and
    `verdict` on every verified candidate (with `kind` and `type_` for a conflict)."""
    def model(body: dict[str, Any]) -> str:
        if schema_of(body) == "survey_story":
            documents = surveyed(body)
            return json.dumps({
                "summaries": [{"doc": label, "summary": f"Document {label}."}
                              for label, _ in documents],
                "tensions": [{"a": {"doc": a, "quote": first_sentence(text_a)},
                              "b": {"doc": b, "quote": first_sentence(text_b)}}
                             for (a, text_a), (b, text_b) in zip(documents, documents[1:], strict=False)]})
        if schema_of(body) == "verify_candidates":
            return verdicts(candidate_labels(body), verdict, **conflict)
        return first_sentence_model(body)
    return model
