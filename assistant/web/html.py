"""Safe rendering for the web app: every string from the notes, a user or a model becomes inert HTML here.

Pure functions, no Gradio: the pages call them and put the result into gr.HTML (our own
markup, fully escaped) or gr.Chatbot (Markdown that Gradio renders and sanitizes; we
still neutralise tags, images and non-web links first, so safety never depends on the
front end alone). Notes Markdown is rendered with markdown-it-py with raw HTML disabled,
so a `<script>` in a notes file is shown as text. Images referenced by the notes are not
shipped, so they become a visible "figure not included" placeholder instead of a broken icon.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import unquote

from assistant.notes.text import IMG_RE, LINK_RE

_WEB_URL = re.compile(r"^(?:https?://|mailto:)", re.I)
_CODE = re.compile(r"(```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)|`[^`\n]*`)")
_FIG_TOKEN = "zzfigmissing{}zz"
_FIG_TOKEN_RE = re.compile(r"zzfigmissing(\d+)zz")
# Template engines in the front end treat `${...}` and `{{...}}` specially; entities keep them literal.
_EXTRA_ENTITIES = str.maketrans({"$": "&#36;", "{": "&#123;", "}": "&#125;", "`": "&#96;"})


def escape(text: object) -> str:
    """HTML-escape any value for text or a quoted attribute (quotes, `$`, braces and backticks too)."""
    return html.escape("" if text is None else str(text), quote=True).translate(_EXTRA_ENTITIES)


def status_line(kind: str, text: str, ok: bool = True, mark: bool = True, alert: bool = False) -> str:
    """One line saying how an action went, under the form it belongs to ('' for no text):
    `<div class="<kind> ok|bad" role="status">✓|✗ text</div>`. `kind` is the page's class for it (each page
    styles its own); `mark=False` leaves out ✓/✗; `alert` makes a failure role="alert", read out at once."""
    if not text:
        return ""
    role = "alert" if alert and not ok else "status"
    lead = ("✓ " if ok else "✗ ") if mark else ""
    return f'<div class="{escape(kind)} {"ok" if ok else "bad"}" role="{role}">{lead}{escape(text)}</div>'


SEND_HINT = "Enter to send, Shift+Enter for a new line"  # beside the counter: in the placeholder it was clipped


def counter_html(n: int, limit: int) -> str:
    """The character counter under the question box (the browser updates it while typing), and how to send."""
    over = n > limit
    text = f"{n:,} / {limit:,} characters" + (f" — too long: shorten it by {n - limit:,} to send" if over else "")
    # The hint is beside the live region, not in it: a screen reader would repeat it at every keystroke.
    return (f'<div class="q-count-row"><div id="q-count-text" class="q-count{" over" if over else ""}" aria-live="polite">'
            f'{escape(text)}</div><div class="q-hint">{escape(SEND_HINT)}</div></div>')


def safe_url(url: str | None) -> str:
    """The URL if it is an http(s) or mailto link, else '' (no javascript:, data:, relative paths)."""
    url = (url or "").strip()
    return url if _WEB_URL.match(url) and not re.search(r"[\s\"'<>`]", url) else ""


def figure_name(src: str) -> str:
    """The file name of an image reference, e.g. '_asset/RNN-01.png' → 'RNN-01.png'."""
    return unquote(src.split("?")[0].rstrip("/").rsplit("/", 1)[-1]) or src


def figure_placeholder(src: str) -> str:
    """The visible stand-in for an image that is not shipped with the notes."""
    return f'<span class="fig-missing" role="img" aria-label="figure not included">figure not included: {escape(figure_name(src))}</span>'


def external_link(url: str, text: str) -> str:
    """An escaped link that opens in a new tab, or the escaped text alone if the URL is not a web URL."""
    href = safe_url(url)
    if not href:
        return escape(text)
    return f'<a href="{escape(href)}" target="_blank" rel="noopener noreferrer">{escape(text)}</a>'


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.validateLink = lambda url: bool(safe_url(url))  # relative and script links stay plain text

    def link_open(renderer, tokens, idx, options, env):
        tokens[idx].attrSet("target", "_blank")
        tokens[idx].attrSet("rel", "noopener noreferrer")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def _local_links(text: str) -> str:
    """Links to other notes files (not shipped) become their title plus a note, instead of dead links."""

    def repl(m: re.Match) -> str:
        title, url = m.group(1), m.group(2)
        if safe_url(url):
            return m.group(0)
        path = url.split("#")[0]
        return f"{title} (notes file not included: {figure_name(path)})" if path.endswith(".md") else title

    return LINK_RE.sub(repl, text)


_BARE_URL = re.compile(r"(?<![(\[<\"'=])\bhttps?://[^\s<>()\[\]\"'`，。；）]+[^\s<>()\[\]\"'`，。；）.,;:!?]")


def _autolink(text: str) -> str:
    """Bare http(s) URLs outside code become Markdown autolinks, so the notes' plain URLs are clickable."""
    pieces = _CODE.split(text)
    return "".join(_BARE_URL.sub(lambda m: f"<{m.group(0)}>", p) if i % 2 == 0 else p for i, p in enumerate(pieces))


