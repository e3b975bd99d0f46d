"""Redaction: the one function that every provider message, batch file line and model answer
passes through before it can reach stderr, logs, the cassette, a sidecar, a batch output file
or a report.

A server may echo the key it was sent (a proxy quoting the Authorization header, a batch error
repeating its request). Every secret given is replaced by "[redacted key]", and so is anything
shaped like an OpenAI key or a bearer token, for keys checker was not given (a batch output
file answered under someone else's key).
"""
from __future__ import annotations

import re

REDACTED = "[redacted key]"
# sk-..., sk-proj-...: long enough that no ordinary word matches; "Bearer <token>" keeps its word.
_KEY_SHAPED = re.compile(r"\bsk-[A-Za-z0-9_-]{16,}|(?<=Bearer )[A-Za-z0-9._~+/=-]{16,}")


def redact(text: str, *secrets: str | None) -> str:
    """`text` without any of `secrets` and without anything shaped like an API key."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _KEY_SHAPED.sub(REDACTED, text)
