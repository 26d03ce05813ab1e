"""The Chat tab: streamed, cited answers with a sources panel, multi-turn follow-ups, and the `/ask` API.

Thin UI over `Assistant.stream()`: the conversation lives in a per-session gr.State as the
plain [{"role", "content"}] history the core expects (never in module globals), and the
chatbot shows a safe rendering of it (html.chat_markdown). The sources panel is our own
escaped HTML (html.sources_panel), rebuilt from the same merged chunks as the CLI.
"""

# No `from __future__ import annotations` here: Gradio reads the `gr.SelectData` hint of the
# example handler at run time, so annotations must be real objects.
from assistant.web.base import Page
from assistant.web.html import chat_markdown, sources_panel

EXAMPLES = [
    "什么是梯度爆炸？",
    "如何修复梯度爆炸问题？",
    "GRU对LSTM做了哪些改动？",
    "神经网络中有哪些办法防止过拟合？",
]


def display(history: list[dict]) -> list[dict]:
    """The chatbot value for a history: same turns, content made safe for Markdown rendering."""
    return [{"role": m["role"], "content": chat_markdown(m["content"])} for m in history]


class ChatPage(Page):
    """Chat with the notes: question box, streamed answer, cited sources beside it."""

    title = "Chat"

    def render(self) -> None:
        """Chat column (history, input, buttons) beside the sources panel."""
        import gradio as gr

        self.history = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                self.chatbot = gr.Chatbot(
                    label="Conversation", show_label=False, height=520, layout="bubble", sanitize_html=True, allow_tags=False,
                    render_markdown=True, feedback_options=None, buttons=["copy"], elem_id="chatbot",
                    examples=[{"text": q} for q in EXAMPLES],
                    placeholder="**Ask about your deep-learning notes.** Answers cite the notes as [n]; "
                                "follow-up questions use the conversation.",
                )
                with gr.Row():
                    self.question = gr.Textbox(
                        show_label=False, placeholder="Ask a question, e.g. 什么是梯度爆炸？ (Enter to send)",
                        scale=5, lines=1, max_lines=4, elem_id="question", autofocus=True,
                    )
                    self.send = gr.Button("Send", variant="primary", scale=1, min_width=80, elem_id="send")
                    self.clear = gr.Button("New chat", scale=1, min_width=80, elem_id="new-chat")
            with gr.Column(scale=2, min_width=300):
                self.panel = gr.HTML(sources_panel(), elem_id="sources", js_on_load=None, max_height=620)

    def wire(self) -> None:
        """Send / Enter / example click stream an answer; New chat resets the session; `/ask` is the API."""
        import gradio as gr

        options = self.ctx.options
        k = options.k if options else gr.State(self.ctx.settings.k)
        mode = options.mode if options else gr.State(None)
        outputs = [self.question, self.chatbot, self.panel, self.history]

        def respond_example(history: list, k, mode, evt: gr.SelectData):
            value = evt.value if isinstance(evt.value, dict) else {"text": str(evt.value or "")}
            yield from self.respond(value.get("text", ""), history, k, mode)

        events = [
            self.question.submit(self.respond, [self.question, self.history, k, mode], outputs, show_progress="hidden"),
            self.send.click(self.respond, [self.question, self.history, k, mode], outputs, show_progress="hidden"),
            self.chatbot.example_select(respond_example, [self.history, k, mode], outputs, show_progress="hidden"),
        ]
        # Gradio documents `cancels` as taking event listeners but annotates it as dicts.
        self.clear.click(lambda: ("", [], sources_panel(), []), None, outputs, cancels=events, queue=False)  # type: ignore[arg-type]
        # The chatbot's own trash button clears only the display: forget the session history too.
        self.chatbot.clear(lambda: (sources_panel(), []), None, [self.panel, self.history], cancels=events,  # type: ignore[arg-type]
                           queue=False)
        gr.api(self.ask, api_name="ask")

    def respond(self, question: str, history: list[dict], k=None, mode=None):
        """Stream one answer: yields (textbox, chatbot, sources panel, history) updates."""
        import gradio as gr

        question = (question or "").strip()
        if not question:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        history = list(history or [])
        asked = history + [{"role": "user", "content": question}]
        yield "", display(asked) + [{"role": "assistant", "content": "…"}], sources_panel(None), history
        stream, sources_shown = None, False
        try:
            stream = self.ctx.assistant.stream(question, history, self._k(k), self._mode(mode))
            for _ in stream:
                if not sources_shown:  # retrieval is done before the first text arrives
                    yield gr.skip(), gr.skip(), sources_panel(stream.snapshot(), pending=True), gr.skip()
                    sources_shown = True
                yield gr.skip(), display(asked + [{"role": "assistant", "content": stream.text}]), gr.skip(), gr.skip()
        except Exception as exc:  # an index/model error must end the turn visibly, never a stuck spinner
            text = stream.text if stream is not None else ""
            failed = f"{text}\n\n⚠ Could not answer: {type(exc).__name__}: {exc}".strip()
            yield gr.skip(), display(asked + [{"role": "assistant", "content": failed}]), gr.skip(), history
            return
        result = stream.result()
        history = asked + [{"role": "assistant", "content": result.answer}]
        yield gr.skip(), display(history), sources_panel(result), history

    def ask(self, question: str, history: list[dict] | None = None) -> tuple[str, dict]:
        """Answer a question (with an optional [{"role","content"}] history); returns (answer, sources JSON)."""
        turns = [m for m in history or [] if isinstance(m, dict) and m.get("role") in ("user", "assistant")]
        result = self.ctx.assistant.ask(question, [{"role": m["role"], "content": str(m.get("content", ""))} for m in turns])
        return result.answer, result.to_json()

    def _k(self, k) -> int | None:
        return max(1, min(20, int(k))) if k else None

    def _mode(self, mode) -> str | None:
        return mode if mode in self.ctx.assistant.modes else None
