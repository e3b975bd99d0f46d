"""Pricing: US dollars per million tokens, for cost figures in estimates and reports.

The table is a default that callers may replace (`prices=`); an unknown model has no
price, and its cost is null rather than a guess.
"""
from __future__ import annotations

from collections.abc import Mapping

# model -> (input, output) USD per 1M tokens, list prices of the OpenAI API.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
}


def cost_usd(model: str, prompt_tokens: int, completion_tokens: int,
             prices: Mapping[str, tuple[float, float]] | None = None) -> float | None:
    table = DEFAULT_PRICES if prices is None else prices
    if model not in table:
        return None
    inp, out = table[model]
    return round((prompt_tokens * inp + completion_tokens * out) / 1_000_000, 6)
