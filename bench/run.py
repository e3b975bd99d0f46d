"""Benchmark for issue 7: checker's real pipeline on 10 to 1,000 synthetic articles, simulated model.

The driver writes the truth table (bench/synthetic.py), starts bench/simulator.py in its own
process and runs each size in a fresh worker process, so CPU time and peak memory are the
checker's alone: a first run recording into a new cassette, a re-run on that cassette, and at
N=100 the same corpus plus one article; then N=100 behind rate limits with random 500s. Each
first run is scored against the planted conflicts: which reached verification as a pair of
their own sentences, which became findings, and which findings link anything else.

    python bench/run.py --sizes 10 100 1000 --latency 0.2 --concurrency 32 --out bench/results.md
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

from checker import candidates as candidates_module  # noqa: E402
from checker import pipeline  # noqa: E402
from checker.answers import wire_body  # noqa: E402
from checker.cassette import Cassette  # noqa: E402
from checker.chunk import chunk_document  # noqa: E402
from checker.extract import chunk_sentences, extraction_request  # noqa: E402
from checker.gateway import Gateway  # noqa: E402
from checker.identity import tagged_hash  # noqa: E402
from checker.load import make_document  # noqa: E402
from checker.settings import Settings  # noqa: E402
from checker.stories import story_clusters  # noqa: E402
from checker.tokens import count_tokens  # noqa: E402

SECTION = "## Pipeline at scale (issue 7)"
END = "<!-- end of the part bench/run.py writes -->"
READING_BOUNDARY = re.compile(r"^=+ D\d+ ([0-9a-f]{12}) =+$", re.MULTILINE)  # see survey.py
FALSE_SHOWN = 10  # false findings listed in the results


def sim_call(base: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(base.rsplit("/v1", 1)[0] + path, method="GET" if body is None
                                     else "POST", data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def documents_of(synthetic_documents) -> list:
    return [make_document(d.id, d.text, title=d.title, source=d.source, published=d.published)
            for d in synthetic_documents]


def timed_run(documents: list, settings: Settings, cassette: Path, profile: str | None = None) -> dict:
    """One pipeline run: wall and CPU time of this process, calls made, stage answer times."""
    gateway = Gateway(settings=settings, cassette=Cassette(cassette))
    stages: dict[str, list[float]] = {}  # stage -> [first answer, last answer, items, CPU at both]
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        at, cpu = time.perf_counter() - started, time.process_time()
        mark = stages.setdefault(stage, [at, at, total, cpu, cpu])
        mark[1], mark[4] = at, cpu

    async def run_then_close():  # whoever opens a gateway closes it
        async with gateway:
            return await pipeline.run_async(documents, gateway, progress=progress)

    cpu = time.process_time()
    if profile:
        import cProfile
        profiler = cProfile.Profile()
        report = profiler.runcall(asyncio.run, run_then_close())
        Path(profile).parent.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(profile)
    else:
        report = asyncio.run(run_then_close())
    return dict(report=report, wall=time.perf_counter() - started, cpu=time.process_time() - cpu,
                calls=gateway.calls, stages=stages)


def observe_verification(into: dict) -> None:
    """Keep the candidates the pipeline proposed and the ones it chose to verify (the report
    keeps only their counts). Observation only: the pipeline gets `select`'s own answer."""
    select = pipeline.select

    def observed(candidates, **budget):
        verified = select(candidates, **budget)
        into.update(proposed=list(candidates), verified=list(verified),
                    budget=max(candidates_module.MINIMUM,
                               math.ceil(budget["per_claim"] * sum(budget["claims_per_doc"].values()))))
        return verified

    pipeline.select = observed


