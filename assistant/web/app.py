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
from assistant.web.styles import CSS

PAGES: tuple[type[Page], ...] = (ChatPage, NotesPage, InterviewPage, SettingsPage)
# Retrieval is CPU-bound on a 2-core box and LLM streaming is I/O-bound; 4 workers keep both
# cores busy while a slow model stream does not block other sessions. Everything else queues.
CONCURRENCY = 4
# Gradio sizes the room it leaves for an open sidebar when the window is resized. A resize while another tab is
# shown (the Chat tab's sidebar then has no width) left no room, and back on Chat the sidebar covered the tab bar
# and the left of the chat. Each tab change measures again, once the newly shown tab is laid out.
RELAYOUT_SIDEBAR = "() => { setTimeout(() => window.dispatchEvent(new Event('resize')), 50); }"



# Page-level behaviour that has no Gradio event: the question counter and the length block before
# sending, citation links that jump to (and highlight) their source card, "Open in Notes" buttons,
# the document language, the sources live region, the timed interview's countdown and the dark-mode toggle (kept in
# localStorage and put back on <body> whenever Gradio or the system setting changes it).
# Delegated listeners survive re-renders.
HEAD = """<script>
(() => {
  const LANG = %(lang)s, MAX = %(max)d, THEME = "assistant-theme";
  function wanted() {
    if (window.__theme !== undefined) return window.__theme;
    const asked = new URL(location.href).searchParams.get("__theme");
    let t = null;
    try { if (asked === "dark" || asked === "light") localStorage.setItem(THEME, asked); t = localStorage.getItem(THEME); }
    catch (e) { t = asked; }
    return (window.__theme = (t === "dark" || t === "light") ? t : null);
  }
  function applyTheme() {
    const body = document.body; if (!body) return;
    const want = wanted();
    if (want && body.classList.contains("dark") !== (want === "dark")) body.classList.toggle("dark", want === "dark");
    const button = document.getElementById("theme-toggle"), dark = String(body.classList.contains("dark"));
    if (button && button.getAttribute("aria-pressed") !== dark) button.setAttribute("aria-pressed", dark);
  }
  function toggleTheme() {
    window.__theme = document.body.classList.contains("dark") ? "light" : "dark";
    try { localStorage.setItem(THEME, window.__theme); } catch (e) {}
    const url = new URL(location.href);
    if (url.searchParams.has("__theme")) { url.searchParams.delete("__theme"); history.replaceState(null, "", url); }
    applyTheme();
  }
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
    applyTheme();
    oneTabStop();
  }
  // Gradio names each radio input on its own ("radio-1", "radio-2", …), so every saved conversation was a Tab stop
  // before the question box (blind QA: 14+ presses). One name makes the list one radio group, as the platform has
  // it: one Tab stop (the open conversation, else the first), the arrow keys move within it.
  function oneTabStop() {
    document.querySelectorAll("#chat-list input[type=radio]").forEach((i) => { if (i.name !== "chat-list") i.name = "chat-list"; });
  }
  function count(box) {
    const n = len(box.value), over = n > MAX, el = document.getElementById("q-count-text");
    if (el) {
      el.textContent = fmt(n) + " / " + fmt(MAX) + " characters" + (over ? " — too long: shorten it by " + fmt(n - MAX) + " to send" : "");
      // Turning over the limit, the counter is brought into view: below the input it sat under the fold at 1280×800,
      // and Send looked enabled but did nothing.
      if (over && !el.classList.contains("over")) el.scrollIntoView({block: "nearest"});
      el.classList.toggle("over", over);
    }
    const send = document.getElementById("send");
    if (send) send.setAttribute("aria-disabled", over ? "true" : "false");
    return over;
  }
  const question = () => document.querySelector("#question textarea");
  function tooLong() { const box = question(); return !!box && count(box); }
  // An empty (or blank) question is not sent: the counter says why instead of nothing happening (blind QA).
  function blank() {
    const box = question(); if (!box || box.value.trim()) return false;
    const el = document.getElementById("q-count-text");
    if (el) { el.textContent = "Type a question first: the box is empty"; el.classList.add("over"); }
    return true;
  }
  function block(e) {
    e.preventDefault(); e.stopImmediatePropagation();
    const box = question(); if (box) box.focus({preventScroll: true});
    const el = document.getElementById("q-count-text"); if (el) el.scrollIntoView({block: "nearest"});
  }
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
    if (e.key === "Enter" && !e.shiftKey && e.target.matches && e.target.matches("#question textarea") && (tooLong() || blank())) block(e);
  }, true);
  document.addEventListener("click", (e) => {
    const t = e.target instanceof Element ? e.target : e.target.parentElement; if (!t) return;
    if (t.closest("#send") && (tooLong() || blank())) { block(e); return; }
    const cite = t.closest('a[href^="#src-"]');
    if (cite) {
      e.preventDefault();
      const id = cite.getAttribute("href").slice(1); window.__wantSrc = id;
      const msg = id.split("-")[1], panel = document.querySelector("#sources .src-panel");
      if (!panel || panel.dataset.msg !== msg) poke("pick-answer", msg);
      showSrc(); return;
    }
    if (t.closest("#theme-toggle")) { e.preventDefault(); toggleTheme(); return; }
    const open = t.closest(".src-open");
    if (open) { e.preventDefault(); poke("open-note", open.dataset.note); }
  }, true);
  // The timed interview's countdown (web/interview_view.py timer_html): counted from when this browser first saw it.
  function tick() {
    document.querySelectorAll("#iv-question .iv-timer").forEach((el) => {
      if (!el.dataset.t0) el.dataset.t0 = String(Date.now());
      const given = parseInt((el.getAttribute("datetime") || "").replace(/^PT/, ""), 10);  // "PT42S", "PT-5S"
      if (Number.isNaN(given)) return;
      const left = given - Math.floor((Date.now() - Number(el.dataset.t0)) / 1000);
      const mmss = (s) => Math.floor(s / 60) + ":" + String(s %% 60).padStart(2, "0");
      // Words, not a ⏱ glyph: fonts without emoji (Debian's Chromium) showed an empty box.
      const text = left >= 0 ? mmss(left) + " left"
        : "over the time limit by " + mmss(-left) + ": still graded, rated at most Hard";
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("over", left < 0);
    });
  }
  setInterval(tick, 1000);
  new MutationObserver(fixups).observe(document.documentElement, {subtree: true, childList: true, attributes: true, attributeFilter: ["lang"]});
  document.addEventListener("DOMContentLoaded", () => {
    fixups();
    new MutationObserver(applyTheme).observe(document.body, {attributes: true, attributeFilter: ["class"]});
  });
})();
</script>"""


