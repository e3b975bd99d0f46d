"""Answers on the wire: the chat-completions body a request is sent as, and the checks an
answer passes before anything reads it (JSON, schema, strict numbers, valid Unicode, finish
reason). Shared by live calls, the batch path and the cassette; pure, no openai.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from .errors import ProviderError, SchemaViolation, Violation
from .model import Check, ModelRequest, ModelResponse, Usage
from .prompts import load_schema, schema_validator


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
    found: list[Violation] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
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


def label_violations(named: list[str], labels: Iterable[str], where: str, key: str,
                     noun: str) -> list[Violation]:
    """An answer that names each item by its label must name every label once and no other:
    `named` in answer order, `where` the JSON path of the answer's list, `key` the label's."""
    known = list(labels)
    problems = [Violation(f"{where}[{i}]['{key}']", f"{label!r} is not a {noun} label")
                for i, label in enumerate(named) if label not in known]
    twice = sorted({label for label in named if named.count(label) > 1})
    if twice:
        problems.append(Violation(where, f"{', '.join(twice)} answered more than once"))
    missing = [label for label in known if label not in named]
    if missing:
        problems.append(Violation(where, f"no verdict for {', '.join(missing)}"))
    return problems


def reask_request(request: ModelRequest, failure: SchemaViolation) -> ModelRequest:
    """The same conversation plus the invalid answer and the validator's messages."""
    problems = "\n".join(f"- {v}" for v in failure.violations[:20])
    follow_up = ("Your answer above is not valid. The validator reported:\n" + problems +
                 "\nAnswer again with the complete JSON object only, fixing every problem.")
    messages = request.messages + (("assistant", failure.raw), ("user", follow_up))
    return replace(request, messages=messages)


def raise_for_text(request: ModelRequest, *texts: str) -> None:
    """An answer that is not valid Unicode can be neither recorded (UTF-8) nor keyed.

    Not retried at once (the exchange itself worked; the server would likely say the same),
    and never recorded, so the next run asks again."""
    if any(_has_surrogate(text) for text in texts):
        raise ProviderError(f"{request.prompt_name}: the model server's answer is not valid "
                            "Unicode (a lone surrogate)", status=None, retryable=False,
                            request_key=request.key)


def raise_for_finish(request: ModelRequest, response: ModelResponse) -> None:
    if response.finish_reason == "length":
        raise ProviderError(f"{request.prompt_name}: the answer was cut off at max_tokens="
                            f"{request.max_tokens} (raise CHECKER_MAX_TOKENS)",
                            status=None, retryable=False, request_key=request.key)
    if response.finish_reason == "content_filter":
        raise ProviderError(f"{request.prompt_name}: the provider's content filter refused the "
                            "request", status=None, retryable=False, request_key=request.key)


def response_from_completion(body: dict[str, Any], request: ModelRequest, *,
                             latency_ms: float = 0.0) -> ModelResponse:
    """A ModelResponse from a chat.completion JSON body (live or from a batch output line)."""
    choices = body.get("choices") if isinstance(body, dict) else None
    if not choices or not isinstance(choices, list):
        raise ProviderError(f"{request.prompt_name}: the server returned no choices",
                            retryable=False, request_key=request.key)
    first: dict[str, Any] = choices[0] if isinstance(choices[0], dict) else {}
    message: dict[str, Any] = first["message"] if isinstance(first.get("message"), dict) else {}
    usage: dict[str, Any] = body["usage"] if isinstance(body.get("usage"), dict) else {}
    raw = message.get("content") or ""
    if not isinstance(raw, str):
        raise ProviderError(f"{request.prompt_name}: the server's message content is "
                            f"{type(raw).__name__}, not text", retryable=False,
                            request_key=request.key)
    model = body.get("model") if isinstance(body.get("model"), str) else None
    model = model or request.model
    raise_for_text(request, raw, model)
    if not raw and message.get("refusal"):
        return ModelResponse(raw="", model=model, finish_reason="content_filter", key=request.key,
                             latency_ms=latency_ms)
    counts: list[int] = [usage[k] if type(usage.get(k)) is int else 0  # noqa: E721 (bool is no count)
                         for k in ("prompt_tokens", "completion_tokens")]
    return ModelResponse(raw=raw, model=model, usage=Usage(*counts),
                         finish_reason=first.get("finish_reason"), key=request.key,
                         latency_ms=latency_ms)
