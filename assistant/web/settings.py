"""The Settings tab: per-session answer options (k, mode) and a read-only view of the configuration.

The slider and radio are ordinary components, so each browser session has its own values;
the Chat page reads them as event inputs through the shared `ctx.options`. The index
health block shows what `assistant doctor` reports (assistant/retrieval/doctor.py), read-only.
"""

from __future__ import annotations

from assistant.web.base import AnswerOptions, Page
from assistant.web.html import escape

MAX_K = 8
MODE_LABELS = {"extractive": "Extractive — quote the notes verbatim (offline)", "llm": "LLM — generated, cited answer"}


class SettingsPage(Page):
    """Answer options for this session, plus the model and data directory in use."""

    title = "Settings"

    def render(self) -> None:
        """The k slider, the mode choice (LLM only when configured) and the configuration summary."""
        import gradio as gr

        settings, assistant = self.ctx.settings, self.ctx.assistant
        modes = assistant.modes
        default_mode = "llm" if "llm" in modes else "extractive"
        with gr.Column(elem_id="settings-page"):
            self.k = gr.Slider(1, MAX_K, value=min(settings.k, MAX_K), step=1, label="Number of sources (k)",
                               info="How many question sections the answer may draw on.", elem_id="settings-k")
            self.mode = gr.Radio([(MODE_LABELS[m], m) for m in modes], value=default_mode, label="Answer mode",
                                 info=None if "llm" in modes else "Set OPENAI_BASE_URL to enable LLM answers.",
                                 elem_id="settings-mode")
            gr.HTML(self.summary(), elem_id="settings-summary", js_on_load=None)
            gr.HTML(self.health(), elem_id="settings-health", js_on_load=None)
        self.ctx.options = AnswerOptions(k=self.k, mode=self.mode)

    def summary(self) -> str:
        """Model, endpoint, data directory and corpus, as an escaped definition list."""
        settings, assistant = self.ctx.settings, self.ctx.assistant
        model = f"llm:{settings.model}" if "llm" in assistant.modes else "none (extractive answers only)"
        rows = [
            ("Model", model),
            ("Endpoint", settings.openai_base_url or "—"),
            ("Data directory", str(settings.home)),
            ("Corpus", ", ".join(str(p) for p in settings.corpus_paths)),
            ("Indexed questions", str(len(assistant.notes()))),
            ("Retrievers", settings.recipe),
        ]
        items = "".join(f"<dt>{escape(k)}</dt><dd><code>{escape(v)}</code></dd>" for k, v in rows)
        return f'<dl class="settings-summary">{items}</dl>'

    def health(self, shown: int = 8) -> str:
        """The doctor's summary line and its first problems, escaped; a failing check is shown, not raised."""
        from assistant.errors import first_line
        from assistant.retrieval.doctor import check

        try:
            report = check(self.ctx.settings, chroma=self.ctx.assistant.chroma)
        except Exception as exc:  # the page must render even when the index cannot be read
            return f'<div class="settings-health bad">Index health: could not check ({escape(first_line(exc))})</div>'
        state = "ok" if report.ok else "bad"
        lines = "".join(f"<li>{escape(p.message)}</li>" for p in report.problems[:shown])
        more = f"<li>… and {len(report.problems) - shown} more (run <code>assistant doctor</code>)</li>" \
            if len(report.problems) > shown else ""
        hint = "" if report.ok else "<p>Run <code>assistant doctor --repair</code> to fix what an ingest can fix.</p>"
        return (f'<div class="settings-health {state}"><p>Index health: {escape(report.summary())}</p>'
                f"<ul>{lines}{more}</ul>{hint}</div>")
