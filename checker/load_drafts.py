"""One input's bytes -> `Draft`s: documents before metadata precedence and duplicate checks.

A file's kind comes from its suffix, standard input's and a page's from their first bytes (or a
server's content type): text and Markdown (front matter cut off), HTML (trafilatura's main text),
PDF, Word .docx, or a JSONL feed (a draft per line). A draft's `layers` are its own metadata,
most trusted first; `notes` say how its text was read. What cannot be read is a problem, logged.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .bounded import json_loads
from .load_files import (
    DOCX_SUFFIXES,
    FEED_SUFFIXES,
    HTML_SUFFIXES,
    PDF_SUFFIXES,
    TEXT_SUFFIXES,
    Decoded,
    ProblemLog,
    decode_text,
    printable,
    read_bytes,
    readable,
)
from .load_html import extract_html
from .load_metadata import METADATA_FIELDS, clean_metadata, split_front_matter
from .load_office import UnreadableDocument, extract_docx, extract_pdf

Layer = tuple[str, dict[str, str]]  # (origin, fields)


@dataclass
class Draft:
    """A document before metadata precedence and duplicate checks; `where` names it in messages."""

    id: str
    text: str
    path: str
    where: str
    layers: list[Layer]
    notes: dict[str, str] = field(default_factory=dict)  # how the text was read: {"encoding": ...}


def kind_of(path: Path) -> str | None:
    """"feed", "html", "pdf", "docx" or "text" by the file's suffix; None when unsupported."""
    suffix = path.suffix.lower()
    for kind, suffixes in (("feed", FEED_SUFFIXES), ("html", HTML_SUFFIXES), ("pdf", PDF_SUFFIXES),
                           ("docx", DOCX_SUFFIXES)):
        if suffix in suffixes:
            return kind
    return "text" if suffix in TEXT_SUFFIXES else None


def sniff_kind(data: bytes) -> str:
    """The kind of unnamed content (standard input) from its first bytes; "text" unless it says."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return "html" if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) else "text"


def drafts_from_file(path: Path, log: ProblemLog) -> list[Draft]:
    """One draft per text, HTML, PDF or Word file, one per line of a feed; none when unreadable."""
    kind = kind_of(path)
    data = read_bytes(path, log)
    if data is None or kind is None:
        return []
    name = readable(str(path))
    if kind == "feed":
        decoded = decode_text(data, path, log, feed=True)
        return drafts_from_feed(path, decoded.text, log) if decoded else []
    draft = draft_from_bytes(data, kind, doc_id=printable(readable(path.stem)), name=name, log=log)
    return [draft] if draft else []


def draft_from_bytes(data: bytes, kind: str, *, doc_id: str, name: str, log: ProblemLog,
                     layers: list[Layer] | None = None, notes: dict[str, str] | None = None,
                     charset: str | None = None) -> Draft | None:
    """The draft of one document's bytes of a known kind (not a feed); `layers` given rank above
    what the content says of itself, `charset` (a server's) is tried before detection."""
    own: Layer
    notes = dict(notes or {})
    if kind in ("pdf", "docx"):
        try:
            text, raw = extract_pdf(data) if kind == "pdf" else \
                extract_docx(data, max_bytes=log.max_file_bytes)
        except UnreadableDocument as err:
            log.add(name, err.reason, f"{name}: {err.message}")
            return None
        own = (f"{kind}-meta", clean_metadata(raw, path=name, where=name, log=log))
    else:
        decoded = _decoded(data, name, log, charset)
        if decoded is None:
            return None
        notes.update(_encoding_note(decoded))
        text = decoded.text
        if kind == "html":
            text, raw = extract_html(text)
            own = ("html-meta", clean_metadata(raw, path=name, where=name, log=log))
        else:
            text, metadata = split_front_matter(text, Path(name), log)
            own = ("front-matter", metadata)
    return Draft(doc_id, text, name, name, [*(layers or []), own], notes)


def _decoded(data: bytes, name: str, log: ProblemLog, charset: str | None) -> Decoded | None:
    if charset:
        try:
            return Decoded(data.decode(charset).removeprefix("\ufeff"), charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a server's charset can be wrong: detect as for a file
    return decode_text(data, name, log)


def _encoding_note(decoded: Decoded) -> dict[str, str]:
    """{"encoding": codec} for a text that was not UTF-8; UTF-8 and byte-order marks go unsaid."""
    return {} if decoded.encoding in ("utf-8", "utf-16", "utf-32") else {"encoding": decoded.encoding}


def drafts_from_feed(path: Path, text: str, log: ProblemLog) -> list[Draft]:
    """A draft per JSON line {"id", "text", and metadata fields}; a bad line is a problem and skipped."""
    drafts = []
    # split("\n"), not splitlines(): U+2028 inside a JSON string is not a line break.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{readable(str(path))} line {number}"
        if readable(line) != line:  # undecodable bytes, kept as surrogates by decode_text
            log.add(path, "bad-feed-line", f"{where}: not valid UTF-8")
            continue
        try:
            record = json_loads(line)
        except ValueError as err:  # not JSON, or nested too deep to parse
            log.add(path, "bad-feed-line", f"{where}: not valid JSON ({getattr(err, 'msg', err)})")
            continue
        if not isinstance(record, dict):
            log.add(path, "bad-feed-line", f"{where}: expected a JSON object")
            continue
        doc_id, body = record.get("id"), record.get("text")
        if not isinstance(doc_id, str) or not doc_id.strip():
            log.add(path, "bad-feed-line", f"{where}: needs a non-empty string \"id\"")
            continue
        if not isinstance(body, str):
            log.add(path, "bad-feed-line", f"{where}: needs a string \"text\"")
            continue
        if not doc_id.isprintable():
            log.add(path, "bad-feed-line", f"{where}: \"id\" must be one line of printable text")
            continue
        if readable(body) != body:
            log.add(path, "bad-feed-line", f"{where}: \"text\" holds an escaped lone surrogate, "
                    "which is not Unicode text")
            continue
        metadata = clean_metadata({k: record[k] for k in METADATA_FIELDS if k in record},
                                  path=path, where=where, log=log)
        drafts.append(Draft(doc_id, body, readable(str(path)), where, [("feed", metadata)]))
    return drafts


def stdin_name(raw: str | os.PathLike[str]) -> bool:
    """True for the inputs that mean standard input: "-" (and /dev/stdin, which is a pipe)."""
    return os.fspath(raw) in ("-", "/dev/stdin")
