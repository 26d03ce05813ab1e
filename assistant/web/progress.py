"""The Interview tab's progress section: mastery per topic and per question, and scores over time.

A part of the Interview page (not a tab of its own): `render()` lays out the mastery bars, the
line chart of overall and per-topic scores per session, day or answer (web/progress_chart.py)
and the per-question list; `values()` computes all three from the store, and the page
refreshes them after every graded answer. The numbers are interview/mastery.py's and
interview/progress.py's; the history tables (sessions, FSRS schedule) are web/interview_history.py.
"""

from __future__ import annotations

from assistant.web.progress_chart import chart_html

GROUPS = {"per session": "session", "per day": "day", "per answer": "answer"}


class ProgressView:
    """Mastery bars, the progress chart and the mastery table; values from the interview database."""

    def render(self) -> None:
        """The progress section's components (inside the Interview tab)."""
        import gradio as gr

        gr.Markdown("### Your progress", elem_id="progress-title")
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=300):
                self.topics = gr.HTML(self.empty_topics(), elem_id="topic-mastery", js_on_load=None, padding=False)
            with gr.Column(scale=3, min_width=300):
                self.group = gr.Radio(list(GROUPS), value="per session", label="Scores over time", elem_id="progress-group")
                self.chart = gr.HTML(chart_html([], "session"), elem_id="progress-chart", js_on_load=None, padding=False)
        self.questions = gr.HTML("", elem_id="question-mastery", js_on_load=None, padding=False)

    @property
    def outputs(self) -> list:
        """The components `values()` fills, in order."""
        return [self.topics, self.chart, self.questions]

    @staticmethod
    def empty_topics() -> str:
        from assistant.web.interview_view import topic_mastery_html

        return topic_mastery_html([], {})

    @staticmethod
    def values(store, notebook, group: str = "per session", now: float | None = None):
        """(topic bars, chart, per-question list), all HTML, for the current database and notes."""
        from assistant.interview import mastery, progress
        from assistant.web.interview_view import question_mastery_html, topic_mastery_html

        names = {t.id: t.display for t in notebook.topics}
        history = store.answer_history()
        practised = mastery.questions(notebook.live_cards(store.cards()), history, now)
        askable: dict[str, list[str]] = {}
        for note in notebook.askable():
            askable.setdefault(note.topic, []).append(note.key)
        topics = mastery.topics(practised, askable)
        asked = GROUPS.get(group, "session")
        used, rows = progress.trend(history, asked, names)
        return topic_mastery_html(topics, names), chart_html(rows, used, asked), question_mastery_html(practised, names)