THEME_TOGGLE = ('<button type="button" id="theme-toggle" aria-pressed="false" title="Switch between light and dark mode">'
                '<span aria-hidden="true">◐ </span>Dark mode</button>')


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
    ctx.assistant.warm_up()  # models, indexes and chain loaded before the first visitor (service.Assistant.warm_up)
    with gr.Blocks(title="DL Interview Assistant", analytics_enabled=False) as demo:
        ctx.demo = demo
        with gr.Row(elem_id="app-header", equal_height=False):
            gr.Markdown("## Deep-learning interview assistant\nAnswers come from your notes, with cited sources.")
            gr.HTML(THEME_TOGGLE, elem_id="theme-toggle-box", js_on_load=None, padding=False, min_width=120, scale=0)
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
        tabs.change(None, None, None, js=RELAYOUT_SIDEBAR, queue=False, show_progress="hidden")
    demo.queue(default_concurrency_limit=CONCURRENCY)
    demo.ctx = ctx
    return demo


def theme():
    """Gradio's default theme with system fonts (no font downloads: the app must work offline)."""
    import gradio as gr

    # WCAG AA: the default orange primary button (2.8:1) and grey help text (1.9:1) are darkened; in dark mode the
    # button keeps the same dark orange under white text (the default dark one was 3.6:1) and help text is lightened.
    return gr.themes.Default(font=["system-ui", "Segoe UI", "Noto Sans CJK SC", "sans-serif"],
                             font_mono=["ui-monospace", "DejaVu Sans Mono", "monospace"]).set(
        button_primary_background_fill="#c2410c", button_primary_background_fill_hover="#9a3412",
        button_primary_text_color="#ffffff", button_primary_border_color="#c2410c",
        button_primary_background_fill_dark="#c2410c", button_primary_background_fill_hover_dark="#9a3412",
        button_primary_text_color_dark="#ffffff", button_primary_border_color_dark="#c2410c",
        body_text_color_subdued_dark="#d1d5db", block_info_text_color_dark="#d1d5db", input_placeholder_color_dark="#9ca3af",
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
