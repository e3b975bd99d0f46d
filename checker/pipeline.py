"""Pipeline: the stages in a straight line, each stage's model calls in flight together.

load -> chunk -> extract -> summarise -> resolve (+ confirm ambiguous names) -> group -> judge
-> findings -> report.
When a stage needs answers the cassette lacks, replay mode raises the first CassetteMiss;
collecting for the batch path raises AnswersPending with every missing request of that
stage. A provider failure on one item is recorded and the run finishes the rest.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Mapping, Sequence, TypeVar

from datetime import date

from .chunk import Chunk, chunk_document
from .confirm_entities import batches, confirm_pairs
from .consolidate import consolidate_disputes, person_key
from .errors import (AnswersPending, CassetteMiss, ConfigurationError,
                     ExtractionFailed, ProviderError)
from .extract import ChunkExtraction, extract_chunk, merge_overlapping
from .findings import build_findings, story_of, unresolved_times
from .gateway import Gateway
from .increment import groups_path, incremental_groups, read_groups, write_groups
from .judge import describe_normalised, judge_group
from .load import Document
from .report import Failure, Report, build_report, entity_to_dict
from .resolve import resolve_entities
from .summarize import summarize_document

T = TypeVar("T")

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class StageRunner:
    """Runs a stage's work items concurrently and sorts out what failed and why.

    Stages may nest (each document extracts its chunks, then summarises): missing answers
    collected for the batch path are merged across them, and progress counts per stage.
    """

    gateway: Gateway
    collect_misses: bool = False
    progress: Progress | None = None
    failures: list[Failure] = field(default_factory=list)
    _done: dict[str, int] = field(default_factory=dict)
    _total: dict[str, int] = field(default_factory=dict)

    async def gather(self, stage: str, work: Mapping[str, Awaitable[T]]) -> dict[str, T]:
        names = list(work)
        self._total[stage] = self._total.get(stage, 0) + len(names)

        async def tracked(job: Awaitable[T]) -> T:
            try:
                return await job
            finally:
                self._done[stage] = self._done.get(stage, 0) + 1
                if self.progress is not None:
                    self.progress(stage, self._done[stage], self._total[stage])

        results = await asyncio.gather(*(tracked(work[n]) for n in names), return_exceptions=True)
        misses = [r for r in results if isinstance(r, CassetteMiss)]
        pending = [r for r in results if isinstance(r, AnswersPending)]
        if self.collect_misses and (misses or pending):
            requests = [m.request for m in misses] + [q for p in pending for q in p.requests]
            raise AnswersPending(pending[0].stage if pending and not misses else stage, requests)
        if misses:
            raise misses[0]
        out: dict[str, T] = {}
        for name, result in zip(names, results):
            if isinstance(result, ProviderError) and not result.fatal:
                self.failures.append(Failure(stage, name, type(result).__name__, str(result),
                                             result.request_key))
            elif isinstance(result, ExtractionFailed):
                self.failures.append(Failure(stage, name, type(result).__name__, str(result),
                                             result.request_key))
            elif isinstance(result, BaseException):
                raise result
            else:
                out[name] = result
        return out


@dataclass
class DocumentResult:
    extractions: list[ChunkExtraction]
    summary: str | None


async def read_document(runner: StageRunner, gateway: Gateway, document: Document,
                        chunks: Sequence[Chunk]) -> DocumentResult:
    """Extract one document's chunks, then summarise it at once (not after every document)."""
    done = await runner.gather("extract", {c.id: extract_chunk(gateway, document, c) for c in chunks})
    extractions = [done[c.id] for c in chunks if c.id in done]
    parts = [e.summary for e in extractions]
    if len(parts) != 1:
        summary = (await runner.gather("summarize", {
            document.id: summarize_document(gateway, document, parts)})).get(document.id) \
            if parts else None
    else:
        summary = parts[0]
    return DocumentResult(extractions, summary)


async def run_async(documents: Sequence[Document], gateway: Gateway, *,
                    collect_misses: bool = False, progress: Progress | None = None,
                    load_problems: Sequence[Any] = (), remember_groups: bool = False) -> Report:
    """Run every stage. With `remember_groups`, the judged groups are kept beside the cassette
    so that a later run on a grown corpus judges only what is new."""
    try:
        return await _run(documents, gateway, collect_misses=collect_misses, progress=progress,
                          load_problems=load_problems, remember_groups=remember_groups)
    finally:  # the HTTP client belongs to this event loop: close it with the loop
        await gateway.aclose()


async def _run(documents: Sequence[Document], gateway: Gateway, *, collect_misses: bool,
               progress: Progress | None, load_problems: Sequence[Any],
               remember_groups: bool) -> Report:
    settings = gateway.settings
    if not documents:
        raise ConfigurationError("no documents to check", setting="documents")
    runner = StageRunner(gateway, collect_misses=collect_misses, progress=progress)
    by_id = {d.id: d for d in documents}
    chunks = {d.id: chunk_document(d, max_tokens=settings.chunk_tokens,
                                   overlap_tokens=settings.chunk_overlap) for d in documents}
    read = await runner.gather("documents", {
        d.id: read_document(runner, gateway, d, chunks[d.id]) for d in documents})
    extractions = [e for r in read.values() for e in r.extractions]
    claims = merge_overlapping([c for e in extractions for c in e.claims])
    summaries = {doc_id: r.summary for doc_id, r in read.items() if r.summary is not None}

    texts = {d.id: d.text for d in documents}
    resolution = resolve_entities(claims, texts)
    if resolution.ambiguous:
        decided = await runner.gather("confirm_entities", {
            name: confirm_pairs(gateway, pairs, claims, texts)
            for name, pairs in batches(resolution.ambiguous).items()})
        confirmed = {pair: same for answer in decided.values() for pair, same in answer.items()}
        resolution = resolve_entities(claims, texts, confirmed=confirmed)

    claims_by_id = {c.id: c for c in claims}
    # A corpus that grows keeps the groups judged before (see checker/increment.py).
    state = groups_path(gateway.cassette.path)
    groups = incremental_groups(claims, resolution.claim_entities, read_groups(state))
    if remember_groups:
        write_groups(state, groups, claims)
    published = {d.id: date.fromisoformat(d.published) if d.published else None for d in documents}
    describe = describe_normalised(published)
    judgements = await runner.gather("judge", {
        g.id: judge_group(gateway, g, claims_by_id, by_id, describe) for g in groups})
    story = story_of(documents, claims, resolution.claim_entities)
    contradictions, corroborations, suppressed = build_findings(
        [judgements[g.id] for g in groups if g.id in judgements], claims_by_id, documents, story)
    people = {person_key(name): e.id for e in resolution.entities if e.kind == "person"
              for name in (e.name, *e.aliases)}
    contradictions = consolidate_disputes(contradictions, claims_by_id, people, texts, published)
    return build_report(documents=list(documents), claims=claims, summaries=summaries,
                        dropped=[d for e in extractions for d in e.dropped],
                        failures=runner.failures, gateway=gateway,
                        load_problems=list(load_problems),
                        entities=[entity_to_dict(e) for e in resolution.entities],
                        contradictions=contradictions, corroborations=corroborations,
                        suppressed=suppressed, groups_judged=len(judgements),
                        unresolved_times=unresolved_times(claims, published))


def run(documents: Sequence[Document], gateway: Gateway, **options: Any) -> Report:
    """Synchronous entry point for callers without an event loop."""
    return asyncio.run(run_async(documents, gateway, **options))
