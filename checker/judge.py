"""Judge: one candidate group of claims in, the model's judgement out.

The model sees each claim under a short label with its document's outlet and date, its
attribution, stance, quote and normalised times and amounts, and says which claims agree,
which are compatible, and which conflict (two or more sides). Answers that name unknown
labels, put one claim on two sides, or link a claim to itself are re-asked, never used.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from datetime import date

from .errors import Violation
from .extract import Claim
from .gateway import Gateway
from .group import Group
from .load import Document
from .prompts import load_prompt
from .quantity import parse_quantity
from .timeexpr import resolve_in_context

PROMPT = "judge_group"


@dataclass(frozen=True)
class Side:
    position: str
    claim_ids: tuple[str, ...]


@dataclass(frozen=True)
class Conflict:
    group_id: str
    kind: str
    type: str
    sides: tuple[Side, ...]
    explanation: str
    changes_meaning: bool


@dataclass(frozen=True)
class Agreement:
    group_id: str
    statement: str
    claim_ids: tuple[str, ...]


@dataclass
class Judgement:
    group_id: str
    conflicts: list[Conflict] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    compatible: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    unrelated: list[str] = field(default_factory=list)
    request_key: str = ""


Describe = Callable[[Claim], list[str]]  # extra lines for a claim (normalised times, amounts)


def describe_normalised(published: Mapping[str, date | None]) -> Describe:
    """Lines that show the model each time and amount as the normalisers read them."""
    def describe(claim: Claim) -> list[str]:
        lines = []
        for text in claim.times:
            t = resolve_in_context(text, published.get(claim.doc_id), quoted=claim.stance == "quoted")
            if not t.resolved:
                lines.append(f"time {text!r}: unresolved ({t.reason})")
            else:
                end = "open-ended" if t.open_end else str(t.end)
                start = "open-ended" if t.open_start else str(t.start)
                lines.append(f"time {text!r}: {start} to {end}")
        for q in claim.quantities:
            if any(q.text in t or t in q.text for t in claim.times):
                continue  # "18 months ago" listed as an amount too: the time line says it already
            r = parse_quantity(q.text, value=q.value, unit=q.unit, hedge=q.hedge)
            if r.resolved:
                low = "-inf" if r.low is None else f"{r.low:,.6g}"
                high = "inf" if r.high is None else f"{r.high:,.6g}"
                lines.append(f"amount {q.text!r}: {low} to {high} {r.unit or ''}".rstrip())
        return lines
    return describe


def render_group(group: Group, claims: Mapping[str, Claim], documents: Mapping[str, Document],
                 describe: Describe | None = None) -> tuple[str, dict[str, str]]:
    """The group as the model reads it, and the label -> claim id map."""
    labels: dict[str, str] = {}
    blocks = []
    for n, claim_id in enumerate(group.claim_ids, start=1):
        label = f"C{n}"
        labels[label] = claim_id
        claim = claims[claim_id]
        doc = documents[claim.doc_id]
        lines = [f"[{label}] document {doc.id} (outlet: {doc.source or 'unknown'}; "
                 f"published: {doc.published or 'unknown'})",
                 f"  asserted by: {' > '.join(claim.attributed_to) or 'unknown'} ({claim.stance})",
                 f"  statement: {_one_line(claim.statement)}",
                 f"  quote: \"{_one_line(doc.text[claim.start:claim.end])}\""]
        lines += [f"  {extra}" for extra in (describe(claim) if describe else [])]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks), labels


def _one_line(text: str) -> str:
    """A quote that spans lines is shown on one, so no passage can forge a claim block."""
    return " ".join(text.splitlines())


def judgement_check(labels: Mapping[str, str]) -> Callable[[Any], list[Violation]]:
    """Content rules the schema cannot express; violations are re-asked by the gateway."""
    def check(data: Any) -> list[Violation]:
        problems = []
        for section in ("agreements", "compatible", "conflicts"):
            for i, item in enumerate(data[section]):
                named = ([l for s in item["sides"] for l in s["claims"]] if section == "conflicts"
                         else item["claims"])
                for label in named:
                    if label not in labels:
                        problems.append(Violation(f"$['{section}'][{i}]",
                                                  f"{label!r} is not a claim label of this group"))
                if section == "conflicts":
                    repeated = sorted({l for l in named if named.count(l) > 1})
                    if repeated:
                        problems.append(Violation(f"$['conflicts'][{i}]['sides']",
                                                  f"{', '.join(repeated)} appear on more than one "
                                                  "side; a claim cannot conflict with itself"))
        for i, label in enumerate(data["unrelated"]):
            if label not in labels:
                problems.append(Violation(f"$['unrelated'][{i}]",
                                          f"{label!r} is not a claim label of this group"))
        return problems
    return check


def unlabel(text: str, labels: Mapping[str, str], claims: Mapping[str, Claim],
            documents: Mapping[str, Document]) -> str:
    """Replace the prompt's local labels ("C4") in the model's prose with what an editor knows:
    the claim's source, e.g. "C4 renders ..." -> "[003_16daae7c1b36e9cd] renders ..."."""
    def source(match: re.Match[str]) -> str:
        claim_id = labels.get(match.group(0))
        if claim_id is None:
            return match.group(0)
        doc = documents[claims[claim_id].doc_id]
        return f"[{doc.source or doc.id}]"
    return _LABEL.sub(source, text)


_LABEL = re.compile(r"\bC\d+\b")


async def judge_group(gateway: Gateway, group: Group, claims: Mapping[str, Claim],
                      documents: Mapping[str, Document], describe: Describe | None = None
                      ) -> Judgement:
    prompt = load_prompt(PROMPT)
    text, labels = render_group(group, claims, documents, describe)
    request = gateway.request(messages=prompt.render(claims=text),
                              prompt=f"{PROMPT}@{prompt.version}", schema_id=PROMPT)
    data = (await gateway.complete(request, check=judgement_check(labels))).data
    ids = lambda items: tuple(labels[label] for label in items)  # noqa: E731
    prose = lambda text: unlabel(text.strip(), labels, claims, documents)  # noqa: E731
    return Judgement(
        group_id=group.id, request_key=request.key,
        conflicts=[Conflict(group.id, c["kind"], c["type"],
                            tuple(Side(prose(s["position"]), ids(s["claims"])) for s in c["sides"]),
                            prose(c["explanation"]), c["changes_meaning"])
                   for c in data["conflicts"]],
        agreements=[Agreement(group.id, prose(a["statement"]), ids(a["claims"]))
                    for a in data["agreements"]],
        compatible=[(ids(c["claims"]), c["reason"].strip()) for c in data["compatible"]],
        unrelated=list(ids(data["unrelated"])))
