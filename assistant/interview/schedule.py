"""Spaced repetition with Leitner boxes: questions answered badly come back before new ones.

A grade moves a question between five boxes: a good score (>= 7/10) promotes it, a poor
one (< 5) sends it back to box 1, anything between keeps its box. Each box has a review
interval; box 1's is zero, so a weak question is due again in the very next session.
Picking order: due questions (lowest box, then longest overdue), then never-seen ones
(notes order), then the rest (soonest due) so a session is filled even when all is learned.
"""

from __future__ import annotations

import time

PROMOTE_AT = 7.0
DEMOTE_BELOW = 5.0
MAX_BOX = 5
INTERVAL_DAYS = {1: 0.0, 2: 1.0, 3: 3.0, 4: 7.0, 5: 21.0}


def next_box(box: int | None, score: float) -> int:
    """The Leitner box after a grade (a first answer starts from box 1)."""
    box = box or 1
    if score >= PROMOTE_AT:
        return min(box + 1, MAX_BOX)
    if score < DEMOTE_BELOW:
        return 1
    return box


def review_after(box: int | None, score: float, now: float | None = None) -> tuple[int, float]:
    """(new box, due time as epoch seconds) after a grade."""
    new = next_box(box, score)
    return new, (time.time() if now is None else now) + INTERVAL_DAYS[new] * 86400


def pick(candidates: list, reviews: dict[str, dict], n: int, now: float | None = None) -> list:
    """Choose n notes (objects with `.key`): due reviews first, then new questions, then the rest."""
    now = time.time() if now is None else now
    due, new, later = [], [], []
    for order, note in enumerate(candidates):
        state = reviews.get(note.key)
        if state is None:
            new.append((order, note))
        elif state["due_at"] <= now:
            due.append(((state["box"], state["due_at"], order), note))
        else:
            later.append(((state["due_at"], order), note))
    ranked = [x for _, x in sorted(due, key=lambda t: t[0])] + [x for _, x in new] + [x for _, x in sorted(later, key=lambda t: t[0])]
    return ranked[:n]
