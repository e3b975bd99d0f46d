"""The model gateway: ModelRequest in, validated ModelResponse out. The only importer of openai.

`Gateway.complete` looks the request up in the cassette, asks the transport on a miss (when
the mode allows), records the raw answer at once, then validates it against the request's
schema; a violation is re-asked with the validator's messages (tenacity, bounded, schema
violations only). Transport faults are retried by checker.pacing alone, which also paces every
call (the openai client never retries). A transport is any callable `ModelRequest ->
ModelResponse` (sync or async); `OpenAITransport` is the real one.
"""
from __future__ import annotations

import asyncio
import inspect
import json
import math
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Awaitable, Callable, Iterable, Union

import openai
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from .cassette import Cassette
from .errors import (QUOTA_EXHAUSTED, CassetteMiss, ExtractionFailed, ProviderError,
                     SchemaViolation, Violation)
from .identity import tagged_hash
from .pacing import Pacer, RateLimits, rate_limits
from .prompts import load_schema, schema_validator
from .redact import redact
from .settings import Settings
from .tokens import count_tokens


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
              max_tokens: int | None = None) -> "ModelRequest":
        pairs = tuple((m["role"], m["content"]) for m in messages)
        return cls(model=model, messages=pairs, schema_id=schema_id, prompt=prompt,
                   temperature=temperature, seed=seed, max_tokens=max_tokens)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["messages"] = [{"role": r, "content": c} for r, c in self.messages]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelRequest":
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
    def from_recorded(cls, data: dict[str, Any], *, key: str) -> "ModelResponse":
        return cls(raw=data["raw"], model=data["model"], usage=Usage(**data.get("usage", {})),
                   finish_reason=data.get("finish_reason"), key=key,
                   latency_ms=data.get("latency_ms", 0.0), from_cassette=True)


Transport = Callable[[ModelRequest], Union[ModelResponse, Awaitable[ModelResponse]]]
Check = Callable[[Any], list[Violation]]


def wire_body(request: ModelRequest, structured_output: str) -> dict[str, Any]:
    """The /v1/chat/completions body for a request; shared by live calls and batch export."""
    body: dict[str, Any] = {"model": request.model, "messages": request.chat_messages(),
                            "temperature": request.temperature}
    if request.seed is not None:
        body["seed"] = request.seed
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    if structured_output in ("auto", "json_schema"):
        body["response_format"] = {"type": "json_schema", "json_schema": {
            "name": request.schema_id, "strict": True, "schema": strict_schema(request.schema_id)}}
    else:
        body["response_format"] = {"type": "json_object"}
    return body


def strict_schema(schema_id: str) -> dict[str, Any]:
    """The schema as sent to a server: without the $schema/$id keys strict mode rejects."""
    return {k: v for k, v in load_schema(schema_id).items() if k not in ("$schema", "$id")}


def parse_answer(schema_id: str, raw: str, check: Check | None = None) -> Any:
    """JSON-decode and validate `raw`; SchemaViolation lists every failing path.

    Only strict JSON passes: NaN, Infinity, out-of-range numbers and lone surrogates would
    satisfy a schema yet break report.json, so they are violations too.
    """
    try:
        data = json.loads(raw, parse_constant=_not_json, parse_float=_finite_float)
        errors = sorted(schema_validator(schema_id).iter_errors(data),
                        key=lambda e: list(map(str, e.absolute_path)))
        violations = [Violation(_json_path(e.absolute_path), e.message) for e in errors]
    # ValueError also covers integers too long to convert; RecursionError, nesting too deep.
    except (ValueError, TypeError, RecursionError) as err:
        raise SchemaViolation(schema_id, [Violation("$", f"not valid JSON ({err})")], raw=raw) from None
    violations += _lone_surrogates(data)
    if not violations and check is not None:
        violations = check(data)
    if violations:
        raise SchemaViolation(schema_id, violations, raw=raw)
    return data


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def _json_path(parts: Iterable[Any]) -> str:
    return "$" + "".join(f"[{p!r}]" if isinstance(p, str) else f"[{p}]" for p in parts)


