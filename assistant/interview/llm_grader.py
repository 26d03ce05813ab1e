"""The LLM grader: a chat model scores the same outline points as the offline grader, by the rubric in `prompts/grade_*.md`.

Both modes must agree on what "complete" means, so the model gets the section's outline as
numbered points and answers with JSON: which points are covered, which are contradicted, a score.
The reply is parsed defensively; any failure falls back to the offline grade with a notice. An answer
the offline grader finds to be about another section (`topicality.py`), and a skip, are graded offline, the model
not asked.
"""

from __future__ import annotations

from assistant.answering.llm import first_json
from assistant.answering.prompts import Prompts
from assistant.interview.grader import OfflineGrader
from assistant.interview.grades import MAX_SCORE, Grade, Reference, point_rows, render_feedback
from assistant.notes.keypoints import Point
from assistant.notes.text import plain_text


class LLMGrader:
    """Grades with a chat model and the rubric in `prompts/grade_*.md`; any failure falls back offline."""

    def __init__(self, llm, prompts: Prompts, fallback: OfflineGrader, model_name: str = "") -> None:
        self.llm, self.prompts, self.fallback = llm, prompts, fallback
        self.name = f"llm:{model_name}" if model_name else "llm"

    def grade(self, ref: Reference, answer: str) -> Grade:
        """Ask the model for a JSON grade; parse it defensively; fall back to the offline grader.

        The offline grade comes first (about a quarter of a second beside the model's seconds): an answer to
        another question is graded by it, named and covering nothing, without asking the model, so both modes
        grade it alike (the rubric has no notion of the other sections); otherwise it is the fallback."""
        offline = self.fallback.grade(ref, answer)
        if offline.elsewhere or not answer.strip():  # a skip scores 0 by rule: no model call to wait for (blind QA)
            return offline
        points = self.fallback.key_points(ref)
        numbered = "\n".join(f"{i}. {pt.label}: {plain_text(' '.join(pt.sentences))}" for i, pt in enumerate(points, start=1))
        try:
            system = self.prompts.render("grade_system", max_score=MAX_SCORE)
            user = self.prompts.render("grade_user", label=ref.label, reference=ref.body, key_points=numbered,
                                       answer=answer)
            reply = self.llm.invoke([("system", system), ("human", user)])
            return self._parse(ref, answer, points, getattr(reply, "content", reply))
        except Exception as exc:  # a bad reply or a dead endpoint must never lose the user's answer
            offline.notice = f"LLM grader unavailable ({type(exc).__name__}); graded offline"
            return offline

    def _parse(self, ref: Reference, answer: str, points: list[Point], content) -> Grade:
        data = parse_json_object(str(content))
        score = round(min(max(float(data["score"]), 0.0), MAX_SCORE), 1)
        covered_ix = _indices(data.get("covered", []), len(points))
        contradicted_ix = _indices(data.get("contradicted", []), len(points))
        statuses = ["contradicted" if i in contradicted_ix else "covered" if i in covered_ix else "missed"
                    for i in range(len(points))]
        rows = point_rows(points, statuses)
        contradictions = [str(c).strip() for c in data.get("contradictions", []) or [] if str(c).strip()]
        follow_up = str(data.get("follow_up") or "").strip()
        comment = str(data.get("feedback") or "").strip()
        feedback = render_feedback(self.prompts, ref, answer, score, rows, comment)
        return Grade(ref.number, score, [r["point"] for r in rows if r["status"] == "covered"],
                     [r["point"] for r in rows if r["status"] != "covered"], feedback, [ref.citation],
                     contradictions=contradictions, follow_up=follow_up, grader=self.name, points=rows)


def parse_json_object(text: str) -> dict:
    """The first JSON object with a score in a model reply (code fences and chatter around it are ignored)."""
    obj = first_json(text, lambda value: isinstance(value, dict) and "score" in value)
    if obj is None:
        raise ValueError("no JSON object with a score in the reply")
    return obj


def _indices(values, n: int) -> list[int]:
    """1-based key-point numbers from the model, validated, as 0-based indexes."""
    out = []
    for v in values if isinstance(values, list) else []:
        try:
            i = int(v) - 1
        except (TypeError, ValueError):
            continue
        if 0 <= i < n and i not in out:
            out.append(i)
    return out
