"""The Notes tab: browse the indexed questions and read one section, rendered safely.

The list comes from `Assistant.notes()` and each body from `Assistant.section()`; the
Markdown goes through html.note_html, so raw HTML in a notes file stays text and the
figures that are not shipped show a placeholder.
"""

from __future__ import annotations

from pathlib import Path

from assistant.web.base import Page
from assistant.web.html import note_html

KIND_MARKS = {"link-only": " · links only", "image-only": " · figure only"}  # text: emoji fonts may be missing


def note_key(note: dict) -> str:
    """The radio value naming one section: '<file_key>::<uid>'."""
    return f"{note['file_key']}::{note['uid']}"


def note_label(note: dict, many_files: bool) -> str:
    """How a question is listed: number, title, a mark for link/image-only sections."""
    prefix = f"{Path(note['file']).stem} · " if many_files else ""
    return f"{prefix}{note['question']}. {note['title']}{KIND_MARKS.get(note.get('kind', 'text'), '')}"


class NotesPage(Page):
    """A filterable question list beside the selected section."""

    title = "Notes"

    def render(self) -> None:
        """Filter box and question list on the left, the section on the right."""
        import gradio as gr

        notes = self.ctx.assistant.notes()
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=280):
                self.filter = gr.Textbox(show_label=False, placeholder="Filter questions…", elem_id="notes-filter")
                self.list = gr.Radio(self.choices(notes), label=f"{len(notes)} questions", elem_id="notes-list")
            with gr.Column(scale=3, min_width=360):
                self.view = gr.HTML('<div class="src-empty">Pick a question to read its section.</div>',
                                    elem_id="note-view", js_on_load=None)

    def render_hidden(self) -> None:
        """Outside the tabs, so it exists whichever tab is shown: set by a source card's "Open in Notes"
        ("<file_key>::<uid>|<nonce>") to switch here with that section selected."""
        import gradio as gr

        self.opener = gr.Textbox(label="Section to open", visible="hidden", elem_id="open-note")

    def wire(self) -> None:
        """Filtering narrows the list; choosing a question shows its section."""
        import gradio as gr

        self.filter.change(lambda text: gr.update(choices=self.choices(self.ctx.assistant.notes(), text)),
                           self.filter, self.list, queue=False)
        self.list.change(self.show, self.list, self.view)
        outputs = [self.filter, self.list, self.view] + ([self.ctx.tabs] if self.ctx.tabs is not None else [])
        self.opener.change(self.open, self.opener, outputs, show_progress="hidden")

    def open(self, value: str):
        """Switch to the Notes tab with one section selected and shown (from a source card)."""
        import gradio as gr

        key = (value or "").rpartition("|")[0] or value
        updates = ["", gr.update(choices=self.choices(self.ctx.assistant.notes()), value=key), self.show(key)]
        return tuple(updates + ([gr.Tabs(selected=self.title.lower())] if self.ctx.tabs is not None else []))

    def choices(self, notes: list[dict], text: str = "") -> list[tuple[str, str]]:
        """(label, key) pairs of the questions whose label contains `text` (case-insensitive)."""
        many = len({n["file_key"] for n in notes}) > 1
        labelled = [(note_label(n, many), note_key(n)) for n in notes]
        return [c for c in labelled if text.strip().lower() in c[0].lower()]

    def show(self, key: str | None) -> str:
        """The rendered section for a radio value."""
        if not key:
            return '<div class="src-empty">Pick a question to read its section.</div>'
        file_key, _, uid = key.partition("::")
        note = next((n for n in self.ctx.assistant.notes() if n["file_key"] == file_key and str(n["uid"]) == uid), None)
        if note is None:
            return '<div class="src-empty">This question is no longer in the index.</div>'
        return note_html(note, self.ctx.assistant.section(file_key, uid))
