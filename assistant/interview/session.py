"""The interview state machine shared by the terminal and the web tab: ask → answer → grade → (probe) → next → report.

All state lives in the database: an `Interview` is rebuilt from its session row, stored answers
and probes, so `--resume` after a kill, a page reload and a second browser tab all see the same
progress. The wording of each question is picked when the session is planned (the title for a
new question, a variant once seen; `practice.wording`) and stored, so a resumed session asks it
the same way. Due key points come back as targeted turns; a graded answer may raise one probe,
asked next. What the cards, probes and wordings are is decided in `practice.py`; no Gradio and
no click here.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace
from typing import Callable

from assistant.answering.prompts import Prompt, Prompts
from assistant.errors import UserError
from assistant.interview import practice, probe
from assistant.interview.answer_text import gives_up
from assistant.interview.grades import (
    Grade,
    Reference,
    grade_skip,
    points_of,
    reply_language,
    shown_language,
)
from assistant.interview.notebook import Note, Notebook
from assistant.interview.plan import plan as plan_turns
from assistant.interview.plan import weakest
from assistant.interview.schedule import review_after
from assistant.interview.session_report import Report, session_report
from assistant.interview.srs import indexes_of, question_card
from assistant.interview.store import Store
from assistant.notes.terms import language_of


class InterviewError(UserError, ValueError):
    """The interview cannot go on as asked (nothing to ask, empty answer, already finished)."""


# An answer said out loud in an interview runs to a few hundred characters; a 27,000-character paste took the offline
# grader 48 s (blind CLI QA, 2026-12-06) and is no answer to grade.
MAX_ANSWER_CHARS = 4000


def checked_answer(text: str) -> str:
    """The answer stripped, or an InterviewError in plain words when it is empty or longer than MAX_ANSWER_CHARS."""
    text = text.strip()
    if not text:
        raise InterviewError("the answer is empty")
    if len(text) > MAX_ANSWER_CHARS:
        raise InterviewError(f"the answer is too long ({len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,})")
    return text


@dataclass
class Turn:
    """The question being asked: its place in the session, the note, and the interviewer's wording."""

    position: int
    total: int
    note: Note
    prompt: str
    kind: str = "question"  # 'question' | 'recall' (only the due key points) | 'probe' (the follow-up)
    targets: tuple[str, ...] = ()


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
        self.time_limit = row.get("time_limit")
        # Questions whose notes were removed since planning are dropped rather than failing the resume.
        kept: list[tuple[Note, str, tuple[str, ...]]] = []
        for p in row["plan"]:
            found = notebook.get(p["key"])
            if found is not None:
                kept.append((found, p["prompt"], tuple(p.get("targets", ()))))
        self.plan = [(n, p) for n, p, _ in kept]
        self.targets = [t for _, _, t in kept]
        self.answered = {a["position"] for a in store.answers(session_id)}
        self.probes = store.probes(session_id)
        self.prompts = getattr(grader, "prompts", None)  # probes and targeted feedback need the prompt files
        self.llm = getattr(grader, "llm", None)  # a model-backed grader also words the probes

    @classmethod
    def start(cls, store: Store, notebook: Notebook, grader, prompts: Prompts, topic: str | None = None,
              n: int = 5, seed: int | None = None, now: float | None = None, time_limit: float | None = None,
              same_section: Callable[[str, str], bool] | None = None, weak: bool = False,
              file: str | None = None) -> "Interview":
        """Plan a new session: n turns of the topic, due cards first (FSRS), then new questions; with `weak`,
        only questions already answered, lowest mastery first. `same_section(note_key, text)` checks a
        model's paraphrase still retrieves the note."""
        candidates = notebook.askable(topic, file)  # `file`: only one notes file's questions (interview --file)
        where = (f" in topic {topic!r}" if topic else "") + (f" in {file}" if file else "")
        if not candidates:
            raise InterviewError(f"no questions with text to grade{where}")
        rng = random.Random(seed)
        now = time.time() if now is None else now
        cards = notebook.live_cards(store.cards())
        llm = getattr(grader, "llm", None)
        slots = weakest(candidates, cards, n, now) if weak else plan_turns(candidates, cards, n, now, notebook.point_ids)
        if not slots:
            raise InterviewError(f"no answered questions{where} to practise yet: start an interview first")
        plan = []
        for slot in slots:
            note, lang = slot.note, language_of(slot.note.title)
            if slot.targets:
                text = practice.recall_prompt(prompts, note, points_of(notebook.reference(note)), slot.targets, lang)
            else:
                check = (lambda t, k=note.key: same_section(k, t)) if same_section else None
                text = practice.wording(prompts, note, question_card(note.key) in cards, rng, lang,
                                        ask_variants(prompts, lang), llm, check)
            plan.append({"key": note.key, "prompt": text, "targets": list(slot.targets)})
        grader_name = getattr(grader, "name", "offline")
        return cls(store, notebook, grader, store.create_session(plan, topic, grader_name, time_limit))

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
        """The next turn: a pending probe of the last answer, else the next unanswered question; None at the end."""
        if self.finished:
            return None
        for i, (note, prompt) in enumerate(self.plan):
            pending = self.probes.get(i)
            if i in self.answered and pending and pending["status"] is None:
                return Turn(i, self.total, note, pending["prompt"], "probe", tuple(pending["point"].split(",")))
            if i not in self.answered:
                return Turn(i, self.total, note, prompt, "recall" if self.targets[i] else "question", self.targets[i])
        return None

    def asked(self, position: int) -> str:
        """The question at `position` as it was asked (its planned wording)."""
        return self.plan[position][1]

    def reference(self, note: Note) -> Reference:
        """The notes section a question is graded against."""
        return self.notebook.reference(note)

    def answer(self, text: str, now: float | None = None, elapsed: float | None = None) -> Grade:
        """Grade the answer to the current turn, store it (committed at once) and move on.
        `elapsed` is the seconds the user took; over the session's time limit the rating is capped."""
        text = checked_answer(text)
        if gives_up(text):  # "不知道", "I don't know": a skip, fed back with the notes' points and never probed
            return self.skip(now, elapsed, lang=shown_language(text))
        return self._record(text, now, elapsed)

    def skip(self, now: float | None = None, elapsed: float | None = None, lang: str | None = None) -> Grade:
        """Give up on the current turn: it scores 0, and the feedback quotes what the notes say in `lang` when the
        user gave up in words ("I don't know" is answered in English whatever the notes' language), else in the
        language they have been answering in this session (`answer_language`), else the question's."""
        return self._record("", now, elapsed, lang or self.answer_language())

    def answer_language(self) -> str | None:
        """The language of the latest answer this session that shows one (a follow-up's answer counts), or None:
        after an English answer, "/skip" on its follow-up was told "已跳过（计 0 分）…" (blind QA)."""
        answers = {a["position"]: a["answer"] for a in self.store.answers(self.id)}
        said = [t for pos in sorted(answers) for t in (answers[pos], (self.probes.get(pos) or {}).get("answer") or "")]
        return next((lang for lang in map(shown_language, reversed(said)) if lang), None)

    def over_time(self, elapsed: float | None) -> bool:
        """True when an answer took longer than the session's per-question time limit."""
        return bool(self.time_limit) and elapsed is not None and elapsed > self.time_limit  # type: ignore[operator]

    def _record(self, text: str, now: float | None, elapsed: float | None, lang: str | None = None) -> Grade:
        turn = self.current
        if turn is None:
            raise InterviewError("the interview is finished")
        now = time.time() if now is None else now
        ref = self.reference(turn.note)
        points = points_of(ref)
        grade = self.grader.grade(ref, text) if text else grade_skip(self.grader, self.prompts, ref, lang)
        cards = self.store.cards(turn.note.key)
        if turn.kind == "probe":
            return self._record_probe(turn, ref, points, text, grade, cards, now, lang)
        only = sorted(indexes_of(points, turn.targets)) if turn.targets else None  # in outline order, as the rows
        if only is not None:
            grade = practice.restrict(grade, self.prompts, ref, text, only, lang)
        updates = practice.card_updates(turn.note, points, grade, cards, now, self.over_time(elapsed), only)
        follow = None
        if text and self.prompts is not None and only is None:
            follow = probe.choose(points, grade.points, turn.note.title, text, reply_language(text, turn.note.title),
                                  self.prompts, grade.elsewhere)
            if follow is not None:
                worded = probe.llm_wording(self.llm, self.prompts, follow, points, turn.note.title, text)
                follow = replace(follow, prompt=worded, kind="llm") if worded else follow
                grade.follow_up = ""  # one follow-up at most: the probe, asked next
        box = self.store.reviews().get(turn.note.key, {}).get("box")
        self.store.record_answer(self.id, turn.position, turn.note, turn.prompt, text, grade,
                                 review_after(box, grade.score, now), cards=updates, elapsed=elapsed,
                                 targets=list(turn.targets),
                                 probe=follow.to_row(turn.note.key) if follow else None)
        self.answered.add(turn.position)
        self.probes = self.store.probes(self.id)
        if self.current is None:
            self.finish()
        return grade

    def _record_probe(self, turn: Turn, ref: Reference, points, text: str, grade: Grade, cards: dict,
                      now: float, lang: str | None = None) -> Grade:
        row = self.probes[turn.position]
        idx = indexes_of(points, turn.targets)
        if row.get("kind") == "hint" and text:  # taking the hint recalls the hinted point
            grade = replace(grade, points=probe.followed_hint(grade.points, points, turn.note.title, text))
        statuses = [grade.points[i]["status"] if i < len(grade.points) and text else "missed" for i in idx]
        was_missed = row.get("was_missed", 1) != 0
        grade = practice.restrict(grade, self.prompts, ref, text, idx, lang)
        status = practice.follow_up_status(statuses, bool(text))
        updates = practice.probe_updates(turn.note, points, idx, statuses, was_missed, cards, now)
        # Its grade counts for the same points (README): the question's report, history and exports read the sum.
        answered = next(a for a in self.store.answers(self.id) if a["position"] == turn.position)
        follow = {points[i].label: s if text else "skipped" for i, s in zip(idx, statuses)}
        counted = practice.with_follow_up(answered["score"], answered["points"], follow)
        self.store.answer_probe(self.id, turn.position, text, status, grade.feedback, updates, counted)
        self.probes = self.store.probes(self.id)
        if self.current is None:
            self.finish()
        return grade

    def finish(self) -> None:
        """End the session now (unanswered questions stay unanswered)."""
        self.store.finish_session(self.id)
        self.finished = True

    def report(self) -> Report:
        """Scores so far, overall mean, weak topics and the sections to reread, with citations."""
        return session_report(self.store, self.id, self.notebook.topics)
