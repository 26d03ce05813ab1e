"""Interview memory: migrations on fresh and old databases, immediate commits, corruption recovery, Leitner schedule."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

from assistant.interview.grader import Grade
from assistant.interview.schedule import next_box, pick, review_after
from assistant.interview.store import MIGRATIONS, Store

NOTE = SimpleNamespace(key="f:25", number=25, title="什么是梯度爆炸？", topic="gradient-explosion")


def grade(score: float) -> Grade:
    return Grade(25, score, ["a"], ["b"], "feedback", ["[1] 第25题 什么是梯度爆炸？"])


def test_fresh_database_gets_every_migration_in_order(tmp_path):
    store = Store(tmp_path / "a.db")
    assert store.applied() == [name for name, _ in MIGRATIONS]
    assert store.applied()[0] == "m001_sessions_and_answers" and store.notice == ""
    store.close()
    assert Store(tmp_path / "a.db").applied() == [name for name, _ in MIGRATIONS], "reopening applies nothing twice"


def test_upgrade_from_first_version_keeps_answers_and_backfills_reviews(tmp_path):
    path = tmp_path / "old.db"
    old = Store(path, upto="m001_sessions_and_answers")
    assert old.applied() == ["m001_sessions_and_answers"]
    sid = old.db.execute("INSERT INTO sessions (started_at, plan) VALUES ('2024-01-01', '[]')").lastrowid
    for pos, score in enumerate([2.0, 8.0]):
        old.db.execute(
            "INSERT INTO answers (session_id, position, note_key, question, title, topic, prompt, answer, score,"
            " max_score, covered, missed, feedback, answered_at) VALUES (?, ?, 'f:25', 25, 't', 'x', 'p', 'a', ?, 10,"
            " '[]', '[]', 'f', 'now')", (sid, pos, score))
    old.db.commit()
    old.close()
    new = Store(path)
    assert new.applied() == [name for name, _ in MIGRATIONS]
    review = new.reviews()["f:25"]
    assert review["box"] == 2 and review["last_score"] == 8.0 and review["seen"] == 2  # latest answer wins
    assert [a["score"] for a in new.answers(sid)] == [2.0, 8.0]
    assert new.answers(sid)[0]["contradictions"] == [] and new.answers(sid)[0]["grader"] == "offline"


def test_each_answer_is_committed_immediately(tmp_path):
    store = Store(tmp_path / "a.db")
    sid = store.create_session([{"key": "f:25", "prompt": "q"}], None, "offline")
    store.record_answer(sid, 0, NOTE, "q", "answer", grade(3.0), review_after(None, 3.0, now=0))
    other = sqlite3.connect(tmp_path / "a.db")  # another process would see exactly this
    assert other.execute("SELECT answer, score FROM answers").fetchall() == [("answer", 3.0)]
    assert other.execute("SELECT box FROM reviews").fetchall() == [(1,)]


def test_corrupt_database_is_moved_aside_and_recreated(tmp_path):
    path = tmp_path / "assistant.db"
    path.write_bytes(b"this is not a database" * 100)
    store = Store(path)
    assert "moved it to assistant.db.corrupt-" in store.notice and "\n" not in store.notice
    assert store.applied() == [name for name, _ in MIGRATIONS]
    (aside,) = tmp_path.glob("assistant.db.corrupt-*")
    assert aside.read_bytes().startswith(b"this is not")


def test_leitner_boxes():
    assert next_box(None, 9) == 2 and next_box(4, 9) == 5 and next_box(5, 10) == 5
    assert next_box(4, 2) == 1 and next_box(3, 6) == 3
    box, due = review_after(2, 1.0, now=100.0)
    assert box == 1 and due == 100.0, "a poor answer is due again at once"
    assert review_after(1, 9.0, now=0.0) == (2, 86400.0)


def test_pick_brings_back_weak_questions_before_new_ones():
    notes = [SimpleNamespace(key=k) for k in ("a", "b", "c", "d", "e")]
    reviews = {
        "b": {"box": 3, "due_at": 50.0}, "d": {"box": 1, "due_at": 10.0},
        "e": {"box": 2, "due_at": 20.0}, "c": {"box": 4, "due_at": 500.0},
    }
    order = [n.key for n in pick(notes, reviews, 5, now=100.0)]
    assert order == ["d", "e", "b", "a", "c"]  # due by box, then new, then not yet due
    assert [n.key for n in pick(notes, reviews, 2, now=100.0)] == ["d", "e"]
