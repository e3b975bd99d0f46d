"""Development set: labelled statement pairs and small multi-document cases, scored.

    python bench/devset.py export --out requests.jsonl   # requests the cassette lacks (Batch API input)
    python bench/devset.py score [--out bench/results.md]

Pairs (bench/devset/pairs.jsonl) go through the product's verification stage, one candidate per
pair, packed into calls exactly as a run packs them, and then through `build_findings`, so the
vetoes and the meaning rule apply as in a real run: a pair counts as a reported conflict when
it becomes a finding. Cases (bench/devset/cases/*/) run the whole pipeline; a labelled conflict
is found when one finding links both quotes, and a labelled trap is a false alarm when one
does. Answers come from bench/devset/cassette.jsonl (pairs) and cases.jsonl (cases), recorded
through the batch path like every recording (fixtures/README.md).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from results_file import write_section  # noqa: E402

from checker import Settings, check  # noqa: E402
from checker.batch import export_requests  # noqa: E402
from checker.cassette import Cassette  # noqa: E402
from checker.errors import AnswersPending  # noqa: E402
from checker.findings import Story, build_findings  # noqa: E402
from checker.gateway import Gateway  # noqa: E402
from checker.load import load_documents, make_document  # noqa: E402
from checker.pipeline import StageRunner, calls_name, run_async  # noqa: E402
from checker.sentences import SentenceIndex  # noqa: E402
from checker.types import Candidate, Claim, Passage  # noqa: E402
from checker.verify import pack, verify_call  # noqa: E402

DEVSET = ROOT / "bench" / "devset"
PAIRS_CASSETTE = DEVSET / "cassette.jsonl"
CASES_CASSETTE = DEVSET / "cases.jsonl"


def pair_inputs(item: dict) -> tuple[list, dict, Candidate]:
    documents, claims, passages = [], {}, []
    for side in ("a", "b"):
        spec = item[side]
        doc = make_document(f"{item['id']}-{side}", spec["text"], source=spec["source"],
                            published=spec["published"])
        claim = Claim(id=f"{item['id']}-{side}-claim", doc_id=doc.id,
                      statement=" ".join(spec["text"].split()), start=0, end=len(doc.text),
                      alignment="sentence", entities=(), attributed_to=("the article",),
                      stance="asserted")
        documents.append(doc)
        claims[claim.id] = claim
        passages.append(Passage(doc.id, 0, len(doc.text), (claim.id,)))
    return documents, claims, Candidate(f"k-{item['id']}", passages[0], passages[1], ("devset",), ())


async def verify_pairs(items: list[dict], gateway: Gateway, collect: bool) -> dict[str, bool]:
    """Pair id -> whether the run reports it as a contradiction."""
    documents, claims, candidates = [], {}, []
    for item in items:
        docs, cl, candidate = pair_inputs(item)
        documents += docs
        claims.update(cl)
        candidates.append(candidate)
    by_id = {d.id: d for d in documents}
    indexes = {d.id: SentenceIndex(d.text) for d in documents}
    runner = StageRunner(gateway, collect_misses=collect)
    calls = pack(candidates)
    done = await runner.gather("verify", {calls_name(c): verify_call(gateway, c, claims, by_id, indexes)
                                          for c in calls})
    verdicts = [v for c in calls for v in done.get(calls_name(c), [])]
    story = Story(2, frozenset(), {})
    reported = set()
    for candidate in candidates:  # one pair at a time: pairs are independent cases
        pair_docs = [by_id[candidate.a.doc_id], by_id[candidate.b.doc_id]]
        mine = [v for v in verdicts if v.candidate_id == candidate.id]
        found, _ = build_findings([candidate], mine, claims, pair_docs, story)
        if found:
            reported.add(candidate.id)
    return {item["id"]: f"k-{item['id']}" in reported for item in items}


def load_pairs() -> list[dict]:
    return [json.loads(line) for line in (DEVSET / "pairs.jsonl").read_text().splitlines() if line.strip()]


def export(out: Path) -> None:
    total = 0
    gateway = Gateway(settings=Settings(mode="replay"), cassette=Cassette(PAIRS_CASSETTE))
    try:
        asyncio.run(verify_pairs(load_pairs(), gateway, collect=True))
    except AnswersPending as pending:
        total += export_requests(pending.requests, out, cassette=Cassette(PAIRS_CASSETTE))
        print(f"pairs: {total} requests to {out}")
    for case in sorted(p for p in (DEVSET / "cases").iterdir() if p.is_dir()):
        tape = Cassette(CASES_CASSETTE)
        loaded = load_documents([case / "*.txt"])
        try:
            asyncio.run(run_async(loaded.documents, Gateway(settings=Settings(mode="replay"),
                                                            cassette=tape), collect_misses=True))
        except AnswersPending as pending:
            count = export_requests(pending.requests, out.with_name(f"{out.stem}-{case.name}.jsonl"),
                                    cassette=tape)
            print(f"case {case.name}: {count} requests (stage {pending.stage})")
            total += count
    print(f"{total} requests in all")


def _paragraph(text: str, at: int) -> tuple[int, int]:
    start = text.rfind("\n\n", 0, at)
    end = text.find("\n\n", at)
    return (0 if start < 0 else start + 2), (len(text) if end < 0 else end)


def _overlaps(claim: dict, doc: str, quote: str, texts: dict[str, str]) -> bool:
    """The claim's evidence lies in the paragraph of the labelled quote: the same passage, even
    when a finding cites the sentence next to the one the label copied."""
    if claim["doc_id"] != doc:
        return False
    at = texts[doc].find(quote)
    start, end = _paragraph(texts[doc], at)
    return at >= 0 and claim["start"] < end and start < claim["end"]


def _same_passages(one: dict, other: dict, texts: dict[str, str]) -> bool:
    def spot(side: dict) -> tuple[str, tuple[int, int]]:
        return side["doc"], _paragraph(texts[side["doc"]], texts[side["doc"]].find(side["quote"]))
    return {spot(one["a"]), spot(one["b"])} == {spot(other["a"]), spot(other["b"])}


def score_case(case: Path) -> dict:
    labels = json.loads((case / "labels.json").read_text())
    report = check([str(case / "*.txt")], settings=Settings(mode="replay"), cassette=CASES_CASSETTE).data
    texts = {p.stem: p.read_text() for p in case.glob("*.txt")}
    claims = {c["id"]: c for c in report["claims"]}

    def linked(pair: dict) -> bool:
        for finding in report["contradictions"]:
            sides = [[claims[c] for c in side["claim_ids"]] for side in finding["sides"]]
            for i, one in enumerate(sides):
                for other in sides[i + 1:]:
                    for x, y in ((one, other), (other, one)):
                        if any(_overlaps(c, pair["a"]["doc"], pair["a"]["quote"], texts) for c in x) and \
                                any(_overlaps(c, pair["b"]["doc"], pair["b"]["quote"], texts) for c in y):
                            return True
        return False

    # A trap in the very passages of a planted conflict cannot be told apart from it by evidence.
    traps = [t for t in labels["not_conflicts"]
             if not any(_same_passages(t, c, texts) for c in labels["conflicts"])]
    return {"case": case.name, "conflicts": len(labels["conflicts"]),
            "found": sum(linked(p) for p in labels["conflicts"]),
            "traps": len(traps), "shared": len(labels["not_conflicts"]) - len(traps),
            "false_alarms": sum(linked(p) for p in traps),
            "findings": len(report["contradictions"])}


def score() -> str:
    items = load_pairs()
    gateway = Gateway(settings=Settings(mode="replay"), cassette=Cassette(PAIRS_CASSETTE))
    reported = asyncio.run(verify_pairs(items, gateway, collect=False))
    rows, by_category = [], {}
    for item in items:
        truth = item["label"] == "conflict"
        ok = reported[item["id"]] == truth
        stats = by_category.setdefault(item["category"], [0, 0])
        stats[0] += ok
        stats[1] += 1
        if not ok:
            rows.append(f"| {item['id']} | {item['category']} | {item['label']} | "
                        f"{'conflict' if reported[item['id']] else 'no finding'} |")
    compatible = [i for i in items if i["label"] == "compatible"]
    conflicts = [i for i in items if i["label"] == "conflict"]
    correct = sum(reported[i["id"]] == (i["label"] == "conflict") for i in items)
    false_alarms = sum(reported[i["id"]] for i in compatible)
    found = sum(reported[i["id"]] for i in conflicts)
    cases = [score_case(c) for c in sorted(p for p in (DEVSET / "cases").iterdir() if p.is_dir())]
    answered_by = sorted({e.provenance.get("answered_by", "?") for e in Cassette(PAIRS_CASSETTE).entries()})
    lines = [f"Pairs: {len(items)} ({len(conflicts)} conflicts, {len(compatible)} compatible), "
             f"answered by {', '.join(answered_by)}.",
             "",
             "| measure | value |", "|---|---:|",
             f"| accuracy | {correct}/{len(items)} = {correct / len(items):.1%} |",
             f"| false alarms (compatible pairs reported) | {false_alarms}/{len(compatible)} = "
             f"{false_alarms / len(compatible):.1%} |",
             f"| conflicts reported | {found}/{len(conflicts)} = {found / len(conflicts):.1%} |", "",
             "| category | correct |", "|---|---:|"]
    lines += [f"| {cat} | {ok}/{n} |" for cat, (ok, n) in sorted(by_category.items())]
    if rows:
        lines += ["", "Pairs scored wrong:", "", "| pair | category | label | reported |",
                  "|---|---|---|---|", *rows]
    lines += ["", "Multi-document cases (whole pipeline):", "",
              "| case | planted conflicts found | traps reported (false alarms) | findings |",
              "|---|---:|---:|---:|"]
    lines += [f"| {c['case']} | {c['found']}/{c['conflicts']} | {c['false_alarms']}/{c['traps']} | "
              f"{c['findings']} |" for c in cases]
    shared = sum(c["shared"] for c in cases)
    if shared:
        lines += ["", f"{shared} trap(s) lie in the same passages as a planted conflict and are not "
                      "scored: evidence cannot tell them apart (the findings there are the planted ones)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["export", "score"])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.action == "export":
        export(args.out or Path("devset-requests.jsonl"))
    else:
        text = score()
        print(text)
        if args.out:
            write_section(args.out, "Development set (issue 12)", text,
                          "python bench/devset.py score --out bench/results.md")


if __name__ == "__main__":
    main()
