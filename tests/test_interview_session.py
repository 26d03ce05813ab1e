"""The interview state machine (ask → answer → grade → next → report), resume, spaced repetition, and the web page."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.answering.prompts import Prompts
from assistant.interview.grader import Grade
from assistant.interview.notebook import Notebook
from assistant.interview.session import Interview, InterviewError, ask_variants
from assistant.interview.store import Store
from tests.conftest import CORPUS, ROOT


class ScriptedGrader:
    """Scores by keyword so the state machine is tested without models."""

    name = "scripted"

    def grade(self, ref, answer):
        score = 9.0 if "good" in answer else 2.0
        return Grade(ref.number, score, [], [] if score > 5 else ["missed"], f"feedback {score}", [ref.citation])


@pytest.fixture(scope="module")
def notebook():
    return Notebook.from_files([CORPUS])


@pytest.fixture
def parts(tmp_path, notebook):
    return Store(tmp_path / "i.db"), notebook, ScriptedGrader(), Prompts(ROOT / "prompts")


def test_ask_answer_grade_next_report(parts):
    store, notebook, grader, prompts = parts
    session = Interview.start(store, notebook, grader, prompts, topic="gradient-explosion", n=3, seed=1)
    turn = session.current
    assert (turn.position, turn.total) == (0, 3) and turn.note.number == 25
    assert turn.note.title in turn.prompt
    assert session.answer("a good answer").score == 9.0
    assert session.current.note.number == 26
    with pytest.raises(InterviewError):
        session.answer("   ")
    session.answer("a poor answer")
    assert not session.done
    session.skip()
    assert session.done and session.current is None
    report = session.report()
    assert [r["score"] for r in report.rows] == [9.0, 2.0, 2.0]
    assert report.overall == 4.3 and report.finished
    assert report.weak_topics == ["Gradient explosion (梯度爆炸)"]
    assert report.reread == ["[1] 第26题 梯度爆炸会引发什么问题？", "[2] 第27题 如何确定是否出现梯度爆炸？"]
    with pytest.raises(InterviewError):
        session.answer("good")
    assert store.latest_unfinished() is None


def test_link_and_image_only_sections_are_never_asked(parts):
    store, notebook, grader, prompts = parts
    asked = {t.number for t in notebook.askable()}
    assert asked.isdisjoint({23, 33, 34, 35, 36}) and len(asked) == 15
    session = Interview.start(store, notebook, grader, prompts, topic="cnn", n=10)
    assert sorted(n.number for n, _ in session.plan) == [24, 39]
    with pytest.raises(InterviewError):
        Interview.start(store, notebook, grader, prompts, topic="no-such-topic")


def test_resume_continues_with_the_same_wording(parts):
    store, notebook, grader, prompts = parts
    first = Interview.start(store, notebook, grader, prompts, topic="rnn", n=3, seed=7)
    first.answer("good")
    wording = first.current.prompt
    resumed = Interview.resume(store, notebook, grader)
    assert resumed.id == first.id and resumed.current.position == 1 and resumed.current.prompt == wording
    resumed.answer("good")
    resumed.answer("good")
    assert Interview.resume(store, notebook, grader) is None


def test_low_scores_come_back_before_new_questions(parts):
    store, notebook, grader, prompts = parts
    first = Interview.start(store, notebook, grader, prompts, n=3, now=1000.0)
    numbers = [n.number for n, _ in first.plan]
    assert numbers == [21, 22, 24]
    first.answer("good", now=1000.0)
    first.answer("poor", now=1000.0)
    first.answer("good", now=1000.0)
    second = Interview.start(store, notebook, grader, prompts, n=3, now=2000.0)
    assert [n.number for n, _ in second.plan] == [22, 25, 26], "the weak question first, then new ones"


def test_ask_variants_come_from_the_prompt_files():
    prompts = Prompts(ROOT / "prompts")
    for lang in ("zh", "en"):
        variants = ask_variants(prompts, lang)
        assert len(variants) >= 3 and all(v.variables == {"title"} for v in variants)
        # Any wording may open a session: "下一题：" / "Next question:" was the first question's lead-in (blind QA).
        assert not any(re.search(r"下一题|next question", v.template, re.I) for v in variants)


def test_reworded_questions_keep_every_part_and_read_as_chinese():
    from assistant.interview.variants import offline_variants

    prompts = Prompts(ROOT / "prompts")

    def reworded(title: str) -> list[str]:
        return offline_variants(prompts, title, "zh")

    # Two parts of one type share one template, which dropped the second: asked as written.
    assert reworded("激活函数需要具有哪些必要的属性？还有哪些属性是好的属性但不必要的？") == []
    assert reworded("动量（Momentum）是什么？有什么作用？") == []  # a part no template type fits
    assert reworded("样本类别不平衡该怎么处理？") == []  # "请谈谈你对…该怎么处理的理解" is not Chinese
    words = " ".join(reworded("在神经网络中，有哪些办法防止过拟合？") + reworded("卷积层和全连接层有什么区别？")
                     + reworded("一个好的激活函数需要具有哪些性质？"))
    assert words and "在神经网络中，过拟合" not in words and "有什么有什么" not in words and "需要具" not in words


def test_web_page_builds_and_runs_an_interview(tmp_path, notebook):
    gr = pytest.importorskip("gradio")
    from assistant.config import Settings
    from assistant.web.base import WebContext
    from assistant.web.interview import InterviewPage

    ctx = WebContext(Settings.from_env({}, home=tmp_path))
    page = InterviewPage(ctx)
    from assistant.interview.kit import InterviewKit

    ctx.assistant = SimpleNamespace(generation=0)  # no index needed: the kit below stands for what it would build
    page._kit = InterviewKit(notebook, Prompts(ROOT / "prompts"), ScriptedGrader())
    page._kit_generation = 0
    with gr.Blocks():
        with gr.Tab(page.title):
            page.render()
        page.wire()
    assert page.title == "Interview"
    sid, cards, question, *_ = page.on_start("Overfitting and regularisation (过拟合与正则化)", 1)
    assert sid and "防止过拟合" in question and cards == ""
    sid, cards, question, answer, flash, report, topics, chart, rows = page.on_answer(sid, "good answer")
    assert "qa-card" in cards and "good answer" in cards and "feedback 9.0" in cards  # the card keeps the answer
    assert "Interview finished" in question and answer == "" and flash == ""
    assert "第38题" in report and "**Overall:** 9/10" in report
    assert "Overfitting" in topics and "第38题" in rows and "mq-row" in rows and "<svg" in chart
    rows, chart = page.on_history()
    assert rows[0][2] == "1/1" and list(chart["mean score"]) == [9.0]
    *_, flash, _, _, _, _ = page.on_weak("Overfitting and regularisation (过拟合与正则化)", 1)
    assert "Start" not in flash  # the answered question is asked again
    _, _, _, kept, flash, *_ = page.on_answer(sid, "   ")
    assert "Start an interview first" in flash or "Type an answer" in flash
    # Submit after the end keeps the finished session's cards and report, and what was typed.
    _, cards, question, kept, flash, report, *_ = page.on_answer(sid, "one more thought")
    assert "qa-card" in cards and "Interview finished" in question and "**Overall:** 9/10" in report
    assert kept == "one more thought" and "finished" in flash
    _, cards, _, kept, flash, *_ = page.on_answer(None, "typed before starting")
    assert cards == "" and kept == "typed before starting" and "Start an interview first" in flash


def _rendered_page(home, notebook):
    """The Interview page over `home` with a scripted grader, rendered (no index: the kit stands for it)."""
    gr = pytest.importorskip("gradio")
    from assistant.config import Settings
    from assistant.interview.kit import InterviewKit
    from assistant.web.base import WebContext
    from assistant.web.interview import InterviewPage

    ctx = WebContext(Settings.from_env({}, home=home))
    ctx.assistant = SimpleNamespace(generation=0)
    page = InterviewPage(ctx)
    page._kit, page._kit_generation = InterviewKit(notebook, Prompts(ROOT / "prompts"), ScriptedGrader()), 0
    with gr.Blocks():
        page.render()
    return page


def test_web_interview_shows_each_signed_in_user_their_own_progress(tmp_path, notebook):
    page = _rendered_page(tmp_path, notebook)
    ana, bo = SimpleNamespace(username="ana"), SimpleNamespace(username="bo")  # what gr.Request carries under --auth
    topic = "Overfitting and regularisation (过拟合与正则化)"
    sid, *_ = page.on_start(topic, 1, request=ana)
    *_, rows = page.on_answer(sid, "good answer", request=ana)
    assert "第38题" in rows and "mq-row" in rows  # her answer card's page shows her progress
    *_, rows = page.on_answer(None, "an answer with no session", request=ana)
    assert "mq-row" in rows  # the one-line message keeps her progress too
    *_, rows = page.on_start(topic, 1, request=bo)
    assert "mq-row" not in rows  # bo has answered nothing
    *_, rows = page.on_answer(None, "an answer with no session", request=bo)
    assert "mq-row" not in rows


def test_web_interview_downloads_are_servable_outside_the_data_directory(tmp_path, notebook):
    import tempfile
    import zipfile
    from pathlib import Path

    home = tmp_path / "home"
    page = _rendered_page(home, notebook)
    topic = "Overfitting and regularisation (过拟合与正则化)"
    sid, *_ = page.on_start(topic, 1)
    page.on_answer(sid, "good answer")
    report = Path(page.on_export_markdown(sid))
    deck = Path(page.on_export_anki(topic))
    for path in (report, deck):
        # Gradio serves files under the temp folder (or the working directory), never from ASSISTANT_HOME
        assert path.is_relative_to(tempfile.gettempdir()) and not path.is_relative_to(home)
    assert "第38题" in report.read_text(encoding="utf-8") and "good answer" in report.read_text(encoding="utf-8")
    assert zipfile.is_zipfile(deck)  # an .apkg is a zip with the collection inside
    assert page.on_export_markdown(None) == str(report)  # no open session: the latest one



def test_web_export_buttons_hold_their_files_and_the_report_waits_for_a_session(tmp_path, notebook):
    """The export buttons download at the first click, so their files are written before they are pressed; with no
    session yet the report's button is disabled and the note says why."""
    topic = "Overfitting and regularisation (过拟合与正则化)"
    page = _rendered_page(tmp_path / "home", notebook)
    deck, report, note = page.on_offer_exports(topic, None)
    assert deck["value"].endswith(".apkg") and report["interactive"] is False and "No interview yet" in note
    sid, *_ = page.on_start(topic, 1)
    page.on_answer(sid, "good answer")
    deck, report, note = page.on_offer_report(sid)
    assert deck == {"__type__": "update"}  # the deck does not change with an answer
    assert report["interactive"] is True and "good answer" in Path(report["value"]).read_text(encoding="utf-8")
    assert note == ""

