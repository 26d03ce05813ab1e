"""What the chat keeps on the server per page load: the browser id it gave the page, and whether the page has asked.

A page's conversations belong to a random id kept in its browser's localStorage (conversations.py). A new browser
has none, and the first event to see that gives it one. The page's load event (listing its conversations) and a
question sent before that load finished both saw no id and each made its own (blind QA): the answer was saved
under the question's id, the load's id reached localStorage last, and after a reload the conversation was neither
listed nor reopened; and a load that finished after the answer replaced the chat with its empty one. So an id made
for a page is kept here under Gradio's session hash (one per page load) and every event of that page gets the same
one, and a load that finishes after the page asked leaves the chat and the list to that question's events.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from assistant.chats.store import new_browser_id

# Pages remembered at once. An entry matters only until the page's load has put the id in its localStorage (well
# under a second); the least recently used are forgotten first, so memory stays bounded however many pages open.
LIMIT = 4096


class PageSessions:
    """Per page load (Gradio session hash): the browser id made for it and whether it has sent a question."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._pages: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()  # events of one page run in several worker threads at once
        self._limit = limit

    def browser_id(self, session: str) -> str:
        """The id to give a browser without one: the same for every event of page `session` ('' : a new one)."""
        if not session:
            return new_browser_id()
        with self._lock:
            page = self._page(session)
            page.setdefault("id", new_browser_id())
            return page["id"]

    def asked(self, session: str) -> None:
        """Page `session` sent a question (its answer and the list are now that event's to show)."""
        if session:
            with self._lock:
                self._page(session)["asked"] = True

    def answering(self, session: str, question: str) -> None:
        """Page `session` is being answered `question` (what Stop puts back in the box); a new answer is not stopped."""
        if session:
            with self._lock:
                self._page(session).update(question=question, stopped=False)

    def stop(self, session: str) -> str:
        """The page's Stop button: its answer is to be dropped, not finished (web/busy.py); returns the question."""
        with self._lock:
            page = self._page(session) if session else {}
            page["stopped"] = True
            return page.get("question", "")

    def stopped(self, session: str) -> bool:
        with self._lock:
            return bool(session) and bool(self._pages.get(session, {}).get("stopped"))

    def has_asked(self, session: str) -> bool:
        with self._lock:
            return bool(session) and bool(self._pages.get(session, {}).get("asked"))

    def _page(self, session: str) -> dict:
        page = self._pages.setdefault(session, {})
        self._pages.move_to_end(session)
        while len(self._pages) > self._limit:
            self._pages.popitem(last=False)
        return page
