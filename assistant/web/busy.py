"""The chat while an answer is written: Send greyed as "Answering…", a Stop button, and a question typed meanwhile kept.

Blind QA (a slow local model): the page showed no sign of work but an empty answer for minutes, and three questions
sent meanwhile were ignored without a word (Gradio runs one answer per page at a time: chat.py's "once"). Now every
answering event's updates carry the two buttons: the first greys Send and shows Stop, the last gives Send back
(`while_answering`). Enter while an answer is written still sends nothing, and a line under the box says the question
waits there (`waiting_note`). Stop (`ChatPage` wires it, with `cancels`) drops the answer: the chat shows the
conversation as it was, the question goes back into the box unless another was typed, nothing is saved, and the
model's stream is closed (the cancelled exchange leaves it to `unfinished.finish_later`, which sees the stop).
"""

# No `from __future__ import annotations`: Gradio reads the `gr.Request` hint of the Stop handler at run time (as a
# string it passed no request, so Stop never found the page's question).
from typing import Any, Iterable, Iterator

ANSWERING = "Answering…"
SEND = "Send"
STOPPED = "Stopped: the answer was dropped and your question is back in the box."
WAITING = "Still answering the last question: yours stays in the box; send it when the answer is done, or press Stop."


def buttons(busy: bool) -> tuple[Any, Any]:
    """Updates of (Send, Stop): greyed "Answering…" and Stop shown while `busy`, else Send back and Stop hidden."""
    import gradio as gr

    from assistant.web.base import shown

    # Wider while busy, so "Answering…" is not clipped; idle, the box keeps the row (web layout test).
    if busy:
        return gr.update(value=ANSWERING, interactive=False, min_width=112), shown(True)
    return gr.update(value=SEND, interactive=True, min_width=72), shown(False)


def while_answering(updates: Iterable[tuple], width: int, resend: tuple[int, ...] = (1, 7)) -> Iterator[tuple]:
    """An answering event's updates (each `width` outputs long) with the buttons busy, then one giving Send back.
    A cancelled event ends at its last yield: whoever cancelled it gives the buttons back (Stop, New chat, …).
    The outputs at `resend` get their last value again in that update. The BrowserState (7): Gradio fails on a skip
    sent to a BrowserState that this event has already set ("BrowserState.__init__() got an unexpected keyword 'id'").
    The chatbot (1): Gradio streams each output as edits of its previous value and sends whole values only in the
    event's closing message, which holds the last update; with the chatbot skipped there, a page could keep showing
    an answer without the notice appended at its end (the browser test after a reload test: 3 failures in 3 runs
    before, 2 passes in 2 after). It was not the whole cause: a chat stuck on "…" was still seen now and then, when the
    same update also showed Stop by Gradio's `visible` (now a CSS class: base.OFF says why)."""
    import gradio as gr

    busy = buttons(True)
    last: dict[int, Any] = {}
    for update in updates:
        last.update((i, update[i]) for i in resend if not _skipped(update[i]))
        yield (*update, *busy)
    yield (*(last.get(i, gr.skip()) for i in range(width)), *buttons(False))


def _skipped(value: Any) -> bool:
    """Whether an output value is gr.skip() (an update changing nothing)."""
    return isinstance(value, dict) and value.get("__type__") == "update" and len(value) == 1


def waiting_note(busy_label: str | None, question: str):
    """The line under the box when Enter is pressed while an answer is written (Send shows `busy_label`); else
    nothing changes (the answer's own event writes that line)."""
    import gradio as gr

    from assistant.web.chat import notice_html

    return notice_html(WAITING) if busy_label == ANSWERING and (question or "").strip() else gr.skip()


def wire_stop(page, events: list) -> None:
    """Stop (cancels the answering `events`), the waiting note on Enter, and Send given back by whatever else cancels
    them (New chat, opening or deleting a conversation)."""
    import gradio as gr

    from assistant.web.base import page_session
    from assistant.web.chat import QUIET, display, notice_html
    from assistant.web.chat_turns import feedback_values
    from assistant.web.html import sources_panel, which_answer

    saved = page.saved

    def stop(typed: str, history: list, turns: list, request: gr.Request):
        asked = saved.sessions.stop(page_session(request))  # before the cancelled exchange decides to keep it
        history, turns = list(history or []), list(turns or [])
        panel = which_answer(turns[-1]["panel"], len(turns) - 1, len(turns)) if turns else sources_panel()
        chat = gr.update(value=display(history, turns), feedback_value=feedback_values(turns))
        return ((typed if (typed or "").strip() else asked), chat, panel, notice_html(STOPPED), *buttons(False))

    page.stop.click(stop, [page.question, page.history, page.turns],
                    [page.question, page.chatbot, page.panel, page.problem, page.send, page.stop],
                    cancels=events, **QUIET)
    page.question.submit(waiting_note, [page.send, page.question], [page.problem], queue=False, **QUIET)
    for cancelling in (page.clear.click, page.chatbot.clear, saved.chat_list.input, saved.confirm.click):
        cancelling(lambda: buttons(False), None, [page.send, page.stop], queue=False, **QUIET)
