"""Estimate: model calls, tokens and cost of a run before spending anything.

The run is walked in replay mode: every request whose stage can be reached (all of them when the
cassette already holds the earlier answers) is rendered and counted exactly with the offline
cl100k encoding. Stages beyond the first unanswered one are extrapolated with the ratios below,
measured on the recorded sample story, and marked as estimates.
"""
from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from .errors import AnswersPending
from .gateway import Gateway, ModelRequest
from .load import Document
from .pipeline import run_async
from .pricing import cost_usd
from .prompts import load_prompt
from .tokens import count_tokens

# Chat formatting adds a few tokens per message and per reply (OpenAI's published accounting).
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3
# Measured on fixtures/cassettes/sample.jsonl (5 articles, 4,550 article tokens, 263 claims, 27
# judged groups): answer tokens per prompt token, claims per article token, claims per judged
# group, and judge prompt tokens per extracted claim (about 4 in 5 claims land in a group).
# They are only as good as that one story; stages counted from real requests need none of them.
COMPLETION_PER_PROMPT = {"extract_claims": 6.0, "judge_group": 0.15, "summarize_document": 0.2,
                         "confirm_entities": 0.3}
CLAIMS_PER_ARTICLE_TOKEN = 0.058
CLAIMS_PER_GROUP = 9.7
JUDGE_PROMPT_TOKENS_PER_CLAIM = 75


def prompt_tokens(request: ModelRequest) -> int:
    return sum(count_tokens(content) + TOKENS_PER_MESSAGE for _, content in request.messages) \
        + TOKENS_PER_REPLY


@dataclass
class StageEstimate:
    stage: str
    calls: int
    prompt_tokens: int
    completion_tokens: int
    exact: bool  # True: every request rendered and counted; False: extrapolated

    def as_dict(self) -> dict:
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

    def as_dict(self) -> dict:
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
        entry.completion_tokens += recorded.get(request.key) or math.ceil(
            tokens * COMPLETION_PER_PROMPT.get(request.prompt_name, 0.5))


def estimate_run(documents: Sequence[Document], gateway: Gateway,
                 prices: Mapping[str, tuple[float, float]] | None = None) -> Estimate:
    """Walk the run as far as recorded answers allow, count exactly, extrapolate the rest."""
    stages: dict[str, StageEstimate] = {}
    try:
        asyncio.run(run_async(documents, gateway, collect_misses=True))
    except AnswersPending as pending:
        _add(stages, pending.stage, pending.requests, {})
    used = [ModelRequest.from_dict(gateway.cassette.get(key).request)
            for key in gateway.answers_used]
    recorded = {key: answer.usage.completion_tokens for key, answer in gateway.answers_used.items()}
    for request in used:
        stage = {"extract_claims": "extract", "judge_group": "judge",
                 "summarize_document": "summarize"}.get(request.prompt_name, request.prompt_name)
        _add(stages, stage, [request], recorded)
    if "judge" not in stages:  # the run stops before judging: extrapolate that stage
        article_tokens = sum(count_tokens(d.text) for d in documents)
        claims = article_tokens * CLAIMS_PER_ARTICLE_TOKEN
        calls = math.ceil(claims / CLAIMS_PER_GROUP)
        judge_prompt = load_judge_overhead() * calls + int(claims * JUDGE_PROMPT_TOKENS_PER_CLAIM)
        stages["judge"] = StageEstimate("judge", calls, judge_prompt,
                                        math.ceil(judge_prompt * COMPLETION_PER_PROMPT["judge_group"]),
                                        False)
    order = ["extract", "summarize", "confirm_entities", "judge"]
    return Estimate(gateway.settings.model,
                    sorted(stages.values(), key=lambda s: order.index(s.stage)
                           if s.stage in order else len(order)), prices)


def load_judge_overhead() -> int:
    system = load_prompt("judge_group").render(claims="")
    return sum(count_tokens(m["content"]) + TOKENS_PER_MESSAGE for m in system) + TOKENS_PER_REPLY
