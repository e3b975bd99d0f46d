"""Benchmark: align_quote on one whole-document window of 125 KB to 1 MB; growth must be linear.

Run `python bench/bench_align.py` from the repository root. Documents are the corpus articles
concatenated with varied separators; the quotes come from the last article, placed at the end.
"""
from __future__ import annotations

import itertools
import platform
import statistics
import sys
import time
from pathlib import Path

from checker.align import align_quote

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
SIZES_KB = (125, 250, 500, 1000)
# Best of several runs: the machine is shared, and the minimum is the least disturbed figure.
REPEATS = 15
SEPARATORS = ("\n\n", "\n\n* * *\n\n", "\r\n\r\n", "\n\u00a0\n", "\n\n---\n\n", "\n")

# (level expected, quote); every quote lies in the last article only, so it sits at the document's end.
QUOTES = (
    ("exact", "SpaceX and the Kremlin did not immediately respond to the DCNF’s request for comment."),
    ("normalized", "spacex and the kremlin did not immediately respond to the DCNF's request  for comment."),
    ("normalized", "Musk has described himself as pro-Ukraine … Ukrainian leaders thanked Musk"),
    ("fuzzy", "SpaceX and the Kremlin did not immediatly respond to the DCNF's request for coment."),
    ("fuzzy", "Musk had suggested that the West recognise Russia's annexation of Ukrainian teritory"),
    (None, "The Kremlin confirmed that the two men had met in person in Moscow last spring."),
)


def build_document(size: int, articles: list[str]) -> str:
    """Articles but the last, repeated with rotating separators up to `size` chars, then the last."""
    tail = articles[-1]
    parts: list[str] = []
    length = 0
    for article, separator in zip(itertools.cycle(articles[:-1]), itertools.cycle(SEPARATORS)):
        if length + len(article) + len(separator) + len(tail) > size:
            break
        parts += [article, separator]
        length += len(article) + len(separator)
    return "".join(parts) + "\n\n" + tail


def best_times(documents: dict[int, str]) -> dict[tuple[int, int], float]:
    """Best time in ms per (size, quote index). Rounds go over every size in turn, so a burst of load
    from elsewhere on the machine slows all sizes alike instead of skewing the ratios."""
    best: dict[tuple[int, int], float] = {}
    for _ in range(REPEATS):
        for size_kb, text in documents.items():
            for index, (expected, quote) in enumerate(QUOTES):
                began = time.perf_counter()
                found = align_quote(quote, text)
                elapsed = (time.perf_counter() - began) * 1000
                level = found.level if found else None
                if level != expected:
                    sys.exit(f"{quote!r} aligned at level {level}, expected {expected}")
                best[size_kb, index] = min(elapsed, best.get((size_kb, index), elapsed))
    return best


def main() -> None:
    articles = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    documents = {size_kb: build_document(size_kb * 1000, articles) for size_kb in SIZES_KB}
    best = best_times(documents)
    levels = ["exact", "normalized", "fuzzy", "absent"]
    per_size = {
        size_kb: {level: statistics.mean(best[size_kb, i] for i, (expected, _) in enumerate(QUOTES)
                                         if (expected or "absent") == level)
                  for level in levels}
        for size_kb in SIZES_KB}

    print(f"python {platform.python_version()}, {len(QUOTES)} quotes, best of {REPEATS} interleaved runs, "
          "window = whole document")
    print("| size | " + " | ".join(f"{level} ms/quote" for level in levels) + " |")
    print("|---:|" + "---:|" * len(levels))
    for size_kb, row in per_size.items():
        print(f"| {size_kb} KB | " + " | ".join(f"{row[level]:.3f}" for level in levels) + " |")
    smallest, largest = per_size[SIZES_KB[0]], per_size[SIZES_KB[-1]]
    print(f"| ratio {SIZES_KB[-1]}/{SIZES_KB[0]} KB | "
          + " | ".join(f"{largest[level] / smallest[level]:.1f}×" for level in levels) + " |")


if __name__ == "__main__":
    main()
