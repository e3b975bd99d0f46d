"""Identity: canonical JSON and one tagged hash, used for every key and id in checker.

`canonical_json` is sorted-key, compact, UTF-8 JSON; `tagged_hash` is "v1:" + its sha256.
Request keys, claim ids, finding ids and prompt versions all come from here.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

HASH_VERSION = "v1"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def tagged_hash(value: Any) -> str:
    """Hash of a JSON value (a str is hashed as JSON too, so "a" and ["a"] never collide)."""
    digest = hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
    return f"{HASH_VERSION}:{digest}"


def short_id(prefix: str, value: Any, length: int = 12) -> str:
    """A readable id such as "c-3f2a9b10c4de" derived from `tagged_hash(value)`."""
    return f"{prefix}-{tagged_hash(value).split(':', 1)[1][:length]}"
