"""Bounded reading of every file checker is given or keeps: regular files only, a size limit,
and a nesting limit checked before any parser recurses.

A FIFO, a socket or a device is never opened for reading (a FIFO would block, /dev/zero never
ends); a file over its size limit is refused before it is read. JSON, TOML and YAML parsers
recurse once per nesting level, so a line nested 100,000 deep would end in RecursionError:
`json_loads` and `toml_loads` count the levels first, `yaml_load` stops composing at the limit.
Every refusal is an InputError (`reason` says which) or a ValueError a parser's caller expects.
"""
from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from typing import Any

import yaml

from .errors import InputError

MAX_NESTING = 100  # far deeper than any file checker reads or writes (those nest a few levels)

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISDIR, "a folder"))


class TooDeep(ValueError):
    """Nesting deeper than MAX_NESTING; a ValueError so that parse errors are caught as one."""

    def __init__(self) -> None:
        super().__init__(f"nested deeper than {MAX_NESTING} levels")


def not_regular(mode: int) -> str | None:
    """What a file of this st_mode is when it is not a regular file ("a FIFO (named pipe)")."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular(path: str | os.PathLike[str], *, limit: int | None, what: str = "file") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; otherwise an InputError.

    The type is checked before opening (a FIFO would block the open itself) and again on the
    open descriptor, which O_NONBLOCK keeps from blocking if the path was swapped in between.
    """
    name = os.fspath(path)
    _refuse_irregular(name, os.stat(name).st_mode, what)  # OSError (missing, loop) is the caller's
    fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        _refuse_irregular(name, status.st_mode, what)
        _refuse_larger(name, status.st_size, limit)
        # Sized by fstat, not by the limit: read(limit) would allocate the whole limit every time.
        data = handle.read(status.st_size + 1)
        if len(data) > status.st_size:  # it grew while being read: read on, up to the limit
            data += handle.read() if limit is None else handle.read(limit + 1 - len(data))
    _refuse_larger(name, len(data), limit)
    return data


def _refuse_irregular(name: str, mode: int, what: str) -> None:
    kind = not_regular(mode)
    if kind is not None:
        raise InputError(f"{name}: {kind}, not a regular {what}; not read", path=name,
                         reason="not-regular")


def _refuse_larger(name: str, size: int, limit: int | None) -> None:
    if limit is not None and size > limit:
        raise InputError(f"{name}: larger than the {limit:,}-byte limit (CHECKER_MAX_FILE_BYTES); "
                         "not read", path=name, reason="too-large")


# A JSON string: no bracket inside one counts. Unrolled so that a 20 MB string is one linear pass.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
# TOML strings (multi-line first) and comments.
_TOML_SKIPPED = re.compile(r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
                           r"|'[^'\n]*'|#[^\n]*", re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


def _check_nesting(text: str, strings: re.Pattern[str]) -> None:
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return  # too few openers to be too deep: the common case costs two counts
    depth = 0
    for bracket in _BRACKETS.findall(strings.sub("", text)):
        depth = depth + 1 if bracket in "[{" else depth - 1
        if depth > MAX_NESTING:
            raise TooDeep()


def json_loads(text: str | bytes, **options: Any) -> Any:
    """json.loads, refusing nesting deeper than MAX_NESTING before parsing (raises TooDeep)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    _check_nesting(text, _JSON_STRING)
    return json.loads(text, **options)


def toml_loads(text: str) -> dict[str, Any]:
    """tomllib.loads, refusing nesting deeper than MAX_NESTING before parsing (raises TooDeep)."""
    _check_nesting(text, _TOML_SKIPPED)
    return tomllib.loads(text)


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader whose composer (the recursive part) stops at MAX_NESTING levels, and whose
    timestamps that are no calendar date (2024-02-30) stay text instead of raising ValueError."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise yaml.composer.ComposerError(None, None, str(TooDeep()),
                                                  self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _BoundedLoader.construct_yaml_timestamp)


def yaml_load(text: str) -> Any:
    """yaml.safe_load with nesting bounded; every failure is a yaml.YAMLError."""
    return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 (a SafeLoader subclass)
