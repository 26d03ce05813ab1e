"""The interview state machine shared by the terminal and the web tab: ask → answer → grade → next → report.

All state lives in the database: an `Interview` is rebuilt from its session row and stored
answers, so `--resume` after a kill, a page reload and a second browser tab all see the
same progress. The wording of each question is picked when the session is planned (from
the templates in `prompts/interview_ask.*.md`) and stored, so a resumed session asks it
the same way. No Gradio and no click here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from assistant.answering.prompts import Prompt, Prompts
from assistant.errors import UserError
from assistant.interview.grader import MAX_SCORE, Grade, Reference
from assistant.interview.notebook import Note, Notebook
from assistant.interview.schedule import pick, review_after
from assistant.interview.store import Store
from assistant.notes.parse import question_label
from assistant.notes.terms import language_of

WEAK_BELOW = 6.0


class InterviewError(UserError, ValueError):
    """The interview cannot go on as asked (nothing to ask, empty answer, already finished)."""


@dataclass
class Turn:
    """The question being asked: its place in the session, the note, and the interviewer's wording."""

    position: int
    total: int
    note: Note
    prompt: str


@dataclass
class Report:
    """End-of-session summary: per-question scores, overall, weak topics, sections to reread."""

    session_id: int
    rows: list[dict] = field(default_factory=list)
    overall: float = 0.0
    max_score: int = MAX_SCORE
    weak_topics: list[str] = field(default_factory=list)
    reread: list[str] = field(default_factory=list)
    finished: bool = False


def ask_variants(prompts: Prompts, lang: str) -> list[Prompt]:
    """The interviewer's wordings: templates separated by '---' lines in `interview_ask.<lang>.md`."""
    base = prompts.get("interview_ask", lang)
    parts = [p.strip() for p in base.template.split("\n---\n") if p.strip()]
    return [Prompt(f"{base.name}#{i}", p) for i, p in enumerate(parts)]


class Interview:
    """One interview session backed by the store; create with `start()` or `resume()`."""

    def __init__(self, store: Store, notebook: Notebook, grader, session_id: int) -> None:
        row = store.session(session_id)
        if row is None:
            raise InterviewError(f"no interview session {session_id}")
        self.store, self.notebook, self.grader, self.id = store, notebook, grader, session_id
        self.topic = row["topic"]
        self.finished = row["finished_at"] is not None
        # Questions whose notes were removed since planning are dropped rather than failing the resume.
        planned = [(notebook.get(p["key"]), p["prompt"]) for p in row["plan"]]
        self.plan = [(n, p) for n, p in planned if n is not None]
        self.answered = {a["position"] for a in store.answers(session_id)}

    @classmethod
    def start(cls, store: Store, notebook: Notebook, grader, prompts: Prompts, topic: str | None = None,
              n: int = 5, seed: int | None = None, now: float | None = None) -> "Interview":
        """Plan a new session: n questions of the topic, weak and due ones first (spaced repetition)."""
        candidates = notebook.askable(topic)
        if not candidates:
            raise InterviewError(f"no questions with text to grade{f' in topic {topic!r}' if topic else ''}")
        rng = random.Random(seed)
        chosen = pick(candidates, store.reviews(), n, now)
        plan = [{"key": note.key, "prompt": rng.choice(ask_variants(prompts, language_of(note.title))).format(title=note.title)}
                for note in chosen]
        return cls(store, notebook, grader, store.create_session(plan, topic, getattr(grader, "name", "offline")))

    @classmethod
    def resume(cls, store: Store, notebook: Notebook, grader) -> "Interview | None":
        """The latest unfinished session, or None when there is none."""
        session_id = store.latest_unfinished()
        return cls(store, notebook, grader, session_id) if session_id is not None else None

    @property
    def total(self) -> int:
        """Number of questions planned."""
        return len(self.plan)

    @property
    def done(self) -> bool:
        """True when every planned question has been answered (or the session was finished)."""
        return self.finished or self.current is None

    @property
    def current(self) -> Turn | None:
        """The next unanswered question, or None at the end."""
        if self.finished:
            return None
        for i, (note, prompt) in enumerate(self.plan):
            if i not in self.answered:
                return Turn(i, self.total, note, prompt)
        return None

    def reference(self, note: Note) -> Reference:
        """The notes section a question is graded against."""
        return Reference(note.number, note.title, self.notebook.body_of(note.file_key, note.uid))

    def answer(self, text: str, now: float | None = None) -> Grade:
        """Grade the answer to the current question, store it (committed at once) and move on."""
        if not text.strip():
            raise InterviewError("the answer is empty")
        return self._record(text.strip(), now)

    def skip(self, now: float | None = None) -> Grade:
        """Give up on the current question: it scores 0, and the feedback quotes what the notes say."""
        return self._record("", now)

    def _record(self, text: str, now: float | None) -> Grade:
        turn = self.current
        if turn is None:
            raise InterviewError("the interview is finished")
        grade = self.grader.grade(self.reference(turn.note), text)
        box = self.store.reviews().get(turn.note.key, {}).get("box")
        self.store.record_answer(self.id, turn.position, turn.note, turn.prompt, text, grade,
                                 review_after(box, grade.score, now))
        self.answered.add(turn.position)
        if self.current is None:
            self.finish()
        return grade

    def finish(self) -> None:
        """End the session now (unanswered questions stay unanswered)."""
        self.store.finish_session(self.id)
        self.finished = True

    def report(self) -> Report:
        """Scores so far, overall mean, weak topics and the sections to reread, with citations."""
        rows = [{"position": a["position"], "question": a["question"], "label": question_label(a["question"], a["title"]),
                 "topic": a["topic"], "score": a["score"], "max_score": a["max_score"]}
                for a in self.store.answers(self.id)]
        report = Report(self.id, rows, finished=self.finished)
        if not rows:
            return report
        report.overall = round(sum(r["score"] for r in rows) / len(rows), 1)
        by_topic: dict[str, list[float]] = {}
        for r in rows:
            by_topic.setdefault(r["topic"], []).append(r["score"])
        report.weak_topics = [self.notebook.topic(t).display for t, s in by_topic.items() if sum(s) / len(s) < WEAK_BELOW]
        weak = sorted((r for r in rows if r["score"] < WEAK_BELOW), key=lambda r: r["score"])
        report.reread = [f"[{i}] {r['label']}" for i, r in enumerate(weak, start=1)]
        return report
