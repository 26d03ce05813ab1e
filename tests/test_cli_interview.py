"""The interview commands: `grade` (JSON and errors), topic errors, `history`, corrupt databases, and a killed-then-resumed terminal session."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from tests.conftest import ROOT


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_grade_json_shape(built_copy):
    result = run("grade", "--question", "38", "--answer", "可以用 Dropout，还有就是加 L2 正则化。", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"question", "score", "max_score", "covered", "missed", "feedback", "citations", "points",
                         "elsewhere"}
    assert data["elsewhere"] == ""
    assert [p["point"] for p in data["points"]] == ["Dropout", "加L1/L2正则化", "BatchNormalization", "网络bagging"]
    assert {p["status"] for p in data["points"]} <= {"covered", "missed", "contradicted"}
    assert data["question"] == 38 and data["max_score"] == 10 and 0 < data["score"] < 10
    assert data["citations"] == ["[1] 第38题 在神经网络中，有哪些办法防止过拟合？"]
    assert any("bagging" in m for m in data["missed"])


def test_grade_names_the_question_an_answer_belongs_to(built_copy):
    answer = "梯度截断：梯度超过阈值就截断。激活函数换成ReLU。用LSTM。加L2权重正则化。"
    result = run("grade", "--question", "21", "--answer", answer)
    assert result.exit_code == 0, result.output
    assert "这个回答大部分在讲「第28题 如何修复梯度爆炸问题？」" in result.output


@pytest.mark.parametrize("args, needle", [
    (["grade", "--question", "99", "--answer", "x"], "question 99 is not in the notes"),
    (["grade", "--question", "33", "--answer", "x"], "question 33 is link-only"),
    (["grade", "--question", "25", "--answer", "  "], "the answer is empty"),
    (["grade", "--question", "25", "--answer", "梯度" * 2001], "the answer is too long (4,002 characters; the limit is 4,000)"),
    (["interview", "--topic", "transformers"], "valid topics: gradient-explosion"),
    (["interview", "--weak"], "no answered questions to practise yet"),
])
def test_usage_errors_exit_2_with_one_line(built_copy, args, needle):
    proc = subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          cwd=ROOT, env=_env(built_copy), timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def _env(home):
    return {**os.environ, "ASSISTANT_HOME": str(home), "PYTHONUNBUFFERED": "1"}


def _read_until(proc, marker: str, timeout: float = 240) -> str:
    seen = ""
    deadline = time.time() + timeout
    while marker not in seen:
        assert time.time() < deadline, f"timed out waiting for {marker!r}; got:\n{seen}"
        char = proc.stdout.read(1)
        assert char, f"process ended before {marker!r}:\n{seen}"
        seen += char
    return seen


def test_killed_session_resumes_with_stored_answers(built_copy):
    """Answer one question through stdin, kill the process, then --resume and finish the session."""
    cmd = [sys.executable, "-m", "assistant", "interview", "--topic", "gradient-explosion", "--n", "2"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=ROOT, env=_env(built_copy))
    try:
        first = _read_until(proc, "you> ")
        assert "[1/2]" in first and "什么是梯度爆炸" in first
        proc.stdin.write("梯度变得特别大，权重更新过猛，训练不稳定，权重可能变成 NaN。\n")
        proc.stdin.flush()
        _read_until(proc, "you> ")  # the first answer was graded (and committed) before the next turn (a probe or [2/2])
    finally:
        proc.kill()
        proc.wait()
    from assistant.interview.store import Store

    store = Store(built_copy / "assistant.db")
    sid = store.latest_unfinished()
    assert [a["question"] for a in store.answers(sid)] == [25]
    store.close()

    answers = "权重溢出会变成 NaN。\n在循环神经网络中梯度爆炸会让网络不稳定，学不了长序列。\n/skip\n"  # probe?, [2/2], probe?
    resumed = subprocess.run(cmd[:4] + ["--resume"], input=answers,
                             capture_output=True, text=True, cwd=ROOT, env=_env(built_copy), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    out = resumed.stdout
    assert f"interview #{sid}" in out and "[2/2]" in out
    # Question 1 is not asked again: shown only above its pending follow-up, when there is one.
    assert "[1/2]" not in out or re.search(r"\[1/2\].*\n.*什么是梯度爆炸？.*\nfollow-up:\n", out), out
    assert "第25题 什么是梯度爆炸？" in out and "第26题 梯度爆炸会引发什么问题？" in out and "overall:" in out

    history = run("history")
    assert history.exit_code == 0 and "finished" in history.output and "Gradient explosion" in history.output


def test_a_skipped_question_lists_the_notes_points_without_marking_them_missed(built_copy):
    result = run("interview", "--topic", "gradient-explosion", "--n", "1", input="/skip\n")
    assert result.exit_code == 0, result.output
    feedback = result.output.split("you> ", 1)[1]
    assert "已跳过（计 0 分）。笔记（[1] 第25题 什么是梯度爆炸？）的 4 个要点：" in feedback
    assert feedback.count("\n• ") == 4 and "✗" not in feedback and "覆盖了" not in feedback


def test_an_oversized_answer_line_is_refused_and_the_next_line_graded(built_copy):
    """Blind CLI QA: a 27,000-character answer took the grader 48 s; the interview now asks for a shorter one."""
    result = run("interview", "--topic", "gradient-explosion", "--n", "1", input="梯度" * 2001 + "\n/skip\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("the answer is too long (4,002 characters; the limit is 4,000)") == 1
    assert "已跳过（计 0 分）" in result.output


def test_history_says_a_session_with_every_question_answered_waits_for_its_follow_up(built_copy):
    """Blind CLI QA: "answered 3/3" beside "unfinished (--resume)" read as a contradiction; what is left is the
    follow-up asked after the last answer."""
    result = run("interview", "--topic", "activation", "--n", "1", input="梯度爆炸是梯度在反向传播中指数级增长导致权重更新过大\n")
    assert result.exit_code == 0 and "follow-up" in result.output, result.output
    history = run("history")
    assert history.exit_code == 0 and "1/1" in history.output, history.output
    assert "follow-up open" in history.output and "unfinished" not in history.output, history.output  # wrapped at "(--resume)"


def test_a_follow_up_answers_grade_counts_in_the_report_history_and_export(built_copy):
    """Blind QA: an answer about another question (0/10) is followed by the question again; the follow-up's answer was
    graded live ("得分 4.4/10 … 9 个要点覆盖了 4 个"), yet the report, `history` and `export markdown` said 0/10 with
    every point ✗, beside "→ covered"."""
    answers = "梯度爆炸是梯度在反向传播中指数级增长导致权重更新过大\n非线性，几乎处处可微，计算简单，单调性\n"
    result = run("interview", "--topic", "activation", "--n", "1", input=answers)
    assert result.exit_code == 0, result.output
    graded, report = result.output.split("\nReport\n")
    live = graded.rsplit("you> ", 1)[1]  # the follow-up's answer, graded
    score = re.search(r"得分 ([\d.]+)/10", live).group(1)
    recalled = re.findall(r"^✓ (.+)$", live, re.M)
    assert float(score) > 0 and recalled, live
    # The answer's own score stays in sight (blind CLI QA: 9/10 live and 10/10 in the report read as a contradiction).
    assert re.search(rf"^ +{re.escape(score)}/10 \(0 before the follow-up\)  第21题", report, re.M), report
    assert f"overall: {score}/10" in report

    history = run("history")
    assert history.exit_code == 0 and f"{float(score):.1f}/10" in history.output, history.output

    export = run("export", "markdown")
    assert export.exit_code == 0, export.output
    assert f"| {score}/10 (0 before the follow-up) | 第21题" in export.output and "| 0/10 |" not in export.output
    assert f"— {score}/10" in export.output
    # The answer was about another question: each point keeps its ✗, and the ones the follow-up recalled say so.
    assert all(f"- ✗ {label} — then covered in the follow-up" in export.output for label in recalled), export.output
    assert export.output.count("— then covered in the follow-up") == len(recalled) and "- ✓ " not in export.output


def test_corrupt_database_does_not_crash_history(home):
    home.mkdir(parents=True)
    (home / "assistant.db").write_text("garbage" * 50)
    result = run("history")
    assert result.exit_code == 0
    assert "moved it to assistant.db.corrupt-" in result.output
    assert list(home.glob("assistant.db.corrupt-*"))
    assert "No interview sessions yet: start one with `assistant interview`" in result.output  # not empty tables


def test_grade_finds_a_question_from_notes_ingested_elsewhere(built_copy, tmp_path):
    note = tmp_path / "extra.md"
    note.write_text("## 77. 什么是早停？\n\n早停是在验证集误差不再下降时提前停止训练，用来防止过拟合。\n", encoding="utf-8")
    assert run("ingest", str(note)).exit_code == 0
    result = run("grade", "--question", "77", "--answer", "验证集误差不再下降的时候就提前停止训练，可以防止过拟合。", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["question"] == 77
    missing = run("grade", "--question", "78", "--answer", "x")
    assert missing.exit_code == 2 and "question 78 is not in the notes" in missing.output


def test_a_number_a_file_repeats_is_reachable_as_n_tilde_k(built_copy, tmp_path):
    """Two `## 102.` sections in one file: the later one was listed as 102 too, and `notes 102 --file` or `grade
    --question 102` could never reach it (blind QA). It is 102~2 everywhere, and ingest says so."""
    note = tmp_path / "tricky.md"
    note.write_text("## 102. 什么是Dropout？\n\nDropout 在训练时随机将神经元输出置零，防止过拟合。\n\n"
                    "## 102. 什么是 Dropout 的变体？\n\nDropConnect 随机丢弃权重而不是激活；Spatial Dropout 按通道整块丢弃。\n",
                    encoding="utf-8")
    ingested = run("ingest", str(note))
    assert ingested.exit_code == 0 and "question 102 is numbered more than once" in ingested.output
    assert "102~2" in run("notes").output
    assert run("notes", "102").output.startswith("第102题 什么是Dropout？")
    assert run("notes", "102~2", "--file", "tricky.md").output.startswith("第102题 什么是 Dropout 的变体？")
    graded = run("grade", "--question", "102~2", "--answer", "DropConnect 随机丢弃的是权重，不是激活。", "--json")
    assert graded.exit_code == 0 and "DropConnect" in json.dumps(json.loads(graded.output), ensure_ascii=False)
    bad = run("notes", "102~x")
    assert bad.exit_code == 2 and "is not a question number" in bad.output


def test_grade_takes_i_dont_know_as_a_skip(built_copy):
    """As in an interview: "I don't know" scores 0 with the notes' points, in English, not a grade of the words."""
    result = run("grade", "--question", "28", "--answer", "I don't know")
    assert result.exit_code == 0
    assert result.output.startswith("Skipped (scored 0).") and "Most of this answer is about" not in result.output


