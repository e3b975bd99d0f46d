"""Pipeline: the stages in a straight line, each stage's model calls in flight together.

load -> chunk -> extract (model) and survey (model, story level, at the same time) -> resolve
(+ confirm ambiguous names) -> candidates -> verify (model) -> findings, corroborations -> report.
When a stage needs answers the cassette lacks, replay mode raises the first CassetteMiss;
collecting for the batch path raises AnswersPending with every missing request of the stages
that can run. A provider failure on one item is recorded and the run finishes the rest.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .candidates import build_candidates, select
from .chunk import chunk_document
from .confirm_entities import batches, confirm_pairs
from .corroborate import KnownNames, build_corroborations, name_key, source_of
from .dates import published_dates
from .errors import AnswersPending, CassetteMiss, ConfigurationError, ExtractionFailed, ProviderError
from .extract import extract_chunk, merge_overlapping
from .findings import build_findings, story_of, unresolved_times
from .gateway import Gateway
from .load import Document
from .report import Failure, Report, build_report, entity_to_dict
from .resolve import resolve_entities
from .sentences import SentenceIndex
from .settings import Settings
from .stories import pack_readings, story_clusters
from .survey import SurveyResult, survey_reading
from .tokens import count_tokens
from .types import Candidate, Claim
from .verify import pack_by_document, verify_call

T = TypeVar("T")

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class StageRunner:
    """Runs a stage's work items concurrently and sorts out what failed and why.

    Stages may run side by side (extraction and the survey): missing answers collected for the
    batch path are merged across them, and progress counts per stage.
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
            # Counted when an item finished, well or with a failure the report records; an error
            # that stops the run (no API key, a missing answer, a fatal provider error) counts
            # nothing, so no progress is shown for work that never happened.
            try:
                result = await job
            except (ProviderError, ExtractionFailed) as err:
                if not (isinstance(err, ProviderError) and err.fatal):
                    self._advance(stage)
                raise
            self._advance(stage)
            return result

        results = await asyncio.gather(*(tracked(work[n]) for n in names), return_exceptions=True)
        misses = [r for r in results if isinstance(r, CassetteMiss)]
        pending = [r for r in results if isinstance(r, AnswersPending)]
        if self.collect_misses and (misses or pending):
            requests = [m.request for m in misses] + [q for p in pending for q in p.requests]
            raise AnswersPending(pending[0].stage if pending and not misses else stage, requests)
        if misses:
            raise misses[0]
        out: dict[str, T] = {}
        for name, result in zip(names, results, strict=True):
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


    def _advance(self, stage: str) -> None:
        self._done[stage] = self._done.get(stage, 0) + 1
        if self.progress is not None:
            self.progress(stage, self._done[stage], self._total[stage])


async def extract_all(runner: StageRunner, gateway: Gateway, documents: Sequence[Document],
                       settings: Settings) -> list[Claim]:
    work = {}
    for document in documents:
        for chunk in chunk_document(document, max_tokens=settings.chunk_tokens,
                                    overlap_tokens=settings.chunk_overlap):
            work[chunk.id] = extract_chunk(gateway, document, chunk)
    done = await runner.gather("extract", work)
    return merge_overlapping([claim for name in work if name in done for claim in done[name]])


async def _survey_all(runner: StageRunner, gateway: Gateway, documents: Sequence[Document],
                      settings: Settings) -> list[SurveyResult]:
    readings = [part for story in story_clusters(documents)
                for part in pack_readings(story, lambda d: count_tokens(d.text),
                                          settings.survey_tokens)]
    done = await runner.gather("survey", {
        ",".join(d.id for d in reading): survey_reading(gateway, reading, settings.survey_tokens)
        for reading in readings})
    return list(done.values())


