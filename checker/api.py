"""Library API: `check(documents_or_paths, ...) -> Report` for editorial tools.

Documents may be `Document` values, paths, folders or globs. Any callable that takes a
ModelRequest and returns a ModelResponse (sync or async) plugs in as `transport`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Mapping, Union

from .cassette import Cassette
from .errors import InputError
from .gateway import Gateway, Transport
from .load import Document, LoadProblem, load_documents
from .pipeline import Progress, run
from .report import Report
from .review import apply_review, read_review
from .settings import DEFAULT_MAX_FILE_BYTES, Settings

Source = Union[Document, str, "os.PathLike[str]"]


def gather_documents(sources: Iterable[Source], *, strict: bool = False,
                     manifest: str | os.PathLike[str] | None = None,
                     metadata: Mapping[str, Mapping[str, str]] | None = None,
                     follow_links: bool = False, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
                     ) -> tuple[list[Document], list[LoadProblem]]:
    items = list(sources)
    documents = [s for s in items if isinstance(s, Document)]
    paths = [s for s in items if not isinstance(s, Document)]
    problems: list[LoadProblem] = []
    if paths:
        loaded = load_documents(paths, strict=strict, manifest=manifest, metadata=metadata,
                                follow_links=follow_links, max_file_bytes=max_file_bytes)
        documents += loaded.documents
        problems = loaded.problems
    if not documents:
        raise InputError("no documents to check", reason="no-documents")
    return documents, problems


def check(documents_or_paths: Iterable[Source] | Source, *, model: str | None = None,
          transport: Transport | None = None, settings: Settings | None = None,
          cassette: str | os.PathLike[str] | Cassette | None = None, mode: str | None = None,
          strict: bool = False, progress: Progress | None = None,
          review: str | os.PathLike[str] | None = None, show_dismissed: bool = False,
          follow_links: bool = False) -> Report:
    """Check documents for agreements and contradictions and return the Report.

    Without `settings`, they come from the environment (`Settings.from_env`). With a custom
    `transport` and no cassette, mode defaults to "live" (nothing is recorded). With a
    `review` file, findings carry their review state and dismissed ones are left out unless
    `show_dismissed`. Symbolic links out of the named folders are read only with `follow_links`.
    """
    if isinstance(documents_or_paths, (str, Path, Document, os.PathLike)):
        documents_or_paths = [documents_or_paths]
    base = settings or Settings.from_env()
    if mode is None and transport is not None and cassette is None:
        mode = "live"
    base = base.with_(model=model, mode=mode)
    documents, problems = gather_documents(documents_or_paths, strict=strict,
                                           follow_links=follow_links,
                                           max_file_bytes=base.max_file_bytes)
    tape = cassette if isinstance(cassette, Cassette) else Cassette(cassette)
    if base.mode == "record":
        tape.check_writable()
    gateway = Gateway(settings=base, cassette=tape, transport=transport)
    report = run(documents, gateway, progress=progress, load_problems=problems)
    if review is None:
        return report
    return Report(apply_review(report.data, read_review(review), {d.id: d.text for d in documents},
                               source=str(review), show_dismissed=show_dismissed), report.texts)