def test_input_that_is_not_utf8_is_one_line_and_ends_no_session(built_copy):
    """A GBK-encoded line (as a Windows terminal or file gives) is refused in one line; chat and interview go on."""
    def cli_run(*args, stdin: bytes):
        return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, cwd=ROOT,
                              env=_env(built_copy), timeout=300)

    gbk = "梯度爆炸".encode("gbk")
    chat = cli_run("chat", stdin="什么是梯度爆炸？\n".encode() + gbk + "\n它会引发什么问题？\n".encode())
    assert chat.returncode == 0, chat.stderr.decode()
    assert chat.stderr.decode().count("error: the text is not valid UTF-8") == 1
    assert "第26题 梯度爆炸会引发什么问题？" in chat.stdout.decode()  # the turn after the bad line, with its history

    interview = cli_run("interview", "--topic", "gradient-explosion", "--n", "1", stdin=gbk + "\n/skip\n".encode())
    assert interview.returncode == 0, interview.stderr.decode()
    assert "not valid UTF-8" in interview.stderr.decode() and "type the answer again" in interview.stderr.decode()
    assert "已跳过（计 0 分）" in interview.stdout.decode()

    for args in (("ask", "-"), ("grade", "--question", "28", "--answer", "-")):
        refused = cli_run(*args, stdin=gbk)
        assert refused.returncode == 2 and "not valid UTF-8" in refused.stderr.decode()
        assert "Traceback" not in refused.stderr.decode() and len(refused.stderr.decode().strip().splitlines()) == 1


