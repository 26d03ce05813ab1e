"""The review schedule as rows for `assistant history` and the web progress view: what is due when, and
how well each question and its weakest key point are known now.

"Known now" is the question's mastery (mastery.note_mastery: its key-point cards' strength, the last review's rating
times FSRS's predicted recall), the number the per-question mastery list shows, not the bare retrievability:
right after a review FSRS predicts 100 % recall whatever the rating, so a question just answered 0/10 read
"recall now 100%" beside "due now"; and not the question card's own strength, which read 50 % beside a mastery
of 100 % when an answer over the time limit (rated Hard) covered every point."""

from __future__ import annotations

import time

from assistant.interview.mastery import card_strength, note_mastery
from assistant.interview.srs import by_note, describe_due, is_due, next_due


def schedule_rows(cards: dict[str, dict], topics: dict[str, str], now: float | None = None) -> list[dict]:
    """One row per question with a card, soonest due first (a due point makes the question due)."""
    now = time.time() if now is None else now
    rows = []
    for note_key, group in by_note(cards).items():
        q = cards.get(f"q:{note_key}")  # the question card (srs: "q:<note key>"); the others are its point cards
        points = [c for c in group if c is not q]
        if q is None:
            continue
        due_points = [c for c in points if is_due(c, now)]
        due_at = next_due(group)
        weakest = min(points, key=lambda c: (card_strength(c, now), c["stability"] or 0.0), default=None)  # ties: least stable
        rows.append({"note_key": note_key, "label": q["label"] or note_key, "topic": topics.get(note_key, "other"),
                     "due_at": due_at, "due": describe_due(due_at, now), "known": note_mastery(group, now) or 0.0,
                     "stability": q["stability"] or 0.0, "points": len(points), "points_due": len(due_points),
                     "weakest": f"{weakest['label'][:30]} ({card_strength(weakest, now):.0%})" if weakest else "-"})
    return sorted(rows, key=lambda r: (r["due_at"], r["known"]))
