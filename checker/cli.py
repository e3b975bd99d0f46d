"""Command line: `checker report|verify|export|import|estimate|review|cassette`.

Exit codes: 0 ok; 1 findings at or above --fail-on; 2 bad input or usage; 3 a model or
provider failure (or missing recorded answers) left results incomplete. Every error is
printed as one line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .api import check_with, gather_documents, gather_draft, gather_sources
from .batch import export_requests, import_answers, read_pending
from .cassette import Cassette
from .cli_progress import RunProgress
from .cli_review import cmd_review, say
from .corpus_folder import default_cassette, default_review
from .draft_report import FAIL_ON, DraftReport
from .draft_run import verify_draft_async
from .errors import EXIT_FINDINGS, EXIT_OK, AnswersPending, CheckerError, InputError
from .estimate import estimate_run
from .gateway import Gateway
from .load import Document, LoadProblem
from .load_url import pages_folder
from .pipeline import run
from .report import Report, failure_summary
from .review import VERDICTS, read_review, tripping
from .settings import MODES, Settings
from .types import SEVERITIES


def _common(parser: argparse.ArgumentParser, *, sources_after_against: bool = False) -> None:
    if sources_after_against:  # verify: the draft is the positional, the sources follow --against
        parser.add_argument("--against", dest="inputs", nargs="+", required=True,
                            metavar="SOURCE", help="the sources: files, folders, globs, .jsonl "
                            "feeds or URLs, read exactly as `checker report` reads them")
    else:
        parser.add_argument("inputs", nargs="+", help="files, folders, globs or .jsonl feeds")
    parser.add_argument("--cassette", help="recorded answers (JSONL); default: "
                        ".checker/cassette.jsonl in the corpus folder (the first folder named, "
                        "else the first file's folder, else the current folder)")
    parser.add_argument("--model", help="model name (CHECKER_MODEL; default gpt-4o-mini)")
    parser.add_argument("--base-url", help="OpenAI-compatible server (OPENAI_BASE_URL)")
    parser.add_argument("--manifest", help="JSON sidecar with per-document metadata")
    parser.add_argument("--meta", action="append", default=[], metavar="DOC.FIELD=VALUE",
                        help="set a document's title, source, url or published date, e.g. "
                        "--meta 003_16daae7c1b36e9cd.published=2022-10-11 (repeatable; wins over "
                        "what the files say)")
    parser.add_argument("--strict", action="store_true", help="stop at the first bad input file")
    parser.add_argument("--follow-links", action="store_true", help="read files that symbolic "
                        "links lead to outside the folders and files named (skipped by default)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--json", action="store_true", help="print a JSON summary on stdout")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="checker", description=(
        "Find what several articles about one story agree on and where they contradict."))
    parser.add_argument("--version", action="version", version=f"checker {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    report = sub.add_parser("report", help="write report.json and report.md for a set of articles")
    _common(report)
    report.add_argument("--out", default="report", help="output folder (default: report)")
    report.add_argument("--fail-on", choices=SEVERITIES, help="exit 1 when a finding at or above "
                        "this severity is reported (a CI gate)")
    report.add_argument("--review", help="review file (TOML); default: review.toml in the "
                        "corpus folder, when there is one")
    report.add_argument("--show-dismissed", action="store_true",
                        help="include findings an editor dismissed")
    report.add_argument("--fail-on-new", action="store_true", help="exit 1 only for findings "
                        "nobody has reviewed or baselined (at or above --fail-on, if given)")
    report.add_argument("--batch", action="store_true", help="send the model requests through "
                        "the Batch API (files and batches endpoints), stage by stage, instead of "
                        "interactive calls")
    report.add_argument("--mode", choices=MODES, help="replay: recorded answers only; record: ask "
                        "the model on a miss and record (default); live: ask, record nothing")

    verify = sub.add_parser("verify", help="check a draft against its sources: every claim "
                            "supported, contradicted, misquoted or not in the sources, with evidence")
    verify.add_argument("draft", help="the draft: a file (.txt, .md, .html, .pdf, .docx), a URL, "
                        "or - for standard input")
    _common(verify, sources_after_against=True)
    verify.add_argument("--out", default="verify", help="output folder for verify.json, verify.md "
                        "and verify.html (default: verify)")
    verify.add_argument("--fail-on", choices=tuple(FAIL_ON), help="exit 1 when a draft claim is "
                        "contradicted (contradicted), contradicted or misquoted (misquoted), or "
                        "anything but supported (unsupported): a gate for editorial pipelines")
    verify.add_argument("--mode", choices=MODES, help="replay: recorded answers only; record: ask "
                        "the model on a miss and record (default); live: ask, record nothing")

    export = sub.add_parser("export", help="write the model requests a run still needs as a "
                            "Batch API input file")
    _common(export)
    export.add_argument("--against", nargs="+", metavar="SOURCE", help="export the requests of "
                        "`checker verify INPUT --against SOURCE...` instead (INPUT is the draft)")
    export.add_argument("--out", required=True, help="Batch API input file to write (.jsonl)")

    imp = sub.add_parser("import", help="add a Batch API output file's answers to a cassette")
    imp.add_argument("answers", help="Batch API output file (.jsonl)")
    imp.add_argument("--cassette", required=True)
    imp.add_argument("--note", help="provenance note stored with every imported answer")
    imp.add_argument("--json", action="store_true")

    estimate = sub.add_parser("estimate", help="model calls, tokens and cost of a run, before "
                              "spending anything")
    _common(estimate)
    estimate.add_argument("--prices", help="JSON file {model: [input, output]} in USD per 1M tokens")

    review = sub.add_parser("review", help="list findings with their review state, set a "
                            "verdict, or write a baseline")
    review.add_argument("action", choices=["list", "set", "baseline"])
    review.add_argument("finding", nargs="?", help="finding id (for set)")
    review.add_argument("--report", default="report/report.json", help="report.json to review")
    review.add_argument("--review", help="review file (TOML), created if missing; default: "
                        "review.toml in the --corpus folder, else the one the report used")
    review.add_argument("--corpus", nargs="+", metavar="INPUT", help="the articles the report "
                        "checked, as given to `checker report`: finds their review.toml")
    review.add_argument("--verdict", choices=VERDICTS)
    review.add_argument("--by", help="reviewer (default: CHECKER_REVIEWER, else git's user.name, "
                        "else the login name)")
    review.add_argument("--note", default="")
    review.add_argument("--json", action="store_true")

    tape = sub.add_parser("cassette", help="list a cassette's recorded answers")
    tape.add_argument("path")
    tape.add_argument("--json", action="store_true")
    return parser


def _metadata(items: Sequence[str]) -> dict[str, dict[str, str]]:
    """--meta DOC.FIELD=VALUE options as {doc id: {field: value}}; a malformed one is an error."""
    out: dict[str, dict[str, str]] = {}
    for item in items:
        target, sep, value = item.partition("=")
        doc_id, dot, field = target.rpartition(".")
        if not sep or not dot or not doc_id or field not in ("title", "source", "url", "published"):
            raise InputError(f"--meta {item!r}: expected DOC.FIELD=VALUE with FIELD one of title, "
                             "source, url, published", reason="usage")
        out.setdefault(doc_id, {})[field] = value
    return out


def _documents(args: argparse.Namespace, settings: Settings,
               cassette: str | Path | None = None) -> tuple[list[Document], list[LoadProblem]]:
    # Pages fetched from URLs are kept beside the cassette, so its replay reads the same text.
    return gather_documents(args.inputs, strict=args.strict, manifest=args.manifest,
                            metadata=_metadata(args.meta), follow_links=args.follow_links,
                            max_file_bytes=settings.max_file_bytes,
                            cache=pages_folder(cassette) if cassette else None)


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    return Settings.from_env(model=args.model, base_url=args.base_url, **extra)


def cmd_report(args: argparse.Namespace) -> int:
    # With --batch the run only reads the cassette; missing answers go out as batches.
    settings = _settings(args, mode="replay" if args.batch else args.mode)
    out = _output_folder(args.out)  # checked before any answer is paid for
    cassette_path = _cassette_path(args)
    documents, problems = _documents(args, settings, cassette_path)
    for problem in problems:
        print(f"warning: {problem.message}", file=sys.stderr)
    review_file = _review_file(args)  # read now: a bad one should cost no model call either
    review_entries = read_review(review_file) if review_file is not None else []
    cassette = Cassette(cassette_path)
    if settings.mode == "record" or args.batch:
        cassette.check_writable()
    gateway = Gateway(settings=settings, cassette=cassette,
                      rerecord_hint=_rerecord_hint(args, cassette))
    progress = None if args.quiet else RunProgress(live=sys.stderr.isatty(), pacer=gateway.pacer)
    with progress or contextlib.nullcontext():  # a live display is closed however the run ends
        report = asyncio.run(_checked(
            gateway, documents, settings=settings, problems=problems, progress=progress,
            batch=args.batch, review=review_entries if review_file is not None else None,
            review_source=str(review_file or ""), show_dismissed=args.show_dismissed,
            notify=lambda line: print(f"batch: {line}", file=sys.stderr)))
    written = report.write(out)
    outputs = [str(p) for p in written]
    summary = {"outputs": outputs, "documents": len(documents),
               "claims": len(report.data["claims"]),
               "contradictions": len(report.data["contradictions"]),
               "model_calls": gateway.calls, "failures": len(report.data["run"]["failures"]),
               "exit_code": report.exit_code}
    if args.json:
        print(json.dumps(summary))
    elif not args.quiet:
        print(f"wrote {', '.join(outputs)}: {summary['claims']} claims, "
              f"{summary['contradictions']} contradictions, {gateway.calls} model calls", file=sys.stderr)
    if report.data["run"]["failures"]:
        print(f"incomplete: {failure_summary(report.data['run']['failures'])}", file=sys.stderr)
    for failure in report.data["run"]["failures"]:
        print(f"incomplete: {failure['message']}", file=sys.stderr)
    for entry in report.data["run"].get("review", {}).get("stale", []):
        print(f"warning: review entry {entry['id']} is stale: its evidence is no longer in the "
              "documents", file=sys.stderr)
    if report.exit_code != EXIT_OK:
        return report.exit_code
    if args.fail_on or args.fail_on_new:
        gate = tripping(report.data, fail_on=args.fail_on, fail_on_new=args.fail_on_new,
                        severities=SEVERITIES)
        if gate:
            what = "new " if args.fail_on_new else ""
            print(f"{len(gate)} {what}findings at or above {args.fail_on or 'low'} severity",
                  file=sys.stderr)
            return EXIT_FINDINGS
    return EXIT_OK


def _output_folder(name: str) -> Path:
    """The --out folder, created and shown writable; otherwise a one-line InputError."""
    out = Path(name)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; reports go into a folder", path=str(out),
                         reason="bad-output")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe, probe_name = tempfile.mkstemp(dir=out, prefix=".checker-write-test-")
        os.close(probe)
        os.unlink(probe_name)
    except OSError as err:
        raise InputError(f"cannot write reports to {out}: {err.strerror}", path=str(out),
                         reason="bad-output") from None
    return out


def _review_file(args: argparse.Namespace) -> Path | None:
    if args.review:
        return Path(args.review)
    candidate = default_review(args.inputs)
    return candidate if os.path.lexists(candidate) else None


def _cassette_path(args: argparse.Namespace) -> Path:
    """--cassette, else the corpus folder's: never inside --out, which users delete freely."""
    return Path(args.cassette) if args.cassette else default_cassette(args.inputs)


