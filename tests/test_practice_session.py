"""Practice in the state machine: probes asked next and counted toward their point, targeted recall turns for
missed points, time limits, variants for seen questions, and the Markdown report."""

from __future__ import annotations

import pytest

from assistant.answering.prompts import Prompts
from assistant.interview.grader import Grade, point_rows, render_feedback
from assistant.interview.notebook import Notebook
from assistant.interview.report_md import render
from assistant.interview.session import Interview
from assistant.interview.session_report import session_report
from assistant.interview.srs import point_card, point_id
from assistant.interview.store import Store
from assistant.notes.keypoints import outline
from tests.conftest import CORPUS, ROOT

T0 = 1_700_000_000.0
PROMPTS = Prompts(ROOT / "prompts")


class LabelGrader:
    """Per-point verdicts without models: a point is covered when its label's first four characters are in the answer,
    contradicted when they follow a "不"."""

    name = "label"
    prompts = PROMPTS

    def grade(self, ref, answer):
        points = outline(ref.body).points
        statuses = ["contradicted" if answer and f"不{p.label[:4]}" in answer else
                    "covered" if answer and p.label[:4] in answer else "missed" for p in points]
        rows = point_rows(list(points), statuses)
        score = min(10.0, round(12.5 * statuses.count("covered") / len(points), 1))  # lenient, like the real one
        return Grade(ref.number, score, [r["point"] for r in rows if r["status"] == "covered"],
                     [r["point"] for r in rows if r["status"] != "covered"],
                     render_feedback(PROMPTS, ref, answer, score, rows), [ref.citation], points=rows)


@pytest.fixture(scope="module")
def notebook():
    return Notebook.from_files([CORPUS])


def test_probe_is_asked_next_and_counts_toward_its_points(tmp_path, notebook):
    store = Store(tmp_path / "i.db")
    session = Interview.start(store, notebook, LabelGrader(), PROMPTS, topic="gradient-explosion", n=4, now=T0)
    assert [n.number for n, _ in session.plan] == [25, 26, 27, 28]
    while session.current.note.number != 28:
        session.skip(now=T0)
    grade = session.answer("重新设计网络模型，使用梯度截断（Gradient Clipping）", now=T0)
    assert grade.score == 5.0 and grade.follow_up == ""
    turn = session.current
    assert turn.kind == "probe" and turn.prompt == "还有别的办法吗？" and len(turn.targets) == 3
    points = outline(session.reference(turn.note).body).points
    relu = point_card(turn.note.key, point_id(points[1].lead))
    assert store.cards()[relu]["last_rating"] == 1, "a missed point is rated Again at once"
    probe_grade = session.answer("使用 ReLU 激活函数", now=T0 + 60)
    assert probe_grade.score == pytest.approx(3.3) and session.done
    cards = store.cards()
    assert cards[relu]["last_rating"] == 2 and cards[relu]["reps"] == 2, "recalled after the nudge: Hard"
    lstm = point_card(turn.note.key, point_id(points[2].lead))
    assert cards[lstm]["last_rating"] == 1 and cards[lstm]["reps"] == 2
    report = session_report(store, session.id)
    assert report.rows[-1]["probe"]["status"] == "partly covered"  # one of the three other ways
    text = render(report, details=True)
    assert "还有别的办法吗？ → 3.3/10: 1 of 3 points covered" in text
    assert "- ✗ 使用长短期记忆网络 — not covered in the follow-up either" in text


def _at_question_28(tmp_path, notebook) -> tuple[Store, Interview]:
    """A gradient-explosion session with questions 25–27 skipped: question 28 (five fixes) is asked."""
    store = Store(tmp_path / "i.db")
    session = Interview.start(store, notebook, LabelGrader(), PROMPTS, topic="gradient-explosion", n=4, now=T0)
    while session.current.note.number != 28:
        session.skip(now=T0)
    return store, session


