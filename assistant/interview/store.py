"""Interview memory in SQLite: sessions, graded answers and the review schedule, per user.

The database itself (WAL with FULL sync, named migrations, recovery of a damaged file) is
`assistant.db`; this module is the interview's rows in it. Each answer is committed the moment
it is graded, before the grade is shown: a killed session loses nothing. A `Store` belongs to one
user ('' is the local single user: the CLI, and the web app without auth), and sees only that
user's sessions, answers and schedule. A file that is not a database is moved aside to
`<name>.corrupt-<timestamp>` and recreated; `Store.notice` says so in one line.
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.db.schema import MIGRATIONS, open_app_database
from assistant.db.sqlite import DatabaseError, applied, as_json, now_iso
from assistant.interview.practice_rows import COUNTED_ANSWERS, PracticeRows
from assistant.notes.text import close_gaps

__all__ = ["MIGRATIONS", "DatabaseError", "Store"]  # the migration names and error, as before the move


class Store(PracticeRows):
    """The interview database: open (migrating or recovering), write rows, read history."""

    def __init__(self, path: Path, upto: str | None = None, user: str = "") -> None:
        self.path, self.user = Path(path), user
        self.db, self.notice = open_app_database(self.path, "interview database", upto)

    def applied(self) -> list[str]:
        """Names of the migrations applied to this database, in order."""
        return applied(self.db)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    # -- sessions -------------------------------------------------------------------------
    def create_session(self, plan: list[dict], topic: str | None, grader: str, time_limit: float | None = None) -> int:
        """A new session with its planned questions ([{key, prompt}]) and optional per-question time limit (s)."""
        with self.db:
            cur = self.db.execute("INSERT INTO sessions (started_at, topic, plan, grader, user) VALUES (?, ?, ?, ?, ?)",
                                  (now_iso(), topic, as_json(plan), grader, self.user))
            if time_limit:
                self.db.execute("UPDATE sessions SET time_limit = ? WHERE id = ?", (time_limit, cur.lastrowid))
        assert cur.lastrowid is not None  # an INSERT always sets it
        return cur.lastrowid

    def session(self, session_id: int) -> dict | None:
        """One of this user's sessions (plan decoded), or None."""
        row = self.db.execute("SELECT * FROM sessions WHERE id = ? AND user = ?", (session_id, self.user)).fetchone()
        return {**dict(row), "plan": json.loads(row["plan"])} if row else None

    def latest_unfinished(self) -> int | None:
        """The id of this user's most recent session that was not finished."""
        row = self.db.execute("SELECT id FROM sessions WHERE finished_at IS NULL AND user = ? ORDER BY id DESC LIMIT 1",
                              (self.user,)).fetchone()
        return int(row[0]) if row else None

    def finish_session(self, session_id: int) -> None:
        """Mark a session finished."""
        with self.db:
            self.db.execute("UPDATE sessions SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                            (now_iso(), session_id))

    def discard_unanswered(self, session_id: int) -> bool:
        """Delete one of this user's sessions if it has no answer yet (True when deleted). An interview fed no input
        (`assistant interview < /dev/null` from a script) left an empty unfinished session behind each time, and
        `--resume` then picked the latest of them (blind CLI QA, 2026-12-07)."""
        with self.db:
            cur = self.db.execute("DELETE FROM sessions WHERE id = ? AND user = ? AND NOT EXISTS "
                                  "(SELECT 1 FROM answers WHERE session_id = ?)", (session_id, self.user, session_id))
        return cur.rowcount > 0

    # -- answers --------------------------------------------------------------------------
    def record_answer(self, session_id: int, position: int, note, prompt: str, answer: str, grade,
                      review: tuple[int, float], cards: dict[str, dict] | None = None, elapsed: float | None = None,
                      targets: list[str] | None = None, probe: dict | None = None) -> None:
        """Store a graded answer, the question's new review box/due time, its FSRS cards, time taken and
        pending probe, all committed at once."""
        box, due_at = review
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO answers (session_id, position, note_key, question, title, topic, prompt, answer,"
                " score, max_score, covered, missed, feedback, answered_at, contradictions, follow_up, grader, elsewhere)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, position, note.key, note.number, note.title, note.topic, prompt, answer, grade.score,
                 grade.max_score, as_json(grade.covered), as_json(grade.missed), grade.feedback, now_iso(),
                 as_json(grade.contradictions), grade.follow_up, grade.grader, grade.elsewhere))
            self.db.execute(
                "INSERT INTO reviews (user, note_key, box, due_at, last_score, seen) VALUES (?, ?, ?, ?, ?, 1)"
                " ON CONFLICT(user, note_key) DO UPDATE SET box = excluded.box, due_at = excluded.due_at,"
                " last_score = excluded.last_score, seen = seen + 1",
                (self.user, note.key, box, due_at, grade.score))
            self._save_practice(session_id, position, grade, cards or {}, elapsed, targets or [], probe)

    def answers(self, session_id: int) -> list[dict]:
        """A session's graded answers in order (JSON columns decoded), each with the score and verdict rows that
        count: those counting its answered follow-up probe (each point it asked about with its verdict, `follow_up`)."""
        rows = self.db.execute(f"SELECT * FROM ({COUNTED_ANSWERS}) WHERE session_id = ? ORDER BY position", (session_id,))
        keys = ("covered", "missed", "contradictions", "points", "targets")
        return [_closed(_counted({**dict(r), **{k: json.loads(r[k]) for k in keys if k in r.keys()}})) for r in rows]

    def reviews(self) -> dict[str, dict]:
        """The review state of every question this user has seen: note_key → {box, due_at, last_score, seen}."""
        return {r["note_key"]: dict(r) for r in self.db.execute("SELECT * FROM reviews WHERE user = ?", (self.user,))}

    # -- history --------------------------------------------------------------------------
    def sessions_summary(self, limit: int = 20) -> list[dict]:
        """This user's recent sessions with answered count and mean score, newest first."""
        rows = self.db.execute(
            "SELECT s.id, s.started_at, s.finished_at, s.topic, s.plan, COUNT(a.id) AS answered,"
            f" AVG(a.counted_score) AS mean FROM sessions s LEFT JOIN ({COUNTED_ANSWERS}) a ON a.session_id = s.id"
            " WHERE s.user = ?"
            " GROUP BY s.id ORDER BY s.id DESC LIMIT ?",
            (self.user, limit))
        return [{**dict(r), "planned": len(json.loads(r["plan"]))} for r in rows]

    def topic_progress(self) -> list[dict]:
        """Per topic of this user's answers: answers, mean score, latest score and questions practised, weakest first."""
        mine = f"SELECT a.* FROM ({COUNTED_ANSWERS}) a JOIN sessions s ON s.id = a.session_id WHERE s.user = ?"
        rows = self.db.execute(
            f"WITH mine AS ({mine}) SELECT topic, COUNT(*) AS answers, AVG(counted_score) AS mean,"
            " COUNT(DISTINCT note_key) AS questions,"
            " (SELECT counted_score FROM mine b WHERE b.topic = a.topic ORDER BY b.id DESC LIMIT 1) AS last"
            " FROM mine a GROUP BY topic ORDER BY mean", (self.user,))
        return [dict(r) for r in rows]


