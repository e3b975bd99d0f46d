"""A small OpenAI-compatible HTTP server on 127.0.0.1 for tests.

It serves POST /v1/chat/completions from a script of replies (status, headers, body) or,
when the script is empty, from a `model` function of the request body (returning the answer's
content, or a whole `Reply` to inject a fault for that request); it records every request it
receives. A Reply can also misbehave at the transport level: wait before answering (`delay`),
send a body that is not JSON (`raw`), or reset the connection part-way through the body
(`cut_after`). It also implements the Batch API's files and batches endpoints, answering
each batch line with the same `model` (a Reply there makes a failed line with its status and
body). `RateLimit` puts a provider's rate limit in front of a model (429s with Retry-After,
x-ratelimit-* headers). The real openai client talks to it over real HTTP.
"""
from __future__ import annotations

import email.parser
import json
import math
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0               # seconds to sit on the request first (a slow or hung server)
    raw: bytes | None = None         # the body sent as is, labelled application/json
    cut_after: int | None = None     # send this many body bytes, then reset the connection


def completion(content: str, *, model: str = "fake-model", finish_reason: str = "stop",
               prompt_tokens: int = 11, completion_tokens: int = 7) -> dict[str, Any]:
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "finish_reason": finish_reason,
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}}


def error(status: int, message: str, *, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, {"error": {"message": message, "type": "test", "code": None}}, headers or {})


def openai_duration(seconds: float) -> str:
    """A reset header as OpenAI writes it: "20ms", "1.5s", "6m0s"."""
    millis = round(seconds * 1000)
    if millis < 1000:
        return f"{millis}ms"
    minutes, rest = divmod(millis, 60_000)
    return (f"{minutes}m" if minutes else "") + f"{rest / 1000:g}s"


class RateLimit:
    """A provider's request limit in front of a `model`, enforced as OpenAI does: a bucket of
    `burst` requests refilled at `per_minute` / 60 per second. An empty bucket answers 429 with
    Retry-After and retry-after-ms. Every answer carries x-ratelimit-*-requests headers (the
    limit, what is left, the time until it is full again): of the per-minute limit, as OpenAI
    reports it (`headers="minute"`), of the bucket enforced (`"bucket"`), or none (None)."""

    def __init__(self, model: Callable[[dict[str, Any]], Any], *, per_minute: int, burst: float,
                 headers: str | None = "minute") -> None:
        self.model, self.rate, self.burst, self.headers = model, per_minute / 60, burst, headers
        self.limit = per_minute
        self.level, self.minute, self.at = burst, float(per_minute), time.monotonic()
        self.accepted = self.limited = 0
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            now = time.monotonic()
            self.level = min(self.burst, self.level + (now - self.at) * self.rate)
            self.minute = min(self.limit, self.minute + (now - self.at) * self.rate)
            self.at = now
            passed = self.level >= 1
            if passed:
                self.level -= 1
                self.minute -= 1
                self.accepted += 1
            else:
                self.limited += 1
            size, left = (self.limit, self.minute) if self.headers == "minute" else (self.burst, self.level)
            extra = {"x-ratelimit-limit-requests": f"{size:g}",
                     "x-ratelimit-remaining-requests": str(math.floor(left)),
                     "x-ratelimit-reset-requests": openai_duration((size - left) / self.rate)
                     } if self.headers else {}
            wait = (1 - self.level) / self.rate
        if not passed:
            return error(429, "Rate limit reached for requests", headers={
                **extra, "retry-after": str(math.ceil(wait)), "retry-after-ms": str(math.ceil(wait * 1000))})
        answer = self.model(body)
        reply = answer if isinstance(answer, Reply) else Reply(200, completion(answer))
        return replace(reply, headers={**extra, **reply.headers})