def test_a_follow_up_answer_counts_in_the_report_history_and_export(tmp_path, notebook):
    """Blind QA: the follow-up was graded live ("得分 4/10 …"), yet the report, history and Markdown export said 0/10
    with every point ✗ beside "→ covered". Its grade counts for the same points (README)."""
    store, session = _at_question_28(tmp_path, notebook)
    assert session.answer("ok", now=T0).score == 0.0
    turn = session.current
    points = outline(session.reference(turn.note).body).points
    assert turn.kind == "probe" and len(turn.targets) == len(points) == 5  # a hint, then the question again
    recalled = [points[0].label, points[3].label]
    live = session.answer("；".join(recalled), now=T0 + 60)
    assert live.score == 4.0 and session.done
    row = session_report(store, session.id).rows[-1]
    assert row["score"] == 4.0 and row["probe"]["status"] == "partly covered"  # 0 + two of five points
    assert [(p["point"], p["status"], p.get("follow_up")) for p in row["points"]] == [
        (p.label, "missed", "covered" if p.label in recalled else "missed") for p in points]
    assert store.sessions_summary()[0]["mean"] == pytest.approx(4.0 / 4)  # three skips and the counted 4
    assert [(t["mean"], t["last"]) for t in store.topic_progress()] == [(pytest.approx(1.0), 4.0)]
    assert [h["score"] for h in store.answer_history()] == [0.0, 0.0, 0.0, 4.0]
    text = render(session_report(store, session.id), details=True)
    assert "| 4/10 (0 before the follow-up) | 第28题" in text and "| 0/10 | 第28题" not in text and "— 4/10" in text
    assert all(f"- ✗ {label} — then covered in the follow-up" in text for label in recalled)
    assert text.count("then covered in the follow-up") == 2
    assert f"- ✗ {points[1].label} — not covered in the follow-up either" in text


def test_a_follow_up_answer_that_recalls_nothing_leaves_the_answers_grade(tmp_path, notebook):
    """A skipped (or wrong) follow-up takes nothing away from what the answer covered."""
    store, session = _at_question_28(tmp_path, notebook)
    session.answer("重新设计网络模型，使用梯度截断（Gradient Clipping）", now=T0)
    session.skip(now=T0)  # the follow-up about the other ways
    row = session_report(store, session.id).rows[-1]
    assert row["score"] == 5.0 and row["probe"]["status"] == "skipped"
    assert not any(p.get("later") for p in row["points"]) and [p["status"] for p in row["points"]].count("covered") == 2


def test_an_answer_that_covers_nothing_gets_a_hint_and_the_question_again(tmp_path, notebook):
    """"ok" covers nothing: a why question about one point would give it away and presume the rest (blind QA)."""
    _, session = _at_question_28(tmp_path, notebook)
    session.answer("ok", now=T0)
    turn = session.current
    points = outline(session.reference(turn.note).body).points
    assert turn.kind == "probe" and turn.prompt.startswith("给你一个提示：可以从「")
    assert turn.prompt.endswith("如何修复梯度爆炸问题？") and "为什么" not in turn.prompt
    assert len(turn.targets) == len(points)


def test_taking_the_hint_recalls_the_hinted_point(tmp_path, notebook):
    """Blind QA: "可以从「NaN」说起" answered "会导致NaN" scored 0/10, "missed", below a confidently wrong answer."""
    from assistant.interview.probe import cue

    _, session = _at_question_28(tmp_path, notebook)
    session.answer("ok", now=T0)
    turn = session.current
    points = outline(session.reference(turn.note).body).points
    hinted = cue(points[0], turn.note.title)
    assert f"「{hinted}」" in turn.prompt
    grade = session.answer(f"我想是{hinted}吧", now=T0 + 30)
    assert grade.covered == [points[0].label] and grade.score == 2.0  # one of five, recalled after the nudge
    _, again = _at_question_28(tmp_path / "again", notebook)
    again.answer("ok", now=T0)
    assert again.answer(hinted, now=T0 + 30).score == 0.0  # the cue alone, echoed back, says nothing


def test_missed_points_come_back_as_a_targeted_turn(tmp_path, notebook):
    store = Store(tmp_path / "i.db")
    first = Interview.start(store, notebook, LabelGrader(), PROMPTS, topic="gradient-explosion", n=4, now=T0)
    while first.current.note.number != 28:
        first.answer(first.current.note.title, now=T0)  # every point of 25–27 missed
        if first.current.kind == "probe":
            first.skip(now=T0)
    first.answer("重新设计网络模型，使用 ReLU 激活函数，使用长短期记忆网络", now=T0)
    first.skip(now=T0)  # the probe about the other two ways
    later = T0 + 86400  # question 28's card (Good) is not due yet, its two missed points are
    second = Interview.start(store, notebook, LabelGrader(), PROMPTS, topic="gradient-explosion", n=4, now=later)
    by_number = {n.number: i for i, (n, _) in enumerate(second.plan)}
    recall = second.plan[by_number[28]][1]
    assert "你上次没提到的两种方法是什么？（提示：「使用梯____（____）」、「使用权____（____）」）" in recall
    assert second.targets[by_number[28]] and len(second.targets[by_number[28]]) == 2
    while second.current.note.number != 28:
        second.skip(now=later)
    assert second.current.kind == "recall"
    grade = second.answer("使用梯度截断", now=later, elapsed=3)
    assert grade.score == 5.0 and [r["status"] for r in grade.points] == ["covered", "missed"]


