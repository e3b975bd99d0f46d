"""Load news articles (files, folders, globs, JSONL feeds, standard input) into `Document`s; bad
inputs become `LoadProblem`s.

`Document.text` is exactly what was decoded (UTF-8, UTF-16/32 with a BOM, or the encoding detected;
BOM dropped, front matter cut off; for HTML, PDF and Word, the extracted text as paragraphs), and
every offset in checker indexes that string. Only regular files of at most `max_file_bytes` inside
the folders, files and glob bases the caller named are read; a symbolic link that leaves them is a
problem unless `follow_links` is set, and so is every file a folder holds that is not an article.
"""
from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .dates import DATELINE_SEARCH_LINES, detect_published, published_date
from .errors import InputError
from .load_drafts import Draft, draft_from_bytes, drafts_from_file, sniff_kind, stdin_name
from .load_files import (
    COMPANION_NAMES,
    FEED_SUFFIXES,
    HTML_SUFFIXES,
    MANIFEST_NAME,
    MAX_FOLDER_DEPTH,
    SUPPORTED_LIST,
    SUPPORTED_SUFFIXES,
    TEXT_SUFFIXES,
    LoadProblem,
    ProblemLog,
    expand_input,
    printable,
    read_limited,
    readable,
    root_of,
)
from .load_metadata import (
    FRONT_MATTER_ALIASES,
    MAX_TITLE_CHARS,
    METADATA_FIELDS,
    clean_metadata,
    detect_title,
    read_manifest,
)
from .load_url import DEFAULT_FETCH_TIMEOUT, UrlReader, is_url
from .settings import DEFAULT_MAX_FILE_BYTES
from .types import Document

__all__ = ["Document", "LoadProblem", "LoadResult", "load_documents", "make_document",
           "TEXT_SUFFIXES", "HTML_SUFFIXES", "FEED_SUFFIXES", "SUPPORTED_SUFFIXES", "METADATA_FIELDS",
           "FRONT_MATTER_ALIASES", "MANIFEST_NAME", "MAX_TITLE_CHARS", "DATELINE_SEARCH_LINES",
           "MAX_FOLDER_DEPTH"]


STDIN = "-"
STDIN_ID = "stdin"  # stable: a re-run on the same text reuses its recorded answers
STDIN_NAME = "<stdin>"


@dataclass
class LoadResult:
    """The documents loaded, in input order, and the problems met on the way."""

    documents: list[Document]
    problems: list[LoadProblem]


def load_documents(inputs: Sequence[str | os.PathLike[str]], *, strict: bool = False,
                   manifest: str | os.PathLike[str] | None = None,
                   metadata: Mapping[str, Mapping[str, str]] | None = None,
                   follow_links: bool = False,
                   max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
                   cache: str | os.PathLike[str] | None = None,
                   fetch_timeout: float = DEFAULT_FETCH_TIMEOUT) -> LoadResult:
    """Load every document named by `inputs`: paths, folders, globs, "-" for standard input and
    http(s) URLs (kept in the `cache` folder once fetched: `pages_folder(cassette)` is the one a
    cassette's run reads again). `metadata` (id -> fields) overrides all other sources and must
    name loaded documents only."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    log = ProblemLog(strict, follow_links=follow_links, max_file_bytes=max_file_bytes)
    log.roots = [root for raw in inputs if (root := root_of(os.fspath(raw))) is not None]
    overrides = {doc_id: clean_metadata(entry, path="<metadata>", where=f"metadata for {doc_id!r}",
                                        log=log, reject_unknown=True)
                 for doc_id, entry in (metadata or {}).items()}
    explicit_manifest = os.path.realpath(manifest) if manifest is not None else None
    found_manifests: list[Path] = []
    items = list(_items(inputs, log, found_manifests))
    manifest_entries = _manifest_entries(found_manifests, manifest, explicit_manifest, log)
    documents: list[Document] = []
    admitted = _Admitted(log)
    urls = UrlReader(cache=cache, timeout=fetch_timeout, limit=max_file_bytes)
    for draft in _drafts(items, explicit_manifest, log, urls):
        if admitted.accepts(draft):
            layers = [("cli", overrides.get(draft.id, {})), *draft.layers,
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


Item = tuple[Path, bool] | str  # (a file, named explicitly), or "-" for standard input, or a URL


def _items(inputs: Sequence[str | os.PathLike[str]], log: ProblemLog,
           manifests: list[Path]) -> Iterator[Item]:
    for raw in inputs:
        if stdin_name(raw):
            yield STDIN
        elif is_url(raw):
            yield os.fspath(raw)
        else:
            yield from expand_input(raw, log, manifests)


def _drafts(items: Sequence[Item], explicit_manifest: str | None, log: ProblemLog,
            urls: UrlReader) -> Iterator[Draft]:
    """The drafts of every input, each file once; every unsupported file is a problem, except the
    companions a folder keeps beside its articles (a manifest, review.toml)."""
    seen_files: set[str] = set()
    for item in items:
        if isinstance(item, str):
            if item not in seen_files:  # standard input can be read once, a page fetched once
                seen_files.add(item)
                yield from _stdin_drafts(log) if item == STDIN else urls.drafts(item, log)
            continue
        path, named_explicitly = item
        real = os.path.realpath(path)
        if real in seen_files or real == explicit_manifest:
            continue  # the same file reached twice (overlapping inputs) is loaded once, silently
        seen_files.add(real)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            if named_explicitly or path.name not in COMPANION_NAMES:
                what = "unsupported file type" if named_explicitly else "skipped: unsupported file type"
                log.add(path, "unsupported", f"{path}: {what} "
                        f"{path.suffix or '(no suffix)'}; expected {SUPPORTED_LIST}")
            continue
        yield from drafts_from_file(path, log)


def _stdin_drafts(log: ProblemLog) -> list[Draft]:
    """Standard input as one document, "stdin", of the kind its first bytes show."""
    try:
        data = read_limited(sys.stdin.buffer, limit=log.max_file_bytes, name=STDIN_NAME)
    except InputError as err:
        log.add(STDIN_NAME, err.reason, err.message)
        return []
    except OSError as err:
        log.add(STDIN_NAME, "unreadable", f"{STDIN_NAME}: cannot read ({err.strerror or err})")
        return []
    draft = draft_from_bytes(data, sniff_kind(data), doc_id=STDIN_ID, name=STDIN_NAME, log=log)
    return [draft] if draft else []


class _Admitted:
    """The drafts admitted so far, by id and by text: an empty text or a second id or text is a problem."""

    def __init__(self, log: ProblemLog) -> None:
        self.log = log
        self.id_owner: dict[str, str] = {}
        self.text_owner: dict[bytes, str] = {}

    def accepts(self, draft: Draft) -> bool:
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
