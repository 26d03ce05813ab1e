"""`assistant export`: the .apkg opened as a zip + SQLite (one note per key point, fields, stable ids), the
Markdown session report, and one-line usage errors."""

from __future__ import annotations

import sqlite3
import zipfile

from click.testing import CliRunner

from assistant.cli import cli
from assistant.interview.notebook import Notebook
from assistant.notes.keypoints import outline
from tests.conftest import CORPUS


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def read_notes(path, tmp_path):
    with zipfile.ZipFile(path) as z:
        assert "collection.anki2" in z.namelist()
        z.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        return db.execute("SELECT guid, flds, tags FROM notes ORDER BY flds").fetchall()
    finally:
        db.close()


def test_anki_export_one_note_per_key_point_with_stable_ids(built_copy, tmp_path):
    notebook = Notebook.from_files([CORPUS])
    expected = {n.number: outline(notebook.body_of(n.file_key, n.uid)).points for n in notebook.askable("gradient-explosion")}
    out = tmp_path / "ge.apkg"
    result = run("export", "anki", "--topic", "梯度爆炸", "-o", str(out))
    assert result.exit_code == 0, result.output
    total = sum(len(p) for p in expected.values())
    assert f"wrote {total} notes" in result.output
    notes = read_notes(out, tmp_path / "a")
    assert len(notes) == total == 19
    fields = [row[1].split("\x1f") for row in notes]
    assert all(len(f) == 4 for f in fields)
    relu = next(f for f in fields if f[2].startswith("使用 ReLU 激活函数"))
    assert relu[0] == "如何修复梯度爆炸问题？" and relu[1].startswith("要点 2/5") and relu[3] == "[1] 第28题 如何修复梯度爆炸问题？"
    assert "<br>" in relu[2] and "Sigmoid 和 Tanh" in relu[2], "the back is the point verbatim with its support"
    # Anki shows HTML: Markdown bold is <b>, not asterisks ("**使用 ReLU 激活函数可以减少梯度爆炸**。").
    assert "<b>使用 ReLU 激活函数可以减少梯度爆炸</b>" in relu[2] and "**" not in "".join(f[2] for f in fields)
    assert all(row[2].strip() == "gradient-explosion" for row in notes)
    again = tmp_path / "again.apkg"
    assert run("export", "anki", "--topic", "gradient-explosion", "-o", str(again)).exit_code == 0
    assert sorted(r[0] for r in read_notes(again, tmp_path / "b")) == sorted(r[0] for r in notes), "re-export keeps ids"


def test_markdown_export_of_a_session(built_copy, tmp_path):
    answers = "梯度变得非常大，权重更新过猛，网络不稳定，甚至出现 NaN。\n/skip\n"
    result = run("interview", "--topic", "gradient-explosion", "--n", "1", "--time-limit", "600", input=answers)
    assert result.exit_code == 0, result.output
    assert "⏱ 600 s" in result.output and "Report" in result.output
    out = tmp_path / "report.md"
    result = run("export", "markdown", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "### Report — session #1" in text and "第25题 什么是梯度爆炸？" in text and "(limit 600 s)" in text
    assert "Answer: 梯度变得非常大" in text and ("✓" in text or "✗" in text)


def test_export_usage_errors_exit_2_with_one_line(home, tmp_path):
    for args, needle in [(["export", "anki", "--topic", "transformers"], "valid topics"),
                         (["export", "anki", "-o", str(tmp_path / "deck.zip")], "must end in .apkg"),
                         (["export", "markdown"], "no interview sessions yet"),
                         # a mistyped folder is an error, not a new directory tree (blind QA)
                         (["export", "anki", "-o", str(tmp_path / "no" / "such" / "deck.apkg")], "no such folder"),
                         (["export", "markdown", "-o", str(tmp_path / "no" / "such" / "r.md")], "no such folder"),
                         (["export", "anki", "-o", ""], "the output file name is empty"),
                         (["interview", "--time-limit", "-1"], "x>=0")]:  # 0 means no limit, as in the web tab
        result = run(*args)
        assert result.exit_code == 2 and needle in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert not (tmp_path / "no").exists()
