"""Chat turns and saved messages: each exchange saved when its answer completes, and a saved chat turned back into turns.

A mixin of `conversations.Conversations` (kept apart so the sidebar's module stays small).
`exchange` and `regenerate` wrap `ChatPage.respond` (the streaming turn logic, unchanged) and
store the finished answer with its sources record; a refused or failed turn is never saved,
as it is not in the history either. `rebuild` is the way back: a saved conversation's messages
become the history and per-answer turns the chat keeps, each sources panel rendered from its
saved record, so a reopened answer shows what was shown live. The thumbs given stay on screen
when the chatbot's value changes (a new value alone would reset them).
"""

from __future__ import annotations

from typing import Any

from assistant.chats.store import ChatStore, owner_of
from assistant.errors import UserError, first_line
from assistant.web.html import sources_panel, which_answer

FEEDBACK = {"up": "Like", "down": "Dislike"}  # our rating → the chatbot's feedback option


def rebuild(messages: list[dict]) -> tuple[list[dict], list[dict]]:
    """(history, turns) of a saved conversation, as the chat keeps them: each answer's sources panel rebuilt
    from its saved record, its question, standalone question, message id and rating."""
    history: list[dict] = []
    turns: list[dict] = []
    asked = ""
    for m in messages:
        if m["role"] == "user":
            asked = m["content"]
            continue
        record = m.get("sources") or {}
        history += [{"role": "user", "content": asked}, {"role": "assistant", "content": m["content"]}]
        turns.append({"panel": sources_panel(record, msg=len(turns)), "asked": asked, "standalone": m.get("standalone", ""),
                      "record": record, "id": m["id"], "rating": m.get("rating", "none")})
        asked = ""
    return history, turns


def feedback_values(turns: list[dict]) -> list:
    """The chatbot's per-answer feedback state ('Like', 'Dislike' or None) from the turns' ratings."""
    return [FEEDBACK.get(t.get("rating", "none")) for t in turns]


def with_feedback(update: tuple, turns: list[dict]) -> tuple:
    """A respond() update whose chatbot value keeps the thumbs already given (a new value would reset them)."""
    import gradio as gr

    if not isinstance(update[1], list):
        return update
    chat = gr.update(value=update[1], feedback_value=feedback_values(turns))
    return (update[0], chat, *update[2:])


def answered(final: tuple | None, length: int) -> bool:
    """Whether respond()'s last update is a completed answer: its history has `length` messages."""
    return final is not None and isinstance(final[3], list) and len(final[3]) == length