def test_a_number_two_files_share_asks_which_file_and_the_list_names_the_files(built_copy, tmp_path):
    (tmp_path / "mine.md").write_text("## 1. 什么是批归一化？\n\n批归一化把每层输入归一化到零均值、单位方差，使训练更稳定。\n",
                                      encoding="utf-8")
    (tmp_path / "en notes.md").write_text("## 1. What is dropout?\n\nDropout randomly drops units during training.\n",
                                          encoding="utf-8")
    assert run("ingest", str(tmp_path)).exit_code == 0
    listed = run("notes").output
    assert "mine.md  什么是批归一化？" in listed and "en notes.md  What is dropout?" in listed
    ambiguous = run("notes", "1")
    assert ambiguous.exit_code == 2 and "question 1 is in 2 notes files (en notes.md, mine.md)" in ambiguous.output
    assert "批归一化把每层输入" in run("notes", "1", "--file", "mine.md").output
    assert "Dropout randomly" in run("notes", "1", "--file", "en notes").output
    assert run("notes", "99").exit_code == 2  # a number the notes lack is a usage error, as in `grade`
    graded = run("grade", "--question", "1", "--file", "mine.md", "--answer", "把每层的输入归一化到零均值、单位方差，训练更稳定。")
    assert graded.exit_code == 0 and "第1题 什么是批归一化？" in graded.output
    assert run("grade", "--question", "1", "--answer", "x").exit_code == 2


