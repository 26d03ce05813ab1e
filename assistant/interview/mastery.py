"""Mastery: how well each practised question, and each topic, is known right now, from the FSRS cards.

A card's strength is what its last review showed (Good or Easy 1, Hard 0.5, Again 0) times the
predicted recall now (FSRS retrievability), so a point answered well fades as its recall does and
a point missed counts nothing until it is answered again. A question's mastery is the mean
strength of its key-point cards (the finer record: targeted turns and probes update only
those), or of its question card when the grader gave no per-point verdicts. A topic's mastery is
the mean over every askable question of the topic, unpractised ones counting 0, so it says how
ready the whole topic is, not only the part already tried; its level (strong, fair, weak) is that of the practised
questions only, since an unpractised question is not yet known to be weak (blind QA read "44% · weak · … mean last
score 8.8/10" for a topic whose one practised question was strong). The web Interview tab shows these;
`plan.weakest` asks the weakest questions first. Pure functions of rows and a clock; no Gradio.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from assistant.interview.srs import AGAIN, EASY, GOOD, HARD, by_note, describe_due, next_due, out_of_10, retrievability
from assistant.notes.parse import question_label

STRENGTH = {AGAIN: 0.0, HARD: 0.5, GOOD: 1.0, EASY: 1.0}
LEVELS = ((0.8, "strong"), (0.5, "fair"), (0.0, "weak"))


def level(mastery: float | None) -> str:
    """'strong' (≥ 80 %), 'fair' (≥ 50 %), 'weak', or 'new' for a question never answered."""
    if mastery is None:
        return "new"
    return next(name for floor, name in LEVELS if mastery >= floor)


def card_strength(card: dict, now: float) -> float:
    """What the card's last review showed, times its predicted recall now (0–1)."""
    rating = card.get("last_rating")
    return STRENGTH.get(int(rating), 0.0) * retrievability(card, now) if rating else 0.0


def note_mastery(cards: list[dict], now: float) -> float | None:
    """A question's mastery from its cards (question card and point cards); None when it has none."""
    points = [c for c in cards if c.get("point")]
    question = [c for c in cards if not c.get("point")]
    use = points or question
    if not use:
        return None
    return sum(card_strength(c, now) for c in use) / len(use)


@dataclass(frozen=True)
class QuestionMastery:
    """One practised question: mastery now, key points known at their last review, last score, attempts, due."""

    note_key: str
    label: str
    topic: str
    mastery: float
    points_known: int
    points: int
    last_score: float | None
    attempts: int
    due_at: float
    due: str

    @property
    def level(self) -> str:
        """'strong', 'fair' or 'weak'."""
        return level(self.mastery)


@dataclass(frozen=True)
class TopicMastery:
    """One topic: mastery over all its askable questions, how many were practised, their mean last score, and the
    mastery of the practised ones alone (`known`)."""

    topic: str
    mastery: float
    practised: int
    questions: int
    mean_last: float | None
    known: float | None = None

    @property
    def level(self) -> str:
        """'strong', 'fair' or 'weak' as the practised questions are known, or 'new' when none was practised: the
        questions not yet practised say nothing of how well the topic is known."""
        return level(self.known) if self.practised and self.known is not None else "new"

    @property
    def unpractised(self) -> int:
        """Askable questions of the topic never answered."""
        return self.questions - self.practised


def questions(cards: dict[str, dict], history: list[dict], now: float | None = None) -> list[QuestionMastery]:
    """Every question with cards, weakest first (then soonest due). `history` is `Store.answer_history()`."""
    now = time.time() if now is None else now
    answers: dict[str, list[dict]] = {}
    for row in history:
        answers.setdefault(row["note_key"], []).append(row)
    out = []
    for note_key, group in by_note(cards).items():
        mastery = note_mastery(group, now)
        if mastery is None:
            continue
        q = next((c for c in group if not c.get("point")), None)
        points = [c for c in group if c.get("point")]
        tried = answers.get(note_key, [])
        last = tried[-1] if tried else None
        due_at = next_due(group)
        label = (q or {}).get("label") or (question_label(last["question"], last["title"]) if last else note_key)
        out.append(QuestionMastery(
            note_key, label, last["topic"] if last else "other", mastery,
            sum(1 for c in points if (c.get("last_rating") or 0) >= GOOD), len(points),
            None if last is None else out_of_10(last["score"], last["max_score"]), len(tried), due_at,
            describe_due(due_at, now)))
    return sorted(out, key=lambda m: (m.mastery, m.due_at))


def topics(practised: list[QuestionMastery], askable: dict[str, list[str]] | None = None) -> list[TopicMastery]:
    """Per topic, weakest first: mastery over its askable questions (`askable`: topic → note keys; without it,
    over the practised ones only). Topics with askable questions but no practice are listed with mastery 0."""
    by_topic: dict[str, list[QuestionMastery]] = {}
    for m in practised:
        by_topic.setdefault(m.topic, []).append(m)
    names = list(dict.fromkeys([*(askable or {}), *by_topic]))
    out = []
    for topic in names:
        done = by_topic.get(topic, [])
        keys = set((askable or {}).get(topic, ())) | {m.note_key for m in done}
        total = len(keys) or 1
        lasts = [m.last_score for m in done if m.last_score is not None]
        out.append(TopicMastery(topic, sum(m.mastery for m in done) / total, len(done), len(keys),
                                sum(lasts) / len(lasts) if lasts else None,
                                sum(m.mastery for m in done) / len(done) if done else None))
    return sorted(out, key=lambda t: (t.practised == 0, t.mastery, t.topic))