def evaluate(report, corpus: synthetic.Corpus, judged: list[str], observed: dict) -> dict:
    """Planted conflicts proposed as a pair of their own sentences (and by which views),
    verified (the simulator was asked about such a pair), set aside, and reported; findings
    that link anything but the two sides of one planted conflict are false."""
    truth = {p.text: p for d in corpus.documents for p in d.planted}
    texts = {d.id: d.text for d in corpus.documents}
    planted = corpus.conflicts()

    def conflict_of(passages) -> str | None:
        found = [truth.get(texts[p.doc_id][p.start:p.end]) for p in passages]
        if None in found or len({p.fact for p in found}) != 1 or len({p.cls for p in found}) < 2:
            return None
        return found[0].fact if found[0].fact in planted else None

    proposed: dict[str, set[str]] = {}
    for candidate in observed.get("proposed", ()):
        fact = conflict_of((candidate.a, candidate.b))
        if fact is not None:
            proposed.setdefault(fact, set()).update(candidate.views)
    chosen = {conflict_of((c.a, c.b)) for c in observed.get("verified", ())} - {None}
    claim_text = {c["id"]: c["text"] for c in report.data["claims"]}

    def sides_of(claim_ids) -> set[tuple[str, str]]:
        return {(truth[claim_text[c]].fact, truth[claim_text[c]].cls) if claim_text[c] in truth
                else ("unplanted", repr(claim_text[c][:60])) for c in claim_ids}

    def conflict_in(claim_ids) -> str | None:
        """The planted conflict these claims are both sides of, and nothing else."""
        found = sides_of(claim_ids)
        facts = {fact for fact, _ in found}
        return facts.pop() if len(facts) == 1 and len(found) >= 2 and facts <= planted.keys() else None

    set_aside = {conflict_in(e["claim_ids"]) for e in report.data["run"]["suppressed_as_compatible"]}
    reported, false = set(), []
    for finding in report.data["contradictions"]:
        ids = [c for side in finding["sides"] for c in side["claim_ids"]]
        fact = conflict_in(ids)
        if fact is not None:
            reported.add(fact)
        else:
            false.append(f"{finding['kind']}/{finding['type']} linking " + "; ".join(
                f"{f} side {cls}" for f, cls in sorted(sides_of(ids))))
    by_view: dict[str, int] = {}
    for views in proposed.values():
        for view in views:
            by_view[view] = by_view.get(view, 0) + 1
    return dict(planted=len(planted), proposed=len(proposed), by_view=by_view,
                chosen=len(chosen), reached=len(planted.keys() & set(judged)),
                set_aside=len(set_aside - {None} - reported), reported=len(reported),
                findings=len(report.data["contradictions"]), spurious=len(false), false=false,
                missed=sorted(planted.keys() - set(judged)),
                cut=sorted(proposed.keys() - chosen))


def survey_readings(cassette: Path, documents: list) -> list[list[int]]:
    """The documents' tokens (checker's count, as the survey budget counts them) of each
    reading the survey sent, as the cassette recorded the requests."""
    by_hash = {tagged_hash(d.text)[3:15]: d for d in documents}
    readings = {}
    for entry in Cassette(cassette).entries():
        if entry.request["schema_id"] == "survey_story":
            user = next(m["content"] for m in entry.request["messages"] if m["role"] == "user")
            hashes = tuple(dict.fromkeys(READING_BOUNDARY.findall(user)))
            readings[hashes] = [count_tokens(by_hash[h].text) for h in hashes]
    return list(readings.values())


def story_view(documents: list) -> dict:
    """checker's story clusters against the planted stories (an article's id starts with its story)."""
    story = lambda d: d.id.split("-")[0]  # noqa: E731
    sizes: dict[str, int] = {}
    for d in documents:
        sizes[story(d)] = sizes.get(story(d), 0) + 1
    clusters = story_clusters(documents)
    exact = sum(1 for c in clusters if len({story(d) for d in c}) == 1 and len(c) == sizes[story(c[0])])
    return dict(stories=len(sizes), clusters=len(clusters), exact=exact,
                mixed=sum(1 for c in clusters if len({story(d) for d in c}) > 1))


