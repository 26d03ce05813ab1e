"""The Notes tab: search the indexed questions (titles and bodies) and read one section, rendered safely.

Search is a case-insensitive match over each section's title and body, read from the
retriever's section catalogue (`Assistant.section()`); when nothing contains the words, the
retriever's own ranking (`Assistant.search()`, dense + BM25) lists the sections that cover them.
Each match is listed with a snippet of where the words occur, and the opened section has them marked
(web/notes_search.py).

The list comes from `Assistant.notes()` and each body from `Assistant.section()`; the
Markdown goes through html.note_html, so raw HTML in a notes file stays text and the
figures that are not shipped show a placeholder.

"Add notes" uploads a Markdown file: `Assistant.add_notes` checks it (one-line errors, as
`assistant ingest` words them), saves it in the data directory's notes folder and runs the
incremental ingest with a progress bar; the chat, this list and the interview use it at once.
"""

from __future__ import annotations

import os
from pathlib import Path

import gradio as gr

from assistant.notes.parse import section_key
from assistant.web.base import Page
from assistant.web.html import note_html, status_line
from assistant.web.notes_search import highlight, search_words, with_snippet

PROGRESS = gr.Progress()  # Gradio recognises the default and tracks each call's progress on its own
UPLOAD = "upload-status"  # the class of an upload's outcome line; a refused file is role="alert" (read out at once)
KIND_MARKS = {"link-only": " · links only", "image-only": " · figure only", "empty": " · empty"}  # text: emoji fonts may be missing
# After "Open in Notes" (blind QA: 第40题 was selected but below the list's fold): the opened entry is centred in the
# list, which scrolls on its own (styles.py #notes-list), so the page and the section beside it stay where they are.
# The entry is waited for (the radio re-renders after this runs) and must be the checked one with the opened key, so
# a previous selection is not scrolled to instead. `value` is the opener's "<key>|<nonce>".
SCROLL_TO_OPENED = """(value) => {
  const bar = (value || "").lastIndexOf("|"), key = bar > 0 ? value.slice(0, bar) : (value || "");
  let tries = 0;
  const go = () => {
    const list = document.getElementById("notes-list");
    const input = list && [...list.querySelectorAll("input[type=radio]")].find((i) => i.value === key && i.checked);
    if (!input || !input.offsetParent) { if (++tries < 60) setTimeout(go, 50); return; }
    const entry = input.closest("label") || input, box = list.getBoundingClientRect(), at = entry.getBoundingClientRect();
    list.scrollTop += (at.top - box.top) - (list.clientHeight - at.height) / 2;
    const seen = entry.getBoundingClientRect();  // the page too, if the list runs past the window's edge
    if (seen.top < 0 || seen.bottom > window.innerHeight) entry.scrollIntoView({block: "nearest"});
  };
  go();
}"""


def note_key(note: dict) -> str:
    """The radio value naming one section: '<file_key>::<uid>' (`section_key`, as saved sources name it)."""
    return section_key(note["file_key"], note["uid"])


def note_label(note: dict, many_files: bool) -> str:
    """How a question is listed: number, title, a mark for link/image-only sections."""
    prefix = f"{Path(note['file']).stem} · " if many_files else ""
    return f"{prefix}{note['question']}. {note['title']}{KIND_MARKS.get(note.get('kind', 'text'), '')}"


