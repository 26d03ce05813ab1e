"""The Settings tab: per-browser answer options (k, mode), the language-model connection, and the configuration.

The model connection (base URL, key, model; OpenAI and Ollama presets; a connection test) is
a thin form over assistant/llmsetup.py: saved in the data directory (the key in a 0600 file,
never shown back) and applied to the shared Assistant at once by rebuilding its chains.

The slider and radio are ordinary components, so each browser session has its own values;
the Chat page reads them as event inputs through the shared `ctx.options`. What the user picks in them is kept in
the browser's localStorage (gr.BrowserState) and put back on every page load, as the saved connection is (blind
QA: k set to 1 was 4 again after a reload while the base URL and model were kept); it is per browser, not in the
data directory, since under `--auth` several people share one server and its connection. The index
health block shows what `assistant doctor` reports (assistant/retrieval/doctor.py), read-only.
"""

from __future__ import annotations

from assistant.web.base import AnswerOptions, Page
from assistant.web.html import escape, status_line

MAX_K = 8
# Said where the hidden slider would be, naming it: "…so the number of sources only applies to LLM answers" read as a
# stray line about a control nobody could see (blind web QA).
K_NOTE_EXTRACTIVE = ("Number of sources: extractive answers quote the sections that answer the question; with LLM "
                     "answers, a slider here sets how many sections an answer may draw on.")
STATUS = "settings-test"  # the class of the connection test's (and save's) outcome line
MODE_LABELS = {"extractive": "Extractive — quote the notes verbatim (offline)", "llm": "LLM — generated, cited answer"}
# The answer options this browser chose ({"k": int, "mode": str}). The values are not secret (the page holds them
# anyway): a fixed key and secret only keep them across server restarts (a random one per start would not).
PREFS_KEY, PREFS_SECRET = "dl-assistant-answer-options", "dl-assistant-answer-options-v1"


