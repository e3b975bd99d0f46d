"""Ambiguous names go to the model, and only those; its decision feeds back into the entities."""
from __future__ import annotations

import asyncio
import json

from checker.confirm_entities import batches, confirm_pairs
from checker.gateway import Gateway
from checker.model import ModelRequest, ModelResponse
from checker.resolve import resolve_entities
from checker.settings import Settings
from checker.types import Claim

TEXTS = {"a": "Donald Trump spoke. Ivanka Trump listened. Trump left early."}


def claim(cid, evidence, name):
    start = TEXTS["a"].index(evidence)
    return Claim(id=cid, doc_id="a", statement=evidence, start=start,
                 end=start + len(evidence), alignment="exact", entities=((name, "person"),),
                 attributed_to=("the article",), stance="asserted")


CLAIMS = [claim("c1", "Donald Trump spoke", "Donald Trump"),
          claim("c2", "Ivanka Trump listened", "Ivanka Trump"), claim("c3", "Trump left early", "Trump")]


def test_only_ambiguous_pairs_are_sent_and_the_decision_is_applied():
    first = resolve_entities(CLAIMS, TEXTS)
    assert first.ambiguous, "a bare surname shared by two people cannot be decided by rules"
    sent: list[ModelRequest] = []

    def model(request: ModelRequest) -> ModelResponse:
        sent.append(request)
        user = request.messages[1][1]
        pairs = [line for line in user.splitlines() if line.startswith("[P")]
        labels = [line.split("]")[0][1:] for line in pairs]
        decisions = [{"pair": label, "same": "'Donald Trump'" in line, "reason": "context"}
                     for label, line in zip(labels, pairs, strict=True)]
        return ModelResponse(raw=json.dumps({"decisions": decisions}), model="m")

    gateway = Gateway(settings=Settings(mode="live"), transport=model)
    decided = {}
    for pairs in batches(first.ambiguous).values():
        decided.update(asyncio.run(confirm_pairs(gateway, pairs, CLAIMS, TEXTS)))
    assert len(sent) == 1 and "Trump left early" in sent[0].messages[1][1]
    final = resolve_entities(CLAIMS, TEXTS, confirmed=decided)
    donald = next(e for e in final.entities if e.name == "Donald Trump")
    assert "Trump" in donald.aliases and not final.ambiguous
    assert all(e.name != "Trump" for e in final.entities)
