"""Where the command line keeps what belongs to a corpus: its review file and the recorded answers.

Both live in the corpus folder, never in the report folder, so deleting a report never deletes
an answer that was paid for. The corpus folder is the first input that is a folder, else the
folder of the first input that is a file, else (globs, stdin, URLs) the current folder.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

STATE_FOLDER = ".checker"  # checker's own files inside the corpus folder
CASSETTE_NAME = "cassette.jsonl"
REVIEW_NAME = "review.toml"


def corpus_folder(inputs: Sequence[str | os.PathLike[str]]) -> Path:
    paths = [Path(item) for item in inputs if str(item) != "-"]
    for path in paths:
        if path.is_dir():
            return path
    for path in paths:
        if path.is_file():
            return path.parent
    return Path(".")


def is_named_elsewhere(item: str | os.PathLike[str]) -> bool:
    """stdin, a URL or a glob: an input that is no path in a folder of its own."""
    text = str(item)
    return text == "-" or "://" in text or any(c in text for c in "*?[")


def default_cassette(inputs: Sequence[str | os.PathLike[str]]) -> Path:
    """`<corpus folder>/.checker/cassette.jsonl`: the answers a run records when not told where."""
    return corpus_folder(inputs) / STATE_FOLDER / CASSETTE_NAME


def default_review(inputs: Sequence[str | os.PathLike[str]]) -> Path:
    """`<corpus folder>/review.toml`: editors' verdicts, beside the articles they judge."""
    return corpus_folder(inputs) / REVIEW_NAME
