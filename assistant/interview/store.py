"""Interview memory in SQLite: sessions, graded answers and the review schedule.

Schema changes are named, ordered migrations recorded in a `migrations` table (the
simonw/llm pattern): a database is upgraded by applying the ones it has not seen, so an
old file keeps its history. The file is in WAL mode with FULL sync, and each answer is
committed the moment it is graded, before the grade is shown: a killed session loses nothing. A file that is not a database (or is damaged) is moved aside to
`<name>.corrupt-<timestamp>` and recreated; `Store.notice` says so in one line.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Callable

from assistant.errors import UserError
from assistant.interview.practice_rows import PracticeRows, as_json, now_iso

MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = []


def migration(fn: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    """Register a migration; they run in definition order, each once per database."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_sessions_and_answers(db: sqlite3.Connection) -> None:
    _script(db, """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,
            topic TEXT, plan TEXT NOT NULL, grader TEXT NOT NULL DEFAULT 'offline');
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES sessions(id),
            position INTEGER NOT NULL, note_key TEXT NOT NULL, question INTEGER NOT NULL, title TEXT NOT NULL,
            topic TEXT NOT NULL, prompt TEXT NOT NULL, answer TEXT NOT NULL, score REAL NOT NULL,
            max_score INTEGER NOT NULL, covered TEXT NOT NULL, missed TEXT NOT NULL, feedback TEXT NOT NULL,
            answered_at TEXT NOT NULL, UNIQUE(session_id, position));
    """)


@migration
def m002_review_schedule(db: sqlite3.Connection) -> None:
    # Leitner boxes per question; backfilled from the latest grade of every question already answered.
    _script(db, """
        CREATE TABLE reviews (
            note_key TEXT PRIMARY KEY, box INTEGER NOT NULL, due_at REAL NOT NULL,
            last_score REAL NOT NULL, seen INTEGER NOT NULL DEFAULT 1);
        INSERT INTO reviews (note_key, box, due_at, last_score, seen)
            SELECT note_key, CASE WHEN score >= 7 THEN 2 ELSE 1 END, 0, score, n
            FROM (SELECT note_key, score, MAX(id), COUNT(*) AS n FROM answers GROUP BY note_key)
    """)


@migration
def m003_llm_grade_details(db: sqlite3.Connection) -> None:
    _script(db, """
        ALTER TABLE answers ADD COLUMN contradictions TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE answers ADD COLUMN follow_up TEXT NOT NULL DEFAULT '';
        ALTER TABLE answers ADD COLUMN grader TEXT NOT NULL DEFAULT 'offline';
    """)


@migration
def m004_fsrs_cards(db: sqlite3.Connection) -> None:
    # FSRS card state per question (`q:<key>`) and per key point (`p:<key>#<point id>`), times as epoch seconds.
    # Existing Leitner rows become question cards: box 1 (answered poorly) a learning card with FSRS's
    # first-Again stability/difficulty (0.212 d, 6.41); a higher box a review card whose stability is the box's
    # interval (the Leitner interval is when recall was expected to fade) and mid difficulty, last reviewed one
    # interval before its due time. The `reviews` table is kept for older readers.
    _script(db, """
        CREATE TABLE cards (
            card_key TEXT PRIMARY KEY, note_key TEXT NOT NULL, point TEXT, label TEXT NOT NULL DEFAULT '',
            state INTEGER NOT NULL, step INTEGER, stability REAL, difficulty REAL, due_at REAL NOT NULL,
            last_review REAL, reps INTEGER NOT NULL DEFAULT 0, lapses INTEGER NOT NULL DEFAULT 0, last_rating INTEGER);
        CREATE INDEX cards_note ON cards(note_key);
        INSERT INTO cards (card_key, note_key, point, state, step, stability, difficulty, due_at, last_review, reps)
            SELECT 'q:' || note_key, note_key, NULL,
                   CASE WHEN box <= 1 THEN 1 ELSE 2 END, CASE WHEN box <= 1 THEN 0 ELSE NULL END,
                   CASE box WHEN 1 THEN 0.212 WHEN 2 THEN 1.0 WHEN 3 THEN 3.0 WHEN 4 THEN 7.0 ELSE 21.0 END,
                   CASE WHEN box <= 1 THEN 6.4133 ELSE 5.0 END, due_at,
                   MAX(0, due_at - 86400 * CASE box WHEN 1 THEN 0 WHEN 2 THEN 1 WHEN 3 THEN 3 WHEN 4 THEN 7 ELSE 21 END),
                   seen
            FROM reviews
    """)