def worker(args: argparse.Namespace) -> None:
    corpus = synthetic.generate(args.size, args.seed)
    documents = documents_of(corpus.documents)
    settings = Settings(mode="record", api_key="sk-bench-dummy", base_url=args.base_url,
                        concurrency=args.concurrency, requests_per_minute=args.client_rpm)
    out: dict = dict(n=args.size, corpus_tokens=sum(count_tokens(d.text) for d in documents),
                     survey_tokens=settings.survey_tokens)
    observed: dict = {}
    observe_verification(observed)

    def measured(docs: list, profile: str | None = None) -> tuple[dict, object, dict]:
        sim_call(args.base_url, "/reset", {})
        result = timed_run(docs, settings, cassette, profile)
        return result, result.pop("report"), sim_call(args.base_url, "/stats")

    with tempfile.TemporaryDirectory() as tmp:
        cassette = Path(tmp) / "cassette.jsonl"
        first, report, sim = measured(documents, args.profile)
        out.update(first=first, sim=sim, claims=len(report.data["claims"]),
                   peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   failures=len(report.data["run"]["failures"]),
                   candidates=report.data["run"]["candidates"], budget=observed["budget"],
                   conflicts=evaluate(report, corpus, sim["judged_conflicts"], observed),
                   readings=survey_readings(cassette, documents), stories=story_view(documents))
        del report
        observed.clear()
        if not args.no_rerun:
            again, _, sim = measured(documents)
            out["rerun"] = dict(again, http=sum(s["requests"] for s in sim["schemas"].values()))
        if args.add_one:
            plus, _, sim = measured(documents + documents_of([synthetic.extra_document(args.seed)]))
            out["add_one"] = dict(plus, schemas={k: v["requests"] for k, v in sim["schemas"].items()})
    print(json.dumps(out))


def start_simulator(truth: Path, args: argparse.Namespace) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("simulator.py")),
                                "--truth", str(truth), "--latency", str(args.latency),
                                "--seed", str(args.seed)], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        raise SystemExit(f"the simulator did not start: {line!r}")
    return process, line.split()[1]


def run_worker(base: str, size: int, args: argparse.Namespace, *extra: str) -> dict:
    command = [sys.executable, __file__, "--worker", "--base-url", base, "--size", str(size),
               "--seed", str(args.seed), "--concurrency", str(args.concurrency), *extra]
    if args.profile:
        command += ["--profile", str(Path(args.profile) / f"checker-{size}.pstats")]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def simulator_capacity(base: str, corpus: synthetic.Corpus, latency: float) -> dict[float, float]:
    """Requests/s the simulator serves on checker's extraction bodies, 64 in flight."""
    from simulator import load_test  # the driver's client; workers never import the simulator
    gateway = Gateway(settings=Settings(mode="live", api_key="x", base_url=base))
    chunks = [(d, chunk_document(d)[0]) for d in documents_of(corpus.documents[:8])]
    bodies = [json.dumps(wire_body(extraction_request(gateway, d, c, chunk_sentences(d, c)),
                                   "json_schema")).encode() for d, c in chunks]
    out = {}
    for wait in (0.0, latency):
        sim_call(base, "/config", {"latency": wait})
        out[wait] = asyncio.run(load_test(base, bodies, 2000, 64))
    sim_call(base, "/config", {"latency": latency})
    return out


def calls(r: dict, schema: str | None = None) -> int:
    return sum(s["requests"] for k, s in r["sim"]["schemas"].items() if schema in (None, k))


def rate(r: dict, schema: str) -> float | None:
    """A stage's answers per second, from its first request to its last answer."""
    s = r["sim"]["schemas"].get(schema)
    return s["ok"] / (s["last_done"] - s["first_arrival"]) if s and s["last_done"] else None


def extraction_ratio(r: dict) -> float:
    return r["sim"]["schemas"]["extract_claims"]["prompt_tokens"] / r["corpus_tokens"]


def survey_ratio(r: dict) -> float:
    s = r["sim"]["schemas"].get("survey_story")
    return s["prompt_tokens"] / r["corpus_tokens"] if s else 0.0


def reached(r: dict) -> float:
    return r["conflicts"]["reached"] / max(1, r["conflicts"]["planted"])


def largest_reading(r: dict) -> int:
    """The largest survey reading of more than one document (a longer document reads alone)."""
    return max((sum(sizes) for sizes in r["readings"] if len(sizes) > 1), default=0)


def slope(a: tuple[int, int], b: tuple[int, int]) -> float:
    return math.log(b[1] / a[1]) / math.log(b[0] / a[0])


VIEWS = ("survey", "stance", "values", "quotes", "neighbours")  # candidates.STRENGTH, strongest first