def test_resume_with_planning_options_and_an_empty_judged_answer_are_usage_errors(home):
    resumed = run("interview", "--resume", "--topic", "rnn")
    assert resumed.exit_code == 2 and "leave out --topic, --n, --weak and --file" in resumed.output
    empty = run("judge", "--question", "什么是梯度爆炸？", "--answer", " ")
    assert empty.exit_code == 2 and "the answer is empty" in empty.output and "question is empty" not in empty.output


def test_a_resumed_follow_up_repeats_the_question_it_belongs_to(built_copy):
    """Blind QA: `--resume` on a paused follow-up showed the follow-up line alone, not the question it belongs to."""
    first = run("interview", "--topic", "gradient-explosion", "--n", "1",
                input="梯度累积、大于1连乘、指数增长、权重更新过大、NaN\n/quit\n")
    assert first.exit_code == 0, first.output
    assert "follow-up:" in first.output and "paused" in first.output
    resumed = run("interview", "--resume", input="/quit\n")
    assert resumed.exit_code == 0, resumed.output
    assert re.search(r"\[1/1\].*\n.*什么是梯度爆炸？.*\nfollow-up:\n", resumed.output), resumed.output



def test_an_interview_ended_before_any_answer_is_not_kept(built_copy):
    """Blind CLI QA: `interview --n 1 < /dev/null` exited 0 and left an empty unfinished session each time, which
    `--resume` then picked. Fed no answer, it now keeps nothing and a script learns it from the exit code."""
    fed_nothing = run("interview", "--n", "1", input="")
    assert fed_nothing.exit_code == 1 and "was not kept" in fed_nothing.output, fed_nothing.output
    quit_first = run("interview", "--n", "1", input="/quit\n")
    assert quit_first.exit_code == 0 and "was not kept" in quit_first.output, quit_first.output
    assert run("interview", "--resume", input="/quit\n").exit_code == 2  # nothing to resume
    assert "unfinished" not in run("history").output

def test_a_zero_time_limit_means_none_as_in_the_web_tab(built_copy):
    """Blind QA: `--time-limit 0` was rejected (x>=1) while the web field says "0 = none"."""
    result = run("interview", "--topic", "overfitting", "--n", "1", "--time-limit", "0", input="/quit\n")
    assert result.exit_code == 0, result.output
    assert "[1/1]" in result.output and "⏱" not in result.output
    assert run("interview", "--time-limit", "-1").exit_code == 2


