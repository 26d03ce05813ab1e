"""The Gradio app: one tab per Page, a shared read-only Assistant, served locally unless a login is configured.

Importing this module imports Gradio (the pages do); the CLI imports it only inside `assistant web`.
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
.src-which { font-size: 0.85em; color: #374151; margin-bottom: 4px; }
.src-item.src-target { outline: 3px solid #1d4ed8; outline-offset: 1px; }
.src-rel { font-variant-numeric: tabular-nums; }
.src-open { margin-top: 6px; font-size: 0.85em; padding: 2px 10px; border-radius: 6px; cursor: pointer;
  border: 1px solid #1d4ed8; color: #1d4ed8; background: transparent; }
.src-open:hover, .src-open:focus-visible { background: #1d4ed8; color: #fff; }
.q-count { font-size: 0.85em; color: #4b5563; padding: 2px 4px; }
.q-count.over { color: #b91c1c; font-weight: 600; }
.q-problem { background: #fde8e8; color: #7f1d1d; border-radius: 6px; padding: 6px 8px; margin: 4px 0; }
#chatbot a[href^="#src-"] { color: #1d4ed8; font-weight: 600; text-decoration: none; }
.settings-test { font-size: 0.9em; padding: 4px 2px; overflow-wrap: anywhere; }
.settings-test.ok { color: #166534; } .settings-test.bad { color: #991b1b; }
.settings-note { font-size: 0.9em; color: #374151; }
#tabs button[role="tab"][aria-selected="true"] { color: #c2410c; }
.src-head { font-weight: 700; margin: 6px 0 4px; }
.src-list { list-style: none; padding: 0; margin: 0; }
.src-item { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin-bottom: 8px;
  background: var(--background-fill-secondary); overflow-wrap: anywhere; }
.src-top { font-weight: 600; }
.src-n { color: #1d4ed8; margin-right: 4px; }
.src-sub { font-size: 0.85em; color: #4b5563; margin-top: 2px; }
.src-excerpt { font-size: 0.9em; margin-top: 6px; max-height: 220px; overflow-y: auto; }
.src-excerpt ul { margin: 0; padding-left: 1.2em; }
.src-excerpt p { margin: 0 0 4px; }
.src-link { font-size: 0.85em; margin-top: 4px; overflow-wrap: anywhere; }
.src-empty { color: #4b5563; padding: 8px 2px; }
.src-notice { background: #fff1d6; color: #7a4b00; border-radius: 6px; padding: 6px 8px; margin: 4px 0 8px; font-size: 0.9em; }
.src-removed { font-size: 0.85em; color: #4b5563; margin-top: 4px; }
.fig-missing::before { content: "▨ "; }
.fig-missing { display: inline-block; padding: 8px 12px; margin: 4px 0; border: 1px dashed #9aa4b2; border-radius: 6px;
  background: #f4f6f8; color: #4a5563; font-size: 0.9em; }
.note { overflow-wrap: anywhere; }
.note-title { margin: 0 0 4px; font-size: 1.25em; }
.note-meta { font-size: 0.85em; color: #4b5563; margin-bottom: 8px; }
.note-hint { background: #eef3fb; border-radius: 6px; padding: 6px 8px; margin-bottom: 8px; font-size: 0.9em; }
.note-body pre { overflow-x: auto; }
#notes-list { max-height: 620px; overflow-y: auto; }
@media (max-width: 720px) { #notes-list { max-height: 38vh; } #note-view { scroll-margin-top: 8px; } }
#notes-list label { width: 100%; }
#chat-list label { width: 100%; }
#chat-list-empty { font-size: 0.9em; color: #4b5563; }
.chat-status { font-size: 0.9em; padding: 4px 2px; overflow-wrap: anywhere; }
.chat-status.ok { color: #166534; } .chat-status.bad { color: #991b1b; }
#chat-status:not(:has(.chat-status)), #feedback-note:not(:has(.chat-status)), #chat-user:not(:has(.chat-user)) { display: none; }
.chat-user { font-size: 0.9em; color: #374151; overflow-wrap: anywhere; }
.chat-user a { color: #1d4ed8; }
/* The chat sidebar lives in the Chat tab: on another tab it is hidden, so give its room back to the page. */
.sidebar-parent:has(.tabitem[style*="display: none"] #chat-sidebar.open) { padding-left: 0 !important; }
.settings-summary dt { font-weight: 600; margin-top: 6px; }
.settings-summary dd { margin: 0 0 0 0; overflow-wrap: anywhere; }
"""

