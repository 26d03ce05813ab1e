"""What a long ingest says where no progress bar can be drawn, and before it starts on a very large file.

On a terminal, ingest draws rich bars (ingest._progress). Piped to a log (`assistant ingest huge.md > log 2>&1`,
nohup, CI) it printed nothing at all: a 3.2 MB file of 3,000 sections ran for 14 minutes in silence before its user
killed it (blind QA s8 §14). Off a terminal a line now says how far it is every PERIOD seconds, with the time left at
the pace so far; an ingest done within the first period (the usual few sections) prints nothing, so logs and the
one-line error tests stay as they were. The lines cost a clock read per batch: ingest is no slower.

A file larger than the web upload's limit (MAX_BYTES, which uploads.py enforces) gets a warning with a rough estimate
before its first batch. A warning, not the upload's refusal: at the command line the user chose the file and can
watch it or stop it, and stopping loses nothing (ingest is crash-consistent: the next one carries on).
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Callable, TextIO

if TYPE_CHECKING:
    from assistant.notes.corpus import Corpus
    from assistant.retrieval.sync import Plan

MAX_BYTES = 2 * 1024 * 1024  # the shipped notes are 36 KB for 20 questions; 2 MB is over a thousand questions
PERIOD = 10.0  # seconds between two progress lines off a terminal
# Measured on the 2-core development machine (load 1.5–3, other jobs running): 200 sections of huge.md, 218 KB, took
# 112 s to embed into both collections (e5 and USE) and write: about 1 KB of notes per second per core. The estimate
# is only a hint; the progress lines then give the time left at the pace actually reached.
BYTES_PER_CORE_SECOND = 1000.0


def size_of(n: int) -> str:
    """A file size as messages show it: '3.1 MB', '36 KB'."""
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def duration(seconds: float) -> str:
    """'45 s', '3 min', '1 h 5 min'."""
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def large_file_warnings(corpus: Corpus, todo: Plan, cores: int | None = None) -> list[str]:
    """One warning per notes file of `corpus` over MAX_BYTES that has sections in `todo` (a collection's plan), with
    the time embedding all of `todo` should take at the measured pace; [] when there is no such file."""
    sections: dict[str, set[str]] = {}
    for chunk in todo.upsert:
        sections.setdefault(chunk.question.file, set()).add(chunk.question.uid)
    big = {path: size for path in corpus.parsed if path in sections and (size := os.path.getsize(path)) > MAX_BYTES}
    if not big:
        return []
    to_embed = sum(len(c.text.encode("utf-8")) for c in todo.upsert)
    estimate = to_embed / (BYTES_PER_CORE_SECOND * (cores or os.cpu_count() or 1))
    return [f"{os.path.basename(path)} is {size_of(size)}, more than the {size_of(MAX_BYTES)} the web app takes: "
            f"{len(sections[path]):,} section(s) to embed, roughly {duration(estimate)} on this machine (stopping "
            "loses nothing: the next ingest carries on)" for path, size in big.items()]


class LineProgress:
    """`update(done)` as the chunks are written; a line on `out` every `period` seconds, then one at the end if any
    was printed. `clock` is injectable so the pacing can be checked without waiting."""

    def __init__(self, total: int, what: str = "chunks", out: TextIO | None = None, period: float = PERIOD,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.what, self.out, self.period, self.clock = total, what, out or sys.stderr, period, clock
        self.started = self.last = clock()
        self.done, self.printed = 0, False

    def update(self, done: int) -> None:
        """Record progress; print a line when a period has passed since the last one."""
        self.done = done
        now = self.clock()
        if now - self.last >= self.period and done < self.total:
            self.last = now
            self._line(now)

    def finish(self) -> None:
        """The closing line, when the ingest was long enough to print any."""
        if self.printed:
            took = self.clock() - self.started
            print(f"embedded {self.done:,}/{self.total:,} {self.what} in {duration(took)}", file=self.out, flush=True)

    def _line(self, now: float) -> None:
        took = now - self.started
        left = f", about {duration(took / self.done * (self.total - self.done))} left" if self.done else ""
        share = self.done / self.total if self.total else 1.0
        print(f"embedding: {self.done:,}/{self.total:,} {self.what} ({share:.0%}) in {duration(took)}{left}",
              file=self.out, flush=True)
        self.printed = True


def line_progress(show: bool, total: int, what: str = "chunks") -> LineProgress | None:
    """Progress lines for an ingest that shows progress (`show`) off a terminal; None on one (it draws bars)."""
    if not show or total == 0 or sys.stderr.isatty():
        return None
    return LineProgress(total, what)
