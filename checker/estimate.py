"""Estimate: model calls, tokens and cost of a run before spending anything.

The run is walked in replay mode: every request whose stage can be reached (all of them when the
cassette already holds the earlier answers) is rendered and counted exactly with the offline
cl100k encoding; an unanswered request's answer is guessed from its document tokens. Stages
beyond the first unanswered one are extrapolated from the articles' tokens, with the ratios
below, measured on the recorded sample story, and marked as estimates.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import AnswersPending
from .gateway import Gateway
from .load import Document
from .model import ModelRequest
from .pipeline import run
from .pricing import cost_usd
from .tokens import count_tokens

# Chat formatting adds a few tokens per message and per reply (OpenAI's published accounting).
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3
# Answer tokens per document token, for requests not yet answered. A request's document tokens
# are its user message: the passages it sends (numbered sentences, a few header lines), never the
# system text, whose length says nothing about how much there is to answer. Measured on the
# recorded sample story (fixtures/cassettes/sample.jsonl: recorded completion tokens over the
# cl100k tokens of the user messages, per prompt): extraction 4,808 / 4,992, the survey
# 916 / 4,798, verification 1,683 / 6,369. The sample never confirms an entity: that ratio is
# verification's, as both answer short decisions about the passages they are shown.
COMPLETION_PER_DOCUMENT_TOKEN = {"extract_claims": 0.96, "survey_story": 0.19,
                                 "verify_candidates": 0.26, "confirm_entities": 0.26}
# When the run stops before verifying, that stage is sized by the articles' tokens (4,550 in the
# sample): 5 calls, 8,984 prompt and 1,683 completion tokens. bench/cost.py prints the recorded
# figures.
VERIFY_PROMPT_PER_ARTICLE_TOKEN = 1.97
VERIFY_CALLS_PER_ARTICLE_TOKEN = 1 / 910
VERIFY_COMPLETION_PER_ARTICLE_TOKEN = 0.37
STAGES = {"extract_claims": "extract", "survey_story": "survey", "verify_candidates": "verify"}


def prompt_tokens(request: ModelRequest) -> int:
    return sum(count_tokens(content) + TOKENS_PER_MESSAGE for _, content in request.messages) \
        + TOKENS_PER_REPLY


def document_tokens(request: ModelRequest) -> int:
    """The tokens of what the request asks about: its user messages, not its instructions."""
    return sum(count_tokens(content) for role, content in request.messages if role == "user")


def completion_guess(request: ModelRequest) -> int:
    return math.ceil(document_tokens(request)
                     * COMPLETION_PER_DOCUMENT_TOKEN.get(request.prompt_name, 0.5))


@dataclass
class StageEstimate:
    stage: str
    calls: int
    prompt_tokens: int
    completion_tokens: int
    exact: bool  # True: every request rendered and counted; False: extrapolated

    def as_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "calls": self.calls, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "exact": self.exact}


@dataclass
class Estimate:
    model: str
    stages: list[StageEstimate] = field(default_factory=list)
    prices: Mapping[str, tuple[float, float]] | None = None

    @property
    def cost_usd(self) -> float | None:
        return cost_usd(self.model, sum(s.prompt_tokens for s in self.stages),
                        sum(s.completion_tokens for s in self.stages), self.prices)

    def as_dict(self) -> dict[str, Any]:
        return {"model": self.model, "stages": [s.as_dict() for s in self.stages],
                "calls": sum(s.calls for s in self.stages),
                "prompt_tokens": sum(s.prompt_tokens for s in self.stages),
                "completion_tokens": sum(s.completion_tokens for s in self.stages),
                "cost_usd": self.cost_usd}


def _add(stages: dict[str, StageEstimate], name: str, requests: Sequence[ModelRequest],
         recorded: Mapping[str, int]) -> None:
    entry = stages.setdefault(name, StageEstimate(name, 0, 0, 0, True))
    for request in requests:
        tokens = prompt_tokens(request)
        entry.calls += 1
        entry.prompt_tokens += tokens
        entry.completion_tokens += recorded.get(request.key) or completion_guess(request)


def estimate_run(documents: Sequence[Document], gateway: Gateway,
                 prices: Mapping[str, tuple[float, float]] | None = None) -> Estimate:
    """Walk the run as far as recorded answers allow, count exactly, extrapolate the rest."""
    stages: dict[str, StageEstimate] = {}
    stopped = False
    try:
        run(documents, gateway, collect_misses=True)
    except AnswersPending as pending:
        stopped = True
        for request in pending.requests:
            _add(stages, STAGES.get(request.prompt_name, request.prompt_name), [request], {})
    entries = [gateway.cassette.get(key) for key in gateway.answers_used]
    used = [ModelRequest.from_dict(entry.request) for entry in entries if entry is not None]
    recorded = {key: answer.usage.completion_tokens for key, answer in gateway.answers_used.items()}
    for request in used:
        _add(stages, STAGES.get(request.prompt_name, request.prompt_name), [request], recorded)
    if stopped and "verify" not in stages:  # the run stops before verifying: extrapolate it
        article_tokens = sum(count_tokens(d.text) for d in documents)
        prompt = math.ceil(article_tokens * VERIFY_PROMPT_PER_ARTICLE_TOKEN)
        stages["verify"] = StageEstimate(
            "verify", math.ceil(article_tokens * VERIFY_CALLS_PER_ARTICLE_TOKEN), prompt,
            math.ceil(article_tokens * VERIFY_COMPLETION_PER_ARTICLE_TOKEN), False)
    order = ["extract", "survey", "confirm_entities", "verify"]
    return Estimate(gateway.settings.model,
                    sorted(stages.values(), key=lambda s: order.index(s.stage)
                           if s.stage in order else len(order)), prices)
