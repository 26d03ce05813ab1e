"""What a grade is and how it reads: the reference, the grade, the per-point rows and the checklist feedback.

Shared by the offline grader (`grader.py`), the LLM grader (`llm_grader.py`), practice turns
and the session, so each of them produces the same `Grade` and the same ✓ ✗ ! checklist.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from assistant.answering.prompts import Prompts
from assistant.notes.keypoints import Point, outline
from assistant.notes.parse import question_label
from assistant.notes.polarity import Conflict
from assistant.notes.terms import has_cjk, language_of

MAX_SCORE = 10
BRIEF_BELOW = 0.7  # below 7/10 with every point named, the feedback says the answer was brief (a display rule)
# The checklist mark of each point verdict: feedback, answer cards and Markdown reports (this module loads no numpy).
MARKS = {"covered": "✓", "missed": "✗", "contradicted": "!"}


@dataclass(frozen=True)
class Reference:
    """What an answer is graded against: the section's number, title and Markdown body."""

    number: int
    title: str
    body: str

    @property
    def label(self) -> str:
        """'第28题 如何修复梯度爆炸问题？'."""
        return question_label(self.number, self.title)

    @property
    def citation(self) -> str:
        """'[1] 第28题 如何修复梯度爆炸问题？' — the only source of a grade is [1]."""
        return citation(self.label)


def citation(label: str) -> str:
    """How a grade cites its section: '[1] <label>' (also for a stored answer whose section is gone)."""
    return f"[1] {label}"


@dataclass
class Grade:
    """A graded answer: score out of MAX_SCORE, covered and missed points, feedback, citations, per-point list."""

    question: int
    score: float
    covered: list[str]
    missed: list[str]
    feedback: str
    citations: list[str]
    max_score: int = MAX_SCORE
    contradictions: list[str] = field(default_factory=list)
    follow_up: str = ""
    grader: str = "offline"
    notice: str = ""
    elsewhere: str = ""  # the label of the section an off-topic answer is about instead
    points: list[dict] = field(default_factory=list)  # {point, status, note, statement, rule}

    def to_json(self) -> dict:
        """The `assistant grade --json` shape."""
        keys = ("question", "score", "max_score", "covered", "missed", "feedback", "citations", "points", "elsewhere")
        return {k: getattr(self, k) for k in keys}

    def to_dict(self) -> dict:
        """Every field, for storage."""
        return asdict(self)


def points_of(ref: Reference) -> list[Point]:
    """The section's outline points: what every grader scores and every per-point row follows."""
    return list(outline(ref.body).points)


def point_rows(points: list[Point], statuses: list[str], conflicts: dict[int, Conflict] | None = None) -> list[dict]:
    """The per-point list of a Grade: label, status and, for a contradiction, both sides and the rule."""
    rows = []
    for i, (point, status) in enumerate(zip(points, statuses)):
        c = (conflicts or {}).get(i)
        rows.append({"point": point.label, "status": status, "note": c.note if c else "",
                     "statement": c.statement if c else "", "rule": c.rule if c else ""})
    return rows


def reply_language(answer: str, question: str) -> str:
    """The language to speak to a candidate in: their answer's when it says enough to tell (Chinese characters, or two
    Latin words: "I don't know", "Use gradient clipping"), else the question's. "ok", "/skip" or a bare "ReLU" to a
    Chinese question was answered in English while the next messages were Chinese (blind QA: the interview's language
    switched around). The feedback, the skip message and the follow-up all ask this."""
    return shown_language(answer) or language_of(question)


def shown_language(answer: str) -> str | None:
    """The language an answer shows (Chinese characters, or two Latin words), None when it is too short to tell."""
    if has_cjk(answer):
        return "zh"
    return "en" if len(re.findall(r"[A-Za-z]{2,}", answer)) >= 2 else None


def render_feedback(prompts: Prompts, ref: Reference, answer: str, score: float, rows: list[dict],
                    extra: str = "", elsewhere: str = "", lang: str | None = None, asked: bool = False) -> str:
    """The checklist feedback from `prompts/interview_feedback*.md`, in the answer's language; led by
    `prompts/interview_elsewhere*.md` when the answer is about the section labelled `elsewhere` instead. With `asked`,
    `rows` are only the points a follow-up or recall turn asked about, and the feedback says so
    (`interview_feedback_asked*.md`): "you covered every key point of the notes" after a follow-up about one point
    read as if the question's other, still missed, points were covered too (blind QA)."""
    lang = lang or reply_language(answer, ref.title)
    n_covered = sum(r["status"] == "covered" for r in rows)
    if not answer.strip() and rows:
        # Skipped (/skip): nothing was answered, so nothing was missed either; the points are what the notes say.
        text = prompts.render("interview_skipped", lang, n_total=len(rows), citation=ref.citation,
                              checklist="\n".join(f"• {r['point']}" for r in rows))
    elif rows and n_covered == len(rows) and asked:
        filled = {"score": _fmt(score), "max_score": MAX_SCORE, "citation": ref.citation}
        text = prompts.render("interview_feedback_asked_one", lang, **filled) if len(rows) == 1 else \
            prompts.render("interview_feedback_asked_all", lang, **filled, n_total=len(rows))
    elif rows and n_covered == len(rows):
        # Every point named, yet a low score (a bare list of the points' names earns partial credit): "you covered
        # every key point" next to 5.8/10 read as a contradiction, so the feedback says what the score is missing.
        filled = {"score": _fmt(score), "max_score": MAX_SCORE, "citation": ref.citation}
        # Not "briefly" when the score is low for another reason the feedback gives (`extra`: padding, a comment). Short
        # of a full mark, it says why: "笔记中的要点都覆盖到了" beside 8.7/10 left the user asking where 1.3 went (blind QA).
        full = "interview_feedback_full" if score >= MAX_SCORE else "interview_feedback_full_short"
        text = prompts.render(full, lang, **filled) if score >= BRIEF_BELOW * MAX_SCORE or extra else \
            prompts.render("interview_feedback_brief", lang, **filled, n_total=len(rows))
    else:
        lines = []
        for r in rows:
            line = f"{MARKS[r['status']]} {r['point']}"
            if r["status"] == "contradicted":
                line += " " + prompts.render("interview_contradiction", lang, statement=r["statement"], note=r["note"])
            lines.append(line)
        text = prompts.render("interview_feedback_asked" if asked else "interview_feedback", lang, score=_fmt(score),
                              max_score=MAX_SCORE, n_covered=n_covered, n_total=len(rows),
                              checklist="\n".join(lines), citation=ref.citation)
        if wrong := sum(r["status"] == "contradicted" for r in rows):
            # Why 3 of 5 covered can score 0.4/10 (blind CLI QA: "the penalty is not explained").
            text += "\n" + prompts.render("interview_penalty", lang, n=wrong).strip()
    if elsewhere:  # said first: it explains the checklist that follows
        text = prompts.render("interview_elsewhere", lang, label=elsewhere) + "\n" + text
    return f"{text}\n{extra}".strip()


def grade_skip(grader, prompts: Prompts | None, ref: Reference, lang: str | None = None) -> "Grade":
    """A skipped question graded (0, the notes' points listed), its feedback in `lang` when the user gave up in
    words ("I don't know" is answered in English whatever the notes' language). The interview and `assistant grade`
    both treat a give-up this way."""
    grade = grader.grade(ref, "")
    if lang and prompts is not None and grade.points:
        grade.feedback = render_feedback(prompts, ref, "", grade.score, grade.points, lang=lang)
    return grade


def _fmt(score: float) -> str:
    return f"{score:g}"
