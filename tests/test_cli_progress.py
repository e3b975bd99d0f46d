"""Progress as a user sees it on stderr: a live display with rate and time left on a terminal,
one line per finished stage in a log, and nothing at all before any work was done."""
from __future__ import annotations

import io
import sys

import pytest
from rich.console import Console

from checker.cli import main
from checker.cli_progress import RunProgress, pace_text
from checker.pacing import PaceStatus


class SteadyPacer:
    """What a Pacer reports while the provider has asked for a wait."""

    on_hold = None

    def status(self) -> PaceStatus:
        return PaceStatus(19.2, 1.6)


def terminal() -> Console:
    return Console(file=io.StringIO(), force_terminal=True, width=100, color_system=None)


def test_a_terminal_gets_each_stages_count_rate_and_time_left_and_the_pace():
    now = [0.0]
    console = terminal()
    with RunProgress(live=True, pacer=SteadyPacer(), console=console, clock=lambda: now[0]) as progress:
        for done in range(1, 5):
            now[0] += 2.0  # one extraction every two seconds
            progress("extract", done, 10)
        progress("verify", 1, 3)
    last = console.file.getvalue().split("\x1b[2K")[-1]  # the final frame
    extract = next(line for line in last.splitlines() if line.startswith("extract"))
    assert extract.split()[-3:] == ["4/10", "0.5/s", "0:00:12"]  # six left at 0.5/s: 12 s
    assert "verify" in last and "1/3" in last
    assert "19 req/s · rate-limited, resuming in 2 s" in last


def test_a_log_gets_one_line_per_finished_stage_and_per_wait():
    log = Console(file=io.StringIO())
    progress = RunProgress(live=False, pacer=SteadyPacer(), console=log)
    for done in (1, 2):
        progress("extract", done, 2)
    progress("verify", 1, 3)
    progress.held(0.4)  # too short to mention
    progress.held(1.2)
    progress.close()
    assert log.file.getvalue() == ("extract: 2/2 done\n"
                                   "rate-limited by the provider, resuming in 2 s\n")


def test_the_pace_reads_in_requests_per_second_and_names_any_wait():
    assert pace_text(PaceStatus(19.2, 1.6)) == "19 req/s · rate-limited, resuming in 2 s"
    assert pace_text(PaceStatus(2.5, 0.0)) == "2.5 req/s"
    assert pace_text(PaceStatus(0.0, 0.0)) == pace_text(None) == ""  # nothing sent: no pace


@pytest.mark.parametrize("on_a_terminal", [False, True], ids=["log", "terminal"])
def test_nothing_is_shown_before_work_starts(on_a_terminal, tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a", "b", "c"):
        (corpus / f"{name}.txt").write_text(f"Officials met on Monday in {name}.", encoding="utf-8")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: on_a_terminal)
    code = main(["report", str(corpus), "--mode", "record", "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == ("checker: error: OPENAI_API_KEY is not set: live model calls need it (or use "
                   "--mode replay with a recorded cassette)\n")