def test_a_number_the_configured_notes_share_with_an_ingested_file_asks_in_grade_and_is_named_in_ask(built_copy,
                                                                                                      tmp_path):
    """An ingested swish.md numbering 21 beside the shipped 第21题: `notes 21` asked which file, but `grade --question
    21` graded the shipped one without a word, and `ask "第21题"` answered from swish.md naming neither (blind QA)."""
    (tmp_path / "swish.md").write_text("## 21. 什么是Swish激活函数？\n\nSwish 定义为 x * sigmoid(beta * x)，是平滑、非单调的激活函数。\n",
                                       encoding="utf-8")
    assert run("ingest", str(tmp_path / "swish.md")).exit_code == 0
    ambiguous = run("grade", "--question", "21", "--answer", "平滑非单调")
    assert ambiguous.exit_code == 2
    assert ambiguous.output.splitlines()[-1] == run("notes", "21").output.splitlines()[-1]  # the same line as `notes`
    assert "question 21 is in 2 notes files (dl-interview-21-40.md, swish.md): choose one with --file NAME" in ambiguous.output
    mine = run("grade", "--question", "21", "--file", "swish.md", "--answer", "平滑、非单调的激活函数", "--json")
    assert mine.exit_code == 0 and json.loads(mine.output)["citations"] == ["[1] 第21题 什么是Swish激活函数？"]
    shipped = run("grade", "--question", "21", "--file", "dl-interview-21-40", "--answer", "非线性", "--json")
    assert shipped.exit_code == 0 and "激活函数的真正意义" in json.loads(shipped.output)["citations"][0]
    asked = run("ask", "第21题")
    assert asked.exit_code == 0, asked.output
    assert "question 21 is in 2 notes files: answering from" in asked.output
    assert "swish.md" in asked.output and "dl-interview-21-40.md" in asked.output


def test_history_does_not_schedule_the_questions_of_a_removed_file(built_copy, tmp_path):
    """After `ingest --remove`, `history` listed the removed file's questions as "due now" although no interview could
    ask them (`--weak` skipped them: blind QA). They are not scheduled, named under the table, and their rows kept."""
    from assistant.config import Settings
    from assistant.interview.store import Store

    note = tmp_path / "extra.md"
    note.write_text("## 77. 什么是标签平滑？\n\n标签平滑把 one-hot 标签的一部分概率分给其他类别，让模型不要过于自信。\n",
                    encoding="utf-8")
    assert run("ingest", str(note)).exit_code == 0
    asked = run("interview", "--topic", "other", "--n", "1", input="/skip\n")
    assert asked.exit_code == 0 and "第77题" in asked.output, asked.output
    assert "第77题" in run("history").output.split("Review schedule")[1]
    assert run("ingest", "--remove", str(note)).exit_code == 0
    history = run("history")
    assert history.exit_code == 0, history.output
    schedule = history.output.split("Review schedule")[1]
    rows, _, removed = schedule.partition("not scheduled, no longer in the notes")
    assert "第77题" not in rows and "第77题" in removed
    cards = Store(Settings.from_env(home=built_copy).db_path).cards()
    assert any(c["note_key"].endswith(":77") for c in cards.values())  # the review rows are kept


def test_interview_on_one_notes_file_and_its_sections_keep_out_of_shipped_topics_they_do_not_belong_to(built_copy,
                                                                                                        tmp_path):
    """There was no way to practise only the notes just added, and a self-attention section landed under "Activation
    functions" for the softmax in its formula (blind QA s8 §11)."""
    mine = tmp_path / "transformer notes.md"
    mine.write_text("## 101. 什么是自注意力机制（Self-Attention）？\n\n自注意力让序列中的每个位置都能直接关注所有其他位置。"
                    "注意力权重为 softmax(QK^T / sqrt(d_k))，维度较大时 softmax 会进入饱和区。\n\n"
                    "## 110. 什么是标签平滑（Label Smoothing）？\n\n标签平滑把 one-hot 标签的一部分概率分给其他类别。\n",
                    encoding="utf-8")
    assert run("ingest", str(mine)).exit_code == 0
    asked = run("interview", "--file", "transformer-notes", "--n", "5", input="/skip\n/skip\n")
    assert asked.exit_code == 0, asked.output
    assert "· 2 question(s) ·" in asked.output  # this file's two, none of the shipped twenty
    assert asked.output.count("[1/2] Other (其他)") + asked.output.count("[2/2] Other (其他)") == 2
    assert "Activation functions" not in asked.output
    unknown = run("interview", "--file", "nope.md")
    assert unknown.exit_code == 2
    assert "no notes file named 'nope.md'" in unknown.output and "transformer notes.md" in unknown.output
