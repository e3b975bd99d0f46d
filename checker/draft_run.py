"""Draft run: a draft checked against its sources, through the pipeline's own stages.

extract (model: the draft and the sources together, exactly as `checker report` extracts, so the
sources' answers are the same cassette entries) -> resolve (deterministic rules only) ->
draft_candidates (no model) -> draft_check (model, packed calls) -> verdicts, with numeric and
temporal contradictions the normalisers show compatible vetoed (vetoes.py) -> DraftReport.
A claim with no source passage is not in the sources; a quoted claim whose sentence is mostly
quotation matching the same speaker's word for word is supported; neither asks a model.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from .dates import published_dates
from .draft_candidates import DraftItem, SourcePassage, draft_candidates
from .draft_check import DraftJudgement, check_call, pack
from .draft_report import VERDICT_ORDER, DraftReport, counts, span, ungrounded
from .errors import ConfigurationError, InputError
from .gateway import Gateway
from .load import Document
from .pipeline import Progress, StageRunner, extract_all
from .pricing import cost_usd
from .prompts import load_prompt
from .resolve import resolve_entities
from .sentences import SentenceIndex
from .settings import Settings
from .types import Claim, Conflict, Side
from .vetoes import veto

PROMPTS = ("extract_claims", "check_draft")
QUOTED_SHARE = 0.6  # of a draft sentence that must be quotation for a word-for-word match to settle it


async def verify_draft_async(draft: Document, sources: Sequence[Document], gateway: Gateway, *,
                             settings: Settings | None = None, collect_misses: bool = False,
                             progress: Progress | None = None,
                             load_problems: Sequence[Any] = ()) -> DraftReport:
    """Check `draft` against `sources` on an open gateway (whoever opened it closes it)."""
    settings = settings or gateway.settings
    if not sources:
        raise ConfigurationError("no source documents to check the draft against",
                                 setting="sources")
    if any(s.id == draft.id for s in sources):
        raise InputError(f"the draft and a source share the id {draft.id!r}; rename one",
                         reason="duplicate-id")
    runner = StageRunner(gateway, collect_misses=collect_misses, progress=progress)
    documents = [*sources, draft]
    claims = await extract_all(runner, gateway, documents, settings)
    draft_claims = [c for c in claims if c.doc_id == draft.id]
    source_claims = [c for c in claims if c.doc_id != draft.id]
    texts = {d.id: d.text for d in documents}
    # Rules only: an ambiguous name stays apart rather than cost a model call.
    resolution = resolve_entities(claims, texts)
    published = published_dates(documents)
    items = draft_candidates(draft_claims, source_claims, resolution.claim_entities, texts,
                             published, [s.id for s in sources])
    decided = {item.claim_id: _without_model(item, draft_claims) for item in items}
    asked = [item for item in items if decided[item.claim_id] is None]
    by_id = {d.id: d for d in documents}
    all_claims = {c.id: c for c in claims}
    indexes = {doc_id: SentenceIndex(text) for doc_id, text in texts.items()}
    calls = pack(asked)
    answers = await runner.gather("check_draft", {
        call[0].claim_id: check_call(gateway, call, all_claims, by_id, indexes) for call in calls})
    judged = {j.claim_id: j for answer in answers.values() for j in answer}
    verdicts = []
    for item in items:
        judgement = decided[item.claim_id] or judged.get(item.claim_id)
        if judgement is not None:
            verdicts.append(_verdict(item, judgement, all_claims, texts, published))
    return _report(draft, sources, draft_claims, verdicts, texts, runner, gateway, settings,
                   load_problems)


def _without_model(item: DraftItem, draft_claims: Sequence[Claim]) -> DraftJudgement | None:
    if not item.passages:
        return DraftJudgement(item.claim_id, "not_in_sources", (), (), None, None,
                              decided_by="retrieval")
    claim = next(c for c in draft_claims if c.id == item.claim_id)
    if claim.stance == "quoted" and item.quoted_word_for_word and _mostly_quoted(item):
        support = tuple(i for i, p in enumerate(item.passages) if p.quote is not None)
        return DraftJudgement(item.claim_id, "supported", support, (), None, None,
                              decided_by="quote-alignment")
    return None


def _mostly_quoted(item: DraftItem) -> bool:
    """The quoted words are most of the draft's sentence: a paraphrase around a faithful quotation
    ("he said he had spoken to Putin only once, and that ...") still goes to the model."""
    quoted = {(p.quote.draft[0], p.quote.draft[1]) for p in item.passages if p.quote is not None}
    return sum(e - s for s, e in quoted) >= QUOTED_SHARE * (item.draft.end - item.draft.start)


def _verdict(item: DraftItem, judgement: DraftJudgement, claims: Mapping[str, Claim],
             texts: Mapping[str, str], published: Mapping[str, date | None]) -> dict[str, Any]:
    verdict, support, against = judgement.verdict, list(judgement.support), list(judgement.against)
    kind, type_, note = judgement.kind, judgement.type, None
    if verdict == "contradicted":
        conflict = Conflict(kind or "reporting", type_ or "factual", (
            Side("draft", (item.claim_id,)),
            Side("sources", tuple(c for i in against for c in item.passages[i].passage.claim_ids))),
            explanation="", changes_meaning=True)
        note = veto(conflict, claims, texts, published)
        if note is not None:  # the values agree once normalised: the passages state the claim
            verdict, support, against, kind, type_ = "supported", sorted({*support, *against}), \
                [], None, None
    decided_by = judgement.decided_by
    claim = claims[item.claim_id]
    quote = next((p.quote for i, p in enumerate(item.passages)
                  if p.quote is not None and i in (*support, *against)), None)
    return {
        "id": claim.id, "statement": claim.statement,
        **span(texts, claim.doc_id, item.draft.start, item.draft.end),
        "attributed_to": list(claim.attributed_to), "stance": claim.stance,
        "verdict": verdict, "kind": kind, "type": type_, "decided_by": decided_by,
        "note": note,
        "quote": span(texts, claim.doc_id, *quote.draft) if quote is not None else None,
        "evidence": [_evidence(item.passages[i], role, claims, texts)
                     for role, chosen in (("support", support), ("against", against))
                     for i in chosen],
        "request_key": judgement.request_key or None,
    }


def _evidence(offered: SourcePassage, role: str, claims: Mapping[str, Claim],
              texts: Mapping[str, str]) -> dict[str, Any]:
    passage = offered.passage
    first = claims.get(passage.claim_ids[0]) if passage.claim_ids else None
    quote = offered.quote
    return {"role": role, **span(texts, passage.doc_id, passage.start, passage.end),
            "claim_ids": list(passage.claim_ids),
            "attributed_to": list(first.attributed_to) if first else ["the article"],
            "stance": first.stance if first else "quoted",
            "quote": span(texts, *quote.source) if quote is not None else None,
            "notes": list(offered.notes)}


def _report(draft: Document, sources: Sequence[Document], draft_claims: Sequence[Claim],
            verdicts: list[dict[str, Any]], texts: Mapping[str, str], runner: StageRunner,
            gateway: Gateway, settings: Settings, load_problems: Sequence[Any]) -> DraftReport:
    index = SentenceIndex(draft.text)
    rank = {v: i for i, v in enumerate(VERDICT_ORDER)}
    sentences = []
    for start, end in index.spans:
        held = [v for v in verdicts if v["start"] < end and start < v["end"]]
        worst = min((v["verdict"] for v in held), key=lambda v: rank[v], default=None)
        sentences.append({"start": start, "end": end, "text": draft.text[start:end], "verdict": worst,
                          "claim_ids": [v["id"] for v in held]})
    judged = {v["id"] for v in verdicts}
    usage = gateway.usage()
    data = {
        "schema_version": "1.0",
        "draft": {"id": draft.id, "title": draft.title,
                  "published": draft.published.isoformat() if draft.published else None},
        "documents": [{"id": d.id, "title": d.title, "source": d.source, "url": d.url,
                       "published": d.published.isoformat() if d.published else None}
                      for d in sources],
        "counts": counts(verdicts),
        "claims": verdicts,
        "sentences": sentences,
        "run": {
            "model": settings.model, "answered_by": list(usage.answered_by),
            "prompt_versions": {name: load_prompt(name).version for name in PROMPTS},
            "usage": {"requests": usage.requests, "prompt_tokens": usage.prompt_tokens,
                      "completion_tokens": usage.completion_tokens},
            "cost_usd": cost_usd(settings.model, usage.prompt_tokens, usage.completion_tokens),
            "cassette_keys": list(usage.cassette_keys),
            "unchecked": [c.id for c in draft_claims if c.id not in judged],
            "failures": [{"stage": f.stage, "item": f.item, "error": f.error,
                          "message": f.message, "request_key": f.request_key}
                         for f in runner.failures],
            "load_problems": [{"path": p.path, "reason": p.reason, "message": p.message}
                              for p in load_problems],
        },
    }
    problems = ungrounded(data, texts)
    if problems:  # evidence is built from spans the code holds; this would be a bug
        raise RuntimeError(f"ungrounded evidence in the draft report: {problems[0]}")
    return DraftReport(data, dict(texts))
