"""Load news articles (files, folders, globs, JSONL feeds) into `Document`s; bad inputs become `LoadProblem`s.

`Document.text` is exactly what was decoded from UTF-8, or UTF-16/32 with a BOM (BOM dropped, front
matter cut off; for HTML, the extracted readable text), and every offset in checker indexes that string.
Only regular files of at most `max_file_bytes` inside the folders, files and glob bases the caller
named are read; a symbolic link that leaves them is a problem unless `follow_links` is set.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .bounded import json_loads
from .dates import DATELINE_SEARCH_LINES, detect_published, published_date
from .errors import InputError
from .load_files import (
    FEED_SUFFIXES,
    HTML_SUFFIXES,
    MANIFEST_NAME,
    MAX_FOLDER_DEPTH,
    SUPPORTED_LIST,
    SUPPORTED_SUFFIXES,
    TEXT_SUFFIXES,
    Decoded,
    LoadProblem,
    ProblemLog,
    expand_input,
    printable,
    read_text,
    readable,
    root_of,
)
from .load_html import extract_html
from .load_metadata import (
    FRONT_MATTER_ALIASES,
    MAX_TITLE_CHARS,
    METADATA_FIELDS,
    clean_metadata,
    detect_title,
    read_manifest,
    split_front_matter,
)
from .settings import DEFAULT_MAX_FILE_BYTES
from .types import Document

__all__ = ["Document", "LoadProblem", "LoadResult", "load_documents", "make_document",
           "TEXT_SUFFIXES", "HTML_SUFFIXES", "FEED_SUFFIXES", "SUPPORTED_SUFFIXES", "METADATA_FIELDS",
           "FRONT_MATTER_ALIASES", "MANIFEST_NAME", "MAX_TITLE_CHARS", "DATELINE_SEARCH_LINES",
           "MAX_FOLDER_DEPTH"]


@dataclass
class LoadResult:
    """The documents loaded, in input order, and the problems met on the way."""

    documents: list[Document]
    problems: list[LoadProblem]


@dataclass
class _Draft:
    """A document before metadata precedence and duplicate checks; `where` names it in messages."""

    id: str
    text: str
    path: str
    where: str
    origin: str
    metadata: dict[str, str]
    notes: dict[str, str] = field(default_factory=dict)  # how the text was read: {"encoding": ...}


def load_documents(inputs: Sequence[str | os.PathLike[str]], *, strict: bool = False,
                   manifest: str | os.PathLike[str] | None = None,
                   metadata: Mapping[str, Mapping[str, str]] | None = None,
                   follow_links: bool = False,
                   max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> LoadResult:
    """Load every document named by `inputs`; `metadata` (id -> fields) overrides all other sources
    and must name loaded documents only."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    log = ProblemLog(strict, follow_links=follow_links, max_file_bytes=max_file_bytes)
    log.roots = [root for raw in inputs if (root := root_of(os.fspath(raw))) is not None]
    overrides = {doc_id: clean_metadata(entry, path="<metadata>", where=f"metadata for {doc_id!r}",
                                        log=log, reject_unknown=True)
                 for doc_id, entry in (metadata or {}).items()}
    explicit_manifest = os.path.realpath(manifest) if manifest is not None else None
    found_manifests: list[Path] = []
    files = [item for raw in inputs for item in expand_input(raw, log, found_manifests)]
    manifest_entries = _manifest_entries(found_manifests, manifest, explicit_manifest, log)
    documents: list[Document] = []
    admitted = _Admitted(log)
    for draft in _drafts(files, explicit_manifest, log):
        if admitted.accepts(draft):
            layers = [("cli", overrides.get(draft.id, {})), (draft.origin, draft.metadata),
                      ("manifest", manifest_entries.get(draft.id, {}))]
            documents.append(_build_document(draft.id, draft.text, draft.path, layers, draft.notes))
    if not documents:
        if log.problems:
            first = log.problems[0]
            raise InputError(f"no documents loaded; first problem: {first.message}",
                             path=first.path, reason="no-documents")
        raise InputError("no documents loaded: no inputs were given", reason="no-documents")
    unknown = [doc_id for doc_id in overrides if doc_id not in admitted.id_owner]
    if unknown:  # a typo in an id would otherwise leave the date it meant to set unknown, silently
        raise InputError(f"metadata for document {printable(readable(unknown[0]))!r}: no "
                         "document loaded has that id", reason="unknown-document")
    return LoadResult(documents, log.problems)


def _manifest_entries(found: Sequence[Path], manifest: str | os.PathLike[str] | None,
                      explicit: str | None, log: ProblemLog) -> dict[str, dict[str, str]]:
    """Document id -> manifest fields, the manifests found in folders first and the explicit one
    last, so that it wins."""
    entries: dict[str, dict[str, str]] = {}
    for manifest_path in found:
        if os.path.realpath(manifest_path) != explicit:
            entries.update(read_manifest(manifest_path, log))
    if manifest is not None:
        entries.update(read_manifest(Path(manifest), log))
    return entries


