"""Answers whose page went away while they streamed: kept at once, then finished on the server and saved.

Gradio closes an event's generator when its browser disconnects (a reload, a closed tab) or when another event
cancels it (New chat, opening a saved chat). An exchange used to be saved only when its answer completed, so a
reload mid-stream lost the question and the half-written answer, and the abandoned LangChain stream, closed by
the garbage collector, printed "Exception ignored in: <generator object RunnableSequence._transform …>" with a
connection error. Now the question and what was written so far are saved at once (marked unfinished, so a
reload lists the conversation), and a background thread reads the rest of the same stream (no second model call)
and saves the finished answer in its place, as a regenerated answer replaces the old one. A stream that fails
after that keeps the unfinished answer; nothing is raised into a closing generator.

A regenerated answer whose page went away is kept the same way (blind QA: it was dropped, so the page showed the
new answer half-written and the reloaded chat the old one): what it has so far replaces the old answer at once,
marked unfinished, the old one kept as superseded as when a regenerate completes, and the finished one replaces it.

An unfinished answer's sources panel shows the sections its text cites so far, or those it was given
(`interrupted_sources`): it said "The answer cites no section of the notes", as the chain reports citations at the end.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

log = logging.getLogger(__name__)
STOP_WAIT = 1.5  # seconds a closed answer waits for a Stop that may arrive after the cancel, before it is kept
UNFINISHED = "Unfinished: the page was reloaded or closed while this answer was being written."

# save(conversation, answer, turn, replaces) → (conversation, problem html or ''); sets turn["id"] (SavedTurns._save).
Save = Callable[[Any, str, dict, Any], tuple[Any, str]]


def finish_later(stream, save: Save, conv, complete: bool = False, replaces=None,
                 stopped: Callable[[], bool] | None = None) -> threading.Thread:
    """Save the answer `stream` is writing in conversation `conv` (None: a new one), from a thread: at once if it is
    `complete`, else what it has so far, marked unfinished, and then the finished answer in its place. `replaces` is
    the id of the answer a regenerated one takes the place of (None: a new exchange). When `stopped()` turns true
    within STOP_WAIT seconds (the user pressed Stop: web/busy.py) the stream is closed and nothing is saved."""
    thread = threading.Thread(target=_finish, args=(stream, save, conv, complete, replaces, stopped),
                              name="finish-answer", daemon=True)
    thread.start()
    return thread


def _finish(stream, save: Save, conv, complete: bool, replaces, stopped: Callable[[], bool] | None = None) -> None:
    from assistant.chats.record import answer_record, interrupted_record

    # Stop cancels the answer's event and says so in a call of its own; the two reach the server in either order.
    if not complete and stopped is not None and _waited(stopped, STOP_WAIT):
        stream.close()  # the model's connection too, so the server stops writing
        return

    if not complete:  # kept before the rest is read: a reload meanwhile lists it, and a failure below keeps it
        partial = stream.snapshot()  # its panel shows the sources its text cites so far (chats.record)
        turn = {"record": interrupted_record(partial, stream.retrieved), "standalone": partial.standalone}
        conv, problem = save(conv, f"{partial.answer}\n\n⚠ {UNFINISHED}".strip(), turn, replaces)
        if problem:
            log.warning("an unfinished answer whose page went away was not saved: %s", problem)
            return
        replaces = turn["id"]
    try:
        result = stream.result()
    except Exception:  # the model failed after the page left: the unfinished answer stays, as saved
        log.warning("an answer whose page went away could not be finished", exc_info=True)
        return
    _, problem = save(conv, result.answer, {"record": answer_record(result), "standalone": result.standalone}, replaces)
    if problem:
        log.warning("an answer whose page went away was not saved: %s", problem)


def _waited(done: Callable[[], bool], seconds: float) -> bool:
    """Whether `done()` turns true within `seconds`."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def interrupted_sources(record: dict, msg: int = 0) -> str:
    """The sources panel's body for an unfinished answer (`chats.record.interrupted_record`): the sections its text
    cites so far, else the sections it was given, else that it was cut off before them; never "cites no section"."""
    from assistant.web.html import pointer_list, source_list

    said = '<div class="src-empty">This answer was interrupted (its page was reloaded or closed)'
    if record.get("retrieving"):
        return f"{said} before its sources were found.</div>"
    if sources := record.get("sources"):
        return f"{said}: the sections it cites so far.</div>{source_list(sources, msg)}"
    if record.get("uncited"):
        return f"{said} before it cited a section. The sections it was given:</div>{pointer_list(record['uncited'])}"
    return f"{said} before it cited a section.</div>"
