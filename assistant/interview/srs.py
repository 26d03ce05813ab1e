"""Spaced repetition with FSRS (the `fsrs` library, the algorithm Anki ships): grades become ratings, cards get due dates.

Two kinds of card share one table: a question card (`q:<note key>`) for the whole question and a
point card (`p:<note key>#<point id>`) for each key point of its outline, so a point the user
missed comes back sooner than the question it belongs to. A card's state is a plain dict (the
`cards` row: state, step, stability, difficulty, due_at, last_review as epoch seconds, reps,
lapses); this module turns a rating into the next state and predicts recall (retrievability).
The clock is always a parameter, so a month of reviews can be simulated exactly.
`fsrs` is imported on first use, never at CLI start-up.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from functools import lru_cache

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
# Score (0–10) at which a grade earns each rating; below HARD_AT is Again. Same cut-offs as the old Leitner
# boxes (demote below 5, promote from 7), plus Easy for a near-complete answer.
HARD_AT, GOOD_AT, EASY_AT = 5.0, 7.0, 9.0
STEP = timedelta(minutes=10)  # a forgotten card comes back after this long: in the next session, not the same one
POINT_RATING = {"covered": GOOD, "missed": AGAIN, "contradicted": AGAIN}
CARD_FIELDS = ("state", "step", "stability", "difficulty", "due_at", "last_review", "reps", "lapses", "last_rating")


def out_of_10(score: float, max_score: float | None = 10.0) -> float:
    """A grade on the 0–10 scale every cut-off, bar and chart uses (stored grades keep their own maximum)."""
    return 10.0 * score / (max_score or 10.0)


def rating_for(score: float, max_score: float = 10.0, over_time: bool = False) -> int:
    """The FSRS rating of a graded answer; an answer given after the time limit earns at most Hard."""
    s = out_of_10(score, max_score)
    rating = EASY if s >= EASY_AT else GOOD if s >= GOOD_AT else HARD if s >= HARD_AT else AGAIN
    return min(rating, HARD) if over_time and rating > AGAIN else rating


def by_note(cards: dict[str, dict]) -> dict[str, list[dict]]:
    """Cards (card_key → row) grouped by the question they belong to: its question card and point cards."""
    out: dict[str, list[dict]] = {}
    for card in cards.values():
        out.setdefault(card["note_key"], []).append(card)
    return out


def point_id(lead: str) -> str:
    """A key point's stable id: a hash of its verbatim lead (survives reordering of the section)."""
    return hashlib.sha1(lead.encode()).hexdigest()[:10]


def indexes_of(points, ids) -> list[int]:
    """Positions in the current outline of the points with these ids, in the ids' order (removed points dropped)."""
    where = {point_id(p.lead): i for i, p in enumerate(points)}
    return [where[pid] for pid in ids if pid in where]


def question_card(note_key: str) -> str:
    """The card key of a whole question."""
    return f"q:{note_key}"


def point_card(note_key: str, pid: str) -> str:
    """The card key of one key point."""
    return f"p:{note_key}#{pid}"


@lru_cache(maxsize=1)
def scheduler():
    """The shared FSRS scheduler: default weights, 90 % desired retention, no fuzzing (reproducible due dates)."""
    import fsrs

    return fsrs.Scheduler(learning_steps=(STEP,), relearning_steps=(STEP,), enable_fuzzing=False)


def _dt(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, timezone.utc)


def _card(state: dict | None, now: float):
    import fsrs

    if not state:
        return fsrs.Card(card_id=1, due=_dt(now))
    return fsrs.Card(card_id=1, state=fsrs.State(state["state"]), step=state.get("step"),
                     stability=state.get("stability"), difficulty=state.get("difficulty"),
                     due=_dt(state["due_at"]), last_review=_dt(state.get("last_review")))


def review(state: dict | None, rating: int, now: float) -> dict:
    """The card state after a review with this rating at `now` (epoch seconds); None is a new card."""
    import fsrs

    card, _ = scheduler().review_card(_card(state, now), fsrs.Rating(rating), _dt(now))
    prev = state or {}
    return {"state": int(card.state), "step": card.step, "stability": card.stability, "difficulty": card.difficulty,
            "due_at": card.due.timestamp(), "last_review": now, "reps": int(prev.get("reps") or 0) + 1,
            "lapses": int(prev.get("lapses") or 0) + (rating == AGAIN and bool(state)), "last_rating": rating}


def retrievability(state: dict | None, now: float) -> float:
    """Predicted probability of recalling the card at `now` (0 for a card never reviewed)."""
    if not state or state.get("last_review") is None or not state.get("stability"):
        return 0.0
    return float(scheduler().get_card_retrievability(_card(state, now), _dt(now)))


def next_due(group: list[dict]) -> float:
    """When a question next comes back: the soonest due of its question card and point cards (a missed point's
    relearning step brings it back in minutes however far off the question card is). The mastery table and the
    review schedule both say this; they disagreed ("review in 15 min" beside "in 8 d")."""
    return min(c["due_at"] for c in group)


def is_due(state: dict | None, now: float) -> bool:
    """True when a card exists and its due time has come."""
    return bool(state) and state["due_at"] <= now  # type: ignore[index]


def describe_due(due_at: float, now: float) -> str:
    """'due now', 'in 3 h', 'in 2 d': when a card is due, relative to now."""
    delta = due_at - now
    if delta <= 0:
        return "due now"
    if delta < 3600:
        return f"in {max(1, round(delta / 60))} min"
    if delta < 86400:
        return f"in {round(delta / 3600)} h"
    return f"in {round(delta / 86400)} d"
