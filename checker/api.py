"""Library API: `check_async(...)` and its synchronous wrapper `check(...)` -> Report.

Documents may be `Document` values, paths, folders, globs, "-" (standard input) or http(s) URLs
(kept beside the cassette once fetched). Any `Transport` (a callable that takes a ModelRequest
and returns a ModelResponse, sync or async) plugs in as `transport`; without one, an
OpenAI-compatible server is used. `check_with` runs on a gateway the caller
opened (the command line does, to show the gateway's pace): one place for the run, the batch
path and the review step. `check_draft(...)` / `check_draft_async(...)` check one draft against
its sources (-> DraftReport); `gather_draft` loads the draft.
"""
from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Union

from .batch import report_through_batches
from .cassette import Cassette
from .draft_report import DraftReport
from .draft_run import verify_draft_async
from .errors import ConfigurationError, InputError
from .gateway import Gateway
from .load import Document, LoadProblem, load_documents
from .load_url import pages_folder
from .model import Transport
from .pipeline import Progress, run_async
from .report import Report
from .review import ReviewEntry, apply_review, read_review
from .settings import DEFAULT_MAX_FILE_BYTES, Settings

Source = Union[Document, str, "os.PathLike[str]"]


def gather_documents(sources: Iterable[Source], *, strict: bool = False,
                     manifest: str | os.PathLike[str] | None = None,
                     metadata: Mapping[str, Mapping[str, str]] | None = None,
                     follow_links: bool = False, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
                     cache: str | os.PathLike[str] | None = None,
                     ) -> tuple[list[Document], list[LoadProblem]]:
    """The documents to check, and the inputs that could not be read (one problem each); fetched
    URLs are kept in `cache`."""
    items = list(sources)
    documents = [s for s in items if isinstance(s, Document)]
    paths = [s for s in items if not isinstance(s, Document)]
    problems: list[LoadProblem] = []
    if paths:
        loaded = load_documents(paths, strict=strict, manifest=manifest, metadata=metadata,
                                follow_links=follow_links, max_file_bytes=max_file_bytes,
                                cache=cache)
        documents += loaded.documents
        problems = loaded.problems
    if not documents:
        raise InputError("no documents to check", reason="no-documents")
    return documents, problems


async def check_with(gateway: Gateway, documents: Sequence[Document], *, settings: Settings,
                     problems: Sequence[LoadProblem] = (), progress: Progress | None = None,
                     batch: bool = False, review: Sequence[ReviewEntry] | None = None,
                     review_source: str = "", show_dismissed: bool = False,
                     notify: Callable[[str], None] | None = None) -> Report:
    """Run a check on an open gateway: every stage (or, with `batch`, one Batch API batch per
    stage), then the review verdicts when `review` entries are given."""
    if batch:
        report = await report_through_batches(documents, gateway, settings, problems=problems,
                                              progress=progress, notify=notify)
    else:
        report = await run_async(documents, gateway, settings=settings, progress=progress,
                                 load_problems=problems)
    if review is None:
        return report
    texts = {d.id: d.text for d in documents}
    return Report(apply_review(report.data, review, texts, source=review_source,
                               show_dismissed=show_dismissed), report.texts)


async def check_async(documents_or_paths: Iterable[Source] | Source, *, model: str | None = None,
                      transport: Transport | None = None, settings: Settings | None = None,
                      cassette: str | os.PathLike[str] | Cassette | None = None,
                      mode: str | None = None, strict: bool = False,
                      progress: Progress | None = None,
                      review: str | os.PathLike[str] | None = None, show_dismissed: bool = False,
                      follow_links: bool = False, batch: bool = False) -> Report:
    """Check documents for agreements and contradictions and return the Report.

    Without `settings`, they come from the environment (`Settings.from_env`). With a custom
    `transport` and no cassette, mode defaults to "live" (nothing is recorded). With `batch`,
    every stage's missing answers go out through the Batch API (the cassette records them, so
    a killed run resumes its batch). With a `review` file, findings carry their review state and
    dismissed ones are left out unless `show_dismissed`. Symbolic links out of the named folders
    are read only with `follow_links`. Bad input raises a CheckerError with one line to show.
    """
    if isinstance(documents_or_paths, (str, Path, Document, os.PathLike)):
        documents_or_paths = [documents_or_paths]
    base = settings or Settings.from_env()
    if mode is None and transport is not None and cassette is None:
        mode = "live"
    base = base.with_(model=model, mode="replay" if batch else mode)
    tape = cassette if isinstance(cassette, Cassette) else Cassette(cassette)
    # Pages fetched from URLs are kept beside the cassette, so its replay reads the same text.
    documents, problems = gather_documents(documents_or_paths, strict=strict,
                                           follow_links=follow_links,
                                           max_file_bytes=base.max_file_bytes,
                                           cache=pages_folder(tape.path) if tape.path else None)
    entries = read_review(review) if review is not None else None  # before any model call
    if base.mode == "record" or batch:
        tape.check_writable()
    async with Gateway(settings=base, cassette=tape, transport=transport) as gateway:
        return await check_with(gateway, documents, settings=base, problems=problems,
                                progress=progress, batch=batch, review=entries,
                                review_source=str(review or ""), show_dismissed=show_dismissed)