def table(results: list[dict], latency: float) -> list[str]:
    def busy(r: dict) -> str:
        mark = r["first"]["stages"].get("extract")
        if not mark or mark[1] <= mark[0]:
            return "–"
        return f"{100 * (mark[4] - mark[3]) / (mark[1] - mark[0]):.0f}%"

    def between(r: dict) -> str:
        st = r["first"]["stages"]
        if not {"verify", "extract", "survey"} <= st.keys():
            return "–"
        return f"{st['verify'][0] - max(st['extract'][1], st['survey'][1]) - latency:.1f}"

    def after(r: dict) -> str:
        st = r["first"]["stages"]
        return f"{r['first']['wall'] - st['verify'][1]:.1f}" if "verify" in st else "–"

    def added(r: dict) -> str:
        if "add_one" not in r:
            return "–"
        schemas = ", ".join(f"{k} {v}" for k, v in r["add_one"]["schemas"].items())
        return f"{r['add_one']['calls']} ({schemas})"

    def tokens(r: dict) -> int:
        return sum(s["prompt_tokens"] + s["completion_tokens"] for s in r["sim"]["schemas"].values())

    def per_s(x: float | None) -> str:
        return "–" if x is None else f"{x:.0f}"

    def stories(r: dict) -> str:
        st = r["stories"]
        return f"{st['stories']} / {st['clusters']} ({st['exact']} exactly, {st['mixed']} mixed)"

    def readings(r: dict) -> str:
        return (f"{len(r['readings'])} / {sum(len(x) for x in r['readings']):,} / "
                f"{largest_reading(r):,}")

    def candidates(r: dict) -> str:
        c = r["candidates"]
        return f"{c['proposed']:,} / {c['verified']:,} ({r['budget']:,})"

    def per_conflict(r: dict) -> str:
        c = r["conflicts"]
        return f"{(c['findings'] - c['spurious']) / max(1, c['reported']):.1f}"

    def by_view(r: dict) -> str:
        return " / ".join(str(r["conflicts"]["by_view"].get(v, 0)) for v in VIEWS)

    rows = [
        ("claims extracted", lambda r: f"{r['claims']:,}"),
        ("corpus tokens (cl100k)", lambda r: f"{r['corpus_tokens']:,}"),
        ("planted stories / checker's story clusters (matching a story)", stories),
        ("survey readings / documents read / largest reading (tokens)", readings),
        ("wall time, first run (s)", lambda r: f"{r['first']['wall']:.1f}"),
        ("checker CPU time, first run (s)", lambda r: f"{r['first']['cpu']:.1f}"),
        ("checker CPU per document (ms)", lambda r: f"{1000 * r['first']['cpu'] / r['n']:.0f}"),
        ("peak RSS of the checker process (MB)", lambda r: f"{r['peak_rss_mb']:.0f}"),
        ("model calls: extract / survey / confirm / verify", lambda r: " / ".join(
            str(calls(r, k)) for k in ("extract_claims", "survey_story", "confirm_entities",
                                       "verify_candidates"))),
        ("model calls per document", lambda r: f"{calls(r) / r['n']:.2f}"),
        ("tokens per document (prompt + completion)", lambda r: f"{tokens(r) / r['n']:,.0f}"),
        ("candidates proposed / verified (budget)", candidates),
        ("candidates per verify call",
         lambda r: f"{r['candidates']['verified'] / max(1, calls(r, 'verify_candidates')):.1f}"),
        ("extraction tokens sent / corpus tokens", lambda r: f"{extraction_ratio(r):.2f}×"),
        ("survey tokens sent / corpus tokens", lambda r: f"{survey_ratio(r):.2f}×"),
        ("throughput, extraction stage (calls/s)", lambda r: per_s(rate(r, "extract_claims"))),
        ("throughput, verify stage (calls/s)", lambda r: per_s(rate(r, "verify_candidates"))),
        ("most calls in flight at the simulator", lambda r: str(r["sim"]["max_in_flight"])),
        ("checker CPU busy during the extraction stage", busy),
        ("last extraction or survey answer → first verify answer, less one latency (s)", between),
        ("last verify answer → report (s)", after),
        ("planted conflicts proposed as a pair of their own sentences",
         lambda r: f"{r['conflicts']['proposed']}/{r['conflicts']['planted']}"),
        (f"… of which each view proposed ({' / '.join(VIEWS)})", by_view),
        ("planted conflicts proposed but left out by the verification budget",
         lambda r: str(len(r["conflicts"]["cut"]))),
        ("planted conflicts reaching a verified candidate", lambda r: f"{r['conflicts']['reached']}/"
         f"{r['conflicts']['planted']} ({100 * reached(r):.1f}%)"),
        ("planted conflicts reported as findings",
         lambda r: f"{r['conflicts']['reported']}/{r['conflicts']['planted']}"),
        ("planted conflicts verified as conflicts but set aside",
         lambda r: str(r["conflicts"]["set_aside"])),
        ("findings / false findings (linking anything but one planted conflict's sides)",
         lambda r: f"{r['conflicts']['findings']} / {r['conflicts']['spurious']}"),
        ("findings per planted conflict reported", per_conflict),
        ("re-run on the same cassette: model calls",
         lambda r: str(r["rerun"]["http"]) if "rerun" in r else "–"),
        ("re-run on the same cassette: wall / CPU (s)",
         lambda r: f"{r['rerun']['wall']:.1f} / {r['rerun']['cpu']:.1f}" if "rerun" in r else "–"),
        ("one more document: model calls", added),
    ]
    return (["| N documents | " + " | ".join(f"{r['n']:,}" for r in results) + " |",
             "|---|" + "---:|" * len(results)]
            + [f"| {name} | " + " | ".join(fn(r) for r in results) + " |" for name, fn in rows])


