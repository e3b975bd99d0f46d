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

from .chunk import chunk_document
from .confirm_entities import batches, confirm_pairs
from .errors import (AnswersPending, CassetteMiss, ConfigurationError,
                     ExtractionFailed, ProviderError)
from .extract import ChunkExtraction, extract_chunk, merge_overlapping
from .findings import build_findings, story_of, unresolved_times
from .gateway import Gateway
from .group import group_claims
from .judge import describe_normalised, judge_group
from .load import Document
from .report import Failure, Report, build_report, entity_to_dict
from .resolve import resolve_entities
from .summarize import summarize_document

T = TypeVar("T")
FATAL_STATUS = (401, 403, 404)  # a bad key, no access, or no such model: every call would fail

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class StageRunner:
    """Runs one stage's work items concurrently and sorts out what failed and why."""

    gateway: Gateway
    collect_misses: bool = False
    progress: Progress | None = None
    failures: list[Failure] = field(default_factory=list)

    async def gather(self, stage: str, work: Mapping[str, Awaitable[T]]) -> dict[str, T]:
        names = list(work)
        done = 0
        total = len(names)

        async def tracked(name: str, job: Awaitable[T]) -> T:
            nonlocal done
            try:
                return await job
            finally:
                done += 1
                if self.progress is not None:
                    self.progress(stage, done, total)

        results = await asyncio.gather(*(tracked(n, work[n]) for n in names), return_exceptions=True)
        misses = [r for r in results if isinstance(r, CassetteMiss)]
        if misses and self.collect_misses:
            raise AnswersPending(stage, [m.request for m in misses])
        if misses:
            raise misses[0]
        out: dict[str, T] = {}
        for name, result in zip(names, results):
            if isinstance(result, ProviderError) and result.status not in FATAL_STATUS:
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


async def run_async(documents: Sequence[Document], gateway: Gateway, *,
                    collect_misses: bool = False, progress: Progress | None = None,
                    load_problems: Sequence[Any] = ()) -> Report:
    settings = gateway.settings
    if not documents:
        raise ConfigurationError("no documents to check", setting="documents")
    runner = StageRunner(gateway, collect_misses=collect_misses, progress=progress)
    by_id = {d.id: d for d in documents}
    chunks = {d.id: chunk_document(d, max_tokens=settings.chunk_tokens,
                                   overlap_tokens=settings.chunk_overlap) for d in documents}
    extractions: dict[str, ChunkExtraction] = await runner.gather("extract", {
        chunk.id: extract_chunk(gateway, by_id[doc_id], chunk)
        for doc_id, doc_chunks in chunks.items() for chunk in doc_chunks})
    claims = merge_overlapping([c for e in extractions.values() for c in e.claims])
    chunk_summaries = {doc_id: [extractions[c.id].summary for c in doc_chunks if c.id in extractions]
                       for doc_id, doc_chunks in chunks.items()}
    summaries = await runner.gather("summarize", {
        doc_id: summarize_document(gateway, by_id[doc_id], parts)
        for doc_id, parts in chunk_summaries.items() if len(parts) > 1})
    for doc_id, parts in chunk_summaries.items():
        if len(parts) == 1:
            summaries[doc_id] = parts[0]

    texts = {d.id: d.text for d in documents}
    resolution = resolve_entities(claims, texts)
    if resolution.ambiguous:
        decided = await runner.gather("confirm_entities", {
            name: confirm_pairs(gateway, pairs, claims, texts)
            for name, pairs in batches(resolution.ambiguous).items()})
        confirmed = {pair: same for answer in decided.values() for pair, same in answer.items()}
        resolution = resolve_entities(claims, texts, confirmed=confirmed)

    claims_by_id = {c.id: c for c in claims}
    groups = group_claims(claims, resolution.claim_entities)
    published = {d.id: date.fromisoformat(d.published) if d.published else None for d in documents}
    describe = describe_normalised(published)
    judgements = await runner.gather("judge", {
        g.id: judge_group(gateway, g, claims_by_id, by_id, describe) for g in groups})
    story = story_of(documents, claims, resolution.claim_entities)
    contradictions, corroborations, suppressed = build_findings(
        [judgements[g.id] for g in groups if g.id in judgements], claims_by_id, documents, story)
    return build_report(documents=list(documents), claims=claims, summaries=summaries,
                        dropped=[d for e in extractions.values() for d in e.dropped],
                        failures=runner.failures, gateway=gateway,
                        load_problems=list(load_problems),
                        entities=[entity_to_dict(e) for e in resolution.entities],
                        contradictions=contradictions, corroborations=corroborations,
                        suppressed=suppressed, groups_judged=len(judgements),
                        unresolved_times=unresolved_times(claims, published))


def run(documents: Sequence[Document], gateway: Gateway, **options: Any) -> Report:
    """Synchronous entry point for callers without an event loop."""
    return asyncio.run(run_async(documents, gateway, **options))
