"""Pacing: the one layer that paces model requests and retries their transport faults.

`Pacer.send(attempt)` waits for a place in the concurrency window and for request and token
budget, sends, and on a retryable ProviderError waits (Retry-After, else exponential backoff
with jitter) and sends again until the request's retry deadline. The pace follows what the
provider says: its x-ratelimit-* headers give the rate, a 429 cuts the rate and the window
multiplicatively, successes grow them back additively (AIMD), never above the ceilings
(CHECKER_RPM, CHECKER_TPM, CHECKER_CONCURRENCY). A fatal error stops every request at once.
"""
from __future__ import annotations

import asyncio
import bisect
import copy
import itertools
import math
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from .errors import ProviderError
from .pacing_headers import Limit, RateLimits, parse_duration, parse_retry_after, rate_limits

__all__ = ["Pacer", "PaceStatus", "Budget", "Limit", "RateLimits", "rate_limits", "parse_duration",
           "parse_retry_after"]

T = TypeVar("T")

CUT = 0.7             # a 429 multiplies the rate and the window by this
MIN_RATE = 1 / 60     # ... but never below one request (or token) a minute
PROBE = 0.1           # successes add back this share of the pre-cut rate per second
FIRST_BACKOFF = 0.25  # seconds before the first retry of a fault without Retry-After, doubling
MAX_BACKOFF = 30.0
PACE_WINDOW = 5.0     # the pace shown is the requests sent over this many seconds


class Budget:
    """A bucket refilled at `rate` per second, for requests or tokens, holding `burst` seconds
    of allowance (one at first; every 429 under the pace halves it, as the provider's own
    burst proved smaller).

    The rate starts at the ceiling, or at the provider's rate once its headers give one, and
    never goes above either; with neither it does not pace until a 429 gives a first guess.
    A 429 cuts the rate by CUT, successes add back PROBE of the pre-cut rate a second (AIMD).
    What the provider says is left caps the level. A request larger than the bucket waits for
    a full bucket and leaves it in debt.
    """

    def __init__(self, per_minute: int | None, now: float) -> None:
        self.ceiling = per_minute / 60.0 if per_minute else None
        self.learned: float | None = None  # the provider's own rate, from its headers
        self.rate = self.ceiling           # the pace now; None: not paced
        self.burst = 1.0
        self.level, self.updated = self.capacity, now
        self.paced_since = now if self.ceiling else None
        self.cut_from: float | None = None  # the rate before the last cut
        self.probed = now
        self.sent: deque[tuple[float, float]] = deque()  # (time, amount) over the last minute

    @property
    def top(self) -> float | None:
        known = [r for r in (self.ceiling, self.learned) if r is not None]
        return min(known) if known else None

    @property
    def capacity(self) -> float:
        return max(1.0, (self.rate or 1.0) * self.burst)

    def _refill(self, now: float) -> None:
        if self.rate is not None:
            self.level = min(self.capacity, self.level + (now - self.updated) * self.rate)
        self.updated = now

    def wait(self, need: float, now: float) -> float:
        """Seconds until `need` fits in the bucket (0: it fits now)."""
        self._refill(now)
        if self.rate is None:
            return 0.0
        return max(0.0, (min(need, self.capacity) - self.level) / self.rate)

    def take(self, need: float, now: float) -> None:
        self._refill(now)
        self.level -= need
        self.sent.append((now, need))
        while self.sent and self.sent[0][0] < now - 60.0:
            self.sent.popleft()

    def sent_since(self, since: float) -> float:
        total = 0.0
        for at, amount in reversed(self.sent):
            if at <= since:
                break
            total += amount
        return total

    def _start(self, rate: float, now: float) -> None:
        """Begin pacing, from what the last second's unpaced requests used."""
        self.rate, self.paced_since, self.updated = rate, now, now
        self.level = self.capacity - self.sent_since(now - 1.0)

    def _left(self, remaining: float, sent_at: float, now: float) -> None:
        """The provider had `remaining` when it took the request sent at `sent_at`: add what
        refilled since, less what was sent after it."""
        refill = self.learned or self.rate or 0.0
        self.level = min(self.level, remaining + (now - sent_at) * refill - self.sent_since(sent_at))

    def learn(self, limit: Limit, sent_at: float, now: float) -> None:
        """Take the provider's rate and remaining budget from an answer's headers."""
        self._refill(now)
        if limit.rate is not None:
            self.learned = limit.rate
            top = limit.rate if self.ceiling is None else min(self.ceiling, limit.rate)  # self.top
            if self.rate is None:
                self._start(top, now)
            elif self.rate > top:
                self.rate = top
        if self.rate is not None and limit.remaining is not None:
            self._left(limit.remaining, sent_at, now)

    def cut(self, sent_at: float, now: float, *, slow: bool, guess: float | None = None) -> None:
        """A 429 for a request sent at `sent_at`: the provider had nothing left then. With
        `slow`, slow down if that request went out under this pace (older ones answer an older
        pace); an unpaced budget starts at `guess`."""
        self._refill(now)
        if self.rate is None:
            if guess is not None:
                self._start(guess, now)
                self._left(0.0, sent_at, now)
                self.cut_from = guess  # a guess: probe upwards from it
            return
        self._left(0.0, sent_at, now)
        if slow and self.paced_since is not None and sent_at >= self.paced_since:
            self.cut_from = self.rate
            self.rate = max(MIN_RATE, self.rate * CUT)
            self.burst = max(1.0 / self.rate, self.burst / 2)

    def probe(self, now: float) -> None:
        """A success: after a cut, creep back up (never above the ceiling or the provider's rate)."""
        if self.rate is not None and self.cut_from is not None:
            self.rate += PROBE * self.cut_from * min(1.0, now - self.probed)
            if self.top is not None:
                self.rate = min(self.rate, self.top)
        self.probed = now