def checks(results: list[dict], args: argparse.Namespace) -> list[tuple[str, str, str, bool]]:
    ideal = args.concurrency / args.latency
    reruns = [r for r in results if "rerun" in r]
    out = [("re-run with the same cassette", "0 model calls",
            ", ".join(f"N={r['n']}: {r['rerun']['http']}" for r in reruns),
            all(r["rerun"]["http"] == 0 for r in reruns))]
    for r in (r for r in results if "add_one" in r):
        share = r["add_one"]["calls"] / calls(r)
        out.append((f"one more document on N={r['n']}", "≤ 2% of the full run's calls",
                    f"{r['add_one']['calls']} of {calls(r)} = {100 * share:.1f}%", share <= 0.02))
    worst = max(results, key=extraction_ratio)
    out.append(("extraction tokens sent / corpus tokens", "≤ 1.5×",
                f"{extraction_ratio(worst):.2f}× (highest, N={worst['n']:,})",
                extraction_ratio(worst) <= 1.5))
    big = max(results, key=lambda r: r["n"])
    achieved = rate(big, "extract_claims") or 0.0
    out.append((f"throughput, {args.latency * 1000:.0f} ms latency, {args.concurrency} in flight "
                f"(extraction stage, N={big['n']:,})", f"≥ 80% of {ideal:.0f} calls/s",
                f"{achieved:.0f} calls/s = {100 * achieved / ideal:.0f}%", achieved >= 0.8 * ideal))
    by_n = {r["n"]: r for r in results}
    if 100 in by_n and 1000 in by_n:
        for name, schema in (("model calls", None), ("verify calls", "verify_candidates")):
            s = slope((100, calls(by_n[100], schema)), (1000, calls(by_n[1000], schema)))
            out.append((f"log-log slope of {name}, N=100 → 1,000", "≤ 1.1", f"{s:.2f}", s <= 1.1))
    widest = max(results, key=largest_reading)
    budget = widest["survey_tokens"]
    out.append(("survey: one call per reading of a story cluster, each reading within "
                "Settings.survey_tokens", f"≤ {budget:,} tokens of documents",
                f"{largest_reading(widest):,} (largest, N={widest['n']:,}; "
                + ", ".join(f"N={r['n']:,}: {len(r['readings'])} readings" for r in results) + ")",
                largest_reading(widest) <= budget))
    low = min(results, key=reached)
    out.append(("planted conflicts reaching a verified candidate", "≥ 98% at every N",
                f"{100 * reached(low):.1f}% (lowest, N={low['n']:,})", reached(low) >= 0.98))
    false = sum(r["conflicts"]["spurious"] for r in results)
    out.append(("false findings", "0 at every N",
                ", ".join(f"N={r['n']:,}: {r['conflicts']['spurious']}" for r in results), false == 0))
    return out


def accepted_rate(schemas: list[dict]) -> float | None:
    """Requests the simulator accepted (answered 200 or 500, not 429) per second, from the
    first request to the last answer: the pace its rate limit counts."""
    done = [s["last_done"] for s in schemas if s["last_done"] is not None]
    if not done:
        return None
    span = max(done) - min(s["first_arrival"] for s in schemas)
    return sum(s["ok"] + s["failed"] for s in schemas) / span if span > 0 else None


