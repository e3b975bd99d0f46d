"""The sample corpus recorded several times, independently: their findings side by side.

    python bench/recordings.py [--out bench/results.md]

Each cassette in fixtures/cassettes/sample*.jsonl is one full recording (every answer fresh).
Findings of different recordings are the same finding when they link the same evidence
sentences on both sides (sentences are cut by code, so they are comparable across recordings
whose claims differ). A core conflict is a high-severity finding; the check is that every core
conflict of any recording is found in every recording, as exactly one finding each time, and
that no recording reports a numeric or temporal finding that the normalisers would set aside.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from results_file import write_section  # noqa: E402

from checker import Settings, check  # noqa: E402
from checker.sentences import SentenceIndex  # noqa: E402

CORPUS = ROOT / "fixtures" / "corpus"


def sentences_of(side: dict, claims: dict, indexes: dict) -> set[tuple[str, int, int]]:
    out = set()
    for claim_id in side["claim_ids"]:
        claim = claims[claim_id]
        out.add((claim["doc_id"], *indexes[claim["doc_id"]].covering(claim["start"], claim["end"])))
    return out


def findings_of(cassette: Path) -> list[dict]:
    report = check([CORPUS], settings=Settings(mode="replay"), cassette=cassette).data
    claims = {c["id"]: c for c in report["claims"]}
    indexes = {p.stem: SentenceIndex(p.read_text(encoding="utf-8")) for p in CORPUS.glob("*.txt")}
    return [{**f, "evidence": [sentences_of(s, claims, indexes) for s in f["sides"]]}
            for f in report["contradictions"]]


def same(f: dict, g: dict) -> bool:
    """Both sides of f share evidence sentences with the two sides of g (in either order)."""
    if f["kind"] != g["kind"] or len(f["evidence"]) != 2 or len(g["evidence"]) != 2:
        return False
    (a1, b1), (a2, b2) = f["evidence"], g["evidence"]
    return bool((a1 & a2 and b1 & b2) or (a1 & b2 and b1 & a2))


def compare(cassettes: list[Path]) -> tuple[str, bool]:
    runs = {c.stem: findings_of(c) for c in cassettes}
    names = list(runs)
    rows: list[dict[str, list[dict]]] = []
    for name in names:
        for finding in runs[name]:
            row = next((r for r in rows if any(same(finding, g) for gs in r.values() for g in gs)), None)
            if row is None:
                rows.append(row := {n: [] for n in names})
            row[name].append(finding)
    lines = ["| finding | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    ok = True
    for row in rows:
        first = next(f for fs in row.values() for f in fs)
        core = any(f["severity"] == "high" for fs in row.values() for f in fs)
        cells = []
        for name in names:
            found = row[name]
            cells.append(" + ".join(f"{f['severity']} {f['kind']}/{f['type']} `{f['id']}`"
                                    for f in found) or "—")
            if core and len(found) != 1:
                ok = False
        label = first["explanation"][:110] + ("…" if len(first["explanation"]) > 110 else "")
        lines.append(f"| {'**core** ' if core else ''}{label} | " + " | ".join(cells) + " |")
    traps = {n: [f["id"] for f in fs if f["type"] in ("numeric", "temporal")] for n, fs in runs.items()}
    lines += ["", "Numeric or temporal findings per recording (each would need a real clash of values): "
              + "; ".join(f"{n}: {len(t)}" for n, t in traps.items()) + ".", "",
              ("Every core conflict (high severity in any recording) is one finding in every recording."
               if ok else "NOT MET: some core conflict is missing or split in some recording.")]
    return "\n".join(lines) + "\n", ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    cassettes = sorted((ROOT / "fixtures" / "cassettes").glob("sample*.jsonl"),
                       key=lambda p: (p.stem != "sample", p.stem))
    text, ok = compare(cassettes)
    print(text)
    if args.out:
        write_section(args.out, "Three independent recordings of the sample (issue 12)", text,
                      "python bench/recordings.py --out bench/results.md")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