def cmd_estimate(args: argparse.Namespace) -> int:
    settings = _settings(args, mode="replay")
    cassette_path = _cassette_path(args)
    documents, problems = _documents(args, settings, cassette_path)
    for problem in problems:  # what an estimate leaves out is what the report would leave out
        print(f"warning: {problem.message}", file=sys.stderr)
    gateway = Gateway(settings=settings, cassette=Cassette(cassette_path))  # never records: replay
    prices = None
    if args.prices:
        try:
            prices = {k: tuple(v) for k, v in json.loads(Path(args.prices).read_text()).items()}
        except (OSError, ValueError, TypeError) as err:
            raise InputError(f"cannot read price table {args.prices}: {err}", path=args.prices,
                             reason="bad-prices") from None
    result = estimate_run(documents, gateway, prices).as_dict()
    if args.json:
        print(json.dumps(result))
        return EXIT_OK
    for stage in result["stages"]:
        kind = "requests rendered and counted" if stage["exact"] else "extrapolated"
        print(f"{stage['stage']:<18} {stage['calls']:>6} calls {stage['prompt_tokens']:>10,} prompt "
              f"+ {stage['completion_tokens']:>10,} completion tokens ({kind})")
    cost = "unknown (no price for this model)" if result["cost_usd"] is None \
        else f"${result['cost_usd']:.4f}"
    print(f"{'total':<18} {result['calls']:>6} calls {result['prompt_tokens']:>10,} prompt "
          f"+ {result['completion_tokens']:>10,} completion tokens; {result['model']}: {cost}")
    return EXIT_OK