@dataclass(frozen=True)
class PaceStatus:
    requests_per_second: float  # sent over the last few seconds
    resume_in: float            # seconds until a wait the provider asked for ends (0: none)


class Pacer:
    """Admission (a window of calls in flight, request and token budgets, a hold while the
    provider asked to wait), retries until a deadline, and a halt on the first fatal error.

    Waiting requests go in order of first arrival, so a retry goes ahead of newer requests.
    """

    def __init__(self, *, requests_per_minute: int | None = None,
                 tokens_per_minute: int | None = None, concurrency: int = 8,
                 deadline: float = 300.0, clock: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None) -> None:
        self.clock = clock
        now = clock()
        self.requests = Budget(requests_per_minute, now)
        self.tokens = Budget(tokens_per_minute, now)
        self.ceiling = concurrency
        self.window = float(concurrency)
        self.in_flight = 0
        self.deadline = deadline
        self.hold_until = 0.0
        self.last_cut = -math.inf
        self.halted: ProviderError | None = None
        self.on_hold: Callable[[float], None] | None = None  # told the seconds of a new wait
        self.random = rng or random.Random()
        self._queue: list[list[Any]] = []  # sorted [priority, sequence, future or None]
        self._sequence = itertools.count()
        self._sleepers: set[asyncio.Future[None]] = set()

    async def send(self, attempt: Callable[[], Awaitable[T]], *,
                   tokens: Callable[[], int] = lambda: 0) -> T:
        """`attempt()`'s result, retrying retryable ProviderErrors until the deadline. The result
        and the errors may carry `limits` (RateLimits) read from the provider's headers."""
        counted: list[int] = []

        def need() -> int:
            if not counted:
                counted.append(tokens())
            return counted[0]

        priority, tries, first_sent = self.clock(), 0, None
        while True:
            sent_at = await self._admit(priority, need)
            first_sent = sent_at if first_sent is None else first_sent
            tries += 1
            try:
                result = await attempt()
            except ProviderError as err:
                self._release()
                now = self.clock()
                self._observe(err.limits, sent_at, now)
                if err.fatal:
                    self.halt(err)
                    raise
                if not err.retryable:
                    raise
                if err.rate_limited:
                    self._cut(sent_at, now, err.retry_after)
                delay = err.retry_after
                if delay is not None and delay > self.deadline:
                    raise self.halt(_wait_too_long(err, self.deadline)) from err
                if delay is None:
                    backoff = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (tries - 1))
                    delay = self.random.uniform(backoff / 2, backoff)
                if now + delay > first_sent + self.deadline:
                    raise _gave_up(err, tries, now - first_sent, self.deadline) from None
                if err.retry_after is not None:  # everyone waits: queue at once, keeping its place
                    self._hold(now + delay, now)
                else:
                    await self._pause(delay)
                continue
            except BaseException:
                self._release()
                raise
            self._release()
            now = self.clock()
            self._observe(getattr(result, "limits", None), sent_at, now)
            self._grow(now)
            return result

    def halt(self, err: ProviderError) -> ProviderError:
        """Stop every waiting and later request with (a copy of) the first fatal error."""
        if self.halted is None:
            self.halted = err
            for entry in self._queue:
                _wake(entry[2])
            for sleeper in self._sleepers:
                _wake(sleeper)
        return err

    def status(self) -> PaceStatus:
        now = self.clock()
        sent = self.requests.sent
        span = min(PACE_WINDOW, now - sent[0][0]) if sent else 0.0
        rate = self.requests.sent_since(now - PACE_WINDOW) / span if span > 0.5 else 0.0
        return PaceStatus(rate, max(0.0, self.hold_until - now))

    async def _admit(self, priority: float, need: Callable[[], int]) -> float:
        entry: list[Any] = [priority, next(self._sequence), None]
        bisect.insort(self._queue, entry)  # nearly always at the end: arrivals are in order
        loop = asyncio.get_running_loop()
        try:
            while True:
                self._raise_if_halted()
                now, wait = self.clock(), None
                if self._queue[0] is entry and self.in_flight < max(1, int(self.window)):
                    tokens = need() if self.tokens.rate is not None else 0
                    wait = max(self.hold_until - now, self.requests.wait(1, now),
                               self.tokens.wait(tokens, now))
                    if wait <= 0:
                        self._queue.pop(0)
                        self.requests.take(1, now)
                        self.tokens.take(tokens, now)
                        self.in_flight += 1
                        self._wake_next()
                        return now
                entry[2] = loop.create_future()
                try:
                    await asyncio.wait_for(entry[2], wait)
                except TimeoutError:
                    pass
                entry[2] = None
        except BaseException:
            if any(e is entry for e in self._queue):
                self._queue.remove(entry)
                self._wake_next()
            raise

    async def _pause(self, seconds: float) -> None:
        sleeper = asyncio.get_running_loop().create_future()
        self._sleepers.add(sleeper)
        try:
            await asyncio.wait_for(sleeper, seconds)
        except TimeoutError:
            pass
        finally:
            self._sleepers.discard(sleeper)
        self._raise_if_halted()

    def _raise_if_halted(self) -> None:
        if self.halted is not None:
            raise copy.copy(self.halted)

    def _release(self) -> None:
        self.in_flight -= 1
        self._wake_next()

    def _wake_next(self) -> None:
        """Wake as many waiting requests, in order, as there are free places: each woken one
        is admitted in turn when its budget allows (waking only the first would admit one per
        turn of the event loop)."""
        for entry in self._queue[:max(1, max(1, int(self.window)) - self.in_flight)]:
            _wake(entry[2])

    def _observe(self, limits: RateLimits | None, sent_at: float, now: float) -> None:
        if limits is None:
            return
        for budget, limit in ((self.requests, limits.requests), (self.tokens, limits.tokens)):
            budget.learn(limit, sent_at, now)
            if budget.rate is None and limit.remaining is not None and limit.remaining <= 0 \
                    and limit.reset:
                self._hold(now + limit.reset, now)  # nothing left, no rate known: wait it out

    def _cut(self, sent_at: float, now: float, retry_after: float | None) -> None:
        """Slow down once per round trip: 429s for requests sent before the last cut are
        answers to the old pace, not news. With no pace yet, a Retry-After gives the first
        guess (one request per Retry-After); without one, only the window shrinks."""
        news = sent_at > self.last_cut
        if news:
            self.last_cut = now
            self.window = max(1.0, self.window * CUT)
        guess = 1.0 / retry_after if retry_after else None
        self.requests.cut(sent_at, now, slow=news, guess=guess)
        self.tokens.cut(sent_at, now, slow=news)

    def _grow(self, now: float) -> None:
        if self.in_flight + 1 >= int(self.window):  # only a window in use shows it is big enough
            self.window = min(float(self.ceiling), self.window + 1.0 / self.window)
        self.requests.probe(now)
        self.tokens.probe(now)

    def _hold(self, until: float, now: float) -> None:
        if until > self.hold_until:
            self.hold_until = until
            if self.on_hold is not None:
                self.on_hold(until - now)


def _wake(future: asyncio.Future[None] | None) -> None:
    if future is not None and not future.done():
        future.set_result(None)


def _wait_too_long(err: ProviderError, deadline: float) -> ProviderError:
    wait = err.retry_after or 0.0
    until = datetime.now(UTC) + timedelta(seconds=wait)
    return ProviderError(
        f"the provider asks to wait {wait:.0f} s before the next request (HTTP {err.status}, "
        f"Retry-After), longer than the retry deadline (CHECKER_RETRY_DEADLINE={deadline:g} s): "
        f"run the same command again after {until:%Y-%m-%d %H:%M} UTC; answers already recorded "
        "are not asked for again", status=err.status, code=err.code, retry_after=wait,
        request_key=err.request_key, fatal=True)


def _gave_up(err: ProviderError, tries: int, elapsed: float, deadline: float) -> ProviderError:
    return ProviderError(f"{err}; gave up after {tries} attempts in {elapsed:.1f} s "
                         f"(CHECKER_RETRY_DEADLINE={deadline:g} s)", status=err.status,
                         retryable=True, request_key=err.request_key, code=err.code,
                         retry_after=err.retry_after, limits=err.limits, attempts=tries)
