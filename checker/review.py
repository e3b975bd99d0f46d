"""Review: editors' verdicts on findings, kept in a TOML file beside the corpus.

Each `[[finding]]` entry names a finding id (stable across runs, models and added documents),
a verdict, who, when, a note, and the evidence the finding linked when it was reviewed. A
report shows each finding's review state and hides dismissed ones by default; an entry whose
evidence no longer exists in its document is reported as stale, never applied to anything else.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Item, Table

from .align import normalize_with_map
from .atomic import atomic_write
from .bounded import read_regular, toml_loads
from .errors import InputError

VERDICTS = ("confirmed", "dismissed", "needs-follow-up", "baseline")
HEADER = """# checker review file: one [[finding]] per reviewed finding, matched by its stable id.
# verdict: confirmed | dismissed | needs-follow-up | baseline (known, not yet reviewed)
# evidence: what the finding linked when it was reviewed (document id and evidence text).
"""


@dataclass(frozen=True)
class ReviewEntry:
    id: str
    verdict: str
    by: str
    at: str
    note: str = ""
    evidence: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "by": self.by, "at": self.at, "note": self.note}


def read_review(path: str | os.PathLike[str]) -> list[ReviewEntry]:
    """The entries of a review file; a missing file has none. Bad entries are one-line errors."""
    path = Path(path)
    if not os.path.lexists(path):
        return []
    try:
        # Nesting is bounded before parsing; a FIFO is refused before it is opened.
        data = toml_loads(read_regular(path, limit=None, what="review file").decode("utf-8"))
    except (OSError, ValueError) as err:  # ValueError: not UTF-8, not TOML, or nested too deep
        raise InputError(f"cannot read review file {path}: {err}", path=str(path),
                         reason="bad-review") from None
    findings = data.get("finding", [])
    if not isinstance(findings, list):
        raise _bad_entry(path, "`finding` is not a list of [[finding]] tables")
    return [_entry(path, n, item) for n, item in enumerate(findings, start=1)]


def _entry(path: Path, n: int, item: object) -> ReviewEntry:
    if not isinstance(item, dict):
        raise _bad_entry(path, f"finding entry {n} is not a table")
    item = {k: v.isoformat() if k == "at" and isinstance(v, date) else v for k, v in item.items()}
    missing = {"id", "verdict", "by", "at"} - item.keys()
    if missing:
        raise _bad_entry(path, f"finding entry {n} misses {', '.join(sorted(missing))}")
    if item["verdict"] not in VERDICTS:
        raise _bad_entry(path, f"finding entry {n} has verdict {item['verdict']!r}, not one of "
                         f"{', '.join(VERDICTS)}")
    for name in ("id", "by", "at", "note"):
        if not isinstance(item.get(name, ""), str):
            raise _bad_entry(path, f"finding entry {n}: {name} is not text")
    evidence = item.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
        raise _bad_entry(path, f"finding entry {n}: evidence is not a list of text")
    return ReviewEntry(item["id"], item["verdict"], item["by"], item["at"], item.get("note", ""),
                       tuple((e.split(": ", 1)[0], e.split(": ", 1)[1]) for e in evidence if ": " in e))


def _bad_entry(path: Path, why: str) -> InputError:
    return InputError(f"review file {path}: {why}", path=str(path), reason="bad-review")


def write_review(path: str | os.PathLike[str], entries: Sequence[ReviewEntry]) -> None:
    """Write entries into the review file by editing it: the editors' comments, layout and order
    survive; a changed field is replaced where it stands (keeping its trailing comment), a new
    entry is appended (new ones in id order). Atomic, so a crash never halves the file."""
    path = Path(path)
    text = read_regular(path, limit=None, what="review file").decode("utf-8") \
        if os.path.lexists(path) else HEADER
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as err:
        raise _bad_entry(path, f"not TOML: {err}") from None
    tables = document.get("finding")
    if tables is None:
        tables = tomlkit.aot()
        document.append("finding", tables)
    if not isinstance(tables, AoT):
        raise _bad_entry(path, "`finding` is not a list of [[finding]] tables")
    by_id = {table.get("id"): table for table in tables}
    for entry in sorted(entries, key=lambda e: e.id):
        table = by_id.get(entry.id)
        if table is None:
            table = tomlkit.table()
            table.trivia.indent = "\n"  # a blank line between entries
            tables.append(table)
        _fill(table, entry)
    atomic_write(path, tomlkit.dumps(document))


def _fill(table: Table, entry: ReviewEntry) -> None:
    """Set the entry's fields in the table, touching only those whose value changed."""
    evidence = tomlkit.array()
    evidence.extend(f"{doc}: {text}" for doc, text in entry.evidence)
    values: dict[str, Any] = {"id": entry.id, **entry.as_dict(),
                              "evidence": evidence.multiline(True)}
    for name, value in values.items():
        old = table.get(name)
        if old is not None and _plain(old) == _plain(value):
            continue  # unchanged: left exactly as the editor wrote it
        new = tomlkit.item(value)
        before = table.item(name) if name in table else None
        if isinstance(before, Item):  # keep the editor's comment at the end of the line
            new.trivia.comment, new.trivia.comment_ws = before.trivia.comment, before.trivia.comment_ws
        table[name] = new


