"""Load news articles (files, folders, globs, JSONL feeds) into `Document`s; bad inputs become `LoadProblem`s.

`Document.text` is exactly what was decoded from UTF-8, or UTF-16/32 with a BOM (BOM dropped, front
matter cut off; for HTML, the extracted readable text), and every offset in checker indexes that string.
Only regular files of at most `max_file_bytes` inside the folders, files and glob bases the caller
named are read; a symbolic link that leaves them is a problem unless `follow_links` is set.
"""
from __future__ import annotations

import codecs
import errno
import glob
import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import yaml

from checker.bounded import json_loads, read_regular, yaml_load
from checker.errors import InputError
from checker.settings import DEFAULT_MAX_FILE_BYTES

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
FEED_SUFFIXES = frozenset({".jsonl"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES
METADATA_FIELDS = ("title", "source", "url", "published")
FRONT_MATTER_ALIASES = {"outlet": "source", "date": "published"}
MANIFEST_NAME = "manifest.json"
MAX_TITLE_CHARS = 150
DATELINE_SEARCH_LINES = 8
MAX_FOLDER_DEPTH = 100  # deeper folders are a problem, not a RecursionError
_SUPPORTED_LIST = ".txt, .md, .html, .htm or .jsonl"
# UTF-32 first: its little-endian BOM starts with UTF-16's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    path: str | None = None
    # hash=False keeps documents hashable (a dict is not); the text and id already identify one.
    origins: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class LoadProblem:
    path: str
    reason: str
    message: str


@dataclass
class LoadResult:
    documents: list[Document]
    problems: list[LoadProblem]


class _ProblemLog:
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
        problem = LoadProblem(_printable(_readable(os.fspath(path))), reason,
                              _printable(_readable(message)))
        if self.strict:
            raise InputError(problem.message, path=problem.path, reason=reason)
        self.problems.append(problem)


@dataclass
class _Draft:
    """A document before metadata precedence and duplicate checks; `where` names it in messages."""

    id: str
    text: str
    path: str
    where: str
    origin: str
    metadata: dict[str, str]


def load_documents(inputs: Sequence[str | os.PathLike[str]], *, strict: bool = False,
                   manifest: str | os.PathLike[str] | None = None,
                   metadata: Mapping[str, Mapping[str, str]] | None = None,
                   follow_links: bool = False,
                   max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> LoadResult:
    """Load every document named by `inputs`; `metadata` (id -> fields) overrides all other sources
    and must name loaded documents only."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    log = _ProblemLog(strict, follow_links=follow_links, max_file_bytes=max_file_bytes)
    log.roots = [root for raw in inputs if (root := _root_of(os.fspath(raw))) is not None]
    overrides = {doc_id: _clean_metadata(entry, path="<metadata>", where=f"metadata for {doc_id!r}",
                                         log=log, reject_unknown=True)
                 for doc_id, entry in (metadata or {}).items()}
    explicit_manifest = os.path.realpath(manifest) if manifest is not None else None
    found_manifests: list[Path] = []
    files = [item for raw in inputs for item in _expand_input(raw, log, found_manifests)]
    manifest_entries: dict[str, dict[str, str]] = {}
    for manifest_path in found_manifests:
        if os.path.realpath(manifest_path) != explicit_manifest:
            manifest_entries.update(_read_manifest(manifest_path, log))
    if manifest is not None:  # read last: the explicit manifest wins over auto-detected ones
        manifest_entries.update(_read_manifest(Path(manifest), log))

    documents: list[Document] = []
    seen_files: set[str] = set()
    id_owner: dict[str, str] = {}
    text_owner: dict[bytes, str] = {}
    for path, named_explicitly in files:
        real = os.path.realpath(path)
        if real in seen_files or real == explicit_manifest:
            continue  # the same file reached twice (overlapping inputs) is loaded once, silently
        seen_files.add(real)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            if named_explicitly:
                log.add(path, "unsupported", f"{path}: unsupported file type "
                        f"{path.suffix or '(no suffix)'}; expected {_SUPPORTED_LIST}")
            continue
        for draft in _drafts_from_file(path, log):
            if not draft.text or draft.text.isspace():
                log.add(draft.path, "empty", f"{draft.where}: no text to check")
                continue
            if draft.id in id_owner:
                log.add(draft.path, "duplicate-id", f"{draft.where}: id {draft.id!r} is already "
                        f"used by {id_owner[draft.id]}; skipped")
                continue
            # Hash, not pairwise comparison, so 10,000 documents cost 10,000 look-ups.
            digest = hashlib.sha256(draft.text.strip().encode("utf-8", "surrogatepass")).digest()
            if digest in text_owner:
                log.add(draft.path, "duplicate-content", f"{draft.where}: same text as "
                        f"{text_owner[digest]}; skipped")
                continue
            id_owner[draft.id] = text_owner[digest] = draft.where
            layers = [("cli", overrides.get(draft.id, {})), (draft.origin, draft.metadata),
                      ("manifest", manifest_entries.get(draft.id, {}))]
            documents.append(_build_document(draft.id, draft.text, draft.path, layers))

    if not documents:
        if log.problems:
            first = log.problems[0]
            raise InputError(f"no documents loaded; first problem: {first.message}",
                             path=first.path, reason="no-documents")
        raise InputError("no documents loaded: no inputs were given", reason="no-documents")
    unknown = [doc_id for doc_id in overrides if doc_id not in id_owner]
    if unknown:  # a typo in an id would otherwise leave the date it meant to set unknown, silently
        raise InputError(f"metadata for document {_printable(_readable(unknown[0]))!r}: no "
                         "document loaded has that id", reason="unknown-document")
    return LoadResult(documents, log.problems)


def make_document(id: str, text: str, *, title: str | None = None, source: str | None = None,
                  url: str | None = None, published: str | None = None) -> Document:
    """A Document from text in memory, detected like a file's; explicit arguments win (origin "cli")."""
    if not isinstance(id, str) or not id.strip():
        raise InputError(f"a document needs a non-empty id, got {id!r}", reason="bad-metadata")
    if not isinstance(text, str) or not text or text.isspace():
        raise InputError(f"document {id!r} has no text to check", path=f"<{id}>", reason="empty")
    if _readable(id) != id or _readable(text) != text:
        raise InputError(f"document {_readable(id)!r} is not Unicode text (a lone surrogate)",
                         path=f"<{_readable(id)}>", reason="invalid-unicode")
    given = {"title": title, "source": source, "url": url, "published": published}
    explicit = _clean_metadata(given, path=f"<{id}>", where=f"document {id!r}",
                               log=_ProblemLog(strict=True), reject_unknown=True)
    return _build_document(id, text, None, [("cli", explicit)])


def _build_document(doc_id: str, text: str, path: str | None,
                    layers: Sequence[tuple[str, Mapping[str, str]]]) -> Document:
    """Apply per-field precedence (earlier layers win), then fall back to detection in the text."""
    values: dict[str, str] = {}
    origins: dict[str, str] = {}
    for origin, metadata in layers:
        for name, value in metadata.items():
            if name not in values:
                values[name], origins[name] = value, origin
    if "published" not in values and (found := _detect_published(text)):
        values["published"], origins["published"] = found
    if "title" not in values and (title := _detect_title(text)):
        values["title"], origins["title"] = title, "first-line"
    return Document(id=doc_id, text=text, path=path, origins=origins, **values)


# --- finding files ---------------------------------------------------------------------------

def _is_pattern(name: str) -> bool:
    # A literal file called "notes[1].txt" exists as named; only otherwise is the input a pattern.
    return glob.has_magic(name) and not os.path.lexists(name)


def _root_of(name: str) -> str | None:
    """The resolved folder or file an input names; for a pattern, the folder it starts in."""
    if _is_pattern(name):
        parts = Path(name).parts
        fixed = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))
        return os.path.realpath(Path(*parts[:fixed]) if fixed else ".")
    return os.path.realpath(name) if os.path.lexists(name) else None


def _expand_input(raw: str | os.PathLike[str], log: _ProblemLog,
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


def _expand_folder(folder: Path, log: _ProblemLog, manifests: list[Path],
                   report_empty: bool = True) -> Iterator[tuple[Path, bool]]:
    manifest = folder / MANIFEST_NAME
    if manifest.is_file() and not log.left_roots(manifest):
        manifests.append(manifest)
    files = list(_walk_folder(folder, log, ancestors=frozenset()))
    if not files and report_empty:
        log.add(folder, "no-documents", f"{folder}: no {_SUPPORTED_LIST} files in this folder")
    for path in files:
        yield path, False


def _walk_folder(folder: Path, log: _ProblemLog, ancestors: frozenset[str]) -> Iterator[Path]:
    """Supported files under `folder` in name order, skipping hidden entries, symlink cycles,
    links out of the roots and folders nested deeper than MAX_FOLDER_DEPTH."""
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
        if not is_dir and path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        if entry.is_symlink() and log.left_roots(path):
            continue
        if is_dir:
            yield from _walk_folder(path, log, ancestors | {real})
        else:
            yield path


# --- reading files ---------------------------------------------------------------------------

def _readable(text: str) -> str:
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


def _read_bytes(path: Path, log: _ProblemLog) -> bytes | None:
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


def _read_text(path: Path, log: _ProblemLog) -> str | None:
    """The file's text. A feed is decoded whatever its lines hold: each line is checked on its own,
    so one bad byte costs that line, not the feed."""
    data = _read_bytes(path, log)
    if data is None:
        return None
    feed = path.suffix.lower() in FEED_SUFFIXES
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    if encoding == "utf-8" and b"\x00" in data and not feed:
        log.add(path, "binary", f"{path}: looks like a binary file (contains NUL bytes), not UTF-8 text")
        return None
    try:
        text = data.decode(encoding, "surrogateescape" if feed and encoding == "utf-8" else "strict")
    except UnicodeDecodeError as err:
        log.add(path, "invalid-" + encoding.replace("-", ""), f"{path}: not valid {encoding.upper()} "
                f"(byte 0x{data[err.start]:02x} at offset {err.start})")
        return None
    if "\x00" in text and not feed:  # UTF-16 or UTF-32 text holding a NUL character
        log.add(path, "binary", f"{path}: looks like a binary file (contains NUL characters)")
        return None
    if not text or text.isspace():
        log.add(path, "empty", f"{path}: file is empty" if not text else f"{path}: only whitespace")
        return None
    return text[1:] if text.startswith("\ufeff") else text


def _printable(name: str) -> str:
    """A file name as an id: a line break or other control character in it becomes an escape."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in name)


def _drafts_from_file(path: Path, log: _ProblemLog) -> list[_Draft]:
    text = _read_text(path, log)
    if text is None:
        return []
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        return _drafts_from_feed(path, text, log)
    if suffix in HTML_SUFFIXES:
        origin = "html-meta"
        text, raw_metadata = _extract_html(text)
        metadata = _clean_metadata(raw_metadata, path=path, where=str(path), log=log)
    else:
        origin = "front-matter"
        text, metadata = _split_front_matter(text, path, log)
    name = _readable(str(path))
    return [_Draft(_printable(_readable(path.stem)), text, name, name, origin, metadata)]


def _drafts_from_feed(path: Path, text: str, log: _ProblemLog) -> list[_Draft]:
    drafts = []
    # split("\n"), not splitlines(): U+2028 inside a JSON string is not a line break.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{_readable(str(path))} line {number}"
        if _readable(line) != line:  # undecodable bytes, kept as surrogates by _read_text
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
        if _readable(body) != body:
            log.add(path, "bad-feed-line", f"{where}: \"text\" holds an escaped lone surrogate, "
                    "which is not Unicode text")
            continue
        metadata = _clean_metadata({k: record[k] for k in METADATA_FIELDS if k in record},
                                   path=path, where=where, log=log)
        drafts.append(_Draft(doc_id, body, _readable(str(path)), where, "feed", metadata))
    return drafts


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)


def _split_front_matter(text: str, path: Path, log: _ProblemLog) -> tuple[str, dict[str, str]]:
    """(body, metadata); a block that is not a YAML mapping is ordinary text and stays."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text, {}
    try:
        parsed = yaml_load(match.group(1))
    except yaml.YAMLError as err:
        problem = str(err).splitlines()[0]
        log.add(path, "bad-metadata", f"{path}: front matter is not valid YAML ({problem}); "
                "kept as text")
        return text, {}
    if parsed is not None and not isinstance(parsed, dict):
        return text, {}
    metadata = _clean_metadata(parsed or {}, path=path, where=f"{path} front matter", log=log,
                               aliases=FRONT_MATTER_ALIASES)
    return text[match.end():], metadata


def _read_manifest(path: Path, log: _ProblemLog) -> dict[str, dict[str, str]]:
    try:
        data = json_loads(read_regular(path, limit=log.max_file_bytes).decode("utf-8-sig"))
    except InputError as err:
        log.add(path, err.reason, err.message)
        return {}
    except FileNotFoundError:
        log.add(path, "not-found", f"{path}: manifest not found")
        return {}
    except OSError as err:
        log.add(path, "unreadable", f"{path}: cannot read manifest ({err.strerror})")
        return {}
    except ValueError as err:  # not UTF-8, not JSON, or nested too deep to parse
        log.add(path, "bad-metadata", f"{path}: manifest is not valid JSON ({err})")
        return {}
    if not isinstance(data, dict):
        log.add(path, "bad-metadata", f"{path}: manifest must be a JSON object of document id -> fields")
        return {}
    entries = {}
    for doc_id, entry in data.items():
        entries[doc_id] = _clean_metadata(entry, path=path, where=f"{path} entry {doc_id!r}",
                                          log=log, reject_unknown=True)
    return entries


# --- metadata values ---------------------------------------------------------------------------

def _clean_metadata(raw: Any, *, path: str | os.PathLike[str], where: str, log: _ProblemLog,
                    aliases: Mapping[str, str] | None = None,
                    reject_unknown: bool = False) -> dict[str, str]:
    """Known fields as clean strings (published as YYYY-MM-DD); bad values are problems, dropped."""
    if not isinstance(raw, Mapping):
        log.add(path, "bad-metadata", f"{where}: expected an object of fields, got {type(raw).__name__}")
        return {}
    aliases = aliases or {}
    cleaned: dict[str, str] = {}
    for key, value in raw.items():
        name = aliases.get(key, key)
        if name not in METADATA_FIELDS:
            if reject_unknown:
                log.add(path, "bad-metadata", f"{where}: unknown field {key!r} "
                        f"(expected {', '.join(METADATA_FIELDS)})")
            continue
        if value is None or (name in cleaned and key != name):
            continue  # the canonical key ("published") beats its alias ("date")
        try:
            text = _normalise_published(value) if name == "published" else _metadata_text(value)
        except ValueError as err:
            log.add(path, "bad-metadata", f"{where}: {key} {err}")
            continue
        if text:
            cleaned[name] = text
    return cleaned


def _metadata_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"must be text, got {type(value).__name__}")
    if isinstance(value, str) and _readable(value) != value:
        raise ValueError("is not Unicode text (an escaped lone surrogate)")
    # One line: metadata is shown to the model beside the text, where a line break could forge
    # a header, a boundary or a claim of its own.
    return " ".join(str(value).split())


def _normalise_published(value: Any) -> str:
    if isinstance(value, datetime):  # YAML turns unquoted timestamps into these
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else ""
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        if len(text) > 10 and re.match(r"\d{4}-\d{2}-\d{2}[T ]", text):
            return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        pass
    raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)")