def fault_line(f: dict) -> str:
    sim = f["sim"]
    total = lambda key: sum(s[key] for s in sim["schemas"].values())  # noqa: E731
    limit = f"checker limited to {f['client_rpm']:,}/minute" if f["client_rpm"] else "no limit in checker"
    allowed = sim["config"]["rpm"] / 60
    paces = [(name, accepted_rate(schemas)) for name, schemas in (
        ("extraction", [sim["schemas"].get("extract_claims")]),
        ("verify", [sim["schemas"].get("verify_candidates")]),
        ("whole run", list(sim["schemas"].values())))
        if all(schemas)]
    pace = ", ".join(f"{name} {rate:.1f}/s = {100 * rate / allowed:.0f}%" for name, rate in paces
                     if rate is not None)
    return (f"- simulator at {sim['config']['rpm']:,} requests/minute, "
            f"{100 * sim['config']['failure_rate']:.0f}% random 500s, {limit}, N={f['n']}: "
            f"{total('requests')} HTTP requests ({total('rate_limited')} answered 429, {total('failed')} "
            f"answered 500), {f['failures']} work items left failed in the report, planted conflicts "
            f"reported {f['conflicts']['reported']}/{f['conflicts']['planted']}, {f['first']['wall']:.1f} s; "
            f"requests accepted per second against the limit's {allowed:.0f}/s: {pace}.")


def checker_version() -> str:
    root = Path(__file__).resolve().parent.parent
    git = lambda *a: subprocess.run(["git", "--no-optional-locks", *a], cwd=root,  # noqa: E731
                                    capture_output=True, text=True)
    head = git("rev-parse", "--short", "HEAD").stdout.strip() or "unknown"
    dirty = git("diff", "--quiet", "HEAD", "--", "checker", "prompts", "schemas").returncode != 0
    return f"checker at commit {head}" + (" with uncommitted changes" if dirty else "")


def markdown(results: list[dict], faults: list[dict], capacity: dict, args: argparse.Namespace,
             command: str, elapsed: float) -> str:
    ms = f"{args.latency * 1000:.0f} ms"
    lines = [SECTION, "",
             "checker's real pipeline (`checker.pipeline.run_async` with a `Gateway` in record mode, a "
             "fresh cassette and the real openai client over HTTP) on synthetic corpora from "
             f"`bench/synthetic.py` (seed {args.seed}: stories of 6-14 articles of 420-950 words, facts "
             "restated with compatible variants, 4 planted conflicts per story), against "
             f"`bench/simulator.py` answering from the planted truth after {ms}, with "
             f"{args.concurrency} calls in flight. The simulated model lists at most 12 planted "
             "sentences per passage (denials first, then those with times, amounts or named "
             "sources, as the extraction prompt asks), gives each survey reading a tension for "
             "every planted conflict with both sides in it (at most 12), and calls a candidate a "
             "conflict exactly when its two sentences are the two sides of a planted conflict. Each "
             "size runs in a fresh worker process: CPU time is "
             "that process's `time.process_time()` (the simulator is another process), peak memory its "
             "`ru_maxrss`; calls and tokens are what the simulator received (prompt tokens count the "
             "messages, not the JSON schema sent in `response_format`). A stage's throughput is its "
             "calls over the time from its first request to its last answer. Survey readings are "
             "read back from the cassette and measured with checker's own token count; which "
             "candidates were proposed and which verified is observed by wrapping "
             "`pipeline.select` (the report keeps only their counts).", "",
             "Command, from the repository root:", "", f"    {command}", "",
             f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}, shared VM), "
             f"Python {platform.python_version()}, {checker_version()}; measured "
             f"{date.today().isoformat()}; the whole benchmark took {elapsed / 60:.1f} min. The "
             f"simulator alone serves {capacity[0.0]:.0f} extraction requests/s with no latency and "
             f"{capacity[args.latency]:.0f}/s with {ms} and 64 in flight.", ""]
    lines += table(results, args.latency)
    unknown = sum(r["sim"]["unknown_quotes"] + r["sim"]["empty_passages"] for r in results)
    lines += ["", "Simulator self-check: " + ("every passage and every survey reading held planted "
              "sentences, and every sentence sent to verification was planted." if not unknown else
              f"**{unknown} passages, readings or verified sentences did not match the planted "
              "truth** (checker's request format changed?).")]
    lines += ["", "| target | goal | measured | |", "|---|---|---|---|"]
    lines += [f"| {name} | {goal} | {measured} | {'pass' if ok else '**fail**'} |"
              for name, goal, measured, ok in checks(results, args)]
    for r in results:
        c = r["conflicts"]
        unreached = [f for f in c["missed"] if f not in c["cut"]]
        if c["missed"]:
            lines += ["", f"Planted conflicts not verified at N={r['n']:,}: {len(c['missed'])}, of "
                      f"which {len(c['missed']) - len(unreached)} proposed but beyond the budget "
                      f"and {len(unreached)} not proposed by any view (or their call failed): "
                      + ", ".join(c["missed"][:FALSE_SHOWN]) + (", …" if len(c["missed"]) > FALSE_SHOWN
                                                                 else "") + "."]
        if c["false"]:
            lines += ["", f"False findings at N={r['n']:,} ({c['spurious']}"
                      + (f", first {FALSE_SHOWN}" if c["spurious"] > FALSE_SHOWN else "") + "):", ""]
            lines += [f"- {line}" for line in c["false"][:FALSE_SHOWN]]
    if faults:
        lines += ["", "Faults (the simulator's token bucket holds one second of requests and answers "
                  "429 with Retry-After; every answer carries OpenAI's x-ratelimit-*-requests headers; "
                  "checker paces and retries in checker/pacing.py, the openai client never retries):", ""]
        lines += [fault_line(f) for f in faults]
    return "\n".join(lines + ["", END]) + "\n"