def markdown_html(text: str) -> str:
    """Notes Markdown → safe HTML: raw HTML shown as text, images as placeholders, web links (bare URLs too)."""
    figures: list[str] = []

    def hold(m: re.Match) -> str:
        figures.append(m.group(1) or m.group(2) or "")
        return _FIG_TOKEN.format(len(figures) - 1)

    source = _autolink(_local_links(IMG_RE.sub(hold, text or "")))
    rendered = _markdown().render(source)
    return _FIG_TOKEN_RE.sub(lambda m: figure_placeholder(figures[int(m.group(1))]), rendered)


def chat_markdown(text: str) -> str:
    """Markdown for gr.Chatbot: no raw tags, no images, no non-web links; code spans untouched."""

    def outside_code(part: str) -> str:
        part = IMG_RE.sub(lambda m: f"*[figure not included: {figure_name(m.group(1) or m.group(2) or '')}]*", part)
        part = LINK_RE.sub(lambda m: m.group(0) if safe_url(m.group(2)) else m.group(1), part)
        # A bare URL becomes an explicit link that ends where the URL does: the chat's own autolinking ran on into
        # the Chinese after it ("…/1506.02640）又回到了" was one link, blind web QA). `<url>` would be escaped below.
        return _BARE_URL.sub(lambda m: f"[{m.group(0)}]({m.group(0)})", part.replace("<", "&lt;"))

    pieces = _CODE.split(text or "")
    # re.split with one group alternates text and code: even indexes are outside code.
    return "".join(outside_code(p) if i % 2 == 0 else p for i, p in enumerate(pieces))


_CITE = re.compile(r"\[(\d{1,3})\](?!\()")


def link_citations(text: str, msg: int) -> str:
    """Chat Markdown with each `[n]` outside code turned into a link to source card `#src-<msg>-<n>`."""
    pieces = _CODE.split(text or "")
    linked = (_CITE.sub(lambda m: f"[\\[{m.group(1)}\\]](#src-{msg}-{m.group(1)})", p) if i % 2 == 0 else p
              for i, p in enumerate(pieces))
    return "".join(linked)


def interpreted_as(question: str, standalone: str) -> str:
    """The "interpreted as …" line under an answer, or '' when the rewritten question is the typed one."""
    from assistant.answering.response import rewritten

    read = rewritten(question, standalone)
    return f"\n\n*↳ Interpreted as: {chat_markdown(read).replace('*', '＊')}*" if read else ""


def weak_line(note: str) -> str:
    """The weak-match line above an answer (the notes may not answer it exactly), or '' for a clear match."""
    return f"*⚠ {chat_markdown(note).replace('*', '＊')}*\n\n" if note else ""