# --- HTML ---------------------------------------------------------------------------------------

class _ReadableText(HTMLParser):
    """Readable text of an HTML page as paragraphs, plus the metadata in its markup."""

    SKIPPED = frozenset({"script", "style", "head", "nav", "footer", "noscript", "template"})
    BLOCKS = frozenset({"p", "div", "section", "article", "main", "header", "aside", "blockquote",
                        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
                        "table", "tr", "td", "th", "figure", "figcaption", "pre", "hr", "form",
                        "address", "body"})
    LINE_BREAK = "\x00"  # a NUL never reaches here: files containing one are rejected as binary

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] | None = None
        self.h1_parts: list[str] | None = None
        self.open: str | None = None  # "title" or "h1" while collecting one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: (value or "").strip() for key, value in attrs}
        if tag == "meta":
            key = (attributes.get("property") or attributes.get("name") or "").lower()
            if key in ("og:site_name", "og:url", "article:published_time"):
                self.meta.setdefault(key, attributes.get("content", ""))
        elif tag == "link" and "canonical" in attributes.get("rel", "").lower().split():
            self.meta.setdefault("canonical", attributes.get("href", ""))
        elif tag == "time" and attributes.get("datetime") and not self.skip_depth:
            self.meta.setdefault("time", attributes["datetime"])
        elif tag == "title" and self.title_parts is None:
            self.title_parts, self.open = [], "title"
        elif tag == "h1" and self.h1_parts is None and not self.skip_depth:
            self.h1_parts, self.open = [], "h1"
        if tag == "body":
            self.skip_depth = 0  # an unclosed <head> ends where the body starts
        if tag in self.SKIPPED:
            self.skip_depth += 1
        if tag == "br":
            self.current.append(self.LINE_BREAK)
        elif tag in self.BLOCKS:
            self._end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag == self.open:
            self.open = None
        if tag in self.SKIPPED and self.skip_depth:
            self.skip_depth -= 1
        if tag in self.BLOCKS:
            self._end_block()

    def handle_data(self, data: str) -> None:
        if self.open == "title" and self.title_parts is not None:
            self.title_parts.append(data)
        if self.skip_depth:
            return
        if self.open == "h1" and self.h1_parts is not None:
            self.h1_parts.append(data)
        self.current.append(data)

    def _end_block(self) -> None:
        # str.split() also collapses no-break spaces: the text is what a reader sees, not the markup.
        lines = (" ".join(part.split()) for part in "".join(self.current).split(self.LINE_BREAK))
        block = "\n".join(line for line in lines if line)
        if block:
            self.blocks.append(block)
        self.current = []


