"""The Interview tab: the same mock interview as `assistant interview`, in the browser.

All interview logic is `interview.session.Interview`; this page only lays out components
and turns clicks into calls. The session id is the only per-browser state (a gr.State):
each event reopens the session from the database, so a reload or a second tab continues it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import gradio as gr

from assistant.web.base import Page

if TYPE_CHECKING:
    from assistant.interview.kit import InterviewKit

ALL_TOPICS = "all topics"


class InterviewPage(Page):
    """Mock interview: pick a topic, answer, get graded; history and per-topic progress below."""

    title = "Interview"
    _shown: dict[int, float] = {}  # session id → when its current turn was shown (monotonic), for timed mode

    _kit: InterviewKit | None = None
    _kit_version = -1  # the ctx.model_version the kit was built for

    @property
    def kit(self) -> InterviewKit:
        """Notebook, prompts and grader from the shared Assistant (as the CLI builds them); rebuilt when the
        Settings tab connects another model, so grading and probes use the model the chat uses."""
        from assistant.interview.kit import InterviewKit

        if self._kit is None or self._kit_version != self.ctx.model_version:
            self._kit, self._kit_version = InterviewKit.build(self.ctx.settings, self.ctx.assistant), self.ctx.model_version
        return self._kit

    def _store(self, request: gr.Request | None = None):
        from assistant.interview.store import Store
        from assistant.web.base import username

        # Under `assistant web --auth` each signed-in user has their own sessions and schedule; else the local user ''.
        return Store(self.ctx.settings.db_path, user=username(request))

    def render(self) -> None:
        """Controls, the question/answer area, the report, and the history table and chart."""
        from assistant.interview.topics import load_topics

        self.session_id = gr.State(None)
        with gr.Row():
            self.topic = gr.Dropdown([ALL_TOPICS] + [t.display for t in load_topics()], value=ALL_TOPICS, label="Topic")
            self.n = gr.Slider(1, 20, value=5, step=1, label="Questions")
            self.time_limit = gr.Number(0, label="Time limit per question (s, 0 = none)", minimum=0, precision=0)
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
            self.schedule = gr.Dataframe(headers=["question", "due", "recall now", "points due", "weakest point"],
                                         interactive=False, label="Review schedule (FSRS)")
        with gr.Accordion("Export", open=False):
            with gr.Row():
                self.export_anki = gr.Button("Anki deck of the key points (.apkg)")
                self.export_md = gr.Button("This session's report (.md)")
            self.download = gr.File(label="Download", interactive=False)

    def wire(self) -> None:
        """Start/resume/submit/skip update the question, feedback and report; refresh fills history."""
        outputs = [self.session_id, self.question, self.answer, self.feedback, self.report]
        self.start.click(self.on_start, [self.topic, self.n, self.time_limit], outputs)
        self.resume.click(self.on_resume, None, outputs)
        self.submit.click(self.on_answer, [self.session_id, self.answer], outputs)
        self.answer.submit(self.on_answer, [self.session_id, self.answer], outputs)
        self.skip.click(self.on_skip, [self.session_id], outputs)
        self.refresh.click(self.on_history, None, [self.sessions, self.chart])
        self.refresh.click(self.on_schedule, None, [self.schedule])
        self.export_anki.click(self.on_export_anki, [self.topic], [self.download])
        self.export_md.click(self.on_export_markdown, [self.session_id], [self.download])

    # -- handlers (plain functions of values, unit-testable without a browser) --------------
    def on_start(self, topic_display: str, n: float, time_limit: float | None = 0, request: gr.Request | None = None):
        """Plan a new session (optionally timed) and show its first question."""
        from assistant.interview.session import InterviewError

        topic = _topic_id(topic_display)
        try:
            session = self.kit.start(self._store(request), topic, int(n), time_limit=float(time_limit) if time_limit else None)
        except InterviewError as exc:
            return None, f"**{exc}**", "", "", ""
        return self._show(session, "")

    def on_resume(self, request: gr.Request | None = None):
        """Continue the latest unfinished session."""
        session = self.kit.resume(self._store(request))
        if session is None:
            return None, "No unfinished interview: start a new one.", "", "", ""
        return self._show(session, "")

    def on_answer(self, session_id, text: str, request: gr.Request | None = None):
        """Grade the answer, then show the feedback and the next question (or the report)."""
        if not (text or "").strip():
            session = self._load(session_id, request)
            return self._show(session, "*Type an answer first (or skip).*") if session else self.on_resume(request)
        return self._grade(session_id, lambda s, t: s.answer(text, elapsed=t), request)

    def on_skip(self, session_id, request: gr.Request | None = None):
        """Skip the current question; the feedback quotes the notes."""
        return self._grade(session_id, lambda s, t: s.skip(elapsed=t), request)

    def on_history(self, request: gr.Request | None = None):
        """Rows for the sessions table and the per-topic bar chart."""
        import pandas as pd

        from assistant.interview.topics import load_topics

        store = self._store(request)
        names = {t.id: t.name for t in load_topics()}
        rows = [[s["id"], s["started_at"][:16].replace("T", " "), f"{s['answered']}/{s['planned']}",
                 "-" if s["mean"] is None else round(s["mean"], 1), "finished" if s["finished_at"] else "unfinished"]
                for s in store.sessions_summary()]
        chart = pd.DataFrame([{"topic": names.get(t["topic"], t["topic"]), "mean score": round(t["mean"], 1)}
                              for t in store.topic_progress()], columns=["topic", "mean score"])
        return rows, chart

    def on_schedule(self, request: gr.Request | None = None):
        """Rows of the review schedule: what is due when, and the predicted recall."""
        from assistant.interview.schedule_view import schedule_rows

        store = self._store(request)
        return [[r["label"], r["due"], f"{r['recall']:.0%}", f"{r['points_due']}/{r['points']}", r["weakest"]]
                for r in schedule_rows(store.cards(), store.answered_topics())]

    def on_export_anki(self, topic_display: str):
        """Write the Anki deck (all topics or the selected one) and offer it for download."""
        from assistant.interview.anki import write_apkg

        path = self._exports() / "dl-interview.apkg"
        write_apkg(self.kit.notebook, path, _topic_id(topic_display))
        return str(path)

    def on_export_markdown(self, session_id, request: gr.Request | None = None):
        """Write the current (or latest) session's report as Markdown and offer it for download."""
        from assistant.interview.report_md import render
        from assistant.interview.session import session_report

        store = self._store(request)
        sid = session_id or next((s["id"] for s in store.sessions_summary(1)), None)
        if sid is None:
            return None
        path = self._exports() / f"interview-{int(sid)}.md"
        path.write_text(render(session_report(store, int(sid)), details=True) + "\n", encoding="utf-8")
        return str(path)

    def _exports(self):
        folder = self.ctx.settings.home / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _load(self, session_id, request: gr.Request | None = None):
        if session_id is None:
            return None
        return self.kit.open(self._store(request), int(session_id))

    def _grade(self, session_id, act, request: gr.Request | None = None):
        from assistant.interview.session import InterviewError

        session = self._load(session_id, request)
        if session is None or session.done:
            return session_id, "Start an interview first.", "", "", ""
        asked = self._shown.pop(session.id, None)
        elapsed = round(time.monotonic() - asked, 1) if asked is not None else None
        try:
            grade = act(session, elapsed)
        except InterviewError as exc:
            return self._show(session, f"*{exc}*")
        in_checklist = any(p.get("status") == "contradicted" for p in grade.points)  # already quoted there
        extra = [] if in_checklist else [f"- contradicts the notes: {c}" for c in grade.contradictions]
        if session.over_time(elapsed):
            extra.append(f"- ⏱ {elapsed:g} s, over the {session.time_limit:g} s limit")
        extra += [f"- follow-up: {grade.follow_up}"] if grade.follow_up else []
        extra += [f"*{grade.notice}*"] if grade.notice else []
        return self._show(session, "\n".join([grade.feedback, *extra]))

    def _show(self, session, feedback: str):
        turn = session.current
        from assistant.web.html import chat_markdown

        # Notes text reaches the page here too: same treatment as chat (no raw tags, figure placeholders).
        if turn:
            self._shown[session.id] = time.monotonic()  # the answer's time is measured from here
            head = "**Follow-up:**" if turn.kind == "probe" else f"**[{turn.position + 1}/{turn.total}]**"
            limit = f" *(⏱ {session.time_limit:g} s)*" if session.time_limit and turn.kind != "probe" else ""
            question = f"{head}{limit} {chat_markdown(turn.prompt)}"
        else:
            question = "**Interview finished.**"
        report = chat_markdown(render_report(session.report())) if session.done else ""
        return session.id, question, "", chat_markdown(feedback), report


def render_report(report) -> str:
    """The end-of-session report as Markdown (the same text `assistant export markdown` starts with)."""
    from assistant.interview.report_md import render

    return render(report)


def _topic_id(topic_display: str | None) -> str | None:
    from assistant.interview.topics import load_topics

    return next((t.id for t in load_topics() if t.display == topic_display), None)