def write_section(path: Path, text: str) -> None:
    """Replace the generated part of this section; notes written below END are kept."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(SECTION) + r".*?(?:" + re.escape(END) + r"\n?|(?=^## )|\Z)",
                         re.DOTALL | re.MULTILINE)
    new = (pattern.sub(lambda _: text, old, count=1) if pattern.search(old)
           else old.rstrip("\n") + "\n\n" + text)
    path.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--latency", type=float, default=0.2, help="simulated seconds per answer")
    parser.add_argument("--concurrency", type=int, default=32, help="checker's calls in flight")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", help="results file whose issue-7 section is (re)written")
    parser.add_argument("--raw", help="also write every worker's measurements to this JSON file")
    parser.add_argument("--quick", action="store_true", help="sizes 10 and 100, no fault runs")
    parser.add_argument("--no-faults", action="store_true", help="skip the fault runs")
    parser.add_argument("--fault-rpm", nargs="+", default=["3000", "1200", "1200/1200"],
                        help="fault runs at N=100: the simulator's requests/minute, and after a "
                             "slash checker's own limit (Settings.requests_per_minute)")
    parser.add_argument("--fault-rate", type=float, default=0.05, help="random 500s in fault runs")
    parser.add_argument("--profile", help="folder for a cProfile of each first run (no results written)")
    for hidden in ("--worker", "--add-one", "--no-rerun"):
        parser.add_argument(hidden, action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--client-rpm", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    if args.quick:
        args.sizes, args.no_faults = [10, 100], True
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    started = time.perf_counter()
    sizes = sorted(set(args.sizes))
    corpus = synthetic.generate(max(sizes + [100]), args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        truth = Path(tmp) / "truth.json"
        truth.write_text(json.dumps(synthetic.truth_table(corpus, [synthetic.extra_document(args.seed)])))
        simulator, base = start_simulator(truth, args)
        try:
            capacity = simulator_capacity(base, corpus, args.latency)
            results, faults = [], []
            for size in sizes:
                results.append(run_worker(base, size, args, *(["--add-one"] if size == 100 else [])))
                print(f"N={size}: {results[-1]['first']['wall']:.1f} s", file=sys.stderr)
            for spec in [] if args.no_faults else args.fault_rpm:
                rpm, _, client = spec.partition("/")
                sim_call(base, "/config", {"rpm": int(rpm), "failure_rate": args.fault_rate})
                extra = ["--no-rerun"] + (["--client-rpm", client] if client else [])
                faults.append(dict(run_worker(base, 100, args, *extra), client_rpm=int(client or 0)))
        finally:
            simulator.terminate()
            simulator.wait()
    text = markdown(results, faults, capacity, args, command, time.perf_counter() - started)
    print(text)
    if args.raw:
        Path(args.raw).write_text(json.dumps(dict(results=results, faults=faults), indent=1))
    if args.out and not args.profile:
        write_section(Path(args.out), text)


if __name__ == "__main__":
    main()
