"""What the web Interview tab shows for each answered question: one card that teaches.

A card holds the question as asked, the user's answer, the score, and the grade point by point:
✓ covered, ✗ missed, ! contradicted, each with the note's own words (the point's verbatim
lead and, for a point not covered, the sentence after it that explains it) and the citation of
the section. A probe's answer and verdict are part of the card of the question that raised it; each point it asked
about keeps the answer's verdict and says what the follow-up made of it (`follow_up_view`; the score counts a point
recalled there).
Built from the stored rows (`session_report`) and the notes' outline, so a reload shows the
same cards. Data only: rendering is the web layer's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.interview.follow_up_view import after, recalled
from assistant.interview.grades import MARKS, citation, points_of
from assistant.notes.parse import section_key
from assistant.notes.text import readable

SUPPORT_CHARS = 160  # the explaining sentence of a missed point is cut here


@dataclass(frozen=True)
class PointLine:
    """One point of the grade: status, the note's verbatim point, what explains it, and a contradiction's two sides."""

    status: str  # covered | missed | contradicted
    point: str
    support: str = ""
    said: str = ""  # a contradiction: what the answer said ...
    note: str = ""  # ... and the note's sentence it contradicts
    follow_up: str = ""  # the follow-up probe's verdict on this point, when it asked about it

    @property
    def mark(self) -> str:
        """✓, ✗ or ! — the graded answer's verdict."""
        return MARKS.get(self.status, "?")

    @property
    def later(self) -> bool:
        """Not covered in the graded answer but in the follow-up's answer (the score counts it)."""
        return recalled([{"status": self.status, "follow_up": self.follow_up}]) == 1

    @property
    def after(self) -> str:
        """What the follow-up made of the point ("then covered in the follow-up"), '' when nothing to add."""
        return after({"status": self.status, "follow_up": self.follow_up})


@dataclass
class AnswerCard:
    """One answered question (position in the session) with everything the card shows."""

    position: int
    total: int
    kind: str  # question | recall
    prompt: str
    answer: str
    score: float
    max_score: int
    label: str
    citation: str
    note_key: str  # 'file_key::uid', to open the section in the Notes tab ('' when the note is gone)
    points: list[PointLine] = field(default_factory=list)
    feedback: str = ""  # the grader's text, shown when it gave no per-point verdicts
    elapsed: float | None = None
    over_time: bool = False
    follow_up: str = ""
    contradictions: list[str] = field(default_factory=list)  # the grader's, when no point row carries them
    probe: dict | None = None  # {prompt, answer, status, feedback} of the follow-up probe
    elsewhere: str = ""  # the section the answer is about instead of the one asked

    @property
    def skipped(self) -> bool:
        """True when the question was skipped (no answer)."""
        return not self.answer


def _support(point) -> str:
    text = readable(point.support[0]) if point.support else ""
    return text if len(text) <= SUPPORT_CHARS else text[: SUPPORT_CHARS - 1] + "…"


def card_prompt(prompt: str, kind: str, note) -> str:
    """The question as the card shows it: a first-time question's interviewer lead-in ("面试官：", "我们聊聊这个问题：",
    "请尽量完整地回答") is conversation, not question, so the card keeps only the title it wraps; a paraphrase
    (no title in it) and a recall turn's prompt stay as asked."""
    if kind == "question" and note is not None and note.title and note.title in prompt:
        return note.title
    return prompt


def answer_cards(session, report=None) -> list[AnswerCard]:
    """The cards of a session's answered questions, in the order they were asked; `report` is
    `session.report()` when the caller already has it (the page shows both)."""
    report = session.report() if report is None else report
    cards = []
    for row in report.rows:
        note = session.notebook.get(row["note_key"])  # None when the note was removed since
        outline = {p.label: p for p in points_of(session.reference(note))} if note is not None else {}
        lines = []
        for r in row.get("points") or []:
            point = outline.get(r["point"])  # stored labels read as today's (store.Store.answers)
            # `follow_up`: the probe's verdict on the point (`practice.with_follow_up`), as the report and the
            # exports show it.
            lines.append(PointLine(r["status"], r["point"],
                                   _support(point) if point and r["status"] != "covered" else "",
                                   r.get("statement", ""), r.get("note", ""), r.get("follow_up", "")))
        kind = "recall" if row.get("targets") else "question"
        cards.append(AnswerCard(
            row["position"], session.total, kind, card_prompt(row["prompt"], kind, note), row["answer"],
            row["score"], row["max_score"],
            row["label"], citation(row["label"]),  # the question as it was asked and stored
            section_key(note.file_key, note.uid) if note is not None else "",
            lines, row["feedback"] if not lines else "", row.get("elapsed"), bool(row.get("over_time")),
            row["follow_up"], [] if any(p.status == "contradicted" for p in lines) else row["contradictions"],
            row.get("probe"), row["elsewhere"]))
    return cards
