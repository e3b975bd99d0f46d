"""Model requests and responses: what checker asks a model, what it gets back, and the
`Transport` protocol any model server plugs in through. Plain data, no I/O, no openai.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .errors import Violation
from .identity import tagged_hash

if TYPE_CHECKING:
    from .pacing import RateLimits


@dataclass(frozen=True)
class ModelRequest:
    """Everything that determines a model's answer, and nothing else (no credentials, no time)."""

    model: str
    messages: tuple[tuple[str, str], ...]  # (role, content) pairs
    schema_id: str
    prompt: str  # "name@version": names the template in diagnostics; its hash covers the schema
    temperature: float = 0.0
    seed: int | None = None
    max_tokens: int | None = None

    @classmethod
    def build(cls, *, model: str, messages: list[dict[str, str]], schema_id: str, prompt: str,
              temperature: float = 0.0, seed: int | None = None,
              max_tokens: int | None = None) -> ModelRequest:
        pairs = tuple((m["role"], m["content"]) for m in messages)
        return cls(model=model, messages=pairs, schema_id=schema_id, prompt=prompt,
                   temperature=temperature, seed=seed, max_tokens=max_tokens)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["messages"] = [{"role": r, "content": c} for r, c in self.messages]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelRequest:
        return cls.build(**{**data, "messages": data["messages"]})

    @property
    def key(self) -> str:
        return tagged_hash(self.to_dict())

    @property
    def prompt_name(self) -> str:
        return self.prompt.split("@", 1)[0]

    def chat_messages(self) -> list[dict[str, str]]:
        return [{"role": r, "content": c} for r, c in self.messages]


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class ModelResponse:
    """A model's answer. `data` is the parsed JSON once the gateway has validated `raw`."""

    raw: str
    model: str
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = "stop"
    key: str = ""
    latency_ms: float = 0.0
    data: Any = None
    from_cassette: bool = False
    limits: RateLimits | None = field(default=None, compare=False, repr=False)  # never recorded

    def recorded(self) -> dict[str, Any]:
        """The part of a response a cassette keeps."""
        return {"raw": self.raw, "model": self.model, "usage": asdict(self.usage),
                "finish_reason": self.finish_reason, "latency_ms": round(self.latency_ms, 1)}

    @classmethod
    def from_recorded(cls, data: dict[str, Any], *, key: str) -> ModelResponse:
        return cls(raw=data["raw"], model=data["model"], usage=Usage(**data.get("usage", {})),
                   finish_reason=data.get("finish_reason"), key=key,
                   latency_ms=data.get("latency_ms", 0.0), from_cassette=True)


class Transport(Protocol):
    """Anything that answers a ModelRequest, synchronously or not: `OpenAITransport`, a test's
    canned answers, a local model. It is called once per attempt; the gateway paces, retries,
    records and validates around it."""

    def __call__(self, request: ModelRequest) -> ModelResponse | Awaitable[ModelResponse]: ...


@dataclass(frozen=True)
class RunUsage:
    """What a run's answers cost and who gave them: the gateway's summary for the report."""

    requests: int
    prompt_tokens: int
    completion_tokens: int
    calls: int                      # transport calls made (cassette hits are not calls)
    answered_by: tuple[str, ...]
    cassette_keys: tuple[str, ...]


Check = Callable[[Any], list[Violation]]