@migration
def m005_probes_and_timing(db: sqlite3.Connection) -> None:
    # One probing follow-up at most per answer; per-question time limit and time taken; per-point verdicts and
    # the points a targeted turn asked for (JSON lists), for reports.
    _script(db, """
        CREATE TABLE probes (
            id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES sessions(id), position INTEGER NOT NULL,
            note_key TEXT NOT NULL, point TEXT NOT NULL, label TEXT NOT NULL, prompt TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT '', was_missed INTEGER NOT NULL DEFAULT 1,
            answer TEXT, status TEXT, feedback TEXT NOT NULL DEFAULT '', asked_at TEXT NOT NULL, answered_at TEXT,
            UNIQUE(session_id, position));
        ALTER TABLE sessions ADD COLUMN time_limit REAL;
        ALTER TABLE answers ADD COLUMN elapsed REAL;
        ALTER TABLE answers ADD COLUMN points TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE answers ADD COLUMN targets TEXT NOT NULL DEFAULT '[]'
    """)


_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class DatabaseError(UserError, OSError):
    """The interview database exists but cannot be used right now; the message is shown as is."""


class Store(PracticeRows):
    """The interview database: open (migrating or recovering), write rows, read history."""

    def __init__(self, path: Path, upto: str | None = None) -> None:
        self.path = Path(path)
        self.notice = ""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = self._open(upto)
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", None)
            if code == sqlite3.SQLITE_CANTOPEN and self.path.exists() and not os.access(self.path.parent, os.W_OK):
                # A WAL database in a read-only folder cannot create its -shm file: read it as an immutable file.
                self.db = self._open(upto, read_only=True)
                return
            if code not in _DAMAGED:
                # Locked, read-only, unopenable or full: the file may be healthy, so never move it aside.
                raise DatabaseError(f"cannot use the interview database {self.path} ({exc})") from None
            self.db = self._recover(exc, upto)

    def _open(self, upto: str | None, read_only: bool = False) -> sqlite3.Connection:
        target = f"{self.path.resolve().as_uri()}?immutable=1" if read_only else str(self.path)
        db = sqlite3.connect(target, timeout=10, check_same_thread=False, uri=read_only)
        db.row_factory = sqlite3.Row
        try:
            db.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                _durable(db)
            db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            migrate(db, upto)
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _recover(self, exc: Exception, upto: str | None) -> sqlite3.Connection:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        self.path.replace(aside)
        for suffix in ("-wal", "-shm", "-journal"):  # stale side files belong to the damaged database
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.notice = f"the interview database was unreadable ({exc}); moved it to {aside.name} and started a new one"
        return self._open(upto)

    def applied(self) -> list[str]:
        """Names of the migrations applied to this database, in order."""
        return [r[0] for r in self.db.execute("SELECT name FROM migrations ORDER BY rowid")]

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    # -- sessions -------------------------------------------------------------------------
    def create_session(self, plan: list[dict], topic: str | None, grader: str, time_limit: float | None = None) -> int:
        """A new session with its planned questions ([{key, prompt}]) and optional per-question time limit (s)."""
        with self.db:
            cur = self.db.execute("INSERT INTO sessions (started_at, topic, plan, grader) VALUES (?, ?, ?, ?)",
                                  (now_iso(), topic, json.dumps(plan, ensure_ascii=False), grader))
            if time_limit:
                self.db.execute("UPDATE sessions SET time_limit = ? WHERE id = ?", (time_limit, cur.lastrowid))
        assert cur.lastrowid is not None  # an INSERT always sets it
        return cur.lastrowid

    def session(self, session_id: int) -> dict | None:
        """One session row (plan decoded), or None."""
        row = self.db.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return {**dict(row), "plan": json.loads(row["plan"])} if row else None

    def latest_unfinished(self) -> int | None:
        """The id of the most recent session that was not finished."""
        row = self.db.execute("SELECT id FROM sessions WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1").fetchone()
        return int(row[0]) if row else None

    def finish_session(self, session_id: int) -> None:
        """Mark a session finished."""
        with self.db:
            self.db.execute("UPDATE sessions SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                            (now_iso(), session_id))

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
                " score, max_score, covered, missed, feedback, answered_at, contradictions, follow_up, grader)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, position, note.key, note.number, note.title, note.topic, prompt, answer, grade.score,
                 grade.max_score, as_json(grade.covered), as_json(grade.missed), grade.feedback, now_iso(),
                 as_json(grade.contradictions), grade.follow_up, grade.grader))
            self.db.execute(
                "INSERT INTO reviews (note_key, box, due_at, last_score, seen) VALUES (?, ?, ?, ?, 1)"
                " ON CONFLICT(note_key) DO UPDATE SET box = excluded.box, due_at = excluded.due_at,"
                " last_score = excluded.last_score, seen = seen + 1",
                (note.key, box, due_at, grade.score))
            self._save_practice(session_id, position, grade, cards or {}, elapsed, targets or [], probe)

    def answers(self, session_id: int) -> list[dict]:
        """A session's graded answers in order (JSON columns decoded)."""
        rows = self.db.execute("SELECT * FROM answers WHERE session_id = ? ORDER BY position", (session_id,))
        keys = ("covered", "missed", "contradictions", "points", "targets")
        return [{**dict(r), **{k: json.loads(r[k]) for k in keys if k in r.keys()}} for r in rows]

    def reviews(self) -> dict[str, dict]:
        """The review state of every question seen: note_key → {box, due_at, last_score, seen}."""
        return {r["note_key"]: dict(r) for r in self.db.execute("SELECT * FROM reviews")}

    # -- history --------------------------------------------------------------------------
    def sessions_summary(self, limit: int = 20) -> list[dict]:
        """Recent sessions with answered count and mean score, newest first."""
        rows = self.db.execute(
            "SELECT s.id, s.started_at, s.finished_at, s.topic, s.plan, COUNT(a.id) AS answered, AVG(a.score) AS mean"
            " FROM sessions s LEFT JOIN answers a ON a.session_id = s.id GROUP BY s.id ORDER BY s.id DESC LIMIT ?",
            (limit,))
        return [{**dict(r), "planned": len(json.loads(r["plan"]))} for r in rows]

    def topic_progress(self) -> list[dict]:
        """Per topic: answers, mean score, latest score and questions practised, weakest first."""
        rows = self.db.execute(
            "SELECT topic, COUNT(*) AS answers, AVG(score) AS mean, COUNT(DISTINCT note_key) AS questions,"
            " (SELECT score FROM answers b WHERE b.topic = a.topic ORDER BY b.id DESC LIMIT 1) AS last"
            " FROM answers a GROUP BY topic ORDER BY mean")
        return [dict(r) for r in rows]


