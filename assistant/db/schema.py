"""The app database's schema: every named migration, in the order they run.

One file holds interview memory and saved conversations, so one ordered list describes it:
an old database is upgraded by applying, in this order, the migrations it has not seen
(`sqlite.migrate`). Names and order are permanent: never rename, reorder or edit a migration
that has shipped; add a new one at the end. m001–m005 are the interview's history; m006 makes
interview memory per user (shared deployments); m007–m008 keep chat conversations and feedback; m009
names the section an off-topic answer was about; m010 keeps what an answered follow-up probe adds to its question.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.db.sqlite import Migrations, open_database, script

MIGRATIONS = Migrations()
migration = MIGRATIONS.register


def open_app_database(path: Path, what: str = "database", upto: str | None = None) -> tuple[sqlite3.Connection, str]:
    """(connection, notice) for the app database at `path`, brought up to date (or to `upto`)."""
    return open_database(path, MIGRATIONS, what, upto)


@migration
def m001_sessions_and_answers(db: sqlite3.Connection) -> None:
    script(db, """
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
    script(db, """
        CREATE TABLE reviews (
            note_key TEXT PRIMARY KEY, box INTEGER NOT NULL, due_at REAL NOT NULL,
            last_score REAL NOT NULL, seen INTEGER NOT NULL DEFAULT 1);
        INSERT INTO reviews (note_key, box, due_at, last_score, seen)
            SELECT note_key, CASE WHEN score >= 7 THEN 2 ELSE 1 END, 0, score, n
            FROM (SELECT note_key, score, MAX(id), COUNT(*) AS n FROM answers GROUP BY note_key)
    """)


@migration
def m003_llm_grade_details(db: sqlite3.Connection) -> None:
    script(db, """
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
    script(db, """
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
    script(db, """
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



@migration
def m006_interview_user(db: sqlite3.Connection) -> None:
    # Shared deployments (`assistant web --auth`): sessions belong to a user ('' = the local single user, as
    # the CLI and an app without auth use it), and the review schedule is per user too, so one candidate's
    # weak points never drive another's plan. SQLite cannot change a primary key in place: cards and
    # reviews are rebuilt keyed by (user, key), every existing row kept as the local user's.
    script(db, """
        ALTER TABLE sessions ADD COLUMN user TEXT NOT NULL DEFAULT '';
        CREATE INDEX sessions_user ON sessions(user, id);
        CREATE TABLE cards_by_user (
            user TEXT NOT NULL DEFAULT '', card_key TEXT NOT NULL, note_key TEXT NOT NULL, point TEXT,
            label TEXT NOT NULL DEFAULT '', state INTEGER NOT NULL, step INTEGER, stability REAL, difficulty REAL,
            due_at REAL NOT NULL, last_review REAL, reps INTEGER NOT NULL DEFAULT 0, lapses INTEGER NOT NULL DEFAULT 0,
            last_rating INTEGER, PRIMARY KEY (user, card_key));
        INSERT INTO cards_by_user (user, card_key, note_key, point, label, state, step, stability, difficulty, due_at,
                                   last_review, reps, lapses, last_rating)
            SELECT '', card_key, note_key, point, label, state, step, stability, difficulty, due_at, last_review, reps,
                   lapses, last_rating FROM cards;
        DROP TABLE cards;
        ALTER TABLE cards_by_user RENAME TO cards;
        CREATE INDEX cards_note ON cards(user, note_key);
        CREATE TABLE reviews_by_user (
            user TEXT NOT NULL DEFAULT '', note_key TEXT NOT NULL, box INTEGER NOT NULL, due_at REAL NOT NULL,
            last_score REAL NOT NULL, seen INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (user, note_key));
        INSERT INTO reviews_by_user (user, note_key, box, due_at, last_score, seen)
            SELECT '', note_key, box, due_at, last_score, seen FROM reviews;
        DROP TABLE reviews;
        ALTER TABLE reviews_by_user RENAME TO reviews
    """)


@migration
def m007_conversations(db: sqlite3.Connection) -> None:
    # Chat conversations of a user (a login name, or 'browser:<random id>' when the app runs without auth) and
    # their messages. An assistant message keeps what its sources panel and the Markdown export show (JSON),
    # the standalone question it was answered as ("interpreted as") and the answer mode. Regenerating an answer
    # keeps the old one, pointing at its replacement (superseded_by): a pair worth keeping for evaluation.
    # Timestamps carry microseconds, so "newest first" is exact within a second.
    script(db, """
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY, user TEXT NOT NULL DEFAULT '', title TEXT NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE INDEX conversations_user ON conversations(user, updated_at);
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('user', 'assistant')), content TEXT NOT NULL,
            sources TEXT NOT NULL DEFAULT '{}', standalone TEXT NOT NULL DEFAULT '', mode TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, superseded_by INTEGER);
        CREATE INDEX messages_conversation ON messages(conversation_id, id)
    """)


@migration
def m008_feedback(db: sqlite3.Connection) -> None:
    # Thumbs up/down on an answer with an optional reason, kept as a log for later evaluation: every click is a
    # row ('none' = the thumb was taken back); an answer's current verdict is its latest row.
    script(db, """
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            rating TEXT NOT NULL CHECK (rating IN ('up', 'down', 'none')), reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL);
        CREATE INDEX feedback_message ON feedback(message_id, id)
    """)


@migration
def m009_answer_elsewhere(db: sqlite3.Connection) -> None:
    # The section an off-topic answer is about instead (its label; '' for an answer to the question asked), so the
    # answer's card can say so after the session: the grader recognises answers to another question since then.
    script(db, "ALTER TABLE answers ADD COLUMN elsewhere TEXT NOT NULL DEFAULT ''")


@migration
def m010_follow_up_counts(db: sqlite3.Connection) -> None:
    # A follow-up probe's answer counts for the points it asked about: the question's score and per-point verdict
    # rows counting it, written when the probe is answered (`practice.with_follow_up`). The answer's own grade stays
    # in `answers`; readers take these when set. NULL and '[]' until then, and for probes answered before this
    # migration, whose per-point verdicts were never kept: those questions keep their answer's grade.
    script(db, """
        ALTER TABLE probes ADD COLUMN score REAL;
        ALTER TABLE probes ADD COLUMN points TEXT NOT NULL DEFAULT '[]'
    """)
