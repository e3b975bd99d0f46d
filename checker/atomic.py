"""One way to replace a file's content atomically: a reader sees the old file or the new one, never part.

`atomic_write(path, data)` writes `data` (text as UTF-8, or bytes) to a new file beside `path` and
renames it over `path`; with `fsync` (the default) the data and the rename are on disk when it
returns. A failure leaves `path` as it was and no temporary file behind.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, fsync: bool = True) -> None:
    """Replace the content of `path` with `data` (a str is written as UTF-8)."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # A name of its own for each write, so two writers of one file never share a temporary file;
    # hidden, so a folder checker reads never offers one left by a crash as a document.
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    # 0o666 less the umask, as open() would create it: a report is as readable as before.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if fsync:
        _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # a folder that cannot be opened for reading: the data is on disk all the same
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a folder
        pass
    finally:
        os.close(fd)
