"""Peak memory of `checker report` on one large document, in record mode (issue 15).

Writes a document of --megabytes MB (varied English paragraphs from a fixed seed) and checks it
with `checker.check` in a fresh process, in record mode, with a transport that answers every
request at once with an empty answer (no claims), so that what is measured is checker's own
handling of the text: loading, chunking, the extraction requests, recording every answer in
the cassette, and the reports. Peak memory is the child's ru_maxrss.

    . .venv/bin/activate && python bench/bench_memory.py --megabytes 50
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("the council mayor bridge river budget officials said on Monday repairs would last "
         "weeks according to a statement from city hall residents complained about traffic "
         "engineers found cracks in the concrete piers contractors estimated costs of million "
         "euros opposition members demanded an inquiry into delays and the minister promised "
         "that work would finish before the winter").split()


def write_document(path: Path, megabytes: float, seed: int = 15) -> int:
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    written = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("A long record of the bridge works\n\n")
        while written < target:
            sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 22))).capitalize()
                         + "." for _ in range(rng.randint(3, 8))]
            paragraph = " ".join(sentences) + "\n\n"
            handle.write(paragraph)
            written += len(paragraph)
    return path.stat().st_size


EMPTY = {"extract_claims": {"claims": []}, "survey_story": {"summaries": [], "tensions": []},
         "verify_candidates": {"verdicts": []}, "confirm_entities": {"decisions": []}}


def empty_answers(request):
    """A valid answer with nothing in it, whatever was asked: no claims, no tensions."""
    from checker.model import ModelResponse
    return ModelResponse(raw=json.dumps(EMPTY[request.schema_id]), model="empty")


def child(document: str, out: str) -> None:
    """Check the document in this process, record every answer, write the reports, and print
    the peak memory and the time taken."""
    from checker import Settings, check

    started = time.perf_counter()
    settings = Settings(mode="record", max_file_bytes=Path(document).stat().st_size)
    report = check([document], settings=settings, transport=empty_answers,
                   cassette=Path(out) / "cassette.jsonl")
    report.write(out)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": round(time.perf_counter() - started, 1),
                      "peak_mb": round(peak_kb / 1024), "chunks": len(report.data["run"]["cassette_keys"]),
                      "complete": report.complete}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--child", nargs=2, metavar=("DOCUMENT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / "big.txt"
        size = write_document(document, args.megabytes)
        run = subprocess.run([sys.executable, __file__, "--child", str(document),
                              str(Path(folder) / "out")], capture_output=True, text=True, check=True)
        print(json.dumps({"document_bytes": size, **json.loads(run.stdout)}))


if __name__ == "__main__":
    main()
