"""Tests for checker.atomic: the new content or the old one, never part, and nothing left behind."""
import os
import stat

import pytest

from checker.atomic import atomic_write


def leftovers(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def test_text_is_written_as_utf8_and_replaces_the_old_content(tmp_path):
    path = tmp_path / "report.md"
    path.write_text("old", encoding="utf-8")
    atomic_write(path, "naïve — “quoted”\n")
    assert path.read_bytes() == "naïve — “quoted”\n".encode()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fsync", [True, False])
def test_bytes_are_written_as_given(tmp_path, fsync):
    path = tmp_path / "batch.jsonl"
    atomic_write(str(path), b"\x00\xff\r\n", fsync=fsync)
    assert path.read_bytes() == b"\x00\xff\r\n"
    assert leftovers(tmp_path) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "review.toml"
    path.write_text("kept", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        atomic_write(path, "a lone surrogate \udc80")
    assert path.read_text(encoding="utf-8") == "kept"
    (tmp_path / "folder").mkdir()
    with pytest.raises(IsADirectoryError):  # the rename fails: the temporary file goes
        atomic_write(tmp_path / "folder", "text")
    assert leftovers(tmp_path) == []


def test_the_new_file_is_as_readable_as_one_open_creates(tmp_path):
    atomic_write(tmp_path / "a.json", "{}")
    (tmp_path / "b.json").write_text("{}")
    mode = stat.S_IMODE(os.stat(tmp_path / "a.json").st_mode)
    assert mode == stat.S_IMODE(os.stat(tmp_path / "b.json").st_mode)
