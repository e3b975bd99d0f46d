"""Cassette: recorded model answers, one JSON entry per line, keyed by request key.

An entry is {key, request, response, provenance}. Entries are appended and fsynced the
moment an answer arrives, so a crash loses nothing that was answered; a torn last line
(from a kill mid-write) is ignored on load and cut off before the next append. Every line is
validated on load: a bad one is an InputError naming the cassette and the line.

Several processes may record into one cassette. Appends, and the repair of a torn tail, happen
under an advisory lock on a sidecar file (NAME.jsonl.lock, left in place: deleting a lock file
races with its next user); under it a writer first reads what the others appended, so it never
cuts off their entries, never records an answer twice, and never leaves a blank line. Reading
needs no lock: a reader takes in complete lines only. A miss (`get`) reads what other
writers have appended since, so an answer bought by another run is not bought again.
"""
from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Indel

from .bounded import json_loads, not_regular
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
        self._lines = 0  # lines taken in, to number the next one in messages
        self.torn_tail = False
        self._needs_newline = False
        self.keys_used: set[str] = set()
        if self.path is not None:
            self._catch_up()

    def __str__(self) -> str:
        return str(self.path) if self.path is not None else "<in-memory cassette>"

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def entries(self) -> Iterator[CassetteEntry]:
        return iter(list(self._entries.values()))

    def get(self, key: str) -> CassetteEntry | None:
        """The recorded answer for `key`, including one another process recorded since load."""
        entry = self._entries.get(key)
        if entry is None and self.path is not None:
            with self._lock:
                self._catch_up()
            entry = self._entries.get(key)
        if entry is not None:
            self.keys_used.add(key)
        return entry

    def check_writable(self) -> None:
        """Fail now, with one line, if answers could not be recorded (before any is paid for)."""
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._file_lock(), open(self.path, "ab"):
                pass
        except OSError as err:
            raise InputError(f"cannot record answers in cassette {self.path}: {err.strerror}",
                             path=str(self.path), reason="unwritable") from None

    def _catch_up(self) -> None:
        """Take in the complete lines appended since the last look (all of them, the first time)."""
        path = Path(str(self))
        try:
            kind = not_regular(os.stat(path).st_mode)  # a FIFO would block the open below forever
            if kind is not None:
                raise InputError(f"cassette {path} is {kind}, not a file", path=str(path),
                                 reason="not-regular")
            with open(path, "rb") as handle:
                if os.fstat(handle.fileno()).st_size < self._good_size:
                    self._good_size, self._lines = 0, 0  # replaced by a shorter file: read it anew
                    self._needs_newline = False
                handle.seek(self._good_size)
                data = handle.read()
        except FileNotFoundError:  # not recorded yet, or deleted since: the next append starts it
            self._good_size = self._lines = 0
            self.torn_tail = self._needs_newline = False
            return
        except OSError as err:
            raise InputError(f"cannot read cassette {path}: {err.strerror}", path=str(path),
                             reason="unreadable") from None
        self.torn_tail = False
        if self._needs_newline and data:
            if not data.startswith(b"\n"):
                raise self._corrupt(self._lines, "runs on past the end of its entry")
            data = data[1:]  # another writer ended the line an editor had left open
            self._good_size += 1
            self._needs_newline = False
        *whole, tail = data.split(b"\n")
        for line in whole:
            self._lines += 1
            self._good_size += len(line) + 1
            if line.strip():  # a blank line (left by checker before 0.2) holds nothing
                self._take(self._parse(line, self._lines))
        if tail:
            try:
                entry = self._parse(tail, self._lines + 1)
            except InputError:  # no newline after it: a write that a crash (or a writer) cut short
                self.torn_tail = True
                return
            self._take(entry)  # a whole entry without its newline (an editor stripped it): keep it
            self._lines += 1
            self._good_size += len(tail)
            self._needs_newline = True

    def _take(self, entry: CassetteEntry) -> None:
        self._entries.setdefault(entry.key, entry)

    def _parse(self, line: bytes, number: int) -> CassetteEntry:
        try:
            obj = json_loads(line)
        except ValueError as err:  # not UTF-8, not JSON, or nested too deep to parse
            raise self._corrupt(number, f"is not JSON ({err})") from None
        problem = _entry_problem(obj)
        if problem:
            raise self._corrupt(number, problem)
        return CassetteEntry(obj["key"], obj["request"], obj["response"], obj["provenance"])

    def _corrupt(self, number: int, why: str) -> InputError:
        return InputError(f"cassette {self.path} line {number} is not a cassette entry: {why[:200]}",
                          path=str(self.path), reason="corrupt-cassette")

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        """One writer at a time across processes (threads of one process hold self._lock)."""
        path = Path(str(self))
        fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def record(self, request: dict[str, Any], response: dict[str, Any], *,
               provenance: dict[str, Any]) -> CassetteEntry:
        """Add an answer and persist it at once (append + flush + fsync)."""
        key = tagged_hash(request)
        stamp = {"recorded_at": datetime.now(UTC).isoformat(timespec="seconds")}
        entry = CassetteEntry(key, request, response, {**provenance, **stamp})
        with self._lock:
            if key in self._entries:
                return self._entries[key]
            if self.path is None:
                self._entries[key] = entry
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self._file_lock():
                    self._catch_up()  # what other writers appended, and whether the tail is torn
                    if key not in self._entries:  # another process may have recorded it meanwhile
                        self._append_line(entry.to_json())
                        self._entries[key] = entry
            self.keys_used.add(key)
            return self._entries[key]

    def _append_line(self, line: str) -> None:
        with open(Path(str(self)), "ab") as handle:
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
            self._lines += 1

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
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            if a != b:
                at = next((j for j, (x, y) in enumerate(zip(a.get("content", ""),
                                                            b.get("content", ""), strict=False)) if x != y),
                          min(len(a.get("content", "")), len(b.get("content", ""))))
                ctx = max(0, at - 20)  # a little context before the first difference
                out.append(f"messages[{i}] ({a.get('role')}) from character {at}: recorded "
                           f"{_short(a.get('content', '')[ctx:at + 40])} vs requested "
                           f"{_short(b.get('content', '')[ctx:at + 40])}")
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _entry_problem(obj: Any) -> str | None:
    """Why `obj` cannot be a cassette entry (None when it can): replay trusts these fields."""
    if not isinstance(obj, dict):
        return f"expected an object, got {type(obj).__name__}"
    missing = [name for name in ("key", "request", "response", "provenance") if name not in obj]
    if missing:
        return f"misses {', '.join(missing)}"
    if not isinstance(obj["key"], str):
        return "key is not text"
    for name in ("request", "response", "provenance"):
        if not isinstance(obj[name], dict):
            return f"{name} is not an object"
    request, response = obj["request"], obj["response"]
    messages = request.get("messages")
    if not isinstance(request.get("prompt"), str) or not isinstance(messages, list) or not all(
            isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
            for m in messages):
        return "request needs a prompt and messages of text"
    for name in ("raw", "model"):
        if not isinstance(response.get(name), str):
            return f"response.{name} is not text"
    usage = response.get("usage", {})
    if not isinstance(usage, dict) or not set(usage) <= {"prompt_tokens", "completion_tokens"} \
            or not all(type(v) is int for v in usage.values()):  # noqa: E721 (bool is no count)
        return "response.usage is not a pair of token counts"
    if not isinstance(response.get("finish_reason"), (str, type(None))):
        return "response.finish_reason is not text"
    if not isinstance(response.get("latency_ms", 0.0), (int, float)) or \
            isinstance(response.get("latency_ms"), bool):
        return "response.latency_ms is not a number"
    return None