def _plain(value: object) -> object:
    """A TOML value as plain Python for comparison (a TOML date as the ISO text we write)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, str) else value


def evidence_of(finding: Mapping[str, Any], claims: Mapping[str, Mapping[str, Any]]
                ) -> tuple[tuple[str, str], ...]:
    ids = [cid for side in finding["sides"] for cid in side["claim_ids"]]
    return tuple(sorted({(claims[c]["doc_id"], claims[c]["text"]) for c in ids}))


def set_verdict(entries: Sequence[ReviewEntry], finding: Mapping[str, Any],
                claims: Mapping[str, Mapping[str, Any]], *, verdict: str, by: str, at: str,
                note: str = "") -> list[ReviewEntry]:
    if verdict not in VERDICTS:
        raise InputError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}",
                         reason="bad-verdict")
    entry = ReviewEntry(finding["id"], verdict, by, at, note, evidence_of(finding, claims))
    return [e for e in entries if e.id != finding["id"]] + [entry]


def baseline(entries: Sequence[ReviewEntry], findings: Sequence[Mapping[str, Any]],
             claims: Mapping[str, Mapping[str, Any]], *, by: str, at: str) -> list[ReviewEntry]:
    """Every current finding without an entry becomes a "baseline" entry (known, not reviewed)."""
    known = {e.id for e in entries}
    return list(entries) + [ReviewEntry(f["id"], "baseline", by, at, "", evidence_of(f, claims))
                            for f in findings if f["id"] not in known]


def is_stale(entry: ReviewEntry, texts: Mapping[str, str]) -> bool:
    """True when some evidence of the entry no longer exists in its document."""
    for doc_id, text in entry.evidence:
        if doc_id not in texts:
            continue  # a document not in this run: nothing to compare against
        if normalize_with_map(text)[0] not in normalize_with_map(texts[doc_id])[0]:
            return True
    return False


def match_entries(findings: Sequence[Mapping[str, Any]], entries: Sequence[ReviewEntry],
                  claims: Mapping[str, Mapping[str, Any]]) -> dict[str, ReviewEntry]:
    """finding id -> its review entry: by id, else (a finding that grew, e.g. when documents were
    added) by the entry's whole evidence being part of the finding's, when exactly one fits."""
    by_id = {e.id: e for e in entries}
    matched = {f["id"]: by_id[f["id"]] for f in findings if f["id"] in by_id}
    loose = [e for e in entries if e.id not in matched and e.evidence]
    for finding in findings:
        if finding["id"] in matched:
            continue
        evidence = set(evidence_of(finding, claims))
        fits = [e for e in loose if set(e.evidence) <= evidence]
        if len(fits) == 1:
            matched[finding["id"]] = fits[0]
            loose.remove(fits[0])
    return matched


def apply_review(data: dict[str, Any], entries: Sequence[ReviewEntry], texts: Mapping[str, str], *,
                 source: str, show_dismissed: bool = False) -> dict[str, Any]:
    """The report with each finding's review state; dismissed findings hidden unless asked.

    A finding matched by evidence takes its entry's id, so the reviewed id stays the id."""
    claims = {c["id"]: c for c in data["claims"]}
    matched = match_entries(data["contradictions"], entries, claims)
    shown, hidden, present = [], 0, set()
    for finding in data["contradictions"]:
        entry = matched.get(finding["id"])
        finding = {**finding, "id": entry.id if entry else finding["id"],
                   "review": entry.as_dict() if entry else None}
        present.add(finding["id"])
        if entry is not None and entry.verdict == "dismissed" and not show_dismissed:
            hidden += 1
            continue
        shown.append(finding)
    stale = [{"id": e.id, **e.as_dict()} for e in entries if is_stale(e, texts)]
    absent = [e.id for e in entries if e.id not in present and not is_stale(e, texts)]
    run = {**data["run"], "review": {"file": source, "entries": len(entries),
                                     "dismissed_hidden": hidden, "stale": stale,
                                     "not_found_this_run": sorted(absent)}}
    return {**data, "contradictions": shown, "run": run}


def tripping(data: Mapping[str, Any], *, fail_on: str | None, fail_on_new: bool,
             severities: Sequence[str]) -> list[Mapping[str, Any]]:
    """Findings that fail a CI gate: never dismissed or baselined ones; with fail_on_new, only
    those nobody has reviewed at all."""
    threshold = severities.index(fail_on) if fail_on else len(severities) - 1
    out = []
    for finding in data["contradictions"]:
        review = finding.get("review")
        if severities.index(finding["severity"]) > threshold:
            continue
        if review and review["verdict"] in ("dismissed", "baseline"):
            continue
        if fail_on_new and review:
            continue
        out.append(finding)
    return out
