"""Confirm entities: the model decides only the name pairs resolve's rules left ambiguous.

Pairs go in batches with a sentence of context for each name; the decisions feed back into
`resolve_entities(confirmed=...)`. A story with no ambiguous pair makes no call at all.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .errors import Violation
from .gateway import Gateway
from .prompts import load_prompt
from .resolve import AmbiguousPair
from .types import Claim

PROMPT = "confirm_entities"
BATCH = 25


def context_for(name: str, claims: Sequence[Claim], texts: Mapping[str, str], limit: int = 2) -> list[str]:
    found = [texts[c.doc_id][c.start:c.end] for c in claims if any(n == name for n, _ in c.entities)]
    return sorted(set(found))[:limit]


def _check(labels: set[str]) -> Callable[[Any], list[Violation]]:
    def check(data: Any) -> list[Violation]:
        named = [d["pair"] for d in data["decisions"]]
        problems = [Violation("$['decisions']", f"{p!r} is not a pair label") for p in named
                    if p not in labels]
        missing = sorted(labels - set(named))
        if missing:
            problems.append(Violation("$['decisions']", f"no decision for {', '.join(missing)}"))
        return problems
    return check


async def confirm_pairs(gateway: Gateway, pairs: Sequence[AmbiguousPair], claims: Sequence[Claim],
                        texts: Mapping[str, str]) -> dict[tuple[str, str], bool]:
    prompt = load_prompt(PROMPT)
    labels = {f"P{n}": pair for n, pair in enumerate(pairs, start=1)}
    blocks = []
    for label, pair in labels.items():
        lines = [f"[{label}] ({pair.kind}) {pair.a!r} and {pair.b!r}: {pair.evidence}"]
        for name in (pair.a, pair.b):
            lines += [f"  {name!r} appears in: \"{sentence}\""
                      for sentence in context_for(name, claims, texts)]
        blocks.append("\n".join(lines))
    request = gateway.request(messages=prompt.render(pairs="\n\n".join(blocks)),
                              prompt=f"{PROMPT}@{prompt.version}", schema_id=PROMPT)
    data = (await gateway.complete(request, check=_check(set(labels)))).data
    return {(labels[d["pair"]].a, labels[d["pair"]].b): d["same"] for d in data["decisions"]}


def batches(pairs: Sequence[AmbiguousPair]) -> dict[str, list[AmbiguousPair]]:
    ordered = sorted(pairs, key=lambda p: (p.kind, p.a, p.b))
    return {f"pairs-{i // BATCH}": ordered[i:i + BATCH] for i in range(0, len(ordered), BATCH)}