async def _read(runner: StageRunner, gateway: Gateway, documents: Sequence[Document],
                settings: Settings) -> tuple[list[Claim], list[SurveyResult]]:
    """Extraction and the survey at once; both stages' missing answers in one batch."""
    results = await asyncio.gather(extract_all(runner, gateway, documents, settings),
                                   _survey_all(runner, gateway, documents, settings),
                                   return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, AnswersPending):
            raise result
    pending = [r for r in results if isinstance(r, AnswersPending)]
    if pending:
        raise AnswersPending(pending[0].stage, [q for p in pending for q in p.requests])
    return results[0], results[1]  # type: ignore[return-value]


async def run_async(documents: Sequence[Document], gateway: Gateway, *,
                    settings: Settings | None = None, collect_misses: bool = False,
                    progress: Progress | None = None, load_problems: Sequence[Any] = ()) -> Report:
    """Run every stage with `settings` (the gateway's when not given). The gateway stays open:
    whoever opened it closes it (`async with Gateway(...)`)."""
    settings = settings or gateway.settings
    if not documents:
        raise ConfigurationError("no documents to check", setting="documents")
    runner = StageRunner(gateway, collect_misses=collect_misses, progress=progress)
    by_id = {d.id: d for d in documents}
    claims, surveys = await _read(runner, gateway, documents, settings)
    texts = {d.id: d.text for d in documents}
    resolution = resolve_entities(claims, texts)
    if resolution.ambiguous:
        decided = await runner.gather("confirm_entities", {
            name: confirm_pairs(gateway, pairs, claims, texts)
            for name, pairs in batches(resolution.ambiguous).items()})
        confirmed = {pair: same for answer in decided.values() for pair, same in answer.items()}
        resolution = resolve_entities(claims, texts, confirmed=confirmed)

    published = published_dates(documents)
    found = build_candidates(claims, resolution.claim_entities, texts, published,
                             [d.id for d in documents],
                             [t for s in surveys for t in s.tensions])
    all_claims = {c.id: c for c in [*claims, *found.extra_claims]}
    order = [d.id for d in documents]
    per_doc = Counter(c.doc_id for c in claims)
    verified = select(found.pairs, per_claim=settings.verify_per_claim, claims_per_doc=per_doc,
                      doc_order=order)
    indexes = {doc_id: SentenceIndex(text) for doc_id, text in texts.items()}
    calls = pack_by_document(verified, order)
    verdicts = await runner.gather("verify", {
        calls_name(call): verify_call(gateway, call, all_claims, by_id, indexes) for call in calls})
    verdict_list = [v for call in calls if calls_name(call) in verdicts
                    for v in verdicts[calls_name(call)]]
    story = story_of(documents, claims, resolution.claim_entities)
    known = KnownNames({name_key(name): e.name for e in resolution.entities
                        for name in (e.name, *e.aliases)})
    sources = {c.id: source_of(c, known, texts[c.doc_id][c.start:c.end]) for c in all_claims.values()}
    contradictions, set_aside = build_findings(verified, verdict_list, all_claims, documents, story,
                                               sources)
    corroborations = build_corroborations(list(all_claims.values()), verified, verdict_list,
                                          documents, known)
    summaries = {doc_id: text for s in surveys for doc_id, text in s.summaries.items()}
    return build_report(documents=list(documents), claims=list(all_claims.values()),
                        summaries=summaries, dropped=[d for s in surveys for d in s.dropped],
                        failures=runner.failures, usage=gateway.usage(), model=settings.model,
                        load_problems=list(load_problems),
                        entities=[entity_to_dict(e) for e in resolution.entities],
                        contradictions=contradictions, corroborations=corroborations,
                        suppressed=set_aside, candidates=found.pairs, verified=verified,
                        unresolved_times=unresolved_times(claims, published))


def calls_name(call: Sequence[Candidate]) -> str:
    """A verification call's name in progress and failures: its first candidate's id."""
    return call[0].id


async def _closing(documents: Sequence[Document], gateway: Gateway, options: Any) -> Report:
    async with gateway:
        return await run_async(documents, gateway, **options)


def run(documents: Sequence[Document], gateway: Gateway, **options: Any) -> Report:
    """Synchronous entry point for callers without an event loop; closes the gateway after."""
    return asyncio.run(_closing(documents, gateway, options))