class SettingsPage(Page):
    """Answer options for this session, plus the model and data directory in use."""

    title = "Settings"

    def render(self) -> None:
        """Answer options, the model connection form and the configuration summary."""
        import gradio as gr

        from assistant import llmsetup

        settings, assistant = self.ctx.settings, self.ctx.assistant
        modes = assistant.modes
        default_mode = "llm" if "llm" in modes else "extractive"
        saved = llmsetup.saved(settings.home)
        with gr.Column(elem_id="settings-page"):
            self.mode = gr.Radio([(MODE_LABELS[m], m) for m in modes], value=default_mode, label="Answer mode",
                                 info=None if "llm" in modes else "Connect a language model below to enable LLM answers.",
                                 elem_id="settings-mode")
            self.k = gr.Slider(1, MAX_K, value=min(settings.k, MAX_K), step=1, label="Number of sources (k)",
                               info="How many question sections an LLM answer may draw on.", elem_id="settings-k",
                               visible=default_mode == "llm")
            self.k_note = gr.HTML(self.k_note_html(default_mode), elem_id="settings-k-note", js_on_load=None, padding=False)
            # A padded panel, not a gr.Group: a Group strips its children's padding and button styling, so the
            # heading touched the panel's edge and the presets looked like plain text on grey.
            with gr.Column(variant="panel", elem_id="settings-llm"):
                gr.Markdown("### Language model\nAny OpenAI-compatible endpoint. Saved in the data directory "
                            "and used at once; the key is stored in a private file and never shown again.")
                with gr.Row(elem_id="llm-presets"):  # small secondary buttons, as wide as their text, side by side
                    self.presets = [gr.Button(f"{name} preset", size="sm", variant="secondary", scale=0, min_width=120,
                                              elem_id=f"preset-{name.lower()}") for name in llmsetup.PRESETS]
                self.base_url = gr.Textbox(label="Base URL", value=saved.get("base_url") or settings.openai_base_url or "",
                                           placeholder="https://api.openai.com/v1 or http://127.0.0.1:11434/v1",
                                           elem_id="llm-base-url")
                self.key = gr.Textbox(label="API key", type="password", value="", elem_id="llm-key",
                                      placeholder=self.key_placeholder(saved))
                self.model = gr.Textbox(label="Model", value=saved.get("model") or settings.model, elem_id="llm-model")
                with gr.Row():
                    self.test = gr.Button("Test connection", elem_id="llm-test")
                    self.save = gr.Button("Save and use", variant="primary", elem_id="llm-save")
                self.status = gr.HTML("", elem_id="llm-status", js_on_load=None, padding=False)
            self.summary_html = gr.HTML(self.summary(), elem_id="settings-summary", js_on_load=None)
            self.health_html = gr.HTML(self.health(), elem_id="settings-health", js_on_load=None)
        self.ctx.options = AnswerOptions(k=self.k, mode=self.mode)

    def render_hidden(self) -> None:
        """The answer options this browser chose, in its localStorage. Outside the tabs: Gradio mounts a tab's
        components when the tab is first shown, and a BrowserState not yet mounted reads as its default on page load."""
        import gradio as gr

        self.prefs = gr.BrowserState({}, storage_key=PREFS_KEY, secret=PREFS_SECRET)

    def wire(self) -> None:
        """Presets fill the form; Test reports in one line; Save stores, applies and refreshes the options."""
        import gradio as gr

        from assistant import llmsetup

        for button, (base_url, model) in zip(self.presets, llmsetup.PRESETS.values(), strict=True):
            button.click(lambda b=base_url, m=model: (b, m), None, [self.base_url, self.model], queue=False)
        self.mode.change(lambda mode: (gr.update(visible=mode == "llm"), self.k_note_html(mode), self.summary(mode)),
                         self.mode, [self.k, self.k_note, self.summary_html], queue=False)
        # Only what the user picks is remembered (`.input`, not `.change`: a value set by a page load or by Save is not
        # a choice of theirs).
        self.k.input(self.remember_k, [self.k, self.prefs], self.prefs, queue=False, show_progress="hidden")
        self.mode.input(self.remember_mode, [self.mode, self.prefs], self.prefs, queue=False, show_progress="hidden")
        self.test.click(self.on_test, [self.base_url, self.model, self.key], self.status)
        self.save.click(self.on_save, [self.base_url, self.model, self.key, self.prefs],
                        [self.status, self.key, self.mode, self.k, self.k_note, self.summary_html, self.prefs])
        # What render() put in the page is what the server had at start: each page load reads the model saved since,
        # the notes uploaded since and the index health now (a reload after "Save and use" showed no model), and puts
        # back the answer options this browser chose.
        self.on_page_load(self.on_load, [self.prefs], [self.mode, self.k, self.k_note, self.base_url, self.model,
                                                       self.key, self.summary_html, self.health_html])

    @staticmethod
    def remember_k(k: float, prefs: dict | None) -> dict:
        """This browser's options with the k the user just set."""
        return {**(prefs if isinstance(prefs, dict) else {}), "k": int(k)}

    @staticmethod
    def remember_mode(mode: str, prefs: dict | None) -> dict:
        """This browser's options with the answer mode the user just picked."""
        return {**(prefs if isinstance(prefs, dict) else {}), "mode": str(mode)}

    def on_load(self, prefs: dict | None = None):
        """The form and summaries as they are now: the saved connection, the modes it allows, the answer options this
        browser chose (`prefs`), notes and health."""
        import gradio as gr

        from assistant import llmsetup

        settings, saved = self.ctx.settings, llmsetup.saved(self.ctx.settings.home)
        outputs = self.mode_outputs(prefs)
        return (*outputs, saved.get("base_url") or settings.openai_base_url or "",
                saved.get("model") or settings.model, gr.update(value="", placeholder=self.key_placeholder(saved)),
                self.summary(self.chosen_mode(prefs)), self.health())

    def chosen_mode(self, prefs: dict | None = None) -> str:
        """The answer mode: this browser's choice if the Assistant still offers it, else LLM when connected."""
        modes = self.ctx.assistant.modes
        asked = prefs.get("mode") if isinstance(prefs, dict) else None
        return str(asked) if asked in modes else "llm" if "llm" in modes else "extractive"

    def mode_outputs(self, prefs: dict | None = None) -> tuple:
        """The answer-mode radio, the k slider and its note for the modes the Assistant has now (load and Save), with
        this browser's chosen mode and k (`prefs`) where they still apply."""
        import gradio as gr

        modes = self.ctx.assistant.modes
        mode = self.chosen_mode(prefs)
        info = "" if "llm" in modes else "Connect a language model below to enable LLM answers."
        k = prefs.get("k") if isinstance(prefs, dict) else None
        slider = gr.update(visible=mode == "llm", value=k) if isinstance(k, int) and 1 <= k <= MAX_K \
            else gr.update(visible=mode == "llm")
        return (gr.update(choices=[(MODE_LABELS[m], m) for m in modes], value=mode, info=info), slider,
                self.k_note_html(mode))

    @staticmethod
    def k_note_html(mode: str) -> str:
        """Why the k slider is hidden in extractive mode ('' in LLM mode)."""
        return "" if mode == "llm" else f'<p class="settings-note">{escape(K_NOTE_EXTRACTIVE)}</p>'

    @staticmethod
    def key_placeholder(saved: dict) -> str:
        return "saved — leave empty to keep it" if saved.get("has_key") else "not needed for Ollama or other local servers"

    def on_test(self, base_url: str, model: str, key: str) -> str:
        """Ask the model for a one-word reply with the form's values (nothing saved)."""
        from assistant import llmsetup
        from assistant.errors import first_line

        try:
            settings = llmsetup.configured(self.ctx.settings, base_url or "", model or "", key)
        except Exception as exc:  # a malformed setting is reported like a failed connection
            return status_line(STATUS, first_line(exc), ok=False)
        ok, line = llmsetup.check(settings)
        return status_line(STATUS, line, ok)

    def on_save(self, base_url: str, model: str, key: str, prefs: dict | None = None):
        """Save the connection, rebuild the Assistant's chains, and switch this session to LLM answers (this browser's
        remembered mode is forgotten: saving a model is choosing it; its k is kept)."""
        import gradio as gr

        from assistant import llmsetup
        from assistant.errors import first_line

        try:
            if (base_url or "").strip():
                settings = llmsetup.configured(self.ctx.settings, base_url or "", model or "", key)
                llmsetup.save(settings.home, base_url or "", model or "", key)
            else:
                # No base URL: no language model (the saved key must not go to the client's default endpoint; blind QA:
                # "Saved; answers now use smollm2 at None." and every answer failed).
                settings = self.ctx.settings.replace(openai_base_url=None, openai_api_key=None)
                llmsetup.clear(settings.home)
            self.ctx.assistant.use_settings(settings)  # bumps its generation: the Interview tab rebuilds its kit
        except Exception as exc:  # shown in one line; the previous connection stays in use
            return status_line(STATUS, f"Not saved: {first_line(exc)}", ok=False), "", gr.skip(), gr.skip(), gr.skip(), \
                gr.skip(), gr.skip()
        self.ctx.settings = settings
        line = f"Saved; answers now use {settings.model} at {settings.openai_base_url}." if "llm" in self.ctx.assistant.modes \
            else "Saved; no endpoint set, so answers quote the notes (extractive)."
        placeholder = self.key_placeholder(llmsetup.saved(settings.home))
        kept = {k: v for k, v in (prefs if isinstance(prefs, dict) else {}).items() if k != "mode"}
        return (status_line(STATUS, line), gr.update(value="", placeholder=placeholder), *self.mode_outputs(kept),
                self.summary(), kept)

    def summary(self, mode: str = "") -> str:
        """The answer mode of this session (`mode`: the radio's choice, default the Assistant's), model, endpoint,
        data directory and corpus, as an escaped definition list."""
        settings, assistant = self.ctx.settings, self.ctx.assistant
        connected = "llm" in assistant.modes
        model = f"llm:{settings.model}" if connected else "none (extractive answers only)"
        if not connected:
            active = "extractive quotes (no model connected)"
        elif mode == "extractive":  # blind QA: the summary showed the model while this session quoted the notes
            active = "extractive quotes (chosen above)"
        else:
            active = f"generated by {model}"
        rows = [
            ("Answers", active),
            ("Model", model),
            ("Endpoint", settings.openai_base_url or "—"),
            ("API key", "set (hidden)" if settings.openai_api_key else "none"),
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
            report = check(self.ctx.settings, chroma=self.ctx.assistant.chroma, wait=False)  # see doctor.check
        except Exception as exc:  # the page must render even when the index cannot be read
            return f'<div class="settings-health bad">Index health: could not check ({escape(first_line(exc))})</div>'
        state = "ok" if report.ok else "bad"
        lines = "".join(f"<li>{escape(p.message)}</li>" for p in report.problems[:shown])
        more = f"<li>… and {len(report.problems) - shown} more (run <code>assistant doctor</code>)</li>" \
            if len(report.problems) > shown else ""
        hint = "" if report.ok else "<p>Run <code>assistant doctor --repair</code> to fix what an ingest can fix.</p>"
        return (f'<div class="settings-health {state}"><p>Index health: {escape(report.summary())}</p>'
                f"<ul>{lines}{more}</ul>{hint}</div>")