def test_download_folders_are_private_and_removed_when_the_server_exits(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    code = ("from assistant.web.base import download_folder; import os; f = download_folder('t'); "
            "(f / 'deck.apkg').write_bytes(b'x'); print(f, oct(os.stat(f).st_mode & 0o777))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[1] == "0o700" and not Path(out[0]).exists()


def test_web_interview_rebuilds_its_kit_when_another_model_is_connected(offline_settings, offline_assistant):
    pytest.importorskip("gradio")
    from assistant.web.base import WebContext
    from assistant.web.interview import InterviewPage

    ctx = WebContext(offline_settings)
    ctx.assistant = offline_assistant
    page = InterviewPage(ctx)
    first = page.kit
    assert page.kit is first  # built once while the model stays
    offline_assistant.use_settings(offline_settings)  # what the Settings tab does when another model is saved
    second = page.kit
    assert second is not first and second.grader_name == first.grader_name
    offline_assistant.generation += 1  # what Assistant.add_notes does (tests/test_teach.py checks it)
    assert page.kit is not second


@pytest.mark.parametrize("text", ["不知道", "嗯，这题不会。", "I don't know", "no idea"])
def test_an_answer_that_only_says_i_dont_know_is_a_skip_and_is_not_probed(tmp_path, notebook, text):
    from assistant.interview.grader import OfflineGrader

    store, prompts = Store(tmp_path / "i.db"), Prompts(ROOT / "prompts")
    session = Interview.start(store, notebook, OfflineGrader(prompts, cache_dir=tmp_path), prompts, topic="gradient-explosion", n=2, seed=1)
    grade = session.answer(text)
    skipped = "Skipped (scored 0)" if text in ("I don't know", "no idea") else "已跳过（计 0 分）"  # in the words' language
    assert grade.score == 0 and grade.feedback.startswith(skipped)
    assert session.current.kind == "question" and session.current.position == 1  # no probe of a non-answer
    assert store.answers(session.id)[0]["answer"] == ""  # kept as a skip, as /skip is


def test_an_answer_that_starts_with_i_dont_know_is_still_graded(tmp_path, notebook):
    from assistant.interview.grader import OfflineGrader

    store, prompts = Store(tmp_path / "i.db"), Prompts(ROOT / "prompts")
    session = Interview.start(store, notebook, OfflineGrader(prompts, cache_dir=tmp_path), prompts, topic="gradient-explosion", n=1, seed=1)
    grade = session.answer("不知道对不对：梯度累积变得非常大，导致网络权重大幅更新，网络变得不稳定。")
    assert grade.score > 0 and not grade.feedback.startswith("已跳过")


def test_web_timed_interview_counts_down_from_when_the_question_was_first_shown(tmp_path, notebook, monkeypatch):
    import re
    import time as clock

    page = _rendered_page(tmp_path, notebook)
    now = [1000.0]
    monkeypatch.setattr(clock, "monotonic", lambda: now[0])
    topic = "Overfitting and regularisation (过拟合与正则化)"
    sid, _, question, *_ = page.on_start(topic, 1, 60)
    assert 'class="iv-timer" datetime="PT60S"' in question and "1:00 left" in question
    now[0] += 25
    _, _, question, *_ = page.on_answer(sid, "   ")  # "type an answer first": the same turn, the same clock
    assert 'datetime="PT35S"' in question
    assert "Interview #" in page.on_reload() and "Resume last" in page.on_reload()  # a reload says one is waiting
    now[0] += 600  # the page was closed for ten minutes; "Resume last" is a new sitting: the clock starts again
    _, _, question, *_ = page.on_resume()
    assert 'datetime="PT60S"' in question
    now[0] += 50
    _, cards, *_ = page.on_answer(sid, "good answer")
    assert "Time taken: 50 s" in cards and "over the time limit" not in cards  # counted from the resume
    assert page.on_reload() == ""  # nothing unfinished
    _, _, question, *_ = page.on_start(topic, 1)  # untimed: no countdown
    assert not re.search("iv-timer", question)
    _, _, _, _, flash, *_ = page.on_start(topic, 1)  # the previous one was left unanswered: say so
    assert "(0 answered) was left unfinished; its answers are kept in History" in flash
    sid, cards, question, kept, flash, *_ = page.on_start(topic, 1, -5)  # one line, not an error on every output
    assert sid is None and "cannot be negative" in flash
