"""Settings: the only module that reads the environment.

Every field is a keyword argument that falls back to a documented environment variable
(`CHECKER_*`, `OPENAI_API_KEY`, `OPENAI_BASE_URL`) and then to a default. Values are
validated at construction; a bad value is a one-line ConfigurationError naming its variable.
"""
from __future__ import annotations

import math
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .errors import ConfigurationError

MODES = ("replay", "record", "live")
DEFAULT_MAX_FILE_BYTES = 20_000_000
STRUCTURED_OUTPUT = ("auto", "json_schema", "json_object")
GIT_TIMEOUT = 2.0  # seconds `git config user.name` may take before the login name is used

# field name -> (environment variable, parser, default)
_ENV: dict[str, tuple[str, Any, Any]] = {
    "model": ("CHECKER_MODEL", str, "gpt-4o-mini"),
    "mode": ("CHECKER_MODE", str, "record"),
    "api_key": ("OPENAI_API_KEY", str, None),
    "base_url": ("OPENAI_BASE_URL", str, None),
    "temperature": ("CHECKER_TEMPERATURE", float, 0.0),
    "seed": ("CHECKER_SEED", int, 7),
    "max_tokens": ("CHECKER_MAX_TOKENS", int, 4096),
    "timeout": ("CHECKER_TIMEOUT", float, 120.0),
    "max_retries": ("CHECKER_MAX_RETRIES", int, 4),
    "retry_deadline": ("CHECKER_RETRY_DEADLINE", float, 300.0),
    "reasks": ("CHECKER_REASKS", int, 2),
    "concurrency": ("CHECKER_CONCURRENCY", int, 8),
    "requests_per_minute": ("CHECKER_RPM", int, None),
    "tokens_per_minute": ("CHECKER_TPM", int, None),
    "structured_output": ("CHECKER_STRUCTURED_OUTPUT", str, "auto"),
    "chunk_tokens": ("CHECKER_CHUNK_TOKENS", int, 2000),
    "chunk_overlap": ("CHECKER_CHUNK_OVERLAP", int, 0),
    "survey_tokens": ("CHECKER_SURVEY_TOKENS", int, 12000),
    "verify_per_claim": ("CHECKER_VERIFY_PER_CLAIM", float, 0.4),
    "batch_poll_seconds": ("CHECKER_BATCH_POLL", float, 30.0),
    "max_file_bytes": ("CHECKER_MAX_FILE_BYTES", int, DEFAULT_MAX_FILE_BYTES),
}


