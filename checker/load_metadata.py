"""Document metadata for load: front matter, manifests, cleaned field values, a title found in the text.

A field is one of METADATA_FIELDS, one line of text (published as YYYY-MM-DD); a value that is not
is a problem and dropped, never a guess. Front matter that is not a YAML mapping stays in the text.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .bounded import json_loads, read_regular, yaml_load
from .dates import is_date_line, leading_lines, normalise_published
from .errors import InputError
from .load_files import ProblemLog, readable

METADATA_FIELDS = ("title", "source", "url", "published")
FRONT_MATTER_ALIASES = {"outlet": "source", "date": "published"}
MAX_TITLE_CHARS = 150

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)


def split_front_matter(text: str, path: Path, log: ProblemLog) -> tuple[str, dict[str, str]]:
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
    metadata = clean_metadata(parsed or {}, path=path, where=f"{path} front matter", log=log,
                              aliases=FRONT_MATTER_ALIASES)
    return text[match.end():], metadata


def read_manifest(path: Path, log: ProblemLog) -> dict[str, dict[str, str]]:
    """Document id -> cleaned fields from a manifest.json; a manifest that cannot be read is a problem."""
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
        entries[doc_id] = clean_metadata(entry, path=path, where=f"{path} entry {doc_id!r}",
                                         log=log, reject_unknown=True)
    return entries


def clean_metadata(raw: Any, *, path: str | os.PathLike[str], where: str, log: ProblemLog,
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
            text = normalise_published(value) if name == "published" else _metadata_text(value)
        except ValueError as err:
            log.add(path, "bad-metadata", f"{where}: {key} {err}")
            continue
        if text:
            cleaned[name] = text
    return cleaned


def _metadata_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"must be text, got {type(value).__name__}")
    if isinstance(value, str) and readable(value) != value:
        raise ValueError("is not Unicode text (an escaped lone surrogate)")
    # One line: metadata is shown to the model beside the text, where a line break could forge
    # a header, a boundary or a claim of its own.
    return " ".join(str(value).split())


def detect_title(text: str) -> str | None:
    """The first line as a title, when it reads like one and text follows it; else None."""
    lines = leading_lines(text, 2)
    first = next(lines, None)
    if first is None or next(lines, None) is None:
        return None  # a title needs text after it
    title = re.sub(r"^#{1,6}\s+", "", first)  # a Markdown heading marker is not part of the title
    if len(title) > MAX_TITLE_CHARS or title.endswith(".") or is_date_line(title):
        return None
    return title