def test_seen_questions_are_reworded_and_time_limit_is_reported(tmp_path, notebook):
    store = Store(tmp_path / "i.db")
    first = Interview.start(store, notebook, LabelGrader(), PROMPTS, topic="overfitting", n=1, now=T0, time_limit=20)
    assert "在神经网络中，有哪些办法防止过拟合？" in first.current.prompt, "a new question is asked by its title"
    first.answer("Dropout", now=T0, elapsed=25.0)
    first.skip(now=T0)
    assert store.cards()[f"q:{first.plan[0][0].key}"]["last_rating"] == 1
    report = session_report(store, first.id)
    assert report.time_limit == 20 and report.rows[0]["over_time"] and "25 s ⚠ over" in render(report)
    second = Interview.start(store, notebook, LabelGrader(), PROMPTS, topic="overfitting", n=1, now=T0 + 86400, seed=3)
    assert "在神经网络中，有哪些办法防止过拟合" not in second.current.prompt and "过拟合" in second.current.prompt


def test_a_probe_cue_is_a_whole_phrase_of_the_point(notebook):
    """Without a bold phrase or a Latin term the cue was the lead's first six characters ("误差梯度是神…")."""
    from assistant.interview.grades import Reference, points_of
    from assistant.interview.probe import _lead_phrase, cue

    note = notebook.by_number(25)
    points = points_of(Reference(note.number, note.title, notebook.body_of(note.file_key, note.uid)))
    assert cue(points[0], note.title) == "误差梯度"
    assert _lead_phrase("在深层网络或循环神经网络中，误差梯度可在更新中累积", "什么是梯度爆炸？") == "误差梯度可在更新中累积"
    assert _lead_phrase("实际上，全连接层也可以看作卷积核大小等于输入尺寸的卷积层。", "卷积层和全连接层有什么区别？") \
        == "全连接层也可以看作卷积核…"
    assert _lead_phrase("从图像生成文字（image caption）等多种任务都可以用它来完成", "") == "从图像生成文字…"  # no "（imag…"


def test_a_probe_names_a_point_without_cutting_inside_a_bracket():
    from assistant.interview.probe import _cut

    # The follow-up quoted 「网络层之间的梯度（值大于…」 (blind QA): a cut inside a bracket reads broken.
    assert _cut("网络层之间的梯度（值大于 1.0）重复相乘会指数增长", 12) == "网络层之间的梯度…"
    assert _cut("使用长短期记忆网络来缓解梯度爆炸问题", 12) == "使用长短期记忆网络来缓解…"


def test_a_skipped_follow_up_reads_not_answered_in_the_report():
    """"Answer: - → skipped" read as an answer of "-" (blind QA)."""
    from types import SimpleNamespace

    row = {"score": 4.0, "max_score": 10, "label": "第28题 如何修复梯度爆炸问题？", "prompt": "如何修复梯度爆炸问题？",
           "answer": "梯度截断", "points": [], "probe": {"prompt": "为什么 ReLU 有用？", "answer": "", "status": "skipped"}}
    report = SimpleNamespace(session_id=1, time_limit=None, rows=[row], overall=4.0, max_score=10, weak_topics=[],
                             reread=[])
    text = render(report, details=True)
    assert "Not answered (skipped)" in text and "Answer: -" not in text


def test_the_interview_speaks_the_answers_language_only_when_the_answer_shows_one():
    from assistant.interview.grades import reply_language

    assert reply_language("ok", "什么是梯度爆炸？") == "zh"  # "ok", "/skip", a bare name: the question's language
    assert reply_language("ReLU", "什么是梯度爆炸？") == "zh"
    assert reply_language("I dont know", "什么是梯度爆炸？") == "en"
    assert reply_language("Use gradient clipping", "什么是梯度爆炸？") == "en"
    assert reply_language("用 ReLU", "What is an exploding gradient?") == "zh"
    assert reply_language("ok", "What is an exploding gradient?") == "en"
