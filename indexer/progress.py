"""Progress of long runs: a bar on a terminal, a plain line every few seconds in a pipe."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn


class LineProgress:
    """Counts lines read from a feed of known size and shows how far it has got."""

    PLAIN_INTERVAL = 5.0

    def __init__(self, label: str, total_lines: int | None, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total_lines
        self.stream = stream or sys.stderr
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.last_plain = time.monotonic()

    def __enter__(self) -> LineProgress:
        if self.stream.isatty():
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,} 行"),
                TimeRemainingColumn(),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=self.total)
        return self

    def advance_to(self, line_no: int) -> None:
        """Report that lines up to `line_no` have been read."""
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=line_no)
            return
        now = time.monotonic()
        if now - self.last_plain >= self.PLAIN_INTERVAL:
            self.last_plain = now
            share = f"（{line_no / self.total:.0%}）" if self.total else ""
            print(f"{self.label}: 已读 {line_no:,} 行{share}", file=self.stream, flush=True)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()
