"""Durable answers: the interview database is in WAL mode, and an answer is on disk the moment its grade is shown."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from assistant.interview.store import MIGRATIONS, Store
from tests.conftest import ROOT
from tests.test_cli_interview import _env, _read_until


def test_database_is_in_wal_mode_with_full_sync(tmp_path):
    store = Store(tmp_path / "a.db")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.applied() == [name for name, _ in MIGRATIONS], "the journal mode is no schema change"
    store.close()
    plain = sqlite3.connect(tmp_path / "a.db")  # WAL is a property of the file: any later connection uses it
    assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    plain.close()


def test_answer_is_stored_when_the_grade_is_printed(built_copy):
    """SIGKILL the terminal interview the moment its grade appears: the answer and its review are in the database."""
    cmd = [sys.executable, "-m", "assistant", "interview", "--topic", "gradient-explosion", "--n", "2"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=ROOT, env=_env(built_copy))
    answer = "梯度爆炸时权重更新过猛，损失变成 NaN，可以用梯度裁剪。"
    try:
        _read_until(proc, "you> ")
        proc.stdin.write(answer + "\n")
        proc.stdin.flush()
        shown = _read_until(proc, "/10")  # the score, first thing of the grade (stdout unbuffered)
    finally:
        proc.kill()  # SIGKILL: no atexit, no checkpoint, no close
        proc.wait()
    assert "[2/2]" not in shown
    assert (built_copy / "assistant.db-wal").exists(), "killed before a checkpoint: the answer lives in the WAL"
    store = Store(built_copy / "assistant.db")
    rows = store.answers(store.latest_unfinished())
    assert [(a["question"], a["answer"]) for a in rows] == [(25, answer)]
    assert f"{rows[0]['score']:g}/10" in shown
    assert store.reviews()[rows[0]["note_key"]]["seen"] == 1
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