class NotesPage(Page):
    """A filterable question list beside the selected section."""

    title = "Notes"

    def render(self) -> None:
        """Filter box, question list and "Add notes" on the left, the section on the right."""
        notes = self.ctx.assistant.notes()
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=280):
                self.filter = gr.Textbox(label="Search the notes", show_label=False, elem_id="notes-filter",
                                         placeholder="Search titles and text, e.g. clipnorm, ReLU…")
                self.list = gr.Radio(self.choices(notes), label=f"{len(notes)} questions", elem_id="notes-list")
                with gr.Accordion("Add notes", open=False, elem_id="notes-add"):
                    gr.Markdown("A Markdown file with one `## N. question` section per question (UTF-8, at most 2 MB). "
                                "It is saved in your data directory and indexed; the same name again replaces it.")
                    self.upload = gr.File(label="Notes file (.md)", file_count="single", type="filepath",
                                          elem_id="notes-upload")
                    self.upload_status = gr.HTML("", elem_id="notes-upload-status", js_on_load=None, padding=False)
            with gr.Column(scale=3, min_width=360):
                self.view = gr.HTML('<div class="src-empty">Pick a question to read its section.</div>',
                                    elem_id="note-view", js_on_load=None)

    def render_hidden(self) -> None:
        """Outside the tabs, so it exists whichever tab is shown: set by a source card's "Open in Notes"
        ("<file_key>::<uid>|<nonce>") to switch here with that section selected."""
        self.opener = gr.Textbox(label="Section to open", visible="hidden", elem_id="open-note")

    def wire(self) -> None:
        """Filtering narrows the list; choosing a question shows its section; an upload adds notes."""
        self.filter.change(self.on_filter, self.filter, self.list, queue=False)
        # The list render() built is the notes at server start: each page load lists the notes uploaded since.
        self.on_page_load(self.on_filter, self.filter, self.list)
        # On a phone the section renders below the list: bring it into view once shown.
        self.list.change(self.show, [self.list, self.filter], self.view).then(
            None, None, None, js="() => { if (window.innerWidth < 720) "
                                 "document.getElementById('note-view')?.scrollIntoView({block: 'start'}); }")
        outputs = [self.filter, self.list, self.view] + ([self.ctx.tabs] if self.ctx.tabs is not None else [])
        self.opener.change(self.open, self.opener, outputs, show_progress="hidden").then(
            None, self.opener, None, js=SCROLL_TO_OPENED, show_progress="hidden")
        self.upload.upload(self.on_upload, self.upload, [self.upload_status, self.upload, self.filter, self.list, self.view])

    def on_filter(self, text: str = ""):
        """The questions matching the search box, counted in the list's label ("3 of 22 questions")."""
        notes = self.ctx.assistant.notes()
        found = self.choices(notes, text or "")
        if not (text or "").strip():
            label = f"{len(notes)} questions"
        elif found:
            label = f"{len(found)} of {len(notes)} questions"
        else:
            label = f"No question mentions '{text.strip()[:40]}': try other words"
        return gr.update(choices=found, label=label)

    def on_upload(self, path: str | None, progress=PROGRESS):
        """Check, save and ingest an uploaded notes file; a one-line message either way, the new notes listed."""
        from assistant.errors import UserError, first_line
        from assistant.retrieval.uploads import check_file, shown_name

        if not path:
            return "", None, gr.skip(), gr.skip(), gr.skip()
        name = shown_name(path)
        try:
            check_file(name, os.path.getsize(path))
            data = Path(path).read_bytes()
            progress(0, desc=f"Indexing {name}")
            saved, report, questions = self.ctx.assistant.add_notes(
                name, data, on_progress=lambda done, total: progress(done / max(total, 1), desc=f"Embedding {done}/{total} chunks"))
        except UserError as exc:
            return status_line(UPLOAD, first_line(exc, 300), ok=False, alert=True), None, gr.skip(), gr.skip(), gr.skip()
        except Exception as exc:  # the index failed underneath: one line, the notes as they were
            return status_line(UPLOAD, f"{name}: could not be indexed ({first_line(exc, 200)})", ok=False, alert=True), \
                None, gr.skip(), gr.skip(), gr.skip()
        self.__dict__.pop("_bodies", None)  # a replaced file's sections have the same keys
        notes = self.ctx.assistant.notes()
        indexed = {note_key(n) for n in notes}
        # A section the notes already had word for word is indexed once (notes/corpus.py): show the file's first
        # own section, or else the copy that is indexed.
        first = next((k for k in (section_key(q.file_key, q.uid) for q in questions) if k in indexed),
                     report.repeats[0].kept_key if report.repeats else None)
        repeated = (f" {len(report.repeats)} already in your notes word for word (e.g. {Path(report.repeats[0].kept_file).name}), "
                    "so kept once.") if report.repeats else ""
        # A numbered heading the parser did not read (parse.Skipped) is text the user expects to find: say so.
        unread = (f" {len(report.skipped)} numbered heading(s) not read as questions, e.g. line {report.skipped[0].line} "
                  f"'{report.skipped[0].heading[:40]}': write '## N. question' and upload again.") if report.skipped else ""
        line = (f"Added {saved.name}: {len(questions)} question(s), {report.added} new or changed, "
                f"{report.unchanged} unchanged.{repeated}{unread} Saved in {saved.parent}; ask about them in Chat.")
        return (status_line(UPLOAD, line), None, "",
                gr.update(choices=self.choices(notes), value=first, label=f"{len(notes)} questions"), self.show(first))

    def open(self, value: str):
        """Switch to the Notes tab with one section selected and shown (from a source card)."""
        key = (value or "").rpartition("|")[0] or value
        updates = ["", gr.update(choices=self.choices(self.ctx.assistant.notes()), value=key), self.show(key)]
        return tuple(updates + ([gr.Tabs(selected=self.title.lower())] if self.ctx.tabs is not None else []))

    def choices(self, notes: list[dict], text: str = "") -> list[tuple[str, str]]:
        """(label, key) pairs of the questions whose title or body contains every word of `text` (case-insensitive,
        either Chinese script);
        when none does, the sections the retriever finds for it."""
        many = len({n["file_key"] for n in notes}) > 1
        labelled = [(note_label(n, many), note_key(n), n) for n in notes]
        from assistant.notes.terms import to_simplified

        # Both sides folded to Simplified: "注意力机制" finds notes written 注意力機制, and the other way round.
        words = search_words(text)
        if not words:
            return [(label, key) for label, key, _ in labelled]
        found = [(with_snippet(label, self.body(n), words), key) for label, key, n in labelled
                 if all(w in to_simplified(f"{label}\n{self.body(n)}".lower()) for w in words)]
        return found or self.ranked(labelled, text)

    def body(self, note: dict) -> str:
        """A section's Markdown, cached per (file_key, uid) for this page."""
        cache = self.__dict__.setdefault("_bodies", {})
        key = note_key(note)
        if key not in cache:
            try:
                cache[key] = self.ctx.assistant.section(note["file_key"], str(note["uid"]))
            except Exception:  # a section that cannot be read is searched by its title only
                cache[key] = ""
        return cache[key]

    def ranked(self, labelled: list, text: str) -> list[tuple[str, str]]:
        """The retriever's covered sections for `text` (no exact match anywhere), best first."""
        try:
            result = self.ctx.assistant.search(text)
        except Exception:  # e.g. a query over the length limit: no fallback list
            return []
        if not result.covered:
            return []
        by_key = {key: label for label, key, _ in labelled}
        keys = [section_key(h.file_key, h.uid) for h in result.hits]
        return [(by_key[k], k) for k in keys if k in by_key]

    def show(self, key: str | None, text: str = "") -> str:
        """The rendered section for a radio value, with the words searched for (`text`) marked."""
        if not key:
            return '<div class="src-empty">Pick a question to read its section.</div>'
        file_key, _, uid = key.partition("::")
        note = next((n for n in self.ctx.assistant.notes() if n["file_key"] == file_key and str(n["uid"]) == uid), None)
        if note is None:
            return '<div class="src-empty">This question is no longer in the index.</div>'
        return highlight(note_html(note, self.ctx.assistant.section(file_key, uid)), search_words(text))
