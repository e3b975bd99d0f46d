"""A run's progress on stderr, as the command line shows it.

On a terminal: a live display (rich), one bar per stage with its count, rate and time left, and
the pace of model calls with any wait the provider asked for. Otherwise (a log): one line per
finished stage and per wait of a second or more. Nothing at all before the first item is done.
"""
from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Protocol

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from .pacing import PaceStatus


class PaceSource(Protocol):
    on_hold: Callable[[float], None] | None

    def status(self) -> PaceStatus: ...


def pace_text(pace: PaceStatus | None) -> str:
    """19 req/s · rate-limited, resuming in 2 s ("" before any call was sent)."""
    parts = []
    if pace is not None and pace.requests_per_second >= 0.1:
        parts.append(f"{pace.requests_per_second:.2g} req/s" if pace.requests_per_second < 10
                     else f"{pace.requests_per_second:.0f} req/s")
    if pace is not None and pace.resume_in >= 0.5:
        parts.append(f"rate-limited, resuming in {math.ceil(pace.resume_in)} s")
    return " · ".join(parts)


class RateColumn(ProgressColumn):
    """Items a stage finishes per second, once there is a measurement."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if speed is None:
            return Text("")
        return Text(f"{speed:.1f}/s" if speed < 100 else f"{speed:.0f}/s", style="progress.data.speed")


class StageBars(Progress):
    """rich's Progress with the pace of model calls under the stage bars."""

    def __init__(self, *columns: str | ProgressColumn, footer: Callable[[], str],
                 **options: Any) -> None:
        self._footer = footer  # first: the base constructor renders once
        super().__init__(*columns, **options)

    def get_renderables(self) -> Iterable[RenderableType]:
        yield self.make_tasks_table(self.tasks)
        footer = self._footer()
        if footer:
            yield Text(footer, style="progress.data.speed")


class RunProgress:
    """The `progress` callback of a run (stage, done, total) and the pacer's `on_hold`; use as a
    context manager so a live display is closed however the run ends."""

    def __init__(self, *, live: bool, pacer: PaceSource | None = None,
                 console: Console | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.live, self.pacer, self.clock = live, pacer, clock
        self.console = console or Console(file=sys.stderr)
        self._pace: tuple[PaceStatus, float] | None = None  # the last status and when it was taken
        self._tasks: dict[str, TaskID] = {}
        self._bars = StageBars(TextColumn("{task.description:<16}"), BarColumn(),
                               MofNCompleteColumn(), RateColumn(),
                               TimeRemainingColumn(elapsed_when_finished=True),
                               footer=self._footer, console=self.console, get_time=clock,
                               redirect_stdout=False)
        self._started = False
        if pacer is not None:
            pacer.on_hold = self.held

    def __call__(self, stage: str, done: int, total: int) -> None:
        self._sample_pace()
        if not self.live:
            if done == total:  # a log: one line per finished stage
                self._line(f"{stage}: {done}/{total} done")
            return
        if stage not in self._tasks:
            self._tasks[stage] = self._bars.add_task(stage, total=total)
        self._bars.update(self._tasks[stage], total=total, completed=done)
        if not self._started:  # the first item is done: only now is there anything to show
            self._bars.start()
            self._started = True

    def held(self, seconds: float) -> None:
        """The provider asked every request to wait `seconds`."""
        self._sample_pace()
        if not self.live and seconds >= 1:
            self._line(f"rate-limited by the provider, resuming in {math.ceil(seconds)} s")

    def _line(self, text: str) -> None:
        print(text, file=self.console.file, flush=True)

    def _sample_pace(self) -> None:
        # Taken here, on the run's own thread; the display's refresh thread only reads the copy.
        if self.pacer is not None:
            self._pace = (self.pacer.status(), self.clock())

    def _footer(self) -> str:
        if self._pace is None:
            return ""
        status, taken = self._pace
        return pace_text(PaceStatus(status.requests_per_second,
                                    status.resume_in - (self.clock() - taken)))

    def close(self) -> None:
        if self._started:
            self._bars.stop()
            self._started = False

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
