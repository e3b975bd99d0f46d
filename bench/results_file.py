"""bench/results.md sections: each script rewrites its own section, leaving the others as they are."""
from __future__ import annotations

import re
from pathlib import Path


def write_section(path: Path, title: str, body: str, command: str) -> None:
    """Replace the section headed `## title` (up to the next `## `) with `body`."""
    text = f"## {title}\n\nMeasured with `{command}`.\n\n{body.rstrip()}\n"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pattern = re.compile(r"^## " + re.escape(title) + r"\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    new = pattern.sub(lambda _: text + "\n", old, count=1) if pattern.search(old) \
        else old.rstrip("\n") + "\n\n" + text
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")
