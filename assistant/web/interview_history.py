"""The Interview tab's history, review schedule and export sections: layout and the values they show.

A part of the Interview page (web/interview.py renders and wires it), kept apart so that page
stays short. The history is stored, not per page, so nothing here waits for a click: the page
fills the sessions table, the per-topic chart and the FSRS schedule when the accordion is
opened (Gradio's Accordion.expand, so a returning user sees their history without pressing
Refresh, and a closed accordion costs nothing on page load) and again after every graded answer.
Refresh stays for a second browser tab that answered meanwhile. The exports are download buttons whose files are
written before they are pressed (when the accordion opens, the topic changes or a session moves on), so one click
downloads: a "make the file" button then a file box to click was two clicks (blind web QA); the report's button is
disabled, with a note saying why, until there is a session.
"""

from __future__ import annotations

from typing import Any

NO_REPORT = "No interview yet: answer a question first, then export its report."


class HistoryView:
    """The History and Export accordions of the Interview tab; values from the interview database."""

    def render(self) -> None:
        """Both accordions (inside the Interview tab, below the progress section)."""
        import gradio as gr

        with gr.Accordion("History and review schedule", open=False, elem_id="iv-history") as self.accordion:
            with gr.Row():
                self.refresh = gr.Button("Refresh", size="sm", scale=0, min_width=90, elem_id="iv-refresh")
            self.sessions = gr.Dataframe(headers=["#", "started", "answered", "mean score", "status"], interactive=False,
                                         elem_id="iv-sessions", label="Sessions (newest first)")
            # Slanted topic names: level ones overprinted each other on a phone ("Activation functionsConvolutional…").
            self.chart = gr.BarPlot(x="topic", y="mean score", title="Mean score per topic", y_lim=[0, 10],
                                    x_label_angle=-40, elem_id="iv-topic-chart")
            # Widths shared out and long cells wrapped: at 1280 px the question titles took the row and "weakest
            # point" was cut after a few characters behind a horizontal scroll (blind web QA).
            self.reviews = gr.Dataframe(headers=["question", "due", "known now", "points due", "weakest point"],
                                         interactive=False, label="Review schedule (FSRS)", elem_id="iv-schedule",
                                         wrap=True, column_widths=["34%", "12%", "10%", "10%", "34%"])
        with gr.Accordion("Export", open=False, elem_id="iv-export") as self.export_accordion:
            with gr.Row():
                # Disabled until their files are written: pressed before, a download button does nothing.
                self.export_anki = gr.DownloadButton("Anki deck of the key points (.apkg)", interactive=False,
                                                     elem_id="iv-export-anki")
                self.export_md = gr.DownloadButton("This session's report (.md)", interactive=False,
                                                   elem_id="iv-export-md")
            self.note = gr.Markdown("", elem_id="iv-export-note")

    @property
    def outputs(self) -> list:
        """The components `values()` fills, in order."""
        return [self.sessions, self.chart, self.reviews]

    @property
    def export_outputs(self) -> list:
        """The components `offers()` fills, in order."""
        return [self.export_anki, self.export_md, self.note]

    @classmethod
    def values(cls, store, notebook) -> tuple[list, Any, list]:
        """(sessions rows, per-topic chart data, schedule rows) for the current database and notes."""
        rows, chart = cls.history(store, notebook)
        return rows, chart, cls.schedule(store, notebook)

    @staticmethod
    def history(store, notebook):
        """Rows for the sessions table and the per-topic bar chart."""
        import pandas as pd

        names = {t.id: t.name for t in notebook.topics}
        rows = [[s["id"], s["started_at"][:16].replace("T", " "), f"{s['answered']}/{s['planned']}",
                 "-" if s["mean"] is None else round(s["mean"], 1), "finished" if s["finished_at"] else "unfinished"]
                for s in store.sessions_summary()]
        chart = pd.DataFrame([{"topic": names.get(t["topic"], t["topic"]), "mean score": round(t["mean"], 1)}
                              for t in store.topic_progress()], columns=["topic", "mean score"])
        return rows, chart

    @staticmethod
    def schedule(store, notebook):
        """Rows of the review schedule: what is due when, and how well each is known now."""
        from assistant.interview.schedule_view import schedule_rows

        return [[r["label"], r["due"], f"{r['known']:.0%}", f"{r['points_due']}/{r['points']}", r["weakest"]]
                for r in schedule_rows(notebook.live_cards(store.cards()), store.answered_topics())]

    @staticmethod
    def offers(deck: str | None, report: str | None):
        """(deck button, report button, note): each button downloads its file; without a report it is disabled and
        the note says why. A deck of None leaves the deck button as it is (only the report changed)."""
        import gradio as gr

        deck_update = gr.update() if deck is None else gr.update(value=deck, interactive=True)
        if not report:
            return deck_update, gr.update(value=None, interactive=False), f"*{NO_REPORT}*"
        return deck_update, gr.update(value=report, interactive=True), ""
