"""The openai client, and nothing else in checker imports it: chat completions (live calls)
and the files and batches endpoints (the batch path) against any OpenAI-compatible server
(OpenAI, Azure, vLLM, Ollama, llama.cpp). Errors become ProviderErrors with what pacing needs.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import openai

from .answers import response_from_completion, wire_body
from .errors import QUOTA_EXHAUSTED, ProviderError
from .model import ModelRequest, ModelResponse
from .pacing import RateLimits, rate_limits
from .redact import redact
from .settings import Settings


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
                errors = (batch.errors.data if batch.errors else None) or []
                reasons = "; ".join(e.message for e in errors if e.message) or "no reason given"
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