def mode_badge(mode: str, covered: bool = True, uncited: bool = False) -> str:
    """A coloured badge naming the answerer: extractive quotes, llm:<model>, or a fallback; a generated answer that
    cites none of its sections (`uncited`) is "Unchecked", not "Generated" (blind QA: a looping, uncited answer was
    shown under the green badge)."""
    mode = mode or "extractive"
    if mode.startswith("extractive (fallback"):
        failed = mode.removeprefix("extractive (fallback from ").removesuffix(")")
        kind, text = "fallback", f"Fallback · {failed} failed → extractive quotes"
    elif mode.startswith("extractive"):
        kind, text = "extractive", "Extractive · verbatim quotes from the notes"
    elif uncited:
        kind, text = "unchecked", f"Unchecked · {mode} cited no section of the notes"
    else:
        kind, text = "llm", f"Generated · {mode}"
    if not covered:  # nothing was quoted or generated from the notes: naming the answerer would mislead
        kind, text = "uncovered", "Not in the notes"
    return f'<span class="mode-badge mode-{kind}" data-mode="{escape(mode)}">{escape(text)}</span>'


def source_item(n: int, source: dict, msg: int = 0) -> str:
    """One cited section (a source of `chats.record.answer_record`): number, label, relevance, matched
    subsection, excerpt, original link, open in Notes."""
    sub, url = source.get("section", ""), source.get("url", "")
    link = ""
    # Not when the excerpt already links it (a link-only section's first line is that link: it was shown twice).
    if safe_url(url) and url not in source.get("excerpt", ""):
        link = f'<div class="src-link">↗ {external_link(url, source.get("url_title") or url)}</div>'
    relevance = (f'<span class="src-rel" title="cosine similarity of the best matching passage">'
                 f'relevance {float(source.get("relevance") or 0):.2f}</span>')
    key = escape(source.get("note", ""))
    return (
        f'<li class="src-item" id="src-{msg}-{n}" data-n="{n}" tabindex="-1"><div class="src-top"><span class="src-n">[{n}]</span> '
        f'<span class="src-title">{escape(source.get("label", ""))}</span></div>'
        f'<div class="src-sub">{relevance}'
        + (f' · matched: <span class="src-section">{escape(sub)}</span>' if sub else "")
        + f'</div><div class="src-excerpt">{markdown_html(source.get("excerpt", ""))}</div>{link}'
        f'<button type="button" class="src-open" data-note="{key}">Open in Notes</button></li>'
    )


def which_answer(panel: str, msg: int, of: int) -> str:
    """A kept sources panel with 'Sources of answer m of n' on top when the chat has several answers."""
    if of <= 1:
        return panel
    head = f'data-msg="{msg}">'
    return panel.replace(head, f'{head}<div class="src-which">Sources of answer {msg + 1} of {of}</div>', 1)


def source_list(sources: list[dict], msg: int = 0) -> str:
    """The "Sources" heading and a card per cited section."""
    items = "".join(source_item(int(s.get("n", i + 1)), s, msg) for i, s in enumerate(sources))
    return f'<div class="src-head">Sources</div><ol class="src-list">{items}</ol>'


def pointer_list(pointers: list[dict]) -> str:
    """Sections named without being cited (a declined question's pointers, an uncited answer's retrieved sections):
    label, the sentence that names the subject if any, and "Open in Notes"."""
    items = "".join(
        f'<li class="src-item src-pointer"><div class="src-top"><span class="src-title">{escape(p.get("label", ""))}'
        f'</span></div>' + (f'<div class="src-excerpt">{markdown_html(p["sentence"])}</div>' if p.get("sentence") else "")
        + f'<button type="button" class="src-open" data-note="{escape(p.get("note", ""))}">Open in Notes</button></li>'
        for p in pointers)
    return f'<ul class="src-list src-pointers">{items}</ul>'


