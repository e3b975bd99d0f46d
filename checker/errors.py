"""One exception hierarchy for checker, every error carrying the data a caller needs.

Each error knows its CLI exit code and renders itself as one line (`str(err)`); the CLI
prints that line and exits, never a traceback. Codes: 2 bad input or usage, 3 a model
or provider failure left results incomplete (see docs/exit-codes in the README).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3


class CheckerError(Exception):
    """Base of every error checker raises on purpose."""

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigurationError(CheckerError):
    """A setting is missing or invalid (`setting` names the variable or option)."""

    def __init__(self, message: str, *, setting: str | None = None, value: Any = None) -> None:
        super().__init__(message)
        self.setting = setting
        self.value = value


class InputError(CheckerError):
    """A document or input path cannot be used (`path`, `reason` is a short code)."""

    def __init__(self, message: str, *, path: str | None = None, reason: str = "invalid") -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason


class PromptRenderError(CheckerError):
    """A prompt template was rendered with missing or unexpected variables."""

    def __init__(self, prompt: str, *, missing: Sequence[str] = (), unexpected: Sequence[str] = ()) -> None:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(sorted(missing)))
        if unexpected:
            parts.append("unexpected " + ", ".join(sorted(unexpected)))
        super().__init__(f"prompt {prompt!r} cannot be rendered: {'; '.join(parts)}")
        self.prompt = prompt
        self.missing = sorted(missing)
        self.unexpected = sorted(unexpected)


FATAL_STATUS = (401, 403, 404)  # a bad key, no access, or no such model: every call would fail
QUOTA_EXHAUSTED = "insufficient_quota"  # a 429 that waiting does not cure: the account is out of credit


class ProviderError(CheckerError):
    """The model server failed a request, after checker's own retries when `retryable`.

    `fatal` errors stop the whole run (every other request would fail the same way): 401, 403,
    404, a 429 whose `code` says the quota is exhausted, or a wait the provider asks for that is
    longer than the retry deadline. `retry_after` is the wait the server asked for (seconds),
    `limits` what its rate-limit headers said (checker.pacing.RateLimits), `attempts` how many
    requests were sent.
    """

    exit_code = EXIT_INCOMPLETE

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False,
                 request_key: str | None = None, code: str | None = None,
                 retry_after: float | None = None, limits: Any = None, fatal: bool = False,
                 attempts: int = 1) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.request_key = request_key
        self.code = code
        self.retry_after = retry_after
        self.limits = limits
        self.attempts = attempts
        self._fatal = fatal

    @property
    def fatal(self) -> bool:
        return self._fatal or self.status in FATAL_STATUS or self.code == QUOTA_EXHAUSTED

    @property
    def rate_limited(self) -> bool:
        """A 429 that asks to slow down (not an exhausted quota)."""
        return self.status == 429 and self.code != QUOTA_EXHAUSTED


@dataclass(frozen=True)
class Violation:
    """One schema or content violation: where in the answer (JSON path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class SchemaViolation(CheckerError):
    """A model answer is not valid JSON or does not satisfy its schema."""

    exit_code = EXIT_INCOMPLETE

    def __init__(self, schema_id: str, violations: list[Violation], *, raw: str = "") -> None:
        shown = "; ".join(str(v) for v in violations[:3])
        more = f" (+{len(violations) - 3} more)" if len(violations) > 3 else ""
        super().__init__(f"answer for {schema_id!r} violates its schema: {shown}{more}")
        self.schema_id = schema_id
        self.violations = list(violations)
        self.raw = raw

    @property
    def paths(self) -> list[str]:
        return [v.path for v in self.violations]


class ExtractionFailed(CheckerError):
    """The model could not produce a valid answer within the allowed attempts."""

    exit_code = EXIT_INCOMPLETE

    def __init__(self, prompt: str, *, attempts: int, request_key: str,
                 last_error: CheckerError) -> None:
        super().__init__(f"{prompt}: no valid answer after {attempts} attempts "
                         f"(request {request_key[:15]}…): {last_error}")
        self.prompt = prompt
        self.attempts = attempts
        self.request_key = request_key
        self.last_error = last_error


@dataclass
class NearestEntry:
    """The recorded request closest to a missed one, with the fields that differ."""

    key: str
    prompt: str
    differences: list[str] = field(default_factory=list)


class CassetteMiss(CheckerError):
    """Replay mode met a request the cassette has no answer for."""

    exit_code = EXIT_INCOMPLETE

    def __init__(self, *, key: str, prompt: str, cassette: str,
                 nearest: NearestEntry | None, rerecord: str, request: Any = None) -> None:
        if nearest is None:
            near = "the cassette holds no requests"
        else:
            near = (f"nearest recorded request {nearest.key[:15]}… ({nearest.prompt}) differs in "
                    + ", ".join(nearest.differences))
        super().__init__(f"cassette miss for prompt {prompt!r}, key {key} in {cassette}: {near}. "
                         f"To re-record: {rerecord}")
        self.key = key
        self.prompt = prompt
        self.cassette = cassette
        self.nearest = nearest
        self.rerecord = rerecord
        self.request = request  # the missed ModelRequest, so `checker export` can write it out


class AnswersPending(CheckerError):
    """The run needs model answers that are not recorded yet (batch path).

    `requests` are the missing model requests of the current stage; `export` writes
    them as a Batch API input file and a later run continues from there.
    """

    exit_code = EXIT_INCOMPLETE

    def __init__(self, stage: str, requests: list[Any]) -> None:
        super().__init__(f"stage {stage!r} needs {len(requests)} model answers that are not "
                         "recorded yet; export them with `checker export`, answer, then `checker import`")
        self.stage = stage
        self.requests = requests