def _counted(answer: dict) -> dict:
    """An answer row read through COUNTED_ANSWERS with the counted score and verdict rows in `score` and `points`.
    Rows counted before they kept the answer's own verdict (a recalled point was stored covered with `later`, a
    contradiction lost) get it back from the answer's rows, the follow-up's verdict in `follow_up`."""
    own = {r.get("point"): r.get("status") for r in answer.get("points") or []}
    answer["first_score"] = answer["score"]  # the answer's own, before its follow-up counted (reports show both)
    answer["score"], answer["points"] = answer.pop("counted_score"), json.loads(answer.pop("counted_points"))
    answer["points"] = [{**{k: v for k, v in r.items() if k != "later"}, "status": own.get(r.get("point"), r["status"]),
                         "follow_up": "covered"} if r.get("later") and "follow_up" not in r else r
                        for r in answer["points"]]
    return answer


def _closed(answer: dict) -> dict:
    """An answer's point labels as today's outline writes them (see `practice_rows.with_closed_label`): the verdict
    rows and the covered and missed lists of answers graded before labels closed the gaps bold marks leave."""
    if "points" in answer:
        answer["points"] = [{**p, "point": close_gaps(p["point"])} if "point" in p else p for p in answer["points"]]
    for key in ("covered", "missed"):
        if key in answer:
            answer[key] = [close_gaps(x) if isinstance(x, str) else x for x in answer[key]]
    return answer

