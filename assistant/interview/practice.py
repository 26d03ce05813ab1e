"""What happens around a grade: FSRS card updates, the targeted recall turn, the probe, and question wording.

The session (`session.py`) asks and stores; this module decides. A full question updates its
question card (grade → rating, at most Hard when over the time limit) and one card per key point
(covered → Good, missed or contradicted → Again). A targeted turn asks only for the points that
are due and scores only them. A probe's verdict counts toward its own points: recalled after the
nudge → Hard (Good for a point the answer had already covered), not recalled → Again; and in the question's
grade, a point recalled in the follow-up earns its share of the score, its row keeping the answer's own verdict
beside the follow-up's (`with_follow_up`).
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Callable

from assistant.answering.prompts import Prompts
from assistant.interview.grades import MAX_SCORE, Grade, Reference, render_feedback
from assistant.interview.point_cues import blanked
from assistant.interview.srs import (
    AGAIN,
    GOOD,
    HARD,
    POINT_RATING,
    indexes_of,
    point_card,
    point_id,
    question_card,
    rating_for,
    review,
)
from assistant.interview.variants import llm_variants, offline_variants
from assistant.notes.keypoints import Point
from assistant.retrieval.intent import intents

_ZH_COUNTS = "零一两三四五六七八九十"
_RECALL_NOUNS = {"zh": {"fix": "种方法", "detect": "个信号", "effect": "个影响", "compare": "处区别", "list": "个要点"},
                 "en": {"fix": "methods", "detect": "signs", "effect": "effects", "compare": "differences", "list": "points"}}


def restrict(grade: Grade, prompts: Prompts | None, ref: Reference, answer: str, keep: list[int],
             lang: str | None = None) -> Grade:
    """A grade scored on some points only (a targeted turn, a probe): score = share of them covered, and the
    feedback says it is about the points asked (unless they are all the question's points)."""
    rows = [grade.points[i] for i in keep if i < len(grade.points)]
    if not rows:
        return grade
    score = round(MAX_SCORE * sum(r["status"] == "covered" for r in rows) / len(rows), 1)
    asked = len(rows) < len(grade.points)
    # `lang`: a skip's (no answer to tell it by) is the session's, or a skipped English follow-up was told in Chinese.
    feedback = render_feedback(prompts, ref, answer, score, rows, asked=asked, lang=lang) if prompts else grade.feedback
    return replace(grade, score=score, feedback=feedback, points=rows, follow_up="",
                   covered=[r["point"] for r in rows if r["status"] == "covered"],
                   missed=[r["point"] for r in rows if r["status"] != "covered"])


def card_updates(note, points: list[Point], grade: Grade, cards: dict[str, dict], now: float,
                 over_time: bool = False, only: list[int] | None = None) -> dict[str, dict]:
    """New states of the question card (full turns only) and of each graded point's card."""
    out: dict[str, dict] = {}
    if only is None:
        key = question_card(note.key)
        out[key] = {**review(cards.get(key), rating_for(grade.score, grade.max_score, over_time), now),
                    "note_key": note.key, "point": None, "label": note.label}
    rows = grade.points  # a restricted grade (targeted turn) holds the rows of `only`, in order
    indexes = list(range(len(points))) if only is None else only
    if len(rows) != len(indexes):  # a grader without per-point verdicts: only the question card
        return out
    whole = rating_for(grade.score, grade.max_score, over_time)
    for i, row in zip(indexes, rows):
        pid = point_id(points[i].lead)
        key = point_card(note.key, pid)
        out[key] = {**review(cards.get(key), _point_rating(row["status"], whole), now), "note_key": note.key, "point": pid,
                    "label": points[i].label}
    return out


def _point_rating(status: str, whole: int) -> int:
    """A point's FSRS rating: missed or contradicted is Again; covered is Good, or Hard when the answer as a whole earned
    less (a point named without what it means or why: "2 of 2 points covered" at 5.8/10 made the question's mastery
    100 % "strong", blind web QA 2026-12-06)."""
    rating = POINT_RATING[status]
    return max(HARD, min(rating, whole)) if rating == GOOD else rating


def probe_updates(note, points: list[Point], idx: list[int], statuses: list[str], was_missed: bool,
                  cards: dict[str, dict], now: float) -> dict[str, dict]:
    """Card states after a probe: each target point rated by whether the probe answer covered it."""
    out = {}
    for i, status in zip(idx, statuses):
        pid = point_id(points[i].lead)
        key = point_card(note.key, pid)
        rating = (HARD if was_missed else GOOD) if status == "covered" else AGAIN
        out[key] = {**review(cards.get(key), rating, now), "note_key": note.key, "point": pid, "label": points[i].label}
    return out


def with_follow_up(score: float, rows: list[dict], follow: dict[str, str]) -> tuple[float, list[dict]]:
    """The question's score and verdict rows counting its follow-up probe, whose answer gave the verdicts `follow`
    (point label → covered | missed | contradicted | skipped) on the points it asked about. Each row keeps the
    answer's own verdict in `status` and gets the follow-up's in `follow_up`: blind QA read "✓ … (in the follow-up)"
    on a point the answer had contradicted, and could not see the mistake any more. A point the answer had not
    covered and the follow-up did adds its share of the score (MAX_SCORE / points); nothing else moves it: a
    follow-up that misses a point the answer had covered takes nothing away (its card is rated Again all the same)."""
    merged = [{**r, "follow_up": follow[r["point"]]} if r["point"] in follow else r for r in rows]
    gained = sum(r["status"] != "covered" and r.get("follow_up") == "covered" for r in merged)
    return min(float(MAX_SCORE), round(score + MAX_SCORE * gained / len(rows), 1)) if gained else score, merged


def follow_up_status(statuses: list[str], answered: bool) -> str:
    """The probe's verdict over the points it asked about: covered only when it covered all of them (a hint about two
    points answered with one right and one contradicted was stored "covered", and the report said so, blind QA);
    "partly covered" when it covered some; else contradicted, missed, or skipped when nothing was answered."""
    if not answered:
        return "skipped"
    if statuses and all(s == "covered" for s in statuses):
        return "covered"
    if "covered" in statuses:
        return "partly covered"
    return "contradicted" if "contradicted" in statuses else "missed"


def recall_prompt(prompts: Prompts, note, points: list[Point], targets: tuple[str, ...], lang: str) -> str:
    """The targeted question for due points: "你上次没提到的两种方法是什么？（提示：「使用梯____（____）」、「使用权____（____）」）".
    Each point is cued by its label with the key term blanked (`point_cues.blanked`): "第 4 点，共 9 点" expected the
    candidate to know the notes' numbering (blind QA)."""
    due = [points[i] for i in indexes_of(points, targets)]
    kind = next((k for k in ("fix", "detect", "effect", "compare", "list") if k in intents(note.title)), "list")
    count = len(due)
    if lang == "zh":
        cues = "、".join(f"「{blanked(p)}」" for p in due)
        count_text = _ZH_COUNTS[count] if count <= 10 else str(count)
    else:
        cues = "; ".join(f'"{blanked(p)}"' for p in due)
        count_text = str(count)
    return prompts.render("interview_recall", lang, title=note.title, count=count_text,
                          noun=_RECALL_NOUNS[lang][kind], cues=cues)


def wording(prompts: Prompts, note, seen: bool, rng: random.Random, lang: str, ask_templates: list,
            llm=None, same_section: Callable[[str], bool] | None = None) -> str:
    """How a question is asked: its title the first time; a paraphrase (model, checked by retrieval) or a
    template variant of its question type once it has been seen, so the title alone is no cue."""
    if seen:
        options = llm_variants(llm, prompts, note.title, lang, same_section) if llm and same_section else []
        options = options or offline_variants(prompts, note.title, lang)
        if options:
            return rng.choice(options)
    return rng.choice(ask_templates).format(title=note.title)
