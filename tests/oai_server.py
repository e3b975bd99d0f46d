"""A small OpenAI-compatible HTTP server on 127.0.0.1 for tests.

It serves POST /v1/chat/completions from a script of replies (status, headers, body) or,
when the script is empty, from a `model` function of the request body; it records every
request it receives. The real openai client talks to it over real HTTP.
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def completion(content: str, *, model: str = "fake-model", finish_reason: str = "stop",
               prompt_tokens: int = 11, completion_tokens: int = 7) -> dict[str, Any]:
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "finish_reason": finish_reason,
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}}


def error(status: int, message: str, *, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, {"error": {"message": message, "type": "test", "code": None}}, headers or {})


class FakeOpenAI:
    def __init__(self, model: Callable[[dict[str, Any]], str] | None = None) -> None:
        self.script: deque[Reply] = deque()
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.arrivals: list[float] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def queue(self, *replies: Reply | str) -> None:
        for reply in replies:
            self.script.append(Reply(200, completion(reply)) if isinstance(reply, str) else reply)

    def __enter__(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, body: dict[str, Any]) -> Reply:
        if self.script:
            return self.script.popleft()
        if self.model is not None:
            return Reply(200, completion(self.model(body), model="fake-model"))
        return error(500, "the test server has no scripted reply left")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(body)
                server.arrivals.append(time.monotonic())
                if self.path != "/v1/chat/completions":
                    reply = error(404, f"no route {self.path}")
                else:
                    reply = server._next(body)
                payload = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        return Handler