async def _checked(gateway: Gateway, documents: Sequence[Document], **options: Any) -> Report:
    async with gateway:  # the command opened it; the command closes it
        return await check_with(gateway, documents, **options)


def _rerecord_hint(args: argparse.Namespace, cassette: Cassette) -> str:
    inputs = " ".join(args.inputs)
    return (f"`checker report {inputs} --cassette {cassette} --mode record` with OPENAI_API_KEY set, "
            f"or `checker export {inputs} --cassette {cassette} --out requests.jsonl`, answer it, "
            f"then `checker import ANSWERS.jsonl --cassette {cassette}` (see fixtures/README.md)")


def _draft_and_sources(args: argparse.Namespace, settings: Settings, draft: str,
                       cassette: Path) -> tuple[Document, list[Document], list[LoadProblem]]:
    """The draft, then its sources (read exactly as `checker report` reads them)."""
    metadata = _metadata(args.meta)
    document = gather_draft(draft, metadata=metadata, max_file_bytes=settings.max_file_bytes,
                            cache=pages_folder(cassette))
    sources, problems = gather_sources(
        args.inputs, strict=args.strict, manifest=args.manifest,
        metadata={k: v for k, v in metadata.items() if k != document.id},
        follow_links=args.follow_links, max_file_bytes=settings.max_file_bytes,
        cache=pages_folder(cassette))
    return document, sources, problems


