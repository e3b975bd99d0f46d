"""Finding and reading the files a load names, confined to the folders, files and glob bases named.

`expand_input` yields the files one input names (a file, a folder walked in name order, or a glob),
skipping hidden entries and refusing links out of the roots unless links are followed; `read_text`
decodes a file of at most `max_file_bytes` (UTF-8, UTF-16/32 with a BOM, or the encoding
charset-normalizer detects). Every refusal is one line in the `ProblemLog` (or, in strict mode,
an InputError at once).
"""
from __future__ import annotations

import codecs
import errno
import glob
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .bounded import read_regular
from .errors import InputError
from .load_encoding import detect_encoding
from .settings import DEFAULT_MAX_FILE_BYTES

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
FEED_SUFFIXES = frozenset({".jsonl"})
PDF_SUFFIXES = frozenset({".pdf"})
DOCX_SUFFIXES = frozenset({".docx"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES
SUPPORTED_LIST = ".txt, .md, .html, .htm, .pdf, .docx or .jsonl"
MANIFEST_NAME = "manifest.json"
# Files that live beside articles without being one: read elsewhere, never listed as skipped.
COMPANION_NAMES = frozenset({MANIFEST_NAME, "review.toml"})
MAX_FOLDER_DEPTH = 100  # deeper folders are a problem, not a RecursionError
# UTF-32 first: its little-endian BOM starts with UTF-16's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class LoadProblem:
    path: str
    reason: str
    message: str


class ProblemLog:
    """Collects problems in order; in strict mode the first one raises instead."""

    def __init__(self, strict: bool, *, follow_links: bool = False,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> None:
        self.strict = strict
        self.problems: list[LoadProblem] = []
        self.follow_links = follow_links
        self.max_file_bytes = max_file_bytes
        self.roots: list[str] = []  # resolved folders and files the caller named

    def inside(self, real: str) -> bool:
        """True when a resolved path is one of the roots or under one (or links are followed)."""
        return self.follow_links or any(
            real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in self.roots)

    def left_roots(self, path: str | os.PathLike[str]) -> bool:
        """True (and a problem logged) when `path` resolves outside every root."""
        real = os.path.realpath(path)
        if self.inside(real):
            return False
        self.add(path, "outside-corpus", f"{path}: symbolic link to {real}, outside the folders and "
                 "files named; not read (--follow-links reads it)")
        return True

    def add(self, path: str | os.PathLike[str], reason: str, message: str) -> None:
        # One line each, whatever the file names hold (a message is printed as one line).
        problem = LoadProblem(printable(readable(os.fspath(path))), reason,
                              printable(readable(message)))
        if self.strict:
            raise InputError(problem.message, path=problem.path, reason=reason)
        self.problems.append(problem)


# --- finding files ---------------------------------------------------------------------------

def _is_pattern(name: str) -> bool:
    # A literal file called "notes[1].txt" exists as named; only otherwise is the input a pattern.
    return glob.has_magic(name) and not os.path.lexists(name)


def root_of(name: str) -> str | None:
    """The resolved folder or file an input names; for a pattern, the folder it starts in."""
    if _is_pattern(name):
        parts = Path(name).parts
        fixed = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))
        return os.path.realpath(Path(*parts[:fixed]) if fixed else ".")
    return os.path.realpath(name) if os.path.lexists(name) else None


def expand_input(raw: str | os.PathLike[str], log: ProblemLog,
                  manifests: list[Path]) -> Iterator[tuple[Path, bool]]:
    """Yield (file, named explicitly) for one input; folders also report their manifest.json."""
    name = os.fspath(raw)
    path = Path(name)
    if _is_pattern(name):
        try:
            matches = sorted(glob.glob(name, recursive=True))
        except RecursionError:  # "**" over folders nested about a thousand deep
            log.add(name, "too-deep", f"{name}: folders nested too deep to match this pattern")
            return
        if not matches:
            log.add(name, "not-found", f"{name}: no files match this pattern")
        for match in matches:
            if log.left_roots(match):  # "**" and "*/" go through links to folders
                continue
            if os.path.isdir(match):  # "dir/**" matches every subfolder: an empty one is no news
                yield from _expand_folder(Path(match), log, manifests, report_empty=False)
            else:
                yield Path(match), False
    elif path.is_dir():
        yield from _expand_folder(path, log, manifests)
    elif os.path.lexists(name):
        yield path, True
    else:
        log.add(name, "not-found", f"{name}: no such file or folder")


def _expand_folder(folder: Path, log: ProblemLog, manifests: list[Path],
                   report_empty: bool = True) -> Iterator[tuple[Path, bool]]:
    manifest = folder / MANIFEST_NAME
    if manifest.is_file() and not log.left_roots(manifest):
        manifests.append(manifest)
    files = list(_walk_folder(folder, log, ancestors=frozenset()))
    if report_empty and not any(path.suffix.lower() in SUPPORTED_SUFFIXES for path in files):
        log.add(folder, "no-documents", f"{folder}: no {SUPPORTED_LIST} files in this folder")
    for path in files:
        yield path, False


def _walk_folder(folder: Path, log: ProblemLog, ancestors: frozenset[str]) -> Iterator[Path]:
    """Files under `folder` in name order (load lists the unsupported ones as skipped), skipping
    hidden entries, companion files, symlink cycles, links out of the roots and folders nested
    deeper than MAX_FOLDER_DEPTH."""
    real = os.path.realpath(folder)
    if real in ancestors:
        log.add(folder, "symlink-loop", f"{folder}: symbolic link loops back to {real}; skipped")
        return
    if len(ancestors) >= MAX_FOLDER_DEPTH:
        log.add(folder, "too-deep", f"{folder}: folders nested more than {MAX_FOLDER_DEPTH} deep; "
                "not read")
        return
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as err:
        log.add(folder, "unreadable", f"{folder}: cannot list folder ({err.strerror})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError as err:
            reason = "symlink-loop" if err.errno == errno.ELOOP else "unreadable"
            log.add(path, reason, f"{path}: cannot follow ({err.strerror})")
            continue
        if not is_dir and entry.name in COMPANION_NAMES:
            continue
        if entry.is_symlink() and log.left_roots(path):
            continue
        if is_dir:
            yield from _walk_folder(path, log, ancestors | {real})
        else:
            yield path


# --- reading files ---------------------------------------------------------------------------

def readable(text: str) -> str:
    """`text` as valid Unicode. A file name that is not UTF-8 reaches Python with lone
    surrogates, which no id, message or report could be encoded with: its bytes become \\xNN."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name holds (from a JSON escape)
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def read_bytes(path: Path, log: ProblemLog) -> bytes | None:
    """The bytes of a regular file within the size limit; None, with a problem logged, otherwise."""
    try:
        return read_regular(path, limit=log.max_file_bytes)
    except InputError as err:  # a FIFO, device or socket, or over the size limit
        log.add(path, err.reason, err.message)
    except FileNotFoundError:
        log.add(path, "not-found", f"{path}: no such file (a broken link?)")
    except OSError as err:
        reason = "symlink-loop" if err.errno == errno.ELOOP else "unreadable"
        log.add(path, reason, f"{path}: cannot read ({err.strerror})")
    return None


def read_limited(stream: BinaryIO, *, limit: int, name: str) -> bytes:
    """A stream's bytes (standard input, a download) up to `limit`; an InputError past it."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{name}: larger than the {limit:,}-byte limit (CHECKER_MAX_FILE_BYTES); "
                         "not read", path=name, reason="too-large")
    return data


@dataclass(frozen=True)
class Decoded:
    """A file's text and the encoding it was read in (a Python codec name)."""

    text: str
    encoding: str


def decode_text(data: bytes, path: str | os.PathLike[str], log: ProblemLog, *,
                feed: bool = False) -> Decoded | None:
    """UTF-8, UTF-16/32 with a BOM, or (not for a feed) the encoding charset-normalizer detects;
    None, with a problem logged, when the bytes are binary, undecodable or empty."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    if encoding == "utf-8" and b"\x00" in data and not feed:
        log.add(path, "binary", f"{path}: looks like a binary file (contains NUL bytes), not UTF-8 text")
        return None
    try:
        text = data.decode(encoding, "surrogateescape" if feed and encoding == "utf-8" else "strict")
    except UnicodeDecodeError as err:
        detected = detect_encoding(data) if encoding == "utf-8" and not feed else None
        if detected is None:
            log.add(path, "invalid-" + encoding.replace("-", ""), f"{path}: not valid {encoding.upper()} "
                    f"(byte 0x{data[err.start]:02x} at offset {err.start})"
                    + ("" if encoding != "utf-8" else ", nor text in any encoding detected"))
            return None
        encoding, text = detected, data.decode(detected)
    if "\x00" in text and not feed:  # UTF-16 or UTF-32 text holding a NUL character
        log.add(path, "binary", f"{path}: looks like a binary file (contains NUL characters)")
        return None
    if not text or text.isspace():
        log.add(path, "empty", f"{path}: file is empty" if not text else f"{path}: only whitespace")
        return None
    return Decoded(text[1:] if text.startswith("\ufeff") else text, encoding)


def printable(name: str) -> str:
    """A file name as an id: a line break or other control character in it becomes an escape."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in name)