def migrate(db: sqlite3.Connection, upto: str | None = None) -> list[str]:
    """Apply the migrations this database has not seen (up to and including `upto`); returns their names."""
    done = {r[0] for r in db.execute("SELECT name FROM migrations")}
    applied = []
    for name, fn in MIGRATIONS:
        if name not in done:
            # One explicit transaction per migration (DDL included): a failure leaves the previous version intact.
            # IMMEDIATE takes the write lock first, so a process migrating at the same time is waited for
            # and its work seen, instead of both applying the same migration.
            db.execute("BEGIN IMMEDIATE")
            try:
                if db.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone() is None:
                    fn(db)
                    db.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, now_iso()))
                    applied.append(name)
            except BaseException:
                db.rollback()
                raise
            db.commit()
        if name == upto:
            break
    return applied


def _durable(db: sqlite3.Connection) -> None:
    """WAL journal with FULL sync: a committed answer is in the log on disk before the grade is shown.

    The journal mode is a property of the file, not of the schema, so it is set on open
    rather than in a migration. A read-only file or folder keeps its mode (and is still read).
    """
    deadline = time.monotonic() + 10.0
    while db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc) or "read-only" in str(exc):
                break
            # Switching a new file to WAL needs it to itself, and SQLite does not wait (no busy handler there):
            # when several sessions open a new database at once, retry until the first one has switched it.
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    db.execute("PRAGMA synchronous = FULL")


def _script(db: sqlite3.Connection, sql: str) -> None:
    """Run ';'-separated statements inside the caller's transaction (executescript would commit first)."""
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)