# Page-level behaviour that has no Gradio event: the question counter and the length block before
# sending, citation links that jump to (and highlight) their source card, "Open in Notes" buttons,
# the document language and the sources live region. Delegated listeners survive re-renders.
HEAD = """<script>
(() => {
  const LANG = %(lang)s, MAX = %(max)d;
  const fmt = (n) => n.toLocaleString("en-US");
  const len = (s) => Array.from(s || "").length;
  function fixups() {
    if (document.documentElement.lang !== LANG) document.documentElement.lang = LANG;
    const src = document.getElementById("sources");
    if (src && src.getAttribute("aria-live") !== "polite") {
      src.setAttribute("role", "region"); src.setAttribute("aria-label", "Sources");
      src.setAttribute("aria-live", "polite"); src.setAttribute("aria-atomic", "false");
    }
    const box = question();
    if (box && box.value.length !== window.__qlen) { window.__qlen = box.value.length; count(box); }  // cleared by a send
    showSrc();
  }
  function count(box) {
    const n = len(box.value), over = n > MAX, el = document.getElementById("q-count-text");
    if (el) {
      el.textContent = fmt(n) + " / " + fmt(MAX) + " characters" + (over ? " — too long: shorten it by " + fmt(n - MAX) + " to send" : "");
      el.classList.toggle("over", over);
    }
    const send = document.getElementById("send");
    if (send) send.setAttribute("aria-disabled", over ? "true" : "false");
    return over;
  }
  const question = () => document.querySelector("#question textarea");
  function tooLong() { const box = question(); return !!box && count(box); }
  function block(e) { e.preventDefault(); e.stopImmediatePropagation(); const box = question(); if (box) box.focus(); }
  function poke(id, value) {
    const box = document.querySelector("#" + id + " textarea, #" + id + " input");
    if (!box) return;
    box.value = value + "|" + Date.now();
    box.dispatchEvent(new Event("input", {bubbles: true}));
  }
  function showSrc() {
    const id = window.__wantSrc; if (!id) return;
    const el = document.getElementById(id); if (!el) return;
    window.__wantSrc = null;
    document.querySelectorAll(".src-item.src-target").forEach((x) => x.classList.remove("src-target"));
    el.classList.add("src-target"); el.scrollIntoView({block: "nearest"}); el.focus({preventScroll: true});
  }
  document.addEventListener("input", (e) => { if (e.target.matches && e.target.matches("#question textarea")) count(e.target); }, true);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && e.target.matches && e.target.matches("#question textarea") && tooLong()) block(e);
  }, true);
  document.addEventListener("click", (e) => {
    const t = e.target instanceof Element ? e.target : e.target.parentElement; if (!t) return;
    if (t.closest("#send") && tooLong()) { block(e); return; }
    const cite = t.closest('a[href^="#src-"]');
    if (cite) {
      e.preventDefault();
      const id = cite.getAttribute("href").slice(1); window.__wantSrc = id;
      const msg = id.split("-")[1], panel = document.querySelector("#sources .src-panel");
      if (!panel || panel.dataset.msg !== msg) poke("pick-answer", msg);
      showSrc(); return;
    }
    const open = t.closest(".src-open");
    if (open) { e.preventDefault(); poke("open-note", open.dataset.note); }
  }, true);
  new MutationObserver(fixups).observe(document.documentElement, {subtree: true, childList: true, attributes: true, attributeFilter: ["lang"]});
  document.addEventListener("DOMContentLoaded", fixups);
})();
</script>"""


def notes_lang(notes: list[dict]) -> str:
    """The document language of the notes: 'zh-CN' when their titles are mostly CJK, else 'en'."""
    text = "".join(str(n.get("title", "")) for n in notes)
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    letters = sum(1 for ch in text if ch.isalpha())
    return "zh-CN" if letters and cjk / letters >= 0.3 else "en"


def head(lang: str) -> str:
    """The <head> script for a document language."""
    import json

    from assistant.service import MAX_QUESTION_CHARS

    return HEAD % {"lang": json.dumps(lang), "max": MAX_QUESTION_CHARS}


def build_app(settings: Settings, assistant=None):
    """Build the gr.Blocks app; `assistant` may be a ready Assistant (tests share one)."""
    import gradio as gr

    from assistant import llmsetup

    ctx = WebContext(llmsetup.apply(settings))  # a model saved from the Settings tab
    if assistant is not None:
        ctx.assistant = assistant  # seeds the cached_property
    ctx.assistant.notes()  # open the index and warm the retriever before the first visitor
    with gr.Blocks(title="DL Interview Assistant", analytics_enabled=False) as demo:
        ctx.demo = demo
        gr.Markdown("## Deep-learning interview assistant\nAnswers come from your notes, with cited sources.")
        pages = [cls(ctx) for cls in PAGES]
        with gr.Tabs(elem_id="tabs") as tabs:
            ctx.tabs = tabs
            for page in pages:
                with gr.Tab(page.title, id=page.title.lower()):
                    page.render()
        for page in pages:
            page.render_hidden()
        for page in pages:
            page.wire()
    demo.queue(default_concurrency_limit=CONCURRENCY)
    demo.ctx = ctx
    return demo


def theme():
    """Gradio's default theme with system fonts (no font downloads: the app must work offline)."""
    import gradio as gr

    # WCAG AA: the default orange primary button (2.8:1) and grey help text (1.9:1) are darkened.
    return gr.themes.Default(font=["system-ui", "Segoe UI", "Noto Sans CJK SC", "sans-serif"],
                             font_mono=["ui-monospace", "DejaVu Sans Mono", "monospace"]).set(
        button_primary_background_fill="#c2410c", button_primary_background_fill_hover="#9a3412",
        button_primary_text_color="#ffffff", button_primary_border_color="#c2410c",
        body_text_color_subdued="#4b5563", block_info_text_color="#4b5563", input_placeholder_color="#6b7280",
    )


def launch(settings: Settings, host: str = "127.0.0.1", port: int | None = 7860, block: bool = True, assistant=None,
           auth: list[tuple[str, str]] | None = None):
    """Serve the app (never share=True); returns (demo, url). `block=False` returns at once.

    `auth` is a list of (user, password): Gradio's login page, and per-user chats and interviews."""
    demo = build_app(settings, assistant)
    lang = notes_lang(demo.ctx.assistant.notes())
    _, url, _ = demo.launch(
        auth=auth or None, auth_message="Sign in to your interview assistant." if auth else None,
        head=head(lang),
        server_name=host, server_port=port, share=False, prevent_thread_lock=not block, inbrowser=False,
        show_error=True, quiet=not block, ssr_mode=False, theme=theme(), css=CSS, footer_links=["api"],
    )
    return demo, url
