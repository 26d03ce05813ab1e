"""The Chat tab: streamed, cited answers with a sources panel, multi-turn follow-ups, and the `/ask` API.

Thin UI over `Assistant.stream()`: the conversation lives in a per-session gr.State as the plain [{"role", "content"}]
history the core expects (never in module globals), and the chatbot shows a safe rendering of it (html.chat_markdown).
The sources panel is our own escaped HTML (html.sources_panel) of the answer's saved record (chats.record). Saved
conversations (sidebar, rename, delete, export, feedback, regenerate) are `conversations.py`; the answering state
(Send greyed, Stop) is `busy.py`; this module lays the tab out and wires the events.
"""

# No `from __future__ import annotations` here: Gradio reads the `gr.SelectData` hint of the
# example handler at run time, so annotations must be real objects.
import logging
from typing import Any

from assistant.chats.record import answer_record
from assistant.service import MAX_QUESTION_CHARS
from assistant.web.base import OFF, Page, shown
from assistant.web.busy import while_answering, wire_stop
from assistant.web.chat_js import CLOSE_SIDEBAR_ON_PHONE, START_OF_LONG_ANSWER
from assistant.web.html import chat_markdown, escape, interpreted_as, link_citations, sources_panel, weak_line, which_answer

EXAMPLES = [
    "什么是梯度爆炸？",
    "如何修复梯度爆炸问题？",
    "GRU对LSTM做了哪些改动？",
    "神经网络中有哪些办法防止过拟合？",
]

# The page's own events are not an API (they carry browser state): hidden from the API page and client libraries.
# The API is `/ask` (gr.api below).
UI = "private"
log = logging.getLogger(__name__)
QUIET: dict[str, Any] = {"show_progress": "hidden", "api_visibility": UI}  # the chat's own events: no spinner, no API


def display(history: list[dict], turns: list[dict] | None = None) -> list[dict]:
    """The chatbot value for a history: same turns, content made safe for Markdown rendering.

    The j-th answer's `[n]` link to its source cards (`#src-<j>-<n>`), and `turns[j]` (the
    per-answer record: sources panel, typed and standalone question) adds "interpreted as …" under it and, for a
    weak match, the line saying the notes may not answer it exactly above it.
    """
    out, j = [], 0
    for m in history:
        content = chat_markdown(m["content"])
        if m["role"] == "assistant":
            content = link_citations(content, j)
            if turns and j < len(turns):
                content = weak_line((turns[j].get("record") or {}).get("weak", "")) + content
                content += interpreted_as(turns[j].get("asked", ""), turns[j].get("standalone", ""))
            j += 1
        out.append({"role": m["role"], "content": content})
    return out


def problem_html(message: str = "") -> str:
    """A plain-words problem under the question box ('' hides it)."""
    return f'<div class="q-problem" role="alert">⚠ {escape(message)}</div>' if message else ""


def notice_html(message: str = "") -> str:
    """A plain-words note under the question box, not a problem: announced politely ('' hides it)."""
    return f'<div class="q-note" role="status">{escape(message)}</div>' if message else ""


SAME_AGAIN = ("Same answer: an extractive answer quotes the notes' own sentences, so asking again gives the same ones. "
              "Connect a model in Settings to have it reworded.")


def plain_error(exc: BaseException) -> str:
    """What went wrong, in plain words, without exception class names."""
    from assistant.errors import UserError, first_line

    if isinstance(exc, UserError) and str(exc).strip():
        text = first_line(exc, 300)
        return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")
    return "Something went wrong while answering; your question is still in the box, so you can send it again."