def _lone_surrogates(data: Any) -> list[Violation]:
    """Strings (keys too) that cannot be written as UTF-8: a JSON escape of half a pair."""
    found, stack = [], [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if _has_surrogate(key):
                    found.append(Violation(_json_path(path), f"key {key!r} is not valid Unicode"))
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
        elif isinstance(value, str) and _has_surrogate(value):
            found.append(Violation(_json_path(path), "contains a lone surrogate, not valid Unicode"))
    return sorted(found, key=lambda v: v.path)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def reask_request(request: ModelRequest, failure: SchemaViolation) -> ModelRequest:
    """The same conversation plus the invalid answer and the validator's messages."""
    problems = "\n".join(f"- {v}" for v in failure.violations[:20])
    follow_up = ("Your answer above is not valid. The validator reported:\n" + problems +
                 "\nAnswer again with the complete JSON object only, fixing every problem.")
    messages = request.messages + (("assistant", failure.raw), ("user", follow_up))
    return replace(request, messages=messages)


class Gateway:
    """Cassette lookup, transport call, recording, validation and schema re-asks.

    Modes: "live" (always ask, record nothing), "record" (ask on a miss, append at once),
    "replay" (never ask; a miss raises CassetteMiss with the nearest recorded request).
    """

    def __init__(self, *, settings: Settings, cassette: Cassette | None = None,
                 transport: Transport | None = None, rerecord_hint: str = "") -> None:
        self.settings = settings
        self.cassette = cassette if cassette is not None else Cassette(None)
        self._transport = transport
        self._own_transport: OpenAITransport | None = None
        self.pacer = Pacer(requests_per_minute=settings.requests_per_minute,
                           tokens_per_minute=settings.tokens_per_minute,
                           concurrency=settings.concurrency, deadline=settings.retry_deadline)
        self.rerecord_hint = rerecord_hint or (
            "run again with --mode record and OPENAI_API_KEY set, or `checker export` then "
            "`checker import` for the batch path")
        self.calls = 0  # transport calls made in this run (cassette hits are not calls)
        self.answers_used: dict[str, ModelResponse] = {}  # every answer this run relied on

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            self._transport = self._own_transport = OpenAITransport(self.settings)
        return self._transport

    async def aclose(self) -> None:
        """Close the HTTP client checker opened (a caller's own transport is theirs to close)."""
        if self._own_transport is not None:
            await self._own_transport.aclose()
            self._transport = self._own_transport = None

    def request(self, *, messages: list[dict[str, str]], prompt: str, schema_id: str) -> ModelRequest:
        s = self.settings
        return ModelRequest.build(model=s.model, messages=messages, schema_id=schema_id,
                                  prompt=prompt, temperature=s.temperature, seed=s.seed,
                                  max_tokens=s.max_tokens)

    async def complete(self, request: ModelRequest, *, check: Check | None = None) -> ModelResponse:
        """A validated answer, re-asking on schema (or `check`) violations up to `reasks` times."""
        attempt_request = request
        attempts = 0
        try:
            async for attempt in AsyncRetrying(stop=stop_after_attempt(1 + self.settings.reasks),
                                               retry=retry_if_exception_type(SchemaViolation),
                                               reraise=True):
                with attempt:
                    attempts += 1
                    response = await self.answer(attempt_request)
                    try:
                        data = parse_answer(request.schema_id, response.raw, check)
                    except SchemaViolation as violation:
                        attempt_request = reask_request(request, violation)
                        raise
                    return replace(response, data=data)
        except SchemaViolation as violation:
            raise ExtractionFailed(request.prompt_name, attempts=attempts, request_key=request.key,
                                   last_error=violation) from None
        raise AssertionError("unreachable: tenacity either returns or re-raises")

    async def answer(self, request: ModelRequest) -> ModelResponse:
        """The raw answer for exactly this request: from the cassette or the transport."""
        key = request.key
        mode = self.settings.mode
        if mode != "live":
            entry = self.cassette.get(key)
            if entry is not None:
                response = ModelResponse.from_recorded(entry.response, key=key)
                self.answers_used[key] = response
                _raise_for_finish(request, response)
                return response
            if mode == "replay":
                raise CassetteMiss(key=key, prompt=request.prompt, cassette=str(self.cassette),
                                   nearest=self.cassette.nearest(request.to_dict()),
                                   rerecord=self.rerecord_hint, request=request)
        async def attempt() -> ModelResponse:
            started = time.perf_counter()
            result = self.transport(request)
            response = await result if inspect.isawaitable(result) else result
            return replace(response, latency_ms=response.latency_ms
                           or (time.perf_counter() - started) * 1000)

        response = await self.pacer.send(attempt, tokens=lambda: sum(
            count_tokens(content) for _, content in request.messages))
        self.calls += 1
        _raise_for_text(request, response.raw, response.model)
        response = replace(response, key=key, raw=redact(response.raw, self.settings.api_key))
        if mode == "record":
            # fsync waits on the disk: do it off the event loop so other calls keep flowing.
            await asyncio.to_thread(self.cassette.record, request.to_dict(), response.recorded(),
                                    provenance={"answered_by": response.model,
                                                "recorded_via": "live"})
        self.answers_used[key] = response
        _raise_for_finish(request, response)
        return response


def _raise_for_text(request: ModelRequest, *texts: str) -> None:
    """An answer that is not valid Unicode can be neither recorded (UTF-8) nor keyed.

    Not retried at once (the exchange itself worked; the server would likely say the same),
    and never recorded, so the next run asks again."""
    if any(_has_surrogate(text) for text in texts):
        raise ProviderError(f"{request.prompt_name}: the model server's answer is not valid "
                            "Unicode (a lone surrogate)", status=None, retryable=False,
                            request_key=request.key)


def _raise_for_finish(request: ModelRequest, response: ModelResponse) -> None:
    if response.finish_reason == "length":
        raise ProviderError(f"{request.prompt_name}: the answer was cut off at max_tokens="
                            f"{request.max_tokens} (raise CHECKER_MAX_TOKENS)",
                            status=None, retryable=False, request_key=request.key)
    if response.finish_reason == "content_filter":
        raise ProviderError(f"{request.prompt_name}: the provider's content filter refused the "
                            "request", status=None, retryable=False, request_key=request.key)


class OpenAITransport:
    """Chat completions against any OpenAI-compatible server (OpenAI, Azure, vLLM, Ollama, llama.cpp).

    Asks for strict json_schema output; in "auto" mode a server that rejects it is asked
    again in JSON mode, and the choice is remembered. One attempt per call: the openai client
    never retries (max_retries=0), so that no retry bypasses the pace; 429/5xx/timeouts come
    back as ProviderErrors carrying the rate-limit headers, for checker.pacing to retry.
    """

    def __init__(self, settings: Settings) -> None:
        self.structured_output = settings.structured_output
        self.client = openai.AsyncOpenAI(api_key=settings.require_api_key(),
                                         base_url=settings.base_url, max_retries=0,
                                         timeout=settings.timeout)

    async def __call__(self, request: ModelRequest) -> ModelResponse:
        started = time.perf_counter()
        body = wire_body(request, self.structured_output)
        try:
            completion, limits = await self._create(request, body)
        except openai.BadRequestError as err:
            if self.structured_output != "auto" or "response_format" not in str(err):
                raise _provider_error(request, err, self.client.api_key) from None
            self.structured_output = "json_object"  # the server lacks json_schema: JSON mode
            body = wire_body(request, self.structured_output)
            try:
                completion, limits = await self._create(request, body)
            except openai.OpenAIError as again:
                raise _provider_error(request, again, self.client.api_key) from None
        except openai.OpenAIError as err:
            raise _provider_error(request, err, self.client.api_key) from None
        response = response_from_completion(completion, request,
                                            latency_ms=(time.perf_counter() - started) * 1000)
        return replace(response, limits=limits)

    async def _create(self, request: ModelRequest, body: dict[str, Any]) -> tuple[Any, RateLimits]:
        """The completion's JSON as sent, and the rate limits its headers report. Read raw:
        building the client's typed response model for every answer costs more CPU than
        everything else checker does with it."""
        raw = await self.client.chat.completions.with_raw_response.create(**body)
        try:
            return json.loads(raw.text), rate_limits(raw.headers)
        except ValueError as err:  # a 2xx whose body is not JSON; not retried, like bad Unicode
            raise ProviderError(f"{request.prompt_name}: model server sent a body that is not "
                                f"JSON ({err})", status=None, retryable=False,
                                request_key=request.key) from None

    async def aclose(self) -> None:
        await self.client.close()


class OpenAIBatchRunner:
    """Runs a Batch API input file through an OpenAI-compatible server's files and batches
    endpoints and returns the output (and error) file's lines. Polls every `poll_seconds`."""

    TERMINAL = ("completed", "failed", "expired", "cancelled")

    def __init__(self, settings: Settings, *, poll_seconds: float = 30.0,
                 progress: Callable[[str, int, int], None] | None = None) -> None:
        self.client = openai.OpenAI(api_key=settings.require_api_key(), base_url=settings.base_url,
                                    max_retries=settings.max_retries, timeout=settings.timeout)
        self.poll_seconds = poll_seconds
        self.progress = progress

    def submit(self, input_path: str) -> str:
        try:
            with open(input_path, "rb") as handle:
                uploaded = self.client.files.create(file=handle, purpose="batch")
            batch = self.client.batches.create(input_file_id=uploaded.id,
                                               endpoint="/v1/chat/completions",
                                               completion_window="24h",
                                               metadata={"created_by": "checker"})
        except openai.OpenAIError as err:
            raise _batch_error("submitting the batch", err, self.client.api_key) from None
        return batch.id

    def wait(self, batch_id: str) -> str:
        """Poll until the batch ends; return the output and error files' JSONL text."""
        try:
            batch = self.client.batches.retrieve(batch_id)
            while batch.status not in self.TERMINAL:
                counts = batch.request_counts
                if self.progress is not None and counts is not None:
                    self.progress("batch", counts.completed + counts.failed, counts.total)
                time.sleep(self.poll_seconds)
                batch = self.client.batches.retrieve(batch_id)
            if batch.status != "completed":
                reasons = "; ".join(e.message for e in (batch.errors.data if batch.errors else [])
                                    if e.message) or "no reason given"
                raise ProviderError(redact(f"batch {batch_id} ended {batch.status}: {reasons}",
                                           self.client.api_key),
                                    retryable=batch.status == "expired")
            parts = [self.client.files.content(file_id).text
                     for file_id in (batch.output_file_id, batch.error_file_id) if file_id]
        except openai.OpenAIError as err:
            raise _batch_error(f"waiting for batch {batch_id}", err, self.client.api_key) from None
        return "\n".join(part.strip("\n") for part in parts if part.strip()) + "\n"


def _batch_error(doing: str, err: Exception, secret: str | None) -> ProviderError:
    status = getattr(err, "status_code", None)
    detail = redact(str(getattr(err, "message", None) or err), secret)
    return ProviderError(f"{doing} failed ({f'HTTP {status}' if status else type(err).__name__}): "
                         f"{detail}", status=status,
                         retryable=status is None or status >= 500 or status == 429)


def response_from_completion(body: dict[str, Any], request: ModelRequest, *,
                             latency_ms: float = 0.0) -> ModelResponse:
    """A ModelResponse from a chat.completion JSON body (live or from a batch output line)."""
    choices = body.get("choices") if isinstance(body, dict) else None
    if not choices or not isinstance(choices, list):
        raise ProviderError(f"{request.prompt_name}: the server returned no choices",
                            retryable=False, request_key=request.key)
    first = choices[0] if isinstance(choices[0], dict) else {}
    message = first.get("message") if isinstance(first.get("message"), dict) else {}
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    raw = message.get("content") or ""
    if not isinstance(raw, str):
        raise ProviderError(f"{request.prompt_name}: the server's message content is "
                            f"{type(raw).__name__}, not text", retryable=False,
                            request_key=request.key)
    model = body.get("model") if isinstance(body.get("model"), str) else None
    model = model or request.model
    _raise_for_text(request, raw, model)
    if not raw and message.get("refusal"):
        return ModelResponse(raw="", model=model, finish_reason="content_filter", key=request.key,
                             latency_ms=latency_ms)
    counts = [usage.get(k) if type(usage.get(k)) is int else 0  # noqa: E721 (bool is not a count)
              for k in ("prompt_tokens", "completion_tokens")]
    return ModelResponse(raw=raw, model=model, usage=Usage(*counts),
                         finish_reason=first.get("finish_reason"), key=request.key,
                         latency_ms=latency_ms)


def _provider_error(request: ModelRequest, err: Exception, secret: str | None) -> ProviderError:
    """A ProviderError carrying what checker.pacing needs: retryable or fatal, the provider's
    error code, its Retry-After and rate-limit headers."""
    status = getattr(err, "status_code", None)
    code = getattr(err, "code", None)
    response = getattr(err, "response", None)
    limits = rate_limits(response.headers) if response is not None else None
    retryable = status in (408, 409, 429) or (status is not None and status >= 500) or isinstance(
        err, (openai.APITimeoutError, openai.APIConnectionError))
    detail = redact(getattr(err, "message", None) or str(err) or type(err).__name__, secret)
    where = f"HTTP {status}" if status else type(err).__name__
    if status == 429 and code == QUOTA_EXHAUSTED:
        return ProviderError(f"{request.prompt_name}: the provider says the account's quota is "
                             f"exhausted (HTTP 429 {code}): add credit or raise its usage limit, "
                             "then run the same command again (answers already recorded are not "
                             f"asked for again). The server said: {detail}", status=status,
                             code=code, limits=limits, request_key=request.key)
    return ProviderError(f"{request.prompt_name}: model server failed ({where}): {detail}",
                         status=status, retryable=retryable, request_key=request.key, code=code,
                         retry_after=limits.retry_after if limits else None, limits=limits)