def _drafts(files: Sequence[tuple[Path, bool]], explicit_manifest: str | None,
            log: ProblemLog) -> Iterator[_Draft]:
    """The drafts of every supported file, each file once; an unsupported one named explicitly is a
    problem."""
    seen_files: set[str] = set()
    for path, named_explicitly in files:
        real = os.path.realpath(path)
        if real in seen_files or real == explicit_manifest:
            continue  # the same file reached twice (overlapping inputs) is loaded once, silently
        seen_files.add(real)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            if named_explicitly:
                log.add(path, "unsupported", f"{path}: unsupported file type "
                        f"{path.suffix or '(no suffix)'}; expected {SUPPORTED_LIST}")
            continue
        yield from _drafts_from_file(path, log)


class _Admitted:
    """The drafts admitted so far, by id and by text: an empty text or a second id or text is a problem."""

    def __init__(self, log: ProblemLog) -> None:
        self.log = log
        self.id_owner: dict[str, str] = {}
        self.text_owner: dict[bytes, str] = {}

    def accepts(self, draft: _Draft) -> bool:
        log = self.log
        if not draft.text or draft.text.isspace():
            log.add(draft.path, "empty", f"{draft.where}: no text to check")
            return False
        if draft.id in self.id_owner:
            log.add(draft.path, "duplicate-id", f"{draft.where}: id {draft.id!r} is already "
                    f"used by {self.id_owner[draft.id]}; skipped")
            return False
        # Hash, not pairwise comparison, so 10,000 documents cost 10,000 look-ups.
        digest = hashlib.sha256(draft.text.strip().encode("utf-8", "surrogatepass")).digest()
        if digest in self.text_owner:
            log.add(draft.path, "duplicate-content", f"{draft.where}: same text as "
                    f"{self.text_owner[digest]}; skipped")
            return False
        self.id_owner[draft.id] = self.text_owner[digest] = draft.where
        return True


def make_document(id: str, text: str, *, title: str | None = None, source: str | None = None,
                  url: str | None = None, published: str | None = None) -> Document:
    """A Document from text in memory, detected like a file's; explicit arguments win (origin "cli")."""
    if not isinstance(id, str) or not id.strip():
        raise InputError(f"a document needs a non-empty id, got {id!r}", reason="bad-metadata")
    if not isinstance(text, str) or not text or text.isspace():
        raise InputError(f"document {id!r} has no text to check", path=f"<{id}>", reason="empty")
    if readable(id) != id or readable(text) != text:
        raise InputError(f"document {readable(id)!r} is not Unicode text (a lone surrogate)",
                         path=f"<{readable(id)}>", reason="invalid-unicode")
    given = {"title": title, "source": source, "url": url, "published": published}
    explicit = clean_metadata(given, path=f"<{id}>", where=f"document {id!r}",
                              log=ProblemLog(strict=True), reject_unknown=True)
    return _build_document(id, text, None, [("cli", explicit)])


def _build_document(doc_id: str, text: str, path: str | None,
                    layers: Sequence[tuple[str, Mapping[str, str]]],
                    notes: Mapping[str, str] | None = None) -> Document:
    """Apply per-field precedence (earlier layers win), then fall back to detection in the text;
    `notes` on how the text was read (its encoding, when it was fetched) join the origins."""
    values: dict[str, str] = {}
    origins: dict[str, str] = dict(notes or {})
    for origin, metadata in layers:
        for name, value in metadata.items():
            if name not in values:
                values[name], origins[name] = value, origin
    if "published" not in values and (found := detect_published(text)):
        values["published"], origins["published"] = found
    if "title" not in values and (title := detect_title(text)):
        values["title"], origins["title"] = title, "first-line"
    published = values.pop("published", None)  # an ISO date string: Document reads it as a date
    return Document(id=doc_id, text=text, path=path, origins=origins,
                    published=published_date(published), **values)


def _drafts_from_file(path: Path, log: ProblemLog) -> list[_Draft]:
    """One draft per text or HTML file, one per line of a feed; a file that cannot be read has none."""
    decoded = read_text(path, log)
    if decoded is None:
        return []
    text, notes = decoded.text, _encoding_note(decoded)
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        return _drafts_from_feed(path, text, log)
    if suffix in HTML_SUFFIXES:
        origin = "html-meta"
        text, raw_metadata = extract_html(text)
        metadata = clean_metadata(raw_metadata, path=path, where=str(path), log=log)
    else:
        origin = "front-matter"
        text, metadata = split_front_matter(text, path, log)
    name = readable(str(path))
    return [_Draft(printable(readable(path.stem)), text, name, name, origin, metadata, notes)]


def _encoding_note(decoded: Decoded) -> dict[str, str]:
    """{"encoding": codec} for a text charset-normalizer had to detect; UTF-8 and BOMs go unsaid."""
    return {} if decoded.encoding in ("utf-8", "utf-16", "utf-32") else {"encoding": decoded.encoding}


def _drafts_from_feed(path: Path, text: str, log: ProblemLog) -> list[_Draft]:
    """A draft per JSON line {"id", "text", and metadata fields}; a bad line is a problem and skipped."""
    drafts = []
    # split("\n"), not splitlines(): U+2028 inside a JSON string is not a line break.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{readable(str(path))} line {number}"
        if readable(line) != line:  # undecodable bytes, kept as surrogates by read_text
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
        drafts.append(_Draft(doc_id, body, readable(str(path)), where, "feed", metadata))
    return drafts
