"""A stand-in model for draft checks (a deterministic test double, not a recording).

Extraction: one claim per numbered sentence, the sentence itself; capitalised words after the
first are people, numbers are amounts, a sentence holding a quotation is "quoted" and attributed
to the capitalised word before "said". check_draft: a `judge` function of each claim's block
(its draft sentence and its numbered passages) gives the verdict; by default a claim whose draft
sentence names an amount no passage names is contradicted by passage 1, anything else with
passages is supported by passage 1.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from conftest import passage_of, schema_of

_SENTENCE = re.compile(r"^(\d+)\t(.*)$", re.M)
_BLOCK = re.compile(r"^\[(C\d+)\]\n(.*?)(?=^\[C\d+\]$|\Z)", re.M | re.S)


def sentence_claims(body: dict[str, Any]) -> str:
    claims = []
    for number, sentence in _SENTENCE.findall(passage_of(body)):
        words = sentence.split()
        people = [w.strip(".,\"“”") for w in words[1:] if w[:1].isupper()]
        said = re.search(r"(\w+) said", sentence)
        quoted = any(q in sentence for q in ('"', "“"))
        times = re.findall(r"(?:late|early|the end of) \d{4}", sentence)
        claims.append({"s": int(number), "claim": sentence[:120], "by": [said.group(1)] if said else [],
                       "stance": "quoted" if quoted else "asserted", "people": people[:3],
                       "orgs": [],
                       "times": times, "amounts": re.findall(r"\d+ million", sentence)})
    return json.dumps({"claims": claims})


def passages(block: str) -> list[str]:
    """The sentences of one claim's numbered passages, as shown."""
    return [re.search(r'^   sentence: "(.*)"$', p, re.M).group(1)  # type: ignore[union-attr]
            for p in re.split(r"^\d+\. ", block, flags=re.M)[1:]]


def default_judge(block: str) -> dict[str, Any]:
    draft = re.search(r'^draft\. .*?sentence: "(.*?)"$', block, re.M | re.S)
    shown = passages(block)
    amounts = set(re.findall(r"\d+ million", draft.group(1) if draft else ""))
    if amounts and not any(a in p for a in amounts for p in shown):
        return {"verdict": "contradicted", "support": [], "against": [1], "kind": "reporting",
                "type": "numeric"}
    return {"verdict": "supported", "support": [1], "against": [], "kind": None, "type": None}


def draft_model(judge: Callable[[str], dict[str, Any]] = default_judge
                ) -> Callable[[dict[str, Any]], str]:
    def model(body: dict[str, Any]) -> str:
        if schema_of(body) == "check_draft":
            user = body["messages"][1]["content"]
            return json.dumps({"claims": [{"c": label, **judge(block)}
                                          for label, block in _BLOCK.findall(user)]})
        return sentence_claims(body)
    return model
