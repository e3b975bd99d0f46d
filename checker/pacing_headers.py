"""What a provider's response headers say about its limits: rate, remaining budget, reset, Retry-After.

`rate_limits(headers)` reads the x-ratelimit-{limit,remaining,reset}-{requests,tokens} headers and
Retry-After (or retry-after-ms) into `RateLimits`; an absent or unreadable value is None, never a guess.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_DURATION = re.compile(r"(\d+(?:\.\d*)?)(ms|h|m|s)")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str | None) -> float | None:
    """Seconds from a reset header: "20ms", "1s", "6m0s", "1h2m3.5s" (OpenAI, Azure, vLLM) or
    a bare number of seconds; None when absent or unreadable."""
    if text is None:
        return None
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        return value if math.isfinite(value) and value >= 0 else None
    total, pos = 0.0, 0
    for part in _DURATION.finditer(text):
        if part.start() != pos:
            return None
        total, pos = total + float(part.group(1)) * _UNIT[part.group(2)], part.end()
    return total if text and pos == len(text) else None


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from `retry-after-ms`, else `Retry-After` (seconds or an HTTP date)."""
    millis = parse_duration(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000
    value = headers.get("retry-after")
    seconds = parse_duration(value)
    if seconds is not None or value is None:
        return seconds
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


@dataclass(frozen=True)
class Limit:
    """One provider limit as its headers describe it: capacity, what is left, seconds until full."""

    limit: float | None = None
    remaining: float | None = None
    reset: float | None = None

    @property
    def rate(self) -> float | None:
        """Refill per second, (limit - remaining) / reset, when the headers give all three."""
        if self.limit is None or self.remaining is None or not self.reset:
            return None
        return (self.limit - self.remaining) / self.reset if self.limit > self.remaining else None


@dataclass(frozen=True)
class RateLimits:
    """What one response's headers said about the provider's limits."""

    requests: Limit = field(default_factory=Limit)
    tokens: Limit = field(default_factory=Limit)
    retry_after: float | None = None


def rate_limits(headers: Mapping[str, str]) -> RateLimits:
    """The x-ratelimit-{limit,remaining,reset}-{requests,tokens} and Retry-After headers."""
    def limit(kind: str) -> Limit:
        return Limit(_number(headers.get(f"x-ratelimit-limit-{kind}")),
                     _number(headers.get(f"x-ratelimit-remaining-{kind}")),
                     parse_duration(headers.get(f"x-ratelimit-reset-{kind}")))
    return RateLimits(limit("requests"), limit("tokens"), parse_retry_after(headers))
