"""The practice rows of the interview database: FSRS card states, probing follow-ups, time taken.

A mixin of `store.Store` (kept apart so the store's connection and migration code stays small);
the tables come from the `m004_fsrs_cards` and `m005_probes_and_timing` migrations, cards keyed by user
since `m006_interview_user`. Methods that take `commit=False` run inside the caller's transaction, so an
answer and its cards land together. An answered probe keeps the question's score and verdicts counting it
(`m010_follow_up_counts`); `COUNTED_ANSWERS` is how every reader of answers sees them.
"""

from __future__ import annotations

import json
import sqlite3

from assistant.db.sqlite import as_json, now_iso
from assistant.notes.text import close_gaps

# Every answer with the score and verdict rows that count: the ones counting its answered follow-up probe when there is
# one (m010), else its own. Reports, history, progress and mastery all read answers through this, so they agree.
COUNTED_ANSWERS = (
    "SELECT a.*, COALESCE(p.score, a.score) AS counted_score,"
    " CASE WHEN p.score IS NULL THEN a.points ELSE p.points END AS counted_points"
    " FROM answers a LEFT JOIN probes p ON p.session_id = a.session_id AND p.position = a.position")


def with_closed_label(row: sqlite3.Row) -> dict:
    """A stored row as the app reads it: a point label stored before labels closed the gap a bold mark leaves
    ("…更新网络权重 。", `Point.label`) reads closed, so cards, reports and schedules all show, and look points up
    by, today's label. Done where rows are read, since the database layer (migrations) cannot use the notes' text
    rules."""
    out = dict(row)
    # A question card (point NULL) is labelled "第25题 什么是梯度爆炸？": its space is the label's own, not a gap.
    if out.get("label") and out.get("point", True):
        out["label"] = close_gaps(out["label"])
    return out


class PracticeRows:
    """Card, probe and timing reads and writes on `self.db`."""

    db: sqlite3.Connection
    user: str  # whose cards these are ('' = the local single user)

    def _save_practice(self, session_id: int, position: int, grade, cards: dict[str, dict], elapsed: float | None,
                       targets: list[str], probe: dict | None) -> None:
        """Inside record_answer's transaction: the answer's extras, new card states and the probe it raises."""
        self.db.execute("UPDATE answers SET points = ?, elapsed = ?, targets = ? WHERE session_id = ? AND position = ?",
                        (as_json(getattr(grade, "points", [])), elapsed, as_json(targets), session_id, position))
        self.save_cards(cards, commit=False)
        if probe:
            self.db.execute(
                "INSERT OR REPLACE INTO probes (session_id, position, note_key, point, label, prompt, kind, was_missed,"
                " asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, position, probe["note_key"], probe["point"], probe["label"], probe["prompt"],
                 probe.get("kind", ""), int(probe.get("was_missed", True)), now_iso()))

    def save_cards(self, cards: dict[str, dict], commit: bool = True) -> None:
        """Insert or update card states (card_key → {note_key, point, label, state, ...})."""
        cols = ("note_key", "point", "label", "state", "step", "stability", "difficulty", "due_at", "last_review",
                "reps", "lapses", "last_rating")
        sql = (f"INSERT OR REPLACE INTO cards (user, card_key, {', '.join(cols)})"
               f" VALUES ({', '.join('?' * (len(cols) + 2))})")
        rows = [(self.user, key, *(c.get(k, "" if k == "label" else 0 if k in ("reps", "lapses") else None) for k in cols))
                for key, c in cards.items()]
        if commit:
            with self.db:
                self.db.executemany(sql, rows)
        else:
            self.db.executemany(sql, rows)

    def cards(self, note_key: str | None = None) -> dict[str, dict]:
        """This user's card states (card_key → row): every card, or one question's cards (an answer touches only those)."""
        if note_key is None:
            rows = self.db.execute("SELECT * FROM cards WHERE user = ?", (self.user,))
            return {r["card_key"]: with_closed_label(r) for r in rows}
        rows = self.db.execute("SELECT * FROM cards WHERE user = ? AND note_key = ?",  # index cards_note (m006)
                               (self.user, note_key))
        return {r["card_key"]: with_closed_label(r) for r in rows}

    def answered_topics(self) -> dict[str, str]:
        """note_key → topic of every question this user answered at least once."""
        rows = self.db.execute("SELECT a.note_key, MAX(a.topic) FROM answers a JOIN sessions s ON s.id = a.session_id"
                               " WHERE s.user = ? GROUP BY a.note_key", (self.user,))
        return {r[0]: r[1] for r in rows}

    def answer_history(self) -> list[dict]:
        """Every graded answer (skips too, scored 0), oldest first: session, question, topic, score (counting its
        follow-up) and when.
        Read-only; the progress chart and the mastery view are built from it."""
        rows = self.db.execute("SELECT a.session_id, a.position, a.note_key, a.question, a.title, a.topic,"
                               " a.counted_score AS score, a.max_score, a.answered_at"
                               f" FROM ({COUNTED_ANSWERS}) a JOIN sessions s ON s.id = a.session_id"
                               " WHERE s.user = ? ORDER BY a.answered_at, a.id", (self.user,))
        return [dict(r) for r in rows]

    def probes(self, session_id: int) -> dict[int, dict]:
        """A session's probes by the position of the answer that raised them."""
        rows = self.db.execute("SELECT * FROM probes WHERE session_id = ? ORDER BY position", (session_id,))
        return {r["position"]: {**with_closed_label(r), "points": json.loads(r["points"])} for r in rows}

    def answer_probe(self, session_id: int, position: int, answer: str, status: str, feedback: str,
                     cards: dict[str, dict], counted: tuple[float, list[dict]]) -> None:
        """Store a probe's answer and verdict, the question's (score, verdict rows) counting it
        (`practice.with_follow_up`) and the point cards it updates, committed at once."""
        score, points = counted
        with self.db:
            self.db.execute("UPDATE probes SET answer = ?, status = ?, feedback = ?, answered_at = ?, score = ?, points = ?"
                            " WHERE session_id = ? AND position = ?",
                            (answer, status, feedback, now_iso(), score, as_json(points), session_id, position))
            self.save_cards(cards, commit=False)