def check(documents_or_paths: Iterable[Source] | Source, **options: object) -> Report:
    """`check_async` for callers without a running event loop (scripts, the command line).

    Inside a running loop (Jupyter, an async web app) it cannot block: use
    `await check_async(...)` there; the same keyword arguments apply."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(check_async(documents_or_paths, **options))  # type: ignore[arg-type]
    raise ConfigurationError("check() was called inside a running event loop (Jupyter, an async "
                             "web app); use `await checker.check_async(...)` there instead",
                             setting="event loop")


def gather_draft(draft: Source, *, metadata: Mapping[str, Mapping[str, str]] | None = None,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
                 cache: str | os.PathLike[str] | None = None) -> Document:
    """The one draft to check: a Document, a file (txt, md, html, pdf, docx), "-" for standard
    input or a URL; a missing, unreadable or empty draft is a one-line InputError. `metadata`
    entries for other ids are ignored (they are the sources')."""
    if isinstance(draft, Document):
        return draft
    name = os.fspath(draft)
    if name != "-" and "://" not in name and not os.path.lexists(name):
        raise InputError(f"draft {name}: no such file", path=name, reason="missing")
    if os.path.isdir(name):
        raise InputError(f"draft {name} is a folder; name one file (the sources go after "
                         "--against)", path=name, reason="usage")
    loaded = load_documents([name], strict=True, max_file_bytes=max_file_bytes, cache=cache)
    if len(loaded.documents) != 1:
        raise InputError(f"draft {name} holds {len(loaded.documents)} documents; a draft is one "
                         "document", path=name, reason="usage")
    document = loaded.documents[0]
    if metadata and document.id in metadata:
        document = load_documents([name], strict=True, max_file_bytes=max_file_bytes, cache=cache,
                                  metadata={document.id: metadata[document.id]}).documents[0]
    return document


async def check_draft_with(gateway: Gateway, draft: Document, sources: Sequence[Document], *,
                           settings: Settings, problems: Sequence[LoadProblem] = (),
                           progress: Progress | None = None) -> DraftReport:
    """Check a draft against its sources on an open gateway."""
    return await verify_draft_async(draft, sources, gateway, settings=settings, progress=progress,
                                    load_problems=problems)


async def check_draft_async(draft: Source, against: Iterable[Source] | Source, *,
                            model: str | None = None, transport: Transport | None = None,
                            settings: Settings | None = None,
                            cassette: str | os.PathLike[str] | Cassette | None = None,
                            mode: str | None = None, strict: bool = False,
                            progress: Progress | None = None,
                            follow_links: bool = False) -> DraftReport:
    """Check one draft against its sources: every check-worthy claim of the draft supported,
    contradicted, misquoted or not in the sources, with grounded evidence -> DraftReport.

    The same keyword arguments as `check_async`, with the same defaults. The sources are
    extracted exactly as `check` extracts them, so a cassette recorded by `check` on the same
    sources answers their side, and only the draft's requests are new. Bad input (a missing or
    empty draft, no sources) raises a CheckerError with one line to show.
    """
    if isinstance(against, (str, Path, Document, os.PathLike)):
        against = [against]
    base = settings or Settings.from_env()
    if mode is None and transport is not None and cassette is None:
        mode = "live"
    base = base.with_(model=model, mode=mode)
    tape = cassette if isinstance(cassette, Cassette) else Cassette(cassette)
    cache = pages_folder(tape.path) if tape.path else None
    document = gather_draft(draft, max_file_bytes=base.max_file_bytes, cache=cache)
    sources, problems = gather_sources(against, strict=strict, follow_links=follow_links,
                                       max_file_bytes=base.max_file_bytes, cache=cache)
    if base.mode == "record":
        tape.check_writable()
    async with Gateway(settings=base, cassette=tape, transport=transport) as gateway:
        return await check_draft_with(gateway, document, sources, settings=base,
                                      problems=problems, progress=progress)


def gather_sources(against: Iterable[Source], **options: object
                   ) -> tuple[list[Document], list[LoadProblem]]:
    """`gather_documents` for a draft's sources: none is a one-line InputError that says so."""
    items = list(against)
    if not items:
        raise InputError("no sources to check the draft against (give them after --against)",
                         reason="no-documents")
    try:
        return gather_documents(items, **options)  # type: ignore[arg-type]
    except InputError as err:
        if err.reason == "no-documents":
            raise InputError(f"no sources to check the draft against: {err}", path=err.path,
                             reason="no-documents") from None
        raise


def check_draft(draft: Source, against: Iterable[Source] | Source,
                **options: object) -> DraftReport:
    """`check_draft_async` for callers without a running event loop; the same arguments."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(check_draft_async(draft, against, **options))  # type: ignore[arg-type]
    raise ConfigurationError("check_draft() was called inside a running event loop (Jupyter, an "
                             "async web app); use `await checker.check_draft_async(...)` there "
                             "instead", setting="event loop")