def sources_panel(result=None, pending: bool = False, msg: int = 0) -> str:
    """The panel beside the chat for answer `msg` (0-based): mode badge and every cited section.

    `result` is an AnswerResult (a live answer) or its saved record (`chats.record.answer_record`);
    both render through the record, so a reopened conversation shows exactly what was shown live.
    """
    if result is None:
        return '<div class="src-panel"><div class="src-empty">Ask a question: the sections its answer cites appear here.</div></div>'
    if not isinstance(result, dict):
        from assistant.chats.record import answer_record

        result = answer_record(result, pending=pending)
    r = result
    # Cut off before retrieval, neither the answerer nor coverage is known: no badge (not "Not in the notes").
    badge = "" if r.get("retrieving") else mode_badge(r.get("mode", ""), bool(r.get("covered")) or pending,
                                                      bool(r.get("uncited")) and not r.get("sources"))
    parts = [f'<div class="src-panel" data-msg="{msg}"><div class="src-badges">{badge}</div>']
    # No notice here: the chain writes each notice (the model failed and quotes follow, the reply was cut, it cites
    # nothing) into the answer itself, where it belongs to that answer; repeated here it was shown twice (blind QA).
    # The badge above still says which answerer failed.
    sources = r.get("sources") or []
    if pending:
        parts.append(f'<div class="src-empty">Answering from {int(r.get("retrieved", 0))} retrieved section(s)…</div>')
    elif r.get("interrupted") and (r.get("covered") or r.get("retrieving")):
        from assistant.web.unfinished import interrupted_sources

        parts.append(interrupted_sources(r, msg))
    elif not r.get("covered") and r.get("pointers"):
        # Not sources (nothing is cited), but where to read on: the section that names it, or the nearest ones.
        parts.append('<div class="src-empty">The notes do not answer this question, so nothing is cited. '
                     f'Where to read on:</div>{pointer_list(r["pointers"])}')
    elif not r.get("covered"):
        parts.append('<div class="src-empty">The notes do not cover this question, so there are no sources. '
                     'Try other words, or browse the <b>Notes</b> tab.</div>')
    elif not sources and r.get("uncited"):  # blind QA: the notice pointed to "the sections retrieved below", not shown
        parts.append('<div class="src-empty">The answer cites no section of the notes. The sections it was given, '
                     f'to check it against:</div>{pointer_list(r["uncited"])}')
    elif not sources:
        parts.append('<div class="src-empty">The answer cites no section of the notes.</div>')
    else:
        parts.append(source_list(sources, msg))
    if r.get("invalid_citations") and not pending:
        nums = ", ".join(f"[{int(n)}]" for n in r["invalid_citations"])
        parts.append(f'<div class="src-removed">Removed citation(s) {escape(nums)}: no such source.</div>')
    parts.append("</div>")
    return "".join(parts)


_KIND_NOTES = {
    "link-only": "This question has no written answer in the notes; follow the links below.",
    "image-only": "The answer to this question is a figure that is not included with the notes.",
    "empty": "This question has nothing written under it in the notes yet.",
}


def note_html(note: dict, body: str) -> str:
    """One notes section for the Notes tab: heading, file, kind hint, original source, rendered body."""
    head = f'<h2 class="note-title">第{escape(note.get("question"))}题 {escape(note.get("title"))}</h2>'
    meta = f'<div class="note-meta">{escape(figure_name(str(note.get("file", ""))))}'
    if safe_url(note.get("source")):
        meta += f' · {external_link(note["source"], "original source ↗")}'
    meta += "</div>"
    hint = _KIND_NOTES.get(note.get("kind", "text"), "")
    hint_html = f'<div class="note-hint">{escape(hint)}</div>' if hint else ""
    content = markdown_html(body) if body.strip() else '<p class="src-empty">This section is empty.</p>'
    return f'<article class="note">{head}{meta}{hint_html}<div class="note-body">{content}</div></article>'