@dataclass(frozen=True)
class Settings:
    """Run configuration. Build with `Settings.from_env(**overrides)` or directly."""

    model: str = _ENV["model"][2]
    mode: str = _ENV["mode"][2]
    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = _ENV["base_url"][2]
    temperature: float = _ENV["temperature"][2]
    seed: int | None = _ENV["seed"][2]
    max_tokens: int = _ENV["max_tokens"][2]
    timeout: float = _ENV["timeout"][2]
    max_retries: int = _ENV["max_retries"][2]  # the Batch API's file and batch calls only
    retry_deadline: float = _ENV["retry_deadline"][2]  # seconds a model call is retried (pacing)
    reasks: int = _ENV["reasks"][2]
    concurrency: int = _ENV["concurrency"][2]
    requests_per_minute: int | None = _ENV["requests_per_minute"][2]
    tokens_per_minute: int | None = _ENV["tokens_per_minute"][2]
    structured_output: str = _ENV["structured_output"][2]
    chunk_tokens: int = _ENV["chunk_tokens"][2]
    chunk_overlap: int = _ENV["chunk_overlap"][2]
    survey_tokens: int = _ENV["survey_tokens"][2]
    verify_per_claim: float = _ENV["verify_per_claim"][2]
    batch_poll_seconds: float = _ENV["batch_poll_seconds"][2]
    # A larger input file is a load problem, not an out-of-memory kill (bench/bench_memory.py).
    max_file_bytes: int = _ENV["max_file_bytes"][2]

    def __post_init__(self) -> None:
        if self.api_key is not None and self.api_key != self.api_key.strip():
            # A pasted key often carries a newline; sent as is, every call fails as "Connection error".
            object.__setattr__(self, "api_key", self.api_key.strip() or None)
        if self.api_key and any(c.isspace() for c in self.api_key):
            raise ConfigurationError("OPENAI_API_KEY contains white space; check how it was set",
                                     setting="OPENAI_API_KEY")
        _choice("mode", self.mode, MODES)
        _choice("structured_output", self.structured_output, STRUCTURED_OUTPUT)
        if not self.model:
            raise ConfigurationError("the model name is empty (set CHECKER_MODEL or --model)",
                                     setting="CHECKER_MODEL")
        for name, low in (("max_tokens", 1), ("max_retries", 0), ("reasks", 0),
                          ("concurrency", 1), ("chunk_tokens", 64), ("chunk_overlap", 0),
                          ("survey_tokens", 256), ("max_file_bytes", 1)):
            _at_least(name, getattr(self, name), low)
        for name in ("requests_per_minute", "tokens_per_minute"):
            if getattr(self, name) is not None:
                _at_least(name, getattr(self, name), 1)
        if not 0.0 <= self.temperature <= 2.0:
            raise _bad("temperature", self.temperature, "must be between 0 and 2")
        for name in ("timeout", "batch_poll_seconds", "retry_deadline"):
            if getattr(self, name) <= 0:
                raise _bad(name, getattr(self, name), "must be positive")
        if not (math.isfinite(self.verify_per_claim) and self.verify_per_claim > 0):
            raise _bad("verify_per_claim", self.verify_per_claim, "must be positive and finite")
        if self.chunk_overlap >= self.chunk_tokens:
            raise _bad("chunk_overlap", self.chunk_overlap, "must be smaller than chunk_tokens")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Overrides (None means "not given") beat the environment, which beats defaults."""
        env = os.environ if environ is None else environ
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise ConfigurationError(f"unknown setting(s): {', '.join(sorted(unknown))}",
                                     setting=sorted(unknown)[0])
        values: dict[str, Any] = {}
        for name, (variable, parse, default) in _ENV.items():
            if overrides.get(name) is not None:
                values[name] = overrides[name]
            elif env.get(variable, "") != "":
                try:
                    values[name] = parse(env[variable])
                except ValueError:
                    raise ConfigurationError(
                        f"{variable}={env[variable]!r} is not a valid {parse.__name__}",
                        setting=variable, value=env[variable]) from None
            elif name == "mode" and env.get("CI", "").strip().lower() not in ("", "0", "false"):
                values[name] = "replay"  # CI never spends money unless told to: a re-record is explicit
            else:
                values[name] = default
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def require_api_key(self) -> str:
        """The key for live calls; a one-line error naming the variable when it is missing."""
        if not self.api_key:
            raise ConfigurationError(
                "OPENAI_API_KEY is not set: live model calls need it (or use --mode replay "
                "with a recorded cassette)", setting="OPENAI_API_KEY")
        return self.api_key


def reviewer_name(environ: Mapping[str, str] | None = None, *,
                  folder: str | os.PathLike[str] | None = None) -> str:
    """Who is reviewing: CHECKER_REVIEWER, else git's user.name (as configured for `folder`,
    where the review file lives), else the login name, else "unknown"."""
    env = os.environ if environ is None else environ
    return (env.get("CHECKER_REVIEWER") or git_user_name(env, folder) or env.get("USER")
            or env.get("USERNAME") or "unknown")


def git_user_name(environ: Mapping[str, str], folder: str | os.PathLike[str] | None = None) -> str:
    """`git config user.name`, or "" when git is missing, slow, failing or has no name."""
    try:
        done = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True,
                              timeout=GIT_TIMEOUT, env=dict(environ), check=False,
                              cwd=folder if folder is not None and os.path.isdir(folder) else None)
    except (OSError, subprocess.SubprocessError):  # no git, or it hung past the timeout
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def variable_for(name: str) -> str:
    return _ENV[name][0]


def _bad(name: str, value: Any, why: str) -> ConfigurationError:
    return ConfigurationError(f"{variable_for(name)}={value!r} {why}", setting=variable_for(name),
                              value=value)


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise _bad(name, value, f"is not one of: {', '.join(allowed)}")


def _at_least(name: str, value: int, low: int) -> None:
    if not isinstance(value, int) or value < low:
        raise _bad(name, value, f"must be a whole number of at least {low}")
