"""Price a recorded run against the simplest alternative: one prompt carrying the whole corpus.

    python bench/cost.py [--cassette fixtures/cassettes/sample.jsonl] [--corpus fixtures/corpus]
                         [--out bench/results.md]

checker's side: every answer a replay of the corpus uses, at the model's list price, counting
as input each request's messages (chat formatting included) *and* the JSON schema that strict
structured output sends with it; as output, each recorded answer's tokens (cl100k).
The baseline: the corpus's documents in one prompt with a short instruction (input counted
here, the same way), answered in BASELINE_ANSWER_TOKENS tokens, the length measured for a
careful single-prompt answer on the sample corpus when issue 12 was filed.
The longest chain of answers: stages run in order, extraction and the story survey side by
side, so the chain is the largest answer of the first tier, plus the largest of each later
stage; the conservative figure adds the survey's largest answer too, as if it ran after
extraction.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from results_file import write_section  # noqa: E402

from checker import Settings, check  # noqa: E402
from checker.answers import strict_schema  # noqa: E402
from checker.cassette import Cassette  # noqa: E402
from checker.estimate import TOKENS_PER_MESSAGE, TOKENS_PER_REPLY  # noqa: E402
from checker.model import ModelRequest  # noqa: E402
from checker.pricing import DEFAULT_PRICES  # noqa: E402
from checker.tokens import count_tokens  # noqa: E402

BASELINE_ANSWER_TOKENS = 2340
BASELINE_INSTRUCTION = (
    "You are a fact-checking editor. Below are several news articles about one story. Summarise "
    "each article in two sentences. Then list what the sources agree on, and every contradiction "
    "between them: for each, say whether sources inside the articles disagree (a dispute) or the "
    "outlets state or quote incompatible things (a reporting inconsistency), give both sides with "
    "exact quotes from each article, and rank it by how central it is to the story. Do not report "
    "differences that can all be true (precision, spelling, a general and a specific figure).")
TIERS = (("extract_claims", "survey_story"), ("confirm_entities",), ("verify_candidates",))
MODEL = "gpt-4o-mini"


def request_tokens(request: ModelRequest) -> int:
    messages = sum(count_tokens(c) + TOKENS_PER_MESSAGE for _, c in request.messages) + TOKENS_PER_REPLY
    schema = count_tokens(json.dumps(strict_schema(request.schema_id), separators=(",", ":")))
    return messages + schema


def price(prompt: int, completion: int) -> float:
    inp, out = DEFAULT_PRICES[MODEL]
    return (prompt * inp + completion * out) / 1e6


def measure(cassette: Path, corpus: Path) -> dict:
    tape = Cassette(cassette)
    report = check([corpus], settings=Settings(mode="replay"), cassette=tape).data
    stages: dict[str, dict] = {}
    for key in report["run"]["cassette_keys"]:
        entry = tape.get(key)
        request = ModelRequest.from_dict(entry.request)
        answer = count_tokens(entry.response["raw"])
        stage = stages.setdefault(request.prompt_name, {"calls": 0, "prompt": 0, "completion": 0,
                                                         "largest_answer": 0})
        stage["calls"] += 1
        stage["prompt"] += request_tokens(request)
        stage["completion"] += answer
        stage["largest_answer"] = max(stage["largest_answer"], answer)
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(corpus).glob("*.txt"))]
    baseline_prompt = count_tokens(BASELINE_INSTRUCTION + "\n\n" + "\n\n---\n\n".join(texts)) \
        + 2 * TOKENS_PER_MESSAGE + TOKENS_PER_REPLY
    largest = {name: s["largest_answer"] for name, s in stages.items()}
    chain = sum(max((largest.get(n, 0) for n in tier), default=0) for tier in TIERS)
    conservative = sum(largest.values())
    prompt = sum(s["prompt"] for s in stages.values())
    completion = sum(s["completion"] for s in stages.values())
    return {"stages": stages, "prompt": prompt, "completion": completion,
            "cost": price(prompt, completion), "baseline_prompt": baseline_prompt,
            "baseline_cost": price(baseline_prompt, BASELINE_ANSWER_TOKENS), "chain": chain,
            "conservative_chain": conservative, "findings": len(report["contradictions"])}


def table(m: dict) -> str:
    lines = ["| stage | calls | input tokens (with schema) | output tokens | largest answer |",
             "|---|---:|---:|---:|---:|"]
    for name, s in sorted(m["stages"].items()):
        lines.append(f"| {name} | {s['calls']} | {s['prompt']:,} | {s['completion']:,} | "
                     f"{s['largest_answer']:,} |")
    ratio = m["cost"] / m["baseline_cost"]
    lines += [f"| **checker** | {sum(s['calls'] for s in m['stages'].values())} | {m['prompt']:,} | "
              f"{m['completion']:,} | |",
              f"| single prompt (baseline) | 1 | {m['baseline_prompt']:,} | {BASELINE_ANSWER_TOKENS:,} | "
              f"{BASELINE_ANSWER_TOKENS:,} |", "",
              f"Cost at {MODEL} list prices: ${m['cost']:.5f} against ${m['baseline_cost']:.5f}: "
              f"**{ratio:.2f}×** (target ≤ 4×).", "",
              f"Longest chain of answers: {m['chain']:,} tokens = "
              f"**{m['chain'] / BASELINE_ANSWER_TOKENS:.2f}×** "
              f"the baseline's answer (target ≤ 1.5×); counting the survey after extraction instead "
              f"of beside it: {m['conservative_chain']:,} = "
              f"{m['conservative_chain'] / BASELINE_ANSWER_TOKENS:.2f}×."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cassette", type=Path, default=ROOT / "fixtures" / "cassettes" / "sample.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT / "fixtures" / "corpus")
    parser.add_argument("--out", type=Path, help="rewrite this section of a results file")
    args = parser.parse_args()
    text = table(measure(args.cassette, args.corpus))
    print(text)
    if args.out:
        write_section(args.out, "Cost against a single prompt (issue 12)", text,
                      "python bench/cost.py --out bench/results.md")


if __name__ == "__main__":
    main()