class SavedTurns:
    """Saving exchanges and regenerated answers (needs `self.page` and `self.ctx`)."""

    page: Any  # the ChatPage (its respond)
    ctx: Any  # the WebContext (settings)
    sessions: Any  # the PageSessions (browser ids made per page load)

    def exchange(self, question, history, k, mode, turns, conv, browser, user: str = "", session: str = ""):
        """ChatPage.respond, saving the exchange when its answer completes; yields respond's updates plus
        (open conversation, browser state). Closed before that (the page was reloaded or closed, or another event
        cancelled it), the exchange is saved all the same and its answer finished on the server (web/unfinished.py).
        `session` is the page load's session hash: a browser without an id gets the one its page load gets."""
        import gradio as gr

        history, turns = list(history or []), list(turns or [])
        given = browser.get("id") if isinstance(browser, dict) else None
        browser, _ = self._who(browser, user, session)  # sent before the page's load finished: the load's id
        # An id made here goes to localStorage with the first update, not with the saved answer: the answer is saved
        # under it even when the page is reloaded before it completes (web/unfinished.py), and a load that finishes
        # after the question leaves the browser state to it, so that reload lost the conversation (CI, 2026-12-05).
        # Sent on every update once set: Gradio fails on a skip sent to a BrowserState this event has set (busy.py).
        state = browser if browser.get("id") != given else gr.skip()
        if (question or "").strip():  # Enter in an empty box answers nothing: the load may still show the last chat
            self.sessions.asked(session)
            self.sessions.answering(session, question.strip())
        final = None
        live: list = []  # the answer stream, while it is good
        try:
            for update in self.page.respond(question, history, k, mode, turns, live):
                final = update
                yield (*with_feedback(update, turns), gr.skip(), state)
        except GeneratorExit:
            if live:
                from assistant.web.unfinished import finish_later

                def save(conv, answer: str, turn: dict, replaces):
                    nonlocal browser  # a browser given its id by the first save keeps it for the second
                    conv, browser, problem = self._save(conv, browser, user, question.strip(), answer, turn, replaces)
                    return conv, problem

                finish_later(live[0], save, conv, complete=answered(final, len(history) + 2),
                             stopped=lambda: self.sessions.stopped(session))
            raise
        if not answered(final, len(history) + 2):  # refused, empty or failed: nothing to save (nor in the history)
            return
        assert final is not None
        yield self._saved(final, conv, browser, user, question.strip(), None)

    def regenerate(self, history, turns, conv, k, mode, browser, user: str = ""):
        """Answer the last question again; the new answer replaces the old one (kept in the database as superseded).
        On failure the old answer stays. Closed before it completes (the page was reloaded or closed, or another
        event cancelled it), the new answer is saved and finished on the server like an exchange's (web/unfinished.py)."""
        import gradio as gr

        history, turns = list(history or []), list(turns or [])
        if len(history) < 2 or not turns:
            yield (gr.skip(),) * 8
            return
        from assistant.web.chat import display

        question, old = history[-2]["content"], turns[-1]
        final = None
        live: list = []  # the new answer's stream, while it is good
        try:
            for update in self.page.respond(question, history[:-2], k, mode, turns[:-1], live):
                final = update
                yield (gr.skip(), *with_feedback(update, turns[:-1])[1:], gr.skip(), gr.skip())  # the box is left as is
        except GeneratorExit:  # the page went away mid-answer: kept and finished as an interrupted exchange is
            complete = answered(final, len(history))
            same = complete and final is not None and final[3][-1]["content"] == history[-1]["content"]
            if live and old.get("id") is not None and not same:  # the same answer again: the saved one stays
                from assistant.web.unfinished import finish_later

                def save(conv, answer: str, turn: dict, replaces):
                    conv, _, problem = self._save(conv, browser, user, question, answer, turn, replaces)
                    return conv, problem

                finish_later(live[0], save, conv, complete=complete, replaces=old["id"])
            raise
        if not answered(final, len(history)):  # the old answer comes back, with the problem under the box
            problem = final[5] if final is not None else ""
            chat = gr.update(value=display(history, turns), feedback_value=feedback_values(turns))
            yield (gr.skip(), chat, which_answer(old["panel"], len(turns) - 1, len(turns)), history, turns, problem,
                   gr.skip(), gr.skip())
            return
        assert final is not None
        if final[3][-1]["content"] == history[-1]["content"]:
            # An extractive answer is the same sentences every time: keep the saved one (and its thumbs) rather
            # than store a copy that supersedes it, and say why nothing changed.
            from assistant.web.chat import SAME_AGAIN, display, notice_html

            kept = [dict(t) for t in final[4]]
            kept[-1].update(id=old.get("id"), rating=old.get("rating", "none"))
            # Rendered as every chat value is (display: safe Markdown, [n] linked to its source card), not raw history.
            chat = gr.update(value=display(final[3], kept), feedback_value=feedback_values(kept))
            yield (gr.skip(), chat, gr.skip(), gr.skip(), kept, notice_html(SAME_AGAIN), gr.skip(), gr.skip())
            return
        yield self._saved(final, conv, browser, user, question, old.get("id"))

    def _saved(self, final: tuple, conv, browser, user: str, question: str, replaces) -> tuple:
        """The last update of a completed answer: saved (a new exchange, or replacing answer `replaces`),
        the turns with its message id, a problem line if saving failed, the open conversation and browser."""
        import gradio as gr

        new_turns = [dict(t) for t in final[4]]
        conv, browser, problem = self._save(conv, browser, user, question, final[3][-1]["content"], new_turns[-1],
                                            replaces)
        return (gr.skip(),) * 4 + (new_turns, problem or gr.skip(), conv, browser)

    def _save(self, conv, browser, user: str, question: str, answer: str, turn: dict, replaces):
        """Store an exchange (or a regenerated answer); sets turn['id']. Returns (conv, browser, problem html)."""
        from assistant.web.chat import problem_html

        browser, owner = self._who(browser, user)
        try:
            with self._store(owner) as store:
                if replaces is not None and store.conversation(conv) is not None:
                    turn["id"] = store.replace_answer(int(replaces), answer, turn.get("record", {}), turn.get("standalone", ""))
                else:
                    conv, turn["id"] = store.add_exchange(conv, question, answer, turn.get("record", {}),
                                                          turn.get("standalone", ""))
        except UserError as exc:  # the answer is shown; only saving failed
            return conv, browser, problem_html(f"This answer could not be saved: {first_line(exc, 300)}")
        turn["rating"] = "none"
        browser["open"] = conv
        return conv, browser, ""

    def _who(self, browser: dict | None, user: str, session: str = "") -> tuple[dict, str]:
        """(browser state, owner): a browser without a valid id gets one here (it is saved by the caller's output),
        the same for every event of page load `session` (web/page_sessions.py)."""
        browser = dict(browser) if isinstance(browser, dict) else {}  # localStorage is the browser's to change
        owner = owner_of(user, browser.get("id"))
        if owner is None:
            browser["id"] = self.sessions.browser_id(session)
            owner = owner_of(user, browser["id"])
        assert owner is not None
        return browser, owner

    def _store(self, owner: str) -> ChatStore:
        return ChatStore(self.ctx.settings.db_path, owner)
