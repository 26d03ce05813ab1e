"""Which questions a new session asks, and how: due cards first (lowest predicted recall), then new ones.

A question whose question card is due is asked in full. A question whose card is not due but
some of whose key-point cards are (points missed last time) comes back as a targeted turn that
asks only for those points ("你刚才没提到的两种方法是什么？"). Never-seen questions follow in
notes order, then the rest (soonest due first) so a session is always filled. A "weak questions"
session (`weakest`) asks only practised questions, lowest mastery first (mastery.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from assistant.interview.srs import is_due, point_card, question_card, retrievability

MAX_QUESTIONS = 50  # per session, in the CLI (`interview --n`) and the web tab's slider alike


@dataclass(frozen=True)
class Slot:
    """One planned turn: the note, and the point ids it targets (empty: the whole question)."""

    note: Any
    targets: tuple[str, ...] = ()


def plan(candidates: list, cards: dict[str, dict], n: int, now: float,
         point_ids: Callable[[Any], list[str]]) -> list[Slot]:
    """Choose n turns from notes (objects with `.key`) given every card's state."""
    due, new, later = [], [], []
    for order, note in enumerate(candidates):
        q = cards.get(question_card(note.key))
        if q is None:
            new.append(Slot(note))
            continue
        if is_due(q, now):
            due.append(((retrievability(q, now), order), Slot(note)))
            continue
        points = [(pid, cards.get(point_card(note.key, pid))) for pid in point_ids(note)]
        weak = [(pid, c) for pid, c in points if is_due(c, now)]
        if weak:
            urgency = min(retrievability(c, now) for _, c in weak)
            due.append(((urgency, order), Slot(note, tuple(pid for pid, _ in weak))))
        else:
            later.append(((q["due_at"], order), Slot(note)))
    ranked = [s for _, s in sorted(due, key=lambda t: t[0])] + new + [s for _, s in sorted(later, key=lambda t: t[0])]
    return ranked[:n]


def weakest(candidates: list, cards: dict[str, dict], n: int, now: float) -> list[Slot]:
    """The n practised questions (notes with cards) of lowest mastery now, whole questions, weakest first;
    ties go to the one due soonest. Never-answered questions are not weak, only new: they are left out."""
    from assistant.interview.mastery import note_mastery
    from assistant.interview.srs import by_note

    grouped = by_note(cards)
    ranked = []
    for order, note in enumerate(candidates):
        group = grouped.get(note.key, [])
        mastery = note_mastery(group, now)
        if mastery is not None:
            ranked.append(((mastery, min(c["due_at"] for c in group), order), Slot(note)))
    return [s for _, s in sorted(ranked, key=lambda t: t[0])][:n]
