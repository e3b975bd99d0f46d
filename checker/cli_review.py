"""`checker review`: list, set and baseline editors' verdicts in the review file, and `say`,
how every command reports a result (one JSON line with --json, else one sentence)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from .bounded import json_loads
from .corpus_folder import default_review, is_named_elsewhere
from .errors import EXIT_OK, InputError
from .review import baseline, read_review, set_verdict, write_review
from .settings import reviewer_name


def cmd_review(args: argparse.Namespace) -> int:
    try:
        data = json_loads(Path(args.report).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(isinstance(data.get(k), list)
                                                 for k in ("claims", "contradictions")):
            raise ValueError("not a checker report.json")
    except (OSError, ValueError) as err:  # ValueError: not UTF-8, not JSON, or nested too deep
        raise InputError(f"cannot read report {args.report}: {err}", path=args.report,
                         reason="bad-report") from None
    args.review = str(review_file(args, data))
    entries = read_review(args.review)
    claims = {c["id"]: c for c in data["claims"]}
    today = date.today().isoformat()
    if args.action in ("set", "baseline") and not args.by:
        args.by = reviewer_name(folder=Path(args.review).parent)
    if args.action == "set":
        found = [f for f in data["contradictions"] if f["id"] == args.finding]
        if not args.finding or not args.verdict or not found:
            raise InputError(f"review set needs a finding id from {args.report} and --verdict "
                             f"(got {args.finding!r})", reason="usage")
        write_review(args.review, set_verdict(entries, found[0], claims, verdict=args.verdict,
                                              by=args.by, at=today, note=args.note))
        say(args, {"id": args.finding, "verdict": args.verdict},
             f"{args.finding}: {args.verdict} ({args.review})")
        return EXIT_OK
    if args.action == "baseline":
        updated = baseline(entries, data["contradictions"], claims, by=args.by, at=today)
        write_review(args.review, updated)
        say(args, {"baselined": len(updated) - len(entries)},
             f"baselined {len(updated) - len(entries)} findings in {args.review}")
        return EXIT_OK
    by_id = {e.id: e for e in entries}
    rows = [{"id": f["id"], "severity": f["severity"], "kind": f["kind"], "type": f["type"],
             "verdict": by_id[f["id"]].verdict if f["id"] in by_id else "new",
             "explanation": f["explanation"]} for f in data["contradictions"]]
    shown = {r["id"] for r in rows}
    rows += [{"id": e.id, "severity": None, "kind": None, "type": None, "verdict": e.verdict,
              "explanation": e.note or "(not in this report)"} for e in entries if e.id not in shown]
    stale = [e["id"] for e in data["run"].get("review", {}).get("stale", [])]
    if args.json:
        print(json.dumps({"findings": rows, "stale": stale}))
        return EXIT_OK
    for row in rows:
        print(f"{row['id']}  {row['verdict']:<15} {row['severity'] or '-':<6} "
              f"{row['kind'] or '-':<9} {row['explanation'][:90]}")
    for finding_id in stale:
        print(f"{finding_id}  STALE: its evidence is no longer in the documents")
    return EXIT_OK


def review_file(args: argparse.Namespace, report: dict[str, Any]) -> Path:
    """--review; else review.toml in the corpus folder (found as `checker report` finds it);
    else the review file the report was made with, when it still exists."""
    if args.review:
        return Path(args.review)
    if args.corpus:
        missing = [item for item in args.corpus if not is_named_elsewhere(item)
                   and not os.path.lexists(item)]
        if missing:  # a typo must not put the verdicts in some other folder's review.toml
            raise InputError(f"--corpus {missing[0]}: no such file or folder", path=missing[0],
                             reason="usage")
        return default_review(args.corpus)
    used = report["run"].get("review", {}).get("file") if isinstance(report.get("run"), dict) else None
    if isinstance(used, str) and used and Path(used).is_file():
        return Path(used)
    raise InputError(f"which review file? {args.report} was made without one: pass --corpus with "
                     "the articles (their review.toml is used, created if missing) or --review FILE",
                     reason="usage")


def say(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data))
    else:
        print(text, file=sys.stderr)