def _extract_html(markup: str) -> tuple[str, dict[str, str]]:
    parser = _ReadableText()
    parser.feed(markup)
    parser.close()
    parser._end_block()
    title = " ".join("".join(parser.title_parts or parser.h1_parts or []).split())
    meta = parser.meta
    metadata = {"title": title, "source": meta.get("og:site_name"),
                "url": meta.get("canonical") or meta.get("og:url"),
                "published": meta.get("article:published_time") or meta.get("time")}
    return "\n\n".join(parser.blocks), metadata


# --- detection in the text ------------------------------------------------------------------

_DATE_LINE = re.compile(r"\A\s*date(?:\s*:\s*|\s+)(\d{4})-(\d{2})-(\d{2})(?!\d)", re.IGNORECASE)
_MONTH = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATELINE_FORMS = (
    re.compile(rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})", re.I),
    re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})", re.I),
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"),
)
_DATELINE_LEAD = re.compile(r"(?:(?:published|posted)(?:\s+on)?\s*:?\s*)?"
                            r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?", re.I)
_DATELINE_TIME = re.compile(r"(?:(?:T|,?\s*(?:at\s+)?)\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
                            r"(?:\s*(?:[a-z]{1,5}|[+-]\d{2}:?\d{2}))?)?\s*", re.I)
_MONTH_NUMBERS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def _iso_date(year: str, month: str, day: str) -> str | None:
    number = int(month) if month.isdigit() else _MONTH_NUMBERS[month[:3].lower()]
    try:
        return date(int(year), number, int(day)).isoformat()
    except ValueError:
        return None


def _parse_dateline(line: str) -> str | None:
    """The ISO date when the whole line is a date (optionally with a time), else None."""
    rest = line[_DATELINE_LEAD.match(line).end():]
    for form in _DATELINE_FORMS:
        match = form.match(rest)
        if match and _DATELINE_TIME.fullmatch(rest, match.end()):
            return _iso_date(match["year"], match["month"], match["day"])
    return None


def _leading_lines(text: str, count: int) -> Iterator[str]:
    """The first `count` non-blank lines, stripped, without splitting a 20 MB text."""
    start = 0
    while count and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end].strip()
        start = end + 1
        if line:
            count -= 1
            yield line


def _detect_published(text: str) -> tuple[str, str] | None:
    match = _DATE_LINE.match(text)
    if match and (found := _iso_date(*match.groups())):
        return found, "date-line"
    for line in _leading_lines(text, DATELINE_SEARCH_LINES):
        if found := _parse_dateline(line):
            return found, "dateline"
    return None


def _detect_title(text: str) -> str | None:
    lines = _leading_lines(text, 2)
    first = next(lines, None)
    if first is None or next(lines, None) is None:
        return None  # a title needs text after it
    title = re.sub(r"^#{1,6}\s+", "", first)  # a Markdown heading marker is not part of the title
    if len(title) > MAX_TITLE_CHARS or title.endswith(".") or _DATE_LINE.match(title) \
            or _parse_dateline(title):
        return None
    return title
