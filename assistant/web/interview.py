"""The Interview tab: the same mock interview as `assistant interview`, in the browser.

All interview logic is `interview.session.Interview`; this page only lays out components
and turns clicks into calls. Each answered question becomes a card (interview/cards.py,
rendered by web/interview_view.py) with the answer beside its point-by-point grade, the next
question below it; the progress section (web/progress.py) shows mastery per topic and
question and the scores over time, refreshed after every answer; the history, review schedule
and export below it (web/interview_history.py) fill when opened and after every answer.
"Practise my weak questions" starts a session of the lowest-mastery questions (`plan.weakest`,
as `assistant interview --weak`). The session id is the only per-browser state (a gr.State): each event reopens the
session from the database, so a reload or a second tab continues it.
"""

from __future__ import annotations

import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.web.base import Page, download_folder
from assistant.web.interview_history import HistoryView

if TYPE_CHECKING:
    from assistant.interview.kit import InterviewKit

ALL_TOPICS = "all topics"


class InterviewPage(Page):
    """Mock interview that teaches: each answer gets a card with its graded points; mastery and progress below."""

    title = "Interview"

    _kit: InterviewKit | None = None
    _kit_generation: int | None = None  # the Assistant.generation (model connection, notes) the kit was built for

    @property
    def kit(self) -> InterviewKit:
        """Notebook, prompts and grader from the shared Assistant (as the CLI builds them); rebuilt when the
        Settings tab connects another model, so grading and probes use the model the chat uses, and when
        notes are uploaded, so their questions can be asked."""
        from assistant.interview.kit import InterviewKit

        generation = self.ctx.assistant.generation
        if self._kit is None or self._kit_generation != generation:
            self._kit, self._kit_generation = InterviewKit.build(self.ctx.settings, self.ctx.assistant), generation
        return self._kit

    def _store(self, request: gr.Request | None = None):
        from assistant.interview.store import Store
        from assistant.web.base import username

        # Under `assistant web --auth` each signed-in user has their own sessions and schedule; else the local user ''.
        return Store(self.ctx.settings.db_path, user=username(request))

    def render(self) -> None:
        """Controls, the answer cards, the question and answer box, the report, progress, history and export."""
        from assistant.interview.plan import MAX_QUESTIONS
        from assistant.interview.topics import load_topics
        from assistant.web.progress import ProgressView

        self.session_id = gr.State(None)
        with gr.Row():
            # The topic takes half the row (600 px at 1280) and a line of its own on a phone: at a third of the row
            # "RNN, LSTM and GRU (循环神经网络（RNN/LSTM/GRU）)" was cut off.
            self.topic = gr.Dropdown([ALL_TOPICS] + [t.display for t in load_topics()], value=ALL_TOPICS, label="Topic",
                                     elem_id="iv-topic", scale=2, min_width=320)
            self.n = gr.Slider(1, MAX_QUESTIONS, value=5, step=1, label="Questions", elem_id="iv-n", min_width=240)
            # No `minimum`: Gradio refuses a value under it before the handler runs and marks every output "Error";
            # on_start says what is wrong in the one-line message instead.
            self.time_limit = gr.Number(0, label="Time limit per question (s, 0 = none)", precision=0, min_width=240)
        with gr.Row():
            self.start = gr.Button("Start interview", variant="primary", elem_id="iv-start")
            self.weak = gr.Button("Practise my weak questions", elem_id="iv-weak")
            self.resume = gr.Button("Resume last", elem_id="iv-resume")
        self.cards = gr.HTML("", elem_id="answer-cards", js_on_load=None, padding=False)
        self.question = gr.Markdown("Press *Start interview* to get the first question.", elem_id="iv-question")
        # Messages sit by the answer box, where the user acts: above the cards, "This interview is finished" was
        # off screen after a long session and Submit looked like it did nothing.
        self.flash = gr.Markdown(elem_id="iv-flash")
        self.answer = gr.Textbox(label="Your answer", lines=4, placeholder="Answer as you would in an interview",
                                 elem_id="iv-answer")
        with gr.Row():
            self.submit = gr.Button("Submit answer", variant="primary", elem_id="iv-submit")
            self.skip = gr.Button("Skip (show the notes)", elem_id="iv-skip")
        self.report = gr.Markdown(elem_id="iv-report")
        self.progress = ProgressView()
        self.progress.render()
        self.history = HistoryView()
        self.history.render()

    def wire(self) -> None:
        """Start/weak/resume/submit/skip update the cards, question, report and progress, then the history."""
        outputs = [self.session_id, self.cards, self.question, self.answer, self.flash, self.report,
                   *self.progress.outputs]
        # The newest card (what was just graded) is brought into view; the next question is right below it.
        reveal = ("() => { const c = document.querySelectorAll('#answer-cards .qa-card');"
                  " if (c.length) c[c.length - 1].scrollIntoView({block: 'start', behavior: 'smooth'}); }")
        tables = self.history.outputs
        quiet: dict[str, Any] = {"show_progress": "hidden"}
        planned = [self.topic, self.n, self.time_limit, self.progress.group]
        graded = [event(self.on_answer, [self.session_id, self.answer, self.progress.group], outputs)
                  for event in (self.submit.click, self.answer.submit)]
        graded.append(self.skip.click(self.on_skip, [self.session_id, self.progress.group], outputs))
        for event in graded:
            event.then(None, js=reveal)
        sessions = graded + [self.start.click(self.on_start, planned, outputs), self.weak.click(self.on_weak, planned, outputs),
                             self.resume.click(self.on_resume, [self.progress.group], outputs)]
        # The history follows every started session and graded answer, after the answer is on screen (a chained
        # event: the grade is not held up by the tables), whether or not its accordion is open.
        for event in sessions:
            event.then(self.on_tables, None, tables, **quiet).then(
                self.on_offer_report, [self.session_id], self.history.export_outputs, **quiet)
        # Opening the accordion fills it (the history is stored: it was empty until Refresh was pressed).
        self.history.accordion.expand(self.on_tables, None, tables, **quiet)
        self.history.refresh.click(self.on_tables, None, tables)
        self.progress.group.change(self.on_progress, [self.progress.group], self.progress.outputs)
        # Progress is stored, not per page: a reload shows it at once rather than after the next answer.
        self.on_page_load(self.on_progress, [self.progress.group], self.progress.outputs)
        self.on_page_load(self.on_reload, None, [self.flash])
        # The export buttons hold their files before they are pressed: written when the accordion opens, for the
        # topic chosen (the deck) and the session shown (the report).
        exports = [self.topic, self.session_id]
        self.history.export_accordion.expand(self.on_offer_exports, exports, self.history.export_outputs, **quiet)
        self.topic.change(self.on_offer_exports, exports, self.history.export_outputs, **quiet)

    # -- handlers (plain functions of values, unit-testable without a browser) --------------
    def on_start(self, topic_display: str, n: float, time_limit: float | None = 0, group: str = "per session",
                 weak: bool = False, request: gr.Request | None = None):
        """Plan a new session (optionally timed; with `weak`, the weakest answered questions) and show its first question."""
        from assistant.interview.session import InterviewError

        topic = _topic_id(topic_display)
        if time_limit is not None and time_limit < 0:
            return self._message("The time limit cannot be negative: give the seconds per question, or 0 for none.",
                                 group, request)
        store = self._store(request)
        left = _unfinished(store)  # not lost by starting anew, but it was left behind without a word
        try:
            session = self.kit.start(store, topic, int(n), time_limit=float(time_limit) if time_limit else None,
                                     weak=weak)
        except InterviewError as exc:
            return self._message(f"{exc}", group, request)
        return self._show(session, f"{left} was left unfinished; its answers are kept in History." if left else "", group)

    def on_weak(self, topic_display: str, n: float, time_limit: float | None = 0, group: str = "per session",
                request: gr.Request | None = None):
        """A session of the weakest questions answered so far (lowest mastery first)."""
        return self.on_start(topic_display, n, time_limit, group, weak=True, request=request)

    def on_resume(self, group: str = "per session", request: gr.Request | None = None):
        """Continue the latest unfinished session."""
        session = self.kit.resume(self._store(request))
        if session is None:
            return self._message("No unfinished interview: start a new one.", group, request)
        self._shown.pop(session.id, None)  # a new sitting: the time limit counts from now, not while the page was shut
        return self._show(session, "", group)

    def on_reload(self, request: gr.Request | None = None) -> str:
        """On a fresh page: say when an interview is waiting, which the page otherwise hides behind "Press Start"."""
        left = _unfinished(self._store(request))
        return f"*{left} is unfinished: press **Resume last** to continue it.*" if left else ""

    def on_answer(self, session_id, text: str, group: str = "per session", request: gr.Request | None = None):
        """Grade the answer: its card appears with the point-by-point feedback, the next question below it."""
        if not (text or "").strip():
            session = self._load(session_id, request)
            if session is None:
                return self.on_resume(group, request)
            return self._show(session, "Type an answer first (or skip).", group, keep=text)
        return self._grade(session_id, lambda s, t: s.answer(text, elapsed=t), group, text, request)

    def on_skip(self, session_id, group: str = "per session", request: gr.Request | None = None):
        """Skip the current question; its card quotes what the notes say."""
        return self._grade(session_id, lambda s, t: s.skip(elapsed=t), group, "", request)

    def on_progress(self, group: str = "per session", request: gr.Request | None = None):
        """Mastery bars, chart and table (the chart grouped per session, day or answer)."""
        return self.progress.values(self._store(request), self.kit.notebook, group)

    def on_history(self, request: gr.Request | None = None):
        """Rows for the sessions table and the per-topic bar chart."""
        return HistoryView.history(self._store(request), self.kit.notebook)

    def on_tables(self, request: gr.Request | None = None):
        """The whole history section: sessions table, per-topic chart and review schedule."""
        return HistoryView.values(self._store(request), self.kit.notebook)

    def on_offer_exports(self, topic_display: str, session_id, request: gr.Request | None = None):
        """Both export buttons with fresh files: the deck for the topic chosen, this (or the latest) session's report."""
        return HistoryView.offers(self.on_export_anki(topic_display), self.on_export_markdown(session_id, request))

    def on_offer_report(self, session_id, request: gr.Request | None = None):
        """The report button with this session's report as it stands after the answer (the deck does not change)."""
        return HistoryView.offers(None, self.on_export_markdown(session_id, request))

    def on_export_anki(self, topic_display: str):
        """Write the Anki deck (all topics or the selected one) and offer it for download."""
        from assistant.interview.anki import write_apkg

        path = self._exports / "dl-interview.apkg"
        write_apkg(self.kit.notebook, path, _topic_id(topic_display))
        return str(path)

    def on_export_markdown(self, session_id, request: gr.Request | None = None):
        """Write the current (or latest) session's report as Markdown and offer it for download."""
        from assistant.interview.report_md import render
        from assistant.interview.session_report import session_report

        store = self._store(request)
        sid = session_id or next((s["id"] for s in store.sessions_summary(1)), None)
        if sid is None:
            return None
        path = self._exports / f"interview-{int(sid)}.md"
        path.write_text(render(session_report(store, int(sid)), details=True) + "\n", encoding="utf-8")
        return str(path)

    @cached_property
    def _shown(self) -> dict[int, tuple[tuple[int, str], float]]:
        """Session id → (its current turn, when that turn was first shown (monotonic)): the answer's time, and the
        timed mode's countdown, run from there. Showing the same turn again ("type an answer first", a reload)
        keeps the clock. Per page (one per app), not per class: apps in one process share nothing."""
        return {}

    @cached_property
    def _exports(self) -> Path:
        # Not under the data directory: Gradio would refuse to serve it from there (see download_folder).
        return download_folder("interview")

    def _load(self, session_id, request: gr.Request | None = None):
        if session_id is None:
            return None
        return self.kit.open(self._store(request), int(session_id))

    def _message(self, text: str, group: str, request: gr.Request | None, keep: str = ""):
        """No session to show: a one-line message, the (signed-in user's) progress as it is; `keep` stays typed."""
        return (None, "", "Press *Start interview* to get the first question.", keep, f"**{text}**", "",
                *self.on_progress(group, request))

    def _grade(self, session_id, act, group: str, text: str, request: gr.Request | None = None):
        from assistant.interview.session import InterviewError

        session = self._load(session_id, request)
        if session is None:
            return self._message("Start an interview first.", group, request, keep=text)
        if session.done:  # the finished session's cards and report stay on the page, and so does what was typed
            return self._show(session, "This interview is finished: start a new one to answer more.", group, keep=text)
        asked = self._shown.pop(session.id, None)
        elapsed = round(time.monotonic() - asked[1], 1) if asked is not None else None
        try:
            grade = act(session, elapsed)
        except InterviewError as exc:
            return self._show(session, str(exc), group, keep=text)
        return self._show(session, grade.notice, group)

    def _show(self, session, flash: str, group: str, keep: str = ""):
        """Outputs for a session: its answer cards, the next question (or the end), the report and the progress."""
        from assistant.interview.cards import answer_cards
        from assistant.web.html import chat_markdown
        from assistant.web.interview_view import cards_html, timer_html

        turn = session.current
        # Notes text reaches the page here too: same treatment as chat (no raw tags, figure placeholders).
        if turn:
            shown = self._shown.get(session.id)
            if shown is None or shown[0] != (turn.position, turn.kind):
                shown = self._shown[session.id] = ((turn.position, turn.kind), time.monotonic())
            head = "**Follow-up:**" if turn.kind == "probe" else f"**[{turn.position + 1}/{turn.total}]**"
            limit = ""
            if session.time_limit and turn.kind != "probe":
                limit = " " + timer_html(session.time_limit, time.monotonic() - shown[1])
            question = f"{head}{limit} {chat_markdown(turn.prompt)}"
        else:
            question = "**Interview finished.**"
        report = session.report()  # read once: the cards and the end-of-session summary
        summary = chat_markdown(render_report(report)) if session.done else ""
        flash_md = f"*{chat_markdown(flash)}*" if flash else ""
        # The progress of the session's own store: under --auth that is the signed-in user's, not the local user's.
        return (session.id, cards_html(answer_cards(session, report)), question, keep, flash_md, summary,
                *self.progress.values(session.store, self.kit.notebook, group))


def _unfinished(store) -> str:
    """'Interview #7 (2 answered)': the user's latest unfinished session, or '' when there is none."""
    session_id = store.latest_unfinished()
    if session_id is None:
        return ""
    return f"Interview #{session_id} ({len(store.answers(session_id))} answered)"


def render_report(report) -> str:
    """The end-of-session report as Markdown (the same text `assistant export markdown` starts with)."""
    from assistant.interview.report_md import render

    return render(report)


def _topic_id(topic_display: str | None) -> str | None:
    from assistant.interview.topics import load_topics

    return next((t.id for t in load_topics() if t.display == topic_display), None)