def cmd_verify(args: argparse.Namespace) -> int:
    settings = _settings(args, mode=args.mode)
    out = _output_folder(args.out)  # checked before any answer is paid for
    cassette_path = _cassette_path(args)  # the sources' folder: shared with `checker report`
    draft, sources, problems = _draft_and_sources(args, settings, args.draft, cassette_path)
    for problem in problems:
        print(f"warning: {problem.message}", file=sys.stderr)
    cassette = Cassette(cassette_path)
    if settings.mode == "record":
        cassette.check_writable()
    run_args = f"{args.draft} --against {' '.join(args.inputs)} --cassette {cassette}"
    hint = (f"`checker verify {run_args} --mode record` with OPENAI_API_KEY set, or "
            f"`checker export {run_args} --out requests.jsonl`, answer it, then "
            f"`checker import ANSWERS.jsonl --cassette {cassette}` (see fixtures/README.md)")
    gateway = Gateway(settings=settings, cassette=cassette, rerecord_hint=hint)
    progress = None if args.quiet else RunProgress(live=sys.stderr.isatty(), pacer=gateway.pacer)
    with progress or contextlib.nullcontext():
        report = asyncio.run(_verified(gateway, draft, sources, settings=settings,
                                       progress=progress, load_problems=problems))
    outputs = [str(p) for p in report.write(out)]
    code = report.gate(args.fail_on)
    counts = report.data["counts"]
    if args.json:
        print(json.dumps({"outputs": outputs, "claims": len(report.data["claims"]), **counts,
                          "model_calls": gateway.calls,
                          "failures": len(report.data["run"]["failures"]), "exit_code": code}))
    elif not args.quiet:
        print(f"wrote {', '.join(outputs)}: " + ", ".join(
            f"{n} {verdict.replace('_', ' ')}" for verdict, n in counts.items())
            + f", {gateway.calls} model calls", file=sys.stderr)
    if report.data["run"]["failures"]:
        print(f"incomplete: {failure_summary(report.data['run']['failures'])}", file=sys.stderr)
    if code == EXIT_FINDINGS:
        print(f"{len(report.tripping(args.fail_on))} draft claims trip --fail-on {args.fail_on}",
              file=sys.stderr)
    return code


