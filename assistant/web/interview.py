"""The Interview tab: the same mock interview as `assistant interview`, in the browser.

All interview logic is `interview.session.Interview`; this page only lays out components
and turns clicks into calls. The session id is the only per-browser state (a gr.State):
each event reopens the session from the database, so a reload or a second tab continues it.
"""

from __future__ import annotations

from functools import cached_property

import gradio as gr

from assistant.web.base import Page

ALL_TOPICS = "all topics"


class InterviewPage(Page):
    """Mock interview: pick a topic, answer, get graded; history and per-topic progress below."""

    title = "Interview"

    @cached_property
    def kit(self):
        """Notebook, prompts and grader, built on first use from the shared Assistant (as the CLI does)."""
        from assistant.interview.kit import InterviewKit

        return InterviewKit.build(self.ctx.settings, self.ctx.assistant)

    def _store(self):
        from assistant.interview.store import Store

        return Store(self.ctx.settings.db_path)

    def render(self) -> None:
        """Controls, the question/answer area, the report, and the history table and chart."""
        from assistant.interview.topics import load_topics

        self.session_id = gr.State(None)
        with gr.Row():
            self.topic = gr.Dropdown([ALL_TOPICS] + [t.display for t in load_topics()], value=ALL_TOPICS, label="Topic")
            self.n = gr.Slider(1, 20, value=5, step=1, label="Questions")
            self.start = gr.Button("Start interview", variant="primary")
            self.resume = gr.Button("Resume last")
        self.question = gr.Markdown("Press *Start interview* to get the first question.")
        self.answer = gr.Textbox(label="Your answer", lines=4, placeholder="Answer as you would in an interview")
        with gr.Row():
            self.submit = gr.Button("Submit answer", variant="primary")
            self.skip = gr.Button("Skip (show the notes)")
        self.feedback = gr.Markdown()
        self.report = gr.Markdown()
        with gr.Accordion("History and progress", open=False):
            self.refresh = gr.Button("Refresh")
            self.sessions = gr.Dataframe(headers=["#", "started", "answered", "mean score", "status"], interactive=False)
            self.chart = gr.BarPlot(x="topic", y="mean score", title="Mean score per topic", y_lim=[0, 10])

    def wire(self) -> None:
        """Start/resume/submit/skip update the question, feedback and report; refresh fills history."""
        outputs = [self.session_id, self.question, self.answer, self.feedback, self.report]
        self.start.click(self.on_start, [self.topic, self.n], outputs)
        self.resume.click(self.on_resume, None, outputs)
        self.submit.click(self.on_answer, [self.session_id, self.answer], outputs)
        self.answer.submit(self.on_answer, [self.session_id, self.answer], outputs)
        self.skip.click(self.on_skip, [self.session_id], outputs)
        self.refresh.click(self.on_history, None, [self.sessions, self.chart])

    # -- handlers (plain functions of values, unit-testable without a browser) --------------
    def on_start(self, topic_display: str, n: float):
        """Plan a new session and show its first question."""
        from assistant.interview.session import InterviewError
        from assistant.interview.topics import load_topics

        topic = next((t.id for t in load_topics() if t.display == topic_display), None)
        try:
            session = self.kit.start(self._store(), topic, int(n))
        except InterviewError as exc:
            return None, f"**{exc}**", "", "", ""
        return self._show(session, "")

    def on_resume(self):
        """Continue the latest unfinished session."""
        session = self.kit.resume(self._store())
        if session is None:
            return None, "No unfinished interview: start a new one.", "", "", ""
        return self._show(session, "")

    def on_answer(self, session_id, text: str):
        """Grade the answer, then show the feedback and the next question (or the report)."""
        if not (text or "").strip():
            session = self._load(session_id)
            return self._show(session, "*Type an answer first (or skip).*") if session else self.on_resume()
        return self._grade(session_id, lambda s: s.answer(text))

    def on_skip(self, session_id):
        """Skip the current question; the feedback quotes the notes."""
        return self._grade(session_id, lambda s: s.skip())

    def on_history(self):
        """Rows for the sessions table and the per-topic bar chart."""
        import pandas as pd

        from assistant.interview.topics import load_topics

        store = self._store()
        names = {t.id: t.name for t in load_topics()}
        rows = [[s["id"], s["started_at"][:16].replace("T", " "), f"{s['answered']}/{s['planned']}",
                 "-" if s["mean"] is None else round(s["mean"], 1), "finished" if s["finished_at"] else "unfinished"]
                for s in store.sessions_summary()]
        chart = pd.DataFrame([{"topic": names.get(t["topic"], t["topic"]), "mean score": round(t["mean"], 1)}
                              for t in store.topic_progress()], columns=["topic", "mean score"])
        return rows, chart

    def _load(self, session_id):
        if session_id is None:
            return None
        return self.kit.open(self._store(), int(session_id))

    def _grade(self, session_id, act):
        from assistant.interview.session import InterviewError

        session = self._load(session_id)
        if session is None or session.done:
            return session_id, "Start an interview first.", "", "", ""
        try:
            grade = act(session)
        except InterviewError as exc:
            return self._show(session, f"*{exc}*")
        in_checklist = any(p.get("status") == "contradicted" for p in grade.points)  # already quoted there
        extra = [] if in_checklist else [f"- contradicts the notes: {c}" for c in grade.contradictions]
        extra += [f"- follow-up: {grade.follow_up}"] if grade.follow_up else []
        extra += [f"*{grade.notice}*"] if grade.notice else []
        return self._show(session, "\n".join([grade.feedback, *extra]))

    def _show(self, session, feedback: str):
        turn = session.current
        from assistant.web.html import chat_markdown

        # Notes text reaches the page here too: same treatment as chat (no raw tags, figure placeholders).
        question = f"**[{turn.position + 1}/{turn.total}]** {chat_markdown(turn.prompt)}" if turn else "**Interview finished.**"
        report = chat_markdown(render_report(session.report())) if session.done else ""
        return session.id, question, "", chat_markdown(feedback), report


def render_report(report) -> str:
    """The end-of-session report as Markdown."""
    lines = ["### Report", "", "| score | question |", "|---|---|"]
    lines += [f"| {r['score']:g}/{r['max_score']} | {r['label']} |" for r in report.rows]
    lines += ["", f"**Overall:** {report.overall:g}/{report.max_score}",
              f"**Weak topics:** {', '.join(report.weak_topics) or 'none'}"]
    if report.reread:
        lines += ["", "**Reread:**", *[f"- {c}" for c in report.reread]]
    return "\n".join(lines)
