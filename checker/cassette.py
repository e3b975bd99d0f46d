"""Cassette: recorded model answers, one JSON entry per line, keyed by request key.

An entry is {key, request, response, provenance}. Entries are appended and fsynced the
moment an answer arrives, so a crash loses nothing that was answered; a torn last line
(from a kill mid-write) is ignored on load and cut off before the next append.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from rapidfuzz.distance import Indel

from .errors import InputError, NearestEntry
from .identity import tagged_hash


@dataclass(frozen=True)
class CassetteEntry:
    key: str
    request: dict[str, Any]
    response: dict[str, Any]
    provenance: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps({"key": self.key, "request": self.request, "response": self.response,
                           "provenance": self.provenance}, ensure_ascii=False, sort_keys=False)


class Cassette:
    """A JSONL cassette on disk (or in memory when `path` is None)."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path is not None else None
        self._entries: dict[str, CassetteEntry] = {}
        self._lock = threading.Lock()
        self._good_size = 0  # bytes up to the end of the last complete line
        self.torn_tail = False
        self._needs_newline = False
        self.keys_used: set[str] = set()
        if self.path is not None and self.path.exists():
            self._load()

    def __str__(self) -> str:
        return str(self.path) if self.path is not None else "<in-memory cassette>"

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def entries(self) -> Iterator[CassetteEntry]:
        return iter(list(self._entries.values()))

    def get(self, key: str) -> CassetteEntry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self.keys_used.add(key)
        return entry

    def _load(self) -> None:
        try:
            data = Path(str(self)).read_bytes()
        except OSError as err:
            raise InputError(f"cannot read cassette {self.path}: {err.strerror}",
                             path=str(self.path), reason="unreadable") from None
        lines = data.split(b"\n")
        offset = 0
        for number, line in enumerate(lines, start=1):
            last = number == len(lines)
            if last and not line:
                break
            try:
                obj = json.loads(line)
                entry = CassetteEntry(obj["key"], obj["request"], obj["response"], obj["provenance"])
            except (ValueError, KeyError, TypeError):
                if last:  # no newline after it: a write that a crash cut short
                    self.torn_tail = True
                    break
                raise InputError(f"cassette {self.path} line {number} is not a cassette entry",
                                 path=str(self.path), reason="corrupt-cassette") from None
            self._entries.setdefault(entry.key, entry)
            if last:  # a whole entry without its newline (an editor stripped it): keep it
                self._needs_newline = True
                offset += len(line)
                break
            offset += len(line) + 1
        self._good_size = offset

    def record(self, request: dict[str, Any], response: dict[str, Any], *,
               provenance: dict[str, Any]) -> CassetteEntry:
        """Add an answer and persist it at once (append + flush + fsync)."""
        key = tagged_hash(request)
        stamp = {"recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        entry = CassetteEntry(key, request, response, {**provenance, **stamp})
        with self._lock:
            if key in self._entries:
                return self._entries[key]
            self._entries[key] = entry
            self.keys_used.add(key)
            if self.path is not None:
                self._append_line(entry.to_json())
        return entry

    def _append_line(self, line: str) -> None:
        path = Path(str(self))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as handle:
            if self.torn_tail:  # drop the partial line a crash left behind
                handle.truncate(self._good_size)
                self.torn_tail = False
            encoded = (line + "\n").encode("utf-8")
            if self._needs_newline:
                encoded = b"\n" + encoded
                self._needs_newline = False
            handle.write(encoded)
            handle.flush()
            os.fsync(handle.fileno())
            self._good_size += len(encoded)

    def nearest(self, request: dict[str, Any]) -> NearestEntry | None:
        """The recorded request most like `request`, and the fields in which they differ."""
        if not self._entries:
            return None
        same_prompt = [e for e in self._entries.values()
                       if _prompt_name(e.request) == _prompt_name(request)]
        pool = same_prompt or list(self._entries.values())
        text = _messages_text(request)
        best = min(pool, key=lambda e: (len(_differing_fields(e.request, request)),
                                        Indel.normalized_distance(_messages_text(e.request), text)))
        return NearestEntry(key=best.key, prompt=best.request.get("prompt", "?"),
                            differences=describe_differences(best.request, request))


def _prompt_name(request: dict[str, Any]) -> str:
    return str(request.get("prompt", "")).split("@", 1)[0]


def _messages_text(request: dict[str, Any]) -> str:
    return "\n".join(m.get("content", "") for m in request.get("messages", []))


def _differing_fields(recorded: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    return sorted(k for k in recorded.keys() | wanted.keys() if recorded.get(k) != wanted.get(k))


def describe_differences(recorded: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """Human-readable differences, e.g. "prompt (…@v1:ab12 vs …@v1:cd34)"."""
    out = []
    for name in _differing_fields(recorded, wanted):
        if name != "messages":
            out.append(f"{name} (recorded {_short(recorded.get(name))} vs requested "
                       f"{_short(wanted.get(name))})")
            continue
        old, new = recorded.get("messages", []), wanted.get("messages", [])
        if len(old) != len(new):
            out.append(f"messages (recorded {len(old)} messages vs requested {len(new)})")
        for i, (a, b) in enumerate(zip(old, new)):
            if a != b:
                at = next((j for j, (x, y) in enumerate(zip(a.get("content", ""),
                                                            b.get("content", ""))) if x != y),
                          min(len(a.get("content", "")), len(b.get("content", ""))))
                ctx = max(0, at - 20)  # a little context before the first difference
                out.append(f"messages[{i}] ({a.get('role')}) from character {at}: recorded "
                           f"{_short(a.get('content', '')[ctx:at + 40])} vs requested "
                           f"{_short(b.get('content', '')[ctx:at + 40])}")
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