async def _verified(gateway: Gateway, draft: Document, sources: Sequence[Document],
                    **options: Any) -> DraftReport:
    async with gateway:  # the command opened it; the command closes it
        return await verify_draft_async(draft, sources, gateway, **options)


def cmd_export(args: argparse.Namespace) -> int:
    settings = _settings(args, mode="replay")
    if args.against:  # `checker export DRAFT --against SOURCES...`: a draft check's requests
        if len(args.inputs) != 1:
            raise InputError("export --against takes one draft before it, "
                             f"got {len(args.inputs)} inputs", reason="usage")
        draft_name, args.inputs = args.inputs[0], args.against
    cassette_path = _cassette_path(args)
    cassette = Cassette(cassette_path)
    if args.against:
        draft, documents, problems = _draft_and_sources(args, settings, draft_name, cassette_path)
    else:
        documents, problems = _documents(args, settings, cassette_path)
    cassette.check_writable()  # the exported requests are remembered beside it
    gateway = Gateway(settings=settings, cassette=cassette)
    try:
        if args.against:
            asyncio.run(_verified(gateway, draft, documents, collect_misses=True,
                                  load_problems=problems))
        else:
            run(documents, gateway, collect_misses=True, load_problems=problems)
    except AnswersPending as pending:
        count = export_requests(pending.requests, args.out, cassette=cassette,
                                structured_output=settings.structured_output)
        message = (f"stage {pending.stage!r}: wrote {count} requests to {args.out}; answer them "
                   f"(Batch API or vLLM run_batch), then `checker import ANSWERS --cassette {cassette}`"
                   " and run export again for the next stage")
        say(args, {"stage": pending.stage, "exported": count, "out": args.out}, message)
        return EXIT_OK
    say(args, {"stage": None, "exported": 0, "out": None},
         "nothing to export: every answer the run needs is recorded")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    cassette = Cassette(args.cassette)
    cassette.check_writable()
    summary = import_answers(args.answers, cassette=cassette, secrets=[Settings.from_env().api_key],
                             provenance={"note": args.note} if args.note else None)
    say(args, {"imported": summary.imported, "already_recorded": summary.already_recorded,
                "invalid": len(summary.invalid), "failed": len(summary.failed),
                "unknown": len(summary.unknown)}, "\n".join(summary.lines()))
    return EXIT_OK


def cmd_cassette(args: argparse.Namespace) -> int:
    cassette = Cassette(args.path)
    rows = [{"key": e.key, "prompt": e.request.get("prompt", "").split("@")[0],
             "answered_by": e.provenance.get("answered_by"),
             "recorded_via": e.provenance.get("recorded_via"),
             "recorded_at": e.provenance.get("recorded_at")} for e in cassette.entries()]
    pending = len(read_pending(cassette)) if cassette.path else 0
    if args.json:
        print(json.dumps({"entries": rows, "pending": pending, "torn_tail": cassette.torn_tail}))
        return EXIT_OK
    for row in rows:
        print(f"{row['key'][:19]}  {row['prompt']:<20} {row['answered_by'] or '?':<28} "
              f"{row['recorded_via'] or '?':<13} {row['recorded_at'] or ''}")
    print(f"{len(rows)} entries, {pending} exported requests awaiting answers"
          + (", torn last line ignored" if cassette.torn_tail else ""))
    return EXIT_OK


COMMANDS = {"report": cmd_report, "verify": cmd_verify, "export": cmd_export, "import": cmd_import,
            "estimate": cmd_estimate, "review": cmd_review, "cassette": cmd_cassette}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except CheckerError as err:
        print(f"checker: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("checker: interrupted; recorded answers are kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
