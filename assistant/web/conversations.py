"""The Chat tab's saved conversations: the sidebar list, open, rename, delete, export, feedback, regenerate.

Everything is stored by `chats.store.ChatStore`; this module only turns events into its calls
and its rows back into component values. Whose conversations they are is decided per event:
the signed-in user under `assistant web --auth` (gr.Request.username), else a random id kept
in the browser's localStorage (gr.BrowserState), so each browser has its own list and a reload
reopens the conversation that was open. Every exchange is saved the moment its answer completes;
an exchange that failed is not saved (it is not in the history either). Handlers are plain
methods of values (the gr.Request is read for its username only), unit-testable without a browser.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import cached_property
from pathlib import Path

from assistant.chats.export import file_name, markdown
from assistant.chats.store import ChatStore
from assistant.errors import UserError, first_line
from assistant.web.base import OFF, download_folder, shown
from assistant.web.chat_turns import SavedTurns, feedback_values, rebuild
from assistant.web.html import escape, sources_panel, status_line, which_answer
from assistant.web.page_sessions import PageSessions

# The browser id is not a secret from its own browser (Gradio ships the BrowserState key to the page), so a
# fixed key only has to be stable: a random one per start would lose every browser's conversations on restart.
STORAGE_KEY, STORAGE_SECRET = "dl-assistant-chats", "dl-assistant-chats-v1"
EMPTY_LIST = "No saved conversations yet: each answered question is saved here."


def status_html(message: str = "", ok: bool = True) -> str:
    """A one-line status under the conversation actions ('' hides it)."""
    return status_line("chat-status", message, ok, mark=False)


class Conversations(SavedTurns):
    """The saved-conversation parts of the Chat tab (rendered and wired by ChatPage)."""

    def __init__(self, page) -> None:
        self.page, self.ctx = page, page.ctx
        self.sessions = PageSessions()

    # -- layout ---------------------------------------------------------------------------------
    def render_state(self) -> None:
        """The open conversation (per session) and the browser's id and last open conversation (localStorage)."""
        import gradio as gr

        self.conv = gr.State(None)
        self.browser = gr.BrowserState({"id": "", "open": None}, storage_key=STORAGE_KEY, secret=STORAGE_SECRET)
        self.feedback_target = gr.State(None)  # the message id a thumbs-down reason is for

    def render_sidebar(self) -> None:
        """Inside a gr.Sidebar: the list (newest first), then actions on the open conversation."""
        import gradio as gr

        self.who = gr.HTML("", elem_id="chat-user", padding=False)
        self.chat_list = gr.Radio([], label="Your conversations", info="Newest first", elem_id="chat-list")
        self.empty = gr.Markdown(EMPTY_LIST, elem_id="chat-list-empty")
        with gr.Column(elem_id="chat-actions", elem_classes=[OFF]) as self.actions:
            with gr.Row(equal_height=True):
                self.title = gr.Textbox(label="Title of this conversation", max_lines=1, elem_id="chat-title", scale=3)
                self.rename = gr.Button("Rename", size="sm", elem_id="chat-rename", scale=1, min_width=70)
            with gr.Row():
                self.export = gr.DownloadButton("Export .md", size="sm", elem_id="chat-export", min_width=90)
                self.delete = gr.Button("Delete…", size="sm", variant="stop", elem_id="chat-delete", min_width=90)
            with gr.Column(elem_id="chat-confirm", elem_classes=[OFF]) as self.confirm_box:
                self.confirm_text = gr.Markdown("")
                with gr.Row():
                    self.confirm = gr.Button("Delete for good", size="sm", variant="stop", elem_id="chat-delete-confirm")
                    self.cancel = gr.Button("Cancel", size="sm", elem_id="chat-delete-cancel")
        self.status = gr.HTML("", elem_id="chat-status", padding=False)

    def render_feedback(self) -> None:
        """Under the chat: the optional reason after a thumbs-down."""
        import gradio as gr

        with gr.Row(elem_id="feedback-row", elem_classes=[OFF]) as self.reason_row:
            self.reason = gr.Textbox(label="What was wrong with this answer? (optional)", max_lines=3, scale=4,
                                     elem_id="feedback-reason", placeholder="e.g. cites the wrong question, misses a point")
            self.reason_save = gr.Button("Send feedback", scale=1, min_width=150, elem_id="feedback-save")
        self.feedback_note = gr.HTML("", elem_id="feedback-note", padding=False)

    @property
    def sidebar_outputs(self) -> list:
        return [self.chat_list, self.empty, self.actions, self.title, self.export, self.browser, self.status]

    @property
    def view_outputs(self) -> list:
        p = self.page
        return [self.conv, p.history, p.turns, p.chatbot, p.panel, p.problem]

    # -- handlers -------------------------------------------------------------------------------
    def on_load(self, browser: dict | None, user: str = "", session: str = ""):
        """A browser opened the app: give it an id if it has none, list its conversations, reopen the last one.
        If the page sent a question before this finished, the chat and the list are left to that question's events
        (its answer would be replaced by an empty chat): every output is skipped."""
        import gradio as gr

        browser, _ = self._who(browser, user, session)  # a browser without a valid id gets one (saved by the output)
        out = self.open(browser.get("open"), browser, user)
        # Asked last, after the database work, so a question sent while that ran is seen too.
        return (gr.skip(),) * len(out) if self.sessions.has_asked(session) else out

    @staticmethod
    def signed_in(user: str) -> str:
        """'Signed in as …' with a log-out link under `--auth` ('' without: the browser is the user)."""
        if not user:
            return ""
        # Relative link: Gradio's /logout, also behind a proxy that serves the app under a sub-path.
        return f'<div class="chat-user">Signed in as <b>{escape(user)}</b> · <a href="logout">Log out</a></div>'

    def open(self, conv_id, browser: dict | None, user: str = "", session: str = ""):
        """Show a saved conversation (its messages, sources and thumbs); unknown ids show an empty chat."""
        import gradio as gr

        browser, owner = self._who(browser, user, session)
        history: list[dict] = []
        turns: list[dict] = []
        conv_id = int(conv_id) if str(conv_id or "").isdigit() else None
        try:
            with self._store(owner) as store:
                if store.conversation(conv_id) is None:
                    conv_id = None
                else:
                    history, turns = rebuild(store.messages(conv_id))
                side = self.sidebar(conv_id, browser, user, store.notice, ok=not store.notice, store=store)
        except UserError as exc:
            conv_id = None
            side = self.sidebar(None, browser, user, first_line(exc, 300), ok=False)
        from assistant.web.chat import display

        panel = (which_answer(turns[-1]["panel"], len(turns) - 1, len(turns)) if turns else sources_panel())
        chat = gr.update(value=display(history, turns), feedback_value=feedback_values(turns))
        return (conv_id, history, turns, chat, panel, "") + side

    def sidebar(self, conv_id, browser: dict | None, user: str = "", message: str = "", ok: bool = True,
                store: ChatStore | None = None):
        """The list (newest first, the open one selected), the actions on the open conversation, the export file.
        `store` is the caller's open ChatStore, if it has one (one connection per event)."""
        import gradio as gr

        browser, owner = self._who(browser, user)
        rows, current, text = [], None, ""
        try:
            with nullcontext(store) if store is not None else self._store(owner) as store:
                rows = store.conversations()
                current = store.conversation(conv_id)
                text = markdown(current, store.messages(current["id"])) if current else ""
        except UserError as exc:
            message, ok = first_line(exc, 300), False
        path = None
        if current:
            path = self._exports / file_name(current)
            path.write_text(text, encoding="utf-8")
        browser["open"] = current["id"] if current else None
        return (gr.update(choices=[(r["title"], str(r["id"])) for r in rows], value=str(current["id"]) if current else None),
                shown(not rows), shown(current is not None),
                current["title"] if current else "", gr.update(value=str(path) if path else None),
                browser, status_html(message, ok))

    def rename_to(self, conv_id, title: str, browser: dict | None, user: str = ""):
        """Rename the open conversation; an empty or over-long title is a one-line message (nothing changes)."""
        browser, owner = self._who(browser, user)
        if conv_id is None:
            return self.sidebar(None, browser, user, "Ask a question first: a conversation is saved with its first answer.", ok=False)
        try:
            with self._store(owner) as store:
                new = store.rename(int(conv_id), title)
        except UserError as exc:
            out = list(self.sidebar(conv_id, browser, user, first_line(exc, 300), ok=False))
            out[3] = title  # the typed title stays in the box, to be fixed
            return tuple(out)
        return self.sidebar(conv_id, browser, user, f"Renamed to “{new}”.")

    def ask_delete(self, conv_id, browser: dict | None, user: str = ""):
        """Show the confirmation (naming the conversation) before deleting."""
        browser, owner = self._who(browser, user)
        try:
            with self._store(owner) as store:
                current = store.conversation(conv_id)
        except UserError as exc:
            return shown(True), f"⚠ {escape(first_line(exc, 300))}"
        if current is None:
            return shown(False), ""
        return shown(True), f"Delete “{escape(current['title'])}” and all its messages? This cannot be undone."

    def delete_open(self, conv_id, browser: dict | None, user: str = ""):
        """Delete the open conversation (after confirmation) and show an empty chat."""
        browser, owner = self._who(browser, user)
        message, ok = "Nothing to delete.", False
        try:
            with self._store(owner) as store:
                current = store.conversation(conv_id)
                if current is not None and store.delete(current["id"]):
                    message, ok = f"Deleted “{current['title']}”.", True
        except UserError as exc:
            message = first_line(exc, 300)
        out = self.open(None, browser, user)
        return out[:-1] + (status_html(message, ok),)

    def like(self, history: list[dict], turns: list[dict], index, liked, browser: dict | None, user: str = ""):
        """A thumb on the answer at chatbot position `index`: stored at once; a thumbs-down asks for a reason.

        Returns (turns, reason row visible, reason text, feedback target, note)."""
        import gradio as gr

        i = int(index[0] if isinstance(index, (list, tuple)) else index or 0)
        j = sum(1 for m in (history or [])[:i] if m.get("role") == "assistant")
        turns = [dict(t) for t in turns or []]
        rating = "up" if liked is True else "down" if liked is False else "none"
        if not (0 <= j < len(turns)) or turns[j].get("id") is None:
            return turns, shown(False), "", None, status_html("Only saved answers can be rated.", ok=False)
        browser, owner = self._who(browser, user)
        try:
            with self._store(owner) as store:
                store.rate(turns[j]["id"], rating)
        except UserError as exc:
            return turns, shown(False), "", None, status_html(first_line(exc, 300), ok=False)
        turns[j]["rating"] = rating
        if rating == "down":
            ask = gr.update(value="", label=f"What was wrong with answer {j + 1}? (optional)")
            return turns, shown(True), ask, turns[j]["id"], status_html(f"Noted: answer {j + 1} was not helpful.")
        thanks = {"up": f"Noted: answer {j + 1} was helpful.", "none": "Your rating was taken back."}[rating]
        return turns, shown(False), "", None, status_html(thanks)

    def explain(self, target, reason: str, browser: dict | None, user: str = ""):
        """Save the reason for a thumbs-down: (reason row visible, reason text, note). The text stays on error."""
        if target is None:
            return shown(False), "", ""
        browser, owner = self._who(browser, user)
        try:
            with self._store(owner) as store:
                store.explain(int(target), reason)
        except UserError as exc:
            return shown(True), reason, status_html(first_line(exc, 300), ok=False)
        return shown(False), "", status_html("Thank you: your feedback is saved.")

    @cached_property
    def _exports(self) -> Path:
        return download_folder("chats")

