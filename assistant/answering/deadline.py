"""A model's stream read against a clock: the first piece of text, and each next one, within the timeout.

The `openai` client's timeout bounds each socket read and each attempt, not the wait for an answer: a llama.cpp
server busy reading a long prompt on a loaded machine, retried twice, then answering a token at a time, kept the web
chat on "Answering…" for eight minutes with ASSISTANT_LLM_TIMEOUT at 60 s (blind QA). Here the stream is read in a
worker thread and the caller waits on a queue with a deadline: `timeout` seconds for the first text (the client's
retries included) and `timeout` seconds between two pieces. When one passes, `NoReplyInTime` is raised (the chain
falls back to quotes with a notice) and the worker is told to close the stream at its next piece, which closes the
connection and so stops the server generating; a worker stuck in a read ends at the client's own timeout.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
_END = object()


class NoReplyInTime(TimeoutError):
    """The model sent no text within the timeout (`first`: before its first text, else between two pieces)."""

    def __init__(self, seconds: float, first: bool) -> None:
        where = "before its first words" if first else "between two pieces of its reply"
        super().__init__(f"the model sent nothing for {seconds:g} s {where}")
        self.seconds, self.first = seconds, first


def within(stream: Iterable[T], timeout: float, progress: Callable[[T], bool] = lambda _: True) -> Iterator[T]:
    """The items of `stream` (read in a worker thread), each within `timeout` seconds of the previous item that made `progress` (or of the
    start); raises NoReplyInTime otherwise, and re-raises whatever the stream raised."""
    items: queue.Queue = queue.Queue()
    stop = threading.Event()

    def read() -> None:
        iterator = iter(stream)
        try:
            for item in iterator:
                if stop.is_set():
                    break
                items.put((item, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread, which raises it
            items.put((_END, exc))
            return
        finally:
            close = getattr(iterator, "close", None)
            if stop.is_set() and close is not None:
                close()  # an abandoned stream: close its connection so the server stops generating
        items.put((_END, None))

    threading.Thread(target=read, name="llm-stream", daemon=True).start()
    first = True
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                item, error = items.get(timeout=max(deadline - time.monotonic(), 0.0))
            except queue.Empty:
                raise NoReplyInTime(timeout, first) from None
            if error is not None:
                raise error
            if item is _END:
                return
            if progress(item):  # a chunk without text (the role, an empty delta) does not reset the clock
                first = False
                deadline = time.monotonic() + timeout
            yield item
    finally:
        stop.set()