class FakeOpenAI:
    def __init__(self, model: Callable[[dict[str, Any]], str] | None = None) -> None:
        self.script: deque[Reply] = deque()
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []  # each chat request's headers, lower-case names
        self.arrivals: list[float] = []
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.polls_before_done = 1  # a batch reports "in_progress" this many times first
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # a short poll keeps shutdown quick: serve_forever notices it only between polls
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def queue(self, *replies: Reply | str) -> None:
        for reply in replies:
            self.script.append(Reply(200, completion(reply)) if isinstance(reply, str) else reply)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, body: dict[str, Any]) -> Reply:
        if self.script:
            return self.script.popleft()
        if self.model is not None:
            answer = self.model(body)
            if isinstance(answer, Reply):
                return answer
            return Reply(200, completion(answer, model="fake-model"))
        return error(500, "the test server has no scripted reply left")

    def _upload(self, content_type: str, body: bytes) -> Reply:
        message = email.parser.BytesParser().parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        parts = {part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
                 for part in message.get_payload()}
        file_id = f"file-{len(self.files)}"
        self.files[file_id] = parts["file"]
        return Reply(200, {"id": file_id, "object": "file", "bytes": len(parts["file"]),
                           "created_at": 0, "filename": "input.jsonl", "purpose": parts["purpose"].decode(),
                           "status": "processed"})

    def _run_batch(self, batch: dict[str, Any]) -> None:
        lines = []
        for n, line in enumerate(self.files[batch["input_file_id"]].decode().splitlines()):
            item = json.loads(line)
            answer = self.model(item["body"]) if self.model else ""
            # A Reply is a failed request: its line carries the status and body, as the Batch API's do.
            response = ({"status_code": answer.status, "request_id": f"req_{n}", "body": answer.body}
                        if isinstance(answer, Reply) else
                        {"status_code": 200, "request_id": f"req_{n}",
                         "body": completion(answer, model="batch-model")})
            lines.append(json.dumps({"id": f"batch_req_{n}", "custom_id": item["custom_id"], "error": None,
                                     "response": response}))
        output_id = f"file-{len(self.files)}"
        self.files[output_id] = ("\n".join(lines) + "\n").encode()
        batch.update(status="completed", output_file_id=output_id,
                     request_counts={"total": len(lines), "completed": len(lines), "failed": 0})

    def _batch_view(self, batch_id: str) -> Reply:
        batch = self.batches[batch_id]
        if batch["status"] != "completed":
            batch["polls"] += 1
            if batch["polls"] > self.polls_before_done:
                self._run_batch(batch)
        view = {k: v for k, v in batch.items() if k != "polls"}
        return Reply(200, view)

    def _route(self, method: str, path: str, content_type: str, raw: bytes,
               headers: dict[str, str] | None = None) -> Reply:
        if method == "POST" and path == "/v1/chat/completions":
            body = json.loads(raw or b"{}")
            self.headers.append(headers or {})
            self.requests.append(body)
            self.arrivals.append(time.monotonic())
            return self._next(body)
        if method == "POST" and path == "/v1/files":
            return self._upload(content_type, raw)
        if method == "POST" and path == "/v1/batches":
            body = json.loads(raw)
            batch_id = f"batch_{len(self.batches)}"
            self.batches[batch_id] = {
                "id": batch_id, "object": "batch", "endpoint": body["endpoint"],
                "input_file_id": body["input_file_id"], "completion_window": body["completion_window"],
                "status": "in_progress", "created_at": 0, "output_file_id": None, "error_file_id": None,
                "errors": None, "request_counts": {"total": 0, "completed": 0, "failed": 0}, "polls": 0}
            return self._batch_view(batch_id)
        if method == "GET" and path.startswith("/v1/batches/"):
            return self._batch_view(path.rsplit("/", 1)[1])
        if method == "GET" and path.startswith("/v1/files/") and path.endswith("/content"):
            return Reply(200, self.files[path.split("/")[3]])
        return error(404, f"no route {method} {path}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(length)
                if len(raw) < length:  # the client died mid-request (a killed run): nothing asked
                    self.close_connection = True
                    return
                self._send(server._route("POST", self.path, self.headers.get("content-type", ""),
                                         raw, {k.lower(): v for k, v in self.headers.items()}))

            def do_GET(self) -> None:
                self._send(server._route("GET", self.path, "", b""))

            def _send(self, reply: Reply) -> None:
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.raw is not None:
                    payload, kind = reply.raw, "application/json"
                elif isinstance(reply.body, bytes):
                    payload, kind = reply.body, "application/octet-stream"
                else:
                    payload, kind = json.dumps(reply.body).encode(), "application/json"
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", kind)
                    self.send_header("content-length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if reply.cut_after is None:
                        self.wfile.write(payload)
                        return
                    self.wfile.write(payload[:reply.cut_after])
                    self.wfile.flush()
                    # linger 0: close() sends a TCP reset instead of an orderly end of stream
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                except OSError:
                    self.close_connection = True  # the client gave up first (a timeout test)

        return Handler