class ChatPage(Page):
    """Chat with the notes: saved conversations in a sidebar, question box, streamed answer, cited sources beside it."""

    title = "Chat"

    def render(self) -> None:
        """Sidebar of saved conversations; chat column (history, input, buttons, feedback) beside the sources panel."""
        import gradio as gr

        from assistant.web.conversations import Conversations
        from assistant.web.html import counter_html

        self.saved = Conversations(self)
        self.saved.render_state()
        self.history = gr.State([])
        self.turns = gr.State([])  # per answer: {"panel", "asked", "standalone", "record", "id", "rating"}
        with gr.Sidebar(label="Conversations", elem_id="chat-sidebar", width=280):
            self.saved.render_sidebar()
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                self.chatbot = gr.Chatbot(
                    label="Conversation", show_label=False, height=520, layout="bubble", sanitize_html=True, allow_tags=False,
                    render_markdown=True, feedback_options=("Like", "Dislike"), buttons=["copy"], elem_id="chatbot",
                    examples=[{"text": q} for q in EXAMPLES],
                    placeholder="**Ask about your deep-learning notes.** Answers cite the notes as [n]; "
                                "follow-up questions use the conversation, which is saved as you go.",
                )
                self.saved.render_feedback()
                # The box takes the row, the buttons only their text (at 5:1:1 the box was 290 px and its placeholder
                # was clipped); unboxed, it lines up with them. On a phone: box, then both buttons (styles.py).
                with gr.Row(elem_id="question-row", equal_height=True):
                    self.question = gr.Textbox(
                        label="Your question", show_label=False, placeholder="Ask a question, e.g. 什么是梯度爆炸？",
                        scale=1, min_width=240, lines=1, max_lines=4, elem_id="question", autofocus=True, container=False,
                    )
                    self.send = gr.Button("Send", variant="primary", size="md", scale=0, min_width=72, elem_id="send")
                    self.stop = gr.Button("Stop", variant="stop", size="md", scale=0, min_width=72, elem_id="stop",
                                          elem_classes=[OFF])
                    self.clear = gr.Button("New chat", size="md", scale=0, min_width=96, elem_id="new-chat")
                self.counter = gr.HTML(counter_html(0, MAX_QUESTION_CHARS), elem_id="q-count", js_on_load=None, padding=False)
                self.problem = gr.HTML("", elem_id="q-problem", js_on_load=None, padding=False)
                # Set by a citation link in an older answer ("<answer index>|<nonce>"): show that answer's sources.
                self.picker = gr.Textbox(label="Answer whose sources to show", visible="hidden", elem_id="pick-answer")
            with gr.Column(scale=2, min_width=300):
                self.panel = gr.HTML(sources_panel(), elem_id="sources", js_on_load=None, max_height=620)

    def wire(self) -> None:
        """Send / Enter / example click stream (and save) an answer; the saved conversations' events; `/ask` is the API."""
        import gradio as gr

        from assistant.web.base import page_session, username

        saved = self.saved
        options = self.ctx.options
        k = options.k if options else gr.State(self.ctx.settings.k)
        mode = options.mode if options else gr.State(None)
        outputs = [self.question, self.chatbot, self.panel, self.history, self.turns, self.problem, saved.conv, saved.browser,
                   self.send, self.stop]  # the last two: Send greyed and Stop shown while the answer is written (busy.py)
        inputs = [self.question, self.history, k, mode, self.turns, saved.conv, saved.browser]
        sidebar = saved.sidebar_outputs

        def send(question, history, k, mode, turns, conv, browser, request: gr.Request):
            yield from while_answering(saved.exchange(question, history, k, mode, turns, conv, browser, username(request),
                                                      page_session(request)), 8)

        def send_example(history, k, mode, turns, conv, browser, evt: gr.SelectData, request: gr.Request):
            value = evt.value if isinstance(evt.value, dict) else {"text": str(evt.value or "")}
            yield from while_answering(saved.exchange(value.get("text", ""), history, k, mode, turns, conv, browser,
                                                      username(request), page_session(request)), 8)

        def regenerate(history, turns, conv, k, mode, browser, request: gr.Request):
            yield from while_answering(saved.regenerate(history, turns, conv, k, mode, browser, username(request)), 8)

        def refresh(conv, browser, request: gr.Request):
            return saved.sidebar(conv, browser, username(request))

        def pick(turns: list, evt: gr.SelectData):
            """Selecting (clicking) a message shows the sources of that answer (or of the answer to that question)."""
            index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
            j = int(index or 0) // 2
            return which_answer(turns[j]["panel"], j, len(turns)) if 0 <= j < len(turns) else gr.skip()

        def pick_answer(value: str, turns: list):
            j = value.partition("|")[0]
            return which_answer(turns[int(j)]["panel"], int(j), len(turns)) if j.isdigit() and int(j) < len(turns) else gr.skip()

        # Enter and Send are one event: Gradio ignores a trigger of an event still running ("once"), so while an answer
        # streams both wait, where two listeners let Send start a second answer beside an Enter one (and vice versa).
        events = [
            gr.on([self.question.submit, self.send.click], send, inputs, outputs, **QUIET),
            self.chatbot.example_select(send_example, inputs[1:], outputs, **QUIET),
            self.chatbot.retry(regenerate, [self.history, self.turns, saved.conv, k, mode, saved.browser], outputs, **QUIET),
        ]
        for event in events:  # the sidebar follows each saved exchange (a new conversation, a new order)
            event.then(None, None, None, js=START_OF_LONG_ANSWER).then(refresh, [saved.conv, saved.browser], sidebar,
                                                                        **QUIET)
        self.chatbot.select(pick, [self.turns], [self.panel], queue=False, **QUIET)
        self.picker.change(pick_answer, [self.picker, self.turns], [self.panel], queue=False, **QUIET)
        self._wire_conversations(events)
        wire_stop(self, events)
        gr.api(self.ask, api_name="ask")

    def _wire_conversations(self, events: list) -> None:
        """Load, open, new chat, rename, delete and feedback: each a thin closure over `Conversations`."""
        import gradio as gr

        from assistant.web.base import page_session, username

        saved = self.saved
        view, sidebar = saved.view_outputs, saved.sidebar_outputs
        hide = [saved.confirm_box, saved.reason_row]

        def load(browser, request: gr.Request):
            user = username(request)
            return saved.on_load(browser, user, page_session(request)) + (shown(False),) * 2 + (saved.signed_in(user),)

        def open_chat(value, browser, request: gr.Request):
            return saved.open(value, browser, username(request), page_session(request)) + (shown(False),) * 2

        def new_chat(browser, request: gr.Request):
            return ("",) + saved.open(None, browser, username(request), page_session(request)) + (shown(False),) * 2

        def rename(conv, title, browser, request: gr.Request):
            return saved.rename_to(conv, title, browser, username(request))

        def ask_delete(conv, browser, request: gr.Request):
            return saved.ask_delete(conv, browser, username(request))

        def delete(conv, browser, request: gr.Request):
            return saved.delete_open(conv, browser, username(request)) + (shown(False),) * 2

        def like(history, turns, browser, evt: gr.LikeData, request: gr.Request):
            return saved.like(history, turns, evt.index, evt.liked, browser, username(request))

        def explain(target, reason, browser, request: gr.Request):
            return saved.explain(target, reason, browser, username(request))

        opened = view + sidebar + hide
        # The sidebar starts open; on a phone it covers the chat, so it is closed once the app has loaded.
        if loaded := self.on_page_load(load, [saved.browser], opened + [saved.who], **QUIET):
            loaded.then(None, None, None, js=CLOSE_SIDEBAR_ON_PHONE)
        saved.chat_list.input(open_chat, [saved.chat_list, saved.browser], opened, cancels=events, **QUIET).then(
            None, None, None, js=CLOSE_SIDEBAR_ON_PHONE)
        self.clear.click(new_chat, [saved.browser], [self.question] + opened, cancels=events, queue=False, **QUIET)
        # The chatbot's own trash button starts a new chat too (the saved conversation stays in the list).
        self.chatbot.clear(new_chat, [saved.browser], [self.question] + opened, cancels=events, queue=False, **QUIET)
        for renamed in (saved.rename.click, saved.title.submit):
            renamed(rename, [saved.conv, saved.title, saved.browser], sidebar, **QUIET)
        saved.delete.click(ask_delete, [saved.conv, saved.browser], [saved.confirm_box, saved.confirm_text], queue=False,
                           **QUIET)
        saved.cancel.click(lambda: shown(False), None, [saved.confirm_box], queue=False, **QUIET)
        saved.confirm.click(delete, [saved.conv, saved.browser], opened, cancels=events, **QUIET)
        for sent in (self.question.submit, self.send.click):  # a new question dismisses an unanswered reason prompt
            sent(lambda: shown(False), None, [saved.reason_row], queue=False, **QUIET)
        self.chatbot.like(like, [self.history, self.turns, saved.browser],
                          [self.turns, saved.reason_row, saved.reason, saved.feedback_target, saved.feedback_note], **QUIET)
        for explained in (saved.reason_save.click, saved.reason.submit):
            explained(explain, [saved.feedback_target, saved.reason, saved.browser],
                      [saved.reason_row, saved.reason, saved.feedback_note], **QUIET)

    def respond(self, question: str, history: list[dict], k=None, mode=None, turns: list[dict] | None = None,
                live: list | None = None):
        """Stream one answer: yields (textbox, chatbot, sources panel, history, turns, problem) updates. `live` gets the
        answer stream while it is good, for a caller to finish it if this generator is closed (web/unfinished.py)."""
        import gradio as gr

        skip = gr.skip
        question = (question or "").strip()
        if not question:
            yield skip(), skip(), skip(), skip(), skip(), ""
            return
        if len(question) > MAX_QUESTION_CHARS:  # the browser blocks this too; the text stays in the box
            yield (skip(), skip(), skip(), skip(), skip(),
                   problem_html(f"Your question is {len(question):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. "
                                "Shorten it and send again."))
            return
        history, turns = list(history or []), list(turns or [])
        msg = len(turns)
        asked = history + [{"role": "user", "content": question}]
        yield "", display(asked, turns) + [{"role": "assistant", "content": "…"}], sources_panel(None), history, turns, ""
        stream, sources_shown, live = None, False, [] if live is None else live
        try:
            stream = self.ctx.assistant.stream(question, history, self._k(k), self._mode(mode))
            live.append(stream)
            streaming: list[dict] = []  # the answer being written, as a turn: its weak-match line shows while it streams
            for _ in stream:
                if not sources_shown:  # retrieval is done before the first text arrives
                    snapshot = stream.snapshot()
                    yield skip(), skip(), sources_panel(snapshot, pending=True, msg=msg), skip(), skip(), skip()
                    streaming = [{"asked": question, "standalone": snapshot.standalone, "record": {"weak": snapshot.weak}}]
                    sources_shown = True
                yield (skip(), display(asked + [{"role": "assistant", "content": stream.text}], turns + streaming), skip(), skip(),
                       skip(), skip())
        except Exception as exc:  # an index/model error must end the turn visibly, never a stuck spinner
            # The typed question goes back into the box; the failed turn is not kept in the history.
            # The user sees a plain line; whoever runs the server gets the traceback.
            log.exception("answering %r failed", question[:80])
            live.clear()  # a failed stream is not finished by anyone
            partial = stream.text if stream is not None else ""
            failed = f"{partial}\n\n⚠ Could not answer: {plain_error(exc)}".strip()
            yield (question, display(asked + [{"role": "assistant", "content": failed}], turns), skip(), history, turns,
                   problem_html(plain_error(exc)))
            return
        result = stream.result()
        history = asked + [{"role": "assistant", "content": result.answer}]
        record = answer_record(result)  # what the panel shows now and what is saved, so a reopened chat looks the same
        panel = sources_panel(record, msg=msg)
        turns = turns + [{"panel": panel, "asked": question, "standalone": result.standalone, "record": record}]
        yield skip(), display(history, turns), which_answer(panel, msg, len(turns)), history, turns, skip()

    def ask(self, question: str, history: list[dict] | None = None) -> tuple[str, dict]:
        """Answer a question (with an optional [{"role","content"}] history); returns (answer, sources JSON)."""
        turns = [m for m in history or [] if isinstance(m, dict) and m.get("role") in ("user", "assistant")]
        result = self.ctx.assistant.ask(question, [{"role": m["role"], "content": str(m.get("content", ""))} for m in turns])
        return result.answer, result.to_json()

    def _k(self, k) -> int | None:
        return max(1, min(20, int(k))) if k else None

    def _mode(self, mode) -> str | None:
        return mode if mode in self.ctx.assistant.modes else None
