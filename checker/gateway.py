"""The model gateway: ModelRequest in, validated ModelResponse out.

`Gateway.complete` looks the request up in the cassette, asks the transport on a miss (when
the mode allows), records the raw answer at once, then validates it against the request's
schema; a violation is re-asked with the validator's messages (tenacity, bounded, schema
violations only). Transport faults are retried by checker.pacing alone, which also paces every
call. A transport is any `Transport`; without one, the gateway opens an `OpenAITransport`
(imported only then) and closes it when the gateway is closed: `async with Gateway(...)`.
"""
from __future__ import annotations

import asyncio
import inspect
import time
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from .answers import parse_answer, raise_for_finish, raise_for_text, reask_request
from .cassette import Cassette
from .errors import CassetteMiss, ExtractionFailed, SchemaViolation
from .model import Check, ModelRequest, ModelResponse, RunUsage, Transport
from .pacing import Pacer
from .redact import redact
from .settings import Settings
from .tokens import count_tokens

if TYPE_CHECKING:
    from .openai_transport import OpenAITransport


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
            from .openai_transport import OpenAITransport  # openai loads only when a call is made
            self._transport = self._own_transport = OpenAITransport(self.settings)
        return self._transport

    async def __aenter__(self) -> Gateway:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client checker opened (a caller's own transport is theirs to close)."""
        if self._own_transport is not None:
            await self._own_transport.aclose()
            self._transport = self._own_transport = None

    def usage(self) -> RunUsage:
        """What the answers this run relied on cost, and who gave them."""
        answers = self.answers_used.values()
        return RunUsage(requests=len(self.answers_used),
                        prompt_tokens=sum(a.usage.prompt_tokens for a in answers),
                        completion_tokens=sum(a.usage.completion_tokens for a in answers),
                        calls=self.calls, answered_by=tuple(sorted({a.model for a in answers})),
                        cassette_keys=tuple(sorted(self.answers_used)))

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
                raise_for_finish(request, response)
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
        raise_for_text(request, response.raw, response.model)
        response = replace(response, key=key, raw=redact(response.raw, self.settings.api_key))
        if mode == "record":
            # fsync waits on the disk: do it off the event loop so other calls keep flowing.
            await asyncio.to_thread(self.cassette.record, request.to_dict(), response.recorded(),
                                    provenance={"answered_by": response.model,
                                                "recorded_via": "live"})
        self.answers_used[key] = response
        raise_for_finish(request, response)
        return response
