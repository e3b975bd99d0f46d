"""Rate limits are backpressure: checker.pacing reads what the provider says (x-ratelimit-*
headers, Retry-After, 429s), paces to it, retries until the deadline, and stops the whole run
at once when waiting cannot help. The behaviour is checked over real HTTP against
tests/oai_server.py (the real openai client), with times scaled down to keep the suite fast;
the arithmetic is checked on its own with explicit clocks.
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from conftest import first_sentence_model, schema_of
from oai_server import FakeOpenAI, RateLimit, Reply, completion, error

from checker.cassette import Cassette
from checker.cli import main
from checker.errors import ProviderError
from checker.gateway import Gateway
from checker.pacing import Budget, Limit, Pacer, parse_duration, parse_retry_after, rate_limits
from checker.settings import Settings

STORY = [f"Officials in town {n} met on Monday about the bridge. Nothing else was said.\n"
         for n in range(12)]
MORE = [f"Officials in city {n} met on Friday about the road. Nothing else was said.\n"
        for n in range(36)]


def write_story(folder: Path, texts: list[str] = STORY) -> Path:
    folder.mkdir()
    for n, text in enumerate(texts):
        (folder / f"{n:02d}.txt").write_text(text, encoding="utf-8")
    return folder


def report(tmp_path: Path, monkeypatch, capsys, model, *, docs: list[str] = STORY, **env: str):
    """`checker report` in record mode against the local server: (exit code, stderr, report
    data or None, server, seconds the run took)."""
    corpus = write_story(tmp_path / "corpus", docs)
    with FakeOpenAI(model=model) as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-pacing")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        started = time.monotonic()
        code = main(["report", str(corpus), "--cassette", str(tmp_path / "cassette.jsonl"),
                     "--mode", "record", "--out", str(tmp_path / "out"), "--quiet"])
        took = time.monotonic() - started
    err = capsys.readouterr().err
    assert "Traceback" not in err
    path = tmp_path / "out" / "report.json"
    return code, err, json.loads(path.read_text()) if path.exists() else None, server, took


# --- what the headers say -------------------------------------------------------------------------

@pytest.mark.parametrize("text, seconds", [
    ("1s", 1.0), ("6m0s", 360.0), ("20ms", 0.02), ("1m18.312s", 78.312), ("1h2m3.5s", 3723.5),
    ("0.5", 0.5), ("17", 17.0), ("", None), ("soon", None), ("-1", None), ("inf", None),
    ("5s3", None), (None, None)])
def test_reset_durations_in_openai_azure_and_vllm_notation(text, seconds):
    assert parse_duration(text) == (pytest.approx(seconds) if seconds is not None else None)


def test_retry_after_in_milliseconds_seconds_or_as_a_date():
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "1"}) == 0.25
    assert parse_retry_after({"retry-after": "2"}) == 2.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 80 < parse_retry_after({"retry-after": later}) <= 90
    assert parse_retry_after({"retry-after": "whenever"}) is None and parse_retry_after({}) is None


def test_rate_limit_headers_give_each_limits_rate():
    limits = rate_limits({"x-ratelimit-limit-requests": "60", "x-ratelimit-remaining-requests": "59",
                          "x-ratelimit-reset-requests": "1s", "x-ratelimit-limit-tokens": "150000",
                          "x-ratelimit-remaining-tokens": "149984",
                          "x-ratelimit-reset-tokens": "6ms", "retry-after": "3"})
    assert limits.requests == Limit(60, 59, 1.0) and limits.requests.rate == 1.0
    assert limits.tokens.rate == pytest.approx(16 / 0.006)
    assert limits.retry_after == 3.0
    azure = rate_limits({"x-ratelimit-remaining-requests": "0"})  # no limit, no reset: no rate
    assert azure.requests == Limit(None, 0, None) and azure.requests.rate is None


# --- the arithmetic, with an explicit clock -------------------------------------------------------

def test_a_ceiling_paces_evenly_after_one_seconds_burst():
    budget = Budget(600, now=0.0)  # 10 a second
    for _ in range(10):
        assert budget.wait(1, 0.0) == 0
        budget.take(1, 0.0)
    assert budget.wait(1, 0.0) == pytest.approx(0.1)


def test_a_large_request_waits_for_a_full_bucket_then_leaves_it_in_debt():
    budget = Budget(6000, now=0.0)  # 100 tokens a second, a bucket of 100
    budget.take(150, 0.0)  # fits a full bucket; 50 in debt
    assert budget.wait(10, 0.0) == pytest.approx(0.6)
    assert budget.wait(500, 0.0) == pytest.approx(1.5)  # waits for a full bucket, not for 500


def test_the_providers_headers_set_the_rate_and_what_is_left():
    budget = Budget(None, now=0.0)
    assert budget.wait(1, 0.0) == 0  # nothing known: no pacing
    for at in (0.0, 0.01, 0.02):
        budget.take(1, at)
    budget.learn(Limit(1200, 0, 60.0), sent_at=0.0, now=0.1)  # 20 a second, nothing left
    assert budget.rate == pytest.approx(20)
    # left when it answered (0) + refilled since (2) - the two sent after it = 0: wait for one
    assert budget.wait(1, 0.1) == pytest.approx(0.05)


def test_a_429_cuts_the_rate_only_for_requests_sent_under_the_pace_and_successes_win_it_back():
    budget = Budget(None, now=0.0)
    budget.learn(Limit(600, 590, 1.0), sent_at=0.0, now=1.0)  # 10 a second from t=1
    budget.cut(sent_at=0.5, now=1.2, slow=True)  # sent before checker knew the pace: no news
    assert budget.rate == pytest.approx(10)
    budget.cut(sent_at=1.5, now=1.6, slow=True)
    assert budget.rate == pytest.approx(7) and budget.capacity == pytest.approx(3.5)
    for second in (2.6, 3.6, 4.6, 5.6):
        budget.probe(second)
    assert budget.rate == pytest.approx(10)  # back to the provider's rate, never above


def test_without_headers_the_first_429_starts_the_pace_at_a_guess_and_probing_goes_on():
    budget = Budget(None, now=0.0)
    budget.cut(sent_at=0.0, now=0.01, slow=True, guess=5.0)
    assert budget.rate == 5.0
    budget.cut(sent_at=1.0, now=1.01, slow=True)
    assert budget.rate == pytest.approx(3.5)
    for second in range(2, 8):
        budget.probe(float(second))
    assert budget.rate > 5.0  # no known limit: keep probing until the next 429


# --- the pacer on its own transports --------------------------------------------------------------

def test_a_retry_goes_ahead_of_requests_that_arrived_after_it():
    order: list[str] = []
    first_try = True

    async def go():
        pacer = Pacer(concurrency=1)

        async def attempt(name: str):
            nonlocal first_try
            order.append(name)
            if name == "old" and first_try:
                first_try = False
                raise ProviderError("busy", status=503, retryable=True, retry_after=0.05)
            return name

        old = asyncio.create_task(pacer.send(lambda: attempt("old")))
        await asyncio.sleep(0)
        newer = [asyncio.create_task(pacer.send(lambda n=n: attempt(f"new{n}"))) for n in range(3)]
        await asyncio.gather(old, *newer)

    asyncio.run(go())
    assert order[:2] == ["old", "old"]  # the retry waited out Retry-After, then went first


def test_a_fatal_error_stops_every_waiting_request_without_sending_it():
    sent: list[int] = []

    async def go():
        pacer = Pacer(concurrency=1)

        async def attempt(n: int):
            sent.append(n)
            await asyncio.sleep(0.01)
            raise ProviderError("quota", status=429, code="insufficient_quota")

        results = await asyncio.gather(*(pacer.send(lambda n=n: attempt(n)) for n in range(5)),
                                       return_exceptions=True)
        return results

    results = asyncio.run(go())
    assert sent == [0]
    assert all(isinstance(r, ProviderError) and r.fatal and str(r) == "quota" for r in results)


def test_429s_shrink_the_window_once_per_round_trip_and_successes_grow_it_back():
    async def go():
        pacer = Pacer(concurrency=8)
        started = pacer.clock()
        pacer._cut(sent_at=started + 1, now=started + 2, retry_after=None)
        pacer._cut(sent_at=started + 1.5, now=started + 2.1, retry_after=None)  # an older pace
        assert pacer.window == pytest.approx(8 * 0.7)
        pacer._grow(started + 3)  # a window not in use shows nothing
        assert pacer.window == pytest.approx(8 * 0.7)
        for _ in range(20):
            pacer.in_flight = int(pacer.window) - 1  # the answer to one of a full window
            pacer._grow(started + 3)
        return pacer.window

    assert asyncio.run(go()) == 8  # back to the ceiling, never above


# --- over real HTTP: a provider's limits ----------------------------------------------------------

@pytest.mark.parametrize("headers", ["minute", None], ids=["x-ratelimit headers", "Retry-After only"])
def test_a_run_under_a_providers_limit_finishes_complete(headers, tmp_path, monkeypatch, capsys):
    limit = RateLimit(first_sentence_model, per_minute=1200, burst=2, headers=headers)
    code, err, data, server, _ = report(tmp_path, monkeypatch, capsys, limit)
    assert code == 0 and data["run"]["failures"] == [], err
    assert len({c["doc_id"] for c in data["claims"]}) == len(STORY)
    assert limit.limited > 0  # the provider did push back
    assert limit.limited < limit.accepted  # backpressure, not a storm of failures


def test_the_pace_follows_the_remaining_requests_header(tmp_path, monkeypatch, capsys):
    """A provider whose headers describe the bucket it enforces (3 requests, 10 a second): only
    the first requests, sent before any answer said anything, can meet a 429."""
    limit = RateLimit(first_sentence_model, per_minute=600, burst=3, headers="bucket")
    code, _, data, server, _ = report(tmp_path, monkeypatch, capsys, limit, docs=STORY[:8])
    assert code == 0 and data["run"]["failures"] == []
    first_wave = 8  # CHECKER_CONCURRENCY's default
    assert limit.limited <= first_wave - 3
    late = [t for t in server.arrivals if t > server.arrivals[0] + 0.2]
    assert len(late) >= 4  # the rest went at the provider's pace, not in a burst


def test_remaining_zero_without_a_rate_holds_requests_until_the_reset(tmp_path, monkeypatch,
                                                                     capsys):
    """Azure style: only x-ratelimit-remaining-requests (0) and a reset time: the next request
    waits for the reset instead of being sent to fail."""
    answered: list[float] = []

    def model(body):
        answered.append(time.monotonic())
        return Reply(200, completion(first_sentence_model(body)), headers={
            "x-ratelimit-remaining-requests": "0" if len(answered) == 1 else "50",
            "x-ratelimit-reset-requests": "600ms"})

    code, _, _, server, _ = report(tmp_path, monkeypatch, capsys, model, docs=STORY[:2],
                                   CHECKER_CONCURRENCY="1")
    assert code == 0
    assert server.arrivals[1] - answered[0] >= 0.55


def test_a_large_request_waits_for_token_budget_instead_of_being_sent_to_fail():
    """The provider's token headers say 1,000 tokens a second, none left: a request of about
    800 prompt tokens waits most of a second, and the provider never answers 429."""
    answered: list[float] = []
    too_early = []

    def model(body):
        tokens = sum(len(m["content"]) for m in body["messages"]) // 4
        if answered and tokens > 400 and time.monotonic() - answered[0] < 0.5:
            too_early.append(tokens)
            return error(429, "Rate limit reached for tokens")
        answered.append(time.monotonic())
        return Reply(200, completion(json.dumps({"summaries": [], "tensions": []})), headers={
            "x-ratelimit-limit-tokens": "1000", "x-ratelimit-remaining-tokens": "0",
            "x-ratelimit-reset-tokens": "1s"})

    async def go(server):
        gateway = Gateway(settings=Settings(mode="live", api_key="sk-test", base_url=server.base_url))
        try:
            for text in ("Summarise this.", "word " * 800):
                await gateway.complete(gateway.request(
                    messages=[{"role": "system", "content": "You summarise."},
                              {"role": "user", "content": text}],
                    prompt="survey_story@test", schema_id="survey_story"))
        finally:
            await gateway.aclose()

    with FakeOpenAI(model=model) as server:
        asyncio.run(go(server))
    assert too_early == [] and len(server.requests) == 2
    assert server.arrivals[1] - answered[0] >= 0.7


def test_a_server_that_recovers_after_a_while_gets_a_complete_run(tmp_path, monkeypatch, capsys):
    down_until = time.monotonic() + 1.5  # scaled down from "a minute"

    def model(body):
        if time.monotonic() < down_until:
            return error(503, "overloaded")
        return first_sentence_model(body)

    code, err, data, server, _ = report(tmp_path, monkeypatch, capsys, model, docs=STORY[:3],
                                        CHECKER_RETRY_DEADLINE="20")
    assert code == 0 and data["run"]["failures"] == [], err
    assert len(server.requests) > 6  # each extraction was retried through the outage


def test_a_concurrency_limit_without_headers_is_found_by_shrinking_the_window(
        tmp_path, monkeypatch, capsys):
    """A server that answers 429 (no Retry-After, no headers) to a third request in flight:
    the first wave meets 429s, then the window shrinks to what the server takes."""
    lock, in_flight, seen, rejected = threading.Lock(), [0], [0], []

    def model(body):
        with lock:
            seen[0] += 1
            if in_flight[0] >= 2:
                rejected.append(seen[0])
                return error(429, "too many requests in flight")
            in_flight[0] += 1
        try:
            time.sleep(0.02)
            return first_sentence_model(body)
        finally:
            with lock:
                in_flight[0] -= 1

    code, err, data, server, _ = report(tmp_path, monkeypatch, capsys, model, docs=MORE)
    assert code == 0 and data["run"]["failures"] == [], err
    half = len(server.requests) // 2
    late = [n for n in rejected if n > half]
    assert len(rejected) - len(late) >= 6  # the first wave: 8 sent, 2 taken
    assert len(late) < (len(server.requests) - half) / 3


# --- over real HTTP: when waiting cannot help -----------------------------------------------------

def test_quota_exhausted_stops_the_run_at_once_with_one_line_and_keeps_every_answer(
        tmp_path, monkeypatch, capsys):
    answered: list[str] = []
    lock = threading.Lock()

    def model(body):
        with lock:
            if len(answered) >= 5:
                return Reply(429, {"error": {
                    "message": "You exceeded your current quota, please check your plan and "
                               "billing details.", "type": "insufficient_quota",
                    "code": "insufficient_quota"}})
            answered.append(schema_of(body))
        return first_sentence_model(body)

    code, err, data, server, took = report(tmp_path, monkeypatch, capsys, model,
                                           CHECKER_RETRY_DEADLINE="60", CHECKER_CONCURRENCY="2")
    assert code == 3 and data is None
    assert err.count("\n") == 1 and err.startswith("checker: error: ")
    assert "quota is exhausted" in err and "add credit" in err and "run the same command again" in err
    assert took < 5  # not retried until the 60 s deadline
    assert len(server.requests) <= 5 + 2  # the quota answer, and what was already in flight
    assert len(list(Cassette(tmp_path / "cassette.jsonl").entries())) == len(answered) == 5


def test_a_retry_after_beyond_the_deadline_is_one_line_saying_when_to_run_again(
        tmp_path, monkeypatch, capsys):
    code, err, data, server, took = report(
        tmp_path, monkeypatch, capsys,
        lambda body: error(429, "Rate limit reached for requests per day",
                           headers={"retry-after": "7200"}),
        docs=STORY[:2], CHECKER_RETRY_DEADLINE="30")
    assert code == 3 and data is None and took < 5
    assert err.count("\n") == 1
    assert "wait 7200 s" in err and "CHECKER_RETRY_DEADLINE=30 s" in err
    assert "run the same command again after" in err and "UTC" in err
