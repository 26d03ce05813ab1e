"""The Gradio app: one tab per Page, a shared read-only Assistant, local-only serving.

Gradio itself is imported only inside `build_app`, so importing this module stays cheap.
"""

from __future__ import annotations

from assistant.config import Settings
from assistant.web.base import Page, WebContext
from assistant.web.chat import ChatPage
from assistant.web.interview import InterviewPage
from assistant.web.notes import NotesPage
from assistant.web.settings import SettingsPage

PAGES: tuple[type[Page], ...] = (ChatPage, NotesPage, InterviewPage, SettingsPage)
# Retrieval is CPU-bound on a 2-core box and LLM streaming is I/O-bound; 4 workers keep both
# cores busy while a slow model stream does not block other sessions. Everything else queues.
CONCURRENCY = 4

CSS = """
.gradio-container { max-width: 1280px !important; }
.mode-badge { display: inline-block; padding: 2px 10px; margin: 0 6px 6px 0; border-radius: 999px;
  font-size: 0.85em; font-weight: 600; line-height: 1.6; border: 1px solid transparent; }
.mode-extractive { background: #e0ecff; color: #1a3f8f; border-color: #b5cdfa; }
.mode-llm { background: #dcf5e3; color: #17613a; border-color: #a9e2bd; }
.mode-fallback { background: #fff1d6; color: #7a4b00; border-color: #f2cf86; }
.mode-uncovered { background: #eceff3; color: #3d4652; border-color: #cfd5dd; }
.src-panel { padding: 4px 2px; }
.src-head { font-weight: 700; margin: 6px 0 4px; }
.src-list { list-style: none; padding: 0; margin: 0; }
.src-item { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin-bottom: 8px;
  background: var(--background-fill-secondary); overflow-wrap: anywhere; }
.src-top { font-weight: 600; }
.src-n { color: var(--color-accent); margin-right: 4px; }
.src-sub { font-size: 0.85em; opacity: 0.8; margin-top: 2px; }
.src-excerpt { font-size: 0.9em; margin-top: 6px; max-height: 220px; overflow-y: auto; }
.src-excerpt ul { margin: 0; padding-left: 1.2em; }
.src-excerpt p { margin: 0 0 4px; }
.src-link { font-size: 0.85em; margin-top: 4px; overflow-wrap: anywhere; }
.src-empty { opacity: 0.75; padding: 8px 2px; }
.src-notice { background: #fff1d6; color: #7a4b00; border-radius: 6px; padding: 6px 8px; margin: 4px 0 8px; font-size: 0.9em; }
.src-removed { font-size: 0.85em; opacity: 0.75; margin-top: 4px; }
.fig-missing::before { content: "▨ "; }
.fig-missing { display: inline-block; padding: 8px 12px; margin: 4px 0; border: 1px dashed #9aa4b2; border-radius: 6px;
  background: #f4f6f8; color: #4a5563; font-size: 0.9em; }
.note { overflow-wrap: anywhere; }
.note-title { margin: 0 0 4px; font-size: 1.25em; }
.note-meta { font-size: 0.85em; opacity: 0.8; margin-bottom: 8px; }
.note-hint { background: #eef3fb; border-radius: 6px; padding: 6px 8px; margin-bottom: 8px; font-size: 0.9em; }
.note-body pre { overflow-x: auto; }
#notes-list { max-height: 620px; overflow-y: auto; }
#notes-list label { width: 100%; }
.settings-summary dt { font-weight: 600; margin-top: 6px; }
.settings-summary dd { margin: 0 0 0 0; overflow-wrap: anywhere; }
"""


def build_app(settings: Settings, assistant=None):
    """Build the gr.Blocks app; `assistant` may be a ready Assistant (tests share one)."""
    import gradio as gr

    ctx = WebContext(settings)
    if assistant is not None:
        ctx.assistant = assistant  # seeds the cached_property
    ctx.assistant.notes()  # open the index and warm the retriever before the first visitor
    with gr.Blocks(title="DL Interview Assistant", analytics_enabled=False) as demo:
        gr.Markdown("## Deep-learning interview assistant\nAnswers come from your notes, with cited sources.")
        pages = [cls(ctx) for cls in PAGES]
        with gr.Tabs():
            for page in pages:
                with gr.Tab(page.title, id=page.title.lower()):
                    page.render()
        for page in pages:
            page.wire()
    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo


def theme():
    """Gradio's default theme with system fonts (no font downloads: the app must work offline)."""
    import gradio as gr

    return gr.themes.Default(font=["system-ui", "Segoe UI", "Noto Sans CJK SC", "sans-serif"],
                             font_mono=["ui-monospace", "DejaVu Sans Mono", "monospace"])


def launch(settings: Settings, host: str = "127.0.0.1", port: int | None = 7860, block: bool = True, assistant=None):
    """Serve the app locally (never share=True); returns (demo, url). `block=False` returns at once."""
    demo = build_app(settings, assistant)
    _, url, _ = demo.launch(
        server_name=host, server_port=port, share=False, prevent_thread_lock=not block, inbrowser=False,
        show_error=True, quiet=not block, ssr_mode=False, theme=theme(), css=CSS, footer_links=["api"],
    )
    return demo, url
